"""Training benchmark of cnnexplain: speed, recording overhead and efficiency.

Run with ``python benchmarks/bench_training.py`` (or ``nox -s bench``); it
prints one table. Everything is measured side by side in one run, on the
default task of the project (``make_lines()``: 1200 images of 50x50, an
80/20 split, the default :class:`~cnnexplain.model.LineCNN`, batches of 32,
Adam with lr 1e-3, seed 0):

1. **train() against a textbook loop.** The loop a tutorial would write: a
   ``torch.utils.data.Dataset`` whose ``__getitem__`` returns one
   ``(image, label)`` pair, a ``DataLoader(batch_size=32, shuffle=True)``, the
   same model, optimizer, epochs and seed, and a validation pass per epoch
   (as the PyTorch tutorials' ``test_loop``), as :func:`train` does too. The
   time per epoch is the wall time of the whole call divided by the epochs,
   so :func:`train`'s extra work (the evaluation before training, metrics,
   snapshots) counts against it. Target: at least 1.5 times faster at equal
   final validation accuracy.
2. **Recording overhead.** ``train(record="epoch")`` and
   ``train(record="batch")`` against the same :func:`train` with recording
   switched off. There is no public switch (``record`` accepts only
   ``"epoch"`` and ``"batch"``); the benchmark replaces the internal
   ``cnnexplain.training._snapshot`` by a stub that stores an empty array,
   so the "off" variant runs exactly the same code minus the copies of the
   parameters. Targets: at most 3 % (per epoch) and 20 % (per batch).
3. **Achieved GFLOP/s** of ``train(record="epoch")`` against the GFLOP/s of
   a large float32 matrix product (the ceiling of this machine), measured
   in the same run. FLOPs are counted exactly for the convolutions and dense
   layers (a multiply-add is 2 FLOPs; ReLU, pooling, the loss and Adam are
   not counted)::

       forward(layer)   = 2 * out_elements * (in_channels / groups) * kh * kw   (Conv2d)
                        = 2 * in_features * out_features                        (Linear)
       training step    = forward + weight gradient (= forward)
                          + input gradient (= forward; not computed for conv1,
                            whose input needs no gradient)
       train(epochs=E)  = E * N_train * step
                          + (E + 1) * N_val * forward + N_train * forward   (evaluations)

   The common "3 x forward" rule would count conv1's input gradient, which
   PyTorch never computes, and inflate the figure by about a third; it is
   printed for reference only. Target: at least 35 % of the matmul rate.
4. **Where the time goes**, to explain the first and third figures:

   * the textbook loop's data loading alone (iterating its two
     ``DataLoader`` objects, no model), timed in the same rounds: the part of
     a textbook epoch that a better loop can remove without touching the
     model's arithmetic;
   * one extra ``train()`` run under :mod:`torch.profiler`, its operator
     time per epoch grouped by kind. The convolutions and matrix products
     are the only operators that do counted FLOPs; the bound printed under
     the table is the fraction of the matmul rate ``train()`` would reach if
     every other operator, and all the Python around them, took no time.

Timing: ``torch.set_num_threads`` is set to the number of cores; after a
warm-up, the variants run ``--repeats`` times, interleaved (the order
rotates each round, so that drifting load from other jobs hits all of them
alike), and the table shows medians. The load average is printed: on a
machine shared with other jobs the numbers are noisy, so compare runs made
under similar load.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import os
import statistics
import time
from collections.abc import Callable

import numpy as np
import torch
from torch import nn
from torch.utils.data import DataLoader, Dataset

import cnnexplain.training as training_module
from cnnexplain import LineCNN, make_lines, train

TARGET_SPEEDUP = 1.5
TARGET_EPOCH_OVERHEAD = 0.03
TARGET_BATCH_OVERHEAD = 0.20
TARGET_FLOPS_FRACTION = 0.35


# -- the textbook loop ------------------------------------------------------------------


class LinesDataset(Dataset):
    """A map-style dataset serving one (image, label) pair per index."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor):
        self.images = images
        self.labels = labels

    def __len__(self) -> int:
        return len(self.labels)

    def __getitem__(self, index: int):
        return self.images[index], self.labels[index]


