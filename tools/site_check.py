"""Check the built cnnexplain site in a real browser, offline.

Serves the built HTML (``docs/_build/html``) on 127.0.0.1 -- at the root, or
with ``--prefix /cnnexplain/`` under that path, as GitHub Pages serves a
project site (``https://USER.github.io/cnnexplain/``) -- and drives headless
Chromium (Debian's ``chromium`` package, through Python ``playwright`` with
``executable_path`` -- no browser download) over every HTML page: those on
disk and those reached by internal links. It fails on

- a console error or an uncaught page error;
- a failed request (network error or HTTP status >= 400), or any request to
  a host other than the local server (such requests are blocked, so the check
  itself never touches the network);
- with a prefix, a request or an internal link outside it (``/_static/...``
  instead of ``/cnnexplain/_static/...``): an absolute path that works at the
  root of a host and breaks on a project site. The server answers 404 there;
- an image that does not load (``naturalWidth == 0``), an image in a figure or
  the gallery without alt text;
- an internal link that leads nowhere, including ``#anchors`` whose id does
  not exist in the target page;
- an animation player (matplotlib's jshtml, used by sphinx-gallery) whose
  "Next frame" button does not change the displayed frame;
- the site search returning nothing for "Prewitt" or "kernel", or a result
  that links to a page that does not exist;
- axe-core violations of impact "serious" or "critical" on any page, in the
  light theme at 1366 px and again in the theme's dark mode (1366 px) and at a
  390 px wide phone viewport (light and dark); of the pages drawn by one
  template from the library (API reference, source), the dark and phone passes
  take a sample (``MODE_SAMPLE`` of each);
- at 390 px, a page body wider than the viewport (the page scrolls sideways;
  a code block or a table may scroll inside itself), naming the elements that
  stick out; in dark mode, a page the theme does not show dark;
- at 390 px, an animation -- a jshtml player, or an animated GIF in a page's
  article -- whose smallest text shows less than 9 CSS px high
  (``MIN_PHONE_TEXT_PX``: the text's height as drawn, which the build records
  beside the frames, times the scale at which the page shows the frame), or
  whose player does not fit: it scrolls sideways, or one of its controls lies
  outside the viewport;
- a page heavier than 1.5 MB with everything the browser loads for it
  (HTML, scripts, style sheets, images, fonts: the bytes of the files served),
  or 3 MB for the explorer page (``EXPLORER_PAGE``); another page that embeds
  an explorer, as the own-model example does, keeps the 1.5 MB limit.

Then it runs ``tools/glossary_check.py`` (not under ``--quick``): on a page
that links glossary terms, in light and dark mode, at 1366 and 390 px, and
from ``file://``, a term link shows its glossary definition in a tooltip on
keyboard focus and on mouse hover, hides it on Escape, lets the pointer rest
on it, and still leads to the glossary; axe-core runs with the tooltip shown.

Then it runs ``tools/explorer_check.py`` (skip it with ``--skip-explorer``):
the explorers' numbers against PyTorch, the widget driven as a reader would,
its speed, dark mode and 390 px width, and a saved standalone explorer.

Then it runs ``tools/training_check.py`` (not under ``--quick``; skip it with
``--skip-training``): the explorer's network module, network.js, trains
LineCNN 200 steps with SGD and with Adam in a Web Worker of a page opened from
``file://``, and must end where ``torch.optim`` ends.

Then it runs ``tools/lab_check.py`` (not under ``--quick``; skip it with
``--skip-lab``): the lab page trains one run and then two side by side, stays
responsive (no main-thread task over 50 ms, kernels redrawn at least twice a
second), its downloaded run opens in ``WeightHistory.load`` and ``cnnexplain
figures`` and in the lab again, hostile files and bad settings are refused,
axe-core is clean after training in light and dark mode at 1366 and 390 px,
and a saved lab trains from ``file://``.

``--quick`` leaves out what a URL prefix cannot change, for a second run under
a prefix: axe-core, the dark and phone passes, the page weight and, of the
explorer check, all but the reader's actions on the explorer page (drawing,
slider, deep links), the site's deep links into explorers and every explorer
starting.

It saves screenshots of the landing page (light, and dark at 1366 and 390 px),
of the kernel animation page and of a glossary tooltip in each of the glossary
check's modes, and a JSON report, in the artifacts folder,
prints the heaviest pages and one summary line (pages checked, requests made,
failures) and exits with status 1 if anything failed, listing each failure on
its own line.

Usage::

    python tools/site_check.py docs/_build/html --artifacts artifacts/site
    python tools/site_check.py docs/_build/html --artifacts artifacts/site/subpath \\
        --prefix /cnnexplain/ --quick

axe-core comes from the npm registry: ``npm ci`` in ``tools/`` installs it in
``tools/node_modules/axe-core``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import json
import posixpath
import queue
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import glossary_check
from browser import (
    AXE_FAIL_IMPACTS,
    NARROW,
    WIDE,
    add_artifacts_option,
    add_axe_option,
    add_chromium_option,
    add_site_argument,
    allow_only,
    axe_violations,
    headless_chromium,
    new_context,
    prefix_arg,
    served,
    site_pages,
    width_problem,
)

SEARCH_TERMS = ("Prewitt", "kernel")
#: Page weight limits in bytes (1 MB = 10**6 bytes): a page with everything it loads.
PAGE_WEIGHT_LIMIT = 1_500_000
EXPLORER_PAGE_WEIGHT_LIMIT = 3_000_000
#: The one page allowed the explorer's limit (issue 11: "the explorer page of the site weighs at
#: most 3 MB ...; every other page stays at most 1.5 MB"), whatever other pages embed an explorer.
EXPLORER_PAGE = "auto_examples/article/plot_04b_explorer.html"
EXPLORER_SELECTOR = "[data-cnnexplain-explorer]"
#: The lab page, which tools/lab_check.py drives (its LAB_PAGE).
LAB_PAGE = "auto_examples/article/plot_04c_lab.html"
#: Images that must describe themselves: figures, gallery outputs, animation frames. Gallery
#: thumbnails are left out: each sits next to its example's title, which names the link, so
#: ``alt=""`` (decorative) is right for them; axe's link-name rule checks that the name is there.
FIGURE_IMAGES = (
    "figure img, div.figure img, img.sphx-glr-single-img, img.sphx-glr-multi-img, "
    ".sphx-glr-script-out img, .animation img, .sphx-glr-animation img"
)


# -- bookkeeping --------------------------------------------------------------------------
@dataclass
class Report:
    base: str
    root: Path
    failures: list[tuple[str, str, str]] = field(default_factory=list)
    notes: list[tuple[str, str, str]] = field(default_factory=list)
    requests: int = 0
    pages: dict[str, dict] = field(default_factory=dict)  # page -> ids, links
    axe_counts: Counter = field(default_factory=Counter)
    animations: int = 0
    loading: list[str] = field(default_factory=list)  # URLs requested by the page being checked
    weights: dict[str, int] = field(default_factory=dict)  # page -> bytes with everything it loads
    weights_gzip: dict[str, int] = field(default_factory=dict)  # the same, gzip-compressed
    explorer_pages: set[str] = field(default_factory=set)
    modes: Counter = field(default_factory=Counter)  # pages checked per dark/phone mode
    screenshots: list[str] = field(default_factory=list)
    # The dark and phone passes run in threads (ModeWorker): what they record goes through it.
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @property
    def origin(self) -> str:
        """The server's root URL, ``http://127.0.0.1:PORT/``: the base without its prefix."""
        parts = urlsplit(self.base)
        return f"{parts.scheme}://{parts.netloc}/"

    @property
    def prefix(self) -> str:
        return urlsplit(self.base).path

    def page_name(self, url: str) -> str:
        return url[len(self.base) :] if url.startswith(self.base) else url

    def fail(self, page: str, kind: str, detail: str) -> None:
        item = (self.page_name(page), kind, detail)
        with self.lock:
            if item not in self.failures:
                self.failures.append(item)

    def fail_in(self, page: str, kind: str, label: str, detail: str) -> None:
        """A failure seen in the mode ``label`` (``dark, 1366 px``; empty for the light pass).

        One line per finding: a finding seen in several modes names them all
        (``[dark, 1366 px; dark, 390 px] ...``), and one the light pass has too is not repeated.
        """
        name = self.page_name(page)
        with self.lock:
            for i, (p, k, d) in enumerate(self.failures):
                labels, rest = split_label(d)
                if (p, k, rest) == (name, kind, detail):
                    if labels and label and label not in labels:
                        labels = sorted([*labels, label], key=mode_rank)
                        self.failures[i] = (p, k, f"[{'; '.join(labels)}] {rest}")
                    return
            self.failures.append((name, kind, f"[{label}] {detail}" if label else detail))

    def note(self, page: str, kind: str, detail: str) -> None:
        with self.lock:
            self.notes.append((self.page_name(page), kind, detail))

    def count(self, counter: Counter, key: str) -> None:
        with self.lock:
            counter[key] += 1


