"""Training in network.js against PyTorch, step by step: the parity case, PyTorch's run of it, the comparison.

The bar (issue 24): from the same initial weights, with the same mini-batches
and the same dropout masks, drawn here by PyTorch, the weights after
:data:`STEPS` steps of SGD (momentum, weight decay) and of Adam agree with
PyTorch's within :data:`WEIGHT_TOLERANCE` of each tensor's largest weight, and
the losses at every step within :data:`LOSS_TOLERANCE`. The model is
:class:`cnnexplain.LineCNN` with its defaults, on a few real line images
(:func:`cnnexplain.make_lines`).

:func:`make_case` draws a case, :func:`torch_run` trains it with
``torch.optim``, :func:`case_json` writes it for ``tools/training_parity.js``
(which runs it with ``cnnexplain/viz/network.js``), :func:`js_run` reads that
run back and :func:`compare` measures the two. ``tests/test_network_js.py``
runs the case in Node, ``tools/training_check.py`` in a Web Worker in Chromium.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
#: The JavaScript side: runs a case of case_json with network.js (in Node, or in a Web Worker).
DRIVER = HERE / "training_parity.js"
NETWORK_JS = HERE.parent / "cnnexplain" / "viz" / "network.js"

STEPS = 200
BATCH_SIZE = 8
#: Line images per class: 32 images, four mini-batches an epoch, a new order every epoch.
N_PER_CLASS = 16
WEIGHT_TOLERANCE = 1e-4  # max |JS - PyTorch| of a tensor / max |PyTorch| of that tensor
LOSS_TOLERANCE = 1e-5  # max |JS - PyTorch| of the loss at any step
#: torch.optim's arguments of each optimizer of the parity test.
OPTIMIZERS = {
    "sgd": {"type": "sgd", "lr": 0.01, "momentum": 0.9, "dampening": 0.0, "weight_decay": 5e-4},
    "adam": {"type": "adam", "lr": 1e-3, "betas": [0.9, 0.999], "eps": 1e-8, "weight_decay": 1e-4},
}


@dataclass
class Case:
    """A training run to repeat: the model, its data, each step's batch and dropout masks."""

    model: object  # the torch module, at its initial weights (never trained: torch_run copies it)
    network: dict  # network.js's description of it ($defs/network of explorer.schema.json)
    images: np.ndarray  # (M, C, H, W) float32
    labels: np.ndarray  # (M,) int64
    batches: np.ndarray  # (steps, batch size): the images of each step
    masks: dict[str, np.ndarray]  # dropout layer -> (steps, batch size * features) uint8, 1 = kept
    optimizer: dict  # torch.optim's arguments, with the type


@dataclass
class Run:
    """The loss at every step and every tensor at the end (parameters and running statistics)."""

    losses: np.ndarray
    tensors: dict[str, np.ndarray]
    seconds: float = float("nan")


@dataclass
class Comparison:
    """How far a run is from PyTorch's: per tensor, and the losses."""

    weight_errors: dict[str, float]  # max |difference| / max |PyTorch's value|
    loss_error: float  # max |difference| over the steps
    failures: list[str] = field(default_factory=list)

    @property
    def max_weight_error(self) -> float:
        return max(self.weight_errors.values())


# -- the case -------------------------------------------------------------------------------
def trainable_network(model, input_shape: tuple[int, int, int]) -> tuple[dict, dict[str, np.ndarray]]:
    """network.js's description of ``model`` to train, and its tensors (float32, by name)."""
    import torch

    from cnnexplain.viz._network import layer_tensors, trace_chain

    chain = trace_chain(model, input_shape)
    tensors: dict[str, np.ndarray] = {}
    for layer in chain:
        tensors.update(layer_tensors(layer, trainable=True))
    for name, value in tensors.items():
        if not torch.equal(torch.from_numpy(value), model.state_dict()[name].float()):
            raise ValueError(f"tensor {name} is not the model's {name}")
    channels, height, width = input_shape
    network = {
        "input": {"channels": channels, "height": height, "width": width, "range": [0.0, 1.0]},
        "layers": [layer.spec(trainable=True) for layer in chain],
        "tensors": [{"name": name, "shape": list(value.shape)} for name, value in tensors.items()],
    }
    return network, tensors


def draw_steps(n_images: int, batch_size: int, steps: int, generator) -> np.ndarray:
    """Mini-batches as a shuffled data loader makes them: a new order each epoch, no partial batch."""
    import torch

    per_epoch = n_images // batch_size
    batches = []
    while len(batches) < steps:
        order = torch.randperm(n_images, generator=generator)
        batches += [order[i * batch_size : (i + 1) * batch_size].numpy() for i in range(per_epoch)]
    return np.stack(batches[:steps])


def draw_masks(network: dict, steps: int, batch_size: int, generator) -> dict[str, np.ndarray]:
    """A mask per step for every dropout layer: each value kept with probability 1 - p, by PyTorch."""
    import torch

    masks = {}
    for layer in network["layers"]:
        if layer["type"] == "dropout":
            size = (steps, batch_size * int(np.prod(layer["in_shape"])))
            keep = torch.empty(size).bernoulli_(1 - layer["p"], generator=generator)
            masks[layer["name"]] = keep.numpy().astype(np.uint8)
    return masks


