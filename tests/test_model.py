"""Tests of cnnexplain.model: LineCNN, summary and activations."""

from __future__ import annotations

import pickle

import pytest
import torch
from torch import nn

from cnnexplain.model import LineCNN, activations, leaf_modules, summary

LAYERS = ["conv1", "relu1", "pool1", "conv2", "relu2", "pool2", "flatten", "dropout", "fc1", "relu3", "fc2"]


def n_params(module: nn.Module) -> int:
    return sum(p.numel() for p in module.parameters())


# -- LineCNN ---------------------------------------------------------------------------


def test_named_submodules_in_order():
    model = LineCNN()
    assert [name for name, _ in model.named_children()] == LAYERS
    assert [name for name, _ in leaf_modules(model)] == LAYERS
    kinds = [type(m) for _, m in model.named_children()]
    assert kinds == [nn.Conv2d, nn.ReLU, nn.MaxPool2d] * 2 + [
        nn.Flatten,
        nn.Dropout,
        nn.Linear,
        nn.ReLU,
        nn.Linear,
    ]
    assert list(model.state_dict()) == [
        f"{layer}.{kind}" for layer in ("conv1", "conv2", "fc1", "fc2") for kind in ("weight", "bias")
    ]


def test_conv1_has_400_parameters_with_defaults():
    model = LineCNN()
    assert n_params(model.conv1) == 8 * 7 * 7 + 8 == 400
    assert model.conv1.weight.shape == (8, 1, 7, 7)
    assert model.dropout.p == 0.25
    other = LineCNN(n_kernels=4, kernel_size=5, image_size=30, n_classes=3, hidden=10)
    assert n_params(other.conv1) == 4 * 5 * 5 + 4
    assert other.fc2.out_features == 3 and other.fc1.out_features == 10


@pytest.mark.parametrize(
    ("kwargs", "n"),
    [({}, 5), ({"image_size": 20}, 3), ({"image_size": 33, "n_classes": 4}, 1), ({"kernel_size": 3}, 2)],
)
def test_output_shape(kwargs, n):
    model = LineCNN(**kwargs).eval()
    size = kwargs.get("image_size", 50)
    out = model(torch.rand(n, 1, size, size))
    assert out.shape == (n, kwargs.get("n_classes", 2))
    assert out.dtype == torch.float32


def test_seed_determines_the_initial_weights_without_touching_global_state(no_global_rng_change):
    a, b, c = LineCNN(seed=0), LineCNN(seed=0), LineCNN(seed=1)
    for key, value in a.state_dict().items():
        assert torch.equal(value, b.state_dict()[key])
    assert not torch.equal(a.conv1.weight, c.conv1.weight)
    assert a.config["seed"] == 0 and a.image_size == 50


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"n_kernels": 0}, ValueError, "n_kernels"),
        ({"n_kernels": 2.0}, TypeError, "n_kernels"),
        ({"kernel_size": 0}, ValueError, "kernel_size"),
        ({"image_size": 2}, ValueError, "image_size"),
        ({"image_size": "50"}, TypeError, "image_size"),
        ({"n_classes": 1}, ValueError, "n_classes"),
        ({"n_kernels2": -1}, ValueError, "n_kernels2"),
        ({"kernel_size2": 100}, ValueError, "kernel_size2"),
        ({"hidden": 0}, ValueError, "hidden"),
        ({"dropout": 1.0}, ValueError, "dropout"),
        ({"dropout": -0.1}, ValueError, "dropout"),
        ({"dropout": "0.5"}, TypeError, "dropout"),
        ({"seed": -3}, ValueError, "seed"),
        # Too small for the kernels: the second pooling would get nothing.
        ({"image_size": 12, "kernel_size": 7}, ValueError, "image_size"),
        ({"image_size": 50, "kernel_size": 49}, ValueError, "image_size"),
    ],
)
def test_constructor_rejects_bad_settings(kwargs, error, name):
    with pytest.raises(error, match=name):
        LineCNN(**kwargs)


