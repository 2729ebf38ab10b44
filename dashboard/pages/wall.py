"""The wall screen ``/wall``: 16:9, dark, unattended for weeks; goes through its playlist by itself
(whole area, each station, red cards, hot spots: :mod:`dashboard.map.playlist`), for the period
its URL names (``?week=…&to=…``, as every page), picked in its header.

Every size is in viewport units (assets/onemap.css, ``.wall``), so one layout fills any 16:9 screen
from 1366×768 to a 7680×4320 video wall. A failed refresh changes nothing on the screen but the
stale-data banner: the browser (assets/onemap_wall.js) notes when the last refresh succeeded and
turns the banner yellow past one missed refresh and red past ``ONEMAP_WALL_STALE_REFRESHES``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import dash_leaflet as dl
from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html

from common.china import TZ
from dashboard.context import AppContext
from dashboard.headlines import FIGURES as F
from dashboard.map import framing, heat, labels, layers
from dashboard.map.playlist import (
    headline,
    hot_grids,
    red_cards,
    rising_list,
    rotation,
    stations,
    view_at,
)
from dashboard.names import area_names
from dashboard.periodbar import as_of_text, carried, picker
from dashboard.periods import Period
from dashboard.queries import indicators
from dashboard.queries import supervision as supervisions
from dashboard.queries.elements import RedCard
from dashboard.supervision import badge
from dashboard.ui import changes

RED_LINES = 6  # red cards the list shows: each may take two lines, and all stay on the screen
WALL_STYLE_FN = {"variable": "onemap.wallStyle"}  # the outlines thicken with the screen (onemap_wall.js)


def figures(c: AppContext, period: Period) -> list[Any]:
    """The whole-area figures of ``period`` with week-on-week and year-on-year change."""
    k = headline(c, period)

    def big(key: str, ident: str, *subs: Any) -> html.Div:
        return _big(F[key].label, F[key].show(k), *subs, ident=ident)

    return [
        big("incidents_week", "wall-incidents", *changes(k)),
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


def rankings(c: AppContext, period: Period) -> list[Any]:
    """The station ranking, the grids with most incidents and the red cards of ``period``."""
    scope = c.scope()
    scores = c.cached(
        ("scores", scope, period),
        lambda: indicators.station_scores(c.url, scope, period, c.settings.score_weights()),
    )
    grids = hot_grids(c, period)
    reds = red_cards(c, period)
    q = carried(c, period)
    names = area_names(c)
    supervised = supervisions.of_items(c.url, scope, [r["event_no"] for r in reds[:RED_LINES]])
    return [
        html.H3("派出所考核排名"),
        html.Ol(
            [
                # numbered by the rank among all stations, not by the place in this viewer's list;
                # each name opens its station's page on the wall's period
                html.Li(
                    [
                        dcc.Link(r["name"], href=f"/station/{r['station_code']}{q}", className="w-link"),
                        html.Span(f"{r['score']:.1f}", className="w-num"),
                    ],
                    value=str(r["rank"]),
                )
                for r in scores
            ],
            className="w-rank",
            id="wall-station-ranking",
        ),
        html.H3(f"{F['incidents_week'].label}最多的网格"),
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
        *rising_list(c, period),
        html.H3("红牌督办"),
        html.Ul(
            [
                red_card(r, grid_name(names, r["grid_code"]), q, badge(supervised.get(r["event_no"])))
                for r in reds[:RED_LINES]
            ]
            or [html.Li("无")],
            className="w-red",
            id="wall-red-cards",
        ),
    ]


def red_card(r: RedCard, where: str, q: str, supervised: Any = "") -> html.Li:
    """One red card, read from across the room: what (opening the item's page, where a leader at
    the wall supervises it), where, when and its 督办 badge, wrapping onto a second line between
    its parts (never inside a name) rather than being cut short; the whole text in its title."""
    what, registered = r["what"], f"登记 {r['registered_at']:%m-%d}"
    return html.Li(
        [
            dcc.Link(what, href=f"/item/{r['event_no']}{q}", className="w-red-part w-link"),
            " · ",
            html.Span(where, className="w-red-part w-red-where"),
            " · ",
            html.Span(registered, className="w-red-part w-red-date"),
            *([" ", supervised] if supervised else []),
        ],
        title=f"{what} · {where} · {registered}",
    )


def grid_name(names: dict[str, dict[str, str]], code: str | None) -> str:
    """A grid on the wall, read from across the room: its name alone (it says its village, so it is
    unique), the code only when the name is unknown."""
    return names["grid"].get(code or "", code or "")


def station_labels(c: AppContext, outlines: dict[str, Any]) -> dict[str, Any]:
    """Station names as points inside each station's outline (the outline layer's datum)."""
    return labels.area_labels(outlines, {s["station_code"]: s["name"] for s in stations(c)})


def legend(week_heat: dict[str, Any]) -> list[Any]:
    """The heat legend: what is counted, and the densities at the ramp's ends (events per km²)."""
    if not week_heat["url"]:
        return [html.Div(week_heat["legend"], className="w-legend-title")]
    top = week_heat["scale"]
    ticks = ["0", f"{top / 2:,.1f}", f"≥{top:,.1f}"] if top else ["低", "", "高"]
    return [
        html.Div(week_heat["legend"], className="w-legend-title"),
        html.Div(className="w-ramp"),
        html.Div([html.Span(t) for t in ticks], className="w-ticks"),
        html.Div("起/平方公里" if top else "相对密度", className="w-legend-unit"),
    ]


