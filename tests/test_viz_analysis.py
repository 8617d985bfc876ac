"""Tests of the figures of cnnexplain.analysis: edge match, kernel roles, attribution.

Each figure is checked for its panels, for pixel data equal to the values it
claims to show, for symmetric colour limits on signed values, and for
leaving no pyplot figure open besides the one it returns.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure

from cnnexplain import LineCNN, make_lines, viz
from cnnexplain import analysis as A
from cnnexplain.edges import PREWITT_X, PREWITT_Y, edge_template

SIZE = 20


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def history(tiny_run):
    """The tiny run's history: 3 snapshots of a LineCNN for 20x20 images, 8 conv1 kernels."""
    return tiny_run[1]


def symmetric(image) -> bool:
    norm = image.norm
    return norm.vmin == pytest.approx(-norm.vmax) and norm.vmax > 0


def test_plot_edge_match_draws_one_line_per_kernel(history):
    result = A.edge_match_history(history)
    fig = viz.plot_edge_match(result, chance=0.4)
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    lines = ax.get_lines()
    assert len(lines) == 9  # 8 kernels and the chance line
    for k in range(8):
        assert np.array_equal(lines[k].get_xdata(), result.epochs)
        assert np.array_equal(lines[k].get_ydata(), result.score[:, k])
        assert lines[k].get_label().startswith(f"kernel {k}: ")
    assert list(lines[8].get_ydata()) == [0.4, 0.4]
    assert ax.get_ylim()[0] == 0.0
    assert ax.get_xlabel() == "epoch"
    # into given axes, a subset of kernels
    fig2, axes = plt.subplots(1, 2)
    out = viz.plot_edge_match(result, kernels=[3, 5], ax=axes[1])
    assert out is fig2 and len(axes[1].get_lines()) == 2
    assert np.array_equal(axes[1].get_lines()[1].get_ydata(), result.score[:, 5])


def test_plot_edge_match_rejects_bad_arguments(history):
    result = A.edge_match_history(history)
    with pytest.raises(TypeError, match="result"):
        viz.plot_edge_match(result.at(-1))
    with pytest.raises(ValueError, match="result"):
        viz.plot_edge_match(A.edge_match_history(history, "conv2"))
    with pytest.raises(ValueError, match="kernels"):
        viz.plot_edge_match(result, kernels=[8])
    with pytest.raises(ValueError, match="chance"):
        viz.plot_edge_match(result, chance=2.0)
    with pytest.raises(TypeError, match="ax"):
        viz.plot_edge_match(result, ax="left")


def test_plot_best_templates_shows_kernels_and_their_templates():
    model = LineCNN()
    weights = model.conv1.weight.detach()
    match = A.edge_match(model)
    fig = viz.plot_best_templates(weights, match)
    axes = [ax for ax in fig.axes if ax.get_images()]
    assert len(axes) == 16
    images = [ax.get_images()[0] for ax in axes]
    kernels = {ax.get_title(): im for ax, im in zip(axes, images) if ax.get_title().startswith("kernel")}
    templates = {
        ax.get_title(): (ax, im) for ax, im in zip(axes, images) if ax.get_title().startswith("template")
    }
    assert len(kernels) == len(templates) == 8
    for k in range(8):
        assert np.allclose(kernels[f"kernel {k}"].get_array(), weights[k, 0].numpy())
        ax, im = templates[f"template {k}"]
        shown = np.asarray(im.get_array())
        r = np.corrcoef(shown.ravel(), match.template(k).numpy().ravel())[0, 1]
        assert r == pytest.approx(1.0)
        assert shown.std() == pytest.approx(weights[k, 0].numpy().std(), rel=1e-5)
        assert f"r = {match.score[k]:.2f}" in ax.get_xlabel()
    # one shared, symmetric scale
    assert all(symmetric(im) for im in images)
    assert len({(im.norm.vmin, im.norm.vmax) for im in images}) == 1
    assert images[0].norm.vmax == pytest.approx(
        max(np.abs(weights.numpy()).max(), max(np.abs(im.get_array()).max() for im in images))
    )


