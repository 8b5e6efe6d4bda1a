"""An outline basemap of the world: land and country borders, from Natural Earth.

Drawn under the tiles, it keeps the map's geography readable where no tile server answers:
opened offline, from an archive, or after a tile service has changed its terms.

The data is Natural Earth's 1:110m countries (public domain) as the ``world-atlas`` npm
package publishes them in TopoJSON, pinned and fetched once like Leaflet (see
:mod:`mapgen.page.assets`).  countryinfo's per-country outlines, which the gazetteer uses, were
the first choice, but they have none for Hungary, Serbia, Montenegro, Kosovo or Myanmar
(among some 80 countries and territories), which showed as sea in the middle of Europe and
Asia.  TopoJSON also stores each border once, so land and borders together weigh less
than every country's outline would.

For the page, :func:`from_topojson` turns it into two GeoJSON layers: the land (filled,
its edge the coastline) and the borders between countries (lines, each drawn once), with
coordinates rounded to 0.01 degree (about 1 km; the data itself is coarser) and points
closer than :data:`TOLERANCE` to the line through their neighbours dropped.  Each polygon
and each border is one line of text.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.fsutil import atomic_write

#: Decimal places kept in each coordinate.
DECIMALS = 2
#: Douglas-Peucker tolerance, in degrees.
TOLERANCE = 0.02

Point = tuple[float, float]


@dataclass(frozen=True)
class Basemap:
    """The basemap's two layers, each a GeoJSON Feature as text."""

    land: str
    borders: str


def _simplify(line: list[Point], tolerance: float) -> list[Point]:
    """Douglas-Peucker; the first and last points stay (they are shared with other arcs)."""
    if len(line) < 3 or tolerance <= 0:
        return line
    keep = [False] * len(line)
    keep[0] = keep[-1] = True
    stack = [(0, len(line) - 1)]
    while stack:
        i, j = stack.pop()
        (x1, y1), (x2, y2) = line[i], line[j]
        dx, dy = x2 - x1, y2 - y1
        norm = math.hypot(dx, dy)
        best, at = -1.0, -1
        for k in range(i + 1, j):
            x, y = line[k]
            if norm:
                d = abs(dy * x - dx * y + x2 * y1 - y2 * x1) / norm
            else:
                d = math.hypot(x - x1, y - y1)
            if d > best:
                best, at = d, k
        if best > tolerance:
            keep[at] = True
            stack += [(i, at), (at, j)]
    return [p for p, k in zip(line, keep, strict=True) if k]


class Topology:
    """A TopoJSON topology's arcs, decoded, rounded and simplified."""

    def __init__(self, topology: dict[str, Any], decimals: int, tolerance: float):
        transform = topology.get("transform")
        (sx, sy), (tx, ty) = (
            (transform["scale"], transform["translate"]) if transform else ((1, 1), (0, 0))
        )
        self.arcs: list[list[Point]] = []
        for arc in topology["arcs"]:
            x = y = 0.0
            points: list[Point] = []
            for dx, dy, *_ in arc:
                if transform:
                    x, y = x + dx, y + dy
                else:
                    x, y = dx, dy
                points.append((x * sx + tx, y * sy + ty))
            rounded: list[Point] = []
            for px, py in _simplify(points, tolerance):
                point = (round(px, decimals), round(py, decimals))
                if not rounded or rounded[-1] != point:
                    rounded.append(point)
            self.arcs.append(rounded)

    def arc(self, index: int) -> list[Point]:
        return self.arcs[index] if index >= 0 else self.arcs[~index][::-1]

    def ring(self, indexes: list[int]) -> list[Point]:
        points: list[Point] = []
        for index in indexes:
            arc = self.arc(index)
            points.extend(arc if not points else arc[1:])
        return points

    def polygons(self, geometry: dict[str, Any]) -> Iterator[list[list[Point]]]:
        """Each polygon of a geometry (its rings), degenerate rings and polygons left out."""
        kind, arcs = geometry.get("type"), geometry.get("arcs") or []
        parts = [arcs] if kind == "Polygon" else arcs if kind == "MultiPolygon" else []
        for part in parts:
            rings = [self.ring(r) for r in part]
            if rings and len(rings[0]) >= 4:
                yield [r for r in rings if len(r) >= 4]


def _unwrap(ring: list[Point]) -> list[Point]:
    """The ring with longitudes made continuous: no edge jumps across the antimeridian.

    A ring around a pole (Antarctica) then ends 360 degrees from where it starts, and is
    closed along the pole.
    """
    out = [ring[0]]
    for lon, lat in ring[1:]:
        prev = out[-1][0]
        while lon - prev > 180:
            lon -= 360
        while lon - prev < -180:
            lon += 360
        out.append((lon, lat))
    turn = out[-1][0] - out[0][0]
    if abs(turn) > 180:
        pole = -90.0 if sum(lat for _, lat in out) < 0 else 90.0
        out += [(out[-1][0], pole), (out[0][0], pole), out[0]]
    return out


