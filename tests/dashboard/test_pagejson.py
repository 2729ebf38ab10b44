"""The router's answer with the cached parts' JSON kept from when they were computed: the same page
Dash would send, behind the same login guard, scope and period, for each viewer's own scope."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dash
import pytest
from dash import dcc, html
from plotly.io.json import to_json_plotly
from sqlalchemy import Engine

from dashboard import routes
from dashboard.app import create_app
from dashboard.auth import COOKIE
from dashboard.pagejson import freeze, to_json
from dashboard.settings import DashboardSettings
from tests.support.accounts import DEMO_UNTIL, SECRET, login
from tests.support.dash_calls import column

ROUTER = "page.children"


def router_call(path: Any, search: Any = "") -> dict[str, Any]:
    """What the browser posts when its URL changes (benchmarks/users.py posts the same)."""
    return {
        "output": ROUTER,
        "outputs": {"id": "page", "property": "children"},
        "inputs": [
            {"id": "url", "property": "pathname", "value": path},
            {"id": "url", "property": "search", "value": search},
        ],
        "changedPropIds": ["url.pathname"],
        "state": [],
    }


def test_a_frozen_part_is_sent_as_dash_would_send_it() -> None:
    """Spliced or not, the same JSON, with ``<`` ``>`` ``/`` escaped in both (no markup in the page's
    script data); a string that looks like a placeholder is data, left as it is."""
    body = freeze(
        html.Div(
            [
                html.P("</script><b>x</b>", id="p"),
                dcc.Graph(id="g", figure={"data": [{"type": "bar", "y": [1, 2]}]}),
                "onemap-part-0000000000000000-0",
            ]
        )
    )
    page = html.Div([html.Header("顶栏 </b>"), body])
    sent = to_json(page)
    assert json.loads(sent) == json.loads(to_json_plotly(page))
    assert "</" not in sent and "<b>" not in sent
    assert "onemap-part-0000000000000000-0" in sent


@pytest.fixture(scope="module")
def cached_app(demo_db: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> dash.Dash:
    """The app as served: its cache on (one directory, as the workers of one deployment share)."""
    cache: Path = tmp_path_factory.mktemp("pagejson-cache")
    settings = DashboardSettings(as_of=DEMO_UNTIL, cache_seconds=600, cache_dir=cache)
    return create_app(demo_db[1], SECRET, settings)


@pytest.fixture(scope="module")
def places(core: Engine, accounts: dict[str, Any]) -> Iterator[dict[str, str]]:
    """chief_a's station, its first police zone and a grid of it; chief_b's station."""
    a, b = column(core, "select station_code from core.police_stations order by 1 limit 2")
    zone = column(core, "select min(zone_code) from serve.zones where station_code = :s", s=a)[0]
    grid = column(core, "select min(grid_code) from serve.grids where station_code = :s", s=a)[0]
    yield {"a": a, "b": b, "zone": zone, "grid": grid}


def text_of(response: Any) -> str:
    """A JSON answer with its Chinese readable (Dash escapes everything past ASCII)."""
    return json.dumps(response.get_json(), ensure_ascii=False)


def signed_in(app: dash.Dash, username: str) -> Any:
    client = app.server.test_client()
    assert login(client, username).status_code == 302
    return client


@pytest.mark.db
def test_every_page_is_the_tree_the_router_builds(
    cached_app: dash.Dash, places: dict[str, str], accounts: dict[str, Any]
) -> None:
    """Answered twice (computed, then from the cache): each time the JSON of what
    dashboard.routes.render builds for the same viewer in the same request, encoded as Dash does."""
    client = signed_in(cached_app, "chief_a")
    cookie = client.get_cookie(COOKIE).value
    c = cached_app.onemap  # type: ignore[attr-defined]
    paths = ["/", f"/station/{places['a']}", f"/zone/{places['zone']}", f"/grid/{places['grid']}"]
    for path in paths:
        for _ in range(2):
            call = router_call(path)
            with cached_app.server.test_request_context(
                "/_dash-update-component", method="POST", json=call, headers={"Cookie": f"{COOKIE}={cookie}"}
            ):
                answer = cached_app.server.preprocess_request()  # the guard, the envelope, the router
                assert answer is not None and answer.status_code == 200, path
                expected = to_json_plotly(routes.render(c, path, ""))
                got = json.loads(answer.get_data(as_text=True))
                assert got == {"multi": True, "response": {"page": {"children": json.loads(expected)}}}, path


@pytest.mark.db
def test_a_cached_page_reaches_no_other_scope(cached_app: dash.Dash, places: dict[str, str]) -> None:
    """chief_a's station page, cached for chief_a, is 未找到 for chief_b, and the top bar names
    whoever asks, not who was asked for first."""
    path = f"/station/{places['a']}"
    first = signed_in(cached_app, "chief_a").post("/_dash-update-component", json=router_call(path))
    assert first.status_code == 200
    assert "甲所长" in text_of(first)
    other = signed_in(cached_app, "chief_b").post("/_dash-update-component", json=router_call(path))
    body = text_of(other)
    assert other.status_code == 200 and "not-found" in body and "甲所长" not in body
    own = signed_in(cached_app, "chief_b").post(
        "/_dash-update-component", json=router_call(f"/station/{places['b']}")
    )
    assert "乙所长" in text_of(own)


@pytest.mark.db
def test_the_router_keeps_the_guard_and_the_bounds(cached_app: dash.Dash, accounts: dict[str, Any]) -> None:
    """Without a session: 401, nothing rendered. A path or query out of bounds changes nothing (204,
    as Dash answers it); a malformed envelope is refused before the router sees it."""
    anonymous = cached_app.server.test_client()
    refused = anonymous.post("/_dash-update-component", json=router_call("/"))
    assert refused.status_code == 401 and refused.get_json()["error"] == "signed_out"
    client = signed_in(cached_app, "leader")
    assert client.post("/_dash-update-component", json=router_call("/" + "x" * 5000)).status_code == 204
    assert client.post("/_dash-update-component", json=router_call(["/"])).status_code == 204
    assert client.post("/_dash-update-component", json=router_call("/", 7)).status_code == 204
    short = {**router_call("/"), "inputs": router_call("/")["inputs"][:1]}
    assert client.post("/_dash-update-component", json=short).status_code == 400
    assert client.post("/_dash-update-component", json=router_call("/")).status_code == 200
