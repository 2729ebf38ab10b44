"""A past week's report says the same whenever it is written: items registered, closed, cleared,
resolved or carded after the week's end change none of its figures (the PDF's text and the XLSX's
cells; only the time of writing differs)."""

from __future__ import annotations

import subprocess
from datetime import timedelta
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from sqlalchemy import Connection, create_engine, text

from dashboard.headlines import HEADLINE
from dashboard.periods import Period, Week
from dashboard.queries import elements, indicators
from dashboard.queries.areas import Area
from dashboard.reports.run import weekly
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings
from etl.db import normalise_url
from etl.warehouse import Warehouse
from tests.support.database import loaded_database

pytestmark = pytest.mark.db

WEEK = Period(Week(2026, 46))  # a past week of the demo, with the demo's last week after it
T = WEEK.end
WRITTEN_AT = "生成时间"  # the one line that may differ between two writings


@pytest.fixture(scope="module")
def county(warehouse: Warehouse, test_db_url: str, demo_manifest: Path) -> tuple[str, str]:
    """The small demo in a database of this module's own (the shared demo is read-only): owner and
    application URLs."""
    url = loaded_database(warehouse, test_db_url, demo_manifest, "asof_report")
    return url, warehouse.app_url_for(url)


PICK = """
select e.station_code from core.grid_events e
where e.registered_at < :t - interval '144 hours' and (e.closed_at is null or e.closed_at >= :t)
  and exists (select 1 from core.hazards h where h.station_code = e.station_code
              and h.found_at < :t and (h.cleared_at is null or h.cleared_at >= :t))
  and exists (select 1 from core.disputes d where d.station_code = e.station_code and d.risk_level = 'high'
              and d.found_at < :t and (d.resolved_at is null or d.resolved_at >= :t))
group by 1 order by count(*) desc, 1 limit 1
"""


def pick_station(conn: Connection) -> str:
    """A station with a grid event that was open and red at the week's end, a hazard open then and
    a high-risk dispute unresolved then: all three get done after the week."""
    return str(conn.execute(text(PICK), {"t": T}).scalar_one())


LATE = """
insert into core.hazards (hazard_no, district_code, category, found_at, status, geom, grid_code,
                          zone_code, station_code)
select 'ASOF-LATE', district_code, category, :t + interval '2 hours', 'open', geom, grid_code, zone_code,
       station_code
from core.hazards where station_code = :s limit 1;
insert into core.disputes (dispute_no, district_code, found_at, dispute_type, risk_level, status, geom,
                           grid_code, zone_code, station_code)
select 'ASOF-LATE', district_code, :t + interval '3 hours', dispute_type, 'high', 'open', geom, grid_code,
       zone_code, station_code
from core.disputes where station_code = :s limit 1;
insert into core.alerts (alert_kind, subject_code, district_code, detected_at, reason, geom, grid_code,
                         zone_code, station_code)
select 'sensor_offline', 'ASOF-LATE', district_code, :t + interval '1 day', 'as-of test', geom, grid_code,
       zone_code, station_code
from core.grid_events where event_no = 'ASOF-LATE-RED'
"""


def happen_after_the_week(conn: Connection, station: str) -> None:
    """What happens once the week is over: open items get done, new ones come, a new red card."""
    p = {"t": T, "s": station}
    conn.execute(
        text(
            "update core.grid_events set status = 'closed', closed_at = now() where event_no in ("
            "  select event_no from core.grid_events where station_code = :s and closed_at is null "
            "  and registered_at < :t)"
        ),
        p,
    )
    conn.execute(
        text(
            "update core.grid_events set closed_at = :t + interval '1 hour' where station_code = :s "
            "and closed_at >= :t + interval '2 hours' and registered_at < :t"
        ),
        p,
    )
    conn.execute(
        text(
            "update core.hazards set status = 'cleared', cleared_at = now() where station_code = :s "
            "and cleared_at is null and found_at < :t"
        ),
        p,
    )
    conn.execute(
        text(
            "update core.disputes set status = 'resolved', resolved_at = now(), resolution = '调解成功' "
            "where station_code = :s and resolved_at is null and found_at < :t"
        ),
        p,
    )
    source = conn.execute(
        text("select min(event_no) from core.grid_events where station_code = :s and registered_at < :t"), p
    ).scalar_one()
    # registered after the week: one closed since, one still open (and red by now)
    for no, closed, status in (
        ("LATE-CLOSED", T + timedelta(hours=5), "closed"),
        ("LATE-RED", None, "handling"),
    ):
        conn.execute(
            text(
                "insert into core.grid_events (event_no, district_code, kind_code, is_police_matter, title, "
                "registered_at, closed_at, status, geom, grid_code, zone_code, station_code) "
                "select :no, district_code, kind_code, is_police_matter, title, :t + interval '1 hour', "
                ":closed, :status, geom, grid_code, zone_code, station_code from core.grid_events "
                "where event_no = :src"
            ),
            {**p, "no": f"ASOF-{no}", "src": source, "closed": closed, "status": status},
        )
    for statement in LATE.split(";"):
        conn.execute(text(statement), p)


def write(app_url: str, station: str, out: Path) -> Path:
    weekly(app_url, Scope.everything(), WEEK, out, DashboardSettings().score_weights(), stations=[station])
    return out / WEEK.label()


def cells(path: Path) -> dict[str, list[tuple[Any, ...]]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    return {
        ws.title: [row for row in ws.iter_rows(values_only=True) if WRITTEN_AT not in row]
        for ws in wb.worksheets
    }


def pdf_lines(path: Path) -> list[str]:
    out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    return [line for line in out.stdout.splitlines() if WRITTEN_AT not in line]


def test_a_past_weeks_report_is_the_same_after_later_changes(county: tuple[str, str], tmp_path: Path) -> None:
    owner_url, app_url = county
    engine = create_engine(normalise_url(owner_url))
    with engine.connect() as conn:
        station = pick_station(conn)
    first = write(app_url, station, tmp_path / "first")
    area = Area("station", station)
    reds_before = elements.red_card_items(app_url, Scope.everything(), area, WEEK.shift(1))
    with engine.begin() as conn:
        happen_after_the_week(conn, station)
    engine.dispose()
    second = write(app_url, station, tmp_path / "second")

    # the changes landed: the week after sees them
    reds_after = elements.red_card_items(app_url, Scope.everything(), area, WEEK.shift(1))
    assert {r["event_no"] for r in reds_after} != {r["event_no"] for r in reds_before}

    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir()) and len(names) == 4
    for name in names:
        if name.endswith(".xlsx"):
            assert cells(first / name) == cells(second / name), name
        else:
            a, b = pdf_lines(first / name), pdf_lines(second / name)
            assert a == b, name
            assert len(a) > 20

    # and the report still equals what the screens say for that week
    k = indicators.kpis(app_url, Scope.everything(), area, WEEK)
    xlsx = next(p for p in second.iterdir() if p.name.endswith(".xlsx") and station in p.name)
    shown = {row[0]: row[1] for row in cells(xlsx)["主要指标"][1:]}
    assert {f.titled: k[f.key] for f in HEADLINE} == shown
    assert k["red_cards"] > 0 and k["hazards_open"] > 0 and k["disputes_high_open"] > 0
