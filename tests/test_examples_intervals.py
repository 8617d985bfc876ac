"""No example formats an interval's ends by hand.

The site rounds a quoted interval outward (docs/glossary.rst): the lower end
down, the upper end up, so that the printed interval holds the computed one.
``glue`` does it for names ending ``_low``/``_high``, and
:func:`cnnexplain.claims.span` / ``Checked.span`` for an interval written into
a sentence or a printed line. An end formatted in an f-string or a
``str.format`` call is rounded to nearest instead, and the same interval then
reads with other last digits on another page ("+0.08 to +0.48" against
"+0.09 to +0.47"). This scan keeps that pattern from coming back.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PAGES = sorted(EXAMPLES.glob("*/*.py"))

# The attributes that hold an interval's ends: ``.interval`` (a claim's result,
# ``.threshold_interval``, ...) and ``.low``/``.high`` (seed_bootstrap's and
# independent_difference's estimates).
ENDS = ("low", "high")


def _holds_interval(node: ast.AST) -> bool:
    """Whether ``node`` names an interval: ``x.interval``, ``x.foo_interval``, ``interval``."""
    name = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return name == "interval" or name.endswith("_interval")


def _is_end(node: ast.AST) -> bool:
    """An interval's end taken directly: ``x.interval[0]``, ``x.interval[-1]``, ``est.low``."""
    if isinstance(node, ast.Subscript) and _holds_interval(node.value):
        return True
    return isinstance(node, ast.Attribute) and node.attr in ENDS


def _outside_calls(node: ast.AST):
    """``node`` and its sub-expressions, not looking inside calls (``span(...)`` formats outward)."""
    yield node
    if isinstance(node, ast.Call):
        return
    for child in ast.iter_child_nodes(node):
        yield from _outside_calls(child)


def hand_formatted_ends(source: str) -> list[tuple[int, str]]:
    """The places in ``source`` that format an interval's end in an f-string or ``.format``.

    Returns
    -------
    list of (int, str)
        Line number and the offending expression.
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FormattedValue):
            for sub in _outside_calls(node.value):
                if _is_end(sub):
                    found.append((node.lineno, ast.unparse(sub)))
        elif (
            isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "format"
        ):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                for sub in _outside_calls(arg):
                    starred = isinstance(sub, ast.Starred) and _holds_interval(sub.value)
                    if starred or _is_end(sub):
                        found.append((node.lineno, ast.unparse(sub)))
    return found


@pytest.mark.parametrize(
    "source",
    [
        'f"{r.interval[0]:+.2f} to {r.interval[1]:+.2f}"',
        'f"({100 * r.interval[0]:+.1f} to {100 * r.interval[-1]:+.1f})"',
        '"{:+.2f} to {:+.2f}".format(*r.interval)',
        '"{:.3f} to {:.3f}".format(*null.threshold_interval)',
        '"{} to {}".format(r.interval[0], high=r.interval[1])',
        'f"(95% interval {est.low:.1%} to {est.high:.1%})"',
    ],
)
def test_the_scan_finds_hand_formatted_ends(source):
    assert hand_formatted_ends(source)


@pytest.mark.parametrize(
    "source",
    [
        'f"95% interval {r.span()}"',
        "f\"({span(est.low, est.high, '{:.1%}')})\"",
        "f\"{span(100 * r.interval[0], 100 * r.interval[1], '{:+.1f}')}\"",
        'glue("x_low", r.interval[0], "{:+.2f}")',
        'f"{r.value:+.2f} ({interval})"',
    ],
)
def test_the_scan_lets_outward_formatting_pass(source):
    assert hand_formatted_ends(source) == []


def test_there_are_pages_to_scan():
    assert len(PAGES) > 20


@pytest.mark.parametrize("page", PAGES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_no_example_formats_an_interval_by_hand(page):
    found = hand_formatted_ends(page.read_text(encoding="utf-8"))
    assert not found, (
        f"{page.relative_to(EXAMPLES.parent)} formats an interval's ends by hand (rounded to "
        "nearest); use cnnexplain.claims.span(low, high, fmt) or result.span(fmt), which "
        f"round outward: {found}"
    )
