"""
What the optimizer changes
==========================

The site's runs train with :term:`Adam`, which scales the step of every
weight by the history of that weight's :term:`gradients <gradient>`. Plain
stochastic :term:`gradient descent` (:term:`SGD`) does not: each step is
minus the :term:`learning rate` times the gradient, and a :term:`kernel`'s
gradient is a weighted sum of :term:`image patches <patch>`. So is the
shape of the kernels Adam's doing? Here |n_runs| runs of the seed study
train again with SGD, from the same initial weights and on the same
:term:`batches <batch>`. Edges come from the gradient, not from Adam: with SGD,
|sgd_change_edge| of the |n_kernels| kernels *change* by an edge-shaped
pattern, against |adam_change_edge| with Adam. The trained kernels are
another matter: only |sgd_kernel_edge| of them with SGD, and
|adam_kernel_edge| with Adam, pass the same edge test.
"""

# %%
# The same runs with SGD
# ----------------------
# Seeds 0 to 4 of the :ref:`seed study
# <sphx_glr_auto_examples_beyond_plot_05_seeds.py>`, 8 :term:`epochs <epoch>` each: the Adam
# runs are the seed study's own (learning rate |adam_lr|); the SGD runs start
# from the same weights and see the images in the same order, with the same
# :term:`dropout` seed. SGD's learning rate, |sgd_lr|, was tuned by hand so that every run
# reaches the accuracy of its Adam twin in these 8 epochs. To keep this page
# fast it trains five seeds, not ten.

import matplotlib.pyplot as plt
import numpy as np
import torch

from cnnexplain.analysis import edge_match, edge_score_null, kernel_gradient
from cnnexplain.experiment import default_seed, experiment

SGD_LR = 0.1
seeds = range(5)
adam = [experiment(model={"seed": s}, training={"seed": s, "epochs": 8}) for s in seeds]
sgd = [
    experiment(
        model={"seed": s},
        training={"seed": s, "epochs": 8, "optimizer": "sgd", "lr": SGD_LR},
    )
    for s in seeds
]
for s, a, b in zip(seeds, adam, sgd):
    accuracy = [run.history.metrics["val_accuracy"][-1] for run in (a, b)]
    print(f"seed {s}: test accuracy Adam {accuracy[0]:.1%}, SGD {accuracy[1]:.1%}")

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims (check), see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning.
from cnnexplain.claims import check, glue, plural

n_runs = glue("n_runs", len(adam))
glue("adam_lr", adam[0].config["training"]["lr"], "{:g}")
glue("sgd_lr", sgd[0].config["training"]["lr"], "{:g}")
settings = [
    tuple(
        run.config["training"][key]
        for run in (a, b)
        for key in ("optimizer", "lr", "epochs")
    )
    for a, b in zip(adam, sgd)
]
check(
    "seeds 0 to 4, 8 epochs, Adam at 0.001 (the seed study's runs) and SGD at 0.1",
    [a.config["model"]["seed"] for a in adam] == list(range(5))
    and [b.config["model"]["seed"] for b in sgd] == list(range(5))
    and all(row == ("adam", 0.001, 8, "sgd", 0.1, 8) for row in settings),
    measured=f"{settings[0]}",
)
same_start = all(
    np.array_equal(a.history["conv1.weight"][0], b.history["conv1.weight"][0])
    for a, b in zip(adam, sgd)
)
check(
    "each SGD run starts from the weights of its Adam run",
    same_start,
    measured=f"{same_start}",
)
final_adam = np.array([a.history.metrics["val_accuracy"][-1] for a in adam])
final_sgd = np.array([b.history.metrics["val_accuracy"][-1] for b in sgd])
for name, final in (("sgd", final_sgd), ("adam", final_adam)):
    low, high = f"{final.min():.1%}", f"{final.max():.1%}"
    # "at 100.0%", not "at 100.0% or more", when every run ends the same.
    glue(f"{name}_acc", low if low == high else f"{low} to {high}")
