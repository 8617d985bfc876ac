"""
The gradient is a sum of patches
================================

Why would :term:`gradient descent` turn random :term:`kernels <kernel>`
into :term:`edge detectors <edge detector>` at all? The first step of the
answer is exact and short: the :term:`gradient` of a first-layer kernel is a
weighted sum of :term:`patches <patch>` of the training images, the
standard result of back-propagation for convolution weights
:cite:p:`goodfellow2016deep`. We derive
it, compute it by hand and check it against PyTorch's :term:`autograd`, and
then look at the patches that push one kernel of the site's default run on
its very first :term:`batch`: |n_terms| patches, which largely cancel, every one a
piece of a line.
"""

# %%
# The derivation
# --------------
# ``conv1`` slides each 7x7 kernel ``W[k]`` over the image. PyTorch computes
# a :term:`cross-correlation` (the kernel is not flipped), so its output at row ``r``
# and column ``c`` is the bias plus the kernel's weights times the 7x7 patch
# of the image under it::
#
#     out[k, r, c] = b[k] + sum over u, v of W[k, u, v] * x[r + u, c + v]
#
# The derivative of ``out[k, r, c]`` with respect to ``W[k, u, v]`` is
# therefore the pixel ``x[r + u, c + v]``: as a 7x7 array, the patch at
# ``(r, c)``. The :term:`loss` ``L`` depends on the kernel only through these
# outputs, so the chain rule sums over every image ``i`` of the batch and
# every position::
#
#     dL/dW[k] = sum over i, r, c of  delta[i, k, r, c] * patch(i, r, c)
#
# where ``delta = dL/d(out)`` is the :term:`error signal` that
# :term:`back-propagation`
# delivers to the output of ``conv1``. A step of plain gradient descent
# subtracts ``lr`` times this sum from the kernel: whatever the error
# signal, what is added to a kernel is made of image patches.
#
# By hand and by autograd
# -----------------------
# This section checks the formula in PyTorch; if you do not read PyTorch,
# its result is all you need: the sum of patches *is* the gradient, to the
# rounding of the computer's numbers. Skip to :ref:`the patches that push
# one kernel <patches-that-push>`.
#
# We take the default run's network at initialization and a batch of 32
# training images, the batch size of training. The error signal comes from
# :func:`~cnnexplain.analysis.error_signals`; the patches from
# :func:`torch.nn.functional.unfold`, which lays every 7x7 patch out as a
# column of 49 pixels. The sum above is then one ``einsum``. Autograd
# computes the same gradient its own way (both with :term:`dropout` off).

import numpy as np
import torch
import torch.nn.functional as F

from cnnexplain import viz
from cnnexplain.analysis import error_signals, kernel_gradient
from cnnexplain.experiment import experiment

run = experiment()
model = run.history.model_at(0)  # the weights before training
images, labels = run.train_set.images[:32], run.train_set.labels[:32]

# By hand: the error signal at conv1's output times every patch, summed.
delta = error_signals(model, images, labels, layers=["conv1"])["conv1"]
delta = torch.from_numpy(delta).flatten(2)  # (32 images, 8 kernels, 44 * 44 positions)
patches = F.unfold(images.double(), kernel_size=7)  # (32 images, 49 pixels, positions)
# For each kernel k and pixel c: the sum over images n and positions p of delta * pixel.
by_hand = torch.einsum("nkp,ncp->kc", delta, patches).reshape(8, 1, 7, 7)

# By autograd: the gradient of the same loss (the mean cross-entropy).
model.eval()
loss = F.cross_entropy(model(images), labels)
(by_autograd,) = torch.autograd.grad(loss, model.conv1.weight)

difference = (by_hand - by_autograd.double()).abs().max().item()
print(f"largest gradient entry: {by_autograd.abs().max():.2e}")
print(f"largest difference, by hand - autograd: {difference:.1e}")

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims (check), see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning.
from cnnexplain.claims import bound, every, glue, plural, setting

