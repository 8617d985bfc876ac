"""
Before and after: random kernels against trained ones
=====================================================

You will see the eight first-layer :term:`kernels <kernel>` before and
after training, then what training *added* to each. Did training turn
random noise into :term:`edge detectors <edge detector>`, or draw on top
of the noise?
"""

# %%
# Side by side
# ------------
# Top row: the random start (:term:`epoch` 0, the :term:`initialization`).
# Bottom row: after the last epoch. Both rows share one colour scale, so the
# same colour is the same weight. Look for each random pattern in the
# trained kernel below it.

import numpy as np

from cnnexplain import LineCNN, viz
from cnnexplain.experiment import experiment

history = experiment().history
# PyTorch's default start: each weight drawn on its own, uniformly between plus and
# minus one over the square root of the kernel's 7 x 7 = 49 inputs.
fig = viz.plot_kernels_compare(history, layer="conv1", steps=(0, -1))

w0 = history["conv1.weight"][0, :, 0]  # (kernel, 7, 7) at initialization
w1 = history["conv1.weight"][-1, :, 0]  # the same kernels after training

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning.
from cnnexplain.claims import bound, every, glue, plural, setting

limits = {
    (im.norm.vmin, im.norm.vmax) for ax in fig.get_axes() for im in ax.get_images()
}
setting(
    "both rows share one colour scale (colour limits in use)", len(limits), expected=1
)
setting("eight kernels of 7x7", w0.shape, expected=(8, 7, 7))
bound(
    "the initial weights lie between plus and minus one over the square root of 49",
    np.abs(w0).max() * np.sqrt(7 * 7), n=w0.size, at_most=1,
    statistic="largest |weight| times the square root of 49", fmt="{:.4f}",
)  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# How much of the start survives
# ------------------------------
# The :term:`correlation` of a trained kernel with its own start says how
# much of the random pattern is still there. Any two random kernels
# correlate a little by chance; how much, the grey histogram shows (the
# :term:`null distribution`): each trained kernel correlated with many
# fresh random kernels, drawn as PyTorch drew the starts. The red lines are
# the eight kernels' correlations with their own starts.

import matplotlib.pyplot as plt


def correlation(a, b):
    """Pearson correlation between the weights of two kernels."""
    return np.corrcoef(a.ravel(), b.ravel())[0, 1]


# The first-layer kernels of 200 freshly initialized, untrained models.
fresh = np.stack(
    [LineCNN(seed=10_000 + s).conv1.weight.detach()[:, 0].numpy() for s in range(200)]
)
keep = np.array([correlation(a, b) for a, b in zip(w0, w1)])  # with its own start
unrelated = np.array([correlation(f, b) for f in fresh.reshape(-1, 7, 7) for b in w1])

fig, ax = plt.subplots(figsize=(6.4, 2.8), layout="constrained")
null = "with random kernels (the null distribution)"
counts, _, _ = ax.hist(unrelated, bins=np.linspace(-1, 1, 81), color="0.7", label=null)
for r in keep:
    ax.axvline(r, color="tab:red", lw=1.5)
ax.plot([], [], color="tab:red", lw=1.5, label="with its own start")
ax.set_xlim(-1, 1)
ax.set_ylim(0, 1.45 * counts.max())  # room for the legend above the histogram
ax.set_xlabel("correlation of a trained kernel")
ax.set_ylabel("pairs of kernels")
ax.legend(loc="upper left")
ax.spines[["top", "right"]].set_visible(False)
for k in range(len(w0)):
    print(f"kernel {k}: correlation with its start {keep[k]:+.2f}")
chance = np.quantile(np.abs(unrelated), 0.95)
print(f"with {len(unrelated):,} pairs of unrelated kernels:", end=" ")
print(f"between {-chance:+.2f} and {chance:+.2f} in 95% of them")

