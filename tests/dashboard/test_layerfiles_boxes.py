"""The map's viewport layers as files: the local basemap per zoom and snapped box, the outlines cut
to the box at street zoom, and nothing sent for an analysis layer that is off.

Signed in over HTTP, as the browser asks: a view's files are revalidated by ETag (304 without a
body), their tag changes with the viewer's scope and with a load, a crafted URL never brings
another station's building outlines, and a forged box or zoom is a 400 before any query.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
import psycopg
import pytest
import shapely
import shapely.geometry
from sqlalchemy import Engine

import dashboard.cache
from dashboard.layerfiles import basemap_urls, url
from dashboard.map import framing
from dashboard.map.overlays import overlay_name
from etl.db import libpq_url
from etl.derive import record_built
from tests.support.accounts import signed_in
from tests.support.dash_calls import column, dash_call, key_of
from tests.support.streets import dense_spot, leaflet_view

pytestmark = pytest.mark.db
MB = 1_000_000


@pytest.fixture
def chief_a(demo_app: dash.Dash, accounts: dict[str, Any]) -> Any:
    return signed_in(demo_app, "chief_a")


@pytest.fixture
def leader(demo_app: dash.Dash, accounts: dict[str, Any]) -> Any:
    return signed_in(demo_app, "leader")


def footprints(resp: Any) -> list[shapely.Geometry]:
    body = resp.get_json()
    return [
        shapely.geometry.shape(f["geometry"]) for f in body["features"] if f["properties"]["s"] == "footprint"
    ]


def test_a_views_basemap_is_a_file_the_browser_revalidates(
    chief_a: Any,
    leader: Any,
    core: Engine,
    accounts: dict[str, Any],
    demo_db: tuple[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    (a,) = accounts["chief_a"].stations
    x, y = dense_spot(core, a)
    view = leaflet_view(x, y, 16, 1920, 1080)
    shapes, hideout, names = basemap_urls(16, view)
    assert shapes and names and "box=" in shapes and "road_lane" in hideout["styles"]
    # the box: whole cells covering the view and its margin, less than a cell more each way; a
    # pan that stays inside that slack names the same files
    (s, w), (n, e) = view
    dx, dy = (e - w) * framing.BASEMAP_MARGIN, (n - s) * framing.BASEMAP_MARGIN
    grown = shapely.box(w - dx, s - dy, e + dx, n + dy)
    cells = framing.snap(16, (w, s, e, n), framing.BASEMAP_MARGIN)
    box = framing.cells_box(16, cells)
    assert f"box={framing.cells_text(cells)}" in shapes
    slack = [g - b for g, b in zip(grown.bounds[:2], box[:2], strict=True)]
    slack += [b - g for g, b in zip(grown.bounds[2:], box[2:], strict=True)]
    assert all(-1e-9 <= v < framing.cell(16) for v in slack), slack
    first = chief_a.get(shapes)
    assert first.status_code == 200 and len(first.data) < MB
    assert footprints(first), "the street view draws the chief's building outlines"
    tag = first.headers["ETag"]
    assert first.headers["Cache-Control"] == "private, no-cache" and "Cookie" in first.headers["Vary"]
    again = chief_a.get(shapes, headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag
    labels = chief_a.get(names)
    assert labels.status_code == 200 and labels.get_json()["type"] == "FeatureCollection"
    assert chief_a.get(names, headers={"If-None-Match": labels.headers["ETag"]}).status_code == 304
    # the leadership's answer for the same URL is another (their outlines): another tag, and the
    # chief's tag sent by the leadership matches nothing
    theirs = leader.get(shapes, headers={"If-None-Match": tag})
    assert theirs.status_code == 200 and theirs.headers["ETag"] != tag
    assert len(footprints(theirs)) >= len(footprints(first))
    # a load (here: a derivation committing) changes every tag: the old one gets the new answer
    monkeypatch.setattr(dashboard.cache, "STAMP_SECONDS", 0.0)
    with psycopg.connect(libpq_url(demo_db[0])) as conn:
        record_built(conn, "alerts")
    after = chief_a.get(shapes, headers={"If-None-Match": tag})
    assert after.status_code == 200 and after.headers["ETag"] != tag and after.data == first.data


def test_a_chief_never_gets_another_stations_outlines_by_a_crafted_url(
    chief_a: Any, leader: Any, core: Engine, accounts: dict[str, Any]
) -> None:
    (b,) = accounts["chief_b"].stations
    x, y = dense_spot(core, b)  # a dense street of the other station
    for zoom in (16, 17, 18):
        cells = framing.snap(zoom, (x - 0.004, y - 0.004, x + 0.004, y + 0.004), 0)
        w, s, e, n = framing.cells_box(zoom, cells)
        theirs = column(
            core,
            "select st_astext(st_pointonsurface(f.geom)) from core.building_footprints f "
            "join core.buildings bl using (building_code) where bl.station_code = :b "
            "and st_within(st_pointonsurface(f.geom), st_makeenvelope(:w, :s, :e, :n, 4326))",
            b=b, w=w + 1e-4, s=s + 1e-4, e=e - 1e-4, n=n - 1e-4,
        )  # fmt: skip
        assert theirs, "the other station has outlines there"
        inside = [shapely.from_wkt(p) for p in theirs]
        crafted = url("basemap", zoom, None, cells)
        mine = footprints(chief_a.get(crafted))
        assert not any(o.contains(p) for o in mine for p in inside), zoom
        # the leadership does see them: the refusal is the scope's (row-level security)
        seen = footprints(leader.get(crafted))
        assert any(o.contains(p) for o in seen for p in inside), zoom
        # B's outlines cut to that box, asked for by B's code: as if B did not exist
        assert chief_a.get(url("grids", zoom, b, framing.snap(zoom, (w, s, e, n), 0))).status_code == 404


def test_forged_boxes_and_zooms_are_refused_fast(chief_a: Any, accounts: dict[str, Any]) -> None:
    (a,) = accounts["chief_a"].stations
    prefix = "/_onemap/layers/"
    forged = [
        f"{prefix}basemap.geojson?z=16",  # the whole county's street-zoom basemap: only by box
        f"{prefix}basemap.geojson?z=9&box=10,2,11,3",  # below the boxed zooms: whole only
        f"{prefix}basemap.geojson?z=16&box=11370,2320,11470,2420",  # 100 cells each way
        f"{prefix}basemap.geojson?z=16&box=11371,2321,11370,2322",  # inverted
        f"{prefix}basemap.geojson?z=16&box=11370,2320,11370,2321",  # empty
        f"{prefix}basemap.geojson?z=16&box=11370.5,2320,11371,2321",
        f"{prefix}basemap.geojson?z=16&box=11370,2320,11371",
        f"{prefix}basemap.geojson?z=16&box=11370,2320,11371,2321,5",
        f"{prefix}basemap.geojson?z=16&box=1e4,2320,11371,2321",
        f"{prefix}basemap.geojson?z=16&box=１１３７０,2320,11371,2321",
        f"{prefix}basemap.geojson?z=16&box=11370,2320,11371,2321;drop table core.buildings",
        f"{prefix}basemap.geojson?z=16&box=99999,2320,100000,2321",  # off the globe
        f"{prefix}basemap.geojson?z=16&box=1234567,2320,1234568,2321",
        f"{prefix}basemap.geojson?z=99&box=11370,2320,11371,2321",
        f"{prefix}basemap.geojson?z=16&box=11370,2320,11371,2321&box=11370,2320,11371,2321",
        f"{prefix}basemap.geojson?z=16&box=11370,2320,11371,2321&station={a}",
        f"{prefix}basemap-labels.geojson?z=16&box=",
        f"{prefix}grids.geojson?z=13&station={a}&box=11370,2320,11371,2321",  # below street zoom
        f"{prefix}grid-labels.geojson?z=16&station={a}&box=11370,2320,11371,2321",  # names come whole
        f"{prefix}cameras.geojson?box=11370,2320,11371,2321",
    ]
    for path in forged:
        started = time.perf_counter()
        resp = chief_a.get(path)
        assert resp.status_code == 400, path
        assert resp.headers["Cache-Control"] == "no-store" and "ETag" not in resp.headers, path
        assert time.perf_counter() - started < 1.0, path


def test_the_map_names_a_views_files_and_sends_no_data_itself(
    chief_a: Any, demo_app: dash.Dash, core: Engine, accounts: dict[str, Any]
) -> None:
    (a,) = accounts["chief_a"].stations
    x, y = dense_spot(core, a)
    view = leaflet_view(x, y, 16, 1920, 1080)
    settled = {"zoom": 16, "bounds": view}
    status, body = dash_call(
        chief_a, demo_app, key_of(demo_app, "map-basemap.url"), {("map-view-settled", "data"): settled}
    )
    assert status == 200 and len(body) < 5_000, len(body)  # addresses and styles, no shapes
    sent = json.loads(body)["response"]
    assert sent["map-basemap"]["url"] == basemap_urls(16, view)[0]
    # the outlines at street zoom: cut to the view's box, whose cells cover the view and its margin
    status, body = dash_call(
        chief_a,
        demo_app,
        key_of(demo_app, "map-stations.url"),
        {
            ("map-view-settled", "data"): settled,
            ("map-view", "zoom"): 16,
            ("map-selected-station", "data"): a,
        },
    )
    urls = json.loads(body)["response"]
    grids = urls["map-grids"]["url"]
    (text,) = parse_qs(urlsplit(grids).query)["box"]
    box = shapely.box(*framing.cells_box(16, framing.parse_cells(16, text)))
    (s, w), (n, e) = view
    assert box.contains(shapely.box(w, s, e, n))
    assert all("box=" in urls[f"map-{k}"]["url"] for k in ("stations", "zones", "grids"))
    assert "box=" not in urls["map-grid-labels"]["url"]  # names of whole grids, wherever the view is
    cut, whole = chief_a.get(grids), chief_a.get(url("grids", 16, a))
    assert cut.status_code == 200 and cut.get_json()["features"]
    assert len(cut.data) < len(whole.data)
    # below street zoom the outlines come whole
    status, body = dash_call(
        chief_a,
        demo_app,
        key_of(demo_app, "map-stations.url"),
        {
            ("map-view-settled", "data"): {"zoom": 13, "bounds": view},
            ("map-view", "zoom"): 13,
            ("map-selected-station", "data"): a,
        },
    )
    assert "box=" not in body


def test_an_analysis_layer_switched_off_is_not_sent(chief_a: Any, demo_app: dash.Dash) -> None:
    key = key_of(demo_app, "map-hotspots.data")
    settled = {("map-view-settled", "data"): {"zoom": 12, "bounds": None}, ("map-view", "zoom"): 12}
    status, off = dash_call(chief_a, demo_app, key, {**settled, ("map-layers", "overlays"): ["x"]})
    assert status == 200 and "map-hotspots" not in off and "map-risk" not in off and len(off) < 500, off
    on = [overlay_name(20, "hotspots", "研判：冷热点")]
    status, body = dash_call(chief_a, demo_app, key, {**settled, ("map-layers", "overlays"): on})
    sent = json.loads(body)["response"]
    assert status == 200 and sent["map-hotspots"]["data"]["type"] == "FeatureCollection"
    assert "map-risk" not in sent
