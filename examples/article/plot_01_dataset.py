"""
The data: pictures of lines
===========================

You will see the toy data set that every page of this site learns from:
small grayscale pictures, each holding one bright straight line on a black
background, horizontal or vertical, plain on purpose so that we can follow
everything the network does with them. You make it with
:func:`~cnnexplain.data.make_lines` and check what the story relies on.
"""

# %%
# Making the images
# -----------------
# Like the article :cite:p:`unni2018decryption`, which has about 600 images of each class, 50 by 50
# pixels, we draw 600 images of each class at that size. Each line gets a
# random position, a random thickness of 1 to 3 pixels and a random length
# of 25 to 50 pixels. The :term:`seed` makes the data set exactly
# reproducible: the same call gives the same images, byte for byte.

import matplotlib.pyplot as plt
import numpy as np

from cnnexplain import make_lines, viz

data = make_lines(n_per_class=600, size=50, seed=0)
print(data)
print("images:", tuple(data.images.shape), data.images.dtype)
print("classes:", data.classes)
print("settings:")
for name, value in data.config.items():
    print(f"  {name}: {value}")

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning. The margins are stated here,
# before anything is measured or glued.
from cnnexplain.claims import bound, declare_margins, every, glue, setting

margins = declare_margins(
    # A coin's accuracy on 1,200 images has a standard deviation of about 1.4
    # points: 10 points leaves room for picking the best of 2,500 pixels, and is
    # still far from the accuracy of the edge detectors on the next page.
    guess_points=0.1,
    tenth=0.1,  # "no pixel is lit in more than a tenth of the images of a class"
    thin=3 * 50 / (50 * 50),  # a line of 3 pixels by 50 lights 150 of 2,500 pixels
)
setting(
    "600 images of each class, 50 by 50 pixels, one channel",
    (data.class_counts(), tuple(data.images.shape[1:])),
    expected=([600, 600], (1, 50, 50)),
)
setting(
    "thickness 1 to 3 pixels, length 25 to 50 pixels",
    (data.config["thickness"], data.config["length"]),
    expected=([1, 3], [25, 50]),
)
again = make_lines(n_per_class=600, size=50, seed=0)
every(
    "the same call gives the same images, byte for byte",
    [
        a.tobytes() == b.tobytes() and la == lb
        for a, b, la, lb in zip(
            data.images.numpy(), again.images.numpy(), data.labels, again.labels
        )
    ],
    statistic="images identical byte for byte, with the same label",
)
# sphinx_gallery_end_ignore

# %%
# A few samples of each class
# ---------------------------
# Each row shows one class. Pixels are either 0 (black) or 1 (white).

fig = viz.plot_samples(data, n_per_class=6)

# sphinx_gallery_start_ignore
every(
    "pixels are 0 or 1",
    np.isin(data.images.numpy(), (0.0, 1.0)),
    statistic="pixels that are 0 or 1",
)
# sphinx_gallery_end_ignore

# %%
# What the images have in common
# ------------------------------
# Lines are thin: only a small fraction of the pixels is lit. For a
# horizontal line, all lit pixels sit in at most 3 neighbouring rows and
# span at least 25 columns; a vertical line is the transpose. Measured on
# all |n_images| images:

images = data.images[:, 0].numpy()
labels = data.labels.numpy()
lit = images > 0.5
lit_fraction = lit.mean(axis=(1, 2))
print(
    f"lit pixels per image: {100 * lit_fraction.mean():.1f}% on average, "
    f"{100 * lit_fraction.max():.1f}% at most"
)


def span(is_lit):
    """Number of rows (or columns) from the first lit one to the last, per image."""
    first = is_lit.argmax(axis=1)
    last = is_lit.shape[1] - 1 - is_lit[:, ::-1].argmax(axis=1)
    return last - first + 1


row_span = span(lit.any(axis=2))  # lit.any(axis=2): which rows hold a lit pixel
col_span = span(lit.any(axis=1))  # lit.any(axis=1): which columns hold a lit pixel
horizontal = labels == data.classes.index("horizontal")
for name, pick in (("horizontal", horizontal), ("vertical", ~horizontal)):
    print(
        f"{name:10} lines: rows {row_span[pick].min()} to {row_span[pick].max()}, "
        f"columns {col_span[pick].min()} to {col_span[pick].max()}"
    )

