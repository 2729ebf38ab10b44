"""Warehouse databases of a test module's own."""

from __future__ import annotations

from etl.migrate import drop_schemas, migrate
from etl.scope_key import register_scope_key
from etl.warehouse import Warehouse
from tests.support.accounts import SECRET


def fresh_database(warehouse: Warehouse, test_db_url: str, name: str) -> str:
    """A migrated, empty warehouse database of this module's own, ``<db name>_test_<name>`` (so two
    checkouts with their own ``ONEMAP_DB_NAME`` can run their suites on one server side by side)."""
    if warehouse.external:
        url = test_db_url
        drop_schemas(url)
    else:
        url = warehouse.recreate_database(f"{warehouse.settings.db_name}_test_{name}")
    migrate(url, warehouse.app_role())
    register_scope_key(url, SECRET)  # as `onemap db up` does: the scopes and alert keys need it
    return url
