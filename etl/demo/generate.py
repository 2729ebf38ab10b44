"""``onemap demo generate``: a reproducible synthetic county written as agencies deliver it.

Each feed is in its agency's own format, encoding and datum, with agency column names, and a
small controlled share of realistic defects. ``defects.json`` lists every injected defect
(source, line, reason) so tests can check that each one is quarantined for the right reason.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
import yaml
from shapely.geometry import MultiPolygon, Polygon

from common.coords import from_wgs84
from etl.contract import KINDS
from etl.demo.geography import (
    CITY_DISTRICTS,
    COUNTY,
    M_PER_DEG_LAT,
    TOWN_NAMES,
    VILLAGE_STEMS,
    Geography,
    Place,
    build,
)
from etl.demo.scales import SCALES, Scale, district_scale
from etl.demo.writers import agency_lonlat, set_stamp, write_gis, write_xlsx

LOGGER = logging.getLogger(__name__)
XLSX_MAX_ROWS = 1_000_000  # Excel stops at 1,048,576 rows; agencies split exports well before


SUFFIX = {"城中村": "村", "商品房小区": "花园"}


class Defects:
    """Records each injected defect so the expected quarantine is known exactly."""

    def __init__(self) -> None:
        self.items: list[dict[str, object]] = []
        self.repairs: dict[str, int] = {}

    def add(self, source: str, line: int, reason: str, file: str | None = None) -> None:
        """Record one defect at ``line`` (header is line 1; GIS features count from 1)."""
        item: dict[str, object] = {"source": source, "line": line, "reason": reason}
        if file:
            item["file"] = file
        self.items.append(item)

    def repaired(self, source: str, n: int) -> None:
        self.repairs[source] = self.repairs.get(source, 0) + n


def _poly_to_crs(geom: Polygon | MultiPolygon, crs: str) -> Polygon | MultiPolygon:
    """Shift a polygon into a datum vertex by vertex."""

    def shift(coords: np.ndarray) -> np.ndarray:
        x, y = from_wgs84(coords[:, 0], coords[:, 1], crs)
        return np.column_stack([x, y])

    return shapely.transform(geom, shift)


def _timestamps(
    rng: np.random.Generator,
    n: int,
    start: datetime,
    days: int,
    hour_weights: np.ndarray,
    weekday_weights: np.ndarray,
) -> np.ndarray:
    """Times with a daily and a weekly rhythm."""
    day_w = np.array([weekday_weights[(start + timedelta(d)).weekday()] for d in range(days)])
    day = rng.choice(days, size=n, p=day_w / day_w.sum())
    hour = rng.choice(24, size=n, p=hour_weights / hour_weights.sum())
    secs = rng.integers(0, 3600, n)
    base = np.datetime64(start.replace(tzinfo=None), "s")
    return base + (day * 86400 + hour * 3600 + secs).astype("timedelta64[s]")


HOURS_INCIDENT = np.array(
    [3, 2, 1.5, 1, 1, 1, 1.5, 2.5, 4, 4.5, 5, 5, 4.5, 4.5, 5, 5, 5.5, 6, 7, 8, 8, 7, 5.5, 4]
)
HOURS_OFFICE = np.array(
    [0.2, 0.1, 0.1, 0.1, 0.1, 0.2, 0.5, 1.5, 5, 8, 9, 8, 4, 6, 8, 8, 7, 5, 2, 1, 0.5, 0.4, 0.3, 0.2]
)
HOURS_ACCESS = np.array(
    [1.5, 0.8, 0.4, 0.3, 0.3, 0.8, 3, 6, 7, 4, 2.5, 3, 4, 3, 2.5, 2.5, 3, 4.5, 7, 8, 6.5, 5, 4, 2.5]
)
WEEKDAY_INCIDENT = np.array([1.0, 0.95, 0.95, 1.0, 1.1, 1.3, 1.25])
WEEKDAY_OFFICE = np.array([1.2, 1.1, 1.1, 1.1, 1.0, 0.35, 0.3])


class Generator:
    """Builds every feed of one demo county."""

    def __init__(
        self,
        scale: Scale,
        seed: int | list[int],
        out: Path,
        until: date,
        place: Place = COUNTY,
        id_seq: tuple[int, int] = (0, 100),
    ) -> None:
        self.s = scale
        self.rng = np.random.default_rng(seed)
        self.place = place
        self.dc = place.district_code
        # the range of the first two digits of ID sequence numbers this area draws from: districts
        # of one city draw from disjoint ranges, so migrants from one home town never collide
        self.id_seq = id_seq
        self.out = out
        self.until = until
        # Data fills whole days up to the end of --until, but never passes the moment of generation:
        # for today it stops at the start of the current hour (Beijing time), so that the same seed
        # and date still give the same files within that hour and no row lies in the future.
        self.day_end = datetime(until.year, until.month, until.day) + timedelta(days=1)
        now = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None, minute=0, second=0, microsecond=0)
        self.end = min(self.day_end, now)
        self.defects = Defects()
        self.sources: list[dict[str, object]] = []

    # ------------------------------------------------------------------ helpers
    def _source(
        self,
        name: str,
        kind: str,
        path: str,
        fmt: str,
        crs: str | None,
        columns: dict[str, str],
        encoding: str | None = None,
        layer: str | None = None,
        agency: str = "",
    ) -> None:
        entry: dict[str, object] = {"name": name, "kind": kind, "agency": agency, "path": path, "format": fmt}
        if encoding:
            entry["encoding"] = encoding
        if layer:
            entry["layer"] = layer
        if crs:
            entry["crs"] = crs
        entry["columns"] = columns
        self.sources.append(entry)

    def write_sheet(
        self,
        df: pd.DataFrame,
        rel: str,
        source: str,
        text_columns: tuple[str, ...] = (),
        numeric_cells: dict[tuple[int, str], float] | None = None,
    ) -> str:
        """Write a sheet, split into numbered workbooks past Excel's row limit; return the path or glob.

        Defects already recorded for ``source`` move to the part and line they end up on.
        """
        numeric_cells = numeric_cells or {}
        if len(df) <= XLSX_MAX_ROWS:
            write_xlsx(df, self.out / rel, text_columns, numeric_cells)
            return rel
        stem = rel.removesuffix(".xlsx")
        parts = range(0, len(df), XLSX_MAX_ROWS)
        for k, start in enumerate(parts):
            part = df.iloc[start : start + XLSX_MAX_ROWS]
            cells = {
                (r - start, c): v for (r, c), v in numeric_cells.items() if start <= r < start + XLSX_MAX_ROWS
            }
            write_xlsx(part, self.out / f"{stem}_{k + 1:03d}.xlsx", text_columns, cells)
        for item in self.defects.items:
            if item["source"] == source:
                pos = int(item["line"]) - 2  # type: ignore[call-overload]
                item["file"] = f"{stem}_{pos // XLSX_MAX_ROWS + 1:03d}.xlsx"
                item["line"] = pos % XLSX_MAX_ROWS + 2
        return f"{stem}_*.xlsx"

    @staticmethod
    def _zh_columns(kind: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
        """Canonical field → the agency's column (the contract's Chinese alias unless overridden)."""
        cols = {f.name: f.zh for f in KINDS[kind].fields}
        cols.update(overrides or {})
        return cols

    def _jitter_m(self, n: int, metres: float) -> tuple[np.ndarray, np.ndarray]:
        dy = self.rng.normal(0, metres, n) / M_PER_DEG_LAT
        dx = self.rng.normal(0, metres, n) / (M_PER_DEG_LAT * np.cos(np.radians(self.place.cy)))
        return dx, dy

    def _hot_points(self, n: int, kinds: dict[str, float], uniform: float) -> np.ndarray:
        """Points clustered at hot spots (weight per hot-spot kind), the rest at buildings."""
        spots = self.geo.hotspots
        w = np.array([h.weight * kinds.get(h.kind, 0.0) for h in spots])
        n_hot = int(n * (1 - uniform)) if w.sum() > 0 else 0
        idx = self.rng.choice(len(spots), size=n_hot, p=w / w.sum()) if n_hot else np.array([], int)
        xs = np.array([spots[i].x for i in idx])
        ys = np.array([spots[i].y for i in idx])
        sig = np.array([spots[i].sigma_m for i in idx]) / M_PER_DEG_LAT
        xs = xs + self.rng.normal(0, 1, n_hot) * sig
        ys = ys + self.rng.normal(0, 1, n_hot) * sig
        rest = n - n_hot
        b = self.rng.integers(0, len(self.bld), rest)
        dx, dy = self._jitter_m(rest, 30)
        pts = np.column_stack(
            [
                np.concatenate([xs, self.bld["x"].to_numpy()[b] + dx]),
                np.concatenate([ys, self.bld["y"].to_numpy()[b] + dy]),
            ]
        )
        inside = shapely.contains_xy(self.geo.district, pts[:, 0], pts[:, 1])
        # points that fell outside the county go back to a random building
        bad = np.flatnonzero(~inside)
        repl = self.rng.integers(0, len(self.bld), bad.size)
        pts[bad, 0] = self.bld["x"].to_numpy()[repl]
        pts[bad, 1] = self.bld["y"].to_numpy()[repl]
        return pts[self.rng.permutation(n)]

    # ------------------------------------------------------------------ run
    def pick(self, eligible: np.ndarray, n: int, taken: set[int]) -> list[int]:
        """Choose ``n`` distinct eligible row positions not yet used by another defect."""
        pool = [int(i) for i in np.flatnonzero(eligible) if int(i) not in taken]
        chosen = [pool[i] for i in self.rng.choice(len(pool), size=min(n, len(pool)), replace=False)]
        taken.update(chosen)
        return chosen

    def append_duplicates(self, df: pd.DataFrame, positions: list[int], source: str,
                          file: str | None = None, first_line: int = 2) -> pd.DataFrame:  # fmt: skip
        """Deliver the rows at ``positions`` a second time at the end, recording each as a defect.

        ``first_line`` is the line of the first row: 2 under a header, 1 for GIS features.
        """
        out = pd.concat([df, df.iloc[positions]], ignore_index=True)
        for k in range(len(positions)):
            self.defects.add(source, len(df) + k + first_line, "duplicate", file)
        return out

    @staticmethod
    def _log_step(name: str, _total: int) -> None:
        LOGGER.info("generating %s", name)

    progress: Callable[[str, int], None] = _log_step

    def run(self) -> Path:
        s = self.s
        self.out.mkdir(parents=True, exist_ok=True)
        set_stamp(datetime(self.until.year, self.until.month, self.until.day))
        logging.getLogger("pyogrio").setLevel(logging.WARNING)
        LOGGER.info("drawing the county")
        centre = (self.place.cx, self.place.cy)
        self.geo = build(self.rng, s.stations, s.zones, s.grids, s.villages, s.roads, s.size_km, centre)
        steps: list[tuple[str, Callable[[], None]]] = [
            ("divisions", self.divisions),
            ("police", self.police),
            ("grids", self.grids),
            ("buildings", self.buildings),
            ("communities", self.communities),
            ("housing", self.housing),
            ("access", self.access),
            ("smart", self.smart),
            ("security", self.security),
            ("events", self.events),
        ]
        for name, step in steps:
            self.progress(name, len(steps))
            step()
        manifest = {
            "version": 1,
            "area": {
                "district_code": self.dc,
                "name": self.place.district_name,
                "city": self.place.city,
            },
            "generated": {"seed": int(self.seed), "until": self.until.isoformat(), "scale": self.scale_name},
            "sources": self.sources,
        }
        path = self.out / "manifest.yaml"
        path.write_text(yaml.safe_dump(manifest, allow_unicode=True, sort_keys=False), encoding="utf-8")
        (self.out / "defects.json").write_text(
            json.dumps(
                {"defects": self.defects.items, "repairs": self.defects.repairs}, ensure_ascii=False, indent=1
            ),
            encoding="utf-8",
        )
        return path

    seed: int = 0
    scale_name: str = "small"
    # state handed between the feed writers (set as they run, in order)
    geo: Geography
    bld: pd.DataFrame
    bld_leaf: np.ndarray
    comm: pd.DataFrame
    units: pd.DataFrame
    unit_bld: np.ndarray
    unit_quarantined: set[int]
    person_quarantined: set[int]
    card_units_hint: np.ndarray
    device_buildings: np.ndarray
    persons_unit: np.ndarray
    persons_alone: np.ndarray
    persons_ids: list[str]
    n_cards: int

    # ------------------------------------------------------------------ divisions and police
    def divisions(self) -> None:
        g = self.geo
        self.town_codes = [f"{self.dc}{i + 1:03d}" for i in range(len(g.stations))]
        self.town_names = [TOWN_NAMES[i % len(TOWN_NAMES)] for i in range(len(g.stations))]
        district = gpd.GeoDataFrame(
            {"区划代码": [self.dc], "名称": [self.place.district_name], "所属市": [self.place.city]},
            geometry=[g.district],
            crs="EPSG:4326",
        )
        write_gis(district, self.out / "admin" / "district.geojson", "GeoJSON")
        self._source(
            "区县边界",
            "district",
            "admin/district.geojson",
            "geojson",
            "WGS84",
            self._zh_columns("district"),
            agency="民政局",
        )
        towns = gpd.GeoDataFrame(
            {
                "镇街代码": self.town_codes,
                "区划代码": self.dc,
                "名称": self.town_names,
                "类型": ["街道" if n.endswith("街道") else "镇" for n in self.town_names],
            },
            geometry=[MultiPolygon([p]) for p in g.stations],
            crs="EPSG:4326",
        )
        write_gis(towns, self.out / "admin" / "towns.geojson", "GeoJSON")
        self._source(
            "镇街边界",
            "town",
            "admin/towns.geojson",
            "geojson",
            "WGS84",
            self._zh_columns("town"),
            agency="民政局",
        )
        counters: dict[int, int] = {}
        self.village_codes, names, kinds = [], [], []
        for i, (town, _poly) in enumerate(g.villages):
            counters[town] = counters.get(town, 0) + 1
            self.village_codes.append(f"{self.town_codes[town]}{counters[town]:03d}")
            is_village = self.rng.random() < 0.35
            stem = VILLAGE_STEMS[i % len(VILLAGE_STEMS)] + ("" if i < len(VILLAGE_STEMS) else str(i))
            names.append(stem + ("村" if is_village else "社区"))
            kinds.append("村" if is_village else "社区")
        villages = gpd.GeoDataFrame(
            {
                "社区代码": self.village_codes,
                "镇街代码": [self.town_codes[t] for t, _ in g.villages],
                "区划代码": self.dc,
                "名称": names,
                "类型": kinds,
            },
            geometry=[MultiPolygon([p]) if isinstance(p, Polygon) else p for _, p in g.villages],
            crs="EPSG:4326",
        )
        write_gis(villages, self.out / "admin" / "villages.geojson", "GeoJSON")
        self._source(
            "社区村边界",
            "village",
            "admin/villages.geojson",
            "geojson",
            "WGS84",
            self._zh_columns("village"),
            agency="民政局",
        )

    def police(self) -> None:
        g = self.geo
        self.station_codes = [f"{self.dc}5{i + 1:02d}000" for i in range(len(g.stations))]
        names = [n.replace("街道", "").replace("镇", "") + "派出所" for n in self.town_names]
        stations = gpd.GeoDataFrame(
            {
                "PCSDM": self.station_codes,
                "QHDM": self.dc,
                "PCSMC": names,
                "DZ": [
                    f"{self.place.district_name}{n}政府路{k * 2 + 1}号" for k, n in enumerate(self.town_names)
                ],
                "ZBDH": [f"020-8{self.rng.integers(1000000, 9999999)}" for _ in names],
            },
            geometry=[MultiPolygon([_poly_to_crs(p, "CGCS2000")]) for p in g.stations],
            crs="EPSG:4490",
        )
        write_gis(stations, self.out / "police" / "police.gpkg", "GPKG", layer="stations")
        self._source(
            "派出所辖区",
            "police_station",
            "police/police.gpkg",
            "gpkg",
            "CGCS2000",
            {
                "station_code": "PCSDM",
                "district_code": "QHDM",
                "name": "PCSMC",
                "address": "DZ",
                "duty_phone": "ZBDH",
            },
            layer="stations",
            agency="公安分局",
        )
        counters: dict[int, int] = {}
        codes, zone_names, stn = [], [], []
        for si, _poly in g.zones:
            counters[si] = counters.get(si, 0) + 1
            codes.append(f"{self.station_codes[si][:9]}{counters[si]:03d}")
            zone_names.append(f"{names[si].replace('派出所', '')}第{counters[si]}警务区")
            stn.append(self.station_codes[si])
        self.zone_codes = codes
        zones = gpd.GeoDataFrame(
            {
                "JWQBM": codes,
                "PCSDM": stn,
                "QHDM": self.dc,
                "JWQMC": zone_names,
                "MJS": self.rng.integers(1, 4, len(codes)),
                "FJS": self.rng.integers(1, 6, len(codes)),
            },
            geometry=[MultiPolygon([p]) for _, p in g.zones],
            crs="EPSG:4326",
        )
        # a copy of one zone delivered twice (a duplicate key)
        zones = self.append_duplicates(zones, [int(self.rng.integers(0, len(zones)))], "警务区", first_line=1)
        zones = gpd.GeoDataFrame(zones, geometry="geometry", crs="EPSG:4326")
        write_gis(zones, self.out / "police" / "police.gpkg", "GPKG", layer="zones")
        self._source(
            "警务区",
            "police_zone",
            "police/police.gpkg",
            "gpkg",
            "WGS84",
            {
                "zone_code": "JWQBM",
                "station_code": "PCSDM",
                "district_code": "QHDM",
                "name": "JWQMC",
                "officer_count": "MJS",
                "auxiliary_count": "FJS",
            },
            layer="zones",
            agency="公安分局",
        )

    def grids(self) -> None:
        g = self.geo
        counters: dict[int, int] = {}
        codes, names, towns, villages = [], [], [], []
        for vi in g.grid_village:
            counters[vi] = counters.get(vi, 0) + 1
            codes.append(f"{self.village_codes[vi]}{counters[vi]:03d}")
            names.append(f"第{counters[vi]}网格")
            villages.append(self.village_codes[vi])
            towns.append(self.village_codes[vi][:9])
        self.grid_codes = codes
        geoms: list[Polygon | MultiPolygon] = [_poly_to_crs(p, "GCJ02") for p in g.grids]
        df = gpd.GeoDataFrame(
            {
                "WGBM": codes,
                "WGMC": names,
                "QHDM": self.dc,
                "ZJDM": towns,
                "SQDM": villages,
                "WGLX": ["基础网格"] * len(codes),
                "WGYS": self.rng.integers(1, 4, len(codes)),
            },
            geometry=geoms,
            crs="EPSG:4326",
        )
        # a self-intersecting "bow-tie" digitised by mistake, as an extra record
        c = g.grids[0].representative_point()
        d = 0.002
        bowtie = Polygon([(c.x - d, c.y - d), (c.x + d, c.y + d), (c.x + d, c.y - d), (c.x - d, c.y + d)])
        extra = gpd.GeoDataFrame(
            {
                "WGBM": [codes[0][:-3] + "999"],
                "WGMC": ["错误网格"],
                "QHDM": self.dc,
                "ZJDM": towns[0],
                "SQDM": villages[0],
                "WGLX": "基础网格",
                "WGYS": 1,
            },
            geometry=[bowtie],
            crs="EPSG:4326",
        )
        df = gpd.GeoDataFrame(pd.concat([df, extra], ignore_index=True), geometry="geometry", crs="EPSG:4326")
        self.defects.add("综治网格", len(df), "invalid_geometry")
        write_gis(df, self.out / "grids" / "grids.shp", "ESRI Shapefile", encoding="GBK")
        self._source(
            "综治网格",
            "grid",
            "grids/grids.shp",
            "shp",
            "GCJ02",
            {
                "grid_code": "WGBM",
                "name": "WGMC",
                "district_code": "QHDM",
                "town_code": "ZJDM",
                "village_code": "SQDM",
                "grid_kind": "WGLX",
                "worker_count": "WGYS",
            },
            encoding="GBK",
            agency="政法委综治中心",
        )

    # ------------------------------------------------------------------ buildings and addresses
    def buildings(self) -> None:
        from etl.demo.geography import _sample_points

        g, s = self.geo, self.s
        pts = _sample_points(self.rng, g.district.geoms[0], s.buildings, g.hotspots, share_hot=0.55)
        x, y = pts[:, 0], pts[:, 1]
        # the nearest road gives the address; doorplates count along it, odd and even sides
        road_idx = np.zeros(len(x), dtype=int)
        best = np.full(len(x), np.inf)
        along = np.zeros(len(x))
        side = np.zeros(len(x), dtype=bool)
        points = shapely.points(x, y)
        for ri, road in enumerate(g.roads):
            dist = shapely.distance(points, road.line)
            better = dist < best
            best = np.where(better, dist, best)
            road_idx = np.where(better, ri, road_idx)
            proj = shapely.line_locate_point(road.line, points)
            along = np.where(better, proj, along)
            ry = shapely.get_coordinates(road.line)
            if road.east_west:
                s_side = y > np.interp(x, ry[:, 0], ry[:, 1])
            else:
                s_side = x > np.interp(y, ry[:, 1], ry[:, 0])
            side = np.where(better, s_side, side)
        metres = along * M_PER_DEG_LAT
        number = (metres // 15).astype(int) * 2 + np.where(side, 1, 2)
        road_names = np.array([g.roads[i].name for i in road_idx])
        key = pd.Series(road_names) + ":" + pd.Series(number).astype(str)
        bno = key.groupby(key).cumcount().to_numpy() + 1
        grid_town = self._town_of(x, y)
        town_codes = np.array(self.town_codes)[grid_town]
        town_names = np.array(self.town_names)[grid_town]
        cv_spots = [h for h in g.hotspots if h.kind == "city_village"]
        is_cv = np.zeros(len(x), dtype=bool)
        for h in cv_spots:
            dm = np.hypot((x - h.x) * np.cos(np.radians(self.place.cy)), y - h.y) * M_PER_DEG_LAT
            is_cv |= dm < h.sigma_m * 1.8
        n = len(x)
        self.bld = pd.DataFrame(
            {
                "building_code": [f"{self.dc}{i + 1:010d}" for i in range(n)],
                "address_code": [f"{self.dc}{tc[-3:]}{i + 1:07d}" for i, tc in enumerate(town_codes)],
                "x": x,
                "y": y,
                "road": road_names,
                "doorplate": [f"{v}号" for v in number],
                "bno": bno,
                "town_code": town_codes,
                "town_name": town_names,
                "is_cv": is_cv,
            }
        )
        self.bld["full_address"] = (
            self.place.prefix
            + self.bld["town_name"]
            + self.bld["road"]
            + self.bld["doorplate"]
            + self.bld["bno"].astype(str)
            + "栋"
        )
        self.bld["floors"] = np.where(is_cv, self.rng.integers(4, 9, n), self.rng.integers(2, 33, n))

    def _town_of(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the town (= station area) each point falls in."""
        out = np.zeros(len(x), dtype=int)
        for i, poly in enumerate(self.geo.stations):
            out[shapely.contains_xy(poly, x, y)] = i
        return out

    def communities(self) -> None:
        s, g = self.s, self.geo
        cv = [h for h in g.hotspots if h.kind == "city_village"]
        n_est = max(0, s.communities - len(cv))
        picks = self.rng.choice(len(self.bld), size=n_est, replace=False)
        cx = np.concatenate([[h.x for h in cv], self.bld["x"].to_numpy()[picks]])
        cy = np.concatenate([[h.y for h in cv], self.bld["y"].to_numpy()[picks]])
        kinds = ["城中村"] * len(cv) + list(
            self.rng.choice(["商品房小区", "老旧小区", "单位宿舍"], n_est, p=[0.65, 0.28, 0.07])
        )
        codes = [f"{self.dc}XQ{i + 1:05d}" for i in range(len(cx))]
        # each building belongs to the nearest compound centre within 350 m (city villages 600 m)
        bx, by = self.bld["x"].to_numpy(), self.bld["y"].to_numpy()
        best = np.full(len(bx), np.inf)
        owner = np.full(len(bx), -1)
        for i in range(len(cx)):
            dm = np.hypot((bx - cx[i]) * np.cos(np.radians(self.place.cy)), by - cy[i]) * M_PER_DEG_LAT
            limit = 600 if kinds[i] == "城中村" else 350
            better = (dm < best) & (dm < limit)
            best = np.where(better, dm, best)
            owner = np.where(better, i, owner)
        self.bld["community_code"] = [codes[o] if o >= 0 else None for o in owner]
        self.bld.loc[owner >= 0, "is_cv"] |= np.array([kinds[o] == "城中村" for o in owner[owner >= 0]])
        villages = self._village_of(cx, cy)
        names = [
            f"{VILLAGE_STEMS[i % len(VILLAGE_STEMS)]}{SUFFIX.get(k, '小区')}"
            f"{'' if i < len(VILLAGE_STEMS) else i}"
            for i, k in enumerate(kinds)
        ]
        households = np.bincount(owner[owner >= 0], minlength=len(cx)) * self.rng.integers(8, 30, len(cx))
        df = pd.DataFrame(
            {
                "小区编码": codes,
                "区划代码": self.dc,
                "社区代码": villages,
                "小区名称": names,
                "小区类型": kinds,
                "户数": households,
                "经度": cx,
                "纬度": cy,
            }
        )
        self.comm = df.copy()
        df["经度"], df["纬度"] = agency_lonlat(df["经度"].to_numpy(), df["纬度"].to_numpy(), "GCJ02")
        gdf = gpd.GeoDataFrame(
            df.drop(columns=["经度", "纬度"]),
            geometry=gpd.points_from_xy(df["经度"], df["纬度"]),
            crs="EPSG:4326",
        )
        write_gis(gdf, self.out / "places" / "communities.geojson", "GeoJSON")
        self._source(
            "小区",
            "community",
            "places/communities.geojson",
            "geojson",
            "GCJ02",
            {k: v for k, v in self._zh_columns("community").items() if k not in ("lon", "lat")},
            agency="住建局",
        )

    def _village_of(self, x: np.ndarray, y: np.ndarray) -> list[str]:
        out = [self.village_codes[0]] * len(x)
        for i, (_t, poly) in enumerate(self.geo.villages):
            for j in np.flatnonzero(shapely.contains_xy(poly, x, y)):
                out[j] = self.village_codes[i]
        return out

    # ------------------------------------------------------------------ housing and people
    def housing(self) -> None:
        from etl.demo.housing import write_housing

        write_housing(self)

    def access(self) -> None:
        from etl.demo.housing import write_access

        write_access(self)

    def smart(self) -> None:
        from etl.demo.places import write_smart

        write_smart(self)

    def security(self) -> None:
        from etl.demo.places import write_security

        write_security(self)

    def events(self) -> None:
        from etl.demo.events import write_events

        write_events(self)


