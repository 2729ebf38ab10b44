"""The names written on the printed report's station map: each police zone's and grid's, inside
its outline where it fits, none over another nor over the map's scale bar and heat scale, at a size
read on paper (79 pixels to a centimetre: 1,400 across the page's 17.8 cm, and a map too tall
for that as many, drawn narrower: ``mapimage.print_width``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from PIL import ImageDraw, ImageFont
from shapely.geometry import Polygon, box
from shapely.ops import polylabel

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont
Box = tuple[float, float, float, float]  # left, top, right, bottom in pixels

# type sizes in the map's pixels: a zone's 30 (3.8 mm on paper, 10.8 pt), a grid's 22 (7.9 pt), or
# 20 (7.2 pt, the least that reads on paper) where 22 does not fit
SIZES = {"zone": 30, "grid": 22}
SMALLER = {"zone": 30, "grid": 20}
# a zone's and grid's names, and the words of the map's scale bar and heat scale (mapimage)
COLOURS = {"zone": (11, 61, 145, 255), "grid": (22, 99, 45, 255), "legend": (29, 39, 51, 255)}
HALO = 3  # pixels of white around each character, so a name reads over the heat and the lines
GAP = 6  # pixels kept free between two names


@dataclass(frozen=True)
class Name:
    kind: str  # "zone" or "grid"; "legend" for a word of the scale bar or heat scale
    text: str
    box: Box  # where it is written, halo included
    size: int  # its type size in pixels


def to_pixels(geom: shapely.Geometry, extent: Box, size: tuple[int, int]) -> shapely.Geometry:
    """``geom`` (degrees) in the pixels of an image of ``size`` showing ``extent`` (west, south,
    east, north)."""
    w, h = size

    def move(xy: np.ndarray) -> np.ndarray:
        return np.column_stack(
            [
                (xy[:, 0] - extent[0]) / (extent[2] - extent[0]) * w,
                (extent[3] - xy[:, 1]) / (extent[3] - extent[1]) * h,
            ]
        )

    return shapely.transform(geom, move)


def _largest(geom: shapely.Geometry) -> Polygon | None:
    polys = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon) and not g.is_empty]
    return max(polys, key=lambda p: p.area) if polys else None


def _texts(kind: str, text: str) -> list[str]:
    """What may be written for an area: its whole name, and for a grid that does not fit its
    number in its village alone (第6网格 of 白石社区·第6网格)."""
    short = text.rsplit("·", 1)[-1]
    return [text] if kind == "zone" or short == text else [text, short]


def place(
    areas: Sequence[tuple[str, str, shapely.Geometry]],
    font: Callable[[int], Font],
    size: tuple[int, int],
    keep_clear: Sequence[Box] = (),
) -> list[Name]:
    """Where each area's name is written: ``areas`` are (kind, name, outline in pixels), zones
    first, then grids, the larger first. A name lies inside its outline (a zone's may reach past it
    where its outline is too narrow), wholly inside the image, apart from every other name and
    from ``keep_clear``; an area whose name fits nowhere is left unnamed (its row is in the
    report's tables)."""
    order = sorted(areas, key=lambda a: (a[0] != "zone", -a[2].area))
    taken: list[shapely.Geometry] = [box(*b) for b in keep_clear]
    frame = box(0, 0, size[0], size[1]).buffer(-4)
    placed: list[Name] = []
    for kind, text, geom in order:
        poly = _largest(geom)
        if poly is None or not text:
            continue
        spot = _spot(kind, text, poly, font, frame, taken)
        if spot is not None:
            placed.append(spot)
            taken.append(box(*spot.box).buffer(GAP))
    return placed


def _spot(
    kind: str,
    text: str,
    poly: Polygon,
    font: Callable[[int], Font],
    frame: Polygon,
    taken: list[shapely.Geometry],
) -> Name | None:
    inner = poly.buffer(-2)
    if inner.is_empty:
        return None
    centre = polylabel(inner, tolerance=2) if isinstance(inner, Polygon) else inner.representative_point()
    tries = [
        (words, size) for words in _texts(kind, text) for size in dict.fromkeys([SIZES[kind], SMALLER[kind]])
    ]
    for words, size in tries:
        x0, y0, x1, y1 = font(size).getbbox(words, stroke_width=HALO)
        w, h = x1 - x0, y1 - y0
        steps = [(0, 0), (0, -1.2), (0, 1.2), (-0.6, 0), (0.6, 0), (0, -2.4), (0, 2.4)]
        for dx, dy in steps:
            cx, cy = centre.x + dx * w, centre.y + dy * h
            b = box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
            fits = poly.contains(b) or (kind == "zone" and poly.contains(shapely.Point(cx, cy)))
            if fits and frame.contains(b) and not any(b.intersects(t) for t in taken):
                return Name(kind, words, (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2), size)
    return None


def draw_names(draw: ImageDraw.ImageDraw, names: Sequence[Name], font: Callable[[int], Font]) -> None:
    """Write ``names`` where :func:`place` put them, in the colour of their outline, haloed white."""
    for n in names:
        cx, cy = (n.box[0] + n.box[2]) / 2, (n.box[1] + n.box[3]) / 2
        draw.text(
            (cx, cy),
            n.text,
            font=font(n.size),
            fill=COLOURS[n.kind],
            anchor="mm",
            stroke_width=HALO,
            stroke_fill=(255, 255, 255, 255),
        )
