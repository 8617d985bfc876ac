"""How much each kernel looks like an edge detector, and when it became one.

Every kernel is compared with Prewitt and Sobel edge templates
(:func:`~cnnexplain.edges.edge_template`) at many orientations by zero-mean
normalized correlation. Random kernels score above zero too: the module
``edge_null`` gives the distribution of their scores and the threshold a
kernel must clear to be called an edge detector. The angle and polarity
conventions are those of :mod:`cnnexplain.analysis`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from .._checks import check_choice, check_float, check_int, describe
from ..edges import edge_template
from ..history import WeightHistory
from ._layers import layer_weights

__all__ = [
    "DEFAULT_ANGLES",
    "EDGE_KINDS",
    "EdgeMatch",
    "EdgeMatchHistory",
    "edge_match",
    "edge_match_history",
]

#: Kinds of edge template :func:`edge_match` compares kernels with.
EDGE_KINDS = ("prewitt", "sobel")
#: Default orientations of :func:`edge_match`, in degrees: 0, 5, ..., 175.
DEFAULT_ANGLES = tuple(range(0, 180, 5))

# For EdgeMatch.table: the edge a kernel finds and its bright side, by multiples of 45 degrees.
_EDGES = ("vertical", "antidiagonal /", "horizontal", "diagonal \\")
_SIDES = ("right", "below right", "below", "below left", "left", "above left", "above", "above right")


def _check_kinds_angles(kinds: Any, angles: Any) -> tuple[tuple[str, ...], np.ndarray]:
    if isinstance(kinds, str) or not isinstance(kinds, Sequence) or not kinds:
        raise TypeError(
            f"kinds must be a non-empty sequence of names from {list(EDGE_KINDS)}, got {describe(kinds)}"
        )
    kinds = tuple(check_choice("kinds", k, EDGE_KINDS) for k in kinds)
    if len(set(kinds)) != len(kinds):
        raise ValueError(f"kinds must be distinct, got {kinds!r}")
    try:
        arr = np.asarray(list(angles), dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"angles must be a sequence of numbers of degrees, got {describe(angles)}") from None
    if arr.ndim != 1 or arr.size == 0 or not np.isfinite(arr).all() or (arr < 0).any() or (arr >= 180).any():
        # The template at angle + 180 is the negated one, which the polarity counts.
        raise ValueError(f"angles must be a non-empty sequence of degrees in [0, 180), got {arr.tolist()}")
    return kinds, arr


def _zscore_rows(x: np.ndarray) -> np.ndarray:
    """Zero-mean, unit-norm rows of ``x``; rows of zero variance (up to rounding) become zero."""
    x = x - x.mean(axis=-1, keepdims=True)
    norm = np.linalg.norm(x, axis=-1, keepdims=True)
    scale = np.max(np.abs(x), axis=-1, keepdims=True)
    flat = norm <= 1e-9 * np.maximum(scale, 1e-300)
    return np.where(flat, 0.0, x / np.where(norm > 0, norm, 1.0))


def _match(kernels: np.ndarray, kinds: tuple[str, ...], angles: np.ndarray) -> tuple[np.ndarray, ...]:
    """Score, angle, polarity and kind of the best template of each kernel ``(..., kh, kw)``,
    and the correlations with every template ``(..., len(kinds), len(angles))``."""
    kh, kw = kernels.shape[-2:]
    templates = np.stack(
        [edge_template((kh, kw), float(a), k).double().numpy() for k in kinds for a in angles]
    )
    t = _zscore_rows(templates.reshape(len(kinds) * len(angles), kh * kw))
    x = _zscore_rows(kernels.reshape(*kernels.shape[:-2], kh * kw))
    signed = np.clip(x @ t.T, -1.0, 1.0)
    best = np.abs(signed).argmax(axis=-1)  # the first maximum: first kind, then smallest angle
    best_signed = np.take_along_axis(signed, best[..., None], -1)[..., 0]
    score = np.abs(best_signed)
    kind_idx, angle_idx = np.divmod(best, len(angles))
    constant = score == 0  # a constant kernel correlates with nothing
    angle = np.where(constant, np.nan, angles[angle_idx])
    polarity = np.where(constant, 0, np.sign(best_signed)).astype(np.int64)
    kind = np.where(constant, "", np.asarray(kinds, dtype=object)[kind_idx]).astype(str)
    return score, angle, polarity, kind, signed.reshape(*kernels.shape[:-2], len(kinds), len(angles))


def _degrees_apart(angles: np.ndarray, angle: float) -> np.ndarray:
    """How far each of ``angles`` is from ``angle``, in degrees, modulo 180 (NaN stays NaN)."""
    return np.abs((angles - angle + 90.0) % 180.0 - 90.0)


@dataclass(frozen=True, eq=False)
class EdgeMatch:
    """How much each kernel looks like an edge detector (see :func:`edge_match`).

    The arrays have one entry per kernel: shape ``(K,)`` for a layer with one
    input channel (``conv1``), ``(out, in)`` for a layer with several, ``()``
    for a single kernel. ``print(match)`` shows them as a table.

    Parameters
    ----------
    score : numpy.ndarray
        The largest absolute correlation with a template, in ``[0, 1]``.
    angle : numpy.ndarray
        The orientation of that template in degrees, in ``[0, 180)``; NaN for
        a constant kernel.
    polarity : numpy.ndarray
        The sign of that correlation, ``+1`` or ``-1``; ``0`` for a constant
        kernel.
    kind : numpy.ndarray
        The kind of that template, ``"prewitt"`` or ``"sobel"``.
    correlation : numpy.ndarray
        The signed correlation with every template, of shape
        ``score.shape + (len(kinds), len(angles))``.
    kinds : tuple of str
        The template kinds compared.
    angles : numpy.ndarray
        The template orientations compared, in degrees.
    kernel_size : (int, int)
        Height and width of the kernels.
    layer : str or None
        The layer the kernels come from, when a model was given.
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

        Parameters
        ----------
        index : int or tuple of int
            The kernel: ``k`` for a layer with one input channel, ``(out,
            in)`` for one with several, ``()`` for a single kernel.

        Returns
        -------
        torch.Tensor
            A kernel-sized template that correlates with the kernel at
            ``+score`` (all zeros for a constant kernel).
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
        ok = _degrees_apart(self.angle, angle) <= tolerance  # False for NaN angles
        if not ok.any():
            return None
        flat = int(np.argmax(np.where(ok, self.score, -1.0)))
        if self.score.ndim == 1:
            return flat
        return tuple(int(i) for i in np.unravel_index(flat, self.score.shape))

    def way(self, *, tolerance: float = 22.5) -> np.ndarray:
        """Return how each kernel's edge lies, in words: vertical, horizontal or diagonal.

        Parameters
        ----------
        tolerance : float
            Largest difference, in degrees, between a kernel's angle and 0
            (a vertical edge) or 90 (a horizontal one) for it to count as such.

        Returns
        -------
        numpy.ndarray
            Strings shaped like ``angle``: ``"vertical"``, ``"horizontal"``,
            ``"diagonal"``, or ``""`` where the angle is NaN (a blank kernel).

        Examples
        --------
        >>> from cnnexplain.edges import PREWITT_X, PREWITT_Y
        >>> edge_match(torch.stack([PREWITT_X, PREWITT_Y])).way().tolist()
        ['vertical', 'horizontal']
        """
        tolerance = check_float("tolerance", tolerance, low=0, high=45)
        ways = np.full(self.angle.shape, "", dtype=object)
        ways[~np.isnan(self.angle)] = "diagonal"
        ways[_degrees_apart(self.angle, 0.0) <= tolerance] = "vertical"
        ways[_degrees_apart(self.angle, 90.0) <= tolerance] = "horizontal"
        return ways.astype(str)

    def table(self) -> str:
        """Return a text table, one kernel a row.

        Returns
        -------
        str
            Columns: kernel, score, angle, polarity, kind, edge (vertical,
            horizontal, ...) and the bright side of the edge it fires on.
        """
        header = f"{'kernel':>8}  {'score':>5}  {'angle':>5}  {'polarity':>8}  {'kind':<7}  {'edge':<16}  bright side"
        lines = [header, "-" * len(header)]
        for idx in np.ndindex(self.score.shape):
            name = ",".join(str(i) for i in idx) or "-"
            angle, pol = float(self.angle[idx]), int(self.polarity[idx])
            if pol == 0:
                lines.append(f"{name:>8}  {0.0:5.2f}  {'-':>5}  {'0':>8}  {'-':<7}  {'(constant)':<16}  -")
                continue
            eighth = round(angle / 45.0)  # the nearest multiple of 45 degrees
            edge, side = _EDGES[eighth % 4], _SIDES[(eighth if pol > 0 else eighth + 4) % 8]
            lines.append(
                f"{name:>8}  {self.score[idx]:5.2f}  {angle:5.0f}  {pol:+8d}  {self.kind[idx]:<7}  "
                f"{edge:<16}  {side}"
            )
        return "\n".join(lines)

    __str__ = table


