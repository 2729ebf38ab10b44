"""A GeoJSON file GDAL refuses whole for one odd feature, read feature by feature instead.

GDAL's GeoJSON driver gives up on the whole file for a number it cannot hold (``1e999``), so one
mistyped coordinate would fail every row of the source. Python's JSON reader takes such a number
(as infinity), and ``NaN``/``Infinity`` too; each feature then becomes a row of text attributes
and its geometry, or no geometry where it is not one shapely can build (the checks quarantine that
row as ``coord_missing``, naming its line). A file that is no JSON at all is still refused whole.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry


def read_features(path: Path, cell_text: Callable[[object], str]) -> pd.DataFrame | None:
    """The features of ``path`` as a frame of text attributes (``cell_text`` of each value; an
    object as its JSON), ``_line`` (the feature's number, from 1) and ``_geom``; None when the file
    is not a GeoJSON FeatureCollection (or one Feature) Python can parse."""
    try:
        with path.open("rb") as fh:
            doc = json.load(fh)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    if isinstance(doc, dict) and doc.get("type") == "Feature":
        doc = {"type": "FeatureCollection", "features": [doc]}
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        return None
    rows: list[dict[str, str]] = []
    geoms: list[BaseGeometry | None] = []
    for feature in doc["features"]:
        feature = feature if isinstance(feature, dict) else {}
        props = feature.get("properties")
        props = props if isinstance(props, dict) else {}
        rows.append({str(k): _text(v, cell_text) for k, v in props.items()})
        geoms.append(_geometry(feature.get("geometry")))
    df = pd.DataFrame(rows, dtype=object).fillna("") if rows else pd.DataFrame()
    df["_line"] = np.arange(1, len(rows) + 1)
    df["_geom"] = np.array(geoms, dtype=object)
    return df


def _text(value: Any, cell_text: Callable[[object], str]) -> str:
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return cell_text(value)


def _geometry(value: Any) -> BaseGeometry | None:
    """The feature's geometry, or None where it is missing or not one (a coordinate that is no
    finite number, a wrong nesting, an unknown type)."""
    if not isinstance(value, dict):
        return None
    try:
        geom = shape(value)
    except Exception:  # shapely raises several kinds for a malformed geometry
        return None
    coords = shapely.get_coordinates(geom)
    if coords.size and not np.isfinite(coords).all():
        return None
    return geom
