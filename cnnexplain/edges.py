"""Hand-made edge operators, and the cross-correlation that applies them.

A note on signs. What deep-learning libraries call convolution, including
:func:`torch.nn.functional.conv2d`, is *cross-correlation*: the kernel slides
over the image without being flipped, and each output pixel is the sum of the
kernel times the image patch under it. The constants below are written for
that convention, so that a positive response means "brighter on the side of
the kernel's positive weights":

* :data:`PREWITT_X` and :data:`SOBEL_X` have their positive column on the
  right. Applied with :func:`convolve` (or ``conv2d``), they answer
  ``right - left``: positive on the left edge of a bright vertical line (dark
  to bright, going right), negative on its right edge. They find *vertical*
  edges; the article calls this kernel Gx.
* :data:`PREWITT_Y` and :data:`SOBEL_Y` have their positive row at the
  bottom and answer ``below - above`` (rows grow downwards, as in an image):
  positive on the top edge of a bright horizontal line. They find
  *horizontal* edges; the article's Gy.

A textbook *convolution* flips the kernel by 180 degrees first, which flips the
sign of every response of these antisymmetric kernels. A learned first-layer
kernel is also applied by cross-correlation, so it can be compared with these
constants directly, weight for weight.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ._checks import check_choice, check_int, describe

__all__ = ["PREWITT_X", "PREWITT_Y", "SOBEL_X", "SOBEL_Y", "convolve"]

#: Prewitt kernel for vertical edges (Gx): ``right - left`` under cross-correlation.
PREWITT_X = torch.tensor([[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]])
#: Prewitt kernel for horizontal edges (Gy): ``below - above`` under cross-correlation.
PREWITT_Y = PREWITT_X.T.contiguous()
#: Sobel kernel for vertical edges: like :data:`PREWITT_X` with the centre row weighted 2.
SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
#: Sobel kernel for horizontal edges: like :data:`PREWITT_Y` with the centre column weighted 2.
SOBEL_Y = SOBEL_X.T.contiguous()

for _k in (PREWITT_X, PREWITT_Y, SOBEL_X, SOBEL_Y):
    _k.requires_grad_(False)


def _as_tensor(name: str, value: Any) -> torch.Tensor:
    if isinstance(value, np.ndarray):
        if value.dtype == object:
            raise TypeError(f"{name} must be a numeric array, got {describe(value)}")
        value = torch.from_numpy(np.ascontiguousarray(value))
    if not isinstance(value, torch.Tensor):
        raise TypeError(f"{name} must be a torch.Tensor or numpy array, got {describe(value)}")
    if value.is_complex() or value.dtype == torch.bool:
        raise TypeError(f"{name} must hold real numbers, got {describe(value)}")
    return value.to(torch.float32)


def convolve(images: Any, kernel: Any, *, padding: str | int = "valid") -> torch.Tensor:
    """Apply ``kernel`` to ``images`` by cross-correlation, as a CNN layer does.

    This is :func:`torch.nn.functional.conv2d` without a bias: the kernel is
    not flipped (see the module notes on signs).

    Parameters
    ----------
    images : torch.Tensor or numpy.ndarray
        One image of shape ``(H, W)`` or a batch of shape ``(N, 1, H, W)``.
    kernel : torch.Tensor or numpy.ndarray
        A 2-D kernel of shape ``(kh, kw)``, for instance :data:`PREWITT_X`.
    padding : {"valid", "same"} or int
        ``"valid"`` (no padding; output ``(H - kh + 1, W - kw + 1)``),
        ``"same"`` (zero padding, output the size of the input) or a number
        of zero pixels added on every side.

    Returns
    -------
    torch.Tensor
        Float32 responses, of shape ``(H', W')`` for one image or
        ``(N, 1, H', W')`` for a batch.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain.edges import PREWITT_X, convolve
    >>> image = torch.zeros(5, 5)
    >>> image[:, 3:] = 1.0                         # bright on the right
    >>> convolve(image, PREWITT_X)[1].tolist()     # right - left > 0 at the edge
    [0.0, 3.0, 3.0]
    """
    x = _as_tensor("images", images)
    k = _as_tensor("kernel", kernel)
    if k.ndim != 2 or k.shape[0] < 1 or k.shape[1] < 1:
        raise ValueError(f"kernel must be a 2-D array of shape (kh, kw), got shape {tuple(k.shape)}")
    single = x.ndim == 2
    if single:
        x = x[None, None]
    elif x.ndim != 4 or x.shape[1] != 1:
        raise ValueError(f"images must have shape (H, W) or (N, 1, H, W), got shape {tuple(x.shape)}")
    if not torch.isfinite(x).all():
        raise ValueError("images must not contain NaN or infinite values")
    if isinstance(padding, str):
        check_choice("padding", padding, ("valid", "same"))
        pad = padding
    else:
        pad = check_int("padding", padding, low=0, high=max(k.shape))
    if pad == "valid" and (x.shape[-2] < k.shape[0] or x.shape[-1] < k.shape[1]):
        raise ValueError(
            f"images ({x.shape[-2]}x{x.shape[-1]}) must be at least as large as kernel "
            f"({k.shape[0]}x{k.shape[1]}) with padding='valid'"
        )
    out = F.conv2d(x, k[None, None], padding=pad)
    return out[0, 0] if single else out
