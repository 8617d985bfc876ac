"""Tests of cnnexplain.training: train(), evaluate() and WeightHistory."""

from __future__ import annotations

import io
import json
import math
import os
import pickle
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnnexplain import LineCNN, make_lines
from cnnexplain.history import FORMAT_VERSION, METRICS, UnknownNameError, WeightHistory
from cnnexplain.training import evaluate, train

PARAMS = [
    "conv1.weight",
    "conv1.bias",
    "conv2.weight",
    "conv2.bias",
    "fc1.weight",
    "fc1.bias",
    "fc2.weight",
    "fc2.bias",
]
#: The tiny run of conftest: 36 training images in batches of 8.
BATCHES = 5


def quick_train(split, model, **kwargs):
    train_set, val_set = split
    kwargs.setdefault("epochs", 1)
    kwargs.setdefault("batch_size", 12)
    kwargs.setdefault("progress", False)
    return train(model, train_set, val_set=val_set, **kwargs)


# -- the history of a training run ----------------------------------------------------------


def test_history_shapes_and_steps(tiny_run):
    model, h, _, _ = tiny_run
    assert len(h) == 3  # epochs + 1
    assert list(h) == PARAMS == list(model.state_dict())
    assert h["conv1.weight"].shape == (3, 8, 1, 7, 7)
    assert h["conv1.bias"].shape == (3, 8)
    assert h["fc2.weight"].shape == (3, 2, 32)
    assert all(h[k].dtype == np.float32 for k in h)
    assert h.steps.dtype == np.int64
    assert h.steps.tolist() == [[0, 0], [1, BATCHES], [2, BATCHES]]
    assert h.epochs.tolist() == [0.0, 1.0, 2.0]
    assert h.layer_names() == ["conv1", "conv2", "fc1", "fc2"]
    assert h.completed
    assert "conv1.weight" in h and "conv3.weight" not in h
    assert repr(h).startswith("WeightHistory(3 snapshots, 8 parameters, final {")


def test_history_records_the_weights_and_they_change(tiny_run):
    model, h, _, _ = tiny_run
    initial = LineCNN(image_size=20, seed=1).state_dict()
    for key in h:
        assert np.array_equal(h[key][0], initial[key].numpy())  # step 0 is before training
        assert np.array_equal(h[key][-1], model.state_dict()[key].numpy())  # the last is the model
        assert not np.array_equal(h[key][0], h[key][1])


def test_metrics_have_one_value_per_snapshot_including_step_0(tiny_run):
    _, h, train_set, val_set = tiny_run
    assert set(h.metrics) == set(METRICS)
    for name, values in h.metrics.items():
        assert values.shape == (3,) and values.dtype == np.float64, name
        assert np.isfinite(values).all()
    for name in ("train_accuracy", "val_accuracy"):
        assert ((h.metrics[name] >= 0) & (h.metrics[name] <= 1)).all()
    # Step 0 and the validation values are full passes in eval mode: they
    # can be recomputed from the snapshots.
    assert (h.metrics["train_loss"][0], h.metrics["train_accuracy"][0]) == pytest.approx(
        evaluate(h.model_at(0), train_set), abs=1e-6
    )
    for step in range(3):
        assert (h.metrics["val_loss"][step], h.metrics["val_accuracy"][step]) == pytest.approx(
            evaluate(h.model_at(step), val_set), abs=1e-6
        )


def test_no_val_metrics_without_val_set(small_split, small_model):
    h = train(small_model(), small_split[0], epochs=1, batch_size=12, progress=False)
    assert set(h.metrics) == {"train_loss", "train_accuracy"}
    assert all(len(v) == 2 for v in h.metrics.values())
    assert h.config["val_dataset"] is None and h.config["training"]["n_val"] == 0


