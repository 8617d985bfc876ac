"""Section benchmark: what one gallery section adds to the site's cold build.

Run with ``python benchmarks/bench_section.py`` (or ``nox -s bench -- section``).
It clones the commit under test (``--head``, default ``HEAD``) twice into a
scratch folder. One clone is left as it is; from the other the section's
folder of examples (``--section``, default ``why_edges``: the "Why edges?"
pages) is removed, and nothing else. Both then build the site cold, the
README's way (``python3 -m nox -s docs -- clean``: every example reruns,
every training is redone, the training cache starts empty), interleaved --
with, without, with, without, ... -- so that a load that drifts during the run
hits both alike. It prints one table: the fastest cold build of each (other
jobs can only add time), the ratio with / without, and issue 13's budget: the
section adds at most 30%, a ratio of at most 1.30.

The trimmed site still names the missing pages (the landing page quotes
numbers of the section), so its build ends with warnings and a failing exit
status; the build runs to its end all the same (``--keep-going``), and the
benchmark checks that it wrote its pages. Only the full site must build
cleanly.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUDGET = 1.30


class Clone:
    """One clone of the commit, with its own log; ``trim`` removes a section's examples."""

    def __init__(self, label: str, commit: str, work: Path, *, trim: str | None = None) -> None:
        self.label, self.trimmed = label, trim is not None
        self.dir = work / label
        self.log = work / f"{label}.log"
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(self.dir)], check=True)
        subprocess.run(["git", "-C", str(self.dir), "checkout", "--quiet", commit], check=True)
        if trim is not None:
            section = self.dir / "examples" / trim
            if not section.is_dir():
                raise SystemExit(f"bench_section: no section examples/{trim} in {commit}")
            shutil.rmtree(section)

    @property
    def env(self) -> dict[str, str]:
        # A cache or job count set in the caller's shell must not reach either build, and run from
        # ``nox -s bench`` the ``python3`` of the README is the machine's, not the session's.
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CNNEXPLAIN_", "NOX", "VIRTUAL_ENV"))}
        session_bin = os.path.join(os.environ.get("VIRTUAL_ENV", "/nonexistent"), "bin")
        env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != session_bin)
        return env

    def nox(self, *args: str) -> float:
        """Run the README's ``python3 -m nox -s docs`` with ``args``; return its wall time in seconds."""
        command = ["python3", "-m", "nox", "-s", "docs", *args]
        with open(self.log, "a") as out:
            out.write(f"\n$ {' '.join(command)}\n")
            out.flush()
            start = time.perf_counter()
            done = subprocess.run(command, cwd=self.dir, env=self.env, stdout=out, stderr=subprocess.STDOUT)
            elapsed = time.perf_counter() - start
        built = (self.dir / "docs" / "_build" / "html" / "index.html").is_file()
        if done.returncode != 0 and not (self.trimmed and built):
            raise SystemExit(f"bench_section: {self.label} failed (exit {done.returncode}); see {self.log}")
        return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--section", default="why_edges", help="folder under examples/ (default: %(default)s)"
    )
    parser.add_argument("--head", default="HEAD", help="the commit under test (default: %(default)s)")
    parser.add_argument("--repeats", type=int, default=2, help="cold builds of each (default: %(default)s)")
    parser.add_argument(
        "--work", type=Path, help="scratch folder (default: a new temporary one, removed after)"
    )
    args = parser.parse_args(argv)
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-section-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        clones = [Clone("with", args.head, work), Clone("without", args.head, work, trim=args.section)]
        for clone in clones:  # environments first, so that only the builds are timed
            clone.nox("--install-only")
        times: dict[str, list[float]] = {clone.label: [] for clone in clones}
        for _ in range(args.repeats):
            for clone in clones:
                times[clone.label].append(clone.nox("--", "clean"))
                print(f"{clone.label} {args.section}: cold build {times[clone.label][-1]:.1f} s", flush=True)
        with_, without = min(times["with"]), min(times["without"])
        ratio = with_ / without
        print()
        print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(f"{'cold build (fastest of ' + str(args.repeats) + ')':<34} {'seconds':>8}")
        print("-" * 44)
        print(f"{'site without examples/' + args.section:<34} {without:>8.1f}")
        print(f"{'site with it':<34} {with_:>8.1f}")
        verdict = "met" if ratio <= BUDGET else "MISSED"
        print(
            f"the section adds {ratio - 1:.0%} (with / without = {ratio:.2f}x; budget <= {BUDGET:.2f}x: {verdict})"
        )
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
