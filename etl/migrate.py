"""Schema migrations (Alembic, SQL in ``etl/sql``), the re-applied views and functions, and grants.

A migration runs, in one transaction: the Alembic revisions not yet applied (released revisions
are never edited: tests/etl/test_migrations.py checks their recorded hashes), then the codebook
(``common/codebook.py``) into ``core.codes``, then every file of ``etl/sql/functions`` and then
of ``etl/sql/views`` (``create or replace``, in file-name order; the one home of each view and
function body), then what those may have left stale (masked texts, kept counts, an analysis stored
by an older method), then ``etl/sql/grants.sql``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.resources import files

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from psycopg import sql
from sqlalchemy import Connection, text

from common.codebook import rows as codebook_rows
from common.errors import OnemapError
from etl.db import database_name, get_engine
from etl.sql import read_sql, sql_names

LOGGER = logging.getLogger(__name__)

SCHEMAS = ("staging", "core", "serve", "ops")
# functions first: views call the masking functions
DEFINITIONS = ("functions", "views")


@dataclass(frozen=True)
class MigrateResult:
    """Revisions before and after, and those applied by this run."""

    before: str | None
    after: str | None
    applied: tuple[str, ...]


def alembic_config() -> Config:
    """Return an Alembic config whose scripts are the package's ``etl/migrations``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(files("etl").joinpath("migrations")))
    return cfg


def head_revision() -> str | None:
    """Return the newest revision shipped with this code."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(conn: Connection) -> str | None:
    """Return the revision the database is at (None when never migrated)."""
    exists = conn.execute(text("select to_regclass('ops.alembic_version')")).scalar()
    if exists is None:
        return None
    ctx = MigrationContext.configure(conn, opts={"version_table_schema": "ops"})
    return ctx.get_current_revision()


def run_sql_file(name: str) -> None:
    """Execute one SQL file from ``etl/sql`` inside the running migration's transaction."""
    from alembic import op

    raw = op.get_bind().connection.driver_connection
    assert raw is not None
    raw.execute(read_sql(name))  # psycopg runs a parameterless multi-statement script as is


def apply_definitions(conn: Connection) -> None:
    """Create or replace every function and view from their files (idempotent).

    Parameters
    ----------
    conn
        The migrating connection, inside its transaction, after Alembic's upgrade.
    """
    raw = conn.connection.driver_connection
    assert raw is not None
    for folder in DEFINITIONS:
        for name in sql_names(folder):
            raw.execute(read_sql(name))  # a parameterless script: psycopg runs it as is


def reanalyse(conn: Connection) -> None:
    """Compute the analysis again (hot spots, classes, risk, back-test) in the migrating transaction."""
    from etl.derive import derive_analysis  # numpy, esda: only when the analysis runs

    raw = conn.connection.driver_connection
    assert raw is not None
    derive_analysis(raw)


def apply_grants(conn: Connection, app_role: str) -> None:
    """Grant the application role what it needs to read ``serve`` (idempotent)."""
    exists = conn.execute(text("select 1 from pg_roles where rolname = :r"), {"r": app_role}).scalar()
    if not exists:
        LOGGER.warning(
            "application role %s does not exist; create it with: create role %s login password '…' "
            "nosuperuser nobypassrls nocreatedb nocreaterole",
            app_role,
            app_role,
        )
        return
    raw = conn.connection.driver_connection
    assert raw is not None
    database = conn.execute(text("select current_database()")).scalar_one()
    script = sql.SQL(read_sql("grants.sql")).format(
        app_role=sql.Identifier(app_role), database=sql.Identifier(database)
    )
    raw.execute(script)


def sync_codebook(conn: Connection) -> None:
    """Make ``core.codes`` (and the category tables' labels) equal the codebook (idempotent).

    Parameters
    ----------
    conn
        The migrating connection, inside its transaction, after Alembic's upgrade.
    """
    fields, codes, labels = (list(column) for column in zip(*codebook_rows(), strict=True))
    conn.execute(text(read_sql("codebook_sync.sql")), {"fields": fields, "codes": codes, "labels": labels})


def sync_contract_fields(conn: Connection) -> None:
    """Make ``core.contract_fields`` equal the data contract's fields and their Chinese names.

    Parameters
    ----------
    conn
        The migrating connection, inside its transaction, after Alembic's upgrade.
    """
    from etl.contract import GEOMETRY_FIELD, KINDS  # (the contract is large; only migrating needs it)

    found = [(k.name, f.name, f.zh) for k in KINDS.values() for f in k.fields]
    # a polygon's outline (a road's line) is no field of the file's table but is checked (and
    # quarantined) as one
    shapes = {"polygon": "边界图形", "line": "线形"}
    found += [(k.name, GEOMETRY_FIELD, shapes[k.geometry]) for k in KINDS.values() if k.geometry in shapes]
    kinds, fields, labels = (list(column) for column in zip(*found, strict=True))
    conn.execute(
        text(read_sql("contract_fields_sync.sql")), {"kinds": kinds, "fields": fields, "labels": labels}
    )


def migrate(owner_url: str, app_role: str) -> MigrateResult:
    """Bring the database to the head revision, fill the codebook, re-apply views, functions and grants.

    All in one transaction.
    """
    engine = get_engine(owner_url)
    cfg = alembic_config()
    with engine.begin() as conn:
        if conn.execute(text("select 1 from pg_extension where extname = 'postgis'")).scalar() is None:
            raise OnemapError(
                f"database {database_name(owner_url)!r} has no PostGIS: as a superuser run "
                "`create extension postgis` in it"
            )
        before = current_revision(conn)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        after = current_revision(conn)
        sync_codebook(conn)
        sync_contract_fields(conn)
        apply_definitions(conn)
        # what a text masks to may have changed with the definitions: keep none masked before
        conn.execute(text("select ops.refresh_masked_texts()"))
        # counts kept since a revision that added them, before any load filled them: pages would
        # count every resident afresh until the next load
        conn.execute(text(read_sql("area_counts_if_stale.sql")))
        # an analysis an older method stored (a hot spot's z contradicting its level) would be shown
        # until the next load: computed again now
        if conn.execute(text(read_sql("analysis_contradicted.sql"))).scalar():
            reanalyse(conn)
        apply_grants(conn, app_role)
    script = ScriptDirectory.from_config(cfg)
    applied: list[str] = []
    if after != before and after is not None:
        for rev in script.iterate_revisions(after, before):
            applied.append(rev.revision)
    return MigrateResult(before=before, after=after, applied=tuple(reversed(applied)))


def drop_schemas(owner_url: str) -> None:
    """Drop the four layers and the migration history (the data goes with them)."""
    with get_engine(owner_url).begin() as conn:
        for schema in SCHEMAS:
            conn.execute(text(f'drop schema if exists "{schema}" cascade'))


def fingerprint(conn: Connection) -> tuple[str, int]:
    """Return a digest of the schema (and the item count) to show that a migrate changed nothing."""
    row = conn.execute(text(read_sql("fingerprint.sql"))).one()
    return row.digest, row.items
