"""The kernel a one-kernel model prefers, in closed form: a matched filter.

Take a model with one convolution kernel ``w`` (no bias), square its output,
average it over all positions and feed that one number to a linear layer.
Its score for an image ``x`` is

    s(x) = mean over positions p of (w . patch_p(x))**2 = w^T C(x) w,

where ``C(x)``, the image's *patch second-moment matrix*, is the mean over
positions of ``patch_p(x) patch_p(x)^T`` (:func:`patch_second_moments`). The
score is a quadratic form, so the mean scores of two classes ``a`` and ``b``
differ by ``w^T D w``, with ``D = mean C(class a) - mean C(class b)``. Among
kernels of length 1, the eigenvector of ``D`` with the largest eigenvalue
separates the classes most in favour of ``a`` and the one with the smallest
in favour of ``b`` (:func:`preferred_kernel`): the kernels *matched* to what
tells the classes apart.

Gradient descent heads there: the gradient of the loss with respect to ``w``
is ``2 * sum over images i of (dL/ds_i) C(x_i) w``; while every image of a
class gets about the same ``dL/ds_i`` (early in training), that is a
multiple of ``D w``, and a step of gradient descent is a step of power
iteration on ``D``. :meth:`PreferredKernel.grow` follows that flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from .._checks import check_float, check_images, check_int, check_real_array, describe
from .._torch import torch_threads

__all__ = ["PreferredKernel", "patch_second_moments", "preferred_kernel"]

#: Images unfolded at once: 64 images of 50x50 with 7x7 patches are 64 * 49 * 1,936
#: float64 numbers (49 MB).
_BATCH = 64


def _check_size(size: Any, images: torch.Tensor) -> int:
    """The kernel side ``size``: an integer from 1 to the images' smaller side."""
    return check_int("size", size, low=1, high=min(images.shape[-2:]))


def patch_second_moments(images: Any, size: int) -> np.ndarray:
    """Return each image's mean patch second-moment matrix ``C(x)``.

    ``C(x)`` is the mean, over every position where a ``size`` x ``size``
    kernel fits inside the image (no padding), of ``p p^T``, where ``p`` is
    the patch there, flattened as :func:`torch.nn.functional.unfold` does
    (channel, then row, then column). For any kernel ``w`` of that size,
    ``w^T C(x) w`` is the mean over positions of the squared response
    ``(w . p)**2``.

    Parameters
    ----------
    images : torch.Tensor
        ``(N, C, H, W)``, floating point.
    size : int
        The kernel's side, from 1 to ``min(H, W)``.

    Returns
    -------
    numpy.ndarray
        ``(N, d, d)`` float64, with ``d = C * size * size``; each matrix is
        symmetric and positive semi-definite.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import torch
    >>> images = torch.zeros(1, 1, 4, 4)
    >>> images[0, 0, 1] = 1.0  # a horizontal line in row 1
    >>> moments = patch_second_moments(images, 2)
    >>> moments.shape
    (1, 4, 4)
    >>> w = torch.tensor([1.0, 1.0, 0.0, 0.0]).double()  # top row
    >>> float(w @ torch.from_numpy(moments[0]) @ w)  # mean of (w.p)^2
    1.3333333333333333
    """
    images = check_images("images", images)
    size = _check_size(size, images)
    moments = []
    # One thread: the same sums on every machine, and several times faster than
    # torch's batched float64 products on a busy 2-core machine.
    with torch_threads(1):
        for batch in images.detach().cpu().split(_BATCH):
            patches = F.unfold(batch.double(), kernel_size=size)  # (B, d, positions)
            # Each image's sum of p p^T over positions, one matrix product.
            moments.append(patches @ patches.transpose(1, 2) / patches.shape[-1])
    return torch.cat(moments).numpy()


