"""
Is each kernel's role set at initialization?
============================================

Training makes some first-layer :term:`kernels <kernel>` fire on horizontal lines, others on
vertical ones, and leaves some without a preference. Which kernel gets which
role? Before any training, random weights already make a kernel fire a
little more on one class than on the other. Over the |n_runs| runs of the
:ref:`seed study <sphx_glr_auto_examples_beyond_plot_05_seeds.py>`, that
slight preference often predicts the role, though not in every run: the
:term:`rank correlation` between a kernel's preference before and after
training is |rho_median| in the median run and |default_rho| in the site's
default run, and only |n_significant| of the |n_runs| runs beat chance on
their own. Of the |n_clear| kernels with a :term:`clear preference` at the
end, |kept_share| leaned the same way at initialization; but only
|n_start_clear| of them had a clear preference then (|n_start_kept| of
these kept the same sign), the others leaning by less than the index's noise.
"""

# %%
# Preference before and after training
# ------------------------------------
# A kernel's preference is its :term:`selectivity index`
# (:func:`~cnnexplain.analysis.selectivity`, on ``relu1``): its mean
# activation on horizontal lines minus that on vertical lines, over their
# sum. It goes from -1 (fires on vertical lines only) to +1 (horizontal lines
# only). We measure it on the training images, for the model at
# initialization (the history's first snapshot) and after training, in each
# of the seed study's runs: seeds 0 to 9, 8 :term:`epochs <epoch>` each.

import itertools

import matplotlib.pyplot as plt
import numpy as np

from cnnexplain.analysis import CLEAR_PREFERENCE, selectivity
from cnnexplain.experiment import experiment

seeds = range(10)
runs = [experiment(model={"seed": s}, training={"seed": s, "epochs": 8}) for s in seeds]


def preference(model, run):
    """Each kernel's selectivity index on the run's training images."""
    return selectivity(model, run.train_set).index


# (runs, 8): the model at initialization is the history's first snapshot
before = np.array([preference(run.history.model_at(0), run) for run in runs])
after = np.array([preference(run.model, run) for run in runs])
with np.printoptions(precision=2, suppress=True, sign="+"):
    print("seed 0, before training:", before[0])
    print("seed 0, after training: ", after[0])
print(f"largest |index| at initialization, over all runs: {np.abs(before).max():.2f}")

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims (check), see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning.
from cnnexplain.claims import check, glue, plural

n_runs = glue("n_runs", len(runs))
run_settings = [
    (
        run.config["model"]["seed"],
        run.config["training"]["seed"],
        run.config["training"]["epochs"],
    )
    for run in runs
]
check(
    "the runs are the seed study's: seeds 0 to 9 (model and training), 8 epochs",
    run_settings == [(s, s, 8) for s in range(10)],
    measured=f"seeds {run_settings[0][0]} to {run_settings[-1][0]}, {run_settings[0][2]} epochs",
)
check(
    "the first snapshot of each history is the model before training",
    all(tuple(run.history.steps[0]) == (0, 0) for run in runs),
    measured=f"first step {tuple(int(x) for x in runs[0].history.steps[0])}",
)
# sphinx_gallery_end_ignore

# %%
# Ranking the kernels: Spearman's correlation
# -------------------------------------------
# Does the order of the kernels by preference survive training? Spearman's
# rank correlation answers that: rank the eight kernels of a run by their
# index before training, rank them again after, and take the (Pearson)
# correlation of the two rankings. It is +1 when training keeps the order, 0
# when the two orders are unrelated, and it ignores by how much the indices
# grow. Tied values share the mean of their ranks.


def ranks(values):
    """Rank of each value (0 = smallest); tied values share the mean of their ranks."""
    values = np.asarray(values)
    below = (values[None, :] < values[:, None]).sum(axis=1)
    tied = (values[None, :] == values[:, None]).sum(axis=1)  # itself included
    return below + (tied - 1) / 2


def spearman(a, b):
    """Spearman's rank correlation of two sequences of numbers."""
    return np.corrcoef(ranks(a), ranks(b))[0, 1]


rho = np.array([spearman(b, a) for b, a in zip(before, after)])
print("per run:", np.round(rho, 2))
print(f"median {np.median(rho):.2f}, from {rho.min():.2f} to {rho.max():.2f}")

# %%
# Eight kernels are few, and chance alone gives correlations well above 0.
# Every one of the 40,320 orders of eight kernels is equally likely when the
# final order is unrelated to the initial one; the correlation of 5% of
# them is |rho_chance| or more, and their mean is 0 with a :term:`standard deviation`
# of |chance_sd|.

