"""Gate-access events: an append-mostly log in monthly partitions, attributed through their device.

An event has no position of its own: it takes district, building and area codes from its gate
device, looked up in Python for every accepted chunk (one attribution path for both routes into
core). A chunk whose time range holds no stored event is copied straight into core (no staging, no
upsert); otherwise it goes through staging, where ``on conflict do nothing`` drops the events
already stored. The daily rollup (``core.access_daily``) is rebuilt for the loaded days only.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
import psycopg
from psycopg import sql

from etl.contract import Kind
from etl.kinds.base import KindLoading
from etl.sql import read_sql
from etl.staging import copy_frame
from etl.validate import Context

DEVICE_ATTRS = ["district_code", "building_code", "grid_code", "zone_code", "station_code"]
_PARTITIONS = "select core.ensure_access_event_partitions(%s, %s)"


class GateEvents(KindLoading):
    """Gate-access events of one source load; remembers the time range and what went in directly."""

    extra_columns: ClassVar[dict[str, str]] = dict.fromkeys(DEVICE_ATTRS, "text")
    insert_only = True  # an event, once stored, never changes

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self.devices = pd.DataFrame(columns=["device_code", *DEVICE_ATTRS])
        self.first: pd.Timestamp | None = None
        self.last: pd.Timestamp | None = None
        self.appended: list[tuple[str, pd.Timestamp, pd.Timestamp]] = []  # (file, first, last) copied in

    def prepare(self, conn: psycopg.Connection, ctx: Context) -> None:
        """Every gate device's district, building and area codes."""
        self.devices = pd.DataFrame(
            conn.execute(
                "select device_code, district_code, building_code, grid_code, zone_code, station_code "
                "from core.access_devices"
            ).fetchall(),
            columns=["device_code", *DEVICE_ATTRS],
        )

    def attribute(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Each event with its device's codes (validation refused events of unknown devices)."""
        return rows.merge(self.devices, on="device_code", how="left", validate="m:1")

    def direct(self, conn: psycopg.Connection, rows: pd.DataFrame, file: str, batch_id: int) -> bool:
        """Events whose time range holds no stored event go straight into core (no upsert).

        Returns False, leaving the rows to the staging path and its ``on conflict do nothing``,
        when the range overlaps stored events or rows another file of this load put in.
        """
        if rows.empty:
            return True
        lo, hi = rows["event_time"].min(), rows["event_time"].max()
        self.first = lo if self.first is None else min(self.first, lo)
        self.last = hi if self.last is None else max(self.last, hi)
        if any(f != file and a <= hi and lo <= b for f, a, b in self.appended):
            return False
        conn.execute(
            _PARTITIONS,
            ((lo.tz_convert("UTC") - pd.Timedelta(days=1)).date(), (hi + pd.Timedelta(days=1)).date()),
        )
        stored = conn.execute(
            "select exists (select 1 from core.access_events where event_time between %s and %s "
            "and batch_id is distinct from %s)",
            (lo, hi, batch_id),
        ).fetchone()
        if stored and stored[0]:
            return False
        columns = [*self.staged_columns(), "batch_id"]
        copy_frame(
            conn, sql.Identifier("core", "access_events"), columns, rows.assign(batch_id=batch_id)[columns]
        )
        self.appended.append((file, lo, hi))
        return True

    def before_upsert(self, conn: psycopg.Connection) -> None:
        """Partitions for every month the staged events fall in."""
        if self.first is not None and self.last is not None:
            conn.execute(
                _PARTITIONS, ((self.first.tz_convert("UTC") - pd.Timedelta(days=1)).date(), self.last.date())
            )

    def upsert_columns(self) -> list[tuple[str, sql.Composable]]:
        """The staged event with its device's codes, and the batch that brought it."""
        return [*super().upsert_columns(), ("batch_id", sql.Placeholder("batch_id"))]

    def derive(self, conn: psycopg.Connection) -> None:
        """The daily rollup of the loaded days."""
        if self.first is not None and self.last is not None:
            conn.execute(read_sql("derive_access_daily.sql"), {"first": self.first, "last": self.last})
