"""The wall screen in real Chromium, signed in as a wall account: it fills every 16:9 screen from a
laptop to a 2×2 video wall, shows the clock and the data's age, and keeps its last figures under a
stale-data banner while its database is unreachable (a relay of the test's own is cut: the shared
cluster keeps running), its map re-framed to the room the banner leaves, then recovers by itself;
its red cards read whole; its session outlives the pages' idle limit; it opens nothing but the
wall. Screenshots go to artifacts/e2e."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from etl.db import normalise_url
from tests.support.browser import browsing, screenshot, wait
from tests.support.cli import serving
from tests.support.database import station_count
from tests.support.proxy import Relay, relay
from tests.support.seen import broken_dates, contrasts

pytestmark = pytest.mark.db

SCREENS = [(1366, 768), (1920, 1080), (3840, 2160), (7680, 4320)]
MAX_EMPTY = 0.15  # no region of the wall's grid may have a wider empty band than this
MIN_TEXT = 0.015  # of the screen's height: the smallest type on the wall, whatever the screen

# Per region of the wall's grid: the largest band (across the region, along each axis) in which no
# text lies, as a fraction of the region; and the smallest font size on the page.
MEASURE = """
const band = (spans, lo, hi) => {
  spans.sort((a, b) => a[0] - b[0]);
  let gap = 0, at = lo;
  for (const [a, b] of spans) { gap = Math.max(gap, a - at); at = Math.max(at, b); }
  return Math.max(gap, hi - at) / (hi - lo);
};
const out = {};
for (const [name, sel] of Object.entries(arguments[0])) {
  const region = document.querySelector(sel).getBoundingClientRect();
  const walker = document.createTreeWalker(document.querySelector(sel), NodeFilter.SHOW_TEXT);
  const xs = [], ys = [];
  while (walker.nextNode()) {
    if (!walker.currentNode.textContent.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(walker.currentNode);
    for (const r of range.getClientRects()) {
      const x0 = Math.max(r.left, region.left), x1 = Math.min(r.right, region.right);
      const y0 = Math.max(r.top, region.top), y1 = Math.min(r.bottom, region.bottom);
      if (x1 > x0 && y1 > y0) { xs.push([x0, x1]); ys.push([y0, y1]); }
    }
  }
  out[name] = {x: band(xs, region.left, region.right), y: band(ys, region.top, region.bottom),
               texts: xs.length};
}
const sizes = [];
for (const el of document.querySelectorAll("#wall *")) {
  const own = [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
  if (own && el.getClientRects().length) sizes.push(parseFloat(getComputedStyle(el).fontSize));
}
out.smallest_font = Math.min(...sizes) / window.innerHeight;
const map = document.querySelector("#wall-map").getBoundingClientRect();
const centre = document.querySelector("#wall-centre").getBoundingClientRect();
out.map_fill = (map.width * map.height) / (centre.width * centre.height);
const drawn = [...document.querySelectorAll("#wall-map path")].map(p => p.getBoundingClientRect())
  .filter(r => r.width > 0);
out.drawn = {
  x: band(drawn.map(r => [Math.max(r.left, map.left), Math.min(r.right, map.right)]), map.left, map.right),
  y: band(drawn.map(r => [Math.max(r.top, map.top), Math.min(r.bottom, map.bottom)]), map.top, map.bottom),
};
out.view = [window.innerWidth, window.innerHeight];
return out;
"""
TEXT_REGIONS = {"header": ".w-head", "figures": "#wall-figures", "rankings": "#wall-rankings"}


@pytest.fixture(scope="module")
def db_relay(demo_db: tuple[str, str]) -> Iterator[Relay]:
    """A relay in front of the shared cluster that this module's server reaches its database by."""
    url = make_url(demo_db[1])
    with relay((url.host or "127.0.0.1", url.port or 5432)) as r:
        yield r


@pytest.fixture(scope="module")
def served(demo_db: tuple[str, str], cli_env: dict[str, str], db_relay: Relay) -> Iterator[str]:
    """`onemap serve` whose every database connection goes through the relay; quick refreshes."""
    through = tuple(
        make_url(u).set(port=db_relay.port).render_as_string(hide_password=False) for u in demo_db
    )
    quick = {
        "ONEMAP_WALL_REFRESH_SECONDS": "5",
        "ONEMAP_WALL_STALE_REFRESHES": "2",
        "ONEMAP_WALL_ROTATE_SECONDS": "600",  # one view while measuring (rotation: test_serve.py)
    }
    with serving((through[0], through[1]), cli_env, settings=quick) as base:
        yield base


@pytest.fixture
def wall(served: str, accounts: dict[str, Any]) -> Iterator[WebDriver]:
    """The wall as a command centre runs it: signed in as its wall account."""
    with browsing(served, "screen") as driver:
        assert driver.current_url == served + "/wall"  # where a wall account lands
        yield driver


def show(driver: WebDriver, base: str, width: int, height: int, query: str = "") -> None:
    """The wall (of the period ``query`` names) on a screen of ``width`` × ``height`` CSS pixels,
    once its map and rotation are drawn."""
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    driver.get(base + "/wall" + query)
    wait(driver, lambda d: d.find_element(By.ID, "wall-current").text)
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".wall-label"))
    wait(driver, lambda d: d.find_element(By.ID, "wall-clock").text)
    time.sleep(3)  # the fly to the first view settles (slow to draw on a video wall's pixels)


