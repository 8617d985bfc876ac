"""Families of 7x7 kernels whose answer is known, and how often each passes the edge test.

:func:`edge_families` draws them -- noisy edge operators, line detectors,
blobs, checkerboards, constants, noise, smooth random fields and sums of
image patches -- and :func:`edge_validation` runs a test on every family
(:func:`~cnnexplain.analysis.is_edge_detector` unless told otherwise) and
tabulates how often it passes, with a 95% interval: the evidence that
:func:`~cnnexplain.analysis.is_edge_detector` means what it says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._checks import check_float, check_int, check_seed, describe
from ..claims import span
from ..claims._confidence import _wilson
from ..data import make_lines
from ..edges import edge_template
from .edge_detector import is_edge_detector

__all__ = [
    "EDGE_TARGET",
    "HARDEST_SNR",
    "NON_EDGE_TARGET",
    "PATCH_SUMS",
    "SNR_LEVELS",
    "EdgeFamilyResult",
    "EdgeValidation",
    "edge_families",
    "edge_validation",
    "wilson_interval",
]

#: Signal-to-noise ratios of the noisy edge families: the norm of the edge over
#: the norm of the Gaussian noise added to it.
SNR_LEVELS = (2.0, 1.0, 0.75, 0.5)
#: The lowest signal-to-noise ratio at which the edge families have a target:
#: noise as strong as the edge, as in a trained kernel (its change from the
#: random initialization is about as large as the initialization).
HARDEST_SNR = 1.0
#: The target of an edge family (at :data:`HARDEST_SNR` or less noise): at least this share passes.
EDGE_TARGET = 0.90
#: The target of a family that is no edge: at most this share passes.
NON_EDGE_TARGET = 0.05

_SIZE = 7
_ORIENTATIONS = np.arange(16) * (180.0 / 16)  # every 11.25 degrees
_PATCHES_PER_SUM = 200
_EDGE_KINDS = ("Prewitt", "Sobel", "Scharr", "odd Gabor")
_NON_EDGES = (
    "even Gabor",
    "bar, 1-3 px",
    "Gaussian blob",
    "difference of Gaussians",
    "checkerboard",
    "odd grating",
    "constant",
    "uniform noise",
    "Gaussian noise",
)
_CHANCE = ("smooth field, sigma 1 px", "smooth field, sigma 1.5 px", f"sum of {_PATCHES_PER_SUM} patches")
#: The name, in :func:`edge_families`, of the family of random sums of line-image
#: patches: an untrained stand-in for a change that training makes.
PATCH_SUMS = _CHANCE[2]


def _specs() -> list[tuple[str, str]]:
    """Every family's name and answer (``"edge"``, ``"no edge"`` or ``"chance"``), in table order."""
    specs = []
    for kind in _EDGE_KINDS:
        specs.append((kind, "edge"))
        specs += [(f"{kind}, SNR {snr:g}", "edge") for snr in SNR_LEVELS]
    specs += [(name, "no edge") for name in _NON_EDGES]
    specs += [(name, "chance") for name in _CHANCE]
    return specs


def _snr(name: str) -> float:
    """The signal-to-noise ratio in a family's name (infinite without noise)."""
    return float(name.rsplit("SNR ", 1)[1]) if "SNR " in name else float("inf")


def _target(name: str, answer: str) -> float | None:
    """The share a family must reach (edges) or stay under (no edges); None without a target."""
    if answer == "no edge":
        return NON_EDGE_TARGET
    if answer == "edge" and _snr(name) >= HARDEST_SNR:
        return EDGE_TARGET
    return None


