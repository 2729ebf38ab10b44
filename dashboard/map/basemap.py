"""The local basemap: land, water, green areas, roads and building outlines from the warehouse.

Drawn when no tile server is configured (``ONEMAP_BASEMAP_URL`` replaces it whole). Every view
asks for what it shows: the layers are clipped to a box around the viewport (snapped, so nearby
views share one answer: the map page fetches them as files, :mod:`dashboard.layerfiles`),
simplified to the zoom and thinned by it (minor roads from zoom 13/14, outlines from street zoom
16), so a view is a few hundred kilobytes at most whatever the county's size. Features carry a
style key (``s``), never a code; names are written as labels at street zoom. Nothing is requested
from another host.
"""

from __future__ import annotations

import json
from typing import Any

import dash_leaflet as dl
import numpy as np
import shapely

from common.coords import from_wgs84
from dashboard import bounds
from dashboard.db import fetch_all
from dashboard.map.layers import geojson

Bbox = bounds.Bbox

# minimum zoom of each road class; a class's width grows with the zoom (see :func:`styles`)
ROAD_ZOOM = {"expressway": 0, "arterial": 0, "secondary": 11, "branch": 13, "lane": 14}
ROAD_ORDER = ("lane", "branch", "secondary", "arterial", "expressway")  # drawn bottom to top
FOOTPRINT_ZOOM = 16  # building outlines (street zoom)
POND_ZOOM = 13  # small water and parks appear from here
ROAD_NAME_ZOOM = 15  # road names, village and compound names
VILLAGE_NAME_ZOOM = 15  # (at 14 the grids' labels already name their villages)
TOWN_NAME_ZOOM = (10, 13)  # town names between these zooms
MAX_FOOTPRINTS = 6000  # outlines per view (a dense quarter at zoom 16 has a few thousand)
MAX_LABELS = 80
MAX_ROAD_LABELS = 30
MIN_LABEL_GAP_PX = 180  # road names no closer than this on the screen
LAND = "#f2efe9"
# functions of assets/onemap_map.js the basemap's GeoJSON components call by name
STYLE_FN = {"variable": "onemap.basemap"}
LABEL_FN = {"variable": "onemap.basemapLabel"}
COLOURS = {
    "land": {"color": "#d0c8bb", "weight": 1, "fillColor": LAND, "fillOpacity": 1, "className": "bm-land"},
    "water": {"stroke": False, "fillColor": "#a8cfe0", "fillOpacity": 1},
    "park": {"stroke": False, "fillColor": "#c8e6b4", "fillOpacity": 1},
    "forest": {"stroke": False, "fillColor": "#b5d69e", "fillOpacity": 1},
    "farmland": {"stroke": False, "fillColor": "#e9edcd", "fillOpacity": 1},
    "footprint": {
        "color": "#b9ada2",
        "weight": 0.8,
        "fillColor": "#d9d0c9",
        "fillOpacity": 1,
        "className": "bm-footprint",
    },
}
ROAD_COLOURS = {  # (fill, casing: the colour of its shadow in assets/onemap.css)
    "expressway": ("#e8924a", "#b7672a"),
    "arterial": ("#f7d070", "#c9a13e"),
    "secondary": ("#fdf3c2", "#c4b98a"),
    "branch": ("#ffffff", "#b8afa4"),
    "lane": ("#ffffff", "#c6bdb2"),
}
ROAD_WIDTH = {  # pixels at zoom 10, 13, 16 (in between: the lower one)
    "expressway": (3.0, 5.0, 10.0),
    "arterial": (2.5, 4.5, 9.0),
    "secondary": (1.5, 3.0, 7.0),
    "branch": (1.0, 2.0, 5.0),
    "lane": (0.8, 1.5, 3.5),
}


def styles(zoom: float) -> dict[str, dict[str, Any]]:
    """Style key → Leaflet path style at ``zoom`` (roads wider and casings visible as it grows)."""
    out = {k: dict(v) for k, v in COLOURS.items()}
    step = 2 if zoom >= 16 else 1 if zoom >= 13 else 0
    for cls, (fill, _casing) in ROAD_COLOURS.items():
        w = ROAD_WIDTH[cls][step]
        # the casing is the road's own shadow (assets/onemap.css), not a second line sent
        out[f"road_{cls}"] = {
            "color": fill,
            "weight": w,
            "lineCap": "round",
            "lineJoin": "round",
            "className": f"bm-road-line bm-casing-{cls}",
        }
    return out


