"""The map page ``/``: layers, heat, choropleth, playback, search, popups and their links.

Heat, choropleth and playback count over the period the URL names (callbacks read it from the
location's query), the playback stepping back from it; the rest of the view (centre, zoom,
layers, filters) lives in the URL's fragment (:mod:`dashboard.map.share`).

Layout and thin callbacks only: what they return is computed in :mod:`dashboard.map`. Ids: ``map-``.
"""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl
from dash import ALL, ClientsideFunction, Dash, Input, Output, State, ctx, dcc, html, no_update

from common.codebook import label
from dashboard import alertpanel, bounds, layerfiles
from dashboard.context import AppContext
from dashboard.map import (
    analysis_layers,
    basemap,
    choropleth,
    framing,
    heat,
    hierarchy,
    layers,
    legends,
    navigate,
    overlays,
    share,
    timeline,
)
from dashboard.map.framing import PLAYBACK_WEEKS
from dashboard.map.layers import VIEW_LAYERS, PointLayer
from dashboard.pagejson import freeze
from dashboard.periodbar import bar, carried
from dashboard.periods import HOUR, Period, term
from dashboard.queries import breakdowns, elements, judged
from dashboard.ui import nav


# ------------------------------------------------------------------ layout
def layout(c: AppContext, period: Period) -> html.Div:
    """The map page for the current viewer and ``period``: their extent, the small point layers,
    the basemap; cached without the top bar and the period bar, which are built per request."""
    # its alert and supervision markers: keyed by the verdicts and steps of the viewer's scope
    key = ("map-page", period, *judged.scope_stamp(c.url, c.scope()))
    panel, main = c.cached(key, lambda: _frozen(c, period))
    return assemble(bar(c, period), panel, main)


def _frozen(c: AppContext, period: Period) -> tuple[list[Any], html.Main]:
    """The page's parts (:func:`page`) with their JSON kept (:mod:`dashboard.pagejson`)."""
    cats = c.cached(("cats",), lambda: breakdowns.categories(c.url))
    # the static ones by URL (dashboard/layerfiles.py), those a verdict changes with the page
    sent = [k for k in layers.SMALL_LAYERS if k not in layerfiles.STATIC_POINTS]
    data = layers.point_layers(c, 11, None, sent)
    small: dict[PointLayer, dict[str, Any]] = {k: {"data": v} for k, v in zip(sent, data, strict=True)}
    small |= {k: {"url": layerfiles.url(k)} for k in layerfiles.STATIC_POINTS}
    panel, main = page(c, period, framing.area_extent(c), cats, small)
    parts = freeze(html.Div([*panel, main])).children
    return parts[:-1], parts[-1]


def assemble(period_bar: Any, panel: list[Any], main: html.Main) -> html.Div:
    """The page from the top bar, the period bar, the panel's other parts and the map column."""
    side = html.Aside([period_bar, *panel], className="panel")
    return html.Div([nav("/"), html.Div([side, main], className="map-page")])


def skeleton(c: AppContext) -> html.Div:
    """The page's components without data (no query): its part of the app's validation layout."""
    return assemble(html.Div(), *page(c, c.period(), framing.FALLBACK_EXTENT, [], {}))


