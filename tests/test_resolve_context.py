"""Resolution in context: importance, first-level regions, the story's own geography, what
decided each answer (``why``), and the loud doubt ``mapgen check`` prints.

The cases are the issue's: the Wagner story's Geneva and Blagoveshchensk, "New Orleans,
Louisiana", Nelson in a British Columbia story, Virginia and Georgia as US states in a US
story, Melbourne in a Florida story, Palestine in Texas only with strong context.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli.main import main
from mapgen.geo.context import StoryContext
from mapgen.geo.gazetteer import AmbiguousPlace, Gazetteer, distance_km
from mapgen.quotes.mentions import find_mentions


@pytest.fixture(scope="module")
def g() -> Gazetteer:
    return Gazetteer()


def near(match, lat: float, lon: float, km: float = 30.0) -> bool:
    return match is not None and distance_km(match.lat, match.lon, lat, lon) <= km


def context(*, countries=(), regions=(), points=()) -> StoryContext:
    made = StoryContext()
    for code in countries:
        made.add_country(code)
    for code in regions:
        made.add_region(code)
    for lat, lon, cc in points:
        made.add_point(lat, lon, cc)
    return made


RUSSIAN_FAR_EAST = context(
    countries=["RU"], points=[(48.48, 135.08, "RU"), (43.12, 131.90, "RU"), (50.55, 137.0, "RU")]
)
BRITISH_COLUMBIA = context(
    regions=["CA-BC"], points=[(49.28, -123.12, "CA"), (49.89, -119.50, "CA")]
)
FLORIDA = context(regions=["US-FL"], points=[(28.54, -81.38, "US"), (25.76, -80.19, "US")])
UNITED_STATES = context(
    countries=["US", "US"], points=[(33.75, -84.39, "US"), (38.90, -77.04, "US")]
)
TEXAS = context(regions=["US-TX"], points=[(32.78, -96.80, "US"), (32.35, -95.30, "US")])


# ------------------------------------------------------------------ importance


def test_geneva_is_the_swiss_city_without_a_question(g):
    """201,741 people against Geneva, Illinois' 21,806 was "ambiguous"; how widely each is
    known (60 GeoNames names against 11) settles it, with no doubt left."""
    found = g.search("Geneva")
    assert not found.ambiguous
    assert near(found.best, 46.20, 6.15) and found.best.country_code == "CH"
    assert found.best.why.startswith("largest of ") and found.best.why.endswith(" by population")
    assert found.best.doubt == ""
    loc = g.geocode("Geneva")
    assert loc.raw["why"] == found.best.why and loc.raw["doubt"] == ""


def test_a_close_runner_up_still_stops_the_build_even_with_context(g):
    with pytest.raises(AmbiguousPlace):
        g.geocode("Springfield")
    with pytest.raises(AmbiguousPlace):  # a US story does not say which Springfield
        g.geocode("Springfield", context=UNITED_STATES)


# ------------------------------------------------------------------ the story's context


def test_blagoveshchensk_in_a_far_east_story_is_the_city_on_the_amur(g):
    with pytest.raises(AmbiguousPlace):  # alone, 225,091 people against 34,238 is close
        g.geocode("Blagoveshchensk")
    found = g.search("Blagoveshchensk", context=RUSSIAN_FAR_EAST)
    assert not found.ambiguous
    assert near(found.best, 50.28, 127.53)
    assert found.best.why == "nearest the story's other places (of 2 by that name)"
    assert "context chose it over Blagoveshchensk (RU; 55.04, 55.98" in found.best.doubt


def test_nelson_in_a_british_columbia_story_is_nelson_bc(g):
    assert g.search("Nelson").best.country_code == "NZ"
    found = g.search("Nelson", context=BRITISH_COLUMBIA)
    assert not found.ambiguous and near(found.best, 49.50, -117.29)
    assert found.best.why.startswith("in Canada, which the story names")


def test_melbourne_in_a_florida_story_is_melbourne_florida(g):
    assert g.search("Melbourne").best.country_code == "AU"
    found = g.search("Melbourne", context=FLORIDA)
    assert not found.ambiguous and near(found.best, 28.08, -80.61)
    assert found.best.doubt  # the context decided it: check lists it


@pytest.mark.parametrize(
    ("name", "code", "lat", "lon"),
    [("Virginia", "US-VA", 37.74, -78.24), ("Georgia", "US-GA", 32.85, -83.41)],
)
def test_virginia_and_georgia_are_us_states_in_a_us_story(g, name, code, lat, lon):
    found = g.search(name, context=UNITED_STATES)
    best = found.best
    assert not found.ambiguous
    assert best.feature == "region" and best.region == code and near(best, lat, lon, 1)
    loc = g.geocode(name, context=UNITED_STATES)
    assert loc.raw["feature"] == "region" and loc.raw["precision"] == "region"
    assert loc.address == f"{name}, United States"


def test_georgia_is_the_country_without_context_or_in_a_story_that_names_it(g):
    assert g.search("Georgia").best.feature == "country"
    caucasus = context(countries=["US", "US", "GE"], points=[(41.72, 44.79, "GE")])
    assert g.search("Georgia", context=caucasus).best.feature == "country"
    georgia = g.search("Georgia", context=UNITED_STATES).best
    assert georgia.why == (
        "state of United States: the story is set in United States and does not name Georgia"
    )


def test_a_country_in_a_list_of_countries_is_the_country(g):
    """ "Floods hit Guinea, Mali and Niger": Guinea is half the other countries named, not
    a story set in Guinea, so Mali is not the Mali prefecture of Guinea, nor Niger the
    Nigerian state; nor is Georgia the US state among four countries' leaders."""
    listed = context(countries=["GN", "NE"])
    assert g.search("Mali", context=listed).best.feature == "country"
    guinean = context(countries=["GN", "GN", "GN", "GN"], points=[(12.08, -12.3, "GN")])
    assert g.search("Mali", context=guinean).best.region == "GN-ML"
    found = {m.words: m.target for m in find_mentions("Floods hit Guinea, Mali and Niger.")}
    assert (found["Mali"].feature, found["Mali"].country_code) == ("country", "ML")
    assert (found["Niger"].feature, found["Niger"].country_code) == ("country", "NE")
    leaders = "Leaders of France, Germany, Russia and the United States met. Georgia asked to join."
    georgia = {m.words: m.target for m in find_mentions(leaders)}["Georgia"]
    assert (georgia.feature, georgia.country_code) == ("country", "GE")


