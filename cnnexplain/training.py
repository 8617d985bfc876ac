"""Training with a history of the weights.

:func:`train` fits a model with Adam on the cross-entropy and records a
snapshot of every parameter (and buffer) of the model before training and
after each epoch -- or after each batch -- in a
:class:`~cnnexplain.history.WeightHistory`, along with the loss and accuracy
per epoch. :func:`evaluate` measures a model on a data set.
"""

from __future__ import annotations

import math
import sys
import warnings
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from . import __version__
from ._checks import check_choice, check_float, check_int, check_model, describe
from ._torch import torch_threads
from .data import LineDataset, as_images_labels
from .history import METRICS, WeightHistory
from .model import LineCNN

__all__ = ["evaluate", "train"]

#: Images per forward pass when evaluating (small batches keep the feature
#: maps in the CPU caches: 512 was twice as slow as 64 on LineCNN).
EVAL_BATCH_SIZE = 64


def _check_labels(name: str, labels: torch.Tensor, model_out: int | None) -> None:
    if labels.numel() and labels.min() < 0:
        raise ValueError(f"{name} labels must be non-negative class indices, got {int(labels.min())}")
    if model_out is not None and labels.numel() and labels.max() >= model_out:
        raise ValueError(
            f"{name} labels must be smaller than the model's {model_out} outputs, got label {int(labels.max())}"
        )


def _fits_model(name: str, model: nn.Module, images: torch.Tensor, device: torch.device) -> Any:
    """Run the first image of ``images`` through ``model`` (eval mode, no
    gradients) and return the output; an error becomes a ``ValueError`` or
    ``TypeError`` naming the data set ``name``."""
    was_training = model.training
    try:
        model.eval()
        with torch.no_grad():
            return model(images[:1].to(device))
    except (TypeError, ValueError, RuntimeError) as exc:
        kind = TypeError if isinstance(exc, TypeError) else ValueError
        raise kind(f"{name} does not fit the model: {exc}") from None
    finally:
        model.train(was_training)


def evaluate(model: nn.Module, data: Any, *, batch_size: int = EVAL_BATCH_SIZE) -> tuple[float, float]:
    """Return ``(mean cross-entropy, accuracy)`` of ``model`` on ``data``.

    The model runs in evaluation mode (no dropout) without gradients; its
    training flag is restored.

    Parameters
    ----------
    model : torch.nn.Module
        A classifier returning logits of shape ``(N, n_classes)``.
    data : LineDataset or (images, labels)
        The examples.
    batch_size : int
        Images per forward pass.

    Raises
    ------
    TypeError, ValueError
        If ``data`` is not a data set, does not fit the model, or has
        labels outside the model's outputs.
    """
    model = check_model(model)
    images, labels = as_images_labels("data", data)
    batch_size = check_int("batch_size", batch_size, low=1)
    out = _fits_model("data", model, images, images.device)
    if not isinstance(out, torch.Tensor) or out.ndim != 2:
        raise ValueError(f"model must return logits of shape (N, n_classes), got {describe(out)}")
    _check_labels("data", labels, int(out.shape[1]))
    return _evaluate(model, images, labels, batch_size)


def _evaluate(
    model: nn.Module, images: torch.Tensor, labels: torch.Tensor, batch_size: int = EVAL_BATCH_SIZE
):
    """:func:`evaluate` without the checks of its arguments."""
    layout = _batch_layout(model, images)
    was_training = model.training
    model.eval()
    total_loss, correct = 0.0, 0
    try:
        with torch.no_grad():
            for start in range(0, len(labels), batch_size):
                x, y = images[start : start + batch_size], labels[start : start + batch_size]
                logits = model(layout(x))
                total_loss += float(F.cross_entropy(logits, y, reduction="sum"))
                correct += int((logits.argmax(1) == y).sum())
    finally:
        model.train(was_training)
    return total_loss / len(labels), correct / len(labels)


# -- training ----------------------------------------------------------------
def _identity(x: torch.Tensor) -> torch.Tensor:
    return x


def _channels_last_view(x: torch.Tensor) -> torch.Tensor:
    """The single-channel batch ``x`` (N, 1, H, W) as a view with channels-last strides.

    With one channel, both memory layouts hold the same values in the same
    order, so this costs nothing and changes no value; but it makes oneDNN
    run the convolution, and PyTorch everything after it, in the
    channels-last layout, where max-pooling is about five times faster on
    the CPU than in the default layout (measured on torch 2.13).
    """
    x = x.contiguous()
    n, c, h, w = x.shape
    return x.as_strided((n, c, h, w), (c * h * w, 1, w * c, c))


def _batch_layout(model: nn.Module, images: torch.Tensor):
    """The function that prepares each batch of ``images`` for ``model``.

    Channels-last views (see :func:`_channels_last_view`) for a
    :class:`~cnnexplain.model.LineCNN` on the CPU, whose forward we know handles them: a
    channels-last feature map would break a model that calls ``.view`` on
    one. Other models get their batches unchanged.
    """
    if isinstance(model, LineCNN) and images.device.type == "cpu" and images.shape[1] == 1:
        return _channels_last_view
    return _identity


