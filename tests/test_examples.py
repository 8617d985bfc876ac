"""The gallery's example scripts, read as source: rules that keep their pages clean."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(EXAMPLES.rglob("plot_*.py"))
# sphinx-gallery starts a new block of text and code at these comment lines.
BLOCK_SEPARATOR = re.compile(r"^(# %%|#{20,})")
# Calls that return a value which sphinx-gallery would print under the code.
RETURNS_ITS_VALUE = {"glue", "glue_link"}
CONF = Path(__file__).resolve().parents[1] / "docs" / "conf.py"


def last_statements_of_blocks(source: str) -> list[ast.stmt]:
    """The top-level statements that end a block: the next one starts after a separator."""
    separators = [n for n, line in enumerate(source.splitlines(), 1) if BLOCK_SEPARATOR.match(line)]
    body = ast.parse(source).body
    ends = []
    for stmt, following in zip(body, [*body[1:], None]):
        next_line = following.lineno if following else float("inf")
        if following is None or any(stmt.end_lineno < s < next_line for s in separators):
            ends.append(stmt)
    return ends


def called_name(stmt: ast.stmt) -> str | None:
    """``glue`` for the statement ``glue(...)``; None for anything but a bare call."""
    if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
        func = stmt.value.func
        return func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
    return None


def test_there_are_examples():
    assert len(SCRIPTS) >= 20


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_block_ends_with_a_glue_call(script):
    # sphinx-gallery prints the value of a block's last expression, so a block ending in
    # glue(...) shows a stray number under its code.
    ends = last_statements_of_blocks(script.read_text(encoding="utf-8"))
    stray = [f"line {s.lineno}" for s in ends if called_name(s) in RETURNS_ITS_VALUE]
    assert not stray, f"{script.name}: a block ends with glue(...), whose value would print: {stray}"


def gallery_setting(name: str):
    """The literal value of ``sphinx_gallery_conf[name]`` in docs/conf.py, read without running it."""
    for node in ast.walk(ast.parse(CONF.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == name:
                    return ast.literal_eval(value)
    raise LookupError(name)


def test_a_block_may_end_with_a_claim_it_prints_nothing():
    # The claim kinds return what they checked (cnnexplain.claims.Checked); the page's box
    # shows it, so sphinx-gallery must not print it under the code. Matplotlib's objects neither.
    from cnnexplain.claims import Checked, bound, collect

    ignored = gallery_setting("ignore_repr_types")
    assert re.search(ignored, str(type(bound("x", 1.5, n=1, at_least=0.1))))
    collect()
    assert re.search(ignored, str(Checked))
    assert re.search(ignored, "<class 'matplotlib.legend.Legend'>")
    assert not re.search(ignored, str(float))


def test_the_rule_finds_a_block_ending_in_glue():
    source = "x = 1\nglue('x', x)\n\n# %%\n# Text.\ncheck('x is one', x == 1, measured='1')\n"
    names = [called_name(s) for s in last_statements_of_blocks(source)]
    assert names == ["glue", "check"]
