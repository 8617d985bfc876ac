"""Marks of "what to look for": outlines drawn on a kernel's panel where the prose points.

An edge detector is a band of positive weights beside a band of negative
ones. :func:`edge_bands` finds the two bands from the weights alone, and
:func:`mark_edge_bands` outlines them on the panel that shows the kernel, so
that a mark stays true for any training run.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.patches import Rectangle

from .._checks import check_choice, describe
from ._args import plane

__all__ = ["Band", "edge_bands", "mark_edge_bands"]

#: A band is the strongest row (or column) and its neighbours whose mean weight has the same sign
#: and at least this share of the strongest one's.
BAND_SHARE = 0.5
#: Black outlines on a white halo, and black signs on a white patch: they read on the dark
#: ends of the diverging colour map as on its white middle.
_INK, _HALO = "black", "white"


@dataclass(frozen=True)
class Band:
    """Consecutive rows (or columns) of a kernel whose mean weights share a sign.

    Parameters
    ----------
    sign : int
        ``+1`` for a band of positive weights, ``-1`` for negative ones.
    axis : str
        ``"rows"`` or ``"columns"``.
    start, stop : int
        The band is rows (or columns) ``start`` to ``stop - 1``, as a slice.
    mean : float
        The mean weight over the band.
    """

    sign: int
    axis: str
    start: int
    stop: int
    mean: float

    @property
    def label(self) -> str:
        """``"+"`` or ``"\u2212"`` (a minus sign), as the mark reads."""
        return "+" if self.sign > 0 else "\u2212"


def _band(profile: np.ndarray, sign: int, axis: str, kernel: np.ndarray) -> Band | None:
    """The band of ``sign`` around the extreme of ``profile`` (the row or column means), if any."""
    signed = sign * profile
    peak = int(np.argmax(signed))
    if signed[peak] <= 0:
        return None  # no row (or column) has a mean of that sign
    start, stop = peak, peak + 1
    while start > 0 and signed[start - 1] >= BAND_SHARE * signed[peak]:
        start -= 1
    while stop < len(profile) and signed[stop] >= BAND_SHARE * signed[peak]:
        stop += 1
    cells = kernel[start:stop] if axis == "rows" else kernel[:, start:stop]
    return Band(sign, axis, start, stop, float(cells.mean()))


def edge_bands(kernel: Any, *, orientation: str | None = None) -> list[Band]:
    """The strongest band of positive and of negative weights of a kernel.

    The kernel is read row by row (bands across a horizontal edge) or
    column by column (a vertical edge): the row (column) with the highest
    mean weight, with its neighbours whose mean is at least half of that,
    is the positive band; the lowest, likewise, the negative band.

    Parameters
    ----------
    kernel : torch.Tensor or numpy.ndarray
        One kernel, shape ``(H, W)``, ``(1, H, W)`` or ``(1, 1, H, W)``.
    orientation : {"rows", "columns"}, optional
        How to read the kernel. By default, the way whose means vary more
        (their range): rows for a horizontal edge, columns for a vertical one.

    Returns
    -------
    list of Band
        The positive band, then the negative band; a band is left out when
        no row (column) has a mean of its sign.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import numpy as np
    >>> kernel = np.zeros((7, 7))
    >>> kernel[:3], kernel[4:] = 1.0, -1.0  # a horizontal edge, light above
    >>> [(b.label, b.axis, b.start, b.stop) for b in edge_bands(kernel)]
    [('+', 'rows', 0, 3), ('\u2212', 'rows', 4, 7)]
    """
    weights = plane("kernel", kernel)
    rows, cols = weights.mean(axis=1), weights.mean(axis=0)
    if orientation is None:
        orientation = "rows" if np.ptp(rows) >= np.ptp(cols) else "columns"
    orientation = check_choice("orientation", orientation, ("rows", "columns"))
    profile = rows if orientation == "rows" else cols
    bands = (_band(profile, sign, orientation, weights) for sign in (+1, -1))
    return [b for b in bands if b is not None]


def _kernel_image(ax: Any, shape: tuple[int, int]):
    """The image of ``ax`` that shows an array of ``shape``: the kernel to mark."""
    if not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes showing the kernel, got {describe(ax)}")
    for image in ax.get_images():
        if np.shape(image.get_array())[:2] == shape:
            return image
    shown = [np.shape(image.get_array())[:2] for image in ax.get_images()]
    raise ValueError(f"ax must show the kernel, an image of shape {shape}; it shows images of shapes {shown}")


def mark_edge_bands(ax: Any, kernel: Any, *, orientation: str | None = None) -> list[Band]:
    """Outline the positive and the negative band of a kernel on the panel that shows it.

    Each band of :func:`edge_bands` gets a black outline on a white halo,
    with its sign, ``+`` or ``\u2212``, written on a small white patch
    inside it, at its first cell (left for rows, top for columns).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The panel: an image of the kernel drawn by ``imshow`` with its
        origin at the top (matplotlib's default), as every figure of
        :mod:`cnnexplain.viz` draws kernels.
    kernel : torch.Tensor or numpy.ndarray
        The kernel shown, shape ``(H, W)``, ``(1, H, W)`` or ``(1, 1, H, W)``.
    orientation : {"rows", "columns"}, optional
        As in :func:`edge_bands`.

    Returns
    -------
    list of Band
        The bands outlined, the positive band first.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid, or ``ax`` shows no image of the kernel's
        shape; the message names the argument.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> kernel = np.zeros((7, 7))
    >>> kernel[:, 1], kernel[:, 5] = 1.0, -1.0  # a light and a dark column
    >>> fig, ax = plt.subplots()
    >>> image = ax.imshow(kernel, cmap="RdBu_r", vmin=-1, vmax=1)
    >>> [(b.label, b.start, b.stop) for b in mark_edge_bands(ax, kernel)]
    [('+', 1, 2), ('\u2212', 5, 6)]
    >>> [text.get_text() for text in ax.texts]
    ['+', '\u2212']
    >>> plt.close(fig)
    """
    weights = plane("kernel", kernel)
    bands = edge_bands(weights, orientation=orientation)
    left, right, bottom, top = _kernel_image(ax, weights.shape).get_extent()
    height, width = weights.shape
    cell_w, cell_h = (right - left) / width, (bottom - top) / height  # row 0 at the top
    halo = [patheffects.withStroke(linewidth=3.2, foreground=_HALO)]
    for band in bands:
        if band.axis == "rows":
            x, y = left, top + band.start * cell_h
            w, h = right - left, (band.stop - band.start) * cell_h
            at = (left + 0.5 * cell_w, y + 0.5 * h)
        else:
            x, y = left + band.start * cell_w, top
            w, h = (band.stop - band.start) * cell_w, bottom - top
            at = (x + 0.5 * w, top + 0.5 * cell_h)
        # Inset by a tenth of a cell, so that the axes' frame does not hide the outline.
        inset_w, inset_h = 0.1 * cell_w, 0.1 * cell_h
        outline = Rectangle(
            (x + inset_w, y + inset_h), w - 2 * inset_w, h - 2 * inset_h, fill=False, edgecolor=_INK, lw=1.6
        )
        outline.set_path_effects(halo)
        ax.add_patch(outline)
        patch = {"boxstyle": "round,pad=0.15", "facecolor": _HALO, "edgecolor": "none", "alpha": 0.85}
        ax.text(*at, band.label, ha="center", va="center", fontsize=10, weight="bold", color=_INK, bbox=patch)
    return bands