def page(
    c: AppContext,
    week: Period,
    ext: framing.Extent,
    cats: list[dict[str, Any]],
    small: dict[PointLayer, dict[str, Any]],
) -> tuple[list[Any], html.Main]:
    """The page's parts from its data (the period, extent, incident categories, small point layers,
    each its ``data`` or ``url``; the basemap comes per view, by URL): the panel's parts below its
    period bar, and the map column."""
    switchable = overlays.overlays(ext, small)
    the_map = dl.Map(
        [
            # a pane per kind of layer, so what lies on top does not depend on which loaded first:
            # basemap, choropleth, heat, then the outlines (stations in Leaflet's overlayPane, 400),
            # grids over zones (a click inside a grid is the grid's), and points over them all
            *overlays.panes(),
            # listed in a fixed order whatever order the layers load in (see overlay_name)
            dl.LayersControl(
                [overlays.base_layer(c), *switchable],
                id="map-layers",
                collapsed=False,
                sortLayers=True,
                # set from the start: dash-leaflet fails on a layer switched off before it is set
                overlays=[o.name for o in switchable if o.checked],
            ),
            layers.geojson(
                id="map-highlight",
                pane="highlight",
                style={"color": "#ff00aa", "weight": 4, "fillOpacity": 0.1},
            ),
            dl.ScaleControl(position="bottomleft", imperial=False),
        ],
        id="map-view",
        center=framing.centre(ext),
        zoom=framing.fit_zoom(ext, 1100),
        bounds=framing.corners(ext),
        zoomSnap=0.25,  # the extent fills the map at any size (whole zooms leave it half the window)
        style={"height": "100%", "width": "100%"},
        attributionControl=False,
        maxZoom=19,
    )
    marks = {-k: (week.shift(-k).label()[-3:] if k % 3 == 0 else "") for k in range(PLAYBACK_WEEKS)}
    panel = [
        share.buttons(),
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
        radios("map-heat-window", "week", [(term("current"), "week"), ("近4周", "4w"), ("自定义", "custom")]),
        dcc.DatePickerRange(
            id="map-heat-range",
            display_format="YYYY-MM-DD",
            # the days counted (the period's until another window is chosen: dashboard/map/timeline.py)
            start_date=week.start.date().isoformat(),
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
        html.H3("分级设色"),
        *hierarchy.controls(),  # 公安 or 治理, the level, the measure
        dcc.Checklist(id="map-heat-over", options=[{"label": "分级设色时叠加热力", "value": "on"}], value=[]),
        html.H3("当前选择"),
        html.Div("点击派出所查看其警务区和网格；点击任一要素查看其要点和页面链接。", id="map-selection"),
        html.H3("预警核实"),
        alertpanel.panel(),
        dcc.Store(id="map-selected-station"),
        # the view once the map stood still, which the viewport's layers are sent for
        dcc.Store(id="map-view-settled"),
        dcc.Store(id="map-search-store"),
        *share.stores(framing.corners(ext)),
    ]
    head, legend = share.print_frame(f"{c.settings.title} · 治安态势图", week.label_zh())
    return panel, html.Main([head, the_map, legend], className="map-main")


def radios(ident: str, value: str, choices: list[tuple[str, str]]) -> dcc.RadioItems:
    """A row of radio buttons from (label, value) pairs."""
    return dcc.RadioItems(
        id=ident, value=value, inline=True, options=[{"label": k, "value": v} for k, v in choices]
    )


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
        Output("map-print-period", "children"),
        Input("map-heat-kind", "value"),
        Input("map-heat-cats", "value"),
        Input("map-heat-window", "value"),
        Input("map-week-offset", "value"),
        Input("map-heat-range", "start_date"),
        Input("map-heat-range", "end_date"),
        Input("map-choro-level", "value"),
        Input("map-heat-over", "value"),
        State("url", "search"),
    )
    def _heat(kind, cats, mode, offset, start, end, level, over, search):
        period = c.period(search)
        said = framing.window_zh(period, mode, offset, start, end)  # the days heat and colours count
        # a choropleth is read by its colours: heat over it only when asked for
        if bounds.text(level) in choropleth.LEVELS and "on" not in bounds.texts(over):
            return (
                overlays.BLANK_PNG,
                no_update,
                legends.heat_legend({}, overlays.HEAT_HIDDEN),
                said,
                said,
            )
        h = heat.heat_layer(c, period, kind, cats, mode, offset, start, end)
        return (
            h["url"] or overlays.BLANK_PNG,
            h["bounds"] or no_update,
            legends.heat_legend(h),
            said,
            said,
        )

    @app.callback(
        [Output(f"map-{k}", "url") for k in ("stations", "zones", "grids", "station-labels", "grid-labels")],
        Input("map-view-settled", "data"),
        State("map-view", "zoom"),
        Input("map-selected-station", "data"),
    )
    def _areas(settled, zoom, station):
        # the browser fetches and keeps them (dashboard/layerfiles.py): unchanged, they cost a 304;
        # at street zoom cut to the settled view's box (a station click keeps the view)
        settled_zoom, view = basemap.settled(settled)
        return layerfiles.area_urls(c, zoom if settled_zoom is None else settled_zoom, station, view)

    @app.callback(
        Output("map-heat-cats", "options"),
        Output("map-heat-cats", "value"),
        Output("map-heat-cats", "placeholder"),
        Input("map-heat-kind", "value"),
        State("map-heat-cats", "value"),
        prevent_initial_call=True,
    )
    def _heat_categories(kind, chosen):
        options, _, placeholder = heat.heat_categories(c, kind)
        # keep what still applies (a shared view names the kind and its categories together)
        kept = [v for v in bounds.texts(chosen) if v in {o["value"] for o in options}]
        return options, kept or None, placeholder

    @app.callback(
        Output("map-selected-station", "data", allow_duplicate=True),
        Output("map-selection", "children"),
        Input("map-stations", "clickData"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def _station_click(feature, search):
        # the station's zones and grids are drawn, its popup says the rest (the map stays put:
        # moving it would redraw the outlines and close the popup)
        code = bounds.feature_code(feature or None)
        q = carried(c, c.period(search))  # the station page opens on the map's period
        if code is None:
            return no_update, no_update
        name = navigate.select_station(c, code)
        if name is None:
            return None, "无权查看"
        return code, [html.B(name), " ", dcc.Link("打开派出所页面 ›", href=f"/station/{code}{q}")]

    @app.callback(
        Output("map-choropleth", "data"),
        Output("map-choropleth", "hideout"),
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
        fc, legend = choropleth.choropleth(c, c.period(search), level, metric, mode, offset, start, end, zoom)
        hideout = {"base": overlays.AREA_STYLES["choropleth"], "popup": choropleth.popup(level)}
        return fc, hideout, legends.choropleth_legend(legend)

    @app.callback(
        Output("map-ov-choropleth", "checked", allow_duplicate=True),
        Input("map-choro-level", "value"),
        prevent_initial_call=True,
    )
    def _show_choropleth(level):
        # choosing what to colour by shows the colours
        return bounds.text(level) in choropleth.LEVELS

    app.clientside_callback(
        ClientsideFunction("onemapMap", "settled"),
        Output("map-view-settled", "data"),
        Input("map-view", "zoom"),
        Input("map-view", "bounds"),
    )

    @app.callback(
        [Output(f"map-{layer}", "data") for layer in VIEW_LAYERS],
        Input("map-view-settled", "data"),
        State("map-view", "zoom"),
        State("map-view", "bounds"),
    )
    def _points(_settled, zoom, bounds):
        return layers.point_layers(c, zoom, bounds, VIEW_LAYERS)

    if not c.settings.basemap_url:  # tiles replace the local basemap whole

        @app.callback(
            Output("map-basemap", "url"),
            Output("map-basemap", "hideout"),
            Output("map-basemap-labels", "url"),
            Input("map-view-settled", "data"),
        )
        def _basemap(view):
            # the files of the view's box (dashboard/layerfiles.py): a view seen before costs 304s
            return layerfiles.basemap_urls(*basemap.settled(view))

    @app.callback(
        Output("map-incidents", "data"),
        Input("map-view-settled", "data"),
        State("map-view", "zoom"),
        State("map-view", "bounds"),
        Input("map-heat-window", "value"),
        Input("map-week-offset", "value"),
        Input("map-heat-range", "start_date"),
        Input("map-heat-range", "end_date"),
        State("url", "search"),
    )
    def _incidents(_settled, zoom, view, mode, offset, start, end, search):
        # the incidents the heat counts, one point each, at street zoom
        window = framing.window(c.period(search), mode, offset, start, end)
        return layers.point_layers(c, zoom, view, ["incidents"], window)[0]

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

    timeline.register(app, c)  # the range of days follows the window; the playback
    analysis_layers.register(app, c)
    hierarchy.register(app)
    share.register(app)  # last: a test finds a server callback by its outputs first
