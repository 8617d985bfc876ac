"""Make the built site accessible, offline and reproducible where the tools are not.

Found by ``tools/site_check.py`` (axe-core in headless Chromium) and
``tools/repro_check.py``:

- matplotlib's jshtml animation player (``to_jshtml``, used by
  sphinx-gallery's ``matplotlib_animations``) loads Font Awesome 4 from
  maxcdn.bootstrapcdn.com (the theme already ships Font Awesome, which draws
  the player's icons), has a frame ``<img>`` without alt text and a slider
  without a label (both axe "critical"), and names its elements with a random
  ``uuid4`` -- different in every build. :class:`MatplotlibScraper` wraps
  sphinx-gallery's matplotlib scraper and fixes the player's HTML before it
  enters the generated reST, so the page, its ``_sources`` copy and every
  build agree.
- Each player carries the size of its frame's smallest text
  (``data-text-px``, ``data-width-px``: :mod:`frame_text`), which
  tools/site_check.py checks at a phone's width.
- The same player embeds every frame as a true-colour PNG. A frame of 256
  colours or fewer (the convolution and kernel animations' frames have a
  few dozen to a few hundred: flat colours, text drawn without
  anti-aliasing) is stored again as a palette PNG, with exactly the same
  pixels: :func:`palette_frames`. The Prewitt page's 60 frames go from 0.43
  to 0.28 MB of the page, under the 1.5 MB limit of a page with all it
  loads, which it had reached as the site's search index grew.
- sphinx-gallery zips the example downloads with the files' modification
  times, so every build writes different zip bytes for the same contents;
  :func:`_normalize_zips` rewrites them with a fixed timestamp.
- pydata-sphinx-theme's collapsible sidebar sections use a ``<summary>``
  holding only a chevron icon (axe "serious": summary-name). The
  ``html-page-context`` handler gives each such summary an ``aria-label``
  naming the section it opens.
- Sphinx's viewcode index (``_modules/index.html``) lists the modules of a
  package (``cnnexplain.study.ensemble``, ...) in a ``<ul>`` placed directly
  inside the outer ``<ul>``, after the package's ``<li>`` (axe "serious":
  list). :func:`nest_module_lists` moves each such list into the item
  before it, where HTML wants it.
- docutils writes a bibliography (the References page) as a
  ``<div role="list">`` whose entries carry the deprecated role
  ``doc-biblioentry`` (axe "critical": a list needs list items).
  :func:`list_citations` gives the entries the role ``listitem``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import re
import zipfile
from pathlib import Path

import numpy as np
from frame_text import frame_text, label_players
from matplotlib.animation import Animation
from PIL import Image
from sphinx_gallery.scrapers import matplotlib_scraper

_FA4_LINK = re.compile(
    r'<link rel="stylesheet"\s+href="https://maxcdn\.bootstrapcdn\.com/font-awesome/[^"]*">\s*'
)
_ANIM_ID = re.compile(r"_anim_img([0-9a-f]{32})")
_FRAME_IMG = re.compile(r'<img id="(_anim_img[0-9a-f]{32})">')
_SLIDER = re.compile(r'<input id="(_anim_slider[0-9a-f]{32})" type="range"')


def fix_jshtml(rst: str, key: str) -> str:
    """Make matplotlib jshtml players in ``rst`` offline, labelled and deterministic.

    ``key`` names the code block (file and line); each player's random id is
    replaced by a digest of the key and the player's position in the block.
    """
    if "_anim_img" not in rst:
        return rst
    rst = _FA4_LINK.sub("", rst)
    for i, old in enumerate(dict.fromkeys(_ANIM_ID.findall(rst))):
        new = hashlib.sha256(f"{key}:{i}".encode()).hexdigest()[:32]
        rst = rst.replace(old, new)
    rst = _FRAME_IMG.sub(
        r'<img id="\1" alt="Animation frame; step through the frames with the controls below">', rst
    )
    return _SLIDER.sub(r'<input id="\1" type="range" aria-label="Animation frame"', rst)


# matplotlib breaks the base64 into lines ending in a backslash (a JavaScript line continuation),
# indented in the reST: the frame is everything up to the closing quote.
_PNG_FRAME = re.compile(r'"data:image/png;base64,([A-Za-z0-9+/=\\\s]+)"')


def palette_png(data: bytes) -> bytes:
    """Return the PNG ``data`` as a palette PNG if it has 256 colours or fewer, with the same pixels.

    Otherwise, or if that is not smaller, ``data`` itself. Pillow writes the
    same bytes for the same pixels, so builds stay reproducible.
    """
    with Image.open(io.BytesIO(data)) as image:
        rgba = np.ascontiguousarray(np.asarray(image.convert("RGBA")))
    # One 32-bit number per pixel, so that finding the colours is a 1-D unique.
    colours, index = np.unique(rgba.view(np.uint32).ravel(), return_inverse=True)
    if len(colours) > 256:
        return data
    palette = colours.view(np.uint8).reshape(-1, 4)  # back to R, G, B, A rows, in the same order
    frame = Image.fromarray(index.reshape(rgba.shape[:2]).astype(np.uint8))
    frame.putpalette(palette[:, :3].ravel().tolist())  # makes it a "P" image
    options = {} if (palette[:, 3] == 255).all() else {"transparency": palette[:, 3].tobytes()}
    out = io.BytesIO()
    frame.save(out, format="PNG", optimize=True, **options)
    return out.getvalue() if out.tell() < len(data) else data


def palette_frames(rst: str) -> str:
    """Store every PNG embedded in ``rst`` (the frames of a jshtml player) as :func:`palette_png` does."""

    def smaller(match: re.Match) -> str:
        encoded = re.sub(r"[\\\s]", "", match.group(1))
        png = palette_png(base64.b64decode(encoded))
        return f'"data:image/png;base64,{base64.b64encode(png).decode("ascii")}"'

    return _PNG_FRAME.sub(smaller, rst)


class MatplotlibScraper:
    """sphinx-gallery's matplotlib scraper, with accessible, offline, reproducible animation players."""

    def __repr__(self) -> str:  # sphinx-gallery caches by repr
        return "accessible_site.MatplotlibScraper"

    def __call__(self, block, block_vars, gallery_conf, **kwargs):
        measures = animated_figure_text(block_vars)  # before the scraper closes the figures
        rst = matplotlib_scraper(block, block_vars, gallery_conf, **kwargs)
        key = f"{Path(block_vars['src_file']).name}:{block[2] if len(block) > 2 else ''}"
        return palette_frames(label_players(fix_jshtml(rst, key), measures))


