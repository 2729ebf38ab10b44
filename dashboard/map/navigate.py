"""Moving about the map: search, flying to a hit, selecting a station.

Every code here arrives from the browser (a click, a stored search hit) and may be forged, so each
is looked up again on the server within the viewer's scope; what is out of scope changes nothing.
"""

from __future__ import annotations

from typing import Any

from dashboard.context import AppContext
from dashboard.map.layers import area_layer, area_layer_named
from dashboard.queries import areas, elements
from dashboard.queries.areas import Area
from dashboard.scope import CODE

PAD = 0.002  # degrees around a point hit when flying to it


def search(c: AppContext, q: str | None) -> list[elements.SearchHit]:
    """Hits for a search box text in the viewer's scope (none for an empty text)."""
    if not q or not q.strip():
        return []
    return elements.search(c.url, c.scope(), q.strip())


def fly_to(c: AppContext, kind: str, code: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """Viewport and highlight for a search hit, looked up again on the server within the scope.

    Parameters
    ----------
    c : AppContext
        The app, acting for the current viewer.
    kind, code : str
        The hit as the browser sent it back.

    Returns
    -------
    tuple or None
        The map's viewport (fly to the hit's bounds) and a FeatureCollection to highlight (the
        area's outline, or the point); None when the hit is not one the viewer may see.
    """
    rows = [
        h
        for h in elements.search(c.url, c.scope(), code, limit=50)
        if h["code"] == code and h["kind"] == kind
    ]
    if not rows:
        return None
    h = rows[0]
    viewport = {
        "bounds": [[h["y0"] - PAD, h["x0"] - PAD], [h["y1"] + PAD, h["x1"] + PAD]],
        "transition": "flyToBounds",
    }
    layer = area_layer_named(kind)
    if layer is not None:
        return viewport, area_layer(c.url, c.scope(), layer, 16, c.settings.basemap_crs, Area(layer, code))
    feature = {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [h["lon"], h["lat"]]},
        "properties": {"tooltip": h["label"]},
    }
    return viewport, {"type": "FeatureCollection", "features": [feature]}


def select_station(c: AppContext, code: str) -> str | None:
    """A clicked station's name; None when out of scope or no code (a forged click: nothing happens)."""
    if not CODE.fullmatch(code):
        return None
    named = areas.area_name(c.url, c.scope(), Area("station", code))
    return None if named is None else str(named["name"])
