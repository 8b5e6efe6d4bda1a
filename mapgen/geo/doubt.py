"""Loud doubt: the places of a geocoded story whose position may well be wrong.

A gazetteer that picks the larger Blagoveshchensk, or the one near the story's other
places, is right far more often than not, and the build goes on; but the editor should
know which positions were a judgement call, and check them.  ``mapgen check`` lists:

* every place whose position came from a guess the gazetteer was unsure of: a runner-up
  within a factor of 32 (:data:`mapgen.geo.ranking.DOUBT_MARGIN`), or the story's context
  decided between places of one name.  The cache keeps that doubt with the answer, so a
  rebuild says it again until the place is pinned down;
* any place more than :data:`FAR_KM` from every other place of the story (great-circle),
  when the story has at least :data:`MIN_PLACES` positioned places: ``Wagner`` in Brazil in
  a story about Russia; unless it lies in a country the story names (an area, or a place's
  ``country:``): Moscow and Washington in a story set in Korea that shades Russia and the
  United States are where the story says.

Each line is at the place's ``places.yaml:LINE:COL`` and says what to do: a ``country:``
hint, a ``query: Name, Region``, or ``coords:``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import pairwise

import numpy as np

from ..story.model import GeocodedStory, Pos, location_columns, place_columns
from .context import km_from
from .countries import country_outline, resolve_country
from .shapes import contains, rings

#: A place farther than this from all the others is listed (Paris to Moscow is 2,500 km).
FAR_KM = 3000.0
#: Fewest positioned places a story needs for "far from all the others" to mean anything.
MIN_PLACES = 3
#: A point this close to a country's (simplified) outline counts as inside it.
EDGE_KM = 50.0


@dataclass(frozen=True)
class Doubt:
    """One place whose position may be wrong: where it is written, and what to do."""

    pos: Pos
    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.pos}: {self.message}"


def doubts(geo: GeocodedStory) -> list[Doubt]:
    """The story's doubtful places (see the module docstring), in file order."""
    table = place_columns(geo.story.places)
    ids = [i for i in table.ids if i in geo.places]
    at = location_columns(geo.places, ids)
    row = {place_id: k for k, place_id in enumerate(table.ids)}
    found: dict[int, list[str]] = {}
    for j, doubt in enumerate(at.doubts):
        if doubt:
            why = at.whys[j] or "a guess"
            found.setdefault(j, []).append(
                f"a guess, {why}: {doubt}; if it is another place, say which with"
                " `country:` or `query: Name, Region`, or give `coords: [lat, lon]`"
            )
    far = _far_from_all(at.lats, at.lons)
    # (an area drawn from a file, or a region named without its country, has no country)
    named = {a.country for a in geo.story.areas if a.country} | {c for c in table.countries if c}
    outlines = [country_outline(code) for code in sorted(named) if resolve_country(code)]
    for j, (km, nearest) in far.items():
        if any(o is not None and _inside(at.lats[j], at.lons[j], o) for o in outlines):
            continue  # in a country the story names
        found.setdefault(j, []).append(
            f"{km:,.0f} km from every other place of the story (the nearest is"
            f" {table.names[row[ids[nearest]]]!r}); if it is not where it is meant to be,"
            " add `country:` or `coords: [lat, lon]`"
        )
    out = []
    for j in sorted(found, key=lambda j: row[ids[j]]):
        k = row[ids[j]]
        at_k = at.location(j)
        where = f"{at_k.address or table.names[k]} ({at_k.lat:.2f}, {at_k.lon:.2f})"
        message = f"{table.names[k]!r} is at {where}: " + "; and ".join(found[j])
        out.append(Doubt(table.pos(k), ids[j], message))
    return out


def _inside(lat: float, lon: float, geometry: dict) -> bool:
    """Whether ``lat, lon`` lies in a GeoJSON Polygon or MultiPolygon (even-odd rule), or
    within about :data:`EDGE_KM` of its edge (a coastal city off a simplified coast)."""
    if contains(geometry, lon, lat):
        return True
    scale = math.cos(math.radians(lat))  # degrees of longitude to degrees of latitude, here
    edge = EDGE_KM / 111.2
    return any(
        _to_segment(lon * scale, lat, x1 * scale, y1, x2 * scale, y2) <= edge
        for ring in rings(geometry)
        for (x1, y1), (x2, y2) in pairwise(ring)
    )


def _to_segment(px: float, py: float, ax: float, ay: float, bx: float, by: float) -> float:
    """Distance from point p to segment ab, in the plane."""
    dx, dy = bx - ax, by - ay
    length = dx * dx + dy * dy
    t = 0.0 if not length else max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / length))
    return math.hypot(px - ax - t * dx, py - ay - t * dy)


def _far_from_all(lats: list[float], lons: list[float]) -> dict[int, tuple[float, int]]:
    """Index -> (km to the nearest other, its index) of the points farther than
    :data:`FAR_KM` from all others; none unless there are :data:`MIN_PLACES` points."""
    n = len(lats)
    if n < MIN_PLACES:
        return {}
    lat = np.radians(np.asarray(lats, dtype=float))
    lon = np.radians(np.asarray(lons, dtype=float))
    # Points sharing a cell of about 50 km are near each other: only the others are measured
    # against every point (a few, in a story of 100,000 places).
    cells = np.round(np.asarray(lats) * 2).astype(np.int64) * 1000 + np.round(
        np.asarray(lons) * 2
    ).astype(np.int64)
    _, first, counts = np.unique(cells, return_index=True, return_counts=True)
    alone = np.sort(first[counts == 1])
    out: dict[int, tuple[float, int]] = {}
    for i in alone.tolist():
        km = km_from(lat, lon, float(lat[i]), float(lon[i]))
        km[i] = np.inf
        nearest = int(np.argmin(km))
        if km[nearest] > FAR_KM:
            out[i] = (float(km[nearest]), nearest)
    return out
