"""The definitions behind the glossary's tooltips (docs/_ext/glossary_tips.py).

The extension takes the first paragraph of each glossary entry as plain text
and writes them to ``_static/glossary_terms.js``. Here: math and markup as
text, on docutils trees; a small Sphinx project built with the extension (the
file, its scripts on the page, the ids the links use); and the site's own
docs/glossary.rst, every entry of which must get its definition.
tools/glossary_check.py checks the tooltips themselves in Chromium.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from docutils import nodes
from docutils.core import publish_doctree

pytest.importorskip("sphinx", reason="the extension is a Sphinx extension")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "docs" / "_ext"))
from glossary_tips import DATA_FILE, GLOBAL, flatten_math, plain_text, script

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\mathrm{relu}(x) = \max(x, 0)", "relu(x) = max(x, 0)"),
        (r"\frac{1}{\sqrt{49}}", "1/√49"),
        (r"\frac{a + b}{2}", "(a + b)/2"),
        (r"D v = \lambda v", "D v = λ v"),
        (r"w^\top C(x) w", "wᵀ C(x) w"),
        (r"x^2 + 10^{-3}", "x² + 10⁻³"),
        (r"e^{z_i}", "e^z_i"),
        (r"\sum_{a, b} w_{a,b} \cdot x", "∑_(a, b) w_(a,b) · x"),
        (r"\left( p \right)\, \le\ 1", "( p ) ≤ 1"),
        (r"\text{loss} \approx 0.69", "loss ≈ 0.69"),
    ],
)
def test_math_reads_as_a_line_of_text(latex, text):
    assert flatten_math(latex) == text


def _paragraph(rst: str) -> nodes.paragraph:
    doctree = publish_doctree(rst, settings_overrides={"report_level": 5})
    return next(iter(doctree.findall(nodes.paragraph)))


def test_markup_becomes_the_text_a_reader_sees():
    paragraph = _paragraph(
        "A *small* grid of ``weights``, see `the docs <https://example.org>`_ and\n"
        "the :math:`\\lambda` of |name|, twice [#]_.\n\n"
        ".. |name| replace:: **D**\n\n"
        ".. [#] A footnote.\n"
    )
    assert plain_text(paragraph) == "A small grid of weights, see the docs and the λ of D, twice ."


def test_lines_and_spaces_are_one_line():
    paragraph = _paragraph("One\nline,   with ``code\nacross`` lines.\n")
    assert plain_text(paragraph) == "One line, with code across lines."


def test_the_file_is_one_assignment_and_the_same_for_the_same_entries():
    entries = [{"terms": ["kernel", "filter"], "ids": ["term-kernel", "term-filter"], "text": "A “grid”."}]
    text = script(entries)
    assert text == script([dict(reversed(entries[0].items()))])  # keys sorted
    assert _data(text) == {"entries": entries}
    assert "“grid”" in text  # as UTF-8, not escaped


def _data(text: str) -> dict:
    match = re.search(rf"^window\.{GLOBAL} = (.*);$", text, re.MULTILINE)
    assert match, text
    return json.loads(match[1])


# -- a small site built with the extension ----------------------------------------------------
CONF = f"""
import sys
sys.path.insert(0, {str(ROOT / "docs" / "_ext")!r})
extensions = ["glossary_tips"]
project = "t"
html_static_path = [{str(ROOT / "docs" / "_static")!r}]  # the script and its style, as the site's conf.py has
"""

GLOSSARY = r"""
Glossary
========

.. glossary::

   kernel
   filter
      A small grid of weights; see :term:`channel` and :doc:`index`. It computes
      :math:`\mathrm{relu}(x) = \max(x, 0)` on ``conv1``, |n| times.

      A second paragraph, which the tooltip leaves out.

   channel
      One picture of a layer's *output*.

.. |n| replace:: 8
"""

INDEX = """
Home page
=========

A :term:`kernel` and the :term:`filters <filter>`.

.. toctree::

   glossary
