"""Every public argument of the training API refuses a hostile value by name, before any work.

``train``, ``make_lines``, ``LineDataset.split``, ``LineCNN``, ``WeightHistory``,
``Experiment``, ``SeedStudy`` and ``seed_study`` are called with each of a set
of values a caller or a file may hand them -- numbers beyond 64 bits, floats
for counts, booleans, NaN, strings, ``None``, containers, objects -- one
argument at a time. Each call either works or raises a ``TypeError`` or
``ValueError`` whose message names the argument and says what it got;
nothing else (``OverflowError``, ``AttributeError``, torch's "Overflow when
unpacking long long") may escape. The cases after it are those that did.
"""

from __future__ import annotations

import inspect
import re

import numpy as np
import pytest
import torch

from cnnexplain import LineCNN, make_lines, train
from cnnexplain.experiment import Experiment
from cnnexplain.history import WeightHistory
from cnnexplain.study import SeedStudy, seed_study
from cnnexplain.training import evaluate

#: 10**5000 has more digits than Python writes (4,300): a message that prints it fails itself.
HOSTILE = [
    10**30,
    10**5000,
    2**64,
    2**63,
    1e21,
    True,
    0,
    -1,
    float("nan"),
    float("inf"),
    "x",
    None,
    [1],
    object(),
    1.5,
]


@pytest.fixture(scope="module")
def data():
    return make_lines(n_per_class=6, size=20).split()


@pytest.fixture(scope="module")
def history(data):
    return train(LineCNN(image_size=20), data[0], val_set=data[1], epochs=1, progress=False)


@pytest.fixture(scope="module")
def study():
    return seed_study(
        [0, 1], ("adam", "sgd"), epochs=0, data={"n_per_class": 4, "size": 20}, n_jobs=1, cache_dir=False
    )


def calls(data, history, study) -> dict[str, tuple]:
    """Each public callable: a function of keyword arguments, the arguments that work, and those to try."""
    train_set, val_set = data
    run = Experiment.from_history(history)
    history_fields = {
        "params": {key: history[key] for key in history},
        "steps": history.steps,
        "metrics": history.metrics,
        "config": history.config,
    }
    run_fields = {
        "history": history,
        "train_set": run.train_set,
        "test_set": run.test_set,
        "config": run.config,
        "key": run.key,
    }
    study_fields = {
        "config": study.config,
        "conv1_weight": study.conv1_weight,
        "conv1_bias": study.conv1_bias,
        "metrics": study.metrics,
        "trained_with": study.trained_with,
        "final_state": study.final_state,
    }
    small_study = {
        "seeds": [0],
        "arms": ("adam",),
        "epochs": 0,
        "data": {"n_per_class": 4, "size": 20},
        "n_jobs": 1,
        "cache_dir": False,
    }

    def arguments(function, *skipped: str) -> list[str]:
        return [p for p in inspect.signature(function).parameters if p not in skipped]

    return {
        # progress=None, threads=None and val_set=None are valid choices of their own.
        "train": (
            train,
            {"model": LineCNN(image_size=20), "train_set": train_set, "epochs": 1, "progress": False},
            arguments(train, "progress"),
        ),
        "evaluate": (evaluate, {"model": LineCNN(image_size=20), "data": val_set}, arguments(evaluate)),
        "make_lines": (make_lines, {"n_per_class": 2, "size": 20}, arguments(make_lines)),
        "split": (train_set.split, {}, arguments(train_set.split)),
        "LineCNN": (LineCNN, {"image_size": 20}, arguments(LineCNN)),
        "WeightHistory": (WeightHistory, history_fields, list(history_fields)),
        "Experiment": (Experiment, run_fields, list(run_fields)),
        "SeedStudy": (SeedStudy, study_fields, list(study_fields)),
        # Where a study is cached, and the cluster it runs on, are tested in tests/test_study.py.
        "seed_study": (seed_study, small_study, arguments(seed_study, "cache_dir", "scheduler")),
    }


CALLABLES = [
    "train",
    "evaluate",
    "make_lines",
    "split",
    "LineCNN",
    "WeightHistory",
    "Experiment",
    "SeedStudy",
    "seed_study",
]