def test_palestine_is_palestine_texas_only_with_strong_context(g):
    assert g.search("Palestine").best.feature == "country"
    assert g.search("Palestine", context=context(countries=["US"])).best.feature == "country"
    texan = g.search("Palestine", context=TEXAS).best
    assert texan.feature == "city" and near(texan, 31.76, -95.63)
    assert texan.why.startswith("city in Texas: the story is set in United States")


# ------------------------------------------------------------------ regions and qualifiers


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Queensland", "AU-QLD"),
        ("Ohio", "US-OH"),
        ("Lipetsk region", "RU-LIP"),
        ("the State of Ohio", "US-OH"),
        ("California", "US-CA"),
    ],
)
def test_first_level_regions_resolve_to_the_region(g, query, code):
    best = g.search(query).best
    assert best.feature == "region" and best.region == code
    if " " in query:
        assert best.why == "region named with its type word"


def test_a_city_named_like_its_region_is_the_city(g):
    """``Lipetsk`` alone is the city; its region is ``Lipetsk region``."""
    best = g.search("Lipetsk").best
    assert best.feature == "city" and near(best, 52.60, 39.57)
    assert [m for m in g.search("Lipetsk").places if m.feature == "region"] == []


@pytest.mark.parametrize(
    ("query", "lat", "lon", "why"),
    [
        ("New Orleans, Louisiana", 29.95, -90.08, "in Louisiana, as the query says"),
        ("Paris, Texas", 33.66, -95.56, "in Texas, as the query says"),
        ("Nelson, British Columbia", 49.50, -117.29, "in British Columbia, as the query says"),
        ("Blagoveshchensk, Amur", 50.28, 127.53, "in Amur, as the query says"),
        ("Kingston, Ontario", 44.23, -76.48, "in Ontario, as the query says"),
    ],
)
def test_name_comma_state_or_province_of_any_country(g, query, lat, lon, why):
    """ "New Orleans, Louisiana" found nothing: GeoNames lists it as a weak alternate name,
    which stopped the split into name and qualifier."""
    found = g.search(query)
    assert not found.ambiguous and near(found.best, lat, lon), found.best
    assert found.best.why == why


