"""Warehouse databases of a test module's own.

On the embedded server each is a copy of one migrated, empty warehouse made once per run
(``<db name>_test_template``), or of one into which a delivery was loaded once per run
(``<db name>_test_loaded_<n>``): copying a database takes a second or two, migrating one several
seconds and loading the small demo about a minute. On an external server (one database only) each
is that database, emptied, migrated and loaded again.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, text

from etl.db import connect_raw, normalise_url
from etl.load import Loader
from etl.manifest import read_manifest
from etl.migrate import apply_grants, drop_schemas, migrate
from etl.scope_key import register_scope_key
from etl.warehouse import Warehouse
from tests.support.accounts import SECRET

# the templates this run has migrated (a run migrates its template once, with the code it tests)
_MIGRATED: set[str] = set()
# the templates this run has loaded: manifest → database with its delivery loaded
_LOADED: dict[Path, str] = {}


def migrated_template(warehouse: Warehouse) -> str:
    """This run's migrated, empty warehouse with the tests' scope key (as `onemap db up` leaves
    it), made on first use; its name. Nobody stays connected to it: it is only ever copied."""
    name = f"{warehouse.settings.db_name}_test_template"
    if name not in _MIGRATED:
        url = warehouse.recreate_database(name)
        migrate(url, warehouse.app_role())
        register_scope_key(url, SECRET)  # the scopes and alert keys need it
        _MIGRATED.add(name)
    end_sessions(warehouse, name)
    return name


def end_sessions(warehouse: Warehouse, database: str) -> None:
    """End every session on ``database`` (PostgreSQL copies a database only while nobody is
    connected to it; the migration's pooled connections may linger until collected)."""
    with connect_raw(warehouse.server.url("super", "postgres"), autocommit=True) as conn:
        conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity "
            "where datname = %s and pid <> pg_backend_pid()",
            (database,),
        )


def migrated_database(warehouse: Warehouse, name: str) -> str:
    """Embedded database ``name`` made anew as a copy of :func:`migrated_template`; its owner URL."""
    url = warehouse.recreate_database(name, migrated_template(warehouse))
    grant_database(warehouse, url)
    return url


def grant_database(warehouse: Warehouse, url: str) -> None:
    """Apply the grants to a copied database: the privileges on the database itself (who may
    connect) are not copied with it."""
    engine = create_engine(normalise_url(url))
    try:
        with engine.begin() as conn:
            apply_grants(conn, warehouse.app_role())
    finally:
        engine.dispose()


def fresh_database(warehouse: Warehouse, test_db_url: str, name: str) -> str:
    """A migrated, empty warehouse database of this module's own, ``<db name>_test_<name>`` (so two
    checkouts with their own ``ONEMAP_DB_NAME`` can run their suites on one server side by side)."""
    if warehouse.external:
        url = test_db_url
        drop_schemas(url)
        migrate(url, warehouse.app_role())
        register_scope_key(url, SECRET)  # as `onemap db up` does: the scopes and alert keys need it
        return url
    return migrated_database(warehouse, f"{warehouse.settings.db_name}_test_{name}")


def load_all(url: str, manifest: Path) -> None:
    """Load the delivery of ``manifest`` into ``url``; every source must load."""
    reports = Loader(url, read_manifest(manifest)).run()
    assert all(r.status == "loaded" for r in reports), [r for r in reports if r.status != "loaded"]


def settle(warehouse: Warehouse, database: str) -> None:
    """Analyze ``database`` as autovacuum does after a load. A copy starts with its activity
    counters at zero, so autovacuum never analyzes what it was copied with: without this, the
    planner of every copy would plan on whatever statistics the template had by chance."""
    with connect_raw(warehouse.server.url("super", database), autocommit=True) as conn:
        conn.execute("analyze")


def loaded_database(warehouse: Warehouse, test_db_url: str, manifest: Path, name: str) -> str:
    """A database of this module's own, ``<db name>_test_<name>``, holding the delivery of
    ``manifest`` as a first load leaves it; its owner URL.

    On the embedded server the delivery is loaded once per run into a template that nobody stays
    connected to, and each database is a copy of it (so never give one manifest's files other
    contents within a run).
    """
    if warehouse.external:
        url = fresh_database(warehouse, test_db_url, name)
        load_all(url, manifest)
        return url
    key = manifest.resolve()
    if key not in _LOADED:
        template = f"{warehouse.settings.db_name}_test_loaded_{len(_LOADED) + 1}"
        load_all(migrated_database(warehouse, template), key)
        settle(warehouse, template)
        _LOADED[key] = template
    end_sessions(warehouse, _LOADED[key])
    url = warehouse.recreate_database(f"{warehouse.settings.db_name}_test_{name}", _LOADED[key])
    grant_database(warehouse, url)
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


def first_station(owner_url: str) -> str:
    """The code of the database's first police station (by code): the station the tests drill."""
    engine = create_engine(normalise_url(owner_url))
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("select min(station_code) from core.police_stations")).scalar())
    finally:
        engine.dispose()
