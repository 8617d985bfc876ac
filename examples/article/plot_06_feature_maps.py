"""
What two kernels detect, before and after training
===================================================

You will see two first-layer :term:`kernels <kernel>` at work on a
horizontal and a vertical line, through the :term:`ReLU` and the
:term:`max-pooling`, before and after training.
"""

# %%
# The page follows kernel |k_horizontal|, the horizontal kernel:
# |pick_h_why|. And kernel |k_vertical|, the vertical one: |pick_v_why|. One
# rule picks them in any run, so every page means the same two kernels
# (:ref:`the cast <kernel-cast>`, at the end, tables all eight). Two
# questions: which lines a kernel answers, and its shape.
#
# Which lines does a kernel prefer?
# ---------------------------------
# A kernel's :term:`selectivity index` compares its mean output after the
# ReLU on the horizontal and on the vertical lines of the :term:`training
# set`: +1 if it fires only on horizontal lines, -1 only on vertical ones, 0
# for no preference.
#
# .. evidence:: How the two kernels are chosen
#
#    The index is (mean on horizontal - mean on vertical) / (mean on
#    horizontal + mean on vertical), measured by
#    :func:`~cnnexplain.analysis.selectivity`. The cast's rule
#    (:func:`~cnnexplain.analysis.cast`) picks as the horizontal kernel,
#    among the kernels that pass the edge test (as trained, or in what
#    training added) and clearly prefer horizontal lines, the one that
#    prefers them most; when no kernel does both, the one that prefers them
#    most. The choice is made on the training images; the images shown
#    below are from the :term:`test set`.
#
#    In this run, the article's picture -- a trained kernel that is an
#    :term:`edge detector` and :term:`clearly prefers <clear preference>`
#    one class's lines -- |picture_words| |follow_words|

import torch

from cnnexplain import activations, viz
from cnnexplain.analysis import (
    CLEAR_PREFERENCE,
    cast,
    edge_match,
    is_edge_detector,
    selectivity,
)
from cnnexplain.experiment import experiment

run = experiment()
before, after = run.history.model_at(0), run.model
train_set, test_set = run.train_set, run.test_set
index_before = selectivity(before, train_set).index
index_after = selectivity(after, train_set).index
print("selectivity before -> after training")
for k in range(len(index_after)):
    print(f"kernel {k}: {index_before[k]:+.2f} -> {index_after[k]:+.2f}")
# The cast's horizontal and vertical kernels (tabled at the end of this page).
roles = cast(run)
k_horizontal, k_vertical = roles.pick("horizontal"), roles.pick("vertical")
print(f"vertical kernel: {k_vertical}; horizontal kernel: {k_horizontal}")

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning.
import numpy as np

from cnnexplain.claims import bound, every, glue, glue_link, plural

glue("k_vertical", k_vertical)
glue("k_horizontal", k_horizontal)
from cnnexplain.experiment import cache_key, default_seed, resolve_config

seed = default_seed()
default_key = cache_key(resolve_config(model={"seed": seed}, training={"seed": seed}))
# The kernels are cast(run)'s picks by construction; what can differ is the run: it
# must be the training page's (experiment()'s defaults for this seed).
every(
    "the kernels named here are the horizontal and vertical kernels of the training page's "
    "cast, of the same run",
    [run.key == default_key],
    statistic="runs with the cache key of the training page's run",
)
# What the page shows for this run, in words chosen by its measurements, with a claim per
# branch. "Clean": a kernel whose trained weights pass the edge test and that clearly prefers
# the class (the article's picture); the story's pick may also pass by its change only.
trained_edge = is_edge_detector(after.conv1.weight[:, 0].detach())
added_edge = is_edge_detector((after.conv1.weight - before.conv1.weight)[:, 0].detach())


def named(ks):
    """ "kernel 3" or "kernels 3 and 6"."""
    ks = [str(k) for k in ks]
    return (
        f"kernel {ks[0]}"
        if len(ks) == 1
        else f"kernels {', '.join(ks[:-1])} and {ks[-1]}"
    )


