"""Tests of cnnexplain.training: train() and evaluate()."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from torch import nn

from cnnexplain import LineCNN, make_lines
from cnnexplain.history import METRICS, WeightHistory
from cnnexplain.training import evaluate, train

PARAMS = [
    "conv1.weight",
    "conv1.bias",
    "conv2.weight",
    "conv2.bias",
    "fc1.weight",
    "fc1.bias",
    "fc2.weight",
    "fc2.bias",
]
#: The tiny run of conftest: 36 training images in batches of 8.
BATCHES = 5


def quick_train(split, model, **kwargs):
    train_set, val_set = split
    kwargs.setdefault("epochs", 1)
    kwargs.setdefault("batch_size", 12)
    kwargs.setdefault("progress", False)
    return train(model, train_set, val_set=val_set, **kwargs)


# -- the history of a training run ----------------------------------------------------------


def test_history_shapes_and_steps(tiny_run):
    model, h, _, _ = tiny_run
    assert len(h) == 3  # epochs + 1
    assert list(h) == PARAMS == list(model.state_dict())
    assert h["conv1.weight"].shape == (3, 8, 1, 7, 7)
    assert h["conv1.bias"].shape == (3, 8)
    assert h["fc2.weight"].shape == (3, 2, 32)
    assert all(h[k].dtype == np.float32 for k in h)
    assert h.steps.dtype == np.int64
    assert h.steps.tolist() == [[0, 0], [1, BATCHES], [2, BATCHES]]
    assert h.epochs.tolist() == [0.0, 1.0, 2.0]
    assert h.layer_names() == ["conv1", "conv2", "fc1", "fc2"]
    assert h.completed
    assert "conv1.weight" in h and "conv3.weight" not in h
    assert repr(h).startswith("WeightHistory(3 snapshots, 8 parameters, final {")


def test_history_records_the_weights_and_they_change(tiny_run):
    model, h, _, _ = tiny_run
    initial = LineCNN(image_size=20, seed=1).state_dict()
    for key in h:
        assert np.array_equal(h[key][0], initial[key].numpy())  # step 0 is before training
        assert np.array_equal(h[key][-1], model.state_dict()[key].numpy())  # the last is the model
        assert not np.array_equal(h[key][0], h[key][1])


def test_metrics_have_one_value_per_snapshot_including_step_0(tiny_run):
    _, h, train_set, val_set = tiny_run
    assert set(h.metrics) == set(METRICS)
    for name, values in h.metrics.items():
        assert values.shape == (3,) and values.dtype == np.float64, name
        assert np.isfinite(values).all()
    for name in ("train_accuracy", "val_accuracy"):
        assert ((h.metrics[name] >= 0) & (h.metrics[name] <= 1)).all()
    # Step 0 and the validation values are full passes in eval mode: they
    # can be recomputed from the snapshots.
    assert (h.metrics["train_loss"][0], h.metrics["train_accuracy"][0]) == pytest.approx(
        evaluate(h.model_at(0), train_set), abs=1e-6
    )
    for step in range(3):
        assert (h.metrics["val_loss"][step], h.metrics["val_accuracy"][step]) == pytest.approx(
            evaluate(h.model_at(step), val_set), abs=1e-6
        )


def test_no_val_metrics_without_val_set(small_split, small_model):
    h = train(small_model(), small_split[0], epochs=1, batch_size=12, progress=False)
    assert set(h.metrics) == {"train_loss", "train_accuracy"}
    assert all(len(v) == 2 for v in h.metrics.values())
    assert h.config["val_dataset"] is None and h.config["training"]["n_val"] == 0


def test_config_describes_the_run_and_is_json(tiny_run):
    _, h, train_set, val_set = tiny_run
    config = h.config
    assert json.loads(json.dumps(config)) == config
    t = config["training"]
    assert t["epochs"] == t["completed_epochs"] == 2
    assert (t["batch_size"], t["lr"], t["seed"], t["record"]) == (8, 1e-3, 2, "epoch")
    assert (t["n_train"], t["n_val"], t["batches_per_epoch"]) == (36, 12, BATCHES)
    assert (t["optimizer"], t["loss"], t["device"]) == ("Adam", "cross_entropy", "cpu")
    assert config["model"]["class"] == "LineCNN" and config["model"]["image_size"] == 20
    assert config["model"]["seed"] == 1
    assert config["dataset"] == train_set.config and config["val_dataset"] == val_set.config
    config["training"]["epochs"] = 99  # a copy: the history is not changed
    assert h.config["training"]["epochs"] == 2


def test_record_batch(small_split, small_model):
    h = quick_train(small_split, small_model(), epochs=2, batch_size=12, record="batch")
    # 36 images / 12 = 3 batches per epoch; step 0 plus one snapshot per batch.
    assert len(h) == 1 + 2 * 3
    assert h.steps.tolist() == [[0, 0], [1, 1], [1, 2], [1, 3], [2, 1], [2, 2], [2, 3]]
    assert h["conv1.weight"].shape == (7, 8, 1, 7, 7)
    assert all(len(v) == 3 for v in h.metrics.values())  # metrics stay per epoch
    assert h.epochs.tolist() == pytest.approx([0, 1 / 3, 2 / 3, 1, 4 / 3, 5 / 3, 2])
    assert h.snapshot_of_epoch(1) == 3  # the last batch of epoch 1
    assert h.config["training"]["record"] == "batch"


def test_last_batch_may_be_smaller(small_split, small_model):
    h = quick_train(small_split, small_model(), epochs=1, batch_size=10, record="batch")
    assert h.steps.tolist() == [[0, 0], [1, 1], [1, 2], [1, 3], [1, 4]]  # 10 + 10 + 10 + 6


def test_zero_epochs_records_the_initial_state(small_split, small_model):
    h = quick_train(small_split, small_model(), epochs=0)
    assert len(h) == 1 and h.completed and all(len(v) == 1 for v in h.metrics.values())


# -- determinism ----------------------------------------------------------------------


def test_same_seeds_give_identical_histories_and_files(small_split, small_model, tmp_path):
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(1)  # the global state must not matter ...
        a = quick_train(small_split, small_model(seed=4), seed=5, epochs=2)
        torch.manual_seed(2)
        b = quick_train(small_split, small_model(seed=4), seed=5, epochs=2)
    finally:
        torch.random.set_rng_state(state)
    assert a == b
    for key in a:
        assert a[key].tobytes() == b[key].tobytes()
    assert a.save(tmp_path / "a.safetensors").read_bytes() == b.save(tmp_path / "b.safetensors").read_bytes()
    c = quick_train(small_split, small_model(seed=4), seed=6, epochs=2)
    assert a != c  # ... but the seed does
    assert not np.array_equal(a["conv1.weight"][-1], c["conv1.weight"][-1])


def test_training_leaves_the_global_random_state_alone(small_split, small_model, no_global_rng_change):
    quick_train(small_split, small_model(dropout=0.5), epochs=1)


# -- KeyboardInterrupt ------------------------------------------------------------------


class Interrupting(nn.Module):
    """Wraps a model; raises KeyboardInterrupt at its ``after``-th training
    step, or (``after=0``) at its first evaluation after a training step."""

    def __init__(self, inner: nn.Module, after: int):
        super().__init__()
        self.inner, self.after, self.steps = inner, after, 0

    def forward(self, x):
        if self.training:
            self.steps += 1
            if self.steps == self.after:
                raise KeyboardInterrupt
        elif self.after == 0 and self.steps > 0:
            raise KeyboardInterrupt
        return self.inner(x)


@pytest.mark.parametrize("record", ["epoch", "batch"])
def test_keyboard_interrupt_returns_the_epochs_done(small_split, small_model, record, tmp_path):
    # 3 batches per epoch: the 5th training batch is the 2nd of epoch 2.
    model = Interrupting(small_model(), after=5)
    with pytest.warns(RuntimeWarning, match="interrupted after 1 of 3 epochs"):
        h = quick_train(small_split, model, epochs=3, record=record)
    assert not h.completed
    assert h.config["training"]["completed_epochs"] == 1 and h.config["training"]["epochs"] == 3
    assert all(len(v) == 2 for v in h.metrics.values())  # step 0 and epoch 1
    if record == "epoch":
        assert h.steps.tolist() == [[0, 0], [1, 3]]
    else:  # every batch finished before the interruption
        assert h.steps.tolist() == [[0, 0], [1, 1], [1, 2], [1, 3], [2, 1]]
    assert h["inner.conv1.weight"].shape[0] == len(h)
    # The partial history is a normal one: it saves, loads and rebuilds models.
    again = WeightHistory.load(h.save(tmp_path / "partial.safetensors"))
    assert again == h and not again.completed
    with pytest.raises(ValueError, match="model"):
        h.model_at(-1)  # not a LineCNN: the architecture must be given
    assert isinstance(h.model_at(-1, model=Interrupting(small_model(), after=-1)), Interrupting)


def test_keyboard_interrupt_during_evaluation_keeps_metrics_consistent(small_split, small_model, tmp_path):
    # Interrupted in the validation at the end of epoch 1, after its training
    # metrics and its snapshot were taken: epoch 1 is not complete.
    model = Interrupting(small_model(), after=0)
    with pytest.warns(RuntimeWarning, match="after 0 of 2"):
        h = quick_train(small_split, model, epochs=2)
    assert len(h) == 1 and h.steps.tolist() == [[0, 0]]
    assert {k: len(v) for k, v in h.metrics.items()} == dict.fromkeys(METRICS, 1)
    assert WeightHistory.load(h.save(tmp_path / "h.safetensors")) == h


# -- evaluate ---------------------------------------------------------------------------------


def test_evaluate_matches_a_manual_computation(small_split, small_model):
    _, val_set = small_split
    model = small_model(seed=2).train()
    loss, accuracy = evaluate(model, val_set, batch_size=5)
    assert model.training  # restored
    model.eval()
    with torch.no_grad():
        logits = model(val_set.images)
    assert loss == pytest.approx(float(F.cross_entropy(logits, val_set.labels)), rel=1e-5)
    assert accuracy == float((logits.argmax(1) == val_set.labels).float().mean())
    assert evaluate(model, (val_set.images, val_set.labels)) == pytest.approx((loss, accuracy))


# -- bad input --------------------------------------------------------------------------------


def bad_train_inputs():
    good = make_lines(n_per_class=4, size=20, seed=0)
    x, y = good.images, good.labels
    nan = x.clone()
    nan[1, 0, 3, 3] = float("nan")
    cases = [
        ({"model": "LineCNN"}, TypeError, "model"),
        ({"model": None}, TypeError, "model"),
        ({"train_set": [x, y]}, TypeError, "train_set"),
        ({"train_set": x}, TypeError, "train_set"),
        ({"train_set": (x[:, 0], y)}, ValueError, "train_set"),  # rank 3
        ({"train_set": (x.repeat(1, 3, 1, 1), y)}, ValueError, "train_set"),  # channels
        ({"train_set": (x.double().to(torch.int64), y)}, TypeError, "train_set"),  # dtype
        ({"train_set": make_lines(n_per_class=4, size=30)}, ValueError, "train_set"),  # size
        ({"train_set": (nan, y)}, ValueError, "train_set"),
        ({"train_set": (x, y.int())}, TypeError, "train_set"),
        ({"train_set": (x, y[:5])}, ValueError, "train_set"),
        ({"train_set": (x, y + 2)}, ValueError, "train_set"),  # labels beyond the 2 outputs
        ({"train_set": (x, y - 1)}, ValueError, "train_set"),
        ({"val_set": make_lines(n_per_class=2, size=30)}, ValueError, "val_set"),
        ({"val_set": (x, y + 5)}, ValueError, "val_set"),
        ({"val_set": "test"}, TypeError, "val_set"),
        ({"epochs": -1}, ValueError, "epochs"),
        ({"epochs": 10**6}, ValueError, "epochs"),
        ({"epochs": 2.0}, TypeError, "epochs"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"batch_size": "32"}, TypeError, "batch_size"),
        ({"lr": 0.0}, ValueError, "lr"),
        ({"lr": -1e-3}, ValueError, "lr"),
        ({"lr": float("nan")}, ValueError, "lr"),
        ({"lr": 100.0}, ValueError, "lr"),
        ({"lr": "fast"}, TypeError, "lr"),
        ({"seed": -1}, ValueError, "seed"),
        ({"seed": None}, TypeError, "seed"),
        ({"record": "step"}, ValueError, "record"),
        ({"record": None}, TypeError, "record"),
        ({"record": "Epoch"}, ValueError, "record"),
        ({"optimizer": "Adam"}, ValueError, "optimizer"),
        ({"optimizer": "rmsprop"}, ValueError, "optimizer"),
        ({"optimizer": None}, TypeError, "optimizer"),
        ({"progress": "yes"}, TypeError, "progress"),
        ({"device": "tpu:9"}, ValueError, "device"),
        ({"device": "cuda"}, ValueError, "device"),
    ]
    if torch.cuda.is_available():
        cases.pop()
    # A LineDataset holding NaN (made by hand) is refused too.
    from cnnexplain.data import LineDataset

    cases.append(({"train_set": LineDataset(nan, y, good.classes)}, ValueError, "train_set"))
    return [pytest.param(*case, id=f"{next(iter(case[0]))}-{i}") for i, case in enumerate(cases)]


@pytest.mark.parametrize(("kwargs", "error", "name"), bad_train_inputs())
def test_train_rejects_bad_input(kwargs, error, name):
    args = {
        "model": LineCNN(image_size=20),
        "train_set": make_lines(n_per_class=4, size=20),
        "progress": False,
    }
    args.update(kwargs)
    model, train_set = args.pop("model"), args.pop("train_set")
    before = model.state_dict()["conv1.weight"].clone() if isinstance(model, nn.Module) else None
    with pytest.raises(error, match=name):
        train(model, train_set, epochs=args.pop("epochs", 1), **args)
    if before is not None:  # refused before any step
        assert torch.equal(model.state_dict()["conv1.weight"], before)


def test_train_wraps_errors_of_a_generic_model():
    model = nn.Sequential(nn.Flatten(), nn.Linear(100, 2))  # expects 10x10 images
    data = make_lines(n_per_class=3, size=12)
    with pytest.raises(ValueError, match="train_set does not fit the model"):
        train(model, data, epochs=1, progress=False)
    assert model.training
    with pytest.raises(ValueError, match="data does not fit the model"):
        evaluate(model, data)


def test_train_refuses_a_model_that_does_not_return_logits():
    with pytest.raises(ValueError, match="logits"):
        train(nn.Conv2d(1, 2, 3), make_lines(n_per_class=2, size=10), epochs=1, progress=False)
    with pytest.raises(ValueError, match="model must have trainable parameters"):
        train(nn.Flatten(), make_lines(n_per_class=2, size=10), epochs=1, progress=False)


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"model": "net"}, TypeError, "model"),
        ({"data": None}, TypeError, "data"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"data": make_lines(n_per_class=2, size=30)}, ValueError, "data"),
        ({"data": (torch.zeros(2, 1, 20, 20), torch.tensor([0, 7]))}, ValueError, "data"),
    ],
)
def test_evaluate_rejects_bad_input(kwargs, error, name):
    args = {"model": LineCNN(image_size=20), "data": make_lines(n_per_class=2, size=20)} | kwargs
    with pytest.raises(error, match=name):
        evaluate(**args)


# -- a generic model ----------------------------------------------------------------------------


def test_train_any_module_on_tensors(tmp_path):
    gen = torch.Generator().manual_seed(0)
    x = torch.rand(40, 1, 6, 6, generator=gen)
    y = (x[:, 0, :3].sum((1, 2)) > x[:, 0, 3:].sum((1, 2))).long()  # top half brighter?
    model = nn.Sequential(nn.Flatten(), nn.Linear(36, 2))
    h = train(model, (x, y), epochs=3, batch_size=10, lr=0.05, progress=False)
    assert list(h) == ["1.weight", "1.bias"] and len(h) == 4
    assert h.config["model"] == {"class": "Sequential"}
    assert h.config["dataset"] == {"n_train": 40}
    assert h.metrics["train_loss"][-1] < h.metrics["train_loss"][0]
    other = nn.Sequential(nn.Flatten(), nn.Linear(36, 2))
    assert torch.equal(h.model_at(-1, model=other)[1].weight, model[1].weight)
    assert WeightHistory.load(h.save(tmp_path / "seq.safetensors")) == h


class Viewing(nn.Module):
    """Flattens its feature maps with ``view``, which channels-last maps do not allow."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(1, 2, 3)
        self.fc = nn.Linear(2 * 18 * 18, 2)

    def forward(self, x):
        x = self.conv(x)
        return self.fc(x.view(x.shape[0], -1))


