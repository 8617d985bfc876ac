"""
Training, and the kernels changing epoch by epoch
=================================================

You will watch the network learn, and its eight first-layer
:term:`kernels <kernel>` change :term:`epoch` by epoch. Nobody tells it what
its kernels should look like, only each training image's class. After
every epoch we keep a copy of *all* its :term:`weights <weight>`: that
history drives the rest of the story.
"""

# %%
# Train while recording the weights
# ---------------------------------
# Training in one paragraph: the network gives each class a
# :term:`probability` for a :term:`batch` of 32 training images; the
# :term:`cross-entropy` :term:`loss` measures how wrong that is;
# :term:`back-propagation` computes its :term:`gradient` for every weight;
# and the :term:`Adam` optimizer moves each weight a small step downhill. One
# epoch does this for every batch. It is the :doc:`warm-up
# <plot_02b_warmup>`'s loop, with a class in place of a target map.
#
# The code makes the data (|n_images| images; a fifth held out as the
# :term:`test set`, which ``train`` calls ``val_set``), builds the model and
# trains it for 20 epochs, keeping a snapshot of every :term:`parameter`
# before training and after each epoch. (The hundred runs of the seed study
# are shorter, |/auto_examples/beyond/plot_01_edge_match:sl_epochs| epochs
# each.)

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
# The numbers the text of this page quotes (glue) and its claims, see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning. The margins are stated here,
# before anything is measured or glued.
from cnnexplain.claims import (
    bound,
    declare_margins,
    every,
    glue,
    glue_link,
    setting,
    share,
)
from cnnexplain.experiment import cache_key, resolve_config

margins = declare_margins(
    # 10 points are three standard deviations of the accuracy of coin flips
    # on 240 images: "near 50%".
    guess_points=0.1,
    accuracy=0.99,  # "99% or more"
    first_third=20 / 3,  # "in the first third" of the 20 epochs
    fifth=0.2,  # "more than a fifth of its initial norm"
    # "over in the first half" of the 20 epochs: by epoch 10 at the latest (an epoch, a whole
    # number, cannot land on 10.5).
    first_half=10.5,
    # "above 95%": the whole interval of the accuracy on such images, a margin that a
    # run at the 99% the text asks of its test images clears with 240 of them.
    held_out=0.95,
)

