"""One definition of an edge detector: :func:`is_edge_detector`.

The edge-match score (``edge_matching``) says how much a kernel *resembles*
an edge template, and ``edge_null`` how much random kernels do. Resembling
is not being: a smooth pattern with no edge in it resembles a smooth
template too. :func:`is_edge_detector` decides whether a kernel *is* an edge
detector, from its shape alone, with thresholds validated on families of
kernels whose answer is known (``known_edges``).
"""

from __future__ import annotations

import functools
from typing import Any, NamedTuple

import numpy as np
import torch

from .._checks import describe
from .._fields import document_fields

__all__ = [
    "EDGE_SHARE",
    "EDGE_VERDICTS",
    "SMOOTH_RATIO",
    "EdgeFit",
    "EdgeParts",
    "edge_fit",
    "edge_parts",
    "edge_verdict",
    "is_edge_detector",
    "is_line_detector",
]

#: Condition 1 of :func:`is_edge_detector`: the best edge template explains at
#: least this share of the kernel's contrast energy (its squared correlation).
EDGE_SHARE = 1.0 / 3.0
#: Condition 2 of :func:`is_edge_detector`: the edge carries at least this many
#: times the energy of the smooth patterns left beside it.
SMOOTH_RATIO = 3.0

# Orientations of the templates: the direction across the edge, in degrees (as edge_match).
_ANGLES = np.arange(0.0, 180.0, 5.0)
# What kernels may hold, for the error message.
_REAL = "integers or floating-point numbers, not booleans or complex numbers"
# Kernels scored at once: bounds the (chunk, templates) correlation matrix to a few MB.
_CHUNK = 2048


def _profiles(radius: float) -> tuple[list, list]:
    """The across- and along-profiles of the templates, for a kernel of this radius.

    Widths are given for 7x7 kernels (radius 3) and scale with the radius.
    """
    u = radius / 3.0
    across = [lambda p: np.clip(2.0 * p, -1.0, 1.0), lambda p: p]  # Prewitt's step; a ramp
    across += [lambda p, w=w: np.tanh(p / w) for w in (0.5 * u, u, 2.0 * u)]  # smoothed steps
    across += [lambda p, s=s: p * np.exp(-(p**2) / (2 * s**2)) for s in (u, 1.5 * u, 2.0 * u)]  # DoG'
    along = [lambda q: np.ones_like(q), lambda q: np.clip(radius + 1.0 - np.abs(q), 0.0, None)]
    along += [lambda q, t=t: np.exp(-(q**2) / (2 * t**2)) for t in (u, 2.0 * u)]
    return across, along


def _offsets(k: int) -> tuple[np.ndarray, np.ndarray]:
    """Column (x, to the right) and row (y, down) offsets of the pixel centres from the centre."""
    c = np.arange(k, dtype=np.float64) - (k - 1) / 2
    return np.broadcast_to(c[None, :], (k, k)), np.broadcast_to(c[:, None], (k, k))


@functools.lru_cache(maxsize=8)
def _templates(k: int) -> np.ndarray:
    """Zero-mean, unit-norm edge templates ``(k*k, M)``, ``M`` = angles x profiles (read-only)."""
    x, y = _offsets(k)
    across, along = _profiles((k - 1) / 2)
    columns = []
    for angle in np.deg2rad(_ANGLES):
        p = x * np.cos(angle) + y * np.sin(angle)  # signed distance across the edge
        q = -x * np.sin(angle) + y * np.cos(angle)  # position along it
        for f in across:
            for g in along:
                t = (f(p) * g(q)).ravel()
                t = t - t.mean()
                columns.append(t / np.linalg.norm(t))
    out = np.stack(columns, axis=1)
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=8)
def _line_templates(k: int) -> np.ndarray:
    """Zero-mean, unit-norm line templates ``(k*k, M)``: bars across, the edges' profiles along.

    Bars 1, 2 and 3 px wide (on a 7x7 kernel; they scale with its radius),
    anti-aliased, centred up to ``radius - 1 - width / 2`` px off the centre by
    half pixels: never reaching the last pixel before the border, where a bar
    seen through the kernel is a step. None on a 3x3 kernel: ``(9, 0)``.
    """
    x, y = _offsets(k)
    radius = (k - 1) / 2
    _, along = _profiles(radius)
    u = radius / 3.0
    bars = [
        (w, c)
        for w in (u, 2.0 * u, 3.0 * u)
        for c in np.arange(-np.floor(2 * radius), np.floor(2 * radius) + 1) / 2
        if abs(c) + w / 2 <= radius - 1 + 1e-9
    ]
    columns = []
    for angle in np.deg2rad(_ANGLES):
        p = x * np.cos(angle) + y * np.sin(angle)
        q = -x * np.sin(angle) + y * np.cos(angle)
        for w, c in bars:
            f = np.clip(w / 2 + 0.5 - np.abs(p - c), 0.0, 1.0)
            for g in along:
                t = (f * g(q)).ravel()
                t = t - t.mean()
                columns.append(t / np.linalg.norm(t))
    out = np.stack(columns, axis=1) if columns else np.zeros((k * k, 0))
    out.flags.writeable = False
    return out


