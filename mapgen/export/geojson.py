"""The story as RFC 7946 GeoJSON, so any GIS tool can read it.

One Feature per place (Point), route (LineString along its geodesics) and area (Polygon or
MultiPolygon), each with its claim ``status``.  Positions are [longitude, latitude].
``sources`` is a foreign member naming the articles that the quotes' ``source`` ids refer
to; ``events`` another, the timeline's events in order, each naming its feature's id.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from itertools import compress, count, repeat, starmap
from operator import contains, getitem, is_, not_
from typing import Any

import numpy as np

from ..geo import geodesy
from ..quotes.quoted import Quotes
from ..quotes.sentences import sentences_column
from ..story.model import (
    Event,
    GeocodedStory,
    Location,
    Place,
    Quote,
    Source,
    Story,
    location_columns,
    place_columns,
)
from ..story.when import events_in_order


def _quotes(quotes: Quotes, items: list[Quote]) -> list[dict[str, str]]:
    """``{source, text}``, its ``sentence`` if the quote leaves part of it out, and
    ``stance: denies`` for a quote that denies the claim."""
    out = []
    for q in items:
        entry = {"source": q.source, "text": quotes.words(q)}
        sentence = quotes.sentence_of(q.source, q.text)
        if sentence is not None:
            entry["sentence"] = sentence
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


def _place_feature(quotes: Quotes, place: Place, loc: Location) -> dict[str, Any]:
    """A place's Feature (to_geojson's, and text()'s for a place with no quote)."""
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
    return _feature(place.id, point, props)


def to_geojson(geo: GeocodedStory) -> dict[str, Any]:
    """The FeatureCollection: places, then routes, then areas, each in story order."""
    story = geo.story
    quotes = Quotes(story)
    features = []
    for place in story.places:
        features.append(_place_feature(quotes, place, geo.places[place.id]))
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
    lines = _lines(geo)
    # One join makes the whole text (50 million characters for 100,000 places), where
    # joining the lines and then adding the ends would copy it twice.
    return lines if isinstance(lines, str) else ",\n".join(lines)


def encoded(geo: GeocodedStory, lines_at_once: int = 10_000) -> Iterator[bytes]:
    """:func:`text` in UTF-8, a few thousand lines at a time: never the whole text in
    memory, twice (as a str, then as bytes), but pieces that are written and let go."""
    lines = _lines(geo)
    if isinstance(lines, str):
        yield lines.encode("utf-8")
        return
    for start in range(0, len(lines), lines_at_once):
        piece = lines[start : start + lines_at_once]
        if start + lines_at_once < len(lines):
            piece.append("")  # the comma and line break before the next piece's first
        yield ",\n".join(piece).encode("utf-8")


def _lines(geo: GeocodedStory) -> list[str] | str:
    """The lines of :func:`text`, the first and last with the collection's ends on them
    (to be joined by ``,\\n``), or the whole text if there are none."""
    collection = to_geojson(_without_places(geo))
    line = _line_encoder()
    lines = _place_lines(geo, line)
    lines += [line(feature) for feature in collection["features"]]
    collection["features"] = []
    if not lines:
        return dumps(collection)
    opening = dumps(collection)[: -len('"features": []}\n')]
    lines[0] = f'{opening}"features": [\n{lines[0]}'
    lines[-1] += "\n]}\n"
    return lines


