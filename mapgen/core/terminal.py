"""What mapgen prints: text from a story never reaches the terminal raw.

A story folder is untrusted input, and its text (article sentences, names, quotes, file
names) and an online geocoder's answers end up in the lines mapgen prints.  A terminal
obeys the control characters in what it is given: ``ESC]52;...BEL`` writes the clipboard,
``ESC]0;`` sets the window title, ``ESC[2J`` clears the screen, a ``CR`` lets the rest of a
line overwrite its start, and the Unicode bidi controls (U+202E...) make a line read in
another order than it is written.  So every line goes out through :func:`echo`, which
shows such characters as escapes (``\\x1b``, ``\\r``, ``\\u202e``), the way Python's
``repr`` does; ruff's banned-api rule keeps ``click.echo`` from being called elsewhere.

A newline between the lines of a message is structure and is kept by :func:`safe`; within
one line (a :class:`~mapgen.core.errors.Problem`, a value) :func:`one_line` escapes it too, so a
value cannot start a line of its own that looks like another ``file:line:col`` error.
Libraries log through :mod:`logging` (geopy logs a server's invalid ``Retry-After`` header
as it came); with no handler set up, Python prints such a record raw to stderr, so the
command line makes its "handler of last resort" print through :func:`echo` as well.
A backslash is left as it is: the output is for reading, and doubling it would garble
Windows paths and the YAML that ``mapgen extract`` prints, whose escapes are YAML's own.
"""

from __future__ import annotations

import functools
import logging
import re
import sys
import unicodedata

import click

#: Unicode categories shown escaped besides the C0 and C1 controls: format characters (bidi
#: controls, zero-width characters...), line and paragraph separators, and the lone
#: surrogates a file name that is not UTF-8 decodes to.
_CATEGORIES = frozenset({"Cf", "Zl", "Zp", "Cs"})
_SHORT = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


@functools.cache
def _unsafe() -> re.Pattern[str]:
    """Every character :func:`one_line` escapes (built on first use: it reads the whole
    Unicode table once, about a tenth of a second, needed only for text that has one)."""
    ranges = ["\x00-\x1f", "\x7f-\x9f"]
    start = prev = -2
    for code in range(0xA0, sys.maxunicode + 1):
        if unicodedata.category(chr(code)) in _CATEGORIES:
            if code != prev + 1:
                if start >= 0:
                    ranges.append(_range(start, prev))
                start = code
            prev = code
    ranges.append(_range(start, prev))
    return re.compile(f"[{''.join(ranges)}]")


def _range(first: int, last: int) -> str:
    return re.escape(chr(first)) + ("" if first == last else "-" + re.escape(chr(last)))


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    if char in _SHORT:
        return _SHORT[char]
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def one_line(text: str) -> str:
    """``text`` with every control, format and separator character escaped, newlines too."""
    if text.isprintable():  # the common case, in C: nothing to escape (not even a newline)
        return text
    return _unsafe().sub(_escape, text)


def safe(text: str) -> str:
    """``text`` as :func:`one_line` shows it, but keeping its newlines as line breaks."""
    return "\n".join(one_line(line) for line in text.split("\n"))


def echo(message: object = "", *, err: bool = False, nl: bool = True) -> None:
    """Print ``message`` (to stderr if ``err``) through :func:`safe`: mapgen's one way out
    to the terminal."""
    click.echo(safe(str(message)), err=err, nl=nl)  # noqa: TID251 - the one allowed use


class _LastResort(logging.Handler):
    """Python's handler of last resort (warnings and worse from libraries, when nothing set
    up logging), printing through :func:`echo`: one line per record."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            echo(one_line(self.format(record)), err=True)
        except Exception:  # as logging's own handlers do: a failure to log is not fatal
            self.handleError(record)


def capture_logging() -> None:
    """Make the log records no handler takes go out through :func:`echo` (the command line
    calls this; a program that uses mapgen as a library sets up its own logging)."""
    if not isinstance(logging.lastResort, _LastResort):
        logging.lastResort = _LastResort(logging.WARNING)
