"""Named, cached training runs shared by the examples, the site and the CLI.

:func:`experiment` makes the data, builds the model and trains it, from one
dictionary of settings. Its result is cached on disk, keyed by the *full*
configuration (every setting, defaults included) and by a digest of the
library code that produced it, so the gallery trains each distinct
configuration once per build and never shows a history made by older code.

The cache folder is, in order: the ``cache_dir`` argument, the
``CNNEXPLAIN_CACHE`` environment variable, or ``~/.cache/cnnexplain``.
Pass ``cache_dir=False`` to train without a cache.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from ._checks import check_int, check_int_range, describe
from .data import LineDataset, _default_length, make_lines
from .history import WeightHistory
from .model import LineCNN
from .training import train

__all__ = ["Experiment", "cache_key", "default_cache_dir", "experiment", "resolve_config"]

_DATA_DEFAULTS: dict[str, Any] = {
    "n_per_class": 600,
    "size": 50,
    "thickness": (1, 3),
    "length": None,
    "noise": 0.0,
    "orientations": ("horizontal", "vertical"),
    "seed": 0,
}
_SPLIT_DEFAULTS: dict[str, Any] = {"test_fraction": 0.2, "seed": 0}
_MODEL_DEFAULTS: dict[str, Any] = {
    "n_kernels": 8,
    "kernel_size": 7,
    "n_kernels2": 8,
    "kernel_size2": 3,
    "hidden": 32,
    "dropout": 0.25,
    "seed": 0,
}
_TRAIN_DEFAULTS: dict[str, Any] = {"epochs": 20, "batch_size": 32, "lr": 1e-3, "seed": 0, "record": "epoch"}
_SECTIONS = {
    "data": _DATA_DEFAULTS,
    "split": _SPLIT_DEFAULTS,
    "model": _MODEL_DEFAULTS,
    "training": _TRAIN_DEFAULTS,
}


@dataclass(frozen=True, eq=False)
class Experiment:
    """A trained run: its history, its data, and the model at the end.

    Attributes
    ----------
    history : WeightHistory
        Snapshots and metrics of the training.
    train_set, test_set : LineDataset
        The split the model was trained and validated on.
    config : dict
        The full configuration (see :func:`resolve_config`).
    key : str
        The cache key of the configuration.
    """

    history: WeightHistory
    train_set: LineDataset
    test_set: LineDataset
    config: dict[str, Any]
    key: str

    @property
    def model(self):
        """A :class:`~cnnexplain.model.LineCNN` with the final weights, in eval mode (new on each access)."""
        return self.history.model_at(-1)

    @property
    def data(self) -> LineDataset:
        """The whole data set, before the split."""
        return make_lines(**self.config["data"])


def resolve_config(
    data: dict | None = None,
    model: dict | None = None,
    training: dict | None = None,
    split: dict | None = None,
) -> dict[str, dict[str, Any]]:
    """Fill in every default and return the full, JSON-ready configuration.

    Unknown setting names raise ``ValueError``. ``model["image_size"]`` and
    ``model["n_classes"]`` follow from the data settings.
    """
    given = {"data": data, "split": split, "model": model, "training": training}
    config: dict[str, dict[str, Any]] = {}
    for section, defaults in _SECTIONS.items():
        values = given[section] or {}
        if not isinstance(values, dict):
            raise TypeError(f"{section} must be a dict of settings, got {describe(values)}")
        unknown = sorted(set(values) - set(defaults))
        if unknown:
            raise ValueError(f"{section} settings must be among {sorted(defaults)}, got unknown {unknown}")
        config[section] = {**defaults, **values}
    cfg_data = config["data"]
    if cfg_data["length"] is None:
        # The same default as make_lines (which depends on the orientations
        # and thickness); bad settings are left for make_lines to report.
        try:
            size = check_int("size", cfg_data["size"], low=8, high=512)
            thick = check_int_range("thickness", cfg_data["thickness"], low=1, high=size)
            cfg_data["length"] = _default_length(size, thick, tuple(cfg_data["orientations"]))
        except (TypeError, ValueError):
            pass
    orientations = cfg_data["orientations"]
    config["model"]["image_size"] = cfg_data["size"]
    config["model"]["n_classes"] = len(orientations) if isinstance(orientations, (list, tuple)) else 2
    return json.loads(json.dumps(config, sort_keys=True))


def _code_digest() -> str:
    """Digest of the library modules that make a history."""
    here = Path(__file__).parent
    h = hashlib.sha256(__version__.encode())
    for name in ("_checks.py", "data.py", "model.py", "training.py", "experiment.py"):
        h.update((here / name).read_bytes())
    return h.hexdigest()


def cache_key(config: dict) -> str:
    """Return the cache key of a full configuration and the current library code."""
    blob = json.dumps({"config": config, "code": _code_digest()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def default_cache_dir() -> Path:
    """The cache folder: ``$CNNEXPLAIN_CACHE`` or ``~/.cache/cnnexplain``."""
    env = os.environ.get("CNNEXPLAIN_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "cnnexplain"


def experiment(
    data: dict | None = None,
    model: dict | None = None,
    training: dict | None = None,
    split: dict | None = None,
    *,
    cache_dir: str | os.PathLike | bool | None = None,
    progress: bool | None = False,
) -> Experiment:
    """Make the data, train a :class:`~cnnexplain.model.LineCNN` on it, and cache the result.

    Parameters
    ----------
    data : dict, optional
        Arguments of :func:`~cnnexplain.data.make_lines`.
    model : dict, optional
        Arguments of :class:`~cnnexplain.model.LineCNN` (``image_size`` and
        ``n_classes`` come from the data).
    training : dict, optional
        ``epochs``, ``batch_size``, ``lr``, ``seed`` and ``record`` of
        :func:`~cnnexplain.training.train`.
    split : dict, optional
        ``test_fraction`` and ``seed`` of :meth:`~cnnexplain.data.LineDataset.split`; the test
        part is the validation set of the training.
    cache_dir : path, bool or None
        Cache folder; ``None`` uses :func:`default_cache_dir`, ``False``
        disables the cache.
    progress : bool or None
        Progress bar while training (see :func:`~cnnexplain.training.train`).

    Returns
    -------
    Experiment

    Examples
    --------
    >>> from cnnexplain.experiment import experiment
    >>> run = experiment(data={"n_per_class": 20}, training={"epochs": 1}, cache_dir=False)
    >>> len(run.history), len(run.train_set), len(run.test_set)
    (2, 32, 8)
    """
    config = resolve_config(data, model, training, split)
    key = cache_key(config)
    full = make_lines(**config["data"])
    train_set, test_set = full.split(**config["split"])
    if cache_dir is False:
        path = None
    else:
        if cache_dir is True or cache_dir is None:
            folder = default_cache_dir()
        elif isinstance(cache_dir, (str, os.PathLike)):
            folder = Path(cache_dir)
        else:
            raise TypeError(f"cache_dir must be a path, None or False, got {describe(cache_dir)}")
        path = folder / f"history-{key}.npz"
    history = None
    if path is not None and path.is_file():
        try:
            history = WeightHistory.load(path)
        except ValueError:
            history = None  # a damaged cache entry is retrained and replaced
        if history is not None and history.config.get("experiment") != config:
            history = None
    if history is None:
        net = LineCNN(**config["model"])
        t = config["training"]
        history = train(
            net,
            train_set,
            val_set=test_set,
            epochs=t["epochs"],
            batch_size=t["batch_size"],
            lr=t["lr"],
            seed=t["seed"],
            record=t["record"],
            progress=progress,
        )
        history = WeightHistory(
            {k: history[k] for k in history},
            history.steps,
            history.metrics,
            {**history.config, "experiment": config},
        )
        if path is not None:
            history.save(path, overwrite=True)
    return Experiment(history, train_set, test_set, config, key)
