"""A station's maps for the printed report, drawn on the server: grid and zone outlines over heat
clipped to the station, with a scale bar and the heat scale's numbers (events per km²), and its
grids coloured by their emerging hot- or cold-spot class (研判)."""

from __future__ import annotations

import functools
import io
from datetime import datetime

import numpy as np
import shapely
import shapely.geometry
from PIL import Image, ImageColor, ImageDraw, ImageFont

from dashboard.hotspots import CLASS_COLOURS
from dashboard.map.heat import HEAT_UNIT, PALETTE, heat_points, render_heat
from dashboard.map.layers import AreaLayer, area_layer
from dashboard.map.legends import heat_ticks
from dashboard.queries import areas
from dashboard.queries.areas import Area
from dashboard.reports import mapnames
from dashboard.scope import Scope

WIDTH = 1400  # pixels across a map printed the page's width
# the largest a station's map prints (report.css img.map: the page's width within its margins and
# the body's 8 px, 210 - 2 x 14 - 4.2 mm; and no taller than page 1 leaves below the title); a map
# taller than that is drawn narrower, not shrunk on paper, so its names, lines and scales print
# the size they do on any other map (pdfimages reads 1,400 pixels across at 200 per inch)
PRINT_MM = (177.8, 200.0)
HEAT_STEP = 2  # the heat's pixels are this many of the map's each way
FONT = "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"  # Debian fonts-noto-cjk (as the PDF's)
BOLD = "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"  # the names on the map
M_PER_DEG = 111_320.0
JPEG_QUALITY = 90  # the station map's (see station_map)
# type sizes of the scale bar's and heat scale's words in the map's pixels (as mapnames.SIZES):
# the bar's length 22 (7.9 pt on paper), the heat scale's title and numbers 20 (7.2 pt)
BAR_SIZE, HEAT_SIZE = 22, 20
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


def print_width(extent: tuple[float, float, float, float]) -> int:
    """Pixels across the station map of ``extent``: :data:`WIDTH`, or fewer for an area taller
    than :data:`PRINT_MM` allows at the page's width (the map then prints at its full height, at
    the same pixels a millimetre as a map the page's width: 1,400 pixels make 7.9 a millimetre)."""
    tall = _ratio(extent) * PRINT_MM[0] / PRINT_MM[1]
    return max(HEAT_STEP, round(WIDTH / max(1.0, tall)))


def _ratio(extent: tuple[float, float, float, float]) -> float:
    """Height over width of ``extent`` on the ground."""
    return float(
        (extent[3] - extent[1]) / (extent[2] - extent[0]) / np.cos(np.radians((extent[1] + extent[3]) / 2))
    )


def hotspot_map(url: str, scope: Scope, station: str, classes: dict[str, str]) -> bytes:
    """PNG of the station's grids filled by their emerging class (``classes``: grid code → class;
    grids without one stay white), with the grid and station outlines."""
    extent = _extent(url, scope, station)
    ratio = _ratio(extent)
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
    # each grid's name where it fits, as on the station's map: the table below names the classes
    named = [
        (
            "grid",
            str(f["properties"].get("label") or ""),
            mapnames.to_pixels(shapely.geometry.shape(f["geometry"]), extent, canvas.size),
        )
        for f in grids
    ]
    mapnames.draw_names(draw, mapnames.place(named, _bold, canvas.size), _bold)
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
    """JPEG of the station's area: incident heat of [t0, t1), grid outlines, zone and station
    lines, and the zones' and grids' names (:func:`station_map_named`)."""
    return station_map_named(url, scope, station, t0, t1)[0]


