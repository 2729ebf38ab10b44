"""The basemap of a static map (an area's drill page, a grid worker's ``/mine``): drawn once, for
the map's extent at the zoom it is fitted to, since such a map has no callback to fetch more.

The local basemap (:mod:`dashboard.map.basemap`) when no tile server is configured, its shapes in
the ``basemap`` pane and its names in ``basemap-labels`` (the map declares them:
:func:`dashboard.map.overlays.panes`); the deployment's tiles otherwise.
"""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl

from dashboard.context import AppContext
from dashboard.map import basemap, framing, layers


def data(
    c: AppContext, zoom: int, ext: framing.Extent, width_px: int, height_px: int
) -> dict[str, Any] | None:
    """The local basemap's shapes, names and styles around an extent (None when tiles replace it).

    Parameters
    ----------
    c : AppContext
        The app (its settings: the tile server, the basemap's datum).
    zoom : int
        The zoom the map is fitted to: what the basemap shows and how finely.
    ext : framing.Extent
        The extent the map is fitted to.
    width_px, height_px : int
        The widest view the map is shown in: the basemap covers that view around the extent's
        centre (a box only the extent's size would leave the map's sides bare).

    Returns
    -------
    dict or None
        ``shapes`` and ``labels`` (GeoJSON) and ``styles`` (by style key), or None.
    """
    if c.settings.basemap_url:
        return None
    half = width_px / 2 * 360 / (256 * 2**zoom)
    cx, cy = (ext[0] + ext[2]) / 2, (ext[1] + ext[3]) / 2
    box = (
        min(ext[0], cx - half),
        min(ext[1], cy - half * height_px / width_px),
        max(ext[2], cx + half),
        max(ext[3], cy + half * height_px / width_px),
    )
    crs = c.settings.basemap_crs
    return {
        "shapes": basemap.shapes(c.url, zoom, basemap.grown(box), crs),  # its edges show no cut
        "labels": basemap.labels(c.url, zoom, box, crs, streets=True),  # drawn once: no street zoom
        "styles": basemap.styles(zoom),
    }


def blank(c: AppContext) -> dict[str, Any] | None:
    """What :func:`data` gives with nothing to draw (a page's skeleton: no query)."""
    return (
        None if c.settings.basemap_url else {"shapes": layers.empty(), "labels": layers.empty(), "styles": {}}
    )


def drawn(c: AppContext, base: dict[str, Any] | None, prefix: str) -> list[Any]:
    """The layers drawing :func:`data`'s answer, ids ``{prefix}-basemap`` and ``{prefix}-basemap-labels``
    (the deployment's tiles when it is None)."""
    if base is None:
        s = c.settings
        return [dl.TileLayer(url=s.basemap_url, attribution=s.basemap_attribution, maxZoom=19)]
    return [
        layers.geojson(
            data=base["shapes"],
            style=basemap.STYLE_FN,
            hideout={"styles": base["styles"]},
            interactive=False,
            id=f"{prefix}-basemap",
            pane="basemap",
        ),
        layers.geojson(
            data=base["labels"],
            pointToLayer=basemap.LABEL_FN,
            hideout={"pane": "basemap-labels"},
            interactive=False,
            id=f"{prefix}-basemap-labels",
        ),
    ]
