"""Places in bulk: CSV and GeoJSON files that places.yaml includes, and their errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mapgen.core.errors import StoryError
from mapgen.story.load import load_story

ARTICLE = (
    "Kim visited Pyongyang, the capital. Troops moved to Wonsan.\n"
    'A strike hit "Depot 7", near Kharkiv.\n'
)

HEAD = """\
title: Bulk
sources:
  - id: a
    file: seeds/a.txt
    title: A
"""


def story(tmp_path: Path, include: str, files: dict[str, str], extra: str = "") -> Path:
    root = tmp_path / "story"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (root / "places.yaml").write_text(HEAD + extra + include, encoding="utf-8")
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def problems(root: Path) -> list[str]:
    with pytest.raises(StoryError) as caught:
        load_story(root)
    return [str(p).replace(str(root) + "/", "") for p in caught.value.problems]


CSV = """\
id,name,kind,lat,lon,source,quote
p1,Pyongyang,capital,39.03,125.75,a,"Kim visited Pyongyang, the capital."
p2,Wonsan,port,,,a,Troops moved to Wonsan.
"""


def test_a_csv_of_places(tmp_path):
    root = story(tmp_path, "include: [data/pts.csv]\n", {"data/pts.csv": CSV})
    loaded = load_story(root)
    one, two = loaded.places
    assert (one.id, one.name, one.kind, one.coords, one.precision) == (
        "p1",
        "Pyongyang",
        "capital",
        (39.03, 125.75),
        "point",
    )
    assert one.quotes[0].source == "a"
    assert one.quotes[0].text == "Kim visited Pyongyang, the capital."
    assert str(one.pos).endswith("data/pts.csv:2:1")
    assert str(one.quotes[0].pos).endswith("data/pts.csv:2:37")  # the quoted cell
    assert two.coords is None and two.precision is None  # geocoded by name


def test_defaults_aliases_generated_ids_and_status(tmp_path):
    text = "Name,Latitude,Longitude,Passage,status\nDepot,49.9,36.2,near Kharkiv,denied\nX,1,2,Wonsan,\n"
    include = (
        "include:\n  - file: strikes.csv\n    kind: military\n    source: a\n    status: expected\n"
    )
    root = story(tmp_path, include, {"strikes.csv": text})
    depot, x = load_story(root).places
    assert (depot.id, depot.kind, depot.status) == ("strikes-2", "military", "denied")
    assert (x.id, x.status, x.coords) == ("strikes-3", "expected", (1.0, 2.0))


def test_csv_errors_at_their_line_and_column(tmp_path):
    text = (
        "id,name,kind,lat,lon,source,quote\n"
        "p1,Pyongyang,capitol,39.03,125.75,a,Kim visited\n"  # 2: kind
        'p2,"Wonsan, port",port,91,127.4,a,Troops\n'  # 3: lat (after a quoted comma)
        "p3,Depot,site,49.9,x,a,strike\n"  # 4: lon
        "p4,Depot,site,49.9,36.2,b,strike\n"  # 5: source
        "p5,Depot,site,49.9,36.2,a,\n"  # 6: no quote
        "p1,Again,site,,,a,strike\n"  # 7: duplicate id
        "Bad Id,Depot,site,,,a,strike\n"  # 8: not a slug
        "p8,Depot,site,,,a\n"  # 9: short row
        ",,site,,,a,strike\n"  # 10: no name
        "p9,Depot,site,,,a,strike,extra\n"  # 11: long row
        "p10,Depot,site,,,a,strike\n"  # fine
    )
    root = story(tmp_path, "include: [pts.csv]\n", {"pts.csv": text})
    assert problems(root) == [
        "pts.csv:2:14: kind: unknown value 'capitol'; did you mean 'capital'?",
        "pts.csv:3:24: latitude 91 is out of range -90..90",
        "pts.csv:4:20: lon must be a number, not 'x'",
        "pts.csv:5:25: source: unknown source 'b'; expected one of: a",
        "pts.csv:6:27: a place needs a quote: the words of its source that name it",
        "pts.csv:7:1: duplicate id 'p1' (first at line 2)",
        "pts.csv:8:1: id 'Bad Id' must be a slug: lowercase letters, digits, '-' and '_',"
        " starting with a letter or digit",
        'pts.csv:9:1: 6 cells where the header has 7; quote cells that hold commas ("like, this")',
        "pts.csv:10:2: a place needs a name",
        'pts.csv:11:1: 8 cells where the header has 7; quote cells that hold commas ("like, this")',
    ]


def test_csv_header_errors(tmp_path):
    root = story(tmp_path, "include: [pts.csv]\n", {"pts.csv": "id,nmae,kind,lat\n"})
    assert problems(root) == [
        "pts.csv:1:4: unknown column 'nmae'; did you mean 'name'?",
    ]
    root = story(tmp_path / "2", "include: [pts.csv]\n", {"pts.csv": "name,lat,quote\n"})
    assert problems(root) == [
        "pts.csv:1:1: a 'lat' column needs a 'lon' column, and the other way",
    ]


def test_a_quoted_cell_across_lines(tmp_path):
    text = 'name,kind,source,quote,lat,lon\n"Two\nlines",site,a,Wonsan,x,1\n'
    root = story(tmp_path, "include: [pts.csv]\n", {"pts.csv": text})
    assert problems(root) == ["pts.csv:3:22: lat must be a number, not 'x'"]


def test_include_entry_errors_in_places_yaml(tmp_path):
    include = (
        "include:\n"
        "  - missing.csv\n"  # line 7
        "  - notes.txt\n"  # line 8
        "  - file: pts.csv\n"  # line 9
        "    kind: sight\n"  # line 10
        "    colour: red\n"  # line 11
    )
    root = story(tmp_path, include, {"pts.csv": CSV, "notes.txt": "x"})
    assert problems(root) == [
        "places.yaml:7:5: file 'missing.csv' does not exist in the story folder",
        "places.yaml:8:5: include: 'notes.txt' is not a .csv, .geojson or .json file",
        "places.yaml:10:11: kind: unknown value 'sight'; did you mean 'site'?",
        "places.yaml:11:5: unknown key 'colour' in an include; expected one of: file, kind,"
        " source, status",
    ]


def test_ids_are_unique_across_places_yaml_and_files(tmp_path):
    place = (
        "places:\n  - id: p2\n    name: Wonsan\n    kind: port\n"
        "    quotes: [{source: a, text: Wonsan}]\n"
    )
    root = story(tmp_path, "include: [pts.csv]\n", {"pts.csv": CSV}, extra=place)
    assert problems(root) == ["pts.csv:3:1: duplicate id 'p2' (first at places.yaml:7)"]


def test_routes_may_join_places_from_files(tmp_path):
    route = (
        "routes:\n  - id: r\n    name: Road\n    mode: road\n    via: [p1, p2]\n"
        "    quotes: [{source: a, text: Troops moved}]\n"
    )
    root = story(tmp_path, "include: [pts.csv]\n" + route, {"pts.csv": CSV})
    assert [s.place for s in load_story(root).routes[0].via] == ["p1", "p2"]


GEOJSON = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "id": "depot",
            "geometry": {"type": "Point", "coordinates": [36.2, 49.9]},
            "properties": {
                "name": "Depot 7",
                "kind": "military",
                "quote": 'A strike hit "Depot 7"',
            },
        },
        {
            "type": "Feature",
            "geometry": None,
            "properties": {
                "name": "Kharkiv",
                "kind": "city",
                "country": "UA",
                "quotes": [
                    {"source": "a", "text": "near Kharkiv"},
                    {"source": "a", "text": "Depot"},
                ],
            },
        },
    ],
}


def test_a_geojson_of_places(tmp_path):
    root = story(
        tmp_path,
        "include:\n  - file: pts.geojson\n    source: a\n",
        {"pts.geojson": json.dumps(GEOJSON, indent=1)},
    )
    depot, kharkiv = load_story(root).places
    assert (depot.id, depot.coords, depot.kind) == ("depot", (49.9, 36.2), "military")
    assert depot.quotes[0].text == 'A strike hit "Depot 7"'
    assert kharkiv.id.startswith("pts-") and kharkiv.coords is None and kharkiv.country == "UA"
    assert [q.text for q in kharkiv.quotes] == ["near Kharkiv", "Depot"]


def test_geojson_errors_at_the_key_they_are_about(tmp_path):
    bad = json.loads(json.dumps(GEOJSON))
    bad["features"][0]["properties"]["kind"] = "militery"
    bad["features"][1]["geometry"] = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    bad["features"].append({"type": "Feature", "properties": {"name": "X", "colour": "red"}})
    text = json.dumps(bad, indent=1)
    lines = text.splitlines()
    kind_line = next(i for i, line in enumerate(lines, 1) if '"militery"' in line)
    kind_col = lines[kind_line - 1].index('"') + 1
    geometry_line = next(i for i, line in enumerate(lines, 1) if "LineString" in line) - 1
    colour_line = next(i for i, line in enumerate(lines, 1) if '"colour"' in line)
    root = story(
        tmp_path, "include:\n  - file: pts.geojson\n    source: a\n", {"pts.geojson": text}
    )
    assert problems(root) == [
        f"pts.geojson:{kind_line}:{kind_col}: kind: unknown value"
        " 'militery'; did you mean 'military'?",
        f"pts.geojson:{geometry_line}:4: geometry must be a Point [lon, lat], or null",
        f"pts.geojson:{colour_line}:5: unknown property 'colour'; did you mean 'country'?",
    ]


def test_geojson_syntax_error(tmp_path):
    root = story(tmp_path, "include: [pts.geojson]\n", {"pts.geojson": '{"type": "Feat\n'})
    (problem,) = problems(root)
    assert problem.startswith("pts.geojson:1:15: not valid JSON: ")
    root = story(tmp_path / "2", "include: [pts.json]\n", {"pts.json": "[1, 2]"})
    assert problems(root) == ["pts.json:1:1: expected a GeoJSON FeatureCollection (a JSON object)"]


def test_a_big_yaml_story_is_not_taken_for_an_alias_bomb(tmp_path):
    # 11,000 places are more than MAX_NODES nodes, all written out: no alias adds any.
    from mapgen.story.load import MAX_NODES

    places = "".join(
        f"  - id: p{i}\n    name: Place {i}\n    kind: site\n    coords: [{i % 80}, {i % 170}]\n"
        "    quotes: [{source: a, text: Wonsan}]\n"
        for i in range(11_000)
    )
    root = story(tmp_path, "", {}, extra="places:\n" + places)
    assert len(load_story(root).places) == 11_000 > MAX_NODES / 20


def test_a_name_named_by_many_rows_is_looked_up_once(tmp_path):
    from mapgen.geo.cache import GeocodeCache
    from mapgen.geo.gazetteer import Gazetteer
    from mapgen.geo.geocode import geocode_story

    rows = "".join(f"Strike {i},site,Wonsan,KP,Wonsan\n" for i in range(300))
    rows += "".join(f"Lost {i},site,Xyzzyville,KP,Wonsan\n" for i in range(3))
    text = "name,kind,query,country,quote\n" + rows
    root = story(tmp_path, "include:\n  - file: pts.csv\n    source: a\n", {"pts.csv": text})
    gazetteer = Gazetteer()
    asked = []
    original = gazetteer.geocode
    gazetteer.geocode = lambda query, **kw: asked.append(query) or original(query, **kw)
    cache = GeocodeCache(root / "geocode-cache.yaml")
    with pytest.raises(StoryError) as caught:
        geocode_story(load_story(root), cache=cache, gazetteer=gazetteer, save=False)
    assert asked == ["Wonsan", "Xyzzyville"]
    # The unknown name is still reported at every row that names it.
    lines = [p.pos.line for p in caught.value.problems]
    assert lines == [302, 303, 304]
    assert all("cannot find 'Xyzzyville'" in p.message for p in caught.value.problems)


def test_a_quote_missing_from_its_article_is_reported_at_its_cell(tmp_path):
    import mapgen

    text = (
        'id,quote,name,source\np1,"Kim visited Pyongyang, the capital.",Pyongyang,a\n'
        'p2,"Troops moved\nto Wonsan.",Wonsan,a\n'  # a cell across two lines
        'p3,"Troops, moved to Wonsan",Wonsan,a\n'  # not in the article
        'p4,Troops flew to Wonsan.,"Wonsan, port",a\n'  # nor this
    )
    include = "include:\n  - file: pts.csv\n    kind: city\n"
    root = story(tmp_path, include, {"pts.csv": text})
    assert [p.quotes[0].pos.line for p in load_story(root).places] == [2, 3, 5, 6]
    with pytest.raises(StoryError) as caught:
        mapgen.load(root)
    where = [(p.pos.line, p.pos.col) for p in caught.value.problems]
    assert where == [(5, 4), (6, 4)]
    assert str(caught.value.problems[0]).startswith(f"{root / 'pts.csv'}:5:4: quote not found")


GOOD_ROW = 'p1,Pyongyang,capital,39.03,125.75,,,a,"Kim visited Pyongyang, the capital."\n'


@pytest.mark.parametrize(
    "row",
    [
        "p2,Wonsan,port,nan,127.4,,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,39.1,inf,,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,-inf,127.4,,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,1e999,127.4,,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,39.1,-180.5,,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,39.1,,,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,,,exact,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,,,,  ,a,Troops moved to Wonsan.\n",
        "p2, ,port,,,,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,,,,,a,  \n",
        "P 2,Wonsan,port,,,,,a,Troops moved to Wonsan.\n",
        "p1,Wonsan,port,,,,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,3_9.1,127.4,,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,39.1,\u0661\u0662\u0667,,,a,Troops moved to Wonsan.\n",
        "p2,Wonsan,port,39.1,127.4,,,a,Troops moved to Wonsan.\x1b]0;owned\x07\n",
        "p2,Won\u202esan,port,39.1,127.4,,,a,Troops moved to Wonsan.\n",
        "p2,Won\u2067san,port,39.1,127.4,,,a,Troops moved to Wonsan.\n",
    ],
    ids=[
        "nan", "inf", "minus-inf", "overflow", "lon-range", "lat-alone", "precision-alone",
        "blank-note", "blank-name", "blank-quote", "bad-id", "duplicate-id", "underscore",
        "arabic-indic-digits", "escape-sequence", "bidi-override", "bidi-isolate-left-open",
    ],
)  # fmt: skip
def test_a_wrong_row_among_good_ones_is_reported_at_its_line(tmp_path, row):
    """The whole-column checks let nothing through that the row-by-row reading refuses."""
    text = (
        "id,name,kind,lat,lon,precision,note,source,quote\n"
        + GOOD_ROW
        + row
        + GOOD_ROW.replace("p1,", "p3,")
    )
    root = story(tmp_path, "include: [pts.csv]\n", {"pts.csv": text})
    found = problems(root)
    assert found and all(p.startswith("pts.csv:3:") for p in found), found


def test_edge_values_are_read_by_the_whole_column_checks(tmp_path):
    rows = "".join(
        f"p{i},Place {i},site,{lat},{lon},,,a,Troops moved to Wonsan.\n"
        for i, (lat, lon) in enumerate([(90, 180), (-90, -180), ("-0.0", "1e-3"), (" 12", "13 ")])
    )
    text = "id,name,kind,lat,lon,precision,note,source,quote\n" + rows
    root = story(tmp_path, "include: [pts.csv]\n", {"pts.csv": text})
    coords = [p.coords for p in load_story(root).places]
    assert coords == [(90.0, 180.0), (-90.0, -180.0), (-0.0, 0.001), (12.0, 13.0)]


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("1_0", "lat: '1_0' is not a plain number; write 10 without _"),
        ("nan", "lat: 'nan' is not a plain decimal number such as 43.1"),
        ("-Infinity", "lat: '-Infinity' is not a plain decimal number such as 43.1"),
        ("\uff11\uff10", "lat: '\uff11\uff10' is not a plain decimal number such as 43.1"),
    ],
)
def test_numbers_python_reads_and_a_csv_does_not_mean(tmp_path, cell, message):
    """``float`` reads ``1_0`` as 10, ``nan``, and other scripts' digits: a CSV cell is a
    decimal number, or refused where it is."""
    text = f"name,kind,source,quote,lat,lon\nWonsan,port,a,Wonsan,{cell},127.4\n"
    root = story(tmp_path, "include: [pts.csv]\n", {"pts.csv": text})
    assert problems(root) == [f"pts.csv:2:22: {message}"]


def test_control_characters_in_a_csv_are_refused_where_they_are(tmp_path):
    text = "name,kind,source,quote\nWonsan,port,a,Troops moved\x1b[2J to Wonsan.\n"
    root = story(tmp_path, "include: [pts.csv]\n", {"pts.csv": text})
    assert problems(root) == [
        "pts.csv:2:27: the control character U+001B is not allowed in text; delete it"
    ]


def feature_text(name: str = '"Depot 7"', coords: str = "[36.2, 49.9]", more: str = "") -> str:
    """One GeoJSON feature, written by hand: its properties on line 4 (of
    :func:`collection`), ``more`` at their end."""
    return (
        '{"type": "Feature", "geometry": {"type": "Point", "coordinates": ' + coords + "},\n"
        ' "properties": {"name": ' + name + ', "kind": "military", "source": "a",'
        ' "quote": "A strike hit"' + more + "}}"
    )


def collection(*features: str, more: str = "") -> str:
    return (
        '{"type": "FeatureCollection",\n"features": [\n' + ",\n".join(features) + "]" + more + "}\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(  # the last "features" would win: no places, and no word said
            collection(feature_text(), more=',\n"features": []'),
            "pts.geojson:5:1: duplicate key 'features' (first at line 2)",
            id="features-twice",
        ),
        pytest.param(
            collection(feature_text(more=', "name": "Depot 8"')),
            "pts.geojson:4:96: duplicate key 'name' (first at line 4)",
            id="property-twice",
        ),
        pytest.param(  # the same key, written with an escape
            collection(feature_text(more=', "n\\u0061me": "Depot 8"')),
            "pts.geojson:4:96: duplicate key 'name' (first at line 4)",
            id="property-twice-escaped",
        ),
        pytest.param(
            collection(feature_text(coords="[NaN, 49.9]")),
            "pts.geojson:3:67: NaN is not a number in JSON; write a number",
            id="nan",
        ),
        pytest.param(
            collection(feature_text(name='"NaN"', coords="[36.2, -Infinity]")),
            "pts.geojson:3:73: -Infinity is not a number in JSON; write a number",
            id="infinity",
        ),
        pytest.param(
            collection(feature_text(name='"Depot\\u001b]0;owned\\u0007"')),
            "pts.geojson:4:17: name: the control character U+001B is not allowed in text;"
            " delete it",
            id="escape-in-name",
        ),
        pytest.param(
            collection(feature_text(name='"gnp\\u202e.exe"')),
            "pts.geojson:4:17: name: U+202E (RIGHT-TO-LEFT OVERRIDE) shows the text after it"
            " in reverse order, so that it can pass for other text; delete it",
            id="bidi-override-in-name",
        ),
        pytest.param(
            collection(feature_text(name='"Depot\\u2069 7"')),
            "pts.geojson:4:17: name: U+2069 (POP DIRECTIONAL ISOLATE) closes no isolate opened"
            " before it in this text; delete it",
            id="bidi-isolate-closing-none",
        ),
        pytest.param(  # Python's reader makes it; writing the page failed with a traceback
            collection(feature_text(name='"Depot \\ud800"')),
            "pts.geojson:4:17: name: U+D800 is not a character (a lone surrogate); delete it",
            id="lone-surrogate",
        ),
        pytest.param(
            collection(feature_text(coords='["1_0", "49.9"]')),
            "pts.geojson:3:1: lon: '1_0' is not a plain number; write 10 without _",
            id="text-coordinate-with-underscore",
        ),
    ],
)
def test_geojson_that_python_reads_and_json_does_not_mean(tmp_path, text, expected):
    """Python's JSON reader keeps the last of a key given twice, and reads NaN and
    Infinity; escapes make control characters: each is refused where it is written."""
    root = story(tmp_path, "include: [pts.geojson]\n", {"pts.geojson": text})
    assert problems(root) == [expected]


def test_a_hand_written_geojson_reads(tmp_path):
    """The collection the cases above spoil is valid as it is."""
    text = collection(feature_text(), feature_text('"Depot 8"', more=', "id": "d8"'))
    root = story(tmp_path, "include: [pts.geojson]\n", {"pts.geojson": text})
    assert [(p.name, p.coords) for p in load_story(root).places] == [
        ("Depot 7", (49.9, 36.2)),
        ("Depot 8", (49.9, 36.2)),
    ]
