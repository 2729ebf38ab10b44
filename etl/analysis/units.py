"""The units the analysis counts on: the grids as drawn, and a lattice of 250 m square cells.

Cells are squares in the UTM zone of the area's centre (metres, so every cell has the same area
and the same neighbours), kept where they meet the area and clipped to it; a cell belongs to the
grid its centre lies in (or the nearest grid), which also gives its station. Neighbours are
queen contiguity: the eight cells around a cell, the grids that touch a grid.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import psycopg
import scipy.sparse as sp
import shapely
from libpysal.graph import Graph
from pyproj import Transformer

CELL_M = 250.0


@dataclass
class Units:
    """One kind of unit, in a fixed order: codes, where each belongs, areas and neighbours."""

    kind: str
    codes: np.ndarray
    district: np.ndarray
    station: np.ndarray
    grid: np.ndarray
    area_m2: np.ndarray
    geoms: np.ndarray
    """Shapely (multi)polygons in WGS-84."""
    adjacency: sp.csr_matrix
    """Binary, symmetric, zero diagonal."""
    cells: dict[tuple[int, int], int] | None = None
    """Cell lattice index (column, row) → position, for cells only."""
    to_metric: Transformer | None = None
    origin: tuple[float, float] = (0.0, 0.0)

    @property
    def n(self) -> int:
        return len(self.codes)

    def weights(self, subset: np.ndarray | None = None, star: bool = False) -> Graph:
        """Binary libpysal weights of all units or of ``subset`` (positions), with self-weights for Gi*.

        A sparse ``Graph`` rather than the older ``W``: esda re-derives a ``W``'s sparse matrix from
        its dictionaries on every call, which made each week's Gi* of the county's cells eight times
        slower for the same z."""
        m = self.adjacency if subset is None else self.adjacency[subset][:, subset]
        g = Graph.from_sparse(sp.csr_matrix(m))
        return g.assign_self_weight(1.0) if star else g

    def locate(self, lon: np.ndarray, lat: np.ndarray, grid_codes: np.ndarray) -> np.ndarray:
        """The position of the unit holding each point (-1 when none): by grid code for grids, by
        coordinates for cells."""
        if self.cells is None:
            pos = {c: k for k, c in enumerate(self.codes)}
            return np.array([pos.get(g, -1) for g in grid_codes], dtype=np.int64)
        assert self.to_metric is not None
        x, y = self.to_metric.transform(lon, lat)
        i = np.floor((np.asarray(x) - self.origin[0]) / CELL_M).astype(np.int64)
        j = np.floor((np.asarray(y) - self.origin[1]) / CELL_M).astype(np.int64)
        return np.array([self.cells.get((a, b), -1) for a, b in zip(i, j, strict=True)], dtype=np.int64)


def utm_epsg(lon: float, lat: float) -> int:
    """The EPSG code of the WGS-84 UTM zone holding ``lon``, ``lat``."""
    return (32600 if lat >= 0 else 32700) + int((lon + 180) // 6) % 60 + 1


def read_grids(conn: psycopg.Connection) -> list[tuple[str, str, str, bytes]]:
    """Every grid: code, district, station and geometry (WKB), in code order."""
    return conn.execute(
        "select grid_code, district_code, station_code, st_asbinary(geom) from core.grids order by grid_code"
    ).fetchall()


def grid_units(grids: list[tuple[str, str, str, bytes]], to_metric: Transformer) -> Units:
    """The grids as units; neighbours share at least a point (queen contiguity)."""
    geoms = np.array([shapely.from_wkb(g[3]) for g in grids], dtype=object)
    metric = shapely.transform(geoms, lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1])))
    tree = shapely.STRtree(metric)
    # touching within a centimetre: agency polygons meet with slivers and gaps
    left, right = tree.query(shapely.buffer(metric, 0.01), predicate="intersects")
    keep = left != right
    n = len(grids)
    adj = sp.csr_matrix((np.ones(int(keep.sum())), (left[keep], right[keep])), shape=(n, n))
    adj = ((adj + adj.T) > 0).astype(float)
    codes = np.array([g[0] for g in grids], dtype=object)
    return Units(
        kind="grid",
        codes=codes,
        district=np.array([g[1] for g in grids], dtype=object),
        station=np.array([g[2] for g in grids], dtype=object),
        grid=codes,
        area_m2=shapely.area(metric),
        geoms=geoms,
        adjacency=sp.csr_matrix(adj),
    )


def cell_units(grids: list[tuple[str, str, str, bytes]], to_metric: Transformer) -> Units:
    """250 m cells covering the grids (the area), clipped to them, each with the grid of its centre."""
    to_wgs = Transformer.from_crs(to_metric.target_crs, "EPSG:4326", always_xy=True)
    geoms = [shapely.from_wkb(g[3]) for g in grids]
    metric = shapely.transform(
        np.array(geoms, dtype=object), lambda xy: np.column_stack(to_metric.transform(xy[:, 0], xy[:, 1]))
    )
    area = shapely.union_all(metric)
    x0, y0, x1, y1 = area.bounds
    ox, oy = np.floor(x0 / CELL_M) * CELL_M, np.floor(y0 / CELL_M) * CELL_M
    ni, nj = int(np.ceil((x1 - ox) / CELL_M)), int(np.ceil((y1 - oy) / CELL_M))
    mi, mj = np.meshgrid(np.arange(ni), np.arange(nj), indexing="ij")
    ii, jj = mi.ravel(), mj.ravel()
    boxes = shapely.box(ox + ii * CELL_M, oy + jj * CELL_M, ox + (ii + 1) * CELL_M, oy + (jj + 1) * CELL_M)
    shapely.prepare(area)
    meets = shapely.intersects(area, boxes)
    ii, jj, boxes = ii[meets], jj[meets], boxes[meets]
    clipped = shapely.intersection(boxes, area)
    # only cells with some area (a corner touching the boundary is no cell)
    areas = shapely.area(clipped)
    keep = areas > 1.0
    ii, jj, clipped, areas = ii[keep], jj[keep], clipped[keep], areas[keep]
    centres = shapely.points(ox + (ii + 0.5) * CELL_M, oy + (jj + 0.5) * CELL_M)
    tree = shapely.STRtree(metric)
    owner = tree.query_nearest(centres, all_matches=False)[1]
    n = len(ii)
    cells = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(ii, jj, strict=True))}
    rows, cols = [], []
    for di in (-1, 0, 1):
        for dj in (-1, 0, 1):
            if di or dj:
                other = np.array(
                    [cells.get((int(a) + di, int(b) + dj), -1) for a, b in zip(ii, jj, strict=True)]
                )
                ok = other >= 0
                rows.append(np.flatnonzero(ok))
                cols.append(other[ok])
    r, c = np.concatenate(rows), np.concatenate(cols)
    adj = sp.csr_matrix((np.ones(len(r)), (r, c)), shape=(n, n))
    wgs = shapely.transform(clipped, lambda xy: np.column_stack(to_wgs.transform(xy[:, 0], xy[:, 1])))
    wgs = np.array([shapely.make_valid(g) for g in wgs], dtype=object)
    return Units(
        kind="cell",
        codes=np.array(
            [f"C{int(ox / CELL_M) + a}_{int(oy / CELL_M) + b}" for a, b in zip(ii, jj, strict=True)],
            dtype=object,
        ),
        district=np.array([grids[k][1] for k in owner], dtype=object),
        station=np.array([grids[k][2] for k in owner], dtype=object),
        grid=np.array([grids[k][0] for k in owner], dtype=object),
        area_m2=areas,
        geoms=wgs,
        adjacency=adj,
        cells=cells,
        to_metric=to_metric,
        origin=(ox, oy),
    )


def metric_transformer(grids: list[tuple[str, str, str, bytes]]) -> Transformer:
    """WGS-84 → the UTM zone of the grids' centre."""
    centre = shapely.union_all([shapely.from_wkb(g[3]) for g in grids]).centroid
    return Transformer.from_crs("EPSG:4326", f"EPSG:{utm_epsg(centre.x, centre.y)}", always_xy=True)