def tolerance(zoom: float) -> float:
    """Simplification in degrees: about half a pixel at ``zoom``."""
    return 360.0 / (256 * 2 ** max(zoom, 0)) / 2


def grown(bbox: Bbox | None, margin: float = 0.25) -> Bbox | None:
    """A box grown by ``margin`` of its size each way (a map's edges show no cut)."""
    if bbox is None:
        return None
    dx, dy = (bbox[2] - bbox[0]) * margin, (bbox[3] - bbox[1]) * margin
    return (bbox[0] - dx, bbox[1] - dy, bbox[2] + dx, bbox[3] + dy)


def _rows(url: str, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    return fetch_all(url, sql, params)


def _clipped(view: str, cols: str, where: str, box: Bbox | None, tol: float) -> str:
    """A query over ``view``: its geometry clipped to the box (when given) and simplified."""
    geom = "st_intersection(geom, st_makeenvelope(:x0, :y0, :x1, :y1, 4326))" if box else "geom"
    cond = where + (" and geom && st_makeenvelope(:x0, :y0, :x1, :y1, 4326)" if box else "")
    return (
        f"select {cols}, st_asbinary(st_simplifypreservetopology({geom}, :tol)) as wkb "
        f"from {view} where {cond}"
    )


def shapes(url: str, zoom: float, bbox: Bbox | None, crs: str = "WGS84") -> dict[str, Any]:
    """The basemap's shapes for a view: a FeatureCollection, drawn in order, properties ``s`` (style key).

    Parameters
    ----------
    url : str
        Database URL (the application role: outlines come only with buildings in the viewer's scope).
    zoom : float
        The map's zoom.
    bbox : tuple, optional
        The box the shapes are cut to (west, south, east, north): what the map shows and a margin;
        None for the whole area (then no outlines).
    crs : str
        Datum the map is drawn in (overlays and basemap shift together).
    """
    box = bbox
    tol = tolerance(zoom)
    params: dict[str, Any] = {"tol": tol, "min_area": (tol * 4) ** 2}
    if box:
        params.update(dict(zip(("x0", "y0", "x1", "y1"), box, strict=True)))
    small = zoom >= POND_ZOOM
    parts: list[tuple[str, str]] = [("land", _clipped("serve.districts", "'land' as s", "true", box, tol))]
    green = "green_kind as s"
    parts.append(
        (
            "green",
            _clipped("serve.green_areas", green, "true" if small else "st_area(geom) > :min_area", box, tol),
        )
    )
    parts.append(
        (
            "water",
            _clipped(
                "serve.water_areas",
                "'water' as s",
                "true" if small else "st_area(geom) > :min_area",
                box,
                tol,
            ),
        )
    )
    classes = [c for c in ROAD_ORDER if zoom >= ROAD_ZOOM[c]]
    params["classes"] = classes
    parts.append(
        ("roads", _clipped("serve.roads", "road_class as s", "road_class = any(:classes)", box, tol))
    )
    features: list[dict[str, Any]] = []
    roads: list[dict[str, Any]] = []
    for name, sql in parts:
        rows = _rows(url, sql, params)
        if name == "roads":
            roads = rows
            continue
        features += _features(rows, crs, zoom)
    rank = {c: i for i, c in enumerate(ROAD_ORDER)}
    roads.sort(key=lambda r: rank[r["s"]])
    features += _features([{**r, "s": "road_" + r["s"]} for r in roads], crs, zoom)
    if zoom >= FOOTPRINT_ZOOM and box is not None:
        # the owner's function applies the viewer's scope as the policies do, on the outlines'
        # spatial index (which row-level security keeps a box test from probing)
        rows = _rows(
            url,
            "select 'footprint' as s, wkb from ops.box_footprints(:x0, :y0, :x1, :y1, :tol, :limit)"
            " order by building_code",
            {**params, "limit": MAX_FOOTPRINTS},
        )
        features += _features(rows, crs, zoom)
    return {"type": "FeatureCollection", "features": _merged(features)}


def _merged(features: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One multi-part feature per style key, in the order the keys first came (what is drawn
    first stays under): a few dozen features, whatever the number of roads and outlines."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for f in features:
        groups.setdefault(f["properties"]["s"], []).append(f["geometry"])
    out = []
    for key, geoms in groups.items():
        lines = [g for g in geoms if g["type"] in ("LineString", "MultiLineString")]
        kind, parts = ("MultiLineString", lines) if lines else ("MultiPolygon", geoms)
        coords: list[Any] = []
        for g in parts:
            if g["type"].startswith("Multi"):
                coords += g["coordinates"]
            elif g["type"] in ("LineString", "Polygon"):
                coords.append(g["coordinates"])
        if coords:
            out.append(
                {
                    "type": "Feature",
                    "geometry": {"type": kind, "coordinates": coords},
                    "properties": {"s": key},
                }
            )
    return out


def labels(
    url: str, zoom: float, bbox: Bbox | None, crs: str = "WGS84", streets: bool = False
) -> dict[str, Any]:
    """Names written on the ground for a view: towns at area zoom, villages from zoom 14, road and
    compound names at street zoom; properties ``label``, ``k`` (road, town, village, place) and, for
    roads, ``angle`` (degrees, the text along the road). ``streets``: the road names whatever the
    zoom (a map drawn once, which never fetches the street zoom's names; those too long for the
    road's length on the screen are left out)."""
    box = bbox
    out: list[dict[str, Any]] = []
    params: dict[str, Any] = dict(zip(("x0", "y0", "x1", "y1"), box, strict=True)) if box else {}
    env = "st_makeenvelope(:x0, :y0, :x1, :y1, 4326)"
    inside = f"geom && {env}" if box else "true"
    if TOWN_NAME_ZOOM[0] <= zoom <= TOWN_NAME_ZOOM[1]:
        out += _points(url, f"select name as label, 'town' as k, st_asbinary(st_pointonsurface(geom)) as wkb "
                       f"from serve.towns where {inside} and geom is not null", params)  # fmt: skip
    if zoom >= VILLAGE_NAME_ZOOM and box:
        out += _points(
            url,
            f"select name as label, 'village' as k, "
            f"st_asbinary(st_pointonsurface(st_intersection(geom, {env}))) as wkb "
            f"from serve.villages where {inside} and geom is not null",
            params,
        )
    if (zoom >= ROAD_NAME_ZOOM or streets) and box:
        out[:0] = _road_names(url, zoom, box, params)  # first: the labels are cut at MAX_LABELS
    if zoom >= ROAD_NAME_ZOOM and box:
        out += _points(
            url,
            f"select name as label, 'place' as k, st_asbinary(geom) as wkb from serve.communities "
            f"where geom && {env} and name is not null",
            params,
        )
    for f in out:
        f["geometry"]["coordinates"] = _shift_xy(f["geometry"]["coordinates"], crs)
    return {"type": "FeatureCollection", "features": out[:MAX_LABELS]}


def _points(url: str, sql: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for r in fetch_all(url, sql, params):
        p = shapely.from_wkb(bytes(r.pop("wkb")))
        if p is None or p.is_empty or not r.get("label"):
            continue
        out.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(p.x, 6), round(p.y, 6)]},
                "properties": {"label": r["label"], "k": r["k"]},
            }
        )
    return out


