"""A collapsed block for a page's evidence: the story stays short, the numbers are one click away.

The article path tells its story in plain sentences; the measurements behind
a sentence (the interval, the null, the count over the seed study) go into an
``evidence`` block under it::

    .. evidence:: How sure: the edge test over 100 seeds

       The paragraphs of the evidence, with their glued numbers.

It becomes an HTML ``<details>`` element: closed until the reader opens it,
with the title as its summary. That needs no script, opens with the keyboard
(Enter or Space on the summary) and works from ``file://``. Its text is not
counted as visible prose by ``tools/prose_words.py``, which reports it apart.
"""

from __future__ import annotations

from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives

#: The class of the ``<details>`` element; ``tools/prose_words.py`` and the stylesheet use it.
CSS_CLASS = "evidence"


class evidence(nodes.General, nodes.Element):  # docutils names its node classes in lower case
    """The collapsed block."""


class evidence_summary(nodes.TextElement):
    """Its always-visible title."""


class EvidenceDirective(Directive):
    required_arguments = 1
    final_argument_whitespace = True
    has_content = True
    option_spec: ClassVar[dict] = {"class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        if not self.content:
            raise self.error("an evidence block needs content under its title")
        block = evidence(classes=[CSS_CLASS, *self.options.get("class", [])])
        title_nodes, messages = self.state.inline_text(self.arguments[0], self.lineno)
        block += evidence_summary("", "", *title_nodes)
        self.state.nested_parse(self.content, self.content_offset, block)
        return [block, *messages]


def _visit_evidence_html(translator: Any, node: evidence) -> None:
    translator.body.append(translator.starttag(node, "details"))


def _depart_evidence_html(translator: Any, node: evidence) -> None:
    translator.body.append("</details>\n")


def _visit_summary_html(translator: Any, node: evidence_summary) -> None:
    translator.body.append(translator.starttag(node, "summary", suffix=""))


def _depart_summary_html(translator: Any, node: evidence_summary) -> None:
    translator.body.append("</summary>\n")


def _visit_plain(translator: Any, node: nodes.Node) -> None:
    """Other builders (text, LaTeX) show the block open: there is nothing to click."""


def _depart_plain(translator: Any, node: nodes.Node) -> None:
    pass


def setup(app: Any) -> dict[str, Any]:
    # Only HTML folds the block; other builders show it open (nothing to click).
    plain = (_visit_plain, _depart_plain)
    others = {builder: plain for builder in ("latex", "text", "man", "texinfo")}
    app.add_node(evidence, html=(_visit_evidence_html, _depart_evidence_html), **others)
    app.add_node(evidence_summary, html=(_visit_summary_html, _depart_summary_html), **others)
    app.add_directive("evidence", EvidenceDirective)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
