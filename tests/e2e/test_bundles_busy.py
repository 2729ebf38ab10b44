"""A page's library scripts never wait behind slow callbacks, and a script that does not arrive
leaves a message and a reload, never an unreadable page; real `onemap serve` (one worker, so
"every thread" is known) and headless Chromium.

Two queues can hold a script: the server's threads, when other callbacks hold them all (the
static lane, dashboard/lanes.py), and the browser's six connections, when the page's own callbacks
wait on them (every script asked for before the first callback: Dash's eager loading). Slow
callbacks are made deterministic with a real lock: the test holds ``ops.sessions`` exclusively in
an open transaction, so every signed-in request (each callback checks its session there) waits in
PostgreSQL until the test lets go; static files are not signed in and read no table.
"""

from __future__ import annotations

import threading
import time
import urllib.request
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import create_engine, text

from etl.db import normalise_url
from tests.support.browser import browsing, screenshot, wait
from tests.support.cli import serving
from tests.support.dash_calls import router_body
from tests.support.database import first_station

pytestmark = pytest.mark.db

THREADS = 4  # the page threads of one worker (dashboard/server.py)
# every script and style sheet the page loaded, asked for again past the browser's cache
FETCH_BUNDLES = """
const done = arguments[arguments.length - 1];
const urls = performance.getEntriesByType('resource').map(e => e.name)
    .filter(u => u.includes('/_dash-component-suites/') || u.includes('/assets/'));
const t0 = performance.now();
const all = Promise.all(urls.map(u => fetch(u, {cache: 'no-store'})
    .then(r => r.arrayBuffer().then(b => [u, r.status, b.byteLength, Math.round(performance.now() - t0)]))));
const late = new Promise(r => setTimeout(() => r('late'), arguments[0] * 1000));
Promise.race([all, late]).then(done, e => done(String(e)));
"""


