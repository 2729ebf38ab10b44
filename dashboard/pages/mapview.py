"""The map page ``/``: layers, heat, choropleth, playback, search, and the first drill-down click.

Heat, choropleth and playback count over the period the URL names (callbacks read it from the
location's query), the playback stepping back from it.

Layout and thin callbacks only: what they return is computed in :mod:`dashboard.map`. Ids: ``map-``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import dash_leaflet as dl
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update

from common.codebook import label
from dashboard import alertpanel, bounds
from dashboard.context import AppContext
from dashboard.map import basemap, choropleth, framing, heat, layers, navigate
from dashboard.map.framing import PLAYBACK_WEEKS
from dashboard.map.layers import POINT_FN, POINT_LAYERS, STYLE_FN, VIEW_LAYERS, PointLayer
from dashboard.names import area_names
from dashboard.periodbar import bar, carried
from dashboard.periods import HOUR, Period, term
from dashboard.queries import breakdowns, elements
from dashboard.ui import nav

AREA_STYLES: dict[str, dict[str, Any]] = {
    "station": {"color": "#0b3d91", "weight": 3, "fillOpacity": 0.04, "className": "ol-station"},
    "zone": {"color": "#1f6feb", "weight": 3, "fill": False, "dashArray": "6 4", "className": "ol-zone"},
    "grid": {"color": "#2da44e", "weight": 1, "fillOpacity": 0.06, "className": "ol-grid"},
    "choropleth": {"color": "#57606a", "weight": 1, "fillOpacity": 0.65},
}
POINT_COLOURS: dict[PointLayer, str] = {
    "smart_communities": "#2da44e",
    "cameras": "#6e40c9",
    "workstations": "#d4a72c",
    "alerts": "#cf222e",
    "buildings": "#57606a",
    "rental_units": "#bc4c00",
}
POINT_NAMES: dict[PointLayer, str] = {
    "smart_communities": "智安小区",
    "cameras": "视频监控与卡口",
    "workstations": "警网融合工作站",
    "alerts": "预警",
    "buildings": "楼栋（放大后显示）",
    "rental_units": "出租屋（放大后显示）",
}


# ------------------------------------------------------------------ layout
def layout(c: AppContext, period: Period) -> html.Div:
    """The map page for the current viewer and ``period``: their extent, the small point layers,
    the basemap."""
    cats = c.cached(("cats",), lambda: breakdowns.categories(c.url))
    small = dict(zip(layers.SMALL_LAYERS, layers.point_layers(c, 11, None, layers.SMALL_LAYERS), strict=True))
    base = None if c.settings.basemap_url else layers.empty()  # the local basemap comes per view
    return page(c, period, framing.area_extent(c), cats, small, base, bar(c, period))


def skeleton(c: AppContext) -> html.Div:
    """The page's components without data (no query): its part of the app's validation layout."""
    return page(c, c.period(), framing.FALLBACK_EXTENT, [], {}, layers.empty(), html.Div())


def page(
    c: AppContext,
    week: Period,
    ext: framing.Extent,
    cats: list[dict[str, Any]],
    small: dict[PointLayer, dict[str, Any]],
    base: dict[str, Any] | None,
    period_bar: html.Div,
) -> html.Div:
    """The page from its data: the period, extent, incident categories, small point layers, local
    basemap shapes (None when tiles are configured) and the period bar."""
    the_map = dl.Map(
        [
            # the local basemap under everything, heat above it and under the outlines (overlayPane 400)
            dl.Pane(name="basemap", style={"zIndex": 250}),
            dl.Pane(name="heat", style={"zIndex": 350}),
            dl.Pane(name="basemap-labels", style={"zIndex": 380, "pointerEvents": "none"}),
            dl.LayersControl([base_layer(c, base), *overlays(ext, small)], id="map-layers", collapsed=False),
            layers.geojson(id="map-grid-labels", pointToLayer=layers.LABEL_FN, interactive=False),
            layers.geojson(id="map-highlight", style={"color": "#ff00aa", "weight": 4, "fillOpacity": 0.1}),
            dl.ScaleControl(position="bottomleft", imperial=False),
        ],
        id="map-view",
        center=framing.centre(ext),
        zoom=framing.fit_zoom(ext, 1100),
        bounds=framing.corners(ext),
        style={"height": "100%", "width": "100%"},
        attributionControl=False,
        maxZoom=19,
    )
    marks = {-k: (week.shift(-k).label()[-3:] if k % 3 == 0 else "") for k in range(PLAYBACK_WEEKS)}
    panel = html.Aside(
        [
            period_bar,
            html.H3("搜索"),
            dcc.Input(
                id="map-search-q",
                type="text",
                debounce=True,
                placeholder="地址、楼栋编码、网格或警务区编码、小区、工作站",
                className="search",
            ),
            html.Div(id="map-search-results"),
            html.H3("热力"),
            radios("map-heat-kind", "incidents", [("警情", "incidents"), ("风险", "risks"), ("关闭", "off")]),
            dcc.Dropdown(
                id="map-heat-cats",
                multi=True,
                placeholder="全部警情类别",
                options=[{"label": r["name_zh"], "value": r["category"]} for r in cats],
            ),
            radios(
                "map-heat-window", "week", [(term("current"), "week"), ("近4周", "4w"), ("自定义", "custom")]
            ),
            dcc.DatePickerRange(
                id="map-heat-range",
                display_format="YYYY-MM-DD",
                start_date=(week.start - timedelta(days=28)).date().isoformat(),
                end_date=(week.end - HOUR).date().isoformat(),
            ),
            html.Div(
                [
                    html.Button("▶ 逐周回放", id="map-play", n_clicks=0),
                    html.Span(week.label_zh(), id="map-play-week"),
                ],
                className="play-row",
            ),
            dcc.Slider(id="map-week-offset", min=-(PLAYBACK_WEEKS - 1), max=0, step=1, value=0, marks=marks),
            dcc.Interval(id="map-play-tick", interval=1500, disabled=True),
            html.Div(id="map-heat-legend", className="legend"),
            html.H3("分级设色"),
            radios("map-choro-level", "none", [("无", "none"), ("警务区", "zone"), ("网格", "grid")]),
            radios(
                "map-choro-metric", "count", [("数量", "count"), ("千人比", "rate"), (term("wow"), "wow")]
            ),
            html.Div(id="map-choro-legend", className="legend"),
            html.H3("当前选择"),
            html.Div("点击派出所查看其警务区和网格；点击警务区或网格打开详情。", id="map-selection"),
            html.H3("预警核实"),
            alertpanel.panel(),
            dcc.Store(id="map-selected-station"),
            dcc.Store(id="map-basemap-view"),  # the (settled) view the local basemap is sent for
            dcc.Store(id="map-search-store"),
        ],
        className="panel",
    )
    return html.Div(
        [nav("/"), html.Div([panel, html.Main(the_map, className="map-main")], className="map-page")]
    )


def radios(ident: str, value: str, choices: list[tuple[str, str]]) -> dcc.RadioItems:
    """A row of radio buttons from (label, value) pairs."""
    return dcc.RadioItems(
        id=ident, value=value, inline=True, options=[{"label": k, "value": v} for k, v in choices]
    )


def base_layer(c: AppContext, shapes: dict[str, Any] | None) -> Any:
    """Tiles when a tile server is configured, else the local basemap (dashboard/map/basemap.py)."""
    s = c.settings
    if s.basemap_url:
        return dl.BaseLayer(
            dl.TileLayer(url=s.basemap_url, attribution=s.basemap_attribution, maxZoom=19),
            name="底图",
            checked=True,
        )
    return basemap.local_layer(shapes)


def overlays(ext: framing.Extent, small: dict[PointLayer, dict[str, Any]]) -> list[Any]:
    """The layers the viewer can switch: outlines, choropleth, heat and the point layers."""

    def outline(ident: str, name: str, level: str, **hover: Any) -> dl.Overlay:
        base = {"base": AREA_STYLES[level]}
        return dl.Overlay(
            layers.geojson(id=ident, style=STYLE_FN, hideout=base, **hover), name=name, checked=True
        )

    return [
        outline("map-stations", "派出所", "station", hoverStyle={"weight": 5}),
        outline("map-zones", "警务区", "zone"),
        outline("map-grids", "网格", "grid", hoverStyle={"weight": 3}),
        outline("map-choropleth", "分级设色", "choropleth"),
        dl.Overlay(
            dl.ImageOverlay(
                pane="heat", id="map-heat", url="data:,", bounds=framing.corners(ext), opacity=0.8
            ),
            name="热力",
            checked=True,
        ),
        *[
            dl.Overlay(
                layers.geojson(
                    id=f"map-{layer}",
                    pointToLayer=POINT_FN,
                    hideout={"colour": POINT_COLOURS[layer]},
                    data=small.get(layer),
                    cluster=layer in ("cameras", "alerts", "buildings", "rental_units"),
                    superClusterOptions={"radius": 60},
                ),
                name=POINT_NAMES[layer],
                checked=layer in ("alerts", "workstations"),
            )
            for layer in POINT_LAYERS
        ],
    ]


def search_hits(hits: list[elements.SearchHit]) -> list[html.Button]:
    """One button per search hit (its index points into the stored hits)."""
    return [
        html.Button(
            f"{label('place_kind', h['kind'])} · {h['label']}（{h['code']}）",
            id={"type": "map-search-hit", "index": i},
            className="hit",
            n_clicks=0,
        )
        for i, h in enumerate(hits)
    ]


# ------------------------------------------------------------------ callbacks
def register(app: Dash, c: AppContext) -> None:
    """Wire the map page's callbacks to ``app`` (each a thin wrapper of a :mod:`dashboard.map` function)."""

    @app.callback(
        Output("map-heat", "url"),
        Output("map-heat", "bounds"),
        Output("map-heat-legend", "children"),
        Output("map-play-week", "children"),
        Input("map-heat-kind", "value"),
        Input("map-heat-cats", "value"),
        Input("map-heat-window", "value"),
        Input("map-week-offset", "value"),
        Input("map-heat-range", "start_date"),
        Input("map-heat-range", "end_date"),
        State("url", "search"),
    )
    def _heat(kind, cats, mode, offset, start, end, search):
        period = c.period(search)
        h = heat.heat_layer(c, period, kind, cats, mode, offset, start, end)
        legend = [html.Div(h["legend"]), html.Div(className="ramp")] if h["url"] else h["legend"]
        week = period.shift(bounds.offset(offset, PLAYBACK_WEEKS))
        return h["url"] or "data:,", h["bounds"] or no_update, legend, week.label_zh()

    @app.callback(
        Output("map-stations", "data"),
        Output("map-zones", "data"),
        Output("map-grids", "data"),
        Input("map-view", "zoom"),
        Input("map-selected-station", "data"),
    )
    def _areas(zoom, station):
        return layers.area_layers(c, zoom, station)

    @app.callback(Output("map-grid-labels", "data"), Input("map-view", "zoom"), Input("map-grids", "data"))
    def _labels(zoom, grids):
        return layers.grid_labels(zoom, grids, area_names(c)["grid"])

    @app.callback(
        Output("map-heat-cats", "options"),
        Output("map-heat-cats", "value"),
        Output("map-heat-cats", "placeholder"),
        Input("map-heat-kind", "value"),
        prevent_initial_call=True,
    )
    def _heat_categories(kind):
        return heat.heat_categories(c, kind)

    @app.callback(
        Output("map-selected-station", "data"),
        Output("map-view", "viewport", allow_duplicate=True),
        Output("map-selection", "children"),
        Input("map-stations", "clickData"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def _station_click(feature, search):
        code = bounds.feature_code(feature or None)
        q = carried(c, c.period(search))  # the station page opens on the map's period
        if code is None:
            return no_update, no_update, no_update
        selected = navigate.select_station(c, code)
        if selected is None:
            return None, no_update, "无权查看"
        name, viewport = selected
        panel = [html.B(name), " ", dcc.Link("打开派出所页面 ›", href=f"/station/{code}{q}")]
        return code, viewport, panel

    @app.callback(
        Output("url", "pathname", allow_duplicate=True),
        Input("map-zones", "clickData"),
        Input("map-grids", "clickData"),
        prevent_initial_call=True,
    )
    def _open_area(zone, grid):
        feature, level = (zone, "zone") if ctx.triggered_id == "map-zones" else (grid, "grid")
        code = bounds.feature_code(feature or None)
        return (code and navigate.area_path(c, level, code)) or no_update

    @app.callback(
        Output("map-choropleth", "data"),
        Output("map-choro-legend", "children"),
        Input("map-choro-level", "value"),
        Input("map-choro-metric", "value"),
        Input("map-heat-window", "value"),
        Input("map-week-offset", "value"),
        Input("map-heat-range", "start_date"),
        Input("map-heat-range", "end_date"),
        State("map-view", "zoom"),
        State("url", "search"),
    )
    def _choro(level, metric, mode, offset, start, end, zoom, search):
        return choropleth.choropleth(c, c.period(search), level, metric, mode, offset, start, end, zoom)

    @app.callback(
        [Output(f"map-{layer}", "data") for layer in VIEW_LAYERS],
        Input("map-view", "zoom"),
        Input("map-view", "bounds"),
    )
    def _points(zoom, bounds):
        return layers.point_layers(c, zoom, bounds, VIEW_LAYERS)

    if not c.settings.basemap_url:  # tiles replace the local basemap whole
        app.clientside_callback(
            ClientsideFunction("onemapMap", "settled"),
            Output("map-basemap-view", "data"),
            Input("map-view", "zoom"),
            Input("map-view", "bounds"),
        )

        @app.callback(
            Output("map-basemap", "data"),
            Output("map-basemap", "hideout"),
            Output("map-basemap-labels", "data"),
            Input("map-basemap-view", "data"),
        )
        def _basemap(view):
            return basemap.basemap_view(c, *basemap.settled(view))

    @app.callback(
        Output("map-play-tick", "disabled"),
        Output("map-play", "children"),
        Input("map-play", "n_clicks"),
        prevent_initial_call=True,
    )
    def _play(n):
        playing = bool(n and n % 2 == 1)
        # ‖, not U+23F8 (pause): no CJK font has that one, and it showed as an empty box
        return not playing, "‖ 暂停" if playing else "▶ 逐周回放"

    @app.callback(
        Output("map-week-offset", "value"),
        Input("map-play-tick", "n_intervals"),
        State("map-week-offset", "value"),
        prevent_initial_call=True,
    )
    def _tick(_n, offset):
        offset = bounds.offset(offset, PLAYBACK_WEEKS)
        return -(PLAYBACK_WEEKS - 1) if offset >= 0 else offset + 1

    @app.callback(
        Output("map-search-results", "children"),
        Output("map-search-store", "data"),
        Input("map-search-q", "value"),
        prevent_initial_call=True,
    )
    def _search(q):
        q = bounds.text(q)
        hits = navigate.search(c, q)
        if not hits:
            return (html.Div("未找到", className="empty") if q else ""), []
        return search_hits(hits), hits

    @app.callback(
        Output("map-view", "viewport", allow_duplicate=True),
        Output("map-highlight", "data"),
        Input({"type": "map-search-hit", "index": ALL}, "n_clicks"),
        State("map-search-store", "data"),
        prevent_initial_call=True,
    )
    def _fly(clicks, hits):
        if not isinstance(clicks, list) or not any(clicks) or not isinstance(ctx.triggered_id, dict):
            return no_update, no_update
        if not hits:
            return no_update, no_update
        i = bounds.count(ctx.triggered_id.get("index"))
        if not isinstance(hits, list) or not i < min(len(hits), bounds.MAX_ITEMS):
            return no_update, no_update
        hit = hits[i] if isinstance(hits[i], dict) else {}
        kind, code = bounds.text(hit.get("kind")), bounds.text(hit.get("code"))
        return navigate.fly_to(c, kind, code) or (no_update, no_update)
