"""``mapgen watch``: real file changes in a temporary story folder, the served page over HTTP,
incremental rebuilds, and Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from mapgen.cli.main import main
from mapgen.core.fsutil import is_temp
from mapgen.geo.cache import GeocodeCache
from mapgen.pipeline.builder import Builder
from mapgen.serve.livereload import BANNER_ID, EVENTS_PATH, LiveServer, LiveState, inject
from mapgen.serve.watch import Watcher, watch

TIMEOUT = 60.0  # a bound for a hang, not a speed: a loaded 2-core machine took 16 s


def wait_for(condition: Callable[[], object], timeout: float = TIMEOUT, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or condition}")
        time.sleep(0.02)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def leftovers(*folders: Path) -> list[str]:
    return [
        p.name for folder in folders if folder.exists() for p in folder.iterdir() if is_temp(p.name)
    ]


@dataclass
class Session:
    """A Watcher looping in a thread over a copy of the story."""

    story: Path
    watcher: Watcher
    stop: threading.Event
    thread: threading.Thread
    lines: list[tuple[str, bool]] = field(default_factory=list)

    @property
    def html(self) -> Path:
        return self.story / "output" / "map.html"

    @property
    def places(self) -> Path:
        return self.story / "places.yaml"

    def settle(self, quiet: float = 0.6) -> int:
        """Wait until no rebuild has finished for ``quiet`` seconds; the rebuild count."""
        seen, since = self.watcher.rebuilds, time.monotonic()
        deadline = since + TIMEOUT
        while time.monotonic() - since < quiet or self.watcher.building:
            assert time.monotonic() < deadline, "rebuilds never settled"
            time.sleep(0.05)
            if self.watcher.rebuilds != seen:
                seen, since = self.watcher.rebuilds, time.monotonic()
        return seen

    def rebuilt_after(self, action: Callable[[], None]) -> None:
        """Do ``action`` and wait for the rebuild it causes to finish."""
        before = self.watcher.rebuilds
        action()
        wait_for(lambda: self.watcher.rebuilds > before, what="a rebuild")
        self.settle(0.3)


def start(story: Path, **kwargs) -> Session:
    lines: list[tuple[str, bool]] = []
    watcher = Watcher(Builder(story), echo=lambda line, err: lines.append((line, err)), **kwargs)
    stop = threading.Event()
    watcher.rebuild()
    thread = threading.Thread(target=watcher.loop, args=(stop,), daemon=True)
    thread.start()
    wait_for(watcher.started.is_set, what="the watcher to start")
    return Session(story, watcher, stop, thread, lines)


@pytest.fixture
def session(seed_story) -> Iterator[Session]:
    s = start(seed_story)
    yield s
    s.stop.set()
    s.thread.join(10)
    assert not s.thread.is_alive()


def test_saving_places_yaml_rebuilds_the_map(session):
    assert session.watcher.state.snapshot().build == 1
    session.rebuilt_after(lambda: edit(session.places, "name: Pier 33", "name: Pier 33 (berth)"))
    assert "Pier 33 (berth)" in session.html.read_text(encoding="utf-8")
    assert session.watcher.state.snapshot().build == 2
    assert any(" rebuilt " in line and "map.html" in line for line, _ in session.lines)
    assert leftovers(session.story, session.story / "output") == []


def test_a_mistake_keeps_the_last_good_map_and_the_fix_clears_it(session):
    before = session.html.read_bytes(), (session.story / "output" / "map.geojson").read_bytes()
    session.rebuilt_after(lambda: edit(session.places, "kind: military", "kind: militery"))
    assert (
        session.html.read_bytes(),
        (session.story / "output" / "map.geojson").read_bytes(),
    ) == before
    state = session.watcher.state.snapshot()
    assert state.build == 1 and state.error is not None
    errors = [line for line, err in session.lines if err]
    assert errors and errors[0] == state.error.splitlines()[0]
    assert errors[0].startswith(f"{session.places}:") or errors[0].startswith("places.yaml:")
    assert ":11: kind: unknown value 'militery'; did you mean 'military'?" in errors[0]
    session.rebuilt_after(lambda: edit(session.places, "kind: militery", "kind: military"))
    state = session.watcher.state.snapshot()
    assert state.error is None and state.build == 2


def test_a_burst_of_saves_is_one_rebuild(seed_story):
    # Saves 10 ms apart; changes settle after 200 ms here (50 by default), so that a slow
    # machine's scheduling cannot split the burst.
    session = start(seed_story, step_ms=200)
    try:
        _burst(session)
    finally:
        session.stop.set()
        session.thread.join(10)


def _burst(session: Session) -> None:
    base = session.settle()
    text = session.places.read_text(encoding="utf-8")
    for i in range(6):
        session.places.write_text(text.replace("name: Pier 33", f"name: Pier 33 v{i}", 1), "utf-8")
        time.sleep(0.01)
    wait_for(lambda: session.watcher.rebuilds > base, what="a rebuild")
    assert session.settle() == base + 1
    assert "Pier 33 v5" in session.html.read_text(encoding="utf-8")


def test_its_own_cache_write_does_not_rebuild_again(session):
    cache = session.story / "geocode-cache.yaml"
    entries = GeocodeCache.load(cache)
    assert any(e.query == "Seoul" for e in entries)
    base = session.settle()
    # Deleting an entry by hand is a change: the rebuild geocodes Seoul again and saves the
    # cache; that save must not set off another rebuild.
    text = cache.read_text(encoding="utf-8")
    kept = GeocodeCache(cache, [e for e in entries if e.query != "Seoul"])
    cache.write_text(kept.dumps(), encoding="utf-8")
    assert text != cache.read_text(encoding="utf-8")
    wait_for(lambda: session.watcher.rebuilds > base, what="a rebuild")
    assert session.settle(1.0) == base + 1
    assert "query: Seoul" in cache.read_text(encoding="utf-8")


def test_an_article_change_rebuilds_and_a_new_article_is_picked_up(session):
    article = session.story / "seeds" / "000_fa09de8f1ea714ac.txt"
    base = session.settle()
    session.rebuilt_after(lambda: article.write_text(article.read_text("utf-8") + "\n", "utf-8"))
    assert session.watcher.rebuilds == base + 1 and session.watcher.failures == 0
    # Name an article that does not exist yet: an error; writing it fixes the story.
    places = session.places
    session.rebuilt_after(
        lambda: edit(
            places,
            "sources:\n",
            "sources:\n  - id: extra\n    file: seeds/extra.txt\n    title: Extra\n",
        )
    )
    assert "seeds/extra.txt" in (session.watcher.state.snapshot().error or "")
    session.rebuilt_after(
        lambda: (session.story / "seeds" / "extra.txt").write_text("Extra words.\n")
    )
    assert session.watcher.state.snapshot().error is None


def test_a_csv_of_places_it_includes_is_watched(tmp_path):
    story = tmp_path / "bulk"
    (story / "seeds").mkdir(parents=True)
    (story / "data").mkdir()
    (story / "seeds" / "a.txt").write_text("Kim visited Pyongyang, the capital.\n", "utf-8")
    (story / "places.yaml").write_text(
        "title: Bulk\nsources:\n  - {id: a, file: seeds/a.txt, title: A}\n"
        "include: [data/pts.csv]\n",
        encoding="utf-8",
    )
    csv = story / "data" / "pts.csv"
    csv.write_text(
        'id,name,kind,lat,lon,source,quote\np1,Pyongyang,capital,39.03,125.75,a,"Kim visited Pyongyang"\n',
        encoding="utf-8",
    )
    s = start(story)
    try:
        assert s.watcher.failures == 0, s.lines
        assert story / "data" in s.watcher.watching
        s.rebuilt_after(lambda: edit(csv, "p1,Pyongyang,", "p1,Pyongyang (capital),"))
        assert "Pyongyang (capital)" in s.html.read_text(encoding="utf-8")
        s.rebuilt_after(lambda: edit(csv, ",39.03,", ",139.03,"))
        error = s.watcher.state.snapshot().error or ""
        assert "pts.csv:2:" in error and "139.03" in error
    finally:
        s.stop.set()
        s.thread.join(10)


def test_files_it_does_not_read_are_ignored(session):
    base = session.settle()
    (session.story / "README.txt").write_text("notes")
    (session.story / ".places.yaml.swp").write_text("vim")
    (session.story / "output" / "extra.html").write_text("x")
    (session.story / ".places.yaml.abcd1234.tmp").write_text("x")
    time.sleep(0.6)
    assert session.settle() == base


def test_a_cache_written_by_another_build_is_read_again(session, monkeypatch):
    loads: list[Path] = []
    real = GeocodeCache.load.__func__

    def counting(cls, path):
        loads.append(Path(path))
        return real(cls, path)

    monkeypatch.setattr(GeocodeCache, "load", classmethod(counting))
    # A rebuild with the cache unchanged does not read it again ...
    session.rebuilt_after(lambda: edit(session.places, "name: Pier 33", "name: Pier 33 (a)"))
    assert loads == []
    # ... but one after another process wrote it does.
    cache = session.story / "geocode-cache.yaml"
    text = cache.read_text(encoding="utf-8")
    session.rebuilt_after(lambda: cache.write_text(text + "\n", encoding="utf-8"))
    assert [p.name for p in loads][:1] == ["geocode-cache.yaml"]


def counted_page_assets(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """Each preparation of the page's assets (Leaflet, the basemap), which still happens."""
    import mapgen.page.standalone

    prepared: list[bool] = []
    real_assets = mapgen.page.standalone.page_assets
    monkeypatch.setattr(
        mapgen.page.standalone,
        "page_assets",
        lambda cdn, *rest, **kw: prepared.append(cdn) or real_assets(cdn, *rest, **kw),
    )
    return prepared


