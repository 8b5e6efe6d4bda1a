"""The page on a phone (390x844, touch) and in a narrow notebook cell: the layer control and
the legend folded into buttons, a one-line title, the panel a bottom sheet swiped between
peek, half and full, popups that fit the screen and open clear of the controls, the
attribution never covered, pinch-zoom allowed, the reader full-screen with a way back,
and every touch target at least 44 px (docs/page.md, "On a phone")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .devices import DESK, MAP, PHONE, box, open_on, settle, small_targets, swipe


@pytest.fixture
def phone(browser, seed_build) -> Iterator[object]:
    opened = open_on(browser, seed_build.html, PHONE)
    yield opened.page
    assert opened.errors == [] and opened.offsite == []
    opened.close()


def sheet(page) -> dict:
    """The panel's state, rectangle and the viewport's height."""
    return page.evaluate(
        """() => { const p = document.getElementById('mg-panel'), r = p.getBoundingClientRect();
            return {state: p.getAttribute('data-mg-sheet'), top: r.top, bottom: r.bottom,
                h: r.height, vh: innerHeight, folded: p.classList.contains('mg-folded')}; }"""
    )


def overlaps(a: dict, b: dict) -> bool:
    return (
        a["x"] < b["right"]
        and b["x"] < a["right"]
        and a["y"] < b["bottom"]
        and b["y"] < a["bottom"]
    )


CONTROLS = [
    "#mg-title",
    "#mg-legend",
    "#mg-panel",
    ".leaflet-control-zoom",
    ".leaflet-control-layers",
    ".leaflet-control-attribution",
    ".leaflet-control-scale",
]


def test_the_viewport_allows_pinch_zoom(seed_build):
    page = seed_build.html.read_text(encoding="utf-8")
    meta = page[page.index('<meta name="viewport"') :].split(">", 1)[0]
    assert "width=device-width" in meta
    assert "user-scalable" not in meta and "maximum-scale" not in meta


def test_layer_control_starts_folded_and_a_tap_opens_and_closes_it(phone, browser, seed_build):
    control = ".leaflet-control-layers"
    assert not phone.locator(control).evaluate(
        "el => el.classList.contains('leaflet-control-layers-expanded')"
    )
    folded = box(phone, control)
    assert folded["w"] <= 50 and folded["h"] <= 50, folded
    toggle = phone.locator(".leaflet-control-layers-toggle")
    assert toggle.get_attribute("aria-expanded") == "false"
    toggle.tap()
    assert box(phone, ".leaflet-control-layers-list")["h"] > 100
    assert toggle.get_attribute("aria-expanded") == "true"
    assert box(phone, control)["right"] <= 390
    phone.locator("#mg-layers-done").tap()
    assert box(phone, ".leaflet-control-layers-list") is None
    # On a desk it is open, as before.
    desk = open_on(browser, seed_build.html, DESK)
    assert box(desk.page, ".leaflet-control-layers-list")["h"] > 100
    assert box(desk.page, "#mg-layers-done") is None
    desk.close()


def test_title_is_one_line_with_the_description_behind_a_tap(phone):
    lines = """() => { const r = document.createRange();
        r.selectNodeContents(document.querySelector('#mg-title h1'));
        return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }"""
    assert phone.evaluate(lines) == 1
    title = box(phone, "#mg-title")
    assert title["h"] <= 50 and title["x"] >= 0 and title["right"] <= 390
    for other in (".leaflet-control-zoom", ".leaflet-control-layers"):
        assert not overlaps(title, box(phone, other)), other
    assert box(phone, "#mg-title p") is None
    more = phone.locator("#mg-title-more")
    more.tap()
    assert more.get_attribute("aria-expanded") == "true"
    assert box(phone, "#mg-title p")["h"] > 10
    assert phone.evaluate(lines) > 1  # the whole title, wrapped
    more.tap()
    assert box(phone, "#mg-title p") is None


def test_legend_is_a_button_that_opens_on_the_screen(phone):
    legend = box(phone, "#mg-legend")
    assert 44 <= legend["h"] <= 50 and legend["w"] < 150, legend
    phone.locator("#mg-legend summary").tap()
    opened = box(phone, "#mg-legend")
    assert opened["h"] > 100
    assert opened["x"] >= 0 and opened["right"] <= 390 and opened["bottom"] <= 844


def test_sheet_swipes_between_peek_half_and_full(phone):
    start = sheet(phone)
    assert start["state"] == "peek" and start["folded"] and start["h"] < 90
    grip = box(phone, "#mg-sheet-grip")
    x = grip["x"] + grip["w"] / 2
    swipe(phone, x, grip["y"] + 8, grip["y"] - 250)
    half = sheet(phone)
    assert half["state"] == "half" and not half["folded"]
    assert abs(half["h"] - (start["bottom"]) / 2) < 40, half
    # Up again from the tabs row (not the grip): full; a short drag still moves one state.
    tabs = box(phone, ".mg-tabs")
    swipe(phone, tabs["x"] + 30, tabs["y"] + 20, tabs["y"] - 60)
    full = sheet(phone)
    assert full["state"] == "full" and full["top"] <= 1, full
    assert full["bottom"] < full["vh"], "the attribution stays under it"
    tabs = box(phone, ".mg-tabs")
    swipe(phone, tabs["x"] + 30, tabs["y"] + 20, 800)
    assert sheet(phone)["state"] == "peek"
    assert sheet(phone)["folded"]


def test_a_tap_on_a_tab_still_selects_it_and_opens_the_sheet(phone):
    phone.locator("#mg-tabbtn-sources").tap()
    settle(phone)
    assert phone.locator("#mg-tabbtn-sources").get_attribute("aria-selected") == "true"
    assert sheet(phone)["state"] == "half"
    assert box(phone, "#mg-tab-sources")["h"] > 100


def test_sheet_moves_by_its_button_and_arrow_keys(phone):
    handle = phone.locator("#mg-sheet-handle")
    names = []
    for expected in ("half", "full", "peek"):
        names.append(handle.get_attribute("aria-label"))
        handle.tap()
        settle(phone)
        assert sheet(phone)["state"] == expected
    assert len(set(names)) == 3, names  # each says what it will do
    handle.focus()
    phone.keyboard.press("ArrowUp")
    assert sheet(phone)["state"] == "half"
    phone.keyboard.press("ArrowUp")
    assert sheet(phone)["state"] == "full"
    phone.keyboard.press("ArrowDown")
    assert sheet(phone)["state"] == "half"


def tap_pin_at(page, index: int, x: float, y: float) -> dict:
    """Move the map so that pin ``index`` stands at (x, y), tap it, return its popup."""
    page.evaluate(
        f"""([i, x, y]) => {{
            const map = {MAP}, pins = [];
            map.eachLayer(l => {{ if (l instanceof L.Marker && l.getPopup()) pins.push(l); }});
            const pin = pins[i];
            map.setView(pin.getLatLng(), 7, {{animate: false}});
            const at = map.latLngToContainerPoint(pin.getLatLng());
            map.panBy([at.x - x, at.y - y], {{animate: false}});
            const r = pin.getElement().getBoundingClientRect();
            window.__pin = {{x: r.left + r.width / 2, y: r.top + r.height / 2}};
        }}""",
        [index, x, y],
    )
    at = page.evaluate("window.__pin")
    page.touchscreen.tap(at["x"], at["y"])
    page.locator(".leaflet-popup").wait_for(state="visible")
    settle(page)  # the auto-pan
    return box(page, ".leaflet-popup")


def test_popups_fit_the_screen_and_open_clear_of_every_control(phone):
    count = phone.evaluate(
        f"() => {{ let n = 0; {MAP}.eachLayer(l => {{ if (l instanceof L.Marker && l.getPopup()) n++; }}); return n; }}"
    )
    assert count == 7
    # Each pin just under the legend button, near the right edge: its popup would open
    # under the title and past the screen, but pans clear of both.
    for i in range(count):
        popup = tap_pin_at(phone, i, 330, 150)
        assert popup["w"] <= 390 - 2 * 10, popup
        assert popup["x"] >= 10 - 1 and popup["right"] <= 390 - 10 + 1, popup
        assert popup["y"] >= 0 and popup["bottom"] <= 844, popup
        for control in CONTROLS:
            other = box(phone, control)
            assert other is None or not overlaps(popup, other), (i, control, popup, other)
        # Closed by the script: two taps this close in time would be a double tap (a zoom).
        phone.evaluate(f"() => {MAP}.closePopup()")


def attribution_on_top(page) -> bool:
    return page.evaluate(
        """() => { const a = document.querySelector('.leaflet-control-attribution');
            const r = a.getBoundingClientRect();
            const points = [...a.querySelectorAll('a')].map(l => l.getBoundingClientRect())
                .map(q => [q.left + q.width / 2, q.top + q.height / 2]);
            points.push([r.left + 3, r.top + r.height / 2], [r.right - 3, r.top + r.height / 2]);
            return points.length > 2 && points.every(([x, y]) => {
                const hit = document.elementFromPoint(x, y); return hit && a.contains(hit); }); }"""
    )


def test_attribution_is_never_covered(phone):
    assert attribution_on_top(phone)
    for state in ("half", "full", "peek"):
        phone.evaluate("s => mapgenStory.sheet(s)", state)
        settle(phone)
        assert attribution_on_top(phone), state
    phone.locator("#mg-legend summary").tap()
    assert attribution_on_top(phone)
    phone.locator(".leaflet-control-layers-toggle").tap()
    assert attribution_on_top(phone)


def test_reader_fills_the_screen_and_a_button_leads_back_to_the_map(phone):
    popup = tap_pin_at(phone, 0, 195, 500)
    assert popup is not None
    phone.locator(".leaflet-popup [data-mg-quote]").first.tap()
    settle(phone)
    reader = box(phone, "#mg-panel")
    assert sheet(phone)["state"] == "full"
    assert reader["y"] <= 1 and reader["x"] <= 0 and reader["right"] >= 390
    assert reader["bottom"] >= 844 - 60  # down to the attribution's line
    assert box(phone, "#mg-reader-text")["h"] > 300
    back = phone.locator("#mg-sheet-back")
    assert "map" in back.inner_text().lower()
    assert box(phone, "#mg-sheet-back")["h"] >= 44
    back.tap()
    settle(phone)
    assert sheet(phone)["state"] == "peek"
    hit = phone.evaluate(
        "() => !!document.elementFromPoint(innerWidth / 2, innerHeight / 2).closest('.leaflet-container')"
    )
    assert hit, "the map shows again"


def test_show_on_the_map_steps_the_sheet_down(phone):
    phone.evaluate(
        "() => { const d = mapgenStory.data; const id = Object.keys(d.features)"
        ".find(k => d.features[k].kind === 'place' && d.features[k].passages.length);"
        " mapgenReader.open(id, 0); }"
    )
    assert sheet(phone)["state"] == "full"
    phone.locator("#mg-reader-show").tap()
    phone.locator(".leaflet-popup").wait_for(state="visible")
    settle(phone)
    assert sheet(phone)["state"] == "peek"
    popup = box(phone, ".leaflet-popup")
    assert not overlaps(popup, box(phone, "#mg-panel"))


@pytest.mark.parametrize(
    "state", ["open", "layers", "legend", "timeline", "sources", "popup", "reader"]
)
def test_every_touch_target_is_at_least_44px(phone, state):
    if state == "layers":
        phone.locator(".leaflet-control-layers-toggle").tap()
    elif state == "legend":
        phone.locator("#mg-legend summary").tap()
    elif state in ("timeline", "sources"):
        phone.locator(f"#mg-tabbtn-{state}").tap()
    elif state in ("popup", "reader"):
        tap_pin_at(phone, 0, 195, 500)
        if state == "reader":
            phone.locator(".leaflet-popup [data-mg-quote]").first.tap()
    settle(phone)
    assert small_targets(phone) == []


def test_pins_keep_their_spot_with_a_bigger_target(phone, browser, seed_build):
    where = f"""() => {{ const map = {MAP}, out = [];
        map.eachLayer(l => {{ if (!(l instanceof L.Marker) || !l.getPopup()) return;
            const p = map.latLngToContainerPoint(l.getLatLng()), el = l.getElement();
            const svg = el.querySelector('svg').getBoundingClientRect(), r = el.getBoundingClientRect(),
                c = map.getContainer().getBoundingClientRect();
            // Less the spread that labels.js gives pins sharing a spot (a translate).
            const [sx, sy] = (el.style.translate || "0px 0px").split(" ").map(parseFloat);
            out.push({{dx: Math.round(svg.left - c.left - p.x - (sx || 0)),
                dy: Math.round(svg.bottom - c.top - p.y - (sy || 0)), w: r.width, h: r.height}}); }});
        return out; }}"""
    on_phone = phone.evaluate(where)
    desk = open_on(browser, seed_build.html, DESK)
    on_desk = desk.page.evaluate(where)
    desk.close()
    assert [(p["dx"], p["dy"]) for p in on_phone] == [(p["dx"], p["dy"]) for p in on_desk]
    assert all(p["w"] >= 44 and p["h"] >= 44 for p in on_phone), on_phone


def test_a_narrow_map_in_a_wide_window_is_laid_out_as_a_phone(browser, seed_build):
    """A notebook cell: the window is wide, the map is not."""
    desk = open_on(browser, seed_build.html, DESK)
    page = desk.page
    phone_class = "() => document.documentElement.classList.contains('mg-phone')"
    assert not page.evaluate(phone_class)
    page.evaluate(
        "() => { const m = document.querySelector('.folium-map'); m.style.width = '480px'; }"
    )
    page.wait_for_function(phone_class)
    assert box(page, ".leaflet-control-layers-list") is None
    assert sheet(page)["state"] == "peek"
    page.evaluate("() => { document.querySelector('.folium-map').style.width = ''; }")
    page.wait_for_function(f"() => !({phone_class})()")
    assert box(page, ".leaflet-control-layers-list")["h"] > 100
    assert sheet(page)["state"] is None
    assert desk.errors == []
    desk.close()


def test_a_notebook_cell_is_laid_out_as_a_phone(browser, seed_build, tmp_path):
    """folium shows a map in a notebook as an iframe the cell's width: here 480 px in a
    1280 px window."""
    cell = tmp_path / "notebook.html"
    cell.write_text(
        f'<!DOCTYPE html><html lang="en"><body><p>A notebook</p><iframe title="map"'
        f' src="{seed_build.html.as_uri()}" width="480" height="640"></iframe></body></html>',
        encoding="utf-8",
    )
    page = browser.new_context(**DESK).new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(cell.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator(".leaflet-marker-icon").first.wait_for()
    inner = page.frames[1]
    inner.wait_for_function("() => document.documentElement.classList.contains('mg-phone')")
    assert not inner.evaluate(
        "() => document.querySelector('.leaflet-control-layers').classList"
        ".contains('leaflet-control-layers-expanded')"
    )
    assert (
        inner.evaluate("() => document.getElementById('mg-panel').getAttribute('data-mg-sheet')")
        == "peek"
    )
    page.context.close()


def test_one_of_title_legend_and_layers_opens_at_a_time_on_top(phone):
    js = """() => ({title: document.getElementById('mg-title').classList.contains('mg-title-open'),
        legend: document.getElementById('mg-legend').open,
        layers: document.querySelector('.leaflet-control-layers')
            .classList.contains('leaflet-control-layers-expanded')})"""

    def state() -> dict:
        # <details> tells of its toggle a moment later (a task): wait for things to settle.
        phone.wait_for_function("() => new Promise(r => setTimeout(() => r(true), 0))")
        settle(phone)
        return phone.evaluate(js)

    phone.locator("#mg-title-more").tap()
    assert state() == {"title": True, "legend": False, "layers": False}
    phone.locator("#mg-legend summary").tap()
    assert state() == {"title": False, "legend": True, "layers": False}
    phone.locator(".leaflet-control-layers-toggle").tap()
    assert state() == {"title": False, "legend": False, "layers": True}
    # The open layer list is on top of whatever it spreads over.
    hidden = phone.evaluate(
        """() => [...document.querySelectorAll('.leaflet-control-layers label')].filter(l => {
            const r = l.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return !l.contains(hit); }).length"""
    )
    assert hidden == 0
    phone.locator(".leaflet-control-layers-selector").first.focus()
    phone.keyboard.press("Escape")
    assert state()["layers"] is False
    phone.locator(".leaflet-control-layers-toggle").tap()
    phone.touchscreen.tap(195, 600)  # the map
    assert state()["layers"] is False
