"""A source's foreign keys checked once, in bulk, instead of by a trigger for every row it writes.

PostgreSQL checks a foreign key with a trigger per written row: a look-up of the parent row and a
lock on it. For 39,988 buildings and their three keys that is four fifths of the server's work to
copy them, although the loader has already checked each reference against the rows it read from
the warehouse. PostgreSQL's advice for bulk loads is to check foreign keys in bulk; dropping and
adding a constraint again would lock the parent table against readers until the load commits, so
the loader keeps the constraints and, where it may, lets the rows in without their triggers:

1. it takes a ``share`` lock on every parent table of the kind's table, held until the load
   commits: nobody changes a parent meanwhile, and readers go on;
2. it writes the rows with ``session_replication_role = replica`` set for each such statement alone,
   under which PostgreSQL fires no trigger (the kind's tables have none but the foreign keys');
3. before the load commits, it checks every reference of the rows the transaction wrote with one
   anti-join per key, and refuses the whole source (naming the key, a value and how many rows)
   if any parent row is missing.

The checks the loader ran on the rows already found each parent in the warehouse, read after the
parents were locked; the final check holds the table to its keys whatever a check missed.

It may where the loading role may set ``session_replication_role``: the embedded cluster grants it
to the owner role (PostgreSQL 15's ``grant set on parameter``); elsewhere a superuser can
(docs/operations.md). Without the grant, or for a key of several columns, the triggers check each
row as before. The statements so written only insert rows and update columns other than the
table's key, and every foreign key points at a parent's key, so the checks on the parents' side of
each key (a parent's key changing or going away while children point at it) have nothing to check.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import psycopg
from psycopg import sql

from common.errors import OnemapError

_KEYS = """
select c.conname, a.attname, p.relnamespace::regnamespace::text, p.relname, pa.attname
from pg_constraint c
join pg_class p on p.oid = c.confrelid
join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
join pg_attribute pa on pa.attrelid = c.confrelid and pa.attnum = c.confkey[1]
where c.conrelid = %(table)s::regclass and c.contype = 'f' and cardinality(c.conkey) = 1
order by c.conname
"""
_SEVERAL_COLUMNS = (
    "select exists (select 1 from pg_constraint where conrelid = %(table)s::regclass "
    "and contype = 'f' and cardinality(conkey) > 1)"
)


@dataclass(frozen=True)
class ForeignKey:
    """One single-column foreign key: its name, the child's column, the parent table and its column."""

    name: str
    column: str
    schema: str
    table: str
    parent_column: str

    @property
    def parent(self) -> sql.Identifier:
        """The parent table."""
        return sql.Identifier(self.schema, self.table)


class BulkKeys:
    """The foreign keys of one table, checked in bulk for the rows one source load writes."""

    def __init__(self, table: str, keys: list[ForeignKey]) -> None:
        self.table = table
        self.keys = keys

    @classmethod
    def start(cls, conn: psycopg.Connection, table: str) -> BulkKeys | None:
        """The table's keys, their parents locked until the transaction ends; None when the rows
        must keep their triggers (the role may not skip them, or a key has several columns)."""
        allowed = conn.execute("select has_parameter_privilege('session_replication_role', 'SET')").fetchone()
        several = conn.execute(_SEVERAL_COLUMNS, {"table": table}).fetchone()
        if not (allowed and allowed[0]) or (several and several[0]):
            return None
        keys = [
            ForeignKey(name, column, schema, parent, parent_column)
            for name, column, schema, parent, parent_column in conn.execute(_KEYS, {"table": table})
        ]
        if not keys:
            return None
        for schema, parent in dict.fromkeys((k.schema, k.table) for k in keys):  # each once, in order
            conn.execute(sql.SQL("lock table {} in share mode").format(sql.Identifier(schema, parent)))
        return cls(table, keys)

    def check_written(self, conn: psycopg.Connection, where: str) -> None:
        """Refuse the source (``where`` names it) if a row this transaction wrote refers to a
        missing parent: one pass over the table's rows of this transaction, a join per key."""
        table = sql.Identifier(*self.table.split("."))
        joins, counts = [], []
        for n, key in enumerate(self.keys):
            child, alias = sql.SQL("c.{}").format(sql.Identifier(key.column)), sql.Identifier(f"p{n}")
            joins.append(
                sql.SQL("left join {p} {a} on {a}.{pc} = {c}").format(
                    p=key.parent, a=alias, pc=sql.Identifier(key.parent_column), c=child
                )
            )
            orphan = sql.SQL("{c} is not null and {a}.{pc} is null").format(
                c=child, a=alias, pc=sql.Identifier(key.parent_column)
            )
            counted = "count(*) filter (where {o}), min({c}::text) filter (where {o})"
            counts.append(sql.SQL(counted).format(o=orphan, c=child))
        found = conn.execute(
            sql.SQL("select {counts} from {t} c {joins} where c.xmin = pg_current_xact_id()::xid").format(
                counts=sql.SQL(", ").join(counts), t=table, joins=sql.SQL(" ").join(joins)
            )
        ).fetchone()
        assert found is not None  # an aggregate without grouping always gives a row
        for n, key in enumerate(self.keys):
            rows, value = found[2 * n], found[2 * n + 1]
            if rows:
                raise OnemapError(
                    f"{where}: {rows} row(s) hold {key.column} values that {key.schema}.{key.table} does "
                    f"not, such as {value!r} (foreign key {key.name}). Nothing of this source was loaded."
                )


@contextmanager
def checked_writes(keys: BulkKeys | None, conn: psycopg.Connection) -> Iterator[None]:
    """Statements run inside fire no trigger when ``keys`` are checked in bulk (the rows are checked
    by ``keys.check_written``); with None, the triggers check as ever. A failure leaves the setting
    to the rollback, which undoes it."""
    if keys is None:
        yield
        return
    conn.execute("set local session_replication_role = replica")
    try:
        yield
    finally:
        if conn.info.transaction_status == psycopg.pq.TransactionStatus.INTRANS:
            conn.execute("set local session_replication_role = origin")


__all__ = ["BulkKeys", "ForeignKey", "checked_writes"]
