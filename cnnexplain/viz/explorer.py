"""The explorer: a trained network running live in a web page, at every snapshot of its training.

:class:`Explorer` turns a :class:`~cnnexplain.history.WeightHistory` into one
self-contained HTML widget: the reader draws an image (or picks one), moves a
slider through training, and sees every layer's output, the class
probabilities and, for any pixel of the first convolution's maps, the
arithmetic that made it. The network runs in the page, in this package's own
JavaScript, inlined with ``explorer.css``: ``network.js`` (the network: layers,
forward and backward passes; it also runs in a Web Worker and in Node) and
``explorer.js`` (the widgets that draw). No server, no download, and it works
from a file opened on disk. The payload's format is written down in
``explorer.schema.json``.

What goes into the page, and why it is safe to open:

* The weights of each chosen snapshot, as float32 -- the model's own numbers,
  so the page computes what PyTorch computes (to rounding).
* Colour limits per layer, fixed over all snapshots and sample images (as in
  the static figures), and matplotlib's colour maps, so the page looks like them.
* Everything else that comes from the history, the model or the data -- layer
  names, class names, titles -- travels only inside one JSON document that the
  JavaScript reads and shows as text. The JSON is written so that it cannot
  end its ``<script>`` element (``<``, ``>`` and ``&`` are escaped), and the
  saved page forbids every network request in its content security policy.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import itertools
import json
import math
import os
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

import matplotlib as mpl
import numpy as np
import torch
from torch import nn

from .._checks import check_int, check_model, describe
from ..history import WeightHistory
from ..model import activations
from ._args import MAX_SNAPSHOTS, snapshot_indices
from ._network import layer_tensors, trace_chain
from ._page import save_page
from ._style import SIGNED_CMAP, UNSIGNED_CMAP

__all__ = ["MAX_SNAPSHOTS", "Explorer", "explorer_fragment", "pick_snapshots"]

#: Most sample images an explorer offers: each adds its pixels to the page.
MAX_SAMPLES = 32
#: Sample images per class an explorer of a line-image run offers by default.
SAMPLES_PER_CLASS = 3
#: Fixed random images added to the samples and presets when the colour limits are measured.
NOISE_IMAGES_FOR_LIMITS = 8
PRESETS = ("horizontal", "vertical", "diagonal", "antidiagonal")


def pick_snapshots(history: WeightHistory, count: int) -> list[int]:
    """Choose ``count`` snapshots that follow the first-layer kernels where they move.

    Training changes the kernels most at the start. The snapshots are chosen
    so that the kernels change about as much from each chosen snapshot to the
    next: every epoch while they move fast, sparser later. The first and the
    last snapshot are always in.

    Parameters
    ----------
    history : WeightHistory
        A history with a convolution weight (a parameter of rank 4).
    count : int
        How many snapshots to choose, at least 2; all of them if the history has no more.

    Returns
    -------
    list of int
        Snapshot indices, increasing.

    Raises
    ------
    TypeError, ValueError
        If ``history`` is not a history with a convolution, or ``count`` is not an integer ``>= 2``.

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> history = train(LineCNN(), make_lines(n_per_class=20), epochs=6)
    >>> picked = pick_snapshots(history, 4)
    >>> picked[0], picked[-1], len(picked)
    (0, 6, 4)
    """
    _check_history(history)
    count = check_int("count", count, low=2)
    n = len(history)
    if count >= n:
        return list(range(n))
    weights = history[_first_conv_weight(history)].reshape(n, -1).astype(np.float64)
    travelled = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(weights, axis=0), axis=1))])
    chosen = {0, n - 1}
    while len(chosen) < count:
        # Split the stretch between chosen snapshots over which the kernels moved most,
        # at the snapshot nearest to half-way along it.
        ordered = sorted(chosen)
        gaps = [(travelled[b] - travelled[a], a, b) for a, b in itertools.pairwise(ordered) if b - a > 1]
        _, a, b = max(gaps)
        middle = (travelled[a] + travelled[b]) / 2
        chosen.add(a + 1 + int(np.argmin(np.abs(travelled[a + 1 : b] - middle))))
    return sorted(chosen)


def explorer_fragment(
    *, epoch: float | None = None, kernel: int | None = None, image: str | None = None
) -> str:
    """Return the URL fragment that opens an explorer page in a given state.

    A link to ``page.html`` followed by this fragment opens the page's first
    explorer at the snapshot nearest to ``epoch``, with ``kernel`` of the
    first convolution selected and the sample or preset image called
    ``image`` drawn. Reading a page, the fragment also follows the reader's
    actions, so that the address shares what they see.

    Parameters
    ----------
    epoch : float, optional
        Training progress, in epochs.
    kernel : int, optional
        A kernel of the first convolution, from 0.
    image : str, optional
        The name of a sample (``"horizontal 1"``) or a preset line (``"vertical"``).

    Returns
    -------
    str
        ``"#epoch=3&kernel=5&image=vertical"``, with only the parts given.

    Raises
    ------
    TypeError, ValueError
        If a part has the wrong type or value.

    Examples
    --------
    >>> explorer_fragment(epoch=3, kernel=5, image="horizontal 1")
    '#epoch=3&kernel=5&image=horizontal-1'
    """
    parts = []
    if epoch is not None:
        parts.append(f"epoch={_fragment_epoch(epoch):g}")
    if kernel is not None:
        # The page reads the fragment's numbers in JavaScript, exact up to 2**53.
        parts.append(f"kernel={check_int('kernel', kernel, low=0, high=2**53)}")
    if image is not None:
        if not isinstance(image, str) or not image.strip():
            raise TypeError(f"image must be the name of a sample or preset, got {describe(image)}")
        parts.append("image=" + quote(image.strip().replace(" ", "-"), safe=""))
    return "#" + "&".join(parts)


def _fragment_epoch(epoch: Any) -> float:
    """``epoch`` as a finite float >= 0: an infinite one makes a fragment no page follows."""
    if isinstance(epoch, bool) or not isinstance(epoch, (int, float)):
        raise TypeError(f"epoch must be a number, got {describe(epoch)}")
    try:
        value = float(epoch)
    except OverflowError:  # an integer beyond the floats
        value = math.inf
    if not (math.isfinite(value) and value >= 0):
        raise ValueError(f"epoch must be a finite number >= 0, got {describe(epoch).rsplit(' (', 1)[0]}")
    return value


class Explorer:
    """A trained network, live in a web page: draw, scrub through training, see every layer.

    Shows itself in Jupyter and in sphinx-gallery pages (``_repr_html_``),
    and saves itself as one HTML file that works offline (:meth:`save`). The
    page also offers a JavaScript interface, documented in the
    :doc:`explorer page of the site </auto_examples/article/plot_04b_explorer>`.

    Parameters
    ----------
    history : WeightHistory
        The training run to show.
    model : torch.nn.Module, optional
        A module of the trained architecture (it is copied, never changed).
        Needed only when the history was not made with a
        :class:`~cnnexplain.model.LineCNN`. Its forward pass must be a chain
        of ``Conv2d``, ``ReLU``, ``MaxPool2d``, ``AvgPool2d``,
        ``BatchNorm2d``, ``Flatten``, ``Dropout`` and ``Linear`` layers.
    images : LineDataset, (images, labels) pair, torch.Tensor or numpy.ndarray, optional
        Sample images offered to the reader, shape ``(N, 1, H, W)`` or
        ``(N, H, W)``, at most 32; they also set the input size of a model
        that is not a ``LineCNN``. Default: for a run on line images, three
        test images of each class;
        otherwise none (the preset lines remain).
    snapshots : sequence of int, optional
        Indices of the history's snapshots to put in the page, at most
        ``cnnexplain.viz.MAX_SNAPSHOTS`` (256); by default all of them, which a history
        of more snapshots must not leave to the default:
        :func:`pick_snapshots` chooses a few that follow training. Each
        snapshot adds the model's weights to the page.
    class_names : sequence of str, optional
        One name per output of the model. Default: the data set's classes
        recorded in the history, else ``class 0``, ``class 1``, ...

    Attributes
    ----------
    snapshots : tuple of int
        The history indices in the page.
    epochs : tuple of float
        Their training progress in epochs.
    layers : tuple of str
        The layers the page runs, in forward order, named as in :func:`~cnnexplain.model.activations`.
    classes : tuple of str
        The class names shown with the probabilities.

    Raises
    ------
    TypeError, ValueError
        For an argument of the wrong type or value, a history without a
        convolution, or a model the page cannot run (the message names the
        layer and its type).

    Examples
    --------
    >>> from cnnexplain import LineCNN, make_lines, train
    >>> history = train(LineCNN(), make_lines(n_per_class=20), epochs=2)
    >>> explorer = Explorer(history)
    >>> explorer.layers[:3], explorer.epochs
    (('conv1', 'relu1', 'pool1'), (0.0, 1.0, 2.0))
    """

    def __init__(
        self,
        history: WeightHistory,
        *,
        model: nn.Module | None = None,
        images: Any = None,
        snapshots: Sequence[int] | None = None,
        class_names: Sequence[str] | None = None,
    ) -> None:
        _check_history(history)
        self.snapshots = snapshot_indices("snapshots", history, snapshots)
        self.epochs = tuple(float(history.epochs[i]) for i in self.snapshots)
        architecture = _architecture(history, model)
        samples, labels = _checked_samples(history, images)
        input_shape = _input_shape(history, samples)
        self._chain = trace_chain(architecture, input_shape)
        self.layers = tuple(layer.name for layer in self._chain)
        if not any(layer.kind == "conv2d" for layer in self._chain):
            raise ValueError(f"model: its forward pass runs no Conv2d layer, got layers {list(self.layers)}")
        n_outputs = int(np.prod(self._chain[-1].out_shape))
        self.classes = _class_names(history, images, class_names, n_outputs)
        labels = [_class_of(label, self.classes) for label in labels]
        self._payload = self._build_payload(history, architecture, samples, labels, input_shape)

    def __repr__(self) -> str:
        return (
            f"Explorer({len(self.layers)} layers, {len(self.snapshots)} snapshots "
            f"(epochs {self.epochs[0]:g} to {self.epochs[-1]:g}), {len(self._payload['samples'])} samples)"
        )

    # -- output ----------------------------------------------------------------------------
    def _repr_html_(self) -> str:
        """Return the widget as an HTML fragment: its data, style sheet and script.

        Returns
        -------
        str
            HTML for a notebook cell or a web page; the same explorer gives
            the same bytes.
        """
        data = _script_safe_json(self._payload)
        root_id = "cnnexplain-explorer-" + hashlib.sha256(data.encode()).hexdigest()[:8]
        return (
            f'<div class="cnnexplain-explorer" data-cnnexplain-explorer id="{root_id}">\n'
            "<noscript>The explorer runs the network in your browser: it needs JavaScript.</noscript>\n"
            f'<script type="application/json" class="cnnexplain-explorer-data">{data}</script>\n'
            "</div>\n"
            f"<style data-cnnexplain-explorer-style>\n{_asset('explorer.css')}</style>\n"
            # One script element: the network module first, then the widgets that use it.
            f"<script data-cnnexplain-explorer-script>\n{_asset('network.js')}{_asset('explorer.js')}</script>\n"
        )

    def save(self, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write the explorer as one standalone HTML page, atomically.

        The page needs nothing else: it works offline and opened from disk
        (``file://``), and its content security policy lets it make no
        network request at all.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write, usually ending in ``.html``.
        overwrite : bool
            Replace an existing file (keeping its permissions). Off by default,
            so that nothing saved is lost: anything at ``path``, even a
            symbolic link to nothing, is kept, and of two processes saving to
            the same new path at once exactly one succeeds.

        Returns
        -------
        pathlib.Path
            ``path``.

        Raises
        ------
        FileExistsError
            If ``path`` exists and ``overwrite`` is false.
        TypeError
            If ``path`` is not a path or ``overwrite`` not a bool.
        """
        return save_page(path, self._page_html(), overwrite)

    def _page_html(self) -> str:
        title = html.escape(self._payload["title"])
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            # The page runs only its own inline script and style, and loads nothing from anywhere.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:\">\n"
            f"<title>{title} - cnnexplain explorer</title>\n"
            "<style>body { margin: 0 auto; padding: 1rem; max-width: 72rem; font-family: system-ui, sans-serif; }"
            " @media (prefers-color-scheme: dark) { body { background: #14181e; color: #e6e6e6; } }</style>\n"
            f"</head>\n<body>\n<main>\n<h1>cnnexplain explorer</h1>\n{self._repr_html_()}</main>\n</body>\n</html>\n"
        )

    # -- payload ---------------------------------------------------------------------------
    def _build_payload(
        self,
        history: WeightHistory,
        architecture: nn.Module,
        samples: np.ndarray,
        labels: list[str | None],
        input_shape: tuple[int, int, int],
    ) -> dict[str, Any]:
        samples = samples.reshape(-1, *input_shape)  # also an empty set of samples
        low, high = _input_range(samples)
        presets = _preset_images(input_shape[1:], low, high)
        probe = np.concatenate([samples, np.stack(list(presets.values())), _noise(input_shape, low, high)])
        inspect = next(layer for layer in self._chain if layer.kind == "conv2d")
        blobs, ranges = [], {}
        for index in self.snapshots:
            model = history.model_at(index, architecture)
            tensors = self._snapshot_tensors()
            blobs.extend(tensors.values())
            _widen_ranges(ranges, activations(model, torch.from_numpy(probe)))
            _widen_ranges(
                ranges, {f"{inspect.key}.weight": torch.from_numpy(tensors[f"{inspect.key}.weight"])}
            )
        return {
            "format": "cnnexplain-explorer",
            "version": 1,
            "title": f"{type(architecture).__name__}, {len(self.snapshots)} snapshots of training",
            "input": {
                "channels": input_shape[0],
                "height": input_shape[1],
                "width": input_shape[2],
                "range": [low, high],
            },
            "classes": list(self.classes),
            "layers": [layer.spec() for layer in self._chain],
            # Every snapshot has the same tensors: the names and shapes of the last one's.
            "tensors": [{"name": k, "shape": list(v.shape)} for k, v in tensors.items()],
            "snapshots": [
                {"index": i, "epoch": e, "label": f"epoch {e:g}"} for i, e in zip(self.snapshots, self.epochs)
            ],
            "weights": _base64_float32(np.concatenate([b.ravel() for b in blobs])),
            "limits": {name: _limit(*minmax) for name, minmax in ranges.items()},
            "colormaps": {"signed": _colormap_hex(SIGNED_CMAP), "unsigned": _colormap_hex(UNSIGNED_CMAP)},
            "samples": [
                {"name": name, "label": label, "pixels": _base64_float32(image)}
                for name, label, image in zip(_sample_names(labels), labels, samples)
            ],
            "presets": [{"name": name, "pixels": _base64_float32(image)} for name, image in presets.items()],
            "inspect": inspect.name,
            "note": _snapshot_note(history, self.epochs),
        }

    def _snapshot_tensors(self) -> dict[str, np.ndarray]:
        """The tensors of every layer, with the weights the chain's modules hold now."""
        tensors: dict[str, np.ndarray] = {}
        for layer in self._chain:
            tensors.update(layer_tensors(layer))
        return tensors


