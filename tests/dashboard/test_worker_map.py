"""A viewer whose scope is grids (a grid worker, a town leader, a village officer) opens the map on
those grids: its extent is their box (not their stations'), their outlines are drawn before any
station is clicked, and the heat of a point near the box's edge is drawn whole."""

from __future__ import annotations

import base64
import io
from collections.abc import Iterator
from typing import Any

import dash_leaflet as dl
import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine, text

from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.map.areamap import area_map
from dashboard.map.framing import area_extent
from dashboard.map.heat import heat_layer
from dashboard.map.layers import area_layers
from tests.support.dash_calls import column

pytestmark = pytest.mark.db

BOX = (
    "select st_xmin(e), st_ymin(e), st_xmax(e), st_ymax(e) from "
    "(select st_extent(geom) as e from core.grids where grid_code = any(:g)) x"
)


def viewer(accounts: dict[str, Any], who: str) -> User:
    a = accounts[who]
    return User(a.username, a.display_name, a.role, frozenset(a.stations), frozenset(a.grids))


@pytest.mark.parametrize("who", ["worker", "town", "village"])
def test_the_map_opens_on_the_viewers_grids(
    c: AppContext, core: Engine, accounts: dict[str, Any], who: str
) -> None:
    user = viewer(accounts, who)
    grids = sorted(user.grids)
    with core.connect() as conn:
        box = conn.execute(text(BOX), {"g": grids}).one()
    with c.acting_as(user):
        ext = area_extent(c)
        _, zones, drawn = area_layers(c, 13, None)
        heat = heat_layer(c, c.period(), "incidents", None, "4w", 0, None, None)
    assert ext == pytest.approx(tuple(box), abs=1e-6)
    assert sorted(f["properties"]["code"] for f in drawn["features"]) == grids
    assert zones["features"] == []
    # the raster reaches past the box by the kernel's reach: its border is clear wherever the
    # incidents lie in the box
    assert heat["total"] > 0, "the demo has incidents in these grids in four weeks"
    assert clear_border(heat["url"]) == (True, True)


def test_a_chief_still_opens_on_the_station(c: AppContext, core: Engine, accounts: dict[str, Any]) -> None:
    user = viewer(accounts, "chief_a")
    with c.acting_as(user):
        ext = area_extent(c)
        _, _, drawn = area_layers(c, 13, None)
    want = column(
        core,
        "select st_xmin(e) from (select st_extent(geom) as e from core.police_stations "
        "where station_code = any(:s)) x",
        s=sorted(user.stations),
    )[0]
    assert ext[0] == pytest.approx(want, abs=1e-6)
    assert drawn["features"] == []  # a station's grids wait for its click


NEAR_EDGE = (
    "select g.grid_code from core.incidents i join core.grids g using (grid_code) "
    "where i.reported_at >= :t0 and i.reported_at < :t1 order by least(st_x(i.geom) - st_xmin(g.geom), "
    "st_xmax(g.geom) - st_x(i.geom), st_y(i.geom) - st_ymin(g.geom), st_ymax(g.geom) - st_y(i.geom)) limit 1"
)


def walk(component: Any) -> Iterator[Any]:
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children] if children is not None else []:
        yield from walk(child)


def clear_border(data_url: str) -> tuple[bool, bool]:
    """(anything drawn, nothing drawn on the raster's border) of a heat PNG as a data URL."""
    png = Image.open(io.BytesIO(base64.b64decode(data_url.split(",", 1)[1])))
    alpha = np.asarray(png.convert("RGBA"))[:, :, 3]
    border = np.concatenate([alpha[0], alpha[-1], alpha[:, 0], alpha[:, -1]])
    return bool((alpha > 0).any()), not border.any()


def test_a_grid_pages_heat_is_not_cut_at_the_grids_box(c: AppContext, core: Engine) -> None:
    # the grid with an incident of the week nearest its box's edge: a kernel cut there shows
    (grid,) = column(core, NEAR_EDGE, t0=c.period().start, t1=c.period().end)
    overlays = [x for x in walk(area_map(c, "grid", grid, c.period())) if isinstance(x, dl.ImageOverlay)]
    assert overlays and overlays[0].url.startswith("data:image/png")
    assert clear_border(overlays[0].url) == (True, True)