def test_config_describes_the_run_and_is_json(tiny_run):
    _, h, train_set, val_set = tiny_run
    config = h.config
    assert json.loads(json.dumps(config)) == config
    t = config["training"]
    assert t["epochs"] == t["completed_epochs"] == 2
    assert (t["batch_size"], t["lr"], t["seed"], t["record"]) == (8, 1e-3, 2, "epoch")
    assert (t["n_train"], t["n_val"], t["batches_per_epoch"]) == (36, 12, BATCHES)
    assert (t["optimizer"], t["loss"], t["device"]) == ("Adam", "cross_entropy", "cpu")
    assert config["model"]["class"] == "LineCNN" and config["model"]["image_size"] == 20
    assert config["model"]["seed"] == 1
    assert config["dataset"] == train_set.config and config["val_dataset"] == val_set.config
    config["training"]["epochs"] = 99  # a copy: the history is not changed
    assert h.config["training"]["epochs"] == 2


def test_model_at_reproduces_the_recorded_weights(tiny_run):
    model, h, _, val_set = tiny_run
    for step in (0, 1, -1):
        m = h.model_at(step)
        assert isinstance(m, LineCNN) and not m.training
        for key, value in m.state_dict().items():
            assert np.array_equal(value.numpy(), h[key][step])
    images = val_set.images
    model.eval()
    with torch.no_grad():
        assert torch.equal(h.model_at(-1)(images), model(images))
    # Loading into a given model.
    target = LineCNN(image_size=20, seed=9)
    assert h.model_at(1, model=target) is target
    assert np.array_equal(target.conv1.weight.detach().numpy(), h["conv1.weight"][1])
    assert h.snapshot_of_epoch(0) == 0 and h.snapshot_of_epoch(2) == 2
    assert set(h.state_dict_at(-1)) == set(PARAMS)


@pytest.mark.parametrize(
    ("step", "error"), [(3, ValueError), (-4, ValueError), (1.0, TypeError), ("1", TypeError)]
)
def test_model_at_rejects_steps_out_of_range(tiny_run, step, error):
    with pytest.raises(error, match="step"):
        tiny_run[1].model_at(step)


def test_model_at_rejects_a_model_of_another_shape(tiny_run):
    with pytest.raises(ValueError, match="model"):
        tiny_run[1].model_at(0, model=LineCNN(image_size=20, n_kernels=4))
    with pytest.raises(TypeError, match="model"):
        tiny_run[1].model_at(0, model="LineCNN")
    with pytest.raises(ValueError, match="epoch"):
        tiny_run[1].snapshot_of_epoch(3)


def test_unknown_parameter_names(tiny_run):
    h = tiny_run[1]
    with pytest.raises(KeyError, match="key"):
        h["conv3.weight"]
    with pytest.raises(ValueError, match=r"conv1\.weight"):  # lists the known names
        h["conv1"]
    with pytest.raises(UnknownNameError):
        h[0]


def test_history_arrays_are_read_only(tiny_run):
    h = tiny_run[1]
    with pytest.raises(ValueError, match="read-only"):
        h["conv1.weight"][0, 0, 0, 0, 0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        h.steps[0, 0] = 5
    h.metrics["train_loss"] = None  # a copy of the dict
    assert "train_loss" in h.metrics


def test_record_batch(small_split, small_model):
    h = quick_train(small_split, small_model(), epochs=2, batch_size=12, record="batch")
    # 36 images / 12 = 3 batches per epoch; step 0 plus one snapshot per batch.
    assert len(h) == 1 + 2 * 3
    assert h.steps.tolist() == [[0, 0], [1, 1], [1, 2], [1, 3], [2, 1], [2, 2], [2, 3]]
    assert h["conv1.weight"].shape == (7, 8, 1, 7, 7)
    assert all(len(v) == 3 for v in h.metrics.values())  # metrics stay per epoch
    assert h.epochs.tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2])
    assert h.snapshot_of_epoch(1) == 3
    assert h.config["training"]["record"] == "batch"


def test_last_batch_may_be_smaller(small_split, small_model):
    h = quick_train(small_split, small_model(), epochs=1, batch_size=10, record="batch")
    assert h.steps.tolist() == [[0, 0], [1, 1], [1, 2], [1, 3], [1, 4]]  # 10 + 10 + 10 + 6


def test_zero_epochs_records_the_initial_state(small_split, small_model):
    h = quick_train(small_split, small_model(), epochs=0)
    assert len(h) == 1 and h.completed and all(len(v) == 1 for v in h.metrics.values())


