"""Named tuples' fields carry their own docstrings, and the helper refuses a wrong list."""

from __future__ import annotations

from typing import NamedTuple

import pytest

from cnnexplain._fields import document_fields
from cnnexplain.analysis import EdgeFit, EdgeParts
from cnnexplain.analysis.gradients import PatchContribution


@pytest.mark.parametrize("cls", [EdgeFit, EdgeParts, PatchContribution])
def test_every_public_result_field_has_a_sentence_of_its_own(cls):
    for field in cls._fields:
        doc = getattr(cls, field).__doc__
        assert doc and not doc.startswith("Alias for field number"), (cls.__name__, field)


def test_a_docs_list_that_misses_or_invents_a_field_is_refused():
    class Pair(NamedTuple):
        left: int
        right: int

    with pytest.raises(ValueError, match="exactly the fields of Pair"):
        document_fields(Pair, {"left": "The left one."})
    with pytest.raises(ValueError, match="exactly the fields of Pair"):
        document_fields(Pair, {"left": "L.", "right": "R.", "middle": "M."})
    document_fields(Pair, {"left": "The left one.", "right": "The right one."})
    assert Pair.right.__doc__ == "The right one."
