"""Tests of cnnexplain.data: the line images and LineDataset."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnexplain.data import ORIENTATIONS, LineDataset, make_lines

# -- helpers -------------------------------------------------------------------


def _runs(indices: np.ndarray) -> bool:
    """True if the sorted integer ``indices`` are consecutive."""
    return len(indices) > 0 and indices[-1] - indices[0] + 1 == len(indices)


def line_geometry(image: torch.Tensor, orientation: str) -> tuple[int, int]:
    """Check that ``image`` (1, S, S) holds exactly one clean line drawn in
    ``orientation``; return its ``(thickness, length)``."""
    bright = image[0].numpy() > 0.5
    assert set(np.unique(image.numpy())) <= {0.0, 1.0}
    if orientation == "vertical":
        bright = bright.T
    rows = np.flatnonzero(bright.any(axis=1))
    cols = np.flatnonzero(bright.any(axis=0))
    assert _runs(rows) and _runs(cols), "the bright pixels must form one connected line"
    if orientation in ("horizontal", "vertical"):
        # A filled rectangle: thickness rows by length columns.
        assert bright.sum() == len(rows) * len(cols)
        return len(rows), len(cols)
    # A diagonal: in every row the same number of consecutive pixels, shifted
    # by one column per row: to the right going down for "diagonal" (\), to
    # the left for "antidiagonal" (/).
    starts, widths = [], []
    for r in rows:
        c = np.flatnonzero(bright[r])
        assert _runs(c)
        starts.append(c[0])
        widths.append(len(c))
    assert len(set(widths)) == 1
    step = 1 if orientation == "diagonal" else -1
    assert np.all(np.diff(starts) == step)
    length, thickness = len(rows), widths[0]
    assert len(cols) == length + thickness - 1
    return thickness, length


# -- shapes, types, balance ------------------------------------------------------


def test_defaults_shape_dtype_range_and_balance():
    data = make_lines(n_per_class=15, seed=0)
    assert data.images.shape == (30, 1, 50, 50)
    assert data.images.dtype == torch.float32
    assert data.labels.dtype == torch.int64 and data.labels.shape == (30,)
    assert data.classes == ("horizontal", "vertical")
    assert float(data.images.min()) == 0.0 and float(data.images.max()) == 1.0
    assert data.class_counts() == [15, 15]
    # Shuffled order, not all of one class first.
    assert data.labels[:15].tolist() != [0] * 15


def test_config_is_recorded():
    data = make_lines(n_per_class=2, size=16, thickness=2, length=(5, 9), noise=0.1, seed=7)
    assert data.config == {
        "n_per_class": 2,
        "size": 16,
        "thickness": [2, 2],
        "length": [5, 9],
        "noise": 0.1,
        "orientations": ["horizontal", "vertical"],
        "seed": 7,
    }


@st.composite
def line_settings(draw):
    size = draw(st.integers(8, 40))
    t0 = draw(st.integers(1, 4))
    t1 = draw(st.integers(t0, t0 + 3))
    orientations = draw(st.lists(st.sampled_from(ORIENTATIONS), min_size=1, max_size=4, unique=True))
    if draw(st.booleans()):
        length = None
    else:
        # Room for a diagonal: length + thickness - 1 <= size.
        l1 = draw(st.integers(1, size - t1 + 1))
        length = (draw(st.integers(1, l1)), l1)
    return {
        "n_per_class": draw(st.integers(1, 4)),
        "size": size,
        "thickness": (t0, t1),
        "length": length,
        "orientations": tuple(orientations),
        "seed": draw(st.integers(0, 2**32 - 1)),
    }


@settings(max_examples=40, deadline=None)
@given(line_settings())
def test_every_image_holds_one_line_of_its_class(kw):
    data = make_lines(**kw)
    size, (t0, t1) = kw["size"], kw["thickness"]
    if kw["length"] is None:  # the documented default
        diagonal = any(o in ("diagonal", "antidiagonal") for o in kw["orientations"])
        high = size - t1 + 1 if diagonal else size
        l0, l1 = min(size // 2, high), high
    else:
        l0, l1 = kw["length"]
    n = kw["n_per_class"] * len(kw["orientations"])
    assert data.images.shape == (n, 1, size, size) and data.images.dtype == torch.float32
    assert data.classes == kw["orientations"]
    assert data.class_counts() == [kw["n_per_class"]] * len(kw["orientations"])
    for image, label in zip(data.images, data.labels):
        thickness, length = line_geometry(image, data.classes[label])
        # The line spans at most max-thickness rows and at least min-length
        # columns (transposed for vertical lines), within the ranges.
        assert t0 <= thickness <= t1
        assert l0 <= length <= l1


def test_thickness_length_and_position_vary_over_their_ranges():
    data = make_lines(n_per_class=150, size=30, thickness=(1, 3), length=(10, 12), seed=1)
    geometry, tops = set(), set()
    for image in data.of_class("horizontal").images:
        geometry.add(line_geometry(image, "horizontal"))
        tops.add(int(np.flatnonzero(image[0].numpy().any(axis=1))[0]))
    assert {t for t, _ in geometry} == {1, 2, 3}
    assert {L for _, L in geometry} == {10, 11, 12}
    assert len(tops) >= 20  # the position is random, not fixed
    assert min(tops) == 0 and max(tops) >= 26  # lines reach both borders


def test_diagonal_and_antidiagonal_are_drawn_as_documented():
    data = make_lines(
        n_per_class=5, size=12, thickness=1, length=4, orientations=("diagonal", "antidiagonal"), seed=2
    )
    for image, label in zip(data.images, data.labels):
        r, c = np.nonzero(image[0].numpy())
        assert len(r) == 4
        if data.classes[label] == "diagonal":  # "\": column grows with the row
            assert len(set(c - r)) == 1
        else:  # "/": column shrinks as the row grows
            assert len(set(c + r)) == 1


def test_diagonal_default_length_fits_the_image():
    # The default length (size // 2, size) would not fit a 3-pixel-thick
    # diagonal in 20 columns; the default must leave room for it.
    data = make_lines(n_per_class=20, size=20, orientations=("diagonal", "antidiagonal"), seed=0)
    assert data.config["length"] == [10, 18]
    for image, label in zip(data.images, data.labels):
        line_geometry(image, data.classes[label])


# -- noise -----------------------------------------------------------------------


def test_noise_is_gaussian_and_clipped_to_unit_interval():
    clean = make_lines(n_per_class=30, size=20, seed=5)
    noisy = make_lines(n_per_class=30, size=20, noise=0.2, seed=5)
    assert torch.equal(clean.labels, noisy.labels)  # same lines, noise added after
    x = noisy.images
    assert x.dtype == torch.float32
    assert float(x.min()) == 0.0 and float(x.max()) == 1.0
    on, off = x[clean.images == 1], x[clean.images == 0]
    # Half the noise pushes line pixels above 1 and background below 0:
    # clipped to exactly 1 and 0.
    assert 0.4 < float((on == 1).float().mean()) < 0.6
    assert 0.4 < float((off == 0).float().mean()) < 0.6
    assert float(on.min()) < 0.8 and float(off.max()) > 0.2
    # E[max(0, N(0, s))] = s / sqrt(2 pi) on the background.
    assert float(off.mean()) == pytest.approx(0.2 / math.sqrt(2 * math.pi), abs=0.01)


# -- determinism -----------------------------------------------------------------


@pytest.mark.parametrize("noise", [0.0, 0.1])
def test_same_seed_same_bytes_other_seed_other_images(noise):
    a = make_lines(n_per_class=10, size=16, noise=noise, seed=11)
    b = make_lines(n_per_class=10, size=16, noise=noise, seed=11)
    c = make_lines(n_per_class=10, size=16, noise=noise, seed=12)
    assert a.images.numpy().tobytes() == b.images.numpy().tobytes()
    assert a.labels.numpy().tobytes() == b.labels.numpy().tobytes()
    assert a.images.numpy().tobytes() != c.images.numpy().tobytes()


def test_global_random_state_is_neither_used_nor_changed():
    # The legacy global generator of numpy is what must stay untouched.
    torch_before, np_before = torch.random.get_rng_state(), np.random.get_state()  # noqa: NPY002
    a = make_lines(n_per_class=5, size=12, noise=0.1, seed=4)
    assert torch.equal(torch.random.get_rng_state(), torch_before)
    assert np.array_equal(np.random.get_state()[1], np_before[1])  # noqa: NPY002
    assert np.random.get_state()[2] == np_before[2]  # noqa: NPY002
    try:  # other global states, same images
        torch.manual_seed(99)
        np.random.seed(9)  # noqa: NPY002
        b = make_lines(n_per_class=5, size=12, noise=0.1, seed=4)
    finally:
        torch.random.set_rng_state(torch_before)
        np.random.set_state(np_before)  # noqa: NPY002
    assert torch.equal(a.images, b.images)


# -- split -----------------------------------------------------------------------


def numbered(counts=(10, 6, 4)) -> LineDataset:
    """A data set whose image ``i`` is filled with ``i / 1000``: each image is
    identifiable by its value. Unbalanced classes on purpose."""
    n = sum(counts)
    labels = torch.cat([torch.full((k,), c, dtype=torch.int64) for c, k in enumerate(counts)])
    images = (torch.arange(n, dtype=torch.float32) / 1000).view(n, 1, 1, 1).repeat(1, 1, 4, 4)
    return LineDataset(images, labels, ("a", "b", "c"))


def ids(data: LineDataset) -> list[int]:
    return [round(float(v) * 1000) for v in data.images[:, 0, 0, 0]]


@pytest.mark.parametrize("fraction", [0.25, 0.5, 0.7])
def test_split_is_stratified_disjoint_and_complete(fraction):
    data = numbered()
    train, test = data.split(test_fraction=fraction, seed=3)
    assert test.class_counts() == [round(fraction * k) for k in (10, 6, 4)]
    assert [a + b for a, b in zip(train.class_counts(), test.class_counts())] == [10, 6, 4]
    a, b = set(ids(train)), set(ids(test))
    assert not a & b
    assert a | b == set(range(20))
    # Labels travel with their images.
    for part in (train, test):
        for i, label in zip(ids(part), part.labels.tolist()):
            assert data.labels[i] == label
    assert train.classes == test.classes == data.classes


def test_split_is_deterministic_and_depends_on_seed():
    data = numbered()
    first = [ids(part) for part in data.split(0.5, seed=1)]
    again = [ids(part) for part in data.split(0.5, seed=1)]
    other = [ids(part) for part in data.split(0.5, seed=2)]
    assert first == again
    assert first != other


def test_split_of_generated_data_records_the_split():
    train, test = make_lines(n_per_class=10, size=12, seed=0).split(test_fraction=0.2, seed=5)
    assert train.class_counts() == [8, 8] and test.class_counts() == [2, 2]
    assert train.config["split"] == {"test_fraction": 0.2, "seed": 5, "part": "train"}
    assert test.config["split"]["part"] == "test"
    assert train.config["n_per_class"] == 10


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"test_fraction": 0.0}, ValueError),
        ({"test_fraction": 1.0}, ValueError),
        ({"test_fraction": -0.2}, ValueError),
        ({"test_fraction": float("nan")}, ValueError),
        ({"test_fraction": "0.2"}, TypeError),
        ({"test_fraction": 0.01}, ValueError),  # a class would get no test image
        ({"test_fraction": 0.99}, ValueError),  # ... or no training image
    ],
)
def test_split_rejects_bad_fraction(kwargs, error):
    with pytest.raises(error, match="test_fraction"):
        numbered().split(**kwargs)


@pytest.mark.parametrize(("seed", "error"), [(-1, ValueError), (1.5, TypeError), ("0", TypeError)])
def test_split_rejects_bad_seed(seed, error):
    with pytest.raises(error, match="seed"):
        numbered().split(0.5, seed=seed)


# -- LineDataset -------------------------------------------------------------------


def test_len_indexing_and_repr():
    data = numbered()
    assert len(data) == 20
    image, label = data[3]
    assert image.shape == (1, 4, 4) and int(label) == 0
    assert ids(data[-1:]) == [19]
    image, label = data[-1]
    assert float(image[0, 0, 0]) == pytest.approx(0.019) and int(label) == 2
    with pytest.raises(IndexError, match="index"):
        data[20]
    with pytest.raises(IndexError, match="index"):
        data[-21]
    part = data[2:5]
    assert isinstance(part, LineDataset) and ids(part) == [2, 3, 4]
    assert ids(data[[5, 1]]) == [5, 1]
    assert ids(data[np.array([7, 8])]) == [7, 8]
    assert ids(data[torch.tensor([0, 19])]) == [0, 19]
    assert ids(data[data.labels == 2]) == [16, 17, 18, 19]
    assert len(data[[]]) == 0
    with pytest.raises(TypeError, match="index"):
        data[1.5]
    with pytest.raises(TypeError, match="index"):
        data[[0.5, 1.5]]
    assert repr(data) == "LineDataset(20 images of 4x4: a=10, b=6, c=4)"
    assert repr(make_lines(n_per_class=3, size=10)) == (
        "LineDataset(6 images of 10x10: horizontal=3, vertical=3)"
    )


def test_of_class():
    data = numbered()
    b = data.of_class("b")
    assert ids(b) == list(range(10, 16))
    assert b.labels.tolist() == [1] * 6 and b.classes == data.classes
    with pytest.raises(ValueError, match="name"):
        data.of_class("diagonal")
    with pytest.raises(TypeError, match="name"):
        data.of_class(1)


@pytest.mark.parametrize(
    ("images", "labels", "classes", "error", "name"),
    [
        (
            torch.zeros(2, 1, 4, 4, dtype=torch.float64),
            torch.zeros(2, dtype=torch.int64),
            ("a",),
            TypeError,
            "images",
        ),
        (torch.zeros(2, 4, 4), torch.zeros(2, dtype=torch.int64), ("a",), TypeError, "images"),
        (np.zeros((2, 1, 4, 4), np.float32), torch.zeros(2, dtype=torch.int64), ("a",), TypeError, "images"),
        (torch.zeros(2, 3, 4, 4), torch.zeros(2, dtype=torch.int64), ("a",), ValueError, "images"),
        (torch.zeros(2, 1, 4, 4), torch.zeros(2, dtype=torch.int32), ("a",), TypeError, "labels"),
        (torch.zeros(2, 1, 4, 4), torch.zeros(3, dtype=torch.int64), ("a",), ValueError, "labels"),
        (torch.zeros(2, 1, 4, 4), torch.tensor([0, 1]), ("a",), ValueError, "labels"),
        (torch.zeros(2, 1, 4, 4), torch.tensor([0, -1]), ("a",), ValueError, "labels"),
        (torch.zeros(2, 1, 4, 4), torch.tensor([0, 0]), ["a"], TypeError, "classes"),
    ],
)
def test_line_dataset_validates_its_fields(images, labels, classes, error, name):
    with pytest.raises(error, match=name):
        LineDataset(images, labels, classes)


# -- bad input to make_lines ---------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"n_per_class": 0}, ValueError, "n_per_class"),
        ({"n_per_class": -5}, ValueError, "n_per_class"),
        ({"n_per_class": 10**9}, ValueError, "n_per_class"),
        ({"n_per_class": 2.5}, TypeError, "n_per_class"),
        ({"n_per_class": True}, TypeError, "n_per_class"),
        ({"n_per_class": "10"}, TypeError, "n_per_class"),
        ({"size": 7}, ValueError, "size"),
        ({"size": 100_000}, ValueError, "size"),
        ({"size": 20.0}, TypeError, "size"),
        ({"thickness": 0}, ValueError, "thickness"),
        ({"thickness": (3, 1)}, ValueError, "thickness"),
        ({"thickness": (1, 51)}, ValueError, "thickness"),
        ({"thickness": (1, 2, 3)}, TypeError, "thickness"),
        ({"thickness": "2"}, TypeError, "thickness"),
        ({"thickness": (1.0, 2)}, TypeError, "thickness"),
        ({"length": 0}, ValueError, "length"),
        ({"length": (30, 20)}, ValueError, "length"),
        ({"length": (10, 51)}, ValueError, "length"),
        ({"length": 12.5}, TypeError, "length"),
        ({"noise": -0.1}, ValueError, "noise"),
        ({"noise": 1.5}, ValueError, "noise"),
        ({"noise": float("nan")}, ValueError, "noise"),
        ({"noise": "low"}, TypeError, "noise"),
        ({"orientations": ("horizontal", "slanted")}, ValueError, "orientations"),
        ({"orientations": ("horizontal", "horizontal")}, ValueError, "orientations"),
        ({"orientations": ()}, ValueError, "orientations"),
        ({"orientations": "horizontal"}, TypeError, "orientations"),
        ({"orientations": ("horizontal", 2)}, TypeError, "orientations"),
        ({"orientations": None}, TypeError, "orientations"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": 1.0}, TypeError, "seed"),
        # A diagonal line that cannot fit: 50 + 3 - 1 columns in 50.
        ({"orientations": ("diagonal",), "length": 50, "thickness": 3}, ValueError, "diagonal"),
    ],
)
def test_make_lines_rejects_bad_input(kwargs, error, name):
    with pytest.raises(error, match=name):
        make_lines(n_per_class=kwargs.pop("n_per_class", 2), **kwargs)
