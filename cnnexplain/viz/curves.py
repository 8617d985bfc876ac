"""Training curves: loss and accuracy against epoch."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.ticker import MaxNLocator, PercentFormatter

from .._checks import describe
from ..history import WeightHistory
from ._args import instance_of
from ._style import restyle, styled_figure

__all__ = ["plot_training_curves"]


def draw_curves(
    ax_loss: Axes, ax_acc: Axes, metrics: Mapping[str, np.ndarray], *, twin: bool = False
) -> dict:
    """Draw loss and accuracy (training and test) against epoch.

    With ``twin``, ``ax_acc`` is the right-hand twin of ``ax_loss``: the
    accuracy is dashed and one legend names all the lines. Returns
    ``{metric: (axes, x, y, line)}`` for every metric drawn.
    """
    drawn: dict[str, tuple] = {}
    for ax, what, scale in ((ax_loss, "loss", 1.0), (ax_acc, "accuracy", 100.0)):
        for part, color, label in (("train", "C0", "training"), ("val", "C1", "test")):
            y = scale * np.asarray(metrics.get(f"{part}_{what}", []), dtype=float)
            if not np.isfinite(y).any():
                continue
            x = np.arange(len(y), dtype=float)
            style = "--" if twin and what == "accuracy" else "-"
            name = f"{label} {what}" if twin else label
            (line,) = ax.plot(x, y, color=color, ls=style, lw=1.5, label=name)
            drawn[f"{part}_{what}"] = (ax, x, y, line)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
    ax_loss.grid(True)
    ax_acc.grid(not twin)  # the twin's grid would cross the loss curves
    ax_loss.set_ylabel("loss")
    ax_acc.set_ylabel("accuracy")
    ax_acc.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    losses = [y for key, (_, _, y, _) in drawn.items() if key.endswith("loss")]
    if losses:
        top = float(np.nanmax(np.concatenate(losses)))
        ax_loss.set_ylim(0, top * 1.08 if top > 0 else 1)
    accuracies = [y for key, (_, _, y, _) in drawn.items() if key.endswith("accuracy")]
    low = min(50.0, 10 * math.floor(np.nanmin(np.concatenate(accuracies)) / 10)) if accuracies else 0.0
    ax_acc.set_ylim(low, 102)
    legend = [line for ax, _, _, line in drawn.values() if twin or ax is ax_loss]
    if legend:
        ax_loss.legend(handles=legend, loc="center right" if twin else "upper right")
    return drawn


def _axes_pair(ax: object) -> list[Axes] | None:
    """The two axes of ``ax`` if it is a pair of axes (a sequence or an array), else ``None``."""
    if isinstance(ax, (Sequence, np.ndarray)) and not isinstance(ax, str):
        axes = list(np.ravel(np.asarray(ax, dtype=object)))
        if len(axes) == 2 and all(isinstance(a, Axes) for a in axes):
            return axes
    return None


def plot_training_curves(
    history: WeightHistory,
    *,
    ax: Axes | Sequence[Axes] | None = None,
    fig: FigureBase | None = None,
) -> Figure:
    """Loss and accuracy against epoch, for the training and test sets.

    Epoch 0 is before training. The training values of later epochs are the
    running means over the epoch's batches (with dropout); the test values,
    on the held-out (test) set, ``val_set`` in the API, come from a full pass
    at the end of the epoch.

    Parameters
    ----------
    history : WeightHistory
        The training history (its :attr:`~cnnexplain.history.WeightHistory.metrics`).
    ax : Axes or (Axes, Axes), optional
        Where to draw: a pair ``(loss_axes, accuracy_axes)``, or one axes
        (the accuracy then on a twin axes on the right).
    fig : Figure or SubFigure, optional
        Where to draw when ``ax`` is not given; a new pyplot figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the axes.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> from cnnexplain.viz import plot_training_curves
    >>> data = make_lines(n_per_class=10)
    >>> history = train(LineCNN(), data, epochs=2, progress=False)
    >>> fig = plot_training_curves(history)
    >>> [a.get_ylabel() for a in fig.axes]
    ['loss', 'accuracy']
    >>> plt.close(fig)
    """
    history = instance_of("history", history, WeightHistory, "a cnnexplain WeightHistory")
    if not any(len(v) for v in history.metrics.values()):
        raise ValueError("history must hold metrics (train_loss, train_accuracy, ...), got none")
    if ax is not None and fig is not None:
        raise ValueError("pass ax or fig, not both")
    twin = isinstance(ax, Axes)
    given = [ax] if twin else _axes_pair(ax)
    if ax is not None and given is None:
        raise TypeError(f"ax must be a matplotlib Axes or a pair of Axes, got {describe(ax)}")
    with styled_figure(fig if ax is None else given[0].get_figure(), (8.4, 3.0)) as container:
        if ax is None:
            ax_loss, ax_acc = container.subplots(1, 2)
        else:
            for axes in given:
                restyle(axes)
            ax_loss, ax_acc = (ax, ax.twinx()) if twin else given
        draw_curves(ax_loss, ax_acc, history.metrics, twin=twin)
        ax_loss.set_xlabel("epoch")
        if twin:
            ax_acc.spines["right"].set_visible(True)  # the twin's axis is on the right
        else:
            ax_acc.set_xlabel("epoch")
    return container.figure
