"""Access in the warehouse schema: the application role's powers, serve's rights and masking,
row-level security on every table with station-attributed or personal data."""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.exc import ProgrammingError

pytestmark = pytest.mark.db


# ----------------------------------------------------------------------------- roles
def test_app_role_is_powerless(db: Connection, test_app_url: str) -> None:
    from sqlalchemy.engine import make_url

    role = make_url(test_app_url).username
    row = db.execute(
        text("select rolsuper, rolbypassrls, rolcreatedb, rolcreaterole from pg_roles where rolname = :r"),
        {"r": role},
    ).one()
    assert row.rolsuper is False
    assert row.rolbypassrls is False
    assert row.rolcreatedb is False and row.rolcreaterole is False
    owned = db.execute(
        text(
            "with r as (select oid from pg_roles where rolname = :r) "
            "select 'class' from pg_class, r where relowner = r.oid "
            "union all select 'schema' from pg_namespace, r where nspowner = r.oid "
            "union all select 'function' from pg_proc, r where proowner = r.oid "
            "union all select 'type' from pg_type, r where typowner = r.oid "
            "union all select 'database' from pg_database, r where datdba = r.oid"
        ),
        {"r": role},
    ).all()
    assert owned == []


def test_app_role_reads_serve(app_db: Connection) -> None:
    rows = app_db.execute(text("select element, n from serve.element_counts")).all()
    assert {r.element for r in rows} >= {"buildings", "persons", "incidents"}


@pytest.mark.parametrize(
    "statement",
    [
        "create table serve.x (a int)",
        "create table public.x (a int)",
        "create table core.x (a int)",
        "insert into core.incident_categories values ('x', 'x')",
        "delete from core.deadline_rules",
        "select * from ops.quarantine",
    ],
)
def test_app_role_cannot_write_or_read_ops(app_db: Connection, statement: str) -> None:
    with pytest.raises(ProgrammingError, match="permission denied"), app_db.begin_nested():
        app_db.execute(text(statement))


@pytest.mark.parametrize(
    "statement",
    [
        "select password_hash from ops.users",
        "select * from ops.users",
        "update ops.users set last_login_at = now()",
        "update ops.users set disabled = false",
        "select * from ops.login_failures",
        "delete from ops.login_failures",
        "update ops.login_failures set locked_until = null",
        "insert into ops.login_failures (username, client, failures, locked_until) "
        "values ('leader', '10.0.0.1', 5, now() + interval '1 day')",
        "insert into ops.audit (username, action, result) values ('leader', 'export', 'ok')",
        "update ops.sessions set ended_at = now()",
        "select key from ops.scope_key",
    ],
)
def test_app_role_cannot_read_hashes_change_locks_or_write_audit_rows(
    app_db: Connection, statement: str
) -> None:
    """Password hashes, lockout and the audit trail are reached through the owner's functions only."""
    with pytest.raises(ProgrammingError, match="permission denied"), app_db.begin_nested():
        app_db.execute(text(statement))


def test_app_role_writes_audit_rows_only_in_the_signed_users_name(app_db: Connection) -> None:
    from sqlalchemy.exc import DBAPIError

    from dashboard.scope import Scope
    from tests.support.accounts import sign

    def write(token: str | None) -> None:
        app_db.execute(text("select set_config('onemap.scope', :t, true)"), {"t": token or ""})
        app_db.execute(text("select ops.audit_write('export', '{\"username\": \"leader\"}', 1, 'ok')"))

    for forged in (None, sign(Scope.everything(), "leadership", "someone").replace("|someone|", "|leader|")):
        with pytest.raises(DBAPIError, match="no signed-in user"), app_db.begin_nested():
            write(forged)
    write(sign(Scope.everything(), "leadership", "someone"))
    rows = app_db.execute(text("select username, role, client from ops.audit where action = 'export'")).all()
    assert [tuple(r) for r in rows] == [("someone", "leadership", None)]
    # the lockout and session functions take no user to act as beyond the name being checked
    with pytest.raises(DBAPIError), app_db.begin_nested():
        app_db.execute(text("select ops.session_end('x', 'anything', null)"))


# views that aggregate ops (which the application role may not read) run as their owner; every
# other serve view runs with the reader's rights so that row-level security applies beneath it
OWNER_RIGHTS_VIEWS = {"load_batches", "quarantine_counts", "alert_precision"}


def test_serve_views_run_with_the_readers_rights(db: Connection) -> None:
    rows = db.execute(
        text(
            "select c.relname, coalesce('security_invoker=true' = any(c.reloptions), false) "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where n.nspname = 'serve' and c.relkind = 'v'"
        )
    ).all()
    invoker = {name for name, inv in rows if inv}
    assert len(rows) > 15
    assert {name for name, _ in rows} - invoker == OWNER_RIGHTS_VIEWS


