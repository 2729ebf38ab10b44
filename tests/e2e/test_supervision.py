"""督办 in a real browser, over two deliveries: a leader opens a red card from the wall, supervises
it on the item's page, and sees it on the station page; the chief of another station can neither
see the item nor act on it (a forged call included); the leader of the item's town sees it on the
town's page; the next delivery closes the item and its
supervision shows closed. Screenshots go to artifacts/e2e/supervision-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import Engine, create_engine, text

from etl.db import normalise_url
from etl.users import add_user
from etl.warehouse import Warehouse
from tests.support.accounts import PASSWORD
from tests.support.browser import browsing, console_errors, screenshot, wait
from tests.support.cli import serving
from tests.support.database import fresh_database
from tests.support.deliveries import closing, load

pytestmark = pytest.mark.db

NOTE = "请三日内清理完毕并反馈"
UNIT = "镇街综治中心"

# what the open button's callback writes (its key in the callback map is made of them)
OUTPUTS = ("sup-answer.children", "sup-detail.children", "sup-open-form.style", "sup-close-form.style")
# the forged call a chief outside the scope makes by hand: the open button's callback, naming the item
FORGE_JS = """
const done = arguments[arguments.length - 1];
const body = {output: arguments[0], outputs: arguments[1], changedPropIds: ['sup-open.n_clicks'],
  inputs: [{id: 'sup-open', property: 'n_clicks', value: 1}],
  state: [{id: 'sup-item', property: 'data', value: arguments[2]},
          {id: 'sup-note', property: 'value', value: '越权督办试一试'},
          {id: 'sup-unit', property: 'value', value: '城管'},
          {id: 'sup-days', property: 'value', value: 7}]};
fetch('/_dash-update-component', {method: 'POST', headers: {'Content-Type': 'application/json'},
  body: JSON.stringify(body)}).then(r => r.text().then(t => done(r.status + ' ' + t)));
"""


@pytest.fixture(scope="module")
def world(
    warehouse: Warehouse, test_db_url: str, demo_manifest: Path, cli_env: dict[str, str]
) -> Iterator[tuple[tuple[str, str], Engine, str]]:
    """The demo in a database of this module's own (the next delivery changes it), a leader, and
    the server. Loaded here, not copied from the loaded template: a copy would carry the shared
    demo's data stamp, and the servers of one run share their cache."""
    url = fresh_database(warehouse, test_db_url, "supervision_e2e")
    load(url, demo_manifest)
    db = url, warehouse.app_url_for(url)
    engine = create_engine(normalise_url(db[0]))
    add_user(db[0], "leader", "leadership", PASSWORD, display_name="领导")
    with serving(db, cli_env) as base:
        yield db, engine, base
    engine.dispose()


def text_of(driver: WebDriver, ident: str) -> str:
    return str(
        driver.execute_script(
            "const e = document.getElementById(arguments[0]); return e ? e.innerText : '';", ident
        )
    )


def row_of(item: str) -> str:
    """The open items' row of ``item`` (XPath)."""
    return f"//div[@id='drill-open-items']//tr[td//a[text()='{item}']]"


def supervisions(engine: Engine) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [dict(r) for r in conn.execute(text("select * from ops.supervisions")).mappings()]


