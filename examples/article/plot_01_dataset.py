"""
The data: pictures of lines
===========================

Everything on this site is learned from one toy data set: small grayscale
pictures, each holding a single bright straight line on a black background,
either horizontal or vertical. It is about the simplest image classification
task there is -- which is the point: when the data is this plain, we can
understand everything the network does with it.

On this page you will make the data set with
:func:`~cnnexplain.data.make_lines`, look at a few samples, and check the
properties the rest of the story relies on.
"""

# %%
# Making the images
# -----------------
# Like the article, we draw about 600 images of each class, 50 by 50 pixels.
# Each line gets a random position, a random thickness of 1 to 3 pixels and
# a random length of 25 to 50 pixels. The seed makes the data set exactly
# reproducible: the same call gives the same bytes on any machine.

import matplotlib.pyplot as plt

from cnnexplain import make_lines, viz

data = make_lines(n_per_class=600, size=50, seed=0)
print(data)
print("images:", tuple(data.images.shape), data.images.dtype)
print("classes:", data.classes)

assert data.class_counts() == [600, 600]
assert tuple(data.images.shape) == (1200, 1, 50, 50)

# %%
# A few samples of each class
# ---------------------------
# Each row shows one class. Pixel values run from 0 (black) to 1 (white).

fig = viz.plot_samples(data, n_per_class=6)

# %%
# What the images have in common
# ------------------------------
# Lines are thin: only a small fraction of the pixels is lit. For a
# horizontal line, all lit pixels sit in at most 3 neighbouring rows and
# span at least 25 columns; a vertical line is the transpose. Let us measure
# that on all 1,200 images instead of trusting it.

images = data.images[:, 0].numpy()
labels = data.labels.numpy()
lit_fraction = (images > 0.5).mean(axis=(1, 2))
print(
    f"lit pixels per image: {100 * lit_fraction.mean():.1f}% on average, "
    f"{100 * lit_fraction.max():.1f}% at most"
)

rows_lit = (images > 0.5).any(axis=2).sum(axis=1)  # rows holding a lit pixel
cols_lit = (images > 0.5).any(axis=1).sum(axis=1)  # columns holding a lit pixel
horizontal = labels == data.classes.index("horizontal")
print(
    "horizontal lines: rows lit",
    rows_lit[horizontal].min(),
    "to",
    rows_lit[horizontal].max(),
    "| columns lit",
    cols_lit[horizontal].min(),
    "to",
    cols_lit[horizontal].max(),
)
print(
    "vertical lines:   rows lit",
    rows_lit[~horizontal].min(),
    "to",
    rows_lit[~horizontal].max(),
    "| columns lit",
    cols_lit[~horizontal].min(),
    "to",
    cols_lit[~horizontal].max(),
)

assert rows_lit[horizontal].max() <= 3 and cols_lit[horizontal].min() >= 25
assert cols_lit[~horizontal].max() <= 3 and rows_lit[~horizontal].min() >= 25
assert lit_fraction.max() < 0.07

# %%
# Where the lines are
# -------------------
# The position is random, so no single pixel tells the classes apart: the
# average image of each class is a blurry square, not a line. A classifier
# has to look for the *shape* of what is lit -- which is what edge detectors
# do.

mean_h = images[horizontal].mean(axis=0)
mean_v = images[~horizontal].mean(axis=0)

fig, axes = plt.subplots(1, 2, figsize=(6, 3), layout="constrained")
for ax, mean, name in zip(axes, (mean_h, mean_v), ("horizontal", "vertical")):
    im = ax.imshow(mean, cmap="gray", vmin=0, vmax=max(mean_h.max(), mean_v.max()))
    ax.set_title(f"mean of all {name} images")
    ax.set_axis_off()
fig.colorbar(im, ax=axes, shrink=0.8, label="mean pixel value")

print(f"largest mean pixel value: {max(mean_h.max(), mean_v.max()):.2f}")
assert max(mean_h.max(), mean_v.max()) < 0.25

# %%
# Training and test sets
# ----------------------
# We keep 20% of each class aside to test the network on images it never saw
# during training. The split is stratified, so both parts stay balanced.

train_set, test_set = data.split(test_fraction=0.2, seed=0)
print(train_set)
print(test_set)
assert train_set.class_counts() == [480, 480] and test_set.class_counts() == [120, 120]

# sphinx_gallery_thumbnail_number = 1
