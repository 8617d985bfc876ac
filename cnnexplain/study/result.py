"""The result of a seed study, :class:`SeedStudy`, and its file.

A study keeps what the questions about training in general need and no more:
for every seed and arm, the first layer (``conv1``: weights and biases) at
the start, after every epoch (or only at the end), and the four metrics of
:func:`~cnnexplain.training.train` per epoch; and, for the arms in the
configuration's ``final_models`` (Adam's by default), every parameter of the
trained network. For 100 seeds, 7 arms and 8 epochs that is 21 MB, 10.7 of
them the 100 trained Adam networks.

:meth:`SeedStudy.save` writes one `safetensors
<https://huggingface.co/docs/safetensors>`_ file, as
:meth:`~cnnexplain.history.WeightHistory.save` does: the arrays as tensors,
the rest as JSON in one metadata entry; nothing in it can run when it is
read. A study file may come from anyone, so :meth:`SeedStudy.load` reads it
as :meth:`~cnnexplain.history.WeightHistory.load` reads a history: the file's
size against ``max_bytes`` (1 GiB by default) first, then the header alone
(at most 2 MiB), every tensor's dtype and shape against the configuration
the header holds, and only then each array, allocated once and read into
place. A damaged, foreign or oversized file is refused with a ``ValueError``
and never read in part.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import safetensors.numpy
import torch

from .. import __version__
from .._checks import check_choice, check_int, check_path, describe
from .._io import atomic_write_bytes, exists
from .._safetensors import TensorInfo, read_header, read_tensor
from ..history import MAX_LOAD_BYTES, WeightHistory
from ..model import LineCNN
from .ensemble import ARMS, METRICS, train_member

__all__ = ["FORMAT_VERSION", "SeedStudy", "snapshot_epochs"]

#: Version of the file format written by :meth:`SeedStudy.save` (2: with the final models).
FORMAT_VERSION = 2
#: The one metadata entry of a study file (one entry, so that the same study gives the same bytes).
_METADATA_KEY = "cnnexplain.SeedStudy"
_METRIC_PREFIX = "metrics/"
_FINAL_PREFIX = "final/"
#: The configuration's sections and keys, as :func:`~cnnexplain.study.study_config` writes them.
_CONFIG_KEYS = {"data", "split", "model", "training", "seeds", "arms", "snapshots", "final_models"}
_TRAINING_KEYS = {"epochs", "batch_size", "lr", "sgd_lr"}


def snapshot_epochs(config: Mapping[str, Any]) -> np.ndarray:
    """Return the epoch of each conv1 snapshot a study of ``config`` keeps.

    Parameters
    ----------
    config : dict
        A study configuration (:func:`~cnnexplain.study.study_config`).

    Returns
    -------
    numpy.ndarray
        Int64: ``0, 1, ..., epochs`` when ``config["snapshots"]`` is
        ``"epoch"``, else ``0, epochs`` (just ``0`` for a study of no epoch).
    """
    epochs = config["training"]["epochs"]
    kept = range(epochs + 1) if config["snapshots"] == "epoch" else sorted({0, epochs})
    return np.array(kept, dtype=np.int64)


def _read_only(array: np.ndarray, dtype: type, *, copy: bool = True) -> np.ndarray:
    """A C-ordered, native-endian, read-only copy of ``array`` as ``dtype``; with ``copy=False``,
    ``array`` itself when it is so already (the arrays :meth:`SeedStudy.load` reads into place)."""
    kept = np.array(array, dtype=dtype, order="C") if copy else np.asarray(array, dtype=dtype, order="C")
    kept.flags.writeable = False
    return kept


@dataclass(frozen=True, eq=False)
class SeedStudy:
    """Conv1 snapshots and metrics of many seeds, each trained in several arms.

    Made by :func:`~cnnexplain.study.seed_study` or read by :meth:`load`.
    Axes: ``S`` seeds (in the order of ``seeds``), ``A`` arms (in the order of
    ``arms``), ``T`` snapshots (at the epochs of :attr:`epochs`), ``K``
    kernels of ``k x k``; ``E`` epochs of training.

    Parameters
    ----------
    config : dict
        The configuration (:func:`~cnnexplain.study.study_config`): data,
        split, model (without a seed), training (``epochs``, ``batch_size``,
        ``lr``, ``sgd_lr``), ``seeds``, ``arms`` and ``snapshots``.
    conv1_weight : numpy.ndarray
        Float32 ``(S, A, T, K, 1, k, k)``.
    conv1_bias : numpy.ndarray
        Float32 ``(S, A, T, K)``.
    metrics : dict of str to numpy.ndarray
        Each name of :data:`~cnnexplain.study.METRICS` to float64 ``(S, A, E + 1)``:
        index 0 before training, index ``e`` after epoch ``e``, as in
        :attr:`WeightHistory.metrics <cnnexplain.history.WeightHistory.metrics>`.
        ``val_*`` are measured on the split's test part with its true labels
        (also for the shuffled arm); ``train_*`` on the labels the member
        trained on.
    trained_with : dict of str to str
        Versions of ``cnnexplain`` and ``torch`` that trained it.
    final_state : dict of str to numpy.ndarray
        Every parameter of :class:`~cnnexplain.model.LineCNN`, by its name in
        the state dict, after the last epoch, float32 ``(S, M, *shape)``, for
        the ``M`` arms of ``config["final_models"]`` (:meth:`model` builds
        the network).

    Examples
    --------
    >>> from cnnexplain.study import seed_study
    >>> study = seed_study(
    ...     range(2), ("adam", "shuffled"), epochs=1,
    ...     data={"n_per_class": 10, "size": 20}, n_jobs=1, cache_dir=False,
    ... )
    >>> study.conv1_weight.shape  # seeds, arms, snapshots, kernels
    (2, 2, 2, 8, 1, 7, 7)
    >>> start = study.initial_weight  # seeds, arms, kernels
    >>> bool((start[:, 0] == start[:, 1]).all())  # twins: the same start
    True
    >>> study.model(1, "adam").training  # trained, in evaluation mode
    False
    """

    config: dict[str, Any]
    conv1_weight: np.ndarray
    conv1_bias: np.ndarray
    metrics: dict[str, np.ndarray]
    trained_with: dict[str, str]
    final_state: dict[str, np.ndarray]

    def __post_init__(self) -> None:
        self._check_and_keep(copy=True)

    def _check_and_keep(self, *, copy: bool) -> None:
        """Check the fields against each other and keep read-only arrays: copies, or with
        ``copy=False`` the arrays themselves when they are already as kept."""
        config = _checked_config(self.config)
        shapes = _expected_shapes(config)
        arrays = {"conv1_weight": self.conv1_weight, "conv1_bias": self.conv1_bias}
        for name, array in arrays.items():
            _check_array(name, array, shapes[name])
        final_shapes = shapes["final_state"]
        if not isinstance(self.final_state, Mapping) or set(self.final_state) != set(final_shapes):
            got = (
                sorted(self.final_state)
                if isinstance(self.final_state, Mapping)
                else describe(self.final_state)
            )
            raise ValueError(f"final_state must hold exactly {sorted(final_shapes)}, got {got}")
        for name, shape in final_shapes.items():
            _check_array(f"final_state[{name!r}]", self.final_state[name], shape)
        if not isinstance(self.metrics, Mapping) or set(self.metrics) != set(METRICS):
            got = sorted(self.metrics) if isinstance(self.metrics, Mapping) else describe(self.metrics)
            raise ValueError(f"metrics must hold exactly {list(METRICS)}, got {got}")
        for name in METRICS:
            _check_array(f"metrics[{name!r}]", self.metrics[name], shapes["metrics"])
        if not isinstance(self.trained_with, Mapping) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in self.trained_with.items()
        ):
            raise TypeError(
                f"trained_with must map names to version strings, got {describe(self.trained_with)}"
            )
        object.__setattr__(self, "config", config)
        object.__setattr__(self, "conv1_weight", _read_only(self.conv1_weight, np.float32, copy=copy))
        object.__setattr__(self, "conv1_bias", _read_only(self.conv1_bias, np.float32, copy=copy))
        metrics = {n: _read_only(self.metrics[n], np.float64, copy=copy) for n in METRICS}
        object.__setattr__(self, "metrics", metrics)
        object.__setattr__(self, "trained_with", dict(self.trained_with))
        final_state = {n: _read_only(self.final_state[n], np.float32, copy=copy) for n in final_shapes}
        object.__setattr__(self, "final_state", final_state)

    # -- what it holds ---------------------------------------------------------------
    @property
    def seeds(self) -> np.ndarray:
        """The seeds, int64 ``(S,)``: seed ``s`` is the model's, the batches' and dropout's seed."""
        return np.array(self.config["seeds"], dtype=np.int64)

    @property
    def arms(self) -> tuple[str, ...]:
        """The arms, in the order of the arm axis."""
        return tuple(self.config["arms"])

    @property
    def epochs(self) -> np.ndarray:
        """The epoch of each snapshot, int64 ``(T,)`` (see :func:`snapshot_epochs`)."""
        return snapshot_epochs(self.config)

    @property
    def initial_weight(self) -> np.ndarray:
        """Conv1 weights before training, ``(S, A, K, 1, k, k)``.

        The same for every arm of a seed but ``"swapped"``, whose kernels
        start one slot along (see :func:`~cnnexplain.study.initial_state`).
        """
        return self.conv1_weight[:, :, 0]

    @property
    def final_weight(self) -> np.ndarray:
        """Conv1 weights after the last epoch, ``(S, A, K, 1, k, k)``."""
        return self.conv1_weight[:, :, -1]

    @property
    def final_accuracy(self) -> np.ndarray:
        """Accuracy on the test images after the last epoch, ``(S, A)``."""
        return self.metrics["val_accuracy"][:, :, -1]

    def model(self, seed: int, arm: str = "adam") -> LineCNN:
        """Return the trained network of one member, in evaluation mode.

        Parameters
        ----------
        seed : int
            One of :attr:`seeds`.
        arm : str
            One of the configuration's ``final_models`` (``"adam"`` by default).

        Returns
        -------
        LineCNN
            A new network with the member's parameters after the last epoch:
            what :func:`~cnnexplain.training.train` returns for it.
        """
        if not isinstance(seed, (int, np.integer)) or int(seed) not in self.config["seeds"]:
            raise ValueError(f"seed must be one of the study's seeds, got {seed!r}")
        kept = self.config["final_models"]
        check_choice("arm", arm, kept)
        s, m = self.config["seeds"].index(int(seed)), kept.index(arm)
        network = LineCNN(**self.config["model"], seed=int(seed))
        network.load_state_dict(
            {name: torch.from_numpy(v[s, m].copy()) for name, v in self.final_state.items()}
        )
        return network.eval()

    def arm(self, name: str) -> int:
        """Return the index of arm ``name`` on the arm axis.

        Parameters
        ----------
        name : str
            One of :attr:`arms`.

        Returns
        -------
        int
            Its position.
        """
        return self.arms.index(check_choice("name", name, self.arms))

    def __len__(self) -> int:
        """Return the number of seeds.

        Returns
        -------
        int
            The length of the seed axis.
        """
        return len(self.config["seeds"])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SeedStudy):
            return NotImplemented
        return (
            self.config == other.config
            and self.trained_with == other.trained_with
            and np.array_equal(self.conv1_weight, other.conv1_weight)
            and np.array_equal(self.conv1_bias, other.conv1_bias)
            and all(np.array_equal(self.metrics[n], other.metrics[n], equal_nan=True) for n in METRICS)
            and self.final_state.keys() == other.final_state.keys()
            and all(np.array_equal(v, other.final_state[n]) for n, v in self.final_state.items())
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        accuracy = ", ".join(
            f"{arm} {self.final_accuracy[:, i].mean():.3f}" for i, arm in enumerate(self.arms)
        )
        return (
            f"SeedStudy({len(self)} seeds x {len(self.arms)} arms, "
            f"{self.config['training']['epochs']} epochs; mean final test accuracy: {accuracy})"
        )

    def retrain(self, seed: int, arm: str) -> WeightHistory:
        """Train one member again with :func:`~cnnexplain.training.train`: its whole history.

        On a machine with the same build of torch, its conv1 snapshots and
        metrics are this study's, bit for bit.

        Parameters
        ----------
        seed : int
            One of :attr:`seeds`.
        arm : str
            One of :attr:`arms`.

        Returns
        -------
        WeightHistory
            Every parameter after every epoch, and the metrics.
        """
        if not isinstance(seed, (int, np.integer)) or int(seed) not in self.config["seeds"]:
            raise ValueError(f"seed must be one of the study's seeds, got {seed!r}")
        check_choice("arm", arm, self.arms)
        return train_member(self.config, int(seed), arm)

    # -- file --------------------------------------------------------------------------
    def save(self, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write the study to one safetensors file, atomically.

        Parameters
        ----------
        path : str or os.PathLike
            Where to write (``.safetensors`` is the usual suffix).
        overwrite : bool
            Replace an existing file (keeping its permissions); by default
            ``FileExistsError`` is raised, also when two processes race to
            create the same new file (exactly one succeeds).

        Returns
        -------
        pathlib.Path
            The path written.
        """
        path = check_path("path", path)
        if not isinstance(overwrite, bool):  # "no" or None must not decide for a caller
            raise TypeError(f"overwrite must be True or False, got {describe(overwrite)}")
        if not overwrite and exists(path):
            raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
        return atomic_write_bytes(path, self._file_bytes(), overwrite=overwrite)

    def _file_bytes(self) -> bytes:
        """The bytes :meth:`save` writes (the study cache records their digest too)."""
        header = {
            "format_version": FORMAT_VERSION,
            "cnnexplain_version": __version__,
            "trained_with": self.trained_with,
            "config": self.config,
        }
        tensors = {
            "conv1.weight": self.conv1_weight,
            "conv1.bias": self.conv1_bias,
            **{_METRIC_PREFIX + name: self.metrics[name] for name in METRICS},
            **{_FINAL_PREFIX + name: value for name, value in self.final_state.items()},
        }
        return safetensors.numpy.save(tensors, metadata={_METADATA_KEY: json.dumps(header, sort_keys=True)})

    @classmethod
    def load(cls, path: str | os.PathLike, *, max_bytes: int = MAX_LOAD_BYTES) -> SeedStudy:
        """Read a study written by :meth:`save`, checking everything before it allocates.

        Nothing in the file can run. The file may come from anyone: its size
        is compared with ``max_bytes`` first, then its header is read and
        every tensor's name, dtype and shape is checked against the
        configuration the header holds; only then is each array allocated
        and read into place, once. Memory grows by about the file's size, at
        most ``max_bytes`` plus what its header (at most 2 MiB) takes.

        Parameters
        ----------
        path : str or os.PathLike
            The file.
        max_bytes : int
            The largest file to read, in bytes:
            :data:`~cnnexplain.history.MAX_LOAD_BYTES` (1 GiB) by default, the
            size of a study of some 5,000 seeds in 7 arms. Pass a larger number
            to read a larger study.

        Returns
        -------
        SeedStudy
            A study equal to the one saved, bit for bit; its arrays are read-only.

        Raises
        ------
        ValueError
            If the file is larger than ``max_bytes``, or is not a study (a
            weight history, another safetensors file, a pickle, ...), or is
            empty, truncated or corrupt.
        FileNotFoundError
            If there is no such file.
        TypeError
            If ``path`` is not a path or ``max_bytes`` not an integer.
        """
        path = check_path("path", path)
        max_bytes = check_int("max_bytes", max_bytes, low=0)
        if not path.is_file():
            raise FileNotFoundError(f"no such study file: {path}")
        with open(path, "rb", buffering=0) as f:  # unbuffered: the arrays are read straight into place
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise ValueError(
                    f"{path} is {size:,} bytes, more than max_bytes={max_bytes:,}: "
                    "pass a larger max_bytes to read a study this large"
                )
            try:
                return cls._read(f)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path} is not a valid cnnexplain seed study file: {exc}") from None

    @classmethod
    def _read(cls, f) -> SeedStudy:
        """The study in the open file ``f``: its header checked whole, then its arrays read."""
        file = read_header(f)
        header = _checked_header(file.metadata)
        layout = _checked_layout(file.tensors, _expected_shapes(header["config"]))
        arrays = {name: read_tensor(f, info) for name, info in layout.items()}
        study = cls.__new__(cls)
        fields = {
            "config": header["config"],
            "conv1_weight": arrays["conv1.weight"],
            "conv1_bias": arrays["conv1.bias"],
            "metrics": {name: arrays[_METRIC_PREFIX + name] for name in METRICS},
            "trained_with": header["trained_with"],
            "final_state": {
                name[len(_FINAL_PREFIX) :]: value
                for name, value in arrays.items()
                if name.startswith(_FINAL_PREFIX)
            },
        }
        for name, value in fields.items():
            object.__setattr__(study, name, value)
        study._check_and_keep(copy=False)
        return study


# -- checks ------------------------------------------------------------------------------
def _checked_config(config: Any) -> dict[str, Any]:
    """A JSON copy of a study configuration, with what the shapes depend on checked."""
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, got {describe(config)}")
    try:
        config = json.loads(json.dumps(dict(config), allow_nan=False))
    except (TypeError, ValueError, RecursionError) as exc:
        raise TypeError(f"config must be JSON-serializable: {exc}") from None
    if set(config) != _CONFIG_KEYS:
        raise ValueError(f"config must have the sections {sorted(_CONFIG_KEYS)}, got {sorted(config)}")
    seeds, arms = config["seeds"], config["arms"]
    if not isinstance(seeds, list) or not seeds or not all(type(s) is int and 0 <= s < 2**63 for s in seeds):
        raise ValueError(
            f"config['seeds'] must be a non-empty list of non-negative integers, got {seeds!r:.80}"
        )
    if len(set(seeds)) != len(seeds):
        raise ValueError("config['seeds'] must not repeat a seed")
    if not isinstance(arms, list) or not arms or not set(arms) <= set(ARMS) or len(set(arms)) != len(arms):
        raise ValueError(f"config['arms'] must be distinct names among {list(ARMS)}, got {arms!r:.80}")
    final_models = config["final_models"]
    if not isinstance(final_models, list) or [a for a in arms if a in final_models] != final_models:
        raise ValueError(
            f"config['final_models'] must list arms of the study in their order, got {final_models!r:.80}"
        )
    if config["snapshots"] not in ("epoch", "ends"):
        raise ValueError(f"config['snapshots'] must be 'epoch' or 'ends', got {config['snapshots']!r:.40}")
    training, model = config["training"], config["model"]
    if not isinstance(training, dict) or set(training) != _TRAINING_KEYS:
        raise ValueError(
            f"config['training'] must have the keys {sorted(_TRAINING_KEYS)}, got {training!r:.80}"
        )
    if type(training["epochs"]) is not int or not 0 <= training["epochs"] <= 10_000:
        raise ValueError(
            f"config['training']['epochs'] must be an integer in [0, 10000], got {training['epochs']!r}"
        )
    for key in ("n_kernels", "kernel_size"):
        if not isinstance(model, dict) or type(model.get(key)) is not int or not 1 <= model[key] <= 1024:
            raise ValueError(f"config['model'] must hold {key!r}, an integer in [1, 1024], got {model!r:.80}")
    if "seed" in model:  # each member's model seed is its seed: study.model() passes it
        raise ValueError(
            f"config['model'] must not set a seed (each member's is its own), got {model['seed']!r:.40}"
        )
    return config


def _expected_shapes(config: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """The shape of every array of a study of ``config``."""
    config = _checked_config(config)
    s, a, t = len(config["seeds"]), len(config["arms"]), len(snapshot_epochs(config))
    k, side = config["model"]["n_kernels"], config["model"]["kernel_size"]
    m = len(config["final_models"])
    return {
        "conv1_weight": (s, a, t, k, 1, side, side),
        "conv1_bias": (s, a, t, k),
        "metrics": (s, a, config["training"]["epochs"] + 1),
        "final_state": {name: (s, m, *shape) for name, shape in _parameter_shapes(config["model"]).items()},
    }


def _parameter_shapes(model: dict[str, Any]) -> dict[str, tuple[int, ...]]:
    """The shape of every parameter of ``LineCNN(**model)``, without initializing one."""
    with torch.device("meta"):
        network = LineCNN(**model)
    return {name: tuple(value.shape) for name, value in network.state_dict().items()}


def _check_array(name: str, array: Any, shape: tuple[int, ...]) -> None:
    if not isinstance(array, np.ndarray) or array.dtype.kind != "f":
        raise TypeError(f"{name} must be a numpy array of floats, got {describe(array)}")
    if array.shape != shape:
        raise ValueError(f"{name} must have shape {shape} (from the config), got {array.shape}")


_HEADER_FIELDS = {"format_version", "cnnexplain_version", "trained_with", "config"}


def _checked_header(metadata: dict[str, str] | None) -> dict[str, Any]:
    """The JSON header of a study file, its fields checked."""
    if not metadata or set(metadata) != {_METADATA_KEY}:
        raise ValueError(
            f"its metadata must hold one entry {_METADATA_KEY!r} (is it a safetensors file "
            f"of something else?), got entries {sorted(metadata or {})}"
        )
    try:
        header = json.loads(metadata[_METADATA_KEY])
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"its {_METADATA_KEY!r} metadata is not JSON: {exc}") from None
    if not isinstance(header, dict) or set(header) != _HEADER_FIELDS:
        got = sorted(header) if isinstance(header, dict) else describe(header)
        raise ValueError(f"its header must have the fields {sorted(_HEADER_FIELDS)}, got {got}")
    if header["format_version"] != FORMAT_VERSION or type(header["format_version"]) is not int:
        raise ValueError(
            f"its format_version must be {FORMAT_VERSION} (is the file from another version of "
            f"cnnexplain?), got {header['format_version']!r:.40}"
        )
    return header


def _checked_layout(
    tensors: Mapping[str, TensorInfo], shapes: dict[str, tuple[int, ...]]
) -> dict[str, TensorInfo]:
    """The tensors of a study file, after checking their names, dtypes and shapes against the
    configuration's (before anything is read)."""
    expected = {
        "conv1.weight": ("F32", shapes["conv1_weight"]),
        "conv1.bias": ("F32", shapes["conv1_bias"]),
        **{_METRIC_PREFIX + name: ("F64", shapes["metrics"]) for name in METRICS},
        **{_FINAL_PREFIX + name: ("F32", shape) for name, shape in shapes["final_state"].items()},
    }
    present = set(tensors)
    if present != set(expected):
        raise ValueError(
            f"its tensors must be {sorted(expected)}, got missing {sorted(set(expected) - present)!r:.200}, "
            f"unexpected {sorted(present - set(expected))!r:.200}"
        )
    for name, (dtype, shape) in expected.items():
        info = tensors[name]
        if info.dtype != dtype or info.shape != shape:
            raise ValueError(
                f"tensor {name!r} must be {dtype} of shape {shape} (from its header), "
                f"got {info.dtype} of shape {info.shape}"
            )
    return {name: tensors[name] for name in expected}
