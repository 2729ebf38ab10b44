"""The demo county's buildings (where the nearest road gives each its doorplate) and its compounds."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from etl.demo.county import County, Divisions, zh_columns
from etl.demo.geography import M_PER_DEG_LAT, VILLAGE_STEMS, sample_points
from etl.demo.writers import agency_lonlat, write_gis

SUFFIX = {"城中村": "村", "商品房小区": "花园"}
ROADSIDE_M = 150.0  # on real ground a building farther than this from its road moves to the roadside


def draw_buildings(county: County, divisions: Divisions) -> pd.DataFrame:
    """Place the buildings (a share around hot spots) and give each its standard address.

    Nothing is written here: the housing feeds deliver the buildings and their addresses.

    Parameters
    ----------
    county : County
        The area being written.
    divisions : Divisions
        The towns the buildings' address codes and full addresses name.

    Returns
    -------
    pandas.DataFrame
        One row per building: codes, WGS-84 ``x``/``y``, road, doorplate, building number, town,
        whether it stands in a city village (``is_cv``), full address and floors.
    """
    g, s = county.geo, county.scale
    pts = sample_points(county.rng, g.district.geoms[0], s.buildings, g.hotspots, share_hot=0.55)
    x, y = pts[:, 0], pts[:, 1]
    # the nearest road gives the address; doorplates count along it, odd and even sides
    road_idx = np.zeros(len(x), dtype=int)
    best = np.full(len(x), np.inf)
    along = np.zeros(len(x))
    side = np.zeros(len(x), dtype=bool)
    points = shapely.points(x, y)
    for ri, road in enumerate(g.roads):
        dist = shapely.distance(points, road.line)
        better = dist < best
        best = np.where(better, dist, best)
        road_idx = np.where(better, ri, road_idx)
        proj = shapely.line_locate_point(road.line, points)
        along = np.where(better, proj, along)
        ry = shapely.get_coordinates(road.line)
        if road.east_west:
            s_side = y > np.interp(x, ry[:, 0], ry[:, 1])
        else:
            s_side = x > np.interp(y, ry[:, 1], ry[:, 0])
        side = np.where(better, s_side, side)
    if g.roadside:
        x, y = _to_roadside(county, x, y, best, along, road_idx, side)
    metres = along * M_PER_DEG_LAT
    number = (metres // 15).astype(int) * 2 + np.where(side, 1, 2)
    road_names = np.array([g.roads[i].name for i in road_idx])
    key = pd.Series(road_names) + ":" + pd.Series(number).astype(str)
    bno = key.groupby(key).cumcount().to_numpy() + 1
    grid_town = divisions.town_of(x, y)
    town_codes = np.array(divisions.town_codes)[grid_town]
    town_names = np.array(divisions.town_names)[grid_town]
    cv_spots = [h for h in g.hotspots if h.kind == "city_village"]
    is_cv = np.zeros(len(x), dtype=bool)
    for h in cv_spots:
        dm = np.hypot((x - h.x) * np.cos(np.radians(county.place.cy)), y - h.y) * M_PER_DEG_LAT
        is_cv |= dm < h.sigma_m * 1.8
    n = len(x)
    bld = pd.DataFrame(
        {
            "building_code": [f"{county.code}{i + 1:010d}" for i in range(n)],
            "address_code": [f"{county.code}{tc[-3:]}{i + 1:07d}" for i, tc in enumerate(town_codes)],
            "x": x,
            "y": y,
            "road": road_names,
            "doorplate": [f"{v}号" for v in number],
            "bno": bno,
            "town_code": town_codes,
            "town_name": town_names,
            "is_cv": is_cv,
        }
    )
    bld["full_address"] = (
        county.place.prefix
        + bld["town_name"]
        + bld["road"]
        + bld["doorplate"]
        + bld["bno"].astype(str)
        + "栋"
    )
    bld["floors"] = np.where(is_cv, county.rng.integers(4, 9, n), county.rng.integers(2, 33, n))
    return bld


def write_communities(
    county: County, divisions: Divisions, buildings: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Residential compounds (GeoJSON points, GCJ-02): city villages at their hot spots, estates at
    buildings; each building within reach joins the nearest.

    Parameters
    ----------
    county : County
        The area being written.
    divisions : Divisions
        The villages the compounds lie in.
    buildings : pandas.DataFrame
        The buildings from :func:`draw_buildings` (left as they are).

    Returns
    -------
    buildings : pandas.DataFrame
        A copy with each building's ``community_code`` (None outside every compound), and ``is_cv``
        also set for the buildings of a city-village compound.
    communities : pandas.DataFrame
        The compounds as delivered but with WGS-84 ``经度``/``纬度``.
    """
    s, g = county.scale, county.geo
    bld = buildings.copy()
    cv = [h for h in g.hotspots if h.kind == "city_village"]
    n_est = max(0, s.communities - len(cv))
    picks = county.rng.choice(len(bld), size=n_est, replace=False)
    cx = np.concatenate([[h.x for h in cv], bld["x"].to_numpy()[picks]])
    cy = np.concatenate([[h.y for h in cv], bld["y"].to_numpy()[picks]])
    kinds = ["城中村"] * len(cv) + list(
        county.rng.choice(["商品房小区", "老旧小区", "单位宿舍"], n_est, p=[0.65, 0.28, 0.07])
    )
    codes = [f"{county.code}XQ{i + 1:05d}" for i in range(len(cx))]
    # each building belongs to the nearest compound centre within 350 m (city villages 600 m)
    bx, by = bld["x"].to_numpy(), bld["y"].to_numpy()
    best = np.full(len(bx), np.inf)
    owner = np.full(len(bx), -1)
    for i in range(len(cx)):
        dm = np.hypot((bx - cx[i]) * np.cos(np.radians(county.place.cy)), by - cy[i]) * M_PER_DEG_LAT
        limit = 600 if kinds[i] == "城中村" else 350
        better = (dm < best) & (dm < limit)
        best = np.where(better, dm, best)
        owner = np.where(better, i, owner)
    bld["community_code"] = [codes[o] if o >= 0 else None for o in owner]
    bld.loc[owner >= 0, "is_cv"] |= np.array([kinds[o] == "城中村" for o in owner[owner >= 0]])
    villages = divisions.village_of(cx, cy)
    names = [
        f"{VILLAGE_STEMS[i % len(VILLAGE_STEMS)]}{SUFFIX.get(k, '小区')}{'' if i < len(VILLAGE_STEMS) else i}"
        for i, k in enumerate(kinds)
    ]
    households = np.bincount(owner[owner >= 0], minlength=len(cx)) * county.rng.integers(8, 30, len(cx))
    df = pd.DataFrame(
        {
            "小区编码": codes,
            "区划代码": county.code,
            "社区代码": villages,
            "小区名称": names,
            "小区类型": kinds,
            "户数": households,
            "经度": cx,
            "纬度": cy,
        }
    )
    communities = df.copy()
    df["经度"], df["纬度"] = agency_lonlat(df["经度"].to_numpy(), df["纬度"].to_numpy(), "GCJ02")
    gdf = gpd.GeoDataFrame(
        df.drop(columns=["经度", "纬度"]),
        geometry=gpd.points_from_xy(df["经度"], df["纬度"]),
        crs="EPSG:4326",
    )
    write_gis(gdf, county.out / "places" / "communities.geojson", "GeoJSON")
    county.declare(
        "小区",
        "community",
        "places/communities.geojson",
        "geojson",
        "GCJ02",
        {k: v for k, v in zh_columns("community").items() if k not in ("lon", "lat")},
        agency="住建局",
    )
    return bld, communities


