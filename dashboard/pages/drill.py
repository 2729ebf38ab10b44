"""Drill-down pages: ``/station/<code>``, ``/zone/<code>``, ``/grid/<code>`` and, on the governance
side, ``/town/<code>``, ``/village/<code>`` (each for the period its URL names, which its links to
other areas carry on; what a town or village adds: :mod:`dashboard.governance`) and
``/building/<code>``.

An area page is cached in parts: its body without what a verdict or a supervision step changes
(:func:`dashboard.area_body.kept_body`, once per load and period), and the parts that show
them, each keyed by the count of what it shows (:mod:`dashboard.queries.judged`): the buildings'
table (and a grid's alert list) by the area's verdicts, the open items' table and the 督办 list by
its supervision steps and overdue supervisions. So a verdict computes again its buildings' table
only, and shows at the next request for the page."""

from __future__ import annotations

from typing import Any

from dash import html

from common.codebook import label
from dashboard import building_facts, governance
from dashboard.alertpanel import frozen_section, section
from dashboard.area_body import (
    ALERT_SLOT,
    BUILDINGS_SLOT,
    ITEMS_SLOT,
    SUPERVISION_SLOT,
    item_href,
    kept_body,
    trail,
)
from dashboard.context import AppContext
from dashboard.pagejson import freeze
from dashboard.periodbar import bar, carried
from dashboard.periods import Period
from dashboard.queries import areas, elements, judged
from dashboard.queries import supervision as supervisions
from dashboard.queries.areas import GOVERNANCE, Area
from dashboard.supervision import badge, supervision_list
from dashboard.ui import CARRIED, breadcrumb, heading, nav, table

__all__ = ["area_page", "building_page", "trail"]


def area_page(c: AppContext, period: Period, level: str, code: str) -> html.Div | None:
    """A station, zone or grid page for ``period`` (its body cached per viewer scope, area and
    period; the top bar, which names the viewer, built for each request); None when the area does
    not exist or is out of the viewer's scope."""
    # keyed by this area's verdicts and supervision steps too (its buildings' open alerts, its items'
    # supervisions), not another's; kept as JSON, not encoded again when warm (dashboard/pagejson.py)
    key = ("area-page", level, code, period, *(stamp := judged.area_stamp(c.url, level, code)))
    body = c.cached(key, lambda: _area_body(c, period, level, code))
    if body is None:
        return None
    if level == "grid":  # its alerts and verdict form as they are now, cached by the count of its
        # verdicts (a busy grid's list was most of a warm page's time); the shared body is copied
        alerts = c.cached(("alert-section", level, code, stamp[0]), lambda: frozen_section(c, level, code))
        parts = [alerts if getattr(p, "id", None) == ALERT_SLOT else p for p in body.children]
        body = html.Div(parts, className="page")
    return html.Div([nav(""), bar(c, period), body])


def _area_body(c: AppContext, week: Period, level: str, code: str) -> html.Div | None:
    """The area's body as its verdicts and supervisions stand now: the kept body (computed once per
    load and period, whatever they are) with its slots filled by the parts that show them."""
    kept = c.cached(("area-body", level, code, week), lambda: kept_body(c, week, level, code))
    if kept is None:
        return None
    body, items, blds = kept
    # read after the stamp the page is keyed by: each part is as new as that one or newer
    verdicts, steps, overdue = judged.area_stamp(c.url, level, code)
    filled = {
        ITEMS_SLOT: c.cached(
            ("area-items", level, code, week, steps, overdue), lambda: _items(c, week, items)
        ),
        BUILDINGS_SLOT: c.cached(
            ("area-buildings", level, code, week, verdicts), lambda: _buildings(c, week, blds)
        ),
    }
    if level in ("station", "grid", *GOVERNANCE):
        filled[SUPERVISION_SLOT] = c.cached(
            ("area-supervisions", level, code, week, steps, overdue),
            lambda: _supervisions(c, week, level, code),
        )
    children: list[Any] = []
    for part in body.children:
        children.extend(filled.get(str(getattr(part, "id", "")), [part]))
    return freeze(html.Div(children, className="page"))


def _frozen(parts: list[Any]) -> list[Any]:
    """``parts`` with their JSON kept (:func:`dashboard.pagejson.freeze`), to be cached."""
    return list(freeze(html.Div(parts)).children)


def _supervisions(c: AppContext, week: Period, level: str, code: str) -> list[Any]:
    """The area's 督办 list as it stands now (a town's or village's: its grids')."""
    if level in GOVERNANCE:
        return _frozen(governance.supervisions(c, level, code, week))
    return _frozen([supervision_list(c, level, code, week)])


