"""The demo county on real ground: 增城区's true outline, towns and zones along roads, areas that tile it."""

from __future__ import annotations

import filecmp
import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from pyproj import Geod
from shapely.geometry import Polygon, shape
from shapely.ops import unary_union

from common.coords import gcj02_to_wgs84, wgs84_to_gcj02
from etl.demo.generate import generate
from etl.demo.ground import OUTLINE, TOWNS, build_real, real_outline
from etl.demo.scales import SCALES
from tests.support.accounts import DEMO_UNTIL

UNTIL = DEMO_UNTIL  # the date the shared demo files (real_small_demo) are generated for
OFFICIAL_KM2 = 1616.47  # 增城区's land area as the district publishes it
GEOD = Geod(ellps="WGS84")
TOLERANCE = 0.001  # gaps and overlaps between areas: a thousandth of the county at most


@pytest.fixture(scope="module")
def demo(real_small_demo: Path) -> Path:
    """The small demo on real ground, generated with seed 1 for :data:`UNTIL`."""
    return real_small_demo


def _km2(geom: shapely.Geometry) -> float:
    return abs(GEOD.geometry_area_perimeter(geom)[0]) / 1e6


def _from_gcj(geom: shapely.Geometry) -> shapely.Geometry:
    return shapely.transform(geom, lambda c: np.column_stack(gcj02_to_wgs84(c[:, 0], c[:, 1])))


def _read(demo: Path, rel: str, layer: str | None = None) -> gpd.GeoDataFrame:
    return gpd.read_file(demo / rel, layer=layer) if layer else gpd.read_file(demo / rel)


def test_the_conversion_is_exact_and_not_a_no_op() -> None:
    vendored = shape(json.loads(OUTLINE.read_text(encoding="utf-8")))
    ours = shapely.get_coordinates(real_outline())
    given = shapely.get_coordinates(vendored)
    back = np.column_stack(wgs84_to_gcj02(ours[:, 0], ours[:, 1]))
    assert np.abs(back - given).max() * 111_000 < 0.01  # the inverse is exact to a centimetre
    moved = np.hypot((ours - given)[:, 0] * np.cos(np.radians(23.3)), (ours - given)[:, 1]) * 111_000
    assert 200 < moved.mean() < 800  # GCJ-02 lies a few hundred metres off WGS-84 here


def test_the_outline_is_the_real_boundary(demo: Path) -> None:
    vendored = _km2(_from_gcj(shape(json.loads(OUTLINE.read_text(encoding="utf-8")))))
    district = _read(demo, "admin/district.geojson")
    assert district.crs.to_epsg() == 4326
    drawn = district.geometry.iloc[0]
    assert abs(_km2(drawn) - vendored) / vendored < 0.005
    assert abs(_km2(drawn) - OFFICIAL_KM2) / OFFICIAL_KM2 < 0.005
    assert _km2(drawn.symmetric_difference(real_outline())) / vendored < 0.005


def _tiles(parts: list[shapely.Geometry], whole: shapely.Geometry) -> None:
    gaps = whole.difference(unary_union(parts)).area
    overlap = sum(p.area for p in parts) - unary_union(parts).area
    beyond = unary_union(parts).difference(whole).area
    assert gaps / whole.area < TOLERANCE, gaps / whole.area
    assert overlap / whole.area < TOLERANCE, overlap / whole.area
    assert beyond / whole.area < TOLERANCE, beyond / whole.area


def test_towns_stations_zones_grids_and_villages_tile_the_county(demo: Path) -> None:
    county = real_outline()
    towns = _read(demo, "admin/towns.geojson")
    stations = _read(demo, "police/police.gpkg", "stations").to_crs(4326)  # CGCS2000: centimetres off
    zones = _read(demo, "police/police.gpkg", "zones").drop_duplicates("JWQBM")
    villages = _read(demo, "admin/villages.geojson")
    grids = _read(demo, "grids/grids.shp").iloc[:-1]  # the last one is the planted bow-tie
    grids = grids.set_geometry(grids.geometry.apply(_from_gcj))
    for frame in (towns, stations, zones, villages, grids):
        _tiles(list(frame.geometry), county)
    assert sorted(towns["名称"]) == sorted(TOWNS)
    assert len(stations) == len(towns) and len(zones) >= 2 * len(towns)


