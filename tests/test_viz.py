"""Tests of cnnexplain.viz.article on real (tiny) training histories.

Every image panel must show exactly the numbers it claims (kernel weights,
convolution outputs, activations), signed panels must have symmetric colour
limits shared across panels and frames, animations must have one frame per
step, and saved GIFs must open with Pillow with the right number of frames.
"""

from __future__ import annotations

import os
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.animation import FuncAnimation
from matplotlib.figure import Figure
from PIL import Image

from cnnexplain import LineCNN, activations, make_lines, train
from cnnexplain.edges import PREWITT_X, PREWITT_Y, convolve
from cnnexplain.viz import (
    animate_convolution,
    animate_kernels,
    article,
    plot_convolution,
    plot_feature_maps,
    plot_forward_pass,
    plot_kernels,
    plot_kernels_compare,
    plot_samples,
    plot_training_curves,
    save_gif,
)


# -- fixtures -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def data():
    return make_lines(n_per_class=20, seed=0)


@pytest.fixture(scope="module")
def history(data):
    """The default LineCNN trained 3 epochs with a validation set: 4 snapshots."""
    train_set, val_set = data.split(test_fraction=0.25, seed=0)
    return train(LineCNN(), train_set, val_set=val_set, epochs=3, batch_size=16, progress=False)


@pytest.fixture(scope="module")
def small_history(data):
    """A small LineCNN (4 then 3 kernels) trained 2 epochs without a validation set."""
    model = LineCNN(n_kernels=4, n_kernels2=3, hidden=8)
    return train(model, data, epochs=2, batch_size=20, progress=False)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def image_axes(fig: Figure):
    """The axes showing an image (not colour bars), in creation order."""
    return [ax for ax in fig.axes if ax.get_label() != "<colorbar>" and ax.images]


def colorbars(fig: Figure):
    return [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]


def array(ax) -> np.ndarray:
    return np.ma.getdata(ax.images[0].get_array()).astype(float)


def clim(ax) -> tuple[float, float]:
    return ax.images[0].get_clim()


def play(anim: FuncAnimation):
    """Yield each frame index after drawing it into the animation's artists."""
    anim._init_draw()  # marks the animation as rendered (no "deleted without rendering" warning)
    for i in anim.new_frame_seq():
        anim._func(i)
        yield i


def rgba(fig: Figure) -> bytes:
    fig.canvas.draw()
    return bytes(fig.canvas.buffer_rgba())


def vertical_image(size: int = 50) -> torch.Tensor:
    image = torch.zeros(size, size)
    image[5:45, 20:23] = 1.0
    return image


# -- plot_samples ---------------------------------------------------------------------
def test_plot_samples_rows_and_pixels(data):
    fig = plot_samples(data, n_per_class=4)
    assert isinstance(fig, Figure) and plt.fignum_exists(fig.number)
    axes = image_axes(fig)
    assert len(axes) == 2 * 4
    for c, name in enumerate(data.classes):
        assert axes[4 * c].get_ylabel() == name
        expected = data.of_class(name).images[:4, 0].numpy()
        for j in range(4):
            np.testing.assert_array_equal(array(axes[4 * c + j]), expected[j])
            assert clim(axes[4 * c + j]) == (0.0, 1.0)
            assert axes[4 * c + j].images[0].get_cmap().name.startswith("gray")


def test_plot_samples_bad_arguments(data):
    with pytest.raises(TypeError, match="dataset"):
        plot_samples(data.images)
    with pytest.raises(ValueError, match="n_per_class"):
        plot_samples(data, n_per_class=0)
    with pytest.raises(TypeError, match="fig"):
        plot_samples(data, fig="figure")


# -- plot_convolution -----------------------------------------------------------------
def test_plot_convolution_panels_show_image_kernel_and_response():
    image = vertical_image()
    fig = plot_convolution(image, PREWITT_X)
    axes = image_axes(fig)
    assert len(axes) == 3 and len(colorbars(fig)) == 3
    np.testing.assert_array_equal(array(axes[0]), image.numpy())
    np.testing.assert_array_equal(array(axes[1]), PREWITT_X.numpy())
    np.testing.assert_array_equal(array(axes[2]), convolve(image, PREWITT_X).numpy())
    assert clim(axes[0]) == (0.0, 1.0)
    for ax in axes[1:]:
        lo, hi = clim(ax)
        assert lo == -hi and hi == np.abs(array(ax)).max()
        assert ax.images[0].get_cmap().name.startswith("RdBu_r")
    # A 3x3 kernel has its weights written in its cells.
    assert [t.get_text() for t in axes[1].texts] == ["-1", "0", "1"] * 3


