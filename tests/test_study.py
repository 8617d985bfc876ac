"""Tests of cnnexplain.study: every member is train()'s run, whatever the chunks and wherever they run.

The measured tolerance between a member of the batched ensemble and the run of
:func:`~cnnexplain.training.train` with its settings is zero: every conv1
snapshot and every metric is equal bit for bit (``np.array_equal``), on the
default 50x50 images as on the small ones, for every arm. So is a member
trained in chunks of other sizes, with other chunk-mates, in other processes
or on a Dask cluster.
"""

from __future__ import annotations

import itertools
import json
import tempfile
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy
import torch
import torch.nn.functional as F
from hypothesis import given, settings
from hypothesis import strategies as st

import cnnexplain.study as study_module
import cnnexplain.study.ensemble as ensemble_module
from cnnexplain import LineCNN, make_lines, train
from cnnexplain.history import WeightHistory
from cnnexplain.study import ARMS, METRICS, SeedStudy, seed_study, shuffled_labels, study_config
from cnnexplain.study.ensemble import DATA_OF_ARM, TWIN_SEEDS
from cnnexplain.surrogates import gaussian_twin, whitened
from cnnexplain.training import evaluate

#: Small studies: 20 training images of 20x20 (batches of 8, 8 and 4: a short last batch), 4 to test.
SMALL = {"data": {"n_per_class": 12, "size": 20}, "batch_size": 8, "epochs": 2, "cache_dir": False}
SEEDS = [0, 3, 7]


def small_study(seeds=SEEDS, arms=ARMS, **kwargs) -> SeedStudy:
    return seed_study(seeds, arms, **{**SMALL, "n_jobs": 1, **kwargs})


@pytest.fixture(scope="module")
def study() -> SeedStudy:
    """Three seeds in every arm, one chunk, in this process."""
    return small_study(chunk_size=3)


def assert_member_is_the_history(study: SeedStudy, seed: int, arm: str, history: WeightHistory) -> None:
    """The member's conv1 snapshots and metrics are the history's, bit for bit."""
    s, a = list(study.seeds).index(seed), study.arm(arm)
    assert history.completed
    assert np.array_equal(history["conv1.weight"], study.conv1_weight[s, a]), (seed, arm)
    assert np.array_equal(history["conv1.bias"], study.conv1_bias[s, a]), (seed, arm)
    for name in METRICS:
        assert np.array_equal(history.metrics[name], study.metrics[name][s, a]), (seed, arm, name)
    if arm in study.config["final_models"]:  # the whole trained network too
        kept = study.model(seed, arm).state_dict()
        for name, value in history.state_dict_at(-1).items():
            assert torch.equal(kept[name], value), (seed, arm, name)


def same_member(one: SeedStudy, other: SeedStudy, seed: int, arm: str) -> bool:
    i, j = list(one.seeds).index(seed), list(other.seeds).index(seed)
    a, b = one.arm(arm), other.arm(arm)
    return (
        np.array_equal(one.conv1_weight[i, a], other.conv1_weight[j, b])
        and np.array_equal(one.conv1_bias[i, a], other.conv1_bias[j, b])
        and all(np.array_equal(one.metrics[n][i, a], other.metrics[n][j, b]) for n in METRICS)
    )


# -- every member is train()'s run ---------------------------------------------------------
def test_every_member_is_the_run_of_train_bit_for_bit(study):
    for seed in SEEDS:
        for arm in ARMS:
            assert_member_is_the_history(study, seed, arm, study.retrain(seed, arm))


