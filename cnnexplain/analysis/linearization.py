"""Whether a trained network still behaves like its linearization around its start.

In the *lazy* regime of training (Chizat, Oyallon and Bach, 2019), a network
moves so little that its outputs stay close to their first-order Taylor
expansion around the initial weights ``w0``::

    f_lin(x; w) = f(x; w0) + J(x; w0) (w - w0)

where ``J`` is the Jacobian of the outputs with respect to the weights. How
far the weights moved (:func:`~cnnexplain.analysis.change_size`) does not
decide that on its own: the criterion is whether the outputs follow the
expansion. :func:`linearized_logits` evaluates ``f_lin`` at the trained
weights with one Jacobian-vector product (:func:`torch.func.jvp`, no
Jacobian is formed), and :func:`linearize` compares it with what
the trained network really outputs::

    gap = |f(x; w) - f_lin(x; w)| / |f(x; w) - f(x; w0)|

over all images and classes. A gap near 0 means that training changed the
outputs almost exactly as the linear model predicts, as in the lazy regime;
a gap near 1 or above means the linear model misses about as much of the
change as there is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import torch
from torch import nn
from torch.func import functional_call, jvp

from .._checks import check_images, describe
from .._torch import evaluation_mode

__all__ = ["Linearized", "linearize", "linearized_logits"]


def _parameters(name: str, model: nn.Module) -> dict[str, torch.Tensor]:
    """The model's parameters by name, detached."""
    if not isinstance(model, nn.Module):
        raise TypeError(f"{name} must be a torch.nn.Module, got {describe(model)}")
    return {key: value.detach() for key, value in model.named_parameters()}


def _displacement(start: nn.Module, trained: nn.Module) -> tuple[dict, dict]:
    """The start's parameters and ``trained - start``, checked to have the same names and shapes."""
    initial = _parameters("start", start)
    final = _parameters("trained", trained)
    if initial.keys() != final.keys():
        raise ValueError(
            "start and trained must be the same architecture, got parameters "
            f"{sorted(initial)} and {sorted(final)}"
        )
    for key in initial:
        if initial[key].shape != final[key].shape:
            raise ValueError(
                f"start and trained must be the same architecture, got {key} of shape "
                f"{tuple(initial[key].shape)} and {tuple(final[key].shape)}"
            )
    return initial, {key: final[key] - initial[key] for key in initial}


def linearized_logits(start: nn.Module, trained: nn.Module, images: Any) -> torch.Tensor:
    """Return the outputs of ``start``'s first-order expansion at ``trained``'s weights.

    Parameters
    ----------
    start : torch.nn.Module
        The network at its initial weights ``w0``.
    trained : torch.nn.Module
        The same architecture at its trained weights ``w``.
    images : torch.Tensor
        ``(N, C, H, W)``.

    Returns
    -------
    torch.Tensor
        ``f(x; w0) + J(x; w0) (w - w0)``, of the shape of the model's output.
        Both models run in evaluation mode (dropout off) and are left untouched.

    Raises
    ------
    TypeError
        If a model is not a module, or the images are not a floating-point tensor.
    ValueError
        If the two models' parameters differ in names or shapes, or the
        images are empty or not finite.
    """
    return _expand(start, trained, check_images("images", images).detach())[1]


def _expand(start: nn.Module, trained: nn.Module, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """The start's outputs and its first-order prediction at the trained weights, one forward pass."""
    initial, delta = _displacement(start, trained)

    def outputs(parameters: dict[str, torch.Tensor]) -> torch.Tensor:
        return functional_call(start, parameters, (x,))

    # jvp differentiates on its own, so only evaluation mode is wanted here:
    # the restored flag matters, the no_grad of evaluation_mode does not hurt.
    with evaluation_mode(start), torch.enable_grad():
        at_start, change = jvp(outputs, (initial,), (delta,))
    return at_start.detach(), (at_start + change).detach()


@dataclass(frozen=True, eq=False)
class Linearized:
    """A network's outputs at its start, after training, and as its linearization predicts them.

    Parameters
    ----------
    start : torch.Tensor
        ``f(x; w0)``: the outputs at the initial weights.
    linear : torch.Tensor
        ``f(x; w0) + J(x; w0) (w - w0)``: the first-order prediction at the trained weights.
    trained : torch.Tensor
        ``f(x; w)``: the outputs at the trained weights.
    """

    start: torch.Tensor
    linear: torch.Tensor
    trained: torch.Tensor

    @property
    def gap(self) -> float:
        """``|trained - linear| / |trained - start|`` (``inf`` when training changed no output)."""
        moved = torch.linalg.vector_norm(self.trained - self.start).item()
        missed = torch.linalg.vector_norm(self.trained - self.linear).item()
        return missed / moved if moved > 0 else float("inf")


def linearize(start: nn.Module, trained: nn.Module, images: Any) -> Linearized:
    """Return a network's outputs at its start, after training, and as the linearization predicts.

    Parameters
    ----------
    start : torch.nn.Module
        The network at its initial weights ``w0``.
    trained : torch.nn.Module
        The same architecture at its trained weights ``w``.
    images : torch.Tensor
        ``(N, C, H, W)``.

    Returns
    -------
    Linearized
        The three outputs, detached; both models run in evaluation mode and
        are left untouched. Its :attr:`~Linearized.gap` is how much of training's change in the
        outputs the linearization misses: ``|f(x; w) - f_lin(x; w)| / |f(x; w)
        - f(x; w0)|``, Euclidean norms over all images and outputs; 0 when the
        outputs changed exactly as the linear model predicts.

    Examples
    --------
    A network that is linear in its weights is its own linearization:

    >>> import torch
    >>> start, trained = torch.nn.Linear(3, 2), torch.nn.Linear(3, 2)
    >>> round(linearize(start, trained, torch.ones(4, 1, 1, 3)).gap, 6)
    0.0
    """
    x = check_images("images", images).detach()
    at_start, linear = _expand(start, trained, x)
    with evaluation_mode(trained):
        return Linearized(start=at_start, linear=linear, trained=trained(x))
