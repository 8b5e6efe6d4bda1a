"""A story folder cannot make a build write outside it.

Before, a story shipped with ``output -> /some/folder`` had map.html and map.geojson
written (and replaced) in that folder.  Now the story's own ``output`` must be a real
folder; ``-o`` remains the user's way to write anywhere.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


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
