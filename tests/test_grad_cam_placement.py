"""Grad-CAM's map of LineCNN's conv2 lands on the image where the hot unit looks."""

from __future__ import annotations

import pytest
import torch

from cnnexplain import LineCNN

pytest.importorskip("captum")

from cnnexplain.analysis import grad_cam


def one_unit_model() -> LineCNN:
    """A LineCNN whose class-0 logit is conv2 channel 0, which copies one input pixel.

    conv1 kernel 0 passes the pixel under its centre; conv2 channel 0 passes the
    centre of its 3x3 window of pool1 channel 0; fc1 unit 0 sums pool2's channel 0
    and fc2's class 0 reads it. So conv2 unit (i, j) fires only when a bright
    pixel lies at input row and column 2 i + 5 or 2 i + 6 (its pooled 2x2 cell).
    """
    model = LineCNN()
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        model.conv1.weight[0, 0, 3, 3] = 1.0
        model.conv2.weight[0, 0, 1, 1] = 1.0
        model.fc1.weight[0, :100] = 1.0  # pool2's channel 0 comes first when flattened
        model.fc2.weight[0, 0] = 1.0
    return model.eval()


@pytest.mark.parametrize("unit", [(4, 4), (2, 15), (12, 7)])
def test_one_hot_unit_lands_on_its_receptive_field_centre(unit):
    i, j = unit
    image = torch.zeros(1, 1, 50, 50)
    rows, cols = slice(2 * i + 5, 2 * i + 7), slice(2 * j + 5, 2 * j + 7)
    image[0, 0, rows, cols] = 1.0  # the 2x2 cell pooled into unit (i, j) only
    cam = grad_cam(one_unit_model(), image, target=0)[0]
    assert cam.max() > 0
    peak = cam == cam.max()
    # The map peaks on that cell: the centre of the unit's receptive field, 5.5 + 2 i.
    assert peak[rows, cols].all()
    assert peak.sum() == 4
