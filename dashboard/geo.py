"""What the map draws: GeoJSON of areas and points, and heat rendered on the server as an image.

No view ships raw points at low zoom: areas are simplified to the zoom, point layers of many
features (buildings, rental units) are only sent for the viewport at street zoom, and heat is a
PNG of a kernel density, a few tens of kilobytes whatever the number of events.
Overlays are shifted to GCJ-02 when the basemap is in GCJ-02 (``ONEMAP_BASEMAP_CRS``).
"""

from __future__ import annotations

import base64
import io
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import numpy as np
import shapely
from PIL import Image
from scipy.ndimage import gaussian_filter

from common.coords import from_wgs84
from dashboard.db import fetch_all, fetch_rows
from dashboard.queries.areas import Area, scope_filter
from dashboard.scope import Scope

M_PER_DEG = 111_320.0

AREA_LAYERS = {
    # layer: (view, code column, label column, extra properties)
    "station": ("serve.stations", "station_code", "name", "station_code"),
    "zone": ("serve.zones", "zone_code", "name", "station_code"),
    "grid": ("serve.grids", "grid_code", "name", "station_code, zone_code"),
}
POINT_LAYERS = {
    # layer: (view, code column, label expression, minimum zoom)
    "smart_communities": ("serve.smart_communities", "smart_code", "name", 0),
    "cameras": ("serve.cameras", "camera_code", "name || ' · ' || ring", 0),
    "workstations": ("serve.workstations", "workstation_code", "name || ' · ' || theme", 0),
    "alerts": ("serve.alerts", "alert_id::text", "reason", 0),
    "buildings": ("serve.buildings", "building_code", "short_address", 15),
    "rental_units": ("serve.rental_units", "unit_code", "room_no", 16),
}
MAX_POINTS = 1200  # features per point layer and view (the rest: zoom in)


def tolerance(zoom: float) -> float:
    """Simplification tolerance in degrees: about a third of a pixel at this zoom."""
    return 360.0 / (256 * 2 ** max(zoom, 0)) / 3


def _shift(geoms: np.ndarray, crs: str) -> np.ndarray:
    if _is_wgs84(crs):
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


def _is_wgs84(crs: str) -> bool:
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
    url: str, scope: Scope, layer: str, zoom: float, crs: str = "WGS84", within: Area | None = None
) -> dict[str, Any]:
    """Stations, zones or grids in scope (optionally within an area) simplified for ``zoom``."""
    view, code, label, extra = AREA_LAYERS[layer]
    area = within or Area()
    f, params = scope_filter(scope, area, grids=layer == "grids")  # stations and zones have no grid code
    params = {**params, "tol": tolerance(zoom)}
    digits = 5 if zoom <= 13 else 6
    inner = (
        f"select {code} as code, {label} as label, {extra}, st_simplifypreservetopology(geom, :tol) as geom "
        f"from {view} where {f}"
    )
    if _is_wgs84(crs):  # PostGIS writes the GeoJSON itself
        props = ", ".join(f"'{c}', t.{c}" for c in ["code", "label", *[e.strip() for e in extra.split(",")]])
        return _collection(url, inner, props, "t.geom", digits, params)
    rows = fetch_all(url, f"select t.*, st_asbinary(t.geom) as wkb from ({inner}) t order by 1", params)
    for r in rows:
        r.pop("geom")
    return _features(rows, crs, digits)


def point_layer(
    url: str,
    scope: Scope,
    layer: str,
    zoom: float,
    bbox: tuple[float, float, float, float] | None,
    crs: str = "WGS84",
) -> dict[str, Any]:
    """Points of a layer in scope, in the viewport (at most ``MAX_POINTS``); empty below its zoom."""
    view, code, label, min_zoom = POINT_LAYERS[layer]
    if zoom < min_zoom:
        return {"type": "FeatureCollection", "features": []}
    cond, params = scope.where(), scope.params()
    if bbox is not None:
        cond += " and geom && st_makeenvelope(:x0, :y0, :x1, :y1, 4326)"
        params = {**params, "x0": bbox[0], "y0": bbox[1], "x1": bbox[2], "y1": bbox[3]}
    inner = (
        f"select {code} as code, {label} as label, geom from {view} where {cond} and geom is not null "
        "order by 1 limit :limit"
    )
    params = {**params, "limit": MAX_POINTS + 1}
    if _is_wgs84(crs):
        fc = _collection(url, inner, "'code', t.code, 'label', t.label", "t.geom", 6, params)
    else:
        rows = fetch_all(
            url, f"select code, label, st_asbinary(geom) as wkb from ({inner}) t order by 1", params
        )
        fc = _features(rows, crs)
    fc["truncated"] = len(fc["features"]) > MAX_POINTS
    fc["features"] = fc["features"][:MAX_POINTS]
    return fc


# ------------------------------------------------------------------ heat
HEAT_SOURCES = {
    "incidents": [
        "select geom, 1.0 as w, category as cat from serve.incidents where {f} "
        "and reported_at >= :t0 and reported_at < :t1"
    ],
    "risks": [
        "select geom, 1.0 as w, 'hazard' as cat from serve.hazards where {f} "
        "and found_at >= :t0 and found_at < :t1",
        "select geom, case when risk_level = 'high' then 3.0 else 1.0 end, 'dispute' from serve.disputes "
        "where {f} and found_at >= :t0 and found_at < :t1",
        "select geom, 2.0, 'alert' from serve.alerts where {f} and detected_at >= :t0 and detected_at < :t1",
    ],
}
RAMP = np.array(
    # transparent → blue → green → yellow → red (position, r, g, b, alpha)
    [
        [0.0, 0, 0, 255, 0],
        [0.15, 0, 90, 255, 110],
        [0.4, 0, 200, 120, 170],
        [0.7, 255, 220, 0, 200],
        [1.0, 230, 20, 20, 230],
    ],
)


