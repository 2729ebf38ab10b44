"""The local basemap: drawn from the warehouse's surveying layers, by zoom, per view, under a megabyte,
only the outlines of the buildings the viewer may see; tiles replace it whole.

A view's basemap is read as the map page gets it: the layer files its callback names
(``layerfiles.basemap_urls``), answered as the route answers them."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import dash
import numpy as np
import pytest
import shapely
from sqlalchemy import Engine

from dashboard import layerfiles
from dashboard.app import create_app
from dashboard.context import AppContext
from dashboard.settings import DashboardSettings
from tests.support.accounts import DEMO_UNTIL, SECRET, chief
from tests.support.dash_calls import column
from tests.support.streets import dense_spot, leaflet_view

pytestmark = pytest.mark.db
MB = 1_000_000


def _file(c: AppContext, address: str | None) -> dict[str, Any]:
    """A layer file's content as the route serves it to the viewer ``c`` acts for."""
    assert address is not None
    parts = urlsplit(address)
    name = parts.path.removeprefix(layerfiles.PREFIX).removesuffix(".geojson")
    return layerfiles.content(c, name, *layerfiles.arguments(name, dict(parse_qsl(parts.query))))


def _served(c: AppContext, zoom: int, view: list[list[float]]) -> tuple[dict, dict, dict]:
    """(shapes, hideout, names) of a view: the files the map's callback names for it."""
    shapes, hideout, names = layerfiles.basemap_urls(zoom, view)
    return _file(c, shapes), hideout, _file(c, names)


def _kinds(fc: dict[str, Any]) -> set[str]:
    return {f["properties"]["s"] for f in fc["features"]}


def test_the_basemap_shows_more_the_closer_one_looks(c: AppContext, core: Engine) -> None:
    x0, y0, x1, y1 = column(
        core, "select array[st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)] from "
        "(select st_extent(geom) e from core.districts) t"
    )[0]  # fmt: skip
    area, styles, names = _served(c, 11, [[y0, x0], [y1, x1]])
    kinds = _kinds(area)
    assert {"land", "water", "forest", "road_arterial", "road_expressway"} <= kinds
    assert not kinds & {"road_lane", "road_branch", "footprint"}  # no minor road, no outline
    assert {f["properties"]["k"] for f in names["features"]} == {"town"}
    x, y = dense_spot(core)
    street, street_styles, street_names = _served(c, 17, leaflet_view(x, y, 17))
    kinds = _kinds(street)
    assert {"footprint", "road_lane"} <= kinds
    # roads grow with the zoom and with their class; every key drawn has a style
    assert street_styles["styles"]["road_arterial"]["weight"] > styles["styles"]["road_arterial"]["weight"]
    assert street_styles["styles"]["road_arterial"]["weight"] > street_styles["styles"]["road_lane"]["weight"]
    assert kinds <= set(street_styles["styles"])
    # names at street zoom: roads along their line, villages, compounds; as text, never a code
    by_kind = {f["properties"]["k"] for f in street_names["features"]}
    assert "road" in by_kind
    road_names = set(column(core, "select distinct name from core.roads"))
    assert {
        f["properties"]["label"] for f in street_names["features"] if f["properties"]["k"] == "road"
    } <= road_names
    # the shapes are clipped to the view: nothing far beyond its margin
    coords = np.vstack(
        [shapely.get_coordinates(shapely.geometry.shape(f["geometry"])) for f in street["features"]]
    )
    (_, w), (_, e) = leaflet_view(x, y, 17)
    assert coords[:, 0].min() >= w - (e - w) and coords[:, 0].max() <= e + (e - w)


