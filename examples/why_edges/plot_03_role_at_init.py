"""
Does a kernel's start predict its role?
=======================================

Training makes some first-layer :term:`kernels <kernel>` fire more on
horizontal lines, others on vertical ones, and leaves some without a
preference. Before any training, many kernels already fire a little more on
one class than on the other, some by less than the index's noise: a random
7x7 kernel has no symmetry that would make it respond alike to a line and
to the same line turned a quarter turn. Does that slight start predict where the kernel
ends? Over the |n_runs| runs of the :ref:`seed
study <sphx_glr_auto_examples_beyond_plot_05_seeds.py>`, start and end are
related: the :term:`rank correlation` between the kernels' preferences
before and after training is positive in |n_positive| of the |n_runs| runs
(95% interval of the share of all seeds: |positive_low| to
|positive_high|), where unrelated orders would make it positive in at most
half, and |rho_median| in the median run. Run by run, eight kernels are
few: |n_beats| runs reach the correlation that only |chance_share| of unrelated
orders reach, |beats_most|. But the twins trained from the same start
on *shuffled* labels, which say nothing about the lines, show it too: their
correlation is positive in |n_positive_shuffled| runs, |rho_shuffled_median|
in the median run, and |rho_words| (exploratory: a comparison not
chosen before the study, whose interval ends near 0, and confounded by
how far the kernels move; at matched change size,
|rho_matched_words|). So the correlation shows that
|n_epochs| epochs of training leave much of a kernel's start in place,
whatever the labels; it does not show that the start sets a role for the
task. For large networks on natural images, the first layer's energy
profile ends very different from that of its initial weights and much the
same across starts, even with random labels :cite:p:`chowers2023first`
(and with random labels, the first layer's weights align with the data's
principal components :cite:p:`maennel2020random`); a profile of that kind is
not what this page measures, and a start that persists in each kernel is
not at odds with it. Run by run, the preferences |growth_words|. And a correlation cannot say what decides a role; an
intervention can say more: with every kernel's start moved one slot along, |swap_words|,
as persistence alone would predict
(mean difference of the two rank correlations |swap_diff|, 95% interval
|swap_diff_low| to |swap_diff_high|); and |change_intro|.
"""

# %%
# Preference before and after training
# ------------------------------------
# A kernel's preference is its :term:`selectivity index` on ``relu1``: its
# mean activation on horizontal lines minus that on vertical lines, over
# their sum, from -1 (fires on vertical lines only) to +1 (horizontal lines
# only). The seed study keeps every run's first-layer kernels and biases
# before training and after every :term:`epoch`, and a first-layer map
# depends on nothing else, so
# :func:`~cnnexplain.analysis.kernel_selectivity` measures the index from
# them, on the training images, without the rest of the network. Each seed
# has several arms that see the same batches; this page uses three: Adam on
# the true labels (the site's training), Adam on shuffled labels from the
# same start, and, at the end, Adam with the kernels' starts moved.

import itertools

import matplotlib.pyplot as plt
import numpy as np

from cnnexplain import make_lines
from cnnexplain.analysis import CLEAR_PREFERENCE, change_size, kernel_selectivity
from cnnexplain.claims import span
from cnnexplain.experiment import default_seed, experiment
from cnnexplain.study import seed_study

study = seed_study(range(100))
n_runs, n_epochs = len(study), int(study.epochs[-1])
train_set, test_set = make_lines(**study.config["data"]).split(**study.config["split"])
adam, shuffled = study.arm("adam"), study.arm("shuffled")
weight, bias = study.conv1_weight, study.conv1_bias  # (seeds, arms, epochs + 1, 8, ...)

# (runs, 8) each: the same start for both arms, and each arm's end
before = kernel_selectivity(weight[:, adam, 0], bias[:, adam, 0], train_set)
after = kernel_selectivity(weight[:, adam, -1], bias[:, adam, -1], train_set)
after_shuffled = kernel_selectivity(
    weight[:, shuffled, -1], bias[:, shuffled, -1], train_set
)
same_start = np.array_equal(weight[:, adam, 0], weight[:, shuffled, 0])
print(f"{n_runs} runs, {n_epochs} epochs; both arms start alike: {same_start}")
with np.printoptions(precision=2, suppress=True, sign="+"):
    print("seed 0, before training:       ", before[0])
    print("seed 0, after, true labels:    ", after[0])
    print("seed 0, after, shuffled labels:", after_shuffled[0])

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning. The margins are stated here,
# before anything is measured or glued.
from cnnexplain.claims import (
    OUTCOMES,
    bound,
    declare_margins,
    difference,
    glue,
    majority,
    plural,
    setting,
    share,
)

margins = declare_margins(
    # Unrelated orders give a positive correlation in at most half the runs (exactly half
    # of the orders whose correlation is not 0): a share of runs above it beats chance.
    chance_positive=0.5,
    # The share of the 40,320 orders of eight kernels whose correlation reaches their 95th
    # percentile: 2,318 of them (ties make it more than 5%). A share of runs above it beats chance.
    chance_rate=0.0575,
    noise_factor=2.0,  # a cut must be at least twice the noise it has to clear
)
seeds = study.seeds.tolist()
setting(
    "the study's runs are seeds 0 to 99 (first, last, how many), each trained for 8 epochs",
    (seeds[0], seeds[-1], len(set(seeds)), n_epochs),
    expected=(0, 99, 100, 8),
)
setting(
    "the true-label and shuffled-label twins of a seed start from the same weights",
    same_start and np.array_equal(bias[:, adam, 0], bias[:, shuffled, 0]),
    expected=True,
)
glue("n_runs", n_runs)
glue("n_epochs", n_epochs)
_ = glue("n_kernels", before.size)
# sphinx_gallery_end_ignore

# %%
# Ranking the kernels: Spearman's correlation
# -------------------------------------------
# Does the order of a run's kernels by preference survive training?
# Spearman's rank correlation answers that: rank the eight kernels by their
# index before training, rank them again after, and take the (Pearson)
# correlation of the two rankings. It is +1 when training keeps the order,
# 0 when the two orders are unrelated, and it ignores by how much the
# indices grow. Tied values share the mean of their ranks. Each run is one
# draw: its eight kernels share its images and batches, so the runs, not
# the kernels, are what the intervals below count.


def ranks(values):
    """Rank of each value along the last axis (0 = smallest); ties share their mean rank."""
    values = np.asarray(values)
    below = (values[..., None, :] < values[..., :, None]).sum(axis=-1)
    tied = (values[..., None, :] == values[..., :, None]).sum(
        axis=-1
    )  # itself included
    return below + (tied - 1) / 2


