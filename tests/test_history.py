"""Tests of cnnexplain.history: WeightHistory, its accessors and its safetensors file."""

from __future__ import annotations

import io
import json
import os
import pickle
import stat
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy
import torch
from safetensors import safe_open

from cnnexplain import LineCNN
from cnnexplain.history import FORMAT_VERSION, UnknownNameError, WeightHistory

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
KEY = "cnnexplain.WeightHistory"  # the metadata entry of a history file

#: Builds a small history by hand; run here and in a fresh interpreter.
MAKE_HISTORY = """
import numpy as np
from cnnexplain.history import WeightHistory
history = WeightHistory(
    {"b.weight": np.arange(12, dtype=np.float32).reshape(3, 4), "a.mask": np.eye(3, dtype=bool),
     "z.count": np.array([1, 2, 3], dtype=np.int64), "half": np.ones((3, 2), dtype=np.float16)},
    np.array([[0, 0], [1, 2], [2, 2]], dtype=np.int64),
    {"val_loss": [3.0, 2.0, 1.5], "train_loss": [1.0, 0.5, 0.25], "lr": [0.1, 0.1, 0.01]},
    {"zeta": 1, "alpha": {"nested": [1.5, "text", None]}, "training": {"batches_per_epoch": 2}},
)
"""


def make_history() -> WeightHistory:
    namespace: dict = {}
    exec(MAKE_HISTORY, namespace)
    return namespace["history"]


# -- accessors ------------------------------------------------------------------------------------


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


def test_model_at_needs_a_model_unless_the_config_describes_a_linecnn():
    h = make_history()
    with pytest.raises(ValueError, match="model must be given"):
        h.model_at(-1)
    steps = np.zeros((1, 2), np.int64)
    odd = WeightHistory({"w": np.zeros((1, 2))}, steps, {}, {"model": {"class": "LineCNN", "width": 3}})
    with pytest.raises(ValueError, match=r"config\['model'\] does not describe a LineCNN"):
        odd.model_at(0)


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
    with pytest.raises(ValueError, match="read-only"):
        h.metrics["train_loss"][0] = 5.0
    h.metrics["train_loss"] = None  # a copy of the dict
    assert "train_loss" in h.metrics


def test_epochs_layer_names_and_completed():
    h = make_history()
    assert h.epochs.tolist() == [0.0, 1.0, 2.0]
    assert h.layer_names() == ["b", "a", "z", "half"]  # the order of the parameters
    assert h.completed  # no epochs recorded: nothing says it was interrupted


# -- construction ------------------------------------------------------------------------------------


def test_weight_history_validates_its_parts():
    steps = np.array([[0, 0], [1, 1]], np.int64)
    w = {"w": np.zeros((2, 3), np.float32)}
    h = WeightHistory(w, steps, {"train_loss": [0.5, 0.4]}, {"training": {"batches_per_epoch": 1}})
    assert len(h) == 2 and h.metrics["train_loss"].tolist() == [0.5, 0.4]
    cases = [
        ((w, steps.astype(np.int32), {}, {}), ValueError, "steps"),
        ((w, np.zeros((0, 2), np.int64), {}, {}), ValueError, "steps"),
        ((w, np.array([[0, 0], [-1, 1]]), {}, {}), ValueError, "steps"),
        ((w, np.array([[2, 0], [1, 1]]), {}, {}), ValueError, "training order"),
        (({}, steps, {}, {}), ValueError, "params"),
        (({"w": np.zeros((3, 3))}, steps, {}, {}), ValueError, "params"),
        (({"w": [[0.0], [1.0]]}, steps, {}, {}), TypeError, "params"),
        (({"w": np.zeros((2, 3), complex)}, steps, {}, {}), TypeError, "params"),
        (({"w": np.array([["a"], ["b"]])}, steps, {}, {}), TypeError, "params"),
        (({"metrics/x": np.zeros(2)}, steps, {}, {}), ValueError, "metrics/"),
        ((w, steps, {"train_loss": np.zeros((2, 2))}, {}), ValueError, "metrics"),
        ((w, steps, {"train_loss": [1.0], "val_loss": [1.0, 2.0]}, {}), ValueError, "same length"),
        ((w, steps, {}, {"when": object()}), TypeError, "config"),
        ((w, steps, {}, {"lr": float("nan")}), TypeError, "config"),
        ((w, steps, {}, {"model": "LineCNN"}), TypeError, "config"),
        ((w, steps, {}, {"training": {"batches_per_epoch": -1}}), ValueError, "batches_per_epoch"),
        ((w, steps, {}, {"training": {"batches_per_epoch": 1.5}}), ValueError, "batches_per_epoch"),
    ]
    for args, error, match in cases:
        with pytest.raises(error, match=match):
            WeightHistory(*args)


