"""A station's PDF lists the grids with most incidents and points to the XLSX, which lists them all."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from dashboard.context import AppContext
from dashboard.periods import Period, Week
from dashboard.queries.areas import child_areas, stations
from dashboard.reports import pdf, xlsx
from dashboard.reports.weekly import build_station

pytestmark = pytest.mark.db

WEEK = Period(Week(2026, 47))


def test_the_pdf_keeps_the_top_grids_and_the_xlsx_every_grid(
    c: AppContext, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    codes = [s["station_code"] for s in stations(c.url, c.scope())]
    station = max(codes, key=lambda code: len(grids(c, code)))
    report = build_station(c.url, c.scope(), station, WEEK, with_map=False)
    top = 3
    assert len(report.grids) > 10  # the ranking's top ten (section 九) print codes too
    monkeypatch.setattr(pdf, "TOP_GRIDS", top)
    monkeypatch.setattr(pdf, "TOP_RED_CARDS", 2)
    html = pdf.station_html(report)
    ranked = [g["code"] for g in report.grids]  # most incidents first
    grid_section = html[html.index("四、分网格") : html.index("五、")]
    assert [code for code in ranked if code in grid_section] == ranked[:top]
    assert len(report.red_cards) > 2  # and the red cards likewise
    red_section = html[html.index("红牌督办事项") : html.index("六、")]
    assert sum(e["event_no"] in red_section for e in report.red_cards) == 2
    path = tmp_path / "r.pdf"
    path.write_bytes(pdf.to_pdf(html))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())  # the pointer may wrap
    assert f"共{len(ranked)}个网格" in flat and "全部网格见同期XLSX周报" in flat
    assert f"全部{len(report.red_cards)}件见同期XLSX周报" in flat
    book = tmp_path / "r.xlsx"
    xlsx.write_station(report, book)
    sheet = openpyxl.load_workbook(book)["分网格"]
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert set(ranked) <= cells
    red = openpyxl.load_workbook(book)["红牌事项"]
    assert red.max_row - 1 == len(report.red_cards)


def grids(c: AppContext, station: str) -> list[dict[str, Any]]:
    return child_areas(c.url, c.scope(), "grid", station)
