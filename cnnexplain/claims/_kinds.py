"""The claim kinds: each takes a sentence's statistic, test and margin, and records the verdict."""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from ._arguments import (
    _array,
    _count,
    _describe,
    _fmt,
    _level,
    _margin_words,
    _number,
    _outcomes,
    _percent,
    _sentence,
    _text,
)
from ._confidence import _clopper_pearson, _difference_interval, _wilson
from ._margin_rules import _margin, _refuse_copied, _require_stated
from ._record import OUTCOMES, STRICT_ENV, UNQUALIFIED, _claims, glue


@dataclass(frozen=True)
class Checked:
    """A claim of the prose, the test that decided it, and whether this run confirms it.

    The claim kinds (:func:`bound`, :func:`share`, :func:`every`,
    :func:`difference`, :func:`equivalent`, :func:`setting`) return one;
    :func:`collect` hands them over as dicts, one row each of the page's box.

    Parameters
    ----------
    claim : str
        The sentence, as the box lists it.
    kind : str
        ``"bound"``, ``"share"``, ``"every"``, ``"difference"``,
        ``"equivalence"``, ``"setting"``, or ``"boolean"`` for a
        :func:`check`.
    test : str
        The test, in words (``"share, Wilson 95% interval"``).
    statistic : str
        What was measured (``"median of the paired differences"``).
    value : float or None
        Its value (None for a setting or a boolean check).
    n : int, list of int, or None
        On how many runs or items: a list of two for an unpaired difference.
    interval : tuple of float, or None
        The interval of the statistic, if the test has one.
    level : float or None
        The interval's coverage (at least the level asked for).
    margin : str or None
        The margin, in words (``"lower end above 50%"``).
    measured : str
        The value with its interval, as the box shows it.
    holds : bool
        Whether this run confirms the claim.
    outcome : str or None
        For a difference: ``"larger"``, ``"smaller"`` or ``"cannot tell"``;
        for a :func:`majority`, the same words for its share against one half.
    """

    claim: str
    kind: str
    test: str
    statistic: str
    value: float | None
    n: int | list[int] | None
    interval: tuple[float, float] | None
    level: float | None
    margin: str | None
    measured: str
    holds: bool
    outcome: str | None = None

    def choose(self, *, larger: str, smaller: str, cannot_tell: str) -> str:
        """The words for this difference's (or majority's) outcome, to glue into the sentence.

        Parameters
        ----------
        larger, smaller, cannot_tell : str
            What the prose says for each outcome: all three, so that the
            sentence reads right for any run.

        Returns
        -------
        str
            The words for ``outcome``.

        Raises
        ------
        ValueError
            If the claim is not a difference or a majority (it has no outcome).
        TypeError
            If a phrase is not a string.

        Examples
        --------
        >>> from cnnexplain.claims import OUTCOMES, collect, difference
        >>> r = difference("true labels change the score", [.3, .4, .5,
        ...                .6, .7, .8], [.1, .2, .3, .4, .5, .6],
        ...                expect=OUTCOMES)
        >>> r.choose(larger="more", smaller="less", cannot_tell="unclear")
        'more'
        >>> _ = collect()
        """
        if self.outcome is None:
            raise ValueError(
                "only a difference or a majority has an outcome to choose words for; "
                f"this claim is a {self.kind}"
            )
        phrases = {"larger": larger, "smaller": smaller, "cannot tell": cannot_tell}
        for arg, phrase in zip(("larger", "smaller", "cannot_tell"), phrases.values()):
            if not isinstance(phrase, str):
                raise TypeError(f"{arg} must be a string, got {_describe(phrase)}")
        return phrases[self.outcome]

    def record(self) -> dict[str, Any]:
        """The claim as :func:`collect` hands it over.

        Returns
        -------
        dict
            The fields, by name, ready for JSON (the interval as a list).
        """
        record = asdict(self)
        record["interval"] = None if self.interval is None else list(self.interval)
        return record


