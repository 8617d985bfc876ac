"""Smoothness of kernels, and shares compared at equal smoothness (cnnexplain.analysis.smoothness)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnexplain.analysis import excess_at_equal_smoothness, neighbour_correlation


def test_smooth_patterns_correlate_with_their_neighbours_and_noise_does_not():
    c = np.arange(7.0)
    ramp = np.tile(c, (7, 1))
    blob = np.exp(-((c[:, None] - 3) ** 2 + (c[None, :] - 3) ** 2) / 8)
    checkerboard = (-1.0) ** np.add.outer(np.arange(7), np.arange(7))
    noise = np.random.default_rng(0).normal(size=(2000, 7, 7))
    assert neighbour_correlation(ramp) > 0.9 and neighbour_correlation(blob) > 0.7
    assert neighbour_correlation(checkerboard) == pytest.approx(-1.0)
    assert abs(neighbour_correlation(noise).mean()) < 0.05  # a small negative bias: means removed


def test_batches_keep_their_axes_and_tensors_agree_with_arrays():
    kernels = np.random.default_rng(1).normal(size=(3, 4, 5, 5))
    result = neighbour_correlation(kernels)
    assert result.shape == (3, 4)
    np.testing.assert_allclose(neighbour_correlation(torch.from_numpy(kernels)), result)
    assert np.isnan(neighbour_correlation(np.ones((3, 3))))  # a constant has no correlation


@pytest.mark.parametrize(
    ("kernels", "error", "match"),
    [([[1.0, 2.0]], TypeError, "kernels must be"), (np.ones(5), ValueError, "at least 2x2"),
     (np.full((3, 3), np.nan), ValueError, "NaN")],
)  # fmt: skip
def test_bad_kernels_are_named(kernels, error, match):
    with pytest.raises(error, match=match):
        neighbour_correlation(kernels)


def test_arms_that_differ_only_in_smoothness_have_no_excess():
    rng = np.random.default_rng(2)
    smooth_arm, rough_arm = rng.uniform(0.3, 1.0, 4000), rng.uniform(0.0, 0.7, 4000)
    # Who passes depends on smoothness alone: the smooth arm passes more, at every smoothness alike.
    passes = [rng.random(4000) < s for s in (smooth_arm, rough_arm)]
    assert passes[0].mean() - passes[1].mean() > 0.25
    smooth_excess, rough_excess = excess_at_equal_smoothness(passes, [smooth_arm, rough_arm], bins=20)
    assert abs(smooth_excess.mean() - rough_excess.mean()) < 0.03


def test_an_arm_that_passes_more_at_every_smoothness_keeps_its_excess():
    rng = np.random.default_rng(3)
    smooth = rng.uniform(0.0, 1.0, (2, 100, 8))
    passes = [rng.random((100, 8)) < 0.5 * smooth[0] + 0.3, rng.random((100, 8)) < 0.5 * smooth[1]]
    first, second = excess_at_equal_smoothness(passes, list(smooth))
    assert first.shape == (100, 8)
    assert first.mean() - second.mean() == pytest.approx(0.3, abs=0.05)


def test_bad_arms_are_named():
    with pytest.raises(ValueError, match="one array per arm"):
        excess_at_equal_smoothness([np.ones(3, bool)], [])
    with pytest.raises(TypeError, match=r"passed\[0\] must hold booleans"):
        excess_at_equal_smoothness([np.ones(3)], [np.ones(3)])
    with pytest.raises(ValueError, match=r"smoothness\[0\] must have the shape"):
        excess_at_equal_smoothness([np.ones(3, bool)], [np.ones(4)])
    with pytest.raises(ValueError, match="bins"):
        excess_at_equal_smoothness([np.ones(3, bool)], [np.ones(3)], bins=4)
