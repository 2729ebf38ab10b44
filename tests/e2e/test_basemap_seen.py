"""A station chief's map in real Chromium, on the local basemap: the area, their station, a street.

Each view's data (the callbacks it sets off and the layer files it fetches) stays under a
megabyte, every request of the whole visit goes to the served app on 127.0.0.1 (no tile host, no
font or script CDN), and at street zoom the outlines and the road names are on the ground. A
view seen before costs its layer files no more than revalidation (304s). Screenshots:
artifacts/e2e/basemap-*.png.
"""

from __future__ import annotations

import contextlib
import json
import time
from typing import Any
from urllib.parse import urlparse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import create_engine

from etl.db import normalise_url
from tests.support.browser import browsing, screenshot, wait
from tests.support.dash_calls import column

pytestmark = pytest.mark.db
MB = 1_000_000
LAND = ".leaflet-basemap-pane path.bm-land"
OUTLINES = ".leaflet-basemap-pane path.bm-footprint"


class Traffic:
    """What the browser fetched since the last look, from Chromium's performance log."""

    def __init__(self, driver: WebDriver) -> None:
        self.driver = driver
        self.urls: list[str] = []
        self.by_output: dict[str, int] = {}  # bytes per callback output, for the message of a failure
        self.calls: dict[str, int] = {}  # calls per callback output since the last look
        self.files = 0  # bytes of the layer files (/_onemap/layers/) since the last look
        self.file_status: list[int] = []  # HTTP status of each layer file since the last look
        self.largest = 0  # the largest single data response of the visit

    def since_last(self) -> tuple[int, list[str]]:
        """(bytes of the app's data responses, every URL requested) since the last call."""
        urls: dict[str, str] = {}
        outputs: dict[str, str] = {}
        data = 0
        sizes: dict[str, int] = {}
        self.calls = {}
        self.files = 0
        self.file_status = []
        statuses: dict[str, int] = {}
        for entry in self.driver.get_log("performance"):  # type: ignore[attr-defined]
            m = json.loads(entry["message"])["message"]
            p = m.get("params", {})
            if m.get("method") == "Network.requestWillBeSent":
                urls[p["requestId"]] = p["request"]["url"]
                with contextlib.suppress(ValueError):
                    posted = json.loads(p["request"].get("postData") or "{}")
                    outputs[p["requestId"]] = str(posted.get("output"))
            elif m.get("method") == "Network.responseReceivedExtraInfo":  # the status on the wire
                statuses[p["requestId"]] = int(p["statusCode"])
            elif m.get("method") == "Network.loadingFinished":
                sizes[p["requestId"]] = int(p.get("encodedDataLength", 0))
        for rid, size in sizes.items():
            if "/_onemap/layers/" in urls.get(rid, ""):
                data += size
                self.files += size
                self.file_status.append(statuses.get(rid, 0))
                self.largest = max(self.largest, size)
                what = urlparse(urls[rid]).path.rsplit("/", 1)[-1]
                self.by_output[what] = self.by_output.get(what, 0) + size
            if "/_dash-update-component" in urls.get(rid, "") or "/_dash-layout" in urls.get(rid, ""):
                self.largest = max(self.largest, size)
                data += size
                what = outputs.get(rid, "layout")
                self.by_output[what] = self.by_output.get(what, 0) + size
                self.calls[what] = self.calls.get(what, 0) + 1
        seen = [u for u in urls.values() if u.startswith(("http:", "https:", "ws:", "wss:"))]
        self.urls += seen
        return data, seen


def settle(driver: WebDriver, seconds: float = 2.5) -> None:
    """Wait until no callback is pending (Dash marks the page while one runs), then a little more."""
    wait(driver, lambda d: not d.find_elements(By.CSS_SELECTOR, "[data-dash-is-loading='true']"), 60)
    time.sleep(seconds)


