"""The training benchmark runs and prints every row of its table.

Its numbers are measured by ``nox -s bench`` on a quiet machine, never here:
this test only checks that the script works end to end.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import torch

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_training.py"


@pytest.mark.slow
def test_benchmark_prints_its_table(capsys):
    spec = importlib.util.spec_from_file_location("bench_training", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    threads = torch.get_num_threads()
    try:
        assert bench.main(["--epochs", "1", "--repeats", "1", "--threads", "1"]) == 0
    finally:
        torch.set_num_threads(threads)
    out = capsys.readouterr().out
    for row in (
        "epoch time, textbook loop (Dataset + DataLoader)",
        "speed-up of train() over the textbook loop",
        "final val accuracy, textbook / train()",
        "recording overhead per epoch",
        "recording overhead per batch",
        "time inside the snapshots",
        "histories bit-identical across runs",
    ):
        assert row in out, row
    # Every target row carries a verdict, and the histories of repeated runs agree.
    verdicts = [line for line in out.splitlines() if line.rstrip().endswith(("PASS", "MISS"))]
    assert len(verdicts) == 4
    assert any("bit-identical" in line and line.rstrip().endswith("PASS") for line in verdicts)