# -- arguments ---------------------------------------------------------------------------
def _check_history(history: Any) -> None:
    if not isinstance(history, WeightHistory):
        raise TypeError(f"history must be a WeightHistory, got {describe(history)}")
    _first_conv_weight(history)


def _first_conv_weight(history: WeightHistory) -> str:
    for key in history:
        if key.endswith(".weight") and history[key].ndim == 5:  # snapshots x (out, in, kh, kw)
            return key
    raise ValueError(
        f"history must hold a convolution weight (rank 4), got parameters {list(history)}; "
        "the explorer shows a convolutional network"
    )


def _architecture(history: WeightHistory, model: nn.Module | None) -> nn.Module:
    """A private copy of ``model`` (so loading snapshots never changes the user's), or a new LineCNN."""
    if model is None:
        return history.model_at(0)
    return history.model_at(0, copy.deepcopy(check_model(model)))


def _checked_samples(history: WeightHistory, images: Any) -> tuple[np.ndarray, list[str | int | None]]:
    """The sample images as float32 ``(N, 1, H, W)`` and their classes: a name, a label, or ``None``."""
    from ..data import LineDataset

    if images is None:
        return _default_samples(history)
    labels: list[str | int | None]
    if isinstance(images, LineDataset):
        pixels, labels = images.images, [images.classes[int(i)] for i in images.labels]
    elif isinstance(images, tuple) and len(images) == 2:
        pixels, labels = images[0], [int(i) for i in np.asarray(images[1]).ravel()]
    else:
        pixels, labels = images, []
    if isinstance(pixels, torch.Tensor):
        pixels = pixels.detach().cpu().numpy()
    if not isinstance(pixels, np.ndarray) or pixels.dtype.kind != "f":
        raise TypeError(
            f"images must be a LineDataset, an (images, labels) pair or a float tensor or array, "
            f"got {describe(images)}"
        )
    if pixels.ndim == 3:
        pixels = pixels[:, None]
    if pixels.ndim != 4 or pixels.shape[1] != 1 or not 1 <= len(pixels) <= MAX_SAMPLES:
        raise ValueError(
            f"images must have shape (N, 1, H, W) or (N, H, W) with 1 <= N <= {MAX_SAMPLES} "
            f"(one channel: the reader draws in grey), got shape {tuple(pixels.shape)}"
        )
    if not np.isfinite(pixels).all():
        raise ValueError("images must not contain NaN or infinite values")
    if labels and len(labels) != len(pixels):
        raise ValueError(
            f"images: the labels must have one entry per image ({len(pixels)}), got {len(labels)}"
        )
    return pixels.astype(np.float32), labels or [None] * len(pixels)


