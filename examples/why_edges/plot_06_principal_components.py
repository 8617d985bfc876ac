"""
What the statistics of the patches predict
==========================================

An old answer to "why edges?" needs no labels at all. Take many small
patches of the images a layer sees, and ask which patterns account for most
of their variation: these patterns are the patches' *principal components*,
the :term:`eigenvectors <eigenvector>` of their :term:`second-moment matrix
<patch second-moment matrix>`. For photographs, :cite:t:`baddeley1991statistical`
found a blob first, then horizontal and vertical first-derivative
operators (edges), then higher derivatives, two of them bars.
:cite:t:`linsker1986orientation` showed that a layered network whose units learn by a Hebb-type rule
from the correlations of their input, with nothing but random activity at
its start, develops centre-surround and then orientation-selective units.
:cite:t:`maennel2020random` found that networks trained on *random* labels still
align their first-layer weights with the principal components of their
data.

This page computes the principal components of our training patches and
asks how much of what training changes in a kernel lies along them, over the
|n_seeds| seeds of the seed study: with the true labels, with shuffled labels
and with plain SGD. The null of the changes' own kind is the shuffled twin:
a change made by the same training from the same start, on the same
batches, with labels that say nothing about the lines. Two reference points
come with it: random directions, and random weighted sums of training
patches, built of the same pieces as a change but without any learning.
"""

# %%
# The principal components of the patches
# ----------------------------------------
# Every 7x7 patch of every training image, flattened to 49 numbers: the
# mean of ``p p^T`` over all of them is the patches' second-moment matrix
# (:func:`~cnnexplain.analysis.patch_second_moments` gives it per image).
# Its eigenvectors, ordered by eigenvalue, are the patterns along which the
# patches vary most. The first eight, each with the share of the patches'
# mean square it carries and whether it passes the site's
# :term:`edge test <edge detector>`:

import matplotlib.pyplot as plt
import numpy as np

from cnnexplain import make_lines
from cnnexplain.analysis import is_edge_detector, patch_second_moments
from cnnexplain.study import seed_study

study = seed_study(range(100))
train_set, _ = make_lines(**study.config["data"]).split(**study.config["split"])
moments = patch_second_moments(train_set.images, 7).mean(axis=0)  # (49, 49)
eigenvalues, eigenvectors = np.linalg.eigh(moments)
order = np.argsort(eigenvalues)[::-1]  # largest first
eigenvalues, components = (
    eigenvalues[order],
    eigenvectors[:, order].T,
)  # one component per row
carried = eigenvalues / eigenvalues.sum()
component_is_edge = is_edge_detector(components.reshape(-1, 7, 7))

fig, axes = plt.subplots(1, 8, figsize=(8.0, 1.9), layout="constrained")
for i, ax in enumerate(axes):
    limit = np.abs(components[i]).max()
    ax.imshow(components[i].reshape(7, 7), cmap="RdBu_r", vmin=-limit, vmax=limit)
    ax.set_title(
        f"{i + 1}: {carried[i]:.0%}" + ("\nedge" if component_is_edge[i] else "\n"),
        fontsize=9,
    )
    ax.set_xticks([])
    ax.set_yticks([])
for i in range(8):
    print(
        f"component {i + 1}: {carried[i]:5.1%} of the mean square, edge test: {component_is_edge[i]}"
    )

# %%
# The first component is a blob: the mean brightness of a patch. The second
# and third are a horizontal and a vertical step, and they are the only two
# of the first eight that pass the edge test; the fourth and fifth are a
# horizontal and a vertical bar, the shape of a :term:`line detector`.
# :cite:t:`baddeley1991statistical` found the same sequence in photographs -- a blob,
# then first derivatives, then higher ones -- and here it comes from images
# of single lines. The first
# |n_top| components carry |top_carried| of the patches' mean square.
#
# How much of a change lies along them
# ------------------------------------
# For a kernel's change ``c`` (trained weights minus initial weights, as on
# :doc:`the edge-match page <../beyond/plot_01_edge_match>`), the share of
# its squared length along the first |n_top| components is
# ``sum((c . u_i)**2 for i < 5) / (c . c)``. A direction drawn at random
# puts 5/49 of its length there on average. A random weighted sum of
# training patches, with weights unrelated to any task, puts more: it is
# built of patches, and the patches vary most along these components. The
# nulls are sampled in runs of eight, like the eight kernels of a seed, and
# each run is summarised by its mean share. Neither is a change made by
# training; the shuffled twins are.

