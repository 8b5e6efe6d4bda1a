"""Distances and lines on the ellipsoid (WGS 84), through geographiclib (a geopy dependency).

A straight line on a Web Mercator map is not the way anything travels: Moscow to Pyongyang
is 6,400 km, and the shortest path bows north of the straight segment.  Routes are drawn as
geodesics, densified so that Leaflet's straight segments stay close to the true curve.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise

from geographiclib.geodesic import Geodesic

LatLon = tuple[float, float]

_WGS84 = Geodesic.WGS84
#: Mean Earth radius (km, IUGG), for the spherical sums that need no ellipsoid: haversine
#: distances and areas on the sphere.
EARTH_KM = 6371.0088
#: Longest straight segment drawn: shorter legs are drawn as they are.
STEP_KM = 50.0


def leg_km(a: LatLon, b: LatLon) -> float:
    """Geodesic distance between two points, in kilometres."""
    return _WGS84.Inverse(a[0], a[1], b[0], b[1])["s12"] / 1000.0


def length_km(points: Sequence[LatLon]) -> float:
    """Geodesic length of a line through ``points``, in kilometres."""
    return sum(leg_km(a, b) for a, b in pairwise(points))


def densify(points: Sequence[LatLon], step_km: float = STEP_KM) -> list[LatLon]:
    """The line through ``points`` with each long leg replaced by points on its geodesic."""
    if not points:
        return []
    out: list[LatLon] = [_round(points[0])]
    for a, b in pairwise(points):
        line = _WGS84.InverseLine(a[0], a[1], b[0], b[1])
        steps = max(1, math.ceil(line.s13 / 1000.0 / step_km))
        for i in range(1, steps):
            p = line.Position(line.s13 * i / steps)
            out.append(_round((p["lat2"], _wrap_near(p["lon2"], out[-1][1]))))
        out.append(_round((b[0], _wrap_near(b[1], out[-1][1]))))
    return out


def along(points: Sequence[LatLon], fraction: float) -> tuple[LatLon, LatLon]:
    """The point ``fraction`` of the way along a line, and a point just after it.

    The pair gives the line's direction there, for an arrowhead.
    """
    legs = [leg_km(a, b) for a, b in pairwise(points)]
    target = sum(legs) * fraction
    for (a, b), km in zip(pairwise(points), legs, strict=True):
        if target <= km or km == 0:
            t = target / km if km else 0.0
            line = _WGS84.InverseLine(a[0], a[1], b[0], b[1])
            here = line.Position(line.s13 * t)
            ahead = line.Position(min(line.s13, line.s13 * t + 1000.0))
            return (here["lat2"], here["lon2"]), (ahead["lat2"], ahead["lon2"])
        target -= km
    return points[-2], points[-1]


def screen_bearing(a: LatLon, b: LatLon) -> float:
    """Clockwise angle from north of the segment a->b as drawn on a Web Mercator map."""

    def merc_y(lat: float) -> float:
        return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))

    dx = math.radians(b[1] - a[1])
    dy = merc_y(b[0]) - merc_y(a[0])
    return math.degrees(math.atan2(dx, dy)) % 360.0


def _wrap_near(lon: float, ref: float) -> float:
    """Shift ``lon`` by 360 degrees so that the line does not jump across the map."""
    while lon - ref > 180:
        lon -= 360
    while ref - lon > 180:
        lon += 360
    return lon


def _round(p: LatLon) -> LatLon:
    """Six decimals (~0.1 m): enough for a map, and stable text in the output."""
    return (round(p[0], 6), round(p[1], 6))
