"""Tests of cnnexplain.analysis.cast: every kernel's roles, and the story's picks."""

from __future__ import annotations

import numpy as np
import pytest

from cnnexplain.analysis import CLEAR_PREFERENCE, ablation, cast, is_edge_detector, selectivity
from cnnexplain.analysis.roles import _picks
from cnnexplain.experiment import experiment

PAIR = ("horizontal", "vertical")


@pytest.fixture(scope="module")
def small_run():
    return experiment(data={"n_per_class": 20}, training={"epochs": 2}, cache_dir=False)


def test_cast_agrees_with_each_measure(small_run):
    roles = cast(small_run)
    w = small_run.history["conv1.weight"][:, :, 0]
    assert roles.pair == PAIR and len(roles) == 8
    np.testing.assert_array_equal(roles.edge, is_edge_detector(w[-1]))
    np.testing.assert_array_equal(roles.edge_change, is_edge_detector(w[-1] - w[0]))
    np.testing.assert_allclose(roles.index, selectivity(small_run.model, small_run.train_set).index)
    np.testing.assert_allclose(roles.drop, ablation(small_run.model, small_run.test_set).drop)
    assert set(roles.prefers) <= {"horizontal", "vertical", "none clear"}
    assert roles.pick("horizontal") != roles.pick("vertical")
    text = roles.table()
    assert text.count("\n") == 3 + 8 + 2 * 2 - 1
    assert f"horizontal kernel: {roles.pick('horizontal')}" in text
    with pytest.raises(ValueError, match="name"):
        roles.pick("diagonal")


def test_picks_prefer_edge_detectors_with_a_clear_preference():
    index = np.array([0.9, 0.3, 0.05, -0.2, -0.8, 0.5])
    edge = np.array([False, True, True, True, False, False])
    picks, for_edge = _picks(index, edge, PAIR)
    # Kernel 0 prefers horizontal lines most, but kernel 1 is the edge detector that does.
    assert picks == {"horizontal": 1, "vertical": 3}
    assert for_edge == {"horizontal": True, "vertical": True}


def test_picks_fall_back_to_the_strongest_preference():
    index = np.array([0.9, 0.05, -0.8, CLEAR_PREFERENCE])
    edge = np.array([False, True, False, True])  # kernel 3 is exactly at the cut: not clear
    picks, for_edge = _picks(index, edge, PAIR)
    assert picks == {"horizontal": 0, "vertical": 2}
    assert for_edge == {"horizontal": False, "vertical": False}


def test_picks_never_name_one_kernel_twice():
    index = np.array([0.9, 0.5])  # both prefer horizontal lines
    picks, _ = _picks(index, np.array([True, True]), PAIR)
    assert picks == {"horizontal": 0, "vertical": 1}


def test_cast_rejects_what_is_not_a_run(small_run):
    with pytest.raises(TypeError, match="run"):
        cast(small_run.history)
    with pytest.raises(ValueError, match="layer"):
        cast(small_run, "conv2")
    with pytest.raises(ValueError, match="layer"):
        cast(small_run, "nope")
