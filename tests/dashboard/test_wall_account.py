"""The wall account: it opens the wall and runs what the wall runs, and is refused (and audited)
everything else — pages, downloads, other pages' callbacks — on the server and again in the
database, which shows it the wall's counts but no person's row; its session outlasts the normal
idle limit while the wall refreshes, and an admin ends it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import dash
import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, create_engine, text

from common.errors import AuthError
from dashboard import routes
from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.headlines import FIGURES
from dashboard.queries import indicators
from dashboard.queries.areas import Area
from dashboard.scope import Scope
from dashboard.wall_guard import wall_callback
from etl.db import normalise_url
from etl.users import add_user, sign_out
from tests.support.accounts import LEADER, login, sign
from tests.support.dash_calls import dash_call

pytestmark = pytest.mark.db

WALL = User("screen", "指挥中心大屏", "wall", frozenset(), frozenset())


def first(core: Engine, sql: str) -> str:
    with core.connect() as conn:
        return str(conn.execute(text(sql)).scalar_one())


@pytest.fixture(scope="module")
def places(core: Engine) -> dict[str, str]:
    """A station, zone, grid and building of the demo, for paths the wall may not open."""
    return {
        "station": first(core, "select station_code from core.police_stations order by 1 limit 1"),
        "zone": first(core, "select zone_code from core.police_zones order by 1 limit 1"),
        "grid": first(core, "select grid_code from core.grids order by 1 limit 1"),
        "building": first(core, "select building_code from core.persons order by 1 limit 1"),
    }


@pytest.fixture(scope="module")
def app_engine_demo(demo_db: tuple[str, str]) -> Iterator[Engine]:
    """The application role's engine on the demo (signed scopes set by hand)."""
    engine = create_engine(normalise_url(demo_db[1]))
    yield engine
    engine.dispose()


@pytest.fixture
def wall(demo_app: dash.Dash, accounts: dict[str, Any]) -> Iterator[FlaskClient]:
    client = demo_app.server.test_client()
    resp = login(client, "screen")
    assert resp.status_code == 302 and resp.headers["Location"] == "/wall"  # the wall, wherever asked
    yield client


def refusals(core: Engine, since: int) -> list[dict[str, Any]]:
    """What the wall account was refused since audit row ``since``, as the audit trail keeps it."""
    with core.connect() as conn:
        return list(
            conn.execute(
                text(
                    "select params from ops.audit where username = 'screen' and audit_id > :n "
                    "and action = 'view_page' and result = 'refused_role' order by audit_id"
                ),
                {"n": since},
            ).scalars()
        )


def last_audit(core: Engine) -> int:
    return int(first(core, "select coalesce(max(audit_id), 0) from ops.audit"))


def test_the_wall_account_opens_the_wall_and_what_it_calls(
    wall: FlaskClient, demo_app: dash.Dash, core: Engine, c: AppContext
) -> None:
    since = last_audit(core)
    for path in ("/wall", "/wall/", "/wall?week=2026-W46", "/_dash-layout", "/_dash-dependencies"):
        assert wall.get(path).status_code == 200, path
    assert wall.get("/_onemap/ready").status_code == 204
    assert wall.get("/assets/onemap_wall.js").status_code == 200
    status, body = dash_call(
        wall, demo_app, "page.children", {("url", "pathname"): "/wall", ("url", "search"): ""}
    )
    assert status == 200 and "wall-figures" in body
    served = [k for k, spec in demo_app.callback_map.items() if "callback" in spec]  # not in the browser
    ours = [k for k in served if wall_callback(k) and k != "page.children"]
    assert len(ours) >= 2  # the refresh and the rotation at least
    for key in ours:
        status, body = dash_call(wall, demo_app, key, {("wall-refresh", "n_intervals"): 1})
        assert status in (200, 204), (key, body)
    status, body = dash_call(
        wall, demo_app, next(k for k in ours if "wall-figures" in k), {("wall-refresh", "n_intervals"): 1}
    )
    # the people counts reach the wall, as counts, the same as the leadership's
    with c.acting_as(LEADER):
        truth = indicators.kpis(c.url, LEADER.scope(), Area(), c.period())
    assert truth["population"] > 0 and FIGURES["population"].show(truth) in body
    assert refusals(core, since) == []
    assert wall.get("/").headers["Location"] == "/wall"  # its home is the wall, not the map


