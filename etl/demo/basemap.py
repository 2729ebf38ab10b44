"""The demo county's surveying layers: roads, water, green areas and building outlines, as GIS files.

The natural-resources bureau delivers roads (Shapefile, GBK) and land cover (GeoPackage) in
CGCS2000; building outlines come from a web-map platform's export in GCJ-02. This writer draws from
a random stream of its own and runs after every other feed, so adding it moved no other file.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Point, Polygon

from common.codebook import label
from common.coords import from_wgs84
from etl.demo.county import County
from etl.demo.geography import M_PER_DEG_LAT, ROAD_STEMS, Road
from etl.demo.writers import write_gis

AGENCY = "规划和自然资源局"
LANE_SPACING_M = 130  # streets of a built-up quarter
BRANCH_SPACING_M = 700  # branch roads across the whole county
EPSG = {"CGCS2000": "EPSG:4490", "GCJ02": "EPSG:4326"}  # a GCJ-02 file says WGS-84: exports do


def _to(geoms: np.ndarray | list, crs: str) -> np.ndarray:
    """WGS-84 geometries in an agency's datum (every vertex shifted, 7 decimals as exports round)."""

    def shift(c: np.ndarray) -> np.ndarray:
        x, y = from_wgs84(c[:, 0], c[:, 1], crs)
        return np.round(np.column_stack([x, y]), 7)

    return shapely.transform(np.asarray(geoms, dtype=object), shift)


def _deg(metres: float, lat: float) -> tuple[float, float]:
    """Degrees of longitude and latitude that ``metres`` span at ``lat``."""
    dy = metres / M_PER_DEG_LAT
    return dy / np.cos(np.radians(lat)), dy


def _blob(rng: np.random.Generator, x: float, y: float, rx_m: float, ry_m: float) -> Polygon:
    """An irregular oval (a lake, a wood, a park) of about ``rx_m`` × ``ry_m`` metres."""
    ax, _ = _deg(rx_m, y)
    _, ay = _deg(ry_m, y)
    t = np.linspace(0, 2 * np.pi, 40, endpoint=False)
    r = 1 + 0.12 * np.sin(3 * t + rng.uniform(0, 6)) + rng.normal(0, 0.03, t.size)
    return Polygon(np.column_stack([x + ax * r * np.cos(t), y + ay * r * np.sin(t)])).buffer(0)


def _multi(geom: shapely.Geometry) -> MultiPolygon | None:
    """Polygons of a clipped geometry as one MultiPolygon (None when nothing is left)."""
    polys = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon) and g.area > 0]
    return MultiPolygon(polys) if polys else None


def _lines(geom: shapely.Geometry) -> MultiLineString | None:
    """Lines of a clipped geometry as one MultiLineString (None when nothing is left)."""
    parts = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, LineString) and g.length > 0]
    return MultiLineString(parts) if parts else None


def _branch(
    rng: np.random.Generator, lo: float, hi: float, at: float, spacing: float, winding: bool
) -> np.ndarray:
    """A branch road's course as (along, across) pairs: straight with a slight slant, or on real
    ground winding gently (never a fifth of the spacing off, so neighbours never cross)."""
    if not winding:
        return np.array([(lo, at), (hi, at + rng.uniform(-1, 1) * spacing / 20)])
    t = np.linspace(0.0, 1.0, 48)
    phase = rng.uniform(0, 2 * np.pi, 2)
    wave = 0.5 * np.sin(2 * np.pi * 1.7 * t + phase[0]) + 0.5 * np.sin(2 * np.pi * 4.3 * t + phase[1])
    return np.column_stack([lo + t * (hi - lo), at + 0.18 * spacing * wave])