def test_a_model_that_views_its_feature_maps_is_refused_before_training(small_split):
    model = Viewing()
    before = model.conv.weight.detach().clone()
    with pytest.raises(ValueError, match=r"train_set does not fit the model: .*reshape"):
        quick_train(small_split, model)
    assert torch.equal(model.conv.weight, before)


class Configured(nn.Sequential):
    def __init__(self, config):
        super().__init__(nn.Flatten(), nn.Linear(400, 2))
        self.config = config


def test_a_models_config_dict_is_recorded(small_split):
    h = quick_train(small_split, Configured({"width": 400, "note": "mine"}))
    assert h.config["model"] == {"class": "Configured", "width": 400, "note": "mine"}
    with pytest.raises(TypeError, match=r"model\.config"):
        quick_train(small_split, Configured({"made": object()}))
    model = Configured("not a dict")
    assert quick_train(small_split, model).config["model"] == {"class": "Configured"}
    assert not model.training  # left in evaluation mode


def test_progress_bar_can_be_forced(small_split, small_model, capsys):
    quick_train(small_split, small_model(), epochs=1, progress=True)
    assert "training" in capsys.readouterr().err
    quick_train(small_split, small_model(), epochs=1, progress=False)
    assert capsys.readouterr().err == ""


# -- the promise of the issue: defaults learn the task ------------------------------------------


