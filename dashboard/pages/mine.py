"""The grid worker's page ``/mine`` (我的网格), made for a phone in the street first.

Their grid on a map (outline, buildings, alerts), then what needs them: open items with red and
yellow cards first, then alerts, then the buildings, each a row a thumb can tap (44 px and more).
Tapping a building, on the map or in the list, opens its page (masked occupants and rental units).
Everything is read within the viewer's scope; ids start with ``mine-``.
"""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl
from dash import Dash, Input, Output, dcc, html, no_update

from common.codebook import ITEM_STATUS, label
from dashboard import bounds
from dashboard.context import AppContext
from dashboard.map import framing, layers, overlays, staticbase
from dashboard.map.layers import POINT_FN, STYLE_FN
from dashboard.names import area_names
from dashboard.periods import Period, Week
from dashboard.queries import areas, elements, judged, verdicts
from dashboard.queries.areas import Area
from dashboard.ui import carry, named, nav, when

GRID_STYLE = {"color": "#2da44e", "weight": 3, "fillOpacity": 0.08, "className": "ol-grid"}
BUILDING_COLOUR = "#57606a"
ALERT_COLOUR = "#cf222e"
PHONE_WIDTH_PX = 360  # the map is framed for the narrowest phone
# the widest phone held upright (430 px, its map 42% of 932 px high) sees this much of the basemap
VIEW_PX, VIEW_HEIGHT_PX = 480, 400


def layout(c: AppContext) -> html.Div:
    """The page for the current viewer (a grid worker: their grids are their scope)."""
    scope = c.scope()
    # a to-do list: what is open now, so the running week (counted to now), not a period picked
    running = Period(Week.containing(c.now()))

    def data() -> dict[str, Any]:
        items = elements.open_items(c.url, scope, Area(), running, limit=100)  # open now
        names = area_names(c)["grid"]
        for it in items:
            it["grid"] = named(names, it["grid_code"])
            it["card_zh"] = label("card", it["card"]) if it["card"] else ""
            it["status_zh"] = label(ITEM_STATUS[it["item_kind"]], it["status"])
            it["item_kind_zh"] = label("item_kind", it["item_kind"])
        alerts = elements.area_alerts(c.url, scope, Area(), limit=100)
        for a in alerts:
            a["kind_zh"] = label("alert_kind", a["alert_kind"])
            a["state_zh"] = label("alert_state", a["state"])
        return {
            "items": items,
            "alerts": alerts,
            "buildings": elements.buildings(c.url, scope, Area(), limit=300),
            "outline": layers.area_layer(c.url, scope, "grid", 16, c.settings.basemap_crs),
            "points": layers.point_layer(c.url, scope, "buildings", 18, None, c.settings.basemap_crs),
            "alert_points": layers.point_layer(c.url, scope, "alerts", 18, None, c.settings.basemap_crs),
        }

    # alerts show their latest state: keyed by the verdicts in the worker's grids
    d = c.cached(("mine", running, judged.scope_stamp(c.url, scope)[0]), data)
    names = "、".join(f["properties"]["label"] for f in d["outline"]["features"]) or "—"
    ext = grids_extent(c)
    zoom = framing.fit_zoom(ext, PHONE_WIDTH_PX)
    # streets, water and names under the grid, so a worker in the street finds the building (the
    # addresses of its files: no query)
    base = staticbase.data(c, zoom, ext, VIEW_PX, VIEW_HEIGHT_PX)
    return page(c, names, ext, {**d, "base": base})


def grids_extent(c: AppContext) -> framing.Extent:
    """The extent of the viewer's own grids (the whole scope's when none has a shape)."""
    scope = c.scope()

    def extent(grid: str) -> framing.Extent | None:
        return c.cached(("grid-extent", grid), lambda: areas.bounds(c.url, scope, Area("grid", grid)))

    found = [extent(g) for g in sorted(c.user().grids)[:50]]
    shapes = [e for e in found if e is not None]
    if not shapes:
        return framing.area_extent(c)
    return (
        min(e[0] for e in shapes),
        min(e[1] for e in shapes),
        max(e[2] for e in shapes),
        max(e[3] for e in shapes),
    )


def skeleton(c: AppContext) -> html.Div:
    """The page's components without data (no query): its part of the app's validation layout."""
    empty = layers.empty()
    data = {"items": [], "alerts": [], "buildings": [], "outline": empty, "points": empty}
    return page(c, "", framing.FALLBACK_EXTENT, {**data, "alert_points": empty, "base": staticbase.blank(c)})