# sphinx_gallery_start_ignore
glue("keep_min", keep.min(), "{:+.2f}")
glue("keep_max", keep.max(), "{:+.2f}")
glue("chance", chance, "{:.2f}")
# The share of the null that chance, and fresh_low to fresh_high, hold.
glue("null_share", 0.95, "{:.0%}")
glue("n_fresh", len(fresh))
glue("n_unrelated", len(unrelated), "{:,}")
every(
    "in this run, every kernel correlates with its own start more than 95% of fresh random kernels do",
    keep > chance,
    statistic="kernels whose r with their start is above the 95th percentile of |r| with fresh kernels",
)
# Where the red lines lie against the histogram, in words the run picks.
if keep.min() > unrelated.max():
    glue("null_words", "to the right of the whole grey histogram")
    every(
        "in this run, every kernel correlates with its own start more than with any of the "
        "fresh random kernels",
        keep.min() > unrelated,
        statistic="pairs of a trained kernel and a fresh random kernel whose r is below the "
        "smallest r of a kernel with its start",
    )
else:
    glue("null_words", "to the right of 95% of the grey histogram")
# "Mostly its random start": the squared correlation, the share of a trained kernel's
# variation that follows its start, is above one half. The words follow the run (after 8
# epochs it was above one half for every kernel in 99 of the seed study's 100 seeds).
n_half = glue("n_half", int((keep**2 > 0.5).sum()))
if n_half == len(keep):
    every(
        "in this run, more than half of each trained kernel's variation follows its start",
        keep**2 > 0.5,
        statistic="kernels whose squared correlation with their start is above one half",
    )
    glue("mostly_words", "each trained kernel is still mostly its random start")
else:
    bound(
        "in this run, some trained kernel is not mostly its random start (r squared one half "
        "or less)",
        float((keep**2).min()), n=len(keep), at_most=0.5,
        statistic="smallest squared correlation of a trained kernel with its start", fmt="{:.2f}",
    )  # fmt: skip
    glue(
        "mostly_words",
        f"{n_half} of the eight trained kernels {plural(n_half, 'is', 'are')} still mostly "
        f"{plural(n_half, 'its', 'their')} random start",
    )
# Smoothness, for the evidence under "on top": the correlation of each weight with its
# right and lower neighbours, near 0 for random weights; its mean over the eight kernels,
# against that of the fresh random models.
from cnnexplain.analysis import neighbour_correlation

smooth0, smooth1 = neighbour_correlation(w0), neighbour_correlation(w1)
smooth_fresh = neighbour_correlation(fresh).mean(axis=1)  # one mean per fresh model
low, high = np.quantile(smooth_fresh, [0.025, 0.975])
from cnnexplain.edges import PREWITT_X

prewitt_smooth = glue(
    "prewitt_smooth", neighbour_correlation(PREWITT_X.numpy()), "{:+.2f}"
)
bound(
    "the neighbouring weights of the Prewitt kernel Gx are related (correlation above one half)",
    prewitt_smooth, n=1, at_least=0.5, statistic="neighbour correlation of Gx", fmt="{:+.2f}",
)  # fmt: skip
# Words the run picks, decided by the test its box row states: above every fresh random
# model (then no fresh model has that much structure), or within their range.
structured = smooth1.mean() > smooth_fresh.max()
glue(
    "structure_words",
    f"none of the {len(smooth_fresh)} fresh random models reaches the trained kernels' mean"
    if structured
    else "in this run, the trained kernels stay within the range of random ones by this measure",
)
if structured:
    every(
        "in this run, the trained kernels' mean neighbour correlation is above that of every "
        "fresh random model",
        smooth1.mean() > smooth_fresh,
        statistic="fresh random models whose mean neighbour correlation is below the trained kernels'",
    )
else:
    every(
        "in this run, the trained kernels' mean neighbour correlation is within the range of the "
        "fresh random models",
        np.array([smooth1.mean() <= smooth_fresh.max()]),
        statistic="trained mean at most the largest mean of a fresh random model",
    )
