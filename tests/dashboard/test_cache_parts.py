"""An area page is cached in parts: a verdict computes again only the parts that show it (the
buildings' table with their open alerts), a supervision step those showing it (the open items' 督办
badges, the 督办 list), not the body's other figures, maps and tables, and the page shows either at
the next request exactly as a page computed afresh would."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from common.secret import derive
from dashboard import db, routes
from dashboard.context import AppContext
from dashboard.pagejson import to_json
from dashboard.queries import supervision, verdicts
from dashboard.settings import DashboardSettings
from dashboard.warm import WARMER, chief_warmer
from tests.support.accounts import DEMO_UNTIL, LEADER, SECRET
from tests.support.deliveries import carded_events

pytestmark = pytest.mark.db

# the first lines of statements of the body no verdict changes (dashboard/sql/indicators_kpis.sql,
# indicators_weekly_trend.sql, elements_zero_incident_communities.sql, elements_buildings.sql), and
# of the one the buildings' table runs again after a verdict (elements_open_alerts_of.sql)
KEPT = (
    "-- The headline figures",
    "-- Per week from first to last",
    "-- Communities with no incident",
    "-- An area's buildings with their rental units",
)
BUILDINGS = "-- The open alerts of each of the buildings"


def context(url: str, directory: Path | None) -> AppContext:
    """The served dashboard's context: cached in ``directory``, or not at all (None)."""
    settings = (
        DashboardSettings(as_of=DEMO_UNTIL, cache_seconds=0)
        if directory is None
        else DashboardSettings(as_of=DEMO_UNTIL, cache_dir=directory)
    )
    return AppContext(url, settings, derive(SECRET, "scope"))


def listed_alert(core: Engine, station: str) -> dict[str, Any]:
    """An open alert on one of the buildings the station's page lists (its 50 with the most rental
    units, as elements_buildings.sql orders them), and that building's open alerts."""
    with core.connect() as conn:
        found = (
            conn.execute(
                text(
                    "with listed as (select building_code from core.building_counts where station_code = :s "
                    "order by units desc, residents desc, building_code limit 50) "
                    "select a.alert_kind, a.subject_code, a.building_code, "
                    "(select count(*) from serve.alerts as o where o.building_code = a.building_code "
                    "and o.open_until is null) as open "
                    "from serve.alerts as a join listed using (building_code) "
                    "where a.open_until is null order by a.alert_id limit 1"
                ),
                {"s": station},
            )
            .mappings()
            .first()
        )
    assert found is not None, "the demo has an open alert on a listed building"
    return dict(found)


def statements(c: AppContext, path: str) -> tuple[str, list[str]]:
    """The page's JSON as the router sends it, and the statements run to build it."""
    ran: list[str] = []
    db.statement_hook = lambda statement, _params: ran.append(statement.lstrip())
    try:
        page = to_json(routes.render(c, path))
    finally:
        db.statement_hook = None
    return page, ran


def alerts_cell(page: str, building: str) -> Any:
    """What the buildings' table shows in its last column (预警, open alerts) for ``building``."""

    def walk(node: Any) -> Iterator[dict[str, Any]]:
        if isinstance(node, dict):
            if "props" in node:
                yield node
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)

    (found,) = [n for n in walk(json.loads(page)) if n["props"].get("id") == "drill-buildings"]
    rows = [n for n in walk(found) if n["type"] == "Tr" and building in json.dumps(n)]
    assert len(rows) == 1
    return [n for n in walk(rows[0]) if n["type"] == "Td"][-1]["props"]["children"]


def test_a_verdict_computes_again_only_the_parts_that_show_it(
    demo_db: tuple[str, str], accounts: dict[str, Any], core: Engine, unjudged: None, tmp_path: Path
) -> None:
    (a,) = accounts["chief_a"].stations
    alert = listed_alert(core, a)
    served, fresh = context(demo_db[1], tmp_path), context(demo_db[1], None)
    path = f"/station/{a}"
    with served.acting_as(LEADER):
        before, _ = statements(served, path)
        again, ran = statements(served, path)
    assert again == before and not [s for s in ran if s.startswith((*KEPT, BUILDINGS))]  # all kept
    with served.acting_as(chief_warmer(a)):
        given = verdicts.judge(
            served.url, alert["alert_kind"], alert["subject_code"], "false", "核查确认为误报"
        )
        assert given == "ok"
    with served.acting_as(LEADER):
        after, ran = statements(served, path)
    # the buildings' open alerts counted again, once; nothing of the rest of the body
    assert [s for s in ran if s.startswith(BUILDINGS)] and not [s for s in ran if s.startswith(KEPT)]
    assert len([s for s in ran if s.startswith(BUILDINGS)]) == 1
    with fresh.acting_as(LEADER):
        afresh, ran = statements(fresh, path)
    assert len([s for s in ran if s.startswith(KEPT)]) == len(KEPT)  # the uncached page: all of it
    assert after == afresh != before  # the verdict shows, exactly as on a page computed now
    assert alerts_cell(before, alert["building_code"]) == str(alert["open"])
    assert alerts_cell(after, alert["building_code"]) == str(alert["open"] - 1)


def test_a_supervision_step_computes_again_only_the_parts_that_show_it(
    demo_db: tuple[str, str], accounts: dict[str, Any], core: Engine, unjudged: None, tmp_path: Path
) -> None:
    (a,) = accounts["chief_a"].stations
    item = carded_events(demo_db[0], a, 1)[0]
    with core.connect() as conn:
        grid = conn.execute(text("select grid_code from core.grid_events where event_no = :i"), {"i": item})
        paths = [f"/station/{a}", f"/grid/{grid.scalar_one()}"]
    served, fresh = context(demo_db[1], tmp_path), context(demo_db[1], None)
    with served.acting_as(LEADER):
        before = [statements(served, path)[0] for path in paths]
    steps = [
        lambda: supervision.supervise(
            served.url, item, "请尽快处置并反馈", "城管", date.today() + timedelta(7)
        ),
        lambda: supervision.close(served.url, item, "已督促处置完毕"),
    ]
    for step in steps:
        with served.acting_as(WARMER):
            assert step() == "ok"
        for path, old in zip(paths, before, strict=True):
            with served.acting_as(LEADER):
                page, ran = statements(served, path)
            assert not [s for s in ran if s.startswith(KEPT)]  # the body kept
            with fresh.acting_as(LEADER):
                assert page == statements(fresh, path)[0] != old  # the step shows, as computed now
        before = [statements(served, path)[0] for path in paths]
