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
