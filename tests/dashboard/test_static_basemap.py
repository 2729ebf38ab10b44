"""A drill page's static map asks for its basemap by URL: the page's answer names the layer files
(shapes and names, boxed by whole cells around the area), never carries their shapes, and the
route answers them as it answers the main map (200 with an ETag, then 304 without a body); the
names of a map drawn once carry the road names (``streets=1``), an argument checked like the
others: anything but that, where it changes the answer, is a 400 before any query.
"""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

import dash
import pytest
from sqlalchemy import Engine

from dashboard import bounds
from dashboard.layerfiles import PREFIX, url
from dashboard.map import basemap, framing
from tests.support.accounts import signed_in
from tests.support.dash_calls import column, dash_call, key_of
from tests.support.streets import dense_spot, leaflet_view

pytestmark = pytest.mark.db
PAST = "?week=2026-W45"


@pytest.fixture
def leader(demo_app: dash.Dash, accounts: dict[str, Any]) -> Any:
    return signed_in(demo_app, "leader")


def found(node: Any, id_: str) -> dict[str, Any]:
    """The props of the component with id ``id_`` in a callback's answer."""
    if isinstance(node, list):
        hits = [p for v in node if (p := found(v, id_))]
        return hits[0] if hits else {}
    if not isinstance(node, dict):
        return {}
    if isinstance(node.get("props"), dict) and node["props"].get("id") == id_:
        return dict(node["props"])
    return found(list(node.values()), id_)


def extent(core: Engine, table: str, column_name: str, code: str) -> tuple[float, ...]:
    (row,) = column(
        core,
        f"select array[st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e)] from "
        f"(select st_extent(geom) e from core.{table} where {column_name} = :c) t",
        c=code,
    )
    return tuple(row)


def page_map(client: Any, app: dash.Dash, path: str) -> tuple[str, dict[str, Any]]:
    status, body = dash_call(
        client, app, key_of(app, "page.children"), {("url", "pathname"): path, ("url", "search"): PAST}
    )
    assert status == 200, path
    return body, json.loads(body)


def test_a_drill_pages_basemap_is_a_file_the_route_revalidates(
    leader: Any, demo_app: dash.Dash, core: Engine
) -> None:
    grid = min(column(core, "select grid_code from core.grids where geom is not null"))
    station = min(column(core, "select station_code from core.police_stations where geom is not null"))
    areas = {
        f"/grid/{grid}": extent(core, "grids", "grid_code", grid),
        f"/station/{station}": extent(core, "police_stations", "station_code", station),
    }
    zooms = {}
    for path, (x0, y0, x1, y1) in areas.items():
        _, answer = page_map(leader, demo_app, path)
        shapes, names = found(answer, "area-map-basemap"), found(answer, "area-map-basemap-labels")
        zoom = found(answer, "area-map")["zoom"]
        zooms[path] = zoom
        # the answer names the files: no shape, no name of the basemap in it
        assert "data" not in shapes and "data" not in names, path
        assert shapes["url"].startswith(f"{PREFIX}basemap.geojson?z={zoom}&box=")
        assert names["url"].startswith(f"{PREFIX}basemap-labels.geojson?z={zoom}&box=")
        # boxed by whole cells covering the area, as the main map's views are
        for address in (shapes["url"], names["url"]):
            cells = framing.parse_cells(zoom, parse_qs(urlsplit(address).query)["box"][0])
            w, s, e, n = framing.cells_box(zoom, cells)
            assert w <= x0 and s <= y0 and e >= x1 and n >= y1, (path, address)
        # the map drawn once names its streets at any zoom: below the road names' zoom, by asking
        assert ("streets=1" in names["url"]) == (zoom < basemap.ROAD_NAME_ZOOM), path
        first = leader.get(shapes["url"])
        assert first.status_code == 200, path
        kinds = {f["properties"]["s"] for f in first.get_json()["features"]}
        assert "land" in kinds and any(k.startswith("road_") for k in kinds), path
        assert kinds <= set(shapes["hideout"]["styles"]), path  # every key drawn has a style
        tag = first.headers["ETag"]
        again = leader.get(shapes["url"], headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == tag, path
        labels = leader.get(names["url"])
        assert labels.status_code == 200 and "road" in {
            f["properties"]["k"] for f in labels.get_json()["features"]
        }
        assert leader.get(names["url"], headers={"If-None-Match": labels.headers["ETag"]}).status_code == 304
        # a second visit names the same files, which the browser keeps
        _, later = page_map(leader, demo_app, path)
        assert found(later, "area-map-basemap")["url"] == shapes["url"]
        assert found(later, "area-map-basemap-labels")["url"] == names["url"]
    assert zooms[f"/station/{station}"] < basemap.ROAD_NAME_ZOOM  # the street names' variant was asked for


def cells_of(x: float, y: float, zoom: int) -> framing.Cells:
    """The names' cells of a browser's view around (x, y) at ``zoom``, as the main map asks."""
    view = bounds.bbox(leaflet_view(x, y, zoom))
    assert view is not None
    return framing.snap(zoom, view, 0)


def test_the_street_names_variant_is_checked_before_any_query(leader: Any, core: Engine) -> None:
    x, y = dense_spot(core)
    cells = cells_of(x, y, 13)
    box = framing.cells_text(cells)
    named = leader.get(url("basemap-labels", 13, None, cells, streets=True))
    plain = leader.get(url("basemap-labels", 13, None, cells))
    assert "streets=1" in url("basemap-labels", 13, None, cells, streets=True)
    kinds = [{f["properties"]["k"] for f in r.get_json()["features"]} for r in (named, plain)]
    assert "road" in kinds[0] and "road" not in kinds[1]  # the main map names no street at zoom 13
    assert named.headers["ETag"] != plain.headers["ETag"]
    # where it would change nothing the URL leaves it out: one file, one address
    assert "streets" not in url("basemap-labels", 16, None, cells_of(x, y, 16), True)
    assert "streets" not in url("basemap-labels", 9, streets=True)
    assert "streets" not in url("basemap", 13, None, cells, streets=True)
    street = framing.cells_text(cells_of(x, y, 16))
    forged = [
        f"{PREFIX}basemap-labels.geojson?z=13&box={box}&streets={v}" for v in ("0", "true", "", "11", "１")
    ]
    forged += [
        f"{PREFIX}basemap-labels.geojson?z=13&box={box}&streets=1&streets=1",
        f"{PREFIX}basemap.geojson?z=13&box={box}&streets=1",
        f"{PREFIX}grids.geojson?z=13&streets=1",
        f"{PREFIX}basemap-labels.geojson?z=9&streets=1",
        f"{PREFIX}basemap-labels.geojson?z=16&box={street}&streets=1",
        f"{PREFIX}basemap-labels.geojson?z=13&box=0,0,99,1&streets=1",  # the box's limits kept
    ]
    for path in forged:
        started = time.perf_counter()
        resp = leader.get(path)
        assert resp.status_code == 400, path
        assert "ETag" not in resp.headers, path
        assert time.perf_counter() - started < 1.0, path
