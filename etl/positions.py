"""The checks of a chunk's positions, once converted to WGS-84: points and shapes where they may lie.

Missing, exchanged or out-of-area coordinates, a point's datum mislabelled (near its doorplate once
read as GCJ-02), a shape invalid as read or after the datum shift; each failing row takes its
reason in the chunk's ``Verdict`` unless an earlier check gave it one.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from common import coords
from common.china import CHINA_LAT, CHINA_LON
from etl.contract import GEOMETRY_FIELD
from etl.convert import Located
from etl.verdict import Verdict

CRS_MISMATCH_FAR_M = 150.0  # a building this far from its doorplate …
CRS_MISMATCH_NEAR_M = 60.0  # … but this close once read as GCJ-02 was mislabelled


def check_points(
    at: Located,
    v: Verdict,
    district: shapely.Geometry,
    address_points: pd.DataFrame | None,
    out: pd.DataFrame,
) -> None:
    """Point checks on converted positions: missing, swapped, outside the area, mislabelled datum."""
    assert at.lon is not None and at.lat is not None and at.x is not None and at.y is not None
    lon, lat, x, y = at.lon, at.lat, at.x, at.y
    if at.read is not None:  # a GIS file's feature that is no point (a layer of mixed types)
        shape = np.array(["" if g is None or g.is_empty else g.geom_type for g in at.read], dtype=object)
        other = (shape != "") & (shape != "Point")
        v.fail(other, "coord_missing", GEOMETRY_FIELD, np.array([f"a {s}, not a point" for s in shape]))
    v.fail(np.isnan(lon) | np.isnan(lat), "coord_missing", "lon")
    # 0,0 is what many systems export for "no position", in any datum
    v.fail((lon == 0) & (lat == 0), "coord_missing", "lon", "0,0")
    in_lon = (lon >= CHINA_LON[0]) & (lon <= CHINA_LON[1])
    in_lat = (lat >= CHINA_LAT[0]) & (lat <= CHINA_LAT[1])
    swapped = (
        ~(in_lon & in_lat)
        & (lat >= CHINA_LON[0])
        & (lat <= CHINA_LON[1])
        & (lon >= CHINA_LAT[0])
        & (lon <= CHINA_LAT[1])
    )
    v.fail(swapped, "coord_swapped", "lat")
    v.fail(~(in_lon & in_lat), "outside_area", "lon")
    inside = shapely.contains_xy(district, x, y)
    v.fail(~inside, "outside_area", "lon")
    if address_points is not None and len(address_points):
        at_door = address_points.reindex(out["address_code"].to_numpy())
        ax, ay = at_door["x"].to_numpy(dtype=float), at_door["y"].to_numpy(dtype=float)
        far = np.flatnonzero(coords.distance_m(x, y, ax, ay) > CRS_MISMATCH_FAR_M)
        # read again as GCJ-02, only those far from their doorplate (each point converges on its own)
        gx, gy = coords.gcj02_to_wgs84(x[far], y[far])
        explained = np.zeros(len(x), dtype=bool)
        explained[far] = coords.distance_m(gx, gy, ax[far], ay[far]) < CRS_MISMATCH_NEAR_M
        v.fail(explained, "crs_mismatch", "lon")


def check_shapes(at: Located, v: Verdict, shape: str, district: shapely.Geometry) -> None:
    """Polygon and line checks: missing, invalid as read (refused, not repaired), not a ``shape`` or
    invalid after the datum shift, then where it lies as points are judged: vertices that are no
    longitude and latitude in China (exchanged, or metres of a projected file: its own CRS is not
    read, the manifest's is), or a shape wholly outside the area."""
    assert at.read is not None
    n = len(at.read)
    for i, (geom, wgs) in enumerate(zip(at.read, at.geom, strict=True)):
        if geom is None or geom.is_empty:
            v.fail(np.arange(n) == i, "coord_missing", GEOMETRY_FIELD)
        elif not geom.is_valid:
            v.fail(np.arange(n) == i, "invalid_geometry", GEOMETRY_FIELD, shapely.is_valid_reason(geom))
        elif wgs is None:
            v.fail(
                np.arange(n) == i,
                "invalid_geometry",
                GEOMETRY_FIELD,
                f"not a valid {shape} (after the datum shift)",
            )
    placed = np.array([g is not None for g in at.geom], dtype=bool)
    if not placed.any():
        return
    box = np.full((n, 4), np.nan)
    box[placed] = shapely.bounds(at.read[placed])
    x0, y0, x1, y1 = box.T

    def within(lo: np.ndarray, hi: np.ndarray, span: tuple[float, float]) -> np.ndarray:
        return (lo >= span[0]) & (hi <= span[1])

    china = within(x0, x1, CHINA_LON) & within(y0, y1, CHINA_LAT)
    swapped = ~china & within(y0, y1, CHINA_LON) & within(x0, x1, CHINA_LAT)
    said = np.array([f"x {a:.6g}…{b:.6g}, y {c:.6g}…{d:.6g}" for a, c, b, d in box], dtype=object)
    v.fail(placed & swapped, "coord_swapped", GEOMETRY_FIELD, said)
    v.fail(placed & ~china, "outside_area", GEOMETRY_FIELD, said)
    inside = np.zeros(n, dtype=bool)
    inside[placed] = shapely.intersects(district, at.geom[placed].astype(object))
    v.fail(placed & ~inside, "outside_area", GEOMETRY_FIELD, said)
