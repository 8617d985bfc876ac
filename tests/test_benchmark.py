"""The training benchmark runs and prints every row of its table.

Its numbers are measured by ``nox -s bench`` on a quiet machine, never here:
these tests only check that the script works, that its FLOP count is the
documented formula, and that the diagnostics under the table are printed.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch

from cnnexplain import LineCNN

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_training.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_training", BENCH)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_layer_flops_follow_the_formula(bench):
    layers = bench.layer_flops(LineCNN(), 50)
    assert [name for name, _, _ in layers] == ["conv1", "conv2", "fc1", "fc2"]
    flops = {name: f for name, f, _ in layers}
    assert flops["conv1"] == 2 * (8 * 44 * 44) * (1 * 7 * 7)
    assert flops["conv2"] == 2 * (8 * 20 * 20) * (8 * 3 * 3)
    assert flops["fc1"] == 2 * 800 * 32
    assert flops["fc2"] == 2 * 32 * 2
    # Only conv1's input needs no gradient.
    assert [needs for _, _, needs in layers] == [False, True, True, True]


def test_train_flops_counts_each_pass(bench):
    layers = bench.layer_flops(LineCNN(), 50)
    forward = sum(f for _, f, _ in layers)
    step = sum(f * (3 if needs else 2) for _, f, needs in layers)
    assert bench.train_flops(10, 4, 3) == 3 * 10 * step + 4 * 4 * forward + 10 * forward
    assert (
        bench.train_flops(10, 4, 3, rule_of_three=True)
        == 3 * 10 * 3 * forward + 4 * 4 * forward + 10 * forward
    )


@pytest.mark.slow
def test_benchmark_prints_its_table(bench, capsys):
    threads = torch.get_num_threads()
    try:
        assert bench.main(["--epochs", "1", "--repeats", "1", "--threads", "1"]) == 0
    finally:
        torch.set_num_threads(threads)
    out = capsys.readouterr().out
    for row in (
        "epoch time, textbook loop",
        "of which the DataLoaders alone",
        "speed-up of train() over the textbook loop",
        "final val accuracy, textbook / train()",
        "recording overhead per epoch",
        "recording overhead per batch",
        "histories bit-identical across runs",
        "fraction of the matmul ceiling",
        "removing data-loading cost alone gives at most",
        "convolutions, forward and backward",
        "other operators, autograd and Python",
        "bound: if only the convolutions and matrix products took time",
    ):
        assert row in out, row
    # Every target row carries a verdict, and the histories of repeated runs agree.
    verdicts = [line for line in out.splitlines() if line.rstrip().endswith(("PASS", "MISS"))]
    assert len(verdicts) == 6
    assert any("bit-identical" in line and line.rstrip().endswith("PASS") for line in verdicts)
