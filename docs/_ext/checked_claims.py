"""Put the numbers an example glued into its prose, and list its checked claims.

An example glues values and checks claims with :mod:`cnnexplain.claims`
(see docs/writing_examples.rst); this extension takes them to the site:

1. While sphinx-gallery runs the examples, :func:`collect_claims` (one of its
   ``reset_modules``, called before and after each example) writes what the
   example glued and checked to ``<example>.claims.json`` beside the generated
   reST. A build that does not rerun an unchanged example reuses that file.
2. When Sphinx reads a page, every ``|name|`` in it becomes a reStructuredText
   substitution of the value the page's example glued as ``name``, and
   ``|path/to/page:name|`` one of the value another page glued (``path`` as
   in ``:doc:``, relative to the page or absolute). A value glued with
   :func:`~cnnexplain.claims.glue_link` is also a link target, so that
   ``|name|_`` is its text linking to its address. A name nothing glued is
   left undefined, which docutils reports (an error under ``-W``). An example
   page with claims gets a box "Checked when this page was built".
3. The gallery thumbnails (index and mini-galleries) show titles and intros
   as raw HTML, where docutils substitutes nothing: they are filled in here.
4. The directive ``holm-adjusted`` (the findings page) lists comparisons by
   the p-values their pages glued, ``page:name`` and a label per line, and
   makes a table of them adjusted by Holm's step-down procedure
   (:func:`cnnexplain.claims.holm`): which still clear 0.
5. When the build ends, the downloadable ``.py``, ``.ipynb`` and ``.zip``
   copies of the examples get the values too, so they read naturally. A
   file that quotes one also gets a note after its title: the numbers are
   those of the site's run, a reader's run may differ, and how to check it.

The extension also sets ``CNNEXPLAIN_STRICT_CLAIMS=1``: a claim that does not
hold fails its example, and so the build. A claim read from an interval
whatever it says (``expect`` every outcome) cannot fail: the box counts it
apart, as the outcome the page's words state.
"""

from __future__ import annotations

import ast
import html
import io
import json
import os
import posixpath
import re
import textwrap
import zipfile
from pathlib import Path
from typing import ClassVar

from docutils import nodes
from docutils.parsers.rst import Directive, directives
from docutils.statemachine import StringList
from sphinx import addnodes
from sphinx.errors import ExtensionError
from sphinx.util import logging

# cnnexplain (and with it torch) is imported inside the functions that need it, not here:
# sphinx-gallery's parallel workers import this module to find collect_claims, and on a
# rebuild where no example changed they only skip examples, which should not cost them
# the seconds of importing torch.

logger = logging.getLogger(__name__)

SUFFIX = ".claims.json"
# |name| or |page:name|, the way docutils reads a substitution reference
REFERENCE = re.compile(r"\|(?:([\w./-]+):)?(\w+)\|")
BOX_TITLE = "Checked when this page was built"
# The box goes after the example's last output, before its timing and downloads.
PAGE_END = re.compile(r"^\.\. (rst-class:: sphx-glr-timing|_sphx_glr_download_)", re.MULTILINE)


def collect_claims(gallery_conf, fname, when) -> None:
    """Save what the example ``fname`` glued and checked, after it ran (a ``reset_modules``)."""
    from cnnexplain import claims
    from cnnexplain._io import atomic_write_bytes

    record = claims.collect()  # before an example: forget anything left over
    if when != "after":
        return
    src = Path(gallery_conf["src_dir"])
    targets = [
        src / gallery / path.relative_to(src / examples)
        for examples, gallery in zip(gallery_conf["examples_dirs"], gallery_conf["gallery_dirs"])
        for path in (src / examples).rglob(fname)
    ]
    if len(targets) != 1:
        raise ExtensionError(f"checked_claims: expected one example named {fname}, found {targets}")
    data = (json.dumps(record, indent=1, ensure_ascii=False) + "\n").encode()
    path = targets[0].with_suffix(SUFFIX)
    if not path.is_file() or path.read_bytes() != data:  # an unchanged file keeps the page up to date
        atomic_write_bytes(path, data)


