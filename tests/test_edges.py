"""Tests of cnnexplain.edges: the operators, their sign convention, convolve."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from cnnexplain.edges import PREWITT_X, PREWITT_Y, SOBEL_X, SOBEL_Y, convolve, edge_template


def correlate_reference(image: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Cross-correlation by its definition (kernel not flipped), 'valid'."""
    kh, kw = kernel.shape
    h, w = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    out = np.zeros((h, w))
    for i in range(h):
        for j in range(w):
            out[i, j] = (image[i : i + kh, j : j + kw] * kernel).sum()
    return out


def test_constants_have_the_textbook_values():
    assert PREWITT_X.tolist() == [[-1, 0, 1], [-1, 0, 1], [-1, 0, 1]]
    assert PREWITT_Y.tolist() == [[-1, -1, -1], [0, 0, 0], [1, 1, 1]]
    assert SOBEL_X.tolist() == [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]
    assert SOBEL_Y.tolist() == [[-1, -2, -1], [0, 0, 0], [1, 2, 1]]
    for k in (PREWITT_X, PREWITT_Y, SOBEL_X, SOBEL_Y):
        assert k.shape == (3, 3) and k.dtype == torch.float32
        assert not k.requires_grad
        assert float(k.sum()) == 0.0  # no response on a flat image
        assert torch.equal(torch.rot90(k, 2), -k)  # antisymmetric: flipping negates


def test_prewitt_x_answers_right_minus_left():
    image = torch.zeros(5, 5)
    image[:, 3:] = 1.0  # dark on the left, bright on the right
    out = convolve(image, PREWITT_X)
    assert out.tolist() == [[0.0, 3.0, 3.0]] * 3
    assert float(convolve(image, SOBEL_X).max()) == 4.0
    # A true convolution (kernel flipped) would give the opposite sign.
    assert torch.equal(convolve(image, torch.flip(PREWITT_X, (0, 1))), -out)


def test_signs_on_a_bright_vertical_line():
    image = torch.zeros(9, 9)
    image[:, 4] = 1.0
    row = convolve(image, PREWITT_X, padding="same")[4]
    # Positive on the line's left edge (dark to bright going right), negative
    # on its right edge, zero on the line itself.
    assert row[3] > 0 and row[5] < 0 and row[4] == 0
    # PREWITT_Y sees no horizontal edge inside the image.
    assert torch.all(convolve(image, PREWITT_Y)[:, :] == 0)


def test_signs_on_a_bright_horizontal_line():
    image = torch.zeros(9, 9)
    image[4, :] = 1.0
    col = convolve(image, PREWITT_Y, padding="same")[:, 4]
    # below - above: positive on the top edge, negative on the bottom edge.
    assert col[3] > 0 and col[5] < 0 and col[4] == 0
    assert torch.all(convolve(image, PREWITT_X) == 0)
    assert torch.all(convolve(image, SOBEL_X) == 0)


def test_convolve_is_cross_correlation_by_definition():
    rng = np.random.default_rng(0)
    image = rng.random((7, 8)).astype(np.float32)
    kernel = rng.normal(size=(3, 2)).astype(np.float32)
    out = convolve(image, kernel)  # numpy input accepted
    assert out.shape == (5, 7) and out.dtype == torch.float32
    np.testing.assert_allclose(out.numpy(), correlate_reference(image, kernel), rtol=1e-5, atol=1e-6)


def test_convolve_equals_torch_conv2d_on_batches():
    gen = torch.Generator().manual_seed(0)
    images = torch.rand(4, 1, 12, 10, generator=gen)
    kernel = torch.randn(5, 3, generator=gen)
    out = convolve(images, kernel)
    assert out.shape == (4, 1, 8, 8)
    assert torch.allclose(out, F.conv2d(images, kernel[None, None]), atol=1e-6)
    # Each image of the batch is handled alone, as the 2-D call does.
    assert torch.allclose(out[2, 0], convolve(images[2, 0], kernel), atol=1e-6)


@pytest.mark.parametrize(
    ("padding", "shape"),
    [("valid", (8, 6)), ("same", (10, 8)), (0, (8, 6)), (1, (10, 8)), (2, (12, 10)), (3, (14, 12))],
)
def test_padding_modes(padding, shape):
    gen = torch.Generator().manual_seed(1)
    image = torch.rand(10, 8, generator=gen)
    out = convolve(image, SOBEL_Y, padding=padding)
    assert out.shape == shape
    pad = {"valid": 0, "same": 1}.get(padding, padding)
    expected = F.conv2d(image[None, None], SOBEL_Y[None, None], padding=pad)[0, 0]
    assert torch.allclose(out, expected, atol=1e-6)
    if padding == "same":  # zero padding: the border sees a dark frame
        assert torch.allclose(out[1:-1, 1:-1], convolve(image, SOBEL_Y), atol=1e-6)


def test_convolve_converts_integer_images_and_keeps_inputs():
    image = np.zeros((5, 5), dtype=np.uint8)
    image[:, 3:] = 1
    kernel = PREWITT_X.clone()
    out = convolve(image, kernel)
    assert out.dtype == torch.float32 and out.tolist() == [[0.0, 3.0, 3.0]] * 3
    assert torch.equal(kernel, PREWITT_X) and image.dtype == np.uint8


