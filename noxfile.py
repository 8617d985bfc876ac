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

PYTEST_NO_TESTS_IS_AN_ERROR = (
    "import sys, pytest; code = pytest.main(sys.argv[1:]); "
    "sys.exit('error: pytest collected no tests (exit code 5)' if code == 5 else int(code))"
)

nox.options.default_venv_backend = "venv"
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_venv = "yes"


def install(session: nox.Session, *groups: str, project: bool = True) -> None:
    """Install the project (editable) and dependency groups, pinned.

    A reused environment whose requirements have not changed since the last
    install is left as it is, so that a rebuild does not pay for pip.
    """
    reqs = [r for g in groups for r in nox.project.dependency_groups(PYPROJECT, g)]
    args = [*CONSTRAINTS, *reqs] + (["-e", "."] if project else [])
    stamp_text = "\n".join(
        [*args, (ROOT / "constraints.txt").read_text(), (ROOT / "pyproject.toml").read_text()]
    )
    stamp = Path(session.virtualenv.location) / ".cnnexplain-install"
    if stamp.exists() and stamp.read_text() == stamp_text:
        session.log("requirements unchanged since the last install; skipping pip")
        return
    # torch first and alone, so that pip never resolves it to another build.
    session.install(*CONSTRAINTS, "torch")
    session.install(*args)
    stamp.write_text(stamp_text)


@nox.session
def tests(session: nox.Session) -> None:
    """Run the test suite (pytest), with doctests of the library."""
    install(session, "test")
    # pytest exits with 5 when it collected no test at all; that must fail CI
    # loudly, with a message saying so, rather than pass as an empty run.
    session.run("python", "-c", PYTEST_NO_TESTS_IS_AN_ERROR, "cnnexplain", "tests", *session.posargs)


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
        "-d",
        str(build / "doctrees"),
        "docs",
        str(build / "html"),
    )


@nox.session
def bench(session: nox.Session) -> None:
    """Print the training benchmark table (benchmarks/bench_training.py)."""
    install(session)
    session.run("python", "benchmarks/bench_training.py", *session.posargs)


@nox.session
def site(session: nox.Session) -> None:
    """Check the built site in headless Chromium: links, requests, console, animations, search, axe.

    Needs the site built first (``nox -s docs``), Debian's ``chromium``
    (``/usr/bin/chromium``; playwright never downloads a browser) and npm for
    axe-core (``npm ci`` in tools/, run here when tools/node_modules is missing).
    Screenshots and a JSON report go to artifacts/site.
    """
    # The checker needs playwright only, not the library or torch.
    session.install(*CONSTRAINTS, *nox.project.dependency_groups(PYPROJECT, "site"))
    tools = ROOT / "tools"
    if not (tools / "node_modules" / "axe-core" / "axe.min.js").is_file():
        session.run("npm", "ci", "--prefix", str(tools), "--no-audit", "--no-fund", external=True)
    session.env["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    # Posargs go to the checker: another site folder, --limit N, ...
    session.run(
        "python",
        str(tools / "site_check.py"),
        "--artifacts",
        str(ROOT / "artifacts" / "site"),
        *(session.posargs or [str(ROOT / "docs" / "_build" / "html")]),
    )


@nox.session
def repro(session: nox.Session) -> None:
    """Check reproducibility: two cold site builds of HEAD compared, two trainings compared.

    Pass ``-- --worktree`` to build the working tree's files instead of the
    commit, ``-- --training-only`` to skip the site builds. Logs and a JSON
    report go to artifacts/repro.
    """
    install(session, "docs")
    session.run(
        "python",
        str(ROOT / "tools" / "repro_check.py"),
        "--artifacts",
        str(ROOT / "artifacts" / "repro"),
        *session.posargs,
    )