@pytest.mark.parametrize("name", CALLABLES)
def test_every_argument_refuses_hostile_values_by_name(name, data, history, study):
    call, good, arguments = calls(data, history, study)[name]
    unnamed = []
    for argument in arguments:
        for value in HOSTILE:
            try:
                call(**{**good, argument: value})
            except (TypeError, ValueError) as exc:
                message = str(exc)
                if not (re.search(rf"\b{re.escape(argument)}\b", message) and "got" in message):
                    unnamed.append(f"{argument}={value!r:.30}: {type(exc).__name__}: {message:.150}")
            except Exception as exc:  # any other error is what this test looks for
                unnamed.append(f"{argument}={value!r:.30}: {type(exc).__name__}: {exc!s:.150}")
    assert unnamed == [], "\n".join(unnamed)


# -- the cases that escaped -----------------------------------------------------------------------
@pytest.mark.parametrize("value", [10**30, 2**63])
def test_a_batch_size_beyond_64_bits_is_named(data, value):
    with pytest.raises(
        ValueError, match=rf"batch_size must be an integer in \[1, {2**63 - 1}\], got {value}"
    ):
        train(LineCNN(image_size=20), data[0], batch_size=value, epochs=1, progress=False)
    with pytest.raises(ValueError, match="batch_size must be an integer in"):
        evaluate(LineCNN(image_size=20), data[1], batch_size=value)


def test_the_largest_batch_size_and_seed_train(data):
    history = train(
        LineCNN(image_size=20, seed=2**64 - 1),
        data[0],
        batch_size=2**63 - 1,
        seed=2**64 - 1,
        epochs=1,
        progress=False,
    )
    assert history.config["training"]["batches_per_epoch"] == 1


def test_a_seed_beyond_64_bits_is_named_before_anything_is_drawn(data):
    """torch's generators take 64 bits, and a history records 64-bit integers: a data set drawn
    with a larger seed trained, and then failed with config['dataset']['seed'] named instead."""
    expected = rf"seed must be an integer in \[0, {2**64 - 1}\], got {2**64}"
    with pytest.raises(ValueError, match=expected):
        train(LineCNN(image_size=20), data[0], seed=2**64, epochs=1, progress=False)
    with pytest.raises(ValueError, match=expected):
        LineCNN(image_size=20, seed=2**64)
    with pytest.raises(ValueError, match=expected):
        make_lines(n_per_class=2, size=20, seed=2**64)
    with pytest.raises(ValueError, match=expected):
        data[0].split(seed=2**64)


def test_a_device_index_beyond_64_bits_is_named(data):
    with pytest.raises(ValueError, match="device must name a torch device"):
        train(LineCNN(image_size=20), data[0], device=10**30, epochs=1, progress=False)


def test_weight_history_names_params_and_metrics(history):
    fields = {"params": {k: history[k] for k in history}, "steps": history.steps, "config": history.config}
    with pytest.raises(TypeError, match=r"params must be a dict of names to arrays, got None \(NoneType\)"):
        WeightHistory(**{**fields, "params": None}, metrics={})
    with pytest.raises(TypeError, match=r"metrics must be a dict of names to arrays, got \[1\] \(list\)"):
        WeightHistory(**fields, metrics=[1])
    with pytest.raises(
        TypeError, match=r"metrics\['loss'\] must be a sequence of real numbers, got 'x' \(str\)"
    ):
        WeightHistory(**fields, metrics={"loss": "x"})
    with pytest.raises(TypeError, match=r"metrics\['loss'\] must be a sequence of real numbers"):
        WeightHistory(**fields, metrics={"loss": [10**400]})


def test_experiment_names_a_field_of_the_wrong_type(history):
    run = Experiment.from_history(history)
    fields = {"history": history, "train_set": run.train_set, "test_set": run.test_set, "config": run.config}
    with pytest.raises(TypeError, match=r"history must be a WeightHistory, got None \(NoneType\)"):
        Experiment(**{**fields, "history": None}, key=run.key)
    with pytest.raises(TypeError, match=r"test_set must be a LineDataset, got 'x' \(str\)"):
        Experiment(**{**fields, "test_set": "x"}, key=run.key)
    with pytest.raises(TypeError, match=r"key must be a str \(see cache_key\), got 3 \(int\)"):
        Experiment(**fields, key=3)


