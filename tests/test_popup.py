"""The one popup template (mapgen.page.popup): Python's rendering of it (markers, routes,
areas, events) and datalayer.js's (a big story's places, in Chromium) give the same HTML
to the byte, and a slot for another field is one entry in it."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

import mapgen
from mapgen.page import popup
from mapgen.page.popup import PlacePopups, Slot
from mapgen.quotes.quoted import Quotes, QuoteText
from mapgen.story.model import place_columns

from .conftest import PAYLOADS
from .test_datalayer import STORE, big_story, data_page, open_map, pages  # noqa: F401 (fixtures)


def test_the_template_renders_a_popup_with_every_part():
    claim = QuoteText("a", "Report <A>", "it \u201cfell\u201d", span=(0, 4), lead=True)
    denial = QuoteText("b", "B & co", "it did not", "denies")
    html = popup.popup_html(
        'x"1', "Name <i>", ["Kind", "1 & 2"], "a {{ note }}", [claim, denial], "denied"
    )
    assert html == (
        '<div class="mg-popup" data-mg-id="x&quot;1"><h3 dir="auto">Name &lt;i&gt;</h3>'
        f'<p class="mg-claim">{popup.status_html("denied")}</p>'
        '<p class="mg-meta">Kind</p><p class="mg-meta">1 &amp; 2</p>'
        '<p class="mg-note" dir="auto">a &#123;&#123; note &#125;&#125;</p>'
        '<p class="mg-support">Supported by 1 source; a denial quoted in 1 source</p>'
        '<div class="mg-sides"><div class="mg-side mg-claims"><h4>The claim</h4>'
        '<blockquote class="mg-quote"><a class="mg-cite" href="#mg-panel"'
        ' data-mg-feature="x&quot;1" data-mg-quote="0" title="Show this passage in the article">'
        "\u201c<bdi>\u2026it \u201cfell\u201d</bdi>\u201d</a><footer>\u2014 <cite><bdi>"
        "Report &lt;A&gt;</bdi></cite></footer></blockquote></div>"
        '<div class="mg-side mg-denials"><h4>The denial</h4>'
        '<blockquote class="mg-quote"><a class="mg-cite" href="#mg-panel"'
        ' data-mg-feature="x&quot;1" data-mg-quote="1" title="Show this passage in the article">'
        "\u201c<bdi>it did not</bdi>\u201d</a><footer>\u2014 <cite><bdi>B &amp; co</bdi></cite>"
        "</footer></blockquote></div></div></div>"
    )
    bare = popup.popup_html("y", "", [], "", [])
    assert bare == '<div class="mg-popup" data-mg-id="y"><h3 dir="auto"></h3></div>'


def _in_python(geo) -> list[str]:
    popups = PlacePopups(geo, Quotes(geo.story))
    return [popups.html(k, popups.quotes(k)) for k in range(len(popups.table.ids))]


def _in_chromium(page) -> list[str]:
    return page.evaluate(
        f"() => {{ const s = {STORE}, out = [];"
        " for (let i = 0; i < s.n; i++) out.push(s.popupHtml(i)); return out; }"
    )


def test_datalayer_js_renders_the_template_as_python_does(data_page, pages):  # noqa: F811
    """Every place of a big story (hostile names, notes and quotes, every status, claims
    beside denials, several sources): the page's popup is Python's, to the byte."""
    page, errors = data_page
    made = _in_python(pages["data"].story)
    assert _in_chromium(page) == made
    assert any("mg-sides" in html for html in made) and any("mg-note" in html for html in made)
    assert page.evaluate("window.__pwned") is None and errors == []


@pytest.fixture
def queried(tmp_path: Path) -> Path:
    """Places with a ``query:`` (hostile text in some, none in others), drawn as a data
    layer."""
    root = tmp_path / "queried"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text("Alpha. Beta. Gamma. Delta.\n", encoding="utf-8")
    lines = ["title: Queried", "data_layer: always", "sources:"]
    lines += ["  - {id: a, file: seeds/a.txt, title: A}", "places:"]
    words = ["Alpha", "Beta", "Gamma", "Delta"]
    for i, payload in enumerate(PAYLOADS[:8]):
        query = f"    query: {json.dumps(payload)}\n" if i % 3 else ""
        note = f"    note: {json.dumps(PAYLOADS[-1 - i])}\n" if i % 2 else ""
        lines.append(
            f"  - id: p{i}\n    name: {json.dumps(payload)}\n    kind: city\n"
            f"    coords: [{10 + i}, {20 + i}]\n{query}{note}"
            f"    quotes: [{{source: a, text: {words[i % 4]}}}]"
        )
    (root / "places.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_a_slot_for_another_field_is_one_entry(queried, browser, monkeypatch, tmp_path):
    """A field shown in the popup needs its declaration to name a slot and the slot: here
    a place's ``query`` (which no popup shows) gets one, after the note.  Markers' popups
    (Python) and the data layer's (datalayer.js) both show it where a place has it, the
    same to the byte, with no change to either."""
    place = popup.PLACE
    fields = tuple(
        dataclasses.replace(f, popup="asked") if f.key == "query" else f for f in place.fields
    )
    monkeypatch.setattr(popup, "PLACE", dataclasses.replace(place, fields=fields))
    slot = Slot("asked", '<p class="mg-asked">Asked as <q>{value}</q>: {value}</p>')
    monkeypatch.setattr(popup, "SLOTS", (*popup.SLOTS, slot))
    result = mapgen.build(queried, tmp_path / "out")
    page, errors = open_map(browser, result.html, "window.mapgenDrawn > 0")
    try:
        made = _in_python(result.story)
        assert _in_chromium(page) == made
        assert errors == [] and page.evaluate("window.__pwned") is None
    finally:
        page.context.close()
    queries = place_columns(result.story.story.places).queries
    assert ["mg-asked" in html for html in made] == list(map(bool, queries))
    assert sum(map(bool, queries)) >= 4
    assert all(html.endswith("</p></div>") for html in made if "mg-asked" in html)
    assert "Asked as <q>$&#123;window.__pwned = 3&#125;</q>" in made[2]
    assert "mg-asked" not in made[3]
