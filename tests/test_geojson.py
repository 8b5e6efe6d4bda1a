"""map.geojson: the one writer (a column at a time) gives the bytes a plain writer, one
dictionary per feature from the story's objects and :class:`Quotes`, gives json to
write, for every kind of story."""

from __future__ import annotations

import dataclasses
import json
import random
from pathlib import Path
from types import MappingProxyType

import pytest

import mapgen
from mapgen.export import geojson
from mapgen.geo import geodesy
from mapgen.quotes.quoted import Quotes
from mapgen.quotes.verify import SpansLater
from mapgen.story.fields import PLACE
from mapgen.story.model import Quote
from mapgen.story.when import events_in_order

from .conftest import copy_seed_story
from .test_datalayer import big_story  # noqa: F401  (a fixture)


@pytest.fixture(params=["seed", "hostile", "big"])
def geo(request, tmp_path: Path):
    if request.param == "seed":
        return mapgen.geocode(mapgen.load(copy_seed_story(tmp_path / "story") / "places.yaml"))
    root = request.getfixturevalue("hostile_story" if request.param == "hostile" else "big_story")
    return mapgen.geocode(mapgen.load(root / "places.yaml"))


def _quotes(quotes, items):
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


def plain(geo):
    """The FeatureCollection the plain way: a dictionary per feature, from the objects."""
    story = geo.story
    quotes = Quotes(story)

    def feature(fid, geometry, props):
        return {"type": "Feature", "id": fid, "geometry": geometry, "properties": props}

    features = []
    for p in story.places:
        loc = geo.places[p.id]
        props = {"id": p.id, "name": p.name, "kind": p.kind, "precision": loc.precision}
        props |= {"geocoder": loc.geocoder, "status": p.status}
        props["quotes"] = _quotes(quotes, p.quotes)
        point = {"type": "Point", "coordinates": [round(loc.lon, 6), round(loc.lat, 6)]}
        features.append(feature(p.id, point, props))
    for r in story.routes:
        points = geo.routes[r.id]
        props = {"id": r.id, "name": r.name, "kind": "route", "mode": r.mode}
        props |= {"schematic": r.schematic, "length_km": round(geodesy.length_km(points), 1)}
        props |= {"status": r.status, "quotes": _quotes(quotes, r.quotes)}
        track = [[lon, lat] for lat, lon in geodesy.densify(points)]
        features.append(feature(r.id, {"type": "LineString", "coordinates": track}, props))
    for a in story.areas:
        props = {"id": a.id, "name": a.name, "kind": "country", "country": a.country}
        props |= {"status": a.status, "quotes": _quotes(quotes, a.quotes)}
        features.append(feature(a.id, geo.areas[a.id], props))
    sources = []
    for s in story.sources:
        entry = {"id": s.id, "title": s.title, "file": s.file}
        entry |= {k: getattr(s, k) for k in ("outlet", "date", "url") if getattr(s, k)}
        sources.append(entry)
    events = []
    for e in events_in_order(story):
        entry = {"id": e.id, "title": e.title, "date": e.date.text}
        entry |= {"start": e.date.start.isoformat(), "end": e.date.end.isoformat()}
        entry |= {"status": e.status, "feature": e.feature}
        entry |= {"note": e.note} if e.note else {}
        entry["quotes"] = _quotes(quotes, e.quotes)
        events.append(entry)
    head = {"type": "FeatureCollection", "title": story.title, "sources": sources}
    return {**head, "events": events, "features": features}


def test_text_is_dumps_of_to_geojson_to_the_byte(geo):
    fast = geojson.text(geo)
    assert fast == geojson.dumps(plain(geo))
    assert geojson.to_geojson(geo) == json.loads(fast)
    data = json.loads(fast)
    assert len(data["features"]) == len(geo.story.places) + len(geo.story.routes) + len(
        geo.story.areas
    )


