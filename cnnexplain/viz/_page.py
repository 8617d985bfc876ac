"""Saving a widget's standalone page: one rule for the explorer and the lab."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .._checks import check_path, describe
from .._io import atomic_write_bytes, exists


def save_page(path: Any, page_html: str, overwrite: Any) -> Path:
    """Write ``page_html`` to ``path`` atomically; keep anything already there unless ``overwrite``.

    The checks and messages of ``Explorer.save`` and ``Lab.save``: ``path`` a
    path, ``overwrite`` a bool, and an existing ``path`` a ``FileExistsError``
    when ``overwrite`` is false (the write itself is exclusive then, so of two
    processes saving to one new path exactly one succeeds).
    """
    path = check_path("path", path)
    if not isinstance(overwrite, bool):
        raise TypeError(f"overwrite must be a bool, got {describe(overwrite)}")
    if not overwrite and exists(path):
        raise FileExistsError(f"path {str(path)!r} exists; pass overwrite=True to replace it")
    return atomic_write_bytes(path, page_html.encode("utf-8"), overwrite=overwrite)
