"""Tests of cnnexplain.analysis (and the edge templates it compares kernels with).

Most tests use a hand-made model with known answers -- a generic
``nn.Sequential`` whose kernel 0 is Prewitt's horizontal-edge kernel, kernel 1
the vertical-edge one and kernel 2 dead -- so that every number can be
checked against what it must be, and the analyses are shown to work on a
model that is not a ``LineCNN``.
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

from cnnexplain import LineCNN, make_lines, train
from cnnexplain import analysis as A
from cnnexplain.edges import PREWITT_X, PREWITT_Y, SOBEL_X, SOBEL_Y, convolve, edge_template

SIZE = 20


# -- fixtures ----------------------------------------------------------------------------
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


@pytest.fixture(scope="module")
def data():
    return make_lines(n_per_class=20, size=SIZE, seed=1)


@pytest.fixture(scope="module")
def history():
    train_set = make_lines(n_per_class=8, size=SIZE, seed=2)
    return train(LineCNN(image_size=SIZE), train_set, epochs=2, batch_size=8)


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


# -- edge templates ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "angle", "expected"),
    [("prewitt", 0, PREWITT_X), ("prewitt", 90, PREWITT_Y), ("sobel", 0, SOBEL_X), ("sobel", 90, SOBEL_Y)],
)
def test_edge_template_equals_the_classic_kernels(kind, angle, expected):
    assert torch.equal(edge_template(3, angle, kind), expected)


@pytest.mark.parametrize("size", [2, 3, 4, 7, (3, 5)])
@pytest.mark.parametrize("angle", [0.0, 20.0, 45.0, 90.0, 137.5])
@pytest.mark.parametrize("kind", ["prewitt", "sobel"])
def test_edge_template_is_antisymmetric_and_flips_at_180(size, angle, kind):
    t = edge_template(size, angle, kind)
    assert torch.allclose(t, -torch.flip(t, (0, 1)), atol=1e-6)
    assert abs(float(t.sum())) < 1e-5
    assert torch.allclose(edge_template(size, angle + 180, kind), -t, atol=1e-6)


def test_edge_template_points_to_the_bright_side():
    # angle 90 measures "below - above": positive on an image bright below.
    image = torch.zeros(9, 9)
    image[5:] = 1.0
    assert float(convolve(image, edge_template(3, 90)).max()) == 3.0
    assert float(convolve(image, edge_template(3, 270)).max()) == 0.0


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"size": 0, "angle": 0}, ValueError, "size"),
        ({"size": 2.5, "angle": 0}, TypeError, "size"),
        ({"size": (3, 3, 3), "angle": 0}, ValueError, "size"),
        ({"size": 3, "angle": "0"}, TypeError, "angle"),
        ({"size": 3, "angle": float("nan")}, ValueError, "angle"),
        ({"size": 3, "angle": 0, "kind": "canny"}, ValueError, "kind"),
    ],
)
def test_edge_template_rejects_bad_arguments(kwargs, error, name):
    with pytest.raises(error, match=name):
        edge_template(**kwargs)


# -- edge match ----------------------------------------------------------------------------
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


def test_random_kernels_score_low():
    scores = A.random_edge_scores(7, n=300, seed=1)
    assert scores.shape == (300,)
    assert ((scores >= 0) & (scores <= 1)).all()
    assert 0.15 < np.median(scores) < 0.35
    assert np.array_equal(scores, A.random_edge_scores(7, n=300, seed=1))


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
    text = str(A.edge_match(torch.stack([PREWITT_X, -PREWITT_Y])))
    assert "vertical" in text and "right" in text and "horizontal" in text and "above" in text


def test_edge_match_history(history):
    result = A.edge_match_history(history)
    assert result.score.shape == (len(history), 8)
    assert result.epochs.tolist() == [0.0, 1.0, 2.0]
    last = A.edge_match(history.model_at(-1).conv1.weight)
    assert np.allclose(result.at(-1).score, last.score)
    assert np.array_equal(result.at(0).polarity, A.edge_match(history.model_at(0).conv1.weight).polarity)
    assert np.array_equal(result.first_epoch_above(0.0), np.zeros(8))
    assert np.isnan(result.first_epoch_above(1.0)).all()
    assert A.edge_match_history(history, "conv2").score.shape == (len(history), 8, 8)


def test_edge_match_rejects_bad_arguments(history):
    with pytest.raises(
        ValueError, match=r"layer must be one of the model's convolution layers \['conv1', 'conv2'\]"
    ):
        A.edge_match(LineCNN(), "relu1")
    with pytest.raises(TypeError, match="layer"):
        A.edge_match(LineCNN(), 1)
    with pytest.raises(TypeError, match="weights"):
        A.edge_match([[1, 0, -1]])
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
    with pytest.raises(ValueError, match=r"layer must be one of the history's convolution layers"):
        A.edge_match_history(history, "fc1")
    with pytest.raises(TypeError, match="history"):
        A.edge_match_history({"conv1.weight": np.zeros((1, 1, 1, 3, 3))})


# -- selectivity ------------------------------------------------------------------------------
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


def test_selectivity_index_rejects_negative_means():
    with pytest.raises(ValueError, match="mean_b must be non-negative"):
        A.selectivity_index([1.0], [-0.5])
    with pytest.raises(ValueError, match="mean_a must be finite"):
        A.selectivity_index([np.nan], [1.0])
    with pytest.raises(ValueError, match="broadcast"):
        A.selectivity_index([1.0, 2.0], [1.0, 2.0, 3.0])


def test_selectivity_of_the_edge_model(data):
    model = edge_model()
    result = A.selectivity(model, data, "1")
    assert result.pair == ("horizontal", "vertical")
    assert result.means.shape == (3, 2)
    assert result.index[0] > 0.8 and result.index[1] < -0.8 and result.index[2] == 0.0
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


def test_selectivity_works_on_linecnn_relu_and_pool_layers(data):
    model = LineCNN(image_size=SIZE).train()
    for layer in ("relu1", "pool1", "relu2"):
        result = A.selectivity(model, data, layer)
        assert result.index.shape == (8,)
        assert ((result.index >= -1) & (result.index <= 1)).all()
    assert model.training  # mode restored


def test_selectivity_rejects_bad_arguments(data):
    model = edge_model()
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


# -- dead, redundant, essential kernels -----------------------------------------------------
def test_dead_kernels(data):
    result = A.dead_kernels(edge_model(), data, "1")
    assert result.indices == [2]
    assert result.dead.tolist() == [False, False, True]
    assert result.peak[2] == 0.0 and result.peak[0] > 0
    # on the convolution itself, a channel that never gets above zero is dead
    assert A.dead_kernels(edge_model(), data.images, "0").indices == [2]
    model = LineCNN(image_size=SIZE)
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
    assert A.redundant_pairs(LineCNN(), threshold=0.99) == []
    with pytest.raises(ValueError, match="threshold"):
        A.redundant_pairs(kernels, threshold=2)


def test_ablation_finds_the_essential_kernels_and_leaves_the_model_alone(data):
    model = edge_model().train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    result = A.ablation(model, data, "0")
    assert result.baseline_accuracy == 1.0
    # Without kernel 1 no vertical line is recognized; without kernel 0, the
    # horizontal lines whose ends touch the border (no vertical edge at all)
    # tie at zero and still go to class 0.
    assert 0.25 < result.drop[0] < 0.5
    assert result.drop[1:].tolist() == [0.5, 0.0]
    assert result.ranking() == [1, 0, 2]
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert A.ablation(model, data, "4", channels=[1]).accuracy.tolist() == [0.5]
    with pytest.raises(ValueError, match="channels"):
        A.ablation(model, data, "0", channels=[3])
    with pytest.raises(ValueError, match="convolution or linear layers"):
        A.ablation(model, data, "1")


# -- activation maximization ---------------------------------------------------------------------
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


# -- attribution -----------------------------------------------------------------------------------
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


def test_grad_cam_alignment_on_linecnn():
    # Units of conv2 of LineCNN sit at input pixel 5.5 + 2 i; "aligned" puts
    # them there, "stretch" (Captum's interpolate) spreads them over 0..49.
    model = LineCNN()
    image = torch.zeros(1, 1, 50, 50)
    image[0, 0, 8:10, 5:45] = 1.0
    aligned = A.grad_cam(model, image, target=0, relu=False)
    stretched = A.grad_cam(model, image, target=0, relu=False, upsample="stretch")
    assert aligned.shape == stretched.shape == (1, 50, 50)
    assert not torch.allclose(aligned, stretched)
    geometry = A._map_geometry(model, "conv2")
    assert geometry == ((5.5, 5.5), (2.0, 2.0))


def test_attribution_targets_modes_and_gradients(data):
    model = LineCNN(image_size=SIZE).train()
    images = data.images[:4]
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


def test_conv_layers_and_model_type():
    assert A.conv_layers(edge_model()) == ["0"]
    with pytest.raises(TypeError, match="model"):
        A.conv_layers("conv1")
    with pytest.raises(TypeError, match="model"):
        A.dead_kernels(None, torch.zeros(1, 1, SIZE, SIZE))
