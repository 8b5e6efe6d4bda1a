"""Read ``places.yaml`` into a :class:`~mapgen.story.model.Story`, or say everything wrong
with it.

An editor writes ``places.yaml`` by hand, so every mistake must come back as a line they
can act on (``places.yaml:LINE:COL: message``), never as a traceback, and all at once: the
whole file is checked and one :class:`~mapgen.core.errors.StoryError` lists every problem.

The keys each section takes, and the kind of value each holds, are declared once in
:mod:`mapgen.story.fields` (``docs/places-yaml.md`` is generated from it); the key specs
here are made from those declarations, each key read by its kind's converter
(:mod:`mapgen.story.convert`).  What stays in code is what a section means beyond its
keys: a quote's source must be known, a place's precision needs coords, an event is at
exactly one place, route or area, ids are unique across places, routes, areas and
events.  The file is guarded (:mod:`mapgen.story.yamlguard`) before it is walked; the
files it names are read as :mod:`mapgen.story.articles` says; an included CSV or GeoJSON
file by :mod:`mapgen.story.bulk`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..core.errors import StoryError
from . import bulk, fields
from .areafile import read_geometry
from .articles import (
    MAX_ARTICLE_BYTES,
    MAX_STORY_ARTICLE_BYTES,
    article_limit,
    is_within,
    mapgens_own,
    read_article,
    read_file,
    written_by_mapgen,
)
from .checker import BAD, TOP, Checker, Convert, KeySpec, Record
from .columns import suggest
from .convert import DATA_LAYER_CHOICES, converter, read_service, read_text
from .geocoder import GeocoderSetting, check_endpoint, check_key_env
from .model import (
    Area,
    Event,
    LeftOut,
    Place,
    PlaceTable,
    Pos,
    Quote,
    Route,
    Source,
    Story,
    StoryView,
    Waypoint,
)
from .tiles import KINDS as _TILE_KINDS
from .tiles import read_tiles
from .yamlguard import MAX_ALIAS_CHARS, MAX_DEPTH, MAX_EVENTS, MAX_NODES, TAG, parse, read_yaml_text

__all__ = [
    "DATA_LAYER_CHOICES",
    "MAX_ALIAS_CHARS",
    "MAX_ARTICLE_BYTES",
    "MAX_DEPTH",
    "MAX_EVENTS",
    "MAX_NODES",
    "MAX_SOURCES",
    "MAX_STORY_ARTICLE_BYTES",
    "STORY_FILE",
    "article_limit",
    "is_within",
    "load_story",
    "mapgens_own",
    "written_by_mapgen",
]

#: The story file looked for when ``load_story`` is given a folder.
STORY_FILE = "places.yaml"
#: Most sources a story may have: 100,000 tiny articles take 10 s and 0.5 GB to build, 30 s
#: and 0.7 GB to check; 370,000 (as many as :data:`MAX_EVENTS` lets through) took 85 s
#: to check.
MAX_SOURCES = 100_000


def load_story(path: str | os.PathLike[str]) -> Story:
    """Load and validate a story: a folder holding ``places.yaml``, or the YAML file itself.

    Each source's article is read into :attr:`Source.text`.  Raises one
    :class:`StoryError` listing every problem found, each with its file, line and column.
    """
    file, yaml_path = _locate(path)
    text = read_yaml_text(file, yaml_path)
    root = parse(file, text)
    # The folder's real path, not the file's: the file was read without following a
    # link, and resolving it now could follow one swapped in since (to /etc/x.yaml),
    # making /etc the folder the articles are read from.
    story_path = yaml_path.parent.resolve() / yaml_path.name
    checker = _StoryChecker(file, story_path.parent, text, story_path)
    story = checker.story(root, story_path)
    if checker.problems or story is None:
        raise StoryError(checker.sorted_problems())
    return story


def _locate(path: str | os.PathLike[str]) -> tuple[str, Path]:
    """The YAML file's name as the user will recognise it, and its path."""
    given = os.fspath(path)
    if os.path.isdir(given):
        given = os.path.normpath(os.path.join(given, STORY_FILE))
    return given, Path(given)


