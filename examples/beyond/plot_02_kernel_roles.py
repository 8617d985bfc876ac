"""
Dead, redundant and essential kernels
=====================================

Eight first-layer :term:`kernels <kernel>` for a two-class problem is
generous. Do all eight matter? Here we take the trained network apart,
kernel by kernel: we look for kernels that do not fire on the test
images (:term:`dead <dead kernel>`), for kernels that are copies of each
other, and then simply switch kernels off -- one, two, and a whole group at a time, an
:term:`ablation` -- and measure what the network loses. In this run, the costliest
single kernel takes |worst_single| points of accuracy with it, and
|intro_group| |intro_lean| Over the |n_runs| runs of the seed study, the
costlier leaning group costs more than the costlier group of the median
blind split of the same kernels in |k_lean_runs| (95% interval |k_lean_runs_low| to |k_lean_runs_high|:
|k_lean_runs_words|).
"""

# %%
# Dead kernels
# ------------
# A dead kernel does not get past its :term:`ReLU` on the images tested:
# its output after the ReLU is zero, or nearly, on every one of them (an
# image unlike them could still make it fire; this site's page on
# :ref:`dead kernels <sphx_glr_auto_examples_side_trips_plot_01_dead_kernels.py>`
# provokes some). :func:`~cnnexplain.analysis.dead_kernels`
# records each kernel's largest ``relu1`` output over the |n_test| images
# of the :term:`test set`.

import itertools

import matplotlib.pyplot as plt
import numpy as np
import torch

from cnnexplain import evaluate, viz
from cnnexplain.analysis import (
    CLEAR_PREFERENCE,
    ablation,
    dead_kernels,
    is_edge_detector,
    kernel_similarity,
    redundant_pairs,
    selectivity,
    wilson_interval,
    without_kernels,
)
from cnnexplain.claims import span
from cnnexplain.experiment import experiment
from cnnexplain.study import seed_study

run = experiment()
model, test = run.model, run.test_set
dead = dead_kernels(model, test)
print("largest relu1 output per kernel:", np.round(dead.peak, 2))
print("dead kernels:", dead.indices)
print(f"weakest peak / strongest peak: {dead.peak.min() / dead.peak.max():.0%}")

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims (check), see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning.
from cnnexplain.claims import (
    OUTCOMES,
    bound,
    difference,
    every,
    glue,
    majority,
    plural,
    setting,
)

glue("n_test", len(test))
# The sentences follow the run: a kernel can die at the default learning rate too, two
# kernels can end alike, and how many kernels go for free varies from run to run.
if not dead.indices:
    glue(
        "dead_words",
        "all eight fire: the weakest kernel still reaches "
        f"{dead.peak.min() / dead.peak.max():.0%} of the strongest one's peak",
    )
    every(
        "in this run, no kernel is dead",
        np.array([k not in dead.indices for k in range(len(dead.peak))]),
        statistic="kernels not dead",
    )
else:
    glue(
        "dead_words",
        f"{plural(len(dead.indices), 'kernel', 'kernels')} {', '.join(map(str, dead.indices))} "
        f"{plural(len(dead.indices), 'is', 'are')} dead: "
        f"{plural(len(dead.indices), 'its', 'their')} largest output on the test images is at "
        f"most {dead.threshold:.0%} of the strongest kernel's",
    )
    bound(
        "in this run, some kernel is dead",
        len(dead.indices),
        n=len(dead.peak),
        at_least=1,
        statistic="dead kernels",
        fmt="{:.0f}",
    )
setting("the first layer has eight kernels", model.conv1.out_channels, expected=8)
# sphinx_gallery_end_ignore

# %%
# In this run, |dead_words|.
#
# Copies
# ------
# Two kernels that are near copies compute nearly the same feature, so the
# network might lose little without one of them (switching kernels off,
# below, measures what it does lose).
# :func:`~cnnexplain.analysis.kernel_similarity` gives the
# :term:`cosine similarity` of every pair of kernels (1: same pattern, -1: the same pattern
# negated); :func:`~cnnexplain.analysis.redundant_pairs` lists the pairs
# beyond a threshold, here |threshold|, outlined in the figure.

THRESHOLD = 0.9
similarity = kernel_similarity(model, "conv1")
pairs = redundant_pairs(model, "conv1", threshold=THRESHOLD)
off_diagonal = np.abs(similarity[~np.eye(len(similarity), dtype=bool)])
print(f"near copies: {pairs}")
print(f"largest |similarity| of two different kernels: {off_diagonal.max():.2f}")
fig = viz.plot_kernel_similarity(similarity, threshold=THRESHOLD)

# sphinx_gallery_start_ignore
glue("threshold", THRESHOLD)
glue("largest_similarity", off_diagonal.max(), "{:.2f}")
if not pairs:
    glue("copies_words", "No pair reaches the threshold")
    every(
        f"in this run, no pair of kernels is a near copy (|similarity| above {THRESHOLD})",
        np.abs(similarity[np.triu_indices(len(similarity), 1)]) <= THRESHOLD,
        statistic=f"pairs of kernels with |similarity| at most {THRESHOLD}",
    )
else:
    glue(
        "copies_words",
        f"{len(pairs)} {plural(len(pairs), 'pair reaches', 'pairs reach')} the threshold",
    )
    bound(
        f"in this run, some pair of kernels is a near copy (|similarity| above {THRESHOLD})",
        len(pairs),
        n=len(similarity) * (len(similarity) - 1) // 2,
        at_least=1,
        statistic="pairs beyond the threshold",
        fmt="{:.0f}",
    )
# sphinx_gallery_end_ignore

# %%
# |copies_words|: the largest size of the similarity (a cosine) between two different kernels is
# |largest_similarity|. A kernel might also add little without looking like
# another; switching kernels off, below, measures what each one adds.
#
# Switching kernels off
# ---------------------
# :func:`~cnnexplain.analysis.ablation` zeroes one kernel at a time (its
# :term:`weights <weight>` and its :term:`bias`, so its map is 0
# everywhere), evaluates the network on the test images, and restores it.
# The drop in :term:`accuracy` says how much the network relies on that
# kernel; the increase of the :term:`loss` (the mean :term:`cross-entropy`)
# catches smaller effects that do not yet flip a decision.

