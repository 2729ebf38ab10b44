"""Derived tables (alerts, the analysis, gate-access rollups, zone–grid links) and the lock that keeps
loads apart.

Rollups and zone–grid links are rebuilt inside the transaction of the source they derive from, so
they are never older than their inputs. Alerts span every source and are rebuilt after the loads of
a run, in their own transaction, which records in ``ops.derived`` the newest loaded batch they were
built from: a run killed before that commit leaves them stale, and the next run (or
``onemap etl derive``) rebuilds them even when every source is unchanged. The counts the pages
read instead of counting on each visit (station scores of the last whole weeks, each building's
units and people) are rebuilt in the alerts' transaction, which also closes the supervisions (督办)
whose items the deliveries closed, so the two never disagree. The analysis (研判,
``etl/analysis/``) is kept the same way, after the alerts, under the name ``analysis``.

One load or derivation at a time per database: each holds a session advisory lock for its whole
run; a second one exits at once with one line saying so.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from datetime import date

import psycopg

from common.errors import OnemapError
from etl.audit import operator_name
from etl.bulk import restore_indexes, set_aside_indexes
from etl.db import connect_raw, database_name
from etl.settings import get_etl_settings
from etl.sql import read_sql

# the one advisory lock key of onemap loads (any constant; advisory locks are per database)
LOAD_LOCK = 0x6F6E656D6170  # "onemap"
ALERTS = "alerts"
ANALYSIS = "analysis"


@contextmanager
def load_lock(url: str) -> Iterator[None]:
    """Hold the warehouse's load lock for the block, or fail with one line when another holds it.

    Raises
    ------
    OnemapError
        When another load or derivation into the same database is running.
    """
    conn = connect_raw(url, autocommit=True)
    try:
        got = conn.execute("select pg_try_advisory_lock(%s)", (LOAD_LOCK,)).fetchone()
        if not (got and got[0]):
            holder = conn.execute(
                "select pid from pg_locks where locktype = 'advisory' and granted and objid = %s "
                "and database = (select oid from pg_database where datname = current_database())",
                (LOAD_LOCK & 0xFFFFFFFF,),
            ).fetchone()
            who = f" (server process {holder[0]})" if holder else ""
            raise OnemapError(
                f"another load into database {database_name(url)!r} is running{who}: "
                "wait for it to finish, then run this one again"
            )
        yield
    finally:
        with suppress(psycopg.Error):
            conn.close()  # ends the session, and with it the lock


def newest_loaded_batch(conn: psycopg.Connection) -> int:
    """The newest batch that loaded (0 when none)."""
    row = conn.execute(
        "select coalesce(max(batch_id), 0) from ops.load_batch where status = 'loaded'"
    ).fetchone()
    return int(row[0]) if row else 0


def stale(conn: psycopg.Connection, name: str = ALERTS) -> bool:
    """True when derived table ``name`` was never built, or a source loaded after it was."""
    row = conn.execute("select through_batch from ops.derived where name = %s", (name,)).fetchone()
    return row is None or int(row[0]) < newest_loaded_batch(conn)


def record_built(conn: psycopg.Connection, name: str) -> None:
    """Record that derived table ``name`` now covers every batch loaded so far (the caller commits)."""
    conn.execute(
        "insert into ops.derived (name, through_batch) values (%s, %s) on conflict (name) do update "
        "set through_batch = excluded.through_batch, built_at = now()",
        (name, newest_loaded_batch(conn)),
    )


def derive_alerts(conn: psycopg.Connection, thresholds: dict[str, float] | None = None) -> None:
    """Rebuild the alerts (only rows that change are written) and record what they were built from.

    The caller commits; until then the alerts and their record stay as they were.
    """
    params = thresholds or get_etl_settings().alert_params()
    # each feed's "now" first: given to the derivation as values, older partitions are pruned
    row = conn.execute(read_sql("alerts_now.sql"), params).fetchone()
    assert row is not None
    given = {**params, "access_now": row[0], "sensor_now": row[1]}
    # compiling the statements' expressions took longer than they run (1.3 s of 14 on the county)
    conn.execute("set local jit = off")
    count_credentials(conn, given)
    conn.execute(read_sql("derive_alerts.sql"), given)
    conn.execute("drop table pg_temp.alert_credential")
    conn.execute("reset jit")
    record_built(conn, ALERTS)


def count_credentials(conn: psycopg.Connection, params: dict[str, object]) -> None:
    """Count each unit's credentials in the gate events the alerts read (days, nights, nights before
    the window) into ``pg_temp.alert_credential``, which ``derive_alerts.sql`` reads."""
    conn.execute("drop table if exists pg_temp.alert_credential")
    conn.execute(read_sql("alert_credentials.sql"), params)
    conn.execute("analyze pg_temp.alert_credential")


def close_supervisions(conn: psycopg.Connection) -> int:
    """Close the supervisions (督办) whose item the loaded deliveries closed, in the caller's
    transaction (logged and audited in the operator's name); how many."""
    row = conn.execute("select ops.supervisions_close_done(%s)", (operator_name(),)).fetchone()
    return int(row[0]) if row else 0


def derive_analysis(conn: psycopg.Connection) -> None:
    """Recompute the analysis (hot spots, classes, risk, back-test) and record what it was built from.

    The caller commits; until then the analysis and its record stay as they were.
    """
    from etl.analysis.run import compute  # numpy, esda: only when the analysis runs

    compute(conn)
    record_built(conn, ANALYSIS)


def derive_scores(conn: psycopg.Connection) -> None:
    """Count again the station assessments kept for the last whole weeks, each building's units
    and people, and the people and units of every attribution (the pages read them instead of
    counting every station, every building of an area, or every resident of a station, on each
    visit), and when each area's open supervisions turn overdue; the caller commits."""
    conn.execute("select ops.refresh_station_scores()")
    aside = set_aside_indexes(conn, "core.building_counts")  # a first count indexed once, after
    conn.execute("select ops.refresh_building_counts()")
    restore_indexes(conn, aside)
    conn.execute("select ops.refresh_area_counts()")
    conn.execute("select ops.refresh_masked_texts()")  # a load of names emptied them
    # the place search ranks the query's pairs of characters by how many places hold each, from
    # the statistics of its pair indexes (etl/sql/functions/46_serve_search.sql): made anew here,
    # not whenever autovacuum comes to them (a first load made the indexes anew, with none)
    conn.execute("analyze core.standard_addresses")
    conn.execute("analyze core.buildings")
    # a delivery may have moved a supervised item to another area: whose pages turn overdue when
    conn.execute("select ops.refresh_judged_due()")


def derive_access_daily(
    conn: psycopg.Connection, first: object, last: object, fresh: Iterable[date] = ()
) -> None:
    """Rebuild the daily rollup of gate events (``core.access_daily``) for the Beijing days from
    ``first`` to ``last``.

    ``fresh`` names days known to hold no rollup row yet (the load asked, under its lock): their
    rows are inserted plainly; every other day's rows go through the upsert that writes only what
    changed.
    """
    days = sorted(set(fresh))
    conn.execute("drop table if exists pg_temp.access_rolled")
    conn.execute(read_sql("derive_access_daily.sql"), {"first": first, "last": last})
    conn.execute(read_sql("access_daily_insert.sql"), {"fresh": days})
    conn.execute(read_sql("access_daily_upsert.sql"), {"fresh": days})
    conn.execute("drop table pg_temp.access_rolled")


def derive_stale(conn: psycopg.Connection, loaded: bool) -> None:
    """After a run's loads: rebuild the alerts, the kept station assessments and the analysis when
    a source loaded or they are stale (a run killed while deriving), each committed on its own."""
    if loaded or stale(conn, ALERTS):
        derive_alerts(conn)
        derive_scores(conn)
        close_supervisions(conn)
        conn.commit()
    if loaded or stale(conn, ANALYSIS):
        derive_analysis(conn)
        conn.commit()


def derive_all(url: str, thresholds: dict[str, float] | None = None) -> None:
    """Rebuild every derived table from what core holds, in one transaction (``onemap etl derive``)."""
    with load_lock(url), connect_raw(url) as conn:
        conn.execute(read_sql("derive_zone_grids.sql"))
        conn.execute(read_sql("governance_scopes.sql"))
        span = conn.execute("select min(event_time), max(event_time) from core.access_events").fetchone()
        if span and span[0] is not None:
            derive_access_daily(conn, span[0], span[1])
        derive_alerts(conn, thresholds)
        derive_scores(conn)
        close_supervisions(conn)
        derive_analysis(conn)
        conn.commit()
