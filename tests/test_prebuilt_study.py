"""The committed seed study (docs/_data) is the study the site's pages ask for, and training matches it.

Every build of the site reads this file instead of training 300 networks
(tools/prebuilt_study.py). These tests fail when the training code changed
and the file was not trained again (``nox -s study``), and they retrain a
few members from scratch, one per arm, to compare them with the file.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest

from cnnexplain.analysis import is_edge_detector
from cnnexplain.study import SeedStudy, study_config

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "docs" / "_data"


@pytest.fixture(scope="module")
def prebuilt():
    spec = importlib.util.spec_from_file_location("prebuilt_study", ROOT / "tools" / "prebuilt_study.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    del sys.modules[spec.name]


@pytest.fixture(scope="module")
def study(prebuilt):
    path = FOLDER / prebuilt.expected_name()
    if not path.is_file():
        pytest.fail(f"{path.name} is missing from docs/_data: train it with `nox -s study` and commit it")
    return SeedStudy.load(path)


def test_the_committed_study_is_the_one_the_pages_ask_for(prebuilt):
    # One file, named by the key of the current training code: a study of older code is never read.
    names = sorted(p.name for p in FOLDER.glob(prebuilt.PATTERN))
    assert names == sorted(prebuilt.expected_names().values()), (
        "docs/_data must hold the studies of the current training code only (the site's and "
        "EXTRA_STUDIES); run `nox -s study` and commit the result"
    )


def test_the_committed_study_has_the_sites_settings(study):
    assert study.config == study_config(range(100))
    assert study.arms == ("adam", "shuffled", "sgd", "swapped", "frozen", "gaussian", "whitened")


@pytest.mark.parametrize(
    ("seed", "arm"),
    [
        (3, "adam"),
        (58, "shuffled"),
        (91, "sgd"),
        (17, "swapped"),
        (44, "frozen"),
        (26, "gaussian"),
        (73, "whitened"),
    ],
)
def test_a_member_trained_again_matches_the_committed_study(study, seed, arm):
    # Bit for bit on the machine that trained it; elsewhere a CPU may round differently (other
    # SIMD kernels for the convolutions and the whitening's FFT), and eight epochs amplify that:
    # on an AVX-512 machine the whitened member of seed 73 ends 2.2e-4 of the largest weight
    # away. Training by other code ends a whole weight scale away, so a tolerance of 1e-3 of it
    # still tells the two apart; the edge test's verdicts must be the same.
    history = study.retrain(seed, arm)
    weight = np.asarray(history["conv1.weight"])[:, :, 0]  # (epochs + 1, kernels, 7, 7)
    committed = study.conv1_weight[seed, study.arm(arm), :, :, 0]
    scale = np.abs(committed).max()
    np.testing.assert_allclose(weight, committed, rtol=0, atol=1e-3 * scale)
    assert (is_edge_detector(weight) == is_edge_detector(committed)).all()
    accuracy = study.metrics["val_accuracy"][seed, study.arm(arm)]
    np.testing.assert_allclose(history.metrics["val_accuracy"], accuracy, atol=1.5 / 240)


@pytest.mark.parametrize(("what", "seed"), [("lines 8 to 12 px thick", 21), ("lines 1 px thick", 62)])
def test_a_member_of_each_smaller_study_trained_again_matches_it(prebuilt, what, seed):
    # The smaller studies keep conv1 at the start and the end only; the same tolerance as above.
    arguments = prebuilt.EXTRA_STUDIES[what]
    path = FOLDER / prebuilt.name_of(arguments)
    if not path.is_file():
        pytest.fail(f"{path.name} ({what}) is missing from docs/_data: train it with `nox -s study`")
    smaller = SeedStudy.load(path)
    assert smaller.config == study_config(range(100), **arguments)
    weight = np.asarray(smaller.retrain(seed, "adam")["conv1.weight"])[:, :, 0]
    committed = smaller.conv1_weight[seed, smaller.arm("adam"), :, :, 0]
    np.testing.assert_allclose(weight[[0, -1]], committed, rtol=0, atol=1e-3 * np.abs(committed).max())
    assert (is_edge_detector(weight[[0, -1]]) == is_edge_detector(committed)).all()


def test_copy_fills_a_cache_and_keeps_what_is_there(prebuilt, tmp_path):
    source, cache = tmp_path / "data", tmp_path / "cache"
    source.mkdir()
    (source / "study-aaa.safetensors").write_bytes(b"new")
    (source / "history-bbb.safetensors").write_bytes(b"not a study")
    cache.mkdir()
    (cache / "study-ccc.safetensors").write_bytes(b"kept")
    prebuilt.copy(source, cache)
    (source / "study-ccc.safetensors").write_bytes(b"would overwrite")
    copied = prebuilt.copy(source, cache)
    assert copied == []  # study-aaa is there now; study-ccc was there before
    assert sorted(p.name for p in cache.iterdir()) == [
        "study-aaa.safetensors",
        "study-aaa.safetensors.sha256",
        "study-ccc.safetensors",
    ]
    assert (cache / "study-aaa.safetensors").read_bytes() == b"new"
    assert (cache / "study-ccc.safetensors").read_bytes() == b"kept"  # without a digest: not trusted


def test_copy_gives_each_copy_the_digest_the_cache_checks(prebuilt, tmp_path):
    """The cache returns only an entry whose bytes have their recorded digest: a copy without one
    would make every build train the site's 700 networks again."""
    from cnnexplain._cache import read_entry

    source, cache = tmp_path / "data", tmp_path / "cache"
    source.mkdir()
    (source / "study-aaa.safetensors").write_bytes(b"committed")
    (source / "study-bbb.safetensors").write_bytes(b"committed too")
    cache.mkdir()
    (cache / "study-bbb.safetensors").write_bytes(b"committed too")  # copied before digests
    assert prebuilt.copy(source, cache) == [cache / "study-aaa.safetensors"]
    for name, data in (("study-aaa", b"committed"), ("study-bbb", b"committed too")):
        entry = cache / f"{name}.safetensors"
        assert read_entry(entry, lambda path, max_bytes: path.read_bytes()) == (data, None)
