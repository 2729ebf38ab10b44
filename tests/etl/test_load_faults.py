"""Loads under real faults: files re-sent, two loads at once, the loader killed in each phase."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import Engine, create_engine, text

from etl.db import libpq_url
from etl.demo.generate import generate
from etl.load import Loader
from etl.manifest import read_manifest
from etl.warehouse import Warehouse
from tests.support.cli import one_line_error, onemap
from tests.support.database import fresh_database
from tests.support.tables import content_digests, tiny_county

pytestmark = pytest.mark.db

UNTIL = date(2026, 11, 22)


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("faults") / "demo"
    generate(tiny_county(), 1, out, UNTIL)
    return out


@pytest.fixture(scope="module")
def clean(warehouse: Warehouse, test_db_url: str, demo_dir: Path) -> Iterator[tuple[Engine, dict[str, str]]]:
    """The demo county loaded once without faults, and what its tables hold."""
    url = fresh_database(warehouse, test_db_url, "faults_clean")
    reports = Loader(url, read_manifest(demo_dir / "manifest.yaml")).run()
    assert {r.status for r in reports} == {"loaded"}
    engine = create_engine(url)
    yield engine, content_digests(engine)
    engine.dispose()


def scalar(engine: Engine, query: str, **params: object) -> object:
    with engine.connect() as conn:
        return conn.execute(text(query), params).scalar()


def quality(engine: Engine) -> dict[tuple[str, str, str | None], int]:
    """What the quality page and the weekly report count: rejects per source, reason and field."""
    with engine.connect() as conn:
        rows = conn.execute(text("select source, reason_code, field, n from serve.quarantine_counts")).all()
    return {(r[0], r[1], r[2]): int(r[3]) for r in rows}


def resend_csv(path: Path, variant: int) -> None:
    """The same rows in other bytes, as an agency re-exports them: other line ends, other order."""
    raw = path.read_bytes()
    newline = b"\r\n" if b"\r\n" in raw else b"\n"
    lines = [x for x in raw.split(newline) if x]
    head, rows = lines[0], lines[1:]
    if variant % 2:
        rows = rows[::-1]
    other = b"\n" if newline == b"\r\n" else b"\r\n"
    path.write_bytes(other.join([head, *rows]) + other)


def resend_xlsx(path: Path, variant: int) -> None:
    """The same rows saved again, in another order every other time."""
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    rows = [list(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    if variant % 2:
        rows = rows[::-1]
    sheet.delete_rows(2, sheet.max_row)
    for row in rows:
        sheet.append(row)
    sheet.cell(row=1, column=1).value = sheet.cell(row=1, column=1).value  # saved anew either way
    book.properties.title = f"re-sent {variant}"
    book.save(path)


def test_a_file_re_sent_three_times_leaves_the_quality_figures_as_they_were(
    warehouse: Warehouse, test_db_url: str, demo_dir: Path, tmp_path: Path, cli_env: dict[str, str]
) -> None:
    url = fresh_database(warehouse, test_db_url, "faults_resend")
    engine = create_engine(url)
    env = {**cli_env, "DATABASE_URL": libpq_url(url)}
    copy = tmp_path / "demo"
    shutil.copytree(demo_dir, copy)
    try:
        assert onemap("etl", "load", str(copy / "manifest.yaml"), env=env, timeout=600).returncode == 0
        before = quality(engine)
        total = sum(before.values())
        resent = {
            "标准地址": copy / "housing" / "standard_addresses.csv",
            "实有人口": copy / "population" / "persons.xlsx",
            "警情": copy / "events" / "incidents.csv",  # GCJ-02: converted by iteration
        }
        assert all(any(k[0] == s for k in before) for s in resent)  # each has rejects to count
        for variant in range(3):
            resend_csv(resent["标准地址"], variant)
            resend_xlsx(resent["实有人口"], variant)
            resend_csv(resent["警情"], variant)
            report = tmp_path / f"r{variant}.json"
            # rows in other chunks than before: a point's conversion must not depend on its chunk
            chunks = {**env, "ONEMAP_CHUNK_ROWS": str(997 + 500 * variant)}
            result = onemap(
                "etl", "load", str(copy / "manifest.yaml"), "--report", str(report), env=chunks, timeout=600
            )
            assert result.returncode == 0, result.stderr[-2000:]
            by_source = {s["source"]: s for s in json.loads(report.read_text(encoding="utf-8"))["sources"]}
            for name in resent:
                assert by_source[name]["status"] == "loaded"  # new bytes: loaded again, not skipped
                assert by_source[name]["changed"] == 0  # the same rows: nothing rewritten
                assert (
                    by_source[name]["rows_in"] == by_source[name]["loaded"] + by_source[name]["quarantined"]
                )
            assert quality(engine) == before
            assert sum(quality(engine).values()) == total
        # the history of every load stays in the batches; the quarantine holds the last one's rejects
        for name in resent:
            assert scalar(engine, "select count(*) from ops.load_batch where source = :s", s=name) == 4
            last = scalar(
                engine,
                "select quarantined from ops.load_batch where source = :s order by batch_id desc limit 1",
                s=name,
            )
            assert scalar(engine, "select count(*) from ops.quarantine where source = :s", s=name) == last
            assert (
                scalar(
                    engine, "select count(distinct batch_id) from ops.quarantine where source = :s", s=name
                )
                == 1
            )
    finally:
        engine.dispose()


def test_two_loads_at_once_one_says_so_in_one_line_and_the_data_is_one_loads(
    warehouse: Warehouse,
    test_db_url: str,
    demo_dir: Path,
    cli_env: dict[str, str],
    clean: tuple[Engine, dict[str, str]],
) -> None:
    url = fresh_database(warehouse, test_db_url, "faults_twice")
    engine = create_engine(url)
    env = {**cli_env, "DATABASE_URL": libpq_url(url)}
    first = subprocess.Popen(
        [sys.executable, "-m", "onemap", "etl", "load", str(demo_dir / "manifest.yaml")],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for(engine, "select count(*) > 0 from ops.load_batch where status = 'loaded'", first)
        line = one_line_error(onemap("etl", "load", str(demo_dir / "manifest.yaml"), env=env))
        assert "another load" in line and "running" in line and "wait" in line
        assert first.wait(timeout=600) == 0, first.stderr.read() if first.stderr else ""
        assert content_digests(engine) == clean[1]
        # once the first is done, the next runs
        assert onemap("etl", "load", str(demo_dir / "manifest.yaml"), env=env, timeout=600).returncode == 0
    finally:
        if first.poll() is None:
            first.kill()
        engine.dispose()


def wait_for(engine: Engine, query: str, proc: subprocess.Popen[str], timeout: float = 300) -> None:
    """Poll ``query`` until it is true, while ``proc`` still runs."""
    deadline = time.monotonic() + timeout
    while not scalar(engine, query):
        assert proc.poll() is None, "the load ended before the point the test waits for"
        assert time.monotonic() < deadline, f"timed out waiting for: {query}"
        time.sleep(0.05)


# (table the test holds in share mode, so the loader waits on it, in the phase named): every
# write of that phase needs a lock the test's lock excludes
PHASES = {
    "copy into core": "core.incidents",
    "upsert from staging": "core.persons",
    "gate-access rollup": "core.access_daily",
    "zone–grid links": "core.zone_grids",
    "alerts": "core.alerts",
}


@pytest.mark.parametrize("phase", [*PHASES, "reading a file"])
def test_a_loader_killed_in_any_phase_then_rerun_gives_the_tables_of_a_clean_load(
    phase: str,
    warehouse: Warehouse,
    test_db_url: str,
    demo_dir: Path,
    cli_env: dict[str, str],
    clean: tuple[Engine, dict[str, str]],
    tmp_path: Path,
) -> None:
    url = fresh_database(warehouse, test_db_url, "faults_kill")
    engine = create_engine(url)
    env = {**cli_env, "DATABASE_URL": libpq_url(url)}
    database = url.rsplit("/", 1)[-1]
    holder = engine.connect()
    proc = None
    try:
        if phase in PHASES:
            holder.execute(text(f"lock table {PHASES[phase]} in share mode"))
        proc = subprocess.Popen(
            [sys.executable, "-m", "onemap", "etl", "load", str(demo_dir / "manifest.yaml")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        loader = (
            "select count(*) > 0 from pg_stat_activity where datname = :db and pid <> pg_backend_pid() and "
            + ("wait_event_type = 'Lock'" if phase in PHASES else "state = 'idle in transaction'")
        )
        deadline = time.monotonic() + 300
        while not scalar(engine, loader, db=database):
            assert proc.poll() is None and time.monotonic() < deadline, "the load ended before its kill"
            time.sleep(0.02)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        mine = holder.execute(text("select pg_backend_pid()")).scalar()
        holder.rollback()
        wait_for_no_loader(engine, database, mine)
        assert scalar(engine, "select count(*) from ops.load_batch where status <> 'loaded'") == 0
        report = tmp_path / "rerun.json"
        result = onemap(
            "etl", "load", str(demo_dir / "manifest.yaml"), "--report", str(report), env=env, timeout=600
        )
        assert result.returncode == 0, result.stderr[-2000:]
        assert content_digests(engine) == clean[1]
        if phase == "alerts":  # every source was loaded before the kill: only the alerts were missing
            sources = json.loads(report.read_text(encoding="utf-8"))["sources"]
            assert {s["status"] for s in sources} == {"unchanged"}
            assert scalar(engine, "select count(*) from core.alerts") == scalar(
                clean[0], "select count(*) from core.alerts"
            )
    finally:
        holder.close()
        if proc is not None and proc.poll() is None:
            proc.kill()
        engine.dispose()


def wait_for_no_loader(engine: Engine, database: str, holder: object) -> None:
    """The server notices the killed loader's dropped connection and rolls its transaction back."""
    deadline = time.monotonic() + 120
    # sessions in a transaction or holding the load lock (idle pooled sessions do not count)
    query = (
        "select count(*) from pg_stat_activity a where datname = :db and pid <> pg_backend_pid() "
        "and pid <> :holder and (xact_start is not null or exists "
        "(select 1 from pg_locks l where l.pid = a.pid and l.locktype = 'advisory'))"
    )
    while scalar(engine, query, db=database, holder=holder):
        assert time.monotonic() < deadline, "the killed loader's sessions did not end"
        time.sleep(0.1)


def test_etl_derive_rebuilds_every_derived_table_and_a_load_rebuilds_stale_ones(
    clean: tuple[Engine, dict[str, str]], cli_env: dict[str, str], demo_dir: Path
) -> None:
    engine, digests = clean
    with engine.begin() as conn:
        conn.execute(text("delete from core.alerts"))
        conn.execute(text("delete from core.access_daily"))
        conn.execute(text("delete from core.zone_grids"))
    env = {**cli_env, "DATABASE_URL": libpq_url(engine.url.render_as_string(hide_password=False))}
    result = onemap("etl", "derive", env=env, timeout=600)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "rebuilt" in result.stderr
    assert content_digests(engine) == digests
    # alerts built before the newest load are rebuilt by the next load, though no source changed
    with engine.begin() as conn:
        conn.execute(text("delete from core.alerts"))
        conn.execute(text("update ops.derived set through_batch = 0"))
    assert onemap("etl", "load", str(demo_dir / "manifest.yaml"), env=env, timeout=600).returncode == 0
    assert content_digests(engine) == digests
