"""Checks and words for the claim kinds' arguments: each bad value gets a message naming it."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np

from ._record import OUTCOMES


def _describe(value: Any) -> str:
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        return f"a {type(value).__name__} of dtype {value.dtype} and shape {tuple(value.shape)}"
    text = repr(value)
    return f"{text[:57] + '...' if len(text) > 60 else text} ({type(value).__name__})"


def _sentence(claim: Any) -> str:
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError(f"claim must be a sentence in words, got {claim!r}")
    return claim


def _text(arg: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{arg} must be a non-empty string, got {value!r}")
    return value


def _fmt(arg: str, fmt: Any, example: float) -> str:
    try:
        if not isinstance(fmt, str) or not fmt.format(example).strip():
            raise ValueError
    except (ValueError, TypeError, IndexError, KeyError):
        raise ValueError(
            f"{arg} must be a str.format pattern for one number, such as '{{:.1%}}', got {fmt!r}"
        ) from None
    return fmt


def _percent(level: float) -> str:
    text = f"{100 * level:.1f}".removesuffix(".0")
    return f"{text}%"


def _level(level: Any) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValueError(f"level must be a number between 0 and 1, such as 0.95, got {level!r}")
    return float(level)


def _array(values: Any) -> np.ndarray:
    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    return np.asarray(values)


def _number(arg: str, value: Any) -> int | float:
    if hasattr(value, "detach") or isinstance(value, (np.ndarray, np.generic)):
        array = _array(value)
        if array.size != 1:
            raise TypeError(f"{arg} must be one number, got {_describe(value)}")
        value = array.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{arg} must be a number, got {_describe(value)}")
    if not math.isfinite(value):
        raise ValueError(f"{arg} must be a finite number, got {value!r}")
    return value


#: The largest count a claim takes: its intervals compute in floats, which hold every count up to
#: 2**53 exactly (a larger one overflowed, or lost its last units).
_MAX_COUNT = 2**53


def _count(arg: str, value: Any, *, low: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{arg} must be an integer count, got {_describe(value)}")
    if value < low:
        raise ValueError(f"{arg} must be at least {low}, got {value}")
    if value > _MAX_COUNT:
        raise ValueError(
            f"{arg} must be at most 2**53 (a count floats hold exactly), got one of {int(value).bit_length():,} bits"
        )
    return int(value)


def _sample(arg: str, values: Any) -> np.ndarray:
    try:
        array = _array(values).astype(float)
    except (TypeError, ValueError):
        raise TypeError(f"{arg} must be numbers, one per run or item, got {_describe(values)}") from None
    if array.ndim != 1 or array.size < 2:
        raise ValueError(
            f"{arg} must be a one-dimensional sample of at least two values, one per run or item, "
            f"got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{arg} must not contain NaN or infinite values")
    return array


def _outcomes(expect: Any) -> tuple[str, ...]:
    expected = (
        (expect,) if isinstance(expect, str) else tuple(expect) if isinstance(expect, Iterable) else None
    )
    if not expected or any(e not in OUTCOMES for e in expected):
        raise ValueError(f"expect must be one or more of {list(OUTCOMES)}, got {expect!r}")
    return expected


def _margin_words(fmt: str, margin: float, name: str | None) -> str:
    return fmt.format(margin) + (f" (declared as {name})" if name else "")
