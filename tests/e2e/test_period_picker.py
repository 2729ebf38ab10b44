"""The week picker in a real browser: picking a week on the station page changes the URL, the page
shows that week, and a reload (or the link, sent to someone) shows the same week. Screenshots go
to artifacts/e2e."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.common.exceptions import ElementClickInterceptedException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from dashboard.periods import Period, Week
from tests.support.browser import browsing, console_errors, screenshot, wait
from tests.support.database import first_station

pytestmark = pytest.mark.db

DEFAULT = Period(Week(2026, 47))  # the last week over as of the demo's last day
PICKED = Period(Week(2026, 45))


@pytest.fixture
def browser(served: str, accounts: dict[str, Any]) -> Iterator[WebDriver]:
    with browsing(served, "leader") as driver:
        yield driver


def read(driver: WebDriver, ident: str, attribute: str = "innerText") -> str:
    """An element's text (or another property), read in one step: the page may be re-rendering."""
    return str(
        driver.execute_script(
            "const e = document.getElementById(arguments[0]); return e ? e[arguments[1]] : '';",
            ident,
            attribute,
        )
    )


def label(driver: WebDriver) -> str:
    """The period the page says it shows."""
    return read(driver, "period-label")


def pick(driver: WebDriver, choice: str) -> None:
    """Open the period picker and click the choice with this text, as a person would."""
    driver.find_element(By.CSS_SELECTOR, "#period-pick").click()
    option = wait(
        driver,
        lambda d: [
            e
            for e in d.find_elements(By.XPATH, f"//*[normalize-space(text())='{choice}']")
            if e.is_displayed()
        ],
    )[0]
    option.click()


def test_pick_a_week_on_the_station_page_then_reload(
    served: str, browser: WebDriver, demo_db: tuple[str, str]
) -> None:
    code = first_station(demo_db[0])
    browser.get(f"{served}/station/{code}")
    assert wait(browser, lambda d: label(d) == DEFAULT.label_zh())
    print(browser.current_url)
    assert "数据截至" in read(browser, "period-as-of")
    screenshot(browser, "period-default")
    pick(browser, PICKED.label_zh())
    wait(browser, lambda d: "week=2026-W45" in d.current_url)
    assert wait(browser, lambda d: label(d) == PICKED.label_zh())
    assert browser.current_url == f"{served}/station/{code}?week=2026-W45"
    assert read(browser, "drill-download-pdf", "href") == f"{served}/download/weekly/{code}.pdf?week=2026-W45"
    screenshot(browser, "period-picked")
    picked = read(browser, "drill-kpi-incidents")

    browser.refresh()
    assert wait(browser, lambda d: label(d) == PICKED.label_zh())
    assert read(browser, "drill-kpi-incidents") == picked
    assert PICKED.label_zh() in read(browser, "period-pick")  # the picker shows it too
    screenshot(browser, "period-reloaded")

    # the same query on the map (its playback anchored on it) and the quality page
    browser.get(f"{served}/?week=2026-W45")
    assert wait(browser, lambda d: label(d) == PICKED.label_zh())
    assert wait(browser, lambda d: read(d, "map-play-week") == PICKED.label_zh())
    assert wait(browser, lambda d: "11月02日—11月08日" in read(d, "map-heat-legend"))
    screenshot(browser, "period-map")
    browser.get(f"{served}/quality?week=2026-W45")
    assert wait(browser, lambda d: label(d) == PICKED.label_zh())
    # a link to a week not over yet is refused in words, not with a traceback
    browser.get(f"{served}/station/{code}?week=2026-W49")
    assert wait(browser, lambda d: d.find_elements(By.ID, "bad-period"))
    assert console_errors(browser) == []


def click_link(driver: WebDriver, css: str) -> None:
    """Click the first shown link matching ``css`` as a person would; again when a re-render
    replaced it or something lay over it at that moment (a busy machine draws slowly)."""

    def go(d: WebDriver) -> bool:
        shown = [e for e in d.find_elements(By.CSS_SELECTOR, css) if e.is_displayed()]
        if not shown:
            return False
        try:
            d.execute_script("arguments[0].scrollIntoView({block: 'center'});", shown[0])
            shown[0].click()
        except (StaleElementReferenceException, ElementClickInterceptedException):
            return False
        return True

    wait(driver, go)


