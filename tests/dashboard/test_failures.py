"""A failing request gets a short answer in Chinese and the log one line a second at most.

A small Flask app with the dashboard's failure handling: its routes raise what the database
driver and SQLAlchemy raise when the database goes away, cancels a statement, or anything else.
(tests/e2e/test_outage.py stops a real PostgreSQL under load.)
"""

from __future__ import annotations

import io
import json
import logging
import re

import psycopg
import pytest
import sqlalchemy.exc
from flask import Flask

from dashboard import failures
from dashboard.failures import LogLimiter, classify

REFUSED = psycopg.OperationalError(
    'connection failed: connection to server at "127.0.0.1", port 5432 failed: Connection refused\n'
    "\tIs the server running on that host and accepting TCP/IP connections?"
)


def wrapped(exc: Exception) -> sqlalchemy.exc.OperationalError:
    return sqlalchemy.exc.OperationalError("select 1", {}, exc)


@pytest.fixture
def app() -> Flask:
    server = Flask(__name__)
    failures.install(server)
    errors = {
        "down": wrapped(REFUSED),
        "raw": REFUSED,
        "timeout": wrapped(psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
        "bug": KeyError("secret internals"),
    }

    @server.route("/page/<what>")
    def _page(what: str) -> str:
        raise errors[what]

    @server.route("/_dash-update-component", methods=["POST"])
    def _callback() -> str:
        raise errors["down"]

    return server


def test_kinds_of_failure() -> None:
    assert classify(wrapped(REFUSED)) == "database"
    assert classify(REFUSED) == "database"
    assert classify(psycopg.InterfaceError("the connection is closed")) == "database"
    assert classify(sqlalchemy.exc.TimeoutError("QueuePool limit reached")) == "database"
    assert classify(wrapped(psycopg.errors.AdminShutdown("terminating connection"))) == "database"
    assert classify(wrapped(psycopg.errors.QueryCanceled("statement timeout"))) == "timeout"
    try:
        try:
            raise REFUSED
        except psycopg.Error as exc:
            raise RuntimeError("while rendering") from exc
    except RuntimeError as outer:
        assert classify(outer) == "database"  # raised from one: the cause counts
    assert classify(ValueError("x")) == "error"
    assert classify(PermissionError("no signed-in user")) == "error"


def test_pages_get_a_page_in_chinese_and_callbacks_json(app: Flask) -> None:
    client = app.test_client()
    resp = client.get("/page/down?week=2026-W47", headers={"Accept": "text/html"})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 503 and resp.mimetype == "text/html"
    assert "数据库暂不可用" in body and 'lang="zh-CN"' in body
    assert '<meta http-equiv="refresh" content="5">' in body  # it tries again by itself
    assert 'href="/page/down?week=2026-W47"' in body and resp.headers["Retry-After"] == "5"
    assert "<script" not in body  # nothing for the CSP to refuse
    resp = client.post("/_dash-update-component", json={})
    assert resp.status_code == 503 and resp.is_json
    assert resp.get_json() == {"error": "database_unavailable", "message": "数据库暂不可用", "retry": 5}
    timeout = client.get("/page/timeout")
    assert timeout.status_code == 503 and "查询超时" in timeout.get_data(as_text=True)
    assert "refresh" not in timeout.get_data(as_text=True)  # a slow query is not asked again and again
    bug = client.get("/page/bug")
    text = bug.get_data(as_text=True)
    assert bug.status_code == 500 and "服务器内部错误" in text and "secret internals" not in text
    assert client.get("/nowhere").status_code == 404  # HTTP errors stay what they are
    for resp in (client.get("/page/raw"), client.get("/page/bug", headers={"Accept": "application/json"})):
        assert "Traceback" not in resp.get_data(as_text=True)
        assert "psycopg" not in resp.get_data(as_text=True)
    assert json.loads(client.get("/page/bug", headers={"Accept": "application/json"}).data)["error"] == (
        "server_error"
    )


def test_one_line_a_second_with_the_count_it_left_out(
    app: Flask, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    limiter = LogLimiter()
    assert limiter.admit("database", now=100.0) == 0
    assert [limiter.admit("database", now=100.0 + k / 100) for k in range(1, 90)] == [None] * 89
    assert limiter.admit("error", now=100.5) == 0  # each kind has its own second
    assert limiter.admit("database", now=101.01) == 89
    assert limiter.admit("database", now=102.5) == 0

    monkeypatch.setattr(failures, "LIMITER", LogLimiter())
    client = app.test_client()
    with caplog.at_level(logging.WARNING, logger="dashboard.failures"):
        for _ in range(200):
            client.get("/page/down")
    lines = [r for r in caplog.records if r.name == "dashboard.failures"]
    assert 1 <= len(lines) <= 2  # 200 failures well inside a second or two
    assert all(r.exc_info is None for r in lines)  # no traceback
    message = lines[0].getMessage()
    assert message.startswith(
        "database_unavailable: GET /page/down failed: OperationalError: Connection refused"
    )
    assert "\n" not in message


def test_recovery_is_logged_once_and_only_for_a_query_sent_after(
    caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(failures, "LIMITER", LogLimiter())
    failures.LIMITER.went_down()
    with caplog.at_level(logging.WARNING, logger="dashboard.failures"):
        failures.note_reachable(0.0)  # answered from before it went away: proves nothing
        assert not caplog.records
        failures.note_reachable(1e12)
        failures.note_reachable(1e12)
    assert [r.getMessage().split(":")[0] for r in caplog.records] == ["database_available"]


@pytest.mark.parametrize(
    ("error", "code"),
    [
        (
            psycopg.OperationalError("consuming input failed: server closed the connection unexpectedly"),
            "database_unavailable",
        ),
        (KeyError("a library's own bug"), "server_error"),
    ],
)
def test_a_librarys_logged_exception_is_one_line_within_the_limit(
    monkeypatch: pytest.MonkeyPatch, error: Exception, code: str
) -> None:
    """The connection pool (or any library) logging an exception with its traceback, as SQLAlchemy
    does when it cannot reset a connection the database dropped: the served log's handler writes
    one line, within the same limit as the failed requests."""
    monkeypatch.setattr(failures, "LIMITER", LogLimiter())
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(failures.OneLine())
    pool = logging.getLogger("tests.sqlalchemy.pool")
    pool.addHandler(handler)
    pool.propagate = False
    try:
        for _ in range(300):
            try:
                raise error
            except Exception:
                pool.error("Exception during reset or similar", exc_info=True)
        pool.warning("a record without an exception passes as it is")
    finally:
        pool.removeHandler(handler)
        pool.propagate = True
    lines = out.getvalue().splitlines()
    assert 2 <= len(lines) <= 3, lines  # 300 within a second or two, and the plain record
    assert all(
        re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ tests\.sqlalchemy\.pool: ", x) for x in lines
    )
    assert f"{code}: Exception during reset or similar: {type(error).__name__}" in lines[0]
    assert "Traceback" not in out.getvalue() and 'File "' not in out.getvalue()
    assert lines[-1].endswith("a record without an exception passes as it is")


@pytest.mark.parametrize("path", ["/\\evil.example/x", "/\\/evil.example/x", "/%5Cevil.example/x"])
def test_the_retry_link_stays_on_this_site(path: str) -> None:
    # a browser reads "/\evil.example" as "//evil.example": another site, where "try again" must not lead
    server = Flask(__name__)
    failures.install(server)

    @server.before_request
    def _down() -> None:
        raise wrapped(REFUSED)

    body = server.test_client().get(path, headers={"Accept": "text/html"}).get_data(as_text=True)
    (again,) = re.findall(r'id="failure-retry" href="([^"]*)"', body)
    assert again.startswith("/") and again[1:2] not in ("/", "\\"), again
