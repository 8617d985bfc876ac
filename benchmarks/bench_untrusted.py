"""What opening a history from anyone costs: peak memory and time, side by side (issue 23).

Run with ``python benchmarks/bench_untrusted.py``; it builds its files in a
temporary folder and prints one table. Each command runs in a fresh
interpreter, and its peak memory is that interpreter's peak resident set
(``ru_maxrss``), so imports count (torch alone takes about 220 MB).

The files:

- ``default``: the default run, ``cnnexplain train`` with no option (20 epochs).
- ``hidden``: the default run's file with ``config['model']`` claiming
  ``hidden=32768`` and ``image_size=200``, a model of 580 million parameters.
- ``bigdata``: the same with ``config['dataset']`` claiming
  ``n_per_class=1000`` and ``size=512``: half a billion pixels.
- ``claim-2GiB``: a history whose ``conv1.weight`` declares 2 GiB, with one
  snapshot more than its steps (a sparse file: a few KB on disk).
- ``valid-2GiB``: the same claim, agreeing with its steps: a valid file.
- ``model-411MB``: the default run's file with ``config['model']`` claiming
  ``hidden=65536`` and ``image_size=66``: a LineCNN of 103 million
  parameters, built by ``model_at`` (as ``Experiment.from_history`` and
  ``Explorer`` do) unless it is first compared with the file's parameters.
- ``study-1.2GB``: a seed study whose header claims some 93,000 seeds, 1.2 GB
  of arrays that agree with it (a sparse file), read by ``SeedStudy.load``.
- ``study-valid-96MiB``: the same for 96 MiB of arrays written in full: a
  valid study, to see how many copies loading it makes (``study-small``, the
  study of two seeds the two are made from, is its baseline).
- ``batch-601``: the default run recorded after every batch, 601 snapshots.
- ``batch-10001``: 10,001 snapshots of a LineCNN on 20x20 images (25 images
  of each class, batches of 4, 1,000 epochs, recorded after every batch).

Targets: ``explore``, ``figures``, ``WeightHistory.load``, ``model_at`` and
``SeedStudy.load`` on the crafted files peak within 100 MB of ``cnnexplain
info`` on the default run; ``SeedStudy.load`` on the valid 96 MiB study
within 96 MiB (one copy) and a little more of the same loader on a small study;
``figures`` on ``batch-10001`` with its default limit finishes within 60 s
and 500 MB. ``--code DIR`` runs the commands with another checkout of
cnnexplain on the path (``git worktree add DIR <commit>``), for a before and
after; ``--skip-batch`` leaves out the two batch-recorded histories (the
10,001 snapshots take a minute to train).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_CRAFTED_MB = 100
TARGET_BATCH_SECONDS = 60
TARGET_BATCH_MB = 500
KEY = "cnnexplain.WeightHistory"

#: Runs ``python -m cnnexplain ARGS`` and writes the interpreter's peak memory (KiB) to a file at exit.
COMMAND = """
import atexit, resource, runpy, sys
report = sys.argv[1]
def write_peak():
    with open(report, "w") as f:
        f.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
atexit.register(write_peak)
sys.argv = ["cnnexplain", *sys.argv[2:]]
runpy.run_module("cnnexplain", run_name="__main__")
"""

#: Loads one file with WeightHistory.load (``max_bytes`` if given) and writes the peak memory likewise.
LOAD = """
import atexit, resource, sys
report = sys.argv[1]
def write_peak():
    with open(report, "w") as f:
        f.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))
atexit.register(write_peak)
from cnnexplain.history import WeightHistory
try:
    WeightHistory.load(sys.argv[2], **({"max_bytes": int(sys.argv[3])} if len(sys.argv) > 3 else {}))
except ValueError as exc:
    print(str(exc)[:200], file=sys.stderr)
    raise SystemExit(2)
