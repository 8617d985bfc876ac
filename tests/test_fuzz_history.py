"""Fuzz :meth:`cnnexplain.training.WeightHistory.load` with damaged and hostile files.

Thousands of mutations of a tiny, valid history file -- truncations, bit
flips, inserted and deleted bytes, edited ``meta.json`` headers, swapped
``.npy`` dtypes and shapes, missing, extra and duplicate members, zip headers
that lie about sizes (up to terabytes, through zip64 fields), unsupported
compression, zip bombs, pickled object arrays and raw pickles -- must each end
in the documented ``ValueError`` or in a history that is internally
consistent. Nothing from the file may run (a pickle that would create a marker
file never does), and no case may allocate more than a few megabytes
(measured with :mod:`tracemalloc`).

The same cases also go through ``cnnexplain info``, which must exit with
status 2 and one line on standard error, or succeed.

The run is deterministic (``derandomize=True``, no example database), so CI
sees the same cases every time. ``CNNEXPLAIN_FUZZ_EXAMPLES`` sets the number
of cases fed to the loader (default 5000, about 20 s of CPU),
``CNNEXPLAIN_FUZZ_CLI_EXAMPLES`` those fed to the command line (default 300).
The loader's run prints one line with the number of cases and their outcomes.
"""

from __future__ import annotations

import io
import json
import os
import pickle
import struct
import time
import tracemalloc
import warnings
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cnnexplain.history import METRICS, WeightHistory

N_EXAMPLES = int(os.environ.get("CNNEXPLAIN_FUZZ_EXAMPLES", "5000"))
#: Peak traced memory allowed for one load. The base file unpacks to a few
#: kilobytes; a loader that believes a header's sizes would go far beyond.
MEMORY_LIMIT = 8 << 20
#: Size of the zip-bomb member: tiny on disk, this much when inflated.
BOMB_BYTES = 64 << 20
N_SNAPSHOTS = 3
META = "meta.json"
DATE = (1980, 1, 1, 0, 0, 0)


# -- the base history and helpers to write archives -----------------------------------
def base_history() -> WeightHistory:
    """A tiny but complete history: float, int and bool arrays, four metrics."""
    n = N_SNAPSHOTS
    params = {
        "conv1.weight": np.linspace(-1, 1, n * 2 * 1 * 2 * 2, dtype=np.float32).reshape(n, 2, 1, 2, 2),
        "conv1.bias": np.array([[0.0, 0.5], [0.1, 0.4], [0.2, 0.3]], dtype=np.float32),
        "bn.num_batches_tracked": np.arange(n, dtype=np.int64),
        "fc.weight": np.ones((n, 2, 3), dtype=np.float64),
        "mask": np.array([[True, False]] * n),
    }
    steps = np.array([[0, 0], [1, 4], [2, 4]], dtype=np.int64)
    metrics = {
        "train_loss": np.array([0.7, 0.4, 0.2]),
        "train_accuracy": np.array([0.5, 0.75, 1.0]),
        "val_loss": np.array([0.7, 0.5, 0.3]),
        "val_accuracy": np.array([0.5, 0.5, 1.0]),
    }
    config = {
        "model": {"class": "Tiny"},
        "training": {"epochs": 2, "completed_epochs": 2, "batches_per_epoch": 4, "seed": 0},
    }
    return WeightHistory(params, steps, metrics, config)


BASE_CONFIG = base_history().config


def npy_bytes(arr: np.ndarray, *, allow_pickle: bool = False) -> bytes:
    out = io.BytesIO()
    np.lib.format.write_array(out, arr, allow_pickle=allow_pickle)
    return out.getvalue()


def make_zip(
    members: list[tuple[str, bytes]], method: int = zipfile.ZIP_DEFLATED, comment: bytes = b""
) -> bytes:
    """A zip of ``members`` in order (duplicate names allowed), written like ``save``."""
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # duplicate names
        with zipfile.ZipFile(buf, "w") as zf:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=DATE)
                info.compress_type = method
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
            zf.comment = comment
    return buf.getvalue()


def arrays_to_members(arrays: dict[str, np.ndarray], meta_edit=None, *, pickle_ok: bool = False):
    """Members of a history file holding ``arrays`` with a header that matches them."""
    meta = {
        "format": "cnnexplain.WeightHistory",
        "format_version": 1,
        "cnnexplain_version": "0.1.0",
        "snapshots": int(arrays["steps"].shape[0]) if getattr(arrays.get("steps"), "ndim", 0) else 1,
        "arrays": {k: {"dtype": str(a.dtype), "shape": list(a.shape)} for k, a in arrays.items()},
        "config": BASE_CONFIG,
    }
    if meta_edit is not None:
        meta_edit(meta)
    members = [(META, json.dumps(meta, sort_keys=True, indent=1).encode())]
    members += [(k + ".npy", npy_bytes(a, allow_pickle=pickle_ok)) for k, a in arrays.items()]
    return members