glue(
    "on_top",
    "In this run, what training drew on top made the trained kernels smoother than random ones: "
    "neighbouring weights more alike"
    if structured
    else "What training drew on top did not, in this run, make the trained kernels smoother than "
    "random ones",
)
glue("smooth_before", smooth0.mean(), "{:+.2f}")
glue("smooth_after", smooth1.mean(), "{:+.2f}")
glue("fresh_low", low, "{:+.2f}", rounding="nearest")
glue("fresh_high", high, "{:+.2f}", rounding="nearest")
# The sentence follows the run: at seed 299226916 the trained weights spread wider than at
# their start (0.081 to 0.086) but not wider than the widest fresh random model (0.087).
fresh_spread = fresh.std(axis=(1, 2, 3))
glue("std_before", w0.std(), "{:.3f}")
glue("std_after", w1.std(), "{:.3f}")
if w1.std() > fresh_spread.max():
    glue(
        "spread_words",
        "training spread the weights wider, more than those of any of the fresh random "
        f"models spread ({fresh_spread.max():.3f} at most)",
    )
    every(
        "in this run, the trained weights spread wider than those of any of the fresh random models",
        w1.std() > fresh_spread,
        statistic="fresh random models whose weights spread less than the trained ones",
    )
elif w1.std() > w0.std():
    glue(
        "spread_words",
        "training spread the weights wider than at their start, though not beyond the range "
        f"of fresh random models: {int((fresh_spread >= w1.std()).sum())} of the "
        f"{len(fresh_spread)} spread as wide or wider (up to {fresh_spread.max():.3f})",
    )
    bound(
        "in this run, the trained weights spread wider than at their start",
        w1.std() - w0.std(), n=w1.size, at_least=1e-9,
        statistic="standard deviation after training minus at initialization", fmt="{:+.4f}",
    )  # fmt: skip
    bound(
        "in this run, some fresh random model spreads its weights as wide as the trained ones, or wider",
        int((fresh_spread >= w1.std()).sum()), n=len(fresh_spread), at_least=1,
        statistic="fresh random models whose weights spread at least as wide", fmt="{:.0f}",
    )  # fmt: skip
else:
    glue(
        "spread_words",
        "training did not spread the weights wider",
    )
    bound(
        "in this run, the trained weights spread no wider than at their start",
        w1.std() - w0.std(), n=w1.size, at_most=0,
        statistic="standard deviation after training minus at initialization", fmt="{:+.4f}",
    )  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# Each trained kernel correlates |keep_min| to |keep_max| with its own start:
# the red lines lie |null_words|. Training did not erase the start:
# |mostly_words|. |on_top|.
#
# .. evidence:: How sure: the start survives, and something was added
#
#    The grey histogram holds the |n_unrelated| correlations of the eight
#    trained kernels with the kernels of |n_fresh| fresh random models;
#    |null_share| of them lie within plus or minus |chance|. "Mostly its start" means that
#    the squared correlation, the share of a kernel's variation that follows
#    its start, is above one half: |n_half| of the eight kernels in this run.
#
#    "Smoother" is measured by the correlation of each weight with its
#    right-hand and lower neighbours: near 0 for random weights,
#    |prewitt_smooth| for ``Gx``. Its mean over the eight kernels went from
#    |smooth_before| at the start to |smooth_after| after training; for a
#    fresh random model it lies between |fresh_low| and |fresh_high| in
#    |null_share| of them, and |structure_words|. It cannot tell an edge from a bar or a
#    blob, which are smooth too; the edge test below can. The weights'
#    :term:`standard deviation` went from |std_before| to |std_after|:
#    |spread_words|.

# %%
# What training added
# -------------------
# Take the start away: the trained kernel minus its start is what training
# *added*, its change. Below, each change (top) above the :term:`edge
# template` it resembles most (bottom), a dashed line along the edge. The
# number ``r``, its :term:`edge-match score`, is their correlation: 1 for a
# perfect match, near 0 when no template fits (this run's random starts
# score |mean_initial| on average). A template in brackets is only the
# closest: no edge fits. Last comes the site's one criterion, its edge test
# (:func:`~cnnexplain.analysis.is_edge_detector`): "yes", or why not.

from cnnexplain.analysis import edge_match, is_edge_detector

added = w1 - w0  # what training added to each kernel
match_added = edge_match(added)
fig = viz.plot_best_templates(
    added, match_added, name="change", label="way", verdict=True
)

