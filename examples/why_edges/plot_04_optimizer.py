"""
What the optimizer changes
==========================

The site's runs train with :term:`Adam` :cite:p:`kingma2015adam`, which scales the step of every
weight by the history of that weight's :term:`gradients <gradient>`. Plain
stochastic :term:`gradient descent` (:term:`SGD`) does not: each step is
minus the :term:`learning rate` times the gradient, and a :term:`kernel`'s
gradient is a weighted sum of :term:`image patches <patch>`. Does the
optimizer change what the kernels become? That adaptive methods such as Adam
and plain SGD can reach different solutions of the same problem is known
:cite:p:`wilson2017marginal`; the question here is how the first-layer
kernels differ. Here every seed of the seed study
trains twice from the same initial weights and on the same
:term:`batches <batch>`, once with each optimizer (Adam at its usual
learning rate, SGD at one tuned for it), so that the optimizer and its
learning rate are the only differences between the two runs of a seed. Over the |n_seeds|
seeds, |sgd_trained_share| of SGD's trained kernels are :term:`edge
detectors <edge detector>` and |adam_trained_share| of Adam's; a kernel's
change with SGD correlates |r_median| with its change with Adam, in the
median. The sizes of the changes differ: with SGD, the largest change of a
seed's eight kernels is |sgd_spread_median| times the smallest in the
median seed, against |adam_spread_median| with Adam, and SGD's ratio is
the larger in |n_unequal| of the |n_seeds| seeds.
"""

# %%
# The same runs with SGD
# ----------------------
# The :ref:`seed study <sphx_glr_auto_examples_beyond_plot_05_seeds.py>`
# trains every seed in several arms, 8 :term:`epochs <epoch>` each; this
# page uses two. The ``adam`` arm is the site's usual training (learning rate
# |adam_lr|). The ``sgd`` arm is its twin: the same initial weights, the
# images in the same order, the same :term:`dropout` masks, trained with SGD
# at a learning rate of |sgd_lr|. That rate was tuned by hand, by looking at
# the test accuracy, so that SGD reaches the accuracy of Adam in these 8
# epochs: the one setting of the site chosen on held-out images. So the two
# optimizers differ in their rule and in their learning rate, and what this
# page finds about SGD is about SGD at this rate.
#
# Before measuring anything, the page states what it will call "about the
# same" (an :term:`equivalence test`): two accuracies within
# |margin_accuracy|. A difference of accuracies whose interval holds 0 but
# reaches past that margin is neither a difference nor "the same": the
# study cannot tell. The shares of edge detectors get no such margin: they
# are compared by their difference alone, so an interval that holds 0 says
# only that the study cannot tell, never that the shares are the same.

from dataclasses import replace

import matplotlib.pyplot as plt
import numpy as np
import torch

from cnnexplain.analysis import (
    is_edge_detector,
    kernel_correlation,
    kernel_gradient,
    seed_bootstrap,
    wilson_interval,
)
from cnnexplain.claims import span
from cnnexplain.experiment import default_seed, experiment
from cnnexplain.study import seed_study

SGD_LR = 0.1

# sphinx_gallery_start_ignore
# The margin of this page, stated before it measures anything (see cnnexplain.claims):
# "about the same accuracy" means within one point (2.4 of the 240 test images). The shares
# of edge detectors have none: they are read by their difference alone.
from cnnexplain.claims import declare_margins

margins = declare_margins(same_accuracy=0.01)
# sphinx_gallery_end_ignore

study = seed_study(range(100))
adam, sgd = study.arm("adam"), study.arm("sgd")
start = study.initial_weight[:, adam, :, 0]  # (seeds, 8, 7, 7), the same for every arm
trained = {
    "Adam": study.final_weight[:, adam, :, 0],
    "SGD": study.final_weight[:, sgd, :, 0],
}
changes = {name: kernels - start for name, kernels in trained.items()}
accuracy = {"Adam": study.final_accuracy[:, adam], "SGD": study.final_accuracy[:, sgd]}
for name, acc in accuracy.items():
    print(
        f"{name}: test accuracy {acc.min():.1%} to {acc.max():.1%},",
        f"median {np.median(acc):.1%}",
    )

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see cnnexplain.claims: a
# claim that does not hold fails the site's build; when you run this file, it only warns.
from cnnexplain.claims import (
    OUTCOMES,
    bound,
    difference,
    equivalent,
    glue,
    plural,
    setting,
    share,
)

glue("margin_accuracy", margins["same_accuracy"] * 100, "{:g} point")
n_seeds = glue("n_seeds", len(study))
glue("study_epochs", int(study.epochs[-1]))
glue("adam_lr", study.config["training"]["lr"], "{:g}")
glue("sgd_lr", study.config["training"]["sgd_lr"], "{:g}")
setting(
    "the study's 100 seeds, 8 epochs, Adam at 0.001 and SGD at 0.1",
    (
        len(study),
        int(study.epochs[-1]),
        study.config["training"]["lr"],
        study.config["training"]["sgd_lr"],
    ),
    expected=(100, 8, 0.001, 0.1),
)
setting("SGD_LR is the study's SGD learning rate", SGD_LR, expected=0.1)
setting(
    "the study's SGD learning rate is the page's",
    study.config["training"]["sgd_lr"],
    expected=0.1,
)
twins = bool((study.initial_weight[:, sgd] == study.initial_weight[:, adam]).all())
setting("each SGD run starts from the weights of its Adam twin", twins, expected=True)


