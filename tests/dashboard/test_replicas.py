"""Which server a read goes to: lag measured by WAL position, a failing standby's read run again on
the primary (and the standby dropped), a query's own error never retried, the settings as deployed.
The real standby, stopped and lagging, is tests/e2e/test_standby.py."""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg import errors
from sqlalchemy.exc import OperationalError

from dashboard import db
from dashboard.replicas import Health, Standbys
from dashboard.settings import DashboardSettings
from tests.support.cli import free_port


def quiet(primary: str, *urls: str) -> Standbys:
    """Standbys whose watcher never runs: the test says who is healthy."""
    s = Standbys(primary, list(urls))
    s.stop()
    return s


def test_lag_is_the_time_since_the_primary_was_where_the_standby_is() -> None:
    s = quiet("primary", "a")
    s._positions.extend([(0.0, 100), (1.0, 200), (2.0, 300)])
    assert s._lag(300, 5.0) == 0.0  # has everything the primary had at the last check
    assert s._lag(400, 5.0) == 0.0
    assert s._lag(250, 5.0) == 3.0  # lacks what the primary had at 2.0
    assert s._lag(150, 5.0) == 4.0
    assert s._lag(50, 5.0) == 5.0
    assert quiet("primary", "a")._lag(0, 5.0) is None  # the primary never answered


def test_reads_go_to_a_healthy_standby_else_the_primary() -> None:
    a, b = (f"postgresql://onemap_app@{host}:5432/onemap" for host in ("a", "b"))
    s = quiet("postgresql://onemap_app@p:5432/onemap", a, b)
    assert s.choose() is None
    s.health[b] = Health(healthy=True)
    assert s.choose() == b
    s.health[a] = Health(healthy=True)
    assert s.choose() in (a, b)
    s.failed(a, "gone")
    s.failed(b, "gone")
    assert s.choose() is None


@pytest.mark.parametrize(
    ("error", "retried", "dropped"),
    [
        (errors.AdminShutdown("terminating connection due to administrator command"), True, True),
        (errors.CannotConnectNow("the database system is starting up"), True, True),
        (psycopg.OperationalError("connection refused"), True, True),
        (OperationalError("select 1", {}, psycopg.OperationalError("connection refused")), True, True),
        (errors.SerializationFailure("canceling statement due to conflict with recovery"), True, False),
        (errors.ReadOnlySqlTransaction("cannot execute insert in a read-only transaction"), True, False),
        (errors.QueryCanceled("canceling statement due to statement timeout"), False, False),
        (errors.UndefinedTable("relation does not exist"), False, False),
        (errors.InsufficientPrivilege("permission denied"), False, False),
    ],
)
def test_only_what_a_standby_alone_would_fail_is_tried_again(
    error: Exception, retried: bool, dropped: bool
) -> None:
    """A standby gone is dropped; one that refused a query (replay conflict, a write) stays."""
    failure = db._standby_failure(error)
    assert (failure is not None) is retried
    assert (failure is not None and failure[1]) is dropped


@pytest.fixture
def dead_standby(test_app_url: str) -> Iterator[tuple[str, Standbys]]:
    """The test database's primary with a 'healthy' standby on a port nothing listens on."""
    dead = f"postgresql+psycopg://onemap_app:x@127.0.0.1:{free_port(57100)}/nowhere"
    standbys = db.use_standbys(test_app_url, [dead])
    assert standbys is not None
    standbys.stop()  # no watcher: the read itself must find the standby gone
    standbys.health[dead] = Health(healthy=True)
    try:
        yield dead, standbys
    finally:
        db.use_standbys(test_app_url, [])


def test_a_read_the_standby_cannot_answer_is_served_by_the_primary(
    test_app_url: str, dead_standby: tuple[str, Standbys]
) -> None:
    dead, standbys = dead_standby
    assert db.reads_from(test_app_url) == dead
    _, rows = db.fetch_rows(test_app_url, "select pg_is_in_recovery()")
    assert rows == [(False,)]  # answered, by the primary
    assert not standbys.health[dead].healthy
    assert db.reads_from(test_app_url) == test_app_url


def test_sessions_and_reads_of_ones_own_writes_never_go_to_a_standby(
    test_app_url: str, dead_standby: tuple[str, Standbys]
) -> None:
    dead, standbys = dead_standby
    assert db.fetch_rows(test_app_url, "select 1", primary=True)[1] == [(1,)]
    with db.on_primary():
        assert db.reads_from(test_app_url) == test_app_url
        assert db.fetch_rows(test_app_url, "select 1")[1] == [(1,)]
    assert standbys.health[dead].healthy  # never asked


def test_a_querys_own_error_on_a_standby_is_not_tried_again(test_app_url: str) -> None:
    # the primary itself named as its standby (another URL, another engine): what fails is the query
    standby = test_app_url + "?application_name=as-standby"
    standbys = db.use_standbys(test_app_url, [standby])
    assert standbys is not None
    standbys.stop()
    standbys.health[standby] = Health(healthy=True)
    try:
        with pytest.raises(errors.UndefinedTable):
            db.fetch_rows(test_app_url, "select * from no_such_table")
        assert standbys.health[standby].healthy
    finally:
        db.use_standbys(test_app_url, [])


def test_replicas_are_a_json_list_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEMAP_REPLICA_URLS", '["postgresql://a@h1/onemap", "postgresql://a@h2/onemap"]')
    monkeypatch.setenv("ONEMAP_REPLICA_MAX_LAG_SECONDS", "2.5")
    s = DashboardSettings()
    assert s.replica_urls == ["postgresql://a@h1/onemap", "postgresql://a@h2/onemap"]
    assert s.replica_max_lag_seconds == 2.5
    assert DashboardSettings(_env_file=None).replica_check_seconds == 1.0


@pytest.mark.parametrize("bad", ['["not a url"]', '["postgresql:///onemap"]', '["mysql://h/db"]'])
def test_a_replica_that_is_no_server_url_stops_the_start(monkeypatch: pytest.MonkeyPatch, bad: str) -> None:
    monkeypatch.setenv("ONEMAP_REPLICA_URLS", bad)
    with pytest.raises(ValueError, match="ONEMAP_REPLICA_URLS"):
        DashboardSettings(_env_file=None)
