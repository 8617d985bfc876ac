"""Numbers about what a CNN has learned: edge detectors, selectivity, dead,
redundant and essential kernels, maximizing inputs and attribution maps.

Every function takes layer *names* -- ``"conv1"``, ``"relu1"``, ... for
:class:`~cnnexplain.model.LineCNN`, ``"0"``, ``"1"``, ... for an
:class:`torch.nn.Sequential` -- and looks the module up in
``dict(model.named_modules())``, so the analyses work on any
:class:`torch.nn.Module` with named convolution layers.

The conventions used throughout:

Kernel numbers
    Kernel ``k`` of a layer is output channel ``k``: ``weight[k]`` of the
    convolution, channel ``k`` of its activation maps. Numbers start at 0.
Angle and polarity (:func:`edge_match`)
    The ``angle`` of an edge kernel is the direction of the brightness
    gradient it measures, in degrees in ``[0, 180)``, in image coordinates
    (``x`` to the right, ``y`` *down* the rows), so angles grow clockwise on
    screen. It is the angle of :func:`~cnnexplain.edges.edge_template`:
    ``0`` is :data:`~cnnexplain.edges.PREWITT_X` (a *vertical* edge,
    brightness changing from left to right), ``90`` is
    :data:`~cnnexplain.edges.PREWITT_Y` (a *horizontal* edge), ``45`` an
    edge running like ``/`` and ``135`` one running like ``\\``.
    ``polarity = +1`` means the kernel has the template's sign: its positive
    weights are on the side the angle points to -- the right for 0, the
    bottom for 90 -- so it responds most to edges whose bright side is
    there. ``polarity = -1`` means the opposite side (left for 0, top for 90).
Selectivity index (:func:`selectivity_index`)
    ``(mean_a - mean_b) / (mean_a + mean_b)`` for two classes ``a`` and
    ``b``, in ``[-1, 1]``: ``+1`` means the kernel fires only on class ``a``
    (the first class, ``"horizontal"`` for the default data), ``-1`` only
    on class ``b``, ``0`` equally on both.

Attribution (:func:`saliency`, :func:`occlusion`, :func:`grad_cam`) uses
`Captum <https://captum.ai>`_, installed with ``pip install
cnnexplain[attribution]``.

Examples
--------
>>> from cnnexplain.analysis import edge_match
>>> from cnnexplain.edges import PREWITT_Y
>>> match = edge_match(PREWITT_Y)
>>> float(match.score), float(match.angle), int(match.polarity)
(1.0, 90.0, 1)
"""

from __future__ import annotations

import copy
import numbers
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from ._checks import check_choice, check_float, check_images, check_int, describe
from ._torch import torch_threads
from .data import LineDataset, as_images_labels
from .edges import edge_template
from .history import WeightHistory
from .training import evaluate

__all__ = [
    "EDGE_KINDS",
    "Ablation",
    "DeadKernels",
    "EdgeMatch",
    "EdgeMatchHistory",
    "Selectivity",
    "ablation",
    "conv_layers",
    "dead_kernels",
    "edge_match",
    "edge_match_history",
    "grad_cam",
    "kernel_similarity",
    "maximize_activation",
    "occlusion",
    "random_edge_scores",
    "redundant_pairs",
    "saliency",
    "selectivity",
    "selectivity_index",
]

#: Kinds of edge template :func:`edge_match` compares kernels with.
EDGE_KINDS = ("prewitt", "sobel")
#: Default orientations of :func:`edge_match`, in degrees: 0, 5, ..., 175.
DEFAULT_ANGLES = tuple(range(0, 180, 5))


# --------------------------------------------------------------------------
# Layers and inputs
# --------------------------------------------------------------------------
def _check_model(model: Any) -> nn.Module:
    if not isinstance(model, nn.Module):
        raise TypeError(f"model must be a torch.nn.Module, got {describe(model)}")
    return model


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
    _check_model(model)
    return [name for name, m in model.named_modules() if name and isinstance(m, nn.modules.conv._ConvNd)]


def _layer_names(model: nn.Module) -> list[str]:
    return [name for name, _ in model.named_modules() if name]


def _find_module(model: nn.Module, layer: Any, *, kind: str = "any") -> nn.Module:
    """Return the module called ``layer``; ``kind`` is "any", "conv" or "weighted"."""
    _check_model(model)
    if kind == "conv":
        names, what = conv_layers(model), "convolution layers"
    elif kind == "weighted":
        names = [
            n for n, m in model.named_modules() if n and isinstance(m, (nn.modules.conv._ConvNd, nn.Linear))
        ]
        what = "convolution or linear layers"
    else:
        names, what = _layer_names(model), "layers"
    if not isinstance(layer, str):
        raise TypeError(f"layer must be the name of one of the model's {what} {names}, got {describe(layer)}")
    if layer not in names:
        raise ValueError(f"layer must be one of the model's {what} {names}, got {layer!r}")
    return dict(model.named_modules())[layer]


def _as_float_tensor(name: str, value: Any) -> torch.Tensor:
    if isinstance(value, np.ndarray):
        if not (np.issubdtype(value.dtype, np.floating) or np.issubdtype(value.dtype, np.integer)):
            raise TypeError(f"{name} must hold real numbers, got {describe(value)}")
        value = torch.from_numpy(np.array(value, dtype=np.float64))
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor, a numpy array or a model, got {describe(value)}")
    if value.is_complex() or value.dtype == torch.bool:
        raise TypeError(f"{name} must hold real numbers, got {describe(value)}")
    value = value.detach().to(torch.float64)
    if not torch.isfinite(value).all():
        raise ValueError(f"{name} must not contain NaN or infinite values")
    return value


def _weights(weights: Any, layer: str, *, kind: str = "conv") -> tuple[torch.Tensor, str | None]:
    """Return the kernels of a model's layer, or the given array, as float64."""
    if isinstance(weights, nn.Module):
        module = _find_module(weights, layer, kind=kind)
        return module.weight.detach().to(torch.float64).cpu(), layer
    return _as_float_tensor("weights", weights), None


def _as_images(
    name: str, data: Any, *, labels: bool = False
) -> tuple[torch.Tensor, torch.Tensor | None, tuple]:
    """Return ``(images, labels, class names)`` from a LineDataset, a pair or a tensor."""
    if isinstance(data, torch.Tensor) and not labels:
        return check_images(name, data), None, ()
    if not isinstance(data, (LineDataset, tuple)):
        expected = "a LineDataset or an (images, labels) pair" + ("" if labels else " or an images tensor")
        raise TypeError(f"{name} must be {expected}, got {describe(data)}")
    images, y = as_images_labels(name, data)
    if isinstance(data, LineDataset):
        return images, y, data.classes
    if y.numel() and y.min() < 0:
        raise ValueError(f"{name} labels must be non-negative class indices, got {int(y.min())}")
    n_classes = int(y.max()) + 1 if y.numel() else 0
    return images, y, tuple(str(c) for c in range(n_classes))


