"""How smooth a kernel is, and a share of edge detectors compared at equal smoothness.

The edge test, :func:`~cnnexplain.analysis.is_edge_detector`, passes smooth
random patterns more often than rough ones: at the scale of a 7x7 kernel a
smooth pattern is mostly a ramp, and a ramp is an edge. So when two arms of
an experiment differ in how many of their kernels pass, part of the
difference can come from a difference in smoothness alone.
:func:`neighbour_correlation` measures smoothness;
:func:`excess_at_equal_smoothness` removes what smoothness predicts, so that
two arms are compared at equal smoothness.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._checks import check_int, check_real_array

__all__ = ["excess_at_equal_smoothness", "neighbour_correlation"]


def neighbour_correlation(kernels: Any) -> np.ndarray:
    """Return each kernel's correlation between its weights and their right and lower neighbours.

    Near 0 for independent random weights, near 1 for a smooth pattern (a
    ramp, a wide blob), negative for a pattern that alternates from pixel to
    pixel (a checkerboard gives -1).

    Parameters
    ----------
    kernels : torch.Tensor or numpy.ndarray
        Kernels ``(..., kh, kw)``, at least 2x2, finite real numbers.

    Returns
    -------
    numpy.ndarray
        One correlation per kernel, shape ``kernels.shape[:-2]``; NaN for a
        constant kernel, which has no correlation.

    Raises
    ------
    TypeError, ValueError
        If ``kernels`` is not such an array; the message names it.

    Examples
    --------
    >>> import numpy as np
    >>> ramp = np.tile(np.arange(7.0), (7, 1))
    >>> board = (-1.0) ** np.add.outer(np.arange(7), np.arange(7))
    >>> neighbour_correlation(np.stack([ramp, board])).round(2).tolist()
    [0.96, -1.0]
    """
    k = check_real_array("kernels", kernels)
    if k.ndim < 2 or k.shape[-1] < 2 or k.shape[-2] < 2:
        raise ValueError(f"kernels must have shape (..., kh, kw), at least 2x2, got shape {k.shape}")
    lead = k.shape[:-2]
    # Every pair of horizontal and of vertical neighbours, as two flat samples per kernel.
    first = np.concatenate([k[..., :, :-1].reshape(*lead, -1), k[..., :-1, :].reshape(*lead, -1)], -1)
    second = np.concatenate([k[..., :, 1:].reshape(*lead, -1), k[..., 1:, :].reshape(*lead, -1)], -1)
    first = first - first.mean(-1, keepdims=True)
    second = second - second.mean(-1, keepdims=True)
    spread = np.sqrt((first**2).sum(-1) * (second**2).sum(-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(spread > 0, (first * second).sum(-1) / spread, np.nan)


def excess_at_equal_smoothness(
    passed: Sequence[Any], smoothness: Sequence[Any], *, bins: int = 10
) -> list[np.ndarray]:
    """Return, for each arm, each kernel's verdict minus the share its smoothness predicts.

    The arms' kernels are pooled and cut into ``bins`` groups of equal size
    by smoothness (deciles by default); the share of the pooled kernels of a
    group that pass is what smoothness alone predicts for a kernel of that
    group. A kernel's excess is its verdict (1 or 0) minus that share. An
    arm whose mean excess is above another's passes more often at equal
    smoothness; when smoothness alone decides who passes, both means are
    near 0. (An edge is smooth itself, so this comparison can also remove
    part of a real difference in edges: it asks what is left beyond
    smoothness, not what smoothness explains.)

    Parameters
    ----------
    passed : sequence of array-like of bool
        For each arm, the edge test's verdicts, any shape.
    smoothness : sequence of array-like of float
        For each arm, the smoothness of the same kernels, the same shape as
        its verdicts (:func:`neighbour_correlation`), finite.
    bins : int, default 10
        Groups of the pooled kernels, from 1 to the number of kernels.

    Returns
    -------
    list of numpy.ndarray
        For each arm, the excess of each kernel, the shape of its verdicts.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import numpy as np
    >>> smooth = np.linspace(0, 1, 100)
    >>> passes = smooth > 0.5  # smoothness alone decides
    >>> arms = [passes, passes[::-1]], [smooth, smooth[::-1]]
    >>> a, b = excess_at_equal_smoothness(*arms)
    >>> round(float(a.mean()), 6), round(float(b.mean()), 6)
    (0.0, 0.0)
    """
    if len(passed) != len(smoothness) or len(passed) == 0:
        raise ValueError(
            "passed and smoothness must give one array per arm, the same number of arms, got "
            f"{len(passed)} and {len(smoothness)}"
        )
    verdicts = [np.asarray(p) for p in passed]
    for i, v in enumerate(verdicts):
        if v.dtype != bool:
            raise TypeError(f"passed[{i}] must hold booleans (the edge test's verdicts), got {v.dtype}")
    values = [check_real_array(f"smoothness[{i}]", s) for i, s in enumerate(smoothness)]
    for i, (v, s) in enumerate(zip(verdicts, values)):
        if v.shape != s.shape:
            raise ValueError(f"smoothness[{i}] must have the shape of passed[{i}], {v.shape}, got {s.shape}")
    pooled_s = np.concatenate([s.ravel() for s in values])
    pooled_v = np.concatenate([v.ravel() for v in verdicts]).astype(float)
    bins = check_int("bins", bins, low=1, high=len(pooled_s))
    cuts = np.quantile(pooled_s, np.linspace(0, 1, bins + 1)[1:-1])
    group = np.digitize(pooled_s, cuts)
    predicted = np.bincount(group, weights=pooled_v, minlength=bins) / np.maximum(
        np.bincount(group, minlength=bins), 1
    )
    return [v - predicted[np.digitize(s, cuts)] for v, s in zip(verdicts, values)]
