"""Whole loads of files written the way agencies send them, in every format: no source is lost to one cell.

A small area in CSV (UTF-8 and GB18030), XLSX, GeoPackage, Shapefile and GeoJSON, each file
carrying odd cells and malformed records among sound rows; every source loads, the sound rows are
in core, each bad row is in the quarantine with its reason, and every report adds up.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import yaml
from openpyxl import Workbook
from shapely.geometry import Point, box
from sqlalchemy import Engine, create_engine, text

from etl.load import Loader, SourceReport
from etl.manifest import read_manifest
from etl.warehouse import Warehouse
from tests.support.database import fresh_database

pytestmark = pytest.mark.db

AREA = box(113.0, 23.0, 114.5, 24.0)


def _gis(path: Path, rows: list[dict], geoms: list, driver: str, **kw: object) -> None:
    gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326").to_file(path, driver=driver, **kw)


def write_files(root: Path) -> dict:
    """The files and their manifest; returns the manifest as a mapping."""
    _gis(root / "district.geojson", [{"QHDM": "440118", "MC": "增城区"}], [AREA], "GeoJSON")
    towns = [
        {"DM": "440118001", "QHDM": "440118", "MC": "荔城街", "LX": None},  # empty optional kind
        {"DM": "44011800", "QHDM": "440118", "MC": "八位", "LX": "镇"},  # eight digits: bad_code
        {
            "DM": "440118003",
            "QHDM": "440118",
            "MC": None,
            "LX": "镇",
        },  # a null name: missing_required, never 'nan'
        {"DM": "440118004", "QHDM": "440118", "MC": "新塘镇", "LX": "镇"},
    ]
    _gis(
        root / "towns.gpkg",
        towns,
        [box(113.1 + i / 10, 23.1, 113.15 + i / 10, 23.2) for i in range(4)],
        "GPKG",
        layer="towns",
    )
    grids = [
        {"WGBM": "G1", "QHDM": "440118", "WGMC": "一网格", "WGLX": "", "WGYS": "5.5"},  # 5.5 grid workers
        {"WGBM": "G2", "QHDM": "440118", "WGMC": None, "WGLX": "", "WGYS": "2"},
        {"WGBM": "G3", "QHDM": "440118", "WGMC": "三网格", "WGLX": "", "WGYS": ""},
    ]
    _gis(
        root / "grids.shp",
        grids,
        [box(113.5, 23.5 + i / 10, 113.6, 23.55 + i / 10) for i in range(3)],
        "ESRI Shapefile",
        encoding="GBK",
    )
    cameras = [
        {"DWBM": "C1", "QHDM": "440118", "MC": "一", "LX": "结构化", "QC": "城区", "ZX": None, "SL": None},
        {"DWBM": "C2", "QHDM": "440118", "MC": "零点", "LX": "结构化", "QC": "城区", "ZX": True, "SL": 3},
        {"DWBM": "C3", "QHDM": "440118", "MC": "三", "LX": "卡口", "QC": "县界", "ZX": False, "SL": None},
    ]
    _gis(root / "cameras.geojson", cameras, [Point(113.8, 23.3), Point(0, 0), Point(113.9, 23.4)], "GeoJSON")
    kinds = "事项编码,事项大类,事项名称\nGE01,综治类,邻里纠纷\nGE02,综治类,邻里纠纷\nGE03,服务类,帮扶\n"
    (root / "kinds.csv").write_bytes(kinds.encode("gb18030"))
    wb = Workbook()
    ws = wb.active
    ws.append(["网格事件台账（2026年11月）"])
    ws.append(["导出单位：综治中心"])
    ws.append(
        [
            "事件编号",
            "区划代码",
            "事项编码",
            "是否涉警",
            "事件标题",
            "登记时间",
            "状态",
            "办结时间",
            "经度",
            "纬度",
        ]
    )
    ws.append(["E1", "440118", "邻里纠纷", "否", "t", "2026-11-03T00:30:00Z", "登记", None, 113.8, 23.3])
    ws.append(
        [
            "E2",
            "440118",
            "GE03",
            "否",
            "t",
            dt.datetime(2026, 11, 3, 8, 5),
            "已办结",
            "2026/11/4 9:00",
            113.8,
            23.3,
        ]
    )
    ws.append(
        ["E3", "440118", "GE01", "否", "t", "2026年11月3日 8:05", "已办结", None, 113.8, 23.3]
    )  # no closed_at
    ws.append(["E4", "440118", "GE01", "否", "t", "2025", "登记", None, 113.8, 23.3])  # a year is no time
    ws.append(["E5", "440118", "帮扶", "否", "t", "2026-11-03 08:30:00+08:00", "登记", None, 113.8, 23.3])
    wb.save(root / "events.xlsx")
    disputes = (
        "纠纷编号,区划代码,排查时间,纠纷类型,风险等级,当事人数,状态,经度,纬度\n"
        "D1,440118,2026-11-03 08:00:00,邻里,,2,排查中,113.8,23.3,\n"
        "D2,440118,2026-11-03 08:00:00,邻里,高风险,3.5,排查中,113.8,23.3,\n"
        "\n"
        "D3,440118,2026-11-03 08:00:00,邻\x00里,,2,排查中,113.8,23.3,\n"
        "D4,440118,2026-11-03 08:00:00,邻里,,2,排查中,113.8,23.3,多余,\n"
        "D5,440118,2026-11-03 08:00:00,邻里\n"
        "D6,440118,26-3-5 08:00:00,邻里,,2,排查中,113.8,23.3,\n"
        "D7,440118,2026-11-03 08:00:00,邻里,一般,,排查中,113.8,23.3,\n"
    )
    (root / "disputes.csv").write_text(disputes, encoding="utf-8")
    (root / "ws").mkdir()
    head = "工作站编码,区划代码,名称,主题,其他人员,经度,纬度\n"
    (root / "ws" / "a.csv").write_text(
        head + "W1,440118,甲,t,,113.8,23.3\nW2,440118,乙,t,1,113.8,23.3\n", "utf-8"
    )
    (root / "ws" / "b.csv").write_text(
        head + "W2,440118,乙,t,1,113.8,23.3\nW3,440118,丙,t,,113.8,23.3\n", "utf-8"
    )
    wgs = {"crs": "WGS84"}
    return {
        "area": {"district_code": "440118", "name": "增城区"},
        "sources": [
            {
                "name": "区",
                "kind": "district",
                "path": "district.geojson",
                "format": "geojson",
                **wgs,
                "columns": {"district_code": "QHDM", "name": "MC"},
            },
            {
                "name": "镇街",
                "kind": "town",
                "path": "towns.gpkg",
                "format": "gpkg",
                "layer": "towns",
                **wgs,
                "columns": {"town_code": "DM", "district_code": "QHDM", "name": "MC", "kind": "LX"},
            },
            {
                "name": "网格",
                "kind": "grid",
                "path": "grids.shp",
                "format": "shp",
                "encoding": "GBK",
                **wgs,
                "columns": {
                    "grid_code": "WGBM",
                    "district_code": "QHDM",
                    "name": "WGMC",
                    "grid_kind": "WGLX",
                    "worker_count": "WGYS",
                },
            },
            {
                "name": "视频",
                "kind": "camera",
                "path": "cameras.geojson",
                "format": "geojson",
                **wgs,
                "columns": {
                    "camera_code": "DWBM",
                    "district_code": "QHDM",
                    "name": "MC",
                    "camera_kind": "LX",
                    "ring": "QC",
                    "online": "ZX",
                },
            },
            {
                "name": "事项",
                "kind": "grid_event_kind",
                "path": "kinds.csv",
                "format": "csv",
                "encoding": "GB18030",
                "columns": {"kind_code": "事项编码", "event_class": "事项大类", "name_zh": "事项名称"},
            },
            {
                "name": "事件",
                "kind": "grid_event",
                "path": "events.xlsx",
                "format": "xlsx",
                "header_row": 3,
                **wgs,
                "columns": {
                    "event_no": "事件编号",
                    "district_code": "区划代码",
                    "kind_code": "事项编码",
                    "is_police_matter": "是否涉警",
                    "title": "事件标题",
                    "registered_at": "登记时间",
                    "status": "状态",
                    "closed_at": "办结时间",
                    "lon": "经度",
                    "lat": "纬度",
                },
            },
            {
                "name": "纠纷",
                "kind": "dispute",
                "path": "disputes.csv",
                "format": "csv",
                **wgs,
                "columns": {
                    "dispute_no": "纠纷编号",
                    "district_code": "区划代码",
                    "found_at": "排查时间",
                    "dispute_type": "纠纷类型",
                    "risk_level": "风险等级",
                    "parties": "当事人数",
                    "status": "状态",
                    "lon": "经度",
                    "lat": "纬度",
                },
            },
            {
                "name": "工作站",
                "kind": "workstation",
                "path": "ws/*.csv",
                "format": "csv",
                **wgs,
                "columns": {
                    "workstation_code": "工作站编码",
                    "district_code": "区划代码",
                    "name": "名称",
                    "theme": "主题",
                    "staff_other": "其他人员",
                    "lon": "经度",
                    "lat": "纬度",
                },
            },
        ],
    }


@pytest.fixture(scope="module")
def loaded(
    warehouse: Warehouse, test_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, dict[str, SourceReport]]]:
    root = tmp_path_factory.mktemp("cells")
    (root / "manifest.yaml").write_text(
        yaml.safe_dump(write_files(root), allow_unicode=True), encoding="utf-8"
    )
    url = fresh_database(warehouse, test_db_url, "cells")
    reports = Loader(url, read_manifest(root / "manifest.yaml")).run()
    engine = create_engine(url)
    yield engine, {r.source: r for r in reports}
    engine.dispose()


def rows(engine: Engine, query: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(query))]


def quarantined(engine: Engine, source: str) -> dict[int, str]:
    return dict(rows(engine, f"select line_no, reason_code from ops.quarantine where source = '{source}'"))


def test_every_source_loads_and_adds_up(loaded: tuple[Engine, dict[str, SourceReport]]) -> None:
    engine, reports = loaded
    assert {n: r.status for n, r in reports.items()} == dict.fromkeys(reports, "loaded"), [
        r.message for r in reports.values()
    ]
    for r in reports.values():
        assert r.rows_in == r.loaded + r.quarantined
        assert sum(r.reasons.values()) == r.quarantined
    stored = dict(rows(engine, "select source, rows_in from ops.load_batch where status = 'loaded'"))
    assert stored == {n: r.rows_in for n, r in reports.items()}


def test_gis_nulls_are_empty_and_optional_fields_may_be(
    loaded: tuple[Engine, dict[str, SourceReport]],
) -> None:
    engine, _ = loaded
    assert quarantined(engine, "镇街") == {2: "bad_code", 3: "missing_required"}
    assert rows(engine, "select town_code, kind from core.towns order by 1") == [
        ("440118001", None),
        ("440118004", "town"),
    ]
    assert quarantined(engine, "网格") == {1: "bad_number", 2: "missing_required"}
    assert rows(engine, "select grid_code, grid_kind, worker_count from core.grids") == [("G3", None, None)]
    assert "nan" not in json.dumps(rows(engine, "select raw from ops.quarantine where source = '网格'"))
    # JSON null in an optional yes/no is not stated; 0,0 is no position
    assert quarantined(engine, "视频") == {2: "coord_missing"}
    assert rows(engine, "select camera_code, online from core.cameras order by 1") == [
        ("C1", None),
        ("C3", False),
    ]


def test_times_codebook_names_and_a_header_further_down(
    loaded: tuple[Engine, dict[str, SourceReport]],
) -> None:
    engine, _ = loaded
    assert quarantined(engine, "事项") == {3: "duplicate"}  # GE02 names the same kind as GE01
    assert quarantined(engine, "事件") == {6: "bad_sequence", 7: "bad_datetime"}  # sheet rows, header on 3
    got = rows(
        engine,
        "select event_no, kind_code, "
        "to_char(registered_at at time zone 'Asia/Shanghai', 'YYYY-MM-DD HH24:MI') "
        "from core.grid_events order by 1",
    )
    assert got == [
        ("E1", "GE01", "2026-11-03 08:30"),
        ("E2", "GE03", "2026-11-03 08:05"),
        ("E5", "GE03", "2026-11-03 08:30"),
    ]


def test_malformed_csv_records_are_quarantined_and_the_rest_loads(
    loaded: tuple[Engine, dict[str, SourceReport]],
) -> None:
    engine, reports = loaded
    # line 4 is blank: later line numbers are the file's own
    assert quarantined(engine, "纠纷") == {
        3: "bad_number",
        5: "nul_character",
        6: "bad_record",
        7: "bad_record",
        8: "bad_datetime",
    }
    assert reports["纠纷"].rows_in == 7
    assert rows(engine, "select dispute_no, risk_level, parties from core.disputes order by 1") == [
        ("D1", None, 2),
        ("D7", "normal", None),
    ]
    raw = rows(engine, "select raw::text from ops.quarantine where source = '纠纷' and line_no = 5")[0][0]
    assert "邻里" in raw and "\\u0000" not in raw


def test_duplicates_across_the_files_of_one_glob(loaded: tuple[Engine, dict[str, SourceReport]]) -> None:
    engine, reports = loaded
    assert dict(
        rows(engine, "select file_path, reason_code from ops.quarantine where source = '工作站'")
    ) == {"ws/b.csv": "duplicate"}
    assert rows(engine, "select workstation_code, staff_other from core.workstations order by 1") == [
        ("W1", None),
        ("W2", 1),
        ("W3", None),
    ]
    assert reports["工作站"].rows_in == 4
