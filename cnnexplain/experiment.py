"""Named, cached training runs shared by the examples, the site and the CLI.

:func:`experiment` makes the data, builds the model and trains it, from one
dictionary of settings per step; with no argument, it is exactly::

    train_set, val_set = make_lines().split()
    history = train(LineCNN(), train_set, val_set=val_set)

Every default is the one in the signature of :func:`~cnnexplain.data.make_lines`,
:meth:`~cnnexplain.data.LineDataset.split`, :class:`~cnnexplain.model.LineCNN`
or :func:`~cnnexplain.training.train`. The history is cached on disk, keyed
by every setting and by the source of the training code (:data:`TRAINING_SOURCES`),
so the gallery trains each run once per build and never shows a history made
by older training code. The
cache folder is the ``cache_dir`` argument, else the ``CNNEXPLAIN_CACHE``
environment variable, else ``~/.cache/cnnexplain``. Processes that share the
folder (the gallery runs its examples in parallel) take turns on a run: a
file lock per cache entry makes the second one wait for the first one's
training and read it, instead of training it again.

The cache checks what it returns: each entry is stored with the digest of its
bytes (``cnnexplain/_cache.py``), and an entry whose bytes no longer match --
damaged, cut short, edited -- is trained again and replaced, with a warning.
A valid entry is read without taking the lock, so a cache the process cannot
write (a shared, read-only folder) still serves what it holds; a run it does
not hold is then trained, with a warning, and not stored.

The environment variable ``CNNEXPLAIN_SEED`` (default 0) changes the seed of
the model and of the training whenever a call does not give one
(:func:`default_seed`): the site's claims must hold whichever run it shows,
and ``CNNEXPLAIN_SEED=1 nox -s docs`` builds the site from another run.
"""

from __future__ import annotations

import hashlib
import inspect
import json
import os
import sys
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from filelock import FileLock

from ._cache import check_entry_path, read_entry, write_entry
from ._checks import check_int, describe
from .data import MAX_DATA_PIXELS, LineDataset, check_data_pixels, make_lines
from .history import WeightHistory
from .model import LineCNN
from .training import train

__all__ = [
    "TRAINING_SOURCES",
    "Experiment",
    "cache_key",
    "default_cache_dir",
    "default_seed",
    "experiment",
    "resolve_config",
]


def _defaults(function: Callable, *, skip: tuple[str, ...] = ()) -> dict[str, Any]:
    """The default value of every parameter of ``function`` that has one, except ``skip``."""
    parameters = inspect.signature(function).parameters.values()
    return {p.name: p.default for p in parameters if p.default is not p.empty and p.name not in skip}


# The settings of each step and their defaults, read from the signatures. The
# model's image size and number of classes follow from the data; where and
# how verbosely to train is not part of a run's identity.
_DEFAULTS = {
    "data": _defaults(make_lines),
    "split": _defaults(LineDataset.split),
    "model": _defaults(LineCNN, skip=("image_size", "n_classes")),
    "training": _defaults(train, skip=("val_set", "progress", "device", "threads")),
}


