"""
The model: a small CNN and its 400 first-layer parameters
=========================================================

The network that will learn to tell the lines apart is deliberately small:
two convolutional layers, each followed by a ReLU and a 2x2 max-pooling, then
two dense layers. Small enough to print whole, and to count every parameter
by hand.

You will print its summary, check the arithmetic of the first layer's
parameter count -- the article's 400 -- and see where the rest of the
parameters live.
"""

# %%
# Layer by layer
# --------------
# :func:`~cnnexplain.model.summary` runs one dummy image through the model
# and lists every layer with the shape of its output and its number of
# parameters. The layer names (``conv1``, ``relu1``, ``pool1``, ...) are the
# ones used everywhere on this site: in the weight history, the figures and
# the text.

import matplotlib.pyplot as plt

from cnnexplain import LineCNN, summary

model = LineCNN(n_kernels=8, kernel_size=7, image_size=50, n_classes=2)
table = summary(model, input_size=(1, 1, 50, 50))
print(table)

# %%
# The first layer's 400 parameters
# --------------------------------
# ``conv1`` holds 8 kernels. Each kernel is a 7x7 grid of weights applied to
# the single (grayscale) input channel, and each kernel has one bias added to
# its output. So: 8 x (7 x 7 x 1) weights + 8 biases = 392 + 8 = 400.

conv1 = table.row("conv1")
print(conv1.arithmetic, "=", conv1.params)
assert conv1.params == 8 * (7 * 7 * 1) + 8 == 400
assert tuple(model.conv1.weight.shape) == (8, 1, 7, 7)

# %%
# Shapes: what each layer does to the image
# -----------------------------------------
# A 7x7 kernel without padding fits 50 - 7 + 1 = 44 times along each axis, so
# ``conv1`` turns one 50x50 image into 8 maps of 44x44 -- one per kernel.
# Each max-pooling halves the side. ``conv2`` mixes the 8 maps with 3x3
# kernels into 8 new maps; after the second pooling, 8 x 10 x 10 = 800
# numbers remain, which the dense layers turn into two class scores.

assert table.row("conv1").output_shape == (1, 8, 44, 44)
assert table.row("pool1").output_shape == (1, 8, 22, 22)
assert table.row("pool2").output_shape == (1, 8, 10, 10)
assert table.row("fc2").output_shape == (1, 2)

# %%
# Where the parameters live
# -------------------------
# Nearly all of them sit in the first dense layer ``fc1``, which connects
# every one of the 800 pooled values to each of its 32 units. The kernels
# this site is about are a tiny share of the model.

rows = [r for r in table.rows if r.params]
fig, ax = plt.subplots(figsize=(6, 2.6), layout="constrained")
bars = ax.barh([r.name for r in rows][::-1], [r.params for r in rows][::-1], color="#4c72b0")
ax.bar_label(bars, labels=[f"{r.params:,}" for r in rows][::-1], padding=3)
ax.set_xscale("log")
ax.set_xlim(10, 3e5)
ax.set_xlabel("parameters (log scale)")
ax.set_title(f"LineCNN: {table.total_params:,} parameters in all")

share = table.row("fc1").params / table.total_params
print(
    f"fc1 holds {100 * share:.0f}% of the {table.total_params:,} parameters; "
    f"conv1 holds {100 * 400 / table.total_params:.1f}%"
)
assert share > 0.9

# sphinx_gallery_thumbnail_number = 1
