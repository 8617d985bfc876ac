"""Training with a history of the weights.

:func:`train` fits a model with Adam (or plain SGD) on the cross-entropy --
the loop of any PyTorch tutorial -- and records a snapshot of every ``state_dict`` entry of
the model before training and after each epoch (or each batch) in a
:class:`~cnnexplain.history.WeightHistory`, along with the loss and accuracy
per epoch. :func:`evaluate` measures a model on a data set.

**Memory format.** Both give the model its images in the channels-last
memory format (:data:`torch.channels_last`): the same values, but the
convolutions' outputs are channels-last too, and PyTorch max-pools those
several times faster on a CPU. A model's ``forward`` must therefore flatten
feature maps with :class:`torch.nn.Flatten`, ``flatten`` or ``reshape``, not
``view``; a model that does not is refused before the first step, by an
error that says so. Together with batches gathered from tensors in memory
(no per-image ``Dataset``/``DataLoader`` calls) and Adam's fused
implementation, this makes :func:`train` faster than the textbook loop;
``benchmarks/bench_training.py`` measures it.
"""

from __future__ import annotations

import json
import math
import sys
import warnings
from collections.abc import Iterable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import __version__
from ._checks import check_batch_size, check_choice, check_float, check_int, check_model, check_seed, describe
from ._torch import evaluation_mode, torch_threads
from .data import LineDataset, as_images_labels
from .history import WeightHistory

__all__ = ["evaluate", "train"]

#: Images per forward pass when evaluating (small batches keep the feature
#: maps in the CPU caches: 512 was twice as slow as 64 on LineCNN).
EVAL_BATCH_SIZE = 64


# -- checks of the data against the model -------------------------------------
def _fits_model(name: str, model: nn.Module, images: torch.Tensor, labels: torch.Tensor) -> None:
    """Run the first image through ``model`` (eval mode, no gradients) and check
    that it returns logits for every label; errors name the data set ``name``."""
    try:
        with evaluation_mode(model):
            out = model(images[:1])
    except (TypeError, ValueError, RuntimeError) as exc:
        kind = TypeError if isinstance(exc, TypeError) else ValueError
        raise kind(f"{name} does not fit the model: {exc}") from None
    if not isinstance(out, torch.Tensor) or out.ndim != 2:
        raise ValueError(f"model must return logits of shape (N, n_classes), got {describe(out)} for {name}")
    n_outputs = int(out.shape[1])
    if labels.min() < 0 or labels.max() >= n_outputs:
        raise ValueError(
            f"{name} labels must be class indices in [0, {n_outputs - 1}] (one per output of the model), "
            f"got labels from {int(labels.min())} to {int(labels.max())}"
        )


def _channels_last(images: torch.Tensor) -> torch.Tensor:
    """``images`` in the channels-last memory format (see the module's description)."""
    return images.to(memory_format=torch.channels_last)


# -- evaluation ------------------------------------------------------------------
def evaluate(model: nn.Module, data: Any, *, batch_size: int = EVAL_BATCH_SIZE) -> tuple[float, float]:
    """Return ``(mean cross-entropy, accuracy)`` of ``model`` on ``data``.

    The model runs in evaluation mode (no dropout) without gradients; its
    training flag is restored. It gets the images in the channels-last
    memory format (see the module's description).

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits of shape ``(N, n_classes)``.
    data : LineDataset or (images, labels)
        The examples.
    batch_size : int
        Images per forward pass.

    Returns
    -------
    loss : float
        The mean cross-entropy over all examples.
    accuracy : float
        The fraction of examples whose largest logit is their label.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid or the data does not fit the model; the message names it.
    """
    model = check_model(model)
    images, labels = as_images_labels("data", data)
    batch_size = check_batch_size("batch_size", batch_size)
    images = _channels_last(images)
    _fits_model("data", model, images, labels)
    return _evaluate(model, images, labels, batch_size)