def test_a_story_with_no_features_is_written_too(geo):
    bare = dataclasses.replace(geo.story, places=[], routes=[], areas=[], events=[])
    empty = dataclasses.replace(geo, story=bare, places={}, routes={}, areas={})
    assert geojson.text(empty) == geojson.dumps(plain(empty))
    assert json.loads(geojson.text(empty))["features"] == []
    assert b"".join(geojson.encoded(empty)) == geojson.text(empty).encode("utf-8")


#: An article as articles are: typographic quotes and dashes, line breaks, runs of white
#: space, a tab, a no-break space, an ellipsis, a quote mark and a backslash, an astral
#: character.  Each line of QUOTED is typed plainly and found in it by verification.
ARTICLE = (
    "\u201cWe will hold the bridge,\u201d the mayor\u2019s aide said.\n"
    "The convoy crossed\nthe river at dawn.  Shelling  continued   overnight.\n"
    "Trucks drove 10\u00a0km\tsouth\u2014for now\u2026 and then stopped.\n"
    'A sign read "closed" at C:\\roads\\old, by the \U0001d505ridge \U0001f309 itself.\n'
)
QUOTED = [
    '"We will hold the bridge," the mayor\'s aide said',
    "The convoy crossed the river at dawn",
    "Shelling continued overnight",
    "Trucks drove 10 km south-for now... and then stopped",
    'A sign read "closed" at C:\\roads\\old',
    "by the \U0001d505ridge \U0001f309 itself",
]


