"""Shared fixtures: small data sets and one tiny training run for the whole session.

Training is the slow part of the suite, so the tests that only *read* a
history share :func:`tiny_run`; tests that need their own run keep it to a
few dozen 20x20 images and one or two epochs.
"""

from __future__ import annotations

import pytest
import torch

from cnnexplain import LineCNN, make_lines, train

#: Side of the images of the small data sets (LineCNN accepts down to ~18).
SIZE = 20

# One intra-op thread. The tensors of the tests are tiny, so more threads
# only add synchronisation; and when other jobs share the CPU, OpenMP threads
# waiting for each other made the suite up to ten times slower (measured:
# the 20-epoch default training took 107 s with 2 threads on a loaded 2-core
# machine, 12 s with 1).
torch.set_num_threads(1)


@pytest.fixture(scope="session")
def small_data():
    """48 images of 20x20 pixels, horizontal and vertical lines."""
    return make_lines(n_per_class=24, size=SIZE, seed=3)


@pytest.fixture(scope="session")
def small_split(small_data):
    """36 training and 12 validation images, stratified."""
    return small_data.split(test_fraction=0.25, seed=0)


@pytest.fixture
def small_model():
    """A factory of LineCNNs for 20x20 images."""

    def make(**kwargs):
        kwargs.setdefault("image_size", SIZE)
        return LineCNN(**kwargs)

    return make


@pytest.fixture(scope="session")
def tiny_run(small_split):
    """One training run shared by the tests that only read its results.

    Returns ``(model, history, train_set, val_set)``: 2 epochs of batches of
    8 over 36 images (5 batches per epoch), recorded per epoch, validated.
    The tests must not modify the model.
    """
    train_set, val_set = small_split
    model = LineCNN(image_size=SIZE, seed=1)
    history = train(model, train_set, val_set=val_set, epochs=2, batch_size=8, seed=2, progress=False)
    return model, history, train_set, val_set


@pytest.fixture
def no_global_rng_change():
    """Assert that the test leaves torch's global random state as it found it."""
    before = torch.random.get_rng_state().clone()
    yield
    assert torch.equal(torch.random.get_rng_state(), before)