def split_label(detail: str) -> tuple[list[str], str]:
    """``"[dark, 1366 px; light, 390 px] text"`` -> (the modes, the text); no modes, no brackets."""
    if detail.startswith("[") and "] " in detail:
        labels, rest = detail[1:].split("] ", 1)
        return labels.split("; "), rest
    return [], detail


def page_key(url: str) -> str:
    """The page a URL shows: no fragment, no query, ``dir/`` as ``dir/index.html``."""
    url = urldefrag(url)[0].split("?", 1)[0]
    if url.endswith("/"):
        url += "index.html"
    return url


def local_file(report: Report, url: str) -> Path | None:
    """The file under the site root that ``url`` names, or None if outside the site (another
    host, or outside the prefix the site is served under)."""
    key = page_key(url)
    if not key.startswith(report.base):
        return None
    rel = posixpath.normpath(unquote(urlsplit(key).path)[len(report.prefix) :]).lstrip("/")
    target = (report.root / rel).resolve()
    try:
        target.relative_to(report.root)
    except ValueError:
        return None
    if target.is_dir():
        target = target / "index.html"
    return target


def outside_prefix(report: Report, url: str) -> str | None:
    """The path of ``url`` if it is on the site's server but outside its prefix, else None."""
    if url.startswith(report.origin) and not url.startswith(report.base):
        return "/" + url[len(report.origin) :]
    return None


# -- the browser side -----------------------------------------------------------------------
PAGE_FACTS_JS = """
async (figureSel) => {
  // Load lazy images, then wait (bounded) for every image to settle.
  const imgs = Array.from(document.images);
  imgs.forEach(img => { if (img.loading === 'lazy') img.loading = 'eager'; });
  await Promise.race([
    Promise.all(imgs.map(img => img.complete ? null : new Promise(r => {
      img.addEventListener('load', r, {once: true}); img.addEventListener('error', r, {once: true});
    }))),
    new Promise(r => setTimeout(r, 10000)),
  ]);
  const ids = new Set();
  document.querySelectorAll('[id]').forEach(e => ids.add(e.id));
  document.querySelectorAll('a[name]').forEach(e => ids.add(e.getAttribute('name')));
  const links = Array.from(document.querySelectorAll('a[href], area[href]'))
    .map(a => ({href: a.href, raw: a.getAttribute('href'), text: (a.textContent || '').trim().slice(0, 60)}));
  const images = imgs.map(img => ({
    src: (img.currentSrc || img.src || '').slice(0, 200),
    complete: img.complete, width: img.naturalWidth,
  }));
  const unlabeled = Array.from(document.querySelectorAll(figureSel))
    .filter(img => !(img.getAttribute('alt') || '').trim())
    .map(img => (img.id ? '#' + img.id + ' ' : '') + (img.getAttribute('src') || '').slice(0, 120));
  return {ids: Array.from(ids), links, images, unlabeled};
}
"""


