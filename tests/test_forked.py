"""The second core: a forked child's bytes, its failures, and builds that use it.

A fork is refused while another thread runs (the browser tests' Playwright runs some), so
each test runs in a fresh Python process of its own, as ``mapgen build`` does.  That process
is told the machine has two cores (:data:`mapgen.pipeline.speed.cpu_count`): the forked path is
tested on a machine with one core too, where it works, only without gain.
"""

from __future__ import annotations

import os
import shutil
import textwrap
from pathlib import Path

import pytest

from .conftest import ROOT, run_python
from .test_datalayer import big_story  # noqa: F401  (a fixture, asked for by name)

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this system")

#: Run first in each test's process: two cores, whatever this machine has.
TWO_CORES = "from mapgen.pipeline import speed as _speed\n_speed.cpu_count = lambda: 2\n"


def run_forking(code: str, *args: str) -> str:
    """:func:`run_python` in a process told it has two cores, so that it forks."""
    return run_python(TWO_CORES + textwrap.dedent(code), *args)


@needs_fork
def test_the_childs_parts_come_back_whole_and_failures_give_none():
    out = run_forking(
        """
        import os, time
        from mapgen.pipeline import speed
        big = os.urandom(3 << 20)  # more than a pipe holds: the parent reads as it comes
        pending = speed.start(lambda: iter([big[::-1]]))
        assert pending.result() == big[::-1]
        def fail():
            raise ValueError("no")
            yield b""
        assert speed.start(fail).result() is None
        def two():  # a part is the parent's as soon as it is whole: before the child ends
            yield b"first" * 100_000
            yield b""
            time.sleep(60)
            yield b"late"
        pending = speed.start(two)
        started = time.perf_counter()
        assert pending.part(0) == b"first" * 100_000
        assert pending.part(1) == b""
        assert time.perf_counter() - started < 10
        pending.cancel()
        assert time.perf_counter() - started < 10
        assert pending.part(2) is None  # stopped before it was made
        try:
            os.waitpid(pending.pid, os.WNOHANG)
        except ChildProcessError:
            print("reaped")
        def broken():  # a part made before a failure is whole; the next never comes
            yield b"made"
            raise MemoryError
        pending = speed.start(broken)
        assert pending.part(0) == b"made"
        assert pending.part(1) is None
        assert pending.result() is None
        pending.cancel()
        def pieces():  # a part given in pieces is one part, copied file to file
            yield b"head"
            yield iter([big[: 1 << 20], b"", big[1 << 20 :]])
        pending = speed.start(pieces)
        stored = pending.stored(1)
        assert stored.length == len(big) and pending.part(1) == big
        from mapgen.core.fsutil import atomic_write
        atomic_write("copied.bin", stored)
        assert open("copied.bin", "rb").read() == big
        os.remove("copied.bin")
        pending.cancel()
        print("parts")
        """
    )
    assert out.split() == ["reaped", "parts"]


@needs_fork
def test_no_fork_while_another_thread_runs_or_on_one_core():
    out = run_python(
        """
        import os, threading
        from mapgen.pipeline import speed
        speed.cpu_count = lambda: 2
        assert speed.can_fork()
        stop = threading.Event()
        thread = threading.Thread(target=stop.wait)
        thread.start()
        assert not speed.can_fork()
        assert speed.start(lambda: iter([b"x"])) is None
        stop.set()
        thread.join()
        assert speed.can_fork()
        for one in (lambda: 1, lambda: None):  # one core, or a count the system cannot tell
            speed.cpu_count = one
            assert not speed.can_fork()
            assert speed.start(lambda: iter([b"x"])) is None
        print("refused")
        """
    )
    assert out.split() == ["refused"]


@needs_fork
def test_a_big_build_on_one_core_does_everything_itself(request, page_assets, tmp_path):
    out = run_python(
        """
        import os, sys
        import mapgen
        from mapgen.pipeline import speed
        speed.cpu_count = lambda: 1
        speed.PARALLEL_FROM = 0
        def no_fork():
            raise AssertionError("forked on one core")
        os.fork = no_fork
        result = mapgen.build(sys.argv[1], sys.argv[2])
        print(result.html.name, result.geojson.name)
        """,
        str(request.getfixturevalue("big_story")),
        str(tmp_path),
    )
    assert out.split() == ["map.html", "map.geojson"]


