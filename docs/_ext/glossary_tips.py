"""Glossary terms explained where they appear: a tooltip with the glossary's definition.

Every ``:term:`` link of the site (``glossary.html#term-kernel``) shows, on
mouse hover and on keyboard focus, the first paragraph of the term's entry in
docs/glossary.rst, as plain text; the link still leads to the glossary.

How it works:

- When Sphinx starts writing (``write-started``: every page read, before any
  is written), :func:`write_definitions` resolves the doctree of each page
  that defines glossary terms (the standard domain says which) with Sphinx's
  own reference resolution, takes each entry's first paragraph as plain text
  (:func:`plain_text`: a link becomes its text -- a ``:doc:`` link the page's
  title, a citation "(Kingma and Ba, 2015)" --, a glued number its value,
  math a readable line of text, :func:`flatten_math`), and writes them to
  ``_static/glossary_terms.js`` as one JavaScript assignment. So the tooltips
  say what the glossary says, in every build, and never drift from it.
- ``docs/_static/glossary_tips.js`` finds the term links of the page and
  shows one shared ``role="tooltip"`` box (``aria-describedby`` from the
  link while it shows) on hover and on keyboard focus; Escape dismisses it,
  the pointer can move onto it, and it stays until the pointer or the focus
  leaves (WCAG 1.4.13). ``docs/_static/glossary_tips.css`` draws it with the
  theme's colours, light or dark, at most the screen's width less a margin.

The definitions and the script are files loaded with ``<script src>``; the
script fetches nothing, so the tooltips work offline and from ``file://``.
``tools/glossary_check.py`` (run by ``tools/site_check.py``) checks them in
Chromium; tests/test_glossary_tips.py checks the definitions.

Why our own extension rather than a package (read at their latest releases):

- sphinx-tippy (0.4.3) loads Popper and tippy.js from unpkg.com by default:
  local copies would have to come from npm and be copied into ``_static`` by
  a build step. It fetches Wikipedia and DOI summaries with ``requests``
  while it builds, on by default (the References page links DOIs): offline,
  each is a warning, which fails the build (``-W``). It names each page's
  data file with ``uuid4()``, so two builds of the same sources differ
  (``tools/repro_check.py`` compares two), and sets ``window.onload``,
  replacing any other handler. Its tooltips copy the HTML of the whole entry,
  links included, and it passes on only ``placement``, ``maxWidth``,
  ``interactive``, ``theme``, ``delay`` and ``duration`` to tippy.js: no
  Escape key, no ``aria`` setting, and not interactive by default, so the
  tooltip vanishes when the pointer moves onto it (WCAG 1.4.13 wants it to
  stay). Each of these would need a patch or a workaround.
- sphinx-hoverxref asks Read the Docs' embed API for the content while the
  reader hovers: a request at run time, which fails offline and from
  ``file://``.

What the site needs -- one box, the glossary's own text, a handful of events
-- is a page of Python and about 200 lines of script without dependencies,
which the project tests and can change.
"""

from __future__ import annotations

import inspect
import json
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes

#: The file of definitions in the build's ``_static``; the script reads ``window.GLOBAL``.
DATA_FILE = "glossary_terms.js"
GLOBAL = "cnnexplainGlossary"
SCRIPT_FILE = "glossary_tips.js"
STYLE_FILE = "glossary_tips.css"

