"""
Play with the trained network
=============================

You will run the trained network of the previous page in your browser:
draw a line and watch its :term:`kernels <kernel>` and :term:`feature maps
<feature map>` respond, or move the slider to another :term:`epoch` of its
training.
"""

# %%
# **Try this first:** press the *horizontal* preset under the canvas, move
# the slider to epoch 0 and back to the end, and watch the class
# probabilities. Then click a bright pixel of a ``conv1`` map to see the
# arithmetic that made it, in the panel beside the maps.
#
# .. evidence:: How the page runs the network
#
#    The run of the article's pages (the default run of
#    :func:`~cnnexplain.experiment.experiment`) in an
#    :class:`~cnnexplain.viz.Explorer`. Its weights travel with the page as
#    float32 numbers, and the page runs the network itself, in JavaScript:
#    not with PyTorch's bits (its sums run in another order), but within
#    1e-4 of PyTorch at every layer, with the same predicted class. The
#    site's checks (``tools/explorer_check.py``, run by ``nox -s site``) hold
#    every explorer of the site to that, on at least 50 images for every
#    snapshot, in a browser.

from cnnexplain import viz
from cnnexplain.experiment import experiment

run = experiment()
history = run.history
# Each snapshot adds all the weights to the page: 12 of them.
snapshots = viz.pick_snapshots(history, 12)
explorer = viz.Explorer(history, snapshots=snapshots)

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning. The margins are stated here,
# before anything is measured or glued.
import numpy as np

from cnnexplain.claims import bound, declare_margins, every, glue, setting

margins = declare_margins(
    # The theme's scripts, styles and fonts and the page's own text add about
    # 0.8 MB: a widget of 2.1 MB keeps the whole page within 3 MB.
    widget_bytes=2.1e6,
    guess_points=0.1,  # "a guess": within 10 points of 50%, as on the training page
    sure=0.99,  # "sure": over 99%
)

glue("n_snapshots", len(explorer.snapshots))
glue("n_history", len(history))
glue("last_epoch", history.epochs[-1], "{:g}")
glue(
    "n_weights",
    sum(int(np.prod(history[name].shape[1:])) for name in history.keys()),
    "{:,}",
)
glue("slider_epochs", ", ".join(f"{e:g}" for e in explorer.epochs))
# The first epochs, all of them in the slider: 0, 1, ..., dense_until.
dense_until = glue(
    "dense_until",
    max(e for e in range(len(history)) if set(range(e + 1)) <= set(explorer.epochs)),
)
setting(
    "the slider holds 12 snapshots, the first (before training) and the last among them",
    (len(explorer.snapshots), explorer.snapshots[0], explorer.snapshots[-1]),
    expected=(12, 0, 20),
)
every(
    "the slider holds every epoch at the start (at least epochs 0 to 3)",
    [epoch in explorer.epochs for epoch in range(3 + 1)],
    statistic="epochs 0 to 3 in the slider",
)
_, n_kernels, _, height, width = history["conv1.weight"].shape
setting(
    "the images are 50x50, the first layer has eight 7x7 kernels, and there are two classes",
    (
        tuple(run.test_set.images.shape[-2:]),
        (n_kernels, height, width),
        len(explorer.classes),
    ),
    expected=((50, 50), (8, 7, 7), 2),
)
widget = explorer._repr_html_().encode()
widget_mb = glue("widget_mb", len(widget) / 1e6, "{:.1f}")
bound(
    "the explorer, with its weights, script and style, weighs at most 2.1 MB",
    len(widget),
    n=1,
    at_most="widget_bytes",
    statistic="bytes of the explorer's HTML",
    fmt="{:,.0f}",
)
# sphinx_gallery_end_ignore

explorer

# %%
# .. evidence:: How to use it: every control
#
#    - **Draw** on the canvas (mouse, finger or pen), or pick a held-out
#      *sample* from the :term:`test set`, a *preset* line or *noise*.
#    - **Move the slider** through training, or press *play*.
#    - **Watch every layer**: the eight ``conv1`` kernels and their feature
#      maps, what the :term:`ReLU` and the :term:`pooling <max-pooling>` keep,
#      the second layer, and the two class :term:`probabilities <probability>`.
#    - **See the arithmetic**: click a pixel of a ``conv1`` map: the window of
#      the image under the kernel, their 49 products, and the sum plus the
#      :term:`bias`. Keyboard: *Tab* to a map, *Enter* to choose, arrows to move.
#    - **Colours**: red positive, blue negative; grey after a ReLU.
#
# .. evidence:: Which epochs are in the slider
#
#    Every :term:`snapshot` adds the network's |n_weights| weights to the
#    page, so it holds |n_snapshots| of the |n_history| snapshots of
#    training: epochs |slider_epochs|. :func:`~cnnexplain.viz.pick_snapshots`
#    spaces them by how far the first-layer kernels move, so they are dense
#    where the kernels move most: every epoch from 0 to |dense_until|, then
#    sparser, up to the last epoch, |last_epoch|. With the widget's script,
#    the explorer weighs |widget_mb| MB.

