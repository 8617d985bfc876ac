"""Tests of cnnexplain.analysis.gradients (a kernel's gradient as a sum of patches) and its figures.

The gradient computed from the patches and the captured error signal must
equal autograd's, within 1e-5 in float32, on LineCNN and on Sequential
models with strides and padding, for random and for real images.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnnexplain import LineCNN, make_lines, viz
from cnnexplain.analysis import KernelGradient, error_signals, kernel_gradient

SIZE = 20
TOLERANCE = 1e-5  # float32 autograd against the patches, summed in float64


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def lines():
    """20 real 20x20 line images and their labels."""
    data = make_lines(n_per_class=10, size=SIZE, seed=5)
    return data.images, data.labels


def random_images(n=6, channels=1, size=SIZE, seed=0):
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(n, channels, size, size, generator=generator)


def random_labels(n, n_classes, seed=0):
    return torch.randint(0, n_classes, (n,), generator=torch.Generator().manual_seed(seed))


def autograd_gradient(model, images, labels, layer):
    """The reference: autograd's gradient of the mean cross-entropy, model in eval mode."""
    model.eval()
    weight = dict(model.named_modules())[layer].weight
    loss = F.cross_entropy(model(images), labels)
    (gradient,) = torch.autograd.grad(loss, weight)
    return gradient.double().numpy()


def strided_sequential(seed=0):
    """Two convolutions with strides, zero and 'same' padding, in-place ReLUs and a pooling."""
    torch.manual_seed(seed)
    model = nn.Sequential(
        nn.Conv2d(1, 4, 5, stride=2, padding=2),
        nn.ReLU(inplace=True),
        nn.Conv2d(4, 3, 3, stride=(2, 1), padding=(1, 0)),
        nn.ReLU(inplace=True),
        nn.MaxPool2d(2),
        nn.Conv2d(3, 5, 4, padding="same"),
        nn.Flatten(),
        nn.Linear(5 * 2 * 4, 3),
    )
    return model


# -- equal to autograd --------------------------------------------------------------------------
@pytest.mark.parametrize("layer", ["conv1", "conv2"])
@pytest.mark.parametrize("kind", ["random", "lines"])
def test_linecnn_gradient_equals_autograd(lines, layer, kind):
    model = LineCNN(image_size=SIZE, seed=2)
    images, labels = lines if kind == "lines" else (random_images(8), random_labels(8, 2))
    gradient = kernel_gradient(model, images, labels, layer=layer)
    expected = autograd_gradient(model, images, labels, layer)
    assert gradient.total.shape == expected.shape
    assert np.abs(gradient.total - expected).max() <= TOLERANCE
    assert np.abs(expected).max() > 100 * TOLERANCE  # a comparison that means something


# PyTorch warns that an even kernel with padding="same" pads a copy of the input: that is the point.
@pytest.mark.filterwarnings("ignore:Using padding='same' with even kernel lengths")
@pytest.mark.parametrize("layer", ["0", "2", "5"])
@pytest.mark.parametrize("kind", ["random", "lines"])
def test_sequential_gradient_with_stride_and_padding_equals_autograd(lines, layer, kind):
    model = strided_sequential()
    images, labels = (lines[0], lines[1] % 3) if kind == "lines" else (random_images(7), random_labels(7, 3))
    gradient = kernel_gradient(model, images, labels, layer=layer)
    expected = autograd_gradient(model, images, labels, layer)
    assert np.abs(gradient.total - expected).max() <= TOLERANCE
    assert np.abs(expected).max() > 100 * TOLERANCE


def test_float64_model_matches_closely():
    model = strided_sequential().double()
    images, labels = random_images(5).double(), random_labels(5, 3)
    gradient = kernel_gradient(model, images, labels, layer="2")
    assert np.abs(gradient.total - autograd_gradient(model, images, labels, "2")).max() < 1e-12


def test_more_images_than_one_batch_give_the_mean_over_all(lines):
    """The images run in batches of 64: the loss is still the mean over all of them."""
    images = torch.cat([lines[0]] * 4)  # 80 images
    labels = torch.cat([lines[1]] * 4)
    model = LineCNN(image_size=SIZE)
    gradient = kernel_gradient(model, images, labels)
    assert np.abs(gradient.total - autograd_gradient(model, images, labels, "conv1")).max() <= TOLERANCE
    single = kernel_gradient(model, *lines)
    assert np.allclose(gradient.total, single.total, atol=1e-9)  # four copies: the same mean
    assert gradient.loss == pytest.approx(single.loss, rel=1e-6)


