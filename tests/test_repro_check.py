"""The reproducibility check's arguments: ``--against`` takes a built site and makes one build."""

from __future__ import annotations

from pathlib import Path

import pytest
from scripts import loaded_script

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def repro_check():
    with loaded_script(ROOT / "tools" / "repro_check.py", "repro_check") as module:
        yield module


def test_against_refuses_a_folder_without_a_site(repro_check, tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_info:
        repro_check.main(["--against", str(tmp_path), "--artifacts", str(tmp_path / "a")])
    assert exit_info.value.code == 2
    assert "--against expects a built site" in capsys.readouterr().err


@pytest.mark.parametrize("other", [["--training-only"], ["--compare", "x", "y"]])
def test_against_refuses_options_that_make_no_build(repro_check, tmp_path, capsys, other):
    (tmp_path / "index.html").write_text("<html></html>")
    with pytest.raises(SystemExit) as exit_info:
        repro_check.main(["--against", str(tmp_path), *other])
    assert exit_info.value.code == 2
    assert "cannot go with" in capsys.readouterr().err


def test_ci_compares_its_cold_build_instead_of_making_two():
    ci = (ROOT / ".ci" / "run").read_text()
    docs_at = ci.index("-s docs -- clean")
    repro_at = ci.index("-s repro -- --against docs/_build/html")
    claims_at = ci.index("-s claims")
    # The docs build is the one compared; the claims session leaves docs/_build/html alone.
    assert docs_at < claims_at < repro_at


def test_sphinx_state_is_not_compared(repro_check, tmp_path):
    """A build with its doctrees inside and one without them hold the same site."""
    inside, outside = tmp_path / "inside", tmp_path / "outside"
    for build in (inside, outside):
        build.mkdir()
        (build / "index.html").write_text("<p>same</p>")
    (inside / ".doctrees").mkdir()
    (inside / ".doctrees" / "index.doctree").write_bytes(b"state")
    (inside / ".buildinfo").write_text("config hash")
    assert repro_check.compare_builds(inside, outside).failures == []
    (outside / "extra.html").write_text("<p>only here</p>")
    failures = repro_check.compare_builds(inside, outside).failures
    assert failures == ["file extra.html exists in only one build (second)"]
