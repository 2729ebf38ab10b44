"""BRIN index on gate-access event time (the loader's append fast path).

Revision ID: 0002
Revises: 0001
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index event time with BRIN."""
    run_sql_file("0002_access_event_time.sql")


def downgrade() -> None:
    """Drop the index."""
    op.execute("drop index if exists core.access_events_time_brin")