def _record(app, docname: str, *, reading: bool = True) -> dict | None:
    """What the example of page ``docname`` glued and checked, or None."""
    path = Path(app.srcdir, docname + SUFFIX)
    if not path.is_file():
        return None
    if reading:
        app.env.note_dependency(str(path))  # re-read the page being read when the values change
    return json.loads(path.read_text(encoding="utf-8"))


def _page(docname: str, page: str) -> str:
    """The docname ``page`` names from page ``docname``, as ``:doc:`` reads it."""
    return posixpath.normpath(
        page[1:] if page.startswith("/") else posixpath.join(posixpath.dirname(docname), page)
    )


def _value(app, docname: str, page: str | None, name: str, *, reading: bool = True) -> str | None:
    """The text glued as ``name`` by ``page``, or by page ``docname`` itself."""
    record = _record(app, _page(docname, page) if page else docname, reading=reading)
    return None if record is None else record["values"].get(name)


def fill(app, docname: str, text: str, escape=str, *, reading: bool = True) -> str:
    """Replace every ``|name|`` of ``text`` that a page glued by ``escape(value)``."""

    def replace(match: re.Match) -> str:
        value = _value(app, docname, match[1], match[2], reading=reading)
        return match[0] if value is None else escape(value)

    return REFERENCE.sub(replace, text)


def _escape_rst(text: str) -> str:
    return re.sub(r"([\\`*_|])", r"\\\1", text)


# The columns of the box's table, and the words for a claim that states no n or margin.
BOX_COLUMNS = ("Claim", "Test", "n", "Measured", "Margin", "Result")
UNQUALIFIED = "unqualified check (boolean)"  # cnnexplain.claims.UNQUALIFIED, without importing torch
NOT_STATED = "not stated"
# How a claim's margin says that every outcome of its interval is accepted (cnnexplain.claims).
ANY_OUTCOME = "expected: any"
# A cell that starts like a list item ("- ", "+ ", "3. ", "(a) ") would become a list.
LIST_START = re.compile(r"^(?:[-+*\u2022\u2023\u2043]|\(?(?:\d+|[a-zA-Z#]|[ivxlcdmIVXLCDM]+)[.)])(?:\s|$)")


def _cell(text: str) -> str:
    """``text`` as the plain text of one table cell: one line, no markup, never a list."""
    text = _escape_rst(" ".join(str(text).split())) or "-"
    return "\\" + text if LIST_START.match(text) else text


def _n(claim: dict) -> str:
    n = claim.get("n")
    if n is None:
        return NOT_STATED
    return " and ".join(map(str, n)) if isinstance(n, list) else str(n)


def _row(claim: dict) -> list[str]:
    """The cells of a claim's row: claim, test, n, measured with interval, margin, result.

    A claims.json from before the claim kinds (an unchanged example whose
    file a build reuses) has only ``claim``, ``measured`` and ``holds``: an
    unqualified check.
    """
    if not claim["holds"]:
        result = "**does not hold**"
    elif _any_outcome(claim):
        result = f"states the outcome: {claim['outcome']}"  # a record of the words, not a test passed
    else:
        result = "holds"
    return [
        _cell(claim["claim"]),
        _cell(claim.get("test") or UNQUALIFIED),
        _cell(_n(claim)),
        _cell(claim["measured"]),
        _cell(claim.get("margin") or NOT_STATED),
        result,
    ]


def _any_outcome(claim: dict) -> bool:
    """Whether a claim read from an interval accepts every outcome: its text states whichever it is.

    Such a claim cannot fail; its row records which outcome the page's words
    state, so the box does not show it as a test that "holds".
    """
    return bool(claim.get("outcome")) and ANY_OUTCOME in (claim.get("margin") or "")


