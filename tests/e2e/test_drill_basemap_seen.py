"""A grid's drill page in a real Chromium draws its basemap from the layer files its answer names:
the land and the roads in the basemap pane, the streets' names over them,
painted on the screen (the map's pixels are the land's colour, not Leaflet's grey); the page's
answer carries no shape of it, the browser fetches the two files (200) and, on a second visit,
only revalidates them (304). Screenshot: artifacts/e2e/drill-grid-basemap.png.
"""

from __future__ import annotations

import io
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import Engine, create_engine

from dashboard.map.basemap import LAND
from etl.db import normalise_url
from tests.support.browser import browsing, console_errors, screenshot, wait
from tests.support.dash_calls import column
from tests.support.mapview import WEEK
from tests.support.streets import dense_spot

pytestmark = pytest.mark.db
PANE = "#area-map .leaflet-basemap-pane"
GREY = (221, 221, 221)  # Leaflet's container (.leaflet-container): a map without its basemap


@pytest.fixture(scope="module")
def core(demo_db: tuple[str, str]) -> Iterator[Engine]:
    engine = create_engine(normalise_url(demo_db[0]))
    yield engine
    engine.dispose()


def fetched(driver: WebDriver) -> tuple[dict[str, int], int]:
    """(status of each basemap file the browser asked for, bytes of the router's answers) since
    the last look, from Chromium's performance log."""
    urls: dict[str, str] = {}
    router: set[str] = set()
    statuses: dict[str, int] = {}
    sizes: dict[str, int] = {}
    for entry in driver.get_log("performance"):  # type: ignore[attr-defined]
        m = json.loads(entry["message"])["message"]
        p = m.get("params", {})
        if m.get("method") == "Network.requestWillBeSent":
            urls[p["requestId"]] = p["request"]["url"]
            if '"page.children"' in (p["request"].get("postData") or ""):
                router.add(p["requestId"])
        elif m.get("method") == "Network.responseReceivedExtraInfo":  # the status on the wire
            statuses[p["requestId"]] = int(p["statusCode"])
        elif m.get("method") == "Network.loadingFinished":
            sizes[p["requestId"]] = int(p.get("encodedDataLength", 0))
    files = {u: statuses.get(r, 0) for r, u in urls.items() if "/_onemap/layers/basemap" in u}
    return files, sum(sizes.get(r, 0) for r in router)


def share(picture: Image.Image, colour: tuple[int, int, int], within: int = 3) -> float:
    """The share of the picture's pixels of ``colour`` (each channel within ``within``)."""
    rgb = picture.convert("RGB")
    hits = sum(
        n
        for n, px in rgb.getcolors(rgb.width * rgb.height) or []
        if all(abs(a - b) <= within for a, b in zip(px, colour, strict=True))
    )
    return hits / (rgb.width * rgb.height)


def test_a_grid_page_draws_its_basemap_from_the_layer_files(
    served: str, accounts: dict[str, Any], core: Engine
) -> None:
    (station,) = accounts["chief_a"].stations
    x, y = dense_spot(core, station)  # the densest street of the chief's station
    grid = column(
        core,
        "select grid_code from core.grids where station_code = :s and geom is not null "
        "order by st_distance(geom, st_setsrid(st_point(:x, :y), 4326)), 1 limit 1",
        s=station,
        x=x,
        y=y,
    )[0]
    land = tuple(int(LAND[i : i + 2], 16) for i in (1, 3, 5))
    with browsing(served, "chief_a") as driver:
        driver.set_window_size(1280, 1000)
        driver.get_log("performance")  # the sign-in's requests left out
        driver.get(f"{served}/grid/{grid}{WEEK}")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"{PANE} path.bm-land"), 60)
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"{PANE} path.bm-road-line"))
        names = wait(
            driver,
            lambda d: d.find_elements(By.CSS_SELECTOR, "#area-map .leaflet-basemap-labels-pane .bm-road"),
        )
        assert [n for n in names if (n.get_attribute("textContent") or "").strip()], "no street is named"
        the_map = driver.find_element(By.ID, "area-map")
        driver.execute_script("arguments[0].scrollIntoView(); window.scrollBy(0, -60)", the_map)
        time.sleep(1.0)
        screenshot(driver, "drill-grid-basemap")
        picture = Image.open(io.BytesIO(the_map.screenshot_as_png))
        # the land painted over most of the map, Leaflet's bare grey nearly nowhere
        assert share(picture, land) > 0.2, share(picture, land)
        assert share(picture, GREY, 1) < 0.05, share(picture, GREY, 1)
        first, first_router = fetched(driver)
        assert len(first) == 2 and set(first.values()) == {200}, first
        assert console_errors(driver) == []

        # a second visit: the same two files, only revalidated (the browser keeps them)
        driver.get(f"{served}/grid/{grid}{WEEK}")
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"{PANE} path.bm-land"), 60)
        wait(driver, lambda d: d.find_elements(By.CSS_SELECTOR, f"{PANE} path.bm-road-line"))
        time.sleep(1.0)
        again, _ = fetched(driver)
        assert set(again) == set(first) and set(again.values()) == {304}, again
    print(f"basemap files {sorted(first)}, router answer {first_router} bytes on the wire")
