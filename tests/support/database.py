"""Warehouse databases of a test module's own."""

from __future__ import annotations

from sqlalchemy import create_engine, text

from etl.db import normalise_url
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


def station_count(owner_url: str) -> int:
    """How many police stations the database holds: what the map and the wall must draw, whichever
    ground the demo was generated on (round: 4; 增城区's real outline: 11)."""
    engine = create_engine(normalise_url(owner_url))
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("select count(*) from core.police_stations")).scalar_one())
    finally:
        engine.dispose()
