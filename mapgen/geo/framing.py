"""The story's first view, worked out in Python: which features frame it and their box.

The rule (the densest group of features, ``view:`` overriding it) is told in
:mod:`mapgen.page.firstview`, whose page fits this box in the browser.  It lives here, below
the page, so that what draws the story without a browser (:mod:`mapgen.export.images`)
frames the same view as the page does, without importing the page (folium).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..story.model import PLACE_KINDS, GeocodedStory, location_columns

__all__ = [
    "CELL_DEGREES",
    "MAX_ZOOM",
    "MIN_SHARE",
    "STATUS_ORDER",
    "Group",
    "area_bounds",
    "box",
    "densest_group",
    "first_view",
    "label_rank",
    "story_points",
]

#: The side of a grouping cell, in degrees (8 degrees of latitude: about 890 km).
CELL_DEGREES = 8.0
#: The least share of the story's weight the densest group must hold to be framed alone.
MIN_SHARE = 0.5
#: The closest zoom the first view fits to (a story in one town opens on the town).
MAX_ZOOM = 11
#: How firmly a claim stands, for the names' order: confirmed and reported first.
STATUS_ORDER = {"confirmed": 0, "reported": 0, "expected": 1, "denied": 2}

Point = tuple[float, float, float, str]  # lat, lon, weight, feature id


def label_rank(kind: str, status: str, events: int = 0) -> tuple[int, int, int]:
    """The order in which names give way (lower stays): by the place's kind first
    (capital, city, port, military site, venue, border crossing, other site: the order of
    :data:`~mapgen.story.model.PLACE_KINDS`), then by its claim's status (confirmed or
    reported, then expected, then denied), then the more events at it.  Routes come after
    every place (kind ``route``), in the same status order."""
    kinds = list(PLACE_KINDS)
    kind_rank = kinds.index(kind) if kind in kinds else len(kinds)
    return kind_rank, STATUS_ORDER.get(status, 1), -events


def story_points(geo: GeocodedStory) -> list[Point]:
    """The weighted points of the story's places and routes (see the module's rule)."""
    story = geo.story
    events: dict[str, int] = {}
    for event in story.events:
        events[event.feature] = events.get(event.feature, 0) + 1
    ids = list(geo.places)
    at = location_columns(geo.places, ids)
    points: list[Point] = [
        (lat, lon, 1.0 + events.get(pid, 0), pid)
        for pid, lat, lon in zip(ids, at.lats, at.lons, strict=True)
    ]
    for route in story.routes:
        stops = geo.routes.get(route.id) or []
        share = (1.0 + events.get(route.id, 0)) / max(1, len(stops))
        points += [(lat, lon, share, route.id) for lat, lon in stops]
    for area in story.areas:  # a region, a drawn polygon: as a place at its box's centre
        if area.kind != "country" and area.id in geo.areas:
            (south, west), (north, east) = area_bounds(geo.areas[area.id])
            weight = 1.0 + events.get(area.id, 0)
            points.append(((south + north) / 2, (west + east) / 2, weight, area.id))
    return points


def _extents(geo: GeocodedStory, framed: list[str]) -> list[tuple[float, float]]:
    """The corners of what the framed features cover beyond their points: a region's or a
    drawn polygon's box, the outline of a place known only to its region."""
    corners: list[tuple[float, float]] = []
    kinds = {area.id: area.kind for area in geo.story.areas}
    for fid in framed:
        if kinds.get(fid, "country") != "country" and fid in geo.areas:
            corners += [tuple(c) for c in area_bounds(geo.areas[fid])]  # type: ignore[misc]
        elif fid in geo.place_regions:
            corners += [tuple(c) for c in area_bounds(geo.place_regions[fid])]  # type: ignore[misc]
    return corners


@dataclass(frozen=True)
class Group:
    """The densest group: its points' indexes, its weight and the story's."""

    members: list[int]
    weight: float
    total: float


def _cell(lat: float, lon: float) -> tuple[int, int]:
    columns = round(360 / CELL_DEGREES)
    return math.floor(lat / CELL_DEGREES), math.floor((lon + 180) / CELL_DEGREES) % columns