class _StoryChecker(Checker):
    """The checker of a whole story: the top level, and the ids shared across sections."""

    def story(self, root: Node | None, path: Path) -> Story | None:
        if root is None:
            self.fail(Pos(self.file, 1, 1), "the file is empty; a story needs title: and sources:")
            return None
        record = self.mapping(root, _spec(fields.STORY), TOP)
        self.check_unique_ids()
        if record is None or not record.ok:
            return None
        values = record.values
        return Story(
            title=values["title"],
            path=path,
            sources=values["sources"],
            places=PlaceTable([values.get("places", []), *values.get("include", [])]),
            routes=values.get("routes", []),
            areas=values.get("areas", []),
            description=values.get("description"),
            geocoder=values.get("geocoder"),
            data_layer=values.get("data_layer", "auto"),
            events=values.get("events", []),
            left_out=values.get("left_out", []),
            view=values.get("view"),
            tiles=values.get("tiles"),
        )

    def check_unique_ids(self) -> None:
        """Places, routes, areas and events share one id space: their ids become GeoJSON
        ids, and the page's reader finds a feature's quotes by its id."""
        ids = [feature_id for feature_id, _ in self.feature_ids]
        ids += [feature_id for bulk_ids, _ in self.bulk_ids for feature_id in bulk_ids]
        if len(set(ids)) == len(ids):  # the usual case, told without sorting 100,000
            return
        everywhere = self.feature_ids + [
            (feature_id, pos_of(k))
            for bulk_ids, pos_of in self.bulk_ids
            for k, feature_id in enumerate(bulk_ids)
        ]
        first: dict[str, Pos] = {}
        for feature_id, pos in sorted(
            everywhere,
            key=lambda item: (item[1].file != self.file, item[1].line, item[1].col),
        ):
            if feature_id in first:
                at = first[feature_id]
                where = f"line {at.line}" if at.file == pos.file else f"{at.file}:{at.line}"
                self.fail(pos, f"duplicate id '{feature_id}' (first at {where})")
            else:
                first[feature_id] = pos


# --- the sections -----------------------------------------------------------------------


def _quote(ck: _StoryChecker, node: Node, label: str) -> Any:
    """Its ``pos`` is the text's: a quote missing from its article is reported there."""
    record = ck.mapping(node, _spec(fields.QUOTE), label)
    if record is None:
        return BAD
    if not record.ok:
        return BAD
    values = record.values
    stance = values.get("stance", "claims")
    return Quote(values["source"], values["text"], ck.pos(record.nodes["text"]), stance)


def _source(ck: _StoryChecker, node: Node, label: str) -> Any:
    record = ck.mapping(node, _spec(fields.SOURCE), label)
    if record is None:
        return BAD
    source_id = record.values.get("id")
    if source_id is not None:
        if source_id in ck.source_ids:
            first = ck.source_ids[source_id].line
            ck.fail(
                record.nodes["id"], f"duplicate source id '{source_id}' (first at line {first})"
            )
            record.ok = False
        else:
            ck.source_ids[source_id] = ck.pos(record.nodes["id"])
    if "file" not in record.values:
        return BAD
    text = read_article(ck, record.nodes["file"], record.values["file"])
    if text is BAD or not record.ok:
        return BAD
    return Source(pos=record.pos, text=text, **record.values)


def _place(ck: _StoryChecker, node: Node, label: str) -> Any:
    record = _feature(ck, node, label, fields.PLACE, ck.place_ids)
    if record is None:
        return BAD
    values = record.values
    if (
        "precision" in record.nodes
        and "coords" not in record.nodes
        and values.get("precision") != "region"  # a region's name, looked up as one
    ):
        ck.fail(
            record.nodes["precision"],
            "precision says how sure coords are; add coords: [lat, lon] or remove precision"
            " (without coords, only `precision: region` is allowed: the name is a region's)",
        )
        return BAD
    if not record.ok:
        return BAD
    if "coords" in values:
        values.setdefault("precision", "point")
    extra = {key: values.pop(key) for key in list(values) if key not in _PLACE_ATTRIBUTES}
    return (
        Place(pos=record.pos, **values, extra=extra) if extra else Place(pos=record.pos, **values)
    )


def _waypoint(ck: _StoryChecker, node: Node, label: str) -> Any:
    """A place id (it must exist: places are read before routes) or an inline stop."""
    if isinstance(node, MappingNode):
        record = ck.mapping(node, _spec(fields.STOP), "a waypoint")
        if record is None or not record.ok:
            return BAD
        return Waypoint(pos=record.pos, **record.values)
    place = read_text(ck, node, label)
    if place is BAD:
        return BAD
    if place not in ck.place_ids:
        hint = suggest(place, list(ck.place_ids))
        return ck.fail(node, f"via: no place with id '{place}'{hint}")
    return Waypoint(pos=ck.pos(node), place=place)


def _route(ck: _StoryChecker, node: Node, label: str) -> Any:
    record = _feature(ck, node, label, fields.ROUTE, ck.route_ids)
    return Route(pos=record.pos, **record.values) if record is not None and record.ok else BAD


