"""The lab: the reader trains the network in a web page, and reruns the site's experiments.

:class:`Lab` is one self-contained HTML widget, like the
:class:`~cnnexplain.viz.Explorer`: settings (seed, optimizer, learning rate,
batch size, epochs, first-layer kernels, shuffled labels, task), two runs that
train side by side from the same start, each in a Web Worker, and the first
layer redrawn after every batch. Its JavaScript is this package's own:

* ``network.js``: the network, forward and backward, SGD and Adam as
  ``torch.optim`` defines them;
* ``lines.js``: the line images, drawn as :func:`~cnnexplain.data.make_lines`
  draws them; ``kernel_tests.js``: the site's edge test and class preference;
  ``history_writer.js``: a run as a ``.safetensors`` history that
  :meth:`~cnnexplain.history.WeightHistory.load` opens, and back;
* ``lab_worker.js``: one run, in a worker; ``lab.js``: the widgets that draw.

A page opened from ``file://`` may not start a worker from a file, so the page
holds the worker's modules as text and starts each worker from a Blob of them.
The settings the page starts with are those of :func:`~cnnexplain.train`,
:func:`~cnnexplain.data.make_lines` and :class:`~cnnexplain.model.LineCNN`,
read from their signatures; the network of each kernel count is traced from a
``LineCNN``, so the page trains exactly the model the library trains.
"""

from __future__ import annotations

import hashlib
import html
import inspect
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .. import __version__
from .._checks import describe
from ..analysis.edge_matching import EdgeMatch
from ..data import ORIENTATIONS, LineDataset, make_lines
from ..model import LineCNN
from ..training import train
from ._network import trace_chain
from ._page import save_page
from ._style import SIGNED_CMAP
from .explorer import _asset, _colormap_hex, _script_safe_json

__all__ = ["Lab"]

#: First-layer kernel counts the reader may choose.
KERNEL_COUNTS = (4, 8, 16)
#: The tasks of the site, as lines.js's TASKS names them: make_lines's orientations and noise
#: (tests/test_lab.py checks that lines.js draws the same). "harder" is the harder task's page.
TASKS = {
    "lines": {"label": "horizontal or vertical", "orientations": ["horizontal", "vertical"], "noise": 0.0},
    "diagonals": {"label": "four orientations", "orientations": list(ORIENTATIONS), "noise": 0.0},
    "noisy": {
        "label": "horizontal or vertical, in noise",
        "orientations": ["horizontal", "vertical"],
        "noise": 0.2,
    },
    "harder": {"label": "four orientations, in noise", "orientations": list(ORIENTATIONS), "noise": 0.2},
}
#: The modules of a worker, in the order they run; each defines a global the next ones use.
WORKER_MODULES = ("network.js", "lines.js", "kernel_tests.js", "history_writer.js", "lab_worker.js")
#: Bounds the page holds the reader's settings to (lab.js refuses the rest, beside the field).
LIMITS = {"epochs": [1, 200], "lr": [1e-6, 10.0], "seed": [0, 2**31 - 1], "batch_size": [1, None]}


def _defaults(function: Any) -> dict[str, Any]:
    return {
        name: p.default
        for name, p in inspect.signature(function).parameters.items()
        if p.default is not inspect.Parameter.empty
    }


