"""Access control: users, sessions, signed scopes, row-level security, the append-only audit.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create users, sessions and audit; enable and force RLS with the scope policies."""
    run_sql_file("0004_access.sql")


def downgrade() -> None:
    """Drop the policies, RLS, the access tables and functions (the audit trail goes with them)."""
    op.execute(
        """
        do $$
        declare t regclass;
        begin
            for t in select c.oid::regclass from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname in ('core', 'staging', 'ops') and c.relrowsecurity loop
                execute format('drop policy if exists scope on %s', t);
                execute format('alter table %s no force row level security', t);
                execute format('alter table %s disable row level security', t);
            end loop;
        end $$;
        """
    )
    op.execute("drop view if exists serve.audit")
    op.execute("drop table if exists ops.audit, ops.sessions, ops.users, ops.scope_key")
    for fn in ("scope_role", "scope_grids", "scope_all_grids", "scope_stations", "scope_all_stations"):
        op.execute(f"drop function if exists ops.{fn}()")
    op.execute("drop function if exists ops.scope_payload()")
    op.execute("drop function if exists ops.audit_guard()")
    op.execute("drop function if exists ops.protect(regclass)")