def test_every_view_stays_under_a_megabyte(c: AppContext, core: Engine) -> None:
    """Views across the county at every zoom, the densest street views included."""
    x0, y0, x1, y1 = column(
        core, "select array[st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)] from "
        "(select st_extent(geom) e from core.districts) t"
    )[0]  # fmt: skip
    dx, dy = dense_spot(core)
    sizes = {}
    for zoom in (10, 12, 13, 14, 15, 16, 17, 18):
        spots = [(dx, dy)] + [(x, y) for x in np.linspace(x0, x1, 3) for y in np.linspace(y0, y1, 3)]
        for x, y in spots if zoom >= 14 else spots[:2]:
            data, styles, names = _served(c, zoom, leaflet_view(x, y, zoom))
            sizes[(zoom, round(x, 3), round(y, 3))] = len(json.dumps([data, styles, names]))
    assert max(sizes.values()) < MB, max(sizes.items(), key=lambda kv: kv[1])
    assert sizes[(16, round(dx, 3), round(dy, 3))] > 50_000  # the street view does carry the outlines


def test_a_chief_gets_the_outlines_of_their_own_buildings_only(c: AppContext, core: Engine) -> None:
    a, b = column(core, "select station_code from core.police_stations order by 1")[:2]
    x, y = dense_spot(core, b)  # a dense street of the other station
    with c.acting_as(chief(a)):
        data, _, _ = _served(c, 17, leaflet_view(x, y, 17))
    outlines = [
        shapely.geometry.shape(f["geometry"]) for f in data["features"] if f["properties"]["s"] == "footprint"
    ]
    theirs = column(
        core,
        "select st_astext(st_pointonsurface(f.geom)) from core.building_footprints f "
        "join core.buildings bl using (building_code) where bl.station_code = :b "
        "and f.geom && st_makeenvelope(:x0, :y0, :x1, :y1, 4326)",
        b=b, x0=x - 0.002, y0=y - 0.002, x1=x + 0.002, y1=y + 0.002,
    )  # fmt: skip
    assert theirs, "the other station has outlines there"
    inside = [shapely.from_wkt(p) for p in theirs]
    assert not any(o.contains(p) for o in outlines for p in inside)
    # the public layers (roads) are the same for everyone
    everyone, _, _ = _served(c, 17, leaflet_view(x, y, 17))
    roads = [
        [f for f in fc["features"] if f["properties"]["s"].startswith("road_")] for fc in (data, everyone)
    ]
    assert roads[0] and roads[0] == roads[1]


def test_gcj02_tiles_shift_the_basemap_with_the_overlays(
    demo_db: tuple[str, str], c: AppContext, core: Engine
) -> None:
    gcj = create_app(
        demo_db[1], SECRET, DashboardSettings(as_of=DEMO_UNTIL, cache_seconds=0, basemap_crs="GCJ02")
    ).onemap  # type: ignore[attr-defined]
    x, y = dense_spot(core)
    view = leaflet_view(x, y, 16)
    a = _served(c, 16, view)[0]["features"][0]
    b = _served(gcj, 16, view)[0]["features"][0]
    pa = shapely.get_coordinates(shapely.geometry.shape(a["geometry"]))[0]
    pb = shapely.get_coordinates(shapely.geometry.shape(b["geometry"]))[0]
    assert 200 < np.hypot(*(pb - pa) * [102_000, 111_000]) < 1000


def test_a_deployments_tiles_replace_the_local_basemap(demo_db: tuple[str, str]) -> None:
    tiled = create_app(
        demo_db[1],
        SECRET,
        DashboardSettings(
            as_of=DEMO_UNTIL, cache_seconds=0, basemap_url="http://127.0.0.1:9/{z}/{x}/{y}.png"
        ),
    )
    local = create_app(demo_db[1], SECRET, DashboardSettings(as_of=DEMO_UNTIL, cache_seconds=0))

    def ids(app: dash.Dash) -> str:
        return json.dumps(app.validation_layout, default=lambda o: o.to_plotly_json())

    assert '"map-basemap"' not in ids(tiled) and "127.0.0.1:9" in ids(tiled)
    assert '"map-basemap"' in ids(local)
    # so do they under a grid worker's /mine, whose map draws its basemap once
    assert '"mine-map-basemap"' not in ids(tiled) and '"mine-map-basemap"' in ids(local)
    assert not any("map-basemap." in k for k in tiled.callback_map)
    assert any("map-basemap." in k for k in local.callback_map)
