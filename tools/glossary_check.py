"""Check the glossary's tooltips in headless Chromium: keyboard, mouse, touch, light, dark, 390 px, file://.

A link to a glossary term (Sphinx's ``:term:`` role) must show the term's
definition in place (docs/_ext/glossary_tips.py, docs/_static/glossary_tips.js).
On a page that links terms (:data:`PAGE`, else the first page that has one), for
the first term link of its article, in each of :data:`MODES` -- light and dark at
1366 px and at a 390 px phone width, served over http, and light at 1366 px
opened from ``file://`` -- it fails when

- the keyboard (Tab onto the link) does not show a ``role="tooltip"`` element
  that the link names with ``aria-describedby``, holding the term and the
  first paragraph of its entry as the built glossary page shows it (the
  check reads it there, not from the extension's data);
- the tooltip does not fit in the viewport, or covers the link;
- Escape does not hide it (the focus staying on the link);
- at 1366 px, the mouse: hovering the link does not show it; moving the
  pointer from the link onto the tooltip, and resting there, hides it (WCAG
  1.4.13: hoverable, persistent); Escape does not hide it; leaving the link
  and the tooltip does not hide it; it does not show again on the next hover;
- clicking the link (a tap on the phone, which shows no tooltip) does not
  lead to the term on the glossary page;
- axe-core finds a violation of impact serious or critical on the page with
  the tooltip shown (its contrast in light and dark mode among them).

It saves a screenshot of each mode with the tooltip shown,
``glossary-tip-<mode>.png``, in the artifacts folder. ``tools/site_check.py``
runs it (not under ``--quick``); alone::

    python tools/glossary_check.py docs/_build/html --artifacts artifacts/site
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

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
    served,
    site_pages,
)

#: The page whose first term link is checked: the first page of the story, if it links a term.
PAGE = "auto_examples/article/plot_01_dataset.html"
#: A link to a glossary term, as Sphinx writes it, in the page's article.
TERM_LINK = "main a[href*='#term-']:has(.std-term)"
#: (name, dark?, viewport, served over http?): the modes of the check.
MODES = (
    ("light-1366", False, WIDE, True),
    ("dark-1366", True, WIDE, True),
    ("light-390", False, NARROW, True),
    ("dark-390", True, NARROW, True),
    ("file-light-1366", False, WIDE, False),
)
#: How long the tooltip may take to show or hide, and how long the pointer rests on it (ms).
WAIT_MS = 2_000
REST_MS = 1_000

#: What a term link's tooltip shows: the element the link's aria-describedby names with
#: role="tooltip", whether it is visible, its text and box; and whether any tooltip is visible.
TIP_JS = """
(link) => {
  const visible = (el) => !!el && !el.hidden && el.getClientRects().length > 0 &&
    getComputedStyle(el).visibility !== 'hidden' && parseFloat(getComputedStyle(el).opacity) > 0;
  const ids = (link.getAttribute('aria-describedby') || '').split(/\\s+/).filter(Boolean);
  const tip = ids.map((id) => document.getElementById(id))
    .find((el) => el && el.getAttribute('role') === 'tooltip') || null;
  const shown = Array.from(document.querySelectorAll('[role=tooltip]')).filter(visible);
  const box = (el) => { const r = el.getBoundingClientRect();
    return {left: r.left, right: r.right, top: r.top, bottom: r.bottom}; };
  const style = tip ? getComputedStyle(tip) : null;
  return {
    described: !!tip, visible: visible(tip), anyShown: shown.length,
    text: tip ? tip.textContent.replace(/\\s+/g, ' ').trim() : (shown[0] ? shown[0].textContent : ''),
    tip: tip && visible(tip) ? box(tip) : null, link: box(link),
    view: {width: document.documentElement.clientWidth, height: window.innerHeight},
    focused: document.activeElement === link,
    colors: style ? [style.color, style.backgroundColor] : null,
  };
}
"""

#: The entry of the term ``id`` on the glossary page: its terms, and its first paragraph.
ENTRY_JS = """
(id) => {
  const dt = document.getElementById(id);
  if (!dt || dt.tagName !== 'DT') return null;
  let dd = dt.nextElementSibling;
  while (dd && dd.tagName !== 'DD') dd = dd.nextElementSibling;
  const p = dd && dd.querySelector('p');
  const clean = (el) => { const c = el.cloneNode(true); c.querySelectorAll('.headerlink').forEach((a) => a.remove());
    return c.textContent.replace(/\\s+/g, ' ').trim(); };
  return {term: clean(dt), text: p ? clean(p) : null};
}
"""

#: Put a focusable mark just before the link and focus it: the next Tab goes to the link, as a
#: reader's Tab through the paragraph would.
FOCUS_BEFORE_JS = """
(link) => {
  const mark = document.createElement('span');
  mark.tabIndex = -1;
  link.before(mark);
  mark.focus();
}
"""


@dataclass
class Result:
    failures: list[tuple[str, str]] = field(default_factory=list)  # (mode, what)
    passed: list[tuple[str, str]] = field(default_factory=list)  # (mode, what was seen)
    screenshots: list[str] = field(default_factory=list)
    page: str = ""
    term: str = ""

    def check(self, mode: str, ok: bool, what: str, why: str = "") -> bool:
        if ok:
            self.passed.append((mode, what))
        else:
            self.failures.append((mode, f"{what}: {why}" if why else what))
        return ok


def norm(text: str) -> str:
    return " ".join(text.split())


def term_page(root: Path) -> str | None:
    """:data:`PAGE` if it links a glossary term, else the first page that does."""
    pages = site_pages(root)
    for page in [PAGE, *pages] if PAGE in pages else pages:
        if "std-term" in (root / page).read_text(encoding="utf-8", errors="replace"):
            return page
    return None


def run(root: Path, artifacts: Path, chromium: str, axe_path: Path, base: str | None = None) -> Result:
    """Check the tooltips of the site at ``root`` in every mode; ``base``: where it is served
    (served here if None)."""
    artifacts.mkdir(parents=True, exist_ok=True)
    result = Result()
    page_name = term_page(root)
    if page_name is None:
        result.check("site", False, "no page links a glossary term")
        return result
    result.page = page_name
    if base is None:
        with served(root) as (_, served_base, _):
            return _run(root, artifacts, chromium, axe_path, served_base, result)
    return _run(root, artifacts, chromium, axe_path, base, result)


def _run(root: Path, artifacts: Path, chromium: str, axe_path: Path, base: str, result: Result) -> Result:
    with headless_chromium(chromium) as browser:
        for name, dark, viewport, http in MODES:
            site = base if http else root.as_uri() + "/"
            context = new_context(browser, viewport, dark)
            errors: list[str] = []
            allow_only(context, (site,), lambda url, errors=errors: errors.append(f"blocked request: {url}"))
            page = context.new_page()
            page.on("pageerror", lambda exc, errors=errors: errors.append(f"page error: {exc}"))
            page.on(
                "console",
                lambda msg, errors=errors: (
                    errors.append(f"console: {msg.text}") if msg.type == "error" else None
                ),
            )
            try:
                check_mode(page, result, name, urljoin(site, result.page), viewport, artifacts, axe_path)
            except Exception as exc:  # a step that did not finish fails the mode, the others go on
                first_line = (str(exc).strip().splitlines() or [""])[0]
                result.check(name, False, "the check stopped", f"{type(exc).__name__}: {first_line[:300]}")
            for error in dict.fromkeys(errors):
                result.check(name, False, "the page reported an error", error[:300])
            context.close()
    return result


def check_mode(
    page, result: Result, mode: str, url: str, viewport: dict, artifacts: Path, axe_path: Path
) -> None:
    page.goto(url, wait_until="load", timeout=60_000)
    page.wait_for_load_state("networkidle", timeout=10_000)
    links = page.locator(TERM_LINK)
    if not result.check(mode, links.count() > 0, "the page has a term link", f"no {TERM_LINK} on {url}"):
        return
    link = links.first
    link.scroll_into_view_if_needed()
    href = link.evaluate("a => a.href")
    term_id = urlsplit(href).fragment
    entry = glossary_entry(page.context, href, term_id)
    if not result.check(mode, entry is not None and bool(entry["text"]), "the glossary has the entry", href):
        return
    result.term = entry["term"]
    expected = norm(entry["text"])

    def tip() -> dict:
        return page.evaluate(TIP_JS, link.element_handle())

    def wait(shown: bool) -> dict:
        """What the tooltip shows once it shows (or, ``shown`` False, once none shows), or after WAIT_MS."""
        for _ in range(WAIT_MS // 50):
            got = tip()
            if got["visible"] if shown else got["anyShown"] == 0:
                return got
            page.wait_for_timeout(50)
        return tip()

    def shows_definition(got: dict, how: str) -> bool:
        if not result.check(
            mode, got["described"], f"{how}: the link names a role=tooltip element (aria-describedby)"
        ):
            return False
        if not result.check(mode, got["visible"], f"{how}: the tooltip shows"):
            return False
        text = norm(got["text"])
        ok = expected in text and norm(entry["term"]).split(" ")[0] in text
        result.check(
            mode,
            ok,
            f"{how}: the tooltip holds the term and its definition",
            f"shows {text[:160]!r}, expected {expected[:120]!r}",
        )
        box, view, own = got["tip"], got["view"], got["link"]
        inside = (
            box["left"] >= 0
            and box["right"] <= view["width"] + 0.5
            and box["top"] >= 0
            and box["bottom"] <= view["height"] + 0.5
        )
        result.check(mode, inside, f"{how}: the tooltip fits the viewport", f"{box} in {view}")
        apart = box["top"] >= own["bottom"] - 0.5 or box["bottom"] <= own["top"] + 0.5
        result.check(mode, apart, f"{how}: the tooltip leaves the link visible", f"tooltip {box}, link {own}")
        return ok

    # -- keyboard: Tab onto the link; Escape; away and back; away
    page.evaluate(FOCUS_BEFORE_JS, link.element_handle())
    page.keyboard.press("Tab")
    got = wait(True)
    if result.check(mode, got["focused"], "Tab focuses the link") and shows_definition(got, "keyboard focus"):
        shot = artifacts / f"glossary-tip-{mode}.png"
        page.screenshot(path=str(shot))
        result.screenshots.append(shot.name)
        # Not from file://: axe reads the style sheets with XMLHttpRequest, which Chromium refuses
        # there (console errors of axe's, not of the page's); the http modes run it on the same page.
        if url.startswith("http"):
            violations = [v for v in axe_violations(page, axe_path) if v["impact"] in AXE_FAIL_IMPACTS]
            result.check(
                mode,
                not violations,
                "axe: nothing serious or critical with the tooltip shown",
                "; ".join(
                    f"{v['impact']} {v['id']} x{v['count']}: {', '.join(v['nodes'])}" for v in violations
                ),
            )
        result.passed.append((mode, f"tooltip colours (text, background): {got['colors']}"))
        page.keyboard.press("Escape")
        got = wait(False)
        result.check(mode, got["anyShown"] == 0, "Escape hides the tooltip", f"{got['anyShown']} still shown")
        result.check(mode, got["focused"], "the focus stays on the link after Escape")
        page.keyboard.press("Tab")
        page.keyboard.press("Shift+Tab")
        got = wait(True)
        result.check(mode, got["focused"] and got["visible"], "Tab away and Shift+Tab back show it again")
        page.keyboard.press("Tab")
        got = wait(False)
        result.check(mode, got["anyShown"] == 0, "the tooltip hides when the focus leaves the link")

    if viewport is NARROW:
        # A tap follows the link; it opens no tooltip on the way.
        link.scroll_into_view_if_needed()
        link.tap()
        follows_link(page, result, mode, href, "a tap")
        return

    # -- mouse: hover; onto the tooltip and rest; away; hover again and Escape; click
    box = link.bounding_box()
    cx, cy = box["x"] + min(box["width"] / 2, 20), box["y"] + box["height"] / 2
    away = (viewport["width"] - 4, viewport["height"] - 4)
    page.mouse.move(cx, cy, steps=4)
    got = wait(True)
    if shows_definition(got, "mouse hover"):
        t = got["tip"]
        # Straight across the gap into the tooltip, then to its middle, and rest there.
        page.mouse.move(cx, t["top"] + 6 if t["top"] >= cy else t["bottom"] - 6, steps=8)
        page.mouse.move((t["left"] + t["right"]) / 2, (t["top"] + t["bottom"]) / 2, steps=4)
        page.wait_for_timeout(REST_MS)
        result.check(
            mode, tip()["visible"], "the tooltip stays while the pointer rests on it (hoverable, persistent)"
        )
        page.mouse.move(*away, steps=4)
        got = wait(False)
        result.check(mode, got["anyShown"] == 0, "the tooltip hides when the pointer leaves it")
        page.mouse.move(cx, cy, steps=4)
        got = wait(True)
        result.check(mode, got["visible"], "the next hover shows it again")
        page.keyboard.press("Escape")
        got = wait(False)
        result.check(
            mode, got["anyShown"] == 0, "Escape hides the hovered tooltip", f"{got['anyShown']} still shown"
        )
        page.mouse.move(cx + 2, cy, steps=2)  # the pointer still on the link: it stays dismissed
        page.wait_for_timeout(REST_MS // 2)
        result.check(mode, tip()["anyShown"] == 0, "it stays hidden while the pointer stays on the link")
        page.mouse.move(*away, steps=4)
    link.click()
    follows_link(page, result, mode, href, "a click")


def glossary_entry(context, href: str, term_id: str) -> dict | None:
    """The term and first paragraph of ``term_id`` on the glossary page, read in a page of its own."""
    page = context.new_page()
    try:
        page.goto(href, wait_until="load", timeout=60_000)
        return page.evaluate(ENTRY_JS, term_id)
    finally:
        page.close()


def follows_link(page, result: Result, mode: str, href: str, how: str) -> None:
    try:
        page.wait_for_url(href, timeout=10_000)
    except Exception:
        pass
    result.check(
        mode, page.url == href, f"{how} on the link leads to the glossary", f"at {page.url}, expected {href}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_site_argument(parser)
    add_artifacts_option(parser)
    add_chromium_option(parser)
    add_axe_option(parser)
    args = parser.parse_args(argv)
    root = args.site.resolve()
    if not (root / "index.html").is_file():
        print(f"glossary_check: error: {args.site} has no index.html; build the site first", file=sys.stderr)
        return 2
    result = run(root, args.artifacts, args.chromium, args.axe)
    print_result(result, args.artifacts)
    return 1 if result.failures else 0


def print_result(result: Result, artifacts: Path) -> None:
    for mode, what in result.passed:
        print(f"ok   {mode}: {what}")
    for mode, what in result.failures:
        print(f"FAIL {mode}: {what}")
    print(
        f"glossary check: {result.page or 'no page'}, term {result.term!r}, {len(MODES)} modes: "
        f"{len(result.passed)} checks passed, {len(result.failures)} failed; "
        f"screenshots {', '.join(result.screenshots) or 'none'} in {artifacts}"
    )


if __name__ == "__main__":
    sys.exit(main())
