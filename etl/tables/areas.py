"""Codebooks, administrative areas and the two hierarchies (police stations and zones; grids)."""

from __future__ import annotations

from sqlalchemy import Column, Double, Integer, PrimaryKeyConstraint, Table, Text, UniqueConstraint, text

from etl.tables.base import METADATA, area, attribution, code, district, point

# ------------------------------------------------------------------ codebooks
incident_categories = Table(
    "incident_categories",
    METADATA,
    Column("category", Text, primary_key=True),
    Column("name_zh", Text, nullable=False, unique=True),
    schema="core",
)
grid_event_kinds = Table(
    "grid_event_kinds",
    METADATA,
    Column("kind_code", Text, primary_key=True),
    Column("event_class", Text, nullable=False),
    Column("name_zh", Text, nullable=False),
    UniqueConstraint("event_class", "name_zh"),
    schema="core",
)
hazard_categories = Table(
    "hazard_categories",
    METADATA,
    Column("category", Text, primary_key=True),
    Column("name_zh", Text, nullable=False, unique=True),
    schema="core",
)
# every coded value with its Chinese label: a copy of common/codebook.py, refilled by every migrate
codes = Table(
    "codes",
    METADATA,
    Column("field", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("label_zh", Text, nullable=False),
    PrimaryKeyConstraint("field", "code"),
    schema="core",
)
# every field of the data contract with its Chinese name: a copy of etl/contract.py, refilled by every migrate
contract_fields = Table(
    "contract_fields",
    METADATA,
    Column("kind", Text, nullable=False),
    Column("field", Text, nullable=False),
    Column("label_zh", Text, nullable=False),
    PrimaryKeyConstraint("kind", "field"),
    schema="core",
)
deadline_rules = Table(
    "deadline_rules",
    METADATA,
    Column("rule", Text, primary_key=True),
    Column("hours", Integer, nullable=False),
    Column("description_zh", Text, nullable=False),
    schema="core",
)

# ------------------------------------------------------------------ administrative areas
districts = Table(
    "districts",
    METADATA,
    Column("district_code", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("city_name", Text),
    area(),
    schema="core",
)
towns = Table(
    "towns",
    METADATA,
    Column("town_code", Text, primary_key=True),
    district(),
    Column("name", Text, nullable=False),
    Column("kind", Text, server_default=text("'street'")),
    area(nullable=True),
    schema="core",
)
villages = Table(
    "villages",
    METADATA,
    Column("village_code", Text, primary_key=True),
    code("town_code", "core.towns.town_code"),
    district(),
    Column("name", Text, nullable=False),
    Column("kind", Text, server_default=text("'community'")),
    area(nullable=True),
    schema="core",
)

# ------------------------------------------------------------------ the two hierarchies
police_stations = Table(
    "police_stations",
    METADATA,
    Column("station_code", Text, primary_key=True),
    district(),
    Column("name", Text, nullable=False),
    Column("address", Text),
    Column("duty_phone", Text),
    point("site", nullable=True),
    area(),
    schema="core",
)
police_zones = Table(
    "police_zones",
    METADATA,
    Column("zone_code", Text, primary_key=True),
    code("station_code", "core.police_stations.station_code"),
    district(),
    Column("name", Text, nullable=False),
    Column("village_code", Text),
    Column("officer_count", Integer, server_default=text("1")),
    Column("auxiliary_count", Integer, server_default=text("0")),
    area(),
    schema="core",
)
grids = Table(
    "grids",
    METADATA,
    Column("grid_code", Text, primary_key=True),
    district(),
    Column("town_code", Text),
    Column("village_code", Text),
    Column("name", Text, nullable=False),
    Column("grid_kind", Text, server_default=text("'basic'")),
    Column("worker_count", Integer, server_default=text("1")),
    Column("area_m2", Double),
    area(),
    *attribution(with_grid=False),  # its largest-share police zone and that zone's station
    schema="core",
)
zone_grids = Table(
    "zone_grids",
    METADATA,
    code("zone_code", "core.police_zones.zone_code"),
    code("grid_code", "core.grids.grid_code"),
    district(),
    Column("overlap_m2", Double, nullable=False),
    Column("share", Double, nullable=False),
    PrimaryKeyConstraint("zone_code", "grid_code"),
    schema="core",
)
