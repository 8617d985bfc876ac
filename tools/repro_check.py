"""Check that the site and the training are reproducible.

1. **Site.** Two cold builds of the site from the same commit, each in a
   fresh copy of the repository (or, with ``--against BUILD``, one such build
   compared with ``BUILD``, a cold build of the same source made before, as
   ``nox -s docs -- clean`` makes it: CI saves a build that way) (``git archive`` of the commit, or of the
   working tree's files with ``--worktree``), each with its own empty
   ``CNNEXPLAIN_CACHE``, a different ``PYTHONHASHSEED`` and time zone, built
   with ``sphinx-build`` into separate folders. Then:

   - every image file (``.png``, ``.gif``, ``.jpg``, ``.svg``) and every image
     embedded in a page as a ``data:`` URI (the frames of the animation
     players) must be byte-identical; where the bytes differ but the pixels
     are the same (a tool wrote a timestamp or other metadata), the check
     says which file and which metadata differ, and fails unless
     ``--allow-pixel-identical`` is given;
   - every HTML page must have the same text once timings are removed
     (sphinx-gallery's "Total running time of the script" and the
     ``sg_execution_times`` pages); differences in the HTML source beyond the
     text (random ids, ...) are listed;
   - every other file must be byte-identical too (text files once timings
     are removed), downloads included.

2. **Training.** Two trainings with the same seeds, in two fresh processes
   with different hash seeds, must write byte-identical
   :class:`~cnnexplain.WeightHistory` files (``train`` directly with
   per-batch snapshots, and a cached-experiment run as the site makes it).
   A third run with one thread instead of the default is compared for
   information only.

Usage::

    python tools/repro_check.py [--ref HEAD | --worktree] [--artifacts artifacts/repro]
    python tools/repro_check.py --training-only
    python tools/repro_check.py --compare BUILD_A BUILD_B   # compare two existing builds
    python tools/repro_check.py --against docs/_build/html  # one new cold build against BUILD

Prints one summary line and exits with status 1 when something is not
reproducible.
"""

from __future__ import annotations

import argparse
import base64
import difflib
import hashlib
import html.parser
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT_SUFFIXES = {".txt", ".js", ".json", ".ipynb", ".py", ".rst", ".css", ".inv"}
IMAGE_SUFFIXES = {".png", ".gif", ".jpg", ".jpeg", ".svg", ".webp"}

# -- timings that may differ between builds -------------------------------------------------
TIMING_PATTERNS = [
    # sphinx-gallery, below every example
    (re.compile(r"Total running time of the script:\s*(\(|\*\*)?.*?seconds\)?"), "Total running time: <T>"),
    # ... and its value alone, where the HTML splits the sentence into separate text nodes
    (re.compile(r"\(\d+ minutes? \d+(\.\d+)? seconds?\)"), "(<T>)"),
    # sphinx-gallery execution-time tables: 00:01.234, 1.2 MB
    (re.compile(r"\b\d{1,3}:\d{2}\.\d{3}\b"), "<T>"),
    (re.compile(r"\b\d+(\.\d+)?\s*MB\b"), "<M>"),
]
TIMING_PAGES = re.compile(r"(^|/)sg_execution_times\.html$")
DATA_URI = re.compile(r"data:image/(png|gif|jpeg|svg\+xml);base64,([A-Za-z0-9+/=\\n]+)")


def strip_timings(text: str) -> str:
    for pattern, repl in TIMING_PATTERNS:
        text = pattern.sub(repl, text)
    return text


