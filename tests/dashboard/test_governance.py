"""The governance side on the demo: town and village pages, figures that add up in both
hierarchies without double counting, and the town leader's and village officer's scope (pages,
forged callbacks and row-level security)."""

from __future__ import annotations

import re
from typing import Any

import dash
import pytest
from sqlalchemy import Engine, create_engine, text

from common.errors import AuthError
from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.periods import Period, Week
from dashboard.queries import areas, indicators
from dashboard.queries.areas import Area
from dashboard.routes import render
from dashboard.scope import Scope
from etl.db import libpq_url, normalise_url
from etl.users import add_user
from tests.support.accounts import DEMO_UNTIL, PASSWORD, login, sign
from tests.support.dash_calls import column, dash_call, key_of
from tests.support.layouts import find, hrefs, text_of

pytestmark = pytest.mark.db

TOKEN = re.compile(r"[0-9A-Za-z_-]+")
WEEK = Period(Week.containing(DEMO_UNTIL))
# the figures that are counts of rows (rates and "has last year" do not add up)
ADDITIVE = (
    "population",
    "migrants",
    "migrants_registered",
    "rental_units",
    "buildings",
    "communities",
    "incidents_week",
    "incidents_prev",
    "incidents_last_year",
    "events_open",
    "yellow_cards",
    "red_cards",
    "events_closed_week",
    "hazards_open",
    "hazards_found_week",
    "hazards_cleared_week",
    "disputes",
    "disputes_resolved",
    "alerts",
)


def kpis(c: AppContext, level: str, code: str | None = None, who: Any = None) -> dict[str, int]:
    """The additive headline figures of an area, as the leadership or the account ``who`` sees them
    (signed in their scope: the people counts follow the signed one)."""
    if who is None:
        k = indicators.kpis(c.url, c.scope(), Area(level, code), WEEK)
    else:
        with c.acting_as(User(who.username, who.display_name, who.role, who.stations, who.grids)):
            k = indicators.kpis(c.url, c.scope(), Area(level, code), WEEK)
    return {key: k[key] for key in ADDITIVE}  # type: ignore[literal-required]


def summed(parts: list[dict[str, int]]) -> dict[str, int]:
    return {key: sum(p[key] for p in parts) for key in ADDITIVE}


def test_a_towns_figures_are_the_sum_of_its_villages(c: AppContext, core: Engine) -> None:
    towns = column(core, "select town_code from core.towns order by 1")
    assert len(towns) > 1
    busy = 0
    for town in towns:
        villages = column(
            core, "select distinct village_code from core.grids where town_code = :t order by 1", t=town
        )
        whole = kpis(c, "town", town)
        assert whole == summed([kpis(c, "village", v) for v in villages]), town
        assert whole["population"] > 0, town
        busy += whole["incidents_week"] > 0
    # a quiet mountain town may have a week without incidents; most towns do not
    assert busy > len(towns) / 2


def test_police_and_governance_totals_agree(c: AppContext, core: Engine) -> None:
    """The whole area, counted by stations and by towns, is the same: no element twice, none lost."""
    everything = kpis(c, "all")
    stations = column(core, "select station_code from core.police_stations order by 1")
    towns = column(core, "select town_code from core.towns order by 1")
    assert summed([kpis(c, "station", s) for s in stations]) == everything
    assert summed([kpis(c, "town", t) for t in towns]) == everything
    # and a village is the sum of its grids, a grid split among police zones counted once
    village = column(core, "select village_code from core.grids group by 1 order by count(*) desc limit 1")[0]
    grids = column(core, "select grid_code from core.grids where village_code = :v", v=village)
    assert kpis(c, "village", village) == summed([kpis(c, "grid", g) for g in grids])


