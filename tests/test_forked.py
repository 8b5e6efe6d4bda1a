"""The second core: a forked child's bytes, its failures, and builds that use it.

A fork is refused while another thread runs (the browser tests' Playwright runs some), so
each test runs in a fresh Python process of its own, as ``mapgen build`` does.
"""

from __future__ import annotations

import os
import threading

import pytest

from mapgen import forked

from .conftest import run_python
from .test_datalayer import big_story  # noqa: F401  (a fixture, asked for by name)

needs_cores = pytest.mark.skipif(
    (os.cpu_count() or 1) < 2 or not hasattr(os, "fork"), reason="one core, or no fork, here"
)


@needs_cores
def test_the_childs_bytes_come_back_whole_and_failures_give_none():
    out = run_python(
        """
        import os, time
        from mapgen import forked
        big = os.urandom(3 << 20)  # more than a pipe holds: the parent reads as it comes
        pending = forked.start(lambda: big[::-1])
        assert pending.result() == big[::-1]
        def fail():
            raise ValueError("no")
        assert forked.start(fail).result() is None
        def slow():
            time.sleep(60)
            return b"late"
        pending = forked.start(slow)
        started = time.perf_counter()
        pending.cancel()
        assert time.perf_counter() - started < 10
        try:
            os.waitpid(pending.pid, os.WNOHANG)
        except ChildProcessError:
            print("reaped")
        """
    )
    assert out.strip() == "reaped"


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


BUILD_BOTH = """
import sys
import mapgen
from mapgen import forked, pipeline
story, out, fail = sys.argv[1], sys.argv[2], sys.argv[3] == "fail"
pipeline.PARALLEL_FROM = 10**9
alone = mapgen.build(story, out + "/alone")
pipeline.PARALLEL_FROM = 0
started = []
real = forked.start
def start(make):
    started.append(1)
    if fail:
        def make():
            raise MemoryError
    return real(make)
forked.start = start
beside = mapgen.build(story, out + "/beside")
assert started == [1], started
assert beside.geojson.read_bytes() == alone.geojson.read_bytes()
assert beside.html.read_bytes() == alone.html.read_bytes()
print("same")
"""


@needs_cores
@pytest.mark.parametrize("child", ["works", "fail"])
def test_a_build_with_the_second_core_writes_the_same_bytes(request, page_assets, tmp_path, child):
    story = request.getfixturevalue("big_story")
    assert run_python(BUILD_BOTH, str(story), str(tmp_path), child).strip() == "same"
