"""The page in a real browser: Debian's Chromium, driven by Playwright, from file://.

Every request the page makes is recorded.  Tile requests are answered with a blank tile
(this machine has no network, and a reader offline has none either); any other request
off the page's own file is a failure.  In CI (``CI=true``) a missing browser fails the
tests instead of skipping them (the ``browser`` fixture is in conftest.py, shared with
tests/test_watch_browser.py: Playwright's sync API runs once per process).
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

import mapgen

from .conftest import PAYLOADS

ROOT = Path(__file__).resolve().parents[1]
TILE_HOSTS = ("tile.openstreetmap.org", "basemaps.cartocdn.com")
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@dataclass
class Visit:
    """A page opened from disk, with what it asked for and complained about."""

    page: object
    tiles: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)


MAP = "Object.values(window).find(v => v instanceof L.Map)"


def zoom_and_click(page, marker):
    """Zoom in on a marker as a reader would, click it, and return its open popup.

    At the first view some pins overlap (Pier 33 is 2 km from Vladivostok's centre); close
    up each stands alone.
    """
    marker.evaluate(
        f"""el => {{
            const map = {MAP};
            map.eachLayer(l => {{
                if (l.getElement && l.getElement() === el) map.setView(l.getLatLng(), 13, {{animate: false}});
            }});
        }}"""
    )
    marker.click()
    popup = page.locator(".leaflet-popup-content").last
    popup.wait_for(state="visible")
    page.wait_for_timeout(350)  # the auto-pan
    return popup


def open_popup(page, marker) -> str:
    """Open a marker's popup as a reader would, check it stands clear of the title, read it
    and close it again."""
    popup = zoom_and_click(page, marker)
    box, title = popup.bounding_box(), page.locator("#mg-title").bounding_box()
    clear = (
        box["y"] >= title["y"] + title["height"]
        or box["x"] >= title["x"] + title["width"]
        or box["x"] + box["width"] <= title["x"]
    )
    assert clear, "the popup opened under the title"
    shown = " ".join(popup.inner_text().split())
    page.locator(".leaflet-popup-close-button").last.click()
    popup.wait_for(state="detached")
    return shown


def open_page(browser, html: Path) -> Visit:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    visit = Visit(page)

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:")):
            return r.continue_()
        host = urlsplit(url).hostname or ""
        if host.endswith(TILE_HOSTS):
            visit.tiles.append(url)
            return r.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        visit.offsite.append(url)
        return r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and visit.errors.append(m.text))
    page.on("pageerror", lambda e: visit.errors.append(str(e)))
    page.on("dialog", lambda d: (visit.dialogs.append(d.message), d.dismiss()))
    page.goto(html.as_uri())
    page.wait_for_function("document.querySelectorAll('.leaflet-marker-icon').length > 0")
    page.wait_for_timeout(300)
    return visit


@pytest.fixture
def seed_visit(browser, seed_build) -> Iterator[Visit]:
    visit = open_page(browser, seed_build.html)
    yield visit
    visit.page.context.close()


def test_no_errors_and_no_request_off_the_page(seed_visit):
    assert seed_visit.errors == []
    assert seed_visit.offsite == []
    # The default background is the offline outlines: no tile server is asked
    # (tests/test_tiles.py: a story's own tiles).
    assert seed_visit.tiles == []


def test_as_many_markers_lines_and_areas_as_the_story(seed_visit, seed_build):
    story = seed_build.story.story
    page = seed_visit.page
    assert page.locator(".leaflet-marker-icon.mg-pin").count() == len(story.places)
    assert page.locator("path.mg-route").count() == len(story.routes)
    assert page.locator("path.mg-area").count() == len(story.areas)


def test_each_marker_opens_its_popup_with_verbatim_quotes(seed_visit, seed_build):
    geo = seed_build.story
    story = geo.story
    page = seed_visit.page
    quotes = mapgen.page.render.Quotes(story)
    pins = page.locator(".leaflet-marker-icon.mg-pin")
    seen = set()
    for i in range(pins.count()):
        shown = open_popup(page, pins.nth(i))
        place = next(p for p in story.places if shown.startswith(p.name))
        seen.add(place.id)
        for quote in place.quotes:
            verbatim = quotes.verbatim(quote)
            assert verbatim.words in shown
            assert verbatim.source_title in shown
    assert seen == {p.id for p in story.places}


def click_on_path(page, path) -> str:
    """Zoom to a line or an area as a reader would, click it where it is on top (no pin,
    box or other line over it there), and return the text of the popup that opens."""
    point = path.evaluate(
        f"""async el => {{
            const map = {MAP};
            map.eachLayer(l => {{
                if (l.getElement && l.getElement() === el) map.fitBounds(l.getBounds(), {{animate: false}});
            }});
            // Let the renderer redraw the paths at the new view before looking for one.
            for (let i = 0; i < 3; i++) await new Promise(done => requestAnimationFrame(done));
            const r = el.getBoundingClientRect();
            for (let k = 0; k < 4000; k++) {{  // points spread evenly over its box
                const x = r.left + r.width * ((k * 0.618034) % 1);
                const y = r.top + r.height * ((k * 0.754877) % 1);
                if (document.elementFromPoint(x, y) === el) return {{x, y}};
            }}
            return null;
        }}"""
    )
    assert point is not None, "nowhere to click it"
    page.mouse.click(point["x"], point["y"])
    popup = page.locator(".leaflet-popup-content").last
    popup.wait_for(state="visible", timeout=20_000)  # a bound for a hang, not a speed
    shown = " ".join(popup.inner_text().split())
    page.locator(".leaflet-popup-close-button").last.click()
    popup.wait_for(state="detached")
    return shown


def test_each_route_and_area_opens_its_popup_when_clicked(seed_visit, seed_build):
    story = seed_build.story.story
    quotes = mapgen.page.render.Quotes(story)
    page = seed_visit.page
    for css, features in [("path.mg-route", story.routes), ("path.mg-area", story.areas)]:
        paths = page.locator(css)
        assert paths.count() == len(features)
        seen = []
        for i in range(paths.count()):
            shown = click_on_path(page, paths.nth(i))
            feature = next(f for f in features if shown.startswith(f.name + " "))
            seen.append(feature.id)
            for quote in feature.quotes:
                verbatim = quotes.verbatim(quote)
                assert verbatim.words in shown and verbatim.source_title in shown
        assert sorted(seen) == sorted(f.id for f in features)
    assert seed_visit.errors == []


def test_layer_control_hides_and_shows_a_kind(seed_visit):
    page = seed_visit.page
    capitals = page.locator(".leaflet-marker-icon.mg-capital")
    before = capitals.count()
    assert before > 0
    box = page.locator(".leaflet-control-layers-overlays label", has_text="Capital city")
    box.locator("input").uncheck()
    assert capitals.count() == 0
    box.locator("input").check()
    assert capitals.count() == before


def test_legend_and_title_are_visible(seed_visit):
    page = seed_visit.page
    assert page.locator("#mg-legend").is_visible()
    assert page.locator("#mg-title").is_visible()
    assert "Military site" in page.locator("#mg-legend").inner_text()
    # Opaque, so that no pin shows through the title, the legend or the panel.
    backgrounds = page.eval_on_selector_all(
        ".mg-box", "boxes => boxes.map(b => getComputedStyle(b).backgroundColor)"
    )
    assert len(backgrounds) >= 3 and set(backgrounds) == {"rgb(255, 255, 255)"}, backgrounds


def test_hostile_story_shows_payloads_as_text_and_runs_nothing(browser, hostile_story, tmp_path):
    result = mapgen.build(hostile_story, tmp_path / "out")
    visit = open_page(browser, result.html)
    page = visit.page
    try:
        assert page.evaluate("window.__pwned") is None
        assert visit.dialogs == [] and visit.errors == [] and visit.offsite == []
        assert page.locator("img[src=x]").count() == 0
        pins = page.locator(".leaflet-marker-icon.mg-pin")
        assert pins.count() == len(PAYLOADS)
        shown = [open_popup(page, pins.nth(i)) for i in range(pins.count())]
        for payload in PAYLOADS:  # each is a place's name: its popup starts with it
            assert any(text.startswith(" ".join(payload.split())) for text in shown), payload
        assert page.evaluate("window.__pwned") is None
        assert "</title><script>" in page.locator("#mg-title").inner_text()
    finally:
        page.context.close()


# --------------------------------------------------------------------------- screenshots

Colour = tuple[int, int, int]


@dataclass
class Shot:
    """A screenshot's pixels (RGBA, row by row), to check what it shows."""

    width: int
    height: int
    rgba: bytes = field(repr=False)

    def rgb(self, x: int, y: int) -> Colour:
        i = 4 * (y * self.width + x)
        return self.rgba[i], self.rgba[i + 1], self.rgba[i + 2]

    def share(self, points: list[list[int]], colours: list[Colour], tolerance: int = 40) -> float:
        """The share of ``points`` whose pixel is one of ``colours`` (each channel within
        ``tolerance``: edges are smoothed, lines a little transparent)."""
        near = sum(
            any(
                max(abs(a - b) for a, b in zip(self.rgb(x, y), c, strict=True)) <= tolerance
                for c in colours
            )
            for x, y in points
        )
        return near / len(points)


DECODE_PNG = """async data => {
    const bytes = Uint8Array.from(atob(data), c => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], {type: "image/png"}),
        {colorSpaceConversion: "none", premultiplyAlpha: "none"});
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const g = canvas.getContext("2d");
    g.drawImage(bitmap, 0, 0);
    const px = g.getImageData(0, 0, bitmap.width, bitmap.height).data;
    let s = "";
    for (let i = 0; i < px.length; i += 0x8000)
        s += String.fromCharCode.apply(null, px.subarray(i, i + 0x8000));
    return [bitmap.width, bitmap.height, btoa(s)];
}"""


def read_png(page, png: Path) -> Shot:
    """The pixels of the PNG file ``png``, decoded by Chromium itself (in a blank page of
    ``page``'s context): the screenshot as written, with no imaging library."""
    decoder = page.context.new_page()
    try:
        width, height, data = decoder.evaluate(
            DECODE_PNG, base64.b64encode(png.read_bytes()).decode()
        )
    finally:
        decoder.close()
    return Shot(width, height, base64.b64decode(data))


ON_TOP = r"""css => [...document.querySelectorAll(css)].map(el => {
    const shape = el.matches("path") ? el : el.querySelector("path");
    const r = el.getBoundingClientRect(), points = [];
    for (let y = Math.max(0, Math.floor(r.top)); y < Math.min(r.bottom, innerHeight); y++)
        for (let x = Math.max(0, Math.floor(r.left)); x < Math.min(r.right, innerWidth); x++)
            if (document.elementFromPoint(x + 0.5, y + 0.5) === shape) points.push([x, y]);
    const style = getComputedStyle(shape);
    const colours = [style.fill, style.stroke].filter(c => c.startsWith("rgb"))
        .map(c => c.match(/\d+/g).slice(0, 3).map(Number));
    return {name: el.getAttribute("class"), points, colours};
})"""


def on_top(page, css: str) -> list[dict]:
    """For each pin (its body) or line matching ``css``: the pixels where nothing covers it
    in the page, and its colours (fill, stroke)."""
    return page.evaluate(ON_TOP, css)


def box_pixels(page, css: str) -> list[list[int]]:
    box = page.locator(css).bounding_box()
    x0, y0 = int(box["x"]) + 1, int(box["y"]) + 1
    return [
        [x, y]
        for y in range(y0, int(box["y"] + box["height"]) - 1)
        for x in range(x0, int(box["x"] + box["width"]) - 1)
    ]


WHITE, INK = (255, 255, 255), (27, 38, 49)


def test_screenshot_shows_the_pins_lines_title_and_legend(seed_visit, tmp_path):
    """The screenshot shows each pin and line in its colour wherever the page has it on top,
    and the title and the legend as opaque white boxes with text on them."""
    page = seed_visit.page
    page.screenshot(path=str(tmp_path / "map.png"))
    shot = read_png(page, tmp_path / "map.png")
    assert (shot.width, shot.height) == (1280, 800)
    shown = []
    for css in (".leaflet-marker-icon.mg-pin", "path.mg-route"):
        for feature in on_top(page, css):
            if len(feature["points"]) >= 20:  # not hidden under another pin
                share = shot.share(feature["points"], feature["colours"])
                assert share >= 0.6, (feature["name"], share)
                shown.append(feature["name"])
    assert len(shown) >= 4, shown
    assert any("mg-route" in name for name in shown), shown
    for box in ("#mg-title", "#mg-legend"):
        pixels = box_pixels(page, box)
        assert shot.share(pixels, [WHITE], tolerance=4) >= 0.6, box
        assert shot.share(pixels, [INK], tolerance=90) >= 0.01, box  # text
