"""Big stories: mapgen against plain folium, from 100 to 100,000 places, in one run.

    .venv/bin/python benchmarks/bigstory.py [--sizes 100,1000,10000,100000] [--runs 3]
                                            [--out benchmarks/results] [--skip-markers-over 10000]

For each size, one synthetic story (benchmarks/synthetic.py: every place quotes a sentence
of about 200 characters; nine in ten give coordinates, the tenth a town the geocode cache
knows) is built three ways, each in a fresh process:

* mapgen: ``mapgen build`` from places.yaml including a CSV of the places (load, validate,
  verify every quote, geocode from the cache, render, write map.html and map.geojson);
* folium, Marker + Popup: a ``folium.Marker`` with a ``folium.Popup`` of the place's name and
  quote, per place (skipped above ``--skip-markers-over``: at 100,000 it never renders);
* folium, GeoJSON on canvas: ``folium.Map(prefer_canvas=True)`` and one ``folium.GeoJson``
  of the places as circle markers with a ``GeoJsonPopup`` of name and quote.

Build: wall time of the process (median of ``--runs``) and its peak memory, measured in
the first run as the largest sum of the PSS of the process and its children (mapgen forks
one on big stories; PSS counts the pages they share once) and of the in-memory file the
child hands its parts over in, sampled every 20 ms.
Page: bytes of the HTML, and the ratio to the places' own data (their coordinates as
written, names and quote text).  Then each page is opened from file:// in headless
Chromium (Playwright, /usr/bin/chromium or $MAPGEN_CHROMIUM; no network: folium's CDN files
are answered from local copies, tiles with a blank tile): the time to the first frame with
every layer added (navigation start to the first animation frame after the page's load
event and, for mapgen's data layer, after its first draw), the JS heap then
(``Performance.getMetrics``), and the time to open a popup (open it, to the next frame).

Writes ``results.md`` (the table), ``results.json`` and ``first-frame.svg`` (a plot) to
``--out``.  Only local files and 127.0.0.1 are used; jQuery, which folium's popups need, is
fetched once with ``npm pack`` into the mapgen cache folder.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import synthetic  # noqa: E402

CHROMIUM = os.environ.get("MAPGEN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-quic",
]
FRAME_TIMEOUT_S = 180
PY = sys.executable

MEASURE = """
import resource, sys, time
start = time.perf_counter()
{body}
took = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
rss += resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss  # a forked helper, if any
print("RESULT", took, rss * 1024)
"""

MAPGEN = """
import mapgen
mapgen.build({story!r}, {out!r})
"""

FOLIUM_MARKERS = """
import csv, folium, html
m = folium.Map(location=(30, 0), zoom_start=2)
with open({csv!r}, encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if not row["lat"]:
            continue
        body = "<b>" + html.escape(row["name"]) + "</b><br>" + html.escape(row["quote"])
        folium.Marker((float(row["lat"]), float(row["lon"])), popup=folium.Popup(body, max_width=300)).add_to(m)
m.save({out!r})
"""

FOLIUM_GEOJSON = """
import csv, folium
features = []
with open({csv!r}, encoding="utf-8") as f:
    for row in csv.DictReader(f):
        if not row["lat"]:
            continue
        features.append({{"type": "Feature",
            "geometry": {{"type": "Point", "coordinates": [float(row["lon"]), float(row["lat"])]}},
            "properties": {{"name": row["name"], "quote": row["quote"]}}}})
m = folium.Map(location=(30, 0), zoom_start=2, prefer_canvas=True)
folium.GeoJson({{"type": "FeatureCollection", "features": features}},
    marker=folium.CircleMarker(radius=4, fill=True, weight=1),
    popup=folium.GeoJsonPopup(fields=["name", "quote"]),
).add_to(m)
m.save({out!r})
"""


@dataclass
class Result:
    places: int
    maker: str
    build_s: float | None = None
    build_runs: list[float] = field(default_factory=list)
    peak_mb: float | None = None
    page_bytes: int | None = None
    data_bytes: int | None = None
    first_frame_ms: float | None = None
    heap_mb: float | None = None
    popup_ms: float | None = None
    note: str = ""


def run(code: str, sample: bool = False) -> tuple[float, int, float]:
    """Run ``code`` in a fresh process: (seconds inside, peak memory bytes, wall seconds).

    Peak memory is the process's max RSS plus its children's (an upper bound: a forked
    child shares its parent's pages), or with ``sample``, the largest sum of their PSS
    (each shared page counted once, shared out), read every 20 ms from /proc.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(
        [PY, "-c", MEASURE.format(body=code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    peak = 0
    if sample:
        while proc.poll() is None:
            peak = max(peak, _tree_pss(proc.pid))
            time.sleep(0.02)
    out, err = proc.communicate()
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(err[-2000:])
    line = next(x for x in out.splitlines() if x.startswith("RESULT"))
    _, took, rss = line.split()
    return float(took), peak or int(rss), wall


def _tree_pss(pid: int) -> int:
    """Bytes of PSS of a process and its children, 0 if it has gone, plus the memory of
    any in-memory file they hold open (memfd: mapgen's child hands its parts over in one,
    and PSS does not count a file's pages that no process maps)."""
    total = 0
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        children = []
    files: dict[tuple[int, int], int] = {}
    for one in [pid, *children]:
        try:
            with open(f"/proc/{one}/smaps_rollup", encoding="ascii") as f:
                for line in f:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1]) * 1024
                        break
            for fd in os.listdir(f"/proc/{one}/fd"):
                link = f"/proc/{one}/fd/{fd}"
                if os.readlink(link).startswith("/memfd:"):
                    st = os.stat(link)
                    files[(st.st_dev, st.st_ino)] = st.st_blocks * 512
        except OSError:
            continue
    return total + sum(files.values())


def own_data_bytes(rows: list[synthetic.Row], story: Path) -> int:
    """The places' own data: coordinates as written in the CSV, names and quote text."""
    total = 0
    for row in rows:
        if row.lat is not None:
            total += len(f"{row.lat},{row.lon}".encode())
        total += len(row.name.encode()) + len(row.quote.encode())
    return total


# --------------------------------------------------------------------------- the browser


class Files:
    """What folium's pages fetch from CDNs, answered from local copies."""

    def __init__(self) -> None:
        from mapgen.page import assets

        leaflet = assets.fetch(assets.LEAFLET)
        self.files = {f"leaflet@1.9.3/{p}": data for p, data in leaflet.files.items()}
        self.jquery = self._jquery()

    @staticmethod
    def _jquery() -> bytes:
        from mapgen.page import assets

        target = assets.cache_dir() / "bench" / "jquery-3.7.1.min.js"
        if not target.exists():
            package = assets.Package("jquery", "3.7.1", {"dist/jquery.min.js": ""})
            found = assets._npm_pack("npm", package, ["dist/jquery.min.js"])
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(found["dist/jquery.min.js"])
        return target.read_bytes()

    def answer(self, route) -> None:
        url = route.request.url
        if url.startswith(("file:", "data:", "blob:")):
            route.continue_()
            return
        for key, data in self.files.items():
            if url.endswith(key):
                kind = "text/css" if key.endswith(".css") else "text/javascript"
                if key.endswith(".png"):
                    kind = "image/png"
                route.fulfill(status=200, content_type=kind, body=data)
                return
        if "jquery" in url and url.endswith(".js"):
            route.fulfill(status=200, content_type="text/javascript", body=self.jquery)
        elif url.endswith(".css"):
            route.fulfill(status=200, content_type="text/css", body="")
        elif url.endswith(".js"):
            route.fulfill(status=200, content_type="text/javascript", body="")
        else:  # tiles, fonts, images: blank
            route.fulfill(status=200, content_type="image/png", body=b"")


READY = {
    "mapgen-data": "window.mapgenDrawn > 0",
    "load": "document.readyState === 'complete'",
}
FRAME = "new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(performance.now()))))"

POPUP = {
    "mapgen-data": """() => new Promise(r => {
        const store = window.mapgenStores[0], i = Math.floor(store.n / 2);
        const t = performance.now(); store.open(i);
        requestAnimationFrame(() => r(performance.now() - t)); })""",
    "markers": """() => new Promise(r => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        let layer = null;
        map.eachLayer(l => { if (!layer && l.getPopup && l.getPopup()) layer = l; });
        if (!layer) { const all = []; map.eachLayer(l => all.push(l));
            for (const g of all) if (g.eachLayer) g.eachLayer(l => { if (!layer && l.getPopup && l.getPopup()) layer = l; }); }
        if (!layer) return r(null);
        const t = performance.now(); layer.openPopup();
        requestAnimationFrame(() => r(performance.now() - t)); })""",
}


def measure_page(browser, files: Files, html: Path, ready: str, popup: str) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.route("**/*", files.answer)
    cdp = context.new_cdp_session(page)
    cdp.send("Performance.enable")
    out: dict = {}
    try:
        page.goto(html.as_uri(), wait_until="load", timeout=FRAME_TIMEOUT_S * 1000)
        page.wait_for_function(READY[ready], timeout=FRAME_TIMEOUT_S * 1000)
        out["first_frame_ms"] = page.evaluate(FRAME)
        metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
        out["heap_mb"] = metrics["JSHeapUsedSize"] / 2**20
        times = [page.evaluate(POPUP[popup]) for _ in range(3)]
        times = [t for t in times if t is not None]
        out["popup_ms"] = statistics.median(times) if times else None
    except Exception as exc:  # a timeout: the page never showed its layers
        out["note"] = f"no first frame within {FRAME_TIMEOUT_S} s ({type(exc).__name__})"
    finally:
        context.close()
    return out


# --------------------------------------------------------------------------- the run


def bench(sizes: list[int], runs: int, skip_markers_over: int, out: Path) -> list[Result]:
    """Every build first (no browser running beside them: they have the machine to
    themselves, and each size's makers take turns run by run), then every page."""
    from playwright.sync_api import sync_playwright

    results: list[Result] = []
    pages: list[tuple[Result, str, Path]] = []
    with tempfile.TemporaryDirectory(prefix="mapgen-big-") as tmp:
        for n in sizes:
            story = Path(tmp) / f"s{n}"
            rows = synthetic.write_story(story, n)
            own = own_data_bytes(rows, story)
            csv_path = str(story / "places.csv")
            makers = [
                (
                    "mapgen",
                    MAPGEN.format(story=str(story), out=str(story / "out")),
                    story / "out" / "map.html",
                ),
                (
                    "folium Marker+Popup",
                    FOLIUM_MARKERS.format(csv=csv_path, out=str(story / "markers.html")),
                    story / "markers.html",
                ),
                (
                    "folium GeoJSON canvas",
                    FOLIUM_GEOJSON.format(csv=csv_path, out=str(story / "geojson.html")),
                    story / "geojson.html",
                ),
            ]
            built = []
            for maker, code, page in makers:
                result = Result(n, maker, data_bytes=own)
                results.append(result)
                if maker == "folium Marker+Popup" and n > skip_markers_over:
                    result.note = "skipped: over a minute to build, and the page never renders"
                    print(f"{n:>7} {maker}: skipped", flush=True)
                    continue
                built.append((result, code, page))
            sample = Path("/proc/self/smaps_rollup").exists()
            for k in range(runs):
                for result, code, _ in built:
                    _, peak, wall = run(code, sample=k == 0 and sample)
                    result.build_runs.append(wall)
                    if k == 0:
                        result.peak_mb = peak / 2**20
            for result, _, page in built:
                result.build_s = statistics.median(result.build_runs)
                result.page_bytes = page.stat().st_size
                print(f"{n:>7} {result.maker}: built {asdict(result)}", flush=True)
            pages += built
        files = Files()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for result, _, page in pages:
                is_data = result.maker == "mapgen" and "mapgenData(" in page.read_text(
                    encoding="utf-8"
                )
                seen = measure_page(
                    browser,
                    files,
                    page,
                    "mapgen-data" if is_data else "load",
                    "mapgen-data" if is_data else "markers",
                )
                for key, value in seen.items():
                    setattr(result, key, value)
                print(f"{result.places:>7} {result.maker}: {asdict(result)}", flush=True)
            browser.close()
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(
        json.dumps([asdict(r) for r in results], indent=1) + "\n", encoding="utf-8"
    )
    (out / "results.md").write_text(table(results), encoding="utf-8")
    (out / "first-frame.svg").write_text(plot(results), encoding="utf-8")
    return results


def _fmt(value: float | None, unit: str, digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f} {unit}"


def table(results: list[Result]) -> str:
    lines = [
        "| places | made by | build | peak memory | page | page / places' data | first frame | JS heap | popup |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        ratio = f"{r.page_bytes / r.data_bytes:.2f}x" if r.page_bytes and r.data_bytes else "—"
        page = _fmt(r.page_bytes / 1e6, "MB", 2) if r.page_bytes else "—"
        frame = _fmt(r.first_frame_ms / 1000 if r.first_frame_ms else None, "s", 2)
        row = [
            f"{r.places:,}",
            r.maker,
            _fmt(r.build_s, "s", 2),
            _fmt(r.peak_mb, "MB", 0),
            page,
            ratio,
            frame if not r.note else r.note,
            _fmt(r.heap_mb, "MB", 0),
            _fmt(r.popup_ms, "ms", 1),
        ]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def plot(results: list[Result]) -> str:
    """First frame against places, log-log, one line per maker: a small SVG."""
    import math

    width, height, pad = 640, 360, 60
    makers = list(dict.fromkeys(r.maker for r in results))
    colors = ["#c0392b", "#7f8c8d", "#2471a3"]
    sizes = sorted({r.places for r in results})
    lo_n, hi_n = math.log10(min(sizes)), math.log10(max(sizes))
    lo_t, hi_t = math.log10(0.05), math.log10(FRAME_TIMEOUT_S)

    def x(n: float) -> float:
        return pad + (math.log10(n) - lo_n) / max(hi_n - lo_n, 1e-9) * (width - 2 * pad)

    def y(t: float) -> float:
        t = min(max(t, 0.05), FRAME_TIMEOUT_S)
        return height - pad + -(math.log10(t) - lo_t) / (hi_t - lo_t) * (height - 2 * pad)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}"'
        ' font-family="sans-serif" font-size="12">',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        f'<text x="{width / 2}" y="20" text-anchor="middle" font-size="14">'
        "Time to the first frame, headless Chromium (log scales)</text>",
    ]
    for t in (0.1, 1, 10, 100):
        parts.append(
            f'<line x1="{pad}" x2="{width - pad}" y1="{y(t):.1f}" y2="{y(t):.1f}" stroke="#ddd"/>'
            f'<text x="{pad - 6}" y="{y(t) + 4:.1f}" text-anchor="end">{t:g} s</text>'
        )
    for n in sizes:
        parts.append(
            f'<text x="{x(n):.1f}" y="{height - pad + 18}" text-anchor="middle">{n:,}</text>'
        )
    parts.append(f'<text x="{width / 2}" y="{height - 12}" text-anchor="middle">places</text>')
    for k, maker in enumerate(makers):
        points = [
            (x(r.places), y(r.first_frame_ms / 1000 if r.first_frame_ms else FRAME_TIMEOUT_S))
            for r in results
            if r.maker == maker and (r.first_frame_ms or (r.note and "no first frame" in r.note))
        ]
        color = colors[k % len(colors)]
        if points:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>'
            )
            parts += [
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"/>' for px, py in points
            ]
        parts.append(f'<text x="{pad + 10}" y="{40 + 16 * k}" fill="{color}">{maker}</text>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000,10000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--skip-markers-over", type=int, default=10_000)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "results"))
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results = bench(sizes, args.runs, args.skip_markers_over, Path(args.out))
    print(table(results))


if __name__ == "__main__":
    main()
