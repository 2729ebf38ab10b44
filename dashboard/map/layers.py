"""The map's GeoJSON: areas and points in the viewer's scope, in the basemap's datum.

No view ships raw points at low zoom: areas are simplified to the zoom, and point layers of many
features (buildings, rental units) are only sent for the viewport at street zoom. Overlays are
shifted to GCJ-02 when the basemap is in GCJ-02 (``ONEMAP_BASEMAP_CRS``). Every layer is filtered
by the scope here in Python and again by row-level security in PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Literal, cast

import dash_leaflet as dl
import numpy as np
import shapely
import shapely.errors
import shapely.geometry

from common.codebook import EnumName, label
from common.coords import from_wgs84
from dashboard import bounds
from dashboard.context import AppContext
from dashboard.db import fetch_all, fetch_rows
from dashboard.map import popups
from dashboard.queries import judged
from dashboard.queries.areas import Area, scope_filter
from dashboard.scope import Scope

AreaLayer = Literal["station", "zone", "grid"]
PointLayer = Literal[
    "smart_communities",
    "cameras",
    "workstations",
    "alerts",
    "supervisions",
    "buildings",
    "rental_units",
    "incidents",
]
Bbox = bounds.Bbox

AREA_LAYERS: dict[AreaLayer, tuple[str, str, str, str]] = {
    # layer: (view, code column, label column, extra properties)
    "station": ("serve.stations", "station_code", "name", "station_code"),
    "zone": ("serve.zones", "zone_code", "name", "station_code"),
    "grid": ("serve.grids", "grid_code", "name", "station_code, zone_code"),
}
POINT_LAYERS: dict[PointLayer, tuple[str, str, str, int]] = {
    # layer: (view, code column, label expression, minimum zoom)
    "smart_communities": ("serve.smart_communities", "smart_code", "name", 0),
    "cameras": ("serve.cameras", "camera_code", "name", 0),
    "workstations": ("serve.workstations", "workstation_code", "name || ' · ' || theme", 0),
    "alerts": ("serve.alerts", "alert_id::text", "reason", 0),
    # 督办: open supervisions at their items (serve.supervision_marks), overdue ones in red
    "supervisions": ("serve.supervision_marks", "item_no", "what || ' · ' || unit", 0),
    "buildings": ("serve.buildings", "building_code", "short_address", 15),
    "rental_units": ("serve.rental_units", "unit_code", "room_no", 16),
    # one point per incident of the time window, at street zoom (the heat says where they pile up)
    "incidents": (
        "serve.incidents",
        "incident_no",
        "category_zh || ' · ' || to_char(reported_at at time zone 'Asia/Shanghai', 'MM-DD HH24:MI')",
        15,
    ),
}
TIMED: dict[PointLayer, str] = {"incidents": "reported_at"}  # layers of a time window: its column
# coded columns a layer's tooltip says after its label, by their codebook words: (column, enum)
POINT_CODED: dict[PointLayer, tuple[tuple[str, EnumName], ...]] = {
    "cameras": (("camera_kind", "camera_kind"), ("ring", "ring")),
    "alerts": (("state", "alert_state"),),
    "supervisions": (("mark", "supervision_state"),),
}
SUPERVISION_COLOURS = {"open": "#bf8700", "overdue": "#cf222e"}  # a supervision's marker: 逾期 red
# an alert's marker by its officers' state: open red, in hand amber or dark red, closed grey or green
ALERT_STATE_COLOURS = {
    "open": "#cf222e",
    "checking": "#bf8700",
    "confirmed": "#82071e",
    "false": "#8c959f",
    "resolved": "#1a7f37",
}
SMALL_LAYERS: list[PointLayer] = [k for k, v in POINT_LAYERS.items() if v[3] == 0]  # sent whole with the page
# sent for the viewport (the timed ones by a callback of their own, which knows the window)
VIEW_LAYERS: list[PointLayer] = [k for k, v in POINT_LAYERS.items() if v[3] > 0 and k not in TIMED]
MAX_POINTS = 1200  # features per point layer and view (the rest: zoom in)
# functions of assets/onemap_map.js that the GeoJSON components call by name
STYLE_FN = {"variable": "onemap.style"}
POINT_FN = {"variable": "onemap.point"}
LABEL_FN = {"variable": "onemap.label"}
STATION_LABEL_FN = {"variable": "onemap.stationLabel"}
CLUSTER_FN = {"variable": "onemap.cluster"}
# binds each feature's tooltip and popup as text: every GeoJSON on a page is made by geojson()
TEXT_FN = {"variable": "onemap.text"}


def geojson(**props: Any) -> dl.GeoJSON:
    """A GeoJSON component whose tooltips and popups are text, never HTML (names, codes and
    addresses come from data files; dash-leaflet's default would bind them as markup)."""
    return dl.GeoJSON(onEachFeature=TEXT_FN, **props)


def area_layer_named(name: str) -> AreaLayer | None:
    """``name`` as an area layer, or None when it is none (names come from requests and search hits)."""
    return cast(AreaLayer, name) if name in AREA_LAYERS else None


def empty() -> dict[str, Any]:
    """A FeatureCollection without features."""
    return {"type": "FeatureCollection", "features": []}


def tolerance(zoom: float) -> float:
    """Simplification tolerance in degrees: about a third of a pixel at this zoom."""
    return 360.0 / (256 * 2 ** max(zoom, 0)) / 3


def _shift(geoms: np.ndarray, crs: str) -> np.ndarray:
    if is_wgs84(crs):
        return geoms

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = from_wgs84(xy[:, 0], xy[:, 1], crs)
        return np.column_stack([x, y])

    return shapely.transform(geoms, move)


def _features(rows: list[dict[str, Any]], crs: str, digits: int = 6) -> dict[str, Any]:
    """GeoJSON features from rows with a ``wkb`` column (vectorised: no per-feature geometry work).

    Coordinates keep ``digits`` decimals: 6 is about 0.1 m, 5 about 1 m (plenty below zoom 14).
    """
    if not rows:
        return {"type": "FeatureCollection", "features": []}
    geoms = shapely.from_wkb([bytes(r.pop("wkb")) for r in rows])
    geoms = shapely.transform(_shift(geoms, crs), lambda xy: np.round(xy, digits))
    if (shapely.get_type_id(geoms) == 0).all():  # points: build the geometry directly
        xy = shapely.get_coordinates(geoms).tolist()
        geometry = [{"type": "Point", "coordinates": c} for c in xy]
    else:
        geometry = [json.loads(g) for g in shapely.to_geojson(geoms)]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "id": r.get("code"), "geometry": g, "properties": r}
            for r, g in zip(rows, geometry, strict=True)
        ],
    }


