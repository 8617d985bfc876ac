"""Where a kernel's gradient comes from: the patches it sums, and the error signal that weights them.

Figures of :func:`cnnexplain.analysis.kernel_gradient` and
:func:`~cnnexplain.analysis.error_signals`. Their text is 9 points or more:
they are drawn at the width a page shows them (at 100 dpi: 7 inches, and 10
for the patches of :func:`plot_top_patches`, whose 7x7 panels are 120 px
wide or more).
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, FigureBase
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from .._checks import check_float, check_int, check_real_array, describe
from ..analysis import KernelGradient
from ._args import instance_of, planes
from ._style import (
    HIGHLIGHT_COLOR,
    LARGE_TEXT_STYLE,
    SIGNED_CMAP,
    colorbar,
    image_norm,
    show,
    signed_limit,
    styled_figure,
)

__all__ = ["alignment_curve", "plot_error_signal", "plot_top_patches"]


def alignment_curve(gradient: KernelGradient, kernel: int) -> np.ndarray:
    """Return how well the sum of a kernel's largest terms points along its gradient.

    Parameters
    ----------
    gradient : KernelGradient
        From :func:`~cnnexplain.analysis.kernel_gradient`.
    kernel : int
        Output channel of the layer.

    Returns
    -------
    numpy.ndarray
        ``(M,)``: element ``n - 1`` is the cosine between the sum of the
        ``n`` largest terms (:meth:`~cnnexplain.analysis.KernelGradient.cumulative_sums`)
        and ``total[kernel]``; 1 at the end. Empty when no error reaches the kernel.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> from cnnexplain.analysis import kernel_gradient
    >>> data = make_lines(n_per_class=4)
    >>> gradient = kernel_gradient(LineCNN(), data.images, data.labels)
    >>> curve = alignment_curve(gradient, 0)
    >>> round(float(curve[-1]), 6)
    1.0
    """
    instance_of("gradient", gradient, KernelGradient, "a KernelGradient from kernel_gradient")
    sums = gradient.cumulative_sums(kernel).reshape(-1, gradient.total[kernel].size)
    target = gradient.total[kernel].ravel()
    lengths = np.linalg.norm(sums, axis=1) * np.linalg.norm(target)
    return np.divide(sums @ target, lengths, out=np.zeros(len(sums)), where=lengths > 0)


def _stays_above(curve: np.ndarray, level: float) -> int:
    """The smallest ``n`` from which ``curve[n - 1:]`` stays at ``level`` or above."""
    below = np.flatnonzero(curve < level)
    return int(below[-1]) + 2 if below.size else 1


def plot_top_patches(
    gradient: KernelGradient,
    kernel: int,
    *,
    k: int = 6,
    alignment: float = 0.9,
    fig: FigureBase | None = None,
) -> Figure:
    """Show the patches that pushed one kernel most, and how many it takes to make its gradient.

    Top, the ``k`` patches with the largest contributions
    (:meth:`~cnnexplain.analysis.KernelGradient.top_patches`), each under its
    term ``error * patch`` and its contribution as a share of the
    gradient's length. Bottom, the sum of these ``k`` terms, the sum of the
    ``n`` largest terms from which the sum points along the gradient with a
    cosine of ``alignment`` or more, the gradient itself (the sum of all
    terms), and that cosine against the number of terms summed. A note above
    the sums says that training subtracts the gradient: its red is where a
    step lowers the weights.

    Parameters
    ----------
    gradient : KernelGradient
        From :func:`~cnnexplain.analysis.kernel_gradient`, of a layer with one input channel.
    kernel : int
        Output channel of the layer.
    k : int
        How many patches to show, in ``[1, 12]``.
    alignment : float
        The cosine, in ``(0, 1]``, that picks the second sum.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        Panels ``fig.axes[:k]`` show the patches, ``fig.axes[k:2k]`` the
        terms, then the three sums (one signed scale, from zero), the curve
        and the two colour bars. The title of the second sum gives its ``n``.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid, the layer has several input channels,
        or no error signal reaches the kernel; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines
    >>> from cnnexplain.analysis import kernel_gradient
    >>> data = make_lines(n_per_class=4)
    >>> gradient = kernel_gradient(LineCNN(), data.images, data.labels)
    >>> fig = plot_top_patches(gradient, 0, k=3)
    >>> titles = [ax.get_title() for ax in fig.axes]
    >>> [title for title in titles if title.startswith("top")][0]
    'top 3'
    >>> plt.close(fig)
    """
    instance_of("gradient", gradient, KernelGradient, "a KernelGradient from kernel_gradient")
    if gradient.total.shape[1] != 1:
        raise ValueError(
            f"gradient must be of a layer with one input channel, got {gradient.total.shape[1]} channels"
        )
    k = check_int("k", k, low=1, high=12)
    alignment = check_float("alignment", alignment, low=0.0, high=1.0, low_open=True)
    curve = alignment_curve(gradient, kernel)
    if curve.size == 0:
        raise ValueError(f"kernel {kernel}: no error signal reaches it, its gradient is zero")
    top = gradient.top_patches(kernel, k=min(k, curve.size))
    k = len(top)
    sums = gradient.cumulative_sums(kernel)[:, 0]
    n_aligned = _stays_above(curve, alignment)
    length = float(np.linalg.norm(gradient.total[kernel]))
    terms = [t.error * t.patch[0] for t in top]

    # The site's full width, so that six 7x7 patches in a row are each 120 px wide or more.
    with styled_figure(fig, (10.0, 6.6), style=LARGE_TEXT_STYLE) as container:
        upper, lower = container.subfigures(2, 1, height_ratios=(1.15, 1.0))
        axes = upper.subplots(2, k, squeeze=False)
        patch_norm = image_norm(np.stack([t.patch[0] for t in top]))
        term_norm = Normalize(-signed_limit(*terms), signed_limit(*terms))
        for i, (t, term) in enumerate(zip(top, terms)):
            show(axes[0, i], t.patch[0], patch_norm)
            axes[0, i].set_title(f"image {t.image}\nat ({t.row}, {t.column})")
            image = show(axes[1, i], term, term_norm)
            axes[1, i].set_xlabel(f"{t.contribution / length:+.1%}")
        axes[0, 0].set_ylabel("patch")
        axes[1, 0].set_ylabel("error × patch")
        colorbar(upper, image, list(axes[1]), label="term", shrink=0.9)
        upper.suptitle(
            f"kernel {kernel}: the {k} largest of its {curve.size} terms (below each: its share of |gradient|)",
            fontsize=9,
        )

        left, right = lower.subfigures(1, 2, width_ratios=(1.55, 1.0))
        sum_axes = left.subplots(1, 3)
        shown = [(sums[k - 1], f"top {k}"), (sums[n_aligned - 1], f"top {n_aligned}")]
        shown.append((gradient.total[kernel, 0], f"all {curve.size}:\nthe gradient"))
        sum_norm = Normalize(-signed_limit(*(s for s, _ in shown)), signed_limit(*(s for s, _ in shown)))
        for ax, (values, title) in zip(sum_axes, shown):
            image = show(ax, values, sum_norm)
            ax.set_title(title)
        sum_axes[0].set_ylabel("sum of terms")
        # The sign trap: a step subtracts the gradient, so red here makes the kernel bluer.
        left.suptitle("training subtracts the gradient:\nwhere it is red, the weights go down", fontsize=9)
        colorbar(left, image, list(sum_axes), label="dL/dW", shrink=0.65)
        ax = right.subplots()
        n = np.arange(1, curve.size + 1)
        ax.plot(n, curve, color="C0", lw=1.2)
        ax.axhline(alignment, color="0.5", ls="--", lw=0.8)
        ax.plot([k, n_aligned], curve[[k - 1, n_aligned - 1]], "o", color="C1", ms=4)
        ax.set_xscale("log")
        ax.set_ylim(min(-0.05, float(curve.min()) - 0.05), 1.05)
        ax.set_xlabel("largest terms summed")
        ax.set_ylabel("cosine with gradient")
    return container.figure


def _error_arrays(
    images: Any, pooled: Any, conv: Any, kernel: Any
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """The images ``(N, H, W)`` and kernel ``kernel``'s maps of both errors, checked against each other."""
    imgs = planes("images", images)
    arrays = {}
    for name, value in (("pooled", pooled), ("conv", conv)):
        arrays[name] = check_real_array(name, value)
        if arrays[name].ndim != 4 or arrays[name].shape[0] != len(imgs):
            raise ValueError(
                f"{name} must have shape (N, K, H, W) with N = {len(imgs)} images, got shape {arrays[name].shape}"
            )
    n_kernels = arrays["conv"].shape[1]
    if arrays["pooled"].shape[1] != n_kernels:
        raise ValueError(f"pooled must have {n_kernels} channels, as conv, got {arrays['pooled'].shape[1]}")
    (h, w), (h_out, w_out) = arrays["pooled"].shape[2:], arrays["conv"].shape[2:]
    if not (h <= h_out and w <= w_out and h_out <= imgs.shape[1] and w_out <= imgs.shape[2]):
        raise ValueError(
            f"pooled ({h}x{w}), conv ({h_out}x{w_out}) and images ({imgs.shape[1]}x{imgs.shape[2]}) "
            "must be successively larger maps"
        )
    kernel = check_int("kernel", kernel, low=0, high=n_kernels - 1)
    return imgs, arrays["pooled"][:, kernel], arrays["conv"][:, kernel], kernel


