"""The hooks through which a kind says what is special about loading it; the defaults load a plain table.

The generic loader (etl/load.py) calls them in this order for one source: ``prepare`` (read what
conversion, checks and attribution need from the warehouse), then per chunk ``convert`` → checks →
``attribute`` (in the reading thread) and ``direct`` → COPY into staging (in the loading thread),
then ``before_upsert``, the upsert (``upsert``), and ``derive``. One instance serves one source
load, so a kind may keep state across its chunks.
"""

from __future__ import annotations

from typing import ClassVar

import pandas as pd
import psycopg
from psycopg import sql

from etl.contract import Kind
from etl.convert import Located
from etl.foreign_keys import BulkKeys, checked_writes
from etl.manifest import Source
from etl.staging import copy_frame, field_columns, upsert_sql
from etl.validate import Context


class KindLoading:
    """How rows of one kind load (defaults: no geometry, no attribution, upsert on the natural key)."""

    # columns staged after the contract's fields (name → PostgreSQL type): what conversion and
    # attribution add to a row before it is copied
    extra_columns: ClassVar[dict[str, str]] = {}
    # True for the kind that defines the loaded area itself (it loads before any area exists)
    defines_area: ClassVar[bool] = False
    upsert_joins: ClassVar[str] = ""  # join clauses after ``from staging.<kind> s``
    # True: rows already stored are left alone (an immutable log); False: changed values are updated
    insert_only: ClassVar[bool] = False

    def __init__(self, kind: Kind) -> None:
        self.kind = kind
        # the table's foreign keys when the loader checks them in bulk (etl/foreign_keys.py): a
        # hook that copies into core writes its rows under ``checked_writes(self.keys, …)``
        self.keys: BulkKeys | None = None

    def staged_columns(self) -> list[str]:
        """Columns of ``staging.<kind>`` and of the frames copied into it (without ``line_no``)."""
        return field_columns(self.kind) + list(self.extra_columns)

    def prepare(self, conn: psycopg.Connection, ctx: Context) -> None:
        """Read what this kind's checks (into ``ctx``) and attribution (into ``self``) need."""

    def convert(self, chunk: pd.DataFrame, source: Source) -> Located | None:
        """The chunk's positions in WGS-84 (etl/convert.py); None for kinds without their own."""
        return None

    def attribute(self, rows: pd.DataFrame) -> pd.DataFrame:
        """Accepted rows with the codes of the areas they lie in (runs in the reading thread)."""
        return rows

    def direct(self, conn: psycopg.Connection, rows: pd.DataFrame, file: str, batch_id: int) -> pd.DataFrame:
        """Copy the rows of a chunk that may safely go straight into core; return the others, which
        the loader copies into staging for the upsert (by default all of them)."""
        return rows

    def before_upsert(self, conn: psycopg.Connection) -> None:
        """Make room for the staged rows in core (e.g. partitions) once every chunk is in."""

    def upsert_columns(self) -> list[tuple[str, sql.Composable]]:
        """(core column, expression over staging ``s`` and the joins) for every column written."""
        return [(c, sql.SQL("s.{}").format(sql.Identifier(c))) for c in self.staged_columns()]

    def upsert(self) -> sql.Composed:
        """staging.<kind> → core table (``%(batch_id)s`` its one parameter, for kinds that record it)."""
        return upsert_sql(self.kind, self.upsert_columns(), self.upsert_joins, self.insert_only)

    def derive(self, conn: psycopg.Connection) -> None:
        """Refresh the derived tables that depend on what this source changed."""


class OwnGeometry(KindLoading):
    """Kinds located by their own geometry: a first load of new keys goes straight into core."""

    def __init__(self, kind: Kind) -> None:
        super().__init__(kind)
        self.was_empty: bool | None = None  # whether the table held no row when this load began

    def direct(self, conn: psycopg.Connection, rows: pd.DataFrame, file: str, batch_id: int) -> pd.DataFrame:
        """Rows none of whose keys are stored go straight into core (a first load needs no upsert).

        Their rows already carry everything core holds; COPY still enforces every constraint and
        foreign key. Returns all the rows, leaving them to the staging upsert, when any key is stored.
        Into a table that held no row when the load began, every chunk goes straight in without
        asking: the checks quarantined every key repeated within the source, so none can be stored.
        """
        if rows.empty:
            return rows
        key = self.kind.key.split(",")
        if len(key) != 1:
            return rows
        table = sql.Identifier(*self.kind.table.split("."))
        if self.was_empty is None:  # asked before this load's first row reaches the table
            empty = conn.execute(sql.SQL("select not exists (select 1 from {})").format(table)).fetchone()
            self.was_empty = bool(empty and empty[0])
        if not self.was_empty:
            stored = conn.execute(
                sql.SQL("select exists (select 1 from {} where {} = any(%s))").format(
                    table, sql.Identifier(key[0])
                ),
                (rows[key[0]].tolist(),),
            ).fetchone()
            if stored and stored[0]:
                return rows
        columns = [c for c in rows.columns if c != "line_no"]
        with checked_writes(self.keys, conn):
            copy_frame(conn, table, columns, rows[columns])
        return rows.iloc[:0]


class WithUniqueKeys(KindLoading):
    """Kinds whose table has unique keys besides the natural one (a codebook's class and name)."""

    def prepare(self, conn: psycopg.Connection, ctx: Context) -> None:
        """The stored rows of each further unique key, so a new row may not take one another holds."""
        for unique in self.kind.unique:
            cols = [*unique.split(","), self.kind.key]
            ctx.taken[unique] = pd.DataFrame(
                conn.execute(
                    sql.SQL("select {} from {}").format(
                        sql.SQL(", ").join(map(sql.Identifier, cols)),
                        sql.Identifier(*self.kind.table.split(".")),
                    )
                ).fetchall(),
                columns=cols,
                dtype=object,
            )
