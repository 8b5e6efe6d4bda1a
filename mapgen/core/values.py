"""Values that read as something other than what they look like: numbers YAML 1.1 reads
in another base, and characters that are not text a reader can see.

``places.yaml``, the files it includes and the geocode cache all hold values a person
wrote or may have to read again.  Two kinds of value pass a parser and still mislead:

- a number written as YAML 1.1 reads it in another base or with a separator dropped
  (``010`` is 8, ``0x10`` 16, ``1:30`` 90, ``1_0`` 10), or as Python's ``float`` reads
  more than decimals (``1_0``, ``inf``, Arabic-Indic digits): a place moves, and nothing says so;
- a control character written as an escape (``"\\e"``, ``"\\0"``, ``"\\x07"``): YAML
  refuses them raw, but an escape makes the same character.  A bidi override (U+202D,
  U+202E) is refused with them: it shows the text after it in another order than its
  own, so that ``gnp.exe`` written with one reads ``exe.png``; and so is a bidi isolate
  left open, or closing none, which would undo the page's isolation of the text (see
  :func:`bad_character`).  Embeddings and balanced isolates, which right-to-left text
  uses, are kept: the page isolates each piece of story text (:mod:`mapgen.page.markup`).

Each checker returns the message to report, or None; the callers say where.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse

__all__ = [
    "bad_character",
    "number_text_problem",
    "plain_decimal",
    "without_bad_characters",
    "yaml_number_problem",
]

#: A number as every reader reads it the same: optional sign, ASCII decimal digits, an
#: optional dot and exponent.
PLAIN_NUMBER = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")
# YAML 1.1's integers in another base (PyYAML's resolver: 0b..., 0x..., 0[0-7_]+).
_BASE = re.compile(r"[-+]?0([bx])", re.I)
_OCTAL = re.compile(r"[-+]?0[0-7_]+\Z")

#: Characters refused in text: C0 and C1 controls but tab and newline, DEL, surrogates,
#: the non-characters U+FFFE and U+FFFF, and the two bidi overrides.
_ISOLATE = re.compile("[\u2066-\u2069]")
_BAD_CHARACTER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff\u202d\u202e]")


def plain_decimal(raw: str) -> bool:
    """Whether YAML 1.1 reads the number written ``raw`` as the decimal it looks like."""
    return bool(PLAIN_NUMBER.match(raw)) and not _OCTAL.match(raw)


def yaml_number_problem(raw: str, value: float) -> str | None:
    """Why the YAML 1.1 number written ``raw`` (read as ``value``) is not the decimal it
    looks like, with how to write it; None for a plain decimal."""
    if plain_decimal(raw):
        return None
    base = _BASE.match(raw)
    if base:
        name = "hexadecimal" if base.group(1).lower() == "x" else "binary"
        return f"YAML 1.1 reads {raw} as the {name} number {value}; write it in decimal: {value}"
    if ":" in raw:
        degrees = _sexagesimal(raw)
        return (
            f"YAML 1.1 reads {raw} as the base-60 number {value}; write decimal degrees"
            f" ({raw} as degrees and minutes is {degrees:g})"
        )
    if _OCTAL.match(raw):
        decimal = int(raw.replace("_", ""), 10)
        return (
            f"YAML 1.1 reads {raw} as the octal number {value}; write {decimal}"
            " without the leading zero"
        )
    if "_" in raw:
        return f"YAML 1.1 drops the _ in {raw} and reads {value}; write {value} without _"
    return f"write {raw} as a plain decimal number"


def _sexagesimal(raw: str) -> float:
    """``1:30`` read as degrees and minutes (and ``1:30:15`` with seconds): 1.5."""
    sign = -1.0 if raw.startswith("-") else 1.0
    parts = [float(part.replace("_", "")) for part in raw.lstrip("+-").split(":")]
    return sign * round(sum(part / 60**i for i, part in enumerate(parts)), 6)


def number_text_problem(raw: str) -> str | None:
    """Why the text ``raw`` (a CSV cell, a JSON string) is not a plain decimal number,
    spaces around it allowed; None if it is one.  Python's ``float`` reads ``1_0`` as 10,
    and ``inf``, ``nan`` and other scripts' digits as numbers too: only decimals pass."""
    stripped = raw.strip(" \t")
    if PLAIN_NUMBER.match(stripped):
        return None
    if "_" in stripped and PLAIN_NUMBER.match(stripped.replace("_", "")):
        return f"{raw!r} is not a plain number; write {stripped.replace('_', '')} without _"
    return f"{raw!r} is not a plain decimal number such as 43.1"


def bad_character(value: str) -> tuple[int, str] | None:
    """The index of the first character of ``value`` refused in text, and what to say
    about it; None if there is none.

    Besides control characters and the bidi overrides, a bidi isolate left open (U+2066,
    U+2067, U+2068 without its U+2069) or a U+2069 that closes none is refused: the page
    isolates each name (``<bdi>``), and Chromium does so with an isolate of its own, which
    the name's open one would keep open, and its stray U+2069 close, to the end of the
    line: the page's words after the name would take the name's direction.
    """
    found = _BAD_CHARACTER.search(value)
    if found is None:
        return _unbalanced_isolate(value) if _ISOLATE.search(value) else None
    char = found.group()
    code = f"U+{ord(char):04X}"
    name = unicodedata.name(char, "")
    if char in "\u202d\u202e":
        return found.start(), (
            f"{code} ({name}) shows the text after it in reverse order, so that it can pass"
            " for other text; delete it"
        )
    if "\ud800" <= char <= "\udfff":  # a JSON escape makes one; UTF-8 cannot write it
        return found.start(), f"{code} is not a character (a lone surrogate); delete it"
    if char in "\ufffe\uffff":
        return found.start(), f"{code} is not a character; delete it"
    return found.start(), f"the control character {code} is not allowed in text; delete it"


def _unbalanced_isolate(value: str) -> tuple[int, str] | None:
    """The first bidi isolate of ``value`` left open, or its first U+2069 closing none."""
    opened: list[re.Match[str]] = []
    for found in _ISOLATE.finditer(value):
        if found.group() != "\u2069":
            opened.append(found)
        elif opened:
            opened.pop()
        else:
            return found.start(), (
                "U+2069 (POP DIRECTIONAL ISOLATE) closes no isolate opened before it in this"
                " text; delete it"
            )
    if not opened:
        return None
    char = opened[0].group()
    return opened[0].start(), (
        f"U+{ord(char):04X} ({unicodedata.name(char)}) is not closed by a U+2069 (POP"
        " DIRECTIONAL ISOLATE) in this text; close it, or delete it"
    )


def without_bad_characters(value: str | None) -> str | None:
    """``value`` without the characters :func:`bad_character` refuses: for text from
    elsewhere (an online geocoder's address) that is kept in a file mapgen reads again."""
    if value is None:
        return None
    value = _BAD_CHARACTER.sub("", value)
    return _ISOLATE.sub("", value) if _unbalanced_isolate(value) else value


def base_url_problem(url: str) -> str | None:
    """Why ``url`` cannot be the address a map is published at (``--base-url``), or None:
    an http(s) folder address, nothing in it that could end an HTML attribute."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return f"{url[:80]!r} must be an https:// (or http://) address"
    if parts.query or parts.fragment or parts.username or parts.password:
        return f"{url[:80]!r} must be the folder's address: no user, query or #fragment"
    if any(c.isspace() or c in "<>\"'\\`" for c in url):
        return f"{url[:80]!r} holds a character an address may not"
    return None
