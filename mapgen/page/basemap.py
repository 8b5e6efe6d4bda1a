"""An outline basemap of the world: land and country borders, from Natural Earth.

Drawn under the tiles, it keeps the map's geography readable where no tile server answers:
opened offline, from an archive, or after a tile service has changed its terms.

The data is Natural Earth's 1:110m countries (public domain) as the ``world-atlas`` npm
package publishes them in TopoJSON, pinned and fetched once like Leaflet (see
:mod:`mapgen.page.assets`).  TopoJSON stores each border once, so land and borders together
weigh less than every country's outline would.  The areas a story shades use the finer
1:50m file from mapgen's own data (:mod:`mapgen.geo.countries`), decoded by the same
code (:mod:`mapgen.geo.topojson`).

For the page, :func:`from_topojson` turns it into two GeoJSON layers: the land (filled, its
edge the coastline) and the borders between countries (lines, each drawn once), with
coordinates rounded to 0.01 degree (about 1 km; the data itself is coarser) and points
closer than :data:`TOLERANCE` to the line through their neighbours dropped.  Each polygon
and each border is one line of text.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..core.fsutil import atomic_write
from ..geo.topojson import Point, Topology, split_at_antimeridian

__all__ = ["Basemap", "cached_from_topojson", "from_topojson", "split_at_antimeridian"]

#: Decimal places kept in each coordinate.
DECIMALS = 2
#: Douglas-Peucker tolerance, in degrees.
TOLERANCE = 0.02


@dataclass(frozen=True)
class Basemap:
    """The basemap's two layers, each a GeoJSON Feature as text."""

    land: str
    borders: str


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