# -- summary ---------------------------------------------------------------------------


def test_summary_of_linecnn():
    model = LineCNN()
    table = summary(model)
    assert [r.name for r in table.rows] == LAYERS
    assert table.input_shape == (1, 1, 50, 50)
    conv1 = table.row("conv1")
    assert (conv1.kind, conv1.output_shape, conv1.params, conv1.arithmetic) == (
        "Conv2d",
        (1, 8, 44, 44),
        400,
        "7*7*1*8 + 8",
    )
    shapes = {r.name: r.output_shape for r in table.rows}
    assert shapes["pool1"] == (1, 8, 22, 22)
    assert shapes["conv2"] == (1, 8, 20, 20)
    assert shapes["pool2"] == (1, 8, 10, 10)
    assert shapes["flatten"] == (1, 800)
    assert shapes["fc1"] == (1, 32)
    assert shapes["fc2"] == (1, 2)
    assert table.row("conv2").arithmetic == "3*3*8*8 + 8" and table.row("conv2").params == 584
    assert table.row("fc1").arithmetic == "800*32 + 32" and table.row("fc1").params == 25_632
    assert table.row("fc2").arithmetic == "32*2 + 2" and table.row("fc2").params == 66
    assert table.row("relu1").params == 0 and table.row("relu1").arithmetic == ""
    assert table.total_params == n_params(model) == 26_682
    with pytest.raises(ValueError, match="name"):
        table.row("conv3")


def test_summary_arithmetic_adds_up():
    for r in summary(LineCNN(n_kernels=5, kernel_size=3, image_size=20), (2, 1, 20, 20)).rows:
        if r.arithmetic:
            product, _, bias = r.arithmetic.partition(" + ")
            total = 1
            for factor in product.split("*"):
                total *= int(factor)
            assert total + int(bias or 0) == r.params


def test_summary_str_prints_the_table():
    text = str(summary(LineCNN()))
    lines = text.splitlines()
    assert lines[0].split() == ["layer", "type", "output", "shape", "parameters", "arithmetic"]
    assert "(1, 1, 50, 50)" in lines[2] and lines[2].startswith("input")
    conv1 = next(line for line in lines if line.startswith("conv1"))
    assert "(1, 8, 44, 44)" in conv1 and conv1.endswith("7*7*1*8 + 8 = 400")
    assert "800*32 + 32 = 25,632" in text
    assert lines[-1] == "total parameters: 26,682"
    for name in LAYERS:
        assert sum(line.startswith(name + " ") for line in lines) == 1
    rules = [line for line in lines if set(line) == {"-"}]
    assert len(rules) == 2 and len(rules[0]) == max(len(line) for line in lines)


def test_summary_of_a_generic_model_without_bias():
    model = nn.Sequential(nn.Conv2d(3, 4, 3, bias=False), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 6 * 6, 5))
    table = summary(model, input_size=(2, 3, 8, 8))
    assert [r.name for r in table.rows] == ["0", "1", "2", "3"]
    assert table.rows[0].arithmetic == "3*3*3*4" and table.rows[0].params == 108
    assert table.rows[3].arithmetic == "144*5 + 5" and table.rows[3].output_shape == (2, 5)
    assert table.total_params == n_params(model)
    assert model.training  # the training flag is restored


class Shared(nn.Module):
    """Runs the same layer twice (shared weights)."""

    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 4)
        self.act = nn.ReLU()

    def forward(self, x):
        return self.act(self.fc(self.act(self.fc(x.flatten(1)))))


def test_summary_counts_shared_parameters_once():
    model = Shared()
    table = summary(model, (1, 1, 2, 2))
    assert [r.name for r in table.rows] == ["fc", "act", "fc#2", "act#2"]
    assert table.total_params == n_params(model) == 20


