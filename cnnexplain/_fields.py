"""Docstrings for the fields of the library's named tuples.

``typing.NamedTuple`` documents each field as "Alias for field number 0", and
Sphinx shows that text in the API reference. The result types give each field
a sentence of its own through :func:`document_fields`.
"""

from __future__ import annotations

__all__ = ["document_fields"]


def document_fields(cls: type, docs: dict[str, str]) -> None:
    """Give the fields of the named tuple ``cls`` the docstrings ``docs`` (field name -> text).

    Raises
    ------
    ValueError
        If ``docs`` names a field ``cls`` does not have, or leaves one out:
        the reference would show a wrong or a missing sentence.
    """
    fields = tuple(getattr(cls, "_fields", ()))
    if set(docs) != set(fields):
        raise ValueError(f"docs must name exactly the fields of {cls.__name__} {fields}, got {tuple(docs)}")
    for field, doc in docs.items():
        getattr(cls, field).__doc__ = doc
