"""Script in every text field of every source kind stays text: in the map, its tooltips, labels,
search hits, pages and downloads, for the leadership and for a station chief, in real Chromium.

One demo with payloads (tests/support/payloads.py) is loaded once for the module. ``alert`` is
hooked before any page script runs, and Content-Security-Policy violations are recorded: a payload
that became markup would either call the hook, leave an element with an event handler, or be
blocked by the policy (a violation); none of the three may happen, and the payloads must be seen
as text where the data is shown.
"""

from __future__ import annotations

import io
import shutil
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import create_engine, text

from common.secret import derive
from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.indexpage import WATCHDOG
from dashboard.periods import Period, Week
from dashboard.reports import pdf
from dashboard.reports.weekly import build_station
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings
from etl.contract import KINDS
from etl.db import normalise_url
from etl.scope_key import register_scope_key
from etl.users import add_user
from etl.warehouse import Warehouse
from tests.support.accounts import PASSWORD, SECRET
from tests.support.browser import chromium, console_errors, screenshot, sign_in, wait
from tests.support.cli import serving
from tests.support.database import fresh_database
from tests.support.payloads import PAYLOADS, fields_to_poison, poison

pytestmark = pytest.mark.db

HOOK = """
window.__alerts = [];
window.alert = window.confirm = window.prompt = function (m) { window.__alerts.push(String(m)); };
window.__csp = [];
document.addEventListener('securitypolicyviolation',
    function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });
"""
# what a payload turned into markup would leave in the document
MARKUP = (
    "[onerror],[onload],[onmouseover],[onfocus],[onclick],iframe,img[src='x'],script:not([src]):not([type]),"
    "a[href^='javascript'],math"
)
TOOLTIPS = """
const out = [];
const els = Array.from(document.querySelectorAll('.leaflet-interactive')).slice(0, 400);
for (const el of els) {
    const r = el.getBoundingClientRect();
    const at = {bubbles: true, cancelable: true,
                clientX: r.left + r.width / 2, clientY: r.top + r.height / 2};
    el.dispatchEvent(new MouseEvent('mouseover', at));
    document.querySelectorAll('.leaflet-tooltip').forEach(t => out.push(t.textContent));
    el.dispatchEvent(new MouseEvent('mouseout', at));
}
return out;
"""


@pytest.fixture(scope="module")
def payload_db(
    warehouse: Warehouse, test_db_url: str, tmp_path_factory: pytest.TempPathFactory, real_small_demo: Path
) -> tuple[str, str, str, tuple[str, ...]]:
    """The small demo with payloads in its text fields, loaded: (owner URL, app URL, chief's station)."""
    from etl.load import Loader
    from etl.manifest import read_manifest

    out = tmp_path_factory.mktemp("payloads") / "small"
    shutil.copytree(real_small_demo, out)  # the shared files stay as generated
    manifest = out / "manifest.yaml"
    done = poison(out)
    kinds_with_text = {k for k in KINDS if fields_to_poison(k)}
    assert len(done) >= len(kinds_with_text)  # every source of a kind with a text field
    url = fresh_database(warehouse, test_db_url, "payload")
    register_scope_key(url, SECRET)
    reports = Loader(url, read_manifest(manifest)).run()
    assert all(r.status == "loaded" for r in reports), [r for r in reports if r.status != "loaded"]
    with create_engine(normalise_url(url)).connect() as conn:
        station = conn.execute(
            text("select station_code from core.police_stations order by 1 limit 1")
        ).scalar()
        names = conn.execute(text("select name from core.grids order by 1 limit 3")).scalars().all()
        # a page of each other level, and of a grid event, in the chief's station
        zone, grid, town, village = conn.execute(
            text(
                "select zone_code, grid_code, town_code, village_code from core.grids "
                "where station_code = :s and zone_code is not null and village_code is not null "
                "order by 2 limit 1"
            ),
            {"s": station},
        ).one()
        item = conn.execute(
            text("select event_no from core.grid_events where station_code = :s order by 1 limit 1"),
            {"s": station},
        ).scalar_one()
    assert any(p in n for n in names for p in PAYLOADS)  # the payloads arrived in the warehouse
    add_user(url, "leader", "leadership", PASSWORD, display_name="领导<img src=x onerror=alert(9)>")
    add_user(
        url, "chief", "station_chief", PASSWORD, [str(station)], display_name="所长\"'><svg onload=alert(8)>"
    )
    pages = (f"/zone/{zone}", f"/grid/{grid}", f"/town/{town}", f"/village/{village}", f"/item/{item}")
    return url, warehouse.app_url_for(url), str(station), pages


