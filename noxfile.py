"""Sessions of the cnnexplain project.

``nox -s tests`` runs the test suite, ``nox -s docs`` builds the site into
``docs/_build/html``. Every session installs from ``constraints.txt`` so that
the whole tool chain -- above all the CPU build of torch -- is pinned.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nox

ROOT = Path(__file__).parent
CONSTRAINTS = ("-c", str(ROOT / "constraints.txt"))
PYPROJECT = nox.project.load_toml("pyproject.toml")

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_venv = "yes"


def install(session: nox.Session, *groups: str, project: bool = True) -> None:
    """Install the project (editable) and dependency groups, pinned."""
    reqs = [r for g in groups for r in nox.project.dependency_groups(PYPROJECT, g)]
    # torch first and alone, so that pip never resolves it to another build.
    session.install(*CONSTRAINTS, "torch")
    args = [*CONSTRAINTS, *reqs]
    if project:
        args += ["-e", "."]
    session.install(*args)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest), with doctests of the library."""
    install(session, "test")
    code = session.run("pytest", "cnnexplain", "tests", *session.posargs, success_codes=[0, 5], silent=False)
    if code == 5 or code is False:
        session.error("pytest collected no tests: the suite is empty or failed to load")


@nox.session
def lint(session: nox.Session) -> None:
    """Check style and common errors with ruff."""
    session.install(*CONSTRAINTS, *nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the HTML site into docs/_build/html (pass 'clean' for a cold build)."""
    install(session, "docs")
    build = ROOT / "docs" / "_build"
    if "clean" in session.posargs:
        for path in (build, ROOT / "docs" / "auto_examples", ROOT / "docs" / "api" / "generated"):
            shutil.rmtree(path, ignore_errors=True)
    session.env["MPLBACKEND"] = "Agg"
    session.env.setdefault("CNNEXPLAIN_CACHE", str(build / "cache"))
    session.run(
        "sphinx-build",
        "-b",
        "html",
        "-W",
        "--keep-going",
        "-n",
        "-j",
        "1",
        "docs",
        str(build / "html"),
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Print the training benchmark table (benchmarks/bench_training.py)."""
    install(session)
    session.run("python", "benchmarks/bench_training.py", *session.posargs)
