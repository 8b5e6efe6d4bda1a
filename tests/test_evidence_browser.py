"""The evidence, the timeline and the statuses in a real browser (Chromium, from file://).

A reader clicks a quote and the article opens at the passage, highlighted; pages through a
feature's passages; moves the time control and sees the map change; chooses an event and
the map flies to it with its popup open; reads the legend's statuses.  Uses the harness
of tests/test_browser.py (``open_page``, ``MAP``; the ``browser`` fixture of conftest.py,
which skips without Chromium but fails in CI).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import mapgen
from mapgen.quotes.quoted import Quotes

from .conftest import PAYLOADS
from .test_browser import MAP, Visit, box_pixels, on_top, open_page, read_png, zoom_and_click

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def visit(browser, seed_build) -> Iterator[Visit]:
    found = open_page(browser, seed_build.html)
    yield found
    assert found.errors == [] and found.offsite == []
    found.page.context.close()


def words(text: str) -> str:
    return " ".join(text.split())


def boxes_overlap(a: dict, b: dict) -> bool:
    return not (
        a["x"] + a["width"] <= b["x"]
        or b["x"] + b["width"] <= a["x"]
        or a["y"] + a["height"] <= b["y"]
        or b["y"] + b["height"] <= a["y"]
    )


def popup_of(page, css: str):
    """Zoom in on the marker as a reader would, click it, and return its open popup."""
    return zoom_and_click(page, page.locator(css).first)


def reader_state(page) -> dict:
    """What the reader shows: the highlighted passage, whether it is in view, the header."""
    return page.evaluate(
        """() => {
            const body = document.getElementById("mg-reader-text");
            const marks = [...body.querySelectorAll("mark.mg-current")];
            const box = body.getBoundingClientRect();
            const first = marks.length ? marks[0].getBoundingClientRect() : null;
            return {
                visible: !document.getElementById("mg-tab-reader").hidden,
                passage: marks.map(m => m.textContent).join(""),
                inView: !!first && first.top >= box.top && first.bottom <= box.bottom,
                scrolled: body.scrollTop,
                title: document.getElementById("mg-reader-title").textContent,
                for: document.getElementById("mg-reader-for").textContent,
                pos: document.getElementById("mg-reader-pos").textContent,
                others: body.querySelectorAll("mark.mg-also").length,
            };
        }"""
    )


def test_a_quote_opens_the_article_at_the_highlighted_passage(visit, seed_build):
    page = visit.page
    story = seed_build.story.story
    pier = story.place("pier-33")
    popup = popup_of(page, ".mg-pin.mg-military")
    assert not boxes_overlap(popup.bounding_box(), page.locator("#mg-panel").bounding_box())
    assert "Supported by 1 source" in popup.inner_text()
    popup.locator("a.mg-cite").first.click()
    state = reader_state(page)
    expected = Quotes(story).verbatim(pier.quotes[0])
    assert state["visible"]
    assert words(state["passage"]) == expected.words
    assert state["inView"] and state["scrolled"] > 0  # the passage is low in the article
    assert state["title"] == expected.source_title
    assert state["for"] == "Evidence for: Pier 33"
    assert state["pos"] == "Passage 1 of 1"
    assert page.locator("#mg-tabbtn-reader").get_attribute("aria-selected") == "true"


def test_the_reader_pages_through_a_features_passages(visit, seed_build):
    page = visit.page
    story = seed_build.story.story
    quotes = Quotes(story)
    vladivostok = story.place("vladivostok")
    popup = popup_of(page, ".mg-pin.mg-port")
    popup.locator("a.mg-cite").first.click()
    first = reader_state(page)
    assert first["pos"] == "Passage 1 of 2"
    assert words(first["passage"]) == quotes.verbatim(vladivostok.quotes[0]).words
    assert page.locator("#mg-reader-prev").is_disabled()
    page.locator("#mg-reader-next").click()
    second = reader_state(page)
    assert second["pos"] == "Passage 2 of 2"
    assert words(second["passage"]) == quotes.verbatim(vladivostok.quotes[1]).words
    assert second["title"] == story.source("summit").title  # the other article
    assert second["inView"]
    assert page.locator("#mg-reader-next").is_disabled()
    page.locator("#mg-reader-prev").click()
    assert reader_state(page)["pos"] == "Passage 1 of 2"
    # The API other layers use does the same.
    assert page.evaluate('mapgenReader.open("shoigu-visit", 1)') is True
    assert reader_state(page)["for"] == "Evidence for: Shoigu's visit to North Korea (July 2023)"
    assert page.evaluate('mapgenReader.open("no-such-feature", 0)') is False


def test_the_sources_panel_opens_a_whole_article(visit):
    page = visit.page
    page.locator("#mg-tabbtn-sources").click()
    sources = page.locator(".mg-source")
    assert sources.count() == 2
    first = words(sources.nth(0).inner_text())
    assert "September 2023" in first and "Supports 6 places, 2 routes, 3 areas, 7 events" in first
    sources.nth(1).locator(".mg-source-title").click()
    state = reader_state(page)
    assert state["visible"] and state["title"].startswith("US warns North Korea")
    assert state["passage"] == "" and state["others"] > 10  # every quoted passage marked
    assert page.locator("#mg-reader-pager").is_hidden()


def visible(page, css: str) -> int:
    return page.locator(css).evaluate_all(
        "els => els.filter(e => getComputedStyle(e).display !== 'none').length"
    )


def test_the_time_control_shows_the_map_as_of_a_day(visit, seed_build):
    page = visit.page
    story = seed_build.story.story
    pins, lines = ".leaflet-marker-icon.mg-pin", "path.mg-route"
    assert visible(page, pins) == len(story.places)
    assert visible(page, lines) == len(story.routes)
    time = page.locator("#mg-time")
    start = page.evaluate("mapgenStory.data.timeline.start")
    assert start == "2022-01-01"
    time.fill(str(560))  # 560 days after 1 January 2022: 15 July 2023
    assert page.locator("#mg-time-label").inner_text() == "15 July 2023"
    # Shoigu's July flight and its two ends are known; September's news is not yet.
    assert visible(page, pins) == 2
    assert visible(page, lines) == 1
    assert visible(page, "path.mg-route.mg-air") == 1
    assert visible(page, "path.mg-area") == 1  # North Korea, from the 2022 supplies
    assert visible(page, ".mg-mode") == 1
    events = page.locator("#mg-tab-timeline .mg-event")
    assert [events.nth(i).get_attribute("class").split()[-1] for i in range(3)] == [
        "mg-past",
        "mg-now",
        "mg-later",
    ]
    time.fill("0")
    assert visible(page, pins) == 0 and visible(page, "path.mg-area") == 1
    # A layer the layer control hides and shows again keeps the time control's verdict.
    box = page.locator(".leaflet-control-layers-overlays label", has_text="Capital city")
    box.locator("input").uncheck()
    box.locator("input").check()
    assert visible(page, pins) == 0
    page.locator("#mg-time-all").click()
    assert visible(page, pins) == len(story.places)
    assert page.locator("#mg-time-label").inner_text() == "30 September 2023"


def test_choosing_an_event_flies_to_it_and_opens_its_popup(visit):
    page = visit.page
    zoom = page.evaluate(f"({MAP}).getZoom()")
    page.locator('[data-mg-focus="eastern-economic-forum"]').click()
    popup = page.locator(".leaflet-popup-content").last
    popup.wait_for(state="visible", timeout=5000)
    page.wait_for_timeout(400)
    shown = words(popup.inner_text())
    assert shown.startswith("The Eastern Economic Forum Event \u00b7 10\u201313 September 2023")
    assert "At: Far Eastern Federal University campus" in shown
    assert page.evaluate(f"({MAP}).getZoom()") > zoom
    assert not boxes_overlap(popup.bounding_box(), page.locator("#mg-panel").bounding_box())
    assert not boxes_overlap(popup.bounding_box(), page.locator("#mg-title").bounding_box())
    # Its quotes open the reader like any feature's.
    popup.locator("a.mg-cite").nth(1).click()
    assert reader_state(page)["pos"] == "Passage 2 of 2"
    # An event before what the map shows moves the time control back to it.
    page.locator("#mg-tabbtn-timeline").click()
    page.locator("#mg-time").fill("0")
    page.locator('[data-mg-focus="shoigu-in-north-korea"]').click()
    page.locator(".leaflet-popup-content").last.wait_for(state="visible", timeout=5000)
    assert page.locator("#mg-time-label").inner_text() == "31 July 2023"
    assert visible(page, "path.mg-route.mg-air") == 1


def test_the_claim_and_the_denial_stand_side_by_side(visit):
    page = visit.page
    page.evaluate('mapgenStory.focus("wagner-supplies")')
    popup = page.locator(".leaflet-popup-content").last
    popup.wait_for(state="visible", timeout=5000)
    denial = popup.locator(".mg-denials")
    # Both boxes in one moment: the popup may still be panning into view, and two
    # separate reads under load would see it in two places.
    a, b = popup.evaluate(
        """el => [".mg-claims", ".mg-denials"].map(s => {
            const r = el.querySelector(s).getBoundingClientRect();
            return {x: r.x, y: r.y, width: r.width, height: r.height};
        })"""
    )
    assert b["x"] >= a["x"] + a["width"] - 1 and abs(a["y"] - b["y"]) < 2  # side by side
    assert "despite North Korean denials" in denial.inner_text()
    denial.locator("a.mg-cite").click()
    assert (
        reader_state(page)["for"]
        == "A denial of: North Korean rockets and missiles for the Wagner group"
    )


def test_the_legend_explains_the_statuses_and_the_map_draws_them(visit):
    page = visit.page
    legend = page.locator("#mg-legend")
    assert legend.is_visible()
    rows = [
        words(legend.locator(f".mg-legend-{s}").inner_text()) for s in mapgen.story.model.STATUSES
    ]
    assert rows == [
        "Reported: a source reports it",
        "Expected: planned or anticipated",
        "Confirmed: officially confirmed",
        "Denied: denied by a party to it",
    ]
    train = page.locator("path.mg-route.mg-status-expected")
    assert train.get_attribute("stroke-dasharray") == "10 8"  # an expected route is dashed
    assert (
        page.locator("path.mg-route.mg-status-confirmed").get_attribute("stroke-dasharray") is None
    )
    assert page.locator(".mg-mode.mg-status-confirmed .mg-badge-confirmed").count() == 1
    assert page.locator(".mg-pin.mg-status-expected .mg-badge-expected").count() == 2
    # The legend folds away.
    legend.locator("summary").click()
    assert not legend.locator(".mg-legend-denied").is_visible()


def test_panels_keep_clear_of_the_maps_controls(visit):
    page = visit.page
    panel = page.locator("#mg-panel").bounding_box()
    for control in (".leaflet-control-layers", ".leaflet-control-zoom", "#mg-title", "#mg-legend"):
        assert not boxes_overlap(panel, page.locator(control).bounding_box()), control
    attribution = page.locator(".leaflet-control-attribution").bounding_box()
    assert not boxes_overlap(panel, attribution)
    page.locator("#mg-panel-fold").click()
    assert page.locator("#mg-tab-timeline").is_hidden()
    assert page.locator("#mg-panel").bounding_box()["height"] < 60
    page.locator("#mg-tabbtn-sources").click()  # a tab opens it again
    assert page.locator("#mg-tab-sources").is_visible()


def test_on_a_narrow_screen_the_panel_waits_folded_along_the_bottom(visit):
    page = visit.page
    page.set_viewport_size({"width": 700, "height": 800})
    page.reload()
    page.wait_for_function("document.querySelectorAll('.leaflet-marker-icon').length > 0")
    page.wait_for_timeout(300)
    panel = page.locator("#mg-panel")
    assert "mg-folded" in panel.get_attribute("class")
    assert page.locator("#mg-legend").get_attribute("open") is None
    controls = (".leaflet-control-layers", ".leaflet-control-zoom", "#mg-title", "#mg-legend")
    for one in controls:
        assert not boxes_overlap(panel.bounding_box(), page.locator(one).bounding_box()), one
    title = page.locator("#mg-title").bounding_box()
    assert not boxes_overlap(title, page.locator(".leaflet-control-layers").bounding_box())
    page.locator("#mg-tabbtn-timeline").click()
    box = panel.bounding_box()
    assert box["width"] > 600 and box["y"] > 400  # along the bottom, under the map


def test_hostile_evidence_is_shown_as_text_and_runs_nothing(browser, hostile_story, tmp_path):
    result = mapgen.build(hostile_story, tmp_path / "out")
    visit = open_page(browser, result.html)
    page = visit.page
    try:
        popup = popup_of(page, ".mg-pin.mg-status-denied")
        assert popup.locator(".mg-denials").count() == 1
        popup.locator("a.mg-cite").first.click()
        state = reader_state(page)
        assert words(state["passage"]) == PAYLOADS[0]
        article = page.locator("#mg-reader-text").inner_text()
        for payload in PAYLOADS:
            assert words(payload) in words(article)
        assert (
            page.locator("#mg-reader-meta").inner_text() == PAYLOADS[0] + " \u00b7 September 2023"
        )
        assert page.locator("#mg-reader-meta a").count() == 0  # no javascript: link
        page.locator("#mg-tabbtn-timeline").click()
        titles = page.locator(".mg-event-title").all_inner_texts()
        assert titles == [PAYLOADS[2], PAYLOADS[0]]
        page.locator(".mg-event-go").nth(1).click()
        event = page.locator(".leaflet-popup-content").last
        event.wait_for(state="visible", timeout=5000)
        assert words(event.inner_text()).startswith(words(PAYLOADS[0]))
        page.locator("#mg-tabbtn-sources").click()
        assert PAYLOADS[1] in page.locator(".mg-source-title").inner_text()
        assert page.evaluate("window.__pwned") is None
        assert visit.dialogs == [] and visit.errors == [] and visit.offsite == []
        assert page.locator("img[src=x]").count() == 0
    finally:
        page.context.close()


MARKED = r"""() => {
    const points = [];
    for (const mark of document.querySelectorAll("#mg-reader-text mark.mg-current"))
        for (const r of mark.getClientRects())
            for (let y = Math.ceil(r.top); y < Math.floor(r.bottom); y++)
                for (let x = Math.ceil(r.left); x < Math.floor(r.right); x++)
                    if (document.elementFromPoint(x + 0.5, y + 0.5) === mark) points.push([x, y]);
    return points;
}"""
HIGHLIGHT, NOW = (0xF9, 0xE7, 0x9F), (0xFE, 0xF9, 0xE7)  # mark.mg-current, .mg-event.mg-now


def test_screenshots_of_the_reader_and_the_timeline(visit, tmp_path):
    """The reader's screenshot shows the quoted passage highlighted in view; the timeline's,
    at 15 July 2023, the map close on Pier 33 without its pins (September's news) and the
    event of that day marked."""
    page = visit.page
    popup = popup_of(page, ".mg-pin.mg-military")
    popup.locator("a.mg-cite").first.click()
    page.screenshot(path=str(tmp_path / "reader.png"))
    reader = read_png(page, tmp_path / "reader.png")
    marked = page.evaluate(MARKED)
    assert len(marked) > 500  # a line of it at least, in view and on top
    assert reader.share(marked, [HIGHLIGHT], tolerance=12) >= 0.5
    pins = [p for p in on_top(page, ".leaflet-marker-icon.mg-pin") if len(p["points"]) >= 20]
    assert pins and all(reader.share(p["points"], p["colours"]) >= 0.6 for p in pins)
    page.locator("#mg-tabbtn-timeline").click()
    page.locator("#mg-time").fill("560")
    assert page.locator("#mg-time-label").inner_text() == "15 July 2023"
    page.screenshot(path=str(tmp_path / "timeline.png"))
    timeline = read_png(page, tmp_path / "timeline.png")
    for pin in pins:  # where each pin was, the map shows through now
        still = [xy for xy in pin["points"] if page.evaluate(ON_MAP, xy)]
        assert len(still) >= 20 and timeline.share(still, pin["colours"]) <= 0.02, pin["name"]
    now = box_pixels(page, "#mg-tab-timeline .mg-event.mg-now")
    assert timeline.share(now, [NOW], tolerance=3) >= 0.5


#: Whether the point ``[x, y]`` is on the map itself (not under the panel or a box).
ON_MAP = """([x, y]) => {
    const el = document.elementFromPoint(x + 0.5, y + 0.5);
    return !!el && !el.closest(".mg-box, .leaflet-control, .leaflet-popup");
}"""


def test_a_part_of_a_sentence_shows_its_ellipsis_and_its_sentence(visit, seed_build):
    """Pier 33's quote leaves out "Additionally," at the start of its sentence: the popup
    says so with an ellipsis, and the reader shows the whole sentence, the quote marked."""
    page = visit.page
    story = seed_build.story.story
    quoted = Quotes(story).verbatim(story.place("pier-33").quotes[0]).words
    sentence = (
        "Additionally, Kim was likely to visit Pier 33, where naval vessels from Russia\u2019s"
        " Pacific fleet are docked."
    )
    assert quoted == sentence.removeprefix("Additionally, ")
    popup = popup_of(page, ".mg-pin.mg-military")
    cite = popup.locator("a.mg-cite").first
    assert cite.inner_text() == f"\u201c\u2026{quoted}\u201d"
    cite.click()
    shown = page.evaluate(
        """() => {
            const line = document.getElementById("mg-reader-sentence");
            const body = document.getElementById("mg-reader-text");
            return {
                hidden: line.hidden,
                line: line.textContent,
                marked: [...line.querySelectorAll("mark")].map(m => m.textContent),
                rest: [...body.querySelectorAll("mark.mg-sentence")].map(m => m.textContent),
            };
        }"""
    )
    assert not shown["hidden"]
    assert words(shown["line"]) == sentence
    assert [words(m) for m in shown["marked"]] == [quoted]
    assert [words(m) for m in shown["rest"]] == ["Additionally,"]
    # A whole sentence has no ellipsis and no sentence line.
    page.evaluate('mapgenReader.open("anniversary", 0)')
    assert page.locator("#mg-reader-sentence").is_hidden()


SHARED = """\
title: Two sources, one file
sources:
  - {id: a, file: seeds/a.txt, title: First view}
  - {id: b, file: ./seeds/a.txt, title: Second view}
places:
  - id: pyongyang
    name: Pyongyang
    kind: capital
    coords: [39.03, 125.75]
    quotes: [{source: b, text: by armored train}]
  - id: vladivostok
    name: Vladivostok
    kind: city
    coords: [43.12, 131.89]
    quotes: [{source: a, text: Kim was expected}]
"""


def test_sources_sharing_a_file_each_open_its_text(browser, tmp_path):
    """The page carries a text once; the second source quoting the file (``same`` in the
    data) opens the same article, at its own passage, as the first does."""
    story = tmp_path / "story"
    (story / "seeds").mkdir(parents=True)
    (story / "seeds" / "a.txt").write_text(
        "Kim was expected to travel from Pyongyang to Vladivostok by armored train.\n"
    )
    (story / "places.yaml").write_text(SHARED)
    result = mapgen.build(story, tmp_path / "out")
    assert result.html.read_text().count("to travel from Pyongyang") == 1
    visit = open_page(browser, result.html)
    page = visit.page
    try:
        assert page.evaluate('mapgenReader.open("pyongyang", 0)') is True
        state = reader_state(page)
        assert state["title"] == "Second view" and state["passage"] == "by armored train"
        assert page.evaluate('mapgenReader.openSource("b")') is True
        article = page.locator("#mg-reader-text").inner_text()
        assert words(article).startswith("Kim was expected to travel") and "armored" in article
        assert page.evaluate('mapgenReader.open("vladivostok", 0)') is True
        assert reader_state(page)["passage"] == "Kim was expected"
        assert visit.errors == [] and visit.offsite == []
    finally:
        page.context.close()
