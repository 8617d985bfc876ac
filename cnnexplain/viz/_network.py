"""A model as the explorer runs it in the browser: a chain of simple layers.

The explorer's JavaScript re-implements eight layer types, no more: a
:class:`~torch.nn.Conv2d`, :class:`~torch.nn.ReLU`, :class:`~torch.nn.MaxPool2d`,
:class:`~torch.nn.AvgPool2d`, :class:`~torch.nn.BatchNorm2d` (at inference, an
affine map per channel), :class:`~torch.nn.Flatten`, :class:`~torch.nn.Dropout`
(the identity at inference) and :class:`~torch.nn.Linear`. :func:`trace_chain`
runs the model once with hooks and checks that its forward pass is exactly
such a chain -- each leaf layer's input is the previous one's output, and the
model returns the last one's -- so that what runs in the page is the model and
not a guess at it. :func:`layer_tensors` gives the numbers each layer needs,
as float32, for one set of weights. Both describe a layer either as the
explorer runs it at inference or, with ``trainable=True``, as ``network.js``
trains it (a batch normalization by its weights and running statistics, a
dropout with its probability); ``explorer.schema.json`` describes both forms.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from .._checks import describe
from ..model import _leaf_calls

__all__ = ["ChainLayer", "layer_tensors", "trace_chain"]

#: The layer types the explorer runs, and the name its JavaScript knows each by.
KINDS: dict[type[nn.Module], str] = {
    nn.Conv2d: "conv2d",
    nn.ReLU: "relu",
    nn.MaxPool2d: "maxpool2d",
    nn.AvgPool2d: "avgpool2d",
    nn.BatchNorm2d: "batchnorm2d",
    nn.Flatten: "flatten",
    nn.Dropout: "dropout",
    nn.Linear: "linear",
}


@dataclass(frozen=True)
class ChainLayer:
    """One step of the chain: a leaf layer of the model as the explorer runs it.

    Parameters
    ----------
    name : str
        The layer's name in :func:`cnnexplain.activations` (``conv1``, or
        ``conv1#2`` for a second call of the same module).
    module : torch.nn.Module
        The leaf module.
    kind : str
        Its type for the explorer: a value of :data:`KINDS`.
    in_shape, out_shape : tuple of int
        Input and output shape of one image, without the batch axis.
    """

    name: str
    module: nn.Module
    kind: str
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]

    @property
    def key(self) -> str:
        """The prefix of this module's tensors: the name of its first call."""
        return self.name.split("#")[0]

    def spec(self, *, trainable: bool = False) -> dict[str, Any]:
        """The layer's description in the explorer's payload (JSON-serializable, no numbers of weights).

        ``trainable`` describes it for training instead (``network.js``'s
        ``Trainer``): a batch normalization by its weight, bias, running
        statistics, ``eps`` and ``momentum`` rather than its map at
        inference, a dropout with its ``p``. The schema
        (``explorer.schema.json``, ``$defs/layer``) describes both.
        """
        spec: dict[str, Any] = {
            "name": self.name,
            "type": self.kind,
            "in_shape": list(self.in_shape),
            "out_shape": list(self.out_shape),
        }
        m = self.module
        if self.kind == "conv2d":
            spec.update(kernel=_pair(m.kernel_size), stride=_pair(m.stride), padding=_conv_padding(self))
        elif self.kind in ("maxpool2d", "avgpool2d"):
            stride = m.stride if m.stride is not None else m.kernel_size
            spec.update(kernel=_pair(m.kernel_size), stride=_pair(stride), padding=_pair(m.padding))
            if self.kind == "avgpool2d":
                spec["count_include_pad"] = bool(m.count_include_pad)
        if self.kind in ("conv2d", "linear"):
            spec.update(weight=f"{self.key}.weight", bias=f"{self.key}.bias" if m.bias is not None else None)
        elif self.kind == "batchnorm2d" and trainable:
            affine = m.weight is not None
            spec.update(
                weight=f"{self.key}.weight" if affine else None,
                bias=f"{self.key}.bias" if affine else None,
                running_mean=f"{self.key}.running_mean",
                running_var=f"{self.key}.running_var",
                eps=float(m.eps),
                momentum=None if m.momentum is None else float(m.momentum),
            )
        elif self.kind == "batchnorm2d":
            spec.update(scale=f"{self.key}.scale", shift=f"{self.key}.shift")
        elif self.kind == "dropout" and trainable:
            spec["p"] = float(m.p)
        return spec


