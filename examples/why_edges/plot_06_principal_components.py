"""
What the statistics of the patches predict
==========================================

An old answer to "why edges?" needs no labels at all. Take many small
patches of the images a layer sees, and ask which patterns account for most
of their variation: these patterns are the patches' *principal components*,
the :term:`eigenvectors <eigenvector>` of their :term:`second-moment matrix
<patch second-moment matrix>`. For photographs, :cite:t:`baddeley1991statistical`
found a blob first, then horizontal and vertical first-derivative
operators (edges), then higher derivatives, two of them bars;
:cite:t:`hancock1992principal` computed such components with a network
that learns them, on natural images and on images of text.
:cite:t:`linsker1986orientation` showed that a layered network whose units learn by a Hebb-type rule
from the correlations of their input, with nothing but random activity at
its start, develops orientation-selective units (on top of the
centre-surround layer that a companion paper of the same series builds).
:cite:t:`maennel2020random` showed, analytically and in experiments,
that networks trained on *random* labels still align their first-layer
weights with the principal components of their data.

This page computes the principal components of our training patches and
asks how much of what training changes in a kernel lies along them, over the
|n_seeds| seeds of the seed study: with the true labels, with shuffled labels
and with plain SGD. The null of the changes' own kind is the shuffled twin:
a change made by the same training from the same start, on the same
batches, with labels that say nothing about the lines. Two reference points
come with it: random directions, and random weighted sums of training
patches, built of the same pieces as a change but without any learning.
Then it changes the images' statistics and trains again: Gaussian images
with the same second moments and no lines, and the line images with their
power spectrum flattened. It ends by setting the explanations of the
literature beside our data, and says for each whether our data can test it.
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
from cnnexplain.claims import span
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


def half_turn(pattern):
    """Correlation of a 7x7 pattern with itself turned by 180 degrees: -1 odd (a step), +1 even."""
    return np.corrcoef(pattern.ravel(), np.rot90(pattern, 2).ravel())[0, 1]


def varies_across(pattern):
    """'rows' if the pattern changes mostly from row to row (it lies horizontally), else 'columns'."""
    down, across = (
        np.abs(np.diff(pattern, axis=0)).sum(),
        np.abs(np.diff(pattern, axis=1)).sum(),
    )
    return "rows" if down > across else "columns"


shapes = components.reshape(-1, 7, 7)
for i in range(8):
    print(
        f"component {i + 1}: {carried[i]:5.1%}, edge {component_is_edge[i]!s:5}, "
        f"half turn {half_turn(shapes[i]):+.2f}, "
        f"one sign {bool((shapes[i] > 0).all() or (shapes[i] < 0).all())!s:5}, "
        f"across {varies_across(shapes[i])}"
    )

# %%
# The names come from measurements, printed above (the share of the mean
# square, the edge test, the correlation with a half turn, whether all
# weights share one sign, and the way the pattern changes). The first component has
# one sign and is unchanged by a half turn: a blob, the mean brightness of
# a patch. The second and third are odd (a half turn flips their sign), one
# changing from row to row and one from column to column: a horizontal and
# a vertical step, the only two of the first eight that pass the edge
# test. The fourth and fifth are even, with both signs: a horizontal and a
# vertical bar, the shape of a :term:`line detector`.
# That sequence -- a blob, then first derivatives, then higher ones -- is
# the one :cite:t:`baddeley1991statistical` and
# :cite:t:`hancock1992principal` found as the leading principal components
# of photographs of natural scenes. Finding it on line images too need not
# mean a likeness between them and photographs. One possible reason, a
# standard property of images whose statistics do not change when shifted
# and not tested here (our lines, ending at the image's border, are not
# quite such images): their principal components are wave-like patterns
# ordered by the power spectrum, and a spectrum that falls with frequency
# gives this order in a small window (the spectra of natural images fall
# with frequency, :cite:p:`field1987relations`). This page does not test
# which properties of our images give it. The first
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
import torch


def patch_sums(images, rng, runs, terms=32, size=7):
    """Random weighted sums of ``terms`` patches of the images, ``(runs, 8, size, size)``.

    A batch's worth of patches (32), weights N(0, 1). Only patches that touch a
    line: a blank patch adds nothing to a sum, and a sum of blank patches has
    no direction. It picks positions, not copies of every patch, so it needs
    no array of all the images' patches.
    """
    pixels = images[:, 0]
    touched = (
        torch.nn.functional.avg_pool2d(pixels.abs()[:, None], size, stride=1)[:, 0] > 0
    )
    where = torch.nonzero(
        touched
    ).numpy()  # (image, row, column) of every patch not blank
    picked = where[rng.integers(len(where), size=(runs, 8, terms))]
    offsets = np.arange(size)
    rows = picked[..., 1, None, None] + offsets[:, None]
    columns = picked[..., 2, None, None] + offsets[None, :]
    patches = pixels.numpy()[picked[..., 0, None, None], rows, columns]
    weights = rng.standard_normal((runs, 8, terms))
    return np.einsum("...b,...bij->...ij", weights, patches)


sums = patch_sums(train_set.images, rng, len(study)).reshape(len(study), 8, 49)
patch_sum_shares = top_share(sums).mean(1)

shares = {
    "Adam, true labels": per_seed["adam"],
    "Adam, shuffled labels": per_seed["shuffled"],
    "SGD, true labels": per_seed["sgd"],
    "random patch sums": patch_sum_shares,
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
from cnnexplain.claims import (
    OUTCOMES,
    bound,
    difference,
    every,
    glue,
    majority,
    outward,
    plural,
    setting,
)

glue("n_seeds", len(study))
glue("n_top", TOP)
glue("top_carried", carried[:TOP].sum(), "{:.0%}")
setting("the first five components are the ones the text names", TOP, expected=5)
one_sign = [bool((c > 0).all() or (c < 0).all()) for c in shapes[:TOP]]
turns = [half_turn(c) for c in shapes[:TOP]]
every(
    "component 1 is a blob: one sign, and unchanged by a half turn (correlation above 0.9)",
    [one_sign[0], turns[0] > 0.9],
    statistic="conditions met: one sign; half-turn correlation above 0.9",
)
every(
    "components 2 and 3 are steps, one horizontal and one vertical: odd under a half turn "
    "(correlation below -0.9), the first changing across rows, the second across columns",
    [turns[1] < -0.9, turns[2] < -0.9, varies_across(shapes[1]) == "rows",
     varies_across(shapes[2]) == "columns"],
    statistic="conditions met",
)  # fmt: skip
every(
    "components 4 and 5 are bars, one horizontal and one vertical: both signs, even under a half "
    "turn (correlation above 0.9), the first changing across rows, the second across columns",
    [not one_sign[3], not one_sign[4], turns[3] > 0.9, turns[4] > 0.9,
     varies_across(shapes[3]) == "rows", varies_across(shapes[4]) == "columns"],
    statistic="conditions met",
)  # fmt: skip
every("components 2 and 3, the two steps, pass the edge test", component_is_edge[[1, 2]],
      statistic="components that pass")  # fmt: skip
every("none of the other six of the first eight components passes the edge test",
      ~component_is_edge[[0, 3, 4, 5, 6, 7]], statistic="components that fail")  # fmt: skip
for name, values in (("adam", per_seed["adam"]), ("shuffled", per_seed["shuffled"]),
                     ("sgd", per_seed["sgd"]), ("sums", patch_sum_shares), ("random", random_directions)):  # fmt: skip
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
        patch_sum_shares,
        False,
        "true-label changes minus random patch sums",
    ),
    (
        "shuffled_sums",
        per_seed["shuffled"],
        patch_sum_shares,
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
    numbers = f"{test.value:+.2f}, {test.level:.1%} interval {test.span()}"
    # The paired sign test's interval: its exact coverage, at least 95%, said where it shows.
    if round(test.level, 3) != 0.95:
        numbers += f"; {test.level:.1%} is the sign test's exact coverage, at least 95%"
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
# direction does (each difference's interval in the box), as any sum of
# patches does; so this alignment, by itself, is no sign of training, and
# the shuffled twins' changes lie along the components less than random
# patch sums do (below).
# :cite:t:`maennel2020random` derived and observed an alignment of this
# kind with random labels, by another measure (the covariance of the weights against that of
# the data). A random sum of patches lies along them too, without any
# training; so the comparison that says what the labels do is the null of
# the changes' own kind, the shuffled twins: |labels_sentence|; how much
# of that is mean brightness is split out :ref:`below <split-by-component>`. With
# the true labels, a seed's eight changes put, on average, more than half
# of their squared length along the five in |n_mostly| of the |n_seeds| seeds (|mostly_words|). Against the
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
numbers = f"{edges_vs_sums.value:+.2f}, {edges_vs_sums.level:.1%} interval {edges_vs_sums.span()}"
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
# The same two edges come out of :doc:`the one-kernel model
# <plot_05_matched_filter>`, whose best kernels (the top and bottom
# eigenvectors of the difference between the classes' patch moments) can
# be written down:

from cnnexplain.analysis import preferred_kernel

preferred = preferred_kernel(train_set.images, train_set.labels, 7)
for name, kernel in (("top", preferred.top), ("bottom", preferred.bottom)):
    cosines = np.abs(components[1:3] @ kernel.ravel()) / np.linalg.norm(kernel)
    print(f"{name} kernel: |cosine| with components 2 and 3: {cosines.round(4)}")

# sphinx_gallery_start_ignore
# Each closed-form kernel against the nearer of the two edge components.
closed_cos = [
    float(np.max(np.abs(components[1:3] @ k.ravel())) / np.linalg.norm(k))
    for k in (preferred.top, preferred.bottom)
]
glue("closed_cos_min", min(closed_cos), "{:.4f}")
same_kernels = min(closed_cos) > 0.99
_ = glue("closed_words",
    "On these images the two accounts point at the same two kernels (each closed-form kernel "
    f"has a cosine of {min(closed_cos):.4f} or more with one of the two edge components), so "
    "these data cannot tell them apart."
    if same_kernels
    else "On these images the two accounts point at different kernels (a closed-form kernel has "
    f"a cosine of only {min(closed_cos):.4f} with the nearer edge component).",
)  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# |closed_words|
#
# .. _split-by-component:
#
# Split by component
# ------------------
# Component 1 is the one-sign blob: a change's part along it is a change
# in how strongly the kernel answers to a patch's mean brightness. The
# true-minus-shuffled difference in the share along the first |n_top|
# components, split into its part along component 1 and its part along
# components 2 to 5 (the two steps and the two bars), seed by seed; and
# the share with component 1 set aside: of what is left of a change once
# its part along component 1 is taken out, the share along components 2
# to 5.

share_first = {arm: share_along(change, [0]).mean(1) for arm, change in changes.items()}
share_rest = {
    arm: share_along(change, slice(1, TOP)).mean(1) for arm, change in changes.items()
}
# The one-number summary with component 1 set aside: the share along 2 to 5 of each change's
# squared length outside component 1, kernel by kernel, then the mean of a run.
share_without_first = {
    arm: (share_along(change, slice(1, TOP)) / (1 - share_along(change, [0]))).mean(1)
    for arm, change in changes.items()
}
for name, values in (("component 1", share_first), ("components 2 to 5", share_rest),
                     ("2 to 5, 1 set aside", share_without_first)):  # fmt: skip
    print(f"{name:20s} true {values['adam'].mean():.3f}, shuffled "
          f"{values['shuffled'].mean():.3f} (means over seeds)")  # fmt: skip

# sphinx_gallery_start_ignore
split_tests = {}
for name, values, what in (
    ("first", share_first, "component 1 (the blob, mean brightness)"),
    ("rest", share_rest, "components 2 to 5 together"),
    (
        "without_first",
        share_without_first,
        "components 2 to 5, with component 1 set aside",
    ),
):
    test = split_tests[name] = difference(
        f"the text says whether the true-label changes put more or less of their squared length "
        f"along {what} than their shuffled twins, or that it cannot tell",
        values["adam"], values["shuffled"], expect=OUTCOMES, paired=True, method="bootstrap",
        statistic=f"mean paired difference of the share along {what}, true minus shuffled labels",
    )  # fmt: skip
    glue(f"split_{name}_diff", test.value, "{:+.2f}")
    glue(f"split_{name}_low", test.interval[0], "{:+.2f}")
    glue(f"split_{name}_high", test.interval[1], "{:+.2f}")
glue("split_first_true", share_first["adam"].mean(), "{:.2f}")
glue("split_first_shuffled", share_first["shuffled"].mean(), "{:.2f}")
glue("split_top_diff", (per_seed["adam"] - per_seed["shuffled"]).mean(), "{:+.2f}")
glue("split_first_part", split_tests["first"].value / (per_seed["adam"] - per_seed["shuffled"]).mean(),
     "{:.0%}")  # fmt: skip
# How much of the label effect is mean brightness: component 1's part against the other four's,
# and component 1's share of the whole, both on the same resampled seeds (a seed brings both its
# twins), 10,000 resamples, 95% percentile intervals whose ends are resampled values ("lower" and
# "higher"). The parts add up to the whole along the first TOP, so in every resample the share is
# above one half exactly where the difference is above 0 (while the whole is above 0): the two
# intervals give one outcome, which chooses the words.
part_first = share_first["adam"] - share_first["shuffled"]
part_rest = share_rest["adam"] - share_rest["shuffled"]
resampled = np.random.default_rng(4).integers(0, len(study), (10_000, len(study)))
first_means, rest_means = part_first[resampled].mean(1), part_rest[resampled].mean(1)
gap_low = np.percentile(first_means - rest_means, 2.5, method="lower")
gap_high = np.percentile(first_means - rest_means, 97.5, method="higher")
whole_means = first_means + rest_means
first_part_low = np.percentile(first_means / whole_means, 2.5, method="lower")
first_part_high = np.percentile(first_means / whole_means, 97.5, method="higher")
glue("split_gap", (part_first - part_rest).mean(), "{:+.2f}")
glue("split_gap_ci", span(gap_low, gap_high))
glue("split_first_part_ci", span(first_part_low, first_part_high, "{:.0%}"))
bound("the true-minus-shuffled difference along the first five is above 0 in every resample of "
      "the seeds (component 1's share of it is a share of a positive whole)", whole_means.min(),
      n=len(study), at_least=0, statistic="smallest resampled mean difference along the first "
      "five", fmt="{:+.3f}")  # fmt: skip
gap_what = dict(n=len(study), fmt="{:+.3f}")
part_what = dict(n=len(study), fmt="{:.1%}")
gap_stat = "95% interval of the mean paired difference, component 1's part minus that of 2 to 5"
part_stat = "95% interval of component 1's share of the true-minus-shuffled difference"
if gap_low > 0:
    brightness = "larger"
    bound("more of the true-minus-shuffled difference lies along component 1 than along "
          "components 2 to 5 together: the whole interval lies above 0", gap_low, at_least=0,
          statistic="lower end of the " + gap_stat, **gap_what)  # fmt: skip
    bound("most of the true-minus-shuffled difference lies along component 1: the whole "
          "interval of its share lies above one half", first_part_low, at_least=0.5,
          statistic="lower end of the " + part_stat, **part_what)  # fmt: skip
elif gap_high < 0:
    brightness = "smaller"
    bound("less of the true-minus-shuffled difference lies along component 1 than along "
          "components 2 to 5 together: the whole interval lies below 0", gap_high, at_most=0,
          statistic="upper end of the " + gap_stat, **gap_what)  # fmt: skip
    bound("less than half of the true-minus-shuffled difference lies along component 1: the "
          "whole interval of its share lies below one half", first_part_high, at_most=0.5,
          statistic="upper end of the " + part_stat, **part_what)  # fmt: skip
else:
    brightness = "cannot tell"
    told = ("whether more of the true-minus-shuffled difference lies along component 1 than "
            "along components 2 to 5 together, the study cannot tell: ")  # fmt: skip
    bound(told + "the interval holds 0 (its lower end)", gap_low, at_most=0,
          statistic="lower end of the " + gap_stat, **gap_what)  # fmt: skip
    bound(told + "the interval holds 0 (its upper end)", gap_high, at_least=0,
          statistic="upper end of the " + gap_stat, **gap_what)  # fmt: skip
    bound(told + "the interval of component 1's share holds one half (its lower end)",
          first_part_low, at_most=0.5, statistic="lower end of the " + part_stat,
          **part_what)  # fmt: skip
    bound(told + "the interval of component 1's share holds one half (its upper end)",
          first_part_high, at_least=0.5, statistic="upper end of the " + part_stat,
          **part_what)  # fmt: skip
glue("split_brightness_words", {
    "larger": "most of the difference between true and shuffled labels is mean brightness: more "
    "of it lies along component 1 than along the other four together",
    "smaller": "less than half of the difference between true and shuffled labels is mean "
    "brightness: more of it lies along components 2 to 5 than along component 1",
    "cannot tell": "the study cannot tell whether more of the difference between true and "
    "shuffled labels lies along component 1, the mean brightness, or along the other four",
}[brightness])  # fmt: skip
_ = glue("split_without_words", split_tests["without_first"].choose(
    larger="with component 1 set aside, the true-label changes still lie more along the other "
    "four than the shuffled twins' changes",
    smaller="with component 1 set aside, the true-label changes lie less along the other four "
    "than the shuffled twins' changes",
    cannot_tell="with component 1 set aside, the study cannot tell whether the true-label "
    "changes lie more or less along the other four than the shuffled twins' changes",
))  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# Along component 1 alone, a true-label change puts |split_first_true| of
# its squared length and a shuffled twin's change |split_first_shuffled|
# (means over seeds). Of the mean paired difference of |split_top_diff|
# along the first |n_top| (the median above is |labels_diff|),
# |split_first_diff| (95% interval |split_first_low| to |split_first_high|) lies along component 1 and |split_rest_diff|
# (|split_rest_low| to |split_rest_high|) along components 2 to 5
# together. Component 1's part minus theirs is |split_gap| (95% interval
# |split_gap_ci|, resampling seeds), and component 1 holds
# |split_first_part| of the whole (|split_first_part_ci|). So
# |split_brightness_words|. Set aside component 1 and the share along the
# other four differs by |split_without_first_diff| (|split_without_first_low|
# to |split_without_first_high|): |split_without_words|. Along the two
# edge components alone, true-label changes are set against random patch
# sums above.
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
# data's statistics and trains again, as the next section does.
#
# Changing the statistics and training again
# ------------------------------------------
# The seed study trains two more twins of every Adam run, from the same
# start, on the same batches, for the same |n_epochs| epochs, but on other
# images (and tested on images made the same way):
#
# - *Gaussian twins* (:func:`~cnnexplain.surrogates.gaussian_twin`): each
#   image is replaced by a random Gaussian blend of all the images of its
#   class -- the Gaussian clone of the data that :cite:t:`ingrosso2022emergence`
#   compare their data with. Each class keeps its pixel means and its whole
#   pixel covariance (its first- and second-order statistics), so every
#   patch keeps its second moments, class by class. What goes is
#   the single, sharp, black-and-white line, and every statistic of higher
#   order; what stays is the orientation: a blend of horizontal lines is a
#   striped texture of horizontal bands. It is not smooth: since the
#   covariance is kept, so is the mean squared difference between
#   neighbouring pixels, and the twins are full of brightness steps across
#   the stripes, smaller and far more frequent than the lines' two sharp
#   edges (the figure below).
# - *Whitened images* (:func:`~cnnexplain.surrogates.whitened`): each image
#   is filtered so that the training images' mean power spectrum becomes
#   flat, up to a small floor, and the patches' second moments favour a
#   blob, a step or a bar far less (the figure below gives the shares of
#   the leading components). The lines stay where they are, but a
#   long straight line puts its power on the very frequencies the filter
#   damps most: its body comes out faint and its two ends bright (the
#   figure below).
#
# If second moments are what make the changes edge-shaped, the Gaussian
# twins should keep the edge-shaped changes the line images give: in the
# closed form of :doc:`the one-kernel page <plot_05_matched_filter>`, all
# of them (tested below, on the raw shares and on the excess over each
# arm's own random patch sums). A competing account,
# :cite:t:`refinetti2023neural`, has networks trained with SGD use the
# lower-order statistics of their inputs first and higher-order ones later:
# by it, a network trained on the Gaussian twins would match one trained
# on the line images early in training and part from it later. This arm
# compares the two only at the end of |n_epochs| epochs (and trains with
# Adam), so it cannot test that account. For the whitened images the
# second-moment account predicts
# less: whitening flattens only the spectrum the classes share and leaves
# each class's covariance different from the other's, so an account built
# on the classes' second moments does not say they should lose the
# edge-shaped changes; the arm shows what this one filter does. The labels matter
# too, and the study already shows how: the shuffled twins train on the
# very same images, so the same patch statistics, and fewer of their
# changes are edge detectors (the
# :doc:`edge-match page <../beyond/plot_01_edge_match>`). What the twins
# test is therefore the first and second moments of each class, with its
# true labels; the whitened arm flattens the spectrum the two classes
# share, while each class's covariance still differs from the other's.

from cnnexplain.analysis import seed_bootstrap
from cnnexplain.study.ensemble import TWIN_SEEDS
from cnnexplain.surrogates import gaussian_twin, whitened

image_sets = {
    "line images": train_set,
    "Gaussian twins": gaussian_twin(train_set, TWIN_SEEDS["train"]),
    "whitened": whitened(train_set),
}
leading = {}
for name, images in image_sets.items():
    values = np.linalg.eigvalsh(patch_second_moments(images.images, 7).mean(axis=0))[
        ::-1
    ]
    leading[name] = values[:TOP].sum() / values.sum()
    print(
        f"{name:15s} the first {TOP} components carry {leading[name]:.0%} of the mean square"
    )

first_of_class = [int(np.flatnonzero(train_set.labels.numpy() == c)[0]) for c in (0, 1)]
fig, axes = plt.subplots(2, 3, figsize=(6.6, 4.6), layout="constrained")
for column, (name, images) in enumerate(image_sets.items()):
    for row, index in enumerate(first_of_class):
        ax = axes[row, column]
        ax.imshow(images.images[index, 0], cmap="gray")
        ax.set_title(f"{name}, {train_set.classes[row]}", fontsize=9)
        ax.set_xticks([])
        ax.set_yticks([])

# %%
# The first image of each class, as each arm sees it (each image on its
# own grey scale, from its darkest pixel to its brightest). Over all the training
# patches, the first |n_top| components carry |lead_lines| of the mean
# square for the line images, |lead_gaussian| for the Gaussian twins and
# |lead_whitened| for the whitened images (a flat spectrum: |lead_flat|).
# The edge test is then run on each arm's changes, seed by seed:

arms = {"adam": "line images", "gaussian": "Gaussian twins", "whitened": "whitened"}
edge_flags, edge_share = {}, {}
for arm, name in arms.items():
    a = study.arm(arm)
    change = study.final_weight[:, a, :, 0] - study.initial_weight[:, a, :, 0]
    edge_flags[arm] = is_edge_detector(change)  # (seeds, 8)
    share = edge_share[arm] = seed_bootstrap(edge_flags[arm])  # resampling whole seeds
    accuracy = np.median(study.final_accuracy[:, a])
    print(
        f"{name:15s} changes that are edge detectors {share.estimate:5.1%} "
        f"(95% interval {span(share.low, share.high, '{:.1%}')}); "
        f"median test accuracy {accuracy:.1%}"
    )

fig, ax = plt.subplots(figsize=(6.0, 2.2), layout="constrained")
for row, arm in enumerate(arms):
    share = edge_share[arm]
    ax.errorbar(share.estimate, row, xerr=[[share.estimate - share.low], [share.high - share.estimate]],
                fmt="o", color="black", capsize=4)  # fmt: skip
ax.set_yticks(range(len(arms)), list(arms.values()))
ax.set_xlabel("changes that are edge detectors (95% interval over seeds)")
ax.set_xlim(0, None)
ax.invert_yaxis()

# sphinx_gallery_start_ignore
glue("n_epochs", int(study.epochs[-1]))
glue("lead_lines", leading["line images"], "{:.0%}")
glue("lead_gaussian", leading["Gaussian twins"], "{:.0%}")
glue("lead_whitened", leading["whitened"], "{:.0%}")
glue("lead_flat", TOP / 49, "{:.0%}")
setting(
    "the Gaussian and whitened twins start where their Adam run starts, for the study's 100 seeds",
    (len(study), all(bool((study.initial_weight[:, study.arm(arm)] == study.initial_weight[:, study.arm("adam")]).all())
                     for arm in ("gaussian", "whitened"))),
    expected=(100, True),
)  # fmt: skip
bound(
    "the Gaussian twins' patches: the first five components carry about what they carry for the "
    "line images (within 2 points)",
    abs(leading["Gaussian twins"] - leading["line images"]), n=len(train_set), at_most=0.02,
    statistic="difference of the shares carried", fmt="{:.3f}",
)  # fmt: skip
bound(
    "the whitened patches: the first five components carry under a quarter of the mean square",
    leading["whitened"], n=len(train_set), at_most=0.25,
    statistic="share carried by the first five", fmt="{:.0%}",
)  # fmt: skip
for arm in arms:
    share = edge_share[arm]
    glue(f"surr_{arm}", share.estimate, "{:.1%}")
    glue(f"surr_{arm}_low", share.low, "{:.1%}")
    glue(f"surr_{arm}_high", share.high, "{:.1%}")
    accuracy = study.final_accuracy[:, study.arm(arm)]
    glue(f"surr_{arm}_acc", np.median(accuracy), "{:.1%}")
    glue(f"surr_{arm}_acc_min", accuracy.min(), "{:.1%}")
    bound(
        f"every run of the arm '{arm}' classifies at least 95% of its test images",
        accuracy.min(), n=len(study), at_least=0.95, statistic="lowest test accuracy", fmt="{:.1%}",
    )  # fmt: skip
bound(
    "on the whitened images, fewer than one change in twenty is an edge detector (the upper end "
    "of its 95% interval over seeds)",
    edge_share["whitened"].high, n=len(study), at_most=0.05,
    statistic="upper end of the share's interval", fmt="{:.1%}",
)  # fmt: skip
line_share = edge_flags["adam"].mean()
surrogate_tests = {}
for arm, subject, expect, claim in (
    ("gaussian", "the Gaussian twins", OUTCOMES,
     "seed by seed, the share of edge detectors among the changes made on the Gaussian twins "
     "against the line images: larger, smaller, or the study cannot tell (the text says which)"),
    ("whitened", "the whitened images", "smaller",
     "seed by seed, the whitened images give a smaller share of edge detectors among the changes "
     "than the line images"),
):  # fmt: skip
    test = difference(
        claim, edge_flags[arm].mean(axis=1), edge_flags["adam"].mean(axis=1),
        expect=expect, paired=True, method="bootstrap", fmt="{:+.1%}",
        statistic=f"mean paired difference of the share ({arm} minus adam)",
    )  # fmt: skip
    surrogate_tests[arm] = test
    glue(f"surr_{arm}_diff", test.value * 100, "{:+.1f} points")
    glue(f"surr_{arm}_diff_low", test.interval[0] * 100, "{:+.1f}")
    glue(f"surr_{arm}_diff_high", test.interval[1] * 100, "{:+.1f}")
    # Its p-value against 0, from the same resamples: the findings page adjusts the primary
    # comparisons together (Holm).
    glue(f"surr_{arm}_p", test.p_value, "{:.4g}")
    glue(f"surr_{arm}_words", test.choose(
        larger=f"{subject} give more edge-shaped changes than the line images (the whole interval "
        "lies above 0)",
        smaller=f"{subject} give fewer edge-shaped changes than the line images (the whole "
        "interval lies below 0)",
        cannot_tell=f"the study cannot tell whether {subject} give more edge-shaped changes than "
        "the line images, or fewer (the interval holds 0)",
    ))  # fmt: skip

# sphinx_gallery_end_ignore

# %%
# Among the changes made on the line images, |surr_adam| are edge
# detectors (95% interval |surr_adam_low| to |surr_adam_high|). On the
# Gaussian twins, |surr_gaussian| (|surr_gaussian_low| to
# |surr_gaussian_high|); seed by seed, the difference is |surr_gaussian_diff|
# (|surr_gaussian_diff_low| to |surr_gaussian_diff_high|):
# |surr_gaussian_words|. On the whitened images, |surr_whitened|
# (|surr_whitened_low| to |surr_whitened_high|); the difference is
# |surr_whitened_diff| (|surr_whitened_diff_low| to
# |surr_whitened_diff_high|): |surr_whitened_words|. Every arm still
# learns its task: the median run classifies |surr_adam_acc| of its test
# images on the lines, |surr_gaussian_acc| on the twins and
# |surr_whitened_acc| whitened (the worst runs: |surr_adam_acc_min|,
# |surr_gaussian_acc_min| and |surr_whitened_acc_min|).
#
# Each arm against a reference of its own images
# ----------------------------------------------
# The edge test passes some patterns by chance, and more of them on some
# images than on others: random sums of patches of the line images pass
# it, with nothing learned, and the twins are textures the test may treat
# otherwise. So each arm gets the hand-built reference the line images have
# on the :doc:`edge-match page <../beyond/plot_01_edge_match>`, made of its
# own training images: random sums of 32 of their patches (those that are
# not blank), with standard normal weights, in runs of eight like a seed's
# kernels. It is no null of the changes' kind -- nothing in it is trained,
# or rescaled as Adam's steps are -- but it says how often each arm's
# patches pass by themselves.


reference_flags = {
    arm: is_edge_detector(
        patch_sums(image_sets[name].images, np.random.default_rng(1), len(study))
    )
    for arm, name in arms.items()
}
for arm, name in arms.items():
    print(
        f"{name:15s} changes {edge_flags[arm].mean():5.1%}, "
        f"random sums of its patches {reference_flags[arm].mean():5.1%}"
    )

# sphinx_gallery_start_ignore
for arm, name in arms.items():
    reference = seed_bootstrap(reference_flags[arm])
    glue(f"ref_{arm}", reference.estimate, "{:.1%}")
    glue(f"ref_{arm}_low", reference.low, "{:.1%}")
    glue(f"ref_{arm}_high", reference.high, "{:.1%}")
    above = difference(
        f"the changes made on the {name} pass the edge test more often than random sums of their "
        "own patches, less, or the study cannot tell (the text says which)",
        edge_flags[arm].mean(axis=1), reference_flags[arm].mean(axis=1),
        expect=OUTCOMES, paired=False, method="bootstrap", fmt="{:+.1%}",
        statistic=f"difference of the shares, {arm} changes minus sums of its patches (runs resampled)",
    )  # fmt: skip
    glue(f"ref_{arm}_diff", above.value * 100, "{:+.1f} points")
    glue(f"ref_{arm}_diff_low", above.interval[0] * 100, "{:+.1f}")
    glue(f"ref_{arm}_diff_high", above.interval[1] * 100, "{:+.1f}")
    glue(f"ref_{arm}_words", above.choose(
        larger="more than their own patch sums", smaller="less than their own patch sums",
        cannot_tell="by a share the study cannot tell apart from their own patch sums'",
    ))  # fmt: skip
    if arm == "gaussian":
        _ = glue("ref_reading", above.choose(
            larger="So the twins' changes, like those made on the lines, pass more often than "
            "their own patches do by themselves",
            smaller="So the twins' share of edge-shaped changes is no more than their own patches "
            "give by themselves",
            cannot_tell="So whether the twins' changes pass more often than their own patches do "
            "by themselves, the study cannot tell",
        ))  # fmt: skip


def excess_ratio(arm, references=reference_flags, resamples=10_000):
    """What an arm keeps of the line images' share of edge-shaped changes *above chance*.

    Each share minus the rate at which random sums of that arm's own patches
    pass, the arm's excess over the lines' excess: the point value and its
    95% percentile interval, resampling seeds (a seed brings both of its
    trained runs, which vary together) and, apart, the runs of each reference.
    ``references`` holds the reference's flags per arm (sums of 32 patches by default).
    """
    arm_share, line_share = (
        edge_flags[arm].mean(axis=1),
        edge_flags["adam"].mean(axis=1),
    )
    arm_ref, line_ref = (
        references[arm].mean(axis=1),
        references["adam"].mean(axis=1),
    )
    rng = np.random.default_rng(2)
    seeds, arm_runs, line_runs = (
        rng.integers(0, len(study), (resamples, len(study))) for _ in range(3)
    )
    ratios = (arm_share[seeds].mean(1) - arm_ref[arm_runs].mean(1)) / (
        line_share[seeds].mean(1) - line_ref[line_runs].mean(1)
    )
    point = (arm_share.mean() - arm_ref.mean()) / (line_share.mean() - line_ref.mean())
    return point, *np.percentile(ratios, [2.5, 97.5])


def kept_words(arm, name, point, low, high, predicted=False):
    """Glue the ratio and words chosen by where its interval lies against 100%; check them.

    100% is the one value stated before the run: all of the lines' excess, which the
    second-order account's closed form predicts for the Gaussian twins (``predicted``: the
    words name it). No other reference (such as one half) is read.
    """
    glue(f"{arm}_excess", point, "{:.0%}")
    glue(f"{arm}_excess_low", low, "{:.0%}")
    glue(f"{arm}_excess_high", high, "{:.0%}")
    claim = f"of the line images' edge-shaped changes above chance, the {name} keep"
    words = (
        ("more than", "less than", "a share the study cannot tell from")
        if predicted
        else ("more than all", "less than all", "a share the study cannot tell from all")
    )  # fmt: skip
    tail = (
        " the 100% that the one-kernel model's second-order closed form predicts (a "
        "prediction not derived for this network)"
        if predicted
        else ""
    )
    statistic = (
        f"interval of the ratio of the excesses over own patch sums ({arm} / lines)"
    )
    if low > 1:
        bound(f"{claim} more than all: the whole interval lies above 100%", low, n=len(study),
              at_least=1, statistic="lower end of the " + statistic, fmt="{:.0%}")  # fmt: skip
        return "above", f"keep {words[0]}{tail}"
    if high < 1:
        bound(f"{claim} less than all: the whole interval lies below 100%", high, n=len(study),
              at_most=1, statistic="upper end of the " + statistic, fmt="{:.0%}")  # fmt: skip
        return "below", f"keep {words[1]}{tail}"
    bound(f"whether the {name} keep less or more than all of the lines' edge-shaped changes "
          "above chance, the study cannot tell: the interval holds 100% (its lower end)", low,
          n=len(study), at_most=1, statistic="lower end of the " + statistic, fmt="{:.0%}")  # fmt: skip
    bound(f"whether the {name} keep less or more than all of the lines' edge-shaped changes "
          "above chance, the study cannot tell: the interval holds 100% (its upper end)", high,
          n=len(study), at_least=1, statistic="upper end of the " + statistic, fmt="{:.0%}")  # fmt: skip
    # Not detected is not agreement: the same interval holds every other value between its ends.
    return "holds", f"keep {words[2]}{tail}, nor from other shares its interval holds"


gaussian_ratio = excess_ratio("gaussian")
twin_kept, twin_words = kept_words(
    "gaussian", "Gaussian twins", *gaussian_ratio,
    predicted=True,
)  # fmt: skip
white_kept, white_words = kept_words(
    "whitened", "whitened images", *excess_ratio("whitened")
)
glue("twin_kept_words", twin_words)
# The findings' reading of the ratio, by where its interval lies (twin_kept, checked above): an
# interval that holds 100% is no agreement, since it holds every share between its ends.
glue("twin_ratio_reading", {
    "holds": "its interval holds 100%, which does not show agreement: it holds every other share "
    "between its ends too",
    "above": "its interval lies above 100%",
    "below": "its interval lies below 100%",
}[twin_kept])  # fmt: skip
glue("white_kept_words", white_words)
# The second-order account's prediction for the twins, stated before the run: they keep each
# class's patch second moments, so the closed form of the one-kernel page gives the same kernels,
# a paired difference of 0 and a ratio of excesses of 100%. The test refutes it only where an
# interval leaves that value out; it cannot confirm it (no equivalence margin was set in advance).
_, ratio_low, ratio_high = gaussian_ratio
raw_twins = surrogate_tests["gaussian"]
left_out = []
if raw_twins.outcome != "cannot tell":
    left_out.append("the paired difference's interval leaves out 0")
if ratio_low > 1:
    bound("the Gaussian twins' ratio of excesses lies above 100%: its lower end", ratio_low,
          n=len(study), at_least=1, statistic="lower end of the ratio's interval", fmt="{:.0%}")  # fmt: skip
    left_out.append("the ratio's interval lies above 100%")
elif ratio_high < 1:
    bound("the Gaussian twins' ratio of excesses lies below 100%: its upper end", ratio_high,
          n=len(study), at_most=1, statistic="upper end of the ratio's interval", fmt="{:.0%}")  # fmt: skip
    left_out.append("the ratio's interval lies below 100%")
else:
    bound("the Gaussian twins' ratio of excesses: its interval holds 100% (its lower end)", ratio_low,
          n=len(study), at_most=1, statistic="lower end of the ratio's interval", fmt="{:.0%}")  # fmt: skip
    bound("the Gaussian twins' ratio of excesses: its interval holds 100% (its upper end)",
          ratio_high, n=len(study), at_least=1, statistic="upper end of the ratio's interval",
          fmt="{:.0%}")  # fmt: skip
glue("higher_words", "this one does not" if ratio_low <= 1 else "this one does")
glue("twin_closed_words", (
    "both intervals hold the predicted value (0 and 100%), so the test does not refute the "
    "second-order account. Nor does it confirm it: no margin of equivalence was set before the "
    "run, so the study cannot tell whether the shares are the same, only that it finds no "
    "difference"
    if not left_out
    else " and ".join(left_out) + ", which refutes the closed form's prediction for these twins"
))  # fmt: skip
# How the ratios move with the reference: sums of fewer or more patches than a batch's 32,
# each ratio with the same interval as at 32 (seeds and reference runs resampled).
sensitivity, sensitivity_ci = {}, {}
for terms in (8, 128):
    refs = {
        arm: is_edge_detector(
            patch_sums(
                image_sets[name].images,
                np.random.default_rng(1),
                len(study),
                terms=terms,
            )
        )
        for arm, name in arms.items()
    }
    for arm in ("gaussian", "whitened"):
        point, low, high = excess_ratio(arm, references=refs)
        sensitivity[arm, terms], sensitivity_ci[arm, terms] = point, (low, high)
# "Wide": more than 50 points from end to end, half of the 100% the ratio is read against.
gaussian_width = glue(
    "gaussian_width", 100 * (gaussian_ratio[2] - gaussian_ratio[1]), "{:.0f}"
)
bound(
    "the Gaussian twins' ratio of excesses has a wide interval: more than 50 points from end "
    "to end",
    gaussian_width / 100, n=len(study), at_least=0.5,
    statistic="width of the ratio's 95% interval (32 patches)", fmt="{:.0%}",
)  # fmt: skip
glue(
    "gaussian_sizes",
    "{:.0%}, {:.0%} and {:.0%}".format(
        sensitivity["gaussian", 8], gaussian_ratio[0], sensitivity["gaussian", 128]
    ),
)
for arm in ("gaussian", "whitened"):
    (p8, (l8, h8)), (p128, (l128, h128)) = (
        (sensitivity[arm, n], sensitivity_ci[arm, n]) for n in (8, 128)
    )
    glue(
        f"sens_{arm}",
        f"{p8:.0%} (95% interval {span(l8, h8, '{:.0%}')}) and {p128:.0%} "
        f"({span(l128, h128, '{:.0%}')})",
    )

# sphinx_gallery_end_ignore

# %%
# Random sums of the line images' patches pass |ref_adam| of the time
# (95% interval |ref_adam_low| to |ref_adam_high|), of the Gaussian twins'
# |ref_gaussian| (|ref_gaussian_low| to |ref_gaussian_high|), of the
# whitened images' |ref_whitened| (|ref_whitened_low| to
# |ref_whitened_high|). Against these, the changes pass the edge test
# |ref_adam_words| on the line images (difference |ref_adam_diff|,
# |ref_adam_diff_low| to |ref_adam_diff_high|), |ref_gaussian_words| on the
# twins (|ref_gaussian_diff|, |ref_gaussian_diff_low| to
# |ref_gaussian_diff_high|), and |ref_whitened_words| on the whitened
# images (|ref_whitened_diff|, |ref_whitened_diff_low| to
# |ref_whitened_diff_high|). |ref_reading|; an arm of shuffled labels on
# the twins, the null of the changes' own kind, was not trained.
#
# This changes the data, but neither arm isolates one cause (the Gaussian
# images change more than the lines' edges, whitening several things at
# once), and each is read only once chance is taken out. A share of edge-shaped changes means something only next to
# the rate at which the arm's own patches pass by themselves, so the
# comparison that fits the sentence is of the excesses: each arm's share
# minus its reference, over the line images' share minus theirs. First
# the raw paired difference, which needs no reference: the share of
# edge-shaped changes on the twins minus on the lines is
# |surr_gaussian_diff| (|surr_gaussian_diff_low| to
# |surr_gaussian_diff_high|). Of the edge-shaped changes the lines give
# beyond chance, the twins -- which keep each class's first and second
# moments but remove the single sharp line, and every statistic of higher
# order with it -- |twin_kept_words|: their ratio is |gaussian_excess|
# (95% interval |gaussian_excess_low| to |gaussian_excess_high|,
# resampling seeds and reference runs). The whitened images
# |white_kept_words| (|whitened_excess|, |whitened_excess_low| to
# |whitened_excess_high|). The twins' arm has only the hand-built
# reference above, not a shuffled-label null of its own, and the ratios
# depend on how that reference is built: with sums of 8 or of 128 patches
# instead of 32, the twins' ratio is |sens_gaussian|, the whitened
# images' |sens_whitened|. As the end of this section says, the twins'
# arm tests neither account with any power.
#
# What the twins can refute, and what they cannot. They keep each class's
# patch second moments, so the second-order account in its closed form
# (:doc:`the one-kernel page <plot_05_matched_filter>`, whose best kernels
# are made of those moments alone) predicts the same kernels on the twins
# as on the lines: a paired difference of 0 and a ratio of 100%. The test
# could refute that only if an interval left its value out:
# |twin_closed_words|. Nor can the test refute an account of higher
# order: such an account expects no more edge-shaped changes without the
# sharp lines, but does not say how many fewer, and the twins keep
# oriented brightness steps of their own (the box below); only a ratio
# whose whole interval lies above 100% would go against it, and
# |higher_words|. Two limits weaken this arm further. The 100% is the
# one-kernel model's prediction (squared output, mean pooling, plain SGD),
# not one derived for the site's network: that page's own variant with
# the ReLU and max-pooling no longer follows the closed form. And the
# ratio's interval is wide, |gaussian_width| points from end to end (more
# than 50, half the 100% it is read against), and its centre is
# |gaussian_sizes| with sums of 8, 32 and 128 patches. So the arm is
# reported, not read as support for either account: it tests neither with
# any power.
#
# The whitened kernels, seen from the raw pixels
# ----------------------------------------------
# The whitened arm has limits of its own.
# :func:`~cnnexplain.surrogates.whitened` filters each image by the
# discrete Fourier transform, which is periodic, with no padding: what the
# filter does at one border shows at the opposite one (a line along the
# bottom leaves a trace along the top), and a line's ends come out as
# bright spots with streaks across them. The filter damps most the
# frequencies along the axes, which carry most of the lines' power. And the
# edge test above reads each kernel as it acts on the whitened images, not
# as it acts on the pixels of the lines. The last one can be measured
# without training again: the filter is fixed, so a kernel applied to
# whitened images acts on the original images as the kernel convolved
# with the filter. That kernel, kept to its 7x7 window, goes through the
# same edge test.

from cnnexplain.data import LineDataset

# The filter's response to one bright pixel, whitened as the training images were.
height, width = train_set.images.shape[-2:]
impulse = torch.zeros(1, 1, height, width)
impulse[0, 0, 0, 0] = 1.0
one_pixel = LineDataset(
    impulse, train_set.labels[:1], train_set.classes, train_set.config
)
response = whitened(one_pixel, reference=train_set).images[0, 0].double().numpy()

a = study.arm("whitened")
whitened_change = np.asarray(
    study.final_weight[:, a, :, 0] - study.initial_weight[:, a, :, 0], dtype=np.float64
)  # (seeds, 8, 7, 7)
# Place each kernel with its centre on pixel (0, 0) of the periodic grid, convolve with the
# filter (real and symmetric, so convolution and the network's correlation agree), and cut the
# 7x7 window around the centre back out.
placed = np.zeros((*whitened_change.shape[:-2], height, width))
placed[..., :7, :7] = whitened_change
placed = np.roll(placed, (-3, -3), axis=(-2, -1))
on_pixels = np.fft.ifft2(np.fft.fft2(placed) * np.fft.fft2(response)).real
on_pixels = np.roll(on_pixels, (3, 3), axis=(-2, -1))
pixel_kernels = on_pixels[..., :7, :7]
in_window = (pixel_kernels**2).sum(axis=(-2, -1)) / (on_pixels**2).sum(axis=(-2, -1))
edge_flags["whitened, on the pixels"] = is_edge_detector(pixel_kernels)
for name, flags in (("in whitened coordinates", edge_flags["whitened"]),
                    ("on the original pixels", edge_flags["whitened, on the pixels"])):  # fmt: skip
    share = seed_bootstrap(flags)
    if flags.any():
        print(f"whitened arm, {name}: {share.estimate:.1%} edge detectors "
              f"({span(share.low, share.high, '{:.1%}')})")  # fmt: skip
    else:  # resampling seeds that all hold none gives no interval: say the count instead
        print(f"whitened arm, {name}: none of the {flags.size} kernels of the "
              f"{len(flags)} seeds is an edge detector")  # fmt: skip
print(f"median share of a kernel's energy on the pixels within its 7x7 window: "
      f"{np.median(in_window):.0%}")  # fmt: skip

# sphinx_gallery_start_ignore
symmetric = np.allclose(response, np.roll(response[::-1, ::-1], 1, axis=(0, 1)))
every("the whitening filter is symmetric (a half turn about its centre leaves it unchanged), so "
      "convolving with it is correlating with it", [symmetric], statistic="filters")  # fmt: skip
pixel_share = seed_bootstrap(edge_flags["whitened, on the pixels"])
glue("pix_whitened", pixel_share.estimate, "{:.1%}")
glue("pix_whitened_low", pixel_share.low, "{:.1%}")
glue("pix_whitened_high", pixel_share.high, "{:.1%}")
glue("pix_window", np.median(in_window), "{:.0%}")
pixel_seeds = int(edge_flags["whitened, on the pixels"].any(axis=1).sum())
glue("pix_seeds", pixel_seeds)
glue("pix_seeds_words", plural(pixel_seeds, "seed holds", "seeds hold"))
pixel_vs_lines = difference(
    "seed by seed, the whitened arm's kernels as they act on the original pixels give a smaller "
    "share of edge detectors than the line images' changes, a larger one, or the study cannot "
    "tell (the text says which)",
    edge_flags["whitened, on the pixels"].mean(axis=1), edge_flags["adam"].mean(axis=1),
    expect=OUTCOMES, paired=True, method="bootstrap", fmt="{:+.1%}",
    statistic="mean paired difference of the share (whitened on the pixels minus adam)",
)  # fmt: skip
glue("pix_diff", pixel_vs_lines.value * 100, "{:+.1f} points")
glue("pix_diff_low", pixel_vs_lines.interval[0] * 100, "{:+.1f}")
glue("pix_diff_high", pixel_vs_lines.interval[1] * 100, "{:+.1f}")
conclusion_kept = pixel_vs_lines.outcome == surrogate_tests["whitened"].outcome
_ = glue("pix_words", (
    "so the conclusion does not change: read on the original pixels too, "
    + surrogate_tests["whitened"].choose(
        larger="the whitened images give more edge-shaped changes than the line images",
        smaller="the whitened images give fewer edge-shaped changes than the line images",
        cannot_tell="the study cannot tell whether the whitened images give more or fewer",
    )
    if conclusion_kept
    else "so the conclusion changes: read on the original pixels, "
    + pixel_vs_lines.choose(
        larger="the whitened images give more edge-shaped changes than the line images",
        smaller="the whitened images give fewer edge-shaped changes than the line images",
        cannot_tell="the study cannot tell whether the whitened images give more or fewer",
    )
    + ", where in whitened coordinates the outcome was another"
))  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# Read on the original pixels, |pix_whitened| of the whitened arm's
# changes are edge detectors (95% interval over seeds |pix_whitened_low|
# to |pix_whitened_high|; |pix_seeds| of the |n_seeds|
# |pix_seeds_words| one at all), beside |surr_whitened|
# (|surr_whitened_low| to |surr_whitened_high|) read in whitened
# coordinates; against the line images, seed by seed, |pix_diff|
# (|pix_diff_low| to |pix_diff_high|): |pix_words|. The 7x7 window holds
# |pix_window| of such a kernel's energy in the median kernel; the rest
# lies outside, where the edge test does not look. The wrap-around and the
# streaks remain: only a whitening with padding, which would change the
# training images and so the study, could remove them.
#
# .. evidence:: What this experiment cannot separate
#
#    Brightness steps are not shown unneeded: a Gaussian image with the
#    lines' covariance has oriented steps of its own (striped textures), so
#    the twins cannot pull "second moments" and "oriented steps" apart (no
#    surrogate can keep the covariance and lower the steps' mean square,
#    which is part of it). The twins keep the class means too, so "second
#    order" means statistics up to the second order. Whitening changes more
#    than the second moments: a line's body fades and its ends stand out,
#    with streaks, and the periodic filter wraps around the borders; the
#    edge test, read on the original pixels, looks at a 7x7 window of a
#    kernel that reaches beyond it; and it flattens only the spectrum
#    the two classes share, so each class's covariance still differs from
#    the other's. So the whitened arm says what this one filter, with all it
#    changes, does to the edge-shaped changes, not which of those changes
#    need what. Each arm is one surrogate, not every image set with the
#    same statistics; and "edge-shaped" is the site's edge test, which says
#    nothing of where in the image a kernel looks.
#
# .. _literature-on-our-data:
#
# The literature's explanations, on our data
# ------------------------------------------
# Each explanation below is set beside our data. Where our seed study can
# put it to a test that could refute it, the result is an interval over
# its |n_seeds| seeds, measured on the page linked; where it cannot, the
# item says so.
#
# - *The first layer follows the second-order statistics of its input*
#   :cite:p:`chowers2023first`, who found it so for large networks even
#   with random labels: on our data, the changes lie along the patches'
#   leading components far more than random directions do, as a random sum
#   of patches does too (above); when the statistics are changed,
#   |surr_gaussian_words|, while |surr_whitened_words|. Their own measure,
#   the filter bank's energy profile, taken on our study (the next
#   section): |cw_words|; at equal distance moved, |cw_matched_words|;
#   split by component, |cw_stretched_split_words|. They also find the first layer approaching a
#   whitening of its input; by that account the whitened arm is expected
#   too (input already white leaves a whitening layer little to do), so
#   that arm is no separate support for it. Why the shuffled twins differ
#   -- the classes' separate covariances, or Adam's sign-like steps turning
#   gradients that nearly cancel into steps of no particular shape -- this
#   study does not separate (a twin with the pooled covariance, or the
#   shuffled labels trained with SGD, would).
#   :cite:t:`linsker1986orientation` showed another
#   route to oriented units, Hebbian learning on correlations alone in a
#   layered network whose input has no structure; this page does not test
#   it.
# - *Natural images need more than second order*: on patches of natural
#   images, the filters of second-order methods -- principal components,
#   zero-phase whitening -- were not the localized, oriented edge filters
#   that methods using higher-order statistics found
#   :cite:p:`olshausen1996emergence,bell1997independent`. Here, the
#   Gaussian twins, with nothing beyond second order, differ from the lines
#   in their share of edge-shaped changes by |surr_gaussian_diff|
#   (|surr_gaussian_diff_low| to |surr_gaussian_diff_high|), and of the
#   lines' edge-shaped changes above chance they |twin_kept_words|; that
#   arm tests neither account with any power (above). The settings differ in a way this page does not
#   test: those models learned without labels, while our labels let each
#   class's second moments differ, which may be where the orientation
#   comes from.
# - *Random labels still align the first layer with the data's components*
#   :cite:p:`maennel2020random`, who show that in networks trained on
#   random labels, the principal components of the first-layer weights
#   align with those of the data. Their measure, taken on our changes
#   (:ref:`below <maennel-on-our-data>`): |mn_words|. Ours -- how much of
#   each change lies along the data's leading components -- is another:
#   the shuffled twins' changes lie along them more than random directions
#   do, but any sum of patches does so too. Beyond it,
#   |shuffled_sums_sentence|, and |labels_sentence| (|split_first_part|
#   of the mean difference, 95% interval |split_first_part_ci|, lies along
#   component 1, the mean brightness:
#   :ref:`split-by-component`) -- findings of this
#   site, not tests of theirs. Ours, after |n_epochs| epochs, classify
#   |shuffled_train_acc| of their own shuffled training labels in the median
#   run (a guess: 50%).
# - *Random first-layer filters already carry much of the task*
#   :cite:p:`saxe2011random`, who kept every convolutional layer random and
#   trained only a linear classifier; here only the first layer is frozen
#   and the layers after it learn, a weaker test. With the first layer
#   frozen at its random
#   start, the runs reach |/auto_examples/beyond/plot_05_seeds:frozen_median| of the test images in the
#   median run; seed by seed, their accuracy minus their Adam twins' is
#   |/auto_examples/beyond/plot_05_seeds:frozen_diff| on average:
#   |/auto_examples/beyond/plot_05_seeds:frozen_words| (exploratory: one of
#   the site's many comparisons, not adjusted for them; :doc:`the seeds page
#   <../beyond/plot_05_seeds>`).
# - *A kernel's preference follows its start more than its slot*: with the starts moved one slot
#   along, |/auto_examples/why_edges/plot_03_role_at_init:swap_words|
#   (:doc:`plot_03_role_at_init`). A trained kernel still holds much of its
#   start, so this is what persistence alone predicts. On the change alone,
#   with the start subtracted,
#   |/auto_examples/why_edges/plot_03_role_at_init:swap_change_words| (mean
#   difference |/auto_examples/why_edges/plot_03_role_at_init:change_diff|,
#   95% interval
#   |/auto_examples/why_edges/plot_03_role_at_init:change_diff_low| to
#   |/auto_examples/why_edges/plot_03_role_at_init:change_diff_high|).
# - *True against shuffled labels, at unequal fit*: against shuffled-label
#   twins from the same starts (which fit only |shuffled_train_acc| of
#   their own training labels, and move a kernel |shuffled_distance| as
#   far as its true-label twin, in the median kernel),
#   |/auto_examples/beyond/plot_01_edge_match:sl_change_words|
#   (:doc:`the edge-match page <../beyond/plot_01_edge_match>`). Against
#   random sums of training patches, with nothing learned,
#   |/auto_examples/beyond/plot_01_edge_match:shuffled_base_words|; so
#   the difference from the shuffled twins measures the true labels against
#   shuffled ones, not against no labels at all. And
#   |/auto_examples/beyond/plot_01_edge_match:smooth_words|;
#   |/auto_examples/beyond/plot_01_edge_match:equal_words|.
# - *The kernels become edge detectors because the lines have edges* (the
#   account the article implies; no published source is cited for it): then
#   lines thicker than the kernel, whose edges a kernel sees one at a time,
#   should give more edge-shaped changes, and lines 1 px thick more
#   line-shaped ones. Trained again on both (:ref:`below
#   <thickness-on-our-data>`): |th_thick_words|; |th_thin_words|. Read
#   after these results were seen: |th_thick_excess_words|; and
#   |th_thin_edge_words|.
# - *Non-Gaussian statistics make localized receptive fields*
#   :cite:p:`ingrosso2022emergence`: their result is about a fully
#   connected layer, which must learn to look at a small region; a 7x7
#   kernel is small by construction, so this site does not test it (a fully
#   connected first layer trained on our lines and on the Gaussian twins
#   would), and the twins above say nothing for or against it.
# - *Lazy training* :cite:p:`chizat2019lazy`: in that regime a network
#   behaves like its linearization around its start -- its outputs change
#   as the first-order expansion in the weights predicts -- and its weights
#   hardly move :cite:p:`jacot2018neural,lee2019wide`. Laziness is no
#   competing explanation of edges: it is a question of how far the
#   weights move, and whether the network then behaves as its
#   linearization. The last block tests a proxy of that criterion, at the
#   end of training only.
#
# Chowers and Weiss's measure, on our data
# ----------------------------------------
# :cite:t:`chowers2022why{abstract}` prove, for linear networks, that true and
# random labels give the first layer the same energy profile in
# expectation when the two classes' average patches are identical, and
# they find it nearly so in large networks. Their energy profile spreads
# the filter bank's energy over all the patches' principal components; a
# one-number summary of it can be taken on our study: the share of the
# whole bank's energy (sum of squared weights) that lies along the first
# |n_top| components, for the trained kernels with true labels and with
# shuffled ones, from the same starts, compared after the same number of
# epochs, not at the same training loss. It is a comparison on our
# networks, not a test of their account: in a linear network, the labels
# reach the first layer only through the classes' average patches, while
# our classes differ mostly in their second-order statistics, which a
# linear network cannot use; a network that learns this task may depart
# from their equality for that reason alone. What follows says how far our
# networks are from the setting of their theorem. First, its condition:
# the two classes' average 7x7 patches (over every position of every
# training image).


def average_patch(images, size=7):
    """The mean of every ``size`` x ``size`` patch of every image, ``(size, size)``."""
    mean_image = images[:, 0].numpy().mean(axis=0)
    positions = mean_image.shape[0] - size + 1
    return np.array(
        [
            [
                mean_image[i : i + positions, j : j + positions].mean()
                for j in range(size)
            ]
            for i in range(size)
        ]
    )


mean_patches = {
    name: average_patch(train_set.of_class(name).images) for name in train_set.classes
}
horizontal_mean, vertical_mean = mean_patches["horizontal"], mean_patches["vertical"]
patch_gap = np.linalg.norm(horizontal_mean - vertical_mean) / np.linalg.norm(
    (horizontal_mean + vertical_mean) / 2
)
print(f"the classes' average patches differ by {patch_gap:.1%} of their size")


def bank_energy_share(weights):
    """Share of a filter bank's energy along the first TOP components, per seed: ``(seeds, 8, 49) -> (seeds,)``."""
    along = ((weights @ components[:TOP].T) ** 2).sum(axis=(1, 2))
    return along / (weights**2).sum(axis=(1, 2))