@functools.lru_cache(maxsize=8)
def _smooth_basis(k: int) -> np.ndarray:
    """Orthonormal basis ``(k*k, d)`` of the zero-mean polynomials of degree 1 to 3 on the kernel."""
    x, y = _offsets(k)
    r = (k - 1) / 2
    monomials = [((x / r) ** i * (y / r) ** j).ravel() for i in range(4) for j in range(4 - i) if 0 < i + j]
    m = np.stack(monomials, axis=1)
    m = m - m.mean(axis=0)
    u, s, _ = np.linalg.svd(m, full_matrices=False)
    out = np.ascontiguousarray(u[:, s > 1e-9 * s[0]])  # on a 3x3 kernel, x**3 == x: fewer dimensions
    out.flags.writeable = False
    return out


def _check_kernels(kernels: Any) -> np.ndarray:
    """Check kernels ``(..., k, k)``, ``k`` odd and at least 3, finite and real; return them as float64."""
    if isinstance(kernels, torch.Tensor):
        if kernels.dtype == torch.bool or kernels.is_complex() or kernels.is_quantized:
            raise TypeError(f"kernels must hold real numbers ({_REAL}), got {describe(kernels)}")
        array = kernels.detach().to("cpu", torch.float64).numpy()  # float64 first: numpy has no bfloat16
    elif isinstance(kernels, np.ndarray):
        if kernels.dtype.kind not in "fiu":
            raise TypeError(f"kernels must hold real numbers ({_REAL}), got {describe(kernels)}")
        array = np.asarray(kernels, dtype=np.float64)
    else:
        raise TypeError(
            f"kernels must be a torch.Tensor or numpy.ndarray of shape (..., k, k), got {describe(kernels)}"
        )
    shape = array.shape
    if array.ndim < 2 or shape[-1] != shape[-2] or shape[-1] < 3 or shape[-1] % 2 == 0:
        raise ValueError(
            f"kernels must have shape (..., k, k), square with k odd and at least 3, got shape {shape}"
        )
    bad = int(array.size - np.count_nonzero(np.isfinite(array)))
    if bad:
        raise ValueError(f"kernels must not contain NaN or infinite values, got {bad} of them")
    return array