# Which kernels are edge detectors, by the site's one definition: the starts, the
# trained kernels and what training added, each judged on its own.
is_edge = {
    "initial kernels": is_edge_detector(w0),
    "trained kernels": is_edge_detector(w1),
    "changes": is_edge_detector(added),
}
for name, flags in is_edge.items():
    print(f"{name}: edge detectors {np.flatnonzero(flags).tolist()}")

# Mark the bands of the changes that are edge detectors, with an edge within 20 degrees
# of horizontal (90) or vertical (0 or 180): the bands of a horizontal edge are rows,
# those of a vertical edge columns. Only the changes with both bands, red and blue:
# "+" marks the rows (or columns) of highest mean weight, "-" those of lowest.
off_axis = np.abs((match_added.angle + 45) % 90 - 45)  # degrees from the nearest axis
edges = np.flatnonzero(is_edge["changes"] & (off_axis <= 20))
along = {
    k: "rows" if abs(match_added.angle[k] - 90) <= 20 else "columns" for k in edges
}
found = {k: viz.edge_bands(added[k], orientation=along[k]) for k in edges}
marked = [k for k in edges if len(found[k]) == 2]  # a positive and a negative band
panels = {ax.get_title(): ax for ax in fig.axes}
for k in marked:
    viz.mark_edge_bands(panels[f"change {k}"], added[k], orientation=along[k])
print("mean edge-match score of the eight kernels:")
print(f"{edge_match(w0).score.mean():.2f} at initialization,", end=" ")
print(f"{edge_match(w1).score.mean():.2f} after training,", end=" ")
print(f"{match_added.score.mean():.2f} for what training added")

# sphinx_gallery_start_ignore
from cnnexplain.analysis import EDGE_SHARE

score_initial, score_trained = edge_match(w0).score, edge_match(w1).score
score_added = match_added.score
glue("mean_initial", score_initial.mean(), "{:.2f}")
glue("mean_trained", score_trained.mean(), "{:.2f}")
glue("mean_added", score_added.mean(), "{:.2f}")
glue("edge_share", EDGE_SHARE, "{:.0%}")
# The counts, with words that agree with them whatever the run.
counts = {name: int(flags.sum()) for name, flags in is_edge.items()}
for key, name in (
    ("initial", "initial kernels"),
    ("trained", "trained kernels"),
    ("added", "changes"),
):
    glue(f"n_edge_{key}", counts[name])
glue(
    "added_are", plural(counts["changes"], "is an edge detector", "are edge detectors")
)
# The changes that pass while their trained kernels do not. The start is the only
# difference between the two; whether it hides the edge is tested by scaling it down,
# alpha * start + change for alpha from 1 (the trained kernel) to 0 (the change alone).
hidden = is_edge["changes"] & ~is_edge["trained kernels"]
n_hidden = int(hidden.sum())
alphas = np.linspace(1.0, 0.0, 11)
if n_hidden:
    if n_hidden == counts["changes"]:  # every change that passes
        words = (
            "Its trained kernel fails the test"
            if n_hidden == 1
            else "Their trained kernels all fail the test"
        )
    else:
        words = (
            "The trained kernel of one of those changes fails the test"
            if n_hidden == 1
            else f"The trained kernels of {n_hidden} of those changes fail the test"
        )
    bound(
        "in this run, some change passes the edge test while its trained kernel fails",
        n_hidden, n=len(hidden), at_least=1,
        statistic="kernels whose change passes and whose trained kernel fails", fmt="{:.0f}",
    )  # fmt: skip
    # For each such kernel, the largest alpha of the grid from which on down every scaled
    # kernel passes (alpha = 0, the change itself, always does).
    scan = np.stack(
        [is_edge_detector(a * w0[hidden] + added[hidden]) for a in alphas]
    )  # (alphas, hidden kernels)
    # True where a kernel passes at this alpha and at every smaller one.
    below = np.cumprod(scan[::-1], axis=0)[::-1].astype(bool)
    reveal = np.array([alphas[np.flatnonzero(b)[0]] for b in below.T])
    alpha_hide = float(reveal.min())
    every(
        "in this run, each such kernel passes the edge test once its start is scaled down to "
        f"{alpha_hide:.0%} of its size or less (the change kept), and fails at full size",
        np.concatenate([below[alphas <= alpha_hide + 1e-9].ravel(), ~scan[0]]),
        statistic="scaled kernels that pass at each alpha of the grid up to that one, and "
        "trained kernels that fail",
    )
    them = plural(n_hidden, "it", "them")
    if alpha_hide > 0:
        tail = (
            f": the random start, still in {them}, hides the edge. Scale the start down, "
            f"keeping the change, and the edge test passes once the start is at "
            f"{alpha_hide:.0%} of its size or less."
        )
    else:
        tail = (
            f": the random start, still in {them}, hides the edge. Scale the start down, "
            "keeping the change, and the edge test passes only once the start is gone."
        )
    glue("hidden_words", words + tail)
