"""A disk that fills up during a build: a one-line error, and the old map, whole.

Two real ways to run out of room, each on a story whose map is already built: a small
tmpfs filled to nearly full (ENOSPC, as root; CI runs as root) and a file-size limit on the
build's process (EFBIG, for any user).  Either way the build fails with one line, the old
map.html, map.geojson and geocode cache are left exactly as they were, no temporary file
is left behind, and the next build, with room again, writes the new map.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from mapgen.core.fsutil import is_temp

from .conftest import copy_seed_story

FILES = ("output/map.html", "output/map.geojson", "geocode-cache.yaml")


def _build(story: Path, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    def limit() -> None:
        if fsize is not None:
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past it fails: EFBIG
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    return subprocess.run(
        [sys.executable, "-m", "mapgen", "build", str(story)],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        preexec_fn=limit,
    )


def _snapshot(story: Path) -> dict[str, bytes]:
    return {name: (story / name).read_bytes() for name in FILES}


def _temps(story: Path) -> list[str]:
    return [p.name for f in (story, story / "output") for p in f.iterdir() if is_temp(p.name)]


def _edit(story: Path) -> None:
    """A change that makes every output file new (and the cache too: a new place)."""
    places = (story / "places.yaml").read_text(encoding="utf-8")
    (story / "places.yaml").write_text(
        places.replace("name: Pier 33\n", "name: Pier 33 (changed)\n", 1), encoding="utf-8"
    )


@pytest.fixture
def tmpfs(tmp_path) -> Iterator[Path]:
    """A 3 MB tmpfs of its own (root only: CI runs as root, so there it must work)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(mount)],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        if os.environ.get("CI", "").lower() == "true" or os.geteuid() == 0:
            pytest.fail(f"cannot mount a tmpfs: {done.stderr.strip()}")
        pytest.skip("mounting a tmpfs needs root (the EFBIG test covers this user)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_keeps_the_old_map(tmpfs):
    story = copy_seed_story(tmpfs / "story")
    first = _build(story)
    assert first.returncode == 0, first.stderr
    old = _snapshot(story)
    _edit(story)
    # Fill the disk, leaving less room than the new map.html needs.
    free = os.statvfs(tmpfs).f_bavail * os.statvfs(tmpfs).f_frsize
    with open(tmpfs / "filler", "wb") as fh:
        fh.write(b"\0" * max(0, free - 64 * 1024))
    failed = _build(story)
    assert failed.returncode != 0
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0], failed.stderr
    assert "Traceback" not in failed.stderr
    assert _snapshot(story) == old
    assert _temps(story) == []
    (tmpfs / "filler").unlink()
    again = _build(story)
    assert again.returncode == 0, again.stderr
    assert b"Pier 33 (changed)" in (story / "output" / "map.html").read_bytes()
    assert _temps(story) == []


def test_a_file_size_limit_keeps_the_old_map(seed_story):
    first = _build(seed_story)
    assert first.returncode == 0, first.stderr
    old = _snapshot(seed_story)
    _edit(seed_story)
    # Less than the page (about 400 kB), more than the cache and the GeoJSON.
    failed = _build(seed_story, fsize=len(old["output/map.html"]) // 2)
    assert failed.returncode != 0
    lines = failed.stderr.strip().splitlines()
    assert len(lines) == 1 and "too large" in lines[0], failed.stderr
    assert _snapshot(seed_story) == old
    assert _temps(seed_story) == []
    again = _build(seed_story)
    assert again.returncode == 0, again.stderr
    assert b"Pier 33 (changed)" in (seed_story / "output" / "map.html").read_bytes()
