"""
The Prewitt operator: an edge detector made by hand
===================================================

You will see two tiny grids of numbers, designed by hand decades ago, slide
over our line images, light up on their edges, and tell the two classes
apart with no learning: what the article hoped a network would rediscover.

The :term:`Prewitt operator` :cite:p:`prewitt1970object` is a pair of 3x3
:term:`kernels <kernel>`: ``Gx`` measures how fast brightness changes from
left to right, ``Gy`` from top to bottom. Sliding one over an image,
multiplying and summing at every position, is a :term:`convolution`.
"""

# %%
# The two kernels
# ---------------
# ``Gx`` has a column of -1 on the left, zeros in the middle and +1 on the
# right: it answers "right minus left", and the pixel under its centre does
# not count. ``Gy`` is its transpose: "below minus above".

import numpy as np

from cnnexplain import make_lines, viz
from cnnexplain.edges import PREWITT_X, PREWITT_Y, convolve

# convolve, like the "convolution" of deep-learning libraries, does not flip the kernel
# (a cross-correlation): a positive response means "brighter on the +1 side".
print("Gx =\n", PREWITT_X.numpy())
print("Gy =\n", PREWITT_Y.numpy())

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning. The margins are stated here,
# before anything is measured or glued.
from cnnexplain.claims import bound, declare_margins, every, glue, setting

margins = declare_margins(
    far_more=3.0,  # "far more" is checked as more than three times
    accuracy=0.99,  # "99% or more"
)
setting(
    "Gx has columns of -1, 0 and +1 from left to right; Gy is its transpose",
    (PREWITT_X.numpy().tolist(), PREWITT_Y.numpy().tolist()),
    expected=(
        [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]],
        [[-1, -1, -1], [0, 0, 0], [1, 1, 1]],
    ),
)
# sphinx_gallery_end_ignore

# %%
# Gx on a vertical line
# ---------------------
# A vertical line has two :term:`edges <edge>`: dark to bright on its left
# side, bright to dark on its right. ``Gx`` answers with a positive stripe on
# the left edge, a negative one on the right edge, and zero elsewhere, even
# on the line's middle column. Its output, one number per position, is a
# :term:`feature map`.

data = make_lines(n_per_class=600, seed=0)
vertical = data.of_class("vertical")
horizontal = data.of_class("horizontal")


def lit_span(is_lit):
    """First and last index where ``is_lit`` is true."""
    where = np.flatnonzero(is_lit)
    return int(where[0]), int(where[-1])


# Pick the first vertical line, three pixels thick, that keeps two pixels
# away from every border: both of its edges and both of its ends show.
for image in vertical.images[:, 0]:
    picture = image.numpy()
    first, last = lit_span(picture.max(axis=0) > 0.5)  # lit columns
    top, bottom = lit_span(picture.max(axis=1) > 0.5)  # lit rows
    if last - first == 2 and min(first, top) >= 2 and max(last, bottom) <= 47:
        break
fig = viz.plot_convolution(
    image, PREWITT_X, titles=("a vertical line", "Gx", "response")
)

# Output column j is centred on image column j + 1.
response = convolve(image, PREWITT_X).numpy()
by_column = {
    j + 1: (response[:, j].min(), response[:, j].max())
    for j in range(response.shape[1])
}
print(f"line in columns {first} to {last}")
print("response (lowest, highest) per column around it:")
for column in range(first - 2, last + 3):
    print(
        f"  column {column}: {by_column[column][0]:+.0f}, {by_column[column][1]:+.0f}"
    )

# sphinx_gallery_start_ignore


def as_expected(column, low, high):
    """Positive on the left edge, negative on the right edge, zero elsewhere."""
    if column in (first - 1, first):
        return low >= 0 and high > 0
    if column in (last, last + 1):
        return high <= 0 and low < 0
    return low == 0 and high == 0


every(
    "Gx answers positive only on the line's left edge, negative only on its right edge, zero elsewhere",
    [as_expected(c, low, high) for c, (low, high) in by_column.items()],
    statistic="columns whose response has the sign of their place (left edge +, right edge -, else 0)",
)
# sphinx_gallery_end_ignore

# %%
# Sliding the kernel
# ------------------
# The animation zooms on an 8x12 window around the top of the line: at each
# step, the 3x3 patch under ``Gx`` is multiplied by it and summed into one
# pixel of the output. Step through it with the player.

window_top = top - 2
window_left = first - 5
anim = viz.animate_convolution(
    image, PREWITT_X, region=(window_top, window_left, 8, 12)
)

