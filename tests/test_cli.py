"""Tests of cnnexplain.cli: the ``cnnexplain`` command, end to end on a short training."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import torch
from matplotlib.animation import FuncAnimation
from PIL import Image

from cnnexplain import __version__, make_lines
from cnnexplain import cli as cli_module
from cnnexplain import viz as viz_module
from cnnexplain.cli import main
from cnnexplain.edges import PREWITT_X, PREWITT_Y
from cnnexplain.history import WeightHistory
from cnnexplain.model import LineCNN

#: A short training: 20 images per class (32 to train, 8 to validate, one batch per epoch).
SHORT = ["--n-per-class", "20", "--epochs", "2", "--no-progress"]
FIGURES = {
    "samples.png",
    "prewitt.png",
    "training_curves.png",
    "kernels.gif",
    "kernels_compare.png",
    "kernels.png",
    "convolution_learned.png",
    "feature_maps.png",
    "forward_pass.png",
}


@pytest.fixture(scope="module", autouse=True)
def one_torch_thread():
    """Train and draw on one thread: on a busy two-core machine, torch's thread
    pool costs far more than it saves for this tiny model (about 50x here)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


def run_cli(*args) -> tuple[int, str, str]:
    """Run ``main`` in-process; return its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def assert_one_line_error(code: int, err: str) -> None:
    assert code == 2, err
    assert err.startswith("cnnexplain: error: "), err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, tuple[int, str, str]]:
    """One short training through the command, shared by the tests that read it."""
    path = tmp_path_factory.mktemp("train") / "run.npz"
    return path, run_cli("train", *SHORT, "--seed", "1", "-o", path)


# -- train -----------------------------------------------------------------------------


def test_train_saves_a_complete_history_and_prints_one_summary_line(trained):
    path, (code, out, err) = trained
    assert code == 0, err
    assert err == ""
    assert out.count("\n") == 1
    assert out.startswith("trained 2 epochs in ")
    assert "train accuracy" in out and "validation accuracy" in out and str(path) in out
    history = WeightHistory.load(path)
    assert history.completed and len(history) == 3
    config = history.config
    assert config["dataset"]["n_per_class"] == 20
    assert config["model"]["n_kernels"] == 8 and config["model"]["seed"] == 1
    assert config["training"]["seed"] == 1 and config["training"]["n_val"] == 8
    assert f"{history.metrics['val_accuracy'][-1]:.3f}" in out


def test_train_refuses_to_overwrite_without_force_and_replaces_with_it(trained, tmp_path):
    path, _ = trained
    target = tmp_path / "run.npz"
    target.write_bytes(path.read_bytes())
    code, out, err = run_cli("train", *SHORT, "-o", target)
    assert_one_line_error(code, err)
    assert "--force" in err and out == ""
    assert target.read_bytes() == path.read_bytes()

    code, out, err = run_cli(
        "train", "--n-per-class", "20", "--epochs", "0", "--no-progress", "--force", "-o", target
    )
    assert code == 0, err
    assert len(WeightHistory.load(target)) == 1


def test_train_options_reach_the_data_model_and_training(tmp_path):
    path = tmp_path / "diag.npz"
    args = ["--orientations", "diagonal", "antidiagonal", "vertical", "--kernels", "4", "--kernel-size", "5"]
    args += ["--noise", "0.1", "--data-seed", "3", "--batch-size", "16", "--lr", "0.01", "--record", "batch"]
    code, _, err = run_cli(
        "train", "--n-per-class", "10", "--epochs", "1", "--no-progress", *args, "-o", path
    )
    assert code == 0, err
    history = WeightHistory.load(path)
    config = history.config
    assert config["dataset"]["orientations"] == ["diagonal", "antidiagonal", "vertical"]
    assert config["dataset"]["noise"] == 0.1 and config["dataset"]["seed"] == 3
    assert history["conv1.weight"].shape[1:] == (4, 1, 5, 5)
    assert config["model"]["n_classes"] == 3
    assert config["training"]["lr"] == 0.01 and config["training"]["record"] == "batch"
    assert len(history) == 1 + 2  # 24 training images in batches of 16: two snapshots


def test_ctrl_c_during_training_saves_the_partial_history(tmp_path, monkeypatch):
    # One batch per epoch: interrupt the third optimizer step, i.e. during epoch 3.
    calls = []
    real_step = torch.optim.Adam.step

    def step(self, *args, **kwargs):
        calls.append(1)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return real_step(self, *args, **kwargs)

    monkeypatch.setattr(torch.optim.Adam, "step", step)
    path = tmp_path / "partial.npz"
    code, out, err = run_cli("train", "--n-per-class", "20", "--epochs", "5", "--no-progress", "-o", path)
    assert code == 130
    assert out.startswith("trained 2 of 5 epochs (interrupted)") and "partial history" in out
    assert err.count("\n") == 1 and err.startswith("cnnexplain: interrupted: saved the 3 snapshots")
    history = WeightHistory.load(path)
    assert not history.completed and len(history) == 3
    assert history.config["training"]["completed_epochs"] == 2
    code, out, _ = run_cli("info", path)
    assert code == 0 and out.splitlines()[1] == "complete   NO: interrupted after 2 of 5 epochs"


# -- info ------------------------------------------------------------------------------


def test_info_prints_configuration_snapshots_and_final_metrics(trained):
    path, _ = trained
    history = WeightHistory.load(path)
    code, out, err = run_cli("info", path)
    assert code == 0 and err == ""
    lines = out.splitlines()
    assert lines[0].startswith(f"history    {path}")
    assert lines[1] == "complete   yes (2 of 2 epochs)"
    assert lines[2] == "snapshots  3: epoch 0 (initial) to epoch 2 batch 1, one per epoch"
    for section in ("data", "model (", "training", "final metrics (epoch 2)"):
        assert any(line.startswith(section) for line in lines), section
    assert "  orientations  horizontal, vertical" in lines
    assert any(line.split() == ["n_kernels", "8"] for line in lines)
    val = history.metrics["val_accuracy"][-1]
    assert any(line.split() == ["val_accuracy", f"{val:.4f}"] for line in lines)


def test_info_json_holds_the_same_facts(trained):
    path, _ = trained
    code, out, _ = run_cli("info", "--json", path)
    assert code == 0
    info = json.loads(out)
    assert info["complete"] is True and info["snapshots"] == 3
    assert info["first_step"] == [0, 0] and info["last_step"] == [2, 1]
    assert info["config"]["model"]["class"] == "LineCNN"
    assert list(info["final_metrics"]) == ["train_loss", "train_accuracy", "val_loss", "val_accuracy"]


# -- figures ---------------------------------------------------------------------------


def test_figures_end_to_end(trained, tmp_path):
    path, _ = trained
    folder = tmp_path / "figures" / "new"  # made, with its parent
    code, out, err = run_cli("figures", path, "-o", folder)
    assert code == 0, err
    assert {p.name for p in folder.iterdir()} == FIGURES  # no temporary file left
    lines = out.splitlines()
    assert lines[-1] == f"wrote {len(FIGURES)} files to {folder}"
    listed = {}
    for line in lines[:-1]:  # "<path>  <size> <unit>"
        name, size, unit = line.split()
        listed[Path(name).name] = (size, unit)
    assert set(listed) == FIGURES
    for name in FIGURES - {"kernels.gif"}:
        with Image.open(folder / name) as im:
            assert im.format == "PNG" and im.width > 100 and im.height > 100
            assert "Software" not in im.info
            im.verify()
    with Image.open(folder / "kernels.gif") as im:
        assert im.format == "GIF"
        assert im.n_frames == len(WeightHistory.load(path))
    # The note names the kernels chosen by the selectivity rule, not fixed numbers.
    assert "most class-selective conv1 kernels" in err and "for horizontal" in err
    assert "Traceback" not in err


@pytest.fixture
def quick_viz(monkeypatch):
    """Replace the drawing functions of cnnexplain.viz by tiny stand-ins; record the calls."""
    calls = {}

    def stand_in(name):
        def draw(*args, **kwargs):
            calls.setdefault(name, []).append((args, kwargs))
            fig = plt.figure(figsize=(1, 1))
            fig.text(0.5, 0.5, name[5:], ha="center", fontsize=6)
            return fig

        return draw

    for name in (
        "plot_samples",
        "plot_convolution",
        "plot_kernels",
        "plot_kernels_compare",
        "plot_feature_maps",
        "plot_forward_pass",
        "plot_training_curves",
    ):
        monkeypatch.setattr(viz_module, name, stand_in(name))

    def animate_kernels(history, layer="conv1"):
        calls.setdefault("animate_kernels", []).append(((history,), {"layer": layer}))
        fig = plt.figure(figsize=(1, 1))
        text = fig.text(0.5, 0.5, "", ha="center")
        return FuncAnimation(fig, lambda i: [text.set_text(f"step {i}")], frames=range(len(history)))

    monkeypatch.setattr(viz_module, "animate_kernels", animate_kernels)
    return calls


def test_figures_skip_the_data_figures_of_a_history_without_its_data(trained, tmp_path, quick_viz):
    path, _ = trained
    history = WeightHistory.load(path)
    config = {k: v for k, v in history.config.items() if k not in ("dataset", "experiment")}
    bare = WeightHistory({k: history[k] for k in history}, history.steps, history.metrics, config)
    bare_path = bare.save(tmp_path / "bare.npz")
    code, out, err = run_cli("figures", bare_path, "-o", tmp_path / "out")
    assert code == 0, err
    written = {p.name for p in (tmp_path / "out").iterdir()}
    assert written == {"training_curves.png", "kernels.gif", "kernels_compare.png", "kernels.png"}
    assert out.splitlines()[-1].startswith("wrote 4 files to ")
    assert err.count("\n") == 1
    assert err.startswith("cnnexplain: note: skipped samples.png, prewitt.png, convolution_learned.png")
    assert "does not record the data" in err
    with Image.open(tmp_path / "out" / "kernels.gif") as im:
        assert im.n_frames == len(history)


def test_figures_draw_from_the_regenerated_held_out_data(trained, tmp_path, quick_viz):
    path, _ = trained
    history = WeightHistory.load(path)
    code, _, err = run_cli("figures", path, "-o", tmp_path)
    assert code == 0, err
    data = make_lines(n_per_class=20)
    [((samples,), kwargs)] = quick_viz["plot_samples"]
    assert torch.equal(samples.images, data.images) and kwargs == {"n_per_class": 6}
    _, held_out = data.split(test_fraction=0.2, seed=0)
    horizontal = held_out.of_class("horizontal").images[0]
    [((models, images, kernels), _)] = quick_viz["plot_feature_maps"]
    assert list(models) == ["before training", "after training"]
    assert torch.equal(images[0], horizontal)
    assert torch.equal(images[1], held_out.of_class("vertical").images[0])
    assert len(set(kernels)) == 2 and all(0 <= k < 8 for k in kernels)
    [((image, prewitt), _), ((image2, learned), _)] = quick_viz["plot_convolution"]
    assert torch.equal(image, horizontal[0]) and torch.equal(image2, horizontal[0])
    assert torch.equal(prewitt, PREWITT_Y)  # a horizontal line, and the kernel for horizontal edges
    assert (learned == history["conv1.weight"][-1, kernels[0], 0]).all()  # the pick for horizontal
    assert quick_viz["plot_kernels_compare"][0][1] == {"layer": "conv1", "steps": (0, -1)}
    assert quick_viz["plot_kernels"][0][1] == {"layer": "conv1", "step": -1}
    [((animated,), kwargs)] = quick_viz["animate_kernels"]
    assert kwargs == {"layer": "conv1"} and len(animated) == len(history)
    [((model, image3), kwargs)] = quick_viz["plot_forward_pass"]
    assert torch.equal(image3, horizontal) and kwargs == {"class_names": ["horizontal", "vertical"]}
    assert torch.equal(model.conv1.weight, torch.tensor(history["conv1.weight"][-1]))


def test_select_kernels_finds_hand_made_edge_detectors():
    model = LineCNN()
    with torch.no_grad():
        model.conv1.weight.zero_()
        model.conv1.bias.zero_()
        model.conv1.weight[2, 0, 2:5, 2:5] = PREWITT_Y  # horizontal edges
        model.conv1.weight[5, 0, 2:5, 2:5] = PREWITT_X  # vertical edges
    data = make_lines(n_per_class=10)
    picks = cli_module._select_kernels(model, data.images, data.labels, 2)
    assert picks == [2, 5]


# -- errors, help, entry point ---------------------------------------------------------


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory, trained):
    path, _ = trained
    folder = tmp_path_factory.mktemp("bad")
    corrupt = folder / "corrupt.npz"
    corrupt.write_bytes(os.urandom(4096))
    truncated = folder / "truncated.npz"
    data = path.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    return {"missing": folder / "missing.npz", "corrupt": corrupt, "truncated": truncated, "good": path}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["train", "--bogus", "-o", "{tmp}/x.npz"], "unrecognized arguments: --bogus"),
        (["train", "--epochs", "-3", "-o", "{tmp}/x.npz"], "argument --epochs"),
        (["train", "--epochs", "many", "-o", "{tmp}/x.npz"], "argument --epochs"),
        (
            ["train", "--orientations", "horizontal", "sideways", "-o", "{tmp}/x.npz"],
            "invalid choice: 'sideways'",
        ),
        (["train", "--orientations", "vertical", "vertical", "-o", "{tmp}/x.npz"], "argument --orientations"),
        (
            ["train", "--kernel-size", "60", "--n-per-class", "5", "-o", "{tmp}/x.npz"],
            "too small for kernel_size",
        ),
        (["train", "-o", "{good}"], "exists; pass --force"),
        (["train", "-o", "{tmp}"], "is a folder"),
        (["info", "{missing}"], "no such history file"),
        (["info", "{corrupt}"], "not a valid cnnexplain history file"),
        (["info", "{truncated}"], "not a valid cnnexplain history file"),
        (["figures", "{corrupt}", "-o", "{tmp}/figs"], "not a valid cnnexplain history file"),
        (["figures", "{good}", "-o", "{good}"], "is not a folder"),
        (["figures", "{good}"], "required: -o/--output"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "required: COMMAND"),
    ],
)
def test_bad_arguments_and_files_give_one_line_and_status_2(args, expected, bad_files, tmp_path):
    names = {k: str(v) for k, v in bad_files.items()}
    args = [a.format(tmp=tmp_path, **names) for a in args]
    before = bad_files["good"].read_bytes()
    code, out, err = run_cli(*args)
    assert_one_line_error(code, err)
    assert expected in err
    assert out == ""
    assert not (tmp_path / "x.npz").exists()
    assert bad_files["good"].read_bytes() == before


def test_interrupt_outside_training_exits_130_with_one_line(trained, monkeypatch):
    path, _ = trained

    def load(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(WeightHistory, "load", load)
    code, out, err = run_cli("info", path)
    assert (code, out, err) == (130, "", "cnnexplain: interrupted\n")


def test_debug_variable_shows_the_traceback_instead(bad_files, monkeypatch):
    monkeypatch.setenv("CNNEXPLAIN_DEBUG", "1")
    with pytest.raises(ValueError, match="not a valid cnnexplain history file"):
        main(["info", str(bad_files["corrupt"])])


@pytest.mark.parametrize("command", [[], ["train"], ["info"], ["figures"]])
def test_help_of_every_command(command):
    code, out, err = run_cli(*command, "--help")
    assert code == 0 and err == ""
    assert out.startswith(f"usage: {' '.join(['cnnexplain', *command])}")


def test_version():
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith(f"cnnexplain {__version__} ")


def test_python_dash_m_runs_the_command():
    result = subprocess.run(
        [sys.executable, "-m", "cnnexplain", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("usage: cnnexplain ")
    for command in ("train", "info", "figures"):
        assert command in result.stdout


def test_figures_are_written_atomically_and_reproducibly(trained, tmp_path, quick_viz, monkeypatch):
    path, _ = trained
    for folder in ("a", "b"):
        code, _, err = run_cli("figures", path, "-o", tmp_path / folder)
        assert code == 0, err
    names = sorted(p.name for p in (tmp_path / "a").iterdir())
    assert names == sorted(FIGURES)  # no temporary file left behind
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    with Image.open(tmp_path / "a" / "kernels.png") as im:
        assert "Software" not in im.info

    # A failure while saving leaves the old file as it was, and no temporary file.
    old = (tmp_path / "a" / "kernels.png").read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", broken)
    code, out, err = run_cli("figures", path, "-o", tmp_path / "a")
    assert out == ""  # the first figure failed: nothing listed
    assert_one_line_error(code, err.splitlines(keepends=True)[-1])
    assert "No space left on device" in err
    assert (tmp_path / "a" / "kernels.png").read_bytes() == old
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == names
