"""Figures and animations of the article's story, from our own data and training.

One function per figure of the source article (see the site's "The article,
rebuilt"): sample images (F2), an image, a kernel and their response (F3), the
sliding kernel (F3), the kernels of a layer at one step, at two steps and
through training (F6, F7), feature maps through conv, ReLU and pooling before
and after training (F8), one image through the whole model (F11), and the
training curves.

Every function returns the :class:`~matplotlib.figure.Figure` (or the
:class:`~matplotlib.animation.FuncAnimation`) it made with
:func:`matplotlib.pyplot.figure` -- so that sphinx-gallery and notebooks pick
it up -- and never calls ``plt.show()``. Each image panel shows exactly the
numbers it claims (``AxesImage.get_array()`` returns them). Signed values
(kernels, pre-activation maps) are drawn on :data:`~cnnexplain.viz.SIGNED_CMAP`
with symmetric limits shared by the panels being compared and by all frames of
an animation; images and post-ReLU maps on :data:`~cnnexplain.viz.UNSIGNED_CMAP`
from zero. Kernels are numbered from 0, as in code: ``kernel 5`` is
``weight[5]``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from matplotlib.animation import Animation, FuncAnimation, PillowWriter
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.figure import Figure, FigureBase
from matplotlib.layout_engine import ConstrainedLayoutEngine
from matplotlib.patches import Rectangle
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator, PercentFormatter
from torch import nn

from .._checks import check_images, check_int, describe
from .._checks import check_real_array as _array
from .._io import atomic_write
from ..data import LineDataset
from ..edges import convolve
from ..history import WeightHistory
from ..model import activations, leaf_modules
from ._style import (
    ANIMATION_RC,
    HIGHLIGHT_COLOR,
    annotate_cells,
    bare_axes,
    check_positive,
    check_str_sequence,
    cmap_of,
    format_epoch,
    format_value,
    new_figure,
    rc,
    root_figure,
    signed_limit,
    text_color,
    to_numpy,
)

__all__ = [
    "animate_convolution",
    "animate_kernels",
    "plot_convolution",
    "plot_feature_maps",
    "plot_forward_pass",
    "plot_kernels",
    "plot_kernels_compare",
    "plot_samples",
    "plot_training_curves",
    "save_gif",
]

#: Largest number of frames :func:`animate_convolution` makes (one per output cell).
MAX_CONVOLUTION_FRAMES = 400
#: Largest kernel side whose weights are written in the cells of a panel.
_MAX_ANNOTATED = 7


# -- argument checks ------------------------------------------------------------


def _image2d(name: str, image: Any) -> np.ndarray:
    """An image of shape ``(H, W)`` or ``(1, H, W)`` as an ``(H, W)`` array."""
    arr = _array(name, image)
    if arr.ndim == 3 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 2 or min(arr.shape) < 1:
        raise ValueError(f"{name} must have shape (H, W) or (1, H, W), got shape {tuple(np.shape(image))}")
    return arr


def _kernel2d(name: str, kernel: Any) -> np.ndarray:
    arr = _array(name, kernel)
    if arr.ndim != 2 or min(arr.shape) < 1:
        raise ValueError(f"{name} must have shape (kh, kw), got shape {tuple(np.shape(kernel))}")
    return arr


def _animation_figure(fig: Any, figsize: tuple[float, float], dpi: float) -> Figure:
    if fig is not None and not isinstance(fig, Figure):
        raise TypeError(
            f"fig must be a top-level matplotlib Figure (an animation needs its canvas) or None, got {describe(fig)}"
        )
    return new_figure(fig, figsize, dpi=dpi, layout=None)


def _settle(figure: Figure) -> None:
    """Draw an animation's figure once (inside :func:`rc`) and fix its layout.

    The draw makes every tick label under the animation style (text without
    anti-aliasing, see :data:`~cnnexplain.viz._style.ANIMATION_RC`) and runs
    the constrained layout once; the layout is then frozen, so that all
    frames share it and render faster.
    """
    figure.canvas.draw()
    for text in figure.findobj(Text):
        text.set_antialiased(False)
    if isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine):
        figure.set_layout_engine("none")


def _conv_layers(history: WeightHistory) -> list[str]:
    return [k[: -len(".weight")] for k in history if k.endswith(".weight") and history[k].ndim == 5]


def _history_weights(history: WeightHistory, layer: Any) -> np.ndarray:
    """All snapshots ``(S, out, in, kh, kw)`` of the weights of a conv layer."""
    if not isinstance(layer, str):
        raise TypeError(f"layer must be a layer name (str) such as 'conv1', got {describe(layer)}")
    layers = _conv_layers(history)
    if layer not in layers:
        raise ValueError(f"layer must be one of the history's convolution layers {layers}, got {layer!r}")
    return history[f"{layer}.weight"]


def _check_history(name: str, history: Any) -> WeightHistory:
    if not isinstance(history, WeightHistory):
        raise TypeError(f"{name} must be a cnnexplain WeightHistory, got {describe(history)}")
    return history


def _weights_of(source: Any, layer: Any, step: Any) -> tuple[np.ndarray, float | None]:
    """The ``(out, in, kh, kw)`` weights of ``layer`` in ``source``, and the epoch if known."""
    if isinstance(source, WeightHistory):
        all_steps = _history_weights(source, layer)
        i = source.index(step)
        return all_steps[i].astype(float), float(source.epochs[i])
    if isinstance(source, nn.Module):
        if not isinstance(layer, str):
            raise TypeError(f"layer must be a layer name (str) such as 'conv1', got {describe(layer)}")
        convs = [n for n, m in source.named_modules() if isinstance(m, nn.Conv2d)]
        if layer not in convs:
            raise ValueError(f"layer must be one of the model's convolution layers {convs}, got {layer!r}")
        return to_numpy(dict(source.named_modules())[layer].weight), None
    if isinstance(source, (torch.Tensor, np.ndarray)):
        w = _array("source", source)
        if w.ndim != 4 or min(w.shape) < 1:
            raise ValueError(
                f"source must be a WeightHistory or weights of shape (out, in, kh, kw), got shape {w.shape}"
            )
        if not isinstance(layer, str):
            raise TypeError(f"layer must be a layer name (str) such as 'conv1', got {describe(layer)}")
        return w, None
    raise TypeError(
        "source must be a WeightHistory, a torch.nn.Module or a tensor/array of shape "
        f"(out, in, kh, kw), got {describe(source)}"
    )


def _int_list(name: str, values: Any) -> list[int]:
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of integers, got {describe(values)}")
    if len(values) == 0:
        raise ValueError(f"{name} must hold at least one integer, got an empty sequence")
    return [check_int(f"{name}[{i}]", v) for i, v in enumerate(values)]


def _accuracy_at(history: WeightHistory, epoch: float) -> tuple[str, float | None, int]:
    """The accuracy known at a snapshot: ``(which, value, epoch it was measured at)``.

    Metrics are measured at the end of each epoch (index 0: before training),
    so a snapshot taken during epoch ``e + 1`` reports the value after ``e``.
    ``which`` is ``"validation"`` when training had a validation set, else
    ``"training"``.
    """
    metrics = history.metrics
    e = math.floor(epoch + 1e-9)
    for which, key in (("validation", "val_accuracy"), ("training", "train_accuracy")):
        values = metrics.get(key)
        if values is not None and len(values) and np.isfinite(values).any():
            i = min(e, len(values) - 1)
            v = float(values[i])
            return which, (v if np.isfinite(v) else None), i
    return "validation", None, e


def _frame_title(history: WeightHistory, s: int, layer: str) -> str:
    epoch = float(history.epochs[s])
    which, acc, at = _accuracy_at(history, epoch)
    text = f"{layer} kernels, epoch {format_epoch(epoch)} \u2013 {which} accuracy "
    text += "n/a" if acc is None else f"{100 * acc:.1f}%"
    if acc is not None and abs(epoch - at) > 1e-9:
        text += f" (after epoch {at})"
    if which == "training":
        text += " (no validation set)"
    return text


def _step_label(history: WeightHistory, s: int) -> str:
    epoch = float(history.epochs[s])
    text = f"epoch {format_epoch(epoch)}"
    if epoch == 0:
        return text + "\n(initialization)"
    which, acc, _at = _accuracy_at(history, epoch)
    if acc is not None:
        short = "val." if which == "validation" else "train"
        text += f"\n{short} acc. {100 * acc:.1f}%"
    return text


# -- drawing helpers --------------------------------------------------------------
def _show(ax: Axes, data: np.ndarray, norm: Normalize, *, signed: bool, aspect: str = "equal"):
    im = ax.imshow(data, cmap=cmap_of(signed), norm=norm, interpolation="nearest", aspect=aspect)
    bare_axes(ax)
    return im


def _row_label(ax: Axes, text: str, *, fontsize: float = 8) -> None:
    ax.set_ylabel(text, rotation=0, ha="right", va="center", labelpad=6, fontsize=fontsize)
    # Constrained layout measures the label from the aspect-shrunk axes but
    # reserves the margin from the cell's edge: pin the axes to the cell's
    # left edge so that the two agree and the label is never clipped.
    ax.set_anchor("W")


def _colorbar(container: FigureBase, im, axes, *, label: str = "", nbins: int = 5, **kwargs):
    cbar = container.colorbar(im, ax=axes, panchor=False, **kwargs)
    cbar.ax.tick_params(labelsize=7, length=2, pad=1)
    cbar.outline.set_linewidth(0.5)
    if label:
        cbar.set_label(label, fontsize=8)
    if cbar.orientation == "vertical":
        cbar.ax.yaxis.set_major_locator(MaxNLocator(nbins, symmetric=im.norm.vmin < 0))
    return cbar


def _kernel_grid(
    container: FigureBase,
    weights: np.ndarray,
    norm: Normalize,
    *,
    in_channel: int | None = None,
    ncols: int | None = None,
    colorbar: bool = True,
) -> tuple[dict[tuple[int, int], Any], list[Axes]]:
    """Draw kernels ``(out, in, kh, kw)`` into ``container``.

    One panel per kernel (titled ``kernel i``) when there is one input
    channel or ``in_channel`` is given; an ``out x in`` grid otherwise (rows
    ``kernel i``, columns ``in j``). Returns ``{(i, j): AxesImage}`` and the
    axes that show a kernel.
    """
    n_out, n_in = weights.shape[:2]
    images: dict[tuple[int, int], Any] = {}
    used: list[Axes] = []
    if n_in == 1 or in_channel is not None:
        c = 0 if in_channel is None else in_channel
        ncols = min(n_out, 8) if ncols is None else min(ncols, n_out)
        nrows = math.ceil(n_out / ncols)
        axes = container.subplots(nrows, ncols, squeeze=False)
        for k, ax in enumerate(axes.flat):
            if k >= n_out:
                ax.set_axis_off()
                continue
            images[(k, c)] = _show(ax, weights[k, c], norm, signed=True)
            ax.set_title(f"kernel {k}", fontsize=8, pad=3)
            used.append(ax)
    else:
        axes = container.subplots(n_out, n_in, squeeze=False)
        for (k, c), ax in np.ndenumerate(axes):
            images[(k, c)] = _show(ax, weights[k, c], norm, signed=True)
            used.append(ax)
            if k == 0:
                ax.set_title(f"in {c}", fontsize=7, pad=2)
            if c == 0:
                _row_label(ax, f"kernel {k}", fontsize=7)
    if colorbar:
        _colorbar(container, images[next(iter(images))], used, label="weight", shrink=0.9, aspect=25)
    return images, used


def _curves(ax_loss: Axes, ax_acc: Axes, metrics: Mapping[str, np.ndarray]) -> dict[str, tuple]:
    """Draw loss and accuracy (training and validation) against epoch.

    Returns ``{metric: (axes, x, y, line)}`` for every metric drawn.
    """
    drawn: dict[str, tuple] = {}
    styles = {"train": ("C0", "-", "training"), "val": ("C1", "-", "validation")}
    for ax, what in ((ax_loss, "loss"), (ax_acc, "accuracy")):
        for part, (color, ls, label) in styles.items():
            key = f"{part}_{what}"
            y = np.asarray(metrics.get(key, []), dtype=float)
            if not len(y) or not np.isfinite(y).any():
                continue
            x = np.arange(len(y), dtype=float)
            scale = 100.0 if what == "accuracy" else 1.0
            (line,) = ax.plot(x, scale * y, color=color, ls=ls, lw=1.5, label=label)
            drawn[key] = (ax, x, scale * y, line)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6))
        ax.tick_params(labelsize=7, length=2, pad=2)
        ax.grid(True, lw=0.4, color="0.9")
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
    ax_loss.set_ylabel("loss", fontsize=8)
    ax_acc.set_ylabel("accuracy", fontsize=8)
    ax_acc.yaxis.set_major_formatter(PercentFormatter(100, decimals=0))
    losses = [d[2] for k, d in drawn.items() if k.endswith("loss")]
    if losses:
        top = float(np.nanmax(np.concatenate(losses)))
        ax_loss.set_ylim(0, top * 1.08 if top > 0 else 1)
    accs = [d[2] for k, d in drawn.items() if k.endswith("accuracy")]
    low = min(50.0, 10 * math.floor(float(np.nanmin(np.concatenate(accs))) / 10)) if accs else 0.0
    ax_acc.set_ylim(low, 102)
    if drawn:
        ax_loss.legend(loc="upper right", frameon=False, fontsize=7, handlelength=1.5)
    return drawn


# -- F2: samples --------------------------------------------------------------------
def plot_samples(dataset: LineDataset, n_per_class: int = 6, *, fig: FigureBase | None = None) -> Figure:
    """Show the first images of each class, one row per class.

    Parameters
    ----------
    dataset : LineDataset
        The images, for instance from :func:`~cnnexplain.data.make_lines`.
    n_per_class : int
        Images shown per class (the first ones of that class, in data set
        order), in ``[1, 100]``. A class with fewer images leaves blank cells.
    fig : Figure or SubFigure, optional
        Where to draw; a new pyplot figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        One row of image panels per class, the class name as row label. The
        images are drawn in grey from 0 (black) to 1 (white).

    Raises
    ------
    TypeError
        If ``dataset`` is not a :class:`~cnnexplain.data.LineDataset`, or an
        argument has the wrong type.
    ValueError
        If ``n_per_class`` is out of range.

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
    if not isinstance(dataset, LineDataset):
        raise TypeError(f"dataset must be a cnnexplain LineDataset, got {describe(dataset)}")
    n_per_class = check_int("n_per_class", n_per_class, low=1, high=100)
    labels = dataset.labels.numpy()
    n_classes = len(dataset.classes)
    images = dataset.images[:, 0].numpy().astype(float)
    shown = [np.flatnonzero(labels == c)[:n_per_class] for c in range(n_classes)]
    vmax = max(1.0, float(images.max()) if images.size else 1.0)
    signed = bool(images.size and images.min() < 0)
    norm = Normalize(-vmax, vmax) if signed else Normalize(0.0, vmax)
    with rc():
        container = new_figure(fig, (0.95 * n_per_class + 1.0, 1.0 * n_classes + 0.15))
        axes = container.subplots(n_classes, n_per_class, squeeze=False)
        for c, name in enumerate(dataset.classes):
            for j in range(n_per_class):
                ax = axes[c, j]
                if j < len(shown[c]):
                    _show(ax, images[shown[c][j]], norm, signed=signed)
                else:
                    bare_axes(ax, frame=False)
            _row_label(axes[c, 0], name, fontsize=9)
    return root_figure(container)


