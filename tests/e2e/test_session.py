"""A session that ends under an open page, in real Chromium: the next callback takes the user to the
login page (saying why) and, signed in again, back to the same path and query; a callback that
takes long shows 加载中….
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import pytest
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import create_engine, text

from etl.db import normalise_url
from etl.users import add_user, set_disabled, set_password
from tests.support.accounts import PASSWORD
from tests.support.browser import browsing, console_errors, screenshot, sign_in, wait

pytestmark = pytest.mark.db

HEAT_RISKS = "//*[@id='map-heat-kind']//label[contains(., '风险')]"
HEAT_INCIDENTS = "//*[@id='map-heat-kind']//label[contains(., '警情')]"


@pytest.fixture
def browser() -> Iterator[WebDriver]:
    with browsing() as driver:
        yield driver


def end_by(reason: str, owner: str, username: str) -> None:
    """End ``username``'s sessions as ``reason`` does: idle too long, disabled, password changed."""
    if reason == "idle":
        with create_engine(normalise_url(owner)).begin() as conn:
            conn.execute(
                text("update ops.sessions set last_seen = now() - interval '1 day' where username = :u"),
                {"u": username},
            )
    elif reason == "disabled":
        set_disabled(owner, username, True)
    else:
        set_password(owner, username, PASSWORD)


@pytest.mark.parametrize("reason", ["idle", "disabled", "password"])
def test_an_ended_session_goes_to_the_login_and_back(
    served: str, demo_db: tuple[str, str], browser: WebDriver, reason: str
) -> None:
    owner = demo_db[0]
    username = f"s-{reason}-{secrets.token_hex(3)}"
    add_user(owner, username, "leadership", PASSWORD, display_name="会话测试")
    here = "/?from=session-test"
    browser.get(served + here)  # not signed in: to the login and back
    wait(browser, lambda d: "/login" in d.current_url)
    sign_in_here(browser, username)
    wait(browser, lambda d: d.current_url.split("#")[0] == served + here)  # the map writes its view after #
    legend = wait(browser, lambda d: d.find_element(By.ID, "map-heat-legend").text)
    assert legend.startswith("警情热力")

    end_by(reason, owner, username)
    # a control of the open page (clicked afresh if the page was still redrawing it: the map
    # restores its shared view after its first callbacks), unless a callback of the page's own
    # already met the ended session and the page is on its way to the login
    wait(browser, lambda d: "/login" in d.current_url or tap(d, HEAT_RISKS), 10)
    wait(browser, lambda d: "/login" in d.current_url, 10)
    assert "next=%2F%3Ffrom%3Dsession-test" in browser.current_url
    assert "登录已过期" in browser.find_element(By.ID, "login-expired").text
    screenshot(browser, f"session-ended-{reason}")
    if reason == "disabled":
        set_disabled(owner, username, False)
    sign_in_here(browser, username)
    wait(browser, lambda d: d.current_url.split("#")[0] == served + here)  # the map writes its view after #
    wait(browser, lambda d: d.find_element(By.ID, "map-heat-legend").text.startswith("警情热力"))
    assert console_errors(browser) == [] or all("401" in e for e in console_errors(browser))


def tap(driver: WebDriver, xpath: str) -> bool:
    """Click what ``xpath`` finds now; False (to try again) when the page redrew it under the click."""
    try:
        driver.find_element(By.XPATH, xpath).click()
    except WebDriverException:
        return False
    return True


def sign_in_here(driver: WebDriver, username: str) -> None:
    """Fill the login form the browser is on (keeping its next=)."""
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.ID, "login-submit").click()


def test_a_slow_callback_shows_that_it_is_loading(
    served: str, accounts: dict[str, object], browser: WebDriver
) -> None:
    sign_in(browser, served, "leader")
    wait(browser, lambda d: not d.current_url.startswith(served + "/login"))
    browser.get(served + "/")
    wait(browser, lambda d: d.find_element(By.ID, "map-heat-legend").text)

    def busy(d: WebDriver) -> bool:
        return bool(d.find_elements(By.CSS_SELECTOR, "#onemap-busy.shown"))

    assert not busy(browser)
    # every answer takes 1.5 s from here on: the heat's callback runs longer than 300 ms
    browser.execute_cdp_cmd("Network.enable", {})
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 1500, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    browser.find_element(By.XPATH, HEAT_RISKS).click()
    wait(browser, busy, 5)
    assert browser.find_element(By.ID, "onemap-busy").text == "加载中…"
    # the categories are asked first, then the heat: its legend is dimmed while it is on its way
    wait(
        browser,
        lambda d: "onemap-loading" in d.find_element(By.ID, "map-heat-legend").get_attribute("class"),
        8,
    )
    screenshot(browser, "loading")
    wait(browser, lambda d: d.find_element(By.ID, "map-heat-legend").text.startswith("风险"), 15)
    wait(browser, lambda d: not busy(d), 15)
    assert "onemap-loading" not in browser.find_element(By.ID, "map-heat-legend").get_attribute("class")
    browser.execute_cdp_cmd(
        "Network.emulateNetworkConditions",
        {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1},
    )
    browser.find_element(By.XPATH, HEAT_INCIDENTS).click()  # a quick one shows nothing
    wait(browser, lambda d: d.find_element(By.ID, "map-heat-legend").text.startswith("警情"), 15)
    assert console_errors(browser) == []