PALETTE = np.stack([np.interp(np.arange(256) / 255, RAMP[:, 0], RAMP[:, k]) for k in range(1, 5)], axis=-1)
PALETTE[: round(0.02 * 255) + 1, 3] = 0  # the faintest levels are fully transparent


@dataclass
class Heat:
    """A heat image and where it lies (south-west and north-east corners, display datum)."""

    png: bytes
    bounds: list[list[float]]
    total: float
    peak: float

    def data_url(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.png).decode()


def heat_points(
    url: str,
    scope: Scope,
    kind: str,
    t0: datetime,
    t1: datetime,
    categories: list[str] | None = None,
    area: Area | None = None,
    cell_m: float = 50.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Event weights binned on the server to ``cell_m`` cells: x, y (WGS-84) and weight."""
    f, params = scope_filter(scope, area or Area())
    union = " union all ".join(q.format(f=f) for q in HEAT_SOURCES[kind])
    cat = "and cat = any(cast(:cats as text[]))" if categories else ""
    cell = cell_m / M_PER_DEG
    _, rows = fetch_rows(
        url,
        f"select round(st_x(geom) / :cell) * :cell as x, round(st_y(geom) / :cell) * :cell as y, "
        f"sum(w)::float8 as w "
        f"from ({union}) e where geom is not null {cat} group by 1, 2",
        {**params, "t0": t0, "t1": t1, "cell": cell, "cats": categories or []},
    )
    if not rows:
        return np.array([]), np.array([]), np.array([])
    xyw = np.array(rows, dtype=float)
    return xyw[:, 0], xyw[:, 1], xyw[:, 2]


def raster_size(
    extent: tuple[float, float, float, float], sigma_m: float, pixels: int | None
) -> tuple[int, int]:
    """Columns and rows of a heat raster: ``pixels`` wide, or by default two pixels per kernel
    sigma (enough to draw a Gaussian smoothly; the browser interpolates when zoomed in), 128–512."""
    west, south, east, north = extent
    width_m = (east - west) * M_PER_DEG * np.cos(np.radians((south + north) / 2))
    height_m = (north - south) * M_PER_DEG
    nx = pixels or int(np.clip(round(2 * width_m / sigma_m), 128, 512))
    return nx, max(1, round(nx * height_m / max(width_m, 1.0)))


def density(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    extent: tuple[float, float, float, float],
    pixels: int | None = None,
    sigma_m: float = 250.0,
) -> tuple[np.ndarray, tuple[int, int]]:
    """Kernel density of weighted points on a raster over ``extent`` (weight per km², so rasters
    of any size share one scale), and the raster's size."""
    west, south, east, north = extent
    nx, ny = raster_size(extent, sigma_m, pixels)
    width_m = (east - west) * M_PER_DEG * np.cos(np.radians((south + north) / 2))
    cell_km2 = (width_m / nx) * ((north - south) * M_PER_DEG / ny) / 1e6
    grid = np.zeros(ny * nx, dtype=np.float32)
    if len(x):
        ix = np.clip(((x - west) / (east - west) * nx).astype(int), 0, nx - 1)
        iy = np.clip(((north - y) / (north - south) * ny).astype(int), 0, ny - 1)
        grid = np.bincount(iy * nx + ix, weights=w / cell_km2, minlength=ny * nx).astype(np.float32)
    sigma = max(sigma_m / (width_m / nx), 0.5)
    return gaussian_filter(grid.reshape(ny, nx), sigma=sigma, mode="constant", truncate=3.0), (nx, ny)


def render_heat(
    x: np.ndarray,
    y: np.ndarray,
    w: np.ndarray,
    extent: tuple[float, float, float, float],
    crs: str = "WGS84",
    pixels: int | None = None,
    sigma_m: float = 250.0,
    peak: float | None = None,
) -> Heat:
    """Kernel density of weighted points over ``extent`` (west, south, east, north) as an RGBA PNG.

    ``peak`` fixes the density that maps to full red (so weeks of a playback share one scale).
    """
    raster, _ = density(x, y, w, extent, pixels, sigma_m)
    west, south, east, north = extent
    top = peak if peak is not None else float(raster.max())
    level = np.clip(raster / top, 0, 1) if top > 0 else raster
    # a 256-colour palette PNG with alpha: small, and fast to encode
    index = np.round(level * 255).astype(np.uint8)
    image = Image.fromarray(index, "P")
    image.putpalette(PALETTE[:, :3].astype(np.uint8).tobytes(), rawmode="RGB")
    buf = io.BytesIO()
    image.save(buf, "PNG", transparency=PALETTE[:, 3].astype(np.uint8).tobytes(), compress_level=3)
    corners = np.array([[west, south], [east, north]])
    if not _is_wgs84(crs):
        cx, cy = from_wgs84(corners[:, 0], corners[:, 1], crs)
        corners = np.column_stack([cx, cy])
    return Heat(
        png=buf.getvalue(),
        bounds=[[float(corners[0, 1]), float(corners[0, 0])], [float(corners[1, 1]), float(corners[1, 0])]],
        total=float(w.sum()),
        peak=float(raster.max()),
    )
