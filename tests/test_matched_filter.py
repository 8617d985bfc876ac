"""Tests of cnnexplain.analysis.matched_filter (the kernel a one-kernel squared model prefers) and its figures.

The closed form rests on two identities the tests check against PyTorch:
the squared model's score is ``w^T C(x) w``, and its gradient is ``2 *
sum over images of (dL/ds_i) C(x_i) w``. On images whose answer is known --
horizontal against vertical stripes -- the preferred kernels must have the
stripes' structure.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from figure_text import overlapping_texts, text_sizes
from torch import nn

from cnnexplain import make_lines, viz
from cnnexplain.analysis import PreferredKernel, patch_second_moments, preferred_kernel


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


class Square(nn.Module):
    def forward(self, x):
        return x * x


def square_model(seed=0, size=5):
    torch.manual_seed(seed)
    return nn.Sequential(
        nn.Conv2d(1, 1, size, bias=False), Square(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(1, 2)
    ).double()


def stripes(n=6, size=12, seed=0):
    """``n`` images of random horizontal stripes (label 0), then ``n`` of vertical ones (label 1)."""
    generator = torch.Generator().manual_seed(seed)
    rows = (torch.rand(n, size, generator=generator) < 0.4).double()
    horizontal = rows[:, :, None].expand(n, size, size)
    columns = (torch.rand(n, size, generator=generator) < 0.4).double()
    vertical = columns[:, None, :].expand(n, size, size)
    images = torch.cat([horizontal, vertical])[:, None].contiguous()
    return images, torch.cat([torch.zeros(n), torch.ones(n)]).long()


@pytest.fixture(scope="module")
def lines():
    data = make_lines(n_per_class=12, size=16, seed=2)
    return data.images, data.labels


# -- patch_second_moments ---------------------------------------------------------------
def test_the_score_of_the_squared_model_is_the_quadratic_form(lines):
    images, _ = lines
    model = square_model(seed=1)
    moments = torch.from_numpy(patch_second_moments(images, 5))
    w = model[0].weight.detach().flatten()
    scores = model[:4](images.double())[:, 0].detach()
    assert torch.allclose(scores, torch.einsum("c,icd,d->i", w, moments, w), rtol=1e-10, atol=1e-14)


def test_moments_are_symmetric_positive_semidefinite_and_their_mean_patch_outer_product(lines):
    images, _ = lines
    moments = patch_second_moments(images[:3], 4)
    assert moments.shape == (3, 16, 16) and moments.dtype == np.float64
    assert np.allclose(moments, moments.transpose(0, 2, 1))
    assert np.linalg.eigvalsh(moments).min() > -1e-12
    # Entry (u, u) of one image: the mean over positions of the squared pixel u of the patch.
    image = images[0, 0].double().numpy()
    positions = [(r, c) for r in range(13) for c in range(13)]
    expected = np.mean([image[r + 1, c + 2] ** 2 for r, c in positions])
    assert moments[0, 1 * 4 + 2, 1 * 4 + 2] == pytest.approx(expected)


def test_moments_of_several_channels_follow_unfold_order():
    images = torch.rand(2, 3, 6, 6, generator=torch.Generator().manual_seed(0))
    moments = patch_second_moments(images, 2)
    assert moments.shape == (2, 12, 12)
    patches = F.unfold(images.double(), 2)
    assert np.allclose(moments, (patches @ patches.transpose(1, 2) / patches.shape[-1]).numpy())


def test_moments_do_not_depend_on_the_batching():
    images = torch.rand(70, 1, 9, 9, generator=torch.Generator().manual_seed(1))  # more than one batch
    together = patch_second_moments(images, 3)
    one_by_one = np.concatenate([patch_second_moments(images[i : i + 1], 3) for i in range(70)])
    assert np.allclose(together, one_by_one, rtol=0, atol=1e-15)


@pytest.mark.parametrize(
    ("images", "size", "error", "words"),
    [
        ([[0.0]], 3, TypeError, "images"),
        (torch.zeros(2, 6, 6), 3, ValueError, "images"),
        (torch.zeros(2, 1, 6, 6, dtype=torch.int64), 3, TypeError, "images"),
        (torch.zeros(2, 1, 6, 6), 7, ValueError, "size"),
        (torch.zeros(2, 1, 6, 6), 0, ValueError, "size"),
        (torch.zeros(2, 1, 6, 6), 2.0, TypeError, "size"),
    ],
)
def test_moments_reject_bad_arguments(images, size, error, words):
    with pytest.raises(error, match=words):
        patch_second_moments(images, size)


# -- preferred_kernel ------------------------------------------------------------------------
def test_stripes_give_kernels_with_row_and_column_structure():
    images, labels = stripes()
    preferred = preferred_kernel(images, labels, 5)
    assert isinstance(preferred, PreferredKernel)
    top, bottom = preferred.top[0], preferred.bottom[0]

    def share(kernel, axis):
        """The share of the kernel's squared length in its means along ``axis`` (1: rows)."""
        means = np.broadcast_to(kernel.mean(axis, keepdims=True), kernel.shape)
        return (means**2).sum() / (kernel**2).sum()

    # Horizontal stripes are constant along rows: the kernel that favours them nearly is too,
    # and the one that favours vertical stripes is nearly constant along columns.
    assert share(top, 1) > 0.99 and share(top, 0) < 0.5
    assert share(bottom, 0) > 0.99 and share(bottom, 1) < 0.5
    assert preferred.eigenvalues[0] > 0 > preferred.eigenvalues[-1]


