"""How long `mapgen build` takes on the shipped story with a warm cache, against folium.

The baseline is the smallest folium page, ``folium.Map().save(...)``: what any folium map
costs before it draws anything.  Both run as fresh processes, interleaved, in the same
session; the figure is the ratio of the medians.  Issue 2's goal: at most 1.3x.

    .venv/bin/python benchmarks/build.py [--runs 5] [STORY]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("story", nargs="?", default=str(ROOT))
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        mapgen = [sys.executable, "-m", "mapgen", "build", args.story, "-o", str(out / "m")]
        folium = [
            sys.executable,
            "-c",
            f"import folium; folium.Map().save({str(out / 'f.html')!r})",
        ]
        wall(mapgen)  # warm the geocode cache, the asset cache and the OS file cache
        builds, baselines = [], []
        for _ in range(args.runs):
            builds.append(wall(mapgen))
            baselines.append(wall(folium))
    b, f = statistics.median(builds), statistics.median(baselines)
    print(f"mapgen build (warm cache), median of {args.runs}: {b * 1000:.0f} ms")
    print(f"folium.Map().save() baseline, median of {args.runs}: {f * 1000:.0f} ms")
    print(f"ratio: {b / f:.2f}x (goal: at most 1.3x)")


if __name__ == "__main__":
    main()