@pytest.mark.slow
def test_defaults_reach_99_percent_validation_accuracy():
    train_set, val_set = make_lines().split(test_fraction=0.2)
    assert (len(train_set), len(val_set)) == (960, 240)
    h = train(LineCNN(), train_set, val_set=val_set, progress=False)
    assert len(h) == 21 and h.completed
    assert h.metrics["val_accuracy"][-1] >= 0.99
    assert h.metrics["train_loss"][-1] < h.metrics["train_loss"][0] / 10
    assert math.isclose(h.metrics["val_accuracy"][0], 0.5, abs_tol=0.2)  # chance before training


def test_default_training_is_independent_of_the_global_thread_count():
    """threads=1 (the default) gives the same bytes whatever torch's thread setting is;
    threads=None trains with that setting and records it."""
    train_set, val_set = make_lines(n_per_class=30, size=20, seed=0).split()
    before = torch.get_num_threads()
    runs = {}
    try:
        for threads in (1, None):
            for n in (1, 2):
                torch.set_num_threads(n)
                runs[threads, n] = train(
                    LineCNN(image_size=20),
                    train_set,
                    val_set=val_set,
                    epochs=1,
                    progress=False,
                    threads=threads,
                )
                assert torch.get_num_threads() == n  # restored after training
    finally:
        torch.set_num_threads(before)
    assert runs[1, 1] == runs[1, 2]
    assert runs[1, 1].config["training"]["threads"] == runs[1, 2].config["training"]["threads"] == 1
    assert runs[None, 2].config["training"]["threads"] == 2


