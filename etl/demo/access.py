"""Demo feeds of gate access: the devices at city-village rentals and their events, one CSV a day.

Cards belong to rental units; a unit where an elderly person lives alone may fall silent for the
last ten days (the alert the dashboard raises).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd

from etl.demo.alert_cases import agency_frame
from etl.demo.county import County, Tenancy, zh_columns
from etl.demo.rhythms import HOURS_ACCESS
from etl.demo.writers import write_csv


def write_access(county: County, buildings: pd.DataFrame, tenancy: Tenancy) -> None:
    """Gate-access devices (UTF-8 CSV) and their events as daily UTF-8 CSV partitions.

    Parameters
    ----------
    county : County
        The area being written.
    buildings : pandas.DataFrame
        The buildings; the devices stand at ``tenancy.device_buildings``.
    tenancy : Tenancy
        The rental units and who lives in them: cards go to their tenants.
    """
    rng, b, units = county.rng, buildings, tenancy.units
    dev_bld = tenancy.device_buildings
    devices = pd.DataFrame(
        {
            "门禁编号": [f"MJ{county.code}{i + 1:06d}" for i in range(len(dev_bld))],
            "房屋编码": b["building_code"].to_numpy()[dev_bld],
            "设备类型": rng.choice(["刷卡", "人脸", "刷卡+人脸"], len(dev_bld), p=[0.5, 0.2, 0.3]),
            "安装日期": [county.until - timedelta(days=int(d)) for d in rng.integers(60, 1500, len(dev_bld))],
            "是否在线": np.where(rng.random(len(dev_bld)) < 0.95, "是", "否"),
        }
    )
    extra = pd.DataFrame(
        {
            "门禁编号": [f"MJ{county.code}9{i:05d}" for i in range(2)],
            "房屋编码": [f"{county.code}98{i:08d}" for i in range(2)],
            "设备类型": "刷卡",
            "安装日期": county.until,
            "是否在线": "是",
        }
    )
    devices = pd.concat([devices, extra], ignore_index=True)
    for k in range(len(extra)):
        county.defects.add("门禁设备", len(devices) - len(extra) + k + 2, "unknown_reference")
    planter = county.planted
    if planter:  # the readers of the planted alert cases, after every defect
        devices = pd.concat(
            [devices, agency_frame("access_device", planter.devices, zh_columns("access_device"))],
            ignore_index=True,
        )
    planted = agency_frame("access_event", planter.events if planter else [], zh_columns("access_event"))
    planted_day = planted["开门时间"].str[:10] if len(planted) else pd.Series([], dtype=str)
    write_csv(devices, county.out / "access" / "devices.csv", encoding="utf-8")
    county.declare(
        "门禁设备",
        "access_device",
        "access/devices.csv",
        "csv",
        None,
        zh_columns("access_device"),
        encoding="UTF-8",
        agency="来穗人员服务管理局",
    )

    # cards: one per registered tenant of a unit behind a device; group rentals hold many more;
    # some units with nobody registered still have cards (unregistered occupants)
    dev_of_bld = {bi: k for k, bi in enumerate(dev_bld)}
    unit_dev = np.array([dev_of_bld.get(bi, -1) for bi in tenancy.unit_building])
    tenants = units["登记租客数"].to_numpy()
    usable = (unit_dev >= 0) & ~np.isin(np.arange(len(units)), list(tenancy.quarantined_units))
    cards = np.where(usable, tenants, 0)
    group = np.flatnonzero(usable & (tenants > 0))
    group = rng.choice(group, max(1, len(group) // 40), replace=False) if len(group) else group
    cards[group] += rng.integers(6, 12, len(group))
    cards[tenancy.card_units] = rng.integers(2, 4, len(tenancy.card_units))
    card_unit = np.repeat(np.arange(len(units)), cards)
    card_no = np.array([f"C{county.code}{i + 1:08d}" for i in range(len(card_unit))])
    # elderly living alone: their unit's only card goes silent for the last 10 days for some
    unit_code_arr = units["出租屋编码"].to_numpy()
    silent_units = {u for u in sorted(tenancy.alone_units) if rng.random() < 0.35}
    silent = np.array([unit_code_arr[u] in silent_units for u in card_unit])
    days = county.scale.access_days
    start = county.day_end - timedelta(days=days)
    rate = county.scale.access_events / max(1, len(card_unit) * days)
    p_hour = HOURS_ACCESS / HOURS_ACCESS.sum()
    methods = np.array(["刷卡", "人脸", "密码", "手机"])
    for d in range(days):
        day = start + timedelta(days=d)
        per = rng.poisson(rate * (1.15 if day.weekday() >= 5 else 1.0), len(card_unit))
        if d >= days - 10:
            per[silent] = 0
        idx = np.repeat(np.arange(len(card_unit)), per)
        secs = rng.choice(24, len(idx), p=p_hour) * 3600 + rng.integers(0, 3600, len(idx))
        times = np.datetime64(day.replace(tzinfo=None), "s") + secs.astype("timedelta64[s]")
        keep = times < np.datetime64(county.end, "s")  # today's file stops at the moment of generation
        idx, times = idx[keep], times[keep]
        ev = pd.DataFrame(
            {
                "门禁编号": devices["门禁编号"].to_numpy()[unit_dev[card_unit[idx]]],
                "卡号": card_no[idx],
                "开门时间": pd.to_datetime(times).strftime("%Y-%m-%d %H:%M:%S"),
                "出租屋编码": unit_code_arr[card_unit[idx]],
                "开门方式": methods[rng.choice(4, len(idx), p=[0.6, 0.3, 0.05, 0.05])],
                "方向": np.where(rng.random(len(idx)) < 0.5, "进", "出"),
            }
        ).sort_values("开门时间", kind="stable", ignore_index=True)
        ev = ev.drop_duplicates(["门禁编号", "开门时间", "卡号"], ignore_index=True)
        name = f"access/events/{day:%Y-%m-%d}.csv"
        if d == days - 2 and len(ev) > 20:  # one day's export has defects of its own
            taken: set[int] = set()
            for pos in county.pick(np.ones(len(ev), bool), 3, taken):
                ev.loc[pos, "开门时间"] = "2026-13-45 25:61:00"
                county.defects.add("门禁记录", pos + 2, "bad_datetime", name)
            for pos in county.pick(np.ones(len(ev), bool), 3, taken):
                ev.loc[pos, "门禁编号"] = "MJ000000000000"
                county.defects.add("门禁记录", pos + 2, "unknown_reference", name)
            ev = county.append_duplicates(
                ev, county.pick(np.ones(len(ev), bool), 4, set(taken)), "门禁记录", name
            )
        # the planted cases' events go last, past the lines of the day's defects
        ev = pd.concat([ev, planted[planted_day == f"{day:%Y-%m-%d}"]], ignore_index=True)
        write_csv(ev, county.out / name, encoding="utf-8")
    county.declare(
        "门禁记录",
        "access_event",
        "access/events/*.csv",
        "csv",
        None,
        zh_columns("access_event"),
        encoding="UTF-8",
        agency="来穗人员服务管理局",
    )
