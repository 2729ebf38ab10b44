"""The wall's playlist: the views it shows in turn (whole area, each station, red cards, hot spots),
each for its own dwell time (``ONEMAP_WALL_PLAYLIST``), and what the map and the panel show in each.

Every view comes from the viewer's scope: a station chief's wall never flies to another station.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import shapely
import shapely.geometry
from dash import dcc, html

from common.codebook import label
from dashboard import bounds
from dashboard.context import AppContext
from dashboard.headlines import FIGURES as F
from dashboard.hotspots import rising
from dashboard.map import framing, layers
from dashboard.names import area_names
from dashboard.periodbar import carried
from dashboard.periods import Period
from dashboard.queries import areas, elements, indicators
from dashboard.queries.areas import Area
from dashboard.ui import changes

FOCUS = {
    "red_cards": {"color": "#ff4d4f", "weight": 3, "fillColor": "#ff4d4f", "fillOpacity": 0.35},
    "hot_spots": {"color": "#f0883e", "weight": 3, "fillColor": "#f0883e", "fillOpacity": 0.35},
}
MARGIN = 0.2  # of the lit grids' extent, on each side
PANEL_ITEMS = 5  # lines a red-card or hot-spot panel lists
RISING_LINES = 4  # new and intensifying hot spots the wall lists (its right column holds no more)


@dataclass(frozen=True)
class View:
    """One entry of the playlist: a kind, the station it is about (for ``station``), its dwell."""

    kind: str
    station: str | None
    seconds: int


def headline(c: AppContext, period: Period) -> indicators.Kpis:
    """The whole-area figures of ``period`` (cached per scope and period)."""
    scope = c.scope()
    return c.cached(("wall-kpis", scope, period), lambda: indicators.kpis(c.url, scope, Area(), period))


def stations(c: AppContext) -> list[areas.Station]:
    return c.cached(("stations", c.scope()), lambda: areas.stations(c.url, c.scope()))


def red_cards(c: AppContext, period: Period) -> list[elements.RedCard]:
    scope = c.scope()
    return c.cached(("reds", scope, period), lambda: elements.red_cards(c.url, scope, period, limit=8))


def hot_grids(c: AppContext, period: Period) -> list[indicators.GridRank]:
    scope = c.scope()
    return c.cached(
        ("grid-rank", scope, period), lambda: indicators.grid_ranking(c.url, scope, period, limit=8)
    )


def rising_list(c: AppContext, period: Period) -> list[Any]:
    """The wall's list of the top new and intensifying hot spots (grids) of the analysis, each
    opening its grid's page on the wall's period; what the analysis stands at says its heading."""
    s, found = rising(c, period, RISING_LINES)
    names, q = area_names(c)["grid"], carried(c, period)
    if s.through is None:
        empty = "尚无研判结果"
    elif s.before:
        empty = f"演变类别计算至{s.through_label()}，早于所选时段"
    else:
        empty = "无"
    items = [
        html.Li(
            [
                dcc.Link(
                    names.get(r["grid_code"], r["grid_code"]),
                    href=f"/grid/{r['grid_code']}{q}",
                    className="w-link",
                ),
                html.Span(label("hotspot_class", r["hotspot_class"]), className="w-num"),
            ]
        )
        for r in found
    ]
    heading = f"新增与增强热点（截至{s.through_label()}）" if s.through and not s.before else "新增与增强热点"
    return [html.H3(heading), html.Ul(items or [html.Li(empty)], className="w-rank", id="wall-rising")]


def playlist(c: AppContext) -> list[View]:
    """The views in the order shown: ``stations`` stands for one view per station in scope."""
    out: list[View] = []
    for kind, seconds in c.settings.wall_views():
        if kind == "stations":
            out += [View("station", s["station_code"], seconds) for s in stations(c)]
        else:
            out.append(View(kind, None, seconds))
    return out


def view_at(c: AppContext, n: int | None) -> View | None:
    """The view shown at tick ``n`` (None: nothing loaded in scope)."""
    views = playlist(c) if stations(c) else []
    return views[bounds.count(n) % len(views)] if views else None


def _grids(c: AppContext, codes: list[str]) -> list[dict[str, Any]]:
    """Outlines of the grids ``codes`` in scope (from the cached whole-area grid layer)."""
    scope, crs = c.scope(), c.settings.basemap_crs
    fc = c.cached(("wall-grids", scope, crs), lambda: layers.area_layer(c.url, scope, "grid", 12, crs))
    wanted = set(codes)
    return [f for f in fc["features"] if f["properties"]["code"] in wanted]


def _fly(corners: list[list[float]]) -> dict[str, Any]:
    return {"bounds": corners, "transition": "flyToBounds"}


def _fly_to_features(c: AppContext, features: list[dict[str, Any]]) -> dict[str, Any]:
    if not features:
        return _fly(framing.corners(framing.area_extent(c)))
    x0, y0, x1, y1 = shapely.total_bounds([shapely.geometry.shape(f["geometry"]) for f in features])
    # a margin, so the lit grids stand clear of the panel and the legend in the map's corners
    dx, dy = (x1 - x0) * MARGIN, (y1 - y0) * MARGIN
    return _fly([[y0 - dy, x0 - dx], [y1 + dy, x1 + dx]])


def _focus(features: list[dict[str, Any]], kind: str) -> dict[str, Any]:
    styled = [{**f, "properties": {"code": f["properties"]["code"], "style": FOCUS[kind]}} for f in features]
    return {"type": "FeatureCollection", "features": styled}


def _figures_panel(k: indicators.Kpis) -> list[Any]:
    return [
        html.Div(F["incidents_week"].say(k), className="w-line"),
        html.Div(changes(k)),
        html.Div(f"{F['events_open'].say(k)} · {F['red_cards'].say(k)}", className="w-line"),
        html.Div(F["hazards_open"].say(k), className="w-line"),
    ]


def rotation(
    c: AppContext, n: int | None, week: Period
) -> tuple[dict[str, Any], str, list[Any], dict[str, Any]]:
    """What the wall shows at tick ``n`` for the period ``week``: map viewport, the view's title,
    its panel, the grids it highlights."""
    view = view_at(c, n)
    if view is None:
        return {}, "", [], layers.empty()
    if view.kind == "station":
        s = next(s for s in stations(c) if s["station_code"] == view.station)
        k = c.cached(
            ("wall-station", c.scope(), s["station_code"], week),
            lambda: indicators.kpis(c.url, c.scope(), Area("station", s["station_code"]), week),
        )
        return _fly([[s["y0"], s["x0"]], [s["y1"], s["x1"]]]), s["name"], _figures_panel(k), layers.empty()
    if view.kind == "red_cards":
        reds = red_cards(c, week)
        found = _grids(c, [r["grid_code"] for r in reds if r["grid_code"]])
        panel = [html.Div(f"{F['red_cards'].say(headline(c, week))}", className="w-line")] + [
            html.Div(f"{r['what']} · 登记 {r['registered_at']:%m-%d}", className="w-line")
            for r in reds[:PANEL_ITEMS]
        ]
        return _fly_to_features(c, found), "红牌督办", panel, _focus(found, view.kind)
    if view.kind == "hot_spots":
        hot = hot_grids(c, week)
        found = _grids(c, [r["grid_code"] for r in hot])
        panel = [
            html.Div(f"{r['name']} · {F['incidents_week'].label} {r['incidents_week']}", className="w-line")
            for r in hot[:PANEL_ITEMS]
        ]
        return _fly_to_features(c, found), "警情热点网格", panel, _focus(found, view.kind)
    return (
        _fly(framing.corners(framing.area_extent(c))),
        "全域",
        _figures_panel(headline(c, week)),
        layers.empty(),
    )
