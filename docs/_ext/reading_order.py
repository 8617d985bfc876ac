"""The landing page's "next" link leads to the first page of the story.

Sphinx links each page to the next one in the table of contents, and the
landing page's first entry is the installation guide. A reader who follows
"next" from the start should meet the question's data first, so the landing
page's link points at :data:`FIRST_PAGE` instead, with that page's title.
"""

from __future__ import annotations

from typing import Any

#: The page a reader meets after the landing page.
FIRST_PAGE = "auto_examples/article/plot_01_dataset"


def next_is_the_story(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    if pagename != app.config.root_doc or FIRST_PAGE not in app.env.titles:
        return
    context["next"] = {
        "link": context["pathto"](FIRST_PAGE),
        "title": app.env.titles[FIRST_PAGE].astext(),
    }


def setup(app: Any) -> dict[str, Any]:
    app.connect("html-page-context", next_is_the_story)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