def _conclude(result: Checked) -> Checked:
    """Record ``result``; if it does not hold, raise (strict) or warn."""
    _claims.append(result.record())
    if not result.holds:
        details = f"measured: {result.measured}"
        if result.kind != "boolean":
            details += f"; test: {result.test}; margin: {result.margin}"
        message = f"claim not confirmed by this run: {result.claim} ({details})"
        if os.environ.get(STRICT_ENV) == "1":
            raise AssertionError(message)
        warnings.warn(message, stacklevel=3)
    return result


# --------------------------------------------------------------------------
# The claim kinds


def bound(
    claim: str,
    value: Any,
    *,
    n: int,
    at_least: float | str | None = None,
    at_most: float | str | None = None,
    statistic: str = "measured value",
    fmt: str = "{:.3g}",
) -> Checked:
    """Claim that a measured value is at least, at most, or between margins.

    For "after training the accuracy is 99% or more" (``at_least=0.99``),
    "within three epochs" (``at_most=3``), "between 40% and 60%" (both).
    The ends are included.

    Parameters
    ----------
    claim : str
        The sentence, as the page's box lists it.
    value : int or float
        The measured value (a numpy or torch scalar is fine here).
    n : int
        On how many runs or items the value was measured, for the box: 1
        for one run's value.
    at_least, at_most : int, float or str, optional
        The margins, stated in advance (see the module's docstring), or the
        names of margins of :func:`declare_margins`. At least one.
    statistic : str, default "measured value"
        What the value is, for the box ("final validation accuracy").
    fmt : str, default "{:.3g}"
        A ``str.format`` pattern for the value and the margins.

    Returns
    -------
    Checked
        The claim, the test and whether it holds.

    Raises
    ------
    MarginError
        If a margin is computed when the page runs, equals the measured value
        (unless 0, one half, 1 or n), or names an undeclared margin.
    TypeError
        If ``value`` is not a number, or a margin not a plain int or float.
    ValueError
        If no margin is given, ``at_least > at_most``, or ``n`` is below 1.
    AssertionError
        If the claim does not hold and ``CNNEXPLAIN_STRICT_CLAIMS`` is ``1``.

    Examples
    --------
    >>> from cnnexplain.claims import bound, collect
    >>> r = bound("it reaches 99% within three epochs", 2, n=1,
    ...           at_least=1, at_most=3, statistic="epoch", fmt="{}")
    >>> r.holds, r.margin, r.test
    (True, 'from 1 to 3', 'bound on a measured value')
    >>> bound("the accuracy is 99% or more", 0.96, n=1,
    ...       at_least=0.96)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnnexplain.claims.MarginError: at_least=0.96 equals what this run ...
    >>> _ = collect()
    """
    frame = sys._getframe(1)
    claim = _sentence(claim)
    value = _number("value", value)
    n = _count("n", n, low=1)
    fmt = _fmt("fmt", fmt, value)
    statistic = _text("statistic", statistic)
    if at_least is None and at_most is None:
        raise ValueError("bound needs a margin: at_least=..., at_most=... or both, got neither")
    margins = {
        arg: _margin(arg, given)
        for arg, given in (("at_least", at_least), ("at_most", at_most))
        if given is not None
    }
    _require_stated(frame, "bound", {"at_least": at_least, "at_most": at_most})
    if len(margins) == 2 and margins["at_least"][0] > margins["at_most"][0]:
        raise ValueError(
            f"at_least must not exceed at_most, got at_least={margins['at_least'][0]!r} "
            f"and at_most={margins['at_most'][0]!r}"
        )
    for arg, (margin, _name) in margins.items():
        _refuse_copied(arg, margin, [value], also=[n])
    low = margins.get("at_least", (None, None))[0]
    high = margins.get("at_most", (None, None))[0]
    holds = (low is None or value >= low) and (high is None or value <= high)
    words = {arg: _margin_words(fmt, *margins[arg]) for arg in margins}
    if len(words) == 2:
        names = [name for _m, name in margins.values() if name]
        margin = f"from {fmt.format(low)} to {fmt.format(high)}" + (
            f" (declared as {' and '.join(names)})" if names else ""
        )
    else:
        margin = f"at least {words['at_least']}" if "at_least" in words else f"at most {words['at_most']}"
    return _conclude(
        Checked(
            claim=claim,
            kind="bound",
            test="bound on a measured value",
            statistic=statistic,
            value=value,
            n=n,
            interval=None,
            level=None,
            margin=margin,
            measured=f"{statistic} {fmt.format(value)}",
            holds=bool(holds),
        )
    )


