"""The site extension that repairs HTML the tools write (docs/_ext/accessible_site.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("bs4", reason="the extension edits HTML with BeautifulSoup")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs" / "_ext"))
from accessible_site import nest_module_lists


def test_a_package_s_module_list_moves_into_the_package_s_item():
    # What Sphinx's viewcode writes for a package whose modules have source pages.
    body = (
        '<ul><li><a href="m.html">m</a></li>\n'
        '<li><a href="p.html">p</a></li>\n'
        '<ul><li><a href="p/a.html">p.a</a></li>\n<li><a href="p/b.html">p.b</a></li>\n</ul>'
        '<li><a href="q.html">q</a></li>\n</ul>'
    )
    fixed = nest_module_lists(body)
    assert '<a href="p.html">p</a><ul><li><a href="p/a.html">p.a</a></li>' in fixed
    assert "</ul></li>" in fixed
    assert "</li>\n<ul>" not in fixed and "</li><ul>" not in fixed


def test_deeper_packages_nest_and_proper_lists_are_left_alone():
    deep = "<ul><li>a</li><ul><li>a.b</li><ul><li>a.b.c</li></ul></ul><li>d</li></ul>"
    assert (
        nest_module_lists(deep) == "<ul><li>a<ul><li>a.b<ul><li>a.b.c</li></ul></li></ul></li><li>d</li></ul>"
    )
    proper = "<ul><li>a<ul><li>a.b</li></ul></li><li>d</li></ul>"
    assert nest_module_lists(proper) == proper