def textbook_loaders(train_set, val_set) -> tuple[DataLoader, DataLoader]:
    """The textbook loop's loaders: shuffled batches of 32 for training, in order for validation."""
    train_loader = DataLoader(LinesDataset(train_set.images, train_set.labels), batch_size=32, shuffle=True)
    val_loader = DataLoader(LinesDataset(val_set.images, val_set.labels), batch_size=32)
    return train_loader, val_loader


def tutorial_training(train_set, val_set, *, epochs: int, seed: int = 0) -> dict:
    """Train a LineCNN the way a tutorial does; return the final validation accuracy."""
    torch.manual_seed(seed)
    model = LineCNN(seed=seed)
    train_loader, val_loader = textbook_loaders(train_set, val_set)
    loss_fn = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    accuracy = 0.0
    for _epoch in range(epochs):
        model.train()
        running_loss = 0.0
        for images, labels in train_loader:
            loss = loss_fn(model(images), labels)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        model.eval()
        val_loss, correct = 0.0, 0
        with torch.no_grad():
            for images, labels in val_loader:
                logits = model(images)
                val_loss += loss_fn(logits, labels).item()
                correct += (logits.argmax(1) == labels).sum().item()
        accuracy = correct / len(val_set)
    return {"accuracy": accuracy}


def loader_only(train_set, val_set, *, epochs: int, seed: int = 0) -> dict:
    """Iterate the textbook loop's data loaders, with no model: its data-loading cost."""
    torch.manual_seed(seed)
    train_loader, val_loader = textbook_loaders(train_set, val_set)
    seen = 0
    for _epoch in range(epochs):
        for loader in (train_loader, val_loader):
            for images, _labels in loader:
                seen += len(images)
    return {"images": seen}


# -- train() with and without recording ---------------------------------------------------

_EMPTY = np.zeros(0, dtype=np.float32)


def _no_snapshot(model: nn.Module, store: dict, items=None) -> None:
    """Stand-in for ``cnnexplain.training._snapshot`` that copies nothing."""
    for key in store:
        store[key].append(_EMPTY)


def _digest(history) -> str:
    h = hashlib.sha256()
    for key in history:
        h.update(key.encode())
        h.update(history[key].tobytes())
    for key, values in history.metrics.items():
        h.update(key.encode())
        h.update(values.tobytes())
    return h.hexdigest()


def library_training(train_set, val_set, *, epochs: int, record: str | None, seed: int = 0) -> dict:
    """Run cnnexplain.train(); ``record=None`` stubs the snapshots out.

    Returns the final validation accuracy, the seconds spent inside the
    snapshots (timed around each call) and a digest of the history.
    """
    model = LineCNN(seed=seed)
    real = training_module._snapshot
    spent = [0.0]

    def timed_snapshot(*args, **kwargs):
        start = time.perf_counter()
        real(*args, **kwargs)
        spent[0] += time.perf_counter() - start

    training_module._snapshot = _no_snapshot if record is None else timed_snapshot
    try:
        history = train(
            model,
            train_set,
            val_set=val_set,
            epochs=epochs,
            seed=seed,
            record=record or "epoch",
            progress=False,
            threads=None,  # the thread count set for the whole benchmark, as the textbook loop gets
        )
    finally:
        training_module._snapshot = real
    return {
        "accuracy": float(history.metrics["val_accuracy"][-1]),
        "snapshot_seconds": spent[0],
        "digest": _digest(history) if record is not None else "",
    }


# -- FLOPs --------------------------------------------------------------------------------


