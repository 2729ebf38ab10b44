"""The warehouse's tables, declared once: SQLAlchemy Core metadata with GeoAlchemy2 geometry.

Every table of ``core`` and ``ops`` that the migrations create, with its columns, types,
nullability, defaults, keys and references, in one ``METADATA`` (each table named
``schema.table``). Alembic autogenerates against it (etl/migrations/env.py); a test migrates a
database and finds no difference from it (tests/etl/test_tables.py); code reads columns here
instead of restating them. Left to SQL: comments, check constraints, indexes, the monthly
partitions of ``core.access_events``, row-level security, and the ``serve`` views and functions.
Staging tables are not declared: the loader makes them per load from the contract.
"""

from __future__ import annotations

from etl.tables import analysis, areas, basemap, events, ops, places
from etl.tables.base import ATTRIBUTION, METADATA
from etl.tables.compare import include_name, include_object

# every table whose rows the loader attributes to a grid, police zone and station (a grid itself
# is attributed to a police zone and station only)
ATTRIBUTED = tuple(
    sorted(
        name
        for name, table in METADATA.tables.items()
        if all(c in table.c and table.c[c].info.get("attribution") for c in ATTRIBUTION)
    )
)

__all__ = [
    "ATTRIBUTED",
    "ATTRIBUTION",
    "METADATA",
    "analysis",
    "areas",
    "basemap",
    "events",
    "include_name",
    "include_object",
    "ops",
    "places",
]
