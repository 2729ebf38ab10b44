"""Drill-down pages on the demo: every headline figure equals a count of attributed rows in core
(what stands at a moment, as it stood at the end of the demo's last week)."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import Engine, text

from dashboard.context import AppContext
from dashboard.db import fetch_all
from dashboard.periods import Period, Week, as_of
from dashboard.queries import areas, breakdowns, indicators
from dashboard.queries.areas import Area, scope_filter
from dashboard.routes import render
from tests.support.accounts import DEMO_UNTIL, LEADER, chief
from tests.support.dash_calls import column
from tests.support.layouts import find, hrefs, text_of
from tests.support.pii import unmasked

pytestmark = pytest.mark.db

# the demo's last week, written out by hand (Monday to Monday, Beijing time)
W0, W1 = "2026-11-16 00:00+08", "2026-11-23 00:00+08"
P0 = "2026-11-09 00:00+08"


def core_counts(core: Engine, column: str, code: str) -> dict[str, int]:
    """The same figures as the page, counted in core by a different route."""
    f = f"{column} = :code"
    sql = f"""
    select
      (select count(*) from core.persons where {f}) as population,
      (select count(*) from core.persons where {f} and is_migrant) as migrants,
      (select count(*) from core.persons where {f} and is_migrant and residence_status = 'registered')
          as migrants_registered,
      (select count(*) from core.rental_units where {f}) as rental_units,
      (select count(*) from core.buildings where {f}) as buildings,
      (select count(*) from core.incidents where {f} and reported_at >= '{W0}' and reported_at < '{W1}')
          as incidents_week,
      (select count(*) from core.incidents where {f} and reported_at >= '{P0}' and reported_at < '{W0}')
          as incidents_prev,
      (select count(*) from core.grid_events where {f} and registered_at < '{W1}'
          and (closed_at is null or closed_at >= '{W1}')) as events_open,
      (select count(*) from core.grid_events where {f} and registered_at < '{W1}'
          and (closed_at is null or closed_at >= '{W1}')
          and timestamptz '{W1}' - registered_at > interval '144 hours') as red_cards,
      (select count(*) from core.grid_events where {f} and registered_at < '{W1}'
          and (closed_at is null or closed_at >= '{W1}')
          and timestamptz '{W1}' - registered_at > interval '72 hours'
          and timestamptz '{W1}' - registered_at <= interval '144 hours') as yellow_cards,
      (select count(*) from core.hazards where {f} and found_at < '{W1}'
          and (cleared_at is null or cleared_at >= '{W1}')) as hazards_open,
      (select count(*) from core.hazards where {f} and cleared_at >= '{W0}' and cleared_at < '{W1}')
          as hazards_cleared_week,
      (select count(*) from core.disputes where {f} and found_at < '{W1}') as disputes,
      (select count(*) from core.disputes where {f} and resolved_at < '{W1}' and status = 'resolved')
          as disputes_resolved,
      (select count(*) from core.alerts where {f} and detected_at < '{W1}') as alerts
    """
    with core.connect() as conn:
        return dict(conn.execute(text(sql), {"code": code}).one()._mapping)


def busiest(core: Engine, column: str) -> str:
    """The area (by this attribution column) with the most incidents: the most to check."""
    with core.connect() as conn:
        return str(
            conn.execute(
                text(f"select {column} from core.incidents group by 1 order by count(*) desc, 1 limit 1")
            ).scalar()
        )


@pytest.mark.parametrize("level", ["grid", "zone", "station"])
def test_kpis_equal_the_attributed_rows_in_core(c: AppContext, core: Engine, level: str) -> None:
    code = busiest(core, f"{level}_code")
    got = indicators.kpis(c.url, c.scope(), Area(level, code), Period(Week.containing(DEMO_UNTIL)))
    want = core_counts(core, f"{level}_code", code)
    assert {k: got[k] for k in want} == want
    assert want["population"] > 0 and want["incidents_week"] > 0
    assert got["migrant_registration_rate"] == pytest.approx(want["migrants_registered"] / want["migrants"])


def test_whole_area_kpis_add_up_over_stations(c: AppContext) -> None:
    week = Period(Week.containing(DEMO_UNTIL))
    whole = indicators.kpis(c.url, c.scope(), Area(), week)
    parts = [
        indicators.kpis(c.url, c.scope(), Area("station", s["station_code"]), week)
        for s in areas.stations(c.url, c.scope())
    ]
    for key in ("population", "incidents_week", "events_open", "hazards_open", "alerts"):
        assert whole[key] == sum(p[key] for p in parts), key


def test_grid_page_shows_the_core_counts_and_leads_back_up(c: AppContext, core: Engine) -> None:
    grid = busiest(core, "grid_code")
    want = core_counts(core, "grid_code", grid)
    page = render(c, f"/grid/{grid}")
    assert find(page, "drill-kpi-population").children[1].children == f"{want['population']:,}"
    assert find(page, "drill-kpi-incidents").children[1].children == f"{want['incidents_week']:,}"
    assert find(page, "drill-kpi-events-open").children[1].children == f"{want['events_open']:,}"
    assert find(page, "drill-kpi-hazards").children[1].children == f"{want['hazards_open']:,}"
    with core.connect() as conn:
        station, zone = conn.execute(
            text("select station_code, zone_code from core.grids where grid_code = :g"), {"g": grid}
        ).one()
    # the links up lead to the same period: the default one by no query (so they follow it on)
    assert hrefs(find(page, "drill-breadcrumb")) == ["/", f"/station/{station}", f"/zone/{zone}"]
    # and another period by its own
    q = "?week=2026-W45"
    past = render(c, f"/grid/{grid}", q)
    assert hrefs(find(past, "drill-breadcrumb")) == [f"/{q}", f"/station/{station}{q}", f"/zone/{zone}{q}"]
    assert "Graph" in repr(find(page, "drill-trend"))


def test_station_page_lists_its_zones_and_grids(c: AppContext, core: Engine) -> None:
    station = busiest(core, "station_code")
    page = render(c, f"/station/{station}")
    with core.connect() as conn:
        zones = conn.execute(
            text("select count(*) from core.police_zones where station_code = :s"), {"s": station}
        ).scalar()
        grids = conn.execute(
            text("select count(*) from core.grids where station_code = :s"), {"s": station}
        ).scalar()
    assert len(find(page, "drill-zones").children.children[1].children) == zones
    assert len(find(page, "drill-grids").children.children[1].children) == grids
    # open items put red cards first
    rows = find(page, "drill-open-items").children.children[1].children
    cards = [r.children[5].children for r in rows]
    assert cards == sorted(cards, key=lambda x: {"红牌": 0, "黄牌": 1}.get(x, 2))


def test_building_page_masks_people(c: AppContext, core: Engine) -> None:
    with core.connect() as conn:
        building = conn.execute(
            text(
                "select building_code from core.persons where building_code is not null "
                "group by 1 order by count(*) desc limit 1"
            )
        ).scalar()
    page = text_of(render(c, f"/building/{building}"))
    assert unmasked(page) == []
    assert re.search(r"\d{3}\*{11}[\dX]{4}", page)  # masked IDs are there
    assert re.search(r"1[3-9]\d\*{4}\d{4}", page)  # masked mobiles too
    assert "个人信息已脱敏显示" in page


def test_unknown_pages_say_so(c: AppContext) -> None:
    for path in ("/grid/nope", "/station/000", "/nothing-here", "/building/1"):
        assert find(render(c, path), "not-found") is not None, path


def test_quality_page_counts_the_quarantine(c: AppContext, core: Engine) -> None:
    page = render(c, "/quality")
    with core.connect() as conn:
        total = conn.execute(text("select count(*) from ops.quarantine")).scalar()
    assert f"隔离区共 {total:,} 行" in text_of(page)
    assert total > 100


def test_a_period_that_cannot_be_shown_is_said_so(c: AppContext, core: Engine) -> None:
    station = busiest(core, "station_code")
    for path in (f"/station/{station}", "/", "/quality", "/wall"):
        for search in ("?week=2026-W48", "?week=2026-W47&to=2026-11-19T15:00", "?week=2026-W47&to=1"):
            assert find(render(c, path, search), "bad-period") is not None, (path, search)
    # a week so far, named in full, is shown with what it is compared with
    page = render(c, f"/station/{station}", "?week=2026-W47&to=2026-11-19T00:00")
    assert text_of(find(page, "period-label")) == "2026年第47周前3天（11月16日—11月18日）"
    assert "上周同期（11月09日—11月11日）" in text_of(find(page, "period-compare"))


def test_a_week_so_far_is_scored_against_the_same_days(c: AppContext, core: Engine) -> None:
    station = busiest(core, "station_code")
    so_far = c.period("?week=2026-W47&to=2026-11-19T00:00")
    scores = indicators.station_scores(c.url, c.scope(), so_far, c.settings.score_weights())
    mine = next(r for r in scores if r["station_code"] == station)
    k = indicators.kpis(c.url, c.scope(), Area("station", station), so_far)
    assert (mine["incidents_week"], mine["incidents_prev"]) == (k["incidents_week"], k["incidents_prev"])
    rows = indicators.area_table(c.url, c.scope(), "zone", Area("station", station), so_far)
    assert sum(r["incidents_prev"] for r in rows) == k["incidents_prev"] > 0


# a page's hazards by one column, as each was read before the three came in one statement
HAZARDS_BY_ONE = """
select h.{column} as label, count(*) as found,
       count(*) filter (where h.open_until is null or h.open_until >= :at) as open,
       count(*) filter (where h.open_until < :at) as cleared
