"""From articles to places.yaml: the places an article mentions, check's report, extract.

The first story's figures, counted by reading both articles (docs/commands.md, "On
the first story"): 72 place mentions, by name or demonym; check finds 68 and flags nothing wrongly;
it misses 4 that the gazetteer cannot know (Russia's "Pacific Coast", "Pier 33", the "Far
Eastern Federal University campus", and "inter-Korean").  Building names used for their
governments (White House, Kremlin) and names of organisations (New York Times, TASS,
Eastern Economic Forum) are not place mentions.
"""

from __future__ import annotations

import importlib
import shutil
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import mapgen
from mapgen.cli.main import main
from mapgen.core.errors import StoryError
from mapgen.quotes.extract import extract_yaml
from mapgen.quotes.mentionreport import report
from mapgen.quotes.mentions import DEMONYMS, find_mentions, sentences

ROOT = Path(__file__).resolve().parents[1]


def names(text: str) -> list[tuple[str, str]]:
    """(words, what they were taken for) of each mention in ``text``."""
    return [(m.words, m.target.name) for m in find_mentions(text)]


# --------------------------------------------------------------------------- finding


def test_countries_by_name_common_form_and_demonym():
    text = (
        "North Korean troops crossed into Russia. The United States and the U.S. Navy, the UK"
        " and the DPRK watched; Ukrainians and South Korean officials too."
    )
    assert names(text) == [
        ("North Korean", "North Korea"),
        ("Russia", "Russia"),
        ("United States", "United States"),
        ("U.S.", "United States"),
        ("UK", "United Kingdom"),
        ("DPRK", "North Korea"),
        ("Ukrainians", "Ukraine"),
        ("South Korean", "South Korea"),
    ]


def test_short_forms_count_only_in_capitals():
    assert names("Us and them. The us of it.") == []
    assert names("Talks with the US began.") == [("US", "United States")]


def test_possessives_and_multiword_names():
    assert names("Seoul\u2019s ministry met Bosnia and Herzegovina's envoy in Rostov-on-Don.") == [
        ("Seoul", "Seoul"),
        ("Bosnia and Herzegovina", "Bosnia and Herzegovina"),
        ("Rostov-on-Don", "Rostov-on-Don"),
    ]


def test_people_are_not_cities():
    # Vladimir (Russia, 350,000 people) is a first name here; Sullivan, once introduced as
    # Jake Sullivan, is a surname; Kim is too small to be taken alone.
    text = (
        "Russian President Vladimir Putin met Jake Sullivan. Sullivan spoke. Kim was there."
        " Later Austin said no."
    )
    assert names(text) == [("Russian", "Russia")]


def test_institutions_and_newspapers_are_not_places():
    text = "The White House and the New York Times said so, as did the Washington Post."
    assert names(text) == []
    assert names("He flew to New York.") == [("New York", "New York City")]


def test_common_words_at_a_sentence_start_are_not_cities():
    assert names("Reading the report, he frowned. Nice work.") == []
    assert names("They moved to Reading.") == [("Reading", "Reading")]


def test_small_places_need_a_preposition():
    # Avdiivka is a small town: named after "near" in an article that names its country, it
    # counts; alone, or in an article that never names Ukraine, it does not.
    assert names("The train went to Chongjin.") == [("Chongjin", "Chongjin")]
    assert names("Chongjin Harbour Authority said.") == []
    assert names("Ukraine says shelling near Avdiivka continued.") == [
        ("Ukraine", "Ukraine"),
        ("Avdiivka", "Avdiyivka"),
    ]
    assert names("Shelling near Avdiivka continued.") == []
    assert names("Avdiivka continued.") == []


def test_mentions_know_their_line_column_and_sentence():
    text = "First line here.\nThen Pyongyang said no. And Moscow agreed."
    first, second = find_mentions(text, source="a", file="seeds/a.txt")
    assert (first.line, first.col, first.words) == (2, 6, "Pyongyang")
    assert first.sentence == "Then Pyongyang said no."
    assert second.sentence == "And Moscow agreed."
    assert first.where() == "seeds/a.txt:2:6"
    assert first.target.capital and first.target.country_code == "KP"


def test_sentences_do_not_end_at_abbreviations():
    text = "Talks with U.S. President Biden. Mr. Kim left. Then J. Smith spoke!\nNew line"
    parts = [text[a:b] for a, b in sentences(text)]
    assert parts == [
        "Talks with U.S. President Biden.",
        "Mr. Kim left.",
        "Then J. Smith spoke!",
        "New line",
    ]