def _default_samples(history: WeightHistory) -> tuple[np.ndarray, list[str | None]]:
    """A few test images of each class of a line-image run; none for other runs."""
    from ..experiment import Experiment

    try:
        test_set = Experiment.from_history(history).test_set
    except (TypeError, ValueError):
        return np.zeros((0, 1, 1, 1), np.float32), []
    picks = [
        i
        for c in range(len(test_set.classes))
        for i in np.flatnonzero(test_set.labels == c)[:SAMPLES_PER_CLASS]
    ]
    return test_set.images[torch.tensor(picks)].numpy(), [
        test_set.classes[int(test_set.labels[i])] for i in picks
    ]


def _class_of(label: str | int | None, classes: tuple[str, ...]) -> str | None:
    if isinstance(label, int) and not 0 <= label < len(classes):
        raise ValueError(f"images: labels must lie in [0, {len(classes) - 1}] (one per class), got {label}")
    return classes[label] if isinstance(label, int) else label


def _input_shape(history: WeightHistory, samples: np.ndarray) -> tuple[int, int, int]:
    if len(samples):
        return (1, int(samples.shape[2]), int(samples.shape[3]))
    size = history.config.get("model", {}).get("image_size")
    if history.config.get("model", {}).get("class") == "LineCNN" and isinstance(size, int):
        return (1, size, size)
    raise ValueError(
        "images must be given for a model other than LineCNN: they set the size of the image the reader draws"
    )


