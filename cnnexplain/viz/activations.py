"""What the layers of a model make of an image: feature maps, and the whole forward pass.

The outputs come from :func:`cnnexplain.model.activations` (evaluation
mode). Pre-activation outputs (convolutions, dense layers) are signed, the
others non-negative.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import torch
from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.ticker import PercentFormatter
from torch import nn

from .._checks import check_images, check_int, check_model, check_real_array, describe
from ..model import activations, leaf_modules
from ._args import int_list, plane, str_list
from ._style import STYLE, colorbar, image_norm, row_label, show, signed_norm, styled_figure, unsigned_norm

__all__ = ["plot_feature_maps", "plot_forward_pass"]

#: Layers that change no value at evaluation, left out of :func:`plot_forward_pass`.
_SKIPPED = (nn.Flatten, nn.Dropout, nn.Identity)
#: The style of :func:`plot_forward_pass`: the ticks of its colour bars (and its class names) at 9 points.
_FORWARD_STYLE = {**STYLE, "ytick.labelsize": 9}


def _stage_maps(
    name: str, model: nn.Module, images: torch.Tensor, stages: list[str], kernels: list[int]
) -> dict[str, np.ndarray]:
    """``{stage: (N, len(kernels), H, W) maps}`` of ``models[name]``, checking that the stages give maps."""
    leaves = [n for n, _ in leaf_modules(model)]
    unknown = [s for s in stages if s not in leaves]
    if unknown:
        raise ValueError(f"stages must be layers of models[{name!r}] {leaves}, got unknown {unknown}")
    outputs = activations(model, images, layers=stages)
    maps = {}
    for stage in stages:
        out = outputs[stage]
        if out.ndim != 4:
            raise ValueError(
                f"stages must give (N, C, H, W) maps; {stage!r} of models[{name!r}] gives shape {tuple(out.shape)}"
            )
        bad = [k for k in kernels if not 0 <= k < out.shape[1]]
        if bad:
            raise ValueError(
                f"kernels must be channel indices in [0, {out.shape[1] - 1}] of {stage!r}, got {bad}"
            )
        maps[stage] = check_real_array(stage, out[:, kernels])
    return maps


def plot_feature_maps(
    models: Mapping[str, nn.Module],
    images: torch.Tensor,
    kernels: Sequence[int],
    *,
    stages: Sequence[str] = ("conv1", "relu1", "pool1"),
    kernel_names: Sequence[str] | None = None,
    image_names: Sequence[str] | None = None,
    fig: FigureBase | None = None,
) -> Figure:
    """What chosen kernels make of chosen images, stage by stage.

    For every model and kernel, one row: for each image, the kernel's channel
    after each stage. Signed stages (names starting with ``conv``, or with a
    negative value) share one colour scale, the others another: rows of
    different models (say, before and after training) compare by colour.

    Parameters
    ----------
    models : mapping of str to torch.nn.Module
        Named models, such as ``{"before": history.model_at(0), "after": model}``.
    images : torch.Tensor
        Shape ``(N, 1, H, W)``, shown once above their columns.
    kernels : sequence of int
        Channel indices (kernel numbers) to show.
    stages : sequence of str
        Layers whose outputs are ``(N, C, H', W')`` maps.
    kernel_names : sequence of str, optional
        What the rows call each kernel, one per kernel, such as ``"vertical
        pick"``, so that the figure uses the words of the text around it; the
        kernel's number follows (default: ``"kernel k"`` alone).
    image_names : sequence of str, optional
        Titles of the images, one per image (default: ``"image g"``).
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        A header row of the images, then a row per model and kernel.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

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
    kernels = int_list("kernels", kernels)
    stages = str_list("stages", stages)
    kernel_labels = [f"kernel {k}" for k in kernels]
    if kernel_names is not None:
        names = str_list("kernel_names", kernel_names, length=len(kernels))
        kernel_labels = [f"{name} (kernel {k})" for name, k in zip(names, kernels)]
    image_titles = [f"image {g}" for g in range(len(images))]
    if image_names is not None:
        image_titles = str_list("image_names", image_names, length=len(images))
    if not stages or len(set(stages)) != len(stages):
        raise ValueError(f"stages must be distinct layer names, at least one, got {stages!r}")
    maps = {name: _stage_maps(name, model, images, stages, kernels) for name, model in models.items()}
    signed = {s: s.startswith("conv") or any(m[s].min() < 0 for m in maps.values()) for s in stages}
    scale = {
        kind: norm_of(*(m[s] for m in maps.values() for s in stages if signed[s] == kind))
        for kind, norm_of in ((True, signed_norm), (False, unsigned_norm))
    }
    inputs = check_real_array("images", images[:, 0])

    # A grid with narrow spacer columns between the images and spacer rows between
    # the models: (image g, stage j) is column g * (n_st + 1) + j, (model b, kernel i)
    # row 2 + b * (n_k + 1) + i.
    n_images, n_st, n_k = len(inputs), len(stages), len(kernels)
    widths = [r for g in range(n_images) for r in [1.0] * n_st + ([0.25] if g < n_images - 1 else [])]
    heights = [1.0] + [r for _ in maps for r in [0.2] + [1.0] * n_k]
    size = (
        1.2 * n_images * n_st + 0.3 * (n_images - 1) + 2.4,
        1.2 * (1 + len(maps) * n_k) + 0.25 * len(maps) + 0.5,
    )
    with styled_figure(fig, size) as container:
        grid = container.add_gridspec(len(heights), len(widths), width_ratios=widths, height_ratios=heights)
        header = [container.add_subplot(grid[0, g * (n_st + 1)]) for g in range(n_images)]
        for g, ax in enumerate(header):
            show(ax, inputs[g], image_norm(inputs))
            ax.set_title(image_titles[g])
        row_label(header[0], "input")
        last_image, panels = {}, []  # the last panel of each kind, for its colour bar
        for b, (name, per_stage) in enumerate(maps.items()):
            for i in range(len(kernels)):
                row = 2 + b * (n_k + 1) + i
                for g in range(n_images):
                    for j, stage in enumerate(stages):
                        ax = container.add_subplot(grid[row, g * (n_st + 1) + j])
                        data = per_stage[stage][g, i]
                        last_image[signed[stage]] = show(ax, data, scale[signed[stage]])
                        panels.append(ax)
                        if b == 0 and i == 0:
                            ax.set_title(f"{stage}\n{data.shape[0]}\u00d7{data.shape[1]}")
                        if g == 0 and j == 0:
                            row_label(ax, f"{name}\n{kernel_labels[i]}")
        for kind in (True, False):
            if kind in last_image:
                label = ", ".join(s for s in stages if signed[s] == kind) + (" (signed)" if kind else "")
                colorbar(container, last_image[kind], panels, label=label, shrink=0.6, aspect=30)
    return container.figure


