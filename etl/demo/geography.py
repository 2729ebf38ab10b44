"""The demo county's geography: boundary, stations, zones, grids, divisions, roads and hot spots."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box
from shapely.ops import unary_union

M_PER_DEG_LAT = 110_900.0


@dataclass(frozen=True)
class Place:
    """Which district a demo area stands for, and where it lies (WGS-84 centre)."""

    district_code: str
    district_name: str
    city: str
    province: str
    cx: float
    cy: float

    @property
    def prefix(self) -> str:
        """The start of a full standard address: province, city, district."""
        return f"{self.province}{self.city}{self.district_name}"


COUNTY = Place("440118", "增城区", "广州市", "广东省", 113.83, 23.29)
# The city scale is delivered district by district (one directory and manifest each), so that
# no district's tables are ever held in memory together with another's. Codes are Fuzhou's.
CITY_DISTRICTS = [
    ("350102", "鼓楼区"),
    ("350103", "台江区"),
    ("350104", "仓山区"),
    ("350105", "马尾区"),
    ("350111", "晋安区"),
    ("350112", "长乐区"),
    ("350121", "闽侯县"),
    ("350122", "连江县"),
    ("350123", "罗源县"),
    ("350124", "闽清县"),
    ("350125", "永泰县"),
    ("350181", "福清市"),
]

TOWN_NAMES = [
    "荔城街道",
    "增江街道",
    "朱村街道",
    "永宁街道",
    "荔湖街道",
    "宁西街道",
    "新塘镇",
    "石滩镇",
    "中新镇",
    "派潭镇",
    "小楼镇",
    "正果镇",
    "仙村镇",
    "三江镇",
]
ROAD_STEMS = [
    "荔景",
    "府佑",
    "挂绿",
    "光明",
    "民生",
    "增城",
    "站前",
    "新城",
    "朱村",
    "凤凰",
    "夏街",
    "廖村",
    "金竹",
    "富鹏",
    "岗前",
    "沙埔",
    "太平",
    "东湖",
    "西园",
    "荔乡",
    "雁塔",
    "百花",
    "合汇",
    "腊圃",
    "三联",
    "沙庄",
    "蒌元",
    "城丰",
    "白湖",
    "石厦",
]
ROAD_SUFFIX_EW = ["大道", "路", "大街", "路"]
ROAD_SUFFIX_NS = ["路", "大道", "街", "路"]
VILLAGE_STEMS = [
    "荔园",
    "城丰",
    "夏街",
    "廖村",
    "西山",
    "东园",
    "光明",
    "金竹",
    "新桥",
    "沙村",
    "岗贝",
    "太平",
    "凤岗",
    "白石",
    "塘美",
    "南门",
    "挂绿",
    "鹤山",
    "瑶田",
    "竹园",
    "罗岗",
    "石岗",
    "联益",
    "富民",
    "锦绣",
    "和平",
    "群星",
    "龙角",
    "兴华",
    "东湖",
]


@dataclass
class Road:
    """A named straight road; doorplates run along it, odd on one side and even on the other."""

    name: str
    line: LineString
    east_west: bool


@dataclass
class HotSpot:
    """A persistent cluster of activity (city village, transport hub, market …)."""

    kind: str
    x: float
    y: float
    sigma_m: float
    weight: float


@dataclass
class Geography:
    """Everything spatial the other generators place things into (all WGS-84)."""

    district: MultiPolygon
    stations: list[Polygon]
    zones: list[tuple[int, Polygon]]  # (station index, polygon)
    grids: list[Polygon]
    villages: list[tuple[int, Polygon]]  # (town index, polygon)
    grid_village: list[int]
    roads: list[Road]
    hotspots: list[HotSpot]
    centre: tuple[float, float]
    town_names: list[str] | None = None  # the towns' real names, in station order, on real ground
    roadside: bool = False  # buildings far from every road move to the roadside (real ground)


def _wobbly_ring(rng: np.random.Generator, cx: float, cy: float, rx: float, ry: float) -> Polygon:
    """An irregular, valid boundary around a centre (a county is never a rectangle)."""
    angles = np.linspace(0, 2 * np.pi, 72, endpoint=False)
    radius = 1 + 0.10 * np.sin(3 * angles + rng.uniform(0, 6)) + rng.normal(0, 0.025, angles.size)
    xs = cx + rx * radius * np.cos(angles)
    ys = cy + ry * radius * np.sin(angles)
    return shapely.make_valid(Polygon(zip(xs, ys, strict=True))).buffer(0)


def _split(poly: Polygon, nx: int, ny: int, rng: np.random.Generator, jitter: float) -> list[Polygon]:
    """Cut a polygon into nx × ny jittered blocks (police agencies draw along roads)."""
    minx, miny, maxx, maxy = poly.bounds
    xs = np.linspace(minx, maxx, nx + 1)
    ys = np.linspace(miny, maxy, ny + 1)
    xs[1:-1] += rng.uniform(-jitter, jitter, nx - 1) * (maxx - minx) / nx
    ys[1:-1] += rng.uniform(-jitter, jitter, ny - 1) * (maxy - miny) / ny
    parts = []
    for i in range(nx):
        for j in range(ny):
            piece = poly.intersection(box(xs[i], ys[j], xs[i + 1], ys[j + 1]))
            piece = _largest(piece)
            if piece is not None and piece.area > 0:
                parts.append(piece)
    return parts


def _largest(geom: shapely.Geometry) -> Polygon | None:
    """The largest polygon of a geometry (drops slivers from clipping)."""
    polys = [g for g in getattr(geom, "geoms", [geom]) if isinstance(g, Polygon) and not g.is_empty]
    return max(polys, key=lambda g: g.area) if polys else None


def _voronoi(area: Polygon | MultiPolygon, points: np.ndarray) -> list[Polygon]:
    """Voronoi cells of ``points`` clipped to ``area`` (government grids follow no police line)."""
    cells = shapely.voronoi_polygons(shapely.MultiPoint(points), extend_to=area.envelope.buffer(0.05))
    out = []
    for cell in cells.geoms:
        piece = _largest(cell.intersection(area))
        if piece is not None and piece.area > 0:
            out.append(shapely.set_precision(piece, 1e-7))
    return [p if p.is_valid else shapely.make_valid(p).buffer(0) for p in out]


def build(
    rng: np.random.Generator,
    n_stations: int,
    n_zones: int,
    n_grids: int,
    n_villages: int,
    n_roads: int,
    size_km: float,
    centre: tuple[float, float] = (COUNTY.cx, COUNTY.cy),
) -> Geography:
    """Draw the county at a given size around ``centre``."""
    cx, cy = centre
    ry = size_km * 1000 / 2 / M_PER_DEG_LAT
    rx = ry / np.cos(np.radians(cy))
    district_poly = _wobbly_ring(rng, cx, cy, rx, ry)
    district = MultiPolygon([district_poly])

    sx = max(1, round(float(np.sqrt(n_stations))))
    sy = max(1, int(np.ceil(n_stations / sx)))
    stations = _split(district_poly, sx, sy, rng, 0.25)[:n_stations]
    # cover the district completely: the last station takes what the cut left
    rest = district_poly.difference(unary_union(stations))
    if not rest.is_empty:
        stations[-1] = _largest(unary_union([stations[-1], rest]).buffer(0)) or stations[-1]

    per_station = max(1, n_zones // len(stations))
    zones: list[tuple[int, Polygon]] = []
    for si, station in enumerate(stations):
        zx = max(1, round(float(np.sqrt(per_station * 1.5))))
        zy = max(1, int(np.ceil(per_station / zx)))
        parts = _split(station, zx, zy, rng, 0.3)
        zones.extend((si, p) for p in parts)

    # grids are denser where people live: sample seeds near the centre more often
    hot = draw_hotspots(rng, district_poly, cx, cy, rx)
    seeds = sample_points(rng, district_poly, n_grids, hot, share_hot=0.5)
    grids = _voronoi(district_poly, seeds)

    vseeds = sample_points(rng, district_poly, n_villages, hot, share_hot=0.3)
    vcells = _voronoi(district_poly, vseeds)
    grid_village = []
    for g in grids:
        c = g.representative_point()
        dist = [cell.distance(c) for cell in vcells]
        grid_village.append(int(np.argmin(dist)))
    villages: list[tuple[int, Polygon]] = []
    remap = {}
    for vi in sorted(set(grid_village)):
        members = [g for g, v in zip(grids, grid_village, strict=True) if v == vi]
        poly = unary_union(members).buffer(0)
        c = poly.representative_point()
        town = int(np.argmin([s.distance(c) for s in stations]))
        remap[vi] = len(villages)
        villages.append((town, poly))
    grid_village = [remap[v] for v in grid_village]

    roads = _roads(rng, district_poly, n_roads)
    return Geography(district, stations, zones, grids, villages, grid_village, roads, hot, (cx, cy))


def draw_hotspots(rng: np.random.Generator, area: Polygon, cx: float, cy: float, rx: float) -> list[HotSpot]:
    """City villages, a transport hub, markets, an industrial park: where things happen.

    Parameters
    ----------
    rng : numpy.random.Generator
        The county's stream (two draws per candidate spot, one for its weight).
    area : shapely.Polygon
        Where the spots must lie (at least about a kilometre inside it).
    cx, cy : float
        The centre they gather around (WGS-84).
    rx : float
        The county's half-width in degrees of longitude; spots scatter about a third of it.

    Returns
    -------
    list of HotSpot
        Fourteen spots, in a fixed order of kinds.
    """
    specs = [
        ("city_village", 6, 300, 3.0),
        ("transport_hub", 1, 250, 2.0),
        ("market", 3, 200, 1.5),
        ("industrial_park", 2, 500, 1.0),
        ("school", 2, 150, 0.5),
    ]
    spots = []
    for kind, count, sigma, weight in specs:
        for _ in range(count):
            while True:
                x = cx + rng.normal(0, rx * 0.35)
                y = cy + rng.normal(0, rx * 0.3)
                if area.buffer(-0.01).contains(Point(x, y)):
                    break
            spots.append(HotSpot(kind, x, y, sigma, weight * rng.uniform(0.6, 1.4)))
    return spots


def sample_points(
    rng: np.random.Generator, area: Polygon, n: int, hot: list[HotSpot], share_hot: float
) -> np.ndarray:
    """Points inside ``area``: a share around hot spots, the rest uniform.

    Parameters
    ----------
    rng : numpy.random.Generator
        The stream to draw from (one or three draws per candidate point).
    area : shapely.Polygon
        Where the points must fall.
    n : int
        How many points.
    hot : list of HotSpot
        The hot spots, chosen by weight; a point lies within about three sigma of its spot.
    share_hot : float
        The chance that a candidate point is drawn around a hot spot rather than uniformly.

    Returns
    -------
    numpy.ndarray
        ``n`` × 2 lon/lat in the order drawn.
    """
    minx, miny, maxx, maxy = area.bounds
    pts: list[tuple[float, float]] = []
    prepared = shapely.prepared.prep(area)
    weights = np.array([h.weight for h in hot])
    weights /= weights.sum()
    while len(pts) < n:
        if rng.random() < share_hot:
            h = hot[rng.choice(len(hot), p=weights)]
            x = h.x + rng.normal(0, h.sigma_m * 3 / M_PER_DEG_LAT)
            y = h.y + rng.normal(0, h.sigma_m * 3 / M_PER_DEG_LAT)
        else:
            x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        if prepared.contains(Point(x, y)):
            pts.append((x, y))
    return np.array(pts)


def _roads(rng: np.random.Generator, area: Polygon, n: int) -> list[Road]:
    """A network of named east-west and north-south roads across the county."""
    minx, miny, maxx, maxy = area.bounds
    stems = list(rng.permutation(ROAD_STEMS))
    roads = []
    n_ew = n // 2
    for i in range(n):
        ew = i < n_ew
        k = i if ew else i - n_ew
        count = n_ew if ew else n - n_ew
        frac = (k + 0.5) / count + rng.uniform(-0.2, 0.2) / count
        stem = stems[i % len(stems)] + ("" if i < len(stems) else str(i // len(stems) + 1))
        suffix = (ROAD_SUFFIX_EW if ew else ROAD_SUFFIX_NS)[k % 4]
        if ew:
            y = miny + frac * (maxy - miny)
            line = LineString([(minx, y), (maxx, y + rng.uniform(-0.003, 0.003))])
        else:
            x = minx + frac * (maxx - minx)
            line = LineString([(x, miny), (x + rng.uniform(-0.003, 0.003), maxy)])
        clipped = line.intersection(area)
        if isinstance(clipped, LineString) and clipped.length > 0:
            roads.append(Road(stem + suffix, clipped, ew))
    return roads
