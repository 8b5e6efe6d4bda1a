"""Take docs/map.png: the seed map in headless Chromium, tiles blocked (as offline), with
Pier 33's popup open and its quote shown in the reader.

.venv/bin/python docs/screenshot.py [output/map.html] [docs/map.png]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def main() -> None:
    html = Path(sys.argv[1] if len(sys.argv) > 1 else "output/map.html").resolve()
    png = Path(sys.argv[2] if len(sys.argv) > 2 else "docs/map.png")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route(
            "**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort()
        )
        page.goto(html.as_uri())
        page.wait_for_timeout(800)
        # Close on Korea and Vladivostok: the armored train, the end of Shoigu's flight.
        page.evaluate(
            "Object.values(window).find(v => v instanceof L.Map)"
            ".setView([41.2, 129.6], 6, {animate: false})"
        )
        page.wait_for_timeout(400)
        page.locator(".mg-pin.mg-military").dispatch_event("click")  # pins overlap at this zoom
        page.wait_for_timeout(600)
        # Its quote opens the article in the reader, at the passage, highlighted.
        page.locator(".leaflet-popup .mg-cite").first.click()
        page.wait_for_timeout(400)
        page.screenshot(path=str(png))
        browser.close()
    print(png)


if __name__ == "__main__":
    main()
