"""Small torch runtime helpers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch

__all__ = ["evaluation_mode", "torch_threads"]


@contextmanager
def torch_threads(n: int | None) -> Iterator[None]:
    """Run torch on ``n`` CPU threads inside the block, then restore the count.

    ``None`` leaves the current setting alone.
    """
    before = torch.get_num_threads()
    try:
        if n is not None and n != before:
            torch.set_num_threads(n)
        yield
    finally:
        if torch.get_num_threads() != before:
            torch.set_num_threads(before)


@contextmanager
def evaluation_mode(model: torch.nn.Module) -> Iterator[None]:
    """Run ``model`` in evaluation mode without gradients inside the block.

    Its training flag is restored afterwards, also when the block raises.
    """
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            yield
    finally:
        model.train(was_training)
