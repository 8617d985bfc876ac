"""
Dead, redundant and essential kernels
=====================================

Eight first-layer kernels for a two-class problem is generous. Do all eight
matter? Here we take the trained network apart, kernel by kernel: we look
for kernels that never fire (dead), for kernels that are copies of each
other, and then simply switch kernels off and measure what the network
loses. The answer is lopsided: one kernel carries the decision, two others
stand in for it, and each of the remaining five can go without any loss on
the test images -- but not all five at once.
"""

# %%
# Dead kernels: none here
# -----------------------
# A dead kernel never gets past its ReLU, whatever the image (the article's
# page on :ref:`dead kernels <sphx_glr_auto_examples_article_plot_07_dead_kernels.py>`
# shows one being provoked). :func:`~cnnexplain.analysis.dead_kernels`
# records each kernel's largest ``relu1`` output over the 240 test images.

import itertools

import matplotlib.pyplot as plt
import numpy as np

from cnnexplain import evaluate, viz
from cnnexplain.analysis import (
    ablation,
    dead_kernels,
    kernel_similarity,
    redundant_pairs,
    selectivity,
    without_kernels,
)
from cnnexplain.experiment import experiment

run = experiment()
model, test = run.model, run.test_set
dead = dead_kernels(model, test)
print("largest relu1 output per kernel:", np.round(dead.peak, 2))
print("dead kernels:", dead.indices)
print(f"weakest peak / strongest peak: {dead.peak.min() / dead.peak.max():.0%}")
assert dead.indices == [] and dead.peak.min() > 0.4 * dead.peak.max()

# %%
# All eight fire: the weakest kernel still reaches 47% of the strongest
# one's peak.
#
# Copies: none either
# -------------------
# Two kernels that are near copies compute the same feature, so one of them
# is spare. :func:`~cnnexplain.analysis.kernel_similarity` gives the cosine
# similarity of every pair of kernels (1: same pattern, -1: the same pattern
# negated); :func:`~cnnexplain.analysis.redundant_pairs` lists the pairs
# beyond 0.9, outlined in the figure.

similarity = kernel_similarity(model, "conv1")
pairs = redundant_pairs(model, "conv1", threshold=0.9)
off_diagonal = np.abs(similarity[~np.eye(len(similarity), dtype=bool)])
print(f"near copies: {pairs}; largest |similarity| between two different kernels: {off_diagonal.max():.2f}")
assert pairs == [] and off_diagonal.max() < 0.5
fig = viz.plot_kernel_similarity(similarity, threshold=0.9)

# %%
# No pair comes close: the largest similarity is 0.36. If the network has
# spare kernels, they are not spare because they look alike.
#
# Switching kernels off
# ---------------------
# :func:`~cnnexplain.analysis.ablation` zeroes one kernel at a time (its
# weights and its bias, so its map is 0 everywhere), evaluates the network on
# the test images, and restores it. The drop in accuracy says how much the
# network relies on that kernel; the increase of the loss (the mean
# cross-entropy) catches smaller effects that do not yet flip a decision.

single = ablation(model, test, "conv1")
fig = viz.plot_ablation(single)

for k, drop, loss in zip(single.channels, single.drop, single.loss):
    print(f"without kernel {k}: accuracy {100 * (1 - drop):.1f}%, loss {loss:.4f}")
essential = [int(k) for k in single.channels[single.drop > 0.01]]
print(f"intact: accuracy {100 * single.baseline_accuracy:.0f}%, loss {single.baseline_loss:.5f}")
print("kernels whose removal costs more than 1 point of accuracy:", essential)
assert essential == [5] and 0.02 < single.drop[5] < 0.05
assert single.ranking()[0] == 5 and single.loss[5] > 10 * np.delete(single.loss, 5).max()

# %%
# Only kernel 5, the vertical-edge detector of the
# :ref:`previous page <sphx_glr_auto_examples_beyond_plot_01_edge_match.py>`,
# costs accuracy when it goes: 2.9 points (7 of the 240 test images). Its
# loss increase is more than ten times that of any other kernel. Every other
# kernel can go alone for free.
#
# Two at a time
# -------------
# "For free, alone" does not mean useless: a kernel may be covering for
# another. Zeroing every pair of kernels (28 pairs, each evaluated on the
# test images, with :func:`~cnnexplain.analysis.without_kernels`) shows who
# covers for whom. The diagonal repeats the single ablations.


n = len(single)
drop = np.zeros((n, n))
for i, j in itertools.combinations_with_replacement(range(n), 2):
    _, accuracy = evaluate(without_kernels(model, {i, j}), test)
    drop[i, j] = drop[j, i] = 100 * (single.baseline_accuracy - accuracy)

fig, ax = plt.subplots(figsize=(4.6, 3.8), layout="constrained")
im = ax.imshow(drop, cmap="Reds", vmin=0)
for i, j in itertools.product(range(n), repeat=2):
    ax.text(
        j,
        i,
        f"{drop[i, j]:.0f}",
        ha="center",
        va="center",
        fontsize=7,
        color="white" if drop[i, j] > 0.6 * drop.max() else "black",
    )
