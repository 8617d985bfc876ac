"""tools/run_examples.py runs downloads as a reader would and reports what went wrong.

Scripts only: the notebook path needs nbclient and a Jupyter kernel, which
``nox -s examples`` installs and exercises on every page of the built site.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from scripts import loaded_script

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def run_examples():
    with loaded_script(ROOT / "tools" / "run_examples.py", "run_examples") as module:
        yield module


def fake_site(tmp_path: Path, scripts: dict[str, str]) -> Path:
    """A site folder whose _downloads hold the given scripts, one folder each as Sphinx lays them."""
    site = tmp_path / "site"
    for number, (name, code) in enumerate(scripts.items()):
        folder = site / "_downloads" / f"{number:032x}"
        folder.mkdir(parents=True)
        (folder / name).write_text(code)
    return site


def results(run_examples, tmp_path, monkeypatch, scripts, extra=()):
    monkeypatch.setenv("CNNEXPLAIN_CACHE", str(tmp_path / "site-cache"))
    site = fake_site(tmp_path, scripts)
    report = tmp_path / "report.json"
    args = [str(site), "--kinds", "script", "--jobs", "1", "--report", str(report), *extra]
    code = run_examples.main(args)
    return code, {r["page"]: r for r in json.loads(report.read_text())["results"]}


def test_a_clean_script_passes_and_a_failing_one_is_named_with_its_error(run_examples, tmp_path, monkeypatch):
    code, by_page = results(
        run_examples,
        tmp_path,
        monkeypatch,
        {"plot_ok.py": "print('fine')\n", "plot_bad.py": "raise RuntimeError('broken on purpose')\n"},
    )
    assert code == 1
    assert by_page["plot_ok"]["ok"]
    assert not by_page["plot_bad"]["ok"]
    assert "RuntimeError: broken on purpose" in by_page["plot_bad"]["error"]


def test_a_script_runs_in_an_empty_folder_without_the_sites_variables(run_examples, tmp_path, monkeypatch):
    probe = (
        "import os, pathlib\n"
        "assert not [k for k in os.environ if k.startswith('CNNEXPLAIN_')], 'site variable leaked'\n"
        "assert 'MPLBACKEND' not in os.environ\n"
        "assert sorted(p.name for p in pathlib.Path.cwd().iterdir()) == ['plot_probe.py']\n"
        "pathlib.Path('output.png').write_bytes(b'')  # its own folder: allowed\n"
    )
    monkeypatch.setenv("MPLBACKEND", "Agg")
    code, by_page = results(run_examples, tmp_path, monkeypatch, {"plot_probe.py": probe})
    assert code == 0, by_page["plot_probe"]["error"]


def test_a_script_that_writes_outside_its_folder_fails(run_examples, tmp_path, monkeypatch):
    stray = "import pathlib\n(pathlib.Path.home() / 'left-behind.txt').write_text('x')\n"
    code, by_page = results(run_examples, tmp_path, monkeypatch, {"plot_stray.py": stray})
    assert code == 1
    assert by_page["plot_stray"]["stray_files"] == ["~/left-behind.txt"]
    assert "wrote outside its working folder" in by_page["plot_stray"]["error"]


def test_trainings_copies_a_caches_entries_and_their_digests_only(run_examples, tmp_path):
    cache = tmp_path / "site-cache"
    cache.mkdir()
    (cache / "history-abc.safetensors").write_bytes(b"weights")
    (cache / "history-abc.safetensors.sha256").write_text("digest  history-abc.safetensors\n")
    (cache / "history-abc.safetensors.lock").write_text("")
    (cache / "history-def.safetensors.tmp123").write_bytes(b"half written")
    target = tmp_path / "home" / ".cache" / "cnnexplain"
    assert run_examples.copy_trainings(cache, target) == 2
    assert sorted(p.name for p in target.iterdir()) == [
        "history-abc.safetensors",
        "history-abc.safetensors.sha256",
    ]
    assert (target / "history-abc.safetensors").read_bytes() == b"weights"


def test_a_script_finds_the_trainings_it_was_given_in_its_cache(run_examples, tmp_path, monkeypatch):
    cache = tmp_path / "given"
    cache.mkdir()
    (cache / "history-abc.safetensors").write_bytes(b"weights")
    code, by_page = results(
        run_examples,
        tmp_path,
        monkeypatch,
        {
            "plot_cache.py": "from pathlib import Path\n"
            "entry = Path.home() / '.cache' / 'cnnexplain' / 'history-abc.safetensors'\n"
            "assert entry.read_bytes() == b'weights'\n"
        },
        ["--trainings", str(cache)],
    )
    assert code == 0, by_page
