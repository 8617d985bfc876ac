"""kernel_selectivity: the selectivity index of first-layer kernels given as arrays."""

from __future__ import annotations

import numpy as np
import pytest
import torch


# -- kernel_selectivity: the first layer's index without a model ---------------------------------
def test_kernel_selectivity_is_selectivity_on_relu1_for_any_leading_shape():
    from cnnexplain import LineCNN, make_lines
    from cnnexplain.analysis import kernel_selectivity, selectivity

    data = make_lines(n_per_class=6, seed=3)
    models = [LineCNN(seed=s) for s in range(3)]
    expected = np.array([selectivity(m, data).index for m in models])  # (3, 8)
    weight = torch.stack([m.conv1.weight.detach() for m in models])  # (3, 8, 1, 7, 7)
    bias = torch.stack([m.conv1.bias.detach() for m in models])
    np.testing.assert_allclose(kernel_selectivity(weight, bias, data), expected, atol=1e-6)
    one = kernel_selectivity(weight[0, 2].numpy(), bias[0, 2].numpy(), data)
    assert one.shape == () and np.isclose(one, expected[0, 2], atol=1e-6)


def test_kernel_selectivity_is_exact_on_dense_and_sparse_images():
    """Its shortcut (a blank window responds relu(bias)) gives the convolution's numbers on
    images with no blank window, images with many, multi-channel images and all-blank ones."""
    from cnnexplain.analysis import kernel_selectivity

    gen = torch.Generator().manual_seed(0)
    dense = torch.rand(8, 2, 12, 12, generator=gen)
    sparse = dense * (torch.rand(8, 2, 12, 12, generator=gen) < 0.03)
    sparse[0] = 0.0  # an all-blank image
    labels = torch.arange(8) % 2
    weight = torch.randn(5, 2, 3, 3, generator=gen)
    bias = torch.randn(5, generator=gen)
    for images in (dense, sparse):
        maps = torch.relu(torch.conv2d(images.double(), weight.double(), bias.double())).mean((2, 3))
        means = [maps[labels == c].mean(0) for c in (0, 1)]
        expected = ((means[0] - means[1]) / (means[0] + means[1])).numpy()
        np.testing.assert_allclose(
            kernel_selectivity(weight, bias, (images, labels), batch_size=3), expected, atol=1e-5
        )


@pytest.mark.parametrize(
    ("weight", "bias", "message"),
    [
        (np.zeros((8, 7, 7)), np.zeros(8), "weight must have shape"),  # no channel axis
        (np.zeros((8, 1, 7, 7)), np.zeros(7), "bias must have shape"),
        (np.zeros((2, 1, 60, 60)), np.zeros(2), "must fit in the images"),
        (np.full((2, 1, 7, 7), np.nan), np.zeros(2), "weight must not contain NaN"),
    ],
)
def test_kernel_selectivity_names_the_bad_argument(weight, bias, message):
    from cnnexplain import make_lines
    from cnnexplain.analysis import kernel_selectivity

    with pytest.raises(ValueError, match=message):
        kernel_selectivity(weight, bias, make_lines(n_per_class=2))
