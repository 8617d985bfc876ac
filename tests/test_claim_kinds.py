"""The claim kinds of cnnexplain.claims: each decides its claim from the statistic, test and margin.

And the margins: stated in advance, never taken from the run they check. The
refusals read the calling line of these tests, so the margins below are
written as the pages would write them.
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
import torch

from cnnexplain import analysis
from cnnexplain.analysis import CLEAR_PREFERENCE
from cnnexplain.claims import (
    OUTCOMES,
    STRICT_ENV,
    Checked,
    MarginError,
    bound,
    check,
    collect,
    declare_margins,
    difference,
    equivalent,
    every,
    glue,
    holm,
    majority,
    setting,
    share,
)

# A module constant, bound once to a number: a margin stated in advance.
MOST = 0.5
# Bound twice, the second time to a computation: not stated in advance.
MOVING = 0.5
MOVING = float(np.mean([0.4, 0.6]))


@pytest.fixture(autouse=True)
def fresh_record(monkeypatch):
    """Each test starts with nothing recorded or declared, outside the docs build."""
    monkeypatch.delenv(STRICT_ENV, raising=False)
    collect()
    yield
    collect()


@pytest.fixture
def quiet():
    """Claims that do not hold only warn; these tests look at the result instead."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        yield


# ---------------------------------------------------------------- bound


def test_bound_holds_within_its_margins_ends_included():
    assert bound("99% or more", 0.996, n=1, at_least=0.99).holds
    assert bound("within three epochs", 2, n=1, at_least=1, at_most=3).holds
    result = bound("between 40% and 60%", 0.5, n=240, at_least=0.4, at_most=0.6, fmt="{:.0%}")
    assert result.margin == "from 40% to 60%"
    assert result.n == 240


def test_bound_that_fails_warns_and_says_why(quiet):
    result = bound("99% or more", 0.875, n=1, at_least=0.99, statistic="final accuracy", fmt="{:.1%}")
    assert not result.holds
    assert result.measured == "final accuracy 87.5%"
    assert result.margin == "at least 99.0%"


def test_bound_accepts_numpy_and_torch_values():
    assert bound("positive", np.float32(0.25), n=1, at_least=0.1).value == 0.25
    assert bound("positive", torch.tensor(0.25), n=1, at_least=0.1).value == 0.25


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 1}, ValueError, "bound needs a margin"),
        ({"n": 1, "at_least": 0.9, "at_most": 0.1}, ValueError, "at_least must not exceed at_most"),
        ({"n": 0, "at_least": 0.1}, ValueError, "n must be at least 1"),
        ({"n": 1.0, "at_least": 0.1}, TypeError, "n must be an integer count"),
        ({"n": 1, "at_least": True}, TypeError, "at_least must be a margin stated in advance"),
        ({"n": 1, "at_least": math.inf}, ValueError, "at_least must be a finite number"),
        ({"n": 1, "at_least": 0.1, "fmt": "{:d}"}, ValueError, "fmt must be a str.format pattern"),
    ],
)
def test_bound_rejects_bad_arguments_by_name(kwargs, error, match):
    with pytest.raises(error, match=match):
        bound("a claim", 0.5, **kwargs)


@pytest.mark.parametrize("value", [np.array([1.0, 2.0]), "0.5", None, True, math.nan])
def test_bound_rejects_a_value_that_is_not_one_number(value):
    with pytest.raises((TypeError, ValueError), match="value must be"):
        bound("a claim", value, n=1, at_least=0.1)


# ---------------------------------------------------------------- share


def test_share_tests_the_quantifier_on_the_interval_not_the_count(quiet):
    # 7 of 10 is a majority of these ten, but its interval reaches below one half.
    seven = share("in most runs", 7, 10, above=0.5)
    assert not seven.holds
    assert seven.interval == pytest.approx((0.3968, 0.8922), abs=1e-4)
    assert share("in most runs", 9, 10, above=0.5).holds
    assert share("rarely, under one in five", 0, 30, below=0.2).holds
    assert seven.test == "share, Wilson 95% interval"
    assert seven.margin == "lower end above 50%"