def raw_zip(entries: list[dict], *, eocd_entries: int | None = None, cd_size_delta: int = 0) -> bytes:
    """A zip written by hand, so that every size field can lie.

    Each entry has ``name``, ``payload`` (the bytes stored) and optionally
    ``method``, ``crc``, ``csize``/``usize`` (central directory),
    ``lcsize``/``lusize`` (local header), ``cextra``/``lextra``.
    """
    out, central = bytearray(), bytearray()
    for e in entries:
        name = e["name"].encode("utf-8", "surrogateescape")
        offset = len(out)
        lextra, cextra = e.get("lextra", b""), e.get("cextra", b"")
        method, crc = e.get("method", 0), e.get("crc", 0)
        csize, usize = e.get("csize", 0), e.get("usize", 0)
        out += struct.pack(
            "<IHHHHHIIIHH",
            0x04034B50,
            45,
            0x800,
            method,
            0,
            0x21,
            crc,
            e.get("lcsize", csize),
            e.get("lusize", usize),
            len(name),
            len(lextra),
        )
        out += name + lextra + e["payload"]
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50,
            45,
            45,
            0x800,
            method,
            0,
            0x21,
            crc,
            csize,
            usize,
            len(name),
            len(cextra),
            0,
            0,
            0,
            0o644 << 16,
            offset,
        )
        central += name + cextra
    n = len(entries) if eocd_entries is None else eocd_entries
    eocd = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central) + cd_size_delta, len(out), 0)
    return bytes(out + central + eocd)


def entry_for(name: str, data: bytes, method: int = zipfile.ZIP_DEFLATED) -> dict:
    """A truthful raw-zip entry for ``data``."""
    if method == zipfile.ZIP_DEFLATED:
        c = zlib.compressobj(6, zlib.DEFLATED, -15)
        payload = c.compress(data) + c.flush()
    else:
        payload = data
    return {
        "name": name,
        "payload": payload,
        "method": method,
        "crc": zlib.crc32(data),
        "csize": len(payload),
        "usize": len(data),
    }


def zip64_extra(*values: int) -> bytes:
    return struct.pack("<HH", 1, 8 * len(values)) + b"".join(struct.pack("<Q", v) for v in values)


class Marker:
    """Unpickling this creates the marker file: proof that code from the file ran."""

    def __init__(self, path: str) -> None:
        self.path = path

    def __reduce__(self):
        return (open, (self.path, "w"))


# -- what a successful load must look like ---------------------------------------------
def check_consistent(h: WeightHistory) -> None:
    assert isinstance(h, WeightHistory)
    n = len(h)
    assert n >= 1
    assert h.steps.shape == (n, 2) and h.steps.dtype == np.int64
    assert (h.steps >= 0).all()
    assert len(list(h)) >= 1
    for key in h:
        arr = h[key]
        assert isinstance(arr, np.ndarray) and arr.ndim >= 1 and arr.shape[0] == n, (key, arr.shape)
        assert not arr.dtype.hasobject and arr.dtype.kind in "fiub"
        assert arr.dtype.isnative
    lengths = {len(v) for v in h.metrics.values()}
    assert len(lengths) <= 1
    assert set(h.metrics) <= set(METRICS)
    assert all(v.ndim == 1 and v.dtype == np.float64 for v in h.metrics.values())
    assert isinstance(h.config, dict)
    # The accessors of a loaded history must work on whatever the file held.
    repr(h)
    h.layer_names()
    h.state_dict_at(0)
    h.state_dict_at(-1)
    assert h.snapshot_of_epoch(int(h.steps[-1, 0])) == n - 1
    assert h.epochs.shape == (n,)
    assert isinstance(h.completed, bool)