def test_weight_history_copies_its_inputs():
    weights = np.zeros((2, 3), np.float32)
    config = {"training": {"epochs": 1}}
    h = WeightHistory({"w": weights}, np.array([[0, 0], [1, 1]]), {}, config)
    weights[:] = 7
    config["training"]["epochs"] = 9
    assert not h["w"].any() and h.config["training"]["epochs"] == 1


# -- save and load --------------------------------------------------------------------------------------


def test_save_load_round_trip_is_exact(tiny_run, tmp_path):
    h = tiny_run[1]
    path = h.save(tmp_path / "run.safetensors")
    assert path == tmp_path / "run.safetensors"
    again = WeightHistory.load(path)
    assert again == h
    assert list(again) == list(h) == PARAMS  # the parameter order survives
    for key in h:
        assert again[key].dtype == h[key].dtype and again[key].tobytes() == h[key].tobytes()
    assert again.steps.tolist() == h.steps.tolist()
    assert again.config == h.config
    assert list(again.metrics) == list(h.metrics)
    for name, values in h.metrics.items():
        assert again.metrics[name].tobytes() == values.tobytes()
    assert WeightHistory.load(str(path)) == h  # str paths too


def test_any_history_round_trips(tmp_path):
    """Booleans, integers, half floats, NaN, any metric names, Fortran-ordered input."""
    h = make_history()
    again = WeightHistory.load(h.save(tmp_path / "h.safetensors"))
    assert again == h and list(again) == list(h) and list(again.metrics) == list(h.metrics)
    steps = np.zeros((2, 2), np.int64)
    odd = WeightHistory(
        {"w": np.asfortranarray(np.arange(12.0).reshape(2, 6)), "n": np.full((2,), np.nan)}, steps, {}, {}
    )
    again = WeightHistory.load(odd.save(tmp_path / "odd.safetensors"))
    assert again == odd and np.isnan(again["n"]).all() and not again.metrics


def test_the_same_history_saves_to_the_same_bytes_in_every_process(tmp_path):
    here = make_history().save(tmp_path / "here.safetensors")
    again = make_history().save(tmp_path / "again.safetensors")
    elsewhere = tmp_path / "elsewhere.safetensors"
    code = MAKE_HISTORY + f"history.save({str(elsewhere)!r})\n"
    subprocess.run([sys.executable, "-c", code], check=True)
    assert here.read_bytes() == again.read_bytes() == elsewhere.read_bytes()
    # A loaded history saves back to the same bytes too.
    again_path = WeightHistory.load(here).save(tmp_path / "reloaded.safetensors")
    assert again_path.read_bytes() == here.read_bytes()