def test_hints_name_the_region_that_picks_a_city(g):
    with pytest.raises(AmbiguousPlace) as err:
        g.geocode("Blagoveshchensk")
    hints = err.value.hints
    assert hints == ["query: Blagoveshchensk, Amur", "query: Blagoveshchensk, Bashkortostan"]
    assert near(g.search("Blagoveshchensk, Bashkortostan").best, 55.04, 55.98)


# ------------------------------------------------------------------ mentions in context


def test_an_articles_mentions_are_resolved_with_its_own_geography():
    text = (
        "Flights from Khabarovsk and Vladivostok resumed. In Blagoveshchensk, officials "
        "said the border with China stayed open. Russia says more will follow."
    )
    found = {m.words: m.target for m in find_mentions(text)}
    amur = found["Blagoveshchensk"]
    assert near(amur, 50.28, 127.53) and "story's other places" in amur.why


def test_a_us_article_names_the_state_of_georgia():
    text = (
        "Officials in Atlanta said the outbreak spread across the United States. Georgia "
        "and Alabama reported cases, the United States said."
    )
    found = {m.words: m.target for m in find_mentions(text)}
    assert found["Georgia"].feature == "region" and found["Georgia"].region == "US-GA"


def test_a_bare_name_may_be_a_region_in_context_but_a_region_stays_one():
    """Alone, Victoria is Hong Kong (by its alternate name); in an article about Australia
    that names New South Wales, the state.  Oregon, recognised as the state, stays it in an
    article about Ohio, which has a town called Oregon."""
    assert find_mentions("Officials in Victoria said so.")[0].target.country_code == "HK"
    text = (
        "Horse flu has spread in Australia. Cases are confirmed in New South Wales, and "
        "officials in Victoria have banned horse movements."
    )
    victoria = {m.words: m.target for m in find_mentions(text)}["Victoria"]
    assert victoria.feature == "region" and victoria.region == "AU-VIC"
    ohio = "Cases were found in Ohio, Michigan and Oregon, officials in Ohio said."
    oregon = {m.words: m.target for m in find_mentions(ohio)}["Oregon"]
    assert oregon.feature == "region" and oregon.region == "US-OR"


# ------------------------------------------------------------------ check: loud doubt

ARTICLE = (
    "Flights from Khabarovsk resumed. Trains left Vladivostok. In Blagoveshchensk, the "
    "mayor spoke. Far away, Recife waited.\n"
)


def story(tmp_path, places: str):
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (tmp_path / "places.yaml").write_text(
        "title: T\nsources:\n  - {id: a, file: seeds/a.txt, title: A}\nplaces:\n" + places,
        encoding="utf-8",
    )
    return tmp_path


def place(pid: str, name: str, quote: str, extra: str = "") -> str:
    return (
        f"  - id: {pid}\n    name: {name}\n    kind: city\n{extra}"
        f'    quotes: [{{source: a, text: "{quote}"}}]\n'
    )


FAR_EAST_PLACES = (
    place("khv", "Khabarovsk", "Flights from Khabarovsk resumed", "    country: RU\n")
    + place("vvo", "Vladivostok", "Trains left Vladivostok", "    country: RU\n")
    + place("blg", "Blagoveshchensk", "the mayor spoke")
)


