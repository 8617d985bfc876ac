"""Which class each kernel prefers: the selectivity index of its mean activations.

:func:`selectivity_index` compares two mean activations; :func:`selectivity`
measures them per class on a data set; :func:`kernel_selectivity` does the
same for first-layer kernels given as arrays, without a model (a seed study
keeps the first layer only); :func:`selective_kernels` picks, for each
class, the kernel most selective for it.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._checks import check_batch_size, check_choice, check_int, check_real_array, describe
from ._layers import find_layer, images_of, per_image_stats

__all__ = [
    "CLEAR_PREFERENCE",
    "Selectivity",
    "kernel_selectivity",
    "selective_kernels",
    "selectivity",
    "selectivity_index",
]

#: The site's one cut for a "clear preference": a selectivity index beyond
#: +/-CLEAR_PREFERENCE. Measured on the training and on the test images, the
#: index of the same kernel differs: over the seed study's trained kernels by
#: up to about 0.05, before training by up to about 0.1, the cut itself (the
#: seed study's page measures both), so an index just past the cut may be noise.
CLEAR_PREFERENCE = 0.1


def _non_negative(name: str, value: Any) -> np.ndarray:
    """Check mean activations: real, finite, non-negative; any array-like; float64 out."""
    if not isinstance(value, (torch.Tensor, np.ndarray)):
        try:
            value = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be an array of real numbers, got {describe(value)}") from None
    arr = check_real_array(name, value)
    if (arr < 0).any():
        raise ValueError(
            f"{name} must be non-negative (mean activations after a ReLU), got minimum {arr.min()}"
        )
    return arr


def selectivity_index(mean_a: Any, mean_b: Any) -> np.ndarray:
    """Return ``(mean_a - mean_b) / (mean_a + mean_b)``, in ``[-1, 1]``.

    ``+1``: responds only to ``a``; ``-1``: only to ``b``; ``0``: equally to
    both (also when both means are zero).

    Parameters
    ----------
    mean_a, mean_b : array-like
        Non-negative mean activations (of post-ReLU maps, for instance) on
        two classes; broadcast against each other.

    Returns
    -------
    numpy.ndarray
        Float64 indices of the broadcast shape.

    Raises
    ------
    TypeError, ValueError
        If a mean is not real, finite and non-negative, or the shapes do not
        broadcast.

    Notes
    -----
    The form is that of the class selectivity index of Morcos et al.
    (2018), "On the importance of single directions for generalization":
    ``(mu_max - mu_-max) / (mu_max + mu_-max)``, with ``mu_max`` a unit's
    highest mean over the classes and ``mu_-max`` its mean over all the
    other classes, from 0 to 1. This index puts a fixed class first
    (``a``) instead of the class of the highest mean, so it is signed,
    from -1 to 1, and its sign names the preferred class; for two classes,
    its absolute value is theirs.

    Examples
    --------
    >>> mean_a = [2.0, 0.0, 1.0, 0.0]
    >>> mean_b = [0.0, 3.0, 1.0, 0.0]
    >>> selectivity_index(mean_a, mean_b).tolist()
    [1.0, -1.0, 0.0, 0.0]
    >>> float(selectivity_index(3.0, 1.0))
    0.5
    """
    a, b = _non_negative("mean_a", mean_a), _non_negative("mean_b", mean_b)
    try:
        total = a + b
    except ValueError:
        raise ValueError(f"mean_a and mean_b must broadcast, got shapes {a.shape} and {b.shape}") from None
    index = np.divide(a - b, total, out=np.zeros_like(total), where=total > 0)  # 0 where both are 0
    return np.clip(index, -1.0, 1.0)


@dataclass(frozen=True, eq=False)
class Selectivity:
    """Which class each kernel prefers (see :func:`selectivity`).

    Parameters
    ----------
    layer : str
        The layer measured.
    classes : tuple of str
        Class names, in label order.
    means : numpy.ndarray
        ``(K, n_classes)``: the mean activation of each channel over the
        images of each class; NaN for a class without images.
    pair : (str, str)
        The classes ``a`` and ``b`` the index compares.
    index : numpy.ndarray
        ``(K,)``: :func:`selectivity_index` of ``means`` for ``a`` and ``b``.
    reduce : str
        How each map was reduced to one number per image, ``"mean"`` or
        ``"max"`` over positions.
    """

    layer: str
    classes: tuple[str, ...]
    means: np.ndarray
    pair: tuple[str, str]
    index: np.ndarray
    reduce: str

    def __len__(self) -> int:
        return int(self.index.shape[0])

    def preferring(self, name: str) -> int:
        """Return the kernel most selective for class ``name`` (one of ``pair``).

        Parameters
        ----------
        name : str
            ``pair[0]`` or ``pair[1]``.

        Returns
        -------
        int
            The argmax of ``index`` for ``pair[0]``, the argmin for
            ``pair[1]`` (the first one on ties).
        """
        check_choice("name", name, self.pair)
        return int(np.argmax(self.index) if name == self.pair[0] else np.argmin(self.index))

    def table(self) -> str:
        """Return a text table of the kernels' preferences.

        Returns
        -------
        str
            One row per kernel: its mean per class and its index.
        """
        header = f"{'kernel':>6}  " + "  ".join(f"{c:>10}" for c in self.classes) + f"  {'index':>6}"
        lines = [header, "-" * len(header)]
        for k in range(len(self)):
            means = "  ".join(f"{m:10.4f}" for m in self.means[k])
            lines.append(f"{k:>6}  {means}  {self.index[k]:+6.2f}")
        lines.append(
            f"index = (mean[{self.pair[0]}] - mean[{self.pair[1]}]) / (sum), {self.reduce} over positions"
        )
        return "\n".join(lines)

    __str__ = table


def _class_number(value: Any, classes: tuple[str, ...]) -> int:
    """The label of a class given by name or by label."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return check_int("pair", value, low=0, high=len(classes) - 1)
    return classes.index(check_choice("pair", value, classes))


