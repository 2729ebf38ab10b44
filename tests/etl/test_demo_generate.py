"""The demo county: reproducible, in agencies' formats, realistic where it matters, with known defects."""

from __future__ import annotations

import filecmp
import json
from datetime import date
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import yaml

from common.coords import bd09_to_wgs84, gcj02_to_wgs84
from etl.contract import KINDS, REASONS
from etl.demo.generate import generate
from etl.idcard import check_id_number, is_mobile
from tests.support.accounts import DEMO_UNTIL

UNTIL = DEMO_UNTIL  # the date the shared demo files (real_small_demo) are generated for


@pytest.fixture(scope="module")
def demo(real_small_demo: Path) -> Path:
    """The small demo as generated with seed 1 for :data:`UNTIL` (small is drawn on real ground)."""
    return real_small_demo


def test_same_seed_and_date_give_identical_files(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "b"
    generate("small", 1, again, UNTIL)
    files = sorted(p.relative_to(demo) for p in demo.rglob("*") if p.is_file())
    assert len(files) > 40
    _, mismatch, errors = filecmp.cmpfiles(demo, again, [str(f) for f in files], shallow=False)
    assert mismatch == [] and errors == []


def test_manifest_covers_every_kind_and_names_existing_files(demo: Path) -> None:
    manifest = yaml.safe_load((demo / "manifest.yaml").read_text(encoding="utf-8"))
    kinds = {s["kind"] for s in manifest["sources"]}
    assert kinds == set(KINDS)
    for source in manifest["sources"]:
        assert list(demo.glob(source["path"])), source["path"]
        assert set(source["columns"]) <= {f.name for f in KINDS[source["kind"]].fields}


def test_sizes_match_the_small_scale(demo: Path) -> None:
    persons = pd.read_excel(demo / "population" / "persons.xlsx", dtype=str)
    assert 24_000 <= len(persons) <= 26_000
    assert 0.35 <= (persons["是否流动人口"] == "是").mean() <= 0.45
    buildings = pd.read_csv(demo / "housing" / "buildings.csv", encoding="gb18030", dtype=str)
    assert 5_900 <= len(buildings) <= 6_100
    events = sum(len(pd.read_csv(p, usecols=[0])) for p in (demo / "access" / "events").glob("*.csv"))
    assert 150_000 <= events <= 260_000
    incidents = pd.read_csv(demo / "events" / "incidents.csv", encoding="gb18030", dtype=str)
    assert 4_900 <= len(incidents) <= 5_100


def test_csv_is_gb18030_not_utf8(demo: Path) -> None:
    raw = (demo / "housing" / "buildings.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "房屋编码" in raw.decode("gb18030")


def test_people_have_valid_ids_and_mobiles_except_the_injected(demo: Path) -> None:
    persons = pd.read_excel(
        demo / "population" / "persons.xlsx", dtype={"公民身份号码": str, "联系电话": str}
    )
    defects = json.loads((demo / "defects.json").read_text(encoding="utf-8"))
    bad_lines = {d["line"] for d in defects["defects"] if d["source"] == "实有人口"}
    reasons = [check_id_number(v).reason for v in persons["公民身份号码"]]
    wrong = {i + 2 for i, r in enumerate(reasons) if r is not None}
    assert wrong and wrong <= bad_lines
    assert sum(check_id_number(v).repaired for v in persons["公民身份号码"]) == defects["repairs"]["实有人口"]
    assert all(is_mobile(p) for p in persons["联系电话"])
    assert persons["姓名"].str.fullmatch(r"[\u4e00-\u9fff]{2,3}").mean() > 0.99


def test_defect_reasons_are_in_the_contract(demo: Path) -> None:
    defects = json.loads((demo / "defects.json").read_text(encoding="utf-8"))["defects"]
    assert len(defects) > 50
    assert {d["reason"] for d in defects} <= set(REASONS)
    assert {"crs_mismatch", "coord_swapped", "id_excel_mangled", "invalid_geometry", "future_date"} <= {
        d["reason"] for d in defects
    }


def test_police_zones_and_grids_do_not_align(demo: Path) -> None:
    zones = gpd.read_file(demo / "police" / "police.gpkg", layer="zones").drop_duplicates("JWQBM")
    grids = gpd.read_file(demo / "grids" / "grids.shp").iloc[:-1]  # the last one is the bow-tie
    grids = grids.set_geometry(grids.geometry.apply(_from_gcj))
    inter = gpd.overlay(
        grids[["WGBM", "geometry"]], zones[["JWQBM", "geometry"]].to_crs(4326), keep_geom_type=True
    )
    inter["a"] = inter.to_crs(32649).area
    share = inter["a"] / inter.groupby("WGBM")["a"].transform("sum")
    significant = inter[share > 0.05]
    zones_per_grid = significant.groupby("WGBM")["JWQBM"].nunique()
    grids_per_zone = significant.groupby("JWQBM")["WGBM"].nunique()
    assert (zones_per_grid == 1).sum() > 10  # one grid, one zone
    assert (zones_per_grid > 1).sum() > 10  # one grid, several zones
    assert (grids_per_zone > 1).sum() > 10  # one zone, several grids


def _from_gcj(geom):  # type: ignore[no-untyped-def]
    import shapely

    def back(c: np.ndarray) -> np.ndarray:
        return np.column_stack(gcj02_to_wgs84(c[:, 0], c[:, 1]))

    return shapely.transform(geom, back)


def test_incident_hot_spots_persist_week_to_week(demo: Path) -> None:
    inc = pd.read_csv(demo / "events" / "incidents.csv", encoding="gb18030", dtype=str)
    inc = inc[inc["接警时间"].str.startswith("2026", na=False)]
    t = pd.to_datetime(inc["接警时间"])
    x, y = gcj02_to_wgs84(inc["经度"].astype(float), inc["纬度"].astype(float))
    cell = (np.floor(x / 0.005)).astype(int) * 10000 + np.floor(y / 0.005).astype(int)
    week = ((t - t.min()).dt.days // 7).to_numpy()
    counts = pd.crosstab(cell, week)
    a, b = counts.iloc[:, 2:6].sum(axis=1), counts.iloc[:, 6:10].sum(axis=1)
    assert np.corrcoef(a, b)[0, 1] > 0.6
    night = t.dt.hour.isin([3, 4, 5]).mean()
    evening = t.dt.hour.isin([19, 20, 21]).mean()
    assert evening > 3 * night


def test_points_are_in_their_declared_datums(demo: Path) -> None:
    hazards = pd.read_csv(demo / "events" / "hazards.csv", encoding="gb18030", dtype=str)
    x, y = bd09_to_wgs84(hazards["经度"].astype(float), hazards["纬度"].astype(float))
    district = gpd.read_file(demo / "admin" / "district.geojson").geometry.iloc[0]
    import shapely

    assert shapely.contains_xy(district, x, y).mean() > 0.99
    raw_inside = shapely.contains_xy(
        district.buffer(-0.004), hazards["经度"].astype(float), hazards["纬度"].astype(float)
    )
    assert raw_inside.mean() < 1.0  # unconverted BD-09 is visibly off near the edges


def test_data_contract_document_is_current() -> None:
    from etl.contract_doc import render

    doc = (Path(__file__).resolve().parents[2] / "docs" / "data-contract.md").read_text(encoding="utf-8")
    assert doc == render() + "\n", "run: onemap etl contract > docs/data-contract.md"
    for name in KINDS:
        assert f"### `{name}`" in doc
    for code in REASONS:
        assert f"`{code}`" in doc


def test_the_documented_manifest_example_is_valid(tmp_path: Path) -> None:
    from etl.contract_doc import EXAMPLE
    from etl.manifest import read_manifest

    path = tmp_path / "manifest.yaml"
    path.write_text(EXAMPLE, encoding="utf-8")
    manifest = read_manifest(path)
    assert [s.kind for s in manifest.sources] == [
        "police_station",
        "grid",
        "building",
        "person",
        "access_event",
    ]


def test_generated_today_nothing_lies_in_the_future(tmp_path: Path) -> None:
    from datetime import datetime
    from zoneinfo import ZoneInfo

    out = tmp_path / "today"
    generate("small", 2, out, date.today())
    now = pd.Timestamp(datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None))
    defects = json.loads((out / "defects.json").read_text(encoding="utf-8"))["defects"]
    future_lines = {d["line"] for d in defects if d["source"] == "警情" and d["reason"] == "future_date"}
    inc = pd.read_csv(out / "events" / "incidents.csv", encoding="gb18030", dtype=str)
    inc = inc[~(inc.index + 2).isin(future_lines)]
    assert pd.to_datetime(inc["接警时间"], errors="coerce").max() <= now
    last_day = sorted((out / "access" / "events").glob("*.csv"))[-1]
    access = pd.read_csv(last_day, dtype=str)
    times = pd.to_datetime(access["开门时间"], errors="coerce")
    # only the four planted fast-clock readers (alert decoys, at most 40 minutes ahead) stamp past
    # now: the feed itself stops at the start of the current hour, whatever the minute of the run
    ahead = access[times > now]
    assert ahead["门禁编号"].nunique() <= 4, ahead
    assert (times[times > now] <= now + pd.Timedelta(minutes=40)).all(), ahead
    assert (times[times > now] - now).count() <= len(access) // 100, ahead
    ge = pd.read_excel(out / "events" / "grid_events.xlsx", dtype=str)
    for col in ("登记时间", "上报时间", "派遣时间", "响应时间", "办结时间"):
        assert pd.to_datetime(ge[col], errors="coerce").max() <= now, col
    sensors = pd.read_csv(out / "places" / "sensor_devices.csv", encoding="gb18030", dtype=str)
    truth = json.loads((out / "alert_truth.json").read_text(encoding="utf-8"))
    fast = {t["subject"] for t in truth if t["rule"] == "sensor_offline" and t["what"] == "fast clock"}
    beats = pd.to_datetime(sensors["最后心跳"])
    true_clock = ~sensors["设备编码"].isin(fast)
    assert (~true_clock).sum() == len(fast) > 0
    assert beats[true_clock].max() <= now  # the planted fast clocks are decoys that stamp ahead
    assert (beats[~true_clock] <= now + pd.Timedelta(minutes=40)).all()
