"""Migrations: released revisions never change, views and functions have one home, every path ends alike."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, create_engine, text

from etl.db import normalise_url
from etl.migrate import (
    DEFINITIONS,
    alembic_config,
    current_revision,
    drop_schemas,
    fingerprint,
    head_revision,
    migrate,
)
from etl.scope_key import register_scope_key
from etl.sql import read_sql, sql_names
from etl.warehouse import Warehouse
from tests.support.accounts import SECRET

ROOT = Path(__file__).resolve().parents[2]
RELEASED = ROOT / "etl" / "migrations" / "released.txt"
OUR_SCHEMAS = ("staging", "core", "serve", "ops")
CREATES_DEFINITION = re.compile(r"^\s*create\s+(or\s+replace\s+)?(view|function)\b", re.I | re.M)

# ops.scope_payload as revision 0004 first shipped it (in SQL); the file was edited afterwards, so a
# database migrated then kept this body until the function got a re-applied file of its own
SHIPPED_SCOPE_PAYLOAD = """
create or replace function ops.scope_payload() returns text
language sql stable security definer
set search_path = pg_catalog, public
as $$
    select case
        when k.key is not null
             and encode(hmac(convert_to(split_part(s.t, '~', 1), 'UTF8'), k.key, 'sha256'), 'hex')
                 = split_part(s.t, '~', 2)
        then case
            when split_part(s.t, '~', 1) ~ '^[0-9]{1,12}[|]'
                 and split_part(split_part(s.t, '~', 1), '|', 1)::bigint >= extract(epoch from now())
            then split_part(s.t, '~', 1)
        end
    end
    from (select coalesce(current_setting('onemap.scope', true), '') as t) s
    left join ops.scope_key k on true
