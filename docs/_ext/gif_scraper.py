"""A sphinx-gallery image scraper for the GIF files an example writes.

An example that saves an animation with :func:`cnnexplain.viz.save_gif`
writes the file to its working folder, as it would on a user's machine. The
scraper moves each new ``*.gif`` into the gallery's image folder -- so the
source tree stays clean -- and puts a download link below the code that wrote
it. The name is fixed (``sphx_glr_<example>_<file>.gif``) so that other pages
can show the file too.
"""

from __future__ import annotations

import shutil
from pathlib import Path


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
            rel = "/" + dest.relative_to(gallery_conf["src_dir"]).as_posix()
            size_kb = dest.stat().st_size / 1024
            rst.append(f"\n:download:`Download {gif.name} (animated GIF, {size_kb:.0f} KB) <{rel}>`\n")
        return "".join(rst)