def about_the_same(claim, a, b, margin, **kwargs):
    """A paired difference a - b, read from its interval: its outcome, and whether the
    whole interval lies within the declared margin (the equivalence is recorded only then)."""
    result = difference(
        claim, a, b, expect=OUTCOMES, paired=True, method="bootstrap", **kwargs
    )
    low, high = result.interval
    within = -margins[margin] < low and high < margins[margin]
    if within:
        equivalent(f"{claim}: within the margin stated in advance", a, b, within=margin,
                   paired=True, method="bootstrap", **kwargs)  # fmt: skip
    return result, within


def compare_words(result, within, thing, margin_text=None):
    """The words for a difference of SGD minus Adam: its direction, and the margin if it is
    within (``margin_text`` None: no margin was stated, the difference is read alone)."""
    if margin_text is None:
        return result.choose(
            larger=f"a higher {thing} than Adam (the whole interval lies above 0)",
            smaller=f"a lower {thing} than Adam (the whole interval lies below 0)",
            cannot_tell=f"a {thing} that this study cannot tell apart from Adam's (the "
            'interval holds 0; with no margin stated for the shares, that is not "the same")',
        )
    if not within:
        return result.choose(
            larger=f"a higher {thing} than Adam (the whole interval lies above 0)",
            smaller=f"a lower {thing} than Adam (the whole interval lies below 0)",
            cannot_tell=f"a {thing} that this study can neither tell apart from Adam's nor "
            f"call the same (the interval holds 0 and reaches past {margin_text})",
        )
    return result.choose(
        larger=f"a higher {thing} than Adam, but by less than {margin_text}, the margin stated "
        'in advance for "about the same" (the whole interval lies above 0 and within it)',
        smaller=f"a lower {thing} than Adam, but by less than {margin_text}, the margin stated "
        'in advance for "about the same" (the whole interval lies below 0 and within it)',
        cannot_tell=f"about the same {thing} as Adam (the whole interval lies within "
        f"{margin_text}, the margin stated in advance)",
    )


acc_test, acc_word = about_the_same(
    "SGD's test accuracy against its Adam twin's, seed by seed",
    accuracy["SGD"], accuracy["Adam"], "same_accuracy",
    statistic="mean paired difference of test accuracy (SGD minus Adam)", fmt="{:+.2%}",
)  # fmt: skip
glue("acc_diff", acc_test.value * 100, "{:+.2f}")
glue("acc_low", acc_test.interval[0] * 100, "{:+.2f}")
glue("acc_high", acc_test.interval[1] * 100, "{:+.2f}")
glue(
    "acc_words",
    compare_words(
        acc_test, acc_word, "accuracy", f"{margins['same_accuracy'] * 100:g} point"
    ),
)
for name, acc in accuracy.items():
    glue(f"{name.lower()}_acc_median", np.median(acc), "{:.1%}")
# sphinx_gallery_end_ignore

# %%
# On the test images, the median seed ends at |sgd_acc_median| with SGD and
# |adam_acc_median| with Adam. Seed by seed, SGD's accuracy minus Adam's is
# |acc_diff| points on average (:term:`95% interval` |acc_low| to
# |acc_high|, by a :term:`bootstrap` over the seeds): SGD reaches
# |acc_words|. That is what the learning rate was tuned for, on these test
# images, so it is a check of the tuning, not a finding.
#
# Edge detectors, with either optimizer
# -------------------------------------
# A trained kernel is its random start plus what training added, its
# *change* (final weights minus initial weights). Both are judged by the
# site's one definition of an :term:`edge detector`,
# :func:`~cnnexplain.analysis.is_edge_detector` (see :ref:`the edge-match
# page <sphx_glr_auto_examples_beyond_plot_01_edge_match.py>`), and each
# is compared with its own kind: SGD's trained kernels with Adam's trained
# kernels, SGD's changes with Adam's changes, seed by seed. Random kernels
# are no fair comparison for changes, which are weighted sums of image
# patches (and, with Adam, rescaled weight by weight).
#
# Each share below is over all the kernels of the study, 8 per seed. The
# initial kernels are independent draws (each weight is drawn on its own),
# so their share gets Wilson's interval. The 8 trained kernels of a seed are
# not -- they share a start and a training -- so the intervals of the
# trained kernels and their changes resample whole seeds
# (:func:`~cnnexplain.analysis.seed_bootstrap`).

verdicts = {"initial": is_edge_detector(start)}
for name in trained:
    verdicts[f"{name}, trained"] = is_edge_detector(trained[name])
    verdicts[f"{name}, change"] = is_edge_detector(changes[name])
shares = {label: seed_bootstrap(flags) for label, flags in verdicts.items()}
initial_low, initial_high = wilson_interval(
    int(verdicts["initial"].sum()), verdicts["initial"].size
)
shares["initial"] = replace(shares["initial"], low=initial_low, high=initial_high)
for label, s in shares.items():
    print(
        f"{label:<15} edge detectors {s.estimate:6.1%}",
        f"(95% interval {span(s.low, s.high, '{:.1%}')})",
    )