towards = {"horizontal": index_after, "vertical": -index_after}
clean = {
    name: [
        j
        for j in range(len(index_after))
        if trained_edge[j] and pref[j] > CLEAR_PREFERENCE
    ]
    for name, pref in towards.items()
}
for name, ks in clean.items():
    every(
        f"in this run, the trained kernels that are edge detectors and clearly prefer {name} "
        f"lines are {named(ks) if ks else 'none'}",
        [
            (j in ks) == bool(trained_edge[j] and towards[name][j] > CLEAR_PREFERENCE)
            for j in range(len(index_after))
        ],
        statistic=f"kernels whose edge test and index towards {name} lines agree with the words",
    )
if clean["horizontal"] and clean["vertical"]:
    picture = (
        f"holds for both classes: in {named(clean['horizontal'])} for horizontal lines, in "
        f"{named(clean['vertical'])} for vertical ones."
    )
elif clean["horizontal"] or clean["vertical"]:
    yes = "horizontal" if clean["horizontal"] else "vertical"
    picture = f"holds for {yes} lines only, in {named(clean[yes])}."
else:
    picture = "holds for neither class."
glue("picture_words", picture)
follow = {}
for name, k in {"horizontal": k_horizontal, "vertical": k_vertical}.items():
    pref = towards[name]
    most = int(np.argmax(pref))
    if roles.picked_for_edge[name] and trained_edge[k]:
        words = f"For {name} lines the story follows kernel {k}" + (
            ", of these the one that prefers them most."
            if len(clean[name]) > 1
            else "."
        )
        every(
            f"the {name} kernel is an edge detector as trained and prefers {name} lines at least as "
            "much as every other such kernel",
            [k in clean[name], *(pref[j] <= pref[k] for j in clean[name])],
            statistic="conditions met: the pick is clean, and no clean kernel prefers the class more",
        )
    elif roles.picked_for_edge[name]:
        others = [j for j in clean[name] if j != k]
        words = f"For {name} lines the story follows kernel {k}"
        words += (
            f", not {named(others)}: it prefers them more"
            if others
            else ": it clearly prefers them"
        )
        words += (
            ", and what training added to it is an edge detector, though the trained kernel, random "
            "start included, fails the edge test: training drew an edge on top of noise."
        )
        every(
            f"the {name} kernel's change is an edge detector, its trained weights are not, it "
            f"clearly prefers {name} lines, and more than every kernel that passes as trained",
            [
                bool(added_edge[k]),
                not trained_edge[k],
                pref[k] > CLEAR_PREFERENCE,
                *(pref[j] < pref[k] for j in others),
            ],
            statistic="conditions of the sentence met",
        )
    else:
        words = (
            f"For {name} lines no kernel passes the edge test (as trained or in its change) and "
            f"clearly prefers them; the story follows kernel {k}, which prefers them most."
        )
        every(
            f"no kernel passes the edge test (trained or change) and clearly prefers {name} lines, "
            f"and the {name} kernel prefers them most",
            [
                *(
                    not (
                        (trained_edge[j] or added_edge[j])
                        and pref[j] > CLEAR_PREFERENCE
                    )
                    for j in range(len(pref))
                ),
                most == k,
            ],
            statistic="kernels that are not both, and the pick prefers the class most",
        )
    if most != k:
        words += f" Kernel {most} prefers them most of all, with no edge's shape."
        every(
            f"the kernel that prefers {name} lines most is not the {name} kernel and fails the "
            "edge test, as trained and in its change",
            [most != k, not trained_edge[most], not added_edge[most]],
            statistic="conditions of the sentence met",
        )
    follow[name] = (words, roles.picked_for_edge[name])
# When neither class has a kernel that passes and clearly prefers it, one sentence says so
# for both (the claims above, one per class, back it).
if not follow["horizontal"][1] and not follow["vertical"][1]:
    glue(
        "follow_words",
        "For neither class does a kernel pass the edge test (as trained or in its change) and "
        f"clearly prefer it; the story follows the kernels that prefer each class most, "
        f"kernel {k_horizontal} for horizontal lines and kernel {k_vertical} for vertical ones.",
    )
else:
    glue("follow_words", " ".join(words for words, _ in follow.values()))