# Each order of 0, ..., 7 is its own ranking; its correlation with 0, ..., 7
# (Pearson's, on centered ranks) is a dot product.
orders = np.array(list(itertools.permutations(range(8))))  # (40320, 8)
centered, reference = orders - 3.5, np.arange(8) - 3.5
chance = centered @ reference / (reference @ reference)
rho_chance = np.quantile(chance, 0.95)
significant = rho >= rho_chance
print(f"chance: 95th percentile {rho_chance:.3f}, std {chance.std():.3f}")
print(f"runs at or above the 95th percentile: {significant.sum()} of {len(runs)}")
# The runs' mean correlation, in standard errors of a mean of as many chance values.
z_mean = rho.mean() / (chance.std() / np.sqrt(len(runs)))
print(f"mean over the runs {rho.mean():.2f}: {z_mean:.1f} standard errors above chance")

# sphinx_gallery_start_ignore
glue("rho_median", np.median(rho), "{:.2f}")
glue("rho_min", rho.min(), "{:.2f}")
glue("rho_max", rho.max(), "{:.2f}")
glue("rho_mean", rho.mean(), "{:.2f}")
glue("rho_chance", rho_chance, "{:.2f}")
glue("chance_sd", chance.std(), "{:.2f}")
n_significant = glue("n_significant", int(significant.sum()))
glue("significant_reach", plural(n_significant, "reaches", "reach"))
glue("z_mean", z_mean, "{:.1f}")
check(
    "chance: the correlations of all orders of 8 kernels average 0, their 95th percentile is above 0.5",
    abs(chance.mean()) < 1e-9 and rho_chance > 0.5 and len(chance) == 40320,
    measured=f"mean {chance.mean():.1e}, 95th percentile {rho_chance:.3f}",
)
check(
    "in every run, the correlation is positive",
    (rho > 0).all(),
    measured=f"lowest {rho.min():.2f}",
)
check(
    "the correlation is large, above 0.5, in the median run",
    np.median(rho) > 0.5,
    measured=f"median {np.median(rho):.2f}",
)
# A mean 3 standard errors of chance above 0: no accident of these ten seeds.
check(
    "the mean correlation is more than 3 standard errors above chance",
    z_mean > 3,
    measured=f"{z_mean:.1f} standard errors",
)
check(
    "some runs but not all reach chance's 95th percentile",
    0 < n_significant < n_runs,
    measured=f"{n_significant} of {n_runs} runs",
)
# sphinx_gallery_end_ignore

# %%
# The correlation is positive in every run: |rho_median| in the median run,
# from |rho_min| to |rho_max|. Run by run, eight kernels leave room for
# chance: |n_significant| of the |n_runs| runs |significant_reach| |rho_chance|, what 5% of
# unrelated orders reach. Together, the runs leave none: their mean
# correlation, |rho_mean|, is |z_mean|
# :term:`standard errors <standard error>` above what unrelated orders
# average.
#
# Which way each kernel leans
# ---------------------------
# The rank correlation counts every kernel, including those that end without
# a preference, whose order is noise. The question that matters for a
# kernel's role is simpler: does a kernel that ends preferring horizontal
# lines already prefer them, if only slightly, at initialization? An index
# near 0 says nothing, so we count a preference as clear when the index lies
# beyond +/-|margin|, the site's one cut for a :term:`clear preference`
# (:data:`~cnnexplain.analysis.CLEAR_PREFERENCE`): in these runs, the index
# of a trained kernel measured on the training images and on the test
# images differs by up to |noise_max|. We apply the cut at both ends: a
# kernel that starts inside it leans by less than that noise, and its sign
# at initialization is weak evidence.

margin = CLEAR_PREFERENCE
after_test = np.array([selectivity(run.model, run.test_set).index for run in runs])
noise = np.abs(after - after_test).max()  # the index's noise, train vs test images
clear = np.abs(after) > margin  # a clear preference after training
clear_start = np.abs(before) > margin  # ... and before
kept = np.sign(before) == np.sign(after)
print(f"clear at the end (|index| > {margin}): {clear.sum()} of {clear.size} kernels")
print(f"of these, the same sign before training: {kept[clear].sum()}")
print(f"of these, clear before training too: {(clear & clear_start).sum()}", end="")
print(f", and of those the same sign: {(clear & clear_start & kept).sum()}")
share_per_run = kept.mean(axis=1)  # all eight kernels of each run
print("share of the kernels keeping their sign, per run:")
print(np.round(share_per_run, 2))
all_clear_kept = np.array([kept[r][clear[r]].all() for r in range(len(runs))])
print(f"runs where every clear preference kept the same sign: {all_clear_kept.sum()}")
flipped = np.argwhere(clear & ~kept)
for r, k in flipped:
    print(f"seed {seeds[r]}, kernel {k}: {before[r, k]:+.2f} -> {after[r, k]:+.2f}")
grew = (np.abs(after) > np.abs(before))[clear & kept]
print(f"of those that kept their sign, {grew.sum()} of {len(grew)} end stronger")

