"""Argument checks shared by the public functions.

Every public function of :mod:`cnnexplain` validates its arguments at the
boundary with these helpers, so that a bad call fails with a ``ValueError`` or
``TypeError`` that names the argument, what was expected and what was given,
instead of an opaque error from deep inside torch or numpy.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch


def describe(value: Any) -> str:
    """Return a short description of ``value`` for error messages."""
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
        raise ValueError(f"{name} must be an integer in [{lo}, {hi}], got {value}")
    return value


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
    value = float(value)
    bad = not np.isfinite(value)
    if low is not None:
        bad = bad or (value <= low if low_open else value < low)
    if high is not None:
        bad = bad or (value >= high if high_open else value > high)
    if bad:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ValueError(f"{name} must be a finite number in {left}{lo}, {hi}{right}, got {value}")
    return value


def check_int_range(name: str, value: Any, *, low: int, high: int) -> tuple[int, int]:
    """Check an inclusive ``(min, max)`` integer range, or a single integer.

    A single integer ``k`` stands for ``(k, k)``. Both ends must lie in
    ``[low, high]`` and ``min <= max``.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        pair = (int(value), int(value))
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2:
        pair = (
            check_int(f"{name}[0]", value[0]),
            check_int(f"{name}[1]", value[1]),
        )
    else:
        raise TypeError(f"{name} must be an integer or a (min, max) pair of integers, got {describe(value)}")
    lo_v, hi_v = pair
    if lo_v > hi_v:
        raise ValueError(f"{name} must be (min, max) with min <= max, got {value!r}")
    if lo_v < low or hi_v > high:
        raise ValueError(f"{name} must lie within [{low}, {high}], got {value!r}")
    return pair


def check_choice(name: str, value: Any, choices: Sequence[str]) -> str:
    """Check that ``value`` is one of the strings in ``choices``."""
    if not isinstance(value, str):
        raise TypeError(f"{name} must be one of {list(choices)}, got {describe(value)}")
    if value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
    return value


def check_images(
    name: str,
    images: Any,
    *,
    channels: int | None = None,
    size: int | tuple[int, int] | None = None,
) -> torch.Tensor:
    """Check a batch of images of shape ``(N, C, H, W)`` and return it.

    The batch must be a floating-point :class:`torch.Tensor` of rank 4, with
    ``channels`` channels and spatial size ``size`` when those are given, and
    no NaN or infinite values.
    """
    if not isinstance(images, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor of shape (N, C, H, W), got {describe(images)}")
    if images.ndim != 4:
        raise ValueError(f"{name} must have shape (N, C, H, W) (rank 4), got shape {tuple(images.shape)}")
    if not images.is_floating_point():
        raise TypeError(f"{name} must have a floating-point dtype such as torch.float32, got {images.dtype}")
    if images.shape[0] == 0:
        raise ValueError(f"{name} must hold at least one image, got shape {tuple(images.shape)}")
    if channels is not None and images.shape[1] != channels:
        raise ValueError(
            f"{name} must have {channels} channel(s) (shape (N, {channels}, H, W)), got shape {tuple(images.shape)}"
        )
    if size is not None:
        hw = (size, size) if isinstance(size, int) else tuple(size)
        if tuple(images.shape[-2:]) != hw:
            raise ValueError(f"{name} must be {hw[0]}x{hw[1]} pixels, got shape {tuple(images.shape)}")
    if not all_finite(images):
        raise ValueError(f"{name} must not contain NaN or infinite values")
    return images


def all_finite(values: torch.Tensor) -> bool:
    """Return whether a floating-point tensor holds no NaN or infinite value.

    A NaN or an infinity makes the sum non-finite, so a finite sum proves
    every value finite with one cheap reduction; only a non-finite sum,
    which large finite values can also cause by overflow, needs the
    element-wise test.
    """
    with torch.no_grad():
        if bool(torch.isfinite(values.sum())):
            return True
        return bool(torch.isfinite(values).all())


def check_real_array(name: str, value: Any) -> np.ndarray:
    """Check a finite real tensor or array and return it as a float64 numpy array."""
    if not isinstance(value, (torch.Tensor, np.ndarray)):
        raise TypeError(f"{name} must be a torch.Tensor or numpy.ndarray, got {describe(value)}")
    if isinstance(value, torch.Tensor) and (value.is_complex() or value.dtype == torch.bool):
        raise TypeError(f"{name} must hold real numbers, got {describe(value)}")
    if isinstance(value, np.ndarray) and value.dtype.kind not in "fiu":
        raise TypeError(f"{name} must hold real numbers, got {describe(value)}")
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    arr = np.asarray(value, dtype=float)
    if not np.isfinite(arr).all():
        raise ValueError(f"{name} must not contain NaN or infinite values")
    return arr


def check_model(model: Any) -> torch.nn.Module:
    """Return ``model`` if it is a :class:`torch.nn.Module`, else raise a ``TypeError`` naming it."""
    if not isinstance(model, torch.nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {describe(model)}")
    return model
