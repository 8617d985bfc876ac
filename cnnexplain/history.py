"""A history of a model's weights during training, and its file format.

A :class:`WeightHistory` holds a snapshot of every ``state_dict`` entry of a
model before training and after each epoch (or batch), with the per-epoch
metrics and the settings of the run. :func:`~cnnexplain.training.train` makes
one; the figures and animations of the site are drawn from it.
"""

from __future__ import annotations

import io
import json
import math
import os
import zipfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from . import __version__
from ._checks import check_int, check_model, describe
from ._io import atomic_write_bytes
from .model import LineCNN

__all__ = ["FORMAT_VERSION", "METRICS", "UnknownNameError", "WeightHistory"]

#: Version of the history file format written by :meth:`WeightHistory.save`.
FORMAT_VERSION = 1
#: Names of the per-epoch metrics in :attr:`WeightHistory.metrics`.
METRICS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy")

_MAGIC = "cnnexplain.WeightHistory"
_META = "meta.json"
_ARRAY_DTYPES = {"float32", "float64", "int64", "int32", "uint8", "bool"}
_MAX_META_BYTES = 1 << 20
#: Largest .npy preamble read: magic, version, header length and a 10,000-byte header.
_MAX_NPY_HEADER_BYTES = 10_000 + 16
#: Default upper bound on the bytes one history file may unpack to (4 GiB).
MAX_BYTES = 1 << 32


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
        Stacked snapshots, all with the same first dimension.
    steps : numpy.ndarray
        Int64 array of shape ``(len(h), 2)``: the ``(epoch, batch)`` of each
        snapshot. ``(0, 0)`` is before training; ``(e, b)`` is after ``b``
        batches of epoch ``e`` (epochs count from 1).
    metrics : mapping of str to numpy.ndarray
        Per-epoch metrics (see :attr:`metrics`).
    config : dict
        JSON-serializable settings of the data, model and training.
    """

    def __init__(
        self,
        params: Mapping[str, np.ndarray],
        steps: np.ndarray,
        metrics: Mapping[str, np.ndarray],
        config: Mapping[str, Any],
        *,
        _copy: bool = True,
    ) -> None:
        # _copy=False (private, for train()) adopts the parameter arrays
        # instead of copying them: a history recorded per batch holds tens
        # of megabytes, and a copy's fresh pages cost as much as recording.
        steps = np.asarray(steps)
        if steps.ndim != 2 or steps.shape[1] != 2 or steps.shape[0] < 1 or steps.dtype != np.int64:
            raise ValueError(
                f"steps must be an int64 array of shape (S, 2) with S >= 1, got {describe(steps)}"
            )
        if not params:
            raise ValueError("params must hold at least one parameter")
        self._params: dict[str, np.ndarray] = {}
        for key, arr in params.items():
            if not isinstance(key, str) or not isinstance(arr, np.ndarray):
                raise TypeError(f"params must map str to numpy arrays, got {key!r}: {describe(arr)}")
            if arr.ndim < 1 or arr.shape[0] != steps.shape[0]:
                raise ValueError(
                    f"params[{key!r}] must have one snapshot per step ({steps.shape[0]}), got shape {arr.shape}"
                )
            arr = np.array(arr, copy=True) if _copy or not arr.flags.owndata else arr
            arr.flags.writeable = False
            self._params[key] = arr
        self._steps = steps.copy()
        self._steps.flags.writeable = False
        self._metrics: dict[str, np.ndarray] = {}
        for key, arr in metrics.items():
            arr = np.array(arr, dtype=np.float64, copy=True)
            if arr.ndim != 1:
                raise ValueError(f"metrics[{key!r}] must be one-dimensional, got shape {arr.shape}")
            arr.flags.writeable = False
            self._metrics[key] = arr
        try:
            self._config = json.loads(json.dumps(dict(config), allow_nan=False))
        except (TypeError, ValueError) as exc:
            raise TypeError(f"config must be JSON-serializable: {exc}") from None

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
        """Number of snapshots."""
        return int(self._steps.shape[0])

    def __contains__(self, key: object) -> bool:
        return key in self._params

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, WeightHistory):
            return NotImplemented
        return (
            self._config == other._config
            and np.array_equal(self._steps, other._steps)
            and self._params.keys() == other._params.keys()
            and all(
                a.dtype == other._params[k].dtype and np.array_equal(a, other._params[k], equal_nan=True)
                for k, a in self._params.items()
            )
            and self._metrics.keys() == other._metrics.keys()
            and all(np.array_equal(a, other._metrics[k], equal_nan=True) for k, a in self._metrics.items())
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        last = {k: round(float(v[-1]), 4) for k, v in self._metrics.items() if len(v) and np.isfinite(v[-1])}
        return f"WeightHistory({len(self)} snapshots, {len(self._params)} parameters, final {last})"

    # -- properties --------------------------------------------------------
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
        """Per-epoch metrics: ``train_loss``, ``train_accuracy``, and, when
        training had a validation set, ``val_loss`` and ``val_accuracy``.

        Index ``e`` holds the value after epoch ``e``; index 0 is before
        training (evaluated on the whole set in evaluation mode). For epochs
        1 and later, the training values are the running means over the
        epoch's batches (with dropout on), the validation values come from a
        full pass in evaluation mode at the end of the epoch.
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
        """Names of the layers that have parameters, in model order."""
        seen: list[str] = []
        for key in self._params:
            layer = key.rsplit(".", 1)[0]
            if layer not in seen:
                seen.append(layer)
        return seen

    def index(self, step: int) -> int:
        """Normalize a snapshot index (negative counts from the end)."""
        n = len(self)
        step = check_int("step", step, low=-n, high=n - 1)
        return step % n

    def snapshot_of_epoch(self, epoch: int) -> int:
        """Return the index of the last snapshot taken at or before the end of ``epoch``."""
        last = int(self._steps[-1, 0])
        epoch = check_int("epoch", epoch, low=0, high=last)
        return int(np.flatnonzero(self._steps[:, 0] <= epoch)[-1])

    def state_dict_at(self, step: int) -> dict[str, torch.Tensor]:
        """Return the model ``state_dict`` of snapshot ``step`` as tensors."""
        i = self.index(step)
        return {k: torch.from_numpy(np.array(v[i])) for k, v in self._params.items()}

    def model_at(self, step: int = -1, model: nn.Module | None = None) -> nn.Module:
        """Return a model holding the weights of snapshot ``step``, in eval mode.

        Parameters
        ----------
        step : int
            Snapshot index; ``0`` is the initialization, ``-1`` the last.
        model : torch.nn.Module, optional
            A module of the trained architecture to load the weights into
            (it is modified). Needed only when the history was not made with
            a :class:`~cnnexplain.model.LineCNN`; otherwise a new ``LineCNN`` is built from
            ``config["model"]``.
        """
        i = self.index(step)
        if model is None:
            cfg = dict(self._config.get("model", {}))
            if cfg.pop("class", None) != "LineCNN":
                raise ValueError(
                    "model must be given: this history was not made with a LineCNN, "
                    f"got config['model'] = {self._config.get('model')!r}"
                )
            model = LineCNN(**cfg)
        check_model(model)
        try:
            model.load_state_dict(self.state_dict_at(i))
        except RuntimeError as exc:
            raise ValueError(f"model does not match the history's parameters: {exc}") from None
        return model.eval()

    # -- file format -------------------------------------------------------
    def save(self, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write the history to one ``.npz`` file, atomically.

        The file is a zip archive of ``.npy`` arrays plus a JSON header; it
        holds no pickled object. It is written to a temporary file in the
        same folder and renamed into place, so a crash never leaves a
        half-written file, and the same history always gives the same bytes.

        Parameters
        ----------
        path : str or os.PathLike
            Where to write. The name is used as given.
        overwrite : bool
            Replace an existing file. By default an existing file is kept and
            ``FileExistsError`` is raised.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, got {describe(path)}")
        path = Path(path)
        if path.exists() and not overwrite:
            raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
        arrays: dict[str, np.ndarray] = {"steps": self._steps}
        arrays.update({f"param/{k}": v for k, v in self._params.items()})
        arrays.update({f"metric/{k}": v for k, v in self._metrics.items()})
        meta = {
            "format": _MAGIC,
            "format_version": FORMAT_VERSION,
            "cnnexplain_version": __version__,
            "snapshots": len(self),
            "arrays": {name: {"dtype": str(a.dtype), "shape": list(a.shape)} for name, a in arrays.items()},
            "config": self._config,
        }
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            # Not sort_keys: the order of "arrays" is the order of the
            # parameters (the model's), which load() restores.
            _write_member(zf, _META, json.dumps(meta, indent=1).encode())
            for name, arr in arrays.items():
                out = io.BytesIO()
                np.lib.format.write_array(out, np.ascontiguousarray(arr), allow_pickle=False)
                _write_member(zf, name + ".npy", out.getvalue())
        atomic_write_bytes(path, buffer.getvalue())
        return path

    @classmethod
    def load(cls, path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> WeightHistory:
        """Read a history written by :meth:`save`, checking everything.

        Loading never unpickles and never runs code from the file. The
        format name and version, the list of arrays, their dtypes and shapes
        and their agreement with each other are validated, and the declared
        sizes are checked against ``max_bytes`` before anything is unpacked.

        Raises
        ------
        ValueError
            If the file is not a cnnexplain history, is truncated or corrupt,
            holds a pickled object, or its arrays disagree with its header.
        FileNotFoundError
            If there is no such file.
        """
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, got {describe(path)}")
        max_bytes = check_int("max_bytes", max_bytes, low=1)
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"no such history file: {path}")
        try:
            return _read_history(cls, path, max_bytes)
        except ValueError as exc:
            raise ValueError(f"{path} is not a valid cnnexplain history file: {exc}") from None
        except Exception as exc:  # zip, zlib, npy and json errors of a damaged file
            raise ValueError(
                f"{path} is not a valid cnnexplain history file: {type(exc).__name__}: {exc}"
            ) from None


def _write_member(zf: zipfile.ZipFile, name: str, data: bytes) -> None:
    # A fixed timestamp and permissions make the archive's bytes reproducible.
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    zf.writestr(info, data)


def _read_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    with zf.open(info) as f:
        data = f.read(info.file_size + 1)
    if len(data) != info.file_size:
        raise ValueError(f"member {info.filename!r} is truncated or longer than its header says")
    return data


def _read_npy(data: bytes, name: str, dtype: str, shape: list[int]) -> np.ndarray:
    f = io.BytesIO(data)
    version = np.lib.format.read_magic(f)
    if version == (1, 0):
        shape_h, fortran, dtype_h = np.lib.format.read_array_header_1_0(f, max_header_size=10_000)
    elif version == (2, 0):
        shape_h, fortran, dtype_h = np.lib.format.read_array_header_2_0(f, max_header_size=10_000)
    else:
        raise ValueError(f"array {name!r} has an unsupported .npy version {version}")
    if dtype_h.hasobject or dtype_h.kind not in "fiub" or str(dtype_h.newbyteorder("=")) != dtype:
        raise ValueError(f"array {name!r} must have dtype {dtype}, got {dtype_h} (object arrays are refused)")
    if list(shape_h) != shape:
        raise ValueError(f"array {name!r} must have shape {tuple(shape)} as the header says, got {shape_h}")
    count = math.prod(shape_h)
    body = data[f.tell() :]
    if len(body) != count * dtype_h.itemsize:
        raise ValueError(f"array {name!r} must hold {count * dtype_h.itemsize} bytes, got {len(body)}")
    arr = np.frombuffer(body, dtype=dtype_h, count=count)
    arr = arr.reshape(shape_h, order="F" if fortran else "C")
    return np.ascontiguousarray(arr).astype(dtype_h.newbyteorder("="), copy=False)


def _read_history(cls, path: Path, max_bytes: int) -> WeightHistory:
    file_size = path.stat().st_size
    with zipfile.ZipFile(path) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        if len(infos) != len(zf.infolist()):
            raise ValueError("the archive holds duplicate member names")
        for info in infos.values():
            # save() writes deflate only; LZMA would allocate the dictionary size
            # its stream header names (up to 4 GiB) before reading a byte.
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ValueError(f"member {info.filename!r} uses compression method {info.compress_type}")
            # A compressed size beyond the file is a lie that would make the zip
            # reader allocate that much before finding the end of the file.
            if info.compress_size > file_size:
                raise ValueError(
                    f"member {info.filename!r} claims {info.compress_size:,} compressed bytes, "
                    f"more than the file's {file_size:,}"
                )
        if _META not in infos:
            raise ValueError(f"no {_META} header")
        total = sum(i.file_size for i in infos.values())
        if total > max_bytes:
            raise ValueError(f"it declares {total:,} bytes of content, more than max_bytes={max_bytes:,}")
        if infos[_META].file_size > _MAX_META_BYTES:
            raise ValueError(f"its header is larger than {_MAX_META_BYTES} bytes")
        meta = json.loads(_read_member(zf, infos[_META]).decode("utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != _MAGIC:
            raise ValueError("its header does not name the cnnexplain.WeightHistory format")
        if meta.get("format_version") != FORMAT_VERSION:
            raise ValueError(
                f"format_version must be {FORMAT_VERSION}, got {meta.get('format_version')!r}"
                " (written by another version of cnnexplain?)"
            )
        n = meta.get("snapshots")
        declared = meta.get("arrays")
        config = meta.get("config")
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"snapshots must be a positive integer, got {n!r}")
        if not isinstance(declared, dict) or not isinstance(config, dict):
            raise ValueError("its header must hold 'arrays' and 'config' objects")
        # The accessors (epochs, completed, model_at) read these sections.
        for section in ("model", "training"):
            if section in config and not isinstance(config[section], dict):
                raise ValueError(f"config[{section!r}] must be an object, got {config[section]!r:.60}")
        per_epoch = config.get("training", {}).get("batches_per_epoch")
        if per_epoch is not None and (
            isinstance(per_epoch, bool) or not isinstance(per_epoch, int) or per_epoch < 0
        ):
            raise ValueError(
                f"config['training']['batches_per_epoch'] must be a non-negative integer, got {per_epoch!r:.60}"
            )
        expected = {name + ".npy" for name in declared} | {_META}
        if set(infos) != expected:
            extra = sorted(set(infos) - expected)
            missing = sorted(expected - set(infos))
            raise ValueError(f"its members disagree with its header (missing {missing}, unexpected {extra})")
        if "steps" not in declared:
            raise ValueError("it has no 'steps' array")
        arrays: dict[str, np.ndarray] = {}
        for name, spec in declared.items():
            if not isinstance(spec, dict) or spec.get("dtype") not in _ARRAY_DTYPES:
                raise ValueError(f"array {name!r} has an unsupported declaration {spec!r}")
            shape = spec.get("shape")
            if not isinstance(shape, list) or not all(
                isinstance(s, int) and not isinstance(s, bool) and 0 <= s < 2**40 for s in shape
            ):
                raise ValueError(f"array {name!r} has an invalid shape {shape!r}")
            nbytes = math.prod(shape) * np.dtype(spec["dtype"]).itemsize
            if nbytes > max_bytes:
                raise ValueError(
                    f"array {name!r} declares {nbytes:,} bytes, more than max_bytes={max_bytes:,}"
                )
            kind, _, key = name.partition("/")
            if name == "steps":
                if spec["dtype"] != "int64" or shape != [n, 2]:
                    raise ValueError(f"steps must be int64 of shape ({n}, 2), got {spec['dtype']} {shape}")
            elif kind == "param" and key:
                if not shape or shape[0] != n:
                    raise ValueError(f"parameter {key!r} must have {n} snapshots, got shape {shape}")
            elif kind == "metric" and key in METRICS:
                if len(shape) != 1:
                    raise ValueError(f"metric {key!r} must be one-dimensional, got shape {shape}")
            else:
                raise ValueError(f"unexpected array {name!r}")
            # The member holds the .npy header and the declared array, nothing more:
            # never inflate more than that (a zip bomb declares its true size).
            member = infos[name + ".npy"]
            if member.file_size > nbytes + _MAX_NPY_HEADER_BYTES:
                raise ValueError(
                    f"member {member.filename!r} unpacks to {member.file_size:,} bytes, "
                    f"more than the {nbytes:,} bytes of its declared array and an .npy header"
                )
            arrays[name] = _read_npy(_read_member(zf, member), name, spec["dtype"], shape)
    params = {k.partition("/")[2]: v for k, v in arrays.items() if k.startswith("param/")}
    metrics = {k.partition("/")[2]: v for k, v in arrays.items() if k.startswith("metric/")}
    if not params:
        raise ValueError("it holds no parameters")
    lengths = {len(v) for v in metrics.values()}
    if len(lengths) > 1:
        raise ValueError(f"its metrics have different lengths {sorted(lengths)}")
    steps = arrays["steps"]
    if (steps < 0).any() or (np.diff(steps[:, 0]) < 0).any():
        raise ValueError("its steps must be non-negative and in training order")
    return cls(params, steps, metrics, config)
