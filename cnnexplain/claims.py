"""Numbers and claims of an example's text, taken from its code and checked.

The pages of the cnnexplain site are Python scripts whose prose states what
their code measured, such as the accuracy of the trained network. These calls
keep such sentences true:

- :func:`glue` records a value the prose quotes, under a name. The site's
  docs build puts the formatted value wherever the prose writes ``|name|``.
- :func:`glue_link` records a value that is also a link, written ``|name|_``
  in the prose: a link whose address the code computes (the explorer at the
  epoch and kernel a page talks about).
- :func:`plural` picks the word that agrees with a glued count, so that a
  sentence reads right for any run ("1 kernel dies", "3 kernels die").
- The claim kinds record a claim of the prose and decide, from the statistic,
  the test and the margin the sentence names, whether this run confirms it:

  =====================  ====================================================
  :func:`bound`          a measured value is at least / at most / between
                         margins ("the accuracy is 99% or more")
  :func:`share`          k of n, by its Wilson (or Clopper-Pearson) interval
                         against a margin ("in most runs": the interval's
                         lower end above 50%)
  :func:`every`          it holds for every one of n items, count shown
  :func:`majority`       k of n against one half, read from its Wilson
                         interval as "more than half", "fewer than half" or
                         "cannot tell" (the interval holds one half)
  :func:`difference`     a difference with its interval, read as "larger",
                         "smaller" or "cannot tell" (the interval spans 0)
  :func:`equivalent`     "about the same": the whole interval lies within
                         plus or minus a margin stated in advance (TOST)
  :func:`setting`        a value the code chooses is the one the prose names
  =====================  ====================================================

  Each returns a :class:`Checked`: what was tested, on how many runs or
  items (n), with what interval and margin, and whether it holds. The docs
  build lists them at the end of the page, a row per claim, and fails when
  one does not hold.
- :func:`check` is the older, unqualified check: the page computes the
  boolean itself. It still works, and the box marks it "unqualified check
  (boolean)" until its page is migrated (``tools/count_checks.py`` counts
  them).

A claim that fails raises an ``AssertionError`` when the environment variable
``CNNEXPLAIN_STRICT_CLAIMS`` is ``1`` (the docs build sets it). Anywhere else
it only warns: a downloaded example run with another seed or on another
machine keeps going, and says which sentence of its page this run does not
confirm.

**Why the claim kinds take the statistic, not a boolean.** A boolean can
test something weaker than its sentence, and the box cannot show it:
``p > 0.05`` printed under "no effect", "at least 8 of 10" where 8 is what
the run gave. A claim kind computes the test itself, so the sentence's
quantifier is what is tested: "most" is a share whose whole 95% interval lies
above one half, "no effect" is an equivalence whose whole interval lies
within a stated margin, and a difference whose interval spans zero reads
"cannot tell", never "no difference". The box shows the test, n, the
measured value with its interval and the margin, so a reader can judge the
sentence without reading the code.

**Margins stated in advance.** A margin copied from the run it checks makes
any claim pass. Three guards, from the strongest:

1. **Where the margin comes from.** A margin argument must be written in the
   code as a number, or a name the code binds only to a number, or a library
   constant it imports, or a margin of the page's :func:`declare_margins`.
   The claim reads its own calling line (see ``cnnexplain/_callsite.py``)
   and refuses ``at_least=observed`` or ``at_least=float(np.mean(x))`` with
   a :class:`MarginError` (a ``ValueError``): a value computed while the
   page runs. Only this catches
   a margin computed from the run; a float carries no history.
2. **What the margin is.** A margin is a plain Python ``int`` or ``float``
   (not a bool, not a numpy or torch scalar, which are what computations on
   arrays give: ``TypeError``), and finite.
3. **Whether it equals the measurement.** A margin equal to the statistic it
   is compared with -- "at least 8 of 10" where 8 was measured -- is the mark
   of a number copied from the site's previous build, which the next build,
   with the same seed, measures again. It is refused (:class:`MarginError`) unless
   it is one of the values a quantifier gives (0, one half, 1, or n: "none",
   "half", "all"). A run that lands exactly on an honest margin is refused
   too; such a margin has no room, and the sentence needs another. This
   guard watches the runs the pages were written against: the default seed
   (``CNNEXPLAIN_SEED`` unset or 0). A run of another seed that lands exactly
   on a margin is a coincidence, not a copy: its claim is decided, not
   refused (``nox -s claims`` builds the site from random seeds).

:func:`declare_margins` adds a register: the page states its margins once,
before it measures anything (declaring after a glue or a claim, or twice,
raises), and its claims name them (``at_least="accuracy"``; an undeclared
name raises). It is the page's pre-registration: the margins in one place,
fixed before the run, and the same numbers the prose quotes (glue them from
the register). A margin may also be written in the claim itself, as a
literal; guard 1 checks both ways alike.

>>> from cnnexplain.claims import bound, collect, glue
>>> accuracy = glue("accuracy", 0.9962, "{:.1%}")
>>> result = bound("after training the accuracy is 99% or more",
...                accuracy, n=1, at_least=0.99, fmt="{:.1%}")
>>> result.holds, result.margin
(True, 'at least 99.0%')
>>> collect()["values"]
{'accuracy': '99.6%'}
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from statistics import NormalDist
from typing import Any

import numpy as np

from ._callsite import unstated_margins

__all__ = [
    "OUTCOMES",
    "STRICT_ENV",
    "Checked",
    "MarginError",
    "Margins",
    "bound",
    "check",
    "collect",
    "declare_margins",
    "difference",
    "equivalent",
    "every",
    "glue",
    "glue_link",
    "majority",
    "plural",
    "setting",
    "share",
]

#: The environment variable that makes a failing claim raise.
STRICT_ENV = "CNNEXPLAIN_STRICT_CLAIMS"

#: What :func:`difference` can conclude from its interval.
OUTCOMES = ("larger", "smaller", "cannot tell")

#: The test of a :func:`check`, in the box: a boolean the page computed itself.
UNQUALIFIED = "unqualified check (boolean)"

# What the running example has glued and checked since the last collect():
# module state, because the docs build runs every example in one process and
# collects between them, while an example only has to call glue and check.
_values: dict[str, str] = {}
_links: dict[str, str] = {}
_claims: list[dict[str, Any]] = []
_margins: list[Margins] = []  # the page's declared margins: none, or one register


def glue(name: str, value: Any, fmt: str = "{}") -> Any:
    """Record ``value``, formatted, as the number the prose calls ``|name|``.

    Parameters
    ----------
    name : str
        A Python identifier (letters, digits, underscores), unique on the page.
    value : object
        The value, as the code computed it.
    fmt : str, default "{}"
        A ``str.format`` pattern for the text, e.g. ``"{:.1%}"``.

    Returns
    -------
    object
        ``value`` itself, so that glue can wrap an expression.

    Raises
    ------
    ValueError
        If ``name`` is not an identifier or the formatted text is empty.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier such as 'val_accuracy', got {name!r}")
    text = fmt.format(value)
    if not text.strip():
        raise ValueError(f"fmt {fmt!r} turns the value of {name!r} into empty text")
    _values[name] = text
    return value