@pytest.mark.parametrize("seed", [2, 3, 5, 7, 11])
def test_every_seed_tiles_the_county(seed: int) -> None:
    sizes = SCALES["small"]
    geo = build_real(
        np.random.default_rng(seed), sizes.zones, sizes.grids, sizes.villages, sizes.roads, (0, 0)
    )
    for parts in (geo.stations, [z for _, z in geo.zones], geo.grids, [v for _, v in geo.villages]):
        _tiles(parts, geo.district)
    assert all(isinstance(p, Polygon) for p in [*geo.stations, *(z for _, z in geo.zones), *geo.grids])
    assert len(geo.stations) == len(TOWNS) and len(geo.grid_village) == len(geo.grids)


def _inside_one(parts: gpd.GeoDataFrame, key: str, of: gpd.GeoDataFrame, of_key: str) -> pd.Series:
    """For each part, the code of the area holding (almost) all of it."""
    out = {}
    for code, geom in zip(parts[key], parts.geometry, strict=True):
        shares = [
            (geom.intersection(g).area / geom.area, c) for c, g in zip(of[of_key], of.geometry, strict=True)
        ]
        best, where = max(shares)
        assert best > 0.999, (code, best)
        out[code] = where
    return pd.Series(out)


def test_zones_grids_and_villages_nest_in_their_town(demo: Path) -> None:
    towns = _read(demo, "admin/towns.geojson")
    stations = _read(demo, "police/police.gpkg", "stations").to_crs(4326)
    zones = _read(demo, "police/police.gpkg", "zones").drop_duplicates("JWQBM")
    held = _inside_one(zones, "JWQBM", stations, "PCSDM")
    assert (held == zones.set_index("JWQBM")["PCSDM"]).all()
    villages = _read(demo, "admin/villages.geojson")
    held = _inside_one(villages, "社区代码", towns, "镇街代码")
    assert (held == villages.set_index("社区代码")["镇街代码"]).all()
    grids = _read(demo, "grids/grids.shp").iloc[:-1]
    grids = grids.set_geometry(grids.geometry.apply(_from_gcj))
    held = _inside_one(grids, "WGBM", villages, "社区代码")
    assert (held == grids.set_index("WGBM")["SQDM"]).all()


def test_borders_between_towns_and_zones_run_along_roads(demo: Path) -> None:
    roads = _read(demo, "basemap/roads.shp").to_crs(32649)
    ground = unary_union(roads.geometry).buffer(5)  # within five metres of a surveyed road
    county = gpd.GeoSeries([real_outline()], crs=4326).to_crs(32649).iloc[0]
    for layer in ("stations", "zones"):
        areas = _read(demo, "police/police.gpkg", layer).drop_duplicates().to_crs(32649)
        inner = unary_union(list(areas.boundary)).difference(county.boundary.buffer(1))
        assert inner.length > 0
        assert inner.difference(ground).length / inner.length < 0.01, layer


def test_buildings_and_footprints_lie_in_the_county(demo: Path) -> None:
    b = pd.read_csv(demo / "housing" / "buildings.csv", encoding="gb18030", dtype=str)
    assert 5_900 <= len(b) <= 6_100
    inside = shapely.contains_xy(real_outline(), b["经度"].astype(float), b["纬度"].astype(float))
    assert inside.mean() > 0.99  # the rest are the planted coordinate defects
    prints = _read(demo, "basemap/footprints.gpkg")  # GCJ-02, as a web-map platform exports them
    held = shapely.contains(real_outline().buffer(0.001), prints.geometry.apply(_from_gcj).to_numpy())
    assert held.mean() > 0.99


def test_same_seed_same_files_other_seed_other_towns(demo: Path, tmp_path: Path) -> None:
    again = tmp_path / "b"
    generate("small", 1, again, UNTIL, ground="real")
    files = sorted(p.relative_to(demo) for p in demo.rglob("*") if p.is_file())
    assert len(files) > 40
    _, mismatch, errors = filecmp.cmpfiles(demo, again, [str(f) for f in files], shallow=False)
    assert mismatch == [] and errors == []


def test_the_city_scale_stays_round(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="round"):
        generate("city", 1, tmp_path, UNTIL, ground="real")
