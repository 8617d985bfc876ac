"""Docs benchmark: how long from a clone to the built site, this commit against an earlier one.

Run with ``python benchmarks/bench_docs.py`` (or ``nox -s bench -- docs``). It
clones the repository twice into a scratch folder -- the commit under test
(``--head``, default ``HEAD``) and an earlier one (``--base``) -- and times
three things on each, side by side in one run:

(a) **clone to site**: the README's site command, exactly as that commit's
    README prints it (``python3 -m pip install ... && python3 -m nox -s docs``),
    run with a new virtual environment's ``python3`` first on the ``PATH``:
    Python and pip, nothing else installed. The package caches of pip and uv
    are bypassed (``PIP_NO_CACHE_DIR``, ``UV_NO_CACHE``) and the training
    cache starts empty, as on a new machine; package files that lie on this
    machine's disk (pip's configured folder of wheels, with the CPU build of
    torch) are still used, as they would be on any machine like it.
(b) **cold build**: ``python3 -m nox -s docs -- clean`` with the environments
    installed: every example reruns and every training is redone.
(c) **no-change rebuild**: ``python3 -m nox -s docs`` right after.

The steps run interleaved -- (a) of both commits, then (b) of both, then
(c) -- so that a load that drifts during the run hits both alike. It prints
one table with the times and the ratios head / base, against the targets of
issue 12: (a) at most 0.5x, (b) at most 0.6x, (c) at most 5 s. ``--steps b``
times the cold build alone (after an untimed set-up), and ``--cold-limit 2``
sets its target to issue 20's: the cold build with the seed study may take
at most twice as long as that of 6311373::

    nox -s bench -- docs --base 6311373 --steps b --cold-limit 2

``--same-content`` measures the head commit twice instead: once as the base
commit set up and built its site -- ``pip install nox`` (no uv, so nox makes
its environments with venv and pip) and the examples run one after the other
(``CNNEXPLAIN_GALLERY_JOBS=1``; ``--force-venv-backend venv``, since the
head's noxfile would find uv wherever it is installed) -- and once as the
head does. The site is the
same, so the ratios are those of the faster set-up and build alone.

The default base is ``c7b38fd``, the last commit before the work of issues 11
and 12. (Issue 12 asked for the parent of its first commit; that commit's
parent is a state in the middle of issue 11 whose site does not build. The
base site has two gallery pages fewer than the head's, so the head does more
work, not less.)
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BASE = "c7b38fd"
TARGETS = {"a": ("clone to site", 0.5), "b": ("cold build", 0.6)}
REBUILD_TARGET_S = 5.0
# The head's noxfile asks for uv, and nox finds it wherever uv is installed (it is on this
# machine): the base's way must say venv, or its environments are made with uv as well.
OLD_BACKEND = "--force-venv-backend venv"
# The README's site command: an install, then nox's docs session.
README_COMMAND = re.compile(r"^(python3 -m pip install \S+ && python3 -m nox -s docs)\b", re.MULTILINE)


def sh(command: list[str] | str, *, cwd: Path, env: dict[str, str], log: Path) -> float:
    """Run ``command``, appending its output to ``log``; return its wall time in seconds."""
    with open(log, "a") as out:
        out.write(f"\n$ {command}\n")
        out.flush()
        start = time.perf_counter()
        done = subprocess.run(
            command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, shell=isinstance(command, str)
        )
        elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"bench_docs: {command!r} failed in {cwd} (exit {done.returncode}); see {log}")
    return elapsed


class Checkout:
    """One commit, cloned fresh, with its own Python (pip only) and its log."""

    def __init__(self, label: str, commit: str, work: Path, *, old_setup: bool = False) -> None:
        self.label, self.commit, self.old_setup = label, commit, old_setup
        self.dir = work / label
        self.host = work / f"{label}-python"
        self.log = work / f"{label}.log"
        subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(self.dir)], check=True)
        subprocess.run(["git", "-C", str(self.dir), "checkout", "--quiet", commit], check=True)
        self.sha = subprocess.run(
            ["git", "-C", str(self.dir), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        subprocess.run([sys.executable, "-m", "venv", str(self.host)], check=True)
        readme = (self.dir / "README.md").read_text(encoding="utf-8")
        match = README_COMMAND.search(readme)
        if match is None:
            raise SystemExit(f"bench_docs: no site command in the README of {commit}")
        self.readme_command = match.group(1)
        if old_setup:  # the base's way: nox without uv
            self.readme_command = f"python3 -m pip install nox && python3 -m nox {OLD_BACKEND} -s docs"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("CNNEXPLAIN_", "NOX", "VIRTUAL_ENV"))}
        env["PATH"] = f"{self.host / 'bin'}{os.pathsep}{env['PATH']}"
        env.update(PIP_NO_CACHE_DIR="1", UV_NO_CACHE="1", PIP_DISABLE_PIP_VERSION_CHECK="1")
        if self.old_setup:  # the base's way: the examples one after the other
            env["CNNEXPLAIN_GALLERY_JOBS"] = "1"
        return env

    def install_only(self) -> None:
        """Set up as the README does, without building: for runs that time (b) and (c) alone."""
        sh(f"{self.readme_command} --install-only", cwd=self.dir, env=self.env, log=self.log)

    def run(self, step: str) -> float:
        nox = f"python3 -m nox {OLD_BACKEND}" if self.old_setup else "python3 -m nox"
        command = {
            "a": self.readme_command,
            "b": f"{nox} -s docs -- clean",
            "c": f"{nox} -s docs",
        }[step]
        return sh(command, cwd=self.dir, env=self.env, log=self.log)


def base_name(base: Checkout) -> str:
    return f"{base.sha}, old way" if getattr(base, "old_setup", False) else f"base {base.sha}"


def table(
    base: Checkout,
    head: Checkout,
    times: dict[str, dict[str, float]],
    targets: dict[str, float] | None = None,
) -> str:
    """The times side by side with their ratios, against ``targets`` (issue 12's by default)."""
    targets = targets or {step: limit for step, (_, limit) in TARGETS.items()}
    rows = [
        f"{'step':<22} {base_name(base):>14} {'head ' + head.sha:>14} {'head/base':>10}  target",
        "-" * 78,
    ]
    for step, name in (("a", "(a) clone to site"), ("b", "(b) cold build"), ("c", "(c) no-change rebuild")):
        if step not in times["head"]:
            continue
        b, h = times["base"][step], times["head"][step]
        if step == "c":
            target = f"<= {REBUILD_TARGET_S:g} s: {'met' if h <= REBUILD_TARGET_S else 'MISSED'}"
        else:
            limit = targets[step]
            target = f"<= {limit:g}x: {'met' if h / b <= limit else 'MISSED'}"
        rows.append(f"{name:<22} {b:>12.1f} s {h:>12.1f} s {h / b:>9.2f}x  {target}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default=DEFAULT_BASE, help="the earlier commit (default: %(default)s)")
    parser.add_argument("--head", default="HEAD", help="the commit under test (default: %(default)s)")
    parser.add_argument(
        "--work", type=Path, help="scratch folder (default: a new temporary one, removed after)"
    )
    parser.add_argument("--json", type=Path, help="also write the times to this JSON file")
    parser.add_argument(
        "--same-content",
        action="store_true",
        help="compare the head with itself set up and built the base's way (pip, examples in series)",
    )
    parser.add_argument(
        "--steps", default="abc", help="which of the steps a, b, c to time (default: %(default)s)"
    )
    parser.add_argument(
        "--cold-limit",
        type=float,
        default=TARGETS["b"][1],
        help="the target ratio of (b), head/base (default %(default)s, issue 12's; issue 20 allows 2)",
    )
    args = parser.parse_args(argv)
    steps = [step for step in "abc" if step in args.steps]
    if not steps or set(args.steps) - set("abc"):
        parser.error(f"--steps must name some of a, b and c, got {args.steps!r}")
    targets = {"a": TARGETS["a"][1], "b": args.cold_limit}

    work = args.work or Path(tempfile.mkdtemp(prefix="bench-docs-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        base = (
            Checkout("base", args.head, work, old_setup=True)
            if args.same_content
            else Checkout("base", args.base, work)
        )
        checkouts = {"base": base, "head": Checkout("head", args.head, work)}
        times: dict[str, dict[str, float]] = {"base": {}, "head": {}}
        if "a" not in steps:  # the environments that (a) would have made, untimed
            for checkout in checkouts.values():
                checkout.install_only()
        for step in steps:
            for label, checkout in checkouts.items():
                times[label][step] = checkout.run(step)
                print(f"{label} {checkout.sha} ({step}): {times[label][step]:.1f} s", flush=True)
        print()
        print(f"load average (1, 5, 15 min): {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
        print(table(checkouts["base"], checkouts["head"], times, targets))
        if args.json:
            record = {label: {"commit": c.sha, **times[label]} for label, c in checkouts.items()}
            args.json.write_text(json.dumps(record, indent=1) + "\n")
    finally:
        if args.work is None:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
