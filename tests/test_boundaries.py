"""The line between the library and the site's checks (issue 19), read from the sources with ``ast``.

- The package ``cnnexplain`` holds what its users and the site's pages use:
  a name it defines for itself (outside every ``__all__``) must be used by
  the library, the gallery's examples, the docs or the benchmarks. A helper
  that only ``tests/`` or ``tools/`` use belongs there, as the measure of
  figure text now lives in tests/figure_text.py.
- The modules of ``tools/`` import one another without a cycle: the browser
  checks share tools/browser.py, and only site_check imports another check
  (it runs explorer_check). Imports inside functions count too: a cycle
  through a lazy import is still a cycle.

Each rule is checked on the project, and on a small tree made to break it,
so that a checker that sees nothing cannot pass.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "cnnexplain"
#: Where the library's own users are: the library itself, the gallery, the site, the benchmarks.
LIBRARY_USERS = ("cnnexplain", "examples", "docs", "benchmarks")
TOOLS = ROOT / "tools"
BROWSER_CHECKS = (
    "site_check",
    "explorer_check",
    "readability_check",
    "glossary_check",
    "training_check",
    "lab_check",
)


def python_files(root: Path, folders: Iterable[str]) -> list[Path]:
    """The Python sources under ``root/folder`` for each folder, leaving out build output."""
    skipped = {"_build", "auto_examples", "generated", "node_modules"}
    return [
        path
        for folder in folders
        for path in sorted((root / folder).rglob("*.py"))
        if not skipped & set(path.relative_to(root).parts)
    ]


def parse(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


# -- the library's own names ----------------------------------------------------------------
def public_names(tree: ast.Module) -> set[str]:
    """The strings of the module's ``__all__`` (a list or tuple of literals), if it has one."""
    names: set[str] = set()
    for node in tree.body:
        targets = node.targets if isinstance(node, ast.Assign) else []
        if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets):
            names |= {e.value for e in ast.walk(node.value) if isinstance(e, ast.Constant)}
    return names


def defined_names(tree: ast.Module) -> set[str]:
    """The functions and classes a module defines at its top level."""
    kinds = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
    return {node.name for node in tree.body if isinstance(node, kinds)}


def used_names(tree: ast.Module) -> set[str]:
    """Every name a module reads: variables, attributes, and names it imports."""
    used: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            used.add(node.id)
        elif isinstance(node, ast.Attribute):
            used.add(node.attr)
        elif isinstance(node, ast.ImportFrom):
            used |= {alias.name for alias in node.names}
    return used


def helpers_without_library_use(root: Path, package: str, users: Iterable[str]) -> dict[str, list[str]]:
    """The package's own functions and classes (in no ``__all__``) that no file under ``users``
    uses: ``{module path: [names]}``. A definition alone is not a use; being used by another
    such helper is."""
    trees = {path: parse(path) for path in python_files(root, [package])}
    public = set().union(*(public_names(tree) for tree in trees.values()))
    used = set().union(*(used_names(parse(path)) for path in python_files(root, users)))
    found = {}
    for path, tree in trees.items():
        unused = sorted(defined_names(tree) - public - used)
        if unused:
            found[path.relative_to(root).as_posix()] = unused
    return found


def test_every_helper_of_the_library_is_used_by_the_library_or_the_site():
    assert helpers_without_library_use(ROOT, "cnnexplain", LIBRARY_USERS) == {}


def test_the_figure_text_measure_is_not_in_the_library():
    defined = set().union(*(defined_names(parse(path)) for path in python_files(ROOT, ["cnnexplain"])))
    assert not {"text_sizes", "overlapping_texts"} & defined


def test_a_helper_only_the_tests_use_is_found(tmp_path):
    (tmp_path / "lib").mkdir()
    (tmp_path / "tests").mkdir()
    (tmp_path / "lib" / "mod.py").write_text(
        '__all__ = ["api"]\n\n'
        "def api():\n    return _used()\n\n"
        "def _used():\n    return 1\n\n"
        "def measure(fig):\n    '''Only the tests call measure().'''\n"
    )
    (tmp_path / "tests" / "test_mod.py").write_text("from lib.mod import measure\nmeasure(None)\n")
    assert helpers_without_library_use(tmp_path, "lib", ["lib"]) == {"lib/mod.py": ["measure"]}
    assert helpers_without_library_use(tmp_path, "lib", ["lib", "tests"]) == {}


# -- the import graph of tools/ -------------------------------------------------------------
def imported_modules(tree: ast.Module) -> set[str]:
    """The top-level names of every absolute import of a module, wherever it stands."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def import_graph(folder: Path) -> dict[str, set[str]]:
    """``{module: the modules of the same folder it imports}`` for the folder's ``*.py``."""
    trees = {path.stem: parse(path) for path in sorted(folder.glob("*.py"))}
    return {name: imported_modules(tree) & set(trees) - {name} for name, tree in trees.items()}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of ``graph`` as ``[a, b, ..., a]``, or None if it has none (depth-first search)."""
    done: set[str] = set()

    def visit(node: str, path: list[str]) -> list[str] | None:
        if node in path:
            return [*path[path.index(node) :], node]
        if node in done:
            return None
        for target in sorted(graph.get(node, ())):
            cycle = visit(target, [*path, node])
            if cycle:
                return cycle
        done.add(node)
        return None

    for start in sorted(graph):
        cycle = visit(start, [])
        if cycle:
            return cycle
    return None


def test_the_tools_import_one_another_without_a_cycle():
    graph = import_graph(TOOLS)
    assert set(BROWSER_CHECKS) <= set(graph)
    assert find_cycle(graph) is None, graph


def test_the_browser_checks_share_one_harness():
    graph = import_graph(TOOLS)
    for check in BROWSER_CHECKS:
        assert "browser" in graph[check], check
    assert graph["browser"] == set()  # the bottom of the graph
    # Only site_check runs another check; the others import no check at all.
    assert graph["explorer_check"] & set(BROWSER_CHECKS) == set()
    assert graph["readability_check"] & set(BROWSER_CHECKS) == set()
    assert graph["glossary_check"] & set(BROWSER_CHECKS) == set()
    assert graph["training_check"] & set(BROWSER_CHECKS) == set()
    assert graph["lab_check"] & set(BROWSER_CHECKS) == set()


@pytest.mark.parametrize(
    ("graph", "cycle"),
    [
        ({"a": {"b"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b", "c"}, "b": {"c"}, "c": set()}, None),
        ({"a": {"b"}, "b": {"a"}}, ["a", "b", "a"]),
        ({"a": {"b"}, "b": {"c"}, "c": {"b"}}, ["b", "c", "b"]),
        ({"a": {"a"}}, ["a", "a"]),
    ],
)
def test_find_cycle(graph, cycle):
    assert find_cycle(graph) == cycle


def test_a_cycle_through_an_import_inside_a_function_is_found(tmp_path):
    # The cycle the tools had: explorer_check imported site_check at the top, and site_check
    # imported explorer_check inside a function.
    (tmp_path / "site_check.py").write_text("def run():\n    import explorer_check\n")
    (tmp_path / "explorer_check.py").write_text("from site_check import serve\n")
    (tmp_path / "other.py").write_text("import json\nimport numpy as np\n")
    graph = import_graph(tmp_path)
    assert graph == {"explorer_check": {"site_check"}, "other": set(), "site_check": {"explorer_check"}}
    assert find_cycle(graph) == ["explorer_check", "site_check", "explorer_check"]