# -- strategies -------------------------------------------------------------------------
json_leaves = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, 1, -1, 2, 3, 2**31, 2**32, 2**40, 2**63, 10**12, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=8),
    st.sampled_from(["float32", "float64", "int64", "object", "|O", "<f4", "cnnexplain.WeightHistory"]),
)
json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4),
    max_leaves=8,
)
dtype_names = st.sampled_from(
    [
        "float32",
        "float64",
        "int64",
        "int32",
        "uint8",
        "bool",
        "float16",
        "complex64",
        "object",
        "O",
        "<f4",
        ">f4",
        "|V8",
        "<U4",
        "datetime64[s]",
        "",
        "int8",
    ]
)
shape_dims = st.one_of(
    st.integers(0, 5),
    st.sampled_from([-1, 2**31, 2**32, 2**39, 2**40, 10**12, 2**63, 10**20]),
    st.booleans(),
    st.floats(0, 4),
    st.text(max_size=2),
    st.none(),
)
shapes = st.lists(shape_dims, max_size=6)
# Terabyte-scale shapes that a careless loader would allocate.
huge_shapes = st.sampled_from(
    [
        [N_SNAPSHOTS, 2**20, 2**20],
        [N_SNAPSHOTS, 10**12],
        [2**39, 2],
        [N_SNAPSHOTS, 2**39],
        [3, 1 << 30, 1 << 10],
    ]
)
names = st.one_of(
    st.sampled_from(
        [
            META,
            "steps.npy",
            "param/conv1.weight.npy",
            "metric/train_loss.npy",
            "metric/val_loss.npy",
            "param/.npy",
            "param/",
            "../evil.npy",
            "/abs.npy",
            "metric/nope.npy",
            "x",
            "",
            "meta.json/",
        ]
    ),
    st.text(max_size=12),
)
positions = st.integers(0, 1 << 16)


def byte_mutation():
    """A function that damages bytes: truncate, flip, insert, delete, overwrite, append."""
    return st.one_of(
        st.tuples(st.just("truncate"), positions),
        st.tuples(st.just("flip"), st.lists(st.tuples(positions, st.integers(0, 7)), min_size=1, max_size=6)),
        st.tuples(st.just("insert"), positions, st.binary(min_size=1, max_size=32)),
        st.tuples(st.just("delete"), positions, st.integers(1, 64)),
        st.tuples(st.just("overwrite"), positions, st.binary(min_size=1, max_size=16)),
        st.tuples(
            st.just("overwrite"), positions, st.sampled_from([b"\xff\xff\xff\xff", b"\x00" * 4, b"PK"])
        ),
        st.tuples(st.just("append"), st.binary(max_size=64)),
        st.tuples(st.just("duplicate"), positions, st.integers(1, 128)),
    )


def apply_bytes(data: bytes, op: tuple) -> bytes:
    kind = op[0]
    n = max(len(data), 1)
    if kind == "truncate":
        return data[: op[1] % n]
    if kind == "flip":
        out = bytearray(data)
        for pos, bit in op[1]:
            if out:
                out[pos % len(out)] ^= 1 << bit
        return bytes(out)
    if kind == "insert":
        p = op[1] % (len(data) + 1)
        return data[:p] + op[2] + data[p:]
    if kind == "delete":
        p = op[1] % n
        return data[:p] + data[p + op[2] :]
    if kind == "overwrite":
        p = op[1] % n
        return data[:p] + op[2] + data[p + len(op[2]) :]
    if kind == "append":
        return data + op[1]
    if kind == "duplicate":
        p = op[1] % n
        return data[:p] + data[p : p + op[2]] + data[p:]
    raise AssertionError(kind)


