"""The browser harness of the site's checks: headless Chromium, the local server, the built pages.

``tools/site_check.py``, ``tools/explorer_check.py`` and
``tools/readability_check.py`` drive the same browser over the same local copy
of the site. What they share lives here, so that none of them imports another
to get it: the import graph of ``tools/`` has no cycle (site_check still runs
explorer_check, and is the only module that imports it;
``tests/test_boundaries.py`` checks the graph).

- Chromium is Debian's (``/usr/bin/chromium``), driven through Python
  ``playwright`` with ``executable_path``: playwright never downloads a browser.
- The site is served on 127.0.0.1, at the root or under a URL path (as GitHub
  Pages serves a project site), and the browser may request nothing else: the
  checks never touch the network.
- axe-core comes from the npm registry (``npm ci`` in ``tools/``).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

HERE = Path(__file__).resolve().parent
#: The built site the checks read when given no folder.
DEFAULT_SITE = HERE.parent / "docs" / "_build" / "html"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
DEFAULT_AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
#: Headless, and nothing Chromium would fetch for itself (updates, sync, QUIC probes): offline.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
#: URL schemes a page may always load: they never reach the network.
INLINE_SCHEMES = ("data:", "blob:", "about:")
#: Folders of the build that hold assets, not pages.
ASSET_DIRS = ("_static", "_images", "_downloads", "_sources", "_sphinx_design_static")
#: The viewports of the checks: a common laptop's window, and a phone's.
WIDE = {"width": 1366, "height": 900}
NARROW = {"width": 390, "height": 844}
#: axe-core violations of these impacts fail a check; the others are notes.
AXE_FAIL_IMPACTS = ("serious", "critical")


# -- the browser ------------------------------------------------------------------------------
@contextmanager
def headless_chromium(chromium: str) -> Iterator:
    """A playwright browser running ``chromium`` with :data:`CHROMIUM_ARGS`, closed at the end.

    One per thread: playwright's sync API must not be shared between threads.
    """
    from playwright.sync_api import sync_playwright  # only the checks need it, not --help

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


#: pydata-sphinx-theme reads the reader's choice from localStorage (``mode``, ``theme``) in a
#: script at the top of <head>, before anything is drawn; setting it before the page's scripts
#: run is what choosing "dark" in the theme's switcher leaves behind.
DARK_INIT_JS = (
    "try { localStorage.setItem('mode', 'dark'); localStorage.setItem('theme', 'dark'); } catch (e) {}"
)


def new_context(browser, viewport: dict, dark: bool):
    """A browser context in light or dark mode (the system's colour scheme and the theme's stored
    choice); a narrow viewport is a phone's: touch, 2x pixels, the page's meta viewport honoured."""
    phone = (
        {"device_scale_factor": 2, "is_mobile": True, "has_touch": True} if viewport["width"] < 600 else {}
    )
    context = browser.new_context(
        viewport=viewport, color_scheme="dark" if dark else "light", service_workers="block", **phone
    )
    if dark:
        context.add_init_script(DARK_INIT_JS)
    return context


def allow_only(target, allowed: tuple[str, ...], blocked: Callable[[str], None] | None = None) -> None:
    """Let ``target`` (a page or a context) request only URLs that start with one of ``allowed``
    (or an inline scheme); abort the others, after telling ``blocked`` their URL."""

    def route(route_, request):
        if request.url.startswith((*allowed, *INLINE_SCHEMES)):
            route_.continue_()
            return
        if blocked is not None:
            blocked(request.url)
        route_.abort("blockedbyclient")

    target.route("**/*", route)


# -- the local server ---------------------------------------------------------------------
class _Handler(http.server.SimpleHTTPRequestHandler):
    counter: Counter  # set per server
    prefix: str = "/"  # the URL path the site is served under
    outside: list  # paths requested outside the prefix

    def log_message(self, *args):  # quiet
        pass

    def end_headers(self):
        # Every page is fetched fresh: the check sees what is on disk.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def _inside(self) -> bool:
        """Whether the request is under the prefix; answer it here if not."""
        path = urlsplit(self.path).path
        if path.startswith(self.prefix):
            return True
        if path == self.prefix.rstrip("/"):  # /cnnexplain -> /cnnexplain/, as GitHub Pages does
            self.send_response(301)
            self.send_header("Location", self.prefix)
            self.end_headers()
            return False
        self.outside.append(self.path)
        self.send_error(404, f"outside {self.prefix}")
        return False

    def do_GET(self):
        self.counter["requests"] += 1
        if self._inside():
            super().do_GET()

    def do_HEAD(self):
        if self._inside():
            super().do_HEAD()

    def translate_path(self, path: str) -> str:
        # Only called for paths under the prefix (see _inside): the file is the rest of the path.
        return super().translate_path("/" + path[len(self.prefix) :])


def normalize_prefix(prefix: str) -> str:
    """``cnnexplain``, ``/cnnexplain`` or ``/cnnexplain/`` as ``/cnnexplain/``; ``/`` stays."""
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a str, got {type(prefix).__name__}")
    parts = [p for p in prefix.split("/") if p]
    if any(p in (".", "..") or any(c in p for c in "?#%\\ ") for p in parts):
        raise ValueError(f"prefix must be a plain URL path such as '/cnnexplain/', got {prefix!r}")
    return "/" + "".join(p + "/" for p in parts)


@contextmanager
def served(root: Path, prefix: str = "/") -> Iterator[tuple[http.server.ThreadingHTTPServer, str, Counter]]:
    """Serve ``root`` under the URL path ``prefix`` on 127.0.0.1 at a free port, in a daemon thread.

    Yields the server, the site's base URL (``http://127.0.0.1:PORT/prefix/``) and the
    server's request counter; stops the server at the end. Requests outside the prefix get
    404; their paths are kept in ``server.outside``.
    """
    prefix = normalize_prefix(prefix)
    counter: Counter = Counter()
    outside: list[str] = []
    handler = type("Handler", (_Handler,), {"counter": counter, "prefix": prefix, "outside": outside})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    server.daemon_threads = True
    server.outside = outside  # type: ignore[attr-defined]
    threading.Thread(target=server.serve_forever, name="site-server", daemon=True).start()
    host, port = server.server_address[:2]
    try:
        yield server, f"http://{host}:{port}{prefix}", counter
    finally:
        server.shutdown()
        server.server_close()


def site_pages(root: Path) -> list[str]:
    """Every HTML page of the build, as paths relative to the root."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/", 1)[0] in ASSET_DIRS:
            continue
        pages.append(rel)
    return pages


