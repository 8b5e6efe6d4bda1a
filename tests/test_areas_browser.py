"""Issue 20's test: a story with Hungary, the Lipetsk region and a polygon from a GeoJSON
file builds and shows all three in Chromium, on a desk (1280x800) and a phone (390x844,
touch): each is drawn in view, and a click (a tap) on it opens its popup with its quote.
The place known only to its region shows its dashed outline round a marked centre, never
a pin.  Screenshots of both are kept in the test's folder."""

from __future__ import annotations

import pytest

import mapgen

from .areastory import QUOTES, write_story
from .devices import DEVICES, open_on, settle, small_targets

AREAS = ("hungary", "lipetsk", "south")

#: A point well inside each area (lat, lon): where a reader would click.
INSIDE = {"hungary": (47.1, 19.5), "lipetsk": (52.6, 39.3), "south": (46.9, 34.6)}

SHAPE = """id => {
    const layers = window.mapgenStory.layers(id);
    const el = layers[0].getElement();
    const r = el.getBoundingClientRect();
    return {w: r.width, h: r.height, left: r.left, top: r.top, right: r.right,
            bottom: r.bottom, d: (el.getAttribute('d') || '').length,
            label: el.getAttribute('aria-label'), cls: el.getAttribute('class')};
}"""

#: Centre the map on a point, zoomed in to 6 at least (as a reader pans and zooms to a
#: small area: a phone's first view shows the region-wide place's 44 px target over part
#: of the polygon), and say where it is on screen and what element is there.
AIM = """([lat, lon]) => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    map.setView([lat, lon], Math.max(map.getZoom(), 6), {animate: false});
    const p = map.latLngToContainerPoint([lat, lon]);
    const box = map.getContainer().getBoundingClientRect();
    const x = box.left + p.x, y = box.top + p.y;
    const el = document.elementFromPoint(x, y);
    return {x, y, cls: el ? el.getAttribute('class') : null};
}"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return mapgen.build(write_story(tmp_path_factory.mktemp("areas") / "story"))


@pytest.mark.parametrize("device", ["desk", "phone"])
def test_the_three_areas_show_and_each_opens_its_popup(browser, built, device, tmp_path):
    opened = open_on(browser, built.html, DEVICES[device])
    page = opened.page
    settle(page)
    page.screenshot(path=str(tmp_path / f"areas-{device}.png"))
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    for area_id in AREAS:
        shape = page.evaluate(SHAPE, area_id)
        # Drawn, in the first view: a real outline (not Leaflet's empty "M0 0"), on screen.
        assert shape["d"] > 20 and shape["w"] > 8 and shape["h"] > 8, (area_id, shape)
        assert shape["right"] > 0 and shape["left"] < width, (area_id, shape)
        assert shape["bottom"] > 0 and shape["top"] < height, (area_id, shape)
        assert "mg-area" in shape["cls"]
    labels = {a: page.evaluate(SHAPE, a)["label"] for a in AREAS}
    assert labels == {
        "hungary": "Hungary (country, reported)",
        "lipetsk": "Lipetsk region (region, expected)",
        "south": "The occupied south (area, confirmed)",
    }
    for area_id in AREAS:
        aim = page.evaluate(AIM, list(INSIDE[area_id]))
        assert "mg-area" in (aim["cls"] or ""), (area_id, aim)  # nothing covers it
        if device == "phone":
            page.touchscreen.tap(aim["x"], aim["y"])
        else:
            page.mouse.click(aim["x"], aim["y"])
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert QUOTES[area_id] in popup.inner_text().replace("\n", " "), area_id
        close = page.locator(".leaflet-popup-close-button")
        close.tap() if device == "phone" else close.click()
        page.locator(".leaflet-popup").wait_for(state="detached")
    if device == "phone":
        assert small_targets(page) == []
    assert opened.errors == [] and opened.offsite == []
    opened.close()


@pytest.mark.parametrize("device", ["desk", "phone"])
def test_a_region_wide_place_is_a_marked_centre_in_its_outline(browser, built, device):
    opened = open_on(browser, built.html, DEVICES[device])
    page = opened.page
    mark = page.locator(".mg-region-mark")
    assert mark.count() == 1 and page.locator(".leaflet-marker-icon.mg-pin").count() == 1
    assert mark.get_attribute("aria-label") == "Zaporizhzhia region (place, reported)"
    outline = page.locator("path.mg-region-outline")
    assert outline.count() == 1 and outline.get_attribute("stroke-dasharray")
    assert outline.get_attribute("aria-hidden") == "true"  # the centre is its one target
    ring = outline.bounding_box()
    centre = mark.bounding_box()
    middle = (centre["x"] + centre["width"] / 2, centre["y"] + centre["height"] / 2)
    assert ring["x"] < middle[0] < ring["x"] + ring["width"]
    assert ring["y"] < middle[1] < ring["y"] + ring["height"]
    if device == "phone":
        assert centre["width"] >= 44 and centre["height"] >= 44
        mark.tap()
    else:
        mark.click()
    popup = page.locator(".leaflet-popup-content")
    popup.wait_for()
    text = popup.inner_text()
    assert QUOTES["zaporizhzhia"] in text.replace("\n", " ")
    assert "region" in text.lower()
    assert opened.errors == [] and opened.offsite == []
    opened.close()
