"""Whether a point lies in a GeoJSON outline (the one even-odd test the geo stage uses), and
where an outline's centre is.

Outlines here are Natural Earth's or a story's own, in degrees, never crossing the
antimeridian (:mod:`mapgen.geo.topojson` splits them), so the plane test is the right one;
nothing here needs geopy.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from typing import Any


def rings(geometry: dict[str, Any] | None) -> list[list[list[float]]]:
    """Every ring of a GeoJSON Polygon or MultiPolygon (outer rings and holes), or none."""
    if not geometry:
        return []
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    return [ring for polygon in polygons for ring in polygon]


def ring_contains(ring: list[Any], lon: float, lat: float) -> bool:
    """Whether ``lon, lat`` lies inside the closed ring ``ring`` (``[lon, lat]`` positions)."""
    inside = False
    for (x1, y1), (x2, y2) in pairwise(ring):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return inside


def contains(geometry: dict[str, Any] | None, lon: float, lat: float) -> bool:
    """Whether ``lon, lat`` lies inside the Polygon or MultiPolygon (even-odd over all its
    rings, so a hole is outside)."""
    return sum(ring_contains(ring, lon, lat) for ring in rings(geometry)) % 2 == 1


#: How much of a country's land its largest piece must hold for that piece's centre to
#: stand for the whole: below it (Indonesia 28%, the Philippines 36%, New Zealand 56%) the
#: country is an archipelago, and the centre of any one island would misplace it.
MAIN_LANDMASS_SHARE = 0.6


def _ring_moments(ring: Sequence[Any]) -> tuple[float, float, float]:
    """Signed area and first moments of ``ring`` in the cylindrical equal-area plane
    (x = longitude, y = sine of latitude, both in radians): the shoelace formula."""
    area = mx = my = 0.0
    points = [(math.radians(p[0]), math.sin(math.radians(p[1]))) for p in ring]
    if points and points[0] != points[-1]:
        points.append(points[0])
    for (x0, y0), (x1, y1) in pairwise(points):
        cross = x0 * y1 - x1 * y0
        area += cross
        mx += (x0 + x1) * cross
        my += (y0 + y1) * cross
    return area / 2, mx / 6, my / 6


def area_centre(polygon: Sequence[Sequence[Any]]) -> tuple[float, float, float] | None:
    """``(area, lat, lon)`` of a GeoJSON polygon's area centroid (holes taken out), its
    area in steradians.

    Computed in an equal-area projection, so a square degree near the pole weighs what
    its land weighs, not what it spans on a plate carrée map; unlike the mean of unit
    vectors, it does not pull a country as wide as Russia towards the pole.  None for a
    polygon of no area.  Like :func:`contains`, it takes the outline as drawn in the
    lon/lat plane: a polygon must already be split at the antimeridian
    (:mod:`mapgen.geo.topojson` does) and must not enclose a pole (Antarctica's pieces
    are split into many and get no main landmass), or the answer is meaningless.
    """
    area = mx = my = 0.0
    for index, ring in enumerate(polygon):
        a, x, y = _ring_moments(ring)
        sign = 1.0 if index == 0 else -1.0  # rings may wind either way: the outer counts
        flip = sign if a >= 0 else -sign
        area, mx, my = area + flip * a, mx + flip * x, my + flip * y
    if area <= 0:
        return None
    lat = math.degrees(math.asin(max(-1.0, min(1.0, my / area))))
    return area, lat, math.degrees(mx / area)


def main_landmass_centre(
    polygons: Sequence[Sequence[Sequence[Any]]],
    share: float = MAIN_LANDMASS_SHARE,
    min_area: float = 0.0,
) -> tuple[float, float] | None:
    """``(lat, lon)`` of the area centroid of the largest of ``polygons`` when it holds at
    least ``share`` of their area and the centroid lies on it, else None; None too when
    their area (steradians) is under ``min_area``.

    Why: a reader, a reference atlas and the annotated news corpora all put "the United
    States" near Kansas, the geographic centre of its main landmass, where the Factbook
    point sits 200 km off in Oklahoma; Alaska, Hawaii or France's overseas departments must
    not drag the point into the sea.  An archipelago has no such centre, nor has a bent
    country whose centroid falls outside it (Norway's lies in Sweden, Vietnam's in Laos):
    the caller keeps its reference point.
    """
    centres = [(c, p) for c, p in ((area_centre(p), p) for p in polygons) if c is not None]
    if not centres:
        return None
    total = sum(c[0] for c, _ in centres)
    (area, lat, lon), polygon = max(centres, key=lambda t: t[0][0])
    if total < min_area or area < share * total:
        return None
    if sum(ring_contains(ring, lon, lat) for ring in polygon) % 2 == 0:
        return None
    return lat, lon
