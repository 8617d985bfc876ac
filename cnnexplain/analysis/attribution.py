"""Attribution maps: which pixels a classifier's decision rests on.

Saliency, occlusion and Grad-CAM, computed with `Captum <https://captum.ai>`_
(``pip install cnnexplain[attribution]``).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from .._checks import (
    check_batch_size,
    check_choice,
    check_float,
    check_images,
    check_int,
    check_model,
    describe,
)
from .._torch import evaluation_mode
from ._layers import CONV_TYPES, check_indices, conv_layers, find_layer

__all__ = ["grad_cam", "occlusion", "saliency"]


def _captum():
    """Import ``captum.attr``, or say how to install it."""
    try:
        import captum.attr as attr
    except ImportError:
        raise ImportError(
            "attribution needs Captum: install it with `pip install captum` "
            "or `pip install cnnexplain[attribution]`"
        ) from None
    return attr


def _inputs_and_targets(model: Any, images: Any, target: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Check the model and images; return a fresh float32 copy of the images and the targets ``(N,)``."""
    check_model(model)
    x = check_images("images", images).detach().clone().to(torch.float32)
    with evaluation_mode(model):
        logits = model(x)
    if logits.ndim != 2:
        raise ValueError(f"model must return logits of shape (N, n_classes), got shape {tuple(logits.shape)}")
    n, n_classes = logits.shape
    if target is None:
        return x, logits.argmax(1)
    one_for_all = isinstance(target, numbers.Integral)
    classes = check_indices("target", [target] * n if one_for_all else target, n_classes)
    if len(classes) != n:
        raise ValueError(f"target must be one class or one class per image ({n}), got {len(classes)} classes")
    return x, torch.tensor(classes, dtype=torch.int64)


def saliency(
    model: nn.Module,
    images: torch.Tensor,
    target: int | Sequence[int] | torch.Tensor | None = None,
    *,
    absolute: bool = True,
) -> torch.Tensor:
    """Return saliency maps: the gradient of the target logit with respect to each pixel.

    Computed with Captum's ``Saliency`` (Simonyan et al., 2014).

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits ``(N, n_classes)``.
    images : torch.Tensor
        Float images ``(N, C, H, W)``.
    target : int, sequence of int or torch.Tensor, optional
        The class whose logit is explained, one for all or one per image;
        the predicted class by default.
    absolute : bool
        Return ``|gradient|`` (max over input channels), the usual saliency
        map; ``False`` returns the signed gradient (summed over channels):
        positive where brightening the pixel raises the logit.

    Returns
    -------
    torch.Tensor
        Float32 maps ``(N, H, W)``.

    Raises
    ------
    ImportError
        If Captum is not installed.
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> saliency(LineCNN(), make_lines(n_per_class=1).images).shape
    torch.Size([2, 50, 50])
    """
    attr = _captum()
    if not isinstance(absolute, bool):
        raise TypeError(f"absolute must be a bool, got {describe(absolute)}")
    x, t = _inputs_and_targets(model, images, target)
    x.requires_grad_(True)
    with evaluation_mode(model), torch.enable_grad():  # gradients with respect to the pixels only
        maps = attr.Saliency(model).attribute(x, target=t, abs=absolute).detach()
    return (maps.amax(1) if absolute else maps.sum(1)).to(torch.float32)