def _grid(angle: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Pixel offsets ``x, y`` and, for each angle ``(n,)`` in degrees, ``p`` across and ``q`` along ``(n, 7, 7)``."""
    c = np.arange(_SIZE, dtype=np.float64) - (_SIZE - 1) / 2
    x, y = c[None, None, :], c[None, :, None]
    t = np.deg2rad(angle)[:, None, None]
    return x, y, x * np.cos(t) + y * np.sin(t), -x * np.sin(t) + y * np.cos(t)


def _angles(n: int, rng: np.random.Generator) -> np.ndarray:
    """16 orientations in turn, each with a random polarity (a half turn)."""
    return np.resize(_ORIENTATIONS, n) + 180.0 * rng.integers(0, 2, n)


def _signs(n: int, rng: np.random.Generator) -> np.ndarray:
    return rng.choice([-1.0, 1.0], size=n)[:, None, None]


def _edges(kind: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """Clean edge operators of one kind at 16 orientations, random polarity."""
    angle = _angles(n, rng)
    if kind in ("Prewitt", "Sobel"):  # the library's 7x7 templates (edge_template)
        return np.stack([edge_template(_SIZE, float(a), kind.lower()).double().numpy() for a in angle])
    _, _, p, q = _grid(angle)
    if kind == "Scharr":
        # Scharr's 3x3 weighs the centre of the edge 10 and its ends 3. At 7x7: the
        # step of Prewitt across, and along a Gaussian falling to 3/10 at the border.
        radius = (_SIZE - 1) / 2
        return np.clip(2.0 * p, -1.0, 1.0) * 0.3 ** ((q / radius) ** 2)
    wavelength = rng.uniform(6.0, 12.0, n)[:, None, None]  # one sign change within the kernel
    sigma = rng.uniform(1.5, 2.5, n)[:, None, None]
    return np.exp(-(p**2 + q**2) / (2 * sigma**2)) * np.sin(2 * np.pi * p / wavelength)


def _add_noise(clean: np.ndarray, snr: float, rng: np.random.Generator) -> np.ndarray:
    """``clean`` plus Gaussian noise scaled so that norm(clean) / norm(noise) is exactly ``snr``."""
    noise = rng.normal(size=clean.shape)
    ratio = np.linalg.norm(clean.reshape(len(clean), -1), axis=1) / np.linalg.norm(
        noise.reshape(len(noise), -1), axis=1
    )
    return clean + noise * (ratio / snr)[:, None, None]


def _blur(noise: np.ndarray, sigma: float) -> np.ndarray:
    """Gaussian blur of ``(n, H, W)`` along both axes, keeping the part where it is exact."""
    radius = int(np.ceil(4 * sigma))
    taps = np.exp(-(np.arange(-radius, radius + 1) ** 2) / (2 * sigma**2))
    taps /= taps.sum()
    h, w = noise.shape[1] - 2 * radius, noise.shape[2] - 2 * radius
    rows = sum(t * noise[:, i : i + h, :] for i, t in enumerate(taps))
    return sum(t * rows[:, :, i : i + w] for i, t in enumerate(taps))


def _patch_sums(n: int, seed: int, rng: np.random.Generator) -> np.ndarray:
    """Sums of 7x7 patches of line images at random places, with Gaussian random weights."""
    images = make_lines(n_per_class=100, seed=seed).images[:, 0].double().numpy()
    windows = np.lib.stride_tricks.sliding_window_view(images, (_SIZE, _SIZE), axis=(1, 2))
    out = np.empty((n, _SIZE, _SIZE))
    for i in range(n):
        which = rng.integers(0, len(images), _PATCHES_PER_SUM)
        row = rng.integers(0, windows.shape[1], _PATCHES_PER_SUM)
        col = rng.integers(0, windows.shape[2], _PATCHES_PER_SUM)
        out[i] = np.tensordot(rng.normal(size=_PATCHES_PER_SUM), windows[which, row, col], axes=1)
    return out


def _non_edge(name: str, n: int, rng: np.random.Generator) -> np.ndarray:
    """A family with no edge, centred on the kernel (see :func:`edge_families`)."""
    x, y, p, q = _grid(_angles(n, rng))
    sign = _signs(n, rng)
    if name == "even Gabor":
        wavelength = rng.uniform(4.0, 10.0, n)[:, None, None]
        sigma = rng.uniform(1.2, 2.5, n)[:, None, None]
        return sign * np.exp(-(p**2 + q**2) / (2 * sigma**2)) * np.cos(2 * np.pi * p / wavelength)
    if name == "bar, 1-3 px":
        width = rng.integers(1, 4, n)[:, None, None]
        return sign * np.clip(width / 2 + 0.5 - np.abs(p), 0.0, 1.0)  # anti-aliased
    if name == "Gaussian blob":
        sigma = rng.uniform(0.7, 3.0, n)[:, None, None]
        return sign * np.exp(-(x**2 + y**2) / (2 * sigma**2))
    if name == "difference of Gaussians":
        s1 = rng.uniform(0.6, 1.8, n)[:, None, None]
        s2 = 1.6 * s1
        r2 = x**2 + y**2
        return sign * (np.exp(-r2 / (2 * s1**2)) / s1**2 - np.exp(-r2 / (2 * s2**2)) / s2**2)
    if name == "checkerboard":
        side = rng.integers(1, 4, n)[:, None, None]  # squares of 1 to 3 px, at a random phase
        i = np.arange(_SIZE)
        oy = rng.integers(0, 2 * side[:, 0, 0])[:, None, None]
        ox = rng.integers(0, 2 * side[:, 0, 0])[:, None, None]
        parity = (i[None, :, None] + oy) // side + (i[None, None, :] + ox) // side
        return sign * (1.0 - 2.0 * (parity % 2))
    if name == "odd grating":
        wavelength = rng.uniform(2.5, 3.0, n)[:, None, None]  # three sign changes or more across
        sigma = rng.uniform(1.5, 2.5, n)[:, None, None]
        return np.exp(-(p**2 + q**2) / (2 * sigma**2)) * np.sin(2 * np.pi * p / wavelength)
    if name == "constant":
        return rng.uniform(-1.0, 1.0, n)[:, None, None] * np.ones((n, _SIZE, _SIZE))
    if name == "uniform noise":  # PyTorch's initialization of a 1x7x7 kernel
        return rng.uniform(-1.0 / _SIZE, 1.0 / _SIZE, (n, _SIZE, _SIZE))
    return rng.normal(size=(n, _SIZE, _SIZE))  # Gaussian noise


def edge_families(seed: int = 0, n: int = 400) -> dict[str, np.ndarray]:
    """Return families of 7x7 kernels whose answer -- edge detector or not -- is known.

    Edge detectors, each at 16 orientations (every 11.25 degrees) with a
    random polarity, without noise and with i.i.d. Gaussian noise at each
    signal-to-noise ratio of :data:`SNR_LEVELS` (``"Sobel, SNR 1"``: the
    noise has the norm of the edge):

    - ``"Prewitt"`` and ``"Sobel"``: the library's 7x7 extensions
      (:func:`~cnnexplain.edges.edge_template`: a step across the edge,
      uniform along it for Prewitt, a tent ``1, 2, 3, 4, 3, 2, 1`` for
      Sobel);
    - ``"Scharr"``: Scharr's 3x3 weighs the middle of the edge 10 and its
      ends 3; at 7x7, the same step across and, along, a Gaussian falling
      from 1 at the centre to 0.3 at the border (``0.3 ** (q / 3) ** 2``);
    - ``"odd Gabor"``: ``sin(2 pi p / wavelength)`` under a round Gaussian,
      ``wavelength`` uniform in 6-12 px (one sign change within the kernel),
      ``sigma`` in 1.5-2.5 px.

    No edge (centred on the kernel, random orientation and sign):
    ``"even Gabor"`` (a line detector: cosine phase, wavelength 4-10 px,
    sigma 1.2-2.5 px), ``"bar, 1-3 px"`` (a bright bar 1, 2 or 3 px wide),
    ``"Gaussian blob"`` (sigma 0.7-3 px), ``"difference of Gaussians"``
    (centre sigma 0.6-1.8 px, surround 1.6 times wider),
    ``"checkerboard"`` (squares of 1-3 px at a random phase), ``"odd
    grating"`` (an odd Gabor of wavelength 2.5-3 px: three sign changes or
    more across), ``"constant"``, ``"uniform noise"`` (i.i.d. in +/-1/7,
    PyTorch's initialization of a 1x7x7 kernel) and ``"Gaussian noise"``.

    By chance (no answer known in advance): ``"smooth field, sigma 1 px"``
    and ``"smooth field, sigma 1.5 px"`` (white noise blurred by a Gaussian)
    and ``"sum of 200 patches"`` (7x7 patches of :func:`~cnnexplain.data.make_lines`
    images at random places, summed with Gaussian random weights: the shape
    of a gradient step of a first-layer kernel).

    Parameters
    ----------
    seed : int
        Seed of every random draw; each family has its own stream, so a
        family does not change when another is added.
    n : int
        Kernels per family, in ``[1, 100000]``.

    Returns
    -------
    dict of str to numpy.ndarray
        Family name to float64 kernels ``(n, 7, 7)``, in the order of the
        table of :func:`edge_validation`.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> families = edge_families(seed=0, n=32)
    >>> families["Sobel, SNR 1"].shape
    (32, 7, 7)
    >>> list(families)[:3]
    ['Prewitt', 'Prewitt, SNR 2', 'Prewitt, SNR 1']
    """
    seed = check_seed("seed", seed)
    n = check_int("n", n, low=1, high=100_000)
    specs = _specs()
    streams = dict(zip((name for name, _ in specs), np.random.SeedSequence(seed).spawn(len(specs))))
    out: dict[str, np.ndarray] = {}
    for kind in _EDGE_KINDS:
        clean = _edges(kind, n, np.random.default_rng(streams[kind]))
        out[kind] = clean
        for snr in SNR_LEVELS:
            name = f"{kind}, SNR {snr:g}"
            out[name] = _add_noise(clean, snr, np.random.default_rng(streams[name]))
    for name in _NON_EDGES:
        out[name] = _non_edge(name, n, np.random.default_rng(streams[name]))
    for name, sigma in zip(_CHANCE[:2], (1.0, 1.5)):
        margin = int(np.ceil(4 * sigma))
        noise = np.random.default_rng(streams[name]).normal(size=(n, _SIZE + 2 * margin, _SIZE + 2 * margin))
        out[name] = _blur(noise, sigma)
    out[_CHANCE[2]] = _patch_sums(n, seed, np.random.default_rng(streams[_CHANCE[2]]))
    return {name: out[name] for name, _ in specs}


#: Most trials :func:`wilson_interval` takes: the largest count every smaller one of which a float holds exactly.
_MAX_TRIALS = 2**53


def wilson_interval(passed: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Return Wilson's score interval for a share of ``passed`` successes in ``n`` trials.

    Unlike the share plus or minus two standard errors, it stays within
    ``[0, 1]`` and does not shrink to a point at 0 or ``n`` successes.

    Parameters
    ----------
    passed : int
        Successes, in ``[0, n]``.
    n : int
        Trials, from 1 to ``2**53`` (the counts a float holds exactly; larger
        ones overflowed in the arithmetic).
    confidence : float
        Coverage of the interval, in ``(0, 1)``.

    Returns
    -------
    (float, float)
        Lower and upper ends.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> low, high = wilson_interval(0, 400)
    >>> low, round(high, 4)
    (0.0, 0.0095)
    """
    n = check_int("n", n, low=1, high=_MAX_TRIALS)
    passed = check_int("passed", passed, low=0, high=n)
    confidence = check_float("confidence", confidence, low=0, high=1, low_open=True, high_open=True)
    # The one implementation, shared with the claims of the site's pages (cnnexplain.claims.share).
    return _wilson(passed, n, confidence)


@dataclass(frozen=True)
class EdgeFamilyResult:
    """How often one family passes a test (a row of :class:`EdgeValidation`).

    Parameters
    ----------
    family : str
        The family's name, as in :func:`edge_families`.
    answer : str
        ``"edge"``, ``"no edge"`` or ``"chance"`` (smooth fields and patch
        sums: no answer known in advance).
    n : int
        Kernels in the family.
    passed : int
        Kernels that pass.
    share : float
        ``passed / n``.
    interval : (float, float)
        Wilson's 95% interval of the share (:func:`wilson_interval`).
    target : float or None
        The share an edge family must reach, or a family with no edge stay
        under; ``None`` without a target.
    """

    family: str
    answer: str
    n: int
    passed: int
    share: float
    interval: tuple[float, float]
    target: float | None

    @property
    def met(self) -> bool | None:
        """Whether the share meets the target (``None`` without one)."""
        if self.target is None:
            return None
        return self.share >= self.target if self.answer == "edge" else self.share <= self.target


@dataclass(frozen=True, eq=False)
class EdgeValidation:
    """How often each family of known answer passes a test (see :func:`edge_validation`).

    ``print(validation)`` shows the table.

    Parameters
    ----------
    rows : tuple of EdgeFamilyResult
        One per family, in the order of :func:`edge_families`.
    seed : int
        The seed of the families.
    """

    rows: tuple[EdgeFamilyResult, ...]
    seed: int

    def __getitem__(self, family: str) -> EdgeFamilyResult:
        for row in self.rows:
            if row.family == family:
                return row
        raise KeyError(f"no family named {family!r}; the families are {[r.family for r in self.rows]}")

    @property
    def failures(self) -> list[EdgeFamilyResult]:
        """The rows whose share misses their target."""
        return [row for row in self.rows if row.met is False]

    def table(self) -> str:
        """Return the table as text, one family a row.

        Returns
        -------
        str
            Columns: family, answer, number of kernels, share passing, its 95%
            interval and the target (``>= 90%``, ``<= 5%``, or ``-``).
        """
        header = f"{'family':<26} {'answer':<7} {'n':>5} {'pass':>6}  {'95% interval':<13} target"
        lines = [header, "-" * len(header)]
        for row in self.rows:
            interval = span(*row.interval, "{:.1%}", "-")  # rounded outward, as the pages quote it
            target = (
                "-" if row.target is None else f"{'>=' if row.answer == 'edge' else '<='} {row.target:.0%}"
            )
            mark = "" if row.met is not False else "  MISSED"
            lines.append(
                f"{row.family:<26} {row.answer:<7} {row.n:>5} {row.share:>6.1%}  "
                f"{interval:<13} {target}{mark}"
            )
        return "\n".join(lines)

    __str__ = table


def edge_validation(
    seed: int = 0, n: int = 400, *, criterion: Callable[[np.ndarray], Any] = is_edge_detector
) -> EdgeValidation:
    """Run an edge test on every family of :func:`edge_families` and tabulate how often it passes.

    The targets: an edge family passes :data:`EDGE_TARGET` (90%) of the time
    or more without noise and down to a signal-to-noise ratio of
    :data:`HARDEST_SNR` (1); a family with no edge passes
    :data:`NON_EDGE_TARGET` (5%) of the time or less. Edge families noisier
    than that, smooth random fields and sums of patches have no target: their
    rates are reported (see :func:`~cnnexplain.analysis.is_edge_detector` for
    what they mean).

    Parameters
    ----------
    seed : int
        Seed of the families.
    n : int
        Kernels per family, in ``[1, 100000]``; 400 gives intervals of about
        +/-3 points at 90%, +/-1 point near 0%.
    criterion : callable
        The test: takes float64 kernels ``(n, 7, 7)`` and returns ``n``
        booleans. :func:`~cnnexplain.analysis.is_edge_detector` by default;
        give another to see how it fares on the same families.

    Returns
    -------
    EdgeValidation
        ``print(validation)`` shows the table; ``validation["Sobel, SNR 1"]``
        is one row; ``validation.failures`` the rows that miss their target.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid, or ``criterion`` does not return ``n``
        booleans; the message names it.

    Examples
    --------
    >>> validation = edge_validation(seed=0, n=100)
    >>> validation.failures
    []
    >>> row = validation["Gaussian noise"]
    >>> row.answer, row.n, row.passed
    ('no edge', 100, 0)
    """
    if not callable(criterion):
        raise TypeError(f"criterion must be a callable taking kernels (n, 7, 7), got {describe(criterion)}")
    families = edge_families(seed, n)
    rows = []
    for name, answer in _specs():
        verdict = np.asarray(criterion(families[name]))
        if verdict.shape != (n,) or verdict.dtype.kind not in "biu":
            raise ValueError(
                f"criterion must return {n} booleans for {n} kernels, got {describe(verdict)} for {name!r}"
            )
        passed = int(np.count_nonzero(verdict))
        rows.append(
            EdgeFamilyResult(
                name, answer, n, passed, passed / n, wilson_interval(passed, n), _target(name, answer)
            )
        )
    return EdgeValidation(tuple(rows), seed)
