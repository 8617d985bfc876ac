"""cnnexplain: does a small CNN learn edge detectors? Watch it train, and measure.

The library behind the cnnexplain site: line images (:mod:`cnnexplain.data`),
the article's CNN (:mod:`cnnexplain.model`), training (:mod:`cnnexplain.training`)
with a history of the weights (:mod:`cnnexplain.history`), hand-made edge
operators (:mod:`cnnexplain.edges`), shared cached runs
(:mod:`cnnexplain.experiment`), seed studies (:mod:`cnnexplain.study`), analyses (:mod:`cnnexplain.analysis`), figures
(:mod:`cnnexplain.viz`) and the checked claims of the site's examples
(:mod:`cnnexplain.claims`).

>>> from cnnexplain import LineCNN, make_lines, train
>>> train_set, val_set = make_lines(n_per_class=20).split()
>>> history = train(LineCNN(), train_set, epochs=1, val_set=val_set)
>>> history["conv1.weight"].shape
(2, 8, 1, 7, 7)
"""

__version__ = "0.1.0"

from .data import LineDataset, make_lines
from .history import WeightHistory
from .model import LineCNN, activations, summary
from .training import evaluate, train

__all__ = [
    "LineCNN",
    "LineDataset",
    "WeightHistory",
    "__version__",
    "activations",
    "evaluate",
    "make_lines",
    "summary",
    "train",
]
