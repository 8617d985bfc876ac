"""
One image, end to end
=====================

You will follow one horizontal line through the whole trained network, from
its pixels to the two class probabilities, with every layer's output and its
shape. It ties the story together: every piece the earlier pages looked at on
its own does its part in one decision.

The path: the eight maps of the first :term:`convolution`, what :term:`ReLU` and
:term:`pooling <max-pooling>` keep of them, the second convolution's maps,
the 32 :term:`hidden units <hidden unit>`, and finally the two class
:term:`probabilities <probability>` -- a whole :term:`forward pass`.
"""

# %%
# The forward pass, layer by layer
# --------------------------------
# :func:`~cnnexplain.model.activations` records the output of every named
# :term:`layer` with forward hooks; the figure draws them from input (top)
# to output (bottom). Pre-activation maps (``conv1``, ``conv2``) are signed
# and use the
# blue-white-red scale centred on zero; after a ReLU everything is
# non-negative and uses a gray scale from zero.

import torch

from cnnexplain import activations, evaluate, viz
from cnnexplain.experiment import experiment

run = experiment()
model = run.model
horizontal = run.test_set.of_class("horizontal")
image = horizontal.images[0]
fig = viz.plot_forward_pass(model, image, class_names=run.test_set.classes)

# sphinx_gallery_start_ignore
# A link to the explorer page with this image at the last epoch, linked from the text below. The
# image is the first held-out horizontal line, the explorer's sample "horizontal 1".
from cnnexplain.claims import glue_link

last = float(run.history.epochs[-1])
fragment = viz.explorer_fragment(epoch=last, image="horizontal 1")
explorer_url = glue_link(
    "live_end",
    f"the sample horizontal 1 at epoch {last:g}",
    "plot_04b_explorer.html" + fragment,
)
# sphinx_gallery_end_ignore

# %%
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
# The numbers the text of this page quotes (glue) and its claims (check), see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning.
from cnnexplain.claims import check, glue

n_maps, n_hidden = acts["conv1"].shape[1], acts["fc1"].shape[1]
check(
    "the first convolution makes eight maps and the hidden layer has 32 units",
    (n_maps, n_hidden) == (8, 32),
    measured=f"{n_maps} maps, {n_hidden} hidden units",
)
check(
    "the image ends as two class scores",
    tuple(acts["fc2"].shape) == (1, 2),
    measured=f"fc2 output of shape {tuple(acts['fc2'].shape)}",
)
signed = [
    name for name in ("conv1", "conv2") if acts[name].min() < 0 < acts[name].max()
]
after_relu = [
    name for name in acts if name.startswith(("relu", "pool")) and acts[name].min() < 0
]
check(
    "the conv1 and conv2 maps are signed; after a ReLU (and its pooling) nothing is negative",
    signed == ["conv1", "conv2"] and not after_relu,
    measured=f"signed: {', '.join(signed) or 'none'}; negative after a ReLU: {', '.join(after_relu) or 'none'}",
)
# sphinx_gallery_end_ignore

# %%
# The prediction
# --------------
# The last layer gives two scores (:term:`logits`); the :term:`softmax`
# turns them into probabilities that add up to one. For this image the network is right,
# and sure of it: the vertical class gets a probability of |p_vertical|,
# the horizontal class the rest (|p_horizontal| when rounded).

probs = torch.softmax(acts["fc2"], dim=1)[0]
for name, p in zip(run.test_set.classes, probs):
    print(f"P({name}) = {p:.4f}")

# sphinx_gallery_start_ignore
p_horizontal = float(probs[run.test_set.classes.index("horizontal")])
glue("p_horizontal", p_horizontal, "{:.2%}")
glue("p_vertical", float(probs[run.test_set.classes.index("vertical")]), "{:.1e}")
check(
    "the network is right and sure about this image: more than 99% probability for horizontal",
    p_horizontal > 0.99,
    measured=f"{p_horizontal:.4%}",
)
# sphinx_gallery_end_ignore

# %%
# Nearly all the held-out images get the same treatment: below, the share
# of the :term:`test set` classified correctly, and the share whose predicted
# class gets a probability above |sure|.

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
check(
    "the network classifies 99% or more of the test images correctly",
    correct >= 0.99,
    measured=f"{correct:.1%}",
)
glue("sure", sure, "{:.0%}")
# "Nearly all": 95% or more of the test images.
check(
    "nearly all test images (95% or more) get more than 99% probability for the predicted class",
    confident >= 0.95,
    measured=f"{confident:.1%}",
)
# sphinx_gallery_end_ignore

# %%
# In this run, the network classifies |correct| of the |n_test| held-out
# images correctly, and it is more than |sure| sure of its answer for
# |confident| of them.

# sphinx_gallery_thumbnail_number = 1