def share(
    claim: str,
    k: int,
    n: int,
    *,
    above: float | str | None = None,
    below: float | str | None = None,
    level: float = 0.95,
    method: str = "wilson",
    statistic: str = "share",
    fmt: str = "{:.0%}",
) -> Checked:
    """Claim a share, ``k`` of ``n``, by its interval: the sentence's quantifier is what is tested.

    "In most runs" is ``above=0.5``: it holds when the whole interval of the
    share lies above one half, not when ``k`` does. "Rarely, under one run in
    five" is ``below=0.2``.

    Parameters
    ----------
    claim : str
        The sentence, as the page's box lists it.
    k, n : int
        The count and the number of runs or items it is out of.
    above, below : float or str, optional
        The margins the interval must clear, between 0 and 1, stated in
        advance (or names of :func:`declare_margins`). At least one.
    level : float, default 0.95
        The interval's level.
    method : {"wilson", "clopper-pearson"}, default "wilson"
        Wilson's score interval, or the exact (conservative) Clopper-Pearson
        interval.
    statistic : str, default "share"
        What is counted, for the box ("runs with both detectors").
    fmt : str, default "{:.0%}"
        A ``str.format`` pattern for the share, its interval and the margins.

    Returns
    -------
    Checked
        With ``interval`` and ``holds``.

    Raises
    ------
    MarginError
        If a margin is computed when the page runs, equals ``k / n`` or an
        end of the interval (unless 0, one half or 1), or is undeclared.
    TypeError
        If ``k`` or ``n`` is not an integer, or a margin not a plain number.
    ValueError
        If ``k`` is not in ``[0, n]``, ``n`` is below 1, no margin is given
        or one is outside ``[0, 1]``, or ``level`` is not in (0, 1).
    AssertionError
        If the claim does not hold and ``CNNEXPLAIN_STRICT_CLAIMS`` is ``1``.

    Examples
    --------
    >>> from cnnexplain.claims import collect, share
    >>> import warnings
    >>> with warnings.catch_warnings():  # 7 of 10 is not shown to be most
    ...     warnings.simplefilter("ignore")
    ...     r = share("in most runs both detectors emerge", 7, 10,
    ...               above=0.5)
    >>> r.holds, r.measured
    (False, 'share 7 of 10 (70%), 95% interval 40% to 89%')
    >>> share("in most runs", 9, 10, above=0.5).holds
    True
    >>> _ = collect()
    """
    frame = sys._getframe(1)
    claim = _sentence(claim)
    n = _count("n", n, low=1)
    k = _count("k", k, low=0)
    if k > n:
        raise ValueError(f"k must be a count between 0 and n={n}, got {k}")
    level = _level(level)
    if method not in ("wilson", "clopper-pearson"):
        raise ValueError(f"method must be 'wilson' or 'clopper-pearson', got {method!r}")
    statistic = _text("statistic", statistic)
    fmt = _fmt("fmt", fmt, k / n)
    if above is None and below is None:
        raise ValueError("share needs a margin: above=..., below=... or both, got neither")
    margins = {
        arg: _margin(arg, given) for arg, given in (("above", above), ("below", below)) if given is not None
    }
    _require_stated(frame, "share", {"above": above, "below": below})
    for arg, (margin, _name) in margins.items():
        if not 0 <= margin <= 1:
            raise ValueError(f"{arg} must be a share between 0 and 1, got {margin!r}")
    low, high = (_wilson if method == "wilson" else _clopper_pearson)(k, n, level)
    for arg, (margin, _name) in margins.items():
        _refuse_copied(arg, margin, [k / n, low, high])
    holds = ("above" not in margins or low > margins["above"][0]) and (
        "below" not in margins or high < margins["below"][0]
    )
    parts = []
    if "above" in margins:
        parts.append(f"lower end above {_margin_words(fmt, *margins['above'])}")
    if "below" in margins:
        parts.append(f"upper end below {_margin_words(fmt, *margins['below'])}")
    name = "Wilson" if method == "wilson" else "Clopper-Pearson"
    return _conclude(
        Checked(
            claim=claim,
            kind="share",
            test=f"share, {name} {_percent(level)} interval",
            statistic=statistic,
            value=k / n,
            n=n,
            interval=(low, high),
            level=level,
            margin=" and ".join(parts),
            measured=(
                f"{statistic} {k} of {n} ({fmt.format(k / n)}), {_percent(level)} interval "
                f"{fmt.format(low)} to {fmt.format(high)}"
            ),
            holds=bool(holds),
        )
    )


