"""Big stories: past the threshold, places are one data layer whose popups are built on
demand, and they must read exactly as the markers' popups do (in Chromium)."""

from __future__ import annotations

import csv
import json
import random
import re
import shutil
from pathlib import Path

import pytest

import mapgen
from mapgen.page import render
from mapgen.page.markup import text

from .conftest import PAYLOADS

ARTICLE_A = "\n".join(
    [f"Line {i}: {p}" for i, p in enumerate(PAYLOADS)]
    + [f"A strike was reported at depot {i}, near the river." for i in range(40)]
    + ["Officials said the convoy\u2019s route \u2014 through the pass \u2026 was closed."]
)
ARTICLE_B = "The ministry denied that depot 3 was hit.\nDepot 3 burned all night.\n"


@pytest.fixture(scope="module")
def big_story(tmp_path_factory) -> Path:
    """40 places from a CSV (payload names and notes, statuses, approximate positions) and
    three from places.yaml (two sources, a denial beside a claim)."""
    root = tmp_path_factory.mktemp("big")
    (root / "seeds").mkdir()
    (root / "seeds" / "a.txt").write_text(ARTICLE_A, encoding="utf-8")
    (root / "seeds" / "b.txt").write_text(ARTICLE_B, encoding="utf-8")
    statuses = ["reported", "expected", "confirmed", "denied"]
    kinds = ["military", "site", "city", "port"]
    with (root / "places.csv").open("w", encoding="utf-8", newline="") as f:
        out = csv.writer(f)
        out.writerow(["id", "name", "kind", "lat", "lon", "precision", "status", "note", "quote"])
        for i in range(40):
            name = PAYLOADS[i % len(PAYLOADS)] if i < 12 else f"Depot {i}"
            note = PAYLOADS[(i + 1) % len(PAYLOADS)] if i % 5 == 0 else ""
            precision = "approximate" if i % 7 == 3 else ""
            lat, lon = 40 + (i % 8) * 1.5 + 0.03125, 20 + (i // 8) * 2.25
            quote = f"A strike was reported at depot {i}, near the river."
            if i < len(PAYLOADS):
                quote = PAYLOADS[i]
            out.writerow(
                [f"d{i}", name, kinds[i % 4], lat, lon, precision, statuses[i % 4], note, quote]
            )
    (root / "places.yaml").write_text(
        """\
title: A big story </title><script>window.__pwned = 1</script>
sources:
  - id: a
    file: seeds/a.txt
    title: "Report <b>A</b> {{ 7*7 }}"
    date: 2023-09
  - id: b
    file: seeds/b.txt
    title: Report B
places:
  - id: depot-3
    name: Depot 3 (disputed)
    kind: military
    coords: [44.5, 22.25]
    status: denied
    note: Satellite images are unclear.
    quotes:
      - {source: b, text: Depot 3 burned all night.}
      - {source: b, text: The ministry denied that depot 3 was hit., stance: denies}
  - id: pass
    name: The pass
    kind: crossing
    coords: [41.25, 27.5]
    quotes:
      - {source: a, text: "Officials said the convoy's route - through the pass ... was closed."}
      - {source: a, text: A strike was reported at depot 1}
  - id: two-sources
    name: Two sources
    kind: site
    coords: [42.0, 26.0]
    quotes:
      - {source: a, text: "A strike was reported at depot 20, near the river."}
      - {source: b, text: Depot 3 burned all night.}
      - {source: a, text: "A strike was reported at depot 25, near the river."}
include:
  - file: places.csv
    source: a
events:
  - id: closed
    title: The pass closed
    date: 2023-07
    place: pass
    quotes: [{source: a, text: "through the pass"}]
""",
        encoding="utf-8",
    )
    return root


def build(story: Path, out: Path, threshold: int) -> mapgen.pipeline.builder.BuildResult:
    old = render.DATA_LAYER_THRESHOLD
    render.DATA_LAYER_THRESHOLD = threshold
    try:
        return mapgen.build(story, out)
    finally:
        render.DATA_LAYER_THRESHOLD = old


@pytest.fixture(scope="module")
def pages(
    page_assets, big_story, tmp_path_factory
) -> dict[str, mapgen.pipeline.builder.BuildResult]:
    out = tmp_path_factory.mktemp("pages")
    return {
        "markers": build(big_story, out / "markers", 10_000),
        "data": build(big_story, out / "data", 10),
    }


def place_ids(block: dict) -> list[str]:
    prefix = block["idPrefix"]
    return [
        f"{prefix}{r[2] or i + block['idBase']}" if isinstance(r[2], int) else r[2]
        for i, r in enumerate(block["places"])
    ]


def data_block(page: str) -> dict:
    found = re.search(
        r'<script type="application/json" id="mg-data-[^"]+">\n(.*?)\n</script>', page, re.S
    )
    assert found, "no data block"
    return json.loads(found.group(1))


# --------------------------------------------------------------------------- no browser


def test_the_threshold_switches_markers_for_one_data_layer(pages):
    markers = pages["markers"].html.read_text(encoding="utf-8")
    data = pages["data"].html.read_text(encoding="utf-8")
    places = len(pages["data"].story.story.places)
    assert places == 43
    assert markers.count("mg-pin mg-") == places and "mapgenData(" not in markers
    assert "mg-pin mg-" not in data and data.count("mapgenData(") == 2  # defined, called
    block = data_block(data)
    assert len(block["places"]) == places
    assert place_ids(block)[:3] == ["depot-3", "pass", "two-sources"]
    # One layer per kind in the layer control, as with markers.
    for label in ("Military site", "Other site", "City or town", "Port", "Border crossing"):
        assert f'"{label}" :' in data and f'"{label}" :' in markers


def test_quotes_are_stored_once_per_passage(pages):
    block = data_block(pages["data"].html.read_text(encoding="utf-8"))
    # A passage quoted by more than one place is in the table once (depots 3, 20 and 25);
    # one quoted once is written in its place's row.  Either is its place in the article
    # (UTF-16 offsets: start, length), not the words again.
    assert len(block["passages"]) == 3
    assert all(len(p) == 3 and p[2] > 0 for p in block["passages"])
    rows = dict(zip(place_ids(block), block["places"], strict=True))
    assert rows["two-sources"][5][1] in range(3) and rows["d20"][5] in range(3)
    assert rows["d7"][5][0] == -1 and len(rows["d7"][5]) == 3  # source 0, flat in the row
    assert rows["depot-3"][5][1][3] == 1  # the denial


def test_numbered_ids_are_written_as_numbers(page_assets, tmp_path):
    root = tmp_path / "s"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text("Depot one. Depot two.", encoding="utf-8")
    (root / "strikes.csv").write_text(
        "id,name,kind,lat,lon,quote\n,One,site,1,2,Depot one.\n"
        "strikes-9,Two,site,3,4,Depot two.\n,Three,site,5,6,Depot one.\n",
        encoding="utf-8",
    )
    (root / "places.yaml").write_text(
        "title: T\nsources: [{id: a, file: seeds/a.txt, title: A}]\n"
        "include: [{file: strikes.csv, source: a}]\n",
        encoding="utf-8",
    )
    block = data_block(build(root, tmp_path / "out", 1).html.read_text(encoding="utf-8"))
    assert block["idPrefix"] == "strikes-"
    # Default ids (line numbers) follow the rows: 0, for the row's index plus idBase.
    assert [row[2] for row in block["places"]] == [0, 9, 0]
    assert block["idBase"] == 2
    assert place_ids(block) == ["strikes-2", "strikes-9", "strikes-4"]


def test_the_id_prefix_is_the_most_common_one():
    """The first numbered id's prefix when most ids have it; else counted among them all."""
    from mapgen.page.datalayer import _id_prefix

    ids = ["depot-3", *[f"strikes-{n}" for n in range(2, 42)], "strikes-07", "x"]
    prefix, numbers = _id_prefix(ids)
    assert prefix == "strikes-" and len(numbers) == 40 and numbers[1] == "2"
    assert _id_prefix(["a-1", "a-2", "b-1"]) == ("a-", {0: "1", 1: "2"})
    assert _id_prefix(["a", "b-0", "c-01"]) == (None, {})


def test_the_data_block_cannot_leave_its_script(pages):
    page = pages["data"].html.read_text(encoding="utf-8")
    found = re.search(r'id="mg-data-[^"]+">\n(.*?)\n</script>', page, re.S)
    assert "<" not in found.group(1) and ">" not in found.group(1)
    assert "window.__pwned" in found.group(1)  # there, as escaped JSON text
    assert "mapgenData(" in page


def test_same_story_same_bytes(big_story, page_assets, tmp_path):
    one = build(big_story, tmp_path / "one", 10).html.read_bytes()
    two = build(big_story, tmp_path / "two", 10).html.read_bytes()
    assert one == two


def test_a_moved_place_changes_its_own_line(big_story, page_assets, tmp_path):
    before = build(big_story, tmp_path / "before", 10).html.read_text(encoding="utf-8")
    text_before = (big_story / "places.yaml").read_text(encoding="utf-8")
    try:
        (big_story / "places.yaml").write_text(
            text_before.replace("coords: [41.25, 27.5]", "coords: [41.5, 27.5]"), encoding="utf-8"
        )
        after = build(big_story, tmp_path / "after", 10).html.read_text(encoding="utf-8")
    finally:
        (big_story / "places.yaml").write_text(text_before, encoding="utf-8")
    changed = [
        (a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    ]
    # Its row of the data, and (an event names it) its entry in the reader's data.
    assert len(changed) == 2 and changed[0][1].startswith('[41.5,27.5,"pass","The pass",')
    assert '"pass":{"name":"The pass"' in changed[1][1]


# --------------------------------------------------------------------------- in Chromium


def open_map(browser, html: Path, ready: str):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("dialog", lambda d: (errors.append("dialog " + d.message), d.dismiss()))

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            return r.continue_()
        return r.fulfill(status=200, content_type="image/png", body=b"")

    page.route("**/*", route)
    page.goto(html.as_uri())
    page.wait_for_function(ready)
    return page, errors


MAP = "Object.values(window).find(v => v instanceof L.Map)"
STORE = "window.mapgenStores[0]"


@pytest.fixture(scope="module")
def data_page(browser, pages):
    page, errors = open_map(browser, pages["data"].html, "window.mapgenDrawn > 0")
    yield page, errors
    page.context.close()


@pytest.fixture(scope="module")
def marker_page(browser, pages):
    page, errors = open_map(
        browser, pages["markers"].html, "document.querySelectorAll('.mg-pin').length > 0"
    )
    yield page, errors
    page.context.close()


def marker_popups(page) -> dict[str, dict[str, str]]:
    """Each marker's popup, opened: its HTML and its text, by the place's id."""
    return page.evaluate(
        f"""() => {{
            const map = {MAP}, out = {{}};
            map.eachLayer(l => {{
                if (!(l instanceof L.Marker) || !l.getPopup()) return;
                l.openPopup();
                const el = document.querySelector('.leaflet-popup-content');
                const id = el.firstElementChild.getAttribute('data-mg-id');
                out[id] = {{html: el.innerHTML, text: el.innerText}};
                map.closePopup();
            }});
            return out;
        }}"""
    )


def test_popups_built_on_demand_read_as_the_markers_popups(data_page, marker_page, pages):
    page, errors = data_page
    story = pages["data"].story.story
    expected = marker_popups(marker_page[0])
    assert len(expected) == len(story.places)
    built = page.evaluate(
        f"""() => {{
            const store = {STORE}, out = {{}};
            for (let i = 0; i < store.n; i++) {{
                const popup = store.open(i);
                const el = document.querySelector('.leaflet-popup-content');
                out[store.id(i)] = {{html: el.innerHTML, text: el.innerText}};
                {MAP}.closePopup();
            }}
            return out;
        }}"""
    )
    assert built.keys() == expected.keys()
    # each popup's "copy link" names its own page (permalink.js): the pages differ there only
    here = {name: pages[name].html.as_uri() for name in ("data", "markers")}
    for place_id, want in expected.items():
        mine = built[place_id]["html"].replace(here["data"], "PAGE")
        assert mine == want["html"].replace(here["markers"], "PAGE"), place_id
        assert built[place_id]["text"] == want["text"], place_id
    shown = built["depot-3"]["text"].lower()
    assert "the denial" in shown and "the claim" in shown
    assert "Supported by 2 sources (3 passages)" in built["two-sources"]["text"]
    assert page.evaluate("window.__pwned") is None
    assert errors == [] and marker_page[1] == []


def test_a_click_on_a_pin_opens_its_popup_and_a_quote_opens_the_reader(data_page, pages):
    page, _ = data_page
    i = page.evaluate(f"{STORE}.find('pass')")
    # Zoomed in, nothing is clustered: the pin is drawn where the marker would stand.
    box = page.evaluate(
        f"""() => {{
            const store = {STORE}, map = {MAP}, row = store.d.places[{i}];
            map.setView([row[0], row[1]], 16, {{animate: false}});
            store._draw();
            const p = map.latLngToContainerPoint([row[0], row[1]]);
            return {{x: p.x, y: p.y}};
        }}"""
    )
    page.mouse.move(box["x"], box["y"] - 20)
    tooltip = page.locator(".leaflet-tooltip")
    tooltip.wait_for(state="visible")
    assert tooltip.inner_text() == "The pass"
    page.mouse.click(box["x"], box["y"] - 20)
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    assert popup.inner_text().startswith("The pass")
    # Padded clear of the title, legend and panel as the reader pads markers' popups.
    pads = page.evaluate(
        f"[{MAP}._popup.options.autoPanPaddingTopLeft, mapgenStory.data.popup.autoPanPaddingTopLeft]"
    )
    assert pads[0] == pads[1]
    quote = popup.locator("[data-mg-quote='0']")
    quote.click()
    current = page.locator("#mg-reader-text mark.mg-current")
    current.wait_for(state="visible")
    assert (
        current.inner_text()
        == "Officials said the convoy\u2019s route \u2014 through the pass \u2026 was closed."
    )
    assert page.locator("#mg-reader-for").inner_text() == "Evidence for: The pass"
    assert page.locator("#mg-reader-pos").inner_text() == "Passage 1 of 2"
    page.locator("#mg-reader-next").click()
    assert current.inner_text() == "A strike was reported at depot 1"
    page.evaluate(f"{MAP}.closePopup()")


def test_crowded_places_cluster_and_a_cluster_click_zooms_in(data_page):
    page, _ = data_page
    drawn = page.evaluate(
        f"""() => {{
            const map = {MAP}, store = {STORE};
            map.setView([44, 24], 4, {{animate: false}});
            store._draw();
            return store.drawn.map(d => d.i < 0 ? {{n: d.n, x: d.cx, y: d.cy}} : {{i: d.i}});
        }}"""
    )
    clusters = [d for d in drawn if "n" in d]
    assert clusters and sum(c["n"] for c in clusters) + len(drawn) - len(clusters) == 43
    biggest = max(clusters, key=lambda c: c["n"])
    offset = page.evaluate(f"{STORE}._offset")
    zoom = page.evaluate(f"{MAP}.getZoom()")
    page.mouse.click(biggest["x"] - offset[0], biggest["y"] - offset[1])
    page.wait_for_function(f"{MAP}.getZoom() > {zoom}")


def test_the_layer_control_hides_and_shows_a_kind(data_page):
    page, _ = data_page
    count = f"""() => {{
        const map = {MAP}, store = {STORE};
        map.setView([44, 24], 16, {{animate: false}});
        map.fitBounds([[39, 19], [52, 32]], {{animate: false}});
        map.setZoom(16, {{animate: false}});
        return store.d.places.filter((r, i) => store.on[store.kind[i]]).length;
    }}"""
    before = page.evaluate(count)
    box = page.locator(".leaflet-control-layers-overlays label", has_text="Port")
    box.locator("input").uncheck()
    ports = page.evaluate(
        f"{STORE}.d.places.filter((r, i) => {STORE}.d.kinds[{STORE}.kind[i]] === 'port').length"
    )
    assert page.evaluate(count) == before - ports and ports > 0
    box.locator("input").check()
    assert page.evaluate(count) == before


def test_the_legend_shows_clusters(data_page):
    page, _ = data_page
    legend = page.locator("#mg-legend").inner_text()
    assert "Places close together" in legend and "Military site" in legend


def test_markers_page_has_no_cluster_legend(marker_page):
    page, _ = marker_page
    assert "Places close together" not in page.locator("#mg-legend").inner_text()


def tricky_strings() -> list[str]:
    """Text a story may hold: the payloads, entities already escaped, every character
    either escaper might treat, and a few hundred random mixes of them."""
    specials = "<>&\"'{}`$\\/=;# \t\n\r\x00\x7f\u00a0\u00e9\u2028\u2029\u202e\ufeff\U0001f600"
    fixed = [*PAYLOADS, "", "&amp;", "&#123;", "&lt;script&gt;", "{{ 7*7 }}", "${1}", specials]
    rng = random.Random(14)  # the same strings on every run
    mixes = ["".join(rng.choices(specials + "ax1", k=rng.randint(1, 24))) for _ in range(500)]
    return fixed + list(specials) + mixes


def test_the_pages_esc_escapes_as_text_does(browser):
    """The data layer's esc() (mapgen/page/datalayer.js, run in Chromium as the page runs it)
    gives what mapgen.page.markup.text gives, for any text."""
    code = (Path(mapgen.__file__).parent / "page" / "datalayer.js").read_text(encoding="utf-8")
    found = re.search(r"\n(\s*var ESC = .*?\n\s*function esc\(s\) \{.*?\n\s*\})\n", code, re.S)
    assert found, "datalayer.js: no `var ESC` and `function esc(s)` to test"
    strings = tricky_strings()
    page = browser.new_page()
    try:
        escaped = page.evaluate(
            f"strings => {{ {found.group(1)}\n return strings.map(esc); }}", strings
        )
    finally:
        page.close()
    assert [(s, e) for s, e in zip(strings, escaped, strict=True) if e != text(s)] == []
    assert text("<&>\"'{}") == "&lt;&amp;&gt;&quot;&#x27;&#123;&#125;"


def test_the_sources_panel_counts_the_data_layers_places(pages):
    def counts(result) -> list[str]:
        page = result.html.read_text(encoding="utf-8")
        return re.findall(r'<span class="mg-source-counts">(.*?)</span>', page)

    assert (
        counts(pages["data"])
        == counts(pages["markers"])
        == [
            "Supports 42 places, 1 event",
            "Supports 2 places",
        ]
    )


def test_the_time_control_hides_places_not_known_yet(data_page):
    page, _ = data_page
    visible = f"() => {{ const s = {STORE}; let n = 0; for (let i = 0; i < s.n; i++) n += s.visible(i); return n; }}"
    assert page.evaluate(visible) == 43
    page.evaluate("mapgenTimeline.setDate('2023-07-15')")
    # Known by then: the pass (its event), and depot 3, whose source has no date.
    page.wait_for_function(f"({visible})() === 2")
    shown = page.evaluate(
        f"() => {{ const s = {STORE}; return s.d.places.map((r, i) => i).filter(i => s.visible(i)).map(i => s.id(i)); }}"
    )
    assert sorted(shown) == ["depot-3", "pass"]
    page.evaluate("mapgenTimeline.setDate('2023-09-30')")
    page.wait_for_function(f"({visible})() === 43")


def test_an_event_at_a_data_layer_place_flies_there_and_opens_its_popup(data_page):
    page, _ = data_page
    page.evaluate("mapgenStory.focus('closed')")
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    assert "The pass" in popup.inner_text()
    page.evaluate(f"{MAP}.closePopup()")


def test_offsets_count_utf16_code_units_as_javascript_does():
    from mapgen.page.datalayer import _Utf16

    text = "a\U0001f600b\u2019c\U00010000\U0010ffffd"
    utf16 = _Utf16(text)
    for i in range(len(text) + 1):
        assert utf16(i) == len(text[:i].encode("utf-16-le")) // 2
    assert _Utf16("plain \u2019 text").astral == []


@pytest.mark.parametrize(
    ("setting", "drawn"),
    [("auto", False), ("always", True), ("never", False), ("43", False), ("42", True)],
)
def test_data_layer_setting_chooses_how_places_are_drawn(big_story, tmp_path, setting, drawn):
    story = tmp_path / "story"
    shutil.copytree(big_story, story)
    text = (story / "places.yaml").read_text(encoding="utf-8")
    (story / "places.yaml").write_text(f"data_layer: {setting}\n" + text, encoding="utf-8")
    loaded = mapgen.load(story)
    assert len(loaded.places) == 43  # 40 from the CSV, 3 from places.yaml
    assert render.draws_data_layer(loaded) is drawn
    page = mapgen.pipeline.builder.render_page(mapgen.geocode(loaded, save=False), cdn=True)
    assert ("mapgenData(" in page) is drawn


def test_ties_are_exactly_the_positions_where_python_and_javascript_round_apart():
    import math
    import random
    from decimal import Decimal

    from mapgen.page.datalayer import _js_fixed, _ties

    rng = random.Random(7)
    values = [k / 32 for k in range(-2880, 2881)]  # every 32nd: the odd ones are ties
    values += [k / 64 for k in range(-200, 200)] + [k / 20000 for k in range(-5000, 5000)]
    values += [round(rng.uniform(-90, 90), rng.choice([4, 5, 6])) for _ in range(20000)]
    values += [math.nextafter(v, 100) for v in values[:3000]]
    values += [math.nextafter(v, -100) for v in values[:3000]]
    ties = set(_ties(values, [0.0] * len(values)))
    for i, v in enumerate(values):
        exact_tie = Decimal(abs(v)) * 10000 % 1 == Decimal("0.5")
        assert (i in ties) == exact_tie, v
        if i not in ties:  # elsewhere both round the same way
            assert format(abs(v), ".4f") == _js_fixed(v), v
    assert any(format(abs(v), ".4f") != _js_fixed(v) for v in values)  # ties that differ
    assert set(_ties([0.0] * len(values), values)) == ties  # longitudes too


def test_passages_made_a_column_at_a_time_match_those_made_one_by_one(big_story):
    """The usual passages are written by C loops from Story.spans; a story whose spans
    are not known (every passage found one by one, as unusual ones are) reads the same."""
    from mapgen.page.datalayer import PlaceData
    from mapgen.quotes.quoted import Quotes

    geo = mapgen.pipeline.builder.geocode(mapgen.pipeline.builder.load(big_story))
    assert geo.story.spans
    fast = PlaceData(geo, Quotes(geo.story))
    geo.story.spans = {}
    slow = PlaceData(geo, Quotes(geo.story))
    assert fast.rows == slow.rows and fast.passages == slow.passages
    assert fast.dumps() == slow.dumps()
    assert any(row.endswith(",1]]") or ",1]" in row for row in fast.rows + fast.passages)


def test_a_build_reads_a_bulk_files_places_as_columns(big_story, tmp_path, monkeypatch):
    """No object is made per place of a CSV that checked out a column at a time (for
    100,000 places, a quarter of a second before the build can use its second core), and
    the places, once asked for, are what the columns said."""
    from mapgen.story.model import Place, PlaceColumns, PlaceTable, place_columns

    story_dir = tmp_path / "story"
    shutil.copytree(big_story, story_dir)
    places_yaml = story_dir / "places.yaml"
    text_ = places_yaml.read_text(encoding="utf-8")
    # A data layer (past the markers' threshold), and no event naming a place.
    places_yaml.write_text(
        text_[: text_.index("events:")] + "data_layer: always\n", encoding="utf-8"
    )
    made = []
    real_init = Place.__init__

    def counting(self, *args, **kwargs):
        made.append(args[0] if args else kwargs["id"])
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(Place, "__init__", counting)
    result = mapgen.build(story_dir, tmp_path / "out")
    assert made == ["depot-3", "pass", "two-sources"]  # places.yaml's, not the CSV's 40
    places = result.story.story.places
    assert isinstance(places, PlaceTable) and len(places) == 43 and len(made) == 3
    columns = place_columns(places)
    objects = list(places)  # now made, from the columns
    assert len(made) == 43 and [p.id for p in objects][3:5] == ["d0", "d1"]
    read = PlaceColumns.of(objects)
    for name in PlaceColumns.__annotations__:
        assert getattr(columns, name) == getattr(read, name), name
    assert [columns.pos(k) for k in range(43)] == [p.pos for p in objects]
    # Once made, the objects are the places: a change to one is what the columns say.
    objects[5].name = "Renamed"
    assert place_columns(places).names[5] == "Renamed"
    places.append(objects[0])  # changed as a list is, from a notebook
    del places[0]
    assert len(places) == 43 and place_columns(places).ids[-1] == "depot-3"
