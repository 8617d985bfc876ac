"""Figures of the analyses that go beyond the article (:mod:`cnnexplain.analysis`).

How much each kernel looks like an edge detector, and when it became one
(:func:`plot_edge_match`, :func:`plot_best_templates`,
:func:`plot_edge_templates`); which class each kernel prefers
(:func:`plot_selectivity`); which kernels are near copies
(:func:`plot_kernel_similarity`) and what the model loses without each one
(:func:`plot_ablation`); the inputs that excite a channel most
(:func:`plot_maximizing_inputs`); and where the network looks
(:func:`plot_attribution`).

Every function returns the :class:`~matplotlib.figure.Figure` it drew into,
made with :func:`matplotlib.pyplot.figure` unless a figure (or an axes, where
there is one panel) is given, and never calls ``plt.show()``. Image panels
show exactly the numbers they claim (``AxesImage.get_array()``). Signed
values use ``SIGNED_CMAP`` with symmetric limits shared
by the panels compared, non-negative ones a sequential map from zero, each
with a colour bar. Kernels are numbered from 0, as in code.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, FigureBase
from matplotlib.patches import Rectangle
from matplotlib.ticker import MaxNLocator

from .._checks import check_choice, check_float, check_int, describe
from .._checks import check_real_array as _array
from ..analysis import EDGE_KINDS, Ablation, EdgeMatch, EdgeMatchHistory, Selectivity, edge_match
from ..edges import edge_template
from ._style import (
    SIGNED_CMAP,
    annotate_cells,
    bare_axes,
    check_str_sequence,
    cmap_of,
    new_figure,
    rc,
    root_figure,
    signed_limit,
)

__all__ = [
    "HEAT_CMAP",
    "plot_ablation",
    "plot_attribution",
    "plot_best_templates",
    "plot_edge_match",
    "plot_edge_templates",
    "plot_kernel_similarity",
    "plot_maximizing_inputs",
    "plot_selectivity",
]

#: Colour map of non-negative heat maps drawn over images (saliency, Grad-CAM).
HEAT_CMAP = "inferno"


# -- helpers -------------------------------------------------------------------------


def _axes_or_figure(ax: Any, fig: Any, figsize: tuple[float, float]) -> tuple[FigureBase, Axes]:
    """The axes to draw one panel into: ``ax``, or a new one in ``fig`` (or a new figure)."""
    if ax is not None:
        if not isinstance(ax, Axes):
            raise TypeError(f"ax must be a matplotlib Axes or None, got {describe(ax)}")
        if fig is not None:
            raise ValueError("give ax or fig, not both")
        return ax.figure, ax
    container = new_figure(fig, figsize)
    return container, container.add_subplot()


def _colorbar(container: FigureBase, mappable, axes, *, label: str = "", **kwargs):
    cbar = container.colorbar(mappable, ax=axes, **kwargs)
    cbar.ax.tick_params(labelsize=7, length=2, pad=1)
    cbar.outline.set_linewidth(0.5)
    if label:
        cbar.set_label(label, fontsize=8)
    if cbar.orientation == "vertical":
        cbar.ax.yaxis.set_major_locator(MaxNLocator(5, symmetric=mappable.norm.vmin < 0))
    return cbar


def _clean(ax: Axes) -> None:
    ax.tick_params(labelsize=7, length=2, pad=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


def _kernels_2d(name: str, weights: Any) -> np.ndarray:
    """Kernels ``(K, kh, kw)`` from ``(K, 1, kh, kw)``, ``(K, kh, kw)`` or ``(kh, kw)``."""
    if isinstance(weights, torch.nn.Module):
        raise TypeError(f"{name} must be a tensor or array of kernels, not a model; pass model.conv1.weight")
    w = _array(name, weights)
    if w.ndim == 4 and w.shape[1] == 1:
        w = w[:, 0]
    elif w.ndim == 2:
        w = w[None]
    if w.ndim != 3 or min(w.shape) < 1:
        raise ValueError(
            f"{name} must have shape (K, 1, kh, kw), (K, kh, kw) or (kh, kw), got shape {np.shape(weights)}"
        )
    return w


def _kernel_list(name: str, kernels: Any, n: int) -> list[int]:
    if kernels is None:
        return list(range(n))
    if isinstance(kernels, (str, bytes)) or not isinstance(kernels, Sequence) or not kernels:
        raise TypeError(f"{name} must be a non-empty sequence of kernel numbers, got {describe(kernels)}")
    return [check_int(f"{name}[{i}]", k, low=0, high=n - 1) for i, k in enumerate(kernels)]


def _match_label(angle: float, polarity: int, kind: str) -> str:
    if polarity == 0:
        return "constant"
    sign = "+" if polarity > 0 else "\u2212"
    return f"{kind} {angle:.0f}\u00b0 {sign}"


# -- edge match ------------------------------------------------------------------------
def plot_edge_match(
    result: EdgeMatchHistory,
    *,
    kernels: Sequence[int] | None = None,
    chance: float | None = None,
    ax: Axes | None = None,
    fig: FigureBase | None = None,
) -> Figure:
    """Draw each kernel's edge-match score against the training epoch.

    Parameters
    ----------
    result : EdgeMatchHistory
        From :func:`~cnnexplain.analysis.edge_match_history` (a layer with
        one input channel, such as ``conv1``).
    kernels : sequence of int, optional
        The kernels drawn; all by default.
    chance : float, optional
        A score to mark with a dashed line, for instance the 95th percentile
        of :func:`~cnnexplain.analysis.random_edge_scores`.
    ax : Axes, optional
        Where to draw; a new figure by default.
    fig : Figure or SubFigure, optional
        A figure to draw one new panel into (instead of ``ax``).

    Returns
    -------
    matplotlib.figure.Figure
        One line per kernel (``Line2D.get_ydata()`` is its score per
        snapshot, ``get_xdata()`` the epochs), labelled with the kernel's
        number and its final best template.

    Raises
    ------
    TypeError, ValueError
        If ``result`` is not an :class:`~cnnexplain.analysis.EdgeMatchHistory`
        of one kernel axis, or another argument is malformed.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> from cnnexplain.analysis import edge_match_history
    >>> history = train(LineCNN(), make_lines(n_per_class=8), epochs=1)
    >>> fig = plot_edge_match(edge_match_history(history))
    >>> len(fig.axes[0].get_lines())
    8
    >>> plt.close(fig)
    """
    if not isinstance(result, EdgeMatchHistory):
        raise TypeError(f"result must be an EdgeMatchHistory from edge_match_history, got {describe(result)}")
    if result.score.ndim != 2:
        raise ValueError(
            f"result must hold one kernel axis (a layer with one input channel), got scores of shape {result.score.shape}"
        )
    chosen = _kernel_list("kernels", kernels, result.score.shape[1])
    if chance is not None:
        chance = check_float("chance", chance, low=0, high=1)
    with rc():
        container, axis = _axes_or_figure(ax, fig, (6.4, 3.4))
        colors = mpl.colormaps["tab10" if max(chosen) < 10 else "tab20"]
        final = result.at(-1)
        for k in chosen:
            label = f"kernel {k}: " + _match_label(
                float(final.angle[k]), int(final.polarity[k]), str(final.kind[k])
            )
            axis.plot(
                result.epochs,
                result.score[:, k],
                color=colors(k % colors.N),
                lw=1.5,
                marker="o",
                ms=2.5,
                label=label,
            )
        if chance is not None:
            axis.axhline(chance, color="0.4", ls="--", lw=1, label=f"random kernels ({chance:.2f})")
        axis.set_ylim(0, 1.02)
        axis.set_xlim(float(result.epochs[0]), float(result.epochs[-1]) if len(result) > 1 else 1.0)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        axis.set_xlabel("epoch")
        axis.set_ylabel("edge-match score")
        axis.set_title(f"{result.layer}: best correlation with an edge template", fontsize=9)
        axis.grid(True, lw=0.4, color="0.9")
        _clean(axis)
        axis.legend(
            loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, fontsize=7, handlelength=1.5
        )
    return root_figure(container)


def plot_best_templates(
    weights: Any,
    match: EdgeMatch | None = None,
    *,
    ncols: int = 8,
    fig: FigureBase | None = None,
) -> Figure:
    """Show each kernel above the edge template that fits it best.

    The template is drawn with the kernel's mean and contrast --
    ``mean(kernel) + beta * template``, with ``beta > 0`` chosen so that both
    have the same standard deviation -- so that both share one colour scale
    and the eye compares their patterns.

    Parameters
    ----------
    weights : torch.Tensor or numpy.ndarray
        Kernels ``(K, 1, kh, kw)`` or ``(K, kh, kw)``, such as
        ``model.conv1.weight``.
    match : EdgeMatch, optional
        Their :func:`~cnnexplain.analysis.edge_match`; computed if omitted.
    ncols : int
        Kernels per row.
    fig : Figure or SubFigure, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        For each kernel ``k`` two panels: ``kernel k`` (the weights) and
        ``template k`` (its best template, scaled), titled with the template's kind,
        angle, polarity and the score ``r``; one shared, symmetric colour bar.

    Raises
    ------
    TypeError, ValueError
        If the weights are malformed or ``match`` does not describe them.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain.model import LineCNN
    >>> fig = plot_best_templates(LineCNN().conv1.weight)
    >>> fig.axes[0].get_title(), len(fig.axes)
    ('kernel 0', 17)
    >>> plt.close(fig)
    """
    w = _kernels_2d("weights", weights)
    if match is None:
        match = edge_match(w)
    if not isinstance(match, EdgeMatch):
        raise TypeError(f"match must be an EdgeMatch from edge_match, got {describe(match)}")
    if match.score.shape != (w.shape[0],) or tuple(match.kernel_size) != w.shape[1:]:
        raise ValueError(
            f"match must describe the {w.shape[0]} kernels of size {w.shape[1:]}, got scores of shape "
            f"{match.score.shape} for kernels of size {tuple(match.kernel_size)}"
        )
    ncols = check_int("ncols", ncols, low=1, high=64)
    n = w.shape[0]
    scaled = np.empty_like(w)
    for k in range(n):
        t = match.template(k).numpy().astype(float)
        t = t - t.mean()
        t_norm = float(np.linalg.norm(t))
        beta = float(np.linalg.norm(w[k] - w[k].mean())) / t_norm if t_norm > 0 else 0.0
        scaled[k] = w[k].mean() + beta * t
    norm = Normalize(-signed_limit(w, scaled), signed_limit(w, scaled))
    cols = min(ncols, n)
    rows = math.ceil(n / cols)
    with rc():
        container = new_figure(fig, (1.05 * cols + 1.0, 2.3 * rows + 0.2))
        axes = container.subplots(2 * rows, cols, squeeze=False)
        shown = []
        for k in range(rows * cols):
            r, c = divmod(k, cols)
            top, bottom = axes[2 * r, c], axes[2 * r + 1, c]
            if k >= n:
                top.set_axis_off()
                bottom.set_axis_off()
                continue
            im = top.imshow(w[k], cmap=cmap_of(True), norm=norm, interpolation="nearest")
            bottom.imshow(scaled[k], cmap=cmap_of(True), norm=norm, interpolation="nearest")
            bare_axes(top)
            bare_axes(bottom)
            top.set_title(f"kernel {k}", fontsize=8, pad=3)
            label = _match_label(float(match.angle[k]), int(match.polarity[k]), str(match.kind[k]))
            bottom.set_title(f"template {k}", fontsize=8, pad=3)
            bottom.set_xlabel(f"{label}\nr = {float(match.score[k]):.2f}", fontsize=7, labelpad=2)
            shown += [top, bottom]
        _colorbar(container, im, shown, label="weight", shrink=0.9, aspect=25)
    return root_figure(container)


def plot_edge_templates(
    size: int = 7,
    angles: Sequence[float] = (0, 45, 90, 135),
    *,
    kinds: Sequence[str] = EDGE_KINDS,
    fig: FigureBase | None = None,
) -> Figure:
    """Show the edge templates the kernels are compared with.

    Parameters
    ----------
    size : int
        Side of the templates.
    angles : sequence of float
        Orientations in degrees (0: vertical edge, 90: horizontal edge).
    kinds : sequence of str
        Template kinds, one row each.
    fig : Figure or SubFigure, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        A grid of :func:`~cnnexplain.edges.edge_template` panels, rows
        ``kinds``, columns ``angles``; each row on its own symmetric scale
        (Sobel weights are larger), with colour bars.

    Raises
    ------
    TypeError, ValueError
        If ``size`` is not an integer in ``[1, 64]``, ``angles`` is not a
        sequence of finite numbers, or ``kinds`` holds an unknown kind.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> fig = plot_edge_templates(3, angles=(0, 90))
    >>> fig.axes[0].get_images()[0].get_array().tolist()
    [[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]]
    >>> plt.close(fig)
    """
    size = check_int("size", size, low=1, high=64)
    if isinstance(angles, (str, bytes)) or not isinstance(angles, Sequence) or not angles:
        raise TypeError(f"angles must be a non-empty sequence of degrees, got {describe(angles)}")
    angle_list = [check_float(f"angles[{i}]", a) for i, a in enumerate(angles)]
    kind_list = check_str_sequence("kinds", kinds)
    for kind in kind_list:
        check_choice("kinds", kind, EDGE_KINDS)
    with rc():
        container = new_figure(fig, (1.15 * len(angle_list) + 1.2, 1.3 * len(kind_list) + 0.3))
        axes = container.subplots(len(kind_list), len(angle_list), squeeze=False)
        for r, kind in enumerate(kind_list):
            templates = [edge_template(size, a, kind).numpy().astype(float) for a in angle_list]
            norm = Normalize(-signed_limit(*templates), signed_limit(*templates))
            for c, (a, t) in enumerate(zip(angle_list, templates)):
                im = axes[r, c].imshow(t, cmap=cmap_of(True), norm=norm, interpolation="nearest")
                bare_axes(axes[r, c])
                axes[r, c].set_title(f"{kind} {a:g}\u00b0", fontsize=8, pad=3)
            _colorbar(container, im, list(axes[r]), shrink=0.85, aspect=12)
    return root_figure(container)


# -- selectivity, ablation ---------------------------------------------------------------
def plot_selectivity(result: Selectivity, *, fig: FigureBase | None = None) -> Figure:
    """Show each kernel's mean activation per class and its selectivity index.

    Parameters
    ----------
    result : Selectivity
        From :func:`~cnnexplain.analysis.selectivity`.
    fig : Figure or SubFigure, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        Top panel: grouped bars of the mean activation of each kernel on each
        class of ``result.pair``. Bottom panel: the index per kernel, from -1
        to 1, bars coloured on the diverging map; the kernels preferring each
        class most are named in the title.

    Raises
    ------
    TypeError
        If ``result`` is not a :class:`~cnnexplain.analysis.Selectivity` or
        ``fig`` is not a figure.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines
    >>> from cnnexplain.analysis import selectivity
    >>> fig = plot_selectivity(selectivity(LineCNN(), make_lines(n_per_class=4)))
    >>> [float(v) for v in fig.axes[1].get_ylim()]
    [-1.0, 1.0]
    >>> plt.close(fig)
    """
    if not isinstance(result, Selectivity):
        raise TypeError(f"result must be a Selectivity from selectivity, got {describe(result)}")
    a, b = result.pair
    ia, ib = result.classes.index(a), result.classes.index(b)
    k = np.arange(len(result))
    with rc():
        container = new_figure(fig, (max(4.0, 0.5 * len(result) + 2.0), 4.6))
        ax_mean, ax_index = container.subplots(2, 1, sharex=True, height_ratios=(1, 1.1))
        width = 0.38
        ax_mean.bar(k - width / 2, result.means[:, ia], width, color="C0", label=a)
        ax_mean.bar(k + width / 2, result.means[:, ib], width, color="C1", label=b)
        ax_mean.set_ylabel(f"mean {result.layer}\n({result.reduce} over positions)")
        ax_mean.set_ylim(bottom=0)
        ax_mean.legend(frameon=False, fontsize=7, ncols=2, loc="upper left")
        _clean(ax_mean)
        norm = Normalize(-1.0, 1.0)
        cmap = mpl.colormaps[SIGNED_CMAP]
        ax_index.bar(k, result.index, 0.7, color=cmap(norm(result.index)), edgecolor="0.3", linewidth=0.5)
        ax_index.axhline(0, color="0.3", lw=0.6)
        ax_index.set_ylim(-1.0, 1.0)
        ax_index.set_ylabel("selectivity index")
        ax_index.set_xticks(k)
        ax_index.set_xlabel("kernel")
        ax_index.text(1.01, 1.0, f"only {a}", transform=ax_index.transAxes, fontsize=7, va="top")
        ax_index.text(1.01, 0.0, f"only {b}", transform=ax_index.transAxes, fontsize=7, va="bottom")
        _clean(ax_index)
        ax_mean.set_title(
            f"{result.layer}: kernel {result.preferring(a)} prefers {a} most, kernel {result.preferring(b)} {b}",
            fontsize=9,
        )
    return root_figure(container)


def plot_ablation(result: Ablation, *, fig: FigureBase | None = None) -> Figure:
    """Show what the model loses when each kernel is zeroed.

    Parameters
    ----------
    result : Ablation
        From :func:`~cnnexplain.analysis.ablation`.
    fig : Figure or SubFigure, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        Left: the accuracy drop per kernel, in percentage points (bar
        heights are ``100 * result.drop``). Right: the increase of the mean
        cross-entropy, which shows the kernels that matter even when the
        accuracy does not move.

    Raises
    ------
    TypeError
        If ``result`` is not an :class:`~cnnexplain.analysis.Ablation` or
        ``fig`` is not a figure.

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
    if not isinstance(result, Ablation):
        raise TypeError(f"result must be an Ablation from ablation, got {describe(result)}")
    x = np.arange(len(result))
    labels = [str(c) for c in result.channels]
    with rc():
        container = new_figure(fig, (max(5.0, 0.7 * len(result) + 2.5), 2.8))
        ax_acc, ax_loss = container.subplots(1, 2)
        ax_acc.bar(x, 100 * result.drop, 0.7, color="C3")
        ax_acc.set_ylabel("accuracy drop (points)")
        ax_acc.set_title(
            f"{result.layer} ablation; intact accuracy {100 * result.baseline_accuracy:.1f}%", fontsize=9
        )
        ax_loss.bar(x, result.loss - result.baseline_loss, 0.7, color="C0")
        ax_loss.set_ylabel("loss increase")
        ax_loss.set_title(f"intact loss {result.baseline_loss:.3g}", fontsize=9)
        for ax in (ax_acc, ax_loss):
            ax.axhline(0, color="0.3", lw=0.6)
            ax.set_xticks(x, labels)
            ax.set_xlabel("kernel zeroed")
            _clean(ax)
    return root_figure(container)


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
        Outline the pairs whose ``|similarity|`` reaches it (off the
        diagonal), as :func:`~cnnexplain.analysis.redundant_pairs` counts them.
    ax : Axes, optional
        Where to draw; a new figure by default.
    fig : Figure or SubFigure, optional
        A figure to draw one new panel into (instead of ``ax``).

    Returns
    -------
    matplotlib.figure.Figure
        The matrix on the diverging map from -1 to 1, values written in the
        cells (up to 16 kernels), with a colour bar.

    Raises
    ------
    TypeError, ValueError
        If ``similarity`` is not a finite square matrix, ``threshold`` is
        not in ``[0, 1]``, or both ``ax`` and ``fig`` are given.

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
    sim = _array("similarity", similarity)
    if sim.ndim != 2 or sim.shape[0] != sim.shape[1] or sim.shape[0] < 1:
        raise ValueError(f"similarity must be a square (K, K) matrix, got shape {np.shape(similarity)}")
    if threshold is not None:
        threshold = check_float("threshold", threshold, low=0, high=1)
    n = sim.shape[0]
    norm = Normalize(-1.0, 1.0)
    with rc():
        container, axis = _axes_or_figure(ax, fig, (0.42 * n + 1.6, 0.42 * n + 0.8))
        im = axis.imshow(sim, cmap=cmap_of(True), norm=norm, interpolation="nearest")
        if n <= 16:
            annotate_cells(axis, sim, norm, fontsize=6 if n > 8 else 7)
        if threshold is not None:
            for i, j in zip(*np.nonzero(np.abs(sim) >= threshold)):
                if i != j:
                    axis.add_patch(Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, edgecolor="black", lw=1.5))
        axis.set_xticks(range(n))
        axis.set_yticks(range(n))
        axis.tick_params(labelsize=7, length=0)
        axis.set_xlabel("kernel")
        axis.set_ylabel("kernel")
        axis.set_title("kernel similarity (cosine)", fontsize=9)
        _colorbar(container, im, axis, shrink=0.85, aspect=20)
    return root_figure(container)