# -- what a page shows ------------------------------------------------------------------------
#: axe-core's violations, and one more: axe leaves text on a gradient background undecided
#: ("incomplete"), so its contrast is measured here against each colour of the gradient (such text
#: is readable only if it is readable on all of them); a translucent colour stays undecided.
AXE_RUN_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations', 'incomplete']});
  const found = result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')), count: v.nodes.length,
  }));
  const channel = c => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
  const luminance = ([r, g, b]) => 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  const ratio = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const rgb = text => text.match(/[\\d.]+/g).map(Number);
  const opaque = c => c.length === 3 || c[3] === 1;
  const low = [];
  for (const v of result.incomplete.filter(v => v.id === 'color-contrast')) {
    for (const n of v.nodes) {
      const check = n.any.find(a => a.data && a.data.messageKey === 'bgGradient');
      const el = check && typeof n.target[0] === 'string' && document.querySelector(n.target[0]);
      let box = el;
      while (box && !/gradient/.test(getComputedStyle(box).backgroundImage)) box = box.parentElement;
      if (!box) continue;
      const stops = (getComputedStyle(box).backgroundImage.match(/rgba?\\([^)]*\\)/g) || []).map(rgb);
      const fg = rgb(getComputedStyle(el).color);
      if (!stops.length || !opaque(fg) || !stops.every(opaque)) continue;
      const need = parseFloat(check.data.expectedContrastRatio) || 4.5;
      const worst = Math.min(...stops.map(s => ratio(fg, s)));
      if (worst < need) low.push(`${n.target[0]} (${worst.toFixed(2)}:1 < ${need}:1)`);
    }
  }
  if (low.length) found.push({
    id: 'color-contrast', impact: 'serious', count: low.length, nodes: low.slice(0, 5),
    help: 'Elements must meet minimum color contrast ratio thresholds, on every colour of a background ' +
      'gradient: measured by the check, which axe leaves undecided',
  });
  return found;
}
"""


def axe_violations(page, axe_path: Path) -> list[dict]:
    """Inject axe-core into ``page`` and return its violations (see :data:`AXE_RUN_JS`)."""
    page.add_script_tag(path=str(axe_path))
    return page.evaluate(AXE_RUN_JS)


#: How wide the page is at a narrow viewport, and the elements that stick out: those whose right
#: edge passes the viewport while their parent's does not (where the overflow starts), leaving
#: out what a box that scrolls or clips (a code block, a table wrapper) holds.
WIDTH_JS = """
(limit) => {
  const de = document.documentElement;
  const width = de.scrollWidth;  // the page's scrolling box (a body that clips is not scrolled)
  const view = Math.min(limit, window.innerWidth);
  if (width <= view) return {width, view, offenders: []};
  const clips = el => ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(el).overflowX);
  const held = el => { for (let p = el.parentElement; p && p !== document.body && p !== de; p = p.parentElement)
    if (clips(p)) return true; return false; };
  const name = el => {
    let s = el.tagName.toLowerCase();
    if (el.id) return s + '#' + el.id;
    const cls = Array.from(el.classList).slice(0, 2);
    if (cls.length) s += '.' + cls.join('.');
    const anc = el.parentElement && el.parentElement.closest('[id]');
    return (anc ? '#' + anc.id + ' ' : '') + s;
  };
  const offenders = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.right <= view + 0.5 || held(el)) continue;
    const parent = el.parentElement;
    if (parent && parent !== document.body && parent.getBoundingClientRect().right > view + 0.5) continue;
    offenders.push(`${name(el)} (${Math.round(r.width)} px wide, right edge at ${Math.round(r.right)} px)`);
    if (offenders.length >= 3) break;
  }
  return {width, view, offenders};
}
"""


def width_problem(page, viewport: dict) -> str | None:
    """Why the page scrolls sideways at ``viewport`` (None if it does not)."""
    got = page.evaluate(WIDTH_JS, viewport["width"])
    if got["width"] <= got["view"]:
        return None
    return f"the page scrolls sideways: {got['width']} px wide in {got['view']} px; sticking out: " + (
        "; ".join(got["offenders"]) or "nothing found (a pseudo-element or a margin?)"
    )


# -- the command line -------------------------------------------------------------------------
def add_site_argument(parser: argparse.ArgumentParser) -> None:
    """The built site to check, optional: ``docs/_build/html`` of this repository."""
    parser.add_argument(
        "site",
        type=Path,
        nargs="?",
        default=DEFAULT_SITE,
        help="the built HTML folder (default: docs/_build/html of this repository)",
    )


def add_artifacts_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--artifacts", type=Path, default=Path("artifacts/site"), help="screenshots and report"
    )


def add_chromium_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--chromium", default=DEFAULT_CHROMIUM, help="Chromium executable (default %(default)s)"
    )


def add_axe_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--axe", type=Path, default=DEFAULT_AXE, help="axe.min.js (default: tools/node_modules)"
    )


def prefix_arg(text: str) -> str:
    """``--prefix``'s type: the URL path, normalized, or argparse's error."""
    try:
        return normalize_prefix(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
