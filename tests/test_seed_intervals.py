"""seed_bootstrap and kernel_correlation: their arguments, their values, and the coverage of the interval."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnexplain.analysis import (
    independent_difference,
    kernel_correlation,
    seed_bootstrap,
    seed_difference,
)


# -- seed_bootstrap ---------------------------------------------------------------------
def test_share_of_booleans_and_its_interval():
    flags = np.array([[True, False]] * 50 + [[False, False]] * 50)
    result = seed_bootstrap(flags)
    assert result.estimate == 0.25 and result.n_seeds == 100 and result.level == 0.95
    assert result.low < 0.25 < result.high
    # Seeds are the units: the kernels of a seed move together, so the interval is that of
    # 100 coin flips halved (about +-0.05), wider than Wilson's on 200 kernels as if independent.
    assert result.high - result.low > 0.08


def test_the_same_values_give_the_same_interval():
    values = np.random.default_rng(1).normal(size=(30, 8))
    assert seed_bootstrap(values, "median") == seed_bootstrap(values, "median")
    assert seed_bootstrap(values, seed=1) != seed_bootstrap(values, seed=2)


def test_tensor_and_extra_axes():
    values = torch.arange(40.0).reshape(10, 2, 2)
    result = seed_bootstrap(values, "median")
    assert result.estimate == 19.5 and result.n_seeds == 10


def test_interval_covers_the_true_mean_about_as_often_as_stated():
    rng = np.random.default_rng(0)
    hits = 0
    for _ in range(200):
        shared = rng.normal(size=(50, 1))  # a seed effect: kernels of a seed are correlated
        values = shared + rng.normal(size=(50, 8))
        result = seed_bootstrap(values, resamples=1000, seed=int(rng.integers(1000)))
        hits += result.low <= 0 <= result.high
    assert 0.88 <= hits / 200 <= 0.99


@pytest.mark.parametrize(
    ("values", "error", "word"),
    [
        ([[1.0, 2.0]], TypeError, "values"),
        (np.array(["a", "b"]), TypeError, "values"),
        (np.ones((1, 8)), ValueError, "at least 2 seeds"),
        (np.ones((5, 0)), ValueError, "values"),
        (np.array(3.0), ValueError, "values"),
        (np.array([[1.0], [np.nan]]), ValueError, "NaN"),
    ],
)
def test_bad_values(values, error, word):
    with pytest.raises(error, match=word):
        seed_bootstrap(values)


@pytest.mark.parametrize(
    ("kwargs", "error", "word"),
    [
        ({"statistic": "max"}, ValueError, "statistic"),
        ({"level": 1.0}, ValueError, "level"),
        ({"level": "0.9"}, TypeError, "level"),
        ({"resamples": 10}, ValueError, "resamples"),
        ({"resamples": 1000.0}, TypeError, "resamples"),
        ({"seed": -1}, ValueError, "seed"),
    ],
)
def test_bad_arguments(kwargs, error, word):
    with pytest.raises(error, match=word):
        seed_bootstrap(np.ones((4, 2)), **kwargs)


def test_where_keeps_some_values_and_weighs_seeds_by_their_number():
    values = np.array([[1.0, 0.0, 0.0]] * 40 + [[1.0, 1.0, 1.0]] * 40)
    where = np.array([[True, False, False]] * 40 + [[True, True, True]] * 40)
    result = seed_bootstrap(values, where=where)
    # 40 values of 1 kept from the first seeds, 120 from the others: a ratio of sums.
    assert result.estimate == 1.0 and result.low == result.high == 1.0
    flags = np.array([[True, False]] * 30 + [[False, True]] * 30)
    first = np.array([[True, False]] * 60)
    share = seed_bootstrap(flags, where=first)
    assert share.estimate == 0.5 and share.low < 0.5 < share.high
    # Only the seeds are resampled: the same as the plain mean of the first kernels.
    plain = seed_bootstrap(flags[:, :1])
    assert (share.low, share.high) == (plain.low, plain.high)
    # Without where, the interval is the one it always was (the same draws).
    assert seed_bootstrap(flags, where=np.ones_like(flags)) == seed_bootstrap(flags)


def test_difference_resamples_the_same_seeds_for_both():
    rng = np.random.default_rng(0)
    shared = rng.normal(size=(50, 1))
    a, b = shared + rng.normal(0.5, 0.1, size=(50, 4)), shared + rng.normal(0, 0.1, size=(50, 3))
    result = seed_difference(a, b)
    assert result.n_seeds == 50 and abs(result.estimate - (a.mean() - b.mean())) < 1e-12
    # The seed effect cancels in each resample: the interval is narrow, around 0.5.
    assert 0.4 < result.low < result.estimate < result.high < 0.6
    assert result.high - result.low < seed_bootstrap(a).high - seed_bootstrap(a).low
    assert seed_difference(a, b) == seed_difference(torch.tensor(a), torch.tensor(b))
    flags = a > 0
    half = seed_difference(flags, flags, where_a=flags, where_b=np.ones_like(flags))
    assert half.estimate == 1.0 - flags.mean()


def test_independent_difference_resamples_each_sample_on_its_own():
    rng = np.random.default_rng(0)
    shared = rng.normal(size=(50, 1))
    a, b = shared + rng.normal(0.5, 0.1, size=(50, 4)), shared + rng.normal(0, 0.1, size=(50, 3))
    result = independent_difference(a, b)
    assert result.n_seeds == 50 and abs(result.estimate - (a.mean() - b.mean())) < 1e-12
    # Unpaired, the seed effect does not cancel: wider than the paired interval.
    paired = seed_difference(a, b)
    assert result.high - result.low > 2 * (paired.high - paired.low)
    assert result.low < result.estimate < result.high
    assert independent_difference(a, b) == independent_difference(torch.tensor(a), torch.tensor(b))
    # Different numbers of units; a share among some values only (where).
    flags = rng.random((40, 8)) < 0.5
    draws = (rng.random((300, 1)) < 0.3) | np.zeros((300, 1), bool)
    keep = rng.random((40, 8)) < 0.5
    mixed = independent_difference(flags, draws, where_a=keep)
    assert mixed.n_seeds == 40
    assert abs(mixed.estimate - (flags[keep].mean() - draws.mean())) < 1e-12
    assert mixed.low < mixed.estimate < mixed.high


def test_independent_difference_covers_about_as_often_as_stated():
    rng = np.random.default_rng(1)
    covered = 0
    for _ in range(200):
        a = rng.random((60, 4)) < 0.6
        b = rng.random((200, 1)) < 0.5
        r = independent_difference(a, b, resamples=1000, seed=int(rng.integers(1 << 30)))
        covered += r.low <= 0.1 <= r.high
    assert 0.88 <= covered / 200 <= 0.99


@pytest.mark.parametrize(
    ("call", "error", "word"),
    [
        (lambda v: independent_difference(v, "b"), TypeError, "b must"),
        (lambda v: independent_difference(v, v, where_b=v > 9), ValueError, "where_b"),
        (lambda v: independent_difference(v, v, where_a=v[:, :1] > 0), ValueError, "shape"),
        (lambda v: seed_bootstrap(v, "median", where=v > 0), ValueError, "statistic='mean'"),
        (lambda v: seed_bootstrap(v, where=(v > 0)[:, :1]), ValueError, "shape"),
        (lambda v: seed_bootstrap(v, where=v), TypeError, "booleans"),
        (lambda v: seed_bootstrap(v, where=v > 9), ValueError, "at least one True"),
        (lambda v: seed_bootstrap(v, where=np.eye(4, 2, dtype=bool)), ValueError, "no seed"),
        (lambda v: seed_difference(v, v[:3]), ValueError, "same seeds"),
        (lambda v: seed_difference(v, "b"), TypeError, "b must"),
        (lambda v: seed_difference(v, v, where_b=v > 9), ValueError, "where_b"),
    ],
)
def test_bad_where_and_pairs(call, error, word):
    with pytest.raises(error, match=word):
        call(np.arange(8.0).reshape(4, 2))


# -- kernel_correlation -----------------------------------------------------------------
def test_correlation_ignores_size_and_offset():
    rng = np.random.default_rng(0)
    a = rng.normal(size=(3, 4, 7, 7))
    r = kernel_correlation(a, 5 * a - 2)
    assert r.shape == (3, 4) and np.allclose(r, 1)
    assert np.allclose(kernel_correlation(a, -a), -1)


def test_correlation_matches_numpy():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(2, 6, 5, 5))
    expected = [np.corrcoef(x.ravel(), y.ravel())[0, 1] for x, y in zip(a, b)]
    assert np.allclose(kernel_correlation(torch.from_numpy(a), b), expected)


def test_every_kernel_against_every_other_by_broadcasting():
    rng = np.random.default_rng(2)
    a, b = rng.normal(size=(2, 3, 4, 5, 5))
    r = kernel_correlation(a[:, :, None], b[:, None, :])
    assert r.shape == (3, 4, 4)
    assert np.allclose(r[1, 2, 3], np.corrcoef(a[1, 2].ravel(), b[1, 3].ravel())[0, 1])


def test_flat_kernel_has_no_correlation():
    r = kernel_correlation(np.ones((2, 3, 3)), np.arange(18.0).reshape(2, 3, 3))
    assert np.isnan(r).all()


@pytest.mark.parametrize(
    ("a", "b", "error", "word"),
    [
        (np.ones((2, 3, 3)), np.ones((3, 3, 3)), ValueError, "broadcast"),
        (np.ones((2, 3, 3)), np.ones((2, 5, 5)), ValueError, "same size"),
        (np.ones(4), np.ones((2, 2)), ValueError, r"a must have shape \(\.\.\., h, w\)"),
        (np.ones((1, 1)), np.ones((1, 1)), ValueError, "two weights"),
        ([[1.0, 2.0]], np.ones((1, 2)), TypeError, "a must"),
        (np.ones((2, 2)), np.ones((2, 2), dtype=bool), TypeError, "b must"),
        (np.full((2, 2), np.inf), np.ones((2, 2)), ValueError, "NaN or infinite"),
    ],
)
def test_bad_kernels(a, b, error, word):
    with pytest.raises(error, match=word):
        kernel_correlation(a, b)


def test_seed_difference_p_value_goes_with_its_interval():
    from cnnexplain.analysis import seed_difference

    a = np.array([[True, True]] * 30 + [[True, False]] * 30)
    b = np.array([[True, False]] * 60)
    clear = seed_difference(a, b)
    assert clear.low > 0 and clear.p_value == pytest.approx(2 / 10_001)
    rng = np.random.default_rng(0)
    noise = seed_difference(rng.random((60, 4)), rng.random((60, 4)))
    assert noise.low < 0 < noise.high and noise.p_value > 0.05
