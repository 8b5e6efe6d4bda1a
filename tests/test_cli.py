"""The command line: exit codes, one-line messages, nothing lost on failure."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from mapgen.cli.main import main


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def test_build_writes_the_map_and_geojson(seed_story):
    code, out, err = run("build", str(seed_story))
    assert code == 0, err
    assert (seed_story / "output" / "map.html").stat().st_size > 10_000
    assert (seed_story / "output" / "map.geojson").exists()
    assert "7 places, 2 routes, 4 areas" in out
    # The gazetteer's answers were saved beside places.yaml, like a lock file.
    assert "Pyongyang" in (seed_story / "geocode-cache.yaml").read_text(encoding="utf-8")


def test_build_takes_the_yaml_file_and_an_output_folder(seed_story, tmp_path):
    code, _, err = run("build", str(seed_story / "places.yaml"), "-o", str(tmp_path / "elsewhere"))
    assert code == 0, err
    assert (tmp_path / "elsewhere" / "map.html").exists()
    assert not (seed_story / "output").exists()


def test_check_verifies_and_writes_nothing(seed_story):
    cache = seed_story / "geocode-cache.yaml"
    before = cache.read_bytes() if cache.exists() else None
    if cache.exists():
        cache.unlink()  # the gazetteer must answer, and still nothing may be written
    code, out, err = run("check", str(seed_story))
    assert code == 0, err
    assert "OK" in out and "quotes verified" in out
    assert not cache.exists()
    assert not (seed_story / "output").exists()
    del before


BROKEN = [
    ("    kind: capital\n", "    kind: capitol\n", r":\d+:11: .*did you mean 'capital'"),
    ("    coords: [43.114, 131.893]", "    coords: [143.114, 131.893]", r":\d+:14: .*latitude"),
    (
        "Pier 33, where naval",
        "Pier 34, where naval",
        r':\d+:15: quote not found in source "warning"',
    ),
    ("name: Pyongyang", "name: Pyongyangx", r":\d+:\d+: .*Pyongyangx"),
    # An event's quotes are held to the same standard as a place's.
    (
        "text: despite North Korean denials\n",
        "text: despite South Korean denials\n",
        r':\d+:15: quote not found in source "summit".*nearest passage: "[^"]*North Korean denials',
    ),
]


@pytest.mark.parametrize(("old", "new", "pattern"), BROKEN)
def test_a_mistake_is_one_line_exit_2_and_the_old_map_stays(seed_story, old, new, pattern):
    import re

    assert run("build", str(seed_story))[0] == 0
    html = seed_story / "output" / "map.html"
    geojson = seed_story / "output" / "map.geojson"
    cache = seed_story / "geocode-cache.yaml"
    before = html.read_bytes(), geojson.read_bytes(), cache.read_bytes()
    places = seed_story / "places.yaml"
    text = places.read_text(encoding="utf-8")
    assert old in text
    places.write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, err = run("build", str(seed_story))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(str(seed_story / "places.yaml") + ":")
    assert re.search(pattern, lines[0]), lines[0]
    assert "Traceback" not in err + out
    assert (html.read_bytes(), geojson.read_bytes(), cache.read_bytes()) == before
    assert sorted(p.name for p in html.parent.iterdir()) == [
        "embed.html",
        "map.geojson",
        "map.html",
    ]


def test_several_mistakes_are_all_reported(seed_story):
    places = seed_story / "places.yaml"
    text = places.read_text(encoding="utf-8")
    text = text.replace("Pier 33, where naval", "Pier 34, where naval", 1)
    text = text.replace("name: Seoul", "name: Seoull", 1)
    places.write_text(text, encoding="utf-8")
    code, _, err = run("check", str(seed_story))
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 3 and lines[-1] == "2 problems; nothing was written."


def test_missing_story_is_a_clear_error(tmp_path):
    code, _, err = run("build", str(tmp_path / "nowhere"))
    assert code == 2
    assert "no such file" in err and "Traceback" not in err


def _without_the_power_to_override_permissions() -> None:  # pragma: no cover - in the child
    """Drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH from the bounding set before ``exec``:
    root then keeps root's files but obeys their permission bits like anyone, as CI (which
    runs as root) must, or a folder it cannot write could never be tested there."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    pr_capbset_drop, cap_dac_override, cap_dac_read_search = 24, 1, 2
    for cap in (cap_dac_override, cap_dac_read_search):
        if libc.prctl(pr_capbset_drop, cap, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")


def test_unwritable_output_is_exit_1(seed_story, tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o500)
    root = os.geteuid() == 0
    proc = subprocess.run(
        [sys.executable, "-m", "mapgen", "build", str(seed_story), "-o", str(out)],
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=_without_the_power_to_override_permissions if root else None,
    )
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.splitlines() == [f"{out}: cannot write the map: Permission denied"]
    assert list(out.iterdir()) == []


def test_output_that_is_a_file_is_exit_1(seed_story, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, _, err = run("build", str(seed_story), "-o", str(blocker / "out"))
    assert code == 1
    assert "cannot write the map" in err and "Traceback" not in err


def test_python_dash_m_works_the_same(seed_story):
    proc = subprocess.run(
        [sys.executable, "-m", "mapgen", "check", str(seed_story)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert "quotes verified" in proc.stdout
    proc = subprocess.run(
        [sys.executable, "-m", "mapgen", "build", str(Path(seed_story) / "missing.yaml")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_every_option_of_build_is_a_keyword_of_the_library():
    """Each flag of ``mapgen build`` (and the build flags of ``mapgen watch``) is a field of
    :class:`~mapgen.pipeline.options.BuildOptions`, so ``mapgen.build`` takes it as a keyword: a
    flag added to the command and not to the library fails here."""
    import dataclasses
    import inspect

    import mapgen
    from mapgen.pipeline.options import BuildOptions, build_options

    fields = {f.name for f in dataclasses.fields(BuildOptions)}
    commands = main.commands
    flags = {p.name for p in commands["build"].params if isinstance(p, click.Option)}
    assert flags and flags <= fields, flags - fields
    watch_only = {"serve", "port", "open_browser"}
    flags = {p.name for p in commands["watch"].params if isinstance(p, click.Option)}
    assert flags - watch_only <= fields, flags - watch_only - fields
    for name in fields:  # each is a keyword mapgen.build, check and Builder accept
        default = getattr(BuildOptions(), name)
        assert getattr(build_options(**{name: default}), name) == default
    for function in (mapgen.build, mapgen.check):
        assert "options" in inspect.signature(function).parameters
    with pytest.raises(TypeError, match="unexpected build option 'colour'"):
        mapgen.build(".", colour="red")
