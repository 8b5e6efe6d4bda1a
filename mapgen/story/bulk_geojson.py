"""The GeoJSON side of the bulk reader: a FeatureCollection's features, each a place.

Python's JSON reader takes what JSON does not (a key twice in one object, ``NaN``), gives
up past about 1,000 levels of nesting, and says nothing of where a feature is: the top
object is walked here member by member so that each feature's problems name its line,
and what the reader let through is found and refused with its position.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from ..core.errors import Pos
from .bulk_positions import JsonPositions, JsonRow
from .columns import suggest

__all__ = ["MAX_JSON_DEPTH", "read_geojson"]


def read_geojson(self: Any, text: str, most: int) -> None:
    """The features of a GeoJSON text (at most ``most``), each read by ``self.row`` (the
    bulk reader's), its problems reported by ``self.fail``."""
    where = JsonPositions(self.file, text)
    try:
        members = _pairs(list(_top_members(text, most)))
    except json.JSONDecodeError as exc:
        self.fail(Pos(self.file, exc.lineno, exc.colno), f"not valid JSON: {exc.msg}")
        return
    except RecursionError:  # Python's JSON reader recurses once a level
        offset = _too_deep(text)
        message = f"nesting too deep: more than {MAX_JSON_DEPTH} levels of lists and objects"
        self.fail(where.pos(offset), message)
        return
    except _Unusual:
        found = _unusual(text)
        offset, message = found if found else (0, "a key twice in one object")
        self.fail(where.pos(offset), message)
        return
    except _NotGeoJSON as exc:
        self.fail(where.pos(exc.offset), str(exc))
        return
    except ValueError as exc:  # not a JSONDecodeError: a number too long for Python
        if not str(exc).startswith("Exceeds the limit"):
            raise
        long = _LONG_NUMBER.search(text)
        message = "a number with more than 4,300 digits; no position needs so many"
        self.fail(where.pos(long.start() if long else 0), message)
        return
    kind = members.get("type", (0, None))[1]
    if kind != "FeatureCollection":
        self.fail(
            where.pos(members.get("type", (0, None))[0]),
            f"expected a GeoJSON FeatureCollection, not {kind!r}",
        )
        return
    if "features" not in members or not isinstance(members["features"][1], list):
        self.fail(where.pos(0), "a FeatureCollection needs a list of 'features'")
        return
    for number, (offset, end, feature) in enumerate(members["features"][1], 1):
        _feature(self, number, feature, JsonRow(where, offset, end))


def _feature(self: Any, number: int, feature: Any, at: JsonRow) -> None:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        self.fail(at.start(), f"feature {number} is not a GeoJSON Feature")
        return
    props = feature.get("properties") or {}
    if not isinstance(props, dict):
        self.fail(at.key("properties"), "properties must be an object")
        return
    values: dict[str, Any] = {}
    ok = True
    aliases, columns = self.aliases, self.columns
    for name, value in props.items():
        key = aliases.get(name.lower(), name.lower())
        if key in ("lat", "lon"):
            self.fail(at.key(name), f"'{name}': give the position as the Point geometry")
            ok = False
        elif key == "quotes":
            values["quotes"] = value
        elif key not in columns:
            self.fail(at.key(name), f"unknown property '{name}'{suggest(name, list(columns))}")
            ok = False
        elif value is not None and value != "":
            values[key] = value
    if "id" in feature and "id" not in values and feature["id"] is not None:
        values["id"] = feature["id"]
    geometry = feature.get("geometry")
    if geometry is not None:
        coords = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if (
            not isinstance(geometry, dict)
            or geometry.get("type") != "Point"
            or not isinstance(coords, list)
            or len(coords) < 2
        ):
            self.fail(at.key("geometry"), "geometry must be a Point [lon, lat], or null")
            ok = False
        else:
            values["lon"], values["lat"] = coords[0], coords[1]
    if ok:
        self.row(values, at)


# - a row, whatever file it came from -


class _NotGeoJSON(ValueError):
    def __init__(self, message: str, offset: int):
        super().__init__(message)
        self.offset = offset


class _Unusual(ValueError):
    """Raised while decoding at what Python's JSON reader takes and JSON does not: a key
    twice in one object (the last would win, silently), ``NaN`` or ``Infinity``.  Where
    it is, :func:`_unusual` finds out afterwards."""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found = dict(pairs)
    if len(found) != len(pairs):
        raise _Unusual
    return found


def _constant(name: str) -> Any:
    raise _Unusual


_DECODER = json.JSONDecoder(object_pairs_hook=_pairs, parse_constant=_constant)
#: A JSON string, a structural character, or what Python reads as a number and JSON
#: does not: what :func:`_unusual` needs to follow the objects and their keys.
_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]|-?Infinity|NaN')


