"""The ``cnnexplain`` command: train a run, describe it, redraw its figures, explore it live.

::

    cnnexplain train --epochs 20 --seed 0 -o run.safetensors   # train, save the weight history
    cnnexplain info run.safetensors                             # configuration, steps, final metrics
    cnnexplain figures run.safetensors -o figures/              # the article's figures and animation
    cnnexplain explore run.safetensors -o explorer.html         # the network live in a web page
    cnnexplain study --seeds 100 -o study/                      # 100 seeds x 7 arms: conv1, metrics, Adam's models

``python -m cnnexplain`` is the same command. Every subcommand has ``--help``.

The command parses arguments and prints; the library does the work:
:func:`~cnnexplain.experiment.experiment` trains (so a run made here is the
gallery's run for the same settings, with the library's defaults),
:meth:`~cnnexplain.experiment.Experiment.from_history` rebuilds a run's data
from its history, :func:`~cnnexplain.analysis.selective_kernels` picks the
kernels to show, :mod:`cnnexplain.viz` draws and
:class:`~cnnexplain.viz.Explorer` writes the live page, and
:func:`~cnnexplain.study.seed_study` trains a seed study.

Exit status: 0 on success; 2 for a bad argument or an unreadable, corrupt or
missing file, with a one-line message; 130 when interrupted (Ctrl-C; an
interrupted ``train`` still saves the history recorded so far); 1 for an
unexpected error, which is a bug: one line says so, ``--debug`` shows where.

A history file may come from anyone, so the commands that read one bound
what they do before they do it: the file is read only if it is at most
``--max-bytes`` (1 GiB by default), and ``figures`` and ``explore`` rebuild a
run only if its model holds exactly the history's parameters, as finite
floats, with no layer giving more than 2**18 values per image, and its data
set at most 2**25 pixels (``cnnexplain/_limits.py``); they draw at most
``--snapshots`` snapshots (21 by default, 256 at most). Every string from a
file or an argument is printed with its control characters escaped, so a
file cannot rewrite what the terminal shows.
"""

from __future__ import annotations

import argparse
import inspect
import json
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import torch

from . import __version__
from ._io import atomic_write, exists
from ._limits import check_curves, check_run
from ._text import printable
from .data import ORIENTATIONS
from .experiment import Experiment, default_seed, experiment, resolve_config
from .history import MAX_LOAD_BYTES, WeightHistory
from .model import LineCNN
from .study import ARMS, MAX_SEEDS, check_scheduler, seed_study