# One point is 2.4 of the 240 test images.
check(
    "every SGD run ends within one point of its Adam run's test accuracy",
    (np.abs(final_sgd - final_adam) <= 0.01).all(),
    measured=f"largest gap {100 * np.abs(final_sgd - final_adam).max():.1f} points",
)
# sphinx_gallery_end_ignore

# %%
# On the test images, the SGD runs end at |sgd_acc|, the Adam runs at
# |adam_acc|.
#
# The kernels, and what training added to them
# --------------------------------------------
# A trained kernel is its random start plus what training added. The
# start is no edge, so the kernel can only be as edge-like as the change
# makes it. We score both with :func:`~cnnexplain.analysis.edge_match`:
# the kernels after training, and their changes (final weights minus
# initial weights). As in the seed study, a score counts as an edge when
# it clears what the best of eight random kernels reaches
# (:func:`~cnnexplain.analysis.edge_score_null`): |threshold_high|.

null = edge_score_null(7, tested=8)


def scores(run):
    """Edge-match scores of a run's conv1 kernels at the end, and of their changes."""
    weights = run.history["conv1.weight"][:, :, 0]  # (snapshots, 8, 7, 7)
    return edge_match(weights[-1]).score, edge_match(weights[-1] - weights[0]).score


def change_size(run):
    """The size of each kernel's change: its norm (Frobenius, the root of its squared weights' sum)."""
    weights = run.history["conv1.weight"][:, :, 0].reshape(len(run.history), 8, -1)
    return np.linalg.norm(weights[-1] - weights[0], axis=1)


table = {}
for name, runs in (("Adam", adam), ("SGD", sgd)):
    kernel, change = np.array([scores(run) for run in runs]).transpose(1, 0, 2)
    size = np.array([change_size(run) for run in runs])  # (runs, 8)
    table[name] = {
        "kernel": kernel,
        "change": change,
        "spread": size.max(1) / size.min(1),
    }
    print(
        f"{name}: edge-shaped kernels {null.is_edge(kernel).sum()} of {kernel.size}, "
        f"changes {null.is_edge(change).sum()}; median scores {np.median(kernel):.2f}, "
        f"{np.median(change):.2f}"
    )
    print("   per run, edge-shaped kernels:", null.is_edge(kernel).sum(1), end="")
    print(", changes:", null.is_edge(change).sum(1))
    print("   per run, largest change / smallest:", np.round(table[name]["spread"], 1))
# The conv1 kernels of all the runs of one optimizer, as the figure below counts them.
n_kernels = table["SGD"]["kernel"].size

# sphinx_gallery_start_ignore
glue("threshold_high", null.threshold_interval[1], "{:.2f}")
glue("n_kernels", n_kernels)
count = {
    (name, part): int(null.is_edge(table[name][part]).sum())
    for name in table
    for part in ("kernel", "change")
}
glue("adam_kernel_edge", count["Adam", "kernel"])
glue("sgd_kernel_edge", count["SGD", "kernel"])
glue("adam_change_edge", count["Adam", "change"])
glue("sgd_change_edge", count["SGD", "change"])
more_in_run = {
    name: int(
        (
            null.is_edge(table[name]["change"]).sum(1)
            > null.is_edge(table[name]["kernel"]).sum(1)
        ).sum()
    )
    for name in table
}
glue("adam_runs_more", more_in_run["Adam"])
glue("sgd_runs_more", more_in_run["SGD"])
for name in table:
    glue(f"{name.lower()}_kernel_median", np.median(table[name]["kernel"]), "{:.2f}")
    glue(f"{name.lower()}_change_median", np.median(table[name]["change"]), "{:.2f}")
    glue(f"{name.lower()}_spread_min", table[name]["spread"].min(), "{:.1f}")
    glue(f"{name.lower()}_spread_max", table[name]["spread"].max(), "{:.1f}")