# sphinx_gallery_start_ignore
glue("margin", margin, "{:.1f}")
glue("noise_max", noise, "{:.2f}")
n_clear = glue("n_clear", int(clear.sum()))
n_kept = glue("n_kept", int(kept[clear].sum()))
n_start_clear = glue("n_start_clear", int((clear & clear_start).sum()))
n_start_kept = glue("n_start_kept", int((clear & clear_start & kept).sum()))
n_weak = glue("n_weak", int((clear & ~clear_start).sum()))
n_weak_kept = glue("n_weak_kept", int((clear & ~clear_start & kept).sum()))
glue("n_kernels", clear.size)
kept_share = glue("kept_share", n_kept / n_clear, "{:.0%}")
glue("share_min", share_per_run.min(), "{:.0%}")
glue("share_median", np.median(share_per_run), "{:.0%}")
glue("share_max", share_per_run.max(), "{:.0%}")
n_all_kept = glue("n_all_kept", int(all_clear_kept.sum()))
n_flipped = glue("n_flipped", len(flipped))
n_grew = glue("n_grew", int(grew.sum()))
glue("clear_end", plural(n_clear, "ends", "end"))
glue("grew_end", plural(n_grew, "ends", "end"))
glue("flipped_kernels", plural(n_flipped, "kernel", "kernels"))
glue("n_kept_clear", len(grew))
# The cut was set at twice the largest train/test difference of the seed study.
check(
    "the cut for a clear preference is at least twice the index's noise in these runs",
    margin >= 2 * noise,
    measured=f"cut {margin}, largest train/test difference {noise:.3f}",
)
check(
    "most of the kernels with a clear end preference (more than half) already had one at "
    "initialization, and most of those (75% or more) kept the same sign",
    2 * n_start_clear > n_clear and n_start_kept >= 0.75 * n_start_clear,
    measured=f"{n_start_clear} of {n_clear}; {n_start_kept} of {n_start_clear}",
)
check(
    "a quarter or more of the kernels with a clear end preference started without one",
    4 * n_weak >= n_clear,
    measured=f"{n_weak} of {n_clear}",
)
check(
    "most kernels with a clear preference (80% or more) already leaned the same way at initialization",
    kept_share >= 0.8,
    measured=f"{n_kept} of {n_clear}",
)
check(
    "in most runs (more than half), every clear preference kept the same sign; in some, one or more flipped",
    2 * n_all_kept > n_runs and n_flipped > 0,
    measured=f"{n_all_kept} of {n_runs} runs; {n_flipped} flipped",
)
check(
    "in every run, half the kernels or more keep their sign, counting those without a preference",
    share_per_run.min() >= 0.5,
    measured=f"lowest share {share_per_run.min():.0%}",
)
check(
    "most kernels that kept their sign (more than half) end with a stronger preference",
    2 * n_grew > len(grew),
    measured=f"{n_grew} of {len(grew)}",
)
# sphinx_gallery_end_ignore

# %%
# |n_clear| of the |n_kernels| kernels |clear_end| with a clear preference, and
# |n_kept| of them (|kept_share|) already leaned the same way at
# initialization; |n_grew| of these |n_kept_clear| |grew_end| with a stronger
# preference than they started with. Counted with the same cut at the
# start, the evidence is weaker: |n_start_clear| of the |n_clear| had a
# clear preference at initialization already, and |n_start_kept| of these
# kept the same sign. The other |n_weak| started inside the cut, each
# leaning by less than the index's noise, too little to count on its own;
# |n_weak_kept| of them ended on the side of that slight lean. In |n_all_kept| of the |n_runs| runs,
# every clear preference kept the same sign; in the others, |n_flipped| |flipped_kernels|
# changed sides. Counting all eight kernels of a run, including those
# without a preference, the share that keeps its sign ranges from
# |share_min| to |share_max| (median |share_median|).
#
# The figure shows both. Left: each dot is a kernel, its index before
# training against its index after, coloured by run. Kernels that keep their
# sign lie in the top-right and bottom-left quarters. The grey bands are the
# cut (+/-|margin|), inside which a preference is not clear: the
# horizontal one at the end, the vertical one at the start. Right: each
# run's rank correlation, beside what 5% of unrelated orders reach.

colors = plt.get_cmap("tab10")(np.arange(len(runs)))
fig, (ax, ax_rho) = plt.subplots(
    1, 2, figsize=(7.0, 3.4), width_ratios=(1.25, 1), layout="constrained"
)
for r, color in enumerate(colors):
    ax.scatter(before[r], after[r], s=22, color=color, edgecolor="white", linewidth=0.4)
