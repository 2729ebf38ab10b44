"""Demo feeds of the housing and population agencies: standard addresses, buildings, rental units, people."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import shapely

from common.coords import wgs84_to_gcj02
from etl.demo import alert_cases, people
from etl.demo.county import County, Divisions, Tenancy, zh_columns
from etl.demo.writers import agency_lonlat, write_csv

STRUCTURES = ["砖混", "框架", "框剪", "钢结构", "砖木"]


def write_housing(county: County, divisions: Divisions, buildings: pd.DataFrame) -> Tenancy:
    """Standard addresses, buildings, rental units and persons.

    Parameters
    ----------
    county : County
        The area being written.
    divisions : Divisions
        The villages the standard addresses name.
    buildings : pandas.DataFrame
        The buildings with their compounds (from ``write_communities``).

    Returns
    -------
    Tenancy
        The rental units and who lives in them, for the gate-access and hazard feeds.
    """
    rng, b = county.rng, buildings
    n = len(b)
    # --- which buildings hold what: rentals cluster in city villages
    residential = np.where(b["is_cv"], rng.random(n) < 0.97, rng.random(n) < 0.8)
    uses = np.where(
        residential,
        rng.choice(["住宅", "商住"], n, p=[0.85, 0.15]),
        rng.choice(["商业", "厂房", "公共", "其他"], n, p=[0.4, 0.35, 0.15, 0.1]),
    )
    weight = np.where(b["is_cv"] & residential, 6.0, np.where(residential, 0.5, 0.0))
    target_units = round(county.scale.persons * 0.4)  # ~1.4 registered tenants each: ~40% of people rent
    units_per = rng.multinomial(target_units, weight / weight.sum())
    # leaf buildings (nobody lives there, no units): the ones defects may be put on
    leaf = (units_per == 0) & ~residential

    # --- standard addresses (CGCS2000, GB18030), plus doorplates with no building yet
    n_orphan = max(10, n // 100)
    orphan = rng.choice(n, n_orphan, replace=False)
    dx, dy = county.jitter_m(n_orphan, 40)
    addr = pd.DataFrame(
        {
            "地址编码": list(b["address_code"]) + [f"{county.code}9{i:09d}" for i in range(n_orphan)],
            "区划代码": county.code,
            "镇街代码": list(b["town_code"]) + list(b["town_code"].to_numpy()[orphan]),
            "社区代码": divisions.village_of(
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
    for pos in county.pick(eligible, 3, taken):
        addr.loc[pos, "街路巷"] = ""
        county.defects.add("标准地址", pos + 2, "missing_required")
    for pos in county.pick(eligible, 3, taken):
        addr.loc[pos, "经度"], addr.loc[pos, "纬度"] = (
            addr.loc[pos, "经度"] + 0.9,
            addr.loc[pos, "纬度"] + 0.4,
        )
        county.defects.add("标准地址", pos + 2, "outside_area")
    write_csv(addr, county.out / "housing" / "standard_addresses.csv")
    county.declare(
        "标准地址",
        "standard_address",
        "housing/standard_addresses.csv",
        "csv",
        "CGCS2000",
        zh_columns("standard_address"),
        encoding="GB18030",
        agency="公安分局(标准地址库)",
    )

    # --- buildings (WGS-84 declared, GB18030); the point is within metres of its doorplate
    jx, jy = county.jitter_m(n, 6)
    bx, by = b["x"].to_numpy() + jx, b["y"].to_numpy() + jy
    bld = pd.DataFrame(
        {
            "房屋编码": b["building_code"],
            "地址编码": b["address_code"],
            "区划代码": county.code,
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
    for pos in county.pick(leaf, 3, taken):
        bld.loc[pos, ["经度", "纬度"]] = [bld.loc[pos, "纬度"], bld.loc[pos, "经度"]]
        county.defects.add("楼栋", pos + 2, "coord_swapped")
    # a GCJ-02 shift (some hundreds of metres) near the border would land outside the area and be
    # quarantined for that instead: mislabel only buildings well inside
    inner = shapely.contains_xy(county.geo.district.buffer(-0.01), bx, by)
    for pos in county.pick(leaf & inner, 3, taken):
        gx, gy = wgs84_to_gcj02(bx[pos], by[pos])
        bld.loc[pos, "经度"], bld.loc[pos, "纬度"] = round(float(gx), 7), round(float(gy), 7)
        county.defects.add("楼栋", pos + 2, "crs_mismatch")
    for pos in county.pick(leaf, 3, taken):
        bld.loc[pos, "经度"] = bld.loc[pos, "经度"] - 0.8
        county.defects.add("楼栋", pos + 2, "outside_area")
    for pos in county.pick(leaf, 3, taken):
        bld.loc[pos, "地址编码"] = ""
        county.defects.add("楼栋", pos + 2, "missing_required")
    bld = county.append_duplicates(bld, county.pick(~leaf, 3, set()), "楼栋")
    write_csv(bld, county.out / "housing" / "buildings.csv")
    county.declare(
        "楼栋",
        "building",
        "housing/buildings.csv",
        "csv",
        "WGS84",
        zh_columns("building"),
        encoding="GB18030",
        agency="住建局",
    )

    # --- rental units (XLSX, landlord IDs as text)
    owner = np.repeat(np.arange(n), units_per)
    m = len(owner)
    counts = np.zeros(n, dtype=int)
    room = []
    for o in owner:
        counts[o] += 1
        room.append(f"{(counts[o] - 1) // 4 + 1}{(counts[o] - 1) % 4 + 1:02d}")
    tenants = rng.choice([0, 1, 1, 1, 2, 2, 3], m)
    l_births = people.birth_dates(rng, m, county.until, 35, 75)
    l_gender = list(rng.choice(["M", "F"], m))
    landlord_ids = people.id_numbers(rng, [county.code] * m, l_births, l_gender, county.id_seq)
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
            "登记日期": [county.until - timedelta(days=int(d)) for d in rng.integers(30, 2000, m)],
        }
    )
    device_buildings, card_units, alone_units = _persons(
        county, units, tenants, owner, b, units_per, residential
    )
    # leaf units: no tenants registered (cards are only issued to units with tenants, see access)
    unit_leaf = (tenants == 0) & ~np.isin(np.arange(m), card_units)
    taken = set()
    for pos in county.pick(unit_leaf, 3, taken):
        units.loc[pos, "房屋编码"] = f"{county.code}99{pos:08d}"
        county.defects.add("出租屋", pos + 2, "unknown_reference")
    for pos in county.pick(unit_leaf, 3, taken):
        units.loc[pos, "房号"] = ""
        county.defects.add("出租屋", pos + 2, "missing_required")
    for pos in county.pick(unit_leaf, 3, taken):
        v = units.loc[pos, "房东身份证号"]
        units.loc[pos, "房东身份证号"] = v[:17] + ("1" if v[17] != "1" else "2")
        county.defects.add("出租屋", pos + 2, "id_check_digit")
    quarantined_units = set(taken)
    planted = county.planted.units if county.planted else []
    units_path = county.write_sheet(
        pd.concat(
            [units, alert_cases.agency_frame("rental_unit", planted, zh_columns("rental_unit"))],
            ignore_index=True,
        ),
        "housing/rental_units.xlsx",
        "出租屋",
        text_columns=("房东身份证号", "房东电话", "出租屋编码", "房屋编码", "房号"),
    )
    county.declare(
        "出租屋",
        "rental_unit",
        units_path,
        "xlsx",
        None,
        zh_columns("rental_unit"),
        agency="来穗人员服务管理局",
    )
    return Tenancy(units, owner, quarantined_units, device_buildings, card_units, alone_units)


def _persons(
    county: County,
    units: pd.DataFrame,
    tenants: np.ndarray,
    owner: np.ndarray,
    b: pd.DataFrame,
    units_per: np.ndarray,
    residential: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, set[str]]:
    """Tenants of rental units (mostly migrants) and residents of other homes (mostly natives).

    Returns the buildings given a gate-access device, the units without registered tenants that
    still get cards, and the units where an elderly person lives alone.
    """
    rng = county.rng
    # which units get gate-access cards: those in buildings with a device (decided here)
    dev_bld = np.flatnonzero((units_per >= 3) & b["is_cv"].to_numpy())
    in_dev = np.isin(owner, dev_bld)
    # keep gate-access volume near the target: at most this many devices
    card_units = np.flatnonzero(in_dev & (tenants == 0))[: max(3, len(dev_bld) // 15)]
    t_unit = np.repeat(np.arange(len(tenants)), tenants)
    n_t = len(t_unit)
    n_other = max(0, county.scale.persons - n_t)
    res_bld = np.flatnonzero(residential & (units_per == 0))
    o_bld = rng.choice(res_bld, n_other) if len(res_bld) else np.zeros(0, int)
    total = n_t + n_other
    migrant = np.concatenate([rng.random(n_t) < 0.72, rng.random(n_other) < 0.05])
    # elderly people living alone: single tenants in gate-access buildings (the alert needs cards)
    single = (tenants[t_unit] == 1) & in_dev[t_unit]
    alone = np.concatenate([single & (rng.random(n_t) < 0.12), rng.random(n_other) < 0.01])
    births = people.birth_dates(rng, total, county.until, 18, 65)
    old = people.birth_dates(rng, total, county.until, 70, 92)
    births = [o if a else y for y, o, a in zip(births, old, alone, strict=True)]
    migrant = migrant & ~alone
    origins = list(people.ORIGINS)
    region = [str(rng.choice(origins)) if mg else county.code for mg in migrant]
    gender = list(rng.choice(["M", "F"], total, p=[0.54, 0.46]))
    ids = people.id_numbers(rng, region, births, gender, county.id_seq)
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
                county.until - timedelta(days=int(d)) if s == "已登记" else None
                for s, d in zip(status, rng.integers(10, 900, total), strict=True)
            ],
            "入住日期": [county.until - timedelta(days=int(d)) for d in rng.integers(20, 3000, total)],
            "是否独居": np.where(alone, "是", "否"),
            "房屋编码": bld_codes,
            "出租屋编码": unit_codes,
            "门禁卡号": None,  # stated only for the planted owner-occupiers (etl/demo/alert_cases.py)
        }
    )
    taken: set[int] = set()
    everyone = np.ones(total, dtype=bool)
    not_alone = ~alone
    mangled: dict[tuple[int, str], float] = {}
    for pos in county.pick(not_alone, 10, taken):
        mangled[(pos, "公民身份号码")] = float(ids[pos].replace("X", "0"))  # typed as a number
        county.defects.add("实有人口", pos + 2, "id_excel_mangled")
    for pos in county.pick(not_alone, 10, taken):
        v = ids[pos]
        persons.loc[pos, "公民身份号码"] = v[:17] + ("3" if v[17] != "3" else "4")
        county.defects.add("实有人口", pos + 2, "id_check_digit")
    for pos in county.pick(not_alone, 5, taken):
        persons.loc[pos, "姓名"] = ""
        county.defects.add("实有人口", pos + 2, "missing_required")
    for pos in county.pick(not_alone & pd.notna(unit_codes), 3, taken):
        persons.loc[pos, "出租屋编码"] = str(unit_codes[pos])[:-3] + "999"
        county.defects.add("实有人口", pos + 2, "unknown_reference")
    xs = [int(i) for i in np.flatnonzero(everyone) if ids[i].endswith("X") and int(i) not in taken]
    xs = xs[:: max(1, len(xs) // 30)][:30]  # a clerk typed a lowercase x now and then
    for pos in xs:
        persons.loc[pos, "公民身份号码"] = ids[pos][:-1] + "x"
    county.defects.repaired("实有人口", len(xs))
    persons = county.append_duplicates(persons, county.pick(everyone, 5, set(taken)), "实有人口")
    # alert cases of known truth, each in a building without a reader of the county's own, drawn
    # from a stream of their own so the county's files stay as they were; appended after every
    # defect so the defects keep their lines
    planter = alert_cases.Planter(
        county.rng.spawn(1)[0], county.end, county.code, history_days=min(27, county.scale.access_days - 1)
    )
    spare = ~np.isin(np.arange(len(b)), dev_bld) & (units_per > 0)
    alert_cases.plan_access(
        planter,
        alert_cases.demo_buildings(b["building_code"], spare, planter.rng, alert_cases.PLANTED_BUILDINGS),
    )
    county.planted = planter
    persons = pd.concat(
        [persons, alert_cases.agency_frame("person", planter.persons, zh_columns("person"))],
        ignore_index=True,
    )
    persons_path = county.write_sheet(
        persons,
        "population/persons.xlsx",
        "实有人口",
        text_columns=("公民身份号码", "联系电话", "房屋编码", "出租屋编码", "居住证号", "门禁卡号"),
        numeric_cells=mangled,
    )
    county.declare(
        "实有人口",
        "person",
        persons_path,
        "xlsx",
        None,
        zh_columns("person"),
        agency="公安分局(人口)",
    )
    alone_units = {u for u, a in zip(unit_codes, alone, strict=True) if a and u is not None}
    return dev_bld, card_units, alone_units
