"""Files odd in ways the field checks did not see: a point layer holding other shapes, polygons in
another CRS or with their axes exchanged or far away, a CSV with lines pasted from an export in
another encoding or a cell of megabytes, a Shapefile re-sent with new attributes only or without its
index. Every source loads, each odd row is quarantined naming its line, field and reason, and
nothing stops the other sources.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pytest
import yaml
from shapely.geometry import LineString, MultiPoint, Point, box
from sqlalchemy import Engine, create_engine, text

from etl.load import Loader, SourceReport
from etl.manifest import read_manifest
from etl.warehouse import Warehouse
from tests.support.database import fresh_database

pytestmark = pytest.mark.db

AREA = box(113.0, 23.0, 114.5, 24.0)
WGS = {"crs": "WGS84"}


def _gis(path: Path, rows: list[dict], geoms: list, crs: str = "EPSG:4326", **kw: object) -> None:
    gdf = gpd.GeoDataFrame(rows, geometry=geoms, crs="EPSG:4326")
    gdf.to_crs(crs).to_file(path, **kw)


def _grids(root: Path, name: str) -> None:
    rows = [{"WGBM": "G1", "QHDM": "440118", "WGMC": name, "WGYS": "2"}]
    _gis(root / "grids.shp", rows, [box(113.5, 23.5, 113.6, 23.55)], encoding="GBK")
    (root / "grids.shx").unlink()  # sent without its index


def write_files(root: Path) -> dict:
    _gis(root / "district.geojson", [{"QHDM": "440118", "MC": "增城区"}], [AREA], driver="GeoJSON")
    town = {"QHDM": "440118", "LX": "镇"}
    _gis(
        root / "towns.gpkg",
        [{**town, "DM": f"44011800{i}", "MC": f"镇{i}"} for i in range(1, 4)],
        [box(113.1, 23.1, 113.2, 23.2), box(23.1, 113.3, 23.2, 113.4), box(116.3, 39.9, 116.4, 40.0)],
        driver="GPKG",
        layer="towns",
    )
    # the same sound town as a GeoPackage in Web Mercator metres, declared WGS-84
    _gis(
        root / "metres.gpkg",
        [{**town, "DM": "440118009", "MC": "米"}],
        [box(113.3, 23.3, 113.4, 23.4)],
        crs="EPSG:3857",
        driver="GPKG",
        layer="towns",
    )
    _grids(root, "一网格")
    cam = {"QHDM": "440118", "LX": "结构化", "QC": "城区"}
    _gis(
        root / "cameras.geojson",
        [{**cam, "DWBM": f"C{i}", "MC": f"点{i}"} for i in range(1, 6)],
        [
            Point(113.8, 23.3),
            MultiPoint([(113.8, 23.3), (113.9, 23.4)]),
            box(113.8, 23.3, 113.9, 23.4),
            LineString([(113.8, 23.3), (113.9, 23.4)]),
            Point(113.9, 23.4),
        ],
        driver="GeoJSON",
    )
    head = "纠纷编号,区划代码,排查时间,纠纷类型,当事人数,状态,经度,纬度\n"
    row = "D{},440118,2026-11-03 08:00:00,{},2,排查中,113.8,23.3\n"
    (root / "disputes.csv").write_bytes(
        (head + row.format(1, "邻里")).encode("utf-8")
        + row.format(2, "婚姻家庭").encode("gbk")  # pasted from a GBK export
        + row.format(3, "邻里").encode("utf-8")
        + row.format(4, "Société").encode().replace("é".encode(), "é".encode("latin-1"))
        + row.format(5, "邻" * 5000).encode()  # a cell of a broken export
        + row.format("6" * 65, "邻里").encode()
    )
    gis = {"district_code": "QHDM", "name": "MC"}
    towns = {"town_code": "DM", **gis, "kind": "LX"}
    return {
        "area": {"district_code": "440118", "name": "增城区"},
        "sources": [
            {
                "name": "区",
                "kind": "district",
                "path": "district.geojson",
                "format": "geojson",
                **WGS,
                "columns": gis,
            },
            {
                "name": "镇街",
                "kind": "town",
                "path": "towns.gpkg",
                "format": "gpkg",
                "layer": "towns",
                **WGS,
                "columns": towns,
            },
            {
                "name": "镇街米",
                "kind": "town",
                "path": "metres.gpkg",
                "format": "gpkg",
                "layer": "towns",
                **WGS,
                "columns": towns,
            },
            {
                "name": "网格",
                "kind": "grid",
                "path": "grids.shp",
                "format": "shp",
                "encoding": "GBK",
                **WGS,
                "columns": {
                    "grid_code": "WGBM",
                    "district_code": "QHDM",
                    "name": "WGMC",
                    "worker_count": "WGYS",
                },
            },
            {
                "name": "视频",
                "kind": "camera",
                "path": "cameras.geojson",
                "format": "geojson",
                **WGS,
                "columns": {"camera_code": "DWBM", **gis, "camera_kind": "LX", "ring": "QC"},
            },
            {
                "name": "纠纷",
                "kind": "dispute",
                "path": "disputes.csv",
                "format": "csv",
                **WGS,
                "columns": {
                    "dispute_no": "纠纷编号",
                    "district_code": "区划代码",
                    "found_at": "排查时间",
                    "dispute_type": "纠纷类型",
                    "parties": "当事人数",
                    "status": "状态",
                    "lon": "经度",
                    "lat": "纬度",
                },
            },
        ],
    }


@pytest.fixture(scope="module")
def area(warehouse: Warehouse, test_db_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple]:
    root = tmp_path_factory.mktemp("odd")
    (root / "manifest.yaml").write_text(yaml.safe_dump(write_files(root), allow_unicode=True), "utf-8")
    url = fresh_database(warehouse, test_db_url, "odd")
    reports = {r.source: r for r in Loader(url, read_manifest(root / "manifest.yaml")).run()}
    engine = create_engine(url)
    yield engine, reports, root, url
    engine.dispose()


def quarantined(engine: Engine, source: str) -> dict[int, tuple]:
    with engine.connect() as conn:
        found = conn.execute(
            text("select line_no, reason_code, field, detail from ops.quarantine where source = :s"),
            {"s": source},
        )
        return {r[0]: tuple(r[1:]) for r in found}


def test_every_source_loads(area: tuple) -> None:
    _, reports, _, _ = area
    reports: dict[str, SourceReport]
    assert {n: r.status for n, r in reports.items()} == dict.fromkeys(reports, "loaded"), [
        r.message for r in reports.values()
    ]


def test_a_point_layer_holding_other_shapes_quarantines_them(area: tuple) -> None:
    engine, _, _, _ = area
    q = quarantined(engine, "视频")
    assert {n: q[n][:2] for n in q} == {n: ("coord_missing", "geometry") for n in (2, 3, 4)}
    assert "MultiPoint" in q[2][2] and "Polygon" in q[3][2] and "LineString" in q[4][2]
    with engine.connect() as conn:
        assert conn.execute(text("select camera_code from core.cameras order by 1")).scalars().all() == [
            "C1",
            "C5",
        ]


def test_polygons_are_placed_as_points_are(area: tuple) -> None:
    engine, _, _, _ = area
    q = quarantined(engine, "镇街")
    assert {n: q[n][:2] for n in q} == {2: ("coord_swapped", "geometry"), 3: ("outside_area", "geometry")}
    assert quarantined(engine, "镇街米")[1][:2] == ("outside_area", "geometry")
    with engine.connect() as conn:
        assert conn.execute(text("select town_code from core.towns")).scalars().all() == ["440118001"]


def test_lines_of_another_encoding_and_huge_cells_are_quarantined_and_the_rest_loads(area: tuple) -> None:
    engine, _, _, _ = area
    q = quarantined(engine, "纠纷")
    assert q == {
        3: ("bad_encoding", "纠纷类型", "bytes in column 纠纷类型 not in the file's encoding"),
        5: ("bad_encoding", "纠纷类型", "bytes in column 纠纷类型 not in the file's encoding"),
        6: ("too_long", "dispute_type", "5000 characters, at most 4000"),
        7: ("too_long", "dispute_no", "66 characters, at most 64"),
    }
    with engine.connect() as conn:
        assert conn.execute(text("select dispute_no from core.disputes order by 1")).scalars().all() == [
            "D1",
            "D3",
        ]
        raw = conn.execute(text("select raw from ops.quarantine where source = '纠纷'")).scalars().all()
    assert sorted(r["纠纷编号"] for r in raw)[:2] == ["D2", "D4"]


def test_a_shapefile_resent_with_new_attributes_only_is_loaded_again(area: tuple) -> None:
    engine, _, root, url = area
    shapes = (root / "grids.shp").read_bytes()
    _grids(root, "二网格")
    assert (root / "grids.shp").read_bytes() == shapes  # the same shapes: only the .dbf is new
    reports = {r.source: r for r in Loader(url, read_manifest(root / "manifest.yaml")).run()}
    assert reports["网格"].status == "loaded", reports["网格"].message
    with engine.connect() as conn:
        assert conn.execute(text("select name from core.grids")).scalar_one() == "二网格"