@pytest.fixture(scope="module")
def served(payload_db: tuple[str, str, str, tuple[str, ...]], cli_env: dict[str, str]) -> Iterator[str]:
    with serving(payload_db[:2], cli_env, workers=1) as base:
        yield base


@pytest.fixture(params=["leader", "chief"])
def viewer(request: pytest.FixtureRequest, served: str) -> Iterator[WebDriver]:
    d = chromium()
    try:
        d.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
        sign_in(d, served, request.param)
        try:
            wait(d, lambda d: not d.current_url.startswith(served + "/login"))
        except Exception:  # say why the sign-in did not get through (the page shows the message)
            raise AssertionError(d.current_url + d.page_source[:3000]) from None
        d.onemap_name = request.param  # type: ignore[attr-defined]
        yield d
    finally:
        d.quit()


def clean(d: WebDriver, where: str) -> None:
    """No alert called, no CSP violation, no element a payload would have made."""
    assert d.execute_script("return window.__alerts") == [], where
    assert d.execute_script("return window.__csp") == [], where
    # the page's own inline watchdog (dashboard/indexpage.py) excepted, by its id and whole text
    markup = d.execute_script(
        f'return [...document.querySelectorAll("{MARKUP}")]'
        ".filter(e => !(e.id === 'onemap-watchdog' && e.textContent === arguments[0]))"
        ".map(e => e.outerHTML.slice(0, 200))",
        WATCHDOG,
    )
    assert markup == [], where


def texts(d: WebDriver, css: str) -> list[str]:
    """The text of every element matching ``css`` (read in the page: the map redraws them)."""
    return d.execute_script(f"return Array.from(document.querySelectorAll('{css}')).map(e => e.textContent)")


def shows_payload(texts: list[str]) -> bool:
    return any(p in t for t in texts for p in PAYLOADS)


