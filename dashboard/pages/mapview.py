"""The map page ``/``: layers, heat, choropleth, playback, search, and the first drill-down click."""

from __future__ import annotations

import math
from datetime import date, datetime, timedelta
from typing import Any

import dash_leaflet as dl
import shapely.geometry
from dash import ALL, Dash, Input, Output, State, ctx, dcc, html, no_update

from common.china import TZ
from dashboard import geo
from dashboard.context import AppContext
from dashboard.periods import Week
from dashboard.queries import areas, breakdowns, elements, indicators
from dashboard.queries.areas import Area
from dashboard.scope import CODE
from dashboard.ui import nav

PLAYBACK_WEEKS = 12
STYLE_FN = {"variable": "onemap.style"}
POINT_FN = {"variable": "onemap.point"}
LABEL_FN = {"variable": "onemap.label"}
AREA_STYLES: dict[str, dict[str, Any]] = {
    "station": {"color": "#0b3d91", "weight": 3, "fillOpacity": 0.04, "className": "ol-station"},
    "zone": {"color": "#1f6feb", "weight": 3, "fill": False, "dashArray": "6 4", "className": "ol-zone"},
    "grid": {"color": "#2da44e", "weight": 1, "fillOpacity": 0.06, "className": "ol-grid"},
    "choropleth": {"color": "#57606a", "weight": 1, "fillOpacity": 0.65},
    "basemap": {"color": "#c9d1d9", "weight": 1, "fillColor": "#f6f8fa", "fillOpacity": 1},
}
SMALL_LAYERS = [k for k, v in geo.POINT_LAYERS.items() if v[3] == 0]  # sent whole with the page
VIEW_LAYERS = [k for k, v in geo.POINT_LAYERS.items() if v[3] > 0]  # sent for the viewport
POINT_COLOURS = {
    "smart_communities": "#2da44e",
    "cameras": "#6e40c9",
    "workstations": "#d4a72c",
    "alerts": "#cf222e",
    "buildings": "#57606a",
    "rental_units": "#bc4c00",
}
POINT_NAMES = {
    "smart_communities": "智安小区",
    "cameras": "视频监控与卡口",
    "workstations": "警网融合工作站",
    "alerts": "预警",
    "buildings": "楼栋（放大后显示）",
    "rental_units": "出租屋（放大后显示）",
}
RISK_CATEGORIES = [
    {"label": "风险隐患", "value": "hazard"},
    {"label": "矛盾纠纷（高风险计3）", "value": "dispute"},
    {"label": "预警（计2）", "value": "alert"},
]
HEAT_ZH = {"incidents": "警情热力", "risks": "风险热力（隐患、纠纷、预警）"}
SEQ_RAMP = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"]
DIV_RAMP = ["#1a9850", "#91cf60", "#f7f7f7", "#fc8d59", "#d73027"]


def window(
    c: AppContext, mode: str, offset: int, start: str | None, end: str | None
) -> tuple[datetime, datetime]:
    """The time window of heat and choropleth: a week, four weeks, or a custom range of days."""
    week = c.week().shift(offset)
    if mode == "custom" and start and end:
        d0, d1 = date.fromisoformat(start[:10]), date.fromisoformat(end[:10])
        return (
            datetime.combine(d0, datetime.min.time(), TZ),
            datetime.combine(d1, datetime.min.time(), TZ) + timedelta(days=1),
        )
    if mode == "4w":
        return week.shift(-3).start, week.end
    return week.start, week.end


def fit_zoom(ext: tuple[float, float, float, float], width_px: int) -> int:
    """The largest zoom at which an extent's width fits ``width_px`` pixels."""
    span = max(ext[2] - ext[0], 1e-6)
    return max(1, min(18, math.floor(math.log2(width_px * 360 / (256 * span)))))


def area_extent(c: AppContext) -> tuple[float, float, float, float]:
    scope = c.scope()
    ext = c.cached(("extent", scope), lambda: areas.bounds(c.url, scope, Area()))
    return ext or (113.0, 22.5, 114.5, 24.0)