fig, ax = plt.subplots(figsize=(7.0, 2.8), layout="constrained")
labels = list(shares)
values = np.array([shares[label].estimate for label in labels])
errors = np.array(
    [
        [values[i] - shares[label].low, shares[label].high - values[i]]
        for i, label in enumerate(labels)
    ]
)
colors = ["0.6", "tab:blue", "tab:blue", "tab:orange", "tab:orange"]
ax.bar(range(len(labels)), values, color=colors, yerr=errors.T, capsize=4)
ax.set_xticks(
    range(len(labels)), [label.replace(", ", "\n") for label in labels], fontsize=9
)
ax.set_ylabel("share of kernels that\nare edge detectors", fontsize=9)
ax.set_ylim(0, 1)
ax.tick_params(axis="y", labelsize=9)
ax.set_title(
    f"conv1 kernels of {len(study)} seeds, 8 epochs; bars: 95% intervals", fontsize=10
)
for side in ("top", "right"):
    ax.spines[side].set_visible(False)

# sphinx_gallery_start_ignore
for label, key in (
    ("initial", "initial"),
    ("Adam, trained", "adam_trained"),
    ("SGD, trained", "sgd_trained"),
    ("Adam, change", "adam_change"),
    ("SGD, change", "sgd_change"),
):
    fmt = (
        "{:.1%}" if key == "initial" else "{:.0%}"
    )  # a handful of 800: 0% would hide it
    glue(f"{key}_share", shares[label].estimate, fmt)
    glue(f"{key}_low", shares[label].low, fmt)
    glue(f"{key}_high", shares[label].high, fmt)
n_kernels = glue("n_kernels", int(verdicts["initial"].size))
per_seed = {label: flags.mean(axis=1) for label, flags in verdicts.items()}
edge_words = {}
for part, kernels in (("trained", "trained kernels"), ("change", "changes")):
    # No "about the same" for the shares, and no margin: the difference is read alone.
    test = difference(
        f"SGD's share of edge detectors among its {kernels} against Adam's, seed by seed",
        per_seed[f"SGD, {part}"], per_seed[f"Adam, {part}"], expect=OUTCOMES, paired=True,
        method="bootstrap",
        statistic=f"mean paired difference of the share of edge detectors ({kernels}; SGD minus Adam)",
        fmt="{:+.1%}",
    )  # fmt: skip
    glue(f"{part}_diff", test.value * 100, "{:+.1f} points")
    glue(f"{part}_diff_low", test.interval[0] * 100, "{:+.1f}")
    glue(f"{part}_diff_high", test.interval[1] * 100, "{:+.1f}")
    glue(
        f"{part}_words",
        compare_words(test, False, "share"),
    )
share(
    "before training, few kernels are edge detectors: under one in ten",
    int(verdicts["initial"].sum()), n_kernels, below=0.1,
    statistic="initial kernels that are edge detectors (Wilson, kernels as draws: they are i.i.d.)",
    fmt="{:.1%}",
)  # fmt: skip
glue(
    "initial_are",
    plural(int(verdicts["initial"].sum()), "is an edge detector", "are edge detectors"),
)
n_initial = glue("initial_count", int(verdicts["initial"].sum()))
# sphinx_gallery_end_ignore

# %%
# Before training, |initial_count| of the |n_kernels| kernels
# |initial_are| (|initial_share|, Wilson's 95% interval |initial_low| to
# |initial_high|); their weights are drawn one by one, and
# a random draw rarely lines up into an edge. After training, |adam_trained_share| of Adam's trained
# kernels are edge detectors (95% interval |adam_trained_low| to
# |adam_trained_high|) and |sgd_trained_share| of SGD's (|sgd_trained_low|
# to |sgd_trained_high|). Seed by seed, SGD's share minus Adam's is
# |trained_diff| on average (|trained_diff_low| to |trained_diff_high|):
# SGD gives |trained_words| (exploratory: one of the site's many
# comparisons, not adjusted for them). That counts trained kernels, and the
# two optimizers move their kernels different distances from the same
# start (the section "How far each kernel moves", below), and the edge
# test misses more edges the shorter the change
# (:ref:`the size of change <change-size>`): the changes are the cleaner
# comparison.
#
# Among the changes, |adam_change_share| of Adam's are edge detectors
# (|adam_change_low| to |adam_change_high|) and |sgd_change_share| of SGD's
# (|sgd_change_low| to |sgd_change_high|); the paired difference is
# |change_diff| (|change_diff_low| to |change_diff_high|): SGD gives
# |change_words| (exploratory, as above).
#
# Edge-shaped, or only smoother?
# ------------------------------
# The edge test passes smooth patterns more often than rough ones (the
# smooth random fields of :ref:`the edge-match page
# <sphx_glr_auto_examples_beyond_plot_01_edge_match.py>`), so a lower share
# could come from rougher changes alone, with no less preference for
# edges. Each change's smoothness is the correlation of its weights with
# their neighbours (:func:`~cnnexplain.analysis.neighbour_correlation`): 0
# for noise, near 1 for a ramp. The changes of both optimizers are pooled
# and cut into ten groups of equal size by smoothness; a change's verdict
# (1 if it passes) minus the share that passes in its group is its excess
# (:func:`~cnnexplain.analysis.excess_at_equal_smoothness`), and the two
# optimizers are compared by their excess, seed by seed.

