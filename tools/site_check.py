"""Check the built cnnexplain site in a real browser, offline.

Serves the built HTML (``docs/_build/html``) on 127.0.0.1 and drives headless
Chromium (Debian's ``chromium`` package, through Python ``playwright`` with
``executable_path`` -- no browser download) over every HTML page: those on
disk and those reached by internal links. It fails on

- a console error or an uncaught page error;
- a failed request (network error or HTTP status >= 400), or any request to
  a host other than the local server (such requests are blocked, so the check
  itself never touches the network);
- an image that does not load (``naturalWidth == 0``), an image in a figure or
  the gallery without alt text;
- an internal link that leads nowhere, including ``#anchors`` whose id does
  not exist in the target page;
- an animation player (matplotlib's jshtml, used by sphinx-gallery) whose
  "Next frame" button does not change the displayed frame;
- the site search returning nothing for "Prewitt" or "kernel";
- axe-core violations of impact "serious" or "critical" on any page;
- a page heavier than 1.5 MB with everything the browser loads for it
  (HTML, scripts, style sheets, images, fonts: the bytes of the files served),
  or 3 MB for a page with an explorer (``data-cnnexplain-explorer``).

Then it runs ``tools/explorer_check.py`` (skip it with ``--skip-explorer``):
the explorers' numbers against PyTorch, the widget driven as a reader would,
its speed, dark mode and 390 px width, and a saved standalone explorer.

It saves screenshots of the landing page and of the kernel animation page,
and a JSON report, in the artifacts folder, prints the heaviest pages and one
summary line (pages checked, requests made, failures) and exits with status 1 if anything
failed, listing each failure on its own line.

Usage::

    python tools/site_check.py docs/_build/html --artifacts artifacts/site

axe-core comes from the npm registry: ``npm ci`` in ``tools/`` installs it in
``tools/node_modules/axe-core``.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import posixpath
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

HERE = Path(__file__).resolve().parent
DEFAULT_AXE = HERE / "node_modules" / "axe-core" / "axe.min.js"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
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
SEARCH_TERMS = ("Prewitt", "kernel")
AXE_FAIL_IMPACTS = ("serious", "critical")
#: Page weight limits in bytes (1 MB = 10**6 bytes): a page with everything it loads.
PAGE_WEIGHT_LIMIT = 1_500_000
EXPLORER_PAGE_WEIGHT_LIMIT = 3_000_000
EXPLORER_SELECTOR = "[data-cnnexplain-explorer]"
#: Folders of the build that hold assets, not pages.
ASSET_DIRS = ("_static", "_images", "_downloads", "_sources", "_sphinx_design_static")
#: Images that must describe themselves: figures, gallery outputs, animation frames. Gallery
#: thumbnails are left out: each sits next to its example's title, which names the link, so
#: ``alt=""`` (decorative) is right for them; axe's link-name rule checks that the name is there.
FIGURE_IMAGES = (
    "figure img, div.figure img, img.sphx-glr-single-img, img.sphx-glr-multi-img, "
    ".sphx-glr-script-out img, .animation img, .sphx-glr-animation img"
)


# -- the local server ---------------------------------------------------------------------
class _Handler(http.server.SimpleHTTPRequestHandler):
    counter: Counter  # set per server

    def log_message(self, *args):  # quiet
        pass

    def end_headers(self):
        # Every page is fetched fresh: the check sees what is on disk.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self):
        self.counter["requests"] += 1
        super().do_GET()


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str, Counter]:
    """Serve ``root`` on 127.0.0.1 at a free port, in a daemon thread."""
    counter: Counter = Counter()
    handler = type("Handler", (_Handler,), {"counter": counter})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="site-server", daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host}:{port}/", counter


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

    def page_name(self, url: str) -> str:
        return url[len(self.base) :] if url.startswith(self.base) else url

    def fail(self, page: str, kind: str, detail: str) -> None:
        item = (self.page_name(page), kind, detail)
        if item not in self.failures:
            self.failures.append(item)

    def note(self, page: str, kind: str, detail: str) -> None:
        self.notes.append((self.page_name(page), kind, detail))


def page_key(url: str) -> str:
    """The page a URL shows: no fragment, no query, ``dir/`` as ``dir/index.html``."""
    url = urldefrag(url)[0].split("?", 1)[0]
    if url.endswith("/"):
        url += "index.html"
    return url


def local_file(report: Report, url: str) -> Path | None:
    """The file under the site root that ``url`` names, or None if outside it."""
    path = unquote(urlsplit(page_key(url)).path)
    rel = posixpath.normpath(path).lstrip("/")
    target = (report.root / rel).resolve()
    try:
        target.relative_to(report.root)
    except ValueError:
        return None
    if target.is_dir():
        target = target / "index.html"
    return target


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

AXE_RUN_JS = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map(n => n.target.join(' ')), count: v.nodes.length,
  }));
}
"""