# ------------------------------------------------------------------ callbacks as plain functions
def heat_layer(
    c: AppContext,
    kind: str,
    cats: list[str] | None,
    mode: str,
    offset: int,
    start: str | None,
    end: str | None,
) -> dict[str, Any]:
    """The heat image for the filters: data URL, bounds, events counted and the legend text."""
    scope = c.scope()
    if kind not in geo.HEAT_SOURCES:
        return {"url": "", "bounds": None, "total": 0, "legend": "热力已关闭", "scale": None}
    t0, t1 = window(c, mode, offset or 0, start, end)
    key = ("heat", scope, kind, tuple(sorted(cats or [])), t0, t1, c.settings.basemap_crs)

    def compute() -> dict[str, Any]:
        x, y, w = geo.heat_points(c.url, scope, kind, t0, t1, cats or None)
        # single weeks share one colour scale (so a playback shows real change): full red at 1.5 ×
        # the weekly average peak of the last four weeks; other windows scale to their own peak
        peak = weekly_peak(c, kind, cats) if mode == "week" else None
        heat = geo.render_heat(x, y, w, area_extent(c), c.settings.basemap_crs, peak=peak)
        label = (
            f"{HEAT_ZH[kind]} · {t0:%m月%d日}—{(t1 - timedelta(seconds=1)):%m月%d日} · 共{heat.total:,.0f}"
        )
        return {
            "url": heat.data_url(),
            "bounds": heat.bounds,
            "total": heat.total,
            "legend": label,
            "scale": peak,
        }

    return c.cached(key, compute)


def weekly_peak(c: AppContext, kind: str, cats: list[str] | None) -> float | None:
    """The colour scale's top for single weeks: 1.5 × a quarter of the last four weeks' peak density."""
    scope = c.scope()
    week = c.week()

    def compute() -> float | None:
        x, y, w = geo.heat_points(c.url, scope, kind, week.shift(-3).start, week.end, cats or None)
        # a scale needs no full raster: densities are per km², so a coarse raster's peak is the
        # full one's (slightly lower: coarser pixels blur)
        peak = geo.density(x, y, w, area_extent(c), pixels=128)[0].max(initial=0.0)
        return 1.5 * peak / 4 if peak > 0 else None

    return c.cached(("heat-peak", scope, kind, tuple(sorted(cats or [])), week), compute)


def area_layers(c: AppContext, zoom: float | None, station: str | None) -> tuple[dict, dict, dict]:
    """Stations (always), and the zones and grids of the selected station."""
    scope = c.scope()
    z = round(zoom or 11)
    crs = c.settings.basemap_crs
    empty: dict[str, Any] = {"type": "FeatureCollection", "features": []}

    def layer(name: str, within: Area | None = None) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            fc = geo.area_layer(c.url, scope, name, z, crs, within)
            for f in fc["features"]:
                props = f["properties"]
                f["properties"] = {"code": props["code"], "tooltip": f"{props['label']}（{props['code']}）"}
            return fc

        return c.cached(("area", name, scope, within, z, crs), compute)

    stations = layer("station")
    if not station or not scope.allows(station):
        return stations, empty, empty
    within = Area("station", station)
    zones = layer("zone", within)
    grids = layer("grid", within)
    return stations, zones, grids


def choropleth(
    c: AppContext,
    level: str,
    metric: str,
    mode: str,
    offset: int,
    start: str | None,
    end: str | None,
    zoom: float | None,
) -> tuple[dict[str, Any], str]:
    """Zones or grids coloured by incidents: count, per 1,000 residents, or change on the window before."""
    empty: dict[str, Any] = {"type": "FeatureCollection", "features": []}
    if level not in ("zone", "grid"):
        return empty, ""
    scope = c.scope()
    t0, t1 = window(c, mode, offset or 0, start, end)
    z = round(zoom or 11)
    shapes = c.cached(
        ("choro-shapes", scope, level, z, c.settings.basemap_crs),
        lambda: geo.area_layer(c.url, scope, level, z, c.settings.basemap_crs),
    )
    metrics = c.cached(
        ("choro", scope, level, t0, t1), lambda: indicators.area_metrics(c.url, scope, level, t0, t1)
    )
    by_code = {m["code"]: m for m in metrics}
    values: dict[str, float | None] = {}
    for code, m in by_code.items():
        if metric == "rate":
            values[code] = m["incidents"] * 1000 / m["residents"] if m["residents"] else None
        elif metric == "wow":
            values[code] = indicators.change(m["incidents"], m["incidents_prev"])
        else:
            values[code] = float(m["incidents"])
    present = [v for v in values.values() if v is not None]
    top = max(present, default=0.0)
    features = []
    for f in shapes["features"]:
        code = f["properties"]["code"]
        v = values.get(code)
        m = by_code.get(code, {})
        if v is None:
            colour, text = "#d0d7de", "无数据"
        elif metric == "wow":
            k = 0 if v <= -0.3 else 1 if v < -0.05 else 2 if v <= 0.05 else 3 if v <= 0.3 else 4
            colour, text = DIV_RAMP[k], f"{v * 100:+.0f}%"
        else:
            k = min(4, int(v / top * 5)) if top else 0
            colour, text = SEQ_RAMP[k], (f"{v:.1f}‰" if metric == "rate" else f"{v:.0f}起")
        props = {"code": code, "value": v, "style": {"fillColor": colour}}
        props["tooltip"] = (
            f"{f['properties']['label']}（{code}）：{text}；"
            f"本期{m.get('incidents', 0)}起，上期{m.get('incidents_prev', 0)}起"
        )
        features.append({**f, "properties": props})
    legend = {
        "count": "警情数（起）",
        "rate": "每千名实有人口警情数（‰）",
        "wow": "较上期变化：绿降 红升",
    }.get(metric, "")
    return {"type": "FeatureCollection", "features": features}, legend


