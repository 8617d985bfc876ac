"""One chunk of a seed study, trained as one batched ensemble.

:func:`train_chunk` trains every member -- one per seed and arm -- of a chunk
of seeds at once and returns their conv1 snapshots and metrics. Each member
is the run :func:`~cnnexplain.training.train` makes with the same settings,
bit for bit on the same build of torch (``tests/test_study.py`` checks it):

* the same initial weights: ``LineCNN(seed=seed)``'s, the same for every arm
  but ``"swapped"``, whose conv1 kernels start in each other's slots
  (:func:`initial_state`);
* the same images, but for the arms ``"gaussian"`` and ``"whitened"``, which
  train and are tested on surrogates of them (:func:`datasets`);
* the same mini-batches: one ``torch.randperm`` per epoch from a generator
  seeded with the seed, split into batches, as ``train()`` draws them;
* the same dropout masks: ``train()`` seeds torch's (private) global
  generator with the seed and dropout draws one ``bernoulli_`` per batch from
  it; here each seed has a generator of its own, seeded the same, drawing the
  same masks in the same order, shared by the seed's arms;
* the same optimizer, made by the factory ``train()`` uses (Adam, fused where
  torch has it, or plain SGD);
* the same metrics, evaluated as ``train()`` does: in batches of 64, the loss
  summed in float64 in the same order.

Each step is one forward pass, one backward pass and one optimizer step (per
optimizer) for all the members; inside the forward pass, each member's layers
run on the very kernels ``train()`` runs (see :mod:`cnnexplain.study` for
why they are not batched further). Every member keeps tensors of its own, as
a model does: torch's fused Adam rounds an update by where the weight lies in
its tensor, so stacking the members' weights in one tensor changed the last
bit of some updates (by up to 3e-7 of the largest weight after 8 epochs,
measured), while one fused step over all the members' own tensors changes
nothing. Max-pooling comes before the ReLU, not after as in
:class:`~cnnexplain.model.LineCNN`: the two orders give the same values and
the same gradients (the ReLU is monotone; where a window's maximum is not
positive, both pass no gradient), and pooling first leaves the ReLU a quarter
of the values. :func:`train_chunk` checks on the way in that its forward pass
gives the model's logits bit for bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from .. import __version__
from .._checks import check_seed, describe
from .._torch import torch_threads
from ..data import LineDataset, make_lines
from ..experiment import _code_digest
from ..history import WeightHistory
from ..model import LineCNN
from ..surrogates import gaussian_twin, whitened
from ..training import _OPTIMIZERS, EVAL_BATCH_SIZE, _channels_last, train

__all__ = [
    "ARMS",
    "DATA_OF_ARM",
    "FROZEN_CONV1",
    "LABEL_STREAM",
    "METRICS",
    "initial_state",
    "shuffled_labels",
    "train_chunk",
    "train_member",
    "trained_with",
]

#: The arms a study may train for each seed, each an intervention on the first:
#: Adam on the true labels; Adam on labels shuffled by a permutation drawn from the
#: seed (:func:`shuffled_labels`); plain SGD on the true labels; Adam with the conv1
#: kernels' starts moved one slot along (:func:`initial_state`); Adam with conv1
#: frozen at its start (only the layers after it learn); Adam on the Gaussian twins
#: of the images, and on the images whitened (:data:`DATA_OF_ARM`). All see the
#: same batches (the same indices, into their own images).
ARMS = ("adam", "shuffled", "sgd", "swapped", "frozen", "gaussian", "whitened")
#: The optimizer of each arm, as :func:`~cnnexplain.training.train` names it.
OPTIMIZER_OF_ARM = {arm: "sgd" if arm == "sgd" else "adam" for arm in ARMS}
#: The images each arm trains and is tested on: the line images, their Gaussian
#: twins (:func:`~cnnexplain.surrogates.gaussian_twin`: the same pixel means and
#: covariance per class, no lines) or the line images whitened
#: (:func:`~cnnexplain.surrogates.whitened`: the lines in place, the spectrum flat).
DATA_OF_ARM = {arm: arm if arm in ("gaussian", "whitened") else "lines" for arm in ARMS}
#: The seeds of the Gaussian twins of the training and of the test images.
TWIN_SEEDS = {"train": 0, "test": 1}
#: The arms whose conv1 does not learn.
FROZEN_CONV1 = ("frozen",)
#: The per-epoch metrics of every member: those :func:`~cnnexplain.training.train`
#: records with a validation set (the split's test part validates, as in
#: :func:`~cnnexplain.experiment.experiment`).
METRICS = ("train_loss", "train_accuracy", "val_loss", "val_accuracy")
#: The second entry of the seed sequence of the label permutation: its own
#: random stream, not one that draws images, splits or batches.
LABEL_STREAM = 1


def shuffled_labels(labels: torch.Tensor, seed: int) -> torch.Tensor:
    """Return ``labels`` permuted by the permutation of ``seed``: the shuffled arm's labels.

    Image ``i`` gets the label of image ``perm[i]``, with ``perm =
    numpy.random.default_rng([seed, LABEL_STREAM]).permutation(len(labels))``;
    the class counts stay the same.

    Parameters
    ----------
    labels : torch.Tensor
        Int64 labels ``(N,)``.
    seed : int
        The member's seed, non-negative.

    Returns
    -------
    torch.Tensor
        A new int64 tensor ``(N,)``.

    Examples
    --------
    >>> import torch
    >>> shuffled_labels(torch.tensor([0, 0, 0, 1, 1, 1]), seed=0).tolist()
    [0, 1, 1, 0, 0, 1]
    """
    if not isinstance(labels, torch.Tensor) or labels.dtype != torch.int64 or labels.ndim != 1:
        raise TypeError(f"labels must be an int64 tensor of shape (N,), got {describe(labels)}")
    seed = check_seed("seed", seed)
    permutation = np.random.default_rng([seed, LABEL_STREAM]).permutation(len(labels))
    return labels[torch.from_numpy(permutation)]


def trained_with() -> dict[str, str]:
    """The versions of cnnexplain and torch that train here, recorded in every study."""
    return {"cnnexplain": __version__, "torch": torch.__version__}


def datasets(config: dict[str, Any], images: str = "lines") -> tuple[LineDataset, LineDataset]:
    """The training and test parts of the study's data.

    ``images="lines"`` gives them as :func:`~cnnexplain.experiment.experiment`
    makes them; ``"gaussian"``, their Gaussian twins (each part its own, drawn
    with :data:`TWIN_SEEDS`); ``"whitened"``, both whitened by the training
    images' spectrum. See :data:`DATA_OF_ARM`.
    """
    train_set, test_set = make_lines(**config["data"]).split(**config["split"])
    if images == "gaussian":
        return gaussian_twin(train_set, TWIN_SEEDS["train"]), gaussian_twin(test_set, TWIN_SEEDS["test"])
    if images == "whitened":
        return whitened(train_set), whitened(test_set, reference=train_set)
    return train_set, test_set


def initial_state(config: dict[str, Any], seed: int, arm: str) -> dict[str, torch.Tensor]:
    """Return the weights a member starts from: ``LineCNN(seed=seed)``'s.

    For the arm ``"swapped"``, conv1's kernels (weights and bias) are moved
    one slot along: kernel ``k`` starts where kernel ``k + 1`` (``0`` for the
    last) of the other arms starts, while every other layer keeps its weights.
    Each start then feeds the second layer through another kernel's
    connections: whether a kernel's role follows its start or its slot is
    what the arm tests.

    Parameters
    ----------
    config : dict
        A full study configuration.
    seed : int
        The member's seed.
    arm : str
        One of :data:`ARMS`.

    Returns
    -------
    dict of str to torch.Tensor
        A state dict of :class:`~cnnexplain.model.LineCNN`.
    """
    state = LineCNN(**config["model"], seed=seed).state_dict()
    if arm == "swapped":
        for key in ("conv1.weight", "conv1.bias"):
            state[key] = state[key].roll(-1, dims=0)
    return state


def _member_model(config: dict[str, Any], seed: int, arm: str) -> LineCNN:
    """The model :func:`train_member` trains: the arm's start, conv1 frozen where the arm says."""
    model = LineCNN(**config["model"], seed=seed)
    model.load_state_dict(initial_state(config, seed, arm))
    if arm in FROZEN_CONV1:
        model.conv1.requires_grad_(False)
    return model


