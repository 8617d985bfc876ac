"""Tests of cnnexplain.surrogates: Gaussian twins keep the second moments, whitening flattens them."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnexplain.analysis import patch_second_moments
from cnnexplain.data import LineDataset, make_lines
from cnnexplain.surrogates import gaussian_twin, whitened


@pytest.fixture(scope="module")
def lines() -> LineDataset:
    return make_lines(n_per_class=60, size=16, seed=3)


def class_moments(data: LineDataset, label: int) -> tuple[np.ndarray, np.ndarray]:
    flat = data.images[data.labels == label].flatten(1).double().numpy()
    return flat.mean(axis=0), np.cov(flat, rowvar=False)


def pooled_patch_moments(images: torch.Tensor) -> np.ndarray:
    """The mean of p p^T over every 7x7 patch of every image, ``(49, 49)``."""
    return patch_second_moments(images, 7).mean(axis=0)


def leading_share(moments: np.ndarray, n: int = 5) -> float:
    values = np.linalg.eigvalsh(moments)[::-1]
    return float(values[:n].sum() / values.sum())


def test_a_gaussian_twin_has_each_class_s_covariance_in_expectation(lines):
    # Averaged over many twins, the class means and covariances are the originals'.
    twins = [gaussian_twin(lines, seed) for seed in range(200)]
    for label in range(2):
        mean, cov = class_moments(lines, label)
        twin_cov = np.mean([class_moments(t, label)[1] for t in twins], axis=0)
        twin_mean = np.mean([class_moments(t, label)[0] for t in twins], axis=0)
        assert np.abs(twin_mean - mean).max() < 0.02
        # Each twin's sample covariance is (n - 1)/n-biased around the true one only by its
        # own mean's wobble; the average over 200 twins is within a few percent of the original.
        assert np.abs(twin_cov - cov).max() < 0.05 * np.abs(cov).max()


def test_a_gaussian_twin_keeps_labels_order_and_patch_moments_but_no_lines(lines):
    twin = gaussian_twin(lines, 0)
    assert torch.equal(twin.labels, lines.labels) and twin.classes == lines.classes
    assert twin.images.shape == lines.images.shape and twin.images.dtype == torch.float32
    assert twin.config["surrogate"] == {"gaussian_twin": 0}
    # No clean lines: the pixels are not 0 and 1 any more.
    assert not set(np.unique(twin.images.numpy())) <= {0.0, 1.0}
    # The patches' leading components carry about the share they carried.
    assert leading_share(pooled_patch_moments(twin.images)) == pytest.approx(
        leading_share(pooled_patch_moments(lines.images)), abs=0.05
    )


def test_the_same_seed_gives_the_same_bytes(lines):
    assert torch.equal(gaussian_twin(lines, 4).images, gaussian_twin(lines, 4).images)
    assert not torch.equal(gaussian_twin(lines, 4).images, gaussian_twin(lines, 5).images)
    assert torch.equal(whitened(lines).images, whitened(lines).images)


def test_whitening_flattens_the_patch_moments_and_keeps_the_lines_in_place(lines):
    flat = whitened(lines)
    assert torch.equal(flat.labels, lines.labels) and flat.config["surrogate"] == {"whitened": 0.01}
    before, after = pooled_patch_moments(lines.images), pooled_patch_moments(flat.images)
    assert leading_share(before) > 0.5
    assert leading_share(after) < 0.25  # a flat spectrum would give 5/49, about 0.10
    assert flat.images.square().mean() == pytest.approx(float(lines.images.square().mean()), rel=1e-5)
    # The brightest pixel of a whitened image lies on its line.
    for image, original in zip(flat.images[:10], lines.images[:10]):
        assert original.flatten()[image.flatten().argmax()] == 1.0


def test_test_images_are_whitened_with_the_training_images_filter(lines):
    train_set, test_set = lines.split()
    alone, by_training = whitened(test_set), whitened(test_set, reference=train_set)
    assert not torch.equal(alone.images, by_training.images)
    # The filter is linear: whitening the training images as a reference of themselves.
    assert torch.allclose(whitened(train_set, reference=train_set).images, whitened(train_set).images)


def one_of_class_0(data: LineDataset) -> torch.Tensor:
    """Indices of one image of class 0 and three of class 1."""
    return torch.cat([torch.where(data.labels == 0)[0][:1], torch.where(data.labels == 1)[0][:3]])


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda d: gaussian_twin(d.images, 0), TypeError, "data must be a LineDataset"),
        (lambda d: gaussian_twin(d, -1), ValueError, "seed"),
        (lambda d: gaussian_twin(d[one_of_class_0(d)], 0), ValueError, "two images or more of each class"),
        (lambda d: whitened(d, reference=d.images), TypeError, "reference must be a LineDataset"),
        (lambda d: whitened(d, floor=0), ValueError, "floor"),
        (lambda d: whitened(d, reference=make_lines(n_per_class=2, size=12)), ValueError, "size of data's"),
    ],
)
def test_bad_arguments_are_named(lines, call, error, match):
    with pytest.raises(error, match=match):
        call(lines)