def test_the_file_is_plain_safetensors(tiny_run, tmp_path):
    """Any safetensors reader sees one tensor per parameter, snapshot axis
    first, the metrics, and the header as JSON in one metadata entry."""
    h = tiny_run[1]
    path = h.save(tmp_path / "run.safetensors")
    tensors = safetensors.numpy.load(path.read_bytes())
    assert set(tensors) == set(PARAMS) | {f"metrics/{m}" for m in h.metrics}
    assert tensors["conv1.weight"].shape == (3, 8, 1, 7, 7)
    assert np.array_equal(tensors["metrics/val_loss"], h.metrics["val_loss"])
    with safe_open(path, framework="np") as f:
        metadata = f.metadata()
    assert list(metadata) == [KEY]
    header = json.loads(metadata[KEY])
    assert header["format_version"] == FORMAT_VERSION == 2
    assert header["params"] == PARAMS and header["steps"] == h.steps.tolist()
    assert header["config"] == h.config


def test_save_is_atomic_and_does_not_overwrite(tiny_run, tmp_path, monkeypatch):
    h = tiny_run[1]
    path = tmp_path / "sub" / "run.safetensors"
    h.save(path)  # creates the folder
    assert os.listdir(path.parent) == ["run.safetensors"]  # no temporary file left
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
    assert os.listdir(path.parent) == ["run.safetensors"]
    with pytest.raises(TypeError, match="path"):
        h.save(42)


def test_saved_history_gets_the_usual_file_permissions(tmp_path):
    """A saved file is readable like any other file the user creates (umask), not private."""
    umask = os.umask(0o022)
    os.umask(umask)
    path = make_history().save(tmp_path / "run.safetensors")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


# -- load refuses damaged and foreign files --------------------------------------------------------


@pytest.fixture(scope="module")
def saved(tmp_path_factory):
    """A valid history file, and its tensors and header to edit."""
    path = make_history().save(tmp_path_factory.mktemp("saved") / "good.safetensors")
    with safe_open(path, framework="np") as f:
        header = json.loads(f.metadata()[KEY])
    return path, safetensors.numpy.load(path.read_bytes()), header


def write(path: Path, tensors: dict, header=None, metadata=None) -> Path:
    """A safetensors file of ``tensors`` whose metadata holds ``header`` as a history file does."""
    if metadata is None:
        metadata = {KEY: json.dumps(header)}
    path.write_bytes(safetensors.numpy.save(tensors, metadata=metadata))
    return path


def assert_refused(path: Path, match: str = "") -> None:
    with pytest.raises(ValueError, match="not a valid cnnexplain history file") as info:
        WeightHistory.load(path)
    assert str(path) in str(info.value)  # the message names the file
    assert match in str(info.value)


class MakesMarker:
    """Unpickling this object creates the file ``path`` (it calls ``open``)."""

    def __init__(self, path: Path):
        self.path = str(path)

    def __reduce__(self):
        return (open, (self.path, "w"))


