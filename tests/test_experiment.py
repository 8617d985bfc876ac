"""Tests of cnnexplain.experiment: configurations, cache keys and the cache."""

from __future__ import annotations

import json

import pytest

import cnnexplain.experiment as ex
from cnnexplain import LineCNN, make_lines
from cnnexplain.experiment import Experiment, cache_key, default_cache_dir, experiment, resolve_config
from cnnexplain.history import WeightHistory

#: A run that takes a fraction of a second.
TINY = {"data": {"n_per_class": 10, "size": 20}, "training": {"epochs": 1, "batch_size": 8}}


@pytest.fixture
def counted_train(monkeypatch):
    """Count the calls of the train() that experiment() uses."""
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


def test_resolve_config_fills_every_default():
    config = resolve_config()
    assert set(config) == {"data", "split", "model", "training"}
    assert config["data"] == {
        "n_per_class": 600,
        "size": 50,
        "thickness": [1, 3],
        "length": [25, 50],
        "noise": 0.0,
        "orientations": ["horizontal", "vertical"],
        "seed": 0,
    }
    assert config["split"] == {"test_fraction": 0.2, "seed": 0}
    assert config["model"]["image_size"] == 50 and config["model"]["n_classes"] == 2
    assert config["model"]["n_kernels"] == 8 and config["model"]["kernel_size"] == 7
    assert config["training"] == {"epochs": 20, "batch_size": 32, "lr": 1e-3, "seed": 0, "record": "epoch"}
    assert json.loads(json.dumps(config)) == config
    # The model follows the data; the default length matches make_lines'.
    config = resolve_config(data={"size": 30, "orientations": ("diagonal", "antidiagonal", "vertical")})
    assert config["model"]["image_size"] == 30 and config["model"]["n_classes"] == 3
    assert config["data"]["length"] == list(make_lines(1, 30, orientations=("diagonal",)).config["length"])


def test_resolve_config_rejects_unknown_settings():
    with pytest.raises(ValueError, match="training"):
        resolve_config(training={"epoch": 3})
    with pytest.raises(ValueError, match="data"):
        resolve_config(data={"n": 3})
    with pytest.raises(ValueError, match="model"):
        resolve_config(model={"image_size": 20})  # follows from the data
    with pytest.raises(TypeError, match="split"):
        resolve_config(split=[0.2])


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
    assert cache_key(resolve_config(**TINY)) == cache_key(base)  # stable
    # Spelling a default out does not change the key.
    assert cache_key(
        resolve_config(data={**TINY["data"], "seed": 0}, training=TINY["training"])
    ) == cache_key(base)


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("CNNEXPLAIN_CACHE", str(tmp_path))
    assert default_cache_dir() == tmp_path
    monkeypatch.delenv("CNNEXPLAIN_CACHE")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_dir() == tmp_path / "home" / ".cache" / "cnnexplain"


def test_cache_hit_returns_the_same_history_without_training(tmp_path, monkeypatch, counted_train):
    first = experiment(**TINY, cache_dir=tmp_path)
    assert isinstance(first, Experiment) and len(counted_train) == 1
    path = tmp_path / f"history-{first.key}.npz"
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]
    assert WeightHistory.load(path) == first.history
    assert first.history.config["experiment"] == first.config
    forbid_training(monkeypatch)
    second = experiment(**TINY, cache_dir=tmp_path)
    assert second.history == first.history and second.key == first.key
    assert second.config == first.config
    assert [len(second.train_set), len(second.test_set)] == [16, 4]


def test_a_new_configuration_trains_again(tmp_path, counted_train):
    a = experiment(**TINY, cache_dir=tmp_path)
    b = experiment(data=TINY["data"], training={**TINY["training"], "seed": 1}, cache_dir=tmp_path)
    assert len(counted_train) == 2 and a.key != b.key
    assert len(list(tmp_path.iterdir())) == 2


def test_cache_dir_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("CNNEXPLAIN_CACHE", str(tmp_path / "env"))
    run = experiment(**TINY)
    assert (tmp_path / "env" / f"history-{run.key}.npz").is_file()
    forbid_training(monkeypatch)
    assert experiment(**TINY, cache_dir=True).history == run.history


def test_no_cache(tmp_path, monkeypatch, counted_train):
    monkeypatch.setenv("CNNEXPLAIN_CACHE", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    a = experiment(**TINY, cache_dir=False)
    b = experiment(**TINY, cache_dir=False)
    assert len(counted_train) == 2
    assert a.history == b.history  # deterministic anyway
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("damage", [b"", b"not a zip", "truncate", "other-config"])
def test_a_damaged_cache_file_is_replaced(tmp_path, counted_train, damage):
    run = experiment(**TINY, cache_dir=tmp_path)
    path = tmp_path / f"history-{run.key}.npz"
    if damage == "truncate":
        path.write_bytes(path.read_bytes()[:200])
    elif damage == "other-config":  # a valid history, but of another run
        other = experiment(data=TINY["data"], training={"epochs": 0}, cache_dir=False)
        other.history.save(path, overwrite=True)
    else:
        path.write_bytes(damage)
    again = experiment(**TINY, cache_dir=tmp_path)
    assert len(counted_train) == 2 + (damage == "other-config")
    assert again.history == run.history
    assert WeightHistory.load(path) == run.history  # replaced by a good file
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


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