@dataclass(frozen=True, eq=False)
class PreferredKernel:
    """The kernels a one-kernel squared model prefers (see :func:`preferred_kernel`).

    Parameters
    ----------
    means : numpy.ndarray
        ``(2, d, d)``: the mean patch second-moment matrix of class
        ``classes[0]`` and that of class ``classes[1]``.
    difference : numpy.ndarray
        ``D = means[0] - means[1]``, ``(d, d)``.
    eigenvalues : numpy.ndarray
        ``(d,)``: the eigenvalues of ``D``, largest first.
    kernels : numpy.ndarray
        ``(d, C, size, size)``: the eigenvectors of ``D`` as kernels of
        length 1, in the order of ``eigenvalues``. ``kernels[0]`` separates
        the classes most in favour of ``classes[0]``, ``kernels[-1]`` in
        favour of ``classes[1]``. The sign of an eigenvector is arbitrary
        (and does not matter to a squared response); each is chosen so
        that its first entry that is not nearly zero is positive.
    classes : (int, int)
        The labels ``(a, b)`` of the two classes compared.
    """

    means: np.ndarray
    difference: np.ndarray
    eigenvalues: np.ndarray
    kernels: np.ndarray
    classes: tuple[int, int]

    @property
    def top(self) -> np.ndarray:
        """The kernel matched to class ``classes[0]``: ``kernels[0]``."""
        return self.kernels[0]

    @property
    def bottom(self) -> np.ndarray:
        """The kernel matched to class ``classes[1]``: ``kernels[-1]``."""
        return self.kernels[-1]

    def _flat(self, name: str, weights: Any) -> np.ndarray:
        """``weights`` ``(..., C, size, size)`` as ``(..., d)`` float64."""
        array = check_real_array(name, weights)
        shape = self.kernels.shape[1:]
        if array.shape[array.ndim - len(shape) :] != shape:
            raise ValueError(f"{name} must end with the kernels' shape {shape}, got {describe(array)}")
        return array.reshape(*array.shape[: array.ndim - len(shape)], -1)

    def components(self, weights: Any) -> np.ndarray:
        """Return the coordinates of kernels along the eigenvectors.

        Parameters
        ----------
        weights : torch.Tensor or numpy.ndarray
            One kernel ``(C, size, size)`` or several ``(..., C, size, size)``.

        Returns
        -------
        numpy.ndarray
            ``(..., d)``: entry ``j`` is the dot product with ``kernels[j]``.

        Raises
        ------
        TypeError, ValueError
            If ``weights`` is not real or not of the kernels' shape.
        """
        basis = self.kernels.reshape(len(self.kernels), -1)
        return self._flat("weights", weights) @ basis.T

    def alignment(self, weights: Any, rank: int = 0) -> np.ndarray:
        """Return ``|cosine|`` between kernels and the eigenvector ``kernels[rank]``.

        The sign of a kernel does not change its squared response, so the
        cosine's sign does not count.

        Parameters
        ----------
        weights : torch.Tensor or numpy.ndarray
            One kernel ``(C, size, size)`` or several ``(..., C, size, size)``.
        rank : int
            Which eigenvector: ``0`` is :attr:`top`, ``-1`` :attr:`bottom`.

        Returns
        -------
        numpy.ndarray
            ``(...)``, in ``[0, 1]``; 0 for a kernel of zeros.

        Raises
        ------
        TypeError, ValueError
            If an argument is invalid; the message names it.

        Examples
        --------
        >>> import torch
        >>> images = torch.zeros(2, 1, 6, 6)
        >>> images[0, 0, 2], images[1, 0, :, 2] = 1.0, 1.0
        >>> pref = preferred_kernel(images, torch.tensor([0, 1]), 3)
        >>> round(float(pref.alignment(-2 * pref.top)), 6)
        1.0
        """
        n = len(self.kernels)
        rank = check_int("rank", rank, low=-n, high=n - 1)
        flat = self._flat("weights", weights)
        lengths = np.linalg.norm(flat, axis=-1)
        dots = np.abs(flat @ self.kernels[rank].ravel())
        cosines = np.divide(dots, lengths, out=np.zeros_like(dots), where=lengths > 0)
        return np.minimum(cosines, 1.0)  # rounding can pass 1 by an ulp

    def grow(self, weights: Any, time: float) -> np.ndarray:
        """Return where the flow ``dw/dt = D w`` takes a kernel in ``time``: ``exp(time * D) w``.

        Gradient descent on the squared model follows this flow (up to the
        speed, which ``time`` absorbs) while every image of a class gets the
        same error signal: each eigenvector's component grows by ``exp(time
        * eigenvalue)``. A positive ``time`` grows the kernels of class
        ``classes[0]``, a negative one those of ``classes[1]``.

        Parameters
        ----------
        weights : torch.Tensor or numpy.ndarray
            One kernel ``(C, size, size)`` or several ``(..., C, size, size)``.
        time : float
            How long to follow the flow; any finite number.

        Returns
        -------
        numpy.ndarray
            Of the shape of ``weights``, float64.

        Raises
        ------
        TypeError, ValueError
            If an argument is invalid; the message names it.
        """
        time = check_float("time", time)
        coordinates = self.components(weights) * np.exp(time * self.eigenvalues)
        grown = coordinates @ self.kernels.reshape(len(self.kernels), -1)
        return grown.reshape(np.shape(check_real_array("weights", weights)))


