"""
Does the story hold for other seeds?
====================================

Everything so far comes from one training :term:`run`, with one random
:term:`initialization` and one order of the training images. Would another
run also grow a horizontal and a vertical :term:`edge detector`? Here we
train |n_runs| runs that differ only in their random :term:`seed`, define "an edge detector emerged" by
thresholds measured on the spot, and count. The runs agree on the accuracy;
their :term:`kernels <kernel>` differ.
"""

# %%
# Ten runs
# --------
# Seeds 0 to 9 set both the initial weights and the order of the training
# :term:`batches <batch>`; the images and the train/test split stay the
# same. Each run trains for 8 :term:`epochs <epoch>` instead of 20 to keep
# this page fast. That costs little: in this run -- the site's default run,
# seed |default_seed|, trained for 20 epochs -- no kernel's
# :term:`edge-match score` moves by more than |late_change| after epoch 8, less than half of the most a score moved in the first 8
# epochs (|early_change|), and the kernels that pass the score test defined
# below are the same after epoch 8 as after epoch 20.

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Rectangle

from cnnexplain import evaluate
from cnnexplain.analysis import (
    CLEAR_PREFERENCE,
    ablation,
    edge_match,
    edge_match_history,
    edge_score_null,
    selectivity,
    without_kernels,
)
from cnnexplain.experiment import default_seed, experiment

default_run = experiment()
default = edge_match_history(default_run.history)
late_change = np.abs(default.score[-1] - default.score[8]).max()
early_change = np.abs(default.score[8] - default.score[0]).max()
print("default run, the largest change of a kernel's score")
print(f"in epochs 1-8: {early_change:.3f}, in epochs 9-20: {late_change:.3f}")

seeds = range(10)
runs = [experiment(model={"seed": s}, training={"seed": s, "epochs": 8}) for s in seeds]

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims (check), see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning.
from cnnexplain.claims import check, glue, plural

n_runs = glue("n_runs", len(runs))
glue("default_seed", default_seed())
glue("late_change", late_change, "{:.3f}")
glue("early_change", early_change, "{:.3f}")
run_settings = [
    (
        run.config["model"]["seed"],
        run.config["training"]["seed"],
        run.config["training"]["epochs"],
    )
    for run in runs
]
check(
    "the runs are seeds 0 to 9 (model and training), trained for 8 epochs; the default run for 20",
    run_settings == [(s, s, 8) for s in range(10)]
    and default_run.config["training"]["epochs"] == 20,
    measured=f"seeds {run_settings[0][0]} to {run_settings[-1][0]}, {run_settings[0][2]} epochs; "
    f"default run {default_run.config['training']['epochs']} epochs",
)
check(
    "in this run, no score moves after epoch 8 by as much as half the largest move in epochs 1-8",
    late_change < early_change / 2,
    measured=f"{late_change:.3f} against {early_change:.3f}",
)
# sphinx_gallery_end_ignore

# %%
# The accuracy: the same at the end
# ---------------------------------
# The :term:`accuracy` on the :term:`test set` of each run after every epoch:

fig, ax = plt.subplots(figsize=(7.0, 3.4), layout="constrained")
for s, run in zip(seeds, runs):
    ax.plot(
        run.history.metrics["val_accuracy"] * 100,
        marker="o",
        ms=3,
        lw=1,
        label=f"seed {s}",
    )
ax.set_xlabel("epoch")
ax.set_ylabel("test accuracy (%)")
ax.legend(ncols=2, fontsize=9, frameon=False, loc="lower right")
for side in ("top", "right"):
    ax.spines[side].set_visible(False)

accuracy = np.array(
    [run.history.metrics["val_accuracy"] for run in runs]
)  # (runs, 1 + epochs)
perfect_from = (accuracy >= 1.0).argmax(axis=1)
print(f"after epoch 1: {accuracy[:, 1].min():.0%} to {accuracy[:, 1].max():.0%}")
final_low, final_high = accuracy[:, -1].min(), accuracy[:, -1].max()
if final_low == final_high:
    print(f"final, every run: {final_low:.1%}")