# sphinx_gallery_start_ignore
setting(
    "an 8x12 window and one frame per position of the 3x3 kernel",
    len(list(anim.new_frame_seq())),
    expected=(8 - 3 + 1) * (12 - 3 + 1),
)
every(
    "the window holds the top of the line",
    [
        window_top <= top < window_top + 8 and window_left <= c < window_left + 12
        for c in range(first, last + 1)
    ],
    statistic="pixels of the line's top row inside the window",
)
# sphinx_gallery_end_ignore

# %%
# Gy on the same line
# -------------------
# ``Gy`` looks for horizontal edges. On a vertical line it finds only the two
# ends: a short positive (red) bar at the top end, where the image turns
# from dark to bright going down, a negative (blue) one at the bottom end,
# and zero along the line.

fig = viz.plot_convolution(
    image, PREWITT_Y, titles=("a vertical line", "Gy", "response")
)

# Output row i is centred on image row i + 1.
rows_answering = (
    np.flatnonzero(np.abs(convolve(image, PREWITT_Y).numpy()).max(axis=1) > 0) + 1
)
print(f"line in rows {top} to {bottom}; Gy answers on rows {rows_answering.tolist()}")

# sphinx_gallery_start_ignore
near_top = [r for r in rows_answering if abs(r - top) <= 1]
near_bottom = [r for r in rows_answering if abs(r - bottom) <= 1]
every(
    "Gy answers only at the two ends of the vertical line, within a pixel of each",
    [min(abs(r - top), abs(r - bottom)) <= 1 for r in rows_answering]
    + [bool(near_top), bool(near_bottom)],
    statistic="rows where Gy answers that lie within a pixel of an end, and ends that answer",
)
gy_rows = convolve(image, PREWITT_Y).numpy()  # row i is centred on image row i + 1
every(
    "Gy is positive at the top end of the vertical line and negative at its bottom end",
    [v > 0 for r in near_top for v in gy_rows[r - 1] if v != 0]
    + [v < 0 for r in near_bottom for v in gy_rows[r - 1] if v != 0],
    statistic="nonzero responses at the top end that are positive, at the bottom end negative",
)
# sphinx_gallery_end_ignore

# %%
# How much each kernel answers, class by class
# --------------------------------------------
# Averaging the size of the response over the whole image gives one number
# per kernel and image. On all |n_images| images, ``Gx`` answers vertical
# lines |gx_ratio| times more than horizontal ones, and ``Gy`` answers
# horizontal lines |gy_ratio| times more than vertical ones.


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

# sphinx_gallery_start_ignore
glue("n_images", len(data), "{:,}")
gx_ratio = glue("gx_ratio", gx_v.mean() / gx_h.mean(), "{:.1f}")
gy_ratio = glue("gy_ratio", gy_h.mean() / gy_v.mean(), "{:.1f}")
bound(
    "Gx answers vertical lines far more (over three times) than horizontal ones",
    gx_ratio,
    n=len(data),
    at_least="far_more",
    statistic="mean |Gx response| on vertical lines / on horizontal lines",
    fmt="{:.1f}",
)
bound(
    "Gy answers horizontal lines far more (over three times) than vertical ones",
    gy_ratio,
    n=len(data),
    at_least="far_more",
    statistic="mean |Gy response| on horizontal lines / on vertical lines",
    fmt="{:.1f}",
)
# sphinx_gallery_end_ignore

# %%
# A classifier with no learning at all
# ------------------------------------
# Call an image "vertical" when ``Gx`` answers more than ``Gy``: a rule with
# nothing fitted to the data.

pred_vertical = energy(data.images, PREWITT_X) > energy(data.images, PREWITT_Y)
is_vertical = (data.labels == data.classes.index("vertical")).numpy()
accuracy = (pred_vertical == is_vertical).mean()
print(f"accuracy of the hand-made Prewitt rule: {accuracy:.1%} of {len(data)} images")

# sphinx_gallery_start_ignore
glue("prewitt_accuracy", accuracy, "{:.1%}")
bound(
    "the hand-made Prewitt rule classifies 99% or more of the images",
    accuracy,
    n=len(data),
    at_least="accuracy",
    statistic="accuracy of the Prewitt rule",
    fmt="{:.1%}",
)
# sphinx_gallery_end_ignore

# %%
# The rule is right for |prewitt_accuracy| of the images: two :term:`edge
# detectors <edge detector>` and a comparison solve the task.
#
# Edges are not the only pattern that would do. A band of positive weights as
# wide as a line, between two negative bands, answers the *line itself*
# rather than its two sides: a :term:`line detector`. Unlike ``Gx``, it looks
# the same turned by half a turn. The network's kernels may show either,
# both or neither.
#
# Does a :term:`CNN`, given only the images and their labels, find something
# similar on its own? First, the :doc:`warm-up <plot_02b_warmup>` asks
# whether one kernel can learn ``Gx`` when we show it the answer.

# sphinx_gallery_thumbnail_number = 1
