"""
The second layer: its maps, and the inputs it wants most
========================================================

The first layer's kernels can be read directly: 7x7 weights on pixels. The
second layer's cannot: each of its 8 channels applies 3x3 weights to the 8
pooled maps of the first layer, so its weights say nothing directly about
pixels. There are two ways around that. Look at what the channels *do* with
real images (their feature maps), and ask the network which image would
excite each channel the most (activation maximization). We do both, and
check the second method on the first layer, where we know the answer.
"""

# %%
# Eight maps for two lines
# ------------------------
# The ``relu2`` maps (the second convolution, after its ReLU) of all eight
# channels, for one horizontal and one vertical test line. The maps are
# 20x20: the 50x50 image loses 6 pixels to ``conv1``, half of the rest to
# pooling, and 2 more to ``conv2``. One grey scale, from zero, for all map
# panels (the inputs keep their own, 0 to 1). The :ref:`article's
# second-layer page <sphx_glr_auto_examples_article_plot_08_second_layer.py>`
# follows two of these channels stage by stage.

import matplotlib.pyplot as plt
import numpy as np
import torch

from cnnexplain import activations, viz
from cnnexplain.analysis import maximize_activation, selectivity
from cnnexplain.experiment import experiment

run = experiment()
model, test = run.model, run.test_set
lines = torch.stack([test.of_class("horizontal").images[0], test.of_class("vertical").images[0]])
maps = activations(model, lines, layers=["relu2"])["relu2"]
assert maps.shape == (2, 8, 20, 20)

fig, axes = plt.subplots(2, 9, figsize=(9.0, 2.4), layout="constrained")
for row, name in enumerate(("horizontal", "vertical")):
    axes[row, 0].imshow(lines[row, 0], cmap="gray", vmin=0, vmax=1)
    axes[row, 0].set_ylabel(name, fontsize=8)
    for c in range(8):
        im = axes[row, c + 1].imshow(maps[row, c], cmap="gray", vmin=0, vmax=float(maps.max()))
        axes[0, c + 1].set_title(f"channel {c}", fontsize=8)
axes[0, 0].set_title("input", fontsize=8)
for ax in axes.flat:
    ax.set_xticks([])
    ax.set_yticks([])
colorbar = fig.colorbar(im, ax=axes[:, 1:], shrink=0.9, label="relu2")

# %%
# Some channels answer one line and not the other. Over all 240 test images,
# the selectivity index of each channel (-1: fires only on vertical lines,
# +1: only on horizontal ones; :func:`~cnnexplain.analysis.selectivity`)
# says which, and the two lines above agree with it:

index = selectivity(model, test, layer="relu2").index
on_lines = maps.mean(dim=(2, 3))  # mean activation per line and channel
for c in range(8):
    print(
        f"channel {c}: index {index[c]:+.2f}; mean relu2 on the horizontal line {on_lines[0, c]:.3f}, "
        f"on the vertical line {on_lines[1, c]:.3f}"
    )
horizontal_channels = np.flatnonzero(index > 0.3).tolist()
vertical_channels = np.flatnonzero(index < -0.3).tolist()
print("prefer horizontal lines:", horizontal_channels, "| prefer vertical lines:", vertical_channels)
assert horizontal_channels == [2, 4, 7] and vertical_channels == [0, 3]
assert all(on_lines[0, c] > on_lines[1, c] for c in horizontal_channels)
assert all(on_lines[1, c] > on_lines[0, c] for c in vertical_channels)

# %%
# Activation maximization, checked on the first layer
# ---------------------------------------------------
# :func:`~cnnexplain.analysis.maximize_activation` starts from a grey image
# and climbs the gradient of one channel's output, with a pull back towards
# grey and a little blur so that only what matters survives. For the first
# layer the answer is known: a convolution unit's output is the dot product
# of its kernel with the 7x7 patch it sees, so the best patch has the
# kernel's pattern -- bright where the weight is positive, dark where it is
# negative.
#
# We maximize the centre unit of each ``conv1`` map. That map is 44x44, its
# centre unit is (21, 21), and it sees input rows and columns 21 to 27.

