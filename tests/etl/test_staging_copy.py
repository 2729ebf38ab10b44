"""COPY of checked frames (etl/staging.py): time zone-aware times reach PostgreSQL as the same
instants whichever writer carries them (Arrow's, or pandas' for the frames Arrow is not trusted with)."""

from __future__ import annotations

from collections.abc import Iterator

import pandas as pd
import psycopg
import pytest
from psycopg import sql

from etl.db import connect_raw
from etl.staging import copy_frame
from etl.warehouse import Warehouse
from tests.support.database import fresh_database

TIMES = ["2026-11-01 00:00:00", "2026-10-31 23:59:59.999999", "1999-12-31 16:00:00.123456", None]


@pytest.fixture(scope="module")
def owner_url(warehouse: Warehouse, test_db_url: str) -> str:
    return fresh_database(warehouse, test_db_url, "staging_copy")


@pytest.fixture
def conn(owner_url: str) -> Iterator[psycopg.Connection]:
    with connect_raw(owner_url) as c:
        c.execute("create temp table t (n bigint, at timestamptz, note text)")
        yield c
        c.rollback()


@pytest.mark.db
@pytest.mark.parametrize("tz", ["Asia/Shanghai", "UTC", "America/Sao_Paulo"])
@pytest.mark.parametrize("writer", ["arrow", "pandas"])
def test_times_arrive_as_the_same_instants(conn: psycopg.Connection, tz: str, writer: str) -> None:
    at = pd.Series(pd.to_datetime(TIMES, format="ISO8601")).dt.tz_localize(tz)
    # a mixed column sends the frame through pandas' writer
    note: list[object] = ["a", "", None, 1] if writer == "pandas" else ["a", "", None, "d"]
    frame = pd.DataFrame({"n": range(len(TIMES)), "at": at, "note": note})
    copy_frame(conn, sql.Identifier("t"), ["n", "at", "note"], frame)
    got = conn.execute("select at from t order by n").fetchall()
    want = [None if pd.isna(t) else t.to_pydatetime() for t in at]
    assert [r[0] for r in got] == want
    assert conn.execute("select count(*) from t where note is null").fetchone() == (2,)


@pytest.mark.db
def test_nanoseconds_are_cut_to_the_microsecond_as_postgresql_keeps_them(conn: psycopg.Connection) -> None:
    at = pd.Series(pd.to_datetime(["2026-11-01 08:00:00.123456789"])).dt.tz_localize("Asia/Shanghai")
    copy_frame(conn, sql.Identifier("t"), ["n", "at"], pd.DataFrame({"n": [1], "at": at}))
    got = conn.execute("select at from t").fetchone()
    assert got is not None and got[0] == pd.Timestamp("2026-11-01 08:00:00.123456", tz="Asia/Shanghai")
