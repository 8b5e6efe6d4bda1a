"""The story as mapgen understands it, once `places.yaml` has been validated.

Data flows one way: ``load`` builds a :class:`Story`, ``sources`` checks its quotes,
``geocode`` turns it into a :class:`GeocodedStory`, ``render`` draws that.  Every object
keeps the :class:`Pos` of the YAML node it came from, so a problem found at any later
stage can still be reported as ``places.yaml:LINE:COL: message``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import (
    Callable,
    Iterator,
    MutableMapping,
    MutableSequence,
    Sequence,
)
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from pathlib import Path
from typing import Any

from ..core.errors import Pos

# Where geocoding put the places: kept beside them, for the modules that import them here.
from .locations import Location as Location
from .locations import LocationColumns as LocationColumns
from .locations import LocationTable as LocationTable
from .locations import location_columns as location_columns

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
FEATURES: tuple[str, ...] = ("city", "capital", "region", "country")

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
    #: Declared fields with no attribute of their own (``mapgen.story.fields.PLACE``), by key.
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def geocode_query(self) -> str:
        return self.query or self.name


class PlaceColumns:
    """A story's places as columns, a list per field in place order, for the steps that read
    every one of 100,000 places (geocoding, the data layer, the GeoJSON).  A bulk file's
    places are read into columns and kept so (:class:`PlaceTable`), with no object made
    per place unless one is asked for; places that are objects are read out of them
    (:meth:`of`), a column when it is first asked for.

    A place's quotes are flattened: ``counts[k]`` of them for place ``k``, in order, their
    source, text and stance in ``quote_sources``, ``quote_texts``, ``quote_stances``.
    """

    ids: list[str]
    names: list[str]
    kinds: list[str]
    statuses: list[str]
    notes: list[str | None]
    queries: list[str | None]
    countries: list[str | None]
    features: list[str | None]
    coords: list[tuple[float, float] | None]
    precisions: list[str | None]
    #: Where each place was written (its :class:`Pos`: see :meth:`pos`).
    files: list[str]
    lines: list[int]
    cols: list[int]
    counts: list[int]
    quote_sources: list[str]
    quote_texts: list[str]
    quote_stances: list[str]

    def __init__(
        self, column: Callable[[str], list[Any]], extra: Callable[[str], list[Any]] | None = None
    ):
        self._column = column
        self._extra = extra

    def __getattr__(self, name: str) -> list[Any]:
        """A column, made when first asked for, and kept."""
        if name not in _COLUMNS:
            raise AttributeError(name)
        made = self.__dict__[name] = self._column(name)
        return made

    def column(self, key: str) -> list[Any]:
        """The column of the place field declared as ``key`` in
        :data:`mapgen.story.fields.PLACE` (``"name"``: :attr:`names`), for the steps that
        read a place's fields by their declaration rather than by name); a field with no
        attribute of its own is read from each place's ``extra`` (None where not given)."""
        if key in _BY_KEY:
            return getattr(self, _BY_KEY[key])
        made = self.__dict__.setdefault("_extras", {})
        if key not in made:
            read = self._extra(key) if self._extra else None
            made[key] = read if read is not None else [None] * len(self.ids)
        return made[key]

    def pos(self, k: int) -> Pos:
        """Where place ``k`` was written."""
        return Pos(self.files[k], self.lines[k], self.cols[k])

    @classmethod
    def given(cls, extra: dict[str, list[Any]] | None = None, **columns: list[Any]) -> PlaceColumns:
        """Columns made already (every one; ``extra``: those of fields without an attribute)."""
        assert set(columns) == set(_COLUMNS), set(columns) ^ set(_COLUMNS)
        return cls(columns.__getitem__, (extra or {}).get)

    @classmethod
    def of(cls, places: Sequence[Place]) -> PlaceColumns:
        """The columns of places that are objects, read out of them as asked for: those
        objects may change, so a new reading sees what they hold then."""
        return cls(lambda name: _READ[name](places), lambda key: [p.extra.get(key) for p in places])

    @classmethod
    def joined(cls, parts: Sequence[PlaceColumns]) -> PlaceColumns:
        """One table of several, in order."""
        if len(parts) == 1:
            return parts[0]
        return cls(
            lambda name: [v for part in parts for v in getattr(part, name)],
            lambda key: [v for part in parts for v in part.column(key)],
        )


