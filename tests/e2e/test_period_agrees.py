"""Every screen and export with a period names the same days: a walk through the map (its period
bar, its range of days, the playback's line, the heat legend and the print view's head, for each
window), a station page and the reports it links to (XLSX and PDF, fetched by the browser), and the
wall, on one period picked in the URL. Screenshots go to artifacts/e2e."""

from __future__ import annotations

import base64
import io
import re
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import suppress
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from dashboard.periods import Period, Week
from tests.support.browser import browsing, choose, screenshot, wait
from tests.support.database import first_station
from tests.support.mapview import open_view

pytestmark = pytest.mark.db

PICKED = Period(Week(2026, 45))  # 11月02日—11月08日
QUERY = "?week=2026-W45"
DAYS = re.compile(r"([0-9]{2})月([0-9]{2})日—([0-9]{2})月([0-9]{2})日")


@pytest.fixture(scope="module")
def leader(served: str, accounts: dict[str, Any]) -> Iterator[WebDriver]:
    with browsing(served, "leader") as driver:
        yield driver


def read(driver: WebDriver, css: str) -> str:
    """The text of the first element matching ``css``, read in one step (it may be re-rendering)."""
    return str(
        driver.execute_script(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css
        )
    )


def spans(said: str) -> set[str]:
    """Every span of days a text names (``11月02日—11月08日``), as ``MM-DD..MM-DD``."""
    return {f"{a}-{b}..{c}-{d}" for a, b, c, d in DAYS.findall(said)}


def picker_days(driver: WebDriver) -> str:
    """The map's range of days as its two boxes show them, as ``MM-DD..MM-DD``."""
    boxes = driver.execute_script(
        "return [...document.querySelectorAll('.dash-datepicker-start-date, .dash-datepicker-end-date')]"
        ".map(e => e.value)"
    )
    assert len(boxes) == 2, boxes
    return f"{boxes[0][5:]}..{boxes[1][5:]}"


def map_days(driver: WebDriver, want: str) -> dict[str, str]:
    """Wait until the heat legend counts ``want``; then what each of the map's captions names."""
    wait(driver, lambda d: want in spans(read(d, "#map-heat-legend")))
    # the range of days is set by a callback of its own: given its time, then read as it is
    with suppress(TimeoutException):
        wait(driver, lambda d: picker_days(d) == want and want in spans(read(d, "#map-print-period")), 10)
    return {
        "range of days": picker_days(driver),
        "playback line": "|".join(sorted(spans(read(driver, "#map-play-week")))),
        "print head": "|".join(sorted(spans(read(driver, "#map-print-period")) or {"?"})),
        "heat legend": "|".join(sorted(spans(read(driver, "#map-heat-legend")))),
    }


def fetched(driver: WebDriver, href: str) -> bytes:
    """A download fetched by the page itself (its session), as bytes."""
    b64 = driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "fetch(arguments[0]).then(r => r.arrayBuffer()).then(b => {"
        "  let s = ''; new Uint8Array(b).forEach(x => s += String.fromCharCode(x)); done(btoa(s));"
        "});",
        href,
    )
    return base64.b64decode(b64)


def test_every_screen_and_export_names_the_periods_days(
    served: str, leader: WebDriver, demo_db: tuple[str, str]
) -> None:
    week = "11-02..11-08"
    leader.set_window_size(1920, 1080)
    # the map: whatever window is chosen, every caption names the days heat and colours count
    open_view(leader, served, query=QUERY)
    assert spans(read(leader, "#period-label")) == {week}
    shown = map_days(leader, week)
    screenshot(leader, "period-agrees-map-week")
    assert shown == dict.fromkeys(shown, week), shown
    choose(leader, "map-heat-window", "近4周")
    four = "10-12..11-08"
    shown = map_days(leader, four)
    screenshot(leader, "period-agrees-map-4w")
    assert shown == dict.fromkeys(shown, four), shown
    choose(leader, "map-heat-window", "本期")
    assert map_days(leader, week) == dict.fromkeys(shown, week)
    open_view(leader, served, "win=custom&d0=2026-10-20&d1=2026-10-25", query=QUERY)
    custom = "10-20..10-25"
    shown = map_days(leader, custom)
    assert shown == dict.fromkeys(shown, custom), shown
    # a station page, and the reports it links to
    code = first_station(demo_db[0])
    leader.get(f"{served}/station/{code}{QUERY}")
    wait(leader, lambda d: read(d, "#drill-period"))
    assert spans(read(leader, "#period-label")) == spans(read(leader, "#drill-period")) == {week}
    screenshot(leader, "period-agrees-station")
    hrefs = {
        fmt: leader.find_element(By.ID, f"drill-download-{fmt}").get_attribute("href")
        for fmt in ("xlsx", "pdf")
    }
    book = load_workbook(io.BytesIO(fetched(leader, hrefs["xlsx"])), read_only=True)
    cells = " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    assert spans(cells) and spans(cells) <= {week, "10-26..11-01", "11-03..11-09"}, spans(cells)
    assert week in spans(cells)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "weekly.pdf"
        pdf.write_bytes(fetched(leader, hrefs["pdf"]))
        words = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
    assert week in spans(words), spans(words)
    # the wall: its picker, its heat legend
    leader.get(f"{served}/wall{QUERY}")
    wait(leader, lambda d: spans(read(d, "#wall-legend")))
    assert spans(read(leader, "#wall-week")) == {week}
    assert spans(read(leader, "#wall-legend")) == {week}
    screenshot(leader, "period-agrees-wall")