# -- F3: convolution -----------------------------------------------------------------
def plot_convolution(
    image: Any,
    kernel: Any,
    *,
    padding: str | int = "valid",
    fig: FigureBase | None = None,
    titles: Sequence[str] | None = None,
) -> Figure:
    """An image, a kernel, and the kernel's response, side by side.

    The response is :func:`cnnexplain.edges.convolve` of the image with the
    kernel (cross-correlation, as in a CNN layer). The image is drawn in grey
    from 0, the kernel and the response on the diverging map with symmetric
    limits and colour bars; a kernel of at most 7x7 has its weights written
    in its cells.

    Parameters
    ----------
    image : torch.Tensor or numpy.ndarray
        One image, shape ``(H, W)`` or ``(1, H, W)``.
    kernel : torch.Tensor or numpy.ndarray
        Shape ``(kh, kw)``, for instance :data:`~cnnexplain.edges.PREWITT_X` or
        a learned kernel ``history["conv1.weight"][-1][5, 0]``.
    padding : {"valid", "same"} or int
        Passed to :func:`~cnnexplain.edges.convolve`.
    fig : Figure or SubFigure, optional
        Where to draw; a new pyplot figure by default.
    titles : sequence of 3 str, optional
        Titles of the three panels; by default they name the panel and its size.

    Returns
    -------
    matplotlib.figure.Figure
        Three image panels (``image``, ``kernel``, ``response``), each with a
        colour bar.

    Raises
    ------
    TypeError
        If ``image`` or ``kernel`` is not a real tensor or array, or ``titles``
        is not a sequence of str.
    ValueError
        If a shape is wrong, a value is NaN or infinite, ``padding`` is
        unknown, or the image is smaller than the kernel with ``"valid"``.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain.data import make_lines
    >>> from cnnexplain.edges import PREWITT_X
    >>> from cnnexplain.viz import plot_convolution
    >>> fig = plot_convolution(make_lines(n_per_class=1).images[0], PREWITT_X)
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['image (50\u00d750)', 'kernel (3\u00d73)', 'response (48\u00d748)']
    >>> plt.close(fig)
    """
    img = _image2d("image", image)
    ker = _kernel2d("kernel", kernel)
    response = to_numpy(
        convolve(
            torch.from_numpy(img.astype(np.float32)),
            torch.from_numpy(ker.astype(np.float32)),
            padding=padding,
        )
    )
    if titles is None:
        titles = [
            f"image ({img.shape[0]}\u00d7{img.shape[1]})",
            f"kernel ({ker.shape[0]}\u00d7{ker.shape[1]})",
            f"response ({response.shape[0]}\u00d7{response.shape[1]})",
        ]
    titles = check_str_sequence("titles", titles, length=3)
    img_signed = bool(img.min() < 0)
    img_v = max(1.0, float(np.abs(img).max()))
    img_norm = Normalize(-img_v, img_v) if img_signed else Normalize(0.0, img_v)
    ker_norm = Normalize(-signed_limit(ker), signed_limit(ker))
    resp_norm = Normalize(-signed_limit(response), signed_limit(response))
    with rc():
        container = new_figure(fig, (8.4, 2.75))
        axes = container.subplots(1, 3)
        panels = (
            (img, img_norm, img_signed, "pixel value"),
            (ker, ker_norm, True, "weight"),
            (response, resp_norm, True, "response"),
        )
        for ax, title, (data, norm, signed, label) in zip(axes, titles, panels):
            im = _show(ax, data, norm, signed=signed)
            ax.set_title(title)
            _colorbar(container, im, ax, label=label, shrink=0.85, aspect=18)
        if max(ker.shape) <= _MAX_ANNOTATED:
            size = {1: 10, 2: 10, 3: 10, 4: 8, 5: 7, 6: 6.5}.get(max(ker.shape), 5.5)
            annotate_cells(axes[1], ker, ker_norm, fontsize=size)
    return root_figure(container)


