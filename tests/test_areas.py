"""Areas beyond whole countries: regions by name, polygons from a GeoJSON file in the story
folder, places known only to their region, and what map.geojson says of them.

The real loader, geocoder and data run; nothing is mocked.  The browser half is
tests/test_areas_browser.py.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

import mapgen
from mapgen.core.errors import StoryError
from mapgen.story import areafile

from .areastory import OCCUPIED, PLACES, QUOTES, write_story


def problems_of(folder: Path) -> list[str]:
    """The build's problems, each with the story folder left out of its file names."""
    with pytest.raises(StoryError) as caught:
        mapgen.build(folder)
    return [str(p).replace(f"{folder}{os.sep}", "") for p in caught.value.problems]


def test_the_story_builds_and_map_geojson_carries_the_three_areas(tmp_path):
    story = write_story(tmp_path / "story")
    result = mapgen.build(story)
    collection = json.loads((story / "output" / "map.geojson").read_text(encoding="utf-8"))
    features = {f["id"]: f for f in collection["features"]}
    for area_id, kind in (("hungary", "country"), ("lipetsk", "region"), ("south", "polygon")):
        feature = features[area_id]
        assert feature["geometry"]["type"] in ("Polygon", "MultiPolygon"), area_id
        props = feature["properties"]
        assert props["kind"] == kind
        assert [q["text"] for q in props["quotes"]] == [QUOTES[area_id]]
        assert set(props) >= {"id", "name", "kind", "status", "quotes"}
    assert features["lipetsk"]["properties"]["region"] == "Lipetsk region"
    assert features["lipetsk"]["properties"]["region_code"] == "RU-LIP"
    assert "region_code" not in features["hungary"]["properties"]
    assert features["lipetsk"]["properties"]["status"] == "expected"
    assert features["south"]["properties"]["geometry_file"] == "occupied-2023.geojson"
    assert (
        features["south"]["geometry"]["coordinates"]
        == OCCUPIED["features"][0]["geometry"]["coordinates"]
    )
    # Lipetsk's outline holds the city of Lipetsk (52.6 N, 39.6 E); Hungary's is Hungary's.
    lons, lats = zip(*_positions(features["lipetsk"]["geometry"]), strict=True)
    assert min(lons) < 39.6 < max(lons) and min(lats) < 52.6 < max(lats)
    lons, lats = zip(*_positions(features["hungary"]["geometry"]), strict=True)
    assert 16 < min(lons) < 16.2 and 22.8 < max(lons) < 23
    # The place known only to its region: its label point, "region" precision.
    place = features["zaporizhzhia"]
    assert place["geometry"]["type"] == "Point"
    assert place["properties"]["precision"] == "region"
    assert "Natural Earth" in place["properties"]["geocoder"]
    assert result.html.exists()


def _positions(geometry: dict) -> list[list[float]]:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return [p for rings in polygons for ring in rings for p in ring]


def test_the_page_draws_the_region_wide_place_as_an_outline_round_a_marked_centre(tmp_path):
    story = write_story(tmp_path / "story")
    page = mapgen.build(story).html.read_text(encoding="utf-8")
    assert page.count("mg-region-mark") >= 1 and "mg-region-outline" in page
    assert "Somewhere in the region outlined" in page  # the legend says what it means
    assert "Region of Russia (RU-LIP)" in page and "Area drawn from occupied-2023.geojson" in page
    again = mapgen.build(story).html.read_text(encoding="utf-8")
    assert again == page  # the same story, the same bytes