def glue_link(name: str, text: str, url: str) -> str:
    """Record a link: the prose's ``|name|_`` becomes ``text``, linking to ``url``.

    Parameters
    ----------
    name : str
        A Python identifier, unique on the page.
    text : str
        The text of the link, as the code computed it (e.g. ``"epoch 2"``).
    url : str
        The address, relative to the page (e.g. ``"plot_04b_explorer.html#epoch=2"``).

    Returns
    -------
    str
        ``url``.

    Raises
    ------
    ValueError
        If ``name`` is not an identifier, or ``text`` or ``url`` is empty or
        not a string.
    """
    for arg, value in (("text", text), ("url", url)):
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{arg} must be a non-empty string, got {value!r}")
    glue(name, text)
    _links[name] = url
    return url


def plural(count: int, one: str, many: str) -> str:
    """The word that agrees with ``count``: ``one`` if it is 1, ``many`` otherwise.

    A count glued into the prose changes from run to run, and so must the
    words around it: glue them too, e.g. ``|n_dead| of the eight kernels
    |die|`` with ``glue("die", plural(n_dead, "dies", "die"))``.

    Parameters
    ----------
    count : int
        The count the words agree with.
    one, many : str
        The words for exactly one, and for any other count (zero included).

    Returns
    -------
    str
        ``one`` or ``many``.

    Raises
    ------
    TypeError
        If ``count`` is not an integer (a bool is not a count), or ``one`` or
        ``many`` is not a string.

    Examples
    --------
    >>> for n in (0, 1, 3):
    ...     print(n, plural(n, "kernel dies", "kernels die"))
    0 kernels die
    1 kernel dies
    3 kernels die
    """
    if isinstance(count, bool) or not isinstance(count, (int, np.integer)):
        raise TypeError(f"count must be an integer, got {type(count).__name__} {count!r}")
    for arg, value in (("one", one), ("many", many)):
        if not isinstance(value, str):
            raise TypeError(f"{arg} must be a string, got {type(value).__name__} {value!r}")
    return one if count == 1 else many


# --------------------------------------------------------------------------
# Margins stated in advance


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


# --------------------------------------------------------------------------
# What a claim records


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
        The outcomes the page's text survives, from :data:`OUTCOMES`:
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
        The outcomes the page's text survives, from :data:`OUTCOMES`; the
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