def test_plot_convolution_padding_titles_and_learned_kernel(history):
    kernel = history["conv1.weight"][-1][5, 0]
    image = vertical_image()[None]  # (1, H, W)
    fig = plot_convolution(image, kernel, padding="same", titles=["a", "b", "c"])
    axes = image_axes(fig)
    assert [ax.get_title() for ax in axes] == ["a", "b", "c"]
    assert array(axes[2]).shape == (50, 50)
    expected = convolve(image[0], np.array(kernel), padding="same").numpy()
    np.testing.assert_allclose(array(axes[2]), expected)
    assert len(axes[1].texts) == 49  # 7x7 weights written


def test_plot_convolution_bad_arguments():
    image = vertical_image()
    with pytest.raises(ValueError, match="kernel"):
        plot_convolution(image, torch.ones(3))
    with pytest.raises(ValueError, match="image"):
        plot_convolution(torch.ones(2, 5, 5), PREWITT_X)
    with pytest.raises(TypeError, match="image"):
        plot_convolution([[0.0, 1.0]], PREWITT_X)
    with pytest.raises(ValueError, match="padding"):
        plot_convolution(image, PREWITT_X, padding="full")
    with pytest.raises(ValueError, match="titles"):
        plot_convolution(image, PREWITT_X, titles=["only one"])
    with pytest.raises(ValueError, match="NaN"):
        plot_convolution(torch.full((5, 5), float("nan")), PREWITT_X)


# -- animate_convolution ----------------------------------------------------------------
def test_animate_convolution_builds_the_output_cell_by_cell():
    image = vertical_image()
    region = (10, 16, 6, 7)
    anim = animate_convolution(image, PREWITT_X, region=region, interval=100)
    assert isinstance(anim, FuncAnimation)
    fig = anim._fig
    assert plt.fignum_exists(fig.number)
    oh, ow = 6 - 3 + 1, 7 - 3 + 1
    assert len(list(anim.new_frame_seq())) == oh * ow == anim._save_count
    ax_in, ax_patch, ax_ker, ax_prod, ax_out = image_axes(fig)
    full = convolve(image, PREWITT_X).numpy()
    expected = full[10 : 10 + oh, 16 : 16 + ow]  # the crop's output is part of the image's output
    crop = image.numpy()[10:16, 16:23]
    np.testing.assert_array_equal(array(ax_in), crop)
    np.testing.assert_array_equal(array(ax_ker), PREWITT_X.numpy())
    limits = set()
    for i in play(anim):
        r, c = divmod(i, ow)
        patch = crop[r : r + 3, c : c + 3]
        np.testing.assert_array_equal(array(ax_patch), patch)
        np.testing.assert_array_equal(array(ax_prod), patch * PREWITT_X.numpy())
        shown = ax_out.images[0].get_array()
        filled = np.arange(oh * ow).reshape(oh, ow) <= i
        np.testing.assert_array_equal(np.asarray(shown)[filled], expected[filled])
        assert np.isnan(np.asarray(shown, dtype=float)[~filled]).all()  # blank until computed
        assert ax_out.xaxis.label.get_text() == f"output[{r}, {c}] = {article.format_value(expected[r, c])}"
        limits.add(clim(ax_out))
    assert limits == {(-np.abs(expected).max(), np.abs(expected).max())}


def test_animate_convolution_bad_arguments():
    image = vertical_image()
    with pytest.raises(ValueError, match="region"):
        animate_convolution(image, PREWITT_X, region=(45, 0, 10, 10))  # past the bottom edge
    with pytest.raises(ValueError, match="region"):
        animate_convolution(image, PREWITT_X, region=(0, 0, 2, 10))  # smaller than the kernel
    with pytest.raises(ValueError, match="region"):
        animate_convolution(image, PREWITT_X)  # 48 * 48 frames: too many
    with pytest.raises(TypeError, match="region"):
        animate_convolution(image, PREWITT_X, region=(0, 0, 5))
    with pytest.raises(ValueError, match="interval"):
        animate_convolution(image, PREWITT_X, region=(0, 0, 5, 5), interval=0)
    with pytest.raises(TypeError, match="fig"):
        animate_convolution(image, PREWITT_X, region=(0, 0, 5, 5), fig=plt.figure().subfigures(1, 2)[0])


