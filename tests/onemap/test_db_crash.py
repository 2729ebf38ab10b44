"""PostgreSQL killed mid-load, stale pid files, wrong owners: `onemap db up` starts on the first try
or says the real cause in one line. Every test here runs its own throwaway cluster."""

from __future__ import annotations

import os
import pwd
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine

from etl.demo.generate import generate
from tests.support.cli import one_line_error, onemap
from tests.support.cluster import postmaster_pids, scratch_cluster
from tests.support.tables import content_digests, tiny_county

pytestmark = pytest.mark.db


@pytest.fixture
def cluster(cli_env: dict[str, str]) -> Iterator[dict[str, str]]:
    """A throwaway cluster, up and migrated."""
    with scratch_cluster(cli_env) as env:
        up = onemap("db", "up", env=env, timeout=300)
        assert up.returncode == 0, up.stderr
        yield env


def owner_url(env: dict[str, str]) -> str:
    return onemap("db", "url", env=env).stdout.strip()


def test_postgres_killed_mid_load_starts_on_the_first_try_and_a_rerun_loads_like_a_clean_load(
    cluster: dict[str, str], tmp_path: Path
) -> None:
    env = cluster
    pgdata = Path(env["ONEMAP_PGDATA"])
    manifest = generate(tiny_county(), 1, tmp_path / "demo", date(2026, 11, 22))
    url = owner_url(env)
    proc = subprocess.Popen(
        [sys.executable, "-m", "onemap", "etl", "load", str(manifest)],
        env={**env, "ONEMAP_CHUNK_ROWS": "2000"},  # the events arrive in many COPYs
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        # the largest source, the gate-access events, is being copied
        deadline = time.monotonic() + 300
        with psycopg.connect(url, autocommit=True) as watch:
            while not watch.execute(
                "select count(*) from pg_stat_activity where query ilike 'copy %access_event%'"
            ).fetchone()[0]:  # type: ignore[index]
                assert proc.poll() is None and time.monotonic() < deadline, "the load ended first"
                time.sleep(0.01)
            postmaster = int((pgdata / "postmaster.pid").read_text().split()[0])
            os.kill(postmaster, signal.SIGKILL)
        _, err = proc.communicate(timeout=120)
        assert proc.returncode == 1
        assert "Traceback" not in err
        lines = [x for x in err.splitlines() if x.startswith("onemap:")]
        assert lines and "PostgreSQL" in lines[-1], err[-2000:]

        status = onemap("db", "status", env=env)  # not running, whatever its pid file says
        assert status.returncode == 3 and "stopped" in status.stdout

        up = onemap("db", "up", env=env, timeout=300)  # the first try
        assert up.returncode == 0, up.stderr
        assert len(postmaster_pids(pgdata)) == 1
        rerun = onemap("etl", "load", str(manifest), env=env, timeout=600)
        assert rerun.returncode == 0, rerun.stderr[-2000:]
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        after_crash = content_digests(engine)
        engine.dispose()

        # the same files loaded into an empty warehouse
        assert onemap("db", "reset", "--yes", env=env, timeout=300).returncode == 0
        assert onemap("etl", "load", str(manifest), env=env, timeout=600).returncode == 0
        engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
        assert content_digests(engine) == after_crash
        engine.dispose()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_stale_pid_file_is_not_a_running_server(cluster: dict[str, str]) -> None:
    env = cluster
    pgdata = Path(env["ONEMAP_PGDATA"])
    assert onemap("db", "down", env=env).returncode == 0
    # a pid file left behind whose process id now belongs to another program (here: pid 1)
    (pgdata / "postmaster.pid").write_text(f"1\n{pgdata}\n1700000000\n5432\n\n127.0.0.1\n  1  2\nready   \n")
    status = onemap("db", "status", env=env)
    assert status.returncode == 3 and "stopped" in status.stdout
    up = onemap("db", "up", env=env, timeout=300)
    assert up.returncode == 0, up.stderr
    assert "running on 127.0.0.1" in onemap("db", "status", env=env).stdout


@pytest.mark.skipif(os.geteuid() != 0, reason="handing the data directory to another user needs root")
def test_a_data_directory_of_the_wrong_owner_is_named_with_the_fix(cluster: dict[str, str]) -> None:
    env = cluster
    pgdata = Path(env["ONEMAP_PGDATA"])
    assert onemap("db", "down", env=env).returncode == 0
    server_user = pwd.getpwuid(pgdata.stat().st_uid).pw_name
    try:
        os.chown(pgdata, 0, 0)
        line = one_line_error(onemap("db", "up", env=env))
        assert str(pgdata) in line and "root" in line and f"chown -R {server_user}" in line
    finally:
        entry = pwd.getpwnam(server_user)
        os.chown(pgdata, entry.pw_uid, entry.pw_gid)
    assert onemap("db", "up", env=env, timeout=300).returncode == 0


def test_a_server_that_cannot_start_names_its_own_reason(cluster: dict[str, str]) -> None:
    env = cluster
    pgdata = Path(env["ONEMAP_PGDATA"])
    assert onemap("db", "down", env=env).returncode == 0
    auto = pgdata / "postgresql.auto.conf"
    kept = auto.read_text()
    try:
        auto.write_text(kept + "\nshared_buffers = 'lots'\n")
        line = one_line_error(onemap("db", "up", env=env, timeout=300))
        assert "shared_buffers" in line and "server.log" in line
        assert "database system is shut down" not in line
    finally:
        auto.write_text(kept)
    assert onemap("db", "up", env=env, timeout=300).returncode == 0
