"""Claim status, events, the evidence a reader can follow, and the timeline: without a browser.

The schema's new keys are refused at line:col like the rest; popups link each quote to its
passage; the page carries the articles as JSON data with each passage's offsets; events
come in order with their dates; routes draw their mode and status.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from textwrap import dedent

import pytest

import mapgen
from mapgen.core.errors import StoryError
from mapgen.page import styles
from mapgen.page.evidence import (
    Evidence,
    FeatureEvidence,
    QuoteText,
    data_json,
    popup_html,
    safe_url,
    script_json,
    support_line,
    utf16,
)
from mapgen.page.timeline import since_dates, timeline_data
from mapgen.quotes.verify import fold_text
from mapgen.story.load import load_story
from mapgen.story.model import When
from mapgen.story.when import events_in_order, label, parse_when

from .test_build import evidence, html_text, popups
from .test_load import HEAD, PLACE, make_story, problems_of

# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    ("text", "start", "end", "shown"),
    [
        ("2022", "2022-01-01", "2022-12-31", "2022"),
        ("2023-07", "2023-07-01", "2023-07-31", "July 2023"),
        ("2024-02", "2024-02-01", "2024-02-29", "February 2024"),
        ("2023-09-09", "2023-09-09", "2023-09-09", "9 September 2023"),
        ("2023-09-10/2023-09-13", "2023-09-10", "2023-09-13", "10\u201313 September 2023"),
        ("2023-06-30/2023-07-02", "2023-06-30", "2023-07-02", "30 June \u2013 2 July 2023"),
        ("2023-07/2023-09", "2023-07-01", "2023-09-30", "July 2023 \u2013 September 2023"),
        ("2023-01/2023-12", "2023-01-01", "2023-12-31", "2023"),
    ],
)
def test_dates_days_months_years_and_ranges(text, start, end, shown):
    when = parse_when(text)
    assert isinstance(when, When)
    assert (when.start.isoformat(), when.end.isoformat()) == (start, end)
    assert label(when) == shown


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("2023-02-29", "February 2023 has 28 days"),
        ("2023-13", "there is no month 13"),
        ("2023-09-13/2023-09-10", "ends before it starts"),
        ("Sept 2023", "is not a date: write a day (2023-09-10), a month (2023-07)"),
        ("2023/2024/2025", "a range has one '/'"),
        ("0000", "out of range"),
    ],
)
def test_bad_dates_say_why(text, fragment):
    message = parse_when(text)
    assert isinstance(message, str) and fragment in message


# --------------------------------------------------------------------------- loading

EVENT = """\
events:
  - id: forum
    title: The forum
    date: {date}
    place: pyongyang
    quotes:
      - source: warning
        text: Kim was expected