def majority(
    claim: str,
    k: int,
    n: int,
    *,
    glue_as: str | None = None,
    expect: str | Iterable[str] = OUTCOMES,
    of: str = "all seeds",
    statistic: str = "runs",
    level: float = 0.95,
    fmt: str = "{:.0%}",
) -> Checked:
    """Read a share, ``k`` of ``n``, against one half: more than half, fewer, or cannot tell.

    For a count of a handful of runs, such as "in 8 of these 10 runs", and
    what it says about every run one could train ("more than half of all
    seeds"). The share's Wilson interval decides, never ``k``: the outcome is
    ``"larger"`` (more than half) when the whole interval lies above one
    half, ``"smaller"`` (fewer than half) when it lies below, and ``"cannot
    tell"`` when it holds one half -- which is not "half" (8 of 10 runs,
    interval 49% to 94%, cannot tell). As for :func:`difference`, the claim
    holds when the outcome is one the text allows (``expect``); the box
    shows the count, the interval and the outcome.

    With ``glue_as``, the prose gets the count, the interval and the words of
    the outcome, so that a sentence such as ``in |wins| of these |n_runs|
    runs (95% interval |wins_low| to |wins_high|: |wins_words|)`` reads
    right for any run. Other words: :meth:`Checked.choose`.

    Parameters
    ----------
    claim : str
        The sentence, as the page's box lists it.
    k, n : int
        The count and the number of runs or items it is out of.
    glue_as : str, optional
        A Python identifier: glue ``k`` as ``glue_as``, the ends of the
        interval as ``glue_as + "_low"`` and ``glue_as + "_high"`` (with
        ``fmt``), and the words of the outcome as ``glue_as + "_words"``:
        ``"more than half of all seeds"``, ``"fewer than half of all
        seeds"`` or ``"these 10 runs cannot tell whether it is more or fewer
        than half of all seeds"`` (with ``of`` and ``statistic``).
    expect : str or iterable of str, default OUTCOMES
        The outcomes the page's text survives, from :data:`~cnnexplain.claims.OUTCOMES`:
        ``OUTCOMES`` when the prose glues the words of whichever the
        interval says, ``"larger"`` when it says "most" in words.
    of : str, default "all seeds"
        What the share is a share of, for the words.
    statistic : str, default "runs"
        What is counted, for the box and the words (a plural noun phrase).
    level : float, default 0.95
        The level of the Wilson interval.
    fmt : str, default "{:.0%}"
        A ``str.format`` pattern for the share and its interval.

    Returns
    -------
    Checked
        A share, with ``interval``, ``outcome`` and ``holds``.

    Raises
    ------
    TypeError
        If ``k`` or ``n`` is not an integer count.
    ValueError
        If ``claim``, ``of`` or ``statistic`` is empty; ``k`` is not in
        ``[0, n]`` or ``n`` is below 1; ``glue_as`` is not an identifier;
        ``expect`` names an unknown outcome; ``level`` is not in (0, 1).
    AssertionError
        If the outcome is not expected and ``CNNEXPLAIN_STRICT_CLAIMS`` is ``1``.

    Examples
    --------
    >>> from cnnexplain.claims import collect, majority
    >>> r = majority("the group costs more than the kernel", 8, 10,
    ...              glue_as="wins")
    >>> r.outcome, [round(end, 2) for end in r.interval]
    ('cannot tell', [0.49, 0.94])
    >>> import textwrap
    >>> print(textwrap.fill(collect()["values"]["wins_words"], 60))
    these 10 runs cannot tell whether it is more or fewer than
    half of all seeds
    >>> majority("most runs end above the line", 9, 10,
    ...          expect="larger").holds
    True
    >>> _ = collect()
    """
    claim = _sentence(claim)
    n = _count("n", n, low=1)
    k = _count("k", k, low=0)
    if k > n:
        raise ValueError(f"k must be a count between 0 and n={n}, got {k}")
    expected = _outcomes(expect)
    of = _text("of", of)
    statistic = _text("statistic", statistic)
    level = _level(level)
    fmt = _fmt("fmt", fmt, k / n)
    if glue_as is not None and (not isinstance(glue_as, str) or not glue_as.isidentifier()):
        raise ValueError(f"glue_as must be a Python identifier such as 'n_wins', got {glue_as!r}")
    low, high = _wilson(k, n, level)
    outcome = "larger" if low > 0.5 else "smaller" if high < 0.5 else "cannot tell"
    words = {
        "larger": f"more than half of {of}",
        "smaller": f"fewer than half of {of}",
        "cannot tell": f"these {n} {statistic} cannot tell whether it is more or fewer than half of {of}",
    }
    if glue_as is not None:
        glue(glue_as, k)
        glue(f"{glue_as}_low", low, fmt)
        glue(f"{glue_as}_high", high, fmt)
        glue(f"{glue_as}_words", words[outcome])
    said = {"larger": "more than half", "smaller": "fewer than half", "cannot tell": "cannot tell"}
    allowed = (
        "any (the text says which)"
        if set(expected) == set(OUTCOMES)
        else " or ".join(said[e] for e in expected)
    )
    return _conclude(
        Checked(
            claim=claim,
            kind="share",
            test=f"share against one half, Wilson {_percent(level)} interval",
            statistic=statistic,
            value=k / n,
            n=n,
            interval=(low, high),
            level=level,
            margin=(
                "one half (interval above: more than half; below: fewer than half; "
                f"across: cannot tell); expected: {allowed}"
            ),
            measured=(
                f"{statistic} {k} of {n} ({fmt.format(k / n)}), {_percent(level)} interval "
                f"{fmt.format(low)} to {fmt.format(high)}: {said[outcome]}"
            ),
            holds=outcome in expected,
            outcome=outcome,
        )
    )


