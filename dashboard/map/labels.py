"""Names written on the map: grid names where they fit, station names inside their outlines.

The server says what a label reads and how large its area is; the browser (``onemap.label``)
writes a grid's name only where it fits inside the grid and overlaps no other label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import shapely.geometry

from dashboard.map.layers import empty

MAX_LABELS = 2000  # grids a label layer is drawn for (a station has a few hundred)
LABEL_ZOOM = 14  # grid names are written on the map from this zoom on (where they fit: the browser)


def grid_labels(zoom: float, grids: dict[str, Any], names: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Grid names as labels at the grids' centres, only from ``LABEL_ZOOM`` on (``grids``: the
    grid layer as the server computed it; ``names``: grid code → name, see
    :func:`dashboard.names.area_names`); at most :data:`MAX_LABELS`.

    Each label carries its grid's width and height in degrees (``w``, ``h``): the browser writes
    a name only where it fits inside its grid and overlaps no other (``onemap.label``).
    """
    if zoom < LABEL_ZOOM or not grids:
        return empty()
    features = []
    for f in grids["features"][:MAX_LABELS]:
        code = f["properties"]["code"]
        shape = shapely.geometry.shape(f["geometry"])
        centre = shape.representative_point()
        x0, y0, x1, y1 = shape.bounds
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(centre.x, 6), round(centre.y, 6)]},
                "properties": {
                    "code": code,
                    "label": named_label(names or {}, code),
                    "w": round(x1 - x0, 6),
                    "h": round(y1 - y0, 6),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def named_label(names: Mapping[str, str], code: str | None) -> str:
    """A grid's label on the map: its name (白石社区·第6网格); the code only when the name is unknown."""
    return names.get(code or "") or code or ""


def area_labels(areas: dict[str, Any], names: Mapping[str, str]) -> dict[str, Any]:
    """Names written inside areas (stations): one point per area of ``areas`` that ``names`` knows
    (code → name), at a point inside its outline (in the outline layer's datum)."""
    features = []
    for f in areas["features"]:
        code = f["properties"]["code"]
        if code not in names:
            continue
        p = shapely.geometry.shape(f["geometry"]).representative_point()
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(p.x, 6), round(p.y, 6)]},
                "properties": {"label": names[code]},
            }
        )
    return {"type": "FeatureCollection", "features": features}
