"""Images of straight lines: the toy data set of the whole project.

Every image holds one bright straight line on a black background. The line's
orientation is the class; its position, thickness and length are random.
Telling horizontal from vertical lines is trivial for a person and for an edge
detector, which is what makes it a good place to watch a CNN learn one.

Examples
--------
>>> from cnnexplain.data import make_lines
>>> data = make_lines(n_per_class=10, seed=0)
>>> data.images.shape, data.classes
(torch.Size([20, 1, 50, 50]), ('horizontal', 'vertical'))
>>> train_set, test_set = data.split(test_fraction=0.2, seed=0)
>>> len(train_set), len(test_set)
(16, 4)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from ._checks import check_choice, check_float, check_images, check_int, check_int_range, check_seed, describe

__all__ = ["ORIENTATIONS", "LineDataset", "make_lines"]

#: The orientations :func:`make_lines` can draw. ``"diagonal"`` runs from the
#: top-left towards the bottom-right corner (like a matrix diagonal, ``\``),
#: ``"antidiagonal"`` from the bottom-left towards the top-right (``/``).
ORIENTATIONS = ("horizontal", "vertical", "diagonal", "antidiagonal")


@dataclass(frozen=True, eq=False)
class LineDataset:
    """A labelled set of single-channel images.

    Parameters
    ----------
    images : torch.Tensor
        Float32 tensor of shape ``(N, 1, H, W)`` with values in ``[0, 1]``.
    labels : torch.Tensor
        Int64 tensor of shape ``(N,)``; ``labels[i]`` indexes ``classes``.
    classes : tuple of str
        The class names, in label order.
    config : dict
        The settings that made the data set (JSON-serializable); used to
        describe and cache training runs.

    Notes
    -----
    ``len(data)`` is the number of images. ``data[i]`` returns the pair
    ``(image, label)`` with ``image`` of shape ``(1, H, W)``; indexing with a
    slice, a list or a tensor of indices returns a new :class:`LineDataset`.
    """

    images: torch.Tensor
    labels: torch.Tensor
    classes: tuple[str, ...]
    config: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        images = self.images
        if not isinstance(images, torch.Tensor) or images.ndim != 4 or images.dtype != torch.float32:
            raise TypeError(f"images must be a float32 tensor of shape (N, 1, H, W), got {describe(images)}")
        if images.shape[1] != 1:
            raise ValueError(f"images must have one channel, got shape {tuple(images.shape)}")
        _check_labels("labels", self.labels, len(images))
        if not isinstance(self.classes, tuple) or not all(isinstance(c, str) for c in self.classes):
            raise TypeError(f"classes must be a tuple of str, got {describe(self.classes)}")
        if len(self.labels) and (self.labels.min() < 0 or self.labels.max() >= len(self.classes)):
            raise ValueError(f"labels must lie in [0, {len(self.classes) - 1}]")

    def __len__(self) -> int:
        return int(self.images.shape[0])

    def __getitem__(self, index):
        if isinstance(index, (int, np.integer)) and not isinstance(index, bool):
            n = len(self)
            if not -n <= index < n:
                raise IndexError(f"index must be in [{-n}, {n - 1}], got {index}")
            return self.images[index], self.labels[index]
        if not isinstance(index, slice):
            index = torch.as_tensor(index)
            if index.numel() == 0 and index.dtype.is_floating_point:
                index = index.to(torch.int64)  # an empty list of indices selects nothing
            if index.dtype not in (torch.int64, torch.int32, torch.bool):
                raise TypeError(f"index must be an int, a slice or integer indices, got {describe(index)}")
        return self._subset(index, self.config)

    def __repr__(self) -> str:
        size = "x".join(str(s) for s in self.images.shape[-2:])
        counts = ", ".join(f"{c}={n}" for c, n in zip(self.classes, self.class_counts()))
        return f"LineDataset({len(self)} images of {size}: {counts})"

    def _subset(self, index: slice | torch.Tensor, config: dict[str, Any]) -> LineDataset:
        images, labels = self.images[index].contiguous(), self.labels[index].contiguous()
        return LineDataset(images, labels, self.classes, dict(config))

    def class_counts(self) -> list[int]:
        """Return the number of images of each class.

        Returns
        -------
        list of int
            One count per class, in the order of ``classes``.
        """
        return torch.bincount(self.labels, minlength=len(self.classes)).tolist()

    def of_class(self, name: str) -> LineDataset:
        """Return the images of the class called ``name``.

        Parameters
        ----------
        name : str
            One of ``classes``.

        Returns
        -------
        LineDataset
            The images of that class, with their labels and all the classes.
        """
        check_choice("name", name, self.classes)
        return self[self.labels == self.classes.index(name)]

    def split(self, test_fraction: float = 0.2, seed: int = 0) -> tuple[LineDataset, LineDataset]:
        """Split into a training and a test set, stratified by class.

        Parameters
        ----------
        test_fraction : float
            Fraction of each class that goes to the test set, in ``(0, 1)``.
        seed : int
            Seed of the shuffle; the same seed gives the same split.

        Returns
        -------
        train : LineDataset
            The images left for training.
        test : LineDataset
            Each class contributes ``round(test_fraction * count)`` of its
            images; disjoint from ``train``.

        Raises
        ------
        ValueError
            If a class would end up with no image in either subset.
        """
        test_fraction = check_float(
            "test_fraction", test_fraction, low=0, high=1, low_open=True, high_open=True
        )
        seed = check_seed("seed", seed)
        rng = np.random.default_rng(seed)
        labels = self.labels.numpy()
        train_idx, test_idx = [], []
        for c, name in enumerate(self.classes):
            members = np.flatnonzero(labels == c)
            n_test = round(test_fraction * len(members))
            if len(members) and not 0 < n_test < len(members):
                raise ValueError(
                    f"test_fraction={test_fraction} leaves class {name!r} ({len(members)} images) "
                    "with no image in the training or the test set"
                )
            members = rng.permutation(members)
            test_idx.append(members[:n_test])
            train_idx.append(members[n_test:])

        def part(indices: list[np.ndarray], name: str) -> LineDataset:
            split = {"test_fraction": test_fraction, "seed": seed, "part": name}
            return self._subset(
                torch.from_numpy(np.sort(np.concatenate(indices))), {**self.config, "split": split}
            )

        return part(train_idx, "train"), part(test_idx, "test")


def _line(orientation: str, thick: int, length: int) -> np.ndarray:
    """The pixels of one line: a float32 array of 0 and 1 just large enough to hold it.

    A diagonal line covers ``length`` pixels along each axis; its thickness
    stacks copies shifted by one column.
    """
    if orientation == "horizontal":
        return np.ones((thick, length), np.float32)
    if orientation == "vertical":
        return np.ones((length, thick), np.float32)
    line = np.zeros((length, length + thick - 1), np.float32)
    steps = np.arange(length)
    for k in range(thick):
        line[steps, steps + k] = 1.0
    return line if orientation == "diagonal" else line[::-1]  # antidiagonal: from the bottom-left


def make_lines(
    n_per_class: int = 600,
    size: int = 50,
    *,
    thickness: int | tuple[int, int] = (1, 3),
    length: int | tuple[int, int] | None = None,
    noise: float = 0.0,
    orientations: Sequence[str] = ("horizontal", "vertical"),
    seed: int = 0,
) -> LineDataset:
    """Draw a balanced data set of line images, one class per orientation.

    Each image is black (0) with one white (1) straight line at a random
    position; the line's thickness and length are drawn uniformly from the
    given inclusive ranges. The images come in a shuffled order.

    Parameters
    ----------
    n_per_class : int
        Number of images of each orientation, in ``[1, 100000]``. The
        article used about 600.
    size : int
        Width and height of the square images in pixels, in ``[8, 512]``.
    thickness : int or (int, int)
        Line thickness in pixels, or an inclusive ``(min, max)`` range.
    length : int or (int, int), optional
        Line length in pixels along its main axis, or an inclusive range.
        Defaults to ``(size // 2, size)``, or, when a diagonal is drawn, to
        ``(size // 2, size - max_thickness + 1)``: a diagonal line of length
        ``L`` spans ``L`` rows and ``L + thickness - 1`` columns.
    noise : float
        Standard deviation of Gaussian pixel noise added to every pixel,
        after which values are clipped to ``[0, 1]``. ``0`` means none.
    orientations : sequence of str
        The classes, in label order: distinct names from
        :data:`ORIENTATIONS`.
    seed : int
        Seed of the random generator; the same seed gives the same bytes.

    Returns
    -------
    LineDataset
        ``n_per_class * len(orientations)`` images of shape
        ``(1, size, size)``.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid, or a line of the requested length and
        thickness cannot fit; the message names the argument.

    Examples
    --------
    >>> orientations = ("diagonal", "antidiagonal")
    >>> data = make_lines(n_per_class=3, size=20, orientations=orientations)
    >>> data.class_counts()
    [3, 3]
    """
    n_per_class = check_int("n_per_class", n_per_class, low=1, high=100_000)
    size = check_int("size", size, low=8, high=512)
    thick = check_int_range("thickness", thickness, low=1, high=size)
    noise = check_float("noise", noise, low=0.0, high=1.0)
    seed = check_seed("seed", seed)
    if isinstance(orientations, str) or not isinstance(orientations, Sequence):
        raise TypeError(
            f"orientations must be a sequence of names from {list(ORIENTATIONS)}, got {describe(orientations)}"
        )
    orientations = tuple(orientations)
    for name in orientations:
        check_choice("orientations", name, ORIENTATIONS)
    if len(orientations) < 1 or len(set(orientations)) != len(orientations):
        raise ValueError(f"orientations must be distinct names, at least one, got {orientations!r}")
    # A diagonal line spans length + thickness - 1 columns: by default, the longest fits.
    diagonal = any(o in ("diagonal", "antidiagonal") for o in orientations)
    longest = size - thick[1] + 1 if diagonal else size
    lengths = check_int_range(
        "length", (min(size // 2, longest), longest) if length is None else length, low=1, high=size
    )
    if diagonal and lengths[1] + thick[1] - 1 > size:
        raise ValueError(
            f"a diagonal line of length {lengths[1]} and thickness {thick[1]} needs "
            f"{lengths[1] + thick[1] - 1} columns, more than size={size}; lower length or thickness"
        )

    rng = np.random.default_rng(seed)
    n_classes = len(orientations)
    n = n_per_class * n_classes
    labels = rng.permutation(np.repeat(np.arange(n_classes), n_per_class))
    thicks = rng.integers(thick[0], thick[1] + 1, size=n)
    lens = rng.integers(lengths[0], lengths[1] + 1, size=n)
    # Uniform positions: a fraction in [0, 1) scaled to the room left.
    u_row, u_col = rng.random(n), rng.random(n)
    images = np.zeros((n, 1, size, size), dtype=np.float32)
    for i in range(n):
        line = _line(orientations[labels[i]], int(thicks[i]), int(lens[i]))
        height, width = line.shape
        row = int(u_row[i] * (size - height + 1))
        col = int(u_col[i] * (size - width + 1))
        images[i, 0, row : row + height, col : col + width] = line
    if noise > 0:
        images += rng.normal(0.0, noise, size=images.shape).astype(np.float32)
        np.clip(images, 0.0, 1.0, out=images)
    config = {
        "n_per_class": n_per_class,
        "size": size,
        "thickness": list(thick),
        "length": list(lengths),
        "noise": noise,
        "orientations": list(orientations),
        "seed": seed,
    }
    labels = torch.from_numpy(labels.astype(np.int64))
    return LineDataset(torch.from_numpy(images), labels, orientations, config)


def as_images_labels(name: str, data: Any) -> tuple[torch.Tensor, torch.Tensor]:
    """Return ``(images, labels)`` of a :class:`LineDataset` or an ``(images, labels)`` pair, checked.

    ``name`` names the argument in error messages.
    """
    if isinstance(data, LineDataset):
        data = (data.images, data.labels)
    if not isinstance(data, tuple) or len(data) != 2:
        raise TypeError(
            f"{name} must be a LineDataset or an (images, labels) pair of tensors, got {describe(data)}"
        )
    images, labels = data
    check_images(f"{name} images", images)
    _check_labels(f"{name} labels", labels, len(images))
    return images, labels


def _check_labels(name: str, labels: Any, n_images: int) -> None:
    if not isinstance(labels, torch.Tensor) or labels.dtype != torch.int64 or labels.ndim != 1:
        raise TypeError(f"{name} must be an int64 tensor of shape (N,), got {describe(labels)}")
    if len(labels) != n_images:
        raise ValueError(f"{name} must have one entry per image ({n_images}), got {len(labels)}")


#: Most pixels of a data set rebuilt from settings that came with a file: 2**25 (128 MB as
#: float32). The default run's data set has 3,000,000 (1,200 images of 50x50 pixels).
MAX_DATA_PIXELS = 2**25


def check_data_pixels(settings: dict, where: str, limit: int, what: str) -> None:
    """Refuse line-image settings that describe more than ``limit`` pixels, before any is drawn.

    ``settings`` holds :func:`~cnnexplain.data.make_lines`'s arguments;
    settings of the wrong types are left to it. ``where`` names them in the
    message and ``what`` says what the limit is for.
    """
    count, size, orientations = (settings.get(k) for k in ("n_per_class", "size", "orientations"))
    if type(count) is not int or type(size) is not int or not isinstance(orientations, (list, tuple)):
        return
    images = count * len(orientations)
    if images * size * size > limit:
        raise ValueError(
            f"{where} describes {images:,} images of {size}x{size} pixels, "
            f"{images * size * size:,} pixels, more than the {limit:,} {what}"
        )
