"""Atomic file writes, shared by everything in cnnexplain that saves a file.

A file is first written under a temporary name in the destination folder,
flushed to disk, then renamed over the destination in one step: a crash or an
error never leaves a half-written file, and an existing file is replaced only
by a complete new one. The temporary name keeps the destination's suffix, so
writers that pick a format from the name (matplotlib, Pillow) still do.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "atomic_write_bytes"]


def atomic_write(path: str | os.PathLike, write: Callable[[Path], Any]) -> Path:
    """Call ``write(tmp)`` with a temporary path next to ``path``, then rename it into place.

    The temporary file is created by ``write`` itself, so it gets the usual
    permissions (the process umask), and it is removed if anything fails.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp{path.suffix}")
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""

    def write(tmp: Path) -> None:
        with open(tmp, "xb") as f:
            f.write(data)

    return atomic_write(path, write)