def spearman(a, b):
    """Spearman's rank correlation of a and b along their last axis."""
    ra, rb = ranks(a), ranks(b)
    ra, rb = ra - ra.mean(-1, keepdims=True), rb - rb.mean(-1, keepdims=True)
    return (ra * rb).sum(-1) / np.sqrt((ra**2).sum(-1) * (rb**2).sum(-1))


rho = spearman(before, after)  # (runs,)
rho_shuffled = spearman(before, after_shuffled)
print(f"true labels: median {np.median(rho):.2f}, positive in {(rho > 0).sum()} runs")
print(
    f"shuffled labels: median {np.median(rho_shuffled):.2f}, "
    f"positive in {(rho_shuffled > 0).sum()} runs"
)

# %%
# Eight kernels are few, and chance alone gives large correlations. When
# the final order is unrelated to the initial one, each of the 40,320
# orders of eight kernels is equally likely. The 95th percentile of their
# correlations is |rho_chance|, and because many orders tie there,
# |chance_share| of them reach it or more.

# Each order of 0, ..., 7 is its own ranking; its correlation with 0, ..., 7
# (Pearson's, on centered ranks) is a dot product.
orders = np.array(list(itertools.permutations(range(8))))  # (40320, 8)
centered, reference = orders - 3.5, np.arange(8) - 3.5
chance = centered @ reference / (reference @ reference)
rho_chance = np.quantile(chance, 0.95)
beats = rho >= rho_chance
print(f"chance: 95th percentile {rho_chance:.3f}")
chance_share = (chance >= rho_chance).mean()  # ties: a little over 5%
print(
    f"runs at or above it: {beats.sum()} of {n_runs} (chance alone: {chance_share:.2%})"
)

# sphinx_gallery_start_ignore
glue("rho_chance", rho_chance, "{:.2f}")
glue("chance_share", chance_share, "{:.2%}")
setting("the chance rate the margins state is the orders' share at or above the 95th percentile",
        round(float(chance_share), 4), expected=0.0575)  # fmt: skip
n_positive = glue("n_positive", int((rho > 0).sum()))
# A positive correlation is no evidence by itself: unrelated orders give one in at most half
# the runs (the orders with a correlation of 0 are neither). So the share is tested against
# that null, and the null against its margin.
null_positive = glue("null_positive", float(np.mean(chance > 0)), "{:.0%}")
bound(
    "unrelated orders give a positive rank correlation in at most half the runs",
    null_positive,
    n=len(chance),
    at_most="chance_positive",
    statistic="share of the 40,320 orders of eight kernels with a positive correlation",
    fmt="{:.1%}",
)
positive = share(
    "with true labels, the rank correlation before vs after training is positive in more runs "
    "than unrelated orders make it (at most half)",
    n_positive,
    n_runs,
    above="chance_positive",
    statistic="runs with a positive rank correlation",
)
glue("positive_low", positive.interval[0], "{:.0%}")
glue("positive_high", positive.interval[1], "{:.0%}")
median_rho = difference(
    "with true labels, the median run's rank correlation is above 0",
    rho,
    np.zeros(n_runs),
    expect=("larger",),
    statistic="median rank correlation per run",
)
glue("rho_median", median_rho.value, "{:.2f}")
glue("rho_median_low", median_rho.interval[0], "{:.2f}")
glue("rho_median_high", median_rho.interval[1], "{:.2f}")
# The sign test's interval covers the median at least 95% of the time; the text gives its
# coverage for these pairs (96.5% for 100).
glue("rho_median_level", median_rho.level, "{:.1%}")
n_beats = glue("n_beats", int(beats.sum()))
beat = share(
    "more runs reach chance's 95th percentile than the 5.75% that chance alone gives",
    n_beats,
    n_runs,
    above="chance_rate",
    statistic="runs at or above chance's 95th percentile",
)
glue("beats_low", beat.interval[0], "{:.0%}")
glue("beats_high", beat.interval[1], "{:.0%}")
# "Most runs" needs the share's whole interval above one half, not 45 of 100.
beat_half = majority(
    "the runs that reach chance's 95th percentile: more than half of all seeds, fewer, or the "
    "study cannot tell (the text says which)",
    n_beats,
    n_runs,
    statistic="runs at or above chance's 95th percentile",
)
_ = glue(
    "beats_most",
    beat_half.choose(
        larger="and more than half of all seeds do",
        smaller="but fewer than half of all seeds do",
        cannot_tell="but the study cannot tell whether more or fewer than half of all seeds do",
    ),
)
# sphinx_gallery_end_ignore

# %%
# With the true labels, the correlation is positive in |n_positive| of the
# |n_runs| runs (95% interval |positive_low| to |positive_high|), where
# unrelated orders make it positive |null_positive| of the time; the median
# run's is |rho_median| (|rho_median_level| interval of the median
# |rho_median_low| to |rho_median_high|). Run by run, eight kernels leave
# room for chance:
# |n_beats| runs reach |rho_chance| (|beats_low| to |beats_high|), more
# than the |chance_share| that unrelated orders would give, |beats_most|.
#
# The control: the same start, shuffled labels
# --------------------------------------------
# A kernel's start could predict its end for a dull reason: eight epochs
# may not move the weights far from where they began, whatever the task.
# The seed study has the control of its own kind: for every seed, a twin
# trained from the same weights on the same batches, but with each image
# carrying the label of another image. Its labels say nothing about the
# lines; if its start predicts its end as well, the correlation is no sign
# of the task. Compared run by run (each seed with its twin), with a
# bootstrap interval of the mean difference over the runs, the page's one
# method for paired comparisons:

print(f"mean of the per-run differences: {np.mean(rho - rho_shuffled):+.2f}")
print(f"runs where true labels keep the order better: {(rho > rho_shuffled).sum()}")

# What the true labels do add: the size of the preferences, per run.
strength = np.abs(after).mean(axis=1) - np.abs(before).mean(axis=1)
strength_shuffled = np.abs(after_shuffled).mean(axis=1) - np.abs(before).mean(axis=1)
print(f"mean |index| before training: {np.abs(before).mean():.3f}")
print(
    f"after: {np.abs(after).mean():.3f} (true labels), "
    f"{np.abs(after_shuffled).mean():.3f} (shuffled)"
)