def test_plot_edge_parts_draws_the_parts_that_add_up_to_each_kernel():
    c = np.arange(7.0) - 3
    ramp = np.tile(c, (7, 1))
    kernels = np.stack([ramp, ramp + 0.5 * c[:, None] ** 2])  # an edge; the edge beside a bend
    fig = viz.plot_edge_parts(kernels, names=["edge", "edge and bend"])
    assert isinstance(fig, Figure)
    panels = [ax for ax in fig.axes if ax.images]
    assert len(panels) == 8
    assert [ax.get_title() for ax in panels[:4]] == [
        "edge",
        "its edge: 100%",
        "smooth beside it: 0%",
        "the rest",
    ]
    assert panels[4].get_title() == "edge and bend" and panels[0].get_xlabel() == "edge test: yes"
    assert panels[4].get_xlabel() == "edge test: no\n(smooth pattern too)"
    shown = [np.asarray(ax.images[0].get_array()) for ax in panels[4:]]
    np.testing.assert_allclose(shown[1] + shown[2] + shown[3], shown[0], atol=1e-12)
    np.testing.assert_allclose(shown[0], kernels[1] - kernels[1].mean())
    limits = {ax.images[0].get_clim() for ax in panels}
    assert len(limits) == 1 and sum(limits.pop()) == 0  # one symmetric scale
    assert len(plt.get_fignums()) == 1


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"kernels": np.zeros((2, 6, 6))}, ValueError, "square, of odd size"),
        ({"kernels": np.zeros((2, 7, 7)), "names": ["one"]}, ValueError, "one name per kernel"),
        ({"kernels": np.zeros((2, 7, 7)), "names": "ab"}, TypeError, "names must be a sequence"),
    ],
)
def test_plot_edge_parts_rejects_bad_arguments_by_name(kwargs, error, match):
    with pytest.raises(error, match=match):
        viz.plot_edge_parts(**kwargs)


def test_plot_best_templates_names_its_panels():
    weights = torch.stack([PREWITT_X, PREWITT_Y])
    fig = viz.plot_best_templates(weights, name="change")
    titles = [ax.get_title() for ax in fig.axes if ax.get_images()]
    assert "change 0" in titles and "change 1" in titles
    assert "kernel 0" not in titles
    with pytest.raises(TypeError, match="name"):
        viz.plot_best_templates(weights, name="")


def test_plot_best_templates_can_say_only_how_each_edge_lies():
    weights = torch.stack([PREWITT_X, PREWITT_Y, torch.zeros(3, 3)])
    labels = [ax.get_xlabel() for ax in viz.plot_best_templates(weights).axes if ax.get_xlabel()]
    assert "\u00b0" in labels[0]  # by default, the template: its kind, angle and polarity
    fig = viz.plot_best_templates(weights, label="way")
    labels = [ax.get_xlabel() for ax in fig.axes if ax.get_xlabel()]
    assert [text.split("\n")[0] for text in labels] == ["vertical edge", "horizontal edge", "constant"]
    assert all("\nr = " in text for text in labels)
    with pytest.raises(ValueError, match="label"):
        viz.plot_best_templates(weights, label="angle")


def test_plot_best_templates_checks_its_inputs():
    weights = torch.stack([PREWITT_X, PREWITT_Y])
    fig = viz.plot_best_templates(weights)  # the match is computed
    assert fig.axes[1].get_title() == "kernel 1"
    with pytest.raises(ValueError, match="match"):
        viz.plot_best_templates(weights, A.edge_match(torch.stack([PREWITT_X] * 3)))
    with pytest.raises(TypeError, match="weights"):
        viz.plot_best_templates(LineCNN())
    with pytest.raises(ValueError, match="weights"):
        viz.plot_best_templates(torch.zeros(2, 2, 3, 3))


def test_plot_edge_templates():
    fig = viz.plot_edge_templates(5, angles=(0, 30, 90))
    axes = [ax for ax in fig.axes if ax.get_images()]
    assert [ax.get_title() for ax in axes] == [
        "prewitt 0°",
        "prewitt 30°",
        "prewitt 90°",
        "sobel 0°",
        "sobel 30°",
        "sobel 90°",
    ]
    assert np.array_equal(axes[4].get_images()[0].get_array(), edge_template(5, 30, "sobel").numpy())
    assert all(symmetric(ax.get_images()[0]) for ax in axes)


def test_plot_selectivity_bars_match_the_result(small_data):
    result = A.selectivity(LineCNN(image_size=SIZE), small_data)
    fig = viz.plot_selectivity(result)
    ax_mean, ax_index = fig.axes[:2]
    heights = [p.get_height() for p in ax_mean.patches]
    assert np.allclose(heights[:8], result.means[:, 0]) and np.allclose(heights[8:], result.means[:, 1])
    assert np.allclose([p.get_height() for p in ax_index.patches], result.index)
    assert ax_index.get_ylim() == (-1.0, 1.0)
    with pytest.raises(TypeError, match="result"):
        viz.plot_selectivity(result.index)


def test_plot_ablation_bars_match_the_result(small_data):
    result = A.ablation(LineCNN(image_size=SIZE), small_data)
    fig = viz.plot_ablation(result)
    ax_acc, ax_loss = fig.axes[:2]
    assert np.allclose([p.get_height() for p in ax_acc.patches], 100 * result.drop)
    assert np.allclose([p.get_height() for p in ax_loss.patches], result.loss - result.baseline_loss)
    assert [t.get_text() for t in ax_acc.get_xticklabels()] == [str(k) for k in range(8)]


