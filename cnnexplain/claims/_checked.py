"""A checked claim (:class:`Checked`), and how every claim kind records its verdict."""

from __future__ import annotations

import os
import warnings
from dataclasses import asdict, dataclass
from typing import Any

from ._arguments import (
    _describe,
)
from ._record import STRICT_ENV, _claims, span


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
        for a :func:`majority`, the same words for its share against one half;
        for a :func:`share` given ``expect``, for its share against its margin.
    p_value : float or None
        For a difference: the two-sided p-value against 0 of the test that
        made its interval (the interval leaves out 0 when it is at most one
        minus the level asked for), to adjust over several comparisons with
        :func:`holm`.
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
    p_value: float | None = None

    def choose(self, *, larger: str, smaller: str, cannot_tell: str) -> str:
        """The words for this claim's outcome (a difference, a majority, a share with ``expect``), to glue into the sentence.

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
            If the claim has no outcome (not a difference, a majority or a share with ``expect``).
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
                "only a difference, a majority or a share with expect has an outcome to choose words for; "
                f"this claim is a {self.kind}"
            )
        phrases = {"larger": larger, "smaller": smaller, "cannot tell": cannot_tell}
        for arg, phrase in zip(("larger", "smaller", "cannot_tell"), phrases.values()):
            if not isinstance(phrase, str):
                raise TypeError(f"{arg} must be a string, got {_describe(phrase)}")
        return phrases[self.outcome]

    def span(self, fmt: str = "{:+.2f}", joiner: str = " to ") -> str:
        """Format this claim's interval as text, rounded outward (:func:`span`).

        Parameters
        ----------
        fmt : str, default "{:+.2f}"
            A ``str.format`` pattern with one field, used for both ends.
        joiner : str, default " to "
            What stands between the ends.

        Returns
        -------
        str
            ``"<low> to <high>"``.

        Raises
        ------
        ValueError
            If the claim has no interval.

        Examples
        --------
        >>> from cnnexplain.claims import OUTCOMES, collect, difference
        >>> r = difference("true labels change the score", [.3, .5, .4,
        ...                .8, .7, .9], [.1, .2, .3, .4, .5, .6],
        ...                expect=OUTCOMES)
        >>> r.span("{:+.1f}")
        '+0.1 to +0.4'
        >>> _ = collect()
        """
        if self.interval is None:
            raise ValueError(f"this claim (a {self.kind}) has no interval to format")
        return span(*self.interval, fmt, joiner)

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
