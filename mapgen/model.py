"""The story as mapgen understands it, once `places.yaml` has been validated.

Data flows one way: ``load`` builds a :class:`Story`, ``sources`` checks its quotes,
``geocode`` turns it into a :class:`GeocodedStory`, ``render`` draws that.  Every object
keeps the :class:`Pos` of the YAML node it came from, so a problem found at any later
stage can still be reported as ``places.yaml:LINE:COL: message``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .sources import SpansLater

#: Kinds of place a story may use; each gets its own marker colour and map layer.
PLACE_KINDS: dict[str, str] = {
    "capital": "Capital city",
    "city": "City or town",
    "port": "Port",
    "military": "Military site",
    "venue": "Venue",
    "crossing": "Border crossing",
    "site": "Other site",
}

#: What a geocoder should look for (``feature:`` in places.yaml): any city, a national
#: capital first, or a country.
FEATURES: tuple[str, ...] = ("city", "capital", "country")

#: The feature a place's kind implies when it has no ``feature:``; the other kinds (sites,
#: venues, crossings, military sites) take whatever the name means, countries first.
KIND_FEATURES: dict[str, str] = {"capital": "capital", "city": "city", "port": "city"}


def feature_for_kind(kind: str) -> str | None:
    return KIND_FEATURES.get(kind)


#: How sure a position is, from most to least precise.
PRECISIONS: tuple[str, ...] = ("exact", "point", "approximate", "city", "region", "country")

#: How a route was travelled.
ROUTE_MODES: tuple[str, ...] = ("rail", "road", "air", "sea", "other")

#: How firmly the sources establish a place, route, area or event (``status:``), with what
#: each means to a reader; ``reported`` is the default.
STATUSES: dict[str, str] = {
    "reported": "a source reports it",
    "expected": "planned or anticipated",
    "confirmed": "officially confirmed",
    "denied": "denied by a party to it",
}
DEFAULT_STATUS = "reported"

#: What a quote says of its feature (``stance:``): it makes the claim (default), or it
#: denies it.  A denial is shown beside the claim, each with its source.
STANCES: tuple[str, ...] = ("claims", "denies")


@dataclass(frozen=True)
class Pos:
    """Where something was written: a file and a 1-based line and column."""

    file: str
    line: int
    col: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}"


@dataclass(frozen=True)
class Quote:
    """Words copied from a source article, which must occur in it verbatim."""

    source: str
    text: str
    pos: Pos
    stance: str = "claims"


@dataclass
class Source:
    """An article the story draws on; ``file`` is relative to the story folder."""

    id: str
    file: str
    title: str
    pos: Pos
    outlet: str | None = None
    date: str | None = None
    url: str | None = None
    text: str = ""


@dataclass
class Place:
    """A point on the map.

    ``coords`` (lat, lon) written in ``places.yaml`` win over any geocoder; otherwise
    ``query`` (default: ``name``) is geocoded, narrowed by the ``country`` hint and the
    ``feature`` hint (default: the one ``kind`` implies, see :data:`KIND_FEATURES`).
    """

    id: str
    name: str
    kind: str
    pos: Pos
    quotes: list[Quote] = field(default_factory=list)
    query: str | None = None
    country: str | None = None
    coords: tuple[float, float] | None = None
    precision: str | None = None
    note: str | None = None
    feature: str | None = None
    status: str = DEFAULT_STATUS

    @property
    def geocode_query(self) -> str:
        return self.query or self.name


@dataclass
class Waypoint:
    """One stop of a route: a place id, or an inline stop with a name.

    An inline stop is drawn only as part of its route (no marker); without ``coords`` its
    ``name`` is geocoded, narrowed by ``country`` and ``feature``.
    """

    pos: Pos
    place: str | None = None
    name: str | None = None
    coords: tuple[float, float] | None = None
    country: str | None = None
    feature: str | None = None


@dataclass
class Route:
    """A journey drawn as a line through its waypoints, in order."""

    id: str
    name: str
    mode: str
    via: list[Waypoint]
    pos: Pos
    quotes: list[Quote] = field(default_factory=list)
    schematic: bool = False
    note: str | None = None
    status: str = DEFAULT_STATUS


@dataclass
class Area:
    """A country drawn as a shaded area; ``country`` is its ISO code or name."""

    id: str
    name: str
    country: str
    pos: Pos
    quotes: list[Quote] = field(default_factory=list)
    note: str | None = None
    status: str = DEFAULT_STATUS


@dataclass(frozen=True)
class When:
    """A day, a month, a year or a range of them, as written (``text``), with the first
    and last day it covers."""

    text: str
    start: dt.date
    end: dt.date

    def overlaps(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


@dataclass
class Event:
    """Something that happened (or is expected) at a place, along a route or in a country."""

    id: str
    title: str
    date: When
    pos: Pos
    place: str | None = None
    route: str | None = None
    area: str | None = None
    quotes: list[Quote] = field(default_factory=list)
    status: str = DEFAULT_STATUS
    note: str | None = None

    @property
    def feature(self) -> str:
        """The id of the place, route or area it happened at."""
        return self.place or self.route or self.area or ""


@dataclass
class LeftOut:
    """A place the articles mention that the map leaves out on purpose (``left_out:``)."""

    name: str
    pos: Pos
    reason: str | None = None


@dataclass
class Story:
    """A validated ``places.yaml`` and the articles it names."""

    title: str
    path: Path
    sources: list[Source]
    places: list[Place]
    routes: list[Route]
    areas: list[Area]
    description: str | None = None
    events: list[Event] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    #: The ``geocoder:`` setting: which online geocoder to ask, when asked (a
    #: :class:`mapgen.online.GeocoderSetting`).
    geocoder: Any = None
    #: ``data_layer:``: "auto", "always", "never", or a number of places past which the
    #: page draws them as one data layer (see :func:`mapgen.render.draws_data_layer`).
    data_layer: str | int = "auto"
    #: Where each quote stands in its article, (source id, text) -> (start, end) offsets
    #: or None: filled in by :func:`mapgen.sources.verify_quotes`, read by the page and
    #: the GeoJSON so that no quote is searched for twice (through
    #: :func:`mapgen.sources.spans_of`: a big build finds them in a second process, and
    #: leaves a :class:`mapgen.sources.SpansLater` here meanwhile).
    spans: dict[tuple[str, str], tuple[int, int] | None] | SpansLater = field(default_factory=dict)

    @property
    def root(self) -> Path:
        """The story folder: source files and the geocode cache live here."""
        return self.path.parent

    def source(self, source_id: str) -> Source:
        return next(s for s in self.sources if s.id == source_id)

    def place(self, place_id: str) -> Place:
        return next(p for p in self.places if p.id == place_id)

    def feature(self, feature_id: str) -> Place | Route | Area | Event:
        """The place, route, area or event with this id."""
        return next(
            f for f in (*self.places, *self.routes, *self.areas, *self.events) if f.id == feature_id
        )


@dataclass(frozen=True)
class Location:
    """Where a geocoder put a place, how sure it is, and who said so."""

    lat: float
    lon: float
    precision: str
    geocoder: str
    query: str | None = None
    address: str | None = None


@dataclass
class GeocodedStory:
    """A story with every place, waypoint and area given a position or outline."""

    story: Story
    places: dict[str, Location]
    routes: dict[str, list[tuple[float, float]]]
    areas: dict[str, dict]
    """Area id -> GeoJSON geometry (Polygon or MultiPolygon, lon/lat order)."""
