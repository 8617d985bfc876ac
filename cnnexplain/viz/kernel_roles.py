"""What each kernel does: the class it prefers, what the model loses without it,
which kernels are near copies, and the inputs that excite it most.

Figures of :func:`cnnexplain.analysis.selectivity`,
:func:`~cnnexplain.analysis.ablation`,
:func:`~cnnexplain.analysis.kernel_similarity` and
:func:`~cnnexplain.analysis.maximize_activation`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, FigureBase
from matplotlib.patches import Rectangle

from .._checks import check_float, check_int, check_real_array
from ..analysis import Ablation, Selectivity
from ._args import instance_of, planes, str_list
from ._style import (
    COLORBAR_INCHES,
    FIGURE_WIDTH,
    annotate_cells,
    cmap_of,
    colorbar,
    columns,
    image_norm,
    panel_inches,
    panel_rows,
    show,
    signed_norm,
    styled_axes,
    styled_figure,
)

__all__ = ["plot_ablation", "plot_kernel_similarity", "plot_maximizing_inputs", "plot_selectivity"]


def plot_selectivity(result: Selectivity, *, fig: FigureBase | None = None) -> Figure:
    """Show each kernel's mean activation per class and its selectivity index.

    Parameters
    ----------
    result : Selectivity
        From :func:`~cnnexplain.analysis.selectivity`.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        Top, the means per class of ``result.pair``; bottom, the index from -1 to 1.

    Raises
    ------
    TypeError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines
    >>> from cnnexplain.analysis import selectivity
    >>> result = selectivity(LineCNN(), make_lines(n_per_class=4))
    >>> fig = plot_selectivity(result)
    >>> [float(v) for v in fig.axes[1].get_ylim()]
    [-1.0, 1.0]
    >>> plt.close(fig)
    """
    instance_of("result", result, Selectivity, "a Selectivity from selectivity")
    a, b = result.pair
    k = np.arange(len(result))
    with styled_figure(fig, (max(4.0, 0.5 * len(result) + 2.0), 4.6)) as container:
        ax_mean, ax_index = container.subplots(2, 1, sharex=True, height_ratios=(1, 1.1))
        width = 0.38
        for shift, name, color in ((-width / 2, a, "C0"), (width / 2, b, "C1")):
            ax_mean.bar(
                k + shift, result.means[:, result.classes.index(name)], width, color=color, label=name
            )
        ax_mean.set_ylabel(f"mean {result.layer}\n({result.reduce} over positions)")
        ax_mean.set_ylim(bottom=0)
        ax_mean.legend(ncols=2, loc="upper left")
        ax_mean.set_title(
            f"{result.layer}: kernel {result.preferring(a)} prefers {a} most, kernel {result.preferring(b)} {b}"
        )
        norm = Normalize(-1.0, 1.0)
        colors = cmap_of(norm)(norm(result.index))
        ax_index.bar(k, result.index, 0.7, color=colors, edgecolor="0.3", linewidth=0.5)
        ax_index.axhline(0, color="0.3", lw=0.6)
        ax_index.set_ylim(-1.0, 1.0)
        ax_index.set_ylabel("selectivity index")
        ax_index.set_xticks(k)
        ax_index.set_xlabel("kernel")
        ax_index.text(1.01, 1.0, f"only {a}", transform=ax_index.transAxes, fontsize=9, va="top")
        ax_index.text(1.01, 0.0, f"only {b}", transform=ax_index.transAxes, fontsize=9, va="bottom")
    return container.figure


def plot_ablation(result: Ablation, *, fig: FigureBase | None = None) -> Figure:
    """Show what the model loses when each kernel is zeroed.

    Parameters
    ----------
    result : Ablation
        From :func:`~cnnexplain.analysis.ablation`.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        Left, the accuracy drop per kernel in points (``100 * result.drop``);
        right, the loss increase, which shows kernels that matter even when
        the accuracy does not move.

    Raises
    ------
    TypeError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines
    >>> from cnnexplain.analysis import ablation
    >>> fig = plot_ablation(ablation(LineCNN(), make_lines(n_per_class=4)))
    >>> len(fig.axes[0].patches)
    8
    >>> plt.close(fig)
    """
    instance_of("result", result, Ablation, "an Ablation from ablation")
    x = np.arange(len(result))
    panels = (
        (
            100 * result.drop,
            "C3",
            "accuracy drop (points)",
            f"{result.layer} ablation; intact accuracy {100 * result.baseline_accuracy:.1f}%",
        ),
        (
            result.loss - result.baseline_loss,
            "C0",
            "loss increase",
            f"intact loss {result.baseline_loss:.3g}",
        ),
    )
    with styled_figure(fig, (max(5.0, 0.7 * len(result) + 2.5), 2.8)) as container:
        axes = container.subplots(1, 2)
        for ax, (heights, color, ylabel, title) in zip(axes, panels):
            ax.bar(x, heights, 0.7, color=color)
            ax.axhline(0, color="0.3", lw=0.6)
            ax.set_xticks(x, [str(c) for c in result.channels])
            ax.set_xlabel("kernel zeroed")
            ax.set_ylabel(ylabel)
            ax.set_title(title)
    return container.figure


def plot_kernel_similarity(
    similarity: Any,
    *,
    threshold: float | None = None,
    ax: Axes | None = None,
    fig: FigureBase | None = None,
) -> Figure:
    """Show the similarity of every pair of kernels as a matrix.

    Parameters
    ----------
    similarity : torch.Tensor or numpy.ndarray
        ``(K, K)`` values in ``[-1, 1]``, from
        :func:`~cnnexplain.analysis.kernel_similarity`.
    threshold : float, optional
        Outline the pairs with ``|similarity| >= threshold`` (as
        :func:`~cnnexplain.analysis.redundant_pairs` counts them).
    ax : Axes, optional
        Where to draw.
    fig : Figure or SubFigure, optional
        A figure to draw one new panel into (instead of ``ax``).

    Returns
    -------
    matplotlib.figure.Figure
        The matrix, its values written in (up to 16 kernels), and a colour bar.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain.analysis import kernel_similarity
    >>> from cnnexplain.model import LineCNN
    >>> fig = plot_kernel_similarity(kernel_similarity(LineCNN()))
    >>> fig.axes[0].get_images()[0].get_array().shape
    (8, 8)
    >>> plt.close(fig)
    """
    sim = check_real_array("similarity", similarity)
    if sim.ndim != 2 or sim.shape[0] != sim.shape[1] or sim.shape[0] < 1:
        raise ValueError(f"similarity must be a square (K, K) matrix, got shape {np.shape(similarity)}")
    if threshold is not None:
        threshold = check_float("threshold", threshold, low=0, high=1)
    n = len(sim)
    norm = Normalize(-1.0, 1.0)
    with styled_axes(ax, fig, (0.55 * n + 1.9, 0.55 * n + 0.9)) as axis:
        image = show(axis, sim, norm)
        axis.set_anchor("E")  # against its colour bar
        if n <= 16:
            annotate_cells(axis, sim, norm, fontsize=7 if n > 8 else 9)
        if threshold is not None:
            for i, j in zip(*np.nonzero(np.abs(sim) >= threshold)):
                if i != j:
                    axis.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", lw=1.5))
        axis.set_xticks(range(n))
        axis.set_yticks(range(n))
        axis.tick_params(length=0)
        axis.set_xlabel("kernel")
        axis.set_ylabel("kernel")
        axis.set_title("kernel similarity (cosine)")
        colorbar(axis.get_figure(), image, axis, label="cosine similarity", shrink=0.85, aspect=20)
    return axis.figure.figure


def plot_maximizing_inputs(
    images: Any,
    *,
    titles: Sequence[str] | None = None,
    kernels: Any = None,
    crop: int | None = None,
    ncols: int | None = None,
    fig: FigureBase | None = None,
) -> Figure:
    """Show the inputs that excite channels most, optionally above their kernels.

    Parameters
    ----------
    images : torch.Tensor or numpy.ndarray
        ``(K, H, W)`` images in ``[0, 1]``, from
        :func:`~cnnexplain.analysis.maximize_activation`.
    titles : sequence of str, optional
        One title per image; ``"channel k"`` by default.
    kernels : torch.Tensor or numpy.ndarray, optional
        ``(K, 1, kh, kw)`` or ``(K, kh, kw)`` kernels, drawn below the images.
    crop : int, optional
        Show only the centred ``crop x crop`` square (the receptive field of
        a centre unit).
    ncols : int, optional
        Images per row; by default as many as fit the site's width, in
        balanced rows.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        Rows of images and, below each, of their kernels; colour bars.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import torch
    >>> fig = plot_maximizing_inputs(torch.rand(3, 20, 20), crop=10)
    >>> fig.axes[0].get_images()[0].get_array().shape
    (10, 10)
    >>> plt.close(fig)
    """
    imgs = planes("images", images)
    n = len(imgs)
    titles = [f"channel {k}" for k in range(n)] if titles is None else str_list("titles", titles, length=n)
    if crop is not None:
        crop = check_int("crop", crop, low=1, high=min(imgs.shape[1:]))
        top, left = (imgs.shape[1] - crop) // 2, (imgs.shape[2] - crop) // 2
        imgs = imgs[:, top : top + crop, left : left + crop]
    if kernels is not None:
        kernels = planes("kernels", kernels)
        if len(kernels) != n:
            raise ValueError(f"kernels must hold one kernel per image ({n}), got {len(kernels)}")
    panel = max(1.2, panel_inches(max(kernels.shape[1:])) if kernels is not None else 0.0)
    if ncols is None:
        cols = columns(n, panel, FIGURE_WIDTH - COLORBAR_INCHES)
    else:
        cols = min(check_int("ncols", ncols, low=1, high=64), n)
    stacks = [(imgs, image_norm(imgs), titles)]
    if kernels is not None:
        stacks.append((kernels, signed_norm(kernels), [f"kernel {k}" for k in range(n)]))
    size = (panel * cols + COLORBAR_INCHES, (panel + 0.15) * math.ceil(n / cols) * len(stacks) + 0.3)
    with styled_figure(fig, size) as container:
        for shown, label in zip(panel_rows(container, cols, *stacks), ("pixel", "weight")):
            # With several rows, the stacks' rows alternate: one colour bar per row, so that
            # the bars of the two stacks do not overlap.
            rows = [shown[i : i + cols] for i in range(0, len(shown), cols)] if len(stacks) > 1 else [shown]
            for row in rows:
                colorbar(container, row[0].images[0], row, label=label, shrink=0.9, aspect=20 / len(rows))
    return container.figure