# sphinx_gallery_start_ignore
glue("n_images", len(data), "{:,}")
glue("lit_mean", lit_fraction.mean(), "{:.1%}")
glue("lit_max", lit_fraction.max(), "{:.1%}")
every(
    "horizontal lines: lit pixels within 3 neighbouring rows, across 25 columns or more",
    (row_span[horizontal] <= 3) & (col_span[horizontal] >= 25),
    statistic="horizontal images within 3 rows and across 25 columns or more",
)
every(
    "vertical lines: lit pixels within 3 neighbouring columns, across 25 rows or more",
    (col_span[~horizontal] <= 3) & (row_span[~horizontal] >= 25),
    statistic="vertical images within 3 columns and across 25 rows or more",
)
every(
    "lines are thin: no image lights more than 3 x 50 of its 50 x 50 pixels",
    lit_fraction <= margins["thin"],
    statistic="images with at most 150 lit pixels",
)
# sphinx_gallery_end_ignore

# %%
# In this data set, |lit_mean| of an image's pixels are lit on average, and
# |lit_max| at most.
#
# Where the lines are
# -------------------
# The position is random, so no single pixel tells the classes apart: the
# average image of each class is not a line but faint streaks spread over
# the whole picture, running the way of its lines. A classifier has to look
# for the *shape* of what is lit -- which is what the hand-made
# :term:`edge detectors <edge detector>` of the next page do.

mean_h = images[horizontal].mean(axis=0)
mean_v = images[~horizontal].mean(axis=0)

fig, axes = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
for ax, mean, name in zip(axes, (mean_h, mean_v), ("horizontal", "vertical")):
    im = ax.imshow(mean, cmap="gray", vmin=0, vmax=max(mean_h.max(), mean_v.max()))
    ax.set_title(f"mean of all {name} images")
    ax.set_axis_off()
fig.colorbar(im, ax=axes, shrink=0.8, label="mean pixel value")

# The best one-pixel rule. If a pixel is lit in a share p_h of the horizontal
# images and p_v of the vertical ones, the rule "lit means horizontal" is right
# for p_h of the horizontal half and 1 - p_v of the vertical half: on average
# (1 + p_h - p_v) / 2. The opposite rule gets (1 - p_h + p_v) / 2; the better of
# the two gets 0.5 + |p_h - p_v| / 2. The best pixel is the one where it is largest.
lit_h, lit_v = lit[horizontal].mean(axis=0), lit[~horizontal].mean(axis=0)
best_pixel = (0.5 + np.abs(lit_h - lit_v) / 2).max()
print(f"largest mean pixel value: {max(mean_h.max(), mean_v.max()):.2f}")
print(f"accuracy of the best one-pixel rule: {100 * best_pixel:.1f}%")

# sphinx_gallery_start_ignore
lit_most = glue("lit_most", max(lit_h.max(), lit_v.max()), "{:.1%}")
glue("best_pixel", best_pixel, "{:.1%}")
bound(
    "no single pixel tells the classes apart: the best one-pixel rule is within 10 points of a guess",
    best_pixel - 0.5,
    n=len(data),
    at_most="guess_points",
    statistic="accuracy of the best one-pixel rule minus the 50% of a guess",
    fmt="{:+.1%}",
)
bound(
    "the average images are blurred: no pixel is lit in more than a tenth of the images of a class",
    lit_most,
    n=len(data),
    at_most="tenth",
    statistic="largest share of a class's images that light one pixel",
    fmt="{:.1%}",
)
# sphinx_gallery_end_ignore

# %%
# No pixel is lit in more than |lit_most| of the images of a class, and the
# best rule that looks at one pixel only is right for |best_pixel| of the
# images, little better than the 50% of a guess.
#
# Training and test sets
# ----------------------
# We keep a fifth of each class aside, the :term:`test set`, to test the
# network on images it never saw during training; the rest is the
# :term:`training set`. The split is stratified: each class is split on its
# own, so both parts stay balanced.

train_set, test_set = data.split(test_fraction=0.2, seed=0)
print(train_set)
print(test_set)

# sphinx_gallery_start_ignore
n_train, n_test = train_set.class_counts(), test_set.class_counts()
setting(
    "a fifth of each class is held out, and both parts are balanced",
    (n_train, n_test),
    expected=([480, 480], [120, 120]),
)
# sphinx_gallery_end_ignore

# sphinx_gallery_thumbnail_number = 1