def _best_edge(x: np.ndarray, templates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For zero-mean kernels ``x`` ``(N, k*k)``: the index of each one's best edge template and its coefficient."""
    c = x @ templates
    best = np.abs(c).argmax(axis=1)
    return best, np.take_along_axis(c, best[:, None], axis=1)


def _edge_fit(kernels: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The three numbers :func:`is_edge_detector` compares, and the angle of the best edge template.

    ``kernels`` is float64 ``(N, k, k)``. Returns, each ``(N,)``: ``share``,
    the best edge template's squared correlation with the kernel; ``smooth``,
    the energy of the smooth part of what that template leaves, as a share of
    the kernel's; ``line``, the best line template's squared correlation; and
    ``angle``, the edge template's orientation in degrees. All 0 and the
    angle NaN for a flat kernel.
    """
    n, k = kernels.shape[0], kernels.shape[-1]
    raw = kernels.reshape(n, k * k)
    x = raw - raw.mean(axis=1, keepdims=True)
    scale = np.abs(x).max(axis=1, keepdims=True, initial=0.0)
    # Flat: zero contrast, or only the rounding error of removing the mean of a constant.
    flat = scale[:, 0] <= 1e-12 * np.abs(raw).max(axis=1, initial=0.0)
    x = np.where(flat[:, None], 0.0, x / np.where(scale > 0, scale, 1.0))  # scale-free, no overflow
    energy = np.where(flat, 1.0, np.einsum("ni,ni->n", x, x))
    templates, lines, basis = _templates(k), _line_templates(k), _smooth_basis(k)
    share, smooth, line, angle = np.zeros(n), np.zeros(n), np.zeros(n), np.full(n, np.nan)
    per_angle = templates.shape[1] // len(_ANGLES)
    for start in range(0, n, _CHUNK):
        rows = slice(start, start + _CHUNK)
        best, coef = _best_edge(x[rows], templates)
        rest = (x[rows] - coef * templates[:, best].T) @ basis
        share[rows] = coef[:, 0] ** 2 / energy[rows]
        smooth[rows] = np.einsum("nd,nd->n", rest, rest) / energy[rows]
        if lines.shape[1]:
            line[rows] = ((x[rows] @ lines) ** 2).max(axis=1) / energy[rows]
        angle[rows] = _ANGLES[best // per_angle]
    share[flat], smooth[flat], line[flat], angle[flat] = 0.0, 0.0, 0.0, np.nan
    return share, smooth, line, angle


def is_edge_detector(kernels: Any) -> np.ndarray:
    """Return whether each kernel is an edge detector: one definition for the whole site.

    An edge is a step in brightness along a line. A kernel that detects it
    is *antisymmetric across* that line -- one sign on one side, the other
    sign on the other, so that a reflection across the line flips its sign,
    where it leaves a line or a blob unchanged -- changes sign *once* across
    it, and varies *slowly along* it. A kernel is an edge detector when all
    three hold:

    1. **It is mostly an edge.** Its best match among oriented edge
       templates (see Notes) explains at least :data:`EDGE_SHARE` -- a
       third -- of its contrast energy: a squared correlation of 1/3 or more.
    2. **Nothing smooth sits beside the edge.** What that template leaves
       holds, in smooth patterns, at most a third (1 / :data:`SMOOTH_RATIO`)
       of the edge's energy. The smooth patterns are the polynomials of
       degree 1 to 3 over the kernel: a gradient the other way (a second
       edge), curvature (a line, a blob, a saddle) and cubic bends (side
       lobes, an edge that bends).
    3. **No line explains it as well.** The best line template -- a bar 1, 2
       or 3 px wide, centred or up to 1.5 px off the centre, along the same
       profiles -- explains less of the kernel than the best edge template.

    Parameters
    ----------
    kernels : torch.Tensor or numpy.ndarray
        Kernels of shape ``(..., k, k)``: square, ``k`` odd and at least 3,
        finite real numbers (any leading batch axes, such as ``(out, in)``
        of a convolution's weight).

    Returns
    -------
    numpy.ndarray
        Booleans of shape ``kernels.shape[:-2]`` (a 0-d array for one
        kernel): ``True`` for an edge detector.

    Raises
    ------
    TypeError
        If ``kernels`` is not a tensor or array of real numbers (booleans
        and complex numbers are not).
    ValueError
        If ``kernels`` does not have that shape, or holds NaN or infinite
        values.

    See Also
    --------
    edge_validation : The families of known answers, and how often each passes.
    edge_match : How much a kernel resembles its best Prewitt or Sobel template.

    Notes
    -----
    **The templates.** An edge template is ``across(p) * along(q)``, with
    ``p`` the signed distance across a line through the kernel's centre and
    ``q`` the position along it, at 36 orientations (every 5 degrees).
    ``across`` is odd with one sign change: Prewitt's step (that of
    :func:`~cnnexplain.edges.edge_template`), smoothed steps ``tanh(p / w)``
    (``w`` = 0.5, 1, 2 px), a linear ramp ``p``, or derivatives of
    Gaussians ``p exp(-p**2 / 2 s**2)`` (``s`` = 1, 1.5, 2 px). ``along``
    is positive and even: flat (Prewitt), Sobel's tent, or a Gaussian
    (``t`` = 1, 2 px). A line template has a bar across instead, kept a
    pixel away from the border (there, a bar seen through the kernel is a
    step). Sizes are those of a 7x7 kernel and scale with the kernel.

    **Why three conditions.** Condition 1 alone is a resemblance test, like
    the edge-match score: noise fails it (a random kernel spreads over all
    its ``k * k - 1`` contrast dimensions, a template holds one), but smooth
    patterns pass it whatever they are, since smooth templates explain much
    of any smooth pattern. Condition 2 tells them apart: a noisy edge leaves
    white noise beside the edge, of which polynomials hold little, while a
    smooth pattern that is not an edge leaves smooth structure -- the
    curvature of a blob, a second gradient. Lines, bars, blobs, differences
    of Gaussians, checkerboards and constants are symmetric about the
    centre: no antisymmetric template explains them, and condition 1 fails.
    A thin line *off* the centre is one-sided about the centre, and a
    template with a step or a Gaussian derivative across explains much of
    it; but it is a line detector whose output is shifted, which condition 3
    sees.

    **What counts.** The kernel is judged about its centre, the pixel whose
    output it makes. Its mean is ignored (the layer's bias absorbs an
    offset), and so are its scale and its sign: an edge detector with its
    sign flipped detects the edges of the opposite polarity. A flat kernel,
    the all-zero kernel included, is not an edge detector. A linear ramp is:
    on a 7x7 kernel it is the least-squares estimate of the brightness
    gradient, and correlates 0.93 with Prewitt's step. A line or a blob that
    reaches the border is, through the kernel, a step, and may pass.

    **Smooth random fields** (blurred white noise) and sums of image patches
    pass at a middling rate. The gallery counts a smooth field that passes as
    a false positive, since no edge was put into it; yet at the scale of a
    kernel a smooth field is mostly a gradient plus curvature, and when the
    gradient dominates it computes what an edge detector computes, whatever
    made it. So that rate is also how often chance alone makes an
    edge-shaped kernel, and passing shows what a kernel computes, not that
    training taught it (the gallery compares with training on shuffled
    labels, and with untrained patch sums of the same length, for that).

    **Validation.** :func:`~cnnexplain.analysis.edge_validation` scores
    families of 7x7 kernels whose answer is known, 400 each: edge operators
    (Prewitt, Sobel, Scharr, odd Gabors) at 16 orientations with Gaussian
    noise down to a signal-to-noise ratio of :data:`HARDEST_SNR` (noise as
    strong as the edge: training changes a 7x7 kernel by about as much as
    its random initialization), which must pass :data:`EDGE_TARGET` of the
    time or more; and line detectors, blobs, differences of Gaussians,
    checkerboards, odd gratings, constants and i.i.d. noise, which must pass
    :data:`NON_EDGE_TARGET` of the time or less. The thresholds were chosen
    on those families, and the tests check the targets. On smaller kernels
    there is less room to tell noise from an edge (a 3x3 kernel has 8
    contrast dimensions), and noise passes more often.

    The decision is deterministic: no random draw; the templates are fixed.

    Examples
    --------
    >>> import numpy as np
    >>> from cnnexplain.edges import edge_template
    >>> prewitt = edge_template(7, 30).numpy()  # an edge at 30 degrees
    >>> line = np.zeros((7, 7))
    >>> line[:, 3] = 1.0  # a vertical line
    >>> kernels = np.stack([prewitt, -prewitt, line, np.zeros((7, 7))])
    >>> is_edge_detector(kernels).tolist()
    [True, True, False, False]
    >>> noise = np.random.default_rng(0).normal(size=(7, 7))
    >>> is_edge_detector(prewitt + 0.2 * noise), is_edge_detector(noise)
    (array(True), array(False))
    """
    return np.asarray(edge_verdict(kernels) == EDGE_VERDICTS[0])  # a 0-d array for one kernel


#: What :func:`edge_verdict` says of a kernel: it passes, or the first of the
#: three conditions of :func:`is_edge_detector` that it fails.
EDGE_VERDICTS = ("edge detector", "too little edge", "smooth pattern beside it", "a line fits as well")


class EdgeFit(NamedTuple):
    """The numbers :func:`is_edge_detector` compares, one per kernel (see :func:`edge_fit`).

    Parameters
    ----------
    edge : numpy.ndarray
        The share of a kernel's contrast energy that its best edge template
        explains (a squared correlation).
    smooth : numpy.ndarray
        The share that smooth patterns hold in what that template leaves.
    line : numpy.ndarray
        The best line template's squared correlation.
    angle : numpy.ndarray
        The best edge template's orientation, in degrees (NaN for a flat kernel).
    """

    edge: np.ndarray
    smooth: np.ndarray
    line: np.ndarray
    angle: np.ndarray


# The fields' own docstrings, which the docs show (instead of "Alias for field number 0").
document_fields(
    EdgeFit,
    {
        "edge": "The share of a kernel's contrast energy that its best edge template explains.",
        "smooth": "The share that smooth patterns hold in what the best edge template leaves.",
        "line": "The best line template's squared correlation with the kernel.",
        "angle": "The best edge template's orientation, in degrees (NaN for a flat kernel).",
    },
)


def edge_fit(kernels: Any) -> EdgeFit:
    """Return the numbers the edge test compares for each kernel, to show why it passes or fails.

    Parameters
    ----------
    kernels : torch.Tensor or numpy.ndarray
        As for :func:`is_edge_detector`: shape ``(..., k, k)``, ``k`` odd
        and at least 3, finite real numbers.

    Returns
    -------
    EdgeFit
        Arrays of shape ``kernels.shape[:-2]``: ``edge``, the share of the
        kernel's contrast energy that its best edge template explains (a
        squared correlation); ``smooth``, the share that smooth patterns
        hold in what that template leaves; ``line``, the best line
        template's squared correlation; ``angle``, the best edge template's
        orientation in degrees (NaN for a flat kernel, whose shares are 0).
        A kernel passes when ``edge >= EDGE_SHARE``, ``edge >= SMOOTH_RATIO
        * smooth`` and ``edge > line``.

    Raises
    ------
    TypeError, ValueError
        As :func:`is_edge_detector`.

    Examples
    --------
    >>> import numpy as np
    >>> ramp = np.tile(np.arange(7.0), (7, 1))  # rising to the right
    >>> fit = edge_fit(ramp)
    >>> round(float(fit.edge), 2) >= EDGE_SHARE, float(fit.angle)
    (True, 0.0)
    """
    array = _check_kernels(kernels)
    batch, k = array.shape[:-2], array.shape[-1]
    parts = _edge_fit(array.reshape(-1, k, k))
    return EdgeFit(*(part.reshape(batch) for part in parts))


class EdgeParts(NamedTuple):
    """A kernel split as the edge test sees it (see :func:`edge_parts`).

    Parameters
    ----------
    edge : numpy.ndarray
        The part its best edge template explains.
    smooth : numpy.ndarray
        The smooth patterns in what that template leaves.
    rest : numpy.ndarray
        Everything else: what neither explains.
    """

    edge: np.ndarray
    smooth: np.ndarray
    rest: np.ndarray


document_fields(
    EdgeParts,
    {
        "edge": "The part of each kernel that its best edge template explains.",
        "smooth": "The smooth patterns in what the best edge template leaves.",
        "rest": "What neither the edge template nor the smooth patterns explain.",
    },
)


def edge_parts(kernels: Any) -> EdgeParts:
    """Split each kernel into the parts the edge test weighs: its edge, the smooth patterns beside it, the rest.

    The three parts add up to the kernel minus its mean, in the kernel's own
    units, and they are what :func:`edge_fit`'s shares measure: the energy
    (sum of squares) of ``edge`` over that of the kernel minus its mean is
    ``edge_fit(kernels).edge``, and the same for ``smooth``. Drawn side by
    side, they show why a kernel passes or fails condition 2 of
    :func:`is_edge_detector`.

    Parameters
    ----------
    kernels : torch.Tensor or numpy.ndarray
        As for :func:`is_edge_detector`: shape ``(..., k, k)``, ``k`` odd
        and at least 3, finite real numbers.

    Returns
    -------
    EdgeParts
        ``edge``, ``smooth`` and ``rest``, float64 arrays of the shape of
        ``kernels`` (all zero for a flat kernel).

    Raises
    ------
    TypeError, ValueError
        As :func:`is_edge_detector`.

    Examples
    --------
    >>> import numpy as np
    >>> c = np.arange(7.0) - 3
    >>> bend = np.tile(c, (7, 1)) + 0.5 * c[:, None] ** 2  # edge, bend
    >>> parts = edge_parts(bend)
    >>> total = parts.edge + parts.smooth + parts.rest
    >>> bool(np.allclose(total, bend - bend.mean()))
    True
    >>> energy = (parts.smooth**2).sum() / ((bend - bend.mean()) ** 2).sum()
    >>> bool(np.isclose(energy, edge_fit(bend).smooth))
    True
    """
    array = _check_kernels(kernels)
    k = array.shape[-1]
    raw = array.reshape(-1, k * k)
    x = raw - raw.mean(axis=1, keepdims=True)
    # Flat kernels, as _edge_fit judges them, have no parts.
    flat = np.abs(x).max(axis=1, initial=0.0) <= 1e-12 * np.abs(raw).max(axis=1, initial=0.0)
    x[flat] = 0.0
    templates, basis = _templates(k), _smooth_basis(k)
    edge, smooth = np.zeros_like(x), np.zeros_like(x)
    for start in range(0, len(x), _CHUNK):
        rows = slice(start, start + _CHUNK)
        best, coef = _best_edge(x[rows], templates)
        edge[rows] = coef * templates[:, best].T
        smooth[rows] = (x[rows] - edge[rows]) @ basis @ basis.T
    return EdgeParts(*(part.reshape(array.shape) for part in (edge, smooth, x - edge - smooth)))


def edge_verdict(kernels: Any) -> np.ndarray:
    """Return, in words, whether each kernel passes :func:`is_edge_detector`, and if not, why.

    Parameters
    ----------
    kernels : torch.Tensor or numpy.ndarray
        As for :func:`is_edge_detector`: shape ``(..., k, k)``, ``k`` odd
        and at least 3, finite real numbers.

    Returns
    -------
    numpy.ndarray
        Strings of shape ``kernels.shape[:-2]``, each one of
        :data:`EDGE_VERDICTS`: ``"edge detector"`` when the kernel passes;
        else the first condition it fails: ``"too little edge"`` (the best
        edge template explains less than :data:`EDGE_SHARE` of it),
        ``"smooth pattern beside it"`` (what that template leaves holds
        too much smooth structure) or ``"a line fits as well"`` (a line
        template explains it at least as well).

    Raises
    ------
    TypeError, ValueError
        As :func:`is_edge_detector`.

    Examples
    --------
    >>> import numpy as np
    >>> ramp = np.tile(np.arange(7.0), (7, 1))
    >>> line = np.zeros((7, 7))
    >>> line[:, 3] = 1.0  # a centred line: no edge fits
    >>> edge_verdict(np.stack([ramp, line])).tolist()
    ['edge detector', 'too little edge']
    """
    fit = edge_fit(kernels)
    share, smooth, line = (part.reshape(-1) for part in fit[:3])
    failed = np.stack([share < EDGE_SHARE, share < SMOOTH_RATIO * smooth, share <= line])
    # The first condition failed, counted from 1; 0 when none is.
    first = np.where(failed.any(axis=0), failed.argmax(axis=0) + 1, 0)
    return np.asarray(EDGE_VERDICTS, dtype=object)[first].astype(str).reshape(fit.edge.shape)


def is_line_detector(kernels: Any) -> np.ndarray:
    """Return whether each kernel is a line (bar) detector: condition 3 of the edge test, turned round.

    A kernel is a line detector when its best line template -- a bar 1, 2
    or 3 px wide, centred or up to 1.5 px off the centre, the templates of
    condition 3 of :func:`is_edge_detector` -- explains at least
    :data:`EDGE_SHARE` of its contrast energy (a squared correlation of 1/3
    or more, the bar in edge's place in condition 1), and more of it than
    the best edge template does. No kernel is both an edge detector and a
    line detector; many kernels are neither. Mean, scale and sign are
    ignored, as by :func:`is_edge_detector` (a dark bar on a bright
    background is a line too); a flat kernel is not a line detector.

    It is a coarse test, not validated as the edge test is. Whatever is
    symmetric across a line passes: the bars and even Gabors of
    :func:`~cnnexplain.analysis.edge_families`, but also its Gaussian blobs
    and differences of Gaussians (a blob fits a short bar with a Gaussian
    profile along it), and a third to a half of its smooth random fields
    and of its sums of line-image patches. Its edge families pass rarely, and noise almost
    never. So read a share of line detectors against a reference, not as a
    count of bars.

    Parameters
    ----------
    kernels : torch.Tensor or numpy.ndarray
        As for :func:`is_edge_detector`: shape ``(..., k, k)``, ``k`` odd
        and at least 3, finite real numbers. On a 3x3 kernel there are no
        line templates, and no kernel is a line detector.

    Returns
    -------
    numpy.ndarray
        Booleans of shape ``kernels.shape[:-2]``.

    Raises
    ------
    TypeError, ValueError
        As :func:`is_edge_detector`.

    Examples
    --------
    >>> import numpy as np
    >>> from cnnexplain.edges import edge_template
    >>> line = np.zeros((7, 7))
    >>> line[:, 3] = 1.0  # a vertical line
    >>> prewitt = edge_template(7, 30).numpy()
    >>> kernels = np.stack([line, -line, prewitt, np.zeros((7, 7))])
    >>> is_line_detector(kernels).tolist()
    [True, True, False, False]
    """
    fit = edge_fit(kernels)
    return np.asarray((fit.line >= EDGE_SHARE) & (fit.line > fit.edge))
