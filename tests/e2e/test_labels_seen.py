"""What a person sees in the browser holds no English code: the rendered text of the pages, read by
a real headless Chromium from `onemap serve` on the demo (screenshots under artifacts/e2e).

The server-side scan (tests/dashboard/test_codes_scan.py) reads every response; this one reads
what the browser made of them, the map's hover tooltip included.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import create_engine, text

from dashboard.map.labels import LABEL_ZOOM
from etl.db import normalise_url
from tests.support.browser import browsing, screenshot, wait
from tests.support.codes import findings
from tests.support.dash_calls import column
from tests.support.mapview import open_view

pytestmark = pytest.mark.db


@pytest.fixture
def leader(served: str, accounts: dict[str, Any]) -> Iterator[WebDriver]:
    with browsing(served, "leader") as driver:
        yield driver


def seen(driver: WebDriver, base: str, path: str, ready: str) -> str:
    """The page's rendered text once the element ``ready`` (a CSS selector) has text."""
    driver.get(base + path)
    wait(
        driver,
        lambda d: d.find_elements(By.CSS_SELECTOR, ready) and d.find_element(By.CSS_SELECTOR, ready).text,
    )
    return str(driver.execute_script("return document.body.innerText"))


def test_the_pages_a_person_sees_hold_no_english_code(
    served: str, leader: WebDriver, demo_db: tuple[str, str]
) -> None:
    core = create_engine(normalise_url(demo_db[0]))
    station = column(core, "select station_code from core.police_stations order by 1")[0]
    building = column(
        core,
        "select building_code from core.rental_units where building_code in "
        "(select building_code from core.persons) group by 1 order by count(*) desc, 1 limit 1",
    )[0]
    grid = column(
        core,
        "select grid_code from core.disputes where status <> 'resolved' and risk_level = 'high' "
        "group by 1 order by count(*) desc, 1 limit 1",
    )[0]
    texts = {
        "station": seen(leader, served, f"/station/{station}", "#drill-cameras"),
        "building": seen(leader, served, f"/building/{building}", "#drill-occupants"),
    }
    screenshot(leader, "labels-building")
    texts["station again"] = seen(leader, served, f"/station/{station}", "#drill-zero-incident-communities")
    leader.execute_script("document.getElementById('drill-cameras').scrollIntoView()")
    screenshot(leader, "labels-station-cameras")
    texts["grid"] = seen(leader, served, f"/grid/{grid}", "#drill-open-items")
    leader.execute_script("document.getElementById('drill-open-items').scrollIntoView()")
    screenshot(leader, "labels-grid-open-items")
    texts["quality"] = seen(leader, served, "/quality", "#quarantine")
    texts["audit"] = seen(leader, served, "/audit", "#audit-rows")
    texts["wall"] = seen(leader, served, "/wall", "#wall-red-cards")
    screenshot(leader, "labels-wall")
    texts["map"] = seen(leader, served, "/", "#map-selection")
    outline = wait(leader, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-station"))[0]
    ActionChains(leader).move_to_element(outline).perform()
    tip = wait(leader, lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-tooltip"))[0]
    texts["map tooltip"] = tip.text
    assert "（" in tip.text  # a station's name beside its code
    assert "·第" in texts["station"]  # its grids named with their village
    # a station's grids at street level, opened as a shared link would (on 增城区's ground the middle
    # of a station's box may lie outside it): its grids are labelled with name and code
    with core.connect() as conn:
        grid = conn.execute(
            text(
                "select station_code, st_y(st_pointonsurface(geom)) as lat, st_x(st_pointonsurface(geom)) "
                "as lon from serve.grids order by grid_code limit 1"
            )
        ).one()
    open_view(leader, served, f"z={LABEL_ZOOM + 1}&c={grid.lat:.6f},{grid.lon:.6f}&st={grid.station_code}")
    labels = wait(
        leader, lambda d: [e.text for e in d.find_elements(By.CSS_SELECTOR, ".grid-label") if e.text]
    )
    texts["map grid labels"] = "\n".join(labels)
    assert any("·第" in t for t in labels)
    screenshot(leader, "labels-map-grids")
    core.dispose()
    assert findings(texts) == {}
