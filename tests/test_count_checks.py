"""tools/count_checks.py: old-style checks against claims with their test, counted from the source."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def tool():
    spec = importlib.util.spec_from_file_location(
        "count_checks_under_test", ROOT / "tools" / "count_checks.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


PAGE = """
from cnnexplain.claims import check, glue, share as share_of
from cnnexplain import claims
import cnnexplain.claims as c

def check(x):  # shadowed below: still counted, the import is what the page means
    pass

glue("x", 1)
check("a claim", True, measured="1")
for k in range(3):
    check(f"claim {k}", True, measured="1")  # one call in the source
share_of("most", 9, 10, above=0.5)
claims.difference("d", [1, 2], [1, 2], expect="larger")
c.bound("b", 1.5, n=1, at_least=1)
claims.glue("y", 2)
other.check("not ours", True)
"""


def test_counts_the_calls_of_the_claims_module_however_it_is_imported(tool):
    counts = tool.count_source(PAGE)
    assert counts.old == 2
    assert dict(counts.kinds) == {"share": 1, "difference": 1, "bound": 1}
    assert counts.new == 3


def test_a_page_that_does_not_import_the_claims_counts_nothing(tool):
    assert tool.count_source("def check(*a, **k):\n    pass\n\ncheck('x', True, measured='1')\n").old == 0


def test_the_report_gives_per_example_counts_and_totals(tool, tmp_path, capsys):
    (tmp_path / "part").mkdir()
    (tmp_path / "part" / "plot_01_a.py").write_text(PAGE)
    (tmp_path / "part" / "plot_02_b.py").write_text(
        "from cnnexplain.claims import every\nevery('e', [True])\n"
    )
    (tmp_path / "part" / "helper.py").write_text(PAGE)  # not an example
    assert tool.main(["--examples", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "part/plot_01_a.py     2     3  bound 1, difference 1, share 1" in out
    assert "helper" not in out
    assert "total: 2 old-style check() calls (unqualified booleans), 4 new-style claims" in out
    assert "examples migrated: 1 fully, 1 in part, 0 not yet" in out


def test_the_project_examples_are_counted(tool):
    counts = tool.count_examples(ROOT / "examples")
    assert len(counts) >= 20
    assert sum(c.old + c.new for c in counts.values()) > 250


def test_no_example_makes_an_unqualified_check(tool):
    # Every claim of the site states its statistic, its test and its margin (a claim kind); a
    # boolean check() can test something weaker than its sentence and the box cannot show it.
    counts = tool.count_examples(ROOT / "examples")
    unqualified = {name: c.old for name, c in counts.items() if c.old}
    assert not unqualified, f"examples with check() calls, use a claim kind instead: {unqualified}"