# an element's text, and whether it is shown, each read in one step: the wall's refresh (every 5 s
# here) may replace the element between finding it and reading it (StaleElementReferenceException)
READ = "const e = document.getElementById(arguments[0]); return e ? e.innerText : null;"
SHOWN = "const e = document.getElementById(arguments[0]); return !!e && e.getClientRects().length > 0;"


def read(driver: WebDriver, ident: str) -> str:
    """The text of the element ``ident`` as shown now (its innerText); it must be on the page."""
    text = driver.execute_script(READ, ident)
    assert text is not None, f"no #{ident} on the wall"
    return str(text)


def shown(driver: WebDriver, ident: str) -> bool:
    """Whether the element ``ident`` is on the page and laid out (not display: none)."""
    return bool(driver.execute_script(SHOWN, ident))


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_wall_fills_every_screen(
    served: str, wall: WebDriver, width: int, height: int, demo_db: tuple[str, str]
) -> None:
    show(wall, served, width, height)
    screenshot(wall, f"wall-{width}x{height}")
    m = wall.execute_script(MEASURE, TEXT_REGIONS)
    assert m["view"] == [width, height]
    for name in TEXT_REGIONS:
        assert m[name]["texts"] > 0, name
        assert m[name]["x"] <= MAX_EMPTY and m[name]["y"] <= MAX_EMPTY, (name, m[name])
    assert m["map_fill"] >= 1 - MAX_EMPTY, m
    assert max(m["drawn"]["x"], m["drawn"]["y"]) <= MAX_EMPTY, m
    assert m["smallest_font"] >= MIN_TEXT, m
    # the centre: grids, heat with its legend and values, station names
    assert len(wall.find_elements(By.CSS_SELECTOR, "#wall-map path")) > 20
    heat = wall.find_element(By.CSS_SELECTOR, "#wall-map img.leaflet-image-layer")
    assert (heat.get_attribute("src") or "").startswith("data:image/png;base64,")
    legend = read(wall, "wall-legend")
    assert "警情热力" in legend and "起/平方公里" in legend, legend
    assert len(wall.find_elements(By.CSS_SELECTOR, ".wall-label")) == station_count(demo_db[0])
    assert "数据截至" in read(wall, "wall-as-of")
    assert not shown(wall, "wall-stale")


# where the map's drawn area lies within the map (the whole area's outline, fitted to it)
FRAME = """
const map = document.querySelector("#wall-map").getBoundingClientRect();
const drawn = [...document.querySelectorAll("#wall-map .leaflet-overlay-pane path")]
  .map(p => p.getBoundingClientRect()).filter(r => r.width > 0);
return {top: Math.min(...drawn.map(r => r.top)) - map.top,
        left: Math.min(...drawn.map(r => r.left)) - map.left,
        bottom: map.bottom - Math.max(...drawn.map(r => r.bottom)),
        right: map.right - Math.max(...drawn.map(r => r.right)), height: map.height, width: map.width};
"""


