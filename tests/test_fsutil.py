"""Atomic writes, the folder lock, leftover temporary files, and the cache's merge on save."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

from mapgen.core.fsutil import (
    FileSlice,
    atomic_write,
    folder_lock,
    is_temp,
    remove_stale_temps,
    temp_pattern,
)
from mapgen.geo.cache import GeocodeCache
from mapgen.story.model import Location


def test_atomic_write_replaces_whole_and_leaves_nothing(tmp_path):
    target = tmp_path / "map.html"
    atomic_write(target, "old")
    atomic_write(target, "new")
    assert target.read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path, monkeypatch):
    target = tmp_path / "map.html"
    atomic_write(target, "old")

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr("os.replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["map.html"]


def test_temp_names_are_recognised_and_only_those_removed(tmp_path):
    keep = [
        "map.html",
        "notes.tmp",
        ".map.html.tmp",
        ".map.html.toolong123.tmp",
        ".other.abcd1234.x",
    ]
    stale = [".map.html.abcd_123.tmp", ".map.geojson.zz99aa00.tmp"]
    for name in keep + stale:
        (tmp_path / name).write_text("x")
    assert all(is_temp(name) for name in stale)
    assert not any(is_temp(name) for name in keep)
    assert temp_pattern("map.html").match(stale[0]) and not temp_pattern("map.html").match(stale[1])
    removed = remove_stale_temps(tmp_path / "map.html", tmp_path / "map.geojson")
    assert sorted(p.name for p in removed) == sorted(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(keep)


def test_folder_lock_is_reentrant_and_keeps_threads_apart(tmp_path):
    order: list[str] = []
    with folder_lock(tmp_path):
        with folder_lock(tmp_path, tmp_path):  # reentrant in the same thread
            order.append("outer")

        def other():
            with folder_lock(tmp_path):
                order.append("other")

        thread = threading.Thread(target=other)
        thread.start()
        time.sleep(0.2)
        order.append("released")
    thread.join(5)
    assert order == ["outer", "released", "other"]


def test_folder_lock_keeps_processes_apart_and_dies_with_its_holder(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\n"
            "from mapgen.core.fsutil import folder_lock\n"
            "with folder_lock(sys.argv[1]):\n"
            "    print('held', flush=True)\n"
            "    time.sleep(60)\n",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        got = threading.Event()

        def take():
            with folder_lock(tmp_path):
                got.set()

        thread = threading.Thread(target=take, daemon=True)
        thread.start()
        assert not got.wait(0.5), "the lock was taken while another process held it"
        holder.kill()  # SIGKILL: the system releases the lock
        assert got.wait(10), "the lock of a killed process was not released"
    finally:
        holder.kill()
        holder.wait()
    assert list(tmp_path.iterdir()) == []  # the lock is no file


def _location(lat: float) -> Location:
    return Location(lat=lat, lon=1.0, precision="city", geocoder="test")


def test_two_caches_saving_at_once_keep_both_answers(tmp_path):
    path = tmp_path / "geocode-cache.yaml"
    one, two = GeocodeCache.load(path), GeocodeCache.load(path)
    one.put("Alpha", None, _location(1.0), "2024-01-01")
    two.put("Beta", None, _location(2.0), "2024-01-01")
    assert one.save() and two.save()
    again = GeocodeCache.load(path)
    assert again.get("alpha") is not None and again.get("beta") is not None
    assert one.stale() and not two.stale()


def test_saving_keeps_a_deletion_made_on_disk(tmp_path):
    path = tmp_path / "geocode-cache.yaml"
    first = GeocodeCache(path)
    first.put("Alpha", None, _location(1.0), "2024-01-01")
    first.put("Beta", None, _location(2.0), "2024-01-01")
    first.save()
    held = GeocodeCache.load(path)
    text = path.read_text(encoding="utf-8")
    start = text.index(
        "- address: null\n  country: null\n  date: '2024-01-01'\n  geocoder: test\n  lat: 1.0"
    )
    end = text.index("- address", start + 1)
    path.write_text(text[:start] + text[end:], encoding="utf-8")  # a person deletes Alpha
    assert GeocodeCache.load(path).get("alpha") is None
    held.put("Gamma", None, _location(3.0), "2024-01-01")
    held.save()  # an older holder adds its answer without restoring Alpha
    final = GeocodeCache.load(path)
    assert final.get("alpha") is None
    assert final.get("beta") is not None and final.get("gamma") is not None


def test_saving_the_same_answers_writes_nothing(tmp_path):
    path = tmp_path / "geocode-cache.yaml"
    one, two = GeocodeCache.load(path), GeocodeCache.load(path)
    for cache in (one, two):
        cache.put("Alpha", None, _location(1.0), "2024-01-01")
    assert one.save() is True
    stat = path.stat()
    assert two.save() is False  # the file already says so
    assert path.stat().st_ino == stat.st_ino
    assert not two.stale()


def test_a_cache_save_removes_leftovers_of_a_killed_save(tmp_path):
    path = tmp_path / "geocode-cache.yaml"
    leftover = tmp_path / ".geocode-cache.yaml.k1ll3d00.tmp"
    leftover.write_text("half a cache")
    cache = GeocodeCache.load(path)
    cache.put("Alpha", None, _location(1.0), "2024-01-01")
    cache.save()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["geocode-cache.yaml"]


def test_a_file_system_that_cannot_lock_still_writes(tmp_path, monkeypatch):
    import errno

    import mapgen.core.fsutil

    def refuse(fd, operation):
        raise OSError(errno.ENOLCK, "No locks available")

    monkeypatch.setattr(mapgen.core.fsutil.fcntl, "flock", refuse)
    with folder_lock(tmp_path):
        atomic_write(tmp_path / "map.html", "new")
    assert (tmp_path / "map.html").read_text() == "new"


@pytest.mark.parametrize("sendfile", [True, False], ids=["sendfile", "read-and-write"])
def test_a_slice_of_a_file_is_copied_whole(tmp_path, monkeypatch, sendfile):
    """map.geojson is copied from the file the child wrote it to, without reading it in
    (sendfile), or read and written where the system will not."""
    import os

    data = os.urandom(3 << 20)
    source = tmp_path / "source.bin"
    source.write_bytes(b"before" + data + b"after")
    if not sendfile:

        def refused(*args):
            raise OSError(22, "Invalid argument")

        monkeypatch.setattr(os, "sendfile", refused)
    target = tmp_path / "map.geojson"
    target.write_bytes(b"old")
    fd = os.open(source, os.O_RDONLY)
    try:
        atomic_write(target, FileSlice(fd, 6, len(data)))
        assert target.read_bytes() == data
        with pytest.raises(OSError, match="missing"):  # the file is shorter than said
            atomic_write(target, FileSlice(fd, 6, len(data) + 100))
    finally:
        os.close(fd)
    assert target.read_bytes() == data  # the failed copy left the file as it was
    assert [p.name for p in tmp_path.iterdir() if is_temp(p.name)] == []


def test_files_written_together_are_replaced_only_once_all_are_written(tmp_path):
    """map.html is written while map.geojson is still being made; neither is replaced if
    the second cannot be had."""
    from mapgen.core.fsutil import atomic_write_all

    html, data = tmp_path / "map.html", tmp_path / "map.geojson"
    html.write_text("old page", encoding="utf-8")
    data.write_text("old data", encoding="utf-8")
    seen = []

    def failing():
        seen.append(sorted(p.name for p in tmp_path.iterdir()))  # the page: written, aside
        raise MemoryError

    with pytest.raises(MemoryError):
        atomic_write_all([(html, ["new ", "page"]), (data, failing)])
    assert len(seen[0]) == 3 and is_temp(next(n for n in seen[0] if n.startswith(".")))
    assert html.read_text(encoding="utf-8") == "old page"
    assert data.read_text(encoding="utf-8") == "old data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.geojson", "map.html"]
    atomic_write_all([(html, ["new ", "page"]), (data, lambda: b"new data")])
    assert html.read_text(encoding="utf-8") == "new page"
    assert data.read_text(encoding="utf-8") == "new data"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["map.geojson", "map.html"]
