"""The map's view in its URL, its print view and its picture: what makes a view shareable.

The period stays in the URL's query (``?week=&to=``, read by the router and every page); the
rest of the view goes into the fragment, which only the browser reads:
``#z=15&c=23.12345,113.54321&on=stations,grids,heat&heat=incidents&win=week&choro=grid&by=rate``.
Writing the fragment changes no page (the router listens to the path and the query only), and a
link opened in another browser restores the view before the map's first figures are asked for:
every filter is set in one step, and the callbacks that count wait for it.

Everything here runs in the browser (``assets/onemap_share.js``, no outside host): each value
read from a fragment is checked there for its shape and against the limits the server's callbacks
hold it to (sent with the seed: a value beyond them stays at its default rather than leave the map
with a filter every callback refuses), and again on the server by the callbacks it feeds
(:mod:`dashboard.bounds`).
"""

from __future__ import annotations

from dash import ClientsideFunction, Dash, Input, Output, State, dcc, html

from common.china import CHINA_LAT, CHINA_LON
from dashboard import bounds
from dashboard.map import hierarchy
from dashboard.map.framing import PLAYBACK_WEEKS

# the overlays on when the URL does not say (keys of the overlays, see overlays.overlays)
DEFAULT_ON = ("stations", "zones", "grids", "heat", "alerts", "supervisions", "workstations", "incidents")
OVERLAYS = (
    "stations",
    "zones",
    "grids",
    "choropleth",
    "heat",
    "incidents",
    "smart_communities",
    "cameras",
    "workstations",
    "alerts",
    "supervisions",
    "buildings",
    "rental_units",
    "hotspots",
    "risk",
)
# the filters the fragment holds: (its key, component id, property, kind of value); a "choice" is
# one of the options its radio buttons offer on the page (or of :data:`CHOICES`, where the page
# offers them only once another choice is restored: a governance level after its hierarchy)
FILTERS = (
    ("heat", "map-heat-kind", "value", "choice"),
    ("cats", "map-heat-cats", "value", "list"),
    ("win", "map-heat-window", "value", "choice"),
    ("wk", "map-week-offset", "value", "int"),
    ("d0", "map-heat-range", "start_date", "day"),
    ("d1", "map-heat-range", "end_date", "day"),
    ("over", "map-heat-over", "value", "list"),
    ("hier", "map-hierarchy", "value", "choice"),
    ("choro", "map-choro-level", "value", "choice"),
    ("by", "map-choro-metric", "value", "choice"),
    ("st", "map-selected-station", "data", "text"),
)


CHOICES = {"choro": [hierarchy.NONE[1], *hierarchy.LEVELS]}


def buttons() -> html.Div:
    """Print (A4 or A3 landscape), save the map as a PNG, and copy the view's link."""
    return html.Div(
        [
            html.Button("打印 A4", id="map-print-a4", n_clicks=0, title="A4 横向打印当前地图、图例和时段"),
            html.Button("打印 A3", id="map-print-a3", n_clicks=0, title="A3 横向打印当前地图、图例和时段"),
            html.Button("导出图片", id="map-export", n_clicks=0, title="把当前地图和图例存为 PNG 图片"),
            dcc.Clipboard(id="map-copy", title="复制本视图的链接", className="map-copy"),
            html.Span("复制链接", className="map-copy-label"),
        ],
        className="map-tools",
    )


def stores(fit: list[list[float]]) -> list[dcc.Store]:
    """The stores the browser-side callbacks use: a seed that fires the restore once per page,
    and the fragment last written. ``fit`` (Leaflet's corners of the viewer's extent) is the view
    a page without one in its fragment fits to, in the browser, at the map's real size: the
    server's zoom is a guess for a desktop window (a phone's map is a third as wide)."""
    config = {
        "fit": fit,
        "overlays": list(OVERLAYS),
        "filters": [[key, kind, ident] for key, ident, _, kind in FILTERS],
        # what the server's callbacks accept (dashboard.bounds): a value beyond them is not restored,
        # so a crafted or stale link never leaves the map with a filter every callback refuses
        "limits": {
            "int": [-(PLAYBACK_WEEKS - 1), 0],
            "zoom": [1, bounds.MAX_ZOOM],
            "lat": list(CHINA_LAT),
            "lon": list(CHINA_LON),
            "years": [bounds.MIN_YEAR, bounds.MAX_YEAR],
            "days": bounds.MAX_WINDOW_DAYS,
            "choices": CHOICES,
        },
    }
    return [dcc.Store(id="map-share-seed", data=config), dcc.Store(id="map-share-state")]


def register(app: Dash) -> None:
    """Wire the browser-side callbacks: restore a view from the fragment, write it back on every
    change, print, export, copy the link."""
    share = "onemapShare"
    app.clientside_callback(
        ClientsideFunction(share, "restore"),
        Output("map-view", "viewport", allow_duplicate=True),
        *[Output(f"map-ov-{k}", "checked") for k in OVERLAYS],
        # other callbacks set some of these too (the category filter, the playback, a station click)
        *[Output(ident, prop, allow_duplicate=True) for _, ident, prop, _ in FILTERS],
        Input("map-share-seed", "data"),
        prevent_initial_call="initial_duplicate",
    )
    app.clientside_callback(
        ClientsideFunction(share, "write"),
        Output("map-share-state", "data"),
        Input("map-view", "zoom"),
        Input("map-view", "center"),
        Input("map-layers", "overlays"),
        *[Input(ident, prop) for _, ident, prop, _ in FILTERS],
        State("map-share-seed", "data"),
    )
    app.clientside_callback(
        ClientsideFunction(share, "print"),
        Output("map-print-a4", "title"),
        Input("map-print-a4", "n_clicks"),
        Input("map-print-a3", "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(share, "exportPng"),
        Output("map-export", "title"),
        Input("map-export", "n_clicks"),
        prevent_initial_call=True,
    )
    app.clientside_callback(
        ClientsideFunction(share, "link"),
        Output("map-copy", "content"),
        Input("map-copy", "n_clicks"),
        prevent_initial_call=True,
    )


def print_frame(title: str, period: str) -> tuple[html.Div, html.Div]:
    """What a print or an exported picture carries with the map: its head (title and period) and
    the legends (heat and choropleth, filled by the page's callbacks)."""
    head = html.Div(
        [html.Div(title, className="print-title"), html.Div(period, id="map-print-period")],
        id="map-print-head",
        className="map-print-head",
    )
    legend = html.Div(
        [
            html.Div(id="map-heat-legend", className="legend"),
            html.Div(id="map-choro-legend", className="legend"),
            html.Div(id="map-analysis-legend", className="legend"),
        ],
        id="map-legend",
        className="map-legend",
    )
    return head, legend