def test_only_the_final_models_asked_for_are_kept():
    study = small_study([1], ("shuffled", "sgd"), final_models=["sgd", "shuffled"], epochs=1)
    assert study.config["final_models"] == ["shuffled", "sgd"]  # in the order of the arms
    assert study.final_state["fc1.weight"].shape[:2] == (1, 2)
    assert_member_is_the_history(study, 1, "sgd", study.retrain(1, "sgd"))
    assert small_study([1], ("shuffled",), epochs=1).config["final_models"] == []  # no Adam arm
    with pytest.raises(ValueError, match="arm must be one of"):
        small_study([1], ("adam", "sgd"), epochs=1).model(1, "sgd")  # its final model was not kept
    with pytest.raises(ValueError, match="final_models must be distinct arms of the study"):
        small_study([1], ("adam",), final_models=["sgd"])


def test_retrain_is_train_called_with_the_members_settings(study):
    """What retrain() runs, written out: the same seed for the model, the batches and dropout."""
    train_set, test_set = make_lines(n_per_class=12, size=20).split()
    labels = shuffled_labels(train_set.labels, 3)
    settings = {"epochs": 2, "batch_size": 8, "seed": 3, "val_set": test_set, "progress": False}
    runs = {
        "adam": train(LineCNN(image_size=20, seed=3), train_set, lr=1e-3, **settings),
        "shuffled": train(LineCNN(image_size=20, seed=3), (train_set.images, labels), lr=1e-3, **settings),
        "sgd": train(LineCNN(image_size=20, seed=3), train_set, optimizer="sgd", lr=0.1, **settings),
    }
    for arm, history in runs.items():
        assert_member_is_the_history(study, 3, arm, history)


@pytest.mark.slow
def test_members_are_train_runs_on_the_default_images_too():
    """The default data and model, as the real study trains them, for one epoch."""
    real = seed_study([0, 2], epochs=1, n_jobs=1, cache_dir=False)
    assert real.conv1_weight.shape == (2, len(ARMS), 2, 8, 1, 7, 7)
    for seed in (0, 2):
        for arm in ARMS:
            assert_member_is_the_history(real, seed, arm, real.retrain(seed, arm))


# -- chunks, processes, clusters ---------------------------------------------------------------
@pytest.mark.parametrize("chunk_size", [1, 2])
def test_the_chunk_size_does_not_change_a_bit(study, chunk_size):
    assert small_study(chunk_size=chunk_size) == study


def test_a_member_does_not_depend_on_its_chunk_mates(study):
    reordered = small_study([7, 0], chunk_size=2)  # other mates, other places in the stacked tensors
    alone = small_study([3], ("sgd",))  # a chunk of one member
    for seed in (7, 0):
        for arm in ARMS:
            assert same_member(reordered, study, seed, arm)
    assert same_member(alone, study, 3, "sgd")


@pytest.mark.slow
def test_chunks_in_local_processes_give_the_same_study(study):
    assert small_study(chunk_size=1, n_jobs=2) == study


