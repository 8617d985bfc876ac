"""Runs that leave the browser (cnnexplain/viz/history_writer.js), run in Node against history.py.

"Download this run" must write a file that ``WeightHistory.load`` opens and
``cnnexplain info``, ``figures`` and ``explore`` accept; "open a saved history"
must read one as carefully as ``WeightHistory.load`` does. These tests hold the
module to that:

- from a run trained by ``train()``, writeHistory writes the very bytes of
  ``WeightHistory.save`` (same run, same bytes);
- a run trained in Node (lines.js's data, network.js's Trainer) is written,
  loaded by ``WeightHistory.load`` with its weights bit for bit, rebuilt by
  ``Experiment.from_history``, and accepted by the three commands (exit 0);
- readHistory reads back what it and Python write, and on the fuzz test's
  damaged and hostile files (tests/test_history_fuzz.py's strategies) it refuses
  exactly the files ``WeightHistory.load`` refuses, with an Error, and reads the
  others as Python does; files declaring terabytes are refused at once;
- bad runs given to the writer are refused with a message naming the field.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import test_history_fuzz as fuzz
from hypothesis import HealthCheck, given, settings
from test_network_js import run_node
from training_parity import trainable_network

from cnnexplain import LineCNN, make_lines, train
from cnnexplain.experiment import Experiment
from cnnexplain.history import WeightHistory

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "lab_modules_driver.js"
#: The CLI commands a downloaded run must pass: (name, arguments after the file).
COMMANDS = [("info", []), ("figures", ["-o", "figures"]), ("explore", ["-o", "explorer.html"])]


@pytest.fixture(scope="module")
def python_run() -> WeightHistory:
    """A short run of train(), as the site records it."""
    train_set, val_set = make_lines(n_per_class=20, size=20, seed=3).split()
    return train(LineCNN(image_size=20, seed=2), train_set, val_set=val_set, epochs=2, seed=2, progress=False)


def run_json(history: WeightHistory, folder: Path) -> dict:
    """The run as writeHistory takes it: shapes, snapshots (raw float32 files), metrics, config."""
    snapshots = []
    for i, step in enumerate(history.steps.tolist()):
        tensors = {}
        for name in history:
            file = f"{name}-{i}.f32"
            history[name][i].astype("<f4").tofile(folder / file)
            tensors[name] = file
        snapshots.append({"step": step, "tensors": tensors})
    return {
        "params": {name: list(history[name].shape[1:]) for name in history},
        "snapshots": snapshots,
        "metrics": {name: values.tolist() for name, values in history.metrics.items()},
        "config": history.config,
        "version": history.config.get("cnnexplain_version"),
    }


def run_commands(path: Path, folder: Path) -> None:
    for name, args in COMMANDS:
        ran = subprocess.run(
            [sys.executable, "-m", "cnnexplain", name, str(path), *args],
            cwd=folder,
            capture_output=True,
            text=True,
            check=False,
        )
        assert ran.returncode == 0, f"cnnexplain {name}: {ran.stderr}"
    assert (folder / "figures" / "kernels.gif").is_file() and (folder / "explorer.html").is_file()


def test_written_bytes_are_those_of_weight_history_save(python_run, tmp_path):
    task = {
        "task": "writeRun",
        "folder": str(tmp_path),
        "output": "run.safetensors",
        "run": run_json(python_run, tmp_path),
    }
    written = (tmp_path / run_node(tmp_path, DRIVER, task)["file"]).read_bytes()
    assert written == python_run._file_bytes()
    assert WeightHistory.load(tmp_path / "run.safetensors") == python_run


@pytest.mark.slow
def test_a_run_trained_in_node_opens_in_python_and_its_commands(tmp_path):
    model = LineCNN(image_size=20, n_kernels=4, seed=5)
    network, tensors = trainable_network(model, (1, 20, 20))
    task = {
        "task": "trainRun",
        "folder": str(tmp_path),
        "output": "lab.safetensors",
        "data": {"nPerClass": 20, "size": 20, "seed": 1},
        "split": {"testFraction": 0.2, "seed": 0},
        "network": network,
        "tensors": {name: value.ravel().tolist() for name, value in tensors.items()},
        "params": list(model.state_dict()),
        "model": model.config,
        "optimizer": {"type": "adam", "lr": 0.01},
        "batchSize": 8,
        "epochs": 3,
        "seed": 7,
        "version": "0.1.0",
    }
    result = run_node(tmp_path, DRIVER, task)
    path = tmp_path / result["file"]
    history = WeightHistory.load(path)
    assert history.steps.tolist() == [[0, 0], [1, 4], [2, 4], [3, 4]]
    for name in model.state_dict():
        written = np.fromfile(tmp_path / result["weights"][name], dtype="<f4").reshape(history[name].shape)
        assert history[name].dtype == np.float32 and np.array_equal(history[name], written), name
    assert history.steps.shape == (4, 2) and not np.array_equal(
        history["conv1.weight"][0], history["conv1.weight"][-1]
    )
    for name, values in result["metrics"].items():
        assert history.metrics[name].tolist() == values
    assert history.config == result["config"] and history.completed
    run = Experiment.from_history(history)  # the data its settings describe is lines.js's
    assert len(run.train_set) == 32 and run.config["model"]["n_kernels"] == 4
    run_commands(path, tmp_path)


def odd_history(dtypes: bool) -> WeightHistory:
    """A history with names that are JavaScript's own words or not ASCII, floats Python writes
    in exponent form, and (with dtypes) integer, boolean and half-precision parameters."""
    rng = np.random.default_rng(0)
    names = ["__proto__", "constructor", "\u00e4.weight", "\u20ac", "z", "a.b", "\U0001f600"]
    params = {name: rng.normal(size=(2, 3)).astype(np.float32) for name in names}
    if dtypes:
        params |= {
            "count": np.array([[1], [2]], np.int64),
            "mask": np.array([[True], [False]]),
            "h": np.ones((2, 2), np.float16),
        }
    config = {
        "lr": 1e-05,
        "y": 123456789012345.6,
        "tiny": 5e-324,
        "neg": -1.5e-7,
        "noise": 0.0,
        "big": 2**62,
        "text": 'é\n"\\ \u2028 \U0001f600 \x7f',
        "nested": [[1, 2.5], {"a": None, "b": True, "__proto__": {"x": 1}}],
        "training": {"batches_per_epoch": 3},
    }
    loss = [0.5, float("nan") if dtypes else 0.25]  # NaN does not travel in JSON to the writer
    return WeightHistory(params, np.array([[0, 0], [1, 3]]), {"loss": loss}, config)


def test_odd_names_and_numbers_are_written_as_python_writes_them(tmp_path):
    history = odd_history(dtypes=False)
    run = {**run_json(history, tmp_path), "version": "0.1.0"}
    task = {"task": "writeRun", "folder": str(tmp_path), "output": "odd.safetensors", "run": run}
    written = (tmp_path / run_node(tmp_path, DRIVER, task)["file"]).read_bytes()
    assert written == history._file_bytes()


def test_read_history_reads_odd_names_and_every_dtype(tmp_path):
    history = odd_history(dtypes=True)
    path = history.save(tmp_path / "odd.safetensors")
    found = run_node(tmp_path, DRIVER, {"task": "readFiles", "folder": str(tmp_path), "files": [path.name]})
    assert found["results"][0] == {"loaded": expected_reading(history, path.read_bytes())}


def test_read_history_reads_what_python_writes(python_run, tmp_path):
    path = python_run.save(tmp_path / "run.safetensors")
    found = run_node(tmp_path, DRIVER, {"task": "readFiles", "folder": str(tmp_path), "files": [path.name]})
    assert found["results"][0] == {"loaded": expected_reading(python_run, path.read_bytes())}


DTYPE_NAMES = {
    "f4": "F32",
    "f8": "F64",
    "f2": "F16",
    "i8": "I64",
    "u8": "U64",
    "b1": "BOOL",
    "u1": "U8",
    "i1": "I8",
}
DTYPE_NAMES |= {"i2": "I16", "u2": "U16", "i4": "I32", "u4": "U32"}


def with_bigints(value):
    """A config as the driver reports readHistory's: integers beyond 2**53 as "BigInt:<digits>"."""
    if isinstance(value, dict):
        return {k: with_bigints(v) for k, v in value.items()}
    if isinstance(value, list):
        return [with_bigints(v) for v in value]
    if type(value) is int and abs(value) > 2**53 - 1:
        return f"BigInt:{value}"
    return value


