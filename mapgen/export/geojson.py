"""The story as RFC 7946 GeoJSON, so any GIS tool can read it.

One Feature per place (Point), route (LineString along its geodesics) and area (Polygon or
MultiPolygon), each with its claim ``status``.  Positions are [longitude, latitude].
``sources`` is a foreign member naming the articles that the quotes' ``source`` ids refer
to; ``events`` another, the timeline's events in order, each naming its feature's id.

One writer makes every line, a column at a time (100,000 places are written in a blink):
a feature's properties are those its section declares (:attr:`Section.geojson
<mapgen.story.fields.Section.geojson>`), each a column of JSON texts (a property that is
None omitted), and each line is its columns joined.  A field declared with a GeoJSON
property is written with no change here; only the properties the build works out (a
place's position's precision and geocoder, a route's length) are named below.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from itertools import compress, count, islice, repeat, starmap
from operator import contains, getitem, is_, not_
from typing import Any

import numpy as np

from ..geo import geodesy
from ..geo.regions import region
from ..quotes.quoted import Quotes
from ..quotes.sentences import sentences_column
from ..story.fields import AREA, PLACE, ROUTE, Section
from ..story.model import GeocodedStory, Story, location_columns, place_columns
from ..story.when import events_in_order

#: A column of JSON texts, one per row (None: the member is left out of that row), or
#: pieces (constant texts and columns) that make one member's value, present in every row.
Column = list[Any]
Pieces = tuple[Any, ...]
_string = json.encoder.encode_basestring


def to_geojson(geo: GeocodedStory) -> dict[str, Any]:
    """The FeatureCollection as Python values: what :func:`text` writes, read back."""
    return json.loads(text(geo))


def text(geo: GeocodedStory) -> str:
    """The FeatureCollection as :func:`dumps` lays it out: a line per feature."""
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
    story = geo.story
    quotes = Quotes(story)
    sources = _objects(
        [
            ("id", [s.id for s in story.sources]),
            ("title", [s.title for s in story.sources]),
            ("file", [s.file for s in story.sources]),
            *((key, [getattr(s, key) or None for s in story.sources]) for key in _SOURCE),
        ]
    )
    events = _event_texts(story, quotes)
    opening = (
        f'{{"type": "FeatureCollection", "title": {_string(story.title)},'
        f' "sources": [{", ".join(sources)}], "events": [{", ".join(events)}], '
    )
    lines = _place_lines(geo, quotes) + _route_lines(geo, quotes) + _area_lines(geo, quotes)
    if not lines:
        return f'{opening}"features": []}}\n'
    lines[0] = f'{opening}"features": [\n{lines[0]}'
    lines[-1] += "\n]}\n"
    return lines


#: A source's members written only when it has them.
_SOURCE = ("outlet", "date", "url")


def _event_texts(story: Story, quotes: Quotes) -> list[str]:
    """The timeline's events, in order, each as one JSON object."""
    events = events_in_order(story)
    return _objects(
        [
            ("id", [e.id for e in events]),
            ("title", [e.title for e in events]),
            ("date", [e.date.text for e in events]),
            ("start", [e.date.start.isoformat() for e in events]),
            ("end", [e.date.end.isoformat() for e in events]),
            ("status", [e.status for e in events]),
            ("feature", [e.feature for e in events]),
            ("note", [e.note or None for e in events]),
            ("quotes", _quotes_of(story, quotes, [e.quotes for e in events])),
        ]
    )


# --------------------------------------------------------------------------- features


def _place_lines(geo: GeocodedStory, quotes: Quotes) -> list[str]:
    """Each place's Feature, read from the story's columns (a big story's are never
    objects) and its position's."""
    table = place_columns(geo.story.places)
    ids = table.ids
    at = location_columns(geo.places, ids)
    point = (
        '{"type": "Point", "coordinates": [',
        _coordinates(at.lons),
        ", ",
        _coordinates(at.lats),
        "]}",
    )
    made = {  # what the build works out; the other properties are the fields' columns
        "precision": at.precisions,
        "geocoder": at.geocoders,
        "quotes": _quotes_column(
            geo.story,
            quotes,
            table.counts,
            table.quote_sources,
            table.quote_texts,
            table.quote_stances,
        ),
    }
    return _features(PLACE, table.column, made, point)


def _route_lines(geo: GeocodedStory, quotes: Quotes) -> list[str]:
    routes = geo.story.routes
    points = [geo.routes[r.id] for r in routes]
    line = _line_encoder()
    tracks = [
        line({"type": "LineString", "coordinates": [[lon, lat] for lat, lon in geodesy.densify(p)]})
        for p in points
    ]
    made = {
        "kind": ["route"] * len(routes),
        "length_km": [round(geodesy.length_km(p), 1) for p in points],
        "quotes": _quotes_of(geo.story, quotes, [r.quotes for r in routes]),
    }
    return _features(ROUTE, _attributes(routes), made, (tracks,))


