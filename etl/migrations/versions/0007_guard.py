"""Guarding personal data: login failures per (name, client); no age beside a masked ID number.

Revision ID: 0007
Revises: 0006
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ops.login_failures, drop the per-account lock columns and serve.persons (remade)."""
    run_sql_file("0007_guard.sql")


def downgrade() -> None:
    """Put the per-account lock columns back and drop ops.login_failures (the view is remade)."""
    op.execute("drop table if exists ops.login_failures")
    op.execute(
        "alter table ops.users add column failed_logins integer not null default 0, "
        "add column locked_until timestamptz"
    )
