"""A station chief's drill pages in a real Chromium: the station page opens with a map of the
station (its grids, heat and open items) whose grids open a popup linking to their page on the
week shown; the building page states the building's facts and gate access.

Screenshots of the station page's map and of a building page go to artifacts/e2e.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import Engine, create_engine, text

from etl.db import normalise_url
from tests.support.browser import browsing, console_errors, screenshot, wait
from tests.support.mapview import WEEK

pytestmark = pytest.mark.db

# the first grid path of the map, clicked at its middle as a person would
CLICK_GRID = """
const p = document.querySelector('#area-map .leaflet-grids-pane path.ol-grid');
p.scrollIntoView({block: 'center'});
const r = p.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
p.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: x, clientY: y, view: window}));
"""


@pytest.fixture(scope="module")
def core(demo_db: tuple[str, str]) -> Iterator[Engine]:
    engine = create_engine(normalise_url(demo_db[0]))
    yield engine
    engine.dispose()


def test_a_chief_reads_the_station_map_and_a_building(
    served: str, accounts: dict[str, Any], core: Engine
) -> None:
    (station,) = accounts["chief_a"].stations
    with core.connect() as conn:
        building = conn.execute(
            text(
                "select building_code from core.access_daily where station_code = :s "
                "group by 1 order by sum(events) desc, 1 limit 1"
            ),
            {"s": station},
        ).scalar_one()
    with browsing(served, "chief_a") as driver:
        driver.set_window_size(1280, 1000)
        driver.get(f"{served}/station/{station}{WEEK}")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#area-map .leaflet-grids-pane path"))
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#area-map .leaflet-heat-pane img"))
        the_map = driver.find_element(By.ID, "area-map")
        assert 400 <= the_map.size["height"] <= 440
        driver.execute_script("arguments[0].scrollIntoView(); window.scrollBy(0, -60)", the_map)
        time.sleep(0.8)
        screenshot(driver, "drill-station-map")
        driver.execute_script(CLICK_GRID)
        popup = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#area-map .onemap-popup"), 10)[0]
        links = [a.get_attribute("href") for a in popup.find_elements(By.CSS_SELECTOR, "a.popup-link")]
        assert links and all(WEEK in h for h in links), links
        assert any("/grid/" in h for h in links)
        time.sleep(0.4)
        screenshot(driver, "drill-station-map-popup")
        assert "起/平方公里" in driver.find_element(By.ID, "area-map-legend").text

        driver.get(f"{served}/building/{building}{WEEK}")
        wait(driver, lambda d: d.find_elements(By.ID, "building-facts"))
        facts = driver.find_element(By.ID, "building-facts").text
        assert "层数" in facts and "实有人口" in facts
        access = driver.find_element(By.ID, "building-access").text
        assert "通行次数" in access
        screenshot(driver, "drill-building-page")
        assert console_errors(driver) == []