# sphinx_gallery_start_ignore
glue("rho_shuffled_median", np.median(rho_shuffled), "{:.2f}")
n_positive_shuffled = glue("n_positive_shuffled", int((rho_shuffled > 0).sum()))
positive_shuffled = share(
    "with shuffled labels, the rank correlation before vs after training is positive in more "
    "runs than unrelated orders make it (at most half)",
    n_positive_shuffled,
    n_runs,
    above="chance_positive",
    statistic="runs with a positive rank correlation, shuffled labels",
)
glue("positive_shuffled_low", positive_shuffled.interval[0], "{:.0%}")
glue("positive_shuffled_high", positive_shuffled.interval[1], "{:.0%}")
versus = difference(
    "the text says whether the start predicts the end (rank correlation) better with true labels "
    "than with shuffled ones, worse, or cannot tell",
    rho,
    rho_shuffled,
    expect=("smaller", "cannot tell"),  # the text reads "show it too" (see the shares)
    method="bootstrap",
    statistic="mean per-run difference of rank correlations, true minus shuffled labels",
)
glue("rho_diff", versus.value, "{:+.2f}")
glue("rho_diff_low", versus.interval[0], "{:+.3f}")
glue("rho_diff_high", versus.interval[1], "{:+.3f}")
glue("rho_diff_level", versus.level, "{:.1%}")
glue(
    "rho_words",
    versus.choose(
        larger="the start predicts the end better with the true labels",
        smaller="the start predicts the end better with shuffled labels than with the true ones",
        cannot_tell="the study cannot tell whether the start predicts the end better with the "
        "true labels or with shuffled ones",
    ),
)
# Each arm's own change of the mean |index| from the shared start, run by run, then the
# paired difference of the two changes: the sentence says what each of the three shows.
grows = difference(
    "the text says whether, with true labels, the kernels' mean |index| per run grows in training, "
    "shrinks, or cannot tell",
    np.abs(after).mean(axis=1),
    np.abs(before).mean(axis=1),
    expect=OUTCOMES,
    method="bootstrap",
    statistic="mean per-run change of the mean |index|, true labels",
    fmt="{:+.3f}",
)
grows_shuffled = difference(
    "the text says whether, with shuffled labels, the kernels' mean |index| per run grows in "
    "training, shrinks, or cannot tell",
    np.abs(after_shuffled).mean(axis=1),
    np.abs(before).mean(axis=1),
    expect=OUTCOMES,
    method="bootstrap",
    statistic="mean per-run change of the mean |index|, shuffled labels",
    fmt="{:+.3f}",
)
grows_more = difference(
    "the text says whether the mean |index| per run changes more (start to end) with true labels "
    "than with shuffled ones from the same start, less, or cannot tell",
    strength,
    strength_shuffled,
    expect=OUTCOMES,
    method="bootstrap",
    statistic="mean per-run difference of the change of the mean |index|, true minus shuffled",
    fmt="{:+.3f}",
)
glue("abs_before", np.abs(before).mean(), "{:.2f}")
glue("abs_after", np.abs(after).mean(), "{:.2f}")
glue("abs_shuffled", np.abs(after_shuffled).mean(), "{:.2f}")
for key, result in (("grow_true", grows), ("grow_shuffled", grows_shuffled)):
    glue(key, result.value, "{:+.3f}")
    glue(f"{key}_low", result.interval[0], "{:+.3f}")
    glue(f"{key}_high", result.interval[1], "{:+.3f}")
    glue(f"{key}_level", result.level, "{:.1%}")
glue("grow_diff", grows_more.value, "{:+.3f}")
glue("grow_diff_low", grows_more.interval[0], "{:+.3f}")
glue("grow_diff_high", grows_more.interval[1], "{:+.3f}")
glue("grow_diff_level", grows_more.level, "{:.1%}")
ARM_WORDS = dict(
    larger="grow",
    smaller="shrink",
    cannot_tell="change by an amount the study cannot tell from 0",
)
glue("grows_words", grows.choose(**ARM_WORDS))
glue("grows_shuffled_words", grows_shuffled.choose(**ARM_WORDS))
glue(
    "labels_lead",
    grows_more.choose(
        larger="The true labels make a difference elsewhere: in how strong the preferences become.",
        smaller="The true labels make a difference elsewhere: in how strong the preferences become.",
        cannot_tell="Whether the true labels make a difference elsewhere, in how strong the "
        "preferences become, the study cannot tell.",
    ),
)
glue(
    "grow_more_words",
    grows_more.choose(
        larger="the change is larger with the true labels",
        smaller="the change is smaller with the true labels",
        cannot_tell="the study cannot tell with which labels the change is larger",
    ),
)
# Quoted by the page's intro and by the findings page, after "the preferences": what each arm
# shows from the shared start, then the paired comparison.
_ = glue(
    "growth_words",
    f"{grows.choose(**ARM_WORDS)} in training with the true labels "
    f"({grows.value:+.3f} in the index's mean size per run) and "
    f"{grows_shuffled.choose(**ARM_WORDS)} with shuffled labels from the same start "
    f"({grows_shuffled.value:+.3f}); "
    + grows_more.choose(
        larger="the true labels leave them stronger than shuffled ones do",
        smaller="the true labels leave them weaker than shuffled ones do",
        cannot_tell="the study cannot tell with which labels they end stronger",
    )
    + f" (paired difference of the changes {grows_more.value:+.3f}, 95% interval "
    f"{grows_more.span('{:+.3f}')})",
)
# sphinx_gallery_end_ignore

# %%
# With shuffled labels, the correlation is positive in
# |n_positive_shuffled| of the |n_runs| runs (|positive_shuffled_low| to
# |positive_shuffled_high|), |rho_shuffled_median| in the median run. The
# difference, true minus shuffled labels, is |rho_diff| on average
# (|rho_diff_level| interval |rho_diff_low| to |rho_diff_high|): |rho_words|.
# Read it as exploratory: this comparison was not chosen before the study,
# and its interval ends near 0. It is also confounded by how far the
# kernels move. The shuffled twins move their kernels about half as far
# from the start as the true labels do (the seed study's medians,
# |/auto_examples/beyond/plot_05_seeds:size_shuffled_mid| and
# |/auto_examples/beyond/plot_05_seeds:size_adam_mid| of the start's
# length), and a kernel that moves less keeps more of its start, which may
# account for a higher correlation. To compare at one change size, as the
# seed study's page does for the edge test, each kernel of the true-label
# run is taken at the epoch (from the first) where its change from the
# start comes nearest in length to its shuffled twin's final change: real
# kernels, nothing stretched, but less training.

