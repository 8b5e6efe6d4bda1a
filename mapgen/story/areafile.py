"""An area's outline from a GeoJSON file in the story folder (``geometry: occupied.geojson``).

A story about a war names the occupied south, a line of control, a zone no gazetteer
has: its editor draws it (geojson.io, QGIS) and saves it beside ``places.yaml``.  The file
is read as any file a story names is (:func:`mapgen.story.articles.read_file`: inside the
story folder, no absolute path, no ``..``, no symlink on the way, a regular file of at
most :data:`MAX_BYTES`), and must hold polygons: a Polygon or MultiPolygon, a Feature of
one, or a FeatureCollection of such Features; they become one Polygon or MultiPolygon.

Every mistake is one line at the GeoJSON file's ``line:col`` (found by walking the text to
the value at fault, only once there is one) that also names the ``geometry:`` key's line
in ``places.yaml``: not JSON, not polygons, a ring of fewer than four positions or not
closed, a position that is not ``[lon, lat]`` in range, more than :data:`MAX_POSITIONS`.
Memory is bounded by the byte cap: a 10 MB file of the worst shape (`[],` over and over)
decodes to some 220 MB more than the process held (measured), a normal one to far less.
"""

from __future__ import annotations

import json
import os
import re
from typing import Any

from yaml.nodes import Node

from ..core.errors import Pos
from ..core.fsutil import NotUtf8, utf8_text
from .articles import read_file
from .bulk_geojson import _DECODER, MAX_JSON_DEPTH, _too_deep, _Unusual, _unusual
from .checker import BAD, Checker

__all__ = ["GEOMETRY_SUFFIXES", "MAX_BYTES", "MAX_POSITIONS", "read_geometry"]

#: The file types ``geometry:`` may name.
GEOMETRY_SUFFIXES = (".geojson", ".json")
#: Most bytes a geometry file may hold: ten times the finest country outline mapgen ships.
MAX_BYTES = 10 * 1000 * 1000
#: Most positions its polygons may have together: what a page draws and pans smoothly
#: (about 5 MB of the page).
MAX_POSITIONS = 250_000

JsonPath = tuple[str | int, ...]


class _Bad(ValueError):
    """A mistake in the file, and the path (keys and indexes) to the value at fault."""

    def __init__(self, message: str, path: JsonPath):
        super().__init__(message)
        self.path = path


def read_geometry(ck: Checker, node: Node, name: str, label: str) -> Any:
    """The Polygon or MultiPolygon (GeoJSON, lon/lat) of the file ``name``, or :data:`BAD`
    once what is wrong is reported; ``label`` names the area in messages (``area 'south'``).
    """
    if not name.lower().endswith(GEOMETRY_SUFFIXES):
        return ck.fail(node, f"{label}: geometry '{name}' is not a .geojson or .json file")
    data = read_file(ck, node, name, MAX_BYTES)
    if data is BAD:
        return BAD
    shown = os.path.join(os.path.dirname(ck.file), *re.split(r"[\\/]", name))
    named = f"geometry: of {label} at {ck.pos(node)}"
    try:
        text = utf8_text(data)
    except NotUtf8 as exc:
        return _fail(ck, shown, exc.line, exc.col, "is not UTF-8; save it as UTF-8", named)
    del data
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return _fail(ck, shown, exc.lineno, exc.colno, f"not valid JSON: {exc.msg}", named)
    except RecursionError:
        offset = _too_deep(text)
        message = f"nesting too deep: more than {MAX_JSON_DEPTH} levels of lists and objects"
        return _fail_at(ck, shown, text, offset, message, named)
    except _Unusual:
        found = _unusual(text)
        offset, message = found if found else (0, "a key twice in one object")
        return _fail_at(ck, shown, text, offset, message, named)
    except ValueError:  # a number too long for Python to read
        return _fail(ck, shown, 1, 1, "a number with more than 4,300 digits", named)
    try:
        polygons = _polygons(value)
        _check(polygons)
    except _Bad as exc:
        return _fail_at(ck, shown, text, _locate(text, exc.path), str(exc), named)
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0][0]}
    return {"type": "MultiPolygon", "coordinates": [rings for rings, _ in polygons]}


def _fail(ck: Checker, shown: str, line: int, col: int, message: str, named: str) -> Any:
    return ck.fail(Pos(shown, line, col), f"{message} ({named})")


def _fail_at(ck: Checker, shown: str, text: str, offset: int, message: str, named: str) -> Any:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return _fail(ck, shown, line, col, message, named)


_KINDS = "a Polygon or MultiPolygon, a Feature of one, or a FeatureCollection of them"


def _polygons(value: Any) -> list[tuple[Any, JsonPath]]:
    """Each polygon's rings in the file, with the path to them."""
    if not isinstance(value, dict):
        raise _Bad(f"expected GeoJSON: {_KINDS}", ())
    kind = value.get("type")
    if kind == "FeatureCollection":
        features = value.get("features")
        if not isinstance(features, list) or not features:
            raise _Bad("a FeatureCollection needs a list of 'features', one or more", ())
        found: list[tuple[Any, JsonPath]] = []
        for number, feature in enumerate(features):
            found += _feature(feature, ("features", number), f"feature {number + 1}: ")
        return found
    if kind == "Feature":
        return _feature(value, (), "")
    return _geometry(value, (), "")


