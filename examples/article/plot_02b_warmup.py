"""
Warm-up: learning a kernel whose answer is known
================================================

Here one 3x3 :term:`kernel` starts as random numbers and, in |n_steps|
small steps of :term:`gradient descent`, becomes the Prewitt kernel ``Gx``
of the previous page: given the answer, a kernel *can* be learned from
examples. The next pages ask what a network learns without it.
"""

# %%
# The task: copy what Gx does
# ---------------------------
# We give the kernel line images and, for each, the answer we want: the map
# that ``Gx`` makes of it (its :term:`feature map`). The kernel must learn to
# make the same maps.

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib.animation import FuncAnimation
from torch import nn

from cnnexplain import make_lines
from cnnexplain.edges import PREWITT_X, convolve
from cnnexplain.experiment import default_seed

data = make_lines(n_per_class=100, seed=0)  # 200 images of 50x50
images = data.images  # (200, 1, 50, 50)
targets = convolve(images, PREWITT_X)  # what Gx makes of them, (200, 1, 48, 48)

# sphinx_gallery_start_ignore
# One thread: this page's computations are small, and the site's build runs
# two examples at once on two cores, where two threads each would wait for
# one another (the training loop then takes seconds instead of a fraction).
torch.set_num_threads(1)
# sphinx_gallery_end_ignore
print("images:", tuple(images.shape), "| target maps:", tuple(targets.shape))

# %%
# The kernel, at random
# ---------------------
# A convolutional layer with one 3x3 kernel and no :term:`bias` is exactly
# one kernel sliding over the image. PyTorch fills it with random
# :term:`weights <weight>`; the :term:`seed` makes them the same on every run.

torch.manual_seed(default_seed())  # 0, unless CNNEXPLAIN_SEED says otherwise
layer = nn.Conv2d(1, 1, kernel_size=3, bias=False)
print("starting kernel:\n", layer.weight.detach()[0, 0].numpy().round(2))


def correlation_with_gx(kernel):
    """Pearson correlation between the kernel's nine weights and those of Gx."""
    return np.corrcoef(kernel.ravel(), PREWITT_X.numpy().ravel())[0, 1]


# %%
# Learning, step by step
# ----------------------
# Each step measures how far the kernel's maps are from the targets (the
# :term:`mean squared error`, our :term:`loss`), computes by
# :term:`back-propagation` the :term:`gradient` -- how the loss changes with
# each of the nine weights -- and moves every weight a little against it.
# Each step also repeats nine tenths of the step before (:term:`momentum`),
# so that the weights keep moving where the gradient is small but steady.

weight = layer.weight  # the nine numbers to learn, shape (1, 1, 3, 3)
# The rule of torch.optim.SGD(layer.parameters(), lr=10.0, momentum=0.9), written out.
# The learning rate looks large because the loss is an average over every pixel, and
# most pixels are black.
learning_rate, momentum = 10.0, 0.9
step = torch.zeros_like(weight)  # the last step taken
kernels = [weight.detach()[0, 0].numpy().copy()]  # the kernel before each step
losses = []
for _ in range(60):
    loss = ((layer(images) - targets) ** 2).mean()
    loss.backward()  # back-propagation: weight.grad is now the gradient
    with torch.no_grad():  # the update itself is not part of what is learned
        step = momentum * step + learning_rate * weight.grad
        weight -= step
    weight.grad = None
    losses.append(loss.item())
    kernels.append(weight.detach()[0, 0].numpy().copy())

learned = kernels[-1]
print("learned kernel:\n", learned.round(2))

# sphinx_gallery_start_ignore
# The numbers the text of this page quotes (glue) and its claims, see
# cnnexplain.claims: a claim that does not hold fails the site's build; when
# you run this file, it only prints a warning. The margins are stated here,
# before anything is measured or glued.
from cnnexplain.claims import bound, declare_margins, every, glue, setting

margins = declare_margins(
    half_steps=60 // 2,  # "within the first half" of the 60 steps
    still_falls=10.0,  # "still falls tenfold or more"
    match=0.99,  # "correlates with Gx at 0.99 or more"
    tenth=0.1,  # "within a tenth of Gx's"
    # The prose draws the loss on a logarithmic scale because it falls by a
    # factor of a hundred or more, two decades: what that reason needs.
    log_scale=100.0,
    zigzag=5,  # "zig-zags": the loss rises at five of the steps or more
)