def _area(ck: _StoryChecker, node: Node, label: str) -> Any:
    """An area: a country (``country:``), a region (``region:``, ``country:`` its hint) or
    a GeoJSON file's polygons (``geometry:``, read now: :mod:`mapgen.story.areafile`)."""
    record = _feature(ck, node, label, fields.AREA, ck.area_ids)
    if record is None:
        return BAD
    nodes, values = record.nodes, record.values
    if "region" in nodes and "geometry" in nodes:
        return ck.fail(
            nodes["geometry"],
            f"area{_id_of(record)} is a region or a GeoJSON file's polygons; it has both",
        )
    if not any(key in nodes for key in ("country", "region", "geometry")):
        return ck.fail(
            record.pos,
            f"area{_id_of(record)} needs what it shades: country:, region: or geometry:",
        )
    if not record.ok:
        return BAD
    shape = None
    if "geometry" in values:
        shape = read_geometry(ck, nodes["geometry"], values["geometry"], f"area{_id_of(record)}")
        if shape is BAD:
            return BAD
    values.setdefault("country", None)
    return Area(pos=record.pos, shape=shape, **values)


def _event(ck: _StoryChecker, node: Node, label: str) -> Any:
    """An event: where it happened is exactly one of its place, route or area."""
    record = _feature(ck, node, label, fields.EVENT)
    if record is None:
        return BAD
    where = [key for key in ("place", "route", "area") if key in record.nodes]
    if len(where) > 1:
        second = record.nodes[where[1]]
        return ck.fail(
            _key_node(node, where[1]) or second,
            f"event{_id_of(record)} is at one place, route or area; it has both"
            f" {where[0]}: and {where[1]}:",
        )
    if not where:
        return ck.fail(
            record.pos,
            f"event{_id_of(record)} needs where it happened: place:, route: or area: (an id)",
        )
    return Event(pos=record.pos, **record.values) if record.ok else BAD


