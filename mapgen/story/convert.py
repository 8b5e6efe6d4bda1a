"""The converters: one per :class:`~mapgen.story.fields.Kind` of value, each reading one YAML
node (and explaining what YAML made of it: ``NO`` read as a boolean, ``5e1`` as text) and
checking it by the kind's rule in :mod:`mapgen.story.columns`, which the bulk reader
checks its columns by too.  :func:`converter` gives a field's converter from its kind;
the section readers (``list`` items, ``geocoder``...) are :mod:`mapgen.story.load`'s.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Sequence
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..core.errors import Pos
from ..core.values import bad_character, yaml_number_problem
from .checker import BAD, Checker, Convert, is_empty, not_node
from .columns import (
    choice_problem,
    range_problem,
    slug_problem,
    suggest,
    text_problem,
    url_problem,
)
from .fields import Kind
from .geocoder import check_options, check_service
from .when import FORMS as _DATE_FORMS
from .when import parse_when
from .yamlguard import TAG, text_pos

__all__ = ["DATA_LAYER_CHOICES", "converter"]

# Text that Python reads as a number but YAML 1.1 does not (``5e1``, ``5.0e1``, ``-.5``).
_NUMBERISH = re.compile(r"([-+]?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?)(\d+))?\Z")


def _text(ck: Checker, node: Node, label: str) -> Any:
    """Non-empty text; a scalar YAML read as something else gets a 'use quotes' hint."""
    if not isinstance(node, ScalarNode):
        return ck.fail(node, f"{label} must be text, {not_node(node)}")
    if is_empty(node):
        return ck.fail(node, f"{label} has no value; write it, or remove the key")
    if node.tag != TAG + "str":
        reading = ck.reading(node)
        return ck.fail(
            node, f'{label}: {reading}; write "{node.value}" in quotes if you mean the text'
        )
    problem = text_problem(label, node.value)  # blank, or a refused character
    if problem is None:
        return node.value
    bad = bad_character(node.value)
    return ck.fail(_char_pos(ck, node, node.value[bad[0]]) if bad else node, problem)


#: An escape in a double-quoted YAML scalar, or one character.
_ESCAPE = re.compile(r"\\(?:x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|.)|.", re.S)
#: What YAML's one-letter escapes stand for (those that make a character other than
#: themselves).
_ESCAPES = {"0": "\0", "a": "\a", "b": "\b", "t": "\t", "n": "\n", "v": "\v", "f": "\f"}
_ESCAPES |= {"r": "\r", "e": "\x1b", "N": "\x85", "_": "\xa0", "L": "\u2028", "P": "\u2029"}


def _char_pos(ck: Checker, node: ScalarNode, char: str) -> Pos:
    """Where ``char`` of the scalar's value is written: the escape that makes it (``\\e``,
    ``\\x07``), or the character itself; the scalar's start if it cannot be told."""
    start, end = node.start_mark.index, node.end_mark.index
    if not ck.text or end > len(ck.text):
        return ck.pos(node)
    if node.style != '"':  # no escapes: the character is written as itself
        at = ck.text.find(char, start, end)
        return text_pos(ck.file, ck.text, at) if at >= 0 else ck.pos(node)
    for found in _ESCAPE.finditer(ck.text, start, end):
        written = found.group()
        code = written[1:2]
        made = chr(int(written[2:], 16)) if code and code in "xuU" else written
        if made == char or (len(written) == 2 and _ESCAPES.get(code) == char):
            return text_pos(ck.file, ck.text, found.start())
    return ck.pos(node)


def _slug(ck: Checker, node: Node, label: str) -> Any:
    value = _text(ck, node, label)
    problem = None if value is BAD else slug_problem(label, value)
    return ck.fail(node, problem) if problem else value


def _choice(options: Sequence[str]) -> Convert:
    """Text that must be one of ``options``."""

    def convert(ck: Checker, node: Node, label: str) -> Any:
        value = _text(ck, node, label)
        problem = None if value is BAD else choice_problem(label, value, options)
        return ck.fail(node, problem) if problem else value

    return convert