def test_a_chief_reads_the_ground_at_area_station_and_street_zoom(
    served: str, accounts: dict[str, Any], demo_db: tuple[str, str]
) -> None:
    core = create_engine(normalise_url(demo_db[0]))
    station = column(core, "select station_code from core.police_stations order by 1")[0]  # chief_a's
    building = column(
        core,
        "select b.building_code from core.buildings b where b.station_code = :s "
        "order by (select count(*) from core.building_footprints f where st_dwithin(f.geom, b.geom, 0.003)) "
        "desc, 1 limit 1",
        s=station,
    )[0]
    with browsing(served, "chief_a") as d:
        traffic = Traffic(d)
        d.get(served + "/")
        stations = wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-station"))
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, LAND))
        assert not d.find_elements(By.CSS_SELECTOR, OUTLINES)  # no outline at area zoom
        settle(d)
        area_bytes, _ = traffic.since_last()
        screenshot(d, "basemap-area")

        # the station: its zones and grids over the basemap
        d.execute_script(
            "const r = arguments[0].getBoundingClientRect();"
            "arguments[0].dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true,"
            " clientX: r.left + r.width / 2, clientY: r.top + r.height / 2}));",
            stations[0],
        )
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "path.ol-grid"))
        settle(d, 4)
        station_bytes, _ = traffic.since_last()
        screenshot(d, "basemap-station")

        # a street: search the densest building of the station and jump to it
        box = d.find_element(By.ID, "map-search-q")
        box.send_keys(building, Keys.ENTER)
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, "#map-search-results .hit"))[0].click()
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, OUTLINES), 60)
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, ".bm-road"))
        settle(d, 4)
        street_bytes, _ = traffic.since_last()
        # the flight to the hit passes many zooms: the layers of the view are asked for where it
        # ends, not at each step (on a busy machine the map reports a dozen on the way)
        # (the basemap, the points, the outlines, the analysis layers: every callback of the view)
        assert any("map-buildings.data" in k for k in traffic.calls), traffic.calls
        assert all(n <= 2 for n in traffic.calls.values()), traffic.calls
        street_files, street_status = traffic.files, traffic.file_status
        screenshot(d, "basemap-street")
        roads = [e.text for e in d.find_elements(By.CSS_SELECTOR, ".bm-road")]
        assert any(roads), roads

        # away and back to the same view: its layer files are the browser's, revalidated (away two
        # whole zooms below street zoom: the map's zoom steps by quarters, a flight ends on any)
        d.execute_script(
            "const m = window.onemap.map; m.onemapBack = m.getZoom(); m.setZoom(Math.floor(m.getZoom()) - 2)"
        )
        wait(d, lambda d: not d.find_elements(By.CSS_SELECTOR, OUTLINES), 60)
        settle(d)
        traffic.since_last()
        d.execute_script("window.onemap.map.setZoom(window.onemap.map.onemapBack)")
        wait(d, lambda d: d.find_elements(By.CSS_SELECTOR, OUTLINES), 60)
        settle(d, 4)
        again_bytes, _ = traffic.since_last()
        again_files, again_status = traffic.files, traffic.file_status
        assert d.find_elements(By.CSS_SELECTOR, LAND) and d.find_elements(By.CSS_SELECTOR, ".bm-road")

    sizes = {"area": area_bytes, "station": station_bytes, "street": street_bytes, "again": again_bytes}
    heaviest = sorted(traffic.by_output.items(), key=lambda kv: -kv[1])[:6]
    # as text: pytest would cut a long tuple in its middle, where the heaviest callback is named
    assert all(0 < v < MB for v in sizes.values()), f"{sizes} {heaviest}"
    assert traffic.largest < MB, f"{traffic.largest} {heaviest}"
    # the first visit fetches the view's layer files whole; the second revalidates them: 304s,
    # headers only (counted by status: gzip makes the first visit's bytes few as well)
    assert street_status and set(street_status) == {200}, street_status
    assert again_status and set(again_status) == {304}, again_status
    assert again_files < street_files, (street_files, again_files)
    print(f"bytes by view {sizes}, street files {street_files} then {again_files}, largest {traffic.largest}")
    hosts = {urlparse(u).hostname for u in traffic.urls}
    assert hosts == {"127.0.0.1"}, sorted(hosts)
