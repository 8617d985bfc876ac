"""Argument checks shared by the figure functions of :mod:`cnnexplain.viz`.

Each check raises a ``TypeError`` or ``ValueError`` that names the argument,
what was expected and what was given, and returns the value in the form the
drawing code uses: a float numpy array (through
:func:`cnnexplain._checks.check_real_array`) or a list.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import check_int, check_real_array, describe


def plane(name: str, value: Any) -> np.ndarray:
    """One image or kernel, shape ``(H, W)``, ``(1, H, W)`` or ``(1, 1, H, W)``, as ``(H, W)``."""
    arr = check_real_array(name, value)
    while arr.ndim > 2 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 2 or min(arr.shape) < 1:
        raise ValueError(
            f"{name} must have shape (H, W), (1, H, W) or (1, 1, H, W), got shape {tuple(np.shape(value))}"
        )
    return arr


def planes(name: str, value: Any) -> np.ndarray:
    """Images or kernels, shape ``(N, 1, H, W)``, ``(N, H, W)`` or ``(H, W)``, as ``(N, H, W)``."""
    arr = check_real_array(name, value)
    if arr.ndim == 4 and arr.shape[1] == 1:
        arr = arr[:, 0]
    elif arr.ndim == 2:
        arr = arr[None]
    if arr.ndim != 3 or min(arr.shape) < 1:
        raise ValueError(
            f"{name} must have shape (N, 1, H, W), (N, H, W) or (H, W), got shape {tuple(np.shape(value))}"
        )
    return arr


def instance_of(name: str, value: Any, cls: type, what: str) -> Any:
    """``value`` if it is an instance of ``cls``, which the message calls ``what``."""
    if not isinstance(value, cls):
        raise TypeError(f"{name} must be {what}, got {describe(value)}")
    return value


def int_list(name: str, values: Any, *, low: int | None = None, high: int | None = None) -> list[int]:
    """A non-empty sequence of integers in ``[low, high]``, as a list."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of integers, got {describe(values)}")
    if len(values) == 0:
        raise ValueError(f"{name} must hold at least one integer, got an empty sequence")
    return [check_int(f"{name}[{i}]", v, low=low, high=high) for i, v in enumerate(values)]


def str_list(name: str, values: Any, *, length: int | None = None) -> list[str]:
    """A sequence (not a string) of strings, of ``length`` items when given, as a list."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of str, got {describe(values)}")
    if not all(isinstance(v, str) for v in values):
        raise TypeError(f"{name} must hold only str, got {describe(values)}")
    if length is not None and len(values) != length:
        raise ValueError(f"{name} must have {length} items, got {len(values)}")
    return list(values)


#: Most snapshots an explorer's page or a kernel animation shows: each puts the model's weights
#: in the page once more (the default run's take 142 KB there), or is one more frame to draw, so
#: a history recorded after every batch must be thinned (:func:`~cnnexplain.viz.pick_snapshots`).
#: ``cnnexplain figures`` and ``explore --snapshots`` have the same ceiling.
MAX_SNAPSHOTS = 256


def snapshot_indices(name: str, history: Any, values: Any) -> tuple[int, ...]:
    """Snapshot indices of ``history`` (all of them for ``None``): distinct, in training order,
    at most :data:`MAX_SNAPSHOTS`.

    Negative indices count from the end, as in :meth:`~cnnexplain.history.WeightHistory.index`.
    """
    if values is None:
        if len(history) > MAX_SNAPSHOTS:
            raise ValueError(
                f"{name} must be given for a history of {len(history):,} snapshots, more than the "
                f"{MAX_SNAPSHOTS} shown at most: pass {name}=pick_snapshots(history, {MAX_SNAPSHOTS}) or fewer"
            )
        return tuple(range(len(history)))
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of snapshot indices, got {describe(values)}")
    if len(values) > MAX_SNAPSHOTS:
        raise ValueError(
            f"{name} must hold at most {MAX_SNAPSHOTS} indices (each is one more frame, or the weights "
            f"once more in a page; pick_snapshots chooses fewer), got {len(values):,}"
        )
    if not 1 <= len(values) <= len(history):
        raise ValueError(
            f"{name} must hold 1 to {len(history)} indices (the history has {len(history)} "
            f"snapshots), got {len(values)}"
        )
    indices = [history.index(check_int(f"{name}[{k}]", v)) for k, v in enumerate(values)]
    if any(b <= a for a, b in itertools.pairwise(indices)):
        raise ValueError(f"{name} must be distinct and in training order, got {list(values)}")
    return tuple(indices)
