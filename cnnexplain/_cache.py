"""An entry of a training cache: a file, and the digest of its bytes beside it.

The caches of :func:`~cnnexplain.experiment.experiment` (a history) and of
:func:`~cnnexplain.study.seed_study` (a seed study) return what they hold as
trained without training it, so they must not return something else: a file
damaged on disk, edited by hand (weights set to NaN, a metric set to 1), or
cut short. Each entry ``<name>.safetensors`` is written with
``<name>.safetensors.sha256``, the SHA-256 digest of its bytes (in the
format of ``sha256sum``, so ``sha256sum -c`` checks it too), and is read only
if its bytes still have that digest. A digest is a check against damage and
mistakes, not a signature: who can write the cache folder can write both
files.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from ._io import atomic_write_bytes, exists

__all__ = ["check_entry_path", "digest_path", "read_entry", "write_digest", "write_entry"]

Loaded = TypeVar("Loaded")


def digest_path(path: Path) -> Path:
    """The file holding the digest of the entry ``path``."""
    return path.with_name(path.name + ".sha256")


def check_entry_path(path: Path) -> None:
    """Refuse, before a training that could not be stored, an entry name held by a folder."""
    for name in (path, digest_path(path)):
        if name.is_dir():
            raise ValueError(
                f"cache_dir: the cache entry {name} is a folder, not a file; remove it or choose another cache_dir"
            )


def write_entry(path: Path, data: bytes) -> Path:
    """Write the bytes of an entry to ``path`` and their digest beside it, each atomically.

    The digest goes second: if writing stops in between, the entry and its
    digest disagree, and the entry is trained again, never trusted.
    """
    atomic_write_bytes(path, data)
    write_digest(path, hashlib.sha256(data).hexdigest())
    return path


def write_digest(path: Path, digest: str | None = None) -> Path:
    """Write the digest of the entry ``path`` beside it: ``digest``, or that of the file's bytes."""
    digest = _sha256(path) if digest is None else digest
    return atomic_write_bytes(digest_path(path), f"{digest}  {path.name}\n".encode())


def read_entry(path: Path, load: Callable[..., Loaded]) -> tuple[Loaded | None, str | None]:
    """What ``load`` reads from the entry ``path`` if its bytes have their recorded digest; else why not.

    ``load(path, max_bytes=...)`` is a loader of the library
    (:meth:`WeightHistory.load <cnnexplain.history.WeightHistory.load>`,
    :meth:`SeedStudy.load <cnnexplain.study.SeedStudy.load>`). Returns
    ``(loaded, None)``, ``(None, None)`` if there is no entry, or
    ``(None, problem)`` for an entry that must not be trusted.
    """
    if not exists(path):
        return None, None
    if not path.is_file():
        return None, "it is not a regular file"
    try:
        recorded = digest_path(path).read_text(encoding="ascii").split()[0]
    except (OSError, UnicodeDecodeError, IndexError):
        return None, f"it has no readable digest in {digest_path(path).name}"
    try:
        actual = _sha256(path)
        if actual != recorded:
            return None, "its bytes do not have the digest recorded for them"
        # The size is the one just hashed: an entry larger than the default limit is read too.
        return load(path, max_bytes=path.stat().st_size), None
    except (OSError, ValueError) as exc:
        return None, f"it cannot be read: {exc}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