def _evaluate(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int = EVAL_BATCH_SIZE
) -> tuple[float, float]:
    """:func:`evaluate` without the checks of its arguments, on channels-last images."""
    total_loss, correct = 0.0, 0
    with evaluation_mode(model):
        for x, y in zip(images.split(batch_size), labels.split(batch_size)):
            logits = model(x)
            total_loss += F.cross_entropy(logits, y, reduction="sum").item()
            correct += (logits.argmax(1) == y).sum().item()
    return total_loss / len(labels), correct / len(labels)


# -- training ------------------------------------------------------------------------
def _adam(params: Iterable[torch.Tensor], lr: float) -> torch.optim.Optimizer:
    """Adam over ``params``; the fused implementation (one kernel for all
    the parameters, the same algorithm) where torch has it."""
    params = list(params)
    try:
        return torch.optim.Adam(params, lr=lr, fused=True)
    except (RuntimeError, TypeError, ValueError):  # torch < 2.4 on the CPU, or another device
        return torch.optim.Adam(params, lr=lr)


def _sgd(params: Iterable[torch.Tensor], lr: float) -> torch.optim.Optimizer:
    """Plain stochastic gradient descent over ``params``: no momentum, no
    weight decay, so that every step is exactly ``-lr`` times the gradient."""
    return torch.optim.SGD(params, lr=lr)


#: The optimizers :func:`train` offers: argument -> (name recorded in the history, factory of
#: the optimizer over some parameters; :mod:`cnnexplain.study` makes its members' with them too).
_OPTIMIZERS = {"adam": ("Adam", _adam), "sgd": ("SGD", _sgd)}


def _snapshot(model: nn.Module) -> dict[str, np.ndarray]:
    """A copy of every ``state_dict`` entry of ``model``, as numpy arrays on the CPU."""
    return {key: value.detach().to("cpu", copy=True).numpy() for key, value in model.state_dict().items()}


def _check_device(device: Any) -> torch.device:
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError, ValueError, OverflowError):  # ValueError: an index beyond 64 bits
        raise ValueError(f"device must name a torch device such as 'cpu', got {describe(device)}") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device must be available on this machine, got {str(device)!r} (no CUDA here)")
    return device


def _model_config(model: nn.Module) -> dict[str, Any]:
    """The class name of ``model`` and, if it has one, its ``config`` dict (as
    :class:`~cnnexplain.model.LineCNN` has), checked to be JSON now rather
    than after training."""
    config = getattr(model, "config", None)
    recorded = {"class": type(model).__name__, **(config if isinstance(config, dict) else {})}
    try:
        json.dumps(recorded, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"model.config must be JSON-serializable to be recorded: {exc}") from None
    return recorded


def _progress_bar(progress: bool | None, total: int):
    """A tqdm bar over the epochs, or None; by default shown only on a terminal."""
    if progress is False or (progress is None and not sys.stderr.isatty()):
        return None
    from tqdm.auto import tqdm  # imported only when a bar is shown

    return tqdm(total=total, unit="epoch", desc="training", leave=True)


def _show_progress(bar, metrics: dict[str, float]) -> None:
    if bar is not None:
        postfix = {"loss": f"{metrics['train_loss']:.3f}"}
        if "val_accuracy" in metrics:
            postfix["val_acc"] = f"{metrics['val_accuracy']:.3f}"
        bar.set_postfix(postfix)
        bar.update(1)