def animate_convolution(
    image: Any,
    kernel: Any,
    *,
    region: Sequence[int] | None = None,
    interval: int = 150,
    fig: Figure | None = None,
) -> FuncAnimation:
    """Slide a kernel over an image, building its response one cell per frame.

    Each frame shows, left to right: the image (or the crop ``region``) with
    the kernel's window outlined; the patch under the window; the kernel;
    their element-wise products, whose sum is the output value; and the
    output map filled in up to the current cell (cells not computed yet are
    grey). The output uses the diverging map with symmetric limits fixed for
    all frames (the largest absolute output value), so the colour of a cell
    never changes once it is drawn. Numbers are written in the cells of
    kernels up to 5x5.

    The output is the ``"valid"`` cross-correlation of the crop with the
    kernel (:func:`cnnexplain.edges.convolve`), the same numbers as the
    matching part of the response of the whole image.

    Parameters
    ----------
    image : torch.Tensor or numpy.ndarray
        One image, shape ``(H, W)`` or ``(1, H, W)``.
    kernel : torch.Tensor or numpy.ndarray
        Shape ``(kh, kw)``.
    region : (row, col, height, width), optional
        The crop of the image to slide over, at least as large as the
        kernel; the whole image by default. There is one frame per output
        cell, ``(height - kh + 1) * (width - kw + 1)``, at most 400: a 12x12
        crop and a 3x3 kernel give 100 frames.
    interval : int
        Milliseconds between frames, in ``[10, 10000]``.
    fig : Figure, optional
        A top-level figure to draw into; by default a new pyplot figure of
        7.1x2.15 inches at 100 dpi. A web page embeds every frame as a PNG,
        so the frames are kept light: text is drawn without anti-aliasing
        (about 5 KB per frame).

    Returns
    -------
    matplotlib.animation.FuncAnimation
        One frame per output cell, in row-major order. Keep a reference to
        it until it is shown or saved (see :func:`save_gif`).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If a shape is wrong, ``region`` lies outside the image or is smaller
        than the kernel, or it would make more than 400 frames.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain.data import make_lines
    >>> from cnnexplain.edges import PREWITT_X
    >>> from cnnexplain.viz import animate_convolution
    >>> image = make_lines(n_per_class=1).images[0]
    >>> anim = animate_convolution(image, PREWITT_X, region=(20, 20, 4, 5))
    >>> len(list(anim.new_frame_seq()))      # (4 - 3 + 1) * (5 - 3 + 1)
    6
    >>> html = anim.to_jshtml()              # what a notebook or the site embeds
    >>> plt.close(anim._fig)
    """
    img = _image2d("image", image)
    ker = _kernel2d("kernel", kernel)
    kh, kw = ker.shape
    H, W = img.shape
    if region is None:
        region = (0, 0, H, W)
    if isinstance(region, (str, bytes)) or not isinstance(region, Sequence) or len(region) != 4:
        raise TypeError(
            f"region must be a (row, col, height, width) sequence of 4 integers, got {describe(region)}"
        )
    r0 = check_int("region[0] (row)", region[0], low=0, high=H - 1)
    c0 = check_int("region[1] (col)", region[1], low=0, high=W - 1)
    h = check_int("region[2] (height)", region[2], low=kh, high=H - r0)
    w = check_int("region[3] (width)", region[3], low=kw, high=W - c0)
    interval = check_int("interval", interval, low=10, high=10_000)
    crop = img[r0 : r0 + h, c0 : c0 + w]
    out = to_numpy(
        convolve(torch.from_numpy(crop.astype(np.float32)), torch.from_numpy(ker.astype(np.float32)))
    )
    oh, ow = out.shape
    n_frames = oh * ow
    if n_frames > MAX_CONVOLUTION_FRAMES:
        raise ValueError(
            f"region must give at most {MAX_CONVOLUTION_FRAMES} output cells (one frame each), got "
            f"{oh}x{ow} = {n_frames} for region {tuple(region)} and a {kh}x{kw} kernel; pass a smaller "
            "region=(row, col, height, width)"
        )
    crop_v = max(1.0, float(np.abs(crop).max()))
    crop_signed = bool(crop.min() < 0)
    crop_norm = Normalize(-crop_v, crop_v) if crop_signed else Normalize(0.0, crop_v)
    ker_norm = Normalize(-signed_limit(ker), signed_limit(ker))
    prod_v = signed_limit(ker) * crop_v
    prod_norm = Normalize(-prod_v, prod_v)
    out_v = signed_limit(out)
    out_norm = Normalize(-out_v, out_v)
    annotate = max(kh, kw) <= 5
    cell_font = {1: 8, 2: 8, 3: 7.5, 4: 6, 5: 5}.get(max(kh, kw), 5)

    with rc(ANIMATION_RC):
        figure = _animation_figure(fig, (7.1, 2.15), 100)
        fw, fh = figure.get_size_inches()
        y_mid = 1.02 * fh / 2.15

        def box(x: float, size: float) -> list[float]:
            return [x / fw, (y_mid - size / 2) / fh, size / fw, size / fh]

        big, small = 1.3, 0.82
        ax_in = figure.add_axes(box(0.12, big))
        ax_patch = figure.add_axes(box(1.72, small))
        ax_ker = figure.add_axes(box(2.84, small))
        ax_prod = figure.add_axes(box(3.96, small))
        ax_out = figure.add_axes(box(5.28, big))
        cax = figure.add_axes([6.64 / fw, (y_mid - big / 2) / fh, 0.07 / fw, big / fh], label="<colorbar>")
        for x, sym in ((2.66, "\u00d7"), (3.78, "="), (5.0, "\u2211 \u2192")):
            figure.text(x / fw, y_mid / fh, sym, ha="center", va="center", fontsize=12)

        _show(ax_in, crop, crop_norm, signed=crop_signed)
        ax_in.set_title(f"image[{r0}:{r0 + h}, {c0}:{c0 + w}]", fontsize=8)
        window = Rectangle((-0.5, -0.5), kw, kh, fill=False, ec=HIGHLIGHT_COLOR, lw=1.6)
        ax_in.add_patch(window)
        im_patch = _show(ax_patch, crop[:kh, :kw], crop_norm, signed=crop_signed)
        ax_patch.set_title("patch", fontsize=8)
        _show(ax_ker, ker, ker_norm, signed=True)
        ax_ker.set_title("kernel", fontsize=8)
        im_prod = _show(ax_prod, crop[:kh, :kw] * ker, prod_norm, signed=True)
        ax_prod.set_title("products", fontsize=8)
        sum_text = ax_prod.set_xlabel("", fontsize=8, labelpad=3)
        blank = np.full_like(out, np.nan)
        im_out = _show(ax_out, blank, out_norm, signed=True)
        ax_out.set_title(f"output ({oh}\u00d7{ow})", fontsize=8)
        out_text = ax_out.set_xlabel("", fontsize=8, labelpad=3)
        cell = Rectangle((-0.5, -0.5), 1, 1, fill=False, ec=HIGHLIGHT_COLOR, lw=1.4)
        ax_out.add_patch(cell)
        cbar = figure.colorbar(im_out, cax=cax)
        cbar.ax.tick_params(labelsize=7, length=2, pad=1)
        cbar.outline.set_linewidth(0.5)
        cbar.ax.yaxis.set_major_locator(MaxNLocator(5, symmetric=True))
        patch_texts = (
            annotate_cells(ax_patch, crop[:kh, :kw], crop_norm, fontsize=cell_font) if annotate else []
        )
        if annotate:
            annotate_cells(ax_ker, ker, ker_norm, fontsize=cell_font)
        prod_texts = (
            annotate_cells(ax_prod, crop[:kh, :kw] * ker, prod_norm, fontsize=cell_font) if annotate else []
        )
        # The first frame is drawn in update(0) below, inside the style.

    def update(i: int):
        r, c = divmod(int(i), ow)
        patch = crop[r : r + kh, c : c + kw]
        products = patch * ker
        window.set_xy((c - 0.5, r - 0.5))
        im_patch.set_data(patch)
        im_prod.set_data(products)
        for t, v in zip(patch_texts, patch.flat):
            t.set_text(format_value(v))
            t.set_color(text_color(v, crop_norm, "signed" if crop_signed else "unsigned"))
        for t, v in zip(prod_texts, products.flat):
            t.set_text(format_value(v))
            t.set_color(text_color(v, prod_norm))
        filled = np.where(np.arange(n_frames).reshape(oh, ow) <= i, out, np.nan)
        im_out.set_data(filled)
        cell.set_xy((c - 0.5, r - 0.5))
        sum_text.set_text(f"sum = {format_value(out[r, c])}")
        out_text.set_text(f"output[{r}, {c}] = {format_value(out[r, c])}")
        return [window, im_patch, im_prod, im_out, cell, sum_text, out_text, *patch_texts, *prod_texts]

    with rc(ANIMATION_RC):
        update(0)
        _settle(figure)
    return FuncAnimation(figure, update, frames=range(n_frames), interval=interval, blit=False)


