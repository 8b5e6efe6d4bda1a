"""The centre of an outline (geo/shapes.py): what places a country named in an article."""

from __future__ import annotations

import pytest

from mapgen.geo.shapes import area_centre, contains, main_landmass_centre


def square(lon: float, lat: float, size: float, *, clockwise: bool = False) -> list[list[float]]:
    ring = [[lon, lat], [lon + size, lat], [lon + size, lat + size], [lon, lat + size], [lon, lat]]
    return ring[::-1] if clockwise else ring


@pytest.mark.parametrize("clockwise", [False, True])
def test_a_square_on_the_equator_is_centred_whichever_way_it_winds(clockwise):
    area, lat, lon = area_centre([square(10, -1, 2, clockwise=clockwise)])
    assert area > 0
    assert lat == pytest.approx(0, abs=1e-9)
    assert lon == pytest.approx(11, abs=1e-9)


def test_an_open_ring_is_closed():
    ring = square(10, -1, 2)[:-1]
    assert area_centre([ring])[1:] == pytest.approx((0, 11))


def test_the_centre_weighs_land_not_degrees():
    """A band from the equator to 60N has more land south of 30N than north of it
    (a degree of latitude holds less land nearer the pole): its centre lies below 30N,
    where an average of the corners would put it."""
    _, lat, _ = area_centre([square(0, 0, 60)])
    assert 24 < lat < 28  # asin((sin 0 + sin 60) / 2) = 25.7


def test_a_hole_is_taken_out():
    outer = square(0, -10, 20)  # centred on (0, 10)
    hole = square(10, -10, 10, clockwise=True)  # the east half of the south half
    area_with, lat, lon = area_centre([outer, hole])
    assert area_with < area_centre([outer])[0]
    assert lon < 10 and lat > 0
    assert not contains({"type": "Polygon", "coordinates": [outer, hole]}, 15, -5)


def test_a_hole_wound_like_its_outer_ring_is_still_taken_out():
    outer = square(0, -10, 20)
    hole = square(10, -10, 10)  # counter-clockwise, as the outer ring
    assert area_centre([outer, hole]) == pytest.approx(
        area_centre([outer, square(10, -10, 10, clockwise=True)])
    )


def test_a_polygon_of_no_area_has_no_centre():
    assert area_centre([[[0, 5], [1, 5], [2, 5], [0, 5]]]) is None  # a line along a parallel
    assert main_landmass_centre([]) is None


def test_the_main_landmass_stands_for_the_country_and_an_island_does_not_pull_it():
    mainland = [square(-120, 30, 20)]
    island = [square(-160, 20, 2)]  # far off, small: Hawaii
    lat, lon = main_landmass_centre([mainland, island])
    assert (lat, lon) == pytest.approx(area_centre(mainland)[1:])


def test_an_archipelago_has_no_main_landmass():
    islands = [[square(100 + 5 * i, 0, 2)] for i in range(3)]  # a third each
    assert main_landmass_centre(islands) is None
    assert main_landmass_centre(islands, share=0.3) is not None


def test_a_bent_landmass_whose_centroid_falls_outside_it_has_no_centre():
    """An L whose centroid lies in the crook, off its land (Norway's in Sweden)."""
    ell = [[0, 0], [10, 0], [10, 1], [1, 1], [1, 10], [0, 10], [0, 0]]
    _, lat, lon = area_centre([ell])
    assert not contains({"type": "Polygon", "coordinates": [ell]}, lon, lat)
    assert main_landmass_centre([[ell]]) is None


def test_too_small_an_outline_has_no_centre():
    island = [square(0, 0, 1)]
    area = area_centre(island)[0]
    assert main_landmass_centre([island], min_area=area / 2) is not None
    assert main_landmass_centre([island], min_area=area * 2) is None