def _layer_outputs(model: nn.Module, img: np.ndarray) -> tuple[list[tuple], tuple[str, np.ndarray]]:
    """Run one image through the model; return its rows and ``(name, logits)`` of the last layer.

    A row is ``(layer name, output, colour scale, is a convolution)``, the
    output being maps ``(C, H, W)`` or a vector ``(n,)``; the first row is the
    input. Layers in :data:`_SKIPPED` are left out.
    """
    outputs = activations(model, torch.from_numpy(img.astype(np.float32))[None, None])
    if not outputs:
        raise ValueError("model must have layers that output tensors")
    *hidden, last = outputs
    modules = dict(leaf_modules(model))
    rows = [("input", img[None], image_norm(img), False)]
    for name in hidden:
        module = modules.get(name.split("#")[0])  # "relu#2": the second call of relu
        if isinstance(module, _SKIPPED):
            continue
        out = check_real_array(name, outputs[name][0])
        out = out if out.ndim in (1, 3) else out.reshape(-1)
        signed = isinstance(module, (nn.Conv2d, nn.Linear)) or out.min() < 0
        norm = signed_norm(out) if signed else unsigned_norm(out)
        rows.append((name, out, norm, isinstance(module, nn.Conv2d)))
    return rows, (last, check_real_array(last, outputs[last][0]).reshape(-1))


def _draw_probabilities(ax: Axes, logits: np.ndarray, class_names: list[str]) -> None:
    """A bar per class: its softmax probability, the logit written beside; the prediction in red."""
    probs = np.exp(logits - logits.max())
    probs /= probs.sum()
    best = int(probs.argmax())
    order = np.arange(len(probs))
    bars = ax.barh(order, probs, color=["C3" if i == best else "0.6" for i in order], height=0.6)
    ax.set_yticks(order, class_names)
    ax.invert_yaxis()
    ax.set_xlim(0, 1.0)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_title(f"prediction: {class_names[best]}")
    for bar, p, z in zip(bars, probs, logits):
        inside = p > 0.6  # long bars hold their text, short ones have it beside them
        ax.text(
            p - 0.01 if inside else p + 0.01,
            bar.get_y() + bar.get_height() / 2,
            f"{100 * p:.1f}%  (logit {z:.2f})",
            ha="right" if inside else "left",
            va="center",
            fontsize=9,
            color="white" if inside else "black",
        )


