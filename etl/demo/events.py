"""Demo feeds of grid governance and its partners: the matter codebook, grid events, disputes, hazards.

Each clusters at persistent hot spots (hazards where rentals are dense) with office hours' rhythm.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from etl.demo.county import County, Tenancy, zh_columns
from etl.demo.rhythms import HOURS_OFFICE, WEEKDAY_OFFICE
from etl.demo.writers import agency_lonlat, write_csv, write_xlsx

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


def write_kinds(county: County) -> pd.DataFrame:
    """The codebook of grid matters (UTF-8 CSV) the grid events refer to; return it.

    Parameters
    ----------
    county : County
        The area being written.

    Returns
    -------
    pandas.DataFrame
        The codebook as written (see :func:`kinds_codebook`).
    """
    book = kinds_codebook()
    write_csv(book, county.out / "events" / "grid_event_kinds.csv", encoding="utf-8")
    county.declare(
        "事项目录",
        "grid_event_kind",
        "events/grid_event_kinds.csv",
        "csv",
        None,
        zh_columns("grid_event_kind"),
        encoding="UTF-8",
        agency="政法委综治中心",
    )
    return book


def write_grid_events(county: County, buildings: pd.DataFrame, book: pd.DataFrame) -> None:
    """Grid events (XLSX, GCJ-02): a closed loop with deadlines; some run into yellow and red cards.

    Parameters
    ----------
    county : County
        The area being written.
    buildings : pandas.DataFrame
        The buildings the events away from hot spots happen near.
    book : pandas.DataFrame
        The codebook of matters (from :func:`write_kinds`) each event is one of.
    """
    rng, n = county.rng, county.scale.grid_events
    pts = county.hot_points(buildings, n, {"city_village": 1.5, "market": 1, "industrial_park": 0.6}, 0.45)
    kind_idx = rng.integers(0, len(book), n)
    cls = book["事项大类"].to_numpy()[kind_idx]
    registered = county.event_times(n, HOURS_OFFICE, WEEKDAY_OFFICE)
    reported = registered + pd.to_timedelta(rng.integers(5, 120, n), unit="m")
    dispatched = reported + pd.to_timedelta(rng.integers(10, 600, n), unit="m")
    responded = dispatched + pd.to_timedelta(rng.integers(10, 1800, n), unit="m")
    days_to_close = rng.lognormal(0.2, 0.9, n)  # most close within 3 days; a tail runs to cards
    closed = registered + pd.to_timedelta(days_to_close * 86400, unit="s")
    now = pd.Timestamp(county.end)
    open_ = (closed > now) | (rng.random(n) < 0.03)
    status = np.where(open_, rng.choice(["上报", "已派遣", "处置中"], n), "已办结")
    status = np.where(open_ & (dispatched >= now), "上报", status)  # steps still ahead have no time yet
    status = np.where(open_ & (reported >= now), "登记", status)
    ge = pd.DataFrame(
        {
            "事件编号": [f"WG{county.code}{t:%Y%m%d}{i:05d}" for i, t in enumerate(registered)],
            "区划代码": county.code,
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
    taken: set[int] = set()
    every = np.ones(n, bool)
    closed_rows = ~open_
    for pos in county.pick(every, 4, taken):
        ge.loc[pos, "事项编码"] = "XX999"
        county.defects.add("网格事件", pos + 2, "unknown_category")
    for pos in county.pick(closed_rows, 4, taken):
        ge.loc[pos, "办结时间"] = (registered[pos] - timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S")
        county.defects.add("网格事件", pos + 2, "bad_sequence")
    write_xlsx(
        ge, county.out / "events" / "grid_events.xlsx", text_columns=("事件编号", "事项编码", "区划代码")
    )
    county.declare(
        "网格事件",
        "grid_event",
        "events/grid_events.xlsx",
        "xlsx",
        "GCJ02",
        zh_columns("grid_event"),
        agency="政法委综治中心",
    )


def write_disputes(county: County, buildings: pd.DataFrame) -> None:
    """Disputes (XLSX, BD-09) as the people's mediation committees record them.

    Parameters
    ----------
    county : County
        The area being written.
    buildings : pandas.DataFrame
        The buildings the disputes away from hot spots happen near.
    """
    rng, n = county.rng, county.scale.disputes
    now = pd.Timestamp(county.end)
    pts = county.hot_points(buildings, n, {"city_village": 2, "industrial_park": 1.2, "market": 0.8}, 0.4)
    found = county.event_times(n, HOURS_OFFICE, WEEKDAY_OFFICE)
    high = rng.random(n) < 0.1
    res_days = rng.exponential(6, n)
    resolved_at = found + pd.to_timedelta(res_days * 86400, unit="s")
    done = (resolved_at < now) & (rng.random(n) < 0.96)
    dstatus = np.where(done, "已化解", rng.choice(["排查中", "调解中", "已移交"], n, p=[0.3, 0.6, 0.1]))
    dis = pd.DataFrame(
        {
            "纠纷编号": [f"JF{county.code}{t:%Y%m%d}{i:05d}" for i, t in enumerate(found)],
            "区划代码": county.code,
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
    taken: set[int] = set()
    for pos in county.pick(np.ones(n, bool), 3, taken):
        dis.loc[pos, "排查时间"] = ""
        county.defects.add("矛盾纠纷", pos + 2, "missing_required")
    write_xlsx(dis, county.out / "events" / "disputes.xlsx", text_columns=("纠纷编号", "区划代码"))
    county.declare(
        "矛盾纠纷",
        "dispute",
        "events/disputes.xlsx",
        "xlsx",
        "BD09",
        zh_columns("dispute"),
        agency="司法局(人民调解)",
    )


def write_hazards(county: County, buildings: pd.DataFrame, tenancy: Tenancy) -> None:
    """Hazards (CSV GB18030, BD-09) where rentals are dense, sent out in batches of hint letters.

    Parameters
    ----------
    county : County
        The area being written.
    buildings : pandas.DataFrame
        The buildings the hazards are found at.
    tenancy : Tenancy
        The rental units, whose buildings draw hazards in proportion to their number.
    """
    rng, n = county.rng, county.scale.hazards
    now = pd.Timestamp(county.end)
    rent_w = np.bincount(tenancy.unit_building, minlength=len(buildings)).astype(float) + 0.05
    b = rng.choice(len(buildings), n, p=rent_w / rent_w.sum())
    hx = buildings["x"].to_numpy()[b] + rng.normal(0, 20, n) / 110_900
    hy = buildings["y"].to_numpy()[b] + rng.normal(0, 20, n) / 110_900
    hfound = county.event_times(n, HOURS_OFFICE, WEEKDAY_OFFICE)
    cat = rng.choice(HAZARD_CATS, n, p=_hazard_p())
    week = ((hfound - hfound.min()).dt.days // 14).to_numpy()
    batch_no = week + 30
    cleared_at = hfound + pd.to_timedelta(rng.exponential(12, n) * 86400, unit="s")
    cleared = cleared_at < now
    hstatus = np.where(cleared, "已销号", rng.choice(["未整改", "整改中"], n, p=[0.4, 0.6]))
    haz = pd.DataFrame(
        {
            "隐患编号": [f"YH{county.code}{t:%Y%m%d}{i:05d}" for i, t in enumerate(hfound)],
            "区划代码": county.code,
            "隐患类别": cat,
            "发现时间": hfound.dt.strftime("%Y-%m-%d %H:%M:%S"),
            "隐患描述": [f"{c}隐患" for c in cat],
            "责任部门": [HAZARD_DEPTS[c] for c in cat],
            "提示函批次": [f"{county.until.year}年第{k}批" for k in batch_no],
            "提示函日期": [
                (t + timedelta(days=3)).date() if (t + timedelta(days=3)).date() <= county.until else None
                for t in hfound
            ],
            "整改状态": hstatus,
            "销号时间": np.where(cleared, cleared_at.dt.strftime("%Y-%m-%d %H:%M:%S"), ""),
        }
    )
    haz["经度"], haz["纬度"] = agency_lonlat(hx, hy, "BD09")
    taken: set[int] = set()
    for pos in county.pick(np.ones(n, bool), 3, taken):
        haz.loc[pos, "隐患类别"] = "网络舆情"
        county.defects.add("风险隐患", pos + 2, "unknown_category")
    for pos in county.pick(cleared, 3, taken):
        haz.loc[pos, "销号时间"] = (hfound[pos] - timedelta(days=5)).strftime("%Y-%m-%d %H:%M:%S")
        county.defects.add("风险隐患", pos + 2, "bad_sequence")
    write_csv(haz, county.out / "events" / "hazards.csv")
    county.declare(
        "风险隐患",
        "hazard",
        "events/hazards.csv",
        "csv",
        "BD09",
        zh_columns("hazard"),
        encoding="GB18030",
        agency="应急管理局",
    )


def _hazard_p() -> np.ndarray:
    w = np.array([6, 3, 2, 2, 3, 0.5, 1, 0.5, 0.5, 0.3, 0.8, 0.8, 0.5, 4, 3, 1, 1])
    return w / w.sum()