# -- plot_kernels ---------------------------------------------------------------------
@pytest.mark.parametrize("step", [0, -1, 2])
def test_plot_kernels_conv1_shows_the_weights_of_the_step(history, step):
    fig = plot_kernels(history, "conv1", step)
    axes = image_axes(fig)
    weights = history["conv1.weight"][step]
    assert [ax.get_title() for ax in axes] == [f"kernel {k}" for k in range(8)]
    assert len(colorbars(fig)) == 1
    vmax = np.abs(weights).max()
    for k, ax in enumerate(axes):
        np.testing.assert_array_equal(array(ax), weights[k, 0])
        assert clim(ax) == pytest.approx((-vmax, vmax))
    assert len({clim(ax) for ax in axes}) == 1
    epoch = int(history.epochs[step])
    assert f"epoch {epoch}" in fig.get_suptitle()


def test_plot_kernels_conv2_grid_and_in_channel(small_history):
    weights = small_history["conv2.weight"][-1]  # (3, 4, 3, 3)
    fig = plot_kernels(small_history, "conv2")
    axes = image_axes(fig)
    assert len(axes) == 3 * 4 and len(colorbars(fig)) == 1
    for n, ax in enumerate(axes):
        np.testing.assert_array_equal(array(ax), weights[n // 4, n % 4])
    assert axes[0].get_ylabel() == "kernel 0" and axes[4].get_ylabel() == "kernel 1"
    assert [ax.get_title() for ax in axes[:4]] == ["in 0", "in 1", "in 2", "in 3"]
    fig = plot_kernels(small_history, "conv2", in_channel=2, vmax=1.0, title="")
    axes = image_axes(fig)
    assert len(axes) == 3 and fig.get_suptitle() == ""
    for k, ax in enumerate(axes):
        np.testing.assert_array_equal(array(ax), weights[k, 2])
        assert clim(ax) == (-1.0, 1.0)


def test_plot_kernels_from_weights_and_model_into_a_subfigure():
    model = LineCNN()
    parent = plt.figure()
    sub = parent.subfigures(1, 2)[1]
    fig = plot_kernels(model.conv1.weight, fig=sub)
    assert fig is parent
    for k, ax in enumerate(image_axes(parent)):
        np.testing.assert_array_equal(array(ax), model.conv1.weight.detach().numpy()[k, 0])
    fig = plot_kernels(model, "conv2", in_channel=0)
    assert len(image_axes(fig)) == 8


def test_plot_kernels_bad_arguments(history):
    with pytest.raises(ValueError, match="layer"):
        plot_kernels(history, "fc1")
    with pytest.raises(TypeError, match="layer"):
        plot_kernels(history, 1)
    with pytest.raises(ValueError, match="step"):
        plot_kernels(history, "conv1", step=len(history))
    with pytest.raises(TypeError, match="step"):
        plot_kernels(history, "conv1", step=1.5)
    with pytest.raises(ValueError, match="in_channel"):
        plot_kernels(history, "conv1", in_channel=1)
    with pytest.raises(ValueError, match="vmax"):
        plot_kernels(history, vmax=-1.0)
    with pytest.raises(ValueError, match="source"):
        plot_kernels(np.zeros((8, 7, 7)))
    with pytest.raises(TypeError, match="source"):
        plot_kernels("conv1")
    with pytest.raises(ValueError, match="layer"):
        plot_kernels(LineCNN(), "fc2")


# -- plot_kernels_compare ---------------------------------------------------------------
def test_plot_kernels_compare_rows_share_symmetric_limits(history):
    fig = plot_kernels_compare(history, "conv1", steps=(0, -1))
    axes = image_axes(fig)
    assert len(axes) == 2 * 8 and len(colorbars(fig)) == 1
    w = history["conv1.weight"]
    vmax = max(np.abs(w[0]).max(), np.abs(w[-1]).max())
    for n, ax in enumerate(axes):
        step = 0 if n < 8 else -1
        np.testing.assert_array_equal(array(ax), w[step][n % 8, 0])
        assert clim(ax) == pytest.approx((-vmax, vmax))
    assert axes[0].get_ylabel().startswith("epoch 0\n(initialization)")
    assert axes[8].get_ylabel().startswith(f"epoch {int(history.epochs[-1])}\nval. acc.")


def test_plot_kernels_compare_conv2_blocks(small_history):
    fig = plot_kernels_compare(small_history, "conv2", steps=[0, 1, 2])
    axes = image_axes(fig)
    assert len(axes) == 3 * 3 * 4 and len(colorbars(fig)) == 3
    w = small_history["conv2.weight"]
    assert len({clim(ax) for ax in axes}) == 1
    np.testing.assert_array_equal(array(axes[12 + 5]), w[1][1, 1])


def test_plot_kernels_compare_bad_arguments(history):
    with pytest.raises(TypeError, match="history"):
        plot_kernels_compare(history["conv1.weight"])
    with pytest.raises(ValueError, match="step"):
        plot_kernels_compare(history, steps=(0, 10))
    with pytest.raises(ValueError, match="steps"):
        plot_kernels_compare(history, steps=())
    with pytest.raises(TypeError, match="steps"):
        plot_kernels_compare(history, steps=0)
    with pytest.raises(ValueError, match="layer"):
        plot_kernels_compare(history, "conv3")


# -- animate_kernels ------------------------------------------------------------------
def test_animate_kernels_one_frame_per_snapshot_with_fixed_limits(history):
    anim = animate_kernels(history, "conv1", interval=250)
    fig = anim._fig
    assert plt.fignum_exists(fig.number)
    assert len(list(anim.new_frame_seq())) == len(history) == anim._save_count
    axes = image_axes(fig)
    assert len(axes) == 8
    w = history["conv1.weight"]
    vmax = np.abs(w).max()
    val = history.metrics["val_accuracy"]
    limits = set()
    for s in play(anim):
        for k, ax in enumerate(axes):
            np.testing.assert_array_equal(array(ax), w[s][k, 0])
            limits.add(clim(ax))
        epoch = int(history.epochs[s])
        title = fig.get_suptitle()
        assert f"epoch {epoch} " in title
        assert f"validation accuracy {100 * val[epoch]:.1f}%" in title
        xs = {
            float(line.get_xdata()[0]) for ax in fig.axes for line in ax.lines if line.get_linestyle() == "--"
        }
        assert xs == {float(epoch)}
    assert len(limits) == 1 and limits.pop() == pytest.approx((-vmax, vmax))
    # The training curves are drawn beside the kernels.
    curves = [ax for ax in fig.axes if ax.get_ylabel() in ("loss", "accuracy")]
    assert len(curves) == 2


def test_animate_kernels_without_validation_says_so(small_history):
    anim = animate_kernels(small_history, "conv2")
    list(play(anim))
    assert "training accuracy" in anim._fig.get_suptitle()
    assert "no validation set" in anim._fig.get_suptitle()
    assert len(image_axes(anim._fig)) == 3 * 4


def test_animate_kernels_bad_arguments(history):
    with pytest.raises(TypeError, match="history"):
        animate_kernels(LineCNN())
    with pytest.raises(ValueError, match="layer"):
        animate_kernels(history, "fc1")
    with pytest.raises(ValueError, match="interval"):
        animate_kernels(history, interval=-5)


# -- save_gif -------------------------------------------------------------------------
def test_save_gif_frames_determinism_and_atomicity(history, tmp_path):
    anim = animate_kernels(history, interval=250)
    path = save_gif(anim, tmp_path / "out" / "kernels.gif", dpi=40)
    assert path == tmp_path / "out" / "kernels.gif"
    with Image.open(path) as gif:
        assert gif.n_frames == len(history)
        assert gif.info["duration"] == 250  # from the animation's interval
        assert gif.size == tuple(int(v) for v in anim._fig.get_size_inches() * 40)
    assert sorted(os.listdir(path.parent)) == ["kernels.gif"]  # no temporary file left
    with pytest.raises(FileExistsError):
        save_gif(anim, path, overwrite=False)
    slide = animate_convolution(vertical_image(), PREWITT_X, region=(0, 18, 4, 5))
    first = save_gif(slide, tmp_path / "slide.gif", fps=10, dpi=50).read_bytes()
    again = save_gif(slide, tmp_path / "slide.gif", fps=10, dpi=50).read_bytes()  # overwrite=True by default
    assert first == again  # same animation, same bytes
    with Image.open(tmp_path / "slide.gif") as gif:
        assert gif.n_frames == 2 * 3 and gif.info["duration"] == 100
        assert gif.size == tuple(int(v) for v in slide._fig.get_size_inches() * 50)


def test_save_gif_bad_arguments(tmp_path):
    anim = animate_convolution(vertical_image(), PREWITT_Y, region=(0, 0, 4, 4))
    list(play(anim))
    with pytest.raises(TypeError, match="animation"):
        save_gif(plt.figure(), tmp_path / "a.gif")
    with pytest.raises(TypeError, match="path"):
        save_gif(anim, 3)
    with pytest.raises(ValueError, match="path"):
        save_gif(anim, tmp_path / "a.png")
    with pytest.raises(ValueError, match="fps"):
        save_gif(anim, tmp_path / "a.gif", fps=0)
    with pytest.raises(ValueError, match="dpi"):
        save_gif(anim, tmp_path / "a.gif", dpi=-1)
    (tmp_path / "dir.gif").mkdir()
    with pytest.raises(ValueError, match="path"):
        save_gif(anim, tmp_path / "dir.gif")
    assert not (tmp_path / "a.gif").exists()


# -- plot_feature_maps ----------------------------------------------------------------
def test_plot_feature_maps_pixels_and_shared_limits(history, data):
    images = torch.stack([data.of_class("horizontal").images[0], data.of_class("vertical").images[0]])
    models = {"before training": history.model_at(0), "after training": history.model_at(-1)}
    kernels = [5, 1]
    stages = ("conv1", "relu1", "pool1")
    fig = plot_feature_maps(models, images, kernels, stages=stages)
    axes = image_axes(fig)
    header, maps = axes[:2], axes[2:]
    assert len(maps) == 2 * 2 * 2 * 3 and len(colorbars(fig)) == 2
    for g in range(2):
        np.testing.assert_array_equal(array(header[g]), images[g, 0].numpy())
    n = 0
    for name, model in models.items():
        acts = activations(model, images)
        for k in kernels:
            assert maps[n].get_ylabel() == f"{name}\nkernel {k}"
            for g in range(2):
                for s in stages:
                    np.testing.assert_allclose(array(maps[n]), acts[s][g, k].numpy())
                    n += 1
    conv = [ax for i, ax in enumerate(maps) if i % 3 == 0]
    rest = [ax for i, ax in enumerate(maps) if i % 3 != 0]
    assert len({clim(ax) for ax in conv}) == 1 and len({clim(ax) for ax in rest}) == 1
    lo, hi = clim(conv[0])
    assert lo == -hi and hi == pytest.approx(max(np.abs(array(ax)).max() for ax in conv))
    assert clim(rest[0]) == pytest.approx((0.0, max(array(ax).max() for ax in rest)))
    assert [ax.get_title() for ax in maps[:3]] == [
        "conv1 (44\u00d744)",
        "relu1 (44\u00d744)",
        "pool1 (22\u00d722)",
    ]


def test_plot_feature_maps_bad_arguments(data):
    images = data.images[:2]
    models = {"m": LineCNN()}
    with pytest.raises(ValueError, match="kernels"):
        plot_feature_maps(models, images, [8])
    with pytest.raises(ValueError, match="kernels"):
        plot_feature_maps(models, images, [])
    with pytest.raises(ValueError, match="stages"):
        plot_feature_maps(models, images, [0], stages=("conv1", "conv9"))
    with pytest.raises(ValueError, match="stages"):
        plot_feature_maps(models, images, [0], stages=("fc1",))
    with pytest.raises(TypeError, match="models"):
        plot_feature_maps({}, images, [0])
    with pytest.raises(TypeError, match="models"):
        plot_feature_maps(LineCNN(), images, [0])
    with pytest.raises(ValueError, match="images"):
        plot_feature_maps(models, images[0], [0])


# -- plot_forward_pass ----------------------------------------------------------------
def test_plot_forward_pass_every_layer(history, data):
    model = history.model_at(-1)
    image = data.images[0]
    fig = plot_forward_pass(model, image, class_names=data.classes, max_channels=3)
    acts = activations(model, image[None])
    labelled = [ax for ax in fig.axes if ax.get_ylabel()]
    names = [ax.get_ylabel().split("\n")[0] for ax in labelled]
    assert names == [
        "input",
        "conv1",
        "relu1",
        "pool1",
        "conv2",
        "relu2",
        "pool2",
        "fc1",
        "relu3",
        "fc2 + softmax",
    ]
    assert labelled[1].get_ylabel() == "conv1\n(8, 44, 44)\nfirst 3 of 8"
    assert labelled[7].get_ylabel() == "fc1\n(32,)"
    np.testing.assert_array_equal(array(labelled[0]), image[0].numpy())
    rows = {ax.get_ylabel().split("\n")[0]: ax for ax in labelled}
    axes = image_axes(fig)
    for name in ("conv1", "relu1", "pool1", "conv2", "relu2", "pool2"):
        start = axes.index(rows[name])
        panels = axes[start : start + 3]
        for c, ax in enumerate(panels):
            np.testing.assert_allclose(array(ax), acts[name][0, c].numpy())
        assert len({clim(ax) for ax in panels}) == 1
        lo, hi = clim(panels[0])
        assert lo == -hi if name.startswith("conv") else lo == 0.0
    np.testing.assert_allclose(array(rows["fc1"])[0], acts["fc1"][0].numpy())
    probs = torch.softmax(acts["fc2"][0], 0).numpy()
    bars = rows["fc2 + softmax"].patches
    np.testing.assert_allclose([b.get_width() for b in bars], probs, rtol=1e-6)
    assert rows["fc2 + softmax"].get_title() == f"prediction: {data.classes[int(probs.argmax())]}"


def test_plot_forward_pass_bad_arguments(data):
    model = LineCNN()
    with pytest.raises(TypeError, match="model"):
        plot_forward_pass("model", data.images[0])
    with pytest.raises(ValueError, match="class_names"):
        plot_forward_pass(model, data.images[0], class_names=["only one"])
    with pytest.raises(TypeError, match="class_names"):
        plot_forward_pass(model, data.images[0], class_names="hv")
    with pytest.raises(ValueError, match="max_channels"):
        plot_forward_pass(model, data.images[0], max_channels=0)
    with pytest.raises(ValueError, match="image"):
        plot_forward_pass(model, data.images[:2])


# -- plot_training_curves -------------------------------------------------------------
def test_plot_training_curves_draws_the_metrics(history):
    fig = plot_training_curves(history)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    m = history.metrics
    lines = {(ax.get_ylabel(), line.get_label()): line for ax in fig.axes for line in ax.lines}
    np.testing.assert_allclose(lines[("loss", "training")].get_ydata(), m["train_loss"])
    np.testing.assert_allclose(lines[("loss", "validation")].get_ydata(), m["val_loss"])
    np.testing.assert_allclose(lines[("accuracy", "validation")].get_ydata(), 100 * m["val_accuracy"])
    np.testing.assert_array_equal(
        lines[("accuracy", "training")].get_xdata(), np.arange(len(m["train_loss"]))
    )


def test_plot_training_curves_into_given_axes(history, small_history):
    fig, ax = plt.subplots()
    assert plot_training_curves(history, ax=ax) is fig
    assert len(fig.axes) == 2  # the axes and its twin for accuracy
    fig, axes = plt.subplots(1, 2)
    assert plot_training_curves(small_history, ax=axes) is fig
    assert [len(a.lines) for a in axes] == [1, 1]  # no validation set: training curves only
    with pytest.raises(ValueError, match="ax or fig"):
        plot_training_curves(history, ax=ax, fig=fig)
    with pytest.raises(TypeError, match="ax"):
        plot_training_curves(history, ax="left")
    with pytest.raises(TypeError, match="history"):
        plot_training_curves({"train_loss": [1.0]})


# -- conventions ----------------------------------------------------------------------
def test_same_input_same_pixels(history):
    assert rgba(plot_kernels(history)) == rgba(plot_kernels(history))
    anim = animate_kernels(history)
    frames = [rgba(anim._fig) for _ in play(anim)]
    assert len(set(frames)) == len(history)  # every frame differs ...
    anim._func(1)
    assert rgba(anim._fig) == frames[1]  # ... and is drawn the same way every time


def test_public_names():
    assert set(article.__all__) == {
        "animate_convolution",
        "animate_kernels",
        "plot_convolution",
        "plot_feature_maps",
        "plot_forward_pass",
        "plot_kernels",
        "plot_kernels_compare",
        "plot_samples",
        "plot_training_curves",
        "save_gif",
    }
    import cnnexplain.viz as viz

    for name in article.__all__:
        assert getattr(viz, name) is getattr(article, name)
        doc = getattr(article, name).__doc__
        for section in ("Parameters", "Returns", "Raises", "Examples"):
            assert re.search(rf"^\s+{section}\n\s+-+$", doc, re.M), (name, section)
