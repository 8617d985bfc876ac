"""Intervals over the seeds of a study: :func:`seed_bootstrap`, :func:`seed_difference`.

A seed study gives several kernels per seed, and the kernels of one seed
are not independent draws: they share a start, the batches and the training
that shaped them together. An interval that counts every kernel as a draw
(a Wilson interval on 800 kernels of 100 seeds) is too narrow. So the
interval here resamples *seeds*, each with all its kernels (a cluster
bootstrap): it is as wide as the seeds make it, however the kernels of a
seed hang together. A share among some of the kernels only (the edge
detectors, say, whose number differs from seed to seed) is a ratio of two
sums over the seeds drawn (``where``), and two such statistics are compared on
the same resampled seeds (:func:`seed_difference`), or, when they come from
different units (the seeds of a study against draws of a reference family),
each on its own resampled units (:func:`independent_difference`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import check_float, check_int, check_seed, describe
from ..claims._confidence import _bootstrap_p

__all__ = ["SeedEstimate", "independent_difference", "seed_bootstrap", "seed_difference"]

# Resamples drawn at once: bounds the (chunk, seeds * values) array to a few MB.
_CHUNK = 500
# Most resamples: 100 times the default. Each keeps one statistic and draws one index per seed,
# so a count typed with a few zeros too many would take minutes and gigabytes, not a better interval.
_MAX_RESAMPLES = 1_000_000


@dataclass(frozen=True)
class SeedEstimate:
    """A statistic over the seeds of a study and its percentile interval (:func:`seed_bootstrap`).

    Parameters
    ----------
    estimate : float
        The statistic of all the values.
    low, high : float
        The ends of the interval.
    n_seeds : int
        The number of seeds (the resampled units).
    level : float
        The interval's level.
    p_value : float or None
        For :func:`seed_difference`: the two-sided p-value against 0 of the
        same resamples (twice the smaller share on a side of 0, at least
        ``2 / (resamples + 1)``), to adjust over several comparisons
        (:func:`cnnexplain.claims.holm`); None otherwise.
    """

    estimate: float
    low: float
    high: float
    n_seeds: int
    level: float
    p_value: float | None = None


def _values(values: Any, name: str = "values") -> np.ndarray:
    """Check ``values``: at least one seed, real or boolean, finite; return them as float64 ``(S, m)``."""
    array = values.detach().cpu().numpy() if hasattr(values, "detach") else values
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must be a numpy array or tensor of numbers or booleans, seeds first, got {describe(values)}"
        )
    if array.ndim == 0 or array.shape[0] < 2 or array[0].size == 0:
        raise ValueError(
            f"{name} must have shape (seeds, ...) with at least 2 seeds and a value per seed, "
            f"got shape {array.shape}"
        )
    array = np.asarray(array, dtype=np.float64).reshape(array.shape[0], -1)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} must not contain NaN or infinite values")
    return array


def _where(where: Any, values: Any, shape: tuple[int, ...], name: str) -> np.ndarray:
    """Check ``where``: booleans shaped like ``values``, at least one True; return them ``shape``."""
    array = where.detach().cpu().numpy() if hasattr(where, "detach") else where
    given = values.shape if hasattr(values, "shape") else None
    if not isinstance(array, np.ndarray) or array.dtype != bool:
        raise TypeError(f"{name} must be a numpy array or tensor of booleans, got {describe(where)}")
    if tuple(array.shape) != tuple(given):
        raise ValueError(f"{name} must have the shape of the values, {tuple(given)}, got {array.shape}")
    if not array.any():
        raise ValueError(f"{name} must hold at least one True: a statistic of no values is none")
    return array.reshape(shape)


def _options(level: Any, resamples: Any, seed: Any) -> tuple[float, int, int]:
    level = check_float("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    resamples = check_int("resamples", resamples, low=100, high=_MAX_RESAMPLES)
    return level, resamples, check_seed("seed", seed)


def _draws(n: int, resamples: int, seed: int):
    """The resampled seeds, ``(chunk, n)`` at a time: the same for the same ``n``, ``resamples`` and ``seed``."""
    rng = np.random.default_rng(seed)
    for start in range(0, resamples, _CHUNK):
        yield rng.integers(0, n, (min(_CHUNK, resamples - start), n))


def _ratio(sums: np.ndarray, counts: np.ndarray, name: str, draws: np.ndarray) -> np.ndarray:
    """The mean over the values kept, of each resample: the sums over its seeds over their counts."""
    kept = counts[draws].sum(axis=1)
    if not kept.all():
        raise ValueError(
            f"a resample drew no seed with a value where {name} is True: too few of them for this interval"
        )
    return sums[draws].sum(axis=1) / kept


def _percentiles(stats: list[np.ndarray], level: float) -> tuple[float, float]:
    tail = (1 - level) / 2
    low, high = np.quantile(np.concatenate(stats), [tail, 1 - tail])
    return float(low), float(high)


def seed_bootstrap(
    values: Any,
    statistic: str = "mean",
    *,
    where: Any = None,
    level: float = 0.95,
    resamples: int = 10_000,
    seed: int = 0,
) -> SeedEstimate:
    """Return a statistic of per-kernel values and its interval, resampling whole seeds.

    Each resample draws ``S`` seeds with replacement, keeps *all* the values
    of every seed drawn, and computes the statistic of them; the interval is
    the central ``level`` share of those statistics (a percentile interval).

    Parameters
    ----------
    values : numpy.ndarray or torch.Tensor
        Shape ``(S, ...)``: the seeds first, then any number of values per
        seed (the same number for every seed), such as ``(100, 8)`` for 8
        kernels of 100 seeds. Booleans count as 0 and 1, so the mean is a
        share ("the share of kernels that are edge detectors").
    statistic : {"mean", "median"}
        The statistic of the pooled values of the seeds.
    where : numpy.ndarray or torch.Tensor of bool, optional
        Shaped like ``values``: only the values where it holds count, however
        many each seed has ("the share of *edge detectors* that lie
        horizontal": ``values`` the horizontal flags, ``where`` the edge
        detectors). The mean of each resample is then the sum of the values
        kept over its seeds, over their number (a ratio estimator: a seed
        with more of them weighs more). Only with ``statistic="mean"``.
    level : float
        The interval's level, in (0, 1).
    resamples : int
        Resamples, from 100 to 1,000,000.
    seed : int
        Seed of the resampling: the same values give the same interval.

    Returns
    -------
    SeedEstimate
        ``estimate`` (of all the values), ``low``, ``high``, ``n_seeds`` and ``level``.

    Raises
    ------
    TypeError
        If ``values`` is not an array or tensor of numbers or booleans, or
        ``where`` not one of booleans.
    ValueError
        If ``values`` has fewer than 2 seeds, no value per seed, or NaN or
        infinite values; ``where`` is not shaped like ``values``, holds no
        True, or leaves a resample with no value; or ``statistic``,
        ``level`` or ``resamples`` is invalid.

    See Also
    --------
    seed_difference : Two such means compared on the same resampled seeds.

    Notes
    -----
    This is the bootstrap :cite:p:`efron1979bootstrap` with whole seeds as
    the units drawn. A percentile interval covers about ``level`` when the
    seeds are many (the site's study has 100); with few seeds it covers less.

    Examples
    --------
    >>> import numpy as np
    >>> # 100 seeds, 2 kernels each
    >>> flags = np.array([[True, False]] * 50 + [[False, False]] * 50)
    >>> share = seed_bootstrap(flags)
    >>> share.estimate, share.n_seeds
    (0.25, 100)
    >>> bool(share.low < 0.25 < share.high)
    True
    >>> # the first kernel of each seed only
    >>> first = np.array([[True, False]] * 100)
    >>> seed_bootstrap(flags, where=first).estimate
    0.5
    """
    array = _values(values)
    if statistic not in ("mean", "median"):
        raise ValueError(f"statistic must be 'mean' or 'median', got {statistic!r}")
    level, resamples, seed = _options(level, resamples, seed)
    n = array.shape[0]
    if where is not None:
        if statistic != "mean":
            raise ValueError(f"where works with statistic='mean' only, got statistic={statistic!r}")
        kept = _where(where, values, array.shape, "where")
        sums, counts = (array * kept).sum(axis=1), kept.sum(axis=1)
        stats = [_ratio(sums, counts, "where", draws) for draws in _draws(n, resamples, seed)]
        return SeedEstimate(float(sums.sum() / counts.sum()), *_percentiles(stats, level), n, level)
    reduce = np.mean if statistic == "mean" else np.median
    stats = [reduce(array[draws].reshape(len(draws), -1), axis=1) for draws in _draws(n, resamples, seed)]
    return SeedEstimate(float(reduce(array)), *_percentiles(stats, level), n, level)


def seed_difference(
    a: Any,
    b: Any,
    *,
    where_a: Any = None,
    where_b: Any = None,
    level: float = 0.95,
    resamples: int = 10_000,
    seed: int = 0,
) -> SeedEstimate:
    """Return the mean of ``a`` minus the mean of ``b`` and its interval, resampling whole seeds.

    ``a`` and ``b`` are measured on the same seeds (the two arms of a study,
    twins from the same start): each resample draws the seeds once and
    computes both means on them, as :func:`seed_bootstrap` computes one, so
    the interval keeps what the two share seed by seed.

    Parameters
    ----------
    a, b : numpy.ndarray or torch.Tensor
        Shape ``(S, ...)``, the same ``S`` seeds in the same order (the
        number of values per seed may differ between them).
    where_a, where_b : numpy.ndarray or torch.Tensor of bool, optional
        As ``where`` of :func:`seed_bootstrap`: only the values where it
        holds count ("the share of horizontal ones among the edge detectors
        of each arm").
    level : float
        The interval's level, in (0, 1).
    resamples : int
        Resamples, from 100 to 1,000,000.
    seed : int
        Seed of the resampling.

    Returns
    -------
    SeedEstimate
        ``estimate`` (the difference on all the seeds), ``low``, ``high``,
        ``n_seeds`` and ``level``.

    Raises
    ------
    TypeError, ValueError
        As :func:`seed_bootstrap`; and if ``a`` and ``b`` have different
        numbers of seeds.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[True, True]] * 30 + [[True, False]] * 30)
    >>> b = np.array([[True, False]] * 60)
    >>> result = seed_difference(a, b)
    >>> result.estimate
    0.25
    >>> bool(0 < result.low < 0.25 < result.high)
    True
    """
    arrays = [_values(a, "a"), _values(b, "b")]
    if arrays[0].shape[0] != arrays[1].shape[0]:
        raise ValueError(
            f"a and b must hold the same seeds, got {arrays[0].shape[0]} and {arrays[1].shape[0]} seeds"
        )
    level, resamples, seed = _options(level, resamples, seed)
    parts = []
    for name, array, given, where in (("where_a", arrays[0], a, where_a), ("where_b", arrays[1], b, where_b)):
        kept = np.ones(array.shape, bool) if where is None else _where(where, given, array.shape, name)
        parts.append(((array * kept).sum(axis=1), kept.sum(axis=1), name))
    n = arrays[0].shape[0]
    stats = [_ratio(*parts[0], draws) - _ratio(*parts[1], draws) for draws in _draws(n, resamples, seed)]
    estimate = parts[0][0].sum() / parts[0][1].sum() - parts[1][0].sum() / parts[1][1].sum()
    # The claims' percentile-bootstrap p-value, on the same resamples as the interval.
    p = _bootstrap_p(np.concatenate([np.ravel(s) for s in stats]))
    return SeedEstimate(float(estimate), *_percentiles(stats, level), n, level, p)


def independent_difference(
    a: Any,
    b: Any,
    *,
    where_a: Any = None,
    where_b: Any = None,
    level: float = 0.95,
    resamples: int = 10_000,
    seed: int = 0,
) -> SeedEstimate:
    """Return the mean of ``a`` minus the mean of ``b`` and its interval, each resampled on its own units.

    For two samples of different units -- the seeds of a study against the
    draws of a reference family built without training -- that share
    nothing to pair: each resample draws ``a``'s units (seeds, each with all
    its values) and, independently, ``b``'s units, and takes the difference
    of the two means, each as :func:`seed_bootstrap` computes it.

    Parameters
    ----------
    a, b : numpy.ndarray or torch.Tensor
        Shape ``(units, ...)``: the resampled units first (seeds, or draws
        with one value each, ``(n, 1)``), then the values of each unit; the
        two may have different numbers of units and of values.
    where_a, where_b : numpy.ndarray or torch.Tensor of bool, optional
        As ``where`` of :func:`seed_bootstrap`: only the values where it
        holds count ("the share lying horizontal among the edge detectors").
    level : float
        The interval's level, in (0, 1).
    resamples : int
        Resamples, from 100 to 1,000,000.
    seed : int
        Seed of the resampling.

    Returns
    -------
    SeedEstimate
        ``estimate`` (the difference on all the values), ``low``, ``high``,
        ``n_seeds`` (the units of ``a``) and ``level``.

    Raises
    ------
    TypeError, ValueError
        As :func:`seed_bootstrap`.

    See Also
    --------
    seed_difference : Two means of the same seeds, resampled together.

    Examples
    --------
    >>> import numpy as np
    >>> a = np.array([[True, True]] * 30 + [[True, False]] * 30)
    >>> b = np.array([[True]] * 100 + [[False]] * 100)  # 200 draws
    >>> result = independent_difference(a, b)
    >>> result.estimate, result.n_seeds
    (0.25, 60)
    >>> bool(0 < result.low < 0.25 < result.high)
    True
    """
    level, resamples, seed = _options(level, resamples, seed)
    parts = []
    for name, given, where in (("a", a, where_a), ("b", b, where_b)):
        array = _values(given, name)
        wname = f"where_{name}"
        kept = np.ones(array.shape, bool) if where is None else _where(where, given, array.shape, wname)
        parts.append(((array * kept).sum(axis=1), kept.sum(axis=1), wname))
    sizes = [len(parts[0][0]), len(parts[1][0])]
    # One generator for both: the two samples' draws are independent, and fixed by ``seed``.
    rng = np.random.default_rng(seed)
    stats = []
    for start in range(0, resamples, _CHUNK):
        m = min(_CHUNK, resamples - start)
        draws = [rng.integers(0, n, (m, n)) for n in sizes]
        stats.append(_ratio(*parts[0], draws[0]) - _ratio(*parts[1], draws[1]))
    estimate = parts[0][0].sum() / parts[0][1].sum() - parts[1][0].sum() / parts[1][1].sum()
    return SeedEstimate(float(estimate), *_percentiles(stats, level), sizes[0], level)