def test_rebuilds_are_incremental(seed_story, page_assets, monkeypatch):
    """Only a new query goes to the gazetteer; the page's assets are prepared once."""
    prepared = counted_page_assets(monkeypatch)
    builder = Builder(seed_story)
    builder.build()
    asked: list[str] = []
    real = builder.gazetteer.geocode

    def counting(query, *args, **kwargs):
        asked.append(query)
        return real(query, *args, **kwargs)

    builder.gazetteer.geocode = counting
    builder.build()
    assert asked == []
    edit(seed_story / "places.yaml", "name: Pyongyang", "name: Pyongyang\n    query: Kaesong")
    builder.build()
    assert asked == ["Kaesong"]
    assert "Kaesong" in (seed_story / "geocode-cache.yaml").read_text(encoding="utf-8")
    assert builder.builds == 3
    assert prepared == [False]


def test_missing_page_assets_are_sought_again_at_each_rebuild_until_found(
    seed_story, page_assets, asset_cache, tmp_path, monkeypatch
):
    """Offline (no xstatic-leaflet, no cache, no npm, no CDN), each rebuild seeks Leaflet and
    the basemap again and links Leaflet from the CDN meanwhile; once they can be had, they
    are kept."""
    import sys
    import warnings

    prepared = counted_page_assets(monkeypatch)
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(tmp_path / "empty-cache"))
    (tmp_path / "no-npm").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "no-npm"))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        monkeypatch.setenv("MAPGEN_CDN_BASE", f"http://127.0.0.1:{s.getsockname()[1]}")
    builder = Builder(seed_story)
    with warnings.catch_warnings(), monkeypatch.context() as without:
        without.setitem(sys.modules, "xstatic.pkg.leaflet", None)  # as after pip --no-deps
        warnings.simplefilter("ignore")
        assert builder.build().self_contained is False
        assert builder.build().self_contained is False
    assert prepared == [False, False]
    # Found now: xstatic-leaflet importable again (and the cache filled, as once fetched).
    monkeypatch.setenv("MAPGEN_CACHE_DIR", str(asset_cache))
    assert builder.build().self_contained is True
    assert builder.build().self_contained is True
    assert prepared == [False, False, False]


