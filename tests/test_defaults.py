"""The defaults live in one place, the signatures: experiment() and the command line agree with them."""

from __future__ import annotations

import inspect
import io
import json
from contextlib import redirect_stderr, redirect_stdout

from cnnexplain import LineCNN, LineDataset, make_lines, train
from cnnexplain.cli import build_parser, main
from cnnexplain.experiment import Experiment, resolve_config
from cnnexplain.history import WeightHistory
from cnnexplain.study import seed_study


def signature_defaults(function, names=None) -> dict:
    """The defaults of ``function``'s parameters (those named, or all that have one), as JSON gives them."""
    parameters = inspect.signature(function).parameters
    names = names or [n for n, p in parameters.items() if p.default is not p.empty]
    return json.loads(json.dumps({name: parameters[name].default for name in names}))


def test_experiment_defaults_are_the_signature_defaults():
    config = resolve_config()
    data = signature_defaults(make_lines)
    assert data.pop("length") is None  # make_lines picks the length from the size; so does the config
    assert config["data"] == {**data, "length": [data["size"] // 2, data["size"]]}
    assert config["split"] == signature_defaults(LineDataset.split)
    assert config["model"] == signature_defaults(LineCNN)  # image_size and n_classes included
    assert config["training"] == signature_defaults(
        train, ["epochs", "batch_size", "lr", "seed", "optimizer", "record"]
    )


def test_cli_train_without_options_uses_the_signature_defaults(tmp_path):
    args = build_parser().parse_args(["train", "-o", "run.safetensors"])
    assert args.epochs == signature_defaults(train, ["epochs"])["epochs"]
    # Train for no epoch (the other settings left alone) and read back what the history records.
    path = tmp_path / "run.safetensors"
    with redirect_stdout(io.StringIO()), redirect_stderr(io.StringIO()):
        assert main(["train", "--epochs", "0", "--no-progress", "-o", str(path)]) == 0
    run = Experiment.from_history(WeightHistory.load(path))
    expected = resolve_config(training={"epochs": 0})
    assert run.config == expected
    recorded = run.history.config
    assert recorded["model"] == {"class": "LineCNN", **signature_defaults(LineCNN)}
    assert recorded["training"]["batch_size"] == signature_defaults(train, ["batch_size"])["batch_size"]
    assert (
        recorded["dataset"]["split"]["test_fraction"]
        == signature_defaults(LineDataset.split)["test_fraction"]
    )


def test_cli_study_without_options_uses_the_signature_defaults():
    args = build_parser().parse_args(["study", "-o", "study"])
    defaults = {name: p.default for name, p in inspect.signature(seed_study).parameters.items()}
    assert range(args.first_seed, args.first_seed + args.seeds) == defaults["seeds"]
    assert args.arms == list(defaults["arms"]) and args.epochs == defaults["epochs"]
    assert args.chunk_size == defaults["chunk_size"]
    assert args.jobs is None and defaults["n_jobs"] is None  # one job per core (or cluster worker)
    assert args.scheduler is None and defaults["scheduler"] is None
