"""Hand-made edge operators, and the cross-correlation that applies them.

A note on signs. What deep-learning libraries call convolution, including
:func:`torch.nn.functional.conv2d`, is *cross-correlation*: the kernel slides
over the image without being flipped, and each output pixel is the sum of the
kernel times the image patch under it. The constants below are written for
that convention, so that a positive response means "brighter on the side of
the kernel's positive weights":

* :data:`PREWITT_X` and :data:`SOBEL_X` (the article's Gx) answer
  ``right - left``: positive on the left edge of a bright vertical line,
  negative on its right edge. They find *vertical* edges.
* :data:`PREWITT_Y` and :data:`SOBEL_Y` (the article's Gy) answer
  ``below - above`` (rows grow downwards, as in an image): positive on the
  top edge of a bright horizontal line. They find *horizontal* edges.

A textbook *convolution* flips the kernel by 180 degrees first, which flips
the sign of every response of these antisymmetric kernels. A learned kernel
is applied by cross-correlation too, so it compares with these constants
weight for weight.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from ._checks import check_choice, check_float, check_int, check_real_array

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
        ``"valid"``: no padding, output ``(H - kh + 1, W - kw + 1)``;
        ``"same"``: zeros around, output ``(H, W)`` (``(kh - 1) // 2`` rows
        above, the rest below, and likewise for the columns); or a number of
        zero pixels added on every side.

    Returns
    -------
    torch.Tensor
        Float32 responses, of shape ``(H', W')`` for one image or
        ``(N, 1, H', W')`` for a batch.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid, or the images are smaller than the kernel
        with ``padding="valid"``; the message names the argument.

    Examples
    --------
    >>> import torch
    >>> from cnnexplain.edges import PREWITT_X, convolve
    >>> image = torch.zeros(5, 5)
    >>> image[:, 3:] = 1.0  # bright on the right
    >>> convolve(image, PREWITT_X)[1].tolist()  # right - left > 0
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
    # Padded here rather than by conv2d, whose "same" warns about kernels of even size.
    out = F.conv2d(F.pad(x, (*cols, *rows)), k[None, None])
    return out[0, 0] if single else out


def edge_template(size: int | tuple[int, int], angle: float, kind: str = "prewitt") -> torch.Tensor:
    """Return a Prewitt- or Sobel-like edge kernel of any size and orientation.

    The template measures the brightness gradient along the direction
    ``(cos(angle), sin(angle))`` in image coordinates (``x`` to the right,
    ``y`` *down* the rows), so angles grow clockwise on screen, and its
    positive weights lie on the side that direction points to. ``angle = 0``
    gives ``right - left`` (vertical edges; for ``size = 3`` exactly
    :data:`PREWITT_X` or :data:`SOBEL_X`), ``angle = 90`` gives
    ``below - above`` (horizontal edges; :data:`PREWITT_Y` or
    :data:`SOBEL_Y`) and ``angle + 180`` the negated template.

    With pixel centres at offsets ``(x, y)`` from the kernel's centre, let
    ``p = x cos(angle) + y sin(angle)`` be the signed distance to the edge
    line through the centre and ``q = -x sin(angle) + y cos(angle)`` the
    position along it. The weight is ``step(p) * along(q)``: ``step`` is the
    anti-aliased sign ``clip(2 p, -1, 1)`` (the share of the pixel on the
    positive side minus the share on the negative side) and ``along`` is
    ``1`` for Prewitt and ``max(r + 1 - |q|, 0)`` for Sobel, with ``r =
    (max(height, width) - 1) / 2``: Sobel's ``1, 2, 1`` scaled to the kernel
    (``1, 2, 3, 4, 3, 2, 1`` for ``size = 7``).

    Parameters
    ----------
    size : int or (int, int)
        Side of the square kernel, or its ``(height, width)``, in ``[1, 64]``.
    angle : float
        Direction of the measured gradient in degrees, clockwise on screen
        from "towards the right"; any finite value (taken modulo 360).
    kind : {"prewitt", "sobel"}
        Uniform (Prewitt) or centre-weighted (Sobel) weights along the edge.

    Returns
    -------
    torch.Tensor
        Float32 ``(height, width)`` kernel, antisymmetric about its centre (its
        weights sum to zero), largest weight ``+1`` for Prewitt.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

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
    height, width = _kernel_shape("size", size)
    theta = np.deg2rad(check_float("angle", angle) % 360.0)
    check_choice("kind", kind, ("prewitt", "sobel"))
    c, s = np.cos(theta), np.sin(theta)
    # Offsets of the pixel centres from the kernel's centre: y a column, x a row (they broadcast).
    y = np.arange(height, dtype=np.float64)[:, None] - (height - 1) / 2
    x = np.arange(width, dtype=np.float64)[None, :] - (width - 1) / 2
    p = x * c + y * s
    q = -x * s + y * c
    step = np.clip(2.0 * p, -1.0, 1.0)
    if kind == "prewitt":
        along = np.ones_like(q)
    else:
        r = (max(height, width) - 1) / 2
        along = np.clip(r + 1.0 - np.abs(q), 0.0, None)
    template = step * along
    # cos(90 degrees) is 6e-17, not 0: snap such rounding errors so that
    # axis-aligned templates are exact.
    template[np.abs(template) < 1e-12] = 0.0
    return torch.from_numpy(template.astype(np.float32))


def _kernel_shape(name: str, size: Any) -> tuple[int, int]:
    """Check a kernel size -- a side or a ``(height, width)`` pair, each in ``[1, 64]`` -- as a pair."""
    if not isinstance(size, tuple):
        side = check_int(name, size, low=1, high=64)
        return side, side
    if len(size) != 2:
        raise ValueError(f"{name} must be an integer or a (height, width) pair, got {size!r}")
    return check_int(f"{name}[0]", size[0], low=1, high=64), check_int(f"{name}[1]", size[1], low=1, high=64)
