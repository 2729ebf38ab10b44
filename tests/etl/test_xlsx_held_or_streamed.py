"""A workbook reads alike whether calamine holds its sheet or openpyxl streams it (a sheet too large
to hold): error cells (#N/A, #DIV/0! …) are empty either way, never their code taken for a value;
formulas give their results, merged cells their value once, dates and times as written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from etl.readers import read_xlsx

ERRORS = ("#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!")


def workbook(path: Path) -> None:
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    when = wb.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for j, h in enumerate(("编号", "名称", "时间", "数量")):
        ws.write_string(0, j, h)
    for i, code in enumerate(ERRORS, start=1):
        ws.write_string(i, 0, f"A{i}")
        ws.write_string(i, 1, f"名{i}")
        ws.write_datetime(i, 2, dt.datetime(2026, 11, 3, 8, i), when)
        ws.write_formula(i, 3, "=NA()", None, code)
    ws.write_formula(len(ERRORS) + 1, 0, '="B"&1', None, "B1")
    ws.merge_range(len(ERRORS) + 1, 1, len(ERRORS) + 1, 3, "合并")
    wb.close()


def read(path: Path, held: bool, monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    monkeypatch.setattr("etl.readers._IN_MEMORY_XML", 1 << 40 if held else 0)
    return pd.concat(list(read_xlsx(path, None, 3)), ignore_index=True)


def test_error_cells_and_escaped_text_read_alike_held_or_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "odd.xlsx"
    workbook(path)
    held, streamed = read(path, True, monkeypatch), read(path, False, monkeypatch)
    pd.testing.assert_frame_equal(held, streamed)
    assert held["数量"].tolist()[: len(ERRORS)] == [""] * len(ERRORS)
    assert held.iloc[-1][["编号", "名称", "时间", "数量"]].tolist() == ["B1", "合并", "", ""]
    assert held["时间"].tolist()[0] == "2026-11-03 08:01:00"
