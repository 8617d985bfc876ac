"""is_edge_detector: its arguments, shapes, invariances, and its rates on families with known answers."""

from __future__ import annotations

import time

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from cnnexplain.analysis import (
    EDGE_SHARE,
    EDGE_TARGET,
    EDGE_VERDICTS,
    HARDEST_SNR,
    NON_EDGE_TARGET,
    SMOOTH_RATIO,
    SNR_LEVELS,
    edge_families,
    edge_fit,
    edge_parts,
    edge_validation,
    edge_verdict,
    is_edge_detector,
    is_line_detector,
    wilson_interval,
)
from cnnexplain.edges import PREWITT_X, PREWITT_Y, SOBEL_X, edge_template

ANGLES = np.arange(0, 360, 7.5)


def edges(kind="prewitt", size=7):
    """Clean edge templates at 48 orientations, both polarities."""
    return np.stack([edge_template(size, float(a), kind).double().numpy() for a in ANGLES])


def bar(width, offset=0.0, angle=0.0, size=7):
    """An anti-aliased bright bar ``width`` px wide, ``offset`` px off the centre."""
    c = np.arange(size) - (size - 1) / 2
    t = np.deg2rad(angle)
    p = c[None, :] * np.cos(t) + c[:, None] * np.sin(t)
    return np.clip(width / 2 + 0.5 - np.abs(p - offset), 0.0, 1.0)


# -- arguments ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kernels", "error", "expected", "given"),
    [
        ([[1.0, 2.0, 3.0]] * 3, TypeError, "torch.Tensor or numpy.ndarray", "(list)"),
        (None, TypeError, "torch.Tensor or numpy.ndarray", "None"),
        (3.0, TypeError, "torch.Tensor or numpy.ndarray", "3.0 (float)"),
        (np.ones(7), ValueError, "shape (..., k, k)", "shape (7,)"),
        (np.ones((7, 5)), ValueError, "square with k odd", "shape (7, 5)"),
        (np.ones((2, 6, 6)), ValueError, "k odd and at least 3", "shape (2, 6, 6)"),
        (np.ones((1, 1)), ValueError, "at least 3", "shape (1, 1)"),
        (np.ones((0, 0)), ValueError, "at least 3", "shape (0, 0)"),
        (np.full((7, 7), np.nan), ValueError, "NaN or infinite", "49 of them"),
        (np.where(np.eye(7) > 0, np.inf, 0.0), ValueError, "NaN or infinite", "7 of them"),
        (np.ones((7, 7), dtype=bool), TypeError, "real numbers", "bool array"),
        (np.ones((7, 7), dtype=complex), TypeError, "real numbers", "complex128 array"),
        (np.full((7, 7), "a"), TypeError, "real numbers", "<U1 array"),
        (np.ones((7, 7), dtype=object), TypeError, "real numbers", "object array"),
        (torch.ones(7, 7, dtype=torch.bool), TypeError, "real numbers", "torch.bool tensor"),
        (torch.ones(7, 7, dtype=torch.complex64), TypeError, "real numbers", "torch.complex64 tensor"),
        (torch.full((3, 3), float("nan")), ValueError, "NaN or infinite", "9 of them"),
        (torch.ones(4, 4), ValueError, "k odd", "shape (4, 4)"),
    ],
)
def test_bad_kernels_are_named_with_what_was_expected_and_given(kernels, error, expected, given):
    with pytest.raises(error) as info:
        is_edge_detector(kernels)
    message = str(info.value)
    assert message.startswith("kernels must"), message
    assert expected in message and given in message, message


# -- shapes -----------------------------------------------------------------------


def test_one_kernel_gives_a_0d_array_and_batches_keep_their_axes():
    one = is_edge_detector(edge_template(7, 0))
    assert isinstance(one, np.ndarray) and one.shape == () and one.dtype == bool and bool(one)
    batch = np.stack([edges()[:6], np.stack([bar(1, angle=a) for a in range(0, 180, 30)])])  # (2, 6, 7, 7)
    out = is_edge_detector(batch)
    assert out.shape == (2, 6) and out.dtype == bool
    assert out[0].all() and not out[1].any()
    assert is_edge_detector(np.zeros((0, 7, 7))).shape == (0,)
    assert is_edge_detector(np.zeros((3, 0, 5, 5))).shape == (3, 0)


