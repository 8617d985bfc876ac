"""Load a tool or benchmark script by its path, as a module the tests can call."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType


@contextmanager
def loaded_script(path: Path, name: str) -> Iterator[ModuleType]:
    """Import the script at ``path`` as module ``name`` for the duration of the block.

    The module is registered in ``sys.modules`` while it is loaded: dataclasses
    look their module up there.
    """
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
        yield module
    finally:
        del sys.modules[name]