def _adam(model: nn.Module, lr: float) -> torch.optim.Optimizer:
    """Adam over the model's parameters; the fused implementation (one
    kernel for all the parameters, the same algorithm) where torch has it."""
    params = list(model.parameters())
    try:
        return torch.optim.Adam(params, lr=lr, fused=True)
    except (RuntimeError, TypeError, ValueError):  # torch < 2.4 on CPU, or another device
        return torch.optim.Adam(params, lr=lr)


def _snapshot(model: nn.Module, store: dict[str, list[np.ndarray]], items=None) -> None:
    """Append a copy of every ``state_dict`` entry of ``model`` to ``store``.

    ``items``, the ``state_dict().items()`` of a model whose entries are all
    parameters updated in place (see :func:`_state_items`), saves walking
    the modules again at every snapshot.
    """
    for key, value in model.state_dict().items() if items is None else items:
        value = value.detach()
        store[key].append(value.numpy().copy() if value.device.type == "cpu" else value.cpu().numpy())


def _state_items(model: nn.Module):
    """The ``state_dict`` items of ``model``, to look up once, or ``None``.

    Only for a :class:`~cnnexplain.model.LineCNN`: its state is its parameters alone, which the
    optimizer updates in place, so the tensors of one ``state_dict`` call
    keep showing the current weights. Another model may replace a buffer
    during its forward pass, so its state is looked up at every snapshot.
    """
    if isinstance(model, LineCNN) and not any(True for _ in model.buffers()):
        return list(model.state_dict().items())
    return None


def _progress_bar(progress: bool | None, total: int):
    if progress is None:
        progress = sys.stderr.isatty()
    if not progress:
        return None
    from tqdm.auto import tqdm

    return tqdm(total=total, unit="epoch", desc="training", leave=True)


