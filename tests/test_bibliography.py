"""The bibliography and the citations of the pages agree.

Every entry of ``docs/references.bib`` is cited by some page (the docs' reST
files, the gallery's examples and section headers), and every key a page cites
has an entry. Sphinx would warn about an unknown key only when the page is
built; this test catches it without a build, and catches an entry nobody
cites, which the References page would list (``:all:``) without complaint.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIB = ROOT / "docs" / "references.bib"
# sphinxcontrib-bibtex's citation roles: :cite:p:, :cite:t:, :cite:ps:, :cite:alp:, ...
CITE = re.compile(r":cite:[a-z]+:`([^`]+)`")
# One key, with optional {pre-text} before it and {post-text} after it, as the roles read it.
TARGET = re.compile(r"\s*(?:\{[^{}]*\})?\s*([^{}\s,]+)\s*(?:\{[^{}]*\})?\s*")
ENTRY = re.compile(r"^@(\w+)\s*\{\s*([^,\s]+)\s*,", re.MULTILINE)
GENERATED = ("_build", "auto_examples", "generated", "gen_modules")


def bib_keys() -> set[str]:
    """Return the keys of the entries of the .bib file (comments are not entries)."""
    return {key for kind, key in ENTRY.findall(BIB.read_text(encoding="utf-8")) if kind.lower() != "comment"}


def sources() -> list[Path]:
    """Return the files whose text becomes the site's pages: reST, and the gallery's sources."""
    found = [*(ROOT / "docs").rglob("*.rst"), *(ROOT / "examples").rglob("*.py")]
    found += [*(ROOT / "examples").rglob("*.txt"), *(ROOT / "examples").rglob("*.rst")]
    return sorted(p for p in set(found) if not any(part in GENERATED for part in p.parts))


def cited_keys(text: str) -> list[str]:
    """Return every key that the citation roles of ``text`` name, in order."""
    keys = []
    for targets in CITE.findall(text):
        pos = 0
        while True:  # targets are separated by commas; a comma inside {pre} or {post} is text
            match = TARGET.match(targets, pos)
            assert match, f"malformed citation targets {targets!r}"
            keys.append(match.group(1))
            pos = match.end()
            if pos == len(targets):
                break
            assert targets[pos] == ",", f"malformed citation targets {targets!r}"
            pos += 1
    return keys


def citations() -> dict[str, set[str]]:
    """Return, for every cited key, the files (relative to the repository) that cite it."""
    where: dict[str, set[str]] = {}
    for path in sources():
        text = path.read_text(encoding="utf-8")
        for key in cited_keys(text):
            where.setdefault(key, set()).add(str(path.relative_to(ROOT)))
    return where


def test_the_parser_reads_the_roles_as_sphinxcontrib_bibtex_does():
    text = "see :cite:p:`a2000,b2001` and :cite:t:`{e.g. }c2002{, section 2.1}`, not :term:`x`"
    assert cited_keys(text) == ["a2000", "b2001", "c2002"]


def test_the_bib_file_has_entries_and_no_key_twice():
    text = BIB.read_text(encoding="utf-8")
    keys = [key for kind, key in ENTRY.findall(text) if kind.lower() != "comment"]
    assert keys, "docs/references.bib has no entries"
    assert len(keys) == len(set(keys)), f"keys used twice: {sorted(k for k in keys if keys.count(k) > 1)}"


def test_every_cited_key_has_an_entry():
    unknown = {key: sorted(files) for key, files in citations().items() if key not in bib_keys()}
    assert not unknown, f"cited but not in docs/references.bib: {unknown}"


def test_every_entry_is_cited_by_a_page():
    uncited = sorted(bib_keys() - set(citations()))
    assert not uncited, f"entries of docs/references.bib that no page cites: {uncited}"


def test_the_references_page_lists_the_bibliography_once():
    # A second bibliography of the same entries would make duplicate citation labels.
    pages = [p for p in sources() if ".. bibliography::" in p.read_text(encoding="utf-8")]
    assert [p.relative_to(ROOT).as_posix() for p in pages] == ["docs/references.rst"]