def occlusion(
    model: nn.Module,
    images: torch.Tensor,
    target: int | Sequence[int] | torch.Tensor | None = None,
    *,
    window: int = 7,
    stride: int = 2,
    baseline: float = 0.0,
    batch_size: int = 512,
) -> torch.Tensor:
    """Return occlusion maps: how much the target logit falls when a patch is hidden.

    Computed with Captum's ``Occlusion`` (Zeiler and Fergus, 2014): a
    ``window x window`` square of value ``baseline`` slides over each image
    with step ``stride``; each pixel gets the mean, over the windows that
    cover it, of ``logit(image) - logit(occluded image)``. Positive values
    mark evidence *for* the target class, negative values evidence against
    it.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits ``(N, n_classes)``.
    images : torch.Tensor
        Float images ``(N, C, H, W)``.
    target : int, sequence of int or torch.Tensor, optional
        The class explained; the predicted class by default.
    window : int
        Side of the occluding square, in pixels.
    stride : int
        Step between windows, in pixels.
    baseline : float
        Value of the occluding square; 0 is the black background of the
        line images.
    batch_size : int
        Images per forward pass (occluded copies are batched).

    Returns
    -------
    torch.Tensor
        Float32 signed maps ``(N, H, W)`` (summed over input channels).

    Raises
    ------
    ImportError
        If Captum is not installed.
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> images = make_lines(n_per_class=1).images
    >>> occlusion(LineCNN(), images, window=10, stride=10).shape
    torch.Size([2, 50, 50])
    """
    attr = _captum()
    x, t = _inputs_and_targets(model, images, target)
    n, c, h, w = x.shape
    window = check_int("window", window, low=1, high=min(h, w))
    stride = check_int("stride", stride, low=1, high=min(h, w))
    baseline = check_float("baseline", baseline)
    batch_size = check_batch_size("batch_size", batch_size)
    with evaluation_mode(model):
        maps = attr.Occlusion(model).attribute(
            x,
            sliding_window_shapes=(c, window, window),
            strides=(c, stride, stride),
            baselines=baseline,
            target=t,
            perturbations_per_eval=max(1, batch_size // n),
        )
    return maps.sum(1).to(torch.float32)


def _pair(value: Any) -> tuple[int, int]:
    return (int(value), int(value)) if isinstance(value, int) else (int(value[0]), int(value[1]))


# Modules that move the grid of a map in a way _map_geometry does not follow
# (it follows Conv2d, MaxPool2d and AvgPool2d, which it meets first).
_ADAPTIVE_POOLS = (nn.AdaptiveMaxPool1d, nn.AdaptiveMaxPool2d, nn.AdaptiveMaxPool3d)
_ADAPTIVE_POOLS += (nn.AdaptiveAvgPool1d, nn.AdaptiveAvgPool2d, nn.AdaptiveAvgPool3d)
_OTHER_POOLS = (nn.MaxPool1d, nn.MaxPool3d, nn.AvgPool1d, nn.AvgPool3d)
_GRID_CHANGERS = (*CONV_TYPES, *_OTHER_POOLS, *_ADAPTIVE_POOLS, nn.Upsample, nn.Flatten, nn.Linear)


def _map_geometry(model: nn.Module, layer: str, map_size: tuple[int, int], size: tuple[int, int]):
    """Input coordinates of the centre of unit ``(0, 0)`` of ``layer``'s map, and the step
    between units, per axis (``centre(i) = start + jump * i``), by receptive-field arithmetic
    over the leaf modules before ``layer``; ``None`` if a module there moves the grid in a way
    this cannot follow, or if the map's centres do not all fall inside the ``size`` image (then
    the arithmetic did not follow this model's forward pass).
    """
    start, jump = [0.0, 0.0], [1.0, 1.0]
    for name, module in model.named_modules():
        if any(True for _ in module.children()):
            continue
        if isinstance(module, (nn.Conv2d, nn.MaxPool2d, nn.AvgPool2d)):
            k, st = _pair(module.kernel_size), _pair(module.stride)
            dil = _pair(getattr(module, "dilation", 1))
            if module.padding == "valid":
                pad = (0, 0)
            elif module.padding == "same":  # torch pads (total // 2) before, the rest after
                pad = (dil[0] * (k[0] - 1) // 2, dil[1] * (k[1] - 1) // 2)
            else:
                pad = _pair(module.padding)
            for ax in range(2):
                start[ax] += ((k[ax] - 1) * dil[ax] / 2 - pad[ax]) * jump[ax]
                jump[ax] *= st[ax]
        elif isinstance(module, _GRID_CHANGERS):
            return None
        if name == layer:
            last = [start[ax] + jump[ax] * (map_size[ax] - 1) for ax in range(2)]
            inside = all(0 <= start[ax] and last[ax] <= size[ax] - 1 for ax in range(2))
            return ((start[0], start[1]), (jump[0], jump[1])) if inside else None
    return None


def _aligned_upsample(coarse: torch.Tensor, size: tuple[int, int], start, jump) -> torch.Tensor:
    """Resample ``(N, C, h, w)`` maps, whose unit ``(i, j)`` sits at input pixel
    ``start + jump * (i, j)``, onto the ``size`` input grid (bilinear, edges repeated)."""
    h, w = coarse.shape[-2:]
    rows = (torch.arange(size[0], dtype=torch.float64) - start[0]) / jump[0]
    cols = (torch.arange(size[1], dtype=torch.float64) - start[1]) / jump[1]
    gy = (2 * rows / (h - 1) - 1) if h > 1 else torch.zeros_like(rows)
    gx = (2 * cols / (w - 1) - 1) if w > 1 else torch.zeros_like(cols)
    grid = torch.stack(torch.meshgrid(gy, gx, indexing="ij")[::-1], dim=-1).to(coarse.dtype)
    grid = grid.unsqueeze(0).expand(coarse.shape[0], -1, -1, -1)
    return F.grid_sample(coarse, grid, mode="bilinear", padding_mode="border", align_corners=True)


def grad_cam(
    model: nn.Module,
    images: torch.Tensor,
    layer: str | None = None,
    target: int | Sequence[int] | torch.Tensor | None = None,
    *,
    relu: bool = True,
    upsample: str = "aligned",
) -> torch.Tensor:
    """Return Grad-CAM maps of a convolution layer, upsampled to the input size.

    Computed with Captum's ``LayerGradCam`` (Selvaraju et al., 2017): each
    channel of ``layer``'s output is weighted by the mean gradient of the
    target logit over that channel, and the weighted channels are summed
    (and passed through a ReLU if ``relu``).

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits ``(N, n_classes)``.
    images : torch.Tensor
        Float images ``(N, C, H, W)``.
    layer : str, optional
        A convolution layer; the last one of the model by default
        (``"conv2"`` for :class:`~cnnexplain.model.LineCNN`).
    target : int, sequence of int or torch.Tensor, optional
        The class explained; the predicted class by default.
    relu : bool
        Keep only positive evidence (the original Grad-CAM); ``False``
        returns signed maps.
    upsample : {"aligned", "stretch"}
        How the coarse map is brought to the input's size, bilinearly.
        ``"aligned"`` puts each unit at the centre of its receptive field,
        found from the kernel sizes, strides and paddings of the convolutions
        and poolings before ``layer``; it falls back to ``"stretch"`` when it
        cannot follow them (an adaptive pooling, for instance). ``"stretch"``
        (Captum's ``LayerAttribution.interpolate``) stretches the map over the
        image, which shifts it towards the borders after unpadded
        convolutions: by up to 5 pixels for ``conv2`` of ``LineCNN``.

    Returns
    -------
    torch.Tensor
        Float32 maps ``(N, H, W)``.

    Raises
    ------
    ImportError
        If Captum is not installed.
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> grad_cam(LineCNN(), make_lines(n_per_class=1).images).shape
    torch.Size([2, 50, 50])
    """
    attr = _captum()
    if layer is None:
        convs = conv_layers(model)
        if not convs:
            raise ValueError("model must have a convolution layer for Grad-CAM; it has none")
        layer = convs[-1]
    module = find_layer(model, layer, kind="conv")
    if not isinstance(relu, bool):
        raise TypeError(f"relu must be a bool, got {describe(relu)}")
    check_choice("upsample", upsample, ("aligned", "stretch"))
    x, t = _inputs_and_targets(model, images, target)
    x.requires_grad_(True)
    with evaluation_mode(model), torch.enable_grad():  # gradients with respect to the layer only
        coarse = attr.LayerGradCam(model, module).attribute(x, target=t, relu_attributions=relu).detach()
    size = tuple(x.shape[-2:])
    geometry = None
    if upsample == "aligned" and coarse.ndim == 4:
        geometry = _map_geometry(model, layer, tuple(coarse.shape[-2:]), size)
    if geometry is not None:
        maps = _aligned_upsample(coarse.to(torch.float64), size, *geometry)
    else:
        maps = attr.LayerAttribution.interpolate(coarse, size, interpolate_mode="bilinear")
    return maps[:, 0].to(torch.float32)