def every(claim: str, flags: Any, *, statistic: str = "items for which it holds") -> Checked:
    """Claim that something holds for every one of n items; the box shows the count.

    For "no kernel is an edge detector at initialization", pass the negation:
    ``every(claim, ~is_edge)``. The claim is about these items, not a
    population, so it has no interval: it holds when the count is n.

    Parameters
    ----------
    claim : str
        The sentence, as the page's box lists it.
    flags : array-like of bool
        Whether it holds, one per item (any shape; at least one item).
    statistic : str, default "items for which it holds"
        What is counted, for the box.

    Returns
    -------
    Checked
        With the count as ``value`` and ``n``.

    Raises
    ------
    TypeError
        If ``flags`` are not booleans.
    ValueError
        If there are no items (a claim about none is no claim).
    AssertionError
        If the claim does not hold and ``CNNEXPLAIN_STRICT_CLAIMS`` is ``1``.

    Examples
    --------
    >>> from cnnexplain.claims import collect, every
    >>> every("every kernel moved", [True, True, True]).measured
    'items for which it holds: 3 of 3'
    >>> _ = collect()
    """
    claim = _sentence(claim)
    statistic = _text("statistic", statistic)
    array = _array(flags)
    if array.dtype != bool:
        raise TypeError(f"flags must be booleans, one per item, got {_describe(flags)}")
    n = int(array.size)
    if n == 0:
        raise ValueError("flags must hold at least one item: a claim about no items is no claim")
    k = int(array.sum())
    return _conclude(
        Checked(
            claim=claim,
            kind="every",
            test="every item",
            statistic=statistic,
            value=k,
            n=n,
            interval=None,
            level=None,
            margin=f"all {n}",
            measured=f"{statistic}: {k} of {n}",
            holds=k == n,
        )
    )