def station_map_named(
    url: str, scope: Scope, station: str, t0: datetime, t1: datetime
) -> tuple[bytes, list[mapnames.Name]]:
    """JPEG of the station's area: incident heat of [t0, t1), grid outlines, zone and station lines,
    each zone's and grid's name where it fits (:func:`dashboard.reports.mapnames.place`); with
    every text written and where: the names, then the scale bar's and heat scale's words (kind
    ``legend``).

    JPEG because the PDF embeds it as it is, where a PNG is decoded and compressed again by the
    typesetter (a fifth of a second for this size); at this quality, with colour at full
    resolution (no chroma subsampling), the thin grid lines and the numbers print sharp.
    """
    extent = _extent(url, scope, station)
    x, y, w = heat_points(url, scope, "incidents", t0, t1, None, Area("station", station))
    # the heat is smooth at this kernel: counted at half the width and enlarged, a quarter of the work
    heat = render_heat(x, y, w, extent, pixels=print_width(extent) // HEAT_STEP, sigma_m=150)
    small = Image.open(io.BytesIO(heat.png)).convert("RGBA")
    layer = small.resize((small.width * HEAT_STEP, small.height * HEAT_STEP), Image.Resampling.BILINEAR)
    canvas = Image.new("RGBA", layer.size, (255, 255, 255, 255))
    width, height = canvas.size
    within = Area("station", station)
    # the heat stops at the station's edge (its kernel would spill past it onto its neighbours)
    inside = Image.new("L", layer.size, 0)
    edge = ImageDraw.Draw(inside)
    for feature in area_layer(url, scope, "station", 16, "WGS84", within)["features"]:
        for i, ring in enumerate(_pixels(shapely.geometry.shape(feature["geometry"]), extent, canvas.size)):
            edge.polygon(ring, fill=255 if i == 0 else 0)
    layer.putalpha(Image.composite(layer.getchannel("A"), inside, inside))
    canvas.alpha_composite(layer)
    draw = ImageDraw.Draw(canvas)
    named: list[tuple[str, str, shapely.Geometry]] = []
    for layer_name, colour, line in OUTLINES:
        fc = area_layer(url, scope, layer_name, 16, "WGS84", within)
        for feature in fc["features"]:
            geom = shapely.geometry.shape(feature["geometry"])
            for ring in _pixels(geom, extent, canvas.size):
                draw.line([*ring, ring[0]], fill=colour, width=line)
            if layer_name in mapnames.SIZES:
                name = str(feature["properties"].get("label") or "")
                named.append((layer_name, name, mapnames.to_pixels(geom, extent, canvas.size)))
    m_per_px = (extent[2] - extent[0]) * M_PER_DEG * np.cos(np.radians((extent[1] + extent[3]) / 2)) / width
    bar, bar_words = _scale_bar(draw, m_per_px, width, height)
    scale, scale_words = _heat_scale(draw, heat.peak, width, height, bar)
    names = mapnames.place(named, _bold, canvas.size, [b for b in (bar, scale) if b is not None])
    mapnames.draw_names(draw, names, _bold)
    out = io.BytesIO()
    canvas.convert("RGB").save(out, "JPEG", quality=JPEG_QUALITY, subsampling=0)
    return out.getvalue(), [*names, *bar_words, *scale_words]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:  # no CJK font installed: the numbers still read
        return ImageFont.load_default()


def _legend(
    draw: ImageDraw.ImageDraw, xy: tuple[float, float], words: str, size: int, anchor: str = "la"
) -> mapnames.Name:
    """Write a word of the scale bar or heat scale at ``xy``; what was written and where."""
    font = _font(size)
    draw.text(xy, words, fill=mapnames.COLOURS["legend"], font=font, anchor=anchor)
    return mapnames.Name("legend", words, draw.textbbox(xy, words, font=font, anchor=anchor), size)


@functools.lru_cache(maxsize=4)
def _bold(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.truetype(BOLD, size)
    except OSError:
        return _font(size)


def _scale_bar(
    draw: ImageDraw.ImageDraw, m_per_px: float, width: int, height: int
) -> tuple[tuple[float, float, float, float], list[mapnames.Name]]:
    """A scale bar of a round length (1, 2 or 5 times a power of ten metres), about a fifth of
    the map wide, lower left; the box it takes and its words."""
    target = m_per_px * min(280, width / 5)
    n = 10 ** np.floor(np.log10(target))
    metres = float(max(k * n for k in (1, 2, 5) if k * n <= target))
    px = metres / m_per_px
    x0, y0 = 30, height - 40
    words = f"{metres / 1000:g} 公里" if metres >= 1000 else f"{metres:g} 米"
    draw.rectangle([x0 - 10, y0 - 38, x0 + px + 10, y0 + 14], fill=(255, 255, 255, 230))
    draw.rectangle([x0, y0 - 4, x0 + px, y0 + 4], fill=mapnames.COLOURS["legend"])
    written = _legend(draw, (x0, y0 - 34), words, BAR_SIZE)
    return (x0 - 10, y0 - 38, x0 + px + 10, y0 + 14), [written]


def _heat_scale(
    draw: ImageDraw.ImageDraw,
    top: float,
    width: int,
    height: int,
    bar: tuple[float, float, float, float],
) -> tuple[tuple[float, float, float, float] | None, list[mapnames.Name]]:
    """The heat's colour ramp with its numbers (0 to the density drawn full red), lower right, or
    above the scale bar ``bar`` on a map too narrow for both side by side; the box it takes (None
    without heat) and its words."""
    ticks = heat_ticks(top)
    if not ticks:
        return None, []
    ramp_w, x1, y0 = max(min(420, round(width * 0.45)), min(240, width - 60)), width - 30, height - 70
    x0 = x1 - ramp_w
    if x0 - 12 < bar[2] + 20:  # beside the scale bar it would lie over it
        y0 = round(bar[1]) - 70
    draw.rectangle([x0 - 12, y0 - 40, x1 + 12, y0 + 56], fill=(255, 255, 255, 230))
    written = [_legend(draw, (x0, y0 - 36), f"警情热力（{HEAT_UNIT['incidents']}）", HEAT_SIZE)]
    for i in range(ramp_w):
        r, g, b, _ = PALETTE[round(i / (ramp_w - 1) * 255)]
        draw.line([(x0 + i, y0), (x0 + i, y0 + 14)], fill=(int(r), int(g), int(b), 255))
    for k, t in enumerate(ticks):
        x = x0 + ramp_w * k / (len(ticks) - 1)
        anchor = "la" if k == 0 else "ra" if k == len(ticks) - 1 else "ma"
        written.append(_legend(draw, (x, y0 + 20), t, HEAT_SIZE, anchor))
    return (x0 - 12, y0 - 40, x1 + 12, y0 + 56), written
