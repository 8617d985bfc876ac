"""The box "Checked when this page was built": a table with a row per claim.

docs/_ext/checked_claims.py writes the box as reStructuredText; these tests
render it with docutils' HTML writer (no site build) and read the table a
reader, or a screen reader, gets: a caption, a header row, and for each claim
its test, n, the value measured with its interval, the margin and the result.
"""

from __future__ import annotations

import importlib.util
import warnings
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from docutils.core import publish_parts

from cnnexplain import claims

EXTENSION = Path(__file__).resolve().parents[1] / "docs" / "_ext" / "checked_claims.py"
HEADER = ["Claim", "Test", "n", "Measured", "Margin", "Result"]


@pytest.fixture(scope="module")
def extension():
    spec = importlib.util.spec_from_file_location("checked_claims_box_under_test", EXTENSION)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(autouse=True)
def fresh_record(monkeypatch):
    monkeypatch.delenv(claims.STRICT_ENV, raising=False)
    claims.collect()
    yield
    claims.collect()


class Table(HTMLParser):
    """The cells of the HTML's table, row by row, as (tag, text); and its caption."""

    def __init__(self):
        super().__init__()
        self.rows, self.caption, self.strong, self._cell, self._in_caption = [], "", [], None, False

    def handle_starttag(self, tag, attrs):
        if tag == "tr":
            self.rows.append([])
        elif tag in ("th", "td"):
            self._cell = [tag, ""]
        elif tag == "caption":
            self._in_caption = True
        elif tag == "strong" and self._cell is not None:
            self.strong.append(len(self.rows) - 1)

    def handle_endtag(self, tag):
        if tag in ("th", "td"):
            self.rows[-1].append((self._cell[0], " ".join(self._cell[1].split())))
            self._cell = None
        elif tag == "caption":
            self._in_caption = False

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data
        elif self._in_caption:
            self.caption += data


def render(extension, record: dict) -> tuple[str, Table]:
    html = publish_parts(
        extension._box(record),
        writer="html5",
        settings_overrides={"report_level": 2, "halt_level": 2},  # any warning fails
    )["body"]
    table = Table()
    table.feed(html)
    return html, table


def test_the_box_has_a_row_per_claim_with_its_test_n_interval_and_margin(extension):
    claims.check("the old kind of claim", True, measured="99.6%")
    claims.share("in most runs both detectors emerge", 9, 10, above=0.5)
    a = np.array([0.5, 0.6, 0.4, 0.7, 0.5, 0.6, 0.55, 0.45])
    claims.difference("true labels make it more edge-shaped", a, a[::-1], expect=claims.OUTCOMES)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        claims.bound("the accuracy is 99% or more", 0.875, n=1, at_least=0.99, fmt="{:.1%}")
    html, table = render(extension, claims.collect())

    assert '<aside class="admonition checked-claims">' in html
    assert "Checked when this page was built" in html
    # Closed until opened, its summary counting the claims; the box inside the fold.
    fold = html.index(
        '<details class="checked-claims-fold"><summary>Checked when this page was built: 4 claims: '
        "3 checked against their margins, 1 records the outcome the words state</summary>"
    )
    assert fold < html.index("<aside") < html.index("</details>")
    assert table.caption == "The claims of this page, and how this run tested them"
    header, *rows = table.rows
    assert header == [("th", name) for name in HEADER]
    assert len(rows) == 4
    # Each row's header is its claim, for a screen reader to name with every cell.
    assert [row[0] for row in rows] == [
        ("th", "the old kind of claim"),
        ("th", "in most runs both detectors emerge"),
        ("th", "true labels make it more edge-shaped"),
        ("th", "the accuracy is 99% or more"),
    ]
    old, share, diff, failed = ([text for _tag, text in row[1:]] for row in rows)
    assert old == ["unqualified check (boolean)", "not stated", "99.6%", "not stated", "holds"]
    assert share == [
        "share, Wilson 95% interval",
        "10",
        "share 9 of 10 (90%), 95% interval 59% to 99%",
        "lower end above 50%",
        "holds",
    ]
    assert diff[0].startswith("paired sign test: interval of the median, coverage 99.2%")
    assert diff[1] == "8"
    assert diff[2].endswith("99.2% interval -0.20 to +0.20: cannot tell")
    assert "expected: any" in diff[3]
    # A claim that accepts every outcome cannot fail: the box records the words, not a pass.
    assert diff[4] == "states the outcome: cannot tell"
    assert failed[-1] == "does not hold"
    assert table.strong == [4]  # only the failing row's result is emphasised
    assert (
        "This page makes 4 claims: 2 with the test that decides them (a test that does not hold "
        "fails the build; where the run chose a sentence's words, the test confirms the words "
        "chosen, and fails only if the code and its words disagree); 1 read from an interval "
        "whatever it says" in html
    )