# --------------------------------------------------------------------------- no save lost


class Echoes:
    """``watch()``'s lines; an action can be set to run the moment a line is printed, in
    the watch's own thread, before it goes on (a person saving as fast as can be)."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._actions: list[tuple[str, Callable[[], None]]] = []

    def on(self, text: str, action: Callable[[], None]) -> None:
        """Run ``action`` when a line holding ``text`` is next printed (once)."""
        self._actions.append((text, action))

    def __call__(self, line: str, err: bool) -> None:
        self.lines.append(line)
        for i, (text, action) in enumerate(self._actions):
            if text in line:
                del self._actions[i]
                action()
                break

    def count(self, text: str) -> int:
        return sum(text in line for line in self.lines)


def watching(story: Path, echoes: Echoes, rebuilt: int) -> None:
    """Run ``watch()`` on ``story`` until it has printed ``rebuilt`` rebuilt lines."""
    stop = threading.Event()
    thread = threading.Thread(
        target=watch, args=(story,), kwargs={"echo": echoes, "stop": stop}, daemon=True
    )
    thread.start()
    try:
        wait_for(lambda: echoes.count(" rebuilt ") >= rebuilt, what=f"rebuild {rebuilt}")
    finally:
        stop.set()
        thread.join(10)
    assert not thread.is_alive()


def test_a_save_the_moment_watching_is_printed_is_rebuilt(seed_story):
    """The issue's race: ``Watching ...`` was printed before the watching began, so a save
    right after it was lost (2 tries in 3).  Here the save is made inside the printing,
    every time."""
    places = seed_story / "places.yaml"
    for attempt in range(3):
        echoes = Echoes()
        echoes.on(
            "Watching ", lambda a=attempt: edit(places, "name: Pier 33", f"name: Pier 33 v{a}")
        )
        watching(seed_story, echoes, 2)
        assert echoes.lines[1].startswith("Watching "), echoes.lines
        assert f"Pier 33 v{attempt}" in (seed_story / "output" / "map.html").read_text("utf-8")


def test_a_save_during_the_first_build_is_rebuilt(seed_story):
    """A save made before the watching begins (here: as the first build ends) is found by
    comparing the folders with what the build began with."""
    echoes = Echoes()
    places = seed_story / "places.yaml"
    echoes.on(" rebuilt ", lambda: edit(places, "name: Pier 33", "name: Pier 33 (early)"))
    watching(seed_story, echoes, 2)
    assert "Pier 33 (early)" in (seed_story / "output" / "map.html").read_text("utf-8")


def bulk_story(story: Path) -> Path:
    """A story of one article and a CSV of places it includes from ``data/``."""
    (story / "seeds").mkdir(parents=True)
    (story / "data").mkdir()
    (story / "seeds" / "a.txt").write_text("Kim visited Pyongyang, the capital.\n", "utf-8")
    (story / "places.yaml").write_text(
        "title: Bulk\nsources:\n  - {id: a, file: seeds/a.txt, title: A}\n"
        "include: [data/pts.csv]\n",
        encoding="utf-8",
    )
    (story / "data" / "pts.csv").write_text(
        'id,name,kind,lat,lon,source,quote\np1,Pyongyang,capital,39.03,125.75,a,"Kim visited Pyongyang"\n',
        encoding="utf-8",
    )
    return story


@pytest.mark.parametrize(
    ("saved", "old", "new"),
    [
        ("places.yaml", "title: Bulk", "title: Bulk moved"),
        ("more/pts.csv", "Pyongyang (more)", "Pyongyang (moved)"),
    ],
)
def test_a_save_while_the_folders_to_watch_change_is_rebuilt(tmp_path, saved, old, new):
    """A rebuild that names a new folder (``more/``) starts watching anew: a save made as
    it ends was seen by the old watch and dropped with it (places.yaml), or made in a
    folder not watched yet (more/pts.csv).  Either is rebuilt."""
    story = bulk_story(tmp_path / "bulk")
    (story / "more").mkdir()
    moved = story / "more" / "pts.csv"
    moved.write_text(
        (story / "data" / "pts.csv").read_text("utf-8").replace(",Pyongyang,", ",Pyongyang (more),")
    )
    places = story / "places.yaml"
    echoes = Echoes()

    def save() -> None:
        edit(story / saved, old, new)

    def name_more() -> None:
        echoes.on(" rebuilt ", save)  # as the rebuild this save makes ends
        edit(places, "data/pts.csv", "more/pts.csv")

    echoes.on("Watching ", name_more)
    watching(story, echoes, 3)
    html = (story / "output" / "map.html").read_text("utf-8")
    assert new.split(": ")[-1] in html, echoes.lines


def test_a_save_right_after_watching_appears_is_rebuilt_by_the_command(seed_story):
    """As a person sees it: ``mapgen watch`` in a process of its own, the file saved as
    soon as the line appears; three tries, each rebuilt."""
    places = seed_story / "places.yaml"
    html = seed_story / "output" / "map.html"
    for attempt in range(3):
        proc = subprocess.Popen(
            [sys.executable, "-m", "mapgen", "watch", str(seed_story)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert proc.stdout is not None
            for line in proc.stdout:
                if line.startswith("Watching"):
                    break
            edit(places, "name: Pier 33", f"name: Pier 33 w{attempt}")
            wait_for(
                lambda a=attempt: f"Pier 33 w{a}" in html.read_text("utf-8"),
                what=f"the rebuild of try {attempt + 1}",
            )
        finally:
            proc.send_signal(signal.SIGINT)
            try:
                proc.communicate(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


# --------------------------------------------------------------------------- the server


@pytest.fixture
def server(tmp_path) -> Iterator[tuple[LiveServer, LiveState, Path]]:
    folder = tmp_path / "output"
    folder.mkdir()
    (folder / "map.html").write_text("<html><body>the map</body></html>", encoding="utf-8")
    (folder / "map.geojson").write_text('{"type": "FeatureCollection"}', encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not served")
    state = LiveState()
    live = LiveServer(folder, state, port=0).start()
    yield live, state, folder
    live.stop()


def get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as answer:
            return answer.status, dict(answer.headers), answer.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def test_the_served_page_has_the_script_and_the_file_on_disk_does_not(server):
    live, _, folder = server
    assert live.url.startswith("http://127.0.0.1:")
    status, headers, body = get(live.url)
    assert status == 200 and headers["Cache-Control"] == "no-store"
    page = body.decode()
    assert page.startswith("<html><body>the map</body>") and EVENTS_PATH in page
    assert page.rstrip().endswith("</html>")
    assert EVENTS_PATH not in (folder / "map.html").read_text()
    assert get(live.url.replace("map.html", "map.geojson"))[2] == b'{"type": "FeatureCollection"}'
    assert get(live.url.replace("map.html", "../secret.txt"))[0] == 404
    status, headers, _ = get(live.url.replace("map.html", ""))
    assert status == 200  # / redirects to the map
    (folder / "sub").mkdir()
    assert get(live.url.replace("map.html", "sub/"))[0] == 404  # no folder listings


def test_the_state_and_the_event_stream(server):
    live, state, _ = server
    base = live.url.replace("/map.html", "")
    session = state.session
    assert json.loads(get(base + "/__mapgen/state")[2]) == {
        "session": session,
        "build": 0,
        "error": None,
    }
    events: list[dict] = []

    def listen():
        with urllib.request.urlopen(base + EVENTS_PATH, timeout=10) as stream:
            for raw in stream:
                line = raw.decode().strip()
                if line.startswith("data: "):
                    events.append(json.loads(line[6:]))
                    if len(events) == 3:
                        return

    thread = threading.Thread(target=listen, daemon=True)
    thread.start()
    wait_for(lambda: len(events) == 1, what="the first event")
    state.failed("places.yaml:3:1: oops")
    wait_for(lambda: len(events) == 2, what="the error event")
    state.built()
    thread.join(10)
    assert events == [
        {"session": session, "build": 0, "error": None},
        {"session": session, "build": 0, "error": "places.yaml:3:1: oops"},
        {"session": session, "build": 1, "error": None},
    ]


def test_the_error_cannot_break_out_of_the_script():
    hostile = "places.yaml:1:1: </script><script>alert(1)</script> <!-- BANNER EVENTS & \u2028"
    state = LiveState()
    state.failed(hostile)
    page = inject("<html><body></body></html>", state.snapshot())
    script = page[page.index("<script>") + len("<script>") :]
    assert script.count("</script>") == 1 and "<!--" not in script
    assert f'getElementById("{BANNER_ID}")' in page and EVENTS_PATH in page
    start = script.index("var state = ") + len("var state = ")
    embedded = json.loads(script[start : script.index(";\n", start)])
    assert embedded == {"session": state.session, "build": 0, "error": hostile}


def test_a_missing_map_is_a_placeholder_with_the_banner(tmp_path):
    state = LiveState()
    state.failed("places.yaml:1:1: broken")
    live = LiveServer(tmp_path / "nothing-yet", state, port=0).start()
    try:
        status, _, body = get(live.url)
    finally:
        live.stop()
    assert status == 200 and b"no map yet" in body and b"places.yaml:1:1: broken" in body


# --------------------------------------------------------------------------- the command


def test_watch_without_a_story_folder_is_exit_2(tmp_path):
    result = CliRunner().invoke(main, ["watch", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "no such folder" in result.stderr


def test_ctrl_c_stops_cleanly_and_leaves_no_temporary_file(seed_story):
    proc = subprocess.Popen(
        [sys.executable, "-m", "mapgen", "watch", str(seed_story), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if line.startswith("Watching"):
                break
        assert any(line.startswith("Serving") for line in lines), lines
        url = next(line.split(" at ")[1].strip() for line in lines if line.startswith("Serving"))
        assert get(url)[0] == 200
        # Ctrl-C in the middle of a rebuild: the rebuild finishes, then the watch stops.
        edit(seed_story / "places.yaml", "name: Pier 33", "name: Pier 33 (b)")
        time.sleep(0.06)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    assert out.rstrip().endswith("Stopped.") and "Traceback" not in err
    assert leftovers(seed_story, seed_story / "output") == []
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(url, timeout=2)


def test_a_port_in_use_is_exit_1(seed_story):
    state = LiveState()
    taken = LiveServer(seed_story, state, port=0).start()
    try:
        result = CliRunner().invoke(main, ["watch", str(seed_story), "--port", str(taken.port)])
    finally:
        taken.stop()
    assert result.exit_code == 1 and "cannot serve on 127.0.0.1" in result.stderr


@pytest.mark.skipif(not hasattr(os, "fork"), reason="POSIX")
def test_watch_survives_an_unexpected_error(seed_story, monkeypatch):
    s = start(seed_story)
    try:
        real = s.watcher.builder.build
        calls = {"n": 0}

        def flaky():
            calls["n"] += 1
            if calls["n"] == 1:
                raise RuntimeError("a bug")
            return real()

        monkeypatch.setattr(s.watcher.builder, "build", flaky)
        s.rebuilt_after(lambda: edit(s.places, "name: Pier 33", "name: Pier 33 (c)"))
        assert "RuntimeError: a bug" in (s.watcher.state.snapshot().error or "")
        s.rebuilt_after(lambda: edit(s.places, "name: Pier 33 (c)", "name: Pier 33 (d)"))
        assert s.watcher.state.snapshot().error is None
    finally:
        s.stop.set()
        s.thread.join(10)
