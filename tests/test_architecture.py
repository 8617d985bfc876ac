"""viz.plot_architecture: a picture of a network's layers, drawn from its summary."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest
from matplotlib.patches import Rectangle
from torch import nn

from cnnexplain import LineCNN, summary
from cnnexplain.viz import plot_architecture


def labels(fig):
    return [t.get_text().replace("\n", " ") for t in fig.axes[0].texts]


def test_one_block_per_change_of_shape_named_and_sized_from_the_summary():
    model = LineCNN(n_kernels=4, kernel_size=5, image_size=20)
    fig = plot_architecture(summary(model, input_size=(1, 1, 20, 20)))
    assert labels(fig) == [
        "input 1 map of 20x20",
        "conv1 + relu1 4 maps of 16x16",
        "pool1 4 maps of 8x8",
        "conv2 + relu2 8 maps of 6x6",
        "pool2 8 maps of 3x3",
        "flatten + dropout 72 numbers",
        "fc1 + relu3 32 numbers",
        "fc2 2 numbers",
    ]
    plt.close(fig)


def test_maps_are_drawn_to_scale_one_sheet_per_channel():
    fig = plot_architecture(summary(LineCNN()))
    sheets = [p for p in fig.axes[0].patches if isinstance(p, Rectangle)]
    sides = sorted({round(p.get_height(), 6) for p in sheets})
    # maps of 10, 20, 22, 44 and 50 pixels, relative to the largest (the 50x50 input)
    for pixels in (10, 20, 22, 44, 50):
        assert any(abs(side - pixels / 50) < 1e-6 for side in sides), pixels
    assert sum(abs(p.get_height() - 44 / 50) < 1e-6 for p in sheets) == 8  # conv1's eight maps
    plt.close(fig)


def test_any_model_with_a_summary():
    model = nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 6 * 6, 5))
    fig = plot_architecture(summary(model, input_size=(1, 1, 8, 8)))
    assert labels(fig) == ["input 1 map of 8x8", "0 + 1 3 maps of 6x6", "2 108 numbers", "3 5 numbers"]
    plt.close(fig)


def test_bad_input_names_the_argument():
    with pytest.raises(TypeError, match="summary"):
        plot_architecture(LineCNN())
