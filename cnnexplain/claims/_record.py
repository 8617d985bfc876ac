"""What the running example has glued and claimed, and the words that agree with a count."""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from ._margin_rules import Margins

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


# One fixed-point or percent field in a glue pattern: "{:.0%}", "{:+.1f}", "{:+.2f} points".
_FIELD = re.compile(r"\{:([+ -]?)\.(\d+)([f%])\}")


def outward(value: Any, fmt: str, side: str) -> str:
    """Format an interval's end rounded away from the interval's inside.

    A lower end is rounded down and an upper end up, to the digits ``fmt``
    shows, so that the printed interval still holds the computed one
    (the glossary's rule). A pattern that is not one fixed-point or percent
    field, or a value that is not a number, is formatted as it is.

    Parameters
    ----------
    value : object
        The end, as the code computed it.
    fmt : str
        A ``str.format`` pattern such as ``"{:.0%}"`` or ``"{:+.1f} points"``.
    side : {"low", "high"}
        Which end ``value`` is.

    Returns
    -------
    str
        The formatted end.

    Examples
    --------
    >>> outward(0.838, "{:.0%}", "low"), outward(0.952, "{:.0%}", "high")
    ('83%', '96%')
    >>> outward(0.95, "{:.0%}", "high")
    '95%'
    """
    if side not in ("low", "high"):
        raise ValueError(f"side must be 'low' or 'high', got {side!r}")
    fields = _FIELD.findall(fmt)
    real = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if len(fields) != 1 or fmt.count("{") != 1 or not real or not math.isfinite(value):
        return fmt.format(value)
    _, digits, kind = fields[0]
    scale = 10 ** int(digits) * (100 if kind == "%" else 1)
    # The tolerance keeps a value that is its rounding already (0.95 as 95.00000000000001) in place.
    scaled = float(value) * scale
    rounded = math.floor(scaled + 1e-9) if side == "low" else math.ceil(scaled - 1e-9)
    return fmt.format(rounded / scale)


def span(low: Any, high: Any, fmt: str = "{:+.2f}", joiner: str = " to ") -> str:
    """Format an interval as text, both ends rounded outward (:func:`outward`).

    Every interval the pages print or glue into a sentence goes through here
    (or through :func:`glue`'s ``_low``/``_high`` names), so that the same
    interval reads the same wherever it is quoted, and the printed interval
    holds the computed one.

    Parameters
    ----------
    low, high : float
        The interval's ends, as the code computed them.
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
    TypeError
        If ``fmt`` or ``joiner`` is not a string.

    Examples
    --------
    >>> span(0.0849, 0.4751)
    '+0.08 to +0.48'
    >>> span(0.838, 0.952, "{:.0%}", "-")
    '83%-96%'
    """
    for arg, text in (("fmt", fmt), ("joiner", joiner)):
        if not isinstance(text, str):
            raise TypeError(f"{arg} must be a string, got {type(text).__name__}")
    return f"{outward(low, fmt, 'low')}{joiner}{outward(high, fmt, 'high')}"


def glue(name: str, value: Any, fmt: str = "{}", *, rounding: str = "by name") -> Any:
    """Record ``value``, formatted, as the number the prose calls ``|name|``.

    A name that ends in ``_low`` or ``_high`` is read as a confidence
    interval's end and rounded outward (:func:`outward`), so that the printed
    ends hold the computed ones. An observed value that is not an interval's
    end -- the lowest accuracy of the runs, a percentile of the kernels --
    is shown as it is: pass ``rounding="nearest"`` (99.58% reads 99.6%, not
    an impossible 99.5%).

    Parameters
    ----------
    name : str
        A Python identifier (letters, digits, underscores), unique on the page.
    value : object
        The value, as the code computed it.
    fmt : str, default "{}"
        A ``str.format`` pattern for the text, e.g. ``"{:.1%}"``.
    rounding : {"by name", "nearest"}, default "by name"
        ``"nearest"`` formats the value as it is, whatever its name.

    Returns
    -------
    object
        ``value`` itself, so that glue can wrap an expression.

    Raises
    ------
    ValueError
        If ``name`` is not an identifier, ``rounding`` not one of its two
        values, or the formatted text is empty.

    Examples
    --------
    An interval's end reads 99.5%, the lowest accuracy of the runs 99.6%:

    >>> _ = glue("acc_low", 239 / 240, "{:.1%}")
    >>> _ = glue("worst_low", 239 / 240, "{:.1%}", rounding="nearest")
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"name must be a Python identifier such as 'val_accuracy', got {name!r}")
    if rounding not in ("by name", "nearest"):
        raise ValueError(f"rounding must be 'by name' or 'nearest', got {rounding!r}")
    side = "low" if name.endswith("_low") else "high" if name.endswith("_high") else None
    if rounding == "nearest":
        side = None
    text = fmt.format(value) if side is None else outward(value, fmt, side)
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
    >>> from cnnexplain.claims import plural
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
