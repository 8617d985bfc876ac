"""Tests of the figures of cnnexplain.viz: data, convolution, kernels, activations, curves, GIFs.

Every image panel must show exactly the numbers it claims (kernel weights,
convolution outputs, activations), signed panels must have symmetric colour
limits shared across panels and frames, animations must have one frame per
step, saved GIFs must open with Pillow with the right frames, and no
function may leave a pyplot figure open besides the one it returns.
Animations are played through matplotlib's public writer interface.
"""

from __future__ import annotations

import os
import subprocess
import sys

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from matplotlib.animation import AbstractMovieWriter, FuncAnimation
from matplotlib.backend_bases import CloseEvent
from matplotlib.figure import Figure
from PIL import Image, ImageSequence

from cnnexplain import LineCNN, activations, train
from cnnexplain.edges import PREWITT_X, PREWITT_Y, convolve
from cnnexplain.viz import (
    animate_convolution,
    animate_kernels,
    plot_convolution,
    plot_feature_maps,
    plot_forward_pass,
    plot_kernels,
    plot_kernels_compare,
    plot_samples,
    plot_training_curves,
    save_gif,
)


@pytest.fixture(scope="module")
def history(tiny_run):
    """The tiny run's history: 3 snapshots (epochs 0, 1, 2), validated, 8 kernels of 7x7."""
    return tiny_run[1]


@pytest.fixture(scope="module")
def unvalidated_history(small_data):
    """A small LineCNN (4 then 3 kernels) trained 2 epochs without a validation set."""
    model = LineCNN(image_size=20, n_kernels=4, n_kernels2=3, hidden=8, seed=0)
    return train(model, small_data, epochs=2, batch_size=24, progress=False)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def image_axes(fig: Figure):
    """The axes showing an image (a colour bar is not one), in creation order."""
    return [ax for ax in fig.axes if ax.images]


def colorbars(fig: Figure):
    """The colour bars of the figure's images."""
    return [image.colorbar for ax in fig.axes for image in ax.images if image.colorbar is not None]


def array(ax) -> np.ndarray:
    return np.ma.getdata(ax.images[0].get_array()).astype(float)


def clim(ax) -> tuple[float, float]:
    return ax.images[0].get_clim()


class _Recorder(AbstractMovieWriter):
    """A movie writer that writes nothing: it calls ``look(figure)`` on every frame matplotlib draws."""

    def __init__(self, look):
        super().__init__()
        self.look = look
        self.seen = []

    def setup(self, fig, outfile, dpi=None):  # abstract in the base class, which does the work
        super().setup(fig, outfile, dpi)

    def grab_frame(self, **savefig_kwargs):
        self.seen.append(self.look(self.fig))

    def finish(self):
        pass


def play(anim: FuncAnimation, look) -> list:
    """Play the animation as matplotlib does when it saves it; return ``look(figure)`` of each frame."""
    recorder = _Recorder(look)
    anim.save("frames.gif", writer=recorder)
    return recorder.seen


def rgba(fig: Figure) -> bytes:
    fig.canvas.draw()
    return bytes(fig.canvas.buffer_rgba())


def vertical_image(size: int = 50) -> torch.Tensor:
    image = torch.zeros(size, size)
    image[5:45, 20:23] = 1.0
    return image


# -- plot_samples ---------------------------------------------------------------------
def test_plot_samples_rows_and_pixels(small_data):
    fig = plot_samples(small_data, n_per_class=4)
    assert isinstance(fig, Figure) and plt.fignum_exists(fig.number)
    axes = image_axes(fig)
    assert len(axes) == 2 * 4
    for c, name in enumerate(small_data.classes):
        assert axes[4 * c].get_ylabel() == name
        expected = small_data.of_class(name).images[:4, 0].numpy()
        for j in range(4):
            np.testing.assert_array_equal(array(axes[4 * c + j]), expected[j])
            assert clim(axes[4 * c + j]) == (0.0, 1.0)
            assert axes[4 * c + j].images[0].get_cmap().name.startswith("gray")