def difference(
    claim: str,
    a: Any,
    b: Any,
    *,
    expect: str | Iterable[str],
    paired: bool = True,
    method: str | None = None,
    level: float = 0.95,
    statistic: str | None = None,
    fmt: str = "{:+.2f}",
) -> Checked:
    """Claim a difference, ``a`` minus ``b``, read from its interval: larger, smaller, or cannot tell.

    The outcome is ``"larger"`` when the whole interval lies above 0,
    ``"smaller"`` when below, and ``"cannot tell"`` when it spans 0 -- which
    is not "no difference" (for that, see :func:`equivalent`). The prose
    glues the words for the outcome (:meth:`Checked.choose`), so the
    sentence says what the interval says.

    Parameters
    ----------
    claim : str
        The sentence, as the page's box lists it.
    a, b : array-like of float
        The two samples, one value per run or item. Paired: the same length,
        ``a[i]`` and ``b[i]`` measured on the same seed or item.
    expect : str or iterable of str
        The outcomes the page's text survives, from :data:`~cnnexplain.claims.OUTCOMES`; the
        claim holds when the outcome is one of them. ``OUTCOMES`` when the
        prose states whichever the interval says.
    paired : bool, default True
        Whether ``a`` and ``b`` are pairs.
    method : {"sign", "bootstrap"}, optional
        ``"sign"`` (the default for pairs): the distribution-free interval
        of the median of the differences, from their order statistics, whose
        coverage is at least ``level`` (the sign test's interval; needs 6
        pairs or more at 95%). ``"bootstrap"`` (the only choice unpaired): a
        percentile interval of the mean difference, from 10,000 resamples
        with a fixed seed; it covers less than ``level`` for few values.
    level : float, default 0.95
        The interval's level.
    statistic : str, optional
        What the difference is, for the box; by default the method's
        statistic ("median of the paired differences").
    fmt : str, default "{:+.2f}"
        A ``str.format`` pattern for the statistic and its interval.

    Returns
    -------
    Checked
        With ``outcome``, ``interval`` and ``holds``.

    Raises
    ------
    TypeError
        If a sample is not numbers.
    ValueError
        If a sample is empty, not one-dimensional or not finite; pairs of
        different lengths; too few pairs for the sign test at ``level``; an
        unknown ``method`` or outcome in ``expect``.
    AssertionError
        If the outcome is not expected and ``CNNEXPLAIN_STRICT_CLAIMS`` is ``1``.

    Examples
    --------
    >>> from cnnexplain.claims import collect, difference
    >>> r = difference("true labels make it more edge-shaped",
    ...                [.5, .6, .4, .7, .5, .6], [.4, .7, .5, .6, .5, .5],
    ...                expect=("smaller", "cannot tell"))
    >>> r.outcome, [round(end, 2) for end in r.interval], r.level
    ('cannot tell', [-0.1, 0.1], 0.96875)
    >>> _ = collect()
    """
    claim = _sentence(claim)
    expected = _outcomes(expect)
    est, low, high, n, coverage, test, default = _difference_interval(a, b, paired, method, level)
    statistic = default if statistic is None else _text("statistic", statistic)
    fmt = _fmt("fmt", fmt, est)
    outcome = "larger" if low > 0 else "smaller" if high < 0 else "cannot tell"
    allowed = "any (the text says which)" if set(expected) == set(OUTCOMES) else " or ".join(expected)
    return _conclude(
        Checked(
            claim=claim,
            kind="difference",
            test=test,
            statistic=statistic,
            value=est,
            n=n,
            interval=(low, high),
            level=coverage,
            margin=f"0 (interval above: larger; below: smaller; across: cannot tell); expected: {allowed}",
            measured=(
                f"{statistic} {fmt.format(est)}, {_percent(coverage)} interval "
                f"{fmt.format(low)} to {fmt.format(high)}: {outcome}"
            ),
            holds=outcome in expected,
            outcome=outcome,
        )
    )


