"""
A first look at the second layer
================================

The article stops at the first layer: the deeper kernels, it says, have too
many parameters to show. Our second layer is small enough to look at whole.
``conv2`` has 8 kernels, each a stack of 8 slices of 3x3 -- one slice per
first-layer map it reads -- so 8 x 8 x 3 x 3 weights plus 8 biases: 584
parameters.

You will see those weights, the second layer's maps for a horizontal and a
vertical line, and measure whether its channels tell the classes apart better
than the first layer's.
"""

# %%
# The weights
# -----------
# Row ``i`` is output channel ``i`` of ``conv2``; column ``j`` is the 3x3 slice
# it applies to the map of first-layer kernel ``j``. A second-layer channel
# is a weighted sum of first-layer maps, each filtered by its own small
# kernel.

import numpy as np
import torch

from cnnexplain import summary, viz
from cnnexplain.analysis import selectivity
from cnnexplain.experiment import experiment

run = experiment()
model = run.model
print(summary(model).row("conv2").arithmetic, "=", summary(model).row("conv2").params)
assert summary(model).row("conv2").params == 8 * 8 * 3 * 3 + 8 == 584
fig = viz.plot_kernels(run.history, layer="conv2", step=-1, title="conv2 weights after training")

# %%
# Which first-layer maps does each channel listen to?
# ---------------------------------------------------
# The size (norm) of each 3x3 slice says how strongly a second-layer channel
# draws on a first-layer map. Summed over the 8 channels, the horizontal and
# vertical detectors of the first layer (found by their selectivity, as on
# the previous pages) are among the three most used inputs.

w2 = run.history["conv2.weight"][-1]  # (out, in, 3, 3)
use = np.linalg.norm(w2, axis=(2, 3)).sum(axis=0)
sel1 = selectivity(model, run.test_set, layer="relu1")
k_vertical, k_horizontal = sel1.preferring("vertical"), sel1.preferring("horizontal")
rank = np.argsort(-use)
for j in rank:
    print(f"first-layer kernel {j}: total weight {use[j]:.2f}, selectivity {sel1.index[j]:+.2f}")
print(f"detectors: vertical = kernel {k_vertical}, horizontal = kernel {k_horizontal}")
assert {k_vertical, k_horizontal} <= set(rank[:3].tolist())

# %%
# Second-layer maps
# -----------------
# The output of two ``conv2`` channels on a horizontal and a vertical line,
# before and after the ReLU and after pooling, for the untrained and the
# trained network. We show the channel that most prefers each class.

sel2 = selectivity(model, run.test_set, layer="relu2")
c_vertical, c_horizontal = sel2.preferring("vertical"), sel2.preferring("horizontal")
images = torch.stack(
    [run.test_set.of_class("horizontal").images[0], run.test_set.of_class("vertical").images[0]]
)
fig = viz.plot_feature_maps(
    {"before training": run.history.model_at(0), "after training": model},
    images,
    kernels=[c_vertical, c_horizontal],
    stages=("conv2", "relu2", "pool2"),
)

# %%
# More selective than the first layer
# -----------------------------------
# The selectivity index (from -1, only vertical lines, to +1, only
# horizontal ones) of each channel of both layers, after training. The second
# layer combines edge maps into features that are, on average, more committed
# to one class: its mean absolute index is higher, and more of its channels
# pass 0.4.

for name, s in (("relu1", sel1), ("relu2", sel2)):
    print(
        f"{name}: indices {np.round(s.index, 2)}; mean |index| {np.abs(s.index).mean():.2f}; "
        f"channels with |index| > 0.4: {(np.abs(s.index) > 0.4).sum()} of {len(s.index)}"
    )
assert np.abs(sel2.index).mean() > np.abs(sel1.index).mean()
assert (np.abs(sel2.index) > 0.4).sum() > (np.abs(sel1.index) > 0.4).sum()

fig = viz.plot_selectivity(sel2)

# %%
# Looking deeper -- what input excites a second-layer channel the most, and
# where the network looks when it decides -- is the subject of the section
# :ref:`beyond the article <beyond-gallery>`.

# sphinx_gallery_thumbnail_number = 2