largest = by_autograd.abs().max().item()
glue("difference", difference, "{:.0e}")
glue("largest", largest, "{:.0e}")
glue("orders", int(np.floor(np.log10(largest / difference))))
setting(
    "the first layer has eight 7x7 kernels, on one-channel images; the batch holds 32",
    (tuple(model.conv1.weight.shape), len(labels)),
    expected=((8, 1, 7, 7), 32),
)
bound(
    "the gradient by hand equals autograd's within 1e-5 (float32 rounding)",
    difference,
    n=1,
    at_most=1e-5,
    statistic="largest difference between the two gradients' entries",
    fmt="{:.1e}",
)
# "Orders of magnitude apart": three at least, as a ratio (a difference of exactly 0 is
# infinitely far below).
bound(
    "the gradient's largest entry is a thousand times that difference, or more",
    largest / difference if difference else np.inf,
    n=1,
    at_least=1000,
    statistic="largest gradient entry over the largest difference",
    fmt="{:.2g}",
)
# sphinx_gallery_end_ignore

# %%
# The two agree to |difference|, while the gradient's largest entry is
# |largest|: |orders| orders of magnitude apart, the rounding of 32-bit
# floats. :func:`~cnnexplain.analysis.kernel_gradient` does the same
# computation and keeps its parts: the error signal, each image's share
# (``per_image``) and each patch's term.

gradient = kernel_gradient(model, images, labels)
print(
    f"kernel_gradient - by hand: {np.abs(gradient.total - by_hand.numpy()).max():.1e}"
)
print("per_image:", gradient.per_image.shape, "error:", gradient.error.shape)

# sphinx_gallery_start_ignore
# Both sums are in float64: they agree to its rounding, far below float32's 1e-5 above.
bound(
    "kernel_gradient equals the einsum by hand (both in float64)",
    float(np.abs(gradient.total - by_hand.numpy()).max()),
    n=1,
    at_most=1e-12,
    statistic="largest difference between the two gradients' entries",
    fmt="{:.1e}",
)
# sphinx_gallery_end_ignore

# %%
# .. _patches-that-push:
#
# The patches that push one kernel
# --------------------------------
# Take the kernel this batch pushes hardest, the one with the longest
# gradient: kernel |kernel|. Each term ``delta * patch`` has a
# *contribution*: its length along the kernel's gradient (the
# :term:`dot product` of the two 7x7 arrays, divided by the gradient's
# length). The contributions add up to the gradient's length; a negative
# one pushes against the rest.
#
# Below, the six largest terms, each patch above its term, and underneath,
# the sums of the largest terms beside the gradient itself. The curve on the
# right is the cosine between such a sum and the gradient as more terms are
# added: 1 when the two point the same way, 0 when they are unrelated.
#
# Mind the sign: the figure shows the gradient ``dL/dW``, and a training
# step *subtracts* it. Where the gradient is red, the kernel's weights go
# down (it turns bluer); where it is blue, they go up.

lengths = np.linalg.norm(gradient.total.reshape(8, -1), axis=1)
kernel = int(np.argmax(lengths))
fig = viz.plot_top_patches(gradient, kernel, k=6)

contributions = gradient.contributions(kernel)
curve = viz.alignment_curve(gradient, kernel)
pushing = contributions[contributions > 0].sum()  # along the gradient
against = -contributions[contributions < 0].sum()
n_terms = curve.size  # one point of the curve per term that is not zero
print(f"kernel {kernel}: {n_terms} terms that are not zero")
print(f"their contributions: {pushing:.2e} along the gradient, {against:.2e} against")

