"""The page for every reader: axe-core (pinned, fetched like the page's assets, see
tests/axe.py) finds no serious or critical violation on a desk or a phone, as the page
opens, with a popup open and with the reader open; every pin, route and country is
reached by the keyboard and named for a screen reader; the focus shows; ``lang`` is set;
reduced motion moves the map at once (docs/page.md, "Accessibility")."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

import mapgen

from . import axe
from .conftest import copy_seed_story
from .devices import DEVICES, MAP, PHONE, open_on, settle


@pytest.fixture(scope="session")
def axe_js(asset_cache) -> str:
    """axe-core's code, fetched once into the session's asset cache (npm, else the CDN)."""
    from mapgen.page.assets import AssetsUnavailable

    try:
        return axe.axe_source()
    except AssetsUnavailable as exc:
        if os.environ.get("CI", "").lower() == "true":  # CI installs npm: must not skip
            pytest.fail(f"axe-core unavailable: {exc}")
        pytest.skip(f"axe-core unavailable here: {exc}")


@pytest.fixture(scope="module")
def data_layer_build(tmp_path_factory):
    """The shipped story drawn as one data layer (as a story past 1,000 places is)."""
    story = copy_seed_story(tmp_path_factory.mktemp("data-layer") / "story")
    text = (story / "places.yaml").read_text(encoding="utf-8")
    (story / "places.yaml").write_text("data_layer: always\n" + text, encoding="utf-8")
    return mapgen.build(story)


def open_a_popup(page) -> None:
    """Tap or click the first pin (the map centred on it), as a reader would."""
    page.evaluate(
        f"""() => {{ const map = {MAP}; let pin = null;
            map.eachLayer(l => {{ if (!pin && l instanceof L.Marker && l.getPopup()) pin = l; }});
            if (pin) {{ map.setView(pin.getLatLng(), 6, {{animate: false}}); pin.openPopup(); }}
            else window.mapgenStores[0].open(0); }}"""
    )
    page.locator(".leaflet-popup").wait_for(state="visible")
    settle(page)


def open_the_reader(page) -> None:
    """The first quote of the open popup, as a reader taps it."""
    quote = page.locator(".leaflet-popup [data-mg-quote]").first
    quote.click()
    page.locator("#mg-tab-reader").wait_for(state="visible")
    settle(page)


@pytest.mark.parametrize("device", ["desk", "phone"])
@pytest.mark.parametrize("layer", ["markers", "data layer"])
def test_axe_finds_no_serious_or_critical_violation(
    browser, axe_js, seed_build, data_layer_build, device, layer
):
    html = (seed_build if layer == "markers" else data_layer_build).html
    opened = open_on(browser, html, DEVICES[device])
    page = opened.page
    found = {}
    found["as it opens"] = axe.failing(axe.violations(page, axe_js))
    open_a_popup(page)
    found["with a popup open"] = axe.failing(axe.violations(page, axe_js))
    open_the_reader(page)
    found["with the reader open"] = axe.failing(axe.violations(page, axe_js))
    assert opened.errors == []
    opened.close()
    problems = {state: [str(v) for v in bad] for state, bad in found.items() if bad}
    assert problems == {}


def test_axe_does_find_what_it_should(browser, axe_js, seed_build):
    """The check itself works: a pin stripped of its name is reported."""
    opened = open_on(browser, seed_build.html, DEVICES["desk"])
    opened.page.evaluate(
        "() => document.querySelector('.mg-pin[role=button]').removeAttribute('aria-label')"
    )
    rules = {v.rule for v in axe.failing(axe.violations(opened.page, axe_js))}
    opened.close()
    assert "aria-command-name" in rules


@pytest.fixture
def desk(browser, seed_build) -> Iterator[object]:
    opened = open_on(browser, seed_build.html, DEVICES["desk"])
    yield opened.page
    opened.close()


FOCUSED = """() => { const el = document.activeElement, s = getComputedStyle(el);
    return {what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + '.' + (el.getAttribute('class') || ''),
        label: el.getAttribute('aria-label'), role: el.getAttribute('role'),
        pin: el.classList.contains('mg-pin'), path: el.tagName.toLowerCase() === 'path',
        outline: s.outlineStyle !== 'none' ? parseFloat(s.outlineWidth) : 0,
        stroke: el.tagName.toLowerCase() === 'path' ? parseFloat(s.strokeWidth) : 0}; }"""


def tab_through(page, limit: int = 120) -> list[dict]:
    """Every element the Tab key reaches, in order, once round the page."""
    seen = []
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        here = page.evaluate(FOCUSED)
        if seen and here == seen[0]:
            break
        seen.append(here)
    return seen


def test_every_pin_route_and_country_is_reached_by_tab_and_named(desk, seed_build):
    story = mapgen.load(seed_build.html.parent.parent)
    reached = tab_through(desk)
    pins = sorted(r["label"] for r in reached if r["pin"])
    paths = sorted(r["label"] for r in reached if r["path"])
    assert pins == sorted(f"{p.name} (place, {p.status})" for p in story.places)
    expected = [f"{r.name} (route, {r.status})" for r in story.routes]
    expected += [f"{a.name} (country, {a.status})" for a in story.areas]
    assert paths == sorted(expected)
    assert all(r["role"] == "button" for r in reached if r["pin"] or r["path"])


def test_the_focus_shows_on_pins_lines_and_buttons(desk):
    reached = tab_through(desk)
    pin = next(r for r in reached if r["pin"])
    assert pin["outline"] >= 2
    path = next(r for r in reached if r["path"])
    assert path["stroke"] >= 5
    buttons = [r for r in reached if not r["pin"] and not r["path"] and r["what"] != "body."]
    assert buttons and [r["what"] for r in buttons if r["outline"] < 2] == []


def test_enter_on_a_route_opens_its_popup(desk, seed_build):
    story = mapgen.load(seed_build.html.parent.parent)
    route = story.routes[0]
    desk.locator(f'path[aria-label^="{route.name} (route"]').focus()
    desk.keyboard.press("Enter")
    popup = desk.locator(".leaflet-popup-content")
    popup.wait_for(state="visible")
    assert route.name in popup.inner_text()


def test_the_page_has_a_language(seed_build):
    assert '<html lang="en">' in seed_build.html.read_text(encoding="utf-8")


@pytest.mark.parametrize("motion", ["reduce", "no-preference"])
def test_reduced_motion_moves_the_map_at_once(browser, seed_build, motion):
    opened = open_on(browser, seed_build.html, PHONE, reduced_motion=motion)
    page = opened.page
    moved = page.evaluate(
        f"""() => {{ const map = {MAP}, d = mapgenStory.data;
            const id = Object.keys(d.features).find(k => d.features[k].kind === 'place');
            map.setView([0, 0], 4, {{animate: false}});
            mapgenStory.focus(id);
            const at = map.getCenter(), to = d.features[id].at;
            const pan = map.panBy([120, 80]);
            return {{flown: Math.abs(at.lat - to[0]) < 1e-6 && Math.abs(at.lng - to[1]) < 1e-6,
                panning: !!(map._panAnim && map._panAnim._inProgress)}}; }}"""
    )
    sheet = page.evaluate(
        "() => getComputedStyle(document.getElementById('mg-panel')).transitionDuration"
    )
    opened.close()
    if motion == "reduce":
        assert moved == {"flown": True, "panning": False}
        assert sheet in ("0s", "")
    else:  # the check sees motion where motion is allowed
        assert moved["panning"] or not moved["flown"]
        assert sheet not in ("0s", "")
