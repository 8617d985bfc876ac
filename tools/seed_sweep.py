"""Run every gallery example at several training seeds and list the claims that fail.

``nox -s claims`` builds the whole site at a seed drawn at random and stops at
the first page whose claim does not hold. Before that lottery, this tool asks the
wider question: at which seeds does which sentence fail? It runs each example as a
plain script (not strict, so a claim that does not hold warns and the page runs
on, and every failing claim of a page is seen, not only the first), once per seed,
and prints one line per failing claim::

    PYTHONPATH=. python tools/seed_sweep.py 11 12 13 --jobs 2 --log artifacts/sweep.jsonl

Each result is appended to the ``--log`` file as one JSON line, so a long sweep
can be stopped and read at any time. The runs share one training cache
(``--cache``), so pages that train the same networks train them once per seed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FAILED_CLAIM = re.compile(r"claim not confirmed by this run: (.*)")
UNGLUED = re.compile(r"prose names a value this run did not glue: (.*)")
# Runs the example as __main__, then names every |value| its prose uses that the run did not
# glue: a branch of the text chosen by the run must glue every name its prose needs, or the
# docs build fails at the seeds where that branch fires (the claims extension's warning).
RUNNER = """
import re, runpy, sys
runpy.run_path(sys.argv[1], run_name="__main__")
from cnnexplain import claims
text = open(sys.argv[1], encoding="utf-8").read()
# The prose: the docstring, and each comment block that starts with "# %%" (not code comments).
prose, in_text = [text.split('\"\"\"')[1]], False
for line in text.splitlines():
    in_text = line.startswith("# %%") or (in_text and line.startswith("#"))
    prose.append(line if in_text else "")
prose = "\\n".join(prose)
used = set(re.findall(r"\\|(\\w+)\\|", re.sub(r"``.*?``", "", prose, flags=re.S)))  # not in literals
glued = set(claims.collect()["values"])
for name in sorted(used - glued):
    print(f"prose names a value this run did not glue: {name}", file=sys.stderr)
"""


def examples(pattern: str) -> list[Path]:
    """The gallery's example scripts whose path contains ``pattern``."""
    return [path for path in sorted((ROOT / "examples").glob("*/plot_*.py")) if pattern in str(path)]


def run(example: Path, seed: int, cache: Path) -> dict:
    """Run one example at one seed; return its failing claims and exit status."""
    env = dict(os.environ, CNNEXPLAIN_SEED=str(seed), CNNEXPLAIN_CACHE=str(cache), MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.pop("CNNEXPLAIN_STRICT_CLAIMS", None)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as workdir:
        done = subprocess.run(
            [sys.executable, "-c", RUNNER, str(example)],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
        )
    failed = FAILED_CLAIM.findall(done.stderr) + [
        f"unglued |{name}|" for name in UNGLUED.findall(done.stderr)
    ]
    return {
        "page": str(example.relative_to(ROOT)),
        "seed": seed,
        "returncode": done.returncode,
        "failed_claims": failed,
        "error": done.stderr[-2000:] if done.returncode else "",
        "seconds": round(time.perf_counter() - started, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("seeds", nargs="+", type=int, help="training seeds to run the examples at")
    parser.add_argument("--only", default="", help="run only examples whose path contains this text")
    parser.add_argument("--jobs", type=int, default=1, help="examples run at once (default 1)")
    parser.add_argument("--cache", type=Path, default=ROOT / "docs/_build/cache", help="training cache")
    parser.add_argument("--log", type=Path, default=ROOT / "artifacts/sweep.jsonl", help="JSON lines out")
    args = parser.parse_args(argv)
    args.log.parent.mkdir(parents=True, exist_ok=True)
    jobs = [(example, seed) for seed in args.seeds for example in examples(args.only)]
    problems = 0
    with ThreadPoolExecutor(args.jobs) as pool, args.log.open("a") as log:
        for result in pool.map(lambda job: run(*job, args.cache), jobs):
            log.write(json.dumps(result) + "\n")
            log.flush()
            status = "ok" if result["returncode"] == 0 else f"exit {result['returncode']}"
            print(
                f"{result['seed']:>11} {result['page']:<48} {status:<7} {result['seconds']:6.0f} s",
                flush=True,
            )
            for claim in result["failed_claims"]:
                print(f"{'':>11}   FAILED: {claim}", flush=True)
            problems += bool(result["failed_claims"]) or result["returncode"] != 0
    print(f"{problems} of {len(jobs)} runs had a failing claim or an error")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