single = ablation(model, test, "conv1")
fig = viz.plot_ablation(single)

for k, drop, loss in zip(single.channels, single.drop, single.loss):
    print(f"without kernel {k}: accuracy {100 * (1 - drop):.1f}%, loss {loss:.4f}")
costly = [int(k) for k in single.channels[single.drop > 0.01]]


def decisions(model, test):
    """The class the network picks for each test image (in evaluation mode)."""
    training = model.training
    model.eval()
    with torch.no_grad():
        picked = model(test.images).argmax(dim=1)
    model.train(training)
    return picked


# "Free" here means only that no test image changes class, which is more than an
# unchanged accuracy (one image lost and another gained would leave it unchanged);
# it does not mean that the kernel does nothing: the loss says that.
intact = decisions(model, test)
free = [
    int(k)
    for k in single.channels
    if torch.equal(decisions(without_kernels(model, {int(k)}), test), intact)
]
print(
    f"intact: accuracy {single.baseline_accuracy:.1%}, loss {single.baseline_loss:.5f}"
)
print("kernels whose removal costs more than 1 point of accuracy:", costly)
print("kernels whose removal changes no test image's class:", free)


def kernels_phrase(kernels):
    """'none', 'kernel 5' or 'kernels 1 and 3': kernel numbers in words."""
    if not kernels:
        return "none"
    if len(kernels) == 1:
        return f"kernel {kernels[0]}"
    return "kernels " + ", ".join(map(str, kernels[:-1])) + f" and {kernels[-1]}"


# sphinx_gallery_start_ignore
glue("costly_kernels", kernels_phrase(costly))
glue("worst_single", 100 * single.drop.max(), "{:.1f}")
glue("n_free", len(free))
# A count of these eight kernels, not a sample of a larger population: no
# interval. "More than half" is 5 of 8 or more.
same_class = (
    f"without changing the class of a single one of the {len(test)} test images"
)
if len(free) > len(single) / 2:
    glue(
        "free_words",
        f"More than half of this run's kernels, {len(free)} of the eight, can each be "
        f"removed alone {same_class}",
    )
    bound(
        "in this run, more than half of the eight kernels (5 or more) can go alone without "
        "any test image changing class",
        len(free),
        n=len(single),
        at_least=5,
        statistic="kernels whose zeroing changes no test decision",
        fmt="{:.0f}",
    )
else:
    glue(
        "free_words",
        "No kernel of this run can be removed alone without changing the class of some "
        "test image"
        if not free
        else f"Only {len(free)} of this run's eight kernels "
        f"{plural(len(free), 'can be', 'can each be')} removed alone {same_class}",
    )
    bound(
        "in this run, at most half of the eight kernels (4 or fewer) can go alone without "
        "any test image changing class",
        len(free),
        n=len(single),
        at_most=4,
        statistic="kernels whose zeroing changes no test decision",
        fmt="{:.0f}",
    )
# The test's ceiling, in words chosen by the run: at 100% the accuracy can only fall.
if single.baseline_accuracy >= 1.0:
    glue(
        "ceiling_words",
        f"The intact network already classifies all {len(test)} test images correctly, "
        "so the accuracy can only fall, and an effect too small to change a decision "
        "shows only in the loss.",
    )
    bound(
        "in this run, the intact network classifies every test image correctly",
        single.baseline_accuracy, n=len(test), at_least=1.0,
        statistic="test accuracy of the intact network", fmt="{:.1%}",
    )  # fmt: skip
else:
    glue(
        "ceiling_words",
        f"The intact network classifies {single.baseline_accuracy:.1%} of the test images "
        "correctly; an effect too small to change a decision shows only in the loss.",
    )
    bound(
        "in this run, the intact network gets some test image wrong",
        single.baseline_accuracy, n=len(test), at_most=0.999,  # one image in 240 wrong is 99.6%
        statistic="test accuracy of the intact network", fmt="{:.1%}",
    )  # fmt: skip
# Not detected by the accuracy is not no effect: what removing each of these kernels
# does to the loss, in words chosen by the run (the ratio to the intact loss).
free_ratio = single.loss[free] / single.baseline_loss if free else np.array([])
raised = free_ratio > 1
if free and raised.all():
    glue(
        "free_loss_words",
        "yet each of these removals raises the test loss, to between "
        f"{free_ratio.min():.3g} and {free_ratio.max():.3g} times the intact network's "
        "loss: the network's outputs still depend on each of these "
        "kernels, in a way the accuracy does not show.",
    )
    every(
        "in this run, removing any one of the kernels that change no decision raises the "
        "test loss",
        raised,
        statistic="kernels changing no decision whose zeroing raises the test loss",
    )
    bound(
        "in this run, removing any one of the kernels that change no decision multiplies "
        "the test loss by more than 1 (the smallest ratio, as the text gives it)",
        free_ratio.min(), n=len(free), at_least=1.0,
        statistic="smallest test loss without one such kernel / intact test loss",
        fmt="{:.3g}",
    )  # fmt: skip
    glue(
        "free_last_words",
        f"its removal still raises the test loss ({free_ratio.min():.3g} times the intact "
        "loss or more in this run)",
    )
elif free:
    n_raised = int(raised.sum())
    n_other = len(free) - n_raised
    glue(
        "free_loss_words",
        f"removing {n_raised} of them raises the test loss, and removing "
        f"{plural(n_other, 'the other one does', f'the other {n_other} does')} not (the "
        f"smallest ratio to the intact network's loss is {free_ratio.min():.3g}).",
    )
    bound(
        "in this run, removing some kernel that changes no decision does not raise the "
        "test loss (the smallest ratio, as the text gives it, is at most 1)",
        free_ratio.min(), n=len(free), at_most=1.0,
        statistic="smallest test loss without one such kernel / intact test loss",
        fmt="{:.3g}",
    )  # fmt: skip
    glue(
        "free_last_words",
        "its removal may still change the test loss (in this run, "
        f"{n_raised} of {len(free)} such removals raise it)",
    )
