"""A desk and a phone for the browser tests of the page's layout and accessibility
(tests/test_phone.py, tests/test_accessibility.py): a page opened from disk with tiles
answered by a blank tile and nothing else leaving it, and real touch input.

Not a test module.  Touch goes through Chromium's own input pipeline
(``Input.dispatchTouchEvent``), as a finger's would: the page sees touch and pointer
events, not synthetic ones made in its own script.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
DESK = {"viewport": {"width": 1280, "height": 800}}
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DEVICES = {"desk": DESK, "phone": PHONE}
MAP = "Object.values(window).find(v => v instanceof L.Map)"


@dataclass
class Opened:
    """A page opened on a device, and the errors and off-page requests it made."""

    page: object
    errors: list[str] = field(default_factory=list)
    offsite: list[str] = field(default_factory=list)

    def close(self) -> None:
        self.page.context.close()


def open_on(browser, html: Path, device: dict, **context: object) -> Opened:
    """``html`` opened on ``device`` (DESK, PHONE), its layers drawn."""
    page = browser.new_context(**device, **context).new_page()
    opened = Opened(page)

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:", "blob:")):
            return r.continue_()
        if urlsplit(url).hostname in ("tile.openstreetmap.org",) or "basemaps" in url:
            return r.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
        opened.offsite.append(url)
        return r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: m.type == "error" and opened.errors.append(m.text))
    page.on("pageerror", lambda e: opened.errors.append(str(e)))
    page.goto(html.as_uri())
    page.wait_for_function(
        "document.querySelector('.leaflet-marker-icon') || window.mapgenDrawn > 0"
    )
    page.wait_for_timeout(200)
    return opened


def swipe(page, x: float, y0: float, y1: float, steps: int = 8) -> None:
    """A finger down at (x, y0), moved to (x, y1) and lifted."""
    cdp = page.context.new_cdp_session(page)
    send = cdp.send
    send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": x, "y": y0}]})
    for i in range(1, steps + 1):
        y = y0 + (y1 - y0) * i / steps
        send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]})
    send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    cdp.detach()
    settle(page)


def settle(page) -> None:
    """Wait until nothing moves: no CSS transition running (the sheet), no map animation
    (a popup's auto-pan, a flight)."""
    page.wait_for_function(
        f"""() => document.getAnimations().length === 0
            && !(({MAP})._panAnim && ({MAP})._panAnim._inProgress)
            && !({MAP})._flyToFrame"""
    )


def box(page, css: str) -> dict | None:
    """The first element matching ``css``: its rectangle, or None if it is not shown."""
    return page.evaluate(
        """css => { const el = document.querySelector(css); if (!el) return null;
            const r = el.getBoundingClientRect(), s = getComputedStyle(el);
            if (!r.width || !r.height || s.visibility === 'hidden') return null;
            return {x: r.left, y: r.top, w: r.width, h: r.height, right: r.right, bottom: r.bottom}; }""",
        css,
    )


#: The interactive elements a finger may aim at, with the size of what it hits: an input's
#: label when it has one.  Inline links in a sentence are exempt (WCAG 2.5.5/2.5.8).
TARGETS = """() => {
    const css = 'a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex="-1"]),'
        + ' .leaflet-marker-icon.leaflet-interactive, [role=button]';
    const out = [];
    for (const el of document.querySelectorAll(css)) {
        const s = getComputedStyle(el);
        if (s.display === 'inline' || s.visibility === 'hidden') continue;
        if (el.closest('.leaflet-control-attribution')) continue;  // inline in its line
        if (el.matches('.leaflet-container, .mg-reader-text, svg *, path')) continue;  // areas, not targets
        const hit = el.closest('label') || el;
        const r = hit.getBoundingClientRect();
        if (!r.width || !r.height) continue;
        if (r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth || r.top >= innerHeight) continue;
        const top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        if (!top || !(hit.contains(top) || top.contains(hit))) continue;  // covered: not aimable
        out.push({what: (el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + [...el.classList].join('.')),
            w: Math.round(r.width), h: Math.round(r.height)});
    }
    return out;
}"""


def small_targets(page, least: int = 44) -> list[dict]:
    """The targets on screen smaller than ``least`` pixels either way."""
    return [t for t in page.evaluate(TARGETS) if t["w"] < least or t["h"] < least]