def _with(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


STORY = PLACES.format(**QUOTES)


@pytest.mark.parametrize(
    ("geojson", "where", "message"),
    [
        ('{"type": "Polygon",\n "coordinates": [[[1, 2], [3, 4],, ]]}', ":2:", "not valid JSON"),
        ('{"type": "Point", "coordinates": [1, 2]}', ":1:10:", "a Point; an area's geometry is"),
        (
            '{"type": "Polygon", "coordinates":\n  [[[30, 46], [31, 46], [31, 47], [30, 47.5]]]}',
            ":2:35:",
            "ring 1 of the polygon is not closed",
        ),
        (
            '{"type": "Feature", "geometry": {"type": "MultiPolygon", "coordinates": [\n'
            "  [[[30, 46], [31, 46], [31, 47], [30, 46]]],\n"
            "  [[[30, 46], [31, 96], [31, 47], [30, 46]]]]}}",
            ":3:15:",
            "position 2 of ring 1 of polygon 2: latitude 96 is outside -90..90",
        ),
        ('{"type": "Polygon", "coordinates": [[[1, 2], [3, 4], [1, 2]]]}', ":1:", "four or more"),
        ('{"type": "FeatureCollection", "features": []}', ":1:1:", "one or more"),
        ('{"type": "Polygon", "type": "Polygon"}', ":1:21:", "duplicate key 'type'"),
        ("[1, 2]", ":1:1:", "expected GeoJSON"),
    ],
)
def test_invalid_geometry_is_one_line_at_the_files_line_and_the_keys(
    tmp_path, geojson, where, message
):
    story = write_story(tmp_path / "story")
    (story / "occupied-2023.geojson").write_text(geojson, encoding="utf-8")
    (problem,) = problems_of(story)
    assert "\n" not in problem
    assert problem.startswith("occupied-2023.geojson" + where), problem
    assert message in problem
    assert re.search(r"geometry: of area 'south' at places\.yaml:\d+:15\)$", problem), problem


def test_too_many_positions_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(areafile, "MAX_POSITIONS", 5)
    story = write_story(tmp_path / "story")
    (problem,) = problems_of(story)
    assert "more than 5 positions; simplify the outline" in problem


def test_too_big_a_file_is_refused_unread(tmp_path, monkeypatch):
    monkeypatch.setattr(areafile, "MAX_BYTES", 100)
    story = write_story(tmp_path / "story")
    (problem,) = problems_of(story)
    assert problem.startswith("places.yaml:") and "larger than" in problem


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("/etc/passwd.geojson", "is an absolute path"),
        ("../outside.geojson", "uses '..'"),
        ("link.geojson", "is a symlink"),
        ("occupied.txt", "is not a .geojson or .json file"),
        ("missing.geojson", "does not exist in the story folder"),
    ],
)
def test_the_file_must_stay_inside_the_story_folder(tmp_path, name, message):
    story = write_story(tmp_path / "story")
    (tmp_path / "outside.geojson").write_text(json.dumps(OCCUPIED))
    os.symlink(tmp_path / "outside.geojson", story / "link.geojson")
    (story / "places.yaml").write_text(
        _with(STORY, "geometry: occupied-2023.geojson", f"geometry: {name}"), encoding="utf-8"
    )
    (problem,) = problems_of(story)
    assert problem.startswith("places.yaml:") and message in problem, problem


def test_an_ambiguous_region_lists_the_candidates_on_one_line(tmp_path):
    story = write_story(tmp_path / "story")
    text = _with(STORY, "region: Lipetsk region\n    country: RU", "region: Punjab")
    (story / "places.yaml").write_text(text, encoding="utf-8")
    (problem,) = problems_of(story)
    assert re.match(r"places\.yaml:\d+:5: region 'Punjab' is ambiguous: ", problem), problem
    assert "IN-PB): add country: IN" in problem and "PK-PB): add country: PK" in problem
    (story / "places.yaml").write_text(
        text.replace("region: Punjab", "region: Punjab\n    country: Pakistan")
    )
    geo = mapgen.load(story)
    assert geo.areas[1].region == "Punjab"
    mapgen.build(story)


def test_an_unknown_region_says_what_comes_close(tmp_path):
    story = write_story(tmp_path / "story")
    text = _with(STORY, "region: Lipetsk region", "region: Lipetsc region")
    (story / "places.yaml").write_text(text, encoding="utf-8")
    (problem,) = problems_of(story)
    assert "no first-level region called 'Lipetsc region' in RU; did you mean 'Lipetsk'" in problem


def test_a_region_hint_names_its_country_either_way(tmp_path):
    """Crimea is Ukraine's by its ISO code, Russia's on the ground in Natural Earth: either
    hint finds it; a region's ISO 3166-2 code does too."""
    story = write_story(tmp_path / "story")
    cases = (
        ("Crimea", "UA", "UA-43"),
        ("Crimea", "RU", "UA-43"),
        ("UA-43", "Ukraine", "UA-43"),
        ("UA-14", "Ukraine", "UA-14"),  # Donetsk
    )
    for region, country, code in cases:
        text = _with(
            STORY,
            "region: Lipetsk region\n    country: RU",
            f"region: {region}\n    country: {country}",
        )
        (story / "places.yaml").write_text(text, encoding="utf-8")
        mapgen.build(story)
        collection = json.loads((story / "output" / "map.geojson").read_text(encoding="utf-8"))
        (area,) = [f for f in collection["features"] if f["id"] == "lipetsk"]
        assert area["properties"]["region_code"] == code, (region, country)


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "    region: Lipetsk region\n    country: RU\n",
            "",
            "needs what it shades: country:, region: or geometry:",
        ),
        (
            "    geometry: occupied-2023.geojson\n",
            "    geometry: occupied-2023.geojson\n    region: Kherson\n",
            "is a region or a GeoJSON file's polygons; it has both",
        ),
    ],
)
def test_an_area_is_one_thing(tmp_path, old, new, message):
    story = write_story(tmp_path / "story")
    (story / "places.yaml").write_text(_with(STORY, old, new), encoding="utf-8")
    (problem,) = problems_of(story)
    assert message in problem


