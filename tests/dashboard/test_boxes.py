"""Buildings and their outlines in a box read through the owner's functions (``ops.box_buildings``,
``ops.box_footprints``, on the spatial indexes) are exactly those the viewer's own rows give under
row-level security: for every scope, and none without one."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Engine

from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.db import fetch_all, scoped
from tests.support.accounts import LEADER, chief
from tests.support.dash_calls import column
from tests.support.streets import dense_spot

pytestmark = pytest.mark.db

# what the basemap asked before: the outlines' view, under the policies
THROUGH_POLICIES = (
    "select 'footprint' as s, st_asbinary(st_simplifypreservetopology(st_intersection(geom, "
    "st_makeenvelope(:x0, :y0, :x1, :y1, 4326)), :tol)) as wkb from serve.building_footprints "
    "where geom && st_makeenvelope(:x0, :y0, :x1, :y1, 4326) order by building_code limit :limit"
)
THROUGH_FUNCTION = (
    "select 'footprint' as s, wkb from ops.box_footprints(:x0, :y0, :x1, :y1, :tol, :limit) "
    "order by building_code"
)


def _both(c: AppContext, params: dict[str, Any]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    return fetch_all(c.url, THROUGH_POLICIES, params), fetch_all(c.url, THROUGH_FUNCTION, params)


def _viewers(core: Engine, x: float, y: float) -> list[User]:
    """The leader, each station's chief, and a grid worker of two grids with buildings there."""
    stations = column(core, "select station_code from core.police_stations order by 1")
    # the grid with the most buildings there, and the next of its station
    station, *grids = column(
        core, "select array[min(station_code), grid_code] from core.buildings "
        "where st_dwithin(geom, st_point(:x, :y, 4326), 0.003) group by grid_code "
        "order by count(*) desc limit 1", x=x, y=y,
    )[0]  # fmt: skip
    grids += column(
        core, "select grid_code from core.buildings where station_code = :s and grid_code <> :g "
        "and st_dwithin(geom, st_point(:x, :y, 4326), 0.003) group by 1 order by count(*) desc limit 1",
        s=station, g=grids[0], x=x, y=y,
    )  # fmt: skip
    grid_worker = User("test-grid", "测试网格员", "grid_worker", frozenset({station}), frozenset(grids))
    return [LEADER, *(chief(s) for s in stations), grid_worker]


def test_the_outlines_function_gives_what_the_policies_give(c: AppContext, core: Engine) -> None:
    x, y = dense_spot(core)
    viewers = _viewers(core, x, y)
    params = {"x0": x - 0.006, "y0": y - 0.004, "x1": x + 0.006, "y1": y + 0.004, "tol": 1e-6}
    seen = []
    for viewer in viewers:
        with c.acting_as(viewer):
            # the limit cuts both alike (by building code)
            for limit in (7, 6000):
                policies, function = _both(c, {**params, "limit": limit})
                assert function == policies, (viewer.role, viewer.stations, limit)
            seen.append(len(policies))  # with the larger limit
    # the leader sees outlines there, a chief of another station none, the grid worker fewer
    assert seen[0] > 0 and min(seen) == 0 and 0 < seen[-1] < seen[0], seen
    with scoped(None):  # no signed scope: nothing, as from the policies
        assert _both(c, {**params, "limit": 6000}) == ([], [])


def test_the_buildings_function_gives_what_the_policies_give(c: AppContext, core: Engine) -> None:
    x, y = dense_spot(core)
    box = {"x0": x - 0.006, "y0": y - 0.004, "x1": x + 0.006, "y1": y + 0.004}
    policies = (
        "select building_code from serve.buildings where geom && st_makeenvelope(:x0, :y0, :x1, :y1, 4326)"
    )
    function = "select ops.box_buildings(:x0, :y0, :x1, :y1) as building_code"
    seen = []
    for viewer in _viewers(core, x, y):
        with c.acting_as(viewer):
            mine = sorted(r["building_code"] for r in fetch_all(c.url, policies, box))
            assert sorted(r["building_code"] for r in fetch_all(c.url, function, box)) == mine
            seen.append(len(mine))
    assert seen[0] > 0 and min(seen) == 0 and 0 < seen[-1] < seen[0], seen
    with scoped(None):
        assert fetch_all(c.url, function, box) == []