def _url(ck: Checker, node: Node, label: str) -> Any:
    value = _text(ck, node, label)
    problem = None if value is BAD else url_problem(label, value)
    return ck.fail(node, problem) if problem else value


def _number(ck: Checker, node: Node, label: str) -> Any:
    """An int or float as YAML reads it; text that merely looks like a number is explained."""
    if not isinstance(node, ScalarNode):
        return ck.fail(node, f"{label} must be a number, {not_node(node)}")
    if is_empty(node):
        return ck.fail(node, f"{label} has no value; write a number")
    if node.tag in (TAG + "int", TAG + "float"):
        value = ck.scalar_value(node)
        if value is BAD or (isinstance(value, float) and not math.isfinite(value)):
            return ck.fail(node, f"{label} must be a finite number, not {node.value}")
        problem = yaml_number_problem(node.value, value)
        if problem:  # ``010`` is 8 in YAML 1.1, ``0x10`` 16, ``1:30`` 90, ``1_0`` 10
            return ck.fail(node, f"{label}: {problem}")
        return value
    if node.tag != TAG + "str":
        return ck.fail(node, f"{label}: {ck.reading(node)}, not a number")
    if node.style:  # quoted
        return ck.fail(
            node,
            f'{label}: "{node.value}" is in quotes, so YAML reads it as text; '
            "remove the quotes to make it a number",
        )
    hint = _number_hint(node.value)
    if hint:
        return ck.fail(node, f"{label}: YAML reads {node.value} as text, not a number ({hint})")
    return ck.fail(node, f"{label} must be a number, not the text '{node.value}'")


def _number_hint(raw: str) -> str | None:
    """How to write ``raw`` so that YAML 1.1 reads a number, if Python would read one."""
    match = _NUMBERISH.match(raw)
    if not match or not any(c.isdigit() for c in raw):
        return None
    value = float(raw)
    plain = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    sign, whole, fraction, exp_sign, exponent = match.groups()
    if exponent is None:
        return f"write {plain}"
    mantissa = f"{sign}{whole or '0'}.{fraction or '0'}"
    return f"YAML 1.1 needs a dot: {mantissa}e{exp_sign or '+'}{exponent}, or write {plain}"


def _bool(ck: Checker, node: Node, label: str) -> Any:
    """A real YAML boolean: a quoted "yes" is text, and text is not true."""
    if isinstance(node, ScalarNode) and node.tag == TAG + "bool":
        value = ck.scalar_value(node)
        return ck.fail(node, f"{label}: {ck.reading(node)}") if value is BAD else value
    if isinstance(node, ScalarNode) and node.tag == TAG + "str" and node.style:
        return ck.fail(
            node,
            f'{label}: "{node.value}" is in quotes, so YAML reads it as text; '
            "write true or false without quotes",
        )
    return ck.fail(node, f"{label} must be true or false, {not_node(node)}")


def _date_text(ck: Checker, node: Node, label: str) -> Any:
    """The date as ISO text, whatever YAML made of it.

    Unquoted, ``2023-09-05`` is a YAML date and ``2022`` a number, while ``2023-09`` and
    ``2023-09-10/2023-09-13`` are text: each is read back to the text written.
    """
    if isinstance(node, ScalarNode) and node.tag == TAG + "timestamp":
        value = ck.scalar_value(node)
        if value is BAD:
            return ck.fail(node, f"{label}: {node.value} is not a real date")
        if isinstance(value, dt.datetime):
            return ck.fail(node, f"{label}: give a day such as {value.date()}, not a time of day")
        return value.isoformat()
    if (
        isinstance(node, ScalarNode)
        and node.tag == TAG + "int"
        and re.fullmatch(r"\d{4}", node.value)
    ):
        return node.value  # a year
    if isinstance(node, ScalarNode) and node.tag in (TAG + "int", TAG + "float"):
        return ck.fail(node, f"{label}: {ck.reading(node)}; write {_DATE_FORMS}")
    return _text(ck, node, label)


def _date(ck: Checker, node: Node, label: str) -> Any:
    """One day, month or year (a source's date): ``2023-09-05``, ``2023-09``, ``2023``."""
    text = _date_text(ck, node, label)
    if text is BAD:
        return BAD
    when = parse_when(text, ranges=False)
    return ck.fail(node, f"{label}: {when}") if isinstance(when, str) else when.text