def test_plot_samples_bad_arguments(small_data):
    with pytest.raises(TypeError, match="dataset"):
        plot_samples(small_data.images)
    with pytest.raises(ValueError, match="n_per_class"):
        plot_samples(small_data, n_per_class=0)
    with pytest.raises(TypeError, match="fig"):
        plot_samples(small_data, fig="figure")


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
    anim = animate_convolution(image, PREWITT_X, region=(10, 16, 6, 7), interval=100)
    assert isinstance(anim, FuncAnimation)
    oh, ow = 6 - 3 + 1, 7 - 3 + 1
    assert len(list(anim.new_frame_seq())) == oh * ow

    def look(fig):
        ax_in, ax_patch, ax_ker, ax_prod, ax_out = image_axes(fig)
        out = np.ma.getdata(ax_out.images[0].get_array()).astype(float)
        return (
            array(ax_in),
            array(ax_ker),
            array(ax_patch),
            array(ax_prod),
            out,
            ax_out.get_xlabel(),
            clim(ax_out),
        )

    seen = play(anim, look)
    assert len(seen) == oh * ow
    expected = convolve(image, PREWITT_X).numpy()[10 : 10 + oh, 16 : 16 + ow]  # part of the image's output
    crop = image.numpy()[10:16, 16:23]
    limit = np.abs(expected).max()
    for i, (shown_in, shown_ker, patch, products, out, label, limits) in enumerate(seen):
        r, c = divmod(i, ow)
        np.testing.assert_array_equal(shown_in, crop)
        np.testing.assert_array_equal(shown_ker, PREWITT_X.numpy())
        np.testing.assert_array_equal(patch, crop[r : r + 3, c : c + 3])
        np.testing.assert_array_equal(products, crop[r : r + 3, c : c + 3] * PREWITT_X.numpy())
        filled = np.arange(oh * ow).reshape(oh, ow) <= i
        np.testing.assert_array_equal(out[filled], expected[filled])
        assert np.isnan(out[~filled]).all()  # blank until computed
        name, value = label.split(" = ")
        assert name == f"output[{r}, {c}]" and float(value) == pytest.approx(expected[r, c], abs=0.005)
        assert limits == (-limit, limit)  # the same colours in every frame


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
@pytest.mark.parametrize("step", [0, -1, 1])
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
    assert f"epoch {int(history.epochs[step])}" in fig.get_suptitle()


