"""Kernels of a convolution layer: at one step, at several steps, and through training."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.animation import FuncAnimation
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, FigureBase
from torch import nn

from .._checks import check_float, check_int, check_real_array, describe
from ..history import WeightHistory
from ._args import instance_of, int_list, snapshot_indices
from ._style import (
    ANIMATION_STYLE,
    ANIMATION_WIDTH,
    COLORBAR_INCHES,
    FIGURE_WIDTH,
    LABEL_INCHES,
    colorbar,
    columns,
    panel_inches,
    panel_rows,
    row_label,
    show,
    signed_norm,
    styled_figure,
)
from .animation import make_animation
from .curves import draw_curves

__all__ = ["animate_kernels", "plot_kernels", "plot_kernels_compare"]


def _layer(layer: Any, layers: list[str] | None = None, owner: str = "") -> str:
    """``layer``: a name, one of the convolution layers ``layers`` of the history or model ``owner``."""
    if not isinstance(layer, str):
        raise TypeError(f"layer must be a layer name (str) such as 'conv1', got {describe(layer)}")
    if layers is not None and layer not in layers:
        raise ValueError(f"layer must be one of the {owner}'s convolution layers {layers}, got {layer!r}")
    return layer


def _history_weights(history: WeightHistory, layer: Any) -> np.ndarray:
    """All snapshots ``(S, out, in, kh, kw)`` of the weights of a convolution layer, as floats."""
    convs = [k.removesuffix(".weight") for k in history if k.endswith(".weight") and history[k].ndim == 5]
    return history[f"{_layer(layer, convs, 'history')}.weight"].astype(float)


def _weights_of(source: Any, layer: Any, step: Any) -> tuple[np.ndarray, float | None]:
    """The ``(out, in, kh, kw)`` weights of ``layer`` in ``source``, and their epoch if known."""
    if isinstance(source, WeightHistory):
        i = source.index(step)
        return _history_weights(source, layer)[i], float(source.epochs[i])
    if isinstance(source, nn.Module):
        convs = {n: m for n, m in source.named_modules() if isinstance(m, nn.Conv2d)}
        source = convs[_layer(layer, list(convs), "model")].weight
    elif isinstance(source, (torch.Tensor, np.ndarray)):
        _layer(layer)  # it only labels the figure
    else:
        raise TypeError(
            "source must be a WeightHistory, a torch.nn.Module or a tensor/array of shape "
            f"(out, in, kh, kw), got {describe(source)}"
        )
    w = check_real_array("source", source)
    if w.ndim != 4 or min(w.shape) < 1:
        raise ValueError(f"source must be weights of shape (out, in, kh, kw), got shape {w.shape}")
    return w, None


def _format_epoch(epoch: float) -> str:
    """``3`` for a whole epoch, ``2.50`` for a snapshot taken during an epoch."""
    e = float(epoch)
    return str(round(e)) if abs(e - round(e)) < 1e-9 else f"{e:.2f}"


def kernel_grid(
    container: FigureBase, weights: np.ndarray, norm: Normalize, *, ncols: int | None = None
) -> dict[tuple[int, int], Any]:
    """Draw kernels ``(out, in, kh, kw)`` into ``container``, with one colour bar.

    One panel per kernel (titled ``kernel i``, ``ncols`` per row, 8 by
    default) when there is one input channel; an ``out x in`` grid otherwise
    (rows ``kernel i``, columns ``in j``). Returns ``{(i, j): AxesImage}``.
    """
    n_out, n_in = weights.shape[:2]
    if n_in == 1:
        ncols = min(n_out, ncols or 8)
        (shown,) = panel_rows(container, ncols, (weights[:, 0], norm, [f"kernel {k}" for k in range(n_out)]))
        images = {(k, 0): ax.images[0] for k, ax in enumerate(shown)}
    else:
        axes = container.subplots(n_out, n_in, squeeze=False)
        images = {}
        for (k, c), ax in np.ndenumerate(axes):
            images[(k, c)] = show(ax, weights[k, c], norm)
            if k == 0:
                ax.set_title(f"in {c}", pad=2)
            if c == 0:
                row_label(ax, f"kernel {k}")
    shown = [image.axes for image in images.values()]
    colorbar(container, images[(0, 0)], shown, label="weight", shrink=0.9, aspect=25)
    return images


def _accuracy_at(history: WeightHistory, epoch: float) -> tuple[str, float | None, int]:
    """The accuracy known at a snapshot: ``(which, value, epoch it was measured at)``.

    Metrics are measured at the end of each epoch (index 0: before training),
    so a snapshot taken during epoch ``e + 1`` reports the value after ``e``.
    ``which`` is ``"test"`` (the held-out set, ``val_set`` in the API), or
    ``"training"`` without one.
    """
    e = math.floor(epoch + 1e-9)
    for which, key in (("test", "val_accuracy"), ("training", "train_accuracy")):
        values = history.metrics.get(key)
        if values is not None and np.isfinite(values).any():
            i = min(e, len(values) - 1)
            value = float(values[i])
            return which, (value if np.isfinite(value) else None), i
    return "test", None, e


def _frame_title(history: WeightHistory, step: int, layer: str) -> str:
    """``conv1 kernels, epoch 3`` over ``test accuracy 97.5%``, saying where the accuracy comes from.

    Always two lines, so that every frame fits the layout of the first, in a
    figure as narrow as a phone's column (:func:`animate_kernels`).
    """
    epoch = float(history.epochs[step])
    which, accuracy, at = _accuracy_at(history, epoch)
    text = f"{layer} kernels, epoch {_format_epoch(epoch)}\n{which} accuracy "
    text += "n/a" if accuracy is None else f"{100 * accuracy:.1f}%"
    if accuracy is not None and abs(epoch - at) > 1e-9:
        text += f" (after epoch {at})"
    if which == "training":
        text += " (no test set)"
    return text


def _step_label(history: WeightHistory, step: int, *, one_line: bool = False) -> str:
    """``epoch 3`` and, below it (or after it), ``(initialization)`` or the accuracy then."""
    epoch = float(history.epochs[step])
    text = f"epoch {_format_epoch(epoch)}"
    if epoch == 0:
        return text + (" " if one_line else "\n") + "(initialization)"
    which, accuracy, _ = _accuracy_at(history, epoch)
    if accuracy is None:
        return text
    short = "test" if which == "test" else "train"
    return text + (", " if one_line else "\n") + f"{short} acc. {100 * accuracy:.1f}%"


def plot_kernels(
    source: Any,
    layer: str = "conv1",
    step: int = -1,
    *,
    in_channel: int | None = None,
    fig: FigureBase | None = None,
    vmax: float | None = None,
    title: str | None = None,
) -> Figure:
    """A grid of the kernels of one convolution layer, with one colour bar.

    Parameters
    ----------
    source : WeightHistory, torch.nn.Module, torch.Tensor or numpy.ndarray
        A history (at snapshot ``step``), a model, or weights ``(out, in, kh, kw)``.
    layer : str
        A convolution layer, such as ``"conv1"``; with weights, only a label.
    step : int
        Snapshot of a history: ``0`` is the initialization, ``-1`` the end.
    in_channel : int, optional
        Show only this input channel; by default, an ``out x in`` grid.
    fig : Figure or SubFigure, optional
        Where to draw.
    vmax : float, optional
        Colour limit; by default the largest absolute weight shown.
    title : str, optional
        By default the layer and the epoch; ``""`` for none.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per kernel, titled ``kernel 0``, ``kernel 1``, ...

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain.model import LineCNN
    >>> from cnnexplain.viz import plot_kernels
    >>> fig = plot_kernels(LineCNN().conv1.weight)
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['kernel 0', 'kernel 1', 'kernel 2']
    >>> plt.close(fig)
    """
    weights, epoch = _weights_of(source, layer, step)
    n_out, n_in = weights.shape[:2]
    if in_channel is not None:
        in_channel = check_int("in_channel", in_channel, low=0, high=n_in - 1)
        weights = weights[:, in_channel : in_channel + 1]
    if vmax is not None:
        vmax = check_float("vmax", vmax, low=0, low_open=True)
    norm = signed_norm(weights) if vmax is None else Normalize(-vmax, vmax)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {describe(title)}")
    if title is None:
        title = f"{layer} kernels"
        if in_channel is not None:
            title += f", input channel {in_channel}"
        if epoch is not None:
            title += f", epoch {_format_epoch(epoch)}" + (" (initialization)" if epoch == 0 else "")
    panel = panel_inches(max(weights.shape[2:]))
    top = 0.45 if title else 0.15
    ncols = None
    if weights.shape[1] == 1:
        ncols = columns(n_out, panel, FIGURE_WIDTH - COLORBAR_INCHES)
        size = (ncols * panel + COLORBAR_INCHES, (panel + 0.1) * math.ceil(n_out / ncols) + top)
    else:
        n_in = weights.shape[1]
        size = (panel * n_in + LABEL_INCHES + COLORBAR_INCHES, panel * n_out + 0.3 + top)
    with styled_figure(fig, size) as container:
        kernel_grid(container, weights, norm, ncols=ncols)
        if title:
            container.suptitle(title)
    return container.figure


def plot_kernels_compare(
    history: WeightHistory,
    layer: str = "conv1",
    steps: Sequence[int] = (0, -1),
    *,
    fig: FigureBase | None = None,
) -> Figure:
    """The kernels of a layer at several snapshots, on one colour scale.

    Parameters
    ----------
    history : WeightHistory
        The training history.
    layer : str
        A convolution layer of the history, such as ``"conv1"``.
    steps : sequence of int
        Snapshot indices, one row each; by default the first and the last.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        One row per step, labelled with its epoch and the accuracy then.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> from cnnexplain.viz import plot_kernels_compare
    >>> data = make_lines(n_per_class=10)
    >>> history = train(LineCNN(), data, epochs=1, progress=False)
    >>> fig = plot_kernels_compare(history)
    >>> fig.axes[0].get_ylabel()
    'epoch 0\\n(initialization)'
    >>> plt.close(fig)
    """
    history = instance_of("history", history, WeightHistory, "a cnnexplain WeightHistory")
    all_weights = _history_weights(history, layer)
    steps = [history.index(s) for s in int_list("steps", steps)]
    weights = all_weights[steps]
    n_steps, n_out, n_in = weights.shape[:3]
    norm = signed_norm(weights)
    panel = panel_inches(max(weights.shape[3:]))
    if n_in == 1:
        return _compare_single_channel(history, weights, steps, norm, panel, fig)
    size = (panel * n_in + LABEL_INCHES + COLORBAR_INCHES, n_steps * (panel * n_out + 0.6))
    with styled_figure(fig, size) as container:
        engine = container.get_layout_engine()
        if fig is None and engine is not None:
            engine.set(w_pad=0.08)  # room for the row labels at the subfigures' edge
        for r, sub in enumerate(container.subfigures(n_steps, 1, squeeze=False)[:, 0]):
            kernel_grid(sub, weights[r], norm)
            sub.suptitle(_step_label(history, steps[r], one_line=True), fontsize=10)
    return container.figure


def _compare_single_channel(
    history: WeightHistory,
    weights: np.ndarray,
    steps: list[int],
    norm: Normalize,
    panel: float,
    fig: FigureBase | None,
) -> Figure:
    """:func:`plot_kernels_compare` of one input channel: a row per step, kernel by kernel.

    When the kernels do not fit in one row, each block of rows shows a few of
    them at every step, so that a kernel's panels stand above one another.
    Axes are made step by step (all kernels of the first step first).
    """
    n_steps, n_out = weights.shape[:2]
    ncols = columns(n_out, panel, FIGURE_WIDTH - LABEL_INCHES - COLORBAR_INCHES)
    blocks = math.ceil(n_out / ncols)
    gap = 0.25  # between blocks, as a share of a row
    heights = [h for b in range(blocks) for h in [1.0] * n_steps + ([gap] if b < blocks - 1 else [])]
    size = (ncols * panel + LABEL_INCHES + COLORBAR_INCHES, (panel + 0.05) * sum(heights) + 0.2)
    with styled_figure(fig, size) as container:
        grid = container.add_gridspec(len(heights), ncols, height_ratios=heights)
        shown = []
        for r in range(n_steps):
            for k in range(n_out):
                block, c = divmod(k, ncols)
                ax = container.add_subplot(grid[block * (n_steps + 1) + r, c])
                image = show(ax, weights[r, k, 0], norm)
                shown.append(ax)
                if r == 0:
                    ax.set_title(f"kernel {k}")
                if c == 0:
                    row_label(ax, _step_label(history, steps[r]))
        colorbar(container, image, shown, label="weight", shrink=0.9, aspect=25)
    return container.figure


#: Kernels a row in :func:`animate_kernels` (of a layer with one input channel): room for
#: each to show its bands in a frame as narrow as a phone's column.
_ANIMATION_COLUMNS = 4
#: Inches of :func:`animate_kernels`' title (two lines) and of its training curves.
_TITLE_INCHES, _CURVES_INCHES = 0.5, 1.9


def _kernel_grid_height(n_out: int, n_in: int) -> float:
    """Inches of :func:`animate_kernels`' grid of kernels: square panels in rows with titles.

    One input channel: :data:`_ANIMATION_COLUMNS` kernels a row, titled; several:
    a row per kernel, a column per input channel, titled once, labelled on the left.
    """
    room = ANIMATION_WIDTH - COLORBAR_INCHES
    if n_in == 1:
        ncols = min(n_out, _ANIMATION_COLUMNS)
        return math.ceil(n_out / ncols) * (room / ncols + 0.25)
    return n_out * (room - LABEL_INCHES) / n_in + 0.3


def animate_kernels(
    history: WeightHistory,
    layer: str = "conv1",
    *,
    steps: Sequence[int] | None = None,
    interval: int = 400,
    fig: Figure | None = None,
) -> FuncAnimation:
    """The kernels of a layer through training, one frame per snapshot.

    Above, the kernels as :func:`plot_kernels` draws them (four a row for a
    layer of one input channel); below, the training curves, with a line at
    the epoch of the frame. The title gives the accuracy then on the
    held-out (test) set, ``val_set`` in the API (the training accuracy,
    saying so, without one). The frame is 4.6 inches wide, with text of 9
    points or more, so that it reads on a phone as well.

    Parameters
    ----------
    history : WeightHistory
        The training history.
    layer : str
        A convolution layer of the history, such as ``"conv1"``.
    steps : sequence of int, optional
        The snapshots to show, distinct and in training order, at most 256;
        by default all of them, which a history of more snapshots must not
        leave to the default. Fewer frames make a lighter web page, and
        :func:`~cnnexplain.viz.pick_snapshots` chooses a few that follow training.
    interval : int
        Milliseconds between frames, in ``[10, 10000]``.
    fig : Figure, optional
        A top-level figure; by default 4.6 inches wide, as high as the
        layer's kernels need, at 100 dpi.

    Returns
    -------
    matplotlib.animation.FuncAnimation
        One frame per step: ``len(history)`` frames by default.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> from cnnexplain.viz import animate_kernels
    >>> train_set, val_set = make_lines(n_per_class=10).split()
    >>> history = train(
    ...     LineCNN(), train_set, val_set=val_set, epochs=2, progress=False
    ... )
    >>> anim = animate_kernels(history)
    >>> len(list(anim.new_frame_seq())) == len(history)
    True
    >>> html = anim.to_jshtml()  # what a notebook or the site embeds
    >>> plt.close("all")
    """
    history = instance_of("history", history, WeightHistory, "a cnnexplain WeightHistory")
    weights = _history_weights(history, layer)
    steps = snapshot_indices("steps", history, steps)
    interval = check_int("interval", interval, low=10, high=10_000)
    n_out, n_in = weights.shape[1:3]
    norm = signed_norm(weights)
    epochs = history.epochs
    grid_height = _kernel_grid_height(n_out, n_in)
    size = (ANIMATION_WIDTH, _TITLE_INCHES + grid_height + _CURVES_INCHES)
    with styled_figure(fig, size, style=ANIMATION_STYLE, top_level=True) as figure:
        if figure.get_layout_engine() is None:
            figure.set_layout_engine("constrained")
        top, bottom = figure.subfigures(2, 1, height_ratios=[grid_height, _CURVES_INCHES], hspace=0.02)
        images = kernel_grid(top, weights[0], norm, ncols=_ANIMATION_COLUMNS)
        ax_loss, ax_acc = bottom.subplots(1, 2, sharex=True)
        curves = draw_curves(ax_loss, ax_acc, history.metrics)
        for ax in (ax_loss, ax_acc):
            ax.set_xlabel("epoch")
        now = [ax.axvline(epochs[0], color="0.35", lw=0.8, ls="--") for ax in (ax_loss, ax_acc)]
        markers = {
            key: ax.plot(x[:1], y[:1], "o", ms=4, color=line.get_color(), zorder=3)[0]
            for key, (ax, x, y, line) in curves.items()
        }
        title = figure.suptitle(_frame_title(history, 0, layer))

        def update(step: int) -> list:
            for (k, c), image in images.items():
                image.set_data(weights[step, k, c])
            epoch = float(epochs[step])
            for line in now:
                line.set_xdata([epoch, epoch])
            for key, marker in markers.items():
                _, x, y, _ = curves[key]
                i = min(math.floor(epoch + 1e-9), len(y) - 1)  # the metrics known at this snapshot
                marker.set_data(x[i : i + 1], y[i : i + 1])
            title.set_text(_frame_title(history, step, layer))
            return [*images.values(), *now, *markers.values(), title]

        return make_animation(figure, lambda frame: update(steps[frame]), len(steps), interval)
