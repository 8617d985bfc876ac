"""Claims about counts of runs or items: a share of all seeds (:func:`share`), more or fewer
than half of them (:func:`majority`), every one of these items (:func:`every`)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

from ._arguments import (
    _array,
    _count,
    _describe,
    _fmt,
    _level,
    _margin_words,
    _outcomes,
    _percent,
    _sentence,
    _text,
)
from ._checked import Checked, _conclude
from ._confidence import _clopper_pearson, _wilson
from ._margin_rules import _margin, _refuse_copied, _require_stated
from ._record import OUTCOMES, glue, outward


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
    expect: str | Iterable[str] | None = None,
) -> Checked:
    """Claim a share, ``k`` of ``n``, by its interval: the sentence's quantifier is what is tested.

    "In most runs" is ``above=0.5``: it holds when the whole interval of the
    share lies above one half, not when ``k`` does. "Rarely, under one run in
    five" is ``below=0.2``.

    When the run decides which of several sentences the page prints, give
    ``expect`` and one margin: the outcome is ``"larger"`` when the whole
    interval lies above the margin, ``"smaller"`` when it lies below, and
    ``"cannot tell"`` when it holds it; the claim holds when the outcome is
    one the text allows, and :meth:`Checked.choose` gives the words.

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
    expect : str or iterable of str, optional
        The outcomes against the one margin that the page's text survives,
        from :data:`~cnnexplain.claims.OUTCOMES` (``OUTCOMES`` when the
        prose picks its words by the outcome). Without it, the claim holds
        when the interval clears every margin given.

    Returns
    -------
    Checked
        With ``interval`` and ``holds``; with ``expect``, also ``outcome``.

    Raises
    ------
    MarginError
        If a margin is computed when the page runs, equals ``k / n`` or an
        end of the interval (unless 0, one half or 1), or is undeclared.
    TypeError
        If ``k`` or ``n`` is not an integer, or a margin not a plain number.
    ValueError
        If ``k`` is not in ``[0, n]``, ``n`` is below 1, no margin is given
        or one is outside ``[0, 1]``, ``level`` is not in (0, 1), or
        ``expect`` names an unknown outcome or comes with two margins.
    AssertionError
        If the claim does not hold and ``CNNEXPLAIN_STRICT_CLAIMS`` is ``1``.

    Examples
    --------
    >>> from cnnexplain.claims import OUTCOMES, collect, share
    >>> import warnings
    >>> with warnings.catch_warnings():  # 7 of 10 is not shown to be most
    ...     warnings.simplefilter("ignore")
    ...     r = share("in most runs both detectors emerge", 7, 10,
    ...               above=0.5)
    >>> r.holds, r.measured
    (False, 'share 7 of 10 (70%), 95% interval 39% to 90%')
    >>> share("in most runs", 9, 10, above=0.5).holds
    True
    >>> r = share("few random sets reach it, or many (the text says)",
    ...           3, 1000, below=0.05, expect=OUTCOMES)
    >>> r.outcome, r.choose(larger="many", smaller="few",
    ...                     cannot_tell="unclear")
    ('smaller', 'few')
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
    name = "Wilson" if method == "wilson" else "Clopper-Pearson"
    if expect is not None:
        if len(margins) != 1:
            raise ValueError(
                "share with expect reads the share against one margin: give above=... or below=..., not both"
            )
        ((margin, margin_name),) = margins.values()
        return _share_outcome(
            claim,
            k,
            n,
            interval=(low, high),
            margin=margin,
            margin_text=_margin_words(fmt, margin, margin_name),
            said={
                "larger": f"more than {fmt.format(margin)}",
                "smaller": f"less than {fmt.format(margin)}",
                "cannot tell": "cannot tell",
            },
            expected=_outcomes(expect),
            level=level,
            test=f"share, {name} {_percent(level)} interval",
            statistic=statistic,
            fmt=fmt,
        )
    holds = ("above" not in margins or low > margins["above"][0]) and (
        "below" not in margins or high < margins["below"][0]
    )
    parts = []
    if "above" in margins:
        parts.append(f"lower end above {_margin_words(fmt, *margins['above'])}")
    if "below" in margins:
        parts.append(f"upper end below {_margin_words(fmt, *margins['below'])}")
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
                f"{outward(low, fmt, 'low')} to {outward(high, fmt, 'high')}"
            ),
            holds=bool(holds),
        )
    )


def _share_outcome(
    claim: str,
    k: int,
    n: int,
    *,
    interval: tuple[float, float],
    margin: float,
    margin_text: str,
    said: dict[str, str],
    expected: tuple[str, ...],
    level: float,
    test: str,
    statistic: str,
    fmt: str,
) -> Checked:
    """A share read against one margin by its interval: above it, below it, or cannot tell.

    ``said`` gives the words of each outcome for the box; :func:`share` with
    ``expect`` and :func:`majority` (the margin one half) both conclude here.
    """
    low, high = interval
    outcome = "larger" if low > margin else "smaller" if high < margin else "cannot tell"
    allowed = (
        "any (the text says which)"
        if set(expected) == set(OUTCOMES)
        else " or ".join(said[e] for e in expected)
    )
    return _conclude(
        Checked(
            claim=claim,
            kind="share",
            test=test,
            statistic=statistic,
            value=k / n,
            n=n,
            interval=(low, high),
            level=level,
            margin=(
                f"{margin_text} (interval above: {said['larger']}; below: {said['smaller']}; "
                f"across: cannot tell); expected: {allowed}"
            ),
            measured=(
                f"{statistic} {k} of {n} ({fmt.format(k / n)}), {_percent(level)} interval "
                f"{outward(low, fmt, 'low')} to {outward(high, fmt, 'high')}: {said[outcome]}"
            ),
            holds=outcome in expected,
            outcome=outcome,
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
    return _share_outcome(
        claim,
        k,
        n,
        interval=(low, high),
        margin=0.5,
        margin_text="one half",
        said={"larger": "more than half", "smaller": "fewer than half", "cannot tell": "cannot tell"},
        expected=expected,
        level=level,
        test=f"share against one half, Wilson {_percent(level)} interval",
        statistic=statistic,
        fmt=fmt,
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
