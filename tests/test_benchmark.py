"""The benchmarks run and print every row of their tables.

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


def load_bench_docs():
    path = BENCH.with_name("bench_docs.py")
    spec = importlib.util.spec_from_file_location("bench_docs", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_docs_benchmark_runs_the_readmes_site_command():
    bench = load_bench_docs()
    readme = (BENCH.parents[1] / "README.md").read_text(encoding="utf-8")
    assert (
        bench.README_COMMAND.search(readme).group(1)
        == 'python3 -m pip install "nox[uv]" && python3 -m nox -s docs'
    )


def test_docs_benchmark_table_gives_ratios_and_verdicts():
    bench = load_bench_docs()

    class Stub:
        def __init__(self, sha):
            self.sha = sha

    times = {"base": {"a": 200.0, "b": 100.0, "c": 6.0}, "head": {"a": 90.0, "b": 70.0, "c": 4.0}}
    rows = bench.table(Stub("aaa"), Stub("bbb"), times).splitlines()
    assert "0.45x" in rows[2] and "0.70x" in rows[3] and "0.67x" in rows[4]
    assert rows[2].endswith("met") and rows[3].endswith("MISSED") and rows[4].endswith("met")


@pytest.mark.slow
def test_study_benchmark_prints_its_table(capsys):
    spec = importlib.util.spec_from_file_location("bench_study", BENCH.with_name("bench_study.py"))
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    threads = torch.get_num_threads()
    try:
        args = ["--seeds", "2", "--epochs", "1", "--arms", "adam,sgd", "--chunk-size", "1", "--jobs", "1"]
        assert bench.main([*args, "--repeats", "1"]) == 0
    finally:
        torch.set_num_threads(threads)
    out = capsys.readouterr().out
    for row in (
        "one chunk: 2 members, one process, one thread",
        "speed-up of the ensemble",
        "the same numbers, bit for bit",
        "the whole study: 2 seeds x 2 arms = 4 members",
        "seed_study(), 1 local process",
        "speed-up of seed_study()",
    ):
        assert row in out, row
    (same,) = [line for line in out.splitlines() if "the same numbers, bit for bit" in line]
    assert same.rstrip().endswith("yes")
