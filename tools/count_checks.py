"""Count the checked claims of each example: unqualified booleans against claims with their test.

The examples check their prose with :mod:`cnnexplain.claims`. An old-style
``check(claim, holds, measured=...)`` takes a boolean the page computed, and
the page's box marks it "unqualified check (boolean)"; the claim kinds
(``bound``, ``share``, ``majority``, ``every``, ``difference``,
``equivalent``, ``setting``) take the statistic, the test and the margin (issue 20). Pages
are migrated one by one; this counts how far that has gone.

The count reads each ``examples/**/plot_*.py`` with ``ast``, without running
it: every call of a name that the file imports from ``cnnexplain.claims``
(``from cnnexplain.claims import check``, ``from cnnexplain import claims``
then ``claims.check``, aliases included). A call inside a loop counts once,
though it may check several claims when the page runs; the page's box counts
those.

Usage::

    python tools/count_checks.py [--examples examples] [--json]

Prints a line per example (old-style checks, new-style claims, and the kinds
used) and the totals.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULE = "cnnexplain.claims"
OLD = "check"
KINDS = ("bound", "share", "majority", "every", "difference", "equivalent", "setting")


@dataclass
class Counts:
    """The checks of one example: old-style ``check`` calls, and claim kinds by name."""

    old: int = 0
    kinds: Counter = field(default_factory=Counter)

    @property
    def new(self) -> int:
        return sum(self.kinds.values())


def claims_names(tree: ast.Module) -> tuple[dict[str, str], set[str]]:
    """What the file calls the functions of cnnexplain.claims.

    Returns ``({local name: function}, {local names of the module itself})``.
    """
    functions: dict[str, str] = {}
    modules: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            for alias in node.names:
                if node.module == MODULE:
                    functions[alias.asname or alias.name] = alias.name
                elif node.module == "cnnexplain" and alias.name == "claims":
                    modules.add(alias.asname or "claims")
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == MODULE:
                    # `import cnnexplain.claims` binds cnnexplain; `as c` binds the module.
                    modules.add(alias.asname or MODULE)
    return functions, modules


def dotted(node: ast.expr) -> str | None:
    """``a.b.c`` for a chain of attributes on a name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([node.id, *reversed(parts)])


def count_source(source: str, filename: str = "<example>") -> Counts:
    """The checks of one example's source."""
    tree = ast.parse(source, filename)
    functions, modules = claims_names(tree)
    counts = Counts()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = None
        if isinstance(node.func, ast.Name):
            name = functions.get(node.func.id)
        elif (path := dotted(node.func)) is not None:
            module, _, attr = path.rpartition(".")
            name = attr if module in modules else None
        if name == OLD:
            counts.old += 1
        elif name in KINDS:
            counts.kinds[name] += 1
    return counts


def count_examples(examples: Path) -> dict[str, Counts]:
    """``{example, relative to examples/: Counts}`` for every ``plot_*.py``."""
    return {
        path.relative_to(examples).as_posix(): count_source(path.read_text(encoding="utf-8"), str(path))
        for path in sorted(examples.rglob("plot_*.py"))
    }


def report(counts: dict[str, Counts]) -> str:
    """The table: a line per example, then the totals."""
    width = max([len("example"), *map(len, counts)])
    lines = [f"{'example':<{width}}  {'old':>4}  {'new':>4}  kinds"]
    for name, c in counts.items():
        kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(c.kinds.items()))
        lines.append(f"{name:<{width}}  {c.old:>4}  {c.new:>4}  {kinds}".rstrip())
    old = sum(c.old for c in counts.values())
    kinds = sum((c.kinds for c in counts.values()), Counter())
    new = sum(kinds.values())
    migrated = sum(1 for c in counts.values() if c.new and not c.old)
    started = sum(1 for c in counts.values() if c.new and c.old)
    lines += [
        "",
        f"total: {old} old-style check() calls (unqualified booleans), {new} new-style claims "
        f"with their test, in {len(counts)} examples",
        f"new-style by kind: {', '.join(f'{k} {kinds[k]}' for k in KINDS)}",
        f"examples migrated: {migrated} fully, {started} in part, {len(counts) - migrated - started} not yet",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=Path, default=ROOT / "examples", help="the examples' folder")
    parser.add_argument("--json", action="store_true", help="print the counts as JSON")
    args = parser.parse_args(argv)
    if not args.examples.is_dir():
        parser.error(f"--examples must be a folder of examples, got {args.examples}")
    counts = count_examples(args.examples)
    if args.json:
        data = {name: {"old": c.old, "new": c.new, "kinds": dict(c.kinds)} for name, c in counts.items()}
        print(json.dumps(data, indent=1))
    else:
        print(report(counts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
