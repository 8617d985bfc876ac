"""What ``cnnexplain figures`` and ``cnnexplain explore`` build from a history, bounded before it is built.

Both commands rebuild the run a history records: a
:class:`~cnnexplain.model.LineCNN` from ``config['model']``, its data set
from ``config['dataset']``, and forward passes of the one over the other.
A history can come from anyone, and a few bytes of settings can describe
gigabytes: ``hidden=32768`` with ``image_size=200`` is a model of 580
million parameters, ``n_per_class=1000, size=512`` half a billion pixels.
:func:`check_run` compares the settings with the history's own arrays and
with the limits below before anything is built, and refuses with a
``ValueError`` that names the field. The model is built on PyTorch's
``meta`` device, which gives shapes and allocates nothing.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch
from torch import nn

from ._checks import describe
from .data import MAX_DATA_PIXELS, check_data_pixels
from .history import WeightHistory
from .model import LineCNN, leaf_modules

__all__ = [
    "MAX_DATA_PIXELS",
    "MAX_LAYER_OUTPUT",
    "MAX_METRIC_VALUES",
    "check_curves",
    "check_run",
]

#: Most values one layer may output for one image: 2**18 (1 MB as float32; the analyses run
#: batches of 256 images). The default LineCNN's largest output, conv1's, holds 8 x 44 x 44 = 15,488.
MAX_LAYER_OUTPUT = 2**18
#: Most values of a metric the training curves draw: one per epoch, and the start, of the
#: longest training ``cnnexplain train --epochs`` allows (10,000 epochs).
MAX_METRIC_VALUES = 10_001


def check_run(history: WeightHistory) -> None:
    """Refuse, before anything is built, a history whose LineCNN or data set the commands should not build.

    The model ``config['model']`` describes must hold exactly the
    parameters the history holds (so it is no larger than one snapshot of
    the file), as finite floating-point numbers, and no layer may output more
    than :data:`MAX_LAYER_OUTPUT` values per image; the line images
    ``config['dataset']`` describes, if it describes any, may hold at most
    :data:`MAX_DATA_PIXELS` pixels.

    Raises
    ------
    ValueError
        Naming the field or parameter, what it must be and what it is.
    """
    config = history.config
    model = _section(config, "model")
    if model.get("class") != "LineCNN":
        raise ValueError(
            f"config['model']['class'] must be 'LineCNN' (the model the commands rebuild), "
            f"got {describe(model.get('class'))}"
        )
    net = _meta_model({k: v for k, v in model.items() if k != "class"})
    _check_parameters(history, {key: tuple(value.shape) for key, value in net.state_dict().items()})
    _check_layer_outputs(net)
    _check_data(config.get("dataset"))


def check_curves(history: WeightHistory) -> None:
    """Refuse metrics the training curves cannot draw: more than :data:`MAX_METRIC_VALUES`, or not finite."""
    for name, values in history.metrics.items():
        if len(values) > MAX_METRIC_VALUES:
            raise ValueError(
                f"history: metric {name!r} holds {len(values):,} values, more than the "
                f"{MAX_METRIC_VALUES:,} the training curves draw (one per epoch, and the start)"
            )
        bad = np.flatnonzero(~np.isfinite(values))
        if len(bad):
            raise ValueError(
                f"history: metric {name!r} is {values[bad[0]]} at epoch {bad[0]}; "
                "the training curves draw finite numbers only"
            )


def _section(config: dict[str, Any], name: str) -> dict[str, Any]:
    section = config.get(name)
    if not isinstance(section, dict):
        raise ValueError(f"config[{name!r}] must be a dict of settings, got {describe(section)}")
    return section


def _meta_model(settings: dict[str, Any]) -> LineCNN:
    """The LineCNN of ``settings`` on the meta device: its shapes, without its memory."""
    try:
        with torch.device("meta"):
            return LineCNN(**settings)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"config['model'] does not describe a LineCNN: {exc}") from None


def _check_parameters(history: WeightHistory, expected: dict[str, tuple[int, ...]]) -> None:
    """The history must hold the parameters of ``expected``'s shapes, as finite floats."""
    held = {key: history[key].shape[1:] for key in history}
    if held.keys() != expected.keys():
        raise ValueError(
            f"config['model'] describes the parameters {sorted(expected)}, the history holds {sorted(held)!r:.200}"
        )
    for key, shape in expected.items():
        if held[key] != shape:
            raise ValueError(
                f"config['model'] describes {key} of shape {shape}, the history holds it with shape {held[key]}"
            )
    for key in history:
        values = history[key]
        if values.dtype.kind != "f":
            raise ValueError(
                f"history: parameter {key!r} must hold floating-point numbers, got {values.dtype}"
            )
        # min and max are NaN or infinite if any value is, and allocate nothing.
        if not (np.isfinite(values.min(initial=0.0)) and np.isfinite(values.max(initial=0.0))):
            snapshot = np.flatnonzero(~np.isfinite(values.reshape(len(values), -1)).all(axis=1))[0]
            raise ValueError(
                f"history: parameter {key!r} holds NaN or infinite values (first at snapshot {snapshot})"
            )


def _check_layer_outputs(net: LineCNN) -> None:
    """No layer of ``net`` may output more than :data:`MAX_LAYER_OUTPUT` values for one image.

    The sizes are worked out layer by layer from the modules' settings: a
    forward pass on the meta device would give them too, but its first run
    loads PyTorch's shape functions, some 75 MB.
    """
    shape: tuple[int, ...] = (1, net.image_size, net.image_size)
    for name, module in leaf_modules(net):
        shape = _output_shape(module, shape)
        size = math.prod(shape)
        if size > MAX_LAYER_OUTPUT:
            raise ValueError(
                f"config['model']: layer {name} outputs {size:,} values per image, more than the "
                f"{MAX_LAYER_OUTPUT:,} the commands compute"
            )


def _output_shape(module: nn.Module, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape of one image's output of ``module``, a layer of LineCNN, from the shape of its input."""
    if isinstance(module, (nn.Conv2d, nn.MaxPool2d)):
        channels = module.out_channels if isinstance(module, nn.Conv2d) else shape[0]
        settings = zip(
            *(_pair(getattr(module, name)) for name in ("kernel_size", "stride", "padding", "dilation"))
        )
        sides = [
            (side + 2 * padding - dilation * (kernel - 1) - 1) // stride + 1
            for side, (kernel, stride, padding, dilation) in zip(shape[1:], settings)
        ]
        return (channels, *sides)
    if isinstance(module, nn.Flatten):
        return (math.prod(shape),)
    if isinstance(module, nn.Linear):
        return (module.out_features,)
    return shape  # ReLU, Dropout


def _pair(value: int | tuple[int, int]) -> tuple[int, int]:
    return (value, value) if isinstance(value, int) else tuple(value)


def _check_data(dataset: Any) -> None:
    """The line images ``dataset`` describes may hold at most :data:`MAX_DATA_PIXELS` pixels.

    A history of a model trained on other data (tensors) records no such
    settings, and nothing is regenerated from it; settings of the wrong
    types are refused by :func:`~cnnexplain.data.make_lines` before it draws.
    """
    if dataset is None:
        return
    if not isinstance(dataset, dict):
        raise ValueError(f"config['dataset'] must be a dict of settings, got {describe(dataset)}")
    check_data_pixels(dataset, "config['dataset']", MAX_DATA_PIXELS, "the commands regenerate")