def _items(c: AppContext, week: Period, kept: list[dict[str, Any]]) -> list[Any]:
    """The open items' heading and table, each with its 督办 badge as it stands now."""
    q = carried(c, week)
    supervised = supervisions.of_items(c.url, c.scope(), [it["item_no"] for it in kept if it["card"]])
    items = [{**it, "supervised": badge(supervised.get(it["item_no"]))} for it in kept]
    return _frozen(
        [
            html.H3(f"在办事项（{label('card', 'red')}、{label('card', 'yellow')}在前）"),
            table(
                items,
                [
                    ("item_no", "编号"),
                    ("item_kind", "类型", "item_kind"),
                    ("what", "事项"),
                    ("since", "登记/发现"),
                    ("due_at", "办结时限"),
                    ("card", "督办", "card"),
                    ("status_zh", "状态"),
                    ("grid", "网格"),
                    ("supervised", "督办状态"),
                ],
                "drill-open-items",
                # an item with a card opens its own page (督办), any other its grid's page
                links={
                    "item_no": lambda r: f"/item/{r['item_no']}{q}" if r["card"] else item_href(r, q),
                    "grid": lambda r: f"/grid/{r['grid_code']}{q}" if r["grid_code"] else None,
                },
            ),
        ]
    )


def _buildings(c: AppContext, week: Period, kept: list[dict[str, Any]]) -> list[Any]:
    """The buildings' heading and table (most rental units first), each with its open alerts now
    (the rest of each row is the kept body's: counting 50 buildings' alerts is about 1 ms of the 33 ms
    the whole statement takes for the county's biggest station)."""
    q = carried(c, week)
    alerts = elements.open_alerts_of(c.url, [b["building_code"] for b in kept])
    blds = [{**b, "alerts": alerts.get(b["building_code"], 0)} for b in kept]
    return _frozen(
        [
            html.H3("楼栋（出租屋多者在前）"),
            table(
                blds,
                [
                    ("building_code", "楼栋编码"),
                    ("address", "地址"),
                    ("floors", "层数"),
                    ("units", "出租屋"),
                    ("residents", "实有人口"),
                    ("migrants", "流动人口"),
                    ("alerts", "预警"),
                ],
                "drill-buildings",
                link=lambda r: f"/building/{r['building_code']}{q}",
            ),
        ]
    )


def building_page(c: AppContext, code: str) -> html.Div | None:
    """A building's rental units, occupants (masked; the look is audited) and alerts; None when it
    does not exist or is out of the viewer's scope."""
    b = elements.building(c.url, c.scope(), code)
    if b is None:
        return None
    info = {"name": b["address"] or code, "station_code": b["station_code"], "zone_code": b["zone_code"]}
    grid = areas.area_name(c.url, c.scope(), Area("grid", b["grid_code"])) if b["grid_code"] else None
    q = CARRIED.get()  # the period of the page it was opened from, carried on to the areas above
    crumbs = trail(c, Area("grid", b["grid_code"]), {**info, "name": grid["name"]}, q) if grid else []
    crumbs = [*crumbs[:-1], (crumbs[-1][0], f"/grid/{b['grid_code']}{q}")] if crumbs else [("全域", f"/{q}")]
    crumbs.append((f"楼栋 {b['address'] or code}", None))
    for o in b["occupants"]:
        o["migrant"] = "流动" if o["is_migrant"] else "户籍"
    # a list of people is a look at personal data: it leaves a trace of who was seen (person keys)
    seen = [o.pop("person_id") for o in b["occupants"]]
    c.audit("view_persons", {"building": code, "persons": seen}, len(seen))
    return html.Div(
        [
            nav(""),
            html.Div(
                [
                    breadcrumb(crumbs, "drill-breadcrumb"),
                    heading(b["address"] or code, code),
                    html.P("个人信息已脱敏显示。", className="subtitle"),
                    *building_facts.facts(c, dict(b), c.period(q or None)),
                    html.H3(f"出租屋（{len(b['units'])}）"),
                    table(
                        b["units"],
                        [
                            ("unit_code", "房屋编码"),
                            ("room_no", "房号"),
                            ("landlord_name", "房东"),
                            ("landlord_phone", "房东电话"),
                            ("registered_tenants", "登记租客"),
                            ("rent_kind", "出租类型", "rent_kind"),
                        ],
                        "drill-units",
                    ),
                    html.H3(f"实有人口（{len(b['occupants'])}）"),
                    table(
                        b["occupants"],
                        [
                            ("name", "姓名"),
                            ("id_number", "身份证号"),
                            ("phone", "手机"),
                            ("gender", "性别", "gender"),
                            ("migrant", "类别"),
                            ("residence_status", "居住登记", "residence_status"),
                            ("unit_code", "房屋"),
                        ],
                        "drill-occupants",
                    ),
                    html.Div(section(c, "building", code), id="drill-building-alerts"),
                ],
                className="page",
            ),
        ]
    )
