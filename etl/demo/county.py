"""The demo area being written, and what one feed writer hands to the next; imports no writer.

Every writer draws from the county's one random stream, so the same seed gives the same files only
if the writers run in the same order: ``etl.demo.generate`` calls them in that order and passes each
what earlier ones returned.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import Polygon

from common.china import TZ
from etl.contract import KINDS
from etl.demo.geography import COUNTY, M_PER_DEG_LAT, Geography, Place
from etl.demo.rhythms import timestamps
from etl.demo.scales import Scale
from etl.demo.writers import write_xlsx

if TYPE_CHECKING:
    from etl.demo.alert_cases import Planter

XLSX_MAX_ROWS = 1_000_000  # Excel stops at 1,048,576 rows; agencies split exports well before


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
        """Record ``n`` values of ``source`` that loading is expected to repair, not quarantine."""
        self.repairs[source] = self.repairs.get(source, 0) + n


def zh_columns(kind: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Canonical field → the agency's column (the contract's Chinese alias unless overridden)."""
    cols = {f.name: f.zh for f in KINDS[kind].fields}
    cols.update(overrides or {})
    return cols


@dataclass(frozen=True)
class Divisions:
    """The towns and villages as the civil-affairs feeds declared them; later feeds refer to their codes.

    Town ``i`` is the geography's station area ``i``; village ``i`` its village polygon ``i``.
    """

    town_codes: list[str]
    town_names: list[str]
    village_codes: list[str]
    towns: list[Polygon]
    villages: list[Polygon]

    def town_of(self, x: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Index of the town each point falls in (0 for a point in none)."""
        out = np.zeros(len(x), dtype=int)
        for i, poly in enumerate(self.towns):
            out[shapely.contains_xy(poly, x, y)] = i
        return out

    def village_of(self, x: np.ndarray, y: np.ndarray) -> list[str]:
        """Code of the village each point falls in (the first village's for a point in none)."""
        out = [self.village_codes[0]] * len(x)
        for i, poly in enumerate(self.villages):
            for j in np.flatnonzero(shapely.contains_xy(poly, x, y)):
                out[j] = self.village_codes[i]
        return out


@dataclass(frozen=True)
class Tenancy:
    """What the housing feeds decided that the gate-access and hazard feeds build on."""

    units: pd.DataFrame
    """The rental units as delivered (defects included), one row per unit."""
    unit_building: np.ndarray
    """Row position in the buildings frame of each unit's building."""
    quarantined_units: set[int]
    """Unit rows given a defect: they get no gate-access cards."""
    device_buildings: np.ndarray
    """Row positions of the buildings with a gate-access device."""
    card_units: np.ndarray
    """Units with no registered tenant that still hold cards (unregistered occupants)."""
    alone_units: set[str]
    """Codes of the units where an elderly person lives alone."""


class County:
    """One demo area being written: its sizes, random stream, geography, dates and output directory,
    with the manifest entries and defects recorded so far.
    """

    def __init__(
        self,
        scale: Scale,
        rng: np.random.Generator,
        geo: Geography,
        out: Path,
        until: date,
        place: Place = COUNTY,
        id_seq: tuple[int, int] = (0, 100),
    ) -> None:
        self.scale = scale
        self.rng = rng
        self.geo = geo
        self.place = place
        self.code = place.district_code
        # the range of the first two digits of ID sequence numbers this area draws from: districts
        # of one city draw from disjoint ranges, so migrants from one home town never collide
        self.id_seq = id_seq
        self.out = out
        self.until = until
        # Data fills whole days up to the end of --until, but never passes the moment of generation:
        # for today it stops at the start of the current hour (Beijing time), so that the same seed
        # and date still give the same files within that hour and no row lies in the future.
        self.day_end = datetime(until.year, until.month, until.day) + timedelta(days=1)
        now = datetime.now(TZ).replace(tzinfo=None, minute=0, second=0, microsecond=0)
        self.end = min(self.day_end, now)
        self.defects = Defects()
        self.planted: Planter | None = None  # alert cases of known truth (etl/demo/alert_cases.py)
        self.sources: list[dict[str, object]] = []

    def declare(
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
        """Add a source to the manifest, its keys in the order a person would write them.

        Parameters
        ----------
        name, kind, path, fmt, crs, columns, encoding, layer, agency
            The manifest entry's fields (``path`` relative to the output directory, may be a glob);
            ``encoding``, ``layer`` and ``crs`` are left out when empty.
        """
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

    def jitter_m(self, n: int, metres: float) -> tuple[np.ndarray, np.ndarray]:
        """Normal offsets in degrees (dx, dy), ``metres`` standard deviation on the ground."""
        dy = self.rng.normal(0, metres, n) / M_PER_DEG_LAT
        dx = self.rng.normal(0, metres, n) / (M_PER_DEG_LAT * np.cos(np.radians(self.place.cy)))
        return dx, dy

    def hot_points(
        self, buildings: pd.DataFrame, n: int, kinds: dict[str, float], uniform: float
    ) -> np.ndarray:
        """Points clustered at hot spots, the rest near buildings, all inside the area.

        Parameters
        ----------
        buildings : pandas.DataFrame
            The buildings (``x``, ``y`` in WGS-84) the share ``uniform`` is placed at, 30 m around.
        n : int
            How many points.
        kinds : dict
            Hot-spot kind → weight (a kind left out draws nothing).
        uniform : float
            The share of points at buildings rather than hot spots.

        Returns
        -------
        numpy.ndarray
            ``n`` × 2 lon/lat in random order.
        """
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
        bx, by = buildings["x"].to_numpy(), buildings["y"].to_numpy()
        b = self.rng.integers(0, len(buildings), rest)
        dx, dy = self.jitter_m(rest, 30)
        pts = np.column_stack([np.concatenate([xs, bx[b] + dx]), np.concatenate([ys, by[b] + dy])])
        inside = shapely.contains_xy(self.geo.district, pts[:, 0], pts[:, 1])
        # points that fell outside the county go back to a random building
        bad = np.flatnonzero(~inside)
        repl = self.rng.integers(0, len(buildings), bad.size)
        pts[bad, 0] = bx[repl]
        pts[bad, 1] = by[repl]
        return pts[self.rng.permutation(n)]

    def event_times(self, n: int, hours: np.ndarray, weekday: np.ndarray) -> pd.Series:
        """Times over the scale's weeks up to the end of data, with the given rhythm.

        Hours of today not yet lived move a week back, so no time lies in the future.
        """
        days = self.scale.weeks * 7
        start = self.day_end - timedelta(days=days)
        ts = timestamps(self.rng, n, start, days, hours, weekday)
        late = ts >= np.datetime64(self.end, "s")
        ts[late] -= np.timedelta64(7, "D")
        return pd.Series(pd.to_datetime(ts))

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