def _area_lines(geo: GeocodedStory, quotes: Quotes) -> list[str]:
    areas = geo.story.areas
    line = _line_encoder()
    made = {
        "kind": [a.kind for a in areas],
        "region_code": [_iso(geo.area_regions.get(a.id)) for a in areas],
        "quotes": _quotes_of(geo.story, quotes, [a.quotes for a in areas]),
    }
    return _features(AREA, _attributes(areas), made, ([line(geo.areas[a.id]) for a in areas],))


def _iso(code: str | None) -> str | None:
    """A region's ISO 3166-2 code, not the code of a group of regions (``FR:Bretagne``)."""
    found = region(code) if code else None
    return found.iso if found is not None else None


def _attributes(features: Sequence[Any]) -> Callable[[str], list[Any]]:
    """The column of a field (by its key) of features that are objects."""
    return lambda key: [getattr(f, key) for f in features]


def _features(
    section: Section,
    column: Callable[[str], list[Any]],
    made: dict[str, Column | Pieces],
    geometry: Pieces,
) -> list[str]:
    """Each feature's line: its id, its geometry (pieces), and the properties the section
    declares, each from ``made`` if the build works it out, else the column of the field
    that declares it (``column(key)``)."""
    keys = {f.geojson: f.key for f in section.fields if f.geojson is not None}
    ids = _encode(column(keys["id"]))
    members = [
        (prop, ids if prop == "id" else made[prop] if prop in made else column(keys[prop]))
        for prop in section.geojson
    ]
    return _rows(
        [
            '{"type": "Feature", "id": ',
            ids,
            ', "geometry": ',
            *geometry,
            ', "properties": ',
            *_members(members),
            "}",
        ]
    )


def _objects(members: list[tuple[str, Column | Pieces]]) -> list[str]:
    """A JSON object per row of the columns (see :func:`_members`)."""
    return _rows(list(_members(members)))


def _members(members: list[tuple[str, Column | Pieces]]) -> list[Any]:
    """The pieces of a JSON object, ``{"name": value, ...}``: a member's value is pieces
    (written in every row), or a column of values (JSON texts, or values to encode), a row
    whose value is None leaving the member out.  The first member is in every row."""
    pieces: list[Any] = ["{"]
    for n, (name, value) in enumerate(members):
        key = f"{', ' if n else ''}{_string(name)}: "
        if isinstance(value, tuple):
            pieces += [key, *value]
            continue
        texts = value if _encoded(value) else _encode(value)
        if texts.gaps:
            assert n, "the first member is in every row"
            pieces.append(["" if t is None else key + t for t in texts])
        else:
            pieces += [key, texts]
    pieces.append("}")
    return pieces


def _rows(pieces: list[Any]) -> list[str]:
    """Each row's text: the pieces (texts, the same in every row, and columns) joined, a C
    loop over the rows (as fast as one f-string per row, and made for any pieces)."""
    merged: list[Any] = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    columns = [p for p in merged if not isinstance(p, str)]
    n = len(columns[0]) if columns else 0
    if not n:
        return []
    each = (repeat(p, n) if isinstance(p, str) else p for p in merged)
    return list(map("".join, zip(*each, strict=True)))


class _Texts(list):
    """A column already JSON texts (:func:`_encode`'s); ``gaps`` if a row has None."""

    gaps = False


def _encoded(values: list[Any]) -> bool:
    return isinstance(values, _Texts)


def _encode(values: Sequence[Any]) -> _Texts:
    """Each value as JSON text (None kept, for a member left out): a column of a few
    strings (kinds, statuses) each encoded once, a column of strings by one C loop, any
    other value as json writes it."""
    try:
        if len(set(islice(values, 1000))) <= 100:  # a few values, most likely
            distinct = set(values)
            if all(type(v) is str or v is None for v in distinct):
                few = {v: None if v is None else _string(v) for v in distinct}
                made = _Texts(map(few.__getitem__, values))
                made.gaps = None in distinct
                return made
        return _Texts(map(_string, values))  # a TypeError if one is not a str
    except TypeError:  # a value that is not a str, or not hashable
        line = _line_encoder()
        made = _Texts(None if v is None else line(v) for v in values)
        made.gaps = None in made
        return made


# --------------------------------------------------------------------------- quotes


def _quotes_of(story: Story, quotes: Quotes, lists: list[list[Any]]) -> Column | Pieces:
    """:func:`_quotes_column` of features that are objects, each with its list of quotes."""
    flat = [q for items in lists for q in items]
    return _quotes_column(
        story,
        quotes,
        list(map(len, lists)),
        [q.source for q in flat],
        [q.text for q in flat],
        [q.stance for q in flat],
    )


