"""Demo feed of the 110 centre: police incidents, and the same weeks a year earlier for 同比.

GB18030 CSV in GCJ-02; an incident's category follows the hot spot it happens at.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import shapely

from etl.demo.county import County, zh_columns
from etl.demo.rhythms import HOURS_INCIDENT, WEEKDAY_INCIDENT, timestamps
from etl.demo.writers import agency_lonlat, write_csv

INCIDENT_BY_SPOT: dict[str, dict[str, float]] = {
    "city_village": {"治安": 3, "纠纷": 3, "侵财": 2, "刑事": 1, "求助": 1, "火灾": 0.3},
    "transport_hub": {"侵财": 3, "电信诈骗": 1, "求助": 3, "治安": 2, "交通": 2},
    "market": {"侵财": 3, "纠纷": 2, "治安": 1, "电信诈骗": 1},
    "industrial_park": {"纠纷": 2, "治安": 1, "交通": 2, "刑事": 0.5},
    "school": {"求助": 2, "交通": 2, "治安": 0.5},
}


def write_incidents(county: County, buildings: pd.DataFrame) -> None:
    """Police incidents of the scale's weeks, then last year's same weeks as a file of their own.

    Parameters
    ----------
    county : County
        The area being written.
    buildings : pandas.DataFrame
        The buildings the incidents away from hot spots happen near.
    """
    rng, n = county.rng, county.scale.incidents
    fut = county.end + timedelta(days=3 * 365)  # a year typed wrong: three years ahead
    pts = county.hot_points(
        buildings,
        n,
        {"city_village": 1, "transport_hub": 1, "market": 1, "industrial_park": 1, "school": 1},
        0.3,
    )
    cats_all = ["刑事", "治安", "电信诈骗", "侵财", "纠纷", "交通", "求助", "火灾", "其他"]
    cats = rng.choice(cats_all, n, p=[0.06, 0.2, 0.08, 0.16, 0.2, 0.12, 0.14, 0.01, 0.03])
    spots = county.geo.hotspots
    for h in spots:
        near = np.hypot(pts[:, 0] - h.x, pts[:, 1] - h.y) < h.sigma_m * 2 / 110_900
        mix = INCIDENT_BY_SPOT.get(h.kind)
        if mix and near.any():
            keys = list(mix)
            p = np.array([mix[k] for k in keys], float)
            cats[near] = rng.choice(keys, int(near.sum()), p=p / p.sum())
    times = county.event_times(n, HOURS_INCIDENT, WEEKDAY_INCIDENT)
    diverted = (rng.random(n) < 0.08) & np.isin(cats, ["求助", "纠纷", "其他"])
    inc = pd.DataFrame(
        {
            "警情编号": [f"J{county.code}{t:%Y%m%d}{i:06d}" for i, t in enumerate(times)],
            "区划代码": county.code,
            "接警时间": times.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "警情类别": cats,
            "警情细类": "",
            "是否分流": np.where(diverted, "是", "否"),
            "分流单位": np.where(diverted, rng.choice(["12345热线", "城管", "市场监管", "街道办"], n), ""),
            "处置结果": rng.choice(["已处置", "已受理", "调解结案", "移交"], n),
            "简要警情": [f"{c}警情" for c in cats],
            "发生地址": "",
            "经度": pts[:, 0],
            "纬度": pts[:, 1],
        }
    )
    inc["经度"], inc["纬度"] = agency_lonlat(inc["经度"].to_numpy(), inc["纬度"].to_numpy(), "GCJ02")
    taken: set[int] = set()
    every = np.ones(n, bool)
    for pos in county.pick(every, 5, taken):
        inc.loc[pos, "接警时间"] = fut.strftime("%Y-%m-%d %H:%M:%S")
        county.defects.add("警情", pos + 2, "future_date")
    for pos in county.pick(every, 5, taken):
        inc.loc[pos, "警情类别"] = "涉稳"
        county.defects.add("警情", pos + 2, "unknown_category")
    for pos in county.pick(every, 3, taken):
        inc.loc[pos, "纬度"], inc.loc[pos, "经度"] = inc.loc[pos, "经度"], inc.loc[pos, "纬度"]
        county.defects.add("警情", pos + 2, "coord_swapped")
    for pos in county.pick(every, 3, taken):
        inc.loc[pos, "接警时间"] = ""
        county.defects.add("警情", pos + 2, "missing_required")
    inc = county.append_duplicates(inc, county.pick(every, 4, set(taken)), "警情")
    write_csv(inc, county.out / "events" / "incidents.csv")
    _incident_source(county, "警情", "events/incidents.csv")
    _incidents_last_year(county, pts, cats)


def _incident_source(county: County, name: str, path: str) -> None:
    """Declare an incident file as the 110 centre delivers it: GB18030 CSV, GCJ-02."""
    county.declare(
        name,
        "incident",
        path,
        "csv",
        "GCJ02",
        zh_columns("incident", {"reported_at": "接警时间"}),
        encoding="GB18030",
        agency="公安分局(110指挥中心)",
    )


def _incidents_last_year(county: County, pts: np.ndarray, cats: np.ndarray) -> None:
    """The same weeks a year earlier (52 weeks back, so weekdays align), for 同比: the same hot
    spots with about 10 % more incidents, delivered as a file of its own as the 110 centre exports
    history. Drawn from a generator spawned off the seed, so the other feeds stay as they were.
    """
    rng = np.random.default_rng(county.rng.bit_generator.seed_seq.spawn(1)[0])  # type: ignore[attr-defined]
    n = round(len(pts) * 1.1)
    pick = rng.integers(0, len(pts), n)
    jitter = rng.normal(0, 60 / 110_900, (n, 2))
    xy = pts[pick] + jitter
    days = county.scale.weeks * 7
    start = county.day_end - timedelta(days=days + 364)
    times = pd.Series(pd.to_datetime(timestamps(rng, n, start, days, HOURS_INCIDENT, WEEKDAY_INCIDENT)))
    hist = pd.DataFrame(
        {
            "警情编号": [f"J{county.code}{t:%Y%m%d}{i:06d}" for i, t in enumerate(times)],
            "区划代码": county.code,
            "接警时间": times.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "警情类别": cats[pick],
            "警情细类": "",
            "是否分流": "否",
            "分流单位": "",
            "处置结果": rng.choice(["已处置", "调解结案", "移交"], n),
            "简要警情": [f"{c}警情" for c in cats[pick]],
            "发生地址": "",
            "经度": xy[:, 0],
            "纬度": xy[:, 1],
        }
    )
    inside = shapely.contains_xy(county.geo.district, hist["经度"].to_numpy(), hist["纬度"].to_numpy())
    hist = hist[inside].reset_index(drop=True)
    hist["经度"], hist["纬度"] = agency_lonlat(hist["经度"].to_numpy(), hist["纬度"].to_numpy(), "GCJ02")
    write_csv(hist, county.out / "events" / "incidents_last_year.csv")
    _incident_source(county, "警情（去年同期）", "events/incidents_last_year.csv")
