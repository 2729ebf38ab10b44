"""A town leader in real Chromium: signs in, opens their town from the towns' list on a week picked
in the URL, reads its map (villages over grids, a village opening its page), drills to a village and on
to a grid, every step on that week and led back up both
hierarchies; a town that is not theirs is not found. Screenshots go to artifacts/e2e."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import create_engine, text

from etl.db import normalise_url
from tests.support.browser import browsing, console_errors, screenshot, wait

pytestmark = pytest.mark.db

WEEK = "?week=2026-W45"
# the first village of the town's map, clicked as a person would: in the village pane, over the
# grids (whose pane is above it: the click goes to the village path itself)
CLICK_VILLAGE = """
const p = document.querySelector('#area-map path.ol-village');
p.scrollIntoView({block: 'center'});
const r = p.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
p.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: x, clientY: y, view: window}));
"""


@pytest.fixture
def browser(served: str, accounts: dict[str, Any]) -> Iterator[WebDriver]:
    with browsing(served, "towner") as driver:
        yield driver


def click_first(driver: WebDriver, table: str) -> str:
    """Click the first link of a table as a person would; the path it leads to."""
    link = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, f"#{table} tbody a"))
    href = str(link.get_attribute("href"))
    link.click()
    return href


def crumbs(driver: WebDriver, ident: str) -> list[str]:
    """Where the links of a breadcrumb lead."""
    return [
        str(a.get_attribute("href"))
        for a in driver.find_element(By.ID, ident).find_elements(By.TAG_NAME, "a")
    ]


def title(driver: WebDriver) -> str:
    return str(
        driver.execute_script(
            "const e = document.getElementById('drill-area-title'); return e ? e.innerText : '';"
        )
    )


def other_town(demo_db: tuple[str, str], town: str) -> str:
    engine = create_engine(normalise_url(demo_db[0]))
    try:
        with engine.connect() as conn:
            found = conn.execute(
                text("select min(town_code) from core.towns where town_code <> :t"), {"t": town}
            )
            return str(found.scalar_one())
    finally:
        engine.dispose()


def test_a_town_leader_drills_from_town_to_village_to_grid(
    browser: WebDriver, served: str, accounts: dict[str, Any], demo_db: tuple[str, str]
) -> None:
    (town,) = accounts["town"].towns
    browser.get(f"{served}/towns{WEEK}")
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#towns-list tbody a"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#towns-list tbody tr")
    assert len(rows) == 1  # their own town only
    href = click_first(browser, "towns-list")
    assert href.endswith(f"/town/{town}{WEEK}")
    wait(browser, lambda d: town in title(d))
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#drill-villages tbody a"))
    assert "2026年第45周" in browser.find_element(By.ID, "drill-period").text
    screenshot(browser, "town-page")
    # the town's map: its villages drawn (dashed) over its grids, each opening a popup that leads
    # to its page on the week shown
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#area-map path.ol-village"))
    assert browser.find_elements(By.CSS_SELECTOR, "#area-map path.ol-grid")
    browser.execute_script(CLICK_VILLAGE)
    link = wait(browser, lambda d: d.find_element(By.CSS_SELECTOR, "#area-map .leaflet-popup-content a"))
    assert "/village/" in str(link.get_attribute("href")) and str(link.get_attribute("href")).endswith(WEEK)
    screenshot(browser, "town-page-map")
    browser.execute_script("document.getElementById('drill-villages').scrollIntoView()")
    screenshot(browser, "town-page-villages-ranked")

    href = click_first(browser, "drill-villages")
    assert "/village/" in href and href.endswith(WEEK)
    village = href.split("/village/")[1].split("?")[0]
    wait(browser, lambda d: village in title(d))
    assert crumbs(browser, "drill-breadcrumb") == [
        f"{served}/{WEEK}",
        f"{served}/town/{town}{WEEK}",
    ]
    wait(browser, lambda d: d.find_elements(By.CSS_SELECTOR, "#area-map path.ol-grid"))
    browser.execute_script("document.getElementById('area-map').scrollIntoView()")
    screenshot(browser, "village-page-map")
    browser.execute_script("window.scrollTo(0, 0)")
    screenshot(browser, "village-page")

    href = click_first(browser, "drill-grids")
    grid = href.split("/grid/")[1].split("?")[0]
    wait(browser, lambda d: grid in title(d))
    assert crumbs(browser, "drill-breadcrumb-gov") == [
        f"{served}/{WEEK}",
        f"{served}/town/{town}{WEEK}",
        f"{served}/village/{village}{WEEK}",
    ]
    assert browser.current_url.endswith(WEEK)
    screenshot(browser, "grid-page-of-a-town")
    assert not console_errors(browser)

    # another town is not found for them
    browser.get(f"{served}/town/{other_town(demo_db, town)}")
    wait(browser, lambda d: d.find_elements(By.ID, "not-found"))
