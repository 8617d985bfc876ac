"""A reader who downloads an example can install what it needs, and the page says so.

Every package an example imports is a dependency of the library or of its
``[examples]`` extra (``pip install "cnnexplain[examples]"``), and every page
that needs more than the base install says so at its top, with that command.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib", reason="tomllib is in the standard library from Python 3.11")

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").rglob("plot_*.py"))
# Where an import's top-level module is not its distribution's name.
DISTRIBUTION_OF_MODULE = {"sklearn": "scikit-learn", "PIL": "pillow", "yaml": "pyyaml"}
# Library functions that import an optional package when called.
OPTIONAL_BY_FUNCTION = {"saliency": "captum", "occlusion": "captum", "grad_cam": "captum"}
INSTALL_LINE = 'pip install "cnnexplain[examples]"'


def requirement_names(requirements: list[str]) -> set[str]:
    """The distribution names of PEP 508 requirement strings, lower case."""
    return {re.split(r"[\s<>=!~;\[]", r, maxsplit=1)[0].lower() for r in requirements}


def pyproject() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def third_party_needs(source: str) -> set[str]:
    """Distributions an example's code needs: its imports outside the standard library and the
    package itself, and the optional packages of the library functions it calls."""
    tree = ast.parse(source)
    needs = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            modules = []
        for module in modules:
            top = module.split(".")[0]
            if top != "cnnexplain" and top not in sys.stdlib_module_names:
                needs.add(DISTRIBUTION_OF_MODULE.get(top, top).lower())
        if isinstance(node, ast.Attribute | ast.Name):
            name = node.attr if isinstance(node, ast.Attribute) else node.id
            if name in OPTIONAL_BY_FUNCTION:
                needs.add(OPTIONAL_BY_FUNCTION[name])
    return needs


def test_third_party_needs_sees_imports_and_optional_functions():
    source = "import sklearn.datasets\nimport os, numpy\nfrom cnnexplain import analysis\nanalysis.saliency(m, x)\n"
    assert third_party_needs(source) == {"scikit-learn", "captum", "numpy"}


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_every_import_is_installed_by_the_base_or_the_examples_extra(example):
    project = pyproject()["project"]
    installed = requirement_names(project["dependencies"])
    installed |= requirement_names(project["optional-dependencies"]["examples"])
    missing = third_party_needs(example.read_text()) - installed
    assert not missing, f"{example.name} imports {sorted(missing)}: add them to the [examples] extra"


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_a_page_that_needs_the_extra_says_so_at_its_top(example):
    base = requirement_names(pyproject()["project"]["dependencies"])
    source = example.read_text()
    extra_needs = third_party_needs(source) - base
    intro = ast.get_docstring(ast.parse(source)) or ""
    if extra_needs:
        assert INSTALL_LINE in intro, (
            f"{example.name} needs {sorted(extra_needs)}: its intro must say {INSTALL_LINE!r}"
        )
    else:
        assert INSTALL_LINE not in intro, (
            f"{example.name} needs only the base install, yet asks for the extra"
        )
