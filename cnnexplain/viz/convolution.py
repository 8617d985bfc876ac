"""One kernel applied to one image: the response, and the kernel sliding cell by cell.

The response is :func:`cnnexplain.edges.convolve` (cross-correlation, as in
a CNN layer), computed in float32 as the model does. Images are drawn in
grey from 0; kernels, products and responses are signed.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.animation import FuncAnimation
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, FigureBase
from matplotlib.patches import Rectangle

from .._checks import check_int, describe
from ..edges import convolve
from ._args import plane, str_list
from ._style import (
    ANIMATION_STYLE,
    ANIMATION_WIDTH,
    HIGHLIGHT_COLOR,
    annotate_cells,
    colorbar,
    format_value,
    image_norm,
    show,
    signed_limit,
    signed_norm,
    styled_figure,
    write_cells,
)
from .animation import make_animation

__all__ = ["animate_convolution", "plot_convolution"]

#: Largest number of frames :func:`animate_convolution` makes (one per output cell).
MAX_CONVOLUTION_FRAMES = 400


def _response(image: np.ndarray, kernel: np.ndarray, padding: str | int = "valid") -> np.ndarray:
    """:func:`~cnnexplain.edges.convolve` of two float arrays, in float32."""
    return convolve(
        torch.from_numpy(image.astype(np.float32)),
        torch.from_numpy(kernel.astype(np.float32)),
        padding=padding,
    ).numpy()


def plot_convolution(
    image: Any,
    kernel: Any,
    *,
    padding: str | int = "valid",
    fig: FigureBase | None = None,
    titles: Sequence[str] | None = None,
) -> Figure:
    """An image, a kernel, and the kernel's response, side by side.

    Parameters
    ----------
    image : torch.Tensor or numpy.ndarray
        One image, shape ``(H, W)`` or ``(1, H, W)``.
    kernel : torch.Tensor or numpy.ndarray
        Shape ``(kh, kw)``, such as :data:`~cnnexplain.edges.PREWITT_X`.
    padding : {"valid", "same"} or int
        Passed to :func:`~cnnexplain.edges.convolve`.
    fig : Figure or SubFigure, optional
        Where to draw.
    titles : sequence of 3 str, optional
        Titles of the panels; by default their names and sizes.

    Returns
    -------
    matplotlib.figure.Figure
        Three panels with colour bars; a kernel up to 7x7 has its weights written in.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain.data import make_lines
    >>> from cnnexplain.edges import PREWITT_X
    >>> from cnnexplain.viz import plot_convolution
    >>> image = make_lines(n_per_class=1).images[0]
    >>> fig = plot_convolution(image, PREWITT_X)
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['image (50\u00d750)', 'kernel (3\u00d73)', 'response (48\u00d748)']
    >>> plt.close(fig)
    """
    img = plane("image", image)
    ker = plane("kernel", kernel)
    response = _response(img, ker, padding)
    if titles is None:
        titles = [
            f"{name} ({a.shape[0]}\u00d7{a.shape[1]})"
            for name, a in zip(("image", "kernel", "response"), (img, ker, response))
        ]
    titles = str_list("titles", titles, length=3)
    panels = (
        (img, image_norm(img), "pixel value"),
        (ker, signed_norm(ker), "weight"),
        (response, signed_norm(response), "response"),
    )
    with styled_figure(fig, (9.6, 3.0)) as container:
        axes = container.subplots(1, 3)
        for ax, title, (data, norm, label) in zip(axes, titles, panels):
            ax.set_title(title)
            colorbar(container, show(ax, data, norm), ax, label=label, shrink=0.85, aspect=18)
        side = max(ker.shape)
        if side <= 7:  # larger kernels have no room for their numbers
            annotate_cells(axes[1], ker, panels[1][1], fontsize={4: 10, 5: 9, 6: 8, 7: 7}.get(side, 11))
    return container.figure


def _region(
    region: Any, image_shape: tuple[int, int], kernel_shape: tuple[int, int]
) -> tuple[int, int, int, int]:
    """``(row, col, height, width)``: a crop inside the image, at least as large as the kernel."""
    (H, W), (kh, kw) = image_shape, kernel_shape
    if region is None:
        return 0, 0, H, W
    if isinstance(region, (str, bytes)) or not isinstance(region, Sequence) or len(region) != 4:
        raise TypeError(
            f"region must be a (row, col, height, width) sequence of 4 integers, got {describe(region)}"
        )
    r0 = check_int("region[0] (row)", region[0], low=0, high=H - 1)
    c0 = check_int("region[1] (col)", region[1], low=0, high=W - 1)
    h = check_int("region[2] (height)", region[2], low=kh, high=H - r0)
    w = check_int("region[3] (width)", region[3], low=kw, high=W - c0)
    return r0, c0, h, w


#: Sides, in inches, of the largest box of the image and output panels of
#: :func:`animate_convolution` (its top row), and of its patch, kernel and products
#: panels (its bottom row; 38 px a cell of a 3x3 kernel at 100 dpi).
_BIG, _SMALL = 1.6, 1.15
#: Inches above each row of panels for their titles, and below it for their labels.
_TITLE, _LABEL = 0.3, 0.3


def _top_height(crop_shape: tuple[int, int], out_shape: tuple[int, int]) -> float:
    """The height of the top row's panels: the image's and the output's, the taller one."""
    return max(_BIG * min(1.0, h / w) for h, w in (crop_shape, out_shape))