def train_member(config: dict[str, Any], seed: int, arm: str) -> WeightHistory:
    """Train one member of a study with :func:`~cnnexplain.training.train`: the run the ensemble reproduces.

    Parameters
    ----------
    config : dict
        A full study configuration (see :func:`cnnexplain.study.study_config`).
    seed : int
        The member's seed: its model's, its batches' and its dropout's.
    arm : str
        One of :data:`ARMS`.

    Returns
    -------
    WeightHistory
        Its whole history. The shuffled arm's records its labels in
        ``config["dataset"]["labels"]``.
    """
    train_set, test_set = datasets(config, DATA_OF_ARM[arm])
    if arm == "shuffled":
        labels = shuffled_labels(train_set.labels, seed)
        recorded = {**train_set.config, "labels": {"shuffled_with_seed": seed}}
        train_set = LineDataset(train_set.images, labels, train_set.classes, recorded)
    training, optimizer = config["training"], OPTIMIZER_OF_ARM[arm]
    return train(
        _member_model(config, seed, arm),
        train_set,
        val_set=test_set,
        epochs=training["epochs"],
        batch_size=training["batch_size"],
        lr=training["lr"] if optimizer == "adam" else training["sgd_lr"],
        seed=seed,
        optimizer=optimizer,
        progress=False,
    )