# sphinx_gallery_start_ignore
top = gradient.top_patches(kernel, k=6)
glue("n_terms", n_terms, "{:,}")
n_positions = glue("n_positions", int(gradient.error[:, kernel].size), "{:,}")
glue("n_received", int((gradient.error[:, kernel] != 0).sum()), "{:,}")
glue("kernel", kernel)
top_share = sum(t.contribution for t in top) / lengths[kernel]
glue("top_share", top_share, "{:.0%}")
n_negative = sum(t.contribution < 0 for t in top)
against_text = {0: "none of them pushes", 1: "one of them pushes"}
glue("against_text", against_text.get(n_negative, f"{n_negative} of them push"))
undone = glue("undone", against / pushing, "{:.0%}")
below = np.flatnonzero(curve < 0.9)
n_aligned = (
    int(below[-1]) + 2 if below.size else 1
)  # the sum stays at 0.9 or more from here
# The sentence about direction follows the run: in one run the largest term alone
# already pointed along the gradient (cosine 0.9 or more, and the sum stayed there).
if n_aligned > 6:
    aligned_words = (
        f"And it takes the {n_aligned:,} largest terms ({n_aligned / n_terms:.0%} of them) "
        "before their sum points along the gradient with a cosine of 0.9 and stays there."
    )
else:
    aligned_words = (
        "In direction, though, few terms suffice in this run: "
        + (
            "the largest term alone already points"
            if n_aligned == 1
            else f"the sum of the {n_aligned} largest terms already points"
        )
        + " along the gradient with a cosine of 0.9 or more, and the sum stays there: the "
        "many other terms change its length more than its direction."
    )
glue("aligned_words", aligned_words)
bound(
    "the contributions add up to the gradient's length",
    float(abs(contributions.sum() - lengths[kernel]) / lengths[kernel]),
    n=1,
    at_most=1e-9,
    statistic="sum of the contributions against the length, relative difference",
    fmt="{:.1e}",
)
# The sentence follows the run: over 5,000 random starts the six largest terms made up to 71%
# of the length, though 99% of the starts stayed under 36%.
if abs(top_share) < 0.5:
    glue(
        "handful_words",
        f"No handful of them makes up its length. The six largest make {top_share:.0%} of "
        "its length",
    )
    bound(
        "the six largest terms make less than half of the gradient's length",
        float(abs(top_share)),
        n=1,
        at_most=0.5,
        statistic="six largest contributions over the gradient's length",
        fmt="{:.0%}",
    )
else:
    glue(
        "handful_words",
        f"In this run a handful of them does make up much of its length: the six largest make "
        f"{top_share:.0%} of it",
    )
    bound(
        "in this run, the six largest terms make half of the gradient's length or more",
        float(abs(top_share)),
        n=1,
        at_least=0.5,
        statistic="six largest contributions over the gradient's length",
        fmt="{:.0%}",
    )
# "Cancel to a large extent", as a margin: a third or more of what the rest adds is undone.
bound(
    "the terms that push against the gradient undo a third or more of what the others add",
    float(undone),
    n=1,
    at_least=1 / 3,
    statistic="contributions against the gradient over those along it",
    fmt="{:.0%}",
)
if n_aligned > 6:
    bound(
        "the six largest terms are not enough for a sum within cosine 0.9 of the gradient",
        n_aligned,
        n=1,
        at_least=7,
        statistic="largest terms needed before the sum stays within cosine 0.9",
        fmt="{:,}",
    )
else:
    every(
        "in direction, the six largest terms are enough: from their sum on, every sum of the "
        "largest terms lies within cosine 0.9 of the gradient",
        curve[5:] >= 0.9,
        statistic="sums of the 6 or more largest terms within cosine 0.9",
    )
# sphinx_gallery_end_ignore

# %%
# The error signal reaches |n_received| of the |n_positions| positions of
# this kernel in the batch (the :doc:`next page <plot_02_error_signal>`
# shows where), and some of those have a blank patch, which adds nothing: the
# kernel's gradient is a sum of |n_terms| terms that are not zero.
# |handful_words| (|against_text| against it). The terms cancel each other to
# a large extent: those that push against the gradient undo |undone| of what
# the others add. |aligned_words|
#
# What every term looks like
# --------------------------
# In the figure, each patch holds a piece of a line *and* of the black
# background beside it: an edge, or two. That is true of every term, not
# only of the largest ones.

