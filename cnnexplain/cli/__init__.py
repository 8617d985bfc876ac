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
import os
import sys
from collections.abc import Sequence

from .. import __version__
from ..history import MAX_LOAD_BYTES
from ..study import ARMS, MAX_SEEDS, seed_study
from ._commands import _cmd_explore, _cmd_figures, _cmd_info, _cmd_study, _cmd_train
from ._common import (
    DEFAULTS,
    DRAWN_SNAPSHOTS,
    EXIT_BUG,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    MAX_DRAWN_SNAPSHOTS,
    MAX_SEED,
    PROG,
    STUDY_FILE,
    TRAIN_OPTIONS,
    CommandError,
    _arm_list,
    _in_range,
    _Parser,
    _say,
)

__all__ = ["build_parser", "main"]


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