# -- the batched forward pass ------------------------------------------------------
def _block(images: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor) -> torch.Tensor:
    """Convolution, 2x2 max-pooling, ReLU: a block of LineCNN, pooled before the ReLU (same numbers)."""
    return F.relu(F.max_pool2d(F.conv2d(images, weight, bias), 2))


def _logits_of_member(images: torch.Tensor, p: dict[str, torch.Tensor], noise: torch.Tensor | None):
    """Logits ``(B, C)`` of one member: LineCNN's forward pass, its dropout mask ``noise``
    given (None: no dropout), its blocks pooled before the ReLU (the same numbers)."""
    x = _block(images, p["conv1.weight"], p["conv1.bias"])
    x = _block(x, p["conv2.weight"], p["conv2.bias"]).flatten(1)
    x = x if noise is None else x * noise
    return F.linear(F.relu(F.linear(x, p["fc1.weight"], p["fc1.bias"])), p["fc2.weight"], p["fc2.bias"])


def _logits(members: Sequence[dict[str, torch.Tensor]], images: Sequence[torch.Tensor], noise):
    """Logits ``(M, B, C)`` of the members, member ``i`` on ``images[i]``; ``noise`` is dropout's
    (inverted) mask ``(M, B, F)``, or None for no dropout (evaluation, or ``dropout=0``)."""
    masks = [None] * len(members) if noise is None else noise
    return torch.stack([_logits_of_member(x, p, m) for x, p, m in zip(images, members, masks)])


# -- the members --------------------------------------------------------------------
def _learns(arm: str, key: str) -> bool:
    """Whether parameter ``key`` of a member of ``arm`` is trained."""
    return not (arm in FROZEN_CONV1 and key.startswith("conv1."))


