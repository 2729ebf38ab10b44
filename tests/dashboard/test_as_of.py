"""Figures as of a period's end, at its edges: an item closed exactly at the end was still open, one
registered exactly at the end did not exist yet, one registered exactly at the start belongs to the
week, and a card falls due only once its age is past the deadline, not at it.

The items are written by the owner into the demo inside a transaction that is rolled back, and the
dashboard's own queries run on that transaction (so the shared demo stays as it was).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from dashboard.periods import Period, Week, as_of
from dashboard.queries import breakdowns, elements, indicators, sql
from dashboard.queries.areas import Area
from dashboard.scope import Scope
from tests.support.accounts import sign

pytestmark = pytest.mark.db

WEEK = Period(Week(2026, 46))  # a past week of the demo
T = WEEK.end
EVERYTHING = Scope.everything()
S = timedelta(seconds=1)


@pytest.fixture
def tx(core: Engine, monkeypatch: pytest.MonkeyPatch) -> Iterator[Connection]:
    """An owner transaction on the demo, rolled back at the end; the dashboard's reads run on it,
    with the leadership's signed scope (which the owner's counting functions read)."""
    with core.connect() as conn:
        trans = conn.begin()
        conn.execute(
            text("select set_config('onemap.scope', :t, true)"), {"t": sign(EVERYTHING, "leadership")}
        )

        def fetch_all(_url: str, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
            return [dict(r._mapping) for r in conn.execute(text(query), params or {})]

        monkeypatch.setattr(sql, "fetch_all", fetch_all)
        try:
            yield conn
        finally:
            trans.rollback()


@pytest.fixture
def grid(tx: Connection) -> dict[str, Any]:
    """A grid of the demo with a point inside it and the deadlines of the cards."""
    row = tx.execute(
        text(
            "select grid_code, station_code, zone_code, district_code, st_pointonsurface(geom) as geom "
            "from core.grids where zone_code is not null order by grid_code limit 1"
        )
    ).one()
    hours = dict(tx.execute(text("select rule, hours from core.deadline_rules")).all())
    kind = tx.execute(text("select kind_code from core.grid_event_kinds order by 1 limit 1")).scalar()
    return {**row._mapping, "yellow": timedelta(hours=hours["yellow_card"]),
            "red": timedelta(hours=hours["red_card"]), "kind": kind}  # fmt: skip


def add_event(
    tx: Connection, g: dict[str, Any], no: str, registered: datetime, closed: datetime | None
) -> None:
    tx.execute(
        text(
            "insert into core.grid_events (event_no, district_code, kind_code, is_police_matter, title, "
            "registered_at, closed_at, status, geom, grid_code, zone_code, station_code) "
            "values (:no, :district_code, :kind, false, 'as-of test', :reg, :closed, :status, :geom, "
            ":grid_code, :zone_code, :station_code)"
        ),
        {**g, "no": no, "reg": registered, "closed": closed, "status": "closed" if closed else "handling"},
    )


def add_hazard(tx: Connection, g: dict[str, Any], no: str, found: datetime, cleared: datetime | None) -> None:
    tx.execute(
        text(
            "insert into core.hazards (hazard_no, district_code, category, found_at, status, cleared_at, "
            "geom, grid_code, zone_code, station_code) values (:no, :district_code, 'fire', :found, :status, "
            ":cleared, :geom, :grid_code, :zone_code, :station_code)"
        ),
        {**g, "no": no, "found": found, "cleared": cleared, "status": "cleared" if cleared else "open"},
    )


def add_dispute(
    tx: Connection, g: dict[str, Any], no: str, found: datetime, resolved: datetime | None, status: str
) -> None:
    tx.execute(
        text(
            "insert into core.disputes (dispute_no, district_code, found_at, dispute_type, risk_level, "
            "status, resolved_at, geom, grid_code, zone_code, station_code) values (:no, :district_code, "
            ":found, '邻里', 'high', :status, :resolved, :geom, :grid_code, :zone_code, :station_code)"
        ),
        {**g, "no": no, "found": found, "resolved": resolved, "status": status},
    )


def mine(items: list[dict[str, Any]], key: str) -> dict[str, Any]:
    return {r[key]: r for r in items if str(r[key]).startswith("ASOF-")}


def test_the_edges_of_the_week_end(tx: Connection, grid: dict[str, Any]) -> None:
    area = Area("grid", grid["grid_code"])
    before = indicators.kpis("", EVERYTHING, area, WEEK)
    add_event(tx, grid, "ASOF-E-CLOSED-AT-END", T - timedelta(hours=10), T)  # open until the very end
    add_event(tx, grid, "ASOF-E-CLOSED-BEFORE", T - timedelta(hours=10), T - S)
    add_event(tx, grid, "ASOF-E-AT-END", T, None)  # registered at the end: not there yet
    add_event(tx, grid, "ASOF-E-AT-START", WEEK.start, None)  # registered at the start: there
    add_event(tx, grid, "ASOF-E-LATE-CLOSE", T - timedelta(days=9), T + timedelta(hours=1))
    add_hazard(tx, grid, "ASOF-H-CLEARED-AT-END", T - timedelta(days=1), T)
    add_hazard(tx, grid, "ASOF-H-CLEARED-BEFORE", T - timedelta(days=1), T - S)
    add_hazard(tx, grid, "ASOF-H-AT-END", T, None)
    add_hazard(tx, grid, "ASOF-H-AT-START", WEEK.start, None)
    add_dispute(tx, grid, "ASOF-D-RESOLVED-AT-END", T - timedelta(days=2), T, "resolved")
    add_dispute(tx, grid, "ASOF-D-RESOLVED-LATER", T - timedelta(days=2), T + timedelta(days=3), "resolved")
    add_dispute(tx, grid, "ASOF-D-RESOLVED-BEFORE", T - timedelta(days=2), T - S, "resolved")
    add_dispute(tx, grid, "ASOF-D-ESCALATED", T - timedelta(days=2), None, "escalated")
    add_dispute(tx, grid, "ASOF-D-AT-END", T, None, "open")

    items = mine(elements.open_items("", EVERYTHING, area, WEEK, limit=100_000), "item_no")
    assert set(items) == {
        "ASOF-E-CLOSED-AT-END",
        "ASOF-E-AT-START",
        "ASOF-E-LATE-CLOSE",
        "ASOF-H-CLEARED-AT-END",
        "ASOF-H-AT-START",
        "ASOF-D-RESOLVED-AT-END",
        "ASOF-D-RESOLVED-LATER",
        "ASOF-D-ESCALATED",
    }
    # the card at the end of the week; what it is now (closed since) is not shown as its state then
    assert items["ASOF-E-LATE-CLOSE"]["card"] == "red" and items["ASOF-E-LATE-CLOSE"]["status"] is None
    assert items["ASOF-E-AT-START"]["card"] == "red"  # a whole week old at its end
    assert items["ASOF-E-CLOSED-AT-END"]["card"] is None  # ten hours old
    assert items["ASOF-D-ESCALATED"]["status"] == "escalated"
    reds = mine(elements.red_card_items("", EVERYTHING, area, WEEK, limit=100_000), "event_no")
    assert set(reds) == {"ASOF-E-AT-START", "ASOF-E-LATE-CLOSE"}

    after = indicators.kpis("", EVERYTHING, area, WEEK)
    delta = {
        k: after[k] - before[k]
        for k in before
        if isinstance(before[k], int) and not isinstance(before[k], bool)
    }
    assert {k: v for k, v in delta.items() if v} == {
        "events_open": 3,
        "red_cards": 2,
        "events_closed_week": 1,  # closed a second before the end (the one closed at it: next week)
        "events_on_time_week": 1,
        "hazards_open": 2,
        "hazards_found_week": 3,  # at the start and the two found a day before the end
        "hazards_cleared_week": 1,
        "disputes": 4,
        "disputes_resolved": 1,
        "disputes_high_open": 3,
    }

    # the week after: what was closed at the end is closed, what came at the end is there
    nxt = mine(elements.open_items("", EVERYTHING, area, WEEK.shift(1), limit=100_000), "item_no")
    assert "ASOF-E-CLOSED-AT-END" not in nxt and "ASOF-H-CLEARED-AT-END" not in nxt
    assert {"ASOF-E-AT-END", "ASOF-H-AT-END", "ASOF-D-AT-END", "ASOF-D-ESCALATED"} <= set(nxt)
    assert "ASOF-D-RESOLVED-AT-END" not in nxt and "ASOF-D-RESOLVED-LATER" not in nxt


@pytest.mark.parametrize(
    ("age", "card"),
    [
        ("yellow", None),  # exactly at the yellow deadline: no card yet
        ("yellow+", "yellow"),
        ("red", "yellow"),  # exactly at the red deadline: still yellow
        ("red+", "red"),
    ],
)
def test_a_card_falls_due_just_past_its_deadline(
    tx: Connection, grid: dict[str, Any], age: str, card: str | None
) -> None:
    area = Area("grid", grid["grid_code"])
    before = indicators.kpis("", EVERYTHING, area, WEEK)
    classes_before = {r["event_class"]: r for r in breakdowns.events_by_class("", EVERYTHING, area, WEEK)}
    registered = T - grid[age.rstrip("+")] - (S if age.endswith("+") else timedelta(0))
    add_event(tx, grid, "ASOF-E-CARD", registered, None)
    item = mine(elements.open_items("", EVERYTHING, area, WEEK, limit=100_000), "item_no")["ASOF-E-CARD"]
    assert item["card"] == card
    after = indicators.kpis("", EVERYTHING, area, WEEK)
    assert after["yellow_cards"] - before["yellow_cards"] == (card == "yellow")
    assert after["red_cards"] - before["red_cards"] == (card == "red")
    classes = {r["event_class"]: r for r in breakdowns.events_by_class("", EVERYTHING, area, WEEK)}
    yellow = sum(r["yellow"] for r in classes.values()) - sum(r["yellow"] for r in classes_before.values())
    red = sum(r["red"] for r in classes.values()) - sum(r["red"] for r in classes_before.values())
    assert (yellow, red) == ((card == "yellow"), (card == "red"))


def test_a_dispute_resolved_without_a_time_counts_as_resolved_from_when_it_was_found(
    tx: Connection, grid: dict[str, Any]
) -> None:
    area = Area("grid", grid["grid_code"])
    before = indicators.kpis("", EVERYTHING, area, WEEK)
    add_dispute(tx, grid, "ASOF-D-UNDATED", T - timedelta(days=3), None, "resolved")
    after = indicators.kpis("", EVERYTHING, area, WEEK)
    assert "ASOF-D-UNDATED" not in mine(
        elements.open_items("", EVERYTHING, area, WEEK, limit=100_000), "item_no"
    )
    assert after["disputes"] - before["disputes"] == 1
    assert after["disputes_resolved"] - before["disputes_resolved"] == 1
    assert after["disputes_high_open"] == before["disputes_high_open"]
    assert after["disputes_undated"] - before["disputes_undated"] == 1


def test_hazards_and_alerts_by_kind_as_of_the_end(tx: Connection, grid: dict[str, Any]) -> None:
    area = Area("grid", grid["grid_code"])

    name = tx.execute(
        text("select coalesce(name_zh, category) from core.hazard_categories where category = 'fire'")
    )
    fire_zh = name.scalar()

    def fire() -> dict[str, int]:
        rows = breakdowns.hazards_by("", EVERYTHING, area, WEEK, "category_zh")
        return next((r for r in rows if r["label"] == fire_zh), {"found": 0, "open": 0, "cleared": 0})

    before = fire()
    add_hazard(tx, grid, "ASOF-H-1", T - timedelta(days=1), T + timedelta(days=1))  # open then
    add_hazard(tx, grid, "ASOF-H-2", T - timedelta(days=1), T - S)  # cleared then
    add_hazard(tx, grid, "ASOF-H-3", T + S, None)  # not found yet
    after = fire()
    assert {k: after[k] - before[k] for k in ("found", "open", "cleared")} == {
        "found": 2,
        "open": 1,
        "cleared": 1,
    }

    alerts_before = indicators.kpis("", EVERYTHING, area, WEEK)["alerts"]
    for kind, when in (("group_rental", T - S), ("sensor_offline", T)):
        tx.execute(
            text(
                "insert into core.alerts (alert_kind, subject_code, district_code, detected_at, reason, "
                "geom, grid_code, zone_code, station_code) values (:kind, 'ASOF-' || :kind, :district_code, "
                ":when, 'as-of test', :geom, :grid_code, :zone_code, :station_code)"
            ),
            {**grid, "kind": kind, "when": when},
        )
    assert indicators.kpis("", EVERYTHING, area, WEEK)["alerts"] - alerts_before == 1


def test_a_running_week_is_counted_as_of_now(monkeypatch: pytest.MonkeyPatch) -> None:
    import dashboard.periods as periods

    week = Week(2026, 48)
    moment = week.start + timedelta(days=2, hours=5)
    monkeypatch.setattr(periods, "now", lambda: moment)
    assert as_of(week) == moment
    assert as_of(week.previous()) == week.start  # a finished week: its end, whatever the time
