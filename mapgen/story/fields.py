"""Every key of places.yaml, declared once: what it holds, how it is read, and where it goes.

A :class:`Field` says, for one key of one section: the kind of value it takes (its
:class:`Kind`, which the YAML reader and the CSV/GeoJSON reader both check by), whether it
is required, the columns an included CSV or GeoJSON file may give it in, the property
``map.geojson`` writes it as, the popup slot that shows it, and one line for the reference
(``docs/places-yaml.md`` is generated from these: ``python -m mapgen.story.reference``).

Adding an optional field to places means one :class:`Field` here, the popup template's slot
if the popup shows it, and a test: the readers, the GeoJSON writer and the reference follow
the declaration.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .model import FEATURES, PLACE_KINDS, PRECISIONS, ROUTE_MODES, STANCES, STATUSES

__all__ = [
    "AREA",
    "EVENT",
    "FIELDS",
    "GEOCODER",
    "INCLUDE",
    "LEFT_OUT",
    "PLACE",
    "QUOTE",
    "ROUTE",
    "SOURCE",
    "STOP",
    "STORY",
    "TILES",
    "VIEW",
    "Field",
    "Kind",
    "Section",
]


@dataclass(frozen=True)
class Kind:
    """The kind of value a key takes: ``name`` tells the readers which check to make
    (``text``, ``slug``, ``choice``, ``coords``, ...); ``options`` a choice's values;
    ``item`` the section a list's items are (``places:`` is a list of :data:`PLACE`)."""

    name: str
    options: tuple[str, ...] = ()
    item: str | None = None
    #: For a list: the least number of items; for a number, the least value.
    least: float | None = None
    #: For a number: the most it may be, and its unit in messages (``" seconds"``).
    most: float | None = None
    unit: str = ""
    #: For a ``ref``: what the id names (``source``, ``place``, ``route``, ``area``).
    target: str | None = None

    def describe(self) -> str:
        """What the reference says the key takes."""
        if self.name == "choice":
            return "one of " + ", ".join(f"`{o}`" for o in self.options)
        if self.name == "list":
            more = f", at least {self.least:g}" if self.least else ""
            item = _ITEMS.get(self.item or "", f"{self.item}s")
            return f"a list of {item}{more}"
        if self.name == "ref":
            return f"a {self.target}'s id"
        said = _DESCRIBED.get(self.name, self.name)
        if self.least is not None:
            said += f", {self.least:g} or more"
        if self.most is not None:
            said += f", at most {self.most:g}{self.unit}"
        return said


_DESCRIBED = {
    "text": "text",
    "slug": "a slug (`a-z`, `0-9`, `-`, `_`)",
    "coords": "`[lat, lon]` in degrees",
    "number": "a number",
    "count": "a whole number, 0 or more",
    "bool": "`true` or `false`",
    "date": "a date: a day, a month or a year",
    "when": "a date, or a range `first/last`",
    "url": "an `http(s)://` address",
    "file": "a file inside the story folder",
    "service": "a geocoding service's name (`nominatim`, ...)",
    "mapping": "a mapping",
    "geocoder": "a service's name, or a mapping: see [geocoder](#geocoder)",
    "data_layer": "`auto`, `always`, `never` or a number of places",
    "view": "a list of feature ids, or `{center: [lat, lon], zoom: N}` (see [view](#view))",
    "zoom": "a whole number from 0 to 18",
    "env": "an environment variable's name (`MAPGEN_*` or `SERVICE_*`)",
    "options": "a mapping of the service's options",
    "waypoint": "a place's id, or a [stop](#stop)",
    "left_out": "a name, or a mapping (see below)",
    "tiles": "a tile provider's name (`Esri.WorldImagery`), `none`, or a mapping: see [tiles](#tiles)",
    "tile_provider": "a provider xyzservices knows (`Esri.WorldImagery`, `OpenStreetMap.Mapnik`, ...)",
    "tile_url": "an `https://` template with `{z}`, `{x}`, `{y}` (and `{s}`, `{r}`, `{apikey}`)",
}


