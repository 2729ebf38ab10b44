"""Warehouse databases of a test module's own."""

from __future__ import annotations

from etl.migrate import drop_schemas, migrate
from etl.warehouse import Warehouse


def fresh_database(warehouse: Warehouse, test_db_url: str, name: str) -> str:
    """A migrated, empty warehouse database of this module's own, ``<db name>_test_<name>`` (so two
    checkouts with their own ``ONEMAP_DB_NAME`` can run their suites on one server side by side)."""
    if warehouse.external:
        drop_schemas(test_db_url)
        migrate(test_db_url, warehouse.app_role())
        return test_db_url
    url = warehouse.recreate_database(f"{warehouse.settings.db_name}_test_{name}")
    migrate(url, warehouse.app_role())
    return url
