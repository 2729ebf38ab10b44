"""The map's hierarchy switch: the choropleth colours stations, zones and grids (公安) or towns,
villages and grids (治理), and for the same week the areas of every level of either add up to the
same totals (incidents, the week before, residents); a town's figures are its villages' sums; the
switch offers its own levels and moves a choropleth to the same height of the other hierarchy.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, text

from dashboard.context import AppContext
from dashboard.map import choropleth, hierarchy
from dashboard.map.framing import window
from tests.support.accounts import login
from tests.support.dash_calls import column, dash_call

pytestmark = pytest.mark.db

PAST = "?week=2026-W45"
FIGURES = ("incidents", "incidents_prev", "residents")


def test_both_hierarchies_add_up_to_the_same_totals(c: AppContext, core: Engine) -> None:
    t0, t1 = window(c.period(PAST), "week", 0, None, None)
    totals = {}
    for level in hierarchy.LEVELS:
        found = hierarchy.metrics(c.url, c.scope(), level, t0, t1)
        totals[level] = tuple(sum(r[k] for r in found) for k in FIGURES)
    assert totals["station"][0] > 0 and totals["town"][2] > 0
    assert len(set(totals.values())) == 1, totals
    # and what the warehouse holds for that week, counted independently
    (n,) = column(
        core, "select count(*) from core.incidents where reported_at >= :a and reported_at < :b", a=t0, b=t1
    )
    assert totals["town"][0] == n


def test_a_towns_figures_are_its_villages_sums(c: AppContext, core: Engine) -> None:
    t0, t1 = window(c.period(PAST), "week", 0, None, None)
    towns = {r["code"]: r for r in hierarchy.metrics(c.url, c.scope(), "town", t0, t1)}
    of_town = dict(column_pairs(core, "select village_code, town_code from core.villages"))
    summed: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for r in hierarchy.metrics(c.url, c.scope(), "village", t0, t1):
        for i, k in enumerate(FIGURES):
            summed[of_town[r["code"]]][i] += r[k]
    assert towns and {t: [r[k] for k in FIGURES] for t, r in towns.items()} == dict(summed)


def column_pairs(core: Engine, sql: str) -> list[tuple[str, str]]:
    with core.connect() as conn:
        return [(a, b) for a, b in conn.execute(text(sql)).all()]


def test_the_choropleth_colours_towns_with_links_to_their_pages(c: AppContext, core: Engine) -> None:
    fc, legend = choropleth.choropleth(c, c.period(PAST), "town", "count", "week", 0, None, None, 11)
    towns = set(column(core, "select distinct town_code from core.grids where town_code is not null"))
    assert {f["properties"]["code"] for f in fc["features"]} == towns
    assert legend is not None and sum(k["n"] for k in legend["classes"]) == len(towns)
    assert choropleth.popup("town")["links"] == [["镇街页面 ›", "/town/"]]
    assert all(f["properties"]["links"] == [f["properties"]["code"]] for f in fc["features"])


def test_the_switch_offers_its_levels_and_keeps_the_height(
    demo_app: dash.Dash, accounts: dict[str, Any]
) -> None:
    key = next(k for k, v in demo_app.callback_map.items() if v["inputs"][0]["id"] == "map-hierarchy")
    client = demo_app.server.test_client()
    login(client, "leader")
    for level, chosen, expected in (("zone", "governance", "village"), ("town", "police", "station")):
        status, body = dash_call(
            client, demo_app, key, {("map-hierarchy", "value"): chosen, ("map-choro-level", "value"): level}
        )
        assert status == 200 and f'"value":"{expected}"' in body.replace(" ", ""), body
    status, body = dash_call(
        client,
        demo_app,
        key,
        {("map-hierarchy", "value"): "governance", ("map-choro-level", "value"): "grid"},
    )
    assert status == 200 and "村社区" in body and "警务区" not in body
    status, _ = dash_call(
        client, demo_app, key, {("map-hierarchy", "value"): "x' or 1=1", ("map-choro-level", "value"): "grid"}
    )
    assert status != 200