def _clip(ring: list[Point], x: float, keep_below: bool) -> list[Point]:
    """Sutherland-Hodgman: the part of a closed ring on one side of the meridian ``x``."""

    def inside(p: Point) -> bool:
        return p[0] <= x if keep_below else p[0] >= x

    out: list[Point] = []
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        a, b = inside((x1, y1)), inside((x2, y2))
        if a:
            out.append((x1, y1))
        if a != b:
            out.append((x, round(y1 + (y2 - y1) * (x - x1) / (x2 - x1), DECIMALS)))
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def _shift(ring: list[Point], by: float) -> list[Point]:
    return [(round(lon + by, DECIMALS), lat) for lon, lat in ring]


def split_at_antimeridian(polygon: list[list[Point]]) -> list[list[list[Point]]]:
    """A lon/lat polygon as one or more polygons within -180..180, for a flat map.

    Natural Earth cuts its rings at the antimeridian but still joins the pieces across it,
    which on a flat map draws a band around the world (Russia's Chukotka, Fiji).  The ring
    is unwrapped, clipped at +-180, and the part beyond moved by 360 degrees.
    """
    rings = [_unwrap(r) for r in polygon]
    lons = [lon for lon, _ in rings[0]]
    if min(lons) >= -180 and max(lons) <= 180:
        return [rings]
    edge = 180.0 if max(lons) > 180 else -180.0
    home = [_clip(r, edge, keep_below=edge > 0) for r in rings]
    away = [_shift(_clip(r, edge, keep_below=edge < 0), -360 if edge > 0 else 360) for r in rings]
    return [[r for r in part if len(r) >= 4] for part in (home, away) if part and len(part[0]) >= 4]


def _arc_users(geometries: list[dict[str, Any]]) -> dict[int, set[int]]:
    """Arc number -> the geometries (by position) whose outline uses it."""
    users: dict[int, set[int]] = {}

    def walk(arcs: Any, who: int) -> None:
        if isinstance(arcs, int):
            users.setdefault(arcs if arcs >= 0 else ~arcs, set()).add(who)
        else:
            for item in arcs:
                walk(item, who)

    for who, geometry in enumerate(geometries):
        walk(geometry.get("arcs") or [], who)
    return users


def _coords(points: list[Point]) -> list[list[float]]:
    return [[x, y] for x, y in points]


def _multi(kind: str, parts: list[Any]) -> str:
    """One GeoJSON Feature of type ``kind`` (MultiPolygon, MultiLineString), a part a line."""
    lines = ",\n".join(json.dumps(p, separators=(",", ":")) for p in parts)
    return (
        f'{{"type":"Feature","properties":{{}},"geometry":{{"type":"{kind}","coordinates":[\n'
        + lines
        + "\n]}}"
    )


def from_topojson(
    data: bytes | str, decimals: int = DECIMALS, tolerance: float = TOLERANCE
) -> Basemap:
    """The land and the borders of world-atlas's ``countries-*.json``.

    The land is its ``land`` object (the countries merged, so the fill has no seams and its
    edge is the coastline); a border is an arc that two different countries share.
    """
    topology = json.loads(data)
    topo = Topology(topology, decimals, tolerance)
    land = [
        [_coords(ring) for ring in piece]
        for geometry in topology["objects"]["land"]["geometries"]
        for polygon in topo.polygons(geometry)
        for piece in split_at_antimeridian(polygon)
    ]
    countries = topology["objects"]["countries"]["geometries"]
    shared = sorted(i for i, who in _arc_users(countries).items() if len(who) > 1)
    borders = [_coords(topo.arcs[i]) for i in shared if len(topo.arcs[i]) >= 2]
    return Basemap(land=_multi("MultiPolygon", land), borders=_multi("MultiLineString", borders))


#: Bump when :func:`from_topojson`'s output changes, so that stale derived files are ignored.
DERIVED_FORMAT = 1
_DERIVED = re.compile(
    r'\{"type":"Feature","properties":\{\},"geometry":\{"type":"Multi(?:Polygon|LineString)",'
    r'"coordinates":\[\n[\d.,\-\[\]\n]*\n\]\}\}'
)


def cached_from_topojson(data: bytes, folder: Path | None) -> Basemap:
    """:func:`from_topojson`, kept on disk beside the asset cache.

    Deriving the basemap (merging, simplifying, splitting at the antimeridian) took 60 ms, a
    third of a warm build; its result depends only on the pinned input file and the
    settings, so it is named by their hash and computed once.  A cache that cannot be read
    or written costs only that time.
    """
    if folder is None:
        return from_topojson(data)
    key = hashlib.sha256(data).hexdigest()[:16]
    path = folder / f"basemap-{key}-{DECIMALS}-{TOLERANCE}-v{DERIVED_FORMAT}.json"
    try:
        stored = json.loads(path.read_text(encoding="utf-8"))
        land, borders = stored["land"], stored["borders"]
        # The text goes into the page's script as it is: only numbers may come from disk.
        if _DERIVED.fullmatch(land) and _DERIVED.fullmatch(borders):
            return Basemap(land=land, borders=borders)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    outlines = from_topojson(data)
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
        atomic_write(path, json.dumps({"land": outlines.land, "borders": outlines.borders}))
    return outlines