def trace_chain(model: nn.Module, input_shape: tuple[int, int, int]) -> list[ChainLayer]:
    """Return the layers ``model`` runs on one image of ``input_shape``, in order.

    Parameters
    ----------
    model : torch.nn.Module
        The model; run once, in evaluation mode, on a random image.
    input_shape : tuple of int
        ``(C, H, W)`` of one input image.

    Returns
    -------
    list of ChainLayer
        The leaf layers in the order they ran.

    Raises
    ------
    TypeError
        If a layer is not of a supported type or setting (the message names
        the layer and its type), or if the forward pass does anything between
        the layers, so that it is not a chain.
    ValueError
        If the model does not run on images of ``input_shape``.
    """
    # Random values, not zeros: with zeros, "this input equals that output" would hold by accident.
    image = torch.rand((1, *input_shape), generator=torch.Generator().manual_seed(0))
    try:
        calls = _leaf_calls(model, image, inputs=True)
    except RuntimeError as exc:
        raise ValueError(f"images of shape {input_shape} do not fit the model: {exc}") from None
    if not calls:
        raise TypeError("model: its forward pass ran no leaf layer")
    layers, previous, previous_name = [], image, "the model's input"
    for call in calls:
        kind = _kind(call.name, call.module)
        given = call.inputs[0] if len(call.inputs) == 1 else None
        # A dense layer may take the previous output flattened (``x.view(len(x), -1)``, which
        # runs no layer); anything else must take it exactly as it was.
        reshaped = kind == "linear" and isinstance(given, torch.Tensor) and given.ndim == 2
        if not _same_values(given, previous, reshaped=reshaped):
            raise TypeError(
                f"model: the input of layer {call.name!r} is not the output of {previous_name}; the explorer "
                "runs only models whose forward pass is a plain chain of layers (nothing between them)"
            )
        in_shape = tuple(previous.shape[1:])
        layer = ChainLayer(call.name, call.module, kind, in_shape, tuple(call.output.shape[1:]))
        _check_settings(layer)
        layers.append(layer)
        previous, previous_name = call.output, f"layer {call.name!r}"
    _check_final_output(model, image, calls[-1].output)
    return layers


def layer_tensors(layer: ChainLayer, *, trainable: bool = False) -> dict[str, np.ndarray]:
    """Return the float32 numbers the explorer needs to run ``layer`` with the module's current weights.

    Parameters
    ----------
    layer : ChainLayer
        A layer of :func:`trace_chain`.
    trainable : bool
        The tensors of ``layer.spec(trainable=True)`` instead: a batch
        normalization's weight, bias and running statistics.

    Returns
    -------
    dict of str to numpy.ndarray
        Keyed as in :meth:`ChainLayer.spec`: ``<name>.weight`` and
        ``<name>.bias`` of a convolution or a dense layer; ``<name>.scale``
        and ``<name>.shift`` of a batch normalization (``y = x * scale +
        shift`` per channel, its map at inference); nothing for the others.
    """
    m = layer.module
    with torch.no_grad():
        if layer.kind == "batchnorm2d" and trainable:
            names = ("weight", "bias", "running_mean", "running_var")
            tensors = {f"{layer.key}.{n}": getattr(m, n) for n in names if getattr(m, n) is not None}
        elif layer.kind in ("conv2d", "linear"):
            tensors = {f"{layer.key}.weight": m.weight}
            if m.bias is not None:
                tensors[f"{layer.key}.bias"] = m.bias
        elif layer.kind == "batchnorm2d":
            scale = torch.rsqrt(m.running_var + m.eps)
            if m.weight is not None:
                scale = scale * m.weight
            shift = -m.running_mean * scale
            if m.bias is not None:
                shift = shift + m.bias
            tensors = {f"{layer.key}.scale": scale, f"{layer.key}.shift": shift}
        else:
            tensors = {}
        return {key: t.detach().to(torch.float32).numpy().copy() for key, t in tensors.items()}