class ThreadProbe(nn.Module):
    """Wraps a model; notes torch's thread count at every training step and
    raises ``error`` at the ``fail_at``-th one."""

    def __init__(self, inner: nn.Module, fail_at: int = 0, error: BaseException | None = None):
        super().__init__()
        self.inner, self.fail_at, self.error, self.seen = inner, fail_at, error, []

    def forward(self, x):
        if self.training:
            self.seen.append(torch.get_num_threads())
            if self.error is not None and len(self.seen) == self.fail_at:
                raise self.error
        return self.inner(x)


@pytest.mark.parametrize("error", [None, RuntimeError("boom"), KeyboardInterrupt()])
def test_threads_apply_while_training_and_are_restored(small_split, small_model, error):
    before = torch.get_num_threads()
    model = ThreadProbe(small_model(), fail_at=2, error=error)
    try:
        torch.set_num_threads(1)
        if isinstance(error, RuntimeError):
            with pytest.raises(RuntimeError, match="boom"):
                quick_train(small_split, model, threads=2)
        elif isinstance(error, KeyboardInterrupt):
            with pytest.warns(RuntimeWarning, match="interrupted"):
                quick_train(small_split, model, threads=2)
        else:
            quick_train(small_split, model, threads=2)
        assert torch.get_num_threads() == 1
    finally:
        torch.set_num_threads(before)
    assert model.seen and set(model.seen) == {2}