_COLUMNS = tuple(PlaceColumns.__annotations__)


def _read(field: str) -> Callable[[Sequence[Place]], list[Any]]:
    get = attrgetter(field)
    return lambda places: list(map(get, places))


def _read_quotes(field: str) -> Callable[[Sequence[Place]], list[Any]]:
    get = attrgetter(field)
    return lambda places: list(map(get, chain.from_iterable(map(_QUOTES, places))))


_QUOTES = attrgetter("quotes")
_READ: dict[str, Callable[[Sequence[Place]], list[Any]]] = {
    "ids": _read("id"),
    "names": _read("name"),
    "kinds": _read("kind"),
    "statuses": _read("status"),
    "notes": _read("note"),
    "queries": _read("query"),
    "countries": _read("country"),
    "features": _read("feature"),
    "coords": _read("coords"),
    "precisions": _read("precision"),
    "files": _read("pos.file"),
    "lines": _read("pos.line"),
    "cols": _read("pos.col"),
    "counts": lambda places: list(map(len, map(_QUOTES, places))),
    "quote_sources": _read_quotes("source"),
    "quote_texts": _read_quotes("text"),
    "quote_stances": _read_quotes("stance"),
}
assert set(_READ) == set(_COLUMNS)
#: The column of each place field (see :meth:`PlaceColumns.column`).
_BY_KEY = {
    "id": "ids",
    "name": "names",
    "kind": "kinds",
    "status": "statuses",
    "note": "notes",
    "query": "queries",
    "country": "countries",
    "feature": "features",
    "coords": "coords",
    "precision": "precisions",
}


class PlaceTable(MutableSequence["Place"]):
    """A story's places, in order: those written in ``places.yaml`` as :class:`Place`
    objects, then each bulk file's as columns (:class:`PlaceColumns`) until a place is
    asked for, when all are made at once (for 100,000 places, a quarter of a second that
    a build, which reads only the columns, never spends).

    Each part is a list of places, or a pair: a bulk file's columns and a function that
    makes their places.  Once made, the objects are the places: their columns are read
    out of them (a caller may have changed one).  It is changed as a list is (``append``,
    ``del``, ...), for a notebook that adds a place to a loaded story.
    """

    def __init__(
        self, parts: Sequence[list[Place] | tuple[PlaceColumns, Callable[[], list[Place]]]]
    ):
        self._parts = [part for part in parts if _size(part)]
        self._made: list[Place] | None = None
        self._columns: PlaceColumns | None = None

    def columns(self) -> PlaceColumns:
        """:class:`PlaceColumns` of every place (see :func:`place_columns`)."""
        if self._made is not None:
            return PlaceColumns.of(self._made)
        if any(isinstance(part, list) for part in self._parts):
            return PlaceColumns.joined(
                [PlaceColumns.of(p) if isinstance(p, list) else p[0] for p in self._parts]
            )
        if self._columns is None:  # only columns: nothing can change them
            self._columns = PlaceColumns.joined([part[0] for part in self._parts])
        return self._columns

    def _places(self) -> list[Place]:
        if self._made is None:
            self._made = [
                p for part in self._parts for p in (part if isinstance(part, list) else part[1]())
            ]
        return self._made

    def __len__(self) -> int:
        if self._made is not None:
            return len(self._made)
        return sum(map(_size, self._parts))

    def __getitem__(self, index):  # type: ignore[override]
        return self._places()[index]

    def __iter__(self) -> Iterator[Place]:
        return iter(self._places())

    def __setitem__(self, index, value):  # type: ignore[override]
        self._places()[index] = value

    def __delitem__(self, index):  # type: ignore[override]
        del self._places()[index]

    def insert(self, index: int, value: Place) -> None:
        self._places().insert(index, value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sequence) and list(self) == list(other)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"PlaceTable({self._places()!r})"