def _road_names(url: str, zoom: float, box: Bbox, params: dict[str, Any]) -> list[dict[str, Any]]:
    """One label per named road in view, at the middle of its longest visible part and along it,
    when that part is long enough for the name; major roads first, none crowding another."""
    rows = fetch_all(
        url,
        "select name, min(array_position(array['expressway', 'arterial', 'secondary', 'branch', 'lane'], "
        "road_class)) as rank, "
        "st_asbinary(st_intersection(st_union(geom), st_makeenvelope(:x0, :y0, :x1, :y1, 4326))) as wkb "
        "from serve.roads where geom && st_makeenvelope(:x0, :y0, :x1, :y1, 4326) "
        "and coalesce(name, '') <> '' group by name",
        params,
    )
    px = 256 * 2**zoom / 360  # pixels per degree of longitude
    lat = (box[1] + box[3]) / 2
    stretch = 1 / np.cos(np.radians(lat))  # a degree of latitude is longer on the screen
    candidates = []
    for r in rows:
        g = shapely.from_wkb(bytes(r["wkb"]))
        parts = [p for p in getattr(g, "geoms", [g]) if isinstance(p, shapely.LineString) and not p.is_empty]
        if parts:
            part = max(parts, key=lambda p: p.length)
            if part.length * px >= 14 * len(r["name"]) + 30:
                candidates.append((r["rank"], -part.length, r["name"], part))
    out: list[dict[str, Any]] = []
    placed: list[tuple[float, float]] = []
    for _, _, name, part in sorted(candidates, key=lambda c: (c[0], c[1], c[2])):
        mid = part.interpolate(0.5, normalized=True)
        if any(np.hypot((mid.x - x) * px, (mid.y - y) * px * stretch) < MIN_LABEL_GAP_PX for x, y in placed):
            continue
        placed.append((mid.x, mid.y))
        a = part.interpolate(max(part.project(mid) - 1e-5, 0))
        b = part.interpolate(min(part.project(mid) + 1e-5, part.length))
        angle = -float(np.degrees(np.arctan2((b.y - a.y) * stretch, b.x - a.x)))
        angle = angle - 180 if angle > 90 else angle + 180 if angle < -90 else angle
        out.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(mid.x, 6), round(mid.y, 6)]},
                "properties": {"label": name, "k": "road", "angle": round(angle, 1)},
            }
        )
    return out[:MAX_ROAD_LABELS]