@pytest.mark.slow
def test_a_dask_cluster_gives_the_same_numbers_as_a_local_run():
    distributed = pytest.importorskip("distributed")
    settings = {**SMALL, "epochs": 1}
    local = seed_study(range(4), chunk_size=4, n_jobs=1, **settings)
    # Free ports (the scheduler's and the workers'), no dashboard: no clash with other test runs.
    with (
        distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None, scheduler_port=0
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        on_client = seed_study(range(4), chunk_size=1, scheduler=client, **settings)
        on_address = seed_study(range(4), chunk_size=3, scheduler=cluster.scheduler_address, **settings)
    assert on_client == local
    assert on_address == local


def test_a_worker_with_other_code_is_refused(monkeypatch):
    monkeypatch.setattr(ensemble_module, "_code_digest", lambda: "0" * 64)
    with pytest.raises(RuntimeError, match="a worker trained with other code"):
        small_study([0], ("adam",), epochs=0)


def test_the_ensemble_refuses_to_run_a_forward_pass_that_is_not_the_models(monkeypatch):
    def average_pooled(images, weight, bias):
        return F.relu(F.avg_pool2d(F.conv2d(images, weight, bias), 2))

    monkeypatch.setattr(ensemble_module, "_block", average_pooled)
    with pytest.raises(RuntimeError, match="no longer gives LineCNN's logits"):
        small_study([0], ("adam",), epochs=0)


# -- the twins -------------------------------------------------------------------------------
def test_the_arms_of_a_seed_start_from_its_model(study):
    swapped = study.arm("swapped")
    for s, seed in enumerate(SEEDS):
        model = LineCNN(image_size=20, seed=seed)
        weight, bias = model.conv1.weight.detach().numpy(), model.conv1.bias.detach().numpy()
        for a, arm in enumerate(ARMS):
            # The swapped arm's kernel k starts where the others' kernel k + 1 does.
            shift = -1 if arm == "swapped" else 0
            assert np.array_equal(study.initial_weight[s, a], np.roll(weight, shift, axis=0))
            assert np.array_equal(study.conv1_bias[s, a, 0], np.roll(bias, shift, axis=0))
    assert not np.array_equal(study.initial_weight[0], study.initial_weight[1])  # seeds differ
    # Before training, every arm with the same start and the same images has the same test
    # metrics; training moves them apart. The swapped start is another network.
    same = [a for a, arm in enumerate(ARMS) if arm != "swapped" and DATA_OF_ARM[arm] == "lines"]
    for name in ("val_loss", "val_accuracy"):
        at_start = study.metrics[name][:, same, 0]
        assert (at_start == at_start[:, :1]).all()
    assert not np.array_equal(study.metrics["val_loss"][:, swapped, 0], study.metrics["val_loss"][:, 0, 0])
    assert not np.array_equal(study.final_weight[:, 0], study.final_weight[:, 2])


def test_the_frozen_arm_keeps_its_first_layer_and_trains_the_rest(study):
    frozen, adam = study.arm("frozen"), study.arm("adam")
    assert (study.conv1_weight[:, frozen] == study.conv1_weight[:, frozen, :1]).all()
    assert (study.conv1_bias[:, frozen] == study.conv1_bias[:, frozen, :1]).all()
    # The layers after conv1 learn: the metrics move, and differently from Adam's.
    assert not np.array_equal(study.metrics["train_loss"][:, frozen], study.metrics["train_loss"][:, adam])
    assert (study.metrics["train_loss"][:, frozen, -1] != study.metrics["train_loss"][:, frozen, 0]).all()


def test_the_surrogate_arms_train_and_are_tested_on_their_own_images(study):
    train_set, test_set = make_lines(n_per_class=12, size=20).split()
    twin = gaussian_twin(test_set, TWIN_SEEDS["test"])
    flat = whitened(test_set, reference=train_set)
    for arm, images in (("gaussian", twin), ("whitened", flat)):
        # The same start as Adam's, on other test images: other metrics before any training.
        assert not np.array_equal(
            study.metrics["val_loss"][:, study.arm(arm), 0], study.metrics["val_loss"][:, 0, 0]
        )
        for s, seed in enumerate(SEEDS):
            model = LineCNN(image_size=20, seed=seed)
            loss, accuracy = evaluate(model, images)
            assert study.metrics["val_loss"][s, study.arm(arm), 0] == pytest.approx(loss, rel=1e-6)
            assert study.metrics["val_accuracy"][s, study.arm(arm), 0] == accuracy


@pytest.mark.parametrize("thickness", [1, (5, 6)])
def test_a_thickness_arm_is_train_on_lines_of_that_thickness_from_the_same_starts(study, thickness):
    """The line-thickness arm of the principal-components page: a study of Adam runs on lines of
    another thickness, conv1 kept at the ends only (tools/prebuilt_study.py, EXTRA_STUDIES). Each
    member is train()'s run on those lines, from the start of its seed's run on the site's lines."""
    data = {**SMALL["data"], "thickness": thickness}
    other = small_study(arms=("adam",), data=data, snapshots=False, final_models=())
    # A single thickness is recorded as the range it is.
    assert other.config["data"]["thickness"] == (list(thickness) if isinstance(thickness, tuple) else [1, 1])
    _, test_set = make_lines(**data).split()
    for s, seed in enumerate(SEEDS):
        history = other.retrain(seed, "adam")
        ends = np.asarray(history["conv1.weight"])[[0, -1]]
        assert np.array_equal(ends, other.conv1_weight[s, 0])
        for name in METRICS:
            assert np.array_equal(history.metrics[name], other.metrics[name][s, 0]), (seed, name)
        # The same start as the seed's run on the default lines; other test images.
        assert np.array_equal(other.initial_weight[s, 0], study.initial_weight[s, study.arm("adam")])
        loss, accuracy = evaluate(LineCNN(image_size=20, seed=seed), test_set)
        assert other.metrics["val_loss"][s, 0, 0] == pytest.approx(loss, rel=1e-6)
        assert other.metrics["val_accuracy"][s, 0, 0] == accuracy
    assert not np.array_equal(other.metrics["val_loss"][:, 0, 0], study.metrics["val_loss"][:, 0, 0])


def test_shuffled_labels_are_a_permutation_drawn_from_the_seed():
    labels = make_lines(n_per_class=50, size=20).labels
    shuffled = shuffled_labels(labels, 5)
    assert torch.equal(shuffled, shuffled_labels(labels, 5))  # the same seed, the same labels
    assert not torch.equal(shuffled, labels) and not torch.equal(shuffled, shuffled_labels(labels, 6))
    assert torch.bincount(shuffled).tolist() == torch.bincount(labels).tolist()
    expected = np.random.default_rng([5, study_module.LABEL_STREAM]).permutation(len(labels))
    assert torch.equal(shuffled, labels[torch.from_numpy(expected)])
    # Not the order of the first epoch's batches, which train() draws from the same seed.
    assert not torch.equal(
        shuffled, labels[torch.randperm(len(labels), generator=torch.Generator().manual_seed(5))]
    )


def test_the_shuffled_arm_trains_and_is_measured_on_its_own_labels(study):
    adam, shuffled = study.arm("adam"), study.arm("shuffled")
    # The same weights before training, other training labels: other training metrics, the same test ones.
    assert not np.array_equal(
        study.metrics["train_loss"][:, adam, 0], study.metrics["train_loss"][:, shuffled, 0]
    )
    assert np.array_equal(study.metrics["val_loss"][:, adam, 0], study.metrics["val_loss"][:, shuffled, 0])


# -- what a study holds ---------------------------------------------------------------------
def test_a_study_holds_conv1_after_every_epoch_and_the_metrics(study):
    assert study.seeds.tolist() == SEEDS and study.arms == ARMS and len(study) == 3
    assert study.epochs.tolist() == [0, 1, 2]
    assert (
        study.conv1_weight.shape == (3, len(ARMS), 3, 8, 1, 7, 7) and study.conv1_weight.dtype == np.float32
    )
    assert study.conv1_bias.shape == (3, len(ARMS), 3, 8)
    assert all(
        study.metrics[n].shape == (3, len(ARMS), 3) and study.metrics[n].dtype == np.float64 for n in METRICS
    )
    assert study.final_accuracy.shape == (3, len(ARMS))
    assert np.array_equal(study.final_weight, study.conv1_weight[:, :, -1])
    assert not study.conv1_weight.flags.writeable
    assert f"3 seeds x {len(ARMS)} arms" in repr(study)
    assert study.config == study_config(SEEDS, epochs=2, batch_size=8, data={"n_per_class": 12, "size": 20})


def test_without_snapshots_a_study_keeps_the_start_and_the_end(study):
    ends = small_study(snapshots=False)
    assert ends.epochs.tolist() == [0, 2]
    assert np.array_equal(ends.conv1_weight, study.conv1_weight[:, :, [0, -1]])
    assert all(np.array_equal(ends.metrics[n], study.metrics[n]) for n in METRICS)


# -- cache ---------------------------------------------------------------------------------------
def test_a_study_is_cached_and_found_whatever_the_chunks(tmp_path, monkeypatch, study):
    cached = small_study(cache_dir=tmp_path)
    assert cached == study
    assert len(list(tmp_path.glob("study-*.safetensors"))) == 1

    def fail(*args, **kwargs):
        raise AssertionError("trained again")

    monkeypatch.setattr(study_module, "train_chunk", fail)
    assert small_study(cache_dir=tmp_path, chunk_size=1, n_jobs=2) == study
    with pytest.raises(AssertionError, match="trained again"):  # other settings: another entry
        small_study(cache_dir=tmp_path, epochs=1)


def test_a_damaged_cache_entry_is_trained_again(tmp_path, study):
    small_study(cache_dir=tmp_path)
    (path,) = tmp_path.glob("study-*.safetensors")
    path.write_bytes(path.read_bytes()[:100])
    with pytest.warns(RuntimeWarning, match="cannot be trusted"):
        assert small_study(cache_dir=tmp_path) == study
    assert SeedStudy.load(path) == study


# -- the file -----------------------------------------------------------------------------------
def test_save_and_load_give_the_same_study_and_the_same_bytes(study, tmp_path):
    path = study.save(tmp_path / "study.safetensors")
    loaded = SeedStudy.load(path)
    assert loaded == study
    again = loaded.save(tmp_path / "again.safetensors")
    assert again.read_bytes() == path.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite=True"):
        study.save(path)
    assert study.save(path, overwrite=True) == path


def write_study_file(path, header: dict, tensors: dict) -> None:
    metadata = {"cnnexplain.SeedStudy": json.dumps(header)}
    path.write_bytes(safetensors.numpy.save(tensors, metadata=metadata))


def study_file_parts(study: SeedStudy) -> tuple[dict, dict]:
    header = {
        "format_version": 2,
        "cnnexplain_version": "0",
        "trained_with": study.trained_with,
        "config": json.loads(json.dumps(study.config)),  # a copy: the tests change it
    }
    tensors = {"conv1.weight": study.conv1_weight, "conv1.bias": study.conv1_bias}
    tensors |= {f"metrics/{n}": study.metrics[n] for n in METRICS}
    tensors |= {f"final/{n}": value for n, value in study.final_state.items()}
    return header, tensors


def test_the_parts_of_a_study_file_are_what_the_tests_below_change(study, tmp_path):
    header, tensors = study_file_parts(study)
    write_study_file(tmp_path / "rebuilt.safetensors", header, tensors)
    assert SeedStudy.load(tmp_path / "rebuilt.safetensors") == study


def change_seeds(header, tensors):
    header["config"]["seeds"] = [0, 1]  # two seeds in the header, three in the tensors


def change_dtype(header, tensors):
    tensors["conv1.weight"] = tensors["conv1.weight"].astype(np.float64)


def drop_metric(header, tensors):
    del tensors["metrics/val_loss"]


def add_tensor(header, tensors):
    tensors["extra"] = np.zeros(3)


def other_format(header, tensors):
    header["format_version"] = 99


def drop_final_layer(header, tensors):
    del tensors["final/fc1.weight"]


def final_models_out_of_order(header, tensors):
    header["config"]["final_models"] = ["sgd", "adam"]  # not in the order of the arms


def unknown_arm(header, tensors):
    header["config"]["arms"] = ["adam", "shuffled", "adamw"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (change_seeds, "must be F32 of shape (2, 7, 3, 8, 1, 7, 7)"),
        (change_dtype, "must be F32 of shape"),
        (drop_metric, "missing ['metrics/val_loss']"),
        (add_tensor, "unexpected ['extra']"),
        (other_format, "format_version must be 2"),
        (unknown_arm, "config['arms'] must be distinct names"),
        (drop_final_layer, "missing ['final/fc1.weight']"),
        (final_models_out_of_order, "config['final_models'] must list arms of the study"),
    ],
)
def test_load_checks_the_header_and_every_tensor(study, tmp_path, change, message):
    header, tensors = study_file_parts(study)
    change(header, tensors)
    path = tmp_path / "changed.safetensors"
    write_study_file(path, header, tensors)
    with pytest.raises(ValueError, match="not a valid cnnexplain seed study file") as caught:
        SeedStudy.load(path)
    assert message in str(caught.value)


