"""The surveying layers the local basemap is drawn from: roads, water, green areas, building outlines."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Table, Text

from etl.tables.base import METADATA, area, district, line

roads = Table(
    "roads",
    METADATA,
    Column("road_code", Text, primary_key=True),
    district(),
    Column("name", Text),
    Column("road_class", Text, nullable=False),
    line(),
    schema="core",
)
water_areas = Table(
    "water_areas",
    METADATA,
    Column("water_code", Text, primary_key=True),
    district(),
    Column("name", Text),
    Column("water_kind", Text, nullable=False),
    area(),
    schema="core",
)
green_areas = Table(
    "green_areas",
    METADATA,
    Column("green_code", Text, primary_key=True),
    district(),
    Column("name", Text),
    Column("green_kind", Text, nullable=False),
    area(),
    schema="core",
)
# one outline per building, joined to it by its code (seen only with the building: row-level security)
building_footprints = Table(
    "building_footprints",
    METADATA,
    Column("building_code", Text, ForeignKey("core.buildings.building_code"), primary_key=True),
    district(),
    area(),
    schema="core",
)
