"""The surveying layers of the local basemap: roads, water, green areas and building outlines.

Revision ID: 0014
Revises: 0013
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create core.roads, core.water_areas, core.green_areas and core.building_footprints."""
    run_sql_file("0014_basemap.sql")


def downgrade() -> None:
    """Drop them again (their serve views go first)."""
    for view in ("roads", "water_areas", "green_areas", "building_footprints"):
        op.execute(f"drop view if exists serve.{view}")
    for table in ("building_footprints", "green_areas", "water_areas", "roads"):
        op.execute(f"drop table if exists core.{table}")
