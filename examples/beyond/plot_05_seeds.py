"""
Does the story hold for other seeds?
====================================

Everything so far comes from one training run, with one random
initialization and one order of the training images. Would another run also
grow a horizontal and a vertical edge detector? Here we train ten runs that
differ only in their random seed, define "an edge detector emerged" by
thresholds measured on the spot, and count. The accuracy is the same in
every run; the kernels are not.
"""

# %%
# Ten runs
# --------
# Seeds 0 to 9 set both the initial weights and the order of the training
# batches; the images and the train/test split stay the same. Each run trains
# for 8 epochs instead of 20 to keep this page fast. That costs little: in the
# default run, no kernel's edge-match score moves by more than a few
# hundredths after epoch 8.

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from cnnexplain.analysis import edge_match, edge_match_history, random_edge_scores, selectivity
from cnnexplain.experiment import experiment

default = edge_match_history(experiment().history)
late_change = np.abs(default.score[-1] - default.score[8]).max()
print(f"default run: largest change of a kernel's score between epochs 8 and 20: {late_change:.3f}")
assert late_change < 0.05

seeds = range(10)
runs = [experiment(model={"seed": s}, training={"seed": s, "epochs": 8}) for s in seeds]

# %%
# The accuracy: no spread at the end
# ----------------------------------
# The validation accuracy of each run after every epoch:

fig, ax = plt.subplots(figsize=(5.5, 2.8), layout="constrained")
for s, run in zip(seeds, runs):
    ax.plot(run.history.metrics["val_accuracy"] * 100, marker="o", ms=3, lw=1, label=f"seed {s}")
ax.set_xlabel("epoch")
ax.set_ylabel("validation accuracy (%)")
ax.legend(ncols=2, fontsize=7, frameon=False, loc="lower right")
for side in ("top", "right"):
    ax.spines[side].set_visible(False)

accuracy = np.array([run.history.metrics["val_accuracy"] for run in runs])  # (10, 9)
perfect_from = (accuracy >= 1.0).argmax(axis=1)
print(f"after epoch 1: {100 * accuracy[:, 1].min():.0f}% to {100 * accuracy[:, 1].max():.0f}%")
print(f"final: {100 * accuracy[:, -1].min():.1f}% to {100 * accuracy[:, -1].max():.1f}%")
print("first epoch at 100% per seed:", perfect_from.tolist())
assert (accuracy[:, -1] == 1.0).all() and perfect_from.max() <= 6

# %%
# Every run ends at 100% on the 240 test images. The seeds differ only in
# the speed: after one epoch accuracy ranges from 50% (chance) to 99%, and
# the slowest run reaches 100% at epoch 6.
#
# What "an edge detector emerged" means
# -------------------------------------
# We call kernel ``k`` a *horizontal edge detector* when three things hold
# (the thresholds of the last two are measured here, not chosen):
#
# 1. its best edge template (:func:`~cnnexplain.analysis.edge_match`) lies
#    within 22.5 degrees of horizontal (90 degrees) -- the nearest of the four
#    main orientations;
# 2. it matches that template better than 95% of random kernels do
#    (:func:`~cnnexplain.analysis.random_edge_scores`): its shape is an edge;
# 3. it fires more on horizontal lines than on vertical ones: its selectivity
#    index (:func:`~cnnexplain.analysis.selectivity`, ``relu1``) is above a
#    margin: its behaviour matches its shape.
#
# The same with 0 degrees and an index below minus the margin for a
# *vertical* edge detector. For the margin: an index near 0 is noise. We
# measure each index twice, on the training images and on the test images;
# the margin is twice the largest difference between the two.

chance = float(np.percentile(random_edge_scores(7, n=2000), 95))
matches = [edge_match(run.model) for run in runs]
index = np.array([selectivity(run.model, run.test_set).index for run in runs])  # (10, 8)
index_train = np.array([selectivity(run.model, run.train_set).index for run in runs])
margin = 2 * float(np.abs(index - index_train).max())
print(f"chance level of the edge-match score: {chance:.3f}")
print(f"largest train/test difference of an index: {margin / 2:.3f}, so the margin is {margin:.2f}")
assert 0.05 < margin < 0.2