def _summary(claims: list[dict]) -> str:
    """One sentence that counts the claims, and those the box can only show as booleans."""
    unqualified = sum((c.get("test") or UNQUALIFIED) == UNQUALIFIED for c in claims)
    recorded = sum(_any_outcome(c) for c in claims)
    tested = len(claims) - unqualified - recorded
    parts = []
    if tested:
        parts.append(
            f"{tested} with the test that decides {'it' if tested == 1 else 'them'} (a test that "
            "does not hold fails the build; where the run chose a sentence's words, the test "
            "confirms the words chosen, and fails only if the code and its words disagree)"
        )
    if recorded:
        parts.append(
            f"{recorded} read from an interval whatever it says, which record the outcome the "
            "text states (they cannot fail; the words follow the interval)"
        )
    if unqualified:
        checks = "check" if unqualified == 1 else "checks"
        parts.append(
            f"{unqualified} unqualified {checks} (boolean), which show only the value their code compared"
        )
    count = f"{len(claims)} claim{'' if len(claims) == 1 else 's'}"
    return f"This page makes {count}: {'; '.join(parts)}."


def _fold_count(claims: list[dict]) -> str:
    """The fold's count: the claims, then how many can fail the build and how many record words.

    >>> _fold_count([{"claim": "a", "holds": True}])
    '1 claim: 1 checked against its margin'
    """
    recorded = sum(_any_outcome(c) for c in claims)
    checked = len(claims) - recorded
    parts = (
        [f"{checked} checked against {'its margin' if checked == 1 else 'their margins'}"] if checked else []
    )
    if recorded:
        parts.append(f"{recorded} record{'s' if recorded == 1 else ''} the outcome the words state")
    count = f"{len(claims)} claim{'' if len(claims) == 1 else 's'}"
    return f"{count}: {', '.join(parts)}"


def _box(record: dict) -> str:
    """The box "Checked when this page was built": a sentence, then a table with a row per claim.

    The box sits in a closed ``<details>`` whose summary names it and counts the claims.

    The claim is each row's header cell (a screen reader names it with every
    cell of the row); claims and values are plain text, so that "|x|" or
    "a_b" in them never becomes markup.
    """
    claims = record["claims"]
    count = _fold_count(claims)
    # Closed until the reader opens it (a native <details>, no script): a reader who
    # follows the story skips it in one line; a referee opens it.
    lines = [
        ".. raw:: html",
        "",
        f'   <details class="checked-claims-fold"><summary>{BOX_TITLE}: {count}</summary>',
        "",
        f".. admonition:: {BOX_TITLE}",
        "   :class: checked-claims",
        "",
        f"   {_summary(claims)}",
        "",
        "   .. list-table:: The claims of this page, and how this run tested them",
        "      :header-rows: 1",
        "      :stub-columns: 1",
        "      :class: checked-claims-table",
        "",
    ]
    for row in [list(BOX_COLUMNS), *map(_row, claims)]:
        lines += [f"      * - {row[0]}", *(f"        - {cell}" for cell in row[1:])]
    lines += ["", ".. raw:: html", "", "   </details>"]
    return "\n".join(lines) + "\n\n"


def _read_source(app, docname: str, source: list[str]) -> None:
    """Define the page's glued values as substitutions, and add the box of its claims."""
    text = source[0]
    definitions = {}
    for match in REFERENCE.finditer(text):
        value = _value(app, docname, match[1], match[2])
        if value is not None:
            definitions[match[0]] = f".. {match[0]} replace:: {_escape_rst(value)}"
        elif match[1]:
            logger.warning("no value glued as %r by page %r", match[2], match[1], location=docname)
    record = _record(app, docname)
    for name, url in (record or {}).get("links", {}).items():
        definitions[f"_{name}"] = f".. _{name}: {url}"
    if record and record["claims"]:
        end = PAGE_END.search(text)
        at = end.start() if end else len(text)
        text = text[:at] + _box(record) + text[at:]
    if definitions:
        text += "\n\n" + "\n".join(definitions.values()) + "\n"
    source[0] = text


