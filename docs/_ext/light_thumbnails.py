"""Make the gallery's thumbnails light: still pictures in 256 colours.

Thumbnails appear many at a time -- the gallery's index shows every page's,
and each API page shows those of the examples that use it (sphinx-gallery's
mini-galleries) -- so their bytes add up: a page of the API reference showed
twenty of them, 0.7 MB. When the build has finished, each thumbnail of the
site is rewritten in place:

* an animated GIF (the thumbnail of a page whose chosen figure is an
  animation) keeps only its last frame, the picture the animation ends on;
* a PNG is reduced to a palette of 256 colours (Pillow's median cut, without
  dithering, so the same thumbnail gives the same bytes), which a picture 320
  pixels wide does not show.

A thumbnail is small on screen; the page it leads to keeps its full figures.
"""

from __future__ import annotations

import io

from PIL import Image

from cnnexplain._io import atomic_write_bytes


def lighter(path) -> bytes | None:
    """The lighter bytes of the thumbnail at ``path``, or None if they would not be lighter."""
    with Image.open(path) as image:
        if path.suffix == ".gif":
            if getattr(image, "n_frames", 1) == 1:
                return None
            image.seek(image.n_frames - 1)
            still = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
            fmt = "GIF"
        else:
            if image.mode == "P":
                return None
            still = image.convert("RGB").quantize(256, dither=Image.Dither.NONE)
            fmt = "PNG"
    out = io.BytesIO()
    still.save(out, format=fmt, optimize=True)
    data = out.getvalue()
    return data if len(data) < path.stat().st_size else None


def lighten_thumbnails(app, exception) -> None:
    """Rewrite the site's thumbnails (a ``build-finished`` handler)."""
    if exception is not None or app.builder.format != "html":
        return
    for path in sorted((app.outdir / "_images").glob("*_thumb.*")):
        if path.suffix in (".png", ".gif"):
            data = lighter(path)
            if data is not None:
                atomic_write_bytes(path, data)


def setup(app):
    app.connect("build-finished", lighten_thumbnails)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