"""


def _build(tmp_path: Path, pages: dict[str, str], *, warnings_fail: bool = True) -> Path:
    from sphinx.cmd.build import build_main

    src, out = tmp_path / "src", tmp_path / "out"
    src.mkdir(exist_ok=True)
    (src / "conf.py").write_text(CONF, encoding="utf-8")
    for name, text in pages.items():
        (src / f"{name}.rst").write_text(text, encoding="utf-8")
    args = ["-b", "html", "-q", "-d", str(tmp_path / "doctrees"), str(src), str(out)]
    assert build_main(["-W", *args] if warnings_fail else args) == 0
    return out


def test_a_built_site_gets_the_first_paragraphs_as_text(tmp_path):
    out = _build(tmp_path, {"index": INDEX, "glossary": GLOSSARY})
    data = _data((out / "_static" / DATA_FILE).read_text(encoding="utf-8"))
    assert data["entries"] == [
        {
            "terms": ["kernel", "filter"],
            "ids": ["term-kernel", "term-filter"],
            # the :term: and :doc: links as their text (the page's title), math as text, the
            # substitution's value; not the second paragraph
            "text": "A small grid of weights; see channel and Home page. It computes "
            "relu(x) = max(x, 0) on conv1, 8 times.",
        },
        {"terms": ["channel"], "ids": ["term-channel"], "text": "One picture of a layer’s output."},
    ]
    page = (out / "index.html").read_text(encoding="utf-8")
    # The links point at the ids of the file, and the page loads the definitions before the script.
    assert 'href="glossary.html#term-kernel"' in page and 'href="glossary.html#term-filter"' in page
    scripts = re.findall(r'<script[^>]*src="_static/(glossary_\w+\.js)', page)
    assert scripts == ["glossary_terms.js", "glossary_tips.js"]
    assert 'href="_static/glossary_tips.css' in page
    assert (out / "_static" / "glossary_tips.js").is_file() and (
        out / "_static" / "glossary_tips.css"
    ).is_file()


def test_a_site_without_a_glossary_gets_an_empty_file(tmp_path):
    out = _build(tmp_path, {"index": "Home\n====\n\nNo words to explain.\n"})
    assert _data((out / "_static" / DATA_FILE).read_text(encoding="utf-8")) == {"entries": []}


def test_a_rebuild_follows_the_glossary(tmp_path):
    _build(tmp_path, {"index": INDEX, "glossary": GLOSSARY})
    out = _build(tmp_path, {"index": INDEX, "glossary": GLOSSARY.replace("One picture", "One map")})
    texts = [e["text"] for e in _data((out / "_static" / DATA_FILE).read_text(encoding="utf-8"))["entries"]]
    assert texts[1] == "One map of a layer’s output."


# -- the site's glossary ----------------------------------------------------------------------
SITE_GLOSSARY = ROOT / "docs" / "glossary.rst"


def source_entries(text: str) -> list[list[str]]:
    """The term lines of each entry of the ``glossary`` directive of ``text``, as written."""
    body = text.split(".. glossary::", 1)[1]
    entries: list[list[str]] = []
    previous_was_term = False
    for line in body.splitlines():
        if re.match(r"^   \S", line) and not line.strip().startswith(":"):
            if not previous_was_term:
                entries.append([])
            entries[-1].append(line.strip())
            previous_was_term = True
        elif line.strip():
            previous_was_term = False
    return entries


def test_every_entry_of_the_site_s_glossary_gets_its_first_paragraph(tmp_path):
    text = SITE_GLOSSARY.read_text(encoding="utf-8")
    # What the test's Sphinx lacks: the glued numbers (checked_claims) and the citations (bibtex).
    text = re.sub(r"\|[\w./-]+:\w+\|", "42", text)
    text = re.sub(r":cite:[a-z]+:`([^`]+)`", r"(\1)", text)
    expected = source_entries(text)
    assert len(expected) > 50  # the parser found the glossary
    # Links to gallery pages and the API do not resolve in this small site: warnings, not errors.
    out = _build(
        tmp_path, {"index": INDEX.replace("A :term:`kernel`", "A"), "glossary": text}, warnings_fail=False
    )
    data = _data((out / "_static" / DATA_FILE).read_text(encoding="utf-8"))
    assert sorted(e["terms"] for e in data["entries"]) == sorted(expected)
    for entry in data["entries"]:
        assert len(entry["ids"]) == len(entry["terms"]) and all(i.startswith("term-") for i in entry["ids"])
        assert len(entry["text"].split()) >= 8, entry
        assert not re.search(r"`|:term:|:doc:|\|", entry["text"]), entry  # no markup left
    kernel = next(e for e in data["entries"] if "kernel" in e["terms"])
    assert kernel["text"].startswith("The small grid of weights a convolutional layer slides over its input.")
    assert "conv1" in kernel["text"] and "channel it reads" in kernel["text"]
    flatten = next(e for e in data["entries"] if e["terms"] == ["flatten"])
    assert "become 42 numbers" in flatten["text"]
