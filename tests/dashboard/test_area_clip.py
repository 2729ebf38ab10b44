"""At street zoom the map's area outlines are cut to the view: a street view stays small, and what
is sent still covers every part of the view the areas cover."""

from __future__ import annotations

import json
from typing import Any

import pytest
import shapely
import shapely.geometry
from sqlalchemy import Engine

from dashboard.context import AppContext
from dashboard.map import framing
from dashboard.map.layers import area_layers
from tests.support.dash_calls import column
from tests.support.streets import leaflet_view

STREET = 16
MAX_STREET_BYTES = 60_000  # the three area layers of one street view (uncut, a real town is ~100 KB)


def _union(fc: dict[str, Any]) -> shapely.Geometry:
    return shapely.union_all([shapely.geometry.shape(f["geometry"]) for f in fc["features"]])


@pytest.fixture(scope="module")
def street(core: Engine) -> tuple[str, list[list[float]]]:
    """The station with the most outline vertices, and a street view on the edge between two of its
    grids (where every layer has something to draw)."""
    station, x, y = column(
        core,
        "select array[s.station_code, st_x(p.geom)::text, st_y(p.geom)::text] from core.police_stations s "
        "cross join lateral (select st_pointonsurface(st_intersection(st_boundary(g.geom), "
        "st_boundary(h.geom))) as geom from core.grids g join core.grids h "
        "on g.grid_code < h.grid_code and st_touches(g.geom, h.geom) "
        "where g.station_code = s.station_code and h.station_code = s.station_code "
        "order by g.grid_code, h.grid_code limit 1) p "
        "order by st_npoints(s.geom) desc limit 1",
    )[0]
    return station, leaflet_view(float(x), float(y), STREET, 1920, 1080)


def test_a_street_view_sends_its_part_of_the_outlines_only(
    c: AppContext, core: Engine, street: tuple[str, list[list[float]]]
) -> None:
    station, view = street
    (s, w), (n, e) = view
    cut = area_layers(c, STREET, station, framing.clip_box(STREET, (w, s, e, n)))
    whole = area_layers(c, STREET, station)
    sizes = [len(json.dumps(fc)) for fc in (*cut, *whole)]
    assert sum(sizes[:3]) < MAX_STREET_BYTES, sizes
    assert sum(sizes[:3]) * 3 < sum(sizes[3:]), sizes  # cutting is what kept it small
    seen = shapely.box(w, s, e, n)
    box = shapely.box(*framing.clip_box(STREET, (w, s, e, n)))  # type: ignore[misc]
    assert box.contains(seen)
    for name, part, full in zip(("station", "zone", "grid"), cut, whole, strict=True):
        assert part["features"], name
        got = _union(part)
        assert got.difference(box.buffer(1e-6)).area == 0, name  # nothing beyond the box
        # every bit of the view an area covers is still covered (to a part in ten thousand)
        missing = seen.intersection(_union(full)).difference(got).area
        assert missing < 1e-4 * seen.area, (name, missing / seen.area)
        # and every area in view is there, under its code
        codes = {
            f["properties"]["code"]
            for f in full["features"]
            if shapely.geometry.shape(f["geometry"]).intersects(seen)
        }
        assert codes <= {f["properties"]["code"] for f in part["features"]}, name


def test_outlines_are_whole_below_street_zoom_or_without_a_view(
    c: AppContext, street: tuple[str, list[list[float]]]
) -> None:
    _station, view = street
    (s, w), (n, e) = view
    assert framing.clip_box(framing.CLIP_ZOOM - 1, (113.7, 23.2, 113.72, 23.22)) is None
    assert framing.clip_box(13, (w, s, e, n)) is None
    assert framing.clip_box(STREET, None) is None