@pytest.mark.parametrize(
    ("images", "kernel", "kwargs", "error", "name"),
    [
        ([[0.0, 1.0], [1.0, 0.0]], PREWITT_X, {}, TypeError, "images"),
        (torch.zeros(3, 5, 5), PREWITT_X, {}, ValueError, "images"),
        (torch.zeros(5), PREWITT_X, {}, ValueError, "images"),
        (torch.zeros(2, 3, 5, 5), PREWITT_X, {}, ValueError, "images"),
        (torch.full((5, 5), float("nan")), PREWITT_X, {}, ValueError, "images"),
        (torch.full((5, 5), float("inf")), PREWITT_X, {}, ValueError, "images"),
        (torch.zeros(5, 5, dtype=torch.complex64), PREWITT_X, {}, TypeError, "images"),
        (torch.zeros(5, 5, dtype=torch.bool), PREWITT_X, {}, TypeError, "images"),
        (np.zeros((5, 5), dtype=object), PREWITT_X, {}, TypeError, "images"),
        (torch.zeros(2, 2), PREWITT_X, {}, ValueError, "images"),  # smaller than the kernel
        (torch.zeros(5, 5), torch.zeros(3), {}, ValueError, "kernel"),
        (torch.zeros(5, 5), torch.zeros(1, 3, 3), {}, ValueError, "kernel"),
        (torch.zeros(5, 5), torch.zeros(0, 3), {}, ValueError, "kernel"),
        (torch.zeros(5, 5), "prewitt", {}, TypeError, "kernel"),
        (torch.zeros(5, 5), torch.tensor([[float("nan")]]), {}, ValueError, "kernel"),
        (torch.zeros(5, 5), PREWITT_X, {"padding": "full"}, ValueError, "padding"),
        (torch.zeros(5, 5), PREWITT_X, {"padding": -1}, ValueError, "padding"),
        (torch.zeros(5, 5), PREWITT_X, {"padding": 1000}, ValueError, "padding"),
        (torch.zeros(5, 5), PREWITT_X, {"padding": 1.5}, TypeError, "padding"),
        (torch.zeros(5, 5), PREWITT_X, {"padding": True}, TypeError, "padding"),
    ],
)
def test_convolve_rejects_bad_input(images, kernel, kwargs, error, name):
    with pytest.raises(error, match=name):
        convolve(images, kernel, **kwargs)


# -- edge_template -----------------------------------------------------------------------


def test_edge_template_reproduces_the_3x3_constants():
    assert torch.equal(edge_template(3, 0), PREWITT_X)
    assert torch.equal(edge_template(3, 90), PREWITT_Y)
    assert torch.equal(edge_template(3, 0, "sobel"), SOBEL_X)
    assert torch.equal(edge_template(3, 90, "sobel"), SOBEL_Y)
    assert torch.equal(edge_template(3, 360 + 90), PREWITT_Y)  # modulo 360


@pytest.mark.parametrize("angle", [0, 30, 45, 90, 135, 200, -60])
@pytest.mark.parametrize("kind", ["prewitt", "sobel"])
@pytest.mark.parametrize("size", [3, 4, 7, (3, 5)])
def test_edge_template_is_antisymmetric_and_flips_with_angle(size, angle, kind):
    k = edge_template(size, angle, kind)
    shape = size if isinstance(size, tuple) else (size, size)
    assert k.shape == shape and k.dtype == torch.float32
    assert torch.allclose(torch.rot90(k, 2), -k, atol=1e-6)
    assert abs(float(k.sum())) < 1e-5
    assert torch.allclose(edge_template(size, angle + 180, kind), -k, atol=1e-6)


def test_edge_template_answers_like_its_angle():
    k = edge_template(7, 0, "sobel")
    assert k[3].tolist() == [-4, -4, -4, 0, 4, 4, 4]  # 1, 2, 3, 4, 3, 2, 1 down the columns
    assert k[:, 6].tolist() == [1, 2, 3, 4, 3, 2, 1]
    # A 45-degree template responds most to a gradient towards the bottom right.
    ramp = torch.arange(9.0)[:, None] + torch.arange(9.0)[None, :]  # brighter to the bottom right
    responses = {a: float(convolve(ramp, edge_template(3, a))[3, 3]) for a in (0, 45, 90, 180, 225)}
    assert max(responses, key=responses.get) == 45
    assert responses[225] == -responses[45] and responses[180] == -responses[0]


@pytest.mark.parametrize(
    ("args", "error", "name"),
    [
        ((0, 0), ValueError, "size"),
        ((65, 0), ValueError, "size"),
        ((3.0, 0), TypeError, "size"),
        (((3, 0), 0), ValueError, "size"),
        (((3, 3, 3), 0), ValueError, "size"),
        ((3, float("nan")), ValueError, "angle"),
        ((3, "up"), TypeError, "angle"),
        ((3, True), TypeError, "angle"),
        ((3, 0, "canny"), ValueError, "kind"),
    ],
)
def test_edge_template_rejects_bad_input(args, error, name):
    with pytest.raises(error, match=name):
        edge_template(*args)