def _when(ck: Checker, node: Node, label: str) -> Any:
    """A day, month, year or range (an event's date), as a :class:`~mapgen.model.When`."""
    text = _date_text(ck, node, label)
    if text is BAD:
        return BAD
    when = parse_when(text)
    return ck.fail(node, f"{label}: {when}") if isinstance(when, str) else when


def _coords(ck: Checker, node: Node, label: str) -> Any:
    """``[lat, lon]``: every problem points at the number (or the list) it is about."""
    if not isinstance(node, SequenceNode):
        return ck.fail(node, f"{label} must be a list [lat, lon], {not_node(node)}")
    items = node.value
    if len(items) > 2:
        return ck.fail(items[2], f"{label} has {len(items)} numbers; write [lat, lon]")
    if len(items) < 2:
        return ck.fail(node, f"{label} needs two numbers [lat, lon], got {len(items)}")
    lat = _number(ck, items[0], "lat")
    lon = _number(ck, items[1], "lon")
    if lat is BAD or lon is BAD:
        return BAD
    ok = True
    for value, limit, name, item, other in (
        (lat, 90, "latitude", items[0], lon),
        (lon, 180, "longitude", items[1], None),
    ):
        problem = range_problem(name, item.value, value, limit, other)
        if problem:
            ck.fail(item, problem)
            ok = False
    return (float(lat), float(lon)) if ok else BAD


def _list_of(
    item: Convert, noun: str, min_items: int = 0, max_items: Callable[[], int] | None = None
) -> Convert:
    """A list whose items are read by ``item`` (called with ``noun`` as their label), at
    most ``max_items()`` of them (asked when read, so that tests can lower it)."""

    def convert(ck: Checker, node: Node, label: str) -> Any:
        if not isinstance(node, SequenceNode):
            if is_empty(node):
                return ck.fail(node, f"{label} has no value; list the {noun}s, or remove the key")
            return ck.fail(
                node, f"{label} must be a list of {noun}s (lines starting with -), {not_node(node)}"
            )
        if len(node.value) < min_items:
            wanted = f"{min_items} {noun}" + ("" if min_items == 1 else "s")
            return ck.fail(node, f"{label} needs at least {wanted}, got {len(node.value)}")
        most = max_items() if max_items is not None else None
        if most is not None and len(node.value) > most:
            return ck.fail(
                node.value[most],
                f"{label}: more than {most:,} {noun}s ({len(node.value):,}); split the story",
            )
        values = [item(ck, child, noun) for child in node.value]
        return BAD if any(value is BAD for value in values) else values

    return convert


def _reference(target: str) -> Convert:
    """The id of a source, place, route or area, which must exist: sources are read before
    places, places before routes, all of them before events."""

    def convert(ck: Checker, node: Node, label: str) -> Any:
        value = _text(ck, node, label)
        if value is BAD:
            return BAD
        if target == "source":  # none known: the sources failed, and said so
            if ck.source_ids and value not in ck.source_ids:
                hint = suggest(value, list(ck.source_ids))
                return ck.fail(node, f"source: unknown source '{value}'{hint}")
            return value
        known = {"place": ck.place_ids, "route": ck.route_ids, "area": ck.area_ids}[target]
        if value not in known:
            return ck.fail(
                node, f"{label}: no {target} with id '{value}'{suggest(value, list(known))}"
            )
        return value

    return convert


def _service(ck: Checker, node: Node, label: str) -> Any:
    """A geopy service name (``nominatim``, ``photon`` ...)."""
    value = _text(ck, node, label)
    if value is BAD:
        return BAD
    problem = check_service(value)
    return ck.fail(node, f"{label}: {problem}") if problem else value.lower()


def _positive(ck: Checker, node: Node, label: str) -> Any:
    value = _number(ck, node, label)
    if value is not BAD and value < 0:
        return ck.fail(node, f"{label} must not be negative")
    return value