def test_demonym_table_is_unambiguous():
    assert DEMONYMS["northkorean"] == "KP" and DEMONYMS["russians"] == "RU"
    assert "korean" not in DEMONYMS and "congolese" not in DEMONYMS


# --------------------------------------------------------------------------- the first story


@pytest.fixture(scope="module")
def seed_geo():
    return mapgen.check(ROOT)


def test_the_first_story_mentions(seed_geo):
    found = report(seed_geo)
    counts = Counter(m.target.name for m in found.mentions)
    assert counts == {
        "North Korea": 22,
        "Russia": 21,
        "Ukraine": 7,
        "United States": 6,
        "Vladivostok": 4,
        "Moscow": 3,
        "Pyongyang": 3,
        "Seoul": 1,
        "Washington": 1,
    }
    assert sum(counts.values()) == 68  # of the 72 counted by hand: none wrong, 4 missed
    per_article = Counter(m.source for m in found.mentions)
    assert per_article == {"warning": 30, "summit": 38}
    # Everything but the United States is on the map; places.yaml leaves it out.
    assert found.missing() == {}
    assert found.left_out["country:US"].name == "United States"
    assert found.shown["country:RU"] == "russia" and found.shown["country:KP"] == "north-korea"
    assert found.lines()[0] == (
        "Place mentions in the articles: 68, of 9 places: 8 on the map, 1 left out, 0 missing."
    )


