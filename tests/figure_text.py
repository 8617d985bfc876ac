"""The text of a drawn figure, measured: its size, its box, whether it is clipped or overlaps.

These helpers check figures; the library never calls them, so they live
here, beside the tests that are their main users, and not in
``cnnexplain.viz``. They stay in ``tests/`` rather than ``tools/`` for two
reasons: the source distribution ships ``tests/`` (pyproject.toml) and not
``tools/``, so the tests that import them run from it too; and their other
user, ``tools/readability_check.py --figure-text``, runs the gallery's
examples in a separate interpreter from a checkout, where ``tests/`` is
always present (it puts this folder on that interpreter's path). The site's
build is a third user: its scrapers record the smallest text of each
animation beside its frames (docs/_ext/frame_text.py; docs/conf.py puts this
folder on the build's path), for ``tools/site_check.py``'s check at a
phone's width.

pytest finds this module through ``pythonpath = ["tests"]`` (pyproject.toml):
``--import-mode=importlib`` puts no test folder on ``sys.path`` by itself.
"""

from __future__ import annotations

from typing import Any

from matplotlib.figure import FigureBase


def text_sizes(fig: FigureBase) -> list[dict[str, Any]]:
    """Draw ``fig`` and return every text it draws, with its size and its box in pixels.

    Each item is ``{"text": str, "px": float, "box": (x0, y0, x1, y1),
    "clipped": bool}``: ``px`` is the font size at the figure's natural size
    (points x dpi / 72), ``box`` the text's extent in display pixels, and
    ``clipped`` says that the text sticks out of the figure by more than a
    pixel. Only what is drawn counts: hidden axes, ticks out of view and
    empty strings do not.
    """
    figure = fig.figure
    renderer = figure.canvas.get_renderer()
    bounds = figure.bbox.padded(1.0)
    found: dict[int, dict[str, Any]] = {}  # by Text object: a text of several lines is drawn line by line
    draw_text = renderer.draw_text

    def record(gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if s.strip() and mtext is not None and id(mtext) not in found:
            box = mtext.get_window_extent(renderer)
            inside = (
                bounds.x0 <= box.x0 and box.x1 <= bounds.x1 and bounds.y0 <= box.y0 and box.y1 <= bounds.y1
            )
            found[id(mtext)] = {
                "text": mtext.get_text(),
                "px": renderer.points_to_pixels(prop.get_size_in_points()),
                "box": tuple(float(v) for v in box.extents),
                "clipped": not inside,
            }
        return draw_text(gc, x, y, s, prop, angle, ismath=ismath, mtext=mtext)

    renderer.draw_text = record  # this renderer only, for one drawing
    try:
        figure.draw(renderer)
    finally:
        del renderer.draw_text
    return list(found.values())


def overlapping_texts(texts: list[dict[str, Any]], *, tolerance: float = 1.0) -> list[tuple[str, str]]:
    """The pairs of :func:`text_sizes` items whose boxes overlap by more than ``tolerance`` pixels."""
    pairs = []
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            (ax0, ay0, ax1, ay1), (bx0, by0, bx1, by1) = a["box"], b["box"]
            if min(ax1, bx1) - max(ax0, bx0) > tolerance and min(ay1, by1) - max(ay0, by0) > tolerance:
                pairs.append((a["text"], b["text"]))
    return pairs