def _unusual(text: str) -> tuple[int, str] | None:
    """The first key given twice in one object, or ``NaN`` or ``Infinity``, in ``text``:
    its offset and what to say about it.  One pass over the tokens, nesting kept in a list
    (no recursion, however deep); run only once the decoder has found one."""
    stack: list[tuple[dict[str, int], bool] | None] = []  # an object's keys, or a list
    expect_key = False
    for token in _TOKEN.finditer(text):
        word = token.group()
        first = word[0]
        if first == '"':
            if expect_key and stack and stack[-1] is not None:
                keys = stack[-1][0]
                key = json.loads(word)
                if key in keys:
                    line = text.count("\n", 0, keys[key]) + 1
                    return token.start(), f"duplicate key '{key}' (first at line {line})"
                keys[key] = token.start()
            expect_key = False
        elif first == "{":
            stack.append(({}, True))
            expect_key = True
        elif first == "[":
            stack.append(None)
            expect_key = False
        elif first in "}]":
            if stack:
                stack.pop()
            expect_key = False
        elif first == ",":
            expect_key = bool(stack) and stack[-1] is not None
        elif first == ":":
            expect_key = False
        else:
            return token.start(), f"{word} is not a number in JSON; write a number"
    return None


#: Where Python's JSON reader gives up: past about 1,000 levels it runs out of stack.
MAX_JSON_DEPTH = 500
#: A run of digits too long for Python to read as an int (``sys.int_info``'s limit).
_LONG_NUMBER = re.compile(r"-?\d{4301,}")
_BRACKETS = re.compile(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]')


def _too_deep(text: str) -> int:
    """The offset of the first list or object nested deeper than :data:`MAX_JSON_DEPTH`
    (0 if none is: the reader ran out of stack for another reason)."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        first = match.group()[0]
        if first in "[{":
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return match.start()
        elif first in "]}":
            depth -= 1
    return 0


_WS = re.compile(r"[ \t\n\r]*")


def _top_members(text: str, most: int) -> Iterator[tuple[str, tuple[int, Any]]]:
    """The top-level object's members as (key, (offset, value)); ``features`` as a list of
    (offset, end, feature) so that each feature's problems can name its line."""
    decode = _DECODER.raw_decode
    at = _WS.match(text, 0).end()
    if text[at : at + 1] != "{":
        json.loads(text)  # a syntax error says where; valid JSON that is not an object:
        raise _NotGeoJSON("expected a GeoJSON FeatureCollection (a JSON object)", at)
    at = _WS.match(text, at + 1).end()
    if text[at : at + 1] == "}":
        return
    while True:
        key, at = decode(text, at)
        if not isinstance(key, str):
            json.loads(text)
        at = _WS.match(text, at).end()
        if text[at : at + 1] != ":":
            json.loads(text)
        at = _WS.match(text, at + 1).end()
        start = at
        if key == "features" and text[at : at + 1] == "[":
            items: list[tuple[int, int, Any]] = []
            at = _WS.match(text, at + 1).end()
            if text[at : at + 1] == "]":
                at += 1
            else:
                while True:
                    begin = at
                    value, at = decode(text, at)
                    items.append((begin, at, value))
                    if len(items) > most:
                        message = f"too many features: a file may hold at most {most:,}"
                        raise _NotGeoJSON(message + "; split it into several files", begin)
                    at = _WS.match(text, at).end()
                    if text[at : at + 1] == ",":
                        at = _WS.match(text, at + 1).end()
                        continue
                    if text[at : at + 1] == "]":
                        at += 1
                        break
                    json.loads(text)
                    raise _NotGeoJSON("malformed features list", at)
            yield key, (start, items)
        else:
            value, at = decode(text, at)
            yield key, (start, value)
        at = _WS.match(text, at).end()
        if text[at : at + 1] == ",":
            at = _WS.match(text, at + 1).end()
            continue
        if text[at : at + 1] == "}":
            if text[at + 1 :].strip():
                json.loads(text)
            return
        json.loads(text)
        raise _NotGeoJSON("malformed JSON object", at)
