"""Argument checks shared by the public functions.

Every public function of :mod:`cnnexplain` validates its arguments at the
boundary with these helpers, so that a bad call fails with a ``ValueError`` or
``TypeError`` that names the argument, what was expected and what was given,
instead of an opaque error from deep inside torch or numpy.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

#: Integers of more bits than this are described by their size: Python refuses to write one of
#: more than 4,300 digits (and says so in a message that names nothing of ours).
_LONGEST_INT_BITS = 256


def _int_text(value: int) -> str:
    """``value`` in digits, or, for an integer too long to print, its size in bits."""
    bits = abs(int(value)).bit_length()
    return f"an integer of {bits:,} bits" if bits > _LONGEST_INT_BITS else str(int(value))


def describe(value: Any) -> str:
    """Return a short description of ``value`` for error messages."""
    if isinstance(value, int) and not isinstance(value, bool) and abs(value).bit_length() > _LONGEST_INT_BITS:
        return f"{_int_text(value)} (int)"
    if isinstance(value, torch.Tensor):
        return f"a {value.dtype} tensor of shape {tuple(value.shape)}"
    if isinstance(value, np.ndarray):
        return f"a {value.dtype} array of shape {value.shape}"
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{text} ({type(value).__name__})"


def check_int(name: str, value: Any, *, low: int | None = None, high: int | None = None) -> int:
    """Check that ``value`` is an integer in ``[low, high]`` and return it as ``int``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {describe(value)}")
    value = int(value)
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {_int_text(value)}")
    return value


#: The largest seed: torch's random generators take seeds of 64 bits, and a history records every
#: setting as a JSON integer of at most 64 bits (:class:`~cnnexplain.history.WeightHistory`).
MAX_SEED = 2**64 - 1
#: The largest batch: torch counts the images of a batch in a signed 64-bit integer.
MAX_BATCH_SIZE = 2**63 - 1


def check_seed(name: str, value: Any) -> int:
    """Check a seed: an integer in ``[0, MAX_SEED]`` (larger ones overflow torch's generators)."""
    return check_int(name, value, low=0, high=MAX_SEED)


def check_batch_size(name: str, value: Any) -> int:
    """Check a number of images per batch: an integer in ``[1, MAX_BATCH_SIZE]``.

    A batch larger than the data is the whole data; a larger count than
    torch can hold would fail inside torch with a message that names nothing.
    """
    return check_int(name, value, low=1, high=MAX_BATCH_SIZE)


def check_float(
    name: str,
    value: Any,
    *,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """Check that ``value`` is a finite real number in the given interval."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {describe(value)}")
    try:
        value = float(value)
    except OverflowError:  # an integer beyond the floats: no finite number
        raise ValueError(f"{name} must be a finite number, got {describe(value)}") from None
    above_low = low is None or (value > low if low_open else value >= low)
    below_high = high is None or (value < high if high_open else value <= high)
    if not (np.isfinite(value) and above_low and below_high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        interval = f"{'(' if low_open else '['}{lo}, {hi}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be a finite number in {interval}, got {value}")
    return value


def check_int_range(name: str, value: Any, *, low: int, high: int) -> tuple[int, int]:
    """Check an inclusive ``(min, max)`` range within ``[low, high]``; an integer ``k`` stands for ``(k, k)``."""
    pair = (value, value) if isinstance(value, numbers.Integral) else value
    if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
        raise TypeError(f"{name} must be an integer or a (min, max) pair of integers, got {describe(value)}")
    lo, hi = check_int(f"{name}[0]", pair[0]), check_int(f"{name}[1]", pair[1])
    if not low <= lo <= hi <= high:
        raise ValueError(
            f"{name} must be (min, max) with {low} <= min <= max <= {high}, got ({_int_text(lo)}, {_int_text(hi)})"
        )
    return lo, hi


def check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    """Check that ``value`` is one of the strings in ``choices``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {list(choices)}, got {describe(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def check_path(name: str, value: Any) -> Path:
    """Check that ``value`` is a ``str`` or ``os.PathLike`` and return it as a :class:`~pathlib.Path`."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a str or os.PathLike, got {describe(value)}")
    return Path(value)


def check_images(name: str, images: Any) -> torch.Tensor:
    """Check a non-empty, finite, floating-point batch of images ``(N, C, H, W)`` and return it."""
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (N, C, H, W), got {describe(images)}")
    if images.ndim != 4:
        raise ValueError(f"{name} must have shape (N, C, H, W) (rank 4), got shape {tuple(images.shape)}")
    if not images.is_floating_point():
        raise TypeError(f"{name} must have a floating-point dtype such as torch.float32, got {images.dtype}")
    if images.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one image, got shape {tuple(images.shape)}")
    if not torch.isfinite(images).all():
        raise ValueError(f"{name} must not contain NaN or infinite values")
    return images


def check_real_array(name: str, value: Any) -> np.ndarray:
    """Check a finite real tensor or array and return it as a float64 numpy array."""
    array = value.detach().cpu().numpy() if isinstance(value, torch.Tensor) else value
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "fiu":
        raise TypeError(
            f"{name} must be a torch.Tensor or numpy.ndarray of real numbers, got {describe(value)}"
        )
    array = np.asarray(array, dtype=float)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must not contain NaN or infinite values")
    return array


def check_model(model: Any) -> torch.nn.Module:
    """Return ``model`` if it is a :class:`torch.nn.Module`, else raise a ``TypeError`` naming it."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {describe(model)}")
    return model
