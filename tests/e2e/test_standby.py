"""The dashboard reads its pages from a real streaming-replication standby (``onemap db standby up``
on a throwaway cluster of its own) and keeps serving them when the standby stops, lags or comes back:
reads move to the primary and back within 10 s, sessions stay on the primary throughout."""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest

from dashboard import db
from dashboard.app import create_app
from dashboard.settings import DashboardSettings
from etl.db import libpq_url
from etl.demo.generate import generate
from etl.server import EmbeddedServer
from etl.settings import DatabaseSettings
from etl.standby import Standby
from etl.users import add_user
from tests.support.accounts import DEMO_UNTIL, PASSWORD, SECRET, login
from tests.support.cli import onemap, serving
from tests.support.cluster import scratch_cluster
from tests.support.dash_calls import dash_call, key_of, router_body
from tests.support.tables import tiny_county

pytestmark = pytest.mark.db

FAILOVER_S = 10  # the bound: reads find another server within this
MAX_LAG_S = 3.0


def _ok(result: Any) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return str(result.stdout) + str(result.stderr)


@pytest.fixture(scope="module")
def pair(cli_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A throwaway primary with the tiny demo county's areas loaded, and its standby running."""
    with scratch_cluster(cli_env) as env:
        env["ONEMAP_STANDBY_PGDATA"] = str(Path(env["ONEMAP_PGDATA"]).parent / "standby")
        _ok(onemap("db", "up", env=env, timeout=300))
        manifest = generate(tiny_county(), 1, tmp_path_factory.mktemp("demo"), DEMO_UNTIL)
        # the areas are enough for a station's page to name its station, and load in seconds
        areas = ("district", "town", "village", "police_station", "police_zone", "grid")
        only = [arg for kind in areas for arg in ("--only", kind)]
        _ok(onemap("etl", "load", str(manifest), *only, env=env, timeout=600))
        owner = onemap("db", "url", env=env).stdout.strip()
        add_user(owner, "leader", "leadership", PASSWORD, display_name="领导")
        try:
            said = _ok(onemap("db", "standby", "up", env=env, timeout=300))
            assert "ONEMAP_REPLICA_URLS" in said
            status = _ok(onemap("db", "standby", "status", env=env))
            assert "running on 127.0.0.1:" in status and "not yet replayed" in status, status
            settings = DatabaseSettings(
                pgdata=Path(env["ONEMAP_PGDATA"]), standby_pgdata=Path(env["ONEMAP_STANDBY_PGDATA"])
            )
            standby = Standby(EmbeddedServer(settings))
            yield {
                "env": env,
                "owner": owner,
                "app": onemap("db", "url", "--app", "--sqlalchemy", env=env).stdout.strip(),
                "standby_app": standby.url("app"),
                "standby_super": libpq_url(standby.url("super")),
            }
        finally:
            onemap("db", "standby", "drop", env=env, timeout=300)


def wait_for(what: str, ok: Callable[[], bool], seconds: float = FAILOVER_S) -> float:
    """Seconds until ``ok()`` holds; fails after ``seconds``."""
    start = time.monotonic()
    while not ok():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.2)
    return time.monotonic() - start


def in_recovery(url: str) -> bool:
    """What ``pg_is_in_recovery()`` says on the server the read path chose."""
    return bool(db.fetch_rows(url, "select pg_is_in_recovery()")[1][0][0])