# -- maximizing inputs --------------------------------------------------------------------
def plot_maximizing_inputs(
    images: Any,
    *,
    titles: Sequence[str] | None = None,
    kernels: Any = None,
    crop: int | None = None,
    ncols: int = 8,
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
        ``(K, kh, kw)`` or ``(K, 1, kh, kw)`` kernels drawn below the images
        (for ``conv1``), on a shared symmetric scale.
    crop : int, optional
        Show only the centred ``crop x crop`` square of each image (the
        receptive field of a centre unit).
    ncols : int
        Images per row.
    fig : Figure or SubFigure, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        Image panels in grey from 0 (black) to 1 (white), with a colour bar;
        kernel panels (if given) on the diverging map.

    Raises
    ------
    TypeError, ValueError
        If ``images`` is not a finite ``(K, H, W)`` array, ``titles`` or
        ``kernels`` do not have one entry per image, or ``crop`` or
        ``ncols`` is out of range.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import torch
    >>> fig = plot_maximizing_inputs(torch.rand(3, 20, 20), crop=10)
    >>> fig.axes[0].get_images()[0].get_array().shape
    (10, 10)
    >>> plt.close(fig)
    """
    imgs = _array("images", images)
    if imgs.ndim == 2:
        imgs = imgs[None]
    if imgs.ndim != 3 or min(imgs.shape) < 1:
        raise ValueError(f"images must have shape (K, H, W), got shape {np.shape(images)}")
    n = imgs.shape[0]
    title_list = (
        [f"channel {k}" for k in range(n)]
        if titles is None
        else check_str_sequence("titles", titles, length=n)
    )
    if crop is not None:
        crop = check_int("crop", crop, low=1, high=min(imgs.shape[1:]))
        top = (imgs.shape[1] - crop) // 2
        left = (imgs.shape[2] - crop) // 2
        imgs = imgs[:, top : top + crop, left : left + crop]
    w = None
    if kernels is not None:
        w = _kernels_2d("kernels", kernels)
        if w.shape[0] != n:
            raise ValueError(f"kernels must hold one kernel per image ({n}), got {w.shape[0]}")
    ncols = check_int("ncols", ncols, low=1, high=64)
    cols = min(ncols, n)
    rows = math.ceil(n / cols)
    per = 2 if w is not None else 1
    vmax = max(1.0, float(imgs.max()))
    img_norm = Normalize(0.0, vmax)
    with rc():
        container = new_figure(fig, (1.1 * cols + 1.0, 1.25 * rows * per + 0.3))
        axes = container.subplots(rows * per, cols, squeeze=False)
        shown_img, shown_k = [], []
        im_img = im_k = None
        k_norm = Normalize(-signed_limit(w), signed_limit(w)) if w is not None else None
        for k in range(rows * cols):
            r, c = divmod(k, cols)
            ax = axes[per * r, c]
            if k >= n:
                ax.set_axis_off()
                if w is not None:
                    axes[per * r + 1, c].set_axis_off()
                continue
            im_img = ax.imshow(imgs[k], cmap=cmap_of(False), norm=img_norm, interpolation="nearest")
            bare_axes(ax)
            ax.set_title(title_list[k], fontsize=8, pad=3)
            shown_img.append(ax)
            if w is not None:
                axk = axes[per * r + 1, c]
                im_k = axk.imshow(w[k], cmap=cmap_of(True), norm=k_norm, interpolation="nearest")
                bare_axes(axk)
                axk.set_title(f"kernel {k}", fontsize=8, pad=3)
                shown_k.append(axk)
        _colorbar(container, im_img, shown_img, label="pixel", shrink=0.9, aspect=20)
        if w is not None:
            _colorbar(container, im_k, shown_k, label="weight", shrink=0.9, aspect=20)
    return root_figure(container)


# -- attribution ------------------------------------------------------------------------------
def _maps_dict(maps: Any, titles: Sequence[str] | None) -> dict[str, np.ndarray]:
    if isinstance(maps, Mapping):
        if titles is not None:
            raise ValueError("titles must be None when maps is a mapping (its keys are the titles)")
        if not maps:
            raise ValueError("maps must hold at least one method")
        return {str(k): _array(f"maps[{k!r}]", v) for k, v in maps.items()}
    if isinstance(maps, (torch.Tensor, np.ndarray)):
        maps = [maps]
    if isinstance(maps, (str, bytes)) or not isinstance(maps, Sequence) or not maps:
        raise TypeError(
            f"maps must be an (N, H, W) array, a list of them or a dict of them, got {describe(maps)}"
        )
    names = (
        [f"map {i}" for i in range(len(maps))]
        if titles is None
        else check_str_sequence("titles", titles, length=len(maps))
    )
    if len(set(names)) != len(names):
        raise ValueError(f"titles must be distinct, got {names}")
    return {name: _array(f"maps[{i}]", m) for i, (name, m) in enumerate(zip(names, maps))}


def plot_attribution(
    images: Any,
    maps: Any,
    *,
    titles: Sequence[str] | None = None,
    signed: bool | Sequence[bool] | None = None,
    alpha: float = 0.85,
    dim: float = 0.5,
    show_image: bool = True,
    row_labels: Sequence[str] | None = None,
    fig: FigureBase | None = None,
) -> Figure:
    """Overlay attribution maps (saliency, occlusion, Grad-CAM) on single-channel images.

    Each map is drawn over its image -- the image in dimmed grey, the map in colour
    with an opacity that grows with ``|value|`` (up to ``alpha``), so that the
    image shows through where the map is near zero. Each method (column) has
    one colour scale shared by all its images: symmetric on
    ``SIGNED_CMAP`` for a signed map, from zero on
    ``HEAT_CMAP`` for a non-negative one, with a colour bar.

    Parameters
    ----------
    images : torch.Tensor or numpy.ndarray
        ``(N, 1, H, W)`` or ``(N, H, W)`` images.
    maps : array, sequence of arrays or dict of str to array
        One ``(N, H, W)`` map per image for each method, for instance
        ``{"saliency": saliency(model, x), "Grad-CAM": grad_cam(model, x)}``.
    titles : sequence of str, optional
        Method names when ``maps`` is not a dict.
    signed : bool or sequence of bool, optional
        Whether each method's maps are signed; by default, signed when they
        hold a negative value.
    alpha : float
        Opacity of the largest values, in ``(0, 1]``.
    dim : float
        Brightness of the image under a map, in ``(0, 1]``: at the default
        0.5 white is drawn mid-grey, so that the map's colours stand out.
    show_image : bool
        Add a first column with the plain images.
    row_labels : sequence of str, optional
        One label per image (its class, for instance).
    fig : Figure or SubFigure, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        Rows are images, columns methods (titled). In an overlay panel, the
        first image is the input and the second the map
        (``ax.get_images()[1].get_array()`` is the map).

    Raises
    ------
    TypeError, ValueError
        If the images or maps are malformed or their shapes disagree.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import torch
    >>> images, maps = torch.rand(2, 1, 8, 8), torch.randn(2, 8, 8)
    >>> fig = plot_attribution(images, {"gradient": maps})
    >>> [ax.get_title() for ax in fig.axes[:2]]
    ['image', 'gradient']
    >>> plt.close(fig)
    """
    imgs = _array("images", images)
    if imgs.ndim == 4 and imgs.shape[1] == 1:
        imgs = imgs[:, 0]
    if imgs.ndim != 3 or min(imgs.shape) < 1:
        raise ValueError(f"images must have shape (N, 1, H, W) or (N, H, W), got shape {np.shape(images)}")
    methods = _maps_dict(maps, titles)
    for name, m in methods.items():
        if m.shape != imgs.shape:
            raise ValueError(f"maps[{name!r}] must have the images' shape {imgs.shape}, got {m.shape}")
    if signed is None:
        signs = [bool((m < 0).any()) for m in methods.values()]
    elif isinstance(signed, bool):
        signs = [signed] * len(methods)
    elif (
        isinstance(signed, Sequence)
        and len(signed) == len(methods)
        and all(isinstance(s, bool) for s in signed)
    ):
        signs = list(signed)
    else:
        raise TypeError(
            f"signed must be None, a bool or one bool per method ({len(methods)}), got {describe(signed)}"
        )
    alpha = check_float("alpha", alpha, low=0, high=1, low_open=True)
    dim = check_float("dim", dim, low=0, high=1, low_open=True)
    if not isinstance(show_image, bool):
        raise TypeError(f"show_image must be a bool, got {describe(show_image)}")
    n = imgs.shape[0]
    if row_labels is not None:
        row_labels = check_str_sequence("row_labels", row_labels, length=n)
    img_max = max(1.0, float(imgs.max()))
    img_norm = Normalize(0.0, img_max, clip=True)
    # Under a map, white is drawn mid-grey so that the map's colours stand out.
    dim_norm = Normalize(0.0, img_max / dim, clip=True)
    img_cmap = cmap_of(False)
    cols = len(methods) + int(show_image)
    with rc():
        container = new_figure(fig, (1.55 * cols + 0.8, 1.45 * n + 0.9))
        axes = container.subplots(n, cols, squeeze=False)
        if show_image:
            for i in range(n):
                axes[i, 0].imshow(imgs[i], cmap=img_cmap, norm=img_norm, interpolation="nearest")
                bare_axes(axes[i, 0])
            axes[0, 0].set_title("image", fontsize=8, pad=3)
        for j, ((name, m), is_signed) in enumerate(zip(methods.items(), signs)):
            col = j + int(show_image)
            vmax = signed_limit(m)
            if is_signed:
                norm, cmap = Normalize(-vmax, vmax), cmap_of(True)
            else:
                norm, cmap = Normalize(0.0, vmax), mpl.colormaps[HEAT_CMAP]
            for i in range(n):
                ax = axes[i, col]
                ax.imshow(imgs[i], cmap=img_cmap, norm=dim_norm, interpolation="nearest")
                opacity = alpha * np.clip(np.abs(m[i]) / vmax, 0.0, 1.0)
                ax.imshow(m[i], cmap=cmap, norm=norm, alpha=opacity, interpolation="nearest")
                bare_axes(ax)
            axes[0, col].set_title(name, fontsize=8, pad=3)
            _colorbar(
                container,
                ScalarMappable(norm=norm, cmap=cmap),
                list(axes[:, col]),
                location="bottom",
                shrink=0.9,
                aspect=12,
                pad=0.02,
            )
        if row_labels is not None:
            for i, label in enumerate(row_labels):
                axes[i, 0].set_ylabel(label, fontsize=8)
    return root_figure(container)
