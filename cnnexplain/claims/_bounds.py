"""Claims about one number: against a margin (:func:`bound`), a setting the page states
(:func:`setting`), or a boolean the page computed (:func:`check`)."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from ._arguments import (
    _array,
    _count,
    _fmt,
    _margin_words,
    _number,
    _sentence,
    _text,
)
from ._checked import Checked, _conclude
from ._margin_rules import _margin, _refuse_copied, _require_stated
from ._record import UNQUALIFIED


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