def collect() -> dict[str, Any]:
    """Return what was glued and checked since the last call, and start afresh.

    The page's register of margins (:func:`declare_margins`) is forgotten
    too: the next page declares its own.

    Returns
    -------
    dict
        ``"values"``: the text of each glued name, in the order they were
        glued; ``"links"``: the address of each name glued with
        :func:`glue_link`; ``"claims"``: one dict per claim, in order, with
        the fields of :class:`Checked` (``"claim"``, ``"kind"``, ``"test"``,
        ``"statistic"``, ``"value"``, ``"n"``, ``"interval"``, ``"level"``,
        ``"margin"``, ``"measured"``, ``"holds"``, ``"outcome"``).
    """
    record = {"values": dict(_values), "links": dict(_links), "claims": list(_claims)}
    _values.clear()
    _links.clear()
    _claims.clear()
    _margins.clear()
    return record


# --------------------------------------------------------------------------
# Intervals


def _z(level: float) -> float:
    return NormalDist().inv_cdf(0.5 + level / 2)


def _wilson(k: int, n: int, level: float) -> tuple[float, float]:
    """Wilson's score interval of the share ``k / n``, ``0 <= k <= n``, ``n >= 1``, unchecked.

    The library's one implementation: :func:`cnnexplain.analysis.wilson_interval`
    checks its arguments and calls it. It lives here, in the module that
    imports nothing of the library but ``_callsite``, so that the analyses can
    use it without an import cycle.
    """
    z, p = _z(level), k / n
    denominator = 1 + z * z / n
    center = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return (0.0 if k == 0 else max(0.0, center - half)), (1.0 if k == n else min(1.0, center + half))


def _binomial_cdf(k: int, n: int, p: float) -> float:
    """P(X <= k) for X ~ Binomial(n, p), 0 < p < 1."""
    if k < 0:
        return 0.0
    if k >= n:
        return 1.0
    i = np.arange(k + 1)
    log_pmf = (
        math.lgamma(n + 1)
        - np.array([math.lgamma(j + 1) + math.lgamma(n - j + 1) for j in i])
        + i * math.log(p)
        + (n - i) * math.log1p(-p)
    )
    return float(min(1.0, np.exp(log_pmf).sum()))


def _solve(f, target: float) -> float:
    """The p in (0, 1) where the decreasing ``f(p)`` equals ``target``, by bisection."""
    lo, hi = 0.0, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if f(mid) > target else (lo, mid)
    return (lo + hi) / 2


def _clopper_pearson(k: int, n: int, level: float) -> tuple[float, float]:
    """The exact (Clopper-Pearson) interval of the share ``k / n``."""
    tail = (1 - level) / 2
    # P(X >= k) grows with p: the lower end is where it reaches the tail.
    low = 0.0 if k == 0 else _solve(lambda p: _binomial_cdf(k - 1, n, p), 1 - tail)
    high = 1.0 if k == n else _solve(lambda p: _binomial_cdf(k, n, p), tail)
    return low, high


BOOTSTRAP_RESAMPLES = 10_000


def _bootstrap(statistic, samples: list[np.ndarray], level: float) -> tuple[float, float]:
    """The percentile interval of ``statistic`` over resamples of ``samples`` (a fixed seed)."""
    rng = np.random.default_rng(0)
    values = []
    for start in range(0, BOOTSTRAP_RESAMPLES, 1000):
        size = min(1000, BOOTSTRAP_RESAMPLES - start)
        draws = [s[rng.integers(0, len(s), (size, len(s)))] for s in samples]
        values.append(statistic(*draws))
    tail = (1 - level) / 2
    low, high = np.quantile(np.concatenate(values), [tail, 1 - tail])
    return float(low), float(high)


def _sign_interval(d: np.ndarray, level: float) -> tuple[float, float, float]:
    """The order-statistic interval of the median of ``d``, and its coverage (at least ``level``)."""
    n = len(d)
    cdf = np.cumsum([math.comb(n, i) for i in range(n + 1)]) / 2**n  # P(B <= i), B ~ Binomial(n, 1/2)
    tail = (1 - level) / 2
    if cdf[0] > tail:
        need = next(m for m in range(n, 64) if 2 * 0.5**m <= 1 - level)
        raise ValueError(
            f"the sign test's interval needs at least {need} pairs at level {level:g}, got {n}: "
            "pass more pairs, a lower level, or method='bootstrap'"
        )
    j = int(np.flatnonzero(cdf <= tail)[-1])  # ends at the (j+1)-th smallest and largest
    s = np.sort(d)
    return float(s[j]), float(s[n - 1 - j]), float(1 - 2 * cdf[j])


