"""The wall's heat stands out from its dark map, on a 1920 screen and a 4K wall: where the heat
colours the map, it changes it by at least WCAG's 3:1 for graphics (it was blue at a third of full
strength on navy, 1.2:1 at its most common). Screenshots go to artifacts/e2e."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from tests.support.browser import ARTIFACTS, browsing, wait
from tests.support.cli import serving

pytestmark = pytest.mark.db

HEAT_IMAGE = "#wall-map .leaflet-image-layer"


@pytest.fixture(scope="module")
def served(demo_db: tuple[str, str], cli_env: dict[str, str]) -> Iterator[str]:
    """`onemap serve` whose wall stays on its first view while it is measured."""
    with serving(demo_db, cli_env, settings={"ONEMAP_WALL_ROTATE_SECONDS": "600"}) as base:
        yield base


@pytest.fixture(scope="module")
def wall(served: str, accounts: dict[str, Any]) -> Iterator[WebDriver]:
    with browsing(served, "screen") as driver:
        yield driver


def luminance(rgb: np.ndarray) -> np.ndarray:
    """WCAG's relative luminance of sRGB colours (the last axis)."""
    c = rgb / 255.0
    lin = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return lin @ np.array([0.2126, 0.7152, 0.0722])


def map_pixels(driver: WebDriver) -> np.ndarray:
    """The wall's map as drawn now, its pixels (RGB)."""
    shot = Image.open(io.BytesIO(driver.get_screenshot_as_png())).convert("RGB")
    box = driver.execute_script(
        "const r = document.getElementById('wall-map').getBoundingClientRect();"
        "return [r.left, r.top, r.right, r.bottom].map(v => Math.round(v * devicePixelRatio));"
    )
    return np.asarray(shot.crop(tuple(box)), dtype=float)


@pytest.mark.parametrize(("width", "height"), [(1920, 1080), (3840, 2160)])
def test_the_heat_stands_out_from_the_dark_map(served: str, wall: WebDriver, width: int, height: int) -> None:
    wall.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False},
    )
    wall.get(served + "/wall")
    wait(
        wall,
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, HEAT_IMAGE) and d.find_elements(By.CSS_SELECTOR, ".wall-label")
        ),
    )
    time.sleep(3)  # the fly to the first view settles
    # the same moment twice: with the heat, then without it (the labels and outlines are the same)
    heated = map_pixels(wall)
    Image.fromarray(heated.astype(np.uint8)).save(ARTIFACTS / f"wall-heat-{width}x{height}.png")
    wall.execute_script(f"document.querySelector('{HEAT_IMAGE}').style.visibility = 'hidden'")
    bare = map_pixels(wall)
    wall.execute_script(f"document.querySelector('{HEAT_IMAGE}').style.visibility = ''")
    changed = np.abs(heated - bare).max(axis=-1) > 6
    assert changed.sum() > 0.002 * changed.size, changed.sum()  # the week has heat to see
    a, b = luminance(heated[changed]), luminance(bare[changed])
    ratio = (np.maximum(a, b) + 0.05) / (np.minimum(a, b) + 0.05)
    assert np.median(ratio) >= 3.0, (np.percentile(ratio, [10, 25, 50, 75, 90]).round(2), changed.sum())