class _TextExtractor(html.parser.HTMLParser):
    """The visible text of a page: everything outside script and style."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def page_text(source: str, name: str) -> list[str]:
    parser = _TextExtractor()
    parser.feed(source)
    lines = [strip_timings(p) for p in parser.parts]
    if TIMING_PAGES.search(name):
        lines.sort()  # rows are ordered by running time
    return lines


# -- image comparison ---------------------------------------------------------------------------
def png_chunks(data: bytes) -> list[tuple[str, bytes]]:
    """Non-pixel chunks of a PNG (type and content)."""
    chunks, pos = [], 8
    while pos + 8 <= len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8].decode("latin1")
        if kind not in ("IDAT",):
            chunks.append((kind, data[pos + 8 : pos + 8 + length]))
        pos += 12 + length
    return chunks


def image_frames(data: bytes) -> list[tuple[str, tuple[int, int], bytes]] | None:
    """Decoded frames ``(mode, size, pixels)`` of an image, or None if Pillow cannot read it."""
    try:
        from PIL import Image, ImageSequence
    except ImportError:
        return None
    try:
        with Image.open(io.BytesIO(data)) as im:
            return [(f.mode, f.size, f.convert("RGBA").tobytes()) for f in ImageSequence.Iterator(im)]
    except Exception:
        return None


def explain_image_difference(a: bytes, b: bytes) -> tuple[bool, str]:
    """Return ``(pixel_identical, reason)`` for two different image files."""
    if a[:8] == b"\x89PNG\r\n\x1a\n" == b[:8]:
        ca, cb = png_chunks(a), png_chunks(b)
        if ca != cb:
            da, db = dict(ca), dict(cb)
            kinds = sorted(k for k in set(da) | set(db) if da.get(k) != db.get(k))
            meta = "; ".join(f"{k}: {da.get(k, b'')[:60]!r} vs {db.get(k, b'')[:60]!r}" for k in kinds)
        else:
            meta = "only the compressed pixel data (IDAT) differs"
    elif a[:4] == b"<?xm" or a[:4] == b"<svg":
        diff = [d for d in difflib.unified_diff(a.decode().splitlines(), b.decode().splitlines(), n=0)][2:6]
        return False, "SVG text differs: " + " | ".join(diff)[:300]
    else:
        meta = f"{len(a)} vs {len(b)} bytes"
    fa, fb = image_frames(a), image_frames(b)
    if fa is None or fb is None:
        return False, f"cannot decode to compare pixels ({meta})"
    if fa == fb:
        return True, f"pixel-identical, {len(fa)} frame(s); metadata differs: {meta}"
    if len(fa) != len(fb):
        return False, f"{len(fa)} vs {len(fb)} frames"
    bad = [i for i, (x, y) in enumerate(zip(fa, fb)) if x != y]
    return False, f"pixels differ in frame(s) {bad[:10]} of {len(fa)}; {meta}"


# -- building -------------------------------------------------------------------------------------
def export_tree(repo: Path, dest: Path, ref: str | None) -> str:
    """Copy the files of ``repo`` at ``ref`` (or its working tree's if None) into ``dest``."""
    dest.mkdir(parents=True)
    if ref is not None:
        commit = subprocess.run(
            ["git", "rev-parse", "--verify", ref + "^{commit}"],
            cwd=repo,
            check=True,
            capture_output=True,
            text=True,
        ).stdout.strip()
        archive = subprocess.run(
            ["git", "archive", "--format=tar", commit], cwd=repo, check=True, capture_output=True
        )
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(dest, filter="data")
        return commit
    files = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=repo,
        check=True,
        capture_output=True,
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = repo / os.fsdecode(name)
        if src.is_file():
            target = dest / os.fsdecode(name)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, target)
    return "working tree"


SPHINX = [sys.executable, "-m", "sphinx", "-b", "html", "-j", "1", "-q"]


