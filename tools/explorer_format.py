"""The explorer's payload read in Python: its schema, its tensors, and the PyTorch reference that runs it.

:class:`cnnexplain.viz.Explorer` writes the payload, ``network.js`` runs it in
the page, and its format is written down once, in
``cnnexplain/viz/explorer.schema.json``. This module is the one PyTorch
interpreter of that format, for the tests (``tests/test_explorer.py``,
``tests/test_network_js.py``) and the browser checks
(``tools/explorer_check.py``): :func:`run_payload` computes what every layer of
a payload gives, with ``torch.nn.functional`` and nothing but the payload, so
that a payload that describes its model exactly reproduces
:func:`cnnexplain.activations`, and a page that runs it right reproduces this.
"""

from __future__ import annotations

import base64
import json
import math
import re
from importlib import resources

import numpy as np

SCHEMA_FILE = "explorer.schema.json"
DATA_ELEMENT = re.compile(
    r'<script type="application/json" class="cnnexplain-explorer-data">(.*?)</script>', re.S
)


# -- reading --------------------------------------------------------------------------------
def payload_of(html: str) -> dict:
    """The payload of the first explorer in ``html`` (a widget or a saved page)."""
    match = DATA_ELEMENT.search(html)
    if not match:
        raise ValueError("the HTML has no explorer data element (script.cnnexplain-explorer-data)")
    return json.loads(match.group(1))


def floats(text: str) -> np.ndarray:
    """Little-endian float32 values from base64, as a writable array."""
    return np.frombuffer(base64.b64decode(text), dtype="<f4").copy()


def b64(array: np.ndarray) -> str:
    """``array`` as the payload's base64 of little-endian float32 values."""
    return base64.b64encode(np.ascontiguousarray(array, dtype="<f4").tobytes()).decode("ascii")


def input_shape(payload: dict) -> tuple[int, int, int]:
    """``(channels, height, width)`` of the payload's input."""
    spec = payload["input"]
    return int(spec["channels"]), int(spec["height"]), int(spec["width"])


def snapshot_tensors(payload: dict) -> list[dict[str, np.ndarray]]:
    """The payload's weights, cut as the page cuts them: one ``{tensor name: array}`` per snapshot."""
    specs = payload["tensors"]
    sizes = [math.prod(t["shape"]) for t in specs]
    data = floats(payload["weights"])
    per_snapshot = sum(sizes)
    if data.size != per_snapshot * len(payload["snapshots"]):
        raise ValueError(
            f"weights hold {data.size} floats, tensors x snapshots need "
            f"{per_snapshot} x {len(payload['snapshots'])}"
        )
    out = []
    for s in range(len(payload["snapshots"])):
        offset, tensors = s * per_snapshot, {}
        for spec, size in zip(specs, sizes):
            tensors[spec["name"]] = data[offset : offset + size].reshape(spec["shape"])
            offset += size
        out.append(tensors)
    return out


# -- the schema -----------------------------------------------------------------------------
def schema() -> dict:
    """The payload's JSON Schema, as the package ships it."""
    return json.loads(resources.files("cnnexplain.viz").joinpath(SCHEMA_FILE).read_text(encoding="utf-8"))


def schema_errors(document: dict, definition: str | None = None) -> list[str]:
    """Where ``document`` breaks the schema (empty if it holds), one line per error.

    ``definition`` checks it against one of the schema's ``$defs`` instead of
    the whole payload: ``"network"`` for what network.js's Model takes.
    """
    import jsonschema

    full = schema()
    target = full if definition is None else {"$ref": f"#/$defs/{definition}", "$defs": full["$defs"]}
    validator = jsonschema.Draft202012Validator(target)
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    return [f"{'/'.join(map(str, e.absolute_path)) or '(root)'}: {e.message[:200]}" for e in errors]


# -- the reference ---------------------------------------------------------------------------
def _pair(value) -> tuple[int, int]:
    return tuple(value) if isinstance(value, (list, tuple)) else (value, value)


def run_payload(payload: dict, tensors: dict[str, np.ndarray], images) -> dict:
    """Every layer's output for ``images`` (N, C, H, W), computed by PyTorch from the payload's layer
    descriptions and ``tensors`` (one snapshot of :func:`snapshot_tensors`), keyed by layer name.

    Raises ValueError for a layer type the format does not have, or an output whose shape is
    not the layer's ``out_shape``.
    """
    import torch
    import torch.nn.functional as F

    def t(name):
        return None if name is None else torch.from_numpy(np.array(tensors[name]))

    x, out = torch.as_tensor(images), {}
    for layer in payload["layers"]:
        kind = layer["type"]
        if kind == "conv2d":
            x = F.conv2d(
                x, t(layer["weight"]), t(layer.get("bias")), _pair(layer["stride"]), _pair(layer["padding"])
            )
        elif kind == "relu":
            x = F.relu(x)
        elif kind == "maxpool2d":
            x = F.max_pool2d(x, _pair(layer["kernel"]), _pair(layer["stride"]), _pair(layer["padding"]))
        elif kind == "avgpool2d":
            x = F.avg_pool2d(
                x,
                _pair(layer["kernel"]),
                _pair(layer["stride"]),
                _pair(layer["padding"]),
                count_include_pad=bool(layer["count_include_pad"]),
            )
        elif kind == "batchnorm2d":
            x = x * t(layer["scale"])[None, :, None, None] + t(layer["shift"])[None, :, None, None]
        elif kind == "flatten":
            x = x.flatten(1)
        elif kind == "dropout":
            pass  # the identity at inference
        elif kind == "linear":
            x = F.linear(x.flatten(1), t(layer["weight"]), t(layer.get("bias")))
        else:
            raise ValueError(f"layer {layer['name']!r} has a type the format does not have: {kind!r}")
        if list(x.shape[1:]) != list(layer["out_shape"]):
            raise ValueError(
                f"layer {layer['name']!r} gives shape {list(x.shape[1:])}, its out_shape is {layer['out_shape']}"
            )
        out[layer["name"]] = x
    return out