band_label = f"no clear preference\n(|index| ≤ {margin})"
band = ax.axhspan(-margin, margin, color="0.85", lw=0, zorder=0, label=band_label)
ax.axvspan(-margin, margin, color="0.85", lw=0, zorder=0)  # the same cut, at the start
ax.axhline(0, color="0.5", lw=0.8)
ax.axvline(0, color="0.5", lw=0.8)
ax.set_xlim(-1, 1)
ax.set_ylim(-1, 1)
ax.set_xticks([-1, -0.5, 0, 0.5, 1])  # five ticks: their labels do not touch
ax.set_yticks([-1, -0.5, 0, 0.5, 1])
ax.set_xlabel("selectivity index before training", fontsize=9)
ax.set_ylabel("selectivity index after training", fontsize=9)
ax.set_title(f"{clear.size} kernels of {len(runs)} runs", fontsize=10)
ax.legend(handles=[band], loc="lower right", fontsize=9, frameon=False)
ax.tick_params(labelsize=9)

ax_rho.scatter(list(seeds), rho, s=40, color=colors, zorder=3)
chance_label = "reached by 5% of\nunrelated orders"
ax_rho.axhline(rho_chance, color="0.3", ls="--", lw=1, label=chance_label)
ax_rho.legend(loc="lower left", fontsize=9, frameon=False)
ax_rho.axhline(0, color="0.5", lw=0.8)
ax_rho.set_xticks(list(seeds))
ax_rho.set_ylim(-0.2, 1.05)
ax_rho.set_xlabel("seed (colour of its kernels, left)", fontsize=9)
ax_rho.set_ylabel("Spearman's rank correlation", fontsize=9)
ax_rho.set_title("before vs after, per run", fontsize=10)
ax_rho.tick_params(labelsize=9)
for side in ("top", "right"):
    ax.spines[side].set_visible(False)
    ax_rho.spines[side].set_visible(False)

# %%
# In this run
# -----------
# The same measurements on the site's default run (seed |default_seed|,
# trained for 20 epochs rather than 8):

default_run = experiment()
default_before = preference(default_run.history.model_at(0), default_run)
default_after = preference(default_run.model, default_run)
default_rho = spearman(default_before, default_after)
default_clear = np.abs(default_after) > margin
default_kept = (np.sign(default_before) == np.sign(default_after))[default_clear]
default_start = (np.abs(default_before) > margin)[default_clear]
print(f"rank correlation {default_rho:.2f}")
print(
    f"clear preferences at the end: {default_clear.sum()}, same sign: {default_kept.sum()}"
)
print(f"of these, clear at initialization too: {default_start.sum()}")

# sphinx_gallery_start_ignore
from cnnexplain.experiment import default_seed

glue("default_seed", default_seed())
glue("default_rho", default_rho, "{:.2f}")
glue("default_clear", int(default_clear.sum()))
glue("default_kept", int(default_kept.sum()))
glue("default_start", int(default_start.sum()))
glue("default_start_kept", int((default_start & default_kept).sum()))
glue("default_beats", "beats" if default_rho >= rho_chance else "does not beat")
check(
    "the default run trains for 20 epochs",
    default_run.config["training"]["epochs"] == 20,
    measured=f"{default_run.config['training']['epochs']} epochs",
)
check(
    "in this run, the rank correlation is positive",
    default_rho > 0,
    measured=f"{default_rho:.2f}",
)
check(
    "in this run, most clear preferences (more than half) kept their sign",
    2 * default_kept.sum() > default_clear.sum(),
    measured=f"{default_kept.sum()} of {default_clear.sum()}",
)
# sphinx_gallery_end_ignore

# %%
# In this run, the rank correlation is |default_rho|: alone, it
# |default_beats| what 5% of unrelated orders reach (|rho_chance|).
# |default_kept| of the |default_clear| kernels with a clear preference at
# the end leaned the same way at initialization; |default_start| of them
# had a clear preference then, and |default_start_kept| of those kept the
# same sign.
#
# Why the start can decide
# ------------------------
# These measurements say *that* the start often decides, not how. The
# link runs through the :term:`gradient`. A kernel's gradient is a sum of
# :term:`image patches <patch>`, each weighted by the :term:`error signal`
# that reaches the kernel's
# output at that position (:ref:`the first page of this section
# <sphx_glr_auto_examples_why_edges_plot_01_gradient_is_patches.py>`), and
# that signal passes back through the :term:`ReLU` only where the kernel fired
# (:ref:`the second page
# <sphx_glr_auto_examples_why_edges_plot_02_error_signal.py>`). So the
# patches that shape a kernel are the ones it already responds to: what
# it does at initialization chooses what it learns from. The :ref:`next
# page <sphx_glr_auto_examples_why_edges_plot_04_optimizer.py>` looks at the
# other ingredient, the :term:`optimizer` that turns the gradient into a step.

# sphinx_gallery_thumbnail_number = 1