#: How the reference names a list's items: a link to their section's table.
_ITEMS = {
    "waypoint": "waypoints (a place's id, or a [stop](#stop))",
    "left-out place": "[left-out places](#left-out-place): a name, or a mapping",
    **{
        name: f"[{name}s](#{name})"
        for name in ("source", "place", "quote", "route", "area", "event", "include")
    },
}


def text() -> Kind:
    return Kind("text")


def choice(options: object) -> Kind:
    return Kind("choice", tuple(options))  # type: ignore[arg-type]


def list_of(item: str, least: int = 0) -> Kind:
    return Kind("list", item=item, least=least)


def ref(target: str) -> Kind:
    return Kind("ref", target=target)


@dataclass(frozen=True)
class Field:
    """One key of one section of places.yaml (and the model's attribute of that name)."""

    key: str
    kind: Kind
    doc: str
    required: bool = False
    #: The columns of an included CSV file (or properties of an included GeoJSON file)
    #: that give it, each with its other spellings after it (``("lat", "latitude")``);
    #: none if an included file cannot give it.
    columns: tuple[tuple[str, ...], ...] = ()
    #: The property ``map.geojson`` writes it as, if it does.
    geojson: str | None = None
    #: The popup slot that shows it, if the popup does (see ``mapgen.page.popup``).
    popup: str | None = None