def test_save_names_an_overwrite_that_is_not_a_bool(history, study, tmp_path):
    """``overwrite=None`` or ``"no"`` decided nothing the caller said (one kept, one replaced the file)."""
    for thing in (history, study):
        with pytest.raises(TypeError, match=r"overwrite must be True or False, got 'no' \(str\)"):
            thing.save(tmp_path / "x.safetensors", overwrite="no")
    assert not (tmp_path / "x.safetensors").exists()


def test_final_models_that_are_not_names_are_named():
    with pytest.raises(ValueError, match=r"final_models must be distinct arms of the study .*got \[\[1\]\]"):
        seed_study([0], ("adam",), final_models=[[1]], epochs=0, n_jobs=1, cache_dir=False)


def test_a_float_tensor_is_not_taken_for_a_seed():
    with pytest.raises(TypeError, match="seed must be an integer"):
        LineCNN(seed=torch.tensor(1.0))
    assert np.isfinite(LineCNN(seed=np.uint64(2**64 - 1)).conv1.weight.detach().numpy()).all()


def test_an_integer_too_long_to_print_is_described_by_its_size():
    """Python writes at most 4,300 digits: the message naming the argument failed with its own
    "Exceeds the limit" ValueError, and a float setting overflowed (OverflowError)."""
    with pytest.raises(
        ValueError, match=r"seed must be an integer in \[0, \d+\], got an integer of 16,610 bits"
    ):
        LineCNN(seed=10**5000)
    with pytest.raises(
        ValueError, match=r"noise must be a finite number, got an integer of 1,329 bits \(int\)"
    ):
        make_lines(noise=10**400)
    with pytest.raises(
        ValueError, match=r"thickness must be \(min, max\) .*got \(1, an integer of 16,610 bits\)"
    ):
        make_lines(thickness=(1, 10**5000))


def test_counts_of_the_intervals_are_bounded_and_named():
    """Counts beyond the floats overflowed in the interval's arithmetic (OverflowError); a count of
    resamples typed with zeros too many ran for hours."""
    from cnnexplain.analysis import seed_bootstrap
    from cnnexplain.analysis.known_edges import wilson_interval
    from cnnexplain.claims import share

    with pytest.raises(
        ValueError, match=r"n must be an integer in \[1, 9007199254740992\], got an integer of 1,329 bits"
    ):
        wilson_interval(0, 10**400)
    assert wilson_interval(2**53, 2**53)[1] == 1.0
    with pytest.raises(ValueError, match=r"n must be at most 2\*\*53 .*got one of 1,329 bits"):
        share("most runs pass", 1, 10**400, above=0.5)
    with pytest.raises(
        ValueError, match=r"resamples must be an integer in \[100, 1000000\], got 10000000000"
    ):
        seed_bootstrap(np.ones((10, 2)), resamples=10**10)


def test_from_history_refuses_weights_that_do_not_load_before_drawing_the_data(history, monkeypatch):
    """The data its settings describe can be gigabytes (make_lines allows 100,000 images of
    512x512 per class): a history whose model does not hold its weights was drawn them first."""
    import cnnexplain.experiment as experiment_module

    params = {key: history[key] for key in history}
    model = {**history.config["model"], "hidden": 64}
    edited = WeightHistory(params, history.steps, history.metrics, {**history.config, "model": model})

    def drawn(**settings):
        if settings["n_per_class"] != 1:  # resolve_config asks make_lines for one image per class
            raise AssertionError("the data were drawn")
        return make_lines(**settings)

    monkeypatch.setattr(experiment_module, "make_lines", drawn)
    with pytest.raises(
        ValueError, match=r"cannot rebuild the run it records: config\['model'\] describes 'fc1.bias'"
    ):
        Experiment.from_history(edited)
