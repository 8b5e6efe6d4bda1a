"""The page on a phone: how fast its first frame comes, and how it is laid out.

Never a timed test: a script, run by hand, whose figures go in benchmarks/README.md.

``frames``: the seed story and a synthetic story of 10,000 places (benchmarks/synthetic.py),
each built once, then opened from disk in Debian's Chromium at 390x844 with touch, with
the CPU unthrottled and throttled 4x (``Emulation.setCPUThrottlingRate``, a mid-range
phone); the first frame is the second animation frame after the page's layers are on the
map (as benchmarks/bigstory.py measures it), the median of ``--runs`` visits, each in a
fresh browser context. Tiles are answered with a blank tile; nothing else leaves the file.

``layout``: the measures of issue 17 at 1280x800 and at 390x844 (touch), as the page opens,
with a popup open and with the reader open: axe-core's serious and critical violations,
whether the layer control is open, the title's lines, the popup's width and whether a
control covers it, whether the attribution is covered, the touch targets under 44 px, the
viewport meta; and a screenshot of each state (``--shots``).

    .venv/bin/python benchmarks/phone.py frames [--runs 5]
    .venv/bin/python benchmarks/phone.py layout [--html output/map.html] [--shots DIR]
"""

from __future__ import annotations

import argparse
import base64
import json
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "benchmarks")]

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]
BLANK_PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
DESK = {"viewport": {"width": 1280, "height": 800}}
#: The page's layers are on the map: a marker, or the data layer's first drawing.
READY = "document.querySelector('.leaflet-marker-icon') || window.mapgenDrawn > 0"
FRAME = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"
TIMEOUT_MS = 180_000


def answer(route) -> None:
    """The page's own file and data: URLs go through; tiles get a blank tile; the rest none."""
    url = route.request.url
    if url.startswith(("file:", "data:", "blob:")):
        route.continue_()
    elif urlsplit(url).hostname:
        route.fulfill(status=200, content_type="image/png", body=BLANK_PNG)
    else:
        route.abort()