# -- F6, F7: kernels --------------------------------------------------------------
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
        Where the weights come from: a history (the weights of snapshot
        ``step``), a model (its current weights), or the weights themselves,
        shape ``(out, in, kh, kw)``.
    layer : str
        The layer's name, ``"conv1"`` or ``"conv2"`` for
        :class:`~cnnexplain.model.LineCNN`; with weights given directly it
        only labels the figure.
    step : int
        Snapshot index of a history: ``0`` is the initialization, ``-1`` the
        end of training. Ignored for a model or weights.
    in_channel : int, optional
        For a layer with several input channels, show only the slices of
        this input channel (one panel per kernel). By default such a layer is
        drawn as an ``out x in`` grid: row ``kernel i``, column ``in j``.
    fig : Figure or SubFigure, optional
        Where to draw; a new pyplot figure by default.
    vmax : float, optional
        Colour limit: the map runs from ``-vmax`` to ``vmax``. By default the
        largest absolute weight shown; pass the same value to several figures
        to compare them by colour.
    title : str, optional
        Title of the figure; by default the layer and the epoch. ``""`` for
        none.

    Returns
    -------
    matplotlib.figure.Figure
        One panel per kernel (or kernel slice) titled ``kernel 0``,
        ``kernel 1``, ... (numbered from 0, as in code), on the diverging map
        with symmetric limits, and one shared colour bar.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``layer`` is not a convolution layer of the history or model,
        ``step`` or ``in_channel`` is out of range, the weights do not have
        shape ``(out, in, kh, kw)``, or ``vmax`` is not positive.

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
    if vmax is not None:
        vmax = check_positive("vmax", vmax)
    if title is not None and not isinstance(title, str):
        raise TypeError(f"title must be a str or None, got {describe(title)}")
    shown = weights if in_channel is None else weights[:, in_channel : in_channel + 1]
    v = signed_limit(shown) if vmax is None else vmax
    norm = Normalize(-v, v)
    if title is None:
        title = f"{layer} kernels"
        if in_channel is not None:
            title += f", input channel {in_channel}"
        if epoch is not None:
            title += f", epoch {format_epoch(epoch)}" + (" (initialization)" if epoch == 0 else "")
    grid = n_in == 1 or in_channel is not None
    with rc():
        if grid:
            ncols = min(n_out, 8)
            nrows = math.ceil(n_out / ncols)
            size = (0.9 * ncols + 0.9, 1.0 * nrows + (0.45 if title else 0.15))
        else:
            size = (0.55 * n_in + 1.5, 0.55 * n_out + (0.6 if title else 0.35))
        container = new_figure(fig, size)
        _kernel_grid(container, weights, norm, in_channel=in_channel)
        if title:
            container.suptitle(title, fontsize=10)
    return root_figure(container)


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
        Snapshot indices, one row each; by default the initialization and
        the end of training. Negative indices count from the end.
    fig : Figure or SubFigure, optional
        Where to draw; a new pyplot figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        One row per step, labelled with its epoch (and the accuracy then),
        with identical symmetric colour limits -- the largest absolute weight
        over all the rows -- so that colours compare across rows. For a
        layer with one input channel the rows share one colour bar; for a
        layer with several, each step is an ``out x in`` block with its own
        colour bar, all with the same limits.

    Raises
    ------
    TypeError
        If ``history`` is not a WeightHistory or ``steps`` not a sequence of
        integers.
    ValueError
        If ``layer`` is unknown or a step is out of range.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> from cnnexplain.viz import plot_kernels_compare
    >>> history = train(LineCNN(), make_lines(n_per_class=10), epochs=1, progress=False)
    >>> fig = plot_kernels_compare(history)
    >>> fig.axes[0].get_ylabel()
    'epoch 0\\n(initialization)'
    >>> plt.close(fig)
    """
    history = _check_history("history", history)
    all_w = _history_weights(history, layer)
    idx = [history.index(s) for s in _int_list("steps", steps)]
    weights = all_w[idx].astype(float)
    n_steps, n_out, n_in = weights.shape[:3]
    v = signed_limit(weights)
    norm = Normalize(-v, v)
    with rc():
        if n_in == 1:
            container = new_figure(fig, (0.9 * n_out + 1.9, 1.0 * n_steps + 0.25))
            axes = container.subplots(n_steps, n_out, squeeze=False)
            images = []
            for (r, k), ax in np.ndenumerate(axes):
                images.append(_show(ax, weights[r, k, 0], norm, signed=True))
                if r == 0:
                    ax.set_title(f"kernel {k}", fontsize=8, pad=3)
                if k == 0:
                    _row_label(ax, _step_label(history, idx[r]))
            _colorbar(container, images[0], list(axes.flat), label="weight", shrink=0.9, aspect=20)
        else:
            container = new_figure(fig, (0.55 * n_in + 1.5, n_steps * (0.5 * n_out + 0.45)))
            engine = container.get_layout_engine()
            if fig is None and engine is not None:
                engine.set(w_pad=0.08)  # room for the row labels at the subfigures' edge
            subs = container.subfigures(n_steps, 1, squeeze=False)[:, 0]
            for r, sub in enumerate(subs):
                _kernel_grid(sub, weights[r], norm)
                sub.suptitle(
                    _step_label(history, idx[r]).replace("\n(", " (").replace("\n", ", "), fontsize=9
                )
    return root_figure(container)


def animate_kernels(
    history: WeightHistory,
    layer: str = "conv1",
    *,
    interval: int = 400,
    fig: Figure | None = None,
) -> FuncAnimation:
    """The kernels of a layer through training, one frame per snapshot.

    The left of each frame shows the kernels (as :func:`plot_kernels`) with
    colour limits fixed over all frames -- the largest absolute weight over
    all snapshots -- so a colour means the same weight in every frame. The
    right shows the training curves (loss and accuracy against epoch) with a
    vertical line and markers at the current epoch. The frame's title gives
    the epoch and the validation accuracy measured then (or the training
    accuracy, saying so, when training had no validation set; for snapshots
    taken during an epoch, the value after the last whole epoch).

    Parameters
    ----------
    history : WeightHistory
        The training history.
    layer : str
        A convolution layer of the history, such as ``"conv1"``.
    interval : int
        Milliseconds between frames, in ``[10, 10000]``.
    fig : Figure, optional
        A top-level figure to draw into; by default a new pyplot figure of
        7.6x2.75 inches at 100 dpi, with text drawn without anti-aliasing to
        keep the frames light for a web page (about 20 KB per frame).

    Returns
    -------
    matplotlib.animation.FuncAnimation
        ``len(history)`` frames. Keep a reference to it until it is shown
        or saved (see :func:`save_gif`).

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``layer`` is not a convolution layer of the history, or
        ``interval`` is out of range.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> from cnnexplain.viz import animate_kernels
    >>> train_set, val_set = make_lines(n_per_class=10).split()
    >>> history = train(LineCNN(), train_set, val_set=val_set, epochs=2, progress=False)
    >>> anim = animate_kernels(history)
    >>> len(list(anim.new_frame_seq())) == len(history)
    True
    >>> html = anim.to_jshtml()              # what a notebook or the site embeds
    >>> plt.close(anim._fig)
    """
    history = _check_history("history", history)
    all_w = _history_weights(history, layer).astype(float)
    interval = check_int("interval", interval, low=10, high=10_000)
    n_steps, n_out, n_in = all_w.shape[:3]
    v = signed_limit(all_w)
    norm = Normalize(-v, v)
    epochs = history.epochs
    with rc(ANIMATION_RC):
        figure = _animation_figure(fig, (7.6, 2.75), 100)
        if figure.get_layout_engine() is None:
            figure.set_layout_engine("constrained")
        left, right = figure.subfigures(1, 2, width_ratios=[1.4, 1.0], wspace=0.03)
        images, _ = _kernel_grid(left, all_w[0], norm, ncols=4 if n_in == 1 and n_out == 8 else None)
        ax_loss, ax_acc = right.subplots(2, 1, sharex=True)
        drawn = _curves(ax_loss, ax_acc, history.metrics)
        ax_acc.set_xlabel("epoch", fontsize=8)
        vlines = [ax.axvline(epochs[0], color="0.35", lw=0.8, ls="--") for ax in (ax_loss, ax_acc)]
        markers = {
            key: ax.plot([x[0]], [y[0]], "o", ms=4, color=line.get_color(), zorder=3)[0]
            for key, (ax, x, y, line) in drawn.items()
        }
        title = figure.suptitle(_frame_title(history, 0, layer), fontsize=10)

    def update(s: int):
        s = int(s)
        for (k, c), im in images.items():
            im.set_data(all_w[s, k, c])
        e = float(epochs[s])
        for line in vlines:
            line.set_xdata([e, e])
        for key, marker in markers.items():
            _, x, y, _ = drawn[key]
            i = min(math.floor(e + 1e-9), len(y) - 1)
            marker.set_data([x[i]], [y[i]])
        title.set_text(_frame_title(history, s, layer))
        return [*images.values(), *vlines, *markers.values(), title]

    with rc(ANIMATION_RC):
        update(0)
        _settle(figure)
    return FuncAnimation(figure, update, frames=range(n_steps), interval=interval, blit=False)


# -- GIF ------------------------------------------------------------------------------
class _GifWriter(PillowWriter):
    """:class:`~matplotlib.animation.PillowWriter` with a fixed format and a rounded frame duration."""

    def finish(self) -> None:
        self._frames[0].save(
            self.outfile,
            format="GIF",
            save_all=True,
            append_images=self._frames[1:],
            duration=max(10, round(1000 / self.fps)),
            loop=0,
        )


def save_gif(
    animation: Animation,
    path: str | os.PathLike,
    *,
    fps: float | None = None,
    dpi: float | None = None,
    overwrite: bool = True,
) -> Path:
    """Save an animation as a looping GIF, atomically and reproducibly.

    The frames are rendered with matplotlib's Pillow writer into a temporary
    file in the destination folder, which is then renamed over ``path``: a
    crash never leaves a half-written GIF, and readers of ``path`` see the
    old file or the new one. The same animation saved twice gives the same
    bytes.

    Parameters
    ----------
    animation : matplotlib.animation.Animation
        For instance from :func:`animate_kernels` or
        :func:`animate_convolution`.
    path : str or os.PathLike
        Destination, ending in ``.gif``. Missing parent folders are made.
    fps : float, optional
        Frames per second; by default from the animation's interval.
    dpi : float, optional
        Resolution of the frames; by default the figure's.
    overwrite : bool
        Replace an existing file (the default, as GIFs are build outputs);
        with ``False`` an existing file raises ``FileExistsError``.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    TypeError
        If ``animation`` is not a matplotlib Animation or ``path`` not a path.
    ValueError
        If ``path`` does not end in ``.gif`` or is a folder, or ``fps`` or
        ``dpi`` is not positive.
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import matplotlib.pyplot as plt
    >>> from PIL import Image
    >>> from cnnexplain.data import make_lines
    >>> from cnnexplain.edges import PREWITT_Y
    >>> from cnnexplain.viz import animate_convolution, save_gif
    >>> anim = animate_convolution(make_lines(n_per_class=1).images[0], PREWITT_Y, region=(0, 0, 4, 4))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_gif(anim, pathlib.Path(folder) / "slide.gif")
    ...     Image.open(path).n_frames
    4
    >>> plt.close(anim._fig)
    """
    if not isinstance(animation, Animation):
        raise TypeError(f"animation must be a matplotlib.animation.Animation, got {describe(animation)}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {describe(path)}")
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {describe(overwrite)}")
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"path must end in .gif, got {str(path)!r}")
    if path.is_dir():
        raise ValueError(f"path must be a file name, got the folder {str(path)!r}")
    if path.exists() and not overwrite:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    if fps is None:
        fps = 1000.0 / float(getattr(animation, "_interval", 200))
    fps = check_positive("fps", fps)
    fig = animation._fig
    dpi = check_positive("dpi", fig.dpi if dpi is None else dpi)
    return atomic_write(path, lambda tmp: animation.save(tmp, writer=_GifWriter(fps=fps), dpi=dpi))


# -- F8: feature maps -----------------------------------------------------------------
def plot_feature_maps(
    models: Mapping[str, nn.Module],
    images: torch.Tensor,
    kernels: Sequence[int],
    *,
    stages: Sequence[str] = ("conv1", "relu1", "pool1"),
    fig: FigureBase | None = None,
) -> Figure:
    """What chosen first-layer kernels make of chosen images, stage by stage.

    For every model and every kernel, one row: for each image, the kernel's
    channel after each stage (by default the convolution, the ReLU and the
    max-pooling), computed with :func:`cnnexplain.model.activations`. The
    inputs are shown once, above their columns.

    Pre-activation stages (names starting with ``conv``, or any stage with a
    negative value) are drawn on the diverging map, with one symmetric limit
    for the whole figure; the other stages on the grey map from zero, with
    one limit for the whole figure. So rows of different models (say, before
    and after training) compare by colour alone.

    Parameters
    ----------
    models : mapping of str to torch.nn.Module
        Named models, one block of rows each, for instance
        ``{"before training": history.model_at(0), "after training":
        history.model_at(-1)}``.
    images : torch.Tensor
        Shape ``(N, 1, H, W)``, for instance one horizontal and one vertical
        line.
    kernels : sequence of int
        Channel indices (kernel numbers, from 0) to show.
    stages : sequence of str
        Layers whose outputs are ``(N, C, H', W')`` maps with at least
        ``max(kernels) + 1`` channels.
    fig : Figure or SubFigure, optional
        Where to draw; a new pyplot figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        A header row of the input images, then ``len(models) * len(kernels)``
        rows (labelled with the model's name and the kernel) of
        ``N * len(stages)`` map panels, and one colour bar per kind of map.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If ``models``, ``kernels`` or ``stages`` is empty, a stage is not a
        layer of a model or does not give maps, or a kernel index is out of
        range.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines
    >>> from cnnexplain.viz import plot_feature_maps
    >>> images = make_lines(n_per_class=1).images
    >>> fig = plot_feature_maps({"untrained": LineCNN()}, images, [0, 5])
    >>> fig.axes[2].get_ylabel()
    'untrained\\nkernel 0'
    >>> plt.close(fig)
    """
    if not isinstance(models, Mapping) or not models:
        raise TypeError(f"models must be a non-empty dict of name to torch.nn.Module, got {describe(models)}")
    for name, model in models.items():
        if not isinstance(name, str) or not isinstance(model, nn.Module):
            raise TypeError(f"models must map str names to torch.nn.Module, got {name!r}: {describe(model)}")
    check_images("images", images)
    kernels = _int_list("kernels", kernels)
    stages = check_str_sequence("stages", stages)
    if not stages or len(set(stages)) != len(stages):
        raise ValueError(f"stages must be distinct layer names, at least one, got {stages!r}")
    maps: dict[str, dict[str, np.ndarray]] = {}
    for name, model in models.items():
        leaves = [n for n, _ in leaf_modules(model)]
        unknown = [s for s in stages if s not in leaves]
        if unknown:
            raise ValueError(f"stages must be layers of models[{name!r}] {leaves}, got unknown {unknown}")
        acts = activations(model, images, layers=stages)
        maps[name] = {}
        for s in stages:
            out = acts[s]
            if out.ndim != 4:
                raise ValueError(
                    f"stages must give (N, C, H, W) maps; {s!r} of models[{name!r}] gives shape {tuple(out.shape)}"
                )
            bad = [k for k in kernels if not 0 <= k < out.shape[1]]
            if bad:
                raise ValueError(
                    f"kernels must be channel indices in [0, {out.shape[1] - 1}] of {s!r}, got {bad}"
                )
            maps[name][s] = to_numpy(out[:, kernels])
    n_images = images.shape[0]
    signed = {s: s.startswith("conv") or any(float(maps[m][s].min()) < 0 for m in maps) for s in stages}
    s_vals = [maps[m][s] for m in maps for s in stages if signed[s]]
    u_vals = [maps[m][s] for m in maps for s in stages if not signed[s]]
    s_norm = Normalize(-signed_limit(*s_vals), signed_limit(*s_vals)) if s_vals else None
    u_max = max((float(a.max()) for a in u_vals), default=0.0)
    u_norm = Normalize(0.0, u_max if u_max > 0 else 1.0)
    inputs = to_numpy(images[:, 0])
    in_norm = Normalize(0.0, max(1.0, float(inputs.max())))

    n_st, n_m, n_k = len(stages), len(models), len(kernels)
    col_of = [g * (n_st + 1) + j for g in range(n_images) for j in range(n_st)]
    width_ratios = [r for g in range(n_images) for r in ([1.0] * n_st + ([0.25] if g < n_images - 1 else []))]
    row_of = [2 + b * (n_k + 1) + i for b in range(n_m) for i in range(n_k)]
    height_ratios = [1.0] + [r for b in range(n_m) for r in ([0.2] + [1.0] * n_k)]
    with rc():
        size = (1.05 * n_images * n_st + 0.25 * (n_images - 1) + 2.4, 1.0 * (1 + n_m * n_k) + 0.2 * n_m + 0.3)
        container = new_figure(fig, size)
        gs = container.add_gridspec(
            len(height_ratios), len(width_ratios), width_ratios=width_ratios, height_ratios=height_ratios
        )
        for g in range(n_images):
            start = g * (n_st + 1)
            ax = container.add_subplot(gs[0, start])
            _show(ax, inputs[g], in_norm, signed=False)
            ax.set_title(f"image {g}", fontsize=8, pad=3)
            if g == 0:
                _row_label(ax, "input")
        axes_signed, axes_unsigned = [], []
        im_signed = im_unsigned = None
        for b, (name, per_stage) in enumerate(maps.items()):
            for i, k in enumerate(kernels):
                row = row_of[b * n_k + i]
                for g in range(n_images):
                    for j, s in enumerate(stages):
                        ax = container.add_subplot(gs[row, col_of[g * n_st + j]])
                        data = per_stage[s][g, i]
                        if signed[s]:
                            im_signed = _show(ax, data, s_norm, signed=True)
                            axes_signed.append(ax)
                        else:
                            im_unsigned = _show(ax, data, u_norm, signed=False)
                            axes_unsigned.append(ax)
                        if b == 0 and i == 0:
                            ax.set_title(f"{s} ({data.shape[0]}\u00d7{data.shape[1]})", fontsize=8, pad=3)
                        if g == 0 and j == 0:
                            _row_label(ax, f"{name}\nkernel {k}")
        every = axes_signed + axes_unsigned
        if im_signed is not None:
            label = ", ".join(s for s in stages if signed[s]) + " (signed)"
            _colorbar(container, im_signed, every, label=label, shrink=0.6, aspect=30)
        if im_unsigned is not None:
            label = ", ".join(s for s in stages if not signed[s])
            _colorbar(container, im_unsigned, every, label=label, shrink=0.6, aspect=30)
    return root_figure(container)


# -- F11: forward pass --------------------------------------------------------------
_SKIPPED = (nn.Flatten, nn.Dropout, nn.Identity)


def plot_forward_pass(
    model: nn.Module,
    image: Any,
    *,
    class_names: Sequence[str] | None = None,
    max_channels: int = 8,
    fig: FigureBase | None = None,
) -> Figure:
    """One image through every layer of a model, from pixels to probabilities.

    One row per layer, in the order the layers run (from
    :func:`cnnexplain.model.activations`, in evaluation mode), each labelled
    with the layer's name and the shape of its output for one image: the
    input; the maps of each convolution, ReLU and pooling layer (the first
    ``max_channels`` channels); the dense layers' activations as a strip of
    cells; and, for the last layer, the softmax probabilities of the classes
    as a bar chart. ``Flatten``, ``Dropout`` (the identity at evaluation) and
    ``Identity`` layers change no value and are left out.

    Convolution and dense (pre-activation) outputs are drawn on the diverging
    map with symmetric limits, the others on the grey map from zero; each
    row has its own colour bar, shared by its panels.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier such as :class:`~cnnexplain.model.LineCNN` (its last
        layer gives the logits).
    image : torch.Tensor or numpy.ndarray
        One image, shape ``(H, W)``, ``(1, H, W)`` or ``(1, 1, H, W)``.
    class_names : sequence of str, optional
        Names of the classes, in output order (``dataset.classes``); by
        default ``class 0``, ``class 1``, ...
    max_channels : int
        Largest number of channels shown per layer, in ``[1, 64]``.
    fig : Figure or SubFigure, optional
        Where to draw; a new pyplot figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The row labels (``fig.axes[i].get_ylabel()``) read ``"conv1\\n(8, 44, 44)"``.

    Raises
    ------
    TypeError
        If an argument has the wrong type.
    ValueError
        If the image has the wrong shape, ``class_names`` has the wrong
        length, or ``max_channels`` is out of range.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines
    >>> from cnnexplain.viz import plot_forward_pass
    >>> data = make_lines(n_per_class=1)
    >>> fig = plot_forward_pass(LineCNN(), data.images[0], class_names=data.classes)
    >>> [ax.get_ylabel().split("\\n")[0] for ax in fig.axes if ax.get_ylabel()]
    ['input', 'conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'fc1', 'relu3', 'fc2 + softmax']
    >>> plt.close(fig)
    """
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {describe(model)}")
    arr = _array("image", image)
    if arr.ndim == 4 and arr.shape[:2] == (1, 1):
        arr = arr[0, 0]
    img = _image2d("image", arr)
    max_channels = check_int("max_channels", max_channels, low=1, high=64)
    x = torch.from_numpy(img.astype(np.float32))[None, None]
    acts = activations(model, x)
    modules = dict(leaf_modules(model))
    names = list(acts)
    if not names:
        raise ValueError("model must have layers that output tensors")
    logits = to_numpy(acts[names[-1]][0]).reshape(-1)
    n_classes = logits.size
    if class_names is None:
        class_names = [f"class {i}" for i in range(n_classes)]
    class_names = check_str_sequence("class_names", class_names, length=n_classes)
    probs = np.exp(logits - logits.max())
    probs = probs / probs.sum()

    rows: list[tuple[str, str, np.ndarray, bool]] = [("input", "maps", img[None], bool(img.min() < 0))]
    for name in names[:-1]:
        module = modules.get(name.split("#")[0])
        if isinstance(module, _SKIPPED):
            continue
        out = to_numpy(acts[name][0])
        kind = "maps" if out.ndim == 3 else "vector"
        if out.ndim not in (1, 3):
            out = out.reshape(-1)
        signed = isinstance(module, (nn.Conv2d, nn.Linear)) or bool(out.min() < 0)
        rows.append((name, kind, out, signed))
    ncols = min(max_channels, max(r[2].shape[0] for r in rows if r[1] == "maps"))
    heights = [1.0 if kind == "maps" else 0.5 for _, kind, _, _ in rows] + [max(0.75, 0.3 * n_classes + 0.3)]
    with rc():
        container = new_figure(fig, (0.78 * ncols + 2.3, 0.85 * sum(heights) + 0.3))
        gs = container.add_gridspec(len(heights), ncols, height_ratios=heights)
        for r, (name, kind, out, signed) in enumerate(rows):
            shape = "(" + ", ".join(str(s) for s in out.shape) + (",)" if out.ndim == 1 else ")")
            if name == "input":
                label = f"input\n{shape}"
            else:
                label = f"{name}\n{shape}"
            if signed:
                norm = Normalize(-signed_limit(out), signed_limit(out))
            else:
                top = float(out.max())
                norm = Normalize(0.0, max(1.0, top) if name == "input" else (top if top > 0 else 1.0))
            if kind == "maps":
                n_show = min(out.shape[0], ncols)
                if out.shape[0] > n_show:
                    label += f"\nfirst {n_show} of {out.shape[0]}"
                row_axes = [container.add_subplot(gs[r, c]) for c in range(ncols)]
                im = None
                for c, ax in enumerate(row_axes):
                    if c < n_show:
                        im = _show(ax, out[c], norm, signed=signed)
                        if (
                            name != "input"
                            and modules.get(name) is not None
                            and isinstance(modules[name], nn.Conv2d)
                        ):
                            ax.set_title(f"kernel {c}", fontsize=7, pad=2)
                    else:
                        ax.set_axis_off()
                _row_label(row_axes[0], label)
                _colorbar(container, im, row_axes, shrink=0.9, aspect=12)
            else:
                ax = container.add_subplot(gs[r, :])
                im = _show(ax, out[None, :], norm, signed=signed, aspect="auto")
                _row_label(ax, label)
                _colorbar(container, im, ax, shrink=1.0, aspect=5, nbins=2)
        ax = container.add_subplot(gs[len(rows), :])
        order = np.arange(n_classes)
        bars = ax.barh(
            order, probs, color=["C3" if i == probs.argmax() else "0.6" for i in order], height=0.6
        )
        ax.set_yticks(order, class_names, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlim(0, 1.0)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.tick_params(labelsize=7, length=2, pad=2)
        for side in ("top", "right"):
            ax.spines[side].set_visible(False)
        for bar, p, z in zip(bars, probs, logits):
            inside = p > 0.6  # long bars hold their text, short ones have it beside them
            ax.text(
                p - 0.01 if inside else p + 0.01,
                bar.get_y() + bar.get_height() / 2,
                f"{100 * p:.1f}%  (logit {z:.2f})",
                ha="right" if inside else "left",
                va="center",
                fontsize=7,
                color="white" if inside else "black",
            )
        last = names[-1]
        _row_label(ax, f"{last} + softmax\n({n_classes},)")
        ax.set_title(f"prediction: {class_names[int(probs.argmax())]}", fontsize=8, pad=3)
    return root_figure(container)


# -- training curves ----------------------------------------------------------------
def plot_training_curves(
    history: WeightHistory,
    *,
    ax: Axes | Sequence[Axes] | None = None,
    fig: FigureBase | None = None,
) -> Figure:
    """Loss and accuracy against epoch, for the training and validation sets.

    Epoch 0 is before training. The training values of later epochs are the
    running means over the epoch's batches (with dropout); the validation
    values come from a full pass at the end of the epoch.

    Parameters
    ----------
    history : WeightHistory
        The training history (its :attr:`~cnnexplain.history.WeightHistory.metrics`).
    ax : Axes or (Axes, Axes), optional
        Where to draw: a pair ``(loss_axes, accuracy_axes)`` (a sequence or
        the array of two axes from :func:`~matplotlib.pyplot.subplots`), or one axes
        (loss on it, accuracy on a twin axes on the right). By default two
        new side-by-side axes.
    fig : Figure or SubFigure, optional
        Where to make the two axes when ``ax`` is not given; a new pyplot
        figure by default.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the axes.

    Raises
    ------
    TypeError
        If ``history`` is not a WeightHistory or ``ax`` not axes.
    ValueError
        If both ``ax`` and ``fig`` are given, or the history has no metrics.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> from cnnexplain.viz import plot_training_curves
    >>> history = train(LineCNN(), make_lines(n_per_class=10), epochs=2, progress=False)
    >>> fig = plot_training_curves(history)
    >>> [a.get_ylabel() for a in fig.axes]
    ['loss', 'accuracy']
    >>> plt.close(fig)
    """
    history = _check_history("history", history)
    metrics = history.metrics
    if not any(len(v) for v in metrics.values()):
        raise ValueError("history must hold metrics (train_loss, train_accuracy, ...), got none")
    if ax is not None and fig is not None:
        raise ValueError("pass ax or fig, not both")
    with rc():
        if ax is None:
            container = new_figure(fig, (7.0, 2.6))
            ax_loss, ax_acc = container.subplots(1, 2)
            ax_loss.set_xlabel("epoch", fontsize=8)
            ax_acc.set_xlabel("epoch", fontsize=8)
        elif isinstance(ax, Axes):
            container = ax.get_figure()
            ax_loss, ax_acc = ax, ax.twinx()
            ax_loss.set_xlabel("epoch", fontsize=8)
        elif (
            isinstance(ax, (Sequence, np.ndarray))
            and not isinstance(ax, str)
            and np.size(ax) == 2
            and all(isinstance(a, Axes) for a in np.ravel(np.asarray(ax, dtype=object)))
        ):
            ax_loss, ax_acc = np.ravel(np.asarray(ax, dtype=object))
            container = ax_loss.get_figure()
            ax_loss.set_xlabel("epoch", fontsize=8)
            ax_acc.set_xlabel("epoch", fontsize=8)
        else:
            raise TypeError(f"ax must be a matplotlib Axes or a pair of Axes, got {describe(ax)}")
        _curves(ax_loss, ax_acc, metrics)
        if ax is not None and isinstance(ax, Axes):
            # One axes and its twin: accuracy dashed, one legend for both.
            for line in ax_acc.get_lines():
                line.set_linestyle("--")
            ax_acc.spines["right"].set_visible(True)
            ax_acc.grid(False)
            handles = ax_loss.get_lines() + ax_acc.get_lines()
            labels = [f"{h.get_label()} loss" for h in ax_loss.get_lines()]
            labels += [f"{h.get_label()} accuracy" for h in ax_acc.get_lines()]
            if ax_loss.get_legend() is not None:
                ax_loss.get_legend().remove()
            ax_loss.legend(handles, labels, loc="center right", frameon=False, fontsize=7)
    return root_figure(container)