# -- the fuzz test ----------------------------------------------------------------------
@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The base history, its members, the marker path and hostile payloads."""
    return build_corpus(tmp_path_factory.mktemp("fuzz"))


def build_corpus(d: Path) -> dict:
    """The base history saved in ``d``, its members, the marker path and hostile payloads."""
    history = base_history()
    base_path = history.save(d / "base.npz")
    base = base_path.read_bytes()
    with zipfile.ZipFile(base_path) as zf:
        members = [(i.filename, zf.read(i)) for i in zf.infolist()]
    marker = d / "MARKER-code-from-the-file-ran"
    evil = Marker(str(marker))
    arrays = {"steps": history.steps}
    arrays.update({f"param/{k}": history[k] for k in history})
    arrays.update({f"metric/{k}": v for k, v in history.metrics.items()})
    # Inflates to BOMB_BYTES of zeros from about 64 kB of deflate.
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb_payload = c.compress(bytes(BOMB_BYTES)) + c.flush()
    bomb_crc = zlib.crc32(bytes(BOMB_BYTES))
    return {
        "dir": d,
        "history": history,
        "base": base,
        "members": members,
        "arrays": arrays,
        "marker": marker,
        "evil": evil,
        "raw_pickle": pickle.dumps(evil),
        "object_npy": npy_bytes(np.array([evil, 1.0], dtype=object), allow_pickle=True),
        "bomb": (bomb_payload, bomb_crc),
    }


def cases(c: dict):
    """Strategy of ``(family, file bytes)`` built from the corpus ``c``."""
    base, members, arrays = c["base"], c["members"], c["arrays"]
    array_names = list(arrays)

    # 1. raw damage of the saved file (deflated as written by save, or stored).
    stored = make_zip(members, zipfile.ZIP_STORED)
    raw = st.builds(
        lambda src, ops: ("raw", _chain(src, ops)),
        st.sampled_from([base, stored]),
        st.lists(byte_mutation(), min_size=1, max_size=3),
    )

    # 2. damage inside one member, archive rebuilt with good CRCs.
    def member_damage(i, ops, method):
        ms = list(members)
        name, data = ms[i]
        ms[i] = (name, _chain(data, ops))
        return ("member-bytes", make_zip(ms, method))

    member = st.builds(
        member_damage,
        st.integers(0, len(members) - 1),
        st.lists(byte_mutation(), min_size=1, max_size=2),
        st.sampled_from([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]),
    )

    # 3. meta.json edits.
    def meta_edit(kind, key, value, arr_name, dtype, shape):
        meta = json.loads(dict(members)[META])
        if kind == "top-set":
            meta[key] = value
        elif kind == "top-del":
            meta.pop(key, None)
        elif kind == "dtype":
            meta["arrays"][arr_name]["dtype"] = dtype
        elif kind == "shape":
            meta["arrays"][arr_name]["shape"] = shape
        elif kind == "huge-shape":
            meta["arrays"][arr_name]["shape"] = shape
        elif kind == "spec":
            meta["arrays"][arr_name] = value
        elif kind == "spec-del":
            del meta["arrays"][arr_name]
        elif kind == "spec-add":
            meta["arrays"][str(value)[:20]] = {"dtype": dtype, "shape": shape}
        elif kind == "snapshots":
            meta["snapshots"] = value
        elif kind == "config":
            meta["config"][key] = value
        elif kind == "training":
            meta["config"]["training"][key] = value
        ms = [(n, json.dumps(meta).encode() if n == META else d) for n, d in members]
        return ("meta", make_zip(ms))

    top_keys = st.sampled_from(
        ["format", "format_version", "snapshots", "arrays", "config", "cnnexplain_version", "extra"]
    )
    config_keys = st.sampled_from(["training", "model", "dataset", "val_dataset", "batches_per_epoch"])
    training_keys = st.sampled_from(["batches_per_epoch", "epochs", "completed_epochs", "seed", "record"])
    meta = st.one_of(
        st.builds(
            meta_edit,
            st.sampled_from(
                ["top-set", "top-del", "dtype", "shape", "spec", "spec-del", "spec-add", "snapshots"]
            ),
            top_keys,
            json_values,
            st.sampled_from(array_names),
            dtype_names,
            shapes,
        ),
        st.builds(
            meta_edit,
            st.just("huge-shape"),
            top_keys,
            json_values,
            st.sampled_from(array_names),
            dtype_names,
            huge_shapes,
        ),
        st.builds(
            meta_edit, st.just("config"), config_keys, json_values, st.just("steps"), dtype_names, shapes
        ),
        st.builds(
            meta_edit, st.just("training"), training_keys, json_values, st.just("steps"), dtype_names, shapes
        ),
    )

    # 4. arrays that parse but disagree with each other, with a header that agrees with them.
    def semantic(kind, arr_name, dtype, n, value, pickle_ok):
        a = {k: v.copy() for k, v in arrays.items()}
        if kind == "astype":
            try:
                a[arr_name] = a[arr_name].astype(dtype)
            except (TypeError, ValueError):
                a[arr_name] = np.array([value], dtype=object)
        elif kind == "slice":
            a[arr_name] = a[arr_name][:n]
        elif kind == "repeat":
            a[arr_name] = np.concatenate([a[arr_name]] * (n + 1))
        elif kind == "reshape":
            a[arr_name] = a[arr_name].reshape(-1)
        elif kind == "scalar":
            a[arr_name] = np.asarray(a[arr_name].reshape(-1)[0])
        elif kind == "steps":
            s = a["steps"].copy()
            s[n % len(s), n % 2] = value if isinstance(value, int) and -(2**63) <= value < 2**63 else -1
            a["steps"] = s
        elif kind == "drop":
            del a[arr_name]
        elif kind == "no-params":
            a = {k: v for k, v in a.items() if not k.startswith("param/")}
        elif kind == "fortran":
            a[arr_name] = np.asfortranarray(a[arr_name])
        elif kind == "byteswap":
            a[arr_name] = a[arr_name].astype(a[arr_name].dtype.newbyteorder(">"))
        elif kind == "object":
            a[arr_name] = np.array([c["evil"]] * len(a[arr_name]), dtype=object)
        elif kind == "new-param":
            a[f"param/{value!s:.10}"] = np.zeros((n,), dtype=np.float32)
        elif kind == "nonfinite":
            if a[arr_name].dtype.kind == "f":
                a[arr_name] = a[arr_name].copy()
                a[arr_name].reshape(-1)[0] = [np.nan, np.inf, -np.inf][n % 3]
        if "steps" not in a:
            return ("semantic", make_zip(arrays_to_members({"steps": np.zeros((1, 2), np.int64), **a})))
        try:
            ms = arrays_to_members(a, pickle_ok=pickle_ok)
        except ValueError:  # an object array written without pickling: write it with pickling
            ms = arrays_to_members(a, pickle_ok=True)
        return ("semantic", make_zip(ms))

    sem = st.builds(
        semantic,
        st.sampled_from(
            [
                "astype",
                "slice",
                "repeat",
                "reshape",
                "scalar",
                "steps",
                "drop",
                "no-params",
                "fortran",
                "byteswap",
                "object",
                "new-param",
                "nonfinite",
            ]
        ),
        st.sampled_from(array_names),
        st.sampled_from(
            ["float16", "complex64", "int8", "uint16", "float64", "float32", "bool", "int64", "U4"]
        ),
        st.integers(0, 4),
        json_leaves,
        st.booleans(),
    )

    # 5. an .npy whose own header disagrees with meta.json (dtype, shape, pickles).
    def npy_swap(arr_name, kind, dtype, shape):
        ms = dict(members)
        key = arr_name + ".npy"
        arr = arrays[arr_name]
        if kind == "dtype":
            try:
                data = npy_bytes(arr.astype(dtype))
            except (TypeError, ValueError):
                data = c["object_npy"]
        elif kind == "object-pickle":
            data = c["object_npy"]
        elif kind == "raw-pickle":
            data = c["raw_pickle"]
        elif kind == "header-shape":
            # Keep the data, claim another shape in the .npy header only.
            header = {"descr": arr.dtype.str, "fortran_order": False, "shape": tuple(shape)}
            out = io.BytesIO()
            np.lib.format.write_array_header_1_0(out, header)
            data = out.getvalue() + arr.tobytes()
        elif kind == "header-text":
            # A header with a hand-written dict: odd descr, extra keys, code.
            body = {
                0: "{'descr': '|O', 'fortran_order': False, 'shape': (3,), }",
                1: "{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (3,), }",
                2: "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), 'x': __import__('os') }",
                3: "{'descr': '<f4', 'fortran_order': 1, 'shape': (-3,), }",
                4: "{'descr': '<f4', 'shape': (3,), }",
                5: "[1, 2, 3]",
                6: "{'descr': '<f4', 'fortran_order': False, 'shape': (1099511627776, 1099511627776), }",
                7: "{'descr': '<f4', 'fortran_order': False, 'shape': (3, " + "1, " * 3000 + "), }",
            }[len(shape) % 8]
            body = body.encode("latin1")
            pad = (-(len(body) + 11)) % 64
            data = b"\x93NUMPY\x01\x00" + struct.pack("<H", len(body) + pad + 1) + body + b" " * pad + b"\n"
            data += arr.tobytes()
        else:  # version
            data = b"\x93NUMPY" + bytes([shape[0] % 256 if shape else 3, 0])
            data += npy_bytes(arr)[8:]
        ms[key] = data
        return ("npy", make_zip(list(ms.items())))

    npy = st.builds(
        npy_swap,
        st.sampled_from(array_names),
        st.sampled_from(["dtype", "object-pickle", "raw-pickle", "header-shape", "header-text", "version"]),
        dtype_names,
        st.lists(st.integers(0, 2**40), max_size=8),
    )

    # 6. missing, extra and duplicate members.
    def membership(kind, i, name, data):
        ms = list(members)
        if kind == "remove":
            del ms[i % len(ms)]
        elif kind == "extra":
            ms.insert(i % (len(ms) + 1), (name, data))
        elif kind == "duplicate":
            ms.append(ms[i % len(ms)])
        elif kind == "replace-name":
            ms[i % len(ms)] = (name, ms[i % len(ms)][1])
        elif kind == "only":
            ms = [ms[i % len(ms)]]
        elif kind == "empty":
            ms = []
        elif kind == "pickle-member":
            ms.append((name, c["raw_pickle"]))
        return ("members", make_zip(ms))

    membership_s = st.builds(
        membership,
        st.sampled_from(["remove", "extra", "duplicate", "replace-name", "only", "empty", "pickle-member"]),
        st.integers(0, 20),
        names,
        st.binary(max_size=32),
    )

    # 7. zip headers that lie: sizes (up to terabytes through zip64), methods, CRCs, counts.
    lies = st.sampled_from(
        [0, 1, 2, 100, 4095, 4097, 2**20, 2**30, 2**31, 2**32 - 2, 2**32 - 1, 2**33, 2**40, 2**50, 2**63 - 1]
    )

    def header_lie(i, field, value, method, extra_count, cd_delta):
        entries = [
            entry_for(n, d, zipfile.ZIP_DEFLATED if method == 8 else zipfile.ZIP_STORED) for n, d in members
        ]
        e = entries[i % len(entries)]
        if field == "method":
            e["method"] = value % 100
        elif field == "crc":
            e["crc"] = value & 0xFFFFFFFF
        elif value >= 0xFFFFFFFF:
            # zip64: the 32-bit field says "see the extra field", which holds the lie.
            if field in ("usize", "both"):
                e["usize"] = e["lusize"] = 0xFFFFFFFF
            if field in ("csize", "both"):
                e["csize"] = e["lcsize"] = 0xFFFFFFFF
            vals = [value] * (2 if field == "both" else 1)
            e["cextra"] = e["lextra"] = zip64_extra(*vals)
        elif field == "usize":
            e["usize"] = e["lusize"] = value
        elif field == "csize":
            e["csize"] = e["lcsize"] = value
        elif field == "both":
            e["usize"] = e["lusize"] = e["csize"] = e["lcsize"] = value
        elif field == "central-usize":
            e["usize"] = value
        elif field == "local-csize":
            e["lcsize"] = value
        return (
            "zip-header",
            raw_zip(entries, eocd_entries=None if extra_count == 0 else extra_count, cd_size_delta=cd_delta),
        )

    header = st.builds(
        header_lie,
        st.integers(0, 20),
        st.sampled_from(["usize", "csize", "both", "central-usize", "local-csize", "method", "crc"]),
        lies,
        st.sampled_from([0, 8]),
        st.sampled_from([0, 0, 0, 1, 2**16 - 1]),
        st.sampled_from([0, 0, 0, 1, -1, 1000]),
    )

    # 8. zip bomb: a member that inflates to 64 MB, declared truthfully or not.
    def bomb(target, declared, meta_claims):
        payload, crc = c["bomb"]
        key = array_names[target % len(array_names)] + ".npy"
        entries = []
        for n, d in members:
            if n == key:
                entries.append(
                    {
                        "name": n,
                        "payload": payload,
                        "method": 8,
                        "crc": crc,
                        "csize": len(payload),
                        "usize": declared,
                    }
                )
            elif n == META and meta_claims:
                meta = json.loads(d)
                meta["arrays"][key[:-4]]["shape"] = [N_SNAPSHOTS, BOMB_BYTES // 4]
                entries.append(entry_for(n, json.dumps(meta).encode()))
            else:
                entries.append(entry_for(n, d))
        # A header that declares the bomb's size is honoured up to max_bytes: load it with a small one.
        return ("bomb-declared" if meta_claims else "bomb", raw_zip(entries))

    bomb_s = st.builds(
        bomb, st.integers(0, 20), st.sampled_from([BOMB_BYTES, 1000, BOMB_BYTES // 2, 2**31]), st.booleans()
    )

    # 9. whole files that are not history archives at all.
    fixed = {
        "empty": b"",
        "pickle": c["raw_pickle"],
        "npy": c["object_npy"],
        "json": dict(members)[META],
        "zip-in-zip": make_zip([("inner.npz", base)]),
        "bzip2": make_zip(members, zipfile.ZIP_BZIP2),
        "lzma": make_zip(members, zipfile.ZIP_LZMA),
    }

    def whole(kind, data):
        if kind == "random":
            return ("whole", data)
        if kind == "prefixed":
            return ("whole", data + base)
        if kind == "commented":
            return ("whole", make_zip(members, comment=data))
        return ("whole", fixed[kind])

    whole_s = st.builds(
        whole,
        st.sampled_from(
            [
                "empty",
                "pickle",
                "npy",
                "json",
                "random",
                "prefixed",
                "zip-in-zip",
                "commented",
                "bzip2",
                "lzma",
            ]
        ),
        st.binary(max_size=200),
    )

    families = st.one_of(raw, member, meta, sem, npy, membership_s, header, bomb_s, whole_s)
    # Sometimes damage a structurally edited file as well.
    return st.one_of(
        families,
        st.builds(lambda fam, op: (fam[0] + "+raw", apply_bytes(fam[1], op)), families, byte_mutation()),
    )


def _chain(data: bytes, ops) -> bytes:
    for op in ops:
        data = apply_bytes(data, op)
    return data


def load_one(path: Path, data: bytes, marker: Path, max_bytes: int | None = None, label: str = "") -> str:
    """Load ``data`` from ``path``; return the outcome, failing on anything not allowed.

    Memory is traced during the load only, so the peak is what loading took.
    """
    # Replace rather than truncate: truncating a file in place costs milliseconds on some file systems.
    path.unlink(missing_ok=True)
    path.write_bytes(data)
    kwargs = {} if max_bytes is None else {"max_bytes": max_bytes}
    error: ValueError | None = None
    tracemalloc.start()
    try:
        h = WeightHistory.load(path, **kwargs)
    except ValueError as exc:
        error = exc
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert peak < MEMORY_LIMIT, f"loading {label} took {peak / 2**20:.1f} MiB of memory"
    assert not marker.exists(), "code from the file ran: the pickle's marker file exists"
    if error is not None:
        message = str(error)
        assert message.startswith(f"{path} is not a valid cnnexplain history file"), message
        assert "MemoryError" not in message, message  # an attempt to allocate what a header claimed
        return "ValueError"
    check_consistent(h)
    return "loaded"


def test_base_file_loads(corpus):
    """The unmutated base file loads back equal, so mutations start from a valid file."""
    assert WeightHistory.load(corpus["dir"] / "base.npz") == corpus["history"]


def test_fuzz_load(corpus, tmp_path, capsys):
    """Thousands of damaged files: each ends in ValueError or a consistent history."""
    path = tmp_path / "case.npz"
    marker = corpus["marker"]
    outcomes: Counter[str] = Counter()
    families: Counter[str] = Counter()

    @settings(
        max_examples=N_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(corpus))
    def run(case):
        family, data = case
        families[family.split("+")[0]] += 1
        max_bytes = 1 << 20 if family.startswith("bomb-declared") else None
        outcomes[load_one(path, data, marker, max_bytes, family)] += 1

    start, cpu = time.perf_counter(), time.process_time()
    run()
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    total = sum(outcomes.values())
    line = (
        f"fuzzed WeightHistory.load: {total} cases in {elapsed:.1f} s ({cpu:.1f} s CPU) "
        f"({outcomes['ValueError']} ValueError, {outcomes['loaded']} loaded consistent); "
        f"families {dict(sorted(families.items()))}"
    )
    with capsys.disabled():  # shown in every run, not only on failure
        print(f"\n{line}")
    report = os.environ.get("CNNEXPLAIN_FUZZ_REPORT")
    if report:
        Path(report).write_text(line + "\n")
    assert total >= N_EXAMPLES
    assert outcomes["ValueError"] > 0 and outcomes["loaded"] > 0


# -- named hostile files, checked one by one ----------------------------------------------
def test_terabyte_header_does_not_allocate(corpus, tmp_path):
    """meta.json and the .npy header both claim a terabyte array: refused, nothing allocated."""
    shape = [N_SNAPSHOTS, 2**40 // 4]
    meta = json.loads(dict(corpus["members"])[META])
    meta["arrays"]["param/conv1.bias"]["shape"] = shape
    header = {"descr": "<f4", "fortran_order": False, "shape": tuple(shape)}
    out = io.BytesIO()
    np.lib.format.write_array_header_1_0(out, header)
    ms = dict(corpus["members"])
    ms[META] = json.dumps(meta).encode()
    ms["param/conv1.bias.npy"] = out.getvalue()
    assert load_one(tmp_path / "tb.npz", make_zip(list(ms.items())), corpus["marker"]) == "ValueError"


@pytest.mark.parametrize("value", [2**31, 2**32 - 2, 2**40, 2**63 - 1])
def test_zip_sizes_claiming_huge_do_not_allocate(corpus, tmp_path, value):
    """A member whose zip headers claim gigabytes to terabytes (zip64) is refused without allocating."""
    entries = [entry_for(n, d, zipfile.ZIP_STORED) for n, d in corpus["members"]]
    for e in entries:
        if e["name"] == "param/conv1.weight.npy":
            if value >= 0xFFFFFFFF:
                e["usize"] = e["lusize"] = e["csize"] = e["lcsize"] = 0xFFFFFFFF
                e["cextra"] = e["lextra"] = zip64_extra(value, value)
            else:
                e["usize"] = e["lusize"] = e["csize"] = e["lcsize"] = value
    assert load_one(tmp_path / "big.npz", raw_zip(entries), corpus["marker"]) == "ValueError"


def test_zip_bomb_is_not_inflated(corpus, tmp_path):
    """A 64 kB member that inflates to 64 MB, with truthful zip headers, is refused cheaply."""
    payload, crc = corpus["bomb"]
    entries = [entry_for(n, d) for n, d in corpus["members"]]
    for e in entries:
        if e["name"] == "metric/train_loss.npy":
            e.update(payload=payload, crc=crc, csize=len(payload), usize=BOMB_BYTES)
    assert load_one(tmp_path / "bomb.npz", raw_zip(entries), corpus["marker"]) == "ValueError"


@pytest.mark.parametrize("where", ["whole-file", "member", "object-array", "object-array-declared"])
def test_pickles_never_run(corpus, tmp_path, where):
    """Pickles -- as the file, as a member, as an object array -- are refused and never unpickled."""
    ms = dict(corpus["members"])
    if where == "whole-file":
        data = corpus["raw_pickle"]
    else:
        if where == "member":
            ms["param/conv1.bias.npy"] = corpus["raw_pickle"]
        else:
            ms["param/conv1.bias.npy"] = corpus["object_npy"]
            if where == "object-array-declared":
                meta = json.loads(ms[META])
                meta["arrays"]["param/conv1.bias"] = {"dtype": "object", "shape": [2]}
                ms[META] = json.dumps(meta).encode()
        data = make_zip(list(ms.items()))
    assert load_one(tmp_path / "p.npz", data, corpus["marker"]) == "ValueError"
    # The payload is live: unpickling it really would create the marker.
    pickle.loads(corpus["raw_pickle"]).close()
    assert corpus["marker"].exists()
    corpus["marker"].unlink()


def test_lzma_dictionary_claim_does_not_allocate(corpus, tmp_path):
    """An LZMA member whose stream header names a 4 GiB dictionary is refused before decoding."""
    data = bytearray(make_zip(corpus["members"], zipfile.ZIP_LZMA))
    # zipfile's LZMA members start with version (2 bytes), properties size 5, then lc/lp/pb and the
    # dictionary size: make every dictionary 4 GiB - 1.
    start = 0
    while (start := data.find(b"\x05\x00\x5d", start)) >= 0:
        data[start + 3 : start + 7] = struct.pack("<I", 0xFFFFFFFF)
        start += 7
    assert load_one(tmp_path / "lzma.npz", bytes(data), corpus["marker"]) == "ValueError"


#: Cases fed to the command line (each runs ``cnnexplain info`` twice: text and JSON).
N_CLI_EXAMPLES = max(1, int(os.environ.get("CNNEXPLAIN_FUZZ_CLI_EXAMPLES", "300")))


def test_fuzz_cli_info(corpus, tmp_path, capsys):
    """``cnnexplain info`` on damaged files: exit 2 with one line on stderr, or exit 0."""
    cli = pytest.importorskip("cnnexplain.cli")
    path = tmp_path / "case.npz"
    outcomes: Counter[int] = Counter()

    @settings(
        max_examples=N_CLI_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases(corpus))
    def run(case):
        family, data = case
        path.unlink(missing_ok=True)
        path.write_bytes(data)
        for extra in ([], ["--json"]):
            capsys.readouterr()
            code = cli.main(["info", str(path), *extra])
            out, err = capsys.readouterr()
            assert not corpus["marker"].exists()
            assert code in (0, 2), (family, code, err)
            if code == 2:
                assert err.count("\n") == 1 and err.strip(), (family, err)
                assert "Traceback" not in err
            else:
                assert out.strip() and not err.strip(), (family, err)
                if extra:
                    json.loads(out)
            outcomes[code] += 1

    run()
    assert outcomes[2] > 0