def _class_names(history: WeightHistory, images: Any, class_names: Any, n_outputs: int) -> tuple[str, ...]:
    from ..data import LineDataset

    if class_names is None:
        dataset = history.config.get("dataset")  # a history's config may hold anything here
        recorded = dataset.get("orientations") if isinstance(dataset, dict) else None
        if isinstance(images, LineDataset):
            class_names = images.classes
        elif isinstance(recorded, list) and len(recorded) == n_outputs:
            class_names = recorded
        else:
            class_names = [f"class {i}" for i in range(n_outputs)]
    if isinstance(class_names, str) or not isinstance(class_names, Sequence):
        raise TypeError(f"class_names must be a sequence of str, got {describe(class_names)}")
    if not all(isinstance(c, str) for c in class_names) or len(class_names) != n_outputs:
        raise ValueError(
            f"class_names must be {n_outputs} strings, one per output of the model, got {list(class_names)!r}"
        )
    return tuple(class_names)


# -- images ------------------------------------------------------------------------------
def _input_range(samples: np.ndarray) -> list[float]:
    """The values the reader draws with: paper and ink, 0 and 1 unless the samples go beyond."""
    low = min(0.0, float(samples.min(initial=0.0)))
    high = max(1.0, float(samples.max(initial=1.0)))
    return [low, high]


