"""A formula cell with no stored value (a workbook a program wrote and no spreadsheet computed)
reads as empty in both readers: its row is marked naming the cell and its field, for the checks to
quarantine, instead of loading without the value; a formula with its stored result reads as that
result, unmarked, and a formula on another sheet marks nothing."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter
from openpyxl import Workbook

from etl.readers import read_xlsx


def read(path: Path, held: bool, monkeypatch: pytest.MonkeyPatch, sheet: str | None = None) -> pd.DataFrame:
    monkeypatch.setattr("etl.readers._IN_MEMORY_XML", 1 << 40 if held else 0)
    return pd.concat(list(read_xlsx(path, sheet, 2)), ignore_index=True)


@pytest.mark.parametrize("held", [True, False])
def test_a_formula_never_computed_marks_its_row_naming_cell_and_field(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: bool
) -> None:
    path = tmp_path / "persons.xlsx"
    wb = Workbook()
    lookup = wb.active
    lookup.title = "字典"
    lookup.sheet_state = "hidden"
    lookup["A1"] = "=1+1"  # a formula on a sheet not read marks nothing
    ws = wb.create_sheet("人口")
    ws.append(["编号", "姓名", "电话", "人数"])
    ws.append(["P1", "张三", "13800000000", 1])
    ws.append(["P2", "李四", '=CONCAT("138","00000001")', 2])  # written by a program: no value stored
    ws.append(["P3", "王五", "13800000002", "=1+2"])
    ws.append([None, None, None, "=A1"])  # a row of formulas only is not a blank row
    wb.save(path)
    df = read(path, held, monkeypatch)
    assert df["_line"].tolist() == [2, 3, 4, 5]
    bad = dict(zip(df["_line"], df["_bad"], strict=True))
    assert bad[2] == ""
    assert "C3 (电话)" in bad[3] and "no stored value" in bad[3]
    assert "D4 (人数)" in bad[4]
    assert "D5 (人数)" in bad[5]
    assert df.loc[df["_line"] == 3, "电话"].tolist() == [""]  # what the readers saw: nothing


@pytest.mark.parametrize("held", [True, False])
def test_a_formula_with_its_stored_result_reads_as_the_result(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: bool
) -> None:
    path = tmp_path / "computed.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("台账")
    ws.write_row(0, 0, ("编号", "电话"))
    ws.write_string(1, 0, "A1")
    ws.write_formula(1, 1, '="138"&"00000001"', None, "13800000001")
    ws.write_string(2, 0, "A2")
    ws.write_formula(2, 1, '=""', None, "")  # a computed empty text is a value
    wb.close()
    df = read(path, held, monkeypatch)
    assert df["电话"].tolist() == ["13800000001", ""]
    assert "_bad" not in df or (df["_bad"] == "").all()


def test_the_named_sheet_is_the_one_searched(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "two.xlsx"
    wb = Workbook()
    first = wb.active
    first.title = "封面"
    first.append(["编号", "值"])
    first.append(["A1", "=1+1"])
    second = wb.create_sheet("数据")
    second.append(["编号", "值"])
    second.append(["B1", "7"])
    wb.save(path)
    assert "_bad" not in read(path, True, monkeypatch, "数据")
    assert "B2 (值)" in read(path, True, monkeypatch, "封面")["_bad"][0]