def _to_roadside(
    county: County, x: np.ndarray, y: np.ndarray, dist: np.ndarray, along: np.ndarray, road: np.ndarray,
    side: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:  # fmt: skip
    """Move buildings more than ``ROADSIDE_M`` from their road, outside the built-up quarters, to
    15–60 m off it, on their side.

    On a forty-kilometre county a building dropped anywhere stands alone in a field; people build
    along the roads. Where it lands on the road is where it was nearest, so its doorplate stays.
    """
    kx = np.cos(np.radians(county.place.cy))
    quarter = np.zeros(len(x), dtype=bool)  # built-up quarters have lanes of their own: left as they are
    for h in county.geo.hotspots:
        quarter |= np.hypot((x - h.x) * kx, y - h.y) * M_PER_DEG_LAT < 3 * h.sigma_m
    far = np.flatnonzero((dist * M_PER_DEG_LAT > ROADSIDE_M) & ~quarter)
    off = county.rng.uniform(15, 60, far.size) / M_PER_DEG_LAT * np.where(side[far], 1, -1)
    x, y = x.copy(), y.copy()
    lines = [county.geo.roads[int(r)].line for r in road[far]]
    foot = shapely.line_interpolate_point(np.array(lines, dtype=object), along[far])
    fx, fy = shapely.get_x(foot), shapely.get_y(foot)
    ew = np.array([county.geo.roads[int(r)].east_west for r in road[far]], dtype=bool)
    x[far] = np.where(ew, fx, fx + off / kx)
    y[far] = np.where(ew, fy + off, fy)
    inside = shapely.contains_xy(county.geo.district, x[far], y[far])
    x[far[~inside]], y[far[~inside]] = fx[~inside], fy[~inside]  # a road along the border: on the road
    return x, y