@pytest.fixture(scope="module")
def served(
    demo_db: tuple[str, str], cli_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """One worker with its own cache, so its callbacks read the database."""
    cache = tmp_path_factory.mktemp("bundles-cache")
    with serving(demo_db, cli_env, workers=1, settings={"ONEMAP_CACHE_DIR": str(cache)}) as base:
        yield base


def readable(d: WebDriver) -> str:
    return d.find_element(By.CSS_SELECTOR, ".page").text


def post_callback(base: str, cookies: str, path: str, out: list[int]) -> None:
    """The router's callback for ``path``, as the browser posts it; its status appended to ``out``."""
    req = urllib.request.Request(
        base + "/_dash-update-component",
        data=router_body(path),
        method="POST",
        headers={"Content-Type": "application/json", "Cookie": cookies},
    )
    with urllib.request.urlopen(req, timeout=120) as resp:
        resp.read()
        out.append(resp.status)


def waiting_on_lock(owner: str) -> int:
    engine = create_engine(normalise_url(owner))
    try:
        with engine.connect() as conn:
            return int(
                conn.execute(
                    text(
                        "select count(*) from pg_locks "
                        "where relation = 'ops.sessions'::regclass and not granted"
                    )
                ).scalar_one()
            )
    finally:
        engine.dispose()


def test_bundles_arrive_while_every_callback_thread_waits(
    served: str, demo_db: tuple[str, str], accounts: dict[str, object]
) -> None:
    owner = demo_db[0]
    station = first_station(owner)
    with browsing(served, "leader") as d:
        d.get(served + f"/station/{station}")
        assert wait(d, readable)
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot"))  # Plotly came
        cookies = "; ".join(f"{c['name']}={c['value']}" for c in d.get_cookies())
        engine = create_engine(normalise_url(owner))
        statuses: list[int] = []
        blockers = [
            threading.Thread(target=post_callback, args=(served, cookies, f"/station/{station}", statuses))
            for _ in range(THREADS)
        ]
        try:
            with engine.connect() as conn, conn.begin():
                conn.execute(text("lock table ops.sessions in access exclusive mode"))
                for b in blockers:
                    b.start()
                deadline = time.monotonic() + 20
                while waiting_on_lock(owner) < THREADS:  # every page thread is held
                    assert time.monotonic() < deadline, "the callbacks never reached the lock"
                    time.sleep(0.2)
                d.set_script_timeout(30)
                got = d.execute_async_script(FETCH_BUNDLES, 10)
                held = waiting_on_lock(owner)
                assert statuses == [] and held >= THREADS  # still held while the scripts came
            # the lock is let go when the transaction ends
        finally:
            for b in blockers:
                b.join(timeout=60)
            engine.dispose()
        assert got != "late", "the page's scripts waited behind the callbacks (not all back in 10 s)"
        assert isinstance(got, list) and got, got
        assert any("plotly" in u for u, *_ in got), [u for u, *_ in got]
        assert all(status == 200 and size > 0 for _u, status, size, _ms in got), got
        assert statuses == [200] * THREADS  # the slow callbacks were answered too
        d.refresh()
        assert wait(d, readable)


# (url, start ms) of each script the page asked for, and when its first callback was sent
TIMELINE = """
const all = performance.getEntriesByType('resource');
const calls = all.filter(e => e.name.includes('/_dash-update-component')).map(e => e.startTime);
const scripts = all.filter(e => e.initiatorType === 'script' || /\\.js(\\?|$)/.test(e.name))
    .map(e => [e.name, Math.round(e.startTime)]);
return [calls.length ? Math.round(Math.min(...calls)) : null, scripts];
"""


def test_no_script_is_asked_for_once_the_callbacks_begin(
    served: str, demo_db: tuple[str, str], accounts: dict[str, object]
) -> None:
    """The browser has six connections to the server: with the page's own callbacks waiting on all
    of them, a script asked for then (Plotly, when the first graph is drawn) waits behind them in
    the browser itself, where no lane of the server's threads can help. Every script the station
    page runs is asked for before its first callback."""
    station = first_station(demo_db[0])
    with browsing(served, "leader") as d:
        d.get(served + f"/station/{station}")
        assert wait(d, readable)
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot"))
        first_call, scripts = d.execute_script(TIMELINE)
        assert first_call is not None and any("plotly" in u for u, _ in scripts), scripts
        late = [(u, ms) for u, ms in scripts if ms >= first_call]
        assert late == [], f"asked for after the first callback (at {first_call} ms): {late}"


def test_a_script_that_does_not_load_leaves_a_message_and_a_reload(
    served: str, demo_db: tuple[str, str], accounts: dict[str, object]
) -> None:
    """Plotly refused (its script element's load error, then dcc's own attempt): a banner says so
    and its reload brings the page back once the script comes."""
    station = first_station(demo_db[0])
    with browsing(served, "leader") as d:
        d.execute_cdp_cmd("Network.enable", {})
        d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["*/plotly/package_data/plotly*"]})
        d.get(served + f"/station/{station}")
        banner = wait(d, lambda d: d.find_element(By.ID, "onemap-banner"), 60)
        assert "页面组件未能加载" in banner.text
        retry = banner.find_element(By.CSS_SELECTOR, "button")
        assert retry.text == "重新加载" and retry.is_displayed()
        d.execute_cdp_cmd("Network.setBlockedURLs", {"urls": []})
        retry.click()
        assert wait(d, readable)
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, ".js-plotly-plot"))
        assert not d.find_elements(By.ID, "onemap-banner")


def test_a_script_that_never_answers_leaves_a_message_and_a_reload(
    served: str, demo_db: tuple[str, str], accounts: dict[str, object]
) -> None:
    """React's script held in the browser and never answered: every script after it waits, the page
        is never drawn and no script of the page runs. The watchdog inline in the page's head says so
        within its delay (15 s) and offers a reload (the reload itself: the test above); drawn after
    all, the page loses the banner by itself."""
    station = first_station(demo_db[0])
    with browsing(served, "leader", load="none") as d:
        d.execute_cdp_cmd(
            "Fetch.enable", {"patterns": [{"urlPattern": "*/deps/react-dom*", "requestStage": "Request"}]}
        )
        d.get(served + f"/station/{station}")
        banner = wait(d, lambda d: d.find_element(By.ID, "onemap-banner"), 45)
        assert "迟迟未能加载" in banner.text, banner.text
        assert d.find_elements(By.CSS_SELECTOR, "#react-entry-point ._dash-loading")  # never drawn
        assert not d.find_elements(By.CSS_SELECTOR, ".page")
        screenshot(d, "script-never-answers")
        retry = banner.find_element(By.CSS_SELECTOR, "button")
        assert retry.text == "重新加载" and retry.is_displayed()
        # the held script let go (the browser sends it once the interception ends): the page is
        # drawn after all, and the banner goes by itself
        d.execute_cdp_cmd("Fetch.disable", {})
        assert wait(d, readable)
        wait(d, lambda d: not d.find_elements(By.ID, "onemap-banner"), 10)
