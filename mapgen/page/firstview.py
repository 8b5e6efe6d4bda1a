"""The page's first view, and the names on the map.

**Where the story happens.**  A story's features are rarely spread evenly: the seed story
happens around Korea and Vladivostok, and Moscow and Washington are there because
officials there spoke.  Fitting every feature shows the whole world, with the story in a
knot of pins.  So the first view frames the *densest group* of features, worked out here
at build time (the same story always gives the same page):

1. Each feature gives weight at its points: a place 1 at its position, plus 1 for each
   event at it; a route 1, plus 1 for each event along it, shared evenly among its stops.
   (Areas are countries, as wide as the group itself: they and their events are left out.)
2. The points fall into cells of :data:`CELL_DEGREES` degrees of latitude and longitude.
   Occupied cells that touch, by a side or a corner (across the antimeridian too), form
   one group: points less than a cell apart (about 900 km north to south) always share a
   group, and points more than two cells apart are joined only through others between.
3. The group with the most weight is the story's (ties: more points, then the one whose
   first point comes first in the story).  If it holds less than :data:`MIN_SHARE` of the
   whole weight, the story has no centre and the view frames every point.

The view's box is the group's points (taken the short way round the antimeridian), never
zoomed closer than :data:`MAX_ZOOM`.  ``view:`` in places.yaml overrides it: feature ids
to frame, or a centre and zoom.  The page (view.js) fits that box into the largest part of
the map no control covers, measured in the browser, so that no pin starts under the
title, the legend, the layer control or the panel whatever their layout; places left
outside are dots on a locator inset and links in the legend.

**Names on the map** (labels.js): every place is named beside its pin, and each route
beside its mode icon.  Where two names would overlap, the less important gives way, and
comes back when the reader zooms in: the order is :func:`label_rank`'s.  Pins closer
than a few pixels (Vladivostok, Pier 33 and the forum's campus) are spread around their
common point, each joined to its true position by a thin line, so each can be clicked.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from branca.element import Figure, MacroElement

from ..story.model import PLACE_KINDS, GeocodedStory, location_columns, place_columns
from .evidence import script_safe
from .markup import asset
from .standalone import RawHTML

__all__ = ["FirstView", "Group", "densest_group", "first_view", "label_rank"]

#: The side of a grouping cell, in degrees (8 degrees of latitude: about 890 km).
CELL_DEGREES = 8.0
#: The least share of the story's weight the densest group must hold to be framed alone.
MIN_SHARE = 0.5
#: The closest zoom the first view fits to (a story in one town opens on the town).
MAX_ZOOM = 11
#: Places outside the view named in the legend and dotted on the inset, at most: the most
#: important first.
MAX_OUTSIDE = 60
#: How firmly a claim stands, for the names' order: confirmed and reported first.
STATUS_ORDER = {"confirmed": 0, "reported": 0, "expected": 1, "denied": 2}
#: The scripts (view.js, labels.js) and their style, read once.
VIEW_JS = asset("view.js")
LABELS_JS = asset("labels.js")
VIEW_CSS = asset("view.css")

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
    return points


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
    bounds = box(latlons)
    if bounds is None:
        return {}
    return {"bounds": bounds, "maxZoom": MAX_ZOOM, "framed": framed}


def _places(geo: GeocodedStory, framed: set[str], markers: bool) -> dict[str, Any]:
    """The names the page draws (a marker each: every place's id and rank; a data layer
    draws its own) and the places that may fall outside the first view."""
    story = geo.story
    cols = place_columns(story.places)
    events: dict[str, int] = {}
    for event in story.events:
        events[event.feature] = events.get(event.feature, 0) + 1
    ids = cols.ids
    at = location_columns(geo.places, ids)
    ranks = [
        label_rank(kind, status, events.get(pid, 0))
        for pid, kind, status in zip(ids, cols.kinds, cols.statuses, strict=True)
    ]
    order = sorted(range(len(ids)), key=lambda k: (ranks[k], k))
    outside = [k for k in order if ids[k] not in framed][:MAX_OUTSIDE]
    labels = [[ids[k], n] for n, k in enumerate(order)] if markers else []
    route_rank = len(order)
    routes = sorted(
        story.routes, key=lambda r: (label_rank("route", r.status), story.routes.index(r))
    )
    labels += [[r.id, route_rank + n] for n, r in enumerate(routes)]
    return {
        "labels": labels,
        "outside": [
            [ids[k], cols.names[k], round(at.lats[k], 4), round(at.lons[k], 4)] for k in outside
        ],
    }


class FirstView(MacroElement):
    """The first view, the locator inset and the names on the map (view.js, labels.js).

    Add it to the map before the story panel: its scripts join ``mapgenStory.hooks``,
    which the panel runs once every layer is registered.
    """

    def __init__(
        self, geo: GeocodedStory, area_boxes: dict[str, Any] | None = None, markers: bool = True
    ):
        super().__init__()
        self._name = "FirstView"
        view = first_view(geo, area_boxes)
        self.config = {**view, **_places(geo, set(view.get("framed", [])), markers)}

    def render(self, **kwargs: object) -> None:
        figure = self.get_root()
        assert isinstance(figure, Figure), "You cannot render this Element if not in a Figure."
        name = self.get_name()
        figure.header.add_child(RawHTML(f"<style>\n{VIEW_CSS}</style>\n"), name=f"{name}_css")
        config = script_safe(json.dumps(self.config, ensure_ascii=False, separators=(",", ":")))
        figure.html.add_child(
            RawHTML(f'<script type="application/json" id="mg-view">{config}</script>\n'),
            name=name,
        )
        figure.script.add_child(RawHTML(f"\n{VIEW_JS}\n{LABELS_JS}\n"), name=name)
