"""Tests of cnnexplain.cli: the ``cnnexplain`` command, end to end on a short training."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from PIL import Image

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
