"""tools/prebuilt_study.py rekey: the committed study keeps its bytes under a new key only if retrained members match."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

import cnnexplain.study

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def prebuilt(monkeypatch, tmp_path):
    spec = importlib.util.spec_from_file_location(
        "prebuilt_study_rekey", ROOT / "tools" / "prebuilt_study.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    # Two committed studies: the site's (seven arms) and a smaller one (one arm), told apart by
    # their settings, which here are their names.
    arguments = {"the site's seed study": {}, "thick lines": {"arms": ("adam",)}}
    monkeypatch.setattr(module, "study_arguments", lambda: arguments)
    names = {"the site's seed study": "study-new.safetensors", "thick lines": "study-new-thick.safetensors"}
    monkeypatch.setattr(module, "expected_names", lambda: names)
    monkeypatch.setattr(module, "expected_name", lambda: names["the site's seed study"])
    monkeypatch.setattr(cnnexplain.study, "study_config", lambda seeds, **kw: "thick" if kw else "site")
    stored = {
        "study-old.safetensors": SimpleNamespace(config="site", arms=cnnexplain.study.ARMS),
        "study-old-thick.safetensors": SimpleNamespace(config="thick", arms=("adam",)),
    }
    monkeypatch.setattr(cnnexplain.study.SeedStudy, "load", classmethod(lambda cls, path: stored[path.name]))
    (tmp_path / "study-old.safetensors").write_bytes(b"the committed study")
    (tmp_path / "study-old-thick.safetensors").write_bytes(b"the thick lines' study")
    yield module
    del sys.modules[spec.name]


def test_matching_members_keep_the_bytes_under_the_new_name(prebuilt, tmp_path, monkeypatch) -> None:
    retrained = []

    def matches(study, seed, arm):
        retrained.append(arm)
        return True, 1e-6

    monkeypatch.setattr(prebuilt, "member_matches", matches)
    target = prebuilt.rekey(tmp_path)
    assert target == tmp_path / "study-new.safetensors"
    assert target.read_bytes() == b"the committed study"
    assert (tmp_path / "study-new-thick.safetensors").read_bytes() == b"the thick lines' study"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "study-new-thick.safetensors",
        "study-new.safetensors",
    ]
    # Every arm of the site's study retrained, and the one arm of the smaller study.
    assert sorted(retrained) == sorted([arm for _, arm in prebuilt.REKEY_MEMBERS] + ["adam"])


def test_one_member_out_of_tolerance_refuses_and_keeps_the_old_name(prebuilt, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(
        prebuilt,
        "member_matches",
        lambda study, seed, arm: (arm != "whitened", 0.5 if arm == "whitened" else 0.0),
    )
    with pytest.raises(SystemExit, match="whitened"):
        prebuilt.rekey(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "study-old-thick.safetensors",
        "study-old.safetensors",
    ]


def test_a_study_no_page_asks_for_refuses_and_renames_nothing(prebuilt, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(prebuilt, "member_matches", lambda study, seed, arm: (True, 0.0))
    monkeypatch.setattr(cnnexplain.study, "study_config", lambda seeds, **kw: "other settings")
    with pytest.raises(SystemExit, match="no page asks for"):
        prebuilt.rekey(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "study-old-thick.safetensors",
        "study-old.safetensors",
    ]


def test_a_missing_study_refuses(prebuilt, tmp_path) -> None:
    (tmp_path / "study-old-thick.safetensors").unlink()
    with pytest.raises(SystemExit, match="expected one study"):
        prebuilt.rekey(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["study-old.safetensors"]


def test_the_members_cover_every_arm_of_the_study() -> None:
    spec = importlib.util.spec_from_file_location("prebuilt_study_arms", ROOT / "tools" / "prebuilt_study.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert sorted(arm for _, arm in module.REKEY_MEMBERS) == sorted(cnnexplain.study.ARMS)