elif counts["changes"]:
    glue(
        "hidden_words",
        "In this run, every kernel whose change passes also passes as trained.",
    )
    every(
        "in this run, every trained kernel whose change passes the edge test passes too",
        ~hidden,
        statistic="kernels whose trained kernel passes whenever its change does",
    )
else:
    glue("hidden_words", "With no change passing, the start hides no edge here.")
names = [str(k) for k in marked]
if len(names) > 1:
    glue("marked_list", f"changes {', '.join(names[:-1])} and {names[-1]}")
else:
    glue("marked_list", f"change {names[0]}" if names else "none")
# (Which changes are outlined is a definition, in the visible code above: no claim to check.)
# The kernels of the story: the cast's (tabled on the next page), of the same run.
from cnnexplain.analysis import cast
from cnnexplain.experiment import cache_key, default_seed, resolve_config

roles = cast(experiment())
seed = default_seed()
same_run = experiment().key == cache_key(
    resolve_config(model={"seed": seed}, training={"seed": seed})
)
for name in ("horizontal", "vertical"):
    glue(f"cast_{name}", roles.pick(name))
# The kernels are cast(run)'s picks by construction; what can differ is the run: it
# must be the training page's (experiment()'s defaults for this seed).
every(
    "the kernels named here are the horizontal and vertical kernels of the training page's cast, "
    "of the same run",
    [same_run],
    statistic="runs with the cache key of the training page's run",
)
# sphinx_gallery_end_ignore

# %%
# Look for a band of red beside a band of blue: an edge, its red side
# wanting light and its blue side dark. Black outlines, with ``+`` and ``-``,
# point out the two bands on each change that passes the edge test with its
# edge near horizontal or vertical (|marked_list| in this run). A bar of one
# colour between two of the other is a :term:`line detector` instead.
#
# The edge test asks three things: an edge template explains a third or
# more of the kernel's variation; what it leaves holds at most a third of
# that in smooth patterns (a second edge, a blob, a slow bend: an edge
# detector is an edge and little else); and no line template explains as
# much. Below, each change of a worked pair is split into those parts
# (they add up to the change): its best edge, the smooth patterns beside
# it, and the rest, each with its share of the change.
# |pair_lead| |pair_words|

from cnnexplain.analysis import edge_verdict

verdicts = edge_verdict(added)  # "edge detector", or the first condition it fails
# The best-matching change that passes, beside the best-matching one that fails.
order = np.argsort(-match_added.score)
pair = [int(k) for k in order if verdicts[k] == "edge detector"][:1]
pair += [int(k) for k in order if verdicts[k] != "edge detector"][:1]
# Each change split as the edge test sees it: the edge, the smooth patterns beside it, the rest.
fig = viz.plot_edge_parts(added[pair], names=[f"change {k}" for k in pair])
for k in pair:
    print(f"change {k}: {verdicts[k]}")

# sphinx_gallery_start_ignore
# The worked pair, in words: the three numbers the edge test compares (its own fit: the
# best edge template's share of the kernel's variation, the smooth part of what that
# template leaves, and the best line template's share).
from cnnexplain.analysis import EDGE_SHARE, EDGE_VERDICTS, SMOOTH_RATIO, edge_fit

