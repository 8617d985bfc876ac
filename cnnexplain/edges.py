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

from ._checks import check_choice, check_int, check_real_array, describe

__all__ = ["PREWITT_X", "PREWITT_Y", "SOBEL_X", "SOBEL_Y", "convolve", "edge_template"]

#: Prewitt kernel for vertical edges (Gx): ``right - left`` under cross-correlation.
PREWITT_X = torch.tensor([[-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0], [-1.0, 0.0, 1.0]])
#: Prewitt kernel for horizontal edges (Gy): ``below - above`` under cross-correlation.
PREWITT_Y = PREWITT_X.T.contiguous()
#: Sobel kernel for vertical edges: like :data:`PREWITT_X` with the centre row weighted 2.
SOBEL_X = torch.tensor([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
#: Sobel kernel for horizontal edges: like :data:`PREWITT_Y` with the centre column weighted 2.
SOBEL_Y = SOBEL_X.T.contiguous()


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
        ``"same"`` (zero padding, output the size of the input; a kernel of
        even size gets ``(kh - 1) // 2`` rows above and the rest below, and
        likewise for the columns) or a number of zero pixels added on every
        side.

    Returns
    -------
    torch.Tensor
        Float32 responses, of shape ``(H', W')`` for one image or
        ``(N, 1, H', W')`` for a batch.

    Raises
    ------
    TypeError, ValueError
        If ``images`` or ``kernel`` is not a finite real array of the right
        shape, ``padding`` is unknown, or the images are smaller than the
        kernel with ``padding="valid"``.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain.edges import PREWITT_X, convolve
    >>> image = torch.zeros(5, 5)
    >>> image[:, 3:] = 1.0                         # bright on the right
    >>> convolve(image, PREWITT_X)[1].tolist()     # right - left > 0 at the edge
    [0.0, 3.0, 3.0]
    """
    x = torch.from_numpy(check_real_array("images", images)).to(torch.float32)
    k = torch.from_numpy(check_real_array("kernel", kernel)).to(torch.float32)
    if k.ndim != 2 or k.shape[0] < 1 or k.shape[1] < 1:
        raise ValueError(f"kernel must be a 2-D array of shape (kh, kw), got shape {tuple(k.shape)}")
    single = x.ndim == 2
    if single:
        x = x[None, None]
    elif x.ndim != 4 or x.shape[1] != 1:
        raise ValueError(f"images must have shape (H, W) or (N, 1, H, W), got shape {tuple(x.shape)}")
    (h, w), (kh, kw) = x.shape[-2:], k.shape
    if isinstance(padding, str):
        check_choice("padding", padding, ("valid", "same"))
    else:
        padding = check_int("padding", padding, low=0, high=max(kh, kw))
    if padding == "same":  # (k - 1) // 2 zeros before (above, on the left), the rest after
        rows, cols = ((kh - 1) // 2, kh // 2), ((kw - 1) // 2, kw // 2)
    else:
        rows = cols = (0, 0) if padding == "valid" else (padding, padding)
    if h + sum(rows) < kh or w + sum(cols) < kw:
        raise ValueError(
            f"images ({h}x{w}) must be at least as large as kernel ({kh}x{kw}) with padding={padding!r}"
        )
    out = F.conv2d(F.pad(x, (*cols, *rows)), k[None, None])
    return out[0, 0] if single else out


def edge_template(size: int | tuple[int, int], angle: float, kind: str = "prewitt") -> torch.Tensor:
    """Return a Prewitt- or Sobel-like edge kernel of any size and orientation.

    The template measures the brightness gradient along the direction
    ``(cos(angle), sin(angle))`` in image coordinates -- ``x`` to the right,
    ``y`` *down* the rows, as in :data:`PREWITT_X` and :data:`PREWITT_Y` --
    so an angle grows clockwise on screen. Its positive weights lie on the
    side the direction points to:

    * ``angle = 0``: positive on the right, ``right - left``; finds
      vertical edges. For ``size = 3`` this is exactly :data:`PREWITT_X`
      (``kind="prewitt"``) or :data:`SOBEL_X` (``kind="sobel"``).
    * ``angle = 90``: positive at the bottom, ``below - above``; finds
      horizontal edges. For ``size = 3``, exactly :data:`PREWITT_Y` or
      :data:`SOBEL_Y`.
    * ``angle + 180`` gives the negated template.

    With pixel centres at offsets ``(x, y)`` from the kernel's centre, let
    ``p = x cos(angle) + y sin(angle)`` be the signed distance to the edge
    line through the centre and ``q = -x sin(angle) + y cos(angle)`` the
    position along it. The weight is ``step(p) * along(q)``, where ``step``
    is the anti-aliased sign ``clip(2 p, -1, 1)`` (the share of the pixel on
    the positive side minus the share on the negative side, for a pixel of
    width 1 cut parallel to its sides) and ``along`` is ``1`` for Prewitt and
    the triangle ``max(r + 1 - |q|, 0)`` for Sobel, with
    ``r = (max(height, width) - 1) / 2``: Sobel's ``1, 2, 1`` weighting
    scaled to the kernel (``1, 2, 3, 4, 3, 2, 1`` for ``size = 7``).

    Parameters
    ----------
    size : int or (int, int)
        Side of the square kernel, or its ``(height, width)``, each in
        ``[1, 64]``.
    angle : float
        Direction of the measured gradient in degrees, clockwise on screen
        from "towards the right"; any finite value (taken modulo 360).
    kind : {"prewitt", "sobel"}
        Uniform (Prewitt) or centre-weighted (Sobel) weights along the edge.

    Returns
    -------
    torch.Tensor
        Float32 kernel of shape ``(height, width)``, antisymmetric about its
        centre (so its weights sum to zero), with largest weight ``+1`` for
        Prewitt. Apply it with :func:`convolve` (cross-correlation).

    Raises
    ------
    TypeError, ValueError
        If ``size`` is not a positive integer (pair), ``angle`` is not a
        finite number, or ``kind`` is unknown.

    Examples
    --------
    >>> from cnnexplain.edges import PREWITT_Y, SOBEL_X, edge_template
    >>> bool((edge_template(3, 90) == PREWITT_Y).all())
    True
    >>> bool((edge_template(3, 0, "sobel") == SOBEL_X).all())
    True
    >>> edge_template(5, 0)[0].tolist()
    [-1.0, -1.0, 0.0, 1.0, 1.0]
    """
    if isinstance(size, tuple):
        if len(size) != 2:
            raise ValueError(f"size must be an integer or a (height, width) pair, got {size!r}")
        height = check_int("size[0]", size[0], low=1, high=64)
        width = check_int("size[1]", size[1], low=1, high=64)
    else:
        height = width = check_int("size", size, low=1, high=64)
    if isinstance(angle, bool) or not isinstance(angle, (int, float, np.integer, np.floating)):
        raise TypeError(f"angle must be a real number of degrees, got {describe(angle)}")
    if not np.isfinite(angle):
        raise ValueError(f"angle must be a finite number of degrees, got {angle}")
    check_choice("kind", kind, ("prewitt", "sobel"))
    theta = np.deg2rad(float(angle) % 360.0)
    c, s = np.cos(theta), np.sin(theta)
    # Snap tiny rounding errors so that axis-aligned templates are exact.
    c, s = (0.0 if abs(c) < 1e-12 else c), (0.0 if abs(s) < 1e-12 else s)
    y, x = np.meshgrid(
        np.arange(height, dtype=np.float64) - (height - 1) / 2,
        np.arange(width, dtype=np.float64) - (width - 1) / 2,
        indexing="ij",
    )
    p = x * c + y * s
    q = -x * s + y * c
    step = np.clip(2.0 * p, -1.0, 1.0)
    if kind == "prewitt":
        along = np.ones_like(q)
    else:
        r = (max(height, width) - 1) / 2
        along = np.clip(r + 1.0 - np.abs(q), 0.0, None)
    template = step * along
    template[np.abs(template) < 1e-12] = 0.0
    return torch.from_numpy(template.astype(np.float32))