def _difference_interval(a: Any, b: Any, paired: Any, method: str | None, level: Any):
    """``(estimate, low, high, n, coverage, test, statistic)`` of the difference ``a - b``."""
    if not isinstance(paired, (bool, np.bool_)):
        raise TypeError(f"paired must be True or False, got {_describe(paired)}")
    level = _level(level)
    a, b = _sample("a", a), _sample("b", b)
    methods = ("sign", "bootstrap") if paired else ("bootstrap",)
    method = methods[0] if method is None else method
    if method not in methods:
        raise ValueError(
            f"method must be one of {list(methods)} for {'paired' if paired else 'unpaired'} samples, got {method!r}"
        )
    resamples = f"{BOOTSTRAP_RESAMPLES:,} resamples"
    if paired:
        if len(a) != len(b):
            raise ValueError(f"a and b must be pairs of the same length, got {len(a)} and {len(b)}")
        d = a - b
        if method == "sign":
            low, high, coverage = _sign_interval(d, level)
            return (
                float(np.median(d)),
                low,
                high,
                len(d),
                coverage,
                f"paired sign test: interval of the median, coverage {_percent(coverage)} "
                f"(at least {_percent(level)})",
                "median of the paired differences",
            )
        low, high = _bootstrap(lambda x: x.mean(axis=1), [d], level)
        return (
            float(d.mean()),
            low,
            high,
            len(d),
            level,
            f"paired bootstrap ({resamples}): {_percent(level)} percentile interval of the mean",
            "mean of the paired differences",
        )
    low, high = _bootstrap(lambda x, y: x.mean(axis=1) - y.mean(axis=1), [a, b], level)
    return (
        float(a.mean() - b.mean()),
        low,
        high,
        [len(a), len(b)],
        level,
        f"bootstrap ({resamples}): {_percent(level)} percentile interval of the difference of means",
        "difference of the means",
    )


# --------------------------------------------------------------------------
# Arguments


def _describe(value: Any) -> str:
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        return f"a {type(value).__name__} of dtype {value.dtype} and shape {tuple(value.shape)}"
    text = repr(value)
    return f"{text[:57] + '...' if len(text) > 60 else text} ({type(value).__name__})"


def _sentence(claim: Any) -> str:
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError(f"claim must be a sentence in words, got {claim!r}")
    return claim


def _text(arg: str, value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"{arg} must be a non-empty string, got {value!r}")
    return value


def _fmt(arg: str, fmt: Any, example: float) -> str:
    try:
        if not isinstance(fmt, str) or not fmt.format(example).strip():
            raise ValueError
    except (ValueError, TypeError, IndexError, KeyError):
        raise ValueError(
            f"{arg} must be a str.format pattern for one number, such as '{{:.1%}}', got {fmt!r}"
        ) from None
    return fmt


def _percent(level: float) -> str:
    text = f"{100 * level:.1f}".removesuffix(".0")
    return f"{text}%"


def _level(level: Any) -> float:
    if isinstance(level, bool) or not isinstance(level, (int, float)) or not 0 < level < 1:
        raise ValueError(f"level must be a number between 0 and 1, such as 0.95, got {level!r}")
    return float(level)


def _array(values: Any) -> np.ndarray:
    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    return np.asarray(values)


def _number(arg: str, value: Any) -> int | float:
    if hasattr(value, "detach") or isinstance(value, (np.ndarray, np.generic)):
        array = _array(value)
        if array.size != 1:
            raise TypeError(f"{arg} must be one number, got {_describe(value)}")
        value = array.reshape(()).item()
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise TypeError(f"{arg} must be a number, got {_describe(value)}")
    if not math.isfinite(value):
        raise ValueError(f"{arg} must be a finite number, got {value!r}")
    return value


def _count(arg: str, value: Any, *, low: int) -> int:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{arg} must be an integer count, got {_describe(value)}")
    if value < low:
        raise ValueError(f"{arg} must be at least {low}, got {value}")
    return int(value)


def _sample(arg: str, values: Any) -> np.ndarray:
    try:
        array = _array(values).astype(float)
    except (TypeError, ValueError):
        raise TypeError(f"{arg} must be numbers, one per run or item, got {_describe(values)}") from None
    if array.ndim != 1 or array.size < 2:
        raise ValueError(
            f"{arg} must be a one-dimensional sample of at least two values, one per run or item, "
            f"got shape {array.shape}"
        )
    if not np.isfinite(array).all():
        raise ValueError(f"{arg} must not contain NaN or infinite values")
    return array


def _outcomes(expect: Any) -> tuple[str, ...]:
    expected = (
        (expect,) if isinstance(expect, str) else tuple(expect) if isinstance(expect, Iterable) else None
    )
    if not expected or any(e not in OUTCOMES for e in expected):
        raise ValueError(f"expect must be one or more of {list(OUTCOMES)}, got {expect!r}")
    return expected


def _margin_words(fmt: str, margin: float, name: str | None) -> str:
    return fmt.format(margin) + (f" (declared as {name})" if name else "")
