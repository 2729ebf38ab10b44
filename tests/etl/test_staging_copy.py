"""COPY of checked frames (etl/staging.py): time zone-aware times reach PostgreSQL as the same
instants whichever writer carries them (Arrow's, or pandas' for the frames Arrow is not trusted with)."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
import psycopg
import pyarrow as pa
import pytest
import shapely
from psycopg import sql

from etl.db import connect_raw
from etl.staging import copy_frame, point_ewkb_hex, utc_text, with_ewkb
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


@pytest.mark.db
def test_times_written_in_numpy_are_the_instants_arrow_writes(conn: psycopg.Connection) -> None:
    """The numpy writer of times (``utc_text``) against Arrow's own, row for row, through PostgreSQL:
    random instants to the microsecond over two centuries, either side of 1970, nulls, a slice."""
    rng = np.random.default_rng(20)
    us = rng.integers(-2_208_988_800_000_000, 4_102_444_800_000_000, 5_000)
    at = pd.Series(pd.to_datetime(us, unit="us")).dt.tz_localize("UTC").dt.tz_convert("Asia/Shanghai")
    at[rng.random(len(at)) < 0.05] = pd.NaT
    at = at.iloc[7:]  # a slice, as the first chunk's pieces are
    arrow = pa.array(at, from_pandas=True).cast(pa.timestamp("us", tz="UTC"), safe=False)
    assert utc_text(arrow).to_pylist() != arrow.cast(pa.string()).to_pylist()  # "+00", not "Z"
    conn.execute("alter table t add old text")
    frame = pd.DataFrame(
        {"n": range(len(at)), "at": at.reset_index(drop=True), "old": arrow.cast(pa.string()).to_pylist()}
    )
    copy_frame(conn, sql.Identifier("t"), ["n", "at", "old"], frame)
    rows = conn.execute("select at, old::timestamptz from t order by n").fetchall()
    assert len(rows) == len(at) and sum(r[0] is None for r in rows) == at.isna().sum() > 0
    assert [r[0] for r in rows] == [r[1] for r in rows]


def test_points_written_in_numpy_are_the_bytes_geos_writes() -> None:
    """``point_ewkb_hex`` against GEOS's own EWKB writer, point for point: random doubles of every
    sign and size, zeros of both signs, the extremes of a longitude and latitude."""
    rng = np.random.default_rng(20)
    x = np.concatenate([rng.uniform(-180, 180, 3_000), rng.normal(0, 1e-9, 500), [0.0, -0.0, 180.0, -180.0]])
    y = np.concatenate([rng.uniform(-90, 90, 3_000), rng.normal(0, 1e12, 500), [-0.0, 0.0, 90.0, -90.0]])
    points = shapely.points(x, y)[5:]  # a slice, as the first chunk's pieces are
    want = shapely.to_wkb(shapely.set_srid(points, 4326), hex=True, include_srid=True)
    got = point_ewkb_hex(points)
    assert got is not None and got.dtype == object and list(got) == list(want)
    framed = with_ewkb(pd.DataFrame({"geom": points}, index=np.arange(len(points)) * 2))
    assert framed["geom"].tolist() == list(want)


@pytest.mark.parametrize(
    "odd",
    [None, shapely.Point(), shapely.Point(1, 2, 3), shapely.LineString([(0, 0), (1, 1)])],
    ids=["missing", "empty", "3d", "line"],
)
def test_anything_but_plain_points_goes_to_geos(odd: shapely.Geometry | None) -> None:
    """One missing, empty, 3-D or non-point item and the whole column is left to GEOS's writer."""
    column = np.array([shapely.Point(116.4, 39.9), odd], dtype=object)
    assert point_ewkb_hex(column) is None
    want = shapely.to_wkb(shapely.set_srid(column, 4326), hex=True, include_srid=True)
    got = with_ewkb(pd.DataFrame({"geom": column}))["geom"].tolist()
    assert [None if pd.isna(g) else g for g in got] == list(want)  # a missing one is NULL either way