first = maximize_activation(model, "conv1", list(range(8)))  # (8, 50, 50)
kernels = model.conv1.weight.detach()[:, 0]  # (8, 7, 7)
side = activations(model, lines, layers=["conv1"])["conv1"].shape[-1]
c0 = (side - 1) // 2  # the centre unit's row and column, and its patch's first input row and column
print(f"conv1 maps are {side}x{side}; the centre unit sees input rows and columns {c0} to {c0 + 6}")
patches = first[:, c0 : c0 + 7, c0 : c0 + 7]
match = [np.corrcoef(p.flatten(), k.flatten())[0, 1] for p, k in zip(patches, kernels)]
print("correlation of each maximizing patch with its kernel:", np.round(match, 2))
outside = torch.ones(50, 50, dtype=torch.bool)
outside[c0 - 1 : c0 + 8, c0 - 1 : c0 + 8] = False  # the patch and a one-pixel fringe
print(f"largest distance from grey further out: {(first[:, outside] - 0.5).abs().max():.3f}")
assert min(match) > 0.9 and (first[:, outside] - 0.5).abs().max() < 0.02
fig = viz.plot_maximizing_inputs(first, kernels=kernels, crop=15)

# %%
# Each maximizing patch matches its kernel (correlation above 0.9): the
# method finds what we know is right. Beyond a one-pixel fringe (the blur)
# the image stays grey, because no other pixel reaches that unit.
#
# What one second-layer unit wants
# --------------------------------
# The same for the centre unit of each ``conv2`` map. That unit sees a
# 12x12 window of the input (7 pixels for ``conv1``, widened by pooling and
# the 3x3 ``conv2`` kernel), and indeed the images leave grey only within
# that window and the blur's fringe. We show the centre 16x16.

centre = maximize_activation(model, "conv2", list(range(8)))
changed = ((centre - 0.5).abs() > 0.02).any(dim=0)  # pixels away from grey, in any channel's image
rows, cols = changed.any(dim=1).nonzero().flatten(), changed.any(dim=0).nonzero().flatten()
print(f"non-grey pixels: rows {rows.min()} to {rows.max()}, columns {cols.min()} to {cols.max()}")
assert rows.max() - rows.min() + 1 <= 14 and cols.max() - cols.min() + 1 <= 14
fig = viz.plot_maximizing_inputs(centre, crop=16)

# %%
# Instead of one pattern per pixel, the second layer wants short bars, dark
# next to bright. Which way do they lie? Compare how much the image changes
# from row to row (``ey``, large for horizontal bars and stripes) and from
# column to column (``ex``, large for vertical ones): the index
# ``(ey - ex) / (ey + ex)`` runs from -1 (vertical) to +1 (horizontal), like
# the selectivity index.


def stripe_index(images):
    """+1 for horizontal stripes, -1 for vertical ones, per image."""
    x = images.double()
    ey = x.diff(dim=-2).square().sum(dim=(-2, -1))
    ex = x.diff(dim=-1).square().sum(dim=(-2, -1))
    return ((ey - ex) / (ey + ex)).numpy()


bars = stripe_index(centre[:, 17:33, 17:33])  # the 16x16 shown
print("orientation of each channel's bars:", np.round(bars, 2))
clear = np.abs(index) > 0.3  # channels 0, 2, 3, 4 and 7
assert (np.sign(bars[clear]) == np.sign(index[clear])).all()

# %%
# The bars lie horizontally for channels 2, 4 and 7 and stand up for
# channels 0 and 3: the channels that prefer horizontal and vertical lines.
#
# Over the whole image
# --------------------
# Maximizing the *mean* of a channel's map instead of one unit asks for a
# pattern that excites it everywhere:

everywhere = maximize_activation(model, "conv2", list(range(8)), where="mean")
fig = viz.plot_maximizing_inputs(everywhere)

# %%
# Stripes, measured with the same index:

stripes = stripe_index(everywhere)
for c in range(8):
    print(f"channel {c}: selectivity {index[c]:+.2f}, stripes of its maximizing input {stripes[c]:+.2f}")
r = np.corrcoef(index, stripes)[0, 1]
print(f"correlation between the two, over the 8 channels: {r:.2f}")
assert r > 0.8 and (np.sign(stripes[clear]) == np.sign(index[clear])).all() and abs(stripes[6]) < 0.3

# %%
# The two measures agree (correlation 0.94 over the 8 channels): the
# channels that prefer horizontal lines in the data want horizontal stripes,
# those that prefer vertical lines want vertical stripes, and channel 6,
# with no preference, wants neither (index near 0: a checkerboard). The
# maximization knows nothing about lines or classes; it only follows
# gradients. What it finds says that the second layer combines the first
# layer's edges into "a bright bar between two edges, this way up".

# sphinx_gallery_thumbnail_number = 4
