"""A small area written as the agencies deliver it, holding the alert cases of a planter.

Buildings, addresses and one smart community are made here; rental units, persons, gate readers
and their events, and sensors come from the planter (etl/demo/alert_cases.py) in the agencies'
columns, so the cases reach the warehouse through the loader like any delivery.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import yaml
from shapely.geometry import box

from etl.demo.alert_cases import Planter, agency_frame
from etl.demo.county import zh_columns

DISTRICT = "440118"
AREA = box(113.0, 23.0, 113.4, 23.2)
SMART = "ZA4401180001"


def building_codes(n: int) -> list[str]:
    """Codes of the area's ``n`` buildings."""
    return [f"{DISTRICT}00{i:010d}" for i in range(1, n + 1)]


def write_alert_area(root: Path, planter: Planter, n_buildings: int) -> Path:
    """Write the area's files and manifest under ``root``; return the manifest's path."""
    gpd.GeoDataFrame([{"QHDM": DISTRICT, "MC": "增城区"}], geometry=[AREA], crs="EPSG:4326").to_file(
        root / "district.geojson", driver="GeoJSON"
    )
    codes = building_codes(n_buildings)
    lon = [f"{113.01 + i * 0.0005:.6f}" for i in range(n_buildings)]
    addr = ["地址编码,区划代码,街路巷,门牌号,标准地址,经度,纬度"] + [
        f"A{c},{DISTRICT},荔城大道,{i + 1}号,荔城大道{i + 1}号,{lon[i]},23.05" for i, c in enumerate(codes)
    ]
    (root / "addresses.csv").write_text("\n".join(addr) + "\n", encoding="utf-8")
    bld = ["房屋编码,地址编码,区划代码,经度,纬度"] + [
        f"{c},A{c},{DISTRICT},{lon[i]},23.05" for i, c in enumerate(codes)
    ]
    (root / "buildings.csv").write_text("\n".join(bld) + "\n", encoding="utf-8")
    (root / "smart.csv").write_text(
        f"智安小区编码,区划代码,名称,经度,纬度\n{SMART},{DISTRICT},荔城智安小区,113.1,23.1\n",
        encoding="utf-8",
    )
    sensors = agency_frame("sensor_device", planter.sensors, zh_columns("sensor_device"))
    sensors["区划代码"], sensors["经度"], sensors["纬度"] = DISTRICT, 113.1, 23.1
    frames = {
        "rental_unit": agency_frame("rental_unit", planter.units, zh_columns("rental_unit")),
        "person": agency_frame("person", planter.persons, zh_columns("person")),
        "access_device": agency_frame("access_device", planter.devices, zh_columns("access_device")),
        "access_event": agency_frame("access_event", planter.events, zh_columns("access_event")),
        "sensor_device": sensors,
    }
    sources = [
        _source("区", "district", "district.geojson", {"district_code": "QHDM", "name": "MC"}, "geojson"),
        _source(
            "标准地址",
            "standard_address",
            "addresses.csv",
            {
                f: zh_columns("standard_address")[f]
                for f in ("address_code", "district_code", "road", "doorplate", "full_address", "lon", "lat")
            },
        ),
        _source(
            "楼栋",
            "building",
            "buildings.csv",
            {
                f: zh_columns("building")[f]
                for f in ("building_code", "address_code", "district_code", "lon", "lat")
            },
        ),
        _source(
            "智安小区",
            "smart_community",
            "smart.csv",
            {
                f: zh_columns("smart_community")[f]
                for f in ("smart_code", "district_code", "name", "lon", "lat")
            },
        ),
    ]
    for kind, frame in frames.items():
        frame.to_csv(root / f"{kind}.csv", index=False, encoding="utf-8")
        cols = {f: c for f, c in zh_columns(kind).items() if c in frame.columns}
        sources.append(_source(kind, kind, f"{kind}.csv", cols))
    manifest = {"area": {"district_code": DISTRICT, "name": "增城区"}, "sources": sources}
    path = root / "manifest.yaml"
    path.write_text(yaml.safe_dump(manifest, allow_unicode=True), encoding="utf-8")
    return path


def _source(name: str, kind: str, path: str, columns: dict[str, str], fmt: str = "csv") -> dict[str, object]:
    src: dict[str, object] = {"name": name, "kind": kind, "path": path, "format": fmt, "columns": columns}
    if "lon" in columns or fmt == "geojson":
        src["crs"] = "WGS84"
    if fmt == "csv":
        src["encoding"] = "UTF-8"
    return src
