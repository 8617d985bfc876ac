"""
The Prewitt operator: an edge detector made by hand
===================================================

Before any learning, here is how a person would solve the task: look for
edges. The Prewitt operator is a pair of 3x3 kernels that measure how fast
brightness changes from left to right (``Gx``) and from top to bottom
(``Gy``). Slide one over an image, multiplying and summing at every position,
and it lights up where the image has an edge of its orientation.

You will see the two kernels, watch one slide over a line image, and measure
how well they alone separate our two classes.
"""

# %%
# The two kernels
# ---------------
# ``Gx`` has a column of -1 on the left, zeros in the middle and +1 on the
# right: it answers "right minus left". ``Gy`` is its transpose and answers
# "below minus above". The zero middle column (or row) means the pixel under
# the kernel's centre does not count at all -- only the difference between
# its neighbours does.
#
# A word on signs: the "convolution" of deep-learning libraries, and of
# :func:`cnnexplain.edges.convolve`, does not flip the kernel (it is a
# cross-correlation). The constants are written for that convention, so a
# positive response means "brighter on the +1 side".

import numpy as np

from cnnexplain import make_lines, viz
from cnnexplain.edges import PREWITT_X, PREWITT_Y, convolve

print("Gx =\n", PREWITT_X.numpy())
print("Gy =\n", PREWITT_Y.numpy())
assert PREWITT_X[:, 1].abs().sum() == 0 and PREWITT_Y[1, :].abs().sum() == 0

# %%
# Gx on a vertical line
# ---------------------
# A vertical line has two vertical edges: dark-to-bright on its left side and
# bright-to-dark on its right side. ``Gx`` answers with a positive stripe on
# the first and a negative stripe on the second; in between, and far from the
# line, it answers zero.

data = make_lines(n_per_class=600, seed=0)
vertical = data.of_class("vertical")
horizontal = data.of_class("horizontal")
# Pick the first vertical line that does not touch the image border.
lit_columns = [np.flatnonzero(im[0].numpy().max(axis=0) > 0.5) for im in vertical.images]
index = next(i for i, c in enumerate(lit_columns) if c[0] >= 2 and c[-1] <= 47)
image = vertical.images[index, 0]
first, last = int(lit_columns[index][0]), int(lit_columns[index][-1])
fig = viz.plot_convolution(image, PREWITT_X, titles=("a vertical line", "Gx", "response"))

# Output column j sees image columns j, j+1, j+2.
response = convolve(image, PREWITT_X)
left_edge, right_edge = response[:, first - 2], response[:, last]
print(
    f"line in columns {first}-{last}; response on its left edge: {left_edge.max():.0f}, "
    f"on its right edge: {right_edge.min():.0f}, far from it: {response[:, 0].abs().max():.0f}"
)
assert left_edge.max() == 3 and right_edge.min() == -3

# %%
# Sliding the kernel
# ------------------
# This is what "convolving" means, one position at a time. The animation
# zooms on an 8x12 window of the image around the top of the line: at each
# step the 3x3 window is multiplied by ``Gx`` and summed into one pixel of the
# output. Use the player's buttons to step through it.

rows = np.flatnonzero(image.numpy().max(axis=1) > 0.5)
top = int(min(max(rows[0] - 2, 0), 50 - 8))
left = int(min(max(first - 5, 0), 50 - 12))
anim = viz.animate_convolution(image, PREWITT_X, region=(top, left, 8, 12))

# %%
# Gy on the same line
# -------------------
# ``Gy`` looks for horizontal edges. On a vertical line it only finds the two
# short ends of the line; along its length it answers zero.

fig = viz.plot_convolution(image, PREWITT_Y, titles=("a vertical line", "Gy", "response"))

# %%
# How much each kernel answers, class by class
# --------------------------------------------
# Summing the absolute response over the whole image gives one number per
# kernel. On all 1,200 images, ``Gx`` answers vertical lines far more than
# horizontal ones, and ``Gy`` the reverse.


def energy(images, kernel):
    """Mean absolute response per image."""
    return convolve(images, kernel).abs().mean(dim=(1, 2, 3)).numpy()


gx_v, gx_h = energy(vertical.images, PREWITT_X), energy(horizontal.images, PREWITT_X)
gy_v, gy_h = energy(vertical.images, PREWITT_Y), energy(horizontal.images, PREWITT_Y)
print(
    f"Gx: {gx_v.mean():.3f} on vertical lines, {gx_h.mean():.3f} on horizontal ones "
    f"({gx_v.mean() / gx_h.mean():.1f} times more)"
)
print(
    f"Gy: {gy_h.mean():.3f} on horizontal lines, {gy_v.mean():.3f} on vertical ones "
    f"({gy_h.mean() / gy_v.mean():.1f} times more)"
)
assert gx_v.mean() > 3 * gx_h.mean() and gy_h.mean() > 3 * gy_v.mean()

# %%
# A classifier with no learning at all
# ------------------------------------
# Call an image "vertical" when ``Gx`` answers more than ``Gy``. This rule,
# with no parameter fitted to anything, classifies the data set as follows.

pred_vertical = energy(data.images, PREWITT_X) > energy(data.images, PREWITT_Y)
is_vertical = (data.labels == data.classes.index("vertical")).numpy()
accuracy = (pred_vertical == is_vertical).mean()
print(f"accuracy of the hand-made Prewitt rule: {100 * accuracy:.1f}% of {len(data)} images")
assert accuracy >= 0.99

# %%
# So the task is solved by two edge detectors and a comparison. The next
# pages ask whether a CNN, given only the images and their labels, finds
# something similar on its own.

# sphinx_gallery_thumbnail_number = 1
