"""A building's gate access by day is read through an index on (building, day).

Revision ID: 0024
Revises: 0023
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Index core.access_daily by building and day (the building page's week of gate access)."""
    run_sql_file("0024_access_daily_building.sql")


def downgrade() -> None:
    """Drop the index; the building page scans the week's rollup again."""
    op.execute("drop index if exists core.access_daily_building_code_day_idx")