def expected_reading(history: WeightHistory, data: bytes) -> dict:
    """What readFiles reports of a history: names, dtypes, shapes and digests of the data."""

    def digest(array: np.ndarray) -> str:
        return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()

    header = json.loads(fuzz.split(data)[0]["__metadata__"][fuzz.KEY])
    return {
        "params": [
            [n, DTYPE_NAMES[history[n].dtype.str[1:]], list(history[n].shape), digest(history[n])]
            for n in history
        ],
        "metrics": [[n, digest(v)] for n, v in history.metrics.items()],
        "steps": history.steps.tolist(),
        "config": with_bigints(history.config),
        "version": header["cnnexplain_version"],
    }


#: Damaged and hostile files compared: the fuzz test's strategies, deterministic.
N_FUZZ = 1500


def fuzz_files(folder: Path) -> list[tuple[str, str]]:
    """(family, file name) of N_FUZZ cases drawn by test_history_fuzz's strategies, written to folder."""
    drawn: list[tuple[str, str]] = []

    @settings(
        max_examples=N_FUZZ,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=fuzz.cases)
    def draw(case):
        family, data = case
        name = f"case-{len(drawn)}.safetensors"
        (folder / name).write_bytes(data)
        drawn.append((family, name))

    draw()
    return drawn


def hostile_files(folder: Path) -> list[tuple[str, str]]:
    """The fuzz test's files that declare terabytes, a 1 TiB header, a deep header, and short
    files whose shapes declare gigabytes; all small on disk."""
    header, body = fuzz.split(fuzz.BASE)
    files = []
    for i, edit in enumerate(
        [
            {"shape": [3, 2**40], "data_offsets": [0, 3 * 2**42]},
            {"shape": [3, 2**40]},
            {"shape": [3, 0, 2**62]},
            {"shape": [3, 2**64], "data_offsets": [0, 2**70]},
        ]
    ):
        edited = json.loads(json.dumps(header))
        edited["conv1.weight"].update(edit)
        files.append((f"terabytes-{i}", fuzz.join(edited, body)))
    files.append(("header-1TiB", (2**40).to_bytes(8, "little") + fuzz.BASE[8:]))
    files.append(("header-2**64-1", (2**64 - 1).to_bytes(8, "little") + fuzz.BASE[8:]))
    deep = "[" * 200_000 + "]" * 200_000
    files.append(("deep", fuzz.safetensors.numpy.save(fuzz.BASE_TENSORS, metadata={fuzz.KEY: deep})))
    big_int = json.loads(fuzz.split(fuzz.BASE)[0]["__metadata__"][fuzz.KEY])
    big_int["config"]["huge"] = "HUGE"  # then 5,000 digits: more than Python reads into an int
    text = json.dumps(big_int).replace('"HUGE"', "1" * 5000)
    files.append(
        ("int-5000-digits", fuzz.safetensors.numpy.save(fuzz.BASE_TENSORS, metadata={fuzz.KEY: text}))
    )
    named = []
    for family, data in files:
        (folder / f"{family}.safetensors").write_bytes(data)
        named.append((family, f"{family}.safetensors"))
    for i, (shape, steps) in enumerate([([1, 2**31], 1), ([2, 2**28], 3), ([1, 2**63], 1)]):
        path = fuzz.declared_file(folder / f"declared-{i}.safetensors", shape, steps=steps, data_bytes=64)
        named.append((f"declared-{i}", path.name))
    return named


