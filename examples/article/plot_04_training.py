"""
Training, and the kernels changing epoch by epoch
=================================================

You will watch the network learn: its accuracy climbs from a guess to
nearly every test image right, while an animation shows its eight
first-layer :term:`kernels <kernel>` changing :term:`epoch` by epoch. This is the moment the article's
story is about: nobody tells the network what its kernels should look like,
only which class each training image belongs to.

We train it for 20 epochs with the :term:`Adam` :term:`optimizer` on the
:term:`cross-entropy` :term:`loss`, and after every epoch we store a copy of
*all* its :term:`weights <weight>`. That history is what makes the rest of
the story visible: here it becomes an animation of the eight first-layer
kernels.
"""

# %%
# Train while recording the weights
# ---------------------------------
# What training does, in one paragraph: the network looks at a
# :term:`batch` of 32 training images and gives each class a
# :term:`probability`; the cross-entropy measures how wrong those answers
# are; :term:`back-propagation` computes the :term:`gradient` of that loss
# for every weight; and Adam moves each weight a small step downhill, the
# size of the step set by the :term:`learning rate`. One epoch does this
# once for every batch of the :term:`training set`. It is the
# :doc:`warm-up <plot_02b_warmup>`'s loop, with a class in place of a target
# map.
#
# The code of the project's README, with the :term:`seed` of the model and of
# the training made explicit: make the data (|n_images| images, 600 of each
# class, a fifth of them held out as the :term:`test set`), build
# :class:`~cnnexplain.model.LineCNN` and call
# :func:`~cnnexplain.training.train`, which snapshots every
# :term:`parameter` before training and after each epoch. ``train`` calls the
# held-out images ``val_set``, and reports the accuracy on them as
# ``val_accuracy`` (see :term:`validation set`): on this site they are the
# test set. How long it took on the machine that built this page is written
# at the bottom of the page.

import numpy as np

from cnnexplain import LineCNN, make_lines, train, viz
from cnnexplain.experiment import default_seed

# The seed is 0, unless the environment variable CNNEXPLAIN_SEED says otherwise.
seed = default_seed()
train_set, val_set = make_lines(n_per_class=600, seed=0).split(test_fraction=0.2)
model = LineCNN(seed=seed)
history = train(model, train_set, val_set=val_set, epochs=20, seed=seed)
# Each snapshot holds every weight tensor of the model: each layer's weights
# and its biases.
n_numbers = sum(history[name][0].size for name in history)
print(f"{len(history)} snapshots of {len(list(history))} weight tensors,", end=" ")
print(f"{n_numbers:,} numbers each:")
print(", ".join(history))
print("conv1 weights over time:", tuple(history["conv1.weight"].shape))

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims (check), see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning.
from cnnexplain.claims import check, glue, glue_link
from cnnexplain.experiment import cache_key, resolve_config

n_images = glue("n_images", len(train_set) + len(val_set), "{:,}")
n_held_out = glue("n_held_out", len(val_set))
per_class = np.bincount(train_set.labels) + np.bincount(val_set.labels)
check(
    "600 images of each class, a fifth of them held out",
    per_class.tolist() == [600, 600] and n_held_out == n_images // 5,
    measured=f"{' and '.join(map(str, per_class))} images, {n_held_out} held out",
)
check(
    "a snapshot before training and one after each of the 20 epochs",
    len(history) == 1 + 20,
    measured=f"{len(history)} snapshots",
)
_, n_kernels, _, height, width = history["conv1.weight"].shape
check(
    "the first layer has eight 7x7 kernels",
    (n_kernels, height, width) == (8, 7, 7),
    measured=f"{n_kernels} kernels of {height}x{width}",
)
# sphinx_gallery_end_ignore

# %%
# The later pages reuse this very run: we store it where
# :func:`~cnnexplain.experiment.experiment` will look for it, so that no page
# trains it a second time.

from cnnexplain.experiment import Experiment

run = Experiment.from_history(history)
run.store()

# sphinx_gallery_start_ignore
# The stored run must be the one later pages ask experiment() for: the same
# settings (defaults, and this seed), hence the same cache key.
default_key = cache_key(resolve_config(model={"seed": seed}, training={"seed": seed}))
check(
    "this run has experiment()'s default settings, so the later pages read it from the cache",
    run.key == default_key,
    measured="the same cache key"
    if run.key == default_key
    else "a different cache key",
)
# sphinx_gallery_end_ignore

