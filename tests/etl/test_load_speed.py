"""What keeps the loader's cost per row flat: repeated keys found in a hashed set, gate events routed
by day (asked once per day, never by rescanning a partition), and the refused copy undone."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import psycopg
import pytest

from common.china import TZ_NAME
from etl.bulk import restore_indexes, set_aside_indexes
from etl.contract import KINDS
from etl.db import connect_raw
from etl.keyset import KeySet
from etl.kinds.gate_events import GateEvents
from etl.validate import SeenKeys
from etl.warehouse import Warehouse
from tests.support.database import fresh_database


def test_repeated_keys_match_a_plain_set() -> None:
    rng = np.random.default_rng(7)
    seen, plain = SeenKeys(), set()
    for _ in range(60):  # enough chunks for the runs to merge many times
        n = 300
        keys = pd.DataFrame(
            {
                "device": rng.integers(0, 40, n).astype(str),
                "at": pd.to_datetime(rng.integers(0, 90, n), unit="s").tz_localize(TZ_NAME),
            }
        )
        ok = rng.random(n) > 0.2
        expected = np.zeros(n, dtype=bool)
        for i, key in enumerate(zip(keys["device"], keys["at"], strict=True)):
            if ok[i]:
                expected[i] = key in plain
                plain.add(key)
        assert (seen.repeated("k", keys, ok) == expected).all()
    assert len(seen.sets["k"]) == len(plain)
    assert len(seen.sets["k"].runs) <= int(np.log2(len(plain))) + 1


def test_a_shared_first_hash_is_told_apart_by_the_second() -> None:
    ks = KeySet()
    a = np.array([5, 5, 5, 9], dtype=np.uint64)
    ks.add(a, np.array([1, 2, 3, 4], dtype=np.uint64))
    found = ks.contains(
        np.array([5, 5, 9, 9, 7], dtype=np.uint64), np.array([3, 4, 4, 1, 1], dtype=np.uint64)
    )
    assert found.tolist() == [True, False, True, False, False]


@pytest.fixture(scope="module")
def owner_url(warehouse: Warehouse, test_db_url: str) -> str:
    return fresh_database(warehouse, test_db_url, "speed")


@pytest.fixture
def conn(owner_url: str) -> Iterator[psycopg.Connection]:
    with connect_raw(owner_url) as c:
        yield c
        c.rollback()


def events(*rows: tuple[str, str, str]) -> pd.DataFrame:
    """Staged gate events (device, Beijing time, card) with their line numbers."""
    loading = GateEvents(KINDS["access_event"])
    frame = pd.DataFrame({c: pd.Series([None] * len(rows), dtype=object) for c in loading.staged_columns()})
    frame["device_code"] = [r[0] for r in rows]
    frame["event_time"] = pd.to_datetime([r[1] for r in rows]).tz_localize(TZ_NAME)
    frame["card_no"] = [r[2] for r in rows]
    frame["method"], frame["district_code"], frame["building_code"] = "card", "440118", "B1"
    frame["line_no"] = range(2, len(rows) + 2)
    return frame


def stored(conn: psycopg.Connection) -> int:
    return conn.execute("select count(*) from core.access_events").fetchone()[0]  # type: ignore[index]


@pytest.mark.db
def test_events_of_days_stored_before_go_to_staging_the_others_into_core(conn: psycopg.Connection) -> None:
    loading = GateEvents(KINDS["access_event"])
    loading.asked.add(pd.Timestamp("2026-11-02").date())
    loading.stored.add(pd.Timestamp("2026-11-02").date())  # as the daily rollup would say
    rows = events(
        ("D1", "2026-11-02 23:59:59", "C1"),
        ("D1", "2026-11-03 00:00:00", "C1"),  # midnight in Beijing: the next day
        ("D2", "2026-11-03 08:00:00", "C2"),
    )
    staged = loading.direct(conn, rows, "a.csv", 1)
    assert staged["line_no"].tolist() == [2]
    loading.before_upsert(conn)
    assert stored(conn) == 2
    assert loading.asked == {pd.Timestamp(d).date() for d in ("2026-11-02", "2026-11-03")}


@pytest.mark.db
def test_a_copy_the_primary_key_refuses_is_undone_and_staged(conn: psycopg.Connection) -> None:
    loading = GateEvents(KINDS["access_event"])
    first = events(("D1", "2026-11-05 08:00:00", "C1"))
    assert loading.direct(conn, first, "a.csv", 1).empty
    loading.before_upsert(conn)
    # the same event again, unknown to the rollup (as if stored by other means) and so not routed
    again = GateEvents(KINDS["access_event"])
    rows = events(("D1", "2026-11-05 09:00:00", "C9"), ("D1", "2026-11-05 08:00:00", "C1"))
    staged = again.direct(conn, rows, "b.csv", 2)
    assert staged["line_no"].tolist() == [2, 3]  # all of the chunk, for on conflict do nothing
    assert stored(conn) == 1  # the refused copy left nothing behind; the transaction goes on
    assert pd.Timestamp("2026-11-05").date() in again.stored


def partitions(conn: psycopg.Connection) -> dict[str, list[str]]:
    """core.access_events' partitions, each with the definitions of its indexes (names left out)."""
    rows = conn.execute(
        "select c.relname, pg_get_indexdef(i.indexrelid) from pg_inherits h "
        "join pg_class c on c.oid = h.inhrelid left join pg_index i on i.indrelid = c.oid "
        "where h.inhparent = 'core.access_events'::regclass order by 1, 2"
    ).fetchall()
    out: dict[str, list[str]] = {}
    for name, definition in rows:
        out.setdefault(name, []).append(definition.split(" ON ")[1].replace(name, "<month>"))
    return out


