"""A grid worker on a phone (Chromium's mobile emulation, 390 × 844): signs in, sees their grid on
the map with their open items (red cards first) and alerts, opens an item and a building (masked
occupants, rental units), signs out. Every control is on screen and at least 44 px; the header
wraps by words, never a character per line. Screenshots go to artifacts/e2e/phone-*.png.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.support.browser import chromium, console_errors, screenshot, sign_in, wait
from tests.support.seen import map_names

pytestmark = pytest.mark.db

WIDTH, HEIGHT = 390, 844
# the outline of the viewer's grids on the map (null until drawn): whether it lies inside the map's
# box and how much of the box's width or height it spans
FRAMED_JS = """
const m = document.querySelector('#map-view').getBoundingClientRect();
const rs = [...document.querySelectorAll('#map-view path.ol-grid')].map(p => p.getBoundingClientRect());
if (!rs.length) return null;
const x0 = Math.min(...rs.map(r => r.left)), x1 = Math.max(...rs.map(r => r.right));
const y0 = Math.min(...rs.map(r => r.top)), y1 = Math.max(...rs.map(r => r.bottom));
return {inside: x0 >= m.left - 2 && x1 <= m.right + 2 && y0 >= m.top - 2 && y1 <= m.bottom + 2,
        fill: Math.max((x1 - x0) / m.width, (y1 - y0) / m.height),
        box: [x0, y0, x1, y1], map: [m.left, m.top, m.right, m.bottom]};
"""
MIN_TOUCH = 44
BASEMAP = "#mine-map .leaflet-basemap-pane"  # the local basemap's shapes under the grid on /mine

# every control on the page that is shown: its text, its tap target's box (a check box or radio
# button is tapped anywhere on the label that holds it), whether a tap at its centre reaches it,
# and whether the page scrolls sideways
CONTROLS_JS = """
const shown = e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
  return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
const sel = 'a[href], button, summary, input:not([type=hidden]), select, textarea, [role=button], ' +
  '[role=slider], [role=combobox], [role=checkbox], [role=radio]';
const target = e => (e.matches('input[type=checkbox], input[type=radio]') && e.closest('label')) || e;
// brought to the middle of the screen as a thumb would: the page scrolled, and a list scrolled
// within (never the map's own box, which Leaflet moves by itself)
const reveal = t => {
  for (let box = t.parentElement; box; box = box.parentElement) {
    if (box.classList.contains('leaflet-container')) break;
    const scrolls = /(auto|scroll)/.test(getComputedStyle(box).overflowY)
      && box.scrollHeight > box.clientHeight;
    if (scrolls && box !== document.body && box !== document.documentElement) {
      const r = t.getBoundingClientRect(), b = box.getBoundingClientRect();
      box.scrollTop += r.top - b.top - (b.height - r.height) / 2;
    }
  }
  const r = t.getBoundingClientRect();
  window.scrollBy(0, r.top + r.height / 2 - window.innerHeight / 2);
};
const reached = e => {
  const t = target(e);
  reveal(t);
  const r = t.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return !!hit && (t.contains(hit) || hit.contains(t));
};
const root = document.querySelector(arguments[0] || 'body');
const found = [...root.querySelectorAll(sel)].filter(shown).filter(e => !e.closest('[aria-hidden=true]'));
const out = found.map(e => {
  const reach = reached(e);
  const r = target(e).getBoundingClientRect();
  return {text: (e.innerText || e.value || e.title || e.getAttribute('aria-label') || e.className || '')
            .toString().trim().slice(0, 40),
          left: r.left + window.scrollX, right: r.right + window.scrollX, width: r.width, height: r.height,
          reached: reach, marker: !!e.closest('.leaflet-marker-pane')};
});
window.scrollTo(0, 0);
return {
  controls: out,
  sideways: document.documentElement.scrollWidth > window.innerWidth + 1,
  width: window.innerWidth,
};
"""

# each item of the top bar: its box, and the height of one line of its text
HEADER_JS = """
return [...document.querySelectorAll('.topbar > *')].filter(e => e.getBoundingClientRect().width > 0)
  .map(e => { const r = e.getBoundingClientRect(); const s = getComputedStyle(e);
    return {text: e.innerText.trim(), width: r.width, height: r.height, right: r.right,
            line: parseFloat(s.lineHeight) || 1.4 * parseFloat(s.fontSize)}; });