def test_torch_and_numpy_of_any_real_dtype_agree():
    rng = np.random.default_rng(0)
    kernels = np.concatenate([edges() + 0.3 * rng.normal(size=(48, 7, 7)), rng.normal(size=(16, 7, 7))])
    expected = is_edge_detector(kernels)
    assert expected[:48].all() and not expected[48:].any()  # a clear case either way
    assert (is_edge_detector(torch.from_numpy(kernels)) == expected).all()
    assert (is_edge_detector(kernels.astype(np.float32)) == expected).all()
    assert (is_edge_detector(torch.from_numpy(kernels).to(torch.bfloat16)) == expected).all()
    grad = torch.from_numpy(kernels).float().requires_grad_()
    assert (is_edge_detector(grad) == expected).all()
    mirrored = np.asfortranarray(kernels.transpose(0, 2, 1))  # not C-contiguous; edges stay edges
    assert (is_edge_detector(mirrored) == expected).all()
    integers = np.rint(10 * edges()).astype(np.int64)
    assert is_edge_detector(integers).all() and is_edge_detector(integers.astype(np.uint8)).shape == (48,)


def test_a_conv_weight_is_judged_kernel_by_kernel():
    conv = torch.nn.Conv2d(2, 3, 7, bias=False)
    with torch.no_grad():
        conv.weight[:] = torch.from_numpy(bar(2)).float()
        conv.weight[1, 0] = edge_template(7, 45)
    out = is_edge_detector(conv.weight)
    assert out.shape == (3, 2)
    assert out.tolist() == [[False, False], [True, False], [False, False]]


def test_every_kernel_is_judged_alone_whatever_the_batch():
    rng = np.random.default_rng(1)
    kernels = np.concatenate([edges() + rng.normal(size=(48, 7, 7)), rng.normal(size=(48, 7, 7))])
    together = is_edge_detector(kernels)
    alone = np.array([bool(is_edge_detector(k)) for k in kernels])
    assert (together == alone).all()
    order = rng.permutation(len(kernels))
    assert (is_edge_detector(kernels[order]) == together[order]).all()
    assert (is_edge_detector(kernels) == together).all()  # the same again: deterministic


# -- what passes and what does not ----------------------------------------------


@pytest.mark.parametrize("size", [3, 5, 7, 9, 15])
@pytest.mark.parametrize("kind", ["prewitt", "sobel"])
def test_edge_operators_at_every_orientation_and_size_pass(kind, size):
    assert is_edge_detector(edges(kind, size)).all()


def test_the_3x3_operators_and_a_ramp_are_edge_detectors():
    assert is_edge_detector(torch.stack([PREWITT_X, PREWITT_Y, SOBEL_X, -SOBEL_X.T])).all()
    c = np.arange(7.0) - 3
    assert bool(is_edge_detector(np.broadcast_to(c, (7, 7)) + 0.0))  # a linear ramp: the gradient


def test_lines_blobs_checkerboards_and_flat_kernels_are_not():
    c = np.arange(7.0) - 3
    r2 = c[None, :] ** 2 + c[:, None] ** 2
    kernels = [
        *(bar(w, angle=a) for w in (1, 2, 3) for a in range(0, 180, 15)),
        # A thin line off the centre is one-sided about it, but still a line.
        *(bar(1, offset=o, angle=a) for o in (-1.5, -1, -0.5, 0.5, 1, 1.5) for a in (0, 45, 90)),
        *(np.exp(-r2 / (2 * s**2)) for s in (0.7, 1, 2, 3)),
        np.exp(-r2 / 2) - np.exp(-r2 / 8) / 4,
        (-1.0) ** np.add.outer(np.arange(7), np.arange(7)),
        np.zeros((7, 7)),
        np.full((7, 7), 0.1),  # not exactly flat once its mean is removed in floating point
        np.full((7, 7), -3e9),
    ]
    assert not is_edge_detector(np.stack(kernels)).any()


