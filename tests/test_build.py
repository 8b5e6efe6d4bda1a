"""The built page and GeoJSON, parsed: every feature present once, quotes verbatim and escaped."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import mapgen
from mapgen.quotes.verify import fold_text

from .conftest import PAYLOADS

POPUP = re.compile(r"\.bindPopup\((\"(?:[^\"\\]|\\.)*\"),")
EVIDENCE = re.compile(r'<script type="application/json" id="mg-evidence">(.*?)</script>', re.S)
TOOLTIP = re.compile(r"\.bindTooltip\((\"(?:[^\"\\]|\\.)*\"),")


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []
        # Text on either side of a <bdi>'s edge runs on, with no space: it is inline.
        self.glued = False
        self.after_data = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.glued = tag == "bdi" and self.after_data
        self.after_data = False

    def handle_endtag(self, tag):
        self.glued = tag == "bdi"
        self.after_data = False

    def handle_data(self, data):
        if self.glued and self.parts:
            self.parts[-1] += data
        else:
            self.parts.append(data)
        self.glued = False
        self.after_data = True


def html_text(fragment: str) -> tuple[str, list[str]]:
    """The text a browser would show for an HTML fragment, and the tags it contains."""
    parser = _Text()
    parser.feed(fragment)
    parser.close()
    return " ".join(" ".join(parser.parts).split()), parser.tags


def popups(page: str) -> list[str]:
    return [json.loads(m) for m in POPUP.findall(page)]


def evidence(page: str) -> dict:
    """The page's evidence data: the articles, and each feature's passages."""
    return json.loads(EVIDENCE.search(page).group(1))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[mapgen.pipeline.builder.BuildResult, str, dict]:
    import shutil

    root = Path(__file__).resolve().parents[1]
    story = tmp_path_factory.mktemp("seed")
    shutil.copy(root / "places.yaml", story / "places.yaml")
    shutil.copytree(root / "seeds", story / "seeds")
    result = mapgen.build(story)
    page = result.html.read_text(encoding="utf-8")
    data = json.loads(result.geojson.read_text(encoding="utf-8"))
    return result, page, data


def test_every_place_route_and_area_is_drawn_once(built):
    result, page, _ = built
    story = result.story.story
    assert page.count("L.marker(") == len(story.places) + 3 * len(story.routes)  # + arrowheads
    assert page.count("L.polyline(") == len(story.routes)
    assert page.count("L.polygon(") == len(story.areas)
    texts = [html_text(p)[0] for p in popups(page)]
    assert len(texts) == len(story.places) + len(story.routes) + len(story.areas)
    for feature in (*story.places, *story.routes, *story.areas):
        assert sum(t.startswith(html_text(feature.name)[0]) for t in texts) == 1, feature.id


def test_popups_quote_the_articles_verbatim_and_name_the_source(built):
    result, page, _ = built
    story = result.story.story
    articles = {s.id: " ".join(s.text.split()) for s in story.sources}
    titles = {s.id: s.title for s in story.sources}
    texts = {html_text(p)[0].split(" ")[0]: html_text(p)[0] for p in popups(page)}
    found = 0
    for popup in popups(page):
        shown, _ = html_text(popup)
        for quoted, title in re.findall(r"\u201c(.*?)\u201d \u2014 (.*?)(?= \u201c|$)", shown):
            # an ellipsis where the sentence goes on is the page's, not the article's
            quoted = quoted.removeprefix("\u2026").removesuffix("\u2026")
            assert any(quoted in text for text in articles.values()), quoted
            assert title in titles.values()
            found += 1
    assert found == sum(len(f.quotes) for f in (*story.places, *story.routes, *story.areas))
    assert texts  # parsed something


def test_place_popup_gives_kind_coordinates_and_precision(built):
    _, page, _ = built
    pier = next(html_text(p)[0] for p in popups(page) if html_text(p)[0].startswith("Pier 33"))
    assert "Military site" in pier
    assert "43.1140\u00b0 N, 131.8930\u00b0 E" in pier
    assert "Precision: approximate" in pier
    assert (
        "Kim was likely to visit Pier 33, where naval vessels from Russia\u2019s Pacific fleet are docked."
        in pier
    )
    pyongyang = next(
        html_text(p)[0] for p in popups(page) if html_text(p)[0].startswith("Pyongyang")
    )
    assert "Precision: city" in pyongyang


def test_routes_give_direction_geodesic_length_and_schematic_note(built):
    _result, page, data = built
    train = next(
        html_text(p)[0] for p in popups(page) if html_text(p)[0].startswith("Kim's armored")
    )
    assert "Pyongyang \u2192 Vladivostok" in train
    assert "Schematic" in train
    km = float(re.search(r"Length: ([\d,]+) km \(geodesic", train).group(1).replace(",", ""))
    assert 750 < km < 950  # the sum of geodesic legs through the waypoints
    shoigu = next(f for f in data["features"] if f["id"] == "shoigu-visit")
    # Moscow-Pyongyang is about 6,400 km on the ellipsoid.
    assert 6300 < shoigu["properties"]["length_km"] < 6500
    line = shoigu["geometry"]["coordinates"]
    assert len(line) > 100  # densified: drawn along the curve
    # The geodesic bows north of the straight lon/lat segment between the two capitals.
    mid = line[len(line) // 2]
    assert mid[1] > (55.75 + 39.03) / 2 + 5


def test_page_has_title_legend_and_layer_control(built):
    _result, page, _ = built
    assert "<title>North Korea, Russia and the Vladivostok summit (September 2023)</title>" in page
    assert 'id="mg-title"' in page and 'id="mg-legend"' in page
    assert "L.control.layers(" in page
    for label in ("Capital city", "Port", "Military site", "Venue", "Routes", "Countries"):
        assert f'"{label}"' in page or f">{label}<" in page


def test_geojson_is_rfc7946_with_one_feature_each(built):
    result, _, data = built
    story = result.story.story
    assert data["type"] == "FeatureCollection"
    ids = [f["id"] for f in data["features"]]
    assert ids == [x.id for x in (*story.places, *story.routes, *story.areas)]
    for feature in data["features"]:
        props = feature["properties"]
        assert {"id", "name", "kind", "quotes"} <= props.keys()
        assert props["quotes"] and all(
            q.keys() <= {"source", "text", "sentence"} for q in props["quotes"]
        )
    pyongyang = next(f for f in data["features"] if f["id"] == "pyongyang")
    lon, lat = pyongyang["geometry"]["coordinates"]
    assert 125 < lon < 126.5 and 38.5 < lat < 39.5  # [lon, lat] order
    kinds = {f["id"]: f["geometry"]["type"] for f in data["features"]}
    assert kinds["ukraine"] in {"Polygon", "MultiPolygon"}
    assert kinds["armored-train"] == "LineString"


def test_same_story_builds_the_same_bytes(seed_story, tmp_path):
    first = mapgen.build(seed_story, tmp_path / "one")
    second = mapgen.build(seed_story, tmp_path / "two")
    assert first.html.read_bytes() == second.html.read_bytes()
    assert first.geojson.read_bytes() == second.geojson.read_bytes()


def test_hostile_text_is_escaped_everywhere(hostile_story, tmp_path):
    result = mapgen.build(hostile_story, tmp_path / "out")
    page = result.html.read_text(encoding="utf-8")
    assert "window.__pwned" in page  # the text is there ...
    assert "<script>window.__pwned" not in page  # ... but never as markup
    assert "<img src=x" not in page
    assert "<b>bold</b>" not in page
    # branca re-reads rendered output as a Jinja template: braces must not survive as braces.
    assert "&lt;b&gt;bold&lt;/b&gt; &#123;&#123; 6*7 &#125;&#125;" in page
    assert " 42 " not in page
    # The articles and the events are data: one JSON document, with no "<" to end its
    # script element, never run.
    data = evidence(page)
    assert data["sources"][0]["text"].startswith("Line 0: </script><script>")
    assert data["sources"][0]["outlet"] == PAYLOADS[0]
    assert "url" not in data["sources"][0]  # a javascript: link is never made
    assert "javascript:" not in page.replace('"javascript:window.__pwned = 5"', "")
    block = EVIDENCE.search(page).group(1)
    assert "<" not in block and ">" not in block
    # Outside the JSON strings handed to Leaflet and that data, no payload reaches a script.
    scripts = [
        TOOLTIP.sub("", POPUP.sub("", body))
        for attrs, body in re.findall(r"<script([^>]*)>(.*?)</script>", page, re.S)
        if "application/json" not in attrs
    ]
    for script in scripts:
        assert "${" not in script and "__pwned" not in script
    # Every popup, events' too, shows the payloads as text, in a few known tags.
    events = [f["popup"] for f in data["features"].values() if "popup" in f]
    assert len(events) == 2
    shown = [html_text(p) for p in popups(page) + events]
    allowed = {"div", "h3", "h4", "p", "blockquote", "footer", "cite", "a", "span", "svg"}
    allowed |= {"bdi"}  # story text isolated in a line of the page's words
    allowed |= {"g", "circle", "path"}  # the status badges
    for _text, tags in shown:
        assert set(tags) <= allowed, tags
    every = " ".join(t for t, _ in shown)
    for payload in PAYLOADS:
        assert fold_text(payload) in every, payload
    assert "The claim" in every and "The denial" in every
    tips = [html_text(json.loads(m)) for m in TOOLTIP.findall(page)]
    assert any(PAYLOADS[0] in t for t, _ in tips)
    assert all(set(tags) <= {"bdi"} for _, tags in tips)  # the name isolated, no more
    # The GeoJSON carries the same text as data.
    data = json.loads(result.geojson.read_text(encoding="utf-8"))
    assert data["features"][0]["properties"]["name"] == PAYLOADS[0]