n_steps = glue("n_steps", len(losses))
corr = np.array([correlation_with_gx(k) for k in kernels])
corr_final = glue("corr_final", corr[-1], "{:.3f}")
# The first step from which the correlation stays at 0.99 or more.
first_99 = glue(
    "first_99", next(s for s in range(len(corr)) if (corr[s:] >= 0.99).all())
)
# The words follow the run: over 1,500 random starts, the correlation settled at step 7, 8,
# 13 to 15, 20, 21 or 27 (9 starts), the momentum's swings; a later swing would pass the half.
if first_99 <= margins["half_steps"]:
    glue(
        "pattern_words",
        "comes first, within the first half of the steps",
    )
    bound(
        "the correlation reaches 0.99 for good within the first half of the steps",
        first_99,
        n=1,
        at_most="half_steps",
        statistic="first step from which the correlation stays at 0.99 or more",
        fmt="{:.0f}",
    )
else:
    glue(
        "pattern_words",
        "settles only in the second half of the steps in this run, after the momentum's "
        "swings",
    )
    bound(
        "in this run, the correlation reaches 0.99 for good only in the second half of the steps",
        first_99,
        n=1,
        at_least=31,
        statistic="first step from which the correlation stays at 0.99 or more",
        fmt="{:.0f}",
    )
# What the curve shows before that step: the first step at 0.99 or more, and the lowest
# correlation between it and the step from which it stays there (the swings the plot shows).
first_reach = int(np.argmax(corr >= margins["match"]))
if first_reach == first_99:
    glue(
        "reach_words",
        f"passes {margins['match']:.2f} at step {first_99} and stays above it",
    )
    every(
        "the correlation stays at 0.99 or more from the first step it reaches it",
        corr[first_reach:] >= margins["match"],
        statistic="steps from the first at 0.99 on, with a correlation of 0.99 or more",
    )
else:
    dip_step = first_reach + int(np.argmin(corr[first_reach:first_99]))
    glue(
        "reach_words",
        f"passes {margins['match']:.2f} already at step {first_reach}, swings back down (to "
        f"{corr[dip_step]:+.2f} at step {dip_step}), and stays above {margins['match']:.2f} "
        f"only from step {first_99} on",
    )
    every(
        "in this run the correlation reaches 0.99 before the step from which it stays there, "
        "and falls below 0.99 in between",
        [corr[first_reach] >= margins["match"], corr[dip_step] < margins["match"]],
        statistic="conditions met: 0.99 reached early, and lost again before it stays",
    )
largest_gap = glue("largest_gap", np.abs(learned - PREWITT_X.numpy()).max(), "{:.3f}")
with torch.no_grad():
    final_loss = ((layer(images) - targets) ** 2).mean().item()
loss_ratio = glue("loss_ratio", losses[0] / final_loss, "{:,.0f}")
late_ratio = glue("late_ratio", losses[first_99] / final_loss, "{:,.0f}")
bound(
    "the loss still falls tenfold or more after the correlation passed 0.99",
    late_ratio,
    n=1,
    at_least="still_falls",
    statistic="loss at that step / final loss",
    fmt="{:,.0f}",
)
glue("corr_start", corr[0], "{:+.2f}")
glue("match", margins["match"], "{:.2f}")
# "It zig-zags on the way down": the loss rises from one step to the next at five steps or
# more (over 300 random starts it rose at 24 to 31 of the 59 steps).
rises = glue("n_rises", int((np.diff(losses) > 0).sum()))
bound(
    "the loss zig-zags on its way down: it rises from one step to the next at five steps or more",
    rises,
    n=len(losses) - 1,
    at_least="zigzag",
    statistic="steps after which the loss is higher than before",
    fmt="{:.0f}",
)
bound(
    "after the steps, the learned kernel correlates with Gx at 0.99 or more",
    corr_final,
    n=1,
    at_least="match",
    statistic="correlation of the nine weights with Gx's",
    fmt="{:.5f}",
)
bound(
    "every learned weight is within a tenth of Gx's",
    largest_gap,
    n=9,
    at_most="tenth",
    statistic="largest difference of a weight from Gx's -1, 0 or +1",
    fmt="{:.3f}",
)
bound(
    "the loss fell by a factor of a hundred or more, enough to need a logarithmic scale",
    loss_ratio,
    n=1,
    at_least="log_scale",
    statistic="first loss / final loss",
    fmt="{:,.0f}",
)
# One kernel only makes Gx's maps exactly when the 3x3 patches of the images span all
# nine directions: each of their nine singular values is above the numerical
# tolerance that torch.linalg.matrix_rank uses (in double precision).
patches = torch.nn.functional.unfold(images, 3).transpose(1, 2).reshape(-1, 9).double()
singular = torch.linalg.svdvals(patches)
every(
    "only one kernel makes exactly Gx's maps of these images (the image patches have rank 9)",
    singular > singular.max() * max(patches.shape) * torch.finfo(patches.dtype).eps,
    statistic="singular values of the patch matrix above numerical tolerance",
)
setting(
    "the warm-up trains one 3x3 kernel without a bias, on 200 line images",
    (tuple(layer.weight.shape), layer.bias is None, len(images)),
    expected=((1, 1, 3, 3), True, 200),
)
# sphinx_gallery_end_ignore

