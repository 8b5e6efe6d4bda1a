"""Big stories from the keyboard: the data layer's pins and clusters in view are tab stops,
named by their place, that Enter opens (or zooms into) as a click does (in Chromium)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

import mapgen

from .conftest import PAYLOADS
from .test_datalayer import MAP, STORE, big_story, build, open_map  # noqa: F401 (a fixture)

ACTIVE = """() => {
    const a = document.activeElement, box = a && a.closest('.mg-data-keys');
    return {
        key: !!box && a.classList.contains('mg-key'),
        name: a && a.getAttribute('aria-label'),
        inPopup: !!(a && a.closest('.leaflet-popup')),
        quote: a && a.getAttribute('data-mg-quote'),
        close: !!(a && a.classList.contains('leaflet-popup-close-button')),
    };
}"""


@pytest.fixture(scope="module")
def data_html(page_assets, big_story, tmp_path_factory) -> Path:  # noqa: F811
    return build(big_story, tmp_path_factory.mktemp("keys") / "data", 10).html


@pytest.fixture
def page(browser, data_html):
    page, errors = open_map(browser, data_html, "window.mapgenDrawn > 0")
    yield page
    assert errors == []
    assert page.evaluate("window.__pwned") is None
    page.context.close()


def view(page, center, zoom: int) -> None:
    """Set the view at once and draw it (the drawing otherwise waits for a frame)."""
    page.evaluate(
        f"""([c, z]) => {{
            {MAP}.closePopup();
            {MAP}.setView(c, z, {{animate: false}});
            {STORE}._draw();
        }}""",
        [center, zoom],
    )


def at_place(page, place_id: str, zoom: int = 16) -> int:
    i = page.evaluate(f"{STORE}.find({place_id!r})")
    assert i >= 0
    row = page.evaluate(f"{STORE}.d.places[{i}]")
    view(page, [row[0], row[1]], zoom)
    return i


def into_map(page) -> None:
    """The keyboard's focus on the map itself, where Tab goes next to its pins."""
    page.evaluate(f"{MAP}.getContainer().focus()")


def tab_to(page, name: str, limit: int = 60) -> dict:
    """Press Tab from the map until the focus is on the pin or cluster named ``name``."""
    into_map(page)
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if active["key"] and active["name"] == name:
            return active
    raise AssertionError(f"Tab never reached {name!r}")


def keys(page) -> list[dict]:
    return page.evaluate(f"{STORE}.keys()")


def popup_html(page) -> str:
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    return popup.inner_html()


# --------------------------------------------------------------------------- tab stops