trained = {
    arm: study.final_weight[:, study.arm(arm), :, 0].reshape(len(study), 8, 49)
    for arm in ("adam", "shuffled")
}
profile = {"start": bank_energy_share(start)} | {
    arm: bank_energy_share(w) for arm, w in trained.items()
}
# The shuffled twins move their kernels less far, which by itself would pull their share towards
# the start's. Stretching each shuffled change to the length of its Adam twin's change, kernel by
# kernel, compares directions at equal distance.
change_adam, change_shuffled = trained["adam"] - start, trained["shuffled"] - start
stretch = np.linalg.norm(change_adam, axis=2, keepdims=True) / np.linalg.norm(
    change_shuffled, axis=2, keepdims=True
)
profile["shuffled, stretched"] = bank_energy_share(start + stretch * change_shuffled)
for name, shares in profile.items():
    print(f"{name:19s} median share of the bank's energy along the first {TOP} components: "
          f"{np.median(shares):.2f}")  # fmt: skip


# Their profile is the energy along every component, not only the first five: the share along the
# first k, for k = 1 to 10, of the trained banks and of the changes alone.
def cumulative_share(weights, k):
    """Share of the energy of ``(seeds, 8, 49)`` weights along the first k components, per seed."""
    along = ((weights @ components[:k].T) ** 2).sum(axis=(1, 2))
    return along / (weights**2).sum(axis=(1, 2))