ax.set_xticks(range(n))
ax.set_yticks(range(n))
ax.set_xlabel("kernel zeroed")
ax.set_ylabel("kernel zeroed")
ax.set_title("accuracy drop (points) with two kernels zeroed", fontsize=9)
fig.colorbar(im, ax=ax, shrink=0.85, label="points")

partners = [int(k) for k in np.flatnonzero(drop[5] > 10)]
print("drops with kernel 5 and each other kernel:", np.round(np.delete(drop[5], 5), 1))
print("kernels that cost more than 10 points together with kernel 5:", partners)
keep_5 = np.delete(np.delete(drop, 5, 0), 5, 1)
i, j = np.unravel_index(np.argmax(keep_5), keep_5.shape)
i, j = [k + (k >= 5) for k in (i, j)]  # back to kernel numbers
print(f"worst pair that keeps kernel 5: kernels {i} and {j}, {drop[i, j]:.1f} points")
assert partners == [0, 1] and drop[5, [0, 1]].min() > 4 * drop[5, 5]
assert keep_5.max() < 5
assert drop[5, 6] < drop[5, 5] and drop[5, 7] < drop[5, 5]

# %%
# Kernel 5 has two backups: alone, its removal costs 3 points; together
# with kernel 0 it costs 18, with kernel 1 16. Any pair that keeps kernel 5
# costs at most 4 points. One oddity: zeroing kernel 6 or 7 *along with*
# kernel 5 costs nothing at all, less than kernel 5 alone. Kernels do not
# add up like independent parts; each one's effect depends on which others
# are still there.
#
# What do the backups have in common with kernel 5? Their preferences. The
# selectivity index (from -1, fires only on vertical lines, to +1, only on
# horizontal ones; see :func:`~cnnexplain.analysis.selectivity`):

index = selectivity(model, test).index
for k in (5, *partners):
    print(f"kernel {k}: selectivity {index[k]:+.2f}, cosine similarity with kernel 5 {similarity[5, k]:+.2f}")
assert index[5] < -0.5 and index[0] < -0.2 and np.flatnonzero(index < -0.2).tolist() == [0, 5]
assert np.argmax(np.delete(similarity[5], 5)) == 0

# %%
# Kernel 0 is the only other kernel with a clear taste for vertical lines,
# and the kernel most similar to kernel 5 -- a weaker version of the same
# cue. Kernel 1 has no preference of its own (its index is near 0), but it
# still feeds the second layer something it uses when kernel 5 is gone.
#
# The roles
# ---------
# In one table, for this run:

roles = {k: "redundant" for k in range(n)}
roles[5] = f"essential (alone: -{drop[5, 5]:.1f} points)"
for k in partners:
    roles[k] = f"backup of kernel 5 (with it: -{drop[5, k]:.0f} points)"
for k, role in roles.items():
    print(f"kernel {k}: {role}")
redundant = [k for k, role in roles.items() if role == "redundant"]
assert redundant == [2, 3, 4, 6, 7]

# %%
# "Redundant" describes a kernel *given the others*. Zero the five redundant
# kernels all at once:

_, accuracy_five = evaluate(without_kernels(model, redundant), test)
print(f"without kernels {redundant}: accuracy {100 * accuracy_five:.1f}%")
print("their selectivity:", np.round(index[redundant], 2))
assert accuracy_five < 0.7 and (index[redundant] > 0).all()

# %%
# The network falls to 57%, close to guessing. Each of the five is spare
# only because the other four do a similar job: all five lean towards
# horizontal lines (positive index; kernel 2 strongly, at +0.90). The
# network is robust to losing any one kernel, not to losing a whole group.

# %%
# Dead kernels cost nothing
# -------------------------
# The article provoked a dead kernel by training with a learning rate of
# 0.03 instead of 0.001. Ablation sees it as the extreme of redundancy:
# zeroing a kernel that never fires changes no output at all, to the last
# digit of the loss.

fast = experiment(training={"lr": 0.03})
fast_dead = dead_kernels(fast.model, fast.test_set)
fast_ablation = ablation(fast.model, fast.test_set, "conv1")
victim = fast_dead.indices[0]
print(f"lr = 0.03: dead kernels {fast_dead.indices}")
print(
    f"zeroing kernel {victim}: accuracy drop {fast_ablation.drop[victim]:.3f}, "
    f"loss change {fast_ablation.loss[victim] - fast_ablation.baseline_loss:.1e}"
)
assert fast_dead.indices == [4]
assert fast_ablation.drop[victim] == 0 and fast_ablation.loss[victim] == fast_ablation.baseline_loss

# %%
# A dead kernel is easy to find by its silence; a redundant one is not: it
# fires, it looks like an edge detector, and the network still does not
# need it. Only switching it off tells.

# sphinx_gallery_thumbnail_number = 3
