"""Argument checks shared by the figure functions of :mod:`cnnexplain.viz`.

Each check raises a ``TypeError`` or ``ValueError`` that names the argument,
what was expected and what was given, and returns the value in the form the
drawing code uses (a float numpy array, a list of ints, ...). Arrays are
converted by :func:`cnnexplain._checks.check_real_array` only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import torch
from torch import nn

from .._checks import check_int, check_real_array, describe
from ..history import WeightHistory


def image_2d(name: str, image: Any) -> np.ndarray:
    """An image of shape ``(H, W)`` or ``(1, H, W)`` as an ``(H, W)`` array."""
    arr = check_real_array(name, image)
    if arr.ndim == 3 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 2 or min(arr.shape) < 1:
        raise ValueError(f"{name} must have shape (H, W) or (1, H, W), got shape {tuple(np.shape(image))}")
    return arr


def kernel_2d(name: str, kernel: Any) -> np.ndarray:
    """One kernel of shape ``(kh, kw)``."""
    arr = check_real_array(name, kernel)
    if arr.ndim != 2 or min(arr.shape) < 1:
        raise ValueError(f"{name} must have shape (kh, kw), got shape {tuple(np.shape(kernel))}")
    return arr


def kernel_stack(name: str, weights: Any) -> np.ndarray:
    """Kernels ``(K, kh, kw)`` from ``(K, 1, kh, kw)``, ``(K, kh, kw)`` or ``(kh, kw)``."""
    if isinstance(weights, nn.Module):
        raise TypeError(f"{name} must be a tensor or array of kernels, not a model; pass model.conv1.weight")
    w = check_real_array(name, weights)
    if w.ndim == 4 and w.shape[1] == 1:
        w = w[:, 0]
    elif w.ndim == 2:
        w = w[None]
    if w.ndim != 3 or min(w.shape) < 1:
        raise ValueError(
            f"{name} must have shape (K, 1, kh, kw), (K, kh, kw) or (kh, kw), got shape {np.shape(weights)}"
        )
    return w


def history_arg(name: str, history: Any) -> WeightHistory:
    """A :class:`~cnnexplain.history.WeightHistory`."""
    if not isinstance(history, WeightHistory):
        raise TypeError(f"{name} must be a cnnexplain WeightHistory, got {describe(history)}")
    return history


def layer_name(layer: Any, layers: list[str], owner: str) -> str:
    """``layer``, one of the convolution layers ``layers`` of the history or model ``owner``."""
    if not isinstance(layer, str):
        raise TypeError(f"layer must be a layer name (str) such as 'conv1', got {describe(layer)}")
    if layer not in layers:
        raise ValueError(f"layer must be one of the {owner}'s convolution layers {layers}, got {layer!r}")
    return layer


def history_weights(history: WeightHistory, layer: Any) -> np.ndarray:
    """All snapshots ``(S, out, in, kh, kw)`` of the weights of a convolution layer, as floats."""
    convs = [k.removesuffix(".weight") for k in history if k.endswith(".weight") and history[k].ndim == 5]
    return history[f"{layer_name(layer, convs, 'history')}.weight"].astype(float)


def weights_of(source: Any, layer: Any, step: Any) -> tuple[np.ndarray, float | None]:
    """The ``(out, in, kh, kw)`` weights of ``layer`` in ``source``, and their epoch if known."""
    if isinstance(source, WeightHistory):
        i = source.index(step)
        return history_weights(source, layer)[i], float(source.epochs[i])
    if isinstance(source, nn.Module):
        convs = {n: m for n, m in source.named_modules() if isinstance(m, nn.Conv2d)}
        return check_real_array("source", convs[layer_name(layer, list(convs), "model")].weight), None
    if isinstance(source, (torch.Tensor, np.ndarray)):
        w = check_real_array("source", source)
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


def int_list(name: str, values: Any, *, low: int | None = None, high: int | None = None) -> list[int]:
    """A non-empty sequence of integers in ``[low, high]``, as a list."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of integers, got {describe(values)}")
    if len(values) == 0:
        raise ValueError(f"{name} must hold at least one integer, got an empty sequence")
    return [check_int(f"{name}[{i}]", v, low=low, high=high) for i, v in enumerate(values)]


def str_list(name: str, values: Any, *, length: int | None = None) -> list[str]:
    """A sequence (not a string) of strings, of ``length`` items when given, as a list."""
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a sequence of str, got {describe(values)}")
    if not all(isinstance(v, str) for v in values):
        raise TypeError(f"{name} must hold only str, got {describe(values)}")
    if length is not None and len(values) != length:
        raise ValueError(f"{name} must have {length} items, got {len(values)}")
    return list(values)
