"""Reading a safetensors file that may come from anyone: every size checked before anything is allocated.

The format (https://huggingface.co/docs/safetensors): 8 bytes holding the
length ``N`` of a JSON header (little-endian), the ``N`` bytes of the header
-- for each tensor its dtype, its shape and its ``data_offsets`` in the data
that follows, and an optional ``"__metadata__"`` object of strings -- then
the data, the tensors' bytes back to back, little-endian.

:func:`read_header` reads and checks the header alone: its length against
the file and :data:`MAX_HEADER_BYTES`, each tensor's offsets against its
dtype and shape, and that the tensors tile the data exactly, to the end of
the file. Nothing it returns is larger than the header. The caller then
checks the names, dtypes and shapes against what it expects, and only then
:func:`read_tensor` allocates each array once and reads the file into it: no
memory map (whose pages would count once more), no intermediate copy.
Nothing in a file is ever run.
"""

from __future__ import annotations

import json
import math
import os
import sys
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

__all__ = ["DTYPES", "MAX_HEADER_BYTES", "Header", "TensorInfo", "read_header", "read_tensor"]

#: Largest JSON header read, in bytes. Parsed, JSON takes up to about 25 times its size in
#: Python objects (a list of pairs of small integers, the worst case measured), so this bounds
#: the header's memory to about 50 MB. A history's header holds its steps (about 11 bytes per
#: snapshot) and its settings: 2 MiB is room for about 180,000 snapshots.
MAX_HEADER_BYTES = 2 * 1024 * 1024

#: The safetensors dtypes that numpy has -- booleans, integers and floats -- as little-endian numpy dtypes.
DTYPES = {
    "BOOL": np.dtype("|b1"),
    "U8": np.dtype("|u1"),
    "I8": np.dtype("|i1"),
    "U16": np.dtype("<u2"),
    "I16": np.dtype("<i2"),
    "U32": np.dtype("<u4"),
    "I32": np.dtype("<i4"),
    "U64": np.dtype("<u8"),
    "I64": np.dtype("<i8"),
    "F16": np.dtype("<f2"),
    "F32": np.dtype("<f4"),
    "F64": np.dtype("<f8"),
}
_ENTRY_FIELDS = {"dtype", "shape", "data_offsets"}


@dataclass(frozen=True)
class TensorInfo:
    """Where a tensor's bytes are and what they hold, as its header entry says (checked)."""

    dtype: str
    shape: tuple[int, ...]
    begin: int  # offset of the first byte in the file
    end: int


@dataclass(frozen=True)
class Header:
    """The checked header of a safetensors file: its metadata and its tensors, by name."""

    metadata: dict[str, str] | None
    tensors: dict[str, TensorInfo]


def read_header(f: BinaryIO) -> Header:
    """Read and check the header of the safetensors file open in ``f`` (binary, at its start).

    Raises
    ------
    ValueError
        If the file is not a complete safetensors file of the dtypes in
        :data:`DTYPES`, or its header is larger than :data:`MAX_HEADER_BYTES`.
    """
    size = os.fstat(f.fileno()).st_size
    if size < 8:
        raise ValueError(f"it is {size} bytes, too short for the length of a safetensors header (8 bytes)")
    length = int.from_bytes(_read_exactly(f, 8), "little")
    if length > min(size - 8, MAX_HEADER_BYTES):
        raise ValueError(
            f"its header length field says {length:,} bytes, but at most {min(size - 8, MAX_HEADER_BYTES):,} "
            f"can be a header here (the file holds {size - 8:,} bytes after the field; "
            f"a header is at most {MAX_HEADER_BYTES:,} bytes)"
        )
    try:
        entries = json.loads(_read_exactly(f, length).decode("utf-8"), object_pairs_hook=_no_repeated_keys)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ValueError(f"its safetensors header is not JSON: {exc}") from None
    if not isinstance(entries, dict):
        raise ValueError(f"its safetensors header must be a JSON object, got {type(entries).__name__}")
    metadata = entries.pop("__metadata__", None)
    if metadata is not None and not (
        isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())
    ):
        raise ValueError("its safetensors __metadata__ must be an object of strings")
    data_start = 8 + length
    tensors = {name: _tensor_info(name, entry, data_start) for name, entry in entries.items()}
    _check_tiling(tensors, data_start, size)
    return Header(metadata, tensors)


