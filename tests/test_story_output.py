"""A story folder cannot make a build write outside it.

Before, a story shipped with ``output -> /some/folder`` had map.html and map.geojson
written (and replaced) in that folder.  Now the story's own ``output`` must be a real
folder; ``-o`` remains the user's way to write anywhere.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def _build(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "mapgen", "build", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        check=False,
        timeout=120,
    )


def test_a_linked_output_folder_is_refused(seed_story, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "map.html").write_text("someone else's page", encoding="utf-8")
    (seed_story / "output").symlink_to(elsewhere)
    out = _build(cwd=seed_story)
    assert out.returncode == 2, out.stderr
    assert out.stderr.startswith("output: is a symbolic link (to ")
    assert len(out.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in elsewhere.iterdir()) == ["map.html"]
    assert (elsewhere / "map.html").read_text(encoding="utf-8") == "someone else's page"


def test_the_user_may_still_choose_any_folder(seed_story, tmp_path):
    chosen = tmp_path / "chosen"
    linked = tmp_path / "linked"
    linked.symlink_to(chosen, target_is_directory=True)
    chosen.mkdir()
    out = _build("-o", str(linked), cwd=seed_story)
    assert out.returncode == 0, out.stderr
    assert (chosen / "map.html").is_file() and (chosen / "map.geojson").is_file()


@pytest.mark.parametrize(
    ("made", "said"),
    [
        ("pub/map.html", "is a map page mapgen wrote"),
        ("pub/map.geojson", "is a GeoJSON file mapgen wrote"),
        ("cache-copy.txt", "is a geocode cache mapgen wrote"),
    ],
)
def test_a_copy_of_mapgens_own_output_is_no_source(seed_story, made, said):
    """A map built with -o elsewhere (or a cache renamed) would verify every quote it holds."""
    built = _build("-o", "pub", cwd=seed_story)
    assert built.returncode == 0, built.stderr
    (seed_story / "cache-copy.txt").write_bytes((seed_story / "geocode-cache.yaml").read_bytes())
    places = (seed_story / "places.yaml").read_text(encoding="utf-8")
    first = places.index("file: ") + len("file: ")
    end = places.index("\n", first)
    (seed_story / "places.yaml").write_text(places[:first] + made + places[end:], encoding="utf-8")
    out = subprocess.run(
        [sys.executable, "-m", "mapgen", "check"],
        capture_output=True,
        text=True,
        cwd=seed_story,
        check=False,
        timeout=120,
    )
    assert out.returncode == 2, out.stderr
    assert f"file '{made}' {said}; a source must be an article" in out.stderr
