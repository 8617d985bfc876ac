"""How far training moved each kernel, and twins compared at one size of change.

A kernel trained from a random start is its start plus a change. To the
edge test, :func:`~cnnexplain.analysis.is_edge_detector`, the start is noise
over whatever pattern the change holds, so the longer the change against the
start, the more often a learned edge is seen. :func:`change_size` measures
that length, ``norm(final - initial) / norm(initial)``: if the whole change
were an edge, the trained kernel would be that edge under noise at this
signal-to-noise ratio, the ratio of the noisy families of
:func:`~cnnexplain.analysis.edge_families`. Two arms that move their
kernels by different amounts -- true and shuffled labels, Adam and SGD --
are then not judged at the same noise. :func:`match_change_size` removes
that difference: it rescales each kernel's change to the length of its
twin's change, keeping its shape, so that the edge test compares the shapes
of the two changes at one signal-to-noise ratio.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_real_array

__all__ = ["change_size", "match_change_size"]


def _kernels(
    names: tuple[str, ...], values: tuple[Any, ...]
) -> tuple[tuple[np.ndarray, ...], tuple[int, ...]]:
    """Check kernels ``(..., h, w)`` of one size whose leading axes broadcast; return them and that shape."""
    arrays = tuple(check_real_array(name, value) for name, value in zip(names, values))
    for name, array in zip(names, arrays):
        if array.ndim < 2 or array.size == 0:
            raise ValueError(
                f"{name} must have shape (..., h, w) with at least one weight, got {array.shape}"
            )
    sizes = {array.shape[-2:] for array in arrays}
    listed = " and ".join(f"{name} {array.shape}" for name, array in zip(names, arrays))
    if len(sizes) > 1:
        raise ValueError(f"{', '.join(names)} must hold kernels of the same size (h, w), got {listed}")
    try:
        lead = np.broadcast_shapes(*(array.shape[:-2] for array in arrays))
    except ValueError:
        raise ValueError(
            f"{', '.join(names)} must have leading axes that broadcast together, got {listed}"
        ) from None
    return arrays, lead


def _norms(kernels: np.ndarray, lead: tuple[int, ...]) -> np.ndarray:
    """The Euclidean length of each kernel over its ``h * w`` weights, broadcast to ``lead``."""
    flat = kernels.reshape(*kernels.shape[:-2], -1)
    return np.broadcast_to(np.linalg.norm(flat, axis=-1), lead)


def change_size(initial: Any, final: Any) -> np.ndarray:
    """Return the length of each kernel's change over the length of its start: ``|final - initial| / |initial|``.

    The lengths are Euclidean, over a kernel's weights. For a kernel trained
    from a random start, this is the signal-to-noise ratio at which the
    change sits in the trained kernel, were the whole change signal: below 1
    the start is the larger part.

    Parameters
    ----------
    initial, final : numpy.ndarray or torch.Tensor
        Kernels of shape ``(..., h, w)``, the same ``h x w``, with leading
        axes that broadcast against each other: ``initial[i]`` is the start
        of ``final[i]``. A seed study's ``initial_weight`` and
        ``final_weight`` are such a pair.

    Returns
    -------
    numpy.ndarray
        Float64 of the broadcast leading shape (0-d for one kernel), 0 or
        more: 0 for a kernel that did not move.

    Raises
    ------
    TypeError
        If ``initial`` or ``final`` is not an array or tensor of real numbers.
    ValueError
        If they are not ``(..., h, w)``, their kernels differ in size, their
        leading axes do not broadcast, they hold NaN or infinite values, or
        a kernel of ``initial`` is all zeros (it has no length to compare
        with).

    See Also
    --------
    match_change_size : Rescale each change to the length of its twin's.
    edge_validation : How often the edge test passes edges at each signal-to-noise ratio.

    Examples
    --------
    >>> import numpy as np
    >>> start = np.zeros((2, 3, 3))
    >>> start[:, 0, 0] = 2.0  # each start has length 2
    >>> end = start.copy()
    >>> end[0, 1, 1] = 1.0  # kernel 0 moves by 1, kernel 1 by 4
    >>> end[1, 2, 2] = 4.0
    >>> change_size(start, end).tolist()
    [0.5, 2.0]
    """
    (initial, final), lead = _kernels(("initial", "final"), (initial, final))
    start = _norms(initial, lead)
    if not (start > 0).all():
        raise ValueError(
            f"initial must have no all-zero kernel (its change has no length to be compared with), "
            f"got {int((start == 0).sum())} of them"
        )
    return _norms(final - initial, lead) / start


def match_change_size(initial: Any, final: Any, reference: Any) -> np.ndarray:
    """Return ``initial`` plus the change ``final - initial`` rescaled to the length of ``reference - initial``.

    Each kernel keeps the shape of its own change, and takes the length of
    its twin's change: ``initial + (final - initial) * |reference - initial|
    / |final - initial|``. Applied to the kernels of two arms trained from
    the same start, it asks what one arm's change would look like to a test
    of the trained kernel, had it moved as far as the other's: a comparison
    of the two changes' shapes at one signal-to-noise ratio
    (:func:`change_size`). The change is stretched or shrunk along a straight
    line; the kernels of a longer training need not lie on it.

    Parameters
    ----------
    initial, final, reference : numpy.ndarray or torch.Tensor
        Kernels of shape ``(..., h, w)``, the same ``h x w``, with leading
        axes that broadcast together: ``final[i]`` and ``reference[i]`` both
        started from ``initial[i]``.

    Returns
    -------
    numpy.ndarray
        Float64 kernels of the broadcast shape ``(..., h, w)``: ``initial``
        where ``reference`` did not move.

    Raises
    ------
    TypeError
        If an argument is not an array or tensor of real numbers.
    ValueError
        If they are not ``(..., h, w)``, their kernels differ in size, their
        leading axes do not broadcast, they hold NaN or infinite values, or
        a kernel of ``final`` did not move where its ``reference`` did (a
        change of no length has no shape to rescale).

    See Also
    --------
    change_size : The length of each change, relative to its start.
    is_edge_detector : The edge test to apply to the rescaled kernels.

    Examples
    --------
    >>> import numpy as np
    >>> start = np.ones((3, 3))
    >>> small = start.copy()
    >>> small[0, 0] += 0.5  # a change of length 0.5
    >>> big = start.copy()
    >>> big[2, 2] += 3.0  # the twin's change: length 3
    >>> matched = match_change_size(start, small, big)
    >>> float(matched[0, 0]), float(np.linalg.norm(matched - start))
    (4.0, 3.0)
    """
    (initial, final, reference), lead = _kernels(
        ("initial", "final", "reference"), (initial, final, reference)
    )
    change = final - initial
    have, want = _norms(change, lead), _norms(reference - initial, lead)
    stuck = (have == 0) & (want > 0)
    if stuck.any():
        raise ValueError(
            f"final must move away from initial wherever reference does (a change of no length "
            f"has no shape to rescale), got {int(stuck.sum())} kernels that did not"
        )
    scale = np.divide(want, have, out=np.zeros(lead), where=have > 0)
    shape = (*lead, *initial.shape[-2:])
    return np.broadcast_to(initial, shape) + np.broadcast_to(change, shape) * scale[..., None, None]
