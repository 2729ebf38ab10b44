"""Stored station assessments: the parts of each station's score per finished period, counted after a load.

Revision ID: 0019
Revises: 0015
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0019"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create ops.station_score_parts (the functions that fill and read it are in functions/)."""
    run_sql_file("0019_station_scores.sql")


def downgrade() -> None:
    """Drop the stored parts and the functions over them; ops.station_scores counts afresh again."""
    op.execute("drop function if exists ops.store_station_scores(timestamptz, timestamptz, timestamptz)")
    op.execute("drop function if exists ops.station_score_parts_live(timestamptz, timestamptz, timestamptz)")
    op.execute("drop table ops.station_score_parts")
