"""Crash safety: builds killed with SIGKILL at random and at chosen points, and builds at once.

Whatever happens, each file mapgen writes (map.html, map.geojson, geocode-cache.yaml) is
either the old file or the new one, whole; the temporary file a killed write leaves is
removed by the next build; two builds at once lose no geocode answer.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from mapgen.core.clock import fixed
from mapgen.core.fsutil import atomic_write, is_temp
from mapgen.geo.cache import GeocodeCache
from mapgen.pipeline.builder import Builder

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="POSIX signals")

FILES = ("map.html", "map.geojson", "geocode-cache.yaml")


@dataclass
class Versions:
    """Two versions of a story and what a complete build of each writes."""

    story: Path
    places: tuple[str, str]
    #: file name -> the complete contents it may have (old or new, of either version).
    allowed: dict[str, set[bytes]]
    html: tuple[bytes, bytes]
    cache_partial: bytes
    cache_full: bytes

    def path(self, name: str) -> Path:
        return self.story / name if name == "geocode-cache.yaml" else self.story / "output" / name

    def prepare(self, version: int) -> None:
        """Put version ``version`` of places.yaml in place, and a cache missing Seoul."""
        atomic_write(self.story / "places.yaml", self.places[version])
        atomic_write(self.path("geocode-cache.yaml"), self.cache_partial)

    def check(self) -> None:
        for name in FILES:
            data = self.path(name).read_bytes()
            if data not in self.allowed[name]:
                torn = any(whole.startswith(data) for whole in self.allowed[name])
                sizes = sorted(len(whole) for whole in self.allowed[name])
                raise AssertionError(
                    f"{name} is neither the old nor the new file: {len(data)} bytes"
                    f" (complete ones: {sizes}); {'torn' if torn else 'different'}"
                )

    def temps(self) -> list[str]:
        folders = (self.story, self.story / "output")
        return sorted(p.name for f in folders if f.exists() for p in f.iterdir() if is_temp(p.name))


@pytest.fixture
def versions(seed_story, monkeypatch) -> Versions:
    places = (seed_story / "places.yaml").read_text(encoding="utf-8")
    assert "name: Pier 33\n" in places
    other = places.replace("name: Pier 33\n", "name: Pier 33 (second version)\n", 1)
    cache_path = seed_story / "geocode-cache.yaml"
    entries = GeocodeCache.load(cache_path)
    (seoul,) = [e for e in entries if e.query == "Seoul"]
    # Every build here, in this process or a child, reads the clock as the day Seoul was
    # first cached: the rebuilt cache is then the shipped file, byte for byte, on any day.
    shipped = dt.date.fromisoformat(seoul.date)
    clock = fixed(shipped)
    epoch = dt.datetime(shipped.year, shipped.month, shipped.day, tzinfo=dt.timezone.utc)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(epoch.timestamp())))
    Builder(seed_story, clock=clock).build()  # warms the user cache (Leaflet, the index)
    partial = GeocodeCache(cache_path, [e for e in entries if e.query != "Seoul"]).dumps().encode()
    full = cache_path.read_bytes()
    outputs: dict[str, list[bytes]] = {"map.html": [], "map.geojson": []}
    for text in (other, places):
        (seed_story / "places.yaml").write_text(text, encoding="utf-8")
        cache_path.write_bytes(partial)
        Builder(seed_story, clock=clock).build()
        assert cache_path.read_bytes() == full
        for name in outputs:
            outputs[name].append((seed_story / "output" / name).read_bytes())
    allowed = {name: set(data) for name, data in outputs.items()}
    allowed["geocode-cache.yaml"] = {partial, full}
    html = (outputs["map.html"][1], outputs["map.html"][0])
    return Versions(seed_story, (places, other), allowed, html, partial, full)


def _build_command(story: Path) -> list[str]:
    return [sys.executable, "-m", "mapgen", "build", str(story)]


def test_builds_killed_at_random_leave_old_or_new_files(versions):
    """SIGKILL after random delays spread over a whole build, the writes included."""
    rng = random.Random(6)
    start = time.monotonic()
    proc = subprocess.run(_build_command(versions.story), capture_output=True, check=False)
    whole = time.monotonic() - start
    assert proc.returncode == 0, proc.stderr
    killed = finished = 0
    deadline = time.monotonic() + 60
    for i in range(24):
        if time.monotonic() > deadline:
            break
        versions.prepare(i % 2)
        child = subprocess.Popen(
            _build_command(versions.story), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        time.sleep(rng.uniform(0.4, 1.15) * whole)
        child.kill()
        code = child.wait()
        finished += code == 0
        killed += code == -signal.SIGKILL
        versions.check()
    assert killed > 0
    # Whatever the kills left, the next build cleans up and writes the new files.
    versions.prepare(0)
    proc = subprocess.run(_build_command(versions.story), capture_output=True, check=False)
    assert proc.returncode == 0, proc.stderr
    versions.check()
    assert versions.path("map.html").read_bytes() == versions.html[0]
    assert versions.path("geocode-cache.yaml").read_bytes() == versions.cache_full
    assert versions.temps() == []


# A build that kills itself at a chosen point of a chosen file's atomic write.
_KILLER = r"""
import os, signal, sys
story, target, where = sys.argv[1:4]
real_replace, real_fdopen = os.replace, os.fdopen

