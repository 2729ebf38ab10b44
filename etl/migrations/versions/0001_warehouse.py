"""Warehouse: schemas staging/core/serve/ops, core entities, load bookkeeping.

Revision ID: 0001
Revises:
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the four layers and every core table of the one map."""
    run_sql_file("0001_warehouse.sql")


def downgrade() -> None:
    """Drop everything this revision created."""
    op.execute("drop schema if exists serve, core, staging cascade")
    op.execute("drop table if exists ops.quarantine, ops.load_batch")