def layout(c: AppContext, period: Period) -> html.Div:
    """The wall for the current viewer and ``period``: whole-area figures, heat of the period,
    rankings, and the period's picker in the header."""
    outlines = layers.area_layers(c, 11, None)[0]
    return page(
        c,
        framing.area_extent(c),
        heat.heat_layer(c, period, "incidents", None, "week", 0, None, None, ground="dark"),
        outlines,
        layers.basemap_shapes(c),
        station_labels(c, outlines),
        figures(c, period),
        rankings(c, period),
        as_of_text(c, period),
        picker(c, period),
    )


def skeleton(c: AppContext) -> html.Div:
    """The wall's components without data (no query): its part of the app's validation layout
    (the picker is the period bar's, in its skeleton)."""
    off = {"url": "", "bounds": None, "legend": "", "scale": None}
    e = layers.empty()
    return page(c, framing.FALLBACK_EXTENT, off, e, e, e, [], [], "", html.Div())


def page(
    c: AppContext,
    ext: framing.Extent,
    week_heat: dict[str, Any],
    stations: dict[str, Any],
    grids: dict[str, Any],
    labels: dict[str, Any],
    kpis: list[Any],
    ranks: list[Any],
    as_of_line: str,
    period_pick: Any,
) -> html.Div:
    """The wall from its data: extent, the period's heat, station and grid outlines, station names,
    figures, rankings, the data's as-of line and the period's picker."""
    the_map = dl.Map(
        [
            layers.geojson(
                data=grids,
                style=WALL_STYLE_FN,
                interactive=False,
                pane="tilePane",  # the grids are the basemap: under the heat, not over it
                id="wall-grids",
                hideout={"base": {"color": "#3d4a5c", "weight": 1, "fillColor": "#1b2433", "fillOpacity": 1}},
            ),
            dl.ImageOverlay(
                url=week_heat["url"] or "data:,",
                bounds=week_heat["bounds"] or framing.corners(ext),
                opacity=1.0,  # its colours carry their own strength, for the dark map (heat.RAMP_DARK)
                id="wall-heat",
            ),
            layers.geojson(
                data=stations,
                style=WALL_STYLE_FN,
                interactive=False,
                id="wall-stations",
                hideout={"base": {"color": "#58a6ff", "weight": 3, "fillOpacity": 0.0}},
            ),
            layers.geojson(
                data=layers.empty(),
                style=WALL_STYLE_FN,
                interactive=False,
                id="wall-focus",
                hideout={"base": {"weight": 3, "fillOpacity": 0.3}},
            ),
            layers.geojson(
                data=labels,
                pointToLayer={"variable": "onemap.wallLabel"},
                interactive=False,
                id="wall-labels",
            ),
        ],
        id="wall-map",
        center=framing.centre(ext),
        zoom=framing.fit_zoom(ext, 900),
        bounds=framing.corners(ext),
        boundsOptions={"padding": [0, 0]},
        zoomSnap=0.05,  # fit the area to the region exactly, whatever the screen (whole zooms leave bands)
        zoomControl=False,
        attributionControl=False,
        dragging=False,
        scrollWheelZoom=False,
        doubleClickZoom=False,
        keyboard=False,
        style={"height": "100%", "width": "100%", "background": "#0d1117"},
    )
    s = c.settings
    return html.Div(
        [
            html.Header(
                [
                    html.H1(s.title),
                    html.Div(period_pick, className="w-week", id="wall-week"),
                    html.Div(as_of_line, id="wall-as-of", className="w-as-of"),
                    html.Div(id="wall-clock", className="w-clock"),
                ],
                className="w-head",
            ),
            html.Div(id="wall-stale", className="w-stale ok"),
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
                            html.Div(legend(week_heat), className="w-legend", id="wall-legend"),
                        ],
                        className="w-centre",
                        id="wall-centre",
                    ),
                    html.Section(ranks, className="w-right", id="wall-rankings"),
                ],
                className="w-body",
            ),
            dcc.Interval(id="wall-tick", interval=s.wall_rotate_seconds * 1000),
            dcc.Interval(id="wall-refresh", interval=s.wall_refresh_seconds * 1000),
            dcc.Interval(id="wall-second", interval=1000),
            # what the server last delivered (its time), and when the browser received it
            dcc.Store(id="wall-ok", data=datetime.now(TZ).isoformat()),
            dcc.Store(id="wall-ok-at"),
            # set by the browser when the map's region changes size (the stale banner comes or goes)
            dcc.Store(id="wall-resized"),
            dcc.Store(
                id="wall-config",
                data={"refresh_ms": s.wall_refresh_seconds * 1000, "red_after": s.wall_stale_refreshes},
            ),
        ],
        className="wall",
        id="wall",
    )


