"""
One image, end to end
=====================

You will follow one horizontal line through the whole trained network, from
its pixels to the two class :term:`probabilities <probability>`, through
the :term:`hidden units <hidden unit>`: a whole :term:`forward pass`. The
page, and the article, end with the answer in plain words.
"""

# %%
# The forward pass, layer by layer
# --------------------------------
# :func:`~cnnexplain.model.activations` records the output of every
# :term:`layer`; the figure draws them from input (top) to output (bottom).
# Maps before a ReLU are signed (blue-white-red, centred on zero); after it,
# grey from zero.

import torch

from cnnexplain import activations, evaluate, viz
from cnnexplain.experiment import experiment

run = experiment()
model = run.model
horizontal = run.test_set.of_class("horizontal")
image = horizontal.images[0]
fig = viz.plot_forward_pass(model, image, class_names=run.test_set.classes)

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning. The margins are stated here,
# before anything is measured or glued.
from cnnexplain.claims import bound, declare_margins, every, glue, glue_link, setting

margins = declare_margins(
    sure=0.99,  # "sure": more than 99% probability
    accuracy=0.99,  # "99% or more of the test images"
    nearly_all=0.95,  # "nearly all": 95% or more of the test images
)
# A link to the explorer page with this image at the last epoch, linked from the text below. The
# image is the first held-out horizontal line, the explorer's sample "horizontal 1".

last = float(run.history.epochs[-1])
fragment = viz.explorer_fragment(epoch=last, image="horizontal 1")
explorer_url = glue_link(
    "live_end",
    f"the sample horizontal 1 at epoch {last:g}",
    "plot_04b_explorer.html" + fragment,
)
# sphinx_gallery_end_ignore

# %%
# What to look for: in the ``conv1`` row, each of the eight maps is one
# kernel slid over this horizontal line, and the story's horizontal kernel
# is channel |/auto_examples/article/plot_04_training:cast_horizontal| (the
# vertical one, channel |/auto_examples/article/plot_04_training:cast_vertical|).
# Follow the line down: the ReLU keeps only the positive answers, pooling
# shrinks each map, and by the last row the two class scores are far apart.
# See this image go through the network live, and draw your own, in the
# explorer: |live_end|_.
#
# Shapes along the way
# --------------------
# Each shape is (images, :term:`channels <channel>`, height, width) for a
# map, (images, units) after :term:`flattening <flatten>`.

acts = activations(model, image[None])
for name, out in acts.items():
    print(f"{name:8s} {tuple(out.shape)}")

# sphinx_gallery_start_ignore
setting(
    "the first convolution makes eight maps and the hidden layer has 32 units",
    (acts["conv1"].shape[1], acts["fc1"].shape[1]),
    expected=(8, 32),
)
setting("the image ends as two class scores", tuple(acts["fc2"].shape), expected=(1, 2))
every(
    "the conv1 and conv2 maps are signed; after a ReLU (and its pooling) nothing is negative",
    [bool(acts[name].min() < 0 < acts[name].max()) for name in ("conv1", "conv2")]
    + [
        bool(acts[name].min() >= 0)
        for name in acts
        if name.startswith(("relu", "pool"))
    ],
    statistic="maps as the sentence says: conv1 and conv2 signed, each ReLU and pooling "
    "output non-negative",
)
# sphinx_gallery_end_ignore

# %%
# The prediction
# --------------
# The last layer gives two scores (:term:`logits`); the :term:`softmax`
# turns them into probabilities that add up to one. For this image the
# network is right, and sure: |p_horizontal| for horizontal (vertical gets
# |p_vertical|). "Sure" means only that the softmax is near 1: on the
# :doc:`explorer page <plot_04b_explorer>`, most networks of the seed study
# are as sure on random noise.

probs = torch.softmax(acts["fc2"], dim=1)[0]
for name, p in zip(run.test_set.classes, probs):
    print(f"P({name}) = {p:.4g}")

# sphinx_gallery_start_ignore
p_horizontal = float(probs[run.test_set.classes.index("horizontal")])
glue("p_horizontal", p_horizontal, "{:.2%}")
glue("p_vertical", float(probs[run.test_set.classes.index("vertical")]), "{:.1e}")
bound(
    "the network is right and sure about this image: more than 99% probability for horizontal",
    p_horizontal,
    n=1,
    at_least="sure",
    statistic="P(horizontal) for the image",
    fmt="{:.4%}",
)
# sphinx_gallery_end_ignore