def make_case(
    optimizer: str,
    model=None,
    images=None,
    labels=None,
    *,
    steps: int = STEPS,
    batch_size: int = BATCH_SIZE,
    seed: int = 0,
) -> Case:
    """A parity case: by default LineCNN (its defaults) on 2 x N_PER_CLASS line images of 50 x 50."""
    import torch

    from cnnexplain import LineCNN, make_lines

    if model is None:
        model = LineCNN()
    if images is None:
        data = make_lines(n_per_class=N_PER_CLASS, size=model.image_size, seed=seed)
        images, labels = data.images.numpy(), data.labels.numpy()
    images = np.ascontiguousarray(images, dtype=np.float32)
    network, _ = trainable_network(model, tuple(images.shape[1:]))
    generator = torch.Generator().manual_seed(seed)
    return Case(
        model=model,
        network=network,
        images=images,
        labels=np.asarray(labels, dtype=np.int64),
        batches=draw_steps(len(images), batch_size, steps, generator),
        masks=draw_masks(network, steps, batch_size, generator),
        optimizer=dict(OPTIMIZERS[optimizer]) if isinstance(optimizer, str) else dict(optimizer),
    )


# -- PyTorch's run --------------------------------------------------------------------------
def torch_optimizer(settings: dict, parameters):
    """The torch.optim optimizer of ``settings``, in its single-tensor implementation (foreach=False):
    the one that runs on the CPU by default, and the one network.js follows."""
    import torch

    args = {k: v for k, v in settings.items() if k != "type"}
    if settings["type"] == "sgd":
        return torch.optim.SGD(parameters, foreach=False, **args)
    return torch.optim.Adam(parameters, foreach=False, **{**args, "betas": tuple(args["betas"])})


def replace_dropout(model, masks: dict[str, np.ndarray], step: list[int]):
    """Forward hooks that give each dropout layer the case's mask of the current step (``step[0]``),
    computed as PyTorch's dropout computes it (``input * mask.div_(1 - p)``). Returns the handles."""
    import torch

    handles = []
    for name, mask in masks.items():
        module = model.get_submodule(name)

        def hook(module, inputs, output, mask=mask):
            x = inputs[0]
            noise = torch.from_numpy(mask[step[0]]).to(x.dtype).reshape(x.shape)
            return x * noise.div_(1 - module.p)

        handles.append(module.register_forward_hook(hook))
    return handles


def torch_run(case: Case) -> Run:
    """Train a copy of the case's model with torch.optim; the global random state is left alone."""
    import time

    import torch
    import torch.nn.functional as F

    model = copy.deepcopy(case.model).train()
    optimizer = torch_optimizer(case.optimizer, model.parameters())
    step = [0]
    handles = replace_dropout(model, case.masks, step)
    images, labels = torch.from_numpy(case.images), torch.from_numpy(case.labels)
    losses = []
    start = time.perf_counter()
    with torch.random.fork_rng(devices=[]):
        for step[0], batch in enumerate(case.batches):
            index = torch.from_numpy(batch)
            loss = F.cross_entropy(model(images[index]), labels[index])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            losses.append(loss.item())
    seconds = time.perf_counter() - start
    for handle in handles:
        handle.remove()
    names = [t["name"] for t in case.network["tensors"]]
    state = model.state_dict()
    return Run(np.array(losses), {n: state[n].detach().numpy().copy() for n in names}, seconds)


# -- the JavaScript side --------------------------------------------------------------------
def _b64(array: np.ndarray, dtype: str) -> str:
    return base64.b64encode(np.ascontiguousarray(array, dtype=dtype).tobytes()).decode("ascii")


def case_json(case: Case) -> dict:
    """The case as training_parity.js reads it: JSON, with arrays as base64 of little-endian values."""
    _, tensors = trainable_network(case.model, tuple(case.images.shape[1:]))
    return {
        "network": case.network,
        "tensors": {name: _b64(value, "<f4") for name, value in tensors.items()},
        "images": _b64(case.images, "<f4"),
        "labels": case.labels.tolist(),
        "batches": case.batches.tolist(),
        "masks": {name: _b64(mask, "u1") for name, mask in case.masks.items()},
        "optimizer": case.optimizer,
    }


def js_run(result: dict, case: Case) -> Run:
    """A run of training_parity.js, read back (its tensors shaped as the case's)."""
    shapes = {t["name"]: t["shape"] for t in case.network["tensors"]}
    tensors = {
        name: np.asarray(values, dtype=np.float32).reshape(shapes[name])
        for name, values in result["tensors"].items()
    }
    return Run(np.asarray(result["losses"], dtype=np.float64), tensors, result.get("ms", float("nan")) / 1000)


def compare(reference: Run, run: Run) -> Comparison:
    """Each tensor's largest difference relative to its largest value in ``reference``, the largest
    difference of the losses, and what breaks the tolerances."""
    errors = {}
    for name, want in reference.tensors.items():
        got = run.tensors.get(name)
        if got is None or got.shape != want.shape:
            errors[name] = float("inf")
            continue
        scale = float(np.abs(want).max()) or 1.0
        errors[name] = float(np.abs(got.astype(np.float64) - want).max()) / scale
    if len(run.losses) == len(reference.losses):
        loss_error = float(np.abs(run.losses - reference.losses).max())
    else:
        loss_error = float("inf")
    comparison = Comparison(errors, loss_error)
    for name, error in errors.items():
        if not error <= WEIGHT_TOLERANCE:
            comparison.failures.append(f"{name}: relative error {error:.3g} > {WEIGHT_TOLERANCE:g}")
    if not loss_error <= LOSS_TOLERANCE:
        comparison.failures.append(f"losses: max error {loss_error:.3g} > {LOSS_TOLERANCE:g}")
    return comparison


def summary(comparison: Comparison) -> str:
    """One line: the worst tensor and the loss error, against their tolerances."""
    worst = max(comparison.weight_errors, key=comparison.weight_errors.get)
    return (
        f"max relative weight error {comparison.max_weight_error:.2g} ({worst}; limit {WEIGHT_TOLERANCE:g}), "
        f"max loss error {comparison.loss_error:.2g} (limit {LOSS_TOLERANCE:g})"
    )