ks = np.arange(1, 11)
curves = {
    "trained kernels": {
        "start": start,
        "true labels": trained["adam"],
        "shuffled labels": trained["shuffled"],
        "shuffled, stretched": start + stretch * change_shuffled,
    },
    "changes": {"true labels": change_adam, "shuffled labels": change_shuffled},
}
colours = dict(zip(curves["trained kernels"], ("grey", "C0", "C1", "C3")))
fig, axes = plt.subplots(1, 2, figsize=(7.0, 3.0), layout="constrained", sharey=True)
for ax, (title, group) in zip(axes, curves.items()):
    for name, weights in group.items():
        medians = [np.median(cumulative_share(weights, k)) for k in ks]
        ax.plot(ks, medians, "o-", markersize=3, label=name, color=colours[name])
    ax.set_title(title, fontsize=10)
    ax.set_xlabel("first k components")
    ax.set_xticks(ks)
axes[0].set_ylabel("share of the energy (median seed)")
axes[0].set_ylim(0, 1)
axes[0].legend(fontsize=8)
print("mean paired difference, true minus shuffled labels, k = 1 to 10:")
for title, group in curves.items():
    true_k = [cumulative_share(group["true labels"], k) for k in ks]
    shuffled_k = [cumulative_share(group["shuffled labels"], k) for k in ks]
    gaps_k = [np.mean(t - u) for t, u in zip(true_k, shuffled_k)]
    print(f"{title:15s} " + " ".join(f"{g:+.2f}" for g in gaps_k))

