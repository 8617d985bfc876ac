"""
Before and after: random kernels against trained ones
=====================================================

You will see the eight first-layer :term:`kernels <kernel>` before and
after training side by side, and then what training *added* to each of them
-- where the edges show most clearly. It answers the article's question in
the plainest way: did training turn random noise into :term:`edge detectors
<edge detector>`, or draw something on top of the noise?

The two ends of the animation of the previous page, on one shared colour
scale, so that every difference of colour is a difference of value; compared
first by eye, then by numbers: how much structure training added, and how
much of the starting point survived.
"""

# %%
# Side by side
# ------------
# Top row: :term:`epoch` 0, the random :term:`initialization` (PyTorch's default:
# each weight drawn on its own, uniformly between plus and minus one over the
# square root of the kernel's 7 x 7 = 49 inputs). Bottom row: after the last
# epoch.

import numpy as np

from cnnexplain import LineCNN, viz
from cnnexplain.experiment import experiment

history = experiment().history
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
# What changed, in numbers
# ------------------------
# Random kernels are noise: each weight was drawn on its own, so neighbouring
# weights are unrelated. An edge detector is smooth along the edge and
# changes sign across it, so its neighbouring weights are related. The
# :term:`correlation` between each weight and its right-hand and lower neighbours
# measures how alike neighbours are -- smoothness, which edges share with
# bars, blobs and any sum of image patches, so it cannot tell them apart: it is |prewitt_smooth| for the Prewitt kernel
# ``Gx`` :cite:p:`prewitt1970object` of the previous pages. To know what "unrelated" looks like, we
# measure the same on many fresh random initializations, drawn the way
# PyTorch drew ours.


def neighbour_correlation(k):
    """Correlation of the weights with their right and lower neighbours."""
    pairs_a = np.concatenate([k[:, :-1].ravel(), k[:-1, :].ravel()])
    pairs_b = np.concatenate([k[:, 1:].ravel(), k[1:, :].ravel()])
    return np.corrcoef(pairs_a, pairs_b)[0, 1]


# The first-layer kernels of 200 freshly initialized, untrained models.
fresh = np.stack(
    [LineCNN(seed=10_000 + s).conv1.weight.detach()[:, 0].numpy() for s in range(200)]
)

smooth0 = np.array([neighbour_correlation(k) for k in w0])
smooth1 = np.array([neighbour_correlation(k) for k in w1])
smooth_fresh = np.array(
    [[neighbour_correlation(k) for k in model] for model in fresh]
).mean(axis=1)
low, high = np.quantile(smooth_fresh, [0.025, 0.975])
print("neighbour correlation at initialization -> after training")
for k in range(len(w0)):
    print(f"kernel {k}: {smooth0[k]:+.2f} -> {smooth1[k]:+.2f}")
print(f"mean over the kernels: {smooth0.mean():+.2f} -> {smooth1.mean():+.2f}")
print("mean over the kernels of a fresh random model:", end=" ")
print(f"{low:+.2f} to {high:+.2f} in 95% of them")

# sphinx_gallery_start_ignore
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
    f"training made neighbouring weights more alike than random kernels have them: none of the "
    f"{len(smooth_fresh)} fresh random models reaches the trained kernels' mean"
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
    "Training added structure on top of that pattern"
    if structured
    else "Training changed the kernels on top of that pattern (into no structure that the "
    "neighbour correlation above tells from random kernels)",
)
glue("smooth_before", smooth0.mean(), "{:+.2f}")
glue("smooth_after", smooth1.mean(), "{:+.2f}")
glue("fresh_low", low, "{:+.2f}")
fresh_high = glue("fresh_high", high, "{:+.2f}")
# sphinx_gallery_end_ignore

# %%
# In this run the mean neighbour correlation of the eight kernels went from
# |smooth_before| at initialization to |smooth_after| after training, while
# that of a fresh random model falls between |fresh_low| and |fresh_high| in
# 95% of draws: |structure_words|.
#
# How much of the start survives
# ------------------------------
# The correlation between each trained kernel and its own starting point
# says how much of the random pattern is still there at the end. For
# comparison, the same correlation between a trained kernel and a fresh
# random kernel, which it never started from.