# %%
# What to try
# -----------
# - Pick the sample *horizontal 1* at epoch 0: the random network gives it a
#   probability of |p_start| of being horizontal, |p_start_words|. At the
#   last epoch: |p_end|.
# - Draw a horizontal line and compare the eight ``conv1`` maps at epoch 0
#   and at the end: which kernels answer it?
# - Try a diagonal line, which the network never saw: which class does it
#   choose, and how sure is it? (The last section measures that.)
#
# The story's horizontal kernel, kernel |k_horizontal| (:ref:`the cast
# <kernel-cast>`): on *horizontal 1*, its strongest output after the pooling
# |own_change| |own_before| at epoch 0 to |own_after| at the last epoch.
# Here are all eight kernels at both ends of the slider:

# sphinx_gallery_start_ignore
import torch

# The explorer's sample "horizontal 1":
horizontal_1 = run.test_set.of_class("horizontal").images[:1]
h = run.test_set.classes.index("horizontal")
with torch.no_grad():
    p_start, p_end = (
        float(torch.softmax(history.model_at(s)(horizontal_1), 1)[0, h])
        for s in (0, -1)
    )
glue("p_start", p_start, "{:.0%}")
glue("p_end", p_end, "{:.2%}")
glue("train_classes", " and ".join(run.train_set.classes))
# The kernel the text names: the cast's horizontal kernel (see the feature-maps page), of the
# same run as the training page and the feature-maps page (experiment()'s defaults).
from cnnexplain.analysis import cast
from cnnexplain.experiment import cache_key, default_seed, resolve_config

roles = cast(run)
k_horizontal = glue("k_horizontal", roles.pick("horizontal"))
glue("k_horizontal_why", roles.why("horizontal"))
seed = default_seed()
default_key = cache_key(resolve_config(model={"seed": seed}, training={"seed": seed}))
# The kernel is cast(run)'s pick by construction; what can differ is the run: it
# must be the training page's (experiment()'s defaults for this seed).
every(
    "the kernel named here is the horizontal kernel of the training page's cast, of the same run",
    [run.key == default_key],
    statistic="runs with the cache key of the training page's run",
)
# The words follow the run: over 3,000 random starts, this probability came within a point
# of the 10-point margin (40.2% and 59.3%).
if abs(p_start - 0.5) <= margins["guess_points"]:
    glue("p_start_words", "a guess")
    bound(
        "on the sample horizontal 1, the network of epoch 0 guesses (within 10 points of 50%)",
        abs(p_start - 0.5),
        n=1,
        at_most="guess_points",
        statistic="distance of P(horizontal) at epoch 0 from 50%",
        fmt="{:.1%}",
    )
else:
    glue(
        "p_start_words",
        "more than 10 points from a guess, although it has learned nothing: its random "
        "weights happen to lean "
        + ("towards" if p_start > 0.5 else "away from")
        + " the right answer on this image",
    )
    bound(
        "on the sample horizontal 1, the network of epoch 0 lies more than 10 points from 50%",
        abs(p_start - 0.5),
        n=1,
        at_least="guess_points",
        statistic="distance of P(horizontal) at epoch 0 from 50%",
        fmt="{:.1%}",
    )
# The kernel's strongest pooled output on horizontal 1 at both ends, as the feature-maps page
# measures it; the verb follows the run: at seed 2002585965 it went from 0.03 to 0.00.
from cnnexplain import activations

pooled = [
    activations(history.model_at(s), horizontal_1, layers=["pool1"])["pool1"]
    for s in (0, -1)
]
own = [float(p[0, k_horizontal].max()) for p in pooled]
glue("own_before", own[0], "{:.2f}")
glue("own_after", own[1], "{:.2f}")
own_claim = dict(
    n=1,
    statistic="strongest pooled output at the last epoch minus at epoch 0",
    fmt="{:+.2f}",
)
if own[1] > own[0]:
    glue("own_change", "grows from")
    bound(
        "on horizontal 1, the horizontal kernel's strongest pooled output grows in training",
        own[1] - own[0], at_least=1e-9, **own_claim,
    )  # fmt: skip
