"""Atomic file writes, shared by everything in cnnexplain that saves a file.

A file is first written under a temporary name in the destination folder,
flushed to disk, then put in place in one step: a crash or an error never
leaves a half-written file, and an existing file is replaced only by a
complete new one. The temporary name keeps the destination's suffix, so
writers that pick a format from the name (matplotlib, Pillow) still do.

Two writers can race for the same new name. Without ``overwrite``, the
complete file is published with a hard link, which the system refuses if
anything holds the name -- a file, a folder, even a symbolic link to nothing
-- so exactly one writer wins and the other gets ``FileExistsError``. A
separate existence check before a rename would let both "win", the second
silently replacing the first. With ``overwrite``, a replaced file keeps its
permissions (a private file stays private).
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["atomic_write", "atomic_write_bytes", "exists"]

#: What ``os.link`` raises on file systems without hard links (FAT, some network and FUSE mounts).
_NO_HARD_LINKS = {errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.ENOSYS, errno.EMLINK, errno.EXDEV}


def exists(path: str | os.PathLike) -> bool:
    """Whether anything holds the name ``path``: a file, a folder, or a symbolic link, even a dangling one."""
    return os.path.lexists(path)


def atomic_write(path: str | os.PathLike, write: Callable[[Path], Any], *, overwrite: bool = True) -> Path:
    """Call ``write(tmp)`` with a temporary path next to ``path``, then put it in place atomically.

    The temporary file is created by ``write`` itself, so it gets the usual
    permissions (the process umask), or those of the file it replaces; it is
    removed if anything fails. Without ``overwrite``, ``FileExistsError`` is
    raised if ``path`` exists when the file is published (see the module's
    description), and nothing is replaced.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not overwrite and exists(path):  # fail before the work; the publishing step decides
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it")
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.{secrets.token_hex(4)}.tmp{path.suffix}")
    try:
        write(tmp)
        with open(tmp, "rb+") as f:
            os.fsync(f.fileno())
        if overwrite:
            _keep_mode(path, tmp)
            os.replace(tmp, path)
        else:
            _publish_new(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)  # after a link, the name that stays is path
    return path


def atomic_write_bytes(path: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> Path:
    """Write ``data`` to ``path`` atomically (see :func:`atomic_write`)."""

    def write(tmp: Path) -> None:
        with open(tmp, "xb") as f:
            f.write(data)

    return atomic_write(path, write, overwrite=overwrite)


def _keep_mode(path: Path, tmp: Path) -> None:
    """Give ``tmp`` the permissions of the regular file ``path`` it is about to replace, if any."""
    try:
        old = os.stat(path, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISREG(old.st_mode):
        os.chmod(tmp, stat.S_IMODE(old.st_mode))


def _publish_new(tmp: Path, path: Path) -> None:
    """Give the complete file ``tmp`` the name ``path``, unless something holds that name already."""
    try:
        os.link(tmp, path)
        return
    except FileExistsError:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it") from None
    except OSError as exc:
        if exc.errno not in _NO_HARD_LINKS:
            raise
    # No hard links here: claim the name with an exclusive create (one writer wins), then
    # rename the complete file over the empty one that holds it.
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600))
    except FileExistsError:
        raise FileExistsError(f"{path} exists; pass overwrite=True to replace it") from None
    try:
        os.replace(tmp, path)
    except BaseException:
        path.unlink(missing_ok=True)  # the empty placeholder is ours
        raise
