"""How much each kernel looks like an edge detector, and since when.

Figures of :func:`cnnexplain.analysis.edge_match` and
:func:`~cnnexplain.analysis.edge_match_history`, and of the templates
(:func:`cnnexplain.edges.edge_template`) the kernels are compared with.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.ticker import MaxNLocator

from .._checks import check_choice, check_float, check_int, describe
from ..analysis import (
    EDGE_KINDS,
    EDGE_SHARE,
    EdgeMatch,
    EdgeMatchHistory,
    edge_fit,
    edge_match,
    edge_parts,
    edge_verdict,
)
from ..edges import edge_template
from ._args import instance_of, int_list, planes, str_list
from ._style import (
    COLORBAR_INCHES,
    FIGURE_WIDTH,
    colorbar,
    columns,
    panel_inches,
    panel_rows,
    show,
    signed_norm,
    styled_axes,
    styled_figure,
)

__all__ = ["plot_best_templates", "plot_edge_match", "plot_edge_parts", "plot_edge_templates"]


# What plot_best_templates writes under each template, besides its score.
_TEMPLATE_LABELS = ("template", "way")
# edge_verdict's words, in two short lines that fit under a 7x7 panel.
_VERDICT_LABELS = {
    "edge detector": "edge test: yes",
    "too little edge": "edge test: no\n(too little edge)",
    "smooth pattern beside it": "edge test: no\n(smooth pattern too)",
    "a line fits as well": "edge test: no\n(a line fits too)",
}


def _match_label(match: EdgeMatch, k: int, label: str = "template") -> str:
    """The best template of kernel ``k``: ``prewitt 45° +`` (or, by ``way``, ``diagonal edge``), or ``constant``."""
    polarity = int(match.polarity[k])
    if polarity == 0:
        return "constant"
    if label == "way":
        return f"{match.way()[k]} edge"
    sign = "+" if polarity > 0 else "\u2212"
    return f"{match.kind[k]} {float(match.angle[k]):.0f}\u00b0 {sign}"


# A horizontal or vertical edge this many degrees or more off its axis says how far, under its
# template: the eye reads a 20-degree tilt of a 7x7 template as a diagonal.
_TILT_SHOWN = 10.0


def _template_label(match: EdgeMatch, k: int, label: str, fits: bool) -> str:
    """The lines under template ``k``: what it is, and its score ``r``.

    A template that explains too little of its kernel to make it an edge detector (``fits``
    false) is only the closest one, and its label says that no edge fits.
    """
    name = _match_label(match, k, label)
    score = f"r = {float(match.score[k]):.2f}"
    if name == "constant":
        return f"{name}\n{score}"
    if not fits:  # in brackets: only the closest template
        return f"({name})\n{score}\nno edge fits"
    way = str(match.way()[k])
    off = float(abs((match.angle[k] + 45.0) % 90.0 - 45.0))  # degrees from the nearest axis
    if label == "way" and way != "diagonal" and off >= _TILT_SHOWN:
        score += f", tilted {off:.0f}\u00b0"
    return f"{name}\n{score}"


def _draw_edge_line(ax: Axes, shape: tuple[int, int], angle: float) -> None:
    """Draw the line of a template's edge, across the panel through its centre, dashed."""
    height, width = shape
    theta = np.deg2rad(angle)
    # The template's gradient points along (cos, sin) with y down the rows; its edge lies across.
    direction = np.array([-np.sin(theta), np.cos(theta)])
    centre = np.array([(width - 1) / 2, (height - 1) / 2])
    reach = np.hypot(width, height)
    (x0, y0), (x1, y1) = centre - reach * direction, centre + reach * direction
    limits = ax.get_xlim(), ax.get_ylim()
    ax.plot([x0, x1], [y0, y1], color="0.1", lw=1.0, ls=(0, (3, 2)), alpha=0.8)
    ax.set_xlim(*limits[0])
    ax.set_ylim(*limits[1])


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
        A threshold score to mark with a dashed line, for instance the
        upper end of ``threshold_interval`` of
        :func:`~cnnexplain.analysis.edge_score_null`.
    ax : Axes, optional
        Where to draw; a new figure by default.
    fig : Figure or SubFigure, optional
        A figure to draw one new panel into (instead of ``ax``).

    Returns
    -------
    matplotlib.figure.Figure
        One line per kernel (``get_ydata()``: its score per snapshot,
        ``get_xdata()``: the epochs), labelled with its final best template.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

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
    instance_of("result", result, EdgeMatchHistory, "an EdgeMatchHistory from edge_match_history")
    if result.score.ndim != 2:
        raise ValueError(
            f"result must hold one kernel axis (a layer with one input channel), got scores of shape {result.score.shape}"
        )
    n = result.score.shape[1]
    chosen = list(range(n)) if kernels is None else int_list("kernels", kernels, low=0, high=n - 1)
    if chance is not None:
        chance = check_float("chance", chance, low=0, high=1)
    final = result.at(-1)
    with styled_axes(ax, fig, (8.0, 3.6)) as axis:
        colors = mpl.colormaps["tab10" if max(chosen) < 10 else "tab20"]
        for k in chosen:
            label = f"kernel {k}: {_match_label(final, k)}"
            line = {"color": colors(k % colors.N), "lw": 1.5, "marker": "o", "ms": 2.5}
            axis.plot(result.epochs, result.score[:, k], label=label, **line)
        if chance is not None:
            axis.axhline(chance, color="0.4", ls="--", lw=1, label=f"threshold ({chance:.2f})")
        axis.set_ylim(0, 1.02)
        axis.set_xlim(float(result.epochs[0]), float(result.epochs[-1]) if len(result) > 1 else 1.0)
        axis.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=8))
        axis.set_xlabel("epoch")
        axis.set_ylabel("edge-match score")
        axis.set_title(f"{result.layer}: best correlation with an edge template")
        axis.grid(True)
        axis.legend(loc="center left", bbox_to_anchor=(1.01, 0.5))
    return axis.figure.figure


