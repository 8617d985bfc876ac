"""A sphinx-gallery image scraper for the GIF files an example writes.

An example that saves an animation with :func:`cnnexplain.viz.save_gif`
writes the file to its working folder, as it would on a user's machine. The
scraper moves each new ``*.gif`` into the gallery's image folder -- so the
source tree stays clean -- and puts a download link below the code that wrote
it. The name is fixed (``sphx_glr_<example>_<file>.gif``) so that other pages
can show the file too.

An animated GIF also gets the size of its smallest text as a GIF comment
(:mod:`frame_text`), measured on the example's animation that drew it, so
that tools/site_check.py can check it at a phone's width wherever it is shown.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from frame_text import describe, frame_text, with_gif_comment
from matplotlib.animation import Animation
from PIL import Image


class GifScraper:
    """Collect ``*.gif`` files written by an example block."""

    def __repr__(self) -> str:  # sphinx-gallery caches by repr
        return "gif_scraper.GifScraper"

    def __call__(self, block, block_vars, gallery_conf) -> str:
        src_dir = Path(block_vars["src_file"]).parent
        target_dir = Path(block_vars["image_path_iterator"].image_path).parent
        stem = Path(block_vars["src_file"]).stem
        rst = []
        for gif in sorted(src_dir.glob("*.gif")):
            dest = target_dir / f"sphx_glr_{stem}_{gif.name}"
            shutil.move(str(gif), dest)
            record_frame_text(dest, block_vars["example_globals"])
            rel = "/" + dest.relative_to(gallery_conf["src_dir"]).as_posix()
            size_kb = dest.stat().st_size / 1024
            rst.append(f"\n:download:`Download {gif.name} (animated GIF, {size_kb:.0f} KB) <{rel}>`\n")
        return "".join(rst)


def record_frame_text(path: Path, example_globals: dict) -> None:
    """Write the smallest text of the animation that drew the GIF at ``path`` into it, as a comment.

    The animation is the example's whose figure has the GIF's proportions (the
    GIF may be saved at another dpi). If none, or several that disagree, the
    GIF is left as it is, and tools/site_check.py reports that it cannot tell.
    """
    with Image.open(path) as gif:
        if getattr(gif, "n_frames", 1) < 2:
            return  # a still picture: not an animation
        width, height = gif.size
    figures = {v._fig for v in example_globals.values() if isinstance(v, Animation)}
    same_shape = [
        fig for fig in figures if abs(fig.get_figwidth() / fig.get_figheight() - width / height) < 0.01
    ]
    measures = {frame_text(fig) for fig in same_shape}
    if len(measures) == 1 and None not in measures:
        path.write_bytes(with_gif_comment(path.read_bytes(), describe(measures.pop())))
