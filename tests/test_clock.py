"""The clock seam: every path where the date or the time enters mapgen, with the clock set.

Each test runs with the clock at a fixed day and at the same day a year later, so the suite
says the same thing whatever day it runs on.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from mapgen.core.clock import fixed, system_clock, today
from mapgen.geo.cache import GeocodeCache
from mapgen.pipeline.builder import Builder
from mapgen.serve.watch import Watcher
from mapgen.story.model import Location

NOW = dt.datetime(2026, 12, 5, 15, 47, 11, tzinfo=dt.timezone.utc)
A_YEAR_ON = NOW.replace(year=2027, hour=9, minute=5, second=3)
DAYS = pytest.mark.parametrize("moment", [NOW, A_YEAR_ON], ids=["today", "a-year-ahead"])


def _without_seoul(story: Path) -> None:
    cache_path = story / "geocode-cache.yaml"
    entries = GeocodeCache.load(cache_path)
    partial = GeocodeCache(cache_path, [e for e in entries if e.query != "Seoul"])
    cache_path.write_text(partial.dumps(), encoding="utf-8")


@DAYS
def test_a_new_cache_entry_is_stamped_with_the_clocks_day(seed_story, moment):
    _without_seoul(seed_story)
    before = {e.query: e.date for e in GeocodeCache.load(seed_story / "geocode-cache.yaml")}
    Builder(seed_story, clock=fixed(moment)).build()
    after = {e.query: e.date for e in GeocodeCache.load(seed_story / "geocode-cache.yaml")}
    assert after["Seoul"] == moment.date().isoformat()
    # The answers already there keep the day they were first cached.
    assert {q: d for q, d in after.items() if q != "Seoul"} == before


def test_the_page_and_geojson_do_not_depend_on_the_day(seed_story, tmp_path):
    """Only the cache's stamp reads the clock: the outputs are the same bytes a year on."""
    outputs = []
    for moment in (NOW, A_YEAR_ON):
        out = tmp_path / moment.date().isoformat()
        Builder(seed_story, out, clock=fixed(moment)).build()
        outputs.append(((out / "map.html").read_bytes(), (out / "map.geojson").read_bytes()))
    assert outputs[0] == outputs[1]


@DAYS
def test_cache_put_defaults_to_the_system_clocks_day(tmp_path, monkeypatch, moment):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    cache = GeocodeCache(tmp_path / "geocode-cache.yaml", [])
    cache.put("Seoul", None, Location(37.566, 126.978, "city", "gazetteer"))
    (entry,) = list(cache)
    assert entry.date == moment.date().isoformat()


@DAYS
def test_system_clock_honours_source_date_epoch(monkeypatch, moment):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(moment.timestamp())))
    assert system_clock() == moment
    assert today() == moment.date()


@pytest.mark.parametrize("value", ["", "soon", "-5", "1.5", "9" * 40])
def test_a_source_date_epoch_that_is_no_time_is_ignored(monkeypatch, value):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    before = dt.datetime.now().astimezone()
    read = system_clock()
    after = dt.datetime.now().astimezone()
    assert before <= read <= after


@DAYS
def test_a_build_in_another_process_reads_source_date_epoch(seed_story, moment):
    """``python -m mapgen build`` stamps the day SOURCE_DATE_EPOCH names (CI, crash tests)."""
    _without_seoul(seed_story)
    env = {**_clean_env(), "SOURCE_DATE_EPOCH": str(int(moment.timestamp()))}
    proc = subprocess.run(
        [sys.executable, "-m", "mapgen", "build", str(seed_story)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    dates = {e.query: e.date for e in GeocodeCache.load(seed_story / "geocode-cache.yaml")}
    assert dates["Seoul"] == moment.date().isoformat()


@DAYS
def test_watch_prints_the_time_its_clock_reads(seed_story, moment):
    lines: list[tuple[str, bool]] = []
    watcher = Watcher(
        Builder(seed_story), echo=lambda line, err: lines.append((line, err)), clock=fixed(moment)
    )
    assert watcher.rebuild()
    (line, err) = lines[-1]
    assert not err
    assert line.startswith(moment.strftime("%H:%M:%S") + " rebuilt ")


def _clean_env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}


def test_watch_prints_the_wall_time_even_where_the_date_is_pinned(seed_story, monkeypatch):
    """SOURCE_DATE_EPOCH pins the cache's stamps, not the time a person reads."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(A_YEAR_ON.timestamp())))
    lines: list[tuple[str, bool]] = []
    watcher = Watcher(Builder(seed_story), echo=lambda line, err: lines.append((line, err)))
    before = dt.datetime.now().astimezone().replace(microsecond=0)
    assert watcher.rebuild()
    after = dt.datetime.now().astimezone()
    shown = dt.datetime.strptime(lines[-1][0][:8], "%H:%M:%S").time()
    assert before.time() <= shown <= after.time() or after.date() != before.date()