# -- determinism ----------------------------------------------------------------------


def test_same_seeds_give_identical_histories_and_files(small_split, small_model, tmp_path):
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(1)  # the global state must not matter ...
        a = quick_train(small_split, small_model(seed=4), seed=5, epochs=2)
        torch.manual_seed(2)
        b = quick_train(small_split, small_model(seed=4), seed=5, epochs=2)
    finally:
        torch.random.set_rng_state(state)
    assert a == b
    for key in a:
        assert a[key].tobytes() == b[key].tobytes()
    assert a.save(tmp_path / "a.npz").read_bytes() == b.save(tmp_path / "b.npz").read_bytes()
    c = quick_train(small_split, small_model(seed=4), seed=6, epochs=2)
    assert a != c  # ... but the seed does
    assert not np.array_equal(a["conv1.weight"][-1], c["conv1.weight"][-1])


def test_training_leaves_the_global_random_state_alone(small_split, small_model, no_global_rng_change):
    quick_train(small_split, small_model(dropout=0.5), epochs=1)


# -- KeyboardInterrupt ------------------------------------------------------------------


class Interrupting(nn.Module):
    """Wraps a model; raises KeyboardInterrupt at the ``after``-th forward call
    made in ``mode`` ("train" or "eval")."""

    def __init__(self, inner: nn.Module, after: int, mode: str = "train"):
        super().__init__()
        self.inner, self.after, self.mode, self.calls = inner, after, mode, 0

    def forward(self, x):
        if self.training == (self.mode == "train"):
            self.calls += 1
            if self.calls == self.after:
                raise KeyboardInterrupt
        return self.inner(x)


@pytest.mark.parametrize("record", ["epoch", "batch"])
def test_keyboard_interrupt_returns_the_epochs_done(small_split, small_model, record, tmp_path):
    # 3 batches per epoch: the 5th training batch is the 2nd of epoch 2.
    model = Interrupting(small_model(), after=5)
    with pytest.warns(RuntimeWarning, match="interrupted after 1 of 3 epochs"):
        h = quick_train(small_split, model, epochs=3, record=record)
    assert not h.completed
    assert h.config["training"]["completed_epochs"] == 1 and h.config["training"]["epochs"] == 3
    assert all(len(v) == 2 for v in h.metrics.values())  # step 0 and epoch 1
    if record == "epoch":
        assert h.steps.tolist() == [[0, 0], [1, 3]]
    else:  # every batch finished before the interruption
        assert h.steps.tolist() == [[0, 0], [1, 1], [1, 2], [1, 3], [2, 1]]
    assert h["inner.conv1.weight"].shape[0] == len(h)
    # The partial history is a normal one: it saves, loads and rebuilds models.
    again = WeightHistory.load(h.save(tmp_path / "partial.npz"))
    assert again == h and not again.completed
    with pytest.raises(ValueError, match="model"):
        h.model_at(-1)  # not a LineCNN: the architecture must be given
    assert isinstance(h.model_at(-1, model=Interrupting(small_model(), 0)), Interrupting)


def test_keyboard_interrupt_during_evaluation_keeps_metrics_consistent(small_split, small_model, tmp_path):
    # Eval-mode calls: the data check (2, train and val), step 0 (train,
    # val), then the validation at the end of epoch 1 -- interrupted after
    # the training metrics of epoch 1 were computed.
    model = Interrupting(small_model(), after=5, mode="eval")
    with pytest.warns(RuntimeWarning, match="after 0 of 2"):
        h = quick_train(small_split, model, epochs=2)
    assert len(h) == 1 and h.steps.tolist() == [[0, 0]]
    assert {k: len(v) for k, v in h.metrics.items()} == dict.fromkeys(METRICS, 1)
    assert WeightHistory.load(h.save(tmp_path / "h.npz")) == h


# -- save and load --------------------------------------------------------------------------


