"""Gate-access events are no longer indexed by area code (nothing reads them by area).

Revision ID: 0012
Revises: 0011
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Drop the three area-code indexes of core.access_events."""
    run_sql_file("0012_access_event_indexes.sql")


def downgrade() -> None:
    """Make them again, with the names PostgreSQL gave them at first."""
    for column in ("grid_code", "zone_code", "station_code"):
        op.execute(f"create index if not exists access_events_{column}_idx on core.access_events ({column})")
