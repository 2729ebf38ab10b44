"""An officer judges an alert in a real browser: a station chief finds an alert on the map, opens it
(rule, score, reason, state, history), sets 不属实 with a note; the grid page lists it as 不属实, the
map marks it so, and the leadership's audit page shows the rule's precision changed. Screenshots
go to artifacts/e2e/alert-*.png."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import Engine, create_engine, text

from common.codebook import label
from etl.db import normalise_url
from tests.support.browser import browsing, console_errors, screenshot, wait
from tests.support.supervising import wipe

pytestmark = pytest.mark.db

NOTE = "入户核实：现场情况与预警不符"

# the alert markers drawn on the map (SVG paths of the alert colour), nearest the map's centre first;
# a click on one is dispatched on it (the search's highlight marker sits on top of it)
MARKERS_JS = """
const box = document.getElementById('map-view').getBoundingClientRect();
const cx = box.left + box.width / 2, cy = box.top + box.height / 2;
const found = [...document.querySelectorAll('#map-view path.leaflet-interactive')]
  .filter(p => p.getAttribute('fill') === arguments[0])
  .map(p => { const r = p.getBoundingClientRect();
              return {p: p, x: r.left + r.width / 2, y: r.top + r.height / 2}; })
  .sort((a, b) => Math.hypot(a.x - cx, a.y - cy) - Math.hypot(b.x - cx, b.y - cy));
if (arguments[1] && found.length) {
  const f = found[0];
  f.p.dispatchEvent(new MouseEvent('click', {bubbles: true, clientX: f.x, clientY: f.y, view: window}));
}
return found.length;
"""


@pytest.fixture(scope="module")
def core(demo_db: tuple[str, str]) -> Iterator[Engine]:
    engine = create_engine(normalise_url(demo_db[0]))
    yield engine
    engine.dispose()


@pytest.fixture
def clean(core: Engine) -> Iterator[None]:
    """No verdicts (nor supervisions) before or after: the demo is shared; the audit keeps its rows."""
    wipe(core, verdicts=True)
    yield
    wipe(core, verdicts=True)


def lone_alert(core: Engine, station: str) -> dict[str, Any]:
    """An alert at a building of ``station`` with no other alert within 200 m (a marker of its own
    on the map, never in a cluster)."""
    with core.connect() as conn:
        return dict(
            conn.execute(
                text(
                    "select a.alert_id, a.alert_kind, a.reason, a.building_code, a.grid_code "
                    "from core.alerts a "
                    "where a.station_code = :s and a.building_code is not null and not exists ("
                    "  select 1 from core.alerts b where b.alert_id <> a.alert_id "
                    "  and st_dwithin(b.geom::geography, a.geom::geography, 200)) "
                    "order by a.score desc nulls last, a.alert_id limit 1"
                ),
                {"s": station},
            )
            .mappings()
            .one()
        )


def text_of(driver: WebDriver, ident: str) -> str:
    return str(
        driver.execute_script(
            "const e = document.getElementById(arguments[0]); return e ? e.innerText : '';", ident
        )
    )


def precision(served: str) -> str:
    """The audit page's precision table as the leadership reads it."""
    with browsing(served, "leader") as driver:
        driver.get(served + "/audit")
        wait(driver, lambda d: "告警规则准确率" in text_of(d, "alert-precision"))
        return text_of(driver, "alert-precision")


def test_an_officer_judges_an_alert_on_the_map_and_the_grid_page_and_precision_show_it(
    served: str, accounts: dict[str, Any], core: Engine, clean: None
) -> None:
    (station,) = accounts["chief_a"].stations
    alert = lone_alert(core, station)
    rule = label("alert_kind", alert["alert_kind"])
    before = precision(served)
    assert rule not in before  # nobody has judged an alert yet
    with browsing(served, "chief_a") as driver:
        driver.get(served + "/")
        search = wait(driver, lambda d: d.find_element(By.ID, "map-search-q"))
        search.send_keys(alert["building_code"], Keys.ENTER)
        wait(driver, lambda d: d.find_element(By.CSS_SELECTOR, "#map-search-results button.hit")).click()
        # the map flies to the building: the alert's own marker, unjudged (red), is near the centre
        wait(driver, lambda d: d.execute_script(MARKERS_JS, "#cf222e", False) > 0)
        wait(
            driver,
            lambda d: (
                d.execute_script(MARKERS_JS, "#cf222e", True) > 0
                and alert["reason"] in text_of(d, "alert-detail")
            ),
        )
        detail = text_of(driver, "alert-detail")
        assert rule in detail and "评分" in detail and label("alert_state", "open") in detail
        assert "尚无核实记录" in detail
        form = driver.find_element(By.ID, "alert-verdict-form")
        assert form.is_displayed()
        driver.execute_script("document.getElementById('alert-panel').scrollIntoView({block: 'start'})")
        driver.find_element(By.CSS_SELECTOR, "#alert-verdict-state input[value='false']").click()
        driver.find_element(By.ID, "alert-verdict-note").send_keys(NOTE)
        screenshot(driver, "alert-panel-form")
        driver.find_element(By.ID, "alert-verdict-submit").click()
        wait(driver, lambda d: "已提交" in text_of(d, "alert-verdict-result"))
        detail = wait(driver, lambda d: NOTE in text_of(d, "alert-detail") and text_of(d, "alert-detail"))
        assert label("alert_state", "false") in detail and "甲所长" in detail
        # the marker turns grey (不属实): no red marker left where it stood
        wait(driver, lambda d: d.execute_script(MARKERS_JS, "#8c959f", False) > 0)
        screenshot(driver, "alert-panel-judged")
        # the grid page lists it as 不属实, open ones first
        driver.get(f"{served}/grid/{alert['grid_code']}")
        listed = wait(
            driver, lambda d: alert["reason"] in text_of(d, "alert-list") and text_of(d, "alert-list")
        )
        row = next(line for line in listed.splitlines() if alert["reason"] in line)
        assert label("alert_state", "false") in row, row
        driver.execute_script(
            "document.getElementById('alert-section').scrollIntoView({block: 'start'});"
            "const row = [...document.querySelectorAll('#alert-list tr')]"
            "  .find(r => r.innerText.includes(arguments[0]));"
            "if (row) { row.scrollIntoView({block: 'nearest'}); }",
            alert["reason"],
        )
        screenshot(driver, "alert-grid-list")
        assert console_errors(driver) == []
    after = precision(served)
    row = next(line for line in after.splitlines() if line.startswith(rule))
    assert row.split() == [rule, "0", "1", "0", "0%"], row  # one verdict, found false
