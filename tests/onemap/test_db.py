"""``onemap db …`` as a user runs it: lifecycle of a throwaway cluster, DATABASE_URL, bad set-up."""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from etl.db import libpq_url
from etl.migrate import fingerprint, head_revision
from etl.warehouse import Warehouse
from tests.support.cli import free_port, one_line_error, onemap
from tests.support.cluster import postmaster_pids, scratch_cluster

pytestmark = pytest.mark.db


def alive(pid: int) -> bool:
    """True when ``pid`` exists and is not a zombie."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state != "Z"


def children(pid: int) -> list[int]:
    """Direct children of ``pid``."""
    kids = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().split(")")[-1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            if ppid == pid:
                kids.append(int(proc.name))
    return kids


@pytest.fixture
def scratch_env(cli_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """Environment pointing the embedded server at a throwaway data directory."""
    with scratch_cluster(cli_env) as env:
        yield env


def test_embedded_lifecycle(scratch_env: dict[str, str]) -> None:
    pgdata = Path(scratch_env["ONEMAP_PGDATA"])
    first = int(scratch_env["ONEMAP_PG_FIRST_PORT"])
    blocker = socket.socket()
    blocker.bind(("127.0.0.1", first))
    blocker.listen()
    try:
        # a taken port named explicitly: one line naming it
        line = one_line_error(onemap("db", "up", env={**scratch_env, "ONEMAP_PG_PORT": str(first)}))
        assert str(first) in line and "taken" in line

        # the first free port is taken: up moves on
        up = onemap("db", "up", env=scratch_env)
        assert up.returncode == 0, up.stderr
        assert "started" in up.stderr and f"migrated empty → {head_revision()}" in up.stderr
        pids = postmaster_pids(pgdata)
        assert len(pids) == 1
        status = onemap("db", "status", env=scratch_env)
        assert status.returncode == 0
        port = int(status.stdout.split("127.0.0.1:")[1].split(",")[0])
        assert port != first

        # a second up finds the running server and reuses it
        again = onemap("db", "up", env=scratch_env)
        assert again.returncode == 0, again.stderr
        assert "reused" in again.stderr and "nothing changed" in again.stderr
        assert postmaster_pids(pgdata) == pids
    finally:
        blocker.close()

    # the URL works for psql, and PostGIS is there
    url = onemap("db", "url", env=scratch_env).stdout.strip()
    assert url.startswith("postgresql://onemap_owner:") and f"127.0.0.1:{port}/onemap" in url
    psql = subprocess.run(
        ["psql", url, "-Atc", "select postgis_full_version()"], capture_output=True, text=True
    )
    assert psql.returncode == 0, psql.stderr
    assert psql.stdout.startswith('POSTGIS="3')
    app_url = onemap("db", "url", "--app", env=scratch_env).stdout.strip()
    assert app_url.startswith("postgresql://onemap_app:")

    # passwords live in a 0600 file inside the data directory
    creds = pgdata / "onemap_credentials.json"
    assert creds.stat().st_mode & 0o777 == 0o600

    # only 127.0.0.1 is listened on, and no unix socket
    listen = subprocess.run(
        ["psql", url, "-Atc", "show listen_addresses; show unix_socket_directories"],
        capture_output=True,
        text=True,
    )
    assert listen.stdout.split() == ["127.0.0.1"]

    # down leaves no postgres process of ours
    postmaster = pids[0]
    workers = children(postmaster)
    assert len(workers) >= 3
    down = onemap("db", "down", env=scratch_env)
    assert down.returncode == 0 and "stopped" in down.stderr
    assert postmaster_pids(pgdata) == []
    assert [p for p in [postmaster, *workers] if alive(p)] == []
    stopped = onemap("db", "status", env=scratch_env)
    assert stopped.returncode == 3 and "stopped" in stopped.stdout
    assert "nothing to stop" in onemap("db", "down", env=scratch_env).stderr


def test_unreachable_database_url_names_host_and_port(cli_env: dict[str, str]) -> None:
    port = free_port(59000)
    env = {**cli_env, "DATABASE_URL": f"postgresql://someone:secret@127.0.0.1:{port}/onemap"}
    for command in (("db", "up"), ("db", "migrate")):
        line = one_line_error(onemap(*command, env=env))
        assert f"127.0.0.1:{port}" in line
        assert "secret" not in line


def test_postgis_missing_names_the_apt_package(cli_env: dict[str, str], tmp_path: Path) -> None:
    # A PostgreSQL installation without the PostGIS extension files.
    bindir = tmp_path / "bin"
    bindir.mkdir()
    share = tmp_path / "share"
    (share / "extension").mkdir(parents=True)
    for tool in ("initdb", "pg_ctl"):
        (bindir / tool).symlink_to(Path("/usr/lib/postgresql/15/bin") / tool)
    (bindir / "pg_config").write_text(f"#!/bin/sh\necho {share}\n")
    (bindir / "pg_config").chmod(0o755)
    env = {k: v for k, v in cli_env.items() if k != "DATABASE_URL"}
    env.update(ONEMAP_PG_BINDIR=str(bindir), ONEMAP_PGDATA=str(tmp_path / "pgdata"))
    line = one_line_error(onemap("db", "up", env=env))
    assert "postgresql-15-postgis-3" in line and "apt-get install" in line


@pytest.fixture
def fresh_db_url(warehouse: Warehouse, test_db_url: str) -> Iterator[str]:
    """Owner URL of an empty PostGIS database of its own (no onemap schema yet)."""
    if warehouse.external:
        from etl.migrate import drop_schemas, migrate

        drop_schemas(test_db_url)
        yield test_db_url
        migrate(test_db_url, warehouse.app_role())
        return
    name = f"{warehouse.settings.db_name}_test_migrate"
    url = warehouse.recreate_database(name)
    yield url


def test_migrate_empty_then_up_to_date_changes_nothing(cli_env: dict[str, str], fresh_db_url: str) -> None:
    env = {**cli_env, "DATABASE_URL": libpq_url(fresh_db_url)}
    engine = create_engine(fresh_db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("select to_regclass('core.buildings')")).scalar() is None
        first = onemap("db", "migrate", env=env)
        assert first.returncode == 0, first.stderr
        assert f"migrated empty → {head_revision()}" in first.stderr
        with engine.connect() as conn:
            before = fingerprint(conn)
            conn.execute(text("insert into core.incident_categories values ('x_test', '测试')"))
            conn.commit()
        second = onemap("db", "migrate", env=env)
        assert second.returncode == 0, second.stderr
        assert "nothing changed" in second.stderr
        with engine.connect() as conn:
            assert fingerprint(conn) == before
            assert (
                conn.execute(
                    text("select count(*) from core.incident_categories where category = 'x_test'")
                ).scalar()
                == 1
            )
    finally:
        engine.dispose()


def test_database_url_mode_starts_nothing(cli_env: dict[str, str], fresh_db_url: str) -> None:
    env = {**cli_env, "DATABASE_URL": libpq_url(fresh_db_url), "ONEMAP_PGDATA": "/nonexistent/pgdata"}
    up = onemap("db", "up", env=env)
    assert up.returncode == 0, up.stderr
    assert "using DATABASE_URL" in up.stderr and "nothing started" in up.stderr
    assert not Path("/nonexistent/pgdata").exists()
    assert "nothing to stop" in onemap("db", "down", env=env).stderr
    assert onemap("db", "url", env=env).stdout.strip() == libpq_url(fresh_db_url)


def test_reset_asks_then_drops_everything(cli_env: dict[str, str], fresh_db_url: str) -> None:
    env = {**cli_env, "DATABASE_URL": libpq_url(fresh_db_url)}
    assert onemap("db", "migrate", env=env).returncode == 0
    engine = create_engine(fresh_db_url)
    try:
        with engine.begin() as conn:
            conn.execute(text("insert into core.incident_categories values ('x_reset', '测试')"))
        line = one_line_error(onemap("db", "reset", env=env))
        assert "--yes" in line
        with engine.connect() as conn:
            assert (
                conn.execute(
                    text("select count(*) from core.incident_categories where category = 'x_reset'")
                ).scalar()
                == 1
            )
        reset = onemap("db", "reset", "--yes", env=env)
        assert reset.returncode == 0, reset.stderr
        with engine.connect() as conn:
            assert (
                conn.execute(
                    text("select count(*) from core.incident_categories where category = 'x_reset'")
                ).scalar()
                == 0
            )
            assert conn.execute(text("select count(*) from core.deadline_rules")).scalar() == 4
    finally:
        engine.dispose()


def test_usage_error_is_not_a_traceback(cli_env: dict[str, str]) -> None:
    result = onemap("db", "nonsense", env=cli_env)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "No such command" in result.stderr