$$
"""

# the whole warehouse's stamps as the re-applied files made them up to revision 0024, when the
# dashboard keyed its cached pages by them; no file makes them since
SHIPPED_STAMPS = """
create or replace function ops.alert_verdicts_stamp() returns bigint
language sql stable security definer
set search_path = pg_catalog, public
as $$ select coalesce(max(verdict_id), 0) from ops.alert_verdict_log $$;
create or replace function ops.supervisions_stamp() returns bigint
language sql stable security definer
set search_path = pg_catalog, public
as $$ select coalesce(max(log_id), 0) from ops.supervision_log $$;
"""

# a revision, and what the database migrated to it held then that the files define otherwise now
SHIPPED = [("0004", SHIPPED_SCOPE_PAYLOAD), ("0024", SHIPPED_STAMPS)]


def released() -> dict[str, str]:
    """Path (from the repository's root) → recorded SHA-256 of every released migration file."""
    out = {}
    for line in RELEASED.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            digest, path = line.split(maxsplit=1)
            out[path.strip()] = digest
    return out


def revision_files() -> dict[str, Path]:
    """Revision id → its file, for every revision shipped with this code."""
    script = ScriptDirectory.from_config(alembic_config())
    return {rev.revision: Path(rev.path) for rev in script.walk_revisions()}


def sql_run_by(revision_file: Path) -> list[str]:
    """The ``etl/sql`` files a revision runs (``run_sql_file("…")``)."""
    return re.findall(r"run_sql_file\(\s*[\"']([^\"']+)[\"']", revision_file.read_text(encoding="utf-8"))


def test_released_migrations_are_never_edited() -> None:
    recorded = released()
    assert len(recorded) >= 8  # 0001–0004, each a revision file and the SQL it runs
    for path, digest in sorted(recorded.items()):
        actual = hashlib.sha256((ROOT / path).read_bytes()).hexdigest()
        assert actual == digest, (
            f"{path} is a released migration and was edited: a database already past it never sees the "
            "change. Restore it and add a new revision instead (views and functions: edit their files "
            "in etl/sql/functions or etl/sql/views)."
        )


def test_every_released_revision_records_the_sql_it_runs() -> None:
    recorded = released()
    revisions = revision_files()
    released_revisions = [rev for rev, path in revisions.items() if str(path.relative_to(ROOT)) in recorded]
    assert {"0001", "0002", "0003", "0004"} <= set(released_revisions)
    for rev in released_revisions:
        for name in sql_run_by(revisions[rev]):
            assert f"etl/sql/{name}" in recorded, (
                f"revision {rev} runs etl/sql/{name}, whose hash is not recorded"
            )


def test_revisions_after_the_released_ones_define_no_view_or_function() -> None:
    """Views and functions live in their re-applied files; a new revision may only drop one."""
    recorded = released()
    for rev, path in revision_files().items():
        if str(path.relative_to(ROOT)) in recorded:
            continue
        texts = [path.read_text(encoding="utf-8"), *(read_sql(n) for n in sql_run_by(path))]
        assert not any(CREATES_DEFINITION.search(t) for t in texts), (
            f"revision {rev} creates a view or function: put it in etl/sql/functions or etl/sql/views"
        )


@pytest.mark.db
def test_every_view_and_function_has_a_reapplied_file(db: Connection) -> None:
    """No view or function body lives only in a released migration."""
    in_files = {
        m.group(1).lower()
        for folder in DEFINITIONS
        for name in sql_names(folder)
        for m in re.finditer(
            r"^create or replace (?:view|function) ([a-z_]+\.[a-z_]+)", read_sql(name), re.I | re.M
        )
    }
    in_database = set(
        db.execute(
            text(
                "select schemaname || '.' || viewname from pg_views where schemaname = any(:s) "
                "union select n.nspname || '.' || p.proname from pg_proc p "
                "join pg_namespace n on n.oid = p.pronamespace where n.nspname = any(:s)"
            ),
            {"s": list(OUR_SCHEMAS)},
        ).scalars()
    )
    assert in_database == in_files


def definitions(conn: Connection) -> dict[str, str]:
    """Every view's and function's definition and comment in our schemas, by name."""
    rows = conn.execute(
        text(
            "select 'view ' || c.oid::regclass::text, pg_get_viewdef(c.oid) "
            "|| coalesce(obj_description(c.oid, 'pg_class'), '') || coalesce(c.reloptions::text, '') "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where c.relkind = 'v' and n.nspname = any(:s) "
            "union all select 'function ' || p.oid::regprocedure::text, pg_get_functiondef(p.oid) "
            "|| coalesce(obj_description(p.oid, 'pg_proc'), '') || coalesce(p.proacl::text, '') "
            "from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = any(:s)"
        ),
        {"s": list(OUR_SCHEMAS)},
    ).all()
    return dict(rows)  # type: ignore[arg-type]


@pytest.fixture
def scratch_url(warehouse: Warehouse, test_db_url: str) -> Iterator[str]:
    """Owner URL of a database this test may drop and migrate at will."""
    if not warehouse.external:
        yield warehouse.recreate_database(f"{warehouse.settings.db_name}_test_paths")
        return
    yield test_db_url  # one database only: leave it migrated, with the tests' scope key, as found
    drop_schemas(test_db_url)
    migrate(test_db_url, warehouse.app_role())
    register_scope_key(test_db_url, SECRET)


@pytest.mark.db
@pytest.mark.parametrize(("revision", "shipped_sql"), SHIPPED)
def test_a_database_at_an_older_revision_ends_like_a_fresh_one(
    warehouse: Warehouse, scratch_url: str, revision: str, shipped_sql: str
) -> None:
    """Migrated to head from nothing, or to an older revision (with the functions as they shipped
    then) and then on: one schema."""
    engine = create_engine(normalise_url(scratch_url))
    role = warehouse.app_role()
    try:
        drop_schemas(scratch_url)
        migrate(scratch_url, role)
        with engine.connect() as conn:
            fresh, fresh_print = definitions(conn), fingerprint(conn)
        assert len(fresh) > 30

        drop_schemas(scratch_url)
        cfg = alembic_config()
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            conn.exec_driver_sql(shipped_sql)
        with engine.connect() as conn:
            assert current_revision(conn) == revision
            shipped = definitions(conn)
        names = re.findall(r"create or replace function (\S+\(\))", shipped_sql)
        assert names and all(shipped[f"function {n}"] != fresh.get(f"function {n}") for n in names)

        migrate(scratch_url, role)
        with engine.connect() as conn:
            assert current_revision(conn) == head_revision()
            after = definitions(conn)
            assert {k for k in fresh.keys() | after.keys() if fresh.get(k) != after.get(k)} == set()
            assert fingerprint(conn) == fresh_print
    finally:
        engine.dispose()
