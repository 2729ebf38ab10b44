"""Warehouse databases of a test module's own."""

from __future__ import annotations

from etl.migrate import drop_schemas, migrate
from etl.warehouse import Warehouse


def fresh_database(warehouse: Warehouse, test_db_url: str, name: str) -> str:
    """A migrated, empty warehouse database of this module's own."""
    if warehouse.external:
        drop_schemas(test_db_url)
        migrate(test_db_url, warehouse.app_role())
        return test_db_url
    url = warehouse.recreate_database(name)
    migrate(url, warehouse.app_role())
    return url