# sphinx_gallery_start_ignore
glue("cw_patch_gap", patch_gap, "{:.0%}")
# How far the shuffled twins move their kernels, against their true-label twins.
distance = {arm: np.linalg.norm(c, axis=2) for arm, c in (("adam", change_adam),
                                                          ("shuffled", change_shuffled))}  # fmt: skip
glue("shuffled_distance", np.median(distance["shuffled"] / distance["adam"]), "{:.0%}")
difference(
    "the shuffled twins move their kernels less far than their true-label twins from the same "
    "starts",
    distance["shuffled"].mean(1), distance["adam"].mean(1), expect="smaller", paired=True,
    method="bootstrap", statistic="mean paired difference of a run's mean change length, shuffled "
    "minus true labels",
)  # fmt: skip
for name, shares in profile.items():
    glue(f"cw_{name.replace(', ', '_')}", np.median(shares), "{:.2f}")
cw_test = difference(
    "in Chowers and Weiss's measure, the trained kernels' share of energy along the first five "
    "components differs between true and shuffled labels, from the same starts: larger, smaller, "
    "or the study cannot tell (the text says which)",
    profile["adam"], profile["shuffled"], expect=OUTCOMES, paired=True, method="bootstrap",
    fmt="{:+.2f}", statistic="mean paired difference of the share (true minus shuffled labels)",
)  # fmt: skip
glue("cw_diff", cw_test.value, "{:+.2f}")
glue("cw_diff_low", cw_test.interval[0], "{:+.2f}")
glue("cw_diff_high", cw_test.interval[1], "{:+.2f}")
glue("cw_words", cw_test.choose(
    larger="the true labels put more of the bank's energy there than shuffled ones",
    smaller="the true labels put less of the bank's energy there than shuffled ones",
    cannot_tell="whether true or shuffled labels put more of the bank's energy there, the study "
    "cannot tell (a failure to detect, not a shown equality)",
))  # fmt: skip
cw_matched = difference(
    "with each shuffled change stretched to its true-label twin's length, the share along the "
    "first five components still differs between true and shuffled labels: larger, smaller, or "
    "the study cannot tell (the text says which)",
    profile["adam"], profile["shuffled, stretched"], expect=OUTCOMES, paired=True,
    method="bootstrap", fmt="{:+.2f}",
    statistic="mean paired difference of the share, true minus stretched shuffled labels",
)  # fmt: skip
glue("cw_matched_diff", cw_matched.value, "{:+.2f}")
glue("cw_matched_low", cw_matched.interval[0], "{:+.2f}")
glue("cw_matched_high", cw_matched.interval[1], "{:+.2f}")
_ = glue("cw_matched_words", cw_matched.choose(
    larger="a difference remains, so part of it is the direction of the changes, not only how far "
    "they went",
    smaller="the difference turns the other way, consistent with its coming from how far the "
    "changes went",
    cannot_tell="the study cannot tell whether any difference remains: how far the changes went "
    "may account for all of it",
))  # fmt: skip