from cnnexplain.analysis import excess_at_equal_smoothness, neighbour_correlation

smoothness = {name: neighbour_correlation(c) for name, c in changes.items()}
excess = dict(
    zip(
        changes,
        excess_at_equal_smoothness(
            [verdicts[f"{name}, change"] for name in changes],
            [smoothness[name] for name in changes],
        ),
    )
)
for name in changes:
    print(
        f"{name} changes: median smoothness {np.median(smoothness[name]):.2f},",
        f"excess over smoothness's prediction {excess[name].mean():+.1%}",
    )

# sphinx_gallery_start_ignore
smoother = difference(
    "seed by seed, SGD's changes are smoother (mean neighbour correlation) than Adam's, "
    "rougher, or the study cannot tell (the text says which)",
    smoothness["SGD"].mean(axis=1), smoothness["Adam"].mean(axis=1),
    expect=OUTCOMES, paired=True, method="bootstrap", fmt="{:+.2f}",
    statistic="mean paired difference of the mean neighbour correlation, SGD minus Adam",
)  # fmt: skip
glue("smooth_adam", np.median(smoothness["Adam"]), "{:.2f}")
glue("smooth_sgd", np.median(smoothness["SGD"]), "{:.2f}")
glue("smooth_diff", smoother.value, "{:+.2f}")
glue("smooth_diff_low", smoother.interval[0], "{:+.2f}")
glue("smooth_diff_high", smoother.interval[1], "{:+.2f}")
glue("smooth_words", smoother.choose(
    larger="SGD's changes are smoother than Adam's",
    smaller="SGD's changes are rougher than Adam's",
    cannot_tell="the study cannot tell whether SGD's changes are smoother than Adam's or rougher",
))  # fmt: skip
at_equal = difference(
    "seed by seed, at equal smoothness, SGD's changes pass the edge test more often than Adam's, "
    "less often, or the study cannot tell (the text says which)",
    excess["SGD"].mean(axis=1), excess["Adam"].mean(axis=1),
    expect=OUTCOMES, paired=True, method="bootstrap", fmt="{:+.1%}",
    statistic="mean paired difference of the excess over smoothness's prediction, SGD minus Adam",
)  # fmt: skip
glue("equal_diff", at_equal.value * 100, "{:+.1f} points")
glue("equal_low", at_equal.interval[0] * 100, "{:+.1f}")
glue("equal_high", at_equal.interval[1] * 100, "{:+.1f}")
_ = glue("equal_words", at_equal.choose(
    larger="at equal smoothness SGD's changes pass more often than Adam's: SGD gives more "
    "edge-shaped changes beyond what smoothness predicts (exploratory: one of the site's many "
    "comparisons, not adjusted for them)",
    smaller="at equal smoothness SGD's changes pass less often than Adam's: SGD gives fewer "
    "edge-shaped changes beyond what smoothness predicts (exploratory: one of the site's many "
    "comparisons, not adjusted for them)",
    cannot_tell="at equal smoothness the study cannot tell SGD's changes from Adam's, and cannot "
    "say how much of the difference in share above is smoothness",
))  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# Seed by seed, |smooth_words| (median smoothness |smooth_sgd| against
# |smooth_adam|; mean paired difference |smooth_diff|, 95% interval
# |smooth_diff_low| to |smooth_diff_high|). Compared at equal smoothness,
# SGD's excess minus Adam's is |equal_diff| (|equal_low| to |equal_high|):
# |equal_words|. An edge is smooth itself, so this comparison may also
# remove part of a real difference in edges: it says what is left beyond
# smoothness, not what smoothness explains, and an interval that holds 0
# cannot tell; it does not say the optimizers give the same.
#
# The same share is not the same shape
# ------------------------------------
# Two changes can both be edge detectors and still differ: in orientation,
# in polarity, in where the edge lies. So compare the shapes directly:
# the :term:`correlation` between Adam's change of a kernel and SGD's
# change of the same kernel, from the same start. It ignores the size of
# each change. A null of the same kind: the correlation of Adam's change of
# a kernel with SGD's change of *another* kernel of the same seed (its
# size, ignoring its sign). Both changes come from the same images, so they
# share whatever every change on these images shares; what the same kernel
# adds on top is the agreement of its own two changes.

same = kernel_correlation(changes["Adam"], changes["SGD"])  # (seeds, 8)
cross = kernel_correlation(
    changes["Adam"][:, :, None], changes["SGD"][:, None, :]
)  # (seeds, 8, 8)
others = np.abs(cross[:, ~np.eye(8, dtype=bool)]).reshape(len(study), -1)  # (seeds, 56)
agreement = seed_bootstrap(same, "median")
below_half = seed_bootstrap(same < 0.5)
null_median = seed_bootstrap(others, "median")
print(
    f"same kernel:    median r   {agreement.estimate:.2f}",
    f"({span(agreement.low, agreement.high, '{:.2f}')})",
)
print(
    f"r below 0.5:    share      {below_half.estimate:.2f}",
    f"({span(below_half.low, below_half.high, '{:.2f}')})",
)
print(
    f"another kernel: median |r| {null_median.estimate:.2f}",
    f"({span(null_median.low, null_median.high, '{:.2f}')})",
)