def build_site(tree: Path, out: Path, cache: Path, hash_seed: str, tz: str, log: Path) -> float:
    """Build the site of ``tree`` into ``out`` cold; return the seconds it took."""
    env = dict(os.environ)
    env.update(
        MPLBACKEND="Agg",
        CNNEXPLAIN_CACHE=str(cache),
        CNNEXPLAIN_OFFLINE="1",
        PYTHONHASHSEED=hash_seed,
        TZ=tz,
        # The copy's library, not an installed or editable one, makes the figures.
        PYTHONPATH=os.pathsep.join(filter(None, [str(tree), env.get("PYTHONPATH")])),
    )
    env.pop("SOURCE_DATE_EPOCH", None)
    # The committed seed study goes into the cache, as every build of the site does (see
    # tools/prebuilt_study.py); the rest of the site's trainings start from nothing.
    prebuilt = [
        sys.executable,
        str(tree / "tools" / "prebuilt_study.py"),
        "copy",
        str(tree / "docs" / "_data"),
    ]
    subprocess.run([*prebuilt, str(cache)], check=True, capture_output=True)
    start = time.perf_counter()
    with open(log, "w") as f:
        proc = subprocess.run(
            # Sphinx's state (doctrees, and the plot directive's files beside them) goes outside
            # the HTML folder, as ``nox -s docs`` keeps it: the two builds then hold the same files.
            [*SPHINX, "-d", str(out.with_name(out.name + "-doctrees")), "docs", str(out)],
            cwd=tree,
            env=env,
            stdout=f,
            stderr=subprocess.STDOUT,
        )
    if proc.returncode != 0:
        tail = log.read_text(errors="replace").splitlines()[-15:]
        raise SystemExit(f"repro_check: the build in {tree} failed (see {log}):\n" + "\n".join(tail))
    return time.perf_counter() - start


# -- comparing ------------------------------------------------------------------------------------
@dataclass
class Comparison:
    files: int = 0
    images: int = 0
    embedded_images: int = 0
    pages: int = 0
    failures: list[str] = field(default_factory=list)
    pixel_only: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _zip_members(data: bytes) -> dict[str, tuple[bytes, tuple]] | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return {i.filename: (zf.read(i), i.date_time) for i in zf.infolist()}
    except zipfile.BadZipFile:
        return None


def compare_images(cmp: Comparison, name: str, a: bytes, b: bytes, allow_pixel: bool) -> None:
    if a == b:
        return
    same_pixels, reason = explain_image_difference(a, b)
    if same_pixels:
        cmp.pixel_only.append(f"{name}: {reason}")
        if not allow_pixel:
            cmp.failures.append(f"image {name} is not byte-identical ({reason})")
    else:
        cmp.failures.append(f"image {name} differs: {reason}")


def site_files(build: Path) -> set[str]:
    """The published files of a build, without Sphinx's own state (doctrees, build info).

    ``nox -s docs`` keeps its doctrees outside the HTML folder, ``sphinx-build``
    without ``-d`` inside it: builds made either way compare alike.
    """
    return {
        name
        for name in (p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file())
        if not name.startswith(".doctrees/") and name != ".buildinfo"
    }


def compare_builds(a: Path, b: Path, allow_pixel: bool = False) -> Comparison:
    cmp = Comparison()
    files_a, files_b = site_files(a), site_files(b)
    for name in sorted(files_a ^ files_b):
        cmp.failures.append(
            f"file {name} exists in only one build ({'first' if name in files_a else 'second'})"
        )
    for name in sorted(files_a & files_b):
        cmp.files += 1
        da, db = (a / name).read_bytes(), (b / name).read_bytes()
        suffix = Path(name).suffix.lower()
        if suffix in IMAGE_SUFFIXES:
            cmp.images += 1
            compare_images(cmp, name, da, db, allow_pixel)
        elif suffix == ".html":
            cmp.pages += 1
            compare_page(cmp, name, da.decode("utf-8", "replace"), db.decode("utf-8", "replace"), allow_pixel)
        elif da != db:
            if suffix in TEXT_SUFFIXES:
                ta = strip_timings(da.decode("utf-8", "replace"))
                tb = strip_timings(db.decode("utf-8", "replace"))
                if ta == tb:
                    continue  # only timings differ (e.g. _sources/*.rst.txt)
            if suffix == ".zip":
                ma, mb = _zip_members(da), _zip_members(db)
                if (
                    ma is not None
                    and mb is not None
                    and {k: v[0] for k, v in ma.items()} == {k: v[0] for k, v in mb.items()}
                ):
                    cmp.failures.append(f"file {name}: same members and contents, different zip timestamps")
                    continue
            cmp.failures.append(f"file {name} differs ({len(da)} vs {len(db)} bytes)")
    return cmp