def test_payloads_stay_text_on_every_page(
    served: str, viewer: WebDriver, payload_db: tuple[str, str, str, tuple[str, ...]]
) -> None:
    d = viewer
    who = d.onemap_name  # type: ignore[attr-defined]
    d.get(served + "/")
    stations = wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-station"))
    assert (
        "<img src=x" in d.find_element(By.ID, "nav-user").text
        or "<svg" in d.find_element(By.ID, "nav-user").text
    )
    tips = d.execute_script(TOOLTIPS)
    assert shows_payload(tips), tips[:5]  # station names and workstation names, as text
    clean(d, "map")
    # open the chief's station: its zones and grids, then zoom in to labels, buildings and units
    d.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true,"
        " clientX: r.left + r.width / 2, clientY: r.top + r.height / 2}));",
        stations[0],
    )
    wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-grid"))
    for label in d.find_elements(By.CSS_SELECTOR, ".leaflet-control-layers-overlays label"):
        if "楼栋" in label.text or "出租屋" in label.text or "视频" in label.text or "智安" in label.text:
            label.click()
    container = d.find_element(By.CSS_SELECTOR, ".leaflet-container")
    container.click()
    for _ in range(4):  # zoom in to where grid codes are written on the map (zoom 14) …
        container.send_keys(Keys.ADD)
        time.sleep(0.7)
    # (the grid labels' file carries the warehouse's codes as they are: the labels are written as
    # text, checked directly below with every payload)
    clean(d, "map at label zoom")
    made = d.execute_script(
        "const P = arguments[0], out = [];"
        "for (const p of P) {"
        "  const icon = window.onemap.label({properties: {code: p}}, L.latLng(0, 0)).options.icon;"
        "  out.push([icon.options.html instanceof Node, icon.options.html.textContent]);"
        "  const got = [];"
        "  window.onemap.text({properties: {tooltip: p, popup: p}},"
        "                     {bindTooltip: x => got.push(x), bindPopup: x => got.push(x)});"
        "  for (const x of got) out.push([x instanceof Node, x.textContent]);"
        "}"
        "return out;",
        list(PAYLOADS),
    )
    assert made and all(node for node, _ in made), made
    assert {t for _, t in made} == set(PAYLOADS)
    for _ in range(2):  # … and on to street level: buildings and rental units (zoom 16)
        container.send_keys(Keys.ADD)
        time.sleep(0.7)
    wait(d, lambda d: len(d.find_elements(By.CSS_SELECTOR, ".leaflet-interactive")) > 20)
    time.sleep(2)
    tips = d.execute_script(TOOLTIPS)
    assert shows_payload(tips)
    clean(d, "map zoomed in")
    screenshot(d, f"payload-map-{who}")
    # search: the hits are buttons of text
    box = d.find_element(By.ID, "map-search-q")
    box.send_keys("onerror=alert(1)", Keys.ENTER)
    hits = wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#map-search-results .hit"))
    assert shows_payload(texts(d, "#map-search-results .hit"))
    hits[0].click()
    time.sleep(2)
    clean(d, "search")
    # the pages of an area, a building, the wall and the data quality
    station = payload_db[2]
    d.get(served + f"/station/{station}")
    wait(d, lambda d: d.find_elements(By.ID, "drill-area-title"))
    # read inside a wait: the page may still be drawn again, leaving a found element stale
    page = wait(d, lambda d: d.find_element(By.CSS_SELECTOR, ".page").text)
    assert shows_payload([page])
    clean(d, "station page")

    def open_first_building(d: WebDriver) -> bool:
        links = d.find_elements(By.CSS_SELECTOR, "#drill-buildings a")
        if links:
            links[0].click()
        return bool(links)

    wait(d, open_first_building)
    wait(d, lambda d: "/building/" in d.current_url and d.find_elements(By.CSS_SELECTOR, ".page"))
    time.sleep(1)
    clean(d, "building page")
    for path in ("/wall", "/quality", "/towns", "/analysis", *payload_db[3]):
        d.get(served + path)
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#page > div"))
        time.sleep(2)
        clean(d, path)
    errs = console_errors(d)
    assert errs == [], errs
    # the weekly report as a workbook: payloads are text cells, never formulas
    cookie = d.get_cookie("onemap_session")
    assert cookie is not None
    req = urllib.request.Request(
        served + f"/download/weekly/{station}.xlsx?week=2026-W47",
        headers={"Cookie": f"onemap_session={cookie['value']}"},
    )
    with urllib.request.urlopen(req, timeout=60) as resp:
        assert resp.headers["Cache-Control"] == "no-store"
        wb = openpyxl.load_workbook(io.BytesIO(resp.read()))
    cells = [c for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert shows_payload([str(c.value) for c in cells])


def test_the_report_escapes_payloads(payload_db: tuple[str, str, str, tuple[str, ...]]) -> None:
    _, app_url, station, _pages = payload_db
    c = AppContext(app_url, DashboardSettings(), derive(SECRET, "scope"))
    leader = User("leader", "", "leadership", frozenset(), frozenset())
    with c.acting_as(leader):
        report = build_station(
            app_url, Scope.everything(), station, Period(Week.parse("2026-W47")), with_map=False
        )
    body = pdf.station_html(report)
    assert "&lt;img src=x onerror=alert(1)&gt;" in body or "&lt;script&gt;" in body
    for p in PAYLOADS:
        if "<" in p:
            assert p not in body
