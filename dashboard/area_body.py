"""The part of an area page (:mod:`dashboard.pages.drill`) that no verdict or supervision step
changes: everything but its open items' table (their 督办 badges), its 督办 list and its buildings'
table (their open alerts), cached per load and period, whatever the area's verdicts and steps. Those
three go where the body holds an empty ``Div`` (:data:`SLOTS`), filled by the drill page as they
are now."""

from __future__ import annotations

from typing import Any

from dash import dcc, html

from common.codebook import ITEM_STATUS, label
from dashboard import governance
from dashboard.area_figures import kpi_cards, trend_figure
from dashboard.context import AppContext
from dashboard.hotspots import area_line
from dashboard.map.areamap import area_map
from dashboard.names import area_names
from dashboard.pagejson import freeze
from dashboard.periodbar import carried, search_of
from dashboard.periods import Period, term
from dashboard.queries import areas, breakdowns, elements, indicators
from dashboard.queries.areas import GOVERNANCE, Area
from dashboard.ui import ELSEWHERE, LONG_LIST, breadcrumb, heading, named, pct, signed_pct, table

CLEARED = label("hazard_status", "cleared")
ALERT_SLOT = "drill-alert-slot"  # a grid's alerts and verdict form
ITEMS_SLOT = "drill-items-slot"  # the open items' table (their 督办 badges)
SUPERVISION_SLOT = "drill-supervision-slot"  # the 督办 list (station, grid, town, village)
BUILDINGS_SLOT = "drill-buildings-slot"  # the buildings' table (their open alerts)
SLOTS = (ALERT_SLOT, ITEMS_SLOT, SUPERVISION_SLOT, BUILDINGS_SLOT)
# the body (its children frozen), the open items it lists (without their 督办 badges) and the
# buildings (their open alerts as they stood when it was computed)
Kept = tuple[html.Div, list[dict[str, Any]], list[dict[str, Any]]]


def trail(c: AppContext, area: Area, info: dict[str, Any], q: str = "") -> list[tuple[str, str | None]]:
    """全域 › 派出所 › 警务区 › 网格 (a grid's police zone is the one holding most of it), or for a
    town or village 全域 › 镇街 › 村社区; each link with the query ``q`` (the period)."""
    if area.level in GOVERNANCE:
        return governance.trail(c, info, q, f"{label('area_level', area.level)} {info['name']}")
    scope = c.scope()
    out: list[tuple[str, str | None]] = [("全域", f"/{q}")]
    station = info.get("station_code")
    if area.level in ("zone", "grid") and station:
        s = areas.area_name(c.url, scope, Area("station", station))
        if s:
            out.append((s["name"], f"/station/{station}{q}"))
    if area.level == "grid" and info.get("zone_code"):
        z = areas.area_name(c.url, scope, Area("zone", info["zone_code"]))
        if z:
            out.append((z["name"], f"/zone/{info['zone_code']}{q}"))
    out.append((f"{label('area_level', area.level)} {info['name']}", None))
    return out