# -- math as text -----------------------------------------------------------------------------
#: LaTeX commands written as the character a reader sees.
SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε",
    "eta": "η", "theta": "θ", "lambda": "λ", "mu": "μ", "pi": "π", "rho": "ρ", "sigma": "σ",
    "tau": "τ", "phi": "φ", "varphi": "φ", "chi": "χ", "omega": "ω", "Delta": "Δ", "Sigma": "Σ",
    "Omega": "Ω", "sum": "∑", "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇",
    "infty": "∞", "cdot": "·", "times": "×", "pm": "±", "le": "≤", "leq": "≤", "ge": "≥",
    "geq": "≥", "ne": "≠", "neq": "≠", "approx": "≈", "sim": "~", "to": "→", "rightarrow": "→",
    "leftarrow": "←", "in": "∈", "ldots": "…", "cdots": "…", "dots": "…", "top": "T",
}  # fmt: skip
#: Commands that only style their argument: ``\mathrm{relu}`` reads "relu".
STYLES = ("text", "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "operatorname", "boldsymbol", "mathcal")
#: Commands that only space or size: dropped (a space for the wide ones).
SPACES = {",": " ", ";": " ", ":": " ", "!": "", "quad": " ", "qquad": " ", "left": "", "right": ""}
SUPERSCRIPTS = str.maketrans("0123456789+-()n", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ⁿ")
_GROUP = r"\{((?:[^{}]|\{[^{}]*\})*)\}"  # one braced argument, which may hold one level of braces


def flatten_math(latex: str) -> str:
    r"""Return LaTeX math as a line of plain text, close to what a reader sees.

    >>> flatten_math(r"\mathrm{relu}(x) = \max(x, 0)")
    'relu(x) = max(x, 0)'
    >>> flatten_math(r"p_i = \frac{e^{z_i}}{\sum_j e^{z_j}}")
    'p_i = (e^z_i)/(∑_j e^z_j)'
    >>> flatten_math(r"\lambda \ge 0,\ x^2")
    'λ ≥ 0, x²'
    """
    text = latex.strip()
    for _ in range(3):  # nested styles and fractions, from the inside out
        text = re.sub(rf"\\(?:{'|'.join(STYLES)})\s*{_GROUP}", r"\1", text)
        text = re.sub(rf"\\sqrt\s*{_GROUP}", lambda m: f"√{_part(m[1])}", text)
        text = re.sub(rf"\\[dt]?frac\s*{_GROUP}\s*{_GROUP}", lambda m: f"{_part(m[1])}/{_part(m[2])}", text)
    text = re.sub(r"\^\{?\\(?:top|intercal)\}?", "ᵀ", text)  # a transpose
    # Powers: digits as superscripts (x²), anything else as ^(...).
    text = re.sub(r"\^\{?([0-9n+\-()]+)\}?(?![\w{])", lambda m: m[1].translate(SUPERSCRIPTS), text)
    text = re.sub(rf"\^{_GROUP}", lambda m: f"^{_part(m[1])}", text)
    text = re.sub(rf"_{_GROUP}", lambda m: f"_{_part(m[1])}", text)

    def command(match: re.Match) -> str:
        name = match[1]
        if name in SPACES:
            return SPACES[name]
        return SYMBOLS.get(name, name)

    text = re.sub(r"\\([A-Za-z]+|[,;:! ])", command, text)
    text = text.replace("{", "").replace("}", "").replace("~", " ")
    return " ".join(text.split())


def _part(text: str) -> str:
    """A fraction's numerator or denominator, or a power: in parentheses unless a single symbol."""
    text = text.strip()
    return text if re.fullmatch(r"√?\\?\w+", text) else f"({text})"


# -- a paragraph as text ------------------------------------------------------------------------
#: Nodes that hold nothing for a reader of the definition: index entries, targets, comments,
#: raw output, error reports, footnote marks.
SKIPPED = (
    addnodes.index,
    nodes.target,
    nodes.comment,
    nodes.raw,
    nodes.system_message,
    nodes.footnote_reference,
    nodes.substitution_definition,
    nodes.Invisible,
)


def plain_text(node: nodes.Node) -> str:
    """Return the text of ``node`` as a reader sees it, on one line.

    Links (resolved or not) give their text, literals their code, math a
    line of text (:func:`flatten_math`), an image its alt text.
    """
    parts: list[str] = []

    def walk(n: nodes.Node) -> None:
        if isinstance(n, nodes.Text):
            parts.append(n.astext())
        elif isinstance(n, SKIPPED):
            return
        elif isinstance(n, nodes.math):
            parts.append(flatten_math(n.astext()))
        elif isinstance(n, nodes.math_block):
            parts.append(f" {flatten_math(n.astext())} ")
        elif isinstance(n, nodes.image):
            parts.append(n.get("alt", ""))
        else:
            for child in n.children:
                walk(child)

    walk(node)
    return " ".join("".join(parts).split())


def first_paragraph(definition: nodes.Element) -> str:
    """The first paragraph of a glossary entry's definition, as plain text."""
    paragraph = next(iter(definition.findall(nodes.paragraph)), None)
    return plain_text(paragraph if paragraph is not None else definition)


def definitions(doctree: nodes.Node) -> list[dict[str, Any]]:
    """The entries of every glossary in ``doctree``, in its order.

    Each is ``{"terms": [...], "ids": [...], "text": ...}``: the entry's
    terms, the HTML id of each (``term-kernel``: what the links point at),
    and the first paragraph of its definition.
    """
    entries = []
    for glossary in doctree.findall(addnodes.glossary):
        for item in glossary.findall(nodes.definition_list_item):
            terms = [t for t in item.children if isinstance(t, nodes.term)]
            definition = next((c for c in item.children if isinstance(c, nodes.definition)), None)
            ids = [t["ids"][0] if t["ids"] else "" for t in terms]
            if definition is None or not any(ids):
                continue
            entries.append(
                {
                    "terms": [plain_text(t) for t in terms],
                    "ids": ids,
                    "text": first_paragraph(definition),
                }
            )
    return entries


def script(entries: list[dict[str, Any]]) -> str:
    """The JavaScript file of the definitions: one assignment, the same bytes for the same entries."""
    data = json.dumps({"entries": entries}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        "// The glossary's definitions, for the tooltips of its terms (docs/_static/glossary_tips.js).\n"
        "// Written by docs/_ext/glossary_tips.py from the glossary when the site is built: do not edit.\n"
        f"window.{GLOBAL} = {data};\n"
    )


# -- Sphinx -------------------------------------------------------------------------------------
def glossary_pages(env: Any) -> list[str]:
    """The pages that define glossary terms, from the standard domain's objects."""
    std = env.get_domain("std")
    return sorted({docname for (kind, _), (docname, _) in std.objects.items() if kind == "term"})


def write_definitions(app: Any, builder: Any) -> None:
    """Write ``_static/glossary_terms.js`` from the resolved glossary pages (``write-started``)."""
    if builder.format != "html":
        return
    env = app.env
    entries: list[dict[str, Any]] = []
    # Newer Sphinx takes the build's tags here (and warns when they are missing); 7.4 has no such argument.
    tags = (
        {"tags": builder.tags} if "tags" in inspect.signature(env.get_and_resolve_doctree).parameters else {}
    )
    for docname in glossary_pages(env):
        # A copy of the page's doctree, with every reference resolved (links to their targets'
        # titles, citations to their labels), as the page shows them.
        doctree = env.get_and_resolve_doctree(docname, builder, doctree=env.get_doctree(docname), **tags)
        entries += definitions(doctree)
    path = Path(builder.outdir, "_static", DATA_FILE)
    text = script(entries)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:  # unchanged: left as it is
        path.write_text(text, encoding="utf-8")


def setup(app: Any) -> dict[str, Any]:
    app.require_sphinx("7.4")  # the write-started event
    # The definitions first: both are deferred, and run in this order.
    app.add_js_file(DATA_FILE, loading_method="defer")
    app.add_js_file(SCRIPT_FILE, loading_method="defer")
    app.add_css_file(STYLE_FILE)
    app.connect("write-started", write_definitions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
