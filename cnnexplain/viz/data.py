"""The images of a data set."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure, FigureBase

from .._checks import check_int, check_real_array
from ..data import LineDataset
from ._args import instance_of
from ._style import image_norm, row_label, show, styled_figure

__all__ = ["plot_samples"]


def plot_samples(dataset: LineDataset, n_per_class: int = 6, *, fig: FigureBase | None = None) -> Figure:
    """Show the first images of each class, one row per class.

    Parameters
    ----------
    dataset : LineDataset
        The images, for instance from :func:`~cnnexplain.data.make_lines`.
    n_per_class : int
        Images shown per class (the first ones), in ``[1, 100]``.
    fig : Figure or SubFigure, optional
        Where to draw; a new pyplot figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        One row of image panels per class, the class name as row label.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain.data import make_lines
    >>> from cnnexplain.viz import plot_samples
    >>> fig = plot_samples(make_lines(n_per_class=3), n_per_class=3)
    >>> len(fig.axes), fig.axes[0].get_ylabel()
    (6, 'horizontal')
    >>> plt.close(fig)
    """
    instance_of("dataset", dataset, LineDataset, "a cnnexplain LineDataset")
    n_per_class = check_int("n_per_class", n_per_class, low=1, high=100)
    images = check_real_array("dataset.images", dataset.images[:, 0])
    labels = dataset.labels.numpy()
    norm = image_norm(images)
    n_classes = len(dataset.classes)
    with styled_figure(fig, (1.25 * n_per_class + 1.1, 1.25 * n_classes + 0.15)) as container:
        axes = container.subplots(n_classes, n_per_class, squeeze=False)
        for c, name in enumerate(dataset.classes):
            shown = np.flatnonzero(labels == c)[:n_per_class]
            for ax, i in zip(axes[c], shown):
                show(ax, images[i], norm)
            for ax in axes[c, len(shown) :]:
                ax.set(xticks=[], yticks=[], frame_on=False)  # blank, but keeps its row label
            row_label(axes[c, 0], name, fontsize=10)
    return container.figure