def die():
    os.kill(os.getpid(), signal.SIGKILL)

def ours(path):
    return os.path.basename(os.fspath(path)).startswith("." + target + ".")

def replace(src, dst):
    hit = os.path.basename(os.fspath(dst)) == target
    if hit and where == "before-rename":
        die()
    real_replace(src, dst)
    if hit and where == "after-rename":
        die()

class HalfWriter:
    def __init__(self, fh):
        self.fh = fh
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.fh.close()
    def write(self, data):
        self.fh.write(data[: len(data) // 2])
        self.fh.flush()
        die()

def fdopen(fd, *args, **kwargs):
    fh = real_fdopen(fd, *args, **kwargs)
    if where == "mid-write" and ours(os.readlink(f"/proc/self/fd/{fd}")):
        return HalfWriter(fh)
    return fh

os.replace, os.fdopen = replace, fdopen
from mapgen.cli.main import main
main(["build", story], prog_name="mapgen")
"""


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc")
@pytest.mark.parametrize("target", FILES)
def test_builds_killed_inside_each_write(versions, target):
    for step, where in enumerate(("mid-write", "before-rename", "after-rename")):
        version = step % 2
        before = {name: versions.path(name).read_bytes() for name in FILES}
        versions.prepare(version)
        before["geocode-cache.yaml"] = versions.cache_partial
        proc = subprocess.run(
            [sys.executable, "-c", _KILLER, str(versions.story), target, where],
            capture_output=True,
            check=False,
        )
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        versions.check()
        written = versions.path(target).read_bytes()
        if where == "after-rename":
            assert written != before[target]
            # (map.html is renamed first: the GeoJSON's file, written, may wait beside it)
            assert [name for name in versions.temps() if name.startswith(f".{target}.")] == []
        else:
            assert written == before[target]
            assert [name for name in versions.temps() if name.startswith(f".{target}.")], where
        # The next build removes the leftover and writes every file whole.
        Builder(versions.story).build()
        versions.check()
        assert versions.temps() == []
        assert versions.path("map.html").read_bytes() == versions.html[version]


# --------------------------------------------------------------------------- builds at once

_ARTICLE = "Reports named Busan, Kaesong, Nampo, Khabarovsk, Wonsan and Incheon.\n"
_CITIES = [("Busan", "KR"), ("Kaesong", "KP"), ("Nampo", "KP"), ("Khabarovsk", "RU")]


def _small_story(folder: Path, city: str, country: str) -> Path:
    path = folder / f"{city.lower()}.yaml"
    path.write_text(
        f"title: {city}\n"
        "sources:\n  - {id: a, file: seeds/a.txt, title: Reports}\n"
        "places:\n"
        f"  - id: p\n    name: {city}\n    kind: city\n    country: {country}\n"
        "    quotes: [{source: a, text: Reports named Busan}]\n",
        encoding="utf-8",
    )
    return path


def test_builds_at_once_keep_every_answer_in_the_cache(tmp_path):
    story = tmp_path / "story"
    (story / "seeds").mkdir(parents=True)
    (story / "seeds" / "a.txt").write_text(_ARTICLE, encoding="utf-8")
    files = [_small_story(story, city, country) for city, country in _CITIES]
    Builder(files[0]).check()  # loads the gazetteer index once, into the user cache
    for _round in range(2):
        (story / "geocode-cache.yaml").unlink(missing_ok=True)
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "mapgen", "build", str(f), "-o", str(tmp_path / f.stem)],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for f in files
        ]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        cache = GeocodeCache.load(story / "geocode-cache.yaml")
        assert sorted(e.query for e in cache) == sorted(city for city, _ in _CITIES)
        assert not [p for p in story.iterdir() if is_temp(p.name)]


def test_a_watch_and_a_manual_build_at_once(seed_story):
    from mapgen.serve.watch import Watcher

    lines: list[tuple[str, bool]] = []
    watcher = Watcher(Builder(seed_story), echo=lambda line, err: lines.append((line, err)))
    watcher.rebuild()
    stop = threading.Event()
    thread = threading.Thread(target=watcher.loop, args=(stop,), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not watcher.watching and time.monotonic() < deadline:
            time.sleep(0.02)
        time.sleep(0.3)
        places = seed_story / "places.yaml"
        text = places.read_text(encoding="utf-8")
        # A new query for both the watch and the manual build to geocode and save at once.
        places.write_text(text.replace("name: Pyongyang", "name: Pyongyang\n    query: Kaesong", 1))
        proc = subprocess.run(_build_command(seed_story), capture_output=True, check=False)
        assert proc.returncode == 0, proc.stderr
        # The watch rebuilds for the edit, and once more at most for the manual build's
        # cache write; then it settles.
        quiet_since, seen = time.monotonic(), watcher.rebuilds
        deadline = time.monotonic() + 20
        while time.monotonic() - quiet_since < 1.0 or watcher.building:
            assert time.monotonic() < deadline, "the watch kept rebuilding"
            time.sleep(0.05)
            if watcher.rebuilds != seen:
                quiet_since, seen = time.monotonic(), watcher.rebuilds
        assert 2 <= watcher.rebuilds <= 3 and watcher.failures == 0, lines
    finally:
        stop.set()
        thread.join(10)
    cache = GeocodeCache.load(seed_story / "geocode-cache.yaml")
    assert "Kaesong" in {e.query for e in cache}
    assert os.path.getsize(seed_story / "output" / "map.html") > 10_000
    assert not [p for p in (seed_story / "output").iterdir() if is_temp(p.name)]


def test_every_file_mapgen_writes_goes_through_atomic_write():
    """No module writes a file but fsutil: the rest call atomic_write."""
    import re

    import mapgen

    package = Path(mapgen.__file__).parent
    writes = re.compile(
        r"\.write_(text|bytes)\(|\bopen\([^)]*['\"][wax]b?\+?['\"]|os\.(replace|rename)\(|"
        r"mkstemp\(|NamedTemporaryFile\(|shutil\.(copy|move)"
    )
    found = [
        f"{path.relative_to(package)}:{number}: {line.strip()}"
        for path in sorted(package.rglob("*.py"))
        if path.relative_to(package).as_posix() != "core/fsutil.py"
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if writes.search(line)
    ]
    assert found == []
    assert "atomic_write_all(" in (package / "pipeline" / "builder.py").read_text(encoding="utf-8")