def test_load_refuses_files_that_are_not_studies(study, tmp_path, tiny_run):
    _, history, _, _ = tiny_run
    history_file = history.save(tmp_path / "history.safetensors")
    random_file = tmp_path / "random.safetensors"
    random_file.write_bytes(np.random.default_rng(0).bytes(4096))
    truncated = tmp_path / "truncated.safetensors"
    truncated.write_bytes(study.save(tmp_path / "whole.safetensors").read_bytes()[:-50])
    for path in (history_file, random_file, truncated, tmp_path):
        with pytest.raises((ValueError, FileNotFoundError)):
            SeedStudy.load(path)
    with pytest.raises(FileNotFoundError, match="no such study file"):
        SeedStudy.load(tmp_path / "missing.safetensors")
    with pytest.raises(TypeError, match="path must be"):
        SeedStudy.load(3)


# -- arguments -----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"seeds": "0123"}, TypeError, "seeds must be an iterable"),
        ({"seeds": 5}, TypeError, "seeds must be an iterable"),
        ({"seeds": []}, ValueError, "seeds must hold 1 to"),
        ({"seeds": itertools.count()}, ValueError, "seeds must hold 1 to 100,000 seeds, got more"),
        ({"seeds": [1, 2, 1]}, ValueError, r"seeds must not repeat a seed, got \[1\]"),
        ({"seeds": [0, -1]}, ValueError, r"seeds\[1\] must be an integer in \[0, "),
        ({"seeds": [0.5]}, TypeError, r"seeds\[0\] must be an integer"),
        ({"arms": "adam"}, TypeError, "arms must be a sequence"),
        ({"arms": ["adam", "adamw"]}, ValueError, "arms must be distinct names"),
        ({"arms": []}, ValueError, "arms must be distinct names"),
        ({"arms": ["sgd", "sgd"]}, ValueError, "arms must be distinct names"),
        ({"epochs": -1}, ValueError, "epochs must be an integer in"),
        ({"lr": 0}, ValueError, "lr must be"),
        ({"sgd_lr": float("nan")}, ValueError, "sgd_lr must be"),
        ({"batch_size": 0}, ValueError, "batch_size must be"),
        ({"snapshots": "epoch"}, TypeError, "snapshots must be True"),
        ({"model": {"seed": 3}}, ValueError, "model must not set a seed"),
        ({"model": {"width": 3}}, ValueError, "model settings must be among"),
        ({"data": {"n_per_class": 0}}, ValueError, "n_per_class must be"),
        ({"split": []}, TypeError, "split must be a dict"),
        ({"split": {"test_fraction": 0.01}}, ValueError, "test_fraction=0.01 leaves class"),
        ({"model": {"n_kernels": 0}}, ValueError, "n_kernels must be"),
        ({"model": {"kernel_size": 19}}, ValueError, "too small for kernel_size=19"),
        ({"chunk_size": 0}, ValueError, "chunk_size must be"),
        ({"n_jobs": 0}, ValueError, "n_jobs must be a positive number"),
        ({"n_jobs": 1.5}, TypeError, "n_jobs must be an integer"),
        ({"scheduler": 8786}, TypeError, "scheduler must be a distributed.Client"),
        ({"scheduler": "nonsense://host:1"}, ValueError, "scheduler must be the address of a Dask scheduler"),
        ({"scheduler": " "}, ValueError, "scheduler must be the address"),
        ({"cache_dir": 3}, TypeError, "cache_dir must be a path"),
        ({"progress": "yes"}, TypeError, "progress must be True, False or None"),
    ],
)
def test_bad_arguments_are_named(kwargs, error, match, monkeypatch):
    def fail(*args, **kwargs):
        raise AssertionError("trained")

    monkeypatch.setattr(study_module, "train_chunk", fail)
    with pytest.raises(error, match=match):
        seed_study(**{"seeds": [0], **SMALL, **kwargs})


