"""A workbook reads alike whether calamine holds its sheet or openpyxl streams it (a sheet too large
to hold): error cells (#N/A, #DIV/0! …) are empty either way, never their code taken for a value;
formulas give their results, merged cells their value once, dates and times as written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from etl.forms import parse_date
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


# serials a cell formatted as a date may hold that are no date: before 1900 (negative) or after
# 9999-12-31, a date typed as yyyymmdd into a date column, a number far out of range
NO_DATES = (-1, -0.25, -45000, 2958466, 20261205, 1e300)


def test_serials_that_are_no_date_read_alike_held_or_streamed_and_are_refused_as_dates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "serials.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    forms = [wb.add_format({"num_format": f}) for f in ("yyyy-mm-dd", "hh:mm", "yyyy-mm-dd hh:mm:ss")]
    ws.write_row(0, 0, ("编号", "日期", "时间", "日期时间"))
    for i, serial in enumerate(NO_DATES, start=1):
        ws.write_string(i, 0, f"A{i}")
        for j, form in enumerate(forms, start=1):
            ws.write_number(i, j, serial, form)
    wb.close()
    held, streamed = read(path, True, monkeypatch), read(path, False, monkeypatch)
    pd.testing.assert_frame_equal(held, streamed)
    for column in ("日期", "时间", "日期时间"):
        shown = held[column]
        # never a made-up date before 1900, never an empty cell: what the cell holds, or its time
        assert not shown.str.match(r"1[78]\d\d-").any(), shown.tolist()
        assert (shown != "").all(), shown.tolist()
        if column == "日期":  # 20261205 typed into a date column reads as the date it says
            assert parse_date(shown.drop(4)).isna().all(), shown.tolist()
    assert held["日期"].tolist()[3:5] == ["2958466", "20261205"]
