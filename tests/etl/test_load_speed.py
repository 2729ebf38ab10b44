"""What keeps the loader's cost per row flat: repeated keys found in a hashed set, gate events routed
by day (asked once per day, never by rescanning a partition), and the refused copy undone."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import psycopg
import pytest

from common.china import TZ_NAME
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
    assert stored(conn) == 2
    assert loading.asked == {pd.Timestamp(d).date() for d in ("2026-11-02", "2026-11-03")}


@pytest.mark.db
def test_a_copy_the_primary_key_refuses_is_undone_and_staged(conn: psycopg.Connection) -> None:
    loading = GateEvents(KINDS["access_event"])
    first = events(("D1", "2026-11-05 08:00:00", "C1"))
    assert loading.direct(conn, first, "a.csv", 1).empty
    # the same event again, unknown to the rollup (as if stored by other means) and so not routed
    again = GateEvents(KINDS["access_event"])
    rows = events(("D1", "2026-11-05 09:00:00", "C9"), ("D1", "2026-11-05 08:00:00", "C1"))
    staged = again.direct(conn, rows, "b.csv", 2)
    assert staged["line_no"].tolist() == [2, 3]  # all of the chunk, for on conflict do nothing
    assert stored(conn) == 1  # the refused copy left nothing behind; the transaction goes on
    assert pd.Timestamp("2026-11-05").date() in again.stored