def test_eigenvalues_are_the_separation_each_kernel_makes(lines):
    images, labels = lines
    preferred = preferred_kernel(images, labels, 5)
    assert np.all(np.diff(preferred.eigenvalues) <= 1e-12)  # largest first
    moments = patch_second_moments(images, 5)
    scores = np.einsum(
        "kc,icd,kd->ki", preferred.kernels.reshape(25, -1), moments, preferred.kernels.reshape(25, -1)
    )
    labels = labels.numpy()
    separation = scores[:, labels == 0].mean(1) - scores[:, labels == 1].mean(1)
    assert np.allclose(separation, preferred.eigenvalues, atol=1e-12)
    assert np.allclose(preferred.difference, preferred.means[0] - preferred.means[1])
    flat = preferred.kernels.reshape(25, -1)
    assert np.allclose(flat @ flat.T, np.eye(25), atol=1e-10)


def test_no_unit_kernel_separates_more_than_the_top_one(lines):
    images, labels = lines
    preferred = preferred_kernel(images, labels, 5)
    rng = np.random.default_rng(0)
    kernels = rng.normal(size=(500, 25))
    kernels /= np.linalg.norm(kernels, axis=1, keepdims=True)
    values = np.einsum("kc,cd,kd->k", kernels, preferred.difference, kernels)
    assert values.max() < preferred.eigenvalues[0] and values.min() > preferred.eigenvalues[-1]


def test_swapping_the_classes_swaps_the_ends(lines):
    images, labels = lines
    ab = preferred_kernel(images, labels, 5)
    ba = preferred_kernel(images, labels, 5, classes=(1, 0))
    assert ba.classes == (1, 0)
    assert np.allclose(ba.eigenvalues, -ab.eigenvalues[::-1])
    assert ab.alignment(ba.bottom) == pytest.approx(1.0)


def test_preferred_kernel_is_deterministic_and_signs_its_eigenvectors(lines):
    images, labels = lines
    one, two = preferred_kernel(images, labels, 5), preferred_kernel(images, labels.numpy(), 5)
    assert np.array_equal(one.kernels, two.kernels)
    flat = one.kernels.reshape(25, -1)
    first = np.argmax(np.abs(flat) > 1e-6 * np.abs(flat).max(axis=1, keepdims=True), axis=1)
    assert (flat[np.arange(25), first] > 0).all()


def test_the_gradient_is_twice_the_error_weighted_moments_times_w(lines):
    # dL/dw = 2 * sum_i g_i C(x_i) w, with g_i = dL/ds_i = (q_i - y_i)(a0 - a1) / N for two classes.
    images, labels = lines
    images = images.double()
    model = square_model(seed=3)
    logits = model(images)
    (gradient,) = torch.autograd.grad(F.cross_entropy(logits, labels), model[0].weight)
    q = logits.detach().softmax(1)[:, 0]
    a = model[4].weight.detach()[:, 0]
    g = (q - (labels == 0).double()) * (a[0] - a[1]) / len(labels)
    moments = torch.from_numpy(patch_second_moments(images, 5))
    w = model[0].weight.detach().flatten()
    by_hand = 2 * torch.einsum("i,icd,d->c", g, moments, w)
    assert torch.allclose(by_hand, gradient.flatten(), rtol=1e-9, atol=1e-15)


