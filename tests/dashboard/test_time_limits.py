"""No request holds the server for long: PostgreSQL cancels a slow statement of the application
role, and a worker stuck on one request is ended by the deadline's watchdog."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from dashboard.db import fetch_rows, get_engine
from dashboard.deadline import Deadline
from dashboard.settings import DashboardSettings

pytestmark = pytest.mark.timeout(60)


@pytest.mark.db
def test_the_statement_timeout_cancels_a_slow_query_of_the_app_role(demo_db: tuple[str, str]) -> None:
    app_url = demo_db[1]
    # the dashboard's own engine carries the configured limit on every connection
    _, rows = fetch_rows(app_url, "select current_setting('statement_timeout'), current_user")
    assert rows[0][0] == f"{DashboardSettings().statement_timeout_ms // 1000}s"
    assert rows[0][1] != "postgres"
    engine = get_engine(app_url, 300)
    t0 = time.perf_counter()
    with pytest.raises(OperationalError, match="statement timeout"), engine.connect() as conn:
        conn.execute(text("select pg_sleep(10)"))
    assert time.perf_counter() - t0 < 3
    with engine.connect() as conn:  # the connection is usable again: only the statement ended
        assert conn.execute(text("select 1")).scalar() == 1


def test_the_statement_timeout_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ONEMAP_STATEMENT_TIMEOUT_MS", "2500")
    assert DashboardSettings().statement_timeout_ms == 2500
    monkeypatch.setenv("ONEMAP_STATEMENT_TIMEOUT_MS", "5")  # no limit so short nothing could run
    with pytest.raises(ValueError):
        DashboardSettings()


def test_a_request_over_the_limit_ends_the_worker_and_a_quick_one_does_not() -> None:
    expired = threading.Event()
    release = threading.Event()

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        if environ["PATH_INFO"] == "/spin":
            while not release.is_set():  # a loop that never ends on its own
                pass
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    guarded = Deadline(app, 0.4, on_expiry=expired.set)
    for _ in range(5):
        assert guarded({"PATH_INFO": "/quick"}, lambda *_a: None) == [b"ok"]
    time.sleep(0.8)
    assert not expired.is_set() and guarded.overdue() == []
    spinner = threading.Thread(target=guarded, args=({"PATH_INFO": "/spin"}, lambda *_a: None))
    spinner.start()
    try:
        assert expired.wait(3), "the watchdog did not notice the stuck request"
        assert guarded.overdue() == ["/spin"]
    finally:
        release.set()
        spinner.join(5)
    assert guarded.overdue() == []