def _at_most(limit: float, convert: Convert, unit: str) -> Convert:
    """``convert``, then refuse values over ``limit``: a stranger's story may not make a
    build wait an hour for each request, or retry a thousand times."""

    def bounded(ck: Checker, node: Node, label: str) -> Any:
        value = convert(ck, node, label)
        if value is not BAD and value > limit:
            return ck.fail(node, f"{label} must be at most {limit:g}{unit}")
        return value

    return bounded


def _count(ck: Checker, node: Node, label: str) -> Any:
    value = _number(ck, node, label)
    if value is not BAD and (not isinstance(value, int) or value < 0):
        return ck.fail(node, f"{label} must be a whole number, 0 or more")
    return value


def _env_name(ck: Checker, node: Node, label: str) -> Any:
    """The name of an environment variable (never the secret it holds)."""
    value = _text(ck, node, label)
    if value is not BAD and not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", value):
        return ck.fail(
            node,
            f"{label} is the name of the environment variable that holds the key (such as"
            " OPENCAGE_API_KEY), not the key itself",
        )
    return value


def _options(ck: Checker, node: Node, label: str) -> Any:
    """geopy options: a mapping of plain values, none of them a secret."""
    if not isinstance(node, MappingNode):
        return ck.fail(node, f"{label} must be a mapping of option: value, {not_node(node)}")
    options: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, ScalarNode) else None
        if not isinstance(key, str) or not key:
            ck.fail(key_node, f"{label}: option names must be text")
            return BAD
        problem = check_options({key: None})
        if problem:
            return ck.fail(key_node, f"{label}: {problem}")
        if not isinstance(value_node, ScalarNode):
            return ck.fail(value_node, f"{label}: `{key}` must be a single value")
        value = ck.scalar_value(value_node)
        if value is BAD:
            return BAD
        if value_node.tag in (TAG + "int", TAG + "float"):
            value = _number(ck, value_node, f"{label}: `{key}`")
        elif isinstance(value, str) and bad_character(value):
            value = _text(ck, value_node, f"{label}: `{key}`")
        if value is BAD:
            return BAD
        options[key] = value
    return options


def _data_layer(ck: Checker, node: Node, label: str) -> Any:
    """How the page draws places: ``auto`` (past 1,000 places, one data layer), ``always``,
    ``never``, or a number of places past which it does."""
    if isinstance(node, ScalarNode) and node.tag == TAG + "int":
        return _count(ck, node, label)
    if isinstance(node, ScalarNode) and node.tag == TAG + "str" and not node.style:
        return _choice(DATA_LAYER_CHOICES)(ck, node, label)
    return ck.fail(node, f"{label}: write auto, always, never, or a whole number of places")


#: The words ``data_layer:`` takes besides a number.
DATA_LAYER_CHOICES = ("auto", "always", "never")


#: The converter of each kind that needs nothing but the node.
_PLAIN: dict[str, Convert] = {
    "text": _text,
    "slug": _slug,
    "url": _url,
    "file": _text,  # the file itself is read by the section (an article, an include)
    "coords": _coords,
    "count": _count,
    "bool": _bool,
    "date": _date,
    "when": _when,
    "env": _env_name,
    "options": _options,
    "service": _service,
    "data_layer": _data_layer,
}


def converter(
    kind: Kind, items: dict[str, Convert], most_items: dict[str, Callable[[], int]]
) -> Convert:
    """The converter of a value of ``kind``: ``items`` reads a list's items by their
    section's name (``place``...), ``most_items`` caps how many a list may hold."""
    if kind.name == "choice":
        return _choice(kind.options)
    if kind.name == "ref":
        return _reference(kind.target or "")
    if kind.name == "list":
        item = kind.item or ""
        return _list_of(items[item], item, int(kind.least or 0), most_items.get(item))
    if kind.name == "number":
        convert = _positive if kind.least == 0 else _number
    else:
        convert = _PLAIN[kind.name]
    if kind.most is not None:
        convert = _at_most(kind.most, convert, kind.unit)
    return convert


#: Text and a geocoding service's name, for the sections that take either a mapping or
#: one of these (a waypoint, a left-out place, the geocoder).
read_text = _text
read_service = _service