glue("pick_h_why", roles.why("horizontal"))
glue("pick_v_why", roles.why("vertical"))
# What counts as noise: an index measured on other images of the same kind
# moves a little. The cut is applied before training as well as after, so the
# noise is measured on both: the largest gap between a kernel's index on the
# training images and on the test images, over the initial and the trained
# kernels. The text says whether the cut is at least twice as large in this run.
gap_before, gap_after = (
    np.abs(selectivity(m, train_set).index - selectivity(m, test_set).index).max()
    for m in (before, after)
)
gap = max(gap_before, gap_after)
margin = glue("clear_cut", CLEAR_PREFERENCE)
glue("index_noise_before", gap_before, "{:.3f}")
glue("index_noise_after", gap_after, "{:.3f}")
# The sentence follows the run: at initialization the gap can reach the cut itself.
if 2 * gap <= CLEAR_PREFERENCE:
    glue(
        "noise_words",
        "the cut is at least twice this run's differences but not twice the study's largest, so "
        "an index just beyond the cut may still be noise",
    )
    bound(
        "a kernel's index, before or after training, moves between training and test images "
        "by at most half the cut",
        2 * gap,
        n=2 * len(index_after),
        at_most=CLEAR_PREFERENCE,
        statistic="twice the largest gap between training and test images, initial and trained kernels",
        fmt="{:.3f}",
    )
else:
    glue(
        "noise_words",
        "in this run the cut is less than twice as large even as this run's differences: an "
        "index or a change of index just beyond the cut may be noise",
    )
    bound(
        "in this run, a kernel's index moves between training and test images by more than half "
        "the cut",
        2 * gap,
        n=2 * len(index_after),
        at_least=CLEAR_PREFERENCE,
        statistic="twice the largest gap between training and test images, initial and trained kernels",
        fmt="{:.3f}",
    )


def trend(name, sign, b, a):
    """In words, how a kernel's preference for its class (index times sign) went from b to a.

    Each branch states what was measured against the cut, and records that as a claim:
    one kernel's index before and after is two numbers, with no interval, so the words
    say "by less than the cut" rather than "about as much".
    """
    b, a = sign * b, sign * a
    what = f"the {name} kernel's index towards {name} lines"
    if a <= CLEAR_PREFERENCE:
        return "even after training, that is no clear preference"  # its claim: below
    if b < -CLEAR_PREFERENCE:
        bound(
            f"training reversed the {name} kernel's preference: before training it clearly "
            f"preferred the other class",
            -b, n=1, at_least=CLEAR_PREFERENCE,
            statistic=f"{what} before training, sign reversed", fmt="{:+.2f}",
        )  # fmt: skip
        return "training reversed its preference"
    if b <= CLEAR_PREFERENCE:
        bound(
            f"before training, the {name} kernel had no clear preference",
            abs(b), n=1, at_most=CLEAR_PREFERENCE,
            statistic=f"size of {what} before training", fmt="{:.2f}",
        )  # fmt: skip
        return "training gave it a preference it did not have"
    bound(
        f"before training, the {name} kernel already leaned towards {name} lines",
        b, n=1, at_least=CLEAR_PREFERENCE, statistic=f"{what} before training", fmt="{:+.2f}",
    )  # fmt: skip
    if a > b + CLEAR_PREFERENCE:
        bound(
            f"training strengthened the {name} kernel's lean by more than the cut",
            a - b, n=1, at_least=CLEAR_PREFERENCE,
            statistic=f"{what}, after minus before", fmt="{:+.2f}",
        )  # fmt: skip
        return "it already leaned that way; training strengthened the lean by more than the cut"
    if a >= b - CLEAR_PREFERENCE:
        bound(
            f"training moved the {name} kernel's index by no more than the cut",
            abs(a - b), n=1, at_most=CLEAR_PREFERENCE,
            statistic=f"size of the change of {what}", fmt="{:.2f}",
        )  # fmt: skip
        return "it already leaned that way; training moved its index by no more than the cut"
    bound(
        f"training weakened the {name} kernel's lean by more than the cut",
        b - a, n=1, at_least=CLEAR_PREFERENCE,
        statistic=f"{what}, before minus after", fmt="{:+.2f}",
    )  # fmt: skip
    return "it already leaned that way; training weakened the lean by more than the cut"


