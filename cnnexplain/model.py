"""The small CNN of the article, its summary table, and layer activations.

The layer names of :class:`LineCNN` -- ``conv1``, ``relu1``, ``pool1``,
``conv2``, ``relu2``, ``pool2``, ``flatten``, ``dropout``, ``fc1``, ``relu3``,
``fc2`` -- are the vocabulary of the whole project: the keys of a weight
history, the labels of the figures and the words of the prose.
:func:`summary` and :func:`activations` work on any :class:`torch.nn.Module`.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

import torch
from torch import nn

from ._checks import check_float, check_images, check_int, check_model, check_seed, describe
from ._torch import evaluation_mode

__all__ = ["LineCNN", "ModelSummary", "activations", "leaf_modules", "summary"]

#: Largest dummy batch :func:`summary` runs (number of values of ``input_size``).
_MAX_SUMMARY_INPUT = 1 << 26


class LineCNN(nn.Module):
    """Two convolutional blocks and two dense layers, for single-channel images.

    ``conv1 -> relu1 -> pool1 -> conv2 -> relu2 -> pool2 -> flatten ->
    dropout -> fc1 -> relu3 -> fc2``. Convolutions have stride 1 and no
    padding; pooling is 2x2 max-pooling. The output holds one logit per class.

    Parameters
    ----------
    n_kernels : int
        Number of first-layer kernels (``conv1`` output channels).
    kernel_size : int
        Side of the first-layer kernels. With the defaults, ``conv1`` has
        ``8 * 7 * 7 * 1 + 8 = 400`` parameters, as in the article.
    image_size : int
        Side of the square input images.
    n_classes : int
        Number of outputs of ``fc2``.
    n_kernels2 : int
        Number of second-layer kernels (``conv2`` output channels).
    kernel_size2 : int
        Side of the second-layer kernels.
    hidden : int
        Width of ``fc1``.
    dropout : float
        Drop probability of ``dropout``, in ``[0, 1)``.
    seed : int
        Seed of the weight initialization (PyTorch's default initializers,
        run under a private random state; the global one is not touched).

    Examples
    --------
    >>> from cnnexplain.model import LineCNN
    >>> model = LineCNN()
    >>> sum(p.numel() for p in model.conv1.parameters())
    400
    """

    def __init__(
        self,
        n_kernels: int = 8,
        kernel_size: int = 7,
        image_size: int = 50,
        n_classes: int = 2,
        *,
        n_kernels2: int = 8,
        kernel_size2: int = 3,
        hidden: int = 32,
        dropout: float = 0.25,
        seed: int = 0,
    ) -> None:
        super().__init__()
        n_kernels = check_int("n_kernels", n_kernels, low=1, high=1024)
        kernel_size = check_int("kernel_size", kernel_size, low=1, high=64)
        image_size = check_int("image_size", image_size, low=4, high=1024)
        n_classes = check_int("n_classes", n_classes, low=2, high=1000)
        n_kernels2 = check_int("n_kernels2", n_kernels2, low=1, high=1024)
        kernel_size2 = check_int("kernel_size2", kernel_size2, low=1, high=64)
        hidden = check_int("hidden", hidden, low=1, high=65536)
        dropout = check_float("dropout", dropout, low=0.0, high=1.0, high_open=True)
        seed = check_seed("seed", seed)
        side1 = image_size - kernel_size + 1
        side2 = side1 // 2 - kernel_size2 + 1
        if side1 < 2 or side2 < 2:
            raise ValueError(
                f"image_size={image_size} is too small for kernel_size={kernel_size} and "
                f"kernel_size2={kernel_size2}: the second pooling would get an empty map"
            )
        self.config = {
            "n_kernels": n_kernels,
            "kernel_size": kernel_size,
            "image_size": image_size,
            "n_classes": n_classes,
            "n_kernels2": n_kernels2,
            "kernel_size2": kernel_size2,
            "hidden": hidden,
            "dropout": dropout,
            "seed": seed,
        }
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.conv1 = nn.Conv2d(1, n_kernels, kernel_size)
            self.relu1 = nn.ReLU()
            self.pool1 = nn.MaxPool2d(2)
            self.conv2 = nn.Conv2d(n_kernels, n_kernels2, kernel_size2)
            self.relu2 = nn.ReLU()
            self.pool2 = nn.MaxPool2d(2)
            self.flatten = nn.Flatten()
            self.dropout = nn.Dropout(dropout)
            self.fc1 = nn.Linear(n_kernels2 * (side2 // 2) ** 2, hidden)
            self.relu3 = nn.ReLU()
            self.fc2 = nn.Linear(hidden, n_classes)

    @property
    def image_size(self) -> int:
        """Side of the square images the model takes."""
        return self.config["image_size"]

    def forward(self, images: torch.Tensor) -> torch.Tensor:
        """Return the logits, shape ``(N, n_classes)``, of images ``(N, 1, H, W)``.

        Parameters
        ----------
        images : torch.Tensor
            A float batch of shape ``(N, 1, image_size, image_size)``; not
            checked here, on every batch, but once by the functions that run
            the model (:func:`~cnnexplain.training.train`, :func:`activations`, ...).

        Returns
        -------
        torch.Tensor
            One logit per class for every image.
        """
        x = self.pool1(self.relu1(self.conv1(images)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.dropout(self.flatten(x))
        return self.fc2(self.relu3(self.fc1(x)))


def leaf_modules(model: nn.Module) -> list[tuple[str, nn.Module]]:
    """Return ``(name, module)`` for every named module that has no children.

    Parameters
    ----------
    model : torch.nn.Module
        Any model.

    Returns
    -------
    list of (str, torch.nn.Module)
        The leaves in registration order; a model without children is its
        own only leaf, named after its class.
    """
    check_model(model)
    leaves = [(name, m) for name, m in model.named_modules() if name and not list(m.children())]
    return leaves or [(type(model).__name__, model)]


class LeafCall(NamedTuple):
    """One call of a leaf module during a traced forward pass (see :func:`_leaf_calls`)."""

    name: str
    module: nn.Module
    inputs: tuple[Any, ...]
    output: Any


def _leaf_calls(model: nn.Module, images: torch.Tensor, *, inputs: bool = False) -> list[LeafCall]:
    """Run ``model(images)`` as :func:`activations` describes; return a :class:`LeafCall` for
    every call of a leaf module, in the order they ran (a leaf run again is ``name#2``, ...).

    Outputs are copied right after the module runs, so that a later in-place
    operation (``ReLU(inplace=True)``) does not change what was recorded. Each
    call's inputs are recorded (copied before the module runs) only when
    ``inputs`` is true: the explorer needs them to check the chain of layers,
    :func:`activations` and :func:`summary`, which may run on large batches, do not.
    """
    calls: list[LeafCall] = []
    pending: dict[nn.Module, list[tuple[Any, ...]]] = {}
    runs: Counter[str] = Counter()

    def before(module: nn.Module, given: tuple[Any, ...]) -> None:
        pending.setdefault(module, []).append(tuple(_copied(x) for x in given) if inputs else ())

    def after(name: str, module: nn.Module, output: Any) -> None:
        runs[name] += 1
        label = name if runs[name] == 1 else f"{name}#{runs[name]}"
        calls.append(LeafCall(label, module, pending[module].pop(), _copied(output)))

    handles = []
    for name, module in leaf_modules(model):
        handles.append(module.register_forward_pre_hook(before))
        handles.append(module.register_forward_hook(lambda m, _inputs, out, name=name: after(name, m, out)))
    try:
        with evaluation_mode(model):
            model(images)
    finally:
        for handle in handles:
            handle.remove()
    return calls


def _copied(value: Any) -> Any:
    return value.detach().clone() if isinstance(value, torch.Tensor) else value


def activations(
    model: nn.Module,
    images: torch.Tensor,
    *,
    layers: Sequence[str] | None = None,
) -> dict[str, torch.Tensor]:
    """Return the output of every named leaf layer, in the order they ran.

    Works for any :class:`torch.nn.Module`: forward hooks are put on its leaf
    modules (those without children), the model runs once in evaluation mode
    without gradients, and the hooks are removed afterwards -- also when the
    forward pass raises. The model's training flag is restored.

    Parameters
    ----------
    model : torch.nn.Module
        Any model.
    images : torch.Tensor
        A batch of shape ``(N, C, H, W)``, floating point, without NaN.
    layers : sequence of str, optional
        Keep only these layer names (in forward order). Unknown names raise.

    Returns
    -------
    dict of str to torch.Tensor
        Layer name to its output (detached). A layer that runs twice gets
        keys ``name`` and ``name#2``.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain.model import LineCNN, activations
    >>> acts = activations(LineCNN(), torch.zeros(2, 1, 50, 50))
    >>> list(acts)[:3], tuple(acts["conv1"].shape)
    (['conv1', 'relu1', 'pool1'], (2, 8, 44, 44))
    """
    check_images("images", images)
    names = [n for n, _ in leaf_modules(model)]
    if layers is not None:
        if isinstance(layers, str) or not isinstance(layers, Sequence):
            raise TypeError(f"layers must be a sequence of layer names, got {describe(layers)}")
        unknown = [n for n in layers if n not in names]
        if unknown:
            raise ValueError(
                f"layers must be names of leaf layers of the model {names}, got unknown {unknown}"
            )
    try:
        calls = _leaf_calls(model, images)
    except RuntimeError as exc:  # e.g. a shape mismatch deep inside torch
        raise ValueError(f"images of shape {tuple(images.shape)} do not fit the model: {exc}") from None
    return {
        name: output
        for name, _, _, output in calls
        if isinstance(output, torch.Tensor) and (layers is None or name.split("#")[0] in layers)
    }


@dataclass(frozen=True)
class LayerRow:
    """One row of a :class:`ModelSummary`."""

    name: str
    kind: str
    output_shape: tuple[int, ...]
    params: int
    arithmetic: str


@dataclass(frozen=True)
class ModelSummary:
    """A table of the layers of a model: output shape and parameter count.

    ``str(summary)`` renders the table; ``rows`` holds the data.

    Parameters
    ----------
    rows : tuple of LayerRow
        One row per layer run, in forward order: name, kind, output shape,
        parameter count and the arithmetic of that count.
    input_shape : tuple of int
        Shape of the batch the model was run on.
    """

    rows: tuple[LayerRow, ...]
    input_shape: tuple[int, ...]

    @property
    def total_params(self) -> int:
        """Total number of parameters in the listed layers."""
        return sum(r.params for r in self.rows)

    def row(self, name: str) -> LayerRow:
        """Return the row of the layer called ``name``.

        Parameters
        ----------
        name : str
            A layer name, as in :func:`leaf_modules` (``"conv1"``, ...).

        Returns
        -------
        LayerRow
            Its name, kind, output shape, parameter count and arithmetic.
        """
        for r in self.rows:
            if r.name == name:
                return r
        raise ValueError(f"name must be one of the layers {[r.name for r in self.rows]}, got {name!r}")

    def __str__(self) -> str:
        table = [("layer", "type", "output shape", "parameters", "arithmetic")]
        table.append(("input", "", _shape_text(self.input_shape), "", ""))
        for r in self.rows:
            total = f"{r.arithmetic} = {r.params:,}" if r.arithmetic else ""
            table.append((r.name, r.kind, _shape_text(r.output_shape), f"{r.params:,}", total))
        widths = [max(map(len, column)) for column in zip(*table)]
        align = [str.ljust, str.ljust, str.ljust, str.rjust, str.ljust]  # numbers right-aligned
        lines = [
            "  ".join(a(cell, w) for a, cell, w in zip(align, cells, widths)).rstrip() for cells in table
        ]
        rule = "-" * max(map(len, lines))
        return "\n".join([lines[0], rule, *lines[1:], rule, f"total parameters: {self.total_params:,}"])


def _shape_text(shape: tuple[int, ...]) -> str:
    """``(1, 800)``: a shape as a tuple is written, but without the comma of a 1-tuple."""
    return "(" + ", ".join(map(str, shape)) + ")"


def _arithmetic(module: nn.Module) -> str:
    """``kh*kw*in*out + out`` for a convolution, ``in*out + out`` for a dense layer, else empty."""
    if isinstance(module, nn.Conv2d):
        factors = [*module.kernel_size, module.in_channels // module.groups, module.out_channels]
    elif isinstance(module, nn.Linear):
        factors = [module.in_features, module.out_features]
    else:
        return ""
    bias = f" + {factors[-1]}" if module.bias is not None else ""  # one bias per output
    return "*".join(map(str, factors)) + bias


def summary(model: nn.Module, input_size: Sequence[int] = (1, 1, 50, 50)) -> ModelSummary:
    """Tabulate every leaf layer: its output shape, parameters and their arithmetic.

    Parameters
    ----------
    model : torch.nn.Module
        Any model; it is run once on zeros of shape ``input_size``.
    input_size : sequence of int
        Shape of the dummy input batch, ``(N, C, H, W)``.

    Returns
    -------
    ModelSummary
        ``print(summary(model))`` shows the table. For convolutions the
        arithmetic reads ``kh*kw*in*out + out`` (``7*7*1*8 + 8 = 400`` for
        ``conv1`` of :class:`LineCNN`); for dense layers ``in*out + out``.
        A layer that runs more than once gets one row per run (``name``,
        ``name#2``, ...); its parameters are counted in the first only.

    Raises
    ------
    TypeError, ValueError
        If ``model`` is not a module, or ``input_size`` is not four positive
        integers, is too large, or does not fit the model.

    Examples
    --------
    >>> from cnnexplain.model import LineCNN, summary
    >>> summary(LineCNN()).row("conv1").arithmetic
    '7*7*1*8 + 8'
    """
    if isinstance(input_size, (str, bytes)) or not isinstance(input_size, Sequence) or len(input_size) != 4:
        raise TypeError(
            f"input_size must be a sequence of 4 integers (N, C, H, W), got {describe(input_size)}"
        )
    shape = tuple(check_int(f"input_size[{i}]", s, low=1, high=4096) for i, s in enumerate(input_size))
    if math.prod(shape) > _MAX_SUMMARY_INPUT:
        raise ValueError(
            f"input_size must describe at most {_MAX_SUMMARY_INPUT:,} values (one small batch), "
            f"got {shape} = {math.prod(shape):,}"
        )
    leaf_modules(model)  # a TypeError naming model, before anything runs
    try:
        calls = _leaf_calls(model, torch.zeros(shape))
    except (TypeError, ValueError, RuntimeError) as exc:
        raise ValueError(f"input_size {shape} does not fit the model: {exc}") from None
    rows, counted = [], set()
    for name, module, _, output in calls:
        out_shape = tuple(output.shape) if isinstance(output, torch.Tensor) else ()
        if module in counted:  # a layer run again shares its parameters: count them once
            rows.append(LayerRow(name, type(module).__name__, out_shape, 0, ""))
        else:
            params = sum(p.numel() for p in module.parameters(recurse=False))
            rows.append(LayerRow(name, type(module).__name__, out_shape, params, _arithmetic(module)))
        counted.add(module)
    return ModelSummary(tuple(rows), shape)
