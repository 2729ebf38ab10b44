"""`onemap serve` as a user meets it: a real server process, a real headless Chromium."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

from etl.db import libpq_url
from tests.e2e.browser import chromium, console_errors, requested_urls, screenshot
from tests.etl.test_cli_db import free_port

pytestmark = pytest.mark.db


@pytest.fixture(scope="module")
def served(test_db_url: str, test_app_url: str, cli_env: dict[str, str]) -> Iterator[str]:
    """Run `onemap serve` on a free port against the test database; yield its base URL."""
    port = free_port(58050)
    env = {
        **cli_env,
        "DATABASE_URL": libpq_url(test_db_url),
        "ONEMAP_APP_DATABASE_URL": libpq_url(test_app_url),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "etl.cli", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()
        assert first.strip() == f"serving on {base}", first
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(base, timeout=2).read()
                break
            except OSError:
                assert proc.poll() is None, "onemap serve exited"
                assert time.monotonic() < deadline, "onemap serve did not answer in 60 s"
                time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=30)


def test_overview_page_in_chromium(served: str) -> None:
    driver = chromium()
    try:
        driver.get(served + "/")
        WebDriverWait(driver, 30).until(ec.presence_of_element_located((By.ID, "overview-kpis")))
        assert driver.title == "警网融合一张图"
        body = driver.find_element(By.TAG_NAME, "body").text
        assert "派出所" in body and "实有人口" in body
        shot = screenshot(driver, "overview")
        assert shot.stat().st_size > 5000
        assert console_errors(driver) == []
        urls = requested_urls(driver)
        assert any(u.startswith(served + "/_dash-") for u in urls)  # the log does see our requests
        assert [u for u in urls if not u.startswith(served + "/")] == []
    finally:
        driver.quit()