picks = {"vertical": (k_vertical, -1), "horizontal": (k_horizontal, +1)}
for name, (k, sign) in picks.items():
    glue(f"{name}_before", index_before[k], "{:+.2f}")
    glue(f"{name}_after", index_after[k], "{:+.2f}")
    glue(f"{name}_trend", trend(name, sign, index_before[k], index_after[k]))
lean_init = int((np.abs(index_before) > margin).sum())
glue("n_lean_init", lean_init)
# The answer follows the run: in one run no random kernel leaned beyond the cut.
glue("blank_answer", "No." if lean_init else "Not beyond the cut, in this run.")
if lean_init:
    bound(
        "the random kernels are not blank: at initialization at least one leans towards a class",
        lean_init,
        n=len(index_before),
        at_least=1,
        statistic="kernels whose index lies beyond the cut at initialization",
        fmt="{}",
    )
else:
    every(
        "at initialization, no random kernel leans towards a class beyond the cut",
        np.abs(index_before) <= margin,
        statistic="kernels whose index lies within the cut at initialization",
    )
leaned = [name for name, (k, sign) in picks.items() if sign * index_before[k] > margin]
glue(
    "leaned_picks",
    [
        "neither of the two kernels leaned towards its own class",
        "one of the two kernels already leaned towards its own class",
        "both kernels already leaned towards their own class",
    ][len(leaned)],
)
# Kernels whose clear preference training turned into a clear preference for the other class.
reversed_ = [
    k
    for k in range(len(index_after))
    if index_before[k] * index_after[k] < 0
    and min(abs(index_before[k]), abs(index_after[k])) > margin
]
glue(
    "reversed_phrase",
    "no kernel's clear preference was reversed by training"
    if not reversed_
    else "training reversed the clear preference of "
    + ", ".join(
        f"kernel {k} (from {index_before[k]:+.2f} to {index_after[k]:+.2f})"
        for k in reversed_
    ),
)
# Whether each kernel clearly prefers its class after training: the trend above
# says so in words ("even after training, that is no clear preference" when it
# does not; in one run no kernel preferred vertical lines at all). Which picks
# leaned before training is glued as a count ("neither", "one", "both").
for name, (k, sign) in picks.items():
    if sign * index_after[k] > margin:
        bound(
            f"after training, the {name} kernel clearly prefers {name} lines",
            sign * index_after[k],
            n=1,
            at_least=CLEAR_PREFERENCE,
            statistic=f"index towards {name} lines",
            fmt="{:+.2f}",
        )
    else:
        bound(
            f"even after training, the {name} kernel has no clear preference for {name} lines",
            sign * index_after[k],
            n=1,
            at_most=CLEAR_PREFERENCE,
            statistic=f"index towards {name} lines",
            fmt="{:+.2f}",
        )
# sphinx_gallery_end_ignore

# %%
# Were they blank before training?
# --------------------------------
# |blank_answer| In this run, |n_lean_init| of the eight random kernels
# already leaned towards one class -- an index beyond |clear_cut|, the
# site's cut for a :term:`clear preference` -- and |leaned_picks|. A change
# of index counts only beyond the cut too.
#
# - The vertical kernel went from |vertical_before| to |vertical_after|:
#   |vertical_trend|.
# - The horizontal kernel went from |horizontal_before| to
#   |horizontal_after|: |horizontal_trend|.
#
# .. evidence:: How sure: the index's noise
#
#    Measured on the training images instead of the test images, a kernel's
#    index moves by at most |index_noise_before| before training and
#    |index_noise_after| after it here: one difference per kernel of one run,
#    not the index's noise, which over the seed study's kernels reaches
#    |/auto_examples/beyond/plot_05_seeds:noise_init| before training and
#    |/auto_examples/beyond/plot_05_seeds:noise_max| after: |noise_words|.
#    Among all eight kernels, |reversed_phrase|.

# %%
# Convolution, ReLU, pooling
# --------------------------
# Rows: the two kernels, before and after training. Columns: for a held-out
# horizontal line and a held-out vertical line, the kernel's output (its
# :term:`feature map`, red positive, blue negative), after the ReLU
# (negative values cut to zero) and after 2x2 max-pooling. The same colour
# means the same value before and after training.