def profile_words(title):
    """Words for the paired differences true minus shuffled along the first k components, k = 1..10.

    Each k's interval resamples whole seeds (seed_bootstrap, mean paired difference); the words
    say at which k the whole interval lies above 0, and claim each group of k they name.
    """
    group = curves[title]
    intervals = [
        seed_bootstrap(cumulative_share(group["true labels"], k) - cumulative_share(group["shuffled labels"], k))
        for k in ks
    ]  # fmt: skip
    above = [k for k, e in zip(ks, intervals) if e.low > 0]
    rest = [k for k, e in zip(ks, intervals) if not e.low > 0]
    low = min(e.low for e in intervals)
    if not rest:
        every(f"{title}: for every k from 1 to 10, the true labels put more of the energy along the "
              "first k components than the shuffled ones (each k's 95% interval over seeds above 0)",
              [e.low > 0 for e in intervals], statistic="values of k whose interval lies above 0")  # fmt: skip
        return (f"at every k from 1 to 10, the true labels put more there than the shuffled ones "
                f"(each paired difference's 95% interval over seeds lies above 0; the lowest lower "
                f"end is {outward(low, '{:+.2f}', 'low')})")  # fmt: skip
    if above:
        every(f"{title}: the true labels put more of the energy along the first k components than "
              f"the shuffled ones for k = {', '.join(map(str, above))} (interval above 0)",
              [e.low > 0 for k, e in zip(ks, intervals) if k in above], statistic="values of k named whose interval lies above 0")  # fmt: skip
    every(f"{title}: for k = {', '.join(map(str, rest))}, the study cannot tell that the true labels "
          "put more there (the interval reaches 0 or below)",
          [not e.low > 0 for k, e in zip(ks, intervals) if k in rest], statistic="values of k named whose interval does not lie above 0")  # fmt: skip
    return (f"the true labels put more there than the shuffled ones for k = "
            f"{', '.join(map(str, above)) or 'none'}; for k = {', '.join(map(str, rest))} the study "
            "cannot tell that they do (95% intervals over seeds)")  # fmt: skip