else:
    print(f"final: {final_low:.1%} to {final_high:.1%}")
print("first epoch at 100% per seed:", perfect_from.tolist())

# sphinx_gallery_start_ignore
n_perfect = glue("n_perfect", int((accuracy[:, -1] == 1.0).sum()))
glue("perfect_end", plural(n_perfect, "ends", "end"))
glue("n_test", len(runs[0].test_set))
glue("acc1_min", accuracy[:, 1].min(), "{:.0%}")
glue("acc1_max", accuracy[:, 1].max(), "{:.0%}")
glue("slowest", perfect_from.max())
check(
    "every run ends at 100% on the test images",
    n_perfect == n_runs,
    measured=f"{n_perfect} of {n_runs} runs",
)
# 10 points are three standard deviations of the accuracy of coin flips on 240 images.
check(
    "after one epoch the slowest run is within 10 points of a guess (50%)",
    abs(accuracy[:, 1].min() - 0.5) < 0.1,
    measured=f"{accuracy[:, 1].min():.1%}",
)
# sphinx_gallery_end_ignore

# %%
# |n_perfect| of the |n_runs| runs |perfect_end| classifying all |n_test| test images
# correctly. The seeds differ in speed: after one epoch the accuracy ranges
# from |acc1_min| (about what guessing gets) to |acc1_max|, and the slowest
# run first gets every test image right after epoch |slowest|.
#
# What "an edge detector emerged" means
# -------------------------------------
# We call kernel ``k`` a *horizontal edge detector* when three things hold
# (the thresholds of the last two are measured here, not chosen):
#
# 1. its best :term:`edge template` (:func:`~cnnexplain.analysis.edge_match`) lies
#    within |tolerance| degrees of horizontal (90 degrees): the nearest of
#    the four main orientations;
# 2. its shape is an edge: its score is above what random kernels reach.
#    :func:`~cnnexplain.analysis.edge_score_null` scores |n_random| random
#    kernels (a :term:`null distribution`); a typical one scores
#    |null_median|. As each run tests its eight kernels at once, the
#    threshold is the 95th :term:`percentile` of the *best* of eight random
#    kernels, |threshold|, and a kernel must clear the upper end of that
#    threshold's :term:`95% interval`, |threshold_high|;
# 3. its behaviour matches its shape: it fires more on horizontal lines than
#    on vertical ones, by a margin. Its :term:`selectivity index`
#    (:func:`~cnnexplain.analysis.selectivity`, ``relu1``) goes from -1
#    (fires on vertical lines only) to +1 (horizontal lines only), and must be
#    above the margin.
#
# The same with 0 degrees and an index below minus the margin for a
# *vertical* edge detector. For the margin: an index near 0 is noise. The
# margin is the site's :term:`clear preference`, |margin|
# (:data:`~cnnexplain.analysis.CLEAR_PREFERENCE`). It was set here: we
# measure each index twice, on the training images and on the test images,
# and the largest difference between the two over all kernels of all runs,
# |noise_max|, is at most half the margin.

TOLERANCE = 22.5  # degrees: half the step between the four main orientations
null = edge_score_null(7, tested=8)
matches = [edge_match(run.model) for run in runs]
index = np.array(
    [selectivity(run.model, run.test_set).index for run in runs]
)  # (runs, 8)
index_train = np.array([selectivity(run.model, run.train_set).index for run in runs])
noise = float(np.abs(index - index_train).max())
margin = CLEAR_PREFERENCE
print(f"random 7x7 kernels: median score {null.median:.2f}")
print(f"edge detector: a score above {null.threshold_interval[1]:.2f}")
print(f"largest train/test difference of an index: {noise:.3f}")
print(f"the margin, CLEAR_PREFERENCE: {margin:.2f}")


def detectors(match, index, way, sign):
    """The edge detectors that lie ``way`` (sign +1: horizontal lines, -1: vertical)."""
    # EdgeMatch.way: within TOLERANCE degrees of 0 (vertical) or 90 (horizontal).
    oriented = match.way(tolerance=TOLERANCE) == way
    return np.flatnonzero(
        oriented & null.is_edge(match.score) & (sign * index > margin)
    ).tolist()


