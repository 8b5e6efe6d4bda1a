"""``mapgen watch --serve`` in a real browser: Debian's Chromium, driven by Playwright.

The page is served from 127.0.0.1 while a watch loop rebuilds a copy of the story.  After
an edit the page reloads by itself and keeps the reader's centre and zoom; a mistake shows
a banner (as text) over the map without reloading; the fix clears it.  As in
tests/test_browser.py, tiles get a blank image, any other request off 127.0.0.1 fails the
test, and in CI (``CI=true``) a missing browser fails instead of skipping.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pytest

from mapgen.serve.livereload import BANNER_ID, LiveServer

from .test_browser import BLANK_PNG, TILE_HOSTS
from .test_watch import Session, edit, start

TIMEOUT_MS = 60_000  # a bound for a hang, not a speed
VIEW = {"lat": 43.11, "lng": 131.89, "zoom": 9}


@dataclass
class Served:
    session: Session
    server: LiveServer
    page: object
    offsite: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def view(self) -> dict:
        return self.page.evaluate(
            "(() => { const m = window.__mapgen.map, c = m.getCenter();"
            " return {lat: c.lat, lng: c.lng, zoom: m.getZoom()}; })()"
        )

    def wait_for_build(self, build: int) -> None:
        """Wait for the page of build ``build``, its map drawn."""
        self.page.wait_for_function(
            "b => window.__mapgen && window.__mapgen.state.build === b && window.__mapgen.map"
            " && document.querySelectorAll('.leaflet-marker-icon.mg-pin').length > 0",
            arg=build,
            timeout=TIMEOUT_MS,
        )


@pytest.fixture
def served(browser, page_assets, seed_story) -> Iterator[Served]:
    """The watch's server and a page on it; Leaflet must be inlined (``page_assets``): this
    test lets no request leave 127.0.0.1 but the tiles'."""
    session = start(seed_story)
    server = LiveServer(session.watcher.builder.output, session.watcher.state, port=0).start()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    result = Served(session, server, page)

    def route(r):
        url = r.request.url
        host = urlsplit(url).hostname or ""
        if url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            return r.continue_()
        if host.endswith(TILE_HOSTS):
            return r.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        result.offsite.append(url)
        return r.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda e: result.errors.append(str(e)))
    page.goto(server.url)
    result.wait_for_build(1)
    try:
        yield result
    finally:
        context.close()
        server.stop()
        session.stop.set()
        session.thread.join(10)


def test_the_page_reloads_after_an_edit_and_keeps_its_view(served):
    page = served.page
    assert page.locator(f"#{BANNER_ID}").count() == 0
    page.evaluate(
        "v => window.__mapgen.map.setView([v.lat, v.lng], v.zoom, {animate: false})", VIEW
    )
    page.wait_for_timeout(100)
    page.evaluate("window.__before_reload = true")
    edit(served.session.places, "name: Pier 33\n", "name: Pier 33 (berth)\n")
    served.wait_for_build(2)
    assert page.evaluate("window.__before_reload") is None, "the page did not reload"
    view = served.view()
    assert view["zoom"] == VIEW["zoom"]
    assert abs(view["lat"] - VIEW["lat"]) < 1e-3 and abs(view["lng"] - VIEW["lng"]) < 1e-3
    assert "Pier 33 (berth)" in page.content()
    assert served.offsite == [] and served.errors == []


def test_a_mistake_shows_a_banner_over_the_map_and_the_fix_clears_it(served):
    page = served.page
    page.evaluate(
        "v => window.__mapgen.map.setView([v.lat, v.lng], v.zoom, {animate: false})", VIEW
    )
    page.wait_for_timeout(100)
    page.evaluate("window.__same_page = true")
    hostile = "<img src=x onerror=window.__pwned=1>"
    edit(served.session.places, "kind: military", f"kind: '{hostile}'")
    banner = page.locator(f"#{BANNER_ID}")
    banner.wait_for(state="visible", timeout=TIMEOUT_MS)
    message = served.session.watcher.state.snapshot().error
    assert message and f"unknown value '{hostile}'" in message
    shown = banner.inner_text()
    assert message.splitlines()[0] in shown and "last good" in shown
    # The same page (no reload), its map still there, the payload shown as text only.
    assert page.evaluate("window.__same_page") is True
    assert page.evaluate("window.__pwned") is None
    assert page.locator("img[src=x]").count() == 0
    assert page.locator(".leaflet-marker-icon.mg-pin").count() > 0
    box = banner.bounding_box()
    assert box["y"] == 0 and box["width"] >= 1200  # across the top, over the map
    edit(served.session.places, f"kind: '{hostile}'", "kind: military")
    served.wait_for_build(2)
    assert page.locator(f"#{BANNER_ID}").count() == 0
    assert page.evaluate("window.__same_page") is None  # reloaded with the fixed map
    assert served.view()["zoom"] == VIEW["zoom"]
    assert served.offsite == [] and served.errors == []