def edge_match(
    weights: Any,
    layer: str = "conv1",
    *,
    kinds: Sequence[str] = EDGE_KINDS,
    angles: Sequence[float] = DEFAULT_ANGLES,
) -> EdgeMatch:
    """Compare each kernel with Prewitt and Sobel edge templates at many orientations.

    Each kernel is compared with every template -- each kind in ``kinds`` at
    each angle in ``angles``, at the kernel's size -- by zero-mean normalized
    correlation (Pearson's r over the kernel's pixels). Its match is the
    template of largest absolute correlation: ``score`` is that absolute
    value (1 means the kernel is the template up to scale and offset) and
    ``polarity`` its sign; see :mod:`cnnexplain.analysis` for the angle and
    polarity conventions. Ties go to the first kind, then the smallest angle.

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
        direction is the negated template, which the polarity covers).

    Returns
    -------
    EdgeMatch
        ``print(match)`` shows a table; ``match.score[k]`` is kernel ``k``'s
        score.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain.edges import PREWITT_X
    >>> kernels = torch.stack([PREWITT_X, -PREWITT_X, PREWITT_X.T])
    >>> match = edge_match(kernels)
    >>> match.score.round(3).tolist()
    [1.0, 1.0, 1.0]
    >>> match.angle.tolist(), match.polarity.tolist()
    ([0.0, 0.0, 90.0], [1, -1, 1])
    """
    kinds, angle_grid = _check_kinds_angles(kinds, angles)
    w, layer_name = layer_weights(weights, layer)
    if w.ndim not in (2, 3, 4):
        raise ValueError(
            f"weights must have shape (kh, kw), (K, kh, kw) or (out, in, kh, kw), got shape {tuple(w.shape)}"
        )
    if w.ndim == 4 and w.shape[1] == 1:
        w = w[:, 0]  # one input channel (conv1): one 2-D kernel per output channel
    if w.shape[-1] < 2 and w.shape[-2] < 2:
        raise ValueError(f"weights must hold kernels of at least 2 pixels, got shape {tuple(w.shape)}")
    size = tuple(w.shape[-2:])
    return EdgeMatch(*_match(w, kinds, angle_grid), kinds, angle_grid, size, layer_name)