keep = np.array([np.corrcoef(a.ravel(), b.ravel())[0, 1] for a, b in zip(w0, w1)])
unrelated = np.array(
    [np.corrcoef(f.ravel(), b.ravel())[0, 1] for f in fresh.reshape(-1, 49) for b in w1]
)
chance = np.quantile(np.abs(unrelated), 0.95)
for k in range(len(w0)):
    print(f"kernel {k}: correlation with its initialization {keep[k]:+.2f}")
print("with a fresh random kernel:", end=" ")
print(f"between {-chance:+.2f} and {chance:+.2f} in 95% of pairs")
print("weight spread (standard deviation):", end=" ")
print(f"{w0.std():.3f} at initialization, {w1.std():.3f} after training")
print(f"largest spread of a fresh random model: {fresh.std(axis=(1, 2, 3)).max():.3f}")

# sphinx_gallery_start_ignore
glue("keep_min", keep.min(), "{:+.2f}")
glue("keep_max", keep.max(), "{:+.2f}")
glue("chance", chance, "{:.2f}")
every(
    "in this run, every kernel correlates with its own start more than 95% of fresh random kernels do",
    keep > chance,
    statistic="kernels whose r with their start is above the 95th percentile of |r| with fresh kernels",
)
# r squared is the share of a trained kernel's variation that follows its start. Whether it
# is above one half for every kernel, in words the run picks (after 8 epochs it was in 99
# of the seed study's 100 seeds).
n_half = int((keep**2 > 0.5).sum())
if n_half == len(keep):
    every(
        "in this run, more than half of each trained kernel's variation follows its start",
        keep**2 > 0.5,
        statistic="kernels whose squared correlation with their start is above one half",
    )
glue(
    "half_words",
    "more than half of its variation follows the random pattern it started from"
    if n_half == len(keep)
    else f"for {n_half} of the eight kernels, more than half of the variation follows the "
    "random pattern it started from",
)
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
# In this run, training did not erase the initialization: each trained kernel
# still correlates |keep_min| to |keep_max| with its own starting point, so
# |half_words|, while its correlation with a fresh random kernel stays within plus
# or minus |chance| in 95% of pairs. |on_top|. The weights'
# :term:`standard deviation` went from |std_before| to |std_after|:
# |spread_words|.

# %%
# What training added
# -------------------
# So each trained kernel is its random start with something drawn on top,
# and the start hides the drawing. Take it away: the kernel after training
# minus the same kernel before training is what training *added*. Below,
# each of these eight changes (top) above the :term:`edge template` it resembles
# most (bottom). The :term:`edge-match score` ``r`` under each template says
# how much: 1 for a perfect edge; this run's initial kernels, which no
# training has touched, score |mean_initial| on average (the mean printed below).

from cnnexplain.analysis import edge_match, is_edge_detector

added = w1 - w0  # what training added to each kernel
match_added = edge_match(added)
fig = viz.plot_best_templates(added, match_added, name="change")

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
# those of a vertical edge columns. Only the changes with both bands, red and blue.
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
from cnnexplain.claims import setting

score_initial, score_trained = edge_match(w0).score, edge_match(w1).score
score_added = match_added.score
glue("mean_initial", score_initial.mean(), "{:.2f}")
glue("mean_trained", score_trained.mean(), "{:.2f}")
glue("mean_added", score_added.mean(), "{:.2f}")
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
names = [str(k) for k in marked]
if len(names) > 1:
    glue("marked_list", f"kernels {', '.join(names[:-1])} and {names[-1]}")
else:
    glue("marked_list", f"kernel {names[0]}" if names else "none")
# (Which changes are outlined is a definition, in the visible code above: no claim to check.)
# The kernels of the story: the cast's (see the training page), of the same run.
from cnnexplain.analysis import cast
from cnnexplain.experiment import cache_key, default_seed, resolve_config

roles = cast(experiment())
seed = default_seed()
same_run = experiment().key == cache_key(
    resolve_config(model={"seed": seed}, training={"seed": seed})
)
phrases = []
for name in ("horizontal", "vertical"):
    k = glue(f"cast_{name}", roles.pick(name))
    glue(f"cast_{name}_why", roles.why(name))
    outlined = "outlined" if k in marked else "not outlined"
    phrases.append(f"the change of the {name} kernel is {outlined}")
