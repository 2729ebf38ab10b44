"""The demo county on real ground: 增城区's true outline, cut into towns and zones along generated roads.

The outline is the one vendored in ``data/boundaries`` (GCJ-02, as such outlines are exported),
brought to WGS-84 with the project's own inverse. Inside it a network of main roads is drawn; towns
(police station areas) and police zones are unions of the blocks those roads enclose, so every
boundary between two areas runs along a road. Grids and villages nest inside their town. The shapes
are generated: only the outline and the towns' names are real.
"""

from __future__ import annotations

import json
from functools import lru_cache

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Polygon, shape
from shapely.ops import polygonize, unary_union

from common.coords import gcj02_to_wgs84
from common.paths import PROJECT_ROOT
from etl.demo.geography import (
    M_PER_DEG_LAT,
    ROAD_STEMS,
    ROAD_SUFFIX_EW,
    ROAD_SUFFIX_NS,
    Geography,
    Road,
    draw_hotspots,
    sample_points,
)

OUTLINE = PROJECT_ROOT / "data" / "boundaries" / "440118_gcj02.geojson"
# 增城区's towns and subdistricts (2026): the real names, drawn on generated shapes
TOWNS = [
    "荔城街道",
    "增江街道",
    "朱村街道",
    "永宁街道",
    "新塘镇",
    "石滩镇",
    "中新镇",
    "正果镇",
    "派潭镇",
    "小楼镇",
    "仙村镇",
]
# where each town's seat lies (WGS-84, to a kilometre or so), in ``TOWNS`` order
SEATS = [
    (113.83, 23.29),
    (113.86, 23.31),
    (113.70, 23.27),
    (113.62, 23.19),
    (113.61, 23.13),
    (113.79, 23.17),
    (113.63, 23.31),
    (113.92, 23.42),
    (113.77, 23.53),
    (113.80, 23.38),
    (113.70, 23.14),
]
URBAN_CENTRE = (113.75, 23.25)  # the built-up south, between 荔城 and 新塘, where hot spots gather
URBAN_RADIUS_KM = 12.0
MIN_ROADS = 24  # blocks of about 3 km: the county is forty kilometres across
MIN_ZONES = 2  # police zones per station at the least


@lru_cache(maxsize=1)
def real_outline() -> MultiPolygon:
    """The district's outline in WGS-84: the vendored GCJ-02 outline, every vertex shifted back.

    Returns
    -------
    shapely.MultiPolygon
        Valid, in lon/lat degrees (the inverse is exact to well under a millimetre).
    """
    raw = shape(json.loads(OUTLINE.read_text(encoding="utf-8")))

    def back(c: np.ndarray) -> np.ndarray:
        return np.column_stack(gcj02_to_wgs84(c[:, 0], c[:, 1]))

    geom = shapely.make_valid(shapely.transform(raw, back))
    polys = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon)]
    return MultiPolygon(polys)


def _wavy(rng: np.random.Generator, lo: float, hi: float, at: float, amp: float) -> np.ndarray:
    """Offsets of a main road from its straight course: two slow waves, 0 at neither end."""
    t = np.linspace(0.0, 1.0, 64)
    phase = rng.uniform(0, 2 * np.pi, 2)
    wave = 0.6 * np.sin(2 * np.pi * 1.3 * t + phase[0]) + 0.4 * np.sin(2 * np.pi * 3.1 * t + phase[1])
    return np.column_stack([lo + t * (hi - lo), at + amp * wave + rng.uniform(-0.3, 0.3) * amp * t])


