"""linearize and linearized_logits: the first-order expansion, its gap, and argument checks."""

from __future__ import annotations

import copy

import pytest
import torch

from cnnexplain.analysis import linearize, linearized_logits
from cnnexplain.model import LineCNN


def _moved(model: torch.nn.Module, scale: float, seed: int = 0) -> torch.nn.Module:
    """A copy of ``model`` whose every weight moved by Gaussian noise of standard deviation ``scale``."""
    generator = torch.Generator().manual_seed(seed)
    moved = copy.deepcopy(model)
    with torch.no_grad():
        for parameter in moved.parameters():
            parameter.add_(scale * torch.randn(parameter.shape, generator=generator))
    return moved


@pytest.fixture
def start() -> LineCNN:
    return LineCNN(seed=0)


@pytest.fixture
def images(start: LineCNN) -> torch.Tensor:
    return torch.rand(8, 1, start.image_size, start.image_size, generator=torch.Generator().manual_seed(1))


def test_linear_model_is_its_own_linearization() -> None:
    start, trained = torch.nn.Linear(5, 3), torch.nn.Linear(5, 3)
    x = torch.randn(4, 1, 1, 5)
    result = linearize(start, trained, x)
    torch.testing.assert_close(result.linear, trained(x))
    assert result.gap < 1e-5


def test_matches_a_finite_difference(start: LineCNN, images: torch.Tensor) -> None:
    # The expansion's change is the directional derivative: a small step of
    # the same direction changes the outputs by nearly the same amount.
    far = _moved(start, 1e-2)
    near = copy.deepcopy(start)
    with torch.no_grad():
        for p_near, p_start, p_far in zip(near.parameters(), start.parameters(), far.parameters()):
            p_near.copy_(p_start + 1e-4 * (p_far - p_start))
    start.eval(), near.eval()
    with torch.no_grad():
        finite = (near(images) - start(images)) / 1e-4
    predicted = linearized_logits(start, far, images) - start(images).detach()
    torch.testing.assert_close(predicted, finite, rtol=1e-2, atol=1e-3)


def test_gap_shrinks_with_the_step(start: LineCNN, images: torch.Tensor) -> None:
    # A smooth-enough network is linear for small moves: the gap falls with the step.
    gaps = [linearize(start, _moved(start, scale), images).gap for scale in (1e-2, 1e-3, 1e-4)]
    assert gaps[0] > gaps[1] > gaps[2]
    assert gaps[2] < 0.05


def test_no_change_gives_an_infinite_gap(start: LineCNN, images: torch.Tensor) -> None:
    assert linearize(start, copy.deepcopy(start), images).gap == float("inf")


def test_models_are_left_as_they_were(start: LineCNN, images: torch.Tensor) -> None:
    trained = _moved(start, 1e-2)
    trained.eval()
    before = [p.clone() for p in (*start.parameters(), *trained.parameters())]
    linearize(start, trained, images)
    after = list((*start.parameters(), *trained.parameters()))
    assert all(torch.equal(a, b) for a, b in zip(before, after))
    assert start.training and not trained.training


def test_dropout_is_off(images: torch.Tensor) -> None:
    # Evaluation mode: two calls give the same outputs although the model has dropout.
    start = LineCNN(seed=0, dropout=0.5)
    trained = _moved(start, 1e-2)
    first, second = linearize(start, trained, images), linearize(start, trained, images)
    torch.testing.assert_close(first.linear, second.linear, rtol=0, atol=0)


def test_different_architectures_are_refused(start: LineCNN, images: torch.Tensor) -> None:
    with pytest.raises(ValueError, match="start and trained must be the same architecture"):
        linearize(start, LineCNN(seed=0, n_kernels=4), images)


@pytest.mark.parametrize(
    ("models", "images", "error", "message"),
    [
        (
            ("not a model", LineCNN(seed=0)),
            torch.zeros(1, 1, 50, 50),
            TypeError,
            "start must be a torch.nn.Module",
        ),
        ((LineCNN(seed=0), None), torch.zeros(1, 1, 50, 50), TypeError, "trained must be a torch.nn.Module"),
        ((LineCNN(seed=0), LineCNN(seed=1)), [[0.0]], TypeError, "images must be a torch.Tensor"),
        ((LineCNN(seed=0), LineCNN(seed=1)), torch.full((1, 1, 50, 50), float("nan")), ValueError, "images"),
    ],
)
def test_bad_arguments_are_named(models, images, error, message) -> None:
    with pytest.raises(error, match=message):
        linearize(*models, images)
