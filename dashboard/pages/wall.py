"""The wall screen ``/wall``: 16:9, dark, large type, unattended; rotates through the stations by itself."""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl
from dash import Dash, Input, Output, dcc, html

from dashboard import bounds
from dashboard.context import AppContext
from dashboard.headlines import FIGURES as F
from dashboard.map import framing, heat, layers
from dashboard.names import area_names
from dashboard.queries import areas, elements, indicators
from dashboard.queries.areas import Area
from dashboard.ui import change_text


def headline(c: AppContext) -> indicators.Kpis:
    scope = c.scope()
    week = c.week()
    return c.cached(("wall-kpis", scope, week), lambda: indicators.kpis(c.url, scope, Area(), week))


def figures(c: AppContext) -> list[Any]:
    """The whole-area figures with week-on-week and year-on-year change."""
    k = headline(c)

    def big(key: str, ident: str, *subs: Any) -> html.Div:
        return _big(F[key].label, F[key].show(k), *subs, ident=ident)

    return [
        big(
            "incidents_week",
            "wall-incidents",
            change_text(k["incidents_wow"], "环比"),
            change_text(k["incidents_yoy"], "同比"),
        ),
        big("population", "wall-population", html.Span(F["migrants"].say(k))),
        big("migrant_registration_rate", "wall-registration"),
        big(
            "events_open",
            "wall-events",
            html.Span(f"{F['red_cards'].say(k)} · {F['yellow_cards'].say(k)}"),
        ),
        big("hazards_open", "wall-hazards", html.Span(F["hazards_cleared_week"].say(k))),
        big("dispute_resolution_rate", "wall-disputes", html.Span(F["disputes_high_open"].say(k))),
    ]


def _big(label: str, value: str, *subs: Any, ident: str) -> html.Div:
    return html.Div(
        [
            html.Div(label, className="w-label"),
            html.Div(value, className="w-value"),
            html.Div(list(subs), className="w-sub"),
        ],
        className="w-kpi",
        id=ident,
    )


def rankings(c: AppContext) -> list[Any]:
    scope = c.scope()
    week = c.week()
    scores = c.cached(
        ("scores", scope, week),
        lambda: indicators.station_scores(c.url, scope, week, c.settings.score_weights()),
    )
    grids = c.cached(("grid-rank", scope, week), lambda: indicators.grid_ranking(c.url, scope, week, limit=8))
    reds = c.cached(("reds", scope, week), lambda: elements.red_cards(c.url, scope, week, limit=8))
    names = area_names(c)
    return [
        html.H3("派出所考核排名"),
        html.Ol(
            [
                # numbered by the rank among all stations, not by the place in this viewer's list
                html.Li(
                    [html.Span(r["name"]), html.Span(f"{r['score']:.1f}", className="w-num")],
                    value=str(r["rank"]),
                )
                for r in scores
            ],
            className="w-rank",
            id="wall-station-ranking",
        ),
        html.H3("本周警情最多的网格"),
        html.Ol(
            [
                html.Li(
                    [html.Span(f"{r['name']}"), html.Span(f"{r['incidents_week']}", className="w-num")],
                    value=str(r["rank"]),
                )
                for r in grids
            ],
            className="w-rank",
            id="wall-grid-ranking",
        ),
        html.H3("红牌督办"),
        html.Ul(
            [
                html.Li(f"{r['what']} · {grid_name(names, r['grid_code'])} · 登记 {r['registered_at']:%m-%d}")
                for r in reds
            ]
            or [html.Li("无")],
            className="w-red",
            id="wall-red-cards",
        ),
    ]


def grid_name(names: dict[str, dict[str, str]], code: str | None) -> str:
    """A grid on the wall, read from across the room: its name alone (it says its village, so it is
    unique), the code only when the name is unknown."""
    return names["grid"].get(code or "", code or "")