"""


#: Reads one history and builds the model of its settings (``model_at``), peak memory likewise.
MODEL_AT = LOAD.replace(
    '    WeightHistory.load(sys.argv[2], **({"max_bytes": int(sys.argv[3])} if len(sys.argv) > 3 else {}))',
    "    WeightHistory.load(sys.argv[2]).model_at(0)",
)
#: Loads one seed study with SeedStudy.load, peak memory likewise.
LOAD_STUDY = LOAD.replace(
    "from cnnexplain.history import WeightHistory", "from cnnexplain.study import SeedStudy"
).replace("WeightHistory.load(", "SeedStudy.load(")
#: Saves a study of two seeds in two arms, no epoch, to ``sys.argv[1]``: the model of the crafted studies.
SMALL_STUDY = """
import sys
from cnnexplain.study import seed_study
study = seed_study([0, 1], ("adam", "sgd"), epochs=0, data={"n_per_class": 4, "size": 20}, n_jobs=1, cache_dir=False)
study.save(sys.argv[1])
"""
STUDY_KEY = "cnnexplain.SeedStudy"


def run(code: Path, script: str, args: list[str], timeout: float) -> dict:
    """Run ``script`` with ``args`` in a fresh interpreter; its exit status, peak memory (MB), time, last error."""
    with tempfile.NamedTemporaryFile(suffix=".peak") as report:
        env = {**os.environ, "PYTHONPATH": str(code), "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
        start = time.perf_counter()
        try:
            result = subprocess.run(
                [sys.executable, "-c", script, report.name, *args],
                capture_output=True,
                text=True,
                env=env,
                cwd=tempfile.gettempdir(),  # not a checkout: -c puts the working folder first on the path
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            return {"code": "timeout", "mb": None, "seconds": time.perf_counter() - start, "error": ""}
        seconds = time.perf_counter() - start
        text = Path(report.name).read_text()
    lines = result.stderr.strip().splitlines()
    return {
        "code": result.returncode,
        "mb": int(text) / 1024 if text else None,
        "seconds": seconds,
        "error": lines[-1] if lines else "",
    }


def edited(source: Path, target: Path, edit) -> Path:
    """A copy of the history ``source`` with its config edited by ``edit(config)``, written as anyone could."""
    import safetensors.numpy
    from safetensors import safe_open

    with safe_open(source, framework="np") as f:
        header = json.loads(f.metadata()[KEY])
        arrays = {name: f.get_tensor(name) for name in f.keys()}
    edit(header["config"])
    target.write_bytes(safetensors.numpy.save(arrays, metadata={KEY: json.dumps(header)}))
    return target


def claim(target: Path, snapshots: int, steps: int) -> Path:
    """A history whose conv1.weight declares 2 GiB in ``snapshots`` snapshots, with ``steps`` steps: a sparse file."""
    shape = [snapshots, 2**29 // snapshots]  # float32: 2 GiB
    header = {
        "format_version": 2,
        "cnnexplain_version": "bench",
        "params": ["conv1.weight"],
        "metrics": [],
        "steps": [[0, 0]] * steps,
        "config": {},
    }
    entries = {
        "__metadata__": {KEY: json.dumps(header)},
        "conv1.weight": {"dtype": "F32", "shape": shape, "data_offsets": [0, 4 * shape[0] * shape[1]]},
    }
    text = json.dumps(entries).encode()
    with open(target, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text)
        f.truncate(8 + len(text) + 4 * shape[0] * shape[1])
    return target


def study_claim(source: Path, target: Path, claimed: int, *, dense: bool) -> Path:
    """The study ``source`` with as many seeds as ``claimed`` bytes of arrays hold, in its header and
    every tensor's first axis; its data a hole (a sparse file) or, if ``dense``, written in full."""
    with open(source, "rb") as f:
        length = int.from_bytes(f.read(8), "little")
        entries = json.loads(f.read(length))
    header = json.loads(entries.pop("__metadata__")[STUDY_KEY])
    seeds = len(header["config"]["seeds"])
    per_seed = sum((end - begin) // seeds for begin, end in (e["data_offsets"] for e in entries.values()))
    n_seeds = claimed // per_seed
    header["config"]["seeds"] = list(range(n_seeds))
    layout: dict = {"__metadata__": {STUDY_KEY: json.dumps(header)}}
    offset = 0
    for name, entry in sorted(entries.items()):
        shape = [n_seeds, *entry["shape"][1:]]
        size = {"F32": 4, "F64": 8}[entry["dtype"]] * math.prod(shape)
        layout[name] = {"dtype": entry["dtype"], "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(layout).encode()
    with open(target, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text)
        if dense:  # every byte 0x3C: finite numbers
            for begin in range(0, offset, 2**20):
                f.write(b"\x3c" * min(2**20, offset - begin))
        f.truncate(8 + len(text) + offset)
    return target


def small_study(code: Path, target: Path) -> Path:
    env = {**os.environ, "PYTHONPATH": str(code), "OMP_NUM_THREADS": "1"}
    subprocess.run([sys.executable, "-c", SMALL_STUDY, str(target)], check=True, env=env, cwd=target.parent)
    return target


def train(code: Path, target: Path, *args: str) -> Path:
    env = {**os.environ, "PYTHONPATH": str(code), "OMP_NUM_THREADS": "1"}
    command = [sys.executable, "-m", "cnnexplain", "train", "--no-progress", "-o", str(target), *args]
    subprocess.run(command, check=True, env=env, capture_output=True, cwd=target.parent)
    return target


def build(folder: Path, code: Path, batch: bool) -> dict[str, Path]:
    files = {"default": train(code, folder / "default.safetensors")}
    files["hidden"] = edited(
        files["default"],
        folder / "hidden.safetensors",
        lambda c: c["model"].update(hidden=32768, image_size=200),
    )
    files["bigdata"] = edited(
        files["default"],
        folder / "bigdata.safetensors",
        lambda c: c["dataset"].update(n_per_class=1000, size=512),
    )
    files["model-411MB"] = edited(
        files["default"],
        folder / "model.safetensors",
        lambda c: c["model"].update(hidden=65536, image_size=66),
    )
    study = small_study(code, folder / "small-study.safetensors")
    files["study-1.2GB"] = study_claim(study, folder / "study-claim.safetensors", 1_200_000_000, dense=False)
    files["study-valid-96MiB"] = study_claim(
        study, folder / "study-valid.safetensors", 96 * 2**20, dense=True
    )
    files["study-small"] = study
    files["claim-2GiB"] = claim(folder / "claim.safetensors", snapshots=2, steps=1)
    files["valid-2GiB"] = claim(folder / "valid.safetensors", snapshots=1, steps=1)
    if batch:
        files["batch-601"] = train(code, folder / "batch601.safetensors", "--record", "batch")
        small = ["--n-per-class", "25", "--size", "20", "--batch-size", "4", "--epochs", "1000"]
        files["batch-10001"] = train(code, folder / "batch10001.safetensors", *small, "--record", "batch")
    return files


def measurements(files: dict[str, Path], folder: Path, batch: bool) -> list[tuple[str, str, list[str]]]:
    """(row label, script, arguments) of every measurement, in the table's order."""
    rows = [("info default", COMMAND, ["info", str(files["default"])])]
    for name in ("hidden", "bigdata", "claim-2GiB", "valid-2GiB"):
        for command in ("figures", "explore"):
            out = folder / f"{command}-{name}{'.html' if command == 'explore' else ''}"
            rows.append((f"{command} {name}", COMMAND, [command, str(files[name]), "-o", str(out)]))
        rows.append((f"WeightHistory.load {name}", LOAD, [str(files[name])]))
    rows.append(
        ("WeightHistory.load valid-2GiB, max_bytes=3 GiB", LOAD, [str(files["valid-2GiB"]), str(3 * 2**30)])
    )
    rows.append(("model_at model-411MB", MODEL_AT, [str(files["model-411MB"])]))
    for name in ("study-small", "study-1.2GB", "study-valid-96MiB"):
        rows.append((f"SeedStudy.load {name}", LOAD_STUDY, [str(files[name])]))
    rows.append(
        ("figures default", COMMAND, ["figures", str(files["default"]), "-o", str(folder / "fig-default")])
    )
    if batch:
        for name in ("batch-601", "batch-10001"):
            rows.append(
                (f"figures {name}", COMMAND, ["figures", str(files[name]), "-o", str(folder / f"fig-{name}")])
            )
            rows.append(
                (
                    f"explore {name}",
                    COMMAND,
                    ["explore", str(files[name]), "-o", str(folder / f"{name}.html")],
                )
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--code", type=Path, default=Path(__file__).resolve().parents[1], help="checkout to run"
    )
    parser.add_argument("--skip-batch", action="store_true", help="leave out the batch-recorded histories")
    parser.add_argument("--timeout", type=float, default=600, help="seconds a command may take")
    args = parser.parse_args()
    batch = not args.skip_batch
    with tempfile.TemporaryDirectory(prefix="bench-untrusted-") as tmp:
        folder = Path(tmp)
        start = time.perf_counter()
        files = build(folder, args.code, batch)
        print(
            f"cnnexplain from {args.code}; files built in {time.perf_counter() - start:.0f} s; load {os.getloadavg()[0]:.2f}"
        )
        for name, path in files.items():
            print(f"  {name:<12} {path.stat().st_size:>15,} bytes ({path.stat().st_blocks * 512:,} on disk)")
        results = [
            (label, run(args.code, script, argv, args.timeout))
            for label, script, argv in measurements(files, folder, batch)
        ]
    info_mb = results[0][1]["mb"]
    print()
    print(f"{'measure':<48} {'exit':>7} {'peak MB':>9} {'vs info':>9} {'seconds':>8}  message")
    for label, r in results:
        peak = f"{r['mb']:.0f}" if r["mb"] is not None else "-"
        delta = f"{r['mb'] - info_mb:+.0f}" if r["mb"] is not None and info_mb is not None else "-"
        print(f"{label:<48} {r['code']!s:>7} {peak:>9} {delta:>9} {r['seconds']:>8.1f}  {r['error'][:110]}")
    crafted = [
        r
        for label, r in results
        if any(n in label for n in ("hidden", "bigdata", "2GiB", "model-411MB", "study-1.2GB"))
        and "max_bytes" not in label
    ]
    worst = max((r["mb"] or math.inf) - info_mb for r in crafted)
    by_label = dict(results)
    small, valid = by_label["SeedStudy.load study-small"], by_label["SeedStudy.load study-valid-96MiB"]
    if small["mb"] is not None and valid["mb"] is not None:
        print(
            f"SeedStudy.load of a valid 96 MiB study: {valid['mb'] - small['mb']:+.0f} MB over a small one "
            "(target: about 96 MiB, one copy)"
        )
    print()
    print(
        f"crafted files: worst peak {worst:+.0f} MB against info on the default run (target: within {TARGET_CRAFTED_MB} MB)"
    )
    if batch:
        big = dict(results)["figures batch-10001"]
        peak = "-" if big["mb"] is None else f"{big['mb']:.0f}"
        print(
            f"figures on 10,001 snapshots: exit {big['code']}, {big['seconds']:.1f} s, {peak} MB peak "
            f"(target: within {TARGET_BATCH_SECONDS} s and {TARGET_BATCH_MB} MB)"
        )


if __name__ == "__main__":
    main()
