"""Geocoding: explicit coords > the story's cache > the offline gazetteer.

Everything here runs the real gazetteer on the real GeoNames and country data; nothing
is mocked.  Whether the 16 MB city file was needed is observed through
``Gazetteer.city_lookups`` (per instance) and, in a fresh process, ``Gazetteer.loads``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import textwrap
from pathlib import Path

import pytest
import yaml
from geopy.exc import GeocoderQueryError, GeocoderServiceError
from geopy.geocoders.base import Geocoder
from geopy.location import Location as GeopyLocation

from mapgen.core.errors import StoryError
from mapgen.geo.cache import GeocodeCache
from mapgen.geo.cachefile import CACHE_NAME
from mapgen.geo.gazetteer import Gazetteer, country_outline, fold, resolve_country
from mapgen.geo.geocode import geocode_story
from mapgen.story.load import load_story
from mapgen.story.model import Area, Location, Place, Pos, Route, Story, Waypoint

from .conftest import run_python

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 5, 1)


def at(line: int, col: int = 5) -> Pos:
    return Pos("places.yaml", line, col)


def place(pid: str, name: str, line: int, **kw) -> Place:
    return Place(id=pid, name=name, kind=kw.pop("kind", "city"), pos=at(line), **kw)


def make_story(tmp_path: Path, places=(), routes=(), areas=()) -> Story:
    return Story(
        title="test",
        path=tmp_path / "places.yaml",
        sources=[],
        places=list(places),
        routes=list(routes),
        areas=list(areas),
    )


def run(story: Story, **kw):
    kw.setdefault("today", TODAY)
    return geocode_story(story, **kw)


def near(loc: Location | tuple[float, float], lat: float, lon: float, tol: float = 0.1) -> bool:
    got = (loc.lat, loc.lon) if isinstance(loc, Location) else loc
    return abs(got[0] - lat) <= tol and abs(got[1] - lon) <= tol


def cache_entries(tmp_path: Path) -> list[dict]:
    return yaml.safe_load((tmp_path / CACHE_NAME).read_text(encoding="utf-8"))["entries"]


# ------------------------------------------------------------------ explicit coords, cache


def test_explicit_coords_win_and_need_no_gazetteer(tmp_path):
    story = make_story(
        tmp_path,
        [
            place(
                "pier",
                "Pier 33",
                3,
                query="Pier 33, Vladivostok",
                coords=(43.114, 131.893),
                precision="approximate",
            ),
            # Moscow would be found, but coords written in places.yaml win.
            place("moscow", "Moscow", 9, country="RU", coords=(10.0, 20.0)),
        ],
    )
    gazetteer = Gazetteer()
    geo = run(story, gazetteer=gazetteer)
    assert geo.places["pier"] == Location(
        43.114, 131.893, "approximate", "places.yaml", query="Pier 33, Vladivostok"
    )
    assert geo.places["moscow"] == Location(10.0, 20.0, "point", "places.yaml")
    assert gazetteer.city_lookups == 0
    assert not (tmp_path / CACHE_NAME).exists()  # nothing new to remember


CACHE_TEXT = """\
# a cache written by an earlier run
version: 2
entries:
- query: Pyongyang
  country: KP
  feature: city
  lat: 39.0
  lon: 125.7
  precision: city
  address: Pyongyang, North Korea
  geocoder: gazetteer
  date: 2023-09-01
- query: Hamhung
  country: kp
  lat: 39.9
  lon: 127.5
  precision: city
  geocoder: nominatim
  date: '2023-09-02'