def check_page(page, report: Report, url: str, axe_path: Path, quick: bool = False) -> None:
    """Load one page and run the per-page checks (``quick``: not axe, not the weight)."""
    report.loading.clear()
    try:
        response = page.goto(url, wait_until="load", timeout=60_000)
    except Exception as exc:  # navigation errors of any kind are failures of this page
        report.fail(url, "navigation", f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        return
    if response is None or response.status >= 400:
        report.fail(url, "http", f"status {response.status if response else 'none'}")
        return
    try:
        page.wait_for_load_state("networkidle", timeout=10_000)
    except Exception:
        report.note(url, "slow", "network not idle after 10 s")
    facts = page.evaluate(PAGE_FACTS_JS, FIGURE_IMAGES)
    report.pages[page_key(url)] = {
        "ids": set(facts["ids"]),
        "links": facts["links"],
        "explorer": page.locator(EXPLORER_SELECTOR).count() > 0,
    }
    for img in facts["images"]:
        if img["src"] and (not img["complete"] or img["width"] == 0):
            report.fail(url, "image", f"does not load: {img['src']}")
    for desc in facts["unlabeled"]:
        report.fail(url, "alt-text", f"figure image without alt text: {desc}")
    check_animations(page, report, url)
    if not quick:  # neither depends on the URL the site is served under
        check_weight(report, url)
        run_axe(page, report, url, axe_path)


def check_weight(report: Report, url: str) -> None:
    """The bytes of every file the browser requested for the page, against the page's limit.

    The local server sends files as they are on disk (no compression), so a
    response's body is the file's size; ``data:`` URLs are counted in the file
    that holds them. Each file counts once per page. The limit holds for these
    bytes; what a server that compresses (gzip) would send is recorded beside
    them, for information.
    """
    sizes: dict[str, int] = {}
    for requested in report.loading:
        if requested.startswith(report.base):
            path = local_file(report, requested)
            if path is not None and path.is_file():
                sizes[report.page_name(page_key(requested))] = path.stat().st_size
    total = sum(sizes.values())
    name = report.page_name(page_key(url))
    report.weights[name] = total
    report.weights_gzip[name] = sum(gzipped_size(report.root / n) for n in sizes)
    explorer = report.pages[page_key(url)]["explorer"]
    if explorer:
        report.explorer_pages.add(name)
    limit = EXPLORER_PAGE_WEIGHT_LIMIT if name == EXPLORER_PAGE else PAGE_WEIGHT_LIMIT
    if total > limit:
        largest = sorted(sizes.items(), key=lambda item: -item[1])[:4]
        report.fail(
            url,
            "weight",
            f"{total / 1e6:.2f} MB with everything it loads > {limit / 1e6:g} MB"
            f"{' (the explorer page)' if name == EXPLORER_PAGE else ''}; largest: "
            + ", ".join(f"{n or '/'} {b / 1e6:.2f} MB" for n, b in largest),
        )


@functools.cache
def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def weight_lines(report: Report) -> list[str]:
    """The explorer page's weight and the heaviest others', for the summary."""
    ranked = sorted(report.weights.items(), key=lambda item: -item[1])

    def weight(page: str) -> str:
        gz = report.weights_gzip.get(page, 0)
        return f"{page or '/'} {report.weights[page] / 1e6:.2f} MB ({gz / 1e6:.2f} MB gzip-compressed)"

    lines = []
    if EXPLORER_PAGE in report.weights:
        lines.append(
            f"page weight: {weight(EXPLORER_PAGE)}, the explorer page "
            f"(limit {EXPLORER_PAGE_WEIGHT_LIMIT / 1e6:g} MB)"
        )
    others = [p for p, _ in ranked if p != EXPLORER_PAGE][:3]
    if others:
        lines.append(
            f"page weight: heaviest others {', '.join(weight(p) for p in others)} "
            f"(limit {PAGE_WEIGHT_LIMIT / 1e6:g} MB)"
        )
    return lines


def check_animations(page, report: Report, url: str) -> None:
    """Press "Next frame" on every jshtml player of the page; the frame must change."""
    players = page.locator("div.animation")
    for i in range(players.count()):
        report.animations += 1
        player = players.nth(i)
        img = player.locator("img").first
        button = player.locator("button[title='Next frame'], button[aria-label='Next frame']").first
        if img.count() == 0 or button.count() == 0:
            report.fail(url, "animation", f"player {i + 1} has no frame image or no 'Next frame' button")
            continue
        try:
            # The player is created by a setTimeout after the page's scripts run.
            page.wait_for_function(
                "img => !!img.getAttribute('src')", arg=img.element_handle(), timeout=10_000
            )
            player.scroll_into_view_if_needed(timeout=5_000)
            before = img.get_attribute("src") or ""
            frames = page.evaluate(
                "el => { const s = el.querySelector('input.anim-slider'); return s ? +s.max + 1 : null; }",
                player.element_handle(),
            )
            button.click(timeout=5_000)
            page.wait_for_function(
                "([img, before]) => (img.getAttribute('src') || '') !== before",
                arg=[img.element_handle(), before],
                timeout=5_000,
            )
            after = img.get_attribute("src") or ""
        except Exception as exc:
            report.fail(
                url,
                "animation",
                f"player {i + 1}: 'Next frame' did not change the frame ({type(exc).__name__})",
            )
            continue
        if not after or after == before:
            report.fail(url, "animation", f"player {i + 1}: 'Next frame' did not change the frame")
        elif frames is not None and frames < 2:
            report.fail(url, "animation", f"player {i + 1} has {frames} frame(s)")


def run_axe(page, report: Report, url: str, axe_path: Path, label: str = "") -> None:
    """Inject axe-core and fail on violations of impact serious or critical.

    ``label`` names the mode (``dark, 1366 px``) in each line; empty for the light pass.
    """
    try:
        violations = axe_violations(page, axe_path)
    except Exception as exc:
        why = f"axe-core did not run: {type(exc).__name__}: {str(exc).splitlines()[0]}"
        report.fail_in(url, "axe", label, why)
        return
    for v in violations:
        report.count(report.axe_counts, v["impact"] or "unknown")
        detail = f"{v['impact']} {v['id']} ({v['help']}) x{v['count']}: {', '.join(v['nodes'])}"
        if v["impact"] in AXE_FAIL_IMPACTS:
            report.fail_in(url, "axe", label, detail)
        else:
            report.note(url, "axe", f"[{label}] {detail}" if label else detail)


# -- dark mode and phone width -----------------------------------------------------------------
#: The passes run on every page besides the light one at WIDE: (dark?, viewport).
MODES = ((True, WIDE), (False, NARROW), (True, NARROW))

#: Wait (bounded) for what scripts draw after the load event: fonts, the animation players
#: (set up by a timeout), the explorers; then two frames.
SETTLE_JS = """
async (timeout) => {
  const until = Date.now() + timeout;
  const wait = ms => new Promise(r => setTimeout(r, ms));
  await Promise.race([document.fonts.ready, wait(timeout)]);
  const pending = () =>
    Array.from(document.querySelectorAll('div.animation img')).some(i => !i.getAttribute('src')) ||
    Array.from(document.querySelectorAll('[data-cnnexplain-explorer]')).some(e =>
      !(e.cnnexplain && (e.cnnexplain.ready === true || e.cnnexplain.error)));
  while (pending() && Date.now() < until) await wait(50);
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r())));
}
"""


def mode_label(dark: bool, viewport: dict) -> str:
    return f"{'dark' if dark else 'light'}, {viewport['width']} px"


def mode_rank(label: str) -> int:
    """The place of a mode's label in MODES, for a steady order of the labels in a line."""
    labels = [mode_label(dark, viewport) for dark, viewport in MODES]
    return labels.index(label) if label in labels else len(labels)


def dark_mode_problem(page) -> str | None:
    """Why the page is not in the theme's dark mode (None if it is)."""
    got = page.evaluate(
        "() => [document.documentElement.dataset.theme, document.documentElement.dataset.mode]"
    )
    if got != ["dark", "dark"]:
        return f"the theme is not in dark mode: <html data-theme={got[0]!r} data-mode={got[1]!r}>"
    return None


def check_mode(page, dark: bool, viewport: dict, report: Report, url: str, axe_path: Path) -> None:
    """The page in one of MODES: in dark mode the theme shows it dark; at 390 px it does not scroll
    sideways; axe-core finds nothing serious or critical."""
    label = mode_label(dark, viewport)
    try:
        page.goto(url, wait_until="load", timeout=60_000)
        page.evaluate(SETTLE_JS, 10_000)
    except Exception as exc:
        report.fail_in(url, "navigation", label, f"{type(exc).__name__}: {str(exc).splitlines()[0]}")
        return
    report.count(report.modes, label)
    problem = dark_mode_problem(page) if dark else None
    if problem:
        report.fail_in(url, "dark", label, problem)
    problem = width_problem(page, viewport) if viewport is NARROW else None
    if problem:
        report.fail_in(url, "width", label, problem)
    if viewport is NARROW:
        problems, readings = animation_problems(page, report)
        for problem in problems:
            report.fail_in(url, "phone animation", label, problem)
        for reading in readings if not dark else []:  # the same sizes in dark mode
            report.note(url, "phone animation", reading)
    run_axe(page, report, url, axe_path, label)


# -- animations at a phone's width ---------------------------------------------------------------
#: At 390 px, the smallest text of an animation's frame must show at least this high, in CSS px:
#: its height at the figure's natural size (font size x dpi / 72) times the width the page shows
#: the frame at, over the figure's natural width. tools/readability_check.py asks the same of
#: every figure at 1366 px (MIN_TEXT_PX).
MIN_PHONE_TEXT_PX = 9.0

#: The frames of a page's animations and the boxes of its players. A jshtml player carries the
#: size of its smallest text (``data-text-px``, ``data-width-px``, written by the build:
#: docs/_ext/frame_text.py); a GIF of the article carries it in the file, read on the Python side
#: (``gif``: its URL). Controls are the player's buttons, slider and loop choices.
ANIMATIONS_JS = """
() => {
  const box = el => { const r = el.getBoundingClientRect(); return {left: r.left, right: r.right, width: r.width}; };
  const frames = [];
  document.querySelectorAll('div.animation').forEach((player, i) => {
    const img = player.querySelector('img');
    if (!img) return;  // check_animations reports a player without a frame
    frames.push({what: `player ${i + 1}`, gif: null, ...box(img),
                 textPx: parseFloat(player.dataset.textPx), widthPx: parseFloat(player.dataset.widthPx)});
  });
  document.querySelectorAll('article img').forEach(img => {
    const src = img.currentSrc || img.src || '';
    if (!/\\.gif$/i.test(src.split(/[?#]/)[0])) return;
    frames.push({what: src.split('/').pop().slice(0, 80), gif: src, ...box(img)});
  });
  const players = Array.from(document.querySelectorAll('div.animation')).map((player, i) => {
    const outer = player.closest('.sphx-glr-animation') || player;
    const controls = Array.from(player.querySelectorAll('button, input, label'))
      .map(c => ({name: c.getAttribute('title') || c.getAttribute('aria-label') || c.textContent.trim() ||
                  c.type, ...box(c)}))
      .filter(c => c.width > 0);
    return {what: `player ${i + 1}`, scroll: outer.scrollWidth, client: outer.clientWidth, controls};
  });
  return {frames, players, view: window.innerWidth};
}
"""


def parse_frame_text(text: str | bytes | None) -> tuple[float, float] | None:
    """``(text_px, width_px)`` from ``text-px=12.50 width-px=460``, the form the build writes
    (docs/_ext/frame_text.py); None if ``text`` is missing or not of that form."""
    if isinstance(text, bytes):
        text = text.decode("ascii", "replace")
    values = dict(part.split("=", 1) for part in (text or "").split() if "=" in part)
    try:
        measure = float(values["text-px"]), float(values["width-px"])
    except (KeyError, ValueError):
        return None
    return measure if all(v > 0 for v in measure) else None


def text_on_screen(text_px: float, width_px: float, shown_px: float) -> float:
    """The height in CSS px of a text ``text_px`` high in a figure ``width_px`` wide, shown ``shown_px`` wide."""
    return text_px * shown_px / width_px


def frame_problem(frame: dict, measure: tuple[float, float] | None, view: float) -> str | None:
    """Why an animation's frame (``what``, its box ``width`` and ``right``) does not read at ``view``
    px: its smallest text (``measure``: :func:`parse_frame_text`) shows too small, the build did not
    record it, or the frame sticks out of the viewport. None if it reads."""
    what = frame["what"]
    if measure is None:
        return f"{what}: the build recorded no size for its smallest text (docs/_ext/frame_text.py)"
    text_px, width_px = measure
    shown = text_on_screen(text_px, width_px, frame["width"])
    if shown < MIN_PHONE_TEXT_PX:
        return (
            f"{what}: its smallest text shows {shown:.1f} CSS px high (< {MIN_PHONE_TEXT_PX:g}): drawn "
            f"{text_px:.1f} px high in a figure {width_px:g} px wide, shown {frame['width']:.0f} px wide"
        )
    if frame["right"] > view + 0.5:
        return f"{what}: the frame ends at {frame['right']:.0f} px, past the {view:g} px viewport"
    return None


def controls_problems(player: dict, view: float) -> list[str]:
    """Why a player's controls do not fit at ``view`` px: the player scrolls sideways, or a control
    (``controls``: name and box) lies outside the viewport."""
    problems = []
    if player["scroll"] > player["client"] + 1:
        problems.append(
            f"{player['what']} scrolls sideways: {player['scroll']} px of controls and frame "
            f"in a {player['client']} px box"
        )
    outside = [c["name"] for c in player["controls"] if c["left"] < -0.5 or c["right"] > view + 0.5]
    if outside:
        problems.append(
            f"{player['what']}: controls outside the {view:g} px viewport: {', '.join(outside[:4])}"
        )
    return problems


def gif_frame_text(path: Path | None) -> tuple[int, tuple[float, float] | None]:
    """The number of frames of the GIF at ``path`` and the size of its text its comment records."""
    from PIL import Image  # only this check reads pictures

    if path is None or not path.is_file():
        return 0, None  # the image check reports a picture that does not load
    with Image.open(path) as gif:
        return getattr(gif, "n_frames", 1), parse_frame_text(gif.info.get("comment"))


def animation_problems(page, report: Report) -> tuple[list[str], list[str]]:
    """Why the page's animations do not read at a phone's width (:data:`MIN_PHONE_TEXT_PX`), or
    their controls do not fit it; and, for the report, how high each frame's smallest text shows.
    A still GIF is not an animation."""
    got = page.evaluate(ANIMATIONS_JS)
    problems, readings = [], []
    for frame in got["frames"]:
        if frame["gif"]:
            n_frames, measure = gif_frame_text(local_file(report, frame["gif"]))
            if n_frames < 2:
                continue
        else:
            measure = parse_frame_text(f"text-px={frame['textPx']} width-px={frame['widthPx']}")
        problem = frame_problem(frame, measure, got["view"])
        if problem:
            problems.append(problem)
        if measure is not None:
            shown = text_on_screen(*measure, frame["width"])
            readings.append(f"{frame['what']}: smallest text {shown:.1f} CSS px high at {got['view']} px")
    for player in got["players"]:
        problems += controls_problems(player, got["view"])
    return problems, readings


class ModeWorker(threading.Thread):
    """One of MODES in its own browser, in a thread beside the light pass, which queues each page
    it has checked (``None`` ends the queue). The passes run side by side, so Chromium spreads
    them over the machine's cores (one after the other, the check took half as long again on two
    cores). At the end it takes a screenshot of the landing page. Its failures go to the report
    like the light pass's."""

    def __init__(self, dark: bool, viewport: dict, report: Report, chromium: str, axe_path: Path, artifacts):
        super().__init__(name=f"site check, {mode_label(dark, viewport)}", daemon=True)
        self.dark, self.viewport, self.report = dark, viewport, report
        self.chromium, self.axe_path, self.artifacts = chromium, axe_path, artifacts
        self.urls: queue.Queue = queue.Queue()

    def run(self) -> None:
        label, report = mode_label(self.dark, self.viewport), self.report
        try:
            with headless_chromium(self.chromium) as browser:  # its own: one browser per thread
                context = new_context(browser, self.viewport, self.dark)
                page = context.new_page()
                current = {"url": report.base}
                watch(context, page, report, current)
                while (url := self.urls.get()) is not None:
                    current["url"] = url
                    check_mode(page, self.dark, self.viewport, report, url, self.axe_path)
                current["url"] = landing = urljoin(report.base, "index.html")
                name = f"landing-{label.replace(', ', '-').replace(' px', '')}.png"
                screenshot(page, landing, self.artifacts / name)
                report.screenshots.append(name)
        except Exception as exc:  # the pass stops; the others go on
            first_line = (str(exc).strip().splitlines() or [""])[0]
            report.fail_in(
                report.base, "error", label, f"the pass stopped: {type(exc).__name__}: {first_line}"
            )


def screenshot(page, url: str, path: Path) -> None:
    """The whole page at ``url``, once its scripts have drawn."""
    page.goto(url, wait_until="load", timeout=60_000)
    page.wait_for_load_state("networkidle", timeout=10_000)
    page.evaluate(SETTLE_JS, 10_000)
    page.screenshot(path=str(path), full_page=True)


def check_search(page, report: Report) -> None:
    """The Sphinx search page must list results for each search term, each leading to a page, and
    load the pages whose text it quotes under the results."""
    pending: set = set()  # requests in flight: the search fetches each result's page for its summary

    def started(request):
        pending.add(request)

    def done(request):
        pending.discard(request)

    page.on("request", started)
    page.on("requestfinished", done)
    page.on("requestfailed", done)
    try:
        for term in SEARCH_TERMS:
            search_term(page, report, term, pending)
    finally:
        page.remove_listener("request", started)
        page.remove_listener("requestfinished", done)
        page.remove_listener("requestfailed", done)


def search_term(page, report: Report, term: str, pending: set) -> None:
    url = urljoin(report.base, f"search.html?q={term}")
    try:
        page.goto(url, wait_until="load", timeout=60_000)
        # Sphinx fills #search-results and writes a summary when the search is done.
        page.wait_for_function(
            "() => { const s = document.querySelector('#search-results .search-summary, "
            "#search-results p'); return s && s.textContent.trim().length > 0 && "
            "!/Preparing search|Searching/.test(s.textContent); }",
            timeout=30_000,
        )
        hits = page.locator("#search-results ul.search li").count()
        results = page.eval_on_selector_all("#search-results ul.search li a", "as => as.map(a => a.href)")
    except Exception as exc:
        report.fail(url, "search", f"search for {term!r} did not finish ({type(exc).__name__})")
        return
    # The next search would abort the fetches of the results' pages: let them finish (a page
    # that does not load is a failed request).
    deadline = time.monotonic() + 30
    while pending and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    if pending:
        report.fail(
            url, "search", f"{len(pending)} requests still loading 30 s after the search for {term!r}"
        )
    if hits == 0:
        report.fail(url, "search", f"search for {term!r} returned no results")
        return
    report.note(url, "search", f"{term!r}: {hits} results")
    # The results are links built by Sphinx's script from the index: under a prefix they
    # must stay under it.
    for href in dict.fromkeys(results):
        path = local_file(report, href)
        if path is None or not path.is_file():
            report.fail(url, "search", f"a result for {term!r} leads nowhere: {href[:160]}")


def check_links(report: Report, limited: bool = False) -> None:
    """Every internal link must lead to an existing file, and an anchor to an existing id.

    A fragment with ``=`` into a page with an explorer is a deep link (a state
    of the explorer, ``#epoch=3&kernel=5``), not an anchor: tools/explorer_check.py
    follows those. With ``limited`` (``--limit``), anchors into pages that were
    not visited are not checked.
    """
    for page, facts in report.pages.items():
        for link in facts["links"]:
            href, raw = link["href"], link["raw"] or ""
            if not href.startswith(report.base):
                outside = outside_prefix(report, href)
                if outside is not None:
                    report.fail(page, "prefix", f"{raw!r} leaves {report.prefix}: it leads to {outside}")
                continue  # other hosts may be linked to; they are never requested
            target, fragment = urldefrag(href)
            key = page_key(target)
            path = local_file(report, key)
            if path is None or not path.is_file():
                report.fail(page, "link", f"{raw!r} leads nowhere ({report.page_name(key)})")
                continue
            if not fragment or fragment == "top":
                continue
            fragment = unquote(fragment)
            if key.endswith(".html"):
                target_facts = report.pages.get(key)
                if target_facts is None:
                    if not limited:
                        report.fail(page, "link", f"{raw!r}: target page was not checked")
                elif "=" in fragment and target_facts["explorer"]:
                    continue  # a deep link into the explorer
                elif fragment not in target_facts["ids"]:
                    report.fail(page, "anchor", f"{raw!r}: no id {fragment!r} in {report.page_name(key)}")


def animation_page(report: Report, pages_with_players: list[str]) -> str | None:
    """The kernel animation page: one with a player, preferring a 'training' example."""
    candidates = sorted(pages_with_players, key=lambda p: ("training" not in p, "kernel" not in p, p))
    if candidates:
        return candidates[0]
    named = [p for p in report.pages if "training" in p and "auto_examples" in p]
    return sorted(named)[0] if named else None


def watch(context, page, report: Report, current: dict, main: bool = False) -> None:
    """Fail on console and page errors, failed requests, requests outside the prefix and to other
    hosts (blocked). ``main``: the light pass's page, whose requests make the page weight."""

    def blocked(url):
        outside = outside_prefix(report, url)
        if outside is not None:
            report.fail(
                current["url"],
                "prefix",
                f"request outside {report.prefix}: {outside} (an absolute path: it breaks on a project site)",
            )
        else:
            report.fail(current["url"], "external", f"request to another host blocked: {url[:160]}")

    def on_request(request):
        with report.lock:
            report.requests += 1
        if main:
            report.loading.append(request.url)

    def on_failed(request):
        if request.url.startswith(report.base):
            report.fail(current["url"], "request", f"{request.failure}: {report.page_name(request.url)}")

    def on_response(response):
        if response.status >= 400:
            report.fail(current["url"], "request", f"HTTP {response.status}: {response.url[:160]}")

    def on_console(msg):
        if msg.type == "error":
            report.fail(current["url"], "console", msg.text[:300])

    allow_only(context, (report.base,), blocked)
    page.on("request", on_request)
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    page.on("console", on_console)
    page.on("pageerror", lambda exc: report.fail(current["url"], "pageerror", str(exc)[:300]))


#: Folders of pages that one template draws from the library's docstrings and source (131 API
#: pages, 51 pages of source): the dark and phone passes see the first MODE_SAMPLE of each, in
#: the crawl's steady order, instead of all of them. Their layout and colours are the template's,
#: which the sample exercises; the light pass still checks every one of them (axe included).
#: All of them in all three modes made the check the longest step of CI, which has a time limit.
TEMPLATE_FOLDERS = ("api/generated/", "_modules/")
MODE_SAMPLE = 4


def in_mode_sample(report: Report, url: str, sampled: Counter) -> bool:
    """Whether the dark and phone passes check ``url`` (counting the template pages they take)."""
    name = report.page_name(url)
    folder = next((f for f in TEMPLATE_FOLDERS if name.startswith(f)), None)
    if folder is None:
        return True
    sampled[folder] += 1
    return sampled[folder] <= MODE_SAMPLE


def crawl(
    page, workers: list, report: Report, current: dict, axe_path: Path, limit: int | None, quick: bool
) -> list:
    """Check every page on disk and every page linked from one, queueing each for the dark and
    phone passes (``workers``); returns the pages with an animation player. ``quick``: see run."""
    todo = [urljoin(report.base, p) for p in site_pages(report.root)]
    seen: set[str] = set()
    sampled: Counter = Counter()
    with_players: list[str] = []
    while todo:
        url = page_key(todo.pop(0))
        if url in seen or (limit is not None and len(seen) >= limit):
            continue
        seen.add(url)
        current["url"] = url
        check_page(page, report, url, axe_path, quick)
        if url not in report.pages:
            continue  # it did not load: reported
        if page.locator("div.animation").count():
            with_players.append(url)
        if in_mode_sample(report, url, sampled):
            for worker in workers:
                worker.urls.put(url)
        for link in report.pages[url]["links"]:
            target = page_key(link["href"])
            if target.startswith(report.base) and target.endswith(".html") and target not in seen:
                path = local_file(report, target)
                if path is not None and path.is_file():
                    todo.append(target)
    return with_players


def run(
    root: Path,
    artifacts: Path,
    chromium: str,
    axe_path: Path,
    limit: int | None,
    prefix: str = "/",
    quick: bool = False,
) -> Report:
    """Serve ``root`` under ``prefix`` and check every page, also in dark mode and at phone width
    (MODES, each in a ModeWorker). ``quick`` leaves out what the URL the site is served under
    cannot change: the dark and phone passes, axe and the page weight."""
    artifacts.mkdir(parents=True, exist_ok=True)
    with served(root, prefix) as (server, base, server_counter):
        report = Report(base=base, root=root)
        if not site_pages(root):
            report.fail(base, "site", f"no HTML pages under {root}")
            return report
        workers = [] if quick else [ModeWorker(d, v, report, chromium, axe_path, artifacts) for d, v in MODES]
        try:
            for worker in workers:
                worker.start()
            with headless_chromium(chromium) as browser:
                light_pass(browser, workers, report, artifacts, axe_path, limit, quick)
        finally:
            for worker in workers:
                worker.urls.put(None)  # again: the light pass may have stopped early
                worker.join()
        if not quick:  # a prefix changes nothing the glossary check looks at
            run_glossary_check(report, root, artifacts, chromium, axe_path)
    for path in dict.fromkeys(server.outside):  # requests the browser did not block
        report.fail("server", "prefix", f"requested outside {report.prefix}: {path}")
    report.server_requests = server_counter["requests"]  # type: ignore[attr-defined]
    return report


def light_pass(
    browser, workers: list, report: Report, artifacts: Path, axe_path: Path, limit: int | None, quick: bool
) -> None:
    """The light theme at 1366 px: every page (queued for the ``workers`` as it is done), the
    search, the links; then screenshots of the landing page and of the kernel animation's player."""
    base = report.base
    current = {"url": base}
    context = new_context(browser, WIDE, dark=False)
    page = context.new_page()
    watch(context, page, report, current, main=True)
    with_players = crawl(page, workers, report, current, axe_path, limit, quick)
    for worker in workers:
        worker.urls.put(None)
    current["url"] = urljoin(base, "search.html")
    check_search(page, report)
    check_links(report, limited=limit is not None)

    current["url"] = landing = urljoin(base, "index.html")
    screenshot(page, landing, artifacts / "landing.png")
    report.screenshots.append("landing.png")
    anim = animation_page(report, with_players)
    if anim is None:
        report.note(base, "screenshot", "no animation page found")
    else:
        current["url"] = anim
        page.goto(anim, wait_until="load")
        page.wait_for_load_state("networkidle")
        page.locator("div.animation").first.scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts / "animation.png"))
        report.screenshots.append("animation.png")