# %%
# How alike are two kernels?
# --------------------------
# To follow the kernel, we need one number for how much it looks like
# ``Gx``: the :term:`correlation` of their nine weights. It is +1 when the
# weights of one rise and fall exactly with the other's, whatever their
# scale, near 0 when they are unrelated, and -1 for ``Gx`` with its signs
# flipped. Below, the random start and the learned kernel, each beside
# ``Gx``.


def as_text(value):
    """A weight as its cell shows it: +1, 0 or -1 for Gx, two decimals otherwise."""
    if value == round(value):
        return f"{value:+.0f}" if value else "0"
    return f"{round(value, 2) + 0.0:+.2f}"  # + 0.0: never "-0.00"


fig = plt.figure(figsize=(4.4, 4.8), layout="constrained")
pairs = {"the random start": kernels[0], f"after {len(losses)} steps": learned}
limit = max(np.abs(learned).max(), 1.0)
for subfig, (name, kernel) in zip(fig.subfigures(2, 1, hspace=0.04), pairs.items()):
    subfig.set_facecolor("0.93")  # a grey card around each pair
    subfig.suptitle(f"correlation r = {correlation_with_gx(kernel):+.2f}")
    for ax, weights, title in zip(
        subfig.subplots(1, 2), (kernel, PREWITT_X.numpy()), (name, "Gx")
    ):
        ax.imshow(weights, cmap="RdBu_r", vmin=-limit, vmax=limit)
        ax.set_title(title)
        ax.set_axis_off()
        for (i, j), value in np.ndenumerate(weights):
            color = "white" if abs(value) > 0.6 * limit else "black"
            ax.text(j, i, as_text(value), ha="center", va="center", color=color)

# %%
# Watching it converge
# --------------------
# Each frame shows the kernel after a number of steps beside ``Gx``, and
# what each makes of one vertical line, zoomed on its top end.


def top_left(image):
    """The first lit row and the first lit column of an image."""
    rows, columns = np.nonzero(image.numpy())
    return int(rows.min()), int(columns.min())


# The first vertical line whose top end lies well inside the image, and a
# 16x16 window of the maps around that end.
line = next(
    im for im in data.of_class("vertical").images[:, 0] if 8 <= min(top_left(im)) <= 36
)
top, left = top_left(line)
zoom = np.s_[top - 6 : top + 10, left - 7 : left + 9]
frames = [0, 1, 2, 4, 8, 15, 30, 60]  # few frames: each one adds a picture to the page
maps = {step: convolve(line, kernels[step]).numpy()[zoom] for step in frames}
maps["Gx"] = convolve(line, PREWITT_X).numpy()[zoom]
# One colour scale for all frames, wide enough for the largest value shown.
w_lim = max(np.abs(kernels[step]).max() for step in frames)
m_lim = max(np.abs(m).max() for m in maps.values())

fig, axes = plt.subplots(2, 2, figsize=(4.6, 4.6), layout="constrained")
axes = axes.ravel()  # kernels above their maps: a frame that reads on a phone
for ax in axes:
    ax.set_axis_off()
kernel_image = axes[0].imshow(kernels[0], cmap="RdBu_r", vmin=-w_lim, vmax=w_lim)
axes[1].imshow(PREWITT_X.numpy(), cmap="RdBu_r", vmin=-w_lim, vmax=w_lim)
axes[1].set_title("Gx, the answer")
map_image = axes[2].imshow(maps[0], cmap="RdBu_r", vmin=-m_lim, vmax=m_lim)
axes[3].imshow(maps["Gx"], cmap="RdBu_r", vmin=-m_lim, vmax=m_lim)
axes[3].set_title("Gx's map, the target")
fig.colorbar(map_image, ax=axes[2:], shrink=0.8, label="response")
numbers = [
    axes[0].text(j, i, "", ha="center", va="center") for i in range(3) for j in range(3)
]
for (i, j), value in np.ndenumerate(PREWITT_X.numpy()):
    axes[1].text(j, i, f"{value:+.0f}" if value else "0", ha="center", va="center")


