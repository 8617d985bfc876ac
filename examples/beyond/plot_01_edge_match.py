"""
Which kernels became edge detectors, and when
=============================================

The article looked at the trained kernels and saw Prewitt-like edge
detectors. Here that impression becomes a number: every kernel of ``conv1``
is compared with Prewitt and Sobel edge templates at 36 orientations, after
every epoch of the site's default training run. We will see how far above
chance each kernel ends up, in which epochs the matching happens, and why
the kernels never look quite as clean as a textbook operator: most of each
kernel is still its random starting point, and the edge sits in what
training *added*.
"""

# %%
# The score, and what chance gives
# --------------------------------
# :func:`~cnnexplain.analysis.edge_match` correlates a kernel with every
# template (after removing both means, like Pearson's r over the 49 weights)
# and keeps the best absolute value: 1 means "exactly an edge operator, up to
# scale and offset". The best template also gives an orientation -- 0 degrees
# is a vertical edge, 90 a horizontal one -- and a polarity.
#
# Out of 72 templates, some will fit even a random kernel a little. To know
# what "a little" is, :func:`~cnnexplain.analysis.random_edge_scores` scores
# 2,000 kernels drawn like PyTorch's initialization. A kernel that beats 95%
# of them has learned more than luck gives.

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.animation import FuncAnimation

from cnnexplain import viz
from cnnexplain.analysis import edge_match, edge_match_history, random_edge_scores
from cnnexplain.experiment import experiment

random_scores = random_edge_scores(7, n=2000)
chance = float(np.percentile(random_scores, 95))
print(f"random 7x7 kernels: median score {np.median(random_scores):.2f}, 95th percentile {chance:.2f}")
assert 0.3 < chance < 0.5

# %%
# The match, epoch by epoch
# -------------------------
# :func:`~cnnexplain.analysis.edge_match_history` scores the kernels of every
# snapshot of the default run (20 epochs, shared with the article's pages).
# One line per kernel; the legend names each kernel's final best template;
# the dashed line is the chance level.

run = experiment()
history = run.history
match = edge_match_history(history, "conv1")
fig = viz.plot_edge_match(match, chance=chance)

start, end = match.score[0], match.score[-1]
for k in range(match.n_kernels):
    print(f"kernel {k}: {start[k]:.2f} at initialization -> {end[k]:.2f} after training")
n_start, n_end = int((start > chance).sum()), int((end > chance).sum())
print(f"above chance: {n_start} kernels at initialization, {n_end} at the end")
assert n_start == 0 and 4 <= n_end <= 6
assert (end[[1, 3, 6]] > chance + 0.15).all() and 0 < end[5] - chance < 0.05 and abs(end[7] - chance) < 0.01

# %%
# No kernel starts above chance; five or six end above it. Kernels 1, 3 and
# 6 end well clear of it, kernel 5 only just. Kernel 7 ends right on the
# line.
#
# When does it happen? Fast: validation accuracy reaches 100% after epoch 2
# (see :ref:`the training curves <sphx_glr_auto_examples_article_plot_04_training.py>`),
# and the scores move with it. For the kernels whose score grows by more
# than 0.1, the share of the final gain already made after epoch 3:

grew = np.flatnonzero(end - start > 0.1)
share = (match.score[3, grew] - start[grew]) / (end[grew] - start[grew])
for k, s in zip(grew, share):
    print(f"kernel {k}: {100 * s:.0f}% of its gain by epoch 3")
first = match.first_epoch_above(chance)
print("first epoch from which each kernel stays above chance:", first)
print("validation accuracy after epochs 0-3:", history.metrics["val_accuracy"][:4])
assert share.min() > 0.7
assert np.nanmin(first) == 1 and history.metrics["val_accuracy"][2] == 1.0

# %%
# After epoch 3 the scores barely move: the network already classifies
# every test image correctly, the loss is small, and the gradients that
# shape the kernels fade.

# %%
# Which edge, for each kernel
# ---------------------------
# Each kernel above its best template (scaled to the kernel's contrast, so
# they share one colour scale). The template's label gives its kind, its
# angle, its polarity (``+``: the positive weights on the right of a
# vertical edge, below a horizontal one) and the score ``r``.

