"""A history of a model's weights during training, and its file format.

A :class:`WeightHistory` holds a snapshot of every ``state_dict`` entry of a
model before training and after each epoch (or batch), with the per-epoch
metrics and the settings of the run. :func:`~cnnexplain.training.train` makes
one; the figures and animations of the site are drawn from it.

:meth:`WeightHistory.save` writes one `safetensors
<https://huggingface.co/docs/safetensors>`_ file: a JSON header followed by
the raw bytes of the arrays, which any safetensors reader can open and which
holds nothing that could run when loaded. Each parameter is one tensor with
the snapshot axis first, each metric one tensor ``metrics/<name>``; the
steps, the config, the order of the names and the format version are JSON
in the file's metadata. The same history always gives the same bytes.

:meth:`WeightHistory.load` reads a file that may come from anyone. It reads
the header first and checks every name, dtype and shape against the steps
before it allocates an array; each array is then read into place, once. A
file larger than ``max_bytes`` (:data:`MAX_LOAD_BYTES`, 1 GiB, by default)
is refused before anything is read, and so is a header (names, steps and
settings) larger than 2 MiB.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import safetensors.numpy
import torch
from torch import nn

from . import __version__
from ._checks import check_int, check_model, check_path, describe
from ._io import atomic_write_bytes, exists
from ._safetensors import DTYPES, TensorInfo, read_header, read_tensor
from .model import LineCNN

__all__ = [
    "FORMAT_VERSION",
    "MAX_CONFIG_DEPTH",
    "MAX_LOAD_BYTES",
    "METRICS",
    "UnknownNameError",
    "WeightHistory",
]

#: Version of the history file format written by :meth:`WeightHistory.save`.
FORMAT_VERSION = 2
#: Names of the per-epoch metrics that :func:`~cnnexplain.training.train` records.
METRICS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy")
#: Largest file :meth:`WeightHistory.load` reads unless told otherwise (``max_bytes``): 1 GiB.
#: A history takes about the size of its file in memory; the default run's file is 2.2 MB, and
#: recorded after every batch (601 snapshots) 64 MB.
MAX_LOAD_BYTES = 2**30
#: Deepest nesting of objects and lists in a config (``train()`` records three levels).
MAX_CONFIG_DEPTH = 32

#: The one metadata entry of a history file. One entry, not one per header
#: field: safetensors writes several in a random order, and the same history
#: must always give the same bytes.
_METADATA_KEY = "cnnexplain.WeightHistory"
#: Metrics are stored as tensors named ``metrics/<name>``, next to the parameters.
_METRIC_PREFIX = "metrics/"
#: The dtypes of safetensors that numpy has: booleans, integers and floats.
_FILE_DTYPES = tuple(DTYPES)


def _is_name_list(value: Any) -> bool:
    return (
        isinstance(value, list) and all(isinstance(n, str) for n in value) and len(set(value)) == len(value)
    )


def _is_list_of_int_lists(value: Any) -> bool:
    """JSON booleans and floats are not integers here; every integer must fit in int64."""
    return isinstance(value, list) and all(
        isinstance(s, list) and all(type(i) is int and abs(i) < 2**63 for i in s) for s in value
    )


#: The fields of the header of a history file: what JSON must hold in each,
#: and how to say it. (The constructor then checks what the values mean.)
_HEADER_FIELDS = {
    "format_version": (
        lambda v: type(v) is int and v == FORMAT_VERSION,
        f"{FORMAT_VERSION} (is the file from another version of cnnexplain?)",
    ),
    "cnnexplain_version": (lambda v: isinstance(v, str), "a string"),
    "params": (_is_name_list, "a list of names that do not repeat"),
    "metrics": (_is_name_list, "a list of names that do not repeat"),
    "steps": (_is_list_of_int_lists, "a list of (epoch, batch) pairs of integers"),
    "config": (lambda v: isinstance(v, dict), "an object"),
}


class UnknownNameError(KeyError, ValueError):
    """An unknown parameter or layer name (both a ``KeyError`` and a ``ValueError``)."""

    def __str__(self) -> str:  # KeyError quotes its message; show it plainly
        return str(self.args[0]) if self.args else ""


class WeightHistory(Mapping):
    """Snapshots of a model's weights during training, with per-epoch metrics.

    A history behaves as a read-only mapping from the model's ``state_dict``
    keys (``"conv1.weight"``, ``"conv1.bias"``, ...) to numpy arrays whose
    first axis is the snapshot: ``h["conv1.weight"]`` has shape
    ``(len(h), 8, 1, 7, 7)`` for the default :class:`~cnnexplain.model.LineCNN`.

    Parameters
    ----------
    params : mapping of str to numpy.ndarray
        Stacked snapshots, all with the same first dimension; booleans,
        integers or floats (the dtypes a file can hold). They are copied.
    steps : numpy.ndarray
        Int64 array of shape ``(len(h), 2)``: the ``(epoch, batch)`` of each
        snapshot, non-negative, epochs in training order. ``(0, 0)`` is
        before training; ``(e, b)`` is after ``b`` batches of epoch ``e``
        (epochs count from 1).
    metrics : mapping of str to array_like
        Per-epoch metrics (see :attr:`metrics`), one-dimensional, all of the
        same length.
    config : dict
        JSON-serializable settings of the data, model and training, nested
        at most :data:`MAX_CONFIG_DEPTH` deep, every integer within 64 bits.
        ``config["model"]`` and ``config["training"]``, if present, are
        dicts, and ``config["training"]["batches_per_epoch"]`` a
        non-negative integer.
    """

    def __init__(
        self,
        params: Mapping[str, np.ndarray],
        steps: np.ndarray,
        metrics: Mapping[str, Any],
        config: Mapping[str, Any],
    ) -> None:
        for name, mapping in (("params", params), ("metrics", metrics)):
            if not isinstance(mapping, Mapping):
                raise TypeError(f"{name} must be a dict of names to arrays, got {describe(mapping)}")
        steps = _checked_steps(np.array(steps))
        for key, arr in params.items():
            if not isinstance(arr, np.ndarray):
                raise TypeError(
                    f"params[{key!r}] must be a numpy array of booleans, integers or floats, got {describe(arr)}"
                )
        _check_params({key: (arr.dtype, arr.shape) for key, arr in params.items()}, len(steps))
        metrics = {key: _metric_values(key, values) for key, values in metrics.items()}
        _check_metrics({key: arr.shape for key, arr in metrics.items()})
        self._store(params, steps, metrics, _checked_config(config), copy=True)

    def _store(
        self,
        params: Mapping[str, np.ndarray],
        steps: np.ndarray,
        metrics: dict[str, np.ndarray],
        config: dict[str, Any],
        *,
        copy: bool,
    ) -> None:
        """Keep the checked parts, read-only. The arrays are kept in native byte order and C
        order, the layout the file stores: copies, or, with ``copy=False``, the arrays
        themselves when they are so already (those :meth:`load` reads into place)."""
        as_stored = np.array if copy else np.asarray
        self._config = config
        self._steps = _read_only(steps)
        self._params = {
            key: _read_only(as_stored(arr, dtype=arr.dtype.newbyteorder("="), order="C"))
            for key, arr in params.items()
        }
        self._metrics = {key: _read_only(arr) for key, arr in metrics.items()}

    # -- mapping interface -------------------------------------------------
    def __getitem__(self, key: str) -> np.ndarray:
        try:
            return self._params[key]
        except (KeyError, TypeError):
            raise UnknownNameError(
                f"key must be one of the parameter names {list(self._params)}, got {key!r}"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        """Return the number of snapshots.

        Returns
        -------
        int
            Snapshots in the history, the length of every parameter's first axis.
        """
        return len(self._steps)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WeightHistory):
            return NotImplemented
        return (
            self._config == other._config
            and np.array_equal(self._steps, other._steps)
            and _same_arrays(self._params, other._params)
            and _same_arrays(self._metrics, other._metrics)
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        last = {k: round(float(v[-1]), 4) for k, v in self._metrics.items() if len(v) and np.isfinite(v[-1])}
        return f"WeightHistory({len(self)} snapshots, {len(self._params)} parameters, final {last})"

    # -- accessors ---------------------------------------------------------
    @property
    def steps(self) -> np.ndarray:
        """Int64 array ``(len(h), 2)``: the ``(epoch, batch)`` of each snapshot."""
        return self._steps

    @property
    def epochs(self) -> np.ndarray:
        """Training progress of each snapshot in epochs, as floats.

        ``epoch - 1 + batch / batches_per_epoch``, so epoch-end snapshots
        are whole numbers and the first snapshot is ``0.0``.
        """
        per_epoch = self._config.get("training", {}).get("batches_per_epoch") or 1
        e, b = self._steps[:, 0].astype(float), self._steps[:, 1].astype(float)
        return np.where(e == 0, 0.0, e - 1 + b / per_epoch)

    @property
    def metrics(self) -> dict[str, np.ndarray]:
        """Per-epoch metrics, a new dict of read-only float64 arrays.

        :func:`~cnnexplain.training.train` records ``train_loss``,
        ``train_accuracy``, and, when training had a validation set,
        ``val_loss`` and ``val_accuracy``. Index ``e`` holds the value after
        epoch ``e``; index 0 is before training (evaluated on the whole set
        in evaluation mode). For epochs 1 and later, the training values are
        the running means over the epoch's batches (with dropout on), the
        validation values come from a full pass in evaluation mode at the
        end of the epoch.
        """
        return dict(self._metrics)

    @property
    def config(self) -> dict[str, Any]:
        """Settings of the data, model and training, as a JSON-serializable dict."""
        return json.loads(json.dumps(self._config))

    @property
    def completed(self) -> bool:
        """False if training was interrupted before its last epoch."""
        t = self._config.get("training", {})
        return t.get("completed_epochs") == t.get("epochs")

    def layer_names(self) -> list[str]:
        """Return the names of the layers that have parameters, in model order.

        Returns
        -------
        list of str
            ``"conv1"`` for ``"conv1.weight"`` and ``"conv1.bias"``, and so on.
        """
        return list(dict.fromkeys(key.rsplit(".", 1)[0] for key in self._params))

    def index(self, step: int) -> int:
        """Normalize a snapshot index.

        Parameters
        ----------
        step : int
            A snapshot index; negative values count from the end.

        Returns
        -------
        int
            The index in ``[0, len(self))``.
        """
        return check_int("step", step, low=-len(self), high=len(self) - 1) % len(self)

    def snapshot_of_epoch(self, epoch: int) -> int:
        """Return the index of the last snapshot taken at or before the end of ``epoch``.

        Parameters
        ----------
        epoch : int
            An epoch between the first and the last snapshot's.

        Returns
        -------
        int
            A snapshot index (with ``record="batch"``, the epoch's last batch).
        """
        epoch = check_int("epoch", epoch, low=int(self._steps[0, 0]), high=int(self._steps[-1, 0]))
        return int(np.flatnonzero(self._steps[:, 0] <= epoch)[-1])

    def state_dict_at(self, step: int) -> dict[str, torch.Tensor]:
        """Return the model ``state_dict`` of snapshot ``step``, for ``load_state_dict``.

        Parameters
        ----------
        step : int
            Snapshot index; negative values count from the end.

        Returns
        -------
        dict of str to torch.Tensor
            New tensors, one per ``state_dict`` key.
        """
        i = self.index(step)
        return {key: torch.from_numpy(np.array(v[i])) for key, v in self._params.items()}

    def model_at(self, step: int = -1, model: nn.Module | None = None) -> nn.Module:
        """Return a model holding the weights of snapshot ``step``, in eval mode.

        Parameters
        ----------
        step : int
            Snapshot index; ``0`` is the initialization, ``-1`` the last.
        model : torch.nn.Module, optional
            A module of the trained architecture to load the weights into
            (it is modified). Needed only when the history was not made with
            a :class:`~cnnexplain.model.LineCNN`; otherwise a new ``LineCNN``
            is built from ``config["model"]``.

        Returns
        -------
        torch.nn.Module
            ``model``, or the new ``LineCNN``.
        """
        i = self.index(step)
        if model is None:
            model = self._line_cnn()
        check_model(model)
        try:
            model.load_state_dict(self.state_dict_at(i))
        except RuntimeError as exc:
            raise ValueError(f"model does not match the history's parameters: {exc}") from None
        return model.eval()

    def _line_cnn(self) -> LineCNN:
        """A new LineCNN of ``config['model']``, built only once its parameters are known to be the history's.

        The settings may come from a file: a few bytes can describe a network of
        terabytes (``hidden=65536``, ``image_size=1024``). Built first on the
        ``meta`` device, which gives shapes and allocates nothing, the network
        is compared with the history's own parameters, which the file's size bounds.
        """
        settings = dict(self._config.get("model", {}))
        if settings.pop("class", None) != "LineCNN":
            raise ValueError(
                "model must be given: this history was not made with a LineCNN, "
                f"got config['model'] = {self._config.get('model')!r:.200}"
            )
        try:
            with torch.device("meta"):
                blueprint = LineCNN(**settings)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"config['model'] does not describe a LineCNN: {exc}") from None
        described = {key: tuple(value.shape) for key, value in blueprint.state_dict().items()}
        held = {key: tuple(value.shape[1:]) for key, value in self._params.items()}
        if described != held:
            differ = sorted(k for k in described.keys() | held.keys() if described.get(k) != held.get(k))
            name = differ[0]
            raise ValueError(
                f"config['model'] describes {name!r} of shape {described.get(name)}, the history holds "
                f"it with shape {held.get(name)} ({len(differ)} parameter(s) differ)"
            )
        return LineCNN(**settings)

    # -- file format -------------------------------------------------------
    def save(self, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write the history to one safetensors file, atomically.

        The file format is described in the module's description.

        Parameters
        ----------
        path : str or os.PathLike
            Where to write; the name is used as given (``.safetensors`` is
            the usual suffix).
        overwrite : bool
            Replace an existing file (keeping its permissions). By default
            anything at ``path`` -- a file, a folder, a symbolic link even to
            nothing -- is kept and ``FileExistsError`` is raised; of two
            processes saving to the same new path at once, exactly one succeeds.

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
        """The bytes :meth:`save` writes (the training cache records their digest too)."""
        header = {
            "format_version": FORMAT_VERSION,
            "cnnexplain_version": __version__,
            "params": list(self._params),  # safetensors sorts tensors by name: keep the model's order
            "metrics": list(self._metrics),
            "steps": self._steps.tolist(),
            "config": self._config,
        }
        tensors = {**self._params, **{_METRIC_PREFIX + name: v for name, v in self._metrics.items()}}
        return safetensors.numpy.save(tensors, metadata={_METADATA_KEY: json.dumps(header)})

    @classmethod
    def load(cls, path: str | os.PathLike, *, max_bytes: int = MAX_LOAD_BYTES) -> WeightHistory:
        """Read a history written by :meth:`save`, checking everything before it allocates.

        Nothing in the file can run (see the module's description). The file
        may come from anyone: its size is compared with ``max_bytes`` first,
        then its header is read and every tensor's name, dtype and shape is
        checked against the header's steps and names; only then is each array
        allocated and read into place, once. Memory grows by about the file's
        size, at most ``max_bytes`` plus what its header (at most 2 MiB) takes.

        Parameters
        ----------
        path : str or os.PathLike
            The file.
        max_bytes : int
            The largest file to read, in bytes: :data:`MAX_LOAD_BYTES` (1 GiB)
            by default. Pass a larger number to read a larger history.

        Returns
        -------
        WeightHistory
            A history equal to the one saved, bit for bit.

        Raises
        ------
        ValueError
            If the file is larger than ``max_bytes``, or is not a cnnexplain
            history (another safetensors file, a ``.npz``, a pickle, ...), or
            is empty, truncated or corrupt.
        FileNotFoundError
            If there is no such file.
        TypeError
            If ``path`` is not a path or ``max_bytes`` not an integer.
        """
        path = check_path("path", path)
        max_bytes = check_int("max_bytes", max_bytes, low=0)
        if not path.is_file():
            raise FileNotFoundError(f"no such history file: {path}")
        with open(path, "rb", buffering=0) as f:  # unbuffered: the arrays are read straight into place
            size = os.fstat(f.fileno()).st_size
            if size > max_bytes:
                raise ValueError(
                    f"{path} is {size:,} bytes, more than max_bytes={max_bytes:,}: "
                    "pass a larger max_bytes to read a history this large"
                )
            try:
                return cls._read(f)
            except (TypeError, ValueError) as exc:
                raise ValueError(f"{path} is not a valid cnnexplain history file: {exc}") from None

    @classmethod
    def _read(cls, f) -> WeightHistory:
        """The history in the open file ``f``: its header checked whole, then its arrays read."""
        file = read_header(f)
        header = _checked_header(file.metadata)
        steps = _checked_steps(np.array(header["steps"], dtype=np.int64))
        _check_tensor_names(file.tensors, header)
        _check_params(
            {name: (DTYPES[file.tensors[name].dtype], file.tensors[name].shape) for name in header["params"]},
            len(steps),
        )
        _check_metrics({name: file.tensors[_METRIC_PREFIX + name].shape for name in header["metrics"]})
        config = _checked_config(header["config"])
        params = {name: read_tensor(f, file.tensors[name]) for name in header["params"]}
        metrics = {name: read_tensor(f, file.tensors[_METRIC_PREFIX + name]) for name in header["metrics"]}
        history = cls.__new__(cls)
        history._store(params, steps, metrics, config, copy=False)
        return history


def _metric_values(key: Any, values: Any) -> np.ndarray:
    """The values of one metric as float64, or a TypeError naming it (not numpy's, naming nothing)."""
    try:
        return np.array(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        raise TypeError(
            f"metrics[{key!r}] must be a sequence of real numbers, got {describe(values)}"
        ) from None


def _read_only(arr: np.ndarray) -> np.ndarray:
    arr.flags.writeable = False
    return arr


def _same_arrays(a: dict[str, np.ndarray], b: dict[str, np.ndarray]) -> bool:
    """Whether two dicts hold the same names and, under each, arrays of the same dtype and values."""
    return a.keys() == b.keys() and all(
        a[k].dtype == b[k].dtype and np.array_equal(a[k], b[k], equal_nan=True) for k in a
    )


def _checked_config(config: Any) -> dict[str, Any]:
    """A JSON copy of ``config``, with the sections the accessors read checked."""
    if not isinstance(config, Mapping):
        raise TypeError(f"config must be a dict, got {describe(config)}")
    try:
        config = json.loads(json.dumps(dict(config), allow_nan=False))
    except (TypeError, ValueError, RecursionError) as exc:  # RecursionError: nested too deep
        raise TypeError(f"config must be JSON-serializable: {exc}") from None
    _check_config_tree(config)
    for section in ("model", "training"):
        if not isinstance(config.get(section, {}), dict):
            raise TypeError(f"config[{section!r}] must be a dict, got {describe(config[section])}")
    per_epoch = config.get("training", {}).get("batches_per_epoch", 0)
    if isinstance(per_epoch, bool) or not isinstance(per_epoch, int) or per_epoch < 0:
        raise ValueError(
            f"config['training']['batches_per_epoch'] must be a non-negative integer, got {describe(per_epoch)}"
        )
    return config


def _check_config_tree(config: dict[str, Any]) -> None:
    """Refuse nesting deeper than :data:`MAX_CONFIG_DEPTH` and integers beyond 64 bits, naming where.

    Whatever reads a config -- a printer, a JSON encoder, ``float()`` -- may
    recurse into it or convert its numbers: a config nested hundreds deep, or
    holding ``10**400``, must be refused here, not fail deep inside them. The
    walk keeps its own stack, so it cannot overflow Python's.
    """
    stack: list[tuple[Any, tuple[Any, ...]]] = [(config, ())]
    while stack:
        value, where = stack.pop()
        if isinstance(value, (dict, list)):
            if len(where) >= MAX_CONFIG_DEPTH:
                raise ValueError(
                    f"config must be nested at most {MAX_CONFIG_DEPTH} deep, got deeper at {_config_path(where)}"
                )
            items = value.items() if isinstance(value, dict) else enumerate(value)
            stack.extend((item, (*where, key)) for key, item in items)
        elif type(value) is int and not -(2**63) <= value < 2**64:
            raise ValueError(
                f"{_config_path(where)} must be an integer of at most 64 bits, got one of {value.bit_length()} bits"
            )


def _config_path(where: tuple[Any, ...]) -> str:
    """``config['training']['epochs']``; a long path is cut after six keys."""
    keys = "".join(f"[{key!r:.40}]" for key in where[:6])
    return f"config{keys}{'...' if len(where) > 6 else ''}"


def _checked_header(metadata: dict[str, str] | None) -> dict[str, Any]:
    """The JSON header of a history file, with the JSON type of every field checked."""
    if not metadata or set(metadata) != {_METADATA_KEY}:
        raise ValueError(
            f"its metadata must hold one entry {_METADATA_KEY!r} (is it a safetensors file "
            f"of something else?), got entries {sorted(metadata or {})}"
        )
    try:
        header = json.loads(metadata[_METADATA_KEY])
    except (ValueError, RecursionError) as exc:
        raise ValueError(f"its {_METADATA_KEY!r} metadata is not JSON: {exc}") from None
    if not isinstance(header, dict) or set(header) != set(_HEADER_FIELDS):
        got = sorted(header) if isinstance(header, dict) else describe(header)
        raise ValueError(f"its header must have the fields {sorted(_HEADER_FIELDS)}, got {got}")
    for field, (valid, expected) in _HEADER_FIELDS.items():
        if not valid(header[field]):
            raise ValueError(f"its {field} must be {expected}, got {describe(header[field])}")
    return header


def _check_tensor_names(tensors: Mapping[str, TensorInfo], header: dict[str, Any]) -> None:
    """The file's tensors must be those the header names, each of a dtype it may have."""
    expected = {*header["params"], *(_METRIC_PREFIX + name for name in header["metrics"])}
    present = set(tensors)
    if present != expected:
        raise ValueError(
            f"its tensors disagree with its header: missing {sorted(expected - present)!r:.200}, "
            f"unexpected {sorted(present - expected)!r:.200}"
        )
    for name in sorted(expected):
        allowed = ("F64",) if name.startswith(_METRIC_PREFIX) else _FILE_DTYPES
        if tensors[name].dtype not in allowed:
            raise ValueError(
                f"tensor {name!r} must have a dtype in {list(allowed)}, got {tensors[name].dtype}"
            )


def _checked_steps(steps: np.ndarray) -> np.ndarray:
    if steps.dtype != np.int64 or steps.ndim != 2 or steps.shape[1] != 2 or len(steps) < 1:
        raise ValueError(f"steps must be a non-empty int64 array of shape (S, 2), got {describe(steps)}")
    if (steps < 0).any() or (np.diff(steps[:, 0]) < 0).any():
        raise ValueError("steps must be non-negative (epoch, batch) pairs, epochs in training order")
    return steps


def _check_params(layouts: Mapping[Any, tuple[np.dtype, tuple[int, ...]]], n_steps: int) -> None:
    """Names, dtypes and shapes of the parameters: what a history holds, checked before any array is read."""
    if not layouts:
        raise ValueError("params must hold at least one parameter")
    for key, (dtype, shape) in layouts.items():
        if not isinstance(key, str) or key.startswith(_METRIC_PREFIX):
            raise ValueError(f"params keys must be str not starting with {_METRIC_PREFIX!r}, got {key!r}")
        if dtype.kind not in "biuf" or dtype.itemsize > 8:
            raise TypeError(
                f"params[{key!r}] must be a numpy array of booleans, integers or floats, got {dtype}"
            )
        if len(shape) < 1 or shape[0] != n_steps:
            raise ValueError(
                f"params[{key!r}] must have one snapshot per step ({n_steps}), got shape {shape}"
            )


def _check_metrics(shapes: Mapping[Any, tuple[int, ...]]) -> None:
    for key, shape in shapes.items():
        if not isinstance(key, str) or len(shape) != 1:
            raise ValueError(f"metrics[{key!r}] must be one-dimensional, got shape {shape}")
    lengths = sorted({shape[0] for shape in shapes.values()})
    if len(lengths) > 1:
        raise ValueError(f"metrics must all have the same length (one per epoch), got lengths {lengths}")
