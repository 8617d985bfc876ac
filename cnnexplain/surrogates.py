"""Surrogate data sets: the line images with one kind of statistics changed.

Two accounts of why a first layer learns edges point at the data's
statistics. One says the second-order statistics -- the covariance of the
pixels, and so of every patch a kernel sees -- are enough
(Linsker 1986); the other says the higher-order statistics of real
images are what make localized, edge-like filters (Ingrosso and Goldt 2022).
A test of either changes the statistics and trains again:

* :func:`gaussian_twin` keeps each class's pixel means and covariance and
  draws Gaussian images from them: the same second-order statistics, no
  lines, nothing of higher order;
* :func:`whitened` keeps the lines where they are but flattens the mean
  power spectrum of the images, pooled over both classes: the patches'
  second moments, pooled the same way, come out nearly flat, while each
  class's own second moments still differ from the other's; a line's body
  comes out faint and its ends bright.

Both keep the labels, the number of images and their order; the seed study
(:mod:`cnnexplain.study`) trains an arm on each.
"""

from __future__ import annotations

import numpy as np
import torch

from ._checks import check_float, check_seed, describe
from .data import LineDataset

__all__ = ["WHITENING_FLOOR", "gaussian_twin", "whitened"]

#: The floor added to the mean power spectrum before whitening, as a share of
#: its mean: it keeps frequencies that the images hardly hold from being
#: amplified without bound.
WHITENING_FLOOR = 0.01


def _checked_dataset(name: str, data) -> LineDataset:
    if not isinstance(data, LineDataset):
        raise TypeError(f"{name} must be a LineDataset, got {describe(data)}")
    return data


def gaussian_twin(data: LineDataset, seed: int) -> LineDataset:
    """Return Gaussian images with the pixel mean and covariance of each class of ``data``.

    Image ``i`` of class ``c`` becomes ``m + Z_i @ D / sqrt(n - 1)``, where
    ``m`` is the class's mean image, the rows of ``D`` are its ``n`` images
    minus ``m``, and ``Z_i`` holds ``n`` standard normal numbers. Such images
    are Gaussian, with the class's sample covariance exactly as their
    covariance: every patch has the second moments it had, and nothing of
    higher order survives -- a line image becomes a blend of all the lines
    of its class, with random weights.

    Parameters
    ----------
    data : LineDataset
        The images to imitate; each class needs two images or more.
    seed : int
        Seed of the normal numbers, non-negative; the same seed gives the
        same bytes.

    Returns
    -------
    LineDataset
        Float32 images in the order of ``data``, with its labels and classes;
        values are not clipped to ``[0, 1]``. The config records
        ``"surrogate": {"gaussian_twin": seed}``.

    Examples
    --------
    >>> from cnnexplain.data import make_lines
    >>> lines = make_lines(n_per_class=20, size=12, seed=0)
    >>> twin = gaussian_twin(lines, seed=0)
    >>> twin.images.shape, bool((twin.labels == lines.labels).all())
    (torch.Size([40, 1, 12, 12]), True)
    """
    data = _checked_dataset("data", data)
    seed = check_seed("seed", seed)
    rng = np.random.default_rng(seed)
    flat = data.images.flatten(1).double().numpy()
    twin = np.empty_like(flat)
    for label in range(len(data.classes)):
        rows = np.flatnonzero(data.labels.numpy() == label)
        if len(rows) == 1:
            raise ValueError(
                f"data must hold two images or more of each class, got 1 of {data.classes[label]!r}"
            )
        if len(rows) == 0:
            continue
        mean = flat[rows].mean(axis=0)
        deviations = flat[rows] - mean
        mixing = rng.standard_normal((len(rows), len(rows))) / np.sqrt(len(rows) - 1)
        twin[rows] = mean + mixing @ deviations
    images = torch.from_numpy(twin.astype(np.float32)).reshape(data.images.shape)
    return LineDataset(
        images, data.labels.clone(), data.classes, {**data.config, "surrogate": {"gaussian_twin": seed}}
    )


def _power_spectrum(images: torch.Tensor) -> torch.Tensor:
    """The mean power spectrum ``(H, W)`` of images ``(N, 1, H, W)``, in float64."""
    return torch.fft.fft2(images[:, 0].double()).abs().square().mean(dim=0)


def whitened(
    data: LineDataset, reference: LineDataset | None = None, *, floor: float = WHITENING_FLOOR
) -> LineDataset:
    """Return the images of ``data`` with the power spectrum of ``reference`` flattened.

    Every image is filtered by ``1 / sqrt(P + floor * mean(P))``, where ``P``
    is the mean power spectrum of the reference images (periodic, by the
    discrete Fourier transform), and scaled so that the filtered reference
    images keep their mean square. The patches' second moments, pooled over
    all the reference images and positions, come out nearly flat; what
    differs between the classes, and every statistic of higher order,
    remains. The lines stay where
    they are, but changed: a long straight line puts its power on the
    frequencies the filter damps most, so its body comes out faint and its
    ends, which put power elsewhere, bright.

    Parameters
    ----------
    data : LineDataset
        The images to filter.
    reference : LineDataset, optional
        The images whose spectrum is flattened (default: ``data``); give the
        training images when filtering test images.
    floor : float
        Added to ``P`` as a share of its mean, in ``(0, 1]``.

    Returns
    -------
    LineDataset
        Float32 images in the order of ``data``, with its labels and classes.
        The config records ``"surrogate": {"whitened": floor}``.

    Examples
    --------
    >>> from cnnexplain.data import make_lines
    >>> lines = make_lines(n_per_class=20, size=12, seed=0)
    >>> flat = whitened(lines)
    >>> power = flat.images.square().mean() / lines.images.square().mean()
    >>> round(float(power), 6)
    1.0
    """
    data = _checked_dataset("data", data)
    reference = data if reference is None else _checked_dataset("reference", reference)
    if reference.images.shape[-2:] != data.images.shape[-2:]:
        raise ValueError(
            f"reference must hold images of the size of data's, {tuple(data.images.shape[-2:])}, "
            f"got {tuple(reference.images.shape[-2:])}"
        )
    floor = check_float("floor", floor, low=0.0, high=1.0, low_open=True)
    power = _power_spectrum(reference.images)
    gain = (power + floor * power.mean()).rsqrt()
    reference_filtered = torch.fft.ifft2(torch.fft.fft2(reference.images[:, 0].double()) * gain).real
    scale = (reference.images.double().square().mean() / reference_filtered.square().mean()).sqrt()
    filtered = torch.fft.ifft2(torch.fft.fft2(data.images[:, 0].double()) * gain).real * scale
    images = filtered.unsqueeze(1).float().contiguous()
    return LineDataset(
        images, data.labels.clone(), data.classes, {**data.config, "surrogate": {"whitened": floor}}
    )
