"""The downloads of a page that quotes glued values: the values, and a note on them.

docs/_ext/checked_claims.py fills the downloadable ``.py``, ``.ipynb`` and
``.zip`` of each example when the site's build ends. These tests run its
filling functions on tiny files, with a stand-in for the Sphinx application:
no site build.
"""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
from sphinx_gallery.py_source_parser import END_IGNORE_FLAG, START_IGNORE_FLAG

EXTENSION = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "checked_claims.py"
DOCNAME = "auto_examples/demo/plot_demo"
BASEURL = "https://example.org/a/site/whose/address/is/long/enough/to/need/a/line/of/its/own/"
NOTE = "About the numbers:"

SCRIPT = '''"""
Accuracy: |acc|
===============

The network gets |acc| of the images right.
"""

import numpy as np

accuracy = np.float64(0.996)

# sphinx_gallery_start_ignore
from cnnexplain.claims import check, glue

glue("acc", accuracy, "{:.1%}")
check("the accuracy is 99% or more", accuracy >= 0.99, measured=f"{accuracy:.1%}")
# sphinx_gallery_end_ignore

# %%
# That is |acc|.
'''


def notebook(*markdown: str) -> str:
    """A notebook as sphinx-gallery writes it: its first cell, then markdown and code cells."""
    code = {"cell_type": "code", "execution_count": None, "metadata": {"collapsed": False}, "outputs": []}
    cells = [{**code, "source": ["%matplotlib inline"]}]
    for text in markdown:
        cells += [{"cell_type": "markdown", "metadata": {}, "source": [text]}, {**code, "source": ["x = 1"]}]
    content = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 0}
    return json.dumps(content, indent=2)


@pytest.fixture(scope="module")
def extension():
    spec = importlib.util.spec_from_file_location("checked_claims_under_test", EXTENSION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def fake_app(srcdir: Path, claims: list[dict], values: dict | None = None) -> SimpleNamespace:
    """What the filling functions use of Sphinx's application, and the page's claims.json."""
    record = {"values": {"acc": "99.6%"} if values is None else values, "links": {}, "claims": claims}
    path = srcdir / f"{DOCNAME}.claims.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record), encoding="utf-8")
    return SimpleNamespace(
        srcdir=str(srcdir),
        config=SimpleNamespace(html_baseurl=BASEURL),
        builder=SimpleNamespace(get_target_uri=lambda docname: f"{docname}.html"),
    )


CLAIMS = [{"claim": "the accuracy is 99% or more", "measured": "99.6%", "holds": True}]


def test_a_script_gets_the_values_and_one_note_after_its_docstring(extension, tmp_path):
    app = fake_app(tmp_path, CLAIMS)
    filled = extension._fill_file(app, DOCNAME, ".py", SCRIPT)
    assert "|acc|" not in filled and filled.count("99.6%") == 3
    assert filled.count(NOTE) == 1
    tree = ast.parse(filled)  # still a script, its docstring still first
    docstring_end = tree.body[0].end_lineno
    after = filled.splitlines()[docstring_end:]
    assert after[0] == "" and after[1].startswith(f"# {NOTE}")
    note = " ".join(line.removeprefix("# ") for line in after[1:] if line.startswith("# "))
    assert f"{BASEURL}{DOCNAME}.html" in note
    assert "Checked when this page was built" in note and "CNNEXPLAIN_STRICT_CLAIMS=1" in note
    assert "sphinx_gallery_start_ignore" in note  # the checks are in this file
    # Lines of 79 characters at most, but for a long address alone on its line.
    assert all(len(line) <= 79 or " " not in line[2:] for line in after if line.startswith("#"))
    # The note quotes the markers, but no line of it is one for sphinx-gallery.
    markers = re.compile(f"{START_IGNORE_FLAG}|{END_IGNORE_FLAG}", re.MULTILINE)
    assert len(markers.findall(filled)) == len(markers.findall(SCRIPT)) == 2
    # A second build that meets the filled file leaves it as it is.
    assert extension._fill_file(app, DOCNAME, ".py", filled) == filled


def test_a_notebook_gets_a_note_cell_after_its_title(extension, tmp_path):
    app = fake_app(tmp_path, CLAIMS)
    text = notebook("\n# Accuracy: |acc|\n\nThe network gets |acc| right.", "That is |acc|.")
    filled = extension._fill_file(app, DOCNAME, ".ipynb", text)
    content = json.loads(filled)
    before = json.loads(text)
    assert (content["nbformat"], content["nbformat_minor"]) == (4, 0)
    cells = content["cells"]
    assert len(cells) == len(before["cells"]) + 1
    assert cells[1]["source"] == ["\n# Accuracy: 99.6%\n\nThe network gets 99.6% right."]
    note = cells[2]
    assert note == {"cell_type": "markdown", "metadata": {}, "source": [note["source"][0]]}
    assert note["source"][0].startswith(NOTE)
    assert "plot_demo.py" in note["source"][0] and "CNNEXPLAIN_STRICT_CLAIMS=1" in note["source"][0]
    assert sum(NOTE in "".join(cell["source"]) for cell in cells) == 1
    assert cells[3:] == [
        {**c, "source": [s.replace("|acc|", "99.6%") for s in c["source"]]} for c in before["cells"][2:]
    ]
    assert filled == json.dumps(content, indent=2)  # written as sphinx-gallery writes it
    assert extension._fill_file(app, DOCNAME, ".ipynb", filled) == filled


def test_a_page_without_checks_gets_the_first_sentence_only(extension, tmp_path):
    app = fake_app(tmp_path, claims=[])
    filled = extension._fill_file(app, DOCNAME, ".py", SCRIPT)
    assert NOTE in filled
    assert "Checked when this page was built" not in filled and "CNNEXPLAIN_STRICT_CLAIMS" not in filled


def test_a_file_that_quotes_no_glued_value_is_left_alone(extension, tmp_path):
    app = fake_app(tmp_path, CLAIMS, values={})
    assert extension._fill_file(app, DOCNAME, ".py", SCRIPT) == SCRIPT
    text = notebook("\n# Accuracy\n\nNo number here.")
    assert extension._fill_file(app, DOCNAME, ".ipynb", text) == text


def test_the_zip_of_a_page_gets_the_note_in_both_files(extension, tmp_path):
    app = fake_app(tmp_path, CLAIMS)
    path = tmp_path / "plot_demo.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("plot_demo.py", SCRIPT)
        zf.writestr("plot_demo.ipynb", notebook("\n# Accuracy: |acc|\n"))
    extension._fill_zip(app, path, Path(DOCNAME).parent)
    with zipfile.ZipFile(path) as zf:
        script, nb = zf.read("plot_demo.py").decode(), json.loads(zf.read("plot_demo.ipynb"))
    assert script.count(NOTE) == 1 and "|acc|" not in script
    assert nb["cells"][2]["source"][0].startswith(NOTE)