def _key_node(node: Node, key: str) -> Node | None:
    if isinstance(node, MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and key_node.value == key:
                return key_node
    return None


def _id_of(record: Record) -> str:
    value = record.values.get("id")
    return f" '{value}'" if value else ""


def _left_out(ck: _StoryChecker, node: Node, label: str) -> Any:
    """A name (``United States``) or ``{name: ..., reason: ...}``."""
    if isinstance(node, MappingNode):
        record = ck.mapping(node, _spec(fields.LEFT_OUT), "a left-out place")
        if record is None or not record.ok:
            return BAD
        return LeftOut(pos=record.pos, **record.values)
    name = read_text(ck, node, "left_out")
    return BAD if name is BAD else LeftOut(name=name, pos=ck.pos(node))


def _include(ck: _StoryChecker, node: Node, label: str) -> Any:
    """A CSV or GeoJSON file of places (see :mod:`mapgen.story.bulk`): its name, or
    ``{file: ..., kind: ..., source: ..., status: ...}`` with defaults for its rows."""
    if isinstance(node, MappingNode):
        record = ck.mapping(node, _spec(fields.INCLUDE), "an include")
        if record is None or not record.ok:
            return BAD
        values, file_node = record.values, record.nodes["file"]
    else:
        name = read_text(ck, node, label)
        if name is BAD:
            return BAD
        values, file_node = {"file": name}, node
    name = values.pop("file")
    if not name.lower().endswith(bulk.BULK_SUFFIXES):
        return ck.fail(file_node, f"{label}: '{name}' is not a .csv, .geojson or .json file")
    data = read_file(ck, file_node, name, bulk.MAX_BYTES)
    if data is BAD:
        return BAD
    shown = os.path.join(os.path.dirname(ck.file), *re.split(r"[\\/]", name))
    places, problems = bulk.read_places(
        Path(shown), shown, bulk.Defaults(**values), ck.source_ids, data=data
    )
    ck.problems += problems
    if isinstance(places, bulk.Rows):  # ids a column at a time; positions if a message needs them
        ids = places.columns.ids
        ck.place_ids.update(dict.fromkeys(ids) | ck.place_ids)
        ck.bulk_ids.append((ids, places.columns.pos))
        return BAD if problems else (places.columns, places.make)
    for place in places:
        ck.place_ids.setdefault(place.id, place.pos)
        ck.feature_ids.append((place.id, place.pos))
    return BAD if problems else places


def _feature(
    ck: _StoryChecker,
    node: Node,
    label: str,
    section: fields.Section,
    ids: dict[str, Pos | None] | dict[str, Pos] | None = None,
) -> Record | None:
    """A place's, route's, area's or event's mapping, read against its section: its id
    noted in the id space all four share, and in ``ids`` (the section's own, which the
    references read after it look up)."""
    record = ck.mapping(node, _spec(section), label)
    if record is not None and "id" in record.values:
        ck.feature_ids.append((record.values["id"], ck.pos(record.nodes["id"])))
        if ids is not None:
            ids.setdefault(record.values["id"], record.pos)
    return record


def _geocoder(ck: _StoryChecker, node: Node, label: str) -> Any:
    """The online geocoder setting (used only when a build or ``mapgen geocode`` may go
    online): a service name, or a mapping with ``name`` and its options."""
    if isinstance(node, ScalarNode) and node.tag == TAG + "str":
        name = read_service(ck, node, label)
        return BAD if name is BAD else GeocoderSetting(name=name)
    record = ck.mapping(node, _spec(fields.GEOCODER), label)
    if record is None or not record.ok:
        return BAD
    variable = record.values.get("api_key_env")
    problem = check_key_env(record.values["name"], variable) if variable else None
    if problem:
        return ck.fail(record.nodes["api_key_env"], f"{label}: {problem}")
    problem = check_endpoint(record.values.get("options") or {})
    if problem:
        return ck.fail(record.nodes["options"], f"{label}: {problem}")
    return GeocoderSetting(**record.values)


def _view(ck: _StoryChecker, node: Node, label: str) -> Any:
    """What the first view frames: a list of feature ids (places, routes, areas, events;
    read last, so every id is known), or ``{center: [lat, lon], zoom: N}``."""
    if isinstance(node, SequenceNode):
        ids = _convert(fields.Kind("list", item="feature id", least=1))(ck, node, label)
        if ids is BAD:
            return BAD
        known = [i for i, _ in ck.feature_ids] + [i for b, _ in ck.bulk_ids for i in b]
        ok = True
        for child, value in zip(node.value, ids, strict=True):
            if value not in set(known):
                ck.fail(child, f"{label}: no feature with id '{value}'{suggest(value, known)}")
                ok = False
        return StoryView(ids=tuple(ids)) if ok else BAD
    record = ck.mapping(node, _spec(fields.VIEW), label)
    if record is None or not record.ok:
        return BAD
    return StoryView(center=record.values["center"], zoom=record.values["zoom"])


#: The closest ``view: {zoom: N}`` may ask for (the tiles stop at 19).
MAX_VIEW_ZOOM = 18


def _zoom(ck: _StoryChecker, node: Node, label: str) -> Any:
    value = _convert(fields.Kind("count"))(ck, node, label)
    if value is not BAD and value > MAX_VIEW_ZOOM:
        return ck.fail(node, f"{label} must be a whole number from 0 to {MAX_VIEW_ZOOM}")
    return value


# --- the key specs, made from the declarations --------------------------------------------

#: The model's own attributes of a place; a declared key without one goes to ``extra``.
_PLACE_ATTRIBUTES = frozenset(Place.__dataclass_fields__) - {"extra"}

#: The readers of a list's items, by the section (or ``waypoint``) the list holds.
_ITEMS: dict[str, Convert] = {
    "quote": _quote,
    "source": _source,
    "place": _place,
    "include": _include,
    "route": _route,
    "area": _area,
    "event": _event,
    "left-out place": _left_out,
    "waypoint": _waypoint,
    "feature id": read_text,
}
#: The most items a list may hold, asked when read (so that tests can lower it).
_MOST_ITEMS: dict[str, Callable[[], int]] = {"source": lambda: MAX_SOURCES}
#: Kinds a section reads itself.
_SECTION_KINDS: dict[str, Convert] = {
    "geocoder": _geocoder,
    "view": _view,
    "zoom": _zoom,
    "tiles": read_tiles,  # mapgen.story.tiles
    **_TILE_KINDS,
}
_SPECS: dict[int, tuple[fields.Section, dict[str, KeySpec]]] = {}


def _spec(section: fields.Section) -> dict[str, KeySpec]:
    """The key specs of ``section``, in its declared order (sources are read before
    places, places before routes, all before events), each key read by its kind."""
    made = _SPECS.get(id(section))
    if made is None or made[0] is not section:
        spec = {
            f.key: KeySpec(_SECTION_KINDS.get(f.kind.name) or _convert(f.kind), f.required)
            for f in section.fields
        }
        made = _SPECS[id(section)] = (section, spec)
    return made[1]


def _convert(kind: fields.Kind) -> Convert:
    return converter(kind, _ITEMS, _MOST_ITEMS)