def _preset_images(size: tuple[int, int], low: float, high: float) -> dict[str, np.ndarray]:
    """A centred line of each orientation, about 70% of the image long."""
    h, w = size
    thick = max(1, round(min(h, w) / 25))
    rows, cols = np.mgrid[0:h, 0:w]
    # Distance of each pixel centre from the centre, along the line and across it.
    y, x = (rows - (h - 1) / 2) / h, (cols - (w - 1) / 2) / w
    directions = {
        "horizontal": (0.0, 1.0),
        "vertical": (1.0, 0.0),
        "diagonal": (1.0, 1.0),
        "antidiagonal": (-1.0, 1.0),
    }
    presets = {}
    for name, (dy, dx) in directions.items():
        norm = np.hypot(dy, dx)
        along = (y * dy + x * dx) / norm
        across = (y * dx - x * dy) / norm * min(h, w)
        ink = (np.abs(along) <= 0.35) & (np.abs(across) <= thick / 2)
        presets[name] = np.where(ink, high, low).astype(np.float32)[None]
    return presets


def _noise(input_shape: tuple[int, int, int], low: float, high: float) -> np.ndarray:
    rng = np.random.default_rng(0)
    return rng.uniform(low, high, (NOISE_IMAGES_FOR_LIMITS, *input_shape)).astype(np.float32)


