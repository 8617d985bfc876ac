"""Training benchmark: train() against the textbook loop, and the cost of recording.

Run with ``python benchmarks/bench_training.py`` (or ``nox -s bench``); it
prints one table. Everything is measured side by side in one run, on the
default task of the project (``make_lines()``: 1200 images of 50x50, an
80/20 split, the default :class:`~cnnexplain.model.LineCNN`, batches of 32,
Adam with lr 1e-3, seed 0):

1. **train() against the textbook loop**: a ``torch.utils.data.Dataset``
   whose ``__getitem__`` returns one ``(image, label)`` pair, a
   ``DataLoader(batch_size=32, shuffle=True)``, the same model, optimizer and
   epochs, and a validation pass per epoch, as :func:`train` does too. The
   time per epoch is the wall time of the whole call divided by the epochs,
   so :func:`train`'s extra work (the evaluation before training, the
   metrics, the snapshots) counts against it. Target: at least 1.15 times
   faster, at equal final validation accuracy.
2. **The cost of recording**: ``train(record="epoch")`` and
   ``train(record="batch")`` against the same :func:`train` with its
   internal ``cnnexplain.training._snapshot`` replaced by a stub that copies
   nothing (there is no public switch to turn recording off), and the time
   spent inside the real snapshots. Target: at most 3 % per epoch.
3. **Reproducibility**: repeated ``train()`` runs give bit-identical
   histories.

The variants run ``--repeats`` times after a warm-up, interleaved in a
rotating order so that a drifting load hits all of them alike. The table
shows the fastest run of each variant, and ratios of those: other jobs on
the machine can only add time, so the fastest run is the least disturbed
one. The load average is printed: on a machine shared with other jobs,
compare runs made under similar load.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

import cnnexplain.training as training_module
from cnnexplain import LineCNN, make_lines, train

TARGET_SPEEDUP = 1.15
TARGET_EPOCH_OVERHEAD = 0.03


class LinesDataset(Dataset):
    """A map-style dataset serving one (image, label) pair per index."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor):
        self.images = images
        self.labels = labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int):
        return self.images[index], self.labels[index]


