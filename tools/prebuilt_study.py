"""Train the site's seed study once and keep it in the repository, or copy it into a cache.

The site's pages read one seed study: seeds 0 to 99, each trained for 8
epochs in seven arms (:data:`cnnexplain.study.ensemble.ARMS`), 700 networks.
On a 2-core machine that takes longer than the rest of the site's build, and
every cold build (the README's, the claims
builds of other seeds, the reproducibility check, the downloaded examples)
would pay it again. So the study is trained once and committed, under the
name the library's cache gives it (``study-<key>.safetensors``: the key
digests the study's settings and the training code, see
:data:`cnnexplain.experiment.TRAINING_SOURCES`); a build copies it into its
training cache, where :func:`cnnexplain.study.seed_study` finds it. A study
trained by other training code has another key and is never used:
``tests/test_prebuilt_study.py`` fails until it is trained again, and checks
that members retrained from scratch match it.

A change to the training code that cannot change a trained weight (a
docstring, a loader's checks) still changes the key. ``rekey`` then keeps the
committed study under the new key, after retraining one member of every arm
with the new code and finding each within the tolerance
``tests/test_prebuilt_study.py`` uses, with the same edge-test verdicts; any
member outside it, and the study must be trained again.

Usage::

    python tools/prebuilt_study.py train docs/_data     # or: nox -s study
    python tools/prebuilt_study.py rekey docs/_data
    python tools/prebuilt_study.py copy docs/_data CACHE_DIR
"""

from __future__ import annotations

import argparse
import filecmp
import os
import shutil
import sys
import tempfile
from pathlib import Path

#: The study the site's pages ask for: ``seed_study(SEEDS)`` with every other setting at its default.
SEEDS = range(100)
PATTERN = "study-*.safetensors"


def expected_name() -> str:
    """The file name the library's cache gives the site's study with the current training code."""
    from cnnexplain.experiment import cache_key
    from cnnexplain.study import study_config

    return f"study-{cache_key(study_config(SEEDS))}.safetensors"


def train(folder: Path) -> Path:
    """Train the study into ``folder`` (unless it is there) and remove older studies from it."""
    from cnnexplain.study import seed_study

    folder.mkdir(parents=True, exist_ok=True)
    name = expected_name()
    if not (folder / name).is_file():
        with tempfile.TemporaryDirectory() as scratch:
            seed_study(SEEDS, cache_dir=scratch, progress=True)
            copy_atomically(Path(scratch) / name, folder / name)
    for old in folder.glob(PATTERN):
        if old.name != name:
            old.unlink()
            print(f"removed {old} (trained by other training code)")
    print(f"the site's seed study: {folder / name}")
    return folder / name


#: The members ``rekey`` retrains, one per arm: the seeds ``tests/test_prebuilt_study.py`` does not.
REKEY_MEMBERS = (
    (11, "adam"),
    (12, "shuffled"),
    (13, "sgd"),
    (14, "swapped"),
    (15, "frozen"),
    (16, "gaussian"),
    (17, "whitened"),
)
#: How far a retrained member may end from the committed one, as a share of its largest weight
#: (the tests' tolerance: other CPUs round the convolutions differently; other code is a weight
#: scale away).
REKEY_TOLERANCE = 1e-3


def member_matches(study, seed: int, arm: str) -> tuple[bool, float]:
    """Retrain one member with the current code; whether it matches the study, and how far it ends."""
    import numpy as np

    from cnnexplain.analysis import is_edge_detector

    weight = np.asarray(study.retrain(seed, arm)["conv1.weight"])[:, :, 0]
    committed = study.conv1_weight[seed, study.arm(arm), :, :, 0]
    distance = float(np.abs(weight - committed).max() / np.abs(committed).max())
    same_verdicts = bool((is_edge_detector(weight) == is_edge_detector(committed)).all())
    return distance <= REKEY_TOLERANCE and same_verdicts, distance


def rekey(folder: Path) -> Path:
    """Keep the committed study under the current code's name, if retrained members match it."""
    from cnnexplain.study import SeedStudy

    name = expected_name()
    found = sorted(folder.glob(PATTERN))
    if [p.name for p in found] == [name]:
        print(f"{folder / name} already has the current training code's name")
        return folder / name
    if len(found) != 1:
        raise SystemExit(f"rekey: expected one study in {folder}, found {len(found)}")
    study = SeedStudy.load(found[0])
    for seed, arm in REKEY_MEMBERS:
        matches, distance = member_matches(study, seed, arm)
        print(f"seed {seed:3d} {arm:9s} retrained: {distance:.1e} of the largest weight away")
        if not matches:
            raise SystemExit(
                f"rekey: the member {seed}/{arm} trained by the current code does not match the "
                "committed study; train the study again (nox -s study)"
            )
    target = folder / name
    os.replace(found[0], target)
    print(f"{found[0].name} -> {name}: the current code trains the same study")
    return target


def copy(folder: Path, cache: Path) -> list[Path]:
    """Copy the studies of ``folder`` into the training cache ``cache``, leaving files already there.

    Each copy gets the digest the cache checks before it returns an entry
    (``cnnexplain/_cache.py``): the committed file is the trusted one. A study
    already in the cache with the committed bytes but no digest (copied before
    the cache checked digests) gets its digest; other bytes without one are
    left for the cache to find untrusted and train again.
    """
    from cnnexplain._cache import digest_path, write_digest

    cache.mkdir(parents=True, exist_ok=True)
    copied = []
    for study in sorted(folder.glob(PATTERN)):
        target = cache / study.name
        if not target.is_file():
            copy_atomically(study, target)
            write_digest(target)
            copied.append(target)
        elif not digest_path(target).exists() and filecmp.cmp(study, target, shallow=False):
            write_digest(target)
    return copied


def copy_atomically(source: Path, target: Path) -> None:
    """Copy ``source`` to ``target`` so that a reader of ``target`` never sees half a file."""
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    os.close(handle)
    try:
        shutil.copyfile(source, partial)
        os.replace(partial, target)
    except BaseException:
        Path(partial).unlink(missing_ok=True)
        raise


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    train_parser = commands.add_parser("train", help="train the study into FOLDER, removing older ones")
    train_parser.add_argument("folder", type=Path)
    rekey_parser = commands.add_parser(
        "rekey", help="keep the study of FOLDER under the current code's name, if retrained members match"
    )
    rekey_parser.add_argument("folder", type=Path)
    copy_parser = commands.add_parser("copy", help="copy the studies of FOLDER into the cache CACHE")
    copy_parser.add_argument("folder", type=Path)
    copy_parser.add_argument("cache", type=Path)
    args = parser.parse_args(argv)
    if args.command == "train":
        train(args.folder)
    elif args.command == "rekey":
        rekey(args.folder)
    else:
        for path in copy(args.folder, args.cache):
            print(f"prebuilt seed study copied to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