found = {
    s: (detectors(m, i, "horizontal", +1), detectors(m, i, "vertical", -1))
    for s, m, i in zip(seeds, matches, index)
}
for s, (h, v) in found.items():
    print(f"seed {s}: horizontal edge detectors {h or '-'}, vertical {v or '-'}")

# sphinx_gallery_start_ignore
glue("tolerance", TOLERANCE)
glue("n_random", len(null.scores), "{:,}")
glue("null_median", null.median, "{:.2f}")
glue("threshold", null.threshold, "{:.2f}")
glue("threshold_high", null.threshold_interval[1], "{:.2f}")
glue("margin", margin, "{:.2f}")
glue("noise_max", noise, "{:.3f}")  # the glossary quotes it
check(
    "the margin is at least twice the largest train/test difference of an index",
    margin >= 2 * noise,
    measured=f"margin {margin}, largest difference {noise:.3f}",
)
check(
    "the null compares 7x7 kernels, eight tested at once, as in each run",
    null.kernel_size == (7, 7) and null.tested == len(matches[0]) == 8,
    measured=f"{null.kernel_size[0]}x{null.kernel_size[1]}, {null.tested} tested, {len(matches[0])} kernels a run",
)
# A tenth of the index's range (from -1 to +1).
check(
    "the margin is a small part of the index's range: under 0.2",
    margin < 0.2,
    measured=f"{margin:.3f}",
)
edge_at_8, edge_at_20 = null.is_edge(default.score[8]), null.is_edge(default.score[-1])
check(
    "in this run, the kernels above the threshold are the same after epoch 8 as after epoch 20",
    (edge_at_8 == edge_at_20).all(),
    measured=f"kernels {np.flatnonzero(edge_at_8).tolist()} and {np.flatnonzero(edge_at_20).tolist()}",
)
# sphinx_gallery_end_ignore

# %%
# Counting
# --------
# Ten runs are few: a share of them estimates the share over all seeds only
# roughly. :term:`Wilson's 95% interval <Wilson interval>` says how roughly.


def share_interval(k, n, z=1.96):
    """Wilson's 95% interval of the share of all seeds, from k of n runs."""
    center = (k + z**2 / 2) / (n + z**2)
    half = z * np.sqrt(k * (n - k) / n + z**2 / 4) / (n + z**2)
    return center - half, center + half


n_h = sum(bool(h) for h, v in found.values())
n_v = sum(bool(v) for h, v in found.values())
n_both = sum(bool(h and v) for h, v in found.values())
n_one = sum(bool(h) != bool(v) for h, v in found.values())
n_none = sum(not (h or v) for h, v in found.values())
print(
    f"of {len(runs)} runs: a horizontal edge detector in {n_h}, a vertical one in {n_v}"
)
for name, k in (
    ("both", n_both),
    ("exactly one of the two", n_one),
    ("neither", n_none),
):
    share_low, share_high = share_interval(k, len(runs))
    print(f"{name}: {k} runs", end=" ")
    print(f"(95% interval of the share: {share_low:.0%} to {share_high:.0%})")

# sphinx_gallery_start_ignore
glue("n_h", n_h)
glue("n_v", n_v)
glue("n_both", n_both)
glue("n_one", n_one)
glue("n_none", n_none)
glue("both_runs", plural(n_both, "run", "runs"))
glue("one_runs", plural(n_one, "run", "runs"))
glue("none_runs", plural(n_none, "run", "runs"))
both_low, both_high = share_interval(n_both, n_runs)
glue("both_low", both_low, "{:.0%}")
glue("both_high", both_high, "{:.0%}")
check(
    "the article's picture (both detectors) holds in a minority of these runs",
    2 * n_both < n_runs,
    measured=f"{n_both} of {n_runs}",
)
check(
    "only one of the two emerges more often than both",
    n_one > n_both,
    measured=f"{n_one} against {n_both}",
)
patterns = {(len(h), len(v)) for h, v in found.values()}
check(
    "the runs differ in their detectors",
    len(patterns) > 1,
    measured=f"{len(patterns)} different (horizontal, vertical) counts",
)
# sphinx_gallery_end_ignore