def _yaml(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # YAML reads a JSON string as it is


@pytest.fixture
def printed(tmp_path: Path):
    """A story whose quotes the article prints otherwise: one place a quote, one with a
    claim and its denial, one with three quotes."""
    root = tmp_path / "printed"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    lines = ["title: Printed", "sources:", "  - {id: a, file: seeds/a.txt, title: A}", "places:"]
    for i, quote in enumerate(QUOTED):
        lines += [
            f"  - id: p{i}",
            f"    name: Place {i}",
            "    kind: city",
            f"    coords: [{10 + i / 7}, {20 - i / 3}]",
            f"    quotes: [{{source: a, text: {_yaml(quote)}}}]",
        ]
    lines += [
        "  - {id: two, name: Two, kind: city, coords: [1, 2], quotes: [",
        f"      {{source: a, text: {_yaml(QUOTED[1])}}},",
        f"      {{source: a, text: {_yaml(QUOTED[2])}, stance: denies}}]}}",
        "  - {id: three, name: Three, kind: port, coords: [3, 4], quotes: [",
        f"      {{source: a, text: {_yaml(QUOTED[5])}, stance: denies}},",
        f"      {{source: a, text: {_yaml(QUOTED[0])}}},",
        f"      {{source: a, text: {_yaml(QUOTED[3])}}}]}}",
    ]
    (root / "places.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return mapgen.geocode(mapgen.load(root / "places.yaml"), save=False)


def _one_quote_each(geo):
    """``geo`` with only its places of one quote, a claim."""
    places = [p for p in geo.story.places if len(p.quotes) == 1]
    story = dataclasses.replace(geo.story, places=places)
    return dataclasses.replace(geo, story=story)


def _same(geo) -> str:
    fast = geojson.text(geo)
    assert fast == geojson.dumps(plain(geo))
    return fast


def test_quotes_are_written_as_the_article_prints_them(printed):
    for geo in (printed, _one_quote_each(printed)):
        data = json.loads(_same(geo))
        texts = [q["text"] for f in data["features"] for q in f["properties"]["quotes"]]
        assert "\u201cWe will hold the bridge,\u201d the mayor\u2019s aide said" in texts
        assert "The convoy crossed the river at dawn" in texts  # the line break folded
        assert "Shelling continued overnight" in texts
        assert "Trucks drove 10 km south\u2014for now\u2026 and then stopped" in texts
        assert 'A sign read "closed" at C:\\roads\\old' in texts
        assert "by the \U0001d505ridge \U0001f309 itself" in texts
    whole = json.loads(geojson.text(printed))["features"]
    assert [q.get("stance") for q in whole[-1]["properties"]["quotes"]] == ["denies", None, None]


@pytest.mark.parametrize("which", ["printed", "seed"])
def test_a_quote_without_its_span_is_written_as_quotes_gives_it(which, printed, tmp_path):
    """Quotes not in ``story.spans`` (all of them, or some), or found nowhere, spans in
    a mapping of another kind or still on their way: text() writes what Quotes gives."""
    whole = printed
    if which == "seed":
        whole = mapgen.geocode(mapgen.load(copy_seed_story(tmp_path / "s") / "places.yaml"))
    full = dict(whole.story.spans)
    for geo in (whole, _one_quote_each(whole)):
        keys = list(full)
        for spans in (
            {},
            {k: v for k, v in full.items() if k not in keys[::2]},
            {**full, keys[1]: None, keys[-1]: None},
            MappingProxyType(full),
            SpansLater(lambda: dict(full)),
        ):
            geo.story.spans = spans
            _same(geo)
        geo.story.spans = full


def test_any_span_is_written_as_quotes_gives_it(printed):
    """Spans anywhere in an article with anything in it: control characters, line and
    paragraph separators, spaces at the ends, quote marks, backslashes; some spans
    empty, some missing, some None."""
    rng = random.Random(7)
    story = printed.story
    alphabet = [
        *"ab  c.\"'\\\n\t\r\x00\x07\x0e\x1f\x7f\x85\xa0",
        *"\u2028\u2029\u3000\u2019\u201d\u2014\u2026\U0001f309",
    ]
    story.sources[0].text = "".join(rng.choice(alphabet) for _ in range(4000))
    template, loc = story.places[0], printed.places["p0"]
    places, spans = [], {}
    for i in range(400):
        quote = Quote(
            "a", f"quote {i}", template.quotes[0].pos, rng.choice(["claims"] * 5 + ["denies"])
        )
        start = rng.randrange(4000)
        span = rng.choice([(start, min(4000, start + rng.randrange(60))), None, "missing"])
        if span != "missing":
            spans[("a", quote.text)] = span
        places.append(dataclasses.replace(template, id=f"r{i}", quotes=[quote]))
        printed.places[f"r{i}"] = loc
    story.places, story.spans = places, spans
    _same(printed)
    for place in places:
        place.quotes[0] = dataclasses.replace(place.quotes[0], stance="claims")
    _same(printed)


def test_a_place_with_no_quote(printed):
    """(Not from places.yaml, which asks for one, but a story made otherwise.)"""
    story = printed.story
    story.places[2].quotes = []
    story.places[-1].quotes = []
    data = json.loads(_same(printed))
    assert data["features"][2]["properties"]["quotes"] == []


def test_printable_text_is_its_own_white_space_folding_and_json():
    """What text() takes for a quote's words as they are (see geojson._quote_words)."""
    printable = [c for c in map(chr, range(0x110000)) if c.isprintable()]
    assert [c for c in printable if c.isspace()] == [" "]
    string = json.encoder.encode_basestring
    assert [c for c in printable if string(c) != f'"{c}"'] == ['"', "\\"]


#: Positions json writes with an exponent, ties at the 6th place, values of 7 places,
#: the edges of the map, and far beyond.
EDGES = [
    0.0, -0.0, 1.0, -180.0, 180.0, 90.0, 12.5, 0.1, 0.0001, -0.0001, 0.00005, 0.000001,
    0.0000005, 0.0000015, 0.0000025, 1e-7, -1e-7, 1e-12, 1.0000005, 2.0000025, 48.8588897,
    2.2944813, 179.9999995, -179.9999995, 123456.789, 1e8, 1e9, 1e12, 1e300, 5e-324,
]  # fmt: skip
_RNG = random.Random(5)


@pytest.mark.parametrize(
    "values",
    [
        EDGES,
        [round(v, 6) for v in EDGES],
        [round(_RNG.uniform(-180, 180), 6) for _ in range(2000)],
        [round(_RNG.uniform(-1e-3, 1e-3), 6) for _ in range(2000)],
        [_RNG.uniform(-180, 180) for _ in range(2000)],
        [float(i) / 8 for i in range(-800, 800)],
        [1, 2.5, -3],
        [True, 0.5],
        [2.0**33 + 2.0**-19, 2.0**40 + 0.125, 1e307, -1e308, 2.0**60],
        [float("nan"), 1.5],
        [float("inf"), -float("inf")],
        [],
    ],
)
def test_coordinates_are_written_as_json_writes_them_rounded(values):
    assert geojson._coordinates(values) == [json.dumps(round(v, 6)) for v in values]


def test_a_position_that_is_not_a_number_is_written_as_dumps_writes_it(printed):
    """Loading lets no such position in; one set from Python is written as json writes it
    (NaN, Infinity), the same bytes as :func:`geojson.dumps` of :func:`to_geojson`."""
    place = printed.story.places[0].id
    printed.places[place] = dataclasses.replace(
        printed.places[place], lat=float("nan"), lon=float("inf")
    )
    _same(printed)
    assert '"coordinates": [Infinity, NaN]' in geojson.text(printed)


def test_positions_of_every_kind(printed):
    rng = random.Random(3)
    for i, place in enumerate(printed.story.places):
        lat, lon = rng.choice(EDGES), rng.choice(EDGES)
        if i % 2:
            lat, lon = rng.uniform(-90, 90), rng.uniform(-180, 180)
        printed.places[place.id] = dataclasses.replace(printed.places[place.id], lat=lat, lon=lon)
    _same(printed)


@pytest.mark.parametrize("lines_at_once", [1, 2, 3, 1000])
def test_the_encoded_pieces_are_the_text(printed, lines_at_once):
    """A big build's child writes the GeoJSON a few thousand lines at a time."""
    pieces = list(geojson.encoded(printed, lines_at_once))
    assert b"".join(pieces) == geojson.text(printed).encode("utf-8")
    assert len(pieces) == -(-len(printed.story.places) // lines_at_once)


def test_a_part_of_a_sentence_carries_its_sentence_both_ways(printed):
    """Issue 15: a quote that leaves part of its sentence out carries the sentence, written
    the same by the column-at-a-time path as by json (``_same``); a whole one does not."""
    sentence = 'A sign read "closed" at C:\\roads\\old, by the \U0001d505ridge \U0001f309 itself.'
    for geo in (printed, _one_quote_each(printed)):
        data = json.loads(_same(geo))
        quotes = {q["text"]: q for f in data["features"] for q in f["properties"]["quotes"]}
        assert quotes['A sign read "closed" at C:\\roads\\old']["sentence"] == sentence
        assert quotes["by the \U0001d505ridge \U0001f309 itself"]["sentence"] == sentence
        assert "sentence" not in quotes["Shelling continued overnight"]  # all but its "."
        assert "sentence" not in quotes["The convoy crossed the river at dawn"]


def test_a_declared_property_is_written_with_no_change_to_the_writer(printed, monkeypatch):
    """A field declared with a GeoJSON property (here a place's note, which map.geojson
    does not write today) is written by the one writer from its declaration alone: where
    a place has it, in the declared order, and left out where it is None."""
    fields = tuple(
        dataclasses.replace(f, geojson="note") if f.key == "note" else f for f in PLACE.fields
    )
    monkeypatch.setattr(geojson, "PLACE", dataclasses.replace(PLACE, fields=fields))
    printed.story.places[1].note = 'A "note" \u2028 {{ 7*7 }}'
    for geo in (printed, _one_quote_each(printed)):
        props = [f["properties"] for f in json.loads(geojson.text(geo))["features"]]
        assert props[1]["note"] == 'A "note" \u2028 {{ 7*7 }}'
        assert list(props[1])[4:7] == ["geocoder", "note", "status"]
        assert "note" not in props[0]