def _sample_names(labels: list[str | None]) -> list[str]:
    """``horizontal 1``, ``horizontal 2``, ... by class; ``sample 1``, ... without classes.

    A class named by a number gets its count in brackets: ``7 (1)``, not ``7 1``.
    """
    counts: dict[str, int] = {}
    names = []
    for label in labels:
        stem = label if label is not None else "sample"
        counts[stem] = counts.get(stem, 0) + 1
        names.append(f"{stem} ({counts[stem]})" if stem[-1:].isdigit() else f"{stem} {counts[stem]}")
    return names


# -- numbers -----------------------------------------------------------------------------
def _widen_ranges(ranges: dict[str, list[float]], outputs: dict[str, torch.Tensor]) -> None:
    for name, values in outputs.items():
        low, high = float(values.min()), float(values.max())
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError(f"history: the model gives non-finite values in {name!r}")
        old = ranges.setdefault(name, [low, high])
        ranges[name] = [min(old[0], low), max(old[1], high)]


def _limit(low: float, high: float) -> dict[str, Any]:
    """A signed scale ``[-vmax, vmax]`` if any value is negative, else an unsigned one ``[0, vmax]``."""
    kind = "signed" if low < 0 else "unsigned"
    vmax = max(abs(low), abs(high))
    return {"kind": kind, "vmax": vmax if vmax > 0 else 1.0}


def _base64_float32(values: np.ndarray) -> str:
    return base64.b64encode(np.ascontiguousarray(values, dtype="<f4").tobytes()).decode("ascii")


def _colormap_hex(name: str) -> str:
    rgb = mpl.colormaps[name](np.linspace(0, 1, 256))[:, :3]
    return "".join(f"{r:02x}{g:02x}{b:02x}" for r, g, b in np.round(rgb * 255).astype(int))


def _snapshot_note(history: WeightHistory, epochs: tuple[float, ...]) -> str:
    last = float(history.epochs[-1])
    if len(epochs) == len(history):
        return f"The slider holds every snapshot of training, epochs {epochs[0]:g} to {last:g}."
    listed = ", ".join(f"{e:g}" for e in epochs)
    return f"The slider holds {len(epochs)} of the {len(history)} snapshots: epochs {listed} (of {last:g})."


# -- HTML --------------------------------------------------------------------------------
def _script_safe_json(payload: dict[str, Any]) -> str:
    """JSON that can sit inside a ``<script>`` element: no ``<``, ``>`` or ``&`` can end it early."""
    text = json.dumps(payload, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _asset(name: str) -> str:
    """The text of a file shipped next to this module (the widget's JavaScript or CSS)."""
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")