# -- checks ------------------------------------------------------------------------------
def _kind(name: str, module: nn.Module) -> str:
    kind = KINDS.get(type(module))
    if kind is None:
        supported = ", ".join(t.__name__ for t in KINDS)
        raise TypeError(
            f"model: layer {name!r} is a {type(module).__name__}, which the explorer cannot run; "
            f"it runs only {supported}"
        )
    return kind


def _check_settings(layer: ChainLayer) -> None:
    """Refuse the settings of a supported type that the explorer's JavaScript does not implement."""
    m, problems = layer.module, []
    if layer.kind == "conv2d":
        if m.groups != 1 or _pair(m.dilation) != [1, 1] or m.padding_mode != "zeros":
            problems.append("groups, dilation and padding_mode must be 1, 1 and 'zeros'")
        _conv_padding(layer)
    elif layer.kind in ("maxpool2d", "avgpool2d"):
        if m.ceil_mode or getattr(m, "return_indices", False) or _pair(getattr(m, "dilation", 1)) != [1, 1]:
            problems.append("ceil_mode, return_indices and dilation must be False, False and 1")
        if layer.kind == "avgpool2d" and m.divisor_override is not None:
            problems.append("divisor_override must be None")
    elif layer.kind == "batchnorm2d" and m.running_mean is None:
        problems.append("it must track running statistics, the ones used at inference")
    elif layer.kind == "flatten" and (len(layer.in_shape) != 3 or len(layer.out_shape) != 1):
        problems.append(f"it must flatten one (C, H, W) image into features, got {layer.in_shape}")
    elif layer.kind == "linear" and math.prod(layer.in_shape) != m.in_features:
        problems.append(f"its input {layer.in_shape} must hold {m.in_features} features")
    if layer.kind in ("conv2d", "maxpool2d", "avgpool2d", "batchnorm2d") and len(layer.in_shape) != 3:
        problems.append(f"its input must be one (C, H, W) image, got shape {layer.in_shape}")
    if problems:
        raise TypeError(
            f"model: layer {layer.name!r} ({type(m).__name__}) has a setting the explorer cannot run: "
            + "; ".join(problems)
        )


def _check_final_output(model: nn.Module, image: torch.Tensor, last_output: torch.Tensor) -> None:
    with torch.no_grad():
        was_training = model.training
        model.eval()
        try:
            output = model(image)
        finally:
            model.train(was_training)
    if not _same_values(output, last_output):
        raise TypeError(
            "model: its output is not the output of its last leaf layer; the explorer runs only "
            "models whose forward pass is a plain chain of layers (nothing after the last)"
        )


def _same_values(a: Any, b: Any, *, reshaped: bool = False) -> bool:
    """True if tensor ``a`` holds the values of ``b``: the same shape, or flattened per image if ``reshaped``."""
    if not isinstance(a, torch.Tensor) or not isinstance(b, torch.Tensor):
        return False
    if reshaped:
        return a.shape == (len(b), b[0].numel()) and torch.equal(a, b.reshape(len(b), -1))
    return a.shape == b.shape and torch.equal(a, b)


def _pair(value: Any) -> list[int]:
    return [int(v) for v in value] if isinstance(value, (tuple, list)) else [int(value), int(value)]


def _conv_padding(layer: ChainLayer) -> list[int]:
    """The padding of a convolution as ``[rows, columns]`` on each side (``'same'`` and ``'valid'`` resolved)."""
    padding = layer.module.padding
    if padding == "valid":
        return [0, 0]
    if padding == "same":
        total = [k - 1 for k in _pair(layer.module.kernel_size)]
        if any(t % 2 for t in total):
            raise TypeError(
                f"model: layer {layer.name!r} ({describe(layer.module)}) pads 'same' unevenly "
                "(an even kernel size), which the explorer cannot run"
            )
        return [t // 2 for t in total]
    return _pair(padding)
