"""A station chief trying to see another station's data, every way the browser or SQL allows.

Signed in over HTTP as the chief of station A, the tests forge callback inputs (clicks on B's
features, B's codes in stores and searches, pattern-matching ids), edit URLs and download paths,
and connect as the application role with forged scope settings. Nothing of station B may come
back: none of its zone, grid or building codes, not its name, none of its people.
"""

from __future__ import annotations

import re
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from common.secret import derive
from dashboard.map.layers import area_layer
from dashboard.queries.areas import Area
from dashboard.scope import Scope
from etl.db import normalise_url
from tests.support.accounts import TEST_SECRET, login, sign
from tests.support.dash_calls import column, dash_call, key_of

pytestmark = pytest.mark.db

TOKEN = re.compile(r"[0-9A-Za-z_-]+")


@pytest.fixture(scope="module")
def b_side(core: Engine, accounts: dict[str, Any]) -> dict[str, Any]:
    """Station B's codes and names that station A's chief must never get back."""
    (a,) = accounts["chief_a"].stations
    (b,) = accounts["chief_b"].stations
    zones = column(core, "select zone_code from core.police_zones where station_code = :b", b=b)
    # B's grids that touch none of A's zones (a grid straddling both is part of A's view)
    grids = column(
        core,
        "select grid_code from core.grids where station_code = :b and grid_code not in "
        "(select zg.grid_code from core.zone_grids zg join core.police_zones z using (zone_code) "
        " where z.station_code = :a)",
        a=a,
        b=b,
    )
    buildings = column(core, "select building_code from core.buildings where station_code = :b", b=b)
    busiest = column(
        core,
        "select building_code from core.persons where station_code = :b "
        "group by 1 order by count(*) desc limit 1",
        b=b,
    )[0]
    person = column(core, "select id_number from core.persons where station_code = :b limit 1", b=b)[0]
    phone = column(
        core, "select phone from core.persons where station_code = :b and phone is not null limit 1", b=b
    )[0]
    name = column(core, "select name from core.police_stations where station_code = :b", b=b)[0]
    assert zones and grids and buildings
    return {
        "a": a,
        "b": b,
        "zone": zones[0],
        "grid": grids[0],
        "building": busiest,
        "id_number": person,
        "phone": phone,
        "name": name,
        "codes": set(zones) | set(grids) | set(buildings) | {person, phone},
    }


def leaks(body: str, b_side: dict[str, Any]) -> list[str]:
    """B's codes (as whole tokens) and B's name found in a response."""
    found = sorted(set(TOKEN.findall(body)) & b_side["codes"])
    return found + ([b_side["name"]] if b_side["name"] in body else [])


@pytest.fixture
def chief_a(demo_app: dash.Dash, accounts: dict[str, Any]) -> Any:
    client = demo_app.server.test_client()
    assert login(client, "chief_a").status_code == 302
    return client


def feature(code: str) -> dict[str, Any]:
    return {"type": "Feature", "properties": {"code": code}, "geometry": None}


def test_forged_page_urls_show_nothing_of_another_station(
    chief_a: Any, demo_app: dash.Dash, b_side: dict[str, Any]
) -> None:
    route = key_of(demo_app, "page.children")
    for path in (
        f"/station/{b_side['b']}",
        f"/station/{b_side['b']}/",
        f"/zone/{b_side['zone']}",
        f"/grid/{b_side['grid']}",
        f"/building/{b_side['building']}",
        f"/station/{b_side['a']}/../{b_side['b']}",
    ):
        status, body = dash_call(chief_a, demo_app, route, {("url", "pathname"): path})
        assert status == 200, (path, body[:300])
        assert "not-found" in body, path
        # the page names the code that was asked for, and nothing else of B's
        codes = b_side["codes"] - {path.rstrip("/").rsplit("/", 1)[-1]}
        assert leaks(body, {**b_side, "codes": codes}) == [], path
    # the chief's own station opens
    status, body = dash_call(chief_a, demo_app, route, {("url", "pathname"): f"/station/{b_side['a']}"})
    assert status == 200 and "not-found" not in body and leaks(body, b_side) == []
    # and the check can fail: the leadership does get B's page, its name and its zones
    leader = demo_app.server.test_client()
    login(leader, "leader")
    status, body = dash_call(leader, demo_app, route, {("url", "pathname"): f"/station/{b_side['b']}"})
    assert b_side["name"] in leaks(body, b_side) and b_side["zone"] in leaks(body, b_side)


