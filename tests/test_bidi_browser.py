"""Right-to-left text and bidi controls in a story, as Chromium lays the page out.

A name is set in lines of the page's own words (a route's tooltip ``NAME · 692 km``, an
event's ``PLACE · Expected``).  Unisolated, a Hebrew name pulls the number after it to
its left, and one with an unclosed U+202B RIGHT-TO-LEFT EMBEDDING reverses the whole line
(``km 692 · NAME``); the overrides U+202D and U+202E, and isolates left open, are refused
when the story is read (test_load).  Each name is isolated (``<bdi>``, or ``dir="auto"``
on the element that holds it), so the words after it stay after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import mapgen

from .test_browser import MAP, Visit, open_page

# A Hebrew word (shalom), after an RLE that nothing closes.
NAME = "\\u202b\\u05e9\\u05dc\\u05d5\\u05dd"
HEBREW = "\u05e9\u05dc\u05d5\u05dd"
ARTICLE = "Kim travelled by train from Pyongyang to Vladivostok, where he met Putin.\n"

STORY = f"""\
title: "{NAME} summit 2023"
description: "{NAME} and the train"
sources:
  - id: a
    file: seeds/a.txt
    title: "{NAME} news"
    outlet: "{NAME} outlet"
    date: 2023-09
places:
  - id: alpha
    name: "{NAME}"
    kind: city
    coords: [43.1, 131.9]
    quotes: [{{source: a, text: Kim travelled by train}}]
  - id: bravo
    name: Bravo
    kind: city
    coords: [39.0, 125.7]
    quotes: [{{source: a, text: train from Pyongyang}}]
routes:
  - id: train
    name: "{NAME}"
    mode: rail
    via: [alpha, bravo]
    quotes: [{{source: a, text: travelled by train}}]
events:
  - id: meeting
    title: "{NAME} meeting"
    date: 2023-09-13
    place: alpha
    status: expected
    quotes: [{{source: a, text: where he met Putin}}]
"""

# The rectangle of the first match of ``pattern`` (a RegExp) in ``root``'s text, wherever
# the text is split into nodes (with or without a <bdi> around it).
RECT_OF = """
function rectOf(root, pattern) {
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, m = pattern.exec(node.data);
    if (!m) continue;
    const range = document.createRange();
    range.setStart(node, m.index);
    range.setEnd(node, m.index + m[0].length);
    const r = range.getBoundingClientRect();
    return {left: r.left, right: r.right};
  }
  return null;
}
"""


@pytest.fixture(scope="module")
def bidi_build(tmp_path_factory) -> mapgen.pipeline.builder.BuildResult:
    story = tmp_path_factory.mktemp("bidi") / "story"
    (story / "seeds").mkdir(parents=True)
    (story / "seeds" / "a.txt").write_text(ARTICLE, encoding="utf-8")
    (story / "places.yaml").write_text(STORY, encoding="utf-8")
    return mapgen.build(story, story / "output")


@pytest.fixture
def bidi_visit(browser, bidi_build) -> Iterator[Visit]:
    visit = open_page(browser, Path(bidi_build.html))
    yield visit
    visit.page.context.close()


def test_the_words_after_a_name_stay_after_it(bidi_visit):
    page = bidi_visit.page
    tooltip = page.evaluate(
        f"""() => {{
            {RECT_OF}
            const map = {MAP};
            let element = null;
            map.eachLayer(l => {{
                if (l instanceof L.Polyline && l.getTooltip && l.getTooltip()) {{
                    l.openTooltip(l.getCenter());
                    element = l.getTooltip().getElement();
                }}
            }});
            return {{name: rectOf(element, /{HEBREW}/), number: rectOf(element, /[0-9]+/),
                     km: rectOf(element, /km/), text: element.textContent}};
        }}"""
    )
    assert tooltip["name"] and tooltip["number"] and tooltip["km"], tooltip
    name, number, km = tooltip["name"], tooltip["number"], tooltip["km"]
    assert name["right"] - 0.5 <= number["left"] < km["left"], tooltip
    where = page.evaluate(
        f"""() => {{
            {RECT_OF}
            const line = document.querySelector(".mg-event-where");
            const status = line.querySelector(".mg-status").getBoundingClientRect();
            return {{name: rectOf(line, /{HEBREW}/), status: {{left: status.left}}}};
        }}"""
    )
    assert where["name"] and where["status"]["left"] >= where["name"]["right"] - 0.5, where
    assert bidi_visit.errors == []


def test_every_piece_of_story_text_is_isolated(bidi_visit):
    """The element holding each piece of the story's text holds nothing else, and computes
    to ``unicode-bidi: isolate`` (a <bdi>, or an element with ``dir``): checked for what
    the page shows at once, a route's popup and the reader."""
    page = bidi_visit.page
    check = f"""() => {{
        const found = [];
        const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {{
            const node = walker.currentNode, el = node.parentElement;
            if (!node.data.includes("{HEBREW}") || el.closest("script")) continue;
            const alone = el.textContent === node.data;
            found.push([el.tagName + "." + el.className, alone && getComputedStyle(el).unicodeBidi === "isolate"]);
        }}
        return found;
    }}"""
    page.evaluate(
        f"""() => {{
            const map = {MAP};
            map.eachLayer(l => {{ if (l instanceof L.Polyline && l.getPopup && l.getPopup()) l.openPopup(l.getCenter()); }});
        }}"""
    )
    page.locator(".leaflet-popup-content").last.wait_for(state="visible")
    shown = page.evaluate(check)
    page.evaluate("() => mapgenReader.open('alpha', 0)")
    shown += page.evaluate(check)
    names = {where for where, _ in shown}
    # The title and description, the timeline's event and place, the sources tab (in the
    # page, hidden), the route's popup (its title, its line, the quote's source) and the
    # reader's heading, source title and outlet.
    assert len(shown) >= 12, shown
    assert {"H1.", "H3.", "SPAN.mg-event-title", "BDI."} <= names, names
    assert [where for where, isolated in shown if not isolated] == []