LABEL_ZOOM = 14


def grid_labels(zoom: float | None, grids: dict[str, Any] | None) -> dict[str, Any]:
    """Grid codes as labels at the grids' centres, only from ``LABEL_ZOOM`` on (no query: from the layer)."""
    if not grids or (zoom or 0) < LABEL_ZOOM:
        return {"type": "FeatureCollection", "features": []}
    features = []
    for f in grids["features"]:
        centre = shapely.geometry.shape(f["geometry"]).representative_point()
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(centre.x, 6), round(centre.y, 6)]},
                "properties": {"code": f["properties"]["code"]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def heat_categories(c: AppContext, kind: str) -> tuple[list[dict[str, str]], None, str]:
    """The category filter's options for a heat layer (and clear the choice)."""
    if kind == "risks":
        return RISK_CATEGORIES, None, "全部风险类别"
    cats = c.cached(("cats",), lambda: breakdowns.categories(c.url))
    return [{"label": r["name_zh"], "value": r["category"]} for r in cats], None, "全部警情类别"


def point_layers(
    c: AppContext, zoom: float | None, bounds: list[list[float]] | None, layers: list[str] | None = None
) -> list[dict[str, Any]]:
    """Point layers for the viewport, in ``layers`` order (default all): the small ones whole, the
    large ones (buildings, rental units) only in view from their minimum zoom."""
    scope = c.scope()
    z = zoom or 11
    bbox = None
    if bounds:
        (s, w), (n, e) = bounds
        bbox = (w, s, e, n)
    out = []
    for layer in layers or list(geo.POINT_LAYERS):
        min_zoom = geo.POINT_LAYERS[layer][3]
        key_box = bbox if min_zoom else None  # small layers are sent whole and cached

        def compute(layer: str = layer, key_box: tuple[float, float, float, float] | None = key_box) -> dict:
            fc = geo.point_layer(c.url, scope, layer, z, key_box, c.settings.basemap_crs)
            for f in fc["features"]:
                f["properties"] = {"code": f["properties"]["code"], "tooltip": f["properties"]["label"]}
                f.pop("id", None)
            return fc

        out.append(
            c.cached(("points", scope, layer, z >= min_zoom, key_box, c.settings.basemap_crs), compute)
        )
    return out


def search(c: AppContext, q: str | None) -> list[elements.SearchHit]:
    if not q or not q.strip():
        return []
    return elements.search(c.url, c.scope(), q.strip())


# ------------------------------------------------------------------ layout
def radios(ident: str, value: str, choices: list[tuple[str, str]]) -> dcc.RadioItems:
    """A row of radio buttons from (label, value) pairs."""
    return dcc.RadioItems(
        id=ident, value=value, inline=True, options=[{"label": k, "value": v} for k, v in choices]
    )


def base_layer(c: AppContext) -> Any:
    s = c.settings
    if s.basemap_url:
        return dl.BaseLayer(
            dl.TileLayer(url=s.basemap_url, attribution=s.basemap_attribution, maxZoom=19),
            name="底图",
            checked=True,
        )
    scope = c.scope()
    fc = c.cached(
        ("base", scope, s.basemap_crs), lambda: geo.area_layer(c.url, scope, "grid", 12, s.basemap_crs)
    )
    shapes = {"type": "FeatureCollection", "features": [{**f, "properties": {}} for f in fc["features"]]}
    return dl.BaseLayer(
        dl.GeoJSON(
            data=shapes,
            style=STYLE_FN,
            hideout={"base": AREA_STYLES["basemap"]},
            interactive=False,
            id="basemap",
            pane="basemap",
        ),
        name="本地底图（网格）",
        checked=True,
    )


def layout(c: AppContext) -> html.Div:
    ext = area_extent(c)
    week = c.week()
    cats = c.cached(("cats",), lambda: breakdowns.categories(c.url))
    marks = {-k: (week.shift(-k).label()[-3:] if k % 3 == 0 else "") for k in range(PLAYBACK_WEEKS)}
    small = dict(zip(SMALL_LAYERS, point_layers(c, 11, None, SMALL_LAYERS), strict=True))
    overlays = [
        dl.Overlay(
            dl.GeoJSON(
                id="layer-stations",
                style=STYLE_FN,
                hoverStyle={"weight": 5},
                hideout={"base": AREA_STYLES["station"]},
            ),
            name="派出所",
            checked=True,
        ),
        dl.Overlay(
            dl.GeoJSON(id="layer-zones", style=STYLE_FN, hideout={"base": AREA_STYLES["zone"]}),
            name="警务区",
            checked=True,
        ),
        dl.Overlay(
            dl.GeoJSON(
                id="layer-grids",
                style=STYLE_FN,
                hoverStyle={"weight": 3},
                hideout={"base": AREA_STYLES["grid"]},
            ),
            name="网格",
            checked=True,
        ),
        dl.Overlay(
            dl.GeoJSON(id="layer-choropleth", style=STYLE_FN, hideout={"base": AREA_STYLES["choropleth"]}),
            name="分级设色",
            checked=True,
        ),
        dl.Overlay(
            dl.ImageOverlay(
                pane="heat",
                id="layer-heat",
                url="data:,",
                bounds=[[ext[1], ext[0]], [ext[3], ext[2]]],
                opacity=0.8,
            ),
            name="热力",
            checked=True,
        ),
        *[
            dl.Overlay(
                dl.GeoJSON(
                    id=f"layer-{layer}",
                    pointToLayer=POINT_FN,
                    hideout={"colour": POINT_COLOURS[layer]},
                    data=small.get(layer),
                    cluster=layer in ("cameras", "alerts", "buildings", "rental_units"),
                    superClusterOptions={"radius": 60},
                ),
                name=POINT_NAMES[layer],
                checked=layer in ("alerts", "workstations"),
            )
            for layer in geo.POINT_LAYERS
        ],
    ]
    the_map = dl.Map(
        [
            # the local basemap under everything, heat above it and under the outlines (overlayPane 400)
            dl.Pane(name="basemap", style={"zIndex": 250}),
            dl.Pane(name="heat", style={"zIndex": 350}),
            dl.LayersControl([base_layer(c), *overlays], id="layers", collapsed=False),
            dl.GeoJSON(id="layer-grid-labels", pointToLayer=LABEL_FN, interactive=False),
            dl.GeoJSON(id="highlight", style={"color": "#ff00aa", "weight": 4, "fillOpacity": 0.1}),
            dl.ScaleControl(position="bottomleft", imperial=False),
        ],
        id="map",
        center=[(ext[1] + ext[3]) / 2, (ext[0] + ext[2]) / 2],  # dash-leaflet needs both
        zoom=fit_zoom(ext, 1100),
        bounds=[[ext[1], ext[0]], [ext[3], ext[2]]],
        style={"height": "100%", "width": "100%"},
        attributionControl=False,
        maxZoom=19,
    )
    panel = html.Aside(
        [
            html.H3("搜索"),
            dcc.Input(
                id="search-q",
                type="text",
                debounce=True,
                placeholder="地址、楼栋编码、网格或警务区编码、小区、工作站",
                className="search",
            ),
            html.Div(id="search-results"),
            html.H3("热力"),
            radios("heat-kind", "incidents", [("警情", "incidents"), ("风险", "risks"), ("关闭", "off")]),
            dcc.Dropdown(
                id="heat-cats",
                multi=True,
                placeholder="全部警情类别",
                options=[{"label": r["name_zh"], "value": r["category"]} for r in cats],
            ),
            radios("heat-window", "week", [("本周", "week"), ("近4周", "4w"), ("自定义", "custom")]),
            dcc.DatePickerRange(
                id="heat-range",
                display_format="YYYY-MM-DD",
                start_date=(week.start - timedelta(days=28)).date().isoformat(),
                end_date=c.today().isoformat(),
            ),
            html.Div(
                [
                    html.Button("▶ 逐周回放", id="play", n_clicks=0),
                    html.Span(week.label_zh(), id="play-week"),
                ],
                className="play-row",
            ),
            dcc.Slider(id="week-offset", min=-(PLAYBACK_WEEKS - 1), max=0, step=1, value=0, marks=marks),
            dcc.Interval(id="play-tick", interval=1500, disabled=True),
            html.Div(id="heat-legend", className="legend"),
            html.H3("分级设色"),
            radios("choro-level", "none", [("无", "none"), ("警务区", "zone"), ("网格", "grid")]),
            radios("choro-metric", "count", [("数量", "count"), ("千人比", "rate"), ("环比", "wow")]),
            html.Div(id="choro-legend", className="legend"),
            html.H3("当前选择"),
            html.Div("点击派出所查看其警务区和网格；点击警务区或网格打开详情。", id="selection"),
            dcc.Store(id="selected-station"),
            dcc.Store(id="search-store"),
        ],
        className="panel",
    )
    return html.Div(
        [nav("/"), html.Div([panel, html.Main(the_map, className="map-main")], className="map-page")]
    )


def register(app: Dash, c: AppContext) -> None:
    """Wire the map page's callbacks to ``app`` (each a thin wrapper of a function above)."""

    @app.callback(
        Output("layer-heat", "url"),
        Output("layer-heat", "bounds"),
        Output("heat-legend", "children"),
        Output("play-week", "children"),
        Input("heat-kind", "value"),
        Input("heat-cats", "value"),
        Input("heat-window", "value"),
        Input("week-offset", "value"),
        Input("heat-range", "start_date"),
        Input("heat-range", "end_date"),
    )
    def _heat(kind, cats, mode, offset, start, end):
        h = heat_layer(c, kind, cats, mode, offset, start, end)
        legend = [html.Div(h["legend"]), html.Div(className="ramp")] if h["url"] else h["legend"]
        bounds = h["bounds"] or no_update
        return h["url"] or "data:,", bounds, legend, c.week().shift(offset or 0).label_zh()

    @app.callback(
        Output("layer-stations", "data"),
        Output("layer-zones", "data"),
        Output("layer-grids", "data"),
        Input("map", "zoom"),
        Input("selected-station", "data"),
    )
    def _areas(zoom, station):
        return area_layers(c, zoom, station)

    @app.callback(
        Output("layer-grid-labels", "data"),
        Input("map", "zoom"),
        Input("layer-grids", "data"),
    )
    def _labels(zoom, grids):
        return grid_labels(zoom, grids)

    @app.callback(
        Output("heat-cats", "options"),
        Output("heat-cats", "value"),
        Output("heat-cats", "placeholder"),
        Input("heat-kind", "value"),
        prevent_initial_call=True,
    )
    def _heat_categories(kind):
        return heat_categories(c, kind)

    @app.callback(
        Output("selected-station", "data"),
        Output("map", "viewport", allow_duplicate=True),
        Output("selection", "children"),
        Input("layer-stations", "clickData"),
        prevent_initial_call=True,
    )
    def _station_click(feature):
        if not feature:
            return no_update, no_update, no_update
        code = str((feature.get("properties") or {}).get("code") or "")
        if not CODE.match(code):
            return None, no_update, "无权查看"
        b = areas.bounds(c.url, c.scope(), Area("station", code))
        named = areas.area_name(c.url, c.scope(), Area("station", code))
        if b is None or named is None:  # not in scope (a forged click): nothing happens
            return None, no_update, "无权查看"
        panel = [html.B(named["name"]), " ", dcc.Link("打开派出所页面 ›", href=f"/station/{code}")]
        return code, {"bounds": [[b[1], b[0]], [b[3], b[2]]], "transition": "flyToBounds"}, panel

    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Input("layer-zones", "clickData"),
        Input("layer-grids", "clickData"),
        prevent_initial_call=True,
    )
    def _open_area(zone, grid):
        feature, level = (zone, "zone") if ctx.triggered_id == "layer-zones" else (grid, "grid")
        code = str(((feature or {}).get("properties") or {}).get("code") or "")
        # only an area the viewer may see (a forged click is ignored, not echoed back)
        if not CODE.match(code) or areas.area_name(c.url, c.scope(), Area(level, code)) is None:
            return no_update
        return f"/{level}/{code}"

    @app.callback(
        Output("layer-choropleth", "data"),
        Output("choro-legend", "children"),
        Input("choro-level", "value"),
        Input("choro-metric", "value"),
        Input("heat-window", "value"),
        Input("week-offset", "value"),
        Input("heat-range", "start_date"),
        Input("heat-range", "end_date"),
        State("map", "zoom"),
    )
    def _choro(level, metric, mode, offset, start, end, zoom):
        return choropleth(c, level, metric, mode, offset, start, end, zoom)

    @app.callback(
        [Output(f"layer-{layer}", "data") for layer in VIEW_LAYERS],
        Input("map", "zoom"),
        Input("map", "bounds"),
    )
    def _points(zoom, bounds):
        return point_layers(c, zoom, bounds, VIEW_LAYERS)

    @app.callback(
        Output("play-tick", "disabled"),
        Output("play", "children"),
        Input("play", "n_clicks"),
        prevent_initial_call=True,
    )
    def _play(n):
        playing = bool(n and n % 2 == 1)
        return not playing, "⏸ 暂停" if playing else "▶ 逐周回放"

    @app.callback(
        Output("week-offset", "value"),
        Input("play-tick", "n_intervals"),
        State("week-offset", "value"),
        prevent_initial_call=True,
    )
    def _tick(_n, offset):
        return -(PLAYBACK_WEEKS - 1) if (offset or 0) >= 0 else (offset or 0) + 1

    @app.callback(
        Output("search-results", "children"),
        Output("search-store", "data"),
        Input("search-q", "value"),
        prevent_initial_call=True,
    )
    def _search(q):
        hits = search(c, q)
        if not hits:
            return (html.Div("未找到", className="empty") if q else ""), []
        kinds = {
            "station": "派出所",
            "zone": "警务区",
            "grid": "网格",
            "community": "小区",
            "workstation": "工作站",
            "smart_community": "智安小区",
            "building": "楼栋",
            "address": "标准地址",
        }
        items = [
            html.Button(
                f"{kinds.get(h['kind'], h['kind'])} · {h['label']}（{h['code']}）",
                id={"type": "search-hit", "index": i},
                className="hit",
                n_clicks=0,
            )
            for i, h in enumerate(hits)
        ]
        return items, hits

    @app.callback(
        Output("map", "viewport", allow_duplicate=True),
        Output("highlight", "data"),
        Input({"type": "search-hit", "index": ALL}, "n_clicks"),
        State("search-store", "data"),
        prevent_initial_call=True,
    )
    def _fly(clicks, hits):
        if not hits or not any(clicks) or not isinstance(ctx.triggered_id, dict):
            return no_update, no_update
        i = int(ctx.triggered_id["index"])
        if not 0 <= i < len(hits):
            return no_update, no_update
        return fly_to(c, hits[i]["kind"], hits[i]["code"])


def fly_to(c: AppContext, kind: str, code: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Viewport and highlight for a search hit, looked up again on the server within the scope."""
    rows = [
        h
        for h in elements.search(c.url, c.scope(), code, limit=50)
        if h["code"] == code and h["kind"] == kind
    ]
    if not rows:
        return no_update, no_update  # type: ignore[return-value]
    h = rows[0]
    pad = 0.002
    viewport = {
        "bounds": [[h["y0"] - pad, h["x0"] - pad], [h["y1"] + pad, h["x1"] + pad]],
        "transition": "flyToBounds",
    }
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [h["lon"], h["lat"]]},
        "properties": {"tooltip": h["label"]},
    }
    if kind in ("station", "zone", "grid"):
        layer = geo.area_layer(c.url, c.scope(), kind, 16, c.settings.basemap_crs, Area(kind, code))
        return viewport, layer
    return viewport, {"type": "FeatureCollection", "features": [feature]}


__all__ = ["Week", "layout", "register"]