def equivalent(
    claim: str,
    a: Any,
    b: Any,
    *,
    within: float | str,
    paired: bool = True,
    method: str | None = None,
    level: float = 0.95,
    statistic: str | None = None,
    fmt: str = "{:+.2f}",
) -> Checked:
    """Claim "about the same", "no effect": the whole interval of the difference lies within ``±within``.

    Two one-sided tests (TOST): the difference is shown to be above
    ``-within`` and below ``+within``. With the default 95% interval each
    one-sided test is at level 2.5%, stricter than the textbook TOST at 5%
    (a 90% interval: pass ``level=0.9``). A non-significant difference is
    not this: an interval that spans 0 and reaches past ``within`` says
    "cannot tell", and the claim fails.

    Parameters
    ----------
    claim : str
        The sentence, as the page's box lists it.
    a, b : array-like of float
        The two samples, as for :func:`difference`.
    within : float or str
        The largest difference the sentence calls "the same", above 0 and
        stated in advance (see the module's docstring), or the name of a
        margin of :func:`declare_margins`.
    paired : bool, default True
        Whether ``a`` and ``b`` are pairs, as for :func:`difference`.
    method : {"sign", "bootstrap"}, optional
        The interval, as for :func:`difference`.
    level : float, default 0.95
        The interval's level.
    statistic : str, optional
        What the difference is, for the box.
    fmt : str, default "{:+.2f}"
        A ``str.format`` pattern for the statistic, its interval and the
        margin.

    Returns
    -------
    Checked
        With ``interval`` and ``holds``.

    Raises
    ------
    MarginError
        If ``within`` is computed when the page runs, equals the measured
        difference or an end of its interval (in size), or is undeclared.
    TypeError
        If a sample is not numbers, or ``within`` not a plain number.
    ValueError
        As for :func:`difference`; or ``within`` is not above 0.
    AssertionError
        If the claim does not hold and ``CNNEXPLAIN_STRICT_CLAIMS`` is ``1``.

    Examples
    --------
    >>> from cnnexplain.claims import collect, equivalent
    >>> a = [0.50, 0.52, 0.49, 0.51, 0.50, 0.53, 0.48, 0.50]
    >>> b = [0.51, 0.50, 0.50, 0.50, 0.52, 0.51, 0.49, 0.51]
    >>> r = equivalent("the labels make no difference", a, b,
    ...                within=0.05)
    >>> r.holds, r.margin
    (True, 'interval within -0.05 to +0.05')
    >>> _ = collect()
    """
    frame = sys._getframe(1)
    claim = _sentence(claim)
    delta, name = _margin("within", within)
    _require_stated(frame, "equivalent", {"within": within})
    if not delta > 0:
        raise ValueError(f"within must be a difference above 0, got {delta!r}")
    est, low, high, n, coverage, test, default = _difference_interval(a, b, paired, method, level)
    statistic = default if statistic is None else _text("statistic", statistic)
    fmt = _fmt("fmt", fmt, est)
    _refuse_copied("within", delta, [abs(est), abs(low), abs(high)])
    holds = -delta < low and high < delta
    margin = f"interval within {fmt.format(-delta)} to {fmt.format(delta)}"
    return _conclude(
        Checked(
            claim=claim,
            kind="equivalence",
            test=f"equivalence (two one-sided tests), {test}",
            statistic=statistic,
            value=est,
            n=n,
            interval=(low, high),
            level=coverage,
            margin=margin + (f" (declared as {name})" if name else ""),
            measured=(
                f"{statistic} {fmt.format(est)}, {_percent(coverage)} interval "
                f"{fmt.format(low)} to {fmt.format(high)}"
            ),
            holds=bool(holds),
        )
    )


