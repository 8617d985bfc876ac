"""docs/_ext/moved_pages.py: an old address names and links to the page's new one."""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs" / "_ext"))
from moved_pages import MOVED, moved_page


def test_the_link_is_relative_to_the_old_address() -> None:
    page = moved_page(
        "auto_examples/article/plot_07_dead_kernels", "auto_examples/side_trips/plot_01_dead_kernels", "Dead"
    )
    href = "../side_trips/plot_01_dead_kernels.html"
    assert f'<link rel="canonical" href="{href}">' in page
    assert "http-equiv" not in page  # no forwarding on load: the reader (and the site check) reads the page
    assert f'<a href="{href}">Dead</a>' in page
    assert '<html lang="en">' in page


def test_titles_are_escaped() -> None:
    page = moved_page("a/old", "b/new", 'Kernels <script>alert("x")</script>')
    assert "<script>" not in page
    assert "&lt;script&gt;" in page


def test_every_move_leaves_the_gallery_folder_it_came_from() -> None:
    # A page that "moved" to its own address would forward to itself forever.
    for old, new in MOVED.items():
        assert old != new
        assert re.fullmatch(r"auto_examples/\w+/plot_\w+", old) and re.fullmatch(
            r"auto_examples/\w+/plot_\w+", new
        )
