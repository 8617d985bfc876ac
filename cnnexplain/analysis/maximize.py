"""Activation maximization: the input image that most excites one channel of a layer."""

from __future__ import annotations

import copy
import numbers
from collections.abc import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.func import functional_call, vmap

from .._checks import check_choice, check_float, check_int, check_seed, describe
from .._torch import evaluation_mode, torch_threads
from ._layers import capture, check_indices, conv_layers, find_layer

__all__ = ["maximize_activation"]


def _gaussian_blur(x: torch.Tensor, sigma: float) -> torch.Tensor:
    """Blur ``(..., C, H, W)`` images with a Gaussian of ``sigma`` pixels (two 1-D passes, edges
    repeated)."""
    radius = max(1, int(np.ceil(3 * sigma)))
    t = torch.arange(-radius, radius + 1, dtype=x.dtype)
    g = torch.exp(-(t**2) / (2 * sigma**2))
    g = g / g.sum()
    shape, c = x.shape, x.shape[-3]
    x = F.pad(x.reshape(-1, *shape[-3:]), (radius, radius, radius, radius), mode="replicate")
    x = F.conv2d(x, g.view(1, 1, 1, -1).expand(c, 1, 1, -1), groups=c)
    return F.conv2d(x, g.view(1, 1, -1, 1).expand(c, 1, -1, 1), groups=c).reshape(shape)


def _ascend(
    objective: Callable[[torch.Tensor], torch.Tensor],
    x: torch.Tensor,
    *,
    steps: int,
    lr: float,
    l2: float,
    blur: float,
    blur_every: int,
) -> torch.Tensor:
    """Regularized gradient ascent of ``objective`` (one value per image) on images
    ``x`` of shape ``(..., C, H, W)``; each image's step is scaled on its own."""
    with torch.enable_grad():  # gradients of the pixels only: the parameters stay untouched
        for step in range(steps):
            x.requires_grad_(True)
            (grad,) = torch.autograd.grad(objective(x).sum(), x)
            with torch.no_grad():
                scale = grad.abs().flatten(-3).amax(-1).clamp_min(1e-12)[..., None, None, None]
                x = x.detach() + lr * grad / scale
                x = 0.5 + (1.0 - l2) * (x - 0.5)
                if blur > 0 and (step + 1) % blur_every == 0:
                    x = _gaussian_blur(x, blur)
                x = x.clamp(0.0, 1.0)
    return x.detach()


def _check_models(models: Sequence[nn.Module]) -> None:
    """Raise unless ``models`` is a non-empty sequence of modules of one architecture."""
    if len(models) == 0 or not all(isinstance(m, nn.Module) for m in models):
        raise TypeError(
            f"model must be a torch.nn.Module or a non-empty sequence of them, got {describe(models)}"
        )
    shapes = [{k: tuple(v.shape) for k, v in m.state_dict().items()} for m in models]
    for i, (m, shape) in enumerate(zip(models, shapes)):
        if type(m) is not type(models[0]) or shape != shapes[0]:
            raise ValueError(
                f"model must hold models of one architecture (same class, parameter names and "
                f"shapes); model[{i}] differs from model[0]"
            )


# Monotonic activations: the same maximizer as their input, whose gradient
# does not vanish where the activation is flat.
_MONOTONIC = (nn.ReLU, nn.ReLU6, nn.LeakyReLU, nn.ELU, nn.Softplus, nn.Sigmoid, nn.Tanh, nn.Hardtanh)