def test_a_region_wide_place_needs_a_region_name(tmp_path):
    story = write_story(tmp_path / "story")
    text = _with(STORY, "name: Zaporizhzhia region", "name: Atlantis Oblast")
    (story / "places.yaml").write_text(text, encoding="utf-8")
    (problem,) = problems_of(story)
    assert "precision: region: no first-level region called 'Atlantis Oblast' in UA" in problem
    # Any other precision still needs coords.
    text = _with(STORY, "precision: region", "precision: city")
    (story / "places.yaml").write_text(text, encoding="utf-8")
    (problem,) = problems_of(story)
    assert "precision says how sure coords are" in problem


def test_a_region_wide_place_is_never_asked_of_the_gazetteer_and_gets_its_outline(tmp_path):
    from mapgen.geo.geocode import geocode_story, lookups

    story = mapgen.load(write_story(tmp_path / "story"))
    assert lookups(story) == []  # `mapgen geocode` has nothing to look up
    geo = geocode_story(story, save=False, offline=True)
    loc = geo.places["zaporizhzhia"]
    assert loc.precision == "region" and 46 < loc.lat < 48.5 and 34 < loc.lon < 37.5
    assert geo.place_regions["zaporizhzhia"]["type"] in ("Polygon", "MultiPolygon")


def test_a_region_precision_from_coords_draws_the_region_it_lies_in(tmp_path):
    """Whatever gave a place the precision ``region`` (here: coords written so), the page
    draws the region the position lies in."""
    from mapgen.geo.geocode import geocode_story

    text = _with(
        STORY, "    precision: region\n", "    coords: [47.6, 35.4]\n    precision: region\n"
    )
    story = mapgen.load(write_story(tmp_path / "story", text))
    geo = geocode_story(story, save=False, offline=True)
    outline = geo.place_regions["zaporizhzhia"]
    lons, lats = zip(*_positions(outline), strict=True)
    assert min(lons) < 35.4 < max(lons) and min(lats) < 47.6 < max(lats)


def test_check_counts_a_region_area_as_showing_its_name(tmp_path):
    """``mapgen check`` lists the places the articles mention and the map does not show:
    the Lipetsk region's area shows "Lipetsk", though its name has "region" after it."""
    from mapgen.quotes.mentionreport import report

    geo = mapgen.check(write_story(tmp_path / "story"))
    missing = {found[0].target.name for found in report(geo).missing().values()}
    assert "Lipetsk" not in missing and "Azov" in missing


def test_the_check_command_reads_a_story_of_regions_and_drawn_polygons(tmp_path):
    """``mapgen check`` on the issue's story (an area drawn from a file, which has no
    country): it validates, lists its doubts and mentions, and exits 0, never a traceback."""
    from click.testing import CliRunner

    from mapgen.cli.main import main

    story = write_story(tmp_path / "story")
    result = CliRunner().invoke(main, ["check", str(story)])
    assert result.exit_code == 0, result.output
    assert result.exception is None
    assert "OK" in result.output


def test_an_included_file_may_name_region_wide_places(tmp_path):
    """A CSV row with ``precision`` ``region`` and no lat/lon is looked up as a region too,
    whether the file's columns check out at once or row by row (a bad row elsewhere)."""
    from mapgen.geo.geocode import geocode_story

    rows = (
        "name,kind,precision,country,source,quote\n"
        "Zaporizhzhia region,military,region,UA,a,Shelling was reported across the"
        " Zaporizhzhia region overnight.\n"
    )
    text = STORY.replace("places:\n", "include: [strikes.csv]\nplaces:\n", 1)
    story = write_story(tmp_path / "story", text)
    (story / "strikes.csv").write_text(rows, encoding="utf-8")
    geo = geocode_story(mapgen.load(story), save=False, offline=True)
    assert geo.places["strikes-2"].precision == "region"
    assert "strikes-2" in geo.place_regions
    (story / "strikes.csv").write_text(rows + "Kherson,site,city,UA,a,Shelling\n", encoding="utf-8")
    (problem,) = problems_of(story)
    assert problem.startswith("strikes.csv:3:") and "give them (without them, only" in problem


def test_mapgen_watch_rebuilds_when_the_geometry_file_changes(tmp_path):
    from .test_watch import edit, start

    story = write_story(tmp_path / "story")
    s = start(story)
    try:
        assert s.watcher.failures == 0, s.lines
        geometry = story / "occupied-2023.geojson"
        s.rebuilt_after(lambda: edit(geometry, "35.2,", "35.25,"))
        assert "35.25" in s.html.read_text(encoding="utf-8")
        s.rebuilt_after(lambda: edit(geometry, "46.4\n", "96.4\n"))
        error = s.watcher.state.snapshot().error or ""
        assert "occupied-2023.geojson:" in error and "latitude 96.4" in error
    finally:
        s.stop.set()
        s.thread.join(10)


