"""The serve schema the dashboard and reports read: masked, security_invoker views.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

VIEWS = [
    "quarantine_counts",
    "load_batches",
    "search_index",
    "alerts",
    "hazards",
    "disputes",
    "grid_events",
    "incidents",
    "workstations",
    "cameras",
    "smart_communities",
    "communities",
    "persons",
    "rental_units",
    "buildings",
    "zone_grids",
    "grids",
    "zones",
    "stations",
    "districts",
]


def upgrade() -> None:
    """Create the serve views, masking functions and the indexes the pages filter by."""
    run_sql_file("0003_serve.sql")


def downgrade() -> None:
    """Drop the views and functions (the indexes go with 0001's tables)."""
    for view in VIEWS:
        op.execute(f"drop view if exists serve.{view}")
    for fn in ("mask_name", "mask_id", "mask_phone"):
        op.execute(f"drop function if exists serve.{fn}(text)")
