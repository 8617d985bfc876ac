"""
Before and after: random kernels against trained ones
=====================================================

The animation showed the kernels changing; here are just its two ends side by
side -- the eight kernels as random initialization left them, and the same
eight after training -- on one shared colour scale, so that every difference
of colour is a difference of value.

You will compare them by eye, then by numbers: how much structure training
added, and how much of the starting point survived.
"""

# %%
# Side by side
# ------------
# Top row: epoch 0, the random initialization (PyTorch's default, uniform
# within a range set by the kernel size). Bottom row: after the last epoch.

import numpy as np

from cnnexplain import viz
from cnnexplain.experiment import experiment

history = experiment().history
fig = viz.plot_kernels_compare(history, layer="conv1", steps=(0, -1))

# %%
# What changed, in numbers
# ------------------------
# Random kernels are noise: neighbouring weights are unrelated. An edge
# detector is smooth along the edge and changes sign across it, so its
# neighbouring weights are strongly related. The correlation between each
# weight and its right-hand and lower neighbours measures that structure.

w0 = history["conv1.weight"][0, :, 0]
w1 = history["conv1.weight"][-1, :, 0]


def neighbour_correlation(k):
    """Correlation of the weights with their right and lower neighbours."""
    pairs_a = np.concatenate([k[:, :-1].ravel(), k[:-1, :].ravel()])
    pairs_b = np.concatenate([k[:, 1:].ravel(), k[1:, :].ravel()])
    return np.corrcoef(pairs_a, pairs_b)[0, 1]


smooth0 = np.array([neighbour_correlation(k) for k in w0])
smooth1 = np.array([neighbour_correlation(k) for k in w1])
for k in range(8):
    print(f"kernel {k}: neighbour correlation {smooth0[k]:+.2f} at init -> {smooth1[k]:+.2f} trained")
print(f"mean: {smooth0.mean():+.2f} -> {smooth1.mean():+.2f}")
assert smooth1.mean() > smooth0.mean() + 0.2

# %%
# How much of the start survives
# ------------------------------
# Training does not erase the initialization: it moves each kernel from
# where it started. The correlation between each kernel and its own starting
# point says how much of the random pattern is still there at the end.

keep = np.array([np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(w0, w1)])
for k in range(8):
    print(f"kernel {k}: correlation with its initialization {keep[k]:+.2f}")
print(f"weight spread (standard deviation): {w0.std():.3f} at init, {w1.std():.3f} trained")
assert keep.min() > -0.5 and keep.max() < 1.0
assert w1.std() > w0.std()

# sphinx_gallery_thumbnail_number = 1