def train(
    model: nn.Module,
    train_set: Any,
    *,
    epochs: int = 20,
    batch_size: int = 32,
    lr: float = 1e-3,
    seed: int = 0,
    optimizer: str = "adam",
    val_set: Any = None,
    record: str = "epoch",
    progress: bool | None = None,
    device: str | torch.device = "cpu",
    threads: int | None = 1,
) -> WeightHistory:
    """Train ``model`` with Adam or SGD on the cross-entropy, recording its weights.

    Each epoch visits the training images once in a shuffled order, in
    mini-batches. The model is trained in place and left in evaluation mode.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits ``(N, n_classes)``; usually a
        :class:`~cnnexplain.model.LineCNN`.
    train_set : LineDataset or (images, labels)
        Training examples: images ``(N, C, H, W)`` float, labels ``(N,)``
        int64.
    epochs : int
        Passes over the training set, in ``[0, 10000]``.
    batch_size : int
        Images per step.
    lr : float
        The optimizer's learning rate.
    seed : int
        Seed of the shuffling and of dropout. Training runs under a private
        random state; the global one is left as it was. The same seeds give a
        bit-identical history on the CPU.
    optimizer : {"adam", "sgd"}
        ``"adam"``: :class:`torch.optim.Adam` (its fused implementation where
        torch has one), which rescales each weight's step by the history of
        its gradients. ``"sgd"``: plain :class:`torch.optim.SGD`, without
        momentum or weight decay, so that each step is exactly ``-lr`` times
        the gradient of the batch's mean loss. Recorded in
        ``config["training"]["optimizer"]`` as ``"Adam"`` or ``"SGD"``.
    val_set : LineDataset or (images, labels), optional
        Evaluated before training and after every epoch.
    record : {"epoch", "batch"}
        Snapshot the weights before training and after every epoch, or after
        every batch.
    progress : bool, optional
        Show a progress bar (tqdm). By default only when standard error is a
        terminal.
    device : str or torch.device
        Where to train. Snapshots are stored on the CPU.
    threads : int or None
        CPU threads torch may use while training (restored afterwards). The
        default, 1, gives the same history on every machine: with several
        threads, PyTorch may split its sums differently on different core
        counts, changing the last bits of the weights. ``None`` keeps torch's
        setting: faster on several cores, reproducible only on machines with
        as many threads. Recorded in ``config["training"]``.

    Returns
    -------
    WeightHistory
        The snapshots and metrics. ``history.config`` records the settings:
        the data sets' ``config``, the model's class name and its ``config``
        attribute if it has a dict there (as a
        :class:`~cnnexplain.model.LineCNN` does), and the training settings.

    Notes
    -----
    **Interrupting.** On Ctrl-C (``KeyboardInterrupt``), :func:`train` stops
    at once, warns, and *returns* the history recorded so far instead of
    raising: the snapshots and metrics of the finished epochs (or batches),
    with ``history.completed == False`` and ``config["training"]["completed_epochs"]``
    saying how far it got. The model keeps the weights of the interrupted step.

    **Memory format.** The model gets its images in the channels-last
    memory format: its ``forward`` must flatten with ``flatten`` or
    ``reshape``, not ``view`` (see the module's description).

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> train_set, val_set = make_lines(n_per_class=20).split()
    >>> history = train(LineCNN(), train_set, epochs=2, val_set=val_set)
    >>> len(history), history["conv1.weight"].shape
    (3, (3, 8, 1, 7, 7))
    """
    model = check_model(model)
    if not any(p.requires_grad for p in model.parameters()):
        raise ValueError(f"model must have trainable parameters, got a {type(model).__name__} without any")
    x_train, y_train = as_images_labels("train_set", train_set)
    epochs = check_int("epochs", epochs, low=0, high=10_000)
    batch_size = check_batch_size("batch_size", batch_size)
    lr = check_float("lr", lr, low=0.0, high=10.0, low_open=True)
    seed = check_seed("seed", seed)
    record = check_choice("record", record, ("epoch", "batch"))
    optimizer_name, make_optimizer = _OPTIMIZERS[check_choice("optimizer", optimizer, tuple(_OPTIMIZERS))]
    if threads is not None:
        threads = check_int("threads", threads, low=1, high=1024)
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {describe(progress)}")
    device = _check_device(device)
    val = as_images_labels("val_set", val_set) if val_set is not None else None
    model_config = _model_config(model)

    model.to(device)
    x_train, y_train = _channels_last(x_train.to(device)), y_train.to(device)
    _fits_model("train_set", model, x_train, y_train)
    if val is not None:
        val = (_channels_last(val[0].to(device)), val[1].to(device))
        _fits_model("val_set", model, *val)

    n = len(y_train)
    batches_per_epoch = math.ceil(n / batch_size)
    # Every record is appended whole, so an interruption can never leave a
    # half-written one: ((epoch, batch), weights) per snapshot, and one dict
    # of metrics per epoch (index 0: before training).
    snapshots: list[tuple[tuple[int, int], dict[str, np.ndarray]]] = []
    epoch_metrics: list[dict[str, float]] = []

    def measure(train_loss: float, train_accuracy: float) -> dict[str, float]:
        metrics = {"train_loss": train_loss, "train_accuracy": train_accuracy}
        if val is not None:
            metrics["val_loss"], metrics["val_accuracy"] = _evaluate(model, *val)
        return metrics

    completed = 0
    bar = _progress_bar(progress, epochs)
    with torch_threads(threads), torch.random.fork_rng(devices=[device] if device.type == "cuda" else []):
        used_threads = torch.get_num_threads()
        torch.manual_seed(seed)  # the dropout masks, drawn from the private state of fork_rng
        shuffling = torch.Generator().manual_seed(seed)
        step_rule = make_optimizer(model.parameters(), lr)
        snapshots.append(((0, 0), _snapshot(model)))
        epoch_metrics.append(measure(*_evaluate(model, x_train, y_train)))
        try:
            for epoch in range(1, epochs + 1):
                model.train()
                loss_sum, correct = 0.0, 0
                order = torch.randperm(n, generator=shuffling).to(device)
                for batch, indices in enumerate(order.split(batch_size), start=1):
                    images, labels = x_train[indices], y_train[indices]
                    logits = model(images)
                    loss = F.cross_entropy(logits, labels)
                    step_rule.zero_grad()
                    loss.backward()
                    step_rule.step()
                    loss_sum += loss.item() * len(labels)
                    correct += (logits.argmax(1) == labels).sum().item()
                    if record == "batch":
                        snapshots.append(((epoch, batch), _snapshot(model)))
                if record == "epoch":
                    snapshots.append(((epoch, batches_per_epoch), _snapshot(model)))
                epoch_metrics.append(measure(loss_sum / n, correct / n))
                completed = epoch
                _show_progress(bar, epoch_metrics[-1])
        except KeyboardInterrupt:
            warnings.warn(
                f"training interrupted after {completed} of {epochs} epochs; "
                "returning the history recorded so far (history.completed is False)",
                RuntimeWarning,
                stacklevel=2,
            )
            # Keep whole epochs of metrics; with record="epoch", also only the
            # snapshots of whole epochs (with "batch", every finished batch).
            del epoch_metrics[completed + 1 :]
            if record == "epoch":
                del snapshots[completed + 1 :]
        finally:
            if bar is not None:
                bar.close()
            model.eval()

    config = {
        "cnnexplain_version": __version__,
        "dataset": train_set.config if isinstance(train_set, LineDataset) else {"n_train": n},
        "val_dataset": val_set.config if isinstance(val_set, LineDataset) else None,
        "model": model_config,
        "training": {
            "epochs": epochs,
            "completed_epochs": completed,
            "batch_size": batch_size,
            "lr": lr,
            "seed": seed,
            "record": record,
            "optimizer": optimizer_name,
            "loss": "cross_entropy",
            "device": str(device),
            "threads": used_threads,
            "n_train": n,
            "n_val": len(val[1]) if val is not None else 0,
            "batches_per_epoch": batches_per_epoch,
        },
    }
    steps = np.array([step for step, _ in snapshots], dtype=np.int64)
    params = {key: np.stack([weights[key] for _, weights in snapshots]) for key in snapshots[0][1]}
    metrics = {name: [m[name] for m in epoch_metrics] for name in epoch_metrics[0]}
    return WeightHistory(params, steps, metrics, config)
