"""Dead, redundant and essential kernels.

A kernel is *dead* when its channel stays silent on every image
(:func:`dead_kernels`), *redundant* when another kernel is a near copy of it
(:func:`kernel_similarity`, :func:`redundant_pairs`), and *essential* when
zeroing it costs accuracy (:func:`ablation`, built on :func:`without_kernels`).
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch import nn

from .._checks import check_batch_size, check_float, describe
from ..training import evaluate
from ._layers import check_indices, find_layer, images_of, layer_weights, per_image_stats

__all__ = [
    "Ablation",
    "DeadKernels",
    "ablation",
    "dead_kernels",
    "kernel_similarity",
    "redundant_pairs",
    "without_kernels",
]


@dataclass(frozen=True, eq=False)
class DeadKernels:
    """Channels that stay (almost) silent on a data set (see :func:`dead_kernels`).

    Parameters
    ----------
    layer : str
        The layer measured.
    peak, mean : numpy.ndarray
        ``(K,)``: the largest and the mean activation of each channel, over
        all images and positions.
    threshold : float
        The relative threshold used.
    dead : numpy.ndarray
        ``(K,)`` bool: ``peak <= threshold * max(peak.max(), 0)``.
    """

    layer: str
    peak: np.ndarray
    mean: np.ndarray
    threshold: float
    dead: np.ndarray

    @property
    def indices(self) -> list[int]:
        """The numbers of the dead channels."""
        return [int(i) for i in np.flatnonzero(self.dead)]

    def __len__(self) -> int:
        return int(self.dead.shape[0])


def dead_kernels(
    model: nn.Module,
    data: Any,
    layer: str = "relu1",
    *,
    threshold: float = 0.01,
    batch_size: int = 256,
) -> DeadKernels:
    """Find the channels of a layer that stay (almost) silent on a whole data set.

    Channel ``k`` is dead when its largest activation over every image and
    position, ``peak[k]``, is at most ``threshold`` times the largest peak of
    the layer: after a ReLU, it passes (almost) nothing to the next layer,
    whatever the image. A channel whose peak is ``<= 0`` is always dead.

    Parameters
    ----------
    model : torch.nn.Module
        Any model; it runs up to ``layer`` only.
    data : LineDataset, (images, labels) or torch.Tensor
        The images ``(N, C, H, W)``.
    layer : str
        Name of the layer whose output channels are checked.
    threshold : float
        Relative threshold in ``[0, 1)``.
    batch_size : int
        Images per forward pass.

    Returns
    -------
    DeadKernels
        ``.indices`` lists the dead channels.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain import LineCNN, make_lines
    >>> model = LineCNN()
    >>> with torch.no_grad():
    ...     model.conv1.weight[2] = 0.0
    ...     model.conv1.bias[2] = -1.0
    >>> dead_kernels(model, make_lines(n_per_class=4)).indices
    [2]
    """
    module = find_layer(model, layer)
    images, _, _ = images_of("data", data)
    threshold = check_float("threshold", threshold, low=0, high=1, high_open=True)
    batch_size = check_batch_size("batch_size", batch_size)
    mean, peak = per_image_stats(model, module, images, batch_size)
    peak, mean = peak.max(0), mean.mean(0)
    dead = peak <= threshold * max(float(peak.max()), 0.0)
    return DeadKernels(layer, peak, mean, threshold, dead)


def kernel_similarity(weights: Any, layer: str = "conv1") -> np.ndarray:
    """Return the cosine similarity of every pair of kernels of a layer.

    Each kernel (output channel, all its input channels flattened) is
    compared without removing its mean: two kernels that differ by a
    constant respond differently to bright regions, so they are not copies.

    Parameters
    ----------
    weights : torch.nn.Module, torch.Tensor or numpy.ndarray
        A model (its layer ``layer`` is read) or kernels ``(K, ...)``.
    layer : str
        A convolution or linear layer of the model; ignored for arrays.

    Returns
    -------
    numpy.ndarray
        ``(K, K)`` symmetric, in ``[-1, 1]``; 1 on the diagonal, except for an
        all-zero kernel, whose row and column are 0.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain.edges import PREWITT_X
    >>> kernels = torch.stack([PREWITT_X, 2 * PREWITT_X, -PREWITT_X])
    >>> kernel_similarity(kernels).round(3).tolist()
    [[1.0, 1.0, -1.0], [1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]]
    """
    w, _ = layer_weights(weights, layer, kind="weighted")
    if w.ndim < 2:
        raise ValueError(f"weights must have shape (K, ...) with K kernels, got shape {tuple(w.shape)}")
    flat = w.reshape(w.shape[0], -1)
    norm = np.linalg.norm(flat, axis=1)
    unit = flat / np.where(norm > 0, norm, 1.0)[:, None]
    return np.clip(unit @ unit.T, -1.0, 1.0)


def redundant_pairs(
    weights: Any,
    layer: str = "conv1",
    *,
    threshold: float = 0.9,
    absolute: bool = True,
) -> list[tuple[int, int, float]]:
    """Find the pairs of kernels that are near copies of each other.

    Parameters
    ----------
    weights : torch.nn.Module, torch.Tensor or numpy.ndarray
        A model (its layer ``layer`` is read) or kernels ``(K, ...)``.
    layer : str
        A convolution or linear layer of the model; ignored for arrays.
    threshold : float
        Smallest :func:`kernel_similarity` (cosine) of a pair, in ``[0, 1]``.
    absolute : bool
        Compare ``|similarity|`` with the threshold (the default), so that a
        kernel and its negative count as a pair too; ``False`` keeps only
        same-sign copies. Behind a ReLU a negated copy fires on the opposite
        edge, so it duplicates the *feature*, not the response.

    Returns
    -------
    list of (int, int, float)
        ``(i, j, similarity)`` with ``i < j``, by decreasing ``|similarity|``.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain.edges import PREWITT_X, PREWITT_Y
    >>> kernels = torch.stack([PREWITT_X, PREWITT_Y, 1.1 * PREWITT_X])
    >>> [(i, j, round(s, 3)) for i, j, s in redundant_pairs(kernels)]
    [(0, 2, 1.0)]
    """
    threshold = check_float("threshold", threshold, low=0, high=1)
    if not isinstance(absolute, bool):
        raise TypeError(f"absolute must be a bool, got {describe(absolute)}")
    sim = kernel_similarity(weights, layer)
    i, j = np.triu_indices(sim.shape[0], k=1)
    s = sim[i, j]
    keep = (np.abs(s) if absolute else s) >= threshold
    pairs = [(int(a), int(b), float(c)) for a, b, c in zip(i[keep], j[keep], s[keep])]
    return sorted(pairs, key=lambda p: (-abs(p[2]), p[0], p[1]))


def without_kernels(model: nn.Module, kernels: Iterable[int], layer: str = "conv1") -> nn.Module:
    """Return a copy of ``model`` with some kernels of a layer zeroed.

    Kernel ``k`` gets ``weight[k] = 0`` and ``bias[k] = 0``: output channel
    ``k`` of ``layer`` is zero everywhere, whatever the image.

    Parameters
    ----------
    model : torch.nn.Module
        Any model.
    kernels : iterable of int
        The output channels of ``layer`` to zero; may be empty.
    layer : str
        A convolution or linear layer of the model.

    Returns
    -------
    torch.nn.Module
        A deep copy of ``model``, in the same training mode.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> from cnnexplain import LineCNN
    >>> ablated = without_kernels(LineCNN(), [0, 5])
    >>> bool((ablated.conv1.weight[[0, 5]] == 0).all())
    True
    >>> ablated.conv1.bias[[0, 5]].tolist()
    [0.0, 0.0]
    """
    module = find_layer(model, layer, kind="weighted")
    chosen = check_indices("kernels", kernels, module.weight.shape[0])
    ablated = copy.deepcopy(model)
    target = find_layer(ablated, layer)
    with torch.no_grad():
        target.weight[chosen] = 0.0
        if target.bias is not None:
            target.bias[chosen] = 0.0
    return ablated


@dataclass(frozen=True, eq=False)
class Ablation:
    """Accuracy with each kernel zeroed (see :func:`ablation`).

    Parameters
    ----------
    layer : str
        The layer ablated.
    channels : numpy.ndarray
        The output channels ablated, one at a time.
    baseline_accuracy, baseline_loss : float
        Accuracy and mean cross-entropy of the intact model.
    accuracy, loss : numpy.ndarray
        Accuracy and loss with each channel zeroed, one per ``channels``.
    """

    layer: str
    channels: np.ndarray
    baseline_accuracy: float
    baseline_loss: float
    accuracy: np.ndarray
    loss: np.ndarray

    @property
    def drop(self) -> np.ndarray:
        """Accuracy lost by zeroing each channel: ``baseline_accuracy - accuracy``."""
        return self.baseline_accuracy - self.accuracy

    def ranking(self) -> list[int]:
        """Return the channels from the most to the least essential.

        Returns
        -------
        list of int
            The ablated channels by decreasing accuracy drop, then by
            decreasing loss, then by number.
        """
        order = np.lexsort((self.channels, -self.loss, -self.drop))
        return [int(self.channels[i]) for i in order]

    def __len__(self) -> int:
        return int(self.channels.shape[0])


def ablation(
    model: nn.Module,
    data: Any,
    layer: str = "conv1",
    *,
    channels: Sequence[int] | None = None,
    batch_size: int = 512,
) -> Ablation:
    """Measure how much accuracy is lost when each kernel is zeroed.

    For each output channel ``k`` of ``layer``, the copy of the model made
    by :func:`without_kernels` (channel ``k`` outputs zero everywhere) is
    evaluated on ``data``, in evaluation mode.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits ``(N, n_classes)``.
    data : LineDataset or (images, labels)
        The labelled images to evaluate on.
    layer : str
        A convolution (or linear) layer of the model.
    channels : sequence of int, optional
        The channels to ablate; all by default.
    batch_size : int
        Images per forward pass.

    Returns
    -------
    Ablation
        ``.drop[i]`` is the accuracy lost without channel ``channels[i]``.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> data = make_lines(n_per_class=4)
    >>> result = ablation(LineCNN(), data, channels=[0, 1])
    >>> result.drop.shape
    (2,)
    """
    module = find_layer(model, layer, kind="weighted")
    images, labels, _ = images_of("data", data, labelled=True)
    batch_size = check_batch_size("batch_size", batch_size)
    n_out = module.weight.shape[0]
    chans = list(range(n_out)) if channels is None else check_indices("channels", channels, n_out)
    base_loss, base_acc = evaluate(model, (images, labels), batch_size=batch_size)
    scores = [
        evaluate(without_kernels(model, [c], layer), (images, labels), batch_size=batch_size) for c in chans
    ]
    loss, acc = np.array(scores, dtype=np.float64).reshape(len(chans), 2).T
    return Ablation(layer, np.asarray(chans, dtype=np.int64), base_acc, base_loss, acc, loss)