def _offset(value: Any, image_shape: tuple[int, ...], map_shape: tuple[int, ...]) -> tuple[int, int]:
    """Where output position ``(0, 0)``'s patch is centred in the image: given, or centred."""
    if value is None:
        return ((image_shape[0] - map_shape[0]) // 2, (image_shape[1] - map_shape[1]) // 2)
    if not isinstance(value, tuple) or len(value) != 2:
        raise TypeError(f"offset must be a (row, column) tuple of integers, got {describe(value)}")
    return (check_int("offset[0]", value[0], low=0), check_int("offset[1]", value[1], low=0))


def _dots(ax: Any, rows: np.ndarray, cols: np.ndarray, values: np.ndarray, norm: Normalize) -> None:
    """Mark the positions that receive the error with dots larger than a pixel, coloured by their error.

    A pixel of a 44x44 map is about 2 points wide on the page: alone, the
    few that receive the error are hard to see. The grey rim shows the dots
    whose error is near zero (white) on a white or black ground.
    """
    ax.scatter(cols, rows, c=values, cmap=SIGNED_CMAP, norm=norm, s=9, edgecolors="0.55", linewidths=0.4)


def _power_of_ten(limits: list[float]) -> int:
    """The power of ten that brings the smallest positive limit to between 1 and 10 (0 if none is positive)."""
    positive = [limit for limit in limits if limit > 0]
    return int(np.floor(np.log10(min(positive)))) if positive else 0


def _scaled_ticks(cbar: Any, exponent: int) -> None:
    """Write a colour bar's ticks in units of ``10**exponent`` named in its label, not with an offset ("1e-5").

    Nothing changes for exponents from -2 to 2, whose ticks read well as they are.
    """
    if -2 <= exponent <= 2:
        return
    scale = 10.0**exponent
    cbar.ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value / scale:g}"))
    cbar.set_label(f"{cbar.ax.get_ylabel()} (×10$^{{{exponent}}}$)")