glue("cast_marked_phrase", " and ".join(phrases))
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
# In this run, by the site's one definition of an :term:`edge detector`
# (:func:`~cnnexplain.analysis.is_edge_detector`, set out on :ref:`the
# edge-match page <sphx_glr_auto_examples_beyond_plot_01_edge_match.py>`),
# |n_edge_added| of the eight changes |added_are|, against |n_edge_trained|
# of the trained kernels and |n_edge_initial| of their random starts. What
# training added scores |mean_added| on average, the trained kernels
# |mean_trained| and their starts |mean_initial|. Look
# for a band of red beside a band of blue: that is an edge, the positive
# side wanting light and the negative side dark. The black outlines point
# the two bands out on each change that is an edge detector, has its edge
# within 20 degrees of horizontal or vertical, and has both bands
# (|marked_list| in this run): ``+`` marks the rows (or columns, for a
# vertical edge) with the highest mean weight, a minus sign those with the
# lowest, both found from this run's weights. The random start, still in
# every trained kernel, blurs the drawing.
#
# The kernels the story follows are those of :ref:`the cast <kernel-cast>` of
# the training page, by its rule: the horizontal kernel is kernel
# |cast_horizontal| (|cast_horizontal_why|), the vertical kernel is kernel
# |cast_vertical| (|cast_vertical_why|). Here, |cast_marked_phrase|.
#
# Not every clear drawing is an edge. A bright bar between two darker ones
# (or the reverse) is a :term:`line detector`: it answers a line of its own
# width, and it looks the same turned by half a turn, so its best edge
# template fits it badly and its score stays low, whichever way the bar
# lies. Look for such bars among the changes with a low score ``r``.
#
# One run of eight kernels says what happened here, not what training does
# in general. :ref:`The edge-match page <labels-over-seeds>` asks the seed
# study: |/auto_examples/beyond/plot_01_edge_match:sl_n_seeds| seeds, each
# trained for |/auto_examples/beyond/plot_01_edge_match:sl_epochs| epochs
# from the same start twice, once with the true labels and once with the
# labels shuffled, so that nothing they learn carries over to the test
# images. With the true labels,
# |/auto_examples/beyond/plot_01_edge_match:sl_true_trained| of the trained
# kernels are edge detectors (95% interval
# |/auto_examples/beyond/plot_01_edge_match:sl_true_trained_low| to
# |/auto_examples/beyond/plot_01_edge_match:sl_true_trained_high|), against
# |/auto_examples/beyond/plot_01_edge_match:sl_initial| of their starts:
# |/auto_examples/beyond/plot_01_edge_match:sl_start_words|.
# Among the changes,
# |/auto_examples/beyond/plot_01_edge_match:sl_true_change| are edge
# detectors with the true labels
# (|/auto_examples/beyond/plot_01_edge_match:sl_true_change_low| to
# |/auto_examples/beyond/plot_01_edge_match:sl_true_change_high|) and
# |/auto_examples/beyond/plot_01_edge_match:sl_shuffled_change| with
# shuffled labels
# (|/auto_examples/beyond/plot_01_edge_match:sl_shuffled_change_low| to
# |/auto_examples/beyond/plot_01_edge_match:sl_shuffled_change_high|):
# |/auto_examples/beyond/plot_01_edge_match:sl_change_words|.
# The gradient of a ``conv1`` kernel is a weighted sum of patches of the
# training images, most of them blank and the rest pieces of lines; plain
# SGD subtracts that sum, times the learning rate, from the kernel, and Adam
# rescales each weight's step. Beside them, a reference built by hand (not
# matched to training or to Adam's steps; the comparison of like with like
# is the shuffled twins above): random sums of such patches pass the edge
# test |/auto_examples/beyond/plot_01_edge_match:patch_sum_rate| of the time
# without any training: |/auto_examples/beyond/plot_01_edge_match:patch_words|. The
# next page looks at what the kernels do, and the section :ref:`Why edges? <why-edges-gallery>` at how a step is
# made, starting with :doc:`a kernel's gradient as a sum of image patches
# <../why_edges/plot_01_gradient_is_patches>`.

# sphinx_gallery_thumbnail_number = 1