def run_glossary_check(report: Report, root: Path, artifacts: Path, chromium: str, axe_path: Path) -> None:
    """Run tools/glossary_check.py on the served site; its failures join this report's (kind ``glossary``)."""
    try:
        result = glossary_check.run(root, artifacts, chromium, axe_path, base=report.base)
    except Exception as exc:
        first_line = (str(exc).splitlines() or [""])[0]
        report.fail(report.base, "glossary", f"the check stopped: {type(exc).__name__}: {first_line[:300]}")
        return
    page = urljoin(report.base, result.page)
    for mode, what in result.failures:
        report.fail(page, "glossary", f"[{mode}] {what}")
    report.screenshots.extend(result.screenshots)
    report.note(
        page,
        "glossary",
        f"tooltip of {result.term!r} in {len(glossary_check.MODES)} modes: "
        f"{len(result.passed)} checks passed, {len(result.failures)} failed",
    )


def run_explorer_check(report: Report, root: Path, args: argparse.Namespace) -> None:
    """Run tools/explorer_check.py; its failures join this report's (kind ``explorer ...``)."""
    start = time.perf_counter()
    try:
        import explorer_check  # needs the library and torch, which the pages do not

        result = explorer_check.run(
            root,
            args.artifacts,
            args.chromium,
            args.axe,
            standalone=not args.quick,  # a file:// page: no prefix to check
            prefix=args.prefix,
            quick=args.quick,
        )
    except Exception as exc:
        first_line = (str(exc).splitlines() or [""])[0]
        report.fail("explorer", "explorer error", f"{type(exc).__name__}: {first_line[:300]}")
        return
    explorer_check.write_report(result, args.artifacts, time.perf_counter() - start)
    for where, kind, detail in result.failures:
        report.failures.append((where, f"explorer {kind}", detail))


