"""The analysis (研判) as a person sees it in a real headless Chromium from `onemap serve` on the
demo: the leadership's page with its hot spots, risk inputs and back-test chart, a hot grid's page
reached from it saying since when it is hot, a station chief's part of it, and the wall's new and
intensifying hot spots on screen (screenshots under artifacts/e2e)."""

from __future__ import annotations

import time
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import create_engine

from common.codebook import label
from etl.db import normalise_url
from tests.support.browser import browsing, console_errors, screenshot, wait
from tests.support.dash_calls import column
from tests.support.mapview import click_centre, open_view

pytestmark = pytest.mark.db


def hot_classes(demo_db: tuple[str, str], *only: str) -> list[str]:
    """The names of the hot-spot classes the analysis found among the grids (of ``only`` if given):
    which ones a week has depends on the ground drawn (on 增城区's, the last week has no new one)."""
    found = column(
        create_engine(normalise_url(demo_db[0])),
        "select distinct hotspot_class from core.hotspot_trends where scope_code = 'all' "
        "and unit_kind = 'grid' and hotspot_class like '%\\_hot'",
    )
    names = [label("hotspot_class", c) for c in found if not only or c in only]
    assert names, found
    return names


def text(driver: WebDriver, ident: str) -> str:
    return str(wait(driver, lambda d: d.find_element(By.ID, ident).text))


def test_the_leadership_reads_the_analysis_and_follows_a_hot_spot(
    served: str, accounts: dict[str, Any], demo_db: tuple[str, str]
) -> None:
    with browsing(served, "leader") as driver:
        driver.get(served + "/")
        link = wait(driver, lambda d: d.find_element(By.LINK_TEXT, "研判"))  # in the top bar
        link.click()
        hot = text(driver, "analysis-hot-grids")
        assert all(name in hot for name in hot_classes(demo_db)), hot
        assert "近12周警情加权" in text(driver, "analysis-risk-inputs")
        screenshot(driver, "analysis-page")
        driver.execute_script("document.getElementById('analysis-backtest-sum-grid').scrollIntoView()")
        chart = wait(
            driver,
            lambda d: d.find_elements(By.CSS_SELECTOR, "#analysis-backtest-chart-grid .scatterlayer .trace"),
        )
        assert len(chart) == 4  # the model and three naive forecasts
        assert "风险叠加模型" in text(driver, "analysis-backtest-sum-grid")
        time.sleep(0.5)
        screenshot(driver, "analysis-backtest")
        first = driver.find_element(By.CSS_SELECTOR, "#analysis-hot-grids tbody tr td a")
        first.click()
        line = text(driver, "drill-hotspot")
        assert line.startswith("本网格自") and "研判截至" in line, line
        screenshot(driver, "analysis-grid-line")
        assert not console_errors(driver)


def test_a_station_chief_sees_their_part(
    served: str, accounts: dict[str, Any], demo_db: tuple[str, str]
) -> None:
    core = create_engine(normalise_url(demo_db[0]))
    station = column(core, "select station_code from core.police_stations order by 1")[0]
    name = column(core, "select name from core.police_stations where station_code = :s", s=station)[0]
    with browsing(served, "chief_a") as driver:
        driver.get(served + "/analysis")
        wait(driver, lambda d: d.find_element(By.ID, "analysis-hot-grids").text)
        stations = {
            td.text
            for td in driver.find_elements(By.CSS_SELECTOR, "#analysis-hot-grids tbody tr td:nth-child(3)")
        }
        assert stations == {name}
        assert name in text(driver, "analysis-standing")
        screenshot(driver, "analysis-chief")


def test_the_wall_shows_the_new_and_intensifying_hot_spots(
    served: str, accounts: dict[str, Any], demo_db: tuple[str, str]
) -> None:
    with browsing(served, "screen") as driver:
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
        )
        driver.get(served + "/wall")
        items = wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#wall-rising li"))
        wait(driver, lambda d: d.find_element(By.ID, "wall-clock").text)
        time.sleep(2)
        rising = driver.find_element(By.ID, "wall-rising").text
        assert any(name in rising for name in hot_classes(demo_db, "new_hot", "intensifying_hot")), rising
        # every line on the screen, inside the rankings' column, below the grid ranking's last line
        # and above the red cards' heading
        box = driver.execute_script(
            "const c = document.getElementById('wall-rankings').getBoundingClientRect();"
            "const above = [...document.querySelectorAll('#wall-grid-ranking li')].pop()"
            ".getBoundingClientRect();"
            "const below = document.getElementById('wall-red-cards').previousElementSibling"
            ".getBoundingClientRect();"
            "return [...document.querySelectorAll('#wall-rising li')].map(li => {"
            "const r = li.getBoundingClientRect();"
            "return r.top >= above.bottom && r.bottom <= below.top && r.bottom <= c.bottom; });"
        )
        assert items and all(box), box
        screenshot(driver, "analysis-wall")


def test_the_map_shows_hot_spots_with_their_legend_and_popup(
    served: str, accounts: dict[str, Any], demo_db: tuple[str, str]
) -> None:
    core = create_engine(normalise_url(demo_db[0]))
    code, lat, lon = column(
        core,
        "select array[t.unit_code, st_y(st_pointonsurface(u.geom))::text, "
        "st_x(st_pointonsurface(u.geom))::text] "
        "from core.hotspot_trends t join core.analysis_units u using (unit_kind, unit_code) "
        "where t.scope_code = 'all' and t.unit_kind = 'grid' and t.hotspot_class = 'persistent_hot' "
        "order by t.gi_z desc limit 1",
    )[0]
    with browsing(served, "leader") as driver:
        open_view(driver, served, f"z=13&c={float(lat):.6f},{float(lon):.6f}&on=hotspots", "")
        legend = wait(driver, lambda d: d.find_element(By.ID, "map-analysis-legend").text)
        assert "冷热点演变类别" in legend and "持续热点" in legend, legend
        popup = click_centre(driver)
        assert "持续热点" in popup["text"] and "Gi* z" in popup["text"] and "趋势" in popup["text"], popup
        assert popup["links"] == [f"/grid/{code}"], popup
        time.sleep(0.5)
        screenshot(driver, "analysis-map-hotspots")
        open_view(driver, served, f"z=12&c={float(lat):.6f},{float(lon):.6f}&on=risk", "")
        legend = wait(driver, lambda d: d.find_element(By.ID, "map-analysis-legend").text)
        assert "下周风险" in legend and "风险最高的1%面积" in legend, legend
        screenshot(driver, "analysis-map-risk")