@pytest.mark.db
def test_a_month_without_a_partition_is_loaded_apart_then_attached_with_the_same_indexes(
    conn: psycopg.Connection,
) -> None:
    conn.execute("select core.ensure_access_event_partitions('2026-10-01', '2026-10-31')")
    loading = GateEvents(KINDS["access_event"])
    rows = events(
        ("D1", "2026-10-31 23:59:59", "C1"),  # October in Beijing, though November 15:59 in UTC
        ("D1", "2026-11-01 00:00:00", "C1"),  # the first instant of November in Beijing
        ("D2", "2026-11-20 08:00:00", "C2"),
        ("D3", "2026-12-01 07:59:59", "C3"),  # December in Beijing, November in UTC
    )
    assert loading.direct(conn, rows, "a.csv", 1).empty
    assert set(loading.apart) == {pd.Timestamp(d).date() for d in ("2026-11-01", "2026-12-01")}
    assert stored(conn) == 1  # only October's partition existed; the others wait apart
    loading.before_upsert(conn)
    assert stored(conn) == 4
    parts = partitions(conn)
    assert {"access_events_2026_10", "access_events_2026_11", "access_events_2026_12"} <= set(parts)
    assert parts["access_events_2026_11"] == parts["access_events_2026_10"] == parts["access_events_2026_12"]
    assert len(parts["access_events_2026_11"]) == 2  # the primary key and the time range's BRIN
    by_month = conn.execute(
        "select tableoid::regclass::text, count(*) from core.access_events group by 1 order by 1"
    ).fetchall()
    assert by_month == [
        ("core.access_events_2026_10", 1),
        ("core.access_events_2026_11", 2),
        ("core.access_events_2026_12", 1),
    ]
    bounds = conn.execute(
        "select count(*) from pg_constraint where conname like 'access_events_%_bounds'"
    ).fetchone()
    assert bounds == (0,)  # the check that spared the attachment its scan is gone
    guarded = conn.execute(
        "select c.relname, c.relrowsecurity and c.relforcerowsecurity, count(p.polname) "
        "from pg_inherits h join pg_class c on c.oid = h.inhrelid "
        "left join pg_policy p on p.polrelid = c.oid "
        "where h.inhparent = 'core.access_events'::regclass group by 1, 2"
    ).fetchall()
    assert {g[1:] for g in guarded} == {(True, 2)}, guarded  # each month as protected as its parent
    # attached, the month refuses an event stored twice like any other
    again = GateEvents(KINDS["access_event"])
    staged = again.direct(conn, events(("D2", "2026-11-20 08:00:00", "C2")), "b.csv", 2)
    assert staged["line_no"].tolist() == [2]
    assert stored(conn) == 4


def index_defs(conn: psycopg.Connection, table: str) -> list[str]:
    return [
        r[0]
        for r in conn.execute(
            "select pg_get_indexdef(indexrelid) from pg_index where indrelid = %s::regclass order by 1",
            (table,),
        )
    ]


@pytest.mark.db
def test_an_empty_tables_secondary_indexes_are_set_aside_and_made_again_as_they_were(
    conn: psycopg.Connection,
) -> None:
    before = index_defs(conn, "core.buildings")
    aside = set_aside_indexes(conn, "core.buildings")
    assert len(aside) >= 4  # the outline's GiST and the area codes' B-trees
    left = index_defs(conn, "core.buildings")
    assert left and all("UNIQUE" in d for d in left)  # the key, which decides conflicts, stays
    restore_indexes(conn, aside)
    assert index_defs(conn, "core.buildings") == before


@pytest.mark.db
def test_a_table_holding_rows_keeps_its_indexes(conn: psycopg.Connection) -> None:
    conn.execute(
        "insert into core.districts values ('440118', '增城区', '广州市', "
        "st_multi(st_makeenvelope(113.5, 23.1, 113.9, 23.5, 4326)))"
    )
    before = index_defs(conn, "core.districts")
    assert set_aside_indexes(conn, "core.districts") == []
    assert index_defs(conn, "core.districts") == before
    assert set_aside_indexes(conn, "core.access_events") == []  # partitioned: months load apart