# %%
# Nearly all the held-out images of the :term:`test set` get the same
# treatment:

with torch.no_grad():
    p_all = torch.softmax(model(run.test_set.images), dim=1)
sure = 0.99
confident = (p_all.max(dim=1).values > sure).float().mean().item()
_, correct = evaluate(model, run.test_set)  # (mean loss, accuracy)
print(f"test images classified correctly: {correct:.1%}")
print(f"with more than {sure:.0%} confidence: {confident:.1%}")

# sphinx_gallery_start_ignore
glue("correct", correct, "{:.1%}")
glue("confident", confident, "{:.1%}")
glue("n_test", len(run.test_set))
bound(
    "the network classifies 99% or more of the test images correctly",
    correct,
    n=len(run.test_set),
    at_least="accuracy",
    statistic="test accuracy",
    fmt="{:.1%}",
)
glue("sure", sure, "{:.0%}")
setting("the confidence cut the text names is 99%", sure, expected=0.99)
bound(
    "nearly all test images (95% or more) get more than 99% probability for the predicted class",
    confident,
    n=len(run.test_set),
    at_least="nearly_all",
    statistic="share of the test images with more than 99% for the predicted class",
    fmt="{:.1%}",
)
# sphinx_gallery_end_ignore

# %%
# In this run, the network classifies |correct| of the |n_test| held-out
# images correctly, and it is more than |sure| sure of its answer for
# |confident| of them.

# sphinx_gallery_start_ignore
# The answer below: how long each kernel's change is beside its start, in this run.
from cnnexplain.analysis import change_size

conv1 = run.history["conv1.weight"][:, :, 0]  # (snapshots, kernels, 7, 7)
size = change_size(conv1[0], conv1[-1])  # |change| / |start|, one per kernel
n_short = int((size < 1).sum())
if n_short == len(size):
    glue("short_words", "shorter than the start itself for every kernel")
    every(
        "in this run, every kernel's change is shorter than its start",
        size < 1,
        statistic="kernels whose change is shorter than their start (Euclidean length)",
    )
else:
    glue(
        "short_words",
        f"shorter than the start itself for {n_short} of the eight kernels"
        if n_short
        else "longer than the start for every kernel, in this run",
    )
    bound(
        "in this run, some kernel's change is as long as its start, or longer",
        float(size.max()), n=len(size), at_least=1,
        statistic="largest change / start (Euclidean length)", fmt="{:.2f}",
    )  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# .. _article-answer:
#
# The answer, in plain words
# --------------------------
# Does training turn the network's random kernels into edge detectors?
# **Partly.**
#
# - **Training adds a change to each random start; it does not replace
#   it.** In this run each trained kernel still correlates
#   |/auto_examples/article/plot_05_init_vs_trained:keep_min| to
#   |/auto_examples/article/plot_05_init_vs_trained:keep_max| with its own
#   start, and the change is |short_words|.
# - **Some of the changes are edge-shaped.** In this run,
#   |/auto_examples/article/plot_05_init_vs_trained:n_edge_added| of the
#   eight changes |/auto_examples/article/plot_05_init_vs_trained:added_are|
#   by the site's edge test; over many runs, the chart below.

import matplotlib.pyplot as plt
import numpy as np

from cnnexplain.analysis import (
    PATCH_SUMS,
    edge_families,
    is_edge_detector,
    seed_bootstrap,
    wilson_interval,
)
from cnnexplain.claims import span
from cnnexplain.study import seed_study