def test_with_one_probability_for_all_images_the_gradient_is_the_closed_form(lines):
    # q_i = q for every image (a dense layer that ignores the score): dL/dw = (a0 - a1)[(2q - 1) M - D/2] w.
    images, labels = lines
    keep = torch.cat([torch.nonzero(labels == c).flatten()[:10] for c in (0, 1)])  # balanced
    images, labels = images[keep].double(), labels[keep]
    model = square_model(seed=4)
    with torch.no_grad():
        model[4].weight.mul_(1e-9)  # the score no longer moves the logits: q_i = q
    logits = model(images)
    (gradient,) = torch.autograd.grad(F.cross_entropy(logits, labels), model[0].weight)
    q = float(logits.detach().softmax(1)[:, 0].mean())
    a = model[4].weight.detach()[:, 0]
    preferred = preferred_kernel(images, labels, 5)
    difference, mean = torch.from_numpy(preferred.difference), torch.from_numpy(preferred.means.mean(0))
    w = model[0].weight.detach().flatten()
    closed_form = (a[0] - a[1]) * ((2 * q - 1) * mean - difference / 2) @ w
    assert torch.allclose(closed_form, gradient.flatten(), rtol=1e-6, atol=1e-25)


def test_components_alignment_and_grow(lines):
    images, labels = lines
    preferred = preferred_kernel(images, labels, 5)
    kernel = torch.randn(1, 5, 5, generator=torch.Generator().manual_seed(0))
    coordinates = preferred.components(kernel)
    assert coordinates.shape == (25,)
    assert np.allclose(coordinates @ preferred.kernels.reshape(25, -1), kernel.double().numpy().ravel())
    assert np.allclose(preferred.grow(kernel, 0.0), kernel.numpy())
    # exp(tD) w grows each component by exp(t * eigenvalue); for large t the top one wins.
    grown = preferred.grow(kernel, 2.0)
    assert np.allclose(preferred.components(grown), coordinates * np.exp(2.0 * preferred.eigenvalues))
    # Long enough for the winner to outgrow the runner-up a billion times (exp(21) > 1e9).
    long = 21 / min(
        preferred.eigenvalues[0] - preferred.eigenvalues[1],
        preferred.eigenvalues[-2] - preferred.eigenvalues[-1],
    )
    assert preferred.alignment(preferred.grow(kernel, long)) == pytest.approx(1.0)
    assert preferred.alignment(preferred.grow(kernel, -long), -1) == pytest.approx(1.0)
    several = np.stack([kernel.numpy(), -3 * preferred.top, np.zeros((1, 5, 5))])
    cosines = preferred.alignment(several)
    assert cosines.shape == (3,) and cosines[1] == pytest.approx(1.0) and cosines[2] == 0.0
    assert 0 <= cosines.min() and cosines.max() <= 1


def test_preferred_kernel_rejects_bad_arguments(lines):
    images, labels = lines
    cases = [
        ((images, labels.float(), 5), {}, TypeError, "labels"),
        ((images, [0, 1], 5), {}, TypeError, "labels"),
        ((images, labels[:-1], 5), {}, ValueError, "labels"),
        ((images, labels, 17), {}, ValueError, "size"),
        ((images, labels, 5), {"classes": (0, 0)}, ValueError, "classes"),
        ((images, labels, 5), {"classes": (0, 7)}, ValueError, "classes"),
        ((images, labels, 5), {"classes": 0}, TypeError, "classes"),
        ((images, labels, 5), {"classes": (0, 1.5)}, TypeError, "classes"),
        ((images.numpy(), labels, 5), {}, TypeError, "images"),
    ]
    for args, kwargs, error, words in cases:
        with pytest.raises(error, match=words):
            preferred_kernel(*args, **kwargs)
    preferred = preferred_kernel(images, labels, 5)
    with pytest.raises(ValueError, match="weights"):
        preferred.alignment(np.zeros((4, 4)))
    with pytest.raises(ValueError, match="rank"):
        preferred.alignment(preferred.top, 25)
    with pytest.raises(TypeError, match="time"):
        preferred.grow(preferred.top, "1")
    with pytest.raises(ValueError, match="time"):
        preferred.grow(preferred.top, float("nan"))