def selectivity(
    model: nn.Module,
    data: Any,
    layer: str = "relu1",
    *,
    pair: Sequence[str | int] | None = None,
    reduce: str = "mean",
    batch_size: int = 256,
) -> Selectivity:
    """Measure each channel's mean activation per class, and its preference.

    Each image's activation map of channel ``k`` is reduced to one number
    (its mean, or max, over positions); these are averaged over the images of
    each class. The index is :func:`selectivity_index` of the means of the
    two classes in ``pair``: ``+1`` when channel ``k`` fires only on
    ``pair[0]``.

    Parameters
    ----------
    model : torch.nn.Module
        Any model; it runs up to ``layer`` only.
    data : LineDataset or (images, labels)
        Labelled images ``(N, C, H, W)``.
    layer : str
        A layer with non-negative outputs of shape ``(N, K, ...)``: after a
        ReLU (``"relu1"``) or a pooling of one (``"pool1"``).
    pair : (str or int, str or int), optional
        The two classes to compare, by name or label; the first two classes
        by default (``("horizontal", "vertical")`` for the default data).
    reduce : {"mean", "max"}
        Per image, average the map over positions or take its peak.
    batch_size : int
        Images per forward pass.

    Returns
    -------
    Selectivity
        ``.means`` per kernel and class, ``.index`` per kernel; ``print`` it
        for a table.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid (the message names it), ``layer`` gives
        negative values, or a class of ``pair`` has no image.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> result = selectivity(LineCNN(), make_lines(n_per_class=4))
    >>> result.means.shape, result.pair
    ((8, 2), ('horizontal', 'vertical'))
    """
    module = find_layer(model, layer)
    images, labels, classes = images_of("data", data, labelled=True)
    check_choice("reduce", reduce, ("mean", "max"))
    batch_size = check_batch_size("batch_size", batch_size)
    if len(classes) < 2:
        raise ValueError(f"data must hold at least two classes, got {list(classes)}")
    if pair is None:
        pair = (classes[0], classes[1])
    if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
        raise TypeError(f"pair must be two class names or labels, got {describe(pair)}")
    a, b = (_class_number(p, classes) for p in pair)
    if a == b:
        raise ValueError(f"pair must name two different classes, got {tuple(pair)!r}")
    mean, peak = per_image_stats(model, module, images, batch_size)
    per_image = mean if reduce == "mean" else peak
    if (per_image < 0).any():
        raise ValueError(
            f"layer {layer!r} gives negative activations; selectivity needs a non-negative layer, "
            "such as a ReLU or a pooling after one"
        )
    y = labels.numpy()
    means = np.full((per_image.shape[1], len(classes)), np.nan)
    for c in range(len(classes)):
        members = y == c
        if members.any():
            means[:, c] = per_image[members].mean(0)
        elif c in (a, b):
            raise ValueError(f"data must hold images of class {classes[c]!r}, got none")
    index = selectivity_index(means[:, a], means[:, b])
    return Selectivity(layer, tuple(classes), means, (classes[a], classes[b]), index, reduce)