glue("cwp_bank_words", profile_words("trained kernels"))
glue("cwp_change_words", profile_words("changes"))


# The same split for the bank's energy: along component 1 (mean brightness) and along 2 to 5.
def bank_share_along(weights, which):
    """Share of a bank's energy along the components ``which``, per seed."""
    along = ((weights @ components[which].T) ** 2).sum(axis=(1, 2))
    return along / (weights**2).sum(axis=(1, 2))


banks = {"adam": trained["adam"], "shuffled": trained["shuffled"],
         "stretched": start + stretch * change_shuffled}  # fmt: skip
for other, label in (
    ("shuffled", "true minus shuffled"),
    ("stretched", "true minus stretched"),
):
    parts = {}
    for part, which, what in (("first", [0], "component 1 (mean brightness)"),
                              ("rest", slice(1, TOP), "components 2 to 5 together")):  # fmt: skip
        parts[part] = test = difference(
            f"in Chowers and Weiss's measure, {label}: the text says whether the share of the "
            f"bank's energy along {what} is larger, smaller, or that the study cannot tell",
            bank_share_along(banks["adam"], which), bank_share_along(banks[other], which),
            expect=OUTCOMES, paired=True, method="bootstrap",
            statistic=f"mean paired difference of the share along {what}, {label}",
        )  # fmt: skip
        glue(f"cw_{other}_{part}_diff", test.value, "{:+.2f}")
        glue(f"cw_{other}_{part}_low", test.interval[0], "{:+.2f}")
        glue(f"cw_{other}_{part}_high", test.interval[1], "{:+.2f}")
    both = difference(
        f"in Chowers and Weiss's measure, {label}: the text says whether more of the difference "
        "lies along component 1 than along components 2 to 5 together, less, or cannot tell",
        bank_share_along(banks["adam"], [0]) - bank_share_along(banks[other], [0]),
        bank_share_along(banks["adam"], slice(1, TOP)) - bank_share_along(banks[other], slice(1, TOP)),
        expect=OUTCOMES, paired=True, method="bootstrap",
        statistic=f"mean paired difference, component 1's part minus that of 2 to 5, {label}",
    )  # fmt: skip
    glue(f"cw_{other}_gap", both.value, "{:+.2f}")
    glue(f"cw_{other}_gap_ci", span(*both.interval))
    glue(f"cw_{other}_split_words", both.choose(
        larger="more of it lies along component 1, the mean brightness, than along the other "
        "four together",
        smaller="more of it lies along components 2 to 5 than along component 1, the mean "
        "brightness",
        cannot_tell="the study cannot tell whether more of it lies along component 1, the mean "
        "brightness, or along the other four",
    ))  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# The classes' average patches differ by |cw_patch_gap| of their size; the
# theorem asks for identical ones and does not say how large a gap it
# tolerates. Along the first
# |n_top| components lies a median share of |cw_start| of the bank's energy
# at the start, |cw_adam| after training with true labels and |cw_shuffled|
# with shuffled ones. Seed by seed, true minus shuffled is |cw_diff| (95%
# interval |cw_diff_low| to |cw_diff_high|): |cw_words|. The shuffled twins
# also move their kernels less far, which by itself would keep their share
# nearer the start's. With each shuffled change stretched to the length of
# its twin's, the shuffled share is |cw_shuffled_stretched| and the
# difference |cw_matched_diff| (|cw_matched_low| to |cw_matched_high|):
# |cw_matched_words|. Split as above, the difference true minus shuffled
# is |cw_shuffled_first_diff| (|cw_shuffled_first_low| to
# |cw_shuffled_first_high|) along component 1, the mean brightness, and
# |cw_shuffled_rest_diff| (|cw_shuffled_rest_low| to
# |cw_shuffled_rest_high|) along components 2 to 5; component 1's part
# minus theirs is |cw_shuffled_gap| (|cw_shuffled_gap_ci|):
# |cw_shuffled_split_words|. At equal distance it is
# |cw_stretched_first_diff| (|cw_stretched_first_low| to
# |cw_stretched_first_high|) along component 1 and
# |cw_stretched_rest_diff| (|cw_stretched_rest_low| to
# |cw_stretched_rest_high|) along 2 to 5, component 1's part minus theirs
# |cw_stretched_gap| (|cw_stretched_gap_ci|): |cw_stretched_split_words|.
#
# Their profile is more than its one number. The share along the first k
# components, for k from 1 to 10 (the figure above): for the trained
# kernels, |cwp_bank_words|; for the changes alone, |cwp_change_words|.
#
# All of this is a description of our networks, not a test of Chowers and
# Weiss's account. Their analysis is of linear networks trained long; ours
# are compared after the same |n_epochs| epochs, not at the same training
# loss, and by then the shuffled twins fit only |shuffled_train_acc| of
# their own shuffled labels (a guess: 50%), where the true-label runs fit
# |adam_train_acc| of theirs (medians). A comparison at equal training
# loss, or after the shuffled twins fit their labels, would come nearer
# their setting; this study has neither.

# %%
# .. _maennel-on-our-data:
#
# Maennel et al.'s alignment, on our data
# ---------------------------------------
# :cite:t:`maennel2020random` show that training on random labels aligns
# the first layer with the data: the covariance of the first-layer weights
# comes to share its eigenvectors (its principal directions) with the
# covariance of the input patches. They derive this alignment analytically,
# for convolutional and fully connected networks, and then observe it in
# trained ones: an explanation, not only a finding. Their measure can be
# taken on our changes. Take the covariance of an arm's changes (its
# |n_seeds| seeds' eight changes each) and write it in the basis of the
# patches' principal components: when the two are aligned, it is diagonal
# there. The share of its squared entries that lie off the diagonal is 0
# for perfect alignment. Two references. One has the covariance's very same
# eigenvalues, its eigenvectors turned at random: it says whether there is
# any alignment at all. But it is of another kind than the changes, which
# are sums of patches, and any sum of patches aligns: with weights drawn
# apart from the patches, its second moments are the patches' own, up to a
# factor. So the reference of the changes' kind is the covariance of as
# many random sums of training patches (the sums above, eight per run, one
# run per seed).


def off_diagonal_share_of(moments):
    """Share of the squared entries of ``(49, 49)`` second moments, written in the
    patches' principal components, that lie off the diagonal."""
    in_components = components @ moments @ components.T
    return 1.0 - (np.diag(in_components) ** 2).sum() / (in_components**2).sum()


def off_diagonal_share(vectors):
    """The same for the second moments of ``(n, 49)`` vectors."""
    return off_diagonal_share_of(vectors.T @ vectors / len(vectors))


def turned_at_random(vectors, draws, rng):
    """The same share for the second moments' eigenvalues in random bases, ``(draws,)``."""
    spectrum = np.linalg.eigvalsh(vectors.T @ vectors / len(vectors))
    shares = []
    for _ in range(draws):
        q, r = np.linalg.qr(rng.standard_normal((49, 49)))
        basis = q * np.sign(np.diag(r))  # a rotation drawn uniformly
        shares.append(off_diagonal_share_of(basis @ np.diag(spectrum) @ basis.T))
    return np.array(shares)


