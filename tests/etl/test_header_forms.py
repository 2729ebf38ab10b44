"""A header names a column however its file writes the name: with a byte-order mark or a
zero-width space pasted in front (they look the same and matched nothing, so the whole source
failed with "column '编号' not found; the file has 编号"), in full-width letters, with full-width
or non-breaking spaces around it. Headers and the manifest's columns are read in one form, so
the same name matches whatever the delivery did to it; CSV, XLSX and GIS files alike."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from etl.manifest import Source
from etl.readers import read_csv, read_gis, read_xlsx

WRITTEN = ("\ufeff编号", "编号\u200b", "\u3000编号\u00a0", "\u2060编\u200d号")
LATIN = ("ＤＭ", " ＤＭ ", "\ufeffDM")


@pytest.mark.parametrize("name", WRITTEN + LATIN)
@pytest.mark.parametrize("encoding", ["utf-8", "gb18030"])
def test_a_csv_header_reads_in_one_form(tmp_path: Path, name: str, encoding: str) -> None:
    path = tmp_path / "h.csv"
    path.write_bytes(f"{name},名称\nA1,甲\n".encode(encoding))
    (df,) = list(read_csv(path, encoding, 10))
    assert list(df.columns[:2]) == ["编号" if "编" in name else "DM", "名称"]


@pytest.mark.parametrize("name", WRITTEN + LATIN)
def test_an_xlsx_header_reads_in_one_form(tmp_path: Path, name: str) -> None:
    path = tmp_path / "h.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, [name, "名称"])
    ws.write_row(1, 0, ["A1", "甲"])
    wb.close()
    (df,) = list(read_xlsx(path, None, 10))
    assert list(df.columns[:2]) == ["编号" if "编" in name else "DM", "名称"]


def test_a_gis_attribute_reads_in_one_form(tmp_path: Path) -> None:
    path = tmp_path / "h.geojson"
    path.write_text(
        '{"type":"FeatureCollection","features":[{"type":"Feature","properties":'
        '{"\\ufeff编号":"A1","ＤＭ":"x","DM":"y"},"geometry":{"type":"Point","coordinates":[113.8,23.3]}}]}',
        "utf-8",
    )
    (df,) = list(read_gis(path))
    assert {"编号", "DM", "DM.1"} <= set(df.columns) and df["编号"].tolist() == ["A1"]


def test_the_manifest_names_columns_in_the_same_form() -> None:
    source = Source(
        name="人口",
        kind="dispute",
        path="d.csv",
        format="csv",
        crs="WGS84",
        columns={
            "dispute_no": "ＤＭ",
            "district_code": "区划代码\u200b",
            "found_at": " 排查时间\u3000",
            "dispute_type": "纠纷类型",
            "parties": "当事人数",
            "status": "状态",
        },
    )
    assert source.columns["dispute_no"] == "DM"
    assert source.columns["district_code"] == "区划代码" and source.columns["found_at"] == "排查时间"