# (runs, epochs + 1, 8): each true-label kernel's change length after every
# epoch; the shuffled twin's after the last. Epoch 0 is left out: it is the
# start itself, whose correlation with the start is 1 by construction.
path = change_size(weight[:, adam, :1], weight[:, adam])[..., 0]
size_shuffled = change_size(weight[:, shuffled, 0], weight[:, shuffled, -1])[..., 0]
nearest = 1 + np.abs(path[:, 1:] - size_shuffled[:, None]).argmin(axis=1)
run, kernel = np.arange(n_runs)[:, None], np.arange(before.shape[1])[None, :]
after_matched = kernel_selectivity(
    weight[:, adam][run, nearest, kernel],
    bias[:, adam][run, nearest, kernel],
    train_set,
)
rho_matched = spearman(before, after_matched)
length_ratio = path[run, nearest, kernel] / size_shuffled
print(f"epochs taken (1 to {n_epochs}): {np.bincount(nearest.ravel())[1:]}")
print(
    "true-label change / shuffled change at that epoch, 5th to 95th percentile: "
    f"{np.percentile(length_ratio, 5):.2f} to {np.percentile(length_ratio, 95):.2f}"
)
print(f"mean rank correlation at matched size: {rho_matched.mean():.2f} (true labels)")
print(
    f"mean difference, true minus shuffled: {np.mean(rho_matched - rho_shuffled):+.2f}"
)

# sphinx_gallery_start_ignore
matched = difference(
    "at matched change size, the text says whether the start predicts the end (rank "
    "correlation) better with true labels than with shuffled ones, worse, or cannot tell",
    rho_matched,
    rho_shuffled,
    expect=OUTCOMES,
    method="bootstrap",
    statistic="mean per-run difference of rank correlations, true labels at the matched "
    "epoch minus shuffled labels at the end",
)
glue("rho_matched_diff", matched.value, "{:+.2f}")
glue("rho_matched_low", matched.interval[0], "{:+.3f}")
glue("rho_matched_high", matched.interval[1], "{:+.3f}")
glue("matched_ratio_low", np.percentile(length_ratio, 5), "{:.2f}", rounding="nearest")
glue(
    "matched_ratio_high", np.percentile(length_ratio, 95), "{:.2f}", rounding="nearest"
)
_ = glue(
    "rho_matched_words",
    matched.choose(
        larger="the start predicts the end better with the true labels",
        smaller="the start still predicts the end better with shuffled labels",
        cannot_tell="the study cannot tell with which labels the start predicts the end better",
    ),
)
# sphinx_gallery_end_ignore

# %%
# At matched change size, |rho_matched_words| (mean difference
# |rho_matched_diff|, 95% interval |rho_matched_low| to
# |rho_matched_high|). The match is rough: epochs are whole steps, so the
# true-label change ends |matched_ratio_low| to |matched_ratio_high| times
# its twin's (5th to 95th percentile of the kernels), and those kernels had
# less training, not only a shorter change. What the correlation shows, then, is that
# training keeps much of a kernel's start; the twins say that this happens
# with or without a task to learn.
#
# |labels_lead| The mean ``|index|`` of a kernel is |abs_before|
# before training; after it, |abs_after| with the true labels and
# |abs_shuffled| with shuffled ones. Run by run, each arm measured from its
# own start (the same start for both): with the true labels the preferences
# |grows_words| (mean change |grow_true|, |grow_true_level| interval
# |grow_true_low| to |grow_true_high|); with shuffled labels they
# |grows_shuffled_words| (|grow_shuffled|, |grow_shuffled_low| to
# |grow_shuffled_high|). Paired, each run with its twin, |grow_more_words|
# (mean difference of the two changes |grow_diff|, |grow_diff_level|
# interval |grow_diff_low| to |grow_diff_high|).
#
# Which way each kernel leans
# ---------------------------
# The rank correlation counts every kernel, including those that end without
# a preference. A simpler question for a kernel's role: does a kernel that
# ends with a :term:`clear preference` (an index beyond +/-|margin|, the
# site's cut, :data:`~cnnexplain.analysis.CLEAR_PREFERENCE`) lean the same
# way at initialization? First, how much can the index of one kernel be
# trusted? Measured on the training images and on the test images, which
# are drawn alike, the two indices differ by noise alone:

before_test = kernel_selectivity(weight[:, adam, 0], bias[:, adam, 0], test_set)
after_test = kernel_selectivity(weight[:, adam, -1], bias[:, adam, -1], test_set)
noise = {
    "before": np.abs(before - before_test).max(),
    "after": np.abs(after - after_test).max(),
}
for label, value in noise.items():
    print(f"{label} training: largest train/test difference of an index {value:.3f}")
sign_stable = np.sign(before) == np.sign(before_test)
print(
    f"kernels whose start sign is the same on both image sets: {sign_stable.mean():.1%}"
)

# sphinx_gallery_start_ignore
glue("margin", CLEAR_PREFERENCE)
glue("noise_after", noise["after"], "{:.3f}")
glue("noise_before", noise["before"], "{:.3f}")
glue("noise_factor", margins["noise_factor"], "{:g}")


def cut_against(noise_max, whose):
    """The ratio of the cut to the largest difference, in words, and the bound that checks them."""
    ratio = CLEAR_PREFERENCE / noise_max
    what = dict(
        n=before.size, statistic=f"cut / largest difference, {whose}", fmt="{:.2f}"
    )
    claim = f"twice the largest train/test difference of the index of {whose}"
    if ratio >= margins["noise_factor"]:
        bound(f"the cut is at least {claim}", ratio, at_least="noise_factor", **what)
        return f"{ratio:.2f} times", "at least"
    bound(f"the cut is less than {claim}", ratio, at_most="noise_factor", **what)
    return f"{ratio:.2f} times", "less than"


ratio_after, words_after = cut_against(noise["after"], "the trained kernels")
ratio_before, words_before = cut_against(noise["before"], "the kernels before training")
glue("ratio_after", ratio_after)
glue("words_after", words_after)
glue("ratio_before", ratio_before)
glue("words_before", words_before)
n_unstable = glue("n_unstable", int((~sign_stable).sum()))
_ = glue("unstable_share", n_unstable / before.size, "{:.1%}")
# sphinx_gallery_end_ignore

# %%
# For the trained kernels, the index moves by up to |noise_after| from one
# set of images to the other: the cut is |ratio_after| that, |words_after|
# the |noise_factor| times a cut should keep from the noise it has to
# clear. Before training it moves by up to |noise_before|: the cut is
# |ratio_before| that, |words_before| |noise_factor| times. So at the
# start, a lean just past the cut may owe itself to the images it was
# measured on; |n_unstable| of the |n_kernels| kernels (|unstable_share|)
# even lean different ways on the two image sets before training. We apply
# the cut at the end only, and read the start's sign with that in mind.
#
# A kernel's share of a pooled count is not an independent draw, so each
# interval below resamples whole runs (a bootstrap over the |n_runs| runs).

rng = np.random.default_rng(0)
resampled_runs = rng.integers(0, n_runs, size=(2000, n_runs))


