"""Demo feeds of smart communities, sensors, cameras and checkpoints, and fusion workstations."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import shapely

from etl.demo import alert_cases
from etl.demo.county import County, Divisions, zh_columns
from etl.demo.geography import M_PER_DEG_LAT
from etl.demo.writers import agency_lonlat, write_csv, write_xlsx


def _set_lonlat(df: pd.DataFrame, x: np.ndarray, y: np.ndarray, crs: str) -> None:
    df["经度"], df["纬度"] = agency_lonlat(x, y, crs)


SENSOR_KINDS = ["人脸抓拍", "车辆抓拍", "道闸", "门禁", "烟感"]
THEMES = [
    "警网融合工作站",
    "枫桥式警务工作站",
    "商圈警务工作站",
    "校园周边工作站",
    "城中村治理工作站",
    "交通枢纽工作站",
    "工业园区工作站",
]


def write_smart(county: County, communities: pd.DataFrame) -> None:
    """Smart security communities (XLSX, BD-09) and their sensing devices (CSV, BD-09).

    Parameters
    ----------
    county : County
        The area being written.
    communities : pandas.DataFrame
        The compounds (WGS-84); smart communities are chosen among those not city villages.
    """
    rng, s = county.rng, county.scale
    estates = communities[communities["小区类型"] != "城中村"].reset_index(drop=True)
    n = min(s.smart_communities, len(estates))
    pick = estates.iloc[np.sort(rng.choice(len(estates), n, replace=False))].reset_index(drop=True)
    per = rng.multinomial(s.sensors, np.full(n, 1 / n))
    sens_kind = [rng.choice(SENSOR_KINDS, k, p=[0.35, 0.2, 0.1, 0.3, 0.05]) for k in per]
    online = [rng.random(k) < 0.92 for k in per]
    smart = pd.DataFrame(
        {
            "智安小区编码": [f"ZA{county.code}{i + 1:04d}" for i in range(n)],
            "小区编码": pick["小区编码"],
            "区划代码": county.code,
            "名称": pick["小区名称"] + "智慧安防小区",
            "建成日期": [county.until - timedelta(days=int(d)) for d in rng.integers(90, 1500, n)],
            "人脸抓拍机": [int((k == "人脸抓拍").sum()) for k in sens_kind],
            "车辆抓拍机": [int((k == "车辆抓拍").sum()) for k in sens_kind],
            "道闸": [int((k == "道闸").sum()) for k in sens_kind],
            "门禁": [int((k == "门禁").sum()) for k in sens_kind],
            "其他设备": [int((k == "烟感").sum()) for k in sens_kind],
            "在线设备数": [int(o.sum()) for o in online],
        }
    )
    _set_lonlat(smart, pick["经度"].to_numpy(), pick["纬度"].to_numpy(), "BD09")
    write_xlsx(
        smart,
        county.out / "places" / "smart_communities.xlsx",
        text_columns=("智安小区编码", "小区编码", "区划代码"),
    )
    county.declare(
        "智慧安防小区",
        "smart_community",
        "places/smart_communities.xlsx",
        "xlsx",
        "BD09",
        zh_columns("smart_community"),
        agency="公安分局(科信)",
    )
    owner = np.repeat(np.arange(n), per)
    dx = rng.normal(0, 60, len(owner)) / M_PER_DEG_LAT
    dy = rng.normal(0, 60, len(owner)) / M_PER_DEG_LAT
    on = np.concatenate(online) if online else np.zeros(0, bool)
    last_seen = [
        county.end - timedelta(minutes=int(m)) if o else county.end - timedelta(days=int(d))
        for o, m, d in zip(on, rng.integers(1, 30, len(on)), rng.integers(2, 40, len(on)), strict=True)
    ]
    sensors = pd.DataFrame(
        {
            "设备编码": [f"GZ{county.code}{i + 1:06d}" for i in range(len(owner))],
            "智安小区编码": smart["智安小区编码"].to_numpy()[owner],
            "区划代码": county.code,
            "设备类型": np.concatenate(sens_kind) if sens_kind else [],
            "是否在线": np.where(on, "是", "否"),
            "最后心跳": [t.strftime("%Y-%m-%d %H:%M:%S") for t in last_seen],
        }
    )
    sx, sy = pick["经度"].to_numpy()[owner] + dx, pick["纬度"].to_numpy()[owner] + dy
    outside = ~shapely.contains_xy(
        county.geo.district, sx, sy
    )  # a device jittered over the border stays home
    sx[outside], sy[outside] = (
        pick["经度"].to_numpy()[owner][outside],
        pick["纬度"].to_numpy()[owner][outside],
    )
    _set_lonlat(sensors, sx, sy, "BD09")
    sensors.loc[0, "设备类型"] = "热成像"  # a device type the codebook does not know
    county.defects.add("感知设备", 2, "unknown_category")
    planter = county.planted
    if planter:  # the planted sensor cases, after every defect, placed at their community's first device
        alert_cases.plan_sensors(planter, list(smart["智安小区编码"]))
        extra = alert_cases.agency_frame("sensor_device", planter.sensors, zh_columns("sensor_device"))
        first = sensors.drop_duplicates("智安小区编码").set_index("智安小区编码")
        extra["区划代码"] = county.code
        for col in ("经度", "纬度"):
            extra[col] = first[col].reindex(extra["智安小区编码"]).to_numpy()
        sensors = pd.concat([sensors, extra], ignore_index=True)
        planter.write_truth(county.out)
    write_csv(sensors, county.out / "places" / "sensor_devices.csv")
    county.declare(
        "感知设备",
        "sensor_device",
        "places/sensor_devices.csv",
        "csv",
        "BD09",
        zh_columns("sensor_device"),
        encoding="GB18030",
        agency="公安分局(科信)",
    )


def write_security(county: County, divisions: Divisions, buildings: pd.DataFrame) -> None:
    """Cameras and checkpoints in three rings (CSV, WGS-84) and workstations (XLSX, GCJ-02).

    Parameters
    ----------
    county : County
        The area being written.
    divisions : Divisions
        The towns the workstations are named after.
    buildings : pandas.DataFrame
        The buildings the cameras away from hot spots stand near.
    """
    rng, s, g = county.rng, county.scale, county.geo
    n = s.cameras
    n_border = n // 6
    pts = county.hot_points(
        buildings, n - n_border, {"city_village": 1, "transport_hub": 1.5, "market": 1.2, "school": 1}, 0.4
    )
    # checkpoints on the county border, where roads leave it
    ring = g.district.geoms[0].exterior
    along = rng.uniform(0, ring.length, n_border)
    border = shapely.get_coordinates(shapely.line_interpolate_point(ring, along))
    inward = np.array([g.centre]) - border
    border = border + inward * 0.01
    # a real outline is not convex: where a step towards the centre left the county, the checkpoint
    # stands instead on the road just inside its border (about 100 m in), still on the county line
    area = g.district.geoms[0]
    out = ~shapely.contains_xy(area, border[:, 0], border[:, 1])
    if out.any():
        inner = area.buffer(-100 / M_PER_DEG_LAT).boundary
        snapped = shapely.line_interpolate_point(inner, inner.project(shapely.points(border[out])))
        border[out] = shapely.get_coordinates(snapped)
    x = np.concatenate([pts[:, 0], border[:, 0]])
    y = np.concatenate([pts[:, 1], border[:, 1]])
    cx, cy = g.centre
    dist_km = np.hypot((x - cx) * np.cos(np.radians(cy)), y - cy) * M_PER_DEG_LAT / 1000
    urban_km = s.size_km * 0.18
    rings = np.where(np.arange(n) >= n - n_border, "县界", np.where(dist_km < urban_km, "城区", "城乡结合部"))
    kinds = np.where(
        rings == "县界", "卡口", rng.choice(["结构化", "人脸", "普通", "卡口"], n, p=[0.55, 0.2, 0.15, 0.1])
    )
    cams = pd.DataFrame(
        {
            "点位编码": [f"SP{county.code}{i + 1:05d}" for i in range(n)],
            "区划代码": county.code,
            "点位名称": [
                f"{'治安卡口' if k == '卡口' else '视频点位'}{i + 1:04d}" for i, k in enumerate(kinds)
            ],
            "点位类型": kinds,
            "圈层": rings,
            "是否在线": np.where(rng.random(n) < 0.96, "是", "否"),
            "建设日期": [county.until - timedelta(days=int(d)) for d in rng.integers(100, 2500, n)],
            "经度": np.round(x, 7),
            "纬度": np.round(y, 7),
        }
    )
    cams.loc[1, "圈层"] = "外环"
    county.defects.add("视频监控", 3, "unknown_category")
    cams.loc[2, "经度"] = cams.loc[2, "经度"] + 1.5
    county.defects.add("视频监控", 4, "outside_area")
    write_csv(cams, county.out / "security" / "cameras.csv")
    county.declare(
        "视频监控",
        "camera",
        "security/cameras.csv",
        "csv",
        "WGS84",
        zh_columns("camera"),
        encoding="GB18030",
        agency="公安分局(雪亮工程)",
    )

    w = s.workstations
    spots = g.hotspots[:w] if len(g.hotspots) >= w else g.hotspots
    wx = np.array([h.x for h in spots])[:w]
    wy = np.array([h.y for h in spots])[:w]
    ws = pd.DataFrame(
        {
            "工作站编码": [f"GZZ{county.code}{i + 1:03d}" for i in range(len(wx))],
            "区划代码": county.code,
            "工作站名称": [
                f"{divisions.town_names[i % len(divisions.town_names)].replace('街道', '').replace('镇', '')}"
                f"{THEMES[i % len(THEMES)]}"
                for i in range(len(wx))
            ],
            "主题": [THEMES[i % len(THEMES)] for i in range(len(wx))],
            "民警人数": rng.integers(2, 6, len(wx)),
            "网格员人数": rng.integers(4, 15, len(wx)),
            "其他人员": rng.integers(0, 6, len(wx)),
            "地址": [
                f"{divisions.town_names[i % len(divisions.town_names)]}综合楼{i + 1}号"
                for i in range(len(wx))
            ],
            "启用日期": [county.until - timedelta(days=int(d)) for d in rng.integers(30, 900, len(wx))],
        }
    )
    _set_lonlat(ws, wx, wy, "GCJ02")
    write_xlsx(ws, county.out / "security" / "workstations.xlsx", text_columns=("工作站编码", "区划代码"))
    county.declare(
        "警网融合工作站",
        "workstation",
        "security/workstations.xlsx",
        "xlsx",
        "GCJ02",
        zh_columns("workstation"),
        agency="政法委",
    )
