"""Run every downloadable example of the built site as a reader would.

A reader downloads a gallery page as a Jupyter notebook or a Python script and
runs it in an environment of their own. This tool does the same for every
``.ipynb`` and ``.py`` under the site's ``_downloads/``:

- each notebook through a real Jupyter kernel (nbclient), each script with
  ``python``, each in an empty working folder of its own;
- with a clean environment: none of the variables the site's build sets
  (``CNNEXPLAIN_*``, ``MPLBACKEND``), and a fresh home folder, so that the
  site's training cache is never found (the examples train what they need,
  into ``~/.cache/cnnexplain`` of that home, the one cache a reader's runs
  share; with ``--prefill docs/_data`` that cache holds the site's seed study
  from the start, 300 trained networks that ``nox -s docs`` does not train
  either, see tools/prebuilt_study.py; with ``--trainings docs/_build/cache``
  it holds every training of the site's build, for a run that asks whether
  newer libraries break the pages' code rather than whether a fresh cache
  works);
- afterwards it checks that a run wrote nothing outside its working folder
  but the caches that home holds (cnnexplain's, which the library names when it
  writes to it, and matplotlib's font cache).

It prints a table of pages, kinds, times and results, writes it as JSON with
``--report``, and exits 1 when any run failed, naming the page and, for a
notebook, the cell. Usage::

    python tools/run_examples.py docs/_build/html --report artifacts/examples/pinned.json

It runs inside the environment under test (``nox -s examples`` makes one with
the project and its ``[examples]`` extra): the kernel is this interpreter's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path

from prebuilt_study import copy as copy_prebuilt

# Variables the site's build sets (noxfile.py, docs/conf.py, the claims extension), which a
# reader's environment does not have.
SITE_VARIABLE_PREFIXES = ("CNNEXPLAIN_",)
SITE_VARIABLES = {"MPLBACKEND", "PYTHONPATH"}
# Folders under the fresh home that a run may fill: the library's training cache (it prints its
# path when it writes there), the font cache matplotlib builds on first import, and the profile
# and connection files of the Jupyter kernel itself.
ALLOWED_HOME_WRITES = (
    ".cache/cnnexplain",
    ".cache/matplotlib",
    ".config/matplotlib",
    ".ipython",
    ".local/share/jupyter",
)
# Files that a kernel or interpreter leaves in any working folder; not the example's writes.
IGNORED_WORKDIR_NAMES = {"__pycache__", ".ipynb_checkpoints"}


@dataclass
class Result:
    """How one download ran."""

    page: str
    kind: str  # "notebook" or "script"
    seconds: float
    ok: bool
    error: str = ""
    stray_files: tuple[str, ...] = ()


def downloads(site: Path) -> list[Path]:
    """Return the site's downloadable notebooks and scripts, sorted by page name then kind."""
    folder = site / "_downloads"
    if not folder.is_dir():
        raise SystemExit(f"run_examples: no _downloads folder in {site}: build the site first (nox -s docs)")
    files = [p for p in folder.rglob("*") if p.suffix in (".ipynb", ".py") and p.is_file()]
    return sorted(files, key=lambda p: (p.stem, p.suffix))


