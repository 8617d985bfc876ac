"""
A first look at the second layer
================================

You will see the second layer's weights, its maps for a horizontal and a
vertical line, and whether its kernels are more selective for one class than
the first layer's. The article stops at the first layer; this page shows what the network
builds from the first layer's maps, one step closer to its decision.

The deeper :term:`kernels <kernel>`, the article says, have too many
parameters to show. Ours are few enough to look at whole. ``conv2`` has
eight kernels, each a stack of eight slices of 3x3 -- one slice per first-layer
:term:`channel` it reads -- so 8 x 8 x 3 x 3 :term:`weights <weight>` plus
eight :term:`biases <bias>`: |n_params| parameters.
"""

# %%
# The weights
# -----------
# Row ``kernel i`` is kernel ``i`` of ``conv2``, the one that makes the
# layer's output channel ``i``; column ``in j`` is the 3x3 slice that kernel
# applies to the map of first-layer kernel ``j``. So the output of a
# second-layer kernel is a sum over the eight first-layer maps, each filtered
# by its own small slice (plus a bias). Read a row as a recipe for one
# second-layer channel: a mostly red slice adds the first-layer map of its
# column, a mostly blue one subtracts it, a pale one ignores it. The columns
# of the two first-layer kernels picked on the :doc:`feature-maps page
# <../article/plot_06_feature_maps>`, the vertical and the horizontal kernel of
# :ref:`the cast <kernel-cast>`, are framed: orange for the vertical pick,
# kernel |k_vertical|, green for the horizontal pick, kernel |k_horizontal|.

import numpy as np
import torch

from cnnexplain import summary, viz
from cnnexplain.analysis import (
    CLEAR_PREFERENCE,
    cast,
    selective_kernels,
    selectivity,
    selectivity_index,
)
from cnnexplain.claims import span
from cnnexplain.experiment import experiment
from cnnexplain.model import activations

run = experiment()
model = run.model
conv2 = summary(model).row("conv2")
print(conv2.arithmetic, "=", conv2.params)

# The first layer's picks, as on the feature-maps page: the cast's.
roles = cast(run)
k_horizontal, k_vertical = roles.pick("horizontal"), roles.pick("vertical")
fig = viz.plot_kernels(
    run.history, layer="conv2", step=-1, title="conv2 weights after training"
)
n_in = model.conv2.weight.shape[1]
# The panels, row by row (the colour bar comes after them):
grid = fig.axes[: model.conv2.weight.shape[0] * n_in]
for i, ax in enumerate(grid):
    colour = {k_vertical: "#dd8452", k_horizontal: "#55a868"}.get(i % n_in)
    if colour is not None:
        for spine in ax.spines.values():
            spine.set_color(colour)
            spine.set_linewidth(2)

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning. The margins are stated here,
# before anything is measured or glued.
from cnnexplain.claims import (
    bound,
    declare_margins,
    glue,
    setting,
)

margins = declare_margins(
    # "Draws on all eight maps": none is left out, the least used one gets at
    # least half the weight of the most used one.
    half=0.5,
)

glue("n_params", conv2.params)
glue("k_vertical", k_vertical)
glue("k_horizontal", k_horizontal)
shape = tuple(model.conv2.weight.shape)
setting(
    "conv2 has eight kernels, each eight slices of 3x3, and eight biases",
    (shape, tuple(model.conv2.bias.shape)),
    expected=((8, 8, 3, 3), (8,)),
)
setting(
    "the figure's panels are the kernels row by row, one column per first-layer map",
    [ax.get_title() for ax in grid[:n_in]],
    expected=["in 0", "in 1", "in 2", "in 3", "in 4", "in 5", "in 6", "in 7"],
)
# sphinx_gallery_end_ignore

# %%
# Which first-layer maps does the second layer listen to?
# --------------------------------------------------------
# Sixty-four tiles are hard to read, so sum them up: the size
# (:term:`norm`) of a 3x3
# slice says how strongly a second-layer kernel draws on a first-layer map,
# and summing over the second-layer kernels gives one number per first-layer
# map, its *use*. The columns of the grid above, from most to least used:

w2 = run.history["conv2.weight"][-1]  # (out, in, 3, 3)
use = np.linalg.norm(w2, axis=(2, 3)).sum(axis=0)
# The same at initialization: how unequal the use is before any training.
use_start = np.linalg.norm(run.history["conv2.weight"][0], axis=(2, 3)).sum(axis=0)
sel1 = selectivity(model, run.test_set, layer="relu1")
rank = np.argsort(-use)
for j in rank:
    print(f"first-layer kernel {j}: use {use[j]:.2f}, selectivity {sel1.index[j]:+.2f}")
print(f"most used / least used: {use.max() / use.min():.1f} after training,")
print(f"{use_start.max() / use_start.min():.1f} at initialization")
# Spearman's rank correlation: the correlation of the ranks (no ties among 8 real numbers).
use_rank_r = np.corrcoef(use.argsort().argsort(), use_start.argsort().argsort())[0, 1]
print(
    f"rank correlation of the use after training with the use at initialization: {use_rank_r:+.2f}"
)

