"""Placing a point on a county: the offset to the maps' datum, and the boundaries."""

import pytest

from backend.core.boundaries import county_at, wgs84_to_gcj02


def test_a_gps_point_is_offset_as_maps_of_china_place_it():
    latitude, longitude = wgs84_to_gcj02(39.9087, 116.3975)  # 天安门 by GPS
    assert latitude == pytest.approx(39.91010, abs=2e-4) and longitude == pytest.approx(116.40374, abs=2e-4)


@pytest.mark.parametrize(
    ("point", "scopes", "county"),
    [
        ((32.3716, 120.5661), ["320682"], "320682"),  # 如皋 town centre
        ((32.3716, 120.5661), ["320600"], "320682"),  # a city's scope covers its counties
        ((31.1128, 121.3817), ["320600", "310000"], "310112"),  # 莘庄, 闵行
        ((32.3716, 120.5661), ["310000"], None),  # not in a scope asked about
        ((39.9087, 116.3975), ["320600", "310000"], None),  # Beijing: served nowhere here
    ],
)
def test_the_county_whose_boundary_holds_the_point_among_the_scopes(point, scopes, county):
    assert county_at(*point, scopes) == county