def plot_best_templates(
    weights: Any,
    match: EdgeMatch | None = None,
    *,
    ncols: int | None = None,
    name: str = "kernel",
    label: str = "template",
    verdict: bool = False,
    fig: FigureBase | None = None,
) -> Figure:
    """Show each kernel above the edge template that fits it best.

    The template is drawn centred on zero (white), its positive side red and
    its negative side blue, with the kernel's standard deviation, so that
    both share one colour scale and the eye compares their patterns; a
    dashed line marks its edge. The score ``r`` under it is their
    correlation, the template turned the way round that fits (so ``r`` is
    never negative). When no edge fits -- the best template of
    :func:`~cnnexplain.analysis.is_edge_detector`'s wider family explains
    less than :data:`~cnnexplain.analysis.EDGE_SHARE` of the kernel, the
    edge test's first condition -- the template shown is only the closest
    one, and its label says so: in brackets, ``(horizontal edge)``, above
    ``r = 0.12`` and ``no edge fits``. With ``label="way"``, a horizontal or
    vertical edge tilted 10 degrees or more says by how much.

    Parameters
    ----------
    weights : torch.Tensor or numpy.ndarray
        Kernels ``(K, 1, kh, kw)`` or ``(K, kh, kw)``, such as
        ``model.conv1.weight``.
    match : EdgeMatch, optional
        Their :func:`~cnnexplain.analysis.edge_match`; computed if omitted.
    ncols : int, optional
        Kernels per row; by default as many as fit the site's width with
        7x7 kernels 120 px wide, in balanced rows (4 and 4 for 8 kernels).
    name : str, default "kernel"
        What the panels call each of ``weights``: ``"change"`` titles them
        ``change 0``, ``change 1``, ... when they are what training added.
    label : {"template", "way"}, default "template"
        What is written under each template, above its score: the
        template itself (its kind, angle and polarity, ``sobel 135° +``),
        or only the way its edge lies, in words (``vertical edge``,
        ``horizontal edge`` or ``diagonal edge``, by
        :meth:`~cnnexplain.analysis.EdgeMatch.way`), for readers who have
        not met the templates' kinds and angles.
    verdict : bool, default False
        Also write, under the score, the site's edge test on the kernel
        (:func:`~cnnexplain.analysis.edge_verdict`): ``edge detector``, or
        the reason it is not one. A template can fit a kernel well that the
        test still rejects, for a line fits it as well, say.
    fig : Figure or SubFigure, optional
        Where to draw; a new figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        For each kernel ``k``, panels ``{name} k`` and ``template k``, the
        latter labelled as ``label`` says and with its score ``r`` (and
        ``no edge fits`` when none does); one colour bar.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain.model import LineCNN
    >>> fig = plot_best_templates(LineCNN().conv1.weight)
    >>> fig.axes[0].get_title(), len(fig.axes)
    ('kernel 0', 17)
    >>> plt.close(fig)
    """
    w = planes("weights", weights)
    if match is None:
        match = edge_match(w)
    instance_of("match", match, EdgeMatch, "an EdgeMatch from edge_match")
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a non-empty str such as 'change', got {name!r}")
    label = check_choice("label", label, _TEMPLATE_LABELS)
    if not isinstance(verdict, bool):
        raise TypeError(f"verdict must be True or False, got {verdict!r}")
    n = w.shape[0]
    if match.score.shape != (n,) or tuple(match.kernel_size) != w.shape[1:]:
        raise ValueError(
            f"match must describe the {n} kernels of size {w.shape[1:]}, got scores of shape "
            f"{match.score.shape} for kernels of size {tuple(match.kernel_size)}"
        )
    panel = panel_inches(max(w.shape[1:]))
    if ncols is None:
        cols = columns(n, panel, FIGURE_WIDTH - COLORBAR_INCHES)
    else:
        cols = min(check_int("ncols", ncols, low=1, high=64), n)
    # beta * template, beta > 0 giving it the kernel's spread (std), centred on zero: an edge is
    # red beside blue, as the text describes one, whatever the kernel's mean.
    scaled = np.empty_like(w)
    for k in range(n):
        template = match.template(k).numpy().astype(float)
        template -= template.mean()
        t_norm = float(np.linalg.norm(template))
        beta = float(np.linalg.norm(w[k] - w[k].mean())) / t_norm if t_norm > 0 else 0.0
        scaled[k] = beta * template
    norm = signed_norm(w, scaled)
    # Whether an edge fits at all: the edge test's first condition, where it applies (square,
    # odd kernels of 3 or more); elsewhere the template's own share of the kernel.
    kh, kw = w.shape[1:]
    if kh == kw and kh % 2 == 1 and kh >= 3:
        verdicts = edge_verdict(w)
        fits = verdicts != "too little edge"
    else:
        verdicts = None
        fits = np.asarray(match.score, dtype=float) ** 2 >= EDGE_SHARE
    if verdict and verdicts is None:
        raise ValueError(f"verdict needs square kernels of odd size 3 or more, got {kh}x{kw}")
    texts = []
    for k in range(n):
        text = _template_label(match, k, label, bool(fits[k]))
        if verdict:  # "no edge fits" already gives the reason of "too little edge"
            text += "\n" + ("edge test: no" if not fits[k] else _VERDICT_LABELS[verdicts[k]])
        texts.append(text)
    label_inches = 0.25 + 0.15 * max(text.count("\n") + 1 for text in texts)  # 0.15 in a line
    size = (panel * cols + COLORBAR_INCHES, (2 * panel + label_inches) * math.ceil(n / cols) + 0.2)
    with styled_figure(fig, size) as container:
        kernels = (w, norm, [f"{name} {k}" for k in range(n)])
        templates = (scaled, norm, [f"template {k}" for k in range(n)])
        tops, bottoms = panel_rows(container, cols, kernels, templates)  # kernel k above template k
        for k, ax in enumerate(bottoms):
            ax.set_xlabel(texts[k], fontsize=9, labelpad=2)
            if int(match.polarity[k]) != 0:
                _draw_edge_line(ax, (kh, kw), float(match.angle[k]))
        colorbar(container, tops[0].images[0], tops + bottoms, label="weight", shrink=0.9, aspect=25)
    return container.figure