def test_forged_downloads_are_refused(chief_a: Any, b_side: dict[str, Any]) -> None:
    for url in (
        f"/download/weekly/{b_side['b']}.pdf",
        f"/download/weekly/{b_side['b']}.xlsx?week=2026-W46",
        f"/download/weekly/{b_side['b']}.PDF",
    ):
        assert chief_a.get(url).status_code == 404, url
    assert chief_a.get(f"/download/weekly/{b_side['a']}.xlsx").status_code == 200


def test_forged_callback_inputs_return_nothing_of_another_station(
    chief_a: Any, demo_app: dash.Dash, b_side: dict[str, Any], core: Engine
) -> None:
    b, zone, grid, building = b_side["b"], b_side["zone"], b_side["grid"], b_side["building"]
    b_bounds = column(
        core,
        "select array[st_ymin(e), st_xmin(e), st_ymax(e), st_xmax(e)] from "
        "(select st_extent(geom)::geometry e from core.buildings where station_code = :b) s",
        b=b,
    )[0]
    forged_hits = [
        {"kind": k, "code": code, "label": code}
        for k, code in (("station", b), ("zone", zone), ("grid", grid))
    ] + [{"kind": "building", "code": building, "label": building}]
    cases: list[tuple[str, dict[tuple[str, str], Any]]] = [
        (
            key_of(demo_app, "map-stations.url"),
            {("map-view", "zoom"): 15, ("map-selected-station", "data"): b},
        ),
        (key_of(demo_app, "map-selected-station.data"), {("map-stations", "clickData"): feature(b)}),
        (
            key_of(demo_app, "map-buildings.data"),
            {
                ("map-view", "zoom"): 17,
                ("map-view", "bounds"): [[b_bounds[0], b_bounds[1]], [b_bounds[2], b_bounds[3]]],
            },
        ),
        (
            key_of(demo_app, "map-incidents.data"),
            {
                ("map-view", "zoom"): 17,
                ("map-view", "bounds"): [[b_bounds[0], b_bounds[1]], [b_bounds[2], b_bounds[3]]],
                ("map-heat-window", "value"): "4w",
            },
        ),
        (
            key_of(demo_app, "map-stations.url"),
            {("map-view", "zoom"): 16, ("map-selected-station", "data"): b},
        ),
        (key_of(demo_app, "map-search-results.children"), {("map-search-q", "value"): grid}),
        (key_of(demo_app, "map-search-results.children"), {("map-search-q", "value"): building}),
        (key_of(demo_app, "map-search-results.children"), {("map-search-q", "value"): b_side["name"][:3]}),
        (key_of(demo_app, "map-highlight.data"), {("map-search-store", "data"): forged_hits}),
        (
            key_of(demo_app, "map-choropleth.data"),
            {
                ("map-choro-level", "value"): "grid",
                ("map-choro-metric", "value"): "count",
                ("map-heat-window", "value"): "4w",
            },
        ),
        (key_of(demo_app, "wall-current.children"), {("wall-tick", "n_intervals"): 1}),
        (key_of(demo_app, "wall-figures.children"), {("wall-refresh", "n_intervals"): 1}),
        (
            key_of(demo_app, "person-results.children"),
            {
                ("person-go", "n_clicks"): 1,
                ("person-q", "value"): b_side["id_number"],
                ("person-reason", "value"): "案件核查",
            },
        ),
        (
            key_of(demo_app, "person-results.children"),
            {
                ("person-go", "n_clicks"): 1,
                ("person-q", "value"): b_side["phone"],
                ("person-reason", "value"): "案件核查",
            },
        ),
    ]
    for highlight_index in range(len(forged_hits)):  # each forged hit clicked
        cases.append(
            (
                key_of(demo_app, "map-highlight.data"),
                {("map-search-store", "data"): forged_hits[highlight_index:]},
            )
        )
    for key, values in cases:
        status, body = dash_call(chief_a, demo_app, key, values)
        assert status in (200, 204), (key, values, body[:300])
        assert leaks(body, b_side) == [], (key, values)
    # the heat of A's chief counts A's incidents only
    status, body = dash_call(
        chief_a,
        demo_app,
        key_of(demo_app, "map-heat.url"),
        {
            ("map-heat-kind", "value"): "incidents",
            ("map-heat-window", "value"): "4w",
            ("map-week-offset", "value"): 0,
        },
    )
    match = re.search(r"共([\d,]+)", body)
    assert match is not None, body[:300]
    total = match.group(1)
    want = column(
        core,
        "select count(*) from core.incidents where station_code = :a and reported_at >= '2026-10-26' "
        "and reported_at < '2026-11-23'",
        a=b_side["a"],
    )[0]
    assert int(total.replace(",", "")) == want