def _place_lines(geo: GeocodedStory, line: Callable[[Any], str]) -> list[str]:
    """Each place's Feature as ``line`` writes it, made a column at a time (each column
    one C loop or list comprehension over the places) and each line by one f-string,
    which takes less than half the time ``str.format`` does."""
    story = geo.story
    places = story.places
    table = place_columns(places)  # a big story's, read from its columns
    string = json.encoder.encode_basestring
    ids = table.ids
    at = location_columns(geo.places, ids)
    kinds = table.kinds
    statuses = table.statuses
    precisions = at.precisions
    geocoders = at.geocoders
    sources = table.quote_sources
    few = {  # the few sources, kinds, precisions, geocoders and statuses, encoded once
        v: string(v) for v in {*sources, *kinds, *statuses, *precisions, *geocoders}
    }
    get = few.__getitem__
    cited = list(map(get, sources))
    words = _quote_words(story, sources, table.quote_texts)
    _add_sentences(story, sources, table.quote_texts, words)
    counts = table.counts
    stances = table.quote_stances
    # A line holds its place's first quote's source and words; ``more``, what follows
    # them to the end of the list: most often just the brace that closes the quote.
    if counts.count(1) == len(counts) and stances.count("claims") == len(stances):
        more = ["}"] * len(ids)
    else:
        cited, words, more = _first_quotes(counts, cited, words, stances)
    columns = zip(
        map(string, ids),
        _coordinates(at.lons),
        _coordinates(at.lats),
        map(string, table.names),
        map(get, kinds),
        map(get, precisions),
        map(get, geocoders),
        map(get, statuses),
        cited,
        words,
        more,
        strict=True,
    )
    lines = [
        f'{{"type": "Feature", "id": {i}, "geometry": {{"type": "Point", "coordinates":'
        f' [{lon}, {lat}]}}, "properties": {{"id": {i}, "name": {name}, "kind": {kind},'
        f' "precision": {precision}, "geocoder": {geocoder}, "status": {status},'
        f' "quotes": [{{"source": {source}, "text": "{w}"{rest}]}}}}'
        for i, lon, lat, name, kind, precision, geocoder, status, source, w, rest in columns
    ]
    if 0 in counts:  # a place with no quote has no first quote: the plain way
        quotes = Quotes(story)
        for k in compress(count(), map(not_, counts)):
            lines[k] = line(_place_feature(quotes, places[k], at.location(k)))
    return lines


def _first_quotes(
    counts: list[int], cited: list[str], words: list[str], stances: list[str]
) -> tuple[list[str], list[str], list[str]]:
    """The source, words and ``more`` of each place's first quote (see :func:`_place_lines`)
    when not every place has just one quote, a claim (empty strings for a place with
    none)."""
    string = json.encoder.encode_basestring
    ends = ["}" if stance == "claims" else f', "stance": {string(stance)}}}' for stance in stances]
    firsts, texts, more = [], [], []
    at = 0
    for n in counts:
        if not n:
            firsts.append("")
            texts.append("")
            more.append("")
            continue
        firsts.append(cited[at])
        texts.append(words[at])
        following = zip(
            cited[at + 1 : at + n], words[at + 1 : at + n], ends[at + 1 : at + n], strict=True
        )
        more.append(
            ends[at] + "".join(f', {{"source": {s}, "text": "{w}"{end}' for s, w, end in following)
        )
        at += n
    return firsts, texts, more


def _quote_words(story: Story, sources: list[str], quoted: list[str]) -> list[str]:
    """``encode_basestring(Quotes(story).words(q))`` of each quote (given by its source and
    text), without the quote marks at either end, a column at a time: a call per quote
    took half of :func:`text`'s time.

    Each article is sliced at the quote's span by one C loop.  A slice that is printable
    (no white space but the space, no control character), with no quote mark, backslash,
    two spaces running or space at either end, is what folding its white space gives and
    is its own JSON text: in articles as they are, all but a few.  (The test is
    :func:`~mapgen.sources.folds_to_itself`'s but for printable text of any script: the
    typographic quotes and dashes articles print need no folding here.)  The others are
    folded and encoded one by one, and a quote with no span (not in ``story.spans``, or
    not found) gets what :class:`Quotes` gives it.
    """
    string = json.encoder.encode_basestring
    asked = Quotes(story)
    spans = asked.spans()  # waiting for them if they are still being found
    if not isinstance(spans, dict):  # a mapping of another kind: read as Quotes reads it
        return [string(w)[1:-1] for w in map(asked.words_of, sources, quoted)]
    found = list(map(spans.get, zip(sources, quoted, strict=True)))
    unknown = list(compress(count(), map(is_, found, repeat(None))))
    articles = {s.id: s.text for s in story.sources}
    if unknown:  # any slice will do for these, replaced below
        cuts = [span or (0, 0) for span in found]
        texts = [articles[s] if span else "" for s, span in zip(sources, found, strict=True)]
    else:
        cuts = found
        texts = list(map(articles.__getitem__, sources))
    words = list(map(getitem, texts, starmap(slice, cuts)))
    odd = set(compress(count(), map(not_, map(str.isprintable, words))))
    for test, part in _NOT_PLAIN:
        odd.update(compress(count(), map(test, words, repeat(part))))
    for k in odd:
        words[k] = string(" ".join(words[k].split()))[1:-1]
    for k in unknown:
        words[k] = string(asked.words_of(sources[k], quoted[k]))[1:-1]
    return words