def is_wgs84(crs: str) -> bool:
    """Whether a datum name means WGS-84 (the warehouse's own: nothing to shift)."""
    return crs.upper().replace("-", "") in ("WGS84", "EPSG:4326")


def _collection(url: str, inner: str, props: str, geometry: str, digits: int, params: dict[str, Any]) -> dict:
    """A FeatureCollection assembled by PostGIS from ``inner`` (one JSON text, parsed once here)."""
    _, rows = fetch_rows(
        url,
        f"""
        select json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
                 json_build_object('type', 'Feature',
                                   'geometry', st_asgeojson({geometry}, {digits})::json,
                                   'properties', json_build_object({props})) order by t.code),
                 '[]'::json))::text
        from ({inner}) t
        """,
        params,
    )
    return json.loads(rows[0][0])


def area_layer(
    url: str,
    scope: Scope,
    layer: AreaLayer,
    zoom: float,
    crs: str = "WGS84",
    within: Area | None = None,
    columns: Sequence[str] = (),
    box: Bbox | None = None,
) -> dict[str, Any]:
    """Stations, zones or grids in scope (optionally within an area) simplified for ``zoom``, cut to
    ``box`` when given (a town's real outline has thousands of vertices; a street view needs the
    few inside it).

    Parameters
    ----------
    url : str
        Database URL (the application role, whose row-level security checks the scope again).
    scope : Scope
        The viewer's stations and, for a grid worker, grids: grids outside them are left out here.
    layer : AreaLayer
        ``"station"``, ``"zone"`` or ``"grid"``.
    zoom : float
        Map zoom the outlines are simplified for.
    crs : str
        Datum of the basemap (``"WGS84"`` or ``"GCJ02"``).
    within : Area, optional
        Only the areas inside this one (a station's zones and grids).
    columns : sequence of str
        More columns of the layer's view to put in the properties (names from this package's
        tables, never from a request).
    box : tuple, optional
        (west, south, east, north) in WGS-84: only the areas touching it, each cut to it.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection; properties ``code``, ``label``, the layer's extra columns and
        ``columns``.
    """
    view, code, named, extra = AREA_LAYERS[layer]
    extras = list(dict.fromkeys([e.strip() for e in extra.split(",")] + list(columns)))
    extra = ", ".join(extras)
    area = within or Area()
    f, params = scope_filter(scope, area, grids=layer == "grid")  # stations and zones have no grid code
    params = {**params, "tol": tolerance(zoom)}
    digits = 5 if zoom <= 13 else 6
    shape = "geom"
    if box is not None:
        envelope = "st_makeenvelope(:x0, :y0, :x1, :y1, 4326)"
        f += f" and geom && {envelope}"
        shape = f"st_clipbybox2d(geom, {envelope})"
        params.update(zip(("x0", "y0", "x1", "y1"), box, strict=True))
    inner = (
        f"select {code} as code, {named} as label, {extra}, "
        f"st_simplifypreservetopology({shape}, :tol) as geom from {view} where {f}"
    )
    if is_wgs84(crs):  # PostGIS writes the GeoJSON itself
        props = ", ".join(f"'{c}', t.{c}" for c in ["code", "label", *extras])
        return _collection(url, inner, props, "t.geom", digits, params)
    rows = fetch_all(url, f"select t.*, st_asbinary(t.geom) as wkb from ({inner}) t order by 1", params)
    for r in rows:
        r.pop("geom")
    return _features(rows, crs, digits)