def test_tab_reaches_the_places_in_view_in_reading_order(page):
    view(page, [44, 24], 6)
    reached = keys(page)
    story = page.evaluate(f"{STORE}.d.places.map(r => r[3])")
    # The pins (and any cluster) in view, not every place: those drawn out of view (the
    # canvas reaches past the view) are no tab stops.
    in_view = page.evaluate(
        f"""() => {{
            const map = {MAP}, store = {STORE}, size = map.getSize(), out = [];
            store.d.places.forEach((r, i) => {{
                const p = map.latLngToContainerPoint([r[0], r[1]]);
                if (p.x > 15 && p.y > 45 && p.x < size.x - 15 && p.y < size.y) out.push(i);
            }});
            return out;
        }}"""
    )
    pins = [k["i"] for k in reached if k["i"] >= 0]
    clustered = sum(k["n"] for k in reached if k["i"] < 0)
    assert 10 < len(pins) < len(story) and len(set(in_view) - set(pins)) <= clustered
    drawn_out_of_view = set(page.evaluate(f"{STORE}.drawnPins()")) - set(pins)
    assert drawn_out_of_view, "the canvas draws past the view: those pins are not tab stops"
    for k in reached:
        if k["i"] >= 0:
            assert k["name"] == story[k["i"]]
        else:
            assert k["name"] == f"Cluster of {k['n']} places"
    assert page.evaluate(
        "document.querySelectorAll('.mg-data-keys button:not([hidden])').length"
    ) == len(reached)

    # Tab goes through them in that order, top to bottom, with a ring drawn at the pin.
    into_map(page)
    ys = []
    for k in reached[:8]:
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        assert active["key"] and active["name"] == k["name"]
        box = page.evaluate(
            """() => { const r = document.activeElement.getBoundingClientRect();
                return {x: r.x, y: r.y, w: r.width, h: r.height,
                        ring: getComputedStyle(document.activeElement).boxShadow}; }"""
        )
        assert box["ring"] != "none" and box["w"] >= 10 and box["h"] >= 10
        if k["i"] >= 0:
            at = page.evaluate(
                f"(() => {{ const r = {STORE}.d.places[{k['i']}];"
                f" const p = {MAP}.latLngToContainerPoint([r[0], r[1]]); return [p.x, p.y]; }})()"
            )
            assert box["x"] <= at[0] <= box["x"] + box["w"]  # over the pin, its tip below
            assert box["y"] <= at[1] <= box["y"] + box["h"] + 1
        ys.append(box["y"] + box["h"] / 2)
    assert all(b > a - 40 for a, b in itertools.pairwise(ys)), ys
    # The name shows beside the focused pin, as under the mouse.
    tip = page.locator(".mg-key-tip")
    tip.wait_for(state="visible")
    assert tip.inner_text().split() == reached[7]["name"].split()


def test_names_from_the_story_are_text_not_html(page):
    for n, payload in enumerate(PAYLOADS[:3]):
        at_place(page, f"d{n}")
        reached = keys(page)
        assert [k["name"] for k in reached] == [payload]
        assert page.evaluate(
            "[...document.querySelectorAll('.mg-data-keys button')].every(b => !b.firstChild)"
        )


# --------------------------------------------------------------------------- Enter, Escape


def test_enter_opens_the_popup_a_click_opens_and_escape_gives_the_focus_back(page):
    at_place(page, "pass")
    # The popup a click opens.
    box = page.evaluate(
        f"(() => {{ const i = {STORE}.find('pass'), r = {STORE}.d.places[i];"
        f" const p = {MAP}.latLngToContainerPoint([r[0], r[1]]); return [p.x, p.y]; }})()"
    )
    page.mouse.click(box[0], box[1] - 20)
    clicked = popup_html(page)
    page.evaluate(f"{MAP}.closePopup()")
    page.locator(".leaflet-popup").wait_for(state="detached")

    tab_to(page, "The pass")
    page.keyboard.press("Enter")
    assert popup_html(page) == clicked
    assert page.evaluate(ACTIVE)["inPopup"], "the popup has the focus"
    assert page.locator(".leaflet-popup").get_attribute("aria-label") == "The pass"
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached")
    active = page.evaluate(ACTIVE)
    assert active["key"] and active["name"] == "The pass"

    # Space as Enter; Escape on the pin itself closes it too.
    page.keyboard.press("Space")
    assert popup_html(page) == clicked
    page.evaluate(
        f"{MAP}.getContainer().querySelector('.mg-data-keys button:not([hidden])').focus()"
    )
    page.keyboard.press("Escape")
    page.locator(".leaflet-popup").wait_for(state="detached")
    assert page.evaluate(ACTIVE)["name"] == "The pass"


