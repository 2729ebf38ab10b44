"""Headless Debian Chromium for page tests: no sandbox (root), no background network, logs on."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from selenium import webdriver
from selenium.webdriver.chrome.service import Service

from tests.support.accounts import PASSWORD

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts" / "e2e"


# a phone as Chromium's mobile emulation has it: 390 × 844 CSS pixels, touch, a phone's user agent
PHONE = {
    "deviceMetrics": {"width": 390, "height": 844, "pixelRatio": 3.0, "touch": True, "mobile": True},
    "userAgent": (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/120.0 Mobile Safari/537.36"
    ),
}


def chromium(phone: bool = False, load: str = "normal") -> webdriver.Chrome:
    """Start headless Chromium driven by Debian's chromedriver, with console and network logs
    (``phone``: in mobile emulation at 390 × 844, see :data:`PHONE`; ``load``: WebDriver's page
    load strategy, ``"none"`` for a page that never finishes loading)."""
    binary = shutil.which("chromium") or "/usr/bin/chromium"
    driver = shutil.which("chromedriver") or "/usr/bin/chromedriver"
    opts = webdriver.ChromeOptions()
    opts.binary_location = binary
    opts.page_load_strategy = load
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--window-size=1600,900",
        "--lang=zh-CN",
        f"--user-data-dir={tempfile.mkdtemp(prefix='onemap-chromium-')}",
    ):
        opts.add_argument(arg)
    if phone:
        opts.add_experimental_option("mobileEmulation", PHONE)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    return webdriver.Chrome(options=opts, service=Service(executable_path=driver))


def requested_urls(driver: webdriver.Chrome) -> list[str]:
    """Every http(s)/ws(s) URL the browser asked the network for, from the performance log."""
    import json

    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return [u for u in urls if u.startswith(("http:", "https:", "ws:", "wss:"))]


def console_errors(driver: webdriver.Chrome) -> list[str]:
    """Console messages of level SEVERE."""
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def screenshot(driver: webdriver.Chrome, name: str) -> Path:
    """Save a screenshot under artifacts/e2e and return its path."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    return path


def sign_in(driver: webdriver.Chrome, base: str, username: str, password: str = PASSWORD) -> None:
    """Fill the login form as a person would."""
    from selenium.webdriver.common.by import By

    driver.get(base + "/login")
    wait(driver, lambda d: d.find_element(By.ID, "username")).send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    driver.find_element(By.ID, "login-submit").click()


@contextmanager
def browsing(
    base: str | None = None, username: str | None = None, phone: bool = False, load: str = "normal"
) -> Iterator[webdriver.Chrome]:
    """A headless Chromium, signed in as ``username`` at ``base`` when both are given; quit on the way out."""
    driver = chromium(phone, load)
    try:
        if base is not None and username is not None:
            sign_in(driver, base, username)
            wait(driver, lambda d: not d.current_url.startswith(base + "/login"))
        yield driver
    finally:
        driver.quit()


def wait(driver: webdriver.Chrome, condition: Callable[[webdriver.Chrome], Any], seconds: float = 30) -> Any:
    """``condition``'s first truthy value, polled every 0.2 s for up to ``seconds``; an element that
    a re-render replaced while the condition read it is looked for again at the next poll."""
    from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    ignored = (NoSuchElementException, StaleElementReferenceException)
    return WebDriverWait(driver, seconds, poll_frequency=0.2, ignored_exceptions=ignored).until(condition)


def choose(driver: webdriver.Chrome, group: str, label: str) -> None:
    """Click the radio button or checkbox labelled ``label`` in the group ``group`` (an id)."""
    from selenium.webdriver.common.by import By

    for option in driver.find_elements(By.CSS_SELECTOR, f"#{group} label"):
        if option.text.strip() == label:
            option.click()
            return
    raise AssertionError(f"{group} has no {label}")