def test_save_load_round_trip_is_exact(tiny_run, tmp_path):
    h = tiny_run[1]
    path = h.save(tmp_path / "run.npz")
    assert path == tmp_path / "run.npz"
    again = WeightHistory.load(path)
    assert again == h
    assert list(again) == list(h)
    for key in h:
        assert again[key].dtype == h[key].dtype and again[key].tobytes() == h[key].tobytes()
    assert again.steps.tolist() == h.steps.tolist()
    assert again.config == h.config
    for name, values in h.metrics.items():
        assert again.metrics[name].tobytes() == values.tobytes()
    assert WeightHistory.load(str(path)) == h  # str paths too
    assert again.save(tmp_path / "again.npz").read_bytes() == path.read_bytes()


def test_save_is_atomic_and_does_not_overwrite(tiny_run, tmp_path, monkeypatch):
    h = tiny_run[1]
    path = tmp_path / "sub" / "run.npz"
    h.save(path)  # creates the folder
    assert os.listdir(path.parent) == ["run.npz"]  # no temporary file left
    original = path.read_bytes()
    with pytest.raises(FileExistsError, match="overwrite"):
        h.save(path)
    path.write_bytes(b"older")
    h.save(path, overwrite=True)
    assert path.read_bytes() == original
    # A failure while renaming leaves the old file and no temporary file.
    path.write_bytes(b"older")

    def broken_replace(src, dst):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        h.save(path, overwrite=True)
    assert path.read_bytes() == b"older"
    assert os.listdir(path.parent) == ["run.npz"]
    with pytest.raises(TypeError, match="path"):
        h.save(42)


# -- load refuses damaged and foreign files ------------------------------------------------