def test_a_station_chief_cannot_read_the_audit_trail(chief_a: Any, demo_app: dash.Dash) -> None:
    route = key_of(demo_app, "page.children")
    status, body = dash_call(chief_a, demo_app, route, {("url", "pathname"): "/audit"})
    assert status == 200 and "forbidden" in body and "audit-table" not in body
    status, body = dash_call(
        chief_a, demo_app, key_of(demo_app, "audit-rows.children"), {("audit-user", "value"): "leader"}
    )
    assert status == 500 and "leader" not in body  # the callback refuses; nothing is returned


@pytest.mark.parametrize("who", ["worker", "town", "village"])
def test_a_grid_worker_sees_their_grid_only(
    demo_app: dash.Dash, accounts: dict[str, Any], core: Engine, who: str
) -> None:
    """A grid worker, and on the governance side a town leader and a village officer, whose scope is
    the grids of their towns or villages: nothing of any other grid."""
    user = accounts[who]
    client = demo_app.server.test_client()
    login(client, user.username)
    grids = sorted(user.grids)
    grid = grids[0]
    others = set(column(core, "select building_code from core.buildings where grid_code <> all(:g)", g=grids))
    mine = set(column(core, "select building_code from core.buildings where grid_code = any(:g)", g=grids))
    route = key_of(demo_app, "page.children")
    for path in (
        "/",
        "/wall",
        "/quality",
        "/towns",
        f"/grid/{grid}",
        f"/station/{next(iter(user.stations))}",
    ):
        status, body = dash_call(client, demo_app, route, {("url", "pathname"): path})
        assert status == 200, (path, body[:300])
        assert not set(TOKEN.findall(body)) & others, path
    status, body = dash_call(client, demo_app, route, {("url", "pathname"): "/persons"})
    assert "forbidden" in body
    status, body = dash_call(
        client,
        demo_app,
        key_of(demo_app, "map-buildings.data"),
        {("map-view", "zoom"): 17, ("map-view", "bounds"): None},
    )
    assert status in (200, 204) and not set(TOKEN.findall(body)) & others
    assert mine


# core tables under row-level security that the application role may select from (the monthly
# partitions of gate events it reads through their parent only)
PROTECTED = (
    "select c.oid::regclass::text from pg_class c join pg_namespace n on n.oid = c.relnamespace "
    "where n.nspname = 'core' and c.relrowsecurity and c.relkind in ('r', 'p') "
    "and has_table_privilege(:app, c.oid, 'select') order by 1"
)


