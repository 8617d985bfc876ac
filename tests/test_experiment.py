"""Tests of cnnexplain.experiment: configurations, the cache, and runs rebuilt from histories."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

import cnnexplain
import cnnexplain.experiment as ex
from cnnexplain import LineCNN, make_lines, train
from cnnexplain.experiment import (
    Experiment,
    cache_key,
    default_cache_dir,
    default_seed,
    experiment,
    resolve_config,
)
from cnnexplain.history import WeightHistory

#: A run that takes a fraction of a second: 20x20 images, 16 to train and 4 to validate, one epoch.
TINY = {"data": {"n_per_class": 10, "size": 20}, "training": {"epochs": 1, "batch_size": 8}}


def cache_files(folder: Path) -> list[str]:
    """The histories in a cache folder (their digests, and the lock files that let processes take turns, aside)."""
    return sorted(p.name for p in folder.iterdir() if p.suffix == ".safetensors")


def by_hand(n_per_class=10, size=20, epochs=1, batch_size=8):
    """The steps of experiment(**TINY), written out as the README does."""
    train_set, val_set = make_lines(n_per_class=n_per_class, size=size).split()
    model = LineCNN(image_size=size)
    return train(model, train_set, val_set=val_set, epochs=epochs, batch_size=batch_size, progress=False)


@pytest.fixture
def counted_train(monkeypatch):
    """Count the trainings experiment() runs."""
    calls = []
    real = ex.train

    def counting(*args, **kwargs):
        calls.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(ex, "train", counting)
    return calls


def forbid_training(monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("experiment() trained again instead of using its cache")

    monkeypatch.setattr(ex, "train", fail)


def test_resolve_config_follows_the_data_and_normalizes_like_make_lines():
    config = resolve_config(data={"size": 30, "orientations": ("diagonal", "antidiagonal", "vertical")})
    assert config["model"]["image_size"] == 30 and config["model"]["n_classes"] == 3
    assert config["data"]["length"] == make_lines(1, 30, orientations=("diagonal",)).config["length"]
    assert json.loads(json.dumps(config)) == config
    # One run, two spellings: one configuration, one cache entry.
    assert resolve_config(data={"thickness": 2}) == resolve_config(data={"thickness": [2, 2]})


def test_resolve_config_rejects_unknown_settings_and_bad_sections():
    with pytest.raises(ValueError, match="training"):
        resolve_config(training={"epoch": 3})
    with pytest.raises(ValueError, match="data"):
        resolve_config(data={"n": 3})
    with pytest.raises(ValueError, match="model"):
        resolve_config(model={"image_size": 20})  # follows from the data
    with pytest.raises(TypeError, match="split"):
        resolve_config(split=[0.2])
    with pytest.raises(TypeError, match="orientations"):
        resolve_config(data={"orientations": "horizontal"})


def test_cache_key_changes_with_every_setting():
    base = resolve_config(**TINY)
    keys = {cache_key(base)}
    for section, name, value in [
        ("data", "seed", 1),
        ("data", "noise", 0.1),
        ("split", "test_fraction", 0.3),
        ("model", "n_kernels", 4),
        ("model", "seed", 2),
        ("training", "epochs", 2),
        ("training", "lr", 0.01),
        ("training", "record", "batch"),
    ]:
        changed = json.loads(json.dumps(base))
        changed[section][name] = value
        keys.add(cache_key(changed))
    assert len(keys) == 9
    # Spelling a default out does not change the key.
    assert cache_key(
        resolve_config(data={**TINY["data"], "seed": 0}, training=TINY["training"])
    ) == cache_key(base)


def test_cache_key_follows_the_training_code_and_nothing_else(tmp_path):
    # A copy of the package: a comment added to the training loop must give a
    # new key; one added to the figures (viz), which train nothing, must not.
    package = tmp_path / "cnnexplain"
    shutil.copytree(Path(cnnexplain.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    script = (
        "from pathlib import Path\n"
        "from cnnexplain.experiment import cache_key, resolve_config\n"
        "config = resolve_config()\n"
        "keys = [cache_key(config)]\n"
        "for name in ('viz/_style.py', 'training.py'):\n"
        "    path = Path('cnnexplain') / name\n"
        "    path.write_text(path.read_text() + '\\n# a comment\\n')\n"
        "    keys.append(cache_key(config))\n"
        "print(keys[0] == keys[1], keys[1] != keys[2])\n"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "True"]


def _package_imports(path: Path) -> set[str]:
    """The package modules that one module imports, as paths relative to the package."""
    import ast

    package = Path(cnnexplain.__file__).parent
    here = path.parent.relative_to(package).parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.ImportFrom) or node.level == 0:
            continue
        base = here[: len(here) - (node.level - 1)] if node.level > 1 else here
        parts = [*base, *(node.module.split(".") if node.module else [])]
        names = [alias.name for alias in node.names] if not node.module else [None]
        for name in names:
            full = [*parts, name] if name else parts
            for candidate in ("/".join(full) + ".py", "/".join([*full, "__init__.py"])):
                if (package / candidate).is_file():
                    found.add(candidate)
    return found


def test_the_training_sources_hold_every_module_they_import():
    # A module the training code imports can change a trained weight: it must
    # be part of the cache key, or a change to it would serve stale runs.
    package = Path(cnnexplain.__file__).parent
    listed = set(ex.TRAINING_SOURCES)
    missing = {
        f"{name} imports {imported}"
        for name in listed
        for imported in _package_imports(package / name)
        if imported not in listed
    }
    assert not missing


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNEXPLAIN_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.delenv("CNNEXPLAIN_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "cnnexplain"


def test_experiment_is_the_readme_code():
    run = experiment(**TINY, cache_dir=False)
    assert run.history == by_hand()


def test_cache_hit_returns_the_same_run_without_training(tmp_path, monkeypatch, counted_train):
    first = experiment(**TINY, cache_dir=tmp_path)
    assert isinstance(first, Experiment) and len(counted_train) == 1
    path = tmp_path / f"history-{first.key}.safetensors"
    assert cache_files(tmp_path) == [path.name]
    assert WeightHistory.load(path) == first.history
    forbid_training(monkeypatch)
    second = experiment(**TINY, cache_dir=tmp_path)
    assert second.history == first.history and second.key == first.key
    assert second.config == first.config
    assert torch.equal(second.test_set.images, first.test_set.images)
    assert [len(second.train_set), len(second.test_set)] == [16, 4]


def test_a_new_configuration_trains_again(tmp_path, counted_train):
    a = experiment(**TINY, cache_dir=tmp_path)
    b = experiment(data=TINY["data"], training={**TINY["training"], "seed": 1}, cache_dir=tmp_path)
    assert len(counted_train) == 2 and a.key != b.key
    assert len(cache_files(tmp_path)) == 2


def test_cache_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNEXPLAIN_CACHE", str(tmp_path / "env"))
    run = experiment(**TINY)
    assert (tmp_path / "env" / f"history-{run.key}.safetensors").is_file()
    forbid_training(monkeypatch)
    assert experiment(**TINY, cache_dir=True).history == run.history


def test_no_cache(tmp_path, monkeypatch, counted_train):
    monkeypatch.setenv("CNNEXPLAIN_CACHE", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    a = experiment(**TINY, cache_dir=False)
    b = experiment(**TINY, cache_dir=False)
    assert len(counted_train) == 2
    assert a.history == b.history  # deterministic anyway
    assert cache_files(tmp_path) == []


@pytest.mark.parametrize("damage", [b"", b"not a history", "truncate", "other-run"])
def test_a_damaged_cache_file_is_replaced(tmp_path, counted_train, damage):
    run = experiment(**TINY, cache_dir=tmp_path)
    path = tmp_path / f"history-{run.key}.safetensors"
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "other-run":  # a valid history, but of another run
        experiment(data=TINY["data"], training={"epochs": 0}, cache_dir=False).history.save(
            path, overwrite=True
        )
    else:
        path.write_bytes(damage)
    with pytest.warns(RuntimeWarning, match=f"the cache entry {re.escape(str(path))} cannot be trusted"):
        again = experiment(**TINY, cache_dir=tmp_path)
    assert len(counted_train) == 2 + (damage == "other-run")
    assert again.history == run.history
    assert WeightHistory.load(path) == run.history  # replaced by a good file
    assert cache_files(tmp_path) == [path.name]


def edited_history(history: WeightHistory, edit: str) -> WeightHistory:
    """``history`` edited as someone could edit a cache entry by hand."""
    params = {key: np.array(history[key]) for key in history}
    metrics = {name: np.array(values) for name, values in history.metrics.items()}
    if edit == "NaN weights":
        params["conv1.weight"][:] = np.nan
    else:  # a network that cannot work, recorded as perfect
        params["fc2.weight"][:] = params["fc2.bias"][:] = 0
        metrics["val_accuracy"][:] = 1.0
    return WeightHistory(params, history.steps, metrics, history.config)


@pytest.mark.parametrize("edit", ["NaN weights", "val_accuracy 1 with fc2 zeroed"])
def test_an_edited_cache_entry_is_trained_again_with_a_warning(tmp_path, counted_train, edit):
    run = experiment(**TINY, cache_dir=tmp_path)
    path = tmp_path / f"history-{run.key}.safetensors"
    edited_history(run.history, edit).save(path, overwrite=True)  # a valid history file, not the one stored
    with pytest.warns(RuntimeWarning, match="its bytes do not have the digest recorded for them"):
        again = experiment(**TINY, cache_dir=tmp_path)
    assert len(counted_train) == 2
    assert again.history == run.history
    assert WeightHistory.load(path) == run.history  # replaced, with its digest
    digest = (tmp_path / f"{path.name}.sha256").read_text()
    assert digest == f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"


def test_an_entry_without_its_digest_is_not_trusted(tmp_path, counted_train):
    run = experiment(**TINY, cache_dir=tmp_path)
    (tmp_path / f"history-{run.key}.safetensors.sha256").unlink()
    with pytest.warns(RuntimeWarning, match="it has no readable digest"):
        assert experiment(**TINY, cache_dir=tmp_path).history == run.history
    assert len(counted_train) == 2


def test_a_cache_that_cannot_be_locked_serves_what_it_holds_without_the_lock(tmp_path, monkeypatch):
    """A shared cache the process cannot write: the lock file cannot be made (here a folder holds its
    name, which fails for root too). A valid entry is read; another run is trained, not stored."""
    run = experiment(**TINY, cache_dir=tmp_path)
    for lock in tmp_path.glob("*.lock"):
        lock.unlink()
    (tmp_path / f"history-{run.key}.safetensors.lock").mkdir()
    real_train = ex.train
    forbid_training(monkeypatch)
    assert experiment(**TINY, cache_dir=tmp_path).history == run.history
    monkeypatch.setattr(ex, "train", real_train)
    other = {**TINY, "training": {**TINY["training"], "seed": 5}}
    key = cache_key(resolve_config(other["data"], {"seed": 0}, other["training"]))
    (tmp_path / f"history-{key}.safetensors.lock").mkdir()
    with pytest.warns(
        RuntimeWarning, match="cannot lock the cache entry .* training the run without storing it"
    ):
        assert experiment(**other, cache_dir=tmp_path).key == key
    assert cache_files(tmp_path) == [f"history-{run.key}.safetensors"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root writes read-only folders")
def test_a_read_only_cache_serves_what_it_holds(tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    run = experiment(**TINY, cache_dir=cache)
    for lock in cache.glob("*.lock"):
        lock.unlink()
    cache.chmod(0o555)
    try:
        forbid_training(monkeypatch)
        assert experiment(**TINY, cache_dir=cache).history == run.history
    finally:
        cache.chmod(0o755)


def test_a_folder_in_place_of_a_cache_entry_is_an_error_before_training(tmp_path, monkeypatch):
    run = experiment(**TINY, cache_dir=False)
    entry = tmp_path / f"history-{run.key}.safetensors"
    entry.mkdir()
    forbid_training(monkeypatch)
    with pytest.raises(ValueError, match=f"cache_dir: the cache entry {re.escape(str(entry))} is a folder"):
        experiment(**TINY, cache_dir=tmp_path)
    with pytest.raises(ValueError, match="is a folder"):
        run.store(tmp_path)


def test_an_interrupted_run_is_not_cached(tmp_path, monkeypatch):
    def interrupt(self, *args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(torch.optim.Adam, "step", interrupt)
    with pytest.warns(RuntimeWarning, match="interrupted"):
        run = experiment(**TINY, cache_dir=tmp_path)
    assert not run.history.completed
    assert cache_files(tmp_path) == []


def test_a_run_trained_by_hand_and_stored_is_what_experiment_returns(tmp_path, monkeypatch):
    train_set, val_set = make_lines(n_per_class=10, size=20).split()
    history = train(LineCNN(image_size=20), train_set, val_set=val_set, epochs=1)
    path = Experiment.from_history(history).store(tmp_path)
    assert path.is_file()

    def no_training(*args, **kwargs):
        raise AssertionError("experiment() trained although the run was stored")

    monkeypatch.setattr("cnnexplain.experiment.train", no_training)
    run = experiment(data={"n_per_class": 10, "size": 20}, training={"epochs": 1}, cache_dir=tmp_path)
    assert run.history == history
    assert Experiment.from_history(history).store(False) is None


def test_an_interrupted_run_is_not_stored(tmp_path, monkeypatch):
    def interrupt(self, *args, **kwargs):
        raise KeyboardInterrupt

    train_set, val_set = make_lines(n_per_class=10, size=20).split()
    monkeypatch.setattr(torch.optim.Adam, "step", interrupt)
    with pytest.warns(RuntimeWarning, match="interrupted"):
        history = train(LineCNN(image_size=20), train_set, val_set=val_set, epochs=2)
    with pytest.raises(ValueError, match="interrupted"):
        Experiment.from_history(history).store(tmp_path)
    assert cache_files(tmp_path) == []


def test_experiment_model_and_data():
    run = experiment(**TINY, cache_dir=False)
    model = run.model
    assert isinstance(model, LineCNN) and not model.training
    assert model.image_size == 20
    for key, value in model.state_dict().items():
        assert (value.numpy() == run.history[key][-1]).all()
    data = run.data
    assert len(data) == 20 and data.config["n_per_class"] == 10
    assert run.history.config["training"]["n_val"] == len(run.test_set) == 4


def test_diagonal_experiment_with_default_length():
    run = experiment(
        data={"n_per_class": 6, "size": 20, "orientations": ["diagonal", "antidiagonal"]},
        training={"epochs": 0},
        cache_dir=False,
    )
    assert run.config["data"]["length"] == [10, 18]
    assert run.train_set.classes == ("diagonal", "antidiagonal")


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"cache_dir": 3}, TypeError, "cache_dir"),
        ({"data": {"n_per_class": 0}}, ValueError, "n_per_class"),
        ({"data": {"size": "big"}}, TypeError, "size"),
        ({"data": {"orientations": "horizontal"}}, TypeError, "orientations"),
        ({"training": {"record": "never"}}, ValueError, "record"),
        ({"training": {"epochs": -1}}, ValueError, "epochs"),
        ({"model": {"dropout": 2.0}}, ValueError, "dropout"),
        ({"split": {"test_fraction": 1.0}}, ValueError, "test_fraction"),
        ({"model": "LineCNN"}, TypeError, "model"),
    ],
)
def test_experiment_rejects_bad_settings(tmp_path, kwargs, error, name):
    args = {"data": {"n_per_class": 4, "size": 20}, "training": {"epochs": 0}, "cache_dir": tmp_path}
    for section, value in kwargs.items():
        args[section] = {**args[section], **value} if isinstance(value, dict) and section in args else value
    with pytest.raises(error, match=name):
        experiment(**args)


# -- Experiment.from_history -------------------------------------------------------------


def test_from_history_rebuilds_a_run_trained_by_hand(tmp_path):
    history = by_hand(n_per_class=12, epochs=2)
    path = history.save(tmp_path / "run.safetensors")
    run = Experiment.from_history(WeightHistory.load(path))
    expected = experiment(
        data={"n_per_class": 12, "size": 20}, training={"epochs": 2, "batch_size": 8}, cache_dir=False
    )
    assert run.config == expected.config and run.key == expected.key
    assert run.history == expected.history == history
    train_set, test_set = make_lines(n_per_class=12, size=20).split()
    assert torch.equal(run.train_set.images, train_set.images) and torch.equal(
        run.test_set.labels, test_set.labels
    )
    assert torch.equal(run.model.conv1.weight, torch.tensor(history["conv1.weight"][-1]))


def with_config(history: WeightHistory, **changes) -> WeightHistory:
    """The same history with some sections of its config replaced."""
    return WeightHistory(
        {k: history[k] for k in history}, history.steps, history.metrics, {**history.config, **changes}
    )


@pytest.fixture(scope="module")
def tiny_history():
    return by_hand()


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ("whole data set", "training part"),
        ("tensors", "training part"),
        ("another model", "LineCNN"),
        ("data settings missing", "data settings ['noise']"),
        ("other data settings", "trained on 16 images"),
        ("bad data settings", "n_per_class"),
        ("images of another size", "its model was recorded with image_size=20, its data settings give 30"),
    ],
)
def test_from_history_refuses_a_history_it_cannot_rebuild(tiny_history, case, message):
    dataset = tiny_history.config["dataset"]
    if case == "whole data set":
        data = make_lines(n_per_class=5, size=20)
        history = train(LineCNN(image_size=20), data, epochs=0, progress=False)
    elif case == "tensors":
        data = make_lines(n_per_class=5, size=20).split()[0]
        history = train(LineCNN(image_size=20), (data.images, data.labels), epochs=0, progress=False)
    elif case == "another model":
        history = with_config(tiny_history, model={**tiny_history.config["model"], "class": "MyCNN"})
    elif case == "data settings missing":
        history = with_config(tiny_history, dataset={k: v for k, v in dataset.items() if k != "noise"})
    elif case == "other data settings":
        history = with_config(tiny_history, dataset={**dataset, "n_per_class": 11})
    elif case == "images of another size":  # the forward pass would fail: 30x30 images, a model for 20x20
        history = with_config(tiny_history, dataset={**dataset, "size": 30})
    else:
        history = with_config(tiny_history, dataset={**dataset, "n_per_class": -1})
    with pytest.raises(ValueError, match=re.escape(message)):
        Experiment.from_history(history)


@pytest.mark.parametrize(
    ("dataset", "where"),
    [
        ([1, 2], "config['dataset'] must be a dict of settings, got [1, 2] (list)"),
        ("lines", "config['dataset'] must be a dict of settings, got 'lines' (str)"),
        ({"split": 0.2}, "config['dataset']['split'] must be a dict of settings, got 0.2 (float)"),
    ],
)
def test_from_history_refuses_settings_of_the_wrong_type(tiny_history, dataset, where):
    """A history from anywhere: sections of the wrong JSON type are refused as documented, naming them."""
    with pytest.raises(
        ValueError, match=re.escape(f"history: cannot rebuild the run it records: its {where}")
    ):
        Experiment.from_history(with_config(tiny_history, dataset=dataset))


def test_from_history_refuses_data_larger_than_its_limit_before_drawing(tiny_history, monkeypatch):
    """A few bytes of settings can describe gigabytes: the size is checked before any image is drawn."""
    dataset = tiny_history.config["dataset"]
    # 100,000 images per class of 512x512 pixels: 52 billion pixels, 210 GB as float32.
    model = {**tiny_history.config["model"], "image_size": 512}
    huge = with_config(tiny_history, dataset={**dataset, "n_per_class": 100_000, "size": 512}, model=model)
    drawn = []

    def make_lines_watched(**settings):
        drawn.append(settings["n_per_class"])
        return make_lines(**settings)

    monkeypatch.setattr("cnnexplain.experiment.make_lines", make_lines_watched)
    with pytest.raises(ValueError, match=r"config\['dataset'\] describes 200,000 images of 512x512 pixels"):
        Experiment.from_history(huge)
    assert drawn == [1]  # only resolve_config's one image per class, which asks make_lines for its record


def test_from_history_limit_can_be_raised_and_lowered(tiny_history):
    pixels = 2 * tiny_history.config["dataset"]["n_per_class"] * tiny_history.config["dataset"]["size"] ** 2
    assert len(Experiment.from_history(tiny_history, max_data_pixels=pixels).train_set) > 0
    with pytest.raises(ValueError, match=f"more than the {pixels - 1:,} max_data_pixels allows"):
        Experiment.from_history(tiny_history, max_data_pixels=pixels - 1)


@pytest.mark.parametrize(("limit", "error"), [(0, ValueError), (2.5, TypeError), (True, TypeError)])
def test_from_history_checks_its_limit(tiny_history, limit, error):
    with pytest.raises(error, match="max_data_pixels must be an integer"):
        Experiment.from_history(tiny_history, max_data_pixels=limit)


def test_from_history_wants_a_history():
    with pytest.raises(TypeError, match="history must be a WeightHistory"):
        Experiment.from_history({"conv1.weight": None})


def test_cnnexplain_seed_sets_the_default_seeds_of_model_and_training(monkeypatch):
    monkeypatch.setenv("CNNEXPLAIN_SEED", "3")
    assert default_seed() == 3
    run = experiment(data={"n_per_class": 8, "size": 20}, training={"epochs": 0}, cache_dir=False)
    assert run.config["model"]["seed"] == 3 and run.config["training"]["seed"] == 3
    assert run.config["data"]["seed"] == 0  # the data set, the task, stays the same
    given = experiment(
        data={"n_per_class": 8, "size": 20}, model={"seed": 1}, training={"epochs": 0}, cache_dir=False
    )
    assert given.config["model"]["seed"] == 1 and given.config["training"]["seed"] == 3


@pytest.mark.parametrize("text", ["-1", "one", "1.5", "\u00b2", str(2**63)])  # "²" is a digit to str.isdigit
def test_cnnexplain_seed_must_be_a_non_negative_integer(monkeypatch, text):
    monkeypatch.setenv("CNNEXPLAIN_SEED", text)
    with pytest.raises(ValueError, match="CNNEXPLAIN_SEED"):
        experiment(data={"n_per_class": 8, "size": 20}, training={"epochs": 0}, cache_dir=False)


TRAIN_SLOWLY_AND_LOG = """
import sys, time
import cnnexplain.experiment as ex
train_run = ex._train_run
def logged(*args, **kwargs):
    with open(sys.argv[2], "a") as log:
        log.write("trained\\n")
    time.sleep(3)  # hold the lock long enough for the other process to arrive
    return train_run(*args, **kwargs)