@pytest.mark.parametrize(
    ("input_size", "error", "name"),
    [
        ((1, 50, 50), TypeError, "input_size"),
        ("1x1x50x50", TypeError, "input_size"),
        (None, TypeError, "input_size"),
        ((1, 1, 50, 0), ValueError, "input_size"),
        ((1, 1, 50.0, 50), TypeError, "input_size"),
        ((1, 1, 40, 40), ValueError, "input_size"),  # does not fit LineCNN
        ((1, 3, 50, 50), ValueError, "input_size"),
        ((4096, 4096, 50, 50), ValueError, "input_size"),  # absurd: never allocated
    ],
)
def test_summary_rejects_bad_input_size(input_size, error, name):
    with pytest.raises(error, match=name):
        summary(LineCNN(), input_size)


def test_summary_rejects_non_modules_and_torch_errors_are_wrapped():
    with pytest.raises(TypeError, match="model"):
        summary(lambda x: x)
    with pytest.raises(ValueError, match="input_size"):
        summary(nn.Linear(3, 2), (1, 1, 1, 5))  # a shape mismatch inside torch


# -- activations -------------------------------------------------------------------------


def test_activations_of_linecnn_in_forward_order():
    model = LineCNN(seed=3)
    images = torch.rand(3, 1, 50, 50, generator=torch.Generator().manual_seed(0))
    acts = activations(model, images)
    assert list(acts) == LAYERS
    assert acts["conv1"].shape == (3, 8, 44, 44)
    assert acts["pool2"].shape == (3, 8, 10, 10)
    assert acts["fc2"].shape == (3, 2)
    model.eval()
    with torch.no_grad():
        assert torch.allclose(acts["conv1"], model.conv1(images))
        assert torch.equal(acts["relu1"], torch.relu(acts["conv1"]))
        assert torch.equal(acts["fc2"], model(images))  # eval mode: no dropout
    assert not any(t.requires_grad for t in acts.values())


def test_activations_layers_filter():
    model = LineCNN()
    acts = activations(model, torch.zeros(1, 1, 50, 50), layers=["fc1", "conv1"])
    assert list(acts) == ["conv1", "fc1"]  # forward order, not the order asked
    with pytest.raises(ValueError, match="layers"):
        activations(model, torch.zeros(1, 1, 50, 50), layers=["conv1", "conv9"])
    with pytest.raises(TypeError, match="layers"):
        activations(model, torch.zeros(1, 1, 50, 50), layers="conv1")


def test_activations_restore_the_training_flag_and_use_eval_mode():
    model = LineCNN(dropout=0.5)
    images = torch.rand(2, 1, 50, 50)
    model.train()
    first = activations(model, images)
    assert model.training and all(m.training for m in model.modules())
    second = activations(model, images)  # dropout off: the same outputs
    assert torch.equal(first["fc2"], second["fc2"])
    model.eval()
    activations(model, images)
    assert not model.training


def test_activations_of_a_sequential():
    model = nn.Sequential(nn.Conv2d(3, 2, 3), nn.ReLU(), nn.Sequential(nn.Flatten(), nn.Linear(2 * 4 * 4, 3)))
    acts = activations(model, torch.rand(5, 3, 6, 6))
    assert list(acts) == ["0", "1", "2.0", "2.1"]
    assert acts["2.1"].shape == (5, 3)


class BackwardsOrder(nn.Module):
    """Registers its layers in one order and runs them in another, nested."""

    def __init__(self):
        super().__init__()
        self.head = nn.Linear(4, 2)
        self.body = nn.Sequential(nn.Conv2d(1, 1, 3, padding=1), nn.Tanh())
        self.act = nn.ReLU()

    def forward(self, x):
        x = self.act(self.body(x))
        x = self.act(x).flatten(1)
        return self.head(x)


def test_activations_of_a_custom_module_follow_the_forward_order():
    acts = activations(BackwardsOrder(), torch.rand(2, 1, 2, 2))
    assert list(acts) == ["body.0", "body.1", "act", "act#2", "head"]
    assert torch.equal(acts["act"], acts["act#2"])  # ReLU of a ReLU
    assert acts["head"].shape == (2, 2)