def _fill_thumbnails(app, doctree) -> None:
    """Fill ``|name|`` in the raw HTML of gallery thumbnails (titles, tooltips)."""
    opening, example = None, None
    for node in list(doctree.findall(lambda n: isinstance(n, (nodes.raw, addnodes.pending_xref)))):
        if isinstance(node, addnodes.pending_xref):
            if opening is not None and example is None and node.get("reftype") == "doc":
                example = _page(app.env.docname, node["reftarget"])
        elif "sphx-glr-thumbcontainer" in node.astext():
            opening, example = node, None
        elif "sphx-glr-thumbnail-title" in node.astext() and opening is not None:
            if example is not None:  # the intro and title are the example's text
                for raw in (opening, node):
                    text = fill(app, example, raw.astext(), html.escape)
                    raw.replace_self(nodes.raw("", text, format="html"))
            opening = None


def _fill_downloads(app, exception) -> None:
    """Put the glued values into the downloadable copies of the examples."""
    if exception is not None or app.builder.format != "html":
        return
    for source, (_docs, dest) in app.env.dlfiles.items():
        source, path = Path(source), Path(app.outdir, "_downloads", dest)
        if not path.is_file():
            continue
        if source.suffix == ".zip":
            _fill_zip(app, path, source.parent)
        elif source.suffix in (".py", ".ipynb"):
            old = path.read_text(encoding="utf-8")
            new = _fill_file(app, source.with_suffix("").as_posix(), source.suffix, old)
            if new != old:
                _write(path, new.encode())


def _fill_file(app, docname: str, suffix: str, text: str) -> str:
    """The download ``text`` of page ``docname`` with its values, and a note on them if it quotes any."""
    escape = (lambda value: json.dumps(value)[1:-1]) if suffix == ".ipynb" else str
    filled = fill(app, docname, text, escape, reading=False)
    if filled == text:  # it quotes no glued value (or an earlier build filled it, note included)
        return text
    note = _numbers_note(app, docname, suffix)
    return _add_notebook_note(filled, note) if suffix == ".ipynb" else _add_script_note(filled, note)


def _numbers_note(app, docname: str, suffix: str) -> str:
    """What the download of page ``docname`` says about the numbers its text quotes.

    The reader's run may differ from the site's, and the page's box of checks
    is not in the download. The ``.py`` is the example's whole source, hidden
    blocks included, so it checks the claims; the notebook leaves them out.
    """
    note = (
        "About the numbers: those in this text come from the run made when the site was "
        "built; a run on another machine or with another seed (`CNNEXPLAIN_SEED`) may give others."
    )
    if not (_record(app, docname, reading=False) or {}).get("claims"):
        return note  # no claim checked: no box on the page, nothing to run
    baseurl = getattr(app.config, "html_baseurl", "")
    page = f", {baseurl.rstrip('/')}/{app.builder.get_target_uri(docname)}," if baseurl else ""
    markers = "`# sphinx_gallery_start_ignore` and `# sphinx_gallery_end_ignore`"
    verdict = (
        "a claim your run does not confirm prints a warning, or fails with the environment "
        "variable `CNNEXPLAIN_STRICT_CLAIMS=1`"
    )
    if suffix == ".ipynb":
        checks = (
            "This notebook leaves out the code that checks them; the page's Python download, "
            f"`{posixpath.basename(docname)}.py`, has it, between the lines {markers}: run that "
            f"file to check them on your run ({verdict})."
        )
    else:
        checks = f"The blocks between the lines {markers} check them on your run: {verdict}."
    return (
        f'{note} The box "{BOX_TITLE}" at the end of the example\'s page{page} lists the claims '
        f"of the text with the values that run measured. {checks}"
    )