def run_training_check(report: Report, args: argparse.Namespace) -> None:
    """Run tools/training_check.py; its failures join this report's (kind ``training``)."""
    start = time.perf_counter()
    try:
        import training_check  # needs the library and torch, which the pages do not

        result = training_check.run(args.chromium)
    except Exception as exc:
        first_line = (str(exc).splitlines() or [""])[0]
        report.fail("training", "training error", f"{type(exc).__name__}: {first_line[:300]}")
        return
    training_check.write_report(result, args.artifacts, time.perf_counter() - start)
    for failure in result.failures:
        report.failures.append(("network.js in a Web Worker", "training", failure))


def run_lab_check(report: Report, root: Path, args: argparse.Namespace) -> None:
    """Run tools/lab_check.py; its failures join this report's (kind ``lab``)."""
    start = time.perf_counter()
    try:
        import lab_check  # needs the library and torch, which the pages do not

        result = lab_check.run(root, args.artifacts, args.chromium, args.axe)
    except Exception as exc:
        first_line = (str(exc).splitlines() or [""])[0]
        report.fail(LAB_PAGE, "lab error", f"{type(exc).__name__}: {first_line[:300]}")
        return
    lab_check.write_report(result, args.artifacts, time.perf_counter() - start)
    for failure in result.failures:
        report.failures.append((LAB_PAGE, "lab", failure))


