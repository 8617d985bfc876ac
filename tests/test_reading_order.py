"""The site extension that sends the landing page's "next" link to the data page (docs/_ext/reading_order.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from types import SimpleNamespace

from docutils import nodes

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs" / "_ext"))
from reading_order import FIRST_PAGE, next_is_the_story


def _app(titles: dict[str, str]) -> SimpleNamespace:
    return SimpleNamespace(
        config=SimpleNamespace(root_doc="index"),
        env=SimpleNamespace(titles={name: nodes.title(text=text) for name, text in titles.items()}),
    )


def _context() -> dict:
    return {"next": {"link": "install.html", "title": "Install"}, "pathto": lambda name: f"{name}.html"}


def test_the_landing_page_leads_to_the_data_page() -> None:
    context = _context()
    next_is_the_story(_app({FIRST_PAGE: "The data: pictures of lines"}), "index", "page.html", context, None)
    assert context["next"] == {"link": f"{FIRST_PAGE}.html", "title": "The data: pictures of lines"}


def test_other_pages_keep_their_next_link() -> None:
    context = _context()
    next_is_the_story(_app({FIRST_PAGE: "The data"}), "install", "page.html", context, None)
    assert context["next"]["link"] == "install.html"


def test_without_the_data_page_the_link_is_left_alone() -> None:
    # A build of the docs without the gallery (no such page) keeps Sphinx's link.
    context = _context()
    next_is_the_story(_app({}), "index", "page.html", context, None)
    assert context["next"]["link"] == "install.html"