__all__ = ["main"]

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


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``cnnexplain`` command and its subcommands.

    Returns
    -------
    argparse.ArgumentParser
        The parser; the namespace of each subcommand has ``run``, the function that runs it.
    """
    parser = _Parser(
        prog=PROG,
        description="Train the CNN of cnnexplain, describe a run, redraw its figures, explore it live.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show the traceback of an unexpected error")
    file_help = "history file written by 'cnnexplain train'"
    reads = argparse.ArgumentParser(add_help=False)  # the options of the commands that read a history
    reads.add_argument(
        "--max-bytes",
        type=_in_range(int, 0),
        default=MAX_LOAD_BYTES,
        metavar="BYTES",
        help="read a history file of at most BYTES bytes (default: %(default)s, 1 GiB)",
    )
    drawn = {
        "type": _in_range(int, 2, MAX_DRAWN_SNAPSHOTS),
        "default": DRAWN_SNAPSHOTS,
        "metavar": "N",
    }

    p = commands.add_parser("train", parents=[common], help="train the CNN and save its weight history")
    p.description = (
        f"Draw line images, hold out {DEFAULTS['split']['test_fraction']:.0%} of each class for "
        "validation, train the CNN and save its weights after every epoch (or batch) and its metrics. "
        "Ctrl-C stops training and saves what was recorded so far."
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="history to write (.safetensors)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
    groups = {section: p.add_argument_group(section) for section in ("training", "model", "data")}
    for flag, setting, text, how in TRAIN_OPTIONS:
        section, name = setting.split(".")
        default = DEFAULTS[section][name]
        shown = " ".join(default) if isinstance(default, list) else default
        groups[section].add_argument(flag, default=default, help=f"{text} (default: {shown})", **how)
    p.set_defaults(run=_cmd_train, parser=p)

    p = commands.add_parser(
        "info", parents=[common, reads], help="print a run's settings, snapshots and metrics"
    )
    p.add_argument("history", metavar="FILE", help=file_help)
    p.add_argument(
        "--json",
        action="store_true",
        help="print the same as one JSON object (a metric that is not a finite number is written as "
        'the string "NaN", "Infinity" or "-Infinity": JSON has no such numbers)',
    )
    p.set_defaults(run=_cmd_info, parser=p)

    p = commands.add_parser(
        "figures", parents=[common, reads], help="write the article's figures and animation"
    )
    p.description = (
        "Redraw the article's figures (PNG) and the kernel animation (GIF) from a saved run, with its "
        "images regenerated from the settings the history records. Replaces files of the same names."
    )
    p.add_argument("history", metavar="FILE", help=file_help)
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write into (created)")
    p.add_argument(
        "--snapshots",
        **drawn,
        help=f"animate at most N snapshots, chosen where the kernels move most (default: %(default)s; "
        f"at most {MAX_DRAWN_SNAPSHOTS})",
    )
    p.set_defaults(run=_cmd_figures, parser=p)

    p = commands.add_parser("explore", parents=[common, reads], help="write the run live in one web page")
    p.description = (
        "Write one HTML file that runs the trained network in the browser: draw an image, move through "
        "training, see every layer's output and the arithmetic of each convolution. It works offline, "
        "opened from disk, and makes no network request."
    )
    p.add_argument("history", metavar="FILE", help=file_help)
    p.add_argument("-o", "--output", required=True, metavar="HTML", help="page to write (.html)")
    p.add_argument(
        "--snapshots",
        **drawn,
        help=f"at most N snapshots, chosen where the kernels move most (default: %(default)s; "
        f"at most {MAX_DRAWN_SNAPSHOTS})",
    )
    p.add_argument("--force", action="store_true", help="replace HTML if it exists")
    p.set_defaults(run=_cmd_explore, parser=p)

    p = commands.add_parser(
        "study", parents=[common], help="train many seeds, each with a shuffled-label and an SGD twin"
    )
    p.description = (
        "Train the default run for many seeds, each seed in every arm: 'adam' (the run of "
        "'cnnexplain train --seed SEED'), 'shuffled' (the same start and batches, shuffled labels) "
        "and 'sgd' (the same start and batches, plain SGD). The seeds train in batched chunks, in "
        "parallel processes or on a Dask cluster; the result does not depend on how. Writes "
        f"DIR/{STUDY_FILE}: conv1 after every epoch and the metrics of every member."
    )
    defaults = inspect.signature(seed_study).parameters
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write into (created)")
    p.add_argument("--force", action="store_true", help=f"replace DIR/{STUDY_FILE} if it exists")
    p.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
    p.add_argument(
        "--seeds",
        type=_in_range(int, 1, MAX_SEEDS),
        default=100,
        help="how many seeds (default: %(default)s)",
    )
    p.add_argument(
        "--first-seed",
        type=_in_range(int, 0, MAX_SEED),
        default=0,
        help="the first seed; the others follow it (default: 0)",
    )
    p.add_argument(
        "--arms",
        type=_arm_list,
        default=list(defaults["arms"].default),
        metavar="ARM,...",
        help=f"comma-separated, among {','.join(ARMS)} (default: {','.join(defaults['arms'].default)})",
    )
    p.add_argument(
        "--epochs",
        type=_in_range(int, 0, 10_000),
        default=defaults["epochs"].default,
        help="epochs of every member (default: %(default)s)",
    )
    p.add_argument(
        "--chunk-size",
        type=_in_range(int, 1, MAX_SEEDS),
        default=defaults["chunk_size"].default,
        help="seeds trained together in one process (default: %(default)s)",
    )
    p.add_argument(
        "--jobs",
        type=_in_range(int, 1, 1024),
        default=None,
        help="chunks at once (default: one per core, or every worker of the cluster)",
    )
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on this Dask cluster, e.g. tcp://host:8786 (needs: pip install cnnexplain[study])",
    )
    p.set_defaults(run=_cmd_study, parser=p)
    return parser


def _arm_list(text: str) -> list[str]:
    """An argparse type: comma-separated, distinct arm names."""
    arms = [name.strip() for name in text.split(",")]
    unknown = [name for name in arms if name not in ARMS]
    if unknown or len(set(arms)) != len(arms):
        raise argparse.ArgumentTypeError(f"expected distinct names among {','.join(ARMS)}, got {text!r}")
    return arms


def _load(args: argparse.Namespace) -> WeightHistory:
    """The history ``args.history``, read only if it is at most ``--max-bytes`` long."""
    path = Path(args.history)
    try:
        size = path.stat().st_size if path.is_file() else None
        if size is not None and size > args.max_bytes:
            raise CommandError(
                f"{path} is {size:,} bytes, more than --max-bytes {args.max_bytes:,}; "
                "pass a larger --max-bytes to read it"
            )
        return WeightHistory.load(path, max_bytes=args.max_bytes)
    except (OSError, ValueError) as exc:  # missing, unreadable, not a history, corrupt
        raise CommandError(exc) from None


def _check_drawable(history: WeightHistory, failure: str, *, curves: bool) -> None:
    """Refuse, before anything is built, a run too large to rebuild or that cannot be drawn."""
    try:
        check_run(history)
        if curves:
            check_curves(history)
    except ValueError as exc:
        raise CommandError(f"{failure}: {exc}") from None


# -- train ---------------------------------------------------------------------
def _run_settings(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """The arguments of :func:`~cnnexplain.experiment.experiment` that ``args`` ask for."""
    settings: dict[str, dict[str, Any]] = {"data": {}, "model": {}, "training": {}, "split": {}}
    for flag, setting, _, _ in TRAIN_OPTIONS:
        section, name = setting.split(".")
        settings[section][name] = getattr(args, flag[2:].replace("-", "_"))
    settings["model"]["seed"] = args.seed
    settings["split"]["seed"] = args.data_seed
    return settings


def _check_output_file(path: Path, *, force: bool) -> None:
    """Fail before training, not after, if ``path`` cannot be written."""
    if path.is_dir():
        raise CommandError(f"output {path} is a folder; give a file name such as {path / 'run.safetensors'}")
    if exists(path) and not force:  # a symbolic link to nothing counts: writing would replace it
        raise CommandError(f"output {path} exists; pass --force to replace it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    if not os.access(path.parent, os.W_OK):
        raise CommandError(f"cannot write {path}: its folder is not writable")


def _cmd_train(args: argparse.Namespace) -> int:
    if len(set(args.orientations)) < 2:
        args.parser.error(f"argument --orientations: give two or more distinct ones, got {args.orientations}")
    try:  # experiment() reads it, although every seed is given here
        default_seed()
    except ValueError as exc:
        raise CommandError(f"environment variable {exc}") from None
    settings = _run_settings(args)
    try:  # the library's own checks of the settings together (do the kernels fit the images?)
        LineCNN(**resolve_config(**settings)["model"])
    except (TypeError, ValueError) as exc:
        args.parser.error(str(exc))
    output = Path(args.output)
    _check_output_file(output, force=args.force)

    start = time.perf_counter()
    with warnings.catch_warnings():  # train() warns when Ctrl-C stops it; we say so ourselves
        warnings.filterwarnings("ignore", message="training interrupted", category=RuntimeWarning)
        history = experiment(
            **settings, cache_dir=False, progress=False if args.no_progress else None
        ).history
    seconds = time.perf_counter() - start
    try:
        path = history.save(output, overwrite=args.force)
    except FileExistsError:
        raise CommandError(f"output {output} appeared while training; pass --force to replace it") from None
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None

    done, accuracy = history.config["training"]["completed_epochs"], history.metrics["val_accuracy"][-1]
    partial = not history.completed
    what = f"{done} of {args.epochs} epochs (interrupted)" if partial else f"{done} epoch{'s' * (done != 1)}"
    where = f"{'the partial history to ' * partial}{path} ({path.stat().st_size:,} bytes)"
    _out(f"trained {what} in {seconds:.1f} s: test accuracy {accuracy:.3f}; wrote {where}")
    if partial:
        _say(f"interrupted: saved the {len(history)} snapshots recorded so far to {path}")
        return EXIT_INTERRUPTED
    return 0


# -- info ----------------------------------------------------------------------
def _format_value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_format_value(v)}" for k, v in value.items() if k != "part")
    if isinstance(value, list):
        return ", ".join(_format_value(v) for v in value) if value else "none"
    return "none" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


def _section_lines(title: str, section: Any, *, skip: Sequence[str] = ()) -> list[str]:
    if not isinstance(section, dict) or not section:
        return [f"{title}: not recorded"]
    width = max(len(k) for k in section)
    return [title, *(f"  {k.ljust(width)}  {_format_value(v)}" for k, v in section.items() if k not in skip)]


def _step_label(step: Sequence[int]) -> str:
    return "epoch 0 (initial)" if step[0] == 0 else f"epoch {step[0]} batch {step[1]}"


def _json_number(value: float | None) -> float | str | None:
    """``value`` for JSON, which has no NaN or infinity: those become "NaN", "Infinity", "-Infinity".

    The strings are the names Python's ``float()`` and JavaScript's ``Number()`` read back.
    """
    if value is None or math.isfinite(value):
        return value
    return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"


def _cmd_info(args: argparse.Namespace) -> int:
    path, history = Path(args.history), _load(args)
    config = history.config
    training = config.get("training") or {}
    final = {k: float(v[-1]) if len(v) else None for k, v in history.metrics.items()}
    n_params = int(sum(history[k][0].size for k in history))
    if args.json:
        info = {"file": str(path), "complete": history.completed, "snapshots": len(history)}
        info |= {"steps": history.steps[[0, -1]].tolist(), "parameters": n_params}
        final_json = {k: _json_number(v) for k, v in final.items()}
        # ensure_ascii (the default) writes every control character as \u escape: nothing raw reaches the terminal.
        print(json.dumps({**info, "config": config, "final_metrics": final_json}, indent=2, allow_nan=False))
        return 0
    done, epochs = training.get("completed_epochs"), training.get("epochs")
    span = _step_label(history.steps[0])
    if len(history) > 1:
        span += f" to {_step_label(history.steps[-1])}, one per {training.get('record')}"
    lines = [
        f"history    {path} ({path.stat().st_size:,} bytes, by cnnexplain {config.get('cnnexplain_version')})",
        f"complete   yes ({done} of {epochs} epochs)"
        if history.completed
        else f"complete   NO: interrupted after {done} of {epochs} epochs",
        f"snapshots  {len(history)}: {span}",
        *_section_lines("data", config.get("dataset")),
        *_section_lines(f"model ({n_params:,} parameters)", config.get("model")),
        *_section_lines("training", training, skip=("completed_epochs",)),
        *_section_lines(
            f"final metrics (epoch {done})", {k: f"{v:.4f}" for k, v in final.items() if v is not None}
        ),
    ]
    _out(*lines)
    return 0


# -- figures -------------------------------------------------------------------
def _figures(viz, run: Experiment, picks: list[int], frames: list[int]) -> dict[str, Callable[[], Any]]:
    """The figures of a run, in the article's order: file name -> how to draw it (the animation: ``frames``)."""
    from .edges import PREWITT_X, PREWITT_Y

    history, model, test = run.history, run.model, run.test_set
    first = [test.of_class(name).images[0] for name in test.classes]  # a held-out image of each class
    prewitt = PREWITT_Y if test.classes[0] == "horizontal" else PREWITT_X  # the one for the first class
    before_after = {"before training": history.model_at(0), "after training": model}
    return {
        "samples.png": lambda: viz.plot_samples(run.data, n_per_class=6),
        "prewitt.png": lambda: viz.plot_convolution(first[0][0], prewitt),
        "training_curves.png": lambda: viz.plot_training_curves(history),
        "kernels.gif": lambda: viz.animate_kernels(history, layer="conv1", steps=frames),
        "kernels_compare.png": lambda: viz.plot_kernels_compare(history, layer="conv1", steps=(0, -1)),
        "kernels.png": lambda: viz.plot_kernels(history, layer="conv1", step=-1),
        "convolution_learned.png": lambda: viz.plot_convolution(
            first[0][0], history["conv1.weight"][-1, picks[0], 0]
        ),
        "feature_maps.png": lambda: viz.plot_feature_maps(before_after, torch.stack(first), picks),
        "forward_pass.png": lambda: viz.plot_forward_pass(model, first[0], class_names=list(test.classes)),
    }


