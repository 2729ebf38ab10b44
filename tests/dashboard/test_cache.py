"""The dashboard's shared cache: one computation per key across processes and threads, a value
read by every process, nothing computed before a load served after it."""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import create_engine, text

import dashboard.cache
from benchmarks.users import opened
from common.secret import derive
from dashboard import alertpanel, routes
from dashboard.app import create_app
from dashboard.cache import SharedCache, key_digest
from dashboard.context import AppContext
from dashboard.pages import drill, mapview
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings
from dashboard.warm import chief_warmer, warm
from etl.db import libpq_url, normalise_url
from etl.derive import record_built
from tests.support.accounts import DEMO_UNTIL, LEADER, SECRET
from tests.support.dash_calls import column, dash_call, key_of
from tests.support.supervising import page, signed_in

KEY = ("area-page", "station", "S1", Scope.everything(), frozenset({"a", "b", "c"}))


def _compute_in(directory: str, log: str, start: float) -> str:
    """In another process: wait for the common start, then ask for KEY (its computation logged)."""
    time.sleep(max(0.0, start - time.time()))
    cache = SharedCache(Path(directory), 60)

    def compute() -> str:
        with open(log, "a") as f:
            f.write("computed\n")
        time.sleep(1.0)  # long enough for the other process to ask meanwhile
        return "the page"

    return cache.get_or_compute(KEY, compute)


def test_two_processes_asking_at_once_compute_a_key_once(tmp_path: Path) -> None:
    log = tmp_path / "log"
    start = time.time() + 1.5  # both processes started and waiting by then
    ctx = multiprocessing.get_context("spawn")  # fresh interpreters: their own hash seeds and memory
    with ctx.Pool(2) as pool:
        asked = [pool.apply_async(_compute_in, (str(tmp_path / "c"), str(log), start)) for _ in range(2)]
        got = [a.get(timeout=60) for a in asked]
    assert got == ["the page", "the page"]
    assert log.read_text().count("computed") == 1
    # a third process, later, reads it without computing
    assert _compute_in(str(tmp_path / "c"), str(log), 0) == "the page"
    assert log.read_text().count("computed") == 1


