"""Fuzz :meth:`cnnexplain.history.WeightHistory.load` with damaged and hostile files.

Thousands of mutations of a tiny valid history file -- truncations, bit
flips, inserted and deleted bytes, a lying header length, edits of the
safetensors header (dtypes, shapes, offsets, names), edits of the history's
own JSON header (version, names, steps, config), tensors of the wrong dtype or
shape, other safetensors files and files of other kinds -- must each end in
the documented ``ValueError`` or in a consistent history: one whose
accessors work and which saves and loads back equal.

A second test loads files whose headers declare terabytes in a fresh
interpreter and measures its peak memory (``resource.getrusage``), which
also sees what safetensors allocates outside Python.

The run is deterministic (``derandomize=True``, no example database).
``CNNEXPLAIN_FUZZ_EXAMPLES`` sets the number of cases (default 5000); the
run prints one line with their families and outcomes.
"""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from cnnexplain import LineCNN
from cnnexplain.history import WeightHistory

N_EXAMPLES = int(os.environ.get("CNNEXPLAIN_FUZZ_EXAMPLES", "5000"))
KEY = "cnnexplain.WeightHistory"


def base_history() -> WeightHistory:
    """A tiny but complete history: float, int and bool parameters, four metrics."""
    params = {
        "conv1.weight": np.linspace(-1, 1, 24, dtype=np.float32).reshape(3, 2, 1, 2, 2),
        "bn.num_batches_tracked": np.arange(3, dtype=np.int64),
        "mask": np.array([[True, False]] * 3),
    }
    metrics = {name: np.linspace(0.1, 0.9, 3) for name in ("train_loss", "train_accuracy", "val_loss")}
    config = {
        "model": {"class": "Tiny"},
        "training": {"epochs": 2, "completed_epochs": 2, "batches_per_epoch": 4},
    }
    return WeightHistory(params, np.array([[0, 0], [1, 4], [2, 4]]), metrics, config)


def split(data: bytes) -> tuple[dict, bytes]:
    """The safetensors header (JSON) and the data after it."""
    size = int.from_bytes(data[:8], "little")
    return json.loads(data[8 : 8 + size]), data[8 + size :]


def join(header, body: bytes) -> bytes:
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + body


def saved_bytes(history: WeightHistory) -> bytes:
    with tempfile.TemporaryDirectory() as folder:
        return history.save(Path(folder) / "h.safetensors").read_bytes()


#: The file every mutation starts from, its tensors and its history header.
BASE = saved_bytes(base_history())
BASE_TENSORS = safetensors.numpy.load(BASE)
BASE_HEADER = json.loads(split(BASE)[0]["__metadata__"][KEY])


@pytest.fixture(scope="module")
def base_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("fuzz") / "base.safetensors"
    path.write_bytes(BASE)
    return path


def test_base_file_loads(base_file):
    """The unmutated file loads back equal, so the mutations start from a valid file."""
    assert WeightHistory.load(base_file) == base_history()


# -- strategies: each draws (family, bytes of a file) -------------------------------------------
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.sampled_from([0, 1, 2, 3, -1, 2**31, 2**40, 2**63, 2**64])
    | st.floats()
    | st.text(max_size=8)
    | st.sampled_from(
        ["F32", "F64", "BOOL", "C64", "BF16", "F8_E4M3", "I4", "conv1.weight", "metrics/val_loss"]
    ),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=8,
)
positions = st.integers(0, 4096)


@st.composite
def byte_damage(draw):
    """Truncations, bit flips, inserted, deleted or overwritten bytes, and a lying length field."""
    data = bytearray(BASE)
    kind = draw(st.sampled_from(["truncate", "flip", "insert", "delete", "length"]))
    at = draw(positions) % len(data)
    if kind == "truncate":
        data = data[:at]
    elif kind == "flip":
        for pos, bit in draw(st.lists(st.tuples(positions, st.integers(0, 7)), min_size=1, max_size=4)):
            data[pos % len(data)] ^= 1 << bit
    elif kind == "insert":
        data[at:at] = draw(st.binary(min_size=1, max_size=16))
    elif kind == "delete":
        del data[at : at + draw(st.integers(1, 32))]
    else:
        value = draw(st.sampled_from([0, 7, 8, 2**31, 2**40, 2**64 - 1]) | st.integers(0, 2**64 - 1))
        data[:8] = value.to_bytes(8, "little")
    return kind, bytes(data)


