"""The subcommands of ``cnnexplain``: each reads its arguments, calls the library and prints."""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import torch

from .._io import atomic_write, exists
from .._limits import check_curves, check_run
from .._text import printable
from ..experiment import Experiment, default_seed, experiment, resolve_config
from ..history import WeightHistory
from ..model import LineCNN
from ..study import check_scheduler, seed_study
from ._common import EXIT_INTERRUPTED, MAX_SEED, STUDY_FILE, TRAIN_OPTIONS, CommandError, _out, _say


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
    from ..edges import PREWITT_X, PREWITT_Y

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
    from .. import viz
    from ..analysis import selective_kernels

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
    from .. import viz

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