TOP = 5  # the blob, the two steps and the two bars: stated before any change was projected


def share_along(vectors, which):
    """Share of each vector's squared length along the components ``which``, ``(..., 49) -> (...)``."""
    along = (vectors @ components[which].T) ** 2
    return along.sum(axis=-1) / (vectors**2).sum(axis=-1)


def top_share(vectors):
    """Share of each vector's squared length along the first TOP components."""
    return share_along(vectors, slice(0, TOP))


start = study.initial_weight[:, 0, :, 0].reshape(
    len(study), 8, 49
)  # the same for every arm
changes = {
    arm: study.final_weight[:, study.arm(arm), :, 0].reshape(len(study), 8, 49) - start
    for arm in ("adam", "shuffled", "sgd")
}
per_seed = {arm: top_share(change).mean(1) for arm, change in changes.items()}
rng = np.random.default_rng(0)
random_directions = top_share(rng.standard_normal((len(study), 8, 49))).mean(1)
# Random sums of 32 training patches (a batch's worth), weights N(0, 1). Only patches that touch
# a line: a blank patch adds nothing to a sum, and a sum of blank patches has no direction.
patches = np.lib.stride_tricks.sliding_window_view(
    train_set.images[:, 0].numpy(), (7, 7), axis=(1, 2)
)
patches = patches.reshape(-1, 49)
patches = patches[np.abs(patches).sum(axis=1) > 0]
chosen = patches[
    rng.integers(len(patches), size=(len(study), 8, 32))
]  # (seeds, 8, 32, 49)
weights = rng.standard_normal((len(study), 8, 32))
sums = np.einsum("skb,skbd->skd", weights, chosen)
patch_sums = top_share(sums).mean(1)

shares = {
    "Adam, true labels": per_seed["adam"],
    "Adam, shuffled labels": per_seed["shuffled"],
    "SGD, true labels": per_seed["sgd"],
    "random patch sums": patch_sums,
    "random directions": random_directions,
}
for name, values in shares.items():
    low, high = np.percentile(values, [5, 95])
    print(
        f"{name:22s} median {np.median(values):.2f} (middle 90% of runs {low:.2f} to {high:.2f})"
    )

fig, ax = plt.subplots(figsize=(7.0, 3.2), layout="constrained")
ax.boxplot(
    list(shares.values()),
    orientation="horizontal",
    tick_labels=list(shares),
    whis=(5, 95),
)
ax.set_xlabel(
    f"share of a change's squared length along the first {TOP} components (mean of a run)"
)
ax.set_xlim(0, 1)
ax.invert_yaxis()

# sphinx_gallery_start_ignore
from cnnexplain.claims import OUTCOMES, difference, every, glue, majority, setting

glue("n_seeds", len(study))
glue("n_top", TOP)
glue("top_carried", carried[:TOP].sum(), "{:.0%}")
setting("the first five components are the ones the text names", TOP, expected=5)
every("components 2 and 3, the two steps, pass the edge test", component_is_edge[[1, 2]],
      statistic="components that pass")  # fmt: skip
every("none of the other six of the first eight components passes the edge test",
      ~component_is_edge[[0, 3, 4, 5, 6, 7]], statistic="components that fail")  # fmt: skip
for name, values in (("adam", per_seed["adam"]), ("shuffled", per_seed["shuffled"]),
                     ("sgd", per_seed["sgd"]), ("sums", patch_sums), ("random", random_directions)):  # fmt: skip
    glue(f"top_{name}", np.median(values), "{:.2f}")