@pytest.mark.parametrize(
    ("path", "audited"),
    [
        ("/persons", {"page": "/persons"}),
        ("/audit", {"page": "/audit"}),
        ("/quality", {"page": "/quality"}),
        ("/mine/", {"page": "/mine"}),
        ("/station/{station}", {"page": "/station", "code": "{station}"}),
        ("/zone/{zone}", {"page": "/zone", "code": "{zone}"}),
        ("/grid/{grid}", {"page": "/grid", "code": "{grid}"}),
        ("/building/{building}", {"page": "/building", "code": "{building}"}),
        ("/no-such-page", {"path": "/no-such-page"}),
    ],
)
def test_every_other_page_is_refused(
    wall: FlaskClient, core: Engine, places: dict[str, str], path: str, audited: dict[str, str]
) -> None:
    since = last_audit(core)
    resp = wall.get(path.format(**places))
    assert resp.status_code == 403
    page = resp.get_data(as_text=True)
    assert "只能打开大屏" in page and 'href="/wall"' in page
    assert "*" not in page and places["station"] not in page  # nothing of the page it asked for
    assert refusals(core, since) == [{k: v.format(**places) for k, v in audited.items()}]


@pytest.mark.parametrize(
    ("path", "fmt"),
    [
        ("/download/weekly/{station}.pdf", "pdf"),
        ("/download/weekly/{station}.xlsx", "xlsx"),
        ("/download/weekly/{station}.pdf?week=2026-W46", "pdf"),
        ("/download/weekly/{station}.xlsx?week=2026-W47&to=2026-11-19T00:00", "xlsx"),
    ],
)
def test_every_download_is_refused(
    wall: FlaskClient, core: Engine, places: dict[str, str], path: str, fmt: str
) -> None:
    since = last_audit(core)
    resp = wall.get(path.format(**places))
    assert resp.status_code == 403 and resp.is_json
    assert resp.get_json()["error"] == "forbidden"
    assert refusals(core, since) == [{"page": "/download", "station": places["station"], "format": fmt}]
    with core.connect() as conn:
        exports = conn.execute(
            text("select count(*) from ops.audit where username = 'screen' and action = 'export'")
        ).scalar_one()
    assert exports == 0


def test_every_callback_of_another_page_is_refused(
    wall: FlaskClient, demo_app: dash.Dash, core: Engine, places: dict[str, str]
) -> None:
    others = [k for k in demo_app.callback_map if not wall_callback(k)]
    prefixes = {k.strip(".").split(".")[0].split("-")[0] for k in others}
    # the map's, the person search's, the audit's, and the clicks that open a page (map, 我的网格)
    assert {"map", "person", "audit", "url"} <= prefixes, prefixes
    since = last_audit(core)
    for key in others:
        status, body = dash_call(wall, demo_app, key, {("persons-q", "value"): "张"})
        assert status == 403 and '"forbidden"' in body, (key, status, body[:200])
    # the router renders the wall and nothing else for this account
    for path in (
        "/",
        "/persons",
        "/audit",
        f"/station/{places['station']}",
        f"/building/{places['building']}",
    ):
        status, body = dash_call(
            wall, demo_app, "page.children", {("url", "pathname"): path, ("url", "search"): ""}
        )
        assert status == 403 and "persons" not in body, (path, body[:200])
    refused = refusals(core, since)
    assert [r["page"] for r in refused[: len(others)]] == ["/_dash-update-component"] * len(others)
    assert "map-heat" in {i for r in refused for i in r.get("output", "").split("、")}
    assert [r["page"] for r in refused[len(others) :]] == ["/", "/persons", "/audit", "/station", "/building"]


def test_the_router_refuses_other_pages_to_a_wall_account_itself(
    c: AppContext, places: dict[str, str]
) -> None:
    """The second line, for a request that got past the login guard: the router renders the wall only."""
    with c.acting_as(WALL):
        for path in ("/", "/persons", "/audit", f"/building/{places['building']}"):
            page = routes.render(c, path, "")
            assert page.children[1].id == "forbidden", path
        assert routes.render(c, "/wall", "").id == "wall"


