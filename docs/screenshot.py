"""Take the README's screenshots of the seed map in headless Chromium, tiles blocked (as
offline), as a reader first sees it:

- docs/map.png: on a desk (1280x800), the first view, with Pier 33's popup open and its
  quote shown in the reader;
- docs/map-phone.png: on a phone (390x844, touch), the first view as it opens.

.venv/bin/python docs/screenshot.py [output/map.html] [docs]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 1,
    "is_mobile": True,
    "has_touch": True,
}


def _open(browser, html: Path, **context):
    page = browser.new_context(**context).new_page()
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(html.as_uri())
    page.wait_for_function("window.mapgenStory && window.mapgenStory.free")
    page.wait_for_timeout(600)
    return page


def main() -> None:
    html = Path(sys.argv[1] if len(sys.argv) > 1 else "output/map.html").resolve()
    folder = Path(sys.argv[2] if len(sys.argv) > 2 else "docs")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        desk = _open(browser, html, viewport={"width": 1280, "height": 800})
        desk.locator(".mg-pin.mg-military").click()  # Pier 33, spread clear of its neighbours
        desk.wait_for_timeout(600)
        # Its quote opens the article in the reader, at the passage, highlighted.
        desk.locator(".leaflet-popup .mg-cite").first.click()
        desk.wait_for_timeout(400)
        desk.screenshot(path=str(folder / "map.png"))
        phone = _open(browser, html, **PHONE)
        phone.screenshot(path=str(folder / "map-phone.png"))
        browser.close()
    print(folder / "map.png", folder / "map-phone.png")


if __name__ == "__main__":
    main()
