"""A building's facts on its page: what it is (floors, use, households), how many live and rent in it
(counts only) and its gate access per day of the page's period (passages and cards counted, never
whose); every figure read within the viewer's scope."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from dash import html

from common.codebook import label
from dashboard.context import AppContext
from dashboard.periods import Period
from dashboard.queries import elements
from dashboard.ui import table

WEEKDAYS = "一二三四五六日"


def facts(c: AppContext, b: dict[str, Any], period: Period) -> list[Any]:
    """The facts (id ``building-facts``) and the gate access table (``building-access``) of a
    building as :func:`dashboard.queries.elements.building` returns it."""
    scope, code = c.scope(), b["building_code"]
    people = elements.building_people(c.url, scope, code)
    units = b["units"]
    tenants = sum(u["registered_tenants"] or 0 for u in units)
    pairs = [
        ("层数", b["floors"]),
        ("用途", label("building_use", b["building_use"]) if b["building_use"] else None),
        ("户数", b["households"]),
        ("出租屋", f"{len(units)} 套"),
        ("登记租客", f"{tenants} 人"),
        ("实有人口", f"{people['residents']} 人"),
        ("其中流动人口", f"{people['migrants']} 人"),
        ("居住在出租屋", f"{people['in_units']} 人"),
    ]
    days = {r["day"]: r for r in elements.building_access(c.url, scope, code, period)}
    last = min(period.end, c.now()).date()
    rows = []
    day = period.start.date()
    while day < period.end.date() and day <= last:
        r = days.get(day, {})
        rows.append(
            {
                "day": f"{day:%m-%d} 周{WEEKDAYS[day.weekday()]}",
                "events": r.get("events", 0),
                "cards": r.get("cards", 0),
                "devices": r.get("devices", 0),
            }
        )
        day += timedelta(days=1)
    total = sum(r["events"] for r in rows)
    return [
        html.Dl(
            [part for k, v in pairs for part in (html.Dt(k), html.Dd("—" if v is None else str(v)))],
            className="building-facts",
            id="building-facts",
        ),
        html.H3(f"门禁通行（{period.label_zh()}，共 {total} 次；只计次数，不显示人员）"),
        table(
            rows,
            [("day", "日期"), ("events", "通行次数"), ("cards", "不同卡数"), ("devices", "有记录的门禁")],
            "building-access",
            empty="本期无门禁记录",
        ),
    ]
