"""Numbers and claims of an example's text, taken from its code and checked.

The pages of the cnnexplain site are Python scripts whose prose states what
their code measured, such as the accuracy of the trained network. Two calls
keep such sentences true:

- :func:`glue` records a value the prose quotes, under a name. The site's
  docs build puts the formatted value wherever the prose writes ``|name|``.
- :func:`glue_link` records a value that is also a link, written ``|name|_``
  in the prose: a link whose address the code computes (the explorer at the
  epoch and kernel a page talks about).
- :func:`plural` picks the word that agrees with a glued count, so that a
  sentence reads right for any run ("1 kernel dies", "3 kernels die").
- :func:`check` records a claim of the prose and whether this run confirms
  it, with the value it measured. The docs build lists every claim at the end
  of the page, and fails when one does not hold.

A check that fails raises an ``AssertionError`` when the environment variable
``CNNEXPLAIN_STRICT_CLAIMS`` is ``1`` (the docs build sets it). Anywhere else
it only warns: a downloaded example run with another seed or on another
machine keeps going, and says which sentence of its page this run does not
confirm.

>>> from cnnexplain.claims import check, collect, glue
>>> accuracy = glue("accuracy", 0.9962, "{:.1%}")
>>> check("the accuracy is 99% or more", accuracy >= 0.99,
...       measured="99.6%")
>>> collect()["values"]
{'accuracy': '99.6%'}
"""

from __future__ import annotations

import os
import warnings
from typing import Any

import numpy as np

__all__ = ["STRICT_ENV", "check", "collect", "glue", "glue_link", "plural"]

#: The environment variable that makes a failing :func:`check` raise.
STRICT_ENV = "CNNEXPLAIN_STRICT_CLAIMS"

# What the running example has glued and checked since the last collect():
# module state, because the docs build runs every example in one process and
# collects between them, while an example only has to call glue and check.
_values: dict[str, str] = {}
_links: dict[str, str] = {}
_claims: list[dict[str, Any]] = []


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


def check(claim: str, holds: bool, *, measured: str) -> None:
    """Record whether this run confirms a claim of the prose.

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
    if not isinstance(claim, str) or not claim.strip():
        raise ValueError(f"claim must be a sentence in words, got {claim!r}")
    holds = bool(holds)
    _claims.append({"claim": claim, "measured": str(measured), "holds": holds})
    if not holds:
        message = f"claim not confirmed by this run: {claim} (measured: {measured})"
        if os.environ.get(STRICT_ENV) == "1":
            raise AssertionError(message)
        warnings.warn(message, stacklevel=2)


def collect() -> dict[str, Any]:
    """Return what was glued and checked since the last call, and start afresh.

    Returns
    -------
    dict
        ``"values"``: the text of each glued name, in the order they were
        glued; ``"links"``: the address of each name glued with
        :func:`glue_link`; ``"claims"``: one dict per check, with its ``"claim"``,
        ``"measured"`` value and whether it ``"holds"``.
    """
    record = {"values": dict(_values), "links": dict(_links), "claims": list(_claims)}
    _values.clear()
    _links.clear()
    _claims.clear()
    return record
