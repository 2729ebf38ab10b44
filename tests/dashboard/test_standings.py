"""The station score and the grid ranking are properties of the station and the grid: every viewer
allowed to see one sees the same figures and rank; a narrower viewer sees fewer rows, never another
number, and nothing outside their scope."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from sqlalchemy import Engine, text

from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.db import fetch_all, scoped
from dashboard.pages import drill, wall
from dashboard.queries import elements, indicators
from dashboard.queries.areas import Area
from dashboard.scope import Scope
from tests.support.accounts import LEADER, chief, sign
from tests.support.dash_calls import column
from tests.support.layouts import find

pytestmark = pytest.mark.db


def worker(station: str, grid: str) -> User:
    return User("test-worker", "测试网格员", "grid_worker", frozenset({station}), frozenset({grid}))


def scores(c: AppContext, user: User) -> dict[str, dict[str, Any]]:
    with c.acting_as(user):
        rows = indicators.station_scores(c.url, c.scope(), c.period(), c.settings.score_weights())
    return {r["station_code"]: dict(r) for r in rows}


def ranking(c: AppContext, user: User, station: str | None = None) -> dict[str, dict[str, Any]]:
    with c.acting_as(user):
        rows = indicators.grid_ranking(c.url, c.scope(), c.period(), station=station, limit=10_000)
    return {r["grid_code"]: dict(r) for r in rows}


@pytest.fixture(scope="module")
def station_and_grid(c: AppContext, core: Engine) -> tuple[str, str]:
    """A station and its grid with the most incidents this week (a grid worker's view of it)."""
    week = c.period()
    station, grid = column(
        core,
        "select g.station_code || '|' || g.grid_code from core.grids g "
        "join core.incidents i using (grid_code) where i.reported_at >= :w0 and i.reported_at < :w1 "
        "group by 1 order by count(*) desc, 1 limit 1",
        w0=week.start,
        w1=week.end,
    )[0].split("|")
    return station, grid


def test_chief_and_grid_worker_of_a_station_see_its_score(
    c: AppContext, station_and_grid: tuple[str, str]
) -> None:
    station, grid = station_and_grid
    everyone = scores(c, LEADER)
    assert len(everyone) > 1 and all(r["ranked"] == len(everyone) for r in everyone.values())
    assert sorted(r["rank"] for r in everyone.values()) == list(range(1, len(everyone) + 1))
    assert scores(c, chief(station)) == {station: everyone[station]}
    assert scores(c, worker(station, grid)) == {station: everyone[station]}


def test_a_score_counts_the_whole_station(
    c: AppContext, core: Engine, station_and_grid: tuple[str, str]
) -> None:
    station, grid = station_and_grid
    mine = scores(c, worker(station, grid))[station]
    registration = column(
        core,
        "select avg(case when residence_status = 'registered' then 1.0 else 0.0 end) from core.persons "
        "where station_code = :s and is_migrant",
        s=station,
    )[0]
    three = column(
        core,  # the owner reads every row; three_codes is worked out by the view
        "select avg(case when three_codes then 1.0 else 0.0 end) from serve.buildings "
        "where station_code = :s",
        s=station,
    )[0]
    assert float(mine["registration"]) == pytest.approx(float(registration))
    assert float(mine["three_codes"]) == pytest.approx(float(three))


def test_the_station_page_shows_one_score_and_rank_for_every_viewer(
    c: AppContext, station_and_grid: tuple[str, str]
) -> None:
    station, grid = station_and_grid
    shown = []
    for user in (LEADER, chief(station), worker(station, grid)):
        with c.acting_as(user):
            page = drill.area_page(c, c.period(), "station", station)
        assert page is not None
        shown.append(str(find(page, "drill-station-score")))
    assert shown[0] == shown[1] == shown[2]
    r = scores(c, LEADER)[station]
    assert f"{r['rank']} / {r['ranked']}" in shown[0] and f"{r['score']}" in shown[0]


def test_an_out_of_scope_station_or_grid_is_not_returned(
    c: AppContext, core: Engine, station_and_grid: tuple[str, str]
) -> None:
    station, grid = station_and_grid
    assert set(scores(c, chief(station))) == {station}
    # without a signed scope, or with a forged one, the database returns nothing at all
    week = c.period()
    when = {"w0": week.start, "w1": week.end, "p0": week.previous().start}
    query = "select station_code from ops.station_scores(:w0, :w1, :p0, 0.5, 0.3, 0.2)"
    grids = "select grid_code from ops.grid_ranking(:w0, :w1, :p0, null)"
    with scoped(None):
        assert fetch_all(c.url, query, when) == [] and fetch_all(c.url, grids, when) == []
    forged = sign(Scope.everything(), "leadership")[:-4] + "0000"
    with scoped(forged):
        assert fetch_all(c.url, query, when) == [] and fetch_all(c.url, grids, when) == []
    with scoped(sign(Scope.of_grids({station}, {grid}), "grid_worker")):
        got = {r["station_code"] for r in fetch_all(c.url, query, when)}
    assert got == {station}
    others = set(column(core, "select grid_code from core.grids where grid_code <> :g", g=grid))
    assert not set(ranking(c, worker(station, grid))) & others


def test_a_grids_rank_and_figures_are_the_same_for_every_viewer(
    c: AppContext, core: Engine, station_and_grid: tuple[str, str]
) -> None:
    station, grid = station_and_grid
    everyone = ranking(c, LEADER)
    assert sorted(r["rank"] for r in everyone.values()) == list(range(1, len(everyone) + 1))
    theirs = ranking(c, chief(station))
    assert theirs and all(everyone[g] == r for g, r in theirs.items())
    assert ranking(c, worker(station, grid)) == {grid: everyone[grid]}
    # a grid's count is every incident in it, whichever station's they are
    week = c.period()
    want = column(
        core,
        "select count(*) from core.incidents where grid_code = :g "
        "and reported_at >= :w0 and reported_at < :w1",
        g=grid,
        w0=week.start,
        w1=week.end,
    )[0]
    assert everyone[grid]["incidents_week"] == want
    # within one station: ranked among that station's grids
    own = ranking(c, chief(station), station)
    assert sorted(r["rank"] for r in own.values()) == list(range(1, len(own) + 1))


@pytest.mark.parametrize(
    "when",
    [
        {"w0": "2026-11-16 00:01+08", "w1": "2026-11-23 00:00+08", "p0": "2026-11-09 00:00+08"},
        {"w0": "2026-11-16 00:00+08", "w1": "2026-11-17 13:37+08", "p0": "2026-11-09 00:00+08"},
        {"w0": "2026-11-16 00:00+08", "w1": "2026-11-23 00:00+08", "p0": "2026-11-15 12:00+08"},
        {"w0": "2026-11-16 00:00+08", "w1": "2026-11-16 00:00+08", "p0": "2026-11-09 00:00+08"},
    ],
)
def test_whole_station_counts_come_for_whole_days_only(c: AppContext, when: dict[str, str]) -> None:
    """A narrower window would tell a grid worker when the station's single incidents happened."""
    statements = [
        "select * from ops.station_scores(cast(:w0 as timestamptz), cast(:w1 as timestamptz), "
        "cast(:p0 as timestamptz), 0.5, 0.3, 0.2)",
        "select * from ops.grid_ranking(cast(:w0 as timestamptz), cast(:w1 as timestamptz), "
        "cast(:p0 as timestamptz), null)",
    ]
    refused = 0
    with c.acting_as(LEADER):
        for statement in statements:
            try:
                fetch_all(c.url, statement, when)
            except psycopg.Error as e:
                assert "a period runs from a midnight" in str(e) or "the week before ends" in str(e)
                refused += 1
    assert refused == 2


def test_the_wall_numbers_a_chiefs_station_by_its_rank_among_all(
    c: AppContext, station_and_grid: tuple[str, str]
) -> None:
    station, _grid = station_and_grid
    everyone = scores(c, LEADER)
    with c.acting_as(chief(station)):
        shown = wall.rankings(c, c.period())
    (item,) = next(x for x in shown if getattr(x, "id", None) == "wall-station-ranking").children
    assert item.value == str(everyone[station]["rank"])


def test_kept_station_assessments_equal_counting_them_afresh(core: Engine) -> None:
    """The parts kept after the load for the last whole weeks are those counted afresh, and the
    scores read from them are the scores counted without them (the page's figures do not move)."""
    kept_query = (
        "select station_code, name, three_codes, registration, smart, incidents_week, incidents_prev, "
        "on_time, cleared from ops.station_score_parts where w0 = :w0 and w1 = :w1 and p0 = :p0 "
        "order by station_code"
    )
    live_query = "select * from ops.station_score_parts_live(:w0, :w1, :p0) order by station_code"
    scores_query = "select * from ops.station_scores(:w0, :w1, :p0, 0.5, 0.3, 0.2) order by station_code"
    with core.connect() as conn:
        conn.execute(text("select set_config('onemap.scope', :t, false)"),
                     {"t": sign(Scope.everything(), "leadership")})  # fmt: skip
        periods = conn.exec_driver_sql("select distinct w0, w1, p0 from ops.station_score_parts").all()
        assert len(periods) == 8  # the last eight whole weeks of the data
        for w0, w1, p0 in periods:
            when = {"w0": w0, "w1": w1, "p0": p0}
            kept = conn.execute(text(kept_query), when).all()
            assert kept and kept == conn.execute(text(live_query), when).all()
        # the week the pages show by default, scored from what was kept and then from a fresh count
        w0, w1, p0 = max(periods)
        when = {"w0": w0, "w1": w1, "p0": p0}
        from_kept = conn.execute(text(scores_query), when).all()
        conn.execute(text("delete from ops.station_score_parts where w0 = :w0"), {"w0": w0})
        afresh = conn.execute(text(scores_query), when).all()
        conn.rollback()  # the kept parts stay for the other tests
    assert from_kept == afresh and len(afresh) > 1


AFRESH = (
    "select b.building_code, b.station_code, b.zone_code, b.grid_code, "
    "(select count(*) from core.rental_units u where u.building_code = b.building_code), "
    "(select count(*) from core.persons p where p.building_code = b.building_code), "
    "(select count(*) from core.persons p where p.building_code = b.building_code and p.is_migrant) "
    "from core.buildings b order by 1"
)
KEPT = (
    "select building_code, station_code, zone_code, grid_code, units, residents, migrants "
    "from core.building_counts order by 1"
)


def test_building_counts_are_counted_again_writing_only_the_buildings_that_changed(core: Engine) -> None:
    """A person moved, a unit gone and a building moved to another grid: three buildings rewritten
    and counted as afresh; counted again with nothing changed, none."""
    with core.connect() as conn:
        refresh = text("select ops.refresh_building_counts()")
        assert conn.execute(refresh).scalar() == 0
        moved = conn.execute(
            text(
                "update core.persons set building_code = (select min(building_code) from core.buildings) "
                "where person_id = (select min(person_id) from core.persons where building_code <> "
                "(select min(building_code) from core.buildings)) returning building_code"
            )
        ).scalar()
        gone = conn.execute(
            text(
                "delete from core.rental_units where unit_code = (select max(unit_code) "
                "from core.rental_units where building_code <> :b and unit_code not in "
                "(select unit_code from core.persons where unit_code is not null)) returning building_code"
            ),
            {"b": moved},
        ).scalar()
        conn.execute(
            text(
                "update core.buildings set grid_code = null where building_code = (select max(building_code) "
                "from core.buildings where building_code not in (:a, :b, (select min(building_code) "
                "from core.buildings)))"
            ),
            {"a": moved, "b": gone},
        )
        assert (
            conn.execute(refresh).scalar() == 4
        )  # the person's old and new building, the unit's, the grid's
        assert conn.execute(text(KEPT)).all() == conn.execute(text(AFRESH)).all()
        assert conn.execute(refresh).scalar() == 0
        conn.rollback()


def test_kept_building_counts_equal_counting_them_afresh(c: AppContext, core: Engine) -> None:
    """The counts a page ranks its buildings by are those of the units and people in each building."""
    with core.connect() as conn:
        assert conn.execute(text(KEPT)).all() == conn.execute(text(AFRESH)).all()
    # and the page's list is the top of them, most units first
    biggest = "select station_code from core.buildings group by 1 order by count(*) desc limit 1"
    station = column(core, biggest)[0]
    listed = elements.buildings(c.url, c.scope(), Area("station", station), limit=20)
    top = column(
        core,
        "select building_code from core.building_counts where station_code = :s "
        "order by units desc, residents desc, building_code limit 20",
        s=station,
    )
    assert [b["building_code"] for b in listed] == top and listed[0]["units"] > 0