def register(app: Dash, c: AppContext) -> None:
    """Wire the wall's callbacks: the rotation through the stations, the periodic refresh, and
    the clock and stale-data banner (in the browser, so they run when the server does not answer)."""

    @app.callback(
        Output("wall-map", "viewport"),
        Output("wall-current", "children"),
        Output("wall-station-figures", "children"),
        Output("wall-focus", "data"),
        Output("wall-tick", "interval"),
        Input("wall-tick", "n_intervals"),
        State("url", "search"),
    )
    def _rotate(n, search):
        # each view stays its own dwell time: the interval is set to it as the view comes up
        period = c.period(search)
        view = view_at(c, n)
        return (*rotation(c, n, period), (view.seconds if view else c.settings.wall_rotate_seconds) * 1000)

    @app.callback(
        Output("wall-figures", "children"),
        Output("wall-rankings", "children"),
        Output("wall-heat", "url"),
        Output("wall-legend", "children"),
        Output("wall-as-of", "children"),
        Output("wall-week", "children"),
        Output("wall-ok", "data"),
        Input("wall-refresh", "n_intervals"),
        State("url", "search"),
        prevent_initial_call=True,
    )
    def _refresh(_n, search):
        # any failure leaves every output as it was: the figures stay, the banner says how old
        period = c.period(search)
        week_heat = heat.heat_layer(c, period, "incidents", None, "week", 0, None, None, ground="dark")
        return (
            figures(c, period),
            rankings(c, period),
            week_heat["url"] or "data:,",
            legend(week_heat),
            as_of_text(c, period),
            # the picker too: past Monday 00:00 a wall on the default period shows the new week's
            # figures, and its header must name that week, not the one it was opened on
            picker(c, period),
            datetime.now(TZ).isoformat(),
        )

    app.clientside_callback(
        ClientsideFunction("onemapWall", "received"), Output("wall-ok-at", "data"), Input("wall-ok", "data")
    )
    # the banner takes its row from the map's region: the map measures itself again and re-frames
    # the view it shows, so nothing is pushed off the screen
    app.clientside_callback(
        ClientsideFunction("onemapWall", "refit"),
        Output("wall-map", "invalidateSize"),
        Output("wall-map", "viewport", allow_duplicate=True),
        Input("wall-resized", "data"),
        State("wall-map", "viewport"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction("onemapWall", "tick"),
        Output("wall-clock", "children"),
        Output("wall-stale", "children"),
        Output("wall-stale", "className"),
        Input("wall-second", "n_intervals"),
        State("wall-ok-at", "data"),
        State("wall-config", "data"),
    )
