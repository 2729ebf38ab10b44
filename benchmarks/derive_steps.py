"""What comes after a load's sources, step by step, on a loaded database: the alerts (with the
credential counts they start from), the kept station scores, each building's counts (into the
table as it stands, which on a reload is every building unchanged, and into an empty table, as a
first load does), the supervisions closed and the analysis. Each step runs in a transaction rolled
back at the end; the 1-minute load average is printed beside each figure.

Baseline of the same run: one plain scan of the gate events the alerts read (the rules' history
days), grouped by unit as they are, so the alerts' cost reads as so many scans.

    .venv/bin/python benchmarks/derive_steps.py --db onemap_county_copy
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable

import psycopg

from etl.bulk import restore_indexes, set_aside_indexes
from etl.db import connect_raw
from etl.derive import close_supervisions, count_credentials, derive_alerts, derive_analysis
from etl.settings import get_etl_settings
from etl.sql import read_sql
from etl.warehouse import Warehouse

SCAN = """
select count(*) from (
    select unit_code, count(*) from core.access_events
    where event_time > %(access_now)s::timestamptz - make_interval(days => %(history_days)s)
    group by unit_code
) u
"""


def timed(conn: psycopg.Connection, name: str, step: Callable[[], object]) -> float:
    """Run ``step``, roll it back, print and return its seconds."""
    load = os.getloadavg()[0]
    started = time.perf_counter()
    step()
    seconds = time.perf_counter() - started
    conn.rollback()
    print(f"{name:<44} {seconds:7.2f} s  [load {load:.1f}]", flush=True)
    return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", required=True, help="a loaded database (a copy: nothing is kept)")
    args = ap.parse_args()
    url = Warehouse().server.url("owner", database=args.db)
    params = get_etl_settings().alert_params()
    with connect_raw(url) as conn:
        row = conn.execute(read_sql("alerts_now.sql"), params).fetchone()
        assert row is not None
        given = {**params, "access_now": row[0], "sensor_now": row[1]}
        conn.rollback()
        scan = timed(conn, "baseline: one scan of the alerts' events", lambda: conn.execute(SCAN, given))
        timed(conn, "credential counts (part of the alerts)", lambda: count_credentials(conn, given))
        alerts = timed(conn, "alerts", lambda: derive_alerts(conn))
        timed(conn, "station scores", lambda: conn.execute("select ops.refresh_station_scores()"))
        timed(
            conn,
            "building counts, as they stand",
            lambda: conn.execute("select ops.refresh_building_counts()"),
        )

        def first_count() -> None:
            conn.execute("truncate core.building_counts")
            aside = set_aside_indexes(conn, "core.building_counts")
            conn.execute("select ops.refresh_building_counts()")
            restore_indexes(conn, aside)

        timed(conn, "building counts, into an empty table", first_count)
        timed(conn, "supervisions closed", lambda: close_supervisions(conn))
        timed(conn, "analysis", lambda: derive_analysis(conn))
    print(f"alerts ÷ one scan of their events: {alerts / scan:.1f}")


if __name__ == "__main__":
    main()