rng = np.random.default_rng(1)
alignment = {}
for arm, name in (
    ("shuffled", "shuffled labels"),
    ("adam", "true labels"),
    ("sgd", "SGD"),
):
    flat = changes[arm].reshape(-1, 49)
    resampled = [
        off_diagonal_share(
            changes[arm][rng.integers(0, len(study), len(study))].reshape(-1, 49)
        )
        for _ in range(500)
    ]
    alignment[arm] = (off_diagonal_share(flat), np.quantile(resampled, 0.975),
                      turned_at_random(flat, 200, rng))  # fmt: skip
    share, upper, null = alignment[arm]
    print(f"{name:15s} off the diagonal: {share:.3f} (at most {upper:.3f} in 97.5% of "
          f"seed resamples); random bases: {null.min():.3f} to {null.max():.3f}")  # fmt: skip

# The reference of the changes' kind: random patch sums, as many as an arm's changes; and the
# library's family of sums of 200 patches of line images (edge_families), as a second build of it.
from cnnexplain.analysis import PATCH_SUMS, edge_families

sums_share = off_diagonal_share(sums.reshape(-1, 49))
library_sums = edge_families(seed=0, n=sums.size // 49)[PATCH_SUMS]
library_share = off_diagonal_share(library_sums.reshape(-1, 49))
# Shuffled twins minus patch sums, in halves: 50 seeds against 50 runs of sums, drawn without
# replacement. Resampling with replacement would repeat vectors, and a covariance of fewer distinct
# vectors lies further off the diagonal by sampling noise alone; halves keep both counts equal.
half = len(study) // 2
halves_gap = np.array(
    [
        off_diagonal_share(changes["shuffled"][rng.permutation(len(study))[:half]].reshape(-1, 49))
        - off_diagonal_share(sums[rng.permutation(len(sums))[:half]].reshape(-1, 49))
        for _ in range(2000)
    ]
)  # fmt: skip
sums_gap, sums_gap_low, sums_gap_high = np.percentile(halves_gap, [50, 2.5, 97.5])
print(f"random patch sums off the diagonal: {sums_share:.3f} "
      f"(the library's sums of 200 patches: {library_share:.3f})")  # fmt: skip
print(f"shuffled minus patch sums, in halves: median {sums_gap:+.3f} "
      f"(95% of halves {span(sums_gap_low, sums_gap_high, '{:+.3f}')})")  # fmt: skip

# sphinx_gallery_start_ignore
share_s, upper_s, null_s = alignment["shuffled"]
glue("mn_shuffled", share_s, "{:.3f}")
glue("mn_shuffled_upper", upper_s, "{:.3f}")
glue("mn_null_low", null_s.min(), "{:.2f}", rounding="nearest")
glue("mn_null_n", len(null_s))
glue("mn_adam", alignment["adam"][0], "{:.3f}")
glue("mn_sgd", alignment["sgd"][0], "{:.3f}")
aligned = {arm: bool(upper < null.min()) for arm, (_, upper, null) in alignment.items()}
# The paragraph below reads the shuffled twins' alignment as shown: it must be, for every
# resample but the top 2.5%.
every(
    "the shuffled twins' changes are aligned with the patches' principal components: their "
    "off-diagonal share stays below that of every random basis with the same eigenvalues in "
    "97.5% of seed resamples",
    [aligned["shuffled"]],
    statistic="arms whose upper resampled share is below the lowest random-basis share",
)
glue("mn_sums", sums_share, "{:.3f}")
glue("mn_library", library_share, "{:.3f}")
glue("mn_sums_diff", sums_gap, "{:+.3f}")
glue("mn_sums_low", sums_gap_low, "{:+.3f}")
glue("mn_sums_high", sums_gap_high, "{:+.3f}")
claim_sums = (
    "the shuffled twins' changes lie further off the diagonal than random patch sums of the same "
    "count, nearer it, or the study cannot tell (the text says which; the middle 95% of the "
    "difference over halves of the seeds and of the runs)"
)
statistic_sums = (
    "off-diagonal share, shuffled twins minus patch sums, in halves (50 seeds, 50 runs)"
)
if sums_gap_low > 0:
    bound(claim_sums + ": further (lower end above 0)", sums_gap_low, n=len(study), at_least=0,
          statistic="lower end of the interval, " + statistic_sums, fmt="{:+.3f}")  # fmt: skip
    against_sums = "but less aligned than random sums of patches of the same count"
elif sums_gap_high < 0:
    bound(claim_sums + ": nearer (upper end below 0)", sums_gap_high, n=len(study), at_most=0,
          statistic="upper end of the interval, " + statistic_sums, fmt="{:+.3f}")  # fmt: skip
    against_sums = "and more aligned than random sums of patches of the same count"
else:
    bound(claim_sums + ": cannot tell (the interval holds 0; its lower end)", sums_gap_low,
          n=len(study), at_most=0, statistic="lower end of the interval, " + statistic_sums,
          fmt="{:+.3f}")  # fmt: skip
    bound(claim_sums + ": cannot tell (the interval holds 0; its upper end)", sums_gap_high,
          n=len(study), at_least=0, statistic="upper end of the interval, " + statistic_sums,
          fmt="{:+.3f}")  # fmt: skip
    against_sums = (
        "and the study cannot tell whether more or less than random sums of patches of the same "
        "count"
    )
_ = glue("mn_words", (
    "the shuffled twins' changes are far more aligned with the data's principal components than "
    "a covariance with the same eigenvalues in a random basis, " + against_sums + ", which align "
    "by construction"
    if aligned["shuffled"]
    else "the shuffled twins' changes are not shown to be more aligned with the data's principal "
    "components than a covariance with the same eigenvalues in a random basis"
))  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# Off the diagonal lies |mn_shuffled| of the shuffled twins' second
# moments (at most |mn_shuffled_upper| when the seeds are resampled),
# against |mn_null_low| or more for every one of |mn_null_n| random bases
# with the same eigenvalues; with the true labels, |mn_adam|, and with
# SGD, |mn_sgd|. Random sums of patches of the same count put
# |mn_sums| off the diagonal (the library's family of sums of 200 patches,
# :data:`~cnnexplain.analysis.PATCH_SUMS`, |mn_library|). Compared in
# halves -- half the seeds against half the runs of sums, drawn without
# replacement 2,000 times, since resampling with replacement repeats
# vectors, which alone pushes a covariance off the diagonal -- the
# shuffled twins minus the patch sums is |mn_sums_diff| in the median
# draw, and between |mn_sums_low| and |mn_sums_high| in 95% of them. So,
# by this measure, |mn_words|. On our data the alignment is expected from
# what a change is: a weighted sum of image patches (:doc:`the first page of this
# section <plot_01_gradient_is_patches>`), and a sum of patches has, when
# its weights are drawn apart from the patches, the patches' own second
# moments. A change's weights are gradients, which do depend on the
# patches, so it need not be exactly aligned; the reference says how near
# a sum of patches comes. So the alignment says what the changes are made
# of, with any labels; it says nothing about edges.

# %%
# .. _thickness-on-our-data:
#
# Lines thicker and thinner than the kernel
# -----------------------------------------
# One account of the edges needs no statistics at all, the one the article
# implies (no published source is cited for it here): the kernels become
# edge detectors because the lines have edges. Our lines are 1 to 3 px
# thick, so a 7x7 kernel laid over one sees both of its edges at once: a
# bar. If the account holds, lines thicker than the kernel, whose edges a
# kernel sees one at a time, should give more edge-shaped changes, and
# lines 1 px thick more line-shaped ones. Two more studies put it to the
# test, each with the study's |n_seeds| seeds and its Adam runs changed in
# one setting only, the thickness of the lines they train and are tested
# on: 8 to 12 px, and 1 px. Every other setting of
# :func:`~cnnexplain.data.make_lines` stays, its seed too, but the images
# are drawn again, so where the lines lie and how long they are may differ
# between the sets as well. A seed's run starts
# from the same weights and takes the same batches (the same indices, into
# its own images) in all three. A change is line-shaped by
# :func:`~cnnexplain.analysis.is_line_detector`: a bar template explains a
# third of it or more, and more than any edge template does. That test is
# coarse (Gaussian blobs pass it too), so each set of images also gets its
# chance rates: random sums of its own patches, as above, run through both
# tests.

# The account's predictions, written here before the results of either study were read:
# 1. Lines 8 to 12 px thick, wider than the 7x7 kernel: seed by seed, the share of a run's eight
#    changes that pass the edge test minus the share of its twin on the site's lines (1 to 3 px)
#    is larger than 0: the mean paired difference over the 100 seeds, its 95% bootstrap interval
#    wholly above 0.
# 2. Lines 1 px thick: seed by seed, the share of the changes that are line detectors
#    (is_line_detector) minus the site's lines' share is larger than 0, by the same test.
# The text states whichever outcome each interval gives (larger, smaller, or cannot tell): the
# account can fail here.
# Record: these predictions were committed in 5518d0c (2026-12-07 20:42 UTC) and the results in
# e8520d9 (20:56 UTC), its descendant on main (git log; git merge-base --is-ancestor).
from cnnexplain.analysis import is_line_detector

THICKNESS = {"thick": (8, 12), "thin": 1}  # px; the site's lines: 1 to 3
# One arm each, conv1 kept at the start and the end: committed beside the site's study
# (tools/prebuilt_study.py), so no build trains them.
thickness_studies = {
    name: seed_study(
        range(100),
        ("adam",),
        snapshots=False,
        final_models=(),
        data={"thickness": thickness},
    )
    for name, thickness in THICKNESS.items()
}
thickness_runs = {"site": study} | thickness_studies
thickness_names = {
    "site": "1 to 3 px (the site's)",
    "thick": "8 to 12 px",
    "thin": "1 px",
}
by_thickness = {}
for name, runs in thickness_runs.items():
    a = runs.arm("adam")
    change = runs.final_weight[:, a, :, 0] - runs.initial_weight[:, a, :, 0]
    images, _ = make_lines(**runs.config["data"]).split(**runs.config["split"])
    chance = patch_sums(images.images, np.random.default_rng(3), len(runs))
    # Per seed: the share of its eight changes that pass each test.
    by_thickness[name] = {
        "edge": is_edge_detector(change).mean(axis=1),
        "line": is_line_detector(change).mean(axis=1),
        "edge_chance": is_edge_detector(chance).mean(axis=1),  # per run of eight sums
        "line_chance": is_line_detector(chance).mean(axis=1),
        "accuracy": runs.final_accuracy[:, a],
    }
    found = by_thickness[name]
    print(f"{thickness_names[name]:22s} edge {found['edge'].mean():5.1%} "
          f"(chance {found['edge_chance'].mean():5.1%}), line {found['line'].mean():5.1%} "
          f"(chance {found['line_chance'].mean():5.1%}); "
          f"accuracy {np.median(found['accuracy']):.1%}")  # fmt: skip

# sphinx_gallery_start_ignore
adam_start = study.initial_weight[:, study.arm("adam")]
setting(
    "the three studies have the same seeds and the same starts, and the lines the thickness the "
    "text gives: 1 to 3 px, 8 to 12 px and 1 px (seeds; same starts; thicknesses)",
    (
        len(study),
        all(
            runs.config["seeds"] == study.config["seeds"]
            and bool((runs.initial_weight[:, 0] == adam_start).all())
            for runs in thickness_studies.values()
        ),
        [runs.config["data"]["thickness"] for runs in thickness_runs.values()],
    ),
    expected=(100, True, [[1, 3], [8, 12], [1, 1]]),
)
for name, found in by_thickness.items():
    for kind in ("edge", "line"):
        share = seed_bootstrap(found[kind])
        glue(f"th_{name}_{kind}", share.estimate, "{:.1%}")
        glue(f"th_{name}_{kind}_low", share.low, "{:.1%}")
        glue(f"th_{name}_{kind}_high", share.high, "{:.1%}")
        glue(f"th_{name}_{kind}_chance", found[f"{kind}_chance"].mean(), "{:.0%}")
    glue(f"th_{name}_acc", np.median(found["accuracy"]), "{:.1%}")
    glue(f"th_{name}_acc_min", found["accuracy"].min(), "{:.1%}")
thickness_tests = {}
for name, kind, shaped, subject in (
    ("thick", "edge", "edge-shaped", "lines 8 to 12 px thick"),
    ("thin", "line", "line-shaped", "lines 1 px thick"),
):
    test = thickness_tests[name] = difference(
        f"seed by seed, the share of {shaped} changes with {subject} against the site's lines "
        "(1 to 3 px): larger (as the account predicts), smaller, or the study cannot tell (the "
        "text says which)",
        by_thickness[name][kind], by_thickness["site"][kind],
        expect=OUTCOMES, paired=True, method="bootstrap", fmt="{:+.1%}",
        statistic=f"mean paired difference of the share of {kind} detectors ({name} minus site)",
    )  # fmt: skip
    glue(f"th_{name}_diff", test.value * 100, "{:+.1f} points")
    glue(f"th_{name}_diff_low", test.interval[0] * 100, "{:+.1f}")
    glue(f"th_{name}_diff_high", test.interval[1] * 100, "{:+.1f}")
    glue(f"th_{name}_words", test.choose(
        larger=f"{subject} give more {shaped} changes than the site's lines, as the account "
        "predicts (the whole interval lies above 0)",
        smaller=f"{subject} give fewer {shaped} changes than the site's lines, against the "
        "account's prediction (the whole interval lies below 0)",
        cannot_tell=f"the study cannot tell whether {subject} give more {shaped} changes than "
        "the site's lines, as the account predicts, or fewer (the interval holds 0)",
    ))  # fmt: skip
# Read after the results, so exploratory: (a) the thick lines' edge-shaped changes above chance
# against the site's lines' -- each seed's share minus the rate of one run of eight random sums of
# its images' patches (run i beside seed i: independent pairs, so the mean difference is the
# difference of the excesses); (b) the 1 px lines' share of edge-shaped changes against the
# site's lines'.
for name, subject, key, a, b, claim in (
    ("thick", "lines 8 to 12 px thick", "th_thick_excess",
     by_thickness["thick"]["edge"] - by_thickness["thick"]["edge_chance"],
     by_thickness["site"]["edge"] - by_thickness["site"]["edge_chance"],
     "seed by seed, the share of edge-shaped changes above the rate of random sums of the "
     "images' own patches, lines 8 to 12 px thick against the site's lines: larger, smaller, or "
     "the study cannot tell (the text says which; exploratory)"),
    ("thin", "lines 1 px thick", "th_thin_edge",
     by_thickness["thin"]["edge"], by_thickness["site"]["edge"],
     "seed by seed, the share of edge-shaped changes with lines 1 px thick against the site's "
     "lines: larger, smaller, or the study cannot tell (the text says which; exploratory)"),
):  # fmt: skip
    test = difference(
        claim, a, b, expect=OUTCOMES, paired=True, method="bootstrap", fmt="{:+.1%}",
        statistic=f"mean paired difference ({key.removeprefix('th_')} minus site)",
    )  # fmt: skip
    glue(f"{key}_diff", test.value * 100, "{:+.1f} points")
    glue(f"{key}_diff_low", test.interval[0] * 100, "{:+.1f}")
    glue(f"{key}_diff_high", test.interval[1] * 100, "{:+.1f}")
    if name == "thick":
        glue(f"{key}_words", test.choose(
            larger="the thick lines give more edge-shaped changes above chance than the site's "
            "lines, so more than random sums of their own patches explain",
            smaller="the thick lines give fewer edge-shaped changes above chance than the site's "
            "lines: their patches alone make more of the rise than training adds",
            cannot_tell="the study cannot tell the thick lines' edge-shaped changes above chance "
            "from the site's lines': the rise may be no more than random sums of the thick "
            "lines' own patches give",
        ))  # fmt: skip
    else:
        glue(f"{key}_words", test.choose(
            larger=f"{subject} give more edge-shaped changes than the site's lines",
            smaller=f"{subject} give fewer edge-shaped changes than the site's lines",
            cannot_tell=f"the study cannot tell whether {subject} give more edge-shaped "
            "changes than the site's lines, or fewer",
        ))  # fmt: skip
    thickness_tests[name + "_excess"] = test
# The studies' verdict, chosen from the three outcomes: the thick lines on raw shares (a baseline
# the site rejects elsewhere, since the thick lines' own patch sums pass more often), the same
# against each set's own patch sums, and the 1 px lines' prediction.
thick_raw = thickness_tests["thick"].outcome == "larger"
thick_excess = thickness_tests["thick_excess"].outcome == "larger"
thin_holds = thickness_tests["thin"].outcome == "larger"
if thick_raw and thick_excess and thin_holds:
    th_verdict = (
        "both predictions hold, and the thick lines' rise is more than their own patches "
        "give: the thickness studies support the account"
    )
elif thick_raw and thick_excess:
    th_verdict = (
        "the thick lines support the account beyond what their own patches give, the 1 px "
        "lines do not"
    )
elif thin_holds:
    th_verdict = "only the 1 px lines support the account; the thick lines' rise " + (
        "holds on raw shares only, not against their own patch sums"
        if thick_raw
        else "is not found"
    )
elif thick_raw:
    th_verdict = (
        "the thickness studies give the account no support beyond what the thick lines' own "
        "patches give: the thick lines' rise holds on raw shares only, a baseline the site "
        "rejects elsewhere"
    )
else:
    th_verdict = "the thickness studies give the account no support"
_ = glue("th_verdict", th_verdict)
# sphinx_gallery_end_ignore

# %%
# Among the changes, |th_site_edge| pass the edge test on the site's lines
# (95% interval over seeds |th_site_edge_low| to |th_site_edge_high|),
# |th_thick_edge| on lines 8 to 12 px thick (|th_thick_edge_low| to
# |th_thick_edge_high|) and |th_thin_edge| on lines 1 px thick
# (|th_thin_edge_low| to |th_thin_edge_high|). Line-shaped, in the same
# order, are |th_site_line| (|th_site_line_low| to |th_site_line_high|),
# |th_thick_line| (|th_thick_line_low| to |th_thick_line_high|) and
# |th_thin_line| (|th_thin_line_low| to |th_thin_line_high|). Random sums
# of each set's patches pass the edge test at |th_site_edge_chance|,
# |th_thick_edge_chance| and |th_thin_edge_chance|, the line test at
# |th_site_line_chance|, |th_thick_line_chance| and |th_thin_line_chance|
# (in the same order).
#
# Against the site's lines, seed by seed, the thick lines' share of
# edge-shaped changes differs by |th_thick_diff| on average (95% interval
# |th_thick_diff_low| to |th_thick_diff_high|): |th_thick_words|. The 1 px
# lines' share of line-shaped changes differs by |th_thin_diff|
# (|th_thin_diff_low| to |th_thin_diff_high|): |th_thin_words|. The
# median run classifies |th_site_acc| of its test images on the site's
# lines, |th_thick_acc| on the thick lines and |th_thin_acc| on the thin
# ones (the worst runs: |th_site_acc_min|, |th_thick_acc_min| and
# |th_thin_acc_min|).
#
# Two comparisons more, chosen after these results were seen, and so
# exploratory. Random sums of patches pass the edge test at
# |th_thick_edge_chance| on the thick lines, against |th_site_edge_chance|
# on the site's lines. Each thick seed's share minus the rate of a run of
# such sums, against the same for the site's lines, differs by
# |th_thick_excess_diff| on average (|th_thick_excess_diff_low| to
# |th_thick_excess_diff_high|): |th_thick_excess_words|. And on lines 1 px
# thick, the share of edge-shaped changes differs from the site's lines'
# by |th_thin_edge_diff| (|th_thin_edge_diff_low| to
# |th_thin_edge_diff_high|): |th_thin_edge_words|. Taken together,
# |th_verdict|.
#
# These studies change the thickness and nothing else in the training, but
# thickness changes more than how many edges a kernel sees: how much of
# each image is lit, the size of the gradients, the patches' statistics.
# So they test the account's predictions, not that the edges are the only
# cause.

# %%
# Lazy or not: the linearization test
# -----------------------------------
#
# For each of the 100 Adam runs, :func:`~cnnexplain.analysis.linearize`
# takes the network at its start, expands its outputs to first order in the
# weights, and evaluates that expansion at the trained weights. The *gap* is
# how much of the change training made in the test images' outputs the
# expansion misses: 0 in the lazy regime, about 1 when the expansion
# predicts little of it. This is a proxy: the criterion of
# :cite:t:`chizat2019lazy` concerns the whole trajectory of training (the network
# staying close to its linearization all along), and this test looks at
# its end point only. The rule, set before the run: the runs count as
# not lazy by this test if the lower end of the 95% interval of the median
# gap is above one half.

from cnnexplain.analysis import linearize
from cnnexplain.model import LineCNN

_, test_set = make_lines(**study.config["data"]).split(**study.config["split"])
expansions = [
    linearize(
        LineCNN(**study.config["model"], seed=int(seed)),
        study.model(int(seed)),
        test_set.images,
    )
    for seed in study.seeds
]
gaps = np.array([expansion.gap for expansion in expansions])
linear_accuracy = np.array(
    [
        (expansion.linear.argmax(1) == test_set.labels).float().mean().item()
        for expansion in expansions
    ]
)
print(f"gap: median {np.median(gaps):.3f}, range {gaps.min():.3f} to {gaps.max():.3f}")
print(f"test accuracy of the expansion: median {np.median(linear_accuracy):.1%}")

# sphinx_gallery_start_ignore
gap = seed_bootstrap(gaps, "median")
glue("lazy_gap", gap.estimate, "{:.1%}")
glue("lazy_gap_low", gap.low, "{:.1%}")
glue("lazy_gap_high", gap.high, "{:.1%}")
glue("lazy_linear_accuracy", np.median(linear_accuracy), "{:.0%}")
glue(
    "lazy_trained_accuracy",
    np.median(study.final_accuracy[:, study.arm("adam")]),
    "{:.0%}",
)
bound(
    "the first-order expansion around the start misses more than half of the change training "
    "made in the outputs (the lower end of the 95% interval of the median gap over seeds)",
    gap.low, n=len(study), at_least=0.5,
    statistic="lower end of the interval of the median linearization gap", fmt="{:.2f}",
)  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# In the median run the expansion misses |lazy_gap| of the change in the
# outputs (95% interval over seeds |lazy_gap_low| to |lazy_gap_high|), and
# its outputs classify |lazy_linear_accuracy| of the test images, where the
# trained networks classify |lazy_trained_accuracy| (medians). By the rule
# above, the runs are not lazy by this proxy: at the end of training, what
# training changed in the outputs is not what a model linear in the
# weights around the start predicts. This is
# what feature learning, the alternative to the lazy regime, would show,
# but the proxy only speaks against the lazy regime; it does not measure
# what the network learned instead. The weights moved far too: with Adam, the
# median kernel's change is |lazy_adam| of its start's length (95% interval
# over seeds |lazy_adam_low| to |lazy_adam_high|); with SGD, |lazy_sgd|
# (|lazy_sgd_low| to |lazy_sgd_high|).

# sphinx_gallery_start_ignore
from cnnexplain.analysis import change_size

# How well the shuffled twins fit their own (shuffled) training labels, for the Maennel et al. item.
glue(
    "shuffled_train_acc",
    np.median(study.metrics["train_accuracy"][:, study.arm("shuffled"), -1]),
    "{:.0%}",
)
glue(
    "adam_train_acc",
    np.median(study.metrics["train_accuracy"][:, study.arm("adam"), -1]),
    "{:.0%}",
)
for arm in ("adam", "sgd"):
    a = study.arm(arm)
    size = seed_bootstrap(
        change_size(study.initial_weight[:, a, :, 0], study.final_weight[:, a, :, 0]),
        "median",
    )
    glue(f"lazy_{arm}", size.estimate, "{:.2f}")
    glue(f"lazy_{arm}_low", size.low, "{:.2f}")
    glue(f"lazy_{arm}_high", size.high, "{:.2f}")
    if arm == "adam":
        bound(
            "with Adam, the median kernel's change is at least a third of its start's length "
            "(the lower end of its 95% interval over seeds)",
            size.low, n=len(study), at_least=1 / 3,
            statistic="lower end of the interval of the median change / start", fmt="{:.2f}",
        )  # fmt: skip
# sphinx_gallery_end_ignore

# sphinx_gallery_thumbnail_number = 3