# %%
# A horizontal edge detector emerges in |n_h| of the |n_runs| runs, a
# vertical one in |n_v|. The article's picture -- one horizontal and one
# vertical detector -- holds in |n_both| |both_runs|, a minority; more often only
# one of the two emerges (|n_one| |one_runs|), and in |n_none| |none_runs| neither passes
# all three tests. Read these as rough shares: from |n_both| of |n_runs|
# runs, the share of all seeds that grow both detectors lies between
# |both_low| and |both_high| (95% interval).
#
# Every kernel of every run at once
# ---------------------------------
# Each dot is one kernel of one run: its edge-match score against its
# selectivity index, coloured by the orientation of its best template. The
# shaded corners are where detectors live; the grey band is the threshold's
# 95% interval.

fig, ax = plt.subplots(figsize=(9.5, 4.2), layout="constrained")
high = null.threshold_interval[1]
ax.add_patch(
    Rectangle((high, margin), 1 - high, 1 - margin, color="C0", alpha=0.08, lw=0)
)
ax.add_patch(Rectangle((high, -1), 1 - high, 1 - margin, color="C1", alpha=0.08, lw=0))
all_score = np.array([m.score for m in matches]).ravel()
all_index = index.ravel()
other = np.ones(all_score.shape, bool)
orientations = {
    f"horizontal edge (90 +/- {TOLERANCE} degrees)": "horizontal",
    f"vertical edge (0 +/- {TOLERANCE} degrees)": "vertical",
}
for (label, way), color in zip(orientations.items(), ("C0", "C1")):
    near = np.concatenate([m.way(tolerance=TOLERANCE) == way for m in matches])
    other &= ~near
    ax.scatter(
        all_score[near], all_index[near], s=18, color=color, label=label, zorder=3
    )
ax.scatter(
    all_score[other],
    all_index[other],
    s=12,
    color="0.65",
    label="diagonal edge",
    zorder=2,
)
ax.axvline(null.median, color="0.3", ls="--", lw=1, label="median of random kernels")
ax.axvspan(
    *null.threshold_interval,
    color="0.5",
    alpha=0.3,
    lw=0,
    label="threshold (95% interval)",
)
ax.axhline(margin, color="0.3", ls=":", lw=1, label="+/- margin")
ax.axhline(-margin, color="0.3", ls=":", lw=1)
ax.set_xlim(0, 1)
ax.set_ylim(-1, 1)
ax.set_xlabel("edge-match score")
ax.set_ylabel("selectivity index\n(+1: horizontal lines only)")
ax.legend(frameon=False, loc="center left", bbox_to_anchor=(1.01, 0.5))
ax.set_title(f"conv1 kernels of {len(runs)} runs")

edge_shaped = null.is_edge(all_score)
selective = np.abs(all_index) > margin
print(f"of {all_score.size} kernels, {edge_shaped.sum()} are above the threshold,")
print(f"{selective.sum()} are selective;")
print(f"{(edge_shaped & ~selective).sum()} have an edge's shape but no preference,")
print(f"{(selective & ~edge_shaped).sum()} a preference but no edge's shape")
most_selective = np.abs(index).argmax(axis=1)
most_edge_like = np.array([m.score.argmax() for m in matches])
print("most selective kernel per run:", most_selective.tolist())
print("best edge match per run:      ", most_edge_like.tolist())

# sphinx_gallery_start_ignore
glue("n_all", all_score.size)
glue("n_shaped", int(edge_shaped.sum()))
glue("n_selective", int(selective.sum()))
n_shaped_unselective = glue(
    "n_shaped_unselective", int((edge_shaped & ~selective).sum())
)
n_selective_unshaped = glue(
    "n_selective_unshaped", int((selective & ~edge_shaped).sum())
)
glue("unselective_fire", plural(n_shaped_unselective, "fires", "fire"))
glue("unshaped_are", plural(n_selective_unshaped, "is", "are"))
n_parted = glue("n_parted", int((most_selective != most_edge_like).sum()))
check(
    "some edge-shaped kernels have no preference, and some selective kernels are not edge-shaped",
    (edge_shaped & ~selective).any() and (selective & ~edge_shaped).any(),
    measured=f"{(edge_shaped & ~selective).sum()} and {(selective & ~edge_shaped).sum()} kernels",
)
check(
    "shape and behaviour often part ways: in half the runs or more, the most selective kernel is not the most edge-like",
    2 * n_parted >= n_runs,
    measured=f"{n_parted} of {n_runs} runs",
)
# sphinx_gallery_end_ignore