def pooled_share(hit, among):
    """hit.sum() / among.sum() over all runs, and its 95% interval by resampling runs."""
    hits, totals = (hit & among).sum(axis=1), among.sum(axis=1)
    resampled = hits[resampled_runs].sum(axis=1) / totals[resampled_runs].sum(axis=1)
    low, high = np.quantile(resampled, [0.025, 0.975])
    return hits.sum() / totals.sum(), low, high


for label, end in (("true labels", after), ("shuffled labels", after_shuffled)):
    clear = np.abs(end) > CLEAR_PREFERENCE
    kept = np.sign(before) == np.sign(end)
    value, low, high = pooled_share(kept, clear)
    print(f"{label}: {clear.sum()} kernels end with a clear preference;")
    print(f"  {value:.0%} of them leaned the same way at the start", end=" ")
    print(f"(95% interval {span(low, high, '{:.0%}')})")

clear = np.abs(after) > CLEAR_PREFERENCE
kept = np.sign(before) == np.sign(after)
within = (
    np.abs(before) <= noise["before"]
)  # a start lean no larger than the index's noise then
print(
    f"of the clear ones (true labels), started within the noise: {(clear & within).sum()}"
)
flipped = np.argwhere(clear & ~kept)
print(
    f"clear at the end, but leaning the other way at the start: {len(flipped)} kernels"
)

# sphinx_gallery_start_ignore
n_clear = glue("n_clear", int(clear.sum()))
kept_share, kept_low, kept_high = pooled_share(kept, clear)
glue("kept_share", kept_share, "{:.0%}")
glue("kept_low", kept_low, "{:.0%}")
glue("kept_high", kept_high, "{:.0%}")
clear_shuffled = np.abs(after_shuffled) > CLEAR_PREFERENCE
kept_shuffled = np.sign(before) == np.sign(after_shuffled)
glue("n_clear_shuffled", int(clear_shuffled.sum()))
shuffled_share, shuffled_low, shuffled_high = pooled_share(
    kept_shuffled, clear_shuffled
)
glue("kept_shuffled_share", shuffled_share, "{:.0%}")
glue("kept_shuffled_low", shuffled_low, "{:.0%}")
glue("kept_shuffled_high", shuffled_high, "{:.0%}")
# Every kernel of a run counts here, so each run has a share in both arms: pairs.
kept_per_run = kept.mean(axis=1)
kept_shuffled_per_run = kept_shuffled.mean(axis=1)
signs = difference(
    "the text says whether more of a run's kernels keep their start sign with true labels than "
    "with shuffled ones, fewer, or cannot tell",
    kept_per_run,
    kept_shuffled_per_run,
    expect=OUTCOMES,
    method="bootstrap",
    statistic="mean per-run difference of the share of kernels keeping their sign, true minus "
    "shuffled",
    fmt="{:+.3f}",
)
glue("all_kept", kept_per_run.mean(), "{:.0%}")
glue("all_kept_shuffled", kept_shuffled_per_run.mean(), "{:.0%}")
glue("sign_diff", signs.value * 100, "{:+.1f}")
glue("sign_diff_low", signs.interval[0] * 100, "{:+.1f}")
glue("sign_diff_high", signs.interval[1] * 100, "{:+.1f}")
glue(
    "sign_words",
    signs.choose(
        larger="more kernels keep their sign with the true labels",
        smaller="fewer kernels keep their sign with the true labels than with shuffled ones",
        cannot_tell="the study cannot tell which arm keeps more signs",
    ),
)
n_within = glue("n_within", int((clear & within).sum()))
glue("n_within_kept", int((clear & within & kept).sum()))
n_flipped = glue("n_flipped", len(flipped))
glue("flipped_kernels", plural(n_flipped, "kernel", "kernels"))
runs_flipped = glue("runs_flipped", len({int(r) for r, _k in flipped}))
_ = glue("flipped_runs", plural(runs_flipped, "run", "runs"))
# sphinx_gallery_end_ignore

# %%
# With the true labels, |n_clear| of the |n_kernels| kernels end with a
# clear preference, and |kept_share| of them (95% interval |kept_low| to
# |kept_high|) leaned the same way at initialization. With shuffled labels,
# |n_clear_shuffled| do, and |kept_shuffled_share| of them leaned the same
# way (|kept_shuffled_low| to |kept_shuffled_high|). These two shares
# count different kernels; counting all eight kernels of every run, which
# pairs each run with its twin, |all_kept| keep their sign with the true
# labels and |all_kept_shuffled| with shuffled ones: |sign_words| (mean
# difference |sign_diff| points, 95% interval |sign_diff_low| to
# |sign_diff_high|).
#
# The start sign is weak evidence for many of them: |n_within| of the
# |n_clear| kernels with a clear end preference started with a
# lean no larger than the index's noise before training (|noise_before|),
# and |n_within_kept| of these ended on the side of that lean.
# |n_flipped| |flipped_kernels| in |runs_flipped| |flipped_runs| ended with
# a clear preference for the side they leaned away from at the start.
#
# The figure shows both arms. Each dot is a kernel: its index before
# training against its index after, with true labels (left) and shuffled
# labels (middle). Kernels that keep their sign lie in the top-right and
# bottom-left quarters; the grey band is the cut, inside which a
# preference is not clear. Right: each run's rank correlation with true
# labels against its twin's with shuffled labels; above the diagonal, the
# true labels kept the order better.

fig, axes = plt.subplots(1, 3, figsize=(9.6, 3.4), layout="constrained")
for ax, end, title in (
    (axes[0], after, "true labels"),
    (axes[1], after_shuffled, "shuffled labels"),
):
    ax.scatter(before, end, s=5, alpha=0.4, color="C0" if end is after else "C3", lw=0)
    ax.axhspan(-CLEAR_PREFERENCE, CLEAR_PREFERENCE, color="0.85", lw=0, zorder=0)
    ax.axhline(0, color="0.5", lw=0.8)
    ax.axvline(0, color="0.5", lw=0.8)
    ax.set(xlim=(-1, 1), ylim=(-1, 1), xticks=[-1, 0, 1], yticks=[-1, 0, 1])
    ax.set_xlabel("index before training", fontsize=9)
    ax.set_title(f"{title}: {before.size} kernels", fontsize=10)
axes[0].set_ylabel("index after training", fontsize=9)
axes[2].scatter(rho_shuffled, rho, s=12, color="0.2", lw=0)
axes[2].plot([-1, 1], [-1, 1], color="0.5", lw=0.8, ls="--")
axes[2].set(xlim=(-1, 1), ylim=(-1, 1), xticks=[-1, 0, 1], yticks=[-1, 0, 1])
axes[2].set_xlabel("rank correlation, shuffled labels", fontsize=9)
axes[2].set_ylabel("rank correlation, true labels", fontsize=9)
axes[2].set_title(f"{n_runs} runs and their twins", fontsize=10)
for ax in axes:
    ax.tick_params(labelsize=9)
    ax.set_aspect("equal")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

