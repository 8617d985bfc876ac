"""Images unlike any training image: what a line classifier says about things it never saw.

A network trained on horizontal and vertical lines has two outputs and no
third for "neither": its softmax probabilities add up to one, so whatever it
is shown, one class gets at least half. :func:`unseen_images` draws inputs
of kinds it never met in training, so that how sure it is on them can be
measured:

``"blank"``
    One black image.
``"noise"``
    Every pixel uniform in ``[0, 1]``, independently.
``"cross"``
    A horizontal and a vertical line of the training kind that cross.
``"diagonal"``
    One line at 45 degrees, rising or falling.

Lines are drawn by :func:`~cnnexplain.data.make_lines` with its defaults for
thickness and length, so they are the training lines turned or combined.
"""

from __future__ import annotations

import numpy as np
import torch

from ._checks import check_choice, check_int, check_seed
from .data import make_lines

__all__ = ["UNSEEN_KINDS", "unseen_images"]

#: The kinds of input :func:`unseen_images` draws.
UNSEEN_KINDS = ("blank", "noise", "cross", "diagonal")


def _lines(orientations: tuple[str, ...], n: int, size: int, seed: int) -> torch.Tensor:
    """``n`` line images of the given orientations, classes mixed, in ``make_lines``'s order."""
    per_class = -(-n // len(orientations))  # ceiling: at least n images in all
    return make_lines(per_class, size, orientations=orientations, seed=seed).images[:n]


def unseen_images(kind: str, n: int = 200, size: int = 50, *, seed: int = 0) -> torch.Tensor:
    """Return images of one kind a line classifier never saw in training.

    Parameters
    ----------
    kind : str
        One of :data:`UNSEEN_KINDS`.
    n : int, default 200
        How many images, in ``[1, 100000]``; ``"blank"`` always gives one,
        since every blank image is the same.
    size : int, default 50
        Width and height in pixels, in ``[8, 512]``.
    seed : int, default 0
        Seed of the random draws; the same arguments give the same bytes.

    Returns
    -------
    torch.Tensor
        Float32 images ``(n, 1, size, size)`` with values in ``[0, 1]``.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> unseen_images("cross", n=3, size=20).shape
    torch.Size([3, 1, 20, 20])
    >>> float(unseen_images("blank").sum())
    0.0
    """
    kind = check_choice("kind", kind, UNSEEN_KINDS)
    n = check_int("n", n, low=1, high=100_000)
    size = check_int("size", size, low=8, high=512)
    seed = check_seed("seed", seed)
    if kind == "blank":
        return torch.zeros(1, 1, size, size)
    if kind == "noise":
        pixels = np.random.default_rng(seed).random((n, 1, size, size), dtype=np.float32)
        return torch.from_numpy(pixels)
    if kind == "diagonal":
        return _lines(("diagonal", "antidiagonal"), n, size, seed)
    return _crosses(n, size, np.random.default_rng(seed))


def _crosses(n: int, size: int, rng: np.random.Generator) -> torch.Tensor:
    """``n`` images of a horizontal and a vertical line that cross, each of the training lines' kind.

    Thickness (1 to 3 pixels) and length (half the image to all of it) are
    drawn as :func:`~cnnexplain.data.make_lines` draws them by default; the
    vertical line is then placed so that it passes through the horizontal one.
    """
    images = np.zeros((n, 1, size, size), dtype=np.float32)
    for image in images[:, 0]:
        thick_h, thick_v = rng.integers(1, 4, size=2)
        long_h, long_v = rng.integers(size // 2, size + 1, size=2)
        row = rng.integers(0, size - thick_h + 1)  # the horizontal line's top row
        left = rng.integers(0, size - long_h + 1)
        image[row : row + thick_h, left : left + long_h] = 1.0
        # The vertical line's column lies under the horizontal line, and its
        # rows cover the horizontal line's first row.
        column = rng.integers(left, left + long_h - thick_v + 1)
        top = rng.integers(max(0, row - long_v + 1), min(row, size - long_v) + 1)
        image[top : top + long_v, column : column + thick_v] = 1.0
    return torch.from_numpy(images)
