"""Check that the site reads at reading size: headless Chromium at 1366x768.

Serves the built site (``docs/_build/html``) on 127.0.0.1 and visits, in a
1366x768 window as a reader on a common laptop sees them, every page of
:data:`PAGE_GLOBS`: the gallery's examples (``auto_examples/**/plot_*.html``),
the API reference (``api/*.html``, ``api/generated/*.html``) and the top-level
pages (``index``, ``install``, ``cli``, ``glossary``, ``writing_examples``,
...). It reports, one line per finding:

- ``pre-scroll`` (every page): a ``pre`` block -- code, printed output, a
  docstring's example -- wider than its box, which the reader must scroll
  sideways (``scrollWidth > clientWidth``); the finding quotes the start of
  its longest line. Blocks long by nature, named in :data:`PRE_SCROLL_ALLOWED`
  with a reason each, are not reported;
- ``column-scroll`` (gallery pages): the article column, or an animation
  player, wider than its box (something in it does not fit and scrolls
  sideways);
- ``shrunk`` (gallery pages): a figure or animation frame shown at less than 90% of its
  natural width (``img.width < 0.9 * img.naturalWidth``), so its text is
  smaller on screen than it was drawn; gallery thumbnails are not checked,
  and the images named in :data:`SHRINK_ALLOWED` are deliberate small
  multiples.

With ``--figure-text``, it also runs every gallery example (with the Python given by
``--python``, which needs the docs' dependencies) and measures each of its
figures: the height on screen of its smallest text, ``font size in points x
dpi / 72`` (pixels at the figure's natural size) times the smallest scale at
which the page shows its images, must be at least :data:`MIN_TEXT_PX`; a
text that sticks out of its figure is reported as ``clipped``, two texts
that overlap as ``overlapping``.

It prints one line per finding, the smallest scale of every gallery page,
the code box's width in characters of the other kinds of page, then a
summary line, and exits with status 1 if there was any finding. Screenshots of
the top of every page (``--screenshots DIR``) help to look at what it found.

Usage::

    python tools/readability_check.py docs/_build/html --screenshots artifacts/readability
    python tools/readability_check.py docs/_build/html --figure-text --python .nox/docs/bin/python
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from browser import add_chromium_option, add_site_argument, allow_only, headless_chromium, served

HERE = Path(__file__).resolve().parent
VIEWPORT = {"width": 1366, "height": 768}
#: An image shown below this share of its natural width counts as shrunk.
MIN_SCALE = 0.9
#: The smallest height of a figure's text on screen, in CSS pixels (the font size).
MIN_TEXT_PX = 9.0
#: Images that may be shown smaller than drawn, by file name (``_images/<name>``), each with
#: why: deliberate small multiples, meant to be seen as a whole. Thumbnails are never checked.
SHRINK_ALLOWED: dict[str, str] = {}
#: The pages visited, by kind, as globs under the site's root.
PAGE_GLOBS: dict[str, tuple[str, ...]] = {
    "gallery": ("auto_examples/**/plot_*.html",),
    "api": ("api/*.html", "api/generated/*.html"),
    "top-level": ("*.html",),
}
#: The checks made on each kind of page. Only the gallery's figures are drawn for the column.
#: The column of an API page scrolls sideways when its title, or the next page's title in the
#: footer, is one long dotted name that cannot wrap: the theme's layout, not the page's content.
CHECKS: dict[str, frozenset[str]] = {
    "gallery": frozenset({"pre-scroll", "column-scroll", "shrunk"}),
    "api": frozenset({"pre-scroll", "column-scroll"}),
    "top-level": frozenset({"pre-scroll", "column-scroll"}),
}
#: ``pre`` blocks that may scroll sideways, each with why: ``"<page>: <start of its longest
#: line>"`` (as the finding quotes it) -> reason. Only blocks long by nature belong here (a
#: shell command that cannot be split); code and examples are rewrapped instead.
PRE_SCROLL_ALLOWED: dict[str, str] = {}
#: How much of a block's longest line a finding quotes, and an allow-list key holds.
QUOTED_CHARS = 40

#: The figures of a page: gallery outputs and the frames of animation players.
FIGURES_JS = """
async () => {
  const imgs = Array.from(document.querySelectorAll(
    'article img.sphx-glr-single-img, article img.sphx-glr-multi-img, article .animation img'));
  await Promise.all(imgs.map(img => img.decode().catch(() => null)));
  return imgs.map(img => ({
    src: (img.getAttribute('src') || '').split('/').pop().slice(0, 80),
    animation: !!img.closest('.animation'),
    width: img.getBoundingClientRect().width,
    natural: img.naturalWidth,
  }));
}
"""

#: ``pre`` blocks that scroll sideways, and boxes (the article, animation players) that do.
SCROLLING_JS = """
() => {
  const section = el => {
    const heading = (el.closest('section') || document.body).querySelector('h1, h2, h3');
    return heading ? heading.textContent.replace(/[#¶]/g, '').trim().slice(0, 50) : '';
  };
  const longest = el => el.textContent.split('\\n').reduce((a, b) => (b.length > a.length ? b : a), '');
  const pres = Array.from(document.querySelectorAll('article pre'))
    .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
    .map(pre => ({
      kind: pre.closest('.sphx-glr-script-out') ? 'output' : 'code',
      section: section(pre), over: pre.scrollWidth - pre.clientWidth,
      width: pre.clientWidth, longest: longest(pre),
    }));
  const boxes = Array.from(document.querySelectorAll('.bd-article-container, .sphx-glr-animation'))
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => ({box: box.className.split(' ')[0], section: section(box),
                  over: box.scrollWidth - box.clientWidth}));
  const article = document.querySelector('article.bd-article');
  const pre = document.querySelector('article div.highlight pre');
  const charWidth = pre ? (() => {
    const span = document.createElement('span'); span.textContent = 'x'.repeat(100);
    pre.appendChild(span); const w = span.getBoundingClientRect().width / 100; span.remove(); return w;
  })() : 0;
  return {pres, boxes, column: article ? article.clientWidth : 0,
          codeColumns: pre && charWidth ? Math.floor(pre.clientWidth / charWidth) : 0};
}
"""


@dataclass
class Page:
    """What one page shows at 1366x768."""

    name: str
    kind: str = "gallery"  # a key of PAGE_GLOBS
    column: float = 0.0  # the article's width in CSS pixels
    code_columns: int = 0  # characters a code block shows without scrolling
    scales: list[tuple[str, float]] = field(default_factory=list)  # image, displayed / natural width
    findings: list[str] = field(default_factory=list)

    @property
    def smallest_scale(self) -> float:
        return min((scale for _, scale in self.scales), default=1.0)


def pages_to_visit(root: Path) -> list[tuple[str, str]]:
    """The pages to visit, as (path relative to the site's root, kind), by kind then path.

    A page matched by the globs of two kinds belongs to the first (``PAGE_GLOBS`` order).
    """
    kinds: dict[str, str] = {}
    for kind, globs in PAGE_GLOBS.items():
        for pattern in globs:
            for path in root.glob(pattern):
                kinds.setdefault(path.relative_to(root).as_posix(), kind)
    order = list(PAGE_GLOBS)
    return sorted(kinds.items(), key=lambda item: (order.index(item[1]), item[0]))


def pre_scroll_finding(page: str, pre: dict) -> str | None:
    """The finding for a ``pre`` block that scrolls, or None if :data:`PRE_SCROLL_ALLOWED` names it."""
    start = pre["longest"].strip()[:QUOTED_CHARS]
    if f"{page}: {start}" in PRE_SCROLL_ALLOWED:
        return None
    return (
        f"pre-scroll: {pre['kind']} in '{pre['section']}' is {pre['over']} px wider than its "
        f"{pre['width']} px box (longest line {len(pre['longest'])} characters: '{start}')"
    )


def check_page(page, base: str, name: str, kind: str, screenshots: Path | None) -> Page:
    """Load one page and measure its ``pre`` blocks and boxes, and a gallery page's figures."""
    page.goto(urljoin(base, name), wait_until="load", timeout=60_000)
    result = Page(name, kind)
    facts = page.evaluate(SCROLLING_JS)
    result.column, result.code_columns = facts["column"], facts["codeColumns"]
    checks = CHECKS[kind]
    if "pre-scroll" in checks:
        findings = (pre_scroll_finding(name, pre) for pre in facts["pres"])
        result.findings += [finding for finding in findings if finding]
    if "column-scroll" in checks:
        result.findings += [
            f"column-scroll: {box['box']} in '{box['section']}' scrolls by {box['over']} px"
            for box in facts["boxes"]
        ]
    images = page.evaluate(FIGURES_JS) if "shrunk" in checks else []
    for img in images:
        if not img["natural"]:
            continue  # site_check.py reports images that do not load
        scale = img["width"] / img["natural"]
        result.scales.append((img["src"], scale))
        if scale < MIN_SCALE and img["src"] not in SHRINK_ALLOWED:
            what = "animation frame" if img["animation"] else "figure"
            result.findings.append(
                f"shrunk: {what} {img['src']} shown {img['width']:.0f} px wide, drawn "
                f"{img['natural']} px ({scale:.0%})"
            )
    if screenshots is not None:
        screenshots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(screenshots / (name.replace("/", "_").removesuffix(".html") + ".png")))
    return result


def check_site(root: Path, chromium: str, screenshots: Path | None) -> list[Page]:
    """Visit every page of :data:`PAGE_GLOBS` at 1366x768."""
    with served(root) as (_, base, _), headless_chromium(chromium) as browser:
        context = browser.new_context(viewport=VIEWPORT, service_workers="block")
        allow_only(context, (base,))  # the site works offline: requests to other hosts are not made
        page = context.new_page()
        return [check_page(page, base, name, kind, screenshots) for name, kind in pages_to_visit(root)]


# -- the text of figures -------------------------------------------------------------------
#: Run in a fresh interpreter, ``-c RUNNER example.py tests/``: execute an example as a script,
#: then measure every figure still open (sphinx-gallery shows each of them) with the tests'
#: tests/figure_text.py, and print one JSON line.
FIGURE_TEXT_RUNNER = """
import json, runpy, sys
import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt
sys.path.insert(0, sys.argv[2])
from figure_text import overlapping_texts, text_sizes

plt.show = lambda *args, **kwargs: None
runpy.run_path(sys.argv[1], run_name="__main__")
figures = []
for number in plt.get_fignums():
    fig = plt.figure(number)
    sizes = text_sizes(fig)
    figures.append({
        "number": number, "width": round(fig.get_figwidth() * fig.dpi),
        "smallest": min(sizes, default=None, key=lambda s: s["px"]),
        "clipped": [s for s in sizes if s["clipped"]][:3],
        "overlapping": overlapping_texts(sizes)[:3],
    })
print("FIGURES " + json.dumps(figures))
"""


def figure_text(pages: list[Page], root_repo: Path, python: str) -> list[str]:
    """Run each gallery page's example and check the smallest text of its figures on screen."""
    findings = []
    env = {**os.environ, "MPLBACKEND": "Agg"}
    for page in (page for page in pages if page.kind == "gallery"):
        script = root_repo / "examples" / Path(page.name).relative_to("auto_examples").with_suffix(".py")
        # In a scratch folder: the files an example writes (a GIF) stay out of the sources.
        with tempfile.TemporaryDirectory() as scratch:
            done = subprocess.run(
                [python, "-c", FIGURE_TEXT_RUNNER, str(script), str(root_repo / "tests")],
                capture_output=True,
                text=True,
                cwd=scratch,
                env=env,
                check=False,
            )
        lines = [line for line in done.stdout.splitlines() if line.startswith("FIGURES ")]
        if done.returncode or not lines:
            tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
            findings.append(f"{page.name}: figure-text: the example failed: {tail[:200]}")
            continue
        scale = page.smallest_scale
        for fig in json.loads(lines[-1].removeprefix("FIGURES ")):
            small = fig["smallest"]
            if small is not None and small["px"] * scale < MIN_TEXT_PX:
                findings.append(
                    f"{page.name}: small-text: figure {fig['number']} ({fig['width']} px wide): "
                    f"'{small['text']}' is {small['px']:.1f} px high as drawn, "
                    f"{small['px'] * scale:.1f} px on screen (page scale {scale:.0%})"
                )
            for clipped in fig["clipped"]:
                findings.append(f"{page.name}: clipped: figure {fig['number']}: '{clipped['text']}'")
            for a, b in fig["overlapping"]:
                findings.append(f"{page.name}: overlapping: figure {fig['number']}: '{a}' and '{b}'")
    return findings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_site_argument(parser)
    add_chromium_option(parser)
    parser.add_argument("--screenshots", type=Path, help="save a screenshot of every page's top here")
    parser.add_argument("--report", type=Path, help="also write the findings to this JSON file")
    parser.add_argument(
        "--figure-text", action="store_true", help="also run the examples and measure their figures' text"
    )
    parser.add_argument(
        "--python", default=sys.executable, help="the Python that runs the examples (docs' dependencies)"
    )
    args = parser.parse_args(argv)
    root = args.site.resolve()
    pages = check_site(root, args.chromium, args.screenshots)
    gallery = [page for page in pages if page.kind == "gallery"]
    if not gallery:
        print(f"no gallery pages under {root}")
        return 1
    findings = [f"{page.name}: {finding}" for page in pages for finding in page.findings]
    if args.figure_text:
        findings += figure_text(pages, HERE.parent, args.python)
    for finding in findings:
        print(finding)
    for page in gallery:
        print(
            f"{page.name}: column {page.column:.0f} px, {page.code_columns} characters of code, "
            f"{len(page.scales)} figures, smallest shown at {page.smallest_scale:.0%}"
        )
    for kind in PAGE_GLOBS:
        columns = [page.code_columns for page in pages if page.kind == kind and page.code_columns]
        if kind != "gallery" and columns:
            print(f"{kind} pages: code blocks show {min(columns)} to {max(columns)} characters")
    counts = {
        kind: sum(f.split(": ")[1] == kind for f in findings)
        for kind in (
            "pre-scroll",
            "shrunk",
            "column-scroll",
            "small-text",
            "clipped",
            "overlapping",
            "figure-text",
        )
    }
    summary = ", ".join(f"{n} {kind}" for kind, n in counts.items() if n or kind in ("pre-scroll", "shrunk"))
    kinds = ", ".join(f"{sum(page.kind == kind for page in pages)} {kind}" for kind in PAGE_GLOBS)
    print(f"readability: {len(pages)} pages ({kinds}) at {VIEWPORT['width']}x{VIEWPORT['height']}: {summary}")
    if args.report:
        args.report.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(args.report, json.dumps({"pages": len(pages), "findings": findings}, indent=1))
    return 1 if findings else 0


def write_atomically(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder, then rename it."""
    with tempfile.NamedTemporaryFile("w", dir=path.parent, delete=False, encoding="utf-8") as tmp:
        tmp.write(text)
    os.replace(tmp.name, path)


if __name__ == "__main__":
    sys.exit(main())
