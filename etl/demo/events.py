"""Demo event feeds: the grid-matter codebook, police incidents, grid events, disputes, hazards."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from etl.demo.writers import agency_lonlat, write_csv, write_xlsx

if TYPE_CHECKING:
    from etl.demo.generate import Generator

# 3 classes covering 176 kinds of matters, as Zizhong's platform does.
KIND_SUBJECTS = {
    "警务类": (
        [
            "可疑人员",
            "可疑车辆",
            "涉毒线索",
            "涉赌线索",
            "涉黄线索",
            "电诈线索",
            "盗窃线索",
            "寄递物流",
            "出租屋治安",
            "重点人员动态",
            "精神障碍患者",
            "刑满释放人员",
            "无证经营旅馆",
            "网吧管理",
            "危险物品",
            "易制毒化学品",
            "非法集资线索",
            "传销线索",
            "校园安全",
            "大型活动",
        ],
        ["发现", "核查", "跟踪"],
    ),
    "综治类": (
        [
            "矛盾纠纷",
            "违章搭建",
            "消防通道堵塞",
            "飞线充电",
            "占道经营",
            "乱堆乱放",
            "噪音扰民",
            "环境卫生",
            "河道污染",
            "井盖缺失",
            "路灯损坏",
            "道路破损",
            "危房",
            "地质灾害点",
            "燃气安全",
            "校园周边",
            "食品安全",
            "三小场所",
            "劳资纠纷",
            "物业纠纷",
        ],
        ["排查", "整改", "复查"],
    ),
    "服务类": (
        [
            "困难帮扶",
            "证照代办",
            "就业服务",
            "独居老人走访",
            "留守儿童关爱",
            "残疾人服务",
            "政策咨询",
            "社保代办",
            "医保代办",
            "法律援助",
            "退役军人服务",
            "计生服务",
            "养老服务",
            "便民维修",
        ],
        ["受理", "办理", "回访", "办结"],
    ),
}
CLASS_CODE = {"警务类": "JW", "综治类": "ZZ", "服务类": "FW"}
INCIDENT_BY_SPOT: dict[str, dict[str, float]] = {
    "city_village": {"治安": 3, "纠纷": 3, "侵财": 2, "刑事": 1, "求助": 1, "火灾": 0.3},
    "transport_hub": {"侵财": 3, "电信诈骗": 1, "求助": 3, "治安": 2, "交通": 2},
    "market": {"侵财": 3, "纠纷": 2, "治安": 1, "电信诈骗": 1},
    "industrial_park": {"纠纷": 2, "治安": 1, "交通": 2, "刑事": 0.5},
    "school": {"求助": 2, "交通": 2, "治安": 0.5},
}
DISPUTE_TYPES = [
    "邻里纠纷",
    "婚姻家庭纠纷",
    "劳资纠纷",
    "物业纠纷",
    "租赁纠纷",
    "土地山林纠纷",
    "消费纠纷",
    "交通事故纠纷",
    "医疗纠纷",
    "债务纠纷",
]
HAZARD_CATS = [
    "消防",
    "房屋建筑",
    "道路交通",
    "燃气",
    "用电",
    "危险化学品",
    "建筑施工",
    "特种设备",
    "防汛",
    "地质灾害",
    "食品药品",
    "公共场所",
    "校园周边",
    "出租屋",
    "电动自行车",
    "治安",
    "其他",
]
HAZARD_DEPTS = {
    "消防": "消防救援大队",
    "房屋建筑": "住建局",
    "道路交通": "交警大队",
    "燃气": "住建局",
    "用电": "供电局",
    "危险化学品": "应急管理局",
    "建筑施工": "住建局",
    "特种设备": "市场监管局",
    "防汛": "水务局",
    "地质灾害": "自然资源局",
    "食品药品": "市场监管局",
    "公共场所": "文广旅体局",
    "校园周边": "教育局",
    "出租屋": "来穗人员服务管理局",
    "电动自行车": "交警大队",
    "治安": "公安分局",
    "其他": "镇街综治中心",
}


def kinds_codebook() -> pd.DataFrame:
    """The 176 kinds of grid matters in their three classes."""
    rows = []
    for cls, (subjects, actions) in KIND_SUBJECTS.items():
        k = 0
        for subject in subjects:
            for action in actions:
                k += 1
                rows.append(
                    {
                        "事项编码": f"{CLASS_CODE[cls]}{k:03d}",
                        "事项大类": cls,
                        "事项名称": f"{subject}{action}",
                    }
                )
    return pd.DataFrame(rows)


def _times(gen: Generator, n: int, hours: np.ndarray, weekday: np.ndarray) -> pd.Series:
    from etl.demo.generate import _timestamps

    days = gen.s.weeks * 7
    start = gen.day_end - timedelta(days=days)
    ts = _timestamps(gen.rng, n, start, days, hours, weekday)
    late = ts >= np.datetime64(gen.end, "s")  # today's hours not yet lived move a week back
    ts[late] -= np.timedelta64(7, "D")
    return pd.Series(pd.to_datetime(ts))


def _incident_source(gen: Generator, name: str, path: str) -> None:
    """Declare an incident file as the 110 centre delivers it: GB18030 CSV, GCJ-02."""
    gen._source(
        name,
        "incident",
        path,
        "csv",
        "GCJ02",
        gen._zh_columns("incident", {"reported_at": "接警时间"}),
        encoding="GB18030",
        agency="公安分局(110指挥中心)",
    )


def _incidents_last_year(gen: Generator, pts: np.ndarray, cats: np.ndarray) -> None:
    """The same weeks a year earlier (52 weeks back, so weekdays align), for 同比: the same hot
    spots with about 10 % more incidents, delivered as a file of its own as the 110 centre exports
    history. Drawn from a generator spawned off the seed, so the other feeds stay as they were.
    """
    from etl.demo.generate import HOURS_INCIDENT, WEEKDAY_INCIDENT, _timestamps

    rng = np.random.default_rng(gen.rng.bit_generator.seed_seq.spawn(1)[0])  # type: ignore[attr-defined]
    n = round(len(pts) * 1.1)
    pick = rng.integers(0, len(pts), n)
    jitter = rng.normal(0, 60 / 110_900, (n, 2))
    xy = pts[pick] + jitter
    days = gen.s.weeks * 7
    start = gen.day_end - timedelta(days=days + 364)
    times = pd.Series(pd.to_datetime(_timestamps(rng, n, start, days, HOURS_INCIDENT, WEEKDAY_INCIDENT)))
    hist = pd.DataFrame(
        {
            "警情编号": [f"J{gen.dc}{t:%Y%m%d}{i:06d}" for i, t in enumerate(times)],
            "区划代码": gen.dc,
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
    inside = shapely.contains_xy(gen.geo.district, hist["经度"].to_numpy(), hist["纬度"].to_numpy())
    hist = hist[inside].reset_index(drop=True)
    hist["经度"], hist["纬度"] = agency_lonlat(hist["经度"].to_numpy(), hist["纬度"].to_numpy(), "GCJ02")
    write_csv(hist, gen.out / "events" / "incidents_last_year.csv")
    _incident_source(gen, "警情（去年同期）", "events/incidents_last_year.csv")


def write_events(gen: Generator) -> None:
    """All four event feeds, clustered at persistent hot spots with daily and weekly rhythms."""
    from etl.demo.generate import HOURS_INCIDENT, HOURS_OFFICE, WEEKDAY_INCIDENT, WEEKDAY_OFFICE

    rng, s = gen.rng, gen.s
    fut = gen.end + timedelta(days=3 * 365)  # a year typed wrong: three years ahead

    # --- codebook
    book = kinds_codebook()
    write_csv(book, gen.out / "events" / "grid_event_kinds.csv", encoding="utf-8")
    gen._source(
        "事项目录",
        "grid_event_kind",
        "events/grid_event_kinds.csv",
        "csv",
        None,
        gen._zh_columns("grid_event_kind"),
        encoding="UTF-8",
        agency="政法委综治中心",
    )

    # --- police incidents (CSV GB18030, GCJ-02): category follows the hot spot it happens at
    n = s.incidents
    pts = gen._hot_points(
        n, {"city_village": 1, "transport_hub": 1, "market": 1, "industrial_park": 1, "school": 1}, 0.3
    )
    cats_all = ["刑事", "治安", "电信诈骗", "侵财", "纠纷", "交通", "求助", "火灾", "其他"]
    cats = rng.choice(cats_all, n, p=[0.06, 0.2, 0.08, 0.16, 0.2, 0.12, 0.14, 0.01, 0.03])
    spots = gen.geo.hotspots
    for i, h in enumerate(spots):
        near = np.hypot(pts[:, 0] - h.x, pts[:, 1] - h.y) < h.sigma_m * 2 / 110_900
        mix = INCIDENT_BY_SPOT.get(h.kind)
        if mix and near.any():
            keys = list(mix)
            p = np.array([mix[k] for k in keys], float)
            cats[near] = rng.choice(keys, int(near.sum()), p=p / p.sum())
        _ = i
    times = _times(gen, n, HOURS_INCIDENT, WEEKDAY_INCIDENT)
    diverted = (rng.random(n) < 0.08) & np.isin(cats, ["求助", "纠纷", "其他"])
    inc = pd.DataFrame(
        {
            "警情编号": [f"J{gen.dc}{t:%Y%m%d}{i:06d}" for i, t in enumerate(times)],
            "区划代码": gen.dc,
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
    for pos in gen.pick(every, 5, taken):
        inc.loc[pos, "接警时间"] = fut.strftime("%Y-%m-%d %H:%M:%S")
        gen.defects.add("警情", pos + 2, "future_date")
    for pos in gen.pick(every, 5, taken):
        inc.loc[pos, "警情类别"] = "涉稳"
        gen.defects.add("警情", pos + 2, "unknown_category")
    for pos in gen.pick(every, 3, taken):
        inc.loc[pos, "纬度"], inc.loc[pos, "经度"] = inc.loc[pos, "经度"], inc.loc[pos, "纬度"]
        gen.defects.add("警情", pos + 2, "coord_swapped")
    for pos in gen.pick(every, 3, taken):
        inc.loc[pos, "接警时间"] = ""
        gen.defects.add("警情", pos + 2, "missing_required")
    inc = gen.append_duplicates(inc, gen.pick(every, 4, set(taken)), "警情")
    write_csv(inc, gen.out / "events" / "incidents.csv")
    _incident_source(gen, "警情", "events/incidents.csv")
    _incidents_last_year(gen, pts, cats)

    # --- grid events (XLSX, GCJ-02): closed loop with deadlines; some run into yellow and red cards
    n = s.grid_events
    pts = gen._hot_points(n, {"city_village": 1.5, "market": 1, "industrial_park": 0.6}, 0.45)
    kind_idx = rng.integers(0, len(book), n)
    cls = book["事项大类"].to_numpy()[kind_idx]
    registered = _times(gen, n, HOURS_OFFICE, WEEKDAY_OFFICE)
    reported = registered + pd.to_timedelta(rng.integers(5, 120, n), unit="m")
    dispatched = reported + pd.to_timedelta(rng.integers(10, 600, n), unit="m")
    responded = dispatched + pd.to_timedelta(rng.integers(10, 1800, n), unit="m")
    days_to_close = rng.lognormal(0.2, 0.9, n)  # most close within 3 days; a tail runs to cards
    closed = registered + pd.to_timedelta(days_to_close * 86400, unit="s")
    now = pd.Timestamp(gen.end)
    open_ = (closed > now) | (rng.random(n) < 0.03)
    status = np.where(open_, rng.choice(["上报", "已派遣", "处置中"], n), "已办结")
    status = np.where(open_ & (dispatched >= now), "上报", status)  # steps still ahead have no time yet
    status = np.where(open_ & (reported >= now), "登记", status)
    ge = pd.DataFrame(
        {
            "事件编号": [f"WG{gen.dc}{t:%Y%m%d}{i:05d}" for i, t in enumerate(registered)],
            "区划代码": gen.dc,
            "事项编码": book["事项编码"].to_numpy()[kind_idx],
            "是否涉警": np.where(cls == "警务类", "是", "否"),
            "事件标题": book["事项名称"].to_numpy()[kind_idx],
            "事件描述": "",
            "上报人编号": [f"WGY{rng.integers(1, 400):04d}" for _ in range(n)],
            "登记时间": registered.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "上报时间": np.where(reported < now, reported.dt.strftime("%Y-%m-%d %H:%M:%S"), ""),
            "派遣时间": np.where(dispatched < now, dispatched.dt.strftime("%Y-%m-%d %H:%M:%S"), ""),
            "响应时间": np.where(responded < now, responded.dt.strftime("%Y-%m-%d %H:%M:%S"), ""),
            "办结时间": np.where(open_, "", closed.dt.strftime("%Y-%m-%d %H:%M:%S")),
            "状态": status,
            "处置部门": rng.choice(["镇街综治中心", "城管", "住建", "派出所", "社区居委会"], n),
            "经度": pts[:, 0],
            "纬度": pts[:, 1],
        }
    )
    ge["经度"], ge["纬度"] = agency_lonlat(ge["经度"].to_numpy(), ge["纬度"].to_numpy(), "GCJ02")
    taken = set()
    every = np.ones(n, bool)
    closed_rows = ~open_
    for pos in gen.pick(every, 4, taken):
        ge.loc[pos, "事项编码"] = "XX999"
        gen.defects.add("网格事件", pos + 2, "unknown_category")
    for pos in gen.pick(closed_rows, 4, taken):
        ge.loc[pos, "办结时间"] = (registered[pos] - timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
        gen.defects.add("网格事件", pos + 2, "bad_sequence")
    write_xlsx(ge, gen.out / "events" / "grid_events.xlsx", text_columns=("事件编号", "事项编码", "区划代码"))
    gen._source(
        "网格事件",
        "grid_event",
        "events/grid_events.xlsx",
        "xlsx",
        "GCJ02",
        gen._zh_columns("grid_event"),
        agency="政法委综治中心",
    )

    # --- disputes (XLSX, BD-09)
    n = s.disputes
    pts = gen._hot_points(n, {"city_village": 2, "industrial_park": 1.2, "market": 0.8}, 0.4)
    found = _times(gen, n, HOURS_OFFICE, WEEKDAY_OFFICE)
    high = rng.random(n) < 0.1
    res_days = rng.exponential(6, n)
    resolved_at = found + pd.to_timedelta(res_days * 86400, unit="s")
    done = (resolved_at < now) & (rng.random(n) < 0.96)
    dstatus = np.where(done, "已化解", rng.choice(["排查中", "调解中", "已移交"], n, p=[0.3, 0.6, 0.1]))
    dis = pd.DataFrame(
        {
            "纠纷编号": [f"JF{gen.dc}{t:%Y%m%d}{i:05d}" for i, t in enumerate(found)],
            "区划代码": gen.dc,
            "排查时间": found.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "纠纷类型": rng.choice(DISPUTE_TYPES, n),
            "风险等级": np.where(high, "高风险", "一般"),
            "是否有暴力倾向": np.where(high & (rng.random(n) < 0.4), "是", "否"),
            "是否反复": np.where(rng.random(n) < 0.12, "是", "否"),
            "当事人数": rng.integers(2, 6, n),
            "化解状态": dstatus,
            "化解时间": np.where(done, resolved_at.dt.strftime("%Y-%m-%d %H:%M:%S"), ""),
            "化解结果": np.where(done, "调解成功", ""),
        }
    )
    dis["经度"], dis["纬度"] = agency_lonlat(pts[:, 0], pts[:, 1], "BD09")
    taken = set()
    for pos in gen.pick(np.ones(n, bool), 3, taken):
        dis.loc[pos, "排查时间"] = ""
        gen.defects.add("矛盾纠纷", pos + 2, "missing_required")
    write_xlsx(dis, gen.out / "events" / "disputes.xlsx", text_columns=("纠纷编号", "区划代码"))
    gen._source(
        "矛盾纠纷",
        "dispute",
        "events/disputes.xlsx",
        "xlsx",
        "BD09",
        gen._zh_columns("dispute"),
        agency="司法局(人民调解)",
    )

    # --- hazards (CSV GB18030, BD-09): where rentals are dense, in hint-letter batches
    n = s.hazards
    rent_w = np.bincount(gen.unit_bld, minlength=len(gen.bld)).astype(float) + 0.05
    b = rng.choice(len(gen.bld), n, p=rent_w / rent_w.sum())
    hx = gen.bld["x"].to_numpy()[b] + rng.normal(0, 20, n) / 110_900
    hy = gen.bld["y"].to_numpy()[b] + rng.normal(0, 20, n) / 110_900
    hfound = _times(gen, n, HOURS_OFFICE, WEEKDAY_OFFICE)
    cat = rng.choice(HAZARD_CATS, n, p=_hazard_p())
    week = ((hfound - hfound.min()).dt.days // 14).to_numpy()
    batch_no = week + 30
    cleared_at = hfound + pd.to_timedelta(rng.exponential(12, n) * 86400, unit="s")
    cleared = cleared_at < now
    hstatus = np.where(cleared, "已销号", rng.choice(["未整改", "整改中"], n, p=[0.4, 0.6]))
    haz = pd.DataFrame(
        {
            "隐患编号": [f"YH{gen.dc}{t:%Y%m%d}{i:05d}" for i, t in enumerate(hfound)],
            "区划代码": gen.dc,
            "隐患类别": cat,
            "发现时间": hfound.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "隐患描述": [f"{c}隐患" for c in cat],
            "责任部门": [HAZARD_DEPTS[c] for c in cat],
            "提示函批次": [f"{gen.until.year}年第{k}批" for k in batch_no],
            "提示函日期": [
                (t + timedelta(days=3)).date() if (t + timedelta(days=3)).date() <= gen.until else None
                for t in hfound
            ],
            "整改状态": hstatus,
            "销号时间": np.where(cleared, cleared_at.dt.strftime("%Y-%m-%d %H:%M:%S"), ""),
        }
    )
    haz["经度"], haz["纬度"] = agency_lonlat(hx, hy, "BD09")
    taken = set()
    for pos in gen.pick(np.ones(n, bool), 3, taken):
        haz.loc[pos, "隐患类别"] = "网络舆情"
        gen.defects.add("风险隐患", pos + 2, "unknown_category")
    for pos in gen.pick(cleared, 3, taken):
        haz.loc[pos, "销号时间"] = (hfound[pos] - timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S")
        gen.defects.add("风险隐患", pos + 2, "bad_sequence")
    write_csv(haz, gen.out / "events" / "hazards.csv")
    gen._source(
        "风险隐患",
        "hazard",
        "events/hazards.csv",
        "csv",
        "BD09",
        gen._zh_columns("hazard"),
        encoding="GB18030",
        agency="应急管理局",
    )


def _hazard_p() -> np.ndarray:
    w = np.array([6, 3, 2, 2, 3, 0.5, 1, 0.5, 0.5, 0.3, 0.8, 0.8, 0.5, 4, 3, 1, 1])
    return w / w.sum()