def point_layer(
    url: str,
    scope: Scope,
    layer: PointLayer,
    zoom: float,
    bbox: Bbox | None,
    crs: str = "WGS84",
    window: tuple[datetime, datetime] | None = None,
) -> dict[str, Any]:
    """Points of a layer in scope, in the viewport (at most ``MAX_POINTS``); empty below its zoom.

    A timed layer (:data:`TIMED`) keeps the points of ``window`` (start included, end excluded)
    only. Properties: ``code``, ``label``, the layer's coded columns and its popup's columns.
    """
    view, code, named, min_zoom = POINT_LAYERS[layer]
    coded = list(dict.fromkeys([c for c, _ in POINT_CODED.get(layer, ())] + popups.columns(layer)))
    if zoom < min_zoom:
        return {"type": "FeatureCollection", "features": []}
    cond, params = scope.where(), scope.params()
    if bbox is not None:
        cond += " and geom && st_makeenvelope(:x0, :y0, :x1, :y1, 4326)"
        params = {**params, "x0": bbox[0], "y0": bbox[1], "x1": bbox[2], "y1": bbox[3]}
        if layer == "buildings":  # the same rows, found by key (row-level security keeps the box
            # test from probing the spatial index: the scope's every building was read)
            cond += " and building_code = any(array(select ops.box_buildings(:x0, :y0, :x1, :y1)))"
    if layer in TIMED:
        if window is None:
            return empty()
        cond += f" and {TIMED[layer]} >= :t0 and {TIMED[layer]} < :t1"
        params = {**params, "t0": window[0], "t1": window[1]}
    inner = (
        f"select {', '.join([f'{code} as code', f'{named} as label', *coded])}, geom from {view} "
        f"where {cond} and geom is not null order by 1 limit :limit"
    )
    params = {**params, "limit": MAX_POINTS + 1}
    if is_wgs84(crs):
        props = ", ".join(f"'{c}', t.{c}" for c in ["code", "label", *coded])
        fc = _collection(url, inner, props, "t.geom", 6, params)
    else:
        columns = ", ".join(["code", "label", *coded])
        rows = fetch_all(
            url, f"select {columns}, st_asbinary(geom) as wkb from ({inner}) t order by 1", params
        )
        fc = _features(rows, crs)
    fc["truncated"] = len(fc["features"]) > MAX_POINTS
    fc["features"] = fc["features"][:MAX_POINTS]
    return fc


def with_area_popups(layer: AreaLayer, fc: dict[str, Any]) -> dict[str, Any]:
    """An :func:`area_layer` answer (asked with ``popups.columns(layer)``) as the browser gets it:
    each feature's code, tooltip (name and code) and popup values only."""
    for f in fc["features"]:
        props = f["properties"]
        f["properties"] = {
            "code": props["code"],
            "tooltip": f"{props['label']}（{props['code']}）",
            **popups.values(layer, props),
        }
    return fc


