"""Figures and animations of kernels, activations, training and analyses.

Every function returns the :class:`~matplotlib.figure.Figure` (or the
:class:`~matplotlib.animation.FuncAnimation`) it draws, accepts the figure or
axes to draw into where that makes sense, leaves no other pyplot figure open
and never calls ``plt.show()``. Each image panel shows exactly the numbers it
claims (``AxesImage.get_array()`` returns them). Signed values are drawn on a
diverging colour map centred on zero, with symmetric limits shared by the
panels being compared and by all frames of an animation; non-negative values
on a sequential map from zero. Kernels are numbered from 0, as in code.

One module per subject: ``data`` (the images of a data set),
``convolution`` (one kernel over one image), ``kernels`` (the kernels of a
layer, through training), ``activations`` (feature maps and the forward
pass), ``curves`` (loss and accuracy against epoch), ``edges``,
``kernel_roles`` and ``attribution`` (figures of :mod:`cnnexplain.analysis`)
and ``animation`` (saving an animation as a GIF). They share one matplotlib
style sheet, ``STYLE_FILE``.
"""

from ._style import HEAT_CMAP, SIGNED_CMAP, STYLE_FILE, UNSIGNED_CMAP, signed_limit
from .activations import plot_feature_maps, plot_forward_pass
from .animation import save_gif
from .attribution import plot_attribution
from .convolution import animate_convolution, plot_convolution
from .curves import plot_training_curves
from .data import plot_samples
from .edges import plot_best_templates, plot_edge_match, plot_edge_templates
from .kernel_roles import plot_ablation, plot_kernel_similarity, plot_maximizing_inputs, plot_selectivity
from .kernels import animate_kernels, plot_kernels, plot_kernels_compare

__all__ = [
    "HEAT_CMAP",
    "SIGNED_CMAP",
    "STYLE_FILE",
    "UNSIGNED_CMAP",
    "animate_convolution",
    "animate_kernels",
    "plot_ablation",
    "plot_attribution",
    "plot_best_templates",
    "plot_convolution",
    "plot_edge_match",
    "plot_edge_templates",
    "plot_feature_maps",
    "plot_forward_pass",
    "plot_kernel_similarity",
    "plot_kernels",
    "plot_kernels_compare",
    "plot_maximizing_inputs",
    "plot_samples",
    "plot_selectivity",
    "plot_training_curves",
    "save_gif",
    "signed_limit",
]
