"""Intervals over the seeds of a study: :func:`seed_bootstrap`.

A seed study gives several kernels per seed, and the kernels of one seed
are not independent draws: they share a start, the batches and the training
that shaped them together. An interval that counts every kernel as a draw
(a Wilson interval on 800 kernels of 100 seeds) is too narrow. So the
interval here resamples *seeds*, each with all its kernels (a cluster
bootstrap): it is as wide as the seeds make it, however the kernels of a
seed hang together.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import check_float, check_int, check_seed, describe

__all__ = ["SeedEstimate", "seed_bootstrap"]

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
    """

    estimate: float
    low: float
    high: float
    n_seeds: int
    level: float


def _values(values: Any) -> np.ndarray:
    """Check ``values``: at least one seed, real or boolean, finite; return them as float64 ``(S, m)``."""
    array = values.detach().cpu().numpy() if hasattr(values, "detach") else values
    if not isinstance(array, np.ndarray) or array.dtype.kind not in "biuf":
        raise TypeError(
            f"values must be a numpy array or tensor of numbers or booleans, seeds first, got {describe(values)}"
        )
    if array.ndim == 0 or array.shape[0] < 2 or array[0].size == 0:
        raise ValueError(
            f"values must have shape (seeds, ...) with at least 2 seeds and a value per seed, "
            f"got shape {array.shape}"
        )
    array = np.asarray(array, dtype=np.float64).reshape(array.shape[0], -1)
    if not np.isfinite(array).all():
        raise ValueError("values must not contain NaN or infinite values")
    return array


def seed_bootstrap(
    values: Any,
    statistic: str = "mean",
    *,
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
        If ``values`` is not an array or tensor of numbers or booleans.
    ValueError
        If ``values`` has fewer than 2 seeds, no value per seed, or NaN or
        infinite values; or ``statistic``, ``level`` or ``resamples`` is invalid.

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
    """
    array = _values(values)
    if statistic not in ("mean", "median"):
        raise ValueError(f"statistic must be 'mean' or 'median', got {statistic!r}")
    level = check_float("level", level, low=0.0, high=1.0, low_open=True, high_open=True)
    resamples = check_int("resamples", resamples, low=100, high=_MAX_RESAMPLES)
    seed = check_seed("seed", seed)
    reduce = np.mean if statistic == "mean" else np.median
    n = array.shape[0]
    rng = np.random.default_rng(seed)
    stats = []
    for start in range(0, resamples, _CHUNK):
        draws = rng.integers(0, n, (min(_CHUNK, resamples - start), n))
        stats.append(reduce(array[draws].reshape(len(draws), -1), axis=1))
    tail = (1 - level) / 2
    low, high = np.quantile(np.concatenate(stats), [tail, 1 - tail])
    return SeedEstimate(float(reduce(array)), float(low), float(high), n, level)
