"""Saving without losing a file: exclusive creation, kept permissions, and links to nothing.

Every saver of cnnexplain (a history, an explorer page, a GIF) writes through
``cnnexplain._io``. Without ``overwrite``, of two writers of the same new
file exactly one must succeed, and anything already at the name -- even a
symbolic link to nothing -- must be kept. With ``overwrite``, a replaced file
keeps its permissions.
"""

from __future__ import annotations

import multiprocessing
import os
import stat
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib import pyplot as plt

from cnnexplain import viz
from cnnexplain.history import WeightHistory

# A GIF refused before it is drawn leaves an animation that never rendered; matplotlib warns when it goes.
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering:UserWarning")


def small_history() -> WeightHistory:
    steps = np.array([[0, 0], [1, 1]], np.int64)
    return WeightHistory({"w": np.arange(6, dtype=np.float32).reshape(2, 3)}, steps, {}, {})


@pytest.fixture(scope="module")
def explorer(tiny_run):
    return viz.Explorer(tiny_run[1], snapshots=[0, 2])


def gif_saver(path: Path, **kwargs) -> Path:
    anim = viz.animate_kernels(small_conv_history())
    try:
        return viz.save_gif(anim, path, fps=4, dpi=20, **kwargs)
    finally:
        plt.close("all")


def small_conv_history() -> WeightHistory:
    steps = np.array([[0, 0], [1, 1]], np.int64)
    weight = np.linspace(-1, 1, 2 * 2 * 9, dtype=np.float32).reshape(2, 2, 1, 3, 3)
    return WeightHistory({"conv1.weight": weight}, steps, {}, {})


#: Each saver as ``save(path, overwrite=...)``, and its default for ``overwrite``.
SAVERS = {
    "WeightHistory.save": lambda path, explorer, **kw: small_history().save(path, **kw),
    "Explorer.save": lambda path, explorer, **kw: explorer.save(path, **kw),
    "save_gif": lambda path, explorer, **kw: gif_saver(path, **kw),
}


def suffix(name: str) -> str:
    return ".gif" if name == "save_gif" else ".out"


@pytest.mark.parametrize("name", list(SAVERS))
def test_a_file_made_by_another_writer_while_saving_is_kept(name, explorer, tmp_path, monkeypatch):
    """The name is taken between the start of a save and its end: the save fails, the other file stays."""
    target = tmp_path / f"target{suffix(name)}"
    real_fsync = os.fsync

    def rival_writes_first(fd):  # runs after the new file is complete, before it is published
        if not target.exists():
            target.write_bytes(b"the other writer's file")
        return real_fsync(fd)

    monkeypatch.setattr(os, "fsync", rival_writes_first)
    with pytest.raises(FileExistsError, match="exists"):
        SAVERS[name](target, explorer, overwrite=False)
    assert target.read_bytes() == b"the other writer's file"
    assert os.listdir(tmp_path) == [target.name]  # no temporary file left


@pytest.mark.parametrize("name", list(SAVERS))
def test_a_symbolic_link_to_nothing_is_an_existing_file(name, explorer, tmp_path):
    link = tmp_path / f"link{suffix(name)}"
    link.symlink_to(tmp_path / "nowhere")
    with pytest.raises(FileExistsError, match="exists"):
        SAVERS[name](link, explorer, overwrite=False)
    assert link.is_symlink() and os.readlink(link) == str(tmp_path / "nowhere")
    assert not (tmp_path / "nowhere").exists()


@pytest.mark.parametrize("name", list(SAVERS))
def test_overwrite_keeps_the_permissions_of_the_file_it_replaces(name, explorer, tmp_path):
    target = tmp_path / f"private{suffix(name)}"
    target.write_bytes(b"old")
    target.chmod(0o600)
    SAVERS[name](target, explorer, overwrite=True)
    assert target.read_bytes() != b"old"
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_new_file_gets_the_usual_permissions(tmp_path):
    umask = os.umask(0o022)
    os.umask(umask)
    path = small_history().save(tmp_path / "new.safetensors")
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


TRIALS = 30


def _save_in_turns(folder: Path, barrier, results, who: int) -> None:
    history = small_history()
    for trial in range(TRIALS):
        barrier.wait()  # both processes start each save together
        try:
            history.save(folder / f"{trial}.safetensors")
            results.put((trial, who, "saved"))
        except FileExistsError:
            results.put((trial, who, "refused"))


@pytest.mark.skipif(sys.platform != "linux", reason="forks the test process")
def test_of_two_processes_saving_the_same_new_file_exactly_one_succeeds(tmp_path):
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(2), context.Queue()
    workers = [
        context.Process(target=_save_in_turns, args=(tmp_path, barrier, results, who)) for who in (0, 1)
    ]
    for worker in workers:
        worker.start()
    outcomes: dict[int, list[str]] = {}
    for _ in range(2 * TRIALS):
        trial, _, outcome = results.get(timeout=120)
        outcomes.setdefault(trial, []).append(outcome)
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    both_saved = [trial for trial, got in outcomes.items() if sorted(got) != ["refused", "saved"]]
    assert not both_saved, f"trials where both or neither saved: {both_saved}"
    for trial in range(TRIALS):
        assert WeightHistory.load(tmp_path / f"{trial}.safetensors") == small_history()
    assert len(os.listdir(tmp_path)) == TRIALS  # no temporary file left
