"""What the command's modules share: exit statuses, limits, messages and argument types."""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable
from typing import NoReturn

from .._text import printable
from ..data import ORIENTATIONS
from ..experiment import resolve_config
from ..study import ARMS

PROG = "cnnexplain"
EXIT_BUG = 1
EXIT_USAGE = 2  # as argparse uses
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report Ctrl-C

#: Every setting of a run with its default: the library's, never restated here.
DEFAULTS = resolve_config()
#: Snapshots the kernel animation of ``figures`` and an explorer page hold by default: every
#: epoch of the default run (20 epochs and the start) fits, and a batch-recorded history gets
#: the ones where the kernels move.
DRAWN_SNAPSHOTS = 21
#: The most ``--snapshots`` may ask for: each is one more frame of the GIF to draw, or the
#: model's weights once more in the page (the default run's take 142 KB there). The same as
#: the library's ``cnnexplain.viz.explorer.MAX_SNAPSHOTS`` (not imported: the command line
#: starts without matplotlib; a test keeps the two equal).
MAX_DRAWN_SNAPSHOTS = 256
#: The largest seed: a history records its seeds as 64-bit integers.
MAX_SEED = 2**63 - 1
#: The largest ``--batch-size``: more images than any data set ``train`` makes.
MAX_BATCH_SIZE = 1_000_000
#: The file ``cnnexplain study`` writes in its output folder.
STUDY_FILE = "study.safetensors"


class CommandError(Exception):
    """A problem with an argument or a file, found by a command: one line, exit status 2."""


def _say(message: object) -> None:
    """Print one line on stderr: whitespace runs become one space, other control characters are escaped."""
    print(f"{PROG}: {printable(' '.join(str(message).split()))}", file=sys.stderr, flush=True)


def _out(*lines: str) -> None:
    """Print lines on stdout, each with its control characters escaped (it may hold a file's strings)."""
    print("\n".join(printable(line) for line in lines), flush=True)


# -- arguments -----------------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors take one line."""

    def error(self, message: str) -> NoReturn:
        _say(f"error: {message} (see '{self.prog} --help')")
        self.exit(EXIT_USAGE)


def _in_range(kind: type, low: float, high: float = math.inf, *, low_open: bool = False) -> Callable:
    """An argparse type: a number of type ``kind`` in ``[low, high]``, or ``(low, high]`` if ``low_open``."""

    what = "an integer" if kind is int else "a number"
    bound = (lambda x: str(int(x)) if math.isfinite(x) else "inf") if kind is int else (lambda x: f"{x:g}")
    interval = f"{'(' if low_open else '['}{bound(low)}, {bound(high)}]"

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {what}, got {text!r}") from None
        if not (low < value if low_open else low <= value) or not value <= high:  # also false for nan
            raise argparse.ArgumentTypeError(f"expected {what} in {interval}, got {text}")
        return value

    return parse


#: The options of ``train``: the setting of the run each one sets (its default is the library's), its
#: help and how argparse reads it. ``--seed`` also seeds the model, ``--data-seed`` also the split.
TRAIN_OPTIONS = (
    ("--epochs", "training.epochs", "passes over the training images", {"type": _in_range(int, 0, 10_000)}),
    ("--batch-size", "training.batch_size", "images per step", {"type": _in_range(int, 1, MAX_BATCH_SIZE)}),
    ("--lr", "training.lr", "the optimizer's learning rate", {"type": _in_range(float, 0, 10, low_open=True)}),
    ("--optimizer", "training.optimizer", "Adam, or plain SGD", {"choices": ("adam", "sgd")}),
    ("--seed", "training.seed", "seed of the initial weights, shuffling and dropout", {"type": _in_range(int, 0, MAX_SEED)}),
    ("--record", "training.record", "snapshot the weights after every epoch or batch", {"choices": ("epoch", "batch")}),
    ("--kernels", "model.n_kernels", "first-layer kernels", {"type": _in_range(int, 1, 1024)}),
    ("--kernel-size", "model.kernel_size", "their side in pixels", {"type": _in_range(int, 1, 64)}),
    ("--n-per-class", "data.n_per_class", "images per class (3 or more)", {"type": _in_range(int, 3, 100_000)}),
    ("--size", "data.size", "side of the images in pixels", {"type": _in_range(int, 8, 512)}),
    ("--noise", "data.noise", "std of the pixel noise", {"type": _in_range(float, 0, 1)}),
    ("--orientations", "data.orientations", "the classes, two or more", {"nargs": "+", "choices": ORIENTATIONS, "metavar": "NAME"}),
    ("--data-seed", "data.seed", "seed of the images and of the split", {"type": _in_range(int, 0, MAX_SEED)}),
)  # fmt: skip


def _arm_list(text: str) -> list[str]:
    """An argparse type: comma-separated, distinct arm names."""
    arms = [name.strip() for name in text.split(",")]
    unknown = [name for name in arms if name not in ARMS]
    if unknown or len(set(arms)) != len(arms):
        raise argparse.ArgumentTypeError(f"expected distinct names among {','.join(ARMS)}, got {text!r}")
    return arms
