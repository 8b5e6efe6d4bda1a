"""TopoJSON, decoded: Natural Earth's outlines as world-atlas publishes them.

TopoJSON stores each border once, as an "arc" of quantised, delta-encoded points that the
countries on either side share; a polygon is a list of arc numbers.  That makes the
1:50m countries 0.75 MB where their GeoJSON is about 3 MB, which is why mapgen ships the
TopoJSON and decodes it here, a country at a time, when a story names one
(:mod:`mapgen.geo.countries`); the page's basemap decodes its 1:110m file with the same
code (:mod:`mapgen.page.basemap`).

Natural Earth cuts its rings at the antimeridian but still joins the pieces across it;
:func:`split_at_antimeridian` makes them polygons a flat map can draw (Russia's Chukotka,
Fiji).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterator
from typing import Any

Point = tuple[float, float]

#: Decimal places a clipped point's latitude is rounded to, unless told otherwise.
DECIMALS = 2


def simplify(line: list[Point], tolerance: float) -> list[Point]:
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
    """A TopoJSON topology's arcs, decoded, rounded to ``decimals`` places and simplified
    (Douglas-Peucker, ``tolerance`` degrees; 0 keeps every point)."""

    def __init__(self, topology: dict[str, Any], decimals: int, tolerance: float):
        transform = topology.get("transform")
        self._transform = (transform["scale"], transform["translate"]) if transform else None
        self._raw: list[Any] = topology["arcs"]
        self._decimals, self._tolerance = decimals, tolerance
        self._decoded: dict[int, list[Point]] = {}

    @property
    def arcs(self) -> list[list[Point]]:
        """Every arc, decoded."""
        return [self._arc(i) for i in range(len(self._raw))]

    def _arc(self, index: int) -> list[Point]:
        """Arc ``index``, decoded when first asked for: a country's outline needs a few
        dozen of the 1:50m file's 2,000 arcs."""
        done = self._decoded.get(index)
        if done is not None:
            return done
        x = y = 0.0
        points: list[Point] = []
        if self._transform is not None:
            (sx, sy), (tx, ty) = self._transform
            for dx, dy, *_ in self._raw[index]:
                x, y = x + dx, y + dy
                points.append((x * sx + tx, y * sy + ty))
        else:
            points = [(float(p[0]), float(p[1])) for p in self._raw[index]]
        rounded: list[Point] = []
        decimals = self._decimals
        for px, py in simplify(points, self._tolerance):
            point = (round(px, decimals), round(py, decimals))
            if not rounded or rounded[-1] != point:
                rounded.append(point)
        self._decoded[index] = rounded
        return rounded

    def arc(self, index: int) -> list[Point]:
        """Arc ``index``; a negative index is arc ``~index`` reversed, as TopoJSON has it."""
        return self._arc(index) if index >= 0 else self._arc(~index)[::-1]

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


def _clip(ring: list[Point], x: float, keep_below: bool, decimals: int) -> list[Point]:
    """Sutherland-Hodgman: the part of a closed ring on one side of the meridian ``x``."""

    def inside(p: Point) -> bool:
        return p[0] <= x if keep_below else p[0] >= x

    out: list[Point] = []
    for (x1, y1), (x2, y2) in itertools.pairwise(ring):
        a, b = inside((x1, y1)), inside((x2, y2))
        if a:
            out.append((x1, y1))
        if a != b:
            out.append((x, round(y1 + (y2 - y1) * (x - x1) / (x2 - x1), decimals)))
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def _shift(ring: list[Point], by: float, decimals: int) -> list[Point]:
    return [(round(lon + by, decimals), lat) for lon, lat in ring]


def split_at_antimeridian(
    polygon: list[list[Point]], decimals: int = DECIMALS
) -> list[list[list[Point]]]:
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
    home = [_clip(r, edge, edge > 0, decimals) for r in rings]
    away = [
        _shift(_clip(r, edge, edge < 0, decimals), -360 if edge > 0 else 360, decimals)
        for r in rings
    ]
    return [[r for r in part if len(r) >= 4] for part in (home, away) if part and len(part[0]) >= 4]
