"""``nox -s claims`` builds the site from training seeds drawn at random, printed and recorded.

The test environment has no nox, so noxfile.py is loaded with a stand-in for
the few names it takes from nox at import time; the session itself runs with
a fake session whose install and build only record what they were asked.
"""

from __future__ import annotations

import importlib.util
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


class Stop(Exception):
    """What the fake session's ``error`` raises, as nox's does."""


class FakeSession:
    def __init__(self, posargs: list[str]):
        self.posargs = posargs
        self.logs: list[str] = []

    def log(self, message: str) -> None:
        self.logs.append(message)

    def error(self, message: str) -> None:
        raise Stop(message)


def _fake_nox() -> types.ModuleType:
    def session(*args, **kwargs):
        if len(args) == 1 and callable(args[0]) and not kwargs:
            return args[0]
        return lambda function: function

    fake = types.ModuleType("nox")
    fake.session = session
    fake.parametrize = lambda *args, **kwargs: lambda function: function
    fake.options = types.SimpleNamespace()
    fake.project = types.SimpleNamespace(load_toml=lambda path: {}, dependency_groups=lambda *args: [])
    fake.Session = FakeSession
    return fake


@pytest.fixture
def noxfile(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "nox", _fake_nox())
    spec = importlib.util.spec_from_file_location("noxfile_under_test", ROOT / "noxfile.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # Nothing is installed or built, and nothing is written into the repository.
    monkeypatch.setattr(module, "ROOT", tmp_path)
    monkeypatch.setattr(module, "GALLERY", tmp_path / "docs" / "auto_examples")
    module.built = []
    monkeypatch.setattr(module, "install", lambda session, *groups, **kwargs: None)
    monkeypatch.setattr(
        module,
        "sphinx_build",
        lambda session, out, **env: module.built.append((out.name, env["CNNEXPLAIN_SEED"])),
    )
    return module


def test_without_seeds_the_session_draws_a_new_one_and_says_how_to_repeat_the_build(noxfile, tmp_path):
    session = FakeSession([])
    noxfile.claims(session)
    seeds = [seed for _folder, seed in noxfile.built]
    assert len(seeds) == noxfile.CLAIMS_SEED_COUNT == 1
    assert all(0 <= int(seed) < 2**31 for seed in seeds)
    assert [folder for folder, _seed in noxfile.built] == [f"claims-seed{seed}" for seed in seeds]
    rerun = f"nox -s claims -- {seeds[0]}"
    assert any(rerun in line and "drawn at random" in line for line in session.logs)
    recorded = (tmp_path / "artifacts" / "claims" / "seeds.txt").read_text().splitlines()
    assert recorded[-1] == rerun


def test_each_call_draws_from_the_whole_range(noxfile):
    drawn = {int(seed) for _ in range(50) for seed in noxfile.draw_claims_seeds(count=2)}
    assert len(drawn) == 100  # distinct: chance of a repeat among 100 draws of 2**31 is about 2e-6
    assert max(drawn) > 2**30  # half the range is above 2**30: fails with probability 2**-100


def test_seeds_given_after_the_double_dash_are_built_and_recorded(noxfile, tmp_path):
    session = FakeSession(["7", "12"])
    noxfile.claims(session)
    assert noxfile.built == [("claims-seed7", "7"), ("claims-seed12", "12")]
    recorded = (tmp_path / "artifacts" / "claims" / "seeds.txt").read_text().splitlines()
    assert recorded[-1] == "nox -s claims -- 7 12"
    assert any("given" in line for line in session.logs)


def test_a_seed_that_is_not_a_non_negative_integer_is_refused_before_any_build(noxfile):
    with pytest.raises(Stop, match="non-negative integers"):
        noxfile.claims(FakeSession(["7", "-1"]))
    assert noxfile.built == []


def test_a_failed_build_names_the_command_that_repeats_it(noxfile, monkeypatch):
    def fail(session, out, **env):
        raise Stop("sphinx-build failed")

    monkeypatch.setattr(noxfile, "sphinx_build", fail)
    session = FakeSession(["5"])
    with pytest.raises(Stop):
        noxfile.claims(session)
    assert "nox -s claims -- 5" in session.logs[-1]