def test_activations_of_a_module_without_children():
    conv = nn.Conv2d(1, 3, 3)
    acts = activations(conv, torch.rand(1, 1, 5, 5))
    assert list(acts) == ["Conv2d"] and acts["Conv2d"].shape == (1, 3, 3, 3)


class Failing(nn.Module):
    """Runs a layer, then raises."""

    def __init__(self, error):
        super().__init__()
        self.conv = nn.Conv2d(1, 1, 3)
        self.relu = nn.ReLU()
        self.error = error

    def forward(self, x):
        self.relu(self.conv(x))
        raise self.error


def assert_no_hook_left(model: nn.Module) -> None:
    """A forward hook left behind (a closure) would make the model unpicklable,
    so ``torch.save(model)`` would fail."""
    pickle.dumps(model)


@pytest.mark.parametrize("training", [True, False])
def test_hooks_are_removed_when_the_forward_raises(training):
    model = Failing(KeyError("boom")).train(training)
    with pytest.raises(KeyError, match="boom"):
        activations(model, torch.rand(1, 1, 5, 5))
    assert_no_hook_left(model)
    assert model.training is training
    # A RuntimeError inside torch becomes a ValueError naming images; the
    # hooks are gone too.
    model = Failing(RuntimeError("shape mismatch")).train(training)
    with pytest.raises(ValueError, match="images"):
        activations(model, torch.rand(1, 1, 5, 5))
    assert_no_hook_left(model)
    assert model.training is training
    # summary shares the machinery.
    with pytest.raises(ValueError, match="input_size"):
        summary(model, (1, 1, 5, 5))
    assert_no_hook_left(model)


def test_hooks_are_removed_after_a_normal_run():
    model = LineCNN()
    activations(model, torch.zeros(1, 1, 50, 50))
    summary(model)
    assert_no_hook_left(model)


@pytest.mark.parametrize(
    ("model", "images", "error", "name"),
    [
        ("LineCNN", torch.zeros(1, 1, 50, 50), TypeError, "model"),
        (None, torch.zeros(1, 1, 50, 50), TypeError, "model"),
        (LineCNN(), torch.zeros(1, 50, 50), ValueError, "images"),
        (LineCNN(), torch.zeros(1, 2, 50, 50), ValueError, "images"),
        (LineCNN(), torch.zeros(1, 1, 30, 30), ValueError, "images"),
        (LineCNN(), torch.zeros(1, 1, 50, 50, dtype=torch.int32), TypeError, "images"),
        (LineCNN(), torch.full((1, 1, 50, 50), float("nan")), ValueError, "images"),
        (LineCNN(), "image.png", TypeError, "images"),
        (nn.Linear(3, 2), torch.zeros(1, 1, 2, 2), ValueError, "images"),  # error inside torch
    ],
)
def test_activations_reject_bad_input(model, images, error, name):
    with pytest.raises(error, match=name):
        activations(model, images)


def test_every_layer_takes_the_output_of_the_one_before():
    """The hooks see exactly the documented chain conv1 -> relu1 -> ... -> fc2:
    each recorded output is its layer applied to the previous output."""
    model = LineCNN(seed=5)
    images = torch.rand(4, 1, 50, 50, generator=torch.Generator().manual_seed(1))
    acts = activations(model, images)
    previous = images
    model.eval()
    with torch.no_grad():
        for name in LAYERS:
            assert torch.equal(acts[name], getattr(model, name)(previous)), name
            previous = acts[name]


def test_activations_reject_nan_hidden_among_many_values():
    images = torch.rand(4, 1, 50, 50)
    images[3, 0, 7, 9] = float("nan")
    with pytest.raises(ValueError, match="images must not contain NaN"):
        activations(LineCNN(), images)
    images[3, 0, 7, 9] = float("-inf")
    with pytest.raises(ValueError, match="images"):
        activations(LineCNN(), images)
    # Large but finite values (whose sum overflows) are accepted.
    big = torch.full((1, 1, 50, 50), 3e38)
    assert list(activations(LineCNN(), big)) == LAYERS
