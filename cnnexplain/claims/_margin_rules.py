"""Margins stated in advance: the page's register, and the guards against margins copied from the run."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from .._callsite import unstated_margins
from ._arguments import _describe
from ._record import _claims, _margins, _values


class MarginError(ValueError):
    """A margin not stated in advance, or the page's register of margins used out of order."""


class Margins(Mapping):
    """The margins a page declared with :func:`declare_margins`: a read-only mapping.

    Reading a name that was not declared raises a :class:`MarginError` that
    lists those that were.

    Parameters
    ----------
    values : mapping of str to float
        The margins by name.

    Examples
    --------
    >>> from cnnexplain.claims import Margins
    >>> margins = Margins({"accuracy": 0.99})
    >>> margins["accuracy"], "majority" in margins
    (0.99, False)
    """

    def __init__(self, values: Mapping[str, float]):
        self._values = dict(values)

    def __getitem__(self, name: str) -> float:
        if name not in self._values:
            raise MarginError(
                f"margin {name!r} was not declared: the page's declare_margins declared "
                f"{', '.join(map(repr, self._values))}; a margin is stated there, before the run"
            )
        return self._values[name]

    def __contains__(self, name: object) -> bool:
        return name in self._values

    def get(self, name: str, default: Any = None) -> Any:
        """The margin ``name``, or ``default`` if it was not declared.

        Parameters
        ----------
        name : str
            The margin's name.
        default : object, optional
            What to return for an undeclared name.

        Returns
        -------
        float or object
            The margin, or ``default``.
        """
        return self._values.get(name, default)

    def __iter__(self) -> Iterator[str]:
        return iter(self._values)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"Margins({', '.join(f'{k}={v!r}' for k, v in self._values.items())})"


def declare_margins(**margins: float) -> Margins:
    """State the page's margins, once, before the page measures anything.

    The register is the page's pre-registration: every margin its claims use,
    in one place, fixed before the run, under a name the claims give instead
    of a number (``at_least="accuracy"``). The prose can quote the same
    numbers: glue them from the register.

    Parameters
    ----------
    **margins : int or float
        Each margin by name, written in the call as a number
        (``accuracy=0.99``), a name bound only to a number, or an imported
        constant; a plain Python ``int`` or ``float``.

    Returns
    -------
    Margins
        The register, read-only. :func:`collect` (the docs build calls it
        between pages) forgets it.

    Raises
    ------
    MarginError
        If the page has already declared its margins, or has already glued a
        value or recorded a claim (declare first), or a margin is computed in
        the call rather than written there.
    TypeError
        If a margin is not a plain ``int`` or ``float`` (a numpy or torch
        scalar is what computing on arrays gives).
    ValueError
        If no margin is given, or one is not finite.

    Examples
    --------
    >>> from cnnexplain.claims import bound, collect, declare_margins
    >>> margins = declare_margins(accuracy=0.99, most=0.5)
    >>> r = bound("the accuracy is 99% or more", 0.996, n=1,
    ...           at_least="accuracy")
    >>> r.margin
    'at least 0.99 (declared as accuracy)'
    >>> declare_margins(accuracy=0.95)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    cnnexplain.claims.MarginError: margins were already declared ...
    >>> _ = collect()
    """
    frame = sys._getframe(1)
    if _margins:
        raise MarginError(
            f"margins were already declared on this page ({_margins[0]!r}): declare them all in "
            "one call, before the page measures anything"
        )
    recorded = [f"glue {name!r}" for name in _values] + [f"claim {c['claim']!r}" for c in _claims]
    if recorded:
        raise MarginError(
            "declare_margins must come before the page measures anything, but it has already "
            f"recorded {', '.join(recorded[:3])}{' ...' if len(recorded) > 3 else ''}: "
            "declare the margins first"
        )
    if not margins:
        raise ValueError("declare_margins needs at least one margin, such as declare_margins(accuracy=0.99)")
    for name, value in margins.items():
        _margin_value(name, value)
    _require_stated(frame, "declare_margins", margins)
    register = Margins(margins)
    _margins.append(register)
    return register


def _margin_value(arg: str, value: Any) -> float:
    """``value`` if it is a finite plain int or float: a number written in the code."""
    if type(value) not in (int, float):
        hint = (
            " (a numpy or torch scalar is what a computation on arrays gives)"
            if hasattr(value, "dtype")
            else ""
        )
        raise TypeError(
            f"{arg} must be a margin stated in advance: a plain Python int or float written in the "
            f"code, got {_describe(value)}{hint}"
        )
    if not math.isfinite(value):
        raise ValueError(f"{arg} must be a finite number, got {value!r}")
    return value


def _margin(arg: str, value: Any) -> tuple[float, str | None]:
    """The margin given as ``arg``: a number, or the name of a declared one; and that name."""
    if isinstance(value, str):
        if not _margins:
            raise MarginError(
                f"{arg}={value!r} names a declared margin, but this page declared none: call "
                f"declare_margins({value}=...) before the page measures anything"
            )
        return _margins[0][value], value
    return _margin_value(arg, value), None


def _require_stated(frame: Any, function: str, params: Mapping[str, Any], *, literals: bool = False) -> None:
    """Refuse a margin argument that the calling line computes rather than states."""
    written = {name: value for name, value in params.items() if not isinstance(value, str) or literals}
    for arg, expression in unstated_margins(frame, function, written, literals=literals).items():
        raise MarginError(
            f"{arg} must be stated in advance, as a number written in the code (such as 0.99), a "
            "name bound only to such a number, an imported constant or a margin of declare_margins; "
            f"got the expression `{expression}`, which the page computes as it runs"
        )


# The margins a sentence's quantifier gives ("none", "half", "all"): equal to a
# measurement without having been copied from it.
_QUANTIFIERS = (0, 0.5, 1, -0.5, -1)


def _refuse_copied(arg: str, margin: float, observed: Iterable[float], also: Iterable[float] = ()) -> None:
    """Refuse a margin equal to what this run measured, unless a quantifier gives it.

    Only for the default seed, the run the pages were written against: at another seed, a
    value that lands exactly on a margin was not copied into it.
    """
    if margin in (*_QUANTIFIERS, *also) or os.environ.get("CNNEXPLAIN_SEED", "0").strip() not in ("", "0"):
        return
    for value in observed:
        if margin == value:
            raise MarginError(
                f"{arg}={margin!r} equals what this run measured ({value!r}): a margin copied from "
                "the run it checks (as in 'at least 8 of 10' where 8 was observed) confirms anything. "
                "State the margin the sentence means, before the run and with room (a round number "
                "the prose names); if it was, this run lands exactly on it and the sentence needs "
                "a margin with room"
            )