def _add_sentences(story: Story, sources: list[str], quoted: list[str], words: list[str]) -> None:
    """Follow the words of each quote that leaves part of its sentence out with the
    ``sentence`` member, as :func:`_quotes` writes it: ``words`` is the JSON text between
    the quote marks of ``"text": "..."``, so the member goes in before its closing mark
    (``words", "sentence": "the sentence``).  The sentences are found a column at a time
    (:func:`mapgen.context.sentences_column`); a quote with no span gets what
    :class:`Quotes` gives it."""
    string = json.encoder.encode_basestring
    asked = Quotes(story)
    spans = asked.spans()
    if isinstance(spans, dict):
        found = list(map(spans.get, zip(sources, quoted, strict=True)))
    else:
        found = list(map(asked.span_of, sources, quoted))
    known = list(compress(count(), found))
    articles = {s.id: s.text for s in story.sources}
    got = sentences_column(
        articles, list(map(sources.__getitem__, known)), list(map(found.__getitem__, known))
    )
    for k, sentence in zip(known, got, strict=True):
        if sentence is not None:
            words[k] += f'", "sentence": {string(sentence)[:-1]}'
    for k in compress(count(), map(is_, found, repeat(None))):
        sentence = asked.sentence_of(sources[k], quoted[k])
        if sentence is not None:
            words[k] += f'", "sentence": {string(sentence)[:-1]}'


#: What, in printable text, makes its white space folded or its JSON text other than it.
_NOT_PLAIN = (
    (contains, '"'),
    (contains, "\\"),
    (contains, "  "),
    (str.startswith, " "),
    (str.endswith, " "),
)


def _coordinates(values: list[float]) -> list[str]:
    """``repr(round(v, 6))`` of each value, as :func:`to_geojson` rounds a position and
    json writes it, in half the time when, as is usual, every value is a decimal of 6
    places or fewer already (geocoders' answers are rounded so, typed ones seldom have
    more): ``round`` then gives the value back, and repr alone will do.

    Such a value ``v`` is the float nearest to ``t = n / 10**6`` for a whole number ``n``,
    which numpy tells for all of them at once (``rint(v * 1e6) / 1e6 == v``, each step
    rounded as IEEE 754 rounds).  ``round(v, 6)`` is the float nearest to the decimal of
    6 places nearest to ``v``: ``t`` itself while half a unit in the last place of ``v``
    is less than half of 1e-6, and beyond that (from 2**33) a decimal within half a unit
    of ``v`` anyway, so ``v`` either way.  Any other value, or a column holding anything
    but floats (``round(True, 6)`` is 1), is rounded the plain way.
    """
    if {*map(type, values)} <= {float}:
        array = np.array(values, dtype=float)
        with np.errstate(over="ignore"):  # beyond 1e302: inf, not equal, the plain way
            if np.array_equal(np.rint(array * 1e6) / 1e6, array) and np.isfinite(array).all():
                return list(map(repr, values))
    texts = list(map(repr, map(round, values, repeat(6))))
    # json writes what is not a number as JavaScript does (a story's loader lets none in;
    # a story made in Python might have one)
    return [_NOT_FINITE.get(text, text) for text in texts]


_NOT_FINITE = {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}


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
