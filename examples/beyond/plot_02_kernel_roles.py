"""
Dead, redundant and essential kernels
=====================================

Eight first-layer :term:`kernels <kernel>` for a two-class problem is
generous. Do all eight matter? Here we take the trained network apart,
kernel by kernel: we look for kernels that never fire (:term:`dead
<dead kernel>`), for kernels that are copies of each other, and then simply
switch kernels off -- one, two, and a whole group at a time, an
:term:`ablation` -- and measure what the network loses. In this run, the costliest
single kernel takes |worst_single| points of accuracy with it, and
|intro_group|
"""

# %%
# Dead kernels
# ------------
# A dead kernel never gets past its :term:`ReLU`, whatever the image (this site's
# page on :ref:`dead kernels <sphx_glr_auto_examples_article_plot_07_dead_kernels.py>`
# provokes some). :func:`~cnnexplain.analysis.dead_kernels`
# records each kernel's largest ``relu1`` output over the |n_test| images
# of the :term:`test set`.

import itertools

import matplotlib.pyplot as plt
import numpy as np

from cnnexplain import evaluate, viz
from cnnexplain.analysis import (
    CLEAR_PREFERENCE,
    ablation,
    dead_kernels,
    kernel_similarity,
    redundant_pairs,
    selectivity,
    wilson_interval,
    without_kernels,
)
from cnnexplain.experiment import experiment

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
    bound,
    check,
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
    check(
        "in this run, no kernel is dead",
        dead.indices == [],
        measured="dead kernels: none",
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
check(
    "the first layer has eight kernels",
    model.conv1.out_channels == 8,
    measured=f"{model.conv1.out_channels} kernels",
)
# sphinx_gallery_end_ignore

# %%
# In this run, |dead_words|.
#
# Copies: none either
# -------------------
# Two kernels that are near copies compute the same feature, so one of them
# is spare. :func:`~cnnexplain.analysis.kernel_similarity` gives the
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
    check(
        f"in this run, no pair of kernels is a near copy (|similarity| above {THRESHOLD})",
        pairs == [] and off_diagonal.max() <= THRESHOLD,
        measured=f"largest |similarity| {off_diagonal.max():.2f}",
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
# |copies_words|: the largest similarity between two different kernels is
# |largest_similarity|. A kernel can also be spare without looking like
# another; switching kernels off, below, asks that directly.
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
free = [int(k) for k in single.channels[single.drop == 0]]
print(
    f"intact: accuracy {single.baseline_accuracy:.1%}, loss {single.baseline_loss:.5f}"
)
print("kernels whose removal costs more than 1 point of accuracy:", costly)
print("kernels whose removal changes no decision on the test images:", free)


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
if len(free) > len(single) / 2:
    glue("free_words", f"Most kernels, {len(free)} of the eight,")
    check(
        "in this run, most kernels (more than half) can go alone without changing a decision",
        len(free) > len(single) / 2,
        measured=f"{len(free)} of {len(single)} kernels",
    )
else:
    glue("free_words", f"Only {len(free)} of the eight kernels")
    check(
        "in this run, at most half the kernels can go alone without changing a decision",
        len(free) <= len(single) / 2,
        measured=f"{len(free)} of {len(single)} kernels",
    )
# sphinx_gallery_end_ignore

# %%
# In this run, the kernels whose removal alone costs more than one point of
# accuracy: |costly_kernels|. The costliest single kernel takes
# |worst_single| points. |free_words| can go alone without a single test
# image changing class.
#
# Two at a time
# -------------
# "For free, alone" does not mean useless: a kernel may be covering for
# another. Zeroing every pair of kernels (|n_pairs| pairs, each evaluated on
# the test images, with :func:`~cnnexplain.analysis.without_kernels`) shows
# who covers for whom. The diagonal repeats the single ablations.

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
# its two kernels alone shows two kernels covering for each other; else no
# pair does, and the page says so.
PAIR_EXCESS = 5
covering = excess > PAIR_EXCESS
glue(
    "pair_finding",
    "Each covers for the other. Kernels do not add up like independent parts; "
    "each one's effect depends on which others are still there."
    if covering
    else f"No pair costs more than {PAIR_EXCESS} points beyond its two kernels alone: "
    "in this run, pairs do not show two kernels covering for each other (larger "
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
# Which kernels cover for which? The :term:`selectivity index` says what each kernel
# prefers (from -1, fires only on vertical lines, to +1, only on horizontal
# ones; see :func:`~cnnexplain.analysis.selectivity`). Take the kernels with
# a :term:`clear preference` (an index beyond plus or minus |clear_cut|)
# for horizontal lines, and those with one for vertical lines, and zero
# each group at once. A group of several kernels costs more than one kernel
# whatever they do, so the fair comparison is *every* group of the same
# size (all |n_groups_same| of them, chosen without regard to the index):


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
same_size = np.array(
    [
        group_cost(model, test, kernels, single.baseline_accuracy)
        for kernels in itertools.combinations(range(n), len(members))
    ]
)
print(
    f"every group of {len(members)}: median {np.median(same_size):.1f} points, "
    f"95th percentile {np.percentile(same_size, 95):.1f}; "
    f"{(same_size >= group_drop[costlier]).sum()} of {len(same_size)} cost at least as much"
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
glue("n_groups_same", len(same_size))
glue("same_median", np.median(same_size), "{:.1f}")
glue("same_p95", np.percentile(same_size, 95), "{:.1f}")
n_as_costly = int((same_size >= group_drop[costlier]).sum())
glue(
    "rank_note",
    f"it is the costliest of all {len(same_size)} groups of its size"
    if n_as_costly == 1
    else f"{n_as_costly} of the {len(same_size)} groups cost as much or more (this one included)",
)
# The sentences follow the run. "Shared" needs a group of several kernels
# that costs more than twice its costliest member alone; "partly" needs the
# group to cost more than the median group of its size.
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
        f"{group_drop[costlier]:.1f} points: the work is spread over several kernels.",
    )
    glue(
        "group_finding",
        "That is why few kernels look essential: the work of one direction is spread over several "
        "kernels, and each one alone costs much less than the group, because the others share its "
        "job. The network is robust to losing one kernel, not to losing a whole group.",
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
leaning_counts = group_drop[costlier] > np.median(same_size)
glue("lean_answer", "Partly." if leaning_counts else "Not in this run.")
glue(
    "same_vs", "less than this one" if leaning_counts else "as much as this one or more"
)
glue(
    "lean_close",
    "Which way a kernel leans explains some of who covers for whom, not all of it."
    if leaning_counts
    else "In this run, which way a kernel leans does not pick out a group that costs more than a typical one.",
)
over_median = group_drop[costlier] - np.median(same_size)
if leaning_counts:
    bound(
        "in this run, the costlier leaning group costs more than the median group of its size",
        over_median,
        n=1,
        at_least=0,
        statistic="points lost by the group minus the median group of its size",
        fmt="{:+.1f}",
    )
else:
    bound(
        "in this run, the costlier leaning group costs no more than the median group of its size",
        over_median,
        n=1,
        at_most=0,
        statistic="points lost by the group minus the median group of its size",
        fmt="{:+.1f}",
    )
# sphinx_gallery_end_ignore

# %%
# In this run, the costlier group is |group_who|. Alone, |group_alone|;
# zeroed together, |group_they| the network down to |group_accuracy|
# (|group_drop| points). |group_finding|
#
# Does it matter that the group leans one way? |lean_answer| A typical group of
# |n_members| kernels (the median of all |n_groups_same|) costs
# |same_median| points, |same_vs|; |rank_note|. The costliest
# 5% of them cost |same_p95| points or more. |lean_close|
#
# Is that a property of this run only? Ablation needs the whole trained
# network, which the :ref:`seed study
# <sphx_glr_auto_examples_beyond_plot_05_seeds.py>` does not keep, so here
# we retrain only its first ten runs (:term:`seeds <seed>` 0 to 9, each
# trained for 8 :term:`epochs <epoch>`). Ten runs describe these ten runs;
# for all seeds they give only a wide interval (Wilson's, 95%), printed
# with each count:


def costs(run):
    """Points lost without the costliest kernel, without the costlier leaning
    group, and without a median group of that size."""
    one = ablation(run.model, run.test_set, "conv1")
    index = selectivity(run.model, run.test_set).index
    lost = {}
    for kernels in (index > CLEAR_PREFERENCE, index < -CLEAR_PREFERENCE):
        kernels = tuple(np.flatnonzero(kernels))
        lost[kernels] = group_cost(
            run.model, run.test_set, kernels, one.baseline_accuracy
        )
    worst = max(lost, key=lost.get)
    median = np.median(
        [
            group_cost(run.model, run.test_set, kernels, one.baseline_accuracy)
            for kernels in itertools.combinations(range(len(index)), len(worst))
        ]
    )
    return 100 * one.drop.max(), lost[worst], median


ten_runs = [
    experiment(model={"seed": s}, training={"seed": s, "epochs": 8}) for s in range(10)
]
one_kernel, one_group, any_group = np.array([costs(r) for r in ten_runs]).T
for s, (a, b, c) in enumerate(zip(one_kernel, one_group, any_group)):
    print(
        f"seed {s}: costliest kernel alone {a:.1f}, costlier leaning group {b:.1f}, "
        f"median group of its size {c:.1f} points"
    )
group_wins = int((one_group > 2 * one_kernel).sum())
lean_wins = int((one_group > any_group).sum())
for label, k in (
    ("group > twice the costliest kernel", group_wins),
    ("group > median group", lean_wins),
):
    low, high = wilson_interval(k, len(ten_runs))
    print(f"{label}: {k} of {len(ten_runs)} runs, 95% interval {low:.0%} to {high:.0%}")

# sphinx_gallery_start_ignore
n_runs = glue("n_runs", len(ten_runs))
model_seeds = [r.config["model"]["seed"] for r in ten_runs]
setting(
    "the ten runs are seeds 0 to 9 (first, last, how many), the same seed for the model and "
    "the training, each trained for 8 epochs",
    (
        model_seeds[0],
        model_seeds[-1],
        len(set(model_seeds)),
        model_seeds == [r.config["training"]["seed"] for r in ten_runs],
        sorted({r.config["training"]["epochs"] for r in ten_runs}),
    ),
    expected=(0, 9, 10, True, [8]),
)


glue("study_kernel_low", one_kernel.min(), "{:.1f}")
glue("study_kernel_high", one_kernel.max(), "{:.1f}")
glue("study_group_low", one_group.min(), "{:.1f}")
glue("study_group_high", one_group.max(), "{:.1f}")
# Each count, its Wilson interval, and what it says of all seeds: more or fewer than half,
# or ten runs cannot tell; the words are glued as k_runs_words and k_lean_runs_words.
majority(
    "the costlier group costs more than twice the costliest kernel: in more than half of all "
    "seeds, in fewer, or the runs cannot tell (the text says which)",
    group_wins,
    n_runs,
    glue_as="k_runs",
)
majority(
    "the costlier group costs more than the median group: in more than half of all seeds, in "
    "fewer, or the runs cannot tell (the text says which)",
    lean_wins,
    n_runs,
    glue_as="k_lean_runs",
)
# sphinx_gallery_end_ignore

# %%
# In |k_runs| of these |n_runs| runs (95% interval for the share of all
# seeds: |k_runs_low| to |k_runs_high|; |k_runs_words|), zeroing the
# costlier group costs more than twice as much as losing the costliest
# single kernel. In |k_lean_runs| of them (|k_lean_runs_low| to
# |k_lean_runs_high|; |k_lean_runs_words|), it costs more than the median
# group of its size. Across these runs, the costliest single kernel takes
# |study_kernel_low| to |study_kernel_high| points, the costlier group
# |study_group_low| to |study_group_high|.

# %%
# Dead kernels cost nothing
# -------------------------
# The article only remarks that a few kernels end up dead; it gives no
# :term:`learning rate`. Our :ref:`page on dead kernels
# <sphx_glr_auto_examples_article_plot_07_dead_kernels.py>` provokes some by
# training with a larger learning rate; here we train with |lr_fast| instead
# of our default |lr_default| -- an experiment of this site, not of the
# article. Ablation
# sees a dead kernel as the extreme of redundancy: zeroing a kernel that
# never fires changes no output at all, to the last digit of the loss.

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
check(
    "the runs use learning rates 0.001 (this run) and 0.03",
    (run.config["training"]["lr"], fast.config["training"]["lr"]) == (0.001, 0.03),
    measured=f"{run.config['training']['lr']} and {fast.config['training']['lr']}",
)
glue("lr_default", run.config["training"]["lr"])
glue("lr_fast", fast.config["training"]["lr"])
# The sentence follows the run: a run in which no kernel dies has none to switch off.
n_dead = len(fast_dead.indices)
if n_dead:
    glue(
        "dead_finding",
        f"{plural(n_dead, 'the dead kernel is', 'the dead kernels are')} "
        f"{kernels_phrase(fast_dead.indices)}, and "
        f"{plural(n_dead, 'zeroing it', 'zeroing any of them')} leaves the accuracy and the "
        "loss exactly as they were.",
    )
    unchanged = np.array(
        [
            fast_ablation.drop[k] == 0
            and fast_ablation.loss[k] == fast_ablation.baseline_loss
            for k in fast_dead.indices
        ]
    )
    every(
        "with lr = 0.03, zeroing a dead kernel changes neither the accuracy nor the loss",
        unchanged,
        statistic="dead kernels whose zeroing changes nothing",
    )
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
# With that learning rate and this run's seed, |dead_finding| A dead kernel is easy to find by its silence; a
# redundant one is not: it fires, it may look like an :term:`edge detector`, and the
# network still does not need it. Only switching it off tells.

# sphinx_gallery_thumbnail_number = 3