check(
    "the null compares 7x7 kernels, eight tested at once, as in each run",
    null.kernel_size == (7, 7) and null.tested == 8,
    measured=f"{null.kernel_size[0]}x{null.kernel_size[1]}, {null.tested} tested",
)
check(
    "with both optimizers, more changes than kernels are edge-shaped, at least twice as many",
    all(count[name, "change"] >= 2 * count[name, "kernel"] for name in table),
    measured=", ".join(
        f"{name}: {count[name, 'change']} vs {count[name, 'kernel']}" for name in table
    ),
)
check(
    "with both optimizers, the changes score higher than the kernels in the median",
    all(np.median(table[n]["change"]) > np.median(table[n]["kernel"]) for n in table),
    measured=", ".join(
        f"{n}: {np.median(table[n]['change']):.2f} vs {np.median(table[n]['kernel']):.2f}"
        for n in table
    ),
)
check(
    "with both optimizers, the changes beat the kernels in most runs (more than half)",
    all(2 * k > n_runs for k in more_in_run.values()),
    measured=f"Adam {more_in_run['Adam']}, SGD {more_in_run['SGD']} of {n_runs}",
)
# Binomial noise on 40 kernels with p near 0.5: a standard deviation of about 3 kernels.
check(
    "SGD gives about as many edge-shaped changes as Adam: within 6 of 40",
    abs(count["SGD", "change"] - count["Adam", "change"]) <= 6,
    measured=f"SGD {count['SGD', 'change']}, Adam {count['Adam', 'change']}",
)
spread = {name: table[name]["spread"] for name in table}
check(
    "in every run, SGD's kernels change by more unequal amounts than Adam's (largest / smallest change)",
    (spread["SGD"] > spread["Adam"]).all(),
    measured=f"SGD {spread['SGD'].min():.1f} to {spread['SGD'].max():.1f}, "
    f"Adam {spread['Adam'].min():.1f} to {spread['Adam'].max():.1f}",
)
# Within a factor of 3: Adam's steps are about the learning rate for every weight.
check(
    "with Adam, no kernel changes 3 times as much as another of its run",
    spread["Adam"].max() < 3,
    measured=f"largest ratio {spread['Adam'].max():.1f}",
)
# sphinx_gallery_end_ignore

# %%
# The two :term:`optimizers <optimizer>` agree. Of the |n_kernels| kernels, the changes of
# |adam_change_edge| clear the threshold with Adam and |sgd_change_edge|
# with SGD, while only |adam_kernel_edge| and |sgd_kernel_edge| of the
# kernels themselves do: the random start each kernel carries along hides
# the edge its change draws. With either optimizer, the changes beat the
# kernels run by run too (in |adam_runs_more| of the |n_runs| runs with
# Adam, |sgd_runs_more| with SGD). The median score of a change is
# |adam_change_median| with Adam and |sgd_change_median| with SGD; of a
# kernel, |adam_kernel_median| and |sgd_kernel_median|.
#
# What differs is how much each kernel changes. With Adam, every weight
# steps by about the learning rate, so every kernel changes by about the
# same amount: in each run, the kernel that changes most changes
# |adam_spread_min| to |adam_spread_max| times as much as the one that
# changes least. With SGD, a kernel moves in proportion to its gradient, and
# the ratio is |sgd_spread_min| to |sgd_spread_max|: a few kernels get most
# of the change.
#
# Each dot below is one kernel (left of each pair) or its change (right),
# coloured by seed; the grey band is the threshold of the best of eight
# random kernels, with its :term:`95% interval`.

colors = plt.get_cmap("tab10")(np.arange(len(seeds)))
fig, ax = plt.subplots(figsize=(7.0, 3.2), layout="constrained")
rng = np.random.default_rng(0)  # horizontal jitter, to keep the dots apart
columns = [(name, part) for name in table for part in ("kernel", "change")]
for x, (name, part) in enumerate(columns):
    values = table[name][part]
    for r, color in enumerate(colors):
        jitter = rng.uniform(-0.18, 0.18, values.shape[1])
        dots = {"s": 16, "color": color, "edgecolor": "white", "linewidth": 0.3}
        ax.scatter(x + jitter, values[r], zorder=3, **dots)
    ax.hlines(np.median(values), x - 0.3, x + 0.3, color="black", lw=2, zorder=4)
