"""The rules of each kind of value (:class:`~mapgen.story.fields.Kind`), written once.

Two readers check the same fields: the YAML reader (a value at a time, from nodes that
know their line and column) and the bulk reader (a CSV column of 100,000 cells at a
time).  Each rule is here twice over, side by side so that they cannot drift apart:

- a *whole-column* check (``*_column_ok``): a few passes in C over a column of texts,
  true when every cell is fine; a bulk file whose every column passes is read as columns
  with no per-row work (what makes 100,000 places read in a fraction of a second);
- a *per-value* check (``*_problem``): the message for one value, or None; the YAML
  converters and the bulk reader's row-by-row pass (run only when a column check failed,
  to say what and where) both call it, so a value reads the same from either.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import Any

from ..core.values import bad_character, number_text_problem
from .fields import Field, Section

__all__ = [
    "SLUG",
    "choice_column_ok",
    "choice_problem",
    "columns_ok",
    "coord_value",
    "coords_columns",
    "range_problem",
    "ref_column_ok",
    "slug_column_ok",
    "slug_problem",
    "suggest",
    "text_column_ok",
    "text_problem",
    "url_column_ok",
    "url_problem",
    "value_problem",
]

#: A slug: lowercase letters, digits, ``-`` and ``_``, starting with a letter or digit.
SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")
#: An address a reader can follow: http or https, and something after the scheme.
_URL = re.compile(r"https?://[^\s]+\Z", re.I)
#: The characters of the plain decimal numbers a lat or lon cell may hold, spaces around
#: them included: ``float`` reads more (``1_0``, ``inf``, other scripts' digits).
_NUMBER_CHARACTERS = frozenset("0123456789+-.eE \t")


def suggest(word: str, options: Sequence[str], limit: int = 20) -> str:
    """A did-you-mean for ``word`` or, with nothing close, the options to choose from."""
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.6)
    if close:
        return f"; did you mean '{close[0]}'?"
    if not options:
        return ""
    shown = ", ".join(options[:limit]) + (", ..." if len(options) > limit else "")
    return f"; expected one of: {shown}"


def _shown(value: Any) -> str:
    return f"'{value}'" if isinstance(value, str) else repr(value)


# --- per value ---------------------------------------------------------------------------


def text_problem(label: str, value: Any) -> str | None:
    """Text: not blank, and no character that could forge a line (a control character, a
    bidi override)."""
    if not isinstance(value, str):
        return f"{label} must be text"
    if not value.strip():
        return f"{label} is empty"
    bad = bad_character(value)
    return f"{label}: {bad[1]}" if bad is not None else None


def slug_problem(label: str, value: Any) -> str | None:
    """An id: a slug, because it becomes a GeoJSON id and a part of the page's links."""
    if isinstance(value, str) and SLUG.match(value):
        return None
    return (
        f"{label} {_shown(value)} must be a slug: lowercase letters, digits, '-' and '_',"
        " starting with a letter or digit"
    )


def choice_problem(label: str, value: Any, options: Collection[str]) -> str | None:
    """One of ``options``, with a did-you-mean."""
    if value in options:
        return None
    return f"{label}: unknown value '{value}'{suggest(str(value), list(options))}"


def url_problem(label: str, value: Any) -> str | None:
    """An ``http(s)://`` address: the page links it, and a ``javascript:`` link runs."""
    problem = text_problem(label, value)
    if problem is None and not _URL.match(value):
        return f"{label}: '{value}' is not an http:// or https:// address"
    return problem


def range_problem(
    noun: str, raw: Any, value: float, limit: float, other: float | None
) -> str | None:
    """A latitude (``limit`` 90) or longitude (180) in range; ``other`` is the longitude
    beside a latitude, to tell a swapped pair."""
    if math.isfinite(value) and -limit <= value <= limit:
        return None
    swap = ""
    if noun == "latitude" and other is not None and math.isfinite(other) and abs(other) <= 90:
        swap = " (are lat and lon swapped?)"
    return f"{noun} {raw} is out of range -{limit}..{limit}{swap}"


def coord_value(key: str, raw: Any) -> float | str:
    """A lat or lon cell (text, or a JSON number) as a float, or what is wrong with it."""
    try:
        if isinstance(raw, bool):
            raise ValueError
        value = float(raw)
    except (TypeError, ValueError):
        return f"{key} must be a number, not {raw!r}"
    wrong = number_text_problem(raw) if isinstance(raw, str) else None
    if wrong:  # ``float`` reads ``1_0`` as 10, and ``inf``; a file means decimals
        return f"{key}: {wrong}"
    return value


