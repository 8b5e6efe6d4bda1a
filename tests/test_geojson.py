"""map.geojson: the fast writer gives the bytes the plain one does, for every kind of story."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import mapgen
from mapgen import geojson

from .conftest import copy_seed_story
from .test_datalayer import big_story  # noqa: F401  (a fixture)


@pytest.fixture(params=["seed", "hostile", "big"])
def geo(request, tmp_path: Path):
    if request.param == "seed":
        return mapgen.geocode(mapgen.load(copy_seed_story(tmp_path / "story") / "places.yaml"))
    root = request.getfixturevalue("hostile_story" if request.param == "hostile" else "big_story")
    return mapgen.geocode(mapgen.load(root / "places.yaml"))


def test_text_is_dumps_of_to_geojson_to_the_byte(geo):
    fast = geojson.text(geo)
    assert fast == geojson.dumps(geojson.to_geojson(geo))
    data = json.loads(fast)
    assert len(data["features"]) == len(geo.story.places) + len(geo.story.routes) + len(
        geo.story.areas
    )


def test_a_story_with_no_features_is_written_too(geo):
    import dataclasses

    bare = dataclasses.replace(geo.story, places=[], routes=[], areas=[], events=[])
    empty = dataclasses.replace(geo, story=bare, places={}, routes={}, areas={})
    assert geojson.text(empty) == geojson.dumps(geojson.to_geojson(empty))
    assert json.loads(geojson.text(empty))["features"] == []
