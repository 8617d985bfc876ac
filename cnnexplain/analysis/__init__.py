"""Numbers about what a CNN has learned: edge detectors, selectivity, dead,
redundant and essential kernels, maximizing inputs, attribution maps, and
the gradients that shape the kernels.

One module per topic, all re-exported here: ``edge_matching`` (how much each
kernel looks like an edge detector, and since when), ``edge_null`` (how much
random kernels do), ``edge_detector`` (the site's one definition of an edge
detector: :func:`is_edge_detector`), ``known_edges`` (families of kernels
whose answer is known, and how often each passes the test), ``class_selectivity``
(which class a kernel prefers), ``kernel_health`` (dead, redundant and
essential kernels), ``maximize`` (the input that most excites a channel),
``attribution`` (which pixels a decision rests on, with `Captum
<https://captum.ai>`_: ``pip install cnnexplain[attribution]``),
``seed_intervals`` (a statistic of a seed study's kernels with an
interval that resamples whole seeds: :func:`seed_bootstrap`),
``kernel_agreement`` (how alike two kernels' shapes are, twin by twin:
:func:`kernel_correlation`), ``kernel_change`` (how far training moved each
kernel against its start, and twins' changes rescaled to one length:
:func:`change_size`, :func:`match_change_size`), ``linearization``
(whether a trained network still behaves like its first-order expansion
around its start, the criterion of lazy training: :func:`linearize`), ``roles`` (every kernel's roles by all of these measures, and the
kernel the story names for each class: :func:`cast`), ``smoothness`` (how smooth a kernel is,
and shares of edge detectors compared at equal smoothness: :func:`neighbour_correlation`,
:func:`excess_at_equal_smoothness`), ``gradients`` (a kernel's gradient as a sum of input patches, and the error
signal that weights them), ``matched_filter`` (the kernel a one-kernel
squared model prefers, in closed form) and
``_layers`` (the shared plumbing: layers found by name, outputs captured).

The conventions used throughout:

Layers
    Layers are given by name, as in ``model.named_modules()``: ``"conv1"``,
    ``"relu1"``, ... for :class:`~cnnexplain.model.LineCNN`, ``"0"``,
    ``"1"``, ... for a :class:`torch.nn.Sequential`. So the analyses work on
    any :class:`torch.nn.Module` with named convolution layers.
Models
    An analysis runs the model in evaluation mode (restored after), only as
    far as the layer it studies when it can, and leaves its parameters and
    their gradients untouched.
Kernel numbers
    Kernel ``k`` of a layer is output channel ``k``: ``weight[k]`` of the
    convolution, channel ``k`` of its activation maps. Numbers start at 0.
Angle and polarity (:func:`edge_match`)
    The ``angle`` of an edge kernel is the direction of the brightness
    gradient it measures, that of :func:`~cnnexplain.edges.edge_template`:
    degrees in ``[0, 180)`` in image coordinates (``x`` to the right, ``y``
    *down* the rows), so angles grow clockwise on screen. ``0`` is
    :data:`~cnnexplain.edges.PREWITT_X` (a *vertical* edge), ``90``
    :data:`~cnnexplain.edges.PREWITT_Y` (a *horizontal* edge), ``45`` an
    edge running like ``/`` and ``135`` one like ``\\``. ``polarity = +1``
    means the kernel's positive weights are on the side the angle points to
    (the right for 0, the bottom for 90), so it responds most to edges whose
    bright side is there; ``-1`` means the opposite side.
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
from . import (
    _layers,
    attribution,
    class_selectivity,
    edge_detector,
    edge_matching,
    edge_null,
    gradients,
    kernel_agreement,
    kernel_change,
    kernel_health,
    known_edges,
    linearization,
    matched_filter,
    maximize,
    roles,
    seed_intervals,
    smoothness,
)
from ._layers import *  # noqa: F403
from .attribution import *  # noqa: F403
from .class_selectivity import *  # noqa: F403
from .edge_detector import *  # noqa: F403
from .edge_matching import *  # noqa: F403
from .edge_null import *  # noqa: F403
from .gradients import *  # noqa: F403
from .kernel_agreement import *  # noqa: F403
from .kernel_change import *  # noqa: F403
from .kernel_health import *  # noqa: F403
from .known_edges import *  # noqa: F403
from .linearization import *  # noqa: F403
from .matched_filter import *  # noqa: F403
from .maximize import *  # noqa: F403
from .roles import *  # noqa: F403
from .seed_intervals import *  # noqa: F403
from .smoothness import *  # noqa: F403

# Bound again here so that the docs find their descriptions (Sphinx reads the
# "#:" comments of the module that documents them).
#: Kinds of edge template :func:`edge_match` compares kernels with.
EDGE_KINDS = edge_matching.EDGE_KINDS
#: Default orientations of :func:`edge_match`, in degrees: 0, 5, ..., 175.
DEFAULT_ANGLES = edge_matching.DEFAULT_ANGLES
#: Condition 1 of :func:`is_edge_detector`: the best edge template explains at
#: least this share (a third) of the kernel's contrast energy.
EDGE_SHARE = edge_detector.EDGE_SHARE
#: Condition 2 of :func:`is_edge_detector`: the edge carries at least this many
#: times (3) the energy of the smooth patterns left beside it.
SMOOTH_RATIO = edge_detector.SMOOTH_RATIO
#: What :func:`edge_verdict` says of a kernel: ``"edge detector"``, or the first
#: condition of :func:`is_edge_detector` it fails, in words.
EDGE_VERDICTS = edge_detector.EDGE_VERDICTS
#: Signal-to-noise ratios of the noisy edge families of :func:`edge_families`:
#: the norm of the edge over the norm of the Gaussian noise added to it.
SNR_LEVELS = known_edges.SNR_LEVELS
#: The lowest signal-to-noise ratio (1) at which the edge families of
#: :func:`edge_validation` have a target: noise as strong as the edge, as in a
#: trained kernel.
HARDEST_SNR = known_edges.HARDEST_SNR
#: The target of an edge family in :func:`edge_validation`: at least this share (90%) passes.
EDGE_TARGET = known_edges.EDGE_TARGET
#: The target of a family with no edge in :func:`edge_validation`: at most this share (5%) passes.
NON_EDGE_TARGET = known_edges.NON_EDGE_TARGET
#: The name, in :func:`edge_families`, of the family of random sums of line-image
#: patches: an untrained stand-in for a change that training makes.
PATCH_SUMS = known_edges.PATCH_SUMS
#: The site's one cut for a clear preference: a :func:`selectivity_index` beyond
#: +/-CLEAR_PREFERENCE (0.1). Nearer 0 the index is noise: on the same kernels it
#: differs between the training and the test images by up to about 0.05.
CLEAR_PREFERENCE = class_selectivity.CLEAR_PREFERENCE

__all__ = [
    *_layers.__all__,
    *edge_matching.__all__,
    *edge_null.__all__,
    *edge_detector.__all__,
    *known_edges.__all__,
    *class_selectivity.__all__,
    *kernel_health.__all__,
    *maximize.__all__,
    *roles.__all__,
    *attribution.__all__,
    *gradients.__all__,
    *matched_filter.__all__,
    *seed_intervals.__all__,
    *kernel_agreement.__all__,
    *kernel_change.__all__,
    *linearization.__all__,
    *smoothness.__all__,
]
