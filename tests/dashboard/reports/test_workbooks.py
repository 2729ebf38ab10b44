"""The weekly XLSX as its reader opens it, the station's and the area's: each sheet's header row
frozen, every column wide enough for its Chinese header and cells (a longer text wraps), numbers
stored as numbers, and the period it names the PDF's of the same week."""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from dashboard.periods import Period, Week, term
from dashboard.queries import areas
from dashboard.reports import pdf, xlsx
from dashboard.reports.weekly import build_station, build_summary
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings
from tests.support.sheets import too_narrow

pytestmark = pytest.mark.db

WEEK = Period(Week(2026, 47))
NUMBER = re.compile(r"[-+]?\d[\d,]*(\.\d+)?%?")
CODE_HEADERS = ("编码", "编号")  # codes and item numbers: digits kept as text on purpose


@pytest.fixture(scope="module")
def books(demo_db: tuple[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, Path]]:
    """The busiest demo station's and the area's XLSX and PDF of the week, each pair written from
    one gathered report."""
    url, scope = demo_db[1], Scope.everything()
    out = tmp_path_factory.mktemp("books")
    code = areas.stations(url, scope)[0]["station_code"]
    station = build_station(url, scope, code, WEEK)
    summary = build_summary(url, scope, WEEK, DashboardSettings().score_weights())
    files = {"station": (out / "s.xlsx", out / "s.pdf"), "summary": (out / "a.xlsx", out / "a.pdf")}
    xlsx.write_station(station, files["station"][0])
    files["station"][1].write_bytes(pdf.to_pdf(pdf.station_html(station)))
    xlsx.write_summary(summary, files["summary"][0])
    files["summary"][1].write_bytes(pdf.to_pdf(pdf.summary_html(summary)))
    return files


def sheets(path: Path) -> Iterator[Worksheet]:
    yield from openpyxl.load_workbook(path).worksheets


@pytest.mark.parametrize("which", ["station", "summary"])
def test_each_sheet_freezes_its_header_and_fits_its_chinese_text(
    books: dict[str, tuple[Path, Path]], which: str
) -> None:
    """The columns were 22 wide for text and 14 for numbers whatever they held: 本期办结网格事件 ran
    into the next header, a grid's name and code into the next cell, the notes' sentences out of
    sight. A column is now as wide as its widest header or cell, and a text too long for any
    column wraps in it."""
    narrow = []
    for ws in sheets(books[which][0]):
        assert ws.freeze_panes == "A2", (which, ws.title)
        narrow += too_narrow(ws)
    assert narrow == [], narrow[:10]


@pytest.mark.parametrize("which", ["station", "summary"])
def test_numbers_are_numbers(books: dict[str, tuple[Path, Path]], which: str) -> None:
    """No figure is stored as text (a sum or a sort would skip it); codes and item numbers stay text."""
    as_text, counted = [], 0
    for ws in sheets(books[which][0]):
        head = [c.value for c in ws[1]]
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                code = any(w in str(head[cell.column - 1]) for w in CODE_HEADERS)
                if isinstance(cell.value, str) and NUMBER.fullmatch(cell.value.strip()) and not code:
                    as_text.append((ws.title, cell.coordinate, cell.value))
                counted += isinstance(cell.value, int | float)
    assert as_text == [] and counted > 20, (as_text[:10], counted)


@pytest.mark.parametrize("which", ["station", "summary"])
def test_the_workbook_names_the_pdfs_period(books: dict[str, tuple[Path, Path]], which: str) -> None:
    book, paper = books[which]
    info = {r[0]: r[1] for r in openpyxl.load_workbook(book)["说明"].iter_rows(min_row=2, values_only=True)}
    text = subprocess.run(["pdftotext", str(paper), "-"], capture_output=True, text=True, check=True).stdout
    text = re.sub(r"\s+", "", text)
    assert info["周次"] == WEEK.label_zh() and info["周次"].replace(" ", "") in text
    assert info["对比"] == WEEK.comparison_zh() and info["对比"].replace(" ", "") in text
    as_of = term("data_as_of")
    assert f"{as_of}{info[as_of]}".replace(" ", "") in text, info
