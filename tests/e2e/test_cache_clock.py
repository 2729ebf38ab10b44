"""The served dashboard's cache in a real browser: the server warms its cache by itself (no load
ran), and a supervision turning overdue shows on the cached station page without a load or a
step of the supervision. Screenshots go to artifacts/e2e/cache-clock-*.png."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import create_engine, text

from etl.db import normalise_url
from tests.support.browser import browsing, console_errors, screenshot, wait
from tests.support.cli import serving
from tests.support.deliveries import carded_events
from tests.support.supervising import wipe

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("served-cache")


@pytest.fixture(scope="module")
def served(demo_db: tuple[str, str], cli_env: dict[str, str], cache_dir: Path) -> Iterator[str]:
    """`onemap serve` on the demo with a cache of its own, looking every second whether to warm it."""
    settings = {"ONEMAP_CACHE_DIR": str(cache_dir), "ONEMAP_CACHE_WARM_CHECK_SECONDS": "1"}
    with serving(demo_db, cli_env, settings=settings) as base:
        yield base


def text_of(driver: Any, ident: str) -> str:
    return str(
        driver.execute_script(
            "const e = document.getElementById(arguments[0]); return e ? e.innerText : '';", ident
        )
    )


def row_text(driver: Any, item: str) -> str:
    """The open items' row of ``item`` on a drill page (looked for anew: a re-render replaces it)."""
    row = f"//div[@id='drill-open-items']//tr[td//a[text()='{item}']]"
    return str(driver.find_element(By.XPATH, row).text)


def test_a_supervision_turning_overdue_shows_on_the_served_station_page(
    served: str, demo_db: tuple[str, str], accounts: dict[str, Any], cache_dir: Path
) -> None:
    # the server warmed its cache itself (no load ran): it marked the data, period and day warmed
    warmed = cache_dir / "warmed"
    deadline = time.monotonic() + 180
    while not (warmed.is_dir() and any(warmed.iterdir())) and time.monotonic() < deadline:
        time.sleep(1)
    assert len(list(warmed.iterdir())) == 1
    (station,) = accounts["chief_a"].stations
    item = carded_events(demo_db[0], station, 1)[0]
    owner = create_engine(normalise_url(demo_db[0]))
    wipe(owner)
    try:
        with browsing(served, "leader") as driver:
            driver.get(f"{served}/item/{item}")
            wait(driver, lambda d: "未督办" in text_of(d, "sup-state"))
            driver.find_element(By.ID, "sup-note").send_keys("请三日内清理完毕并反馈")
            driver.find_element(By.ID, "sup-unit").send_keys("镇街综治中心")
            driver.find_element(By.CSS_SELECTOR, "#sup-days input[value='3']").click()
            driver.find_element(By.ID, "sup-open").click()
            wait(driver, lambda d: "已提交" in text_of(d, "sup-answer"))
            driver.get(f"{served}/station/{station}")
            wait(driver, lambda d: "督办中" in row_text(d, item))
            assert "逾期" not in row_text(driver, item)
            # its deadline's day ends (moved back here: the database compares it with its clock);
            # no load, no step of the supervision
            with owner.begin() as conn:
                conn.execute(
                    text("update ops.supervisions set deadline = current_date - 2 where item_no = :i"),
                    {"i": item},
                )
            driver.get(f"{served}/station/{station}")
            wait(driver, lambda d: "督办逾期" in row_text(d, item))
            driver.execute_script(
                "document.getElementById('drill-open-items').scrollIntoView({block: 'center'})"
            )
            screenshot(driver, "cache-clock-overdue")
            wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#drill-trend .main-svg"))
            assert console_errors(driver) == []
    finally:  # the demo is shared
        wipe(owner)
        owner.dispose()
