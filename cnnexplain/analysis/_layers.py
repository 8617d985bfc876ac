"""Plumbing shared by the analyses: layers found by name, arguments checked, a layer's output captured.

The analyses name layers as ``model.named_modules()`` does, so they work on
any :class:`torch.nn.Module`; these helpers look the layers up, check the
data and channel or class numbers the analyses are given, and run a model up to one
layer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
import torch
from torch import nn

from .._checks import check_images, check_int, check_model, check_real_array, describe
from .._torch import evaluation_mode
from ..data import LineDataset, as_images_labels

__all__ = ["conv_layers"]

#: The convolution layers whose kernels the analyses read (transposed ones included).
CONV_TYPES = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.ConvTranspose1d, nn.ConvTranspose2d, nn.ConvTranspose3d)

# What find_layer accepts for each kind, and how its error message calls it.
_KINDS = {
    "any": (nn.Module, "layers"),
    "conv": (CONV_TYPES, "convolution layers"),
    "weighted": ((*CONV_TYPES, nn.Linear), "convolution or linear layers"),
}


def conv_layers(model: nn.Module) -> list[str]:
    """Return the names of the convolution layers of ``model``, in module order.

    Parameters
    ----------
    model : torch.nn.Module
        Any model.

    Returns
    -------
    list of str
        Names (as in ``model.named_modules()``) of its ``Conv1d``, ``Conv2d``
        and ``Conv3d`` modules (transposed ones included).

    Raises
    ------
    TypeError
        If ``model`` is not a :class:`torch.nn.Module`.

    Examples
    --------
    >>> from cnnexplain.model import LineCNN
    >>> conv_layers(LineCNN())
    ['conv1', 'conv2']
    """
    check_model(model)
    return [name for name, m in model.named_modules() if name and isinstance(m, CONV_TYPES)]


def find_layer(model: nn.Module, layer: Any, *, kind: str = "any") -> nn.Module:
    """Return the module of ``model`` called ``layer``; ``kind`` is "any", "conv" or "weighted"."""
    check_model(model)
    types, what = _KINDS[kind]
    modules = {name: m for name, m in model.named_modules() if name and isinstance(m, types)}
    if not isinstance(layer, str):
        raise TypeError(
            f"layer must be the name of one of the model's {what} {list(modules)}, got {describe(layer)}"
        )
    if layer not in modules:
        raise ValueError(f"layer must be one of the model's {what} {list(modules)}, got {layer!r}")
    return modules[layer]


def layer_weights(weights: Any, layer: str, *, kind: str = "conv") -> tuple[np.ndarray, str | None]:
    """Return float64 kernels -- of a model's layer, or the given array -- and the layer's name."""
    if isinstance(weights, nn.Module):
        module = find_layer(weights, layer, kind=kind)
        return module.weight.detach().cpu().to(torch.float64).numpy(), layer
    if not isinstance(weights, (torch.Tensor, np.ndarray)):
        raise TypeError(
            f"weights must be a model, a torch.Tensor or a numpy.ndarray, got {describe(weights)}"
        )
    return check_real_array("weights", weights), None


def images_of(name: str, data: Any, *, labelled: bool = False) -> tuple[torch.Tensor, Any, tuple]:
    """Return ``(images, labels, class names)`` of a LineDataset, a pair or (unless
    ``labelled``) an images tensor, whose labels are then ``None``."""
    if isinstance(data, torch.Tensor) and not labelled:
        return check_images(name, data), None, ()
    if not isinstance(data, (LineDataset, tuple)):
        expected = "a LineDataset or an (images, labels) pair" + ("" if labelled else " or an images tensor")
        raise TypeError(f"{name} must be {expected}, got {describe(data)}")
    images, labels = as_images_labels(name, data)
    if isinstance(data, LineDataset):
        return images, labels, data.classes
    if labels.numel() and labels.min() < 0:
        raise ValueError(f"{name} labels must be non-negative class indices, got {int(labels.min())}")
    n_classes = int(labels.max()) + 1 if labels.numel() else 0
    return images, labels, tuple(str(c) for c in range(n_classes))


def check_indices(name: str, values: Any, n: int) -> list[int]:
    """Return ``values``, a sequence of channel or class numbers each in ``[0, n)``, as ints."""
    if isinstance(values, torch.Tensor):
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
        raise TypeError(f"{name} must be a sequence of integers in [0, {n - 1}], got {describe(values)}")
    return [check_int(name, v, low=0, high=n - 1) for v in values]


class _Stop(Exception):
    """Raised by a forward hook to end a forward pass early."""


def capture(
    model: nn.Module, module: nn.Module, images: torch.Tensor, *, inputs: bool = False
) -> torch.Tensor:
    """Run ``model(images)`` until ``module`` has run and return its ``(N, C, ...)`` output
    (or first input). The layers after ``module`` do not run: the hook stops the forward pass.
    """
    box: list[torch.Tensor] = []

    def hook(_module, inp, out):
        box.append(inp[0] if inputs and inp else out)
        raise _Stop

    handle = module.register_forward_hook(hook)
    try:
        model(images)
    except _Stop:
        pass
    finally:
        handle.remove()
    if not box:
        raise ValueError("layer did not run in the model's forward pass")
    out = box[0]
    if not isinstance(out, torch.Tensor):
        raise TypeError(f"layer output must be a tensor, got {describe(out)}")
    if out.ndim < 2:
        raise ValueError(f"layer output must have shape (N, C, ...), got shape {tuple(out.shape)}")
    return out


def per_image_stats(
    model: nn.Module, module: nn.Module, images: torch.Tensor, batch_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-image, per-channel mean and max of a layer's output: two ``(N, C)`` arrays."""
    means, maxes = [], []
    with evaluation_mode(model):
        for start in range(0, images.shape[0], batch_size):
            out = capture(model, module, images[start : start + batch_size])
            flat = out.reshape(out.shape[0], out.shape[1], -1).to(torch.float64)
            means.append(flat.mean(-1))
            maxes.append(flat.amax(-1))
    return torch.cat(means).numpy(), torch.cat(maxes).numpy()
