"""
Your own model and data
=======================

Nothing on this site is tied to :class:`~cnnexplain.model.LineCNN` or to
lines. Here a network of your own, a :class:`torch.nn.Sequential`, learns
real handwriting: scikit-learn's 8x8 digits, which ship with the
package (no download). It is trained with the same
:func:`~cnnexplain.training.train`, looked at with the same analyses and
figures -- which take the names of its layers -- and ends in an explorer that
runs it live in this page.

You will see how to pass your own images and labels, how to name the layers
of your model to each analysis, and whether the first layer of a network
that reads digits looks like edge detectors.

.. note::

   This page needs scikit-learn, whose digits it trains on, beyond the library's
   base install. To run its notebook or script yourself, install the
   examples' extra first: ``pip install "cnnexplain[examples]"`` (from a
   clone of the repository: ``pip install ".[examples]"``).
"""

# %%
# The data: 8x8 handwritten digits
# --------------------------------
# scikit-learn's `load_digits
# <https://scikit-learn.org/stable/modules/generated/sklearn.datasets.load_digits.html>`__
# returns |n_images| images of 8x8 pixels, with values from 0 to 16, and
# their labels. Scaled to [0, 1] and shaped ``(N, 1, 8, 8)`` (one channel),
# they are what :func:`~cnnexplain.training.train` takes: a pair of tensors
# ``(images, labels)``, images float, labels int64. A fifth of them, drawn at
# random, are held out (|n_held_out| images).

import matplotlib.pyplot as plt
import numpy as np
import torch
from sklearn.datasets import load_digits

digits = load_digits()
images = (
    torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16
)  # (N, 1, 8, 8) in [0, 1]
labels = torch.tensor(digits.target, dtype=torch.int64)
order = torch.randperm(len(images), generator=torch.Generator().manual_seed(0))
n_val = len(images) // 5
train_set = (images[order[n_val:]], labels[order[n_val:]])
val_set = (images[order[:n_val]], labels[order[:n_val]])
class_names = [str(d) for d in range(10)]

fig, axes = plt.subplots(1, 10, figsize=(8.0, 1.2), layout="constrained")
for digit, ax in enumerate(axes):
    ax.imshow(val_set[0][val_set[1] == digit][0, 0], cmap="gray", vmin=0, vmax=1)
    ax.set_title(class_names[digit])
    ax.set_xticks([])
    ax.set_yticks([])

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims (check), see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning.

from cnnexplain.claims import glue, setting