terms = gradient.top_patches(kernel, k=n_terms)
has_line = np.array([(t.patch > 0.5).any() for t in terms])
has_background = np.array([(t.patch < 0.5).any() for t in terms])
both = (has_line & has_background).mean()
print(f"terms whose patch holds line and background pixels: {both:.0%}")
print(f"line thickness in the training set: {run.config['data']['thickness']} pixels")

# sphinx_gallery_start_ignore
glue("both", both, "{:.0%}")
# Correlation of the kernel's gradient with itself turned by half a turn:
# +1 for a line's shape, -1 for an edge's (the model-size page's test).
total = gradient.total[kernel, 0]
half_turn = float(np.corrcoef(total.ravel(), np.rot90(total, 2).ravel())[0, 1])
glue("half_turn", half_turn, "{:+.2f}")
glue(
    "grad_shape",
    "closer to the symmetry of a line than to that of an edge (by this measure only: a blob "
    "or a constant is symmetric too)"
    if half_turn > 0
    else "closer to the symmetry of an edge than to that of a line (by this measure only: "
    "any pattern that a half turn negates scores -1)",
)
thickness = run.config["data"]["thickness"]
glue("thick_max", thickness[1])
glue("thick_pixels", plural(thickness[1], "pixel", "pixels"))
# The argument needs lines thinner than a patch (7 pixels); the text glues the thickness.
bound(
    "the lines are thinner than a patch is wide (7 pixels)",
    thickness[1],
    n=1,
    at_most=6,
    statistic="largest line thickness of the data, in pixels",
    fmt="{}",
)
setting("the images have no noise", run.config["data"]["noise"], expected=0)
every(
    "the images are black and white, nothing in between",
    np.isin(images.numpy(), (0.0, 1.0)),
    statistic="pixels that are 0 or 1",
)
every(
    "every term's patch holds both line and background pixels",
    has_line & has_background,
    statistic="terms whose patch holds both",
)
# sphinx_gallery_end_ignore

# %%
# |both| of the |n_terms| terms have a patch that holds both line and
# background pixels. It cannot be otherwise: the lines are at most
# |thick_max| |thick_pixels| thick and a patch is 7 wide, so a patch that touches
# a line also holds background on at least one side of it. Every gradient
# of a first-layer kernel is a signed sum of such pieces of lines and their
# edges (and of blank patches, which change only the bias), whatever the
# labels say; a step of plain SGD subtracts it from the kernel, scaled by
# the learning rate but otherwise as it is, while Adam
# rescales each weight's step on its own.
# A bar between two darker bands is the shape of a :term:`line detector`,
# which looks the same turned by half a turn; an edge detector turns into
# its own negative. The gradient of kernel |kernel| in the figure correlates
# |half_turn| with itself turned by half a turn: |grad_shape|. Either way,
# it is made of lines and their edges. Whether the sum comes out an edge
# detector depends on the weights of the sum, which the error signal sets:
# the weight ``delta`` of each patch, its sign, its size, and whether it is
# zero. ``delta`` depends both on the labels and on the network's current
# weights (the next page shows how).
# Over the seed study, :ref:`the edge-match page <labels-over-seeds>` finds
# |/auto_examples/beyond/plot_01_edge_match:sl_true_change| of the changes
# to be edge detectors after training with the true labels, and
# |/auto_examples/beyond/plot_01_edge_match:sl_shuffled_change| after
# training from the same starts with shuffled labels. Beside them, a
# reference built by hand, not a null of the changes' kind (its weights are
# random, not those of training, and it knows nothing of Adam's per-weight
# steps): random sums of patches of our line images, made without any
# learning, pass the same edge test
# |/auto_examples/beyond/plot_01_edge_match:patch_sum_rate| of the time
# (|/auto_examples/beyond/plot_01_edge_match:patch_sum_low| to
# |/auto_examples/beyond/plot_01_edge_match:patch_sum_high|).
# The :doc:`next page <plot_02_error_signal>` follows ``delta`` back through
# :term:`max-pooling` and the :term:`ReLU` to see where it lands.

# sphinx_gallery_thumbnail_number = 1
