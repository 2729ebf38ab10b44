"""Demo feeds of the divisions: district, towns and villages (civil affairs), police areas, grids.

Each agency draws the same ground in its own datum: civil affairs in WGS-84, police stations in
CGCS2000 (zones in WGS-84), grids in GCJ-02 from a GBK Shapefile.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import MultiPolygon, Polygon

from common.coords import from_wgs84
from etl.demo.county import County, Divisions, zh_columns
from etl.demo.geography import TOWN_NAMES, VILLAGE_STEMS
from etl.demo.writers import write_gis


def _poly_to_crs(geom: Polygon | MultiPolygon, crs: str) -> Polygon | MultiPolygon:
    """Shift a polygon into a datum vertex by vertex."""

    def shift(coords: np.ndarray) -> np.ndarray:
        x, y = from_wgs84(coords[:, 0], coords[:, 1], crs)
        return np.column_stack([x, y])

    return shapely.transform(geom, shift)


def write_divisions(county: County) -> Divisions:
    """District, towns and villages (GeoJSON, WGS-84): the codes every later feed refers to.

    Parameters
    ----------
    county : County
        The area being written; its geography gives one town per station area.

    Returns
    -------
    Divisions
        The codes and names given, for the feeds that place things in towns and villages.
    """
    g = county.geo
    town_codes = [f"{county.code}{i + 1:03d}" for i in range(len(g.stations))]
    names = g.town_names or TOWN_NAMES
    town_names = [names[i % len(names)] for i in range(len(g.stations))]
    district = gpd.GeoDataFrame(
        {"区划代码": [county.code], "名称": [county.place.district_name], "所属市": [county.place.city]},
        geometry=[g.district],
        crs="EPSG:4326",
    )
    write_gis(district, county.out / "admin" / "district.geojson", "GeoJSON")
    county.declare(
        "区县边界",
        "district",
        "admin/district.geojson",
        "geojson",
        "WGS84",
        zh_columns("district"),
        agency="民政局",
    )
    towns = gpd.GeoDataFrame(
        {
            "镇街代码": town_codes,
            "区划代码": county.code,
            "名称": town_names,
            "类型": ["街道" if n.endswith("街道") else "镇" for n in town_names],
        },
        geometry=[MultiPolygon([p]) for p in g.stations],
        crs="EPSG:4326",
    )
    write_gis(towns, county.out / "admin" / "towns.geojson", "GeoJSON")
    county.declare(
        "镇街边界",
        "town",
        "admin/towns.geojson",
        "geojson",
        "WGS84",
        zh_columns("town"),
        agency="民政局",
    )
    counters: dict[int, int] = {}
    village_codes: list[str] = []
    names, kinds = [], []
    for i, (town, _poly) in enumerate(g.villages):
        counters[town] = counters.get(town, 0) + 1
        village_codes.append(f"{town_codes[town]}{counters[town]:03d}")
        is_village = county.rng.random() < 0.35
        stem = VILLAGE_STEMS[i % len(VILLAGE_STEMS)] + ("" if i < len(VILLAGE_STEMS) else str(i))
        names.append(stem + ("村" if is_village else "社区"))
        kinds.append("村" if is_village else "社区")
    villages = gpd.GeoDataFrame(
        {
            "社区代码": village_codes,
            "镇街代码": [town_codes[t] for t, _ in g.villages],
            "区划代码": county.code,
            "名称": names,
            "类型": kinds,
        },
        geometry=[MultiPolygon([p]) if isinstance(p, Polygon) else p for _, p in g.villages],
        crs="EPSG:4326",
    )
    write_gis(villages, county.out / "admin" / "villages.geojson", "GeoJSON")
    county.declare(
        "社区村边界",
        "village",
        "admin/villages.geojson",
        "geojson",
        "WGS84",
        zh_columns("village"),
        agency="民政局",
    )
    return Divisions(town_codes, town_names, village_codes, g.stations, [p for _, p in g.villages])


def write_police(county: County, divisions: Divisions) -> None:
    """Police stations (GeoPackage, CGCS2000) named after their towns, and their zones (WGS-84).

    Parameters
    ----------
    county : County
        The area being written.
    divisions : Divisions
        The towns; station ``i`` covers town ``i``.
    """
    g = county.geo
    station_codes = [f"{county.code}5{i + 1:02d}000" for i in range(len(g.stations))]
    names = [n.replace("街道", "").replace("镇", "") + "派出所" for n in divisions.town_names]
    stations = gpd.GeoDataFrame(
        {
            "PCSDM": station_codes,
            "QHDM": county.code,
            "PCSMC": names,
            "DZ": [
                f"{county.place.district_name}{n}政府路{k * 2 + 1}号"
                for k, n in enumerate(divisions.town_names)
            ],
            "ZBDH": [f"020-8{county.rng.integers(1000000, 9999999)}" for _ in names],
        },
        geometry=[MultiPolygon([_poly_to_crs(p, "CGCS2000")]) for p in g.stations],
        crs="EPSG:4490",
    )
    write_gis(stations, county.out / "police" / "police.gpkg", "GPKG", layer="stations")
    county.declare(
        "派出所辖区",
        "police_station",
        "police/police.gpkg",
        "gpkg",
        "CGCS2000",
        {
            "station_code": "PCSDM",
            "district_code": "QHDM",
            "name": "PCSMC",
            "address": "DZ",
            "duty_phone": "ZBDH",
        },
        layer="stations",
        agency="公安分局",
    )
    counters: dict[int, int] = {}
    codes, zone_names, stn = [], [], []
    for si, _poly in g.zones:
        counters[si] = counters.get(si, 0) + 1
        codes.append(f"{station_codes[si][:9]}{counters[si]:03d}")
        zone_names.append(f"{names[si].replace('派出所', '')}第{counters[si]}警务区")
        stn.append(station_codes[si])
    zones = gpd.GeoDataFrame(
        {
            "JWQBM": codes,
            "PCSDM": stn,
            "QHDM": county.code,
            "JWQMC": zone_names,
            "MJS": county.rng.integers(1, 4, len(codes)),
            "FJS": county.rng.integers(1, 6, len(codes)),
        },
        geometry=[MultiPolygon([p]) for _, p in g.zones],
        crs="EPSG:4326",
    )
    # a copy of one zone delivered twice (a duplicate key)
    zones = county.append_duplicates(zones, [int(county.rng.integers(0, len(zones)))], "警务区", first_line=1)
    zones = gpd.GeoDataFrame(zones, geometry="geometry", crs="EPSG:4326")
    write_gis(zones, county.out / "police" / "police.gpkg", "GPKG", layer="zones")
    county.declare(
        "警务区",
        "police_zone",
        "police/police.gpkg",
        "gpkg",
        "WGS84",
        {
            "zone_code": "JWQBM",
            "station_code": "PCSDM",
            "district_code": "QHDM",
            "name": "JWQMC",
            "officer_count": "MJS",
            "auxiliary_count": "FJS",
        },
        layer="zones",
        agency="公安分局",
    )


def write_grids(county: County, divisions: Divisions) -> None:
    """Governance grids (GBK Shapefile, GCJ-02), numbered within their villages, with one bow-tie.

    Parameters
    ----------
    county : County
        The area being written.
    divisions : Divisions
        The villages the grids are numbered in.
    """
    g = county.geo
    village_codes = divisions.village_codes
    counters: dict[int, int] = {}
    codes, names, towns, villages = [], [], [], []
    for vi in g.grid_village:
        counters[vi] = counters.get(vi, 0) + 1
        codes.append(f"{village_codes[vi]}{counters[vi]:03d}")
        names.append(f"第{counters[vi]}网格")
        villages.append(village_codes[vi])
        towns.append(village_codes[vi][:9])
    geoms: list[Polygon | MultiPolygon] = [_poly_to_crs(p, "GCJ02") for p in g.grids]
    df = gpd.GeoDataFrame(
        {
            "WGBM": codes,
            "WGMC": names,
            "QHDM": county.code,
            "ZJDM": towns,
            "SQDM": villages,
            "WGLX": ["基础网格"] * len(codes),
            "WGYS": county.rng.integers(1, 4, len(codes)),
        },
        geometry=geoms,
        crs="EPSG:4326",
    )
    # a self-intersecting "bow-tie" digitised by mistake, as an extra record
    c = g.grids[0].representative_point()
    d = 0.002
    bowtie = Polygon([(c.x - d, c.y - d), (c.x + d, c.y + d), (c.x + d, c.y - d), (c.x - d, c.y + d)])
    extra = gpd.GeoDataFrame(
        {
            "WGBM": [codes[0][:-3] + "999"],
            "WGMC": ["错误网格"],
            "QHDM": county.code,
            "ZJDM": towns[0],
            "SQDM": villages[0],
            "WGLX": "基础网格",
            "WGYS": 1,
        },
        geometry=[bowtie],
        crs="EPSG:4326",
    )
    df = gpd.GeoDataFrame(pd.concat([df, extra], ignore_index=True), geometry="geometry", crs="EPSG:4326")
    county.defects.add("综治网格", len(df), "invalid_geometry")
    write_gis(df, county.out / "grids" / "grids.shp", "ESRI Shapefile", encoding="GBK")
    county.declare(
        "综治网格",
        "grid",
        "grids/grids.shp",
        "shp",
        "GCJ02",
        {
            "grid_code": "WGBM",
            "name": "WGMC",
            "district_code": "QHDM",
            "town_code": "ZJDM",
            "village_code": "SQDM",
            "grid_kind": "WGLX",
            "worker_count": "WGYS",
        },
        encoding="GBK",
        agency="政法委综治中心",
    )