def textbook_training(train_set, val_set, *, epochs: int, seed: int = 0) -> dict:
    """Train a LineCNN the way a tutorial does; return the final validation accuracy."""
    torch.manual_seed(seed)
    model = LineCNN(seed=seed)
    train_loader = DataLoader(LinesDataset(train_set.images, train_set.labels), batch_size=32, shuffle=True)
    val_loader = DataLoader(LinesDataset(val_set.images, val_set.labels), batch_size=32)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    accuracy = 0.0
    for _epoch in range(epochs):
        model.train()
        for images, labels in train_loader:
            loss = loss_fn(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        model.eval()
        correct = 0
        with torch.no_grad():
            for images, labels in val_loader:
                correct += (model(images).argmax(1) == labels).sum().item()
        accuracy = correct / len(val_set)
    return {"accuracy": accuracy}


def library_training(train_set, val_set, *, epochs: int, record: str | None) -> dict:
    """Run cnnexplain.train(); ``record=None`` replaces the snapshots by a stub.

    Returns the final validation accuracy, the seconds spent inside the
    snapshots and the history.
    """
    real = training_module._snapshot
    keys = list(LineCNN().state_dict())
    spent = [0.0]

    def nothing(model):
        return dict.fromkeys(keys, np.zeros(0, np.float32))

    def timed(model):
        start = time.perf_counter()
        weights = real(model)
        spent[0] += time.perf_counter() - start
        return weights

    training_module._snapshot = nothing if record is None else timed
    try:
        history = train(
            LineCNN(seed=0),
            train_set,
            val_set=val_set,
            epochs=epochs,
            record=record or "epoch",
            progress=False,
            threads=None,  # the thread count of the whole benchmark, as the textbook loop gets
        )
    finally:
        training_module._snapshot = real
    return {"accuracy": float(history.metrics["val_accuracy"][-1]), "snapshots": spent[0], "history": history}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="epochs per timed run (default 10)")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="torch threads (default: cores)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    epochs = args.epochs
    load_before = os.getloadavg()[0]
    train_set, val_set = make_lines().split(test_fraction=0.2, seed=0)
    variants = {
        "textbook": lambda: textbook_training(train_set, val_set, epochs=epochs),
        "train": lambda: library_training(train_set, val_set, epochs=epochs, record="epoch"),
        "unrecorded": lambda: library_training(train_set, val_set, epochs=epochs, record=None),
        "batch": lambda: library_training(train_set, val_set, epochs=epochs, record="batch"),
    }
    for run in variants.values():  # warm-up: lazy imports, kernel selection
        run()
    times: dict[str, list[float]] = {k: [] for k in variants}
    results: dict[str, list[dict]] = {k: [] for k in variants}
    names = list(variants)
    for r in range(args.repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            start = time.perf_counter()
            results[name].append(variants[name]())
            times[name].append(time.perf_counter() - start)
    load_after = os.getloadavg()[0]

    fastest = {k: min(times[k]) for k in variants}
    ms = {k: f"{fastest[k] / epochs * 1e3:.1f} ms" for k in variants}
    acc = {k: results[k][-1]["accuracy"] for k in ("textbook", "train")}
    speedup = fastest["textbook"] / fastest["train"]
    equal_accuracy = abs(acc["textbook"] - acc["train"]) <= 0.01
    overhead = {k: fastest[k] / fastest["unrecorded"] - 1 for k in ("train", "batch")}
    inside = {
        k: statistics.median(res["snapshots"] / t for res, t in zip(results[k], times[k]))
        for k in ("train", "batch")
    }
    identical = all(
        res["history"] == results[k][0]["history"] for k in ("train", "batch") for res in results[k]
    )

    def verdict(ok: bool) -> str:
        return "PASS" if ok else "MISS"

    rows = [
        ("epoch time, textbook loop (Dataset + DataLoader)", ms["textbook"], "", ""),
        ("epoch time, train(record='epoch')", ms["train"], "", ""),
        (
            "  speed-up of train() over the textbook loop",
            f"{speedup:.2f}x",
            f">= {TARGET_SPEEDUP}x",
            verdict(speedup >= TARGET_SPEEDUP and equal_accuracy),
        ),
        (
            "  final val accuracy, textbook / train()",
            f"{acc['textbook']:.4f} / {acc['train']:.4f}",
            "equal",
            verdict(equal_accuracy),
        ),
        ("epoch time, train() without recording", ms["unrecorded"], "", ""),
        (
            "  recording overhead per epoch",
            f"{overhead['train']:+.1%}",
            f"<= {TARGET_EPOCH_OVERHEAD:.0%}",
            verdict(overhead["train"] <= TARGET_EPOCH_OVERHEAD),
        ),
        ("    (time inside the snapshots)", f"{inside['train']:.2%}", "", ""),
        ("epoch time, train(record='batch')", ms["batch"], "", ""),
        ("  recording overhead per batch", f"{overhead['batch']:+.1%}", "", ""),
        ("    (time inside the snapshots)", f"{inside['batch']:.2%}", "", ""),
        ("histories bit-identical across runs", "yes" if identical else "NO", "yes", verdict(identical)),
    ]
    print(
        f"cnnexplain training benchmark: torch {torch.__version__}, {args.threads} threads, "
        f"{os.cpu_count()} cores, load average {load_before:.2f} before and {load_after:.2f} after"
    )
    print(
        f"task: {len(train_set)} train / {len(val_set)} val images 50x50, LineCNN, batch 32, Adam 1e-3, "
        f"{epochs} epochs per run; the fastest of {args.repeats} interleaved rounds"
    )
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    rule = "-" * (sum(widths) + 6)
    print(rule)
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    print(rule)
    if max(load_before, load_after) > 0.75 * (os.cpu_count() or 1):
        print("WARNING: other jobs were using the CPU: the timings are noisy; rerun on an idle machine.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