else:
    glue("own_change", "does not grow: it goes from")
    bound(
        "on horizontal 1, the horizontal kernel's strongest pooled output does not grow in training",
        own[1] - own[0], at_most=0, **own_claim,
    )  # fmt: skip
bound(
    "on the sample horizontal 1, the network of the last epoch is sure it is horizontal (over 99%)",
    p_end,
    n=1,
    at_least="sure",
    statistic="P(horizontal) at the last epoch",
    fmt="{:.2%}",
)
setting(
    "the training data hold horizontal and vertical lines only",
    tuple(sorted(run.train_set.classes)),
    expected=("horizontal", "vertical"),
)
# sphinx_gallery_end_ignore

fig = viz.plot_kernels_compare(history, layer="conv1", steps=(0, -1))

# %%
# .. evidence:: For programmers: links into the explorer, saving it, scripting it
#
#    **Links.** The address of this page follows what you do: its end reads
#    ``#epoch=<epoch>&kernel=<kernel>&image=<image>``, where the image is a
#    preset's name or a sample's, with ``-`` for spaces (``horizontal-1``).
#    Copy the address to share what you see; the pages on
#    :doc:`training <plot_04_training>`,
#    :doc:`the feature maps <plot_06_feature_maps>` and
#    :doc:`the forward pass <plot_09_forward_pass>` link here that way, at the
#    epoch, kernel and image they talk about.
#
#    **Your own network, saved or scripted.**
#    ``viz.Explorer(history)`` works for any history of this library, and with
#    ``model=`` and ``images=`` for a model of your own (:doc:`an example
#    <../beyond/plot_08_own_model>`). In a Jupyter notebook, an explorer as the
#    last expression of a cell shows itself as here; ``explorer.save("run.html")``
#    writes it as one HTML file that needs nothing else: it works offline and
#    opened from disk. From a terminal, ``cnnexplain explore run.safetensors -o
#    run.html`` does the same for a run saved by ``cnnexplain train`` (see
#    :doc:`/cli`).
#
#    The page can be scripted too. Each explorer is an element with the
#    attribute ``data-cnnexplain-explorer``, whose property ``cnnexplain``
#    offers:
#
#    - ``snapshots``: the number of snapshots in the slider, and ``layers``:
#      the names of the layers, in the order they run (as
#      :func:`~cnnexplain.model.activations` names them);
#    - ``run(pixels, snapshot)``: runs the network of a snapshot on an image,
#      a ``Float32Array`` of its pixels in row-major order, and returns the
#      output of every layer (by name, each a ``Float32Array`` in PyTorch's
#      ``(C, H, W)`` or ``(features,)`` order) and the ``probabilities``,
#      without changing the display. The pixels may also be a plain array;
#      pixels that are not finite numbers (``NaN``, ``Infinity``, strings,
#      objects) are refused with a ``TypeError`` or ``RangeError`` that names
#      what was given;
#    - ``setImage(pixels)`` and ``setSnapshot(i)``: change the image and the
#      snapshot as the reader's actions do, and ``state()``: the snapshot,
#      epoch, kernel and image shown.
#
#    For instance, in the browser's console::
#
#        const root = document.querySelector("[data-cnnexplain-explorer]");
#        const black = new Float32Array(50 * 50);
#        root.cnnexplain.run(black, root.cnnexplain.snapshots - 1).probabilities;

# %%
# What it says about things it never saw
# --------------------------------------
# Draw a cross, a diagonal or a scribble, and the network still answers
# "horizontal" or "vertical": it has no third output for "neither", and the
# softmax makes the two probabilities add up to one. How *sure* it is can be
# measured: below, on four kinds of
# input it never saw (:func:`~cnnexplain.unseen.unseen_images`): a blank
# image, random noise, crosses, and diagonal lines, for this run's network
# and the |n_study_networks| networks of the :doc:`seed study
# <../beyond/plot_05_seeds>`. (As a download, this block first trains the
# seed study: slow.)

import matplotlib.pyplot as plt
import numpy as np
import torch

from cnnexplain.study import seed_study
from cnnexplain.unseen import UNSEEN_KINDS, unseen_images


def answer(model, images):
    """The class a model picks for each image, and the probability it gives that class."""
    model.eval()
    with torch.no_grad():
        probability, chosen = torch.softmax(model(images), dim=1).max(dim=1)
    return chosen.numpy(), probability.numpy()