def framed(driver: WebDriver) -> dict[str, float]:
    """The drawn area's margins in the map once it has settled: none negative (nothing cut off),
    and it fills the map along one axis at least."""
    time.sleep(1.5)  # the map measures itself and re-frames after the region has settled
    f = driver.execute_script(FRAME)
    assert min(f["top"], f["bottom"], f["left"], f["right"]) >= -1.5, f
    # fitted, not shrunk: it fills one axis but for a zoom step's slack (0.05 of a zoom, 3.5 %)
    assert min((f["top"] + f["bottom"]) / f["height"], (f["left"] + f["right"]) / f["width"]) <= 0.04, f
    return f


# each row of the rankings' lists that is shown (any of it inside its list) and is cut at the
# list's edge or lies over a heading of the column: none may (a grid ran over the next heading)
OVERRUN = r"""
const heads = [...document.querySelectorAll("#wall-rankings h3")].map(h => h.getBoundingClientRect());
const out = [];
for (const li of document.querySelectorAll("#wall-rankings li")) {
  const r = li.getBoundingClientRect(), list = li.parentElement.getBoundingClientRect();
  const shown = r.bottom > list.top && r.top < list.bottom && r.right > list.left && r.left < list.right;
  if (!shown) continue;
  const cut = r.bottom > list.bottom + 1 || r.top < list.top - 1;
  const over = heads.some(h => r.top < h.bottom - 1 && r.bottom > h.top + 1
                           && r.left < h.right && r.right > h.left);
  if (cut || over) out.push(li.innerText.replace(/\s+/g, " "));
}
return out;
"""


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_the_wall_keeps_its_figures_while_the_database_is_away(
    served: str, wall: WebDriver, db_relay: Relay, width: int, height: int
) -> None:
    show(wall, served, width, height)
    framed(wall)
    figures = read(wall, "wall-figures")
    ranking = read(wall, "wall-station-ranking")
    db_relay.cut()
    try:
        banner = wait(wall, lambda d: "yellow" in d.find_element(By.ID, "wall-stale").get_attribute("class"))
        assert banner
        text = read(wall, "wall-stale")
        assert "数据未能更新" in text and "正在自动重试" in text, text
        # the banner took its row from the map's region: the map re-framed, nothing is cut off,
        # and the rankings' rows that no longer fit are left out whole
        framed(wall)
        assert wall.execute_script(OVERRUN) == []
        wait(wall, lambda d: "red" in d.find_element(By.ID, "wall-stale").get_attribute("class"), 30)
        # the last good figures stay on the screen, and the clock goes on
        assert read(wall, "wall-figures") == figures
        assert read(wall, "wall-station-ranking") == ranking
        clock = read(wall, "wall-clock")
        wait(wall, lambda d: d.find_element(By.ID, "wall-clock").text != clock, 5)
        framed(wall)
        screenshot(wall, "wall-stale" if width == 1920 else f"wall-stale-{width}x{height}")
    finally:
        db_relay.restore()
    # nobody touches anything: the next refresh clears the banner, and the map takes its room back
    wait(wall, lambda d: not d.find_element(By.ID, "wall-stale").is_displayed(), 30)
    assert read(wall, "wall-figures")
    assert wall.current_url.startswith(served + "/wall")
    framed(wall)
    screenshot(wall, "wall-recovered" if width == 1920 else f"wall-recovered-{width}x{height}")


# each red card: its text and title, how many lines it takes, whether any of it is hidden (cut at
# the side, clamped below, or below the list), and the size of its type
RED_LINES = """
return [...document.querySelectorAll("#wall-red-cards li")].map(li => {
  const box = li.getBoundingClientRect(), list = li.parentElement.getBoundingClientRect();
  const line = parseFloat(getComputedStyle(li).lineHeight);
  const parts = [...li.querySelectorAll(".w-red-part")].map(p => p.getBoundingClientRect());
  return {text: li.innerText, title: li.title, lines: Math.round(box.height / line),
          clamped: li.scrollHeight > li.clientHeight + line / 2,  // a third line hidden (not a glyph's tail)
          cut: parts.some(p => p.right > box.right + 1 || p.left < box.left - 1),
          inside: box.bottom <= list.bottom + 1 && box.top >= list.top - 1,
          size: parseFloat(getComputedStyle(li).fontSize) / window.innerHeight};
});
"""


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_the_red_cards_read_whole(served: str, wall: WebDriver, width: int, height: int) -> None:
    show(wall, served, width, height)
    lines = wall.execute_script(RED_LINES)
    assert len(lines) >= 5, lines
    for line in lines:
        # what, which grid of which village, when: all of it on the screen, in at most two lines
        assert line["title"] == " ".join(line["text"].split()), line
        assert "·第" in line["title"] and "登记" in line["title"], line
        whole = 1 <= line["lines"] <= 2 and not line["clamped"] and not line["cut"] and line["inside"]
        assert whole, sorted(line.items())
        assert line["size"] >= MIN_TEXT, line
    screenshot(wall, f"wall-red-lines-{width}x{height}")


