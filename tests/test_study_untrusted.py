"""A seed study file may come from anyone: SeedStudy.load bounds what it reads before it reads it.

As :meth:`WeightHistory.load <cnnexplain.history.WeightHistory.load>` does
(``tests/test_history_fuzz.py``): the file's size against ``max_bytes``
first, then its header alone, every tensor's dtype and shape against the
configuration, and only then each array, read into place once. The memory
tests run the loads in a fresh interpreter and measure the growth of its peak
memory (``resource.getrusage``); their files are sparse, gigabytes that take a
few KB of disk.
"""

from __future__ import annotations

import hashlib
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import safetensors.numpy

import cnnexplain.study as study_module
from cnnexplain.study import SeedStudy, seed_study

KEY = "cnnexplain.SeedStudy"
DTYPES = {np.dtype(np.float32): ("F32", 4), np.dtype(np.float64): ("F64", 8)}


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[SeedStudy, Path]:
    """A study of two seeds in two arms and no epoch, and its file."""
    study = seed_study(
        [0, 1], ("adam", "sgd"), epochs=0, data={"n_per_class": 4, "size": 20}, n_jobs=1, cache_dir=False
    )
    return study, study.save(tmp_path_factory.mktemp("small") / "small.safetensors")


def header_of(study: SeedStudy, **config) -> dict:
    return {
        "format_version": 2,
        "cnnexplain_version": "0",
        "trained_with": study.trained_with,
        "config": {**json.loads(json.dumps(study.config)), **config},
    }


def tensors_of(study: SeedStudy) -> dict[str, np.ndarray]:
    tensors = {"conv1.weight": study.conv1_weight, "conv1.bias": study.conv1_bias}
    tensors |= {f"metrics/{name}": value for name, value in study.metrics.items()}
    return tensors | {f"final/{name}": value for name, value in study.final_state.items()}


def declared_study(
    path: Path, study: SeedStudy, n_seeds: int, *, header_seeds: int | None = None, dense: bool = False
) -> Path:
    """A study file of ``n_seeds`` seeds (every tensor's first axis).

    The header is what :meth:`SeedStudy.save` writes for such a study, its
    configuration listing ``header_seeds`` seeds (by default ``n_seeds``).
    The data region is a hole -- a sparse file of a few KB however much it
    declares -- or, if ``dense``, written: every byte 0x3C, finite numbers.
    """
    seeds = list(range(n_seeds if header_seeds is None else header_seeds))
    entries: dict = {"__metadata__": {KEY: json.dumps(header_of(study, seeds=seeds))}}
    offset = 0
    for name, value in sorted(tensors_of(study).items()):
        dtype, itemsize = DTYPES[value.dtype]
        shape = [n_seeds, *value.shape[1:]]
        size = itemsize * int(np.prod(shape))
        entries[name] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + size]}
        offset += size
    text = json.dumps(entries).encode()
    with open(path, "wb") as f:
        f.write(len(text).to_bytes(8, "little") + text)
        if dense:
            for begin in range(0, offset, 2**20):
                f.write(b"\x3c" * min(2**20, offset - begin))
        f.truncate(8 + len(text) + offset)
    return path


#: Loads each ``path=max_bytes`` given (``path`` alone: the default limit) after a warm-up load,
#: and prints the outcome of each and the growth of peak memory (KiB) over all of them.
MEASURE = """
import json, resource, sys
from cnnexplain.study import SeedStudy
SeedStudy.load(sys.argv[1])  # a valid small file: imports and first-use allocations
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
outcomes = []
for spec in sys.argv[2:]:
    path, _, limit = spec.partition("=")
    try:
        study = SeedStudy.load(path, **({"max_bytes": int(limit)} if limit else {}))
    except ValueError as exc:
        outcomes.append("refused: " + str(exc)[:300])
    else:
        outcomes.append("loaded")
        del study
print(json.dumps({"growth_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before, "outcomes": outcomes}))
"""


def measure_loads(base: Path, specs: list[str]) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", MEASURE, str(base), *specs], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(result.stdout)


def per_seed_bytes(study: SeedStudy) -> int:
    return sum(value.nbytes // len(study) for value in tensors_of(study).values())


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_a_study_file_claiming_more_than_max_bytes_is_refused_before_anything_is_read(small, tmp_path):
    """1.1 GiB of declared arrays: refused by the file's size under the default limit (1 GiB),
    and, with the limit raised, by its shapes, which disagree with its configuration's seeds."""
    study, base = small
    n_seeds = (2**30 + 2**27) // per_seed_bytes(study)
    large = declared_study(tmp_path / "large.safetensors", study, n_seeds)
    disagrees = declared_study(tmp_path / "disagrees.safetensors", study, n_seeds, header_seeds=3)
    try:
        measured = measure_loads(base, [str(large), f"{disagrees}={2**31}"])
    finally:  # gigabytes that take no disk until something copies them: leave none behind
        large.unlink()
        disagrees.unlink()
    first, second = measured["outcomes"]
    assert first.startswith(f"refused: {large} is 1,") and "more than max_bytes=1,073,741,824" in first
    assert second.startswith("refused: ") and "(from its header)" in second
    assert measured["growth_kib"] < 8 * 1024, f"peak memory grew by {measured['growth_kib']} KiB"


@pytest.mark.skipif(sys.platform != "linux", reason="ru_maxrss is in KiB on Linux only")
def test_a_large_valid_study_file_is_read_into_place_once(small, tmp_path):
    """96 MiB of arrays: memory grows by about 96 MiB (one copy), not by two or three times that
    (the file's pages, mapped, and a copy of them: 185 MiB before the loader bounded its reads)."""
    study, base = small
    n_seeds = 96 * 2**20 // per_seed_bytes(study)
    path = declared_study(tmp_path / "valid.safetensors", study, n_seeds, dense=True)
    size = path.stat().st_size
    try:
        measured = measure_loads(base, [str(path)])
    finally:
        path.unlink()
    assert measured["outcomes"] == ["loaded"]
    assert measured["growth_kib"] < (size + 16 * 2**20) // 1024, (
        f"peak memory grew by {measured['growth_kib']} KiB"
    )


