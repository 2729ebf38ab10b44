"""The map page's layers as Leaflet draws them: basemap, outlines with their names, choropleth,
heat and the point layers, their styles, colours and the order the layer list shows them in."""

from __future__ import annotations

from typing import Any

import dash_leaflet as dl

from dashboard.context import AppContext
from dashboard.map import analysis_layers, basemap, framing, layers, popups, share
from dashboard.map.layers import CLUSTER_FN, POINT_FN, POINT_LAYERS, STYLE_FN, PointLayer

# Leaflet's panes by z-index: its own tilePane 200, overlayPane 400 (stations), markerPane 600 (names)
# (the basemap's names, 380, sit over the heat and take no clicks)
PANES = {"basemap": 250, "choropleth": 340, "heat": 350, "basemap-labels": 380, "zones": 410, "grids": 420}
PANES |= {"highlight": 430, "points": 450, "analysis": 345}  # 研判 between the choropleth and the heat
CLICKLESS = ("basemap-labels",)
AREA_PANES = {"station": "overlayPane", "zone": "zones", "grid": "grids"}
AREA_STYLES: dict[str, dict[str, Any]] = {
    "station": {"color": "#0b3d91", "weight": 3, "fillOpacity": 0.04, "className": "ol-station"},
    # a zone's inside takes clicks too (a grid over it takes them first)
    "zone": {"color": "#1f6feb", "weight": 3, "fillOpacity": 0, "dashArray": "6 4", "className": "ol-zone"},
    "grid": {"color": "#2da44e", "weight": 1, "fillOpacity": 0.06, "className": "ol-grid"},
    "choropleth": {"color": "#57606a", "weight": 1, "fillOpacity": 0.65},
    "analysis": {"weight": 1, "fillOpacity": 0.6, "opacity": 0.9},
}
POINT_COLOURS: dict[PointLayer, str] = {
    "incidents": "#bf3989",
    "smart_communities": "#2da44e",
    "cameras": "#6e40c9",
    "workstations": "#d4a72c",
    "alerts": "#cf222e",
    "supervisions": "#bf8700",
    "buildings": "#57606a",
    "rental_units": "#bc4c00",
}
POINT_NAMES: dict[PointLayer, str] = {
    "incidents": "警情（放大后显示）",
    "smart_communities": "智安小区",
    "cameras": "视频监控与卡口",
    "workstations": "警网融合工作站",
    "alerts": "预警",
    "supervisions": "督办事项",
    "buildings": "楼栋（放大后显示）",
    "rental_units": "出租屋（放大后显示）",
}
CLUSTERED: tuple[PointLayer, ...] = ("cameras", "alerts", "buildings", "rental_units", "incidents")
# a transparent pixel: the heat image while heat is off (an empty URL shows a broken-image icon)
BLANK_PNG = "/assets/blank.png"
HEAT_HIDDEN = "热力已隐藏：分级设色时不叠加热力（勾选“分级设色时叠加热力”可同时显示）"


def panes() -> list[dl.Pane]:
    """A pane per kind of layer (:data:`PANES`), so what lies on top does not depend on which loaded first."""
    return [
        dl.Pane(name=name, style={"zIndex": z} | ({"pointerEvents": "none"} if name in CLICKLESS else {}))
        for name, z in PANES.items()
    ]


def base_layer(c: AppContext) -> Any:
    """Tiles when a tile server is configured, else the local basemap (:mod:`dashboard.map.basemap`)."""
    s = c.settings
    if s.basemap_url:
        return dl.BaseLayer(
            dl.TileLayer(url=s.basemap_url, attribution=s.basemap_attribution, maxZoom=19),
            name="底图",
            checked=True,
        )
    return basemap.local_layer()


def overlay_name(position: int, key: str, name: str) -> str:
    """An overlay's name in the layer list: its words after a hidden sort key (``01 stations``).

    Leaflet lists layers in the order they finish loading, which differs between visits; sorted by
    name, the hidden key fixes the order, and the browser reads the layer's key from it for the
    URL (``assets/onemap_map.js``). Leaflet writes names as markup: these are this module's own.
    """
    return f"<i hidden>{position:02d} {key}</i>{name}"


def overlays(ext: framing.Extent, small: dict[PointLayer, dict[str, Any]]) -> list[Any]:
    """The layers the viewer can switch, top of the list first: outlines with their names,
    choropleth, heat, and the point layers (each checked as :data:`share.DEFAULT_ON` says; ``small``:
    a small layer's ``data`` or ``url``)."""

    def area(key: str, level: str, **hover: Any) -> Any:
        return layers.geojson(
            id=f"map-{key}",
            style=STYLE_FN,
            hideout={"base": AREA_STYLES[level], "popup": popups.legend(level)},
            pane=AREA_PANES[level],
            **hover,
        )

    stations = dl.LayerGroup(
        [
            area("stations", "station", hoverStyle={"weight": 5}),
            layers.geojson(id="map-station-labels", pointToLayer=layers.STATION_LABEL_FN, interactive=False),
        ]
    )
    grids = dl.LayerGroup(
        [
            area("grids", "grid", hoverStyle={"weight": 3}),
            layers.geojson(id="map-grid-labels", pointToLayer=layers.LABEL_FN, interactive=False),
        ]
    )
    heat_image = dl.ImageOverlay(
        pane="heat", id="map-heat", url=BLANK_PNG, bounds=framing.corners(ext), opacity=0.8
    )
    points = {
        layer: layers.geojson(
            id=f"map-{layer}",
            pointToLayer=POINT_FN,
            clusterToLayer=CLUSTER_FN,
            # the alerts' popups are their own (their marker and callback)
            hideout={"colour": POINT_COLOURS[layer]}
            | ({"popup": popups.legend(layer)} if layer in popups.FACTS else {}),
            pane="points",
            **small.get(layer, {"data": None}),
            cluster=layer in CLUSTERED,
            superClusterOptions={"radius": 40},
            bubblingMouseEvents=False,
        )
        for layer in POINT_LAYERS
    }
    listed: list[tuple[str, str, Any]] = [
        ("stations", "派出所", stations),
        ("zones", "警务区", area("zones", "zone")),
        ("grids", "网格", grids),
        (
            "choropleth",
            "分级设色",
            layers.geojson(
                id="map-choropleth",
                style=STYLE_FN,
                hideout={"base": AREA_STYLES["choropleth"]},
                pane="choropleth",
            ),
        ),
        ("heat", "热力", heat_image),
        # incidents next to the heat they make up, then the places
        *[(k, POINT_NAMES[k], points[k]) for k in sorted(POINT_LAYERS, key=lambda k: k != "incidents")],
        # the analysis (研判, dashboard/map/analysis_layers.py): last, so no other layer's place moves
        *[
            (key, name, layers.geojson(id=f"map-{key}", style=STYLE_FN, pane="analysis", hideout=hideout))
            for key, name, hideout in analysis_layers.overlays(AREA_STYLES["analysis"])
        ],
    ]
    return [
        dl.Overlay(
            child,
            id=f"map-ov-{key}",
            name=overlay_name(i + 1, key, name),
            checked=key in share.DEFAULT_ON,
        )
        for i, (key, name, child) in enumerate(listed)
    ]