def test_plot_kernel_similarity():
    kernels = torch.stack([PREWITT_X, PREWITT_Y, -PREWITT_X])
    sim = A.kernel_similarity(kernels)
    fig = viz.plot_kernel_similarity(sim, threshold=0.9)
    ax = fig.axes[0]
    im = ax.get_images()[0]
    assert np.array_equal(im.get_array(), sim)
    assert (im.norm.vmin, im.norm.vmax) == (-1.0, 1.0)
    assert len(ax.patches) == 2  # the pair (0, 2), both halves of the matrix
    assert [t.get_text() for t in ax.texts][:3] == ["1", "0", "-1"]
    with pytest.raises(ValueError, match="similarity"):
        viz.plot_kernel_similarity(np.zeros((2, 3)))


def test_plot_maximizing_inputs_shows_the_images_and_kernels():
    gen = torch.Generator().manual_seed(0)
    images = torch.rand(3, 12, 12, generator=gen)
    kernels = torch.randn(3, 1, 3, 3, generator=gen)
    fig = viz.plot_maximizing_inputs(images, kernels=kernels, crop=6, titles=["a", "b", "c"])
    panels = [ax for ax in fig.axes if ax.get_images()]
    assert [ax.get_title() for ax in panels] == ["a", "b", "c", "kernel 0", "kernel 1", "kernel 2"]
    first = panels[0].get_images()[0]
    assert np.allclose(first.get_array(), images[0, 3:9, 3:9].numpy())
    assert (first.norm.vmin, first.norm.vmax) == (0.0, 1.0)
    kernel_images = [ax.get_images()[0] for ax in panels[3:]]
    assert np.allclose(kernel_images[2].get_array(), kernels[2, 0].numpy())
    assert all(symmetric(im) for im in kernel_images)
    assert kernel_images[0].norm.vmax == pytest.approx(float(kernels.abs().max()))
    with pytest.raises(ValueError, match="kernels"):
        viz.plot_maximizing_inputs(images, kernels=kernels[:2])
    with pytest.raises(ValueError, match="titles"):
        viz.plot_maximizing_inputs(images, titles=["a"])


def test_plot_attribution_overlays_maps_on_images():
    gen = torch.Generator().manual_seed(0)
    images = torch.rand(2, 1, 10, 10, generator=gen)
    signed = torch.randn(2, 10, 10, generator=gen)
    heat = signed.abs()
    fig = viz.plot_attribution(images, {"signed": signed, "heat": heat}, row_labels=["h", "v"])
    axes = np.array([ax for ax in fig.axes if ax.get_images()]).reshape(2, 3)
    assert [ax.get_title() for ax in axes[0]] == ["image", "signed", "heat"]
    assert axes[1, 0].get_ylabel() == "v"
    assert np.allclose(axes[1, 0].get_images()[0].get_array(), images[1, 0].numpy())
    opacity = []
    for i in range(2):
        base, over = axes[i, 1].get_images()
        assert np.allclose(base.get_array(), images[i, 0].numpy())
        assert np.allclose(over.get_array(), signed[i].numpy())
        assert symmetric(over) and over.norm.vmax == pytest.approx(float(signed.abs().max()))
        heat_image = axes[i, 2].get_images()[1]
        assert np.allclose(heat_image.get_array(), heat[i].numpy())
        assert heat_image.norm.vmin == 0.0 and heat_image.norm.vmax == pytest.approx(float(heat.max()))
        # opacity grows with |value|, up to alpha at the largest of the column
        opacity.append(np.asarray(over.get_alpha()))
        assert np.argmax(opacity[i]) == np.argmax(signed[i].abs().numpy())
    assert np.max(opacity) == pytest.approx(0.85)
    # a list of maps with titles, into a given figure, without the image column
    given = plt.figure()
    out = viz.plot_attribution(images[:, 0], [heat], titles=["saliency"], show_image=False, fig=given)
    assert out is given and [ax.get_title() for ax in given.axes if ax.get_images()][:1] == ["saliency"]


def test_plot_attribution_from_the_analysis():
    model = LineCNN(image_size=SIZE)
    images = make_lines(n_per_class=1, size=SIZE).images
    maps = {
        "saliency": A.saliency(model, images),
        "occlusion": A.occlusion(model, images, window=4, stride=4),
    }
    fig = viz.plot_attribution(images, maps)
    overlays = [ax.get_images()[1] for ax in fig.axes if len(ax.get_images()) == 2]
    assert len(overlays) == 4
    assert overlays[0].norm.vmin == 0.0  # saliency is non-negative: a sequential scale
    assert np.allclose(overlays[3].get_array(), maps["occlusion"][1].numpy())


