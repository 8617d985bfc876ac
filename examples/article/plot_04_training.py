"""
Training, and the kernels changing epoch by epoch
=================================================

Now the network learns. We train it for 20 epochs with the Adam optimizer on
the cross-entropy loss, and after every epoch we store a copy of *all* its
weights. That history is what makes the rest of the story visible: here it
becomes an animation of the eight first-layer kernels.

You will train it, read the learning curves, and watch the kernels take
shape.
"""

# %%
# Train while recording the weights
# ---------------------------------
# The code of the project's README: make the data (1,200 images, 80/20
# split), build :class:`~cnnexplain.model.LineCNN` and call
# :func:`~cnnexplain.training.train`, which snapshots every parameter before
# training and after each epoch. On a laptop CPU it takes a few seconds.

import numpy as np

from cnnexplain import LineCNN, make_lines, train, viz
from cnnexplain.experiment import experiment

train_set, val_set = make_lines(n_per_class=600, seed=0).split(test_fraction=0.2)
model = LineCNN()
history = train(model, train_set, val_set=val_set, epochs=20)
print(history)
print("snapshots:", len(history), "| conv1 weights:", history["conv1.weight"].shape)
assert history["conv1.weight"].shape == (21, 8, 1, 7, 7)

# %%
# The later pages reuse this very run through
# :func:`~cnnexplain.experiment.experiment`, which makes the same calls with
# the same defaults and caches the history on disk (in the folder named by
# the ``CNNEXPLAIN_CACHE`` environment variable, else
# ``~/.cache/cnnexplain``; this site's build uses ``docs/_build/cache``).
# Same seeds, same bytes: its history equals the one trained above.

assert experiment().history == history

# %%
# Learning curves
# ---------------
# Epoch 0 is the untrained network: it guesses, so its accuracy is near 50%.
# The test (validation) accuracy is measured on the 240 images held out.

fig = viz.plot_training_curves(history)

val_acc = history.metrics["val_accuracy"]
first = int(np.argmax(val_acc >= 0.99))
print(
    f"validation accuracy: {100 * val_acc[0]:.1f}% before training, "
    f"{100 * val_acc[-1]:.1f}% after {len(val_acc) - 1} epochs; "
    f"first at or above 99% after epoch {first}"
)
assert abs(val_acc[0] - 0.5) < 0.1 and val_acc[-1] >= 0.99

# %%
# The kernels, epoch by epoch
# ---------------------------
# Each frame shows the eight 7x7 kernels of ``conv1`` after one epoch. Unlike
# the article's animation, the colour map is centred on zero and its limits
# stay the same in every frame: red is positive, blue negative, white zero,
# and equal colours mean equal values across frames. The curves on the right
# mark where training stands. Step through it with the player.

anim = viz.animate_kernels(history, layer="conv1")

# %%
# The same animation as a GIF file, to download or to put in a slide:

gif = viz.save_gif(anim, "kernels.gif")
print(f"wrote {gif.name}: {len(history)} frames, {gif.stat().st_size / 1024:.0f} KB")

# %%
# How far the kernels moved
# -------------------------
# The article describes the weights as values between 0 and 1. They are
# not: a kernel weight is a signed number, and the negative ones matter as
# much as the positive ones (an edge detector *subtracts* one side from the
# other). Below, the range of the weights and how much each kernel changed,
# relative to its size at initialization.

w = history["conv1.weight"][:, :, 0]  # (snapshots, kernel, 7, 7)
change = np.linalg.norm(w[-1] - w[0], axis=(1, 2)) / np.linalg.norm(w[0], axis=(1, 2))
print(f"weights after training range from {w[-1].min():+.2f} to {w[-1].max():+.2f}")
for k, c in enumerate(change):
    print(f"kernel {k}: changed by {100 * c:.0f}% of its initial norm")
assert w[-1].min() < 0 < w[-1].max()
assert change.min() > 0.2

# sphinx_gallery_thumbnail_number = 2