def test_the_popups_close_button_and_quotes_from_the_keyboard(page):
    at_place(page, "pass")
    tab_to(page, "The pass")
    page.keyboard.press("Enter")
    popup_html(page)
    # Tab goes through the popup's quotes, then its close button, which gives the pin back.
    seen = []
    for _ in range(6):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        seen.append(active)
        if active["close"]:
            break
    assert [a["quote"] for a in seen if a["quote"] is not None] == ["0", "1"]
    assert seen[-1]["close"] and all(a["inPopup"] for a in seen)
    page.keyboard.press("Enter")
    page.locator(".leaflet-popup").wait_for(state="detached")
    active = page.evaluate(ACTIVE)
    assert active["key"] and active["name"] == "The pass"

    # A quote opens the reader at its passage, as a click on it does.
    page.keyboard.press("Enter")
    popup_html(page)
    page.keyboard.press("Tab")
    assert page.evaluate(ACTIVE)["quote"] == "0"
    page.keyboard.press("Enter")
    current = page.locator("#mg-reader-text mark.mg-current")
    current.wait_for(state="visible")
    assert page.locator("#mg-reader-for").inner_text() == "Evidence for: The pass"
    assert current.inner_text().startswith("Officials said the convoy")


def test_enter_on_a_cluster_zooms_in_to_its_places(page):
    view(page, [44, 24], 4)
    reached = keys(page)
    clusters = [k for k in reached if k["i"] < 0]
    assert clusters
    biggest = max(clusters, key=lambda k: k["n"])
    zoom = page.evaluate(f"{MAP}.getZoom()")
    tab_to(page, biggest["name"])
    bounds = page.evaluate("document.activeElement._mgItem.b")
    page.keyboard.press("Enter")
    page.wait_for_function(f"{MAP}.getZoom() > {zoom}")
    # Drawn again at the new zoom, the focus is on the first of the cluster's places.
    page.wait_for_function(
        f"""() => {{
            const a = document.activeElement;
            return a.classList.contains('mg-key') && a.getAttribute('aria-label') !== {biggest["name"]!r}
                && {STORE}.draws > 1 && {MAP}.getZoom() > {zoom};
        }}"""
    )
    inside = page.evaluate(
        f"""b => {{
            const s = {STORE}, out = [];
            for (const button of document.querySelectorAll('.mg-data-keys button:not([hidden])')) {{
                const it = button._mgItem;
                out.push(it.i >= 0
                    ? s.x[it.i] >= b[0] && s.x[it.i] <= b[2] && s.y[it.i] >= b[1] && s.y[it.i] <= b[3]
                    : it.b[0] <= b[2] && it.b[2] >= b[0] && it.b[1] <= b[3] && it.b[3] >= b[1]);
            }}
            const buttons = [...document.querySelectorAll('.mg-data-keys button:not([hidden])')];
            return {{inside: out, focused: buttons.indexOf(document.activeElement)}};
        }}""",
        bounds,
    )
    # The first tab stop (in reading order) that was in the cluster.
    assert inside["focused"] == inside["inside"].index(True)


# --------------------------------------------------------------------------- following the view


def test_after_a_pan_the_tab_stops_are_the_places_now_in_view(page):
    view(page, [42, 21], 7)
    before = {k["i"] for k in keys(page)}
    view(page, [50, 31], 7)
    after = {k["i"] for k in keys(page)}
    assert before and after and not before & after
    in_view = page.evaluate(
        f"""() => {{
            const map = {MAP}, size = map.getSize();
            return {STORE}.keys().every(k => {{
                const r = {STORE}.d.places[k.i], p = map.latLngToContainerPoint([r[0], r[1]]);
                return p.x >= -20 && p.y >= -20 && p.x <= size.x + 20 && p.y <= size.y + 60;
            }});
        }}"""
    )
    assert in_view

    # A focused pin keeps the focus when the map moves under it.
    first = keys(page)[0]
    tab_to(page, first["name"])
    page.evaluate(f"{MAP}.panBy([40, 30], {{animate: false}})")
    page.wait_for_timeout(100)
    active = page.evaluate(ACTIVE)
    assert active["key"] and active["name"] == first["name"]