def _shift_xy(xy: list[float], crs: str) -> list[float]:
    if _wgs84(crs):
        return xy
    x, y = from_wgs84(np.array([xy[0]]), np.array([xy[1]]), crs)
    return [round(float(x[0]), 6), round(float(y[0]), 6)]


def _wgs84(crs: str) -> bool:
    return crs.upper().replace("-", "") in ("WGS84", "EPSG:4326")


def _features(rows: list[dict[str, Any]], crs: str, zoom: float) -> list[dict[str, Any]]:
    """GeoJSON features (properties: the style key) from rows with ``wkb``; empty shapes dropped."""
    if not rows:
        return []
    geoms = shapely.from_wkb([bytes(r["wkb"]) for r in rows])
    if not _wgs84(crs):

        def move(xy: np.ndarray) -> np.ndarray:
            x, y = from_wgs84(xy[:, 0], xy[:, 1], crs)
            return np.column_stack([x, y])

        geoms = shapely.transform(geoms, move)
    digits = 5 if zoom < 17 else 6  # 5 decimals are a metre: under half a pixel below zoom 17
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, digits))
    keep = ~shapely.is_empty(geoms)
    return [
        {"type": "Feature", "geometry": json.loads(g), "properties": {"s": r["s"]}}
        for r, g, k in zip(rows, shapely.to_geojson(geoms), keep, strict=True)
        if k and r["s"]
    ]


def settled(view: Any) -> tuple[Any, Any]:
    """(zoom, bounds) of the view the browser stored once the map stood still (anything else: none)."""
    return (view.get("zoom"), view.get("bounds")) if isinstance(view, dict) else (None, None)


def local_layer() -> dl.BaseLayer:
    """The map's base layer when no tile server is configured: the shapes (``map-basemap``, in the
    ``basemap`` pane) and the names (``map-basemap-labels``, in ``basemap-labels``), fetched per view
    from the layer files whose addresses the page's callback sets (:mod:`dashboard.layerfiles`)."""
    return dl.BaseLayer(
        dl.LayerGroup(
            [
                geojson(
                    style=STYLE_FN,
                    hideout={"styles": {}},
                    interactive=False,
                    id="map-basemap",
                    pane="basemap",
                ),
                geojson(
                    pointToLayer=LABEL_FN,
                    hideout={"pane": "basemap-labels"},
                    interactive=False,
                    id="map-basemap-labels",
                ),
            ]
        ),
        name="本地底图",
        checked=True,
    )
