"""The page's first view, and the names on the map.

**Where the story happens.**  A story's features are rarely spread evenly: the seed story
happens around Korea and Vladivostok, and Moscow and Washington are there because
officials there spoke.  Fitting every feature shows the whole world, with the story in a
knot of pins.  So the first view frames the *densest group* of features, worked out here
at build time (the same story always gives the same page):

1. Each feature gives weight at its points: a place 1 at its position, plus 1 for each
   event at it; a route 1, plus 1 for each event along it, shared evenly among its stops.
   Countries are as wide as the group itself: they and their events are left out; a region
   or a drawn polygon weighs as a place at its box's centre.
2. The points fall into cells of :data:`CELL_DEGREES` degrees of latitude and longitude.
   Occupied cells that touch, by a side or a corner (across the antimeridian too), form
   one group: points less than a cell apart (about 900 km north to south) always share a
   group, and points more than two cells apart are joined only through others between.
3. The group with the most weight is the story's (ties: more points, then the one whose
   first point comes first in the story).  If it holds less than :data:`MIN_SHARE` of the
   whole weight, the story has no centre and the view frames every point.

The view's box is the group's points (taken the short way round the antimeridian) and the
boxes of the regions, polygons and region-wide places among them, never
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
from typing import Any

from branca.element import Figure, MacroElement

from ..geo.framing import (
    CELL_DEGREES,
    MAX_ZOOM,
    MIN_SHARE,
    STATUS_ORDER,
    Group,
    box,
    densest_group,
    first_view,
    label_rank,
    story_points,
)
from ..story.model import GeocodedStory, location_columns, place_columns
from .evidence import script_safe
from .markup import asset
from .standalone import RawHTML

__all__ = [
    "CELL_DEGREES",
    "MAX_ZOOM",
    "MIN_SHARE",
    "STATUS_ORDER",
    "FirstView",
    "Group",
    "box",
    "densest_group",
    "first_view",
    "label_rank",
    "story_points",
]

#: Places outside the view named in the legend and dotted on the inset, at most: the most
#: important first.
MAX_OUTSIDE = 60
#: The scripts (view.js, labels.js) and their style, read once.
VIEW_JS = asset("view.js")
LABELS_JS = asset("labels.js")
VIEW_CSS = asset("view.css")


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