def _quotes_column(
    story: Story,
    quotes: Quotes,
    counts: list[int],
    sources: list[str],
    quoted: list[str],
    stances: list[str],
) -> Column | Pieces:
    """Each feature's ``quotes``, given by its quotes (``counts[k]`` of them for feature
    ``k``, their sources, texts and stances flattened, as
    :class:`~mapgen.story.model.PlaceColumns` has them): ``{source, text}`` as the article
    prints it, its ``sentence`` if the quote leaves part of it out, and ``stance: denies``
    for a denial.  Most stories give every feature one quote, a claim: pieces then."""
    few = {v: _string(v) for v in set(sources)}
    cited = list(map(few.__getitem__, sources))
    words = _quote_words(story, quotes, sources, quoted)
    _add_sentences(story, quotes, sources, quoted, words)
    if counts.count(1) == len(counts) and stances.count("claims") == len(stances):
        return ('[{"source": ', cited, ', "text": "', words, '"}]')
    ends = ["}" if s == "claims" else f', "stance": {_string(s)}}}' for s in stances]
    items = _rows(['{"source": ', cited, ', "text": "', words, '"', ends])
    out = _Texts()
    at = 0
    for n in counts:
        out.append("[" + ", ".join(items[at : at + n]) + "]")
        at += n
    return out


def _quote_words(story: Story, quotes: Quotes, sources: list[str], quoted: list[str]) -> list[str]:
    """``encode_basestring(quotes.words_of(source, text))`` of each quote, without the
    quote marks at either end, a column at a time: a call per quote took half of
    :func:`text`'s time.

    Each article is sliced at the quote's span by one C loop.  A slice that is printable
    (no white space but the space, no control character), with no quote mark, backslash,
    two spaces running or space at either end, is what folding its white space gives and
    is its own JSON text: in articles as they are, all but a few.  (The test is
    :func:`~mapgen.quotes.verify.folds_to_itself`'s but for printable text of any script:
    the typographic quotes and dashes articles print need no folding here.)  The others
    are folded and encoded one by one, and a quote with no span (not in ``story.spans``,
    or not found) gets what :class:`Quotes` gives it.
    """
    spans = quotes.spans()  # waiting for them if they are still being found
    if not isinstance(spans, dict):  # a mapping of another kind: read as Quotes reads it
        return [_string(w)[1:-1] for w in map(quotes.words_of, sources, quoted)]
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
        words[k] = _string(" ".join(words[k].split()))[1:-1]
    for k in unknown:
        words[k] = _string(quotes.words_of(sources[k], quoted[k]))[1:-1]
    return words


def _add_sentences(
    story: Story, quotes: Quotes, sources: list[str], quoted: list[str], words: list[str]
) -> None:
    """Follow the words of each quote that leaves part of its sentence out with the
    ``sentence`` member: ``words`` is the JSON text between the quote marks of
    ``"text": "..."``, so the member goes in before its closing mark (``words",
    "sentence": "the sentence``).  The sentences are found a column at a time
    (:func:`mapgen.quotes.sentences.sentences_column`); a quote with no span gets what
    :class:`Quotes` gives it."""
    spans = quotes.spans()
    if isinstance(spans, dict):
        found = list(map(spans.get, zip(sources, quoted, strict=True)))
    else:
        found = list(map(quotes.span_of, sources, quoted))
    known = list(compress(count(), found))
    articles = {s.id: s.text for s in story.sources}
    got = sentences_column(
        articles, list(map(sources.__getitem__, known)), list(map(found.__getitem__, known))
    )
    for k, sentence in zip(known, got, strict=True):
        if sentence is not None:
            words[k] += f'", "sentence": {_string(sentence)[:-1]}'
    for k in compress(count(), map(is_, found, repeat(None))):
        sentence = quotes.sentence_of(sources[k], quoted[k])
        if sentence is not None:
            words[k] += f'", "sentence": {_string(sentence)[:-1]}'


#: What, in printable text, makes its white space folded or its JSON text other than it.
_NOT_PLAIN = (
    (contains, '"'),
    (contains, "\\"),
    (contains, "  "),
    (str.startswith, " "),
    (str.endswith, " "),
)


def _coordinates(values: list[float]) -> list[str]:
    """``repr(round(v, 6))`` of each value, as a position is written (rounded to 6
    places, about 10 cm, as json writes it), in half the time when, as is usual, every value is a decimal of 6
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


def dumps(collection: dict[str, Any]) -> str:
    """A FeatureCollection of Python values laid out as :func:`text` writes one: same
    story, same bytes; one feature per line, so that a moved place changes one line of
    the file (``dumps(to_geojson(geo)) == text(geo)``)."""
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
