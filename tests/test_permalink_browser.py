"""Permalinks, "copy link", the embed and fullscreen in a real browser (Chromium, file://).

A reader opens ``map.html#pier-33`` and sees Pier 33's popup; copies a quote's link and a
fresh page opened at it shows the reader at that passage; the back button walks back
through what was opened; the embed snippet (``embed.html``) framed 400 and 900 px wide
shows the map without scrollbars; the fullscreen button toggles full screen.  Uses
tests/devices.py's ``open_on`` (tiles answered locally, nothing else leaves the page).
"""

from __future__ import annotations

from pathlib import Path

import pytest

import mapgen

from . import test_datalayer as big
from .conftest import PAYLOADS
from .devices import BLANK_PNG, DESK, MAP, PHONE, open_on, settle
from .test_datalayer import big_story, data_block, place_ids  # noqa: F401  (a fixture)


@pytest.fixture(scope="module")
def built(seed_build):
    return seed_build


def fresh(browser, url: str, device: dict = DESK, **context: object):
    """A new page opened at ``url`` (a page's address with a fragment), tiles answered by a
    blank tile, nothing else leaving it, its errors kept in ``page.mg_errors``."""
    page = browser.new_context(**device, **context).new_page()
    errors: list[str] = []

    def route(r):
        if r.request.url.startswith(("file:", "data:", "blob:")):
            return r.continue_()
        if "tile" in r.request.url or "basemaps" in r.request.url:
            return r.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        errors.append(r.request.url)
        return r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url)
    page.wait_for_function(
        "document.querySelector('.leaflet-marker-icon') || window.mapgenDrawn > 0"
    )
    page.mg_errors = errors
    return page


def popup_id(page) -> str | None:
    return page.evaluate(
        "() => { const p = document.querySelector('.leaflet-popup .mg-popup');"
        " return p ? p.getAttribute('data-mg-id') : null; }"
    )


def wait_popup(page, feature: str) -> None:
    page.wait_for_function(
        "id => { const p = document.querySelector('.leaflet-popup .mg-popup');"
        " return p && p.getAttribute('data-mg-id') === id; }",
        arg=feature,
    )


def reader(page) -> dict:
    return page.evaluate(
        """() => ({current: window.mapgenReader.current(),
                  shown: !document.getElementById('mg-tab-reader').hidden,
                  pos: document.getElementById('mg-reader-pos').textContent,
                  mark: (document.querySelector('#mg-reader-text mark.mg-current') || {}).textContent})"""
    )


def test_opening_the_address_of_a_pin_shows_its_popup(browser, built):
    page = fresh(browser, built.html.as_uri() + "#pier-33")
    wait_popup(page, "pier-33")
    assert "Pier 33" in page.locator(".leaflet-popup").inner_text()
    # each popup has its "copy link" button, named for what it links to
    button = page.get_by_role("button", name="Copy link to Pier 33")
    assert button.is_visible()
    assert button.get_attribute("data-mg-link") == built.html.as_uri() + "#pier-33"
    page.context.close()


def test_a_route_an_area_and_an_event_open_from_their_address(browser, built):
    for feature in ("armored-train", "russia", "shoigu-visit"):
        page = fresh(browser, built.html.as_uri() + "#" + feature)
        wait_popup(page, feature)
        assert page.mg_errors == []
        page.context.close()


def test_a_quotes_copied_link_opens_the_reader_at_its_passage(browser, built):
    url = built.html.as_uri() + "#pier-33"
    page = fresh(browser, url, permissions=["clipboard-read", "clipboard-write"])
    wait_popup(page, "pier-33")
    page.locator(".leaflet-popup a.mg-cite").nth(0).click()
    settle(page)
    first = reader(page)
    assert first["current"]["feature"] == "pier-33" and first["shown"]
    assert page.evaluate("location.hash").startswith("#pier-33/quote/0&@")
    copy = page.locator("#mg-reader-copy")
    copy.click()
    link = copy.get_attribute("data-mg-link")
    assert link == built.html.as_uri() + "#pier-33/quote/0"
    page.wait_for_function(
        "() => (document.querySelector('#mg-reader-copy + .mg-copied') || {}).textContent"
    )
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == link
    other = fresh(browser, copied)
    other.wait_for_function("window.mapgenReader.current().feature === 'pier-33'")
    again = reader(other)
    assert again["shown"] and again["current"]["index"] == 0
    assert again["pos"] == first["pos"] and again["mark"] == first["mark"]
    assert other.mg_errors == []
    other.context.close()
    page.context.close()