def _size(part: list[Place] | tuple[PlaceColumns, Callable[[], list[Place]]]) -> int:
    return len(part) if isinstance(part, list) else len(part[0].ids)


def place_columns(places: Sequence[Place]) -> PlaceColumns:
    """The columns of a story's places, however they are held (read them so, not place by
    place: a loaded story's places may be columns that no object was made of)."""
    return places.columns() if isinstance(places, PlaceTable) else PlaceColumns.of(places)


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
    """A shaded area: the country ``country`` (an ISO code or name), the first-level
    region ``region`` (in ``country``, if given), or the polygons of the GeoJSON file
    ``geometry`` (read when the story is loaded: ``shape``)."""

    id: str
    name: str
    country: str | None
    pos: Pos
    quotes: list[Quote] = field(default_factory=list)
    note: str | None = None
    status: str = DEFAULT_STATUS
    region: str | None = None
    geometry: str | None = None
    #: The Polygon or MultiPolygon of ``geometry``'s file, as GeoJSON.
    shape: dict[str, Any] | None = field(default=None, repr=False, compare=False)

    @property
    def kind(self) -> str:
        """What it is: ``country``, ``region`` or ``polygon`` (a file's)."""
        return "polygon" if self.geometry else "region" if self.region else "country"


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


@dataclass(frozen=True)
class StoryView:
    """``view:``: what the page's first view frames, instead of the densest group of
    features it works out itself (:mod:`mapgen.page.firstview`): the features ``ids``
    (places, routes, areas or events), or ``center`` and ``zoom``."""

    ids: tuple[str, ...] = ()
    center: tuple[float, float] | None = None
    zoom: int | None = None


@dataclass
class Story:
    """A validated ``places.yaml`` and the articles it names."""

    title: str
    path: Path
    sources: list[Source]
    #: A list, or a :class:`PlaceTable` (a loaded story's): read every place's fields
    #: through :func:`place_columns`.
    places: Sequence[Place]
    routes: list[Route]
    areas: list[Area]
    description: str | None = None
    events: list[Event] = field(default_factory=list)
    left_out: list[LeftOut] = field(default_factory=list)
    #: The ``geocoder:`` setting: which online geocoder to ask, when asked (a
    #: :class:`mapgen.story.geocoder.GeocoderSetting`).
    geocoder: Any = None
    #: ``data_layer:``: "auto", "always", "never", or a number of places past which the
    #: page draws them as one data layer (see :func:`mapgen.page.render.draws_data_layer`).
    data_layer: str | int = "auto"
    #: ``view:``: the first view the editor chose (None: the page works it out).
    view: StoryView | None = None
    #: ``tiles:``: the page's tile server (a :class:`mapgen.story.tiles.TileSetting`; None:
    #: the default, the offline outlines alone).
    tiles: Any = None
    #: Where each quote stands in its article, (source id, text) -> (start, end) offsets
    #: or None: filled in by :func:`mapgen.quotes.verify.verify_quotes`, read by the page
    #: and the GeoJSON so that no quote is searched for twice.
    spans: dict[tuple[str, str], tuple[int, int] | None] = field(default_factory=dict)

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


@dataclass
class GeocodedStory:
    """A story with every place, waypoint and area given a position or outline."""

    story: Story
    #: Place id -> position: a dict, or a :class:`LocationTable` (geocoding's); read every
    #: place's through :func:`location_columns`.
    places: MutableMapping[str, Location]
    routes: dict[str, list[tuple[float, float]]]
    areas: dict[str, dict]
    """Area id -> GeoJSON geometry (Polygon or MultiPolygon, lon/lat order)."""
    area_regions: dict[str, str] = field(default_factory=dict)
    """Area id -> the ISO 3166-2 code of the region it is (``RU-LIP``), for a region's area."""
    place_regions: dict[str, dict] = field(default_factory=dict)
    """Place id -> the outline of the region a place is known only to lie in (its
    precision is ``region``): the page draws it around the place's marked centre."""
