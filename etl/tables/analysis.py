"""Analysis (研判) results the job after each load writes: units, weekly Gi*, emerging hot-spot
classes, next week's risk and its inputs, and the back-test scores.

Every row that belongs to a place carries the ``station_code`` and ``grid_code`` of that place (a
cell takes the grid its centre lies in), so row-level security scopes it like the elements.
"""

from __future__ import annotations

from sqlalchemy import Column, Date, Double, Integer, SmallInteger, Table, Text, text
from sqlalchemy.dialects.postgresql import JSONB

from etl.tables.base import METADATA, TIME, area, district


def _place() -> list[Column]:
    """The station and grid a result row belongs to (row-level security reads them)."""
    return [Column("station_code", Text), Column("grid_code", Text)]


analysis_units = Table(
    "analysis_units",
    METADATA,
    Column("unit_kind", Text, primary_key=True),
    Column("unit_code", Text, primary_key=True),
    district(),
    Column("area_m2", Double, nullable=False),
    area(),
    *_place(),
    schema="core",
)
hotspot_weeks = Table(
    "hotspot_weeks",
    METADATA,
    Column("scope_code", Text, primary_key=True),
    Column("unit_kind", Text, primary_key=True),
    Column("unit_code", Text, primary_key=True),
    Column("week_start", Date, primary_key=True),
    Column("events", Integer, nullable=False),
    Column("gi_z", Double, nullable=False),
    Column("gi_p", Double, nullable=False),
    Column("level", SmallInteger, nullable=False),
    *_place(),
    schema="core",
)
hotspot_trends = Table(
    "hotspot_trends",
    METADATA,
    Column("scope_code", Text, primary_key=True),
    Column("unit_kind", Text, primary_key=True),
    Column("unit_code", Text, primary_key=True),
    Column("through_week", Date, nullable=False),
    Column("weeks", Integer, nullable=False),
    Column("hotspot_class", Text, nullable=False),
    Column("hot_weeks", Integer, nullable=False),
    Column("cold_weeks", Integer, nullable=False),
    Column("since_week", Date),
    Column("gi_z", Double, nullable=False),
    Column("gi_p", Double, nullable=False),
    Column("level", SmallInteger, nullable=False),
    Column("trend", Text, nullable=False),
    Column("trend_tau", Double, nullable=False),
    Column("trend_z", Double, nullable=False),
    Column("trend_p", Double, nullable=False),
    *_place(),
    schema="core",
)
risk_scores = Table(
    "risk_scores",
    METADATA,
    Column("unit_kind", Text, primary_key=True),
    Column("unit_code", Text, primary_key=True),
    Column("for_week", Date, nullable=False),
    Column("score", Double, nullable=False),
    Column("rank", Integer, nullable=False),
    Column("area_share", Double, nullable=False),
    Column("inputs", JSONB, nullable=False),
    *_place(),
    schema="core",
)
risk_inputs = Table(
    "risk_inputs",
    METADATA,
    Column("input_code", Text, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("weight", Double, nullable=False),
    Column("total", Double, nullable=False, server_default=text("0")),
    schema="core",
)
backtest_scores = Table(
    "backtest_scores",
    METADATA,
    Column("unit_kind", Text, primary_key=True),
    Column("model", Text, primary_key=True),
    Column("week_start", Date, primary_key=True),
    Column("area_pct", Double, primary_key=True),
    Column("events", Integer, nullable=False),
    Column("captured", Double, nullable=False),
    Column("pai", Double),
    Column("pei", Double),
    Column("computed_at", TIME, nullable=False, server_default=text("now()")),
    schema="core",
)