def densest_group(points: list[Point]) -> Group | None:
    """The group of touching cells with the most weight (see the module's rule)."""
    if not points:
        return None
    columns = round(360 / CELL_DEGREES)
    cells: dict[tuple[int, int], list[int]] = {}
    for k, (lat, lon, _, _) in enumerate(points):
        cells.setdefault(_cell(lat, lon), []).append(k)
    parent = {cell: cell for cell in cells}

    def root(cell: tuple[int, int]) -> tuple[int, int]:
        while parent[cell] != cell:
            parent[cell] = parent[parent[cell]]
            cell = parent[cell]
        return cell

    for row, col in sorted(cells):
        for dr in (-1, 0, 1):
            for dc in (-1, 0, 1):
                other = (row + dr, (col + dc) % columns)
                if other in parent:
                    a, b = root((row, col)), root(other)
                    if a != b:
                        parent[max(a, b)] = min(a, b)
    groups: dict[tuple[int, int], list[int]] = {}
    for cell, members in cells.items():
        groups.setdefault(root(cell), []).extend(members)
    total = sum(p[2] for p in points)

    def score(members: list[int]) -> tuple[float, int, int]:
        return sum(points[k][2] for k in members), len(members), -min(members)

    best = sorted(max(groups.values(), key=score))
    return Group(best, score(best)[0], total)


def box(latlons: Iterable[tuple[float, float]]) -> list[list[float]] | None:
    """``[[south, west], [north, east]]`` of the points, the short way round: east may pass
    180 when the points straddle the antimeridian (Leaflet reads it so)."""
    pairs = list(latlons)
    if not pairs:
        return None
    lats = [p[0] for p in pairs]
    lons = sorted({((p[1] + 180) % 360) - 180 for p in pairs})
    # Start after the widest gap between neighbouring longitudes, around the circle.
    gaps = [(lons[(i + 1) % len(lons)] - lons[i]) % 360 for i in range(len(lons))]
    widest = max(range(len(lons)), key=lambda i: (gaps[i], -i)) if len(lons) > 1 else 0
    west = lons[(widest + 1) % len(lons)]
    east = west + (360 - gaps[widest]) if len(lons) > 1 else west
    return [[min(lats), west], [max(lats), east]]


def _feature_points(geo: GeocodedStory, feature_id: str, areas: dict[str, Any]) -> list:
    """The points that frame one feature (``view:``): a place's position, a route's stops,
    an area's box, an event's feature's."""
    story = geo.story
    if feature_id in geo.places:
        loc = geo.places[feature_id]
        return [(loc.lat, loc.lon)]
    if feature_id in geo.routes:
        return list(geo.routes[feature_id])
    if feature_id in areas:
        return [tuple(corner) for corner in areas[feature_id]]
    event = next((e for e in story.events if e.id == feature_id), None)
    return _feature_points(geo, event.feature, areas) if event else []


def first_view(geo: GeocodedStory, area_boxes: dict[str, Any] | None = None) -> dict[str, Any]:
    """What the page's first view frames: ``{"bounds", "maxZoom", "framed"}`` (the ids of
    the features framed) or, from ``view: {center, zoom}``, ``{"center", "zoom"}``;
    ``{}`` for a story with nothing to show."""
    story, areas = geo.story, area_boxes or {}
    chosen = story.view
    if chosen is not None and chosen.center is not None:
        return {"center": list(chosen.center), "zoom": chosen.zoom, "framed": []}
    if chosen is not None:
        framed = list(chosen.ids)
        latlons = [p for fid in framed for p in _feature_points(geo, fid, areas)]
    else:
        points = story_points(geo)
        group = densest_group(points)
        if group is None:  # no place and no route: the countries, if any
            corners = [tuple(c) for corners in areas.values() for c in corners]
            bounds = box(corners)
            return {"bounds": bounds, "maxZoom": MAX_ZOOM, "framed": list(areas)} if bounds else {}
        members = group.members
        if group.weight < MIN_SHARE * group.total:
            members = list(range(len(points)))
        framed = list(dict.fromkeys(points[k][3] for k in members))
        latlons = [points[k][:2] for k in members]
    bounds = box(latlons + _extents(geo, framed))
    if bounds is None:
        return {}
    return {"bounds": bounds, "maxZoom": MAX_ZOOM, "framed": framed}


def area_bounds(geometry: dict) -> list[list[float]]:
    """South-west and north-east corners of the country's largest polygon (a country
    across the antimeridian, such as Russia, is fitted by its main part)."""
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )

    def extent(polygon: list) -> tuple[float, list[list[float]]]:
        lons = [p[0] for p in polygon[0]]
        lats = [p[1] for p in polygon[0]]
        box = [[min(lats), min(lons)], [max(lats), max(lons)]]
        return (box[1][0] - box[0][0]) * (box[1][1] - box[0][1]), box

    return max((extent(p) for p in polygons), key=lambda pair: pair[0])[1]
