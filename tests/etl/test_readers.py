"""Files as agencies write them, read into chunks: line numbers a person sees, no row refused by a reader."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from unittest import mock

import geopandas as gpd
import pandas as pd
import pytest
from openpyxl import Workbook
from shapely.geometry import Point

from common.errors import OnemapError
from etl.csv_arrow import arrow_table
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
def test_xlsx_without_a_sheet_named_reads_the_first_one_a_clerk_sees(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory: bool
) -> None:
    wb = Workbook()
    lookup = wb.active
    lookup.append(["选项"])
    lookup.sheet_state = "hidden"  # a hidden list of choices first, as many exports have
    wb.create_sheet("台账").append(["编码"])
    wb["台账"].append(["A"])
    wb.save(tmp_path / "a.xlsx")
    if not in_memory:
        monkeypatch.setattr("etl.readers._IN_MEMORY_XML", 0)
    df = pd.concat(list(read_xlsx(tmp_path / "a.xlsx", None, 10)))
    assert df["编码"].tolist() == ["A"]


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


PLAIN = '门禁编号,卡号,开门时间\nMJ1,C1,2026-11-01 00:00:00\nMJ2,,"2026-11-01 00:01:00"\n"MJ,3","a""b",x\n'
# each of these makes the rows differ from the lines somewhere: Arrow must decline, the careful reader reads
NOT_PLAIN = {
    "blank line": "a,b\n1,2\n\n3,4\n",
    "blank line first": "a,b\n\n1,2\n",
    "whitespace line": "a,b\n1,2\n   \n3,4\n",
    "value over two lines": 'a,b\n1,"x\ny"\n3,4\n',
    "lone carriage return": "a,b\n1,2\r3,4\n",
    "too many fields": "a,b\n1,2,3\n4,5\n",
    "trailing comma": "a,b\n1,2,\n3,4,\n",
    "too few fields": "a,b,c\n1,2\n",
    "one column": "a\n1\n\n2\n",
}


def careful(path: Path, encoding: str = "utf-8") -> pd.DataFrame:
    """What the record-by-record reader gives, Arrow's way shut off."""
    with mock.patch("etl.readers.arrow_table", return_value=None):
        return pd.concat(list(read_csv(path, encoding, 2)), ignore_index=True)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
@pytest.mark.parametrize("last", ["", "\n"])
def test_plain_files_take_arrow_to_the_same_rows_and_lines(
    tmp_path: Path, encoding: str, newline: str, last: str
) -> None:
    path = tmp_path / "plain.csv"
    path.write_bytes(
        (PLAIN.rstrip("\n").replace("\n", newline) + last.replace("\n", newline)).encode(encoding)
    )
    table = arrow_table(path, encoding, ["门禁编号", "卡号", "开门时间"], 1 << 24)
    assert table is not None and table.num_rows == 3
    fast = pd.concat(list(read_csv(path, encoding, 2)), ignore_index=True)
    pd.testing.assert_frame_equal(fast, careful(path, encoding))
    assert fast["_line"].tolist() == [2, 3, 4] and fast["卡号"].tolist() == ["C1", "", 'a"b']


@pytest.mark.parametrize("case", sorted(NOT_PLAIN))
def test_files_arrow_would_misnumber_are_read_record_by_record(tmp_path: Path, case: str) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(NOT_PLAIN[case].encode())
    names = [n.strip() for n in NOT_PLAIN[case].lstrip("\n").split("\n")[0].split(",")]
    assert arrow_table(path, "utf-8", names, 1 << 24) is None
    pd.testing.assert_frame_equal(
        pd.concat(list(read_csv(path, "utf-8", 2)), ignore_index=True), careful(path)
    )


@pytest.mark.parametrize("text", ['a,"b\nc"\n1,2\n', "\na,b\n1,2\n"])
def test_a_header_not_on_line_1_alone_keeps_arrow_out(tmp_path: Path, text: str) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(text.encode())
    with mock.patch("etl.readers.arrow_table") as spy:
        df = pd.concat(list(read_csv(path, "utf-8", 2)), ignore_index=True)
    assert not spy.called and df["_line"].tolist() == [3]