@dataclass(frozen=True, eq=False)
class Experiment:
    """A trained run: its history, its data, and the model at the end.

    Make one with :func:`experiment` or :meth:`Experiment.from_history`.

    Parameters
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

    def __post_init__(self) -> None:
        # Each field's type, here rather than at first use (run.model on a history that is not one
        # failed with an AttributeError naming nothing of ours).
        expected = {
            "history": (WeightHistory, "a WeightHistory"),
            "train_set": (LineDataset, "a LineDataset"),
            "test_set": (LineDataset, "a LineDataset"),
            "config": (dict, "a dict of settings (see resolve_config)"),
            "key": (str, "a str (see cache_key)"),
        }
        for name, (kind, words) in expected.items():
            value = getattr(self, name)
            if not isinstance(value, kind):
                raise TypeError(f"{name} must be {words}, got {describe(value)}")

    @property
    def model(self) -> LineCNN:
        """A :class:`~cnnexplain.model.LineCNN` with the final weights, in eval mode (new on each access)."""
        return self.history.model_at(-1)

    @property
    def data(self) -> LineDataset:
        """The whole data set, before the split."""
        return make_lines(**self.config["data"])

    @classmethod
    def from_history(cls, history: WeightHistory, *, max_data_pixels: int = MAX_DATA_PIXELS) -> Experiment:
        """Rebuild the run of a history: its configuration, data, split and final model.

        Works for the histories of :func:`experiment` and ``cnnexplain
        train``, and for any :class:`~cnnexplain.model.LineCNN` trained by
        :func:`~cnnexplain.training.train` on the training part of
        ``make_lines(...).split(...)``: ``train`` records these settings.

        Parameters
        ----------
        history : WeightHistory
            The history of the run, as trained or as read by :meth:`~cnnexplain.history.WeightHistory.load`.
        max_data_pixels : int
            Most pixels the regenerated data set may hold, checked before any
            image is drawn: a history can come from anyone, and a few bytes of
            settings can describe gigabytes of images. The default, 2**25
            (128 MB as float32), is ten times the default run's 3,000,000;
            raise it to rebuild a larger run you trust.

        Returns
        -------
        Experiment
            The run, with ``history`` itself and its data regenerated.

        Raises
        ------
        TypeError, ValueError
            If ``history`` is not a history, or its config does not describe
            such a run, or describes more than ``max_data_pixels`` pixels of
            data; the message says what is missing or too large.

        Examples
        --------
        >>> from cnnexplain import LineCNN, make_lines, train
        >>> train_set, val_set = make_lines(n_per_class=20).split()
        >>> history = train(LineCNN(), train_set, val_set=val_set, epochs=1)
        >>> run = Experiment.from_history(history)
        >>> run.config["data"]["n_per_class"], len(run.test_set)
        (20, 8)
        """
        if not isinstance(history, WeightHistory):
            raise TypeError(f"history must be a WeightHistory, got {describe(history)}")
        check_int("max_data_pixels", max_data_pixels, low=1)
        try:
            config = _recorded_config(history.config)
            check_data_pixels(
                config["data"], "its config['dataset']", max_data_pixels, "max_data_pixels allows"
            )
            # The model first: it is checked against the history's own arrays before it is built,
            # and a history whose weights do not load is refused before its data are drawn.
            history.model_at(-1)
            train_set, test_set = make_lines(**config["data"]).split(**config["split"])
            n_train = history.config["training"].get("n_train")
            if n_train != len(train_set):
                raise ValueError(
                    f"it was trained on {n_train!r} images, its recorded data settings give {len(train_set)}"
                )
        except (TypeError, ValueError) as exc:
            raise ValueError(f"history: cannot rebuild the run it records: {exc}") from None
        return cls(history, train_set, test_set, config, cache_key(config))

    def store(self, cache_dir: str | os.PathLike | bool | None = None) -> Path | None:
        """Save this run's history in the cache, where :func:`experiment` looks for it.

        A run trained by hand with :func:`experiment`'s settings is then what
        ``experiment()`` returns, without training it a second time.

        Parameters
        ----------
        cache_dir : str, os.PathLike, bool or None
            As in :func:`experiment`: ``None`` (or ``True``) is
            :func:`default_cache_dir`, ``False`` stores nothing.

        Returns
        -------
        pathlib.Path or None
            The file written (replaced if it exists, with the digest of its
            bytes beside it), or ``None`` with ``cache_dir=False``.

        Raises
        ------
        ValueError
            If training was interrupted (``history.completed`` is false): such
            a run must not stand for the finished one; or if a folder holds
            the entry's name.
        """
        if not self.history.completed:
            raise ValueError("history: an interrupted run is not stored in the cache")
        path = _cache_file(cache_dir, self.key)
        if path is not None:
            check_entry_path(path)
            path.parent.mkdir(parents=True, exist_ok=True)
            with _entry_lock(path):
                write_entry(path, self.history._file_bytes())
        return path


# The names train() records for its optimizers, and the argument that chose each.
_OPTIMIZER_ARGUMENTS = {"Adam": "adam", "SGD": "sgd"}


def _recorded_section(section: Any, name: str) -> dict[str, Any]:
    """A section of a history's settings: a dict (missing: empty), or a TypeError naming it."""
    if section is None:
        return {}
    if not isinstance(section, dict):
        raise TypeError(f"its {name} must be a dict of settings, got {describe(section)}")
    return section


