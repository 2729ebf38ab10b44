"""A view of the map is shareable: its URL opens the same view in another browser (another
Chromium, signed in on its own), it prints at A4 or A3 landscape with its title, period and
legend, and it saves as a PNG drawn in the browser, with no outside host asked for anything.

Screenshots of the print view and the exported picture go to artifacts/e2e.
"""

from __future__ import annotations

import base64
import re
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.support.browser import ARTIFACTS, browsing, choose, requested_urls, screenshot, wait
from tests.support.mapview import WEEK, open_view, settle, view_state

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def leader(served: str, accounts: dict[str, Any]) -> Iterator[WebDriver]:
    with browsing(served, "leader") as driver:
        yield driver


def switch_layer(driver: WebDriver, name: str) -> None:
    """Tick or untick a layer in the map's layer list, as a person does."""
    for item in driver.find_elements(By.CSS_SELECTOR, "#map-view .leaflet-control-layers-overlays label"):
        if item.text.strip() == name:
            item.find_element(By.TAG_NAME, "input").click()
            return
    raise AssertionError(f"no layer {name}")


def test_a_copied_url_opens_the_same_view_in_another_browser(served: str, leader: WebDriver) -> None:
    open_view(leader, served)
    choose(leader, "map-heat-kind", "风险")
    choose(leader, "map-heat-window", "近4周")
    choose(leader, "map-choro-level", "警务区")
    choose(leader, "map-choro-metric", "千人比")
    choose(leader, "map-heat-over", "分级设色时叠加热力")
    switch_layer(leader, "视频监控与卡口")
    switch_layer(leader, "预警")
    for _ in range(2):
        leader.find_element(By.CSS_SELECTOR, ".leaflet-control-zoom-in").click()
        time.sleep(0.5)
    settle(leader)
    shared = leader.current_url
    seen = view_state(leader)
    assert "#" in shared and shared.split("#")[0].endswith(WEEK)  # the period stays in the query
    assert seen["heat"] == "risks" and seen["choro"] == "zone" and "视频监控与卡口" in seen["on"]
    with browsing(served, "leader") as other:  # its own Chromium, profile and sign-in
        other.get(shared)
        wait(other, lambda d: d.find_element(By.ID, "map-heat-legend").text)
        settle(other)
        again = view_state(other)
        for key in ("zoom", "layers", "on", "heat", "window", "choro", "metric", "legend"):
            assert again[key] == seen[key], (key, again[key], seen[key])
        assert abs(again["lat"] - seen["lat"]) < 1e-4 and abs(again["lon"] - seen["lon"]) < 1e-4
        assert other.current_url == shared  # and it is the same link again
        screenshot(other, "map-shared-view")


def test_the_print_view_has_the_map_its_title_period_and_legend(served: str, leader: WebDriver) -> None:
    open_view(leader, served, "choro=grid&by=count")
    # the print dialog is the browser's: record that it was asked for instead
    leader.execute_script("window.print = () => { document.body.dataset.printed = '1'; }")
    leader.find_element(By.ID, "map-print-a4").click()
    wait(leader, lambda d: d.execute_script("return document.body.dataset.printed === '1'"))
    head = leader.find_element(By.ID, "map-print-head")
    assert head.is_displayed() and "2026年第47周" in head.text
    assert leader.find_element(By.ID, "map-legend").is_displayed()
    assert not leader.find_element(By.CSS_SELECTOR, ".panel").is_displayed()
    size = leader.execute_script(
        "const r = window.onemap.map.getContainer().getBoundingClientRect(); return [r.width, r.height]"
    )
    assert 1.3 < size[0] / size[1] < 1.6, size  # the paper's landscape proportions, less the title
    screenshot(leader, "map-print-a4")
    # printed as the dialog would: the page size from the print view's own @page, one sheet
    pdf = leader.execute_cdp_cmd("Page.printToPDF", {"preferCSSPageSize": True, "printBackground": True})
    body = base64.b64decode(pdf["data"])
    (ARTIFACTS / "map-print-a4.pdf").write_bytes(body)
    assert len(re.findall(rb"/Type\s*/Page[^s]", body)) == 1
    leader.execute_script("window.dispatchEvent(new Event('afterprint'))")
    wait(leader, lambda d: d.find_element(By.CSS_SELECTOR, ".panel").is_displayed())


def test_the_map_saves_as_a_png_drawn_in_the_browser(served: str, leader: WebDriver) -> None:
    folder = Path(tempfile.mkdtemp(prefix="onemap-export-"))
    try:
        leader.execute_cdp_cmd("Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(folder)})
        open_view(leader, served)
        leader.get_log("performance")  # what was asked for until now is the page's own
        leader.find_element(By.ID, "map-export").click()
        wait(leader, lambda d: [p for p in folder.glob("*.png")], 30)
        time.sleep(0.5)
        saved = next(folder.glob("*.png"))
        assert "2026年第47周" in saved.name
        picture = Image.open(saved).convert("RGB")
        shown = leader.execute_script(
            "const r = document.querySelector('.map-main').getBoundingClientRect();\n"
            "return [r.width, r.height]"
        )
        # the map as shown, under a band with its title and period
        assert abs(picture.size[0] - shown[0]) <= 2 and shown[1] < picture.size[1] <= shown[1] + 60
        colours = picture.resize((200, 100)).getcolors(20000) or []
        assert len(colours) > 50  # outlines, heat, legend: not a blank page
        shutil.copy(saved, ARTIFACTS / "map-export.png")
        outside = [u for u in requested_urls(leader) if not u.startswith(served)]
        assert outside == []
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_the_hierarchy_switch_colours_towns_and_travels_in_the_link(served: str, leader: WebDriver) -> None:
    open_view(leader, served)
    choose(leader, "map-hierarchy", "治理（镇街›村社区›网格）")
    levels = "#map-choro-level label"
    wait(leader, lambda d: [e.text.strip() for e in d.find_elements(By.CSS_SELECTOR, levels)][1] == "镇街")
    choose(leader, "map-choro-level", "镇街")
    coloured = "#map-view .leaflet-choropleth-pane path"
    wait(leader, lambda d: len(d.find_elements(By.CSS_SELECTOR, coloured)) > 1)
    settle(leader)
    shared = leader.current_url
    assert "hier=governance" in shared and "choro=town" in shared
    screenshot(leader, "map-hierarchy-towns")
    # the link opens the same: the governance side, its towns coloured
    open_view(leader, served, shared.split("#", 1)[1])
    wait(leader, lambda d: len(d.find_elements(By.CSS_SELECTOR, coloured)) > 1)
    checked = leader.execute_script(
        "return [...document.querySelectorAll('#map-hierarchy input, #map-choro-level input')]"
        ".filter(i => i.checked).map(i => i.value)"
    )
    assert checked == ["governance", "town"]
