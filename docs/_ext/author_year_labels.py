"""Author-year citations in round brackets, and the same labels on the References page.

sphinxcontrib-bibtex's ``author_year`` referencing style cites "[Saxe et al.,
2011]" and "Kingma and Ba [2015]"; the ``author_year_round`` style registered
here writes "(Saxe et al., 2011)" and "Kingma and Ba (2015, section 2.1)", as
the prose of the site always has. The list on the References page labels its
entries with the formatting style's labels, numbers for "plain"; the formatting
style ``plain_author_year`` registered here labels each entry the way the text
cites it, so that "(Saxe et al., 2011)" on a page is "[Saxe et al., 2011]" in
the list.
"""

from __future__ import annotations

import dataclasses

from pybtex.plugin import register_plugin
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.labels import BaseLabelStyle
from sphinxcontrib.bibtex.plugin import register_plugin as register_bibtex_plugin
from sphinxcontrib.bibtex.style.referencing import BracketStyle
from sphinxcontrib.bibtex.style.referencing.author_year import AuthorYearReferenceStyle


def _last_names(entry) -> list[str]:
    people = entry.persons.get("author") or entry.persons.get("editor") or []
    return [" ".join(person.last_names) for person in people]


class AuthorYearLabelStyle(BaseLabelStyle):
    """Label an entry "A, year", "A and B, year" or "A et al., year"."""

    def format_labels(self, sorted_entries):
        for entry in sorted_entries:
            names = _last_names(entry)
            if len(names) == 1:
                who = names[0]
            elif len(names) == 2:
                who = f"{names[0]} and {names[1]}"
            elif names:
                who = f"{names[0]} et al."
            else:
                who = entry.fields.get("title", entry.key)
            yield f"{who}, {entry.fields.get('year', 'n.d.')}"


class PlainAuthorYearStyle(PlainStyle):
    """pybtex's "plain" formatting, with author-year labels."""

    default_label_style = AuthorYearLabelStyle


def _round() -> BracketStyle:
    return BracketStyle(left="(", right=")")


@dataclasses.dataclass
class RoundAuthorYearReferenceStyle(AuthorYearReferenceStyle):
    """sphinxcontrib-bibtex's author-year citations, in round brackets."""

    bracket_parenthetical: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_textual: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_author: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_label: BracketStyle = dataclasses.field(default_factory=_round)
    bracket_year: BracketStyle = dataclasses.field(default_factory=_round)


register_bibtex_plugin(
    "sphinxcontrib.bibtex.style.referencing", "author_year_round", RoundAuthorYearReferenceStyle
)
register_plugin("pybtex.style.labels", "author_year_labels", AuthorYearLabelStyle)
register_plugin("pybtex.style.formatting", "plain_author_year", PlainAuthorYearStyle)
