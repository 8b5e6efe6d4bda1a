"""``mapgen init``: the template story it writes builds offline as it is, passes
``mapgen check --strict``, documents every key it uses, and never overwrites a story or
writes through a symlink."""

from __future__ import annotations

import json
import os
import re
from importlib import resources
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

import mapgen
from mapgen.cli.main import main
from mapgen.story import fields
from mapgen.story.template import TEMPLATE_FILES, init_story

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = resources.files("mapgen.story").joinpath("templates")


def template_yaml() -> dict:
    return yaml.safe_load(TEMPLATE.joinpath("places.yaml").read_text(encoding="utf-8"))


def run(*args: str):
    return CliRunner().invoke(main, list(args))


def test_init_writes_a_story_that_builds_offline_with_all_four_kinds(tmp_path: Path):
    folder = tmp_path / "new" / "story"  # missing folders are made
    result = run("init", str(folder))
    assert result.exit_code == 0, result.output
    assert f"wrote {folder / 'places.yaml'}" in result.output
    assert f"next: mapgen build {folder}" in result.output
    for parts in TEMPLATE_FILES:
        assert folder.joinpath(*parts).read_bytes() == TEMPLATE.joinpath(*parts).read_bytes()

    built = mapgen.build(folder, offline=True)
    story = template_yaml()
    page = built.html.read_text(encoding="utf-8")
    geojson = json.loads(built.geojson.read_text(encoding="utf-8"))
    ids = {f["properties"]["id"]: f for f in geojson["features"]}
    (place,) = story["places"]
    (route,) = story["routes"]
    (area,) = story["areas"]
    (event,) = story["events"]
    assert ids[place["id"]]["geometry"]["type"] == "Point"
    assert ids[route["id"]]["geometry"]["type"] == "LineString"
    assert ids[area["id"]]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert [e["id"] for e in geojson["events"]] == [event["id"]]
    for name in (place["name"], route["name"], area["name"], event["title"]):
        assert name in page


def test_the_template_passes_check_strict(tmp_path: Path):
    """No quote warning and no place the article mentions but the map lacks."""
    init_story(tmp_path)
    result = run("check", "--strict", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert "0 missing" in result.output
    assert "4 quotes verified" in result.output


def test_every_quote_is_verbatim_and_every_key_is_documented():
    story = template_yaml()
    article = TEMPLATE.joinpath("seeds", "train.txt").read_text(encoding="utf-8")
    doc = (ROOT / "docs" / "places-yaml.md").read_text(encoding="utf-8")
    sections = {
        "sources": fields.SOURCE,
        "places": fields.PLACE,
        "routes": fields.ROUTE,
        "areas": fields.AREA,
        "events": fields.EVENT,
    }
    assert set(story) <= set(fields.STORY.keys)
    for key, section in sections.items():
        assert len(story[key]) == 1, key
        for item in story[key]:
            assert set(item) <= set(section.keys), (key, set(item) - set(section.keys))
            for quote in item.get("quotes", []):
                assert set(quote) <= set(fields.QUOTE.keys)
                assert quote["text"] in article
    used = set(story) | {k for key in sections for item in story[key] for k in item}
    for key in used:
        assert f"`{key}`" in doc, f"{key} is not in docs/places-yaml.md"
    # ... and every section is explained where it starts, pointing at the reference
    text = TEMPLATE.joinpath("places.yaml").read_text(encoding="utf-8")
    assert "docs/places-yaml.md" in text
    for key in sections:
        assert re.search(rf"^# {key}: ", text, re.M), key


def test_an_existing_story_is_not_overwritten_without_force(tmp_path: Path):
    (tmp_path / "places.yaml").write_text("title: mine\n", encoding="utf-8")
    result = run("init", str(tmp_path))
    assert result.exit_code != 0
    assert result.output.strip().splitlines() == [
        f"{tmp_path / 'places.yaml'}: already exists; use --force to overwrite it"
    ]
    assert (tmp_path / "places.yaml").read_text(encoding="utf-8") == "title: mine\n"
    assert not (tmp_path / "seeds").exists()  # nothing written

    result = run("init", "--force", str(tmp_path))
    assert result.exit_code == 0, result.output
    assert (tmp_path / "places.yaml").read_bytes() == TEMPLATE.joinpath("places.yaml").read_bytes()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no temp left


def test_a_symlinked_folder_is_refused(tmp_path: Path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, tmp_path / "story")
    for args in (["init"], ["init", "--force"]):
        result = run(*args, str(tmp_path / "story"))
        assert result.exit_code != 0
        assert "is a symlink" in result.output
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("link", [("places.yaml",), ("seeds",), ("seeds", "train.txt")])
def test_a_symlinked_file_or_seeds_folder_is_refused(tmp_path: Path, link: tuple[str, ...]):
    story, outside = tmp_path / "story", tmp_path / "outside"
    story.mkdir()
    outside.mkdir()
    (outside / "places.yaml").write_text("title: theirs\n", encoding="utf-8")
    if len(link) == 2:
        (story / "seeds").mkdir()
    target = outside if link == ("seeds",) else outside / "places.yaml"
    os.symlink(target, story.joinpath(*link))
    result = run("init", "--force", str(story))
    assert result.exit_code != 0
    assert (
        result.output.strip()
        == f"{story.joinpath(*link)}: is a symlink; mapgen init writes no file through one"
    )
    assert sorted(p.name for p in outside.iterdir()) == ["places.yaml"]
    assert (outside / "places.yaml").read_text(encoding="utf-8") == "title: theirs\n"
    assert [p.name for p in story.iterdir()] == [link[0]]  # nothing written beside it


def test_init_defaults_to_the_current_folder(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run("init")
    assert result.exit_code == 0, result.output
    assert (tmp_path / "places.yaml").is_file()
    assert "next: mapgen build ." in result.output


def test_the_docs_example_is_what_init_prints(tmp_path: Path, monkeypatch):
    """docs/commands.md shows `mapgen init my-story` and its output, line for line."""
    doc = (ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    (shown,) = re.findall(r"```\n\$ mapgen init my-story\n(.*?)```", doc, re.S)
    monkeypatch.chdir(tmp_path)
    result = run("init", "my-story")
    assert result.exit_code == 0, result.output
    assert result.output == shown