def test_pages_read_from_the_standby_and_survive_it_lagging_stopping_and_returning(
    pair: dict[str, Any],
) -> None:
    app_url, standby_url = pair["app"], pair["standby_app"]
    settings = DashboardSettings(
        as_of=DEMO_UNTIL,
        cache_seconds=0,  # every page asks the database, so what it shows says where it read
        replica_urls=[standby_url],
        replica_max_lag_seconds=MAX_LAG_S,
        replica_check_seconds=0.5,
    )
    app = create_app(app_url, SECRET, settings)
    client = app.server.test_client()
    assert login(client, "leader").status_code == 302
    with psycopg.connect(libpq_url(pair["owner"]), autocommit=True) as owner:
        station, name = owner.execute(
            "select station_code, name from core.police_stations order by 1 limit 1"
        ).fetchone()
    path = f"/station/{station}"

    def page() -> str:
        status, body = dash_call(client, app, key_of(app, "page.children"), {("url", "pathname"): path})
        assert status == 200, body[:500]
        return body

    def on_standby() -> bool:
        return db.reads_from(app_url) == standby_url

    try:
        # plain reads go to the standby, in recovery; the session (login) lives on the primary
        assert on_standby()
        assert in_recovery(app_url)
        assert not db.fetch_rows(app_url, "select pg_is_in_recovery()", primary=True)[1][0][0]
        assert name in page()

        # replay paused and the station renamed on the primary: the page still shows the old name
        # (it reads the standby) until the standby falls too far behind, then the new one (primary)
        with psycopg.connect(pair["standby_super"], autocommit=True) as sb:
            sb.execute("select pg_wal_replay_pause()")
            wait_for("replay paused", lambda: _replay_state(sb) == "paused")
            renamed = name + "（更名）"
            _rename(pair["owner"], station, renamed)
            assert renamed not in page() and name in page()
            took = wait_for("reads leave the lagging standby", lambda: not on_standby())
            assert took <= FAILOVER_S
            assert renamed in page()
            assert not in_recovery(app_url)

            # replay resumed: back on the standby, which now shows the new name itself
            sb.execute("select pg_wal_replay_resume()")
        wait_for("reads return to the caught-up standby", on_standby)
        assert in_recovery(app_url)
        assert renamed in page()

        # the standby stopped: the very next page is served (from the primary), nothing fails
        _ok(onemap("db", "standby", "down", env=pair["env"]))
        stopped = onemap("db", "standby", "status", env=pair["env"])
        assert stopped.returncode == 3 and "stopped" in stopped.stdout
        assert renamed in page()
        wait_for("reads leave the stopped standby", lambda: not on_standby())
        for _ in range(3):
            assert renamed in page()
        assert not in_recovery(app_url)

        # started again: reads come back to it
        _ok(onemap("db", "standby", "up", env=pair["env"], timeout=300))
        wait_for("reads return to the restarted standby", on_standby)
        assert renamed in page()
    finally:
        db.use_standbys(app_url, [])
        db.dispose(app_url)
        _rename(pair["owner"], station, name)


def test_served_workers_read_from_the_standby_and_keep_serving_when_it_stops(pair: dict[str, Any]) -> None:
    standby = json.dumps([libpq_url(pair["standby_app"])])
    settings = {"ONEMAP_REPLICA_URLS": standby, "ONEMAP_CACHE_SECONDS": "0"}
    with (
        serving((pair["owner"], pair["app"]), pair["env"], workers=2, settings=settings) as base,
        psycopg.connect(libpq_url(pair["owner"]), autocommit=True) as owner,
    ):
        station, name = owner.execute(
            "select station_code, name from core.police_stations order by 1 limit 1"
        ).fetchone()
        browser = _signed_in(base)
        for _ in range(4):  # the workers (forked after the app was made) each read
            assert name in _route(browser, base, f"/station/{station}")
        with psycopg.connect(pair["standby_super"], autocommit=True) as sb:
            dashboards = sb.execute(
                "select count(*) from pg_stat_activity "
                "where application_name = 'onemap-dashboard' and usename = 'onemap_app'"
            ).fetchone()
        assert dashboards is not None and dashboards[0] >= 1  # the pages' connections are there

        _ok(onemap("db", "standby", "down", env=pair["env"]))
        for _ in range(6):  # none fails: each read the standby cannot answer is the primary's
            assert name in _route(browser, base, f"/station/{station}")
    _ok(onemap("db", "standby", "up", env=pair["env"], timeout=300))


def _signed_in(base: str) -> urllib.request.OpenerDirector:
    """A client signed in as the leader through the login form, keeping its cookies."""
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = browser.open(base + "/login", timeout=30).read().decode()
    token = re.search(r'name="csrf" value="([^"]*)"', form)
    assert token is not None
    fields = {"username": "leader", "password": PASSWORD, "next": "/", "csrf": token.group(1)}
    browser.open(base + "/login", data=urllib.parse.urlencode(fields).encode(), timeout=30).read()
    return browser


def _route(browser: urllib.request.OpenerDirector, base: str, path: str) -> str:
    """The page at ``path`` as the router callback answers the browser (Chinese decoded)."""
    request = urllib.request.Request(
        base + "/_dash-update-component",
        data=router_body(path),
        headers={"Content-Type": "application/json"},
    )
    with browser.open(request, timeout=60) as response:
        assert response.status == 200
        return json.dumps(json.loads(response.read()), ensure_ascii=False)


def _replay_state(conn: psycopg.Connection) -> str:
    row = conn.execute("select pg_get_wal_replay_pause_state()").fetchone()
    return str(row[0]) if row else ""


def _rename(owner: str, station: str, name: str) -> None:
    with psycopg.connect(libpq_url(owner), autocommit=True) as conn:
        conn.execute("update core.police_stations set name = %s where station_code = %s", (name, station))