def check_page(page, report: Report, url: str, axe_path: Path) -> None:
    """Load one page and run the per-page checks."""
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
    limit = EXPLORER_PAGE_WEIGHT_LIMIT if explorer else PAGE_WEIGHT_LIMIT
    if total > limit:
        largest = sorted(sizes.items(), key=lambda item: -item[1])[:4]
        report.fail(
            url,
            "weight",
            f"{total / 1e6:.2f} MB with everything it loads > {limit / 1e6:g} MB"
            f"{' (a page with an explorer)' if explorer else ''}; largest: "
            + ", ".join(f"{n or '/'} {b / 1e6:.2f} MB" for n, b in largest),
        )


@functools.cache
def gzipped_size(path: Path) -> int:
    return len(gzip.compress(path.read_bytes(), compresslevel=6))


def weight_lines(report: Report) -> list[str]:
    """The heaviest page with an explorer and the heaviest others, for the summary."""
    ranked = sorted(report.weights.items(), key=lambda item: -item[1])

    def weight(page: str) -> str:
        gz = report.weights_gzip.get(page, 0)
        return f"{page or '/'} {report.weights[page] / 1e6:.2f} MB ({gz / 1e6:.2f} MB gzip-compressed)"

    lines = []
    explorers = [p for p, _ in ranked if p in report.explorer_pages]
    if explorers:
        lines.append(
            f"page weight: {weight(explorers[0])}, the heaviest page with an explorer "
            f"(limit {EXPLORER_PAGE_WEIGHT_LIMIT / 1e6:g} MB)"
        )
    others = [p for p, _ in ranked if p not in report.explorer_pages][:3]
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


def run_axe(page, report: Report, url: str, axe_path: Path) -> None:
    """Inject axe-core and fail on violations of impact serious or critical."""
    try:
        page.add_script_tag(path=str(axe_path))
        violations = page.evaluate(AXE_RUN_JS)
    except Exception as exc:
        report.fail(url, "axe", f"axe-core did not run: {type(exc).__name__}: {str(exc).splitlines()[0]}")
        return
    for v in violations:
        report.axe_counts[v["impact"] or "unknown"] += 1
        detail = f"{v['impact']} {v['id']} ({v['help']}) x{v['count']}: {', '.join(v['nodes'])}"
        if v["impact"] in AXE_FAIL_IMPACTS:
            report.fail(url, "axe", detail)
        else:
            report.note(url, "axe", detail)


def check_search(page, report: Report) -> None:
    """The Sphinx search page must list results for each search term."""
    for term in SEARCH_TERMS:
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
        except Exception as exc:
            report.fail(url, "search", f"search for {term!r} did not finish ({type(exc).__name__})")
            continue
        if hits == 0:
            report.fail(url, "search", f"search for {term!r} returned no results")
        else:
            report.note(url, "search", f"{term!r}: {hits} results")


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


def site_pages(root: Path) -> list[str]:
    """Every HTML page of the build, as paths relative to the root."""
    pages = []
    for path in sorted(root.rglob("*.html")):
        rel = path.relative_to(root).as_posix()
        if rel.split("/", 1)[0] in ASSET_DIRS:
            continue
        pages.append(rel)
    return pages


def animation_page(report: Report, pages_with_players: list[str]) -> str | None:
    """The kernel animation page: one with a player, preferring a 'training' example."""
    candidates = sorted(pages_with_players, key=lambda p: ("training" not in p, "kernel" not in p, p))
    if candidates:
        return candidates[0]
    named = [p for p in report.pages if "training" in p and "auto_examples" in p]
    return sorted(named)[0] if named else None


