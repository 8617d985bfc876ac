"""Shared figure conventions of :mod:`cnnexplain.viz`.

* Signed values (kernels, gradients, pre-activation maps) use the diverging
  map :data:`SIGNED_CMAP`, centred on zero with symmetric limits
  ``[-vmax, vmax]`` that stay fixed across the panels being compared and
  across the frames of an animation.
* Non-negative values (images, post-ReLU and pooled maps) use the sequential
  map :data:`UNSIGNED_CMAP` from zero.
* Figures are made with :func:`matplotlib.pyplot.figure` (so that
  sphinx-gallery's scraper finds them) inside :func:`rc`, at a fixed size and
  dpi, so the same call draws the same pixels.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure, FigureBase

from .._checks import describe

__all__ = [
    "ANIMATION_RC",
    "BLANK_COLOR",
    "HIGHLIGHT_COLOR",
    "SIGNED_CMAP",
    "UNSIGNED_CMAP",
    "annotate_cells",
    "bare_axes",
    "cmap_of",
    "format_epoch",
    "format_value",
    "new_figure",
    "rc",
    "root_figure",
    "signed_limit",
    "signed_norm",
    "style",
    "to_numpy",
    "unsigned_norm",
]

#: Colour map of signed values (negative blue, zero white, positive red).
SIGNED_CMAP = "RdBu_r"
#: Colour map of non-negative values (zero black).
UNSIGNED_CMAP = "gray"
#: Colour of cells with no value yet (NaN), distinct from the near-white zero of :data:`SIGNED_CMAP`.
BLANK_COLOR = "#cfcfcf"
#: Colour of outlines drawn over images (the kernel's window, the current cell).
HIGHLIGHT_COLOR = "#ffb000"


def to_numpy(value: Any) -> np.ndarray:
    """Return ``value`` (tensor or array-like) as a float numpy array."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=float)


def signed_limit(*arrays: Any) -> float:
    """Return ``vmax``: the largest absolute value over all ``arrays``.

    Never zero, so that an all-zero array still gets a valid colour scale.
    """
    vmax = max((float(np.nanmax(np.abs(to_numpy(a)))) if np.size(to_numpy(a)) else 0.0) for a in arrays)
    return vmax if vmax > 0 and np.isfinite(vmax) else 1.0


def signed_norm(*arrays: Any, vmax: float | None = None) -> Normalize:
    """A :class:`~matplotlib.colors.Normalize` from ``-vmax`` to ``vmax``."""
    v = signed_limit(*arrays) if vmax is None else float(vmax)
    return Normalize(vmin=-v, vmax=v)


def unsigned_norm(*arrays: Any, vmax: float | None = None) -> Normalize:
    """A :class:`~matplotlib.colors.Normalize` from 0 to the largest value."""
    if vmax is None:
        vmax = max((float(np.nanmax(to_numpy(a))) if np.size(to_numpy(a)) else 0.0) for a in arrays)
    v = float(vmax) if vmax and np.isfinite(vmax) and vmax > 0 else 1.0
    return Normalize(vmin=0.0, vmax=v)


def cmap_of(signed: bool) -> Colormap:
    """The colour map of signed or non-negative values, with NaN drawn in :data:`BLANK_COLOR`."""
    name = SIGNED_CMAP if signed else UNSIGNED_CMAP
    return mpl.colormaps[name].with_extremes(bad=BLANK_COLOR)


def style() -> dict[str, Any]:
    """rcParams applied by every figure function (small, clean, readable)."""
    return {
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 9,
        "axes.titlesize": 9,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "figure.titlesize": 10,
        "image.interpolation": "nearest",
        "svg.hashsalt": "cnnexplain",
        "figure.constrained_layout.h_pad": 0.03,
        "figure.constrained_layout.w_pad": 0.03,
    }


#: rcParams added for animations: text drawn without anti-aliasing. A web
#: page embeds every frame as a PNG, and the grey fringes of anti-aliased
#: glyphs take most of a frame's bytes (about 3x more in total); at 100 dpi
#: the crisp text reads as well.
ANIMATION_RC: dict[str, Any] = {"text.antialiased": False}


def rc(extra: dict[str, Any] | None = None):
    """Context manager applying :func:`style`, updated with ``extra`` rcParams."""
    return mpl.rc_context({**style(), **(extra or {})})


