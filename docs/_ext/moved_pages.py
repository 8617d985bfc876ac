"""Pages that moved keep their old address: a small page there sends the reader on.

The dead-kernels and second-layer pages left the article path for the side
trips (the story does not need them, and the learner read them as side
trips). Links to their old addresses, from outside the site or from a reader's
bookmarks, should not end on "not found": each old address gets a page that
names the new one and links to it (with a canonical link for search engines).
It does not forward the browser by itself: a page that navigates away as it
loads is one a reader cannot read, nor the site's checks inspect. It is plain
HTML, with no script, so it works offline and from ``file://``.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from typing import Any

#: Old page name -> new page name (Sphinx document names, without ``.html``).
MOVED = {
    "auto_examples/article/plot_07_dead_kernels": "auto_examples/side_trips/plot_01_dead_kernels",
    "auto_examples/article/plot_08_second_layer": "auto_examples/side_trips/plot_02_second_layer",
}

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="canonical" href="{href}">
<title>Moved: {title}</title>
</head>
<body>
<main>
<h1>This page has moved</h1>
<p>It is now <a href="{href}">{title}</a>.</p>
</main>
</body>
</html>
"""


def moved_page(old: str, new: str, title: str) -> str:
    """The HTML left at ``old``: a link to ``new`` (relative, so that it works from any host)."""
    href = os.path.relpath(f"{new}.html", start=os.path.dirname(old) or ".").replace(os.sep, "/")
    return PAGE.format(href=html.escape(href, quote=True), title=html.escape(title))


def write_moved_pages(app: Any, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for old, new in MOVED.items():
        if new not in app.env.titles:
            continue  # a partial build without the page
        target = Path(app.outdir) / f"{old}.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(moved_page(old, new, app.env.titles[new].astext()), encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.connect("build-finished", write_moved_pages)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
