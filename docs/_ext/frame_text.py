"""Record, where the site shows an animation, how large its smallest text is.

``tools/site_check.py`` checks at a phone's width (390 px) that every
animation's smallest text shows at least 9 CSS px high. The browser sees
only pictures; the size of their text is known while the site is built,
when the example's figures are still open. The scrapers measure it (with
``tests/figure_text.py``, the measure of the tests and of
``tools/readability_check.py``) and write it beside the frames:

- a jshtml player (:class:`accessible_site.MatplotlibScraper`):
  ``data-text-px`` and ``data-width-px`` on its ``<div class="animation">``;
- an animated GIF (:class:`gif_scraper.GifScraper`): a GIF comment
  ``text-px=12.50 width-px=460``, which stays in the file wherever a page
  shows it (the landing page shows the training page's GIF).

``text-px`` is the height of the figure's smallest text (font size x dpi /
72) and ``width-px`` the figure's width, both in pixels at the figure's dpi:
on screen the text is ``text-px x shown width / width-px`` CSS px high,
whatever dpi the frames were saved at.
"""

from __future__ import annotations

import re

from figure_text import text_sizes  # tests/figure_text.py: conf.py puts tests/ on the path
from matplotlib.backends.backend_agg import FigureCanvasAgg


def frame_text(fig) -> tuple[float, float] | None:
    """``(text_px, width_px)`` of ``fig`` as drawn now (None if it draws no text)."""
    if not hasattr(fig.figure.canvas, "get_renderer"):
        # pyplot leaves a closed figure a bare canvas, which cannot draw: the GIF scraper measures
        # the figure of an animation that an earlier block showed, and sphinx-gallery closed.
        FigureCanvasAgg(fig.figure)
    sizes = [item["px"] for item in text_sizes(fig)]
    if not sizes:
        return None
    return min(sizes), fig.figure.get_figwidth() * fig.figure.dpi


def describe(measure: tuple[float, float]) -> str:
    """``text-px=12.50 width-px=460``: the form of the GIF comment (tools/site_check.py reads it)."""
    text_px, width_px = measure
    return f"text-px={text_px:.2f} width-px={width_px:g}"


_PLAYER = re.compile(r'<div class="animation">')


def label_players(rst: str, measures: list[tuple[float, float] | None]) -> str:
    """Give the k-th jshtml player of ``rst`` the k-th measure as ``data-`` attributes.

    A player whose measure is None (a figure without text) keeps its plain ``div``.
    """
    found = iter(measures)

    def label(match: re.Match) -> str:
        measure = next(found, None)
        if measure is None:
            return match.group(0)
        return f'<div class="animation" data-text-px="{measure[0]:.2f}" data-width-px="{measure[1]:g}">'

    return _PLAYER.sub(label, rst)


def with_gif_comment(gif: bytes, comment: str) -> bytes:
    """The GIF ``gif`` with a comment extension before its first block, after the global colour table.

    The image data is untouched: the frames, their timing and the loop are the same bytes.
    """
    if gif[:6] not in (b"GIF87a", b"GIF89a"):
        raise ValueError("not a GIF file")
    flags = gif[10]  # of the logical screen descriptor, bytes 6 to 12
    table = 3 * 2 ** ((flags & 0x07) + 1) if flags & 0x80 else 0
    start = 13 + table
    data = comment.encode("ascii")
    blocks = b"".join(bytes([len(data[i : i + 255])]) + data[i : i + 255] for i in range(0, len(data), 255))
    # A comment is an extension of GIF89a: a GIF87a file becomes one.
    return b"GIF89a" + gif[6:start] + b"\x21\xfe" + blocks + b"\x00" + gif[start:]