def test_the_fold_counts_the_outcomes_the_words_follow_apart_from_the_tests(extension):
    # A claim that accepts every outcome cannot fail the build: the fold's count says so, before
    # the reader opens the box.
    a = np.array([0.5, 0.6, 0.4, 0.7, 0.5, 0.6, 0.55, 0.45])
    claims.difference("the labels change it", a, a[::-1], expect=claims.OUTCOMES)
    claims.difference("the optimizer changes it", a, a[::-1] + 0.01, expect=claims.OUTCOMES)
    html, _table = render(extension, claims.collect())
    assert (
        "<summary>Checked when this page was built: 2 claims: 2 record the outcome the words "
        "state</summary>" in html
    )
    claims.share("in most runs both detectors emerge", 9, 10, above=0.5)
    html, _table = render(extension, claims.collect())
    assert (
        "<summary>Checked when this page was built: 1 claim: 1 checked against its margin</summary>" in html
    )


def test_a_claims_file_from_before_the_claim_kinds_reads_as_unqualified_checks(extension):
    # An unchanged example's claims.json, reused by the build, has no kind, test, n or margin.
    record = {
        "values": {},
        "links": {},
        "claims": [{"claim": "twenty epochs", "measured": "20", "holds": True}],
    }
    html, table = render(extension, record)
    assert table.rows[1] == [
        ("th", "twenty epochs"),
        ("td", "unqualified check (boolean)"),
        ("td", "not stated"),
        ("td", "20"),
        ("td", "not stated"),
        ("td", "holds"),
    ]
    assert "This page makes 1 claim: 1 unqualified check (boolean)" in html


@pytest.mark.parametrize(
    "text",
    [
        "|x| and a_b",
        "*not emphasis*",
        "`code`",
        "- 3",
        "+ 2",
        "1. first",
        "(a) one",
        "a\\b",
        "  spaced   out  ",
    ],
)
def test_cells_are_plain_text_never_markup_or_lists(extension, text):
    claims.check(text, True, measured=text)
    _html, table = render(extension, claims.collect())
    expected = " ".join(text.split())
    assert table.rows[1][0] == ("th", expected)
    assert table.rows[1][3] == ("td", expected)


def test_holm_adjusted_makes_a_table_of_the_glued_p_values(extension, tmp_path):
    """The findings page's directive reads each page's glued p-value and adjusts them together."""
    import json
    import types

    from docutils import nodes
    from docutils.parsers.rst import directives, roles

    page = tmp_path / "auto_examples" / "a" / "plot_x"
    page.parent.mkdir(parents=True)
    values = {"p_one": "0.0002", "p_two": "0.04", "p_three": "0.03"}
    page.with_suffix(extension.SUFFIX).write_text(json.dumps({"values": values, "claims": []}))
    env = types.SimpleNamespace(docname="findings", note_dependency=lambda path: None)
    env.app = types.SimpleNamespace(srcdir=str(tmp_path), env=env)
    directives.register_directive("holm-adjusted", extension.HolmAdjusted)
    roles.register_generic_role("doc", nodes.inline)
    source = (
        ".. holm-adjusted::\n\n"
        "   /auto_examples/a/plot_x:p_one First comparison\n"
        "   /auto_examples/a/plot_x:p_two Second comparison\n"
        "   /auto_examples/a/plot_x:p_three Third comparison\n"
    )
    html = publish_parts(
        source, writer="html5", settings_overrides={"env": env, "report_level": 2, "halt_level": 2}
    )["body"]
    table = Table()
    table.feed(html)
    rows = [[text for _, text in row] for row in table.rows]
    assert rows[0] == ["Primary comparison", "p", "Holm-adjusted p", "Adjusted p at most 0.05"]
    # 3 x 0.0002; then 2 x 0.03 = 0.06; then max(0.06, 1 x 0.04): the last two, each below
    # 0.05 alone, do not clear 0 together.
    assert [row[2:] for row in rows[1:]] == [
        ["0.0006", "yes: still clears 0"],
        ["0.06", "no"],
        ["0.06", "no"],
    ]
    assert rows[1][0].startswith("First comparison")
