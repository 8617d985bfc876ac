"""An animation reads on a phone: the build records its smallest text, the site check measures it.

The build side (docs/_ext/frame_text.py, the scrapers) writes the size of an
animation's smallest text beside its frames; tools/site_check.py reads it at
390 px and wants the text at least ``MIN_PHONE_TEXT_PX`` CSS px high there,
and the player's controls inside the viewport.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib.pyplot as plt
import pytest
from matplotlib.animation import FuncAnimation
from PIL import Image, ImageSequence

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
from frame_text import describe, frame_text, label_players, with_gif_comment  # noqa: E402
from gif_scraper import record_frame_text  # noqa: E402
from site_check import (  # noqa: E402
    MIN_PHONE_TEXT_PX,
    controls_problems,
    frame_problem,
    gif_frame_text,
    parse_frame_text,
    text_on_screen,
)

from cnnexplain.viz import save_gif  # noqa: E402

# The animations made only to stand beside the GIF's are never drawn, which matplotlib warns about.
pytestmark = pytest.mark.filterwarnings("ignore:Animation was deleted without rendering")


def small_gif(frames: int = 3) -> bytes:
    """A looping GIF of ``frames`` frames of different colours."""
    images = [Image.new("RGB", (8, 4), (40 * i, 0, 0)) for i in range(frames)]
    out = io.BytesIO()
    images[0].save(out, format="GIF", save_all=True, append_images=images[1:], duration=100, loop=0)
    return out.getvalue()


def pixels(gif: bytes) -> list[bytes]:
    with Image.open(io.BytesIO(gif)) as image:
        return [frame.convert("RGB").tobytes() for frame in ImageSequence.Iterator(image)]


# -- the build side ---------------------------------------------------------------------------
def test_the_smallest_text_of_a_figure_and_its_width_in_pixels():
    fig = plt.figure(figsize=(4.6, 2.0), dpi=100)
    fig.text(0.1, 0.5, "large", fontsize=14)
    fig.text(0.6, 0.5, "small", fontsize=9)
    fig.text(0.6, 0.2, "   ", fontsize=5)  # draws nothing: not counted
    text_px, width_px = frame_text(fig)
    assert text_px == pytest.approx(9 * 100 / 72) and width_px == pytest.approx(460)
    assert frame_text(plt.figure()) is None  # no text at all
    plt.close("all")


def test_players_are_labelled_in_order_and_a_player_without_text_is_left_alone():
    rst = '<div class="animation"><img></div> <div class="animation"><img></div>'
    labelled = label_players(rst, [(12.5, 460.0), None])
    assert labelled.startswith('<div class="animation" data-text-px="12.50" data-width-px="460">')
    assert labelled.endswith('<div class="animation"><img></div>')


def test_a_gif_comment_keeps_the_frames_and_the_loop():
    gif = small_gif()
    commented = with_gif_comment(gif, "text-px=12.50 width-px=460")
    with Image.open(io.BytesIO(commented)) as image:
        assert image.info["comment"] == b"text-px=12.50 width-px=460"
        assert image.info["loop"] == 0 and image.n_frames == 3
    assert pixels(commented) == pixels(gif)
    with pytest.raises(ValueError, match="GIF"):
        with_gif_comment(b"\x89PNG....", "x")


def test_a_long_comment_is_split_into_blocks_of_255_bytes():
    comment = "x" * 600
    with Image.open(io.BytesIO(with_gif_comment(small_gif(), comment))) as image:
        assert image.info["comment"] == comment.encode()


def test_what_the_build_writes_the_check_reads():
    assert parse_frame_text(describe((12.5, 460.0))) == (12.5, 460.0)
    assert parse_frame_text(describe((9.72, 990.0)).encode()) == (9.72, 990.0)


def animation(figsize, fontsize):
    fig = plt.figure(figsize=figsize, dpi=100)
    title = fig.suptitle("frame 0", fontsize=fontsize)
    return FuncAnimation(fig, lambda i: [title.set_text(f"frame {i}")], frames=2, interval=100)


def test_the_gif_scraper_records_the_text_of_the_animation_that_drew_the_gif(tmp_path):
    anim = animation((4.6, 2.3), 9)
    other = animation((9.0, 3.0), 7)  # another shape: not the GIF's
    path = save_gif(anim, tmp_path / "a.gif", dpi=50)  # another dpi: the proportions match
    plt.close("all")  # as sphinx-gallery closes the figures of the block that made them
    record_frame_text(path, {"anim": anim, "other": other, "n": 3})
    assert gif_frame_text(path) == (2, (12.5, 460.0))
    plt.close("all")


def test_the_gif_scraper_leaves_a_gif_it_cannot_tell_alone(tmp_path):
    anim, twin = animation((4.6, 2.3), 9), animation((4.6, 2.3), 12)  # same shape, other text
    path = save_gif(anim, tmp_path / "a.gif")
    before = path.read_bytes()
    record_frame_text(path, {"anim": anim, "twin": twin})
    assert path.read_bytes() == before
    assert gif_frame_text(path) == (2, None)
    still = tmp_path / "still.gif"
    Image.new("RGB", (4, 4)).save(still)
    record_frame_text(still, {"anim": anim})
    assert gif_frame_text(still) == (1, None)
    assert gif_frame_text(tmp_path / "missing.gif") == (0, None)
    plt.close("all")


# -- the check --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "text", [None, "", "text-px=12.5", "text-px=a width-px=460", "text-px=0 width-px=460", "width-px=1"]
)
def test_a_missing_or_broken_record_reads_as_none(text):
    assert parse_frame_text(text) is None


def test_text_on_screen_scales_with_the_width_shown():
    assert text_on_screen(12.5, 460, 460) == 12.5
    assert text_on_screen(9.72, 990, 358) == pytest.approx(3.51, abs=0.01)
    assert text_on_screen(12.5, 460, 358) == pytest.approx(9.73, abs=0.01)


def frame(width: float, left: float = 16.0) -> dict:
    return {"what": "player 1", "width": width, "right": left + width}


def test_a_frame_reads_when_its_smallest_text_reaches_the_floor():
    assert frame_problem(frame(358), (12.5, 460.0), 390) is None
    floor_width = MIN_PHONE_TEXT_PX * 460 / 12.5  # the narrowest width at which it still reads
    assert frame_problem(frame(floor_width), (12.5, 460.0), 390) is None
    assert "8.9 CSS px" in frame_problem(frame(floor_width - 4), (12.5, 460.0), 390)


def test_a_frame_of_the_wide_layout_does_not_read_on_a_phone():
    problem = frame_problem(frame(358), (9.72, 990.0), 390)
    assert "3.5 CSS px high (< 9)" in problem and "990 px wide, shown 358 px wide" in problem


def test_a_frame_without_a_record_or_past_the_viewport_fails():
    assert "recorded no size" in frame_problem(frame(358), None, 390)
    assert "past the 390 px viewport" in frame_problem(frame(460), (12.5, 460.0), 390)


def test_controls_must_fit_without_scrolling():
    fits = {"what": "player 1", "scroll": 358, "client": 358, "controls": [control("Next frame", 300, 336)]}
    assert controls_problems(fits, 390) == []
    scrolls = {**fits, "scroll": 374}
    assert controls_problems(scrolls, 390) == [
        "player 1 scrolls sideways: 374 px of controls and frame in a 358 px box"
    ]
    outside = {**fits, "controls": [control("Faster", 360, 396), control("Slower", -4, 30)]}
    (problem,) = controls_problems(outside, 390)
    assert problem.endswith("outside the 390 px viewport: Faster, Slower")


def control(name: str, left: float, right: float) -> dict:
    return {"name": name, "left": left, "right": right, "width": right - left}