images = torch.stack(
    [test_set.of_class("horizontal").images[0], test_set.of_class("vertical").images[0]]
)
fig = viz.plot_feature_maps(
    {"before training": before, "after training": after},
    images,
    kernels=[k_vertical, k_horizontal],
    kernel_names=["vertical kernel", "horizontal kernel"],
    image_names=["horizontal line", "vertical line"],
)

# The numbers behind the figure: the strongest pooled output of each kernel on each image.
pooled_before = activations(before, images, layers=["pool1"])["pool1"].amax(dim=(2, 3))
pooled_after = activations(after, images, layers=["pool1"])["pool1"].amax(dim=(2, 3))
print("largest pool1 output on the horizontal line and on the vertical line:")
for k, name in ((k_vertical, "vertical kernel"), (k_horizontal, "horizontal kernel")):
    print(
        f"{name} (kernel {k}): {pooled_after[0, k]:.2f} and {pooled_after[1, k]:.2f}"
        f" (before training: {pooled_before[0, k]:.2f} and {pooled_before[1, k]:.2f})"
    )

# sphinx_gallery_start_ignore
maps = activations(after, images, layers=["relu1", "pool1"])
every(
    "the pooling is 2x2: it halves the height and the width of the maps",
    [p == r // 2 for p, r in zip(maps["pool1"].shape[-2:], maps["relu1"].shape[-2:])],
    statistic=f"dimensions halved ({tuple(maps['relu1'].shape[-2:])} -> "
    f"{tuple(maps['pool1'].shape[-2:])})",
)
own = {
    "vertical": (k_vertical, 1, 0),
    "horizontal": (k_horizontal, 0, 1),
}  # kernel, own image, other image
for name, (k, mine, other) in own.items():
    for when, pooled in (("before", pooled_before), ("after", pooled_after)):
        glue(f"{name}_{when}_own", pooled[mine, k], "{:.2f}")
        glue(f"{name}_{when}_other", pooled[other, k], "{:.2f}")


def picks_phrase(holds, every, only, neither):
    """``every``, ``only`` with the one kernel's name, or ``neither``, as ``holds`` says."""
    names = [name for name, ok in holds.items() if ok]
    if len(names) == len(holds):
        return every
    return only.format(names[0]) if len(names) == 1 else neither


# Which kernels answer their own line more strongly, and which answers training made
# stronger, in words chosen by the run: a kernel is picked on the mean over the training
# images, and on one line, by its peak, it can go the other way (1.20 against 1.49 in one run).
answers = {n: pooled_after[m, k] > pooled_after[o, k] for n, (k, m, o) in own.items()}
own_verdict = glue(
    "own_verdict",
    picks_phrase(
        answers,
        "each kernel answers its own line more strongly than the other one",
        "only the {} kernel answers its own line more strongly than the other one",
        "neither kernel answers its own line more strongly than the other one",
    ),
)
grew = {n: pooled_after[m, k] > pooled_before[m, k] for n, (k, m, _) in own.items()}
grew_verdict = glue(
    "grew_verdict",
    picks_phrase(
        grew,
        "on these two test lines, training made each kernel's answer to its own line stronger",
        "on these two test lines, training made only the {} kernel's answer to its own line stronger",
        "on these two test lines, training made neither kernel's answer to its own line stronger",
    ),
)


def stated(words):
    """For each kernel, whether the words say it does: "each kernel", "only the X kernel"."""
    everyone = "each kernel" in words
    return {name: everyone or f"only the {name} kernel" in words for name in own}


# One line of each class, measured by the strongest pooled output: the words state, for
# each kernel, one comparison of two numbers, and each must go the way they say.
every(
    f"after training, on these two lines, {own_verdict}",
    [
        (pooled_after[mine, k] > pooled_after[other, k]) == stated(own_verdict)[name]
        for name, (k, mine, other) in own.items()
    ],
    statistic="kernels whose peak on their own line against the other line goes the way "
    "the words say",
)
every(
    f"on these two lines, {grew_verdict}",
    [
        (pooled_after[mine, k] > pooled_before[mine, k]) == stated(grew_verdict)[name]
        for name, (k, mine, _) in own.items()
    ],
    statistic="kernels whose peak on their own line, after against before training, goes "
    "the way the words say",
)

# Links to the explorer page at the two kernels and images of the figure, linked from the text below. The
# images are the first held-out line of each class, the explorer's samples "horizontal 1" and
# "vertical 1".
last = float(run.history.epochs[-1])
for name, (k, _, _) in own.items():
    for when, epoch in (("start", 0), ("end", last)):
        fragment = viz.explorer_fragment(epoch=epoch, kernel=k, image=f"{name} 1")
        glue_link(
            f"live_{name}_{when}",
            f"epoch {epoch:g}",
            "plot_04b_explorer.html" + fragment,
        )
# sphinx_gallery_end_ignore

# %%
# After training, by the strongest pooled output, |own_verdict|;
# |grew_verdict| (one line each; the index weighs all the images). Live in
# the explorer: the vertical kernel at |live_vertical_start|_ or
# |live_vertical_end|_, the horizontal kernel at |live_horizontal_start|_
# or |live_horizontal_end|_.
#
# .. evidence:: How sure: the peaks, and what they do not show
#
#    After training, the vertical kernel reaches |vertical_after_own| on the
#    vertical line against |vertical_after_other| on the horizontal one, the
#    horizontal kernel |horizontal_after_own| on its line against
#    |horizontal_after_other|. Before training, the vertical kernel reached
#    |vertical_before_own| and |vertical_before_other|, the horizontal kernel
#    |horizontal_before_own| and |horizontal_before_other|. A kernel's answer
#    to the other line changed too, so a stronger answer on one line is not,
#    by itself, a stronger preference: the selectivity index weighs both. And
#    a kernel is picked on its mean answer to all the training images; one
#    line, by its peak, can go against it.

# %%
# Do they look like edge detectors?
# ---------------------------------
# All eight trained kernels. As on the :doc:`previous page
# <plot_05_init_vs_trained>`, the :term:`edge-match score` says how much a
# kernel resembles an edge template, and the edge test whether it *is* an
# :term:`edge detector`.

fig = viz.plot_kernels(
    run.history, layer="conv1", step=-1, title="conv1 kernels after training"
)

match = edge_match(after, "conv1")
is_edge = is_edge_detector(after.conv1.weight[:, 0])  # one verdict per kernel
for k, name in ((k_vertical, "vertical kernel"), (k_horizontal, "horizontal kernel")):
    print(f"{name} (kernel {k}): edge score {match.score[k]:.2f},", end=" ")
    print(f"best template: a {match.way()[k]} edge,", end=" ")
    print("an edge detector" if is_edge[k] else "not an edge detector")

# sphinx_gallery_start_ignore
# This run's edge detectors by the seed study's test: the edge test on the trained kernels,
# and the way of their best template (within 22.5 degrees, as the study's).
glue("n_epochs_here", int(last))
glue("own_h", int((is_edge & (match.way(tolerance=22.5) == "horizontal")).sum()))
glue("own_v", int((is_edge & (match.way(tolerance=22.5) == "vertical")).sum()))
for name, (k, _) in picks.items():
    glue(f"{name}_score", match.score[k], "{:.2f}")
    glue(f"{name}_way", match.way()[k])
edges = [name for name, (k, _) in picks.items() if is_edge[k]]
glue(
    "edge_verdict",
    {
        0: "neither kernel is",
        1: f"only the {''.join(edges)} kernel is",
        2: "both kernels are",
    }[len(edges)],
)
# The kernels that clearly prefer their class (beyond the margin) with no edge's shape by the
# test: neither the trained kernel nor what training added to it passes. (The trained kernel
# alone is not enough: its random start is noise over the change, and the test misses edges
# in strong noise, so a kernel whose change is an edge may fail as trained.)
change_is_edge = is_edge_detector(
    (after.conv1.weight - before.conv1.weight)[:, 0].detach()
)


def edgeless(k):
    return not is_edge[k] and not change_is_edge[k]


plain = [
    name
    for name, (k, sign) in picks.items()
    if sign * index_after[k] > margin and edgeless(k)
]
# Whether a kernel shows that a clear preference does not need an edge's shape, in words chosen
# by the run: in one run both kernels were edge detectors.
if plain:
    plain_note = (
        f"In this run, the {' and the '.join(plain)} "
        + (
            "kernel clearly prefers its"
            if len(plain) == 1
            else "kernels clearly prefer their"
        )
        + f" lines with no edge's shape, as trained or in {plural(len(plain), 'its', 'their')} "
        "change: firing and shape are two questions."
    )
else:
    plain_note = (
        "In this run, each kernel that clearly prefers its lines passes the edge test, as "
        "trained or in what training added to it."
    )
glue("plain_note", plain_note)
# The claim the note makes, kernel by kernel: each kernel it names clearly prefers its lines
# (an index beyond the cut) and is no edge detector; when it names none, no kernel is both.
prefers_plain = {
    name: bool(sign * index_after[k] > CLEAR_PREFERENCE and edgeless(k))
    for name, (k, sign) in picks.items()
}
every(
    "a kernel can clearly prefer its lines while neither it nor its change is an edge detector: "
    + (
        f"the {' and the '.join(plain)} here"
        if plain
        else "neither does here, as the text says"
    ),
    [prefers_plain[name] == (name in plain) for name in picks],
    statistic="kernels that clearly prefer their lines with neither the kernel nor its change "
    "an edge detector, exactly when the note names them",
)


# "Mostly its random start": more than half of a trained kernel's variation (r squared with its
# start) follows it. The words follow the run: at 20 epochs the least r squared came to 0.50 in
# 35 runs (seed 650357895).
w_start, w_end = (run.history["conv1.weight"][s, :, 0] for s in (0, -1))
kept = np.array(
    [np.corrcoef(a.ravel(), b.ravel())[0, 1] ** 2 for a, b in zip(w_start, w_end)]
)
n_mostly = int((kept > 0.5).sum())
if n_mostly == len(kept):
    glue("start_words", "each kernel is still mostly its random start")
    every(
        "after training, each kernel is still mostly its random start (r squared above one half)",
        kept > 0.5,
        statistic="kernels whose r squared with their start is above one half",
    )
else:
    glue(
        "start_words",
        f"{n_mostly} of the eight kernels {plural(n_mostly, 'is', 'are')} still mostly "
        f"{plural(n_mostly, 'its', 'their')} random start",
    )
    bound(
        "in this run, some kernel is not mostly its random start after training (r squared one "
        "half or less)",
        float(kept.min()), n=len(kept), at_most=0.5,
        statistic="smallest r squared of a trained kernel with its start", fmt="{:.2f}",
    )  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# The vertical kernel's best template is a |vertical_way| edge, with a score
# of |vertical_score|; the horizontal kernel's a |horizontal_way| edge, with
# |horizontal_score|. By the edge test, |edge_verdict| an edge detector as
# trained, random start included. |plain_note|
#
# Yet the maps above can look like those of ``Gx`` on the Prewitt page, a
# red stripe beside a blue one. No contradiction: across a vertical line, a
# kernel's output follows the sums of its columns, so any kernel whose
# column sums change sign draws stripes of both signs. The edge test asks
# that the whole 7x7 pattern be an edge's, and after training
# |start_words| (:doc:`previous page <plot_05_init_vs_trained>`).
#
# In the article, its kernels "5" and "8" played the roles of our two (it
# counted from 1; this site counts from 0, as Python does).
#
# .. evidence:: How sure: the article's picture over many runs
#
#    :ref:`The seed study <sphx_glr_auto_examples_beyond_plot_05_seeds.py>`
#    asks for the shape of an edge, by the edge test, and its orientation
#    (the way its best template lies) at once. Over its
#    |/auto_examples/beyond/plot_05_seeds:n_runs| runs, one per seed, each
#    trained for |/auto_examples/beyond/plot_05_seeds:n_epochs| epochs, at
#    least one horizontal and one vertical edge detector are found in
#    |/auto_examples/beyond/plot_05_seeds:n_both| of them. This run, trained
#    for |n_epochs_here| epochs, is not one of them; by the same test it has
#    |own_h| horizontal and |own_v| vertical edge detectors.

# %%
# .. _kernel-cast:
#
# The cast: every kernel's roles
# ------------------------------
# For all eight kernels: whether the trained kernel and its change pass the
# edge test, the way its nearest edge template lies, its index and the
# class it clearly prefers (beyond |cast_cut|), and the test accuracy lost
# when it alone is zeroed (its *cost*). A kernel can answer yes to one
# question and no to another.
#
# .. evidence:: What each column measures
#
#    - **edge detector**: whether the trained kernel, and what training
#      added to it (its *change*), pass the site's edge test,
#      :func:`~cnnexplain.analysis.is_edge_detector` (:doc:`the previous
#      page <plot_05_init_vs_trained>`; :ref:`its validation
#      <sphx_glr_auto_examples_beyond_plot_01_edge_match.py>`);
#    - **nearest edge**: the way the trained kernel's best-fitting
#      :term:`edge template` lies, even when the kernel is no edge detector;
#    - **index** and **prefers**: its :term:`selectivity index` on the
#      training images, and the class it prefers when the index is beyond
#      |cast_cut| (a :term:`clear preference`);
#    - **cost**: the test accuracy lost, in points, when that kernel alone
#      is zeroed (an :term:`ablation`, :doc:`the kernel-roles page
#      <../beyond/plot_02_kernel_roles>`).
#
#    The last lines name the story's two kernels and why; in this run,
#    |edge_sentence|

print(roles)

# sphinx_gallery_start_ignore
# The cast's columns and picks, checked against their definitions (the table is
# cast(run)'s; these claims say it follows is_edge_detector and the rule in the box).
glue("cast_cut", CLEAR_PREFERENCE)
cast_picks = {name: roles.pick(name) for name in ("horizontal", "vertical")}
h = cast_picks["horizontal"]
# The sentence of the box: why the cast picked its horizontal kernel.
tail = (
    "of the kernels that pass and clearly prefer horizontal lines, it prefers them most"
)
if roles.picked_for_edge["horizontal"] and roles.edge[h]:
    sentence = f"kernel {h}'s trained weights pass the edge test, and {tail}."
elif roles.picked_for_edge["horizontal"]:
    sentence = (
        f"what training added to kernel {h} passes the edge test (its trained weights keep "
        f"too much of the random start to pass), and {tail}."
    )
else:
    sentence = (
        "no kernel both passes the edge test and clearly prefers horizontal lines, so the "
        f"horizontal kernel is kernel {h}, the one that prefers them most."
    )
glue("edge_sentence", sentence)
edge_or_change = roles.edge | roles.edge_change
every(
    "the cast's edge detectors are is_edge_detector's, on the trained kernels and on their changes",
    np.concatenate(
        [
            np.asarray(roles.edge) == is_edge_detector(w_end),
            np.asarray(roles.edge_change) == is_edge_detector(w_end - w_start),
        ]
    ),
    statistic="kernels and changes whose cast entry is is_edge_detector's answer",
)
for name, sign in (("horizontal", 1), ("vertical", -1)):
    k = cast_picks[name]
    rivals = [j for j in range(len(roles)) if j not in cast_picks.values()]
    edge_rivals = [
        j
        for j in rivals
        if edge_or_change[j] and sign * roles.index[j] > CLEAR_PREFERENCE
    ]
    # The rule, one condition per item: the pick passes and clearly prefers the
    # class, and prefers it at least as much as every rival that does too; or no
    # rival does both, and the pick prefers the class at least as much as every
    # rival.
    if roles.picked_for_edge[name]:
        flags = [
            bool(edge_or_change[k]),
            sign * roles.index[k] > CLEAR_PREFERENCE,
            *(sign * roles.index[j] <= sign * roles.index[k] for j in edge_rivals),
        ]
    else:
        flags = [not edge_rivals] + [
            sign * roles.index[j] <= sign * roles.index[k] for j in rivals
        ]
    every(
        f"the cast's {name} kernel, kernel {k}, follows the rule: {roles.why(name)}",
        flags,
        statistic="conditions of the rule met, the pick's own and one per rival",
    )
# sphinx_gallery_end_ignore

# sphinx_gallery_thumbnail_number = 1