ex._train_run = logged
ex.experiment(data={"n_per_class": 10, "size": 20}, training={"epochs": 1, "batch_size": 8}, cache_dir=sys.argv[1])
"""


@pytest.mark.slow
def test_processes_sharing_the_cache_train_a_run_once(tmp_path):
    log = tmp_path / "log.txt"
    cache = tmp_path / "cache"
    command = [sys.executable, "-c", TRAIN_SLOWLY_AND_LOG, str(cache), str(log)]
    processes = [subprocess.Popen(command) for _ in range(2)]
    assert [p.wait(timeout=120) for p in processes] == [0, 0]
    assert log.read_text().splitlines() == ["trained"]
    assert len(cache_files(cache)) == 1


def test_an_sgd_run_is_cached_and_rebuilt_from_its_history(tmp_path, counted_train):
    settings = {
        "data": {"n_per_class": 10, "size": 20},
        "training": {"epochs": 1, "optimizer": "sgd", "lr": 0.05},
    }
    run = experiment(**settings, cache_dir=tmp_path)
    assert (
        run.config["training"]["optimizer"] == "sgd" and run.history.config["training"]["optimizer"] == "SGD"
    )
    rebuilt = Experiment.from_history(run.history)
    assert rebuilt.config == run.config and rebuilt.key == run.key
    assert experiment(**settings, cache_dir=tmp_path).history == run.history
    assert len(counted_train) == 1  # the second call read the cache
    assert (
        run.key != experiment(data=settings["data"], training={"epochs": 1, "lr": 0.05}, cache_dir=False).key
    )


def test_an_unknown_optimizer_is_refused_by_name():
    with pytest.raises(ValueError, match="optimizer"):
        experiment(
            data={"n_per_class": 4, "size": 20}, training={"epochs": 0, "optimizer": "SGD"}, cache_dir=False
        )


def test_a_run_saved_to_the_default_cache_says_where(monkeypatch, tmp_path, capsys):
    # A reader who runs a downloaded example never chose the cache folder: the library names it.
    monkeypatch.delenv("CNNEXPLAIN_CACHE", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    experiment(data={"n_per_class": 8, "size": 16}, training={"epochs": 1})
    message = capsys.readouterr().err
    assert "cnnexplain: saved the trained run in the cache:" in message
    assert str(tmp_path / ".cache" / "cnnexplain") in message


def test_a_run_saved_to_a_chosen_cache_is_saved_quietly(monkeypatch, tmp_path, capsys):
    # The site's build names its folder (CNNEXPLAIN_CACHE); a path printed there would land on its pages.
    monkeypatch.setenv("CNNEXPLAIN_CACHE", str(tmp_path))
    experiment(data={"n_per_class": 8, "size": 16}, training={"epochs": 1})
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("seed", [0, 3])
def test_a_runs_start_is_linecnn_of_its_seed(seed):
    # The error-signal page measures a hundred starts as LineCNN(seed=s) without training
    # them: the run experiment() makes for seed s starts from exactly that network.
    run = experiment(
        data={"n_per_class": 4},
        model={"seed": seed},
        training={"seed": seed, "epochs": 0},
        cache_dir=False,
    )
    start = run.history.model_at(0).state_dict()
    expected = LineCNN(seed=seed).state_dict()
    assert start.keys() == expected.keys()
    for key, value in expected.items():
        assert torch.equal(start[key], value), key