ax.axhspan(*null.threshold_interval, color="0.6", alpha=0.5, lw=0)
ax.axhline(null.median, color="0.4", ls="--", lw=1)
ax.text(3.45, null.median, "median of\nrandom kernels", va="center", fontsize=9)
ax.text(3.45, null.threshold, "threshold", va="center", fontsize=9)
ax.set_xticks(range(4), [f"{name}\n{part}s" for name, part in columns], fontsize=9)
ax.set_xlim(-0.5, 4.3)
ax.set_ylim(0, 1)
ax.set_ylabel("edge-match score", fontsize=9)
ax.tick_params(axis="y", labelsize=9)
title = f"{n_kernels} conv1 kernels of seeds {seeds[0]} to {seeds[-1]}"
ax.set_title(f"{title}; black bars: medians", fontsize=10)
for side in ("top", "right"):
    ax.spines[side].set_visible(False)

# %%
# The kernels of one run, seed 0, after training, each above its change:
# one figure per optimizer, kernels 0 to 3 on top and 4 to 7 below them. A
# thick frame marks a score above the threshold. An optimizer's eight
# kernels share a colour scale; each change is drawn on its own scale
# (divided by its largest weight), to show its shape whatever its size,
# with its size, its :term:`norm`, written above it.


def plot_kernels_and_changes(name, run):
    """A run's eight kernels after training, each above its change, in rows of four.

    Four to a row, so that each 7x7 panel is 120 px wide or more on the page.
    """
    weights = run.history["conv1.weight"][:, :, 0]
    change = weights[-1] - weights[0]
    sizes = np.linalg.norm(change.reshape(8, -1), axis=1)
    shown = {
        "kernel": weights[-1],
        "change": change / np.abs(change).max(axis=(1, 2), keepdims=True),
    }
    fig, axes = plt.subplots(4, 4, figsize=(7.0, 6.6), layout="constrained")
    for r, row in enumerate(axes):
        part = "kernel" if r % 2 == 0 else "change"
        limit = np.abs(shown[part]).max()
        for k, ax in zip(range(4 * (r // 2), 4 * (r // 2) + 4), row):
            image = ax.imshow(shown[part][k], cmap="RdBu_r", vmin=-limit, vmax=limit)
            title = f"kernel {k}" if part == "kernel" else f"norm {sizes[k]:.2f}"
            ax.set_title(title, fontsize=9, pad=2)
            edge = null.is_edge(table[name][part][0, k])
            for spine in ax.spines.values():
                spine.set_linewidth(2.5 if edge else 0.6)
                spine.set_color("black" if edge else "0.6")
            ax.set_xticks([])
            ax.set_yticks([])
        row[0].set_ylabel(f"{name}\n{part}", fontsize=9)
        colorbar = fig.colorbar(image, ax=row, shrink=0.9, pad=0.01)
        label = "weight" if part == "kernel" else "change /\nits largest"
        colorbar.set_label(label, fontsize=9)
        colorbar.ax.tick_params(labelsize=9)
    fig.suptitle(f"{name}, seed {seeds[0]}", fontsize=10)


plot_kernels_and_changes("Adam", adam[0])

# %%
# And with SGD, the same seed:

plot_kernels_and_changes("SGD", sgd[0])


# %%
# The first update, rebuilt from patches
# --------------------------------------
# With SGD, the first update of the kernels is ``-lr`` times the gradient
# of the first batch's mean :term:`loss`, and
# :func:`~cnnexplain.analysis.kernel_gradient` computes that gradient as a
# sum of image patches, each weighted by the :term:`error signal` at its position.
# We rebuild it in this run (seed |seed|) and compare it with what
# training recorded. Two details make the comparison exact:
#
# - dropout makes a training step depend on a random mask, while
#   ``kernel_gradient`` runs the network without dropout; so this run
#   trains the same network, from the same weights, with dropout switched
#   off, for one epoch, recording the weights after every batch;
# - :func:`~cnnexplain.training.train` draws each epoch's order of the
#   training images with :func:`torch.randperm`, from a generator seeded
#   with the training seed: the first 32 images of that order are the first
#   batch.
#
# Adam gets the same treatment: its first step is ``-lr * g / (|g| +
# eps)`` weight by weight (its averages of ``g`` and ``g**2`` start from
# zero and are corrected for it), so every weight moves by the learning
# rate, whatever the size of its gradient: the sign of the sum of patches,
# not the sum.

seed = default_seed()
no_dropout = {"seed": seed, "dropout": 0.0}
first_epoch = {"seed": seed, "epochs": 1, "record": "batch"}
sgd_steps = experiment(
    model=no_dropout,
    training={**first_epoch, "optimizer": "sgd", "lr": SGD_LR},
)
adam_steps = experiment(model=no_dropout, training=first_epoch)

train_set = sgd_steps.train_set
batch_size = sgd_steps.config["training"]["batch_size"]
order = torch.randperm(len(train_set), generator=torch.Generator().manual_seed(seed))
first = order[:batch_size]
start = sgd_steps.history.model_at(0)
images, labels = train_set.images[first], train_set.labels[first]
gradient = kernel_gradient(start, images, labels).total[:, 0]  # (8, 7, 7)

rebuilt_sgd = -SGD_LR * gradient
adam_lr = adam_steps.config["training"]["lr"]
rebuilt_adam = -adam_lr * gradient / (np.abs(gradient) + 1e-8)
recorded_sgd = np.diff(sgd_steps.history["conv1.weight"][:2, :, 0], axis=0)[0]
recorded_adam = np.diff(adam_steps.history["conv1.weight"][:2, :, 0], axis=0)[0]
error_sgd = np.abs(rebuilt_sgd - recorded_sgd).max()
error_adam = np.abs(rebuilt_adam - recorded_adam).max()
# moved by the learning rate, within 1%
full_step = np.abs(np.abs(recorded_adam) / adam_lr - 1) < 0.01
print(f"first batch: images {first[:8].tolist()} ...")
print(f"SGD:  largest |rebuilt - recorded| {error_sgd:.1e}", end="")
print(f", largest update {np.abs(recorded_sgd).max():.1e}")
print(f"Adam: largest |rebuilt - recorded| {error_adam:.1e}")
print(f"      {full_step.sum()} of {full_step.size} weights moved by lr = {adam_lr}")
others = np.abs(gradient[~full_step]).max(initial=0)
print(f"      largest |gradient| of the others: {others:.1e}")

# sphinx_gallery_start_ignore
glue("seed", seed)
glue("error_sgd", error_sgd, "{:.1e}")
glue("error_adam", error_adam, "{:.1e}")
largest_sgd = glue("sgd_largest", np.abs(recorded_sgd).max(), "{:.1e}")
n_full = glue("n_full", int(full_step.sum()))
glue("n_weights", full_step.size)
n_still = glue("n_still", int((recorded_adam == 0).sum()))
largest_gradient = np.abs(gradient).max()
# What became of the weights that did not move by the learning rate, in words that fit their count.
n_rest = full_step.size - n_full
others_text = f"The other {n_rest} {plural(n_rest, 'weight', 'weights')}"
why_still = "no patch that received an error signal had a non-zero pixel under"
if n_rest == 0:
    rest_text = "That is every one of them."
elif n_still == n_rest:
    rest_text = f"{others_text} did not move at all: {why_still} {plural(n_rest, 'it', 'them')}."
elif n_still == 0:
    rest_text = f"{others_text}, with gradients under 1% of the largest, moved less."
else:
    rest_text = (
        f"{others_text} {plural(n_rest, 'has a gradient', 'have gradients')} under 1% of the "
        f"largest, and {n_still} of them did not "
        f"move at all: {why_still} {plural(n_still, 'it', 'them')}."
    )
glue("rest_text", rest_text)
check(
    "the check runs are this run's weights without dropout, one epoch, every batch recorded; SGD at 0.1",
    sgd_steps.config["model"]["dropout"] == 0.0
    and adam_steps.config["model"]["dropout"] == 0.0
    and sgd_steps.config["model"]["seed"] == seed
    and tuple(sgd_steps.history.steps[1]) == (1, 1)
    and sgd_steps.config["training"]["lr"] == SGD_LR
    and batch_size == 32,
    measured=f"dropout {sgd_steps.config['model']['dropout']}, second snapshot at "
    f"{tuple(int(x) for x in sgd_steps.history.steps[1])}, batches of {batch_size}",
)
# 1e-5 absolute, and a thousandth of the largest update.
check(
    "SGD's first update equals -lr times the sum of patches within 1e-5 (and 0.1% of the largest update)",
    error_sgd < 1e-5 and error_sgd < 1e-3 * largest_sgd,
    measured=f"largest difference {error_sgd:.1e}, largest update {largest_sgd:.1e}",
)
check(
    "Adam's first update equals -lr * g / (|g| + eps) within 1e-5 (and 1% of the learning rate)",
    error_adam < 1e-5 and error_adam < 0.01 * adam_lr,
    measured=f"largest difference {error_adam:.1e}",
)
check(
    "with Adam, most conv1 weights (90% or more) move by the learning rate, within 1%",
    n_full >= 0.9 * full_step.size,
    measured=f"{n_full} of {full_step.size}",
)
check(
    "with Adam, the weights that move less have gradients under 1% of the largest",
    others < 0.01 * largest_gradient,
    measured=f"{others:.1e} against {largest_gradient:.1e}",
)
# sphinx_gallery_end_ignore

# %%
# The rebuilt SGD update differs from the recorded one by |error_sgd| at
# most, for updates of up to |sgd_largest| (the rounding of float32
# weights): it *is* the learning rate times the weighted sum of patches.
# Adam's rebuilt first update differs from the recorded one by
# |error_adam|. |n_full| of the |n_weights| weights moved by the learning
# rate (within 1%). |rest_text| The figure shows the eight
# kernels' first updates, kernels 0 to 3 on top and 4 to 7 below them:
# SGD's as recorded and as rebuilt, and Adam's as recorded, with one colour
# scale per optimizer.

# Four kernels to a row, so that each 7x7 panel is 120 px wide or more on the page.
fig, axes = plt.subplots(6, 4, figsize=(7.0, 9.4), layout="constrained")
panels = [
    ("SGD,\nrecorded", recorded_sgd),
    ("SGD, rebuilt:\n-lr x patches", rebuilt_sgd),
    ("Adam,\nrecorded", recorded_adam),
]
for r, row in enumerate(axes):
    label, updates = panels[r % 3]
    kernels = range(4 * (r // 3), 4 * (r // 3) + 4)
    limit = np.abs(recorded_sgd if "SGD" in label else recorded_adam).max()
    for k, ax in zip(kernels, row):
        image = ax.imshow(updates[k], cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_xticks([])
        ax.set_yticks([])
        if label.startswith("SGD,\n"):
            ax.set_title(f"kernel {k}", fontsize=9)
    row[0].set_ylabel(label, fontsize=9)
    if label.startswith("SGD, rebuilt") or label.startswith("Adam"):
        targets = axes[r - 1 : r + 1] if label.startswith("SGD") else row
        colorbar = fig.colorbar(image, ax=targets, shrink=0.9, pad=0.01)
        colorbar.set_label(f"{label.split(',')[0]} update", fontsize=9)
        colorbar.ax.tick_params(labelsize=9)

# %%
# SGD's update keeps the pattern of the summed patches and its proportions:
# weights that many strong patches pushed the same way move most. Adam's
# keeps only the signs, so a weight whose gradient is nearly balanced moves
# as far as one that every patch pushed. Yet after 8 epochs, as the first
# figures show, the changes are about as edge-like with either optimizer:
# the edges come from what the patches sum to, not from how the optimizer
# scales the steps.

# sphinx_gallery_thumbnail_number = 2