"""


def test_cache_hit_does_not_touch_the_city_data(tmp_path):
    (tmp_path / CACHE_NAME).write_text(CACHE_TEXT, encoding="utf-8")
    story = make_story(
        tmp_path,
        [place("pyongyang", "Pyongyang", 3, country="KP")],  # kind city: feature city
        [
            Route(
                "train",
                "Train",
                "rail",
                [
                    Waypoint(at(7), place="pyongyang"),
                    Waypoint(at(8), name="  HAMHUNG ", country="KP"),
                ],
                at(6),
            )
        ],
    )
    gazetteer = Gazetteer()
    geo = run(story, gazetteer=gazetteer)
    # The cache's values (rounded on purpose) are used, with the cached provenance.
    assert geo.places["pyongyang"] == Location(
        39.0, 125.7, "city", "gazetteer", query="Pyongyang", address="Pyongyang, North Korea"
    )
    assert geo.routes["train"] == [(39.0, 125.7), (39.9, 127.5)]
    assert gazetteer.city_lookups == 0
    assert (tmp_path / CACHE_NAME).read_text(encoding="utf-8") == CACHE_TEXT  # not rewritten


def test_warm_rebuild_never_reads_the_city_file(tmp_path):
    """In a fresh process (the city data is shared per process), a story answered by the
    cache, with areas, must not read cities15000.json at all."""
    (tmp_path / CACHE_NAME).write_text(CACHE_TEXT, encoding="utf-8")
    script = textwrap.dedent(
        f"""
        import datetime, pathlib
        from mapgen.geo import gazetteer
        from mapgen.geo.geocode import geocode_story
        from mapgen.story.model import Area, Place, Pos, Story
        p = Pos("places.yaml", 1, 1)
        story = Story("t", pathlib.Path({str(tmp_path / "places.yaml")!r}), [],
                      [Place("pyongyang", "Pyongyang", "city", p, country="KP")],
                      [], [Area("kp", "North Korea", "North Korea", p),
                           Area("ru", "Russia", "RU", p)])
        geo = geocode_story(story, today=datetime.date(2024, 5, 1))
        assert geo.places["pyongyang"].lat == 39.0, geo.places
        assert sorted(geo.areas) == ["kp", "ru"]
        print(gazetteer.Gazetteer.loads, gazetteer.city_data_loaded())
        """
    )
    assert run_python(script).split() == ["0", "False"]


# ------------------------------------------------------------------ the gazetteer


@pytest.mark.parametrize(
    ("name", "country", "lat", "lon"),
    [
        ("Pyongyang", "KP", 39.03, 125.75),
        ("Vladivostok", "RU", 43.11, 131.87),
        ("Seoul", "KR", 37.57, 126.98),
        ("Moscow", "RU", 55.75, 37.62),  # not Moscow, Idaho
        ("Moscow", "Russia", 55.75, 37.62),  # a country name works as a hint
        ("Moscow", None, 55.75, 37.62),  # by population
        ("Moscow", "US", 46.73, -117.0),  # Idaho (25 k), not Pennsylvania (2 k)
        ("Washington", "US", 38.9, -77.04),  # DC, not Washington state's towns
        ("Washington", "USA", 38.9, -77.04),
        ("Hamhung", "KP", 39.92, 127.54),  # GeoNames spells it Hamhŭng
        ("Ch'ŏngjin", "KP", 41.8, 129.78),
        ("Ussuriysk", "RU", 43.8, 131.96),
        ("Kiev", None, 50.45, 30.52),  # an alternate name of Kyiv
    ],
)
def test_gazetteer_finds_cities(name, country, lat, lon):
    loc = Gazetteer().geocode(name, country=country)
    assert loc is not None
    assert abs(loc.latitude - lat) < 0.1 and abs(loc.longitude - lon) < 0.1, loc.raw
    assert loc.raw["precision"] == loc.raw["feature"] == "city"
    assert isinstance(loc.raw["geonameid"], int) and loc.raw["population"] > 15000


def test_gazetteer_location_raw_and_ranking():
    g = Gazetteer()
    hamhung = g.geocode("hamhung", country="PRK")
    assert hamhung.address == "Hamhŭng, North Korea"
    assert hamhung.raw["country_code"] == "KP" and hamhung.raw["match"] == "name"
    moscows = g.geocode("Moscow", exactly_one=False)
    assert [m.raw["country_code"] for m in moscows[:2]] == ["RU", "US"]
    assert g.geocode("Xyzzyville") is None
    assert g.geocode("Xyzzyville", exactly_one=False) == []
    assert g.geocode("Pyongyang", country="RU") is None  # the hint restricts
    with pytest.raises(GeocoderQueryError, match="Narnia"):
        g.geocode("Pyongyang", country="Narnia")


def test_gazetteer_finds_countries():
    g = Gazetteer()
    ukraine = g.geocode("Ukraine", feature="country")
    assert ukraine.raw["precision"] == "country" and ukraine.raw["country_code"] == "UA"
    assert 44 < ukraine.latitude < 53 and 22 < ukraine.longitude < 41
    assert g.geocode("North Korea").raw["country_code"] == "KP"  # no city: then countries
    assert g.geocode("Pyongyang", feature="country") is None
    assert g.geocode("North Korea", feature="city") is None


@pytest.mark.parametrize(
    ("text", "alpha2"),
    [
        ("KP", "KP"),
        ("kp", "KP"),
        ("PRK", "KP"),
        ("North Korea", "KP"),
        ("DPRK", "KP"),
        ("South Korea", "KR"),
        ("Republic of Korea", "KR"),
        ("USA", "US"),
        ("the US", "US"),
        ("United States", "US"),
        ("United States of America", "US"),
        ("Russia", "RU"),
        ("Russian Federation", "RU"),
        ("Rossiya", "RU"),  # an other spelling (from countryinfo, shipped in countries.tsv)
        ("Ukraine", "UA"),
        ("Côte d'Ivoire", "CI"),
        ("UK", "GB"),
    ],
)
def test_resolve_country(text, alpha2):
    assert resolve_country(text)[0] == alpha2


def test_resolve_country_unknown():
    assert resolve_country("Narnia") is None
    assert resolve_country("") is None
    assert country_outline("Narnia") is None


def _inside(geometry: dict, lon: float, lat: float) -> bool:
    """Even-odd rule over every ring: enough for a point well inside a country."""
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    crossings = 0
    for rings in polygons:
        for ring in rings:
            for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
    return crossings % 2 == 1


@pytest.mark.parametrize(
    ("code", "lat", "lon"),
    [
        ("KP", 39.03, 125.75),
        ("UA", 50.45, 30.52),
        ("RU", 55.75, 37.62),
        ("KR", 37.57, 126.98),
        ("Russia", 43.1, 131.9),
    ],
)
def test_country_outlines(code, lat, lon):
    geometry = country_outline(code)
    assert geometry["type"] in ("Polygon", "MultiPolygon")
    polygons = geometry["coordinates"]
    if geometry["type"] == "Polygon":
        polygons = [polygons]
    positions = [p for rings in polygons for ring in rings for p in ring]
    lons = [p[0] for p in positions]
    lats = [p[1] for p in positions]
    assert min(lons) <= lon <= max(lons) and min(lats) <= lat <= max(lats)
    assert _inside(geometry, lon, lat)


def test_fold():
    assert fold("Hamhŭng") == fold("HAMHUNG") == "hamhung"
    assert fold("Ch'ŏngjin") == fold("Chongjin")
    assert fold("Nikol\u2019sk-Ussuriyskiy") == "nikolskussuriyskiy"
    assert fold("Łódź") == "lodz" and fold("São Paulo") == "saopaulo"


def test_closest():
    g = Gazetteer()
    assert g.closest("Pyongyng")[0].name == "Pyongyang"
    in_kp = g.closest("Tumangang", 3, country="KP")
    assert len(in_kp) == 3 and {c.country_code for c in in_kp} == {"KP"}
    assert str(g.closest("Vladivostock", 1)[0]) == "Vladivostok (RU, 43.11, 131.87)"
    countries = g.closest("Ukrain", 2, feature="country")
    assert countries[0].name == "Ukraine" and countries[0].feature == "country"


def test_gazetteer_has_no_network():
    g = Gazetteer()
    with pytest.raises(GeocoderServiceError):
        g.adapter.get_json("https://example.org", timeout=1, headers={})


# ------------------------------------------------------------------ the chain and its cache


def train(line: int = 20) -> Route:
    return Route(
        id="armored-train",
        name="Kim's armored train",
        mode="rail",
        pos=at(line),
        via=[
            Waypoint(at(line + 1), place="pyongyang"),
            Waypoint(at(line + 2), name="Hamhung", country="KP"),
            Waypoint(at(line + 3), name="Tumangang", coords=(42.40, 130.61)),
            Waypoint(at(line + 4), name="Ussuriysk", country="RU"),
            Waypoint(at(line + 5), place="vladivostok"),
        ],
    )


def test_gazetteer_answers_are_cached_and_reused(tmp_path):
    story = make_story(
        tmp_path,
        [
            place("pyongyang", "Pyongyang", 3, country="KP"),
            place("vladivostok", "Vladivostok", 8, country="RU"),
            place("washington", "Washington", 12, country="US"),
        ],
        [train()],
    )
    first = Gazetteer()
    geo = run(story, gazetteer=first)
    assert first.city_lookups > 0
    assert near(geo.places["washington"], 38.9, -77.04)
    assert geo.places["pyongyang"].geocoder == "gazetteer"
    assert geo.places["pyongyang"].precision == "city"
    route = geo.routes["armored-train"]
    assert len(route) == 5 and route[2] == (42.40, 130.61) and near(route[1], 39.92, 127.54)

    text = (tmp_path / CACHE_NAME).read_text(encoding="utf-8")
    assert text.startswith("# geocode-cache.yaml: ")
    entries = cache_entries(tmp_path)
    assert [(e["query"], e["country"]) for e in entries] == [
        ("Hamhung", "KP"),
        ("Pyongyang", "KP"),
        ("Ussuriysk", "RU"),
        ("Vladivostok", "RU"),
        ("Washington", "US"),
    ]
    hamhung = entries[0]
    assert hamhung == {
        "query": "Hamhung",
        "country": "KP",
        "lat": 39.91833,
        "lon": 127.53639,
        "precision": "city",
        "address": "Hamhŭng, North Korea",
        "geocoder": "gazetteer",
        "date": "2024-05-01",
        "why": "only place by that name, in KP",  # what decided it, shown in the popup
    }
    assert "Hamhŭng" in text  # readable, not \u escapes

    second = Gazetteer()
    again = run(story, gazetteer=second, today=dt.date(2030, 1, 1))
    assert second.city_lookups == 0
    assert again.places == geo.places and again.routes == geo.routes
    assert (tmp_path / CACHE_NAME).read_text(encoding="utf-8") == text


def test_cache_file_is_deterministic(tmp_path):
    places = [
        place("moscow", "Moscow", 3, country="RU"),
        place("seoul", "Seoul", 5, country="KR"),
        place("pyongyang", "Pyongyang", 7, country="KP"),
    ]
    one, two = tmp_path / "one", tmp_path / "two"
    one.mkdir()
    two.mkdir()
    run(make_story(one, places))
    run(make_story(two, list(reversed(places))))
    assert (one / CACHE_NAME).read_bytes() == (two / CACHE_NAME).read_bytes()

    cache = GeocodeCache.load(one)  # a folder means its geocode-cache.yaml
    assert len(cache) == 3 and not cache.changed
    assert cache.save() is False
    before = (one / CACHE_NAME).read_bytes()
    loc = cache.get(" moscow ", "ru", "city")
    # The same answer: no change.
    cache.put("MOSCOW", "RU", loc, dt.date(2031, 1, 1), feature="city")
    assert not cache.changed and cache.dumps().encode() == before


def test_unresolvable_places_are_all_reported_at_once(tmp_path):
    story = make_story(
        tmp_path,
        [
            place("pyongyang", "Pyongyang", 3, country="KP"),
            place("vladivostok", "Vladivostok", 8, country="RU"),
            place("nowhere", "Xyzzyville", 12),
        ],
        [
            Route(
                "r",
                "R",
                "rail",
                [
                    Waypoint(at(21), place="pyongyang"),
                    Waypoint(at(22, 9), name="Tumangang", country="KP"),
                ],
                at(20),
            )
        ],
        [Area("narnia", "Narnia", "Narnia", at(30)), Area("ua", "Ukraine", "UA", at(35))],
    )
    with pytest.raises(StoryError) as err:
        run(story)
    problems = err.value.problems
    assert [str(p.pos) for p in problems] == [
        "places.yaml:12:5",
        "places.yaml:22:9",
        "places.yaml:30:5",
    ]
    message = str(err.value)
    first = message.splitlines()[0]
    assert first.startswith("places.yaml:12:5: cannot find 'Xyzzyville' in the offline gazetteer")
    assert (
        "; closest: " in first
        and "add `coords: [lat, lon]`, a `country:` hint, or a `query:`" in first
    )
    closest = first.split("; closest: ")[1].split("; add")[0].split("), ")
    assert len(closest) == 5
    assert all(c.count(", ") >= 2 and " (" in c for c in closest)  # Name (CC, lat, lon)
    stop = message.splitlines()[1]
    assert "cannot find 'Tumangang' (country KP)" in stop and "(KP, " in stop
    assert "add `coords: [lat, lon]`" in stop and "query" not in stop.split("; add")[1]
    assert "unknown country 'Narnia'" in message.splitlines()[2]
    # What was found is kept for next time.
    assert [e["query"] for e in cache_entries(tmp_path)] == ["Pyongyang", "Vladivostok"]


def test_unknown_country_hint(tmp_path):
    story = make_story(tmp_path, [place("p", "Pyongyang", 4, country="Koreaa")])
    with pytest.raises(StoryError, match=r"places.yaml:4:5: unknown country 'Koreaa'"):
        run(story)


@pytest.mark.parametrize(
    ("text", "where", "what"),
    [
        ("version: 1\nentries:\n- query: Seoul\n  lat: [1\n", ":5:1: ", "not valid YAML"),
        (
            "version: 1\nentries:\n- query: Seoul\n  country: KR\n  lat: north\n  lon: 127.0\n"
            "  precision: city\n  geocoder: gazetteer\n  date: 2024-05-01\n",
            ":5:8: ",
            "`lat: 'north'`",
        ),
        (
            "version: 1\nentries:\n- query: Seoul\n  lat: 1\n",
            ":3:3: ",
            "an entry without `lon`, `precision`, `geocoder`, `date`",
        ),
        ("version: 3\nentries: []\n", ":1:10: ", "unknown geocode cache format 3"),
        ("- just a list\n", ":1:1: ", "expected `version:`"),
    ],
)
def test_corrupt_cache_is_a_story_error_and_left_alone(tmp_path, text, where, what):
    path = tmp_path / CACHE_NAME
    path.write_text(text, encoding="utf-8")
    story = make_story(tmp_path, [place("seoul", "Seoul", 3, country="KR")])
    with pytest.raises(StoryError) as err:
        run(story)
    message = str(err.value)
    assert f"{path}{where}" in message and what in message
    assert path.read_text(encoding="utf-8") == text


def test_cache_not_utf8(tmp_path):
    path = tmp_path / CACHE_NAME
    path.write_bytes(b"version: 1\nentries:\n- query: \xff\n")
    with pytest.raises(StoryError, match=r":3:1: the geocode cache is not UTF-8"):
        GeocodeCache.load(path)
    assert path.read_bytes() == b"version: 1\nentries:\n- query: \xff\n"


def test_areas_resolve_to_outlines_without_city_data(tmp_path):
    story = make_story(
        tmp_path,
        areas=[
            Area("ua", "Ukraine", "UA", at(1)),
            Area("ru", "Russia", "Russia", at(2)),
            Area("kp", "North Korea", "KP", at(3)),
            Area("kr", "South Korea", "KOR", at(4)),
            Area("hu", "Hungary", "Hungary", at(5)),
        ],
    )
    gazetteer = Gazetteer()
    geo = run(story, gazetteer=gazetteer)
    # Natural Earth's 1:50m outlines keep the islands: Ukraine's Dzharylhach, Korea's Jeju.
    assert {k: v["type"] for k, v in geo.areas.items()} == {
        "ua": "MultiPolygon",
        "ru": "MultiPolygon",
        "kp": "MultiPolygon",
        "kr": "MultiPolygon",
        "hu": "Polygon",
    }
    assert gazetteer.city_lookups == 0


def test_an_area_without_outline(tmp_path):
    story = make_story(tmp_path, areas=[Area("an", "Netherlands Antilles", "AN", at(7))])
    with pytest.raises(
        StoryError,
        match=r"places.yaml:7:5: the offline data has no outline of Netherlands Antilles",
    ):
        run(story)


class PierGeocoder(Geocoder):
    """A stand-in for an online geocoder (a later issue): any geopy Geocoder can follow
    the gazetteer in the chain, and its answers are cached under its name."""

    name = "pier-finder"

    def __init__(self):
        super().__init__()
        self.asked: list[str] = []

    def geocode(self, query, *, exactly_one=True, timeout=None):
        self.asked.append(query)
        if query.startswith("Pier 33"):
            return GeopyLocation("Pier 33, Vladivostok", (43.1141234567, 131.893), {})
        return None


def test_another_geocoder_after_the_gazetteer(tmp_path):
    story = make_story(
        tmp_path,
        [
            place("pier", "Pier 33", 3, query="Pier 33", country="RU"),
            place("seoul", "Seoul", 6, country="KR"),
        ],
    )
    online = PierGeocoder()
    geo = run(story, geocoder=online)
    assert online.asked == ["Pier 33, Russia"]  # Seoul was answered offline
    assert geo.places["pier"] == Location(
        43.114123,
        131.893,
        "approximate",
        "pier-finder",
        query="Pier 33",
        address="Pier 33, Vladivostok",
    )
    assert [e["geocoder"] for e in cache_entries(tmp_path)] == ["pier-finder", "gazetteer"]


# ------------------------------------------------------------------ the real story


def _real_story(tmp_path: Path) -> Story:
    """The shipped story, as mapgen loads it (no hand-made stand-in: a story that failed to
    load here would hide what the real one does)."""
    shutil.copy(ROOT / "places.yaml", tmp_path / "places.yaml")
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    return load_story(tmp_path / "places.yaml")


def test_the_real_story(tmp_path):
    story = _real_story(tmp_path)
    geo = run(story)
    assert set(geo.places) == {p.id for p in story.places}
    assert near(geo.places["pyongyang"], 39.03, 125.75)
    assert near(geo.places["moscow"], 55.75, 37.62)
    assert near(geo.places["washington"], 38.9, -77.04)
    assert geo.places["pier-33"].geocoder == "places.yaml"
    train_line = geo.routes["armored-train"]
    assert train_line[0] == (geo.places["pyongyang"].lat, geo.places["pyongyang"].lon)
    assert train_line[-1] == (geo.places["vladivostok"].lat, geo.places["vladivostok"].lon)
    # Up the east coast and over the Tumen: latitudes rise until the border.
    lats = [lat for lat, _ in train_line]
    assert lats[:4] == sorted(lats[:4])
    assert set(geo.areas) == {"ukraine", "russia", "north-korea", "south-korea"}
    gazetteer = Gazetteer()
    assert run(story, gazetteer=gazetteer).places == geo.places
    assert gazetteer.city_lookups == 0


def test_positions_are_kept_as_columns_and_read_as_locations():
    """Geocoding keeps 100,000 positions as columns (no object each); they read as the
    mapping of place id -> Location they stand for, and change as one does."""
    from mapgen.story.model import LocationColumns, LocationTable, location_columns

    table = LocationTable(
        ["a", "b"],
        LocationColumns(
            [1.0, 2.0], [3.0, 4.0], ["point", "city"], ["places.yaml", "gazetteer"],
            [None, "B"], [None, "B, X"], [None, "only place by that name"], [None, None],
        ),
    )  # fmt: skip
    b = Location(2.0, 4.0, "city", "gazetteer", "B", "B, X", "only place by that name")
    assert table["b"] == b and table.get("z") is None and "z" not in table
    assert table == {"a": Location(1.0, 3.0, "point", "places.yaml"), "b": b}
    table["c"] = Location(5.0, 6.0, "point", "places.yaml")
    table["a"] = Location(0.5, 3.0, "point", "places.yaml")
    assert list(table) == ["a", "b", "c"] and table["a"].lat == 0.5 and len(table) == 3
    del table["b"]
    assert list(table) == ["a", "c"] and table["c"].lon == 6.0 and "b" not in table
    assert location_columns(table, ["a", "c"]).lats == [0.5, 5.0]
    assert location_columns(dict(table), ["c", "a"]).lats == [5.0, 0.5]
    assert location_columns(table, ["c", "a"]).lats == [5.0, 0.5]  # another order: read
    assert table.copy() == dict(table) and type(table.copy()) is dict