# %%
# Shape and behaviour often part ways. |n_shaped_unselective| of the
# |n_shaped| kernels above the threshold |unselective_fire| about equally on both classes
# (dots between the dotted lines, right of the band), and
# |n_selective_unshaped| of the |n_selective| kernels with a preference |unshaped_are|
# not above it. In |n_parted| of the |n_runs| runs, the most selective kernel
# is not the one that matches an edge best. Why would a kernel fire equally
# on both classes? The edge-match score ignores a kernel's mean weight, but
# the kernel's response does not: a kernel whose weights are mostly positive
# answers any bright line, whatever pattern rides on top. Compare the mean
# weight, in units of the weights' :term:`spread <standard deviation>`, of the kernels with and without a
# preference:

weights = np.array(
    [run.model.conv1.weight.detach()[:, 0].flatten(1).numpy() for run in runs]
)  # (runs, 8, 49)
offset = (weights.mean(axis=-1) / weights.std(axis=-1)).ravel()
with_preference, without_preference = offset[selective], offset[~selective]
print("mean weight / spread:")
print(f"{with_preference.mean():+.2f} for the {selective.sum()} selective kernels,")
print(f"{without_preference.mean():+.2f} for the {(~selective).sum()} others,", end=" ")
print(f"of which {(without_preference > 0).sum()} have a positive mean weight")

# sphinx_gallery_start_ignore
n_unselective = glue("n_unselective", int((~selective).sum()))
n_positive = glue("n_positive", int((without_preference > 0).sum()))
glue("positive_have", plural(n_positive, "has", "have"))
glue("unselective_mean", without_preference.mean(), "{:+.2f}")
glue("selective_mean", with_preference.mean(), "{:+.2f}")
check(
    "nearly all kernels without a preference (90% or more) have a positive mean weight",
    n_positive >= 0.9 * n_unselective,
    measured=f"{n_positive} of {n_unselective}",
)
# The difference of the two means, in units of its standard error: 3 or more is not chance.
difference = without_preference.mean() - with_preference.mean()
standard_error = np.hypot(
    without_preference.std(ddof=1) / np.sqrt(len(without_preference)),
    with_preference.std(ddof=1) / np.sqrt(len(with_preference)),
)
check(
    "kernels without a preference have a higher mean weight than selective ones, by 3 standard errors or more",
    difference > 3 * standard_error,
    measured=f"{difference:.2f} = {difference / standard_error:.1f} standard errors",
)
# sphinx_gallery_end_ignore

# %%
# |n_positive| of the |n_unselective| kernels without a preference |positive_have| a
# positive mean weight, on average |unselective_mean| of their spread,
# against |selective_mean| for the selective ones: they respond to
# brightness, with an edge pattern or none on top.
#
# The candidates, run by run
# --------------------------
# For each run, the best-matching kernel oriented near horizontal (top) and
# near vertical (bottom), framed in black when it passes all three tests.