class Lab:
    """Train the site's network in the reader's browser, two runs side by side.

    Shows itself in Jupyter and in sphinx-gallery pages (``_repr_html_``) and
    saves itself as one HTML page that works offline (:meth:`save`).

    Parameters
    ----------
    experiments : mapping, optional
        Guided experiments, by name (``"shuffled"``, ``"seed"``, ``"optimizer"``),
        each a mapping with a ``"title"`` (its button reads "Set up: title"),
        the settings it gives both runs (``"shared"``: ``seed``, ``task``,
        ``n_kernels``, ``batch_size``, ``epochs``), those of run A and run B
        (``"a"``, ``"b"``: ``optimizer``, ``lr``, ``shuffled``; without
        ``"b"``, run A trains alone) and ``"new_seed"``: whether it draws a
        new seed. Default: none. A page that holds an element with the id
        ``lab-site-<name>`` (the site's number) gets it moved beside the
        reader's.

    Attributes
    ----------
    defaults : dict
        The settings the page starts with.

    Raises
    ------
    TypeError, ValueError
        If ``experiments`` is not a mapping of names to experiments as above.

    Examples
    --------
    >>> settings = Lab().defaults
    >>> settings["epochs"], settings["batch_size"], settings["n_kernels"]
    (20, 32, 8)
    """

    def __init__(self, *, experiments: Mapping[str, Mapping[str, Any]] | None = None) -> None:
        experiments = dict(experiments or {})
        training, data, model = _defaults(train), _defaults(make_lines), _defaults(LineCNN)
        split = _defaults(LineDataset.split)
        self.defaults = {
            "seed": training["seed"],
            "optimizer": training["optimizer"],
            "lr": training["lr"],
            "batch_size": training["batch_size"],
            "epochs": training["epochs"],
            "n_kernels": model["n_kernels"],
            "shuffled": False,
            "task": next(iter(TASKS)),
            "n_per_class": data["n_per_class"],
            "size": data["size"],
            "test_fraction": split["test_fraction"],
            "data_seed": data["seed"],
        }
        shapes = [
            (k, c) for k in KERNEL_COUNTS for c in sorted({len(t["orientations"]) for t in TASKS.values()})
        ]
        self._payload = {
            "format": "cnnexplain-lab",
            "version": 1,
            "defaults": self.defaults,
            "limits": LIMITS,
            "kernel_counts": list(KERNEL_COUNTS),
            "tasks": [{"name": name, **task} for name, task in TASKS.items()],
            # One network per kernel count and number of classes, as "8-2": traced from LineCNN.
            "networks": {f"{k}-{c}": _network(k, c, self.defaults["size"]) for k, c in shapes},
            "models": {
                f"{k}-{c}": LineCNN(k, image_size=self.defaults["size"], n_classes=c).config
                for k, c in shapes
            },
            "cnnexplain_version": __version__,
            # EdgeMatch.way's: how far from 0 or 90 degrees a kernel's edge may lie to be named.
            "tolerance": inspect.signature(EdgeMatch.way).parameters["tolerance"].default,
            "colormap": _colormap_hex(SIGNED_CMAP),
            "experiments": {name: _experiment(name, spec) for name, spec in experiments.items()},
        }

    def __repr__(self) -> str:
        return f"Lab(defaults={self.defaults!r})"

    def _repr_html_(self) -> str:
        """Return the widget as an HTML fragment: its data, style sheet, scripts and worker modules.

        Returns
        -------
        str
            HTML for a notebook cell or a web page; the same lab gives the same bytes.
        """
        data = _script_safe_json(self._payload)
        root_id = "cnnexplain-lab-" + hashlib.sha256(data.encode()).hexdigest()[:8]
        modules = "".join(
            f'<script type="text/plain" data-cnnexplain-lab-module="{name}">\n{_module_text(name)}</script>\n'
            for name in WORKER_MODULES
        )
        return (
            f'<div class="cnnexplain-lab" data-cnnexplain-lab id="{root_id}">\n'
            "<noscript>The lab trains the network in your browser: it needs JavaScript.</noscript>\n"
            f'<script type="application/json" class="cnnexplain-lab-data">{data}</script>\n'
            f"{modules}</div>\n"
            f"<style data-cnnexplain-lab-style>\n{_asset('lab.css')}</style>\n"
            f"<script data-cnnexplain-lab-script>\n{_asset('lab.js')}</script>\n"
        )

    def save(self, path: str | os.PathLike, *, overwrite: bool = False) -> Path:
        """Write the lab as one standalone HTML page, atomically.

        The page needs nothing else: it works offline and from disk
        (``file://``); its content security policy allows no network request,
        and workers only from the page's own Blobs.

        Parameters
        ----------
        path : str or os.PathLike
            The file to write, usually ending in ``.html``.
        overwrite : bool
            Replace an existing file. Off by default: anything at ``path`` is kept.

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
        title = html.escape("Train it yourself - cnnexplain lab")
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            # Only its own inline scripts and styles, workers from its own Blobs, nothing fetched.
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
            "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; worker-src blob:\">\n"
            f"<title>{title}</title>\n"
            "<style>body { margin: 0 auto; padding: 1rem; max-width: 72rem; font-family: system-ui, sans-serif; }"
            " @media (prefers-color-scheme: dark) { body { background: #14181e; color: #e6e6e6; } }</style>\n"
            f"</head>\n<body>\n<main>\n<h1>cnnexplain lab</h1>\n{self._repr_html_()}</main>\n</body>\n</html>\n"
        )


EXPERIMENT_KEYS = {"title": str, "shared": Mapping, "a": Mapping, "b": Mapping, "new_seed": bool}


def _experiment(name: Any, spec: Any) -> dict[str, Any]:
    """A guided experiment, checked and copied as plain JSON."""
    if not isinstance(name, str) or not isinstance(spec, Mapping):
        raise TypeError(f"experiments must map names to mappings, got {describe(name)}: {describe(spec)}")
    for key, value in spec.items():
        if key not in EXPERIMENT_KEYS or not isinstance(value, EXPERIMENT_KEYS[key]):
            raise ValueError(
                f"experiments[{name!r}]: {key!r} must be one of {sorted(EXPERIMENT_KEYS)} with its type, "
                f"got {describe(value)}"
            )
    return json.loads(json.dumps(spec, allow_nan=False))


def _network(n_kernels: int, n_classes: int, size: int) -> dict[str, Any]:
    """network.js's description of a LineCNN with ``n_kernels`` first-layer kernels (no weights)."""
    chain = trace_chain(LineCNN(n_kernels, image_size=size, n_classes=n_classes), (1, size, size))
    tensors = [
        {"name": f"{layer.key}.{kind}", "shape": list(getattr(layer.module, kind).shape)}
        for layer in chain
        for kind in ("weight", "bias")
        if getattr(layer.module, kind, None) is not None
    ]
    return {
        "input": {"channels": 1, "height": size, "width": size, "range": [0.0, 1.0]},
        "layers": [layer.spec(trainable=True) for layer in chain],
        "tensors": tensors,
    }


def _module_text(name: str) -> str:
    """A worker module's text, checked so that it cannot end the element it sits in."""
    text = _asset(name)
    if "</script" in text.lower():
        raise ValueError(f"{name} holds '</script', which would end its element")
    return text
