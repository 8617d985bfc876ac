"""Draw the site's social preview card from the kernel animation's last frame.

A link to the site shared on a social network or a chat shows a title, a
description and a picture (the Open Graph tags that ``sphinxext.opengraph``
writes). The picture is the last frame of the training page's kernel
animation -- the first-layer kernels after training, above the loss and
accuracy curves -- centred on a white card of the size those services expect
(1200 x 630 pixels). The card is drawn when the build has finished, from the
GIF the build itself made, into ``_static/social-card.png`` of the site.
"""

from __future__ import annotations

import io

from PIL import Image
from sphinx.util import logging

from cnnexplain._io import atomic_write_bytes

logger = logging.getLogger(__name__)

#: The animation of the training page (see ``examples/article/plot_04_training.py``).
ANIMATION = "_images/sphx_glr_plot_04_training_kernels.gif"
#: Where the card goes, relative to the site's root; ``ogp_image`` in conf.py names it.
CARD = "_static/social-card.png"
CARD_SIZE = (1200, 630)
MARGIN = 30


def card_from_last_frame(animation: Image.Image) -> Image.Image:
    """Return the card: the animation's last frame, scaled to fit, on white."""
    animation.seek(animation.n_frames - 1)
    frame = animation.convert("RGB")
    width, height = CARD_SIZE[0] - 2 * MARGIN, CARD_SIZE[1] - 2 * MARGIN
    scale = min(width / frame.width, height / frame.height)
    frame = frame.resize((round(frame.width * scale), round(frame.height * scale)), Image.Resampling.LANCZOS)
    card = Image.new("RGB", CARD_SIZE, "white")
    card.paste(frame, ((CARD_SIZE[0] - frame.width) // 2, (CARD_SIZE[1] - frame.height) // 2))
    return card


def write_card(app, exception) -> None:
    """Write the card into the built site (a ``build-finished`` handler)."""
    if exception is not None or app.builder.format != "html":
        return
    source = app.outdir / ANIMATION
    if not source.is_file():
        logger.warning("social card: %s is missing, so the site has no preview picture", ANIMATION)
        return
    with Image.open(source) as animation:
        card = card_from_last_frame(animation)
    png = io.BytesIO()
    card.save(png, format="PNG", optimize=True)
    atomic_write_bytes(app.outdir / CARD, png.getvalue())


def setup(app):
    app.connect("build-finished", write_card)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
