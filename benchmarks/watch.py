"""Benchmark: from saving places.yaml to the new output/map.html on disk, under ``mapgen watch``.

    .venv/bin/python benchmarks/watch.py [--edits 50] [--cold 5]

On a copy of the first story (places.yaml, seeds/, geocode-cache.yaml) in a temporary
folder, in this order:

1. a cold ``mapgen build``, ``--cold`` times: each a new process (``python -m mapgen build``),
   as a user runs it, timed from start to exit; the median is the figure;
2. ``python -m mapgen watch`` started as its own process; once it says it is watching,
   ``--edits`` edits of places.yaml, each rewriting the file in place (as most editors
   save) with a new title, so each page differs.  Each is timed from the moment the
   write returns to the moment output/map.html on disk is the new page (polled every
   millisecond: a new file, holding the new title), with a pause between edits so
   that each is its own rebuild.

It prints p50 and p95 of the edit-to-map times, the rebuild times the watch reports
itself (the rest is waiting for the burst of changes to settle, and noticing the file),
the cold build's median, and whether the goals hold: p50 under 300 ms and under a third
of the cold build.

The user cache (inlined Leaflet, the gazetteer index) is ``$MAPGEN_CACHE_DIR``, else a
temporary folder filled by one untimed build first: a cold build here is a new process
on a machine where mapgen has run before, not the very first build.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile (0..1) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    at = (len(ordered) - 1) * q
    low = int(at)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (at - low)


def copy_story(folder: Path) -> Path:
    story = folder / "story"
    story.mkdir()
    shutil.copy(ROOT / "places.yaml", story / "places.yaml")
    shutil.copytree(ROOT / "seeds", story / "seeds")
    shutil.copy(ROOT / "geocode-cache.yaml", story / "geocode-cache.yaml")
    return story


def cold_build(story: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "mapgen", "build", str(story)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"mapgen build failed:\n{proc.stderr}")
    return elapsed


def wait_for_page(html: Path, marker: bytes, old_inode: int, timeout: float = 10.0) -> float:
    """perf_counter() once ``html`` is a new file holding ``marker``."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if os.stat(html).st_ino != old_inode and marker in html.read_bytes():
                return time.perf_counter()
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    raise TimeoutError(f"{html} never showed {marker!r}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--edits", type=int, default=50, help="edits of places.yaml (50)")
    parser.add_argument("--cold", type=int, default=5, help="cold builds to time (5)")
    parser.add_argument("--pause", type=float, default=0.25, help="seconds between edits")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="mapgen-bench-") as tmp:
        folder = Path(tmp)
        env = dict(os.environ)
        env.setdefault("MAPGEN_CACHE_DIR", str(folder / "user-cache"))
        env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
        story = copy_story(folder)
        places = story / "places.yaml"
        html = story / "output" / "map.html"
        original = places.read_text(encoding="utf-8")
        match = re.search(r"^title: [^\x27\"].*$", original, re.M)
        if match is None:
            sys.exit("places.yaml has no plain one-line title: to edit")

        first = cold_build(story, env)  # fills the user cache if it was empty; untimed
        colds = [cold_build(story, env) for _ in range(args.cold)]
        cold = statistics.median(colds)

        watch = subprocess.Popen(
            [sys.executable, "-m", "mapgen", "watch", str(story)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        reported: list[float] = []
        assert watch.stdout is not None
        for line in watch.stdout:
            if line.startswith("Watching"):
                break
        else:
            sys.exit(f"mapgen watch did not start:\n{watch.stderr.read() if watch.stderr else ''}")

        def read_reports() -> None:
            for line in watch.stdout:  # type: ignore[union-attr]
                found = re.search(r" in (\d+) ms$", line.strip())
                if found:
                    reported.append(float(found.group(1)))

        threading.Thread(target=read_reports, daemon=True).start()
        time.sleep(0.5)
        latencies: list[float] = []
        try:
            for i in range(args.edits):
                marker = f"(benchmark edit {i})"
                text = original.replace(match.group(0), f"{match.group(0)} {marker}", 1)
                inode = os.stat(html).st_ino
                with open(places, "w", encoding="utf-8") as fh:
                    fh.write(text)
                saved = time.perf_counter()
                done = wait_for_page(html, marker.encode(), inode)
                latencies.append((done - saved) * 1000)
                time.sleep(args.pause)
        finally:
            watch.terminate()
            watch.wait(10)
            places.write_text(original, encoding="utf-8")

    p50, p95 = percentile(latencies, 0.5), percentile(latencies, 0.95)
    cold_ms = cold * 1000
    print(f"cold `mapgen build` (new process), median of {len(colds)}: {cold_ms:.0f} ms", end="")
    print(
        f"  (runs: {', '.join(f'{c * 1000:.0f}' for c in colds)}; first, untimed: {first * 1000:.0f})"
    )
    print(
        f"watch, save -> new map.html on disk, {len(latencies)} edits:"
        f" p50 {p50:.0f} ms, p95 {p95:.0f} ms, min {min(latencies):.0f}, max {max(latencies):.0f}"
    )
    if reported:
        print(
            f"  of which the rebuild itself (as the watch reports it): p50"
            f" {percentile(reported, 0.5):.0f} ms, p95 {percentile(reported, 0.95):.0f} ms"
        )
    ratio = p50 / cold_ms
    print(f"p50 / cold build: {ratio:.2f}")
    ok = p50 < 300 and ratio < 1 / 3
    print(f"goal (p50 < 300 ms and < 1/3 of the cold build): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