def mode_text(report: Report) -> str:
    """``dark, 1366 px; light, 390 px; dark, 390 px``, with the page count where it differs."""
    pages = len(report.pages)
    modes = sorted(report.modes.items(), key=lambda item: mode_rank(item[0]))
    return "; ".join(f"{label}{'' if n == pages else f': {n} pages'}" for label, n in modes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_site_argument(parser)
    add_artifacts_option(parser)
    add_chromium_option(parser)
    add_axe_option(parser)
    parser.add_argument("--limit", type=int, default=None, help="check at most this many pages (debugging)")
    parser.add_argument(
        "--skip-explorer", action="store_true", help="do not run tools/explorer_check.py afterwards"
    )
    parser.add_argument(
        "--skip-training", action="store_true", help="do not run tools/training_check.py afterwards"
    )
    parser.add_argument("--skip-lab", action="store_true", help="do not run tools/lab_check.py afterwards")
    parser.add_argument(
        "--prefix",
        type=prefix_arg,
        default="/",
        help="serve the site under this URL path, as a GitHub Pages project site is (/cnnexplain/); "
        "a request or link outside it fails (default: %(default)s)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help="leave out what a prefix cannot change: axe, the dark and phone passes, the page weight, "
        "the explorers' agreement with PyTorch, their speed and the standalone file",
    )
    args = parser.parse_args(argv)

    root = args.site.resolve()
    if not (root / "index.html").is_file():
        print(
            f"site_check: error: {args.site} has no index.html; build the site first (nox -s docs)",
            file=sys.stderr,
        )
        return 2
    if not args.axe.is_file():
        print(f"site_check: error: no axe-core at {args.axe}; run 'npm ci' in tools/", file=sys.stderr)
        return 2
    if not Path(args.chromium).exists():
        print(f"site_check: error: no Chromium at {args.chromium}; apt-get install chromium", file=sys.stderr)
        return 2

    start = time.perf_counter()
    report = run(root, args.artifacts, args.chromium, args.axe, args.limit, args.prefix, args.quick)
    for line in weight_lines(report):
        print(line)
    if not args.skip_explorer:
        run_explorer_check(report, root, args)
    if not (args.skip_training or args.quick):  # the URL does not matter: a page of its own, from file://
        run_training_check(report, args)
    if not (args.skip_lab or args.quick):  # what a URL prefix changes, the crawl checks
        run_lab_check(report, root, args)
    # The passes ran side by side: one order for the lines, by page.
    report.failures.sort(key=lambda item: (item[0] or "/", item[1]))
    elapsed = time.perf_counter() - start

    data = {
        "site": str(root),
        "prefix": args.prefix,
        "quick": args.quick,
        "modes": dict(report.modes),
        "screenshots": report.screenshots,
        "pages": sorted(report.page_name(p) for p in report.pages),
        "requests": report.requests,
        "server_requests": getattr(report, "server_requests", None),
        "animations": report.animations,
        "axe_violations_by_impact": dict(report.axe_counts),
        "page_weight_limits": {"page": PAGE_WEIGHT_LIMIT, "explorer_page": EXPLORER_PAGE_WEIGHT_LIMIT},
        "page_weights": dict(sorted(report.weights.items(), key=lambda item: -item[1])),
        "page_weights_gzip": dict(sorted(report.weights_gzip.items(), key=lambda item: -item[1])),
        "explorer_pages": sorted(report.explorer_pages),
        "failures": [{"page": p, "kind": k, "detail": d} for p, k, d in report.failures],
        "notes": [{"page": p, "kind": k, "detail": d} for p, k, d in report.notes],
        "seconds": round(elapsed, 1),
    }
    (args.artifacts / "site_check.json").write_text(json.dumps(data, indent=1) + "\n")

    for p, k, d in report.notes:
        if k in ("search", "screenshot", "slow", "glossary", "phone animation"):
            print(f"note: {p or '/'}: {k}: {d}")
    minor = Counter(d.split(" (", 1)[0] for _, k, d in report.notes if k == "axe")
    for rule, pages in sorted(minor.items()):
        print(f"note: axe {rule} (not failing) on {pages} page(s); see site_check.json")
    if report.failures:
        print(f"\n{len(report.failures)} failures:")
        for p, k, d in report.failures:
            print(f"FAIL {p or '/'}: {k}: {d}")
    kinds = Counter(k for _, k, _ in report.failures)
    print(
        f"site check{f' under {args.prefix}' if args.prefix != '/' else ''}: {len(report.pages)} pages "
        f"checked{f' (also {mode_text(report)})' if report.modes else ''}, {report.requests} requests made, "
        f"{report.animations} animation players, {len(report.failures)} failures"
        + (f" ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})" if kinds else "")
        + f" in {elapsed:.0f} s; artifacts in {args.artifacts}"
    )
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