# %%
# Moving the starts: an intervention
# ----------------------------------
# A correlation between a kernel's start and its end cannot say whether the
# start *decides* the role: a kernel also keeps its slot, its connections to
# the second layer, which start random too and learn alongside it. The seed
# study's ``swapped`` arm changes the cause. Each seed trains once more with
# Adam on the true labels, everything as in the Adam run except that the
# first layer's kernels start one slot along: kernel k starts from the
# weights and bias kernel k + 1 started from (the last kernel from the
# first's), while every later layer starts as before. If a role followed
# the start, kernel k of that run would end like kernel k + 1 of the Adam
# run; if it followed the slot, like kernel k. For each run, the rank
# correlation over the eight kernels of the swapped run's final preferences
# with each of the two:

swapped = study.arm("swapped")
after_swapped = kernel_selectivity(
    weight[:, swapped, -1], bias[:, swapped, -1], train_set
)
same_start = np.roll(after, -1, axis=1)  # the Adam run's kernel k + 1, for each slot k
rho_start = spearman(after_swapped, same_start)
rho_slot = spearman(after_swapped, after)
print(
    f"median rank correlation with the kernel of the same start: {np.median(rho_start):+.2f}"
)
print(
    f"median rank correlation with the kernel of the same slot:  {np.median(rho_slot):+.2f}"
)
print(
    f"runs in which the start's correlation is the larger: {(rho_start > rho_slot).sum()}"
)

# sphinx_gallery_start_ignore
setting(
    "the swapped arm's kernel k starts from the Adam run's start of kernel k + 1 (the last from "
    "the first's)",
    bool(
        np.array_equal(weight[:, swapped, 0], np.roll(weight[:, adam, 0], -1, axis=1))
        and np.array_equal(bias[:, swapped, 0], np.roll(bias[:, adam, 0], -1, axis=1))
    ),
    expected=True,
)
follows = difference(
    "the text says whether the swapped runs' kernels end more like the kernel whose start they "
    "got than like the kernel whose slot they took, less, or cannot tell",
    rho_start, rho_slot, expect=OUTCOMES, method="bootstrap",
    statistic="mean per-run difference of rank correlations, same start minus same slot",
    fmt="{:+.3f}",
)  # fmt: skip
glue("swap_start_median", np.median(rho_start), "{:+.2f}")
glue("swap_slot_median", np.median(rho_slot), "{:+.2f}")
glue("swap_diff", follows.value, "{:+.2f}")
glue("swap_diff_low", follows.interval[0], "{:+.2f}")
glue("swap_diff_high", follows.interval[1], "{:+.2f}")
glue("swap_p", follows.p_value, "{:.4g}")  # a primary comparison (findings: Holm)
n_start_wins = glue("swap_start_wins", int((rho_start > rho_slot).sum()))
_ = glue(
    "swap_words",
    follows.choose(
        larger="a kernel's final preference follows its start more than its slot",
        smaller="a kernel's final preference follows its slot more than its start",
        cannot_tell="the study cannot tell whether a kernel's final preference follows its start "
        "or its slot more",
    ),
)
# sphinx_gallery_end_ignore

# %%
# With the starts moved, a kernel's final preference has a rank correlation
# of |swap_start_median| in the median run with that of the Adam run's
# kernel whose start it got, and |swap_slot_median| with that of the kernel
# whose slot it took; the start's correlation is the larger in
# |swap_start_wins| of the |n_runs| runs. Run by run, the first minus the
# second is |swap_diff| on average (95% interval |swap_diff_low| to
# |swap_diff_high|): |swap_words|. This is the experiment the correlations
# above could not be: the start was moved, and the study measured where the
# preference went. It says which of the two a preference follows more, not
# that either fixes it: training still changes the kernels, and neither
# correlation is 1. Nor does it say that the start steers what training
# adds: a trained kernel still holds much of its start, so a preference
# that stays with the start is what persistence alone predicts. The next
# block tells the two apart.
#
# What training adds: the swap on the change alone
# ------------------------------------------------
# Persistence cannot reach the change -- the trained kernel minus its
# start -- since the start is taken away. So the same comparison, on the
# changes' shapes: for each kernel of a swapped run, the correlation of its
# change with the change the Adam run made to the kernel whose start it
# got, and with the change made to the kernel whose slot it took (the
# Pearson correlation over the 49 weights, averaged over the eight kernels
# of the run). The other slots give a reference: how alike the changes of
# unrelated kernels of the two runs are.

from cnnexplain.analysis import kernel_correlation

change_adam = (weight[:, adam, -1] - weight[:, adam, 0])[:, :, 0]  # (runs, 8, 7, 7)
change_swapped = (weight[:, swapped, -1] - weight[:, swapped, 0])[:, :, 0]
change_start = kernel_correlation(
    change_swapped, np.roll(change_adam, -1, axis=1)
).mean(1)
change_slot = kernel_correlation(change_swapped, change_adam).mean(1)
change_other = np.mean(
    [
        kernel_correlation(change_swapped, np.roll(change_adam, r, axis=1)).mean(1)
        for r in range(2, 7)
    ],
    axis=0,
)
print(f"median correlation of the changes, same start: {np.median(change_start):+.2f}")
print(f"median correlation of the changes, same slot:  {np.median(change_slot):+.2f}")
print(
    f"median correlation of the changes, other kernels: {np.median(change_other):+.2f}"
)