def _recorded_config(recorded: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The configuration of a run, from the settings ``train()`` recorded in its history."""
    dataset = _recorded_section(recorded.get("dataset"), "config['dataset']")
    model = _recorded_section(recorded.get("model"), "config['model']")
    split = _recorded_section(dataset.get("split"), "config['dataset']['split']")
    if split.get("part") != "train" or model.get("class") != "LineCNN":
        raise ValueError("it does not record a LineCNN trained on the training part of LineDataset.split()")
    training = dict(_recorded_section(recorded.get("training"), "config['training']"))
    if "optimizer" in training:  # train() records the optimizer's class name ("Adam"), takes "adam"
        training["optimizer"] = _OPTIMIZER_ARGUMENTS.get(training["optimizer"], training["optimizer"])
    sections = {"data": dataset, "split": split, "model": model, "training": training}
    for name, section in sections.items():
        missing = sorted(set(_DEFAULTS[name]) - set(section))
        if missing:
            raise ValueError(f"it does not record the {name} settings {missing}")
    config = resolve_config(**{name: {k: sections[name][k] for k in _DEFAULTS[name]} for name in sections})
    # The model's image size and classes follow from the data: a history whose model was
    # recorded otherwise would fail later, deep inside a forward pass.
    for name in ("image_size", "n_classes"):
        if model.get(name) != config["model"][name]:
            raise ValueError(
                f"its model was recorded with {name}={model.get(name)!r:.40}, "
                f"its data settings give {config['model'][name]}"
            )
    return config


def resolve_config(
    data: dict | None = None,
    model: dict | None = None,
    training: dict | None = None,
    split: dict | None = None,
) -> dict[str, dict[str, Any]]:
    """Fill in every default and return the full, JSON-ready configuration.

    Data settings are written as :func:`~cnnexplain.data.make_lines` records
    them (thickness ``2`` is ``[2, 2]``, the default length is filled in);
    ``model["image_size"]`` and ``model["n_classes"]`` follow from the data.

    Parameters
    ----------
    data : dict, optional
        Arguments of :func:`~cnnexplain.data.make_lines`.
    model : dict, optional
        Arguments of :class:`~cnnexplain.model.LineCNN`, but ``image_size`` and ``n_classes``.
    training : dict, optional
        ``epochs``, ``batch_size``, ``lr``, ``seed``, ``optimizer`` and ``record`` of
        :func:`~cnnexplain.training.train`.
    split : dict, optional
        Arguments of :meth:`~cnnexplain.data.LineDataset.split`.

    Returns
    -------
    dict
        Sections ``"data"``, ``"split"``, ``"model"`` and ``"training"``, each
        holding every setting of its step.

    Raises
    ------
    TypeError, ValueError
        If a section is not a dict, or a setting is unknown or invalid; the message names it.
    """
    given = {"data": data, "split": split, "model": model, "training": training}
    config: dict[str, dict[str, Any]] = {}
    for section, defaults in _DEFAULTS.items():
        values = {} if given[section] is None else given[section]
        if not isinstance(values, dict):
            raise TypeError(f"{section} must be a dict of settings, got {describe(values)}")
        unknown = sorted(set(values) - set(defaults))
        if unknown:
            raise ValueError(f"{section} settings must be among {sorted(defaults)}, got unknown {unknown}")
        config[section] = {**defaults, **values}
    # Only make_lines knows how it normalizes its settings: ask it, with one
    # image per class (the rest of its record does not depend on the count).
    recorded = make_lines(**{**config["data"], "n_per_class": 1}).config
    config["data"] = {**recorded, "n_per_class": config["data"]["n_per_class"]}
    config["model"]["image_size"] = config["data"]["size"]
    config["model"]["n_classes"] = len(config["data"]["orientations"])
    return json.loads(json.dumps(config, sort_keys=True))


#: The modules whose source decides what a training gives: the data, the model,
#: the training loop, the history it records, the seed studies, and what they
#: import from the package. A change anywhere else (the analysis, the figures,
#: the claims) cannot change a trained weight, so it does not retrain the
#: cache; ``tests/test_experiment.py`` checks that this list holds every module
#: these import.
TRAINING_SOURCES = (
    "__init__.py",
    "_cache.py",
    "_checks.py",
    "_io.py",
    "_safetensors.py",
    "_torch.py",
    "data.py",
    "experiment.py",
    "history.py",
    "model.py",
    "study/__init__.py",
    "study/ensemble.py",
    "study/result.py",
    "surrogates.py",
    "training.py",
)


def _code_digest() -> str:
    """Digest of the training code (:data:`TRAINING_SOURCES`): path and bytes of each file."""
    package = Path(__file__).parent
    digest = hashlib.sha256()
    for name in TRAINING_SOURCES:
        source = (package / name).read_bytes()
        digest.update(f"{name}\0{len(source)}\0".encode())  # unambiguous file boundaries
        digest.update(source)
    return digest.hexdigest()


def cache_key(config: dict) -> str:
    """Return the cache key of a full configuration and of the library's current source code.

    Parameters
    ----------
    config : dict
        A configuration returned by :func:`resolve_config`.

    Returns
    -------
    str
        20 hex digits; changing a setting or the training code
        (:data:`TRAINING_SOURCES`) changes it.
    """
    blob = json.dumps({"config": config, "code": _code_digest()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()[:20]


def default_cache_dir() -> Path:
    """Return the cache folder: ``$CNNEXPLAIN_CACHE`` or ``~/.cache/cnnexplain``.

    Returns
    -------
    pathlib.Path
        The folder (it may not exist yet).
    """
    env = os.environ.get("CNNEXPLAIN_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "cnnexplain"


def default_seed() -> int:
    """Return the seed :func:`experiment` gives the model and the training by default.

    Returns
    -------
    int
        ``$CNNEXPLAIN_SEED`` if set, else 0.

    Raises
    ------
    ValueError
        If ``CNNEXPLAIN_SEED`` is not a non-negative integer below ``2**63``.
    """
    text = os.environ.get("CNNEXPLAIN_SEED", "0").strip()
    # ASCII digits only: str.isdigit() also accepts digits int() cannot read, such as "²".
    if not (text.isascii() and text.isdigit()) or int(text) >= 2**63:
        raise ValueError(f"CNNEXPLAIN_SEED must be a non-negative integer below 2**63, got {text!r:.40}")
    return int(text)


def _with_seed(settings: Any, seed: int) -> Any:
    """``settings`` with ``seed`` filled in unless it gives one (non-dicts are left to resolve_config)."""
    if settings is None:
        return {"seed": seed}
    return {"seed": seed, **settings} if isinstance(settings, dict) else settings


def _cache_file(cache_dir: str | os.PathLike | bool | None, key: str) -> Path | None:
    if cache_dir is None or cache_dir is True:
        cache_dir = default_cache_dir()
    elif cache_dir is False:
        return None
    elif not isinstance(cache_dir, (str, os.PathLike)):
        raise TypeError(f"cache_dir must be a path, None or a bool, got {describe(cache_dir)}")
    return Path(cache_dir) / f"history-{key}.safetensors"


def _entry_lock(path: Path) -> FileLock:
    return FileLock(path.with_name(path.name + ".lock"))


def _cached_run(path: Path, config: dict) -> tuple[Experiment | None, str | None]:
    """The run stored at ``path`` if it is a valid entry holding a run of ``config``; else why not
    (``None`` if there is no entry)."""
    history, problem = read_entry(path, WeightHistory.load)
    if history is None:
        return None, problem
    try:
        run = Experiment.from_history(history)
    except ValueError as exc:
        return None, str(exc)
    return (run, None) if run.config == config else (None, "it holds the run of other settings")


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

    Its history equals (``==``) the one of the same steps done by hand (see
    the module's description). The model's and the training's ``seed``
    default to :func:`default_seed`.

    Parameters
    ----------
    data : dict, optional
        Arguments of :func:`~cnnexplain.data.make_lines`.
    model : dict, optional
        Arguments of :class:`~cnnexplain.model.LineCNN`, but ``image_size`` and ``n_classes``.
    training : dict, optional
        ``epochs``, ``batch_size``, ``lr``, ``seed``, ``optimizer`` and ``record`` of
        :func:`~cnnexplain.training.train`.
    split : dict, optional
        Arguments of :meth:`~cnnexplain.data.LineDataset.split`; the test part validates.
    cache_dir : str, os.PathLike, bool or None
        Cache folder; ``None`` (or ``True``) uses :func:`default_cache_dir`,
        ``False`` disables the cache.
    progress : bool or None
        Progress bar while training (see :func:`~cnnexplain.training.train`).

    Returns
    -------
    Experiment
        The run; its history is read from the cache when a valid entry exists.

    Raises
    ------
    TypeError, ValueError
        If a setting is invalid (the message names it), or a folder holds
        the name of the run's cache entry (checked before training).

    Warns
    -----
    RuntimeWarning
        When a cache entry is damaged (trained again and replaced), or the
        cache cannot be locked (a read-only folder: trained, not stored).

    Examples
    --------
    >>> from cnnexplain.experiment import experiment
    >>> run = experiment(
    ...     data={"n_per_class": 20},
    ...     training={"epochs": 1},
    ...     cache_dir=False,
    ... )
    >>> len(run.history), len(run.train_set), len(run.test_set)
    (2, 32, 8)
    """
    seed = default_seed()
    config = resolve_config(data, _with_seed(model, seed), _with_seed(training, seed), split)
    key = cache_key(config)
    path = _cache_file(cache_dir, key)
    if path is None:
        return _train_run(config, key, progress)
    check_entry_path(path)
    cached, _ = _cached_run(path, config)  # a valid entry needs no lock: entries are replaced atomically
    if cached is not None:
        return cached
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        lock = _entry_lock(path)
        lock.acquire()
    except OSError as exc:  # a folder this process cannot write
        warnings.warn(
            f"cnnexplain: cannot lock the cache entry {path} ({exc.strerror or exc}); "
            "training the run without storing it",
            RuntimeWarning,
            stacklevel=2,
        )
        return _train_run(config, key, progress)
    try:
        cached, problem = _cached_run(path, config)  # another process may have stored it meanwhile
        if cached is not None:
            return cached
        if problem is not None:
            warnings.warn(
                f"cnnexplain: the cache entry {path} cannot be trusted ({problem}); training it again",
                RuntimeWarning,
                stacklevel=2,
            )
        run = _train_run(config, key, progress)
        if run.history.completed:  # never cache a run that Ctrl-C cut short
            stored = write_entry(path, run.history._file_bytes())
            if cache_dir in (None, True) and "CNNEXPLAIN_CACHE" not in os.environ:
                # Written to a folder nobody chose (a reader running a downloaded example): say
                # where, and how to choose. A caller who named the folder already knows.
                print(
                    f"cnnexplain: saved the trained run in the cache: {stored} "
                    "(CNNEXPLAIN_CACHE chooses the folder)",
                    file=sys.stderr,
                )
        return run
    finally:
        lock.release()


def _train_run(config: dict, key: str, progress: bool | None) -> Experiment:
    train_set, test_set = make_lines(**config["data"]).split(**config["split"])
    net = LineCNN(**config["model"])
    history = train(net, train_set, val_set=test_set, progress=progress, **config["training"])
    return Experiment(history, train_set, test_set, config, key)