def _landing_legend(region_label: str | None) -> list[Any]:
    """Legend handles for the last column: the dimmed image, the dots and the outlined region."""
    handles = [
        Patch(facecolor="0.5", edgecolor="black", label="the image, dimmed\n(white drawn grey)"),
        Line2D(
            [],
            [],
            ls="",
            marker="o",
            ms=4,
            mfc="white",
            mec="0.55",
            mew=0.6,
            label="a position that gets the error\n(at its patch's centre; colour: the error)",
        ),
    ]
    if region_label is not None:
        handles.append(Line2D([], [], color=HIGHLIGHT_COLOR, lw=1.5, label=region_label))
    return handles


def plot_error_signal(
    images: Any,
    pooled: Any,
    conv: Any,
    *,
    kernel: int,
    offset: tuple[int, int] | None = None,
    region: Any = None,
    region_label: str = "region",
    names: tuple[str, str] = ("pool1", "conv1"),
    fig: FigureBase | None = None,
) -> Figure:
    """Show a kernel's error signal before and after it passes back through max-pooling and ReLU.

    One row per image: the image; the error signal at the pooling layer's
    output, each value drawn over the window of the convolution's output it
    pools; the error signal at the convolution's output, which only the
    positions that won their window and were positive receive; and the
    image with these positions marked where their patches are centred.
    The received positions are dots larger than a pixel, coloured by their
    error, and a legend below says what the last column shows. The three
    maps of a row share one signed scale; when the values are tiny (or
    huge), the colour bars write them in one power of ten, named in their
    labels.

    Parameters
    ----------
    images : torch.Tensor or numpy.ndarray
        ``(N, 1, H, W)`` or ``(N, H, W)`` images.
    pooled : torch.Tensor or numpy.ndarray
        ``(N, K, h, w)``: the error signal at the pooling layer's output
        (:func:`~cnnexplain.analysis.error_signals`).
    conv : torch.Tensor or numpy.ndarray
        ``(N, K, H_out, W_out)``: the error signal at the convolution's output.
    kernel : int
        The channel to show.
    offset : (int, int), optional
        The image pixel on which the patch of output position ``(0, 0)`` is
        centred; by default the map is centred in the image (``(3, 3)`` for
        a 7x7 kernel without padding).
    region : array of bool, optional
        ``(N, H, W)``: a region of each image (near the line, say), outlined in the last column.
    region_label : str
        What the region is, for the legend.
    names : (str, str)
        The names of the pooling and convolution layers, for the titles.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        Four panels per row (``fig.axes[4 * i : 4 * i + 4]`` for image
        ``i``), then a colour bar per row. ``get_images()[-1]`` of the last
        panel holds the received errors at their pixels, masked elsewhere.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines
    >>> from cnnexplain.analysis import error_signals
    >>> data = make_lines(n_per_class=1)
    >>> signals = error_signals(
    ...     LineCNN(), data.images, data.labels, layers=["pool1", "conv1"]
    ... )
    >>> fig = plot_error_signal(
    ...     data.images, signals["pool1"], signals["conv1"], kernel=0
    ... )
    >>> fig.axes[1].get_title()
    'at pool1'
    >>> plt.close(fig)
    """
    imgs, before, after, kernel = _error_arrays(images, pooled, conv, kernel)
    offset = _offset(offset, imgs.shape[1:], after.shape[1:])
    if offset[0] + after.shape[1] > imgs.shape[1] or offset[1] + after.shape[2] > imgs.shape[2]:
        raise ValueError(f"offset must place the {after.shape[1:]} map inside the images, got {offset}")
    if region is not None:
        region = np.asarray(region)
        if region.dtype != bool or region.shape != imgs.shape:
            raise ValueError(f"region must be a bool array of shape {imgs.shape}, got {describe(region)}")
    if not isinstance(region_label, str):
        raise TypeError(f"region_label must be a string, got {describe(region_label)}")
    if not (isinstance(names, tuple) and len(names) == 2 and all(isinstance(s, str) for s in names)):
        raise TypeError(f"names must be a tuple of two layer names, got {describe(names)}")
    (h, w), (h_out, w_out) = before.shape[1:], after.shape[1:]
    window = (h_out // h, w_out // w)
    extent = (-0.5, window[1] * w - 0.5, window[0] * h - 0.5, -0.5)  # each value over its window

    n = len(imgs)
    # One power of ten for every row's colour bar, so that their numbers compare at a glance.
    exponent = _power_of_ten([signed_limit(before[i], after[i]) for i in range(n)])
    with styled_figure(fig, (7.0, 1.75 * n + 0.75), style=LARGE_TEXT_STYLE) as container:
        axes = container.subplots(n, 4, squeeze=False)
        dim = Normalize(0.0, 2.0 * max(1.0, float(imgs.max())))  # white drawn as mid-grey
        for i, row in enumerate(axes):
            norm = Normalize(-signed_limit(before[i], after[i]), signed_limit(before[i], after[i]))
            show(row[0], imgs[i], image_norm(imgs[i]))
            image = show(row[1], before[i], norm)
            image.set_extent(extent)
            row[1].set_xlim(-0.5, w_out - 0.5)
            row[1].set_ylim(h_out - 0.5, -0.5)
            show(row[2], after[i], norm)
            show(row[3], imgs[i], dim)
            landed = np.full(imgs.shape[1:], np.nan)
            landed[offset[0] : offset[0] + h_out, offset[1] : offset[1] + w_out] = after[i]
            landed = np.ma.masked_where(~(np.nan_to_num(landed) != 0), landed)
            row[3].imshow(landed, cmap=SIGNED_CMAP, norm=norm)  # masked cells: transparent
            rows, cols = np.nonzero(after[i])
            for ax, shift in ((row[2], (0, 0)), (row[3], offset)):
                _dots(ax, rows + shift[0], cols + shift[1], after[i][rows, cols], norm)
            if region is not None and region[i].any():
                row[3].contour(region[i], levels=[0.5], colors=HIGHLIGHT_COLOR, linewidths=1.0)
            row[2].set_xlabel(f"{len(rows)} of {after[i].size} positions")
            cbar = colorbar(container, image, list(row), label="error", shrink=0.85)
            _scaled_ticks(cbar, exponent)
        titles = ("image", f"at {names[0]}", f"at {names[1]}", "where it lands")
        for ax, title in zip(axes[0], titles):
            ax.set_title(title)
        container.legend(
            handles=_landing_legend(region_label if region is not None else None),
            loc="outside lower center",
            ncols=3,
            frameon=False,
            handlelength=1.2,
            columnspacing=1.2,
        )
    return container.figure
