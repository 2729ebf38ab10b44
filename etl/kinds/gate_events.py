"""Gate-access events: an append-mostly log in monthly partitions, attributed through their device.

An event has no position of its own: it takes district, building and area codes from its gate
device, looked up in Python for every accepted chunk (one attribution path for both routes into
core). Events of a day that held no stored event when the load began are copied straight into core
(no staging, no upsert); the others go through staging, where ``on conflict do nothing`` drops the
events already stored. The daily rollup (``core.access_daily``) is rebuilt for the loaded days only.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import numpy as np
import pandas as pd
import psycopg
from psycopg import sql

from common.china import TZ_NAME
from etl.bulk import restore_indexes, set_aside_indexes
from etl.contract import Kind
from etl.derive import derive_access_daily
from etl.kinds.base import KindLoading
from etl.staging import copy_frame
from etl.validate import Context

DEVICE_ATTRS = ["district_code", "building_code", "grid_code", "zone_code", "station_code"]
_PARTITIONS = "select core.ensure_access_event_partitions(%s, %s)"
_STORED_DAYS = "select distinct day from core.access_daily where day = any(%s)"
_MONTH_APART = "select core.access_event_month_table(%s)"
_ATTACH = "select core.attach_access_event_month(%s)"


def _wall_clock(times: pd.Series, tz: object) -> np.ndarray:
    """Time zone-aware times as the clock in ``tz`` shows them (naive ``datetime64``)."""
    return times.dt.tz_convert(tz).dt.tz_localize(None).to_numpy()


def _dates(days: np.ndarray) -> list[dt.date]:
    """``datetime64[D]`` values as dates."""
    return list(np.atleast_1d(days).astype("datetime64[D]").astype(object))


class GateEvents(KindLoading):
    """Gate-access events of one source load; remembers the time range and what went in directly."""

    extra_columns: ClassVar[dict[str, str]] = dict.fromkeys(DEVICE_ATTRS, "text")
    insert_only = True  # an event, once stored, never changes

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self.devices = pd.DataFrame(columns=["device_code", *DEVICE_ATTRS])
        self.device_codes = pd.Index([], dtype=object)
        self.first: pd.Timestamp | None = None
        self.last: pd.Timestamp | None = None
        self.asked: set[dt.date] = set()  # days whose stored events were asked about in this load
        self.stored: set[dt.date] = set()  # those of them that held events before it
        self.seen_months: set[dt.date] = set()  # months whose partition was looked for
        self.apart: dict[dt.date, str] = {}  # months loaded into a table of their own, to attach

    def prepare(self, conn: psycopg.Connection, ctx: Context) -> None:
        """Every gate device's district, building and area codes."""
        self.devices = pd.DataFrame(
            conn.execute(
                "select device_code, district_code, building_code, grid_code, zone_code, station_code "
                "from core.access_devices"
            ).fetchall(),
            columns=["device_code", *DEVICE_ATTRS],
        )
        self.device_codes = pd.Index(self.devices["device_code"])  # hashed once for every chunk

    def attribute(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Each event with its device's codes (validation refused events of unknown devices)."""
        codes = self.device_codes
        at = codes.get_indexer(rows["device_code"]) if codes.is_unique else np.array([-1])
        if (at < 0).any():  # an unknown or repeated device: the merge says what that means
            return rows.merge(self.devices, on="device_code", how="left", validate="m:1")
        # the rows of the devices taken by position: a merge would hash every event's code again
        attrs = self.devices[DEVICE_ATTRS].iloc[at].reset_index(drop=True)
        return pd.concat([rows.reset_index(drop=True), attrs], axis=1)

    def direct(self, conn: psycopg.Connection, rows: pd.DataFrame, file: str, batch_id: int) -> pd.DataFrame:
        """Events of days that held no stored event when this load began go straight into core.

        Whether a day (in Beijing time) held events is asked once per day and load, of the daily
        rollup (``core.access_daily``, rebuilt in the same transaction as every load of events),
        through its key: the cost does not grow with the events stored or loaded so far. Events of
        the other days are returned, for staging and its ``on conflict do nothing``. A month that
        had no partition when the load began is copied into a table of its own without indexes,
        attached (its indexes built in one pass) before the upsert. Keys repeated within the source
        were quarantined by the checks; should the rollup ever miss a stored event, the primary key
        refuses the copy, which is undone to a savepoint, and the chunk goes to staging instead.
        """
        if rows.empty:
            return rows
        lo, hi = rows["event_time"].min(), rows["event_time"].max()
        self.first = lo if self.first is None else min(self.first, lo)
        self.last = hi if self.last is None else max(self.last, hi)
        # days and months as numpy datetime64 (a date object per event would cost more than its copy)
        days = _wall_clock(rows["event_time"], TZ_NAME).astype("datetime64[D]")
        new = set(_dates(np.unique(days))) - self.asked
        if new:
            self.stored |= {d for (d,) in conn.execute(_STORED_DAYS, (sorted(new),)).fetchall()}
            self.asked |= new
        on_stored = np.isin(days, np.array(sorted(self.stored), dtype="datetime64[D]"))
        fresh = rows[~on_stored]
        if fresh.empty:
            return rows
        columns = [*self.staged_columns(), "batch_id"]
        months = self._months(conn, fresh["event_time"])
        apart = np.isin(months, np.array(sorted(self.apart), dtype="datetime64[D]").astype("datetime64[M]"))
        for month in np.unique(months[apart]):
            copy_frame(
                conn,
                sql.Identifier("core", self.apart[_dates(month)[0]]),
                columns,
                fresh[months == month].assign(batch_id=batch_id)[columns],
            )
        partitioned = fresh[~apart]
        if partitioned.empty:
            return rows[on_stored]
        try:
            with conn.transaction():
                copy_frame(
                    conn,
                    sql.Identifier("core", "access_events"),
                    columns,
                    partitioned.assign(batch_id=batch_id)[columns],
                )
        except psycopg.errors.UniqueViolation:
            back = days[~on_stored][~apart]
            self.stored |= set(_dates(np.unique(back)))
            return pd.concat([rows[on_stored], partitioned])
        return rows[on_stored]

    def _months(self, conn: psycopg.Connection, times: pd.Series) -> np.ndarray:
        """Each event's month (``datetime64[M]``, in the session's time zone, as the partitions'
        bounds are), every month made ready: its partition, or, when it had none, a table of its own."""
        months = _wall_clock(times, conn.info.timezone).astype("datetime64[M]")
        firsts = _dates(np.unique(months).astype("datetime64[D]"))
        for month in sorted(set(firsts) - self.seen_months):
            self.seen_months.add(month)
            part = f"access_events_{month:%Y_%m}"
            exists = conn.execute("select to_regclass(%s)", (f"core.{part}",)).fetchone()
            if exists and exists[0] is not None:
                continue
            table = conn.execute(_MONTH_APART, (month,)).fetchone()
            self.apart[month] = table[0]  # type: ignore[index]
        return months

    def before_upsert(self, conn: psycopg.Connection) -> None:
        """The months loaded apart attached (their indexes built), then partitions for every month
        the staged events fall in."""
        for month in sorted(self.apart):
            conn.execute(_ATTACH, (month,))
        self.apart.clear()
        if self.first is not None and self.last is not None:
            conn.execute(
                _PARTITIONS, ((self.first.tz_convert("UTC") - pd.Timedelta(days=1)).date(), self.last.date())
            )

    def upsert_columns(self) -> list[tuple[str, sql.Composable]]:
        """The staged event with its device's codes, and the batch that brought it."""
        return [*super().upsert_columns(), ("batch_id", sql.Placeholder("batch_id"))]

    def derive(self, conn: psycopg.Connection) -> None:
        """The daily rollup of the loaded days (those that held no stored event inserted plainly)."""
        if self.first is not None and self.last is not None:
            aside = set_aside_indexes(conn, "core.access_daily")  # a first rollup indexed once, after
            derive_access_daily(conn, self.first, self.last, fresh=self.asked - self.stored)
            restore_indexes(conn, aside)