# Two rows of five runs for each orientation, horizontal above vertical.
fig = plt.figure(figsize=(9.6, 8.0), layout="constrained")
grid = fig.add_gridspec(5, 5, height_ratios=[1, 1, 0.2, 1, 1])
limit = max(run.model.conv1.weight.detach().abs().max().item() for run in runs)
for col, (s, run, m, i) in enumerate(zip(seeds, runs, matches, index)):
    for half, angle in enumerate((90, 0)):
        ax = fig.add_subplot(grid[3 * half + col // 5, col % 5])
        k = m.best(angle, tolerance=TOLERANCE)
        kernel = (
            run.model.conv1.weight.detach()[k, 0]
            if k is not None
            else np.full((7, 7), np.nan)
        )
        im = ax.imshow(kernel, cmap="RdBu_r", vmin=-limit, vmax=limit)
        found_here = "none" if k is None else f"kernel {k}"
        scores = "" if k is None else f"r {m.score[k]:.2f}, index {i[k]:+.2f}"
        ax.set_title(f"seed {s}: {found_here}\n{scores}", fontsize=10)
        passed = k is not None and k in found[s][half]
        for spine in ax.spines.values():
            spine.set_linewidth(3 if passed else 0.8)
            spine.set_color("black" if passed else "0.6")
        ax.set_xticks([])
        ax.set_yticks([])
        if col % 5 == 0:
            ax.set_ylabel(("horizontal", "vertical")[half], fontsize=11)
colorbar = fig.colorbar(im, ax=fig.axes, shrink=0.6, label="weight")

# %%
# The detectors differ from run to run, down to their :term:`polarity` -- which side
# of the edge must be bright for the kernel to fire (``+1``: below a
# horizontal edge or right of a vertical one):

polarity = [
    int(m.polarity[k]) for m, (h, v) in zip(matches, found.values()) for k in h + v
]
print(f"polarities of the {len(polarity)} detectors found: {polarity}")

# sphinx_gallery_start_ignore
glue("n_detectors", len(polarity))
glue("n_plus", polarity.count(1))
glue("plus_have", plural(polarity.count(1), "has", "have"))
glue("n_minus", polarity.count(-1))
check(
    "the detectors found have both polarities",
    1 in polarity and -1 in polarity,
    measured=f"{polarity.count(1)} of +1, {polarity.count(-1)} of -1",
)
# sphinx_gallery_end_ignore

# %%
# Of the |n_detectors| detectors found, |n_plus| |plus_have| polarity +1 and
# |n_minus| polarity -1.
#
# What the network needs: not a clean edge detector per orientation
# -----------------------------------------------------------------
# What the runs share is the outcome, not the kernels: they all end with
# every test image right, with both detectors, with one, or with none that
# passes all three tests. So a
# clean detector per orientation is not what the network needs. Nor does it
# rest on the detectors it has, one by one. Switch off each kernel of each
# run (an :term:`ablation`), as the :ref:`kernel roles page
# <sphx_glr_auto_examples_beyond_plot_02_kernel_roles.py>` does for the
# default run, and call a kernel *essential* when losing it
# alone costs more than one point of accuracy. Then switch off together the
# kernels of a run that lean the same way (an index beyond the margin, on
# the same side):

ESSENTIAL = 0.01  # accuracy lost by zeroing a kernel alone: more than one point
essential, groups = {}, []
for s, run, i in zip(seeds, runs, index):
    single = ablation(run.model, run.test_set, "conv1")
    essential[s] = np.flatnonzero(single.drop > ESSENTIAL).tolist()
    for name, side in (("horizontal", +1), ("vertical", -1)):
        group = np.flatnonzero(side * i > margin).tolist()
        if len(group) < 2:
            continue
        _, accuracy_without = evaluate(without_kernels(run.model, group), run.test_set)
        alone, together = (
            single.drop[group].max(),
            single.baseline_accuracy - accuracy_without,
        )
        groups.append((s, alone, together))
        print(f"seed {s}, {name} {group}:", end=" ")
        print(f"alone at most {100 * alone:.1f} points, together {100 * together:.1f}")
print("essential kernels per seed:")
print(essential)

# sphinx_gallery_start_ignore
n_essential = [len(e) for e in essential.values()]
glue("essential_min", min(n_essential))
glue("essential_max", max(n_essential))
glue("n_no_essential", n_essential.count(0))
glue("no_essential_have", plural(n_essential.count(0), "has", "have"))
essential_detectors = sum(
    k in h + v for s, (h, v) in found.items() for k in essential[s]
)
glue("n_essential", sum(n_essential))
n_essential_plain = glue("n_essential_plain", sum(n_essential) - essential_detectors)
glue("plain_do", plural(n_essential_plain, "does", "do"))
n_detectors_spare = glue("n_detectors_spare", len(polarity) - essential_detectors)
# Shared: no kernel of the group is essential, and the group together costs more than 5 points
# (12 of the 240 test images), five times what makes one kernel essential.
shared = [
    (s, together)
    for s, alone, together in groups
    if alone <= ESSENTIAL and together > 0.05
]
n_shared = glue("n_shared", len({s for s, _ in shared}))
glue("shared_min", 100 * min(together for _, together in shared), "{:.0f}")
glue("shared_max", 100 * max(together for _, together in shared), "{:.0f}")
check(
    "in every run, most kernels (more than half) can go alone at a cost of one point or less",
    max(n_essential) < 4,
    measured=f"{min(n_essential)} to {max(n_essential)} essential kernels of 8",
)
check(
    "the runs reach 100% without both detectors too: every run does, and some have one or none",
    n_perfect == n_runs and n_one + n_none > 0,
    measured=f"{n_perfect} of {n_runs} runs at 100%, {n_one + n_none} of them without both detectors",
)
check(
    "most detectors (more than half) can go alone at a cost of one point or less",
    2 * n_detectors_spare > len(polarity),
    measured=f"{n_detectors_spare} of {len(polarity)}",
)
check(
    "most essential kernels (more than half) do not pass the three tests",
    2 * n_essential_plain > sum(n_essential),
    measured=f"{n_essential_plain} of {sum(n_essential)}",
)
check(
    "in most runs, a group of kernels leaning the same way costs over 5 points together, none over 1 alone",
    2 * n_shared > n_runs,
    measured=f"{n_shared} of {n_runs} runs",
)
# sphinx_gallery_end_ignore

# %%
# The number of essential kernels per run ranges from |essential_min| to
# |essential_max|, and |n_no_essential| of the |n_runs| runs |no_essential_have| none. Of
# the |n_detectors| detectors, |n_detectors_spare| can go alone at a cost of
# one point or less; of the |n_essential| essential kernels,
# |n_essential_plain| |plain_do| not pass the three tests. Edge shape and importance
# are different things. What
# keeps most kernels dispensable is that the work is shared: in most runs
# (|n_shared| of |n_runs|), several kernels lean the same way, none of them
# costs more than a point alone, and zeroing them together costs more than 5
# points (from |shared_min| to |shared_max|). Each covers for the others, so
# none of them is essential.

# %%
# In this run
# -----------
# The same tests on the site's default run, trained for 20 epochs:

default_index = selectivity(default_run.model, default_run.test_set).index
default_match = edge_match(default_run.model)
default_h = detectors(default_match, default_index, "horizontal", +1)
default_v = detectors(default_match, default_index, "vertical", -1)
default_ablation = ablation(default_run.model, default_run.test_set, "conv1")
default_essential = np.flatnonzero(default_ablation.drop > ESSENTIAL).tolist()
# sphinx_gallery_start_ignore
glue("default_h", len(default_h))
glue("default_v", len(default_v))
n_plain = len(set(default_essential) - set(default_h + default_v))
if not default_essential:
    essential_note = "No kernel is essential."
elif n_plain == len(default_essential):
    essential_note = (
        f"{plural(len(default_essential), 'One kernel is', f'{len(default_essential)} kernels are')} "
        f"essential, and {'both' if n_plain == 2 else plural(n_plain, 'it', 'all')} "
        f"{plural(n_plain, 'fails', 'fail')} the three tests."
    )
else:
    essential_note = (
        f"{len(default_essential)} {plural(len(default_essential), 'kernel is', 'kernels are')} "
        f"essential, of which {n_plain} {plural(n_plain, 'fails', 'fail')} the three tests."
    )
glue("default_essential_note", essential_note)
# sphinx_gallery_end_ignore
print(f"horizontal edge detectors {default_h or '-'}, vertical {default_v or '-'}")
print(f"essential kernels: {default_essential or '-'}")

# %%
# In this run, the three tests find |default_h| horizontal and |default_v|
# vertical edge detectors. |default_essential_note| The two counts answer
# different questions: what a kernel looks like, and whether the other
# kernels can do without it.

# sphinx_gallery_thumbnail_number = 2
