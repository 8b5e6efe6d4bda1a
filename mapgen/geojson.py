"""The story as RFC 7946 GeoJSON, so any GIS tool can read it.

One Feature per place (Point), route (LineString along its geodesics) and area (Polygon or
MultiPolygon), each with its claim ``status``.  Positions are [longitude, latitude].
``sources`` is a foreign member naming the articles that the quotes' ``source`` ids refer
to; ``events`` another, the timeline's events in order, each naming its feature's id.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from itertools import repeat
from typing import Any

from . import geodesy
from .model import Event, GeocodedStory, Quote, Source
from .render import Quotes
from .timeline import events_in_order


def _quotes(quotes: Quotes, items: list[Quote]) -> list[dict[str, str]]:
    """``{source, text}``, and ``stance: denies`` for a quote that denies the claim."""
    out = []
    for q in items:
        entry = {"source": q.source, "text": quotes.words(q)}
        if q.stance != "claims":
            entry["stance"] = q.stance
        out.append(entry)
    return out


def _source(source: Source) -> dict[str, str]:
    entry = {"id": source.id, "title": source.title, "file": source.file}
    for key in ("outlet", "date", "url"):
        value = getattr(source, key)
        if value:
            entry[key] = value
    return entry


def _event(quotes: Quotes, event: Event) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": event.id,
        "title": event.title,
        "date": event.date.text,
        "start": event.date.start.isoformat(),
        "end": event.date.end.isoformat(),
        "status": event.status,
        "feature": event.feature,
    }
    if event.note:
        entry["note"] = event.note
    entry["quotes"] = _quotes(quotes, event.quotes)
    return entry


def _feature(fid: str, geometry: dict, properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "id": fid, "geometry": geometry, "properties": properties}


def to_geojson(geo: GeocodedStory) -> dict[str, Any]:
    """The FeatureCollection: places, then routes, then areas, each in story order."""
    story = geo.story
    quotes = Quotes(story)
    features = []
    for place in story.places:
        loc = geo.places[place.id]
        props = {
            "id": place.id,
            "name": place.name,
            "kind": place.kind,
            "precision": loc.precision,
            "geocoder": loc.geocoder,
            "status": place.status,
            "quotes": _quotes(quotes, place.quotes),
        }
        point = {"type": "Point", "coordinates": [round(loc.lon, 6), round(loc.lat, 6)]}
        features.append(_feature(place.id, point, props))
    for route in story.routes:
        points = geo.routes[route.id]
        props = {
            "id": route.id,
            "name": route.name,
            "kind": "route",
            "mode": route.mode,
            "schematic": route.schematic,
            "length_km": round(geodesy.length_km(points), 1),
            "status": route.status,
            "quotes": _quotes(quotes, route.quotes),
        }
        line = {
            "type": "LineString",
            "coordinates": [[lon, lat] for lat, lon in geodesy.densify(points)],
        }
        features.append(_feature(route.id, line, props))
    for area in story.areas:
        props = {
            "id": area.id,
            "name": area.name,
            "kind": "country",
            "country": area.country,
            "status": area.status,
            "quotes": _quotes(quotes, area.quotes),
        }
        features.append(_feature(area.id, geo.areas[area.id], props))
    return {
        "type": "FeatureCollection",
        "title": story.title,
        "sources": [_source(s) for s in story.sources],
        "events": [_event(quotes, e) for e in events_in_order(story)],
        "features": features,
    }


def text(geo: GeocodedStory) -> str:
    """``dumps(to_geojson(geo))``, to the byte, written without the dictionaries: a big
    story's places (100,000 of them) go straight from the story to their lines."""
    story = geo.story
    collection = to_geojson(_without_places(geo))
    quotes = Quotes(story)
    string = json.encoder.encode_basestring
    # A column at a time, each one C loop (``map``) over the places, not a step per place.
    places = story.places
    locs = list(map(geo.places.__getitem__, [p.id for p in places]))
    every = [q for p in places for q in p.quotes]
    words = list(map(string, map(quotes.words, every)))
    few = {  # the few sources, kinds, precisions, geocoders and statuses, encoded once
        v: string(v)
        for v in {q.source for q in every}
        | {p.kind for p in places}
        | {p.status for p in places}
        | {loc.precision for loc in locs}
        | {loc.geocoder for loc in locs}
    }
    cited = [
        f'{{"source": {few[q.source]}, "text": {w}}}'
        if q.stance == "claims"
        else f'{{"source": {few[q.source]}, "text": {w}, "stance": {string(q.stance)}}}'
        for q, w in zip(every, words, strict=True)
    ]
    counts = [len(p.quotes) for p in places]
    if all(n == 1 for n in counts):
        listed = cited
    else:
        listed, at = [], 0
        for n in counts:
            listed.append(", ".join(cited[at : at + n]))
            at += n
    get = few.__getitem__
    lines = list(
        map(
            _PLACE_LINE.format,
            map(string, [p.id for p in places]),
            map(repr, map(round, [loc.lon for loc in locs], repeat(6))),
            map(repr, map(round, [loc.lat for loc in locs], repeat(6))),
            map(string, [p.name for p in places]),
            map(get, [p.kind for p in places]),
            map(get, [loc.precision for loc in locs]),
            map(get, [loc.geocoder for loc in locs]),
            map(get, [p.status for p in places]),
            listed,
        )
    )
    line = _line_encoder()
    lines += [line(feature) for feature in collection["features"]]
    collection["features"] = []
    if not lines:
        return dumps(collection)
    opening = dumps(collection)[: -len('"features": []}\n')]
    body = ",\n".join(lines)
    return f'{opening}"features": [\n{body}\n]}}\n'


_PLACE_LINE = (
    '{{"type": "Feature", "id": {0}, "geometry": {{"type": "Point", "coordinates": [{1}, {2}]}},'
    ' "properties": {{"id": {0}, "name": {3}, "kind": {4}, "precision": {5}, "geocoder": {6},'
    ' "status": {7}, "quotes": [{8}]}}}}'
)


def _without_places(geo: GeocodedStory) -> GeocodedStory:
    """The story with no places, for :func:`text` to write its other features the slow way
    (the events still name their places, which need not exist for that)."""
    story = dataclasses.replace(geo.story, places=[])
    return dataclasses.replace(geo, story=story, places={})


def dumps(collection: dict[str, Any]) -> str:
    """Stable text: same story, same bytes; one feature per line, so that a moved place
    changes one line of the file (and 100,000 features are written in a blink: each line
    is encoded by json's C encoder, which an indented dump does without)."""
    head = {key: value for key, value in collection.items() if key != "features"}
    features = collection.get("features", [])
    line = _line_encoder()
    lines = [line(feature) for feature in features]
    opening = json.dumps(head, ensure_ascii=False)[:-1]
    body = ",\n".join(lines)
    return f'{opening}, "features": [\n{body}\n]}}\n' if lines else f'{opening}, "features": []}}\n'


def _refuse(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def _line_encoder() -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False)``, with json's C encoder made once rather
    than once per feature (a third faster for 100,000 features)."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is not None:
        try:
            encode = make(
                None, _refuse, json.encoder.encode_basestring, None, ": ", ", ", False, False, True
            )
            encode({"probe": [1.5, "é"]}, 0)
        except TypeError:  # another Python's private signature: the public way
            encode = None
        if encode is not None:
            return lambda value: "".join(encode(value, 0))
    return lambda value: json.dumps(value, ensure_ascii=False)