def same_json(found, expected) -> bool:
    """Equal JSON, where a number JavaScript wrote as a whole number may be a float beyond 2**53:
    JSON.stringify writes the double -6.087279686223794e+16 as -60872796862237940, which reads
    back as that integer, the same double."""
    if isinstance(found, dict) and isinstance(expected, dict):
        return found.keys() == expected.keys() and all(same_json(found[k], expected[k]) for k in found)
    if isinstance(found, list) and isinstance(expected, list):
        return len(found) == len(expected) and all(same_json(a, b) for a, b in zip(found, expected))
    if type(found) is int and type(expected) is float:
        return float(found) == expected
    return type(found) is type(expected) and found == expected


def python_outcome(path: Path) -> tuple[str, WeightHistory | None]:
    try:
        return "loaded", WeightHistory.load(path)
    except ValueError:
        return "refused", None


@pytest.mark.slow
def test_read_history_refuses_exactly_what_weight_history_load_refuses(tmp_path):
    files = fuzz_files(tmp_path) + hostile_files(tmp_path)
    found = run_node(
        tmp_path, DRIVER, {"task": "readFiles", "folder": str(tmp_path), "files": [f for _, f in files]}
    )
    outcomes = {"loaded": 0, "refused": 0}
    for (family, name), result in zip(files, found["results"]):
        expected, history = python_outcome(tmp_path / name)
        outcomes[expected] += 1
        assert "other" not in result, f"{family} {name}: threw a non-Error {result}"
        if expected == "refused":
            assert "error" in result, (
                f"{family} {name}: Python refuses it, readHistory read {str(result)[:300]}"
            )
            assert result["error"].startswith("Error: not a valid cnnexplain history file: "), result["error"]
        else:
            assert "loaded" in result, f"{family} {name}: Python loads it, readHistory: {result['error']}"
            expected_reading_ = expected_reading(history, (tmp_path / name).read_bytes())
            assert same_json(result["loaded"], expected_reading_), f"{family} {name}: read otherwise"
    print(f"readHistory against WeightHistory.load on {len(files)} files: {outcomes}")
    assert outcomes["loaded"] > 0 and outcomes["refused"] > N_FUZZ // 2  # both kinds were tried