def test_the_static_map_draws_regions_polygons_and_region_wide_places(tmp_path):
    from mapgen.export.svg import static_svg
    from mapgen.geo.geocode import geocode_story
    from mapgen.page.styles import KIND_COLORS

    geo = geocode_story(mapgen.load(write_story(tmp_path / "story")), save=False, offline=True)
    svg = static_svg(geo, None)
    for area_id in ("hungary", "lipetsk", "south"):
        assert f'id="area-{area_id}"' in svg
    # The region's dashed outline in the kind's colour, and the page's mark, not a pin.
    color = KIND_COLORS["military"]
    assert f'fill="{color}" fill-opacity="0.08"' in svg
    assert 'stroke-dasharray="4 2.5"' in svg and "Area in the story" in svg


def test_a_drawn_polygon_across_the_antimeridian_is_split_not_a_band(tmp_path):
    """Chukotka's tip, drawn from 179 E to 179 W: two polygons, one each side of the line."""
    from mapgen.geo.geocode import geocode_story

    ring = [[179.0, 65.0], [-179.0, 65.0], [-179.0, 66.0], [179.0, 66.0], [179.0, 65.0]]
    story = write_story(tmp_path / "story")
    (story / "occupied-2023.geojson").write_text(
        json.dumps({"type": "Polygon", "coordinates": [ring]}), encoding="utf-8"
    )
    geo = geocode_story(mapgen.load(story), save=False, offline=True)
    shape = geo.areas["south"]
    assert shape["type"] == "MultiPolygon" and len(shape["coordinates"]) == 2
    for rings in shape["coordinates"]:
        lons = [p[0] for p in rings[0]]
        assert max(lons) - min(lons) <= 1.0 + 1e-9
    # An ordinary polygon is kept as it was written.
    story = write_story(tmp_path / "plain")
    geo = geocode_story(mapgen.load(story), save=False, offline=True)
    assert geo.areas["south"]["coordinates"] == OCCUPIED["features"][0]["geometry"]["coordinates"]


def test_a_place_the_gazetteer_finds_as_a_region_is_drawn_as_its_region(tmp_path):
    """``feature: region`` asks the gazetteer for a region: its answer's precision is
    ``region``, and the page draws the region's outline round a marked centre, no pin."""
    text = _with(STORY, "    precision: region\n", "    feature: region\n")
    story = write_story(tmp_path / "story", text)
    page = mapgen.build(story).html.read_text(encoding="utf-8")
    geo = json.loads((story / "output" / "map.geojson").read_text(encoding="utf-8"))
    place = next(f for f in geo["features"] if f["id"] == "zaporizhzhia")
    assert place["properties"]["precision"] == "region"
    assert place["properties"]["geocoder"] == "gazetteer"
    assert "mg-region-outline" in page and "mg-region-mark" in page


def test_a_geometry_file_not_in_utf8_is_one_line_at_its_first_bad_byte(tmp_path):
    """Latin-1 from an old tool: the line and column of the first byte that is not UTF-8;
    a byte-order mark before good UTF-8 is fine."""
    story = write_story(tmp_path / "story")
    good = (story / "occupied-2023.geojson").read_bytes()
    (story / "occupied-2023.geojson").write_bytes(b'{"name": "Zone",\n "x": "Kh\xe9rson"}')
    (problem,) = problems_of(story)
    assert problem.startswith("occupied-2023.geojson:2:10: is not UTF-8"), problem
    (story / "occupied-2023.geojson").write_bytes(b"\xef\xbb\xbf" + good)
    mapgen.build(story)  # no problem


@pytest.mark.parametrize(
    ("geojson", "message"),
    [
        ('{"type": "' + "Pentagon" * 400_000 + '", "coordinates": []}', "a PentagonPentagon"),
        (
            '{"type": "Polygon", "coordinates": [[[30, '
            + "9" * 4_000
            + "], [1, 2], [3, 4], [30, "
            + "9" * 4_000
            + "]]]}",
            "latitude a huge number is outside",
        ),
        (
            '{"type": "Polygon", "coordinates": [[[30, 1e300], [1, 2], [3, 4], [30, 1e300]]]}',
            "latitude 1e+300 is outside",
        ),
    ],
)
def test_a_huge_value_in_the_file_makes_a_short_error_line(tmp_path, geojson, message):
    story = write_story(tmp_path / "story")
    (story / "occupied-2023.geojson").write_text(geojson, encoding="utf-8")
    (problem,) = problems_of(story)
    assert message in problem and len(problem) < 400, problem[:500]