def maximize_activation(
    model: nn.Module | Sequence[nn.Module],
    layer: str,
    channel: int | Sequence[int],
    *,
    size: int | None = None,
    where: str = "centre",
    steps: int = 150,
    lr: float = 0.05,
    l2: float = 0.05,
    blur: float = 0.5,
    blur_every: int = 10,
    seed: int = 0,
) -> torch.Tensor:
    """Find the input image that most excites one channel of a layer.

    Gradient ascent on the pixels of a grey image, kept readable by
    regularization, after Yosinski et al. (2015), "Understanding neural
    networks through deep visualization". Starting from mid-grey (0.5) plus
    a little seeded noise, each step

    1. moves the image along the gradient of the objective, normalized so
       that its largest pixel moves by ``lr`` (the step does not depend on
       the scale of the activations);
    2. decays it towards grey: ``x <- 0.5 + (1 - l2) (x - 0.5)``, a step of
       gradient descent on an L2 penalty, so pixels that do not matter fade
       to grey;
    3. every ``blur_every`` steps, blurs it with a Gaussian of ``blur``
       pixels, which removes high-frequency noise;
    4. clamps it to ``[0, 1]``, the range of the training images.

    For ``conv1`` the centre patch of the result is, up to clamping, the
    kernel itself: the gradient of a convolution unit is its kernel. The loop
    runs torch on one thread (restored after): its many small operations
    gain nothing from more, and lose a lot on a busy machine.

    Parameters
    ----------
    model : torch.nn.Module or sequence of torch.nn.Module
        Any model whose first convolution takes the images; or several
        models of one architecture (a seed study's, say), which are run
        side by side in one batch (``torch.func.vmap``) -- several times
        faster than one call per model, with the same start for each, so
        each model's images are those of its own call up to rounding.
    layer : str
        The layer to excite. For a monotonic activation (``ReLU``,
        ``Sigmoid``, ...) its input is maximized instead: the same image,
        but a gradient even where a ReLU is off. After a pooling, a unit that
        starts inactive has no gradient: prefer the convolutions or ReLUs.
    channel : int or sequence of int
        Output channel(s) of ``layer``; several are optimized independently,
        in one batch.
    size : int, optional
        Side of the square image; ``model.image_size`` if the model has it,
        else 50.
    where : {"centre", "mean"}
        Excite the unit at the centre of the map (the image shows its
        receptive field, grey around it) or the mean over the map (a pattern
        that excites the channel everywhere).
    steps : int
        Number of ascent steps.
    lr : float
        Largest pixel change per step.
    l2 : float
        Decay towards grey per step, in ``[0, 1)``.
    blur : float
        Standard deviation of the Gaussian blur in pixels; 0 disables it.
    blur_every : int
        Steps between blurs.
    seed : int
        Seed of the starting noise: the same call gives the same image.

    Returns
    -------
    torch.Tensor
        Float32 image(s) in ``[0, 1]``: ``(size, size)`` for one channel,
        ``(len(channel), size, size)`` for several, with an axis of input
        channels before the image axes if the model takes several; for a
        sequence of models, a leading axis of models.

    Raises
    ------
    TypeError, ValueError
        If an argument is invalid, the model has no convolution layer, or
        the models differ in architecture.

    Examples
    --------
    >>> from cnnexplain.model import LineCNN
    >>> image = maximize_activation(LineCNN(), "conv1", 3, steps=20)
    >>> tuple(image.shape)
    (50, 50)
    >>> 0.0 <= float(image.min()) <= float(image.max()) <= 1.0
    True
    >>> models = [LineCNN(seed=s) for s in range(3)]
    >>> tuple(maximize_activation(models, "conv2", [0, 1], steps=20).shape)
    (3, 2, 50, 50)
    """
    several = not isinstance(model, nn.Module)
    if several and (not isinstance(model, Sequence) or isinstance(model, str)):
        raise TypeError(f"model must be a torch.nn.Module or a sequence of them, got {describe(model)}")
    models = list(model) if several else [model]
    _check_models(models)
    first = models[0]
    module = find_layer(first, layer)
    convs = conv_layers(first)
    if not convs:
        raise ValueError("model must have a convolution layer, to know the input channels; it has none")
    in_channels = find_layer(first, convs[0]).in_channels
    if size is None:
        size = getattr(first, "image_size", 50)
    size = check_int("size", size, low=1, high=1024)
    check_choice("where", where, ("centre", "mean"))
    steps = check_int("steps", steps, low=0, high=100_000)
    lr = check_float("lr", lr, low=0, low_open=True, high=1)
    l2 = check_float("l2", l2, low=0, high=1, high_open=True)
    blur = check_float("blur", blur, low=0, high=size)
    blur_every = check_int("blur_every", blur_every, low=1)
    seed = check_seed("seed", seed)
    single = isinstance(channel, numbers.Integral)
    if not single and (not isinstance(channel, Sequence) or len(channel) == 0):
        raise TypeError(
            f"channel must be an integer or a non-empty sequence of integers, got {describe(channel)}"
        )
    n = 1 if single else len(channel)
    gen = torch.Generator().manual_seed(seed)
    x = (0.5 + 0.1 * torch.randn(n, in_channels, size, size, generator=gen)).clamp_(0, 1)
    pre = isinstance(module, _MONOTONIC)
    with evaluation_mode(first), torch_threads(1):
        out = capture(first, module, x, inputs=pre)
        select = torch.tensor(check_indices("channel", [channel] if single else channel, out.shape[1]))

        def objective_of(net: Callable[[torch.Tensor], torch.Tensor], unit: nn.Module):
            def objective(images: torch.Tensor) -> torch.Tensor:
                out = capture(net, unit, images, inputs=pre)[torch.arange(n), select]
                centre = tuple((s - 1) // 2 for s in out.shape[1:])
                return out[(slice(None), *centre)] if where == "centre" else out.reshape(n, -1).mean(1)

            return objective

        settings = {"steps": steps, "lr": lr, "l2": l2, "blur": blur, "blur_every": blur_every}
        if several:
            x = _ascend(
                _side_by_side(models, layer, objective_of),
                x.expand(len(models), *x.shape).clone(),
                **settings,
            )
        else:
            x = _ascend(objective_of(first, module), x, **settings)
    x = x.to(torch.float32)
    if in_channels == 1:
        x = x.squeeze(-3)
    return x.select(1 if several else 0, 0) if single else x


def _side_by_side(models: Sequence[nn.Module], layer: str, objective_of) -> Callable:
    """The objective of ``objective_of`` for every model at once: images ``(M, n, ...)``, model
    ``m`` on ``images[m]``, through ``torch.func.vmap`` over the models' stacked parameters."""
    # Stacked by hand, not with torch.func.stack_module_state: that one asks the models to be
    # in one training mode, and the template below is in evaluation mode whatever theirs.
    params, buffers = (
        {name: torch.stack([dict(items(m))[name].detach() for m in models]) for name, _ in items(models[0])}
        for items in (nn.Module.named_parameters, nn.Module.named_buffers)
    )
    template = copy.deepcopy(models[0]).to("meta").eval()  # the architecture, without weights
    unit = find_layer(template, layer)

    def one(p: dict, b: dict, images: torch.Tensor) -> torch.Tensor:
        return objective_of(lambda im: functional_call(template, (p, b), (im,)), unit)(images)

    batched = vmap(one)
    return lambda images: batched(params, buffers, images)
