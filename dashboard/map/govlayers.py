"""The governance areas on a map: the outlines of towns (镇街) and villages (村社区), each one the
viewer sees a grid of, in the basemap's datum, with the popup that links to its page.

A town holds villages and a village grids (each grid lies in one village of one town), so an area
map of a town draws its villages and grids, one of a village its grids, as a station's draws its
zones and grids.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import numpy as np
import shapely

from common.coords import from_wgs84
from dashboard.map.layers import is_wgs84, tolerance
from dashboard.queries.areas import Area
from dashboard.queries.sql import pick, rows
from dashboard.scope import Scope

GovLayer = Literal["town", "village"]
VIEWS: dict[str, tuple[str, str]] = {  # level: (view, code column)
    "town": ("serve.towns", "town_code"),
    "village": ("serve.villages", "village_code"),
}
# how each is drawn on an area map: a village like a police zone (dashed), a town like a station
STYLES: dict[str, dict[str, Any]] = {
    "town": {"color": "#6f42c1", "weight": 3, "fillOpacity": 0.03, "className": "ol-town"},
    "village": {
        "color": "#8250df",
        "weight": 2,
        "fillOpacity": 0,
        "dashArray": "6 4",
        "className": "ol-village",
    },
}
PANES = {"town": "overlayPane", "village": "zones"}
# what its popup says: its name and code (the tooltip) and a link to its page
LEGENDS: dict[str, dict[str, Any]] = {
    "town": {"facts": [], "links": [["镇街页面 ›", "/town/"]]},
    "village": {"facts": [], "links": [["村社区页面 ›", "/village/"]]},
}


def gov_layer(
    url: str, scope: Scope, level: GovLayer, within: Area | None, zoom: float, crs: str
) -> dict[str, Any]:
    """The towns or villages of ``within`` (a town or village; None: all) the scope sees a grid of.

    Parameters
    ----------
    url : str
        Database URL of the application role.
    scope : Scope
        The viewer's scope: a town or village none of whose grids it sees is left out.
    level : {"town", "village"}
        Which outlines: a town's own (``within`` a town), its villages, or a village's own.
    within : Area or None
        The town or village of the map; None for the whole map.
    zoom : float
        Map zoom the outlines are simplified for.
    crs : str
        Datum of the basemap.

    Returns
    -------
    dict
        A GeoJSON FeatureCollection; properties ``code``, ``label`` (its name), ``tooltip`` and the
        popup's ``facts`` and ``links`` (its own code).
    """
    view, code = VIEWS[pick(level, VIEWS)]
    # the area's own column: a town's villages share its town_code
    inside = "true" if within is None else f"o.{pick(within.level, VIEWS)}_code = :area_code"
    found = rows(
        url,
        "areas_governance_outlines",
        {**scope.params(), "area_code": within.code if within else None, "tol": tolerance(zoom)},
        view=view,
        code=code,
        within=inside,
        scope=scope.where("a"),
    )
    if not found:
        return {"type": "FeatureCollection", "features": []}
    geoms = shapely.from_wkb([bytes(r["wkb"]) for r in found])
    if not is_wgs84(crs):

        def move(xy: np.ndarray) -> np.ndarray:
            x, y = from_wgs84(xy[:, 0], xy[:, 1], crs)
            return np.column_stack([x, y])

        geoms = shapely.transform(geoms, move)
    geoms = shapely.transform(geoms, lambda xy: np.round(xy, 6))
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": json.loads(g),
                "properties": {
                    "code": r["code"],
                    "label": r["label"],
                    "tooltip": f"{r['label']}（{r['code']}）",
                    "facts": [],
                    "links": [r["code"]],
                },
            }
            for r, g in zip(found, shapely.to_geojson(geoms), strict=True)
        ],
    }
