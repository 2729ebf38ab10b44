"""Driving the map page in a real Chromium: open a view by its URL, wait for it to settle, click
the map's centre, read the popup, the legend and the layer list."""

from __future__ import annotations

import time
from typing import Any

from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.support.browser import wait

WEEK = "?week=2026-W47"  # the demo's last whole week, named in the URL as a shared link names it


def settle(driver: WebDriver, quiet: float = 0.8) -> None:
    """Wait until the map exists and no callback has been pending for ``quiet`` seconds."""
    wait(driver, lambda d: d.execute_script("return !!(window.onemap && window.onemap.map)"))
    calm_since = None
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        busy = driver.execute_script(
            "return document.body.getAttribute('aria-busy') === 'true' || "
            "!!document.querySelector('.onemap-loading') || "
            "!!document.querySelector('[data-dash-is-loading=\"true\"]')"
        )
        now = time.monotonic()
        if busy:
            calm_since = None
        elif calm_since is None:
            calm_since = now
        elif now - calm_since >= quiet:
            return
        time.sleep(0.1)


def open_view(driver: WebDriver, base: str, fragment: str = "", query: str = WEEK) -> None:
    """Open the map at ``base`` with ``query`` and ``fragment`` as a pasted link would (a fresh
    page load: a change of fragment alone would not load the page again)."""
    driver.get("about:blank")
    driver.get(f"{base}/{query}" + (f"#{fragment}" if fragment else ""))
    wait(driver, lambda d: d.find_element(By.ID, "map-heat-legend").text)
    settle(driver)


def view_state(driver: WebDriver) -> dict[str, Any]:
    """What the page shows: zoom, centre, checked layers in list order, filters, legend text."""
    return dict(
        driver.execute_script(
            """
            const map = window.onemap.map, c = map.getCenter();
            const labels = [...document.querySelectorAll('#map-view .leaflet-control-layers-overlays label')];
            const radio = id => (document.querySelector('#' + id + ' input:checked') || {}).value;
            return {
                zoom: map.getZoom(), lat: c.lat, lon: c.lng,
                layers: labels.map(l => l.innerText.trim()),
                on: labels.filter(l => l.querySelector('input').checked).map(l => l.innerText.trim()),
                heat: radio('map-heat-kind'), window: radio('map-heat-window'),
                choro: radio('map-choro-level'), metric: radio('map-choro-metric'),
                legend: document.getElementById('map-legend').innerText,
            };
            """
        )
    )


def click_centre(driver: WebDriver) -> dict[str, Any]:
    """Click the map's centre as a person would; the popup that opens: its text and its links."""
    driver.execute_script("window.onemap.map.closePopup()")
    ActionChains(driver).move_to_element(driver.find_element(By.ID, "map-view")).click().perform()
    wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content .onemap-popup"), 10)
    return dict(
        driver.execute_script(
            """
            const box = document.querySelector('.leaflet-popup-content .onemap-popup');
            return {text: box.innerText,
                    links: [...box.querySelectorAll('a.popup-link')].map(a => a.getAttribute('href'))};
            """
        )
    )