def test_a_cell_over_the_limit_is_left_to_the_careful_reader(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    path.write_bytes(b"a,b\n1," + b"x" * 5000 + b"\n")
    assert arrow_table(path, "utf-8", ["a", "b"], 4096) is None
    assert arrow_table(path, "utf-8", ["a", "b"], 8192) is not None


def test_gis_list_attributes_read_as_their_items(tmp_path: Path) -> None:
    # a GeoJSON property holding a list is a list attribute (IntegerList, RealList, StringList)
    point = {"type": "Point", "coordinates": [113.8, 23.3]}
    features = [
        {
            "type": "Feature",
            "properties": {"A": "x", "L": [1, 2], "F": [1.5, 2.5], "S": ["a", "b"]},
            "geometry": point,
        },
        {"type": "Feature", "properties": {"A": "y", "L": [3], "F": [0.5], "S": ["c"]}, "geometry": point},
    ]
    path = tmp_path / "lists.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), encoding="utf-8")
    df = pd.concat(list(read_gis(path)))
    assert df[["A", "L", "F", "S"]].values.tolist() == [
        ["x", "1,2", "1.5,2.5", "a,b"],
        ["y", "3", "0.5", "c"],
    ]


@pytest.mark.parametrize("declared", ["GB18030", "GBK"])
def test_a_utf8_file_said_to_be_gbk_is_refused_not_read_as_mojibake(tmp_path: Path, declared: str) -> None:
    # GB18030 reads nearly any bytes: UTF-8 text would load as 缂栫爜… without a word
    path = tmp_path / "u.csv"
    path.write_text("编码,名称\nA,邻里\n", encoding="utf-8")
    with pytest.raises(OnemapError, match="its text is UTF-8"):
        list(read_csv(path, declared, 10))
    path.write_text("编码,名称\nA,邻里\n", encoding="gb18030")
    assert pd.concat(list(read_csv(path, declared, 10)))["名称"].tolist() == ["邻里"]


def test_a_shapefile_whose_dbf_is_utf8_said_to_be_gbk_is_refused(tmp_path: Path) -> None:
    gdf = gpd.GeoDataFrame({"MC": ["一网格"]}, geometry=[Point(113.8, 23.3)], crs="EPSG:4326")
    gdf.to_file(tmp_path / "u.shp", encoding="UTF-8")
    with pytest.raises(OnemapError, match="its text is UTF-8"):
        list(read_gis(tmp_path / "u.shp", encoding="GBK"))
    gdf.to_file(tmp_path / "g.shp", encoding="GBK")
    assert pd.concat(list(read_gis(tmp_path / "g.shp", encoding="GBK")))["MC"].tolist() == ["一网格"]


@pytest.mark.parametrize("fast", (True, False))
def test_a_record_of_separators_blanks_or_ctrl_z_only_is_a_blank_line(tmp_path: Path, fast: bool) -> None:
    """A spreadsheet saves the formatted empty rows under a table as ``,,,``, an old DOS export ends
    with Ctrl-Z: no record, skipped but counted as a blank XLSX row is, never a row to quarantine."""
    path = tmp_path / "rows.csv"
    # Arrow declines a file whose last record is one field wide: Ctrl-Z is the careful reader's
    path.write_bytes(
        ("编号,名称,备注\n1,甲,\n,,\n  ,\u3000, \n2,乙,\n,,\n" + ("" if fast else "\x1a")).encode()
    )
    with mock.patch("etl.readers.arrow_table", **({} if fast else {"return_value": None})) as spy:
        if fast:
            spy.side_effect = arrow_table
        df = pd.concat(list(read_csv(path, "utf-8", 100)), ignore_index=True)
    assert df["编号"].tolist() == ["1", "2"] and df["_line"].tolist() == [2, 5]
    assert not fast or arrow_table(path, "utf-8", ["编号", "名称", "备注"], 1 << 24) is not None
    assert "_bad" not in df or (df["_bad"] == "").all()


@pytest.mark.parametrize(
    ("encoding", "named"),
    (("utf-16", "UTF-16"), ("utf-32", "UTF-32"), ("utf-16-le", "UTF-16LE"), ("utf-16-be", "UTF-16BE")),
)
@pytest.mark.parametrize("declared", ("utf-8", "gbk", "gb18030"))
def test_a_unicode_text_export_said_to_be_another_encoding_is_refused_naming_its_own(
    tmp_path: Path, encoding: str, named: str, declared: str
) -> None:
    """A spreadsheet's "Unicode text" export is UTF-16 (tab-separated): said to be UTF-8 or GBK it
    is refused, and the message says which encoding the file shows of itself."""
    path = tmp_path / "people.csv"
    path.write_bytes("编号,名称\r\n1,张三\r\n2,李四\r\n".encode(encoding))
    with pytest.raises(OnemapError, match=f"it is {named}; say encoding: {named} in the manifest"):
        list(read_csv(path, declared, 100))


NOT_WORKBOOKS = {
    "empty": (b"", "the file is empty"),
    "html": ("<html><body><table><tr><td>编号</td></tr></table></body></html>".encode(), "an HTML page"),
    "csv": ("编号,名称\n1,甲\n".encode("gb18030"), "plain text"),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "Excel 97–2003 workbook"),
    "cut": (b"PK\x03\x04" + bytes(100), "a ZIP archive cut short"),
}


@pytest.mark.parametrize("what", NOT_WORKBOOKS)
@pytest.mark.parametrize("held", (True, False))
def test_a_file_sent_as_a_workbook_that_is_none_is_refused_saying_what_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, what: str, held: bool
) -> None:
    body, said = NOT_WORKBOOKS[what]
    path = tmp_path / "台账.xlsx"
    path.write_bytes(body)
    monkeypatch.setattr("etl.readers._IN_MEMORY_XML", 1 << 40 if held else -1)
    with pytest.raises(OnemapError, match=f"not a readable XLSX workbook .*{said}"):
        list(read_xlsx(path, None, 10))


@pytest.mark.parametrize("held", (True, False))
def test_an_empty_first_sheet_is_refused_naming_it_and_the_sheets_the_data_may_be_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, held: bool
) -> None:
    path = tmp_path / "台账.xlsx"
    wb = Workbook()
    wb.active.title = "说明"
    wb.create_sheet("数据").append(["编号", "名称"])
    wb.save(path)
    monkeypatch.setattr("etl.readers._IN_MEMORY_XML", 1 << 40 if held else -1)
    with pytest.raises(
        OnemapError, match="sheet 说明 \\(the first shown\\); the workbook's sheets: 说明, 数据\\); say"
    ):
        list(read_xlsx(path, None, 10))