def confidence(model, images):
    """The probability a model gives the class it picks, for each image."""
    return answer(model, images)[1]


unseen = {kind: unseen_images(kind, seed=1) for kind in UNSEEN_KINDS}
study = seed_study(range(100))
study_models = [study.model(int(seed)) for seed in study.seeds]
# For each kind: the median confidence of each study network over its images.
typical = {
    kind: np.array([np.median(confidence(model, images)) for model in study_models])
    for kind, images in unseen.items()
}

fig, axes = plt.subplots(2, 4, figsize=(8.0, 4.2), layout="constrained")
for column, (kind, images) in enumerate(unseen.items()):
    # A typical input of the kind: the one whose confidence is nearest this run's median.
    sure = confidence(run.model, images)
    typical_input = images[[int(np.argmin(np.abs(sure - np.median(sure))))]]
    ax = axes[0, column]
    ax.imshow(typical_input[0, 0], cmap="gray", vmin=0, vmax=1)
    chosen, probability = answer(run.model, typical_input)
    ax.set_title(
        f"{kind}: {run.train_set.classes[chosen[0]]}\n{probability[0]:.1%} sure",
        fontsize=9,
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax = axes[1, column]
    ax.hist(typical[kind], bins=np.linspace(0.5, 1.0, 21), color="C0")
    ax.axvline(np.median(confidence(run.model, images)), color="C3", linestyle="--")
    ax.set_xlim(0.5, 1.0)
    ax.set_xlabel("median confidence", fontsize=9)
axes[1, 0].set_ylabel("study networks")

# sphinx_gallery_start_ignore
from cnnexplain.claims import OUTCOMES, majority

for kind in UNSEEN_KINDS:
    glue(f"unseen_{kind}_run", np.median(confidence(run.model, unseen[kind])), "{:.1%}")
    glue(f"unseen_{kind}_median", np.median(typical[kind]), "{:.1%}")
    majority(
        f"on {kind} inputs, a network of the study is over 99% sure of its median input in "
        + ("more than half of all seeds" if kind == "noise" else "more or fewer than half of all seeds, as glued"),
        int((typical[kind] > margins["sure"]).sum()), len(typical[kind]),
        glue_as=f"unseen_{kind}_sure", expect="larger" if kind == "noise" else OUTCOMES,
        statistic="networks",
    )  # fmt: skip
glue("n_unseen", len(unseen["noise"]))
_ = glue("n_study_networks", len(study_models))
# sphinx_gallery_end_ignore

# %%
# Top: a typical input of each kind (the one on which this run's network is
# as sure as on its median input), with the class the network picks and how
# sure it is. Bottom: the study's networks, each by its median
# confidence on that kind of input (dashed: this run's network). On noise,
# an input with no line at all, |unseen_noise_sure| of the
# |n_study_networks| networks are over 99% sure of an answer: most networks
# trained this way would be, by the interval below.
#
# So a high probability is no sign that an input looks like the training
# images: this network confirms, on its own small task, what
# :cite:t:`nguyen2015fooled` showed for large image classifiers, which
# label noise-like images with near certainty. A likely reason, not tested
# here: nothing in training rewarded the network for being unsure. A
# classifier that should say "neither" needs that answer among its outputs,
# or a separate test of whether an input is like its training data (the
# network's own top probability is the baseline such tests start from,
# :cite:t:`hendrycks2017baseline`).
#
# .. evidence:: The numbers, with their intervals
#
#    Over the study, the median network's median confidence is
#    |unseen_blank_median| on the blank image, |unseen_noise_median| on
#    noise, |unseen_cross_median| on crosses and |unseen_diagonal_median| on
#    diagonals (this run's network: |unseen_blank_run|, |unseen_noise_run|,
#    |unseen_cross_run| and |unseen_diagonal_run|); |n_unseen| inputs of each
#    kind but the one blank image. Networks over 99% sure on the median input
#    of a kind, with a 95% Wilson interval: on noise, |unseen_noise_sure| of
#    |n_study_networks| (|unseen_noise_sure_low| to |unseen_noise_sure_high|:
#    |unseen_noise_sure_words|); on crosses, |unseen_cross_sure|
#    (|unseen_cross_sure_words|); on diagonals, |unseen_diagonal_sure|
#    (|unseen_diagonal_sure_words|); on the blank image, |unseen_blank_sure|
#    (|unseen_blank_sure_words|).

# sphinx_gallery_thumbnail_number = 1
