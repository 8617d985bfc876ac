"""Figures and animations of kernels, activations and training.

Every function returns the :class:`~matplotlib.figure.Figure` (or the
:class:`~matplotlib.animation.Animation`) it draws, accepts the figure or axes
to draw into where that makes sense, and never calls ``plt.show()``. Signed
values are drawn on a diverging colour map centred on zero, with symmetric
limits shared by the panels being compared and by all frames of an
animation; non-negative values on a sequential map from zero.
"""

from ._style import SIGNED_CMAP, UNSIGNED_CMAP, signed_limit
from .article import *  # noqa: F403
from .article import __all__ as _article_all
from .beyond import *  # noqa: F403
from .beyond import __all__ as _beyond_all

__all__ = ["SIGNED_CMAP", "UNSIGNED_CMAP", "signed_limit", *_article_all, *_beyond_all]