def test_arrow_keys_pan_and_plus_minus_zoom_from_a_pin(page):
    view(page, [44, 24], 7)
    first = keys(page)[len(keys(page)) // 2]
    tab_to(page, first["name"])
    before = page.evaluate(f"(() => {{ const c = {MAP}.getCenter(); return [c.lat, c.lng]; }})()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"{MAP}.getCenter().lng > {before[1]} + 0.01")
    page.keyboard.press("ArrowDown")
    page.wait_for_function(f"{MAP}.getCenter().lat < {before[0]} - 0.01")
    page.wait_for_timeout(400)  # the pan's animation, then the draw
    active = page.evaluate(ACTIVE)
    assert active["key"] and active["name"] == first["name"]  # still on its pin
    zoom = page.evaluate(f"{MAP}.getZoom()")
    page.keyboard.press("-")
    page.wait_for_function(f"{MAP}.getZoom() === {zoom - 1}")
    page.wait_for_timeout(400)
    page.keyboard.press("=")
    page.wait_for_function(f"{MAP}.getZoom() === {zoom}")
    # Other keys are left alone: Tab still moves on, and no text key pans.
    center = page.evaluate(f"(() => {{ const c = {MAP}.getCenter(); return [c.lat, c.lng]; }})()")
    page.keyboard.press("a")
    page.wait_for_timeout(200)
    assert (
        page.evaluate(f"(() => {{ const c = {MAP}.getCenter(); return [c.lat, c.lng]; }})()")
        == center
    )


def test_layers_and_the_time_control_change_the_tab_stops(page):
    view(page, [44, 24], 6)
    ports = page.evaluate(
        f"{STORE}.d.places.map((r, i) => i).filter(i => {STORE}.d.kinds[{STORE}.kind[i]] === 'port')"
    )
    assert {k["i"] for k in keys(page)} & set(ports)
    box = page.locator(".leaflet-control-layers-overlays label", has_text="Port")
    box.locator("input").uncheck()
    page.wait_for_function(f"{STORE}.keys().every(k => !{ports}.includes(k.i))")
    box.locator("input").check()
    page.wait_for_function(f"{STORE}.keys().some(k => {ports}.includes(k.i))")

    page.evaluate("mapgenTimeline.setDate('2023-07-15')")
    page.wait_for_function(f"{STORE}.keys().length <= 2")
    names = {k["name"] for k in keys(page)}
    assert names <= {"The pass", "Depot 3 (disputed)"} and names
    page.evaluate("mapgenTimeline.setDate('2023-09-30')")


# --------------------------------------------------------------------------- bounded


def test_a_crowded_view_is_a_bounded_number_of_tab_stops(browser, page_assets, tmp_path):
    """1,225 places in one street, seen close (nothing clustered): the 500 nearest the
    centre are tab stops, and the group says so."""
    root = tmp_path / "crowd"
    (root / "seeds").mkdir(parents=True)
    (root / "seeds" / "a.txt").write_text("A strike was reported.\n", encoding="utf-8")
    lines = ["name,kind,lat,lon,quote"]
    for r in range(35):
        for c in range(35):
            lines.append(
                f"Point {r}-{c},site,{50 + r * 0.0003:.4f},{30 + c * 0.0003:.4f},"
                "A strike was reported."
            )
    (root / "crowd.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "places.yaml").write_text(
        "title: Crowd\nsources: [{id: a, file: seeds/a.txt, title: A}]\n"
        "include: [{file: crowd.csv, source: a}]\n",
        encoding="utf-8",
    )
    html = mapgen.build(root, tmp_path / "out").html
    page, errors = open_map(browser, html, "window.mapgenDrawn > 0")
    try:
        view(page, [50.0051, 30.0051], 15)
        drawn = page.evaluate(f"{STORE}.drawnPins().length")
        reached = keys(page)
        assert drawn == 1225 and len(reached) == 500
        assert page.evaluate("document.querySelectorAll('.mg-data-keys button').length") == 500
        label = page.locator(".mg-data-keys").get_attribute("aria-label")
        assert "500 nearest the centre of 1,225" in label
        # The nearest the centre: the middle of the grid is in, its corners are not.
        names = {k["name"] for k in reached}
        assert "Point 17-17" in names and "Point 0-0" not in names
        assert errors == []
    finally:
        page.context.close()
