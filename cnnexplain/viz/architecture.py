"""A picture of a network: its layers left to right, each output drawn to scale.

:func:`plot_architecture` draws the rows of a :class:`~cnnexplain.model.ModelSummary`
as a learner draws a CNN on a whiteboard: a stack of maps for every layer that
outputs maps (one sheet per channel, its side proportional to the map's), a bar
for every layer that outputs a list of numbers, and under each the layer's name
and the shape of what it outputs. Layers that do not change the shape (a ReLU,
dropout) join the block of the layer before them, named after it.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.axes import Axes
from matplotlib.figure import Figure, FigureBase
from matplotlib.patches import FancyArrowPatch, Rectangle

from ..model import ModelSummary
from ._args import instance_of
from ._style import FIGURE_WIDTH, styled_figure

__all__ = ["plot_architecture"]

#: At most this many sheets are drawn for a stack of maps; the label gives the true count.
MAX_SHEETS = 8
#: The side of the largest map, in the axes' units; every other size is relative to it.
LARGEST = 1.0
#: How far each sheet of a stack is shifted from the one before, up and to the right.
SHIFT = 0.06
#: The fill of a stack of maps and of a bar of numbers.
MAP_COLOR, VECTOR_COLOR = "#cfe0f1", "#f4d6b8"


@dataclass
class _Block:
    """One block of the picture: the layers it stands for and the shape of their output."""

    names: list[str]
    shape: tuple[int, ...]  # without the batch: (C, H, W) or (n,)

    @property
    def label(self) -> str:
        """The layers' names, one per line, then the shape: ``"conv1\\n+ relu1\\n8 maps of 44x44"``."""
        count = self.shape[0]
        if len(self.shape) == 3:
            shape = f"{count} {'map' if count == 1 else 'maps'} of {self.shape[1]}x{self.shape[2]}"
        else:
            shape = f"{count} {'number' if count == 1 else 'numbers'}"
        return "\n".join([self.names[0], *(f"+ {name}" for name in self.names[1:]), shape])


def _blocks(summary: ModelSummary) -> list[_Block]:
    """The input, then one block per change of shape; same-shape layers join the block before."""
    blocks = [_Block(["input"], tuple(summary.input_shape[1:]))]
    for row in summary.rows:
        shape = tuple(row.output_shape[1:])
        if shape == blocks[-1].shape and blocks[-1].names != ["input"]:
            blocks[-1].names.append(row.name)
        else:
            blocks.append(_Block([row.name], shape))
    return blocks


def _draw_maps(ax: Axes, x: float, shape: tuple[int, ...], largest_side: int) -> float:
    """A stack of sheets for maps ``(C, H, W)`` at ``x``; returns the stack's width."""
    channels, height, width = shape
    side_h, side_w = LARGEST * height / largest_side, LARGEST * width / largest_side
    sheets = min(channels, MAX_SHEETS)
    for s in range(sheets):
        ax.add_patch(
            Rectangle(
                (x + s * SHIFT, -side_h / 2 + s * SHIFT),
                side_w,
                side_h,
                facecolor=MAP_COLOR,
                edgecolor="0.25",
                linewidth=0.8,
            )
        )
    return side_w + (sheets - 1) * SHIFT


def _draw_vector(ax: Axes, x: float, length: int, longest: int) -> float:
    """A bar for ``length`` numbers at ``x``, its height growing with the length; returns its width."""
    height = LARGEST * max(0.08, (length / longest) ** 0.5)  # square root: 2 numbers stay visible
    width = 0.12
    ax.add_patch(
        Rectangle((x, -height / 2), width, height, facecolor=VECTOR_COLOR, edgecolor="0.25", linewidth=0.8)
    )
    return width


def plot_architecture(summary: ModelSummary, *, fig: FigureBase | None = None) -> Figure:
    """Draw a network's layers left to right, each output to scale, named and sized.

    Parameters
    ----------
    summary : ModelSummary
        From :func:`~cnnexplain.model.summary`: the layers, in the order
        they run, with the shapes of their outputs.
    fig : Figure or SubFigure, optional
        Where to draw.

    Returns
    -------
    matplotlib.figure.Figure
        One axes, without ticks. Under each block, a text: the names of the
        layers it stands for, one per line (the second and later ones after a
        ``+``), and the shape of their output (``"8 maps of 44x44"``,
        ``"32 numbers"``).

    Raises
    ------
    TypeError
        If ``summary`` is not a ModelSummary.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from cnnexplain import LineCNN, summary
    >>> fig = plot_architecture(summary(LineCNN()))
    >>> for text in fig.axes[0].texts[:3]:
    ...     print(text.get_text().replace("\\n", " "))
    input 1 map of 50x50
    conv1 + relu1 8 maps of 44x44
    pool1 8 maps of 22x22
    >>> plt.close(fig)
    """
    instance_of("summary", summary, ModelSummary, "a ModelSummary from cnnexplain.summary")
    blocks = _blocks(summary)
    largest_side = max(max(b.shape[1:]) for b in blocks if len(b.shape) == 3)
    longest = max((b.shape[0] for b in blocks if len(b.shape) == 1), default=1)
    gap = 0.9  # the room between two blocks, for an arrow and the labels' width
    with styled_figure(fig, (FIGURE_WIDTH, 2.7)) as container:
        ax = container.subplots()
        x, right_ends = 0.0, []
        for i, block in enumerate(blocks):
            if i:  # an arrow from the block before
                ax.add_patch(
                    FancyArrowPatch(
                        (right_ends[-1] + 0.08, 0),
                        (x - 0.08, 0),
                        arrowstyle="-|>",
                        mutation_scale=10,
                        color="0.3",
                    )
                )
            if len(block.shape) == 3:
                width = _draw_maps(ax, x, block.shape, largest_side)
            else:
                width = _draw_vector(ax, x, block.shape[0], longest)
            ax.text(x + width / 2, -LARGEST / 2 - 0.12, block.label, ha="center", va="top", fontsize=8)
            right_ends.append(x + width)
            x += width + gap
        ax.set_xlim(-0.45, x - gap + 0.45)  # room for the first and last labels
        ax.set_ylim(-LARGEST / 2 - 0.75, LARGEST / 2 + MAX_SHEETS * SHIFT + 0.05)
        ax.set_aspect("equal")
        ax.set_axis_off()
    return container.figure