def test_bars_are_line_detectors_and_edges_noise_and_flat_kernels_are_not():
    bars = np.stack(
        [
            *(sign * bar(w, angle=a) for w in (1, 2, 3) for a in range(0, 180, 15) for sign in (1, -1)),
            *(bar(1, offset=o, angle=a) for o in (-1.5, -1, 1, 1.5) for a in (0, 45, 90)),
        ]
    )
    assert is_line_detector(bars).all()
    others = np.stack(
        [
            *(edge_template(7, a).numpy() for a in range(0, 180, 15)),
            np.zeros((7, 7)),
            np.full((7, 7), 0.1),
            (-1.0) ** np.add.outer(np.arange(7), np.arange(7)),
        ]
    )
    assert not is_line_detector(others).any()
    noise = np.random.default_rng(0).normal(size=(500, 7, 7))
    assert is_line_detector(noise).mean() < 0.02


def test_no_kernel_is_both_an_edge_and_a_line_detector():
    families = edge_families(seed=0)
    kernels = np.concatenate(list(families.values()))
    assert not (is_line_detector(kernels) & is_edge_detector(kernels)).any()
    assert is_line_detector(kernels).shape == kernels.shape[:1]
    assert is_line_detector(kernels[:6].reshape(2, 3, 7, 7)).shape == (2, 3)
    assert not is_line_detector(np.ones((3, 3)) * np.arange(3.0))  # no line templates on 3x3


def test_the_verdict_names_the_condition_a_kernel_fails():
    c = np.arange(7.0) - 3
    ramp = np.tile(c, (7, 1))  # an edge: a linear ramp across
    bend = ramp + 0.5 * (c[:, None] ** 2)  # the ramp beside a smooth curvature along it
    kernels = np.stack([ramp, bar(1), bend, bar(1, offset=1.0), np.zeros((7, 7))])
    verdicts = edge_verdict(kernels)
    assert verdicts.tolist() == [
        "edge detector",
        "too little edge",  # a centred line: no antisymmetric template explains it
        "smooth pattern beside it",
        "a line fits as well",  # one-sided about the centre, but a line
        "too little edge",
    ]
    assert set(verdicts) <= set(EDGE_VERDICTS)


def test_the_verdict_agrees_with_the_edge_test_and_keeps_the_batch_axes():
    rng = np.random.default_rng(5)
    kernels = rng.normal(size=(40, 7, 7)) + 0.7 * edges()[rng.integers(0, 48, 40)]
    kernels = kernels.reshape(5, 8, 7, 7)
    verdicts = edge_verdict(kernels)
    assert verdicts.shape == (5, 8)
    np.testing.assert_array_equal(verdicts == "edge detector", is_edge_detector(kernels))
    assert len(set(verdicts.ravel())) > 1  # the mixture holds passes and failures


def test_edge_fit_gives_the_numbers_behind_each_verdict():
    rng = np.random.default_rng(6)
    kernels = (rng.normal(size=(40, 7, 7)) + 0.7 * edges()[rng.integers(0, 48, 40)]).reshape(5, 8, 7, 7)
    fit = edge_fit(torch.from_numpy(kernels).float())
    assert all(part.shape == (5, 8) for part in fit)
    passes = (fit.edge >= EDGE_SHARE) & (fit.edge >= SMOOTH_RATIO * fit.smooth) & (fit.edge > fit.line)
    np.testing.assert_array_equal(passes, is_edge_detector(kernels))
    vertical = edge_fit(np.tile(np.arange(7.0), (7, 1)))  # brightness rising to the right
    assert vertical.edge > 0.9 and float(vertical.angle) == 0.0
    flat = edge_fit(np.ones((7, 7)))
    assert (flat.edge, flat.smooth, flat.line) == (0.0, 0.0, 0.0) and np.isnan(flat.angle)
    with pytest.raises(ValueError, match="kernels"):
        edge_fit(np.ones((6, 6)))