# -- the parts ----------------------------------------------------------------------------------
def test_per_image_terms_sum_to_the_total_and_are_each_images_share(lines):
    model = LineCNN(image_size=SIZE, seed=1)
    images, labels = lines
    gradient = kernel_gradient(model, images, labels)
    n = len(labels)
    assert gradient.per_image.shape == (n, *model.conv1.weight.shape)
    assert np.abs(gradient.per_image.sum(0) - gradient.total).max() < 1e-12
    for i in (0, 7):
        alone = autograd_gradient(model, images[i : i + 1], labels[i : i + 1], "conv1") / n
        assert np.abs(gradient.per_image[i] - alone).max() <= TOLERANCE / n


def test_error_is_the_gradient_at_the_layer_output(lines):
    model = LineCNN(image_size=SIZE, seed=1).eval()
    images, labels = lines
    gradient = kernel_gradient(model, images, labels)
    output = model.conv1(images)
    rest = model.fc2(model.relu3(model.fc1(model.flatten(model.pool2(model.relu2(model.conv2(
        model.pool1(model.relu1(output))
    )))))))  # fmt: skip
    (expected,) = torch.autograd.grad(F.cross_entropy(rest, labels), output)
    assert gradient.error.shape == (len(labels), 8, SIZE - 6, SIZE - 6)
    assert np.abs(gradient.error - expected.double().numpy()).max() < 1e-8
    assert gradient.loss == pytest.approx(F.cross_entropy(rest, labels).item(), rel=1e-6)
    signals = error_signals(model, images, labels, layers=["conv1", "pool1"])
    assert np.array_equal(signals["conv1"], gradient.error)
    assert signals["pool1"].shape == (len(labels), 8, (SIZE - 6) // 2, (SIZE - 6) // 2)


def test_the_total_is_the_sum_of_error_times_patch(lines):
    """The formula of the module's description, written out with patch()."""
    model = strided_sequential()
    images, labels = lines[0][:3], lines[1][:3] % 3
    gradient = kernel_gradient(model, images, labels, layer="0")
    n, _, rows, columns = gradient.error.shape
    by_hand = np.zeros_like(gradient.total)
    for i in range(n):
        for r in range(rows):
            for c in range(columns):
                by_hand += gradient.error[i, :, r, c, None, None, None] * gradient.patch(i, r, c)[None]
    assert np.abs(by_hand - gradient.total).max() < 1e-12
    # With stride 2 and padding 2, position (0, 0) sees two rows and columns of zeros.
    patch = gradient.patch(0, 0, 0)
    assert patch.shape == (1, 5, 5) and not patch[:, :2].any() and not patch[:, :, :2].any()
    assert np.array_equal(patch[0, 2:, 2:], images[0, 0, :3, :3].double().numpy())


def test_contributions_add_up_to_the_gradients_length(lines):
    gradient = kernel_gradient(LineCNN(image_size=SIZE, seed=1), *lines)
    for kernel in range(8):
        contributions = gradient.contributions(kernel)
        assert contributions.shape == (len(lines[1]), SIZE - 6, SIZE - 6)
        assert contributions.sum() == pytest.approx(np.linalg.norm(gradient.total[kernel]), rel=1e-9)


def test_top_patches_are_the_largest_contributions_with_their_signs(lines):
    gradient = kernel_gradient(LineCNN(image_size=SIZE, seed=1), *lines)
    kernel = 2
    contributions = gradient.contributions(kernel)
    direction = gradient.total[kernel] / np.linalg.norm(gradient.total[kernel])
    top = gradient.top_patches(kernel, k=10)
    assert len(top) == 10
    sizes = [abs(t.contribution) for t in top]
    assert sizes == sorted(sizes, reverse=True)
    assert sizes[0] == pytest.approx(np.abs(contributions).max())
    assert sizes[-1] >= np.sort(np.abs(contributions).ravel())[-10]
    assert any(t.contribution < 0 for t in top) or (contributions >= 0).all()
    for t in top:
        assert t.error == gradient.error[t.image, kernel, t.row, t.column]
        assert np.array_equal(t.patch, gradient.patch(t.image, t.row, t.column))
        assert t.contribution == pytest.approx(t.error * float((t.patch * direction).sum()), rel=1e-9)
        assert t.contribution == contributions[t.image, t.row, t.column]


def test_cumulative_sums_end_at_the_gradient(lines):
    gradient = kernel_gradient(LineCNN(image_size=SIZE, seed=1), *lines)
    kernel = 4
    sums = gradient.cumulative_sums(kernel)
    top = gradient.top_patches(kernel, k=3)
    assert np.allclose(sums[2], sum(t.error * t.patch for t in top), atol=1e-15)
    assert np.abs(sums[-1] - gradient.total[kernel]).max() < 1e-12
    received = gradient.error[:, kernel] != 0
    assert 0 < len(sums) <= received.sum()  # blank patches add no term


def test_the_model_is_left_as_it_was(lines):
    model = LineCNN(image_size=SIZE, seed=1)
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    model.fc2.weight.grad = torch.ones_like(model.fc2.weight)
    first = kernel_gradient(model, *lines)
    second = kernel_gradient(model, *lines)  # dropout stays off: the same numbers
    assert model.training
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert model.conv1.weight.grad is None and torch.equal(model.fc2.weight.grad, torch.ones(2, 32))
    assert np.array_equal(first.total, second.total)
    with torch.no_grad():  # works inside no_grad too
        third = kernel_gradient(model, *lines)
    assert np.array_equal(first.total, third.total)


def test_frozen_parameters_still_have_a_gradient(lines):
    model = LineCNN(image_size=SIZE, seed=1).requires_grad_(False)
    gradient = kernel_gradient(model, *lines)
    model.requires_grad_(True)
    assert np.abs(gradient.total - autograd_gradient(model, *lines, "conv1")).max() <= TOLERANCE


# -- bad input ---------------------------------------------------------------------------------
class TwiceConv(nn.Module):
    """A model that runs its convolution twice."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 3, padding=1)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(SIZE * SIZE, 2))

    def forward(self, x):
        return self.head(self.conv(self.conv(x)))


def bad_cases():
    good = random_images(4)
    labels = random_labels(4, 2)
    conv = lambda **kw: nn.Sequential(nn.Conv2d(1, 2, 3, **kw), nn.Flatten(), nn.LazyLinear(2))  # noqa: E731
    return [
        ({"model": "LineCNN"}, TypeError, "model"),
        ({"layer": 1}, TypeError, "layer"),
        ({"layer": "conv9"}, ValueError, "layer"),
        ({"layer": "fc1"}, ValueError, "layer"),
        ({"model": nn.Sequential(nn.Conv1d(1, 2, 3), nn.Flatten()), "layer": "0"}, TypeError, "Conv2d"),
        ({"model": conv(groups=1, dilation=2), "layer": "0"}, ValueError, "dilation"),
        ({"model": nn.Sequential(nn.Conv2d(2, 2, 3, groups=2)), "layer": "0"}, ValueError, "groups"),
        ({"model": conv(padding=1, padding_mode="reflect"), "layer": "0"}, ValueError, "padding_mode"),
        ({"model": TwiceConv(), "layer": "conv"}, ValueError, "more than once"),
        ({"model": nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU()), "layer": "0"}, ValueError, "logits"),
        ({"images": good.numpy()}, TypeError, "images"),
        ({"images": good[:, 0]}, ValueError, "images"),
        ({"images": (good > 0.5).long()}, TypeError, "images"),
        ({"images": good[:0], "labels": labels[:0]}, ValueError, "images"),
        ({"images": good.clone().fill_(float("nan"))}, ValueError, "images"),
        ({"images": random_images(4, channels=3)}, ValueError, "images"),
        ({"images": random_images(4, size=10)}, ValueError, "images"),
        ({"labels": labels.tolist()}, TypeError, "labels"),
        ({"labels": labels.float()}, TypeError, "labels"),
        ({"labels": labels.bool()}, TypeError, "labels"),
        ({"labels": labels[:3]}, ValueError, "labels"),
        ({"labels": labels[:, None]}, ValueError, "labels"),
        ({"labels": labels - 5}, ValueError, "labels"),
        ({"labels": labels + 2}, ValueError, "labels"),
    ]


@pytest.mark.parametrize(("changes", "error", "match"), bad_cases())
def test_kernel_gradient_rejects_bad_input(changes, error, match):
    args = {"model": LineCNN(image_size=SIZE), "images": random_images(4), "labels": random_labels(4, 2)}
    args["layer"] = "conv1"
    args.update(changes)
    with pytest.raises(error, match=match):
        kernel_gradient(args.pop("model"), args.pop("images"), args.pop("labels"), **args)


@pytest.mark.parametrize(
    ("layers", "error", "match"),
    [("conv1", TypeError, "layers"), ([], TypeError, "layers"), (["conv1", "conv1"], ValueError, "once"),
     (["conv7"], ValueError, "layer")],
)  # fmt: skip
def test_error_signals_rejects_bad_layers(lines, layers, error, match):
    with pytest.raises(error, match=match):
        error_signals(LineCNN(image_size=SIZE), *lines, layers=layers)


def test_result_methods_check_their_arguments(lines):
    gradient = kernel_gradient(LineCNN(image_size=SIZE), *lines)
    for call, match in [
        (lambda: gradient.contributions(8), "kernel"),
        (lambda: gradient.top_patches(0, k=0), "k"),
        (lambda: gradient.top_patches(0, k=10**9), "k"),
        (lambda: gradient.patch(20, 0, 0), "image"),
        (lambda: gradient.patch(0, SIZE - 6, 0), "row"),
        (lambda: gradient.patch(0, 0, -1), "column"),
    ]:
        with pytest.raises(ValueError, match=match):
            call()


# -- figures ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def gradient(lines):
    return kernel_gradient(LineCNN(image_size=SIZE, seed=1), *lines)


def panels(fig):
    """The image panels of a figure (axes with images, colour bars left out), in order."""
    return [ax for ax in fig.axes if ax.get_images() and ax.get_label() != "<colorbar>"]


def symmetric(image) -> bool:
    return image.norm.vmin == -image.norm.vmax


def test_alignment_curve_is_the_cosine_of_the_cumulative_sums(gradient):
    curve = viz.alignment_curve(gradient, 4)
    sums = gradient.cumulative_sums(4).reshape(len(curve), -1)
    g = gradient.total[4].ravel()
    i = len(curve) // 2
    assert curve[i] == pytest.approx(sums[i] @ g / np.linalg.norm(sums[i]) / np.linalg.norm(g))
    assert curve[-1] == pytest.approx(1.0)


def test_plot_top_patches_shows_the_patches_terms_and_sums(gradient):
    k, kernel = 4, 3
    fig = viz.plot_top_patches(gradient, kernel, k=k)
    assert fig.get_size_inches()[0] == pytest.approx(10.0)
    assert plt.get_fignums() == [fig.number]
    top = gradient.top_patches(kernel, k=k)
    shown = panels(fig)
    assert len(shown) == 2 * k + 3
    length = np.linalg.norm(gradient.total[kernel])
    for i, t in enumerate(top):
        assert np.array_equal(shown[i].get_images()[0].get_array(), t.patch[0])
        term = shown[k + i].get_images()[0]
        assert np.allclose(term.get_array(), t.error * t.patch[0])
        assert symmetric(term)
        assert shown[k + i].get_xlabel() == f"{t.contribution / length:+.1%}"
    sums = gradient.cumulative_sums(kernel)[:, 0]
    curve = viz.alignment_curve(gradient, kernel)
    n_aligned = next(n for n in range(1, len(curve) + 1) if (curve[n - 1 :] >= 0.9).all())
    top_k, top_n, everything = (ax.get_images()[0] for ax in shown[2 * k :])
    assert np.allclose(top_k.get_array(), sums[k - 1])
    assert np.allclose(top_n.get_array(), sums[n_aligned - 1])
    assert shown[2 * k + 1].get_title() == f"top {n_aligned}"
    assert np.allclose(everything.get_array(), gradient.total[kernel, 0])
    assert all(symmetric(im) for im in (top_k, top_n, everything))
    assert top_k.norm.vmax == everything.norm.vmax  # one scale for the three sums
    line = next(ax for ax in fig.axes if ax.get_lines()).get_lines()[0]
    assert np.allclose(line.get_ydata(), curve)
    labels = [cbar.get_xlabel() or cbar.get_ylabel() for cbar in fig.axes if cbar.get_label() == "<colorbar>"]
    assert labels == ["term", "dL/dW"]
    texts = [t for ax in fig.axes for t in (ax.title, ax.xaxis.label, ax.yaxis.label) if t.get_text()]
    assert min(t.get_fontsize() for t in texts) >= 9


def test_plot_top_patches_draws_six_7x7_panels_120_px_wide_or_more(gradient):
    """Large enough to see the bands of a patch, as the kernels of plot_kernels."""
    fig = viz.plot_top_patches(gradient, 3, k=6)
    fig.canvas.draw()
    widths = [ax.get_window_extent().width for ax in panels(fig)]
    assert len(widths) == 2 * 6 + 3
    assert min(widths) >= 120


def test_plot_top_patches_rejects_bad_input(gradient):
    with pytest.raises(TypeError, match="gradient"):
        viz.plot_top_patches(gradient.total, 0)
    with pytest.raises(ValueError, match="k"):
        viz.plot_top_patches(gradient, 0, k=13)
    with pytest.raises(ValueError, match="alignment"):
        viz.plot_top_patches(gradient, 0, alignment=0.0)
    with pytest.raises(ValueError, match="kernel"):
        viz.plot_top_patches(gradient, 8)
    multi = kernel_gradient(LineCNN(image_size=SIZE), random_images(2), random_labels(2, 2), layer="conv2")
    with pytest.raises(ValueError, match="one input channel"):
        viz.plot_top_patches(multi, 0)
    assert plt.get_fignums() == []


def test_plot_error_signal_shows_both_signals_and_where_they_land(lines):
    model = LineCNN(image_size=SIZE, seed=1)
    images, labels = lines[0][:3], lines[1][:3]
    signals = error_signals(model, images, labels, layers=["pool1", "conv1"])
    region = images[:, 0].numpy() > 0.5
    kernel = 5
    fig = viz.plot_error_signal(images, signals["pool1"], signals["conv1"], kernel=kernel, region=region)
    assert fig.get_size_inches()[0] == pytest.approx(7.0)
    axes = fig.axes[:12]
    for i in range(3):
        image, before, after, landed = axes[4 * i : 4 * i + 4]
        assert np.array_equal(image.get_images()[0].get_array(), images[i, 0].double().numpy())
        b, a = before.get_images()[0], after.get_images()[0]
        assert np.array_equal(b.get_array(), signals["pool1"][i, kernel])
        assert np.array_equal(a.get_array(), signals["conv1"][i, kernel])
        assert symmetric(b) and b.norm.vmax == a.norm.vmax
        assert b.get_extent() == [-0.5, SIZE - 6 - 0.5, SIZE - 6 - 0.5, -0.5]  # each value over its window
        overlay = landed.get_images()[-1].get_array()
        inner = overlay[3 : SIZE - 3, 3 : SIZE - 3]
        received = signals["conv1"][i, kernel] != 0
        assert np.array_equal(~np.ma.getmaskarray(inner), received)
        assert np.array_equal(inner.data[received], signals["conv1"][i, kernel][received])
        assert np.ma.getmaskarray(overlay)[:3].all()
        assert after.get_xlabel() == f"{received.sum()} of {received.size} positions"
    assert [ax.get_title() for ax in axes[:4]] == ["image", "at pool1", "at conv1", "where it lands"]
    assert sum(ax.get_label() == "<colorbar>" for ax in fig.axes) == 3


@pytest.mark.parametrize(
    ("changes", "error", "match"),
    [
        ({"pooled": np.zeros((2, 8, 7, 7))}, ValueError, "pooled"),
        ({"conv": np.zeros((3, 4, 14, 14))}, ValueError, "channels"),
        ({"conv": np.zeros((3, 8, 30, 30))}, ValueError, "larger"),
        ({"kernel": 8}, ValueError, "kernel"),
        ({"offset": [3, 3]}, TypeError, "offset"),
        ({"offset": (9, 0)}, ValueError, "offset"),
        ({"region": np.zeros((3, SIZE, SIZE))}, ValueError, "region"),
        ({"names": "pool1"}, TypeError, "names"),
        ({"region_label": 3}, TypeError, "region_label"),
    ],
)
def test_plot_error_signal_rejects_bad_input(changes, error, match):
    args = {
        "images": random_images(3),
        "pooled": np.zeros((3, 8, 7, 7)),
        "conv": np.zeros((3, 8, 14, 14)),
        "kernel": 0,
    }
    args.update(changes)
    with pytest.raises(error, match=match):
        viz.plot_error_signal(args.pop("images"), args.pop("pooled"), args.pop("conv"), **args)
    assert plt.get_fignums() == []


def test_result_type_is_exported():
    assert KernelGradient.__module__ == "cnnexplain.analysis.gradients"