def test_threads_wait_for_the_one_computing(tmp_path: Path) -> None:
    cache = SharedCache(tmp_path, 60)
    calls: list[int] = []

    def compute() -> None:  # None is a value too (an area that does not exist)
        calls.append(1)
        time.sleep(0.3)

    threads = [threading.Thread(target=cache.get_or_compute, args=(KEY, compute)) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert cache.get_or_compute(KEY, compute) is None
    assert len(calls) == 1


def test_a_key_is_named_alike_in_every_process() -> None:
    """Sets are sorted, dataclasses spelled out: Python's string hash differs between processes."""
    same = ("area-page", "station", "S1", Scope.everything(), frozenset({"c", "b", "a"}))
    assert key_digest(KEY) == key_digest(same)
    assert key_digest(KEY) != key_digest((*KEY[:2], "S2", *KEY[3:]))


@pytest.fixture
def cached_app(
    demo_db: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[AppContext]:
    monkeypatch.setattr(dashboard.cache, "STAMP_SECONDS", 0.0)  # read the stamp on every call
    settings = DashboardSettings(cache_seconds=600, cache_dir=tmp_path)
    c = AppContext(demo_db[1], settings, derive(SECRET, "scope"))
    with c.acting_as(LEADER):
        yield c


@pytest.mark.db
def test_a_load_ends_what_was_cached_before_it(cached_app: AppContext, demo_db: tuple[str, str]) -> None:
    calls: list[int] = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert cached_app.cached(("figures",), compute) == 1
    assert cached_app.cached(("figures",), compute) == 1  # kept
    # what a load's derivation commits (etl/derive.py): the data changed
    with psycopg.connect(libpq_url(demo_db[0])) as conn:
        record_built(conn, "alerts")
    assert cached_app.cached(("figures",), compute) == 2
    assert cached_app.cached(("figures",), compute) == 2


FIRST_ZONE = "select min(zone_code) from serve.zones where station_code = :s"
# a station's grids by incidents in the period (:a, :b), those with some only in the one before
# (:p, :a) after them, as a station's grid ranking has them
TOP = (
    "select i.grid_code from serve.incidents as i join serve.grids as g on g.grid_code = i.grid_code"
    " where g.station_code = :s and i.reported_at >= :p and i.reported_at < :b"
    " group by 1 order by count(*) filter (where i.reported_at >= :a) desc, 1 limit 2"
)


@pytest.mark.db
def test_the_warmed_pages_are_served_without_computing(
    demo_db: tuple[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The map, each station's page, its first police zone and the two grids with most incidents
    in the period shown (read here from the owner's side), for the leadership and for each
    station's chief; every page the users benchmark replays among them; after a load each is
    computed again."""
    settings = DashboardSettings(cache_seconds=600, cache_dir=tmp_path, as_of=DEMO_UNTIL)
    pages, _seconds = warm(demo_db[1], SECRET, settings)
    served = AppContext(demo_db[1], settings, derive(SECRET, "scope"))  # another process's, as it were
    period = served.period()
    owner = create_engine(normalise_url(demo_db[0]))
    codes = column(owner, "select station_code from serve.stations order by 1")
    window = {"p": period.previous().start, "a": period.start, "b": period.end}
    areas = {
        code: [
            ("zone", column(owner, FIRST_ZONE, s=code)[0]),
            *(("grid", g) for g in column(owner, TOP, s=code, **window)),
        ]
        for code in codes
    }
    owner.dispose()
    # the demo's week has incidents in every station: the ranking, not its fallback, chose
    assert all(len(a) == 3 for a in areas.values())
    # the map and the quality page; per station its page, zone and grids twice, and its chief's map
    assert codes and pages == 2 + sum(2 * (1 + len(a)) + 1 for a in areas.values())
    # what the users benchmark replays after the map, taken as it takes it
    replayed = opened(demo_db[1], SECRET, DEMO_UNTIL, codes)
    assert {code: [p.split("/")[1:] for p in paths] for code, paths in replayed.items()} == {
        code: [["station", code], *(list(a) for a in areas[code][:2])] for code in codes
    }

    def never(*_args: object) -> None:
        raise AssertionError("computed again")

    with monkeypatch.context() as m:
        m.setattr(drill, "_area_body", never)
        m.setattr(mapview, "_frozen", never)
        for code in codes:
            for viewer in (LEADER, chief_warmer(code)):
                with served.acting_as(viewer):
                    for level, area in [("station", code), *areas[code]]:
                        page = drill.area_page(served, served.period(), level, area)
                        assert page is not None and area in str(page.to_plotly_json())
                    for path in replayed[code]:  # as the served router renders them
                        assert "drill-area-title" in str(routes.render(served, path).to_plotly_json())
                    assert mapview.layout(served, served.period()) is not None
    # after a load nothing of it is served: each page is computed again
    monkeypatch.setattr(dashboard.cache, "STAMP_SECONDS", 0.0)
    with psycopg.connect(libpq_url(demo_db[0])) as conn:
        record_built(conn, "alerts")
    computed: list[str] = []
    body = drill._area_body
    monkeypatch.setattr(
        drill, "_area_body", lambda c, p, level, code: computed.append(code) or body(c, p, level, code)
    )
    with served.acting_as(chief_warmer(codes[0])):
        assert drill.area_page(served, served.period(), "station", codes[0]) is not None
    assert computed == [codes[0]]


@pytest.mark.db
def test_a_verdict_shows_at_once_on_a_cached_grid_page(
    demo_db: tuple[str, str], accounts: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A grid page's alert list is built once while no verdict is given (the second visit builds
    nothing), and a verdict shows on the next visit, in the served cache as in any other."""
    app = create_app(
        demo_db[1], SECRET, DashboardSettings(as_of=DEMO_UNTIL, cache_seconds=600, cache_dir=tmp_path)
    )
    (station,) = accounts["chief_a"].stations
    owner = create_engine(normalise_url(demo_db[0]))
    with owner.connect() as conn:
        alert = dict(
            conn.execute(
                text(
                    "select alert_id, grid_code from serve.alerts where station_code = :s and state = 'open'"
                    " and grid_code is not null order by score desc nulls last, alert_id limit 1"
                ),
                {"s": station},
            )
            .mappings()
            .one()
        )
    client = signed_in(app, "chief_a")["chief_a"]
    built: list[str] = []
    section = alertpanel.section
    monkeypatch.setattr(
        alertpanel, "section", lambda c, level, code: built.append(code) or section(c, level, code)
    )
    try:
        for _ in range(2):
            assert "待核实" in page(client, app, f"/grid/{alert['grid_code']}")
        assert built == [alert["grid_code"]]
        _status, answer = dash_call(
            client,
            app,
            key_of(app, "alert-judged.data"),
            {
                ("alert-verdict-submit", "n_clicks"): 1,
                ("alert-selected", "data"): alert["alert_id"],
                ("alert-verdict-state", "value"): "resolved",
                ("alert-verdict-note", "value"): "已清理，房东签承诺书",
                ("alert-judged", "data"): 0,
            },
        )
        assert "已提交" in answer
        assert "已处置" in page(client, app, f"/grid/{alert['grid_code']}")
        assert built == [alert["grid_code"]] * 2
    finally:  # the demo is shared: the verdict goes (its audit row stays)
        with owner.begin() as conn:
            conn.execute(text("delete from ops.alert_verdicts"))
            conn.execute(text("delete from ops.alert_verdict_log"))
        owner.dispose()