def layer_flops(model: nn.Module, image_size: int) -> list[tuple[str, int, bool]]:
    """``(name, forward FLOPs per image, needs input gradient)`` of each conv
    and dense layer, in forward order."""
    out: list[tuple[str, int, bool]] = []
    first = [True]

    def hook(name):
        def record(module, inputs, output):
            if isinstance(module, nn.Conv2d):
                kh, kw = module.kernel_size
                per_out = (module.in_channels // module.groups) * kh * kw
                flops = 2 * output[0].numel() * per_out
            else:
                flops = 2 * module.in_features * module.out_features
            out.append((name, flops, not first[0]))
            first[0] = False

        return record

    handles = [
        m.register_forward_hook(hook(n))
        for n, m in model.named_modules()
        if isinstance(m, (nn.Conv2d, nn.Linear))
    ]
    try:
        with torch.no_grad():
            model.eval()(torch.zeros(1, 1, image_size, image_size))
    finally:
        for h in handles:
            h.remove()
    return out


def train_flops(n_train: int, n_val: int, epochs: int, *, rule_of_three: bool = False) -> float:
    layers = layer_flops(LineCNN(), 50)
    forward = sum(f for _, f, _ in layers)
    if rule_of_three:
        step = 3 * forward
    else:
        step = sum(f * (3 if needs_input_grad else 2) for _, f, needs_input_grad in layers)
    evaluations = (epochs + 1) * n_val * forward + n_train * forward
    return epochs * n_train * step + evaluations


#: Operator groups of the profile, by the names torch.profiler gives them.
OPERATOR_GROUPS = {
    "convolutions, forward and backward": ("aten::mkldnn_convolution", "aten::convolution_backward"),
    "dense layers (matrix products)": ("aten::mm", "aten::addmm"),
    "max-pooling, forward and backward": (
        "aten::max_pool2d_with_indices",
        "aten::max_pool2d_with_indices_backward",
    ),
    "dropout's random mask": ("aten::bernoulli_",),
    "zero-filling (mostly the pooling gradients)": ("aten::fill_", "aten::zero_"),
    "Adam's update kernel": ("aten::_fused_adam_",),
}
FLOP_GROUPS = ("convolutions, forward and backward", "dense layers (matrix products)")


def profile_train(train_set, val_set, *, epochs: int) -> dict:
    """One ``train()`` run under torch.profiler: seconds of operator self time
    per group of :data:`OPERATOR_GROUPS`, and the wall time of the run."""
    from torch.profiler import ProfilerActivity, profile

    model = LineCNN(seed=0)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        start = time.perf_counter()
        train(model, train_set, val_set=val_set, epochs=epochs, progress=False, threads=None)
        wall = time.perf_counter() - start
    self_us: dict[str, float] = {}
    for event in prof.key_averages():
        self_us[event.key] = self_us.get(event.key, 0.0) + event.self_cpu_time_total
    groups = {
        group: sum(self_us.get(name, 0.0) for name in names) / 1e6 for group, names in OPERATOR_GROUPS.items()
    }
    return {"wall": wall, "groups": groups}


def matmul_seconds(n: int = 2048, repeats: int = 5) -> dict:
    """Median time of one n x n float32 matrix product."""
    a = torch.randn(n, n)
    b = torch.randn(n, n)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        torch.mm(a, b)
        times.append(time.perf_counter() - start)
    return {"seconds": statistics.median(times)}


# -- the run --------------------------------------------------------------------------------


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def paired(times: dict[str, list[float]], a: str, b: str) -> float:
    """Median over the rounds of ``times[a] / times[b]`` (the runs of one round
    are back to back, so a ratio cancels most of the drift of the load)."""
    return statistics.median(x / y for x, y in zip(times[a], times[b]))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10, help="epochs per timed run (default 10)")
    parser.add_argument("--repeats", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument("--threads", type=int, default=os.cpu_count(), help="torch threads (default: cores)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    epochs = args.epochs

    load_before = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    train_set, val_set = make_lines().split(test_fraction=0.2, seed=0)
    n = 2048
    variants: dict[str, Callable[[], dict]] = {
        "tutorial": lambda: tutorial_training(train_set, val_set, epochs=epochs),
        "train": lambda: library_training(train_set, val_set, epochs=epochs, record="epoch"),
        "train_norecord": lambda: library_training(train_set, val_set, epochs=epochs, record=None),
        "train_batch": lambda: library_training(train_set, val_set, epochs=epochs, record="batch"),
        "matmul": lambda: matmul_seconds(n),
        "loader": lambda: loader_only(train_set, val_set, epochs=epochs),
    }
    # Warm-up: first calls pay for lazy imports and kernel selection.
    for fn in variants.values():
        fn()
    times: dict[str, list[float]] = {k: [] for k in variants}
    results: dict[str, list[dict]] = {k: [] for k in variants}
    names = list(variants)
    for r in range(args.repeats):
        for name in names[r % len(names) :] + names[: r % len(names)]:
            start = time.perf_counter()
            results[name].append(variants[name]())
            times[name].append(time.perf_counter() - start)

    runs = ("tutorial", "train", "train_norecord", "train_batch")
    per_epoch = {k: statistics.median(times[k]) / epochs for k in runs}
    acc = {k: results[k][-1]["accuracy"] for k in runs}
    speedup = paired(times, "tutorial", "train")
    over_epoch = paired(times, "train", "train_norecord") - 1
    over_batch = paired(times, "train_batch", "train_norecord") - 1
    # The same overheads measured directly: the time spent inside the
    # snapshots against the rest of the run.
    direct = {
        k: statistics.median(
            res["snapshot_seconds"] / (t - res["snapshot_seconds"]) for res, t in zip(results[k], times[k])
        )
        for k in ("train", "train_batch")
    }
    deterministic = all(len({res["digest"] for res in results[k]}) == 1 for k in ("train", "train_batch"))
    matmul_gflops = 2 * n**3 / statistics.median(res["seconds"] for res in results["matmul"]) / 1e9
    flops = train_flops(len(train_set), len(val_set), epochs)
    flops3 = train_flops(len(train_set), len(val_set), epochs, rule_of_three=True)
    gflops = flops / statistics.median(times["train"]) / 1e9
    fraction = gflops / matmul_gflops
    equal_accuracy = abs(acc["tutorial"] - acc["train"]) <= 0.01

    profiled = profile_train(train_set, val_set, epochs=epochs)
    loader_epoch = statistics.median(times["loader"]) / epochs
    # The best ratio a loop can get by data loading alone: the textbook epoch
    # without its loaders.
    loader_bound = per_epoch["tutorial"] / (per_epoch["tutorial"] - loader_epoch)
    flop_seconds = sum(profiled["groups"][g] for g in FLOP_GROUPS)
    flop_bound = flops / flop_seconds / 1e9 / matmul_gflops

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else math.nan
    print(
        f"cnnexplain training benchmark: torch {torch.__version__}, {args.threads} threads, "
        f"{os.cpu_count()} cores, load average {load_before:.2f} before and {load:.2f} after the run"
    )
    print(
        f"task: {len(train_set)} train / {len(val_set)} val images 50x50, LineCNN, batch 32, Adam 1e-3, "
        f"{epochs} epochs per run; medians of {args.repeats} interleaved rounds"
    )
    rows = [
        ("epoch time, textbook loop (Dataset + DataLoader)", f"{per_epoch['tutorial'] * 1e3:.1f} ms", "", ""),
        (
            "  of which the DataLoaders alone (no model)",
            f"{loader_epoch * 1e3:.1f} ms = {loader_epoch / per_epoch['tutorial']:.1%}",
            "",
            "",
        ),
        ("epoch time, train(record='epoch')", f"{per_epoch['train'] * 1e3:.1f} ms", "", ""),
        (
            "  speed-up of train() over the textbook loop",
            f"{speedup:.2f}x",
            f">= {TARGET_SPEEDUP}x",
            verdict(speedup >= TARGET_SPEEDUP and equal_accuracy),
        ),
        (
            "  final val accuracy, textbook / train()",
            f"{acc['tutorial']:.4f} / {acc['train']:.4f}",
            "equal",
            verdict(equal_accuracy),
        ),
        ("epoch time, train() without recording", f"{per_epoch['train_norecord'] * 1e3:.1f} ms", "", ""),
        ("epoch time, train(record='batch')", f"{per_epoch['train_batch'] * 1e3:.1f} ms", "", ""),
        (
            "  recording overhead per epoch",
            f"{over_epoch:+.1%}",
            f"<= {TARGET_EPOCH_OVERHEAD:.0%}",
            verdict(over_epoch <= TARGET_EPOCH_OVERHEAD),
        ),
        ("    (time inside the snapshots)", f"{direct['train']:+.2%}", "", ""),
        (
            "  recording overhead per batch",
            f"{over_batch:+.1%}",
            f"<= {TARGET_BATCH_OVERHEAD:.0%}",
            verdict(over_batch <= TARGET_BATCH_OVERHEAD),
        ),
        ("    (time inside the snapshots)", f"{direct['train_batch']:+.2%}", "", ""),
        (
            "  histories bit-identical across runs",
            "yes" if deterministic else "NO",
            "yes",
            verdict(deterministic),
        ),
        (f"matmul {n}x{n} float32 (machine ceiling)", f"{matmul_gflops:.1f} GFLOP/s", "", ""),
        ("train() achieved, exact FLOP count", f"{gflops:.1f} GFLOP/s", "", ""),
        (
            "  fraction of the matmul ceiling",
            f"{fraction:.1%}",
            f">= {TARGET_FLOPS_FRACTION:.0%}",
            verdict(fraction >= TARGET_FLOPS_FRACTION),
        ),
        (
            "  (the 3 x forward rule would say)",
            f"{flops3 / statistics.median(times['train']) / 1e9:.1f} GFLOP/s",
            "",
            "",
        ),
    ]
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    header = ("measure", "value", "target", "")
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip()
    print(line)
    print("-" * max(len(line), sum(widths) + 6))
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip())
    print("-" * max(len(line), sum(widths) + 6))
    spread = ", ".join(
        f"{k} {min(times[k]) / epochs * 1e3:.0f}-{max(times[k]) / epochs * 1e3:.0f}" for k in runs
    )
    print(f"epoch times over the rounds (min-max ms): {spread}")
    print(f"FLOPs per train() run: {flops / 1e9:.2f} GFLOP exact, {flops3 / 1e9:.2f} GFLOP by the 3x rule")
    print(
        f"data loading: without its DataLoaders the textbook epoch would take "
        f"{(per_epoch['tutorial'] - loader_epoch) * 1e3:.1f} ms, so removing data-loading cost alone "
        f"gives at most {loader_bound:.2f}x"
    )
    print(
        f"where one profiled train() epoch goes ({profiled['wall'] / epochs * 1e3:.1f} ms per epoch under "
        "the profiler, operator self time):"
    )
    for group, seconds in profiled["groups"].items():
        print(f"  {group:45s} {seconds / epochs * 1e3:6.1f} ms  {seconds / profiled['wall']:6.1%}")
    rest = profiled["wall"] - sum(profiled["groups"].values())
    print(
        f"  {'other operators, autograd and Python':45s} {rest / epochs * 1e3:6.1f} ms  {rest / profiled['wall']:6.1%}"
    )
    print(
        f"bound: if only the convolutions and matrix products took time, train() would reach "
        f"{flop_bound:.0%} of the matmul rate"
    )
    busy = max(load_before, load) > 0.75 * (os.cpu_count() or 1)
    if busy:
        print(
            f"WARNING: other jobs were using the CPU (load average {load_before:.2f} before, {load:.2f} after "
            "the run): the timings are not reliable; rerun on an idle machine."
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