def test_town_page_ranks_its_villages_and_carries_the_period(c: AppContext, core: Engine) -> None:
    town = column(core, "select town_code from core.grids group by 1 order by count(*) desc limit 1")[0]
    villages = column(
        core, "select distinct village_code from core.grids where town_code = :t order by 1", t=town
    )
    q = "?week=2026-W45"
    page = render(c, f"/town/{town}", q)
    assert find(page, "not-found") is None
    assert hrefs(find(page, "drill-breadcrumb")) == [f"/{q}"]
    assert "镇街" in text_of(find(page, "drill-breadcrumb"))
    ranked = find(page, "drill-villages").children.children[1].children
    assert len(ranked) == len(villages)
    links = hrefs(find(page, "drill-villages"))
    assert sorted(links) == sorted(f"/village/{v}{q}" for v in villages)
    assert all(h.endswith(q) for h in hrefs(page) if h.startswith("/") and "/download/" not in h)
    # the villages' incidents add up to the town's headline figure of that week
    week = c.period(q)
    town_k = indicators.kpis(c.url, c.scope(), Area("town", town), week)
    rows = indicators.area_table(c.url, c.scope(), "grid", Area("town", town), week)
    assert sum(r["incidents_week"] for r in rows) == town_k["incidents_week"]
    shown = find(page, "drill-kpi-incidents").children[1].children
    assert shown == f"{town_k['incidents_week']:,}"


def test_village_and_grid_pages_lead_up_both_hierarchies(c: AppContext, core: Engine) -> None:
    with core.connect() as conn:
        grid, town, village, station, zone = conn.execute(
            text(
                "select grid_code, town_code, village_code, station_code, zone_code from core.grids "
                "order by grid_code limit 1"
            )
        ).one()
    page = render(c, f"/village/{village}")
    assert hrefs(find(page, "drill-breadcrumb")) == ["/", f"/town/{town}"]
    grids = column(core, "select grid_code from core.grids where village_code = :v", v=village)
    assert sorted(hrefs(find(page, "drill-grids"))) == sorted(f"/grid/{g}" for g in grids)
    q = "?week=2026-W46"
    page = render(c, f"/grid/{grid}", q)
    assert hrefs(find(page, "drill-breadcrumb")) == [f"/{q}", f"/station/{station}{q}", f"/zone/{zone}{q}"]
    assert hrefs(find(page, "drill-breadcrumb-gov")) == [
        f"/{q}",
        f"/town/{town}{q}",
        f"/village/{village}{q}",
    ]
    for path in ("/town/nope", "/village/000", "/town/440118999"):
        assert find(render(c, path), "not-found") is not None, path


def test_the_towns_index_lists_what_the_viewer_sees(c: AppContext, core: Engine) -> None:
    towns = column(core, "select town_code from core.towns order by 1")
    page = render(c, "/towns", "?week=2026-W45")
    assert sorted(hrefs(find(page, "towns-list"))) == sorted(f"/town/{t}?week=2026-W45" for t in towns)


# ------------------------------------------------------------------ who sees what


@pytest.fixture(scope="module")
def ground(core: Engine, accounts: dict[str, Any]) -> dict[str, Any]:
    """The town leader's town and the village officer's village, and what lies outside them."""
    (town,) = accounts["town"].towns
    (village,) = accounts["village"].villages
    other_town = column(
        core, "select town_code from core.towns where town_code <> :t order by 1 limit 1", t=town
    )[0]
    other_village = column(
        core, "select village_code from core.villages where town_code = :t order by 1 limit 1", t=other_town
    )[0]
    outside = set(column(core, "select grid_code from core.grids where town_code <> :t", t=town)) | set(
        column(
            core,
            "select building_code from core.buildings where grid_code not in "
            "(select grid_code from core.grids where town_code = :t)",
            t=town,
        )
    )
    # a station none of whose zones touch the town: its pages are out of the town leader's scope
    far = column(
        core,
        "select station_code from core.police_stations s where not exists ("
        " select 1 from core.zone_grids zg join core.police_zones z using (zone_code)"
        " join core.grids g using (grid_code) where z.station_code = s.station_code and g.town_code = :t)"
        " and not exists (select 1 from core.grids g"
        "  where g.station_code = s.station_code and g.town_code = :t)"
        " order by 1",
        t=town,
    )
    return {
        "town": town,
        "village": village,
        "other_town": other_town,
        "other_village": other_village,
        "outside": outside,
        "far": far,
    }


def signed_in(app: dash.Dash, username: str, start: str = "/towns") -> Any:
    """A client signed in as ``username``, sent first to ``start`` (the governance side: its towns)."""
    client = app.server.test_client()
    signed = login(client, username)
    assert signed.status_code == 302 and signed.headers["Location"] == start
    return client


