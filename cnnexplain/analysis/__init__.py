"""Numbers about what a CNN has learned: edge detectors, selectivity, dead,
redundant and essential kernels, maximizing inputs and attribution maps.

One module per topic; every name below is importable from
``cnnexplain.analysis`` itself:

``edge_matching``
    How much each kernel looks like an edge detector (:func:`edge_match`),
    the level of chance (:func:`random_edge_scores`) and how the match grew
    during training (:func:`edge_match_history`).
``class_selectivity``
    Which class each kernel prefers (:func:`selectivity`,
    :func:`selectivity_index`) and the kernel most selective for each class
    (:func:`selective_kernels`).
``kernel_health``
    Dead kernels (:func:`dead_kernels`), near copies
    (:func:`kernel_similarity`, :func:`redundant_pairs`) and essential ones
    (:func:`ablation`, :func:`without_kernels`).
``maximize``
    The input that most excites a channel (:func:`maximize_activation`).
``attribution``
    Which pixels a decision rests on (:func:`saliency`, :func:`occlusion`,
    :func:`grad_cam`), with `Captum <https://captum.ai>`_, installed with
    ``pip install cnnexplain[attribution]``.
``_layers``
    The shared plumbing: layers found by name (:func:`conv_layers`), a
    layer's output captured with a forward hook, eval mode.

Every function takes layer *names* -- ``"conv1"``, ``"relu1"``, ... for
:class:`~cnnexplain.model.LineCNN`, ``"0"``, ``"1"``, ... for an
:class:`torch.nn.Sequential` -- and looks the module up in
``dict(model.named_modules())``, so the analyses work on any
:class:`torch.nn.Module` with named convolution layers.

The conventions used throughout:

Kernel numbers
    Kernel ``k`` of a layer is output channel ``k``: ``weight[k]`` of the
    convolution, channel ``k`` of its activation maps. Numbers start at 0.
Angle and polarity (:func:`edge_match`)
    The ``angle`` of an edge kernel is the direction of the brightness
    gradient it measures, in degrees in ``[0, 180)``, in image coordinates
    (``x`` to the right, ``y`` *down* the rows), so angles grow clockwise on
    screen. It is the angle of :func:`~cnnexplain.edges.edge_template`:
    ``0`` is :data:`~cnnexplain.edges.PREWITT_X` (a *vertical* edge,
    brightness changing from left to right), ``90`` is
    :data:`~cnnexplain.edges.PREWITT_Y` (a *horizontal* edge), ``45`` an
    edge running like ``/`` and ``135`` one running like ``\\``.
    ``polarity = +1`` means the kernel has the template's sign: its positive
    weights are on the side the angle points to -- the right for 0, the
    bottom for 90 -- so it responds most to edges whose bright side is
    there. ``polarity = -1`` means the opposite side (left for 0, top for 90).
Selectivity index (:func:`selectivity_index`)
    ``(mean_a - mean_b) / (mean_a + mean_b)`` for two classes ``a`` and
    ``b``, in ``[-1, 1]``: ``+1`` means the kernel fires only on class ``a``
    (the first class, ``"horizontal"`` for the default data), ``-1`` only
    on class ``b``, ``0`` equally on both.

Examples
--------
>>> from cnnexplain.analysis import edge_match
>>> from cnnexplain.edges import PREWITT_Y
>>> match = edge_match(PREWITT_Y)
>>> float(match.score), float(match.angle), int(match.polarity)
(1.0, 90.0, 1)
"""

# Each topic module lists its public names in __all__; the package re-exports them all.
from . import _layers, attribution, class_selectivity, edge_matching, kernel_health, maximize
from ._layers import *  # noqa: F403
from .attribution import *  # noqa: F403
from .class_selectivity import *  # noqa: F403
from .edge_matching import *  # noqa: F403
from .kernel_health import *  # noqa: F403
from .maximize import *  # noqa: F403

# Bound again here so that the docs find their descriptions (Sphinx reads the
# "#:" comments of the module that documents them).
#: Kinds of edge template :func:`edge_match` compares kernels with.
EDGE_KINDS = edge_matching.EDGE_KINDS
#: Default orientations of :func:`edge_match`, in degrees: 0, 5, ..., 175.
DEFAULT_ANGLES = edge_matching.DEFAULT_ANGLES

__all__ = [
    *_layers.__all__,
    *edge_matching.__all__,
    *class_selectivity.__all__,
    *kernel_health.__all__,
    *maximize.__all__,
    *attribution.__all__,
]
