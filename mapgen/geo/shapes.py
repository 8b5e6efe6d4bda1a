"""Whether a point lies in a GeoJSON outline: the one even-odd test the geo stage uses.

Outlines here are Natural Earth's or a story's own, in degrees, never crossing the
antimeridian (:mod:`mapgen.geo.topojson` splits them), so the plane test is the right one;
nothing here needs geopy.
"""

from __future__ import annotations

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
