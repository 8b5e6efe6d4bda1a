"""Benchmark: what resolving in the story's context costs a cold geocode.

    .venv/bin/python benchmarks/resolve.py [--places 2000]

A story of N places named after N distinct GeoNames cities (every tenth of the 30,000
largest, in name order: towns of every country, many sharing a name with others), none in
the geocode cache, is geocoded offline twice in this one process, once as a build does it
(:func:`mapgen.geo.geocode.story_context` gives the gazetteer the story's geography: a first
context-free lookup of each name, then each name ranked with it) and once with no context
(the ranking before issue 19).  Ambiguous names are reported as problems in both, as a
build would; the time is what matters.  The city index and the regions' names and outlines
(read once per process, by whichever run comes first) are loaded before either is timed,
and their load time is printed on its own.

A warm build (every place in the cache) never makes the context, nor loads the city data:
``tests/test_geocode.py`` counts that.
"""

from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

import mapgen.geo.geocode as geocode
from mapgen.core.errors import StoryError
from mapgen.geo.cache import GeocodeCache
from mapgen.geo.gazetteer import Gazetteer, city_index
from mapgen.geo.regions import find_regions, outline
from mapgen.story.model import Place, Pos, Story


def story_of(n: int, folder: Path) -> Story:
    index = city_index()
    names = sorted({index.city(i).name for i in range(0, min(index.size, 30 * n), 10)})[:n]
    places = [
        Place(f"p{i}", name, "site", Pos("places.yaml", i + 1, 1)) for i, name in enumerate(names)
    ]
    return Story("bench", folder / "places.yaml", [], places, [], [])


def timed(story: Story, folder: Path) -> tuple[float, int]:
    cache = GeocodeCache.load(folder / "none.yaml")
    start = time.perf_counter()
    try:
        geocode.geocode_story(
            story,
            cache=cache,
            gazetteer=Gazetteer(),
            save=False,
            today=dt.date(2026, 1, 1),
            offline=True,
        )
        problems = 0
    except StoryError as exc:
        problems = len(exc.problems)
    return time.perf_counter() - start, problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--places", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        story = story_of(args.places, folder)
        start = time.perf_counter()
        find_regions("Ohio"), outline("US-OH")
        loads = time.perf_counter() - start
        with_context, problems = timed(story, folder)
        made = geocode.story_context
        geocode.story_context = lambda *_: None  # type: ignore[assignment]
        try:
            without, plain_problems = timed(story, folder)
        finally:
            geocode.story_context = made
    print(f"{len(story.places):,} places, cold cache, offline")
    print(f"  in context:      {with_context:6.2f} s  ({problems} ambiguous or unknown)")
    print(f"  without context: {without:6.2f} s  ({plain_problems} ambiguous or unknown)")
    print(f"  ratio: {with_context / without:.1f}x")
    print(f"  (and once per process: the regions' names and outlines, {loads:.2f} s)")


if __name__ == "__main__":
    main()