# %%
# Learning curves
# ---------------
# Epoch 0 is the untrained network: it guesses, so its :term:`accuracy` is
# near 50% (here |acc_before|). The curves labelled "test" are
# measured on the |n_held_out| images of the test set, those labelled
# "training" on the training set.
#
# Early on, the test loss can lie *below* the training loss. That is not a
# mistake: the training loss of an epoch is the mean over its batches, taken
# while the network was still improving and with :term:`dropout` switched on;
# the test loss is measured once, at the end of the epoch, without dropout.

fig = viz.plot_training_curves(history)

val_acc = history.metrics["val_accuracy"]
first = int(np.argmax(val_acc >= 0.99))
print(f"test accuracy: {val_acc[0]:.1%} before training,", end=" ")
print(f"{val_acc[-1]:.1%} after {len(val_acc) - 1} epochs")
print(f"first at or above 99% after epoch {first}")

# sphinx_gallery_start_ignore
glue("acc_before", val_acc[0], "{:.1%}")
glue("acc_after", val_acc[-1], "{:.1%}")
glue("first_99", first)
# 10 points are three standard deviations of the accuracy of coin flips on 240 images.
check(
    "before training, the accuracy is within 10 points of the 50% of a guess",
    abs(val_acc[0] - 0.5) < 0.1,
    measured=f"{val_acc[0]:.1%}",
)
check(
    "after training, the accuracy is 99% or more",
    val_acc[-1] >= 0.99,
    measured=f"{val_acc[-1]:.1%}",
)
# sphinx_gallery_end_ignore

# %%
# After training, the network tells |acc_after| of the held-out images
# apart; it first reached 99% after epoch |first_99|.
#
# The kernels, epoch by epoch
# ---------------------------
# Each frame shows the eight 7x7 kernels of ``conv1`` after one epoch. Unlike
# the article's animation, the colour map is centred on zero and its limits
# stay the same in every frame: red is positive, blue negative, white zero,
# and equal colours mean equal values across frames. The curves on the right
# mark where training stands. Step through it with the player.
#
# **What to look for.** Do not expect the noise to clear: training draws a
# pattern *on top of* each random start, and most of the start survives (the
# next page measures how much). Half of the kernels' whole movement is done
# by epoch |half_moved|, while the accuracy climbs; later frames refine.
# By the edge test of :doc:`a later page <../beyond/plot_01_edge_match>`,
# |edge_sentence| The
# :doc:`next page <plot_05_init_vs_trained>` subtracts the start, where the
# drawing shows plainly, and marks its bands.

anim = viz.animate_kernels(history, layer="conv1")

# sphinx_gallery_start_ignore
import matplotlib.pyplot as plt

from cnnexplain.analysis import edge_match, edge_score_null
from cnnexplain.claims import plural

# How far the kernels are from their start after each epoch; the first epoch at which
# they are half as far as at the end.
kernels = history["conv1.weight"][:, :, 0]
distance = np.linalg.norm(kernels - kernels[0], axis=(1, 2)).sum(axis=1)
half_moved = glue("half_moved", int(np.argmax(distance >= distance[-1] / 2)))
final_match = edge_match(kernels[-1])
is_edge = edge_score_null(7, tested=8).is_edge(final_match.score)


ways = final_match.way()  # how each kernel's best edge template lies
named = [f"kernel {k} (a {ways[k]} edge)" for k in np.flatnonzero(is_edge)]
if named:
    listed = " and ".join(
        [", ".join(named[:-1]), named[-1]] if len(named) > 1 else named
    )
    verb, them = plural(len(named), "ends", "end"), plural(len(named), "it", "them")
    detectors = plural(len(named), "an edge detector", "edge detectors")
    sentence = f"{listed} {verb} as {detectors} in this run: watch {them} grow "
    sentence += "a band of red beside a band of blue."
else:
    sentence = (
        "no kernel ends as an edge detector in this run (in other runs some do): "
    )
    sentence += "what you see drawn are fainter bands and bars."
