"""Every kernel's roles by every measure of the site, in one table: :func:`cast`.

The pages of the site ask of a first-layer kernel several questions, each
with its own measure: is it an edge detector (:func:`is_edge_detector`, on
the trained kernel and on what training added; and the older score test of
:func:`edge_match` against :func:`edge_score_null`), which way does its edge
lie, which class does it prefer (:func:`selectivity`), and what does the
network lose without it (:func:`ablation`)? :func:`cast` answers them all for
one trained run, and picks, for each class, *the* kernel the story names for
it, by one rule (:meth:`Cast.pick`), so that every page names the same one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import check_choice, describe
from .class_selectivity import CLEAR_PREFERENCE, selectivity
from .edge_detector import is_edge_detector
from .edge_matching import edge_match
from .edge_null import edge_score_null
from .kernel_health import ablation

__all__ = ["Cast", "cast"]

#: What :attr:`Cast.prefers` says of a kernel whose index is within the cut.
NONE_CLEAR = "none clear"


@dataclass(frozen=True, eq=False)
class Cast:
    """The roles of each kernel of a layer (see :func:`cast`); ``print(cast)`` shows the table.

    Every array has one entry per kernel, in kernel order.

    Parameters
    ----------
    layer : str
        The convolution layer whose kernels are cast.
    pair : (str, str)
        The two classes the selectivity index compares (``index > 0``: the first).
    edge, edge_change : numpy.ndarray
        :func:`is_edge_detector` of the trained kernel, and of its change
        (trained minus initial).
    score_edge : numpy.ndarray
        The older score test, on the trained kernel: an :func:`edge_match`
        score above the upper end of :func:`edge_score_null`'s threshold
        interval for as many kernels as the layer has. Not applied to the
        change: its null is one of random kernels, and a change is a smooth
        sum of image patches, not a random kernel.
    angle : numpy.ndarray
        The orientation of the trained kernel's best edge template, in
        degrees (0: a vertical edge, 90: a horizontal one).
    way : numpy.ndarray
        How that edge lies, in words: ``"vertical"``, ``"horizontal"`` or
        ``"diagonal"`` (:meth:`EdgeMatch.way`).
    index : numpy.ndarray
        The selectivity index of the trained kernel, on the training images.
    prefers : numpy.ndarray
        The class it clearly prefers (an index beyond
        :data:`CLEAR_PREFERENCE`), or ``"none clear"``.
    drop : numpy.ndarray
        The test accuracy lost when the kernel alone is zeroed, as a fraction.
    baseline_accuracy : float
        The test accuracy of the intact network.
    picks : dict
        For each class of ``pair``, the kernel the story names for it (see
        :meth:`pick`).
    picked_for_edge : dict
        For each class, whether its pick passed an edge test (else it was
        picked by its preference alone).
    """

    layer: str
    pair: tuple[str, str]
    edge: np.ndarray
    edge_change: np.ndarray
    score_edge: np.ndarray
    angle: np.ndarray
    way: np.ndarray
    index: np.ndarray
    prefers: np.ndarray
    drop: np.ndarray
    baseline_accuracy: float
    picks: dict[str, int]
    picked_for_edge: dict[str, bool]

    def __len__(self) -> int:
        return int(self.index.shape[0])

    @property
    def edge_any(self) -> np.ndarray:
        """Whether the trained kernel or its change passes :func:`is_edge_detector`."""
        return self.edge | self.edge_change

    def pick(self, name: str) -> int:
        """Return the kernel the story names for class ``name``: one rule for every page.

        Among the kernels that pass the edge test (:func:`is_edge_detector`,
        on the trained kernel or on its change) and clearly prefer class
        ``name`` (an index beyond :data:`CLEAR_PREFERENCE`, towards ``name``),
        the one that prefers it most. When no kernel is both, the kernel that
        prefers ``name`` most, whatever its shape (``picked_for_edge``
        says which). The two classes never get the same kernel.

        Parameters
        ----------
        name : str
            ``pair[0]`` or ``pair[1]``.

        Returns
        -------
        int
            The kernel's number.
        """
        return self.picks[check_choice("name", name, self.pair)]

    def why(self, name: str) -> str:
        """Return, in words, why :meth:`pick` chose its kernel for class ``name``.

        Parameters
        ----------
        name : str
            ``pair[0]`` or ``pair[1]``.

        Returns
        -------
        str
            A clause such as "it, or what training added to it, passes the
            edge test, and it prefers horizontal lines most of those that do".
        """
        name = check_choice("name", name, self.pair)
        if self.picked_for_edge[name]:
            return (
                f"it, or what training added to it, passes the edge test, and it prefers {name} "
                "lines most of those that do"
            )
        return f"it prefers {name} lines most; none that passes the edge test clearly does"

    def table(self) -> str:
        """Return the cast as a text table, one kernel a row.

        Returns
        -------
        str
            Columns: kernel; edge detector (:func:`is_edge_detector`) of the
            trained kernel and of its change; the way its nearest edge
            template lies; its index and the class it clearly prefers; the
            test accuracy lost without it, in points. Then the story's picks.
            The older score test, ``score_edge``, is kept as an attribute
            but not shown: the site decides edges with one test.
        """
        yes = {True: "yes", False: "-"}
        head1 = f"{'':>6}  {'edge detector':<13}  {'nearest':<10}  {'':>5}  {'':<10}  {'cost':>5}"
        head2 = (
            f"{'kernel':>6}  {'kernel':<6} {'change':<6}  {'edge':<10}  "
            f"{'index':>5}  {'prefers':<10}  {'(pts)':>5}"
        )
        lines = [head1, head2, "-" * len(head2)]
        for k in range(len(self)):
            lines.append(
                f"{k:>6}  {yes[bool(self.edge[k])]:<6} {yes[bool(self.edge_change[k])]:<6}  "
                f"{self.way[k] or '-':<10}  {self.index[k]:+5.2f}  {self.prefers[k]:<10}  "
                f"{100 * self.drop[k]:5.1f}"
            )
        for name, k in self.picks.items():
            lines.append(f"{name} kernel: {k}\n  {self.why(name)}")
        return "\n".join(lines)

    __str__ = table


def _picks(index: np.ndarray, edge: np.ndarray, pair: tuple[str, str]) -> tuple[dict, dict]:
    """The rule of :meth:`Cast.pick`, for both classes."""
    picks: dict[str, int] = {}
    for_edge: dict[str, bool] = {}
    for name, sign in zip(pair, (1.0, -1.0)):
        lean = sign * index  # the preference for this class
        free = np.ones(len(index), dtype=bool)
        free[list(picks.values())] = False  # a kernel is picked at most once
        candidates = free & edge & (lean > CLEAR_PREFERENCE)
        pool = candidates if candidates.any() else free
        picks[name] = int(np.argmax(np.where(pool, lean, -np.inf)))  # the first one on ties
        for_edge[name] = bool(candidates.any())
    return picks, for_edge


def cast(run: Any, layer: str = "conv1", *, activation: str = "relu1") -> Cast:
    """Give each kernel of a trained run its roles, by every measure the site uses.

    For each kernel of ``layer`` (a convolution with one input channel):
    whether it is an edge detector by :func:`is_edge_detector` after
    training, and whether what training added to it (trained minus initial)
    is; for the trained kernel, the same by the older score test (an
    :func:`edge_match` score above the threshold of :func:`edge_score_null`,
    tested as many at once as the layer has kernels); which way its best edge template lies; the class it
    prefers, by the :func:`selectivity` index of ``activation`` on the
    training images (clear beyond :data:`CLEAR_PREFERENCE`); and the test
    accuracy lost when it alone is zeroed (:func:`ablation`). Then, for each
    class, the kernel the story names for it (:meth:`Cast.pick`).

    Parameters
    ----------
    run : Experiment
        A trained run (:func:`~cnnexplain.experiment.experiment`): its
        ``history`` (the first and last snapshots), ``model``,
        ``train_set`` and ``test_set`` are used.
    layer : str
        A convolution layer with one input channel.
    activation : str
        The non-negative layer after it whose outputs the selectivity index
        compares (the ReLU).

    Returns
    -------
    Cast
        ``print(result)`` shows the table; ``result.pick("horizontal")`` is
        the story's horizontal kernel.

    Raises
    ------
    TypeError, ValueError
        If ``run`` is not a trained run, or ``layer`` has several input
        channels; the message says what is wrong.

    Examples
    --------
    >>> from cnnexplain.experiment import experiment
    >>> run = experiment(
    ...     data={"n_per_class": 20},
    ...     training={"epochs": 1},
    ...     cache_dir=False,
    ... )
    >>> roles = cast(run)
    >>> len(roles), roles.pair
    (8, ('horizontal', 'vertical'))
    >>> roles.pick("horizontal") != roles.pick("vertical")
    True
    """
    for attr in ("history", "model", "train_set", "test_set"):
        if not hasattr(run, attr):
            raise TypeError(f"run must be a trained run (an Experiment) with .{attr}, got {describe(run)}")
    try:
        weights = run.history[f"{layer}.weight"]
    except KeyError:
        raise ValueError(f"layer must be a layer of the run with weights, got {layer!r}") from None
    if weights.ndim != 5 or weights.shape[2] != 1:
        raise ValueError(
            f"layer must be a convolution with one input channel, got weights of shape {tuple(weights.shape[1:])}"
        )
    first, last = weights[0, :, 0], weights[-1, :, 0]
    change = last - first
    match = edge_match(last)
    null = edge_score_null(tuple(last.shape[-2:]), tested=len(last))
    model = run.model
    preference = selectivity(model, run.train_set, activation)
    index = preference.index
    prefers = np.where(
        index > CLEAR_PREFERENCE,
        preference.pair[0],
        np.where(index < -CLEAR_PREFERENCE, preference.pair[1], NONE_CLEAR),
    )
    lost = ablation(model, run.test_set, layer)
    edge, edge_change = is_edge_detector(last), is_edge_detector(change)
    picks, for_edge = _picks(index, edge | edge_change, preference.pair)
    return Cast(
        layer=layer,
        pair=preference.pair,
        edge=edge,
        edge_change=edge_change,
        score_edge=null.is_edge(match.score),
        angle=match.angle,
        way=match.way(),
        index=index,
        prefers=prefers.astype(str),
        drop=lost.drop,
        baseline_accuracy=float(lost.baseline_accuracy),
        picks=picks,
        picked_for_edge=for_edge,
    )