def test_serve_never_exposes_unmasked_personal_columns(db: Connection) -> None:
    """Personal columns reach serve only through the masking functions; free text not at all."""
    masked = db.execute(
        text(
            "select serve.mask_name('张三丰'), serve.mask_id('44011819900101001X'), "
            "serve.mask_phone('13812345678'), serve.mask_name('李')"
        )
    ).one()
    assert tuple(masked) == ("张**", "440***********001X", "138****5678", "李*")
    definitions = dict(
        db.execute(text("select viewname, definition from pg_views where schemaname = 'serve'")).all()
    )
    for view, columns in {
        "persons": ("name", "id_number", "phone"),
        "rental_units": ("landlord_name", "landlord_phone"),
    }.items():
        for col in columns:
            assert "serve.mask_" in definitions[view] and f"AS {col}" in definitions[view], (view, col)
            line = next(x for x in definitions[view].splitlines() if f"AS {col}" in x)
            assert "mask_" in line, line
    free_text = (
        db.execute(
            text(
                "select table_name || '.' || column_name from information_schema.columns "
                "where table_schema = 'serve' and column_name in "
                "('id_number', 'landlord_id_number', 'parties', 'summary', 'description', 'raw', "
                "'birth_date')"
            )
        )
        .scalars()
        .all()
    )
    assert free_text == ["persons.id_number"]  # the masked one


# ------------------------------------------------------------------ row-level security (0004)
PERSONAL_COLUMNS = ("station_code", "grid_code", "id_number", "phone", "landlord_phone", "name")


def test_every_table_with_station_or_personal_data_is_under_forced_rls(
    db: Connection, test_app_url: str
) -> None:
    """Row-level security is enabled and forced wherever a station, a grid or a person shows, and the
    application role can bypass none of it."""
    # a month the loader has not seen yet: its new partition is protected like its parent
    db.execute(text("select core.ensure_access_event_partitions('2031-01-01', '2031-01-31')"))
    tables = db.execute(
        text(
            "select c.oid::regclass::text as tbl, c.relrowsecurity as rls, c.relforcerowsecurity as forced "
            "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
            "where c.relkind in ('r', 'p') and (n.nspname = 'staging' "
            "  or c.oid in ('ops.quarantine'::regclass, 'ops.audit'::regclass) "
            "  or (n.nspname = 'core' and exists (select 1 from pg_attribute a where a.attrelid = c.oid "
            "      and a.attnum > 0 and not a.attisdropped "
            "      and a.attname in ('station_code', 'grid_code', 'id_number', 'phone', 'landlord_phone'))))"
        )
    ).all()
    names = {r.tbl for r in tables}
    assert {"core.persons", "core.rental_units", "core.incidents", "core.access_events", "core.zone_grids",
            "ops.quarantine", "ops.audit"} <= names  # fmt: skip
    assert "core.access_events_2031_01" in names
    assert [r.tbl for r in tables if not (r.rls and r.forced)] == []
    # core tables: one policy for every command, USING and WITH CHECK both bound to the signed scope
    policies = {
        r.tbl: r
        for r in db.execute(
            text(
                "select schemaname || '.' || tablename as tbl, cmd, roles, qual, with_check from pg_policies "
                "where schemaname = 'core'"
            )
        )
    }
    for t in (t for t in names if t.startswith("core.")):
        p = policies[t]
        assert p.cmd == "ALL" and "scope_" in p.qual and p.qual == p.with_check, t
    # staging and quarantine: no policy at all (only the owner, who bypasses, reads them)
    assert db.execute(text("select count(*) from pg_policies where schemaname = 'staging'")).scalar() == 0
    from sqlalchemy.engine import make_url

    role = make_url(test_app_url).username
    r = db.execute(
        text(
            "select rolsuper, rolbypassrls, "
            "exists (select 1 from pg_auth_members m join pg_roles o on o.oid = m.roleid "
            "        where m.member = pg_roles.oid) as member_of_any "
            "from pg_roles where rolname = :r"
        ),
        {"r": role},
    ).one()
    assert (r.rolsuper, r.rolbypassrls, r.member_of_any) == (False, False, False)
    # no function of ours is leakproof (the planner would run it ahead of the policies)
    assert (
        db.execute(
            text(
                "select count(*) from pg_proc p join pg_namespace n on n.oid = p.pronamespace "
                "where n.nspname in ('core', 'serve', 'ops', 'staging') and p.proleakproof"
            )
        ).scalar()
        == 0
    )
    # the key that signs scopes is the owner's only
    assert (
        db.execute(text("select has_table_privilege(:r, 'ops.scope_key', 'select')"), {"r": role}).scalar()
        is False
    )


def test_staging_tables_the_loader_makes_are_under_forced_rls(demo_db: tuple[str, str]) -> None:
    """Staging tables are made by the loader (one per source kind): each is protected as it is made."""
    from sqlalchemy import create_engine

    from etl.db import normalise_url

    engine = create_engine(normalise_url(demo_db[0]))
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "select c.relname, c.relrowsecurity and c.relforcerowsecurity as forced "
                "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                "where n.nspname = 'staging' and c.relkind = 'r'"
            )
        ).all()
    engine.dispose()
    assert {"person", "rental_unit", "incident"} <= {r.relname for r in rows}
    assert [r.relname for r in rows if not r.forced] == []
