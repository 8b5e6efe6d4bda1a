"""The second core: a forked child's bytes, its failures, and builds that use it."""

from __future__ import annotations

import os
import threading
import time

import pytest

import mapgen
from mapgen import forked, pipeline

from .test_datalayer import big_story  # noqa: F401  (a fixture, asked for by name)

needs_fork = pytest.mark.skipif(not forked.can_fork(), reason="no fork, or one core, here")


@needs_fork
def test_the_childs_bytes_come_back_whole():
    big = os.urandom(3 << 20)  # more than a pipe holds: the parent must read as it comes
    pending = forked.start(lambda: big[::-1])
    assert pending is not None
    assert pending.result() == big[::-1]


@needs_fork
def test_a_child_that_fails_gives_none():
    def fail() -> bytes:
        raise ValueError("no")

    pending = forked.start(fail)
    assert pending is not None and pending.result() is None


@needs_fork
def test_cancel_stops_a_child_at_work():
    def slow() -> bytes:
        time.sleep(60)
        return b"late"

    pending = forked.start(slow)
    started = time.perf_counter()
    pending.cancel()
    assert time.perf_counter() - started < 10
    with pytest.raises(ChildProcessError):
        os.waitpid(pending.pid, os.WNOHANG)  # reaped: no zombie left


def test_no_fork_while_another_thread_runs():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forked.can_fork()
        assert forked.start(lambda: b"x") is None
    finally:
        stop.set()
        thread.join()


@needs_fork
def test_a_build_with_the_second_core_writes_the_same_bytes(
    request, page_assets, tmp_path, monkeypatch
):
    story = request.getfixturevalue("big_story")
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 10**9)
    alone = mapgen.build(story, tmp_path / "alone")
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 0)
    started = []
    real = forked.start
    monkeypatch.setattr(forked, "start", lambda make: started.append(1) or real(make))
    beside = mapgen.build(story, tmp_path / "beside")
    assert started == [1]
    assert beside.geojson.read_bytes() == alone.geojson.read_bytes()
    assert beside.html.read_bytes() == alone.html.read_bytes()


@needs_fork
def test_a_failed_child_leaves_the_build_to_the_parent(request, page_assets, tmp_path, monkeypatch):
    story = request.getfixturevalue("big_story")
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 0)
    real = forked.start

    def failing(make):
        def fail() -> bytes:
            raise MemoryError

        return real(fail)

    monkeypatch.setattr(forked, "start", failing)
    result = mapgen.build(story, tmp_path / "out")
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 10**9)
    alone = mapgen.build(story, tmp_path / "alone")
    assert result.geojson.read_bytes() == alone.geojson.read_bytes()