def test_check_lists_a_position_the_context_decided(tmp_path):
    root = story(tmp_path, FAR_EAST_PLACES)
    geo = mapgen.check(root)
    blg = geo.places["blg"]
    assert distance_km(blg.lat, blg.lon, 50.28, 127.53) < 30
    assert blg.why == "nearest the story's other places (of 2 by that name)"
    result = CliRunner().invoke(main, ["check", "--no-mentions", str(root)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "doubtful position" in line]
    assert len(lines) == 1
    assert lines[0].startswith(f"{root / 'places.yaml'}:15:5: 'Blagoveshchensk' is at ")
    assert "a guess, nearest the story's other places (of 2 by that name): the story's" in lines[0]
    assert "`country:` or `query: Name, Region`, or give `coords: [lat, lon]`" in lines[0]
    strict = CliRunner().invoke(main, ["check", "--no-mentions", "--strict", str(root)])
    assert strict.exit_code == 2 and "1 doubtful position (--strict)" in strict.stderr
    # the doubt is kept with the answer: a build, then a check from the cache, says it again
    assert mapgen.build(root) is not None
    again = CliRunner().invoke(main, ["check", "--no-mentions", str(root)])
    assert sum("doubtful position" in line for line in again.stderr.splitlines()) == 1
    # pinned down: nothing to say
    text = (root / "places.yaml").read_text(encoding="utf-8")
    (root / "places.yaml").write_text(
        text.replace("name: Blagoveshchensk\n", "name: Blagoveshchensk\n    query: Blagoveshchensk, Amur\n"),
        encoding="utf-8",
    )  # fmt: skip
    pinned = CliRunner().invoke(main, ["check", "--no-mentions", str(root)])
    assert "doubtful position" not in pinned.stderr


def test_check_lists_a_place_far_from_all_the_others(tmp_path):
    recife = place("rec", "Recife", "Far away, Recife waited.", "    coords: [-8.05, -34.9]\n")
    root = story(tmp_path, FAR_EAST_PLACES.replace("    name: Blagoveshchensk\n", "    name: Blagoveshchensk\n    country: RU\n    query: Blagoveshchensk, Amur\n") + recife)  # fmt: skip
    result = CliRunner().invoke(main, ["check", "--no-mentions", str(root)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stderr.splitlines() if "doubtful position" in line]
    assert len(lines) == 1 and lines[0].startswith(f"{root / 'places.yaml'}:21:5: 'Recife' is at")
    assert "km from every other place of the story (the nearest is" in lines[0]
    # in a country the story names (an area), a far place is where the story says
    with open(root / "places.yaml", "a", encoding="utf-8") as fh:
        fh.write("areas:\n  - id: br\n    name: Brazil\n    country: BR\n")
        fh.write('    quotes: [{source: a, text: "Far away, Recife waited."}]\n')
    named = CliRunner().invoke(main, ["check", "--no-mentions", str(root)])
    assert named.exit_code == 0, named.output
    assert "doubtful position" not in named.stderr


def test_two_places_are_never_far_from_all_the_others(tmp_path):
    two = place("khv", "Khabarovsk", "Flights from Khabarovsk resumed", "    country: RU\n")
    two += place("rec", "Recife", "Far away, Recife waited.", "    coords: [-8.05, -34.9]\n")
    result = CliRunner().invoke(main, ["check", "--no-mentions", str(story(tmp_path, two))])
    assert result.exit_code == 0 and "doubtful position" not in result.stderr


# ------------------------------------------------------------------ provenance in the page


def test_the_popup_says_what_chose_a_position_escaped(tmp_path):
    root = story(tmp_path, FAR_EAST_PLACES)
    mapgen.build(root)
    html = (root / "output" / "map.html").read_text(encoding="utf-8")
    assert "chosen: nearest the story" in html
    cache = (root / "geocode-cache.yaml").read_text(encoding="utf-8")
    assert "why: nearest the story's other places (of 2 by that name)" in cache
    # a cache edited by hand cannot put markup in the page
    (root / "geocode-cache.yaml").write_text(
        cache.replace("why: only place by that name", "why: <b>bold</b>", 1), encoding="utf-8"
    )
    mapgen.build(root)
    html = (root / "output" / "map.html").read_text(encoding="utf-8")
    assert "chosen: \\u0026lt;b\\u0026gt;bold" in html  # escaped, then written as JSON
    assert "<b>bold" not in html and "\\u003cb\\u003ebold" not in html
