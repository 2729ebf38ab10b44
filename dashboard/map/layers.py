"""The map's GeoJSON: areas and points in the viewer's scope, in the basemap's datum.

No view ships raw points at low zoom: areas are simplified to the zoom, and point layers of many
features (buildings, rental units) are only sent for the viewport at street zoom. Overlays are
shifted to GCJ-02 when the basemap is in GCJ-02 (``ONEMAP_BASEMAP_CRS``). Every layer is filtered
by the scope here in Python and again by row-level security in PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
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
from dashboard.queries import verdicts
from dashboard.queries.areas import Area, scope_filter
from dashboard.scope import Scope

AreaLayer = Literal["station", "zone", "grid"]
PointLayer = Literal["smart_communities", "cameras", "workstations", "alerts", "buildings", "rental_units"]
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
    "buildings": ("serve.buildings", "building_code", "short_address", 15),
    "rental_units": ("serve.rental_units", "unit_code", "room_no", 16),
}
# coded columns a layer's tooltip says after its label, by their codebook words: (column, enum)
POINT_CODED: dict[PointLayer, tuple[tuple[str, EnumName], ...]] = {
    "cameras": (("camera_kind", "camera_kind"), ("ring", "ring")),
    "alerts": (("state", "alert_state"),),
}
# an alert's marker by its officers' state: open red, in hand amber or dark red, closed grey or green
ALERT_STATE_COLOURS = {
    "open": "#cf222e",
    "checking": "#bf8700",
    "confirmed": "#82071e",
    "false": "#8c959f",
    "resolved": "#1a7f37",
}
SMALL_LAYERS: list[PointLayer] = [k for k, v in POINT_LAYERS.items() if v[3] == 0]  # sent whole with the page
VIEW_LAYERS: list[PointLayer] = [k for k, v in POINT_LAYERS.items() if v[3] > 0]  # sent for the viewport
MAX_POINTS = 1200  # features per point layer and view (the rest: zoom in)
MAX_LABELS = 2000  # grids a label layer is drawn for (a station has a few hundred)
LABEL_ZOOM = 14  # grid codes are written on the map from this zoom on
# functions of assets/onemap_map.js that the GeoJSON components call by name
STYLE_FN = {"variable": "onemap.style"}
POINT_FN = {"variable": "onemap.point"}
LABEL_FN = {"variable": "onemap.label"}
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
    url: str, scope: Scope, layer: AreaLayer, zoom: float, crs: str = "WGS84", within: Area | None = None
) -> dict[str, Any]:
    """Stations, zones or grids in scope (optionally within an area) simplified for ``zoom``.

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

    Returns
    -------
    dict
        A GeoJSON FeatureCollection; properties ``code``, ``label`` and the layer's extra columns.
    """
    view, code, named, extra = AREA_LAYERS[layer]
    area = within or Area()
    f, params = scope_filter(scope, area, grids=layer == "grid")  # stations and zones have no grid code
    params = {**params, "tol": tolerance(zoom)}
    digits = 5 if zoom <= 13 else 6
    inner = (
        f"select {code} as code, {named} as label, {extra}, st_simplifypreservetopology(geom, :tol) as geom "
        f"from {view} where {f}"
    )
    if is_wgs84(crs):  # PostGIS writes the GeoJSON itself
        props = ", ".join(f"'{c}', t.{c}" for c in ["code", "label", *[e.strip() for e in extra.split(",")]])
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
) -> dict[str, Any]:
    """Points of a layer in scope, in the viewport (at most ``MAX_POINTS``); empty below its zoom."""
    view, code, named, min_zoom = POINT_LAYERS[layer]
    coded = [c for c, _ in POINT_CODED.get(layer, ())]
    if zoom < min_zoom:
        return {"type": "FeatureCollection", "features": []}
    cond, params = scope.where(), scope.params()
    if bbox is not None:
        cond += " and geom && st_makeenvelope(:x0, :y0, :x1, :y1, 4326)"
        params = {**params, "x0": bbox[0], "y0": bbox[1], "x1": bbox[2], "y1": bbox[3]}
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


# ------------------------------------------------------------------ per viewer, cached
def area_layers(c: AppContext, zoom: Any, station: Any) -> tuple[dict, dict, dict]:
    """Stations (always), and the zones and grids of the selected station.

    ``zoom`` and ``station`` come from the browser: OutOfBounds unless a zoom and a code (or None).
    """
    scope = c.scope()
    z = round(bounds.zoom(zoom or None))
    station = bounds.code(station or None, optional=True)
    crs = c.settings.basemap_crs

    def layer(name: AreaLayer, within: Area | None = None) -> dict[str, Any]:
        def compute() -> dict[str, Any]:
            fc = area_layer(c.url, scope, name, z, crs, within)
            for f in fc["features"]:
                props = f["properties"]
                f["properties"] = {"code": props["code"], "tooltip": f"{props['label']}（{props['code']}）"}
            return fc

        return c.cached(("area", name, scope, within, z, crs), compute)

    stations = layer("station")
    if not station or not scope.allows(station):
        return stations, empty(), empty()
    within = Area("station", station)
    zones = layer("zone", within)
    grids = layer("grid", within)
    return stations, zones, grids


def point_layers(
    c: AppContext, zoom: Any, view: Any, layers: list[PointLayer] | None = None
) -> list[dict[str, Any]]:
    """Point layers for the viewport, in ``layers`` order (default all): the small ones whole, the
    large ones (buildings, rental units) only in view from their minimum zoom.

    ``zoom`` and ``view`` (Leaflet's bounds) come from the browser: OutOfBounds unless a zoom and
    finite bounds in order, of at most street size where a layer is sent by viewport.
    """
    scope = c.scope()
    z = bounds.zoom(zoom or None)
    bbox = bounds.bbox(view or None)
    # alert markers show their state: cached per latest verdict, so a new one shows at once
    judged = verdicts.stamp(c.url) if "alerts" in (layers or POINT_LAYERS) else None
    out = []
    for layer in layers or list(POINT_LAYERS):
        min_zoom = POINT_LAYERS[layer][3]
        # small layers are sent whole and cached; below its zoom a layer is empty, whatever the view
        key_box = (bounds.street_bbox(bbox) if z >= min_zoom else bbox) if min_zoom else None

        def compute(layer: PointLayer = layer, key_box: Bbox | None = key_box) -> dict:
            fc = point_layer(c.url, scope, layer, z, key_box, c.settings.basemap_crs)
            for f in fc["features"]:
                p = f["properties"]
                words = [p["label"], *(label(enum, p[col]) for col, enum in POINT_CODED.get(layer, ()))]
                f["properties"] = {"code": p["code"], "tooltip": " · ".join(w for w in words if w)}
                if "state" in p:  # an alert's marker says its state by colour too
                    f["properties"]["colour"] = ALERT_STATE_COLOURS.get(
                        p["state"], ALERT_STATE_COLOURS["open"]
                    )
                f.pop("id", None)
            return fc

        out.append(
            c.cached(
                ("points", scope, layer, z >= min_zoom, key_box, c.settings.basemap_crs)
                + ((judged,) if layer == "alerts" else ()),
                compute,
            )
        )
    return out


def grid_labels(zoom: Any, grids: Any, names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Grid names and codes as labels at the grids' centres, only from ``LABEL_ZOOM`` on (the
    outlines come from the layer; ``names``: grid code → name, see :func:`dashboard.names.area_names`).

    The grid layer comes back from the browser: OutOfBounds unless it is a FeatureCollection of at
    most :data:`MAX_LABELS` features, each with a geometry and a code; the names are the server's,
    never read from the layer.
    """
    if bounds.zoom(zoom, default=0) < LABEL_ZOOM or not grids:
        return empty()
    listed = grids.get("features") if isinstance(grids, dict) else None
    if not isinstance(listed, list) or len(listed) > MAX_LABELS:
        raise bounds.OutOfBounds("not a grid layer")
    features = []
    for f in listed:
        code = bounds.feature_code(f)
        try:
            centre = shapely.geometry.shape(f["geometry"]).representative_point()
        except (KeyError, TypeError, ValueError, AttributeError, shapely.errors.ShapelyError) as e:
            raise bounds.OutOfBounds("not a grid outline") from e
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(centre.x, 6), round(centre.y, 6)]},
                "properties": {"code": code, "label": named_label(names or {}, code)},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def named_label(names: Mapping[str, str], code: str | None) -> str:
    """A grid's label on the map: its name over its code (the code alone when the name is unknown)."""
    name = names.get(code or "")
    return f"{name}\n{code}" if name else (code or "")


def basemap_shapes(c: AppContext) -> dict[str, Any]:
    """The local basemap when no tile server is configured: the viewer's grids, outlines only."""
    scope = c.scope()
    crs = c.settings.basemap_crs
    fc = c.cached(("base", scope, crs), lambda: area_layer(c.url, scope, "grid", 12, crs))
    return {"type": "FeatureCollection", "features": [{**f, "properties": {}} for f in fc["features"]]}
