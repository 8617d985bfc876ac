"""Where the network looks: attribution maps drawn over their images.

Figures of :func:`cnnexplain.analysis.saliency`,
:func:`~cnnexplain.analysis.occlusion`, :func:`~cnnexplain.analysis.grad_cam`
and the like.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import matplotlib as mpl
import numpy as np
import torch
from matplotlib.cm import ScalarMappable
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, FigureBase

from .._checks import check_float, check_real_array, describe
from ._args import planes, str_list
from ._style import HEAT_CMAP, cmap_of, colorbar, show, signed_limit, styled_figure

__all__ = ["plot_attribution"]


def _methods(maps: Any, titles: Sequence[str] | None) -> dict[str, np.ndarray]:
    """``{method name: (N, H, W) maps}`` from a dict, a sequence of arrays or one array."""
    if isinstance(maps, Mapping):
        if titles is not None:
            raise ValueError("titles must be None when maps is a mapping (its keys are the titles)")
        names, maps = [str(k) for k in maps], list(maps.values())
    else:
        if isinstance(maps, (torch.Tensor, np.ndarray)):
            maps = [maps]
        if isinstance(maps, (str, bytes)) or not isinstance(maps, Sequence):
            raise TypeError(
                f"maps must be an (N, H, W) array, a list or a dict of them, got {describe(maps)}"
            )
        names = [f"map {i}" for i in range(len(maps))]
        if titles is not None:
            names = str_list("titles", titles, length=len(maps))
    if not maps:
        raise ValueError("maps must hold at least one method")
    if len(set(names)) != len(names):
        raise ValueError(f"titles must be distinct, got {names}")
    return {name: check_real_array(f"maps[{name!r}]", m) for name, m in zip(names, maps)}


def _signs(signed: Any, methods: dict[str, np.ndarray]) -> list[bool]:
    """Whether each method's maps are signed: as given, or whether they hold a negative value."""
    if signed is None:
        return [bool((m < 0).any()) for m in methods.values()]
    if isinstance(signed, bool):
        return [signed] * len(methods)
    if (
        isinstance(signed, Sequence)
        and len(signed) == len(methods)
        and all(isinstance(s, bool) for s in signed)
    ):
        return list(signed)
    raise TypeError(
        f"signed must be None, a bool or one bool per method ({len(methods)}), got {describe(signed)}"
    )


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

    Each map is drawn over its dimmed image with an opacity that grows with
    ``|value|``, so that the image shows through where the map is near
    zero. Each method (column) has one colour scale and colour bar: signed,
    or from zero on ``HEAT_CMAP``.

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
        Rows are images, columns methods (titled). In an overlay panel,
        ``ax.get_images()`` are the input and the map.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

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
    imgs = planes("images", images)
    methods = _methods(maps, titles)
    for name, m in methods.items():
        if m.shape != imgs.shape:
            raise ValueError(f"maps[{name!r}] must have the images' shape {imgs.shape}, got {m.shape}")
    signs = _signs(signed, methods)
    alpha = check_float("alpha", alpha, low=0, high=1, low_open=True)
    dim = check_float("dim", dim, low=0, high=1, low_open=True)
    if not isinstance(show_image, bool):
        raise TypeError(f"show_image must be a bool, got {describe(show_image)}")
    n = len(imgs)
    if row_labels is not None:
        row_labels = str_list("row_labels", row_labels, length=n)
    img_max = max(1.0, float(imgs.max()))
    img_norm = Normalize(0.0, img_max, clip=True)
    dim_norm = Normalize(0.0, img_max / dim, clip=True)  # white drawn as grey `dim` under a map
    first = int(show_image)  # the column of the first method
    with styled_figure(fig, (2.0 * (len(methods) + first) + 0.9, 1.85 * n + 1.1)) as container:
        axes = container.subplots(n, len(methods) + first, squeeze=False)
        if show_image:
            for ax, image in zip(axes[:, 0], imgs):
                show(ax, image, img_norm)
            axes[0, 0].set_title("image")
        for column, (name, m), is_signed in zip(axes.T[first:], methods.items(), signs):
            vmax = signed_limit(m)
            norm = Normalize(-vmax, vmax) if is_signed else Normalize(0.0, vmax)
            cmap = cmap_of(norm) if is_signed else mpl.colormaps[HEAT_CMAP]
            for ax, image, values in zip(column, imgs, m):
                show(ax, image, dim_norm)
                opacity = alpha * np.clip(np.abs(values) / vmax, 0.0, 1.0)
                ax.imshow(values, cmap=cmap, norm=norm, alpha=opacity)
            column[0].set_title(name)
            mappable = ScalarMappable(norm=norm, cmap=cmap)
            colorbar(
                container,
                mappable,
                list(column),
                label=name,
                location="bottom",
                shrink=0.9,
                aspect=12,
                pad=0.02,
            )
        if show_image and methods:  # what the grey under the maps is
            axes[-1, 0].set_xlabel(
                "right: each map over the\nimage, dimmed; the larger\n|value|, the more opaque"
            )
        for ax, label in zip(axes[:, 0], row_labels or []):
            ax.set_ylabel(label)
    return container.figure