final = edge_match(run.model, "conv1")
fig = viz.plot_best_templates(run.model.conv1.weight, final)

k_h, k_v = final.best(90), final.best(0)
print(final)
print(f"best horizontal-edge kernel: {k_h} (r = {final.score[k_h]:.2f} at {final.angle[k_h]:.0f} degrees)")
print(f"best vertical-edge kernel: {k_v} (r = {final.score[k_v]:.2f} at {final.angle[k_v]:.0f} degrees)")
assert k_h == 3 and final.score[k_h] > chance + 0.2
assert k_v == 5 and final.score[k_v] > chance

# %%
# The horizontal-edge kernel 3 is a clear match. The vertical-edge kernel 5
# is not much better than a lucky random kernel, although the
# :ref:`next page <sphx_glr_auto_examples_beyond_plot_02_kernel_roles.py>`
# shows it is the one kernel the network cannot do without. Edge shape and
# importance are different things.

# %%
# The edge is in what training added
# ----------------------------------
# Why are the matches so modest? Training does not replace the random
# initialization; it adds to it, and what it adds is smaller than what was
# there: for every kernel the change is shorter (as a vector of 49 weights)
# than the initial kernel. So subtract the initial kernels from the final
# ones and match *the change* instead.

weights = history["conv1.weight"][:, :, 0]  # (snapshots, kernels, 7, 7)
change = weights[-1] - weights[0]
size = np.linalg.norm(change.reshape(8, -1), axis=1) / np.linalg.norm(weights[0].reshape(8, -1), axis=1)
print(f"size of the change, relative to the initial kernel: {np.round(size, 2)} (mean {size.mean():.2f})")
assert size.max() < 1
change_match = edge_match(change)
fig = viz.plot_best_templates(change, change_match)

for k in range(len(change_match)):
    print(
        f"kernel {k}: the kernel scores {end[k]:.2f}, its change {change_match.score[k]:.2f} "
        f"(at {change_match.angle[k]:.0f} degrees)"
    )
print(f"mean score: kernels {end.mean():.2f}, changes {change_match.score.mean():.2f}")
assert change_match.score.mean() > end.mean() + 0.1
assert (change_match.score[[3, 5, 6]] > end[[3, 5, 6]] + 0.2).all()
assert (change_match.score[[1, 3, 6]] > 0.75).all()

# %%
# The changes of kernels 3, 6 and 1 are close to textbook edge operators
# (scores of 0.8 to 0.9), and kernel 5's change scores far higher than
# kernel 5 itself. What we see in a trained kernel is an edge operator
# written over leftover noise: the network never needed to clean the noise
# up, because it classifies perfectly anyway.
#
# The same change, epoch by epoch (the colour scale is fixed over all
# frames; the title of each panel is the change's score):

changes = weights - weights[0]
scores = edge_match(changes.reshape(-1, 7, 7)).score.reshape(changes.shape[:2])
limit = float(np.abs(changes).max())
accuracy = history.metrics["val_accuracy"]

anim_fig, axes = plt.subplots(1, 8, figsize=(8.0, 1.75), layout="constrained", dpi=72)
images = []
for k, ax in enumerate(axes):
    images.append(ax.imshow(changes[0, k], cmap="RdBu_r", vmin=-limit, vmax=limit))
    ax.set_xticks([])
    ax.set_yticks([])
anim_fig.colorbar(images[0], ax=list(axes), shrink=0.8, label="change")


def show_epoch(s):
    """Draw the change of every kernel after snapshot ``s``."""
    for k, (ax, im) in enumerate(zip(axes, images)):
        im.set_data(changes[s, k])
        ax.set_title(f"kernel {k}\nr = {scores[s, k]:.2f}", fontsize=8)
    anim_fig.suptitle(
        f"conv1, change since initialization -- epoch {s}, validation accuracy {100 * accuracy[s]:.0f}%",
        fontsize=9,
    )
    return images


show_epoch(0)
anim_fig.canvas.draw()  # lay the figure out once ...
anim_fig.set_layout_engine("none")  # ... and keep that layout in every frame (faster)
anim = FuncAnimation(anim_fig, show_epoch, frames=len(weights), interval=500)

# sphinx_gallery_thumbnail_number = 3