fit_share, fit_smooth, fit_line, _ = edge_fit(added)
pair_pass = next((k for k in pair if verdicts[k] == EDGE_VERDICTS[0]), None)
pair_fail = next((k for k in pair if verdicts[k] != EDGE_VERDICTS[0]), None)
pct = "{:.1%}".format
words = []
if pair_pass is not None:
    k = pair_pass
    words.append(
        f"change {k} passes: its best edge template explains {pct(fit_share[k])} of it, "
        f"what that leaves holds {pct(fit_smooth[k])} in smooth patterns, and the best line "
        f"template explains only {pct(fit_line[k])}."
    )
if pair_fail is not None:
    k = pair_fail
    why = {
        EDGE_VERDICTS[
            1
        ]: f"its best edge template explains only {pct(fit_share[k])} of it, "
        "less than a third: no edge fits",
        EDGE_VERDICTS[
            2
        ]: f"its best edge template explains {pct(fit_share[k])} of it, enough, "
        f"but what the template leaves holds {pct(fit_smooth[k])} in smooth patterns, more than "
        "a third of that: a smooth pattern sits beside the edge",
        EDGE_VERDICTS[
            3
        ]: f"its best edge template explains {pct(fit_share[k])} of it, with "
        f"little smooth pattern beside it, but a line template explains {pct(fit_line[k])}, "
        "as much or more: it is more line than edge",
    }[str(verdicts[k])]
    lead = (
        "Change"
        if pair_pass is not None
        else "No change passes in this run; the nearest miss, change"
    )
    words.append(f"{lead} {k} fails: {why}.")
if pair_fail is None:
    words.append("Every change passes in this run.")
pair_words = " ".join(words)
glue(
    "pair_lead",
    "A worked pair from the figure, split below:"
    if len(pair) == 2
    else "A worked case from the figure, split below:",
)
# The prose states the test's thresholds in words: a third, and a third of that.
setting(
    "the edge test asks a third of the variation for the edge, and at most a third of "
    "that in smooth patterns",
    (EDGE_SHARE, SMOOTH_RATIO),
    expected=(1 / 3, 3),
)
glue("pair_words", pair_words[0].upper() + pair_words[1:])
# The words state, for each kernel of the pair, its verdict and the numbers of the
# conditions: each must be what the edge test found.
conditions = []
if pair_pass is not None:
    k = pair_pass
    conditions += [
        fit_share[k] >= EDGE_SHARE,
        fit_share[k] >= SMOOTH_RATIO * fit_smooth[k],
        fit_share[k] > fit_line[k],
        bool(is_edge_detector(added[k])),
    ]
if pair_fail is not None:
    k = pair_fail
    v = str(verdicts[k])
    conditions += [not is_edge_detector(added[k])]
    conditions += {
        EDGE_VERDICTS[1]: [fit_share[k] < EDGE_SHARE],
        EDGE_VERDICTS[2]: [
            fit_share[k] >= EDGE_SHARE,
            fit_share[k] < SMOOTH_RATIO * fit_smooth[k],
        ],
        EDGE_VERDICTS[3]: [
            fit_share[k] >= EDGE_SHARE,
            fit_share[k] >= SMOOTH_RATIO * fit_smooth[k],
            fit_share[k] <= fit_line[k],
        ],
    }[v]
every(
    "the worked pair's numbers and verdicts are the edge test's: the passing change meets its "
    "three conditions, the failing one fails the condition the words name",
    conditions,
    statistic="conditions of the edge test as the words of the worked pair state them",
)
# sphinx_gallery_end_ignore

