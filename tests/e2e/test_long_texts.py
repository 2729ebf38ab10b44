"""Very long texts a file delivered (a station's, grid's, workstation's or compound's name of
hundreds of characters, an event's title of thousands, an address as long) do not break the pages
or the wall: no page grows wider than the screen, the wall keeps its fixed screen (nothing scrolls,
its header, figures and rankings stay in their regions) and a long name is cut with its whole text
in a tooltip. Screenshots go to artifacts/e2e.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import create_engine, text

from etl.db import normalise_url
from etl.users import add_user
from etl.warehouse import Warehouse
from tests.support.accounts import PASSWORD
from tests.support.browser import browsing, screenshot, wait
from tests.support.cli import serving
from tests.support.database import loaded_database

pytestmark = pytest.mark.db

LONG = "很长的名称" * 60  # 300 characters, no space to break at
LONGER = "这是一段非常长的描述" * 400  # 4,000 characters
# how much wider than the screen the page is, how many times wider than its box the widest table
# (a table scrolls in its box), how wide the widest name on the map, how tall the heading and trail
MEASURE = """
const px = (sel, side) => Math.max(0, ...Array.from(document.querySelectorAll(sel))
    .map(e => e.getBoundingClientRect()[side]));
return {page: document.documentElement.scrollWidth - document.documentElement.clientWidth,
        table: Math.max(0, ...Array.from(document.querySelectorAll('.tbl-wrap'))
            .map(w => w.scrollWidth / w.clientWidth)),
        label: px('.station-label span, .bm-label span', 'width'),
        heading: px('#drill-area-title', 'height'), trail: px('.breadcrumb', 'height')};
"""


@pytest.fixture(scope="module")
def long_db(warehouse: Warehouse, test_db_url: str, demo_manifest: Path) -> tuple[str, str, dict[str, str]]:
    """The demo with long texts in the first station's name, its first grid's, a workstation's,
    a compound's, every red card's title and department and a building's address."""
    url = loaded_database(warehouse, test_db_url, demo_manifest, "long_texts")
    with create_engine(normalise_url(url)).begin() as conn:
        station = conn.execute(
            text("select station_code from core.police_stations order by 1 limit 1")
        ).scalar_one()
        grid = conn.execute(
            text("select grid_code from core.grid_events where grid_code is not null order by 1 limit 1")
        ).scalar_one()
        building = conn.execute(
            text("select building_code from core.buildings where station_code = :s order by 1 limit 1"),
            {"s": station},
        ).scalar_one()
        conn.execute(
            text("update core.police_stations set name = :n where station_code = :s"),
            {"n": LONG, "s": station},
        )
        conn.execute(text("update core.grids set name = :n where grid_code = :g"), {"n": LONG, "g": grid})
        conn.execute(text("update core.workstations set name = :n, theme = :n"), {"n": LONG})
        conn.execute(text("update core.communities set name = :n"), {"n": LONG})
        conn.execute(text("update core.grid_events set title = :t, handling_dept = :t"), {"t": LONGER})
        conn.execute(text("update core.disputes set dispute_type = :t, resolution = :t"), {"t": LONGER})
        conn.execute(
            text(
                "update core.standard_addresses set full_address = :t where address_code = "
                "(select address_code from core.buildings where building_code = :b)"
            ),
            {"t": LONGER, "b": building},
        )
    add_user(url, "leader", "leadership", PASSWORD, display_name="领导")
    add_user(url, "screen", "wall", PASSWORD, display_name="指挥中心大屏")
    return url, warehouse.app_url_for(url), {"station": station, "grid": grid, "building": building}


@pytest.fixture(scope="module")
def served(long_db: tuple[str, str, dict[str, str]], cli_env: dict[str, str]) -> Iterator[str]:
    with serving(long_db[:2], cli_env, workers=1, settings={"ONEMAP_WALL_ROTATE_SECONDS": "600"}) as base:
        yield base


def test_pages_with_long_texts_stay_within_the_screen(
    served: str, long_db: tuple[str, str, dict[str, str]]
) -> None:
    codes = long_db[2]
    paths = {
        "map": "/",
        "station": f"/station/{codes['station']}",
        "grid": f"/grid/{codes['grid']}",
        "building": f"/building/{codes['building']}",
        "quality": "/quality",
    }
    found: dict[str, Any] = {}
    with browsing(served, "leader") as d:
        d.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": False},
        )
        for name, path in paths.items():
            d.get(served + path)
            wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#page *"))
            time.sleep(3)
            screenshot(d, f"long-{name}")
            found[name] = d.execute_script(MEASURE)
    # nothing wider than the screen; a table with a few long texts (each cut at 32em) at most twice
    # its box (a title of 4,000 characters made one 43 times as wide); a name on the map at most 14em
    # of 15px; a heading at most two lines of 26px and a trail two lines of 14px each
    limits = {"page": 0, "table": 2, "label": 14 * 15 + 2, "heading": 2 * 40, "trail": 2 * 2 * 24}
    over = {
        name: {k: round(v) for k, v in m.items() if v > limits[k]}
        for name, m in found.items()
        if any(v > limits[k] for k, v in m.items())
    }
    assert over == {}, found
    assert found["station"]["table"] > 1 and found["map"]["label"] > 100  # the long texts were there


def test_the_wall_with_long_texts_keeps_its_screen(served: str) -> None:
    with browsing(served, "screen") as d:
        d.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1920, "height": 1080, "deviceScaleFactor": 1, "mobile": False},
        )
        d.get(served + "/wall")
        wait(d, lambda d: d.find_element(By.ID, "wall-current").text)
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, ".wall-label"))
        time.sleep(4)
        screenshot(d, "long-wall")
        m = d.execute_script(
            "const de = document.documentElement, map = document.querySelector('#wall-map');"
            "const w = Math.max(...Array.from(document.querySelectorAll('.wall-label span'))"
            "    .map(e => e.getBoundingClientRect().width));"
            "return [de.scrollWidth, de.scrollHeight, window.innerWidth, window.innerHeight,"
            "        w, map.getBoundingClientRect().width];"
        )
    assert m[0] <= m[2] and m[1] <= m[3], m  # nothing scrolls: the wall's screen is fixed
    # a station's name is written inside the map, at most 14em of 2.6vh: not across it
    assert 100 < m[4] <= 14 * 0.026 * 1080 + 2 and m[4] < m[5] / 2, m
