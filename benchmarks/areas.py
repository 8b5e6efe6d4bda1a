"""Areas beyond whole countries (issue 20): what can be an area, what the data weighs, and
how long the issue's story takes to build.

Never a timed test: a script, run by hand, whose figures go in benchmarks/README.md.

* ``countries``: how many of the 252 countries and territories GeoNames lists can be an
  area (Natural Earth's 1:50m countries, and the territories drawn only as regions);
* ``data``: the bytes of the country data mapgen ships (``mapgen/geo/data``), on disk and
  deflated as a wheel stores them, and of the first-level regions beside it;
* ``build``: a cold ``mapgen build`` (a new process, as a user runs it) of the story of
  tests/areastory.py (Hungary, the Lipetsk region, a polygon from a GeoJSON file, a place
  known only to its region), the median of ``--runs``, with the shipped story's beside it
  as the baseline run in the same session.

    .venv/bin/python benchmarks/areas.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from mapgen.geo import countries, regions  # noqa: E402
from tests.areastory import write_story  # noqa: E402

COUNTRY_FILES = (
    "countries-50m.json",
    "countries.tsv",
    "LICENSE-world-atlas.txt",
    "LICENSE-countryinfo.txt",
)


def count_countries() -> None:
    by_code, _ = countries._country_index()
    codes = sorted({c.alpha2 for c in by_code.values()})
    outlined = [c for c in codes if countries.country_outline(c)]
    territories = [
        c for c in codes if c not in outlined and regions.territory_outline(c, by_code[c].name)
    ]
    missing = [c for c in codes if c not in outlined and c not in territories]
    print(
        f"countries: {len(outlined) + len(territories)} of {len(codes)} can be an area"
        f" ({len(outlined)} by Natural Earth's countries, {len(territories)} by their regions);"
        f" none for {', '.join(missing)}"
    )


def data_sizes() -> None:
    def sizes(names: list[str]) -> tuple[int, int]:
        raw = [(countries.DATA / n).read_bytes() for n in names]
        return sum(map(len, raw)), sum(len(zlib.compress(b, 9)) for b in raw)

    mine = sizes(list(COUNTRY_FILES))
    region_files = sorted(p.name for p in countries.DATA.glob("region*"))
    theirs = sizes(region_files)
    print(f"country data: {mine[0] / 1e6:.2f} MB installed, {mine[1] / 1e6:.2f} MB in the wheel")
    print(
        f"region data:  {theirs[0] / 1e6:.2f} MB installed, {theirs[1] / 1e6:.2f} MB in the wheel"
    )


def cold_build(story: Path, runs: int) -> float:
    mapgen = str(Path(sys.executable).with_name("mapgen"))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([mapgen, "build", str(story)], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    count_countries()
    data_sizes()
    with tempfile.TemporaryDirectory() as tmp:
        areas = write_story(Path(tmp) / "areas")
        seed = Path(tmp) / "seed"
        seed.mkdir()
        shutil.copy(ROOT / "places.yaml", seed)
        shutil.copytree(ROOT / "seeds", seed / "seeds")
        shutil.copy(ROOT / "geocode-cache.yaml", seed)
        cold_build(areas, 1), cold_build(seed, 1)  # warm the asset and basemap caches
        took, base = cold_build(areas, runs), cold_build(seed, runs)
    print(
        f"build: the areas story {took:.2f} s, the shipped story {base:.2f} s"
        f" ({took / base:.2f}x), cold processes, median of {runs}"
    )


if __name__ == "__main__":
    main()