# the widest line drawn over the map (the stations' outlines), as a share of the screen's height
OUTLINE = """
const ws = [...document.querySelectorAll("#wall-map .leaflet-overlay-pane path")]
  .map(p => parseFloat(getComputedStyle(p).strokeWidth) || 0);
return Math.max(0, ...ws) / window.innerHeight;
"""


@pytest.mark.parametrize(("width", "height"), SCREENS)
def test_the_outlines_keep_their_weight_on_every_screen(
    served: str, wall: WebDriver, width: int, height: int
) -> None:
    """The stations' outlines are as thick, for the room, on a video wall as on a 1080 screen (a
    fixed 3 pixels is a hairline across a room on a 4K wall)."""
    show(wall, served, width, height)
    assert wall.execute_script(OUTLINE) >= 2.5 / 1080


def test_the_wall_account_stays_signed_in_and_opens_nothing_else(
    served: str, wall: WebDriver, demo_db: tuple[str, str]
) -> None:
    show(wall, served, 1920, 1080)
    owner = create_engine(normalise_url(demo_db[0]))
    # hours past the pages' idle limit (a long outage, say): the wall's next refresh renews it
    with owner.begin() as conn:
        conn.execute(
            text("update ops.sessions set last_seen = now() - interval '6 hours' where username = :u"),
            {"u": "screen"},
        )
        station = conn.execute(text("select min(station_code) from core.police_stations")).scalar_one()
    ok = read(wall, "wall-as-of")
    time.sleep(12)  # two refreshes (every 5 s here)
    assert wall.current_url == served + "/wall" and read(wall, "wall-as-of") == ok
    assert not shown(wall, "wall-stale")
    with owner.connect() as conn:
        renewed = conn.execute(
            text("select max(last_seen) > now() - interval '1 minute' from ops.sessions where username = :u"),
            {"u": "screen"},
        ).scalar_one()
    owner.dispose()
    assert renewed
    # nothing but the wall: the map page leads back to it, every other page is refused
    wall.get(served + "/")
    wait(wall, lambda d: d.current_url == served + "/wall")
    for path in ("/persons", "/audit", "/quality", f"/station/{station}", f"/download/weekly/{station}.pdf"):
        wall.get(served + path)
        body = wait(wall, lambda d: d.find_element(By.TAG_NAME, "body").text)
        assert "只能打开大屏" in body and "人口" not in body, (path, body)


@pytest.mark.parametrize(("width", "height"), [*SCREENS[:3], (1366, 1024), (1280, 1024)])
@pytest.mark.parametrize("query", ["", "?week=2025-W47"])
def test_no_date_on_the_wall_breaks_across_lines(
    served: str, wall: WebDriver, width: int, height: int, query: str
) -> None:
    """The week in the header, its choices when the picker is open, the legend's days and the red
    cards' dates: each date on one line, on every screen (the week broke 11月17日—11 / 月23日)."""
    show(wall, served, width, height, query)
    shown, broken = broken_dates(wall)
    assert shown >= 3 and broken == [], (shown, broken)
    wall.find_element(By.ID, "period-pick").click()
    menu = ".dash-dropdown-content"  # the choices, drawn apart from the picker
    wait(wall, lambda d: d.find_elements(By.CSS_SELECTOR, menu) and broken_dates(d, menu)[0] > 2)
    shown, broken = broken_dates(wall, menu)
    assert broken == [], (shown, broken)
    # and the choices read on the wall's dark (they were dark blue on black)
    seen = contrasts(wall, menu)
    assert len(seen) >= 3 and min(r for _, r in seen) >= 4.5, seen
    screenshot(wall, f"wall-period-open-{width}x{height}")