else:
    glue("free_loss_words", "each single removal shows in the accuracy itself.")
    glue(
        "free_last_words",
        "its removal may still change the test loss (in this run, every kernel's removal "
        "changes some decision)",
    )
# sphinx_gallery_end_ignore

# %%
# In this run, the kernels whose removal alone costs more than one point of
# accuracy: |costly_kernels|. The costliest single kernel takes
# |worst_single| points. |ceiling_words| |free_words|; |free_loss_words|
#
# Two at a time
# -------------
# A kernel whose removal alone changes no decision can still matter:
# losing it together with another can cost more than losing each alone. Zeroing every pair of
# kernels (|n_pairs| pairs, each evaluated on the test images, with
# :func:`~cnnexplain.analysis.without_kernels`) shows which pairs do. The
# diagonal repeats the single ablations.

n = len(single)
drop = np.zeros((n, n))
for i, j in itertools.combinations_with_replacement(range(n), 2):
    _, accuracy = evaluate(without_kernels(model, {i, j}), test)
    drop[i, j] = drop[j, i] = 100 * (single.baseline_accuracy - accuracy)

fig, ax = plt.subplots(figsize=(6.0, 5.0), layout="constrained")
im = ax.imshow(drop, cmap="Reds", vmin=0)
for i, j in itertools.product(range(n), repeat=2):
    ax.text(
        j,
        i,
        f"{drop[i, j]:.0f}",
        ha="center",
        va="center",
        fontsize=10,
        color="white" if drop[i, j] > 0.6 * drop.max() else "black",
    )
ax.set_xticks(range(n))
ax.set_yticks(range(n))
ax.set_xlabel("kernel zeroed")
ax.set_ylabel("kernel zeroed")
ax.set_title("accuracy drop (points) with two kernels zeroed")
fig.colorbar(im, ax=ax, shrink=0.85, label="points")

# For each pair of two different kernels, how much more it costs than its two
# kernels alone; the pair where that is largest (the first one of a tie).
pair_list = list(itertools.combinations(range(n), 2))
excess_all = np.array([drop[a, b] - drop[a, a] - drop[b, b] for a, b in pair_list])
i, j = pair_list[int(np.argmax(excess_all))]
excess = excess_all.max()
print(f"largest excess: kernels {i} and {j}, {drop[i, j]:.1f} points;", end=" ")
print(f"alone {drop[i, i]:.1f} and {drop[j, j]:.1f}")

