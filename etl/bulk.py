"""A first load builds an empty table's secondary indexes once, after its rows are in.

Inserting rows one by one into a B-tree or GiST index costs several times building the same index
over rows already stored (sorted, in one pass): for 10.3 M gate events 234 s against 50 s + 48 s.
So when a source loads into a core table that holds no row yet, its non-unique indexes are dropped
before the first chunk and made again from their own definitions before the table's derived rows
are computed. Unique indexes stay: they decide the upsert's conflicts and carry the foreign keys.
Dropping takes the table's exclusive lock until the load commits, so a reader of the empty table
waits for it whole rather than seeing it half full; a failed load rolls the indexes back with it.
Partitioned tables keep theirs (gate events load a new month apart instead: etl/kinds/gate_events.py).
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from etl.sql import read_sql


def set_aside_indexes(conn: psycopg.Connection, table: str) -> list[str]:
    """Drop the non-unique indexes of ``table`` (``schema.name``) if it holds no row.

    Returns
    -------
    list[str]
        The dropped indexes' definitions, for ``restore_indexes``; empty when the table holds rows,
        is partitioned, or has no such index.
    """
    schema, name = table.split(".")
    ident = sql.Identifier(schema, name)
    empty = conn.execute(sql.SQL("select not exists (select 1 from {})").format(ident)).fetchone()
    if not (empty and empty[0]):
        return []
    aside = conn.execute(read_sql("secondary_indexes.sql"), {"table": table}).fetchall()
    for index_name, _definition in aside:
        conn.execute(sql.SQL("drop index {}").format(sql.Identifier(schema, index_name)))
    return [definition for _name, definition in aside]


def restore_indexes(conn: psycopg.Connection, definitions: list[str]) -> None:
    """Make again the indexes ``set_aside_indexes`` dropped, each from its catalog definition."""
    for definition in definitions:
        conn.execute(definition)  # the catalog's own text (pg_get_indexdef), never a value