# --- whole columns (cells are texts; "" is a cell left empty) ------------------------------


def text_column_ok(cells: Sequence[str], required: bool) -> bool:
    """No blank cell (a required column: no empty one either).  Refused characters were
    looked for in the whole file first."""
    if required:
        return "" not in map(str.strip, cells)
    return "" not in map(str.strip, filter(None, cells))


def choice_column_ok(cells: Sequence[str], options: Collection[str], needed: bool) -> bool:
    """Every cell given is one of ``options``; ``needed``: none may be empty."""
    given = set(cells)
    if "" in given and needed:
        return False
    return not given - {""} - set(options)


def ref_column_ok(cells: Sequence[str], known: Mapping[str, Any], needed: bool) -> bool:
    """Every cell given names one of ``known``; ``needed``: none may be empty."""
    given = set(cells)
    if "" in given and needed:
        return False
    return all(cell in known for cell in given - {""})


def slug_column_ok(cells: Sequence[str]) -> bool:
    """Every cell given is a slug, and no two are the same."""
    given = list(filter(None, cells))
    return None not in map(SLUG.match, given) and len(set(given)) == len(given)


def url_column_ok(cells: Sequence[str]) -> bool:
    """Every cell given is an ``http(s)://`` address."""
    return None not in map(_URL.match, filter(None, cells))


def _floats(texts: Sequence[str]) -> list[float | None]:
    return [float(v) if v else None for v in texts]


def coords_columns(
    lats: Sequence[str], lons: Sequence[str]
) -> tuple[list[float | None], list[float | None]] | None:
    """The lat and lon columns as numbers (None where both cells are empty), if every cell
    is a plain decimal number in range and each row gives both or neither."""
    if not set("".join(lats)).union("".join(lons)) <= _NUMBER_CHARACTERS:
        return None
    try:
        lat_values = list(map(float, lats)) if "" not in lats else _floats(lats)
        lon_values = list(map(float, lons)) if "" not in lons else _floats(lons)
    except ValueError:
        return None
    for values, limit in ((lat_values, 90.0), (lon_values, 180.0)):
        # |v| <= limit (False for NaN): a C loop over the values given
        known = values if None not in values else [v for v in values if v is not None]
        if not all(map(limit.__ge__, map(abs, known))):
            return None  # NaN and infinities too
    if (None in lat_values or None in lon_values) and any(
        (a is None) != (b is None) for a, b in zip(lat_values, lon_values, strict=True)
    ):
        return None
    return lat_values, lon_values


# --- a section's columns, each by its kind ---------------------------------------------


def columns_ok(
    section: Section,
    column: Callable[[str], Sequence[str]],
    sources: Mapping[str, Any],
    default: Callable[[str], Any],
) -> dict[str, Any] | None:
    """Every column an included file may give ``section``'s fields, checked at once by its
    field's kind (``column``: a column's cells by its name, all empty if not given;
    ``default``: the include's default for a key, or None); what the checks made on the
    way (``coords``: the lat and lon columns as numbers), or None if any column fails."""
    made: dict[str, Any] = {}
    for f in section.fields:
        if not f.columns:
            continue
        kind = f.kind
        cells = column(f.columns[0][0])
        needed = f.required and default(f.key) is None
        if kind.name == "text":
            ok = text_column_ok(cells, f.required)
        elif kind.name == "slug":
            ok = slug_column_ok(cells)
        elif kind.name == "choice":
            ok = choice_column_ok(cells, kind.options, needed)
        elif kind.name == "url":
            ok = url_column_ok(cells)
        elif kind.name == "coords":
            made[f.key] = pair = coords_columns(cells, column(f.columns[1][0]))
            ok = pair is not None
        elif kind.name == "list" and kind.item == "quote":  # a row's one quote
            ok = ref_column_ok(cells, sources, default("source") is None) and text_column_ok(
                column(f.columns[1][0]), True
            )
        else:
            raise ValueError(f"{f.key}: no column check for a {kind.name}")
        if not ok:
            return None
    return made


def value_problem(f: Field, value: Any) -> str | None:
    """What is wrong with one value of the field ``f`` (of a kind a column holds), or None."""
    kind = f.kind
    if kind.name == "text":
        return text_problem(f.key, value)
    if kind.name == "slug":
        return slug_problem(f.key, value)
    if kind.name == "choice":
        return choice_problem(f.key, value, kind.options)
    if kind.name == "url":
        return url_problem(f.key, value)
    raise ValueError(f"{f.key}: no value check for a {kind.name}")
