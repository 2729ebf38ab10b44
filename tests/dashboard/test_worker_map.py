"""A viewer whose scope is grids (a grid worker, a town leader, a village officer) opens the map on
those grids: its extent is their box (not their stations'), their outlines are drawn before any
station is clicked, and the heat of a point near the box's edge is drawn whole."""

from __future__ import annotations

import base64
import io
from typing import Any

import numpy as np
import pytest
from PIL import Image
from sqlalchemy import Engine, text

from dashboard.auth import User
from dashboard.context import AppContext
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
    png = Image.open(io.BytesIO(base64.b64decode(heat["url"].split(",", 1)[1])))
    alpha = np.asarray(png.convert("RGBA"))[:, :, 3]
    border = np.concatenate([alpha[0], alpha[-1], alpha[:, 0], alpha[:, -1]])
    assert (alpha > 0).any() and not border.any()


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