def test_direct_sql_with_a_forged_scope_returns_nothing(
    demo_db: tuple[str, str], core: Engine, b_side: dict[str, Any]
) -> None:
    """As the application role, with the scope setting forged every way: no rows of anything."""
    a, b = b_side["a"], b_side["b"]
    tables = column(core, PROTECTED, app=make_url(demo_db[1]).username)
    assert {"core.persons", "core.incidents", "core.buildings", "core.access_events"} <= set(tables)
    good = sign(Scope.of(a), "station_chief")
    payload, sig = good.split("~")
    forged = {
        "none": None,
        "empty": "",
        "another station, same signature": good.replace(a, b),
        "whole area, no signature": payload.replace(a, "*") + "~",
        "whole area, made-up signature": payload.replace(a, "*") + "~" + "0" * 64,
        "signed with another key": Scope.everything().token(
            b"another key of 32 bytes or more....", "leadership"
        ),
        "expired": Scope.everything().token(
            derive(TEST_SECRET.encode(), "scope"), "leadership", ttl_seconds=-1
        ),
        "appended": good + "|*",
        "a town leader's grids widened": sign(Scope.of_grids({a}, {"x"}), "town_leader").replace(
            "|x|", "|*|"
        ),
        "extra fields": payload + "|x~" + sig,
    }
    engine = create_engine(normalise_url(demo_db[1]))
    try:
        with engine.connect() as conn:
            for what, setting in forged.items():
                for local in (True, False):
                    with conn.begin():
                        if setting is not None:
                            conn.execute(
                                text("select set_config('onemap.scope', :s, :l)"), {"s": setting, "l": local}
                            )
                        for table in tables:
                            n = conn.execute(text(f"select count(*) from {table}")).scalar()
                            assert n == 0, (what, local, table, n)
                        conn.execute(text("reset onemap.scope"))
            with conn.begin():
                conn.execute(text("select set_config('onemap.scope', :s, true)"), {"s": good})
                assert conn.execute(text("select count(*) from core.persons")).scalar() > 0
                for table in tables:
                    cols = set(conn.execute(text(f"select * from {table} limit 0")).keys())
                    if "station_code" in cols and table != "core.grids":
                        n = conn.execute(
                            text(f"select count(*) from {table} where station_code = :b"), {"b": b}
                        )
                        assert n.scalar() == 0, table
                # of B's grids, only those overlapping one of A's police zones (their outline is A's too)
                seen = conn.execute(
                    text("select grid_code from core.grids where station_code = :b"), {"b": b}
                )
                assert not set(seen.scalars()) & b_side["codes"]
                assert (
                    conn.execute(
                        text("select count(*) from serve.persons where station_code <> :a"), {"a": a}
                    ).scalar()
                    == 0
                )
            # and the app role cannot get around the policies
            for statement in (
                "select key from ops.scope_key",
                "alter table core.persons disable row level security",
                "set role onemap_owner",
                "select ops.protect('core.persons')",
                "insert into ops.scope_key values (true, decode(repeat('00', 32), 'hex'))",
                "update ops.users set role = 'leadership', stations = '{}' where username = 'chief_a'",
                "create policy mine on core.persons using (true)",
            ):
                with pytest.raises(DBAPIError), conn.begin():
                    conn.execute(text(statement))
    finally:
        engine.dispose()


@pytest.mark.parametrize("crs", ["WGS84", "GCJ02"])
def test_the_grid_layer_keeps_a_grid_workers_grids_without_row_level_security(
    demo_db: tuple[str, str], accounts: dict[str, Any], core: Engine, crs: str
) -> None:
    """The first of the two checks on its own: read as the owner (who bypasses row-level security),
    only the layer's own scope condition can leave the worker's station's other grids out."""
    worker = accounts["worker"]
    (station,) = worker.stations
    assert len(column(core, "select grid_code from core.grids where station_code = :s", s=station)) > 1
    for within in (None, Area("station", station)):
        fc = area_layer(demo_db[0], Scope.of_grids(worker.stations, worker.grids), "grid", 13, crs, within)
        assert sorted(f["properties"]["code"] for f in fc["features"]) == sorted(worker.grids), within
