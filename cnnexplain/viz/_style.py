"""Shared figure conventions of :mod:`cnnexplain.viz`.

* Signed values (kernels, gradients, pre-activation maps) use the diverging
  map :data:`SIGNED_CMAP`, centred on zero with symmetric limits
  ``[-vmax, vmax]`` that stay fixed across the panels being compared and
  across the frames of an animation.
* Non-negative values (images, post-ReLU and pooled maps) use the sequential
  map :data:`UNSIGNED_CMAP` from zero.
"""

from __future__ import annotations

from typing import Any

import matplotlib as mpl
import numpy as np
import torch
from matplotlib.colors import Normalize

__all__ = ["SIGNED_CMAP", "UNSIGNED_CMAP", "signed_limit", "signed_norm", "to_numpy", "unsigned_norm"]

#: Colour map of signed values (negative blue, zero white, positive red).
SIGNED_CMAP = "RdBu_r"
#: Colour map of non-negative values (zero black).
UNSIGNED_CMAP = "gray"


def to_numpy(value: Any) -> np.ndarray:
    """Return ``value`` (tensor or array-like) as a float numpy array."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=float)


def signed_limit(*arrays: Any) -> float:
    """Return ``vmax``: the largest absolute value over all ``arrays``.

    Never zero, so that an all-zero array still gets a valid colour scale.
    """
    vmax = max((float(np.nanmax(np.abs(to_numpy(a)))) if np.size(to_numpy(a)) else 0.0) for a in arrays)
    return vmax if vmax > 0 and np.isfinite(vmax) else 1.0


def signed_norm(*arrays: Any, vmax: float | None = None) -> Normalize:
    """A :class:`~matplotlib.colors.Normalize` from ``-vmax`` to ``vmax``."""
    v = signed_limit(*arrays) if vmax is None else float(vmax)
    return Normalize(vmin=-v, vmax=v)


def unsigned_norm(*arrays: Any, vmax: float | None = None) -> Normalize:
    """A :class:`~matplotlib.colors.Normalize` from 0 to the largest value."""
    if vmax is None:
        vmax = max((float(np.nanmax(to_numpy(a))) if np.size(to_numpy(a)) else 0.0) for a in arrays)
    v = float(vmax) if vmax and np.isfinite(vmax) and vmax > 0 else 1.0
    return Normalize(vmin=0.0, vmax=v)


def style() -> dict[str, Any]:
    """rcParams applied by every figure function (small, clean, readable)."""
    return {
        "figure.dpi": 100,
        "savefig.dpi": 100,
        "font.size": 9,
        "axes.titlesize": 9,
        "axes.labelsize": 9,
        "xtick.labelsize": 8,
        "ytick.labelsize": 8,
        "legend.fontsize": 8,
        "image.interpolation": "nearest",
        "svg.hashsalt": "cnnexplain",
    }


def rc():
    """Context manager applying :func:`style`."""
    return mpl.rc_context(style())