def show_step(step):
    """Draw the kernel after ``step`` steps, and the map it makes of the line."""
    kernel_image.set_data(kernels[step])
    for text, value in zip(numbers, kernels[step].ravel()):
        text.set_text(f"{value:+.2f}")
    map_image.set_data(maps[step])
    r = correlation_with_gx(kernels[step])
    axes[0].set_title(f"step {step}, r = {r:+.2f}")
    axes[2].set_title("its map")
    return [kernel_image, map_image, *numbers]


show_step(0)
anim = FuncAnimation(fig, show_step, frames=frames, interval=800)

# sphinx_gallery_start_ignore
setting(
    "the animation starts at the random kernel and ends at the learned one (step 60)",
    (frames[0], frames[-1], n_steps),
    expected=(0, 60, 60),
)
# sphinx_gallery_end_ignore

# %%
# The loss, and the match with Gx
# -------------------------------
# Left, the loss, on a logarithmic scale: it falls by a factor of
# |loss_ratio|, zig-zagging as the weights overshoot and swing back. Right,
# the correlation with ``Gx``: from |corr_start|, it |reach_words| (the
# dotted line), and ends at |corr_final|. The pattern of ``Gx``
# |pattern_words|; the later steps refine the weights, and the loss still
# falls |late_ratio| times after that.

with torch.no_grad():
    loss_after = ((layer(images) - targets) ** 2).mean().item()
curve = [*losses, loss_after]  # the loss after 0, 1, ..., 60 steps

fig, (ax_loss, ax_corr) = plt.subplots(1, 2, figsize=(9.0, 2.8), layout="constrained")
ax_loss.semilogy(range(len(curve)), curve)
ax_loss.set_xlabel("step")
ax_loss.set_ylabel("mean squared error (log scale)")
r_curve = [correlation_with_gx(k) for k in kernels]
# The step from which the correlation stays at 0.99 or more: before it, the curve can
# pass 0.99 and swing back below it.
stays = next(s for s in range(len(r_curve)) if min(r_curve[s:]) >= 0.99)
ax_corr.plot(range(len(kernels)), r_curve)
ax_corr.axhline(0.99, color="0.5", ls="--", lw=1, label="0.99")
ax_corr.axvline(stays, color="0.3", ls=":", lw=1, label=f"0.99 for good, step {stays}")
ax_corr.set_xlabel("step")
ax_corr.set_ylabel("correlation with Gx")
ax_corr.legend(loc="lower right")

# sphinx_gallery_start_ignore
every(
    "the dotted line marks the step the text names, from which the correlation stays at 0.99",
    [stays == first_99],
    statistic="dotted lines at the step glued as first_99",
)
# sphinx_gallery_end_ignore

# %%
# After |n_steps| steps every learned weight is within |largest_gap| of the
# -1, 0 or +1 of ``Gx``: gradient descent found the hand-made :term:`edge
# detector`, because the targets pinned it down. Only one kernel makes
# exactly the maps of ``Gx`` from these images, so the best possible kernel
# is ``Gx`` itself.
#
# When the answer is not given
# ----------------------------
# The network of the next pages is told much less: only whether each image
# is a horizontal or a vertical line. Many different kernels then lead to
# the right class, and which ones a network finds depends on its random
# seed, not only on the task. The next pages show what it finds.
#
# .. evidence:: How sure: many kernels solve the task
#
#    The :ref:`seed study <sphx_glr_auto_examples_beyond_plot_05_seeds.py>`
#    trains |/auto_examples/beyond/plot_05_seeds:n_runs| networks that
#    differ only in their training seed, which sets the initial weights, the
#    order of the batches and the dropout masks:
#    |/auto_examples/beyond/plot_05_seeds:n_perfect| of them end their
#    |/auto_examples/beyond/plot_05_seeds:n_epochs| epochs with every test
#    image right, each with different kernels. The study does not separate
#    how much the start, the order and the dropout each matter.

# sphinx_gallery_thumbnail_number = 1
