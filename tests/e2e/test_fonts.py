"""Every character the pages show is drawn from the app's own served font: no empty boxes (tofu),
nothing fetched from the internet.

In real Chromium, every page kind is rendered for the users who see it; each shown text node (SVG
text of the charts and the map's controls included) and each placeholder is collected with the
first family of its font; every character must be in the served font's character map (read with
fontTools), and set in that family.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fontTools.ttLib import TTFont
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import Engine, create_engine

from dashboard.fonts import HERE, SERVED, own_text
from etl.db import normalise_url
from tests.support.browser import browsing, requested_urls, sign_in, wait
from tests.support.dash_calls import column

FAMILY = "Onemap Sans"

# the characters each shown text is drawn with, by the first family of its font
COLLECT_JS = """
const out = {};
const add = (family, text) => {
  const first = family.split(',')[0].trim().replace(/^["']|["']$/g, '');
  for (const ch of text) { if (ch.trim()) { (out[first] = out[first] || new Set()).add(ch); } }
};
const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
while (walker.nextNode()) {
  const node = walker.currentNode, el = node.parentElement;
  if (!el || ['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE'].includes(el.tagName)) continue;
  if (el.getClientRects().length === 0 || getComputedStyle(el).visibility === 'hidden') continue;
  add(getComputedStyle(el).fontFamily, node.textContent);
}
for (const el of document.querySelectorAll('[placeholder]')) {
  if (el.getClientRects().length) add(getComputedStyle(el).fontFamily, el.getAttribute('placeholder'));
}
return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, [...v].join('')]));
"""


@pytest.fixture(scope="module")
def cmap() -> set[int]:
    return set(TTFont(str(SERVED)).getBestCmap())


def test_the_dashboards_own_text_is_in_the_served_font(cmap: set[int]) -> None:
    missing = [ch for ch in own_text([HERE, HERE.parent / "common" / "codebook.py"]) if ord(ch) not in cmap]
    assert missing == [], (
        f"no glyph for {missing}: use another character, or rebuild: python -m dashboard.fonts"
    )
    assert SERVED.stat().st_size < 3_000_000  # one weight, cut to what the pages write
    # names and addresses as the demo writes them, at any scale and seed
    demo = own_text([HERE.parent / "etl" / "demo"])
    assert [ch for ch in demo if ord(ch) not in cmap] == []


@pytest.fixture(scope="module")
def core(demo_db: tuple[str, str]) -> Iterator[Engine]:
    engine = create_engine(normalise_url(demo_db[0]))
    yield engine
    engine.dispose()


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    with browsing() as driver:
        yield driver


def collect(driver: WebDriver, seen: dict[str, dict[str, str]], page: str) -> None:
    for family, chars in driver.execute_script(COLLECT_JS).items():
        for ch in chars:
            seen.setdefault(ch, {}).setdefault(family, page)


@pytest.mark.db
def test_every_character_the_pages_show_is_in_the_served_font(
    served: str, accounts: dict[str, Any], core: Engine, cmap: set[int], browser: WebDriver
) -> None:
    station = column(core, "select station_code from core.police_stations order by 1 limit 1")[0]
    zone = column(core, "select zone_code from core.police_zones order by 1 limit 1")[0]
    grid = column(core, "select grid_code from core.grids order by 1 limit 1")[0]
    building = column(
        core, "select building_code from core.persons group by 1 order by count(*) desc, 1 limit 1"
    )[0]
    seen: dict[str, dict[str, str]] = {}
    browser.get(served + "/login")
    collect(browser, seen, "/login")
    sign_in(browser, served, "leader")
    wait(browser, lambda d: not d.current_url.startswith(served + "/login"))
    pages = {
        "/": "map-heat-legend",
        "/wall": "wall-current",
        "/quality": "quality-summary",
        "/persons": "person-q",
        "/audit": "audit-table",
        f"/station/{station}": "drill-area-title",
        f"/zone/{zone}": "drill-area-title",
        f"/grid/{grid}": "drill-area-title",
        f"/building/{building}": "drill-occupants",
    }
    for path, ready in pages.items():
        browser.get(served + path)
        wait(browser, lambda d, ready=ready: d.find_elements(By.ID, ready))
        if path == "/":
            wait(browser, lambda d: d.find_element(By.ID, "map-heat-legend").text)
            browser.find_element(By.ID, "map-play").click()  # the playback's pause sign
            wait(browser, lambda d: "暂停" in d.find_element(By.ID, "map-play").text)
        collect(browser, seen, path)
    assert browser.execute_script(
        "return [...document.fonts].some(f => f.family.split('\"').join('') === arguments[0]"
        " && f.status === 'loaded')",
        FAMILY,
    )
    urls = requested_urls(browser)
    assert any(u == served + "/assets/fonts/onemap-sans.woff" for u in urls)
    assert [u for u in urls if not u.startswith(served + "/") and not u.startswith("data:")] == []
    browser.get(served + "/logout")
    browser.find_element(By.ID, "logout-submit").click()
    sign_in(browser, served, "worker")
    wait(browser, lambda d: d.find_elements(By.ID, "mine-title"))
    collect(browser, seen, "/mine")

    assert len(seen) > 300  # the labels, names and addresses of every page
    tofu = {ch: pages for ch, pages in seen.items() if ord(ch) not in cmap}
    assert tofu == {}, f"characters the served font lacks: {tofu}"
    other = {ch: fams for ch, fams in seen.items() if set(fams) != {FAMILY}}
    assert other == {}, f"characters set in another font: {other}"
