"""Where a convolution kernel's gradient comes from: a sum of input patches.

For a :class:`~torch.nn.Conv2d` (which computes a cross-correlation), the
output of kernel ``k`` at position ``(r, c)`` is ``bias[k] + <W[k],
patch(r, c)>``, where ``patch(r, c)`` is the piece of the layer's input the
kernel covers there. So the gradient of a loss ``L`` with respect to the
kernel is a sum of patches, each weighted by the *error signal*
``dL/d(output)[k, r, c]`` that arrives at its position::

    dL/dW[k] = sum over images i and positions (r, c) of
               dL/d(output)[i, k, r, c] * patch(i, r, c)

:func:`kernel_gradient` computes it that way, from the unfolded patches
(:func:`torch.nn.functional.unfold`) and the error signal captured at the
layer's output, and keeps both, so that one can see which patches made a
kernel's update. :func:`error_signals` returns the error signal at the
outputs of any named layers, to follow it back through a ReLU or a pooling.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .._checks import check_images, check_int, check_model, describe
from .._fields import document_fields
from ._layers import find_layer

__all__ = ["KernelGradient", "PatchContribution", "error_signals", "kernel_gradient"]

#: Images per forward and backward pass: the unfolded patches of a batch are
#: ``batch * C * kh * kw * positions`` float64 numbers (64 images of LineCNN's conv1: 48 MB).
_BATCH = 64


class PatchContribution(NamedTuple):
    """One patch's term in a kernel's gradient (see :meth:`KernelGradient.top_patches`).

    Parameters
    ----------
    image : int
        The image, by its index in the batch.
    row, column : int
        The position in the layer's output; the patch's top-left corner is at
        ``(row * stride - padding, column * stride - padding)`` of the layer's input.
    contribution : float
        The term's length along the kernel's gradient (see :meth:`KernelGradient.contributions`):
        positive when it points the same way as the gradient, negative against it.
    error : float
        The error signal at that position, ``dL/d(output)[image, kernel, row, column]``.
    patch : numpy.ndarray
        ``(C, kh, kw)``: the layer's input under the kernel there (zeros where it is padding).
    """

    image: int
    row: int
    column: int
    contribution: float
    error: float
    patch: np.ndarray


# The fields' own docstrings, which the docs show (instead of "Alias for field number 0").
document_fields(
    PatchContribution,
    {
        "image": "The image, by its index in the batch.",
        "row": "The position's row in the layer's output.",
        "column": "The position's column in the layer's output.",
        "contribution": "The term's signed length along the kernel's gradient.",
        "error": "The error signal at the position.",
        "patch": "The layer's input under the kernel there, ``(C, kh, kw)``.",
    },
)


@dataclass(frozen=True, eq=False)
class KernelGradient:
    """A convolution's weight gradient, as a sum of input patches (see :func:`kernel_gradient`).

    Parameters
    ----------
    layer : str
        The layer.
    loss : float
        The mean cross-entropy over the images.
    total : numpy.ndarray
        The gradient of ``loss`` with respect to the layer's weight, of the
        weight's shape ``(K, C, kh, kw)``; float64.
    per_image : numpy.ndarray
        ``(N, K, C, kh, kw)``: image ``i``'s term of ``total`` (its
        cross-entropy's gradient divided by ``N``); ``per_image.sum(0)`` is
        ``total``.
    error : numpy.ndarray
        ``(N, K, H_out, W_out)``: the error signal, ``dL/d(output)`` of the
        layer (the ``1 / N`` of the mean included).
    inputs : numpy.ndarray
        ``(N, C, H, W)``: the layer's input, which the patches are cut from.
    stride : (int, int)
        The layer's stride.
    padding : (int, int, int, int)
        Zeros added at the ``(top, bottom, left, right)`` of the input.
    """

    layer: str
    loss: float
    total: np.ndarray
    per_image: np.ndarray
    error: np.ndarray
    inputs: np.ndarray
    stride: tuple[int, int]
    padding: tuple[int, int, int, int]

    @property
    def kernel_size(self) -> tuple[int, int]:
        """``(kh, kw)``: the side of the kernels."""
        return int(self.total.shape[2]), int(self.total.shape[3])

    def patch(self, image: int, row: int, column: int) -> np.ndarray:
        """Return the patch of the layer's input that output position ``(row, column)`` sees.

        Parameters
        ----------
        image : int
            The image, by its index in the batch.
        row, column : int
            A position in the layer's output.

        Returns
        -------
        numpy.ndarray
            ``(C, kh, kw)`` float64; zeros where the kernel covers padding.

        Raises
        ------
        TypeError, ValueError
            If an index is not an integer in range; the message names it.
        """
        n, _, h_out, w_out = self.error.shape
        image = check_int("image", image, low=0, high=n - 1)
        row = check_int("row", row, low=0, high=h_out - 1)
        column = check_int("column", column, low=0, high=w_out - 1)
        return self._patches(np.array([image]), np.array([row]), np.array([column]))[0]

    def _patches(self, images: np.ndarray, rows: np.ndarray, columns: np.ndarray) -> np.ndarray:
        """The patches at output positions ``(images[j], rows[j], columns[j])``: ``(M, C, kh, kw)``."""
        padded = np.pad(self.inputs, ((0, 0), (0, 0), self.padding[:2], self.padding[2:]))
        # Every window of the padded input, a view: (N, C, rows, columns, kh, kw).
        windows = np.lib.stride_tricks.sliding_window_view(padded, self.kernel_size, axis=(2, 3))
        windows = windows[:, :, :: self.stride[0], :: self.stride[1]]
        return windows[images, :, rows, columns].copy()

    def _order(self, kernel: int) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
        """The contributions to kernel ``kernel`` and every position, largest ``|contribution|`` first."""
        contributions = self.contributions(kernel)
        order = np.argsort(-np.abs(contributions), axis=None, kind="stable")
        return contributions, np.unravel_index(order, contributions.shape)

    def contributions(self, kernel: int) -> np.ndarray:
        """Return every patch's contribution to kernel ``kernel``'s gradient.

        The term of image ``i`` at position ``(r, c)`` is ``error[i, kernel, r, c] *
        patch(i, r, c)``; its contribution is its length along the gradient
        ``g = total[kernel]``: the Frobenius inner product ``<term, g> /
        |g|``. The contributions add up to ``|g|``, the length of the
        gradient; a positive one pushes the kernel the way the gradient points,
        a negative one against it. (A step of gradient descent moves the
        kernel *against* the gradient.) All zero when ``g`` is zero.

        Parameters
        ----------
        kernel : int
            Output channel of the layer.

        Returns
        -------
        numpy.ndarray
            ``(N, H_out, W_out)`` float64.

        Raises
        ------
        TypeError, ValueError
            If ``kernel`` is not an output channel of the layer.
        """
        kernel = check_int("kernel", kernel, low=0, high=self.total.shape[0] - 1)
        gradient = self.total[kernel]
        length = float(np.linalg.norm(gradient))
        if length == 0.0:
            return np.zeros(self.error.shape[:1] + self.error.shape[2:])
        direction = torch.from_numpy(gradient / length)[None]  # (1, C, kh, kw): a one-kernel convolution
        top, bottom, left, right = self.padding
        padded = F.pad(torch.from_numpy(self.inputs), (left, right, top, bottom))
        along = F.conv2d(padded, direction, stride=self.stride)[:, 0]  # <patch, g> / |g| at every position
        return self.error[:, kernel] * along.numpy()

    def top_patches(self, kernel: int, k: int = 8) -> list[PatchContribution]:
        """Return the ``k`` patches that pushed kernel ``kernel`` most, either way.

        Parameters
        ----------
        kernel : int
            Output channel of the layer.
        k : int
            How many patches, at least 1 (at most all positions of all images).

        Returns
        -------
        list of PatchContribution
            ``(image, row, column, contribution, error, patch)``, largest
            ``|contribution|`` first (see :meth:`contributions`).

        Raises
        ------
        TypeError, ValueError
            If ``kernel`` or ``k`` is invalid; the message names it.

        Examples
        --------
        >>> import torch
        >>> from cnnexplain import LineCNN, make_lines
        >>> data = make_lines(n_per_class=4)
        >>> gradient = kernel_gradient(LineCNN(), data.images, data.labels)
        >>> top = gradient.top_patches(0, k=3)
        >>> len(top), top[0].patch.shape
        (3, (1, 7, 7))
        """
        contributions, (images, rows, columns) = self._order(kernel)
        k = check_int("k", k, low=1, high=contributions.size)
        images, rows, columns = images[:k], rows[:k], columns[:k]
        patches = self._patches(images, rows, columns)
        errors = self.error[images, kernel, rows, columns]
        return [
            PatchContribution(int(i), int(r), int(c), float(contributions[i, r, c]), float(e), patch)
            for i, r, c, e, patch in zip(images, rows, columns, errors, patches)
        ]

    def cumulative_sums(self, kernel: int) -> np.ndarray:
        """Return the sums of kernel ``kernel``'s largest terms: of the first 1, 2, ... of them.

        The terms are ``error[i, kernel, r, c] * patch(i, r, c)``; the ``M``
        that are not zero (the error signal reaches the position and the
        patch is not blank) are summed in the order of :meth:`top_patches`
        (largest ``|contribution|`` first). Comparing
        these sums with ``total[kernel]`` shows how many patches it takes to
        make the gradient.

        Parameters
        ----------
        kernel : int
            Output channel of the layer.

        Returns
        -------
        numpy.ndarray
            ``(M, C, kh, kw)`` float64: row ``n - 1`` is the sum of the ``n``
            largest terms; the last row is ``total[kernel]`` (up to rounding).
            ``(0, C, kh, kw)`` when every term is zero.

        Raises
        ------
        TypeError, ValueError
            If ``kernel`` is not an output channel of the layer.
        """
        _, (images, rows, columns) = self._order(kernel)
        received = self.error[images, kernel, rows, columns] != 0
        images, rows, columns = images[received], rows[received], columns[received]
        errors = self.error[images, kernel, rows, columns]
        terms = errors[:, None, None, None] * self._patches(images, rows, columns)
        nonzero = terms.reshape(len(terms), -1).any(axis=1)  # a blank patch adds nothing
        return np.cumsum(terms[nonzero], axis=0)


# -- arguments -------------------------------------------------------------------------
def _check_labels(labels: Any, n_images: int) -> torch.Tensor:
    """Class indices, one per image, as int64."""
    if not isinstance(labels, torch.Tensor):
        raise TypeError(f"labels must be a torch.Tensor of class indices, got {describe(labels)}")
    if labels.dtype == torch.bool or labels.is_floating_point() or labels.is_complex():
        raise TypeError(f"labels must have an integer dtype such as torch.int64, got {labels.dtype}")
    if labels.shape != (n_images,):
        raise ValueError(
            f"labels must have shape ({n_images},), one per image, got shape {tuple(labels.shape)}"
        )
    if labels.min() < 0:
        raise ValueError(f"labels must be non-negative class indices, got {int(labels.min())}")
    return labels.to(torch.int64)


def _check_conv2d(model: nn.Module, layer: Any) -> nn.Conv2d:
    """The layer ``layer`` of ``model``: a Conv2d whose patches unfold can cut."""
    module = find_layer(model, layer, kind="conv")
    if not isinstance(module, nn.Conv2d):
        raise TypeError(f"layer must name a torch.nn.Conv2d, got {layer!r}, a {type(module).__name__}")
    unsupported = {
        "groups": (module.groups, 1),
        "dilation": (tuple(module.dilation), (1, 1)),
        "padding_mode": (module.padding_mode, "zeros"),
    }
    for name, (value, needed) in unsupported.items():
        if value != needed:
            raise ValueError(
                f"layer must be a Conv2d with {name}={needed!r}, got {layer!r} with {name}={value!r}"
            )
    return module


def _padding(module: nn.Conv2d) -> tuple[int, int, int, int]:
    """``(top, bottom, left, right)`` zeros the convolution adds, as ``F.conv2d`` pads.

    ``padding="same"`` puts the odd one at the bottom and right, as PyTorch does.
    """
    if module.padding == "valid":
        return (0, 0, 0, 0)
    if module.padding == "same":
        (top, bottom), (left, right) = (
            (total // 2, total - total // 2) for total in (k - 1 for k in module.kernel_size)
        )
        return (top, bottom, left, right)
    rows, columns = module.padding
    return (rows, rows, columns, columns)


# -- the backward pass ---------------------------------------------------------------------
class _Run(NamedTuple):
    """What one forward and backward pass over a batch captured."""

    loss_sum: float
    inputs: dict[str, torch.Tensor]
    errors: dict[str, torch.Tensor]


def _run(
    model: nn.Module, modules: dict[str, nn.Module], images: torch.Tensor, labels: torch.Tensor, n: int
) -> _Run:
    """Run ``model(images)`` and back-propagate ``sum(cross-entropy) / n`` to the outputs of ``modules``.

    A forward hook keeps each module's input and output, and hands the rest of
    the network a copy of the output: an in-place operation after the layer
    (``ReLU(inplace=True)``) then changes the copy, not the tensor whose
    gradient is asked for. The gradient comes from :func:`torch.autograd.grad`,
    so the parameters' ``.grad`` stay untouched.
    """
    inputs: dict[str, torch.Tensor] = {}
    outputs: dict[str, torch.Tensor] = {}

    def hook(name: str, inp: tuple, out: Any) -> torch.Tensor:
        if name in outputs:
            raise ValueError(f"layer {name!r} runs more than once in the model's forward pass")
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"layer {name!r} must return a tensor, got {describe(out)}")
        inputs[name] = inp[0].detach() if inp and isinstance(inp[0], torch.Tensor) else None
        outputs[name] = out
        return out.clone()

    handles = [
        module.register_forward_hook(lambda _m, inp, out, name=name: hook(name, inp, out))
        for name, module in modules.items()
    ]
    try:
        # The images need a gradient so that every layer's output has one,
        # even in a model whose parameters are frozen.
        # Channels-last images, as train() gives them: PyTorch max-pools those several times faster.
        x = images.detach().to(memory_format=torch.channels_last).requires_grad_(True)
        logits = model(x)
    except (TypeError, ValueError):
        raise
    except RuntimeError as exc:
        raise ValueError(f"images do not fit the model: {exc}") from None
    finally:
        for handle in handles:
            handle.remove()
    missing = [name for name in modules if name not in outputs]
    if missing:
        raise ValueError(f"layers {missing} did not run in the model's forward pass")
    if (
        not isinstance(logits, torch.Tensor)
        or logits.shape != (len(labels), logits.shape[-1])
        or logits.ndim != 2
    ):
        raise ValueError(f"model must return logits of shape (N, n_classes), got {describe(logits)}")
    if labels.max() >= logits.shape[1]:
        raise ValueError(
            f"labels must be class indices in [0, {logits.shape[1] - 1}] (one per output of the model), "
            f"got {int(labels.max())}"
        )
    loss = F.cross_entropy(logits, labels, reduction="sum")
    names = list(outputs)
    grads = torch.autograd.grad(loss / n, [outputs[name] for name in names], allow_unused=True)
    errors = {
        name: torch.zeros_like(outputs[name]) if grad is None else grad for name, grad in zip(names, grads)
    }
    return _Run(loss.item(), inputs, {name: errors[name].detach() for name in names})


def _batches(model: nn.Module, modules: dict[str, nn.Module], images: torch.Tensor, labels: torch.Tensor):
    """Yield a :class:`_Run` per batch of :data:`_BATCH` images, the model in eval mode (restored after)."""
    was_training = model.training
    model.eval()
    try:
        with torch.enable_grad():
            for start in range(0, len(labels), _BATCH):
                batch = slice(start, start + _BATCH)
                yield _run(model, modules, images[batch], labels[batch], len(labels))
    finally:
        model.train(was_training)


def _checked(model: Any, images: Any, labels: Any) -> tuple[nn.Module, torch.Tensor, torch.Tensor]:
    model = check_model(model)
    images = check_images("images", images)
    return model, images, _check_labels(labels, images.shape[0])


# -- public functions ----------------------------------------------------------------------
def kernel_gradient(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, *, layer: str = "conv1"
) -> KernelGradient:
    """Compute a convolution's weight gradient as a sum of input patches.

    The loss is the mean cross-entropy of the model's logits over the
    images. The model runs in evaluation mode (no dropout: the result is
    deterministic; its mode is restored afterwards). The gradient is not
    read from ``.grad``: the error signal ``dL/d(output)`` is captured at
    the layer's output, and each image's term is

    ``per_image[i, k] = sum over positions (r, c) of error[i, k, r, c] * patch(i, r, c)``,

    with the patches cut from the layer's input by
    :func:`torch.nn.functional.unfold`. It equals the gradient autograd
    computes (``tests/test_gradients.py`` compares them). The model's
    parameters and their ``.grad`` are left untouched.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits ``(N, n_classes)``, that treats each
        image on its own in evaluation mode (as any CNN without batch
        statistics does: the images run in batches).
    images : torch.Tensor
        ``(N, C, H, W)`` floating point, finite.
    labels : torch.Tensor
        ``(N,)`` integer class indices.
    layer : str
        The name of a :class:`torch.nn.Conv2d` of the model that runs once
        per forward pass, with ``groups=1``, ``dilation=1`` and zero padding
        (any stride and padding).

    Returns
    -------
    KernelGradient
        ``total``, ``per_image``, the ``error`` signal and the layer's
        ``inputs``; :meth:`~KernelGradient.top_patches` lists the patches
        that pushed a kernel most.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid (the message names it): not a model, a
        layer that is not such a Conv2d, images of the wrong shape or dtype,
        labels of the wrong dtype, count or range, images that do not fit the model.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain import LineCNN, make_lines
    >>> data = make_lines(n_per_class=4)
    >>> gradient = kernel_gradient(LineCNN(), data.images, data.labels)
    >>> gradient.total.shape, gradient.per_image.shape, gradient.error.shape
    ((8, 1, 7, 7), (8, 8, 1, 7, 7), (8, 8, 44, 44))
    >>> bool(abs(gradient.per_image.sum(0) - gradient.total).max() < 1e-12)
    True
    """
    model, images, labels = _checked(model, images, labels)
    module = _check_conv2d(model, layer)
    kh, kw = module.kernel_size
    top, bottom, left, right = padding = _padding(module)
    loss, terms, errors, inputs = 0.0, [], [], []
    for run in _batches(model, {layer: module}, images, labels):
        x = run.inputs[layer].contiguous()
        # Every patch as a column: (n, C*kh*kw, positions). Unfolding only copies
        # values, so it is exact in the input's dtype; the sums are made in float64.
        patches = F.unfold(F.pad(x, (left, right, top, bottom)), (kh, kw), stride=module.stride)
        error = run.errors[layer].to(torch.float64)
        n, n_kernels = error.shape[:2]
        terms.append(torch.bmm(error.reshape(n, n_kernels, -1), patches.to(torch.float64).transpose(1, 2)))
        loss += run.loss_sum
        errors.append(error)
        inputs.append(x.to(torch.float64))
    per_image = torch.cat(terms).reshape(len(labels), *module.weight.shape).numpy()
    return KernelGradient(
        layer=layer,
        loss=loss / len(labels),
        total=per_image.sum(axis=0),
        per_image=per_image,
        error=torch.cat(errors).numpy(),
        inputs=torch.cat(inputs).numpy(),
        stride=tuple(int(s) for s in module.stride),
        padding=padding,
    )


def error_signals(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, *, layers: Sequence[str]
) -> dict[str, np.ndarray]:
    """Return the error signal ``dL/d(output)`` at the output of each named layer.

    ``L`` is the mean cross-entropy over the images, the model in evaluation
    mode (restored afterwards), as in :func:`kernel_gradient`. Following the
    signal back through the layers shows what each one passes on: a ReLU
    passes it only where its input was positive, a max-pooling only to the
    largest value of each window.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits ``(N, n_classes)`` (see :func:`kernel_gradient`).
    images : torch.Tensor
        ``(N, C, H, W)`` floating point, finite.
    labels : torch.Tensor
        ``(N,)`` integer class indices.
    layers : sequence of str
        Names of layers (as in ``model.named_modules()``) that run once per
        forward pass and return a tensor.

    Returns
    -------
    dict of str to numpy.ndarray
        Layer name to a float64 array of the shape of its output, in the
        order of ``layers``; zeros for a layer the loss does not depend on.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> data = make_lines(n_per_class=2)
    >>> signals = error_signals(
    ...     LineCNN(), data.images, data.labels, layers=["conv1", "pool1"]
    ... )
    >>> {name: signal.shape for name, signal in signals.items()}
    {'conv1': (4, 8, 44, 44), 'pool1': (4, 8, 22, 22)}
    """
    model, images, labels = _checked(model, images, labels)
    if isinstance(layers, str) or not isinstance(layers, Sequence) or not layers:
        raise TypeError(f"layers must be a non-empty sequence of layer names, got {describe(layers)}")
    modules = {name: find_layer(model, name) for name in layers}
    if len(modules) != len(layers):
        raise ValueError(f"layers must name each layer once, got {list(layers)}")
    collected: dict[str, list[torch.Tensor]] = {name: [] for name in modules}
    for run in _batches(model, modules, images, labels):
        for name in modules:
            collected[name].append(run.errors[name].to(torch.float64))
    return {name: torch.cat(parts).numpy() for name, parts in collected.items()}