fig, ax = plt.subplots(figsize=(7.0, 2.8), layout="constrained")
bins = np.linspace(-1, 1, 41)
ax.hist(
    others.ravel(),
    bins=bins,
    density=True,
    color="0.75",
    label="|r|, another kernel of the seed",
)
ax.hist(
    same.ravel(),
    bins=bins,
    density=True,
    histtype="step",
    lw=2,
    color="black",
    label="r, the same kernel",
)
ax.axvline(0.5, color="0.3", ls=":", lw=1)
ax.set_xlabel("correlation of Adam's change with SGD's change", fontsize=9)
ax.set_ylabel("density", fontsize=9)
ax.tick_params(labelsize=9)
ax.legend(frameon=False, fontsize=9, loc="upper left")
for side in ("top", "right"):
    ax.spines[side].set_visible(False)

# sphinx_gallery_start_ignore
glue("r_median", agreement.estimate, "{:.2f}")
glue("r_low", agreement.low, "{:.2f}")
glue("r_high", agreement.high, "{:.2f}")
glue("below_share", below_half.estimate, "{:.0%}")
glue("below_low", below_half.low, "{:.0%}")
glue("below_high", below_half.high, "{:.0%}")
glue("null_r_median", null_median.estimate, "{:.2f}")
glue("null_r_low", null_median.low, "{:.2f}")
glue("null_r_high", null_median.high, "{:.2f}")
shape_test = difference(
    "seed by seed, a kernel's two changes agree more than the changes of two different kernels, "
    "or less, or the study cannot tell (the text says which)",
    np.median(same, axis=1), np.median(others, axis=1), expect=OUTCOMES,
    statistic="median over seeds of (median r, same kernel) minus (median |r|, another kernel)",
)  # fmt: skip
glue("shape_diff", shape_test.value, "{:+.2f}")
glue("shape_diff_low", shape_test.interval[0], "{:+.2f}")
glue("shape_diff_high", shape_test.interval[1], "{:+.2f}")
# The sign test's interval covers the median at least 95% of the time: the text gives its coverage.
glue("shape_diff_level", shape_test.level, "{:.1%}")
glue(
    "shape_words",
    shape_test.choose(
        larger="a kernel's two changes agree more than the changes of two different kernels do",
        smaller="a kernel's two changes agree less than the changes of two different kernels do",
        cannot_tell="the study cannot tell whether a kernel's two changes agree more or less "
        "than the changes of two different kernels",
    ),
)
# "Most agree" and "many do not" are read from intervals, not from the estimates.
agree_words = (
    "more than half of the kernels' two changes correlate above 0.5"
    if below_half.high < 0.5
    else "more than half of the kernels' two changes correlate below 0.5"
    if below_half.low > 0.5
    else "the study cannot tell whether most kernels' two changes correlate above 0.5 or not"
)
agree_text = glue("agree_words", agree_words)
bound(
    "a kernel's change with Adam and its change with SGD correlate positively in the median",
    agreement.low, n=len(study), at_least=0,
    statistic="lower end of the 95% seed-bootstrap interval of the median r", fmt="{:.2f}",
)  # fmt: skip
if below_half.high < 0.5:
    bound(agree_words, below_half.high, n=len(study), at_most=0.5,
          statistic="upper end of the 95% seed-bootstrap interval of the share below 0.5", fmt="{:.1%}")  # fmt: skip
elif below_half.low > 0.5:
    bound(agree_words, below_half.low, n=len(study), at_least=0.5,
          statistic="lower end of the 95% seed-bootstrap interval of the share below 0.5", fmt="{:.1%}")  # fmt: skip
else:
    bound(agree_words + " (the interval's lower end)", below_half.low, n=len(study), at_most=0.5,
          statistic="lower end of the 95% seed-bootstrap interval of the share below 0.5", fmt="{:.1%}")  # fmt: skip
    bound(agree_words + " (the interval's upper end)", below_half.high, n=len(study), at_least=0.5,
          statistic="upper end of the 95% seed-bootstrap interval of the share below 0.5", fmt="{:.1%}")  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# The change of a kernel with Adam and its change with SGD correlate
# |r_median| in the median (95% interval |r_low| to |r_high|); |below_share|
# of the kernels (|below_low| to |below_high|) have a correlation below 0.5,
# so |agree_words|. The changes of two different kernels of a seed
# correlate |null_r_median| in the median, as a size (|null_r_low| to
# |null_r_high|). Seed by seed, the median of the first minus the median of
# the second is |shape_diff| in the median seed (the :term:`sign test`'s
# |shape_diff_level| interval |shape_diff_low| to |shape_diff_high|):
# |shape_words|.
#
# How far each kernel moves
# -------------------------
# The two optimizers also differ in the size of the changes, their
# :term:`norm`. The twins differ in two things at once, the update rule and
# its learning rate (|adam_lr| for Adam, |sgd_lr| for SGD), and
# this comparison does not separate them. With Adam, a weight's step has a ceiling set by the
# learning rate, whatever the size of its gradient (the section on the first
# update, below, measures it): its step is invariant to the scale of the
# gradient, as :cite:t:`kingma2015adam{section 2.1}` point out (rescale the
# gradients, and the running averages that divide them rescale alike), so a
# kernel's steps do not grow with the size of its gradients. With SGD, a
# weight steps in proportion to its gradient. For each seed and optimizer, the ratio of the largest change of
# the eight kernels to the smallest:

sizes = {
    name: np.linalg.norm(c.reshape(len(study), 8, -1), axis=2)
    for name, c in changes.items()
}
spread = {name: s.max(axis=1) / s.min(axis=1) for name, s in sizes.items()}
for name, ratio in spread.items():
    print(
        f"{name}: largest change / smallest, {ratio.min():.1f} to {ratio.max():.1f},",
        f"median {np.median(ratio):.1f}",
    )
more_unequal = spread["SGD"] > spread["Adam"]
print(f"SGD's ratio above Adam's in {more_unequal.sum()} of {len(study)} seeds")

# sphinx_gallery_start_ignore
for name in spread:
    glue(f"{name.lower()}_spread_min", spread[name].min(), "{:.1f}")
    glue(f"{name.lower()}_spread_max", spread[name].max(), "{:.1f}")
    glue(f"{name.lower()}_spread_median", np.median(spread[name]), "{:.1f}")
n_unequal = glue("n_unequal", int(more_unequal.sum()))
share(
    "in most seeds, SGD's kernels change by more unequal amounts than Adam's (largest / smallest change)",
    n_unequal, n_seeds, above=0.5, statistic="seeds where SGD's ratio is above Adam's",
)  # fmt: skip
unequal_word = glue("unequal_seeds", plural(n_unequal, "seed", "seeds"))
# sphinx_gallery_end_ignore

# %%
# With Adam, the kernel that changes most changes |adam_spread_min| to
# |adam_spread_max| times as much as the one that changes least (median
# |adam_spread_median|); with SGD, |sgd_spread_min| to |sgd_spread_max|
# times (median |sgd_spread_median|). SGD's ratio is the larger in
# |n_unequal| of the |n_seeds| |unequal_seeds|: with SGD at its learning
# rate, the kernels of a seed change by far more unequal amounts (a fact
# about these two settings, not about the update rule alone).
#
# The kernels of one seed, seed 0, after training, each above its change:
# one figure per optimizer, kernels 0 to 3 on top and 4 to 7 below them. A
# thick frame marks an edge detector. An optimizer's eight kernels share a
# colour scale; each change is drawn on its own scale (divided by its
# largest weight), to show its shape whatever its size, with its size, its
# norm, written above it; under each SGD change, its correlation ``r`` with
# Adam's change of the same kernel.


