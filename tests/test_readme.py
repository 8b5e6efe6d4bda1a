"""The README's promises: .ci/run runs exactly its test command, and its schema is real."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def shell_blocks() -> list[str]:
    return [b.strip() for b in re.findall(r"```sh\n(.*?)```", README, flags=re.S)]


def test_ci_runs_the_readme_test_command():
    test_command = next(b for b in shell_blocks() if "pytest" in b and "pip install" in b)
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert test_command in ci.splitlines()
    assert "need+=(chromium)" in ci and 'apt-get install -y "${need[@]}"' in ci


def test_readme_build_command_builds_the_shipped_story():
    build = next(b for b in shell_blocks() if "mapgen build" in b)
    assert build.startswith("python3 -m venv .venv && .venv/bin/pip install -e .")
    assert (ROOT / "places.yaml").exists()
    # The shipped cache answers every place, so the build needs no geocoder at all.
    assert (ROOT / "geocode-cache.yaml").exists()