# sphinx_gallery_start_ignore
change_follows = difference(
    "the text says whether what training adds to a swapped run's kernel is shaped more like the "
    "change of the kernel whose start it got than like that of the kernel whose slot it took, "
    "less, or cannot tell",
    change_start, change_slot, expect=OUTCOMES, method="bootstrap",
    statistic="mean per-run difference of the changes' correlations, same start minus same slot",
    fmt="{:+.3f}",
)  # fmt: skip
glue("change_start_median", np.median(change_start), "{:+.2f}")
glue("change_slot_median", np.median(change_slot), "{:+.2f}")
glue("change_other_median", np.median(change_other), "{:+.2f}")
glue("change_diff", change_follows.value, "{:+.2f}")
glue("change_diff_low", change_follows.interval[0], "{:+.2f}")
glue("change_diff_high", change_follows.interval[1], "{:+.2f}")
glue("change_start_wins", int((change_start > change_slot).sum()))
_ = glue(
    "swap_change_words",
    change_follows.choose(
        larger="what training adds to a kernel is shaped more like the change its start received "
        "in the Adam run than like the change its slot received",
        smaller="what training adds to a kernel is shaped more like the change its slot received "
        "in the Adam run than like the change its start received",
        cannot_tell="the study cannot tell whether what training adds to a kernel follows its "
        "start or its slot more",
    ),
)
_ = glue(
    "swap_change_reading",
    change_follows.choose(
        larger="The start is subtracted, so this is not the start persisting in the trained "
        "kernel. But part of a change may run along its own start -- a change that shrinks or "
        "grows the start correlates with it for that reason alone -- and two changes from the "
        "same start would then be alike for that reason. The next block removes that part",
        smaller="Moving a start does not move the shape of what training adds with it; the "
        "change follows the slot more. Part of a change may run along its own start, though, "
        "and the next block removes that part",
        cannot_tell="So whether moving a start moves what training adds, this measure does not "
        "settle; the next block removes the part of each change that runs along its own start, "
        "and asks again",
    ),
)
# sphinx_gallery_end_ignore

# %%
# In the median run, a swapped kernel's change correlates
# |change_start_median| with the change of the kernel whose start it got,
# |change_slot_median| with that of the kernel whose slot it took, and
# |change_other_median| with those of the other kernels; the start's is the
# larger in |change_start_wins| of the |n_runs| runs. Run by run, the
# difference is |change_diff| on average (95% interval |change_diff_low| to
# |change_diff_high|): |swap_change_words|. |swap_change_reading|.
#
# Beyond the start's own direction
# --------------------------------
# How much of a change runs along its start? For each kernel of the Adam
# runs, the correlation of its change with its start over the 49 weights
# (Pearson's, the cosine of the two once each is centred). Then the swap
# comparison once more, on what is left of each change once its
# projection on its start is taken away (both centred, so that what is
# left has a correlation of exactly 0 with the start): for a swapped
# kernel, its own start removed, and for the Adam kernel it is compared
# with, that kernel's start. The kernel whose start it got had the same
# start, so the same direction is removed from both.


def centred(kernels):
    """Each 7x7 kernel minus the mean of its weights."""
    return kernels - kernels.mean(axis=(-2, -1), keepdims=True)


def without_start(change, start):
    """The change minus its projection on the start, both centred: what is left of it
    has a correlation of 0 with the start."""
    change, start = centred(change), centred(start)
    along = (change * start).sum(axis=(-2, -1), keepdims=True)
    return change - along / (start**2).sum(axis=(-2, -1), keepdims=True) * start


start_adam = weight[:, adam, 0][:, :, 0]  # (runs, 8, 7, 7)
start_swapped = weight[:, swapped, 0][:, :, 0]
along_start = kernel_correlation(change_adam, start_adam)  # (runs, 8)
print(
    f"correlation of a kernel's change with its start: median {np.median(along_start):+.2f} "
    f"over {along_start.size} kernels"
)
left_adam = without_start(change_adam, start_adam)
left_swapped = without_start(change_swapped, start_swapped)
left_start = kernel_correlation(left_swapped, np.roll(left_adam, -1, axis=1)).mean(1)
left_slot = kernel_correlation(left_swapped, left_adam).mean(1)
left_other = np.mean(
    [
        kernel_correlation(left_swapped, np.roll(left_adam, r, axis=1)).mean(1)
        for r in range(2, 7)
    ],
    axis=0,
)
print("the changes without their start's direction, median correlation:")
print(f"  same start {np.median(left_start):+.2f}, same slot {np.median(left_slot):+.2f}, "
      f"other kernels {np.median(left_other):+.2f}")  # fmt: skip

# sphinx_gallery_start_ignore
# What is left of a change has no part along its start (to float rounding).
bound(
    "what is left of each change, its projection on its start removed, has a correlation of 0 "
    "with that start (to float rounding, 1e-4)",
    float(
        max(
            np.abs(kernel_correlation(left_adam, start_adam)).max(),
            np.abs(kernel_correlation(left_swapped, start_swapped)).max(),
        )
    ),
    n=2 * along_start.size,
    at_most=1e-4,
    statistic="largest size of the correlation with the start, Adam and swapped kernels",
    fmt="{:.1e}",
)
# The runs are the draws (a run's eight kernels share its images and batches): the median
# over all kernels, with an interval from resampling whole runs.
along_median = float(np.median(along_start))
along_resampled = np.array(
    [np.median(along_start[runs]) for runs in np.random.default_rng(1).integers(
        0, n_runs, size=(2000, n_runs))]
)  # fmt: skip
glue("along_median", along_median, "{:+.2f}")
glue("along_low", np.quantile(along_resampled, 0.025), "{:+.2f}")
glue("along_high", np.quantile(along_resampled, 0.975), "{:+.2f}")
along_runs = difference(
    "the text says whether, in the median run, the Adam kernels' changes correlate positively "
    "with their starts (mean over a run's eight kernels), negatively, or cannot tell",
    along_start.mean(axis=1),
    np.zeros(n_runs),
    expect=OUTCOMES,
    statistic="median over runs of the mean correlation of a kernel's change with its start",
    fmt="{:+.3f}",
)
glue("along_run", along_runs.value, "{:+.2f}")
glue("along_run_low", along_runs.interval[0], "{:+.2f}")
glue("along_run_high", along_runs.interval[1], "{:+.2f}")
glue("along_run_level", along_runs.level, "{:.1%}")
glue(
    "along_words",
    along_runs.choose(
        larger="Changes run partly along their starts: a kernel's change correlates "
        "positively with its start, its pattern partly reinforced",
        smaller="Changes run partly against their starts: a kernel's change correlates "
        "negatively with its start, its pattern partly worn down",
        cannot_tell="The study cannot tell whether a kernel's change runs along its start or "
        "against it",
    ),
)
left_follows = difference(
    "the text says whether, with each change's part along its start removed, what training adds "
    "to a swapped run's kernel is shaped more like the change of the kernel whose start it got "
    "than like that of the kernel whose slot it took, less, or cannot tell",
    left_start, left_slot, expect=OUTCOMES, method="bootstrap",
    statistic="mean per-run difference of the correlations of the changes without their "
    "start's direction, same start minus same slot",
    fmt="{:+.3f}",
)  # fmt: skip
glue("left_start_median", np.median(left_start), "{:+.2f}")
glue("left_slot_median", np.median(left_slot), "{:+.2f}")
glue("left_other_median", np.median(left_other), "{:+.2f}")
glue("left_diff", left_follows.value, "{:+.2f}")
glue("left_diff_low", left_follows.interval[0], "{:+.2f}")
glue("left_diff_high", left_follows.interval[1], "{:+.2f}")
glue("left_start_wins", int((left_start > left_slot).sum()))
glue(
    "left_words",
    left_follows.choose(
        larger="the start still predicts the change: what is left of a kernel's change is "
        "shaped more like what is left of the change its start received in the Adam run than "
        "like that of the change its slot received",
        smaller="what is left of a kernel's change is shaped more like what is left of the "
        "change its slot received in the Adam run than like that of the change its start "
        "received: with its own direction removed, the start no longer predicts the change",
        cannot_tell="the study cannot tell whether what is left of a kernel's change follows its "
        "start or its slot more: with its own direction removed, the start is not shown to "
        "predict the change",
    ),
)
# The reading, by both outcomes: the change's correlation with the start, and after removal.
if left_follows.outcome == "larger":
    left_reading = (
        "So moving a start moves the shape of what training adds with it, and not only by "
        "shrinking or growing the start: the part of the change across the start moves with it "
        "too. The start shapes the change in part (the correlations are far from 1); by which "
        "route -- the gradient's patches, which depend on where the kernel fires, or Adam's "
        "per-weight steps -- this experiment does not say"
    )
