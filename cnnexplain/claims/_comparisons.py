"""Claims that compare two samples: a difference read from its interval (:func:`difference`)
and equivalence within a margin stated in advance (:func:`equivalent`)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from ._arguments import (
    _fmt,
    _outcomes,
    _percent,
    _sentence,
    _text,
)
from ._checked import Checked, _conclude
from ._confidence import _difference_interval
from ._margin_rules import _margin, _refuse_copied, _require_stated
from ._record import OUTCOMES, outward


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
        With ``outcome``, ``interval``, ``holds`` and ``p_value``, the
        two-sided p-value against 0 of the same test (the sign test, or the
        percentile bootstrap on the same resamples: at least ``2 / 10,001``).

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
    est, low, high, n, coverage, test, default, p = _difference_interval(a, b, paired, method, level)
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
                f"{outward(low, fmt, 'low')} to {outward(high, fmt, 'high')}: {outcome}"
            ),
            holds=outcome in expected,
            outcome=outcome,
            p_value=p,
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
    est, low, high, n, coverage, test, default, _ = _difference_interval(a, b, paired, method, level)
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
                f"{outward(low, fmt, 'low')} to {outward(high, fmt, 'high')}"
            ),
            holds=bool(holds),
        )
    )


def holm(p_values: Any, alpha: float = 0.05) -> tuple[list[float], list[bool]]:
    """Adjust several p-values by Holm's step-down procedure; say which fall at or below ``alpha``.

    The smallest p-value is multiplied by the number of comparisons ``m``, the
    next by ``m - 1``, and so on, each adjusted value kept at least as large
    as the one before it (Holm, 1979). The comparisons whose adjusted value
    is at most ``alpha`` are those Holm's procedure rejects while keeping the
    chance of any false rejection among all ``m`` at most ``alpha``.

    Parameters
    ----------
    p_values : sequence of float
        One p-value per comparison, each in [0, 1].
    alpha : float, default 0.05
        The family-wise error rate, in (0, 1).

    Returns
    -------
    tuple of (list of float, list of bool)
        The adjusted p-values, in the order given, and whether each is at
        most ``alpha``.

    Raises
    ------
    ValueError
        If there is no p-value, one lies outside [0, 1] or is not finite,
        or ``alpha`` is not in (0, 1).

    Examples
    --------
    >>> from cnnexplain.claims import holm
    >>> adjusted, rejected = holm([0.01, 0.04, 0.03])
    >>> [round(p, 2) for p in adjusted], rejected
    ([0.03, 0.06, 0.06], [True, False, False])
    """
    import math

    values = [float(p) for p in p_values]
    if not values:
        raise ValueError("holm needs at least one p-value")
    if not all(math.isfinite(p) and 0 <= p <= 1 for p in values):
        raise ValueError(f"p-values must lie in [0, 1], got {values}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must lie in (0, 1), got {alpha!r}")
    m = len(values)
    adjusted = [0.0] * m
    running = 0.0
    for rank, i in enumerate(sorted(range(m), key=lambda i: values[i])):
        running = max(running, min(1.0, (m - rank) * values[i]))
        adjusted[i] = running
    return adjusted, [p <= alpha for p in adjusted]