def test_a_leader_supervises_a_red_card_from_the_wall_until_the_next_delivery_closes_it(
    world: tuple[tuple[str, str], Engine, str], demo_manifest: Path, tmp_path: Path
) -> None:
    db, engine, base = world
    with browsing(base, "leader") as driver:
        driver.get(base + "/wall")
        first = wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#wall-red-cards a"))
        item = first.get_attribute("href").split("/item/")[1].split("?")[0]
        screenshot(driver, "supervision-wall")
        first.click()
        wait(driver, lambda d: item in text_of(d, "item-title"))
        assert "未督办" in text_of(driver, "sup-state")
        driver.find_element(By.ID, "sup-note").send_keys(NOTE)
        driver.find_element(By.ID, "sup-unit").send_keys(UNIT)
        driver.find_element(By.CSS_SELECTOR, "#sup-days input[value='3']").click()
        screenshot(driver, "supervision-form")
        driver.find_element(By.ID, "sup-open").click()
        wait(driver, lambda d: "已提交" in text_of(d, "sup-answer"))
        state = wait(driver, lambda d: "督办中" in text_of(d, "sup-state") and text_of(d, "sup-state"))
        assert (
            "截止" in state
            and NOTE in text_of(driver, "sup-detail")
            and UNIT in text_of(driver, "sup-detail")
        )
        screenshot(driver, "supervision-opened")
        # the wall's red card carries the badge now
        driver.get(base + "/wall")
        wait(driver, lambda d: "督办中 · 截止" in text_of(d, "wall-red-cards"))
        screenshot(driver, "supervision-wall-badge")
        # the map marks it (amber while in hand), its tooltip saying so
        driver.get(base + "/")
        wait(
            driver,
            lambda d: (
                d.execute_script(
                    "return [...document.querySelectorAll('#map-view path.leaflet-interactive')]"
                    ".filter(p => p.getAttribute('fill') === '#bf8700').length"
                )
                == 1
            ),
        )
        screenshot(driver, "supervision-map")
        with engine.connect() as conn:
            station = conn.execute(
                text("select station_code from core.grid_events where event_no = :e"), {"e": item}
            ).scalar_one()
            other = conn.execute(
                text("select station_code from core.police_stations where station_code <> :s limit 1"),
                {"s": station},
            ).scalar_one()
        # the station page: the item's badge among the open items, and the station's supervisions
        driver.get(f"{base}/station/{station}")
        wait(driver, lambda d: item in text_of(d, "supervision-list"))
        assert "当前在督 1" in text_of(driver, "supervision-list")
        # (a re-render may replace the row while it is read: looked for again)
        wait(driver, lambda d: "督办中" in d.find_element(By.XPATH, row_of(item)).text)
        driver.execute_script("document.getElementById('supervision-list').scrollIntoView({block: 'center'})")
        screenshot(driver, "supervision-station")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#drill-trend .main-svg"))
        assert console_errors(driver) == []
    # the chief of another station: no such item, no such station, and a forged call does nothing
    add_user(db[0], "chief_out", "station_chief", PASSWORD, [other], display_name="外所所长")
    with browsing(base, "chief_out") as driver:
        driver.get(f"{base}/item/{item}")
        wait(driver, lambda d: "不在您的查看范围内" in text_of(d, "not-found"))
        driver.get(f"{base}/station/{station}")
        wait(driver, lambda d: "不在您的查看范围内" in text_of(d, "not-found"))
        outputs = [{"id": i, "property": p} for i, p in (part.split(".") for part in OUTPUTS)]
        answer = driver.execute_async_script(FORGE_JS, f"..{'...'.join(OUTPUTS)}..", outputs, item)
        assert "已提交" not in answer
    # the leader of the item's town sees it on the town's page, badge and list, and on its own page
    with engine.connect() as conn:
        town = conn.execute(
            text(
                "select g.town_code from core.grid_events e join core.grids g using (grid_code) "
                "where e.event_no = :e"
            ),
            {"e": item},
        ).scalar_one()
    add_user(db[0], "town_of_item", "town_leader", PASSWORD, towns=[town], display_name="镇街领导")
    with browsing(base, "town_of_item") as driver:
        driver.get(f"{base}/town/{town}")
        wait(driver, lambda d: item in text_of(d, "supervision-list"))
        assert "当前在督 1" in text_of(driver, "supervision-list")
        # (a re-render may replace the row while it is read: looked for again)
        wait(driver, lambda d: "督办中" in d.find_element(By.XPATH, row_of(item)).text)
        driver.execute_script("document.getElementById('supervision-list').scrollIntoView({block: 'center'})")
        screenshot(driver, "supervision-town")
        # the page drawn to the end (its trend chart too) before leaving it
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "#drill-trend .main-svg"))
        assert console_errors(driver) == []
        driver.get(f"{base}/item/{item}")
        wait(driver, lambda d: "督办中" in text_of(d, "sup-state"))
        assert driver.find_element(By.ID, "sup-close-form").is_displayed()  # theirs to close too
        assert console_errors(driver) == []
    rows = supervisions(engine)
    assert [(r["item_no"], r["state"], r["opened_by"]) for r in rows] == [(item, "open", "leader")]
    with engine.connect() as conn:
        tried = conn.execute(
            text("select result from ops.audit where action = 'supervise_open' and username = 'chief_out'")
        ).scalars()
        assert list(tried) == ["not_found"]
    # the next delivery brings the item closed: its supervision closes with it
    load(db[0], closing(demo_manifest, tmp_path / "next", [item]))
    assert [(r["state"], r["closed_reason"]) for r in supervisions(engine)] == [("closed", "item_closed")]
    with browsing(base, "leader") as driver:
        driver.get(f"{base}/item/{item}")
        state = wait(driver, lambda d: "已办结" in text_of(d, "sup-state") and text_of(d, "sup-state"))
        assert "事项办结自动关闭（事项办结于 2026-11-22 18:00）" in text_of(driver, "sup-detail")
        assert not driver.find_element(By.ID, "sup-close-form").is_displayed()
        screenshot(driver, "supervision-closed")
        assert "截止" not in state
