"""A verdict on one alert or one step of one supervision ends the cached pages that show it and no
other: its station's page, its police zone's and grid's, its grid's town's, and the map of every
scope holding it; another station's pages, zones, grids and map stay kept (the stamps are counted
per area by the database, ops.judged_counts). And the keeper warms again what was ended, each page
once, so the next user is served from the cache."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from common.secret import derive
from dashboard import routes
from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.pages import drill, mapview
from dashboard.queries import supervision, verdicts
from dashboard.settings import DashboardSettings
from dashboard.warm import WARMER, chief_warmer, warm_if_due
from tests.support.accounts import DEMO_UNTIL, LEADER, SECRET
from tests.support.deliveries import carded_events

pytestmark = pytest.mark.db

Computed = tuple[str, str, str]  # whose scope (the stations it names, or *), level, code


@pytest.fixture
def computed(monkeypatch: pytest.MonkeyPatch) -> list[Computed]:
    """Every area page body and map page computed (not read from the cache), as it is computed."""
    calls: list[Computed] = []
    body, frozen = drill._area_body, mapview._frozen

    def who(c: AppContext) -> str:
        stations = c.scope().stations
        return "*" if stations is None else ",".join(sorted(stations))

    def counted_body(c: AppContext, week: Any, level: str, code: str) -> Any:
        calls.append((who(c), level, code))
        return body(c, week, level, code)

    def counted_map(c: AppContext, period: Any) -> Any:
        calls.append((who(c), "map", ""))
        return frozen(c, period)

    monkeypatch.setattr(drill, "_area_body", counted_body)
    monkeypatch.setattr(mapview, "_frozen", counted_map)
    return calls


def served(url: str, directory: Path) -> AppContext:
    return AppContext(url, DashboardSettings(cache_dir=directory, as_of=DEMO_UNTIL), derive(SECRET, "scope"))


def one(core: Engine, query: str, **params: Any) -> dict[str, Any]:
    with core.connect() as conn:
        return dict(conn.execute(text(query), params).mappings().first() or {})


def places(core: Engine, accounts: dict[str, Any], where: dict[str, Any]) -> dict[str, str]:
    """Station A (of ``where``, an alert's or item's areas) and B's station, a zone and a grid."""
    (a,) = accounts["chief_a"].stations
    (b,) = accounts["chief_b"].stations
    assert where["station_code"] == a
    town = one(core, "select town_code from core.grids where grid_code = :g", g=where["grid_code"])[
        "town_code"
    ]
    b_zone = one(core, "select zone_code from core.police_zones where station_code = :b order by 1", b=b)
    b_grid = one(core, "select grid_code from core.grids where station_code = :b order by 1", b=b)
    return {
        "a": a,
        "a_zone": where["zone_code"],
        "a_grid": where["grid_code"],
        "a_town": town,
        "b": b,
        "b_zone": b_zone["zone_code"],
        "b_grid": b_grid["grid_code"],
    }


def visit(c: AppContext, p: dict[str, str]) -> None:
    """The leader's pages of both stations, A's zone, grid and town, and the map; B's chief's
    station page and map."""
    paths = ["/", *(f"/{level}/{p[k]}" for level, k in PAGES)]
    for path in paths:
        with c.acting_as(LEADER):
            assert routes.render(c, path) is not None
    for path in ("/", f"/station/{p['b']}"):
        with c.acting_as(chief_warmer(p["b"])):
            assert routes.render(c, path) is not None


PAGES = [
    ("station", "a"),
    ("zone", "a_zone"),
    ("grid", "a_grid"),
    ("town", "a_town"),
    ("station", "b"),
    ("zone", "b_zone"),
    ("grid", "b_grid"),
]


def ended_by_a(p: dict[str, str]) -> set[Computed]:
    """What a change in A (at its zone and grid) ends, as the leader sees it."""
    return {
        ("*", "map", ""),
        ("*", "station", p["a"]),
        ("*", "zone", p["a_zone"]),
        ("*", "grid", p["a_grid"]),
        ("*", "town", p["a_town"]),
    }