@st.composite
def tensor_header_edits(draw):
    """The safetensors header of a tensor edited: dtype, shape, offsets, or the entry renamed or dropped."""
    header, body = split(BASE)
    name = draw(st.sampled_from(sorted(k for k in header if k != "__metadata__")))
    field = draw(st.sampled_from(["dtype", "shape", "data_offsets", "rename", "drop"]))
    if field == "rename":
        header[draw(st.text(max_size=12))] = header.pop(name)
    elif field == "drop":
        del header[name]
    elif field == "shape" and draw(st.booleans()):  # terabytes
        header[name]["shape"] = draw(st.sampled_from([[3, 2**40], [2**20, 2**20, 2**10], [3, 0, 2**62]]))
    else:
        header[name][field] = draw(json_values)
    return f"tensor-{field}", join(header, body)


@st.composite
def history_header_edits(draw):
    """The history's own JSON header edited: one field replaced, dropped, or the JSON damaged."""
    header = dict(BASE_HEADER)
    field = draw(st.sampled_from(sorted(header)))
    kind = draw(st.sampled_from(["replace", "drop", "text"]))
    if kind == "replace":
        header[field] = draw(json_values)
        text = json.dumps(header)
    elif kind == "drop":
        del header[field]
        text = json.dumps(header)
    else:
        text = json.dumps(header)
        at = draw(positions) % len(text)
        text = text[:at] + draw(st.text(max_size=4)) + text[at + draw(st.integers(0, 4)) :]
    return f"history-{kind}", safetensors.numpy.save(BASE_TENSORS, metadata={KEY: text})


numpy_dtypes = st.sampled_from(
    [np.float32, np.float64, np.float16, np.int64, np.int8, np.uint32, np.bool_, np.complex64]
)


@st.composite
def retyped_tensors(draw):
    """A tensor replaced by one of another dtype and/or shape, written by safetensors itself."""
    tensors = dict(BASE_TENSORS)
    name = draw(st.sampled_from(sorted(tensors)))
    shape = draw(st.lists(st.integers(0, 4), max_size=3) | st.just(list(tensors[name].shape)))
    tensors[name] = np.zeros(shape, dtype=draw(numpy_dtypes))
    return "retyped", safetensors.numpy.save(tensors, metadata={KEY: json.dumps(BASE_HEADER)})


@st.composite
def foreign_files(draw):
    """Other safetensors files, and files that are not safetensors at all."""
    kind = draw(st.sampled_from(["safetensors", "metadata", "pickle", "random"]))
    if kind == "safetensors":
        names = draw(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=3, unique=True))
        tensors = {
            n: np.zeros(draw(st.lists(st.integers(0, 3), max_size=3)), draw(numpy_dtypes)) for n in names
        }
        data = safetensors.numpy.save(tensors, metadata={"format": "pt"})
    elif kind == "metadata":
        metadata = draw(st.dictionaries(st.sampled_from([KEY, "format", "other"]), st.text(max_size=20)))
        data = safetensors.numpy.save(BASE_TENSORS, metadata=metadata)
    elif kind == "pickle":
        data = pickle.dumps(draw(json_values))
    else:
        data = draw(st.binary(max_size=256))
    return f"foreign-{kind}", data


cases = st.one_of(
    byte_damage(), tensor_header_edits(), history_header_edits(), retyped_tensors(), foreign_files()
)


# -- the fuzz test -----------------------------------------------------------------------------------
def check_consistent(h: WeightHistory, tmp_path) -> None:
    """The invariants every history keeps, its accessors, and an exact round trip."""
    n = len(h)
    assert n >= 1 and h.steps.shape == (n, 2) and (h.steps >= 0).all()
    assert all(h[key].shape[0] == n and h[key].dtype.kind in "biuf" for key in h)
    assert len({len(v) for v in h.metrics.values()}) <= 1
    repr(h), h.layer_names(), h.epochs, h.completed
    assert WeightHistory.load(h.save(tmp_path / "again.safetensors", overwrite=True)) == h