# %%
# By that test, |n_edge_added| of the eight changes |added_are|, against
# |n_edge_trained| of the trained kernels and |n_edge_initial| of their
# random starts. |hidden_words|
#
# .. evidence:: How sure: the edge test and the scores
#
#    The edge test asks three things: the best edge template explains at
#    least |edge_share| of the kernel's variation (its squared correlation;
#    below that, no edge fits); what that template leaves holds little in
#    smooth patterns (a second edge, a blob, a bend); and no line template
#    explains the kernel as well. It tries more templates than the figure's
#    Prewitt and Sobel ones (smoothed steps, other profiles along the edge),
#    so the edge it finds can lie a little differently from the one drawn.
#    :ref:`The edge-match page
#    <sphx_glr_auto_examples_beyond_plot_01_edge_match.py>` sets it out and
#    tests it on kernels whose answer is known. On average, the changes
#    match their best template with ``r`` = |mean_added|, the trained
#    kernels |mean_trained| and their starts |mean_initial|.
#
# The next page follows two of these kernels, kernel |cast_horizontal| (the
# horizontal kernel) and kernel |cast_vertical| (the vertical one), and ends
# with :ref:`the cast <kernel-cast>`, a table of every kernel's roles.
#
# One run, or many?
# -----------------
# One run says what happened here, not what training does in general. The
# :ref:`seed study <labels-over-seeds>` trains
# |/auto_examples/beyond/plot_01_edge_match:sl_n_seeds| networks twice from
# the same start, with the true labels and with them shuffled (then, on
# average, nothing learned carries over to new images). Among the changes,
# |/auto_examples/beyond/plot_01_edge_match:sl_true_change| are edge
# detectors with the true labels, against
# |/auto_examples/beyond/plot_01_edge_match:sl_shuffled_change| with
# shuffled ones.
#
# .. evidence:: How sure: over the seed study
#
#    Each seed is trained for
#    |/auto_examples/beyond/plot_01_edge_match:sl_epochs| epochs. The
#    :term:`95% intervals <95% interval>` of those shares, resampling whole
#    seeds, run from
#    |/auto_examples/beyond/plot_01_edge_match:sl_true_change_low| to
#    |/auto_examples/beyond/plot_01_edge_match:sl_true_change_high| with the
#    true labels and from
#    |/auto_examples/beyond/plot_01_edge_match:sl_shuffled_change_low| to
#    |/auto_examples/beyond/plot_01_edge_match:sl_shuffled_change_high| with
#    shuffled ones. Seed by seed, the share with the true labels minus the
#    share with shuffled labels is |/auto_examples/beyond/plot_01_edge_match:sl_change_diff|
#    on average (interval, resampling seeds,
#    |/auto_examples/beyond/plot_01_edge_match:sl_change_diff_low| to
#    |/auto_examples/beyond/plot_01_edge_match:sl_change_diff_high|):
#    |/auto_examples/beyond/plot_01_edge_match:sl_change_words|. The
#    edge test passes smooth patterns more often than rough ones, and
#    compared at equal smoothness,
#    |/auto_examples/beyond/plot_01_edge_match:equal_words|
#    (:ref:`the edge-match page <labels-over-seeds>` measures both).
#
#    Among the trained kernels,
#    |/auto_examples/beyond/plot_01_edge_match:sl_true_trained| are edge
#    detectors (|/auto_examples/beyond/plot_01_edge_match:sl_true_trained_low|
#    to |/auto_examples/beyond/plot_01_edge_match:sl_true_trained_high|),
#    against |/auto_examples/beyond/plot_01_edge_match:sl_initial| of their
#    own starts; seed by seed, the first share minus the second is
#    |/auto_examples/beyond/plot_01_edge_match:sl_start_diff| on average
#    (|/auto_examples/beyond/plot_01_edge_match:sl_start_diff_low| to
#    |/auto_examples/beyond/plot_01_edge_match:sl_start_diff_high|):
#    |/auto_examples/beyond/plot_01_edge_match:sl_start_words|. The
#    starts say what training found, not what any change of that size would
#    add: for that, the :ref:`seeds page
#    <sphx_glr_auto_examples_beyond_plot_05_seeds.py>` adds to each start an
#    untrained random sum of image patches as long as training's change, and
#    counts edge detectors per run.
#    |/auto_examples/beyond/plot_05_seeds:stand_in_sentence|
#
# Why training draws edges is the question of the section :ref:`Why edges?
# <why-edges-gallery>`, which starts with :doc:`a kernel's gradient as a sum
# of image patches <../why_edges/plot_01_gradient_is_patches>`.

# sphinx_gallery_thumbnail_number = 1
