"""How long the dashboard's cache keeps a value and what ends it: a load or a new week at once, a
supervision turning overdue (the clock alone) on the pages that show it, and otherwise nothing
before ``ONEMAP_CACHE_SECONDS`` (days, not the five minutes it was: a warm after a load served its
first five minutes only); and the served app warming a new week's pages by itself."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import cachelib.file
import psycopg
import pytest
from sqlalchemy import Engine, text

import dashboard.cache
from common.secret import derive
from dashboard.app import create_app
from dashboard.context import AppContext
from dashboard.pages import drill
from dashboard.queries.areas import stations
from dashboard.settings import DashboardSettings
from dashboard.warm import chief_warmer, marker, warm_if_due
from etl.db import libpq_url
from etl.derive import record_built
from tests.support.accounts import DEMO_UNTIL, LEADER, SECRET
from tests.support.deliveries import carded_events
from tests.support.supervising import open_call, page, signed_in, wipe


def served(url: str, directory: Path, **settings: Any) -> AppContext:
    """A served process's context on ``directory`` (each its own memory, as each process has),
    with the default lifetime unless ``settings`` say otherwise."""
    found = DashboardSettings(cache_dir=directory, as_of=settings.pop("as_of", DEMO_UNTIL), **settings)
    return AppContext(url, found, derive(SECRET, "scope"))


@pytest.mark.db
def test_a_value_lives_until_the_next_load_not_five_minutes(
    demo_db: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(dashboard.cache, "STAMP_SECONDS", 0.0)  # the stamp read on every call
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    def asked(after: float) -> int:
        """What a process started ``after`` seconds from now is served."""
        real = time.time
        with monkeypatch.context() as m:
            m.setattr(cachelib.file, "time", lambda: real() + after)
            c = served(demo_db[1], tmp_path)
            with c.acting_as(LEADER):
                return c.cached(("figures",), compute)

    assert asked(0) == 1
    assert asked(10 * 60) == 1  # the old lifetime (300 s) had ended it
    assert asked(3 * 86400) == 1
    assert asked(8 * 86400) == 2  # older than the longest kept: computed again
    # a load ends it at once
    with psycopg.connect(libpq_url(demo_db[0])) as conn:
        record_built(conn, "alerts")
    assert asked(0) == 3


def test_what_a_process_keeps_in_memory_is_bounded_by_its_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Kept for days, values would pile up in each process: its memory holds at most LOCAL_BYTES
    of them (by their stored size), the rest is read from the shared directory when asked."""
    monkeypatch.setattr(dashboard.cache, "LOCAL_BYTES", 20_000)
    cache = dashboard.cache.SharedCache(tmp_path, 86400)
    for n in range(60):
        cache.get_or_compute(("part", n), lambda n=n: f"{n:04d}" * 250)  # 1 kB each
    assert 10_000 < cache.local.currsize <= 20_000
    assert len(cache.local) < 60
    assert cache.get_or_compute(("part", 0), lambda: "computed again") == "0000" * 250


@pytest.mark.db
def test_a_new_week_is_a_new_key(demo_db: tuple[str, str], tmp_path: Path) -> None:
    """A page's links leave out the period while it is the default one: a week's page is not the
    same once the next week has begun, so nothing cached before is served after."""
    before = served(demo_db[1], tmp_path)
    after = served(demo_db[1], tmp_path, as_of=DEMO_UNTIL + timedelta(7))
    calls: list[int] = []
    with before.acting_as(LEADER):
        period = before.period()
        assert before.cached(("page", period), lambda: calls.append(1) or "linked without its week") == (
            "linked without its week"
        )
    with after.acting_as(LEADER):
        assert after.period() != period
        assert after.cached(("page", period), lambda: calls.append(2) or "linked with its week") == (
            "linked with its week"
        )
    assert calls == [1, 2]


@pytest.fixture
def clean(core: Engine) -> Iterator[None]:
    wipe(core)
    yield
    wipe(core)


@pytest.mark.db
def test_a_supervision_turning_overdue_shows_on_the_cached_station_page(
    demo_db: tuple[str, str], accounts: dict[str, Any], core: Engine, clean: None, tmp_path: Path
) -> None:
    """No load and no step of the supervision between the two visits: only its deadline's day has
    ended (moved back here; the database compares it with its own clock, ``serve.supervisions``)."""
    app = create_app(demo_db[1], SECRET, DashboardSettings(as_of=DEMO_UNTIL, cache_dir=tmp_path))
    (station,) = accounts["chief_a"].stations
    item = carded_events(demo_db[0], station, 1)[0]
    leader = signed_in(app, "leader")["leader"]
    assert "已提交" in open_call(leader, app, item)
    body = page(leader, app, f"/station/{station}")
    assert "督办中 · 截止" in body and "督办逾期" not in body
    assert page(leader, app, f"/station/{station}") == body  # kept
    with core.begin() as conn:
        conn.execute(
            text("update ops.supervisions set deadline = current_date - 2 where item_no = :i"), {"i": item}
        )
    body = page(leader, app, f"/station/{station}")
    assert "督办逾期 · 截止" in body and "sup-overdue" in body


@pytest.mark.db
def test_the_pages_of_a_new_week_are_warmed_once_before_anyone_asks(
    demo_db: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    this_week = served(demo_db[1], tmp_path)
    assert warm_if_due(this_week) and marker(this_week).exists()
    assert not warm_if_due(this_week)  # warm already: nothing done
    # the week turns (the data as it was): the next check warms the new default period's pages
    next_week = served(demo_db[1], tmp_path, as_of=DEMO_UNTIL + timedelta(7))
    assert not marker(next_week).exists()
    assert warm_if_due(next_week)

    def never(*_args: object) -> None:
        raise AssertionError("computed again")

    with next_week.acting_as(LEADER):
        codes = [s["station_code"] for s in stations(next_week.url, next_week.scope())]
    monkeypatch.setattr(drill, "_area_body", never)
    for code in codes:
        for viewer in (LEADER, chief_warmer(code)):
            with next_week.acting_as(viewer):
                assert drill.area_page(next_week, next_week.period(), "station", code) is not None


@pytest.mark.db
def test_the_served_app_warms_its_cache_by_itself(demo_db: tuple[str, str], tmp_path: Path) -> None:
    """Its first request starts a thread that warms the pages of the data, period and day it
    stands at (the server's worker processes each start theirs; one warms, the others find it done)."""
    settings = DashboardSettings(as_of=DEMO_UNTIL, cache_dir=tmp_path, cache_warm_check_seconds=1)
    app = create_app(demo_db[1], SECRET, settings)
    due = marker(app.onemap)  # type: ignore[attr-defined]
    assert not due.exists()
    try:
        assert app.server.test_client().get("/login").status_code == 200
        deadline = time.monotonic() + 120
        while not due.exists() and time.monotonic() < deadline:
            time.sleep(0.5)
        assert due.exists()
    finally:
        app.onemap_keeper.stop()  # type: ignore[attr-defined]
