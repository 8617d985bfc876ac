"""The library's docstring examples, read as the API pages show them."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import cnnexplain

# The API pages show a docstring's examples in a code box 655 px wide at 1366 px, about 76
# characters of code: a longer line scrolls sideways (tools/readability_check.py finds it in
# the built site; this finds it in seconds). 72 leaves a margin.
MAX_LINE = 72


def example_lines():
    """(where, line) for every line of every docstring example, as the page prints it."""
    finder = doctest.DocTestFinder(exclude_empty=True)
    for info in pkgutil.walk_packages(cnnexplain.__path__, "cnnexplain."):
        if info.name.endswith("__main__"):
            continue  # importing it runs the command line
        module = importlib.import_module(info.name)
        for test in finder.find(module):
            for example in test.examples:
                for n, line in enumerate(example.source.splitlines()):
                    yield test.name, ("... " if n else ">>> ") + line
                for line in example.want.splitlines():
                    yield test.name, line


def test_there_are_docstring_examples():
    assert sum(1 for _ in example_lines()) > 200


def test_no_docstring_example_line_is_too_wide_for_the_api_pages():
    long = [f"{where}: {line!r}" for where, line in example_lines() if len(line) > MAX_LINE]
    assert not long, "\n".join(long)