def draw_roads(county: County, rng: np.random.Generator) -> list[tuple[str, str, MultiLineString]]:
    """(name, class, WGS-84 line) of every road: the county's named roads, an expressway, branch
    roads across the county and the lanes of each built-up quarter (its hot spot)."""
    g = county.geo
    area = g.district.geoms[0]
    minx, miny, maxx, maxy = area.bounds
    cy = county.place.cy
    out: list[tuple[str, str, MultiLineString]] = []
    ew = [r for r in g.roads if r.east_west]
    ns = [r for r in g.roads if not r.east_west]

    def main_class(r: Road, group: list[Road]) -> str:
        k = group.index(r)
        return "arterial" if k in (len(group) // 2 - 1, len(group) // 2) else "secondary"

    for r in g.roads:
        line = _lines(r.line)
        if line is not None:
            out.append((r.name, main_class(r, ew if r.east_west else ns), line))
    highway = LineString([(minx, miny + 0.2 * (maxy - miny)), (maxx, miny + 0.75 * (maxy - miny))])
    line = _lines(highway.intersection(area))
    if line is not None:
        out.append(("广河高速", "expressway", line))
    stems = list(rng.permutation(ROAD_STEMS))
    dx, dy = _deg(BRANCH_SPACING_M, cy)
    k = 0
    for x in np.arange(minx + dx / 2, maxx, dx):
        course = _branch(rng, miny, maxy, x, dx, g.roadside)[:, ::-1]
        line = _lines(LineString(course).intersection(area))
        if line is not None:
            out.append(
                (stems[k % len(stems)] + ("中路", "西路", "东路")[k // len(stems) % 3], "branch", line)
            )
            k += 1
    for y in np.arange(miny + dy / 2, maxy, dy):
        line = _lines(LineString(_branch(rng, minx, maxx, y, dy, g.roadside)).intersection(area))
        if line is not None:
            out.append(
                (stems[k % len(stems)] + ("横街", "新街", "二街")[k // len(stems) % 3], "branch", line)
            )
            k += 1
    # the lanes of the built-up quarters (around the hot spots) lie on one lattice across the
    # county, so quarters that overlap share their lanes instead of doubling them
    lx, ly = _deg(LANE_SPACING_M, cy)
    quarters = shapely.unary_union(
        [shapely.box(h.x - _deg(3 * h.sigma_m, cy)[0], h.y - _deg(3 * h.sigma_m, cy)[1],
                     h.x + _deg(3 * h.sigma_m, cy)[0], h.y + _deg(3 * h.sigma_m, cy)[1]) for h in g.hotspots]
    ).intersection(area)  # fmt: skip
    qx0, qy0, qx1, qy1 = quarters.bounds
    stem_ns, stem_ew = stems[-1], stems[-2]
    for i, x in enumerate(np.arange(minx + lx / 2, maxx, lx)):
        if qx0 <= x <= qx1:
            line = _lines(LineString([(x, qy0), (x, qy1)]).intersection(quarters))
            if line is not None:
                out.append((f"{stem_ns}{i + 1}巷", "lane", line))
    for i, y in enumerate(np.arange(miny + ly / 2, maxy, ly)):
        if qy0 <= y <= qy1:
            line = _lines(LineString([(qx0, y), (qx1, y)]).intersection(quarters))
            if line is not None:
                out.append((f"{stem_ew}{i + 1}巷", "lane", line))
    return out


def draw_cover(county: County, rng: np.random.Generator) -> tuple[list, list]:
    """Water (a river through the county, a reservoir, ponds) and green areas (parks near the
    centre, woods and fields towards the edge), each (name, kind, WGS-84 MultiPolygon)."""
    g = county.geo
    area = g.district.geoms[0]
    minx, miny, maxx, maxy = area.bounds
    cx, cy = g.centre
    t = np.linspace(0, 1, 80)
    rx = (maxx - minx) / 2
    river = LineString(
        np.column_stack(
            [cx + 0.35 * rx + 0.08 * rx * np.sin(t * 9 + rng.uniform(0, 6)), miny + t * (maxy - miny)]
        )
    )
    water = [("增江", "river", _multi(river.buffer(_deg(45, cy)[1]).intersection(area)))]
    inner = area.buffer(-0.1 * rx)
    outer = area.difference(area.buffer(-0.3 * rx))

    def somewhere(where: shapely.Geometry) -> tuple[float, float]:
        x0, y0, x1, y1 = where.bounds
        while True:
            x, y = rng.uniform(x0, x1), rng.uniform(y0, y1)
            if where.contains(Point(x, y)):
                return x, y

    water.append(
        ("百花林水库", "reservoir", _multi(_blob(rng, *somewhere(outer), 900, 600).intersection(area)))
    )
    for k in range(8):
        water.append((f"{k + 1}号鱼塘", "pond", _multi(_blob(rng, *somewhere(inner), 90, 60))))
    green = []
    for name in ("荔城公园", "凤凰山公园", "挂绿广场", "雁塔公园"):
        x, y = cx + rng.normal(0, rx * 0.15), cy + rng.normal(0, rx * 0.15)
        green.append((name, "park", _multi(_blob(rng, x, y, 260, 200).intersection(area))))
    for k in range(4):
        green.append(
            (
                f"{['南', '北', '东', '西'][k]}山林场",
                "forest",
                _multi(_blob(rng, *somewhere(outer), 1400, 1000).intersection(area)),
            )
        )
    for _ in range(8):
        green.append(("", "farmland", _multi(_blob(rng, *somewhere(outer), 700, 450).intersection(area))))
    return [w for w in water if w[2] is not None], [v for v in green if v[2] is not None]


def draw_footprints(county: County, rng: np.random.Generator, buildings: pd.DataFrame) -> np.ndarray:
    """A rectangle per building around its point, square to the road that gives its doorplate,
    larger for taller buildings and small in city villages."""
    n = len(buildings)
    bearing = _bearings(county, buildings)
    floors = buildings["floors"].to_numpy()
    width = np.where(buildings["is_cv"], rng.uniform(7, 11, n), rng.uniform(11, 17, n))
    length = np.where(floors >= 10, rng.uniform(26, 38, n), width * rng.uniform(1.1, 1.8, n))
    turn = rng.integers(0, 2, n).astype(bool)  # long side east–west or north–south
    angle = bearing + np.radians(rng.normal(0, 2, n)) + np.where(turn, np.pi / 2, 0)
    corners = np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5], [-0.5, -0.5]])
    ex = corners[None, :, 0] * length[:, None]
    ey = corners[None, :, 1] * width[:, None]
    rx = ex * np.cos(angle)[:, None] - ey * np.sin(angle)[:, None]
    ry = ex * np.sin(angle)[:, None] + ey * np.cos(angle)[:, None]
    lat = buildings["y"].to_numpy()
    xs = buildings["x"].to_numpy()[:, None] + rx / (M_PER_DEG_LAT * np.cos(np.radians(lat)))[:, None]
    ys = lat[:, None] + ry / M_PER_DEG_LAT
    return shapely.polygons(np.stack([xs, ys], axis=-1))


def _bearings(county: County, buildings: pd.DataFrame) -> np.ndarray:
    """The direction (radians from east, on the ground) of each building's road where it stands."""
    lines = {r.name: r.line for r in county.geo.roads}
    road = np.array([lines[name] for name in buildings["road"]], dtype=object)
    pts = shapely.points(buildings["x"].to_numpy(), buildings["y"].to_numpy())
    at = shapely.line_locate_point(road, pts)
    step = 20 / M_PER_DEG_LAT
    a = shapely.line_interpolate_point(road, np.maximum(at - step, 0))
    b = shapely.line_interpolate_point(road, at + step)
    kx = np.cos(np.radians(buildings["y"].to_numpy()))
    dx, dy = (shapely.get_x(b) - shapely.get_x(a)) * kx, shapely.get_y(b) - shapely.get_y(a)
    return np.arctan2(dy, dx)


def write_basemap(county: County, rng: np.random.Generator, buildings: pd.DataFrame) -> None:
    """Write roads, water and green areas and building outlines, each with a few defects.

    Parameters
    ----------
    county : County
        The area being written (its buildings' feed already recorded its defects).
    rng : numpy.random.Generator
        This writer's own random stream.
    buildings : pandas.DataFrame
        The buildings as drawn (codes, WGS-84 ``x``/``y``, floors, ``is_cv``).
    """
    code = county.code
    roads = draw_roads(county, rng)
    df = gpd.GeoDataFrame(
        {
            "DLBM": [f"{code}R{k + 1:05d}" for k in range(len(roads))],
            "DLMC": [r[0] for r in roads],
            "DLDJ": [label("road_class", r[1]) for r in roads],
            "QHDM": code,
        },
        geometry=list(_to([r[2] for r in roads], "CGCS2000")),
        crs=EPSG["CGCS2000"],
    )
    df.loc[len(df) - 1, "DLDJ"] = "快速路"  # a class the codebook does not know
    county.defects.add("道路", len(df), "unknown_category")
    write_gis(df, county.out / "basemap" / "roads.shp", "ESRI Shapefile", encoding="GBK")
    county.declare(
        "道路",
        "road",
        "basemap/roads.shp",
        "shp",
        "CGCS2000",
        {"road_code": "DLBM", "name": "DLMC", "road_class": "DLDJ", "district_code": "QHDM"},
        encoding="GBK",
        agency=AGENCY,
    )

    water, green = draw_cover(county, rng)
    w = gpd.GeoDataFrame(
        {
            "SXBM": [f"{code}W{k + 1:03d}" for k in range(len(water))],
            "SXMC": [v[0] for v in water],
            "SXLX": [label("water_kind", v[1]) for v in water],
            "QHDM": code,
        },
        geometry=list(_to([v[2] for v in water], "CGCS2000")),
        crs=EPSG["CGCS2000"],
    )
    w.loc[len(w) - 1, "SXLX"] = ""  # a pond nobody classified
    county.defects.add("水系", len(w), "missing_required")
    write_gis(w, county.out / "basemap" / "landcover.gpkg", "GPKG", layer="water")
    county.declare(
        "水系",
        "water",
        "basemap/landcover.gpkg",
        "gpkg",
        "CGCS2000",
        {"water_code": "SXBM", "name": "SXMC", "water_kind": "SXLX", "district_code": "QHDM"},
        layer="water",
        agency=AGENCY,
    )
    gr = gpd.GeoDataFrame(
        {
            "LDBM": [f"{code}G{k + 1:03d}" for k in range(len(green))],
            "LDMC": [v[0] for v in green],
            "LDLX": [label("green_kind", v[1]) for v in green],
            "QHDM": code,
        },
        geometry=list(_to([v[2] for v in green], "CGCS2000")),
        crs=EPSG["CGCS2000"],
    )
    write_gis(gr, county.out / "basemap" / "landcover.gpkg", "GPKG", layer="green")
    county.declare(
        "绿地",
        "green_area",
        "basemap/landcover.gpkg",
        "gpkg",
        "CGCS2000",
        {"green_code": "LDBM", "name": "LDMC", "green_kind": "LDLX", "district_code": "QHDM"},
        layer="green",
        agency=AGENCY,
    )

    # outlines only of the buildings the housing feed delivers cleanly (a refused building has none)
    refused = {int(d["line"]) - 2 for d in county.defects.items if d["source"] == "楼栋"}  # type: ignore[call-overload]
    keep = np.array([i not in refused for i in range(len(buildings))])
    shapes = draw_footprints(county, rng, buildings)[keep]
    codes = buildings["building_code"].to_numpy()[keep]
    c = shapes[0].centroid
    d = 0.00008
    bowtie = Polygon([(c.x - d, c.y - d), (c.x + d, c.y + d), (c.x + d, c.y - d), (c.x - d, c.y + d)])
    fp = gpd.GeoDataFrame(
        {
            "FWBM": [*codes, f"{code}9999999999", codes[0][:-4] + "X000"],
            "QHDM": code,
        },
        geometry=list(_to([*shapes, shapes[1], bowtie], "GCJ02")),
        crs=EPSG["GCJ02"],
    )
    county.defects.add("房屋轮廓", len(fp) - 1, "unknown_reference")
    county.defects.add("房屋轮廓", len(fp), "invalid_geometry")
    write_gis(fp, county.out / "basemap" / "footprints.gpkg", "GPKG", layer="footprints")
    county.declare(
        "房屋轮廓",
        "footprint",
        "basemap/footprints.gpkg",
        "gpkg",
        "GCJ02",
        {"building_code": "FWBM", "district_code": "QHDM"},
        layer="footprints",
        agency="互联网地图平台(导出)",
    )