class _Ensemble:
    """The members of one chunk (for every arm, one per seed), each with tensors of its own
    (see the module's description), and one optimizer per kind for all of them."""

    def __init__(self, config: dict[str, Any], seeds: Sequence[int]) -> None:
        self.arms = tuple(config["arms"])
        self.members = {
            arm: [
                {
                    key: value.clone().requires_grad_(_learns(arm, key))
                    for key, value in initial_state(config, seed, arm).items()
                }
                for seed in seeds
            ]
            for arm in self.arms
        }
        training = config["training"]
        learning_rate = {"adam": training["lr"], "sgd": training["sgd_lr"]}
        self.optimizers = []
        for optimizer in ("adam", "sgd"):
            tensors = [
                tensor
                for arm in self.arms
                if OPTIMIZER_OF_ARM[arm] == optimizer
                for member in self.members[arm]
                for tensor in member.values()
                if tensor.requires_grad
            ]
            if tensors:  # the factory train() uses: the same optimizer, the same settings
                self.optimizers.append(_OPTIMIZERS[optimizer][1](tensors, learning_rate[optimizer]))

    def conv1(self) -> tuple[np.ndarray, np.ndarray]:
        """Copies of the conv1 weights ``(S, A, K, 1, k, k)`` and biases ``(S, A, K)``."""
        by_seed = list(zip(*(self.members[arm] for arm in self.arms)))  # the arms of each seed
        return tuple(
            np.array([[member[key].detach().numpy() for member in arms] for arms in by_seed])
            for key in ("conv1.weight", "conv1.bias")
        )

    def final_state(self, arms: Sequence[str]) -> dict[str, np.ndarray]:
        """Copies of every parameter of the members of ``arms``, ``(S, len(arms), *shape)``."""
        first = self.members[self.arms[0]]
        return {
            key: np.stack(
                [
                    np.stack([self.members[arm][s][key].detach().numpy() for arm in arms])
                    if arms
                    else np.empty((0, *first[s][key].shape), np.float32)
                    for s in range(len(first))
                ]
            )
            for key in first[0]
        }

    def step(self, images: dict[str, list[torch.Tensor]], labels: dict[str, torch.Tensor], noise) -> tuple:
        """One optimizer step of every member, on the batch of each seed in the images of its arm
        (``images`` maps a name of :data:`DATA_OF_ARM` to the batches); returns the losses
        ``(S, A)`` (float64) and the number of right answers ``(S, A)``, as :func:`train` counts them."""
        losses, correct = [], []
        for arm in self.arms:
            logits = _logits(self.members[arm], images[DATA_OF_ARM[arm]], noise)
            losses.append(torch.stack([F.cross_entropy(z, y) for z, y in zip(logits, labels[arm])]))
            correct.append((logits.argmax(2) == labels[arm]).sum(1))
        loss = torch.stack(losses, dim=1)
        for optimizer in self.optimizers:
            optimizer.zero_grad()
        loss.sum().backward()  # each member's loss depends on its own parameters only
        for optimizer in self.optimizers:
            optimizer.step()
        return loss.detach().double().numpy(), torch.stack(correct, dim=1).numpy()

    @torch.no_grad()
    def evaluate(
        self, images: dict[str, torch.Tensor], labels: dict[str, torch.Tensor], *, arms=None
    ) -> np.ndarray:
        """Loss and accuracy ``(2, S, A)`` of every member on the images of its arm (``images``
        maps a name of :data:`DATA_OF_ARM` to them), as :func:`~cnnexplain.training.evaluate`
        measures them (eval mode, batches of 64).

        ``arms`` maps each arm to the arm whose weights and images to use (default: its
        own): before training, arms with the same start and the same images give the
        same numbers, and their logits are computed once (:func:`_shared_start`).
        """
        arms = arms or {arm: arm for arm in self.arms}
        logits = {
            source: torch.cat(
                [
                    _logits(self.members[source], [batch] * len(self.members[source]), None)
                    for batch in images[DATA_OF_ARM[source]].split(EVAL_BATCH_SIZE)
                ],
                dim=1,
            )
            for source in set(arms.values())
        }
        results = [_loss_and_accuracy(logits[arms[arm]], labels[arm]) for arm in self.arms]
        return np.stack(results, axis=-1)