def test_edge_parts_add_up_to_the_kernel_and_carry_the_fits_shares():
    rng = np.random.default_rng(7)
    kernels = (rng.normal(size=(12, 7, 7)) + 2.0 * edges()[rng.integers(0, 48, 12)]).reshape(3, 4, 7, 7)
    parts = edge_parts(kernels)
    assert all(part.shape == (3, 4, 7, 7) for part in parts)
    centred = kernels - kernels.mean(axis=(-2, -1), keepdims=True)
    np.testing.assert_allclose(parts.edge + parts.smooth + parts.rest, centred, atol=1e-12)
    energy = (centred**2).sum(axis=(-2, -1))
    fit = edge_fit(kernels)
    np.testing.assert_allclose((parts.edge**2).sum(axis=(-2, -1)) / energy, fit.edge, rtol=1e-9)
    np.testing.assert_allclose((parts.smooth**2).sum(axis=(-2, -1)) / energy, fit.smooth, rtol=1e-9)
    assert not np.any(edge_parts(np.full((7, 7), 4.0)))  # a flat kernel has no parts
    with pytest.raises(ValueError, match="NaN"):
        edge_parts(np.full((7, 7), np.nan))


# -- invariances ------------------------------------------------------------------

noisy_kernels = st.integers(0, 2**32 - 1).map(
    lambda seed: edges()[seed % 48] + np.random.default_rng(seed).normal(size=(7, 7)) * (seed % 7) / 3
)


@settings(max_examples=60, deadline=None)
@given(kernel=noisy_kernels, scale=st.floats(1e-150, 1e150), offset=st.floats(-1e3, 1e3))
def test_positive_scale_sign_and_offset_do_not_change_the_verdict(kernel, scale, offset):
    verdict = bool(is_edge_detector(kernel))
    assert bool(is_edge_detector(-kernel)) == verdict  # a flipped edge detector is one
    assert bool(is_edge_detector(kernel * 2.0**40)) == verdict  # exact in floating point
    assert bool(is_edge_detector(kernel * 2.0**-40)) == verdict
    # Any other scale or offset rounds differently; only a kernel on the threshold could flip.
    assert bool(is_edge_detector(kernel * scale)) == verdict
    assert bool(is_edge_detector(kernel + offset * np.abs(kernel).max())) == verdict


def test_rotating_or_mirroring_a_kernel_keeps_the_verdict():
    rng = np.random.default_rng(2)
    noise = rng.normal(size=(96, 7, 7))
    kernels = np.concatenate([edges("sobel") + 0.5 * noise[:48], noise[48:]])
    verdict = is_edge_detector(kernels)
    assert verdict[:48].all() and not verdict[48:].any()
    for turned in (np.rot90(kernels, 1, axes=(1, 2)), kernels[:, ::-1], kernels.transpose(0, 2, 1)):
        assert (is_edge_detector(turned.copy()) == verdict).all()


def test_the_input_is_left_alone():
    kernels = edges()[:4].copy()
    tensor = torch.from_numpy(kernels.copy())
    is_edge_detector(kernels)
    is_edge_detector(tensor)
    assert np.array_equal(kernels, edges()[:4]) and np.array_equal(tensor.numpy(), kernels)


# -- families with known answers --------------------------------------------------


def test_the_families_repeat_with_the_seed_and_have_the_documented_noise():
    families = edge_families(seed=3, n=40)
    again = edge_families(seed=3, n=40)
    other = edge_families(seed=4, n=40)
    assert list(families) == list(again) and len(families) == 32
    for name, kernels in families.items():
        assert kernels.shape == (40, 7, 7) and kernels.dtype == np.float64, name
        assert np.isfinite(kernels).all(), name
        assert np.array_equal(kernels, again[name]), name
        if name not in ("Prewitt", "Sobel", "Scharr", "constant"):  # deterministic up to a polarity
            assert not np.array_equal(kernels, other[name]), name
    for kind in ("Prewitt", "Sobel", "Scharr", "odd Gabor"):
        clean = families[kind]
        for snr in SNR_LEVELS:
            noise = families[f"{kind}, SNR {snr:g}"] - clean
            norm = np.linalg.norm(clean.reshape(40, -1), axis=1)
            assert np.allclose(norm / np.linalg.norm(noise.reshape(40, -1), axis=1), snr), (kind, snr)
    assert np.allclose(np.abs(families["uniform noise"]).max(), 1 / 7, atol=0.02)  # PyTorch's init of 1x7x7


