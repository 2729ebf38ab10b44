"""Files as agencies write them, read into chunks: line numbers a person sees, no row refused by a reader."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import Workbook
from shapely.geometry import Point

from common.errors import OnemapError
from etl.readers import read_csv, read_gis, read_xlsx


def csv_rows(path: Path, text: str, encoding: str = "utf-8", header_row: int = 1) -> pd.DataFrame:
    path.write_bytes(text.encode(encoding))
    return pd.concat(list(read_csv(path, encoding, 2, header_row)), ignore_index=True)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_blank_lines_are_skipped_but_counted(tmp_path: Path, newline: str, encoding: str) -> None:
    text = newline.join(["编码,名称", "A,甲", "", "B,乙", "   ", "", "C,丙", ""])
    df = csv_rows(tmp_path / "a.csv", text, encoding)
    assert df["编码"].tolist() == ["A", "B", "C"] and df["_line"].tolist() == [2, 4, 7]


def test_a_trailing_comma_on_every_row_shifts_nothing(tmp_path: Path) -> None:
    for text in ("a,b\n1,2,\n3,4,\n", "a,b,\n1,2,\n3,4,\n", "a,b\n1,2,,\n3,4\n"):
        df = csv_rows(tmp_path / "a.csv", text)
        assert df[["a", "b"]].values.tolist() == [["1", "2"], ["3", "4"]] and "_bad" not in df


def test_records_of_the_wrong_width_are_marked_not_refused(tmp_path: Path) -> None:
    df = csv_rows(tmp_path / "a.csv", "a,b,c\n1,2,3\n1,2,3,4\n1,2\n1,2,3\n")
    assert df["_line"].tolist() == [2, 3, 4, 5]
    assert [bool(x) for x in df["_bad"]] == [False, True, True, False]
    assert "4 fields" in df["_bad"][1] and "'4'" in df["_bad"][1] and "2 fields" in df["_bad"][2]


def test_a_quoted_field_across_lines_keeps_later_line_numbers(tmp_path: Path) -> None:
    df = csv_rows(tmp_path / "a.csv", 'a,b\n1,"two\nlines"\n3,4\n')
    assert df["b"].tolist() == ["two\nlines", "4"] and df["_line"].tolist() == [2, 4]


def test_nul_characters_reach_the_checks(tmp_path: Path) -> None:
    df = csv_rows(tmp_path / "a.csv", "a,b\n1,x\x00y\n2,z\n")
    assert df["b"].tolist() == ["x\x00y", "z"]


@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_header_further_down(tmp_path: Path, encoding: str) -> None:
    text = "房屋台账\n导出时间：2026年11月3日,,\n编码,名称\nA,甲\nB,乙\n"
    df = csv_rows(tmp_path / "a.csv", text, encoding, header_row=3)
    assert list(df.columns[:2]) == ["编码", "名称"] and df["_line"].tolist() == [4, 5]


def test_empty_and_header_only_files(tmp_path: Path) -> None:
    with pytest.raises(OnemapError, match="empty file"):
        csv_rows(tmp_path / "a.csv", "\n\n")
    with pytest.raises(OnemapError, match="header row on line 5"):
        csv_rows(tmp_path / "a.csv", "a,b\n1,2\n", header_row=5)
    (tmp_path / "h.csv").write_text("a,b\n", encoding="utf-8")
    assert list(read_csv(tmp_path / "h.csv", "utf-8", 10)) == []


def test_xlsx_date_cells_header_row_and_blank_rows(tmp_path: Path) -> None:
    wb = Workbook()
    ws = wb.active
    ws.append(["标题"])
    ws.append(["编码", "时间", "日期", "数"])
    ws.append(["A", dt.datetime(2026, 11, 3, 8, 5), dt.date(2026, 11, 3), 3.0])
    ws.append([None, None, None, None])
    ws.append(["B", "2026/11/3 8:05", dt.datetime(2026, 11, 4), 3.5])
    ws.append(["C", None, None, None, "右边的值"])
    ws.append(["D"])
    wb.save(tmp_path / "a.xlsx")
    df = pd.concat(list(read_xlsx(tmp_path / "a.xlsx", None, 10, header_row=2)))
    assert df.drop(columns=["_line", "_bad"]).values.tolist() == [
        ["A", "2026-11-03 08:05:00", "2026-11-03", "3"],
        ["B", "2026/11/3 8:05", "2026-11-04", "3.5"],
        ["C", "", "", ""],
        ["D", "", "", ""],
    ]
    assert df["_line"].tolist() == [3, 5, 6, 7]
    assert [bool(b) for b in df["_bad"]] == [False, False, True, False] and "右边的值" in df["_bad"].iloc[2]


@pytest.mark.parametrize("in_memory", [True, False])
def test_xlsx_off_the_corner_reads_alike_held_or_streamed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory: bool
) -> None:
    """A table starting at C5 of the second sheet: calamine (which holds the sheet and skips the empty
    rows and columns) and openpyxl (which streams a sheet too large to hold) give the same rows."""
    wb = Workbook()
    wb.active.append(["其他"])
    ws = wb.create_sheet("台账")
    ws["C5"], ws["D5"], ws["E5"] = "编码", "人数", "日期"
    ws["C6"], ws["D6"], ws["E6"] = "A", 3, dt.datetime(2026, 11, 3)
    ws["C8"], ws["D8"] = "B", 4.5
    ws["E9"] = True
    wb.save(tmp_path / "a.xlsx")
    if not in_memory:
        monkeypatch.setattr("etl.readers._IN_MEMORY_XML", 0)
    df = pd.concat(list(read_xlsx(tmp_path / "a.xlsx", "台账", 10, header_row=5)))
    assert list(df.columns[:5]) == ["", ".1", "编码", "人数", "日期"]
    assert df[["编码", "人数", "日期"]].values.tolist() == [
        ["A", "3", "2026-11-03"],
        ["B", "4.5", ""],
        ["", "", "是"],
    ]
    assert df["_line"].tolist() == [6, 8, 9]
    with pytest.raises(OnemapError, match="empty header row"):
        list(read_xlsx(tmp_path / "a.xlsx", "台账", 10, header_row=3))


@pytest.mark.parametrize(
    ("suffix", "driver"), [("gpkg", "GPKG"), ("shp", "ESRI Shapefile"), ("geojson", "GeoJSON")]
)
def test_gis_nulls_are_empty_never_nan(tmp_path: Path, suffix: str, driver: str) -> None:
    path = tmp_path / f"a.{suffix}"
    gdf = gpd.GeoDataFrame(
        {"NAME": ["甲", None], "N": [2.0, None], "T": [pd.Timestamp("2026-11-03 08:05"), pd.NaT]},
        geometry=[Point(113.8, 23.3), Point(113.9, 23.4)],
        crs="EPSG:4326",
    )
    if driver == "ESRI Shapefile":
        gdf = gdf.drop(columns="T")  # a .dbf has no date-time type
    gdf.to_file(path, driver=driver)
    df = next(read_gis(path))
    assert df["NAME"].tolist() == ["甲", ""] and df["N"].tolist() == ["2", ""]
    if "T" in df:
        assert df["T"].tolist()[1] == "" and df["T"].tolist()[0].startswith("2026-11-03")