def _loss_and_accuracy(logits: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
    """Mean cross-entropy and accuracy ``(2, S)`` of logits ``(S, N, C)``, summed per batch
    of 64 and accumulated in float64 in batch order, as :func:`train` does."""
    n = labels.shape[1]
    loss_sums = np.zeros(len(labels))
    for start in range(0, n, EVAL_BATCH_SIZE):
        part = slice(start, start + EVAL_BATCH_SIZE)
        sums = torch.stack(
            [F.cross_entropy(z[part], y[part], reduction="sum") for z, y in zip(logits, labels)]
        )
        loss_sums += sums.double().numpy()
    correct = (logits.argmax(2) == labels).sum(1).numpy()
    return np.stack([loss_sums / n, correct / n])


def _check_forward(config: dict[str, Any], seed: int, images: torch.Tensor) -> None:
    """Fail unless the ensemble's forward pass gives LineCNN's logits, bit for bit."""
    model = LineCNN(**config["model"], seed=seed).eval()
    with torch.no_grad():
        expected = model(images)
        got = _logits([model.state_dict()], [images], None)[0]
    if not torch.equal(expected, got):
        raise RuntimeError(
            "the seed study's batched forward pass no longer gives LineCNN's logits "
            f"(largest difference {(expected - got).abs().max().item():.3g}): "
            "cnnexplain/study/ensemble.py must follow LineCNN.forward"
        )


# -- one chunk ---------------------------------------------------------------------------
def train_chunk(config: dict[str, Any], seeds: Sequence[int]) -> dict[str, Any]:
    """Train every member of ``seeds`` and return their conv1 snapshots, metrics and final models.

    Runs on one CPU thread, as :func:`~cnnexplain.training.train` does by
    default: its results are then those of :func:`train` on any machine with
    the same build of torch, whichever process or cluster worker runs it.

    Parameters
    ----------
    config : dict
        A full study configuration (see :func:`cnnexplain.study.study_config`).
    seeds : sequence of int
        The seeds of this chunk.

    Returns
    -------
    dict
        ``"conv1.weight"`` ``(S, A, T, K, 1, k, k)`` and ``"conv1.bias"``
        ``(S, A, T, K)`` float32, one snapshot per recorded epoch; every
        name of :data:`METRICS` ``(S, A, epochs + 1)`` float64; ``"code"``,
        the digest of the library's source that trained it, and ``"versions"``
        (:func:`trained_with`).
    """
    seeds = [int(seed) for seed in seeds]
    with torch_threads(1):
        data = _chunk_data(config, seeds)
        _check_forward(config, seeds[0], next(iter(data.test_images.values()))[:2])
        ensemble = _Ensemble(config, seeds)
        start = _shared_start(ensemble.arms)
        metrics = [
            np.concatenate(
                [
                    ensemble.evaluate(data.train_images, data.train_labels, arms=start),
                    ensemble.evaluate(data.test_images, data.test_labels, arms=start),
                ]
            )
        ]
        snapshots = [ensemble.conv1()]
        # train() seeds its shuffling generator and, for dropout, torch's with the seed: so here.
        shuffling = [torch.Generator().manual_seed(seed) for seed in seeds]
        dropping = [torch.Generator().manual_seed(seed) for seed in seeds]
        epochs = config["training"]["epochs"]
        for epoch in range(1, epochs + 1):
            trained = _train_epoch(ensemble, data, shuffling, dropping, config)
            metrics.append(np.concatenate([trained, ensemble.evaluate(data.test_images, data.test_labels)]))
            if config["snapshots"] == "epoch" or epoch == epochs:
                snapshots.append(ensemble.conv1())
        final_state = ensemble.final_state(config["final_models"])
    weights, biases = zip(*snapshots)
    per_epoch = np.stack(metrics, axis=-1)  # (4, S, A, epochs + 1)
    return {
        "conv1.weight": np.stack(weights, axis=2),
        "conv1.bias": np.stack(biases, axis=2),
        **{name: per_epoch[i] for i, name in enumerate(METRICS)},
        "final_state": final_state,
        "code": _code_digest(),  # what trained it, for the caller to compare with its own
        "versions": trained_with(),
    }


def _shared_start(arms: Sequence[str]) -> dict[str, str]:
    """For each arm, the first arm that starts from the same weights and sees the same images:
    before training, the two give the same numbers, computed once."""

    def start(arm: str) -> tuple[bool, str]:
        return arm == "swapped", DATA_OF_ARM[arm]

    return {arm: next(other for other in arms if start(other) == start(arm)) for arm in arms}


class _ChunkData(NamedTuple):
    """The images of a chunk, for each name of :data:`DATA_OF_ARM` its arms use (channels-last,
    as train() gives them), and each arm's labels ``(S, N)``."""

    train_images: dict[str, torch.Tensor]
    train_labels: dict[str, torch.Tensor]
    test_images: dict[str, torch.Tensor]
    test_labels: dict[str, torch.Tensor]


def _chunk_data(config: dict[str, Any], seeds: list[int]) -> _ChunkData:
    parts = {images: datasets(config, images) for images in {DATA_OF_ARM[arm] for arm in config["arms"]}}
    train_set, test_set = next(iter(parts.values()))  # the labels are the same in every kind
    return _ChunkData(
        {images: _channels_last(train.images) for images, (train, _) in parts.items()},
        {arm: _member_labels(arm, train_set.labels, seeds) for arm in config["arms"]},
        {images: _channels_last(test.images) for images, (_, test) in parts.items()},
        dict.fromkeys(config["arms"], test_set.labels.expand(len(seeds), -1)),  # the true labels, for all
    )


def _train_epoch(
    ensemble: _Ensemble, data: _ChunkData, shuffling: list, dropping: list, config: dict
) -> np.ndarray:
    """One epoch of every member; returns the mean loss and the accuracy over its batches
    ``(2, S, A)``, accumulated in float64 as :func:`~cnnexplain.training.train` does."""
    n, batch_size = len(data.train_labels[ensemble.arms[0]][0]), config["training"]["batch_size"]
    loss_sum, correct = 0.0, 0
    orders = [torch.randperm(n, generator=g).split(batch_size) for g in shuffling]
    for indices in zip(*orders):  # one batch of every seed
        images = {kind: [x[i] for i in indices] for kind, x in data.train_images.items()}
        labels = {
            arm: torch.stack([y[i] for y, i in zip(ys, indices)]) for arm, ys in data.train_labels.items()
        }
        noise = _dropout_noise(dropping, len(indices[0]), ensemble, config["model"]["dropout"])
        losses, right = ensemble.step(images, labels, noise)
        loss_sum = loss_sum + losses * len(indices[0])
        correct = correct + right
    return np.stack([loss_sum / n, correct / n])


def _member_labels(arm: str, labels: torch.Tensor, seeds: list[int]) -> torch.Tensor:
    """The training labels of each seed's member of ``arm``, ``(S, N)``."""
    if arm == "shuffled":
        return torch.stack([shuffled_labels(labels, seed) for seed in seeds])
    return labels.expand(len(seeds), -1)


def _dropout_noise(generators: list[torch.Generator], batch: int, ensemble: _Ensemble, p: float):
    """Dropout's inverted masks ``(S, B, F)``, one per seed (its arms share it), drawn as
    :func:`torch.nn.functional.dropout` draws them on the CPU: ``bernoulli_(1 - p)``,
    then divided by ``1 - p``. None when ``p`` is 0: dropout then draws nothing."""
    if p == 0:
        return None
    features = ensemble.members[ensemble.arms[0]][0]["fc1.weight"].shape[-1]
    return torch.stack(
        [torch.empty(batch, features).bernoulli_(1 - p, generator=g).div_(1 - p) for g in generators]
    )