def _slide_layout(figure: Figure, top: float) -> tuple[list[Axes], Axes]:
    """Place the five panels of :func:`animate_convolution` in two rows, the operators between them.

    Top, the image and the output (with its colour bar), ``top`` inches high;
    below, ``patch x kernel = products``. Two rows rather than one, so that
    the frame is :data:`~cnnexplain.viz._style.ANIMATION_WIDTH` wide and its
    text reads on a phone. Returns the panels (image, patch, kernel, products,
    output) and the axes of the output's colour bar. Positions are in inches.
    """
    fw, fh = figure.get_size_inches()
    top_mid, bottom_mid = fh - _TITLE - top / 2, _LABEL + _SMALL / 2

    def box(x: float, y_mid: float, size: float, width: float | None = None) -> list[float]:
        """An axes ``size`` inches high (and wide), ``x`` inches from the left, centred on ``y_mid``."""
        return [x / fw, (y_mid - size / 2) / fh, (width or size) / fw, size / fh]

    def symbol(x: float, y_mid: float, text: str) -> None:
        figure.text(x / fw, y_mid / fh, text, ha="center", va="center", fontsize=14)

    big, small, gap = _BIG, _SMALL, 0.35
    left = (fw - 3 * small - 2 * gap) / 2  # the bottom row, centred
    panels = [  # made in reading order: image, patch, kernel, products, output
        figure.add_axes(box(x, y_mid, size))
        for x, y_mid, size in (
            (0.15, top_mid, big),
            *((left + i * (small + gap), bottom_mid, small) for i in range(3)),
            (2.15, top_mid, big),
        )
    ]
    symbol(1.95, top_mid, "\u2192")
    for i, operator in enumerate(("\u00d7", "=")):
        symbol(left + small + gap / 2 + i * (small + gap), bottom_mid, operator)
    return panels, figure.add_axes(box(3.85, top_mid, top, width=0.08))