def test_fuzz_load(tmp_path, capsys):
    """Thousands of damaged files: each ends in ValueError or a consistent history."""
    path = tmp_path / "case.safetensors"
    outcomes: Counter[tuple[str, str]] = Counter()

    @settings(
        max_examples=N_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def run(case):
        family, data = case
        path.write_bytes(data)
        try:
            h = WeightHistory.load(path)
        except ValueError as exc:
            assert str(exc).startswith(f"{path} is not a valid cnnexplain history file: "), exc
            outcomes[family, "ValueError"] += 1
            return
        check_consistent(h, tmp_path)
        outcomes[family, "loaded"] += 1

    start = time.perf_counter()
    run()
    total = sum(outcomes.values())
    per_family = Counter()
    for (family, outcome), count in outcomes.items():
        per_family[family.split("-")[0], outcome] += count
    summary = ", ".join(
        f"{family} {outcome} {count}" for (family, outcome), count in sorted(per_family.items())
    )
    with capsys.disabled():  # shown in every run, not only on failure
        print(f"\nfuzzed WeightHistory.load: {total} cases in {time.perf_counter() - start:.1f} s: {summary}")
    assert total >= N_EXAMPLES
    assert sum(c for (_, o), c in outcomes.items() if o == "loaded") > 0  # some damage is harmless


# -- peak memory of files that declare terabytes -------------------------------------------------------
MEASURE = """
import resource, sys
from cnnexplain import LineCNN
from cnnexplain.history import WeightHistory
WeightHistory.load(sys.argv[1])  # the valid base file: imports and first-use allocations
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
for path in sys.argv[2:]:
    try:
        WeightHistory.load(path)
    except ValueError:
        pass
    else:
        raise SystemExit(f"{path} loaded")
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before)  # KiB on Linux
"""


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_headers_declaring_terabytes_take_little_memory(base_file, tmp_path):
    header, body = split(BASE)
    paths = []
    for i, edit in enumerate(
        [
            {"shape": [3, 2**40], "data_offsets": [0, 3 * 2**42]},  # offsets that agree with the shape
            {"shape": [3, 2**40]},  # offsets that do not
            {"shape": [3, 0, 2**62]},  # no bytes at all, an absurd dimension
        ]
    ):
        edited = json.loads(json.dumps(header))
        edited["conv1.weight"].update(edit)
        paths.append(tmp_path / f"tb{i}.safetensors")
        paths[-1].write_bytes(join(edited, body))
    paths.append(tmp_path / "tb-header.safetensors")  # the length field claims a 1 TiB header
    paths[-1].write_bytes((2**40).to_bytes(8, "little") + BASE[8:])
    text = "[" * 200_000 + "]" * 200_000  # a deeply nested JSON header
    paths.append(tmp_path / "deep.safetensors")
    paths[-1].write_bytes(safetensors.numpy.save(BASE_TENSORS, metadata={KEY: text}))
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(base_file), *map(str, paths)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) < 8 * 1024, f"peak memory grew by {int(result.stdout)} KiB"


# -- files that declare any size: refused, or read into place once -----------------------------------
def declared_file(
    path: Path, shape: list[int], *, steps: int = 1, dtype: str = "U8", data_bytes: int | None = None
) -> Path:
    """A history file whose one parameter ``w`` declares ``shape``, and whose data is a hole.

    The header is what :meth:`WeightHistory.save` writes; the data region is
    ``data_bytes`` long (by default what the shape declares) but never
    written: a sparse file that takes a few KB of disk whatever it claims.
    If the file system cannot hold a file that long, the file is left short
    (it is then truncated, which :meth:`WeightHistory.load` must refuse too).
    """
    itemsize = {"U8": 1, "F32": 4}[dtype]
    declared = itemsize * int(np.prod(np.array(shape, dtype=object)))
    history_header = {**BASE_HEADER, "params": ["w"], "metrics": [], "steps": [[0, 0]] * steps, "config": {}}
    header = {
        "__metadata__": {KEY: json.dumps(history_header)},
        "w": {"dtype": dtype, "shape": shape, "data_offsets": [0, declared]},
    }
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text)
        try:
            f.truncate(8 + len(text) + (declared if data_bytes is None else data_bytes))
        except (OSError, OverflowError):  # beyond what the file system holds: a short file
            pass
    return path