elif change_follows.outcome == "larger":
    left_reading = (
        "So the start predicts the change only through the part along the start itself: beyond "
        "shrinking or growing its start, this study does not show that a start shapes what "
        "training adds"
    )
else:
    left_reading = "So this study does not show that a start shapes what training adds, along it or across"
_ = glue(
    "change_intro",
    left_follows.choose(
        larger="what training adds to a kernel moves with its start too, also once the part of "
        "each change along its own start is removed",
        smaller="what training adds to a kernel, once the part along its own start is removed, "
        "follows its slot more than its start",
        cannot_tell="whether what training adds to a kernel, once the part along its own start is "
        "removed, moves with its start, the study cannot tell",
    ),
)
_ = glue("left_reading", left_reading)
# sphinx_gallery_end_ignore

# %%
# Over the study's |n_kernels| Adam kernels, the median correlation of a
# change with its start is |along_median| (95% interval, resampling whole
# runs, |along_low| to |along_high|); the median run's mean over its
# kernels is |along_run| (|along_run_level| interval |along_run_low| to
# |along_run_high|). |along_words|. With that part removed from every
# change, a swapped kernel's change correlates |left_start_median| in the
# median run with that of the kernel whose start it got,
# |left_slot_median| with that of the kernel whose slot it took, and
# |left_other_median| with the others; the start's is the larger in
# |left_start_wins| of the |n_runs| runs, and run by run the difference is
# |left_diff| on average (95% interval |left_diff_low| to
# |left_diff_high|): |left_words|. |left_reading|. That what training
# adds depends on the start is no surprise to the literature: in a
# linear model whose modes grow one by one, the change is the start
# grown mode by mode, as :cite:t:`mackay1990analysis` worked out for
# Hebbian learning and :cite:t:`saxe2014exact` for deep linear networks
# (the :doc:`one-kernel page <plot_05_matched_filter>` writes it down for
# its model). The swap measures how much of that survives in the site's
# network, which is not linear.

# %%
# In this run
# -----------
# The same measurements on the site's default run (seed |default_seed|,
# trained for |default_epochs| epochs rather than |n_epochs|). One run says
# nothing about other seeds; the study's shares above do.

default_run = experiment()
history = default_run.history  # its first snapshot is the model before training
default_before = kernel_selectivity(
    history["conv1.weight"][0], history["conv1.bias"][0], default_run.train_set
)
default_after = kernel_selectivity(
    default_run.model.conv1.weight, default_run.model.conv1.bias, default_run.train_set
)
default_rho = spearman(default_before, default_after)
default_clear = np.abs(default_after) > CLEAR_PREFERENCE
default_kept = (np.sign(default_before) == np.sign(default_after))[default_clear]
print(f"rank correlation {default_rho:.2f}")
print(
    f"clear preferences at the end: {default_clear.sum()}, same sign at the start: "
    f"{default_kept.sum()}"
)

# sphinx_gallery_start_ignore
setting(
    "the default run's first snapshot is the model before training (epoch 0, batch 0)",
    tuple(int(x) for x in history.steps[0]),
    expected=(0, 0),
)
glue("default_seed", default_seed())
glue("default_epochs", default_run.config["training"]["epochs"])
glue("default_rho", default_rho, "{:.2f}")
glue(
    "default_sign",
    "positive" if default_rho > 0 else "negative" if default_rho < 0 else "zero",
)
glue(
    "default_beats",
    "reaches" if default_rho >= rho_chance else "does not reach",
)
default_n_clear = int(default_clear.sum())
# Whole sentences: in some run no kernel may end with a clear preference.
_ = glue(
    "default_clear_sentence",
    f"{default_n_clear} {plural(default_n_clear, 'kernel ends', 'kernels end')} with a clear "
    f"preference, and {int(default_kept.sum())} of them leaned the same way at initialization."
    if default_n_clear
    else "No kernel ends with a clear preference in this run, so none can keep the way it "
    "leaned at initialization.",
)
# sphinx_gallery_end_ignore

# %%
# In this run, the rank correlation is |default_rho| (|default_sign|): alone,
# it |default_beats| what |chance_share| of unrelated orders reach (|rho_chance|).
# |default_clear_sentence|
#
# Why the start could matter, and what is not tested
# --------------------------------------------------
# There is a reason to expect a start to matter. A kernel's
# :term:`gradient` is a sum of :term:`image patches <patch>`, each weighted
# by the :term:`error signal` that reaches the kernel's output at that
# position (:ref:`the first page of this section
# <sphx_glr_auto_examples_why_edges_plot_01_gradient_is_patches.py>`), and
# that signal passes back through the :term:`ReLU` only where the kernel
# fired (:ref:`the second page
# <sphx_glr_auto_examples_why_edges_plot_02_error_signal.py>`): by the
# chain rule, the patches that enter a kernel's gradient at a step are
# those at positions where its output was positive. Whether that gating is
# what ties a change to its start, this page does not test: no run here
# changes the gating alone (a leaky ReLU would, or the swap trained with
# SGD instead of Adam's per-weight steps for the other candidate). And
# this page measured a correlation, and its own control shows the correlation
# without the task: trained on shuffled labels, the same starts and ends
# are related too, a positive correlation in more runs than chance gives.
# The intervention above moved the starts and measured where the
# preferences went: |swap_words|. The :ref:`next
# page <sphx_glr_auto_examples_why_edges_plot_04_optimizer.py>` looks at
# the other ingredient, the :term:`optimizer` that turns the gradient into a
# step.

# sphinx_gallery_thumbnail_number = 1
