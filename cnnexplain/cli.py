"""The ``cnnexplain`` command: train a run, describe it, redraw its figures.

::

    cnnexplain train --epochs 20 --seed 0 -o run.npz   # train, save the weight history
    cnnexplain info run.npz                             # configuration, steps, final metrics
    cnnexplain figures run.npz -o figures/              # the article's figures (PNG) and animation (GIF)

``python -m cnnexplain`` is the same command. Every subcommand has ``--help``.

Exit status: 0 on success; 2 for a bad argument or an unreadable, corrupt or
missing file, with a one-line message on standard error and never a
traceback; 130 when interrupted (Ctrl-C). An interrupted ``train`` still
saves the history recorded so far. Set ``CNNEXPLAIN_DEBUG=1`` to get the full
traceback of an error instead of the one-line message.

The command builds on the public library only: :func:`~cnnexplain.experiment.experiment`
trains (so a run made here is the same run as in the gallery for the same
settings), :class:`~cnnexplain.history.WeightHistory` reads and writes the
history, and :mod:`cnnexplain.viz` draws; matplotlib is imported only by
``figures``.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import secrets
import shutil
import sys
import textwrap
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

import torch

from . import __version__
from ._io import atomic_write
from .data import ORIENTATIONS
from .history import METRICS, WeightHistory

__all__ = ["main"]

PROG = "cnnexplain"
#: Exit status of a bad argument or an unreadable file (as argparse uses).
EXIT_USAGE = 2
#: Exit status after Ctrl-C (128 + SIGINT), as shells report it.
EXIT_INTERRUPTED = 130

#: The fraction of each class held out for validation by ``train``.
TEST_FRACTION = 0.2


class CommandError(Exception):
    """A user error found by a command: reported in one line, exit status 2."""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _say(message: str) -> None:
    print(f"{PROG}: {_one_line(message)}", file=sys.stderr, flush=True)


def _human_size(n_bytes: int) -> str:
    if n_bytes < 1000:
        return f"{n_bytes} B"
    for unit in ("kB", "MB", "GB"):
        n_bytes /= 1000
        if n_bytes < 1000 or unit == "GB":
            return f"{n_bytes:.1f} {unit}"
    raise AssertionError("unreachable")


# -- argument parsing ----------------------------------------------------------
class _Parser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors take one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_USAGE, f"{PROG}: error: {_one_line(message)} (see '{self.prog} --help')\n")


class _Formatter(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog: str) -> None:
        super().__init__(prog, max_help_position=32)


def _wrap(text: str) -> str:
    """Fill a help description to the width of a terminal (argparse keeps it raw)."""
    return textwrap.fill(text, width=min(shutil.get_terminal_size().columns, 100) - 2)


def _integer(low: int, high: int | None = None) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
        if value < low or (high is not None and value > high):
            bounds = f">= {low}" if high is None else f"in [{low}, {high}]"
            raise argparse.ArgumentTypeError(f"expected an integer {bounds}, got {value}")
        return value

    parse.__name__ = "integer"  # argparse names the type in some messages
    return parse


def _number(low: float, high: float, *, low_open: bool = False) -> Callable[[str], float]:
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        too_low = value <= low if low_open else value < low
        if not math.isfinite(value) or too_low or value > high:
            left = "(" if low_open else "["
            raise argparse.ArgumentTypeError(f"expected a number in {left}{low:g}, {high:g}], got {text}")
        return value

    parse.__name__ = "number"
    return parse


def build_parser() -> argparse.ArgumentParser:
    """Return the parser of the ``cnnexplain`` command and its subcommands."""
    parser = _Parser(
        prog=PROG,
        formatter_class=_Formatter,
        description=_wrap(
            "Train the small CNN of cnnexplain on line images, describe a saved run, "
            "and redraw the article's figures from it."
        ),
        epilog="examples:\n"
        "  cnnexplain train --epochs 20 -o run.npz\n"
        "  cnnexplain info run.npz\n"
        "  cnnexplain figures run.npz -o figures/\n\n"
        "Bad arguments and unreadable files exit with status 2, Ctrl-C with 130.",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"{PROG} {__version__} (torch {torch.__version__}, Python {sys.version.split()[0]})",
    )
    commands = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND", required=True)

    # train ---------------------------------------------------------------
    p = commands.add_parser(
        "train",
        help="train the CNN on line images and save its weight history",
        formatter_class=_Formatter,
        description=_wrap(
            "Draw line images, hold out 20% of each class for validation, train the "
            "CNN and save the weights after every epoch (or batch) and the metrics to one .npz "
            "file. Shows a progress bar on a terminal and ends with a one-line summary. Ctrl-C "
            "stops training and saves what was recorded so far (exit status 130)."
        ),
        epilog="example:\n  cnnexplain train --epochs 20 --kernels 8 --kernel-size 7 -o run.npz",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="history file to write (.npz)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    g = p.add_argument_group("training")
    g.add_argument(
        "--epochs",
        type=_integer(0, 10_000),
        default=20,
        metavar="N",
        help="passes over the training images (default: %(default)s)",
    )
    g.add_argument(
        "--batch-size",
        type=_integer(1),
        default=32,
        metavar="B",
        help="images per step (default: %(default)s)",
    )
    g.add_argument(
        "--lr",
        type=_number(0, 10, low_open=True),
        default=1e-3,
        help="Adam's learning rate (default: %(default)s)",
    )
    g.add_argument(
        "--seed",
        type=_integer(0),
        default=0,
        metavar="S",
        help="seed of the weight initialization, shuffling and dropout (default: %(default)s)",
    )
    g.add_argument(
        "--record",
        choices=("epoch", "batch"),
        default="epoch",
        help="snapshot the weights after every epoch or every batch (default: %(default)s)",
    )
    g.add_argument("--no-progress", action="store_true", help="no progress bar, even on a terminal")
    g = p.add_argument_group("model")
    g.add_argument(
        "--kernels",
        type=_integer(1, 1024),
        default=8,
        metavar="K",
        help="first-layer kernels (default: %(default)s)",
    )
    g.add_argument(
        "--kernel-size",
        type=_integer(1, 64),
        default=7,
        metavar="K",
        help="their side in pixels (default: %(default)s)",
    )
    g = p.add_argument_group("data")
    g.add_argument(
        "--orientations",
        nargs="+",
        choices=ORIENTATIONS,
        default=["horizontal", "vertical"],
        metavar="NAME",
        help="the classes, two or more of: " + ", ".join(ORIENTATIONS) + " (default: horizontal vertical)",
    )
    g.add_argument(
        "--n-per-class",
        type=_integer(3, 100_000),  # the 80/20 split needs 3 images per class
        default=600,
        metavar="N",
        help="images per class (default: %(default)s)",
    )
    g.add_argument(
        "--noise",
        type=_number(0, 1),
        default=0.0,
        metavar="X",
        help="std of pixel noise (default: %(default)s)",
    )
    g.add_argument(
        "--data-seed",
        type=_integer(0),
        default=0,
        metavar="S",
        help="seed of the images and the split (default: %(default)s)",
    )
    p.set_defaults(run=_cmd_train, parser=p)

    # info ----------------------------------------------------------------
    p = commands.add_parser(
        "info",
        help="print a run's configuration, snapshots and final metrics",
        formatter_class=_Formatter,
        description=_wrap(
            "Print what a saved history holds: the data, model and training settings, "
            "the number of snapshots and the steps they cover, whether training completed, and "
            "the final metrics."
        ),
        epilog="example:\n  cnnexplain info run.npz",
    )
    p.add_argument("history", metavar="FILE", help="history file written by 'cnnexplain train'")
    p.add_argument("--json", action="store_true", help="print the same as one JSON object")
    p.set_defaults(run=_cmd_info, parser=p)

    # figures -------------------------------------------------------------
    p = commands.add_parser(
        "figures",
        help="write the article's figures (PNG) and the kernel animation (GIF)",
        formatter_class=_Formatter,
        description=_wrap(
            "Redraw the article's figures from a saved run: the images, the Prewitt "
            "operator at work, the kernels before and after training and their animation, the "
            "training curves, the feature maps of the two most class-selective kernels and one "
            "forward pass. Images are regenerated from the settings stored in the history; "
            "figures that need them are skipped, with a note, when the history lacks them. "
            "Existing files of the same names in DIR are replaced."
        ),
        epilog="example:\n  cnnexplain figures run.npz -o figures/",
    )
    p.add_argument("history", metavar="FILE", help="history file written by 'cnnexplain train'")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="folder to write into (created)")
    p.set_defaults(run=_cmd_figures, parser=p)
    return parser


# -- shared helpers ------------------------------------------------------------
def _load_history(path: str) -> WeightHistory:
    return WeightHistory.load(path)


def _check_output_file(path: Path, *, force: bool) -> None:
    """Fail early, before any training, if ``path`` cannot be written."""
    if path.is_dir():
        raise CommandError(f"output {path} is a folder; give a file name such as {path / 'run.npz'}")
    if path.exists() and not force:
        raise CommandError(f"output {path} exists; pass --force to replace it")
    # Probe with a real file, so that training never runs only to fail at the end.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        probe = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.probe")
        probe.touch(exist_ok=False)
        probe.unlink()
    except OSError as exc:
        raise CommandError(f"cannot write {path}: {exc.strerror or exc}") from None


# -- train ---------------------------------------------------------------------
def _cmd_train(args: argparse.Namespace) -> int:
    from .experiment import experiment

    orientations = list(args.orientations)
    if len(set(orientations)) != len(orientations):
        args.parser.error(f"argument --orientations: each orientation may be given once, got {orientations}")
    if len(orientations) < 2:
        args.parser.error(f"argument --orientations: give at least two (one class each), got {orientations}")
    output = Path(args.output)
    _check_output_file(output, force=args.force)

    start = time.perf_counter()
    with warnings.catch_warnings():
        # train() warns when Ctrl-C stops it; we say so ourselves, in one line.
        warnings.filterwarnings("ignore", message="training interrupted", category=RuntimeWarning)
        run = experiment(
            data={
                "n_per_class": args.n_per_class,
                "noise": args.noise,
                "orientations": orientations,
                "seed": args.data_seed,
            },
            model={"n_kernels": args.kernels, "kernel_size": args.kernel_size, "seed": args.seed},
            training={
                "epochs": args.epochs,
                "batch_size": args.batch_size,
                "lr": args.lr,
                "seed": args.seed,
                "record": args.record,
            },
            split={"test_fraction": TEST_FRACTION, "seed": args.data_seed},
            cache_dir=False,
            progress=False if args.no_progress else None,
        )
    seconds = time.perf_counter() - start
    history = run.history
    try:
        path = history.save(output, overwrite=args.force)
    except FileExistsError:
        raise CommandError(f"output {output} appeared while training; pass --force to replace it") from None

    done = history.config["training"]["completed_epochs"]
    metrics = history.metrics
    scores = ", ".join(
        f"{label} accuracy {metrics[key][-1]:.3f}"
        for key, label in (("train_accuracy", "train"), ("val_accuracy", "validation"))
        if key in metrics and len(metrics[key])
    )
    partial = not history.completed
    what = f"{done} of {args.epochs} epochs (interrupted)" if partial else f"{done} epoch{'s' * (done != 1)}"
    print(
        f"trained {what} in {seconds:.1f} s: {scores}; "
        f"wrote {'the partial history to ' * partial}{path} ({_human_size(path.stat().st_size)})",
        flush=True,
    )
    if partial:
        n = len(history)
        _say(f"interrupted: saved the {n} snapshot{'s' * (n != 1)} recorded so far to {path}")
        return EXIT_INTERRUPTED
    return 0


# -- info ----------------------------------------------------------------------
def _format_value(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_format_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(_format_value(v) for v in value) if value else "none"
    if isinstance(value, float):
        return f"{value:g}"
    if value is None:
        return "none"
    return str(value)


def _step_label(step: Sequence[int]) -> str:
    epoch, batch = int(step[0]), int(step[1])
    return "epoch 0 (initial)" if epoch == 0 else f"epoch {epoch} batch {batch}"


def _info(history, path: Path) -> dict[str, Any]:
    config = history.config
    training = config.get("training") if isinstance(config.get("training"), dict) else {}
    metrics = history.metrics
    n_metric = max((len(v) for v in metrics.values()), default=0)
    return {
        "file": str(path),
        "bytes": path.stat().st_size,
        "written_by": config.get("cnnexplain_version"),
        "complete": history.completed,
        "completed_epochs": training.get("completed_epochs"),
        "epochs": training.get("epochs"),
        "snapshots": len(history),
        "first_step": [int(s) for s in history.steps[0]],
        "last_step": [int(s) for s in history.steps[-1]],
        "parameters": int(sum(history[k][0].size for k in history)),
        "config": config,
        "final_metrics": {
            k: (float(metrics[k][-1]) if len(metrics[k]) else None)
            for k in sorted(metrics, key=lambda k: (METRICS.index(k) if k in METRICS else len(METRICS), k))
        },
        "final_metrics_epoch": n_metric - 1 if n_metric else None,
    }


#: The order in which ``info`` lists the settings it knows; others follow as stored.
_ORDER = {
    "data": ("orientations", "n_per_class", "size", "thickness", "length", "noise", "seed", "split"),
    "model": (
        "class", "n_kernels", "kernel_size", "n_kernels2", "kernel_size2", "hidden", "dropout",
        "image_size", "n_classes", "seed",
    ),
    "training": (
        "epochs", "batch_size", "lr", "seed", "record", "optimizer", "loss", "device",
        "n_train", "n_val", "batches_per_epoch",
    ),
}  # fmt: skip


def _section_lines(title: str, section: Any, *, skip: Sequence[str] = ()) -> list[str]:
    if not isinstance(section, dict) or not section:
        return [f"{title}: not recorded"]
    known = _ORDER.get(title.split()[0], ())
    keys = [k for k in known if k in section] + [k for k in section if k not in known]
    items = []
    for key in keys:
        if key in skip:
            continue
        value = section[key]
        if key == "split" and isinstance(value, dict):
            value = {k: v for k, v in value.items() if k != "part"}  # "train": the history's own part
        items.append((key, _format_value(value)))
    width = max((len(k) for k, _ in items), default=0)
    return [title, *(f"  {k.ljust(width)}  {v}" for k, v in items)]


def _cmd_info(args: argparse.Namespace) -> int:
    path = Path(args.history)
    history = _load_history(args.history)
    info = _info(history, path)
    if args.json:
        print(json.dumps(info, indent=2))
        return 0
    config = info["config"]
    training = config.get("training") if isinstance(config.get("training"), dict) else {}
    lines = [
        f"history    {path} ({_human_size(info['bytes'])}, written by cnnexplain {info['written_by'] or '?'})"
    ]
    if info["complete"]:
        lines.append(f"complete   yes ({info['completed_epochs']} of {info['epochs']} epochs)")
    else:
        lines.append(
            f"complete   NO: interrupted after {info['completed_epochs']} of {info['epochs']} epochs"
        )
    every = training.get("record")
    span = _step_label(info["first_step"])
    if info["snapshots"] > 1:
        span += f" to {_step_label(info['last_step'])}" + (
            f", one per {every}" if every in ("epoch", "batch") else ""
        )
    lines.append(f"snapshots  {info['snapshots']}: {span}")
    lines += _section_lines("data", config.get("dataset"))
    lines += _section_lines(f"model ({info['parameters']:,} parameters)", config.get("model"))
    lines += _section_lines("training", training, skip=("completed_epochs",))
    final = info["final_metrics"]
    if final:
        epoch = info["final_metrics_epoch"]
        lines.append(f"final metrics (epoch {epoch})")
        width = max(len(k) for k in final)
        lines += [f"  {k.ljust(width)}  {'none' if v is None else f'{v:.4f}'}" for k, v in final.items()]
    else:
        lines.append("final metrics: none recorded")
    print("\n".join(lines))
    return 0


# -- figures -------------------------------------------------------------------
def _select_kernels(model, images, labels, n_classes: int, *, layer: str = "relu1") -> list[int]:
    """Pick, for each class in turn, the first-layer kernel most selective for it.

    The rule of the gallery's feature-map example: average each kernel's
    output at ``layer`` (after the ReLU) over positions and over the images
    of each class, then compare class ``c`` with the mean of the others by
    the selectivity index ``(m_c - m_rest) / (m_c + m_rest)``, in ``[-1, 1]``
    (0 for a kernel silent on both). With two classes the picks are the
    argmax and the argmin of the index of the first class against the second.
    A kernel is picked at most once.

    Parameters
    ----------
    model : torch.nn.Module
        Model with a leaf layer called ``layer`` whose output is a non-negative
        ``(N, K, H, W)``.
    images : torch.Tensor
        Images ``(N, C, H, W)``.
    labels : torch.Tensor
        Class of each image, ``(N,)``; every class must have an image.
    n_classes : int
        Number of classes.

    Returns
    -------
    list of int
        ``min(n_classes, K)`` distinct kernel numbers (from 0), in class order.
    """
    from .model import activations

    acts = activations(model, images, layers=[layer])[layer]
    mean = acts.flatten(2).mean(2).double()  # (N, K)
    per_class = torch.stack([mean[labels == c].mean(0) for c in range(n_classes)])  # (C, K)
    picks: list[int] = []
    for c in range(min(n_classes, per_class.shape[1])):
        rest = torch.cat([per_class[:c], per_class[c + 1 :]]).mean(0)
        total = per_class[c] + rest
        index = torch.where(total > 0, (per_class[c] - rest) / total.clamp_min(1e-300), 0.0)
        for k in index.argsort(descending=True, stable=True).tolist():
            if k not in picks:
                picks.append(int(k))
                break
    return picks


class _Run:
    """What the figures are drawn from: a history and, when it allows, its data and models."""

    def __init__(self, history) -> None:
        self.history = history
        config = history.config
        self.problems: dict[str, str] = {}
        self.data = self.held_out = None
        self.first = self.last = None
        self.picks: list[int] = []
        if "conv1.weight" not in history:
            self.problems["conv1"] = "the history has no conv1 layer"
        if not history.metrics:
            self.problems["metrics"] = "the history has no metrics"
        try:
            self.first, self.last = history.model_at(0), history.model_at(-1)
        except (TypeError, ValueError) as exc:
            self.problems["model"] = f"the model cannot be rebuilt from the history ({exc})"
        self._make_data(config)
        if "data" not in self.problems and self.last is not None:
            self._check_fit()
        if not self.problems.keys() & {"data", "model"}:
            self.picks = _select_kernels(
                self.last, self.held_out.images, self.held_out.labels, len(self.data.classes)
            )

    def _make_data(self, config: dict) -> None:
        from .data import make_lines

        settings = config.get("dataset")
        if not isinstance(settings, dict) or not settings:
            self.problems["data"] = "the history does not record the data it was trained on"
            return
        settings = dict(settings)
        split = settings.pop("split", None)
        try:
            self.data = make_lines(**settings)
        except (TypeError, ValueError) as exc:
            self.problems["data"] = f"its data settings cannot be replayed with make_lines ({exc})"
            return
        self.held_out = self.data
        if isinstance(split, dict):
            try:
                _, self.held_out = self.data.split(test_fraction=split["test_fraction"], seed=split["seed"])
            except (KeyError, TypeError, ValueError):
                self.held_out = self.data

    def _check_fit(self) -> None:
        size = tuple(self.data.images.shape[-2:])
        model = self.last.config
        if size != (model["image_size"],) * 2 or len(self.data.classes) != model["n_classes"]:
            self.problems["data"] = (
                f"the regenerated data ({size[0]}x{size[1]} images, {len(self.data.classes)} classes) "
                f"does not fit the model ({model['image_size']}x{model['image_size']}, "
                f"{model['n_classes']} classes)"
            )

    def example(self, class_index: int = 0):
        """The first held-out image of a class, ``(1, H, W)``."""
        data = self.held_out
        return data.images[int((data.labels == class_index).nonzero()[0, 0])]


@dataclass(frozen=True)
class _Figure:
    name: str
    needs: tuple[str, ...]
    draw: Callable[[Any, _Run], Any]  # (viz, run) -> Figure or Animation


def _prewitt_for(run: _Run):
    from .edges import PREWITT_X, PREWITT_Y

    name = run.data.classes[0]
    return PREWITT_Y if name == "horizontal" else PREWITT_X


def _feature_maps(viz, run: _Run):
    models = {"before training": run.first, "after training": run.last}
    images = [run.example(c) for c in range(len(run.data.classes))]
    return viz.plot_feature_maps(models, torch.stack(images), run.picks)


#: The figures of ``cnnexplain figures``, in the article's order.
FIGURES: tuple[_Figure, ...] = (
    _Figure("samples.png", ("data",), lambda viz, run: viz.plot_samples(run.data, n_per_class=6)),
    _Figure(
        "prewitt.png",
        ("data",),
        lambda viz, run: viz.plot_convolution(run.example(0)[0], _prewitt_for(run)),
    ),
    _Figure("training_curves.png", ("metrics",), lambda viz, run: viz.plot_training_curves(run.history)),
    _Figure("kernels.gif", ("conv1",), lambda viz, run: viz.animate_kernels(run.history, layer="conv1")),
    _Figure(
        "kernels_compare.png",
        ("conv1",),
        lambda viz, run: viz.plot_kernels_compare(run.history, layer="conv1", steps=(0, -1)),
    ),
    _Figure(
        "kernels.png", ("conv1",), lambda viz, run: viz.plot_kernels(run.history, layer="conv1", step=-1)
    ),
    _Figure(
        "convolution_learned.png",
        ("data", "model", "conv1"),
        lambda viz, run: viz.plot_convolution(
            run.example(0)[0], run.history["conv1.weight"][-1, run.picks[0], 0]
        ),
    ),
    _Figure("feature_maps.png", ("data", "model"), _feature_maps),
    _Figure(
        "forward_pass.png",
        ("data", "model"),
        lambda viz, run: viz.plot_forward_pass(run.last, run.example(0), class_names=list(run.data.classes)),
    ),
)


def _save(viz, drawn: Any, path: Path) -> None:
    """Save a figure (PNG, reproducible bytes) or an animation (GIF), atomically."""
    import matplotlib.pyplot as plt
    from matplotlib.animation import Animation

    if isinstance(drawn, Animation):
        try:
            viz.save_gif(drawn, path)  # atomic and reproducible by itself
        finally:
            plt.close(drawn._fig)
        return
    try:
        # No "Software" entry (it names the matplotlib version) and no date:
        # the same history gives the same bytes. A tight box keeps row labels
        # that stick out of the axes grid inside the image.
        atomic_write(
            path,
            lambda tmp: drawn.savefig(
                tmp, format="png", metadata={"Software": None}, bbox_inches="tight", pad_inches=0.05
            ),
        )
    finally:
        plt.close(drawn)


def _cmd_figures(args: argparse.Namespace) -> int:
    history = _load_history(args.history)
    folder = Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise CommandError(f"output {folder} exists and is not a folder")

    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")  # files only; never open a window
    from . import viz

    run = _Run(history)
    todo = [f for f in FIGURES if not any(need in run.problems for need in f.needs)]
    skipped: dict[str, list[str]] = {}
    for f in FIGURES:
        for need in f.needs:
            if need in run.problems:
                skipped.setdefault(run.problems[need], []).append(f.name)
                break
    for reason, names in skipped.items():
        _say(f"note: skipped {', '.join(names)}: {reason}")
    if not todo:
        raise CommandError(f"nothing to draw from {args.history}")
    if run.picks:
        classes = run.data.classes
        chosen = ", ".join(f"{k} for {classes[c]}" for c, k in enumerate(run.picks))
        _say(f"note: most class-selective conv1 kernels (numbered from 0): {chosen}")

    folder.mkdir(parents=True, exist_ok=True)
    width = max(len(str(folder / f.name)) for f in todo)
    for f in todo:
        path = folder / f.name
        _save(viz, f.draw(viz, run), path)
        print(f"{str(path).ljust(width)}  {_human_size(path.stat().st_size):>9}", flush=True)
    print(f"wrote {len(todo)} files to {folder}")
    return 0


# -- entry point ---------------------------------------------------------------
def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``cnnexplain`` command with ``argv`` (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit status: 0 on success, 2 for a bad argument or file
        (after a one-line message on standard error), 130 if interrupted.
    """
    debug = os.environ.get("CNNEXPLAIN_DEBUG", "") not in ("", "0")
    try:
        parser = build_parser()
        try:
            args, extra = parser.parse_known_args(argv)
            if extra:  # name the subcommand's --help in the message, not the top one
                getattr(args, "parser", parser).error(f"unrecognized arguments: {' '.join(extra)}")
            return args.run(args)
        except SystemExit as exc:  # --help, --version, and usage errors (one line, see _Parser)
            return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else EXIT_USAGE)
    except KeyboardInterrupt:
        _say("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our output went away (``cnnexplain info run.npz | head -3``).
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError, AttributeError):
            pass
        return 141
    except (CommandError, ValueError, TypeError, OSError) as exc:
        if debug:
            raise
        _say(f"error: {exc}")
        return EXIT_USAGE