def detectors(match, index, angle, sign):
    """The kernels that are edge detectors for ``angle`` (sign +1: horizontal lines, -1: vertical)."""
    off = np.abs((match.angle - angle + 90) % 180 - 90)
    return np.flatnonzero((off <= 22.5) & (match.score > chance) & (sign * index > margin)).tolist()


found = {s: (detectors(m, i, 90, +1), detectors(m, i, 0, -1)) for s, m, i in zip(seeds, matches, index)}
for s, (h, v) in found.items():
    print(f"seed {s}: horizontal edge detectors {h or '-'}, vertical edge detectors {v or '-'}")

# %%
# Counting
# --------

n_h = sum(bool(h) for h, v in found.values())
n_v = sum(bool(v) for h, v in found.values())
n_both = sum(bool(h and v) for h, v in found.values())
n_one = sum(bool(h) != bool(v) for h, v in found.values())
n_none = sum(not (h or v) for h, v in found.values())
print(f"of {len(runs)} runs: a horizontal edge detector in {n_h}, a vertical one in {n_v}")
print(f"both in {n_both}, exactly one of the two in {n_one}, neither in {n_none}")
assert n_both + n_one + n_none == len(runs)
assert n_both <= len(runs) // 2 and n_one >= n_both and n_h >= 4 and n_v >= 4

# %%
# The article's picture -- one horizontal and one vertical detector -- holds
# in a minority of runs. More often only one of the two emerges, and in some
# runs neither passes all three tests. The counts sit close to thresholds:
# seed 0 is the default run stopped at epoch 8, and there its kernel 5 scores
# just under the chance level; by epoch 20 it is just above (see the
# :ref:`first page <sphx_glr_auto_examples_beyond_plot_01_edge_match.py>`).
# Read them as "about a third, about half, rarely neither", not as exact
# rates.
#
# All 80 kernels at once
# ----------------------
# Each dot is one kernel of one run: its edge-match score against its
# selectivity index, coloured by the orientation of its best template. The
# shaded corners are where detectors live.

fig, ax = plt.subplots(figsize=(6.0, 3.6), layout="constrained")
ax.add_patch(Rectangle((chance, margin), 1 - chance, 1 - margin, color="C0", alpha=0.08, lw=0))
ax.add_patch(Rectangle((chance, -1), 1 - chance, 1 - margin, color="C1", alpha=0.08, lw=0))
groups = {"horizontal edge (90 +/- 22.5 degrees)": 90, "vertical edge (0 +/- 22.5 degrees)": 0}
all_score = np.array([m.score for m in matches]).ravel()
all_angle = np.array([m.angle for m in matches]).ravel()
all_index = index.ravel()
other = np.ones(all_score.shape, bool)
for (label, angle), color in zip(groups.items(), ("C0", "C1")):
    near = np.abs((all_angle - angle + 90) % 180 - 90) <= 22.5
    other &= ~near
    ax.scatter(all_score[near], all_index[near], s=18, color=color, label=label, zorder=3)
ax.scatter(all_score[other], all_index[other], s=12, color="0.65", label="diagonal edge", zorder=2)
ax.axvline(chance, color="0.3", ls="--", lw=1)
for y in (margin, -margin):
    ax.axhline(y, color="0.3", ls=":", lw=1)
ax.set_xlim(0, 1)
ax.set_ylim(-1, 1)
ax.set_xlabel("edge-match score")
ax.set_ylabel("selectivity index\n(+1: horizontal lines only)")
ax.legend(fontsize=7, frameon=False, loc="lower left")
ax.set_title(f"conv1 kernels of {len(runs)} runs (dashed: chance score; dotted: +/- margin)", fontsize=9)