def _main_roads(rng: np.random.Generator, area: Polygon, n: int) -> tuple[list[Road], list[shapely.Geometry]]:
    """Named main roads winding across the county, east–west and north–south.

    Returns the roads (the longest piece of each inside the county, monotone along its course so
    doorplates count along it) and every piece clipped to the county, for cutting the blocks.
    """
    minx, miny, maxx, maxy = area.bounds
    pad = 0.01
    stems = list(rng.permutation(ROAD_STEMS))
    roads, cuts = [], []
    n_ew = n // 2
    for i in range(n):
        ew = i < n_ew
        k = i if ew else i - n_ew
        count = n_ew if ew else n - n_ew
        frac = (k + 0.5) / count + rng.uniform(-0.15, 0.15) / count
        if ew:
            amp = 0.25 * (maxy - miny) / count
            xy = _wavy(rng, minx - pad, maxx + pad, miny + frac * (maxy - miny), amp)
        else:
            amp = 0.25 * (maxx - minx) / count
            xy = _wavy(rng, miny - pad, maxy + pad, minx + frac * (maxx - minx), amp)[:, ::-1]
        clipped = LineString(xy).intersection(area)
        pieces = [
            g for g in getattr(clipped, "geoms", [clipped]) if isinstance(g, LineString) and g.length > 0
        ]
        if not pieces:
            continue
        cuts.extend(pieces)
        stem = stems[i % len(stems)] + ("" if i < len(stems) else str(i // len(stems) + 1))
        suffix = (ROAD_SUFFIX_EW if ew else ROAD_SUFFIX_NS)[k % 4]
        roads.append(Road(stem + suffix, max(pieces, key=lambda g: g.length), ew))
    return roads, cuts


def _blocks(area: Polygon, cuts: list[shapely.Geometry]) -> list[Polygon]:
    """The faces the roads cut the county into (they tile it exactly)."""
    noded = unary_union([area.exterior, *area.interiors, *cuts])
    inside = shapely.prepared.prep(area)
    return [f for f in polygonize(noded) if inside.contains(f.representative_point())]


def _shared(a: shapely.Geometry, b: shapely.Geometry) -> float:
    """Length of the border two areas share (0 for areas that only touch at a point)."""
    if not a.intersects(b):
        return 0.0
    return float(a.boundary.intersection(b.boundary).length)


def _merge_small(parts: list[Polygon], target: int) -> list[Polygon]:
    """Merge the smallest part into the neighbour it shares most border with, until ``target`` remain."""
    parts = list(parts)
    while len(parts) > max(1, target):
        i = int(np.argmin([p.area for p in parts]))
        borders = [(_shared(parts[i], p), j) for j, p in enumerate(parts) if j != i]
        length, j = max(borders)
        if length <= 0:
            break  # an island of its own: nothing to merge it into
        merged = unary_union([parts[i], parts[j]])
        parts = [p for k, p in enumerate(parts) if k not in (i, j)] + [_one(merged)]
    return parts


def _one(geom: shapely.Geometry) -> Polygon:
    """A union of neighbours as one polygon (slivers left by rounding are dropped)."""
    polys = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon)]
    return max(polys, key=lambda g: g.area)


def _towns(blocks: list[Polygon]) -> list[int]:
    """Town of each block: the nearest town seat's, so each town lies about where it really is;
    then a block cut off from the rest of its town joins the neighbour it shares most border with."""
    cent = np.array([[b.centroid.x, b.centroid.y] for b in blocks])
    kx = np.cos(np.radians(cent[:, 1].mean()))
    seats: list[int] = []
    for sx, sy in SEATS:  # each seat claims the nearest block no other seat has claimed
        order = np.argsort(np.hypot((cent[:, 0] - sx) * kx, cent[:, 1] - sy))
        seats.append(int(next(i for i in order if int(i) not in seats)))
    d = np.hypot((cent[:, None, 0] - cent[None, seats, 0]) * kx, cent[:, None, 1] - cent[None, seats, 1])
    owner = np.argmin(d, axis=1)
    owner[seats] = np.arange(len(seats))
    n = len(seats)
    for _ in range(5):
        moved = False
        for t in range(n):
            members = np.flatnonzero(owner == t)
            union = unary_union([blocks[i] for i in members])
            parts = [g for g in getattr(union, "geoms", [union]) if isinstance(g, Polygon)]
            if len(parts) <= 1:
                continue
            main = max(parts, key=lambda g: g.area)
            for i in members:
                if main.contains(blocks[i].representative_point()):
                    continue
                near = [
                    (_shared(blocks[i], blocks[j]), owner[j]) for j in range(len(blocks)) if owner[j] != t
                ]
                length, other = max(near)
                if length > 0:
                    owner[i] = other
                    moved = True
        if not moved:
            break
    return [int(o) for o in owner]


