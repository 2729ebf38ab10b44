"""The map's base layers as files the browser fetches and keeps: ``/_onemap/layers/<name>.geojson``.

The local basemap (land, water, green, roads, building outlines from street zoom, and its names),
outlines (stations, zones, grids) with their names and the static point layers (smart
communities, cameras, workstations) change only with a load, so the map asks for them by URL
(dash-leaflet's GeoJSON ``url``) instead of carrying them in callbacks: the browser keeps each
answer and asks again with ``If-None-Match``; an unchanged layer costs a 304 and no query. The
page's callbacks only choose the URLs. A viewport's layers are asked for by zoom and a box of
whole cells (``box=i0,j0,i1,j1``, :func:`dashboard.map.framing.snap`): nearby views and a second
visit of a view name the same file. The box is checked here (integers, at most
:data:`dashboard.map.framing.MAX_CELLS` each way, only where and from the zoom the map sends one)
and reaches SQL only as parameters.

A static map (an area's drill page, a grid worker's ``/mine``: :mod:`dashboard.map.staticbase`)
asks for the same files, drawn once at the zoom it is fitted to: its names file carries
``streets=1``, the road names whatever the zoom (it never fetches the street zoom's), accepted
only where it changes the answer (a boxed names file below :data:`dashboard.map.basemap.ROAD_NAME_ZOOM`),
so one file still has one URL.

Every answer is the signed-in viewer's: the scope comes from the session, never from the URL. Its
ETag is a digest of the data's stamp, the viewer's scope and role, and the layer's arguments (the
key the dashboard's cache keeps it under), so a tag sent by another scope never matches and is
answered with this viewer's layer; ``Cache-Control: private, no-cache`` keeps shared caches out
and ``Vary: Cookie`` keeps one browser's sign-ins apart. A station out of scope is 404 (as if it
did not exist), malformed arguments 400, before any query.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

import dash
from flask import Response, abort, request

from dashboard import bounds
from dashboard.context import AppContext
from dashboard.headers import REVALIDATED_PREFIXES
from dashboard.map import basemap, framing, labels, layers
from dashboard.map.framing import Cells
from dashboard.map.layers import PointLayer
from dashboard.names import area_names

PREFIX = REVALIDATED_PREFIXES[0]
AREA_FILES: dict[str, layers.AreaLayer] = {"stations": "station", "zones": "zone", "grids": "grid"}
LABEL_FILES = ("station-labels", "grid-labels")
# the point layers that change only with a load (alerts and supervisions change with every verdict)
STATIC_POINTS: tuple[PointLayer, ...] = ("smart_communities", "cameras", "workstations")
BASEMAP_FILES = ("basemap", "basemap-labels")
NAMES = (*AREA_FILES, *LABEL_FILES, *STATIC_POINTS, *BASEMAP_FILES)
# the files cut to a box, and the zoom from which the map sends one (the basemap's: always)
BOXED = {**{n: framing.CLIP_ZOOM for n in AREA_FILES}, **{n: framing.BOX_ZOOM for n in BASEMAP_FILES}}
CACHE_CONTROL = "private, no-cache"


def url(
    name: str,
    zoom: int | None = None,
    station: str | None = None,
    cells: Cells | None = None,
    streets: bool = False,
) -> str:
    """The address of one layer file (arguments in a fixed order, so one layer has one URL);
    ``streets`` (the basemap's names of a static map) only where it changes the answer."""
    box = framing.cells_text(cells) if cells is not None else None
    street = "1" if streets and street_names(name, zoom, cells) else None
    args = {
        k: v
        for k, v in (("z", zoom), ("station", station), ("box", box), ("streets", street))
        if v is not None
    }
    return f"{PREFIX}{name}.geojson" + (f"?{urlencode(args, safe=',')}" if args else "")


def area_urls(c: AppContext, zoom: Any, station: Any, view: Any = None) -> tuple[str, str, str, str, str]:
    """URLs of (stations, zones, grids, station names, grid names) for the browser's zoom, view
    and selected station; zones and grids only of a station in scope (a code out of it is dropped,
    so it never appears in what the browser is sent); at street zoom the outlines cut to the
    view's box (:func:`dashboard.map.framing.clip_cells`), the names whole.

    ``zoom``, ``station`` and ``view`` (Leaflet's bounds) come from the browser: OutOfBounds
    unless a zoom, a code (or None) and finite bounds in order (or None).
    """
    z = round(bounds.zoom(zoom or None))
    code = bounds.code(station or None, optional=True)
    cells = framing.clip_cells(z, bounds.bbox(view or None))
    if code is not None and not c.scope().allows(code):
        code = None
    # below the labels' zoom grid names are not written: one empty file for every station
    named = code if z >= labels.LABEL_ZOOM else None
    return (
        url("stations", z, None, cells),
        url("zones", z, code, cells),
        url("grids", z, code, cells),
        url("station-labels", z),
        url("grid-labels", z, named),
    )


def basemap_urls(zoom: Any, view: Any) -> tuple[str | None, dict[str, Any], str | None]:
    """(URL of the local basemap's shapes, their styles as the layer's hideout, URL of its names)
    for the browser's zoom and view: from :data:`~dashboard.map.framing.BOX_ZOOM` the view's box
    with a margin (the names: without), below it the whole area; no URL for a boxed zoom without
    a view (the map has not stood still yet).

    ``zoom`` and ``view`` come from the browser: OutOfBounds unless a zoom and finite bounds in
    order (or None).
    """
    z = round(bounds.zoom(zoom or None))
    view = bounds.bbox(view or None)
    hideout = {"styles": basemap.styles(z)}
    if z < framing.BOX_ZOOM:
        return url("basemap", z), hideout, url("basemap-labels", z)
    if view is None:
        return None, hideout, None
    return (
        url("basemap", z, None, framing.snap(z, view, framing.BASEMAP_MARGIN)),
        hideout,
        url("basemap-labels", z, None, framing.snap(z, view, 0)),
    )


def street_names(name: str, zoom: int | None, cells: Cells | None) -> bool:
    """Whether ``streets`` changes a file: the basemap's names, boxed, below the road names' zoom
    (from it they hold the road names anyway; without a box they hold none)."""
    return (
        name == "basemap-labels" and cells is not None and zoom is not None and zoom < basemap.ROAD_NAME_ZOOM
    )


def install(app: dash.Dash, c: AppContext) -> None:
    """Add the layer route to the app's Flask server (behind the login guard like every path)."""

    @app.server.route(f"{PREFIX}<name>.geojson")
    def _layer(name: str) -> Response:
        return serve(c, name)


def arguments(
    name: str, args: Mapping[str, str], repeated: bool = False
) -> tuple[int, str | None, Cells | None, bool]:
    """A layer file's (zoom, station, box, streets) from its URL's arguments.

    Raises
    ------
    LookupError
        For no such layer.
    dashboard.bounds.OutOfBounds
        For anything but an ASCII zoom of two digits at most, a code (area and label files) and
        a box (:func:`dashboard.map.framing.parse_cells`) where the map sends one: on a boxed file
        from its zoom on, and always there on the basemap (its whole area at street zoom is
        too large to send); ``streets`` but as ``1`` where it changes the answer
        (:func:`street_names`); an argument given twice (``repeated``) or of another layer.
    """
    if name not in NAMES:
        raise LookupError(name)
    allowed = set() if name in STATIC_POINTS else {"z"} if name in BASEMAP_FILES else {"z", "station"}
    if name in BOXED:
        allowed.add("box")
    if name == "basemap-labels":
        allowed.add("streets")
    z, station, box, streets = args.get("z", "11"), args.get("station"), args.get("box"), args.get("streets")
    if set(args) - allowed or repeated:
        raise bounds.OutOfBounds("an argument of another layer, or given twice")
    if not (z.isascii() and z.isdigit() and len(z) <= 2):
        raise bounds.OutOfBounds("not a zoom")
    zoom = round(bounds.zoom(int(z)))
    code = bounds.code(station, optional=True)
    boxed_from = BOXED.get(name, bounds.MAX_ZOOM + 1)
    if box is not None and zoom < boxed_from:
        raise bounds.OutOfBounds("a box below the zoom the map sends one from")
    if box is None and name in BASEMAP_FILES and zoom >= boxed_from:
        raise bounds.OutOfBounds("the basemap at this zoom only by box")
    cells = framing.parse_cells(zoom, box) if box is not None else None
    if streets is not None and (streets != "1" or not street_names(name, zoom, cells)):
        raise bounds.OutOfBounds("streets only as 1, on a boxed names file below the road names' zoom")
    return zoom, code, cells, streets is not None


def serve(c: AppContext, name: str) -> Response:
    """One layer file for the signed-in viewer: 304 when the browser's tag is the layer's, else
    the GeoJSON with its tag; 404 for no such layer, 400 for malformed arguments (before any query)."""
    repeated = any(len(v) > 1 for v in request.args.to_dict(flat=False).values())
    try:
        zoom, station, cells, streets = arguments(name, request.args, repeated)
    except LookupError:
        abort(404)
    except bounds.OutOfBounds:
        abort(400)
    if station is not None and not c.scope().allows(station):
        abort(404)  # out of scope looks like no such station
    key = ("layer-file", name, zoom, station, cells, c.settings.basemap_crs) + (
        ("streets",) if streets else ()
    )
    tag = c.cache_tag(key)
    # weakly: a gzipped answer's tag is sent weak (dashboard/compress.py)
    if request.if_none_match.contains_weak(tag):
        return _headed(Response(status=304), tag)
    body = c.cached(
        key, lambda: json.dumps(content(c, name, zoom, station, cells, streets), separators=(",", ":"))
    )
    return _headed(Response(body, mimetype="application/json"), tag)


def content(
    c: AppContext,
    name: str,
    zoom: int,
    station: str | None,
    cells: Cells | None = None,
    streets: bool = False,
) -> dict[str, Any]:
    """The layer's FeatureCollection, computed as the map's callbacks did (same cached parts);
    cut to ``cells`` where given; the basemap's names with the road names whatever the zoom where
    ``streets``."""
    box = framing.cells_box(zoom, cells) if cells is not None else None
    for point in STATIC_POINTS:
        if name == point:
            return layers.point_layers(c, zoom, None, [point])[0]
    if name == "basemap":
        return basemap.shapes(c.url, zoom, box, c.settings.basemap_crs)
    if name == "basemap-labels":
        return basemap.labels(c.url, zoom, box, c.settings.basemap_crs, streets=streets)
    if name in LABEL_FILES:  # names of whole areas: one per area, wherever the view is
        box = None
    stations, zones, grids = layers.area_layers(c, zoom, station, box)
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
