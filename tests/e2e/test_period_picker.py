"""The week picker in a real browser: picking a week on the station page changes the URL, the page
shows that week, and a reload (or the link, sent to someone) shows the same week. Screenshots go
to artifacts/e2e."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import create_engine, text

from dashboard.periods import Period, Week
from etl.db import normalise_url
from tests.support.browser import browsing, console_errors, screenshot, wait
from tests.support.cli import serving

pytestmark = pytest.mark.db

DEFAULT = Period(Week(2026, 47))  # the last week over as of the demo's last day
PICKED = Period(Week(2026, 45))


@pytest.fixture(scope="module")
def served(demo_db: tuple[str, str], cli_env: dict[str, str]) -> Iterator[str]:
    with serving(demo_db, cli_env) as base:
        yield base


@pytest.fixture
def browser(served: str, accounts: dict[str, Any]) -> Iterator[WebDriver]:
    with browsing(served, "leader") as driver:
        yield driver


def station_code(demo_db: tuple[str, str]) -> str:
    engine = create_engine(normalise_url(demo_db[0]))
    try:
        with engine.connect() as conn:
            return str(conn.execute(text("select min(station_code) from core.police_stations")).scalar())
    finally:
        engine.dispose()


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
    code = station_code(demo_db)
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