def generate(scale: str | Scale, seed: int, out: Path, until: date | None = None,
             progress: Callable[[str, int], None] | None = None) -> Path:  # fmt: skip
    """Write the demo county's feeds and manifest into ``out``; return the manifest's path.

    ``progress(step, total_steps)`` is called as each of the steps begins. The city scale is
    written district by district (see :func:`generate_city`); its path is then ``out/manifests.txt``.
    """
    if isinstance(scale, str) and scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}; expected one of {', '.join(SCALES)}")
    if scale == "city":
        return generate_city(seed, out, until, progress)
    sizes = SCALES[scale] if isinstance(scale, str) else scale
    gen = Generator(sizes, seed, out, until or date.today())
    gen.seed, gen.scale_name = seed, sizes.name
    if progress is not None:
        gen.progress = progress
    return gen.run()


def generate_city(
    seed: int,
    out: Path,
    until: date | None = None,
    progress: Callable[[str, int], None] | None = None,
    city: Scale | None = None,
    districts: list[tuple[str, str]] | None = None,
) -> Path:
    """Write the city scale as its districts, one directory and manifest each, one after another.

    Only one district is ever in memory. Districts lie side by side on a 4 × 3 layout around
    Fuzhou; their codes, ID sequence ranges and seeds differ, so no key repeats across districts.
    ``out/manifests.txt`` lists the manifests in load order. ``city`` and ``districts`` default to
    the full city (tests pass a smaller one).
    """
    city = city or SCALES["city"]
    districts = districts or CITY_DISTRICTS
    n = len(districts)
    sizes = district_scale(city, n)
    step_deg = sizes.size_km * 1.3 * 1000 / M_PER_DEG_LAT
    cols = 4
    out.mkdir(parents=True, exist_ok=True)
    manifests = []
    for k, (code, name) in enumerate(districts):
        row, col = divmod(k, cols)
        cy = 26.08 + (row - 1) * step_deg
        cx = 119.30 + (col - 1.5) * step_deg / np.cos(np.radians(cy))
        place = Place(code, name, "福州市", "福建省", cx, cy)
        seq = (100 * k // n, 100 * (k + 1) // n)
        gen = Generator(sizes, [seed, k], out / code, until or date.today(), place, seq)
        gen.seed, gen.scale_name = seed, sizes.name
        if progress is not None:

            def district_step(step: str, total: int, _k: int = k, _name: str = name,
                              _report: Callable[[str, int], None] = progress) -> None:  # fmt: skip
                _report(f"{_name} ({_k + 1}/{n}) {step}", total * n)

            gen.progress = district_step
        manifests.append(gen.run().relative_to(out))
    listing = out / "manifests.txt"
    listing.write_text("".join(f"{m}\n" for m in manifests), encoding="utf-8")
    return listing


__all__ = ["Generator", "generate", "generate_city"]