def compare_page(cmp: Comparison, name: str, a: str, b: str, allow_pixel: bool) -> None:
    # Images embedded as data URIs: the frames of animation players.
    uris_a = [m.group(2).replace("\\n", "") for m in DATA_URI.finditer(a)]
    uris_b = [m.group(2).replace("\\n", "") for m in DATA_URI.finditer(b)]
    if len(uris_a) != len(uris_b):
        cmp.failures.append(f"page {name}: {len(uris_a)} vs {len(uris_b)} embedded images")
    for i, (ua, ub) in enumerate(zip(uris_a, uris_b)):
        cmp.embedded_images += 1
        if ua != ub:
            try:
                ia, ib = base64.b64decode(ua), base64.b64decode(ub)
            except ValueError:
                cmp.failures.append(f"page {name}: embedded image {i} differs and does not decode")
                continue
            compare_images(cmp, f"{name} (embedded image {i})", ia, ib, allow_pixel)
    ta, tb = page_text(a, name), page_text(b, name)
    if ta != tb:
        diff = list(difflib.unified_diff(ta, tb, "first", "second", n=0, lineterm=""))[2:8]
        cmp.failures.append(f"page {name}: text differs: " + " | ".join(diff)[:400])
        return
    if a == b:
        return
    # Same text: say what else differs in the source, data URIs and timings aside.
    sa = strip_timings(DATA_URI.sub("data:<image>", a)).splitlines()
    sb = strip_timings(DATA_URI.sub("data:<image>", b)).splitlines()
    if sa != sb:
        diff = [d for d in difflib.unified_diff(sa, sb, n=0, lineterm="") if d[:1] in "+-"][2:6]
        cmp.notes.append(
            f"{name}: same text, HTML source differs: " + " | ".join(x.strip()[:120] for x in diff)
        )


# -- training ---------------------------------------------------------------------------------------
TRAIN_SCRIPT = r"""
import sys
from cnnexplain import LineCNN, make_lines, train
from cnnexplain.experiment import experiment
out, kind = sys.argv[1], sys.argv[2]
if kind == "train":
    train_set, val_set = make_lines(n_per_class=60, seed=3).split(test_fraction=0.25, seed=1)
    history = train(LineCNN(seed=5), train_set, epochs=3, batch_size=16, seed=7, val_set=val_set,
                    record="batch", progress=False)
else:
    history = experiment(data={"n_per_class": 80}, training={"epochs": 3}, cache_dir=False).history
history.save(out, overwrite=True)
"""


def train_once(repo: Path, tmp: Path, kind: str, tag: str, hash_seed: str, threads: int | None = None) -> str:
    out = tmp / f"{kind}-{tag}.safetensors"
    env = dict(os.environ, PYTHONHASHSEED=hash_seed)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(repo), env.get("PYTHONPATH")]))
    if threads is not None:
        env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
    subprocess.run([sys.executable, "-c", TRAIN_SCRIPT, str(out), kind], env=env, check=True)
    return hashlib.sha256(out.read_bytes()).hexdigest()


def check_training(repo: Path, tmp: Path) -> tuple[list[str], list[str]]:
    failures, notes = [], []
    for kind in ("train", "experiment"):
        first = train_once(repo, tmp, kind, "a", "1")
        second = train_once(repo, tmp, kind, "b", "2")
        if first != second:
            failures.append(f"training ({kind}): two runs with the same seeds wrote different files")
        else:
            notes.append(f"training ({kind}): identical files, sha256 {first[:16]}")
        one_thread = train_once(repo, tmp, kind, "t1", "3", threads=1)
        notes.append(
            f"training ({kind}) with 1 thread: "
            + ("identical to the default" if one_thread == first else "differs from the default thread count")
        )
    return failures, notes


