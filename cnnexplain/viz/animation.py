"""Animations: how the figure functions build them, and how to save one as a GIF.

An animation of :mod:`cnnexplain.viz` is a plain
:class:`~matplotlib.animation.FuncAnimation`: notebooks and sphinx-gallery
show it with :meth:`~matplotlib.animation.Animation.to_jshtml`, and
:func:`save_gif` writes it to a file through matplotlib's public writer
interface (:class:`~matplotlib.animation.AbstractMovieWriter`).

The GIF is written frame by frame as matplotlib draws them: the writer holds
the last frame drawn (to find what changed) and the one not yet written (whose
duration grows while the next frames are the same), never the whole
animation, so memory does not grow with the number of frames. Each frame
after the first stores only the rectangle that changed, with its own palette,
and its pixels that did not change as transparent (they compress to little).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import BinaryIO

import matplotlib as mpl
from matplotlib.animation import AbstractMovieWriter, Animation, FuncAnimation
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import GifImagePlugin, Image, ImageChops

from .._checks import check_float, describe
from .._io import atomic_write, exists
from ._args import instance_of
from ._style import ANIMATION_STYLE

__all__ = ["save_gif"]


def make_animation(
    figure: Figure, update: Callable[[int], list], n_frames: int, interval: int
) -> FuncAnimation:
    """Draw frame 0 with ``update``, fix the figure's layout and return the animation.

    The first draw runs inside :data:`~cnnexplain.viz._style.ANIMATION_STYLE`:
    it makes every tick label, and those are then switched to text without
    anti-aliasing as well. The constrained layout runs once and is then
    frozen, so that all frames share it and render faster.
    """
    with mpl.rc_context(ANIMATION_STYLE):
        update(0)
        figure.canvas.draw()
    for text in figure.findobj(Text):
        text.set_antialiased(False)
    figure.set_layout_engine("none")
    return FuncAnimation(figure, update, frames=range(n_frames), interval=interval, blit=False)


class _GifWriter(AbstractMovieWriter):
    """Write the frames matplotlib draws into one looping GIF as they come (see the module's description).

    Pillow encodes each frame (its palette: the 256 colours median cut
    chooses, as Pillow's own GIF writer does); the frames are put together
    with Pillow's GIF functions for writing frame by frame, ``getheader`` and
    ``getdata``. A frame the same as the one before it lengthens that one.
    """

    def setup(self, fig, outfile, dpi=None):
        super().setup(fig, outfile, dpi)
        self._file: BinaryIO = open(outfile, "wb")  # closed by finish()
        self._previous: Image.Image | None = None  # the last frame drawn, RGB
        self._pending: list = []  # [palette image, offset, duration in ms, options]: not yet written

    def grab_frame(self, **savefig_kwargs):
        buffer = BytesIO()
        self.fig.savefig(buffer, **savefig_kwargs, format="rgba", dpi=self.dpi)
        rgba = Image.frombuffer("RGBA", self.frame_size, buffer.getbuffer(), "raw", "RGBA", 0, 1)
        frame = rgba.convert("RGB")  # opaque frames quantize better to the GIF palette
        duration = self._duration()
        if self._previous is None:
            first = frame.convert("P", palette=Image.Palette.ADAPTIVE)  # as Pillow's GIF writer does
            header, _ = GifImagePlugin.getheader(first, info={"loop": 0})
            self._file.write(b"".join(header))
            self._pending = [first, (0, 0), duration, {}]  # its palette is the header's
        else:
            changed = ImageChops.difference(self._previous, frame).getbbox()
            if changed is None:  # the same picture: show the pending frame longer
                self._pending[2] += duration
            else:
                self._write_pending()
                image, transparent = _delta(self._previous.crop(changed), frame.crop(changed))
                options = {"include_color_table": True, "transparency": transparent}
                self._pending = [image, changed[:2], duration, options]
        self._previous = frame

    def finish(self):
        try:
            if self._previous is None:
                raise ValueError("animation: it has no frame to save")
            self._write_pending()
            self._file.write(b";")  # the GIF trailer
        finally:
            self._file.close()

    def _duration(self) -> int:
        # Pillow stores whole milliseconds: round, so that 1000 / (1000 / 150) gives 150.
        return max(10, round(1000 / self.fps))

    def _write_pending(self) -> None:
        image, offset, duration, options = self._pending
        self._file.write(b"".join(GifImagePlugin.getdata(image, offset, duration=duration, **options)))


def _delta(before: Image.Image, after: Image.Image) -> tuple[Image.Image, int]:
    """``after`` in at most 255 colours, and the palette index left for its pixels equal to ``before``'s.

    Those pixels are transparent in the GIF: the frame below shows through,
    and runs of one index compress to little.
    """
    image = after.convert("P", palette=Image.Palette.ADAPTIVE, colors=255)
    palette = image.getpalette()
    transparent = len(palette) // 3
    image.putpalette([*palette, 0, 0, 0])
    red, green, blue = ImageChops.difference(before, after).split()
    unchanged = ImageChops.lighter(ImageChops.lighter(red, green), blue).point(
        lambda v: 255 if v == 0 else 0, "1"
    )
    image.paste(transparent, mask=unchanged)
    return image, transparent


def save_gif(
    animation: Animation,
    path: str | os.PathLike,
    *,
    fps: float | None = None,
    dpi: float | None = None,
    overwrite: bool = True,
) -> Path:
    """Save an animation as a looping GIF, atomically and reproducibly.

    The frames are written into a temporary file, then renamed over
    ``path``: a crash never leaves a half-written GIF. The same animation
    gives the same bytes.

    Parameters
    ----------
    animation : matplotlib.animation.Animation
        Such as from :func:`animate_kernels` or :func:`animate_convolution`.
    path : str or os.PathLike
        Destination, ending in ``.gif``. Missing parent folders are made.
    fps : float, optional
        Frames per second; by default from the animation's interval.
    dpi : float, optional
        Resolution of the frames; by default the figure's.
    overwrite : bool
        Replace an existing file, keeping its permissions (the default, as
        GIFs are build outputs). Without it, anything at ``path`` (even a
        symbolic link to nothing) is kept and, of two processes saving to
        the same new path at once, exactly one succeeds.

    Returns
    -------
    pathlib.Path
        The path written.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid; the message names it. Without ``fps``, an
        animation whose window was closed has lost its interval: a ValueError.
    FileExistsError
        If ``path`` exists and ``overwrite`` is false.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import matplotlib.pyplot as plt
    >>> from PIL import Image
    >>> from cnnexplain.data import make_lines
    >>> from cnnexplain.edges import PREWITT_Y
    >>> from cnnexplain.viz import animate_convolution, save_gif
    >>> image = make_lines(n_per_class=1).images[0]
    >>> anim = animate_convolution(image, PREWITT_Y, region=(0, 0, 4, 4))
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     path = save_gif(anim, pathlib.Path(folder) / "slide.gif")
    ...     Image.open(path).n_frames
    4
    >>> plt.close("all")
    """
    instance_of("animation", animation, Animation, "a matplotlib.animation.Animation")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or os.PathLike, got {describe(path)}")
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be True or False, got {describe(overwrite)}")
    path = Path(path)
    if path.suffix.lower() != ".gif":
        raise ValueError(f"path must end in .gif, got {str(path)!r}")
    if path.is_dir():
        raise ValueError(f"path must be a file name, got the folder {str(path)!r}")
    if not overwrite and exists(path):
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    if fps is None:
        # The timer that plays the animation knows its interval; closing the window drops the timer.
        interval = getattr(animation.event_source, "interval", None)
        if interval is None:
            raise ValueError("fps must be given: the animation has stopped, so its interval is unknown")
        fps = 1000 / interval
    writer = _GifWriter(fps=check_float("fps", fps, low=0, low_open=True))
    if dpi is not None:
        dpi = check_float("dpi", dpi, low=0, low_open=True)
    # "figure": without dpi, Animation.save uses the figure's dpi, whatever the user's savefig.dpi.
    with mpl.rc_context({"savefig.dpi": "figure"}):
        return atomic_write(
            path, lambda tmp: animation.save(tmp, writer=writer, dpi=dpi), overwrite=overwrite
        )