def run(root: Path, artifacts: Path, chromium: str, axe_path: Path, limit: int | None) -> Report:
    from playwright.sync_api import sync_playwright

    server, base, server_counter = serve(root)
    report = Report(base=base, root=root)
    artifacts.mkdir(parents=True, exist_ok=True)
    queue = [urljoin(base, p) for p in site_pages(root)]
    if not queue:
        report.fail(base, "site", f"no HTML pages under {root}")
        return report
    seen: set[str] = set()
    with_players: list[str] = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 1280, "height": 900}, service_workers="block")
            current = {"url": base}

            def route(route_, request):
                if request.url.startswith(base) or request.url.startswith(("data:", "blob:", "about:")):
                    route_.continue_()
                else:
                    report.fail(
                        current["url"], "external", f"request to another host blocked: {request.url[:160]}"
                    )
                    route_.abort("blockedbyclient")

            context.route("**/*", route)
            page = context.new_page()

            def on_request(request):
                report.requests += 1
                report.loading.append(request.url)

            def on_failed(request):
                if request.url.startswith(base):
                    report.fail(current["url"], "request", f"{request.failure}: {request.url[len(base) :]}")

            def on_response(response):
                if response.status >= 400:
                    report.fail(current["url"], "request", f"HTTP {response.status}: {response.url[:160]}")

            def on_console(msg):
                if msg.type == "error":
                    report.fail(current["url"], "console", msg.text[:300])

            def on_pageerror(exc):
                report.fail(current["url"], "pageerror", str(exc)[:300])

            page.on("request", on_request)
            page.on("requestfailed", on_failed)
            page.on("response", on_response)
            page.on("console", on_console)
            page.on("pageerror", on_pageerror)

            while queue:
                url = page_key(queue.pop(0))
                if url in seen or (limit is not None and len(seen) >= limit):
                    continue
                seen.add(url)
                current["url"] = url
                check_page(page, report, url, axe_path)
                if url in report.pages and page.locator("div.animation").count():
                    with_players.append(url)
                for link in report.pages.get(url, {}).get("links", []):
                    target = page_key(link["href"])
                    if target.startswith(base) and target.endswith(".html") and target not in seen:
                        path = local_file(report, target)
                        if path is not None and path.is_file():
                            queue.append(target)

            current["url"] = urljoin(base, "search.html")
            check_search(page, report)
            check_links(report, limited=limit is not None)

            # Screenshots: the landing page and the kernel animation page.
            shots = {"landing.png": urljoin(base, "index.html")}
            anim = animation_page(report, with_players)
            if anim is not None:
                shots["animation.png"] = anim
            else:
                report.note(base, "screenshot", "no animation page found")
            for name, url in shots.items():
                current["url"] = url
                page.goto(url, wait_until="load")
                page.wait_for_load_state("networkidle")
                if name == "animation.png" and page.locator("div.animation").count():
                    page.locator("div.animation").first.scroll_into_view_if_needed()
                    page.screenshot(path=str(artifacts / name))
                else:
                    page.screenshot(path=str(artifacts / name), full_page=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    report.server_requests = server_counter["requests"]  # type: ignore[attr-defined]
    return report


def run_explorer_check(report: Report, root: Path, args: argparse.Namespace) -> None:
    """Run tools/explorer_check.py; its failures join this report's (kind ``explorer ...``)."""
    start = time.perf_counter()
    try:
        import explorer_check  # needs the library and torch, which the pages do not

        result = explorer_check.run(root, args.artifacts, args.chromium, args.axe)
    except Exception as exc:
        first_line = (str(exc).splitlines() or [""])[0]
        report.fail("explorer", "explorer error", f"{type(exc).__name__}: {first_line[:300]}")
        return
    explorer_check.write_report(result, args.artifacts, time.perf_counter() - start)
    for where, kind, detail in result.failures:
        report.failures.append((where, f"explorer {kind}", detail))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "site",
        type=Path,
        nargs="?",
        default=HERE.parent / "docs" / "_build" / "html",
        help="the built HTML folder (default: docs/_build/html of this repository)",
    )
    parser.add_argument(
        "--artifacts", type=Path, default=Path("artifacts/site"), help="screenshots and report"
    )
    parser.add_argument(
        "--chromium", default=DEFAULT_CHROMIUM, help="Chromium executable (default %(default)s)"
    )
    parser.add_argument(
        "--axe", type=Path, default=DEFAULT_AXE, help="axe.min.js (default: tools/node_modules)"
    )
    parser.add_argument("--limit", type=int, default=None, help="check at most this many pages (debugging)")
    parser.add_argument(
        "--skip-explorer", action="store_true", help="do not run tools/explorer_check.py afterwards"
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
    report = run(root, args.artifacts, args.chromium, args.axe, args.limit)
    for line in weight_lines(report):
        print(line)
    if not args.skip_explorer:
        run_explorer_check(report, root, args)
    elapsed = time.perf_counter() - start

    data = {
        "site": str(root),
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
        if k in ("search", "screenshot", "slow"):
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
        f"site check: {len(report.pages)} pages checked, {report.requests} requests made, "
        f"{report.animations} animation players, {len(report.failures)} failures"
        + (f" ({', '.join(f'{k} {n}' for k, n in sorted(kinds.items()))})" if kinds else "")
        + f" in {elapsed:.0f} s; artifacts in {args.artifacts}"
    )
    return 1 if report.failures else 0


if __name__ == "__main__":
    sys.exit(main())
