"""An entry of the training cache: a history file, and the digest of its bytes beside it.

The cache of :func:`~cnnexplain.experiment.experiment` returns what it holds
as a trained run without training it, so it must not return something else:
a file damaged on disk, edited by hand (weights set to NaN, a metric set to
1), or cut short. Each entry ``history-<key>.safetensors`` is written with
``history-<key>.safetensors.sha256``, the SHA-256 digest of its bytes (in the
format of ``sha256sum``, so ``sha256sum -c`` checks it too), and is read only
if its bytes still have that digest. A digest is a check against damage and
mistakes, not a signature: who can write the cache folder can write both
files.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ._io import atomic_write_bytes, exists
from .history import WeightHistory

__all__ = ["check_entry_path", "digest_path", "read_entry", "write_entry"]


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


def write_entry(path: Path, history: WeightHistory) -> Path:
    """Write ``history`` to ``path`` and its digest beside it, each atomically.

    The digest goes second: if writing stops in between, the entry and its
    digest disagree, and the entry is trained again, never trusted.
    """
    data = history._file_bytes()
    atomic_write_bytes(path, data)
    atomic_write_bytes(digest_path(path), f"{hashlib.sha256(data).hexdigest()}  {path.name}\n".encode())
    return path


def read_entry(path: Path) -> tuple[WeightHistory | None, str | None]:
    """The history stored at ``path`` if its bytes have their recorded digest; else why not.

    Returns ``(history, None)``, ``(None, None)`` if there is no entry, or
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
        # The size is the one just hashed: an entry of a large run (beyond the default limit) is read too.
        return WeightHistory.load(path, max_bytes=path.stat().st_size), None
    except (OSError, ValueError) as exc:
        return None, f"it cannot be read: {exc}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
