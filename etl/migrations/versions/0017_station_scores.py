"""Counted once per load: each station's score parts per finished week, each building's units and people.

Revision ID: 0017
Revises: 0016
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ops.station_score_parts and core.building_counts (filled and read by functions/)."""
    run_sql_file("0017_station_scores.sql")


def downgrade() -> None:
    """Drop the stored parts and the functions over them; ops.station_scores counts afresh again."""
    op.execute("drop function if exists ops.store_station_scores(timestamptz, timestamptz, timestamptz)")
    op.execute("drop function if exists ops.station_score_parts_live(timestamptz, timestamptz, timestamptz)")
    op.execute("drop function if exists ops.refresh_station_scores(integer)")
    op.execute("drop function if exists ops.refresh_building_counts()")
    op.execute("drop table ops.station_score_parts")
    op.execute("drop table core.building_counts")
