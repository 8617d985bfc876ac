"""change_size and match_change_size: their values, shapes and argument checks."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnexplain.analysis import change_size, is_edge_detector, match_change_size
from cnnexplain.edges import edge_template


def twins(seed=0, shape=(5, 4)):
    """Starts and two trained versions of them, ``(*shape, 7, 7)``."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(-1, 1, (*shape, 7, 7))
    return start, start + 0.3 * rng.normal(size=start.shape), start + 2.0 * rng.normal(size=start.shape)


# -- change_size --------------------------------------------------------------------------
def test_change_size_is_the_length_of_the_change_over_that_of_the_start():
    start, a, _ = twins()
    size = change_size(start, a)
    flat = lambda k: k.reshape(*k.shape[:-2], -1)  # noqa: E731
    expected = np.linalg.norm(flat(a - start), axis=-1) / np.linalg.norm(flat(start), axis=-1)
    assert size.shape == (5, 4) and size.dtype == np.float64
    np.testing.assert_allclose(size, expected)


def test_change_size_ignores_sign_and_is_zero_for_no_change():
    start, a, _ = twins()
    np.testing.assert_allclose(change_size(start, a), change_size(start, 2 * start - a))
    assert (change_size(start, start) == 0).all()


def test_change_size_of_one_kernel_is_0d_and_tensors_work():
    k = np.arange(1.0, 10.0).reshape(3, 3)
    size = change_size(torch.tensor(k), torch.tensor(2 * k))
    assert size.shape == () and float(size) == pytest.approx(1.0)


def test_change_size_broadcasts_one_start_against_many_arms():
    start, a, b = twins(shape=(5,))
    both = np.stack([a, b], axis=1)  # (5, 2, 7, 7)
    size = change_size(start[:, None], both)
    assert size.shape == (5, 2)
    np.testing.assert_allclose(size[:, 1], change_size(start, b))


# -- match_change_size --------------------------------------------------------------------
def test_matched_change_has_the_reference_length_and_its_own_shape():
    start, small, big = twins()
    matched = match_change_size(start, small, big)
    assert matched.shape == start.shape and matched.dtype == np.float64
    np.testing.assert_allclose(change_size(start, matched), change_size(start, big))
    # The same direction as the change it rescales: correlation 1, a positive factor.
    d, m = (small - start).reshape(20, -1), (matched - start).reshape(20, -1)
    cos = (d * m).sum(1) / np.linalg.norm(d, axis=1) / np.linalg.norm(m, axis=1)
    np.testing.assert_allclose(cos, 1.0)


def test_matching_a_change_to_itself_returns_the_kernels():
    start, a, _ = twins()
    np.testing.assert_allclose(match_change_size(start, a, a), a)


def test_where_the_reference_did_not_move_the_start_is_returned():
    start, a, b = twins(shape=(3,))
    reference = b.copy()
    reference[1] = start[1]
    matched = match_change_size(start, a, reference)
    np.testing.assert_array_equal(matched[1], start[1])
    np.testing.assert_allclose(change_size(start[0], matched[0]), change_size(start[0], b[0]))


def test_a_small_edge_grows_into_a_detector_at_a_larger_size():
    # An edge added to a strong random start: hidden at a tenth of the start's length, found
    # when the change is rescaled to three times it (SNR 3, where the test finds edges).
    start = np.random.default_rng(1).normal(size=(7, 7))
    edge = edge_template(7, 0).double().numpy()
    final = start + 0.1 * np.linalg.norm(start) * edge / np.linalg.norm(edge)
    reference = start + 3.0 * start  # any change three times the start's length
    assert not is_edge_detector(final)
    assert is_edge_detector(match_change_size(start, final, reference))


@pytest.mark.parametrize(
    ("args", "error", "word"),
    [
        (([[1.0, 2.0], [3.0, 4.0]], np.ones((2, 2))), TypeError, "initial"),
        ((np.ones((2, 2)), np.array([["a", "b"], ["c", "d"]])), TypeError, "final"),
        ((np.ones((2, 2)), np.ones((2, 2), dtype=bool)), TypeError, "final"),
        ((np.ones(4), np.ones(4)), ValueError, r"initial must have shape \(\.\.\., h, w\)"),
        ((np.ones((3, 3)), np.ones((5, 5))), ValueError, "same size"),
        ((np.ones((2, 3, 3)), np.ones((4, 3, 3))), ValueError, "broadcast"),
        ((np.ones((3, 3)), np.full((3, 3), np.nan)), ValueError, "final must not contain NaN"),
        ((np.zeros((2, 3, 3)), np.ones((2, 3, 3))), ValueError, "initial must have no all-zero kernel"),
    ],
)
def test_change_size_bad_arguments(args, error, word):
    with pytest.raises(error, match=word):
        change_size(*args)


@pytest.mark.parametrize(
    ("args", "error", "word"),
    [
        ((np.ones((3, 3)), np.ones((3, 3)), "kernels"), TypeError, "reference"),
        ((np.ones((3, 3)), np.ones((3, 3)), np.ones((2, 3, 3, 1))), ValueError, "same size"),
        ((np.ones((3, 3)), np.ones((3, 3)), np.full((3, 3), np.inf)), ValueError, "reference must not"),
        ((np.ones((3, 3)), np.ones((3, 3)), np.zeros((3, 3))), ValueError, "final must move away"),
        ((np.ones((2, 3, 3)), np.ones((3, 3)), np.ones((3, 3, 3))), ValueError, "broadcast"),
    ],
)
def test_match_change_size_bad_arguments(args, error, word):
    with pytest.raises(error, match=word):
        match_change_size(*args)