shaped = (all_score > chance).sum()
selective = (np.abs(all_index) > margin).sum()
print(f"{shaped} of {all_score.size} kernels match an edge better than chance; {selective} are selective")
edge_not_selective = ((all_score > chance) & (np.abs(all_index) <= margin)).sum()
print(f"{edge_not_selective} kernels have an edge's shape but no preference between the classes")
assert edge_not_selective >= 10

# %%
# Shape and behaviour often part ways. Many kernels match an edge well and
# yet fire equally on both classes (dots between the dotted lines, right of
# the dashed one), and the most selective kernels are not always the most
# edge-like. Why? The edge-match score ignores a kernel's mean weight, but
# the kernel's response does not: a kernel whose weights are mostly positive
# answers any bright line, whatever edge pattern rides on top. Compare the
# mean weight, in units of the weights' spread, of the edge-shaped kernels
# with and without a preference:

weights = np.array([run.model.conv1.weight.detach()[:, 0].flatten(1).numpy() for run in runs])  # (10, 8, 49)
offset = (weights.mean(axis=-1) / weights.std(axis=-1)).ravel()
edge_shaped = all_score > chance
with_preference = edge_shaped & (np.abs(all_index) > margin)
without_preference = edge_shaped & (np.abs(all_index) <= margin)
selective_mean, unselective_mean = offset[with_preference].mean(), offset[without_preference].mean()
print(
    f"mean weight / spread: {selective_mean:+.2f} for the {with_preference.sum()} selective edge kernels, "
    f"{unselective_mean:+.2f} for the {without_preference.sum()} unselective ones"
)
assert offset[without_preference].min() >= -0.01 and unselective_mean > selective_mean + 0.2

# %%
# The unselective edge kernels all have a positive mean weight, on average
# almost half their spread (0.45 against 0.06 for the selective ones): they
# are brightness detectors with an edge pattern on top.
#
# The candidates, run by run
# --------------------------
# For each run, the best-matching kernel oriented near horizontal (top) and
# near vertical (bottom), framed in black when it passes all three tests.

fig, axes = plt.subplots(2, len(runs), figsize=(9.0, 3.0), layout="constrained")
limit = max(run.model.conv1.weight.detach().abs().max().item() for run in runs)
for col, (s, run, m, i) in enumerate(zip(seeds, runs, matches, index)):
    for row, angle in enumerate((90, 0)):
        ax = axes[row, col]
        k = m.best(angle)
        kernel = run.model.conv1.weight.detach()[k, 0] if k is not None else np.full((7, 7), np.nan)
        im = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        title = "none\n" if k is None else f"k{k}: r {m.score[k]:.2f}\nidx {i[k]:+.2f}"
        ax.set_title((f"seed {s}\n" if row == 0 else "") + title, fontsize=7)
        passed = k is not None and k in found[s][row]
        for spine in ax.spines.values():
            spine.set_linewidth(3 if passed else 0.8)
            spine.set_color("black" if passed else "0.6")
        ax.set_xticks([])
        ax.set_yticks([])
axes[0, 0].set_ylabel("horizontal", fontsize=8)
axes[1, 0].set_ylabel("vertical", fontsize=8)
colorbar = fig.colorbar(im, ax=axes, shrink=0.8, label="weight")

# %%
# The detectors differ from run to run, down to their polarity -- which side
# of the edge must be bright for the kernel to fire (``+1``: below a
# horizontal edge or right of a vertical one):

polarity = [int(m.polarity[k]) for m, (h, v) in zip(matches, found.values()) for k in h + v]
print(f"polarities of the {len(polarity)} detectors found: {polarity}")
assert 1 in polarity and -1 in polarity

# %%
# What every run shares is the outcome: 100% on the test images, more often
# with one detector than with two. For two classes, one detector is enough:
# a line that is not horizontal is vertical. That is also why, in the
# default run, only one kernel was
# :ref:`essential <sphx_glr_auto_examples_beyond_plot_02_kernel_roles.py>`.

# sphinx_gallery_thumbnail_number = 2
