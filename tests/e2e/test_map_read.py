"""The map as a station chief reads it, in a real Chromium on the demo: every clickable layer
opens the popup of what was clicked with links to its pages, legends carry numbers, the layer
list keeps its order, heat gives way to a choropleth, names stand where they fit.

Screenshots at area, station and street zoom and of a building's popup go to artifacts/e2e.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import Engine, create_engine, text

from etl.db import normalise_url
from tests.support.browser import browsing, console_errors, screenshot, wait
from tests.support.mapview import WEEK, click_centre, open_view, settle, view_state

pytestmark = pytest.mark.db

# a feature of each clickable layer far enough from any other of its layer (20 m) that a click
# on it hits it alone: (view, code column, where, the columns its links open)
LONE = """
select {code} as code, st_y(p) as lat, st_x(p) as lon, station_code{more} from (
    select a.*, {point} as p from {view} a where {where} {alone} order by a.{code} limit 1
) t
"""
ALONE = (
    "and not exists (select 1 from {view} b "
    "where b.{code} <> a.{code} and st_dwithin(a.geom, b.geom, 0.0002))"
)
W0, W1 = "2026-11-16 00:00+08", "2026-11-23 00:00+08"
CLICKABLE: dict[str, tuple[str, str, str, int, str, list[tuple[str, str]]]] = {
    # overlay key: (view, code, where, zoom, fragment, [(link path, column)])
    "stations": ("serve.stations", "station_code", "true", 13, "", [("/station/", "code")]),
    # a station's zones and grids are drawn once it is chosen (st=)
    "zones": ("serve.zones", "zone_code", "true", 15, "&st=", [("/zone/", "code")]),
    "grids": ("serve.grids", "grid_code", "true", 16, "&st=", [("/grid/", "code"), ("/zone/", "zone_code")]),
    "choropleth": ("serve.grids", "grid_code", "true", 16, "&choro=grid", [("/grid/", "code")]),
    "buildings": ("serve.buildings", "building_code", "true", 18, "", [("/building/", "code")]),
    "rental_units": (
        "serve.rental_units",
        "unit_code",
        "true",
        18,
        "",
        [("/building/", "building_code"), ("/grid/", "grid_code")],
    ),
    "incidents": (
        "serve.incidents",
        "incident_no",
        f"reported_at >= '{W0}' and reported_at < '{W1}'",
        18,
        "",
        [("/grid/", "grid_code")],
    ),
    "cameras": ("serve.cameras", "camera_code", "true", 18, "", [("/grid/", "grid_code")]),
    "workstations": ("serve.workstations", "workstation_code", "true", 18, "", [("/grid/", "grid_code")]),
    "smart_communities": ("serve.smart_communities", "smart_code", "true", 18, "", [("/grid/", "grid_code")]),
}
# the busiest grid of the week, and the place of one of its incidents (on real ground a grid's
# middle may be fields, with its incidents in a village at its edge)
BUSIEST = f"""
with week as (
    select grid_code, incident_no, geom from serve.incidents
    where reported_at >= '{W0}' and reported_at < '{W1}'
), top as (select grid_code from week group by 1 order by count(*) desc, 1 limit 1)
select g.grid_code as code, g.station_code, st_y(w.geom) as lat, st_x(w.geom) as lon
from top join serve.grids g using (grid_code) join week w using (grid_code)
order by w.incident_no limit 1
"""
HEAT_IMAGE = ".leaflet-heat-pane img.leaflet-image-layer"
SHOWN_PICTURE = f"const i = document.querySelector('{HEAT_IMAGE}'); return i.complete && i.naturalWidth > 0"
LIST_ORDER = [
    "派出所",
    "警务区",
    "网格",
    "分级设色",
    "热力",
    "警情（放大后显示）",
    "智安小区",
    "视频监控与卡口",
    "警网融合工作站",
    "预警",
    "督办事项",
    "楼栋（放大后显示）",
    "出租屋（放大后显示）",
    "研判：冷热点",
    "研判：下周风险",
]


@pytest.fixture(scope="module")
def core(demo_db: tuple[str, str]) -> Iterator[Engine]:
    engine = create_engine(normalise_url(demo_db[0]))
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def leader(served: str, accounts: dict[str, Any]) -> Iterator[WebDriver]:
    with browsing(served, "leader") as driver:
        yield driver


def lone(core: Engine, layer: str) -> dict[str, Any]:
    view, code, where, _, _, links = CLICKABLE[layer]
    polygon = layer in ("stations", "zones", "grids", "choropleth")
    more = "".join(f", {c}" for _, c in links if c != "code")
    point, alone = (
        ("st_pointonsurface(a.geom)", "") if polygon else ("a.geom", ALONE.format(view=view, code=code))
    )
    sql = LONE.format(code=code, view=view, where=where, more=more, point=point, alone=alone)
    with core.connect() as conn:
        return dict(conn.execute(text(sql)).mappings().one())


def test_each_clickable_layer_opens_its_popup_with_links_to_its_pages(
    served: str, leader: WebDriver, core: Engine
) -> None:
    for layer, (_, _, _, zoom, extra, links) in CLICKABLE.items():
        f = lone(core, layer)
        extra = extra.replace("&st=", f"&st={f['station_code']}")
        open_view(leader, served, f"z={zoom}&c={f['lat']:.6f},{f['lon']:.6f}&on={layer}{extra}")
        popup = click_centre(leader)
        want = [f"{path}{f['code'] if col == 'code' else f[col]}{WEEK}" for path, col in links]
        assert popup["links"][: len(want)] == want, (layer, popup)
        # its title names it (an area by name and code), and its key facts follow, one per row
        assert popup["text"].count("\t") >= 1, (layer, popup)
        if layer in ("stations", "zones", "grids", "choropleth"):
            assert f["code"] in popup["text"], (layer, popup)
        if layer == "buildings":
            time.sleep(0.5)  # the popup fades in
            screenshot(leader, "map-building-popup")
            leader.find_element(By.CSS_SELECTOR, ".leaflet-popup-content a.popup-link").click()
            page = f"/building/{f['code']}"
            wait(leader, lambda d, page=page: page in d.current_url)
            wait(leader, lambda d: d.find_elements(By.ID, "drill-occupants"))
    assert not console_errors(leader)


def test_the_map_at_area_station_and_street_zoom(served: str, leader: WebDriver, core: Engine) -> None:
    open_view(leader, served)
    state = view_state(leader)
    assert state["layers"] == LIST_ORDER  # in this order whichever layer loaded first
    names = leader.execute_script(
        "return [...document.querySelectorAll('.station-label span')].map(s => s.textContent)"
    )
    with core.connect() as conn:
        stations = conn.execute(text("select name from serve.stations order by 1")).scalars().all()
    assert sorted(names) == stations  # each station named on the map
    screenshot(leader, "map-zoom-area")
    # the station view where the week's incidents pile up: around its busiest grid
    with core.connect() as conn:
        grid = dict(conn.execute(text(BUSIEST)).mappings().one())
    station = grid["station_code"]
    open_view(leader, served, f"z=15&c={grid['lat']:.6f},{grid['lon']:.6f}&st={station}")
    labels = leader.execute_script(
        "return [...document.querySelectorAll('.grid-label')].map(e => "
        "[e.firstChild.textContent, getComputedStyle(e).visibility, e.firstChild.getBoundingClientRect()])"
    )
    shown = [(t, r) for t, v, r in labels if v == "visible"]
    assert shown and all(not t.isdigit() and "网格" in t for t, _ in shown)  # names, never codes
    for i, (_, a) in enumerate(shown):  # no two names written over each other
        for _, b in shown[i + 1 :]:
            apart = (
                a["right"] <= b["left"]
                or b["right"] <= a["left"]
                or a["bottom"] <= b["top"]
                or b["bottom"] <= a["top"]
            )
            assert apart, (a, b)
    screenshot(leader, "map-zoom-station")
    on = "stations,zones,grids,heat,incidents,buildings,rental_units"
    open_view(leader, served, f"z=17&c={grid['lat']:.6f},{grid['lon']:.6f}&st={station}&on={on}")
    incidents = leader.execute_script("return document.querySelectorAll('.leaflet-points-pane path').length")
    assert incidents > 0
    screenshot(leader, "map-zoom-street")


def test_legends_carry_numbers_and_heat_gives_way_to_a_choropleth(served: str, leader: WebDriver) -> None:
    open_view(leader, served)
    legend = leader.find_element(By.ID, "map-heat-legend").text
    ticks = leader.find_elements(By.CSS_SELECTOR, "#map-heat-legend .ticks span")
    assert (
        "起/平方公里" in legend and len(ticks) == 5 and all(any(ch.isdigit() for ch in t.text) for t in ticks)
    )
    heat = leader.find_element(By.CSS_SELECTOR, HEAT_IMAGE)
    assert heat.get_attribute("src").startswith("data:image/png;base64,")
    open_view(leader, served, "choro=grid&by=count")
    rows = leader.find_elements(By.CSS_SELECTOR, "#map-choro-legend .class-row")
    assert len(rows) >= 2 and all(any(ch.isdigit() for ch in r.text) for r in rows), [r.text for r in rows]
    assert "热力已隐藏" in leader.find_element(By.ID, "map-heat-legend").text
    # no broken-image icon: the heat image, while off, is a real (transparent) picture
    assert leader.execute_script(SHOWN_PICTURE)
    leader.find_element(By.CSS_SELECTOR, "#map-heat-over input").click()  # asked for: heat over it
    wait(leader, lambda d: "起/平方公里" in d.find_element(By.ID, "map-heat-legend").text)
    screenshot(leader, "map-choropleth-legend")
    open_view(leader, served, "heat=off")
    assert "热力已关闭" in leader.find_element(By.ID, "map-heat-legend").text
    assert leader.execute_script(SHOWN_PICTURE)


def test_outlines_stay_after_a_search_jump(served: str, leader: WebDriver, core: Engine) -> None:
    grid = lone(core, "grids")
    open_view(leader, served)
    box = leader.find_element(By.ID, "map-search-q")
    box.send_keys(grid["code"] + "\n")
    wait(leader, lambda d: d.find_elements(By.CSS_SELECTOR, "#map-search-results .hit"))
    leader.find_element(By.CSS_SELECTOR, "#map-search-results .hit").click()
    wait(leader, lambda d: d.execute_script("return window.onemap.map.getZoom()") >= 14)
    settle(leader)
    drawn = leader.execute_script(
        "return ['overlayPane', 'highlight']"
        ".map(p => window.onemap.map.getPane(p).querySelectorAll('path').length)"
    )
    assert all(n > 0 for n in drawn), drawn


# the buttons of the map's side panel whose label breaks over lines (line boxes at two heights)
BROKEN_BUTTONS = """
return [...document.querySelectorAll('.panel button')].filter(b => {
  // a button of text only (a dropdown's button lays out its value and its arrow apart)
  if (!b.getClientRects().length || !b.textContent.trim() || b.children.length) return false;
  const r = document.createRange(); r.selectNodeContents(b);
  return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size > 1;
}).map(b => b.textContent);
"""


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (1600, 900), (1920, 1080)])
def test_the_panels_buttons_read_on_one_line(served: str, leader: WebDriver, width: int, height: int) -> None:
    """A desktop's side panel: no button's label breaks in the middle of a word (「逐周回放」 did)."""
    leader.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    try:
        leader.get(served + "/")
        wait(leader, lambda d: d.find_element(By.ID, "map-play").text)
        assert leader.execute_script(BROKEN_BUTTONS) == []
        wait(leader, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-station"))  # the map drawn
        screenshot(leader, f"map-panel-{width}x{height}")
    finally:
        leader.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})