@pytest.fixture
def alert_a(accounts: dict[str, Any], core: Engine) -> dict[str, Any]:
    """An alert of station A (chief_a's) with a zone and a grid: its kind, subject and areas."""
    (a,) = accounts["chief_a"].stations
    return one(
        core,
        "select alert_kind, subject_code, station_code, zone_code, grid_code from core.alerts "
        "where station_code = :s and zone_code is not null and grid_code is not null order by alert_id",
        s=a,
    )


def judge(c: AppContext, alert: dict[str, Any], state: str, note: str = "") -> None:
    """The chief of the alert's station gives it a verdict."""
    with c.acting_as(chief_warmer(alert["station_code"])):
        assert verdicts.judge(c.url, alert["alert_kind"], alert["subject_code"], state, note) == "ok"


def test_a_verdict_in_one_station_keeps_the_other_stations_pages(
    demo_db: tuple[str, str],
    accounts: dict[str, Any],
    core: Engine,
    unjudged: None,
    tmp_path: Path,
    computed: list[Computed],
    alert_a: dict[str, Any],
) -> None:
    p = places(core, accounts, alert_a)
    c = served(demo_db[1], tmp_path)
    visit(c, p)
    computed.clear()
    visit(c, p)
    assert computed == []  # all kept
    judge(c, alert_a, "checking", "正在核查")
    visit(c, p)
    assert set(computed) == ended_by_a(p)  # B's station, zone, grid and its chief's map kept
    assert len(computed) == len(set(computed))


def test_a_supervision_step_in_one_station_keeps_the_other_stations_pages(
    demo_db: tuple[str, str],
    accounts: dict[str, Any],
    core: Engine,
    unjudged: None,
    tmp_path: Path,
    computed: list[Computed],
) -> None:
    (a,) = accounts["chief_a"].stations
    item = carded_events(demo_db[0], a, 1)[0]
    where = one(
        core, "select station_code, zone_code, grid_code from core.grid_events where event_no = :i", i=item
    )
    p = places(core, accounts, where)
    c = served(demo_db[1], tmp_path)
    visit(c, p)
    computed.clear()
    with c.acting_as(WARMER):
        assert (
            supervision.supervise(c.url, item, "请尽快处置并反馈", "城管", date.today() + timedelta(7))
            == "ok"
        )
    visit(c, p)
    assert set(computed) == ended_by_a(p)
    computed.clear()
    with c.acting_as(WARMER):
        assert supervision.close(c.url, item, "已督促处置完毕") == "ok"
    visit(c, p)
    assert set(computed) == ended_by_a(p)


def test_the_keeper_warms_again_what_a_verdict_ended_each_page_once(
    demo_db: tuple[str, str],
    accounts: dict[str, Any],
    unjudged: None,
    tmp_path: Path,
    computed: list[Computed],
    alert_a: dict[str, Any],
) -> None:
    a = alert_a["station_code"]
    (b,) = accounts["chief_b"].stations
    c = served(demo_db[1], tmp_path)
    assert warm_if_due(c)  # the warm of the day
    assert not warm_if_due(c)
    computed.clear()
    judge(c, alert_a, "confirmed")
    assert warm_if_due(c)
    counts = Counter(computed)
    assert counts[("*", "station", a)] == 1 and counts[(a, "station", a)] == 1  # the leader's, A's chief's
    assert counts[("*", "map", "")] == 1 and counts[(a, "map", "")] == 1
    assert not [k for k in counts if b in (k[0], k[2])]  # nothing of B's computed again
    assert set(counts.values()) == {1}  # one computation per key
    assert not warm_if_due(c)  # nothing moved since
    computed.clear()
    viewer: User
    for viewer in (LEADER, chief_warmer(a)):
        with c.acting_as(viewer):
            assert routes.render(c, f"/station/{a}") is not None
            assert routes.render(c, "/") is not None
    assert computed == []  # the next user is served what the keeper warmed
