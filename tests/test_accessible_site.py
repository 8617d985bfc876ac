"""The site extension that repairs HTML the tools write (docs/_ext/accessible_site.py)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pytest.importorskip("bs4", reason="the extension edits HTML with BeautifulSoup")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs" / "_ext"))
from accessible_site import list_citations, nest_module_lists


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


def test_citation_entries_become_list_items():
    body = (
        '<div role="list" class="citation-list">'
        '<div class="citation" id="a" role="doc-biblioentry">A</div>'
        '<div class="citation" id="b" role="doc-biblioentry">B</div></div>'
    )
    fixed = list_citations(body)
    assert fixed.count('role="listitem"') == 2
    assert "doc-biblioentry" not in fixed
    # A page without a citation list is left exactly as it was.
    other = '<p role="doc-biblioentry">x</p>'
    assert list_citations(other) == other
