"""Attribution: the grid and police zone (and so station) each point lies in, in bulk.

A shapely STRtree over the loaded grids and zones answers a whole chunk of points at once. A point
on a shared edge belongs to the polygon with the smaller code; a point in a centimetre sliver
between polygons (digitising noise) to the nearest one. Points outside the area never get here:
validation refused them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import shapely
from shapely import STRtree


@dataclass
class _Layer:
    codes: np.ndarray
    tree: STRtree | None

    @staticmethod
    def build(codes: list[str], geoms: list[shapely.Geometry]) -> _Layer:
        order = np.argsort(np.asarray(codes, dtype=object))
        sorted_geoms = [geoms[i] for i in order]
        for g in sorted_geoms:
            shapely.prepare(g)
        tree = STRtree(sorted_geoms) if sorted_geoms else None
        return _Layer(np.asarray(codes, dtype=object)[order], tree)

    def positions(self, points: np.ndarray) -> np.ndarray:
        """Position in ``codes`` of the containing polygon (smallest code on an edge; nearest for a
        sliver); -1 where there is no polygon at all."""
        out = np.full(len(points), -1, dtype=np.int64)
        if self.tree is None or len(points) == 0:
            return out
        pt, poly = self.tree.query(points, predicate="intersects")
        best = pd.Series(poly).groupby(pt).min()
        out[best.index.to_numpy()] = best.to_numpy()
        missing = np.flatnonzero(out < 0)
        if missing.size:
            npt, npoly = self.tree.query_nearest(points[missing])
            near = pd.Series(npoly).groupby(npt).min()
            out[missing[near.index.to_numpy()]] = near.to_numpy()
        return out

    def lookup(self, points: np.ndarray) -> np.ndarray:
        """Code of the containing polygon (smallest code on an edge; nearest for a sliver)."""
        return _take(self.codes, self.positions(points))


def _take(values: np.ndarray, at: np.ndarray) -> np.ndarray:
    """``values[at]`` as objects, None where ``at`` is -1."""
    out = np.full(len(at), None, dtype=object)
    found = at >= 0
    out[found] = values[at[found]]
    return out


class Attributor:
    """Grid, police zone and station for arrays of WGS-84 points."""

    def __init__(self, grids: list[tuple[str, shapely.Geometry]],
                 zones: list[tuple[str, str, shapely.Geometry]]) -> None:  # fmt: skip
        self.grids = _Layer.build([c for c, _ in grids], [g for _, g in grids])
        self.zones = _Layer.build([c for c, _, _ in zones], [g for _, _, g in zones])
        station_of = {c: s for c, s, _ in zones}
        self.stations = np.array([station_of[c] for c in self.zones.codes], dtype=object)  # as codes

    def assign(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(grid_code, zone_code, station_code) for each of an array of shapely points."""
        zone = self.zones.positions(points)
        return self.grids.lookup(points), _take(self.zones.codes, zone), _take(self.stations, zone)