def _feature(feature: Any, path: JsonPath, where: str) -> list[tuple[Any, JsonPath]]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise _Bad(f"{where}not a GeoJSON Feature", path)
    geometry = feature.get("geometry")
    if geometry is None:
        raise _Bad(f"{where}a Feature needs a geometry: a Polygon or MultiPolygon", path)
    return _geometry(geometry, (*path, "geometry"), where)


def _geometry(geometry: Any, path: JsonPath, where: str) -> list[tuple[Any, JsonPath]]:
    kind = geometry.get("type") if isinstance(geometry, dict) else None
    if kind not in ("Polygon", "MultiPolygon"):
        shown = f"a {_short(kind)}" if isinstance(kind, str) else "not a geometry"
        raise _Bad(f"{where}{shown}; an area's geometry is {_KINDS}", (*path, "type"))
    coords = geometry.get("coordinates")
    at = (*path, "coordinates")
    if not isinstance(coords, list) or not coords:
        raise _Bad(f"{where}a {kind} needs 'coordinates': a list, not empty", at)
    if kind == "Polygon":
        return [(coords, at)]
    return [(rings, (*at, n)) for n, rings in enumerate(coords)]


def _check(polygons: list[tuple[Any, JsonPath]]) -> None:
    """Each polygon a list of closed rings of [lon, lat] positions in range; all told, at
    most :data:`MAX_POSITIONS` positions."""
    total = 0
    for number, (rings, path) in enumerate(polygons, 1):
        polygon = f"polygon {number}" if len(polygons) > 1 else "the polygon"
        if not isinstance(rings, list) or not rings:
            raise _Bad(f"{polygon} needs a list of rings (lists of positions)", path)
        for r, ring in enumerate(rings):
            what = f"ring {r + 1} of {polygon}"
            if not isinstance(ring, list):
                raise _Bad(f"{what} is not a list of positions", (*path, r))
            if len(ring) < 4:
                raise _Bad(
                    f"{what} has {len(ring)} positions; a ring needs four or more", (*path, r)
                )
            total += len(ring)
            if total > MAX_POSITIONS:
                message = f"more than {MAX_POSITIONS:,} positions; simplify the outline"
                raise _Bad(message, (*path, r))
            for p, position in enumerate(ring):
                _position(position, f"position {p + 1} of {what}", (*path, r, p))
            if ring[0][:2] != ring[-1][:2]:
                message = f"{what} is not closed: its last position must repeat its first"
                raise _Bad(message, (*path, r, len(ring) - 1))


def _position(position: Any, what: str, path: JsonPath) -> None:
    if (
        not isinstance(position, list)
        or len(position) not in (2, 3)
        or not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in position)
    ):
        raise _Bad(f"{what} is not [longitude, latitude]", path)
    lon, lat = position[0], position[1]
    if not -180 <= lon <= 180:
        raise _Bad(
            f"{what}: longitude {_short(lon)} is outside -180..180 (GeoJSON is [lon, lat])", path
        )
    if not -90 <= lat <= 90:
        raise _Bad(
            f"{what}: latitude {_short(lat)} is outside -90..90 (GeoJSON is [lon, lat])", path
        )


def _short(value: object, limit: int = 40) -> str:
    """A value from the file as an error line shows it: whole if short, else its start (a
    3 MB ``type`` or a 4,000-digit latitude must not make a 3 MB line)."""
    text = str(value) if not isinstance(value, int) or abs(value) < 10**limit else "a huge number"
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


_WS = re.compile(r"[ \t\n\r]*")
_SKIP = json.JSONDecoder().raw_decode


def _locate(text: str, path: JsonPath) -> int:
    """The offset in ``text`` of the value at ``path``, or of the deepest one on the way
    that can be found: walked member by member, skipping the values before it (run once,
    for the one mistake reported)."""
    at = _WS.match(text, 0).end()
    for step in path:
        found = _step(text, at, step)
        if found is None:
            break
        at = found
    return at


def _step(text: str, at: int, step: str | int) -> int | None:
    try:
        if isinstance(step, str):
            if text[at : at + 1] != "{":
                return None
            at = _WS.match(text, at + 1).end()
            while text[at : at + 1] == '"':
                key, at = _SKIP(text, at)
                at = _WS.match(text, _WS.match(text, at).end() + 1).end()  # past the ':'
                if key == step:
                    return at
                _, at = _SKIP(text, at)
                at = _WS.match(text, at).end()
                if text[at : at + 1] == ",":
                    at = _WS.match(text, at + 1).end()
            return None
        if text[at : at + 1] != "[":
            return None
        at = _WS.match(text, at + 1).end()
        for _ in range(step):
            _, at = _SKIP(text, at)
            at = _WS.match(text, at).end()
            if text[at : at + 1] != ",":
                return None
            at = _WS.match(text, at + 1).end()
        return at
    except ValueError:
        return None