def rotation(c: AppContext, n: int | None) -> tuple[dict[str, Any], str, list[Any]]:
    """The station shown at tick ``n``: map viewport, its name, its figures."""
    stations = c.cached(("stations", c.scope()), lambda: areas.stations(c.url, c.scope()))
    if not stations:
        return {}, "", []
    s = stations[bounds.count(n) % len(stations)]
    week = c.week()
    k = c.cached(
        ("wall-station", c.scope(), s["station_code"], week),
        lambda: indicators.kpis(c.url, c.scope(), Area("station", s["station_code"]), week),
    )
    viewport = {"bounds": [[s["y0"], s["x0"]], [s["y1"], s["x1"]]], "transition": "flyToBounds"}
    panel = [
        html.Div(F["incidents_week"].say(k), className="w-line"),
        html.Div([change_text(k["incidents_wow"], "环比"), " ", change_text(k["incidents_yoy"], "同比")]),
        html.Div(f"{F['events_open'].say(k)} · {F['red_cards'].say(k)}", className="w-line"),
        html.Div(F["hazards_open"].say(k), className="w-line"),
    ]
    return viewport, s["name"], panel


def layout(c: AppContext) -> html.Div:
    """The wall for the current viewer: whole-area figures, heat of the week, rankings."""
    return page(
        c,
        framing.area_extent(c),
        heat.heat_layer(c, "incidents", None, "week", 0, None, None),
        layers.area_layers(c, 11, None)[0],
        figures(c),
        rankings(c),
    )


def skeleton(c: AppContext) -> html.Div:
    """The wall's components without data (no query): its part of the app's validation layout."""
    off = {"url": "", "bounds": None}
    return page(c, framing.FALLBACK_EXTENT, off, layers.empty(), [], [])


def page(
    c: AppContext,
    ext: framing.Extent,
    week_heat: dict[str, Any],
    stations: dict[str, Any],
    kpis: list[Any],
    ranks: list[Any],
) -> html.Div:
    """The wall from its data: extent, this week's heat, station outlines, figures and rankings."""
    the_map = dl.Map(
        [
            dl.ImageOverlay(
                url=week_heat["url"] or "data:,",
                bounds=week_heat["bounds"] or framing.corners(ext),
                opacity=0.85,
                id="wall-heat",
            ),
            layers.geojson(
                data=stations,
                style=layers.STYLE_FN,
                interactive=False,
                id="wall-stations",
                hideout={"base": {"color": "#58a6ff", "weight": 2, "fillOpacity": 0.0}},
            ),
        ],
        id="wall-map",
        center=framing.centre(ext),
        zoom=framing.fit_zoom(ext, 900),
        bounds=framing.corners(ext),
        zoomControl=False,
        attributionControl=False,
        dragging=False,
        scrollWheelZoom=False,
        doubleClickZoom=False,
        keyboard=False,
        style={"height": "100%", "width": "100%", "background": "#0d1117"},
    )
    return html.Div(
        [
            html.Header(
                [html.H1(c.settings.title), html.Div(f"{c.week().label_zh()}", className="w-week")],
                className="w-head",
            ),
            html.Div(
                [
                    html.Section(kpis, className="w-left", id="wall-figures"),
                    html.Section(
                        [
                            the_map,
                            html.Div(
                                [
                                    html.Div(id="wall-current", className="w-current"),
                                    html.Div(id="wall-station-figures"),
                                ],
                                className="w-overlay",
                            ),
                        ],
                        className="w-centre",
                    ),
                    html.Section(ranks, className="w-right", id="wall-rankings"),
                ],
                className="w-body",
            ),
            dcc.Interval(id="wall-tick", interval=c.settings.wall_rotate_seconds * 1000),
            dcc.Interval(id="wall-refresh", interval=c.settings.wall_refresh_seconds * 1000),
        ],
        className="wall",
        id="wall",
    )


def register(app: Dash, c: AppContext) -> None:
    """Wire the wall's callbacks: the rotation through the stations and the periodic refresh."""

    @app.callback(
        Output("wall-map", "viewport"),
        Output("wall-current", "children"),
        Output("wall-station-figures", "children"),
        Input("wall-tick", "n_intervals"),
    )
    def _rotate(n):
        return rotation(c, n)

    @app.callback(
        Output("wall-figures", "children"),
        Output("wall-rankings", "children"),
        Output("wall-heat", "url"),
        Input("wall-refresh", "n_intervals"),
        prevent_initial_call=True,
    )
    def _refresh(_n):
        week_heat = heat.heat_layer(c, "incidents", None, "week", 0, None, None)
        return figures(c), rankings(c), week_heat["url"] or "data:,"