"""


def event(date: str = "2023-09-10/2023-09-13", extra: str = "") -> str:
    """An event after HEAD + PLACE: lines 13-20 (``extra`` goes after place, line 18)."""
    text = EVENT.format(date=date)
    return text.replace("    place: pyongyang\n", "    place: pyongyang\n" + extra)


BAD = [
    ("unknown status", HEAD + PLACE.replace("    kind: capital\n", "    kind: capital\n    status: rumoured\n"), 10, 13, "status: unknown value 'rumoured'; expected one of: reported, expected, confirmed, denied"),
    ("status typo", HEAD + PLACE.replace("    kind: capital\n", "    kind: capital\n    status: confimed\n"), 10, 13, "did you mean 'confirmed'?"),
    ("unknown stance", HEAD + PLACE.replace("text: Kim was expected", "text: Kim was expected\n        stance: refutes"), 13, 17, "stance: unknown value 'refutes'"),
    ("event date impossible", HEAD + PLACE + event("2023-02-30"), 16, 11, "date: 2023-02-30 is not a real date"),
    ("event date text", HEAD + PLACE + event("September 2023"), 16, 11, "date: 'September 2023' is not a date: write a day"),
    ("event range backwards", HEAD + PLACE + event("2023-09-13/2023-09-10"), 16, 11, "ends before it starts"),
    ("event range with a bad end", HEAD + PLACE + event("2023-09-10/2023-09-31"), 16, 11, "September 2023 has 30 days"),
    ("event date with a time", HEAD + PLACE + event("2023-09-10 12:00:00"), 16, 11, "give a day such as 2023-09-10, not a time of day"),
    ("event date a number", HEAD + PLACE + event("20230910"), 16, 11, "YAML reads 20230910 as the number"),
    ("event unknown place", HEAD + PLACE + event().replace("place: pyongyang", "place: pyongyng"), 17, 12, "place: no place with id 'pyongyng'; did you mean 'pyongyang'?"),
    ("event unknown route", HEAD + PLACE + event().replace("place: pyongyang", "route: train"), 17, 12, "route: no route with id 'train'"),
    ("event at two places", HEAD + PLACE + event(extra="    area: korea\n"), 18, 5, "is at one place, route or area; it has both place: and area:"),
    ("event nowhere", HEAD + PLACE + event().replace("    place: pyongyang\n", ""), 14, 5, "event 'forum' needs where it happened"),
    ("event without title", HEAD + PLACE + event().replace("    title: The forum\n", ""), 14, 5, "event 'forum' is missing 'title'"),
    ("event id taken", HEAD + PLACE + event().replace("id: forum", "id: pyongyang"), 14, 9, "duplicate id 'pyongyang' (first at line 7)"),
    ("source date text", HEAD.replace("    title: Article A\n", "    title: Article A\n    date: last week\n") + PLACE, 6, 11, "date: 'last week' is not a date"),
    ("source date range", HEAD.replace("    title: Article A\n", "    title: Article A\n    date: 2023-09/2023-10\n") + PLACE, 6, 11, "give one date here, not a range"),
    ("left_out empty name", HEAD + PLACE + "left_out:\n  - {name: ''}\n", 14, 12, "name is empty"),
    ("left_out unknown key", HEAD + PLACE + "left_out:\n  - {name: Japan, why: no}\n", 14, 19, "unknown key 'why'"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "line", "col", "fragment"), [pytest.param(*c[1:], id=c[0]) for c in BAD]
)
def test_bad_new_keys_are_reported_where_they_are(tmp_path, monkeypatch, text, line, col, fragment):
    problems = problems_of(tmp_path, monkeypatch, text)
    prefix = f"places.yaml:{line}:{col}: "
    assert any(p.startswith(prefix) and fragment in p for p in problems), problems


def test_statuses_events_stances_and_left_out_load(tmp_path):
    text = HEAD + dedent(
        """\
        places:
          - id: pyongyang
            name: Pyongyang
            kind: capital
            status: expected
            quotes:
              - source: warning
                text: Kim was expected
              - {source: warning, text: armored train, stance: denies}
        areas:
          - {id: korea, name: North Korea, country: KP, status: denied,
             quotes: [{source: warning, text: Pyongyang}]}
        events:
          - id: later
            title: Later
            date: 2023-09-10/2023-09-13
            area: korea
            quotes: [{source: warning, text: Kim}]
          - id: earlier
            title: Earlier
            date: 2023-07
            place: pyongyang
            status: confirmed
            note: A note.
            quotes: [{source: warning, text: Kim}]
          - id: same-day
            title: A day
            date: 2023-09-10
            place: pyongyang
            quotes: [{source: warning, text: Kim}]
        left_out:
          - Japan
          - {name: United States, reason: Not the story}
        """
    )
    story = load_story(make_story(tmp_path, text))
    place = story.places[0]
    assert place.status == "expected"
    assert [q.stance for q in place.quotes] == ["claims", "denies"]
    assert story.areas[0].status == "denied"
    later, earlier, day = story.events
    assert later.date.start == dt.date(2023, 9, 10) and later.date.text == "2023-09-10/2023-09-13"
    assert (later.feature, later.status) == ("korea", "reported")
    assert (earlier.feature, earlier.status, earlier.note) == ("pyongyang", "confirmed", "A note.")
    assert day.date.text == "2023-09-10"  # an unquoted YAML date, read back as written
    assert [e.id for e in events_in_order(story)] == ["earlier", "same-day", "later"]
    assert [(x.name, x.reason) for x in story.left_out] == [
        ("Japan", None),
        ("United States", "Not the story"),
    ]
    assert story.left_out[0].pos.line == 37


def test_the_first_story_uses_statuses_and_events():
    story = mapgen.load(Path(__file__).resolve().parents[1])
    assert story.feature("armored-train").status == "expected"
    assert story.feature("shoigu-visit").status == "confirmed"
    assert story.feature("summit").status == "expected"
    titles = [e.id for e in events_in_order(story)]
    assert titles[:2] == ["wagner-supplies", "shoigu-in-north-korea"]
    for wanted in ("tuesday-warnings", "anniversary", "eastern-economic-forum"):
        assert wanted in titles
    forum = story.feature("eastern-economic-forum")
    assert (forum.date.start, forum.date.end) == (dt.date(2023, 9, 10), dt.date(2023, 9, 13))
    wagner = story.feature("wagner-supplies")
    assert [q.stance for q in wagner.quotes] == ["claims", "denies"]
    assert [x.name for x in story.left_out] == ["United States"]


# --------------------------------------------------------------------------- popups


def quote(words: str, source: str = "a", stance: str = "claims") -> QuoteText:
    return QuoteText(source, f"Title {source}", words, stance, (0, len(words)))


def test_popup_links_each_quote_to_its_passage_and_counts_sources():
    body = popup_html(
        "pier-33",
        "Pier <33>",
        ["Military site"],
        "a {{note}}",
        [quote("one"), quote("two", "b"), quote("three", "b")],
        "expected",
    )
    shown, _ = html_text(body)
    assert shown.startswith("Pier <33> Expected Military site a {{note}}")
    assert "Supported by 2 sources (3 passages)" in shown
    links = re.findall(
        r'<a class="mg-cite"[^>]*data-mg-feature="([^"]+)" data-mg-quote="(\d)"', body
    )
    assert links == [("pier-33", "0"), ("pier-33", "1"), ("pier-33", "2")]
    assert "{{" not in body and "<33>" not in body
    assert "onclick" not in body  # no inline handlers: one listener reads the data attributes


def test_a_denial_stands_beside_the_claim():
    body = popup_html("w", "Wagner", [], None, [quote("claim"), quote("denial", "b", "denies")])
    shown, _ = html_text(body)
    assert "The claim \u201cclaim\u201d \u2014 Title a The denial \u201cdenial\u201d" in shown
    assert "Supported by 1 source; a denial quoted in 1 source" in shown
    assert 'data-mg-quote="1"' in body.split('class="mg-side mg-denials"')[1]
    assert support_line([quote("x", stance="denies")]) == "A denial quoted in 1 source"


def test_reported_is_the_quiet_default():
    assert "mg-status" not in popup_html("x", "X", [], None, [quote("q")])
    for status in ("expected", "confirmed", "denied"):
        assert f"mg-status-{status}" in popup_html("x", "X", [], None, [quote("q")], status)


def test_data_is_json_that_cannot_end_its_script():
    hostile = {"text": "</script><script>alert(1)</script> & \u2028 <!--"}
    dumped = script_json(hostile)
    assert "<" not in dumped and ">" not in dumped and "&" not in dumped
    assert "\u2028" not in dumped
    assert json.loads(dumped) == hostile
    laid = data_json({"sources": [hostile, hostile], "features": {"a": {"x": 1}}, "n": None})
    assert json.loads(laid)["sources"] == [hostile, hostile]
    assert laid.count("\n") >= 5  # a line per source and per feature


def test_offsets_count_as_javascript_does():
    text = "\U0001f600 Kim went to Pyongyang."
    start = text.index("Pyongyang")
    assert utf16(text, start) == start + 1  # the emoji is two UTF-16 code units
    assert utf16("plain", 3) == 3


def test_only_web_links_are_linked():
    assert safe_url("https://example.org/a?b=1") == "https://example.org/a?b=1"
    for bad in ("javascript:alert(1)", "data:text/html,x", " JaVaScRiPt:x", "//x.org", None):
        assert safe_url(bad) is None


# --------------------------------------------------------------------------- the page


@pytest.fixture(scope="module")
def seed_page(tmp_path_factory) -> tuple[str, dict, mapgen.pipeline.builder.BuildResult]:
    import shutil

    root = Path(__file__).resolve().parents[1]
    story = tmp_path_factory.mktemp("seed")
    shutil.copy(root / "places.yaml", story / "places.yaml")
    shutil.copytree(root / "seeds", story / "seeds")
    shutil.copy(root / "geocode-cache.yaml", story / "geocode-cache.yaml")
    result = mapgen.build(story)
    page = result.html.read_text(encoding="utf-8")
    return page, evidence(page), result


def test_page_carries_each_article_and_each_passage(seed_page):
    page, data, result = seed_page
    story = result.story.story
    assert [s["text"] for s in data["sources"]] == [s.text for s in story.sources]
    assert [s["date"] for s in data["sources"]] == ["September 2023", "September 2023"]
    ids = [f.id for f in (*story.areas, *story.routes, *story.places, *story.events)]
    assert list(data["features"]) == ids
    for feature in (*story.places, *story.routes, *story.areas, *story.events):
        passages = data["features"][feature.id]["passages"]
        assert len(passages) == len(feature.quotes)
        for (index, start, end, stance, *sentence), q in zip(passages, feature.quotes, strict=True):
            article = data["sources"][index]["text"]  # no astral characters: UTF-16 = str
            assert fold_text(article[start:end]) == fold_text(q.text)
            assert story.sources[index].id == q.source and stance == q.stance
            if sentence:  # a part of a sentence: the sentence around it
                assert sentence[0] <= start < end <= sentence[1]
                assert (sentence[0], sentence[1]) != (start, end)
    # Each popup's quotes link to their feature's passages, in order.
    for popup in popups(page):
        feature = re.search(r'data-mg-id="([^"]+)"', popup).group(1)
        numbers = [int(n) for n in re.findall(r'data-mg-quote="(\d+)"', popup)]
        assert sorted(numbers) == list(range(len(data["features"][feature]["passages"])))


def test_sources_panel_lists_what_each_article_supports(seed_page):
    page, _, _ = seed_page
    panel = re.search(r'<section class="mg-tab" id="mg-tab-sources".*?</section>', page).group()
    shown, _ = html_text(panel)
    assert "North Korea may face repercussions for supplying weapons to Russia September 2023" in (
        shown
    )
    # By hand: the first article is quoted on 6 places, both routes, 3 countries (not South
    # Korea) and every event but the Wagner supplies; the second on the other counts.
    assert "Supports 6 places, 2 routes, 3 areas, 7 events" in shown
    assert "Supports 5 places, 2 routes, 4 areas, 6 events" in shown
    assert 'data-mg-source="warning"' in panel and 'data-mg-source="summit"' in panel


def test_timeline_lists_events_in_order_with_a_time_control(seed_page):
    page, data, result = seed_page
    story = result.story.story
    timeline = data["timeline"]
    assert timeline["events"] == [e.id for e in events_in_order(story)]
    assert (timeline["start"], timeline["end"]) == ("2022-01-01", "2023-09-30")
    panel = re.search(r'<section class="mg-tab" id="mg-tab-timeline".*?</section>', page).group()
    assert re.findall(r'data-mg-focus="([^"]+)"', panel) == timeline["events"]
    shown, _ = html_text(panel)
    assert shown.startswith("Map as of 30 September 2023")
    assert "2022 North Korean rockets and missiles for the Wagner group North Korea" in shown
    assert "10\u201313 September 2023 The Eastern Economic Forum" in shown
    span = (dt.date(2023, 9, 30) - dt.date(2022, 1, 1)).days
    assert f'max="{span}"' in panel and f'value="{span}"' in panel
    # Features are known from their first event or source date; stops from their route's.
    since = since_dates(story)
    assert since["shoigu-visit"] == dt.date(2023, 7, 1)
    assert since["moscow"] == since["pyongyang"] == dt.date(2023, 7, 1)
    assert since["north-korea"] == dt.date(2022, 1, 1)
    assert since["seoul"] == dt.date(2023, 9, 1)
    assert data["features"]["seoul"]["since"] == "2023-09-01"
    wagner = data["features"]["wagner-supplies"]
    assert (wagner["feature"], wagner["start"], wagner["end"]) == (
        "north-korea",
        "2022-01-01",
        "2022-12-31",
    )
    shown, _ = html_text(wagner["popup"])
    assert shown.startswith(
        "North Korean rockets and missiles for the Wagner group Event \u00b7 2022"
    )
    assert "The claim" in shown and "The denial" in shown


def test_a_story_without_dates_has_no_time_control(tmp_path):
    root = make_story(
        tmp_path,
        HEAD + PLACE.replace("    kind: capital\n", "    kind: capital\n    coords: [39, 125.7]\n"),
    )
    assert timeline_data(load_story(root)) is None
    page = mapgen.build(root).html.read_text(encoding="utf-8")
    assert 'id="mg-time"' not in page and "No dates in this story." in page
    assert evidence(page)["timeline"] is None


def test_map_shows_statuses_modes_and_legend(seed_page):
    page, _, result = seed_page
    assert "mg-route mg-rail mg-status-expected" in page
    assert "mg-route mg-air mg-status-confirmed" in page
    assert '"dashArray": "10 8"' in page  # the expected train is dashed
    # A mode icon per route, at its middle; two arrowheads show the direction.
    assert page.count('"className": "mg-mode mg-mode-') == len(result.story.story.routes)
    assert page.count('"className": "mg-arrow mg-status-') == 2 * len(result.story.story.routes)
    assert "mg-pin mg-military mg-status-expected" in page
    legend = re.search(r'<details id="mg-legend".*?</details>', page).group()
    shown, _ = html_text(legend)
    for status, meaning in mapgen.story.model.STATUSES.items():
        assert f"<b>{styles.STATUS_LABELS[status]}</b>: {meaning}" in legend
        assert f"mg-legend-{status}" in legend
    assert "Route by rail" in shown and "Route by air" in shown


def test_styles_per_mode_and_status():
    expected = styles.route_style("rail", "expected")
    assert expected["dash_array"] == "10 8"
    assert styles.route_style("rail", "reported")["dash_array"] is None
    assert styles.route_style("air", "denied")["opacity"] < 0.5
    assert (
        styles.route_style("road", "reported")["weight"]
        != styles.route_style("air", "reported")["weight"]
    )
    assert "mg-badge-confirmed" in styles.mode_icon_svg("air", "confirmed")
    assert "mg-badge" not in styles.pin_svg("#000", False)
    assert 'width="34"' in styles.pin_svg("#000", False, "denied")
    for mode in mapgen.story.model.ROUTE_MODES:
        assert styles.mode_icon_svg(mode).count("<svg") == 1


def test_geojson_carries_statuses_stances_and_events(seed_page):
    _, _, result = seed_page
    data = json.loads(result.geojson.read_text(encoding="utf-8"))
    status = {f["id"]: f["properties"]["status"] for f in data["features"]}
    assert status["armored-train"] == "expected" and status["shoigu-visit"] == "confirmed"
    assert status["moscow"] == "reported"
    events = data["events"]
    assert [e["id"] for e in events][:2] == ["wagner-supplies", "shoigu-in-north-korea"]
    wagner = events[0]
    assert (wagner["date"], wagner["start"], wagner["end"]) == ("2022", "2022-01-01", "2022-12-31")
    assert wagner["quotes"][1] == {  # a part of a sentence carries the sentence
        "source": "summit",
        "text": "despite North Korean denials",
        "sentence": "Last week, Washington revealed that, despite North Korean denials, the"
        " country had supplied infantry rockets and missiles to Russia in 2022 for use by the"
        " privately controlled Wagner military group, further adding to the complexities of"
        " the evolving situation.",
        "stance": "denies",
    }
    assert data["sources"][0]["date"] == "2023-09"


def test_bad_event_stops_the_build_and_writes_nothing(tmp_path):
    root = make_story(tmp_path, HEAD + PLACE + event("2023-09-31"))
    with pytest.raises(StoryError):
        mapgen.build(root)
    assert not (root / "output").exists()


class _Sliced(str):
    """An article that adds up the characters sliced out of it: the work of turning
    offsets into JavaScript's, told without timing anything."""

    taken = 0

    def __getitem__(self, key):  # type: ignore[override]
        if isinstance(key, slice):
            _Sliced.taken += len(range(*key.indices(len(self))))
        return super().__getitem__(key)


def test_offsets_in_one_text_are_counted_once(tmp_path):
    """On main each quote's offsets were counted from the article's start, in Python: a
    9 MB article with an emoji, quoted by 200 places near its end, took 213 s to build.
    The text's astral characters are found once and each offset is a binary search."""
    text = _Sliced("\U0001f600 start. " + "word " * 20_000 + "Kim went to Pyongyang.")
    story = load_story(make_story(tmp_path, HEAD))
    story.sources[0].text = text
    found = Evidence(story)
    span = (text.index("Kim went"), len(text) - 1)
    quotes = [QuoteText("warning", "A", "Kim went to Pyongyang", span=span) for _ in range(50)]
    found.add(FeatureEvidence("p", "P", "place", "reported", quotes))
    _Sliced.taken = 0
    passages = found.data()["features"]["p"]["passages"]
    assert passages[0][1:3] == [span[0] + 1, span[1] + 1]  # the emoji: two code units
    assert _Sliced.taken <= len(text)