@pytest.mark.parametrize("bad, error", [(0, ValueError), (1.5, TypeError), ("2", TypeError)])
def test_threads_is_checked(small_split, small_model, bad, error):
    with pytest.raises(error, match="threads"):
        train(small_model(), small_split[0], epochs=1, threads=bad, progress=False)


# -- the optimizer ---------------------------------------------------------------------------


def test_sgd_steps_are_minus_lr_times_the_gradient(small_split, small_model):
    """Plain SGD (no momentum): each recorded step is exactly -lr times the batch's gradient."""
    train_set, _ = small_split
    lr = 0.05
    history = train(
        small_model(seed=3),
        train_set,
        epochs=1,
        batch_size=12,
        lr=lr,
        optimizer="sgd",
        record="batch",
        progress=False,
    )
    assert history.config["training"]["optimizer"] == "SGD"
    # Replay the first batch by hand: the same shuffling and dropout masks (train() seeds both with 0).
    model = small_model(seed=3)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(0)
        order = torch.randperm(len(train_set), generator=torch.Generator().manual_seed(0))
        images = train_set.images[order[:12]].to(memory_format=torch.channels_last)
        model.train()
        loss = F.cross_entropy(model(images), train_set.labels[order[:12]])
    (grad,) = torch.autograd.grad(loss, model.conv1.weight)
    step = history["conv1.weight"][1] - history["conv1.weight"][0]
    np.testing.assert_allclose(step, -lr * grad.numpy(), rtol=1e-4, atol=1e-7)


def test_adam_is_the_default_and_differs_from_sgd(small_split, small_model):
    train_set, _ = small_split
    adam = train(small_model(), train_set, epochs=1, progress=False)
    explicit = train(small_model(), train_set, epochs=1, optimizer="adam", progress=False)
    sgd = train(small_model(), train_set, epochs=1, optimizer="sgd", progress=False)
    assert adam == explicit and adam.config["training"]["optimizer"] == "Adam"
    assert sgd.config["training"]["optimizer"] == "SGD"
    assert not np.array_equal(adam["conv1.weight"][-1], sgd["conv1.weight"][-1])
