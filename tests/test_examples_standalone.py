"""The examples' visible code stands alone: a reader's copy defines every name it uses.

sphinx-gallery removes the lines from ``# sphinx_gallery_start_ignore`` to
``# sphinx_gallery_end_ignore`` from the page and from the downloadable
notebook; the examples keep their ``glue`` and ``check`` calls there. A name
that only such a hidden block defines is undefined for a reader who runs the
notebook or copies the page's code: it stops with a NameError. These tests
remove the hidden blocks with sphinx-gallery's own function and let pyflakes
look for undefined names in what is left.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from pyflakes import messages
from pyflakes.checker import Checker
from sphinx_gallery.py_source_parser import IGNORE_BLOCK_PATTERN, remove_ignore_blocks

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SCRIPTS = sorted(EXAMPLES.rglob("*.py"))
UNDEFINED = (messages.UndefinedName, messages.UndefinedExport, messages.UndefinedLocal)
# One line of a source, with its newline; the last line may lack one.
LINE = re.compile(r".*\n|.+")


def visible_code(source: str) -> tuple[str, list[int]]:
    """The code sphinx-gallery leaves of ``source``, and the line of ``source`` each of its lines is.

    The code is what sphinx-gallery's ``remove_ignore_blocks`` returns (it
    also refuses unmatched markers, as the build does). It removes whole
    lines, those its ``IGNORE_BLOCK_PATTERN`` matches, so the lines kept are
    found from the same pattern; the two must agree.
    """
    code = remove_ignore_blocks(source)
    hidden = [match.span() for match in IGNORE_BLOCK_PATTERN.finditer(source)]
    kept = [
        (number, line.group())
        for number, line in enumerate(LINE.finditer(source), 1)
        if not any(start <= line.start() < end for start, end in hidden)
    ]
    assert "".join(text for _, text in kept) == code, "sphinx-gallery no longer removes whole lines"
    return code, [number for number, _ in kept]


def undefined_names(source: str, filename: str = "<example>") -> list[str]:
    """``"file:line: message"`` for each name the visible code of ``source`` uses but does not define.

    Line numbers are those of ``source``, hidden blocks included, so that they
    point into the example as it is written.
    """
    code, source_line = visible_code(source)
    try:
        tree = ast.parse(code, filename)
    except SyntaxError as exc:  # e.g. a hidden block was the only body of an `if`
        line = source_line[min(exc.lineno or 1, len(source_line)) - 1]
        return [f"{filename}:{line}: the visible code does not parse: {exc.msg}"]
    found = [m for m in Checker(tree, filename=filename).messages if isinstance(m, UNDEFINED)]
    return [
        f"{filename}:{source_line[m.lineno - 1]}: {m.message % m.message_args}"
        for m in sorted(found, key=lambda m: (m.lineno, m.col))
    ]


def test_there_are_examples():
    assert len(SCRIPTS) >= 20


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_visible_code_defines_every_name_it_uses(script):
    name = script.relative_to(EXAMPLES.parent).as_posix()
    found = undefined_names(script.read_text(encoding="utf-8"), name)
    assert not found, (
        "the code a reader downloads uses names that only a hidden block "
        "(sphinx_gallery_start_ignore) defines, or nothing does; define them in visible code:\n"
        + "\n".join(found)
    )


PLANTED = '''"""
A planted example
=================
"""

import numpy as np

# sphinx_gallery_start_ignore
threshold = 0.5
# sphinx_gallery_end_ignore

# %%
# Text.

# sphinx_gallery_start_ignore
print("hidden")
# sphinx_gallery_end_ignore
print(np.arange(3) > threshold)
'''


def test_a_name_only_a_hidden_block_defines_is_reported_at_its_line():
    assert undefined_names(PLANTED, "planted.py") == ["planted.py:18: undefined name 'threshold'"]


def test_the_same_name_defined_in_visible_code_is_not_reported():
    # The fix: the definition moves out of the hidden block, which may still use it.
    fixed = PLANTED.replace(
        "# sphinx_gallery_start_ignore\nthreshold = 0.5\n",
        "threshold = 0.5\n# sphinx_gallery_start_ignore\nprint(threshold)\n",
    )
    assert fixed != PLANTED
    assert undefined_names(fixed, "fixed.py") == []


def test_a_hidden_block_left_open_is_an_error_as_in_the_build():
    with pytest.raises(Exception, match="matching"):
        undefined_names("x = 1\n# sphinx_gallery_start_ignore\ny = 2\n")