def test_back_walks_back_through_what_was_opened(browser, built):
    page = fresh(browser, built.html.as_uri())
    # a place quoted twice: its popup, its first passage, its second
    place = "vladivostok"
    assert page.evaluate(f"mapgenStory.data.features['{place}'].passages.length") >= 2
    page.evaluate(f"window.mapgenStory.focus('{place}')")
    wait_popup(page, place)
    assert page.evaluate("location.hash").startswith(f"#{place}")
    page.locator(".leaflet-popup a.mg-cite").nth(0).click()
    page.wait_for_function(f"location.hash.startsWith('#{place}/quote/0')")
    page.locator("#mg-reader-next").click()
    page.wait_for_function(f"location.hash.startsWith('#{place}/quote/1')")
    page.go_back()
    page.wait_for_function("window.mapgenReader.current().index === 0")
    assert reader(page)["shown"]
    page.go_back()
    page.wait_for_function("document.getElementById('mg-tab-reader').hidden")
    assert popup_id(page) == place
    page.go_back()
    page.wait_for_function("!document.querySelector('.leaflet-popup')")
    assert not page.evaluate("location.hash").startswith(f"#{place}")
    page.go_forward()
    wait_popup(page, place)
    assert page.mg_errors == []
    page.context.close()


def test_the_view_and_the_day_are_kept_in_the_address(browser, built):
    day = "2023-01-15"  # between the seed story's first and last day
    page = fresh(browser, built.html.as_uri() + "#@43.0800,131.9000,9&day=" + day)
    page.wait_for_function(f"({MAP}).getZoom() === 9")
    center = page.evaluate(f"(() => {{ const c = ({MAP}).getCenter(); return [c.lat, c.lng]; }})()")
    assert abs(center[0] - 43.08) < 1e-3 and abs(center[1] - 131.9) < 1e-3
    assert page.evaluate("window.mapgenTimeline.date()") == day
    # moving the map rewrites the address, without a new history entry
    length = page.evaluate("history.length")
    page.evaluate(f"({MAP}).setView([42, 130], 7, {{animate: false}})")
    page.wait_for_function(f"location.hash === '#@42.0000,130.0000,7&day={day}'")
    assert page.evaluate("history.length") == length
    page.context.close()


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_address_runs_nothing(browser, built, payload):
    page = fresh(browser, built.html.as_uri() + "#" + payload + "/quote/0&" + payload)
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned") is None
    assert page.mg_errors == []
    assert page.locator(".leaflet-popup").count() == 0
    page.context.close()


def framed(browser, built, tmp: Path, width: int):
    """A page that pastes embed.html into an article column ``width`` px wide."""
    host = built.html.parent / f"host-{width}.html"
    snippet = (built.html.parent / "embed.html").read_text()
    host.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>Article</title></head>"
        f"<body style='margin:0'><main style='width:{width}px'><p>Before.</p>{snippet}"
        "<p>After.</p></main></body></html>"
    )
    page = browser.new_context(viewport={"width": width + 40, "height": 900}).new_page()
    page.goto(host.as_uri())
    frame = page.frame_locator("iframe")
    frame.locator(".leaflet-marker-icon").first.wait_for()
    inner = next(f for f in page.frames if f.url.endswith("map.html"))
    inner.wait_for_function("document.documentElement.classList.contains('mg-framed')")
    return page, inner


