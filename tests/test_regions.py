"""First-level regions (mapgen.geo.regions): names as articles write them, and their outlines."""

from __future__ import annotations

import pytest

from mapgen.geo import regions as R
from mapgen.geo.shapes import contains, ring_contains


@pytest.mark.parametrize(
    ("name", "country", "code"),
    [
        ("Lipetsk region", None, "RU-LIP"),
        ("Lipetsk Oblast", "RU", "RU-LIP"),
        ("Donetsk Oblast", None, "UA-14"),
        ("the State of Texas", None, "US-TX"),
        ("Province of Quebec", None, "CA-QC"),
        ("Queensland", None, "AU-QLD"),
        ("Primorsky Krai", None, "RU-PRI"),
        ("Bavaria", "de", "DE-BY"),
    ],
)
def test_a_region_is_found_by_the_name_an_article_uses(name, country, code):
    found = R.find_regions(name, country)
    assert found and found[0].code == code


def test_a_country_hint_narrows_and_an_unknown_name_finds_nothing():
    assert {r.country for r in R.find_regions("Punjab")} == {"IN", "PK"}
    assert [r.code for r in R.find_regions("Punjab", "PK")] == ["PK-PB"]
    assert R.find_regions("Punjab", "FR") == []
    assert R.find_regions("Atlantis Oblast") == []


def test_split_type_tells_a_region_from_its_city():
    assert R.split_type("Lipetsk region") == ("Lipetsk", "region")
    assert R.split_type("Oblast of Donetsk") == ("Donetsk", "Oblast")
    assert R.split_type("Lipetsk") == ("Lipetsk", None)
    assert R.split_type("  New   South Wales ") == ("New South Wales", None)


def test_codes_are_unique_and_every_region_has_a_valid_outline():
    regions = R.regions()
    assert len(regions) > 4000
    assert len({r.code for r in regions}) == len(regions)
    assert R.region("au-nsw").name == "New South Wales"  # the code stays with the mainland
    for r in regions:
        assert -90 <= r.lat <= 90 and -180 <= r.lon <= 180, r
        geometry = R.outline(r.code)
        assert geometry["type"] in ("Polygon", "MultiPolygon"), r
        polygons = (
            [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        )
        for rings in polygons:
            for ring in rings:
                assert len(ring) >= 4 and ring[0] == ring[-1], r
                assert all(-180 <= x <= 180 and -90 <= y <= 90 for x, y in ring), r


def test_the_label_point_of_a_region_lies_in_its_outline():
    """Natural Earth's label point is where the region's name goes: inside it."""
    for code in ("RU-LIP", "US-TX", "UA-14", "AU-QLD", "DE-BY"):
        r = R.region(code)
        assert contains(R.outline(code), r.lon, r.lat), code
        assert not contains(R.outline(code), r.lon + 40, r.lat), code


def test_the_even_odd_test_counts_holes_and_every_polygon():
    square = [[0, 0], [10, 0], [10, 10], [0, 10], [0, 0]]
    hole = [[4, 4], [6, 4], [6, 6], [4, 6], [4, 4]]
    far = [[20, 20], [22, 20], [22, 22], [20, 22], [20, 20]]
    polygon = {"type": "Polygon", "coordinates": [square, hole]}
    assert contains(polygon, 2, 2) and not contains(polygon, 5, 5)
    assert not contains(polygon, 11, 5) and not contains(None, 2, 2)
    multi = {"type": "MultiPolygon", "coordinates": [[square, hole], [far]]}
    assert contains(multi, 21, 21) and contains(multi, 2, 2) and not contains(multi, 5, 5)
    assert ring_contains(square, 5, 5) and not ring_contains(square, -1, 5)
