"""Tests of cnnexplain.analysis, one section per module of the package.

Most tests use a hand-made model with known answers -- a generic
``nn.Sequential`` whose kernel 0 is Prewitt's horizontal-edge kernel, kernel 1
the vertical-edge one and kernel 2 dead -- so that every number can be
checked against what it must be, and the analyses are shown to work on a
model that is not a ``LineCNN``. The edge templates themselves are tested in
test_edges.py.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from torch import nn

from cnnexplain import LineCNN, make_lines
from cnnexplain import analysis as A
from cnnexplain.edges import PREWITT_X, PREWITT_Y, SOBEL_X, edge_template

SIZE = 20  # side of the images of the small_* fixtures of conftest.py


def edge_model() -> nn.Sequential:
    """conv (3 kernels: horizontal edges, vertical edges, dead) -> ReLU -> mean -> linear.

    Class 0 (horizontal lines) gets the mean response of kernel 0, class 1
    (vertical lines) that of kernel 1.
    """
    model = nn.Sequential(
        nn.Conv2d(1, 3, 3),
        nn.ReLU(),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(3, 2),
    )
    with torch.no_grad():
        model[0].weight.zero_()
        model[0].weight[0, 0] = PREWITT_Y
        model[0].weight[1, 0] = PREWITT_X
        model[0].bias.copy_(torch.tensor([0.0, 0.0, -1.0]))
        model[4].weight.copy_(torch.tensor([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]))
        model[4].bias.zero_()
    return model


def one_line(orientation: str, index: int = 8, size: int = SIZE) -> torch.Tensor:
    """A (1, 1, size, size) image with one 1-pixel line at row/column ``index``, from 3 to size-3."""
    image = torch.zeros(1, 1, size, size)
    if orientation == "horizontal":
        image[0, 0, index, 3 : size - 3] = 1.0
    else:
        image[0, 0, 3 : size - 3, index] = 1.0
    return image


def centre_correlation(image: torch.Tensor, kernel: torch.Tensor, map_size: int) -> float:
    """Correlation of ``kernel`` with the patch of ``image`` under the centre unit of a valid conv."""
    k = kernel.shape[-1]
    c = (map_size - 1) // 2
    patch = image[c : c + k, c : c + k]
    return float(np.corrcoef(patch.flatten().numpy(), kernel.flatten().numpy())[0, 1])


# -- layers: finding them by name ------------------------------------------------------------
def test_conv_layers_finds_every_kind_of_convolution():
    model = nn.Sequential(
        nn.Conv1d(1, 2, 3),
        nn.ReLU(),
        nn.Sequential(nn.ConvTranspose2d(2, 2, 3), nn.Conv3d(2, 2, 1)),
        nn.Linear(2, 2),
    )
    assert A.conv_layers(model) == ["0", "2.0", "2.1"]
    assert A.conv_layers(edge_model()) == ["0"]
    assert A.conv_layers(LineCNN()) == ["conv1", "conv2"]


def test_a_model_must_be_a_module():
    with pytest.raises(TypeError, match=r"model must be a torch\.nn\.Module"):
        A.conv_layers("conv1")
    with pytest.raises(TypeError, match=r"model must be a torch\.nn\.Module"):
        A.dead_kernels(None, torch.zeros(1, 1, SIZE, SIZE))


# The analyses that run a model, each with a good call and one that raises.
RUNS = {
    "maximize_activation": (
        lambda m, d: A.maximize_activation(m, "0", 0, size=12, steps=3),
        lambda m, d: A.maximize_activation(m, "0", 3, size=12),  # no channel 3
    ),
    "selectivity": (lambda m, d: A.selectivity(m, d, "1"), lambda m, d: A.selectivity(m, d, "0")),
    "selective_kernels": (
        lambda m, d: A.selective_kernels(m, d, layer="1"),
        lambda m, d: A.selective_kernels(m, d, layer="0"),  # negative activations
    ),
    "dead_kernels": (lambda m, d: A.dead_kernels(m, d, "1"), lambda m, d: A.dead_kernels(m, d, "9")),
    "ablation": (lambda m, d: A.ablation(m, d, "0"), lambda m, d: A.ablation(m, d, "0", channels=[7])),
    "saliency": (lambda m, d: A.saliency(m, d.images[:2]), lambda m, d: A.saliency(m, d.images[0])),
    "occlusion": (
        lambda m, d: A.occlusion(m, d.images[:2], window=5, stride=5),
        lambda m, d: A.occlusion(m, d.images[:2], window=0),
    ),
    "grad_cam": (lambda m, d: A.grad_cam(m, d.images[:2]), lambda m, d: A.grad_cam(m, d.images[:2], "1")),
}


@pytest.mark.parametrize("name", sorted(RUNS))
def test_analyses_leave_the_thread_count_and_the_model_as_they_found_them(name, small_data):
    good, bad = RUNS[name]
    model = edge_model().train()
    weights = {k: v.clone() for k, v in model.state_dict().items()}
    before = torch.get_num_threads()
    # A count the analyses do not ask for themselves (maximize_activation asks for 1).
    torch.set_num_threads(2)
    try:
        good(model, small_data)
        assert torch.get_num_threads() == 2
        with pytest.raises((TypeError, ValueError)):
            bad(model, small_data)
        assert torch.get_num_threads() == 2
    finally:
        torch.set_num_threads(before)
    assert model.training
    assert all(p.requires_grad and p.grad is None for p in model.parameters())
    assert all(torch.equal(weights[k], v) for k, v in model.state_dict().items())


# -- edge matching ---------------------------------------------------------------------------
def test_prewitt_scores_one_at_its_own_orientation():
    match = A.edge_match(torch.stack([PREWITT_X, PREWITT_Y]))
    assert match.score == pytest.approx([1.0, 1.0], abs=1e-9)
    assert match.angle.tolist() == [0.0, 90.0]
    assert match.polarity.tolist() == [1, 1]
    assert match.kind.tolist() == ["prewitt", "prewitt"]


def test_negated_kernel_flips_polarity_only():
    match = A.edge_match(torch.stack([-PREWITT_X, -PREWITT_Y]))
    assert match.score == pytest.approx([1.0, 1.0], abs=1e-9)
    assert match.angle.tolist() == [0.0, 90.0]
    assert match.polarity.tolist() == [-1, -1]


def test_rotated_and_transposed_kernels_give_the_other_angle():
    # Transposing PREWITT_X gives PREWITT_Y; rotating it a quarter turn
    # anticlockwise on screen gives -PREWITT_Y (bright side up).
    match = A.edge_match(torch.stack([PREWITT_X.T, torch.rot90(PREWITT_X), SOBEL_X.T]))
    assert match.angle.tolist() == [90.0, 90.0, 90.0]
    assert match.polarity.tolist() == [1, -1, 1]
    assert match.kind.tolist() == ["prewitt", "prewitt", "sobel"]
    assert match.score == pytest.approx([1.0, 1.0, 1.0], abs=1e-9)


@pytest.mark.parametrize("kind", ["prewitt", "sobel"])
def test_every_template_is_found_at_its_angle(kind):
    angles = list(range(0, 180, 15))
    kernels = torch.stack([edge_template(7, a, kind) for a in angles])
    match = A.edge_match(kernels, angles=angles)
    assert match.angle.tolist() == [float(a) for a in angles]
    assert match.polarity.tolist() == [1] * len(angles)
    assert match.kind.tolist() == [kind] * len(angles)
    assert match.score == pytest.approx(1.0, abs=1e-9)


def test_noise_lowers_the_score():
    gen = torch.Generator().manual_seed(0)
    noise = torch.randn(7, 7, generator=gen)
    base = edge_template(7, 90)
    scores = [float(A.edge_match(base + s * noise).score) for s in (0.0, 0.3, 1.0, 3.0)]
    assert scores[0] == pytest.approx(1.0)
    assert scores == sorted(scores, reverse=True)
    assert scores[-1] < 0.6


def test_random_kernels_score_low_and_repeat_with_the_seed():
    scores = A.random_edge_scores(7, n=300, seed=1)
    assert scores.shape == (300,)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert 0.15 < np.median(scores) < 0.35
    assert np.array_equal(scores, A.random_edge_scores(7, n=300, seed=1))
    assert not np.array_equal(scores, A.random_edge_scores(7, n=300, seed=2))
    assert A.random_edge_scores((3, 5), n=4).shape == (4,)


def test_edge_score_null_orders_its_levels_and_repeats_with_the_seed():
    null = A.edge_score_null(7, tested=8, n=2000, seed=3)
    assert null.median < null.percentile95 < null.threshold
    for value, (low, high) in [
        (null.percentile95, null.percentile95_interval),
        (null.threshold, null.threshold_interval),
    ]:
        assert low <= value <= high
    assert null.kernel_size == (7, 7) and null.tested == 8
    again = A.edge_score_null(7, tested=8, n=2000, seed=3)
    assert again.threshold == null.threshold and again.threshold_interval == null.threshold_interval
    # Testing one kernel needs no correction; testing more needs a higher threshold.
    assert A.edge_score_null(7, tested=1, n=2000, seed=3).threshold == null.percentile95
    assert A.edge_score_null(7, tested=30, n=2000, seed=3).threshold > null.threshold


def test_edge_score_null_interval_narrows_with_more_draws():
    few = A.edge_score_null(7, n=500, seed=1).threshold_interval
    many = A.edge_score_null(7, n=20_000, seed=1).threshold_interval
    assert many[1] - many[0] < (few[1] - few[0]) / 2


def test_best_of_eight_random_kernels_clears_the_threshold_about_one_time_in_twenty():
    null = A.edge_score_null(7, tested=8, n=20_000, seed=0)
    # 1,000 fresh layers of eight random kernels: the best of each clears the
    # threshold with probability 5% (sd 0.7%), the single-kernel 95th percentile far more often.
    best = A.random_edge_scores(7, n=8000, seed=1).reshape(1000, 8).max(axis=1)
    assert 0.025 < (best > null.threshold).mean() < 0.075
    assert (best > null.percentile95).mean() > 0.25
    # The rule errs on the safe side: the upper end of the interval, not the estimate.
    assert (null.is_edge(best)).mean() <= (best > null.threshold).mean()
    assert null.is_edge([0.0, null.threshold_interval[1], 1.0]).tolist() == [False, False, True]


def test_edge_score_null_rejects_bad_arguments():
    with pytest.raises(ValueError, match="tested"):
        A.edge_score_null(7, tested=0)
    with pytest.raises(ValueError, match="n must"):
        A.edge_score_null(7, n=10)
    with pytest.raises(ValueError, match="kernel_size"):
        A.edge_score_null((3, 3, 3))


@settings(max_examples=25, deadline=None)
@given(
    arrays(np.float64, (5, 5), elements=st.floats(-1, 1)),
    st.floats(0.1, 10),
    st.floats(-5, 5),
)
def test_score_ignores_scale_and_offset(kernel, scale, offset):
    if np.ptp(kernel) < 1e-3:
        return
    match = A.edge_match(np.stack([kernel, scale * kernel + offset, -scale * kernel]))
    assert 0.0 <= match.score[0] <= 1.0
    assert match.score[1] == pytest.approx(match.score[0], abs=1e-9)
    assert match.score[2] == pytest.approx(match.score[0], abs=1e-9)
    assert np.allclose(match.correlation[2], -match.correlation[0])
    top = np.sort(np.abs(match.correlation[0]).ravel())
    if top[-1] - top[-2] > 1e-6:  # a unique best template: the negated kernel has the other polarity
        assert match.polarity[2] == -match.polarity[0]


def test_constant_kernel_has_no_edge():
    match = A.edge_match(torch.ones(2, 3, 3))
    assert match.score.tolist() == [0.0, 0.0]
    assert match.polarity.tolist() == [0, 0]
    assert np.isnan(match.angle).all()
    assert "(constant)" in match.table()
    assert torch.equal(match.template(1), torch.zeros(3, 3))


def test_edge_match_of_a_model_layer_and_shapes():
    match = A.edge_match(edge_model(), "0")
    assert match.layer == "0"
    assert match.score.shape == (3,)
    assert match.score[:2] == pytest.approx([1.0, 1.0])
    assert match.angle[:2].tolist() == [90.0, 0.0]
    assert match.best(90) == 0 and match.best(0) == 1 and match.best(45, tolerance=10) is None
    assert torch.equal(match.template(0), PREWITT_Y)
    # several input channels: one match per 2-D kernel
    assert A.edge_match(torch.zeros(4, 2, 3, 3) + PREWITT_X).score.shape == (4, 2)
    assert A.edge_match(LineCNN(), "conv2").score.shape == (8, 8)
    assert A.edge_match(PREWITT_X).score.shape == ()
    assert A.edge_match(np.array([[-1, 0, 1]] * 3)).angle == 0.0  # integer arrays too
    text = str(A.edge_match(torch.stack([PREWITT_X, -PREWITT_Y])))
    assert "vertical" in text and "right" in text and "horizontal" in text and "above" in text


def test_edge_match_history_agrees_with_each_snapshot(tiny_run):
    _, history, _, _ = tiny_run
    result = A.edge_match_history(history)
    assert result.score.shape == (len(history), 8) and result.n_kernels == 8
    assert result.epochs.tolist() == [0.0, 1.0, 2.0]
    last = A.edge_match(history.model_at(-1).conv1.weight)
    assert np.allclose(result.at(-1).score, last.score)
    assert np.array_equal(result.at(0).polarity, A.edge_match(history.model_at(0).conv1.weight).polarity)
    assert np.array_equal(result.first_epoch_above(0.0), np.zeros(8))
    assert np.isnan(result.first_epoch_above(1.0)).all()
    assert A.edge_match_history(history, "conv2").score.shape == (len(history), 8, 8)


def test_first_epoch_above_needs_the_score_to_stay_above():
    score = np.array([[0.1, 0.9], [0.9, 0.2], [0.95, 0.9]])  # kernel 1 dips below after epoch 0
    zeros = np.zeros_like(score)
    result = A.EdgeMatchHistory(
        score, zeros, zeros, zeros, zeros, np.array([0.0, 1.0, 2.0]), zeros, ("prewitt",), zeros, (3, 3), "c"
    )
    assert result.first_epoch_above(0.8).tolist() == [1.0, 2.0]


def test_edge_match_rejects_bad_arguments(tiny_run):
    _, history, _, _ = tiny_run
    with pytest.raises(
        ValueError, match=r"layer must be one of the model's convolution layers \['conv1', 'conv2'\]"
    ):
        A.edge_match(LineCNN(), "relu1")
    with pytest.raises(TypeError, match="layer"):
        A.edge_match(LineCNN(), 1)
    with pytest.raises(TypeError, match="weights"):
        A.edge_match([[1, 0, -1]])
    with pytest.raises(TypeError, match="weights"):
        A.edge_match(torch.zeros(3, 3, dtype=torch.bool))
    with pytest.raises(ValueError, match="weights"):
        A.edge_match(torch.zeros(2, 2, 2, 3, 3))
    with pytest.raises(ValueError, match="weights"):
        A.edge_match(torch.full((3, 3), float("nan")))
    with pytest.raises(ValueError, match="angles"):
        A.edge_match(PREWITT_X, angles=[0, 180])
    with pytest.raises(ValueError, match="kinds"):
        A.edge_match(PREWITT_X, kinds=("canny",))
    with pytest.raises(TypeError, match="kinds"):
        A.edge_match(PREWITT_X, kinds="prewitt")
    with pytest.raises(ValueError, match="index"):
        A.edge_match(PREWITT_X).template(3)
    with pytest.raises(ValueError, match="kernel_size"):
        A.random_edge_scores((3, 3, 3))
    with pytest.raises(TypeError, match=r"kernel_size\[1\]"):
        A.random_edge_scores((3, 2.0))
    with pytest.raises(ValueError, match=r"layer must be one of the history's convolution layers"):
        A.edge_match_history(history, "fc1")
    with pytest.raises(TypeError, match="history"):
        A.edge_match_history({"conv1.weight": np.zeros((1, 1, 1, 3, 3))})


# -- class selectivity ------------------------------------------------------------------------
def test_selectivity_index_known_values():
    index = A.selectivity_index([1.0, 0.0, 2.0, 0.0, 3.0], [0.0, 1.0, 2.0, 0.0, 1.0])
    assert index.tolist() == [1.0, -1.0, 0.0, 0.0, 0.5]
    assert A.selectivity_index(torch.tensor([2.0]), 2.0).tolist() == [0.0]  # broadcast, tensors


@settings(max_examples=50, deadline=None)
@given(
    arrays(np.float64, 6, elements=st.floats(0, 1e6)),
    arrays(np.float64, 6, elements=st.floats(0, 1e6)),
)
def test_selectivity_index_is_bounded_and_antisymmetric(a, b):
    index = A.selectivity_index(a, b)
    assert ((index >= -1) & (index <= 1)).all()
    assert np.allclose(A.selectivity_index(b, a), -index)


def test_selectivity_index_rejects_bad_means():
    with pytest.raises(ValueError, match="mean_b must be non-negative"):
        A.selectivity_index([1.0], [-0.5])
    with pytest.raises(ValueError, match="mean_a must not contain NaN"):
        A.selectivity_index([np.nan], [1.0])
    with pytest.raises(TypeError, match="mean_a"):
        A.selectivity_index(["high"], [1.0])
    with pytest.raises(ValueError, match="broadcast"):
        A.selectivity_index([1.0, 2.0], [1.0, 2.0, 3.0])


def test_selectivity_of_the_edge_model(small_data):
    model, data = edge_model(), small_data
    result = A.selectivity(model, data, "1")
    assert result.pair == ("horizontal", "vertical")
    assert result.means.shape == (3, 2)
    assert result.index[0] > 0.7 and result.index[1] < -0.7 and result.index[2] == 0.0
    assert result.preferring("horizontal") == 0 and result.preferring("vertical") == 1
    # by hand: mean over positions of ReLU(conv), then over the images of each class
    relu = torch.relu(model[0](data.images)).detach()
    per_image = relu.mean((2, 3))
    assert result.means[:, 0] == pytest.approx(per_image[data.labels == 0].mean(0).numpy(), rel=1e-5)
    swapped = A.selectivity(model, data, "1", pair=("vertical", "horizontal"))
    assert np.allclose(swapped.index, -result.index)
    assert A.selectivity(model, (data.images, data.labels), "1", pair=(0, 1)).pair == ("0", "1")
    peak = A.selectivity(model, data, "1", reduce="max")
    assert peak.index[0] > 0 and peak.index[1] < 0
    assert "index" in result.table()


def test_selectivity_works_on_linecnn_relu_and_pool_layers(small_data, small_model):
    model = small_model().train()
    for layer in ("relu1", "pool1", "relu2"):
        result = A.selectivity(model, small_data, layer)
        assert result.index.shape == (8,)
        assert ((result.index >= -1) & (result.index <= 1)).all()
    assert model.training  # mode restored


def test_selectivity_rejects_bad_arguments(small_data):
    model, data = edge_model(), small_data
    with pytest.raises(ValueError, match="negative"):
        A.selectivity(model, data, "0")
    with pytest.raises(
        ValueError, match=r"layer must be one of the model's layers \['0', '1', '2', '3', '4'\]"
    ):
        A.selectivity(model, data, "relu1")
    with pytest.raises(ValueError, match="pair"):
        A.selectivity(model, data, "1", pair=("horizontal", "diagonal"))
    with pytest.raises(ValueError, match="pair"):
        A.selectivity(model, data, "1", pair=("vertical", "vertical"))
    with pytest.raises(ValueError, match="reduce"):
        A.selectivity(model, data, "1", reduce="median")
    with pytest.raises(TypeError, match="data"):
        A.selectivity(model, data.images, "1")
    with pytest.raises(ValueError, match="class 'vertical'"):
        A.selectivity(model, data.of_class("horizontal"), "1")


def test_selective_kernels_finds_one_detector_per_orientation():
    orientations = ("horizontal", "vertical", "diagonal", "antidiagonal")
    data = make_lines(n_per_class=12, size=SIZE, seed=3, orientations=orientations)
    conv = nn.Conv2d(1, 5, 3)
    with torch.no_grad():  # kernels in scrambled order: dead, |, \, -, /
        conv.weight.zero_()
        conv.weight[1, 0] = PREWITT_X
        conv.weight[2, 0] = edge_template(3, 135)
        conv.weight[3, 0] = PREWITT_Y
        conv.weight[4, 0] = edge_template(3, 45)
        conv.bias.copy_(torch.tensor([-1.0, 0.0, 0.0, 0.0, 0.0]))
    model = nn.Sequential(conv, nn.ReLU())
    assert A.selective_kernels(model, data, layer="1") == [3, 1, 2, 4]
    # with fewer kernels than classes, only the first classes get one
    assert A.selective_kernels(edge_model(), data, layer="1") == [0, 1, 2]


def test_selective_kernels_picks_a_kernel_at_most_once(small_data):
    silent = nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU())
    with torch.no_grad():
        silent[0].weight.zero_()
        silent[0].bias.zero_()
    # every index is 0: the first kernel for the first class, the next one for the second
    assert A.selective_kernels(silent, small_data, layer="1") == [0, 1]
    assert A.selective_kernels(edge_model(), small_data, layer="1") == [0, 1]


def test_selective_kernels_of_two_classes_agree_with_selectivity(tiny_run):
    model, _, _, val_set = tiny_run
    picks = A.selective_kernels(model, val_set)
    result = A.selectivity(model, val_set)
    expected = [result.preferring("horizontal"), result.preferring("vertical")]
    assert len(set(picks)) == 2
    if expected[0] != expected[1]:
        assert picks == expected


def test_selective_kernels_rejects_bad_arguments(small_data):
    images, labels = small_data.images, small_data.labels
    gap = labels.clone()
    gap[:4] = 3  # labels 0, 1 and 3: class 2 has no image
    with pytest.raises(ValueError, match=r"every class, got none of \['2'\]"):
        A.selective_kernels(edge_model(), (images, gap), layer="1")
    with pytest.raises(ValueError, match="at least two classes"):
        A.selective_kernels(edge_model(), (images, torch.zeros_like(labels)), layer="1")
    with pytest.raises(ValueError, match="layer must be one of the model's layers"):
        A.selective_kernels(edge_model(), small_data)
    with pytest.raises(TypeError, match="data"):
        A.selective_kernels(edge_model(), images, layer="1")


# -- kernel health: dead, redundant, essential kernels ---------------------------------------
def test_dead_kernels(small_data, small_model):
    data = small_data
    result = A.dead_kernels(edge_model(), data, "1")
    assert result.indices == [2] and len(result) == 3
    assert result.dead.tolist() == [False, False, True]
    assert result.peak[2] == 0.0 and result.peak[0] > 0
    # on the convolution itself, a channel that never gets above zero is dead
    assert A.dead_kernels(edge_model(), data.images, "0").indices == [2]
    model = small_model()
    with torch.no_grad():
        model.conv1.weight[4] = 0.0
        model.conv1.bias[4] = -0.5
    assert A.dead_kernels(model, data).indices == [4]
    assert A.dead_kernels(model, data, "pool1").indices == [4]
    with pytest.raises(ValueError, match="threshold"):
        A.dead_kernels(model, data, threshold=1.5)


def test_redundant_pairs():
    kernels = torch.stack([PREWITT_X, PREWITT_Y, 0.5 * PREWITT_X + 0.01, -PREWITT_Y, torch.zeros(3, 3)])
    pairs = A.redundant_pairs(kernels)
    assert [(i, j) for i, j, _ in pairs] == [(1, 3), (0, 2)]
    assert pairs[0][2] == pytest.approx(-1.0)
    assert [(i, j) for i, j, _ in A.redundant_pairs(kernels, absolute=False)] == [(0, 2)]
    sim = A.kernel_similarity(kernels)
    assert sim.shape == (5, 5) and np.allclose(sim, sim.T)
    assert sim[4].tolist() == [0.0] * 5
    assert A.kernel_similarity(edge_model(), "4").tolist() == [[1.0, 0.0], [0.0, 1.0]]  # a linear layer
    assert A.redundant_pairs(LineCNN(), threshold=0.99) == []
    with pytest.raises(ValueError, match="threshold"):
        A.redundant_pairs(kernels, threshold=2)
    with pytest.raises(ValueError, match="convolution or linear layers"):
        A.kernel_similarity(edge_model(), "1")


def test_without_kernels_zeroes_a_copy():
    model = edge_model()
    ablated = A.without_kernels(model, [0, 2], "0")
    assert ablated is not model
    assert ablated[0].weight[[0, 2]].abs().sum() == 0 and ablated[0].bias[[0, 2]].tolist() == [0.0, 0.0]
    assert torch.equal(ablated[0].weight[1], model[0].weight[1])
    assert torch.equal(model[0].weight[0, 0], PREWITT_Y) and model[0].bias[2] == -1.0  # untouched
    assert all(
        torch.equal(a, b) for a, b in zip(A.without_kernels(model, [], "0").parameters(), model.parameters())
    )
    with pytest.raises(ValueError, match="kernels"):
        A.without_kernels(model, [3], "0")
    with pytest.raises(TypeError, match="kernels"):
        A.without_kernels(model, 1, "0")


def test_ablation_finds_the_essential_kernels_and_leaves_the_model_alone(small_data):
    model = edge_model().train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    result = A.ablation(model, small_data, "0")
    assert result.baseline_accuracy == 1.0
    # Without kernel 1 no vertical line is recognized; without kernel 0, the
    # horizontal lines whose ends touch the border (no vertical edge at all)
    # tie at zero and still go to class 0.
    assert 0.25 < result.drop[0] < 0.5
    assert result.drop[1:].tolist() == [0.5, 0.0]
    assert result.ranking() == [1, 0, 2]
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert A.ablation(model, small_data, "4", channels=[1]).accuracy.tolist() == [0.5]
    with pytest.raises(ValueError, match="channels"):
        A.ablation(model, small_data, "0", channels=[3])
    with pytest.raises(ValueError, match="convolution or linear layers"):
        A.ablation(model, small_data, "1")


# -- activation maximization ------------------------------------------------------------------
def test_maximizing_input_of_conv1_is_its_kernel():
    model = LineCNN()  # 50x50 images, conv1: 8 random 7x7 kernels
    images = A.maximize_activation(model, "conv1", list(range(8)))
    assert images.shape == (8, 50, 50)
    assert float(images.min()) >= 0.0 and float(images.max()) <= 1.0
    corr = [centre_correlation(images[k], model.conv1.weight[k, 0].detach(), 44) for k in range(8)]
    assert min(corr) > 0.85, corr
    # far from the centre unit's receptive field, the image stays grey
    assert float((images[:, :10, :10] - 0.5).abs().max()) < 0.05


def test_maximize_activation_is_deterministic_and_excites_the_channel():
    model = edge_model()
    one = A.maximize_activation(model, "0", 0, size=16, steps=60)
    assert one.shape == (16, 16)
    assert torch.equal(one, A.maximize_activation(model, "0", 0, size=16, steps=60))
    assert not torch.equal(one, A.maximize_activation(model, "0", 0, size=16, steps=60, seed=1))
    assert centre_correlation(one, PREWITT_Y, 14) > 0.9
    grey = torch.full((1, 1, 16, 16), 0.5)
    with torch.no_grad():
        assert float(model[0](one[None, None])[0, 0, 6, 6]) > float(model[0](grey)[0, 0, 6, 6]) + 2.0
    # a ReLU layer is maximized through its input, so a silent unit still moves
    relu = A.maximize_activation(model, "1", 1, size=16, steps=60)
    assert centre_correlation(relu, PREWITT_X, 14) > 0.9
    mean = A.maximize_activation(model, "0", 1, size=16, steps=60, where="mean")
    assert mean.shape == (16, 16)


def test_maximize_activation_runs_several_models_side_by_side():
    models = [LineCNN(seed=s) for s in range(3)]
    together = A.maximize_activation(models, "conv2", [0, 5], size=24, steps=20, where="mean")
    assert together.shape == (3, 2, 24, 24)
    for m, model in enumerate(models):
        alone = A.maximize_activation(model, "conv2", [0, 5], size=24, steps=20, where="mean")
        assert torch.allclose(together[m], alone, atol=1e-4)
    one_channel = A.maximize_activation(models, "relu1", 3, size=24, steps=5)
    assert one_channel.shape == (3, 24, 24)
    assert torch.allclose(
        one_channel[1], A.maximize_activation(models[1], "relu1", 3, size=24, steps=5), atol=1e-4
    )
    # the models are left as they were: no gradients, same mode
    assert all(p.grad is None for model in models for p in model.parameters())
    assert all(model.training for model in models)


def test_maximize_activation_rejects_models_of_different_architectures():
    with pytest.raises(ValueError, match=r"one architecture.*model\[1\]"):
        A.maximize_activation([LineCNN(), LineCNN(n_kernels=4)], "conv1", 0, steps=1)
    with pytest.raises(TypeError, match="model must be"):
        A.maximize_activation([], "conv1", 0, steps=1)
    with pytest.raises(TypeError, match="model must be"):
        A.maximize_activation("LineCNN", "conv1", 0, steps=1)


def test_maximize_activation_rejects_bad_arguments():
    model = edge_model()
    with pytest.raises(ValueError, match="channel"):
        A.maximize_activation(model, "0", 3, size=16)
    with pytest.raises(TypeError, match="channel"):
        A.maximize_activation(model, "0", "0", size=16)
    with pytest.raises(ValueError, match="layer must be one of the model's layers"):
        A.maximize_activation(model, "conv1", 0, size=16)
    with pytest.raises(ValueError, match="where"):
        A.maximize_activation(model, "0", 0, size=16, where="corner")
    with pytest.raises(ValueError, match="l2"):
        A.maximize_activation(model, "0", 0, size=16, l2=1.0)
    with pytest.raises(ValueError, match="convolution"):
        A.maximize_activation(nn.Sequential(nn.Flatten(), nn.Linear(4, 2)), "1", 0, size=2)


# -- attribution --------------------------------------------------------------------------------
def near_line_fraction(maps: torch.Tensor, index: int, orientation: str, reach: int = 2) -> float:
    """Share of the total |map| within ``reach`` pixels of the line (row or column ``index``)."""
    m = maps.abs()
    band = (
        m[..., index - reach : index + reach + 1, :]
        if orientation == "horizontal"
        else m[..., index - reach : index + reach + 1]
    )
    return float(band.sum() / m.sum())


@pytest.mark.parametrize("orientation", ["horizontal", "vertical"])
def test_attribution_mass_lies_near_the_line(orientation):
    model = edge_model()
    image = one_line(orientation, index=6)
    target = 0 if orientation == "horizontal" else 1
    sal = A.saliency(model, image)
    assert sal.shape == (1, SIZE, SIZE) and (sal >= 0).all()
    assert near_line_fraction(sal, 6, orientation) > 0.95
    signed = A.saliency(model, image, absolute=False)
    assert torch.allclose(signed.abs(), sal)
    occ = A.occlusion(model, image, window=3, stride=1)
    assert near_line_fraction(occ, 6, orientation) > 0.9
    assert float(occ.sum()) > 0  # hiding the line lowers the logit of its class
    cam = A.grad_cam(model, image)
    assert cam.shape == (1, SIZE, SIZE)
    assert near_line_fraction(cam, 6, orientation) > 0.9
    assert int(model(image).argmax()) == target


def test_aligned_grad_cam_centres_each_unit_on_its_receptive_field():
    # avg-pool 2 -> 3x3 conv that copies its centre: conv unit (i, j) sees the
    # pooled pixel (i + 1, j + 1), the input pixels 2 i + 2 and 2 i + 3. Only
    # the unit on the bright 2x2 block at rows and columns 4-5 fires.
    model = nn.Sequential(
        nn.AvgPool2d(2), nn.Conv2d(1, 1, 3), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1, 2)
    )
    with torch.no_grad():
        model[1].weight.zero_()
        model[1].weight[0, 0, 1, 1] = 1.0
        model[1].bias.zero_()
        model[5].weight.copy_(torch.tensor([[1.0], [0.0]]))
        model[5].bias.zero_()
    image = torch.zeros(1, 1, SIZE, SIZE)
    image[0, 0, 4:6, 4:6] = 1.0
    aligned = A.grad_cam(model, image, target=0)[0]
    row = aligned[4] / aligned.max()
    assert row[4] == row[5] == 1.0  # the map peaks on the block ...
    assert torch.allclose(row[:4].flip(0), row[6:10])  # ... symmetric about its centre, 4.5
    assert torch.equal(aligned, aligned.T)
    # Stretching the 8x8 map over the 20x20 image moves the peak off the block.
    stretched = A.grad_cam(model, image, target=0, upsample="stretch")[0]
    assert int(stretched[4].argmax()) == 3


def test_attribution_targets_modes_and_gradients(small_data, small_model):
    model = small_model().train()
    images = small_data.images[:4]
    predicted = model.eval()(images).argmax(1)
    model.train()
    for fn in (A.saliency, A.occlusion, A.grad_cam):
        default = fn(model, images)
        assert default.shape == (4, SIZE, SIZE) and torch.isfinite(default).all()
        assert torch.equal(default, fn(model, images, target=predicted.tolist()))
        other = fn(model, images, target=1 - predicted)
        assert other.shape == (4, SIZE, SIZE)
        assert model.training
        assert all(p.grad is None and p.requires_grad for p in model.parameters())
    assert not images.requires_grad
    with pytest.raises(ValueError, match="target"):
        A.saliency(model, images, target=2)
    with pytest.raises(ValueError, match="target"):
        A.saliency(model, images, target=[0, 1])
    with pytest.raises(TypeError, match="target"):
        A.saliency(model, images, target="horizontal")
    with pytest.raises(ValueError, match="images"):
        A.saliency(model, images[0])
    with pytest.raises(ValueError, match="layer must be one of the model's convolution layers"):
        A.grad_cam(model, images, layer="relu2")
    with pytest.raises(ValueError, match="window"):
        A.occlusion(model, images, window=SIZE + 1)


def test_attribution_explains_a_missing_captum(monkeypatch):
    monkeypatch.setitem(sys.modules, "captum.attr", None)
    with pytest.raises(ImportError, match="pip install captum"):
        A.saliency(edge_model(), one_line("horizontal"))


def test_edge_match_way_names_how_each_edge_lies():
    kernels = torch.stack(
        [
            edge_template((7, 7), 10.0, "prewitt"),  # 10 degrees from vertical
            edge_template((7, 7), 100.0, "prewitt"),  # 10 degrees from horizontal
            edge_template((7, 7), 45.0, "prewitt"),
            torch.zeros(7, 7),  # blank: no angle
        ]
    )
    match = A.edge_match(kernels)
    assert match.way().tolist() == ["vertical", "horizontal", "diagonal", ""]
    assert match.way(tolerance=5).tolist() == ["diagonal", "diagonal", "diagonal", ""]
    with pytest.raises(ValueError, match="tolerance"):
        match.way(tolerance=60)
