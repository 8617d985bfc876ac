"""Glued values and checked claims (cnnexplain.claims), in and outside the docs build."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from cnnexplain.claims import STRICT_ENV, UNQUALIFIED, check, collect, glue, glue_link, plural


def unqualified(claim: str, measured: str, holds: bool) -> dict:
    """The record of ``check(claim, holds, measured=measured)``: a boolean, no n, interval or margin."""
    return {
        "claim": claim,
        "kind": "boolean",
        "test": UNQUALIFIED,
        "statistic": "",
        "value": None,
        "n": None,
        "interval": None,
        "level": None,
        "margin": None,
        "measured": measured,
        "holds": holds,
        "outcome": None,
        "p_value": None,
    }


@pytest.fixture(autouse=True)
def fresh_record(monkeypatch):
    """Each test starts with nothing recorded, outside the docs build."""
    monkeypatch.delenv(STRICT_ENV, raising=False)
    collect()
    yield
    collect()


def test_glue_returns_the_value_and_records_its_formatted_text():
    accuracy = 0.99625
    assert glue("val_accuracy", accuracy, "{:.1%}") is accuracy
    assert glue("n_images", 1200, "{:,}") == 1200
    assert glue("epochs", 20) == 20
    assert collect()["values"] == {"val_accuracy": "99.6%", "n_images": "1,200", "epochs": "20"}


def test_collect_starts_afresh():
    glue("epochs", 20)
    check("twenty epochs", True, measured="20")
    assert collect()["claims"] == [unqualified("twenty epochs", "20", True)]
    assert collect() == {"values": {}, "links": {}, "claims": []}


def test_glue_link_records_text_and_address():
    url = glue_link("live", "epoch 2", "plot_04b_explorer.html#epoch=2")
    assert url == "plot_04b_explorer.html#epoch=2"
    record = collect()
    assert record["values"] == {"live": "epoch 2"}
    assert record["links"] == {"live": "plot_04b_explorer.html#epoch=2"}
    with pytest.raises(ValueError, match="url must be a non-empty string"):
        glue_link("live", "epoch 2", "")


@pytest.mark.parametrize("name", ["", "val accuracy", "2nd", "a-b", "plot_04:acc", 3, None])
def test_glue_rejects_a_name_that_is_not_an_identifier(name):
    with pytest.raises(ValueError, match="name must be a Python identifier"):
        glue(name, 1.0)


def test_glue_rejects_a_format_that_gives_empty_text():
    with pytest.raises(ValueError, match="empty text"):
        glue("blank", 1.0, "")


def test_a_claim_that_holds_neither_warns_nor_raises(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        check("accuracy of 99% or more", 0.996 >= 0.99, measured="99.6%")
    assert collect()["claims"] == [unqualified("accuracy of 99% or more", "99.6%", True)]


def test_a_failing_check_raises_in_the_docs_build(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(AssertionError, match=r"accuracy of 99% or more \(measured: 87\.5%\)"):
        check("accuracy of 99% or more", 0.875 >= 0.99, measured="87.5%")


def test_a_failing_check_warns_and_goes_on_outside_the_docs_build():
    with pytest.warns(UserWarning, match=r"not confirmed by this run: accuracy of 99% or more"):
        check("accuracy of 99% or more", 0.875 >= 0.99, measured="87.5%")
    assert collect()["claims"] == [unqualified("accuracy of 99% or more", "87.5%", False)]


def test_the_outcome_is_recorded_as_a_plain_bool():
    check("all positive", np.all(np.array([1, 2]) > 0), measured="1 to 2")
    (claim,) = collect()["claims"]
    assert claim["holds"] is True


@pytest.mark.parametrize("claim", ["", "   ", None])
def test_check_rejects_an_empty_claim(claim):
    with pytest.raises(ValueError, match="claim must be a sentence"):
        check(claim, True, measured="1")


@pytest.mark.parametrize(("count", "expected"), [(0, "kernels die"), (1, "kernel dies"), (2, "kernels die")])
def test_plural_agrees_with_the_count(count, expected):
    assert plural(count, "kernel dies", "kernels die") == expected
    assert plural(np.int64(count), "kernel dies", "kernels die") == expected


@pytest.mark.parametrize(
    ("args", "names"),
    [((True, "a", "b"), "count"), ((1.0, "a", "b"), "count"), ((1, 1, "b"), "one"), ((2, "a", None), "many")],
)
def test_plural_rejects_bad_arguments_by_name(args, names):
    with pytest.raises(TypeError, match=names):
        plural(*args)


def test_span_rounds_each_end_outward_so_the_text_holds_the_interval():
    from cnnexplain.claims import span

    assert span(0.0849, 0.4751) == "+0.08 to +0.48"
    assert span(-0.0749, -0.0151, "{:+.2f}") == "-0.08 to -0.01"
    assert span(0.838, 0.952, "{:.0%}", "-") == "83%-96%"
    # An end that is already its rounding stays where it is.
    assert span(0.25, 0.5, "{:.2f}") == "0.25 to 0.50"


def test_span_refuses_a_pattern_that_is_not_text():
    from cnnexplain.claims import span

    with pytest.raises(TypeError, match="fmt must be a string"):
        span(0.1, 0.2, 2)


def test_a_checked_claim_formats_its_interval_as_span_does_and_refuses_without_one():
    from cnnexplain.claims import OUTCOMES, difference, setting, span

    a, b = [0.5, 0.7, 0.9, 1.1, 0.6, 0.8, 1.0, 1.3], [0.1, 0.2, 0.3, 0.4, 0.2, 0.1, 0.5, 0.3]
    result = difference("a is larger", a, b, expect=OUTCOMES)
    assert result.span("{:+.3f}") == span(*result.interval, "{:+.3f}")
    plain = setting("the run trains 20 epochs", 20, expected=20)
    with pytest.raises(ValueError, match="has no interval"):
        plain.span()
    collect()


def test_glue_shows_an_observed_extreme_as_it_is_when_asked():
    from cnnexplain.claims import _record

    glue("acc_low", 239 / 240, "{:.1%}")
    glue("worst_low", 239 / 240, "{:.1%}", rounding="nearest")
    glue("best_high", 0.8912, "{:.2f}", rounding="nearest")
    assert _record._values["acc_low"] == "99.5%"
    assert _record._values["worst_low"] == "99.6%"
    assert _record._values["best_high"] == "0.89"
    with pytest.raises(ValueError, match="rounding must be"):
        glue("x_low", 0.5, "{:.1f}", rounding="up")
    collect()
