"""Tests of cnnexplain.cli: the ``cnnexplain`` command, end to end on a short training."""

from __future__ import annotations

import io
import json
import math
import os
import stat
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import safetensors.numpy
import torch
from PIL import Image
from safetensors import safe_open

import cnnexplain
import cnnexplain.analysis
import cnnexplain.experiment
from cnnexplain import __version__
from cnnexplain.cli import main
from cnnexplain.history import WeightHistory
from cnnexplain.study import SeedStudy
from cnnexplain.study import study_config as seed_study_config

#: A short training: 20 images of 20x20 pixels per class (32 to train, 8 to validate, one batch per epoch).
SHORT = ["--n-per-class", "20", "--size", "20", "--epochs", "2", "--no-progress"]
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


def run_cli(*args) -> tuple[int, str, str]:
    """Run ``main`` in-process; return its exit status, stdout and stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main([str(a) for a in args])
    return code, out.getvalue(), err.getvalue()


def assert_one_line(err: str, prefix: str) -> None:
    assert err.startswith(f"cnnexplain: {prefix}"), err
    assert err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> tuple[Path, tuple[int, str, str]]:
    """One short training through the command, shared by the tests that read it."""
    path = tmp_path_factory.mktemp("train") / "run.safetensors"
    return path, run_cli("train", *SHORT, "--seed", "1", "-o", path)


# -- train -----------------------------------------------------------------------------


def test_train_saves_a_complete_history_and_prints_one_summary_line(trained):
    path, (code, out, err) = trained
    assert code == 0, err
    assert err == ""
    assert out.count("\n") == 1 and out.startswith("trained 2 epochs in ")
    history = WeightHistory.load(path)
    assert f"test accuracy {history.metrics['val_accuracy'][-1]:.3f}" in out and str(path) in out
    assert history.completed and len(history) == 3
    config = history.config
    assert config["dataset"]["n_per_class"] == 20 and config["dataset"]["size"] == 20
    assert config["model"]["n_kernels"] == 8 and config["model"]["seed"] == 1
    assert config["training"]["seed"] == 1 and config["training"]["n_val"] == 8


def test_train_refuses_to_overwrite_without_force_and_replaces_with_it(trained, tmp_path):
    path, _ = trained
    target = tmp_path / "run.safetensors"
    target.write_bytes(path.read_bytes())
    code, out, err = run_cli("train", *SHORT, "-o", target)
    assert code == 2 and out == ""
    assert_one_line(err, "error: ")
    assert "--force" in err
    assert target.read_bytes() == path.read_bytes()

    code, _, err = run_cli("train", *SHORT, "--epochs", "0", "--force", "-o", target)
    assert code == 0, err
    assert len(WeightHistory.load(target)) == 1


def test_train_options_reach_the_data_model_and_training(tmp_path):
    path = tmp_path / "diag.safetensors"
    args = ["--orientations", "diagonal", "antidiagonal", "vertical", "--kernels", "4", "--kernel-size", "5"]
    args += ["--noise", "0.1", "--data-seed", "3", "--batch-size", "16", "--lr", "0.01", "--record", "batch"]
    args += ["--optimizer", "sgd"]
    code, _, err = run_cli(
        "train", "--n-per-class", "10", "--size", "24", "--epochs", "1", "--no-progress", *args, "-o", path
    )
    assert code == 0, err
    history = WeightHistory.load(path)
    config = history.config
    assert config["dataset"]["orientations"] == ["diagonal", "antidiagonal", "vertical"]
    assert config["dataset"]["noise"] == 0.1 and config["dataset"]["seed"] == 3
    assert config["dataset"]["split"]["seed"] == 3
    assert history["conv1.weight"].shape[1:] == (4, 1, 5, 5)
    assert config["model"]["n_classes"] == 3 and config["model"]["image_size"] == 24
    assert config["training"]["lr"] == 0.01 and config["training"]["record"] == "batch"
    assert config["training"]["optimizer"] == "SGD"
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
    path = tmp_path / "partial.safetensors"
    code, out, err = run_cli("train", *SHORT, "--epochs", "5", "-o", path)
    assert code == 130
    assert out.startswith("trained 2 of 5 epochs (interrupted)") and "partial history" in out
    assert_one_line(err, "interrupted: saved the 3 snapshots")
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
    assert info["steps"] == [[0, 0], [2, 1]]
    assert info["config"] == WeightHistory.load(path).config
    assert set(info["final_metrics"]) == {"train_loss", "train_accuracy", "val_loss", "val_accuracy"}


# -- figures ---------------------------------------------------------------------------


def test_figures_are_complete_and_reproducible(trained, tmp_path):
    path, _ = trained
    for folder in ("a", "b/new"):  # made, with its parent
        code, out, err = run_cli("figures", path, "-o", tmp_path / folder)
        assert code == 0, err
    a, b = tmp_path / "a", tmp_path / "b" / "new"
    assert {p.name for p in a.iterdir()} == FIGURES  # no temporary file left
    for name in FIGURES:
        assert (a / name).read_bytes() == (b / name).read_bytes(), name
    lines = out.splitlines()
    assert lines[-1] == f"wrote {len(FIGURES)} files to {b}"
    assert {Path(line.split()[0]).name for line in lines[:-1]} == FIGURES
    for name in FIGURES - {"kernels.gif"}:
        with Image.open(a / name) as im:
            assert im.format == "PNG" and im.width > 100 and im.height > 100
            assert "Software" not in im.info
    with Image.open(a / "kernels.gif") as im:
        assert im.format == "GIF" and im.n_frames == len(WeightHistory.load(path))
    # The note names the kernels chosen for each class, not fixed numbers.
    assert_one_line(err, "note: most class-selective conv1 kernels")
    assert "for horizontal" in err and "for vertical" in err


def test_figures_of_a_history_without_its_data_is_a_file_error(trained, tmp_path):
    history = WeightHistory.load(trained[0])
    config = {k: v for k, v in history.config.items() if k != "dataset"}
    bare = WeightHistory({k: history[k] for k in history}, history.steps, history.metrics, config)
    code, out, err = run_cli("figures", bare.save(tmp_path / "bare.safetensors"), "-o", tmp_path / "out")
    assert code == 2 and out == ""
    assert_one_line(err, "error: cannot draw the figures of ")
    assert not (tmp_path / "out").exists()


def test_a_failed_write_keeps_the_old_file(trained, tmp_path, monkeypatch):
    (tmp_path / "samples.png").write_bytes(b"the old figure")

    def no_space(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", no_space)
    code, out, err = run_cli("figures", trained[0], "-o", tmp_path)
    assert code == 2 and out == ""  # the first figure failed: nothing listed
    assert_one_line(err.splitlines(keepends=True)[-1], "error: cannot write ")
    assert "No space left on device" in err
    assert (tmp_path / "samples.png").read_bytes() == b"the old figure"
    assert [p.name for p in tmp_path.iterdir()] == ["samples.png"]  # no temporary file left


# -- explore ---------------------------------------------------------------------------


def explorer_payload(page: str) -> dict:
    """The JSON document an explorer page carries its network in."""
    start = page.index('class="cnnexplain-explorer-data">') + len('class="cnnexplain-explorer-data">')
    return json.loads(page[start : page.index("</script>", start)])


def test_explore_writes_one_standalone_page_of_the_run(trained, tmp_path):
    path, _ = trained
    code, out, err = run_cli("explore", path, "-o", tmp_path / "a.html")
    assert code == 0 and err == "", err
    page = (tmp_path / "a.html").read_text(encoding="utf-8")
    assert "data-cnnexplain-explorer" in page
    assert "<script src=" not in page and "<link " not in page  # nothing to fetch: it works offline
    payload = explorer_payload(page)
    assert payload["classes"] == ["horizontal", "vertical"]
    history = WeightHistory.load(path)
    assert len(payload["snapshots"]) == len(history)  # a short run fits whole
    first, second = out.splitlines()
    assert first.startswith(f"wrote {tmp_path / 'a.html'} (") and "3 snapshots, epochs 0, 1, 2" in first
    assert second == f"open it in a browser: {(tmp_path / 'a.html').resolve().as_uri()}"
    # The same run gives the same page, byte for byte.
    assert run_cli("explore", path, "-o", tmp_path / "b.html")[0] == 0
    assert (tmp_path / "b.html").read_bytes() == (tmp_path / "a.html").read_bytes()


def test_explore_keeps_at_most_the_snapshots_asked_for(tmp_path):
    history_path = tmp_path / "batches.safetensors"
    code, _, err = run_cli("train", *SHORT, "--n-per-class", "40", "--record", "batch", "-o", history_path)
    assert code == 0, err
    history = WeightHistory.load(history_path)
    assert len(history) > 4
    code, out, err = run_cli("explore", history_path, "-o", tmp_path / "e.html", "--snapshots", "4")
    assert code == 0, err
    payload = explorer_payload((tmp_path / "e.html").read_text(encoding="utf-8"))
    assert len(payload["snapshots"]) == 4
    assert "4 snapshots, epochs 0, " in out and out.splitlines()[0].endswith(", 2")  # first and last kept


def test_explore_refuses_to_overwrite_without_force(trained, tmp_path):
    page = tmp_path / "page.html"
    page.write_text("a page the user saved")
    code, out, err = run_cli("explore", trained[0], "-o", page)
    assert code == 2 and out == ""
    assert_one_line(err, "error: output ")
    assert page.read_text() == "a page the user saved"
    assert run_cli("explore", trained[0], "-o", page, "--force")[0] == 0
    assert "data-cnnexplain-explorer" in page.read_text(encoding="utf-8")
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary file left


def test_force_keeps_the_permissions_of_the_file_it_replaces(trained, tmp_path):
    page, run = tmp_path / "page.html", tmp_path / "run.safetensors"
    for path in (page, run):
        path.write_text("a private file")
        path.chmod(0o600)
    assert run_cli("explore", trained[0], "-o", page, "--force")[0] == 0
    assert run_cli("train", *SHORT, "--epochs", "0", "-o", run, "--force")[0] == 0
    for path in (page, run):
        assert path.read_bytes() != b"a private file"
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.parametrize("command", [["explore", "{good}"], ["train", *SHORT, "--epochs", "0"]])
def test_an_output_that_is_a_link_to_nothing_is_kept_without_force(command, trained, tmp_path):
    link = tmp_path / "out"
    link.symlink_to(tmp_path / "nowhere")
    code, out, err = run_cli(*[a.format(good=trained[0]) for a in command], "-o", link)
    assert code == 2 and out == ""
    assert_one_line(err, f"error: output {link} exists; pass --force")
    assert link.is_symlink() and not (tmp_path / "nowhere").exists()


# -- study -------------------------------------------------------------------------------
#: A study that trains nothing: every member evaluated once on the default images (2 s).
NO_EPOCH = ["--epochs", "0", "--jobs", "1", "--no-progress"]


def test_study_writes_the_study_and_prints_one_summary_line(tmp_path):
    code, out, err = run_cli(
        "study", "--seeds", "2", "--first-seed", "5", "--arms", "adam,sgd", *NO_EPOCH, "-o", tmp_path / "s"
    )
    assert (code, err) == (0, "")
    study = SeedStudy.load(tmp_path / "s" / "study.safetensors")
    assert study.seeds.tolist() == [5, 6] and study.arms == ("adam", "sgd")
    assert study.config == seed_study_config([5, 6], ["adam", "sgd"], epochs=0)
    assert out.count("\n") == 1
    assert out.startswith("trained 2 seeds x 2 arms, 0 epochs, in ")
    assert "mean final test accuracy: adam 0.500 (lowest 0.500), sgd 0.500" in out
    assert f"wrote {tmp_path / 's' / 'study.safetensors'}" in out
    # An existing study is kept, unless --force.
    code, _, err = run_cli("study", "--seeds", "1", *NO_EPOCH, "-o", tmp_path / "s")
    assert code == 2 and "exists; pass --force" in err
    assert SeedStudy.load(tmp_path / "s" / "study.safetensors") == study
    assert run_cli("study", "--seeds", "1", *NO_EPOCH, "-o", tmp_path / "s", "--force")[0] == 0
    assert len(SeedStudy.load(tmp_path / "s" / "study.safetensors")) == 1


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--seeds", "0"], "argument --seeds: expected an integer in [1, 100000], got 0"),
        (["--first-seed", "-1"], "argument --first-seed"),
        (["--arms", "adam,momentum"], "argument --arms: expected distinct names among adam,shuffled,sgd"),
        (["--arms", "sgd,sgd"], "argument --arms"),
        (["--epochs", "-1"], "argument --epochs"),
        (["--jobs", "0"], "argument --jobs"),
        (["--chunk-size", "0"], "argument --chunk-size"),
        (["--scheduler", "nonsense://host:1"], "scheduler must be the address of a Dask scheduler"),
    ],
)
def test_study_bad_arguments_give_one_line_and_status_2(args, expected, tmp_path):
    code, out, err = run_cli("study", *args, "-o", tmp_path / "s")
    assert code == 2 and out == ""
    assert_one_line(err, "error: ")
    assert expected in err
    assert not (tmp_path / "s" / "study.safetensors").exists()


def test_study_output_must_be_a_folder(trained, tmp_path):
    code, _, err = run_cli("study", *NO_EPOCH, "-o", trained[0])
    assert code == 2 and "is not a folder" in err


# -- files and arguments from anyone ------------------------------------------------------
KEY = "cnnexplain.WeightHistory"  # the metadata entry of a history file


def crafted(source: Path, target: Path, *, config=None, tensors=None) -> Path:
    """A copy of the history ``source``, its config or tensors edited by ``config(c)`` or
    ``tensors(t)`` and written as anyone could: without the checks of WeightHistory.save."""
    with safe_open(source, framework="np") as f:
        header = json.loads(f.metadata()[KEY])
        arrays = {name: f.get_tensor(name) for name in f.keys()}
    if config is not None:
        config(header["config"])
    if tensors is not None:
        tensors(arrays)
    target.write_bytes(safetensors.numpy.save(arrays, metadata={KEY: json.dumps(header)}))
    return target


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


#: Runs the command given in a fresh interpreter and prints its exit status and how much its
#: peak memory grew over what the imports took.
MEASURE_COMMAND = """
import resource, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot
from cnnexplain import analysis, viz  # what the commands import before they build anything
from cnnexplain.cli import main
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
code = main(sys.argv[1:])
print(code, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)  # KiB on Linux
"""

GIGABYTE_SETTINGS = {
    # fc1 alone: 32,768 x 17,672 weights, 2.3 GB (the file holds 32 x 32)
    "a 580-million-parameter model": (
        lambda c: c["model"].update(hidden=32768, image_size=200),
        "config['model'] describes fc1.weight of shape (32768, 17672), the history holds it with shape (32, 32)",
    ),
    # 2,000 images of 512 x 512 pixels: 2.1 GB as float32
    "half a billion pixels": (
        lambda c: c["dataset"].update(n_per_class=1000, size=512),
        "config['dataset'] describes 2,000 images of 512x512 pixels, 524,288,000 pixels, more than the 33,554,432",
    ),
}


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
@pytest.mark.parametrize("command", ["figures", "explore"])
@pytest.mark.parametrize("case", list(GIGABYTE_SETTINGS))
def test_settings_describing_gigabytes_are_refused_before_anything_is_built(trained, tmp_path, command, case):
    edit, message = GIGABYTE_SETTINGS[case]
    path = crafted(trained[0], tmp_path / "big.safetensors", config=edit)
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_COMMAND, command, str(path), "-o", str(tmp_path / "out")],
        capture_output=True,
        text=True,
    )
    code, growth = map(int, result.stdout.split())
    assert code == 2
    assert_one_line(result.stderr, "error: cannot ")
    assert message in result.stderr
    assert growth < 64 * 1024, f"peak memory grew by {growth} KiB"
    assert not (tmp_path / "out").exists()


ANSI = "\x1b[1A\x1b[2K\rcomplete   yes (2 of 2 epochs)\x1b[1B"  # up a line, erase it, write over it


def test_explore_of_a_run_trained_on_tensors_is_not_refused(tmp_path):
    """No line-image settings recorded: nothing to regenerate, nothing to bound; the page has no samples."""
    data = cnnexplain.make_lines(n_per_class=10, size=20).split()[0]
    history = cnnexplain.train(cnnexplain.LineCNN(image_size=20), (data.images, data.labels), epochs=1)
    code, _, err = run_cli("explore", history.save(tmp_path / "t.safetensors"), "-o", tmp_path / "t.html")
    assert code == 0, err
    assert explorer_payload((tmp_path / "t.html").read_text(encoding="utf-8"))["samples"] == []


def test_explore_of_a_run_whose_dataset_is_null_is_not_refused(trained, tmp_path):
    path = crafted(trained[0], tmp_path / "null.safetensors", config=lambda c: c.__setitem__("dataset", None))
    code, _, err = run_cli("explore", path, "-o", tmp_path / "n.html")
    assert code == 0, err  # was an AttributeError, exit 1
    assert explorer_payload((tmp_path / "n.html").read_text(encoding="utf-8"))["classes"] == [
        "class 0",
        "class 1",
    ]


def test_strings_from_a_file_cannot_drive_the_terminal(trained, tmp_path):
    def edit(config):
        config["training"]["completed_epochs"] = 1  # an interrupted run ...
        config["dataset"]["noise"] = ANSI  # ... that would say it is complete
        config["cnnexplain_version"] = "\x07\x1b]0;title\x07"

    path = crafted(trained[0], tmp_path / "ansi\x1b[31m.safetensors", config=edit)
    code, out, err = run_cli("info", path)
    assert code == 0 and err == ""
    assert not any(ch in out for ch in "\x1b\r\x07")
    lines = out.splitlines()
    assert lines[0].startswith(f"history    {tmp_path}/ansi\\x1b[31m.safetensors (")
    assert lines[0].endswith("by cnnexplain \\x07\\x1b]0;title\\x07)")
    assert lines[1] == "complete   NO: interrupted after 1 of 2 epochs"
    assert r"  noise         \x1b[1A\x1b[2K\rcomplete   yes (2 of 2 epochs)\x1b[1B" in lines


@pytest.mark.parametrize("command", [["info"], ["figures", "-o", "{tmp}/figs"], ["explore", "-o", "{tmp}/x"]])
def test_error_messages_escape_what_they_repeat(trained, tmp_path, command):
    missing = tmp_path / "gone\x1b[2J\x07.safetensors"
    code, out, err = run_cli(command[0], missing, *[a.format(tmp=tmp_path) for a in command[1:]])
    assert code == 2 and out == ""
    assert_one_line(err, "error: ")
    assert "gone\\x1b[2J\\x07.safetensors" in err and not any(ch in err for ch in "\x1b\x07")


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory) -> Path:
    """A history recorded after every batch: 16 batches of 2 images in each of 2 epochs, 33 snapshots."""
    path = tmp_path_factory.mktemp("batch") / "batches.safetensors"
    args = ["--n-per-class", "20", "--size", "20", "--epochs", "2", "--batch-size", "2", "--record", "batch"]
    code, _, err = run_cli("train", *args, "--no-progress", "-o", path)
    assert code == 0, err
    assert len(WeightHistory.load(path)) == 33
    return path


def test_figures_animate_at_most_the_snapshots_asked_for(batch_run, tmp_path):
    code, _, err = run_cli("figures", batch_run, "-o", tmp_path / "default")
    assert code == 0, err
    with Image.open(tmp_path / "default" / "kernels.gif") as gif:
        assert gif.n_frames == 21
    assert "note: the animation shows 21 of the 33 snapshots (--snapshots)" in err
    code, _, err = run_cli("figures", batch_run, "-o", tmp_path / "five", "--snapshots", "5")
    assert code == 0, err
    with Image.open(tmp_path / "five" / "kernels.gif") as gif:
        assert gif.n_frames == 5


@pytest.mark.parametrize("command", ["figures", "explore"])
def test_snapshots_have_a_ceiling(batch_run, tmp_path, command):
    code, out, err = run_cli(command, batch_run, "-o", tmp_path / "out", "--snapshots", "100000")
    assert code == 2 and out == ""
    assert_one_line(err, "error: argument --snapshots: expected an integer in [2, 256], got 100000")
    assert not (tmp_path / "out").exists()


#: Files of anyone that are not runs the commands can draw: (command, how the file is edited, what
#: the one line must say).
BAD_FILES = {
    "NaN weights": (
        "figures",
        {"tensors": lambda t: t["conv1.weight"].__setitem__((1, 2), np.nan)},
        "history: parameter 'conv1.weight' holds NaN or infinite values (first at snapshot 1)",
    ),
    "BOOL weights": (
        "figures",
        {"tensors": lambda t: t.__setitem__("conv1.weight", t["conv1.weight"] > 0)},
        "history: parameter 'conv1.weight' must hold floating-point numbers, got bool",
    ),
    "a dataset that is a list": (
        "figures",
        {"config": lambda c: c.__setitem__("dataset", [1, 2])},
        "config['dataset'] must be a dict of settings, got [1, 2] (list)",
    ),
    "a dataset that is a string (explore)": (
        "explore",
        {"config": lambda c: c.__setitem__("dataset", "lines")},
        "config['dataset'] must be a dict of settings, got 'lines' (str)",
    ),
    "batches_per_epoch = 10**400": (
        "figures",
        {"config": lambda c: c["training"].__setitem__("batches_per_epoch", 10**400)},
        "config['training']['batches_per_epoch'] must be an integer of at most 64 bits",
    ),
    "a config nested 450 deep": (
        "info",
        {"config": lambda c: c["dataset"].__setitem__("noise", nested(450))},
        "config must be nested at most 32 deep, got deeper at config['dataset']['noise'][0][0][0][0]...",
    ),
    "a config nested 600 deep": (
        "figures",
        {"config": lambda c: c.__setitem__("note", nested(600))},
        "config must be nested at most 32 deep, got deeper at config['note'][0][0][0][0][0]...",
    ),
    "images of another size than the model's": (
        "figures",
        {"config": lambda c: c["dataset"].__setitem__("size", 30)},
        "its model was recorded with image_size=20, its data settings give 30",
    ),
    "a metric that is not finite": (
        "figures",
        {"tensors": lambda t: t["metrics/val_loss"].__setitem__(1, np.nan)},
        "history: metric 'val_loss' is nan at epoch 1; the training curves draw finite numbers only",
    ),
}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_every_bad_file_gives_one_line_naming_the_field_and_status_2(trained, tmp_path, case):
    command, edits, message = BAD_FILES[case]
    path = crafted(trained[0], tmp_path / "bad.safetensors", **edits)
    output = [] if command == "info" else ["-o", tmp_path / "out"]
    code, out, err = run_cli(command, path, *output)
    assert code == 2 and out == ""
    assert_one_line(err, "error: ")
    assert message in err
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("args", "environment", "message"),
    [
        (["--batch-size", "1e21"], {}, "argument --batch-size: expected an integer, got '1e21'"),
        (
            ["--batch-size", str(10**21)],
            {},
            f"argument --batch-size: expected an integer in [1, 1000000], got {10**21}",
        ),
        (
            ["--seed", str(2**64)],
            {},
            f"argument --seed: expected an integer in [0, {2**63 - 1}], got {2**64}",
        ),
        (["--data-seed", str(2**64)], {}, "argument --data-seed: expected an integer in [0, "),
        (
            [],
            {"CNNEXPLAIN_SEED": "abc"},
            "environment variable CNNEXPLAIN_SEED must be a non-negative integer",
        ),
    ],
)
def test_every_bad_argument_gives_one_line_naming_it_and_status_2(
    args, environment, message, tmp_path, monkeypatch
):
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    code, out, err = run_cli("train", *SHORT, *args, "-o", tmp_path / "run.safetensors")
    assert code == 2 and out == ""
    assert_one_line(err, "error: ")
    assert message in err
    assert not (tmp_path / "run.safetensors").exists()


def test_study_seeds_beyond_64_bits_are_refused_by_name(tmp_path):
    code, out, err = run_cli(
        "study", "--seeds", "2", "--first-seed", str(2**63 - 1), *NO_EPOCH, "-o", tmp_path
    )
    assert code == 2 and out == ""
    assert_one_line(err, "error: argument --first-seed: the last seed")
    code, _, err = run_cli("study", "--first-seed", str(2**64), *NO_EPOCH, "-o", tmp_path)
    assert code == 2 and "argument --first-seed: expected an integer in [0, 9223372036854775807]" in err


def test_info_json_is_valid_json_with_metrics_that_are_not_finite(trained, tmp_path):
    def not_finite(tensors):
        tensors["metrics/val_loss"][-1] = np.inf
        tensors["metrics/train_loss"][-1] = -np.inf
        tensors["metrics/val_accuracy"][-1] = np.nan

    path = crafted(trained[0], tmp_path / "inf.safetensors", tensors=not_finite)
    code, out, _ = run_cli("info", "--json", path)
    assert code == 0

    def refuse(constant):
        raise ValueError(f"not JSON: {constant}")

    final = json.loads(out, parse_constant=refuse)["final_metrics"]
    assert final["val_loss"] == "Infinity" and final["train_loss"] == "-Infinity"
    assert final["val_accuracy"] == "NaN" and isinstance(final["train_accuracy"], float)
    assert [float(final[name]) for name in ("val_loss", "train_loss")] == [math.inf, -math.inf]
    assert math.isnan(float(final["val_accuracy"]))


# -- errors, help, entry point ---------------------------------------------------------


@pytest.fixture(scope="module")
def bad_files(tmp_path_factory, trained):
    path, _ = trained
    folder = tmp_path_factory.mktemp("bad")
    corrupt = folder / "corrupt.safetensors"
    corrupt.write_bytes(os.urandom(4096))
    truncated = folder / "truncated.safetensors"
    data = path.read_bytes()
    truncated.write_bytes(data[: len(data) // 2])
    return {
        "missing": folder / "missing.safetensors",
        "corrupt": corrupt,
        "truncated": truncated,
        "good": path,
    }


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["train", "--bogus", "-o", "{tmp}/x"], "unrecognized arguments: --bogus"),
        (["train", "--epochs", "-3", "-o", "{tmp}/x"], "argument --epochs"),
        (["train", "--epochs", "many", "-o", "{tmp}/x"], "argument --epochs"),
        (["train", "--lr", "nan", "-o", "{tmp}/x"], "argument --lr"),
        (
            ["train", "--orientations", "horizontal", "sideways", "-o", "{tmp}/x"],
            "invalid choice: 'sideways'",
        ),
        (["train", "--orientations", "vertical", "vertical", "-o", "{tmp}/x"], "argument --orientations"),
        (["train", "--kernel-size", "30", "--size", "20", "-o", "{tmp}/x"], "too small for kernel_size"),
        (["train", "-o", "{good}"], "exists; pass --force"),
        (["train", "-o", "{tmp}"], "is a folder"),
        (["info", "{missing}"], "no such history file"),
        (["info", "{corrupt}"], "not a valid cnnexplain history file"),
        (["info", "{truncated}"], "not a valid cnnexplain history file"),
        (["figures", "{corrupt}", "-o", "{tmp}/figs"], "not a valid cnnexplain history file"),
        (["figures", "{good}", "-o", "{good}"], "is not a folder"),
        (["figures", "{good}"], "required: -o/--output"),
        (["explore", "{missing}", "-o", "{tmp}/x"], "no such history file"),
        (["explore", "{corrupt}", "-o", "{tmp}/x"], "not a valid cnnexplain history file"),
        (["explore", "{good}", "-o", "{tmp}/x", "--snapshots", "1"], "argument --snapshots"),
        (["explore", "{good}", "-o", "{tmp}"], "is a folder"),
        (["explore", "{good}"], "required: -o/--output"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        ([], "required: COMMAND"),
    ],
)
def test_bad_arguments_and_files_give_one_line_and_status_2(args, expected, bad_files, tmp_path):
    names = {k: str(v) for k, v in bad_files.items()}
    args = [a.format(tmp=tmp_path, **names) for a in args]
    before = bad_files["good"].read_bytes()
    code, out, err = run_cli(*args)
    assert code == 2 and out == ""
    assert_one_line(err, "error: ")
    assert expected in err
    assert not (tmp_path / "x").exists() and not (tmp_path / "figs").exists()
    assert bad_files["good"].read_bytes() == before


def fail(*args, **kwargs):
    raise ValueError("a bug deep in the library")


@pytest.mark.parametrize(
    ("module", "name", "command"),
    [
        (cnnexplain.experiment, "train", ["train", *SHORT, "-o", "{tmp}/x"]),
        (cnnexplain.analysis, "selective_kernels", ["figures", "{good}", "-o", "{tmp}/figs"]),
    ],
)
def test_an_unexpected_error_is_reported_as_a_bug(module, name, command, bad_files, tmp_path, monkeypatch):
    monkeypatch.setattr(module, name, fail)
    args = [a.format(tmp=tmp_path, good=bad_files["good"]) for a in command]
    code, _, err = run_cli(*args)
    assert code == 1
    assert_one_line(
        err.splitlines(keepends=True)[-1], "internal error (a bug in cnnexplain): ValueError: a bug deep"
    )
    assert "--debug" in err
    assert not (tmp_path / "x").exists()
    with pytest.raises(ValueError, match="a bug deep in the library"):  # --debug: the traceback
        main([*args, "--debug"])


def test_interrupt_outside_training_exits_130_with_one_line(trained, monkeypatch):
    def interrupt(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(WeightHistory, "load", interrupt)
    assert run_cli("info", trained[0]) == (130, "", "cnnexplain: interrupted\n")


@pytest.mark.parametrize("command", [[], ["train"], ["info"], ["figures"], ["explore"], ["study"]])
def test_help_of_every_command(command):
    code, out, err = run_cli(*command, "--help")
    assert code == 0 and err == ""
    assert out.startswith(f"usage: {' '.join(['cnnexplain', *command])}")


def test_version():
    code, out, _ = run_cli("--version")
    assert code == 0 and out.startswith(f"cnnexplain {__version__}")


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
    for command in ("train", "info", "figures", "explore", "study"):
        assert command in result.stdout