def new_figure(
    fig: Any,
    figsize: tuple[float, float],
    *,
    dpi: float = 100,
    name: str = "fig",
    layout: str | None = "constrained",
) -> FigureBase:
    """Return ``fig`` if it is a figure to draw into, or a new pyplot figure.

    A new figure is made with :func:`matplotlib.pyplot.figure`, so that it
    belongs to pyplot's figure manager (sphinx-gallery collects figures from
    there); call this inside :func:`rc`.

    Raises
    ------
    TypeError
        If ``fig`` is neither ``None`` nor a :class:`~matplotlib.figure.Figure`
        or :class:`~matplotlib.figure.SubFigure`.
    """
    if fig is None:
        import matplotlib.pyplot as plt

        return plt.figure(figsize=figsize, dpi=dpi, layout=layout)
    if not isinstance(fig, FigureBase):
        raise TypeError(f"{name} must be a matplotlib Figure or SubFigure, or None, got {describe(fig)}")
    return fig


def root_figure(fig: FigureBase) -> Figure:
    """The top-level :class:`~matplotlib.figure.Figure` of a figure or subfigure."""
    if isinstance(fig, Figure):
        return fig
    try:
        return fig.get_figure(root=True)
    except TypeError:  # matplotlib < 3.10
        return fig.figure


def bare_axes(ax: Axes, *, frame: bool = True) -> Axes:
    """Remove ticks (keep a thin grey frame, or none) from an image panel."""
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(frame)
        spine.set_linewidth(0.5)
        spine.set_edgecolor("0.6")
    return ax


def format_value(value: float, digits: int = 2) -> str:
    """Short text of a number: ``"1"``, ``"-0.25"``; never ``"-0"``."""
    v = float(value)
    if not np.isfinite(v):
        return ""
    if abs(v - round(v)) < 10 ** (-digits - 1):
        r = round(v)
        return str(r if r != 0 else 0)
    text = f"{v:.{digits}f}"
    return "0" if float(text) == 0 else text


def format_epoch(epoch: float) -> str:
    """``3`` for a whole epoch, ``2.50`` for a snapshot taken during an epoch."""
    e = float(epoch)
    return str(round(e)) if abs(e - round(e)) < 1e-9 else f"{e:.2f}"


def annotate_cells(
    ax: Axes,
    values: np.ndarray,
    norm: Normalize,
    *,
    fontsize: float = 7,
    digits: int = 2,
    dark_on: str = "signed",
) -> list:
    """Write each value of a 2-D array in its cell of an ``imshow`` panel.

    The text is white on dark cells and black on light ones. ``dark_on`` is
    ``"signed"`` (cells far from zero are dark on :data:`SIGNED_CMAP`) or
    ``"unsigned"`` (cells near zero are dark on :data:`UNSIGNED_CMAP`).
    Returns the text artists, row by row.
    """
    texts = []
    values = np.asarray(values, dtype=float)
    for (i, j), v in np.ndenumerate(values):
        texts.append(
            ax.text(
                j,
                i,
                format_value(v, digits),
                ha="center",
                va="center",
                fontsize=fontsize,
                color=text_color(v, norm, dark_on),
            )
        )
    return texts


def text_color(value: float, norm: Normalize, dark_on: str = "signed") -> str:
    """White or black, whichever reads better on the cell of ``value``."""
    if not np.isfinite(value):
        return "black"
    x = float(np.clip(norm(value), 0.0, 1.0))
    dark = abs(x - 0.5) > 0.3 if dark_on == "signed" else x < 0.5
    return "white" if dark else "black"


def check_positive(name: str, value: Any) -> float:
    """A finite number ``> 0``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a positive number, got {describe(value)}")
    v = float(value)
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def check_str_sequence(name: str, value: Any, *, length: int | None = None) -> list[str]:
    """A sequence (not a string) of strings, of ``length`` items when given."""
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a sequence of str, got {describe(value)}")
    if not all(isinstance(v, str) for v in value):
        raise TypeError(f"{name} must hold only str, got {describe(value)}")
    if length is not None and len(value) != length:
        raise ValueError(f"{name} must have {length} items, got {len(value)}")
    return list(value)