glue("edge_sentence", sentence)
check(
    "half of the kernels' movement is done in the first third of training",
    3 * half_moved <= len(history) - 1,
    measured=f"epoch {half_moved} of {len(history) - 1}",
)

# One colour scale for all kernels and frames: centred on zero, and as wide as
# the largest weight of any epoch, so that no frame needs another.
limits = {
    (im.norm.vmin, im.norm.vmax)
    for ax in plt.gcf().get_axes()
    for im in ax.get_images()
}
largest = float(np.abs(history["conv1.weight"]).max())
check(
    "the colour scale is centred on zero and spans the weights of every epoch",
    len(limits) == 1 and np.allclose(next(iter(limits)), (-largest, largest)),
    measured=", ".join(f"{vmin:+.2f} to {vmax:+.2f}" for vmin, vmax in sorted(limits)),
)
# sphinx_gallery_end_ignore

# %%
# The same animation as a GIF file, to download or to put in a slide:

gif = viz.save_gif(anim, "kernels.gif")
print(f"wrote {gif.name}: {len(history)} frames, {gif.stat().st_size / 1024:.0f} KB")

# %%
# How far the kernels moved
# -------------------------
# The article describes the weights as values between 0 and 1. Ours are
# not: in this run, after training they range from |w_min| to |w_max|, and
# every kernel has negative weights as well as positive ones, which an
# :term:`edge detector` needs (it *subtracts* one side from the other);
# whether a kernel *is* one, the later pages measure. Below, the range of the
# weights, and how much each kernel changed, relative to its size at
# :term:`initialization` (both sizes measured by the :term:`norm`).

w = history["conv1.weight"][:, :, 0]  # (snapshots, kernel, 7, 7)
change = np.linalg.norm(w[-1] - w[0], axis=(1, 2)) / np.linalg.norm(w[0], axis=(1, 2))
print(f"weights after training range from {w[-1].min():+.2f} to {w[-1].max():+.2f}")
for k, c in enumerate(change):
    print(f"kernel {k}: changed by {100 * c:.0f}% of its initial norm")

# sphinx_gallery_start_ignore
glue("w_min", w[-1].min(), "{:+.2f}")
glue("w_max", w[-1].max(), "{:+.2f}")
glue("least_change", change.min(), "{:.0%}")
glue("most_change", change.max(), "{:.0%}")
signs = [(kernel.min() < 0 < kernel.max()) for kernel in w[-1]]
check(
    "in this run, every trained kernel has negative and positive weights",
    all(signs),
    measured=f"{sum(signs)} of {len(signs)} kernels",
)
check(
    "in this run, training moved every kernel by more than a fifth of its initial norm",
    change.min() > 0.2,
    measured=f"at least {change.min():.0%}",
)

# Links to the explorer page at the kernel that moved most, linked from the text below.
moved_most = glue("moved_most", int(np.argmax(change)))
explorer_snapshots = viz.pick_snapshots(history, 12)
in_slider = [float(history.epochs[s]) for s in explorer_snapshots]
check(
    "the explorer's slider holds the epoch where the accuracy first reached 99%",
    first in in_slider,
    measured=f"epoch {first} in epochs {', '.join(f'{e:g}' for e in in_slider)}",
)
for name, epoch in (
    ("live_start", 0),
    ("live_first", first),
    ("live_end", history.epochs[-1]),
):
    fragment = viz.explorer_fragment(
        epoch=epoch, kernel=moved_most, image="horizontal 1"
    )
    glue_link(name, f"epoch {epoch:g}", "plot_04b_explorer.html" + fragment)
# sphinx_gallery_end_ignore

# %%
# In this run, training moved every kernel well away from where it started:
# the one that changed least moved by |least_change| of its initial norm,
# the one that changed most by |most_change|. See kernel |moved_most|, the one
# that moved most, live in the explorer on the sample *horizontal 1*: at
# |live_start|_, at |live_first|_ (when the accuracy first reached 99%) or at
# |live_end|_. How much of each kernel's
# random starting pattern survives is measured on the
# :ref:`before-and-after page <sphx_glr_auto_examples_article_plot_05_init_vs_trained.py>`.

# sphinx_gallery_thumbnail_number = 2
# sphinx_gallery_parallel = False
