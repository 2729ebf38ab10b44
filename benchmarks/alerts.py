"""Alert derivation at county scale: its cost against a plain scan of its window, before and after
the event history grows.

The small demo is loaded for its units, people, readers and sensors; gate events are then added
straight into the warehouse at county volume (10 M over 30 days: ``--per-day 333000``), day by
day as loads bring them: first the rules' 28 days and the month before, then ``--history-days``
older days. The derivation (rolled back, best of three) is timed after each against the baseline
measured in the same run: one scan of the same 28 days counting each unit's distinct cards. The
claim: derivation after / before the older history ≤ 1.3, since it reads only the monthly
partitions that overlap the last ``ONEMAP_ALERT_HISTORY_DAYS`` days, whatever the history holds.
The derivation / scan ratio says how many scans' worth of work the rules do (informational).

    .venv/bin/python benchmarks/alerts.py [--per-day 333000] [--history-days 84]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

from etl.db import connect_raw
from etl.demo.generate import generate
from etl.derive import derive_alerts
from etl.load import Loader
from etl.manifest import read_manifest
from etl.migrate import migrate
from etl.settings import get_etl_settings
from etl.warehouse import Warehouse

UNTIL = date(2026, 11, 22)
END = datetime(2026, 11, 23, 0, 0)  # the demo's data end (Beijing time)

# synthetic days of gate events: each unit behind a reader gets its share of the day's events,
# from eight cards of its own, at random times of the day
FILL = """
insert into core.access_events (device_code, event_time, card_no, district_code, unit_code, building_code,
                                method, direction)
select u.device_code,
       (%(day)s::timestamp + random() * interval '1 day') at time zone 'Asia/Shanghai',
       'B' || u.unit_code || '-' || (random() * 7)::int, u.district_code, u.unit_code, u.building_code,
       'card', 'in'
from (
    select r.unit_code, r.district_code, r.building_code, min(d.device_code) as device_code
    from core.rental_units r join core.access_devices d using (building_code)
    group by 1, 2, 3
) u
cross join generate_series(1, %(per_unit)s)
on conflict do nothing
"""
BASELINE = """
select count(*) from (
    select unit_code, count(distinct card_no)
    from core.access_events
    where event_time > %(end)s::timestamptz - make_interval(days => %(days)s)
    group by unit_code
) c
"""


def best(runs: int, fn: Callable[[], object]) -> float:
    """Fastest of ``runs`` timings of ``fn`` (the machine is shared)."""
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def fill(url: str, first: datetime, days: int, per_day: int) -> int:
    """Add ``per_day`` synthetic events for each of ``days`` days from ``first``; return rows added."""
    with connect_raw(url) as conn:
        units = conn.execute(
            "select count(distinct r.unit_code) from core.rental_units r "
            "join core.access_devices d using (building_code)"
        ).fetchone()
        per_unit = max(1, per_day // max(1, int(units[0]) if units else 1))
        conn.execute(
            "select core.ensure_access_event_partitions(%s, %s)",
            (first.date(), (first + timedelta(days=days)).date()),
        )
        added = 0
        for k in range(days):
            cur = conn.execute(FILL, {"day": first + timedelta(days=k), "per_unit": per_unit})
            added += cur.rowcount
            conn.commit()
        conn.execute("analyze core.access_events")
        conn.commit()
    return added


def measure(url: str) -> tuple[float, float]:
    """(baseline scan, derivation) seconds, best of three; the derivation is rolled back."""
    window = get_etl_settings().alert_history_days
    with connect_raw(url) as conn:
        base = best(3, lambda: conn.execute(BASELINE, {"end": END, "days": window}).fetchone())

        def derive() -> None:
            derive_alerts(conn)
            conn.rollback()

        return base, best(3, derive)


def main() -> None:
    """Print the derivation's cost against its baseline, before and after older history is added."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--per-day", type=int, default=333_000, help="gate events a day (county: 333,000)")
    ap.add_argument("--history-days", type=int, default=84, help="older days of events added")
    args = ap.parse_args()
    wh = Warehouse()
    wh.up()
    url = wh.recreate_database(f"{wh.settings.db_name}_bench_alerts")
    migrate(url, wh.app_role())
    with tempfile.TemporaryDirectory() as tmp:
        reports = Loader(url, read_manifest(generate("small", 1, Path(tmp) / "demo", UNTIL))).run()
    assert all(r.status == "loaded" for r in reports)
    window = get_etl_settings().alert_history_days
    recent = window + 31  # the rules' days and the month before: the partitions they touch
    added = fill(url, END - timedelta(days=recent), recent, args.per_day)
    base1, derive1 = measure(url)
    print(f"{added:,} events over {recent} days: scan of {window} days {base1:.2f} s, "
          f"derivation {derive1:.2f} s, ratio {derive1 / base1:.1f}")  # fmt: skip
    older = fill(url, END - timedelta(days=recent + args.history_days), args.history_days, args.per_day)
    base2, derive2 = measure(url)
    print(f"+{older:,} older events ({args.history_days} days): scan {base2:.2f} s, derivation "
          f"{derive2:.2f} s, ratio {derive2 / base2:.1f}")  # fmt: skip
    growth = derive2 / derive1
    print(
        f"derivation after / before the older history: {growth:.2f} (target ≤ 1.3: "
        f"{'met' if growth <= 1.3 else 'MISSED'})"
    )


if __name__ == "__main__":
    main()