def train(
    model: nn.Module,
    train_set: Any,
    *,
    epochs: int = 20,
    batch_size: int = 32,
    lr: float = 1e-3,
    seed: int = 0,
    val_set: Any = None,
    record: str = "epoch",
    progress: bool | None = None,
    device: str | torch.device = "cpu",
    threads: int | None = 1,
) -> WeightHistory:
    """Train ``model`` with Adam on the cross-entropy, recording its weights.

    Each epoch visits the training images once in a shuffled order, in
    mini-batches. The model is trained in place.

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
        Adam's learning rate.
    seed : int
        Seed of the shuffling and of dropout. Training runs under a private
        random state; the global one is left as it was. The same seeds give a
        bit-identical history on the CPU.
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
        CPU threads torch may use while training (the previous setting is
        restored afterwards). The default, 1, makes the history the same on
        every machine: with several threads, PyTorch splits its sums
        differently on different core counts, and the last bits of the
        weights change. ``None`` keeps torch's current setting, which is
        faster on a multi-core machine but reproducible only on machines with
        the same number of threads. Recorded in ``config["training"]``.

    Returns
    -------
    WeightHistory
        The snapshots and metrics. ``history.config`` records the settings.

    Notes
    -----
    **Interrupting.** If training is interrupted with Ctrl-C
    (``KeyboardInterrupt``), :func:`train` stops at once, warns, and *returns*
    the history of everything recorded so far instead of raising: the
    snapshots of the finished epochs (or batches), their metrics, and
    ``history.completed == False`` with ``config["training"]["completed_epochs"]``
    saying how far it got. The model keeps the weights of the interrupted
    step. Save it with ``history.save(...)`` as usual.

    **Speed.** Three things keep :func:`train` fast on a CPU without
    changing what it computes: batches are gathered from tensors in memory
    (no per-image ``Dataset``/``DataLoader`` calls); a :class:`~cnnexplain.model.LineCNN` gets
    its single-channel batches as channels-last views, in which PyTorch's
    max-pooling is several times faster; and Adam runs fused where torch has
    it. ``benchmarks/bench_training.py`` measures the effect.

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
    batch_size = check_int("batch_size", batch_size, low=1)
    lr = check_float("lr", lr, low=0.0, high=10.0, low_open=True)
    seed = check_int("seed", seed, low=0)
    record = check_choice("record", record, ("epoch", "batch"))
    if threads is not None:
        threads = check_int("threads", threads, low=1, high=1024)
    if progress is not None and not isinstance(progress, bool):
        raise TypeError(f"progress must be True, False or None, got {describe(progress)}")
    try:
        device = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(f"device must name a torch device such as 'cpu', got {device!r}") from None
    if device.type == "cuda" and not torch.cuda.is_available():
        raise ValueError(f"device must be available on this machine, got {str(device)!r} (no CUDA here)")
    val = as_images_labels("val_set", val_set) if val_set is not None else None

    model.to(device)
    # Check the data against the model once, with a clear message, before
    # any step: run one image of each set through it.
    out = _fits_model("train_set", model, x_train, device)
    if not isinstance(out, torch.Tensor) or out.ndim != 2:
        raise ValueError(
            f"model must return logits of shape (N, n_classes), got {describe(out)} for train_set images"
        )
    n_out = int(out.shape[1])
    if val is not None:
        _fits_model("val_set", model, val[0], device)
    _check_labels("train_set", y_train, n_out)
    if val is not None:
        _check_labels("val_set", val[1], n_out)

    n = len(y_train)
    batches_per_epoch = math.ceil(n / batch_size)
    x_train, y_train = x_train.to(device), y_train.to(device)
    if val is not None:
        val = (val[0].to(device), val[1].to(device))

    store: dict[str, list[np.ndarray]] = {k: [] for k in model.state_dict()}
    steps: list[tuple[int, int]] = []
    metrics: dict[str, list[float]] = {k: [] for k in METRICS[: 4 if val is not None else 2]}

    def end_of_epoch(train_loss: float, train_acc: float) -> None:
        metrics["train_loss"].append(train_loss)
        metrics["train_accuracy"].append(train_acc)
        if val is not None:
            vl, va = _evaluate(model, *val)
            metrics["val_loss"].append(vl)
            metrics["val_accuracy"].append(va)

    completed = 0
    bar = _progress_bar(progress, epochs)
    with (
        torch_threads(threads),
        torch.random.fork_rng(devices=[device] if device.type == "cuda" else []),
    ):
        used_threads = torch.get_num_threads()
        torch.manual_seed(seed)
        generator = torch.Generator().manual_seed(seed)
        optimizer = _adam(model, lr)
        items = _state_items(model)
        layout = _batch_layout(model, x_train)
        _snapshot(model, store, items)
        steps.append((0, 0))
        end_of_epoch(*_evaluate(model, x_train, y_train))
        model.train()
        try:
            for epoch in range(1, epochs + 1):
                order = torch.randperm(n, generator=generator).to(device)
                loss_sum = torch.zeros((), device=device)
                correct = torch.zeros((), dtype=torch.int64, device=device)
                for b in range(batches_per_epoch):
                    idx = order[b * batch_size : (b + 1) * batch_size]
                    x, y = x_train[idx], y_train[idx]
                    logits = model(layout(x))
                    loss = F.cross_entropy(logits, y)
                    optimizer.zero_grad(set_to_none=True)
                    loss.backward()
                    optimizer.step()
                    with torch.no_grad():
                        loss_sum += loss.detach() * len(y)
                        correct += (logits.argmax(1) == y).sum()
                    if record == "batch":
                        _snapshot(model, store, items)
                        steps.append((epoch, b + 1))
                if record == "epoch":
                    _snapshot(model, store, items)
                    steps.append((epoch, batches_per_epoch))
                end_of_epoch(float(loss_sum) / n, int(correct) / n)
                model.train()
                completed = epoch
                if bar is not None:
                    postfix = {"loss": f"{metrics['train_loss'][-1]:.3f}"}
                    if val is not None:
                        postfix["val_acc"] = f"{metrics['val_accuracy'][-1]:.3f}"
                    bar.set_postfix(postfix)
                    bar.update(1)
        except KeyboardInterrupt:
            # Keep what is consistent: whole epochs of metrics, and the
            # snapshots taken up to the interruption (with record="epoch",
            # those of the finished epochs). The interrupt may come anywhere,
            # also half-way through a snapshot or an evaluation, so cut every
            # list to the same length.
            warnings.warn(
                f"training interrupted after {completed} of {epochs} epochs; "
                "returning the history recorded so far (history.completed is False)",
                RuntimeWarning,
                stacklevel=2,
            )
            keep = completed + 1 if record == "epoch" else len(steps)
            del steps[keep:]
            for key in store:
                del store[key][keep:]
            for key in metrics:
                del metrics[key][completed + 1 :]
        finally:
            if bar is not None:
                bar.close()
            model.eval()

    if isinstance(train_set, LineDataset):
        data_config = train_set.config
    else:
        data_config = {"n_train": n}
    config = {
        "cnnexplain_version": __version__,
        "dataset": data_config,
        "val_dataset": val_set.config if isinstance(val_set, LineDataset) else None,
        "model": {"class": "LineCNN", **model.config}
        if isinstance(model, LineCNN)
        else {"class": type(model).__name__},
        "training": {
            "epochs": epochs,
            "completed_epochs": completed,
            "batch_size": batch_size,
            "lr": lr,
            "seed": seed,
            "record": record,
            "optimizer": "Adam",
            "loss": "cross_entropy",
            "device": str(device),
            "threads": used_threads,
            "n_train": n,
            "n_val": len(val[1]) if val is not None else 0,
            "batches_per_epoch": batches_per_epoch,
        },
    }
    params = {k: np.stack(v) for k, v in store.items()}
    return WeightHistory(params, np.asarray(steps, dtype=np.int64), metrics, config, _copy=False)
