"""The tables' declaration (etl/tables) is the schema the migrations make: it cannot drift."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from geoalchemy2 import Geometry
from sqlalchemy import Connection, UniqueConstraint, inspect, text

from etl.contract import KINDS
from etl.tables import METADATA
from etl.tables.compare import COMPARE_OPTIONS

pytestmark = pytest.mark.db


def test_the_declaration_is_the_migrated_schema(db: Connection) -> None:
    """Tables, columns, types (geometry type and SRID too), nullability, defaults, identities,
    unique constraints and foreign keys: no difference, in either direction. What SQL alone makes
    (a month's partition, a loader's staging table) is no difference either."""
    db.execute(text("select core.ensure_access_event_partitions('2031-01-01', '2031-01-31')"))
    db.execute(text("create table if not exists staging.person (person_id bigint)"))
    context = MigrationContext.configure(
        db, opts={**COMPARE_OPTIONS, "version_table_schema": "ops", "target_metadata": METADATA}
    )
    assert compare_metadata(context, METADATA) == []


def test_primary_keys_are_declared(db: Connection) -> None:
    """Alembic does not compare primary keys; they are checked here."""
    inspector = inspect(db)
    for name, table in METADATA.tables.items():
        reflected = inspector.get_pk_constraint(table.name, schema=table.schema)["constrained_columns"]
        assert reflected == [c.name for c in table.primary_key.columns], name


def test_geometry_is_declared_typed_in_4326() -> None:
    geometries = [c for t in METADATA.tables.values() for c in t.columns if isinstance(c.type, Geometry)]
    assert len(geometries) >= 20
    assert {c.type.srid for c in geometries} == {4326}
    assert {c.type.geometry_type for c in geometries} == {"POINT", "MULTIPOLYGON", "MULTILINESTRING"}


def test_every_contract_field_is_a_declared_column() -> None:
    """The contract fills the declared tables: each field a column, each key the table's own."""
    for kind in KINDS.values():
        table = METADATA.tables[kind.table]
        fields = {f.name for f in kind.fields} - {"lon", "lat"}  # coordinates become geom
        assert fields <= set(table.c.keys()), (kind.name, fields - set(table.c.keys()))
        keys = [[c.name for c in table.primary_key]] + [
            [c.name for c in u.columns] for u in table.constraints if isinstance(u, UniqueConstraint)
        ]
        keys += [[c.name] for c in table.columns if c.unique]
        assert kind.key.split(",") in keys, kind.name