# The seed study's runs: each trained twice from the same random start, with the
# true labels and with the labels shuffled (as on the edge-match page).
study = seed_study(range(100))
true_arm, shuffled_arm = study.arm("adam"), study.arm("shuffled")
start = study.initial_weight[:, true_arm, :, 0]  # (seeds, 8, 7, 7)
passes = {
    "changes,\ntrue labels": is_edge_detector(
        study.final_weight[:, true_arm, :, 0] - start
    ),
    "changes,\nshuffled labels": is_edge_detector(
        study.final_weight[:, shuffled_arm, :, 0] - start
    ),
}
# Changes are resampled by whole seeds; the patch sums and the starts are independent
# draws, so Wilson's interval (as on the edge-match page).
shares = {name: seed_bootstrap(flags) for name, flags in passes.items()}
bars = {name: (e.estimate, e.low, e.high) for name, e in shares.items()}
for name, flags in (
    ("random sums of\npatches", is_edge_detector(edge_families(seed=0)[PATCH_SUMS])),
    ("random starts\n(not a change)", is_edge_detector(start)),
):
    bars[name] = (flags.mean(), *wilson_interval(int(flags.sum()), flags.size))

fig, ax = plt.subplots(figsize=(6.4, 2.8), layout="constrained")
value, low, high = (np.array(v) for v in zip(*bars.values()))
colors = ["tab:red", "tab:blue", "0.55", "0.8"]
ax.bar(range(len(bars)), value, color=colors, edgecolor="black", linewidth=0.6)
ax.errorbar(
    range(len(bars)), value, yerr=[value - low, high - value],
    fmt="none", ecolor="black", capsize=4, lw=1,
)  # fmt: skip
for x, (v, hi) in enumerate(zip(value, high)):
    ax.text(x, hi + 0.01, f"{v:.1%}", ha="center", va="bottom")
ax.set_xticks(range(len(bars)), list(bars))
ax.set_ylabel("kernels passing\nthe edge test")
ax.set_title("Over the seed study: share passing, with 95% intervals")
ax.yaxis.set_major_formatter(lambda y, _: f"{y:.0%}")
ax.set_ylim(0, 1.2 * high.max())
ax.spines[["top", "right"]].set_visible(False)
for name, (v, lo, hi) in bars.items():
    interval = span(lo, hi, "{:.1%}")
    print(f"{name.replace(chr(10), ' '):30s} {v:6.1%}  (95% interval {interval})")

# sphinx_gallery_start_ignore
from cnnexplain.claims import difference, setting

glue("n_study", len(study))
glue("study_epochs", int(study.epochs[-1]))
setting(
    "the chart reads the seed study's 100 seeds, each with a shuffled-label twin from the "
    "same start, and 400 random sums of patches",
    (len(study), edge_families(seed=0)[PATCH_SUMS].shape[0]),
    expected=(100, 400),
)
# The sentence below says the true labels' changes pass more often than the shuffled
# twins', seed by seed (the edge-match page's test, whose outcome is stated in fixed words).
per_seed = [flags.mean(axis=1) for flags in passes.values()]
difference(
    "over the seed study, more of the changes pass the edge test with the true labels than "
    "with shuffled labels",
    *per_seed, expect="larger", paired=True, method="bootstrap", fmt="{:+.1%}",
    statistic="mean paired difference of the share of changes passing (true minus shuffled)",
)  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# Over the seed study's |n_study| runs of |study_epochs| epochs, more of the
# changes pass with the true labels than with shuffled ones, but the test
# favours smooth patterns, so part of that gap may be smoothness, and a
# random start is no change, so its bar is no fair comparison.
#
# - **What the labels do.**
#   |/auto_examples/beyond/plot_01_edge_match:equal_plain|
# - **A random first layer is enough to learn the task.** Kept at its
#   random start, the first layer holds almost no edge detector, and the
#   network still learns the task: in all
#   |/auto_examples/beyond/plot_05_seeds:n_runs| runs of the seed study, the
#   worst classifies |/auto_examples/beyond/plot_05_seeds:frozen_low| of the
#   test images (for a new seed, the share of seeds whose frozen run would
#   classify under |/auto_examples/beyond/plot_05_seeds:frozen_floor| of
#   them has an exact 95% interval reaching
#   |/auto_examples/beyond/plot_05_seeds:frozen_below_high| at most).
#
# The evidence for each of these, with its numbers and intervals:
# :doc:`/findings`. For further study, the measurements behind them:
# :ref:`Beyond the article <beyond-gallery>` (which kernels pass, and
# when; what the network uses; other seeds and tasks) and :ref:`Why edges?
# <why-edges-gallery>` (why training might draw edges at all).

# sphinx_gallery_thumbnail_number = 1