class _Stop(Exception):
    """Raised by a forward hook to end a forward pass early."""


@contextmanager
def _eval_mode(model: nn.Module, *, freeze: bool = False) -> Iterator[nn.Module]:
    """Put ``model`` in eval mode (and its parameters out of autograd), then restore."""
    was_training = model.training
    flags = [(p, p.requires_grad) for p in model.parameters()] if freeze else []
    try:
        model.eval()
        for p, _ in flags:
            p.requires_grad_(False)
        yield model
    finally:
        for p, flag in flags:
            p.requires_grad_(flag)
        model.train(was_training)


def _capture(
    model: nn.Module, module: nn.Module, images: torch.Tensor, *, inputs: bool = False
) -> torch.Tensor:
    """Run ``model(images)`` until ``module`` has run and return its output (or first input)."""
    box: list[torch.Tensor] = []

    def hook(_m, inp, out):
        value = inp[0] if inputs and inp else out
        if not isinstance(value, torch.Tensor):
            raise TypeError(f"layer output must be a tensor, got {describe(value)}")
        box.append(value)
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
    return box[0]


def _per_image_stats(
    model: nn.Module, module: nn.Module, images: torch.Tensor, batch_size: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per-image, per-channel mean and max of a layer's output: two ``(N, C)`` arrays."""
    means, maxes = [], []
    with _eval_mode(model), torch.no_grad():
        for start in range(0, images.shape[0], batch_size):
            out = _capture(model, module, images[start : start + batch_size])
            if out.ndim < 2:
                raise ValueError(f"layer output must have shape (N, C, ...), got shape {tuple(out.shape)}")
            flat = out.reshape(out.shape[0], out.shape[1], -1).to(torch.float64)
            means.append(flat.mean(-1))
            maxes.append(flat.amax(-1))
    return torch.cat(means).numpy(), torch.cat(maxes).numpy()


# --------------------------------------------------------------------------
# Edge match
# --------------------------------------------------------------------------
_EDGE_NAMES = (
    (0, "vertical"),
    (45, "antidiagonal /"),
    (90, "horizontal"),
    (135, "diagonal \\"),
    (180, "vertical"),
)
_SIDES = ("right", "below right", "below", "below left", "left", "above left", "above", "above right")


def _edge_name(angle: float) -> str:
    return min(_EDGE_NAMES, key=lambda e: abs(e[0] - angle))[1]


def _bright_side(angle: float, polarity: int) -> str:
    direction = angle if polarity > 0 else angle + 180.0
    return _SIDES[int(np.round(direction / 45.0)) % 8]


def _check_kinds_angles(kinds: Any, angles: Any) -> tuple[tuple[str, ...], np.ndarray]:
    if isinstance(kinds, str) or not isinstance(kinds, Sequence) or not kinds:
        raise TypeError(
            f"kinds must be a non-empty sequence of names from {list(EDGE_KINDS)}, got {describe(kinds)}"
        )
    kinds = tuple(kinds)
    for k in kinds:
        check_choice("kinds", k, EDGE_KINDS)
    if len(set(kinds)) != len(kinds):
        raise ValueError(f"kinds must be distinct, got {kinds!r}")
    try:
        arr = np.asarray(list(angles), dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"angles must be a sequence of numbers of degrees, got {describe(angles)}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"angles must be a non-empty 1-D sequence of degrees, got shape {arr.shape}")
    if not np.isfinite(arr).all() or (arr < 0).any() or (arr >= 180).any():
        raise ValueError(
            "angles must lie in [0, 180) degrees (the template at angle + 180 is the negated one, "
            f"counted by the polarity), got {arr.tolist()}"
        )
    return kinds, arr


def _zscore_rows(x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Zero-mean, unit-norm rows of ``x`` (rows of zero variance stay zero) and the norms."""
    x = x - x.mean(axis=-1, keepdims=True)
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    scale = np.max(np.abs(x), axis=-1, keepdims=True)
    flat = norm <= 1e-9 * np.maximum(scale, 1e-300)
    return np.where(flat, 0.0, x / np.where(norm > 0, norm, 1.0)), (norm[..., 0] * ~flat[..., 0])


def _edge_correlations(kernels: np.ndarray, kinds: tuple[str, ...], angles: np.ndarray) -> np.ndarray:
    """Zero-mean normalized correlation of ``kernels`` ``(..., kh, kw)`` with every
    template: shape ``(..., len(kinds), len(angles))``."""
    kh, kw = kernels.shape[-2:]
    templates = np.stack(
        [edge_template((kh, kw), float(a), k).numpy().astype(np.float64) for k in kinds for a in angles]
    ).reshape(len(kinds) * len(angles), kh * kw)
    t, _ = _zscore_rows(templates)
    x, _ = _zscore_rows(kernels.reshape(*kernels.shape[:-2], kh * kw))
    corr = np.clip(x @ t.T, -1.0, 1.0)
    return corr.reshape(*kernels.shape[:-2], len(kinds), len(angles))


def _best_of(corr: np.ndarray, kinds: tuple[str, ...], angles: np.ndarray):
    """Score, angle, polarity and kind of the best template, from correlations."""
    lead = corr.shape[:-2]
    flat = np.abs(corr).reshape(*lead, -1)
    best = flat.argmax(axis=-1)
    score = np.take_along_axis(flat, best[..., None], -1)[..., 0]
    signed = np.take_along_axis(corr.reshape(*lead, -1), best[..., None], -1)[..., 0]
    kind_idx, angle_idx = np.divmod(best, len(angles))
    degenerate = score == 0
    angle = np.where(degenerate, np.nan, angles[angle_idx])
    polarity = np.where(degenerate, 0, np.sign(signed)).astype(np.int64)
    kind = np.where(degenerate, "", np.asarray(kinds, dtype=object)[kind_idx]).astype(str)
    return score, angle, polarity, kind


def _kernel_stack(w: torch.Tensor) -> np.ndarray:
    """Kernels as ``(..., kh, kw)``: a size-1 input-channel axis of a 4-D weight is dropped."""
    if w.ndim not in (2, 3, 4):
        raise ValueError(
            f"weights must have shape (kh, kw), (K, kh, kw) or (out, in, kh, kw), got shape {tuple(w.shape)}"
        )
    if w.ndim == 4 and w.shape[1] == 1:
        w = w[:, 0]
    if w.shape[-1] < 2 and w.shape[-2] < 2:
        raise ValueError(f"weights must hold kernels of at least 2 pixels, got shape {tuple(w.shape)}")
    return w.numpy()


@dataclass(frozen=True, eq=False)
class EdgeMatch:
    """How much each kernel looks like an edge detector (see :func:`edge_match`).

    Attributes
    ----------
    score : numpy.ndarray
        Float, one per kernel: the best absolute zero-mean normalized
        correlation with an edge template, in ``[0, 1]``.
    angle : numpy.ndarray
        Float degrees in ``[0, 180)``: the orientation of the best template
        (0 = vertical edge, 90 = horizontal edge; clockwise on screen). NaN
        for a constant kernel.
    polarity : numpy.ndarray
        Int, ``+1`` or ``-1`` (``0`` for a constant kernel): ``+1`` if the
        kernel's positive weights lie on the side the angle points to (right
        for 0, below for 90), the bright side of the edge it fires on.
    kind : numpy.ndarray
        Str, ``"prewitt"`` or ``"sobel"``: the kind of the best template.
    correlation : numpy.ndarray
        Signed correlation with every template, shape
        ``score.shape + (len(kinds), len(angles))``.
    kinds : tuple of str
        The template kinds compared.
    angles : numpy.ndarray
        The template orientations compared, in degrees.
    kernel_size : (int, int)
        Height and width of the kernels.
    layer : str or None
        The layer the kernels come from, when a model was given.

    Notes
    -----
    The arrays have one entry per kernel: shape ``(K,)`` for a layer with
    one input channel (``conv1``), ``(out, in)`` for a layer with several
    (one 2-D kernel per input channel), ``()`` for a single kernel.
    """

    score: np.ndarray
    angle: np.ndarray
    polarity: np.ndarray
    kind: np.ndarray
    correlation: np.ndarray
    kinds: tuple[str, ...]
    angles: np.ndarray
    kernel_size: tuple[int, int]
    layer: str | None = None

    def __len__(self) -> int:
        return int(self.score.shape[0]) if self.score.ndim else 1

    def template(self, index: int | tuple[int, ...] = ()) -> torch.Tensor:
        """Return the best template of kernel ``index``, times its polarity.

        The result has the kernel's size and correlates with the kernel at
        ``+score``; it is ``polarity * edge_template(size, angle, kind)``.
        """
        idx = (index,) if isinstance(index, (int, np.integer)) else tuple(index)
        try:
            pol = int(self.polarity[idx])
        except IndexError:
            raise ValueError(
                f"index must address a kernel of shape {self.score.shape}, got {index!r}"
            ) from None
        if pol == 0:
            return torch.zeros(self.kernel_size)
        return pol * edge_template(self.kernel_size, float(self.angle[idx]), str(self.kind[idx]))

    def best(self, angle: float, *, tolerance: float = 22.5) -> int | tuple[int, ...] | None:
        """Return the kernel with the highest score among those oriented near ``angle``.

        Parameters
        ----------
        angle : float
            Orientation in degrees (``0`` vertical edges, ``90`` horizontal
            edges), compared modulo 180.
        tolerance : float
            Largest accepted difference between a kernel's angle and
            ``angle``, in degrees.

        Returns
        -------
        int, tuple of int or None
            The kernel's index (a tuple for a multi-axis result), or
            ``None`` if no kernel is oriented within ``tolerance``.
        """
        angle = check_float("angle", angle)
        tolerance = check_float("tolerance", tolerance, low=0, high=90)
        diff = np.abs((self.angle - angle + 90.0) % 180.0 - 90.0)
        ok = np.nan_to_num(diff, nan=np.inf) <= tolerance
        if not ok.any():
            return None
        flat = int(np.argmax(np.where(ok, self.score, -1.0)))
        if self.score.ndim == 1:
            return flat
        return tuple(int(i) for i in np.unravel_index(flat, self.score.shape))

    def table(self) -> str:
        """Return a text table: kernel, score, angle, polarity, kind, edge and bright side."""
        header = f"{'kernel':>8}  {'score':>5}  {'angle':>5}  {'polarity':>8}  {'kind':<7}  {'edge':<16}  bright side"
        lines = [header, "-" * len(header)]
        for idx in np.ndindex(self.score.shape):
            name = ",".join(str(i) for i in idx) if idx else "-"
            pol = int(self.polarity[idx])
            if pol == 0:
                lines.append(f"{name:>8}  {0.0:5.2f}  {'-':>5}  {'0':>8}  {'-':<7}  {'(constant)':<16}  -")
                continue
            a = float(self.angle[idx])
            lines.append(
                f"{name:>8}  {float(self.score[idx]):5.2f}  {a:5.0f}  {pol:+8d}  {self.kind[idx]!s:<7}  "
                f"{_edge_name(a):<16}  {_bright_side(a, pol)}"
            )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


def edge_match(
    weights: Any,
    layer: str = "conv1",
    *,
    kinds: Sequence[str] = EDGE_KINDS,
    angles: Sequence[float] = DEFAULT_ANGLES,
) -> EdgeMatch:
    """Compare each kernel with Prewitt and Sobel edge templates at many orientations.

    For every kernel and every template -- each kind in ``kinds``, rotated to
    each angle in ``angles`` and scaled to the kernel's size by
    :func:`~cnnexplain.edges.edge_template` -- the zero-mean normalized
    correlation (Pearson's r over the kernel's pixels) is computed. The
    kernel's match is the template of largest absolute correlation: its
    ``score`` (that absolute value, in ``[0, 1]``; 1 means the kernel is the
    template up to scale and offset), ``angle``, ``polarity`` (the sign of
    the correlation) and ``kind``. Ties go to the first kind, then the
    smallest angle. See the module notes for the angle and polarity
    conventions.

    Parameters
    ----------
    weights : torch.nn.Module, torch.Tensor or numpy.ndarray
        A model (its layer ``layer`` is read), or kernels of shape
        ``(kh, kw)``, ``(K, kh, kw)`` or ``(out, in, kh, kw)``.
    layer : str
        Name of a convolution layer of ``weights`` when it is a model;
        ignored for arrays.
    kinds : sequence of str
        Template kinds among :data:`EDGE_KINDS`.
    angles : sequence of float
        Template orientations in degrees, each in ``[0, 180)`` (the opposite
        direction is the same template negated, which the polarity covers).
        The reported angle is the nearest one on this grid.

    Returns
    -------
    EdgeMatch
        ``print(match)`` shows a table; ``match.score[k]`` is kernel ``k``'s
        score.

    Raises
    ------
    TypeError
        If ``weights`` is neither a model nor an array, or ``kinds`` or
        ``angles`` has the wrong type.
    ValueError
        If ``layer`` is not a convolution layer of the model, the weights
        have the wrong shape or non-finite values, or ``kinds`` or
        ``angles`` hold unknown names or angles outside ``[0, 180)``.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain.edges import PREWITT_X
    >>> match = edge_match(torch.stack([PREWITT_X, -PREWITT_X, PREWITT_X.T]))
    >>> match.score.round(3).tolist(), match.angle.tolist(), match.polarity.tolist()
    ([1.0, 1.0, 1.0], [0.0, 0.0, 90.0], [1, -1, 1])
    """
    kinds, angle_grid = _check_kinds_angles(kinds, angles)
    w, layer_name = _weights(weights, layer)
    kernels = _kernel_stack(w)
    corr = _edge_correlations(kernels, kinds, angle_grid)
    score, angle, polarity, kind = _best_of(corr, kinds, angle_grid)
    return EdgeMatch(
        score, angle, polarity, kind, corr, kinds, angle_grid, tuple(kernels.shape[-2:]), layer_name
    )


def random_edge_scores(
    kernel_size: int | tuple[int, int] = 7,
    n: int = 1000,
    *,
    kinds: Sequence[str] = EDGE_KINDS,
    angles: Sequence[float] = DEFAULT_ANGLES,
    seed: int = 0,
) -> np.ndarray:
    """Return the edge-match scores of random kernels: the level of chance.

    A random kernel already correlates a little with its best template out
    of many. This draws ``n`` kernels with independent uniform weights --
    the distribution of PyTorch's default initialization of a convolution
    (the score does not depend on the scale) -- and scores them with
    :func:`edge_match`. A kernel scoring well above, say, the 95th
    percentile has learned an edge.

    Parameters
    ----------
    kernel_size : int or (int, int)
        Side, or ``(height, width)``, of the kernels.
    n : int
        Number of random kernels.
    kinds, angles
        As in :func:`edge_match`.
    seed : int
        Seed of the random weights.

    Returns
    -------
    numpy.ndarray
        ``(n,)`` scores in ``[0, 1]``.

    Raises
    ------
    TypeError, ValueError
        If ``kernel_size``, ``n`` or ``seed`` is not an integer in range, or
        ``kinds`` or ``angles`` is malformed (see :func:`edge_match`).

    Examples
    --------
    >>> scores = random_edge_scores(7, n=200)
    >>> 0.2 < float(np.median(scores)) < 0.45
    True
    """
    if isinstance(kernel_size, tuple) and len(kernel_size) == 2:
        shape = (
            check_int("kernel_size[0]", kernel_size[0], low=1, high=64),
            check_int("kernel_size[1]", kernel_size[1], low=1, high=64),
        )
    else:
        side = check_int("kernel_size", kernel_size, low=1, high=64)
        shape = (side, side)
    n = check_int("n", n, low=1, high=1_000_000)
    seed = check_int("seed", seed, low=0)
    rng = np.random.default_rng(seed)
    return edge_match(rng.uniform(-1.0, 1.0, size=(n, *shape)), kinds=kinds, angles=angles).score


@dataclass(frozen=True, eq=False)
class EdgeMatchHistory:
    """The edge match of every snapshot of a training run (see :func:`edge_match_history`).

    Attributes
    ----------
    score, angle, polarity, kind : numpy.ndarray
        As in :class:`EdgeMatch`, with a leading snapshot axis: shape
        ``(S, K)`` for ``conv1``.
    correlation : numpy.ndarray
        Shape ``(S, K, len(kinds), len(angles))``.
    epochs : numpy.ndarray
        Float training progress of each snapshot, in epochs (``0`` = init).
    steps : numpy.ndarray
        Int ``(S, 2)``: the ``(epoch, batch)`` of each snapshot.
    kinds, angles, kernel_size, layer
        As in :class:`EdgeMatch`.
    """

    score: np.ndarray
    angle: np.ndarray
    polarity: np.ndarray
    kind: np.ndarray
    correlation: np.ndarray
    epochs: np.ndarray
    steps: np.ndarray
    kinds: tuple[str, ...]
    angles: np.ndarray
    kernel_size: tuple[int, int]
    layer: str

    def __len__(self) -> int:
        """Number of snapshots."""
        return int(self.score.shape[0])

    @property
    def n_kernels(self) -> int:
        """Number of kernels per snapshot (first kernel axis)."""
        return int(self.score.shape[1]) if self.score.ndim > 1 else 1

    def at(self, snapshot: int) -> EdgeMatch:
        """Return the :class:`EdgeMatch` of one snapshot (``-1`` = the last)."""
        snapshot = check_int("snapshot", snapshot, low=-len(self), high=len(self) - 1)
        i = snapshot % len(self)
        return EdgeMatch(
            self.score[i],
            self.angle[i],
            self.polarity[i],
            self.kind[i],
            self.correlation[i],
            self.kinds,
            self.angles,
            self.kernel_size,
            self.layer,
        )

    def first_epoch_above(self, threshold: float) -> np.ndarray:
        """Per kernel, the first epoch from which the score stays at or above ``threshold``.

        NaN for a kernel whose final score is below ``threshold``.
        """
        threshold = check_float("threshold", threshold, low=0, high=1)
        above = self.score >= threshold
        # stays above from snapshot i on: all of above[i:] true
        stays = np.flip(np.logical_and.accumulate(np.flip(above, 0), axis=0), 0)
        first = np.argmax(stays, axis=0)
        return np.where(stays[-1], self.epochs[first], np.nan)


def edge_match_history(
    history: WeightHistory,
    layer: str = "conv1",
    *,
    kinds: Sequence[str] = EDGE_KINDS,
    angles: Sequence[float] = DEFAULT_ANGLES,
) -> EdgeMatchHistory:
    """Run :func:`edge_match` on every snapshot of a training history.

    Parameters
    ----------
    history : WeightHistory
        A history from :func:`~cnnexplain.training.train`.
    layer : str
        A layer with 4-D kernels in the history (``"conv1"``, ``"conv2"``).
    kinds, angles
        As in :func:`edge_match`.

    Returns
    -------
    EdgeMatchHistory
        ``score``, ``angle``, ``polarity`` and ``kind`` of shape
        ``(snapshots, kernels)``, and the ``epochs`` of the snapshots, so
        that ``plt.plot(result.epochs, result.score)`` draws how each
        kernel's match grows during training.

    Raises
    ------
    TypeError
        If ``history`` is not a :class:`~cnnexplain.history.WeightHistory`.
    ValueError
        If ``layer`` is not a convolution layer of the history.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> history = train(LineCNN(), make_lines(n_per_class=8), epochs=1)
    >>> edge_match_history(history).score.shape
    (2, 8)
    """
    if not isinstance(history, WeightHistory):
        raise TypeError(f"history must be a WeightHistory, got {describe(history)}")
    kinds, angle_grid = _check_kinds_angles(kinds, angles)
    convs = [
        n for n in history.layer_names() if f"{n}.weight" in history and history[f"{n}.weight"].ndim == 5
    ]
    if not isinstance(layer, str):
        raise TypeError(
            f"layer must be the name of one of the history's convolution layers {convs}, got {describe(layer)}"
        )
    if layer not in convs:
        raise ValueError(f"layer must be one of the history's convolution layers {convs}, got {layer!r}")
    w = history[f"{layer}.weight"].astype(np.float64)
    if w.shape[2] == 1:
        w = w[:, :, 0]
    corr = _edge_correlations(w, kinds, angle_grid)
    score, angle, polarity, kind = _best_of(corr, kinds, angle_grid)
    return EdgeMatchHistory(
        score,
        angle,
        polarity,
        kind,
        corr,
        history.epochs.astype(np.float64),
        np.array(history.steps),
        kinds,
        angle_grid,
        tuple(w.shape[-2:]),
        layer,
    )


# --------------------------------------------------------------------------
# Selectivity
# --------------------------------------------------------------------------
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
    ValueError
        If a mean is negative or not finite, or the shapes do not broadcast.

    Examples
    --------
    >>> selectivity_index([2.0, 0.0, 1.0, 0.0], [0.0, 3.0, 1.0, 0.0]).tolist()
    [1.0, -1.0, 0.0, 0.0]
    >>> float(selectivity_index(3.0, 1.0))
    0.5
    """
    arrays = []
    for name, value in (("mean_a", mean_a), ("mean_b", mean_b)):
        if isinstance(value, torch.Tensor):
            value = value.detach().cpu().numpy()
        try:
            arr = np.asarray(value, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(f"{name} must be an array of real numbers, got {describe(value)}") from None
        if not np.isfinite(arr).all():
            raise ValueError(f"{name} must be finite")
        if (arr < 0).any():
            raise ValueError(
                f"{name} must be non-negative (mean activations after a ReLU), got minimum {arr.min()}"
            )
        arrays.append(arr)
    a, b = arrays
    try:
        total = a + b
    except ValueError:
        raise ValueError(f"mean_a and mean_b must broadcast, got shapes {a.shape} and {b.shape}") from None
    with np.errstate(invalid="ignore", divide="ignore"):
        index = np.where(total > 0, (a - b) / np.where(total > 0, total, 1.0), 0.0)
    return np.clip(index, -1.0, 1.0)


@dataclass(frozen=True, eq=False)
class Selectivity:
    """Which class each kernel prefers (see :func:`selectivity`).

    Attributes
    ----------
    layer : str
        The layer measured.
    classes : tuple of str
        Class names, in label order.
    means : numpy.ndarray
        ``(K, n_classes)``: the mean activation of channel ``k`` over the
        images of each class (per image: the mean or max over positions, see
        ``reduce``).
    pair : (str, str)
        The classes ``a`` and ``b`` the index compares.
    index : numpy.ndarray
        ``(K,)``: :func:`selectivity_index` of ``means`` for ``a`` and ``b``;
        ``+1`` fires only on ``a``, ``-1`` only on ``b``.
    reduce : str
        How each map was reduced to one number per image: ``"mean"`` or
        ``"max"``.
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

        The argmax of ``index`` for ``pair[0]``, the argmin for
        ``pair[1]``: with the default data, ``preferring("vertical")`` is the
        article's "vertical kernel".
        """
        check_choice("name", name, self.pair)
        return int(np.argmax(self.index) if name == self.pair[0] else np.argmin(self.index))

    def table(self) -> str:
        """Return a text table: kernel, mean per class and index."""
        header = f"{'kernel':>6}  " + "  ".join(f"{c:>10}" for c in self.classes) + f"  {'index':>6}"
        lines = [header, "-" * len(header)]
        for k in range(len(self)):
            means = "  ".join(f"{m:10.4f}" for m in self.means[k])
            lines.append(f"{k:>6}  {means}  {self.index[k]:+6.2f}")
        lines.append(
            f"index = (mean[{self.pair[0]}] - mean[{self.pair[1]}]) / (sum), {self.reduce} over positions"
        )
        return "\n".join(lines)

    def __str__(self) -> str:
        return self.table()


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
    each class. The selectivity index of the two classes in ``pair`` is
    :func:`selectivity_index` of their means: ``+1`` when channel ``k`` fires
    only on ``pair[0]``.

    Parameters
    ----------
    model : torch.nn.Module
        Any model; it runs in eval mode without gradients (restored after),
        and only up to ``layer``.
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

    Raises
    ------
    TypeError, ValueError
        If ``layer`` is not a layer of the model or gives negative values,
        ``pair`` names unknown or identical classes, a class has no image,
        or another argument is malformed.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> result = selectivity(LineCNN(), make_lines(n_per_class=4))
    >>> result.means.shape, result.pair
    ((8, 2), ('horizontal', 'vertical'))
    """
    _check_model(model)
    module = _find_module(model, layer)
    images, labels, classes = _as_images("data", data, labels=True)
    check_choice("reduce", reduce, ("mean", "max"))
    batch_size = check_int("batch_size", batch_size, low=1)
    if len(classes) < 2:
        raise ValueError(f"data must hold at least two classes, got {list(classes)}")
    if pair is None:
        pair = (classes[0], classes[1])
    if isinstance(pair, str) or not isinstance(pair, Sequence) or len(pair) != 2:
        raise TypeError(f"pair must be two class names or labels, got {describe(pair)}")
    idx = []
    for p in pair:
        if isinstance(p, numbers.Integral) and not isinstance(p, bool):
            check_int("pair", p, low=0, high=len(classes) - 1)
            idx.append(int(p))
        else:
            idx.append(classes.index(check_choice("pair", p, classes)))
    if idx[0] == idx[1]:
        raise ValueError(f"pair must name two different classes, got {tuple(pair)!r}")
    mean, peak = _per_image_stats(model, module, images, batch_size)
    per_image = mean if reduce == "mean" else peak
    if (peak < 0).any() or (per_image < 0).any():
        raise ValueError(
            f"layer {layer!r} gives negative activations; selectivity needs a non-negative layer, "
            "such as a ReLU or a pooling after one"
        )
    y = labels.numpy()
    means = np.zeros((per_image.shape[1], len(classes)))
    for c in range(len(classes)):
        members = y == c
        if c in idx and not members.any():
            raise ValueError(f"data must hold images of class {classes[c]!r}, got none")
        means[:, c] = per_image[members].mean(0) if members.any() else np.nan
    index = selectivity_index(means[:, idx[0]], means[:, idx[1]])
    return Selectivity(layer, tuple(classes), means, (classes[idx[0]], classes[idx[1]]), index, reduce)


# --------------------------------------------------------------------------
# Dead, redundant and essential kernels
# --------------------------------------------------------------------------
@dataclass(frozen=True, eq=False)
class DeadKernels:
    """Channels that stay (almost) silent on a data set (see :func:`dead_kernels`).

    Attributes
    ----------
    layer : str
        The layer measured.
    peak : numpy.ndarray
        ``(K,)``: the largest activation of each channel over all images and
        positions.
    mean : numpy.ndarray
        ``(K,)``: the mean activation of each channel over all images and
        positions.
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
    the layer. Measured after a ReLU, a dead channel passes (almost) nothing
    to the next layer, whatever the image; a channel whose peak is ``<= 0``
    is always dead (measured on a convolution, it never gets through a
    following ReLU).

    Parameters
    ----------
    model : torch.nn.Module
        Any model; it runs in eval mode without gradients, up to ``layer``.
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
        If ``layer`` is not a layer of the model or an argument is malformed.

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
    _check_model(model)
    module = _find_module(model, layer)
    images, _, _ = _as_images("data", data)
    threshold = check_float("threshold", threshold, low=0, high=1, high_open=True)
    batch_size = check_int("batch_size", batch_size, low=1)
    mean, peak = _per_image_stats(model, module, images, batch_size)
    peak, mean = peak.max(0), mean.mean(0)
    dead = peak <= threshold * max(float(peak.max()), 0.0)
    return DeadKernels(layer, peak, mean, threshold, dead)


def kernel_similarity(weights: Any, layer: str = "conv1") -> np.ndarray:
    """Return the cosine similarity of every pair of kernels of a layer.

    Each kernel (output channel, all its input channels flattened) is
    compared as it is, without removing its mean: two kernels that differ by
    a constant respond differently to bright regions, so they are not
    copies.

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
        If ``weights`` is neither a model nor a real array, ``layer`` is not
        a convolution or linear layer of the model, or the weights are not
        finite.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain.edges import PREWITT_X
    >>> kernel_similarity(torch.stack([PREWITT_X, 2 * PREWITT_X, -PREWITT_X])).round(3).tolist()
    [[1.0, 1.0, -1.0], [1.0, 1.0, -1.0], [-1.0, -1.0, 1.0]]
    """
    w, _ = _weights(weights, layer, kind="weighted")
    if w.ndim < 2:
        raise ValueError(f"weights must have shape (K, ...) with K kernels, got shape {tuple(w.shape)}")
    flat = w.reshape(w.shape[0], -1).numpy()
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
        As :func:`kernel_similarity`; also if ``threshold`` is not in
        ``[0, 1]`` or ``absolute`` is not a bool.

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


@dataclass(frozen=True, eq=False)
class Ablation:
    """Accuracy with each kernel zeroed (see :func:`ablation`).

    Attributes
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
        """Channels from the most to the least essential (by drop, then loss)."""
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

    For each output channel ``k`` of ``layer``, a copy of the model gets
    ``weight[k] = 0`` and ``bias[k] = 0`` -- the channel outputs zero
    everywhere -- and is evaluated on ``data`` (eval mode, no dropout). The
    model itself is never modified.

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
        If ``layer`` is not a convolution or linear layer of the model, a
        channel is out of range, or ``data`` is malformed.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> result = ablation(LineCNN(), make_lines(n_per_class=4), channels=[0, 1])
    >>> result.drop.shape
    (2,)
    """
    _check_model(model)
    module = _find_module(model, layer, kind="weighted")
    images, labels, _ = _as_images("data", data, labels=True)
    batch_size = check_int("batch_size", batch_size, low=1)
    n_out = module.weight.shape[0]
    if channels is None:
        chans = list(range(n_out))
    else:
        if isinstance(channels, (str, bytes)) or not isinstance(channels, Sequence):
            raise TypeError(f"channels must be a sequence of channel numbers, got {describe(channels)}")
        chans = [check_int("channels", c, low=0, high=n_out - 1) for c in channels]
    base_loss, base_acc = evaluate(model, (images, labels), batch_size=batch_size)
    work = copy.deepcopy(model)
    target = dict(work.named_modules())[layer]
    acc, loss = [], []
    with torch.no_grad():
        weight = target.weight.detach().clone()
        bias = target.bias.detach().clone() if target.bias is not None else None
        for c in chans:
            target.weight[c] = 0.0
            if bias is not None:
                target.bias[c] = 0.0
            lo, ac = evaluate(work, (images, labels), batch_size=batch_size)
            acc.append(ac)
            loss.append(lo)
            target.weight.copy_(weight)
            if bias is not None:
                target.bias.copy_(bias)
    return Ablation(
        layer, np.asarray(chans, dtype=np.int64), base_acc, base_loss, np.asarray(acc), np.asarray(loss)
    )


# --------------------------------------------------------------------------
# Activation maximization
# --------------------------------------------------------------------------
def _gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    radius = max(1, int(np.ceil(3 * sigma)))
    t = torch.arange(-radius, radius + 1, dtype=x.dtype)
    g = torch.exp(-(t**2) / (2 * sigma**2))
    g = g / g.sum()
    c = x.shape[1]
    x = F.pad(x, (radius, radius, radius, radius), mode="replicate")
    x = F.conv2d(x, g.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    return F.conv2d(x, g.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c)


_MONOTONIC = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.Softplus, nn.Sigmoid, nn.Tanh, nn.Hardtanh)


def maximize_activation(
    model: nn.Module,
    layer: str,
    channel: int | Sequence[int],
    *,
    size: int | None = None,
    where: str = "centre",
    steps: int = 150,
    lr: float = 0.05,
    l2: float = 0.05,
    blur: float = 0.5,
    blur_every: int = 10,
    seed: int = 0,
) -> torch.Tensor:
    """Find the input image that most excites one channel of a layer.

    Gradient ascent on the pixels of a grey image, kept readable by
    regularization, after Yosinski et al. (2015), "Understanding neural
    networks through deep visualization". Starting from mid-grey (0.5) plus
    a little seeded noise, each step

    1. moves the image along the gradient of the objective, normalized so
       that its largest pixel moves by ``lr`` (the step does not depend on
       the scale of the activations);
    2. decays it towards grey: ``x <- 0.5 + (1 - l2) (x - 0.5)``, a step of
       gradient descent on an L2 penalty, so pixels that do not matter fade
       to grey;
    3. every ``blur_every`` steps, blurs it with a Gaussian of ``blur``
       pixels, which removes high-frequency noise;
    4. clamps it to ``[0, 1]``, the range of the training images.

    The loop runs torch on one thread (the thread count is restored after):
    its operations are too small to gain from more, and lose a lot on a
    busy machine.

    The objective is channel ``channel`` of ``layer``'s output at the
    centre of its map (``where="centre"``, one unit: the image shows that
    unit's receptive field, grey around it) or averaged over the map
    (``where="mean"``: a pattern that excites the channel everywhere). For
    ``conv1`` the centre patch of the result is, up to clamping, the kernel
    itself: the gradient of a convolution unit is its kernel.

    Parameters
    ----------
    model : torch.nn.Module
        Any model whose first convolution takes the images; it runs in eval
        mode, its parameters untouched (restored after).
    layer : str
        Name of the layer to excite. For a monotonic activation layer
        (``ReLU``, ``LeakyReLU``, ``Sigmoid``, ...) its input is maximized
        instead -- the same image, but the gradient does not vanish where the
        ReLU is off. After a pooling of a ReLU, a unit that starts inactive
        has no gradient to follow: prefer the convolutions (``"conv1"``,
        ``"conv2"``) or their ReLUs.
    channel : int or sequence of int
        Output channel(s) of ``layer``. Several channels are optimized
        together, independently, in one batch.
    size : int, optional
        Side of the square image; ``model.image_size`` if the model has it,
        else 50.
    where : {"centre", "mean"}
        Excite the centre unit, or the mean over the map.
    steps : int
        Number of ascent steps.
    lr : float
        Largest pixel change per step.
    l2 : float
        Decay towards grey per step, in ``[0, 1)``.
    blur : float
        Standard deviation of the Gaussian blur in pixels; 0 disables it.
    blur_every : int
        Steps between blurs.
    seed : int
        Seed of the starting noise: the same call gives the same image.

    Returns
    -------
    torch.Tensor
        Float32 image(s) in ``[0, 1]``: shape ``(size, size)`` for one
        channel, ``(len(channel), size, size)`` for several (a channel axis
        is added after the first if the model takes several input channels).

    Raises
    ------
    TypeError, ValueError
        If ``layer`` is not a layer of the model, a channel is out of range,
        the model has no convolution layer, or a setting is out of range.

    Examples
    --------
    >>> from cnnexplain.model import LineCNN
    >>> image = maximize_activation(LineCNN(), "conv1", 3, steps=20)
    >>> tuple(image.shape), 0.0 <= float(image.min()) <= float(image.max()) <= 1.0
    ((50, 50), True)
    """
    _check_model(model)
    module = _find_module(model, layer)
    convs = conv_layers(model)
    if not convs:
        raise ValueError("model must have a convolution layer, to know the input channels; it has none")
    in_channels = dict(model.named_modules())[convs[0]].in_channels
    if size is None:
        size = getattr(model, "image_size", 50)
    size = check_int("size", size, low=1, high=1024)
    check_choice("where", where, ("centre", "mean"))
    steps = check_int("steps", steps, low=0, high=100_000)
    lr = check_float("lr", lr, low=0, low_open=True, high=1)
    l2 = check_float("l2", l2, low=0, high=1, high_open=True)
    blur = check_float("blur", blur, low=0, high=size)
    blur_every = check_int("blur_every", blur_every, low=1)
    seed = check_int("seed", seed, low=0)
    single = isinstance(channel, (int, np.integer)) and not isinstance(channel, bool)
    if single:
        chans = [int(channel)]
    elif isinstance(channel, Sequence) and not isinstance(channel, (str, bytes)) and len(channel) > 0:
        chans = list(channel)
    else:
        raise TypeError(
            f"channel must be an integer or a non-empty sequence of integers, got {describe(channel)}"
        )
    gen = torch.Generator().manual_seed(seed)
    n = len(chans)
    x = (0.5 + 0.1 * torch.randn(n, in_channels, size, size, generator=gen)).clamp_(0, 1)
    # A monotonic activation has the same maximizer as its input, whose
    # gradient does not vanish where the activation is flat.
    pre = isinstance(module, _MONOTONIC)
    # Many tiny operations, one small image at a time: extra threads only add overhead.
    with _eval_mode(model, freeze=True), torch_threads(1):
        with torch.no_grad():
            out = _capture(model, module, x, inputs=pre)
        if out.ndim < 2:
            raise ValueError(f"layer output must have shape (N, C, ...), got shape {tuple(out.shape)}")
        chans = [check_int("channel", c, low=0, high=out.shape[1] - 1) for c in chans]
        centre = tuple((s - 1) // 2 for s in out.shape[2:])
        rows = torch.arange(n)
        select = torch.tensor(chans)
        for step in range(steps):
            x.requires_grad_(True)
            out = _capture(model, module, x, inputs=pre)[rows, select]
            objective = out[(slice(None), *centre)] if where == "centre" else out.reshape(n, -1).mean(1)
            (grad,) = torch.autograd.grad(objective.sum(), x)
            with torch.no_grad():
                scale = grad.abs().reshape(n, -1).amax(1).clamp_min(1e-12).view(n, 1, 1, 1)
                x = x.detach() + lr * grad / scale
                x = 0.5 + (1.0 - l2) * (x - 0.5)
                if blur > 0 and (step + 1) % blur_every == 0:
                    x = _gaussian_blur(x, blur)
                x = x.clamp(0.0, 1.0)
    x = x.detach().to(torch.float32)
    if in_channels == 1:
        x = x[:, 0]
    return x[0] if single else x


# --------------------------------------------------------------------------
# Attribution (Captum)
# --------------------------------------------------------------------------
def _captum():
    try:
        import captum.attr as attr
    except ImportError:
        raise ImportError(
            "attribution needs Captum: install it with `pip install captum` "
            "or `pip install cnnexplain[attribution]`"
        ) from None
    return attr


def _attribution_inputs(model: Any, images: Any, target: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Check the model and images; return a fresh input copy and the targets ``(N,)``."""
    _check_model(model)
    check_images("images", images)
    x = images.detach().clone().to(torch.float32)
    with _eval_mode(model), torch.no_grad():
        logits = model(x)
    if logits.ndim != 2:
        raise ValueError(f"model must return logits of shape (N, n_classes), got shape {tuple(logits.shape)}")
    n, n_classes = logits.shape
    if target is None:
        return x, logits.argmax(1)
    if isinstance(target, (int, np.integer)) and not isinstance(target, bool):
        t = torch.full((n,), check_int("target", target, low=0, high=n_classes - 1), dtype=torch.int64)
        return x, t
    if isinstance(target, (Sequence, np.ndarray, torch.Tensor)) and not isinstance(target, (str, bytes)):
        t = torch.as_tensor(np.asarray(target) if not isinstance(target, torch.Tensor) else target)
        if (
            t.ndim != 1
            or t.shape[0] != n
            or t.dtype not in (torch.int64, torch.int32, torch.int16, torch.uint8)
        ):
            raise ValueError(f"target must be one integer class per image ({n}), got {describe(target)}")
        t = t.to(torch.int64)
        if (t < 0).any() or (t >= n_classes).any():
            raise ValueError(f"target must hold classes in [0, {n_classes - 1}], got {t.tolist()}")
        return x, t
    raise TypeError(f"target must be None, an integer or one integer per image, got {describe(target)}")


def saliency(
    model: nn.Module,
    images: torch.Tensor,
    target: int | Sequence[int] | torch.Tensor | None = None,
    *,
    absolute: bool = True,
) -> torch.Tensor:
    """Return saliency maps: the gradient of the target logit with respect to each pixel.

    Computed with Captum's ``Saliency`` (Simonyan et al., 2014). The model
    runs in eval mode (restored after) and no gradient is left on its
    parameters.

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
        If an argument is malformed.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> saliency(LineCNN(), make_lines(n_per_class=1).images).shape
    torch.Size([2, 50, 50])
    """
    attr = _captum()
    if not isinstance(absolute, bool):
        raise TypeError(f"absolute must be a bool, got {describe(absolute)}")
    x, t = _attribution_inputs(model, images, target)
    x.requires_grad_(True)
    with _eval_mode(model, freeze=True):
        maps = attr.Saliency(model).attribute(x, target=t, abs=absolute)
    maps = maps.detach()
    maps = maps.amax(1) if absolute else maps.sum(1)
    return maps.to(torch.float32)


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
    it. The model runs in eval mode (restored after).

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
        If an argument is malformed.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> occlusion(LineCNN(), make_lines(n_per_class=1).images, window=10, stride=10).shape
    torch.Size([2, 50, 50])
    """
    attr = _captum()
    x, t = _attribution_inputs(model, images, target)
    _, c, h, w = x.shape
    window = check_int("window", window, low=1, high=min(h, w))
    stride = check_int("stride", stride, low=1, high=min(h, w))
    baseline = check_float("baseline", baseline)
    batch_size = check_int("batch_size", batch_size, low=1)
    per_eval = max(1, batch_size // x.shape[0])
    with _eval_mode(model, freeze=True), torch.no_grad():
        maps = attr.Occlusion(model).attribute(
            x,
            sliding_window_shapes=(c, window, window),
            strides=(c, stride, stride),
            baselines=baseline,
            target=t,
            perturbations_per_eval=per_eval,
        )
    return maps.detach().sum(1).to(torch.float32)


def _pair(value: Any) -> tuple[int, int]:
    return (int(value), int(value)) if isinstance(value, int) else (int(value[0]), int(value[1]))


def _map_geometry(model: nn.Module, layer: str) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """Input coordinates of the centre of unit ``(0, 0)`` of ``layer``'s map, and the step
    between units, per axis: ``centre(i) = start + jump * i``.

    Found by receptive-field arithmetic over the leaf modules that come before
    ``layer`` in module order (2-D convolutions and max/avg pooling move the
    grid; other modules are assumed to keep it). ``None`` if a module before
    ``layer`` changes the grid in a way this cannot follow.
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
        elif isinstance(
            module,
            (
                nn.modules.conv._ConvNd,
                nn.modules.pooling._AdaptiveAvgPoolNd,
                nn.modules.pooling._AdaptiveMaxPoolNd,
                nn.Upsample,
                nn.Flatten,
                nn.Linear,
                nn.modules.pooling._MaxPoolNd,
                nn.modules.pooling._AvgPoolNd,
            ),
        ):
            return None
        if name == layer:
            return (start[0], start[1]), (jump[0], jump[1])
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
    target logit over that channel, the weighted channels are summed (and
    passed through a ReLU if ``relu``). The coarse map is then brought to the
    input's size with bilinear interpolation. The model runs in eval mode
    (restored after) and no gradient is left on its parameters.

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
        ``"aligned"`` puts each unit of the coarse map at the centre of its
        receptive field in the input, found from the kernel sizes, strides
        and paddings of the convolutions and poolings before ``layer``
        (bilinear in between, edge values repeated beyond). ``"stretch"``
        stretches the coarse map over the whole image
        (Captum's ``LayerAttribution.interpolate``), which is right for
        padded ("same") convolutions but shifts the map towards the borders
        with unpadded ones: by up to 5 pixels for ``conv2`` of ``LineCNN``.
        ``"aligned"`` falls back to ``"stretch"`` when the geometry cannot be
        followed (for instance an adaptive pooling before ``layer``).

    Returns
    -------
    torch.Tensor
        Float32 maps ``(N, H, W)``.

    Raises
    ------
    ImportError
        If Captum is not installed.
    TypeError, ValueError
        If ``layer`` is not a convolution layer of the model or an argument
        is malformed.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines
    >>> grad_cam(LineCNN(), make_lines(n_per_class=1).images).shape
    torch.Size([2, 50, 50])
    """
    attr = _captum()
    _check_model(model)
    if layer is None:
        convs = conv_layers(model)
        if not convs:
            raise ValueError("model must have a convolution layer for Grad-CAM; it has none")
        layer = convs[-1]
    module = _find_module(model, layer, kind="conv")
    if not isinstance(relu, bool):
        raise TypeError(f"relu must be a bool, got {describe(relu)}")
    check_choice("upsample", upsample, ("aligned", "stretch"))
    x, t = _attribution_inputs(model, images, target)
    x.requires_grad_(True)
    with _eval_mode(model, freeze=True):
        coarse = attr.LayerGradCam(model, module).attribute(x, target=t, relu_attributions=relu)
    coarse = coarse.detach()
    size = tuple(x.shape[-2:])
    geometry = _map_geometry(model, layer) if upsample == "aligned" and coarse.ndim == 4 else None
    if geometry is not None:
        # The last unit's centre must fall inside the image, or the arithmetic
        # did not follow this model's forward pass.
        (start_r, start_c), (jump_r, jump_c) = geometry
        last_r = start_r + jump_r * (coarse.shape[-2] - 1)
        last_c = start_c + jump_c * (coarse.shape[-1] - 1)
        if not (0 <= start_r and 0 <= start_c and last_r <= size[0] - 1 and last_c <= size[1] - 1):
            geometry = None
    if geometry is not None:
        maps = _aligned_upsample(coarse.to(torch.float64), size, *geometry)
    else:
        maps = attr.LayerAttribution.interpolate(coarse, size, interpolate_mode="bilinear")
    return maps[:, 0].to(torch.float32)