def test_max_bytes_is_named_with_what_it_must_be(small):
    _, path = small
    with pytest.raises(ValueError, match=r"max_bytes must be an integer in \[0, inf\], got -1"):
        SeedStudy.load(path, max_bytes=-1)
    with pytest.raises(TypeError, match=r"max_bytes must be an integer, got 1e\+21 \(float\)"):
        SeedStudy.load(path, max_bytes=1e21)
    size = path.stat().st_size
    with pytest.raises(ValueError, match=f"is {size:,} bytes, more than max_bytes={size - 1:,}"):
        SeedStudy.load(path, max_bytes=size - 1)
    assert SeedStudy.load(path, max_bytes=size) == small[0]


def test_a_study_is_loaded_once_read_only_and_equal(small):
    study, path = small
    loaded = SeedStudy.load(path)
    assert loaded == study
    for array in (
        loaded.conv1_weight,
        loaded.conv1_bias,
        *loaded.metrics.values(),
        *loaded.final_state.values(),
    ):
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array.flat[0] = 1.0


def test_a_pickle_is_refused_and_never_run(tmp_path):
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (Path.touch, (marker,))

    path = tmp_path / "study.safetensors"
    path.write_bytes(pickle.dumps(Payload()))
    with pytest.raises(ValueError, match="not a valid cnnexplain seed study file"):
        SeedStudy.load(path)
    assert not marker.exists()


def test_a_model_section_that_sets_a_seed_is_refused_at_load(small, tmp_path):
    """Each member's seed is its own: a file whose model settings hold one would load, and then
    fail in ``study.model()`` with Python's 'multiple values for keyword argument'."""
    study, _ = small
    header = header_of(study)
    header["config"]["model"]["seed"] = 5
    path = tmp_path / "seeded.safetensors"
    path.write_bytes(safetensors.numpy.save(tensors_of(study), metadata={KEY: json.dumps(header)}))
    with pytest.raises(ValueError, match=r"config\['model'\] must not set a seed"):
        SeedStudy.load(path)


# -- the study cache checks what it returns, as the cache of runs does ------------------------------
SMALL = {
    "seeds": [0, 1],
    "arms": ("adam", "sgd"),
    "epochs": 0,
    "data": {"n_per_class": 4, "size": 20},
    "n_jobs": 1,
}


def forbid_training(monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("trained")

    monkeypatch.setattr(study_module, "train_chunk", fail)


def entry_of(folder: Path) -> Path:
    (entry,) = folder.glob("study-*.safetensors")
    return entry


def test_an_edited_study_entry_is_trained_again_with_a_warning(small, tmp_path):
    """Was returned as it was: NaN weights, or any other study file saved under the entry's name."""
    study = seed_study(**SMALL, cache_dir=tmp_path)
    entry = entry_of(tmp_path)
    weight = np.array(study.conv1_weight)
    weight[:] = np.nan
    edited = SeedStudy(
        study.config, weight, study.conv1_bias, study.metrics, study.trained_with, study.final_state
    )
    edited.save(entry, overwrite=True)
    with pytest.warns(RuntimeWarning, match="its bytes do not have the digest recorded for them"):
        assert seed_study(**SMALL, cache_dir=tmp_path) == study
    assert SeedStudy.load(entry) == study  # replaced, with its digest
    digest = (tmp_path / f"{entry.name}.sha256").read_text()
    assert digest == f"{hashlib.sha256(entry.read_bytes()).hexdigest()}  {entry.name}\n"


def test_a_study_entry_without_its_digest_is_not_trusted(tmp_path):
    study = seed_study(**SMALL, cache_dir=tmp_path)
    (tmp_path / f"{entry_of(tmp_path).name}.sha256").unlink()
    with pytest.warns(RuntimeWarning, match="it has no readable digest"):
        assert seed_study(**SMALL, cache_dir=tmp_path) == study


def test_a_folder_in_place_of_a_study_entry_is_an_error_before_training(tmp_path, monkeypatch):
    """Was a raw IsADirectoryError after the whole study had trained."""
    seed_study(**SMALL, cache_dir=tmp_path / "first")
    entry = tmp_path / entry_of(tmp_path / "first").name
    entry.mkdir()
    forbid_training(monkeypatch)
    with pytest.raises(ValueError, match=f"cache_dir: the cache entry {re.escape(str(entry))} is a folder"):
        seed_study(**SMALL, cache_dir=tmp_path)


def test_a_study_cache_that_cannot_be_locked_serves_what_it_holds(tmp_path, monkeypatch):
    """A shared cache the process cannot write (here a folder holds the lock's name, which fails for
    root too): was an OSError before the valid entry was read."""
    study = seed_study(**SMALL, cache_dir=tmp_path)
    entry = entry_of(tmp_path)
    (tmp_path / f"{entry.name}.lock").unlink()
    (tmp_path / f"{entry.name}.lock").mkdir()
    with monkeypatch.context() as patch:
        forbid_training(patch)
        assert seed_study(**SMALL, cache_dir=tmp_path) == study
    (tmp_path / f"{entry.name}.lock").rmdir()
    entry.unlink()
    (tmp_path / f"{entry.name}.lock").mkdir()
    with pytest.warns(
        RuntimeWarning, match="cannot lock the cache entry .* training the study without storing it"
    ):
        assert seed_study(**SMALL, cache_dir=tmp_path) == study
    assert not entry.exists()