glue("n_images", len(images), "{:,}")
glue("n_held_out", len(val_set[0]))
# The data ship with scikit-learn and the split has a fixed seed: these are the same for
# every training seed.
setting(
    "images of 8x8 pixels, one channel",
    tuple(images.shape[1:]),
    expected=(1, 8, 8),
)
setting(
    "pixel values from 0 to 16, scaled to [0, 1]",
    (
        float(digits.images.min()),
        float(digits.images.max()),
        float(images.min()),
        float(images.max()),
    ),
    expected=(0.0, 16.0, 0.0, 1.0),
)
setting(
    "ten classes, the digits 0 to 9",
    sorted(set(labels.tolist())),
    expected=[0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
)
setting(
    "a fifth of the 1,797 images held out",
    (len(images), len(val_set[0])),
    expected=(1797, 359),
)
# sphinx_gallery_end_ignore

# %%
# Your model: a ``nn.Sequential``
# -------------------------------
# Two convolutions of eight and sixteen 3x3 kernels, each followed by a ReLU
# and a 2x2 max-pooling, then two dense layers. In a
# :class:`~torch.nn.Sequential` the layers are named by their position:
# ``"0"`` is the first convolution, ``"1"`` its ReLU, ``"2"`` its pooling,
# ``"3"`` the second convolution, and so on. Those names are what the
# analyses below take. :func:`~cnnexplain.model.summary` lists them, with the
# shape of each output for one 8x8 image: |n_params| parameters in all.

from torch import nn

from cnnexplain import summary, train
from cnnexplain.experiment import default_seed

seed = (
    default_seed()
)  # 0, unless the environment variable CNNEXPLAIN_SEED says otherwise
torch.manual_seed(seed)  # the initial weights
model = nn.Sequential(
    nn.Conv2d(1, 8, kernel_size=3, padding=1),  # "0": (8, 8, 8)
    nn.ReLU(),  # "1"
    nn.MaxPool2d(2),  # "2": (8, 4, 4)
    nn.Conv2d(8, 16, kernel_size=3, padding=1),  # "3": (16, 4, 4)
    nn.ReLU(),  # "4"
    nn.MaxPool2d(2),  # "5": (16, 2, 2)
    nn.Flatten(),  # "6": 64 features
    nn.Dropout(0.25),  # "7"
    nn.Linear(64, 32),  # "8"
    nn.ReLU(),  # "9"
    nn.Linear(32, 10),  # "10": one score per digit
)
print(summary(model, input_size=(1, 1, 8, 8)))

# sphinx_gallery_start_ignore
n_params = glue("n_params", sum(p.numel() for p in model.parameters()), "{:,}")
setting(
    "the layers of a nn.Sequential are named by position: the first convolution is '0', its ReLU '1'",
    [(name, type(layer).__name__) for name, layer in list(model.named_children())[:2]],
    expected=[("0", "Conv2d"), ("1", "ReLU")],
)
# sphinx_gallery_end_ignore

# %%
# Training it with :func:`~cnnexplain.training.train`
# ---------------------------------------------------
# The same call as for the article's network, with the pairs of tensors in
# place of the line data sets, for 15 epochs. It records every weight after
# every epoch in a :class:`~cnnexplain.history.WeightHistory`, whose
# parameters are named as in ``model.state_dict()``: ``"0.weight"`` for the
# first convolution's kernels.

from cnnexplain import viz

history = train(model, train_set, val_set=val_set, epochs=15, seed=seed)
print(f"{len(history)} snapshots of:", *history)
fig = viz.plot_training_curves(history)

val_acc = history.metrics["val_accuracy"]
print(f"validation accuracy: {val_acc[0]:.1%} before training,")
print(f"{val_acc[-1]:.1%} after {len(val_acc) - 1} epochs")

# sphinx_gallery_start_ignore
from cnnexplain.claims import difference, share

glue("acc_before", val_acc[0], "{:.1%}")
glue("acc_after", val_acc[-1], "{:.1%}")
setting(
    "15 epochs: a snapshot before training and one after each epoch, of eight 3x3 kernels",
    (len(history), *history["0.weight"].shape),
    expected=(16, 16, 8, 1, 3, 3),
)
# An untrained network mostly answers one class or a few: near a tenth of the balanced
# held-out digits, but, depending on the classes it favours, anywhere from 3% to 17% in the
# runs we tried. So the comparison with a guess (10%) is read from the interval of the
# accuracy on these 359 images, in words chosen by the run: better, worse, or cannot tell
# (which is not "the same as a guess"). Each image is right (1) or wrong (0); the
# bootstrap interval of the mean depends only on how many are right.
GUESS = 0.1
n_held = len(val_set[0])
right_before = round(float(val_acc[0]) * n_held)
correct_before = (np.arange(n_held) < right_before).astype(float)
versus_guess = difference(
    "before training, the accuracy is above, below, or not distinguishable from the 10% of a guess, as the text says",
    correct_before,
    np.full(n_held, GUESS),
    expect=("larger", "smaller", "cannot tell"),
    method="bootstrap",
    statistic="accuracy before training minus 10% (held-out images)",
    fmt="{:+.1%}",
)
glue(
    "before_words",
    versus_guess.choose(
        larger="better than a guess",
        smaller="worse than a guess",
        cannot_tell="neither clearly better nor clearly worse than a guess",
    ),
)
glue("before_low", GUESS + versus_guess.interval[0], "{:.1%}")
glue("before_high", GUESS + versus_guess.interval[1], "{:.1%}")
glue("guess", GUESS, "{:.0%}")
# "Far more than a guess": more than half the digits, five times the 10% of a guess, read
# from the interval of the share. The prose quotes the run's accuracy; a fixed 90% failed at
# seed 241420733 (90.0%, just under).
FAR_MORE = 0.5
glue("far_more", FAR_MORE, "{:.0%}")
share(
    "after training, the network reads far more digits than a guess: more than half of them",
    round(float(val_acc[-1]) * n_held), n_held, above=FAR_MORE,
    statistic="held-out digits read right after training",
)  # fmt: skip
# sphinx_gallery_end_ignore

# %%
# Before training the network does |before_words|: it reads |acc_before| of
# the held-out digits right (95% interval |before_low| to |before_high|),
# where guessing gets |guess|. After 15 epochs it reads |acc_after| of them
# correctly, far more than a guess (this page asks that the whole interval
# of that share lie above |far_more|).
#
# The kernels, and how they moved
# -------------------------------
# :func:`~cnnexplain.viz.plot_kernels` and
# :func:`~cnnexplain.viz.animate_kernels` take the history and the layer's
# name, ``"0"``.

fig = viz.plot_kernels(history, layer="0", step=-1)

# %%
# Through training (the colour scale is the same in every frame). Each frame
# adds a picture to the page: ``steps`` keeps five snapshots, chosen by
# :func:`~cnnexplain.viz.pick_snapshots` where the kernels move most.

steps = viz.pick_snapshots(history, 5)
anim = viz.animate_kernels(history, layer="0", steps=steps)

# sphinx_gallery_start_ignore
setting(
    "the animation keeps five snapshots, the first and the last among them",
    (len(steps), int(steps[0]), int(steps[-1])),
    expected=(5, 0, 15),
)
# sphinx_gallery_end_ignore

# %%
# Did the digit network learn edge detectors?
# -------------------------------------------
# Measured, not judged by eye: the site's one definition of an :term:`edge
# detector`, :func:`~cnnexplain.analysis.is_edge_detector` (see :ref:`the
# edge-match page <sphx_glr_auto_examples_beyond_plot_01_edge_match.py>`),
# judges each kernel of layer ``"0"`` by its shape, at any odd size. With
# only nine weights, though, chance passes far more kernels than at 7x7:
# |chance_3| of 3x3 kernels drawn at random as PyTorch draws them, against
# |chance_7| of 7x7 ones. So the trained kernels are set beside a null of
# their own kind: the same kernels at initialization. The
# :func:`~cnnexplain.analysis.edge_match` score, how much each kernel
# resembles its best Prewitt or Sobel template
# :cite:p:`prewitt1970object,sobel1968isotropic`, is shown too.

from cnnexplain.analysis import edge_match, is_edge_detector

match = edge_match(model, "0")
start_kernels = history["0.weight"][0, :, 0]  # the kernels at initialization
start = edge_match(start_kernels).score
is_edge = is_edge_detector(model[0].weight[:, 0])
was_edge = is_edge_detector(start_kernels)
print(match)
print(f"edge detectors: {np.flatnonzero(is_edge).tolist()} after training,", end=" ")
print(f"{np.flatnonzero(was_edge).tolist()} at initialization")
print(f"mean score: {start.mean():.2f} at initialization,")
print(f"{match.score.mean():.2f} after training")
rng = np.random.default_rng(0)  # random kernels, uniform in +/- 1 / sqrt(k * k)
chance = {
    k: is_edge_detector(rng.uniform(-1, 1, (10_000, k, k)) / k).mean() for k in (3, 7)
}
print(f"random kernels that pass: {chance[3]:.1%} at 3x3, {chance[7]:.2%} at 7x7")

# sphinx_gallery_start_ignore
from cnnexplain.claims import bound, every

n_edge, n_was = int(is_edge.sum()), int(was_edge.sum())
glue("chance_3", chance[3], "{:.0%}")
glue("chance_7", chance[7], "{:.2%}")
bound(
    "random 3x3 kernels pass the definition more than 5% of the time",
    chance[3], n=10_000, at_least=0.05, statistic="share of random 3x3 kernels that pass",
    fmt="{:.1%}",
)  # fmt: skip
glue("n_edge", n_edge)
glue("n_was", n_was)
glue("best_score", match.score.max(), "{:.2f}")
glue("mean_start", start.mean(), "{:.2f}")
glue("mean_end", match.score.mean(), "{:.2f}")
glue(
    "edge_verdict",
    "none of them is an edge detector"
    if n_edge == 0
    else f"{n_edge} of them {'is an edge detector' if n_edge == 1 else 'are edge detectors'}",
)
score_words = glue(
    "score_words",
    "rose" if match.score.mean() > start.mean() else "did not rise",
)
# sphinx_gallery_end_ignore

# %%
# In this run, |edge_verdict| after training, against |n_was| of the same
# kernels at initialization; at this size, chance alone passes many a
# kernel, and eight kernels of one run cannot tell learning from chance.
# The best-matching kernel scores |best_score|, and the mean edge-match
# score |score_words| in training (|mean_start| at initialization,
# |mean_end| after). Neither a rise in score nor an edge detector is, by
# itself, evidence of learning: on line images, over the seed study,
# :ref:`the edge-match page <labels-over-seeds>` found training with
# shuffled labels to leave changes that pass the edge test too
# (|/auto_examples/beyond/plot_01_edge_match:sl_shuffled_change| of them,
# against |/auto_examples/beyond/plot_01_edge_match:sl_true_change| with the
# true labels). On average, what shuffled labels teach carries nothing over
# to the test images (the twins score
# |/auto_examples/beyond/plot_05_seeds:shuffled_mean| on average, where a
# guess gets 50%); a single twin's answers, though, still go with the true
# class one way or the other (from
# |/auto_examples/beyond/plot_05_seeds:shuffled_low| to
# |/auto_examples/beyond/plot_05_seeds:shuffled_high|, on the
# :ref:`seeds page <sphx_glr_auto_examples_beyond_plot_05_seeds.py>`).

# %%
# Dead kernels, and what each channel prefers
# -------------------------------------------
# The analyses whose default layer is one of ``LineCNN``'s (``"relu1"``) need
# the name of the layer in your model: here ``"1"`` (the first ReLU) and
# ``"4"`` (the second). :func:`~cnnexplain.analysis.dead_kernels` finds the
# channels that stay silent on every training image;
# :func:`~cnnexplain.analysis.selectivity` measures each channel's mean
# activation on the images of each class.

from cnnexplain.analysis import dead_kernels, selectivity

for layer in ("1", "4"):
    dead = dead_kernels(model, train_set, layer=layer)
    print(f"layer {layer}: dead channels {dead.indices} of {len(dead.peak)}")

first = selectivity(model, train_set, layer="1")
second = selectivity(model, train_set, layer="4")
# Each first-layer kernel's mean activation on each digit, two decimals:
print("kernel " + " ".join(f"{digit:>5}" for digit in first.classes))
for k, means in enumerate(first.means):
    print(f"{k:>6} " + " ".join(f"{m:5.2f}" for m in means))


def spread(result):
    """Each responding channel's largest mean activation over a class divided
    by its smallest. A channel responds if its largest mean is at least a tenth
    of the layer's largest: a ratio of two means near zero would say nothing."""
    strongest = result.means.max(axis=1)
    means = result.means[strongest >= 0.1 * strongest.max()]
    return means.max(axis=1) / means.min(axis=1)


print("largest ratio of a responding channel's response to its favourite digit")
print("and to its least favourite:")
print(f"layer 1 {spread(first).max():.2f}, layer 4 {spread(second).max():.1f}")

# sphinx_gallery_start_ignore
dead1, dead4 = (
    dead_kernels(model, train_set, layer=layer).indices for layer in ("1", "4")
)
glue("n_dead1", len(dead1))
glue("n_dead4", len(dead4))
spread1, spread4 = float(spread(first).max()), float(spread(second).max())


def times(ratio, fmt):
    """A ratio in words; a channel silent on average on one digit has none."""
    return (
        f"{fmt.format(ratio)} times"
        if np.isfinite(ratio)
        else "infinitely many times (silent on one digit)"
    )


# The margins, fixed before the sentences: "little" is a ratio below 1.5 (no responding kernel's
# mean response on one digit half as large again as on another); "strongly" is more than 3.
# The sentences follow the run, each branch claiming what its words say.
if spread1 < 1.5:
    every(
        "in this run, every responding first-layer kernel's mean response varies little from digit to digit (ratio below 1.5)",
        spread(first) < 1.5,
        statistic="responding first-layer kernels whose largest/smallest mean response over the digits is below 1.5",
    )  # fmt: skip
    glue(
        "first_words",
        "The first layer's responses vary little from digit to digit: every responding "
        f"kernel's mean response on its favourite digit is at most {spread1:.2f} times "
        "its response on its least favourite.",
    )
else:
    bound(
        "in this run, some first-layer kernel responds to one digit 1.5 times or more as much as to another",
        int((spread(first) >= 1.5).sum()), n=len(spread(first)), at_least=1,
        statistic="responding first-layer kernels whose largest/smallest mean response over the digits is 1.5 or more",
        fmt="{}",
    )  # fmt: skip
    glue(
        "first_words",
        f"In the first layer, one kernel's mean response on its favourite digit is "
        f"{times(spread1, '{:.2f}')} its response on its least favourite.",
    )
if spread4 > 3:
    bound(
        "in this run, some second-layer channel responds to one digit more than three times as much as to another",
        int((spread(second) > 3).sum()), n=len(spread(second)), at_least=1,
        statistic="responding second-layer channels whose largest/smallest mean response over the digits is above 3",
        fmt="{}",
    )  # fmt: skip
    glue(
        "second_words",
        f"In the second layer, one channel responds {times(spread4, '{:.1f}')} as strongly "
        "to its favourite digit as to its least favourite.",
    )
else:
    every(
        "in this run, no responding second-layer channel responds to one digit more than three times as much as to another",
        spread(second) <= 3,
        statistic="responding second-layer channels whose largest/smallest mean response over the digits is 3 or less",
    )  # fmt: skip
    glue(
        "second_words",
        f"In the second layer, no channel responds more than {spread4:.1f} times as strongly "
        "to its favourite digit as to its least favourite.",
    )
# sphinx_gallery_end_ignore

# %%
# In this run |n_dead1| of the eight first-layer kernels and |n_dead4| of
# the sixteen second-layer channels are dead. |first_words| |second_words|
# A channel counts here only if it responds: its largest mean is at least a
# tenth of the layer's largest (a ratio of two means near zero would say
# nothing). These are mean responses over each digit's training images: a
# kernel whose mean varies little can still respond differently to single
# images.

# %%
# The feature maps, and one digit end to end
# ------------------------------------------
# :func:`~cnnexplain.viz.plot_feature_maps` shows chosen kernels through
# chosen stages; its default stages are ``LineCNN``'s, so name yours:
# ``("0", "1", "2")``. The network before training is the history's first
# snapshot, loaded into a copy of the model
# (:meth:`~cnnexplain.history.WeightHistory.model_at` needs the model when it
# is not a ``LineCNN``). Shown: the kernel with the highest edge score and
# the one with the lowest, on a held-out 0 and a held-out 1.

import copy

before = history.model_at(0, model=copy.deepcopy(model))
picked = [int(match.score.argmax()), int(match.score.argmin())]
two = torch.stack([val_set[0][val_set[1] == d][0] for d in (0, 1)])
fig = viz.plot_feature_maps(
    {"before training": before, "after training": model},
    two,
    kernels=picked,
    stages=("0", "1", "2"),
)

# %%
# :func:`~cnnexplain.viz.plot_forward_pass` needs no names: it follows the
# model's layers in the order they run.

fig = viz.plot_forward_pass(model, two[0], class_names=class_names)

# %%
# Your model, live: the explorer
# ------------------------------
# :class:`~cnnexplain.viz.Explorer` runs a trained history in the page, as
# on :ref:`the explorer page <sphx_glr_auto_examples_article_plot_04b_explorer.py>`.
# For a model that is not a ``LineCNN`` it needs the model (for the order of
# its layers), a few sample images (which also give the input size) and, if
# you like, the class names. :func:`~cnnexplain.viz.pick_snapshots` chooses
# the epochs for the slider: here epochs |explorer_epochs|.
#
# Draw a digit on the canvas, or pick a sample, and move the slider to see
# the network of each epoch read it. Click a pixel of a map of layer
# ``"0"`` to see the nine products and the sum that made it.
# ``explorer.save("digits.html")`` writes the same widget as one file that
# works offline.

samples = torch.cat(
    [val_set[0][val_set[1] == d][:2] for d in range(10)]
)  # two of each digit
sample_labels = torch.arange(10).repeat_interleave(2)
explorer = viz.Explorer(
    history,
    model=model,
    images=(samples, sample_labels),
    snapshots=viz.pick_snapshots(history, 6),
    class_names=class_names,
)

# sphinx_gallery_start_ignore
glue("explorer_epochs", ", ".join(f"{e:g}" for e in explorer.epochs))
setting(
    "the explorer runs every layer of the model, and holds the first and the last epoch",
    (list(explorer.layers), float(explorer.epochs[0]), float(explorer.epochs[-1])),
    expected=(["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], 0.0, 15.0),
)
# sphinx_gallery_end_ignore

explorer

# sphinx_gallery_thumbnail_number = 3