def test_a_file_larger_than_max_bytes_is_refused_before_it_is_read(python_run, tmp_path):
    path = python_run.save(tmp_path / "run.safetensors")
    size = path.stat().st_size
    task = {
        "task": "readFiles",
        "folder": str(tmp_path),
        "files": [path.name],
        "options": {"maxBytes": size - 1},
    }
    error = run_node(tmp_path, DRIVER, task)["results"][0]["error"]
    assert error == f"RangeError: the file is {size} bytes, more than maxBytes={size - 1}"


WRITER_ERRORS = [
    ({"params": {}, "snapshots": []}, "RangeError: run.params must name at least one parameter"),
    ({"params": {"w": [2]}, "snapshots": []}, "RangeError: run.snapshots must be a non-empty array"),
    (
        {"params": {"w": [2]}, "snapshots": [{"step": [0, 0], "tensors": {"w": [1, 2, 3]}}], "config": {}},
        'TypeError: snapshots[0].tensors["w"] must be a Float32Array of 2 values (shape [2]), got a Float32Array of 3',
    ),
    (
        {"params": {"w": [1]}, "snapshots": [{"step": [0, -1], "tensors": {"w": [1]}}], "config": {}},
        "TypeError: snapshots[0].step must be [epoch, batch], integers >= 0",
    ),
    (
        {
            "params": {"w": [1]},
            "snapshots": [{"step": [1, 0], "tensors": {"w": [1]}}, {"step": [0, 0], "tensors": {"w": [1]}}],
        },
        "RangeError: snapshots must be in training order: snapshot 1 has epoch 0 after 1",
    ),
    (
        {"params": {"metrics/w": [1]}, "snapshots": [{"step": [0, 0], "tensors": {"metrics/w": [1]}}]},
        'RangeError: params names must not start with "metrics/"',
    ),
    (
        {
            "params": {"w": [1]},
            "snapshots": [{"step": [0, 0], "tensors": {"w": [1]}}],
            "metrics": {"a": [1], "b": [1, 2]},
        },
        "RangeError: metrics must all have the same length (one per epoch), got 1 and 2",
    ),
    (
        {
            "params": {"w": [1]},
            "snapshots": [{"step": [0, 0], "tensors": {"w": [1]}}],
            "config": {"lr": "NaN"},
            "version": 3,
        },
        "TypeError: run.version must be a string (cnnexplain_version), got 3",
    ),
]


@pytest.mark.parametrize(("run", "message"), WRITER_ERRORS)
def test_bad_runs_are_refused_by_name(tmp_path, run, message):
    result = run_node(tmp_path, DRIVER, {"task": "writerErrors", "cases": [{"call": "write", "args": run}]})
    assert result["results"][0] is not None and result["results"][0].startswith(message), result["results"][0]


def test_bad_run_settings_are_refused_by_name(tmp_path):
    cases = [
        {"call": "runConfig", "args": {"trainSet": None}},
        {"call": "runConfig", "args": {"trainSet": {"split": {}}, "training": {"optimizer": "rmsprop"}}},
        {
            "call": "runConfig",
            "args": {
                "trainSet": {"split": {}},
                "version": "0.1.0",
                "training": {"optimizer": "adam", "epochs": 2},
            },
        },
    ]
    results = run_node(tmp_path, DRIVER, {"task": "writerErrors", "cases": cases})["results"]
    assert results[0].startswith(
        "TypeError: trainSet must be the config of a splitLines part (with its split), got null"
    )
    assert results[1] == 'RangeError: training.optimizer must be "adam" or "sgd", got "rmsprop"'
    assert results[2] == "TypeError: training.batchSize must be an integer >= 0, got undefined"


def test_it_loads_where_a_web_worker_would(tmp_path):
    probe = "cnnexplainHistory.readHistory(cnnexplainHistory.writeHistory({params: {w: [1]}, snapshots: [{step: [0, 0], tensors: {w: new Float32Array([0.5])}}], metrics: {}, config: {lr: 1}, version: 'x'})).params.w.data[0]"
    found = run_node(tmp_path, DRIVER, {"task": "bare", "module": "history_writer", "probe": probe})["found"]
    for entry in found:
        assert "writeHistory" in entry["names"] and "readHistory" in entry["names"], entry
        assert entry["probe"] == 0.5