def _save(viz, drawn: Any, path: Path) -> None:
    """Save a figure (PNG) or an animation (GIF) atomically, with the same bytes for the same run."""
    import matplotlib.pyplot as plt
    from matplotlib.animation import Animation

    def write_png(tmp: Path) -> None:  # no "Software" entry (it names matplotlib's version), no date
        drawn.savefig(tmp, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.05)

    try:
        if isinstance(drawn, Animation):
            viz.save_gif(drawn, path)
        else:
            atomic_write(path, write_png)
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        plt.close("all")


def _cmd_figures(args: argparse.Namespace) -> int:
    history, folder = _load(args), Path(args.output)
    if exists(folder) and not folder.is_dir():
        raise CommandError(f"output {folder} exists and is not a folder")
    _check_drawable(history, f"cannot draw the figures of {args.history}", curves=True)
    try:
        run = Experiment.from_history(history)
    except ValueError as exc:  # its documented answer to a history it cannot rebuild
        raise CommandError(f"cannot draw the figures of {args.history}: {exc}") from None
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # files only; never open a window
    from . import viz
    from .analysis import selective_kernels

    picks = selective_kernels(run.model, run.test_set)  # the most selective kernel of each class, in order
    chosen = ", ".join(f"{k} for {name}" for name, k in zip(run.test_set.classes, picks))
    _say(f"note: most class-selective conv1 kernels (numbered from 0): {chosen}")
    frames = viz.pick_snapshots(history, args.snapshots)
    if len(frames) < len(history):
        _say(f"note: the animation shows {len(frames)} of the {len(history)} snapshots (--snapshots)")
    figures = _figures(viz, run, picks, frames)
    width = max(len(printable(folder / name)) for name in figures)
    for name, draw in figures.items():
        _save(viz, draw(), folder / name)
        _out(f"{printable(folder / name).ljust(width)}  {(folder / name).stat().st_size:>9,} bytes")
    _out(f"wrote {len(figures)} files to {folder}")
    return 0


