"""Indexes that repeat another index of the same table column for column are dropped.

Revision ID: 0019
Revises: 0018
"""

from alembic import op

from etl.migrate import run_sql_file

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

# (index, table, columns) as 0003 made them
_DROPPED = [
    ("incidents_time", "incidents", "reported_at"),
    ("grid_events_grid", "grid_events", "grid_code"),
    ("grid_events_zone", "grid_events", "zone_code"),
    ("grid_events_station", "grid_events", "station_code"),
    ("disputes_grid", "disputes", "grid_code"),
    ("disputes_station", "disputes", "station_code"),
    ("hazards_grid", "hazards", "grid_code"),
    ("hazards_station", "hazards", "station_code"),
    ("persons_grid", "persons", "grid_code"),
    ("persons_zone", "persons", "zone_code"),
    ("persons_station", "persons", "station_code"),
    ("persons_building", "persons", "building_code"),
    ("rental_units_grid", "rental_units", "grid_code"),
    ("buildings_grid", "buildings", "grid_code"),
    ("buildings_zone", "buildings", "zone_code"),
    ("buildings_station", "buildings", "station_code"),
    ("alerts_grid", "alerts", "grid_code"),
]


def upgrade() -> None:
    """Drop 0003's copies of 0001's area-code indexes (and of the incidents' time index)."""
    run_sql_file("0019_duplicate_indexes.sql")


def downgrade() -> None:
    """Make the copies again, under 0003's names."""
    for name, table, column in _DROPPED:
        op.execute(f"create index if not exists {name} on core.{table} ({column})")
