"""
Dead kernels, found by measurement
==================================

The article remarks that every kernel learns something "except a few dead
ones", and leaves it there. A kernel is dead when its ReLU output is zero for
every input: it never fires, so no gradient ever reaches its weights, and it
can never come back. That is a property we can measure instead of spotting
by eye.

You will measure every kernel's activity in our main run, then provoke a dead
kernel with a too-large learning rate and watch the moment it dies.
"""

# %%
# Measuring activity
# ------------------
# :func:`~cnnexplain.analysis.dead_kernels` runs the whole data set through
# the model and records, for each kernel, the largest value its ``relu1`` map
# ever takes. A kernel whose largest value stays below 1% of the most active
# kernel's counts as dead.

import matplotlib.pyplot as plt
import numpy as np

from cnnexplain import viz
from cnnexplain.analysis import dead_kernels
from cnnexplain.experiment import experiment

run = experiment()
data = run.data
dead = dead_kernels(run.model, data, layer="relu1", threshold=0.01)
for k, peak in enumerate(dead.peak):
    print(f"kernel {k}: largest relu1 output {peak:.2f}")
print("dead kernels:", dead.indices or "none")
assert dead.indices == []

# %%
# In the main run, with Adam's usual learning rate of 0.001, no kernel is
# dead: all eight fire on some images. Dead kernels are not a law of
# training; they are a risk, and a large step size is the classic way to
# run into it.
#
# Provoking one
# -------------
# The same data, model and seed, trained with a learning rate 30 times larger
# (0.03).

fast = experiment(training={"lr": 0.03})
dead_fast = dead_kernels(fast.model, data, layer="relu1", threshold=0.01)
print("validation accuracy with lr=0.03:", fast.history.metrics["val_accuracy"][-1])
print("dead kernels with lr=0.03:", dead_fast.indices)
assert len(dead_fast.indices) >= 1
victim = dead_fast.indices[0]

fig, ax = plt.subplots(figsize=(6, 2.6), layout="constrained")
x = np.arange(len(dead.peak))
ax.bar(x - 0.2, dead.peak, width=0.4, label="lr = 0.001 (main run)", color="#4c72b0")
ax.bar(x + 0.2, dead_fast.peak, width=0.4, label="lr = 0.03", color="#dd8452")
ax.set_xticks(x, [f"kernel {k}" for k in x])
ax.set_ylabel("largest relu1 output")
ax.set_title("Activity of each first-layer kernel over all 1,200 images")
ax.legend()

# %%
# The network does not need every kernel: even with one of its eight
# detectors gone, it still classifies the held-out images perfectly.

assert fast.history.metrics["val_accuracy"][-1] >= 0.99

# %%
# The moment it dies
# ------------------
# Thanks to the weight history, we can replay training and measure the
# kernel's activity after every epoch. Once it stops firing, its weights stop
# moving: a ReLU that outputs zero everywhere passes back a zero gradient.
# (Adam's momentum carries the weights a little further for a few epochs,
# then they freeze for good.)

history = fast.history
peak = np.array(
    [dead_kernels(history.model_at(s), data, layer="relu1").peak[victim] for s in range(len(history))]
)
w = history["conv1.weight"][:, victim].reshape(len(history), -1)
moved = np.linalg.norm(np.diff(w, axis=0), axis=1)
died = int(np.argmax(peak == 0))
frozen = int(np.argmax(moved == 0)) + 1
print(
    f"kernel {victim}: largest output per epoch {np.round(peak[:4], 2)} ...; "
    f"silent from epoch {died}, weights frozen from epoch {frozen}"
)
print(f"its bias ended at {history['conv1.bias'][-1, victim]:+.3f}")
assert peak[0] > 0 and (peak[died:] == 0).all() and (moved[frozen - 1 :] == 0).all()

fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(8, 2.6), layout="constrained")
ax1.plot(peak, marker="o", ms=3)
ax1.set_xlabel("epoch")
ax1.set_ylabel("largest relu1 output")
ax1.set_title(f"kernel {victim} stops firing")
ax2.semilogy(np.arange(1, len(moved) + 1), np.maximum(moved, 1e-8), marker="o", ms=3, color="#dd8452")
ax2.set_xlabel("epoch")
ax2.set_ylabel("weight change in the epoch")
ax2.set_title("... and its weights freeze (zeros drawn at 1e-8)")

# %%
# The dead kernel is still there, with whatever weights it had when it died:
# dead does not mean empty. Here are all eight kernels of the fast run.

fig = viz.plot_kernels(history, layer="conv1", step=-1, title=f"lr = 0.03: kernel {victim} is dead")

# sphinx_gallery_thumbnail_number = 2
