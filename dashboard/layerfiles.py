"""The map's base layers as files the browser fetches and keeps: ``/_onemap/layers/<name>.geojson``.

Outlines (stations, zones, grids) with their names and the static point layers (smart
communities, cameras, workstations) change only with a load, so the map asks for them by URL
(dash-leaflet's GeoJSON ``url``) instead of carrying them in callbacks: the browser keeps each
answer and asks again with ``If-None-Match``; an unchanged layer costs a 304 and no query.

Every answer is the signed-in viewer's: the scope comes from the session, never from the URL. Its
ETag is a digest of the data's stamp, the viewer's scope and role, and the layer's arguments (the
key the dashboard's cache keeps it under), so a tag sent by another scope never matches and is
answered with this viewer's layer; ``Cache-Control: private, no-cache`` keeps shared caches out
and ``Vary: Cookie`` keeps one browser's sign-ins apart. A station out of scope is 404 (as if it
did not exist), malformed arguments 400, before any query.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlencode

import dash
from flask import Response, abort, request

from dashboard import bounds
from dashboard.context import AppContext
from dashboard.headers import REVALIDATED_PREFIXES
from dashboard.map import labels, layers
from dashboard.map.layers import PointLayer
from dashboard.names import area_names

PREFIX = REVALIDATED_PREFIXES[0]
AREA_FILES: dict[str, layers.AreaLayer] = {"stations": "station", "zones": "zone", "grids": "grid"}
LABEL_FILES = ("station-labels", "grid-labels")
# the point layers that change only with a load (alerts and supervisions change with every verdict)
STATIC_POINTS: tuple[PointLayer, ...] = ("smart_communities", "cameras", "workstations")
NAMES = (*AREA_FILES, *LABEL_FILES, *STATIC_POINTS)
CACHE_CONTROL = "private, no-cache"


def url(name: str, zoom: int | None = None, station: str | None = None) -> str:
    """The address of one layer file (arguments in a fixed order, so one layer has one URL)."""
    args = {k: v for k, v in (("z", zoom), ("station", station)) if v is not None}
    return f"{PREFIX}{name}.geojson" + (f"?{urlencode(args)}" if args else "")


def area_urls(c: AppContext, zoom: Any, station: Any) -> tuple[str, str, str, str, str]:
    """URLs of (stations, zones, grids, station names, grid names) for the browser's zoom and
    selected station; zones and grids only of a station in scope (a code out of it is dropped, so
    it never appears in what the browser is sent).

    ``zoom`` and ``station`` come from the browser: OutOfBounds unless a zoom and a code (or None).
    """
    z = round(bounds.zoom(zoom or None))
    code = bounds.code(station or None, optional=True)
    if code is not None and not c.scope().allows(code):
        code = None
    # below the labels' zoom grid names are not written: one empty file for every station
    named = code if z >= labels.LABEL_ZOOM else None
    return (
        url("stations", z),
        url("zones", z, code),
        url("grids", z, code),
        url("station-labels", z),
        url("grid-labels", z, named),
    )


def install(app: dash.Dash, c: AppContext) -> None:
    """Add the layer route to the app's Flask server (behind the login guard like every path)."""

    @app.server.route(f"{PREFIX}<name>.geojson")
    def _layer(name: str) -> Response:
        return serve(c, name)


def arguments(name: str) -> tuple[int, str | None]:
    """The request's (zoom, station) for layer ``name``; 404 for no such layer, 400 for anything
    but an ASCII zoom of two digits at most and a code (the point layers take neither)."""
    if name not in NAMES:
        abort(404)
    args = request.args
    allowed = {"z", "station"} if name not in STATIC_POINTS else set()
    z, station = args.get("z", "11"), args.get("station")
    if set(args) - allowed or any(len(v) > 1 for v in args.to_dict(flat=False).values()):
        abort(400)
    if not (z.isascii() and z.isdigit() and len(z) <= 2):
        abort(400)
    try:
        zoom = round(bounds.zoom(int(z)))
        code = bounds.code(station, optional=True)
    except bounds.OutOfBounds:
        abort(400)
    return zoom, code


def serve(c: AppContext, name: str) -> Response:
    """One layer file for the signed-in viewer: 304 when the browser's tag is the layer's, else
    the GeoJSON with its tag."""
    zoom, station = arguments(name)
    if station is not None and not c.scope().allows(station):
        abort(404)  # out of scope looks like no such station
    key = ("layer-file", name, zoom, station, c.settings.basemap_crs)
    tag = c.cache_tag(key)
    if request.if_none_match.contains(tag):
        return _headed(Response(status=304), tag)
    body = c.cached(key, lambda: json.dumps(content(c, name, zoom, station), separators=(",", ":")))
    return _headed(Response(body, mimetype="application/json"), tag)


def content(c: AppContext, name: str, zoom: int, station: str | None) -> dict[str, Any]:
    """The layer's FeatureCollection, computed as the map's callbacks did (same cached parts)."""
    for point in STATIC_POINTS:
        if name == point:
            return layers.point_layers(c, zoom, None, [point])[0]
    stations, zones, grids = layers.area_layers(c, zoom, station)
    if name == "station-labels":
        return labels.area_labels(stations, area_names(c)["station"])
    if name == "grid-labels":
        return labels.grid_labels(zoom, grids, area_names(c)["grid"])
    return {"stations": stations, "zones": zones, "grids": grids}[name]


def _headed(response: Response, tag: str) -> Response:
    response.set_etag(tag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["Vary"] = "Cookie"
    return response