BUILD_BOTH = """
import os, sys
import mapgen
from mapgen.page import evidence
from mapgen.pipeline import speed
from mapgen.pipeline import builder as pipeline
story, out, child, fork = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
speed.PARALLEL_FROM = 10**9
alone = mapgen.build(story, out + "/alone")
os.remove(os.path.join(story, "geocode-cache.yaml"))  # the gazetteer is asked again
speed.PARALLEL_FROM = 0
if fork == "late":  # as when an online geocoder could be asked: fork once geocoded
    pipeline.may_go_online = lambda setting, request: True
geocoded = []
real_geocode = pipeline.geocode_story
def geocode_story(*args, **kwargs):
    geocoded.append(1)
    return real_geocode(*args, **kwargs)
pipeline.geocode_story = geocode_story
started = []
real = speed.start
def start(make):
    started.append(len(geocoded))  # offline, the fork comes before this process geocodes
    if child == "fail":
        def make():
            raise MemoryError
            yield b""
    elif child.startswith("fail-after-"):
        make = late(make, {"fail-after-the-spans": 1, "fail-after-the-articles": 2}[child])
    return real(make)
def late(make, parts):
    def fails():
        made = make()
        for _ in range(parts):
            yield next(made)
        raise MemoryError
    return fails
speed.start = start
made_here = []
real_sources_json = evidence.sources_json
def sources_json(story, start=0, stop=None):
    made_here.append(start)
    return real_sources_json(story, start, stop)
evidence.sources_json = sources_json
beside = mapgen.build(story, out + "/beside")
assert started == [0 if fork == "early" else 1], started
# the first articles' JSON is the child's, unless it failed before sending it
sent = child in ("works", "fail-after-the-articles")
assert made_here == ([speed.child_articles(beside.story.story)] if sent else [0]), made_here
assert 0 < speed.child_articles(beside.story.story) < len(beside.story.story.sources)
assert beside.geojson.read_bytes() == alone.geojson.read_bytes()
assert beside.html.read_bytes() == alone.html.read_bytes()
print("same")
"""


#: A place the offline gazetteer finds (the build then writes it to the geocode cache), so
#: that a child that geocodes too must come to the same answer without writing it.
GAZETTEER_PLACE = """\
  - id: vladivostok
    name: Vladivostok
    kind: port
    country: RU
    quotes: [{source: a, text: A strike was reported at depot 1}]
"""


def _add_places(story: Path, text: str) -> None:
    places = story / "places.yaml"
    places.write_text(
        places.read_text(encoding="utf-8").replace("places:\n", "places:\n" + text, 1),
        encoding="utf-8",
    )


@needs_fork
@pytest.mark.parametrize("fork", ["early", "late"])
@pytest.mark.parametrize(
    "child", ["works", "fail", "fail-after-the-spans", "fail-after-the-articles"]
)
def test_a_build_with_the_second_core_writes_the_same_bytes(
    request, page_assets, tmp_path, child, fork
):
    story = tmp_path / "story"
    shutil.copytree(request.getfixturevalue("big_story"), story)
    _add_places(story, GAZETTEER_PLACE)
    out = run_forking(BUILD_BOTH, str(story), str(tmp_path), child, fork)
    assert out.strip() == "same"
    assert "Vladivostok" in (story / "geocode-cache.yaml").read_text(encoding="utf-8")


WRONG_QUOTE = """
import sys
import mapgen
from mapgen.core import errors
from mapgen.pipeline import speed
story, out = sys.argv[1], sys.argv[2]
speed.PARALLEL_FROM = int(sys.argv[3])
started = []
real = speed.start
speed.start = lambda make: started.append(real(make)) or started[-1]
try:
    mapgen.build(story, out)
except errors.StoryError as exc:
    print(exc)
# beside (PARALLEL_FROM 0) a child was forked; alone, none
assert [p is not None for p in started] == ([True] if speed.PARALLEL_FROM == 0 else []), started
"""


IN_CSV = ("places.csv", "depot 17, near", "depot 17, far from")
IN_YAML = ("places.yaml", "Depot 3 burned all night.", "Depot 3 burned all day.")


UNKNOWN_PLACE = """\
  - id: nowhere
    name: Xyzzyvale
    kind: city
    country: RU
    quotes: [{source: b, text: Depot 3 burned all night.}]
"""


