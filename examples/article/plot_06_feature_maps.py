"""
What two kernels detect, before and after training
===================================================

Looking at a kernel's weights is one thing; watching what it does to an
image is more telling. Here two first-layer kernels are applied to a
horizontal and a vertical line, and their outputs followed through the ReLU
and the max-pooling -- once with the random initial weights, once with the
trained ones.

The article chose its two kernels by eye. Here the choice is a rule,
computed on the data: the kernel that most prefers vertical lines and the one
that most prefers horizontal lines.
"""

# %%
# Choosing the kernels by a rule
# ------------------------------
# For every kernel, take its output after the ReLU (``relu1``), average it
# over all held-out images of each class, and compare the two means with a
# selectivity index
#
#     index = (mean on horizontal - mean on vertical) / (mean on horizontal + mean on vertical)
#
# which runs from -1 (fires only on vertical lines) to +1 (only on horizontal
# ones); 0 means no preference. :func:`~cnnexplain.analysis.selectivity`
# measures it. :func:`~cnnexplain.analysis.selective_kernels` picks, for each
# class, the kernel most selective for it: the one with the highest index as
# "the horizontal detector" and the one with the lowest as "the vertical
# detector".

import torch

from cnnexplain import activations, viz
from cnnexplain.analysis import selective_kernels, selectivity
from cnnexplain.experiment import experiment

run = experiment()
before, after = run.history.model_at(0), run.model
test = run.test_set
index_before, index_after = selectivity(before, test).index, selectivity(after, test).index
for k in range(len(index_after)):
    print(f"kernel {k}: selectivity {index_before[k]:+.2f} before training, {index_after[k]:+.2f} after")
k_horizontal, k_vertical = selective_kernels(after, test)  # in class order: horizontal, vertical
print(f"vertical detector: kernel {k_vertical}; horizontal detector: kernel {k_horizontal}")

# %%
# Training made both chosen kernels much more selective than they were at
# initialization.

for k in (k_vertical, k_horizontal):
    print(f"kernel {k}: |index| {abs(index_before[k]):.2f} -> {abs(index_after[k]):.2f}")
assert index_after[k_vertical] < -0.3 and index_after[k_horizontal] > 0.3
assert abs(index_after[k_vertical]) > abs(index_before[k_vertical])
assert abs(index_after[k_horizontal]) > abs(index_before[k_horizontal])

# %%
# Convolution, ReLU, pooling
# --------------------------
# Rows: the two kernels, before and after training. Columns: for a
# horizontal line and for a vertical line, the kernel's raw output (signed,
# blue-white-red around zero), after the ReLU (negative values cut to zero)
# and after 2x2 max-pooling. The colour limits are shared across the whole
# figure for each stage, so brighter means stronger everywhere.

images = torch.stack([test.of_class("horizontal").images[0], test.of_class("vertical").images[0]])
fig = viz.plot_feature_maps(
    {"before training": before, "after training": after},
    images,
    kernels=[k_vertical, k_horizontal],
)

# %%
# After training, the vertical detector lights up along the vertical line and
# stays nearly dark on the horizontal one; the horizontal detector does the
# reverse. Before training, both answer weakly to both. The numbers: the
# strongest pooled activation of each kernel on each image.

pooled_after = activations(after, images, layers=["pool1"])["pool1"].amax(dim=(2, 3))
pooled_before = activations(before, images, layers=["pool1"])["pool1"].amax(dim=(2, 3))
for k, name in ((k_vertical, "vertical detector"), (k_horizontal, "horizontal detector")):
    print(
        f"{name} (kernel {k}): on the horizontal line {pooled_after[0, k]:.2f}, "
        f"on the vertical line {pooled_after[1, k]:.2f} "
        f"(before training: {pooled_before[0, k]:.2f} and {pooled_before[1, k]:.2f})"
    )
assert pooled_after[1, k_vertical] > pooled_after[0, k_vertical]
assert pooled_after[0, k_horizontal] > pooled_after[1, k_horizontal]

# %%
# The trained kernels themselves
# ------------------------------
# Look back at the weights of the two detectors: each has a band of positive
# weights beside a band of negative ones, oriented like its lines -- the
# layout of a Prewitt kernel, at a larger size. The article's kernels "5" and
# "8" played the same roles (it counted from 1; this site counts from 0, as
# Python does).

fig = viz.plot_kernels(run.history, layer="conv1", step=-1, title="conv1 kernels after training")
print(f"the vertical detector is kernel {k_vertical}, the horizontal detector kernel {k_horizontal}")

# sphinx_gallery_thumbnail_number = 1