"""


@pytest.fixture
def phone() -> Iterator[WebDriver]:
    driver = chromium(phone=True)
    try:
        yield driver
    finally:
        driver.quit()


def check_controls(driver: WebDriver, page: str, within: str | None = None) -> int:
    """Every shown control (of the element ``within`` selects, or the page) is on screen (the page
    never scrolls sideways), at least 44 px, and a tap at its centre reaches it (a marker on the map
    is reached by moving the map: its size counts, not where it lies)."""
    found = driver.execute_script(CONTROLS_JS, within)
    assert found["width"] == WIDTH
    assert not found["sideways"], page
    small = [c for c in found["controls"] if c["width"] < MIN_TOUCH - 0.5 or c["height"] < MIN_TOUCH - 0.5]
    assert small == [], (page, [(c["text"], c["width"], c["height"]) for c in small])
    off = [c for c in found["controls"] if c["left"] < -0.5 or c["right"] > WIDTH + 0.5]
    assert off == [], (page, off)
    hidden = [
        c for c in found["controls"] if not c["reached"] and not c["marker"]
    ]  # covered: no tap gets there
    assert hidden == [], (page, [(c["text"], c["left"], c["width"]) for c in hidden])
    return len(found["controls"])


def check_header(driver: WebDriver, page: str) -> None:
    """Each item of the top bar stays on one line, and 退出 is on screen."""
    for item in driver.execute_script(HEADER_JS):
        if item["text"]:
            assert item["height"] < max(2 * item["line"], MIN_TOUCH + 1), (page, item)
            assert item["width"] >= len(item["text"]) * 10, (page, item)  # not a character per line
    logout = driver.find_element(By.ID, "nav-logout")
    assert logout.is_displayed() and logout.text == "退出"
    box = logout.rect
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH and box["y"] >= 0, box


def names_inside(driver: WebDriver, the_map: str) -> None:
    """Every name written on the map lies inside it, or is left out (never cut at its edge)."""
    time.sleep(1)  # the names placed after the map's last move
    names = map_names(driver, the_map)
    assert names["written"] and names["cut"] == [], names


def tap(driver: WebDriver, element: Any) -> None:
    """A tap on an SVG marker, dispatched where Leaflet listens."""
    driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true,"
        " clientX: r.left + r.width / 2, clientY: r.top + r.height / 2}));",
        element,
    )


def test_a_grid_worker_on_a_phone(served: str, accounts: dict[str, Any], phone: WebDriver) -> None:
    (grid,) = accounts["worker"].grids
    phone.get(served + "/login")
    assert phone.execute_script("return window.innerWidth") == WIDTH
    check_controls(phone, "login")
    screenshot(phone, "phone-login")
    sign_in(phone, served, "worker")

    # their own grid first: the map with its outline and buildings, then what needs them
    wait(phone, lambda d: d.current_url == served + "/mine")
    title = wait(phone, lambda d: d.find_element(By.ID, "mine-title").text)
    assert title.startswith("我的网格")
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "#mine-map path.ol-grid"))
    the_map = phone.find_element(By.CSS_SELECTOR, "#mine-map")
    assert the_map.size["height"] > 250 and the_map.size["width"] > 340 and the_map.location["y"] < HEIGHT
    buildings = wait(
        phone,
        lambda d: d.find_elements(By.CSS_SELECTOR, "#mine-buildings path, #mine-map path[fill='#57606a']"),
    )
    assert buildings
    # under them the streets, the land and their names, so the worker in the street finds the building
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, f"{BASEMAP} path.bm-road-line"))
    assert phone.find_elements(By.CSS_SELECTOR, f"{BASEMAP} path.bm-land")
    names = phone.find_elements(By.CSS_SELECTOR, "#mine-map .leaflet-basemap-labels-pane .bm-label")
    assert [n for n in names if (n.get_attribute("textContent") or "").strip()], "the streets have no names"
    # the streets' own names, inside the map as the worker sees it (not only the town's name)
    streets = phone.execute_script(
        "const m = document.querySelector('#mine-map').getBoundingClientRect();"
        "return [...document.querySelectorAll('#mine-map .bm-road')].filter(e => {"
        " const r = e.getBoundingClientRect(); return e.textContent.trim() && r.width > 0"
        " && r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom;"
        "}).map(e => e.textContent);"
    )
    assert streets, "no street of the grid is named on its map"
    # the basemap lies under the grid's outline and the buildings, never over them
    z = "return +getComputedStyle(document.querySelector(`#mine-map .leaflet-${arguments[0]}-pane`)).zIndex"
    assert phone.execute_script(z, "basemap") < phone.execute_script(z, "basemap-labels")
    assert phone.execute_script(z, "basemap-labels") < phone.execute_script(z, "overlay")
    assert not phone.find_elements(By.CSS_SELECTOR, f"{BASEMAP} path.ol-grid")
    counts = phone.find_element(By.ID, "mine-counts").text
    assert "红牌" in counts and "预警" in counts
    cards = [
        (e.get_attribute("class") or "").split("card-")[-1]
        for e in phone.find_elements(By.CSS_SELECTOR, "#mine-items details")
    ]
    assert cards, "the demo grid has open items"
    rank = {"red": 0, "yellow": 1, "none": 2}
    assert [rank[c] for c in cards] == sorted(rank[c] for c in cards)  # red cards first, then yellow
    check_header(phone, "/mine")
    check_controls(phone, "/mine")
    names_inside(phone, "#mine-map")
    screenshot(phone, "phone-mine")

    # an open item opens in place
    first = phone.find_element(By.CSS_SELECTOR, "#mine-items details summary")
    first.click()
    facts = wait(phone, lambda d: d.find_element(By.CSS_SELECTOR, "#mine-items details[open] .mine-facts"))
    assert "办结时限" in facts.text and "状态" in facts.text
    check_controls(phone, "/mine, an item open")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", first)
    screenshot(phone, "phone-item")

    # a building tapped on the map opens its page
    phone.execute_script("window.scrollTo(0, 0)")
    marker = phone.find_elements(By.CSS_SELECTOR, "#mine-map path[fill='#57606a']")[0]
    tap(phone, marker)
    wait(phone, lambda d: "/building/" in d.current_url)
    wait(phone, lambda d: d.find_element(By.ID, "drill-area-title").text)
    phone.back()

    # a building from the list, one with people: masked occupants and its rental units
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "#mine-building-list a"))
    rows = phone.find_elements(By.CSS_SELECTOR, "#mine-building-list a")
    peopled = [r for r in rows if re.search(r"人口 [1-9]", r.text)]
    assert peopled
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'})", peopled[0])
    peopled[0].click()
    wait(phone, lambda d: "/building/" in d.current_url)
    occupants = wait(phone, lambda d: d.find_element(By.ID, "drill-occupants").text)
    assert phone.find_element(By.ID, "drill-units")
    assert "*" in occupants and not re.search(r"\b\d{17}[\dX]\b|\b1\d{10}\b", occupants)  # masked
    assert (
        grid in phone.find_element(By.ID, "drill-breadcrumb").text
        or "网格" in phone.find_element(By.ID, "drill-breadcrumb").text
    )
    # no fact's label or figure breaks over lines: a text whose line boxes sit at two heights wrapped
    broken = phone.execute_script(
        "return [...document.querySelectorAll('#building-facts dt, #building-facts dd')].filter(e => {"
        " const r = document.createRange(); r.selectNodeContents(e);"
        " return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1;"
        "}).map(e => e.textContent);"
    )
    assert not broken, f"building facts broken over lines on a phone: {broken}"
    check_header(phone, "/building")
    check_controls(phone, "/building")
    screenshot(phone, "phone-building")

    # a page of tables fits as well
    phone.get(served + "/quality")
    wait(phone, lambda d: d.find_element(By.ID, "quality-summary").text)
    check_header(phone, "/quality")
    check_controls(phone, "/quality")

    # the map page on a phone: the map shows, above the controls
    phone.get(served + "/")
    container = wait(phone, lambda d: d.find_element(By.CSS_SELECTOR, "#map-view.leaflet-container"))
    assert container.size["height"] > 300 and container.size["width"] > 340
    assert container.location["y"] < 200
    wait(phone, lambda d: d.find_element(By.ID, "map-heat-legend").text)
    # the map opens on the worker's own grid, framed: its outline inside the map and filling it
    try:
        wait(phone, lambda d: (f := d.execute_script(FRAMED_JS)) and f["inside"] and f["fill"] > 0.4)
    except TimeoutException:
        pytest.fail(f"the worker's grid is not framed on the map: {phone.execute_script(FRAMED_JS)}")
    check_header(phone, "/")
    wait(phone, lambda d: d.find_elements(By.CSS_SELECTOR, "#map-view .station-label"))
    names_inside(phone, "#map-view")
    screenshot(phone, "phone-map")
    # every control of the map page, on the map and in the panel below it, is reachable and 44 px
    assert check_controls(phone, "/") > 20
    phone.execute_script("document.getElementById('map-heat-kind').scrollIntoView({block: 'start'})")
    screenshot(phone, "phone-map-controls")
    # the layer list is folded behind its button (it would cover half the map); a tap opens it
    phone.execute_script("window.scrollTo(0, 0)")
    layers = phone.find_element(By.CSS_SELECTOR, ".map-main .leaflet-control-layers")
    assert "onemap-open" not in (layers.get_attribute("class") or "")
    phone.find_element(By.CSS_SELECTOR, ".map-main .leaflet-control-layers-toggle").click()
    wait(phone, lambda d: "onemap-open" in (layers.get_attribute("class") or ""))
    rows = [
        r for r in phone.find_elements(By.CSS_SELECTOR, ".leaflet-control-layers label") if r.is_displayed()
    ]
    assert len([r for r in rows if r.is_displayed()]) >= 5
    check_controls(phone, "/, the layer list open", ".map-main .leaflet-control-layers")
    phone.execute_script("window.scrollTo(0, 0)")
    screenshot(phone, "phone-map-layers")
    assert not phone.find_element(By.ID, "map-legend").is_displayed()  # it steps aside for the list
    phone.find_element(By.ID, "map-selection").click()  # a tap elsewhere folds it again
    wait(phone, lambda d: "onemap-open" not in (layers.get_attribute("class") or ""))
    assert not rows[0].is_displayed()
    assert phone.find_element(By.ID, "map-legend").is_displayed()

    # and out
    phone.get(served + "/mine")
    wait(phone, lambda d: d.find_element(By.ID, "mine-title"))
    phone.find_element(By.ID, "nav-logout").click()
    wait(phone, lambda d: "/login" in d.current_url)
    phone.get(served + "/mine")
    wait(phone, lambda d: "/login" in d.current_url)  # signed out: the page asks to sign in
    assert console_errors(phone) == []