def with_point_popups(layer: PointLayer, fc: dict[str, Any]) -> dict[str, Any]:
    """A :func:`point_layer` answer as the browser gets it: each feature's code, tooltip (label and
    coded words), popup values and, for an alert, its state's colour."""
    for f in fc["features"]:
        p = f["properties"]
        words = [p["label"], *(label(enum, p[col]) for col, enum in POINT_CODED.get(layer, ()))]
        f["properties"] = {
            "code": p["code"],
            "tooltip": " · ".join(w for w in words if w),
            **popups.values(layer, p),
        }
        if "state" in p:  # an alert's marker says its state by colour too
            f["properties"]["colour"] = ALERT_STATE_COLOURS.get(p["state"], ALERT_STATE_COLOURS["open"])
        if "mark" in p:  # a supervision's too: overdue red
            f["properties"]["colour"] = SUPERVISION_COLOURS.get(p["mark"], SUPERVISION_COLOURS["open"])
        f.pop("id", None)
    return fc


# ------------------------------------------------------------------ per viewer, cached
def area_layers(c: AppContext, zoom: Any, station: Any, box: Bbox | None = None) -> tuple[dict, dict, dict]:
    """Stations (always), and the zones and grids of the selected station (a grid worker's own
    grids while none is: what their map opens on); with a box (at street zoom:
    :func:`dashboard.map.framing.clip_box`), only their parts inside it.

    ``zoom`` and ``station`` come from the browser: OutOfBounds unless a zoom and a code (or None);
    ``box`` is the server's own (snapped, or checked where a URL named it).
    """
    scope = c.scope()
    z = round(bounds.zoom(zoom or None))
    station = bounds.code(station or None, optional=True)
    crs = c.settings.basemap_crs

    def layer(name: AreaLayer, within: Area | None = None) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            return with_area_popups(
                name, area_layer(c.url, scope, name, z, crs, within, popups.columns(name), box)
            )

        return c.cached(("area", name, scope, within, z, crs, box), compute)

    stations = layer("station")
    if not station or not scope.allows(station):
        return stations, empty(), layer("grid") if scope.grids is not None else empty()
    within = Area("station", station)
    zones = layer("zone", within)
    grids = layer("grid", within)
    return stations, zones, grids


def point_layers(
    c: AppContext,
    zoom: Any,
    view: Any,
    layers: list[PointLayer] | None = None,
    window: tuple[datetime, datetime] | None = None,
) -> list[dict[str, Any]]:
    """Point layers for the viewport, in ``layers`` order (default all but the timed ones): the
    small ones whole, the large ones (buildings, rental units, incidents) only in view from their
    minimum zoom; a timed layer (incidents) in ``window`` only.

    ``zoom`` and ``view`` (Leaflet's bounds) come from the browser: OutOfBounds unless a zoom and
    finite bounds in order, of at most street size where a layer is sent by viewport.
    """
    scope = c.scope()
    z = bounds.zoom(zoom or None)
    bbox = bounds.bbox(view or None)
    # alert and supervision markers show their state: cached per count of the scope's verdicts and
    # steps (and overdue supervisions), so a new one shows at once and one elsewhere keeps them
    shown = layers or POINT_LAYERS
    stamp = judged.scope_stamp(c.url, scope) if "alerts" in shown or "supervisions" in shown else (0, 0, 0)
    verdicts_seen, supervised = stamp[0], stamp[1:]
    out = []
    for layer in layers or [k for k in POINT_LAYERS if k not in TIMED]:
        min_zoom = POINT_LAYERS[layer][3]
        # small layers are sent whole and cached; below its zoom a layer is empty, whatever the view
        key_box = (bounds.street_bbox(bbox) if z >= min_zoom else bbox) if min_zoom else None

        def compute(layer: PointLayer = layer, key_box: Bbox | None = key_box) -> dict:
            return with_point_popups(
                layer, point_layer(c.url, scope, layer, z, key_box, c.settings.basemap_crs, window)
            )

        when = window if layer in TIMED else None
        key = ("points", scope, layer, z >= min_zoom, key_box, when, c.settings.basemap_crs)
        extra = (verdicts_seen,) if layer == "alerts" else supervised if layer == "supervisions" else ()
        out.append(c.cached(key + extra, compute))
    return out


def basemap_shapes(c: AppContext) -> dict[str, Any]:
    """The local basemap when no tile server is configured: the viewer's grids, outlines only."""
    scope = c.scope()
    crs = c.settings.basemap_crs
    fc = c.cached(("base", scope, crs), lambda: area_layer(c.url, scope, "grid", 12, crs))
    return {"type": "FeatureCollection", "features": [{**f, "properties": {}} for f in fc["features"]]}
