"""
One image, end to end
=====================

To close the story, follow a single horizontal-line image through the whole
trained network: the 8 maps of the first convolution, what ReLU and pooling
keep of them, the second convolution's maps, the 32 hidden units, and finally
the two class probabilities.

You will see each layer's output, with its shape, and check the prediction.
"""

# %%
# The forward pass, layer by layer
# --------------------------------
# :func:`~cnnexplain.model.activations` records the output of every named
# layer with forward hooks; the figure draws them from input (top) to output
# (bottom). Pre-activation maps (``conv1``, ``conv2``) are signed and use the
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

# %%
# Shapes along the way
# --------------------

acts = activations(model, image[None])
for name, out in acts.items():
    print(f"{name:8s} {tuple(out.shape)}")
assert tuple(acts["conv1"].shape) == (1, 8, 44, 44) and tuple(acts["fc2"].shape) == (1, 2)

# %%
# The prediction
# --------------
# The last layer gives two scores (logits); the softmax turns them into
# probabilities that add up to one.

probs = torch.softmax(acts["fc2"], dim=1)[0]
for name, p in zip(run.test_set.classes, probs):
    print(f"P({name}) = {p:.4f}")
assert probs[run.test_set.classes.index("horizontal")] > 0.99

# %%
# The same holds across the held-out set: the share of test images whose
# predicted class gets more than 99% probability.

with torch.no_grad():
    p_all = torch.softmax(model(run.test_set.images), dim=1)
confident = (p_all.max(dim=1).values > 0.99).float().mean().item()
_, correct = evaluate(model, run.test_set)  # (mean loss, accuracy)
print(
    f"test images classified correctly: {100 * correct:.1f}%; with more than 99% confidence: {100 * confident:.1f}%"
)
assert correct >= 0.99

# sphinx_gallery_thumbnail_number = 1
