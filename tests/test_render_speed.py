"""What makes a warm build fast stays correct: the derived basemap cache, one Jinja pass."""

from __future__ import annotations

import json

import pytest

from mapgen.page import assets, basemap
from mapgen.page.standalone import rendered_once


@pytest.fixture
def atlas(page_assets) -> bytes:
    return assets.fetch(assets.WORLD_ATLAS).files["countries-110m.json"]


def test_derived_basemap_is_cached_and_equal(atlas, tmp_path):
    fresh = basemap.from_topojson(atlas)
    first = basemap.cached_from_topojson(atlas, tmp_path)
    (stored,) = tmp_path.iterdir()
    second = basemap.cached_from_topojson(atlas, tmp_path)
    assert first == second == fresh
    assert json.loads(stored.read_text(encoding="utf-8"))["land"] == fresh.land


def test_tampered_derived_basemap_is_not_used(atlas, tmp_path):
    basemap.cached_from_topojson(atlas, tmp_path)
    (stored,) = tmp_path.iterdir()
    data = json.loads(stored.read_text(encoding="utf-8"))
    data["land"] = data["land"].replace("1", "</script><script>alert(1)</script>", 1)
    stored.write_text(json.dumps(data), encoding="utf-8")
    again = basemap.cached_from_topojson(atlas, tmp_path)
    assert "script" not in again.land
    assert again == basemap.from_topojson(atlas)


def test_unwritable_cache_still_gives_the_basemap(atlas, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    assert basemap.cached_from_topojson(atlas, blocker / "sub") == basemap.from_topojson(atlas)


def test_rendered_once_restores_branca_and_skips_the_second_pass():
    import folium
    from branca.element import MacroElement

    original = MacroElement.render
    fmap = folium.Map(tiles=None)
    folium.Marker((1, 2), tooltip='{{ "pw" ~ "ned" }}').add_to(fmap)
    with rendered_once():
        page = fmap.get_root().render()
    assert MacroElement.render is original
    assert '{{ "pw" ~ "ned" }}' in page and "pwned" not in page