# -- figures -------------------------------------------------------------------------------
def test_plot_preferred_kernels_shows_both_ends_big_enough(lines):
    images, labels = lines
    preferred = preferred_kernel(images, labels, 5)
    fig = viz.plot_preferred_kernels(preferred, 2, class_names=["horizontal", "vertical"])
    panels = [ax for ax in fig.axes if ax.images and ax.get_title()]
    assert len(panels) == 4
    assert [ax.get_title().splitlines()[0] for ax in panels] == [
        "eigenvector 1 of 25",
        "eigenvector 2 of 25",
        "eigenvector 24 of 25",
        "eigenvector 25 of 25",
    ]
    assert np.allclose(panels[-1].images[0].get_array(), preferred.bottom[0])
    assert panels[0].get_title().endswith("horizontal") and panels[-1].get_title().endswith("vertical")
    limits = {ax.images[0].get_clim() for ax in panels}
    assert len(limits) == 1 and next(iter(limits))[0] == -next(iter(limits))[1]  # shared, centred on zero
    fig.canvas.draw()
    assert min(ax.get_window_extent().width for ax in panels) >= 120  # pixels at 100 dpi
    assert fig.get_size_inches()[0] <= 7.6


def test_plot_kernel_shapes_divides_by_length():
    kernels = np.stack([np.ones((7, 7)), -2 * np.eye(7), np.zeros((7, 7))])
    fig = viz.plot_kernel_shapes(kernels, ["a", "b", "zeros"])
    arrays = [ax.images[0].get_array() for ax in fig.axes if ax.images and ax.get_title()]
    assert np.allclose(arrays[0], 1 / 7) and np.allclose(arrays[1], -np.eye(7) / np.sqrt(7))
    assert np.allclose(arrays[2], 0)
    with pytest.raises(ValueError, match="titles"):
        viz.plot_kernel_shapes(kernels, ["a"])
    with pytest.raises(ValueError, match="at most 4"):
        viz.plot_kernel_shapes(np.ones((5, 7, 7)), list("abcde"))


def test_plot_alignment_runs_draws_a_line_per_run():
    curves = np.array([[0.1, 0.5, 0.9], [0.2, 0.3, 0.4], [0.0, 0.0, 0.1]])
    fig = viz.plot_alignment_runs(curves, np.arange(3), labels=list("abc"), highlight=1, level=0.7)
    ax = fig.axes[0]
    runs = [line for line in ax.lines if line.get_label() in "abc"]
    assert [line.get_label() for line in runs] == ["a", "b", "c"]
    assert np.allclose(runs[0].get_ydata(), curves[0])
    assert runs[1].get_linewidth() > runs[0].get_linewidth()
    for args, kwargs, error, words in [
        ((curves[0], np.arange(3)), {}, ValueError, "alignment"),
        ((curves + 1, np.arange(3)), {}, ValueError, "alignment"),
        ((curves, np.arange(4)), {}, ValueError, "epochs"),
        ((curves, np.arange(3)), {"highlight": 3}, ValueError, "highlight"),
        ((curves, np.arange(3)), {"labels": ["a"]}, ValueError, "labels"),
        ((curves, np.arange(3)), {"level": 2.0}, ValueError, "level"),
    ]:
        with pytest.raises(error, match=words):
            viz.plot_alignment_runs(*args, **kwargs)


def test_plot_preferred_kernels_rejects_bad_arguments(lines):
    images, labels = lines
    preferred = preferred_kernel(images, labels, 5)
    with pytest.raises(TypeError, match="preferred"):
        viz.plot_preferred_kernels(preferred.kernels)
    with pytest.raises(ValueError, match="n"):
        viz.plot_preferred_kernels(preferred, 4)
    with pytest.raises(ValueError, match="class_names"):
        viz.plot_preferred_kernels(preferred, class_names=["only one"])
    two_channels = preferred_kernel(torch.rand(4, 2, 8, 8), torch.tensor([0, 1, 0, 1]), 3)
    with pytest.raises(ValueError, match="one-channel"):
        viz.plot_preferred_kernels(two_channels)


def test_the_figures_text_is_readable_and_does_not_overlap(lines):
    images, labels = lines
    preferred = preferred_kernel(images, labels, 5)
    curves = np.linspace(0, 1, 31)[None].repeat(10, axis=0) * np.linspace(0.1, 1, 10)[:, None]
    figures = [
        viz.plot_preferred_kernels(preferred, 2, class_names=["horizontal", "vertical"]),
        viz.plot_kernel_shapes(preferred.kernels[:4], ["a", "b", "c", "d"]),
        viz.plot_alignment_runs(curves, np.linspace(0, 3, 31), highlight=0, level=0.7),
    ]
    for fig in figures:
        texts = text_sizes(fig)
        assert min(t["px"] for t in texts) >= 12  # 9 points at 100 dpi
        assert not [t["text"] for t in texts if t["clipped"]]
        assert not overlapping_texts(texts)
