"""How alike two sets of kernels are, kernel by kernel: :func:`kernel_correlation`.

Two changes of the same kernel -- made by two optimizers, or with true and
with shuffled labels, from the same start -- can be of the same size and
both be edge detectors, yet have different shapes. Their correlation over
the kernel's weights compares the shapes alone: it ignores the size of
each change and its mean.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._checks import check_real_array

__all__ = ["kernel_correlation"]


def kernel_correlation(a: Any, b: Any) -> np.ndarray:
    """Return the correlation (Pearson's r over the weights) of each kernel of ``a`` with its twin in ``b``.

    Parameters
    ----------
    a, b : numpy.ndarray or torch.Tensor
        Kernels of shape ``(..., h, w)``, the same ``h x w`` (at least two
        weights), and leading axes that broadcast against each other:
        ``a[i]`` is compared with ``b[i]``; ``a[:, :, None]`` and
        ``b[:, None, :]`` compare every kernel of ``a`` with every one of ``b``.

    Returns
    -------
    numpy.ndarray
        The broadcast leading shape (0-d for one kernel), in ``[-1, 1]``: 1 for the
        same shape up to size and offset, -1 for the shape with its sign
        flipped. NaN where a kernel of either is flat (all its weights equal):
        a flat kernel has no shape to compare.

    Raises
    ------
    TypeError
        If ``a`` or ``b`` is not an array or tensor of real numbers.
    ValueError
        If their kernels differ in size, their leading axes do not
        broadcast, they are not ``(..., h, w)`` with at least two weights,
        or they hold NaN or infinite values.

    Examples
    --------
    >>> import numpy as np
    >>> k = np.arange(9.0).reshape(3, 3)
    >>> r = kernel_correlation(np.stack([k, k]), np.stack([2 * k + 1, -k]))
    >>> r.round(6).tolist()
    [1.0, -1.0]
    """
    a, b = check_real_array("a", a), check_real_array("b", b)
    for name, array in (("a", a), ("b", b)):
        if array.ndim < 2 or array.shape[-1] * array.shape[-2] < 2:
            raise ValueError(
                f"{name} must have shape (..., h, w) with at least two weights, got {array.shape}"
            )
    if a.shape[-2:] != b.shape[-2:]:
        raise ValueError(f"a and b must hold kernels of the same size, got {a.shape} and {b.shape}")
    try:
        lead = np.broadcast_shapes(a.shape[:-2], b.shape[:-2])
    except ValueError:
        raise ValueError(
            f"a and b must have leading axes that broadcast together, got {a.shape} and {b.shape}"
        ) from None
    a = np.broadcast_to(a, (*lead, *a.shape[-2:]))
    b = np.broadcast_to(b, (*lead, *b.shape[-2:]))
    a = a.reshape(*a.shape[:-2], -1)
    b = b.reshape(*b.shape[:-2], -1)
    a = a - a.mean(axis=-1, keepdims=True)
    b = b - b.mean(axis=-1, keepdims=True)
    norms = np.linalg.norm(a, axis=-1) * np.linalg.norm(b, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.einsum("...i,...i->...", a, b) / norms
    return np.where(norms > 0, np.clip(r, -1.0, 1.0), np.nan)