def read_tensor(f: BinaryIO, info: TensorInfo) -> np.ndarray:
    """Allocate the array of ``info`` once, read its bytes into it, and return it in native byte order."""
    array = np.empty(info.shape, dtype=DTYPES[info.dtype])
    f.seek(info.begin)
    buffer = memoryview(array.reshape(-1).view(np.uint8))
    filled = 0
    while filled < len(buffer):
        got = f.readinto(buffer[filled:])
        if not got:
            raise ValueError("it ended before its tensors did (did it change while it was read?)")
        filled += got
    if info.dtype == "BOOL" and array.view(np.uint8).max(initial=0) > 1:
        raise ValueError("a BOOL tensor must hold the bytes 0 and 1 only")
    if sys.byteorder == "big" and array.dtype.byteorder == "<":
        array = array.byteswap(inplace=True).view(array.dtype.newbyteorder("="))
    return array


def _read_exactly(f: BinaryIO, count: int) -> bytes:
    data = f.read(count)
    if len(data) != count:
        raise ValueError("it ended before its header did (did it change while it was read?)")
    return data


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"an object of its header repeats a key: {sorted(keys)!r:.100}")
    return dict(pairs)


def _is_count(value: Any) -> bool:
    """A JSON integer >= 0 (booleans are not)."""
    return type(value) is int and value >= 0


def _tensor_info(name: str, entry: Any, data_start: int) -> TensorInfo:
    """The checked entry of one tensor: a known dtype, and offsets that hold exactly its shape's bytes."""
    if not isinstance(entry, dict) or set(entry) != _ENTRY_FIELDS:
        raise ValueError(
            f"the header entry of tensor {name!r:.60} must have the fields {sorted(_ENTRY_FIELDS)}"
        )
    dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
    if dtype not in DTYPES:
        raise ValueError(f"tensor {name!r:.60} must have a dtype in {list(DTYPES)}, got {dtype!r:.20}")
    if not (isinstance(shape, list) and len(shape) <= 32 and all(_is_count(n) for n in shape)):
        raise ValueError(f"tensor {name!r:.60} must have a shape of at most 32 sizes >= 0, got {shape!r:.60}")
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(_is_count(n) for n in offsets)):
        raise ValueError(f"tensor {name!r:.60} must have data_offsets [begin, end], got {offsets!r:.60}")
    begin, end = offsets
    # Python integers: a shape whose product overflows 64 bits is compared exactly, and refused.
    declared = math.prod(shape) * DTYPES[dtype].itemsize
    if end - begin != declared:
        raise ValueError(
            f"tensor {name!r:.60} of shape {shape!r:.60} and dtype {dtype} takes {declared:,} bytes, "
            f"its data_offsets {begin:,} to {end:,} hold {end - begin:,}"
        )
    return TensorInfo(dtype, tuple(shape), data_start + begin, data_start + end)


def _check_tiling(tensors: dict[str, TensorInfo], data_start: int, size: int) -> None:
    """The tensors must cover the data back to back, with no gap, no overlap and nothing after them."""
    position = data_start
    for info in sorted(tensors.values(), key=lambda t: (t.begin, t.end)):
        if info.begin != position:
            raise ValueError(
                f"its tensors must lie back to back in the data: one starts at byte {info.begin - data_start:,} "
                f"of the data, the one before ends at {position - data_start:,}"
            )
        position = info.end
    if position != size:
        raise ValueError(
            f"its tensors hold {position - data_start:,} bytes of data, the file {size - data_start:,}"
        )
