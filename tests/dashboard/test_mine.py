"""我的网格 (/mine): a grid worker's own grid, items with red cards first, alerts and buildings,
nothing of any other grid and nothing unmasked; other roles are refused; a tapped building opens
its page. (tests/e2e/test_phone.py walks it on a phone.)"""

from __future__ import annotations

import json
import re
from typing import Any

import dash
import pytest
from sqlalchemy import Engine

from tests.support.accounts import login
from tests.support.dash_calls import column, dash_call, key_of
from tests.support.pii import unmasked

pytestmark = pytest.mark.db

TOKEN = re.compile(r"[0-9A-Za-z_-]+")


def test_a_grid_worker_sees_their_own_grid_only(
    demo_app: dash.Dash, accounts: dict[str, Any], core: Engine
) -> None:
    client = demo_app.server.test_client()
    assert login(client, "worker").headers["Location"] == "/mine"  # where a grid worker starts
    (grid,) = accounts["worker"].grids
    route = key_of(demo_app, "page.children")
    status, body = dash_call(client, demo_app, route, {("url", "pathname"): "/mine"})
    assert status == 200 and "mine-title" in body and "我的网格" in body
    others = set(column(core, "select building_code from core.buildings where grid_code <> :g", g=grid))
    own = set(column(core, "select building_code from core.buildings where grid_code = :g", g=grid))
    shown = set(re.findall(r"/building/([0-9A-Za-z_-]+)", body))
    assert shown and shown <= own and not set(TOKEN.findall(body)) & others
    assert unmasked(body) == []
    reds = column(
        core,
        "select event_no from serve.grid_events where grid_code = :g and status <> 'closed' and card = 'red'",
        g=grid,
    )
    for event_no in reds:
        assert event_no in body
    cards = re.findall(r"mine-item card-(red|yellow|none)", body)
    order = {"red": 0, "yellow": 1, "none": 2}
    assert [order[c] for c in cards] == sorted(order[c] for c in cards)  # red cards, then yellow, first

    tap = next(k for k, v in demo_app.callback_map.items() if v["inputs"][0]["id"] == "mine-buildings")
    some = sorted(own)[0]
    status, body = dash_call(
        client, demo_app, tap, {("mine-buildings", "clickData"): {"properties": {"code": some}}}
    )
    assert status == 200 and f"/building/{some}" in body
    status, _ = dash_call(
        client, demo_app, tap, {("mine-buildings", "clickData"): {"properties": {"code": "x" * 999}}}
    )
    assert status == 204  # a forged code changes nothing


def test_other_roles_are_refused(demo_app: dash.Dash, accounts: dict[str, Any]) -> None:
    client = demo_app.server.test_client()
    assert login(client, "leader").headers["Location"] == "/"
    status, body = dash_call(
        client, demo_app, key_of(demo_app, "page.children"), {("url", "pathname"): "/mine"}
    )
    assert status == 200 and "forbidden" in body and "mine-title" not in body


def test_the_grid_lies_on_the_streets(demo_app: dash.Dash, accounts: dict[str, Any]) -> None:
    """The map holds the local basemap around the grid, under the grid and its buildings: its
    shapes (land, roads) in the ``basemap`` pane and the names of the streets, fetched by the
    browser from the layer files the page names (the page's answer carries their URLs)."""
    client = demo_app.server.test_client()
    assert login(client, "worker").status_code == 302
    status, body = dash_call(
        client, demo_app, key_of(demo_app, "page.children"), {("url", "pathname"): "/mine"}
    )
    assert status == 200
    (the_map,) = found(json.loads(body), "mine-map")
    by_id = {x["props"].get("id"): x["props"] for x in the_map["children"] if isinstance(x, dict)}
    shapes, names = by_id["mine-map-basemap"], by_id["mine-map-basemap-labels"]
    assert shapes["pane"] == "basemap" and "data" not in shapes and "data" not in names
    fetched = client.get(shapes["url"])
    assert fetched.status_code == 200
    keys = {f["properties"]["s"] for f in fetched.get_json()["features"]}
    assert "land" in keys and any(k.startswith("road_") for k in keys)
    assert names["hideout"]["pane"] == "basemap-labels"
    labels = client.get(names["url"]).get_json()["features"]
    assert [f for f in labels if f["properties"].get("label")]
    # the map is drawn once at its fitted zoom: the streets are named there, not only the town
    assert "road" in {f["properties"]["k"] for f in labels}
    panes = [x["props"]["name"] for x in the_map["children"] if x.get("type") == "Pane"]
    assert {"basemap", "basemap-labels"} <= set(panes)
    ids = [x["props"].get("id") for x in the_map["children"]]
    assert ids.index("mine-map-basemap") < ids.index("mine-grid") < ids.index("mine-buildings")


def found(node: Any, id_: str) -> list[dict[str, Any]]:
    """The props of every component with id ``id_`` in a callback's answer."""
    if isinstance(node, list):
        return [p for v in node for p in found(v, id_)]
    if not isinstance(node, dict):
        return []
    own = [node["props"]] if isinstance(node.get("props"), dict) and node["props"].get("id") == id_ else []
    return own + [p for v in node.values() for p in found(v, id_)]