def _add_script_note(text: str, note: str) -> str:
    """``text``, a Python script, with ``note`` as a comment block after its docstring."""
    try:
        body = ast.parse(text).body
    except SyntaxError:
        body = []
    first = body[0] if body else None
    has_docstring = isinstance(first, ast.Expr) and isinstance(getattr(first.value, "value", None), str)
    at = first.end_lineno if has_docstring else 0
    # A `quoted` span stays on one line: a comment line that began with
    # "sphinx_gallery_end_ignore" would be a marker to sphinx-gallery.
    words = re.sub(r"`[^`]*`", lambda quoted: quoted[0].replace(" ", "\0"), note)
    comment = textwrap.fill(
        words,
        width=79,
        initial_indent="# ",
        subsequent_indent="# ",
        break_long_words=False,
        break_on_hyphens=False,
    ).replace("\0", " ")
    lines = text.splitlines(keepends=True)
    return "".join([*lines[:at], "\n", comment, "\n\n", *lines[at:]])


def _add_notebook_note(text: str, note: str) -> str:
    """``text``, a notebook as sphinx-gallery writes it, with ``note`` as a markdown cell after the title's."""
    notebook = json.loads(text)
    cells = notebook["cells"]
    title = next((n for n, cell in enumerate(cells) if cell["cell_type"] == "markdown"), -1)
    # The cell as sphinx-gallery makes a markdown cell (nbformat 4.0: no cell id).
    cells.insert(title + 1, {"cell_type": "markdown", "metadata": {}, "source": [note]})
    return json.dumps(notebook, indent=2)  # sphinx-gallery's save_notebook writes it this way


def _fill_zip(app, path: Path, folder: Path) -> None:
    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    filled = []
    for info, data in members:
        member = Path(info.filename)
        if member.suffix in (".py", ".ipynb"):
            docname = (folder / member).with_suffix("").as_posix()
            data = _fill_file(app, docname, member.suffix, data.decode()).encode()
        filled.append((info, data))
    if filled == members:
        return
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info, data in filled:
            zf.writestr(info, data)  # same names and times; accessible_site then fixes the times
    _write(path, buffer.getvalue())


def _write(path: Path, data: bytes) -> None:
    from cnnexplain._io import atomic_write_bytes

    atomic_write_bytes(path, data)


class HolmAdjusted(Directive):
    """A table of comparisons adjusted together by Holm's procedure.

    Each line of the content is ``page:name label``: the p-value glued as
    ``name`` by ``page`` (as ``|page:name|`` names it), and the comparison in
    words. The table gives each p-value, its Holm-adjusted value over all the
    lines, and whether the adjusted value is at most ``:alpha:`` (0.05 by
    default): the comparison still clears 0.
    """

    has_content = True
    option_spec: ClassVar[dict] = {"alpha": directives.unchanged_required}

    def run(self):
        from cnnexplain.claims import holm

        env = self.state.document.settings.env
        alpha = float(self.options.get("alpha", "0.05"))
        rows = []
        for line in self.content:
            if not line.strip():
                continue
            reference, _, label = line.strip().partition(" ")
            page, _, name = reference.rpartition(":")
            text = _value(env.app, env.docname, page, name)
            if text is None:
                raise self.error(f"holm-adjusted: no p-value glued as {name!r} by page {page!r}")
            rows.append((label.strip(), page, float(text)))
        adjusted, clears = holm([p for *_, p in rows], alpha=alpha)
        table = [
            ".. list-table::",
            "   :header-rows: 1",
            "",
            "   * - Primary comparison",
            "     - p",
            "     - Holm-adjusted p",
            f"     - Adjusted p at most {alpha:g}",
        ]
        for (label, page, p), p_adj, ok in zip(rows, adjusted, clears):
            table += [
                f"   * - {label} (:doc:`{page}`)",
                f"     - {p:.2g}",
                f"     - {p_adj:.2g}",
                "     - " + ("yes: still clears 0" if ok else "no"),
            ]
        container = nodes.container()
        self.state.nested_parse(StringList(table, source=env.docname), self.content_offset, container)
        return container.children


def setup(app):
    from cnnexplain import claims

    os.environ[claims.STRICT_ENV] = "1"
    app.add_directive("holm-adjusted", HolmAdjusted)
    app.connect("source-read", _read_source)
    app.connect("doctree-read", _fill_thumbnails)
    # Before accessible_site rewrites the zips with fixed timestamps (priority 500).
    app.connect("build-finished", _fill_downloads, priority=400)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