def clean_environment(home: Path) -> dict[str, str]:
    """Return this process's environment without the site's variables, with ``home`` as HOME."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in SITE_VARIABLES and not key.startswith(SITE_VARIABLE_PREFIXES)
    }
    env.update(HOME=str(home), XDG_CACHE_HOME=str(home / ".cache"), XDG_CONFIG_HOME=str(home / ".config"))
    env.pop("MPLCONFIGDIR", None)
    # The interpreter under test first on PATH, as in an activated environment.
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_notebook(path: Path, workdir: Path, env: dict[str, str], timeout: int) -> str:
    """Execute a notebook in a fresh kernel started in ``workdir``; return '' or the error."""
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError

    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    try:
        client.execute(env=env, cwd=str(workdir))
    except (CellExecutionError, CellTimeoutError) as error:
        return f"cell {failing_cell(notebook)}: {last_line(str(error))}"
    return ""


def failing_cell(notebook) -> str:
    """Name the code cell whose output holds an error: its number among code cells and first line."""
    code_cells = [cell for cell in notebook.cells if cell.cell_type == "code"]
    for number, cell in enumerate(code_cells, 1):
        if any(output.get("output_type") == "error" for output in cell.get("outputs", [])):
            first = next((line for line in cell.source.splitlines() if line.strip()), "")
            return f"{number} of {len(code_cells)} ({first[:60]!r})"
    return "unknown (the kernel timed out or died)"


def last_line(text: str) -> str:
    """The last non-empty line of an error report, without terminal colour codes."""
    import re

    plain = re.sub(r"\x1b\[[0-9;]*m", "", text)
    lines = [line.strip() for line in plain.splitlines() if line.strip()]
    return lines[-1][:300] if lines else "(no message)"


def run_script(path: Path, workdir: Path, env: dict[str, str], timeout: int) -> str:
    """Run a script with this interpreter in ``workdir``; return '' or the error."""
    try:
        done = subprocess.run(
            [sys.executable, path.name],
            cwd=workdir,
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"timed out after {timeout} s"
    return "" if done.returncode == 0 else f"exit {done.returncode}: {last_line(done.stderr)}"


def files_under(folder: Path) -> set[str]:
    """Relative paths of every file under ``folder``."""
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()}


def stray_writes(home: Path, home_before: set[str]) -> tuple[str, ...]:
    """Files a run wrote in the home folder beyond the caches of :data:`ALLOWED_HOME_WRITES`.

    What a run leaves in its own working folder is its output, and allowed; the
    temporary folder of all runs holds nothing else a run could reach by a
    relative path.
    """
    new = files_under(home) - home_before
    return tuple(sorted(f"~/{p}" for p in new if not p.startswith(ALLOWED_HOME_WRITES)))


def run_one(path: Path, root: Path, home: Path, timeout: int) -> Result:
    """Run one download in an empty working folder of its own and report how it went."""
    kind = "notebook" if path.suffix == ".ipynb" else "script"
    workdir = root / f"{path.stem}-{kind}"
    workdir.mkdir(parents=True)
    shutil.copy2(path, workdir / path.name)
    env = clean_environment(home)
    home_before = files_under(home)
    start = time.perf_counter()
    runner = run_notebook if kind == "notebook" else run_script
    error = runner(workdir / path.name, workdir, env, timeout)
    seconds = time.perf_counter() - start
    stray = stray_writes(home, home_before)
    if stray and not error:
        error = f"wrote outside its working folder: {', '.join(stray[:5])}"
    return Result(path.stem, kind, seconds, not error, error, stray)


def table(results: list[Result]) -> str:
    """The results as a fixed-width table, in the order they ran."""
    rows = [f"{'page':<34} {'kind':<9} {'seconds':>8}  result"]
    for r in results:
        rows.append(f"{r.page:<34} {r.kind:<9} {r.seconds:8.1f}  {'ok' if r.ok else 'FAILED: ' + r.error}")
    failed = sum(not r.ok for r in results)
    rows.append(f"{len(results)} runs, {failed} failed, {sum(r.seconds for r in results):.0f} s in all")
    return "\n".join(rows)


def copy_trainings(cache: Path, target: Path) -> int:
    """Copy the entries of a training cache (each file and its digest beside it) into ``target``.

    Only the cache's files are copied, never a lock or a half-written temporary file; an entry
    the library finds damaged is trained again, as in any cache. Returns the files copied.
    """
    if not cache.is_dir():
        raise SystemExit(f"run_examples: --trainings {cache} is not a folder")
    target.mkdir(parents=True, exist_ok=True)
    copied = 0
    for entry in sorted(cache.glob("*.safetensors")):
        for path in (entry, entry.with_name(entry.name + ".sha256")):
            if path.is_file():
                shutil.copy2(path, target / path.name)
                copied += 1
    return copied


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site's folder (docs/_build/html)")
    parser.add_argument("--report", type=Path, help="write the results as JSON here")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="runs at a time")
    parser.add_argument("--timeout", type=int, default=1200, help="seconds per cell or script")
    parser.add_argument("--only", default="", help="run only pages whose name contains this")
    parser.add_argument("--kinds", default="notebook,script", help="notebook, script or both")
    parser.add_argument(
        "--prefill",
        type=Path,
        help="copy the seed studies of this folder (docs/_data) into the fresh home's cache first",
    )
    parser.add_argument(
        "--trainings",
        type=Path,
        help="copy every trained run of this training cache (the site's, docs/_build/cache) into "
        "the fresh home's cache first",
    )
    args = parser.parse_args(argv)
    kinds = {k.strip() for k in args.kinds.split(",")}
    if not kinds <= {"notebook", "script"} or not kinds:
        parser.error(f"--kinds must name notebook and/or script, got {args.kinds!r}")
    if args.jobs < 1:
        parser.error(f"--jobs must be 1 or more, got {args.jobs}")
    files = [
        p
        for p in downloads(args.site)
        if args.only in p.stem and ("notebook" if p.suffix == ".ipynb" else "script") in kinds
    ]
    if not files:
        raise SystemExit(f"run_examples: no downloads to run in {args.site} (--only {args.only!r})")
    # Notebooks first: they run cold and fill the one cache that the scripts then share, as the
    # second download a reader runs finds what the first trained.
    files.sort(key=lambda p: (p.suffix != ".ipynb", p.stem))
    root = Path(tempfile.mkdtemp(prefix="cnnexplain-examples-"))
    home = root / "home"
    home.mkdir()
    if args.prefill:
        # The site's seed study (300 networks, a quarter of an hour on two cores) is trained once
        # and committed; a run that needs it reads it, as a reader who trained it once would.
        copy_prebuilt(args.prefill, home / ".cache" / "cnnexplain")
    if args.trainings:
        copy_trainings(args.trainings, home / ".cache" / "cnnexplain")
    print(f"run_examples: {len(files)} downloads, {args.jobs} at a time, in {root}", flush=True)
    with ThreadPoolExecutor(args.jobs) as pool:
        results = list(pool.map(lambda p: report(run_one(p, root / "runs", home, args.timeout)), files))
    print(table(results))
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        payload = {
            "python": sys.version.split()[0],
            "versions": versions(),
            "results": [asdict(r) for r in results],
        }
        args.report.write_text(json.dumps(payload, indent=1))
    shutil.rmtree(root, ignore_errors=True)
    return 1 if any(not r.ok for r in results) else 0


def report(result: Result) -> Result:
    """Print one result as it ends, so that a long run shows progress."""
    status = "ok" if result.ok else f"FAILED: {result.error}"
    print(f"  {result.page} ({result.kind}, {result.seconds:.0f} s): {status}", flush=True)
    return result


def versions() -> dict[str, str]:
    """Versions of the packages the examples rest on, in this environment."""
    from importlib.metadata import PackageNotFoundError, version

    found = {}
    for name in ("torch", "numpy", "matplotlib", "captum", "scikit-learn", "cnnexplain", "nbclient"):
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "missing"
    return found


if __name__ == "__main__":
    sys.exit(main())
