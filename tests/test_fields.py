"""One declaration per field: the readers take what ``mapgen.story.fields`` declares, a new
field needs nothing else on the reading side, and ``docs/places-yaml.md``'s reference is
the one made from the declarations."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import pytest

from mapgen.core.errors import StoryError
from mapgen.story import fields
from mapgen.story.fields import Field, Kind
from mapgen.story.load import load_story
from mapgen.story.model import PlaceColumns, place_columns
from mapgen.story.reference import REFERENCE_END, REFERENCE_START, reference_markdown

from .test_bulk import story

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "places-yaml.md"

PLACE_YAML = """\
places:
  - id: pyongyang
    name: Pyongyang
    kind: capital
{photo}    quotes:
      - source: a
        text: Kim visited Pyongyang, the capital.
"""


@pytest.fixture
def with_photo(monkeypatch):
    """The place section with one more optional field, declared as ``link:`` was: an
    http(s) address of a photograph, from a ``photo`` column (or ``image``), written to
    GeoJSON.  The real PLACE is left alone."""
    photo = Field(
        "photo",
        Kind("url"),
        "a photograph of it",
        columns=(("photo", "image"),),
        geojson="photo",
    )
    place = dataclasses.replace(fields.PLACE, fields=(*fields.PLACE.fields, photo))
    monkeypatch.setattr(fields, "PLACE", place)
    return photo


def problems(root: Path) -> list[str]:
    with pytest.raises(StoryError) as caught:
        load_story(root)
    return [str(p).replace(str(root) + "/", "") for p in caught.value.problems]


def test_a_declared_field_is_read_from_yaml_csv_and_geojson(tmp_path, with_photo):
    csv = (
        "id,name,kind,image,source,quote\n"  # ``image``: the photo column's other spelling
        "p1,Wonsan,port,https://example.org/wonsan,a,Troops moved to Wonsan.\n"
        "p2,Depot,site,,a,near Kharkiv\n"
    )
    feature = {
        "type": "Feature",
        "geometry": None,
        "properties": {"id": "g1", "name": "Kharkiv", "kind": "city", "photo": "http://k.example"},
    }
    geojson = json.dumps({"type": "FeatureCollection", "features": [feature]})
    yaml_place = PLACE_YAML.format(photo="    photo: https://example.org/pyongyang\n")
    include = "include: [pts.csv, pts.geojson]\n"
    root = story(tmp_path, yaml_place + include, {"pts.csv": csv, "pts.geojson": geojson})
    geojson_quote = {"source": "a", "text": "near Kharkiv"}
    feature["properties"]["quotes"] = [geojson_quote]
    (root / "pts.geojson").write_text(
        json.dumps({"type": "FeatureCollection", "features": [feature]})
    )
    loaded = load_story(root)
    # The build reads columns: the CSV's were read a column at a time, never as objects.
    photos = place_columns(loaded.places).column("photo")
    assert photos == [
        "https://example.org/pyongyang",
        "https://example.org/wonsan",
        None,
        "http://k.example",
    ]
    assert [p.extra for p in loaded.places] == [
        {"photo": "https://example.org/pyongyang"},
        {"photo": "https://example.org/wonsan"},
        {},
        {"photo": "http://k.example"},
    ]
    # Objects read back as columns the same way.
    assert PlaceColumns.of(list(loaded.places)).column("photo") == photos


def test_a_place_without_the_field_has_none(tmp_path, with_photo):
    root = story(tmp_path, PLACE_YAML.format(photo=""), {})
    loaded = load_story(root)
    assert loaded.places[0].extra == {}
    assert place_columns(loaded.places).column("photo") == [None]


def test_a_bad_value_is_refused_at_its_line_and_column(tmp_path, with_photo):
    csv = (
        "id,name,kind,photo,source,quote\n"
        "p1,Wonsan,port,javascript:alert(1),a,Troops moved to Wonsan.\n"
    )
    yaml_place = PLACE_YAML.format(photo="    photo: javascript:alert(1)\n")
    root = story(tmp_path, yaml_place + "include: [pts.csv]\n", {"pts.csv": csv})
    assert problems(root) == [
        "places.yaml:10:12: photo: 'javascript:alert(1)' is not an http:// or https:// address",
        "pts.csv:2:16: photo: 'javascript:alert(1)' is not an http:// or https:// address",
    ]


def test_the_real_place_section_has_no_extra_field(tmp_path):
    """Every place field the readers know today has a model attribute of its own; an
    undeclared key stays refused, with the declared ones suggested."""
    root = story(tmp_path, PLACE_YAML.format(photo="    photo: https://example.org\n"), {})
    (problem,) = problems(root)
    assert "unknown key 'photo' in place 'pyongyang'" in problem
    csv = "name,kind,photo,source,quote\nWonsan,port,https://example.org,a,Troops\n"
    root = story(tmp_path / "csv", "include: [pts.csv]\n", {"pts.csv": csv})
    assert problems(root)[0].startswith("pts.csv:1:11: unknown column 'photo'")


# --- the reference ---------------------------------------------------------------------------


def test_the_reference_in_the_docs_is_the_generated_one():
    text = DOC.read_text(encoding="utf-8")
    start, end = text.index(REFERENCE_START), text.index(REFERENCE_END)
    written = text[start + len(REFERENCE_START) : end].strip()
    assert written == reference_markdown().strip(), (
        "docs/places-yaml.md's reference is out of date: paste `python -m"
        " mapgen.story.reference` between its markers"
    )


def documented_keys() -> dict[str, list[str]]:
    """Each section's keys as the docs' tables list them."""
    text = DOC.read_text(encoding="utf-8")
    block = text[text.index(REFERENCE_START) : text.index(REFERENCE_END)]
    found: dict[str, list[str]] = {}
    for part in re.split(r"^### ", block, flags=re.M)[1:]:
        name = part.splitlines()[0]
        found[name] = re.findall(r"^\| `([^`]+)` \|", part, flags=re.M)
    return found


#: A story whose every section is present once, each a key away from a ``{section}``
#: mapping that gets one key more: what load accepts is probed, not read from its tables.
PROBE = """\
title: T
{story}sources:
  - id: a
    file: seeds/a.txt
    title: A
{source}places:
  - id: p
    name: P
    kind: city
{place}    quotes:
      - source: a
        text: Kim visited Pyongyang, the capital.
{quote}routes:
  - id: r
    name: R
    mode: rail
    via: [p, {{name: S{stop}}}]
{route}    quotes: [{{source: a, text: "Kim visited Pyongyang, the capital."}}]
areas:
  - id: ar
    name: A
    country: KP
{area}    quotes: [{{source: a, text: "Kim visited Pyongyang, the capital."}}]
events:
  - id: e
    title: E
    date: 2023
    place: p
{event}    quotes: [{{source: a, text: "Kim visited Pyongyang, the capital."}}]
left_out:
  - name: L
{left}include:
  - file: x.csv
{include}geocoder:
  name: nominatim
{geocoder}view:
  center: [1, 2]
{view}tiles:
  name: Esri.WorldImagery
{tiles}"""

SLOTS = {
    "story": ("story", ""),
    "source": ("source", "    "),
    "place": ("place", "    "),
    "quote": ("quote", "        "),
    "route": ("route", "    "),
    "stop": ("stop", None),
    "area": ("area", "    "),
    "event": ("event", "    "),
    "left-out place": ("left", "    "),
    "include": ("include", "    "),
    "geocoder": ("geocoder", "  "),
    "view": ("view", "  "),
    "tiles": ("tiles", "  "),
}


def unknown_keys(tmp_path: Path, section: str, key: str) -> list[str]:
    slot, indent = SLOTS[section]
    values = {name: "" for name, _ in SLOTS.values()}
    values[slot] = f", {key}: 0" if indent is None else f"{indent}{key}: 0\n"
    root = story(tmp_path, "", {"x.csv": "name\n"})
    (root / "places.yaml").write_text(PROBE.format(**values), encoding="utf-8")
    try:
        load_story(root)
    except StoryError as exc:
        return [str(p) for p in exc.problems if "unknown key" in str(p)]
    return []


def test_every_key_load_accepts_is_in_the_reference(tmp_path):
    documented = documented_keys()
    assert set(documented) == set(SLOTS)
    for section, keys in documented.items():
        assert keys, section
        assert unknown_keys(tmp_path / f"{section}-none", section, "not_a_key"), section  # a probe
        for key in keys:
            assert not unknown_keys(tmp_path / f"{section}-{key}", section, key), (section, key)