# sphinx_gallery_start_ignore
glue("n_pairs", n * (n - 1) // 2)
glue("pair_i", i)
glue("pair_j", j)
glue("pair_drop", drop[i, j], "{:.1f}")
glue("pair_i_alone", drop[i, i], "{:.1f}")
glue("pair_j_alone", drop[j, j], "{:.1f}")
# 5 points are 12 of the 240 test images: more than a few borderline images.
# The sentence follows the run: a pair that costs more than 5 points beyond
# its two kernels alone shows costs that do not add up; else no
# pair does, and the page says so.
PAIR_EXCESS = 5
covering = excess > PAIR_EXCESS
glue(
    "pair_finding",
    "In this run, their costs do not add up: together they cost more than the sum of their "
    "costs alone. (Accuracy counts only the images that change class, so costs need not add "
    "up even where the two kernels' effects on the scores do.)"
    if covering
    else f"No pair costs more than {PAIR_EXCESS} points beyond its two kernels alone: "
    "in this run, no pair's cost goes beyond the sum of its two kernels' costs by that much (larger "
    "groups come next).",
)
if covering:
    bound(
        "in this run, some pair costs more than its two kernels alone, by more than 5 points",
        excess,
        n=1,
        at_least=PAIR_EXCESS,
        statistic=f"kernels {i} and {j}: points lost together minus alone",
        fmt="{:.1f}",
    )
else:
    every(
        "in this run, no pair of kernels costs more than 5 points beyond its two kernels alone",
        excess_all <= PAIR_EXCESS,
        statistic="pairs within 5 points of their two kernels alone",
    )
# sphinx_gallery_end_ignore

# %%
# In this run, the pair that costs most beyond its two kernels alone is
# kernels |pair_i| and |pair_j|: together they cost |pair_drop| points, alone
# |pair_i_alone| and |pair_j_alone|. |pair_finding|
#
# Groups that lean the same way
# -----------------------------
# Do kernels that lean the same way matter together? The :term:`selectivity index` says what each kernel
# prefers (from -1, fires only on vertical lines, to +1, only on horizontal
# ones; see :func:`~cnnexplain.analysis.selectivity`); this page measures
# it on the test images, so its values differ a little from the cast's,
# which uses the training images. Take the kernels with
# a :term:`clear preference` (an index beyond plus or minus |clear_cut|)
# for horizontal lines, and those with one for vertical lines, and zero
# each group at once. Three things inflate the costlier group's cost
# whatever way its kernels lean: a group of several kernels costs more than
# one kernel, the costlier of two groups costs more than a typical group,
# and kernels with a clear preference may matter more than the others
# (though in larger networks, :cite:t:`morcos2018importance` found a
# unit's class selectivity a poor predictor of what deleting it costs). So
# the fair comparison keeps all three and drops only the direction: the
# same kernels, split blindly into two groups of the same two sizes, every
# way it can be done (|n_null| splits, the split by direction among them),
# and the costlier group of each split:


def group_cost(model, test, kernels, baseline_accuracy):
    """Points of accuracy lost with ``kernels`` zeroed together."""
    _, accuracy = evaluate(without_kernels(model, list(kernels)), test)
    return 100 * (baseline_accuracy - accuracy)


index = selectivity(model, test).index
groups = {
    "horizontal": [k for k in range(n) if index[k] > CLEAR_PREFERENCE],
    "vertical": [k for k in range(n) if index[k] < -CLEAR_PREFERENCE],
}
group_drop = {}
for direction, kernels in groups.items():
    group_drop[direction] = group_cost(model, test, kernels, single.baseline_accuracy)
    print(f"leaning {direction}:")
    for k in kernels:
        print(
            f"  kernel {k}: index {index[k]:+.2f}, costs {drop[k, k]:.1f} points alone"
        )
    print(f"  all {len(kernels)} zeroed at once: {group_drop[direction]:.1f} points")

costlier = max(group_drop, key=group_drop.get)
members = groups[costlier]
members_alone = max((drop[k, k] for k in members), default=0.0)


def costlier_of_split(model, test, first, second, baseline_accuracy):
    """The cost of the costlier group, for every way to split the kernels of
    ``first`` and ``second`` into two groups of their sizes: the same kernels,
    grouped blindly."""
    pool = sorted({*first, *second})
    splits = [
        (part, tuple(k for k in pool if k not in part))
        for part in itertools.combinations(pool, len(first))
    ]
    cost = {
        kernels: group_cost(model, test, kernels, baseline_accuracy)
        for kernels in {kernels for split in splits for kernels in split}
    }  # each group once: with groups of equal size, every group is in two splits
    return np.array([max(cost[a], cost[b]) for a, b in splits])


sizes = [len(kernels) for kernels in groups.values()]
null = costlier_of_split(model, test, *groups.values(), single.baseline_accuracy)
n_as_costly = int((null >= group_drop[costlier]).sum())
print(
    f"costlier group of each split of these {sum(sizes)} kernels into {sizes[0]} and "
    f"{sizes[1]}, {len(null)} splits:"
)
print(
    f"  median {np.median(null):.1f} points, 95th percentile {np.percentile(null, 95):.1f}; "
    f"{n_as_costly} cost at least as much"
)

# sphinx_gallery_start_ignore
glue("group_direction", costlier)
glue("group_kernels", kernels_phrase(members))
glue("group_drop", group_drop[costlier], "{:.1f}")
glue("group_accuracy", single.baseline_accuracy - group_drop[costlier] / 100, "{:.1%}")
n_members = len(members)
glue(
    "group_who",
    f"the kernels that lean towards {costlier} lines: {kernels_phrase(members)}"
    if n_members > 1
    else f"a single kernel, the one that leans towards {costlier} lines: {kernels_phrase(members)}"
    if n_members == 1
    else "empty: no kernel leans clearly either way",
)
glue(
    "group_alone",
    plural(
        n_members, "it changes no decision", "none of them changes a single decision"
    )
    if members_alone == 0
    else plural(
        n_members,
        f"it costs {members_alone:.1f} points",
        f"none of them costs more than {members_alone:.1f} points",
    ),
)
glue("group_they", plural(n_members, "it takes", "they take"))
glue("clear_cut", CLEAR_PREFERENCE)
glue("n_members", n_members)
glue("n_null", len(null))
glue("size_h", sizes[0])
glue("size_v", sizes[1])
glue("null_median", np.median(null), "{:.1f}")
glue("null_p95", np.percentile(null, 95), "{:.1f}")
glue("n_as_costly", n_as_costly)
p_lean = n_as_costly / len(null)
glue("p_lean", p_lean, "{:.1%}")
# The sentences follow the run. "Shared" needs a group of several kernels
# that costs more than twice its costliest member alone.
beyond_members = group_drop[costlier] - 2 * members_alone
shared = n_members > 1 and beyond_members > 0
if shared:
    bound(
        "in this run, zeroing the costlier group (several kernels) costs more than twice its costliest kernel alone",
        beyond_members,
        n=1,
        at_least=0,
        statistic="points lost by the group minus twice its costliest kernel alone",
        fmt="{:+.1f}",
    )
    glue(
        "intro_group",
        f"the {n_members} kernels that lean towards {costlier} lines, zeroed together, take "
        f"{group_drop[costlier]:.1f} points, more than twice the costliest of them alone.",
    )
    glue(
        "group_finding",
        "In this run, each of these kernels alone costs less than half as much as the group. "
        "Whether leaning the same way is what makes a group costly, the comparison below asks.",
    )
else:
    bound(
        "in this run, the costlier group is one kernel or none, or costs no more than twice its costliest kernel alone",
        beyond_members if n_members > 1 else 0,
        n=1,
        at_most=0,
        statistic="points lost by the group minus twice its costliest kernel alone (0 for one kernel or none)",
        fmt="{:+.1f}",
    )
    glue(
        "intro_group",
        f"the costlier group of kernels that lean the same way, {kernels_phrase(members)}, takes "
        f"{group_drop[costlier]:.1f} points: this run does not show the work of one direction "
        "spread over several kernels (the seed study at the end counts the runs in which it "
        "does).",
    )
    glue(
        "group_finding",
        "In this run, this group does not show the work of one direction spread over several "
        "kernels: "
        + (
            "it costs no more than twice its costliest kernel alone."
            if n_members > 1
            else "one kernel has no others in its group to share the work with."
            if n_members == 1
            else "no kernel leans clearly either way."
        )
        + " The seed study below counts the runs in which the costlier group costs more "
        "than twice the costliest single kernel.",
    )
# Leaning matters in this run when the costlier leaning group is among the
# costliest 5% of the blind splits: a one-sided permutation test at 5%,
# whose p-value is the share of splits that cost as much or more (this one
# included). Above 5% the run cannot tell; that is not "no effect". The
# test is exact (every split is listed), so more permutations cannot help:
# with few kernels there are few splits, and the smallest p-value a run can
# reach is one split in all of them -- two when the groups have the same
# size, as a split and its mirror image cost the same (6 kernels split 3 and
# 3: 2 of 20). When that smallest p-value lies above 5%, the test cannot
# decide either way in this run, and the text says so instead of reading
# the p-value: the seed study below, which counts the runs, asks instead.
LEVEL = 0.05
smallest_p = (2 if len(set(sizes)) == 1 and sizes[0] > 0 else 1) / len(null)
glue("smallest_p", smallest_p, "{:.0%}")
if smallest_p > LEVEL:
    bound(
        "in this run the permutation test cannot decide at the 5% level: the smallest p-value "
        "its splits allow lies above 5%, so the text reads no answer from it",
        smallest_p,
        n=len(null),
        at_least=LEVEL,
        statistic="smallest p-value the splits allow (one split, or a split and its mirror)",
        fmt="{:.1%}",
    )
    glue("lean_answer", "This run has too few kernels for the test to tell.")
    glue(
        "lean_close",
        f"With {len(null)} splits, no p-value below {smallest_p:.0%} is possible, so no run of "
        "this size can reach the 5% level: this run's test cannot decide whether which way a "
        "kernel leans picks out a costlier group than chance would, and its p-value says nothing "
        "either way.",
    )
    glue(
        "intro_lean",
        f"Whether leaning the same way matters, this run's test cannot decide: its "
        f"{len(null)} blind splits of the same kernels allow no p-value below {smallest_p:.0%}, "
        "above the 5% level.",
    )
elif p_lean <= LEVEL:
    bound(
        "in this run, the costlier leaning group costs more than the costlier group of a blind "
        "split of the same kernels, at the 5% level (permutation test)",
        p_lean,
        n=len(null),
        at_most=LEVEL,
        statistic="share of splits whose costlier group costs as much or more (p-value)",
        fmt="{:.1%}",
    )
    glue("lean_answer", "In this run, yes.")
    glue(
        "lean_close",
        "In this run, which way a kernel leans picks out a group that costs more than chance "
        "would.",
    )
    glue(
        "intro_lean",
        "In this run, that group costs more than the costlier group of all but "
        f"{p_lean:.1%} of the blind splits of the same kernels into groups of the same sizes: "
        "which way the kernels lean matters.",
    )
else:
    # The test could have decided (its smallest p-value is 5% or less) and did not.
    bound(
        "in this run, the costlier leaning group is not shown to cost more than the costlier "
        "group of a blind split of the same kernels (permutation test, p above 5%, where the "
        "splits allow 5% or less)",
        p_lean,
        n=len(null),
        at_least=LEVEL,
        statistic="share of splits whose costlier group costs as much or more (p-value)",
        fmt="{:.1%}",
    )
    glue("lean_answer", "This run cannot tell.")
    glue(
        "lean_close",
        "This run cannot tell whether which way a kernel leans picks out a costlier group than "
        "chance would; that is not the same as showing it does not.",
    )
    glue(
        "intro_lean",
        "Split blindly into groups of the same sizes, the same kernels give a costlier group that "
        f"costs as much or more in {p_lean:.1%} of the splits: this run cannot tell whether "
        "leaning the same way matters.",
    )
# sphinx_gallery_end_ignore

# %%
# In this run, the costlier group is |group_who|. Alone, |group_alone|;
# zeroed together, |group_they| the network down to |group_accuracy|
# (|group_drop| points). |group_finding|
#
# Does it matter that the group leans one way? |lean_answer| Of the
# |n_null| splits of the same kernels into groups of |size_h| and
# |size_v|, the costlier group costs |null_median| points in the median
# split, and |null_p95| points or more in the costliest 5%.
# In |n_as_costly| of the |n_null| splits (the split by direction
# included), the costlier group costs as much as the costlier leaning group
# or more: a share of |p_lean|, the p-value of a permutation test.
# |lean_close|
#
# Is that a property of this run only? The :ref:`seed study
# <sphx_glr_auto_examples_beyond_plot_05_seeds.py>` keeps the whole trained
# network of each of its Adam runs (:term:`seeds <seed>` 0 to 99, each
# trained on the same images as this run, for 8 :term:`epochs <epoch>`
# where this run trains for 20), so we take each of them apart in the same way and count the runs, each count
# with its 95% interval (Wilson's) for the share of all seeds:


def costs(model, test):
    """Points lost without the costliest kernel, without the costlier leaning
    group, and by the costlier group of the median blind split of the same
    kernels into groups of the same sizes; and what each kernel alone costs in
    loss (the increase of the mean cross-entropy on the test images)."""
    one = ablation(model, test, "conv1")
    index = selectivity(model, test).index
    groups = [
        np.flatnonzero(index > CLEAR_PREFERENCE),
        np.flatnonzero(index < -CLEAR_PREFERENCE),
    ]
    lost = [
        group_cost(model, test, kernels, one.baseline_accuracy) for kernels in groups
    ]
    # A group may be empty: it costs nothing.
    chance = np.median(costlier_of_split(model, test, *groups, one.baseline_accuracy))
    return (100 * one.drop.max(), max(lost), chance), one.loss - one.baseline_loss


study = seed_study(range(100))
measured = [costs(study.model(seed), test) for seed in study.seeds]
one_kernel, one_group, any_group = np.array([points for points, _ in measured]).T
loss_cost = np.array([loss for _, loss in measured])  # (seeds, 8 kernels)
for s in range(3):
    print(
        f"seed {s}: costliest kernel alone {one_kernel[s]:.1f}, costlier leaning group "
        f"{one_group[s]:.1f}, costlier group of the median blind split {any_group[s]:.1f} points"
    )
print("...")
group_wins = int((one_group > 2 * one_kernel).sum())
lean_wins = int((one_group > any_group).sum())
for label, k in (
    ("group > twice the costliest kernel", group_wins),
    ("group > costlier group of the median blind split", lean_wins),
):
    interval = span(*wilson_interval(k, len(study)), "{:.0%}")
    print(f"{label}: {k} of {len(study)} runs, 95% interval {interval}")

# sphinx_gallery_start_ignore
n_runs = glue("n_runs", len(study))
setting(
    "the study's runs are seeds 0 to 99 (first, last, how many), trained for 8 epochs (this "
    "run: 20) on the data and split of this run",
    (
        int(study.seeds[0]),
        int(study.seeds[-1]),
        len(set(study.seeds.tolist())),
        study.config["training"]["epochs"],
        run.config["training"]["epochs"],
        study.config["data"] == run.config["data"]
        and study.config["split"] == run.config["split"],
    ),
    expected=(0, 99, 100, 8, 20, True),
)


glue("study_kernel_low", one_kernel.min(), "{:.1f}", rounding="nearest")
glue("study_kernel_high", one_kernel.max(), "{:.1f}", rounding="nearest")
glue("study_group_low", one_group.min(), "{:.1f}", rounding="nearest")
glue("study_group_high", one_group.max(), "{:.1f}", rounding="nearest")
# Each count, its Wilson interval, and what it says of all seeds: more or fewer than half,
# or the runs cannot tell; the words are glued as k_runs_words and k_lean_runs_words.
majority(
    "the costlier group costs more than twice the costliest kernel: in more than half of all "
    "seeds, in fewer, or the runs cannot tell (the text says which)",
    group_wins,
    n_runs,
    glue_as="k_runs",
)
majority(
    "the costlier leaning group costs more than the costlier group of the median blind split of "
    "the same kernels: in more than half of all seeds, in fewer, or the runs cannot tell (the "
    "text says which)",
    lean_wins,
    n_runs,
    glue_as="k_lean_runs",
)
# sphinx_gallery_end_ignore

# %%
# In |k_runs| of the |n_runs| runs (95% interval for the share of all
# seeds: |k_runs_low| to |k_runs_high|; |k_runs_words|), zeroing the
# costlier group costs more than twice as much as losing the costliest
# single kernel. In |k_lean_runs| of them (|k_lean_runs_low| to
# |k_lean_runs_high|; |k_lean_runs_words|), it costs more than the
# costlier group of the median blind split of the same kernels, the
# comparison of the section above. By chance alone that happens in at most
# half of all seeds (ties do not count), so only "more than half" would
# show that leaning the same way picks out costlier groups. Across the
# study's runs, the costliest single kernel takes
# |study_kernel_low| to |study_kernel_high| points, the costlier group
# |study_group_low| to |study_group_high|.

# %%
# Do the edge detectors matter more?
# ----------------------------------
# Does zeroing the kernels that pass the site's edge test
# (:func:`~cnnexplain.analysis.is_edge_detector`) cost the network more
# than zeroing its others? The
# question has been asked before in another form:
# :cite:t:`morcos2018importance` deleted single units of much larger
# networks and found that how selective a unit is for one class predicts
# poorly how much its deletion costs. Here the property is the site's edge test rather than
# selectivity, and the network is one tiny CNN. The
# loop above zeroed each kernel of every study run alone; a kernel's cost is
# the increase of the :term:`loss` on the test images. Chance (the
# :term:`null <null distribution>`) is built like each answer: in each run,
# as many kernels, or one, drawn at random from its eight.


def chance_costlier(cost, m):
    """The share of the ways to pick m of these kernels whose mean cost is above the others'."""
    picks = [list(p) for p in itertools.combinations(range(len(cost)), m)]
    return np.mean([cost[p].mean() > np.delete(cost, p).mean() for p in picks])


def at_least(count, chances):
    """P(a count of runs >= count) when run s counts with probability chances[s]: the exact null."""
    pmf = np.ones(1)
    for p in chances:
        pmf = np.convolve(pmf, [1 - p, p])
    return pmf[count:].sum()


adam = study.arm("adam")
initial = study.initial_weight[:, adam, :, 0]  # (seeds, 8, 7, 7)
trained = study.final_weight[:, adam, :, 0]  # the kernels zeroed above
tested = {}
for name, kernels in (("trained kernels", trained), ("changes", trained - initial)):
    edge = is_edge_detector(kernels)  # (seeds, 8)
    both = np.flatnonzero(edge.any(axis=1) & ~edge.all(axis=1))  # runs with both kinds
    mean_edge = np.array([loss_cost[s, edge[s]].mean() for s in both])
    mean_other = np.array([loss_cost[s, ~edge[s]].mean() for s in both])
    chance = np.array([chance_costlier(loss_cost[s], edge[s].sum()) for s in both])
    wins = mean_edge > mean_other
    top = edge[np.arange(len(edge)), loss_cost.argmax(axis=1)]  # the costliest kernel
    # The chance that a kernel drawn at random from the run is an edge detector:
    base = edge.mean(axis=1)
    tested[name] = (mean_edge, mean_other, wins, chance, top, base)
    print(f"{name}: {len(both)} runs with both kinds")
    print(
        f"  edge detectors minus others: {(mean_edge - mean_other).mean():+.4f} on average"
    )
    print(
        f"  costlier in {wins.sum()} runs (by chance {chance.sum():.1f}, "
        f"P >= {at_least(wins.sum(), chance):.3f})"
    )
    print(
        f"  the costliest kernel is one in {top.sum()} runs (by chance {base.sum():.1f}, "
        f"P >= {at_least(top.sum(), base):.3f})"
    )

mean_edge, mean_other, wins = tested["trained kernels"][:3]
fig, ax = plt.subplots(figsize=(5.0, 4.2), layout="constrained")
ax.scatter(mean_other, mean_edge, s=16, c=np.where(wins, "C3", "C0"), alpha=0.8)
ends = [min(mean_other.min(), mean_edge.min()), max(mean_other.max(), mean_edge.max())]
ax.plot(ends, ends, color="0.5", lw=0.8, ls="--")
# Linear near 0 (a few costs are below 0.001, some below 0), logarithmic above:
ax.set_xscale("symlog", linthresh=1e-3)
ax.set_yscale("symlog", linthresh=1e-3)
ax.set_xlabel("mean loss increase, other kernels")
ax.set_ylabel("mean loss increase, edge detectors")
ax.set_title("one dot per run; red: above the line", fontsize=11)

# sphinx_gallery_start_ignore
setting(
    "the kernels tested are those of the networks zeroed above",
    all(
        np.array_equal(trained[i], study.model(s).conv1.weight[:, 0].detach().numpy())
        for i, s in enumerate(study.seeds)
    ),
    expected=True,
)
# The paired differences are over runs (the kernels of a run share its training), with a
# bootstrap of the runs. The nulls: relabelling which kernels of a run are edge detectors at
# random (the same number) leaves the mean difference 0 on average, but not the median, nor
# one half for "costlier": one kernel drawn from eight is costlier than the mean of the
# other seven far less than half of the time when one kernel dominates. So the count is
# compared with its own chance, run by run, not with a sign test against one half.
outcomes = {}  # the six tests (three measures, two definitions): which clear 0
for key, name in (("ed", "trained kernels"), ("ch", "changes")):
    mean_edge, mean_other, wins, chance, top, base = tested[name]
    glue(f"{key}_both", len(wins))
    more = difference(
        f"judged by the {name}: seed by seed, the edge detectors' mean cost minus the other "
        "kernels' is above 0, below, or the study cannot tell (the text says which)",
        mean_edge, mean_other, expect=OUTCOMES, paired=True, method="bootstrap", fmt="{:+.4f}",
        statistic="mean paired difference of the loss increase (edge detectors minus others)",
    )  # fmt: skip
    outcomes[f"{key}_diff"] = more.outcome
    glue(f"{key}_diff", more.value, "{:+.4f}")
    glue(f"{key}_level", more.level, "{:.0%}")  # the level of the intervals below
    glue(f"{key}_diff_low", more.interval[0], "{:+.4f}")
    glue(f"{key}_diff_high", more.interval[1], "{:+.4f}")
    glue(
        f"{key}_diff_words",
        more.choose(
            larger="on average the edge detectors cost more",
            smaller="on average the edge detectors cost less",
            cannot_tell="the study cannot tell whether they cost more or less on average",
        ),
    )
    for test_key, hits, chances, what in (
        ("wins", wins, chance, "the edge detectors cost more than the other kernels"),
        ("top", top, base, "the costliest kernel is an edge detector"),
    ):
        often = difference(
            f"judged by the {name}: {what} in more runs than chance would make it, in fewer, "
            "or the study cannot tell (the text says which)",
            hits.astype(float), chances, expect=OUTCOMES, paired=True, method="bootstrap",
            fmt="{:+.1%}", statistic="mean over runs of (it happens) minus (its chance)",
        )  # fmt: skip
        outcomes[f"{key}_{test_key}"] = often.outcome
        p = at_least(int(hits.sum()), chances)
        glue(f"{key}_{test_key}", int(hits.sum()))
        glue(f"{key}_{test_key}_chance", chances.sum(), "{:.1f}")
        glue(f"{key}_{test_key}_excess", often.value, "{:+.1%}")
        glue(f"{key}_{test_key}_low", often.interval[0], "{:+.1%}")
        glue(f"{key}_{test_key}_high", often.interval[1], "{:+.1%}")
        glue(f"{key}_{test_key}_p", p, "{:.1%}")
        glue(
            f"{key}_{test_key}_words",
            often.choose(
                larger="more often than chance",
                smaller="less often than chance",
                cannot_tell="the study cannot tell whether more or less often than chance",
            ),
        )
        # The exact one-sided test of "at least as many runs as observed", at 5%: a branch,
        # each with its claim; above 5% the runs cannot tell, which is not "no effect".
        if p <= LEVEL:
            bound(
                f"judged by the {name}: {what} in more runs than chance, at the 5% level "
                "(exact test, each run against its own chance)",
                p, n=len(hits), at_most=LEVEL, statistic="P(as many runs or more) by chance",
                fmt="{:.1%}",
            )  # fmt: skip
            glue(f"{key}_{test_key}_p_words", f"below {LEVEL:.0%}: more than chance")
        else:
            bound(
                f"judged by the {name}: that {what} in more runs than chance is not shown at "
                "the 5% level (exact test, each run against its own chance)",
                p, n=len(hits), at_least=LEVEL, statistic="P(as many runs or more) by chance",
                fmt="{:.1%}",
            )  # fmt: skip
            glue(
                f"{key}_{test_key}_p_words", f"above {LEVEL:.0%}: the study cannot tell"
            )
# The text says how many of the six intervals leave out 0, and whether "costlier, judged by
# the trained kernels" is the only one: words chosen by the outcomes, a check per branch.
cleared = [test for test, outcome in outcomes.items() if outcome != "cannot tell"]
glue("n_six", len(outcomes))
if cleared == ["ed_wins"]:
    every(
        "of the six tests (three measures, each judged by the trained kernels and by the "
        "changes), 'costlier, judged by the trained kernels' has an interval without 0 and "
        "the five others each have an interval that holds 0",
        [(outcome != "cannot tell") == (test == "ed_wins") for test, outcome in outcomes.items()],
        statistic="tests whose interval leaves out 0 as the text says",
    )  # fmt: skip
    glue("six_words", "and the only one of them whose interval leaves out 0")
else:
    every(
        "of the six tests (three measures, each judged by the trained kernels and by the "
        "changes), those the text counts have an interval without 0, the others one with 0",
        [(outcome != "cannot tell") == (test in cleared) for test, outcome in outcomes.items()],
        statistic="tests whose interval leaves out 0 as the text says",
    )  # fmt: skip
    glue(
        "six_words",
        f"and {len(cleared)} of them have an interval that leaves out 0"
        + (", this one among them" if "ed_wins" in cleared else ", not this one"),
    )
# sphinx_gallery_end_ignore

# %%
# |ed_both| of the |n_runs| runs have both kinds of kernel (one dot each
# above). Seed by seed, the edge detectors' mean cost minus the others' is
# |ed_diff| on average (|ed_level| interval |ed_diff_low| to
# |ed_diff_high|): |ed_diff_words|. They cost more in |ed_wins| of these runs,
# where the same number of kernels drawn at random would in |ed_wins_chance|:
# |ed_wins_words| (an excess of |ed_wins_excess| of the runs, |ed_level| interval
# |ed_wins_low| to |ed_wins_high|). The costliest kernel is an edge detector
# in |ed_top| of the |n_runs| runs, where a kernel drawn at random from each
# run would be in |ed_top_chance|: |ed_top_words| (an excess of
# |ed_top_excess|, interval |ed_top_low| to |ed_top_high|).
#
# So one count leans one way, and it should be read with two others. With
# the edge detectors judged by their changes instead (the box below), they
# are costlier in |ch_wins| of |ch_both| runs, where chance gives
# |ch_wins_chance|: |ch_wins_words|. And "costlier, judged by the trained
# kernels" is one of |n_six| tests on this page (three measures, each with
# the edge detectors judged by the trained kernels and by their changes),
# |six_words|; the six are not adjusted for being six. Whether a
# trained kernel passes the edge test may depend on how far it moved in
# training, and a kernel that moved farther may cost more to remove: the
# length of the change could drive both, which this page does not test.
#
# .. evidence:: How sure: the tests, and the changes
#
#    The intervals resample whole runs (a :term:`bootstrap`), since a run's
#    kernels share its training. Chance is computed run by run: for
#    "costlier", the share of the ways to pick as many of that run's kernels
#    whose mean cost is above the rest's; for the costliest kernel, the share
#    of edge detectors among its eight. It is not one half: one kernel drawn
#    from eight is rarely costlier than the other seven together when one of
#    them dominates, so a :term:`sign test` against one half would misjudge
#    the count. The exact chance of as many runs or more (a
#    :term:`p-value`) is |ed_wins_p| for "costlier", |ed_wins_p_words|, and
#    |ed_top_p| for the costliest kernel, |ed_top_p_words|.
#
#    Judged by their changes (trained minus initial weights) instead,
#    |ch_both| runs have both kinds; the mean difference is |ch_diff|
#    (|ch_diff_low| to |ch_diff_high|): |ch_diff_words|. Costlier in
#    |ch_wins| runs against |ch_wins_chance| by chance (excess |ch_wins_low|
#    to |ch_wins_high|; p = |ch_wins_p|): |ch_wins_words|. The costliest
#    kernel's change is an edge detector in |ch_top| runs against
#    |ch_top_chance| (|ch_top_low| to |ch_top_high|; p = |ch_top_p|):
#    |ch_top_words|.

# %%
# Zeroing a dead kernel
# ---------------------
# The article only remarks that a few kernels end up dead; it gives no
# :term:`learning rate`. Our :ref:`page on dead kernels
# <sphx_glr_auto_examples_side_trips_plot_01_dead_kernels.py>` provokes some by
# training with a larger learning rate; here we train with |lr_fast| instead
# of our default |lr_default| -- an experiment of this site, not of the
# article. A kernel silent on every test image has a map of zeros on each of
# them, so zeroing it leaves the network's outputs on those images
# unchanged, accuracy and loss alike: that holds by construction, and shows
# nothing about the kernel beyond these images (another image could still
# make it fire). (The site's test calls a kernel dead when it fires at
# most a little, so a kernel it calls dead need not be silent exactly.)

fast = experiment(training={"lr": 0.03})
fast_dead = dead_kernels(fast.model, fast.test_set)
fast_ablation = ablation(fast.model, fast.test_set, "conv1")
print(f"lr = {fast.config['training']['lr']}: dead kernels {fast_dead.indices}")
for k in fast_dead.indices:
    print(
        f"zeroing kernel {k}: accuracy drop {fast_ablation.drop[k]:.3f}, "
        f"loss change {fast_ablation.loss[k] - fast_ablation.baseline_loss:.1e}"
    )

# sphinx_gallery_start_ignore
setting(
    "the runs use learning rates 0.001 (this run) and 0.03",
    (run.config["training"]["lr"], fast.config["training"]["lr"]),
    expected=(0.001, 0.03),
)
glue("lr_default", run.config["training"]["lr"])
glue("lr_fast", fast.config["training"]["lr"])
# The sentence follows the run: a run in which no kernel dies has none to switch off.
n_dead = len(fast_dead.indices)
# A dead kernel silent exactly on the test images cannot change their outputs when
# zeroed; one that still fires a little can, and the words say which it is.
silent_dead = [k for k in fast_dead.indices if fast_dead.peak[k] == 0]
if n_dead and len(silent_dead) == n_dead:
    glue(
        "dead_finding",
        f"{plural(n_dead, 'the dead kernel is', 'the dead kernels are')} "
        f"{kernels_phrase(fast_dead.indices)}, silent on every test image, and "
        f"{plural(n_dead, 'zeroing it', 'zeroing any of them')} leaves the accuracy and the "
        "loss on the test images exactly as they were, as it must.",
    )
    every(
        "with lr = 0.03, every dead kernel is silent exactly on the test images (peak zero)",
        np.array([fast_dead.peak[k] == 0 for k in fast_dead.indices]),
        statistic="dead kernels whose largest output on the test images is zero",
    )
    unchanged = np.array(
        [
            fast_ablation.drop[k] == 0
            and fast_ablation.loss[k] == fast_ablation.baseline_loss
            for k in fast_dead.indices
        ]
    )
    every(
        "with lr = 0.03, zeroing a dead kernel changes neither the test accuracy nor the "
        "test loss",
        unchanged,
        statistic="dead kernels whose zeroing changes nothing on the test images",
    )
elif n_dead:
    change = np.abs(fast_ablation.loss[fast_dead.indices] - fast_ablation.baseline_loss)
    glue(
        "dead_finding",
        f"{plural(n_dead, 'the dead kernel is', 'the dead kernels are')} "
        f"{kernels_phrase(fast_dead.indices)}; "
        + (
            "it still fires a little on some test image"
            if n_dead == 1
            else f"{n_dead - len(silent_dead)} of them still "
            f"{plural(n_dead - len(silent_dead), 'fires', 'fire')} a little on some test image"
        )
        + f", and zeroing {plural(n_dead, 'it', 'a dead kernel')} changes the test loss by "
        f"{change.max():.1e} at most.",
    )
    bound(
        "with lr = 0.03, some dead kernel still fires a little on the test images",
        n_dead - len(silent_dead), n=n_dead, at_least=1,
        statistic="dead kernels whose largest output on the test images is above zero",
        fmt="{:.0f}",
    )  # fmt: skip
else:
    glue(
        "dead_finding",
        "no kernel dies, so this run has no dead kernel to switch off.",
    )
    every(
        "with lr = 0.03, no kernel dies in this run",
        np.array([k not in fast_dead.indices for k in range(len(fast_dead.peak))]),
        statistic="kernels not dead",
    )
# sphinx_gallery_end_ignore

# %%
# With that learning rate and this run's seed, |dead_finding| A dead kernel
# is easy to find by its silence on the test images. A kernel whose removal
# alone changes no decision on these |n_test| images is not: it fires, it
# may look like an :term:`edge detector`, and |free_last_words|. Only
# switching it off, and reading the loss as well as the accuracy, tells
# what it adds.

# sphinx_gallery_thumbnail_number = 3