def test_the_database_shows_a_wall_counts_and_no_person(c: AppContext, app_engine_demo: Engine) -> None:
    wall_scope = sign(Scope.everything(), "wall", "screen")
    leader_scope = sign(Scope.everything(), "leadership", "leader")

    def count(token: str, sql: str) -> Any:
        with app_engine_demo.begin() as conn:
            conn.execute(text("select set_config('onemap.scope', :t, true)"), {"t": token})
            return conn.execute(text(sql)).scalar_one()

    for table in ("persons", "rental_units", "alerts"):
        assert count(leader_scope, f"select count(*) from serve.{table}") > 0, table
        assert count(wall_scope, f"select count(*) from serve.{table}") == 0, table
    for table in (
        "core.persons",
        "core.rental_units",
        "core.access_events",
        "core.access_daily",
        "core.alerts",
    ):
        assert count(wall_scope, f"select count(*) from {table}") == 0, table
    for table in ("serve.incidents", "serve.grid_events", "serve.grids", "serve.buildings"):
        assert count(wall_scope, f"select count(*) from {table}") == count(
            leader_scope, f"select count(*) from {table}"
        )
    assert count(wall_scope, "select count(*) from serve.audit") == 0
    looked = count(wall_scope, "select result from ops.person_lookup('name', '张三', '核查')")
    assert looked == "refused_role"
    # the wall's figures: the same as the leadership's, people included (counted by the owner's function)
    with c.acting_as(WALL):
        seen = indicators.kpis(c.url, WALL.scope(), Area(), c.period())
    with c.acting_as(LEADER):
        truth = indicators.kpis(c.url, LEADER.scope(), Area(), c.period())
    assert seen == truth and seen["population"] > 0 and seen["migrants_registered"] > 0


def test_a_wall_shows_its_stations_or_the_whole_area_and_never_grids(
    demo_db: tuple[str, str], places: dict[str, str]
) -> None:
    owner = demo_db[0]
    with create_engine(normalise_url(owner)).begin() as conn:
        conn.execute(text("delete from ops.users where username like 't-screen-%'"))
    station_wall = add_user(owner, "t-screen-station", "wall", "Test-pass-2026", [places["station"]])
    assert station_wall.role_zh == "指挥中心大屏"
    with pytest.raises(AuthError, match="no --grid"):
        add_user(owner, "t-screen-grid", "wall", "Test-pass-2026", grids=[places["grid"]])
    user = User("t-screen-station", "", "wall", frozenset([places["station"]]), frozenset())
    assert user.scope() == Scope.of(places["station"]) and WALL.scope() == Scope.everything()
    assert not WALL.can_search_persons and not WALL.can_read_audit and WALL.wall_only


def age_sessions(core: Engine, username: str, minutes: int) -> None:
    with core.begin() as conn:
        conn.execute(
            text(
                "update ops.sessions set last_seen = now() - make_interval(mins => :m) "
                "where username = :u and ended_at is null"
            ),
            {"m": minutes, "u": username},
        )


def test_the_walls_session_outlasts_the_idle_limit_while_it_refreshes(
    wall: FlaskClient, demo_app: dash.Dash, core: Engine, accounts: dict[str, Any]
) -> None:
    leader = demo_app.server.test_client()
    login(leader, "leader")
    refresh = next(k for k in demo_app.callback_map if "wall-figures" in k)
    idle = demo_app.onemap.settings.session_idle_minutes  # type: ignore[attr-defined]
    # hours past a page's idle limit (an outage of the wall's server or database, say)
    age_sessions(core, "screen", idle * 8)
    age_sessions(core, "leader", idle * 8)
    assert dash_call(leader, demo_app, refresh, {("wall-refresh", "n_intervals"): 3})[0] == 401
    status, _ = dash_call(wall, demo_app, refresh, {("wall-refresh", "n_intervals"): 3})
    assert status == 200
    renewed = first(
        core,
        "select max(last_seen) > now() - interval '1 minute' from ops.sessions "
        "where username = 'screen' and ended_at is null",
    )
    assert renewed == "True"  # the refresh renewed it
    # past the wall's own limit, it ends as any other session does
    hours = demo_app.onemap.settings.wall_session_idle_hours  # type: ignore[attr-defined]
    age_sessions(core, "screen", hours * 60 + 1)
    assert dash_call(wall, demo_app, refresh, {("wall-refresh", "n_intervals"): 4})[0] == 401


def test_an_admin_ends_the_walls_session(
    wall: FlaskClient, demo_app: dash.Dash, demo_db: tuple[str, str], core: Engine
) -> None:
    assert wall.get("/_onemap/ready").status_code == 204
    assert sign_out(demo_db[0], "screen") >= 1
    assert wall.get("/_onemap/ready").status_code == 401
    assert wall.get("/wall").status_code == 302  # to the login
    with core.connect() as conn:
        row = conn.execute(
            text(
                "select role, params from ops.audit where action = 'user_sign_out' "
                "and params->>'username' = 'screen' order by audit_id desc limit 1"
            )
        ).one()
    assert row.role == "operator" and row.params["sessions"] >= 1 and row.params["reason"] == "revoked"
    with pytest.raises(AuthError):
        sign_out(demo_db[0], "nobody-here")