def page(c: AppContext, names: str, ext: framing.Extent, d: dict[str, Any]) -> html.Div:
    """The page from its data: grid names, extent, items, alerts, buildings, map layers and basemap."""
    items, alerts = d["items"], d["alerts"]
    reds = sum(1 for it in items if it["card"] == "red")
    yellows = sum(1 for it in items if it["card"] == "yellow")
    the_map = dl.Map(
        [
            *overlays.panes(),  # the basemap's panes lie under the grid and the dots (overlayPane)
            *staticbase.drawn(c, d["base"], "mine-map"),
            layers.geojson(data=d["outline"], style=STYLE_FN, hideout={"base": GRID_STYLE}, id="mine-grid"),
            layers.geojson(
                data=_tappable(d["points"]),
                pointToLayer=POINT_FN,
                hideout={"colour": BUILDING_COLOUR, "radius": 8},
                id="mine-buildings",
            ),
            layers.geojson(
                data=_tappable(d["alert_points"]),
                pointToLayer=POINT_FN,
                hideout={"colour": ALERT_COLOUR, "radius": 7},
                id="mine-alerts",
                interactive=False,
            ),
        ],
        id="mine-map",
        center=framing.centre(ext),
        zoom=framing.fit_zoom(ext, PHONE_WIDTH_PX),
        bounds=framing.corners(ext),
        style={"height": "100%", "width": "100%"},
        attributionControl=False,
        maxZoom=19,
    )
    return html.Div(
        [
            nav("/mine"),
            html.Div(
                [
                    html.H2(f"我的网格 · {names}", id="mine-title"),
                    html.Div(
                        [
                            html.Span(f"{label('card', 'red')} {reds}", className="mine-chip red"),
                            html.Span(f"{label('card', 'yellow')} {yellows}", className="mine-chip yellow"),
                            html.Span(
                                f"预警 {sum(1 for a in alerts if a['state'] in verdicts.OPEN)}",
                                className="mine-chip alert",
                            ),
                            html.Span(f"在办 {len(items)}", className="mine-chip"),
                        ],
                        className="mine-chips",
                        id="mine-counts",
                    ),
                    html.Div(the_map, className="mine-map"),
                    html.P("点击地图上的楼栋或下方列表查看住户与出租屋。", className="subtitle"),
                    html.H3(f"在办事项（{label('card', 'red')}、{label('card', 'yellow')}在前）"),
                    html.Div(
                        [_item(it) for it in items] or html.Div("无", className="empty"), id="mine-items"
                    ),
                    html.H3("预警"),
                    html.Div(
                        [_alert(a) for a in alerts] or html.Div("无", className="empty"),
                        id="mine-alerts-list",
                    ),
                    html.H3(f"楼栋（{len(d['buildings'])}）"),
                    html.Div(
                        [_building(b) for b in d["buildings"]] or _none(),
                        id="mine-building-list",
                    ),
                ],
                className="page mine",
            ),
        ]
    )


def _tappable(fc: dict[str, Any]) -> dict[str, Any]:
    """Point features keeping only their code (what a tap sends back) and their tooltip."""
    return {
        "type": "FeatureCollection",
        "features": [
            {**f, "properties": {"code": f["properties"]["code"], "tooltip": f["properties"].get("label")}}
            for f in fc.get("features", [])
        ],
    }


def _item(it: dict[str, Any]) -> html.Details:
    """One open item: a row to tap (its card, kind and what), opening to its dates and status."""
    card = it["card"] or "none"
    head = [
        html.Span(it["card_zh"], className=f"mine-card {card}") if it["card_zh"] else None,
        html.Span(f"{it['item_kind_zh']} · {it['what'] or ''}", className="mine-what"),
    ]
    facts = [
        ("编号", it["item_no"]),
        ("状态", it["status_zh"]),
        ("登记/发现", when(it["since"])),
        ("办结时限", when(it["due_at"]) or "—"),
        ("网格", it["grid"]),
    ]
    return html.Details(
        [
            html.Summary([h for h in head if h is not None], className="mine-row"),
            html.Dl(
                [part for k, v in facts for part in (html.Dt(k), html.Dd(v or "—"))], className="mine-facts"
            ),
        ],
        className=f"mine-item card-{card}",
    )


def _none() -> html.Div:
    return html.Div("无", className="empty")


def _alert(a: dict[str, Any]) -> html.Div | dcc.Link:
    """One alert: its kind, reason and time, and its building when it has one."""
    text = [
        html.B(a["kind_zh"]),
        html.Span(f" {a['state_zh']}", className=f"mine-alert-state {a['state']}"),
        html.Span(f" {a['reason'] or ''}"),
        html.Small(f" {when(a['detected_at'])}"),
    ]
    if a["building_code"]:
        return dcc.Link(text, href=carry(f"/building/{a['building_code']}"), className="mine-row mine-alert")
    return html.Div(text, className="mine-row mine-alert")


def _building(b: dict[str, Any]) -> dcc.Link:
    """One building as a row linking to its page: address, rental units, residents, alerts."""
    extra = f"出租屋 {b['units']} · 人口 {b['residents']}" + (f" · 预警 {b['alerts']}" if b["alerts"] else "")
    return dcc.Link(
        [html.Span(b["address"] or b["building_code"], className="mine-what"), html.Small(extra)],
        href=carry(f"/building/{b['building_code']}"),
        className="mine-row mine-building",
    )


def register(app: Dash, c: AppContext) -> None:
    """A tap on a building of the map opens its page (looked up again there, within the scope)."""

    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Input("mine-buildings", "clickData"),
        prevent_initial_call=True,
    )
    def _open_building(feature):
        code = bounds.feature_code(feature or None)
        return f"/building/{code}" if code else no_update
