"""unseen_images: the kinds of input a line classifier never saw, their shapes, values and checks."""

from __future__ import annotations

import pytest
import torch

from cnnexplain.unseen import UNSEEN_KINDS, unseen_images


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_shape_dtype_and_range(kind: str) -> None:
    images = unseen_images(kind, n=7, size=16, seed=3)
    expected = 1 if kind == "blank" else 7
    assert images.shape == (expected, 1, 16, 16)
    assert images.dtype == torch.float32
    assert images.min() >= 0 and images.max() <= 1


@pytest.mark.parametrize("kind", UNSEEN_KINDS)
def test_same_seed_same_bytes(kind: str) -> None:
    assert torch.equal(unseen_images(kind, n=5, seed=1), unseen_images(kind, n=5, seed=1))


def test_noise_and_lines_change_with_the_seed() -> None:
    for kind in ("noise", "cross", "diagonal"):
        assert not torch.equal(unseen_images(kind, n=5, seed=1), unseen_images(kind, n=5, seed=2))


def test_a_cross_is_a_horizontal_and_a_vertical_line_that_meet() -> None:
    # Each image holds a run of lit pixels along a row and one down a column,
    # each at least half the image long, and they share a pixel.
    size = 30
    for image in unseen_images("cross", n=50, size=size, seed=0)[:, 0]:
        rows = (image.sum(dim=1) >= size // 2).nonzero().flatten()
        columns = (image.sum(dim=0) >= size // 2).nonzero().flatten()
        assert len(rows) and len(columns)
        assert image[rows][:, columns].sum() > 0


def test_diagonals_lie_off_both_axes() -> None:
    # A 45-degree line never fills a row or a column: each row holds at most its thickness.
    images = unseen_images("diagonal", n=10, size=30, seed=0)[:, 0]
    assert images.sum(dim=2).max() <= 3 and images.sum(dim=1).max() <= 3
    assert (images.sum(dim=(1, 2)) > 0).all()


@pytest.mark.parametrize(
    ("arguments", "error", "message"),
    [
        ({"kind": "circle"}, ValueError, "kind"),
        ({"kind": 3}, TypeError, "kind"),
        ({"kind": "noise", "n": 0}, ValueError, "n"),
        ({"kind": "noise", "n": 2.5}, TypeError, "n"),
        ({"kind": "noise", "size": 4}, ValueError, "size"),
        ({"kind": "noise", "seed": -1}, ValueError, "seed"),
    ],
)
def test_bad_arguments_are_named(arguments, error, message) -> None:
    with pytest.raises(error, match=message):
        unseen_images(**arguments)