def test_plot_attribution_rejects_bad_arguments():
    images = torch.rand(2, 1, 10, 10)
    with pytest.raises(ValueError, match=r"maps\['m'\]"):
        viz.plot_attribution(images, {"m": torch.rand(2, 9, 9)})
    with pytest.raises(ValueError, match="titles"):
        viz.plot_attribution(images, {"m": torch.rand(2, 10, 10)}, titles=["x"])
    with pytest.raises(TypeError, match="maps"):
        viz.plot_attribution(images, "saliency")
    with pytest.raises(ValueError, match="images"):
        viz.plot_attribution(torch.rand(2, 3, 10, 10), torch.rand(2, 10, 10))
    with pytest.raises(ValueError, match="alpha"):
        viz.plot_attribution(images, torch.rand(2, 10, 10), alpha=0)
    with pytest.raises(TypeError, match="signed"):
        viz.plot_attribution(images, torch.rand(2, 10, 10), signed="yes")


@pytest.mark.parametrize(
    "draw",
    [
        lambda history, data: viz.plot_edge_match(A.edge_match_history(history)),
        lambda history, data: viz.plot_best_templates(history["conv1.weight"][-1]),
        lambda history, data: viz.plot_edge_templates(3),
        lambda history, data: viz.plot_selectivity(A.selectivity(history.model_at(-1), data)),
        lambda history, data: viz.plot_ablation(A.ablation(history.model_at(-1), data)),
        lambda history, data: viz.plot_kernel_similarity(A.kernel_similarity(history.model_at(-1))),
        lambda history, data: viz.plot_maximizing_inputs(data.images[:3, 0]),
        lambda history, data: viz.plot_attribution(data.images[:2], data.images[:2, 0]),
    ],
    ids=[
        "edge_match",
        "best_templates",
        "templates",
        "selectivity",
        "ablation",
        "similarity",
        "max",
        "attribution",
    ],
)
def test_no_figure_is_left_open_besides_the_one_returned(history, small_data, draw):
    before = set(plt.get_fignums())
    fig = draw(history, small_data)
    assert set(plt.get_fignums()) - before == {fig.number}


def test_plot_best_templates_draws_edges_red_beside_blue_and_marks_their_line():
    # A kernel with a large mean: the template is still drawn around zero (white), the edge's
    # two sides red and blue, with a dashed line along the edge.
    weights = torch.stack([PREWITT_X + 5.0, PREWITT_Y])
    fig = viz.plot_best_templates(weights)
    templates = [ax for ax in fig.axes if ax.get_title().startswith("template")]
    for ax in templates:
        shown = np.asarray(ax.get_images()[0].get_array())
        assert shown.mean() == pytest.approx(0.0, abs=1e-6)
        assert shown.min() < 0 < shown.max()
        (line,) = ax.get_lines()
        assert line.get_linestyle() == "--"
    vertical = templates[0].get_lines()[0]
    assert np.allclose(vertical.get_xdata(), 1.0)  # the centre column of a 3x3 kernel
    assert templates[0].get_xlim() == templates[1].get_xlim()  # the line does not widen the panel


def test_plot_best_templates_says_when_no_edge_fits():
    line = torch.zeros(7, 7)
    line[:, 3] = 1.0  # a centred line: every edge template correlates with it near 0
    edge = edge_template(7, 0)
    tilted = edge_template(7, 160, "sobel")  # a vertical edge, 20 degrees off
    fig = viz.plot_best_templates(torch.stack([line, edge, tilted]), label="way", verdict=True)
    labels = [ax.get_xlabel() for ax in fig.axes if ax.get_title().startswith("template")]
    closest, score, no_fit, test = labels[0].split("\n")
    assert score.startswith("r = 0.")
    assert closest.startswith("(") and closest.endswith(" edge)")  # only the closest template
    assert no_fit == "no edge fits" and test == "edge test: no"
    assert labels[1].split("\n")[:2] == ["vertical edge", "r = 1.00"]
    assert labels[1].endswith("edge test: yes")
    assert labels[2].split("\n")[0] == "vertical edge"
    assert "tilted 20\u00b0" in labels[2].split("\n")[1]
    # Without the verdict, the same words: the cut is the edge test's first condition.
    plain = viz.plot_best_templates(torch.stack([line, edge]))
    labels = [ax.get_xlabel() for ax in plain.axes if ax.get_title().startswith("template")]
    assert labels[0].endswith("\nno edge fits") and "no edge fits" not in labels[1]