# sphinx_gallery_start_ignore
place = {int(j): r + 1 for r, j in enumerate(rank)}  # 1 for the most used map


def ordinal(n):
    """1st, 2nd, 3rd, 4th, ... (up to 20th)."""
    return {1: "1st", 2: "2nd", 3: "3rd"}.get(n, f"{n}th")


k_most = int(np.argmax(np.abs(sel1.index)))
glue("k_most", k_most)
glue("index_most", sel1.index[k_most], "{:+.2f}")
glue("place_most", ordinal(place[k_most]))
glue("place_vertical", ordinal(place[k_vertical]))
glue("place_horizontal", ordinal(place[k_horizontal]))
glue("use_ratio", use.max() / use.min(), "{:.1f}")
glue("use_ratio_start", use_start.max() / use_start.min(), "{:.1f}")
glue("use_rank_r", use_rank_r, "{:+.2f}")
# (Where the most selective kernel ranks is reported, not claimed.)
# The sentence follows the run (over 35 runs of 20 epochs, the ratio ran from 0.63 to 0.88).
if use.min() / use.max() >= margins["half"]:
    glue("use_words", "The second layer draws on all eight maps, some more than others")
    bound(
        "the second layer draws on all eight maps: the least used one gets at least half "
        "the weight of the most used",
        use.min() / use.max(),
        n=len(use),
        at_least="half",
        statistic="use of the least used first-layer map / use of the most used",
        fmt="{:.2f}",
    )
else:
    glue(
        "use_words",
        "The second layer draws on the eight maps very unequally: the least used one, the map "
        f"of kernel {int(np.argmin(use))}, gets less than half the weight of the most used one",
    )
    bound(
        "in this run, the least used first-layer map gets less than half the weight of the "
        "most used",
        use.min() / use.max(),
        n=len(use),
        at_most="half",
        statistic="use of the least used first-layer map / use of the most used",
        fmt="{:.2f}",
    )
# sphinx_gallery_end_ignore

# %%
# |use_words|: in this run the most used map gets |use_ratio| times the
# weight of the least used one. Before training, the random weights
# already gave a ratio of |use_ratio_start|: some inequality is there before
# any training (whether training adds to it, one run cannot say; and
# "use" measures the slices' weights, not how large each map's values are).
# Over these eight maps, the ranking by use after training has a rank
# correlation of |use_rank_r| with the ranking at initialization (eight
# kernels are few: by chance alone, a correlation of
# |/auto_examples/why_edges/plot_03_role_at_init:rho_chance| or more happens
# |/auto_examples/why_edges/plot_03_role_at_init:chance_share| of the time,
# as :doc:`a later page <../why_edges/plot_03_role_at_init>` counts). The most selective kernel of the first layer, kernel |k_most| (index
# |index_most| on the test images), ranks |place_most| of the eight by use;
# the vertical pick ranks |place_vertical| and the horizontal pick
# |place_horizontal|.
#
# Second-layer maps
# -----------------
# The output of two ``conv2`` kernels (two channels of the second layer) on
# a horizontal and a vertical line of the :term:`test set`, before and after
# the :term:`ReLU` and after :term:`pooling <max-pooling>`, for the untrained and
# the trained network. The two kernels are picked on the training images:
# the second-layer kernel that most prefers each class (the cast is of
# first-layer kernels only).

c_horizontal, c_vertical = selective_kernels(model, run.train_set, layer="relu2")
images = torch.stack(
    [
        run.test_set.of_class("horizontal").images[0],
        run.test_set.of_class("vertical").images[0],
    ]
)
fig = viz.plot_feature_maps(
    {"before training": run.history.model_at(0), "after training": model},
    images,
    kernels=[c_vertical, c_horizontal],
    stages=("conv2", "relu2", "pool2"),
)
# sphinx_gallery_start_ignore
glue("c_vertical", c_vertical)
glue("c_horizontal", c_horizontal)
# sphinx_gallery_end_ignore
print(f"second layer: vertical pick kernel {c_vertical},", end=" ")
print(f"horizontal pick kernel {c_horizontal}")

# %%
# The rows are labelled by kernel number: here kernel |c_vertical| and
# kernel |c_horizontal| of ``conv2``.
#
# Is the second layer more selective?
# -----------------------------------
# The :term:`selectivity index` (from -1, only vertical lines, to +1, only
# horizontal ones) of each channel of both layers, after training, on the
# test set.

# A strong preference: an index beyond +/-0.4, where one class gets at least
# (1 + 0.4) / (1 - 0.4), about 2.3 times, the other's mean activation.
strong = 0.4
sel2 = selectivity(model, run.test_set, layer="relu2")
for name, s in (("relu1", sel1), ("relu2", sel2)):
    committed = (np.abs(s.index) > strong).sum()
    print(f"{name}: indices {np.round(s.index, 2)}")
    print(f"  mean |index| {np.abs(s.index).mean():.2f},", end=" ")
    print(f"strong preferences (|index| > {strong}): {committed} of {len(s.index)}")

fig = viz.plot_selectivity(sel2)

