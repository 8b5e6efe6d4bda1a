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


@pytest.mark.parametrize(
    ("name", "country", "code"),
    [
        ("RU-LIP", None, "RU-LIP"),  # an ISO 3166-2 code
        ("ua-14", "UA", "UA-14"),
        ("Georgia", None, "US-GA"),  # the state: the country is no region
        ("Crimea", "UA", "UA-43"),  # Ukraine's by its code, Russia's on the ground (NE)
        ("Crimea", "RU", "UA-43"),
        ("Punjab", "PK", "PK-PB"),
    ],
)
def test_resolve_region_finds_the_one_region_meant(name, country, code):
    assert R.resolve_region(name, country).code == code


def test_resolve_region_says_why_not():
    with pytest.raises(R.AmbiguousRegion) as ambiguous:
        R.resolve_region("Punjab")
    assert str(ambiguous.value) == (
        "region 'Punjab' is ambiguous: Punjab (state, IN; IN-PB): add country: IN;"
        " Punjab (province, PK; PK-PB): add country: PK"
    )
    with pytest.raises(R.UnknownRegion, match="did you mean 'Lipetsk'"):
        R.resolve_region("Lipetsc oblast", "RU")
    with pytest.raises(R.UnknownRegion, match="Hungary is a country: give country: HU instead"):
        R.resolve_region("Hungary")
    with pytest.raises(R.UnknownRegion, match="in FR"):
        R.resolve_region("Lipetsk", "FR")


def test_territories_natural_earth_draws_only_as_regions_have_an_outline():
    for code, name in (("GF", "French Guiana"), ("GI", "Gibraltar"), ("TV", "Tuvalu")):
        geometry = R.territory_outline(code, name)
        assert geometry is not None and geometry["type"] in ("Polygon", "MultiPolygon"), code
    assert R.territory_outline("AN", "Netherlands Antilles") is None


@pytest.mark.parametrize(
    ("name", "country", "code", "members"),
    [
        ("Brittany", "FR", "FR:Bretagne", 4),  # four departments, Natural Earth's first level
        ("Bretagne", None, "FR:Bretagne", 4),
        ("Lombardy", None, "IT:Lombardia", 12),  # twelve provinces
        ("Sicily", "IT", "IT:Sicily", 9),
    ],
)
def test_a_larger_region_is_its_members_dissolved_into_one_outline(name, country, code, members):
    found = R.resolve_region(name, country)
    assert found.code == code and found.iso is None
    assert len(R._GROUPS[code][1]) == members
    geometry = R.outline(code)
    # Dissolved: one ring round them all, not each member's ring with the borders between.
    rings = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    assert sum(len(polygon) for polygon in rings) < members
    for polygon in rings:
        for ring in polygon:
            assert ring[0] == ring[-1] and len(ring) >= 4
    # Its label point (its largest member's) lies inside.
    assert ring_contains(rings[0][0], found.lon, found.lat)