def _mean_relu_response(images: torch.Tensor, kernels: torch.Tensor, biases: torch.Tensor) -> torch.Tensor:
    """Float64 ``(N, K)``: each image's mean over positions of ``relu(conv(image, kernel) + bias)``.

    The same numbers as ``relu(conv2d(images, kernels, biases)).mean((2, 3))`` up to rounding,
    computed from the windows that hold a non-zero pixel only: at a blank window every
    kernel responds ``relu(bias)``. The line images are 97% blank, and only 14% of their 7x7
    windows touch a line, so a seed study's hundreds of kernels are scored several times
    faster than by the full convolution.
    """
    k, (kh, kw) = kernels.shape[0], kernels.shape[-2:]
    windows = F.unfold(images, (kh, kw)).transpose(1, 2)  # (N, positions, C * kh * kw)
    touched = windows.ne(0).any(-1)  # (N, positions)
    image_of = touched.nonzero()[:, 0]
    responses = torch.relu(torch.addmm(biases, windows[touched], kernels.reshape(k, -1).T))
    total = torch.zeros(images.shape[0], k, dtype=torch.float64).index_add_(0, image_of, responses.double())
    blank = (windows.shape[1] - touched.sum(1)).double()
    total += blank[:, None] * torch.relu(biases).double()[None, :]
    return total / windows.shape[1]