@dataclass(frozen=True)
class Section:
    """A mapping places.yaml holds: the story itself, a place, a route..."""

    name: str
    doc: str
    fields: tuple[Field, ...]
    #: Properties ``map.geojson`` writes that no key gives (worked out by the build),
    #: each after the field named: ``(after, property)``.
    derived: tuple[tuple[str, str], ...] = field(default=())

    def __getitem__(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(key)

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def columns(self) -> tuple[str, ...]:
        """The columns an included file may use, by their main spelling."""
        return tuple(column[0] for f in self.fields for column in f.columns)

    @property
    def aliases(self) -> dict[str, str]:
        """Other spellings of the columns: ``{"latitude": "lat", ...}``."""
        return {alias: c[0] for f in self.fields for c in f.columns for alias in c[1:]}

    @property
    def geojson(self) -> tuple[str, ...]:
        """The properties ``map.geojson`` writes for it, in order."""
        out: list[str] = []
        for f in self.fields:
            if f.geojson is not None:
                out.append(f.geojson)
            out += [prop for after, prop in self.derived if after == f.key]
        return tuple(out)


STATUS = Field(
    "status",
    choice(STATUSES),
    "what is claimed of it: `reported` (the default), `expected`, `confirmed` or `denied`",
    columns=(("status",),),
    geojson="status",
    popup="status",
)
NOTE = Field(
    "note", text(), "a line of context, shown in the popup", columns=(("note",),), popup="note"
)

QUOTE = Section(
    "quote",
    "A passage of a source that supports (or denies) what the feature says.",
    (
        Field("source", ref("source"), "the id of the source it is quoted from", required=True),
        Field(
            "text",
            text(),
            "the passage, verbatim (white space, typographic quotes and dashes are folded)",
            required=True,
        ),
        Field("stance", choice(STANCES), "`claims` (the default) or `denies` the feature"),
    ),
)


def quotes() -> Field:
    """The ``quotes:`` of a feature: an included file gives one per row (``source`` and
    ``quote`` columns)."""
    return Field(
        "quotes",
        list_of("quote", 1),
        "the passages that back it, at least one",
        required=True,
        columns=(("source",), ("quote", "passage", "text")),
        geojson="quotes",
        popup="quotes",
    )


SOURCE = Section(
    "source",
    "An article the story draws on.",
    (
        Field("id", Kind("slug"), "unique among the sources", required=True),
        Field("file", Kind("file"), "its text, UTF-8, inside the story folder", required=True),
        Field("title", text(), "shown after every quote from it", required=True),
        Field("outlet", text(), "who published it, shown in the sources panel"),
        Field("date", Kind("date"), "when it was published"),
        Field("url", text(), "linked from the reader (`http(s)://` addresses only)"),
    ),
)

PLACE = Section(
    "place",
    "A point on the map: a marker.",
    (
        Field(
            "id",
            Kind("slug"),
            "unique across places, routes, areas and events",
            required=True,
            columns=(("id",),),
            geojson="id",
        ),
        Field(
            "name",
            text(),
            "shown on the map and in the popup",
            required=True,
            columns=(("name",),),
            geojson="name",
            popup="title",
        ),
        Field(
            "kind",
            choice(PLACE_KINDS),
            "its marker's colour and layer",
            required=True,
            columns=(("kind",),),
            geojson="kind",
            popup="meta",
        ),
        Field("query", text(), "what to geocode instead of the name", columns=(("query",),)),
        Field(
            "country",
            text(),
            "an ISO code or a country's name, to narrow the geocoder",
            columns=(("country",),),
        ),
        Field(
            "feature",
            choice(FEATURES),
            "what the geocoder looks for (default: from the kind)",
            columns=(("feature",),),
        ),
        Field(
            "coords",
            Kind("coords"),
            "where it is; wins over any geocoder",
            columns=(("lat", "latitude"), ("lon", "longitude", "lng", "long")),
            popup="meta",
        ),
        Field(
            "precision",
            choice(PRECISIONS),
            "with coords: how sure they are (default `point`); `region` without coords: the"
            " name (or query) is a first-level region's, drawn as its outline",
            columns=(("precision",),),
            geojson="precision",
            popup="meta",
        ),
        NOTE,
        Field(
            "link",
            Kind("url"),
            "a page about it (`http(s)://` only), linked from the popup",
            columns=(("link",),),
            geojson="link",
            popup="link",
        ),
        STATUS,
        quotes(),
    ),
    derived=(("precision", "geocoder"),),
)

STOP = Section(
    "stop",
    "A route's waypoint found by name or given by coordinates, with no marker of its own.",
    (
        Field("name", text(), "the stop's name, geocoded unless coords are given", required=True),
        Field("coords", Kind("coords"), "where it is"),
        Field("country", text(), "narrows the geocoder"),
        Field("feature", choice(FEATURES), "what the geocoder looks for"),
    ),
)

ROUTE = Section(
    "route",
    "A line on the map: a journey through two or more stops.",
    (
        Field(
            "id",
            Kind("slug"),
            "unique across places, routes, areas and events",
            required=True,
            geojson="id",
        ),
        Field(
            "name",
            text(),
            "shown in the popup and the legend",
            required=True,
            geojson="name",
            popup="title",
        ),
        Field(
            "mode",
            choice(ROUTE_MODES),
            "how it travels: its line's look",
            required=True,
            geojson="mode",
            popup="meta",
        ),
        Field(
            "via",
            list_of("waypoint", 2),
            "its stops in order: place ids or stops",
            required=True,
            popup="meta",
        ),
        Field(
            "schematic",
            Kind("bool"),
            "drawn through its waypoints, not the real track",
            geojson="schematic",
        ),
        NOTE,
        STATUS,
        quotes(),
    ),
    derived=(("name", "kind"), ("schematic", "length_km")),
)

AREA = Section(
    "area",
    "A shaded area: a country, a first-level region (state, province, oblast), or the"
    " polygons of a GeoJSON file.",
    (
        Field(
            "id",
            Kind("slug"),
            "unique across places, routes, areas and events",
            required=True,
            geojson="id",
        ),
        Field("name", text(), "shown in the popup", required=True, geojson="name", popup="title"),
        Field(
            "country",
            text(),
            "an ISO code or a country's name: the country shaded, or the one `region:` is in",
            geojson="country",
        ),
        Field(
            "region",
            text(),
            "a first-level region's name (`Lipetsk`, `Donetsk Oblast`, `Texas`), from Natural"
            " Earth; give `country:` where the name is ambiguous",
            geojson="region",
        ),
        Field(
            "geometry",
            Kind("file"),
            "a `.geojson` file inside the story folder: its Polygon or MultiPolygon"
            " (a Feature or FeatureCollection of them)",
            geojson="geometry_file",
        ),
        NOTE,
        STATUS,
        quotes(),
    ),
    derived=(("name", "kind"), ("region", "region_code")),
)

EVENT = Section(
    "event",
    "A dated happening at a place, on a route or in an area: the timeline.",
    (
        Field("id", Kind("slug"), "unique across places, routes, areas and events", required=True),
        Field("title", text(), "shown in the timeline", required=True),
        Field(
            "date", Kind("when"), "a day, a month, a year or a range `first/last`", required=True
        ),
        Field("place", ref("place"), "where: a place's id (exactly one of place, route, area)"),
        Field("route", ref("route"), "where: a route's id"),
        Field("area", ref("area"), "where: an area's id"),
        STATUS,
        NOTE,
        quotes(),
    ),
)

LEFT_OUT = Section(
    "left-out place",
    "A place the articles name that the map leaves out on purpose (`mapgen check` does not list it).",
    (
        Field("name", text(), "the place's name", required=True),
        Field("reason", text(), "why it is left out"),
    ),
)

INCLUDE = Section(
    "include",
    "A CSV or GeoJSON file of places, for stories with many.",
    (
        Field(
            "file",
            Kind("file"),
            "a `.csv`, `.geojson` or `.json` file inside the story folder",
            required=True,
        ),
        Field("kind", choice(PLACE_KINDS), "the kind of the rows that give none"),
        Field("source", ref("source"), "the source of the rows that give none"),
        Field("status", choice(STATUSES), "the status of the rows that give none"),
    ),
)

GEOCODER = Section(
    "geocoder",
    "The online geocoder to ask, only when a build is told it may go online.",
    (
        Field("name", Kind("service"), "the service to ask", required=True),
        Field("contact", text(), "an e-mail or address for the service's user agent"),
        Field("api_key_env", Kind("env"), "the environment variable holding the key"),
        Field("api_key_option", text(), "the service's name for the key option"),
        Field(
            "min_delay",
            Kind("number", least=0, most=60, unit=" seconds"),
            "seconds between requests",
        ),
        Field(
            "timeout",
            Kind("number", least=0, most=120, unit=" seconds"),
            "seconds to wait for an answer",
        ),
        Field("retries", Kind("count", most=10), "tries after a failure"),
        Field("options", Kind("options"), "the service's own options (no secrets, no proxies)"),
    ),
)

STORY = Section(
    "story",
    "The top level of places.yaml.",
    (
        Field("title", text(), "the map's title", required=True),
        Field("description", text(), "shown under the title"),
        Field("sources", list_of("source", 1), "the articles", required=True),
        Field("places", list_of("place"), "markers"),
        Field("include", list_of("include"), "files of more places"),
        Field("routes", list_of("route"), "lines"),
        Field("areas", list_of("area"), "shaded countries, regions and polygons"),
        Field("events", list_of("event"), "the timeline"),
        Field("left_out", list_of("left-out place"), "places left out on purpose"),
        Field("geocoder", Kind("geocoder"), "an online geocoder"),
        Field("data_layer", Kind("data_layer"), "when to draw places on one canvas layer"),
        Field("view", Kind("view"), "what the first view frames (default: the densest group)"),
        Field(
            "tiles",
            Kind("tiles"),
            "the map's background tiles (default: none, the offline outlines alone)",
        ),
    ),
)

VIEW = Section(
    "view",
    "The first view as a centre and a zoom (`view:` may instead list the feature ids to frame).",
    (
        Field("center", Kind("coords"), "the view's centre", required=True),
        Field("zoom", Kind("zoom"), "how close (0: the whole world)", required=True),
    ),
)

TILES = Section(
    "tiles",
    "The tile server the map's background comes from (`tiles: none`: the offline outlines alone,"
    " the default). A key is never written here: a page shows its key to every reader.",
    (
        Field("name", Kind("tile_provider"), "a provider's name (or give url)"),
        Field("url", Kind("tile_url"), "a template's address (or give name)"),
        Field("attribution", text(), "with url: the credit the tiles' owner asks for (text)"),
        Field(
            "api_key_env",
            Kind("env"),
            "the environment variable holding the key, read at build time",
        ),
        Field("max_zoom", Kind("count", most=24), "the closest zoom the server has tiles for"),
    ),
)

#: Every section, in the order the reference lists them.
FIELDS: tuple[Section, ...] = (
    STORY,
    SOURCE,
    PLACE,
    QUOTE,
    ROUTE,
    STOP,
    AREA,
    EVENT,
    LEFT_OUT,
    INCLUDE,
    GEOCODER,
    VIEW,
    TILES,
)
