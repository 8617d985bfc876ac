"""The look shared by every figure of :mod:`cnnexplain.viz`, and the helpers that draw it.

* Signed values use the diverging map :data:`SIGNED_CMAP`, centred on zero
  with symmetric limits ``[-vmax, vmax]``; non-negative values the sequential
  map :data:`UNSIGNED_CMAP` from zero.
* Fonts, ticks, spines, legends and grids come from one style sheet,
  :data:`STYLE_FILE`, applied with :func:`matplotlib.rc_context` while a
  function draws (:func:`styled_figure`), so the user's rcParams are left
  alone. Figures are made with :func:`matplotlib.pyplot.figure` (so that
  sphinx-gallery and notebooks find them) at a fixed size and dpi: the same
  call draws the same pixels.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure, FigureBase
from matplotlib.ticker import MaxNLocator

from .._checks import check_real_array, describe

__all__ = ["HEAT_CMAP", "SIGNED_CMAP", "STYLE_FILE", "UNSIGNED_CMAP", "signed_limit"]

#: Colour map of signed values (negative blue, zero white, positive red).
SIGNED_CMAP = "RdBu_r"
#: Colour map of non-negative values (zero black).
UNSIGNED_CMAP = "gray"
#: Colour map of non-negative heat maps drawn over images (saliency, Grad-CAM).
HEAT_CMAP = "inferno"
#: Colour of cells with no value yet (NaN), distinct from the near-white zero of :data:`SIGNED_CMAP`.
BLANK_COLOR = "#cfcfcf"
#: Colour of outlines drawn over images (the kernel's window, the current cell).
HIGHLIGHT_COLOR = "#ffb000"

#: The widest figure, in inches at 100 dpi: the site's column is about 1030 px wide at a
#: window width of 1366 px, so figures show at their natural size (docs/_static/cnnexplain.css).
FIGURE_WIDTH = 10.0
#: The smallest font size of any text in a figure, in points: 9.7 px at 100 dpi.
MIN_FONT_SIZE = 7.0

#: The matplotlib style sheet of every figure (read the comments in it); to
#: draw your own figures in the same style, ``plt.style.use(STYLE_FILE)``.
STYLE_FILE = Path(__file__).with_name("cnnexplain.mplstyle")
STYLE: dict[str, Any] = dict(mpl.rc_params_from_file(STYLE_FILE, use_default_template=False))

#: The style of figures whose every text is 9 points or more (12.5 px at 100 dpi): those
#: with many small panels, where the default sizes would read too small on the page.
LARGE_TEXT_STYLE: dict[str, Any] = {
    **STYLE,
    "axes.titlesize": 9,
    "axes.labelsize": 9,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.fontsize": 9,
}

#: The width of animations, in inches at 100 dpi: 460 px, with text of 9 points or more
#: (:data:`ANIMATION_STYLE`). A page shows a picture at its natural size or shrunk to the
#: column, and a phone 390 px wide gives a figure 342 to 358 px: there a 9 pt text (12.5 px
#: as drawn) still shows 9.3 px high or more (tools/site_check.py checks it). A frame as wide
#: as other figures (:data:`FIGURE_WIDTH`) would show its text a third as high, too small to
#: read; so the panels of an animation are laid out in fewer columns instead.
ANIMATION_WIDTH = 4.6

#: The style of animations: every text 9 points or more (see :data:`ANIMATION_WIDTH`), and
#: text, lines and patches drawn without anti-aliasing. A web page embeds every frame as a PNG,
#: and the grey fringes of anti-aliased glyphs and curves take most of a frame's bytes (about 3x
#: more in total); at 100 dpi the crisp text and lines read as well.
ANIMATION_STYLE: dict[str, Any] = {
    **LARGE_TEXT_STYLE,
    "text.antialiased": False,
    "lines.antialiased": False,
    "patch.antialiased": False,
}


# -- figures -----------------------------------------------------------------------------
@contextmanager
def styled_figure(
    fig: Any,
    figsize: tuple[float, float],
    *,
    style: dict[str, Any] = STYLE,
    layout: str | None = "constrained",
    top_level: bool = False,
) -> Iterator[FigureBase]:
    """Apply ``style`` and yield ``fig``, or a new pyplot figure of ``figsize`` inches.

    A new figure is never wider than :data:`FIGURE_WIDTH`: a wider
    ``figsize`` is scaled down, keeping its proportions (its texts keep their
    size). A new figure is closed again if drawing into it fails. ``top_level``
    asks for a :class:`~matplotlib.figure.Figure` (an animation needs its
    canvas), not a :class:`~matplotlib.figure.SubFigure`. Callers return
    ``yielded.figure``, the top-level figure.
    """
    wanted = Figure if top_level else FigureBase
    if fig is not None and not isinstance(fig, wanted):
        what = "a top-level matplotlib Figure" if top_level else "a matplotlib Figure or SubFigure"
        raise TypeError(f"fig must be {what} or None, got {describe(fig)}")
    width, height = figsize
    if width > FIGURE_WIDTH:
        width, height = FIGURE_WIDTH, height * FIGURE_WIDTH / width
    with mpl.rc_context(style):
        figure = plt.figure(figsize=(width, height), layout=layout) if fig is None else fig
        before = set(figure.figure.axes)
        try:
            yield figure
        except BaseException:
            if fig is None:
                plt.close(figure)
            raise
        # matplotlib spaces automatic ticks by the tick label size it finds when it
        # draws -- in the axes, or else in the rcParams of that moment -- and the
        # figure may be drawn (saved) after the style is gone: store the size in
        # the axes made here.
        for ax in figure.figure.axes:
            if ax not in before:
                ax.xaxis.set_tick_params(labelsize=mpl.rcParams["xtick.labelsize"])
                ax.yaxis.set_tick_params(labelsize=mpl.rcParams["ytick.labelsize"])


def restyle(ax: Axes) -> None:
    """Give axes made outside the style (the user's) the style's ticks, labels, spines and grid."""
    rc = mpl.rcParams
    for axis, name in ((ax.xaxis, "xtick"), (ax.yaxis, "ytick")):
        axis.set_tick_params(
            labelsize=rc[f"{name}.labelsize"],
            length=rc[f"{name}.major.size"],
            pad=rc[f"{name}.major.pad"],
            grid_color=rc["grid.color"],
            grid_linewidth=rc["grid.linewidth"],
        )
        axis.label.set_fontsize(rc["axes.labelsize"])
    for side in ("top", "right"):
        ax.spines[side].set_visible(rc[f"axes.spines.{side}"])


@contextmanager
def styled_axes(ax: Any, fig: Any, figsize: tuple[float, float]) -> Iterator[Axes]:
    """Apply the style and yield ``ax`` (restyled), or one new axes in ``fig`` (or in a new figure)."""
    if ax is not None and not isinstance(ax, Axes):
        raise TypeError(f"ax must be a matplotlib Axes or None, got {describe(ax)}")
    if ax is not None and fig is not None:
        raise ValueError("give ax or fig, not both")
    with styled_figure(fig if ax is None else ax.get_figure(), figsize) as container:
        if ax is None:
            ax = container.add_subplot()
        else:
            restyle(ax)
        yield ax


# -- colour scales -----------------------------------------------------------------------
def signed_limit(*arrays: Any) -> float:
    """Return the largest absolute value over all ``arrays``: the ``vmax`` of a signed scale.

    Parameters
    ----------
    *arrays : torch.Tensor or numpy.ndarray
        The values to be drawn on one colour scale, of any shapes.

    Returns
    -------
    float
        The largest absolute value, or ``1.0`` when all values are zero (or
        there are none), so that the scale ``[-vmax, vmax]`` is always valid.

    Raises
    ------
    TypeError, ValueError
        If an argument is not a finite real tensor or array.

    Examples
    --------
    >>> import torch
    >>> signed_limit(torch.tensor([0.5, -2.0]), torch.zeros(3))
    2.0
    """
    vmax = 0.0
    for i, values in enumerate(arrays):
        values = check_real_array(f"arrays[{i}]", values)
        if values.size:
            vmax = max(vmax, float(np.abs(values).max()))
    return vmax if vmax > 0 else 1.0


def signed_norm(*arrays: Any) -> Normalize:
    """The symmetric scale ``[-vmax, vmax]`` of ``arrays`` (see :func:`signed_limit`)."""
    vmax = signed_limit(*arrays)
    return Normalize(-vmax, vmax)


def unsigned_norm(*arrays: np.ndarray) -> Normalize:
    """The scale from 0 to the largest value of ``arrays`` (to 1 if that is not positive)."""
    vmax = max((float(a.max()) for a in arrays if a.size), default=0.0)
    return Normalize(0.0, vmax if vmax > 0 else 1.0)


def image_norm(image: np.ndarray) -> Normalize:
    """The grey scale of input images: from 0 to at least 1, symmetric if a pixel is negative."""
    vmax = max(1.0, float(np.abs(image).max(initial=0.0)))
    return Normalize(-vmax if image.min(initial=0.0) < 0 else 0.0, vmax)


def cmap_of(norm: Normalize) -> Colormap:
    """:data:`SIGNED_CMAP` for a symmetric scale, else :data:`UNSIGNED_CMAP`; NaN in :data:`BLANK_COLOR`."""
    name = SIGNED_CMAP if norm.vmin < 0 else UNSIGNED_CMAP
    return mpl.colormaps[name].with_extremes(bad=BLANK_COLOR)


# -- panels ------------------------------------------------------------------------------
def show(ax: Axes, data: np.ndarray, norm: Normalize, *, aspect: str = "equal"):
    """Draw ``data`` as an image panel (no ticks, a thin grey frame); return the ``AxesImage``."""
    image = ax.imshow(data, cmap=cmap_of(norm), norm=norm, aspect=aspect)
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(True)  # the style hides the top and right spines of charts
        spine.set_linewidth(0.5)
        spine.set_edgecolor("0.6")
    return image


def panel_rows(container: FigureBase, ncols: int, *stacks: tuple) -> list[list[Axes]]:
    """Show stacks ``(arrays, norm, titles)`` of titled panels in rows of ``ncols``; return their axes.

    The rows of the stacks alternate -- row 0 of each stack, then row 1 --
    so that a panel stands above the matching panels of the next stacks.
    """
    axes = container.subplots(math.ceil(len(stacks[0][0]) / ncols) * len(stacks), ncols, squeeze=False)
    shown = []
    for i, (arrays, norm, titles) in enumerate(stacks):
        cells = axes[i :: len(stacks)].ravel()
        for ax, array, title in zip(cells, arrays, titles):
            show(ax, array, norm)
            ax.set_title(title)
        for ax in cells[len(arrays) :]:
            ax.set_axis_off()  # the end of the last row
        shown.append(list(cells[: len(arrays)]))
    return shown


def panel_inches(side: int) -> float:
    """The side, in inches, of the panel of a kernel ``side`` weights wide, with its title.

    About 0.17 inch (17 px at 100 dpi) a weight: a 7x7 kernel is drawn 120 px
    wide or more, large enough to see the bands of an edge detector. Small
    kernels get 0.65 inch, room for their title.
    """
    return max(0.65, 0.175 * side + 0.15)


def columns(n: int, panel: float, room: float) -> int:
    """Panels per row for ``n`` panels of ``panel`` inches in ``room`` inches: balanced rows that fit."""
    rows = math.ceil(n / max(1, int(room // panel)))
    return math.ceil(n / rows)


#: Inches beside a grid of kernels for its colour bar, and for its row labels.
COLORBAR_INCHES = 0.95
LABEL_INCHES = 1.25


def row_label(ax: Axes, text: str, *, fontsize: float = 9) -> None:
    """Write ``text`` left of ``ax``, horizontally, as the label of its row of panels."""
    ax.set_ylabel(text, rotation=0, ha="right", va="center", labelpad=6, fontsize=fontsize)
    # Constrained layout measures the label from the aspect-shrunk axes but
    # reserves the margin from the cell's edge: pin the axes to the cell's
    # left edge so that the two agree and the label is never clipped.
    ax.set_anchor("W")


def colorbar(container: FigureBase, mappable, axes: Any = None, *, label: str = "", nbins: int = 5, **kwargs):
    """Add a colour bar for ``mappable`` beside ``axes`` (or into ``cax=``), with thin outline and ticks.

    A symmetric scale gets symmetric ticks. The axes keep their anchor
    (``panchor=False``), so that the row labels of :func:`row_label` stay put.
    """
    cbar = container.colorbar(mappable, ax=axes, panchor=False, **kwargs)
    cbar.ax.tick_params(pad=1)
    cbar.outline.set_linewidth(0.5)
    if label:
        cbar.set_label(label)
    if cbar.orientation == "vertical":
        cbar.ax.yaxis.set_major_locator(MaxNLocator(nbins, symmetric=mappable.norm.vmin < 0))
    return cbar


def annotate_cells(ax: Axes, values: np.ndarray, norm: Normalize, *, fontsize: float = 8) -> list:
    """Write each value of a 2-D array in its cell of an image panel; return the texts, row by row.

    ``fontsize`` is at least :data:`MIN_FONT_SIZE`: a panel too small for its
    numbers must be drawn larger, not its numbers smaller.
    """
    fontsize = max(fontsize, MIN_FONT_SIZE)
    texts = [
        ax.text(j, i, "", ha="center", va="center", fontsize=fontsize) for (i, j), _ in np.ndenumerate(values)
    ]
    write_cells(texts, values, norm)
    return texts


def write_cells(texts: list, values: np.ndarray, norm: Normalize) -> None:
    """Set the texts of :func:`annotate_cells` to ``values``: white on dark cells, black on light ones."""
    for text, value in zip(texts, np.ravel(values)):
        x = float(np.clip(norm(value), 0.0, 1.0))
        # Dark cells: far from zero on the diverging map, near zero on the grey one.
        dark = abs(x - 0.5) > 0.3 if norm.vmin < 0 else x < 0.5
        text.set_text(format_value(value))
        text.set_color("white" if dark else "black")


def format_value(value: float) -> str:
    """Short text of a number, two decimals at most: ``"1"``, ``"-0.25"``; never ``"-0"``."""
    v = float(value)
    if abs(v - round(v)) < 1e-3:
        return str(round(v))  # an int: never "-0"
    text = f"{v:.2f}"
    return "0" if float(text) == 0 else text