for name, a, b, paired, what in (
    (
        "labels",
        per_seed["adam"],
        per_seed["shuffled"],
        True,
        "true labels minus shuffled, per seed",
    ),
    (
        "true_sums",
        per_seed["adam"],
        patch_sums,
        False,
        "true-label changes minus random patch sums",
    ),
    (
        "shuffled_sums",
        per_seed["shuffled"],
        patch_sums,
        False,
        "shuffled-label changes minus patch sums",
    ),
):
    test = difference(
        f"the text says whether the {what.split(' minus ')[0]} lie more or less along the first five "
        f"components than {what.split(' minus ')[1].split(',')[0]}, or that it cannot tell",
        a, b, expect=OUTCOMES, paired=paired, statistic=f"mean share along the first five, {what}",
    )  # fmt: skip
    glue(f"{name}_diff", test.value, "{:+.2f}")
    glue(f"{name}_low", test.interval[0], "{:+.2f}")
    glue(f"{name}_high", test.interval[1], "{:+.2f}")
    numbers = f"{test.value:+.2f}, {test.level:.1%} interval {test.interval[0]:+.2f} to {test.interval[1]:+.2f}"
    subject, other = {
        "labels": (
            "changes made with the true labels",
            "the shuffled twins' changes from the same starts",
        ),
        "true_sums": ("changes made with the true labels", "random patch sums"),
        "shuffled_sums": ("changes made with shuffled labels", "random patch sums"),
    }[name]
    glue(f"{name}_sentence", test.choose(
        larger=f"{subject} lie more along them than {other} ({numbers})",
        smaller=f"{subject} lie less along them than {other} ({numbers})",
        cannot_tell=f"the study cannot tell whether {subject} lie more or less along them than {other} "
        f"({numbers})",
    ))  # fmt: skip
n_mostly = glue("n_mostly", int((per_seed["adam"] > 0.5).sum()))
mostly = majority(
    "with the true labels, a change lies mostly (more than half its squared length) along the "
    "first five components in more than half of all seeds",
    n_mostly,
    len(study),
    expect="larger",
    statistic="seeds whose mean share is above one half",
)
glue("mostly_words", mostly.choose(
    larger="more than half of all seeds, by its 95% interval",
    smaller="fewer than half of all seeds, by its 95% interval",
    cannot_tell="the study cannot tell whether more or fewer than half of all seeds",
))  # fmt: skip
for name, how in (
    ("adam", "with true labels"),
    ("shuffled", "with shuffled labels"),
    ("sgd", "with SGD"),
):
    difference(
        f"{how}, the changes lie more along the first five components than random directions do",
        per_seed[name], random_directions, expect="larger", paired=False,
        statistic="mean share along the first five, changes minus random directions",
    )  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# In the median seed, the changes made with the true labels put |top_adam|
# of their squared length along the first |n_top| components (with SGD,
# |top_sgd|), and the shuffled twins' changes |top_shuffled|; random
# directions put |top_random| there and random patch sums |top_sums|. Every
# kind of change lies along these components far more than a random
# direction does (each difference's interval in the box): in that weak
# sense only, training with true labels and with shuffled ones moves the
# first layer towards the principal components of its data.
# :cite:t:`maennel2020random` found an alignment of this kind with random
# labels, by another measure (the covariance of the weights against that of
# the data). A random sum of patches lies along them too, without any
# training; so the comparison that says what the labels do is the null of
# the changes' own kind, the shuffled twins: |labels_sentence|. With
# the true labels, a change puts more than half of its length along the
# five in |n_mostly| of the |n_seeds| seeds (|mostly_words|). Against the
# patch sums, |true_sums_sentence|; and |shuffled_sums_sentence|.
#
# Component by component
# ----------------------
# The mean share of the changes' squared length along each of the first
# eight components, beside the share of the patches' mean square that each
# component carries:

profile = {
    "Adam, true labels": changes["adam"],
    "Adam, shuffled labels": changes["shuffled"],
    "SGD, true labels": changes["sgd"],
    "random patch sums": sums,
}
fig, ax = plt.subplots(figsize=(7.0, 3.2), layout="constrained")
width = 0.18
for j, (name, vectors) in enumerate(profile.items()):
    per_component = [share_along(vectors, [i]).mean() for i in range(8)]
    ax.bar(np.arange(8) + (j - 1.5) * width, per_component, width, label=name)
ax.plot(
    np.arange(8),
    carried[:8],
    "k_",
    markersize=14,
    label="share of the patches' mean square",
)
ax.set_xticks(
    range(8), [f"{i + 1}" + (" edge" if component_is_edge[i] else "") for i in range(8)]
)
ax.set_xlabel("principal component of the training patches")
ax.set_ylabel("mean share of a change")
ax.legend(fontsize=8, ncols=2)
edge_share = {
    name: share_along(vectors, [1, 2]).mean(1) for name, vectors in profile.items()
}
bar_share = {
    name: share_along(vectors, [3, 4]).mean(1) for name, vectors in profile.items()
}
for name in profile:
    print(
        f"{name:22s} edges (2, 3) {np.median(edge_share[name]):.2f}, bars (4, 5) {np.median(bar_share[name]):.2f}"
    )