def test_load_refuses_files_of_other_kinds(saved, tmp_path):
    path = saved[0]
    for name, data in [("empty", b""), ("text", b"just some text\n"), ("short", b"\x10\x00")]:
        assert_refused(write_bytes(tmp_path / name, data), "header")
    # A pickle is refused and never runs (the payload is live: unpickling creates the marker).
    marker = tmp_path / "marker"
    payload = pickle.dumps(MakesMarker(marker))
    assert_refused(write_bytes(tmp_path / "run.pkl", payload))
    assert not marker.exists()
    pickle.loads(payload).close()
    assert marker.exists()
    # The history format of cnnexplain 0.1 (a zip of .npy arrays).
    buffer = io.BytesIO()
    np.savez(buffer, steps=np.zeros((1, 2), np.int64))
    assert_refused(write_bytes(tmp_path / "old.npz", buffer.getvalue()))
    data = path.read_bytes()
    for cut in (7, 8, 100, len(data) // 2, len(data) - 1):
        assert_refused(write_bytes(tmp_path / f"cut{cut}", data[:cut]))
    assert_refused(write_bytes(tmp_path / "longer", data + b"\x00" * 8))


def write_bytes(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_load_refuses_foreign_safetensors(saved, tmp_path):
    _, tensors, header = saved
    assert_refused(write(tmp_path / "plain", tensors, metadata={}), KEY)
    assert_refused(write(tmp_path / "model", {"weight": np.zeros(3)}, metadata={"format": "pt"}), KEY)
    extra = {KEY: json.dumps(header), "note": "hello"}
    assert_refused(write(tmp_path / "extra", tensors, metadata=extra), "one entry")
    assert_refused(write(tmp_path / "notjson", tensors, metadata={KEY: "{not json"}), "not JSON")
    deep = "[" * 100_000 + "]" * 100_000
    assert_refused(write(tmp_path / "deep", tensors, metadata={KEY: deep}), "not JSON")


@pytest.mark.parametrize("version", [1, 3, "2", 2.0, True, None])
def test_load_refuses_another_format_version(saved, tmp_path, version):
    _, tensors, header = saved
    assert_refused(write(tmp_path / "v", tensors, {**header, "format_version": version}), "format_version")


def edited(header: dict, **fields) -> dict:
    return {**header, **fields}


HEADER_EDITS = {
    "no steps field": (lambda h: {k: v for k, v in h.items() if k != "steps"}, "fields"),
    "an unknown field": (lambda h: {**h, "extra": 1}, "fields"),
    "a list header": (lambda h: [h], "fields"),
    "params not a list": (lambda h: edited(h, params="b.weight"), "params"),
    "a repeated param": (lambda h: edited(h, params=[*h["params"], "a.mask"]), "repeat"),
    "a missing param": (lambda h: edited(h, params=h["params"][1:]), "unexpected ['b.weight']"),
    "an unknown param": (lambda h: edited(h, params=[*h["params"], "ghost"]), "missing ['ghost']"),
    "a param named like a metric": (lambda h: edited(h, params=[*h["params"], "metrics/lr"]), "metrics/"),
    "an unknown metric": (lambda h: edited(h, metrics=[*h["metrics"], "ghost"]), "missing ['metrics/ghost']"),
    "steps of floats": (lambda h: edited(h, steps=[[0.0, 0], [1, 2], [2, 2]]), "steps"),
    "steps of bools": (lambda h: edited(h, steps=[[False, 0], [1, 2], [2, 2]]), "steps"),
    "steps of triples": (lambda h: edited(h, steps=[[0, 0, 0], [1, 2, 0], [2, 2, 0]]), "steps"),
    "negative steps": (lambda h: edited(h, steps=[[0, -1], [1, 2], [2, 2]]), "steps"),
    "huge steps": (lambda h: edited(h, steps=[[0, 2**64], [1, 2], [2, 2]]), "steps"),
    "steps out of order": (lambda h: edited(h, steps=[[0, 0], [2, 2], [1, 2]]), "training order"),
    "fewer steps": (lambda h: edited(h, steps=[[0, 0], [1, 2]]), "one snapshot per step"),
    "config a list": (lambda h: edited(h, config=[1]), "config"),
    "config with NaN": (lambda h: edited(h, config={"lr": float("nan")}), "config"),
    "config training a list": (lambda h: edited(h, config={"training": []}), "config['training']"),
    "a numeric version string": (lambda h: edited(h, cnnexplain_version=1), "cnnexplain_version"),
    # Whatever reads a config (a printer, float()) must not recurse 450 deep or meet 10**400.
    "a config nested 450 deep": (
        lambda h: edited(h, config={"dataset": {"noise": nested(450)}}),
        "config must be nested at most 32 deep, got deeper at config['dataset']['noise'][0][0][0][0]...",
    ),
    "an integer of 1,329 bits": (
        lambda h: edited(h, config={"training": {"batches_per_epoch": 10**400}}),
        "config['training']['batches_per_epoch'] must be an integer of at most 64 bits, got one of 1329 bits",
    ),
}


def nested(depth: int) -> list:
    value: list = []
    for _ in range(depth - 1):
        value = [value]
    return value


@pytest.mark.parametrize("case", list(HEADER_EDITS))
def test_load_refuses_a_header_that_is_wrong(saved, tmp_path, case):
    _, tensors, header = saved
    edit, match = HEADER_EDITS[case]
    assert_refused(write(tmp_path / "h", tensors, edit(header)), match)


TENSOR_EDITS = {
    "a param of complex numbers": (lambda t: {**t, "b.weight": t["b.weight"].astype(np.complex64)}, "C64"),
    "float32 metrics": (lambda t: {**t, "metrics/lr": t["metrics/lr"].astype(np.float32)}, "F64"),
    "another snapshot count": (lambda t: {**t, "b.weight": t["b.weight"][:2]}, "one snapshot per step"),
    "a scalar param": (lambda t: {**t, "z.count": np.array(3)}, "one snapshot per step"),
    "2-D metrics": (lambda t: {**t, "metrics/lr": np.zeros((3, 1))}, "one-dimensional"),
    "metrics of other lengths": (lambda t: {**t, "metrics/lr": np.zeros(2)}, "same length"),
    "a missing tensor": (lambda t: {k: v for k, v in t.items() if k != "half"}, "missing ['half']"),
    "an extra tensor": (lambda t: {**t, "run_me": np.zeros(1)}, "unexpected ['run_me']"),
}


@pytest.mark.parametrize("case", list(TENSOR_EDITS))
def test_load_refuses_tensors_that_disagree_with_the_header(saved, tmp_path, case):
    _, tensors, header = saved
    edit, match = TENSOR_EDITS[case]
    assert_refused(write(tmp_path / "t", edit(tensors), header), match)


def test_load_refuses_a_header_declaring_terabytes(saved, tmp_path):
    """The safetensors header of a small file claims a terabyte tensor, or a
    terabyte header: refused (the memory it takes is measured by the fuzz test)."""
    path = saved[0]
    data = path.read_bytes()
    size = int.from_bytes(data[:8], "little")
    header = json.loads(data[8 : 8 + size])
    header["b.weight"]["shape"] = [3, 2**40]
    header["b.weight"]["data_offsets"][1] = header["b.weight"]["data_offsets"][0] + 3 * 2**42
    text = json.dumps(header).encode()
    assert_refused(write_bytes(tmp_path / "tb", len(text).to_bytes(8, "little") + text + data[8 + size :]))
    assert_refused(write_bytes(tmp_path / "tb-header", (2**40).to_bytes(8, "little") + data[8:]), "header")


def test_load_refuses_a_header_larger_than_2_mib(saved, tmp_path):
    """Parsed, JSON takes many times its size: a header of 2 MiB and more is refused before it is read."""
    _, tensors, header = saved
    big = edited(header, config={"note": "x" * (2 * 2**20)})
    assert_refused(write(tmp_path / "big-header", tensors, big), "at most 2,097,152 can be a header")


def test_load_refuses_booleans_that_are_not_0_or_1(saved, tmp_path):
    _, tensors, header = saved
    data = bytearray(write(tmp_path / "ok", tensors, header).read_bytes())
    mask = np.eye(3, dtype=bool).tobytes()
    at = data.index(mask)  # the only 9 bytes of this pattern: the a.mask parameter
    data[at] = 7
    assert_refused(write_bytes(tmp_path / "seven", bytes(data)), "BOOL tensor must hold the bytes 0 and 1")


def test_load_argument_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such history"):
        WeightHistory.load(tmp_path / "absent.safetensors")
    with pytest.raises(FileNotFoundError):
        WeightHistory.load(tmp_path)  # a folder
    with pytest.raises(TypeError, match="path"):
        WeightHistory.load(3)
    with pytest.raises(TypeError, match="max_bytes"):
        WeightHistory.load(tmp_path / "absent.safetensors", max_bytes=1.5)
    path = make_history().save(tmp_path / "h.safetensors")
    with pytest.raises(ValueError, match=rf"is {path.stat().st_size:,} bytes, more than max_bytes=100: pass"):
        WeightHistory.load(path, max_bytes=100)
    assert WeightHistory.load(path, max_bytes=path.stat().st_size) == make_history()