def test_check_lists_what_the_map_does_not_show(seed_story):
    places = seed_story / "places.yaml"
    text = places.read_text(encoding="utf-8")
    cut = text.index("left_out:")
    end = text.index("# The timeline.")
    places.write_text(text[:cut] + text[end:], encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(seed_story)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("8 events, 38 quotes verified")
    assert lines[1] == (
        "Place mentions in the articles: 68, of 9 places: 8 on the map, 0 left out, 1 missing."
    )
    assert lines[3] == "  United States (country, US): 6 mentions"
    assert lines[4] == (
        '    seeds/000_fa09de8f1ea714ac.txt:2:1: "US": US President Joe Biden\u2019s National'
        " Security Advisor, Jake Sullivan, emphasized, \u201cThey will pay a price for this in"
        " the international community,\u201d during his comments to reporters."
    )
    assert len(lines) == 10
    strict = CliRunner().invoke(main, ["check", "--strict", str(seed_story)])
    assert strict.exit_code == 2
    quiet = CliRunner().invoke(main, ["check", "--no-mentions", str(seed_story)])
    assert quiet.exit_code == 0 and len(quiet.stdout.splitlines()) == 1


def test_check_all_lists_every_mention_for_an_audit(seed_story):
    result = CliRunner().invoke(main, ["check", "--all", "--no-mentions", str(seed_story)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[2] == "Every mention found (68):"
    audit = lines[3:71]
    assert len(audit) == 68 and all(line.startswith("  seeds/") for line in audit)
    assert audit[0].startswith(
        '  seeds/000_fa09de8f1ea714ac.txt:1:1: "North Korea" -> North Korea (country, KP),'
        " by name; on the map as north-korea: North Korea may face"
    )
    assert audit[5].startswith(
        '  seeds/000_fa09de8f1ea714ac.txt:2:1: "US" -> United States (country, US), by'
        " abbreviation; left out: US President"
    )
    # In order: by file, then line and column.
    where = [line.split(": ", 1)[0].strip() for line in audit]
    keys = [(w.split(":")[0], int(w.split(":")[1]), int(w.split(":")[2])) for w in where]
    assert keys == sorted(keys)


def test_left_out_that_matches_nothing_is_said(seed_story):
    places = seed_story / "places.yaml"
    text = places.read_text(encoding="utf-8")
    text = text.replace("left_out:\n", "left_out:\n  - Atlantis\n  - Japan\n")
    places.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(seed_story)])
    assert result.exit_code == 0
    out = result.stdout
    assert "left_out: 'Atlantis' is not mentioned in the articles" in out
    assert "left_out: 'Japan' is not mentioned in the articles" in out
    assert "places.yaml:" in out.splitlines()[-1]


# --------------------------------------------------------------------------- extract


def test_extract_starts_a_story_that_checks(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    articles = sorted(str(p.relative_to(tmp_path)) for p in (tmp_path / "seeds").glob("*.txt"))
    result = CliRunner().invoke(main, ["extract", *articles])
    assert result.exit_code == 0, result.stderr
    yaml_text = result.stdout
    assert "# 68 mentions of 9 places" in result.stderr
    assert (
        "  # gazetteer: Vladivostok (RU; 43.11, 131.87; pop. 604,901) (only place by that"
        " name); precision: city"
    ) in yaml_text
    assert '  - id: pyongyang\n    name: "Pyongyang"\n    kind: capital\n    country: KP\n' in (
        yaml_text
    )
    assert '  - id: north-korea\n    name: "North Korea"\n    country: KP\n' in yaml_text
    # Washington: the capital, which outweighs the state and a town in England; the comment
    # says what decided it
    assert "(capital of United States, of 30 by that name); precision: city" in yaml_text
    (tmp_path / "places.yaml").write_text(yaml_text, encoding="utf-8")
    story = mapgen.load(tmp_path)  # every quote is a sentence of its article, verbatim
    assert {p.id for p in story.places} == {
        "moscow",
        "pyongyang",
        "vladivostok",
        "seoul",
        "washington",
    }
    assert {a.id for a in story.areas} == {"north-korea", "russia", "ukraine", "united-states"}
    geo = mapgen.check(tmp_path)  # and every place is found, unambiguously
    assert report(geo).missing() == {}


def test_extract_quotes_each_sentence_once_and_escapes_yaml():
    text, found = extract_yaml([("a.txt", 'He said "Moscow: yes" in Moscow.\nMoscow: #1 \\ ok.')])
    assert text.count("text:") == 2
    assert '"He said \\"Moscow: yes\\" in Moscow."' in text
    assert '"Moscow: #1 \\\\ ok."' in text
    assert len(found) == 3


def test_extract_refuses_what_it_cannot_read(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"caf\xe9")
    result = CliRunner().invoke(main, ["extract", str(bad)])
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
    missing = CliRunner().invoke(main, ["extract", str(tmp_path / "none.txt")])
    assert missing.exit_code == 2


def test_extract_names_articles_from_the_story_folder(tmp_path, monkeypatch):
    (tmp_path / "a.txt").write_text("Talks in Moscow.\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "a.txt")])
    assert result.exit_code == 0
    assert '    file: "a.txt"' in result.stdout
    elsewhere = tmp_path / "sub"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = CliRunner().invoke(main, ["extract", str(tmp_path / "a.txt")])
    assert "outside this folder" in result.stderr


def test_check_reads_a_hostile_story(hostile_story):
    result = CliRunner().invoke(main, ["check", str(hostile_story)])
    assert result.exit_code == 0, result.stderr
    assert "Place mentions in the articles: 0, of 0 places" in result.stdout
    assert result.stdout.count("is not mentioned in the articles") == 2


class _Scanned(str):
    """An article that adds up the characters ``count`` and ``rfind`` go through: the work
    of placing mentions by line, told without timing anything."""

    scanned = 0

    def count(self, sub, start=0, end=None):  # type: ignore[override]
        end = len(self) if end is None else end
        _Scanned.scanned += max(0, end - start)
        return super().count(sub, start, end)

    def rfind(self, sub, start=0, end=None):  # type: ignore[override]
        end = len(self) if end is None else end
        _Scanned.scanned += max(0, end - start)
        return super().rfind(sub, start, end)


@pytest.mark.parametrize("newline", ["\n", " "])
def test_placing_mentions_reads_the_article_once(newline):
    """On main each mention counted the lines from the article's start: a 10 MB article
    naming places densely took 71 s in ``mapgen check`` (76 s in extract).  The line and
    column are counted on from the mention before, so the scan is linear, lines or not."""
    sentence = "Then Moscow and Pyongyang and Seoul spoke." + newline
    text = _Scanned("First line here.\n" + sentence * 2000)
    _Scanned.scanned = 0
    found = find_mentions(text, source="a", file="seeds/a.txt")
    assert len(found) == 6000
    assert _Scanned.scanned <= 2 * len(text)
    last = found[-1]
    if newline == "\n":
        assert (last.line, last.col) == (2001, 31)
    else:
        assert (last.line, last.col) == (2, len(text) - len(sentence) + 31 - 17)
    assert text[last.start : last.end] == "Seoul"


def test_extract_refuses_an_article_bigger_than_a_story_may_have(tmp_path, monkeypatch):
    """On main extract read up to 100 MB (95 MB took more than 120 s and 3.7 GB), though
    a story may hold no article over 10 MB: it is refused at the same size as in a story."""
    monkeypatch.setattr(importlib.import_module("mapgen.story.articles"), "MAX_ARTICLE_BYTES", 1000)
    big = tmp_path / "big.txt"
    big.write_text("Talks in Moscow.\n" * 100, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", str(big)])
    assert result.exit_code == 2
    assert result.stderr.strip() == f"{big}: cannot read: it is larger than 1 kB (1.7 kB)"
    assert result.stdout == ""


STORY = """\
title: T
sources:
{sources}
places:
  - id: p
    name: P
    kind: city
    coords: [43.1, 131.9]
    quotes: [{{source: s0, text: "Talks in Moscow went on"}}]
"""


def mentions_story(root: Path, files: list[str]) -> Path:
    """A story whose sources name ``files``; a.txt and b.txt each mention Moscow 100 times
    and Seoul once, on its last line."""
    (root / "seeds").mkdir(parents=True)
    for name in ("a", "b"):
        body = "Talks in Moscow went on.\n" * 100 + f"Then Seoul ({name}).\n"
        (root / "seeds" / f"{name}.txt").write_text(body, encoding="utf-8")
    sources = "\n".join(f"  - {{id: s{i}, file: {file}, title: A}}" for i, file in enumerate(files))
    (root / "places.yaml").write_text(STORY.format(sources=sources), encoding="utf-8")
    return root


def test_sources_sharing_a_file_are_read_for_mentions_once(tmp_path):
    """On main each source's text was read for mentions again: 370,000 sources naming one
    file took 85 s to check, listing each mention 370,000 times."""
    story = mentions_story(tmp_path / "s", ["seeds/a.txt"] * 5)
    result = CliRunner().invoke(main, ["check", str(story)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout.splitlines()[1].startswith("Place mentions in the articles: 101, ")


def test_mentions_are_read_only_so_far_and_that_is_said(tmp_path, monkeypatch):
    """Past :data:`MAX_MENTION_CHARS` the articles are not read for mentions (on main a
    story's 95 MB of articles naming places densely took minutes), and one line says so."""
    monkeypatch.setattr(
        importlib.import_module("mapgen.quotes.mentions"), "MAX_MENTION_CHARS", 3016
    )
    story = mentions_story(tmp_path / "s", ["seeds/a.txt", "seeds/b.txt", "seeds/a.txt"])
    result = CliRunner().invoke(main, ["check", str(story)])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    # All of a (2,516 characters), and b's first 20 lines (500): none of the third, a again.
    assert lines[1].startswith("Place mentions in the articles: 121, ")
    assert lines[2] == (
        "Only the first 3,016 characters of the articles were read for mentions:"
        " seeds/b.txt from line 21 on were not."
    )
    assert "Seoul (KR" in result.stdout and "(b)" not in result.stdout
    monkeypatch.chdir(story)
    extracted = CliRunner().invoke(main, ["extract", "seeds/b.txt", "seeds/a.txt"])
    assert extracted.exit_code == 0, extracted.stderr
    assert (
        "# Note: only the first 3,016 characters of the articles were read for mentions:"
        " seeds/a.txt from line 21 on were not." in extracted.stdout.splitlines()
    )


def test_a_story_has_at_most_so_many_sources(tmp_path, monkeypatch):
    """On main nothing bounded the sources but the YAML's 3,000,000 values: 370,000 sources
    took 35 s and 1.6 GB to build, 85 s to check.  Past :data:`MAX_SOURCES` the first
    source too many is refused where it stands."""
    load = importlib.import_module("mapgen.story.load")
    monkeypatch.setattr(load, "MAX_SOURCES", 3)
    assert len(load.load_story(mentions_story(tmp_path / "ok", ["seeds/a.txt"] * 3)).sources) == 3
    with pytest.raises(StoryError) as caught:
        load.load_story(mentions_story(tmp_path / "big", ["seeds/a.txt"] * 5))
    assert str(caught.value).split("/big/")[1] == (
        "places.yaml:6:5: sources: more than 3 sources (5); split the story"
    )


# --------------------------------------------------------------------------- issue 19: reading like an editor


def kinds(text: str) -> list[tuple[str, str, str]]:
    """(words, place, kind) of each mention in ``text``."""
    return [(m.words, m.target.name, m.target.feature) for m in find_mentions(text)]


def test_the_wagner_story_misses_are_found():
    """The three Wagner articles' misses: a possessive country does not make the city after
    it a surname, and a comma ends a name."""
    text = (
        "Wagner fighters took control of southern Russia's Rostov-on-Don on Saturday.\n"
        "Residents of Rostov watched the armoured column. Later Rostov was calm, and the"
        " fighters left Rostov by night.\n"
        "In Moscow, Mayor Sergei Sobyanin declared a counter-terrorism regime.\n"
        "The column advanced towards Moscow, Russian President Vladimir Putin said."
    )
    found = kinds(text)
    assert [w for w, _, _ in found].count("Rostov") == 3
    assert all(p == "Rostov-on-Don" for w, p, _ in found if w.startswith("Rostov"))
    assert [w for w, _, _ in found].count("Moscow") == 2
    assert ("Russia", "Russia", "country") in found and ("Russian", "Russia", "country") in found
    assert not {"Sergei", "Sobyanin", "Vladimir", "Putin", "Wagner"} & {w for w, _, _ in found}


def test_the_wagner_story_false_hits_are_not_places():
    """``to Wagner mercenaries`` is not Wagner, Bahia (a town of a country the article never
    names), and ``Voice of America`` is not the United States."""
    text = (
        "Weapons went to Wagner mercenaries in Ukraine, Voice of America reported.\n"
        "The Peanut Corporation of America and the Bank of America were not involved."
    )
    assert kinds(text) == [("Ukraine", "Ukraine", "country")]
    # America alone, outside a name, is still the United States.
    assert kinds("Officials in America agreed.") == [("America", "United States", "country")]


def test_names_end_at_commas_quotes_and_possessives():
    assert kinds('Troops left "Moscow" for \u2018Kyiv\u2019, then Toronto, Canada.') == [
        ("Moscow", "Moscow", "city"),
        ("Kyiv", "Kyiv", "city"),
        ("Toronto", "Toronto", "city"),
        ("Canada", "Canada", "country"),
    ]
    assert kinds("Ukraine's Kharkiv was shelled.") == [
        ("Ukraine", "Ukraine", "country"),
        ("Kharkiv", "Kharkiv", "city"),
    ]


def test_months_days_and_people_are_not_places():
    assert kinds("It began in March 2014 and ended in May. May said so on Monday.") == []
    text = (
        "Andrew Jordan met Dr. Allen and Mr. Taylor. Jordan said Allen and Taylor agreed.\n"
        "They flew to Allen, Texas."
    )
    assert kinds(text) == [("Allen", "Allen", "city"), ("Texas", "Texas", "region")]
    assert kinds("King Abdullah of Jordan spoke.") == [("Jordan", "Jordan", "country")]


def test_acronyms_currencies_and_headline_words_are_not_places():
    # EU is not Eu (a town in France); US$ is a currency; "Man" opens a headline.
    assert kinds("The EU sent US$5 million to France.") == [("France", "France", "country")]
    assert kinds("Man dies after fall in Leeds\nThe man, 40, fell from a roof.") == [
        ("Leeds", "Leeds", "city")
    ]
    assert kinds("Agence France-Presse reported it.") == []


def test_institutions_keep_their_city():
    assert kinds("Oxford Police said the road was closed.") == [("Oxford", "Oxford", "city")]
    assert kinds("The Toronto Blue Jays won.") == []


def test_regions_and_continents_are_places():
    found = kinds(
        "Cases rose in Texas, Ohio and Queensland, and in Nyanza Province; Africa and"
        " North America reported none. Fires in NSW worried Australia."
    )
    assert found == [
        ("Texas", "Texas", "region"),
        ("Ohio", "Ohio", "region"),
        ("Queensland", "Queensland", "region"),
        ("Nyanza Province", "Nyanza", "region"),
        ("Africa", "Africa", "continent"),
        ("North America", "North America", "continent"),
        ("NSW", "New South Wales", "region"),
        ("Australia", "Australia", "country"),
    ]
    # Region initials count only in an article that names the region's country.
    assert kinds("Fires in NSW spread.") == []


def test_a_region_or_its_city_as_the_words_say():
    (region,) = find_mentions("Drones hit the Lipetsk region overnight.")
    assert (region.words, region.target.feature, region.target.region) == (
        "Lipetsk",
        "region",
        "RU-LIP",
    )
    (city,) = find_mentions("Drones hit Lipetsk overnight.")
    assert (city.target.feature, city.target.country_code) == ("city", "RU")


def test_city_comma_region_reads_the_region_of_that_country():
    found = kinds("She flew from Atlanta, Georgia to Buffalo, New York. Georgia's wine is old.")
    assert found[:4] == [
        ("Atlanta", "Atlanta", "city"),
        ("Georgia", "Georgia", "region"),
        ("Buffalo", "Buffalo", "city"),
        ("New York", "New York", "region"),
    ]
    # A name that is a country and a state: the state, since every other place is American.
    assert found[4] == ("Georgia", "Georgia", "region")
    assert kinds("Georgia and Armenia signed.")[0] == ("Georgia", "Georgia", "country")
    assert kinds("Schools in Mexico City closed.") == [("Mexico City", "Mexico City", "city")]


def test_extract_says_the_regions_and_continents_it_does_not_write():
    text, found = extract_yaml([("a.txt", "Floods hit Texas. Aid came from Europe to Houston.")])
    assert [m.target.feature for m in found] == ["region", "continent", "city"]
    assert text.endswith(
        "# Also mentioned (not written above):\n"
        "#   Texas (region, US; US-TX): 1 mention\n"
        "#   Europe (continent): 1 mention\n"
    )
    assert "id: houston" in text


def test_a_name_in_a_list_of_states_is_the_state():
    found = kinds("Cases rose in Oregon, Washington and Ohio. Officials in Washington said so.")
    assert found == [
        ("Oregon", "Oregon", "region"),
        ("Washington", "Washington", "region"),
        ("Ohio", "Ohio", "region"),
        ("Washington", "Washington", "city"),
    ]


def test_datelines_initials_offices_and_given_names_that_are_places():
    # A dateline in capitals is a name, not an acronym.
    assert kinds("WASHINGTON (AP) \u2014 Talks failed.") == [("WASHINGTON", "Washington", "city")]
    # Dotted initials are a region only where the article names its country.
    assert kinds("Fires in B.C. worried Canada.") == [
        ("B.C.", "British Columbia", "region"),
        ("Canada", "Canada", "country"),
    ]
    assert kinds("Fires in B.C. spread.") == []
    # A region's type word before "of" names an office: the state alone is the place.
    assert kinds("The Illinois Department of Natural Resources tested it.") == [
        ("Illinois", "Illinois", "region")
    ]
    # A given name that is also a place, before a common surname, is a person, and so is
    # that name alone later; "I'd" is a word.
    assert kinds("Georgia Stevens skates. Georgia began at four. I'd say so.") == []
    assert kinds("Georgia Tech and Georgia officials met in Atlanta.")[1:] == [
        ("Georgia", "Georgia", "region"),
        ("Atlanta", "Atlanta", "city"),
    ]
    # Places inside a hyphenated name are not, unless every part is one.
    assert kinds("The Russia-Ukraine war went on.") == [
        ("Russia", "Russia", "country"),
        ("Ukraine", "Ukraine", "country"),
    ]


def test_a_region_mentioned_is_shown_by_an_area_or_place_of_its_name():
    from mapgen.quotes.matcher import Target
    from mapgen.quotes.mentionreport import _Shown, _shows

    texas = Target("region", "Texas", "US", 31.0, -99.0, region="US-TX")
    area = _Shown("texas-area", frozenset({"texas"}), "US")
    town = _Shown("austin", frozenset({"austin"}), None, 31.0, -99.0)  # at its label point
    assert _shows([area], texas) == "texas-area"
    assert _shows([town], texas) is None  # a region is not a town near its label point


def test_decomposed_text_names_the_same_places_at_its_own_offsets(tmp_path, monkeypatch):
    """An article whose accents are letters and combining marks (NFD, as a Mac or a PDF
    copies them) names the same places as composed text; each mention's words, offsets and
    sentence are the article's as written, so what ``extract`` quotes verifies and builds."""
    import unicodedata

    composed = "Talks in Zürich\n\nDelegates met in Zürich, then flew to Montréal and São Paulo.\n"
    written = unicodedata.normalize("NFD", composed)
    assert written != composed
    places = [m.target.name for m in find_mentions(composed)]
    found = find_mentions(written)
    assert [m.target.name for m in found] == places == ["Zürich", "Zürich", "Montréal", "São Paulo"]
    for m in found:
        assert written[m.start : m.end] == m.words and m.words in m.sentence
        assert m.sentence in " ".join(written.split())
    assert (found[2].line, found[2].col) == (3, written.splitlines()[2].index("Montre") + 1)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "article.txt").write_text(written, encoding="utf-8")
    result = CliRunner().invoke(main, ["extract", "article.txt"])
    assert result.exit_code == 0, result.output
    (tmp_path / "places.yaml").write_text(result.stdout, encoding="utf-8")
    built = mapgen.build(tmp_path)
    assert built.html.exists()
