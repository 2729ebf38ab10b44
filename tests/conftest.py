"""Shared fixtures: a real PostGIS test database created once per session, one transaction per test."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, create_engine

from dashboard.operator import as_operator
from etl.db import normalise_url
from etl.migrate import drop_schemas, migrate
from etl.scope_key import register_scope_key
from etl.warehouse import Warehouse
from tests.support.accounts import DEMO_UNTIL, PASSWORD, SECRET, TEST_SECRET
from tests.support.database import load_all, loaded_database, migrated_database

# Set before any settings are read; served apps and commands the tests start inherit it.
os.environ["ONEMAP_SECRET_KEY"] = TEST_SECRET
# the dashboard's shared cache of this run, apart from any served outside the tests and from the
# runs before (a value lives until the next load: a copy of the loaded demo has the stamp it had)
os.environ["ONEMAP_CACHE_DIR"] = tempfile.mkdtemp(prefix="onemap-test-cache-")
# served apps do not warm their cache by themselves (tests of that turn it on)
os.environ.setdefault("ONEMAP_CACHE_WARM_CHECK_SECONDS", "0")


@pytest.fixture(scope="session", autouse=True)
def leadership_scope() -> Iterator[None]:
    """Queries the tests run directly see the whole area (as the leadership does); tests of
    scoping set a narrower scope (or none) themselves."""
    with as_operator(SECRET):
        yield


def migrate_for_tests(url: str, app_role: str) -> None:
    """Migrate a test database and register the tests' scope key in it."""
    migrate(url, app_role)
    register_scope_key(url, SECRET)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail the run when anything was skipped: a skipped database or browser test proves nothing."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is None:
        return
    skipped = reporter.stats.get("skipped", [])
    if skipped and exitstatus == 0:
        reporter.write_line(f"FAILED: {len(skipped)} test(s) were skipped; nothing may be skipped here")
        session.exitstatus = 1


@pytest.fixture(scope="session")
def warehouse() -> Warehouse:
    """The warehouse of this checkout, brought up (embedded) or reached (DATABASE_URL)."""
    wh = Warehouse()
    wh.up()  # a test that cannot reach PostGIS errors here; it never skips
    return wh


@pytest.fixture(scope="session")
def test_db_url(warehouse: Warehouse) -> str:
    """Owner URL of a freshly migrated test database of its own."""
    if not warehouse.external:
        return migrated_database(warehouse, f"{warehouse.settings.db_name}_test")
    url = warehouse.test_owner_url()
    drop_schemas(url)
    migrate_for_tests(url, warehouse.app_role())
    return url


@pytest.fixture(scope="session")
def test_app_url(warehouse: Warehouse, test_db_url: str) -> str:
    """Application-role URL of the test database."""
    return warehouse.app_url_for(test_db_url)


@pytest.fixture(scope="session")
def owner_engine(test_db_url: str) -> Iterator[Engine]:
    """Engine of the owner role on the test database."""
    engine = create_engine(normalise_url(test_db_url))
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app_engine(test_app_url: str) -> Iterator[Engine]:
    """Engine of the application role on the test database."""
    engine = create_engine(normalise_url(test_app_url))
    yield engine
    engine.dispose()


@pytest.fixture
def db(owner_engine: Engine) -> Iterator[Connection]:
    """A connection as the owner inside a transaction that is rolled back after the test."""
    with owner_engine.connect() as conn:
        trans = conn.begin()
        try:
            yield conn
        finally:
            trans.rollback()


@pytest.fixture
def app_db(app_engine: Engine) -> Iterator[Connection]:
    """A connection as the application role inside a transaction rolled back after the test."""
    with app_engine.connect() as conn:
        trans = conn.begin()
        try:
            yield conn
        finally:
            trans.rollback()


@pytest.fixture(scope="session")
def cli_env() -> dict[str, str]:
    """Environment for running the ``onemap`` command in a subprocess."""
    return {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}


@pytest.fixture(scope="session")
def real_small_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo county's files on 增城区's real outline, seed 1, generated once for a fixed
    date (as ``onemap demo generate --scale small --seed 1`` writes them): their directory.

    Read-only: a test that changes files works on a copy (generating them takes far longer).
    """
    from etl.demo.generate import generate

    out = tmp_path_factory.mktemp("demo") / "small"
    return generate("small", 1, out, DEMO_UNTIL, ground="real").parent


@pytest.fixture(scope="session")
def demo_manifest(tmp_path_factory: pytest.TempPathFactory, real_small_demo: Path) -> Path:
    """The small demo county's files, generated for a fixed date: its manifest (the planted truths,
    ``alert_truth.json`` and ``hotspot_truth.json``, lie beside it).

    Drawn on 增城区's real outline, as ``onemap demo generate`` draws it (:func:`real_small_demo`);
    ``ONEMAP_TEST_GROUND=round`` draws the round county instead (the tests read their expectations
    from the database or the planted truths, so they hold on either ground).
    """
    from etl.demo.generate import generate

    if os.environ.get("ONEMAP_TEST_GROUND", "real") == "real":
        return real_small_demo / "manifest.yaml"
    out = tmp_path_factory.mktemp("demo") / "small"
    return generate("small", 1, out, DEMO_UNTIL, ground=os.environ["ONEMAP_TEST_GROUND"])


@pytest.fixture(scope="session")
def demo_db(warehouse: Warehouse, test_db_url: str, demo_manifest: Path) -> tuple[str, str]:
    """The small demo county loaded into a database of its own: (owner URL, application URL).

    Read-only for the tests that use it (pages, callbacks, browser); generated for a fixed date.
    Modules that change the demo work on a copy of their own (``loaded_database``).
    """
    if warehouse.external:  # one database only: the demo goes into the test database
        url = test_db_url
        load_all(url, demo_manifest)
    else:
        url = loaded_database(warehouse, test_db_url, demo_manifest, "demo")
    return url, warehouse.app_url_for(url)


@pytest.fixture(scope="session")
def accounts(demo_db: tuple[str, str]) -> dict[str, Any]:
    """Real users in ops.users of the demo: a leader, the chiefs of two stations, a grid worker, a
    command centre's wall account, the leader of the grid worker's town and the officer of its village."""
    from sqlalchemy import text

    from etl.users import add_user

    with create_engine(normalise_url(demo_db[0])).connect() as conn:
        a, b = conn.execute(
            text("select station_code from core.police_stations order by 1 limit 2")
        ).scalars()
        grid, town, village = conn.execute(
            text(
                "select grid_code, town_code, village_code from core.grids where station_code = :a "
                "order by 1 limit 1"
            ),
            {"a": a},
        ).one()
    owner = demo_db[0]
    return {
        "leader": add_user(owner, "leader", "leadership", PASSWORD, display_name="领导"),
        "chief_a": add_user(owner, "chief_a", "station_chief", PASSWORD, [a], display_name="甲所长"),
        "chief_b": add_user(owner, "chief_b", "station_chief", PASSWORD, [b], display_name="乙所长"),
        "worker": add_user(owner, "worker", "grid_worker", PASSWORD, grids=[grid], display_name="网格员"),
        # named unlike its role: the audit page lists user names, and the code scan reads them
        "wall": add_user(owner, "screen", "wall", PASSWORD, display_name="指挥中心大屏"),
        # named unlike their roles too
        "town": add_user(owner, "towner", "town_leader", PASSWORD, display_name="镇街领导", towns=[town]),
        "village": add_user(
            owner, "villager", "village_officer", PASSWORD, display_name="社区干部", villages=[village]
        ),
    }