def _cells(area: Polygon, seeds: np.ndarray) -> list[Polygon]:
    """Voronoi cells of ``seeds`` inside ``area``, tiling it: a cell's pieces cut off by the area's
    shape join the cell they share most border with (or stay a cell of their own)."""
    if len(seeds) == 1:
        return [area]
    cells = shapely.voronoi_polygons(shapely.MultiPoint(seeds), extend_to=area.envelope.buffer(0.05))
    pieces = [cell.intersection(area) for cell in cells.geoms]
    mains, orphans = [], []
    for piece in pieces:
        polys = sorted(
            (g for g in getattr(piece, "geoms", [piece]) if isinstance(g, Polygon)), key=lambda g: -g.area
        )
        if polys:
            mains.append(polys[0])
            orphans.extend(polys[1:])
    for orphan in orphans:
        shared = [_shared(orphan, m) for m in mains]
        j = int(np.argmax(shared))
        if shared[j] > 0:
            mains[j] = _one(unary_union([mains[j], orphan]))
        else:  # touching no cell along a border: a grid of its own rather than a hole
            mains.append(orphan)
    return mains


def build_real(
    rng: np.random.Generator,
    n_zones: int,
    n_grids: int,
    n_villages: int,
    n_roads: int,
    centre: tuple[float, float],
) -> Geography:
    """Draw the county on its real outline: roads first, then the areas they bound.

    Parameters
    ----------
    rng : numpy.random.Generator
        The county's one random stream.
    n_zones, n_grids, n_villages : int
        Targets for police zones, governance grids and villages (each town gets at least one).
    n_roads : int
        Main roads (at least ``MIN_ROADS``).
    centre : tuple of float
        The district seat (WGS-84), where the surveying layers put the town parks.

    Returns
    -------
    Geography
        Eleven towns (one police station area each) with the real names, in ``TOWNS`` order.
    """
    district = real_outline()
    area = max(district.geoms, key=lambda g: g.area)
    roads, cuts = _main_roads(rng, area, max(MIN_ROADS, n_roads))
    blocks = _blocks(area, cuts)
    owner = _towns(blocks)
    stations = [
        _one(unary_union([b for b, o in zip(blocks, owner, strict=True) if o == t]))
        for t in range(len(TOWNS))
    ]
    total = sum(s.area for s in stations)
    zones: list[tuple[int, Polygon]] = []
    for t, station in enumerate(stations):
        members = [b for b, o in zip(blocks, owner, strict=True) if o == t]
        target = max(MIN_ZONES, round(n_zones * station.area / total))
        zones.extend((t, z) for z in _merge_small(members, target))
    kx = np.cos(np.radians(URBAN_CENTRE[1]))
    rx = URBAN_RADIUS_KM * 1000 / M_PER_DEG_LAT / kx
    hot = draw_hotspots(rng, area, *URBAN_CENTRE, rx)
    seeds = sample_points(rng, area, n_grids, hot, share_hot=0.5)
    vseeds = sample_points(rng, area, n_villages, hot, share_hot=0.3)
    grids: list[Polygon] = []
    grid_village: list[int] = []
    villages: list[tuple[int, Polygon]] = []
    for t, station in enumerate(stations):
        mine = seeds[shapely.contains_xy(station, seeds[:, 0], seeds[:, 1])]
        if len(mine) == 0:
            rp = station.representative_point()
            mine = np.array([[rp.x, rp.y]])
        cells = _cells(station, mine)
        vmine = vseeds[shapely.contains_xy(station, vseeds[:, 0], vseeds[:, 1])]
        if len(vmine) == 0:
            vmine = mine[:1]
        pts = np.array([[c.representative_point().x, c.representative_point().y] for c in cells])
        near = np.argmin(np.hypot(*(pts[:, None, :] - vmine[None, :, :]).transpose(2, 0, 1)), axis=1)
        for v in sorted(set(near.tolist())):
            members = [c for c, k in zip(cells, near, strict=True) if k == v]
            grid_village.extend([len(villages)] * len(members))
            grids.extend(members)
            villages.append((t, unary_union(members)))
    return Geography(
        district, stations, zones, grids, villages, grid_village, roads, hot, centre, TOWNS, roadside=True
    )
