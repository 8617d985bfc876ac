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
    A horizontal and a vertical line of the training kind, crossing or not,
    drawn in one image.
``"diagonal"``
    One line at 45 degrees, rising or falling.

Lines are drawn by :func:`~cnnexplain.data.make_lines` with its defaults for
thickness and length, so they are the training lines turned or combined.
"""

from __future__ import annotations

import numpy as np
import torch

from ._checks import check_choice, check_int
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
    seed = check_int("seed", seed, low=0)
    if kind == "blank":
        return torch.zeros(1, 1, size, size)
    if kind == "noise":
        pixels = np.random.default_rng(seed).random((n, 1, size, size), dtype=np.float32)
        return torch.from_numpy(pixels)
    if kind == "diagonal":
        return _lines(("diagonal", "antidiagonal"), n, size, seed)
    # A cross: the brighter of a horizontal and a vertical line image, each
    # line from its own draw so that where they meet varies.
    horizontal = _lines(("horizontal",), n, size, seed)
    vertical = _lines(("vertical",), n, size, seed + 1)
    return torch.maximum(horizontal, vertical)