#: Loads each ``path=max_bytes`` given (``path`` alone: the default limit) after a warm-up load,
#: and prints the outcome of each and the growth of peak memory (KiB) over all of them.
MEASURE_EACH = """
import json, resource, sys
from cnnexplain import LineCNN
from cnnexplain.history import WeightHistory
WeightHistory.load(sys.argv[1])  # the valid base file: imports and first-use allocations
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
outcomes = []
for spec in sys.argv[2:]:
    path, _, limit = spec.partition("=")
    try:
        history = WeightHistory.load(path, **({"max_bytes": int(limit)} if limit else {}))
    except ValueError as exc:
        outcomes.append("refused: " + str(exc)[:300])
    else:
        outcomes.append("loaded")
        del history
print(json.dumps({"growth_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, "outcomes": outcomes}))
"""


def measure_loads(base_file: Path, specs: list[str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_EACH, str(base_file), *specs], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_a_file_claiming_gigabytes_is_refused_before_anything_is_read(base_file, tmp_path):
    """A 2 GiB claim (a sparse file of a few KB): refused by its size under the default limit,
    and, with the limit raised, by its shape, which disagrees with the steps, before it is read."""
    agrees = declared_file(tmp_path / "agrees.safetensors", [1, 2**31], dtype="U8")
    disagrees = declared_file(tmp_path / "disagrees.safetensors", [2, 2**28], steps=3, dtype="F32")
    try:
        measured = measure_loads(base_file, [str(agrees), f"{disagrees}={2**32}"])
    finally:  # gigabytes that take no disk, until something copies them: leave none behind
        agrees.unlink()
        disagrees.unlink()
    first, second = measured["outcomes"]
    assert (
        first.startswith(f"refused: {agrees} is 2,147,483,") and "more than max_bytes=1,073,741,824" in first
    )
    assert second.startswith("refused: ") and "one snapshot per step (3)" in second
    assert measured["growth_kib"] < 8 * 1024, f"peak memory grew by {measured['growth_kib']} KiB"


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_a_large_valid_file_is_read_into_place_once(base_file, tmp_path):
    """96 MiB of weights: memory grows by about 96 MiB, one copy, not two or three."""
    size = 96 * 2**20
    path = declared_file(tmp_path / "large.safetensors", [1, size // 4], dtype="F32")
    try:
        measured = measure_loads(base_file, [str(path)])
    finally:
        path.unlink()
    assert measured["outcomes"] == ["loaded"]
    assert measured["growth_kib"] < (size + 16 * 2**20) // 1024, (
        f"peak memory grew by {measured['growth_kib']} KiB"
    )


#: The limit of the property test below, and the most its loads may add to peak memory:
#: the file (at most the limit) plus room for the header and Python's own allocations.
PROPERTY_LIMIT = 64 * 2**20
PROPERTY_BOUND = PROPERTY_LIMIT + 16 * 2**20
EDGE_SIZES = [0, 1, PROPERTY_LIMIT - 4096, PROPERTY_LIMIT, 2**31, 2**40, 2**63 - 1, 2**63, 2**64 - 1, 2**64]
declared_sizes = (
    st.integers(0, 2**64) | st.integers(0, 64).map(lambda k: 2**k) | st.integers(0, PROPERTY_LIMIT)
)
file_kinds = st.sampled_from(["whole", "short", "disagrees"])


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
@settings(
    max_examples=2,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.generate],  # each example runs a fresh interpreter: no shrinking
    suppress_health_check=list(HealthCheck),
)
@given(cases=st.lists(st.tuples(file_kinds, declared_sizes), min_size=24, max_size=24))
def test_a_file_declaring_any_size_is_refused_or_read_within_a_bound(base_file, tmp_path_factory, cases):
    """Any declared size from 0 to 2**64 bytes, in a file that holds it all (sparse), holds less, or
    whose shape disagrees with its steps: the file loads exactly when it is whole and within
    ``max_bytes``, and peak memory grows by at most ``max_bytes`` plus 16 MiB."""
    folder = tmp_path_factory.mktemp("declared")
    cases = [(kind, size) for size in EDGE_SIZES for kind in ("whole", "short", "disagrees")] + cases
    specs, expected = [], []
    for i, (kind, size) in enumerate(cases):
        path = folder / f"{i}.safetensors"
        if kind == "disagrees":  # two snapshots of the parameter, one step
            declared_file(path, [2, size // 2], data_bytes=2 * (size // 2))
        else:
            declared_file(path, [1, size], data_bytes=size if kind == "whole" else min(size, 4096) - 1)
        with open(path, "rb") as f:
            header_length = int.from_bytes(f.read(8), "little")
        whole = path.stat().st_size == 8 + header_length + size
        expected.append(
            "loaded" if kind == "whole" and whole and path.stat().st_size <= PROPERTY_LIMIT else "refused"
        )
        specs.append(f"{path}={PROPERTY_LIMIT}")
    try:
        measured = measure_loads(base_file, specs)
    finally:
        for path in folder.iterdir():  # sparse files of terabytes: leave none behind
            path.unlink()
    assert [outcome.split(":")[0] for outcome in measured["outcomes"]] == expected
    assert measured["growth_kib"] * 1024 < PROPERTY_BOUND, f"peak memory grew by {measured['growth_kib']} KiB"


# -- the model a history's settings describe ----------------------------------------------------------
#: A LineCNN of 103 million parameters (411 MB): a few bytes of settings in a file of kilobytes.
LARGE_MODEL = {"class": "LineCNN", "image_size": 66, "hidden": 65536}
#: One of 4.4 million million parameters: more than any machine allocates.
HUGE_MODEL = {
    "class": "LineCNN",
    "image_size": 1024,
    "kernel_size": 1,
    "kernel_size2": 1,
    "n_kernels2": 1024,
    "hidden": 65536,
}

MEASURE_MODEL = """
import json, resource, sys
from cnnexplain import LineCNN
from cnnexplain.history import WeightHistory
history = WeightHistory.load(sys.argv[1])
history.model_at(0)  # imports and first-use allocations
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    WeightHistory.load(sys.argv[2]).model_at(0)
except ValueError as exc:
    outcome = "refused: " + str(exc)[:300]
else:
    outcome = "built"
print(json.dumps({"growth_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, "outcome": outcome}))
"""


def with_model_settings(history: WeightHistory, model: dict) -> WeightHistory:
    return WeightHistory(
        {key: history[key] for key in history},
        history.steps,
        history.metrics,
        {**history.config, "model": model},
    )


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_model_at_compares_the_settings_with_the_parameters_before_building(tiny_run, tmp_path):
    """``model_at`` (and so ``Experiment.from_history`` and ``Explorer``) built the LineCNN the file's
    settings describe, and only then found that it did not hold the file's parameters: 411 MB
    for a file of kilobytes."""
    history = tiny_run[1]
    good = history.save(tmp_path / "good.safetensors")
    large = with_model_settings(history, {**history.config["model"], **LARGE_MODEL})
    path = large.save(tmp_path / "large.safetensors")
    assert path.stat().st_size < 100_000
    result = subprocess.run(
        [sys.executable, "-c", MEASURE_MODEL, str(good), str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    measured = json.loads(result.stdout)
    assert measured["outcome"].startswith("refused: config['model'] describes 'fc1.bias' of shape (65536,)")
    assert measured["growth_kib"] < 8 * 1024, f"peak memory grew by {measured['growth_kib']} KiB"


def test_model_at_refuses_settings_no_machine_could_build(tiny_run):
    """Was torch's RuntimeError ("can't allocate memory"): a bug, exit 1, for a bad file."""
    history = with_model_settings(tiny_run[1], {**tiny_run[1].config["model"], **HUGE_MODEL})
    with pytest.raises(
        ValueError, match=r"config\['model'\] describes 'conv1.weight' of shape \(8, 1, 1, 1\)"
    ):
        history.model_at(-1)
    assert history.model_at(-1, LineCNN(image_size=20)) is not None  # a model given is used as it is