def page(client: Any, app: dash.Dash, path: str, search: str = "") -> str:
    status, body = dash_call(
        client, app, key_of(app, "page.children"), {("url", "pathname"): path, ("url", "search"): search}
    )
    assert status == 200, (path, body[:300])
    return body


def test_a_town_leader_sees_their_town_and_nothing_else(
    demo_app: dash.Dash, c: AppContext, ground: dict[str, Any], accounts: dict[str, Any]
) -> None:
    client = signed_in(demo_app, "towner")
    own = page(client, demo_app, f"/town/{ground['town']}")
    assert "not-found" not in own and "drill-villages" in own
    for path in (
        f"/town/{ground['other_town']}",
        f"/village/{ground['other_village']}",
        *[f"/station/{s}" for s in ground["far"]],
        *[f"/grid/{g}" for g in sorted(ground["outside"])[:5] if g.isalnum()],
    ):
        body = page(client, demo_app, path)
        assert "not-found" in body, path
    for path in ("/", "/towns", f"/town/{ground['town']}", f"/village/{ground['village']}", "/mine"):
        body = page(client, demo_app, path)
        leaked = set(TOKEN.findall(body)) & ground["outside"]
        assert not leaked, (path, sorted(leaked)[:5])
    assert "人员查询" not in own and "forbidden" in page(client, demo_app, "/persons")
    assert ground["far"], "every station touches the town: the test needs one that does not"
    # what the town leader sees of their town is what the leadership sees of it
    assert kpis(c, "town", ground["town"], accounts["town"]) == kpis(c, "town", ground["town"])


def test_a_village_officer_sees_their_village_and_their_part_of_the_town(
    demo_app: dash.Dash, c: AppContext, ground: dict[str, Any], accounts: dict[str, Any]
) -> None:
    client = signed_in(demo_app, "villager")
    assert "not-found" not in page(client, demo_app, f"/village/{ground['village']}")
    assert "not-found" in page(client, demo_app, f"/village/{ground['other_village']}")
    assert "not-found" in page(client, demo_app, f"/town/{ground['other_town']}")
    # the town page shows the officer's own villages' part only: their village's figures
    user = accounts["village"]
    assert kpis(c, "town", column_of(c, user), user) == kpis(c, "village", ground["village"])


def column_of(c: AppContext, user: Any) -> str:
    (village,) = user.villages
    info = areas.area_name(c.url, c.scope(), Area("village", village))
    assert info is not None
    return str(info["town_code"])


def test_a_station_chief_sees_only_the_towns_on_their_ground(
    demo_app: dash.Dash, c: AppContext, core: Engine, accounts: dict[str, Any]
) -> None:
    """A chief sees a town when they see one of its grids, with the figures of their part of it."""
    (station,) = accounts["chief_a"].stations
    theirs = set(column(core, "select distinct town_code from core.grids where station_code = :s", s=station))
    others = set(column(core, "select town_code from core.towns")) - theirs
    assert theirs and others
    client = signed_in(demo_app, "chief_a", "/")
    for town in theirs:
        assert "not-found" not in page(client, demo_app, f"/town/{town}"), town
    for town in others:
        assert "not-found" in page(client, demo_app, f"/town/{town}"), town
    part = summed([kpis(c, "town", t, accounts["chief_a"]) for t in theirs])
    assert part == kpis(c, "station", station)


def test_forged_callbacks_of_a_town_leader_return_nothing_outside(
    demo_app: dash.Dash, ground: dict[str, Any]
) -> None:
    client = signed_in(demo_app, "towner")
    outside = sorted(g for g in ground["outside"] if g.isalnum())
    status, body = dash_call(
        client,
        demo_app,
        key_of(demo_app, "map-buildings.data"),
        {("map-view", "zoom"): 17, ("map-view", "bounds"): None},
    )
    assert status in (200, 204) and not set(TOKEN.findall(body)) & ground["outside"]
    for code in outside[:10]:
        body = page(client, demo_app, f"/building/{code}")
        assert "not-found" in body or code not in body, code


