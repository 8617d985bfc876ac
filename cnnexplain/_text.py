"""Text from files and arguments, made safe to print on a terminal.

A history can come from anyone, and its strings (settings, names) reach the
terminal through ``cnnexplain info`` and through error messages. A string
holding control characters could move the cursor, erase a line or rewrite
what was printed before it (ANSI escape sequences), so every string the
command prints passes through :func:`printable` first.
"""

from __future__ import annotations

__all__ = ["printable"]


def printable(text: object) -> str:
    """Return ``str(text)`` with every character that is not printable escaped as Python does.

    Control characters (``ESC``, ``BEL``, carriage return, newline, ...),
    format characters such as right-to-left overrides, lone surrogates and
    unassigned code points become ``\\x1b``, ``\\u202e``, ``\\udcff``, ...,
    as in ``repr``; letters of any script, spaces and punctuation stay as they
    are. The result is one line that cannot change what the terminal shows.
    """
    return "".join(char if char.isprintable() or char == " " else repr(char)[1:-1] for char in str(text))