# sphinx_gallery_start_ignore
mean1, mean2 = np.abs(sel1.index).mean(), np.abs(sel2.index).mean()
n1, n2 = (
    int((np.abs(sel1.index) > strong).sum()),
    int((np.abs(sel2.index) > strong).sum()),
)
glue("mean1", mean1, "{:.2f}")
glue("mean2", mean2, "{:.2f}")
glue("strong", strong, "{:.1f}")
glue("strong_ratio", (1 + strong) / (1 - strong), "{:.1f}")
glue("clear_cut", CLEAR_PREFERENCE)
n_clear = [int((np.abs(s.index) > CLEAR_PREFERENCE).sum()) for s in (sel1, sel2)]
glue("n_clear1", n_clear[0])
glue("n_clear2", n_clear[1])

glue("n_strong1", n1)
glue("n_strong2", n2)
# sphinx_gallery_end_ignore


# How sure is "more committed" in this run? The eight kernels of each layer are all
# of this network's kernels, not a sample of anything, so they give no interval.
# What is uncertain is the measurement: each index is a ratio of class means over
# the test images. Resampling the test images (within each class) gives the
# interval of this network's difference of mean |index|.
def mean_abs_index(per_image, labels):
    """Mean |selectivity index| of a layer, from each image's mean activation per channel."""
    first, second = per_image[labels == 0].mean(0), per_image[labels == 1].mean(0)
    return np.abs(selectivity_index(first, second)).mean()


per_image = {
    name: maps.mean(dim=(2, 3)).numpy()
    for name, maps in activations(
        model, run.test_set.images, layers=["relu1", "relu2"]
    ).items()
}
labels = run.test_set.labels.numpy()
observed = mean_abs_index(per_image["relu2"], labels) - mean_abs_index(
    per_image["relu1"], labels
)
rng = np.random.default_rng(0)
resampled = []
for _ in range(2000):
    picks = np.concatenate(
        [rng.choice(np.flatnonzero(labels == c), (labels == c).sum()) for c in (0, 1)]
    )
    resampled.append(
        mean_abs_index(per_image["relu2"][picks], labels[picks])
        - mean_abs_index(per_image["relu1"][picks], labels[picks])
    )
diff_low, diff_high = np.percentile(resampled, [2.5, 97.5])
print(f"relu2 - relu1, mean |index|: {observed:+.2f}", end=" ")
print(f"(95% interval over resampled test images {span(diff_low, diff_high)})")

# sphinx_gallery_start_ignore
# The resampled statistic, on the whole test set, is the page's difference of mean |index|.
assert np.isclose(observed, mean2 - mean1)
glue("diff_mean", observed, "{:+.2f}")
glue("diff_low", diff_low, "{:+.2f}")
glue("diff_high", diff_high, "{:+.2f}")
glue("n_test", len(labels))
INTERVAL = (
    "ends of the 95% interval of mean |index| relu2 - relu1, test images resampled"
)
if diff_low > 0:
    compared = "the second layer's kernels are more committed to one class than the first layer's"
    bound(f"in this run, {compared}", float(diff_low), n=len(labels), at_least=0,
          statistic="lower " + INTERVAL, fmt="{:+.2f}")  # fmt: skip
elif diff_high < 0:
    compared = "the second layer's kernels are less committed to one class than the first layer's"
    bound(f"in this run, {compared}", float(diff_high), n=len(labels), at_most=0,
          statistic="upper " + INTERVAL, fmt="{:+.2f}")  # fmt: skip
else:
    compared = (
        "we cannot tell whether the second layer's kernels are more or less committed to one "
        "class than the first layer's"
    )
    bound(f"in this run, {compared} (the interval's lower end)", float(diff_low), n=len(labels),
          at_most=0, statistic="lower " + INTERVAL, fmt="{:+.2f}")  # fmt: skip
    bound(f"in this run, {compared} (the interval's upper end)", float(diff_high), n=len(labels),
          at_least=0, statistic="upper " + INTERVAL, fmt="{:+.2f}")  # fmt: skip
_ = glue("compared", compared)
# sphinx_gallery_end_ignore

# %%
# In this run, |compared|: their mean absolute index is |mean2|, against
# |mean1|, a difference of |diff_mean|. The eight kernels of a layer are all
# of this network's kernels, so the uncertainty is in the measurement: with
# the |n_test| test images resampled, the difference has the 95% interval
# |diff_low| to |diff_high|. Counted with a cut, |n_strong2| second-layer kernels have a
# *strong* preference, against |n_strong1| in the first layer: an index
# beyond +/-|strong|, where one class gets at least |strong_ratio| times the
# other's mean activation. That is a stricter cut than the site's
# |clear_cut| for a :term:`clear preference`, which
# |n_clear1| kernels of the first layer and |n_clear2| of the second pass. One
# run says nothing about :term:`CNNs <CNN>` in general: what holds across runs is
# measured by :ref:`the seed study <sphx_glr_auto_examples_beyond_plot_05_seeds.py>`.
#
# Looking deeper -- what input excites a second-layer kernel the most, and
# where the network looks when it decides -- is the subject of the section
# :ref:`beyond the article <beyond-gallery>`.

# sphinx_gallery_thumbnail_number = 2