def plot_kernels_and_changes(name, seed):
    """A seed's eight kernels after training, each above its change, in rows of four.

    Four to a row, so that each 7x7 panel is 120 px wide or more on the page.
    """
    kernels, change = trained[name][seed], changes[name][seed]
    sizes = np.linalg.norm(change.reshape(8, -1), axis=1)
    shown = {
        "kernel": kernels,
        "change": change / np.abs(change).max(axis=(1, 2), keepdims=True),
    }
    fig, axes = plt.subplots(4, 4, figsize=(7.0, 6.8), layout="constrained")
    for r, row in enumerate(axes):
        part = "kernel" if r % 2 == 0 else "change"
        limit = np.abs(shown[part]).max()
        edge = is_edge_detector(kernels if part == "kernel" else change)
        for k, ax in zip(range(4 * (r // 2), 4 * (r // 2) + 4), row):
            image = ax.imshow(shown[part][k], cmap="RdBu_r", vmin=-limit, vmax=limit)
            title = f"kernel {k}" if part == "kernel" else f"norm {sizes[k]:.2f}"
            ax.set_title(title, fontsize=9, pad=2)
            if part == "change" and name == "SGD":
                ax.set_xlabel(f"r = {same[seed, k]:+.2f}", fontsize=9, labelpad=2)
            for spine in ax.spines.values():
                spine.set_linewidth(2.5 if edge[k] else 0.6)
                spine.set_color("black" if edge[k] else "0.6")
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(f"{name}\n{part}", fontsize=9)
        colorbar = fig.colorbar(image, ax=row, shrink=0.9, pad=0.01)
        label = "weight" if part == "kernel" else "change /\nits largest"
        colorbar.set_label(label, fontsize=9)
        colorbar.ax.tick_params(labelsize=9)
    fig.suptitle(f"{name}, seed {study.seeds[seed]}", fontsize=10)


plot_kernels_and_changes("Adam", 0)

# %%
# And with SGD, the same seed:

plot_kernels_and_changes("SGD", 0)

# %%
# The first update, rebuilt from patches
# --------------------------------------
# With SGD, the first update of the kernels is ``-lr`` times the gradient
# of the first batch's mean :term:`loss`, and
# :func:`~cnnexplain.analysis.kernel_gradient` computes that gradient as a
# sum of image patches, each weighted by the :term:`error signal` at its position.
# We rebuild it in this run (seed |seed|) and compare it with what
# training recorded. Two details make the comparison exact:
#
# - dropout makes a training step depend on a random mask, while
#   ``kernel_gradient`` runs the network without dropout; so this run
#   trains the same network, from the same weights, with dropout switched
#   off, for one epoch, recording the weights after every batch;
# - :func:`~cnnexplain.training.train` draws each epoch's order of the
#   training images with :func:`torch.randperm`, from a generator seeded
#   with the training seed: the first 32 images of that order are the first
#   batch.
#
# Adam gets the same treatment: its first step is ``-lr * g / (|g| +
# eps)`` weight by weight (its averages of ``g`` and ``g**2`` start from
# zero and are corrected for it), so every weight whose gradient is not
# zero moves by the learning rate, whatever the size of that gradient: the
# sign of the sum of patches, not the sum.

seed = default_seed()
no_dropout = {"seed": seed, "dropout": 0.0}
first_epoch = {"seed": seed, "epochs": 1, "record": "batch"}
sgd_steps = experiment(
    model=no_dropout,
    training={**first_epoch, "optimizer": "sgd", "lr": SGD_LR},
)
adam_steps = experiment(model=no_dropout, training=first_epoch)

train_set = sgd_steps.train_set
batch_size = sgd_steps.config["training"]["batch_size"]
order = torch.randperm(len(train_set), generator=torch.Generator().manual_seed(seed))
first = order[:batch_size]
start = sgd_steps.history.model_at(0)
images, labels = train_set.images[first], train_set.labels[first]
gradient = kernel_gradient(start, images, labels).total[:, 0]  # (8, 7, 7)

rebuilt_sgd = -SGD_LR * gradient
adam_lr = adam_steps.config["training"]["lr"]
rebuilt_adam = -adam_lr * gradient / (np.abs(gradient) + 1e-8)
recorded_sgd = np.diff(sgd_steps.history["conv1.weight"][:2, :, 0], axis=0)[0]
recorded_adam = np.diff(adam_steps.history["conv1.weight"][:2, :, 0], axis=0)[0]
error_sgd = np.abs(rebuilt_sgd - recorded_sgd).max()
error_adam = np.abs(rebuilt_adam - recorded_adam).max()
# moved by the learning rate, within 1%
full_step = np.abs(np.abs(recorded_adam) / adam_lr - 1) < 0.01
print(f"first batch: images {first[:8].tolist()} ...")
print(f"SGD:  largest |rebuilt - recorded| {error_sgd:.1e}", end="")
print(f", largest update {np.abs(recorded_sgd).max():.1e}")
print(f"Adam: largest |rebuilt - recorded| {error_adam:.1e}")
print(f"      {full_step.sum()} of {full_step.size} weights moved by lr = {adam_lr}")
others = np.abs(gradient[~full_step]).max(initial=0)
print(f"      largest |gradient| of the others: {others:.1e}")

# sphinx_gallery_start_ignore
glue("seed", seed)
glue("error_sgd", error_sgd, "{:.1e}")
glue("error_adam", error_adam, "{:.1e}")
largest_sgd = glue("sgd_largest", np.abs(recorded_sgd).max(), "{:.1e}")
n_full = glue("n_full", int(full_step.sum()))
glue("n_weights", full_step.size)
n_still = glue("n_still", int((recorded_adam == 0).sum()))
largest_gradient = np.abs(gradient).max()
# What became of the weights that did not move by the learning rate, in words that fit their count.
n_rest = full_step.size - n_full
others_text = f"The other {n_rest} {plural(n_rest, 'weight', 'weights')}"
why_still = "their gradient on this batch was exactly zero, which is what happens when no patch that received an error signal has a non-zero pixel under"
if n_rest == 0:
    rest_text = "That is every one of them."
elif n_still == n_rest:
    rest_text = f"{others_text} did not move at all: {why_still} {plural(n_rest, 'it', 'them')}."
elif n_still == 0:
    rest_text = f"{others_text}, with gradients under 1% of the largest, moved less."
else:
    rest_text = (
        f"{others_text} {plural(n_rest, 'has a gradient', 'have gradients')} under 1% of the "
        f"largest, and {n_still} of them did not "
        f"move at all: {why_still} {plural(n_still, 'it', 'them')}."
    )
glue("rest_text", rest_text)
from cnnexplain.claims import bound

setting(
    "the check runs are this run's weights without dropout, one epoch, every batch recorded; "
    "SGD at 0.1, batches of 32",
    (
        sgd_steps.config["model"]["dropout"],
        adam_steps.config["model"]["dropout"],
        sgd_steps.config["model"]["seed"] == seed,
        tuple(int(x) for x in sgd_steps.history.steps[1]),
        sgd_steps.config["training"]["lr"],
        batch_size,
    ),
    expected=(0.0, 0.0, True, (1, 1), 0.1, 32),
)
bound(
    "SGD's first update equals -lr times the sum of patches within 1e-5",
    error_sgd, n=1, at_most=1e-5, statistic="largest |rebuilt - recorded|", fmt="{:.1e}",
)  # fmt: skip
bound(
    "SGD's first update equals -lr times the sum of patches within 0.1% of the largest update",
    error_sgd / largest_sgd, n=1, at_most=1e-3,
    statistic="largest |rebuilt - recorded| / largest update", fmt="{:.1e}",
)  # fmt: skip
bound(
    "Adam's first update equals -lr * g / (|g| + eps) within 1e-5",
    error_adam, n=1, at_most=1e-5, statistic="largest |rebuilt - recorded|", fmt="{:.1e}",
)  # fmt: skip
bound(
    "Adam's first update equals -lr * g / (|g| + eps) within 1% of the learning rate",
    error_adam / adam_lr, n=1, at_most=0.01,
    statistic="largest |rebuilt - recorded| / learning rate", fmt="{:.1e}",
)  # fmt: skip
bound(
    "with Adam, most conv1 weights (more than half) move by the learning rate, within 1%",
    n_full / full_step.size, n=1, at_least=0.5,
    statistic="share of the weights that moved by lr", fmt="{:.1%}",
)  # fmt: skip
bound(
    "with Adam, the weights that move less have gradients under 1% of the largest",
    others / largest_gradient, n=1, at_most=0.01,
    statistic="largest |gradient| of the others / largest |gradient|", fmt="{:.1e}",
)  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# The rebuilt SGD update differs from the recorded one by |error_sgd| at
# most, for updates of up to |sgd_largest| (the rounding of float32
# weights): it *is* the learning rate times the weighted sum of patches.
# Adam's rebuilt first update differs from the recorded one by
# |error_adam|. |n_full| of the |n_weights| weights moved by the learning
# rate (within 1%). |rest_text| The figure shows the eight
# kernels' first updates, kernels 0 to 3 on top and 4 to 7 below them:
# SGD's as recorded and as rebuilt, and Adam's as recorded, with one colour
# scale per optimizer.

# Four kernels to a row, so that each 7x7 panel is 120 px wide or more on the page.
fig, axes = plt.subplots(6, 4, figsize=(7.0, 9.4), layout="constrained")
panels = [
    ("SGD,\nrecorded", recorded_sgd),
    ("SGD, rebuilt:\n-lr x patches", rebuilt_sgd),
    ("Adam,\nrecorded", recorded_adam),
]
for r, row in enumerate(axes):
    label, updates = panels[r % 3]
    kernels = range(4 * (r // 3), 4 * (r // 3) + 4)
    limit = np.abs(recorded_sgd if "SGD" in label else recorded_adam).max()
    for k, ax in zip(kernels, row):
        image = ax.imshow(updates[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
        if label.startswith("SGD,\n"):
            ax.set_title(f"kernel {k}", fontsize=9)
    row[0].set_ylabel(label, fontsize=9)
    if label.startswith("SGD, rebuilt") or label.startswith("Adam"):
        targets = axes[r - 1 : r + 1] if label.startswith("SGD") else row
        colorbar = fig.colorbar(image, ax=targets, shrink=0.9, pad=0.01)
        colorbar.set_label(f"{label.split(',')[0]} update", fontsize=9)
        colorbar.ax.tick_params(labelsize=9)

# %%
# After the first step
# --------------------
# Only Adam's first step is exactly the learning rate. From the second
# step on, its running averages mix the new gradient with the earlier ones,
# and a weight whose gradient changes sign from batch to batch takes a
# smaller step. The step still cannot grow with the gradient:
# :cite:t:`kingma2015adam{section 2.1}`, who introduced Adam, bound it by the learning rate
# times (1 - beta1) / sqrt(1 - beta2), about |adam_ceiling| for PyTorch's
# default betas. Over the |n_later| later steps of the same first epoch,
# the median step of a first-layer weight is |later_median| of the
# learning rate, and the largest |later_largest|.

later_steps = (
    np.abs(np.diff(adam_steps.history["conv1.weight"][1:, :, 0], axis=0)) / adam_lr
)
print(f"steps 2 to {len(later_steps) + 1}, |step| / lr:", end=" ")
print(f"median {np.median(later_steps):.2f}, largest {later_steps.max():.2f}")

# sphinx_gallery_start_ignore
beta1, beta2 = torch.optim.Adam([torch.zeros(1)]).defaults["betas"]
ceiling = glue("adam_ceiling", (1 - beta1) / (1 - beta2) ** 0.5, "{:.2f}")
glue("n_later", len(later_steps))
glue("later_median", float(np.median(later_steps)), "{:.2f}")
glue("later_largest", float(later_steps.max()), "{:.2f}")
setting(
    "the site trains with PyTorch's default Adam betas, 0.9 and 0.999",
    (beta1, beta2),
    expected=(0.9, 0.999),
)
bound(
    "Adam's later steps stay under the ceiling of Kingma and Ba, 3.162 times the learning rate",
    float(later_steps.max()), n=int(later_steps.size), at_most=3.162,
    statistic="largest |step| / learning rate, steps 2 onwards of the first epoch", fmt="{:.2f}",
)  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# SGD's update keeps the pattern of the summed patches and its proportions:
# weights that many strong patches pushed the same way move most. Adam's
# first step keeps only the signs -- Adam as a descent along the
# gradient's sign, scaled per weight, is the reading of
# :cite:t:`balles2018dissecting` -- so a weight whose gradient is nearly
# balanced moves as far as one that every patch pushed; its later steps
# divide by a running average of the gradient's size (the first epoch's
# steps, measured above, are summarized there by their median and largest
# size; no trend over the steps is measured, and later epochs were not
# measured step by step). After |study_epochs| epochs, over
# the study's |n_seeds| seeds, the two optimizers' changes of the same
# kernel correlate |r_median| in the median, and among the changes SGD
# gives |change_words| (exploratory); |equal_words|. That is what swapping the optimizer shows, with the
# data, the starts and the batches held, but each optimizer at its own
# learning rate (SGD's chosen on this data, as said above); the other pages
# of this section look at the gradient itself.

# sphinx_gallery_thumbnail_number = 3