def first_frame(browser, html: Path, rate: float) -> float:
    """Milliseconds from navigation to the first frame with the layers drawn."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.route("**/*", answer)
    cdp = context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
    try:
        page.goto(html.as_uri(), wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_function(READY, timeout=TIMEOUT_MS, polling=50)
        return float(page.evaluate(FRAME))
    finally:
        context.close()


def frames(runs: int) -> None:
    import synthetic
    from playwright.sync_api import sync_playwright

    import mapgen
    from tests.conftest import copy_seed_story

    with tempfile.TemporaryDirectory(prefix="mapgen-phone-") as tmp:
        seed = mapgen.build(copy_seed_story(Path(tmp) / "seed")).html
        big = Path(tmp) / "big"
        synthetic.write_story(big, 10_000)
        big_html = mapgen.build(big).html
        stories = [("seed story (7 places)", seed), ("10,000 places", big_html)]
        rows = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            for name, html in stories:
                size = html.stat().st_size / 2**20
                for rate in (1, 4):
                    first_frame(browser, html, rate)  # warm the disk cache and the browser
                    times = [first_frame(browser, html, rate) for _ in range(runs)]
                    rows.append((name, size, rate, statistics.median(times), min(times)))
                    print(
                        f"{name}: {size:.1f} MB, CPU x{rate}: median {statistics.median(times):.0f} ms"
                        f" (min {min(times):.0f}) over {runs}",
                        flush=True,
                    )
            browser.close()
    print("\n| story | page | CPU | first frame (median) | fastest |\n|---|---|---|---|---|")
    for name, size, rate, median, fastest in rows:
        cpu = "unthrottled" if rate == 1 else f"throttled {rate:g}x"
        print(f"| {name} | {size:.1f} MB | {cpu} | {median:,.0f} ms | {fastest:,.0f} ms |")


# --------------------------------------------------------------------------- layout

MEASURE = """() => {
    const rect = el => { const r = el.getBoundingClientRect();
        return {x: Math.round(r.left), y: Math.round(r.top), w: Math.round(r.width), h: Math.round(r.height)}; };
    const shown = el => { if (!el) return false; const r = el.getBoundingClientRect(), s = getComputedStyle(el);
        return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
    const out = {vw: innerWidth, vh: innerHeight};
    const layers = document.querySelector('.leaflet-control-layers');
    out.layers_open = !!layers && layers.classList.contains('leaflet-control-layers-expanded');
    out.layers_box = layers ? rect(layers) : null;
    const h1 = document.querySelector('#mg-title h1');
    if (h1) { const range = document.createRange(); range.selectNodeContents(h1);
        out.title_lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
        out.title_box = rect(document.getElementById('mg-title')); }
    const attribution = document.querySelector('.leaflet-control-attribution');
    if (attribution) {  // every link of it, and both its ends, on top
        const points = [...attribution.querySelectorAll('a')].map(a => a.getBoundingClientRect())
            .map(r => [r.left + r.width / 2, r.top + r.height / 2]);
        const r = attribution.getBoundingClientRect();
        points.push([r.left + 3, r.top + r.height / 2], [r.right - 3, r.top + r.height / 2]);
        out.attribution_covered = points.some(([x, y]) => { const hit = document.elementFromPoint(x, y);
            return !(hit && attribution.contains(hit)); }); }
    const meta = document.querySelector('meta[name=viewport]');
    out.viewport_meta = meta ? meta.content.replace(/\\s+/g, ' ') : null;
    out.lang = document.documentElement.lang || null;
    const popup = document.querySelector('.leaflet-popup');
    if (popup) { out.popup_box = rect(popup);
        const controls = [...document.querySelectorAll('.leaflet-control, .mg-box, #mg-panel')]
            .filter(c => shown(c) && !c.contains(popup));
        const p = popup.getBoundingClientRect();
        out.popup_under = controls.filter(c => { const r = c.getBoundingClientRect();
            return r.left < p.right && r.right > p.left && r.top < p.bottom && r.bottom > p.top; })
            .map(c => c.id || c.className.split(' ').slice(0, 2).join('.'));
        out.popup_past_viewport = p.left < 0 || p.top < 0 || p.right > innerWidth || p.bottom > innerHeight; }
    const interactive = 'a[href], button, summary, input, select, textarea, [tabindex]:not([tabindex="-1"]), .leaflet-marker-icon.leaflet-interactive';
    out.small_targets = [...document.querySelectorAll(interactive)].filter(el => {
        if (!shown(el) || getComputedStyle(el).display === 'inline') return false;  // inline links are exempt
        const r = el.getBoundingClientRect();
        if (r.right < 0 || r.bottom < 0 || r.left > innerWidth || r.top > innerHeight) return false;
        return r.width < 44 || r.height < 44; })
        .map(el => (el.id ? '#' + el.id : el.tagName.toLowerCase() + '.' + [...el.classList].slice(0, 2).join('.'))
            + ' ' + Math.round(el.getBoundingClientRect().width) + 'x' + Math.round(el.getBoundingClientRect().height));
    const reader = document.getElementById('mg-panel');
    out.panel_box = shown(reader) ? rect(reader) : null;
    return out;
}"""

OPEN_POPUP = """() => {
    const map = Object.values(window).find(v => v instanceof L.Map);
    let marker = null;
    map.eachLayer(l => { if (!marker && l instanceof L.Marker && l.getPopup && l.getPopup()) marker = l; });
    map.setView(marker.getLatLng(), 6, {animate: false});
    return marker.getLatLng();
}"""


def visit(browser, html: Path, device: dict, shots: Path | None, tag: str, axe: str | None) -> dict:
    from tests import axe as axe_tools

    context = browser.new_context(**device)
    page = context.new_page()
    page.route("**/*", answer)
    page.goto(html.as_uri())
    page.wait_for_function(READY)
    page.wait_for_timeout(500)
    out: dict = {}

    def state(name: str) -> None:
        found = page.evaluate(MEASURE)
        if axe:
            bad = axe_tools.failing(axe_tools.violations(page, axe))
            found["axe_serious_critical"] = sum(len(v.targets) for v in bad)
            found["axe_rules"] = [str(v) for v in bad]
        if shots:
            page.screenshot(path=str(shots / f"{tag}-{name}.png"))
        out[name] = found

    state("open")
    page.evaluate(OPEN_POPUP)
    page.wait_for_timeout(300)
    # A reader taps the pin in the middle of the screen (the map is centred on it).
    size = device["viewport"]
    box = page.evaluate(
        """() => { const el = document.elementFromPoint(innerWidth / 2, innerHeight / 2 - 20);
            const pin = el && el.closest('.leaflet-marker-icon');
            if (!pin) return null; const r = pin.getBoundingClientRect();
            return {x: r.left + r.width / 2, y: r.top + r.height / 2}; }"""
    )
    where = (box["x"], box["y"]) if box else (size["width"] / 2, size["height"] / 2 - 20)
    if device.get("has_touch"):
        page.touchscreen.tap(*where)
    else:
        page.mouse.click(*where)
    page.wait_for_timeout(700)  # the auto-pan
    state("popup")
    quote = page.locator(".leaflet-popup [data-mg-quote]").first
    if quote.count():
        quote.click()
    else:
        page.evaluate(
            "() => { const d = mapgenStory.data; const id = Object.keys(d.features)"
            ".find(k => d.features[k].passages.length); mapgenReader.open(id, 0); }"
        )
    page.wait_for_timeout(700)
    state("reader")
    context.close()
    return out


def layout(html: Path, shots: Path | None, use_axe: bool) -> None:
    from playwright.sync_api import sync_playwright

    from tests import axe as axe_tools

    source = axe_tools.axe_source() if use_axe else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for tag, device in (("desk", DESK), ("phone", PHONE)):
            results[tag] = visit(browser, html, device, shots, tag, source)
        browser.close()
    print(json.dumps(results, indent=1))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    f = sub.add_parser("frames", help="first frame, unthrottled and throttled 4x")
    f.add_argument("--runs", type=int, default=5)
    lay = sub.add_parser("layout", help="the layout measures and axe-core, desk and phone")
    lay.add_argument("--html", type=Path, default=ROOT / "output" / "map.html")
    lay.add_argument("--shots", type=Path, default=None)
    lay.add_argument("--no-axe", action="store_true")
    args = parser.parse_args()
    if args.command == "frames":
        frames(args.runs)
    else:
        layout(args.html, args.shots, not args.no_axe)


if __name__ == "__main__":
    main()
