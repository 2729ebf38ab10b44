"""What the declaration leaves to SQL, as filters for comparing it with a database.

Alembic's autogenerate (etl/migrations/env.py) and the drift test (tests/etl/test_tables.py) both
compare ``METADATA`` with a migrated database through these filters, so neither proposes to drop
what SQL alone makes: the staging tables (the loader's), the serve views, the monthly partitions
of a partitioned table, and indexes. Check constraints and comments are not compared at all.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from etl.tables.base import METADATA


@cache
def _declared() -> tuple[frozenset[str | None], re.Pattern[str]]:
    """The declared schemas, and the names of partitions of a declared partitioned table (read
    once every table module has filled ``METADATA``)."""
    schemas = frozenset(t.schema for t in METADATA.tables.values())
    partitions = re.compile(  # <parent>_YYYY_MM, as core.ensure_access_event_partitions names them
        "|".join(
            rf"{re.escape(t.name)}_\d{{4}}_\d{{2}}"
            for t in METADATA.tables.values()
            if t.dialect_options["postgresql"]["partition_by"]
        )
    )
    return schemas, partitions


def include_name(name: str | None, type_: str, parent_names: dict[str, Any]) -> bool:
    """Whether a reflected schema or table is the declaration's to compare (Alembic's hook)."""
    schemas, partitions = _declared()
    if type_ == "schema":
        return name in schemas
    if type_ == "table":
        return name is not None and partitions.fullmatch(name) is None
    return True


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """Whether a schema object is the declaration's to compare: every index is SQL's (Alembic's hook)."""
    return type_ != "index"


# Alembic's options for comparing ``METADATA`` with a database (autogenerate and the drift test)
COMPARE_OPTIONS: dict[str, Any] = {
    "include_schemas": True,
    "include_name": include_name,
    "include_object": include_object,
    "compare_type": True,
    "compare_server_default": True,
    # comments stay in SQL, where the migrations write them
    "autogenerate_plugins": ["alembic.autogenerate.*", "~alembic.autogenerate.comments"],
}