def read_members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def write_members(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def edit_meta(members: dict[str, bytes], edit) -> dict[str, bytes]:
    meta = json.loads(members["meta.json"])
    edit(meta)
    return {**members, "meta.json": json.dumps(meta).encode()}


def npy(array: np.ndarray, allow_pickle: bool = False) -> bytes:
    out = io.BytesIO()
    np.save(out, array, allow_pickle=allow_pickle)
    return out.getvalue()


@pytest.fixture(scope="module")
def saved(tiny_run, tmp_path_factory):
    """A valid history file and its members."""
    path = tiny_run[1].save(tmp_path_factory.mktemp("saved") / "good.npz")
    return path, read_members(path)


def assert_refused(path: Path, match: str = "not a valid cnnexplain history") -> None:
    with pytest.raises(ValueError, match=match) as info:
        WeightHistory.load(path)
    assert str(path) in str(info.value)  # the message names the file


def test_load_refuses_a_pickled_object_array(saved, tmp_path):
    _, members = saved
    evil = np.empty(3, dtype=object)
    evil[:] = [{"a": 1}, "text", None]
    bad = {**members, "param/conv1.bias.npy": npy(evil, allow_pickle=True)}
    assert_refused(write_members(tmp_path / "object.npz", bad), "object arrays are refused")
    # Also when the header is edited to declare the object dtype.
    bad = edit_meta(bad, lambda m: m["arrays"]["param/conv1.bias"].update(dtype="object"))
    assert_refused(write_members(tmp_path / "object2.npz", bad), "unsupported declaration")


class MakesMarker:
    """Unpickling this object creates the file ``path`` (it calls ``open``)."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_load_never_unpickles(saved, tmp_path):
    _, members = saved
    # The payload is live: unpickling it does create its marker file.
    probe = tmp_path / "probe"
    pickle.loads(pickle.dumps(MakesMarker(probe))).close()
    assert probe.exists()

    marker = tmp_path / "marker"
    payload = pickle.dumps(MakesMarker(marker))
    raw = tmp_path / "raw.npz"
    raw.write_bytes(payload)
    assert_refused(raw)
    # An object array holding the payload, inside an otherwise valid file.
    evil = np.empty(1, dtype=object)
    evil[0] = MakesMarker(marker)
    in_zip = write_members(tmp_path / "in_zip.npz", {**members, "steps.npy": npy(evil, allow_pickle=True)})
    assert_refused(in_zip)
    # The raw pickle as a member, and as the header.
    as_member = write_members(tmp_path / "member.npz", {**members, "metric/val_loss.npy": payload})
    assert_refused(as_member)
    assert_refused(write_members(tmp_path / "meta.npz", {**members, "meta.json": payload}))
    # np.load(allow_pickle=True) would run it; load() never does.
    assert not marker.exists()


def test_load_refuses_foreign_and_truncated_files(saved, tmp_path):
    path, members = saved
    text = tmp_path / "notes.npz"
    text.write_text("just some text\n")
    assert_refused(text)
    empty = tmp_path / "empty.npz"
    empty.write_bytes(b"")
    assert_refused(empty)
    data = path.read_bytes()
    for cut in (len(data) // 2, len(data) - 10, 30):
        truncated = tmp_path / f"cut{cut}.npz"
        truncated.write_bytes(data[:cut])
        assert_refused(truncated)
    flipped = bytearray(data)
    flipped[len(data) // 3] ^= 0xFF
    (tmp_path / "flipped.npz").write_bytes(bytes(flipped))
    assert_refused(tmp_path / "flipped.npz")
    # A plain numpy archive, and a zip without our header.
    np.savez(tmp_path / "numpy.npz", steps=np.zeros((1, 2), np.int64))
    assert_refused(tmp_path / "numpy.npz", "meta.json")
    foreign = edit_meta(members, lambda m: m.update(format="something.else"))
    assert_refused(write_members(tmp_path / "foreign.npz", foreign), "format")


def test_load_refuses_another_format_version(saved, tmp_path):
    _, members = saved
    for version in (FORMAT_VERSION + 1, 0, "1", None):
        bad = edit_meta(members, lambda m, v=version: m.update(format_version=v))
        assert_refused(write_members(tmp_path / "version.npz", bad), "format_version")


def test_load_refuses_missing_and_extra_members(saved, tmp_path):
    _, members = saved
    missing = {k: v for k, v in members.items() if k != "metric/train_loss.npy"}
    assert_refused(write_members(tmp_path / "missing.npz", missing), "missing")
    extra = {**members, "run_me.py": b"print('hi')"}
    assert_refused(write_members(tmp_path / "extra.npz", extra), "unexpected")
    # Declared in the header but not a known kind of array.
    undeclared = edit_meta(
        {**members, "other/x.npy": npy(np.zeros(3, np.float32))},
        lambda m: m["arrays"].update({"other/x": {"dtype": "float32", "shape": [3]}}),
    )
    assert_refused(write_members(tmp_path / "undeclared.npz", undeclared), "unexpected array")
    no_params = {k: v for k, v in members.items() if not k.startswith("param/")}
    no_params = edit_meta(
        no_params, lambda m: m.update(arrays={k: v for k, v in m["arrays"].items() if "param/" not in k})
    )
    assert_refused(write_members(tmp_path / "noparams.npz", no_params), "no parameters")


def test_load_refuses_shapes_and_dtypes_disagreeing_with_the_header(saved, tmp_path):
    _, members = saved
    # The array is not what the header declares.
    wrong_shape = {**members, "param/conv1.bias.npy": npy(np.zeros((3, 7), np.float32))}
    assert_refused(write_members(tmp_path / "shape.npz", wrong_shape), "shape")
    wrong_dtype = {**members, "param/conv1.bias.npy": npy(np.zeros((3, 8), np.float64))}
    assert_refused(write_members(tmp_path / "dtype.npz", wrong_dtype), "dtype")
    # The header disagrees with itself: a parameter with another snapshot count.
    bad = edit_meta(members, lambda m: m["arrays"]["param/conv1.bias"].update(shape=[2, 8]))
    bad["param/conv1.bias.npy"] = npy(np.zeros((2, 8), np.float32))
    assert_refused(write_members(tmp_path / "snapshots.npz", bad), "snapshots")
    # Metrics of different lengths.
    bad = edit_meta(members, lambda m: m["arrays"]["metric/val_loss"].update(shape=[2]))
    bad["metric/val_loss.npy"] = npy(np.zeros(2))
    assert_refused(write_members(tmp_path / "metrics.npz", bad), "lengths")
    # Steps out of training order.
    steps = np.array([[0, 0], [2, 5], [1, 5]], np.int64)
    assert_refused(write_members(tmp_path / "steps.npz", {**members, "steps.npy": npy(steps)}), "order")


def test_load_refuses_absurd_declared_sizes(saved, tmp_path):
    path, members = saved
    huge = edit_meta(members, lambda m: m["arrays"]["param/fc1.weight"].update(shape=[3, 2**20, 2**20]))
    assert_refused(write_members(tmp_path / "huge.npz", huge), "max_bytes")
    negative = edit_meta(members, lambda m: m["arrays"]["param/fc1.weight"].update(shape=[3, -32, 800]))
    assert_refused(write_members(tmp_path / "negative.npz", negative), "shape")
    snapshots = edit_meta(members, lambda m: m.update(snapshots=10**15))
    assert_refused(write_members(tmp_path / "snapshots.npz", snapshots))
    # A limit below the real size refuses even the good file.
    with pytest.raises(ValueError, match="max_bytes"):
        WeightHistory.load(path, max_bytes=1000)
    with pytest.raises(ValueError, match="max_bytes"):
        WeightHistory.load(path, max_bytes=0)


def test_load_argument_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such history"):
        WeightHistory.load(tmp_path / "absent.npz")
    with pytest.raises(FileNotFoundError):
        WeightHistory.load(tmp_path)  # a folder
    with pytest.raises(TypeError, match="path"):
        WeightHistory.load(3)


# -- WeightHistory construction ---------------------------------------------------------------


def test_weight_history_validates_its_parts():
    steps = np.array([[0, 0], [1, 1]], np.int64)
    w = {"w": np.zeros((2, 3), np.float32)}
    h = WeightHistory(w, steps, {"train_loss": [0.5, 0.4]}, {"training": {"batches_per_epoch": 1}})
    assert len(h) == 2 and h.metrics["train_loss"].tolist() == [0.5, 0.4]
    with pytest.raises(ValueError, match="steps"):
        WeightHistory(w, steps.astype(np.int32), {}, {})
    with pytest.raises(ValueError, match="steps"):
        WeightHistory(w, np.zeros((0, 2), np.int64), {}, {})
    with pytest.raises(ValueError, match="params"):
        WeightHistory({}, steps, {}, {})
    with pytest.raises(ValueError, match="params"):
        WeightHistory({"w": np.zeros((3, 3))}, steps, {}, {})
    with pytest.raises(TypeError, match="params"):
        WeightHistory({"w": [[0.0], [1.0]]}, steps, {}, {})
    with pytest.raises(ValueError, match="metrics"):
        WeightHistory(w, steps, {"train_loss": np.zeros((2, 2))}, {})
    with pytest.raises(TypeError, match="config"):
        WeightHistory(w, steps, {}, {"when": object()})
    with pytest.raises(TypeError, match="config"):
        WeightHistory(w, steps, {}, {"lr": float("nan")})


# -- evaluate ---------------------------------------------------------------------------------


def test_evaluate_matches_a_manual_computation(small_split, small_model):
    _, val_set = small_split
    model = small_model(seed=2).train()
    loss, accuracy = evaluate(model, val_set, batch_size=5)
    assert model.training  # restored
    model.eval()
    with torch.no_grad():
        logits = model(val_set.images)
    assert loss == pytest.approx(float(F.cross_entropy(logits, val_set.labels)), rel=1e-5)
    assert accuracy == float((logits.argmax(1) == val_set.labels).float().mean())
    assert evaluate(model, (val_set.images, val_set.labels)) == pytest.approx((loss, accuracy))


# -- bad input --------------------------------------------------------------------------------


def bad_train_inputs():
    good = make_lines(n_per_class=4, size=20, seed=0)
    x, y = good.images, good.labels
    nan = x.clone()
    nan[1, 0, 3, 3] = float("nan")
    cases = [
        ({"model": "LineCNN"}, TypeError, "model"),
        ({"model": None}, TypeError, "model"),
        ({"train_set": [x, y]}, TypeError, "train_set"),
        ({"train_set": x}, TypeError, "train_set"),
        ({"train_set": (x[:, 0], y)}, ValueError, "train_set"),  # rank 3
        ({"train_set": (x.repeat(1, 3, 1, 1), y)}, ValueError, "train_set"),  # channels
        ({"train_set": (x.double().to(torch.int64), y)}, TypeError, "train_set"),  # dtype
        ({"train_set": make_lines(n_per_class=4, size=30)}, ValueError, "train_set"),  # size
        ({"train_set": (nan, y)}, ValueError, "train_set"),
        ({"train_set": (x, y.int())}, TypeError, "train_set"),
        ({"train_set": (x, y[:5])}, ValueError, "train_set"),
        ({"train_set": (x, y + 2)}, ValueError, "train_set"),  # labels beyond the 2 outputs
        ({"train_set": (x, y - 1)}, ValueError, "train_set"),
        ({"val_set": make_lines(n_per_class=2, size=30)}, ValueError, "val_set"),
        ({"val_set": (x, y + 5)}, ValueError, "val_set"),
        ({"val_set": "test"}, TypeError, "val_set"),
        ({"epochs": -1}, ValueError, "epochs"),
        ({"epochs": 10**6}, ValueError, "epochs"),
        ({"epochs": 2.0}, TypeError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": "32"}, TypeError, "batch_size"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": -1e-3}, ValueError, "lr"),
        ({"lr": float("nan")}, ValueError, "lr"),
        ({"lr": 100.0}, ValueError, "lr"),
        ({"lr": "fast"}, TypeError, "lr"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": None}, TypeError, "seed"),
        ({"record": "step"}, ValueError, "record"),
        ({"record": None}, TypeError, "record"),
        ({"record": "Epoch"}, ValueError, "record"),
        ({"progress": "yes"}, TypeError, "progress"),
        ({"device": "tpu:9"}, ValueError, "device"),
        ({"device": "cuda"}, ValueError, "device"),
    ]
    if torch.cuda.is_available():
        cases.pop()
    # A LineDataset holding NaN (made by hand) is refused too.
    from cnnexplain.data import LineDataset

    cases.append(({"train_set": LineDataset(nan, y, good.classes)}, ValueError, "train_set"))
    return [pytest.param(*case, id=f"{next(iter(case[0]))}-{i}") for i, case in enumerate(cases)]


@pytest.mark.parametrize(("kwargs", "error", "name"), bad_train_inputs())
def test_train_rejects_bad_input(kwargs, error, name):
    args = {
        "model": LineCNN(image_size=20),
        "train_set": make_lines(n_per_class=4, size=20),
        "progress": False,
    }
    args.update(kwargs)
    model, train_set = args.pop("model"), args.pop("train_set")
    before = model.state_dict()["conv1.weight"].clone() if isinstance(model, nn.Module) else None
    with pytest.raises(error, match=name):
        train(model, train_set, epochs=args.pop("epochs", 1), **args)
    if before is not None:  # refused before any step
        assert torch.equal(model.state_dict()["conv1.weight"], before)


def test_train_wraps_errors_of_a_generic_model():
    model = nn.Sequential(nn.Flatten(), nn.Linear(100, 2))  # expects 10x10 images
    data = make_lines(n_per_class=3, size=12)
    with pytest.raises(ValueError, match="train_set does not fit the model"):
        train(model, data, epochs=1, progress=False)
    assert model.training
    with pytest.raises(ValueError, match="data does not fit the model"):
        evaluate(model, data)


def test_train_refuses_a_model_that_does_not_return_logits():
    with pytest.raises(ValueError, match="logits"):
        train(nn.Conv2d(1, 2, 3), make_lines(n_per_class=2, size=10), epochs=1, progress=False)
    with pytest.raises(ValueError, match="model must have trainable parameters"):
        train(nn.Flatten(), make_lines(n_per_class=2, size=10), epochs=1, progress=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"model": "net"}, TypeError, "model"),
        ({"data": None}, TypeError, "data"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"data": make_lines(n_per_class=2, size=30)}, ValueError, "data"),
        ({"data": (torch.zeros(2, 1, 20, 20), torch.tensor([0, 7]))}, ValueError, "data"),
    ],
)
def test_evaluate_rejects_bad_input(kwargs, error, name):
    args = {"model": LineCNN(image_size=20), "data": make_lines(n_per_class=2, size=20)} | kwargs
    with pytest.raises(error, match=name):
        evaluate(**args)


# -- a generic model ----------------------------------------------------------------------------


def test_train_any_module_on_tensors(tmp_path):
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(40, 1, 6, 6, generator=gen)
    y = (x[:, 0, :3].sum((1, 2)) > x[:, 0, 3:].sum((1, 2))).long()  # top half brighter?
    model = nn.Sequential(nn.Flatten(), nn.Linear(36, 2))
    h = train(model, (x, y), epochs=3, batch_size=10, lr=0.05, progress=False)
    assert list(h) == ["1.weight", "1.bias"] and len(h) == 4
    assert h.config["model"] == {"class": "Sequential"}
    assert h.config["dataset"] == {"n_train": 40}
    assert h.metrics["train_loss"][-1] < h.metrics["train_loss"][0]
    other = nn.Sequential(nn.Flatten(), nn.Linear(36, 2))
    assert torch.equal(h.model_at(-1, model=other)[1].weight, model[1].weight)
    assert WeightHistory.load(h.save(tmp_path / "seq.npz")) == h


def test_progress_bar_can_be_forced(small_split, small_model, capsys):
    quick_train(small_split, small_model(), epochs=1, progress=True)
    assert "training" in capsys.readouterr().err
    quick_train(small_split, small_model(), epochs=1, progress=False)
    assert capsys.readouterr().err == ""


# -- the promise of the issue: defaults learn the task ------------------------------------------


@pytest.mark.slow
def test_defaults_reach_99_percent_validation_accuracy():
    train_set, val_set = make_lines().split(test_fraction=0.2)
    assert (len(train_set), len(val_set)) == (960, 240)
    h = train(LineCNN(), train_set, val_set=val_set, progress=False)
    assert len(h) == 21 and h.completed
    assert h.metrics["val_accuracy"][-1] >= 0.99
    assert h.metrics["train_loss"][-1] < h.metrics["train_loss"][0] / 10
    assert math.isclose(h.metrics["val_accuracy"][0], 0.5, abs_tol=0.2)  # chance before training


def test_the_channels_last_batches_change_no_value(tiny_run):
    # train() feeds a LineCNN channels-last views of its batches (a speed-up):
    # the same values, the same outputs, the model's own tensors untouched.
    from cnnexplain.training import _channels_last_view

    model, _, _, val_set = tiny_run
    x = val_set.images
    view = _channels_last_view(x)
    assert torch.equal(view, x) and view.data_ptr() == x.data_ptr()
    assert view.stride() == (400, 1, 20, 1)
    model.eval()
    with torch.no_grad():
        assert torch.allclose(model(view), model(x), atol=1e-5)
    assert all(p.is_contiguous() for p in model.parameters())


def test_saved_history_gets_the_usual_file_permissions(tmp_path, tiny_run):
    """A saved file is readable like any other file the user creates (umask), not private."""
    import os
    import stat

    umask = os.umask(0o022)
    os.umask(umask)
    path = tiny_run[1].save(tmp_path / "run.npz")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask
    assert not [p for p in tmp_path.iterdir() if p.name != "run.npz"]


def test_default_training_is_independent_of_the_global_thread_count():
    """threads=1 (the default) gives the same bytes whatever torch's thread setting is,
    while threads=None follows the setting -- and then 1 and 2 threads differ."""
    train_set, val_set = make_lines(n_per_class=100, seed=0).split()
    before = torch.get_num_threads()
    runs = {}
    try:
        for threads in (1, None):
            for n in (1, 2):
                torch.set_num_threads(n)
                runs[threads, n] = train(
                    LineCNN(), train_set, val_set=val_set, epochs=1, progress=False, threads=threads
                )
                assert torch.get_num_threads() == n  # restored after training
    finally:
        torch.set_num_threads(before)
    assert runs[1, 1] == runs[1, 2]
    assert runs[1, 1].config["training"]["threads"] == 1
    assert runs[None, 2].config["training"]["threads"] == 2
    assert runs[None, 1] != runs[None, 2]  # the reason for the default


@pytest.mark.parametrize("bad, error", [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_threads_is_checked(small_split, small_model, bad, error):
    with pytest.raises(error, match="threads"):
        train(small_model(), small_split[0], epochs=1, threads=bad, progress=False)