def kernel_selectivity(weight: Any, bias: Any, data: Any, *, batch_size: int = 200) -> np.ndarray:
    """Selectivity index of first-layer kernels given as arrays, on labelled images.

    The index :func:`selectivity` gives on ``"relu1"`` for a model whose first
    layer holds these kernels and biases: each kernel's map
    ``relu(conv(image, kernel) + bias)`` (stride 1, no padding) is averaged
    over positions, then over the images of each of the first two classes,
    and the two means go to :func:`selectivity_index`. The first layer's map
    depends on nothing else, so no model is needed: this scores the kernels
    of a whole seed study at once.

    Parameters
    ----------
    weight : torch.Tensor or numpy.ndarray
        Kernels of shape ``(..., C, kh, kw)``, ``C`` the images' channels.
    bias : torch.Tensor or numpy.ndarray
        One bias per kernel, of shape ``(...)``.
    data : LineDataset or (images, labels)
        Labelled images ``(N, C, H, W)`` of at least two classes.
    batch_size : int
        Images per convolution.

    Returns
    -------
    numpy.ndarray
        Float64 indices of shape ``(...)``: +1 when a kernel fires only on
        the first class, -1 only on the second.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> model, data = LineCNN(), make_lines(n_per_class=4)
    >>> conv1 = model.conv1
    >>> fast = kernel_selectivity(conv1.weight, conv1.bias, data)
    >>> bool(np.allclose(fast, selectivity(model, data).index))
    True
    """
    weight = check_real_array("weight", weight)
    bias = check_real_array("bias", bias)
    images, labels, classes = images_of("data", data, labelled=True)
    batch_size = check_batch_size("batch_size", batch_size)
    if weight.ndim < 3 or weight.shape[-3] != images.shape[1]:
        raise ValueError(
            f"weight must have shape (..., {images.shape[1]}, kh, kw) for images of "
            f"{images.shape[1]} channel(s), got {weight.shape}"
        )
    if bias.shape != weight.shape[:-3]:
        raise ValueError(f"bias must have shape {weight.shape[:-3]}, one per kernel, got {bias.shape}")
    if weight.shape[-2] > images.shape[-2] or weight.shape[-1] > images.shape[-1]:
        raise ValueError(
            f"weight's kernels ({weight.shape[-2:]}) must fit in the images ({images.shape[-2:]})"
        )
    if len(classes) < 2:
        raise ValueError(f"data must hold at least two classes, got {list(classes)}")
    kernels = torch.from_numpy(weight.reshape(-1, *weight.shape[-3:])).to(images.dtype)
    biases = torch.from_numpy(bias.reshape(-1)).to(images.dtype)
    with torch.no_grad():
        per_image = torch.cat(
            [_mean_relu_response(part, kernels, biases) for part in images.split(batch_size)]
        )
    means = []
    for c in (0, 1):
        members = labels == c
        if not members.any():
            raise ValueError(f"data must hold images of class {classes[c]!r}, got none")
        means.append(per_image[members].mean(0).numpy())
    return selectivity_index(*means).reshape(weight.shape[:-3])


def selective_kernels(model: nn.Module, data: Any, *, layer: str = "relu1") -> list[int]:
    """Pick, for each class in turn, the kernel most selective for it; a kernel at most once.

    Kernel ``k``'s mean activation on each class is measured as in
    :func:`selectivity`; its selectivity for class ``c`` is
    :func:`selectivity_index` of its mean on ``c`` against the mean of its
    means on the other classes. Class 0 gets the kernel most selective for
    it, class 1 the most selective one among the kernels left, and so on;
    ties go to the smaller kernel number. With two classes the picks are
    those of :meth:`Selectivity.preferring`, unless both are the same kernel.

    Parameters
    ----------
    model : torch.nn.Module
        Any model; it runs up to ``layer`` only.
    data : LineDataset or (images, labels)
        Labelled images ``(N, C, H, W)``; every class must have images.
    layer : str
        A layer with non-negative outputs of shape ``(N, K, ...)``, such as
        ``"relu1"`` of :class:`~cnnexplain.model.LineCNN`.

    Returns
    -------
    list of int
        ``min(n_classes, K)`` distinct kernel numbers, in class order:
        ``picks[c]`` is the kernel chosen for class ``c``.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid (the message names it), ``layer`` gives
        negative values, or a class has no image.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> orientations = ("horizontal", "vertical", "diagonal")
    >>> data = make_lines(n_per_class=4, orientations=orientations)
    >>> picks = selective_kernels(LineCNN(n_classes=3), data)
    >>> len(picks), len(set(picks))
    (3, 3)
    """
    result = selectivity(model, data, layer)
    means = result.means  # (K, n_classes), NaN for a class without images
    empty = [name for name, m in zip(result.classes, means.T) if np.isnan(m).any()]
    if empty:
        raise ValueError(f"data must hold images of every class, got none of {empty}")
    picks: list[int] = []
    for c in range(min(means.shape)):
        index = selectivity_index(means[:, c], np.delete(means, c, axis=1).mean(axis=1))
        ranked = np.argsort(-index, kind="stable")  # most selective first, ties by kernel number
        picks.append(next(int(k) for k in ranked if k not in picks))
    return picks