def test_member_lookups_name_the_argument(study):
    with pytest.raises(ValueError, match="seed must be one of the study's seeds, got 1"):
        study.retrain(1, "adam")
    with pytest.raises(ValueError, match="arm must be one of"):
        study.retrain(0, "adamw")
    with pytest.raises(ValueError, match="name must be one of"):
        study.arm("momentum")
    with pytest.raises(TypeError, match="labels must be an int64 tensor"):
        shuffled_labels([0, 1], 0)
    with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 18446744073709551615\], got -1"):
        shuffled_labels(torch.tensor([0, 1]), -1)


# -- damaged and hostile files ---------------------------------------------------------------------
def mutations():
    """Damage to a study file: truncation, bit flips, edits of its JSON header."""
    truncate = st.tuples(st.just("truncate"), st.integers(0, 10_000))
    flip = st.tuples(st.just("flip"), st.lists(st.integers(0, 10_000), min_size=1, max_size=8))
    edit = st.tuples(
        st.just("edit"),
        st.sampled_from(["seeds", "arms", "snapshots", "epochs", "n_kernels", "kernel_size"]),
        st.one_of(
            st.integers(-3, 10**7), st.none(), st.text(max_size=5), st.lists(st.integers(0, 3), max_size=4)
        ),
    )
    return st.one_of(truncate, flip, edit)