def test_edge_families_rejects_bad_arguments():
    with pytest.raises(TypeError, match="seed must be an integer"):
        edge_families(seed=1.5)
    with pytest.raises(ValueError, match=r"seed must be an integer in \[0, 18446744073709551615\], got -1"):
        edge_families(seed=-1)
    with pytest.raises(ValueError, match=r"n must be an integer in \[1, 100000\], got 0"):
        edge_families(n=0)


def test_the_validation_table_meets_the_targets():
    """The rates the docstring of is_edge_detector promises, with the seed the site uses (400 a family)."""
    start = time.perf_counter()
    validation = edge_validation(seed=0, n=400)
    assert time.perf_counter() - start < 10
    assert validation.failures == []
    by_answer = {}
    for row in validation.rows:
        by_answer.setdefault(row.answer, []).append(row)
        assert row.n == 400 and row.share == row.passed / 400
        assert row.interval[0] <= row.share <= row.interval[1]
    # Every family with no edge passes 5% of the time or less...
    assert len(by_answer["no edge"]) == 9
    assert all(row.share <= NON_EDGE_TARGET for row in by_answer["no edge"])
    # ... and every edge operator 90% or more, down to noise as strong as the edge.
    hardest = [row for row in by_answer["edge"] if row.family.endswith(f"SNR {HARDEST_SNR:g}")]
    assert len(hardest) == 4 and all(row.share >= EDGE_TARGET for row in hardest)
    assert all(row.share >= EDGE_TARGET for row in by_answer["edge"] if row.target is not None)
    # Smooth fields and patch sums have no target; they pass sometimes, but far from always.
    assert len(by_answer["chance"]) == 3
    assert all(0.05 < row.share < 0.5 for row in by_answer["chance"])
    text = str(validation)
    assert "MISSED" not in text and len(text.splitlines()) == 2 + 32
    assert max(len(line) for line in text.splitlines()) <= 72  # fits a gallery page's output box


def test_a_criterion_that_misses_is_reported_and_a_bad_one_rejected():
    never = edge_validation(seed=0, n=20, criterion=lambda k: np.zeros(len(k), dtype=bool))
    assert {row.answer for row in never.failures} == {"edge"}
    assert never["Gaussian noise"].met is True and never["sum of 200 patches"].met is None
    assert "MISSED" in str(never)
    with pytest.raises(KeyError, match="no family named 'Roberts'"):
        never["Roberts"]
    with pytest.raises(TypeError, match="criterion must be a callable"):
        edge_validation(n=10, criterion="prewitt")
    with pytest.raises(ValueError, match="criterion must return 10 booleans for 10 kernels"):
        edge_validation(n=10, criterion=lambda k: np.zeros(3, dtype=bool))
    with pytest.raises(ValueError, match="criterion must return 10 booleans"):
        edge_validation(n=10, criterion=lambda k: np.zeros(len(k)))  # floats, not booleans


def test_wilson_interval():
    low, high = wilson_interval(0, 400)
    assert low == 0.0 and 0.009 < high < 0.0096  # 3.84 / (400 + 3.84)
    low, high = wilson_interval(400, 400)
    assert high == 1.0 and 0.990 < low < 0.991
    low, high = wilson_interval(360, 400)
    assert low < 0.9 < high and high - low < 0.06
    assert wilson_interval(5, 10, 0.99)[0] < wilson_interval(5, 10)[0]
    with pytest.raises(ValueError, match=r"passed must be an integer in \[0, 10\], got 11"):
        wilson_interval(11, 10)
    with pytest.raises(ValueError, match=r"n must be an integer in \[1, 9007199254740992\]"):
        wilson_interval(0, 0)
    with pytest.raises(ValueError, match=r"confidence must be a finite number in \(0, 1\)"):
        wilson_interval(1, 10, confidence=1.0)


def test_the_edge_test_orients_its_templates_on_edge_match_s_grid():
    # The gallery counts the chance that an orientation lies near an axis on edge_match's
    # grid (the edge-match page, "Which way do they point?"), and calls it the edge test's.
    from cnnexplain.analysis import DEFAULT_ANGLES, edge_detector

    assert edge_detector._ANGLES.tolist() == list(DEFAULT_ANGLES)
