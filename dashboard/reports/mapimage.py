"""A station's maps for the printed report, drawn on the server: grid and zone outlines over heat,
and its grids coloured by their emerging hot- or cold-spot class (研判)."""

from __future__ import annotations

import io
from datetime import datetime

import numpy as np
import shapely
import shapely.geometry
from PIL import Image, ImageColor, ImageDraw

from dashboard.hotspots import CLASS_COLOURS
from dashboard.map.heat import heat_points, render_heat
from dashboard.map.layers import AreaLayer, area_layer
from dashboard.queries import areas
from dashboard.queries.areas import Area
from dashboard.scope import Scope

WIDTH = 1400  # pixels; printed about 17 cm wide
OUTLINES: list[tuple[AreaLayer, tuple[int, int, int, int], int]] = [
    # drawn in this order, the wider lines last: layer, colour, width in pixels
    ("grid", (46, 160, 67, 255), 1),
    ("zone", (31, 111, 235, 255), 3),
    ("station", (11, 61, 145, 255), 5),
]


def _extent(url: str, scope: Scope, station: str) -> tuple[float, float, float, float]:
    bounds = areas.bounds(url, scope, Area("station", station))
    if bounds is None:
        raise ValueError(f"station {station} is not in scope")
    west, south, east, north = bounds
    pad_x, pad_y = (east - west) * 0.03, (north - south) * 0.03
    return (west - pad_x, south - pad_y, east + pad_x, north + pad_y)


def hotspot_map(url: str, scope: Scope, station: str, classes: dict[str, str]) -> bytes:
    """PNG of the station's grids filled by their emerging class (``classes``: grid code → class;
    grids without one stay white), with the grid and station outlines."""
    extent = _extent(url, scope, station)
    ratio = (
        (extent[3] - extent[1]) / (extent[2] - extent[0]) / np.cos(np.radians((extent[1] + extent[3]) / 2))
    )
    width = WIDTH // 2  # printed small, beside its legend
    canvas = Image.new("RGBA", (width, max(1, round(width * ratio))), (255, 255, 255, 255))
    draw = ImageDraw.Draw(canvas)
    within = Area("station", station)
    grids = area_layer(url, scope, "grid", 16, "WGS84", within)["features"]
    for feature in grids:
        fill = CLASS_COLOURS.get(classes.get(feature["properties"]["code"], ""))
        rings = _pixels(shapely.geometry.shape(feature["geometry"]), extent, canvas.size)
        if fill:
            draw.polygon(rings[0], fill=ImageColor.getrgb(fill))
        for ring in rings:
            draw.line([*ring, ring[0]], fill=(120, 130, 140, 255), width=1)
    for feature in area_layer(url, scope, "station", 16, "WGS84", within)["features"]:
        for ring in _pixels(shapely.geometry.shape(feature["geometry"]), extent, canvas.size):
            draw.line([*ring, ring[0]], fill=(11, 61, 145, 255), width=3)
    out = io.BytesIO()
    canvas.convert("RGB").save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()


def _pixels(
    geom: shapely.Geometry, extent: tuple[float, float, float, float], size: tuple[int, int]
) -> list[list[tuple[float, float]]]:
    """The rings of ``geom`` (each polygon's outer ring first) in the pixels of an image of ``size``
    showing ``extent``."""
    width, height = size
    rings = []
    for poly in getattr(geom, "geoms", [geom]):
        for ring in [poly.exterior, *poly.interiors]:
            xy = np.asarray(ring.coords)
            px = (xy[:, 0] - extent[0]) / (extent[2] - extent[0]) * width
            py = (extent[3] - xy[:, 1]) / (extent[3] - extent[1]) * height
            rings.append(list(zip(px.tolist(), py.tolist(), strict=True)))
    return rings


def station_map(url: str, scope: Scope, station: str, t0: datetime, t1: datetime) -> bytes:
    """PNG of the station's area: incident heat of [t0, t1), grid outlines, zone and station lines."""
    extent = _extent(url, scope, station)
    x, y, w = heat_points(url, scope, "incidents", t0, t1, None, Area("station", station))
    heat = render_heat(x, y, w, extent, pixels=WIDTH, sigma_m=150)
    layer = Image.open(io.BytesIO(heat.png)).convert("RGBA")
    canvas = Image.new("RGBA", layer.size, (255, 255, 255, 255))
    canvas.alpha_composite(layer)
    draw = ImageDraw.Draw(canvas)
    within = Area("station", station)
    for layer_name, colour, line in OUTLINES:
        fc = area_layer(url, scope, layer_name, 16, "WGS84", within)
        for feature in fc["features"]:
            for ring in _pixels(shapely.geometry.shape(feature["geometry"]), extent, canvas.size):
                draw.line([*ring, ring[0]], fill=colour, width=line)
    out = io.BytesIO()
    canvas.convert("RGB").save(out, "PNG", optimize=False, compress_level=6)
    return out.getvalue()