def animated_figure_text(block_vars) -> list:
    """:func:`frame_text.frame_text` of each open figure that an animation of the example draws.

    In the order of the figures' numbers: sphinx-gallery's scraper writes their players in that order.
    """
    import matplotlib.pyplot as plt

    animated = {v._fig for v in block_vars["example_globals"].values() if isinstance(v, Animation)}
    figures = [plt.figure(number) for number in plt.get_fignums()]
    return [frame_text(fig) for fig in figures if fig in animated]


def _label_summaries(html: str) -> str:
    """Give every sidebar ``<summary>`` that holds no text an aria-label naming its section."""
    if "<summary" not in html:
        return html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for summary in soup.find_all("summary"):
        if summary.get_text(strip=True) or summary.get("aria-label"):
            continue
        details = summary.parent
        link = details.find_previous_sibling("a") if details is not None else None
        name = link.get_text(" ", strip=True) if link is not None else ""
        summary["aria-label"] = f"Pages of {name}" if name else "Show or hide the pages of this section"
    return str(soup)


def nest_module_lists(body: str) -> str:
    """Move every ``<ul>`` that sits directly in a ``<ul>`` into the list item before it.

    >>> nest_module_lists("<ul><li>a</li><ul><li>a.b</li><ul><li>a.b.c</li></ul></ul><li>d</li></ul>")
    '<ul><li>a<ul><li>a.b<ul><li>a.b.c</li></ul></li></ul></li><li>d</li></ul>'
    """
    if "<ul" not in body:
        return body
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(body, "html.parser")
    for sublist in soup.find_all("ul"):
        item = sublist.find_previous_sibling("li") if sublist.parent.name == "ul" else None
        if item is not None:
            item.append(sublist.extract())
    return str(soup)


def list_citations(body: str) -> str:
    """Give the entries of a citation list the role a list's children must have.

    >>> list_citations('<div role="list" class="citation-list"><div role="doc-biblioentry">A</div></div>')
    '<div role="list" class="citation-list"><div role="listitem">A</div></div>'
    """
    if 'class="citation-list"' not in body:
        return body
    return body.replace('role="doc-biblioentry"', 'role="listitem"')


def _list_citations(app, pagename, templatename, context, doctree) -> None:
    if "body" in context:
        context["body"] = list_citations(context["body"])


def _nest_viewcode_index(app, pagename, templatename, context, doctree) -> None:
    if pagename == "_modules/index" and "body" in context:
        context["body"] = nest_module_lists(context["body"])


def _wrap_toctree(app, pagename, templatename, context, doctree) -> None:
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "_accessible", False):
        return

    def generate_toctree_html(kind, *args, **kwargs):
        out = generate(kind, *args, **kwargs)
        # The theme returns a str or, when not cached, a BeautifulSoup; the template prints either.
        return _label_summaries(str(out)) if kind == "sidebar" else out

    generate_toctree_html._accessible = True
    context["generate_toctree_html"] = generate_toctree_html


def _normalize_zips(app, exception) -> None:
    """Rewrite the downloadable zips with fixed timestamps and permissions (same contents)."""
    if exception is not None or app.builder.format != "html":
        return
    for path in sorted(Path(app.outdir, "_downloads").glob("*/*.zip")):
        with zipfile.ZipFile(path) as zf:
            members = [(info.filename, zf.read(info)) for info in zf.infolist()]
        tmp = path.with_suffix(".zip.tmp")
        with zipfile.ZipFile(tmp, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for name, data in members:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, data)
        tmp.replace(path)


def setup(app):
    # After pydata-sphinx-theme has put its functions in the context (priority 500).
    app.connect("html-page-context", _wrap_toctree, priority=900)
    app.connect("html-page-context", _nest_viewcode_index)
    app.connect("html-page-context", _list_citations)
    app.connect("build-finished", _normalize_zips)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