def on(driver: WebDriver, path: str) -> bool:
    """Whether the browser shows ``path`` on the picked week (the URL says so)."""
    return str(driver.current_url).split("?")[0].endswith(path) and "week=2026-W45" in driver.current_url


def test_a_picked_week_stays_while_moving_across_pages(
    served: str, browser: WebDriver, demo_db: tuple[str, str]
) -> None:
    code = first_station(demo_db[0])
    browser.get(f"{served}/station/{code}")
    assert wait(browser, lambda d: label(d) == DEFAULT.label_zh())
    pick(browser, PICKED.label_zh())
    assert wait(browser, lambda d: label(d) == PICKED.label_zh())
    # down the drill: station → zone → grid → building, each on the picked week
    # the address changes before the new page is drawn: its lists are clicked only once its
    # breadcrumb leads back up to the page it came from (else a list of the last page is clicked)
    click_link(browser, "#drill-zones a")
    assert wait(browser, lambda d: "/zone/" in d.current_url and label(d) == PICKED.label_zh())
    assert wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#drill-breadcrumb a[href*='/station/']"))
    click_link(browser, "#drill-grids a")
    assert wait(browser, lambda d: "/grid/" in d.current_url and label(d) == PICKED.label_zh())
    assert wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#drill-breadcrumb a[href*='/zone/']"))
    grid_url = browser.current_url
    click_link(browser, "#drill-buildings a")
    assert wait(browser, lambda d: "/building/" in d.current_url)
    assert "week=2026-W45" in browser.current_url
    # and back up by the breadcrumb (the building shows no period, but passes it on)
    click_link(browser, "#drill-breadcrumb a[href*='/grid/']")
    assert wait(browser, lambda d: d.current_url == grid_url and label(d) == PICKED.label_zh())
    # the top bar: the wall, then from the wall's ranking to a station
    click_link(browser, ".topbar a[href^='/wall']")
    assert wait(browser, lambda d: on(d, "/wall") and PICKED.label_zh() in read(d, "period-pick"))
    assert wait(browser, lambda d: "数据截至" in read(d, "wall-as-of"))
    screenshot(browser, "period-wall")
    click_link(browser, "#wall-station-ranking a")
    assert wait(browser, lambda d: "/station/" in d.current_url and label(d) == PICKED.label_zh())
    for path in ("/quality", "/"):
        click_link(browser, f".topbar a[href^='{path}?']")
        assert wait(browser, lambda d, path=path: on(d, path) and label(d) == PICKED.label_zh())
    assert console_errors(browser) == []


def test_the_wall_picks_its_week_in_its_header(served: str, browser: WebDriver) -> None:
    browser.set_window_size(1920, 1080)
    browser.get(f"{served}/wall")
    assert wait(browser, lambda d: DEFAULT.label_zh() in read(d, "period-pick"))
    before = read(browser, "wall-incidents")
    pick(browser, PICKED.label_zh())
    assert wait(browser, lambda d: d.current_url == f"{served}/wall?week=2026-W45")
    assert wait(browser, lambda d: PICKED.label_zh() in read(d, "period-pick"))
    assert wait(browser, lambda d: read(d, "wall-incidents") and read(d, "wall-incidents") != before)
    # the picker sits in the header, small: within its row and a fraction of the screen's width
    head = browser.find_element(By.CSS_SELECTOR, ".w-head").rect
    box = browser.find_element(By.ID, "period-pick").rect
    assert head["y"] <= box["y"] and box["y"] + box["height"] <= head["y"] + head["height"]
    assert box["width"] <= 0.3 * 1920 and box["height"] <= 0.06 * 1080
    screenshot(browser, "period-wall-picked")
    # a week no one can have seen: the wall says so, in words
    browser.get(f"{served}/wall?week=2026-W49")
    assert wait(browser, lambda d: d.find_elements(By.ID, "bad-period"))
    assert "无法显示该时段" in browser.find_element(By.ID, "bad-period").text
    assert console_errors(browser) == []