def test_plot_kernels_conv2_grid_and_in_channel(unvalidated_history):
    weights = unvalidated_history["conv2.weight"][-1]  # (3, 4, 3, 3)
    fig = plot_kernels(unvalidated_history, "conv2")
    axes = image_axes(fig)
    assert len(axes) == 3 * 4 and len(colorbars(fig)) == 1
    for n, ax in enumerate(axes):
        np.testing.assert_array_equal(array(ax), weights[n // 4, n % 4])
    assert axes[0].get_ylabel() == "kernel 0" and axes[4].get_ylabel() == "kernel 1"
    assert [ax.get_title() for ax in axes[:4]] == ["in 0", "in 1", "in 2", "in 3"]
    fig = plot_kernels(unvalidated_history, "conv2", in_channel=2, vmax=1.0, title="")
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
    assert axes[0].get_ylabel() == "epoch 0\n(initialization)"
    accuracy = history.metrics["val_accuracy"][-1]
    assert axes[8].get_ylabel() == f"epoch {int(history.epochs[-1])}\ntest acc. {100 * accuracy:.1f}%"


def test_plot_kernels_compare_conv2_blocks(unvalidated_history):
    fig = plot_kernels_compare(unvalidated_history, "conv2", steps=[0, 1, 2])
    axes = image_axes(fig)
    assert len(axes) == 3 * 3 * 4 and len(colorbars(fig)) == 3
    w = unvalidated_history["conv2.weight"]
    assert len({clim(ax) for ax in axes}) == 1
    np.testing.assert_array_equal(array(axes[12 + 5]), w[1][1, 1])
    titles = [sub.get_suptitle() for sub in fig.subfigs]
    assert titles[0] == "epoch 0 (initialization)" and titles[1].startswith("epoch 1, train acc. ")


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
    assert len(list(anim.new_frame_seq())) == len(history)

    def look(fig):
        now = {
            float(line.get_xdata()[0]) for ax in fig.axes for line in ax.lines if line.get_linestyle() == "--"
        }
        curves = sorted(ax.get_ylabel() for ax in fig.axes if ax.get_ylabel() in ("loss", "accuracy"))
        return (
            [array(ax) for ax in image_axes(fig)],
            {clim(ax) for ax in image_axes(fig)},
            fig.get_suptitle(),
            now,
            curves,
        )

    seen = play(anim, look)
    assert len(seen) == len(history)
    w = history["conv1.weight"]
    vmax = np.abs(w).max()
    val = history.metrics["val_accuracy"]
    for s, (kernels, limits, title, now, curves) in enumerate(seen):
        assert len(kernels) == 8
        for k, shown in enumerate(kernels):
            np.testing.assert_array_equal(shown, w[s][k, 0])
        assert len(limits) == 1 and limits.pop() == pytest.approx((-vmax, vmax))
        epoch = int(history.epochs[s])
        assert f"epoch {epoch}\n" in title and f"test accuracy {100 * val[epoch]:.1f}%" in title
        assert now == {float(epoch)}  # the dashed line marks the snapshot's epoch on the curves
        assert curves == ["accuracy", "loss"]  # the training curves are drawn beside the kernels


def test_animate_kernels_shows_the_chosen_steps(history):
    steps = [0, len(history) - 1]
    anim = animate_kernels(history, "conv1", steps=steps)
    seen = play(anim, lambda fig: next(array(ax) for ax in image_axes(fig)))
    assert len(seen) == 2
    for shown, s in zip(seen, steps):
        np.testing.assert_array_equal(shown, history["conv1.weight"][s][0, 0])


def test_animate_kernels_without_validation_says_so(unvalidated_history):
    anim = animate_kernels(unvalidated_history, "conv2")
    seen = play(anim, lambda fig: (fig.get_suptitle(), len(image_axes(fig))))
    for title, n_panels in seen:
        assert "training accuracy" in title and "no test set" in title
        assert n_panels == 3 * 4


def test_animate_kernels_bad_arguments(history):
    with pytest.raises(TypeError, match="history"):
        animate_kernels(LineCNN())
    with pytest.raises(ValueError, match="layer"):
        animate_kernels(history, "fc1")
    with pytest.raises(ValueError, match="interval"):
        animate_kernels(history, interval=-5)
    with pytest.raises(ValueError, match="steps must be distinct and in training order"):
        animate_kernels(history, steps=[1, 0])
    with pytest.raises(TypeError, match="steps must be a sequence"):
        animate_kernels(history, steps=1)


# -- save_gif -------------------------------------------------------------------------
def frames_of(path) -> list[bytes]:
    with Image.open(path) as gif:
        return [frame.convert("RGB").tobytes() for frame in ImageSequence.Iterator(gif)]


def test_save_gif_frames_and_atomic_replacement(history, tmp_path):
    anim = animate_kernels(history, interval=250)
    height = plt.gcf().get_figheight()  # the animation's figure, the current one
    path = save_gif(anim, tmp_path / "out" / "kernels.gif", dpi=40)
    assert path == tmp_path / "out" / "kernels.gif"
    with Image.open(path) as gif:
        assert gif.n_frames == len(history)
        assert gif.info["duration"] == 250  # from the animation's interval
        assert gif.info["loop"] == 0
        assert gif.size == (round(4.6 * 40), int(height * 40))
    assert len(set(frames_of(path))) == len(history)  # one distinct frame per snapshot
    assert sorted(os.listdir(path.parent)) == ["kernels.gif"]  # no temporary file left
    with pytest.raises(FileExistsError):
        save_gif(anim, path, overwrite=False)


def test_save_gif_is_reproducible(tmp_path):
    def slide(path, **kwargs):
        anim = animate_convolution(vertical_image(), PREWITT_X, region=(0, 18, 4, 5))
        return save_gif(anim, path, **kwargs).read_bytes()

    first = slide(tmp_path / "a.gif", fps=10, dpi=50)
    assert slide(tmp_path / "b.gif", fps=10, dpi=50) == first  # same input, same bytes
    with Image.open(tmp_path / "a.gif") as gif:
        assert gif.n_frames == 2 * 3 and gif.info["duration"] == 100
        # 4.6 inches wide; two rows: the 4x5 crop (1.6 x 4/5 high) and the 3x3 kernel (1.15), with
        # a title and a label each (0.6)
        assert gif.size == (round(4.6 * 50), int((1.6 * 4 / 5 + 1.15 + 2 * 0.6) * 50))
    with plt.rc_context({"savefig.dpi": 300, "xtick.labelsize": 20}):  # the user's settings do not matter
        assert slide(tmp_path / "c.gif", fps=10, dpi=50) == first


def test_save_gif_keeps_the_old_file_when_drawing_fails(tmp_path):
    path = tmp_path / "kept.gif"
    path.write_bytes(b"old")
    fig = plt.figure()

    def update(i):
        if i == 2:
            raise RuntimeError("drawing failed")
        return []

    with pytest.raises(RuntimeError, match="drawing failed"):
        save_gif(FuncAnimation(fig, update, frames=4, interval=50), path)
    assert path.read_bytes() == b"old" and os.listdir(tmp_path) == ["kept.gif"]


def test_save_gif_frames_are_the_drawn_frames(history, tmp_path):
    """Each frame of the file, decoded (its changed rectangle over the frames before it), is the
    frame matplotlib drew, but for the GIF's 256 colours."""
    drawn = play(animate_kernels(history, interval=250), lambda fig: np.asarray(Image.frombuffer(
        "RGBA", fig.canvas.get_width_height(), rgba(fig), "raw", "RGBA", 0, 1
    ).convert("RGB"), dtype=int))  # fmt: skip
    path = save_gif(animate_kernels(history, interval=250), tmp_path / "k.gif")
    with Image.open(path) as gif:
        decoded = [np.asarray(frame.convert("RGB"), dtype=int) for frame in ImageSequence.Iterator(gif)]
    assert len(decoded) == len(drawn) == len(history)
    for frame, expected in zip(decoded, drawn):
        assert frame.shape == expected.shape
        assert np.abs(frame - expected).mean() < 0.5  # out of 255: the palette's rounding only


STREAMING = """
import resource, sys
import matplotlib
matplotlib.use("Agg")
import numpy as np
from matplotlib import pyplot as plt
from matplotlib.animation import FuncAnimation
from cnnexplain.viz import save_gif

def animation(frames):
    fig, ax = plt.subplots(figsize=(10, 7), dpi=100)  # 1000 x 700 pixels: 2.1 MB a frame as RGB
    image = ax.imshow(np.zeros((8, 8)), vmin=0, vmax=frames)
    return FuncAnimation(fig, lambda i: [image.set_data(np.arange(64).reshape(8, 8) * i)], frames=frames)

save_gif(animation(3), sys.argv[1] + "/warm.gif", fps=10)  # imports and first-use allocations
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
save_gif(animation(int(sys.argv[2])), sys.argv[1] + "/long.gif", fps=10)
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)  # KiB on Linux
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_save_gif_streams_its_frames(tmp_path):
    """120 frames of 2.1 MB each: kept in memory they would take 250 MB; written as they come, a few."""
    frames = 120
    result = subprocess.run(
        [sys.executable, "-c", STREAMING, str(tmp_path), str(frames)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) < 40 * 1024, f"peak memory grew by {int(result.stdout)} KiB"
    with Image.open(tmp_path / "long.gif") as gif:
        assert gif.n_frames == frames


def test_save_gif_bad_arguments(tmp_path):
    fig = plt.figure()
    anim = FuncAnimation(fig, lambda i: [], frames=2)
    with pytest.raises(TypeError, match="animation"):
        save_gif(fig, tmp_path / "a.gif")
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
    # Closing the figure's window stops the animation's timer, and with it goes the interval.
    fig.canvas.callbacks.process("close_event", CloseEvent("close_event", fig.canvas))
    with pytest.raises(ValueError, match="fps"):
        save_gif(anim, tmp_path / "a.gif")
    assert not (tmp_path / "a.gif").exists()
    assert save_gif(anim, tmp_path / "a.gif", fps=5).exists()


# -- plot_feature_maps ----------------------------------------------------------------
def test_plot_feature_maps_pixels_and_shared_limits(history, small_data):
    images = torch.stack([small_data.of_class(c).images[0] for c in ("horizontal", "vertical")])
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
        "conv1\n14\u00d714",
        "relu1\n14\u00d714",
        "pool1\n7\u00d77",
    ]


def test_plot_feature_maps_names_rows_and_images_in_the_words_of_the_text(history, small_data):
    images = small_data.images[:2]
    fig = plot_feature_maps(
        {"trained": history.model_at(-1)},
        images,
        [5, 1],
        kernel_names=["vertical pick", "horizontal pick"],
        image_names=["a horizontal line", "a vertical line"],
    )
    axes = image_axes(fig)
    assert [ax.get_title() for ax in axes[:2]] == ["a horizontal line", "a vertical line"]
    labels = [ax.get_ylabel() for ax in axes[2:] if ax.get_ylabel()]
    assert labels == ["trained\nvertical pick (kernel 5)", "trained\nhorizontal pick (kernel 1)"]


def test_plot_feature_maps_bad_names(small_data):
    images = small_data.images[:2]
    models = {"m": LineCNN(image_size=20)}
    with pytest.raises(ValueError, match="kernel_names must have 2 items"):
        plot_feature_maps(models, images, [0, 1], kernel_names=["one"])
    with pytest.raises(TypeError, match="image_names"):
        plot_feature_maps(models, images, [0], image_names="ab")


def test_plot_feature_maps_bad_arguments(small_data):
    images = small_data.images[:2]
    models = {"m": LineCNN(image_size=20)}
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
def test_plot_forward_pass_every_layer(history, small_data):
    model = history.model_at(-1)
    image = small_data.images[0]
    fig = plot_forward_pass(model, image, class_names=small_data.classes, max_channels=3)
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
    assert labelled[1].get_ylabel() == "conv1\n(8, 14, 14)\nfirst 3 of 8"
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
        if name.startswith("conv"):  # a convolution's maps are its channels, for every layer
            assert [ax.get_title() for ax in panels] == ["channel 0", "channel 1", "channel 2"]
    np.testing.assert_allclose(array(rows["fc1"])[0], acts["fc1"][0].numpy())
    probs = torch.softmax(acts["fc2"][0], 0).numpy()
    bars = rows["fc2 + softmax"].patches
    np.testing.assert_allclose([b.get_width() for b in bars], probs, rtol=1e-6)
    assert rows["fc2 + softmax"].get_title() == f"prediction: {small_data.classes[int(probs.argmax())]}"


def test_plot_forward_pass_colour_bars_read_at_9_points(history, small_data):
    """Each row's bar is short: few tick labels, of 9 points, that do not touch (a reader's report)."""
    from figure_text import overlapping_texts, text_sizes

    fig = plot_forward_pass(history.model_at(-1), small_data.images[0], class_names=small_data.classes)
    bars = [ax for ax in fig.axes if ax.get_label() == "<colorbar>"]
    assert len(bars) == 9  # the input, six rows of maps, two strips
    fig.canvas.draw()
    for bar in bars:
        shown = [t for t in bar.get_yticklabels() if t.get_text() and t.get_visible()]
        assert len(shown) >= 2
        assert min(t.get_fontsize() for t in shown) >= 9
        assert bar.title.get_fontsize() >= 9
    assert overlapping_texts(text_sizes(fig)) == []


def test_plot_forward_pass_bad_arguments(small_data):
    model = LineCNN(image_size=20)
    image = small_data.images[0]
    with pytest.raises(TypeError, match="model"):
        plot_forward_pass("model", image)
    with pytest.raises(ValueError, match="class_names"):
        plot_forward_pass(model, image, class_names=["only one"])
    with pytest.raises(TypeError, match="class_names"):
        plot_forward_pass(model, image, class_names="hv")
    with pytest.raises(ValueError, match="max_channels"):
        plot_forward_pass(model, image, max_channels=0)
    with pytest.raises(ValueError, match="image"):
        plot_forward_pass(model, small_data.images[:2])


# -- plot_training_curves -------------------------------------------------------------
def test_plot_training_curves_draws_the_metrics(history):
    fig = plot_training_curves(history)
    assert [ax.get_ylabel() for ax in fig.axes] == ["loss", "accuracy"]
    m = history.metrics
    lines = {(ax.get_ylabel(), line.get_label()): line for ax in fig.axes for line in ax.lines}
    np.testing.assert_allclose(lines[("loss", "training")].get_ydata(), m["train_loss"])
    np.testing.assert_allclose(lines[("loss", "test")].get_ydata(), m["val_loss"])
    np.testing.assert_allclose(lines[("accuracy", "test")].get_ydata(), 100 * m["val_accuracy"])
    np.testing.assert_array_equal(
        lines[("accuracy", "training")].get_xdata(), np.arange(len(m["train_loss"]))
    )


def test_plot_training_curves_into_given_axes(history, unvalidated_history):
    fig, ax = plt.subplots()
    assert plot_training_curves(history, ax=ax) is fig
    assert len(fig.axes) == 2  # the axes and its twin for accuracy
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "training loss",
        "test loss",
        "training accuracy",
        "test accuracy",
    ]
    fig, axes = plt.subplots(1, 2)
    assert plot_training_curves(unvalidated_history, ax=axes) is fig
    assert [len(a.lines) for a in axes] == [1, 1]  # no validation set: training curves only
    with pytest.raises(ValueError, match="ax or fig"):
        plot_training_curves(history, ax=ax, fig=fig)
    with pytest.raises(TypeError, match="ax"):
        plot_training_curves(history, ax="left")
    with pytest.raises(TypeError, match="history"):
        plot_training_curves({"train_loss": [1.0]})


# -- conventions ----------------------------------------------------------------------
def test_same_call_same_pixels_whatever_the_users_settings(history):
    fig = plot_training_curves(history)
    pixels = rgba(fig)
    assert rgba(plot_training_curves(history)) == pixels
    # The figure may be saved later, under other settings: it is drawn the same.
    with plt.rc_context({"xtick.labelsize": 20, "ytick.labelsize": 20, "axes.spines.top": True}):
        assert rgba(fig) == pixels


@pytest.mark.parametrize(
    "draw",
    [
        lambda run, data: plot_samples(data, 2),
        lambda run, data: plot_convolution(data.images[0], PREWITT_Y),
        lambda run, data: plot_kernels(run[1]),
        lambda run, data: plot_kernels_compare(run[1]),
        lambda run, data: plot_feature_maps({"m": run[0]}, data.images[:2], [0]),
        lambda run, data: plot_forward_pass(run[0], data.images[0]),
        lambda run, data: plot_training_curves(run[1]),
        lambda run, data: animate_kernels(run[1]),
        lambda run, data: animate_convolution(data.images[0], PREWITT_Y, region=(0, 0, 4, 4)),
    ],
    ids=[
        "samples",
        "convolution",
        "kernels",
        "compare",
        "feature_maps",
        "forward",
        "curves",
        "anim_k",
        "anim_c",
    ],
)
def test_no_figure_is_left_open_besides_the_one_returned(tiny_run, small_data, draw, tmp_path):
    before = set(plt.get_fignums())
    drawn = draw(tiny_run, small_data)
    opened = set(plt.get_fignums()) - before
    if isinstance(drawn, Figure):
        assert opened == {drawn.number}
    else:  # an animation: its own figure only, and saving it opens none
        assert len(opened) == 1
        save_gif(drawn, tmp_path / "a.gif", dpi=20)
        assert set(plt.get_fignums()) - before == opened


def test_a_failed_drawing_closes_its_figure(history, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("no colour bar today")

    monkeypatch.setattr(Figure, "colorbar", broken)
    before = plt.get_fignums()
    with pytest.raises(RuntimeError, match="colour bar"):
        plot_kernels(history)
    assert plt.get_fignums() == before


# -- readable at reading size ---------------------------------------------------------------
# The site shows figures at their natural size (at most FIGURE_WIDTH inches at 100 dpi, the
# width of its column at 1366 px): each text is then as high on screen as it was drawn,
# font size x dpi / 72 pixels. tools/readability_check.py checks the other half, the scale
# at which the pages show their figures.
def full_size_data():
    """The site's images: 50x50 lines, a few per class."""
    from cnnexplain import make_lines

    return make_lines(n_per_class=4, seed=0)


def _analysis_figures(history, data):
    from cnnexplain import analysis as A
    from cnnexplain import viz

    model = LineCNN(seed=0)
    return {
        "edge_match": lambda: viz.plot_edge_match(A.edge_match_history(history)),
        "best_templates": lambda: viz.plot_best_templates(history["conv1.weight"][-1]),
        "edge_parts": lambda: viz.plot_edge_parts(history["conv1.weight"][-1][:2]),
        "edge_templates": lambda: viz.plot_edge_templates(7),
        "selectivity": lambda: viz.plot_selectivity(A.selectivity(model, data)),
        "ablation": lambda: viz.plot_ablation(A.ablation(model, data)),
        "similarity": lambda: viz.plot_kernel_similarity(A.kernel_similarity(model)),
        "maximizing": lambda: viz.plot_maximizing_inputs(data.images[:8, 0], kernels=model.conv1.weight),
        "attribution": lambda: viz.plot_attribution(
            data.images[:2], {"saliency": data.images[:2, 0], "Grad-CAM": data.images[:2, 0]}
        ),
    }


def every_figure(history):
    """Every figure function of cnnexplain.viz (but the gradients module's), as the site calls them."""
    data = full_size_data()
    model = LineCNN(seed=0)
    image = data.images[0]
    return {
        "samples": lambda: plot_samples(data, 6),
        "convolution": lambda: plot_convolution(image, PREWITT_X),
        "convolution_7x7": lambda: plot_convolution(image, model.conv1.weight[0, 0]),
        "kernels": lambda: plot_kernels(history),
        "kernels_conv2": lambda: plot_kernels(model, layer="conv2"),
        "compare": lambda: plot_kernels_compare(history),
        "feature_maps": lambda: plot_feature_maps(
            {"before training": model, "after training": model}, data.images[[0, 4]], [0, 5]
        ),
        "forward": lambda: plot_forward_pass(model, image, class_names=data.classes),
        "curves": lambda: plot_training_curves(history),
        **_analysis_figures(history, data),
    }


FIGURES = [
    "samples",
    "convolution",
    "convolution_7x7",
    "kernels",
    "kernels_conv2",
    "compare",
    "feature_maps",
    "forward",
    "curves",
    "edge_match",
    "best_templates",
    "edge_templates",
    "selectivity",
    "ablation",
    "similarity",
    "maximizing",
    "attribution",
]


def assert_readable(fig, texts) -> None:
    """Not wider than the site's column; every text 7 pt or more, inside the figure, apart from the others."""
    from figure_text import overlapping_texts

    from cnnexplain.viz._style import FIGURE_WIDTH, MIN_FONT_SIZE

    assert fig.get_figwidth() <= FIGURE_WIDTH + 1e-9
    smallest = min(texts, key=lambda t: t["px"])
    assert smallest["px"] >= MIN_FONT_SIZE * fig.dpi / 72 - 1e-9, smallest
    assert [t["text"] for t in texts if t["clipped"]] == []
    assert overlapping_texts(texts) == []


@pytest.mark.parametrize("name", FIGURES)
def test_every_figure_is_readable_at_its_natural_size(history, name):
    from figure_text import text_sizes

    fig = every_figure(history)[name]()
    assert_readable(fig, text_sizes(fig))
    # Every colour bar says what it measures (matplotlib marks a colour bar's axes with _colorbar).
    bars = [ax._colorbar for ax in fig.axes if getattr(ax, "_colorbar", None) is not None]
    assert all(bar.ax.get_ylabel() or bar.ax.get_xlabel() or bar.ax.get_title(loc="left") for bar in bars)


@pytest.mark.parametrize(
    "make",
    [
        lambda history, data: animate_kernels(history),
        lambda history, data: animate_convolution(data.images[0], PREWITT_X, region=(2, 16, 8, 12)),
    ],
    ids=["kernels", "convolution"],
)
def test_every_frame_of_the_animations_is_readable(history, make):
    from figure_text import text_sizes

    anim = make(history, full_size_data())
    for fig, texts in play(anim, lambda fig: (fig, text_sizes(fig))):
        assert_readable(fig, texts)
        # On a phone 390 px wide a page shows a picture 342 px wide or more (the landing page's
        # figure; an article's column is 358 px): the smallest text still shows 9 px high there.
        shown = min(t["px"] for t in texts) * PHONE_PICTURE_PX / (fig.get_figwidth() * fig.dpi)
        assert shown >= 9.0, shown


#: The narrowest a page of the site shows a picture on a phone 390 px wide, in CSS px.
PHONE_PICTURE_PX = 342


@pytest.mark.parametrize("draw", [plot_kernels, plot_kernels_compare])
def test_a_7x7_kernel_is_120_px_wide_or_more(history, draw):
    """Large enough to see the bands of an edge detector (17 px a weight)."""
    fig = draw(history)
    fig.canvas.draw()
    widths = [ax.get_window_extent().width for ax in image_axes(fig)]
    assert min(widths) >= 120