def _check_labels(labels: Any, n_images: int) -> np.ndarray:
    """Integer class labels, one per image, as a numpy array."""
    if not isinstance(labels, (torch.Tensor, np.ndarray)):
        raise TypeError(
            f"labels must be a torch.Tensor or numpy.ndarray of class labels, got {describe(labels)}"
        )
    array = labels.detach().cpu().numpy() if isinstance(labels, torch.Tensor) else labels
    if array.dtype.kind not in "iu":
        raise TypeError(f"labels must have an integer dtype, got {describe(labels)}")
    if array.shape != (n_images,):
        raise ValueError(f"labels must have shape ({n_images},), one per image, got shape {array.shape}")
    return array


def preferred_kernel(images: Any, labels: Any, size: int, *, classes: Any = (0, 1)) -> PreferredKernel:
    """Return the kernels whose squared response tells two classes apart most.

    With ``C(x)`` from :func:`patch_second_moments`, the difference of the
    class means, ``D = mean C(class a) - mean C(class b)``, gives for any
    kernel ``w`` the difference of the classes' mean squared responses,
    ``w^T D w``. Over kernels of length 1, the largest eigenvalue of ``D``
    is its largest value, reached at its eigenvector (``kernels[0]``); the
    smallest eigenvalue is its most negative value, at ``kernels[-1]``,
    the kernel that favours class ``b`` most. The result is deterministic.

    Parameters
    ----------
    images : torch.Tensor
        ``(N, C, H, W)``, floating point.
    labels : torch.Tensor or numpy.ndarray
        ``(N,)`` integer class labels.
    size : int
        The kernel's side, from 1 to ``min(H, W)``.
    classes : (int, int)
        The labels ``(a, b)`` of the two classes to compare; each must
        label at least one image.

    Returns
    -------
    PreferredKernel
        The class means of ``C(x)``, ``D``, its eigenvalues (largest first)
        and its eigenvectors as kernels.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it.

    Examples
    --------
    >>> import torch
    >>> images = torch.zeros(2, 1, 6, 6)
    >>> images[0, 0, 2] = 1.0  # a horizontal line: class 0
    >>> images[1, 0, :, 2] = 1.0  # a vertical line: class 1
    >>> pref = preferred_kernel(images, torch.tensor([0, 1]), 3)
    >>> pref.kernels.shape, pref.classes
    ((9, 1, 3, 3), (0, 1))
    >>> rows = pref.top[0]  # constant along each row
    >>> bool(abs(rows - rows[:, :1]).max() < 1e-9)
    True
    """
    images = check_images("images", images)
    size = _check_size(size, images)
    labels = _check_labels(labels, len(images))
    if isinstance(classes, (str, bytes)) or not hasattr(classes, "__len__") or len(classes) != 2:
        raise TypeError(f"classes must be a pair of labels (a, b), got {describe(classes)}")
    a, b = (check_int(f"classes[{i}]", c) for i, c in enumerate(classes))
    if a == b:
        raise ValueError(f"classes must name two different labels, got ({a}, {b})")
    for c in (a, b):
        if not (labels == c).any():
            raise ValueError(
                f"classes: no image has the label {c} (labels present: {sorted(set(labels.tolist()))})"
            )
    moments = patch_second_moments(images, size)
    means = np.stack([moments[labels == c].mean(axis=0) for c in (a, b)])
    means = (means + means.transpose(0, 2, 1)) / 2  # symmetric to the last bit, for eigh
    difference = means[0] - means[1]
    eigenvalues, vectors = np.linalg.eigh(difference)  # ascending
    eigenvalues, vectors = eigenvalues[::-1].copy(), vectors[:, ::-1].T.copy()  # largest first, one per row
    # An eigenvector's sign is arbitrary: make the first entry that is not nearly zero positive.
    first = np.argmax(np.abs(vectors) > 1e-6 * np.abs(vectors).max(axis=1, keepdims=True), axis=1)
    vectors *= np.sign(vectors[np.arange(len(vectors)), first])[:, None]
    kernels = vectors.reshape(len(vectors), images.shape[1], size, size)
    return PreferredKernel(means, difference, eigenvalues, kernels, (a, b))