def kept_body(c: AppContext, week: Period, level: str, code: str) -> Kept | None:
    """A station, zone, grid, town or village page's body for ``week`` with what does not change
    with a verdict or a supervision step (cached per load and period, not per stamp), its frozen
    children holding an empty ``Div`` at each of :data:`SLOTS`; with its open items (no 督办 badge
    yet); None when the area does not exist or is out of the viewer's scope."""
    scope = c.scope()
    area = areas.with_grids(c.url, scope, Area(level, code))
    info = areas.area_name(c.url, scope, area)
    if info is None:
        return None
    q = carried(c, week)  # links to other pages; the downloads name their week whatever it is
    k = indicators.kpis(c.url, scope, area, week)
    trend = indicators.weekly_trend(c.url, scope, area, week)
    items = elements.open_items(c.url, scope, area, week)
    blds = elements.buildings(c.url, scope, area, limit=50)
    names = area_names(c)
    for it in items:
        it["grid"] = named(names["grid"], it["grid_code"])
        # "open" is a different word for a dispute and a hazard: each kind's status in its own enum
        it["status_zh"] = label(ITEM_STATUS[it["item_kind"]], it["status"])
    classes = breakdowns.events_by_class(c.url, scope, area, week)
    for r in classes:
        r["on_time"] = pct(r["on_time_rate"])
    children: list[Any] = []
    if level == "station":
        zones = areas.child_areas(c.url, scope, "zone", code)
        grids = areas.child_areas(c.url, scope, "grid", code)
        children = [
            html.H3("警务区"),
            table(
                zones,
                [("code", "编码"), ("name", "名称")],
                "drill-zones",
                link=lambda r: f"/zone/{r['code']}{q}",
            ),
            html.H3("网格"),
            table(
                grids,
                [("code", "编码"), ("name", "名称")],
                "drill-grids",
                link=lambda r: f"/grid/{r['code']}{q}",
                limit=LONG_LIST,
                rest="（按编码）" + ELSEWHERE + "；全部网格见本所周报的表格（XLSX）",
            ),
        ]
    elif level in GOVERNANCE:
        children = governance.children(c, area, week, q)
    elif level == "zone":
        grids = areas.zone_grids(c.url, scope, code)
        for r in grids:
            r["share_pct"] = pct(r["share"])
        children = [
            html.H3("所含网格（按面积份额）"),
            table(
                grids,
                [("grid_code", "网格编码"), ("name", "名称"), ("share_pct", "份额")],
                "drill-grids",
                link=lambda r: f"/grid/{r['grid_code']}{q}",
                limit=LONG_LIST,
                rest="（按面积份额）" + ELSEWHERE,
            ),
        ]
    by = breakdowns.hazards_by_all(c.url, scope, area, week)
    hazards, batches, depts = by["category_zh"], by["hint_batch"], by["responsible_dept"]
    cams = breakdowns.cameras_by_ring(c.url, scope, area)
    yoy = breakdowns.incidents_yoy_by_category(c.url, scope, area, week)
    for r in yoy:
        r["wow"] = signed_pct(indicators.change(r["week"], r["prev"]))
        r["yoy"] = signed_pct(indicators.change(r["week"], r["last_year"])) if k["has_last_year"] else "—"
    zero = elements.zero_incident_communities(c.url, scope, area, week.shift(-3).start, week.end)
    stations_scored = []
    if level == "station":
        scores = indicators.station_scores(c.url, scope, week, c.settings.score_weights())
        # the rank among all stations, whichever of them this viewer sees
        stations_scored = [
            {
                **r,
                "rank_of": f"{r['rank']} / {r['ranked']}",
                "base": pct(r["base_work"]),
                "control": pct(r["incident_control"]),
                "daily": pct(r["daily_management"]),
            }
            for r in scores
            if r["station_code"] == code
        ]
    works = elements.workstations(c.url, scope, area)
    body = html.Div(
        [
            breadcrumb(trail(c, area, info, q), "drill-breadcrumb"),
            # a grid is in both hierarchies: its town and village too
            *(
                [breadcrumb(governance.trail(c, info, q, f"网格 {info['name']}"), "drill-breadcrumb-gov")]
                if level == "grid"
                else []
            ),
            heading(info["name"], code),
            html.Div(week.label_zh(), className="subtitle", id="drill-period"),
            *area_line(c, week, level, code),
            *(
                [
                    html.Div(
                        [
                            html.Span("本页时段的周报："),
                            html.A(
                                "PDF",
                                href=f"/download/weekly/{code}.pdf{search_of(week)}",
                                id="drill-download-pdf",
                                className="download",
                            ),
                            html.Span(" · "),
                            html.A(
                                "XLSX",
                                href=f"/download/weekly/{code}.xlsx{search_of(week)}",
                                id="drill-download-xlsx",
                                className="download",
                            ),
                        ],
                        className="downloads",
                    )
                ]
                if level == "station"
                else []
            ),
            kpi_cards(k),
            html.H3("区域地图（轮廓、下级区域、本期警情热力、在办事项）"),
            area_map(c, level, code, week) or html.Div("该区域无边界数据", className="empty", id="area-map"),
            *([html.Div(id=ALERT_SLOT)] if level == "grid" else []),
            *([html.Div(id=SUPERVISION_SLOT)] if level in GOVERNANCE else []),
            *(
                [
                    html.H3("派出所考核"),
                    table(
                        stations_scored,
                        [
                            ("score", "得分"),
                            ("rank_of", "排名"),
                            ("base", "基础工作"),
                            ("control", "警情控制"),
                            ("daily", "日常管理"),
                        ],
                        "drill-station-score",
                    ),
                ]
                if level == "station"
                else []
            ),
            dcc.Graph(figure=trend_figure(trend), id="drill-trend", config={"displayModeBar": False}),
            html.H3(f"警情分类（{term('wow')}、{term('yoy')}）"),
            table(
                yoy,
                [
                    ("category_zh", "类别"),
                    ("week", term("current")),
                    ("prev", term("previous")),
                    ("wow", term("wow")),
                    ("last_year", term("last_year")),
                    ("yoy", term("yoy")),
                ],
                "drill-incidents-by-category",
            ),
            html.Div(id=ITEMS_SLOT),
            *([html.Div(id=SUPERVISION_SLOT)] if level in ("station", "grid") else []),
            html.H3("网格事件（分类）"),
            table(
                classes,
                [
                    ("event_class", "类别", "event_class"),
                    ("n", "件数"),
                    ("on_time", "按时办结率"),
                    ("yellow", label("card", "yellow")),
                    ("red", label("card", "red")),
                ],
                "drill-event-classes",
            ),
            html.H3("风险隐患（按类别）"),
            table(
                hazards,
                [("label", "类别"), ("found", "发现"), ("open", "未销号"), ("cleared", CLEARED)],
                "drill-hazard-categories",
            ),
            html.H3("风险隐患（按提示函批次）"),
            table(
                batches,
                [("label", "批次"), ("found", "发现"), ("open", "未销号"), ("cleared", CLEARED)],
                "drill-hazard-batches",
            ),
            html.H3("风险隐患（按责任部门）"),
            table(
                depts,
                [("label", "责任部门"), ("found", "发现"), ("open", "未销号"), ("cleared", CLEARED)],
                "drill-hazard-departments",
            ),
            html.H3(f"近四周零发案小区（{len(zero)}）"),
            table(
                zero,
                [("community_code", "小区编码"), ("name", "名称"), ("kind", "类型", "community_kind")],
                "drill-zero-incident-communities",
            ),
            html.H3("警网融合工作站"),
            table(
                works,
                [
                    ("name", "名称"),
                    ("theme", "主题"),
                    ("staff_police", "民警"),
                    ("staff_grid", "网格员"),
                    ("staff_other", "其他"),
                ],
                "drill-workstations",
            ),
            html.H3("视频监控（按圈层）"),
            table(
                cams,
                [
                    ("ring", "圈层", "ring"),
                    ("camera_kind", "类型", "camera_kind"),
                    ("n", "数量"),
                    ("online", "在线"),
                ],
                "drill-cameras",
            ),
            *children,
            html.Div(id=BUILDINGS_SLOT),
        ],
        className="page",
    )
    return freeze(body), items, blds


def item_href(item: dict[str, Any], q: str) -> str | None:
    """An open item's link: its grid's page (its alerts and open items), on the page's period."""
    return f"/grid/{item['grid_code']}{q}" if item["grid_code"] else None
