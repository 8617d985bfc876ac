"""Seed-study benchmark: the batched ensemble against train() run once per member.

Run with ``python benchmarks/bench_study.py`` (or ``nox -s bench -- study``);
it prints one table. Both parts train the default task (``make_lines()``:
1200 images of 50x50, an 80/20 split, the default
:class:`~cnnexplain.model.LineCNN`, batches of 32), every member for
``--epochs`` epochs in every arm (Adam at 1e-3, Adam on shuffled labels, SGD
at 0.1), with the metrics :func:`~cnnexplain.training.train` records:

1. **One chunk, side by side, in one process**: the members of one chunk
   (``--chunk-size`` seeds times the arms) trained as one ensemble
   (``cnnexplain.study.ensemble.train_chunk``), against the same members
   trained one after the other by :func:`~cnnexplain.training.train`
   (``train_member``), both on one thread. ``--repeats`` rounds, interleaved
   in a rotating order after a warm-up; the fastest of each counts (other jobs
   on the machine can only add time). The results must be equal bit for bit.
2. **The whole study**: :func:`~cnnexplain.study.seed_study` for ``--seeds``
   seeds, in chunks run by ``--jobs`` local processes, wall time; against
   ``train()`` run once per member, one after the other, estimated as the
   count of members times the time of one ``train()`` measured in part 1.

The load average is printed: on a machine shared with other jobs, compare
runs made under similar load.
"""

from __future__ import annotations

import argparse
import os
import time

import joblib
import numpy as np
import torch

from cnnexplain.study import ARMS, CHUNK_SIZE, METRICS, seed_study, study_config
from cnnexplain.study.ensemble import train_chunk, train_member


def arm_list(text: str) -> list[str]:
    arms = text.split(",")
    if not arms or any(arm not in ARMS for arm in arms):
        raise argparse.ArgumentTypeError(f"expected names among {','.join(ARMS)}, got {text!r}")
    return arms


def members_by_train(config: dict) -> list[list[object]]:
    """Every member of the config's seeds and arms, trained by train() one after the other."""
    return [[train_member(config, seed, arm) for arm in config["arms"]] for seed in config["seeds"]]


def same_numbers(chunk: dict, histories: list[list[object]]) -> bool:
    """Whether the ensemble's conv1 snapshots and metrics are the histories', bit for bit."""
    return all(
        np.array_equal(chunk["conv1.weight"][s, a], h["conv1.weight"])
        and np.array_equal(chunk["conv1.bias"][s, a], h["conv1.bias"])
        and all(np.array_equal(chunk[name][s, a], h.metrics[name]) for name in METRICS)
        for s, row in enumerate(histories)
        for a, h in enumerate(row)
    )


def side_by_side(config: dict, repeats: int) -> dict:
    """Part 1: the fastest time of the ensemble and of train() once per member, and whether they agree."""
    warm = study_config(config["seeds"][:1], ["adam"], epochs=1)  # lazy imports, kernel selection
    train_chunk(warm, warm["seeds"])
    train_member(warm, warm["seeds"][0], "adam")
    variants = {
        "ensemble": lambda: train_chunk(config, config["seeds"]),
        "train": lambda: members_by_train(config),
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    results: dict[str, object] = {}
    names = list(variants)
    for r in range(repeats):
        for name in names[r % 2 :] + names[: r % 2]:
            start = time.perf_counter()
            results[name] = variants[name]()
            times[name].append(time.perf_counter() - start)
    return {
        "ensemble": min(times["ensemble"]),
        "train": min(times["train"]),
        "equal": same_numbers(results["ensemble"], results["train"]),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=100, help="seeds of the whole study (default 100)")
    parser.add_argument("--epochs", type=int, default=8, help="epochs of every member (default 8)")
    parser.add_argument(
        "--arms", type=arm_list, default=list(ARMS), help="comma-separated (default: all three)"
    )
    parser.add_argument(
        "--chunk-size", type=int, default=CHUNK_SIZE, help=f"seeds per chunk (default {CHUNK_SIZE})"
    )
    parser.add_argument(
        "--jobs", type=int, default=joblib.cpu_count(), help="local processes (default: cores)"
    )
    parser.add_argument("--repeats", type=int, default=2, help="interleaved rounds of part 1 (default 2)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)  # train()'s default, and each chunk's
    load_before = os.getloadavg()[0]
    chunk = study_config(range(args.chunk_size), args.arms, epochs=args.epochs)
    part1 = side_by_side(chunk, args.repeats)
    members_per_chunk = args.chunk_size * len(args.arms)
    per_member = {name: part1[name] / members_per_chunk for name in ("ensemble", "train")}

    start = time.perf_counter()
    study = seed_study(
        range(args.seeds),
        args.arms,
        epochs=args.epochs,
        chunk_size=args.chunk_size,
        n_jobs=args.jobs,
        cache_dir=False,
    )
    wall = time.perf_counter() - start
    load_after = os.getloadavg()[0]
    count = len(study) * len(study.arms)
    estimate = per_member["train"] * count

    rows = [
        (f"one chunk: {members_per_chunk} members, one process, one thread", "", ""),
        ("  train() once per member", f"{part1['train']:.1f} s", f"{per_member['train']:.2f} s per member"),
        ("  the ensemble", f"{part1['ensemble']:.1f} s", f"{per_member['ensemble']:.2f} s per member"),
        ("  speed-up of the ensemble", f"{part1['train'] / part1['ensemble']:.2f}x", ""),
        ("  the same numbers, bit for bit", "yes" if part1["equal"] else "NO", ""),
        (f"the whole study: {len(study)} seeds x {len(study.arms)} arms = {count} members", "", ""),
        ("  train() once per member, one after the other", f"{estimate:.0f} s", "estimated: count x part 1"),
        (
            f"  seed_study(), {args.jobs} local process{'es' * (args.jobs != 1)}",
            f"{wall:.0f} s",
            f"chunks of {args.chunk_size} seeds",
        ),
        ("  speed-up of seed_study()", f"{estimate / wall:.2f}x", ""),
    ]
    print(
        f"cnnexplain seed-study benchmark: torch {torch.__version__}, {os.cpu_count()} cores, "
        f"load average {load_before:.2f} before and {load_after:.2f} after"
    )
    print(
        f"task: the default data and LineCNN, batches of 32, {args.epochs} epochs, arms {', '.join(args.arms)}; "
        f"part 1 the fastest of {args.repeats} interleaved rounds"
    )
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    rule = "-" * (sum(widths) + 4)
    print(rule)
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    print(rule)
    if max(load_before, load_after) > 0.75 * (os.cpu_count() or 1):
        print("WARNING: other jobs were using the CPU: the timings are noisy; rerun on an idle machine.")
    return 0 if part1["equal"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
