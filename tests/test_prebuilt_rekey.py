"""tools/prebuilt_study.py rekey: the committed study keeps its bytes under a new key only if retrained members match."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

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
    monkeypatch.setattr(module, "expected_name", lambda: "study-new.safetensors")
    monkeypatch.setattr(cnnexplain.study.SeedStudy, "load", classmethod(lambda cls, path: "a study"))
    (tmp_path / "study-old.safetensors").write_bytes(b"the committed study")
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
    assert not (tmp_path / "study-old.safetensors").exists()
    assert retrained == [arm for _, arm in prebuilt.REKEY_MEMBERS]  # every arm retrained


def test_one_member_out_of_tolerance_refuses_and_keeps_the_old_name(prebuilt, tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(
        prebuilt,
        "member_matches",
        lambda study, seed, arm: (arm != "whitened", 0.5 if arm == "whitened" else 0.0),
    )
    with pytest.raises(SystemExit, match="whitened"):
        prebuilt.rekey(tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["study-old.safetensors"]


def test_the_members_cover_every_arm_of_the_study() -> None:
    spec = importlib.util.spec_from_file_location("prebuilt_study_arms", ROOT / "tools" / "prebuilt_study.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert sorted(arm for _, arm in module.REKEY_MEMBERS) == sorted(cnnexplain.study.ARMS)