@pytest.mark.parametrize("width", [400, 900])
def test_the_embed_shows_the_map_without_scrollbars(browser, built, tmp_path, width):
    page, inner = framed(browser, built, tmp_path, width)
    size = page.evaluate(
        "() => { const r = document.querySelector('iframe').getBoundingClientRect();"
        " return [r.width, r.height]; }"
    )
    assert size[0] == width and 440 <= size[1] <= 900
    scroll = inner.evaluate(
        """() => { const d = document.documentElement, b = document.body;
            return [d.scrollWidth, d.clientWidth, d.scrollHeight, d.clientHeight,
                    b.scrollWidth, b.clientWidth, b.scrollHeight, b.clientHeight]; }"""
    )
    assert scroll[0] == scroll[1] and scroll[2] == scroll[3], scroll
    assert scroll[4] == scroll[5] and scroll[6] == scroll[7], scroll
    # the map fills the frame, the panel and the legend are in it
    fills = inner.evaluate(
        "() => { const m = document.querySelector('.leaflet-container').getBoundingClientRect();"
        " return [m.width, m.height, innerWidth, innerHeight]; }"
    )
    assert fills[0] == fills[2] and fills[1] == fills[3]
    # framed, the fullscreen button is offered (the snippet allows it)
    assert inner.get_by_role("button", name="Full screen").is_visible()
    page.screenshot(path=str(built.html.parent / f"embed-{width}.png"))
    page.context.close()


def test_fullscreen_toggles(browser, built, tmp_path):
    page, inner = framed(browser, built, tmp_path, 400)
    inner.get_by_role("button", name="Full screen").click()
    inner.wait_for_function("document.fullscreenElement === document.documentElement")
    leave = inner.get_by_role("button", name="Leave full screen")
    assert leave.get_attribute("aria-pressed") == "true"
    leave.click()
    inner.wait_for_function("document.fullscreenElement === null")
    page.context.close()


def test_fullscreen_button_is_44_px_on_a_phone_and_hidden_on_a_desk(browser, built):
    phone = open_on(browser, built.html, PHONE).page
    box = phone.get_by_role("button", name="Full screen").bounding_box()
    assert box and box["width"] >= 44 and box["height"] >= 44
    phone.context.close()
    desk = open_on(browser, built.html, DESK).page
    assert not desk.get_by_role("button", name="Full screen").is_visible()
    desk.context.close()


def test_embed_names_the_page_absolutely_under_base_url(seed_story, tmp_path):
    title = '<script>alert(1)</script> & "x"'
    text = (seed_story / "places.yaml").read_text()
    lines = [
        ("title: " + repr(title)) if line.startswith("title:") else line
        for line in text.splitlines()
    ]
    (seed_story / "places.yaml").write_text("\n".join(lines) + "\n")
    result = mapgen.build(seed_story, tmp_path / "out", base_url="https://news.example/maps/x/")
    embed = (tmp_path / "out" / "embed.html").read_text()
    assert 'src="https://news.example/maps/x/map.html"' in embed
    assert "<script>" not in embed and "&lt;script&gt;" in embed
    assert 'loading="lazy"' in embed and "allowfullscreen" in embed
    assert result.embed == tmp_path / "out" / "embed.html"


@pytest.fixture(scope="module")
def data_html(page_assets, big_story, tmp_path_factory) -> Path:  # noqa: F811
    """tests/test_datalayer.py's big story, drawn by the data layer."""
    return big.build(big_story, tmp_path_factory.mktemp("big-page"), 10).html


def test_a_data_layer_place_opens_from_its_address(browser, data_html):
    """A big story's place (drawn by the data layer, found through its store's ``find``):
    its popup, and its first passage in the reader, each from a fresh page's address."""
    html = data_html
    ids = place_ids(data_block(html.read_text(encoding="utf-8")))
    place = ids[len(ids) // 2]
    page = fresh(browser, html.as_uri() + "#" + place)
    wait_popup(page, place)
    assert page.get_by_role("button", name="Copy link to").first.is_visible()
    page.context.close()
    page = fresh(browser, html.as_uri() + "#pass/quote/0")
    page.wait_for_function("window.mapgenReader.current().feature === 'pass'")
    assert reader(page)["shown"] and page.mg_errors == []
    page.context.close()