@needs_fork
@pytest.mark.parametrize(
    "wrong",
    [[IN_CSV], [IN_YAML], [IN_CSV, IN_YAML], [IN_CSV, "place"]],
    ids=["csv", "yaml", "both", "and-a-place"],
)
def test_a_quote_not_found_beside_fails_the_build_as_alone(request, page_assets, tmp_path, wrong):
    story = tmp_path / "story"
    shutil.copytree(request.getfixturevalue("big_story"), story)
    if "place" in wrong:  # the places' problems are reported with the quotes'
        _add_places(story, UNKNOWN_PLACE)
    for name, right, typo in [w for w in wrong if w != "place"]:
        text = (story / name).read_text(encoding="utf-8")
        (story / name).write_text(text.replace(right, typo), encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "map.html").write_text("the last good map", encoding="utf-8")
    alone = run_python(WRONG_QUOTE, str(story / "places.yaml"), str(out), "1000000000")
    beside = run_forking(WRONG_QUOTE, str(story / "places.yaml"), str(out), "0")
    assert alone.count("quote not found") == (
        (IN_CSV in wrong) + 2 * (IN_YAML in wrong)  # the YAML quotes that line twice
    ), alone
    assert ("cannot find 'Xyzzyvale'" in alone) == ("place" in wrong), alone
    assert beside == alone
    assert (out / "map.html").read_text(encoding="utf-8") == "the last good map"
    assert not (out / "map.geojson").exists()


@needs_fork
def test_a_build_that_fails_while_geocoding_leaves_no_child(request, page_assets, tmp_path):
    out = run_forking(
        """
        import os, sys
        import mapgen
        from mapgen.core import errors
        from mapgen.pipeline import speed
        from mapgen.pipeline import builder as pipeline
        speed.PARALLEL_FROM = 0
        started = []
        real = speed.start
        def start(make):
            pending = real(make)
            started.append(pending)
            return pending
        speed.start = start
        def geocode_story(*args, **kwargs):  # as when the cache cannot be saved
            raise errors.OutputError("geocode-cache.yaml: cannot write it")
        pipeline.geocode_story = geocode_story
        try:
            mapgen.build(sys.argv[1], sys.argv[2])
        except errors.OutputError as exc:
            print("failed:", exc)
        assert len(started) == 1 and started[0] is not None  # it forked before geocoding
        try:
            os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            print("no child left")
        """,
        str(request.getfixturevalue("big_story")),
        str(tmp_path),
    )
    assert out.split("\n")[:2] == ["failed: geocode-cache.yaml: cannot write it", "no child left"]


IMPORTS = """
import sys
import mapgen
from mapgen.export import geojson
from mapgen.page.evidence import sources_json
from mapgen.pipeline import speed  # the seam, which the build imports before it forks
from mapgen.quotes import verify as sources
story = mapgen.load(sys.argv[1])  # what the child needs: every quote found ...
sources.find_all(story, sources.quote_keys(story))
sources_json(story)  # ... the articles' JSON ...
geojson.text(mapgen.geocode(story))  # ... and the GeoJSON
print("folium" in sys.modules, end=" ")
mapgen.build(sys.argv[1], sys.argv[2])
print("folium" in sys.modules)
"""


def test_only_the_page_imports_folium(page_assets, tmp_path):
    """A big build forks once the story is loaded: what both processes need must not import
    folium (a third of a second), or its import is paid before the fork, on one core."""
    out = run_python(IMPORTS, str(ROOT / "places.yaml"), str(tmp_path))
    assert out.split() == ["False", "True"]  # the data without it; the page with it


GEOPY = """
import sys
import mapgen
mapgen.build(sys.argv[1], sys.argv[2])
print("geopy" in sys.modules, "mapgen.geo.gazetteer" in sys.modules)
"""


def test_a_story_with_every_position_known_never_imports_geopy(request, page_assets, tmp_path):
    """Coordinates given or cached: no gazetteer, no geopy (a tenth of a second before a big
    build can fork); a place the cache does not know imports both."""
    known = request.getfixturevalue("big_story")
    out = run_python(GEOPY, str(known), str(tmp_path / "a"))
    assert out.split() == ["False", "False"]
    story = tmp_path / "story"
    shutil.copytree(known, story)
    _add_places(story, GAZETTEER_PLACE)
    out = run_python(GEOPY, str(story), str(tmp_path / "b"))
    assert out.split() == ["True", "True"]