# sphinx_gallery_start_ignore
glue("edge_adam", np.median(edge_share["Adam, true labels"]), "{:.2f}")
glue("edge_sums", np.median(edge_share["random patch sums"]), "{:.2f}")
glue("bar_adam", np.median(bar_share["Adam, true labels"]), "{:.2f}")
glue("bar_sums", np.median(bar_share["random patch sums"]), "{:.2f}")
glue("edge_shuffled", np.median(edge_share["Adam, shuffled labels"]), "{:.2f}")
glue("bar_shuffled", np.median(bar_share["Adam, shuffled labels"]), "{:.2f}")
glue("edge_carried", carried[1:3].sum(), "{:.0%}")
glue("bar_carried", carried[3:5].sum(), "{:.0%}")
edges_vs_sums = difference(
    "the text says whether the true-label changes lie more or less along the two edge components "
    "than random patch sums, or that it cannot tell",
    edge_share["Adam, true labels"], edge_share["random patch sums"], expect=OUTCOMES, paired=False,
    statistic="mean share along components 2 and 3, true-label changes minus patch sums",
)  # fmt: skip
numbers = (
    f"{edges_vs_sums.value:+.2f}, {edges_vs_sums.level:.1%} interval {edges_vs_sums.interval[0]:+.2f} to "
    + (f"{edges_vs_sums.interval[1]:+.2f}")
)
_ = glue("edges_sentence", edges_vs_sums.choose(
    larger=f"more than random patch sums put there ({numbers})",
    smaller=f"less than random patch sums put there ({numbers})",
    cannot_tell=f"and the study cannot tell whether that is more or less than random patch sums put "
    f"there ({numbers})",
))  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# The two edge components carry |edge_carried| of the patches' mean square
# and, in the median seed, |edge_adam| of a true-label change,
# |edges_sentence|. The two bar components carry |bar_carried| of the mean
# square and |bar_adam| of a true-label change (|bar_sums| of a patch sum).
# The shuffled twins' changes hold |edge_shuffled| along the two edges and
# |bar_shuffled| along the two bars.
#
# What this shows, and what it does not
# -------------------------------------
# Two of the patches' five leading components are edges, and with the true
# labels, what training changes in a kernel lies mostly along those five. That is the
# second-order account of "why edges", and these data are consistent with
# it. It is
# a description of where the changes lie, not a test of what makes them
# lie there: the components also hold a blob and two bars, and a random
# sum of patches leans along them too. A test of the cause changes the
# data's statistics and trains again: on surrogate images with the same
# patch second moments but no lines, and on images with the lines kept
# but the patches whitened. This page does not run it.
#
# The literature's explanations, on our data
# ------------------------------------------
# Each explanation below is a hypothesis that our seed study can put to a
# test that could refute it; each result is an interval over its
# |n_seeds| seeds, measured on the page linked.
#
# - *Second-order statistics shape the first layer*
#   :cite:p:`linsker1986orientation`: the changes lie along the patches'
#   leading components far more than random directions do, as a random sum
#   of patches does too (above). Consistent with our data; the test of the
#   cause, surrogate images, is not run.
# - *Random labels still align the first layer with the data's components*
#   :cite:p:`maennel2020random`: the shuffled twins' changes lie along them
#   more than random directions do (by our measure, not theirs), and
#   |labels_sentence|.
# - *Random first-layer filters already carry much of the task*
#   :cite:p:`saxe2011random`: with the first layer frozen at its random
#   start, the runs reach |/auto_examples/beyond/plot_05_seeds:frozen_median| of the test images in the
#   median run; seed by seed, their accuracy minus their Adam twins' is
#   |/auto_examples/beyond/plot_05_seeds:frozen_diff| on average:
#   |/auto_examples/beyond/plot_05_seeds:frozen_words| (:doc:`the seeds page <../beyond/plot_05_seeds>`).
# - *A kernel's start decides its role*: with the starts moved one slot
#   along, |/auto_examples/why_edges/plot_03_role_at_init:swap_words|
#   (:doc:`plot_03_role_at_init`).
# - *The labels make the changes edge-shaped*: against shuffled-label
#   twins from the same starts,
#   |/auto_examples/beyond/plot_01_edge_match:sl_change_words|
#   (:doc:`the edge-match page <../beyond/plot_01_edge_match>`).
# - *Higher-order statistics make localized, edge-like filters*
#   :cite:p:`ingrosso2022emergence`: not tested here; it needs the surrogate
#   images above. Our data cannot decide it yet.

# sphinx_gallery_thumbnail_number = 3
