"""Count the words of visible prose on the built pages of a gallery section.

The article path has a length budget (issue 22: at most 6,000 words of
visible prose). This counts what a reader reads: the text of each page's
article body, without code blocks, printed output, the box of checked
claims, captions of the download links, or the page's navigation. The
evidence blocks (``docs/_ext/evidence.py``) are closed until the reader opens
one: their titles count as visible prose, their bodies are counted apart, in
the column "evidence".

Usage::

    python tools/prose_words.py docs/_build/html            # the article path
    python tools/prose_words.py docs/_build/html --section why_edges
"""

from __future__ import annotations

import argparse
import sys
from html.parser import HTMLParser
from pathlib import Path

#: Classes of elements whose text is not prose: code, output, the claims box,
#: the download and timing footers, and figure captions' link lists.
SKIPPED_CLASSES = (
    "highlight",
    "sphx-glr-script-out",
    "checked-claims",
    "checked-claims-fold",
    "sphx-glr-footer",
    "sphx-glr-download",
    "sphx-glr-timing",
    "sphx-glr-signature",
    "headerlink",
)
SKIPPED_TAGS = {"pre", "script", "style", "nav"}


#: HTML's void elements: they have no end tag, so they open nothing.
VOID_TAGS = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


#: The class of a closed evidence block (``<details class="evidence">``).
EVIDENCE_CLASS = "evidence"


class _ProseCounter(HTMLParser):
    """Counts the words inside <article>, outside skipped elements, and apart those in closed evidence."""

    def __init__(self) -> None:
        super().__init__()
        self.words = 0
        self.evidence_words = 0
        self.has_article = False
        self._in_article = 0
        self._skip_depth = 0  # > 0 while inside a skipped element (counts the tags nested in it)
        self._evidence_depth = 0  # > 0 inside an evidence block, counted like _skip_depth
        self._summary_depth = 0  # > 0 inside an evidence block's title, which stays visible

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_TAGS:
            return
        classes = (dict(attrs).get("class") or "").split()
        if tag == "article":
            self._in_article += 1
            self.has_article = True
        if self._evidence_depth:
            self._evidence_depth += 1
            if self._summary_depth or (tag == "summary" and self._evidence_depth == 2):
                self._summary_depth += 1
        elif tag == "details" and EVIDENCE_CLASS in classes:
            self._evidence_depth = 1
        if self._skip_depth:
            self._skip_depth += 1
        elif tag in SKIPPED_TAGS or any(name in classes for name in SKIPPED_CLASSES):
            self._skip_depth = 1

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_TAGS:
            return
        if self._skip_depth:
            self._skip_depth -= 1
        if self._summary_depth:
            self._summary_depth -= 1
        if self._evidence_depth:
            self._evidence_depth -= 1
        if tag == "article":
            self._in_article -= 1

    def handle_data(self, data: str) -> None:
        if not self._in_article or self._skip_depth:
            return
        if self._evidence_depth and not self._summary_depth:
            self.evidence_words += len(data.split())
        else:
            self.words += len(data.split())


def count_words(html: str) -> tuple[int, int] | None:
    """Return the words of one built page: visible prose, and prose in closed evidence blocks.

    ``None`` for a page without an article body (a stray page left in the
    section's folder, such as a forwarding page), which is not prose to count.
    """
    counter = _ProseCounter()
    counter.feed(html)
    return (counter.words, counter.evidence_words) if counter.has_article else None


def prose_words(html: str) -> int:
    """Return the number of words of visible prose in one built page."""
    return (count_words(html) or (0, 0))[0]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", type=Path, help="the built site (docs/_build/html)")
    parser.add_argument("--section", default="article", help="the gallery section (default: article)")
    args = parser.parse_args(argv)
    pages = sorted((args.site / "auto_examples" / args.section).glob("plot_*.html"))
    if not pages:
        print(
            f"prose_words: error: no pages in {args.site / 'auto_examples' / args.section}", file=sys.stderr
        )
        return 2
    totals = [0, 0]
    print(f"{'page':40s} {'visible':>8s} {'evidence':>9s}")
    for page in pages:
        counted = count_words(page.read_text(encoding="utf-8"))
        if counted is None:
            continue  # no article body: not a page of the story
        visible, evidence = counted
        totals[0] += visible
        totals[1] += evidence
        print(f"{page.name:40s} {visible:8d} {evidence:9d}")
    print(f"{'total':40s} {totals[0]:8d} {totals[1]:9d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