def plot_edge_parts(
    kernels: Any,
    *,
    names: Sequence[str] | None = None,
    fig: FigureBase | None = None,
) -> Figure:
    """Show each kernel as the edge test splits it: its edge, the smooth patterns beside it, the rest.

    One row per kernel: the kernel minus its mean, then the three parts of
    :func:`~cnnexplain.analysis.edge_parts`, which add up to it, each titled
    with its share of the kernel's energy (sum of squares) and all on one
    colour scale. The edge test (:func:`~cnnexplain.analysis.is_edge_detector`)
    asks the edge for a third or more, and the smooth part for at most a
    third of the edge's share: the second panel should be strong, the third
    faint. Under each row, the test's verdict.

    Parameters
    ----------
    kernels : torch.Tensor or numpy.ndarray
        Square kernels ``(K, 1, k, k)`` or ``(K, k, k)``, ``k`` odd and at
        least 3.
    names : sequence of str, optional
        One name per kernel, for the first panel's title (default
        ``"kernel 0"``, ``"kernel 1"``, ...).
    fig : matplotlib.figure.Figure or SubFigure, optional
        Draw into this figure instead of a new one.

    Returns
    -------
    matplotlib.figure.Figure
        ``4 K`` panels and one colour bar.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain.model import LineCNN
    >>> fig = plot_edge_parts(LineCNN().conv1.weight[:2])
    >>> fig.axes[0].get_title(), fig.axes[4].get_title(), len(fig.axes)
    ('kernel 0', 'kernel 1', 9)
    >>> plt.close(fig)
    """
    w = planes("weights", kernels)
    n, (kh, kw) = w.shape[0], w.shape[1:]
    if kh != kw or kh % 2 == 0 or kh < 3:
        raise ValueError(f"kernels must be square, of odd size 3 or more, got {kh}x{kw}")
    names = [f"kernel {k}" for k in range(n)] if names is None else str_list("names", names)
    if len(names) != n:
        raise ValueError(f"names must give one name per kernel ({n}), got {len(names)}")
    centred = w - w.mean(axis=(1, 2), keepdims=True)
    parts = edge_parts(w)
    fit, verdicts = edge_fit(w), edge_verdict(w)
    norm = signed_norm(centred, *parts)
    titles = [
        names,
        [f"its edge: {share:.0%}" for share in fit.edge],
        [f"smooth beside it: {share:.0%}" for share in fit.smooth],
        ["the rest" for _ in range(n)],
    ]
    panel = panel_inches(kh)
    size = (4 * panel + COLORBAR_INCHES, (panel + 0.6) * n + 0.2)
    with styled_figure(fig, size) as container:
        axes = container.subplots(n, 4, squeeze=False)
        for k in range(n):
            for column, (data, title) in enumerate(zip((centred, *parts), titles)):
                ax = axes[k, column]
                show(ax, data[k], norm)
                ax.set_title(title[k], fontsize=9)
            axes[k, 0].set_xlabel(_VERDICT_LABELS[verdicts[k]], fontsize=9, labelpad=2)
        colorbar(container, axes[0, 0].images[0], axes, label="weight", shrink=0.9, aspect=25)
    return container.figure


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
        Side of the templates, in ``[1, 64]``.
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
        ``kinds``, columns ``angles``; each row on its own scale (Sobel
        weights are larger).

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

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
    angles = [check_float(f"angles[{i}]", a) for i, a in enumerate(angles)]
    kinds = [check_choice("kinds", kind, EDGE_KINDS) for kind in str_list("kinds", kinds)]
    with styled_figure(fig, (1.35 * len(angles) + 1.4, 1.45 * len(kinds) + 0.3)) as container:
        axes = container.subplots(len(kinds), len(angles), squeeze=False)
        for row, kind in zip(axes, kinds):
            templates = [edge_template(size, a, kind).numpy() for a in angles]
            norm = signed_norm(*templates)
            for ax, angle, template in zip(row, angles, templates):
                image = show(ax, template, norm)
                ax.set_title(f"{kind} {angle:g}\u00b0")
            colorbar(container, image, list(row), label="weight", shrink=0.85, aspect=12)
    return container.figure