def animate_convolution(
    image: Any,
    kernel: Any,
    *,
    region: Sequence[int] | None = None,
    interval: int = 150,
    fig: Figure | None = None,
) -> FuncAnimation:
    """Slide a kernel over an image, building its response one cell per frame.

    Each frame shows, on top, the image (or the crop ``region``) with the
    kernel's window outlined and the ``"valid"`` output up to the current
    cell (grey cells are not computed yet); below, the patch under the
    window, the kernel and their products, whose sum is the output value.
    Numbers are written in the cells of kernels up to 3x3. The frame is
    4.6 inches wide, with text of 9 points or more, so that it reads on a
    phone as well.

    Parameters
    ----------
    image : torch.Tensor or numpy.ndarray
        One image, shape ``(H, W)`` or ``(1, H, W)``.
    kernel : torch.Tensor or numpy.ndarray
        Shape ``(kh, kw)``.
    region : (row, col, height, width), optional
        The crop to slide over (the whole image by default), giving at most
        400 output cells: a 12x12 crop and a 3x3 kernel give 100.
    interval : int
        Milliseconds between frames, in ``[10, 10000]``.
    fig : Figure, optional
        A top-level figure; by default 4.6 inches wide, as high as the
        region needs, at 100 dpi.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        One frame per output cell, in row-major order.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain.data import make_lines
    >>> from cnnexplain.edges import PREWITT_X
    >>> from cnnexplain.viz import animate_convolution
    >>> image = make_lines(n_per_class=1).images[0]
    >>> anim = animate_convolution(image, PREWITT_X, region=(20, 20, 4, 5))
    >>> len(list(anim.new_frame_seq()))  # (4 - 3 + 1) * (5 - 3 + 1)
    6
    >>> html = anim.to_jshtml()  # what a notebook or the site embeds
    >>> plt.close("all")
    """
    img = plane("image", image)
    ker = plane("kernel", kernel)
    kh, kw = ker.shape
    r0, c0, h, w = _region(region, img.shape, ker.shape)
    interval = check_int("interval", interval, low=10, high=10_000)
    crop = img[r0 : r0 + h, c0 : c0 + w]
    out = _response(crop, ker)
    oh, ow = out.shape
    if oh * ow > MAX_CONVOLUTION_FRAMES:
        raise ValueError(
            f"region must give at most {MAX_CONVOLUTION_FRAMES} output cells (one frame each), got "
            f"{oh}x{ow} = {oh * ow} for region {(r0, c0, h, w)} and a {kh}x{kw} kernel; pass a smaller "
            "region=(row, col, height, width)"
        )
    crop_norm = image_norm(crop)
    ker_norm = signed_norm(ker)
    product_limit = signed_limit(ker) * crop_norm.vmax
    product_norm = Normalize(-product_limit, product_limit)
    order = np.arange(oh * ow).reshape(oh, ow)  # the frame at which each output cell is computed

    top = _top_height(crop.shape, out.shape)
    size = (ANIMATION_WIDTH, 2 * (_TITLE + _LABEL) + top + _SMALL)
    with styled_figure(fig, size, style=ANIMATION_STYLE, layout=None, top_level=True) as figure:
        (ax_in, ax_patch, ax_ker, ax_prod, ax_out), cax = _slide_layout(figure, top)
        patch = crop[:kh, :kw]
        show(ax_in, crop, crop_norm)
        im_patch = show(ax_patch, patch, crop_norm)
        show(ax_ker, ker, ker_norm)
        im_prod = show(ax_prod, patch * ker, product_norm)
        im_out = show(ax_out, np.full_like(out, np.nan), signed_norm(out))
        titles = (
            f"image[{r0}:{r0 + h}, {c0}:{c0 + w}]",
            "patch",
            "kernel",
            "products",
            f"output ({oh}\u00d7{ow})",
        )
        for ax, title in zip((ax_in, ax_patch, ax_ker, ax_prod, ax_out), titles):
            ax.set_title(title)
        window = ax_in.add_patch(Rectangle((-0.5, -0.5), kw, kh, fill=False, ec=HIGHLIGHT_COLOR, lw=1.6))
        cell = ax_out.add_patch(Rectangle((-0.5, -0.5), 1, 1, fill=False, ec=HIGHLIGHT_COLOR, lw=1.4))
        sum_text = ax_prod.set_xlabel("", labelpad=3)
        out_text = ax_out.set_xlabel("", labelpad=3)
        colorbar(figure, im_out, cax=cax, label="output")
        patch_texts, product_texts = [], []
        if max(kh, kw) <= 3:  # in a larger kernel, numbers that read on a phone do not fit their cells
            size = {1: 10, 2: 10, 3: 9}[max(kh, kw)]
            patch_texts = annotate_cells(ax_patch, patch, crop_norm, fontsize=size)
            annotate_cells(ax_ker, ker, ker_norm, fontsize=size)
            product_texts = annotate_cells(ax_prod, patch * ker, product_norm, fontsize=size)

        def update(i: int) -> list:
            r, c = divmod(i, ow)
            patch = crop[r : r + kh, c : c + kw]
            window.set_xy((c - 0.5, r - 0.5))
            cell.set_xy((c - 0.5, r - 0.5))
            im_patch.set_data(patch)
            im_prod.set_data(patch * ker)
            write_cells(patch_texts, patch, crop_norm)
            write_cells(product_texts, patch * ker, product_norm)
            im_out.set_data(np.where(order <= i, out, np.nan))
            sum_text.set_text(f"sum = {format_value(out[r, c])}")
            out_text.set_text(f"output[{r}, {c}] = {format_value(out[r, c])}")
            return [window, cell, im_patch, im_prod, im_out, sum_text, out_text, *patch_texts, *product_texts]

        return make_animation(figure, update, oh * ow, interval)
