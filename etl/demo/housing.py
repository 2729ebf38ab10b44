"""Demo feeds of the housing and population agencies: addresses, buildings, rentals, people, gate access."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely

from etl.demo import people
from etl.demo.writers import agency_lonlat, write_csv

if TYPE_CHECKING:
    from etl.demo.generate import Generator

USES = ["住宅", "商住", "商业", "厂房", "公共", "其他"]
STRUCTURES = ["砖混", "框架", "框剪", "钢结构", "砖木"]
DEPT_HOUSING = "住建局"


def write_housing(gen: Generator) -> None:
    """Standard addresses, buildings, rental units and persons."""
    rng, b = gen.rng, gen.bld
    n = len(b)
    # --- which buildings hold what: rentals cluster in city villages
    residential = np.where(b["is_cv"], rng.random(n) < 0.97, rng.random(n) < 0.8)
    uses = np.where(
        residential,
        rng.choice(["住宅", "商住"], n, p=[0.85, 0.15]),
        rng.choice(["商业", "厂房", "公共", "其他"], n, p=[0.4, 0.35, 0.15, 0.1]),
    )
    weight = np.where(b["is_cv"] & residential, 6.0, np.where(residential, 0.5, 0.0))
    target_units = round(gen.s.persons * 0.4)  # ~1.4 registered tenants each: ~40% of people rent
    units_per = rng.multinomial(target_units, weight / weight.sum())
    b["units"] = units_per
    b["use"] = uses
    # leaf buildings (nobody lives there, no units): the ones defects may be put on
    leaf = (units_per == 0) & ~residential

    # --- standard addresses (CGCS2000, GB18030), plus doorplates with no building yet
    n_orphan = max(10, n // 100)
    orphan = rng.choice(n, n_orphan, replace=False)
    dx, dy = gen._jitter_m(n_orphan, 40)
    addr = pd.DataFrame(
        {
            "地址编码": list(b["address_code"]) + [f"{gen.dc}9{i:09d}" for i in range(n_orphan)],
            "区划代码": gen.dc,
            "镇街代码": list(b["town_code"]) + list(b["town_code"].to_numpy()[orphan]),
            "社区代码": gen._village_of(
                np.concatenate([b["x"], b["x"].to_numpy()[orphan] + dx]),
                np.concatenate([b["y"], b["y"].to_numpy()[orphan] + dy]),
            ),
            "街路巷": list(b["road"]) + list(b["road"].to_numpy()[orphan]),
            "门牌号": list(b["doorplate"])
            + [f"{v}-{k + 1}号" for k, v in enumerate(b["doorplate"].str[:-1].to_numpy()[orphan])],
            "楼栋号": [f"{v}栋" for v in b["bno"]] + [""] * n_orphan,
            "标准地址": list(b["full_address"])
            + [f"{a}附{k + 1}" for k, a in enumerate(b["full_address"].to_numpy()[orphan])],
        }
    )
    ax = np.concatenate([b["x"], b["x"].to_numpy()[orphan] + dx])
    ay = np.concatenate([b["y"], b["y"].to_numpy()[orphan] + dy])
    addr["经度"], addr["纬度"] = agency_lonlat(ax, ay, "CGCS2000")
    taken: set[int] = set()
    eligible = np.zeros(len(addr), dtype=bool)
    eligible[n:] = True
    for pos in gen.pick(eligible, 3, taken):
        addr.loc[pos, "街路巷"] = ""
        gen.defects.add("标准地址", pos + 2, "missing_required")
    for pos in gen.pick(eligible, 3, taken):
        addr.loc[pos, "经度"], addr.loc[pos, "纬度"] = (
            addr.loc[pos, "经度"] + 0.9,
            addr.loc[pos, "纬度"] + 0.4,
        )
        gen.defects.add("标准地址", pos + 2, "outside_area")
    write_csv(addr, gen.out / "housing" / "standard_addresses.csv")
    gen._source(
        "标准地址",
        "standard_address",
        "housing/standard_addresses.csv",
        "csv",
        "CGCS2000",
        gen._zh_columns("standard_address"),
        encoding="GB18030",
        agency="公安分局(标准地址库)",
    )

    # --- buildings (WGS-84 declared, GB18030); the point is within metres of its doorplate
    jx, jy = gen._jitter_m(n, 6)
    bx, by = b["x"].to_numpy() + jx, b["y"].to_numpy() + jy
    bld = pd.DataFrame(
        {
            "房屋编码": b["building_code"],
            "地址编码": b["address_code"],
            "区划代码": gen.dc,
            "小区编码": b["community_code"],
            "楼栋名称": b["road"] + b["doorplate"] + b["bno"].astype(str) + "栋",
            "层数": b["floors"],
            "用途": uses,
            "结构": rng.choice(STRUCTURES, n),
            "建成年份": rng.integers(1980, 2025, n),
            "户数": np.maximum(units_per, b["floors"] * 2),
            "是否城中村": np.where(b["is_cv"], "是", "否"),
        }
    )
    bld["经度"], bld["纬度"] = np.round(bx, 7), np.round(by, 7)
    taken = set()
    for pos in gen.pick(leaf, 3, taken):
        bld.loc[pos, ["经度", "纬度"]] = [bld.loc[pos, "纬度"], bld.loc[pos, "经度"]]
        gen.defects.add("楼栋", pos + 2, "coord_swapped")
    # a GCJ-02 shift (some hundreds of metres) near the border would land outside the area and be
    # quarantined for that instead: mislabel only buildings well inside
    inner = shapely.contains_xy(gen.geo.district.buffer(-0.01), bx, by)
    for pos in gen.pick(leaf & inner, 3, taken):
        from common.coords import wgs84_to_gcj02

        gx, gy = wgs84_to_gcj02(bx[pos], by[pos])
        bld.loc[pos, "经度"], bld.loc[pos, "纬度"] = round(float(gx), 7), round(float(gy), 7)
        gen.defects.add("楼栋", pos + 2, "crs_mismatch")
    for pos in gen.pick(leaf, 3, taken):
        bld.loc[pos, "经度"] = bld.loc[pos, "经度"] - 0.8
        gen.defects.add("楼栋", pos + 2, "outside_area")
    for pos in gen.pick(leaf, 3, taken):
        bld.loc[pos, "地址编码"] = ""
        gen.defects.add("楼栋", pos + 2, "missing_required")
    bld = gen.append_duplicates(bld, gen.pick(~leaf, 3, set()), "楼栋")
    write_csv(bld, gen.out / "housing" / "buildings.csv")
    gen._source(
        "楼栋",
        "building",
        "housing/buildings.csv",
        "csv",
        "WGS84",
        gen._zh_columns("building"),
        encoding="GB18030",
        agency="住建局",
    )
    gen.bld_leaf = leaf

    # --- rental units (XLSX, landlord IDs as text)
    owner = np.repeat(np.arange(n), units_per)
    m = len(owner)
    counts = np.zeros(n, dtype=int)
    room = []
    for o in owner:
        counts[o] += 1
        room.append(f"{(counts[o] - 1) // 4 + 1}{(counts[o] - 1) % 4 + 1:02d}")
    tenants = rng.choice([0, 1, 1, 1, 2, 2, 3], m)
    l_births = people.birth_dates(rng, m, gen.until, 35, 75)
    l_gender = list(rng.choice(["M", "F"], m))
    landlord_ids = people.id_numbers(rng, [gen.dc] * m, l_births, l_gender, gen.id_seq)
    units = pd.DataFrame(
        {
            "出租屋编码": [f"{b['building_code'].iat[o]}{r}" for o, r in zip(owner, room, strict=True)],
            "房屋编码": b["building_code"].to_numpy()[owner],
            "房号": room,
            "房东姓名": people.names(rng, m),
            "房东身份证号": landlord_ids,
            "房东电话": people.mobiles(rng, m),
            "面积": np.round(rng.uniform(12, 90, m), 1),
            "登记租客数": tenants,
            "出租类型": rng.choice(["整租", "合租", "宿舍"], m, p=[0.6, 0.3, 0.1]),
            "登记日期": [gen.until - timedelta(days=int(d)) for d in rng.integers(30, 2000, m)],
        }
    )
    gen.units = units
    gen.unit_bld = owner
    _persons(gen, units, tenants, owner, b, residential)
    # leaf units: no tenants registered (cards are only issued to units with tenants, see access)
    unit_leaf = (tenants == 0) & ~np.isin(np.arange(m), gen.card_units_hint)
    taken = set()
    for pos in gen.pick(unit_leaf, 3, taken):
        units.loc[pos, "房屋编码"] = f"{gen.dc}99{pos:08d}"
        gen.defects.add("出租屋", pos + 2, "unknown_reference")
    for pos in gen.pick(unit_leaf, 3, taken):
        units.loc[pos, "房号"] = ""
        gen.defects.add("出租屋", pos + 2, "missing_required")
    for pos in gen.pick(unit_leaf, 3, taken):
        v = units.loc[pos, "房东身份证号"]
        units.loc[pos, "房东身份证号"] = v[:17] + ("1" if v[17] != "1" else "2")
        gen.defects.add("出租屋", pos + 2, "id_check_digit")
    gen.unit_quarantined = set(taken)
    units_path = gen.write_sheet(
        units,
        "housing/rental_units.xlsx",
        "出租屋",
        text_columns=("房东身份证号", "房东电话", "出租屋编码", "房屋编码", "房号"),
    )
    gen._source(
        "出租屋",
        "rental_unit",
        units_path,
        "xlsx",
        None,
        gen._zh_columns("rental_unit"),
        agency="来穗人员服务管理局",
    )


def _persons(
    gen: Generator,
    units: pd.DataFrame,
    tenants: np.ndarray,
    owner: np.ndarray,
    b: pd.DataFrame,
    residential: np.ndarray,
) -> None:
    """Tenants of rental units (mostly migrants) and residents of other homes (mostly natives)."""
    rng = gen.rng
    # which units get gate-access cards: those in buildings with a device (decided here)
    dev_bld = np.flatnonzero((b["units"].to_numpy() >= 3) & b["is_cv"].to_numpy())
    in_dev = np.isin(owner, dev_bld)
    # keep gate-access volume near the target: at most this many devices
    gen.device_buildings = dev_bld
    gen.card_units_hint = np.flatnonzero(in_dev & (tenants == 0))[: max(3, len(dev_bld) // 15)]
    t_unit = np.repeat(np.arange(len(tenants)), tenants)
    n_t = len(t_unit)
    n_other = max(0, gen.s.persons - n_t)
    res_bld = np.flatnonzero(residential & (b["units"].to_numpy() == 0))
    o_bld = rng.choice(res_bld, n_other) if len(res_bld) else np.zeros(0, int)
    total = n_t + n_other
    migrant = np.concatenate([rng.random(n_t) < 0.72, rng.random(n_other) < 0.05])
    # elderly people living alone: single tenants in gate-access buildings (the alert needs cards)
    single = (tenants[t_unit] == 1) & in_dev[t_unit]
    alone = np.concatenate([single & (rng.random(n_t) < 0.12), rng.random(n_other) < 0.01])
    births = people.birth_dates(rng, total, gen.until, 18, 65)
    old = people.birth_dates(rng, total, gen.until, 70, 92)
    births = [o if a else y for y, o, a in zip(births, old, alone, strict=True)]
    migrant = migrant & ~alone
    origins = list(people.ORIGINS)
    region = [str(rng.choice(origins)) if mg else gen.dc for mg in migrant]
    gender = list(rng.choice(["M", "F"], total, p=[0.54, 0.46]))
    ids = people.id_numbers(rng, region, births, gender, gen.id_seq)
    status = np.where(migrant, rng.choice(["已登记", "未登记", "已过期"], total, p=[0.82, 0.11, 0.07]), "")
    unit_codes = np.concatenate([units["出租屋编码"].to_numpy()[t_unit], np.full(n_other, None)])
    bld_codes = np.concatenate([units["房屋编码"].to_numpy()[t_unit], b["building_code"].to_numpy()[o_bld]])
    hukou = [
        people.ORIGINS.get(r, people.LOCAL.get(r, "")) + f"{rng.integers(1, 40)}组{rng.integers(1, 99)}号"
        for r in region
    ]
    persons = pd.DataFrame(
        {
            "公民身份号码": ids,
            "姓名": people.names(rng, total),
            "性别": ["男" if g == "M" else "女" for g in gender],
            "联系电话": people.mobiles(rng, total),
            "户籍地址": hukou,
            "是否流动人口": np.where(migrant, "是", "否"),
            "居住登记状态": status,
            "居住证号": [f"粤居{rng.integers(10**11, 10**12)}" if s == "已登记" else "" for s in status],
            "登记日期": [
                gen.until - timedelta(days=int(d)) if s == "已登记" else None
                for s, d in zip(status, rng.integers(10, 900, total), strict=True)
            ],
            "入住日期": [gen.until - timedelta(days=int(d)) for d in rng.integers(20, 3000, total)],
            "是否独居": np.where(alone, "是", "否"),
            "房屋编码": bld_codes,
            "出租屋编码": unit_codes,
        }
    )
    gen.persons_unit = unit_codes
    gen.persons_alone = alone
    gen.persons_ids = ids
    taken: set[int] = set()
    everyone = np.ones(total, dtype=bool)
    not_alone = ~alone
    mangled: dict[tuple[int, str], float] = {}
    for pos in gen.pick(not_alone, 10, taken):
        mangled[(pos, "公民身份号码")] = float(ids[pos].replace("X", "0"))  # typed as a number
        gen.defects.add("实有人口", pos + 2, "id_excel_mangled")
    for pos in gen.pick(not_alone, 10, taken):
        v = ids[pos]
        persons.loc[pos, "公民身份号码"] = v[:17] + ("3" if v[17] != "3" else "4")
        gen.defects.add("实有人口", pos + 2, "id_check_digit")
    for pos in gen.pick(not_alone, 5, taken):
        persons.loc[pos, "姓名"] = ""
        gen.defects.add("实有人口", pos + 2, "missing_required")
    for pos in gen.pick(not_alone & pd.notna(unit_codes), 3, taken):
        persons.loc[pos, "出租屋编码"] = str(unit_codes[pos])[:-3] + "999"
        gen.defects.add("实有人口", pos + 2, "unknown_reference")
    xs = [int(i) for i in np.flatnonzero(everyone) if ids[i].endswith("X") and int(i) not in taken]
    xs = xs[:: max(1, len(xs) // 30)][:30]  # a clerk typed a lowercase x now and then
    for pos in xs:
        persons.loc[pos, "公民身份号码"] = ids[pos][:-1] + "x"
    gen.defects.repaired("实有人口", len(xs))
    gen.person_quarantined = set(taken)
    persons = gen.append_duplicates(persons, gen.pick(everyone, 5, set(taken)), "实有人口")
    persons_path = gen.write_sheet(
        persons,
        "population/persons.xlsx",
        "实有人口",
        text_columns=("公民身份号码", "联系电话", "房屋编码", "出租屋编码", "居住证号"),
        numeric_cells=mangled,
    )
    gen._source(
        "实有人口",
        "person",
        persons_path,
        "xlsx",
        None,
        gen._zh_columns("person"),
        agency="公安分局(人口)",
    )


def write_access(gen: Generator) -> None:
    """Gate-access devices and their events as daily CSV partitions."""
    rng, b, units = gen.rng, gen.bld, gen.units
    dev_bld = gen.device_buildings
    devices = pd.DataFrame(
        {
            "门禁编号": [f"MJ{gen.dc}{i + 1:06d}" for i in range(len(dev_bld))],
            "房屋编码": b["building_code"].to_numpy()[dev_bld],
            "设备类型": rng.choice(["刷卡", "人脸", "刷卡+人脸"], len(dev_bld), p=[0.5, 0.2, 0.3]),
            "安装日期": [gen.until - timedelta(days=int(d)) for d in rng.integers(60, 1500, len(dev_bld))],
            "是否在线": np.where(rng.random(len(dev_bld)) < 0.95, "是", "否"),
        }
    )
    extra = pd.DataFrame(
        {
            "门禁编号": [f"MJ{gen.dc}9{i:05d}" for i in range(2)],
            "房屋编码": [f"{gen.dc}98{i:08d}" for i in range(2)],
            "设备类型": "刷卡",
            "安装日期": gen.until,
            "是否在线": "是",
        }
    )
    devices = pd.concat([devices, extra], ignore_index=True)
    for k in range(len(extra)):
        gen.defects.add("门禁设备", len(devices) - len(extra) + k + 2, "unknown_reference")
    write_csv(devices, gen.out / "access" / "devices.csv", encoding="utf-8")
    gen._source(
        "门禁设备",
        "access_device",
        "access/devices.csv",
        "csv",
        None,
        gen._zh_columns("access_device"),
        encoding="UTF-8",
        agency="来穗人员服务管理局",
    )

    # cards: one per registered tenant of a unit behind a device; group rentals hold many more;
    # some units with nobody registered still have cards (unregistered occupants)
    dev_of_bld = {bi: k for k, bi in enumerate(dev_bld)}
    unit_dev = np.array([dev_of_bld.get(bi, -1) for bi in gen.unit_bld])
    tenants = units["登记租客数"].to_numpy()
    usable = (unit_dev >= 0) & ~np.isin(np.arange(len(units)), list(gen.unit_quarantined))
    cards = np.where(usable, tenants, 0)
    group = np.flatnonzero(usable & (tenants > 0))
    group = rng.choice(group, max(1, len(group) // 40), replace=False) if len(group) else group
    cards[group] += rng.integers(6, 12, len(group))
    cards[gen.card_units_hint] = rng.integers(2, 4, len(gen.card_units_hint))
    card_unit = np.repeat(np.arange(len(units)), cards)
    card_no = np.array([f"C{gen.dc}{i + 1:08d}" for i in range(len(card_unit))])
    # elderly living alone: their unit's only card goes silent for the last 10 days for some
    alone_units = {u for u, a in zip(gen.persons_unit, gen.persons_alone, strict=True) if a and u is not None}
    unit_code_arr = units["出租屋编码"].to_numpy()
    silent_units = {u for u in sorted(alone_units) if rng.random() < 0.35}
    silent = np.array([unit_code_arr[u] in silent_units for u in card_unit])
    days = gen.s.access_days
    start = gen.day_end - timedelta(days=days)
    rate = gen.s.access_events / max(1, len(card_unit) * days)
    from etl.demo.generate import HOURS_ACCESS

    p_hour = HOURS_ACCESS / HOURS_ACCESS.sum()
    methods = np.array(["刷卡", "人脸", "密码", "手机"])
    files = []
    for d in range(days):
        day = start + timedelta(days=d)
        per = rng.poisson(rate * (1.15 if day.weekday() >= 5 else 1.0), len(card_unit))
        if d >= days - 10:
            per[silent] = 0
        idx = np.repeat(np.arange(len(card_unit)), per)
        secs = rng.choice(24, len(idx), p=p_hour) * 3600 + rng.integers(0, 3600, len(idx))
        times = np.datetime64(day.replace(tzinfo=None), "s") + secs.astype("timedelta64[s]")
        keep = times < np.datetime64(gen.end, "s")  # today's file stops at the moment of generation
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
            for pos in gen.pick(np.ones(len(ev), bool), 3, taken):
                ev.loc[pos, "开门时间"] = "2026-13-45 25:61:00"
                gen.defects.add("门禁记录", pos + 2, "bad_datetime", name)
            for pos in gen.pick(np.ones(len(ev), bool), 3, taken):
                ev.loc[pos, "门禁编号"] = "MJ000000000000"
                gen.defects.add("门禁记录", pos + 2, "unknown_reference", name)
            ev = gen.append_duplicates(ev, gen.pick(np.ones(len(ev), bool), 4, set(taken)), "门禁记录", name)
        write_csv(ev, gen.out / name, encoding="utf-8")
        files.append(name)
    gen._source(
        "门禁记录",
        "access_event",
        "access/events/*.csv",
        "csv",
        None,
        gen._zh_columns("access_event"),
        encoding="UTF-8",
        agency="来穗人员服务管理局",
    )
    gen.n_cards = len(card_unit)
