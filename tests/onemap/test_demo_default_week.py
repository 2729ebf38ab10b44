"""Right after `make demo` the dashboard's default week is a finished week with data in it, at any
hour of the day in UTC: the demo's last day is Beijing's today, and the default period is the last
ISO week over in Beijing.

The clock is faked (time-machine) on either side of the UTC midnight that falls at 08:00 Beijing
time on a Monday: on Sunday 23:30 UTC the machine's date is a day behind Beijing's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import time_machine
import yaml

from dashboard.operator import as_operator
from dashboard.periods import default_period
from dashboard.queries import indicators
from dashboard.queries.areas import Area
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings
from etl.demo.generate import generate
from etl.demo.scales import Scale
from etl.load import Loader
from etl.manifest import read_manifest
from etl.warehouse import Warehouse
from tests.support.accounts import SECRET
from tests.support.database import fresh_database

pytestmark = [pytest.mark.db, pytest.mark.timeout(900)]

# the smallest county whose incidents and grid events span more than two weeks
TINY = Scale(
    name="tiny",
    stations=2,
    zones=8,
    grids=30,
    villages=6,
    roads=6,
    size_km=8,
    buildings=1_000,
    persons=2_000,
    communities=20,
    smart_communities=6,
    sensors=60,
    cameras=20,
    workstations=2,
    access_events=2_000,
    incidents=300,
    grid_events=150,
    disputes=30,
    hazards=30,
    access_days=2,
    weeks=3,
)


@pytest.mark.parametrize(
    "utc",
    [
        datetime(2026, 11, 22, 23, 30, tzinfo=UTC),  # Sunday in UTC, Monday 07:30 in Beijing
        datetime(2026, 11, 23, 0, 30, tzinfo=UTC),  # Monday 00:30 UTC, Monday 08:30 in Beijing
    ],
    ids=["sunday-2330-utc", "monday-0030-utc"],
)
def test_make_demos_default_week_is_finished_and_has_data(
    utc: datetime, warehouse: Warehouse, test_db_url: str, tmp_path: Path
) -> None:
    url = fresh_database(warehouse, test_db_url, "demo_clock")
    with time_machine.travel(utc, tick=True):
        # as `make demo` runs it: no --until, then the load, then the dashboard's default period
        manifest = generate(TINY, 1, tmp_path / "demo")
        reports = Loader(url, read_manifest(manifest)).run()
        assert all(r.status == "loaded" for r in reports), [r for r in reports if r.status != "loaded"]
        now = DashboardSettings().now()
        period = default_period(now)
    # the demo's last day is the day in Beijing, as the dashboard counts (not the machine's UTC date)
    generated = yaml.safe_load(manifest.read_text(encoding="utf-8"))["generated"]
    assert generated["until"] == now.date().isoformat() == "2026-11-23"
    assert period.complete and period.end <= now
    app_url = warehouse.app_url_for(url)
    with as_operator(SECRET):
        k = indicators.kpis(app_url, Scope.everything(), Area(), period)
        trend = indicators.weekly_trend(app_url, Scope.everything(), Area(), period, weeks=1)
    assert k["incidents_week"] > 0, period.label()
    assert trend[0]["grid_events"] > 0, period.label()
    assert k["incidents_prev"] > 0  # and the week it is compared with has data too
