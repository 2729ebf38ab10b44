"""Datum conversion of one chunk: where each row lies, as declared and in WGS-84; nothing is refused here.

Conversion runs before the checks, which judge its output (validate.py: missing, swapped, outside
the area, mislabelled datum, invalid polygons); a row it cannot place gets NaN or None, never an error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow.compute as pc
import shapely
from shapely.geometry import LineString, MultiLineString, MultiPolygon, Polygon

from common import coords
from etl.forms import arrow_text
from etl.manifest import Source

# Where a point with no coordinates is put while the chunk is converted as one array; such a row is
# refused (coord_missing) and its stand-in position is never stored.
_STAND_IN = (113.8, 23.3)


@dataclass
class Located:
    """Positions of a chunk's rows: as the source declares them and converted to WGS-84.

    ``lon``/``lat`` (point kinds) are the declared numbers, NaN where missing; ``x``/``y`` the same
    points in WGS-84. ``read`` (polygon kinds, and point kinds read from a GIS file) holds the
    geometries as read. ``geom`` holds the
    WGS-84 shapely geometry of each row (a point, a MultiPolygon or a MultiLineString; None where
    the shift failed).
    """

    geom: np.ndarray
    lon: np.ndarray | None = None
    lat: np.ndarray | None = None
    x: np.ndarray | None = None
    y: np.ndarray | None = None
    read: np.ndarray | None = None


def field_text(df: pd.DataFrame, source: Source, name: str) -> pd.Series:
    """The raw text of canonical field ``name`` (full-width spaces as spaces, trimmed; "" if unmapped)."""
    col = source.columns.get(name)
    if col is None:
        return pd.Series([""] * len(df), index=df.index, dtype=object)
    raw = df[col]
    if raw.dtype == "str":  # as below, in Arrow without pandas' wrapping of each step
        text = arrow_text(raw)
        if pc.any(pc.match_substring(text, "\u3000")).as_py():
            text = pc.replace_substring(text, "\u3000", " ")
        return pd.Series(pd.array(pc.utf8_trim_whitespace(text), dtype=raw.dtype), index=df.index, name=col)
    return raw.astype(str).str.replace("\u3000", " ").str.strip()


def convert_points(df: pd.DataFrame, source: Source) -> Located:
    """Points of a chunk (its lon/lat columns, or a GIS file's geometry) in WGS-84."""
    read = None
    if "_geom" in df:
        # only a point places a row of a point kind: a MultiPoint, line or polygon in its file (a
        # layer of mixed types) is as unplaced as an empty one, and refused like it (coord_missing)
        g = read = df["_geom"].to_numpy()
        point = np.array([p is not None and p.geom_type == "Point" and not p.is_empty for p in g], dtype=bool)
        lon = np.array([p.x if ok else np.nan for p, ok in zip(g, point, strict=True)], dtype=float)
        lat = np.array([p.y if ok else np.nan for p, ok in zip(g, point, strict=True)], dtype=float)
    else:
        lon = pd.to_numeric(field_text(df, source, "lon"), errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(field_text(df, source, "lat"), errors="coerce").to_numpy(dtype=float)
    safe_lon = np.where(np.isnan(lon), _STAND_IN[0], lon)
    safe_lat = np.where(np.isnan(lat), _STAND_IN[1], lat)
    x, y = coords.to_wgs84(safe_lon, safe_lat, source.crs or "WGS84")
    return Located(geom=shapely.points(x, y), lon=lon, lat=lat, x=x, y=y, read=read)


def _convert_shapes(df: pd.DataFrame, source: Source, single: type, multi: type) -> Located:
    """Shapes of a chunk in WGS-84 as ``multi`` (a ``single`` is wrapped in one); None for a missing,
    invalid or other shape (nothing is repaired). All vertices are shifted in one array: each point
    converges on its own (common/coords.py), so the result does not depend on the chunk."""
    read = df["_geom"].to_numpy()
    out = np.full(len(df), None, dtype=object)
    usable = np.flatnonzero(
        np.array([g is not None for g in read], dtype=bool)
        & ~shapely.is_empty(read)
        & shapely.is_valid(read)
        & np.isin(shapely.get_type_id(read), [_TYPE_ID[single], _TYPE_ID[multi]])
    )

    def shift(c: np.ndarray) -> np.ndarray:
        return np.column_stack(coords.to_wgs84(c[:, 0], c[:, 1], source.crs or "WGS84"))

    moved = shapely.transform(read[usable], shift) if usable.size else np.array([], dtype=object)
    for i, wgs in zip(usable, moved, strict=True):
        if isinstance(wgs, single):
            wgs = multi([wgs])
        if wgs.is_valid:
            out[i] = wgs
    return Located(geom=out, read=read)


_TYPE_ID = {LineString: 1, Polygon: 3, MultiLineString: 5, MultiPolygon: 6}


def convert_polygons(df: pd.DataFrame, source: Source) -> Located:
    """Polygons of a chunk as WGS-84 MultiPolygons; None for a missing or invalid one (not repaired)."""
    return _convert_shapes(df, source, Polygon, MultiPolygon)


def convert_lines(df: pd.DataFrame, source: Source) -> Located:
    """Lines of a chunk as WGS-84 MultiLineStrings; None for a missing, invalid or non-line one."""
    return _convert_shapes(df, source, LineString, MultiLineString)
