"""The "what to look for" marks of cnnexplain.viz.marks: where they land, and what they refuse."""

import matplotlib.pyplot as plt
import numpy as np
import pytest
import torch
from figure_text import text_sizes
from matplotlib.patches import Rectangle

from cnnexplain.viz import edge_bands, mark_edge_bands, plot_kernels
from cnnexplain.viz._style import MIN_FONT_SIZE

MINUS = "\u2212"


def rows_kernel(plus: int, minus: int, size: int = 7) -> np.ndarray:
    """A kernel of zeros with one row of +1 and one row of -1."""
    kernel = np.zeros((size, size))
    kernel[plus], kernel[minus] = 1.0, -1.0
    return kernel


def outlines(ax) -> list[Rectangle]:
    return [p for p in ax.patches if isinstance(p, Rectangle)]


def covered_cells(rect: Rectangle) -> tuple[range, range]:
    """The rows and columns of an imshow panel whose centres the rectangle covers."""
    x0, y0 = rect.get_xy()
    x1, y1 = x0 + rect.get_width(), y0 + rect.get_height()
    cols = range(int(np.ceil(min(x0, x1))), int(np.floor(max(x0, x1))) + 1)
    rows = range(int(np.ceil(min(y0, y1))), int(np.floor(max(y0, y1))) + 1)
    return rows, cols


@pytest.fixture
def panel():
    fig, ax = plt.subplots()
    yield fig, ax
    plt.close(fig)


@pytest.mark.parametrize(("plus", "minus"), [(1, 5), (6, 0), (3, 2)])
def test_marks_land_on_the_positive_and_the_negative_row(panel, plus, minus):
    _, ax = panel
    kernel = rows_kernel(plus, minus)
    ax.imshow(kernel)
    bands = mark_edge_bands(ax, kernel)
    assert [(b.sign, b.axis, b.start, b.stop) for b in bands] == [
        (1, "rows", plus, plus + 1),
        (-1, "rows", minus, minus + 1),
    ]
    (plus_rows, plus_cols), (minus_rows, minus_cols) = (covered_cells(r) for r in outlines(ax))
    assert list(plus_rows) == [plus] and list(minus_rows) == [minus]
    assert list(plus_cols) == list(minus_cols) == list(range(7))  # the whole row
    assert [t.get_text() for t in ax.texts] == ["+", MINUS]
    for text, band in zip(ax.texts, bands):
        assert round(text.get_position()[1]) == band.start  # each sign inside its own band


def test_a_vertical_edge_is_marked_by_columns(panel):
    _, ax = panel
    kernel = torch.tensor(rows_kernel(2, 4).T)[None, None]  # a (1, 1, 7, 7) tensor, as a layer holds it
    ax.imshow(kernel[0, 0].numpy())
    bands = mark_edge_bands(ax, kernel)
    assert [(b.axis, b.start, b.stop) for b in bands] == [("columns", 2, 3), ("columns", 4, 5)]
    (plus_rows, plus_cols), (_, minus_cols) = (covered_cells(r) for r in outlines(ax))
    assert list(plus_cols) == [2] and list(minus_cols) == [4] and list(plus_rows) == list(range(7))


def test_a_band_spans_the_neighbours_of_its_peak_that_are_at_least_half_as_strong():
    kernel = np.zeros((7, 7))
    kernel[0:3] = [[0.6], [1.0], [0.5]]  # rows 0 to 2 positive, row 1 the strongest
    kernel[3] = 0.2  # positive, but less than half the peak: not in the band
    kernel[4:7] = [[-0.3], [-0.8], [-0.9]]
    plus, minus = edge_bands(kernel)
    assert (plus.start, plus.stop) == (0, 3) and plus.mean == pytest.approx(0.7)
    assert (minus.start, minus.stop) == (5, 7) and minus.mean == pytest.approx(-0.85)


def test_a_kernel_with_no_negative_row_gets_the_positive_band_only():
    kernel = np.tile(np.linspace(0.1, 1.0, 7)[:, None], (1, 7))
    (band,) = edge_bands(kernel)
    assert band.sign == 1 and band.label == "+" and band.stop == 7
    assert edge_bands(np.zeros((5, 5))) == []


def test_orientation_can_be_forced_and_marks_follow_an_image_extent(panel):
    _, ax = panel
    kernel = rows_kernel(1, 5)
    kernel[:, 1] += 0.1  # a weaker vertical edge: columns 1 and 5
    kernel[:, 5] -= 0.1
    assert [b.axis for b in edge_bands(kernel)] == ["rows", "rows"]  # the stronger edge by default
    ax.imshow(kernel, extent=(0, 70, 70, 0))  # 10 units a cell, row 0 at the top
    bands = mark_edge_bands(ax, kernel, orientation="columns")
    assert [(b.axis, b.start) for b in bands] == [("columns", 1), ("columns", 5)]
    # Column 1 is x from 10 to 20, the full height y from 0 to 70: inset by a tenth of a cell.
    rect = outlines(ax)[0]
    assert (rect.get_x(), rect.get_y()) == pytest.approx((11, 1))
    assert (rect.get_width(), rect.get_height()) == pytest.approx((8, 68))


def test_marks_on_a_library_figure_are_legible_and_inside_the_panel():
    kernels = np.stack([rows_kernel(1, 5), rows_kernel(2, 4).T])[:, None]
    fig = plot_kernels(kernels, title="")
    try:
        for ax, kernel in zip(fig.axes[:2], kernels):
            mark_edge_bands(ax, kernel)
        marks = [t for t in text_sizes(fig) if t["text"] in ("+", MINUS)]
        assert len(marks) == 4
        assert all(t["px"] >= MIN_FONT_SIZE * fig.dpi / 72 and not t["clipped"] for t in marks)
        for ax in fig.axes[:2]:
            panel = ax.get_window_extent()
            for text in ax.texts:
                box = text.get_window_extent()
                assert panel.x0 <= box.x0 and box.x1 <= panel.x1 and panel.y0 <= box.y0 and box.y1 <= panel.y1
    finally:
        plt.close(fig)


def test_bad_arguments_name_themselves(panel):
    _, ax = panel
    kernel = rows_kernel(1, 5)
    ax.imshow(kernel)
    with pytest.raises(TypeError, match="ax"):
        mark_edge_bands("panel", kernel)
    with pytest.raises(TypeError, match="kernel"):
        mark_edge_bands(ax, "kernel")
    with pytest.raises(ValueError, match="kernel"):
        mark_edge_bands(ax, np.zeros((2, 7, 7)))
    with pytest.raises(ValueError, match="kernel"):
        edge_bands(np.full((7, 7), np.nan))
    with pytest.raises(ValueError, match="orientation"):
        edge_bands(kernel, orientation="diagonal")
    with pytest.raises(TypeError, match="orientation"):
        edge_bands(kernel, orientation=0)
    with pytest.raises(ValueError, match=r"ax must show the kernel.*\(5, 5\)"):
        mark_edge_bands(ax, np.zeros((5, 5)))
    assert len(ax.patches) == 0  # nothing drawn by a refused call