@dataclass(frozen=True, eq=False)
class EdgeMatchHistory:
    """The edge match of every snapshot of a training run (see :func:`edge_match_history`).

    ``len(result)`` is the number of snapshots ``S``.

    Parameters
    ----------
    score, angle, polarity, kind, correlation : numpy.ndarray
        As in :class:`EdgeMatch`, with a leading snapshot axis: ``score`` has
        shape ``(S, K)`` for ``conv1``.
    epochs : numpy.ndarray
        Float training progress of each snapshot, in epochs (``0`` = init).
    steps : numpy.ndarray
        Int ``(S, 2)``: the ``(epoch, batch)`` of each snapshot.
    kinds, angles, kernel_size, layer : tuple of str, numpy.ndarray, (int, int), str
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
        return int(self.score.shape[0])

    @property
    def n_kernels(self) -> int:
        """Number of kernels per snapshot (first kernel axis)."""
        return int(self.score.shape[1]) if self.score.ndim > 1 else 1

    def at(self, snapshot: int) -> EdgeMatch:
        """Return the edge match of one snapshot.

        Parameters
        ----------
        snapshot : int
            Position of the snapshot in the history; ``-1`` is the last.

        Returns
        -------
        EdgeMatch
            The match of the kernels of that snapshot.
        """
        i = check_int("snapshot", snapshot, low=-len(self), high=len(self) - 1)
        per_kernel = (self.score, self.angle, self.polarity, self.kind, self.correlation)
        return EdgeMatch(*(a[i] for a in per_kernel), self.kinds, self.angles, self.kernel_size, self.layer)

    def first_epoch_above(self, threshold: float) -> np.ndarray:
        """Return, per kernel, the first epoch from which the score stays at or above ``threshold``.

        Parameters
        ----------
        threshold : float
            Score in ``[0, 1]``.

        Returns
        -------
        numpy.ndarray
            Float epochs, one per kernel; NaN for a kernel whose final score
            is below ``threshold``.
        """
        above = self.score >= check_float("threshold", threshold, low=0, high=1)
        # stays above from snapshot i on: all of above[i:] true
        stays = np.flip(np.logical_and.accumulate(np.flip(above, 0), axis=0), 0)
        return np.where(stays[-1], self.epochs[np.argmax(stays, axis=0)], np.nan)


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
    kinds : sequence of str
        Template kinds, as in :func:`edge_match`.
    angles : sequence of float
        Template orientations in degrees, as in :func:`edge_match`.

    Returns
    -------
    EdgeMatchHistory
        ``score``, ``angle``, ``polarity`` and ``kind`` of shape
        ``(snapshots, kernels)``, and the ``epochs`` of the snapshots:
        ``plt.plot(result.epochs, result.score)`` draws how each kernel's
        match grows during training.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

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
        n for n in history.layer_names() if n + ".weight" in history and history[n + ".weight"].ndim == 5
    ]
    if not isinstance(layer, str):
        raise TypeError(
            f"layer must be the name of one of the history's convolution layers {convs}, got {describe(layer)}"
        )
    if layer not in convs:
        raise ValueError(f"layer must be one of the history's convolution layers {convs}, got {layer!r}")
    w = history[f"{layer}.weight"].astype(np.float64)  # (snapshots, out, in, kh, kw)
    if w.shape[2] == 1:
        w = w[:, :, 0]
    epochs, steps = history.epochs.astype(np.float64), np.array(history.steps)
    size = tuple(w.shape[-2:])
    return EdgeMatchHistory(*_match(w, kinds, angle_grid), epochs, steps, kinds, angle_grid, size, layer)
