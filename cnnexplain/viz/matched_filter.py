"""The kernel a one-kernel squared model prefers, and how close training gets to it.

Figures of :func:`cnnexplain.analysis.preferred_kernel`. They are at most
7 inches wide, so that a page shows them at their size (100 dpi), and each
kernel panel is 1.5 inches (150 px) wide or more.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from matplotlib.figure import Figure, FigureBase

from .._checks import check_float, check_int, check_real_array, describe
from ..analysis import PreferredKernel
from ._args import instance_of, planes, str_list
from ._style import LARGE_TEXT_STYLE, colorbar, show, signed_norm, styled_figure

__all__ = ["plot_alignment_runs", "plot_kernel_shapes", "plot_preferred_kernels"]

#: Inches a kernel panel takes, its title included: the kernel itself is drawn 1.5 inches wide or more.
_PANEL = 1.6
#: Inches beside the panels for the colour bar and its label.
_COLORBAR = 1.0


def _kernel_row(container: FigureBase, kernels: np.ndarray, titles: list[str], label: str) -> list:
    """Draw ``kernels`` ``(n, kh, kw)`` in one row on one signed scale, with a colour bar; return the axes."""
    norm = signed_norm(kernels)
    axes = list(container.subplots(1, len(kernels), squeeze=False)[0])
    for ax, kernel, title in zip(axes, kernels, titles):
        show(ax, kernel, norm)
        ax.set_title(title)
    colorbar(container, axes[0].images[0], axes, label=label, shrink=0.85, aspect=18)
    return axes


def plot_preferred_kernels(
    preferred: PreferredKernel,
    n: int = 2,
    *,
    class_names: Sequence[str] | None = None,
    fig: FigureBase | None = None,
) -> Figure:
    """Show the kernels matched to each class: the first and the last eigenvectors of ``D``.

    Parameters
    ----------
    preferred : PreferredKernel
        From :func:`~cnnexplain.analysis.preferred_kernel`, of one-channel kernels.
    n : int
        How many eigenvectors from each end, from 1 to 3: ``kernels[:n]``
        (for the first class) and ``kernels[-n:]`` (for the second).
    class_names : sequence of str, optional
        The names of the two classes of ``preferred.classes``; by default
        ``"class a"`` and ``"class b"`` with their labels.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        ``2 * n`` panels on one signed scale, largest eigenvalue first, each
        titled with its rank and the class it favours, its eigenvalue
        below it; a colour bar.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import torch
    >>> from cnnexplain.analysis import preferred_kernel
    >>> images = torch.zeros(2, 1, 9, 9)
    >>> images[0, 0, 4], images[1, 0, :, 4] = 1.0, 1.0
    >>> pref = preferred_kernel(images, torch.tensor([0, 1]), 7)
    >>> fig = plot_preferred_kernels(pref, 1)
    >>> fig.axes[0].get_title().splitlines()[0]
    'eigenvector 1 of 49'
    >>> plt.close(fig)
    """
    instance_of("preferred", preferred, PreferredKernel, "a PreferredKernel from preferred_kernel")
    if preferred.kernels.shape[1] != 1:
        raise ValueError(
            f"preferred must be of one-channel kernels, got {preferred.kernels.shape[1]} channels"
        )
    total = len(preferred.kernels)
    n = check_int("n", n, low=1, high=min(3, total // 2))
    if class_names is None:
        class_names = [f"class {c}" for c in preferred.classes]
    class_names = str_list("class_names", class_names, length=2)
    ranks = [*range(n), *range(total - n, total)]
    titles = [
        f"eigenvector {r + 1} of {total}\nfavours {class_names[0 if preferred.eigenvalues[r] > 0 else 1]}"
        for r in ranks
    ]
    size = (_PANEL * len(ranks) + _COLORBAR, _PANEL + 0.75)
    with styled_figure(fig, size, style=LARGE_TEXT_STYLE) as container:
        axes = _kernel_row(container, preferred.kernels[ranks, 0], titles, "weight (length 1)")
        for ax, r in zip(axes, ranks):
            ax.set_xlabel(f"eigenvalue {preferred.eigenvalues[r]:+.3f}")
        container.suptitle(
            f"eigenvalue: mean squared response on {class_names[0]} minus on {class_names[1]}", fontsize=9
        )
    return container.figure


def plot_kernel_shapes(kernels: Any, titles: Sequence[str], *, fig: FigureBase | None = None) -> Figure:
    """Show kernels side by side, each divided by its length, on one signed scale: their shapes compared.

    Parameters
    ----------
    kernels : torch.Tensor or numpy.ndarray
        ``(n, 1, kh, kw)``, ``(n, kh, kw)`` or one ``(kh, kw)``; ``n`` at most 4.
        A kernel of zeros is drawn as zeros.
    titles : sequence of str
        One title per kernel.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        ``n`` panels showing ``kernel / |kernel|``, and a colour bar.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> fig = plot_kernel_shapes(np.ones((2, 7, 7)), ["a", "b"])
    >>> round(float(fig.axes[0].images[0].get_array().max()), 4)
    0.1429
    >>> plt.close(fig)
    """
    w = planes("kernels", kernels)
    if len(w) > 4:
        raise ValueError(f"kernels must hold at most 4 kernels, got {len(w)}")
    titles = str_list("titles", titles, length=len(w))
    lengths = np.linalg.norm(w.reshape(len(w), -1), axis=1)
    unit = w / np.where(lengths > 0, lengths, 1.0)[:, None, None]
    size = (_PANEL * len(w) + _COLORBAR, _PANEL + 0.3)
    with styled_figure(fig, size, style=LARGE_TEXT_STYLE) as container:
        _kernel_row(container, unit, titles, "weight / length")
    return container.figure


def plot_alignment_runs(
    alignment: Any,
    epochs: Any,
    *,
    labels: Sequence[str] | None = None,
    highlight: int | None = None,
    level: float | None = None,
    fig: FigureBase | None = None,
) -> Figure:
    """Plot, for several runs, how closely a kernel points along a target through training.

    Parameters
    ----------
    alignment : numpy.ndarray
        ``(runs, snapshots)``: ``|cosine|`` between each run's kernel and its
        target at each snapshot, in ``[0, 1]`` (such as
        :meth:`~cnnexplain.analysis.PreferredKernel.alignment`).
    epochs : numpy.ndarray
        ``(snapshots,)``: the epoch of each snapshot.
    labels : sequence of str, optional
        One legend entry per run; by default ``run 0``, ``run 1``, ...
    highlight : int, optional
        A run drawn thicker, in black, in front.
    level : float, optional
        A cosine in ``[0, 1]`` drawn as a dashed line.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        One line per run, in the order given, on axes from 0 to 1.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> import numpy as np
    >>> curves = np.array([[0.1, 0.5, 0.9], [0.2, 0.3, 0.4]])
    >>> fig = plot_alignment_runs(curves, np.arange(3), highlight=0)
    >>> len(fig.axes[0].lines)
    2
    >>> plt.close(fig)
    """
    alignment = check_real_array("alignment", alignment)
    if alignment.ndim != 2 or alignment.size == 0:
        raise ValueError(f"alignment must have shape (runs, snapshots), got {describe(alignment)}")
    if alignment.min() < 0 or alignment.max() > 1:
        raise ValueError(
            f"alignment must be |cosines| in [0, 1], got values from {alignment.min():.3g} to {alignment.max():.3g}"
        )
    epochs = check_real_array("epochs", epochs)
    if epochs.shape != alignment.shape[1:]:
        raise ValueError(
            f"epochs must have shape ({alignment.shape[1]},), one per snapshot, got {epochs.shape}"
        )
    runs = len(alignment)
    labels = str_list("labels", [f"run {r}" for r in range(runs)] if labels is None else labels, length=runs)
    if highlight is not None:
        highlight = check_int("highlight", highlight, low=0, high=runs - 1)
    if level is not None:
        level = check_float("level", level, low=0.0, high=1.0)
    with styled_figure(fig, (7.0, 3.0), style=LARGE_TEXT_STYLE) as container:
        ax = container.add_subplot()
        for r, (curve, label) in enumerate(zip(alignment, labels)):
            if r == highlight:
                ax.plot(epochs, curve, color="black", lw=2.2, zorder=3, label=label)
            else:
                ax.plot(epochs, curve, color=f"C{r % 10}", lw=1.1, alpha=0.8, label=label)
        if level is not None:
            ax.axhline(level, color="0.5", ls="--", lw=0.8)
        ax.set_ylim(0, 1.02)
        # A margin on the left keeps the first tick labels of the two axes apart.
        span = float(epochs.max() - epochs.min()) or 1.0
        ax.set_xlim(float(epochs.min()) - 0.03 * span, float(epochs.max()))
        ax.set_xlabel("epoch")
        ax.set_ylabel("|cosine| with the\nclosed-form kernel")
        ax.legend(loc="center left", bbox_to_anchor=(1.01, 0.5), frameon=False, ncols=1 if runs <= 10 else 2)
    return container.figure
