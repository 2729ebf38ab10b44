"""Derived tables record the newest load they were built from; load batches record their district.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ops.derived and ops.load_batch.area_code."""
    run_sql_file("0008_derived.sql")


def downgrade() -> None:
    """Drop them again (the next load then rebuilds every derived table)."""
    op.execute("drop table if exists ops.derived")
    op.execute("alter table ops.load_batch drop column if exists area_code")