def _value_bar(container: FigureBase, image, axes, label: str, *, nbins: int = 3, **kwargs) -> None:
    """A colour bar beside a row of :func:`plot_forward_pass`, its label above it, horizontal (short rows).

    A row is short (about 65 px): its bar gets few ticks, so that their
    labels, of 9 points (``_FORWARD_STYLE``), do not touch each other.
    """
    bar = colorbar(container, image, axes, nbins=nbins, **kwargs)
    bar.ax.set_title(label, fontsize=9, pad=6, loc="left")


def plot_forward_pass(
    model: nn.Module,
    image: Any,
    *,
    class_names: Sequence[str] | None = None,
    max_channels: int = 8,
    fig: FigureBase | None = None,
) -> Figure:
    """One image through every layer of a model, from pixels to probabilities.

    One row per layer, in the order they run: the input, the maps of the
    convolution, ReLU and pooling layers, the dense layers as strips of
    cells, and the softmax of the last layer as bars. ``Flatten``,
    ``Dropout`` and ``Identity`` change no value at evaluation: left out.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier such as :class:`~cnnexplain.model.LineCNN`.
    image : torch.Tensor or numpy.ndarray
        One image, shape ``(H, W)``, ``(1, H, W)`` or ``(1, 1, H, W)``.
    class_names : sequence of str, optional
        In output order (``dataset.classes``); ``class 0``, ... by default.
    max_channels : int
        Largest number of channels shown per layer, in ``[1, 64]``.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        The row labels (``fig.axes[i].get_ylabel()``) read ``"conv1\\n(8, 44, 44)"``.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, make_lines
    >>> from cnnexplain.viz import plot_forward_pass
    >>> data = make_lines(n_per_class=1)
    >>> image = data.images[0]
    >>> fig = plot_forward_pass(LineCNN(), image, class_names=data.classes)
    >>> labels = [ax.get_ylabel() for ax in fig.axes if ax.get_ylabel()]
    >>> [label.split("\\n")[0] for label in labels]
    ['input', 'conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'fc1',
     'relu3', 'fc2 + softmax']
    >>> plt.close(fig)
    """
    model = check_model(model)
    img = plane("image", image)
    max_channels = check_int("max_channels", max_channels, low=1, high=64)
    rows, (last, logits) = _layer_outputs(model, img)
    if class_names is None:
        class_names = [f"class {i}" for i in range(logits.size)]
    class_names = str_list("class_names", class_names, length=logits.size)
    ncols = min(max_channels, max(len(out) for _, out, _, _ in rows if out.ndim == 3))
    heights = [1.0 if out.ndim == 3 else 0.5 for _, out, _, _ in rows] + [max(0.75, 0.3 * logits.size + 0.3)]
    figsize = (0.95 * ncols + 2.4, 0.98 * sum(heights) + 0.3)
    with styled_figure(fig, figsize, style=_FORWARD_STYLE) as container:
        grid = container.add_gridspec(len(heights), ncols, height_ratios=heights)
        for r, (name, out, norm, is_conv) in enumerate(rows):
            label = f"{name}\n({', '.join(str(n) for n in out.shape)}{',' if out.ndim == 1 else ''})"
            if out.ndim == 1:  # a vector: one strip of cells
                ax = container.add_subplot(grid[r, :])
                row_label(ax, label)
                image = show(ax, out[None, :], norm, aspect="auto")
                _value_bar(container, image, ax, "value", shrink=1.0, aspect=5, nbins=2)
                continue
            n_show = min(len(out), ncols)
            if len(out) > n_show:
                label += f"\nfirst {n_show} of {len(out)}"
            row_axes = [container.add_subplot(grid[r, c]) for c in range(ncols)]
            for c, ax in enumerate(row_axes):
                if c >= n_show:
                    ax.set_axis_off()
                    continue
                image = show(ax, out[c], norm)
                if is_conv:  # channel c of a convolution: what its kernel c makes
                    ax.set_title(f"channel {c}", fontsize=8, pad=2)
            row_label(row_axes[0], label)
            _value_bar(container, image, row_axes, "pixel" if r == 0 else "value", shrink=0.9, aspect=12)
        ax = container.add_subplot(grid[len(rows), :])
        _draw_probabilities(ax, logits, class_names)
        row_label(ax, f"{last} + softmax\n({logits.size},)")
    return container.figure