# -- main -------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = parser.add_mutually_exclusive_group()
    src.add_argument("--ref", default="HEAD", help="commit to build (default %(default)s)")
    src.add_argument(
        "--worktree", action="store_true", help="build the working tree's files instead of a commit"
    )
    src.add_argument(
        "--compare", nargs=2, type=Path, metavar="BUILD", help="only compare two existing builds"
    )
    parser.add_argument(
        "--against",
        type=Path,
        metavar="BUILD",
        help="make one cold build and compare it with BUILD, a cold build of the same source",
    )
    parser.add_argument("--repo", type=Path, default=ROOT, help="the git repository (default: this one)")
    parser.add_argument("--training-only", action="store_true", help="skip the site builds")
    parser.add_argument("--site-only", action="store_true", help="skip the training check")
    parser.add_argument(
        "--allow-pixel-identical", action="store_true", help="accept images equal only in pixels"
    )
    parser.add_argument("--artifacts", type=Path, default=Path("artifacts/repro"), help="logs and report")
    parser.add_argument("--keep", action="store_true", help="keep the temporary copies and builds")
    args = parser.parse_args(argv)
    if args.against is not None and (args.compare or args.training_only):
        parser.error("--against makes a build: it cannot go with --compare or --training-only")
    if args.against is not None and not (args.against / "index.html").is_file():
        parser.error(f"--against expects a built site (a folder with index.html), got {args.against}")

    args.artifacts.mkdir(parents=True, exist_ok=True)
    failures: list[str] = []
    notes: list[str] = []
    summary: dict = {}
    tmp = Path(tempfile.mkdtemp(prefix="cnnexplain-repro-"))
    try:
        if args.compare:
            builds = args.compare
        elif not args.training_only:
            ref = None if args.worktree else args.ref
            builds = [args.against.resolve()] if args.against else []
            runs = (("a", "1", "UTC"), ("b", "2", "Pacific/Kiritimati"))
            # Against an earlier build, the one new build gets the second hash seed and time zone.
            for tag, seed, tz in runs[len(builds) :]:
                tree = tmp / f"tree-{tag}"
                source = export_tree(args.repo.resolve(), tree, ref)
                out = tmp / f"html-{tag}"
                seconds = build_site(
                    tree, out, tmp / f"cache-{tag}", seed, tz, args.artifacts / f"build-{tag}.log"
                )
                print(f"built {source} ({tag}) in {seconds:.0f} s", flush=True)
                summary[f"build_{tag}_seconds"] = round(seconds)
                builds.append(out)
            summary["source"] = source
        else:
            builds = None
        if builds:
            cmp = compare_builds(*builds, allow_pixel=args.allow_pixel_identical)
            failures += cmp.failures
            notes += cmp.notes
            notes += [f"pixel-identical only: {p}" for p in cmp.pixel_only]
            summary.update(
                files=cmp.files, images=cmp.images, embedded_images=cmp.embedded_images, pages=cmp.pages
            )
        if not args.site_only and not args.compare:
            tf, tn = check_training(args.repo.resolve(), tmp)
            failures += tf
            notes += tn
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)

    summary.update(failures=failures, notes=notes)
    (args.artifacts / "repro_check.json").write_text(json.dumps(summary, indent=1) + "\n")
    for n in notes:
        print(f"note: {n}")
    for f in failures:
        print(f"FAIL {f}")
    site = (
        f"{summary.get('pages', 0)} pages, {summary.get('images', 0)} image files and "
        f"{summary.get('embedded_images', 0)} embedded images compared"
        if "pages" in summary
        else "site not built"
    )
    print(f"repro check: {site}; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
