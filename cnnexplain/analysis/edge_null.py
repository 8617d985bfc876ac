"""How edge-like random kernels look: the null hypothesis of edge matching.

A kernel with random weights already correlates a little with the best of
many edge templates, so a score above zero proves nothing.
:func:`random_edge_scores` draws such kernels, and :func:`edge_score_null`
turns their scores into the typical score (the median), the 95th percentile
for one kernel, and the threshold for the best of several kernels tested at
once, each with its uncertainty.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import check_int, check_seed
from ..claims import span
from ..edges import _kernel_shape
from .edge_matching import DEFAULT_ANGLES, EDGE_KINDS, edge_match

__all__ = ["EdgeScoreNull", "edge_score_null", "random_edge_scores"]


def random_edge_scores(
    kernel_size: int | tuple[int, int] = 7,
    n: int = 1000,
    *,
    kinds: Sequence[str] = EDGE_KINDS,
    angles: Sequence[float] = DEFAULT_ANGLES,
    seed: int = 0,
) -> np.ndarray:
    """Return the edge-match scores of random kernels.

    A random kernel already correlates a little with its best template out
    of many. These ``n`` kernels have independent uniform weights, as
    PyTorch initializes a convolution (the score does not depend on the
    scale). :func:`edge_score_null` turns these scores into the threshold
    a kernel must clear to be called an edge detector.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Side, or ``(height, width)``, of the kernels, each in ``[1, 64]``.
    n : int
        Number of random kernels.
    kinds : sequence of str
        Template kinds, as in :func:`edge_match`.
    angles : sequence of float
        Template orientations in degrees, as in :func:`edge_match`.
    seed : int
        Seed of the random weights.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` scores in ``[0, 1]``.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> scores = random_edge_scores(7, n=200)
    >>> 0.2 < float(np.median(scores)) < 0.45
    True
    """
    shape = _kernel_shape("kernel_size", kernel_size)
    n = check_int("n", n, low=1, high=1_000_000)
    rng = np.random.default_rng(check_seed("seed", seed))
    return edge_match(rng.uniform(-1.0, 1.0, size=(n, *shape)), kinds=kinds, angles=angles).score


def _quantile_interval(ordered: np.ndarray, q: float, confidence: float = 0.95) -> tuple[float, float]:
    """Distribution-free ``confidence`` interval of the ``q``-quantile, from sorted draws.

    The number of draws below the true quantile is Binomial(n, q), so two order
    statistics whose ranks bracket the middle ``confidence`` of that binomial
    enclose the true quantile with at least that probability.
    """
    n = len(ordered)
    k = np.arange(1, n + 1)
    # log P(B = k) by the recursion P(k) = P(k-1) * (n-k+1)/k * q/(1-q), from P(0) = (1-q)^n.
    steps = np.log((n - k + 1) / k) + np.log(q / (1 - q))
    log_pmf = n * np.log1p(-q) + np.concatenate(([0.0], np.cumsum(steps)))
    cdf = np.cumsum(np.exp(log_pmf - log_pmf.max()))
    cdf /= cdf[-1]
    tail = (1 - confidence) / 2
    # Ranks (1-based) r and s with P(B < r) <= tail and P(B < s) >= 1 - tail: then
    # P(draw r <= quantile < draw s) = P(r <= B < s) >= confidence.
    low = int(np.searchsorted(cdf, tail, side="right"))
    high = int(np.searchsorted(cdf, 1 - tail)) + 1
    return float(ordered[max(low, 1) - 1]), float(ordered[min(high, n) - 1])


@dataclass(frozen=True, eq=False)
class EdgeScoreNull:
    """What random kernels score, and the threshold of an edge detector (see :func:`edge_score_null`).

    Parameters
    ----------
    scores : numpy.ndarray
        The sorted ``(n,)`` scores of the random kernels.
    median : float
        Their median: what a typical random kernel scores.
    percentile95 : float
        Their 95th percentile: the threshold for one kernel tested alone.
    percentile95_interval : (float, float)
        The 95% interval of ``percentile95``, from the sampling error of
        ``n`` draws.
    threshold : float
        The 95th percentile of the best of ``tested`` random kernels: the
        threshold when ``tested`` kernels are tested at once.
    threshold_interval : (float, float)
        The 95% interval of ``threshold``.
    tested : int
        The number of kernels tested at once.
    kernel_size : (int, int)
        Height and width of the kernels.
    """

    scores: np.ndarray
    median: float
    percentile95: float
    percentile95_interval: tuple[float, float]
    threshold: float
    threshold_interval: tuple[float, float]
    tested: int
    kernel_size: tuple[int, int]

    def is_edge(self, score: Any) -> np.ndarray:
        """Return whether each score marks an edge detector: above the upper end of ``threshold_interval``.

        Parameters
        ----------
        score : float or array_like
            Edge-match scores, such as ``edge_match(model).score``.

        Returns
        -------
        numpy.ndarray
            Booleans of the shape of ``score``.
        """
        return np.asarray(score, dtype=np.float64) > self.threshold_interval[1]

    def __str__(self) -> str:
        interval = span(*self.threshold_interval, "{:.3f}")  # rounded outward, as the pages quote it
        return (
            f"random {self.kernel_size[0]}x{self.kernel_size[1]} kernels ({len(self.scores):,}): "
            f"median {self.median:.3f}, 95th percentile {self.percentile95:.3f}; "
            f"best of {self.tested}: 95th percentile {self.threshold:.3f} (95% interval {interval})"
        )


def edge_score_null(
    kernel_size: int | tuple[int, int] = 7,
    *,
    tested: int = 8,
    n: int = 20_000,
    kinds: Sequence[str] = EDGE_KINDS,
    angles: Sequence[float] = DEFAULT_ANGLES,
    seed: int = 0,
) -> EdgeScoreNull:
    """Return what random kernels score, and the threshold a kernel must clear to be an edge detector.

    The scores of ``n`` random kernels (:func:`random_edge_scores`) give the
    null distribution: what the score of a kernel that learned nothing looks
    like. Its 95th percentile is a significance threshold for *one* kernel.
    When ``tested`` kernels are tested at once (the eight kernels of a
    layer), some random kernel clears that threshold far more often than 5%
    of the time, so the threshold is the 95th percentile of the *best* of
    ``tested`` random kernels: the ``0.95 ** (1 / tested)`` quantile of one
    kernel's score (a family-wise error of 5%, Sidak's correction).

    Both percentiles are estimated from ``n`` draws, with a sampling error:
    each comes with its distribution-free 95% interval (from the order
    statistics of the draws). The rule of this library: a kernel is an edge
    detector when its score is above the upper end of ``threshold_interval``
    (:meth:`EdgeScoreNull.is_edge`).

    Parameters
    ----------
    kernel_size : int or (int, int)
        Side, or ``(height, width)``, of the kernels, each in ``[1, 64]``.
    tested : int
        Number of kernels tested at once, at least 1 (``1``: no correction).
    n : int
        Number of random kernels, at least 100.
    kinds : sequence of str
        Template kinds, as in :func:`edge_match`.
    angles : sequence of float
        Template orientations in degrees, as in :func:`edge_match`.
    seed : int
        Seed of the random weights.

    Returns
    -------
    EdgeScoreNull
        ``median``, ``percentile95``, ``threshold`` (the best of ``tested``),
        the 95% intervals of the last two, and ``is_edge(scores)``.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> null = edge_score_null(7, tested=8, n=2000)
    >>> null.median < null.percentile95 < null.threshold
    True
    >>> low, high = null.threshold_interval
    >>> bool(low <= null.threshold <= high)
    True
    >>> null.is_edge([0.1, 0.99]).tolist()
    [False, True]
    """
    tested = check_int("tested", tested, low=1, high=10_000)
    n = check_int("n", n, low=100, high=1_000_000)
    scores = np.sort(random_edge_scores(kernel_size, n, kinds=kinds, angles=angles, seed=seed))
    best_of_tested = 0.95 ** (1.0 / tested)  # P(best of tested <= x) = P(one <= x) ** tested
    return EdgeScoreNull(
        scores=scores,
        median=float(np.quantile(scores, 0.5)),
        percentile95=float(np.quantile(scores, 0.95)),
        percentile95_interval=_quantile_interval(scores, 0.95),
        threshold=float(np.quantile(scores, best_of_tested)),
        threshold_interval=_quantile_interval(scores, best_of_tested),
        tested=tested,
        kernel_size=_kernel_shape("kernel_size", kernel_size),
    )