def test_share_clopper_pearson_interval():
    result = share("in most runs", 9, 10, above=0.5, method="clopper-pearson")
    assert result.interval == pytest.approx((0.5550, 0.9975), abs=1e-4)
    assert result.test == "share, Clopper-Pearson 95% interval"
    assert share("all", 10, 10, above=0.5, method="clopper-pearson").interval[1] == 1.0


def test_wilson_interval_at_the_ends():
    none = share("none", 0, 10, below=0.5)
    assert none.interval[0] == 0.0
    assert share("all", 10, 10, above=0.5).interval[1] == 1.0


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((11, 10), {"above": 0.5}, ValueError, "k must be a count between 0 and n=10"),
        ((3, 0), {"above": 0.5}, ValueError, "n must be at least 1"),
        ((3.0, 10), {"above": 0.5}, TypeError, "k must be an integer count"),
        ((3, 10), {}, ValueError, "share needs a margin"),
        ((3, 10), {"above": 50}, ValueError, "above must be a share between 0 and 1"),
        ((3, 10), {"above": 0.5, "level": 95}, ValueError, "level must be a number between 0 and 1"),
        ((3, 10), {"above": 0.5, "method": "exact"}, ValueError, "method must be 'wilson' or"),
        ((3, 10), {"above": 0.5, "expect": "more"}, ValueError, "expect must be one or more of"),
        ((3, 10), {"above": 0.2, "below": 0.5, "expect": OUTCOMES}, ValueError, "against one margin"),
    ],
)
def test_share_rejects_bad_arguments_by_name(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        share("a claim", *args, **kwargs)


@pytest.mark.parametrize(
    ("k", "n", "outcome"),
    [
        (3, 1000, "smaller"),  # 0.3%, interval 0.1% to 0.9%: below 5%
        (138, 2500, "cannot tell"),  # 5.5%, interval 4.7% to 6.5%: holds 5%
        (300, 1000, "larger"),
    ],
)
def test_share_with_expect_reads_the_interval_against_its_one_margin(k, n, outcome, quiet):
    result = share("the text says which", k, n, below=0.05, expect=OUTCOMES)
    assert result.outcome == outcome
    assert result.holds
    assert result.choose(larger="L", smaller="S", cannot_tell="C") == outcome[0].upper()
    # A text that allows only one outcome fails on the others.
    assert share("fewer than 5% reach it", k, n, below=0.05, expect="smaller").holds == (outcome == "smaller")


# ---------------------------------------------------------------- majority


@pytest.mark.parametrize(
    ("k", "n", "outcome", "words"),
    [
        (9, 10, "larger", "more than half of all seeds"),
        (
            8,
            10,
            "cannot tell",
            "these 10 runs cannot tell whether it is more or fewer than half of all seeds",
        ),
        (
            5,
            10,
            "cannot tell",
            "these 10 runs cannot tell whether it is more or fewer than half of all seeds",
        ),
        (1, 10, "smaller", "fewer than half of all seeds"),
        (
            45,
            100,
            "cannot tell",
            "these 100 runs cannot tell whether it is more or fewer than half of all seeds",
        ),
        (9, 100, "smaller", "fewer than half of all seeds"),
    ],
)
def test_majority_reads_the_interval_against_one_half_not_the_count(k, n, outcome, words):
    result = majority("the group costs more", k, n, glue_as="wins")
    low, high = result.interval
    assert result.outcome == outcome
    assert (low > 0.5) == (outcome == "larger") and (high < 0.5) == (outcome == "smaller")
    assert result.holds  # any outcome: the text glues its words
    values = collect()["values"]
    assert values == {
        "wins": str(k),
        # rounded outward, so that the printed interval holds the computed one
        "wins_low": f"{math.floor(100 * low) / 100:.0%}",
        "wins_high": f"{math.ceil(100 * high) / 100:.0%}",
        "wins_words": words,
    }


def test_majority_of_8_in_10_is_not_most(quiet):
    # The sceptic's case: 8 of 10 is a majority of these ten, but its interval reaches below one half.
    result = majority("most runs end above the line", 8, 10, expect="larger")
    assert not result.holds and result.outcome == "cannot tell"
    assert result.interval == pytest.approx((0.4902, 0.9433), abs=1e-4)
    assert result.interval == share("most runs", 8, 10, above=0.5).interval  # one Wilson interval
    assert result.measured == "runs 8 of 10 (80%), 95% interval 49% to 95%: cannot tell"
    assert result.margin.endswith("expected: more than half")
    assert result.test == "share against one half, Wilson 95% interval"


def test_majority_fails_strictly_when_the_outcome_is_not_the_texts(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    assert majority("most runs", 9, 10, expect="larger").holds
    with pytest.raises(AssertionError, match=r"claim not confirmed by this run: a minority.*more than half"):
        majority("a minority of runs", 9, 10, expect="smaller")


def test_majority_words_follow_of_and_statistic_and_choose_gives_others():
    result = majority("kernels lean", 2, 80, glue_as="lean", of="all kernels", statistic="kernels")
    assert collect()["values"]["lean_words"] == "fewer than half of all kernels"
    assert result.choose(larger="most", smaller="a minority", cannot_tell="unclear") == "a minority"
    assert result.measured.startswith("kernels 2 of 80 (2%)")
    assert majority("no words glued", 3, 4).n == 4 and collect()["values"] == {}


@pytest.mark.parametrize(
    ("args", "kwargs", "error", "match"),
    [
        ((11, 10), {}, ValueError, "k must be a count between 0 and n=10, got 11"),
        ((0, 0), {}, ValueError, "n must be at least 1"),
        ((3.0, 10), {}, TypeError, "k must be an integer count"),
        ((3, True), {}, TypeError, "n must be an integer count"),
        ((3, 10), {"glue_as": "n wins"}, ValueError, "glue_as must be a Python identifier"),
        ((3, 10), {"glue_as": 3}, ValueError, "glue_as must be a Python identifier"),
        ((3, 10), {"expect": "most"}, ValueError, "expect must be one or more of"),
        ((3, 10), {"of": ""}, ValueError, "of must be a non-empty string"),
        ((3, 10), {"statistic": None}, ValueError, "statistic must be a non-empty string"),
        ((3, 10), {"level": 1.0}, ValueError, "level must be a number between 0 and 1"),
    ],
)
def test_majority_rejects_bad_arguments_by_name_and_records_nothing(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        majority("a claim", *args, **kwargs)
    assert collect() == {"values": {}, "links": {}, "claims": []}


@pytest.mark.parametrize(
    ("k", "n", "level"), [(0, 400, 0.95), (400, 400, 0.95), (360, 400, 0.95), (8, 10, 0.95), (5, 10, 0.99)]
)
def test_the_analyses_wilson_interval_is_the_claims_one(quiet, k, n, level):
    # One implementation: the interval a page prints with analysis.wilson_interval is the one its claim tests.
    assert analysis.wilson_interval(k, n, level) == share("s", k, n, above=0.5, level=level).interval


# ---------------------------------------------------------------- every


def test_every_counts_the_items(quiet):
    held = every("every kernel moved", np.array([True, True, True]))
    assert held.holds and held.measured == "items for which it holds: 3 of 3" and held.n == 3
    missed = every("no kernel is an edge detector", ~np.array([False, True, False]))
    assert not missed.holds and missed.value == 2 and missed.margin == "all 3"
    assert every("all of a tensor", torch.ones(2, 2, dtype=torch.bool)).n == 4


def test_every_refuses_no_items_and_non_booleans():
    with pytest.raises(ValueError, match="at least one item"):
        every("vacuous", np.array([], dtype=bool))
    with pytest.raises(TypeError, match="flags must be booleans"):
        every("counts", [1, 0, 1])


# ---------------------------------------------------------------- difference


A = np.array([0.9, 0.8, 0.85, 0.95, 0.9, 0.88, 0.92, 0.87])


@pytest.mark.parametrize(
    ("b", "outcome"),
    [
        (A - 0.1 - 0.01 * np.arange(8), "larger"),
        (A + 0.2 + 0.01 * np.arange(8), "smaller"),
        (A[::-1], "cannot tell"),
    ],
)
def test_difference_reads_the_interval(b, outcome):
    result = difference("a differs from b", A, b, expect=OUTCOMES)
    assert result.outcome == outcome
    assert result.holds
    low, high = result.interval
    assert {"larger": low > 0, "smaller": high < 0, "cannot tell": low <= 0 <= high}[outcome]
    assert result.n == 8


def test_difference_sign_interval_is_the_order_statistics_with_their_coverage():
    d = np.array([0.3, -0.1, 0.2, 0.5, 0.1, 0.4, 0.0, 0.6])
    result = difference("d", d, np.zeros(8), expect=OUTCOMES)
    # Eight pairs: only the extremes give 95%; their coverage is 1 - 2/256.
    assert result.interval == (-0.1, 0.6)
    assert result.level == pytest.approx(1 - 2 / 256)
    assert result.value == pytest.approx(0.25)  # the median
    ten = difference("d", np.arange(10.0), np.zeros(10), expect=OUTCOMES)
    assert ten.interval == (1.0, 8.0)  # the second smallest and largest
    assert ten.level == pytest.approx(1 - 22 / 1024)


def test_sign_interval_covers_the_median_as_it_says():
    rng = np.random.default_rng(1)
    covered = 0
    for _ in range(1000):
        d = rng.standard_normal(10) + 0.3
        low, high = difference("d", d, np.zeros(10), expect=OUTCOMES).interval
        covered += low <= 0.3 <= high
    collect()
    assert covered / 1000 > 0.96  # 97.9% by construction


def test_difference_that_the_text_does_not_expect_fails(quiet, monkeypatch):
    result = difference("true labels do not make it larger", A, A - 0.1, expect=("smaller", "cannot tell"))
    assert result.outcome == "larger" and not result.holds
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(
        AssertionError, match=r"margin: 0 \(interval above: larger.*expected: smaller or cannot tell"
    ):
        difference("true labels do not make it larger", A, A - 0.1, expect=("smaller", "cannot tell"))


def test_difference_bootstrap_paired_and_unpaired():
    paired = difference("a is larger", A, A - 0.1, expect="larger", method="bootstrap")
    assert paired.value == pytest.approx(0.1)
    assert paired.interval == pytest.approx((0.1, 0.1))
    assert "paired bootstrap (10,000 resamples)" in paired.test
    unpaired = difference("a is larger", A, A[:5] - 0.5, expect="larger", paired=False)
    assert unpaired.n == [8, 5]
    assert unpaired.outcome == "larger"
    assert unpaired.test.startswith("bootstrap")
    again = difference("a is larger", A, A[:5] - 0.5, expect="larger", paired=False)
    assert again.interval == unpaired.interval  # a fixed seed: the same page, the same box


def test_difference_p_value_is_the_sign_test_dual_to_its_interval():
    # Ten pairs, nine positive: P(B <= 1) for B ~ Binomial(10, 1/2) is 11/1024, twice that.
    d = np.array([0.3, -0.1, 0.2, 0.5, 0.1, 0.4, 0.7, 0.6, 0.8, 0.9])
    result = difference("d", d, np.zeros(10), expect=OUTCOMES)
    assert result.p_value == pytest.approx(22 / 1024)
    # Its interval (coverage 1 - 22/1024) holds 0 at the smallest difference's neighbour:
    # p at most 1 - level asked for exactly when the interval leaves out 0.
    rng = np.random.default_rng(3)
    for _ in range(200):
        d = rng.standard_normal(12) + rng.uniform(-1, 1)
        d[rng.random(12) < 0.1] = 0.0  # a zero counts against both sides
        r = difference("d", d, np.zeros(12), expect=OUTCOMES)
        assert (r.p_value <= 0.05) == (r.outcome != "cannot tell")
    collect()


def test_difference_p_value_bootstrap_agrees_with_its_interval():
    rng = np.random.default_rng(4)
    for shift in (0.0, 0.15, 0.3, 1.0):
        d = rng.standard_normal(40) + shift
        r = difference("d", d, np.zeros(40), expect=OUTCOMES, method="bootstrap")
        if r.outcome == "cannot tell":
            assert r.p_value > 0.04
        else:
            assert r.p_value <= 0.0501
    # Every resample on one side: the smallest p, 2 / 10,001, never 0.
    r = difference("d", A, A - 0.1, expect="larger", method="bootstrap")
    assert r.p_value == pytest.approx(2 / 10_001)
    collect()


def test_equivalent_and_boolean_claims_have_no_p_value():
    assert equivalent("same", A, A, within=0.05).p_value is None
    assert collect()["claims"][0]["p_value"] is None


def test_holm_adjusts_step_down_and_keeps_the_order():
    adjusted, rejected = holm([0.01, 0.04, 0.03])
    assert adjusted == pytest.approx([0.03, 0.06, 0.06])
    assert rejected == [True, False, False]
    # Monotone: a larger p never gets a smaller adjusted value; capped at 1.
    adjusted, rejected = holm([0.001, 0.5, 0.011, 0.02])
    assert adjusted == pytest.approx([0.004, 0.5, 0.033, 0.04])
    assert rejected == [True, False, True, True]
    assert holm([0.6, 0.7])[0] == [1.0, 1.0]
    assert holm([0.3])[0] == [0.3]
    for bad, match in (([], "at least one"), ([1.5], "lie in"), ([math.nan], "lie in")):
        with pytest.raises(ValueError, match=match):
            holm(bad)
    with pytest.raises(ValueError, match="alpha"):
        holm([0.1], alpha=1.0)


def test_choose_gives_the_words_for_the_outcome():
    result = difference("a differs from b", A, A[::-1], expect=OUTCOMES)
    assert result.choose(larger="more", smaller="less", cannot_tell="unclear") == "unclear"
    with pytest.raises(TypeError, match="cannot_tell must be a string"):
        result.choose(larger="more", smaller="less", cannot_tell=None)
    with pytest.raises(
        ValueError, match="only a difference, a majority or a share with expect has an outcome"
    ):
        bound("x", 1.5, n=1, at_least=0.1).choose(larger="a", smaller="b", cannot_tell="c")


@pytest.mark.parametrize(
    ("a", "b", "kwargs", "error", "match"),
    [
        (A, A, {"expect": "bigger"}, ValueError, "expect must be one or more of"),
        (A, A, {"expect": ()}, ValueError, "expect must be one or more of"),
        (A, A[:5], {"expect": OUTCOMES}, ValueError, "a and b must be pairs of the same length, got 8 and 5"),
        (A[:5], A[:5], {"expect": OUTCOMES}, ValueError, "needs at least 6 pairs at level 0.95, got 5"),
        (
            A,
            A,
            {"expect": OUTCOMES, "method": "t"},
            ValueError,
            r"method must be one of \['sign', 'bootstrap'\]",
        ),
        (A, A, {"expect": OUTCOMES, "paired": False, "method": "sign"}, ValueError, "for unpaired samples"),
        (A, A, {"expect": OUTCOMES, "paired": "yes"}, TypeError, "paired must be True or False"),
        (
            A[:1],
            A[:1],
            {"expect": OUTCOMES},
            ValueError,
            "a must be a one-dimensional sample of at least two",
        ),
        (np.ones((2, 4)), A, {"expect": OUTCOMES}, ValueError, "a must be a one-dimensional sample"),
        (A, [*A[:7], np.nan], {"expect": OUTCOMES}, ValueError, "b must not contain NaN"),
        (A, ["x"] * 8, {"expect": OUTCOMES}, TypeError, "b must be numbers"),
    ],
)
def test_difference_rejects_bad_arguments_by_name(a, b, kwargs, error, match):
    with pytest.raises(error, match=match):
        difference("a claim", a, b, **kwargs)


# ---------------------------------------------------------------- equivalence


def test_equivalent_holds_only_when_the_whole_interval_lies_within_the_margin(quiet):
    noise = np.array([0.01, -0.02, 0.015, -0.01, 0.0, 0.02, -0.015, 0.005])
    same = equivalent("the labels make no difference", A + noise, A, within=0.05)
    assert same.holds and same.margin == "interval within -0.05 to +0.05"
    assert same.test.startswith("equivalence (two one-sided tests), paired sign test")
    # Not significant is not the same: this interval spans 0 but reaches past the margin.
    wide = A + np.array([0.2, -0.2, 0.1, -0.1, 0.0, 0.15, -0.15, 0.05])
    assert difference("differs", wide, A, expect=OUTCOMES).outcome == "cannot tell"
    assert not equivalent("the labels make no difference", wide, A, within=0.05).holds


def test_equivalent_rejects_a_margin_that_is_not_above_zero():
    with pytest.raises(ValueError, match=r"within must be a difference above 0, got -0\.1"):
        equivalent("same", A, A, within=-0.1)


# ---------------------------------------------------------------- setting


def test_setting_compares_a_chosen_value_with_the_prose(quiet):
    result = setting("eight kernels of 7x7", (8, 7, 7), expected=(8, 7, 7))
    assert result.holds and result.test == "setting (chosen, not measured)"
    assert result.margin == "equal to (8, 7, 7)" and result.n is None
    assert not setting("20 epochs", 21, expected=20).holds
    assert setting("shape", np.zeros((2, 3)).shape, expected=(2, 3)).holds
    assert setting("weights", np.array([1, 2]), expected=[1, 2]).holds


def test_setting_refuses_an_expected_value_computed_by_the_page():
    epochs = [20]
    with pytest.raises(MarginError, match=r"expected must be stated in advance.*`len\(epochs\)`"):
        setting("20 epochs", 20, expected=len(epochs))


# ---------------------------------------------------------------- records


def test_collect_records_every_field_as_json():
    bound("99% or more", 0.996, n=1, at_least=0.99)
    share("most", 9, 10, above=0.5)
    difference("differs", A, A[::-1], expect=OUTCOMES)
    check("old style", True, measured="1")
    claims = collect()["claims"]
    assert [c["kind"] for c in claims] == ["bound", "share", "difference", "boolean"]
    assert set(claims[0]) == set(Checked.__dataclass_fields__)
    assert claims[1]["interval"] == pytest.approx([0.5958, 0.9821], abs=1e-4)
    assert claims[2]["outcome"] == "cannot tell"
    assert json.loads(json.dumps(claims)) == claims


def test_a_failing_claim_raises_in_the_docs_build_with_its_test_and_margin(monkeypatch):
    monkeypatch.setenv(STRICT_ENV, "1")
    with pytest.raises(AssertionError, match=r"in most runs \(measured: share 7 of 10.*test: share, Wilson"):
        share("in most runs", 7, 10, above=0.5)


@pytest.mark.parametrize("claim", ["", "  ", None])
def test_every_kind_rejects_an_empty_claim(claim):
    with pytest.raises(ValueError, match="claim must be a sentence"):
        bound(claim, 1.5, n=1, at_least=0.1)
    with pytest.raises(ValueError, match="claim must be a sentence"):
        every(claim, [True])


# ---------------------------------------------------------------- margins: plain numbers


@pytest.mark.parametrize(
    "margin",
    [np.float64(0.9), np.int64(8), torch.tensor(0.9), np.array(0.9)],
    ids=["f64", "i64", "torch", "0d"],
)
def test_a_margin_from_numpy_or_torch_is_refused(margin):
    with pytest.raises(
        TypeError, match=r"at_least must be a margin stated in advance.*numpy or torch scalar"
    ):
        bound("at least", 0.95, n=1, at_least=margin)


# ---------------------------------------------------------------- margins: from the calling line


def test_a_margin_computed_from_the_run_is_refused():
    scores = np.array([0.8, 0.9, 0.95])
    observed = float(scores.mean())
    with pytest.raises(
        MarginError, match=r"at_least must be stated in advance.*got the expression `observed`"
    ):
        bound("the mean is high", observed + 0.01, n=3, at_least=observed)
    with pytest.raises(MarginError, match=r"`float\(scores.min\(\)\)`"):
        bound("the mean is high", 0.9, n=3, at_least=float(scores.min()))
    with pytest.raises(MarginError, match=r"above must be stated in advance.*`observed / 2`"):
        share("most", 9, 10, above=observed / 2)
    with pytest.raises(MarginError, match=r"within must be stated in advance"):
        equivalent("same", A, A, within=observed / 10)


def test_margins_written_as_numbers_names_and_constants_are_stated():
    min_gain = 0.1  # a chosen cut-off, bound once
    third = 1 / 3
    bound("grows", 0.3, n=1, at_least=min_gain)
    bound("grows", 0.5, n=1, at_least=third)
    bound("grows", 0.5, n=1, at_least=-0.25 + 2 * 0.1)
    share("most", 9, 10, above=MOST)
    bound("clear", 0.5, n=1, at_least=CLEAR_PREFERENCE)
    bound("clear", 0.5, n=1, at_least=analysis.CLEAR_PREFERENCE)
    assert len(collect()["claims"]) == 6


def test_a_name_bound_to_a_computation_or_a_parameter_is_not_stated():
    with pytest.raises(MarginError, match="`MOVING`"):
        share("most", 9, 10, above=MOVING)

    def claim_with(margin):
        return bound("grows", 0.5, n=1, at_least=margin)

    with pytest.raises(MarginError, match="`margin`"):
        claim_with(0.1)
    for cut in (0.1,):
        with pytest.raises(MarginError, match="`cut`"):
            bound("grows", 0.5, n=1, at_least=cut)


def test_without_its_source_a_claim_keeps_only_the_run_time_guards():
    observed = 0.93
    namespace = {"bound": bound, "observed": observed}
    exec("result = bound('high', 0.95, n=1, at_least=observed)", namespace)  # no file to read
    assert namespace["result"].holds


# ---------------------------------------------------------------- margins: equal to what was measured


def test_a_margin_equal_to_the_measurement_is_refused():
    # "At least 8 of 10", where 8 is what the run gave.
    with pytest.raises(
        MarginError, match=r"at_least=8 equals what this run measured \(8\).*'at least 8 of 10'"
    ):
        bound("at least 8 of the 10 kernels", 8, n=10, at_least=8)
    with pytest.raises(MarginError, match=r"above=0.8 equals what this run measured \(0.8\)"):
        share("at least 8 of 10", 8, 10, above=0.8)
    with pytest.raises(MarginError, match=r"at_most=0\.9962 equals"):
        bound("at most", 0.9962, n=1, at_most=0.9962)


def test_an_equivalence_margin_copied_from_the_interval_is_refused():
    d = np.array([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8])
    assert difference("d", d, np.zeros(8), expect=OUTCOMES).interval == (0.1, 0.8)
    with pytest.raises(MarginError, match=r"within=0.8 equals what this run measured"):
        equivalent("same", d, np.zeros(8), within=0.8)


def test_at_another_seed_a_run_on_its_margin_is_decided_not_refused(quiet, monkeypatch):
    # The guard watches the default run, the one the pages were written against; a run of
    # another seed (nox -s claims draws them at random) may land exactly on a margin by chance.
    monkeypatch.setenv("CNNEXPLAIN_SEED", "4242")
    assert bound("far above a guess", 0.6, n=240, at_least=0.6).holds
    assert not share("at least 8 of 10", 8, 10, above=0.8).holds  # decided by the interval
    monkeypatch.setenv("CNNEXPLAIN_SEED", "0")
    with pytest.raises(MarginError):
        bound("far above a guess", 0.6, n=240, at_least=0.6)


def test_the_margins_of_a_quantifier_may_equal_the_measurement(quiet):
    assert bound("no kernel", 0, n=8, at_most=0).holds  # none
    assert bound("all 8 kernels", 8, n=8, at_least=8).holds  # all
    assert bound("perfect", 1.0, n=1, at_least=1).holds
    assert not share("most", 5, 10, above=0.5).holds  # half: fails, is not refused
    assert bound("half", 0.5, n=1, at_least=0.5).holds


# ---------------------------------------------------------------- margins: the register


def test_declared_margins_are_used_by_name_and_shown_with_it():
    margins = declare_margins(accuracy=0.99, most=0.5, same=0.05)
    assert dict(margins) == {"accuracy": 0.99, "most": 0.5, "same": 0.05}
    result = bound("99% or more", 0.996, n=1, at_least="accuracy", fmt="{:.0%}")
    assert result.holds and result.margin == "at least 99% (declared as accuracy)"
    assert share("most", 9, 10, above="most").margin == "lower end above 50% (declared as most)"
    assert bound("99% or more", 0.996, n=1, at_least=margins["accuracy"]).holds
    glue("accuracy_margin", margins["accuracy"], "{:.0%}")  # the prose quotes the same number
    assert collect()["values"] == {"accuracy_margin": "99%"}


def test_the_register_is_frozen_and_declared_once_per_page():
    margins = declare_margins(accuracy=0.99)
    with pytest.raises(TypeError):
        margins["accuracy"] = 0.5
    with pytest.raises(MarginError, match="margins were already declared on this page"):
        declare_margins(recall=0.9)
    collect()  # the next page
    assert declare_margins(recall=0.9) == {"recall": 0.9}


def test_margins_are_declared_before_the_page_measures_anything():
    glue("accuracy", 0.996)
    with pytest.raises(MarginError, match=r"before the page measures anything.*glue 'accuracy'"):
        declare_margins(accuracy=0.99)
    collect()
    check("something", True, measured="1")
    with pytest.raises(MarginError, match="claim 'something'"):
        declare_margins(accuracy=0.99)


def test_an_undeclared_margin_name_is_refused():
    with pytest.raises(
        MarginError, match=r"at_least='accuracy' names a declared margin, but this page declared none"
    ):
        bound("99% or more", 0.996, n=1, at_least="accuracy")
    declare_margins(accuracy=0.99)
    with pytest.raises(MarginError, match=r"margin 'acuracy' was not declared.*'accuracy'"):
        bound("99% or more", 0.996, n=1, at_least="acuracy")


def test_a_declared_margin_must_be_stated_too():
    scores = np.array([0.8, 0.9])
    with pytest.raises(MarginError, match=r"accuracy must be stated in advance.*`float\(scores.max\(\)\)`"):
        declare_margins(accuracy=float(scores.max()))
    with pytest.raises(TypeError, match="accuracy must be a margin stated in advance"):
        declare_margins(accuracy=scores.max())
    with pytest.raises(ValueError, match="needs at least one margin"):
        declare_margins()
    with pytest.raises(ValueError, match="most must be a finite number"):
        declare_margins(most=math.nan)


def test_a_declared_margin_equal_to_the_measurement_is_still_refused():
    declare_margins(kernels=6)
    with pytest.raises(MarginError, match="at_least=6 equals what this run measured"):
        bound("at least 6 of the 8 kernels", 6, n=8, at_least="kernels")
