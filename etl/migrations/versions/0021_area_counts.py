"""Counted once per load: the people and rental units of every attribution (station, zone, grid).

Revision ID: 0021
Revises: 0020
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ops.area_counts (filled by ops.refresh_area_counts, read by ops.people_counts)."""
    run_sql_file("0021_area_counts.sql")


def downgrade() -> None:
    """Drop the stored counts and their refresh; ops.people_counts counts afresh again."""
    op.execute("drop function if exists ops.refresh_area_counts()")
    op.execute("drop table ops.area_counts")