# -- explore -------------------------------------------------------------------
def _cmd_explore(args: argparse.Namespace) -> int:
    history, path = _load(args), Path(args.output)
    _check_output_file(path, force=args.force)
    _check_drawable(history, f"cannot build the explorer of {args.history}", curves=False)
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # the page's colour maps come from matplotlib; never open a window
    from . import viz

    try:
        explorer = viz.Explorer(history, snapshots=viz.pick_snapshots(history, args.snapshots))
    except (TypeError, ValueError) as exc:  # not a LineCNN's history, or one without a convolution
        raise CommandError(f"cannot build the explorer of {args.history}: {exc}") from None
    try:
        explorer.save(path, overwrite=args.force)
    except FileExistsError:
        raise CommandError(
            f"output {path} appeared while building the page; pass --force to replace it"
        ) from None
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None
    epochs = ", ".join(f"{epoch:g}" for epoch in explorer.epochs)
    _out(
        f"wrote {path} ({path.stat().st_size:,} bytes): {len(explorer.snapshots)} snapshots, epochs {epochs}",
        f"open it in a browser: {path.resolve().as_uri()}",
    )
    return 0


# -- study ---------------------------------------------------------------------
def _cmd_study(args: argparse.Namespace) -> int:
    folder = Path(args.output)
    if exists(folder) and not folder.is_dir():
        raise CommandError(f"output {folder} exists and is not a folder")
    if args.first_seed + args.seeds - 1 > MAX_SEED:
        args.parser.error(
            f"argument --first-seed: the last seed, {args.first_seed} + {args.seeds} - 1, "
            f"must be at most {MAX_SEED} (2**63 - 1)"
        )
    output = folder / STUDY_FILE
    _check_output_file(output, force=args.force)
    if args.scheduler is not None:
        try:
            check_scheduler(args.scheduler)
        except (ImportError, ValueError) as exc:  # no dask.distributed, or not an address
            raise CommandError(exc) from None
    seeds = range(args.first_seed, args.first_seed + args.seeds)
    start = time.perf_counter()
    try:
        study = seed_study(
            seeds,
            args.arms,
            epochs=args.epochs,
            chunk_size=args.chunk_size,
            n_jobs=args.jobs,
            scheduler=args.scheduler,
            cache_dir=False,
            progress=False if args.no_progress else None,
        )
    except OSError as exc:  # no scheduler answers at that address
        raise CommandError(f"cannot run on the cluster at {args.scheduler}: {exc}") from None
    seconds = time.perf_counter() - start
    try:
        path = study.save(output, overwrite=args.force)
    except FileExistsError:
        raise CommandError(f"output {output} appeared while training; pass --force to replace it") from None
    except OSError as exc:
        raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
    accuracy = ", ".join(
        f"{arm} {study.final_accuracy[:, i].mean():.3f} (lowest {study.final_accuracy[:, i].min():.3f})"
        for i, arm in enumerate(study.arms)
    )
    _out(
        f"trained {len(study)} seeds x {len(study.arms)} arms, {args.epochs} epochs, in {seconds:.1f} s; "
        f"mean final test accuracy: {accuracy}; wrote {path} ({path.stat().st_size:,} bytes)"
    )
    return 0


# -- entry point ---------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cnnexplain`` command with ``argv`` (default: ``sys.argv[1:]``).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments, without the program name.

    Returns
    -------
    int
        The exit status: 0 on success, 1 for an unexpected error (a bug), 2
        for a bad argument or file, 130 if interrupted.
    """
    args = None
    try:
        args, extra = build_parser().parse_known_args(argv)
        if extra:  # name the subcommand's --help in the message, not the top one
            args.parser.error(f"unrecognized arguments: {' '.join(extra)}")
        return args.run(args)
    except SystemExit as exc:  # --help, --version, and usage errors (one line, see _Parser)
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    except CommandError as exc:
        _say(f"error: {exc}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (cnnexplain info run.safetensors | head -3)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except Exception as exc:
        if getattr(args, "debug", False):
            raise
        _say(f"internal error (a bug in cnnexplain): {type(exc).__name__}: {exc}; --debug shows where")
        return EXIT_BUG
