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

Besides it, the folder holds the smaller studies some pages compare it with
(:data:`EXTRA_STUDIES`: the same seeds, one arm, the data changed), kept the
same way: ``train`` trains each one missing, ``rekey`` renames each one whose
settings a page still asks for, ``copy`` copies them all.

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
#: The other studies pages read, committed beside the site's: the arguments of ``seed_study(SEEDS,
#: ...)`` for each, every other setting at its default. Each is one arm (Adam) on other line images,
#: with conv1 kept at the start and the end only: small files, where training them would add
#: minutes to a build (the line-thickness arm of why_edges/plot_06_principal_components).
EXTRA_STUDIES = {
    "lines 8 to 12 px thick": {
        "arms": ("adam",), "snapshots": False, "final_models": (), "data": {"thickness": (8, 12)},
    },
    "lines 1 px thick": {
        "arms": ("adam",), "snapshots": False, "final_models": (), "data": {"thickness": 1},
    },
}  # fmt: skip


def study_arguments() -> dict[str, dict]:
    """Every committed study, by what it is: the site's (no argument) and :data:`EXTRA_STUDIES`."""
    return {"the site's seed study": {}, **EXTRA_STUDIES}


def name_of(arguments: dict) -> str:
    """The file name the library's cache gives ``seed_study(SEEDS, **arguments)`` with the current code."""
    from cnnexplain.experiment import cache_key
    from cnnexplain.study import study_config

    return f"study-{cache_key(study_config(SEEDS, **arguments))}.safetensors"


def expected_name() -> str:
    """The file name the library's cache gives the site's study with the current training code."""
    return name_of({})


def expected_names() -> dict[str, str]:
    """The file name of every committed study (:func:`study_arguments`), by what it is."""
    return {what: name_of(arguments) for what, arguments in study_arguments().items()}


def train(folder: Path) -> Path:
    """Train every study into ``folder`` (unless it is there) and remove older studies from it.

    Returns the site's study.
    """
    from cnnexplain.study import seed_study

    folder.mkdir(parents=True, exist_ok=True)
    names = expected_names()
    for what, arguments in study_arguments().items():
        name = names[what]
        if not (folder / name).is_file():
            with tempfile.TemporaryDirectory() as scratch:
                seed_study(SEEDS, **arguments, cache_dir=scratch, progress=True)
                copy_atomically(Path(scratch) / name, folder / name)
        print(f"{what}: {folder / name}")
    for old in folder.glob(PATTERN):
        if old.name not in names.values():
            old.unlink()
            print(f"removed {old} (trained by other training code, or no page asks for it)")
    return folder / expected_name()


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
    """Keep the committed studies under the current code's names, if retrained members match them.

    Each study whose file lacks its current name is found, by its settings,
    among the files that have no current name, and one member of each of its
    arms (:data:`REKEY_MEMBERS`) is retrained. Nothing is renamed unless
    every study matches. Returns the site's study.
    """
    from cnnexplain.study import SeedStudy, study_config

    names = expected_names()
    found = sorted(folder.glob(PATTERN))
    stale = [path for path in found if path.name not in names.values()]
    missing = [what for what, name in names.items() if not (folder / name).is_file()]
    if not stale and not missing:
        print(f"the studies of {folder} already have the current training code's names")
        return folder / expected_name()
    if len(stale) != len(missing):
        raise SystemExit(
            f"rekey: expected one study in {folder} without its current name for each of the "
            f"{len(missing)} missing, found {len(stale)}; train them again (nox -s study)"
        )
    renames = []
    for path in stale:
        study = SeedStudy.load(path)
        arguments = study_arguments()
        what = next((w for w in missing if study_config(SEEDS, **arguments[w]) == study.config), None)
        if what is None:
            raise SystemExit(
                f"rekey: {path.name} holds a study no page asks for; train them again (nox -s study)"
            )
        missing.remove(what)
        for seed, arm in REKEY_MEMBERS:
            if arm not in study.arms:
                continue
            matches, distance = member_matches(study, seed, arm)
            print(f"{what}: seed {seed:3d} {arm:9s} retrained: {distance:.1e} of the largest weight away")
            if not matches:
                raise SystemExit(
                    f"rekey: the member {seed}/{arm} of {what}, trained by the current code, does not "
                    "match the committed study; train the study again (nox -s study)"
                )
        renames.append((path, folder / names[what]))
    for path, target in renames:
        os.replace(path, target)
        print(f"{path.name} -> {target.name}: the current code trains the same study")
    return folder / expected_name()


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