def damaged(data: bytes, header: dict, tensors: dict, mutation) -> bytes:
    kind, *how = mutation
    if kind == "truncate":
        return data[: how[0] % (len(data) + 1)]
    if kind == "flip":
        damaged = bytearray(data)
        for position in how[0]:
            damaged[position % len(damaged)] ^= 1 << (position % 8)
        return bytes(damaged)
    field, value = how
    header = json.loads(json.dumps(header))
    config = header["config"]
    if field in ("epochs",):
        config["training"][field] = value
    elif field in ("n_kernels", "kernel_size"):
        config["model"][field] = value
    else:
        config[field] = value
    metadata = {"cnnexplain.SeedStudy": json.dumps(header)}
    return safetensors.numpy.save(tensors, metadata=metadata)


@pytest.fixture(scope="module")
def small_file(tmp_path_factory) -> tuple[SeedStudy, bytes]:
    """A study of two seeds, two arms and no epoch, and the bytes of its file."""
    small = small_study([0, 1], ("adam", "sgd"), epochs=0, data={"n_per_class": 4, "size": 20})
    return small, small.save(tmp_path_factory.mktemp("small") / "small.safetensors").read_bytes()


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(mutation=mutations())
def test_a_damaged_file_is_refused_or_loads_a_consistent_study(small_file, mutation):
    small, data = small_file
    header, tensors = study_file_parts(small)
    data = damaged(data, header, tensors, mutation)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "damaged.safetensors"
        path.write_bytes(data)
        try:
            loaded = SeedStudy.load(path)
        except ValueError as exc:
            assert "not a valid cnnexplain seed study file" in str(exc)
            return
        # What loads is a whole study: it saves and loads back equal.
        assert SeedStudy.load(loaded.save(Path(folder) / "again.safetensors")) == loaded
        assert loaded.conv1_weight.shape[:2] == (len(loaded), len(loaded.arms))