from serve.hazards as h
where {where} and h.found_at < :at
group by 1
order by found desc, label
"""


def test_hazards_by_all_three_columns_are_each_column_read_alone(c: AppContext, core: Engine) -> None:
    """Every station, police zone, grid, town and village, for the leadership and for one station's
    chief: the same rows in the same order as one statement per column."""
    week = Period(Week.containing(DEMO_UNTIL))
    at = as_of(week)
    station = column(core, "select min(station_code) from core.police_stations")[0]
    levels = {
        level: column(core, f"select {level}_code from core.{table}")
        for level, table in (("station", "police_stations"), ("zone", "police_zones"), ("grid", "grids"))
    }
    levels |= {
        level: column(core, f"select {level}_code from core.{level}s") for level in ("town", "village")
    }
    seen = 0
    for viewer in (LEADER, chief(station)):
        with c.acting_as(viewer):
            scope = c.scope()
            for level, codes in levels.items():
                for code in codes:
                    area = Area(level, code)
                    got = breakdowns.hazards_by_all(c.url, scope, area, week)
                    where, params = scope_filter(scope, area, "h")
                    for name in breakdowns.HAZARD_COLUMNS:
                        sql = HAZARDS_BY_ONE.format(column=name, where=where)
                        assert got[name] == fetch_all(c.url, sql, {**params, "at": at}), (level, code, name)
                        seen += len(got[name])
    assert seen > 0