def setting(claim: str, value: Any, *, expected: Any) -> Checked:
    """Claim that a value the code chooses is the one the prose names.

    For the settings a page writes as words ("eight kernels of 7x7", "20
    epochs"): chosen, not measured, so no margin, n or interval; the box
    marks it so. ``expected`` is written in the call, as a literal.

    Parameters
    ----------
    claim : str
        The sentence, as the page's box lists it.
    value : object
        The value the code uses.
    expected : object
        The value the prose names, written in the code (``(7, 7)``, ``20``).

    Returns
    -------
    Checked
        Holding when ``value == expected`` (arrays: equal element by element).

    Raises
    ------
    MarginError
        If ``expected`` is computed when the page runs.
    AssertionError
        If the claim does not hold and ``CNNEXPLAIN_STRICT_CLAIMS`` is ``1``.

    Examples
    --------
    >>> from cnnexplain.claims import collect, setting
    >>> setting("eight kernels of 7x7", (8, 7, 7), expected=(8, 7, 7)).holds
    True
    >>> _ = collect()
    """
    frame = sys._getframe(1)
    claim = _sentence(claim)
    _require_stated(frame, "setting", {"expected": expected}, literals=True)
    if isinstance(value, np.ndarray) or isinstance(expected, np.ndarray) or hasattr(value, "detach"):
        holds = bool(np.array_equal(_array(value), _array(expected)))
    else:
        holds = bool(value == expected)
    return _conclude(
        Checked(
            claim=claim,
            kind="setting",
            test="setting (chosen, not measured)",
            statistic="value the code sets",
            value=None,
            n=None,
            interval=None,
            level=None,
            margin=f"equal to {expected!r}",
            measured=repr(value) if isinstance(value, (tuple, list, str)) else str(value),
            holds=holds,
        )
    )


def check(claim: str, holds: bool, *, measured: str) -> None:
    """Record whether this run confirms a claim, from a boolean the page computed (unqualified).

    The claim kinds (:func:`bound`, :func:`share`, :func:`difference`...)
    replace it: they take the statistic, the test and the margin, so the box
    can show what was tested. A ``check`` still works, and the box marks it
    "unqualified check (boolean)".

    Parameters
    ----------
    claim : str
        The claim in words, as the page's box lists it, e.g. "the validation
        accuracy ends at 99% or more".
    holds : bool
        Whether the claim holds in this run: a property with a margin that
        means something, never a number copied from one run.
    measured : str
        The measured value that decides the claim, e.g. ``"99.6%"``.

    Raises
    ------
    ValueError
        If ``claim`` is empty.
    AssertionError
        If the claim does not hold and ``CNNEXPLAIN_STRICT_CLAIMS`` is ``1``.
    """
    claim = _sentence(claim)
    _conclude(
        Checked(
            claim=claim,
            kind="boolean",
            test=UNQUALIFIED,
            statistic="",
            value=None,
            n=None,
            interval=None,
            level=None,
            margin=None,
            measured=str(measured),
            holds=bool(holds),
        )
    )
