"""Write numpy's ziggurat tables of the normal distribution into cnnexplain/viz/lines.js.

``make_lines`` adds noise with ``numpy.random.Generator.normal``, which draws by
the ziggurat method from three tables of 256 numbers (``ki``, ``wi``, ``fi``,
``numpy/random/src/distributions/ziggurat_constants.h``; numpy's BSD-3-Clause
licence). To draw the same noise bit for bit, lines.js needs the very same
tables, which no formula gives to the last bit (they were computed once, and
recomputing them in double or in higher precision differs in the last digits).
numpy keeps them compiled in its ``_generator`` extension, and not in Python:
this script finds them there by their shape, checks each against the
ziggurat's definition (to 1e-9), and writes them as base64 between the
markers of lines.js.

    python tools/ziggurat_tables.py          # rewrite the block in lines.js
    python tools/ziggurat_tables.py --check  # exit 1 if the block differs

tests/test_lines_js.py runs the check, so a numpy whose tables changed fails the tests.
"""

from __future__ import annotations

import argparse
import base64
import math
import sys
from pathlib import Path

import numpy as np
import numpy.random._generator as generator_module

LINES_JS = Path(__file__).resolve().parent.parent / "cnnexplain" / "viz" / "lines.js"
BEGIN, END = "/* BEGIN ziggurat tables", "/* END ziggurat tables */"
#: The ziggurat's rightmost layer edge and area of each layer (numpy's distributions.h, Marsaglia and Tsang).
R = 3.6541528853610087963519472518
V = 0.00492867323397465524494185
TWO52 = 2.0**52


def layer_edges() -> np.ndarray:
    """The 256 layer edges x[i] of the ziggurat, in double precision (close to, not exactly, numpy's)."""
    x = np.zeros(256)
    x[255] = R
    for i in range(255, 1, -1):
        x[i - 1] = math.sqrt(-2.0 * math.log(math.exp(-(x[i] ** 2) / 2) + V / x[i]))
    x[0] = V / math.exp(-(R**2) / 2)
    return x


def expected_tables() -> dict[str, np.ndarray]:
    x = layer_edges()
    ki = np.array(
        [TWO52 * R * math.exp(-(R**2) / 2) / V, 0.0] + [TWO52 * x[i - 1] / x[i] for i in range(2, 256)]
    )
    return {
        "ki": ki,
        "wi": x / TWO52,
        "fi": np.array([1.0] + [math.exp(-(x[i] ** 2) / 2) for i in range(1, 256)]),
    }


def find_tables(binary: bytes) -> dict[str, bytes]:
    """The 2048 bytes of each table, found where 256 aligned numbers agree with its definition."""
    expected = expected_tables()
    found: dict[str, bytes] = {}
    layouts = {"ki": "<u8", "wi": "<f8", "fi": "<f8"}
    # Each table's first number, looked up fast; then all 256 compared where one is found.
    firsts = {name: np.frombuffer(binary[: len(binary) // 8 * 8], dtype) for name, dtype in layouts.items()}
    for name, dtype in layouts.items():
        want = expected[name]
        close = np.flatnonzero(np.isclose(firsts[name].astype(np.float64), want[0], rtol=1e-9, atol=0.0))
        for index in close:
            chunk = binary[8 * index : 8 * index + 2048]
            values = np.frombuffer(chunk, dtype).astype(np.float64) if len(chunk) == 2048 else None
            if values is not None and np.allclose(values, want, rtol=1e-9, atol=2.0 if name == "ki" else 0.0):
                found[name] = chunk
                break
    missing = sorted({"ki", "wi", "fi"} - set(found))
    if missing:
        raise SystemExit(f"numpy's ziggurat tables {missing} were not found in {generator_module.__file__}")
    return found


def table_block() -> str:
    tables = find_tables(Path(generator_module.__file__).read_bytes())
    lines = [f"{BEGIN}: numpy {np.__version__}'s ki (uint64), wi and fi (float64), little-endian, base64;"]
    lines.append(
        "   * written by tools/ziggurat_tables.py from numpy's compiled _generator (BSD-3-Clause). */"
    )
    for name in ("ki", "wi", "fi"):
        lines.append(f'  var ZIGGURAT_{name.upper()} = "{base64.b64encode(tables[name]).decode()}";')
    lines.append(f"  {END}")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if lines.js holds other tables")
    args = parser.parse_args()
    text = LINES_JS.read_text()
    begin = text.index(BEGIN)
    end = text.index(END) + len(END)
    block = table_block()
    if args.check:
        same = text[begin:end] == block
        print(
            "lines.js holds numpy's ziggurat tables"
            if same
            else "lines.js's ziggurat tables differ from numpy's"
        )
        return 0 if same else 1
    LINES_JS.write_text(text[:begin] + block + text[end:])
    print(f"wrote numpy {np.__version__}'s ziggurat tables into {LINES_JS}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