n_images = glue("n_images", len(train_set) + len(val_set), "{:,}")
n_held_out = glue("n_held_out", len(val_set))
per_class = np.bincount(train_set.labels) + np.bincount(val_set.labels)
setting(
    "600 images of each class, a fifth of them held out",
    (per_class.tolist(), n_held_out),
    expected=([600, 600], 1200 // 5),
)
setting(
    "a snapshot before training and one after each of the 20 epochs",
    len(history),
    expected=1 + 20,
)
_, n_kernels, _, height, width = history["conv1.weight"].shape
setting(
    "the first layer has eight 7x7 kernels",
    (n_kernels, height, width),
    expected=(8, 7, 7),
)
# sphinx_gallery_end_ignore

# %%
# The later pages reuse this run: it is stored where
# :func:`~cnnexplain.experiment.experiment` looks for it.

from cnnexplain.experiment import Experiment

run = Experiment.from_history(history)
run.store()

# sphinx_gallery_start_ignore
# The stored run must be the one later pages ask experiment() for: the same
# settings (defaults, and this seed), hence the same cache key.
default_key = cache_key(resolve_config(model={"seed": seed}, training={"seed": seed}))
every(
    "this run has experiment()'s default settings, so the later pages read it from the cache",
    [run.key == default_key],
    statistic="stored runs whose cache key is experiment()'s default for this seed",
)
# sphinx_gallery_end_ignore

# %%
# Learning curves
# ---------------
# Epoch 0 is the untrained network: its :term:`accuracy` is |acc_before|,
# |before_words|. "Test" curves are measured on the |n_held_out| held-out
# images.
#
# .. evidence:: Why the test loss can lie below the training loss
#
#    It is no bug, and two reasons are likely, though this page does not
#    test them: an epoch's training loss is the mean over its batches, taken
#    while the network was still improving and with :term:`dropout` on; the
#    test loss is measured once, at the end of the epoch, without dropout.

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
# The sentence follows the run: a random start can answer the two classes differently by
# chance (over 3,000 random starts, about 1 in 125 lay more than 10 points from 50%).
if abs(val_acc[0] - 0.5) <= margins["guess_points"]:
    glue("before_words", "near the 50% of a guess")
    bound(
        "before training, the accuracy is within 10 points of the 50% of a guess",
        abs(val_acc[0] - 0.5),
        n=len(val_set),
        at_most="guess_points",
        statistic="distance of the test accuracy before training from 50%",
        fmt="{:.1%}",
    )
else:
    glue(
        "before_words",
        "more than 10 points from the 50% of a guess: its random weights happen to answer "
        "the two classes differently, by chance",
    )
    bound(
        "before training, this run's accuracy lies more than 10 points from the 50% of a guess",
        abs(val_acc[0] - 0.5),
        n=len(val_set),
        at_least="guess_points",
        statistic="distance of the test accuracy before training from 50%",
        fmt="{:.1%}",
    )
bound(
    "after training, the accuracy is 99% or more",
    val_acc[-1],
    n=len(val_set),
    at_least="accuracy",
    statistic="test accuracy after the last epoch",
    fmt="{:.1%}",
)
# The accuracy on images of this kind, beyond these 240: its 95% interval, Wilson's, or the
# exact Clopper-Pearson interval when every test image is right (where Wilson's is least sure
# of its coverage).
n_right = int(np.rint(val_acc[-1] * len(val_set)))
method = "clopper-pearson" if n_right == len(val_set) else "wilson"
accuracy_share = share(
    "after training, the network classifies more than 95% of images of this kind correctly: "
    "the whole 95% interval of its test accuracy lies above 95%",
    n_right,
    len(val_set),
    above="held_out",
    method=method,
    statistic="test images classified correctly after the last epoch",
    fmt="{:.1%}",
)
glue("acc_right", n_right)
glue("acc_low", accuracy_share.interval[0], "{:.1%}")
glue("acc_high", accuracy_share.interval[1], "{:.1%}")
glue(
    "acc_method",
    {"wilson": "Wilson's", "clopper-pearson": "the exact Clopper-Pearson"}[method],
)
_ = glue("acc_margin", margins["held_out"], "{:.0%}")
# sphinx_gallery_end_ignore

# %%
# After training, the network tells |acc_after| of the held-out images
# apart (|acc_right| of |n_held_out|); on images of this kind beyond these,
# its accuracy lies between |acc_low| and |acc_high| (|acc_method| 95%
# interval), above |acc_margin|. It first reached 99% after epoch
# |first_99|.
#
# The kernels, epoch by epoch
# ---------------------------
# Each frame shows the eight 7x7 kernels of ``conv1`` after one epoch: red
# is positive, blue negative, white zero, with the same colour scale in
# every frame. Step through it with the player.
#
# **What to look for.** The noise does not clear: training draws a pattern
# *on top of* each random start. Watch kernels |most_changed|, the two that
# end farthest from their start. |settled_words|
#
# .. evidence:: How "farthest" and "over" are measured
#
#    A kernel's distance from its start is the :term:`norm` of its change.
#    By epoch |half_moved|, in the first third of training, the kernels are
#    half as far from their start as they end (summed over the kernels);
#    from epoch |settled| on, every frame lies within a tenth of that
#    distance of the last frame.
#
# The :doc:`next page <plot_05_init_vs_trained>` subtracts the start, so
# that what training drew shows plainly.

anim = viz.animate_kernels(history, layer="conv1")

# sphinx_gallery_start_ignore
import matplotlib.pyplot as plt

# How far the kernels are from their start after each epoch; the first epoch at which
# they are half as far as at the end.
kernels = history["conv1.weight"][:, :, 0]
distance = np.linalg.norm(kernels - kernels[0], axis=(1, 2)).sum(axis=1)
half_moved = glue("half_moved", int(np.argmax(distance >= distance[-1] / 2)))
# When the visible change is over: the first epoch from which every frame is within a tenth of
# the whole distance of the last frame (a definition of "looks alike", not a claim).
from_last = np.linalg.norm(kernels - kernels[-1], axis=(1, 2)).sum(axis=1)
close_to_last = from_last <= distance[-1] / 10
settled = glue(
    "settled",
    int(np.argmax([close_to_last[e:].all() for e in range(len(close_to_last))])),
)
# Whether that is "early" is the run's: the words, here and on the landing page, follow it.
last_epoch = len(close_to_last) - 1
if settled <= margins["first_half"]:
    glue(
        "settled_words",
        f"The visible change is over early: from epoch {settled} on, the frames look alike.",
    )
    glue(
        "settled_landing",
        f"the visible change is over by epoch {settled}, in the first half",
    )
    bound(
        "the visible change is over in the first half of training: from then on every frame "
        "is closer to the last than a tenth of the distance from the first frame to the last",
        settled,
        n=1,
        at_most="first_half",
        statistic="first epoch from which every frame is that close to the last",
        fmt="{:.0f}",
    )
else:
    glue(
        "settled_words",
        "The visible change goes on into the second half of training: only from epoch "
        f"{settled} on do the frames look alike"
        + (" (the last, so never before the end)." if settled == last_epoch else "."),
    )
    glue(
        "settled_landing",
        f"the visible change goes on into the second half of training, until epoch {settled}",
    )
    bound(
        "the visible change goes on into the second half of training: not every frame from "
        "epoch 10 on is closer to the last than a tenth of the distance from the first to the last",
        settled,
        n=1,
        at_least="first_half",
        statistic="first epoch from which every frame is that close to the last",
        fmt="{:.0f}",
    )
# The two kernels that end farthest from their own start: the most visible change.
per_kernel = np.linalg.norm(kernels[-1] - kernels[0], axis=(1, 2))
watched = np.sort(np.argsort(per_kernel)[::-1][:2])
glue("most_changed", " and ".join(str(k) for k in watched))
every(
    "the two kernels the text (and the landing page) says to watch end farther from their start "
    "than each of the other six",
    [
        per_kernel[k] > per_kernel[j]
        for k in watched
        for j in range(len(per_kernel))
        if j not in watched
    ],
    statistic="pairs (named kernel, other kernel) where the named one moved farther",
)
bound(
    "the kernels are half as far from their start as they end within the first third of training",
    half_moved,
    n=1,
    at_most="first_third",
    statistic="first epoch at which the kernels are half as far from their start as at the end",
    fmt="{:.0f}",
)

# One colour scale for all kernels and frames: centred on zero, and as wide as
# the largest weight of any epoch, so that no frame needs another.
limits = {
    (im.norm.vmin, im.norm.vmax)
    for ax in plt.gcf().get_axes()
    for im in ax.get_images()
}
largest = float(np.abs(history["conv1.weight"]).max())
every(
    "the colour scale is centred on zero and spans the weights of every epoch",
    [np.allclose(limit, (-largest, largest)) for limit in limits],
    statistic="colour scales of the animation from minus to plus the largest weight",
)
# sphinx_gallery_end_ignore

# %%
# The same animation as a GIF file, to download or to put in a slide:

gif = viz.save_gif(anim, "kernels.gif")
print(f"wrote {gif.name}: {len(history)} frames, {gif.stat().st_size / 1024:.0f} KB")

# %%
# How far the kernels moved
# -------------------------
# The article describes the weights as values between 0 and 1. Ours range
# from |w_min| to |w_max|, with both signs in every kernel, as at the random
# start. An :term:`edge detector` needs both signs (it *subtracts* one side
# from the other), but both signs do not make one. Below, how far each
# kernel moved (the :term:`norm` of its change), also relative to its size
# at :term:`initialization`.

w = history["conv1.weight"][:, :, 0]  # (snapshots, kernel, 7, 7)
moved = np.linalg.norm(w[-1] - w[0], axis=(1, 2))  # how far each kernel moved
change = moved / np.linalg.norm(w[0], axis=(1, 2))  # the same, against its start's size
print(f"weights after training range from {w[-1].min():+.2f} to {w[-1].max():+.2f}")
for k, (d, c) in enumerate(zip(moved, change)):
    print(f"kernel {k}: moved by {d:.2f}, {100 * c:.0f}% of its initial norm")

# sphinx_gallery_start_ignore
glue("w_min", w[-1].min(), "{:+.2f}")
glue("w_max", w[-1].max(), "{:+.2f}")
glue("most_change", change.max(), "{:.0%}")
# Both signs are no finding of training: the random start has them too, and the
# sentence says so; the claim covers the start and the end.
every(
    "in this run, every kernel has negative and positive weights, at its random start "
    "as after training",
    [kernel.min() < 0 < kernel.max() for kernel in (*w[0], *w[-1])],
    statistic="kernels (8 at the start, 8 after training) with weights of both signs",
)
# The sentence follows the run: at seed 2002585965 one kernel moved by only 10% of its norm.
little = np.flatnonzero(change <= margins["fifth"])
if not little.size:
    glue(
        "moved_words",
        "training moved every kernel well away from where it started: the one that changed "
        f"least moved by {change.min():.0%} of its initial norm",
    )
    every(
        "in this run, training moved every kernel by more than a fifth of its initial norm",
        change > margins["fifth"],
        statistic="kernels whose change is more than a fifth of their initial norm",
    )
else:
    least = int(np.argmin(change))
    glue(
        "moved_words",
        f"training moved {len(change) - little.size} of the eight kernels by more than a "
        "fifth of their initial norm, but not every one: "
        + (
            f"kernel {least} changed by only {change[least]:.0%} of its initial norm"
            if little.size == 1
            else f"kernels {', '.join(map(str, little[:-1]))} and {little[-1]} changed by a "
            f"fifth of it or less, kernel {least} by only {change[least]:.0%}"
        ),
    )
    bound(
        "in this run, some kernel changed by a fifth of its initial norm or less",
        change.min(),
        n=len(change),
        at_most="fifth",
        statistic="smallest change of a kernel / its initial norm",
        fmt="{:.0%}",
    )

# Links to the explorer page at the kernel that moved most, linked from the text below.
moved_most = glue("moved_most", int(np.argmax(change)))
explorer_snapshots = viz.pick_snapshots(history, 12)
in_slider = [float(history.epochs[s]) for s in explorer_snapshots]
bound(
    "the explorer's slider holds the epoch where the accuracy first reached 99%",
    min(abs(e - first) for e in in_slider),
    n=len(in_slider),
    at_most=0,
    statistic="epochs from the first epoch at 99% to the nearest epoch of the slider",
    fmt="{:g}",
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
# In this run, |moved_words|; the one that changed most moved by
# |most_change|. See kernel |moved_most| live in the explorer: at
# |live_start|_, at |live_first|_ (first at 99%) or at |live_end|_.

# %%
# The two kernels the story follows
# ---------------------------------
# The pages ahead follow two kernels of this run, picked by a rule, not by
# eye: for each class, among the kernels shaped like an edge (as trained,
# or in what training added) that clearly prefer that class's lines
# (answer them more than the other class's), the one that prefers them
# most; if there is none, the one that prefers them most of all. Here that is
# kernel |cast_horizontal| for horizontal lines and kernel |cast_vertical|
# for vertical ones, "the horizontal kernel" and "the vertical kernel".
# They are picked for what they answer, not for how far they moved, so
# they need not be the kernels the animation points at. :ref:`The cast
# <kernel-cast>`, on the feature-maps page, gives every kernel's roles.

from cnnexplain.analysis import cast

roles = cast(run)  # each kernel's roles, tabled on the feature-maps page
print("horizontal kernel:", roles.pick("horizontal"))
print("vertical kernel:", roles.pick("vertical"))

# sphinx_gallery_start_ignore
for name in ("horizontal", "vertical"):
    glue(f"cast_{name}", roles.pick(name))
# sphinx_gallery_end_ignore


# sphinx_gallery_thumbnail_number = 2
# sphinx_gallery_parallel = False