def test_row_level_security_keeps_a_town_leader_to_their_towns_grids(
    demo_db: tuple[str, str], accounts: dict[str, Any], ground: dict[str, Any], core: Engine
) -> None:
    user = accounts["town"]
    grids = set(column(core, "select grid_code from core.grids where town_code = :t", t=ground["town"]))
    assert set(user.grids) == grids
    token = sign(Scope.of_grids(user.stations, user.grids), "town_leader", "towner")
    engine = create_engine(normalise_url(demo_db[1]))
    try:
        with engine.connect() as conn, conn.begin():
            conn.execute(text("select set_config('onemap.scope', :s, true)"), {"s": token})
            for table in (
                "core.persons",
                "core.incidents",
                "core.grid_events",
                "core.buildings",
                "core.grids",
            ):
                seen = set(conn.execute(text(f"select distinct grid_code from {table}")).scalars())
                assert seen and seen <= grids, table
            n = conn.execute(text("select count(*) from core.persons")).scalar()
            want = core_count(
                core, "select count(*) from core.persons where grid_code = any(:g)", g=sorted(grids)
            )
            assert n == want  # every resident of the town, whichever station's zone they live in
    finally:
        engine.dispose()


def core_count(core: Engine, sql: str, **params: Any) -> int:
    with core.connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def test_governance_accounts_need_their_towns_or_villages(
    demo_db: tuple[str, str], ground: dict[str, Any]
) -> None:
    owner = demo_db[0]
    for kwargs in (
        {"role": "town_leader"},
        {"role": "town_leader", "towns": ["999999999"]},
        {"role": "town_leader", "towns": [ground["town"]], "villages": [ground["village"]]},
        {"role": "village_officer", "towns": [ground["town"]]},
        {"role": "station_chief", "stations": [], "towns": [ground["town"]]},
        {"role": "town_leader", "towns": [ground["town"]], "grids": ["x"]},
    ):
        with pytest.raises(AuthError):
            add_user(owner, "nobody", password=PASSWORD, **kwargs)  # type: ignore[arg-type]


def test_the_command_line_adds_a_town_leader(
    demo_db: tuple[str, str], cli_env: dict[str, str], core: Engine, ground: dict[str, Any]
) -> None:
    from tests.support.cli import one_line_error, onemap

    env = {**cli_env, "DATABASE_URL": libpq_url(demo_db[0]), "ONEMAP_APP_DATABASE_URL": libpq_url(demo_db[1])}
    with core.begin() as conn:
        conn.execute(text("delete from ops.users where username like 'govcli-%'"))
    town = ground["town"]
    made = onemap(
        "user",
        "add",
        "govcli-town",
        "--role",
        "town_leader",
        "--town",
        town,
        "--password",
        PASSWORD,
        env=env,
    )
    assert made.returncode == 0, made.stderr
    assert "needs --village" in one_line_error(
        onemap("user", "add", "govcli-v", "--role", "village_officer", "--password", PASSWORD, env=env)
    )
    listed = onemap("user", "list", env=env)
    assert listed.returncode == 0 and "govcli-town" in listed.stdout + listed.stderr
    grids = column(core, "select grid_code from core.grids where town_code = :t order by 1", t=town)
    assert column(core, "select grids from ops.users where username = 'govcli-town'")[0] == grids


def test_a_delivery_that_moves_a_grid_moves_it_between_town_leaders(
    demo_db: tuple[str, str], accounts: dict[str, Any], ground: dict[str, Any]
) -> None:
    """A grid delivered into another town leaves the first town leader's scope and joins the other
    town's, through the derivation every delivery of grids runs (rolled back: the demo stays as it is)."""
    from etl.contract import KINDS
    from etl.db import connect_raw
    from etl.kinds import loading_for

    with connect_raw(demo_db[0]) as conn:
        try:
            grid = sorted(accounts["town"].grids)[0]
            conn.execute(
                "update core.grids set town_code = %s where grid_code = %s", (ground["other_town"], grid)
            )
            loading_for(KINDS["grid"]).derive(conn)
            grids = conn.execute("select grids from ops.users where username = 'towner'").fetchone()
            assert (
                grids is not None
                and grid not in grids[0]
                and len(grids[0]) == len(accounts["town"].grids) - 1
            )
        finally:
            conn.rollback()
