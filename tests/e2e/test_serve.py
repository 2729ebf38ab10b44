"""`onemap serve` as users meet it: a real server on the loaded demo, a real headless Chromium.

The map renders with its layers and heat; a click drills into a station and then a grid; the
wall screen rotates by itself; no console errors; no request to any host but the app's own.
Screenshots go to artifacts/e2e.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support import expected_conditions as ec

from dashboard.headlines import FIGURES
from tests.support.browser import (
    browsing,
    console_errors,
    requested_urls,
    screenshot,
    sign_in,
    wait,
)
from tests.support.database import station_count

pytestmark = pytest.mark.db


@pytest.fixture
def anonymous() -> Iterator[WebDriver]:
    with browsing() as driver:
        yield driver


@pytest.fixture
def browser(served: str, accounts: dict[str, Any], anonymous: WebDriver) -> WebDriver:
    """A browser signed in as the leadership (the whole area)."""
    sign_in(anonymous, served, "leader")
    wait(anonymous, lambda d: not d.current_url.startswith(served + "/login"))
    return anonymous


def click(driver: WebDriver, element: Any) -> None:
    """A click on an SVG path, dispatched where Leaflet listens (markers may cover its centre)."""
    driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true,"
        " clientX: r.left + r.width / 2, clientY: r.top + r.height / 2}));",
        element,
    )


def only_own_requests(driver: WebDriver, base: str) -> None:
    urls = requested_urls(driver)
    assert any(u.startswith(base + "/_dash-") for u in urls)  # the log does see our requests
    assert [u for u in urls if not u.startswith(base + "/") and not u.startswith("data:")] == []


def test_map_renders_layers_and_heat(served: str, browser: WebDriver, demo_db: tuple[str, str]) -> None:
    browser.get(served + "/")
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, ".leaflet-container")))
    assert browser.title == "警网融合一张图"
    stations = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-station"))
    assert len(stations) == station_count(demo_db[0])
    heat = wait(browser, lambda d: [
        e for e in d.find_elements(By.CSS_SELECTOR, "img.leaflet-image-layer")
        if (e.get_attribute("src") or "").startswith("data:image/png;base64,")
    ])  # fmt: skip
    assert heat[0].size["width"] > 100
    legend = wait(browser, lambda d: d.find_element(By.ID, "map-heat-legend").text)
    assert "警情热力" in legend and "共" in legend
    control = browser.find_element(By.CSS_SELECTOR, ".leaflet-control-layers").text
    for name in (
        "派出所",
        "警务区",
        "网格",
        "热力",
        "智安小区",
        "视频监控与卡口",
        "警网融合工作站",
        "预警",
        "楼栋",
    ):
        assert name in control, name
    wait(
        browser, lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-marker-pane > *")
    )  # alerts, workstations
    assert screenshot(browser, "map").stat().st_size > 20_000
    assert console_errors(browser) == []
    only_own_requests(browser, served)


def test_click_a_station_then_a_grid(served: str, browser: WebDriver) -> None:
    browser.get(served + "/")
    station = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-station"))[0]
    click(browser, station)
    link = wait(browser, lambda d: d.find_elements(By.PARTIAL_LINK_TEXT, "打开派出所页面"))[0]
    station_href = link.get_attribute("href")
    grids = wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-grid"))
    assert wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-zone"))
    time.sleep(1)  # let the station's outlines settle before clicking inside it
    screenshot(browser, "map-station")
    grids = browser.find_elements(By.CSS_SELECTOR, "path.ol-grid")
    click(browser, max(grids, key=lambda e: e.size["width"] * e.size["height"]))
    # a grid's popup says what it is and links to its page
    wait(browser, lambda d: d.find_elements(By.PARTIAL_LINK_TEXT, "网格页面"))[0].click()
    wait(browser, lambda d: "/grid/" in d.current_url)
    title = wait(browser, lambda d: d.find_element(By.ID, "drill-area-title").text)
    assert title.startswith("网格") is False and "（" in title
    crumbs = browser.find_element(By.ID, "drill-breadcrumb").text
    assert crumbs.startswith("全域") and "派出所" in crumbs
    assert browser.find_element(By.ID, "drill-kpi-population").text.startswith("实有人口")
    assert browser.find_elements(By.CSS_SELECTOR, "#drill-trend .main-svg")
    screenshot(browser, "grid")
    # up the breadcrumb to the station page
    browser.find_element(
        By.CSS_SELECTOR, f"#drill-breadcrumb a[href='{station_href.removeprefix(served)}']"
    ).click()
    wait(browser, lambda d: d.current_url == station_href)
    wait(browser, lambda d: d.find_element(By.ID, "drill-area-title").text.startswith(crumbs.split(" › ")[1]))
    assert console_errors(browser) == []
    only_own_requests(browser, served)


def test_wall_rotates_by_itself(served: str, browser: WebDriver) -> None:
    browser.set_window_size(1920, 1080)
    browser.get(served + "/wall")
    first = wait(browser, lambda d: d.find_element(By.ID, "wall-current").text)
    assert browser.find_element(By.ID, "wall-station-ranking").text.count("\n") >= 3
    assert browser.find_element(By.ID, "wall-incidents").text.startswith(FIGURES["incidents_week"].label)
    seen = {first}
    deadline = time.monotonic() + 20
    while len(seen) < 3 and time.monotonic() < deadline:  # nobody touches anything
        time.sleep(0.5)
        seen.add(browser.find_element(By.ID, "wall-current").text)
    assert len(seen) >= 3, seen
    screenshot(browser, "wall")
    # the playlist goes on to the grids with red cards and the hot spots, each lit up on the map
    for title, shot in (("红牌督办", "wall-red-cards"), ("警情热点网格", "wall-hot-spots")):
        wait(browser, lambda d, title=title: d.find_element(By.ID, "wall-current").text == title, 40)
        assert wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#wall-map path[fill='#f0883e'], "
                                                      "#wall-map path[fill='#ff4d4f']"))  # fmt: skip
        time.sleep(1.5)  # the fly to the grids settles
        screenshot(browser, shot)
    assert console_errors(browser) == []
    only_own_requests(browser, served)


def test_quality_page(served: str, browser: WebDriver) -> None:
    browser.get(served + "/quality")
    summary = wait(browser, lambda d: d.find_element(By.ID, "quality-summary").text)
    assert "隔离区共 121 行" in summary  # the demo's planted defects, the surveying layers' four among them
    screenshot(browser, "quality")
    assert console_errors(browser) == []
    only_own_requests(browser, served)


def test_sign_in_as_a_station_chief_and_out(
    served: str, accounts: dict[str, Any], anonymous: WebDriver
) -> None:
    """No page without signing in; a wrong password says so; a chief sees their station only."""
    d = anonymous
    d.get(served + "/station/anything")
    wait(d, lambda d: "/login" in d.current_url)
    assert "next=/station/anything" in d.current_url
    sign_in(d, served, "chief_a", "Wrong-pass-2026")
    assert "用户名或密码错误" in wait(d, lambda d: d.find_element(By.ID, "login-error").text)
    sign_in(d, served, "chief_a")
    wait(d, lambda d: not d.current_url.startswith(served + "/login"))
    stations = wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-station"))
    assert len(stations) == 1
    bar = d.find_element(By.CSS_SELECTOR, ".topbar").text
    assert "甲所长（派出所所长）" in bar and "人员查询" in bar and "审计日志" not in bar
    screenshot(d, "map-station-chief")
    d.find_element(By.ID, "nav-logout").click()
    wait(d, lambda d: "/login" in d.current_url)
    d.get(served + "/")
    wait(d, lambda d: "/login" in d.current_url)
    assert console_errors(d) == []
    only_own_requests_of_login(d, served)


def only_own_requests_of_login(driver: WebDriver, base: str) -> None:
    urls = requested_urls(driver)
    assert [u for u in urls if not u.startswith(base + "/") and not u.startswith("data:")] == []
