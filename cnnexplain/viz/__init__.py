"""Figures and animations of kernels, activations, training and analyses.

What every function does, which its docstring does not repeat:

* It returns the :class:`~matplotlib.figure.Figure` it draws into -- ``fig``
  (a figure or subfigure) or ``ax`` where given, else a new pyplot figure --
  or a :class:`~matplotlib.animation.FuncAnimation`, to keep until it is
  shown or saved (:func:`save_gif`). It leaves no other pyplot figure open
  and never calls ``plt.show()``.
* Each image panel shows exactly the numbers it claims
  (``AxesImage.get_array()`` returns them). Signed values (weights,
  pre-activation maps) are drawn on ``SIGNED_CMAP`` with symmetric limits
  shared by the panels being compared and by all frames of an animation;
  non-negative values on ``UNSIGNED_CMAP`` from zero, images from 0
  (black) to 1 (white).
* Kernels are numbered from 0, as in code: ``kernel 5`` is ``weight[5]``.
* A bad argument raises a ``TypeError`` or ``ValueError`` that names it.

One module per subject: ``data`` (the images of a data set),
``architecture`` (a picture of a network's layers), ``convolution`` (one
kernel over one image), ``kernels`` (the kernels of a
layer, through training), ``activations`` (feature maps and the forward
pass), ``curves`` (loss and accuracy against epoch), ``edges``,
``kernel_roles``, ``attribution``, ``gradients`` and ``matched_filter``
(figures of :mod:`cnnexplain.analysis`), ``marks`` ("what to look for" marks on a
kernel's panel: :func:`mark_edge_bands`),
``animation`` (saving an animation as a GIF), ``explorer`` (the network
live in a web page: :class:`Explorer`) and ``lab`` (the reader trains it in
a web page: :class:`Lab`). They share one matplotlib
style sheet, ``STYLE_FILE``.
"""

from ._style import HEAT_CMAP, SIGNED_CMAP, STYLE_FILE, UNSIGNED_CMAP, signed_limit
from .activations import plot_feature_maps, plot_forward_pass
from .animation import save_gif
from .architecture import plot_architecture
from .attribution import plot_attribution
from .convolution import animate_convolution, plot_convolution
from .curves import plot_training_curves
from .data import plot_samples
from .edges import plot_best_templates, plot_edge_match, plot_edge_parts, plot_edge_templates
from .explorer import MAX_SNAPSHOTS, Explorer, explorer_fragment, pick_snapshots
from .gradients import alignment_curve, plot_error_signal, plot_top_patches
from .kernel_roles import plot_ablation, plot_kernel_similarity, plot_maximizing_inputs, plot_selectivity
from .kernels import animate_kernels, plot_kernels, plot_kernels_compare
from .lab import Lab
from .marks import Band, edge_bands, mark_edge_bands
from .matched_filter import plot_alignment_runs, plot_kernel_shapes, plot_preferred_kernels

__all__ = [
    "HEAT_CMAP",
    "MAX_SNAPSHOTS",
    "SIGNED_CMAP",
    "STYLE_FILE",
    "UNSIGNED_CMAP",
    "Band",
    "Explorer",
    "Lab",
    "alignment_curve",
    "animate_convolution",
    "animate_kernels",
    "edge_bands",
    "explorer_fragment",
    "mark_edge_bands",
    "pick_snapshots",
    "plot_ablation",
    "plot_alignment_runs",
    "plot_architecture",
    "plot_attribution",
    "plot_best_templates",
    "plot_convolution",
    "plot_edge_match",
    "plot_edge_parts",
    "plot_edge_templates",
    "plot_error_signal",
    "plot_feature_maps",
    "plot_forward_pass",
    "plot_kernel_shapes",
    "plot_kernel_similarity",
    "plot_kernels",
    "plot_kernels_compare",
    "plot_maximizing_inputs",
    "plot_preferred_kernels",
    "plot_samples",
    "plot_selectivity",
    "plot_top_patches",
    "plot_training_curves",
    "save_gif",
    "signed_limit",
]
