"""Tests of cnnexplain.edges: the operators, their sign convention, convolve.

``convolve`` is checked against :func:`correlate_reference`, a cross-correlation
written here from its definition with plain loops, not against
``torch.nn.functional.conv2d`` (which is what ``convolve`` calls).
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from cnnexplain.edges import PREWITT_X, PREWITT_Y, SOBEL_X, SOBEL_Y, convolve, edge_template


def correlate_reference(image: np.ndarray, kernel: np.ndarray, padding: str | int = "valid") -> np.ndarray:
    """Cross-correlation by its definition: the kernel is not flipped, pixels outside the image are 0.

    ``out[i, j] = sum over (u, v) of kernel[u, v] * image[i + u - top, j + v - left]``,
    where ``top`` and ``left`` are the zero rows and columns added before the
    image: none for "valid", ``(k - 1) // 2`` for "same", ``padding`` for a number.
    """
    image, kernel = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    (h, w), (kh, kw) = image.shape, kernel.shape
    if padding == "valid":
        top, left, out_h, out_w = 0, 0, h - kh + 1, w - kw + 1
    elif padding == "same":
        top, left, out_h, out_w = (kh - 1) // 2, (kw - 1) // 2, h, w
    else:
        top, left, out_h, out_w = padding, padding, h + 2 * padding - kh + 1, w + 2 * padding - kw + 1
    out = np.zeros((out_h, out_w))
    for i in range(out_h):
        for j in range(out_w):
            for u in range(kh):
                for v in range(kw):
                    row, col = i + u - top, j + v - left
                    if 0 <= row < h and 0 <= col < w:
                        out[i, j] += kernel[u, v] * image[row, col]
    return out


KERNELS = {
    "PREWITT_X": PREWITT_X,
    "PREWITT_Y": PREWITT_Y,
    "SOBEL_X": SOBEL_X,
    "SOBEL_Y": SOBEL_Y,
    "template 4x4 at 30": edge_template(4, 30),
    "sobel template 3x5 at 120": edge_template((3, 5), 120, "sobel"),
    "random 2x3": torch.tensor([[0.5, -1.5, 2.0], [1.0, 0.25, -0.75]]),
}


def test_the_reference_is_cross_correlation():
    # One bright pixel: cross-correlation paints the kernel rotated by 180
    # degrees around it (a true convolution would paint it upright).
    image = np.zeros((5, 5))
    image[2, 2] = 1.0
    kernel = np.arange(9.0).reshape(3, 3)
    assert np.array_equal(correlate_reference(image, kernel, "same")[1:4, 1:4], kernel[::-1, ::-1])
    assert correlate_reference(image, kernel).shape == (3, 3)
    assert correlate_reference(image, kernel, 2).shape == (7, 7)


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


def test_operators_measure_the_textbook_differences():
    # Prewitt and Sobel, written as differences of pixels: X is right column
    # minus left column, Y bottom row minus top row; Sobel weights the middle 2.
    rng = np.random.default_rng(2)
    image = rng.random((7, 6))
    i, j = np.meshgrid(np.arange(5), np.arange(4), indexing="ij")  # top-left corner of each 3x3 patch

    def at(di, dj):
        return image[i + di, j + dj]

    right_minus_left = [at(d, 2) - at(d, 0) for d in range(3)]
    below_minus_above = [at(2, d) - at(0, d) for d in range(3)]
    expected = {
        "PREWITT_X": sum(right_minus_left),
        "SOBEL_X": right_minus_left[0] + 2 * right_minus_left[1] + right_minus_left[2],
        "PREWITT_Y": sum(below_minus_above),
        "SOBEL_Y": below_minus_above[0] + 2 * below_minus_above[1] + below_minus_above[2],
    }
    for name, difference in expected.items():
        np.testing.assert_allclose(correlate_reference(image, KERNELS[name].numpy()), difference, atol=1e-12)


@pytest.mark.parametrize("padding", ["valid", "same", 0, 1, 2])
@pytest.mark.parametrize("name", sorted(KERNELS))
def test_convolve_matches_the_reference(name, padding):
    kernel = KERNELS[name]
    rng = np.random.default_rng(0)
    image = rng.random((9, 8)).astype(np.float32)
    out = convolve(image, kernel, padding=padding)  # numpy input accepted
    expected = correlate_reference(image, kernel.numpy(), padding)
    assert out.dtype == torch.float32 and out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, rtol=1e-5, atol=1e-5)


def test_convolve_handles_each_image_of_a_batch_alone():
    rng = np.random.default_rng(1)
    images = torch.from_numpy(rng.random((4, 1, 12, 10)).astype(np.float32))
    kernel = torch.from_numpy(
        rng.normal(size=(5, 4)).astype(np.float32)
    )  # even width: "same" pads 1 left, 2 right
    out = convolve(images, kernel, padding="same")
    assert out.shape == (4, 1, 12, 10)
    for n in range(4):
        expected = correlate_reference(images[n, 0].numpy(), kernel.numpy(), "same")
        np.testing.assert_allclose(out[n, 0].numpy(), expected, rtol=1e-5, atol=1e-5)


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
        (torch.zeros(1, 4), PREWITT_X, {"padding": 0}, ValueError, "images"),
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
