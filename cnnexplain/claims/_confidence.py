"""The intervals behind the claim kinds: Wilson, Clopper-Pearson, bootstrap and sign test."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np

from ._arguments import _describe, _level, _percent, _sample


def _z(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2)


def _wilson(k: int, n: int, level: float) -> tuple[float, float]:
    """Wilson's score interval of the share ``k / n``, ``0 <= k <= n``, ``n >= 1``, unchecked.

    The library's one implementation: :func:`cnnexplain.analysis.wilson_interval`
    checks its arguments and calls it. It lives here, in the module that
    imports nothing of the library but ``_callsite``, so that the analyses can
    use it without an import cycle.
    """
    z, p = _z(level), k / n
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (0.0 if k == 0 else max(0.0, center - half)), (1.0 if k == n else min(1.0, center + half))


def _binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), 0 < p < 1."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    i = np.arange(k + 1)
    log_pmf = (
        math.lgamma(n + 1)
        - np.array([math.lgamma(j + 1) + math.lgamma(n - j + 1) for j in i])
        + i * math.log(p)
        + (n - i) * math.log1p(-p)
    )
    return float(min(1.0, np.exp(log_pmf).sum()))


def _solve(f, target: float) -> float:
    """The p in (0, 1) where the decreasing ``f(p)`` equals ``target``, by bisection."""
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) > target else (lo, mid)
    return (lo + hi) / 2


def _clopper_pearson(k: int, n: int, level: float) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval of the share ``k / n``."""
    tail = (1 - level) / 2
    # P(X >= k) grows with p: the lower end is where it reaches the tail.
    low = 0.0 if k == 0 else _solve(lambda p: _binomial_cdf(k - 1, n, p), 1 - tail)
    high = 1.0 if k == n else _solve(lambda p: _binomial_cdf(k, n, p), tail)
    return low, high


BOOTSTRAP_RESAMPLES = 10_000


def _bootstrap_values(statistic, samples: list[np.ndarray]) -> np.ndarray:
    """``statistic`` over resamples of ``samples`` (a fixed seed)."""
    rng = np.random.default_rng(0)
    values = []
    for start in range(0, BOOTSTRAP_RESAMPLES, 1000):
        size = min(1000, BOOTSTRAP_RESAMPLES - start)
        draws = [s[rng.integers(0, len(s), (size, len(s)))] for s in samples]
        values.append(statistic(*draws))
    return np.concatenate(values)


def _quantiles(values: np.ndarray, level: float) -> tuple[float, float]:
    """The percentile interval at ``level`` of resampled statistics."""
    tail = (1 - level) / 2
    low, high = np.quantile(values, [tail, 1 - tail])
    return float(low), float(high)


def _bootstrap_p(values: np.ndarray) -> float:
    """The two-sided p-value against 0 that goes with the percentile interval of ``values``.

    The percentile interval at level ``1 - alpha`` leaves out 0 when fewer
    than ``alpha / 2`` of the resampled statistics lie on one side of it; so
    the p-value is twice the smaller share of resamples at or beyond 0 on a
    side. A share of 0 is no p of 0: with ``B`` resamples the estimate is
    ``(count + 1) / (B + 1)`` (Davison and Hinkley, 1997, eq. 4.11), so the
    smallest p is about ``2 / B`` (0.0002 for 10,000 resamples).
    """
    values = np.asarray(values, float)
    count = min(int((values <= 0).sum()), int((values >= 0).sum()))
    return float(min(1.0, 2 * (count + 1) / (len(values) + 1)))


def _sign_p(d: np.ndarray) -> float:
    """The two-sided sign test's p-value against a median of 0, dual to :func:`_sign_interval`.

    A zero counts against both sides (the interval's ends are order
    statistics, so a difference of exactly 0 keeps 0 inside it): the
    interval at level ``1 - alpha`` leaves out 0 exactly when this p is at
    most ``alpha``.
    """
    n = len(d)
    k = min(int((d <= 0).sum()), int((d >= 0).sum()))
    return float(min(1.0, 2 * sum(math.comb(n, i) for i in range(k + 1)) / 2**n))


def _sign_interval(d: np.ndarray, level: float) -> tuple[float, float, float]:
    """The order-statistic interval of the median of ``d``, and its coverage (at least ``level``)."""
    n = len(d)
    cdf = np.cumsum([math.comb(n, i) for i in range(n + 1)]) / 2**n  # P(B <= i), B ~ Binomial(n, 1/2)
    tail = (1 - level) / 2
    if cdf[0] > tail:
        need = next(m for m in range(n, 64) if 2 * 0.5**m <= 1 - level)
        raise ValueError(
            f"the sign test's interval needs at least {need} pairs at level {level:g}, got {n}: "
            "pass more pairs, a lower level, or method='bootstrap'"
        )
    j = int(np.flatnonzero(cdf <= tail)[-1])  # ends at the (j+1)-th smallest and largest
    s = np.sort(d)
    return float(s[j]), float(s[n - 1 - j]), float(1 - 2 * cdf[j])


def _difference_interval(a: Any, b: Any, paired: Any, method: str | None, level: Any):
    """``(estimate, low, high, n, coverage, test, statistic, p)`` of the difference ``a - b``.

    ``p`` is the two-sided p-value against 0 of the same test that makes the
    interval (the sign test, or the percentile bootstrap on the same
    resamples), for an adjustment over several comparisons (:func:`holm`).
    """
    if not isinstance(paired, (bool, np.bool_)):
        raise TypeError(f"paired must be True or False, got {_describe(paired)}")
    level = _level(level)
    a, b = _sample("a", a), _sample("b", b)
    methods = ("sign", "bootstrap") if paired else ("bootstrap",)
    method = methods[0] if method is None else method
    if method not in methods:
        raise ValueError(
            f"method must be one of {list(methods)} for {'paired' if paired else 'unpaired'} samples, got {method!r}"
        )
    resamples = f"{BOOTSTRAP_RESAMPLES:,} resamples"
    if paired:
        if len(a) != len(b):
            raise ValueError(f"a and b must be pairs of the same length, got {len(a)} and {len(b)}")
        d = a - b
        if method == "sign":
            low, high, coverage = _sign_interval(d, level)
            return (
                float(np.median(d)),
                low,
                high,
                len(d),
                coverage,
                f"paired sign test: interval of the median, coverage {_percent(coverage)} "
                f"(at least {_percent(level)})",
                "median of the paired differences",
                _sign_p(d),
            )
        values = _bootstrap_values(lambda x: x.mean(axis=1), [d])
        low, high = _quantiles(values, level)
        return (
            float(d.mean()),
            low,
            high,
            len(d),
            level,
            f"paired bootstrap ({resamples}): {_percent(level)} percentile interval of the mean",
            "mean of the paired differences",
            _bootstrap_p(values),
        )
    values = _bootstrap_values(lambda x, y: x.mean(axis=1) - y.mean(axis=1), [a, b])
    low, high = _quantiles(values, level)
    return (
        float(a.mean() - b.mean()),
        low,
        high,
        [len(a), len(b)],
        level,
        f"bootstrap ({resamples}): {_percent(level)} percentile interval of the difference of means",
        "difference of the means",
        _bootstrap_p(values),
    )
