"""The basemap of a static map (an area's drill page, a grid worker's ``/mine``): drawn once, for
the map's extent at the zoom it is fitted to, since such a map has no callback to fetch more.

The local basemap (:mod:`dashboard.map.basemap`) when no tile server is configured, its shapes in
the ``basemap`` pane and its names in ``basemap-labels`` (the map declares them:
:func:`dashboard.map.overlays.panes`), fetched by the browser from the layer files the main map
uses (:mod:`dashboard.layerfiles`), boxed by whole cells as its are
(:func:`dashboard.map.framing.snap`): the page's answer carries two URLs, not the shapes, and
neighbouring areas and a second visit name the same files, which the browser keeps and
revalidates. The deployment's tiles otherwise.
"""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl

from dashboard import layerfiles
from dashboard.context import AppContext
from dashboard.map import basemap, framing, layers


def data(
    c: AppContext, zoom: int, ext: framing.Extent, width_px: int, height_px: int
) -> dict[str, Any] | None:
    """The addresses of the local basemap's shapes and names around an extent, and its styles
    (None when tiles replace it). No query: the browser fetches the files.

    Parameters
    ----------
    c : AppContext
        The app (its settings: the tile server).
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
        ``shapes`` and ``labels`` (URLs of layer files: from
        :data:`~dashboard.map.framing.BOX_ZOOM` the view's cells, the shapes' with the main map's
        margin, the names' with the road names, drawn once; below it the whole area's) and
        ``styles`` (by style key), or None.
    """
    if c.settings.basemap_url:
        return None
    styles = basemap.styles(zoom)
    if zoom < framing.BOX_ZOOM:
        return {
            "shapes": layerfiles.url("basemap", zoom),
            "labels": layerfiles.url("basemap-labels", zoom),
            "styles": styles,
        }
    half = width_px / 2 * 360 / (256 * 2**zoom)
    cx, cy = (ext[0] + ext[2]) / 2, (ext[1] + ext[3]) / 2
    box = (
        min(ext[0], cx - half),
        min(ext[1], cy - half * height_px / width_px),
        max(ext[2], cx + half),
        max(ext[3], cy + half * height_px / width_px),
    )
    return {
        # its edges show no cut: the main map's margin
        "shapes": layerfiles.url("basemap", zoom, None, framing.snap(zoom, box, framing.BASEMAP_MARGIN)),
        # drawn once: the streets named whatever the zoom
        "labels": layerfiles.url("basemap-labels", zoom, None, framing.snap(zoom, box, 0), streets=True),
        "styles": styles,
    }


def blank(c: AppContext) -> dict[str, Any] | None:
    """What :func:`data` gives with nothing to draw (a page's skeleton): no file to fetch."""
    return None if c.settings.basemap_url else {"shapes": None, "labels": None, "styles": {}}


def drawn(c: AppContext, base: dict[str, Any] | None, prefix: str) -> list[Any]:
    """The layers drawing :func:`data`'s answer, ids ``{prefix}-basemap`` and ``{prefix}-basemap-labels``,
    each fetching its file (the deployment's tiles when it is None)."""
    if base is None:
        s = c.settings
        return [dl.TileLayer(url=s.basemap_url, attribution=s.basemap_attribution, maxZoom=19)]
    shapes = {"url": base["shapes"]} if base["shapes"] else {}
    names = {"url": base["labels"]} if base["labels"] else {}
    return [
        layers.geojson(
            **shapes,
            style=basemap.STYLE_FN,
            hideout={"styles": base["styles"]},
            interactive=False,
            id=f"{prefix}-basemap",
            pane="basemap",
        ),
        layers.geojson(
            **names,
            pointToLayer=basemap.LABEL_FN,
            hideout={"pane": "basemap-labels"},
            interactive=False,
            id=f"{prefix}-basemap-labels",
        ),
    ]
