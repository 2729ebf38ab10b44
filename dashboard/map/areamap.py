"""The map of one area on its drill page (a station, zone or grid; a town or village of the
governance side): its outline, its child areas, incident heat for the page's
period and its open items, with the main map's popups and links, fitted to the area.

Everything is read within the viewer's scope (an area out of scope has no map: None). The map is
static (no callback): the basemap is drawn once for the area's extent at the zoom it is fitted to,
from the layer files the browser fetches and keeps (the cached map holds their URLs, not their
shapes: :mod:`dashboard.map.staticbase`), and the popups' links keep the page's period
(``assets/onemap_map.js`` adds the page's query).
"""

from __future__ import annotations

from typing import Any, Literal, cast

import dash_leaflet as dl
from dash import html

from common.codebook import ITEM_STATUS, label
from common.coords import from_wgs84
from dashboard.context import AppContext
from dashboard.map import framing, govlayers, heat, layers, legends, overlays, popups, staticbase
from dashboard.map.layers import POINT_FN, STYLE_FN, AreaLayer, is_wgs84
from dashboard.periods import Period
from dashboard.queries import areas, elements
from dashboard.queries.areas import Area

AreaKind = Literal["station", "zone", "grid", "town", "village"]
HEIGHT_PX = 420
WIDTH_PX = 900  # a narrow page's map width: the zoom the area is fitted to
VIEW_PX = 1600  # a wide page's map width: the basemap is drawn this wide
# what each kind of area shows inside its outline (a town or village: those of the governance side)
CHILDREN: dict[str, tuple[str, ...]] = {
    "station": ("zone", "grid"),
    "zone": ("grid",),
    "grid": (),
    "town": ("village", "grid"),
    "village": ("grid",),
}
OUTLINE_STYLE = {"color": "#0b3d91", "weight": 4, "fillOpacity": 0, "className": "ol-area"}
CARD_COLOURS = {"red": "#cf222e", "yellow": "#d4a72c", None: "#57606a"}
MAX_ITEMS = 200


def area_map(c: AppContext, kind: str, code: str, period: Period) -> html.Div | None:
    """The map of a station, zone, grid, town or village for ``period``; None when it has no shape in scope.

    Parameters
    ----------
    c : AppContext
        The app, acting for the current viewer (its scope filters every layer).
    kind : str
        ``"station"``, ``"zone"``, ``"grid"``, ``"town"`` or ``"village"``.
    code : str
        The area's code.
    period : Period
        The period of the page: the heat counts its incidents, the items are those open at its end.

    Returns
    -------
    html.Div or None
        The map (id ``area-map``) with its heat legend (``area-map-legend``).
    """
    if kind not in CHILDREN:
        return None
    scope, area = c.scope(), Area(kind, code)
    crs = c.settings.basemap_crs
    ext = c.cached(("area-extent", scope, area), lambda: areas.bounds(c.url, scope, area))
    if ext is None:
        return None
    # the whole area in view: the zoom its width fits, or its height (a degree of latitude is
    # about as long as one of longitude here, a little longer on the map)
    zoom = min(framing.fit_zoom(ext, WIDTH_PX), framing.fit_zoom((ext[1], 0.0, ext[3], 0.0), HEIGHT_PX - 60))

    def outlines(level: str) -> dict[str, Any]:
        if level in govlayers.VIEWS:
            gov = cast(govlayers.GovLayer, level)
            return govlayers.gov_layer(c.url, scope, gov, area, zoom + 1, crs)
        police = cast(AreaLayer, level)
        fc = layers.area_layer(c.url, scope, police, zoom + 1, crs, area, popups.columns(level))
        return layers.with_area_popups(police, fc)

    def data() -> dict[str, Any]:
        outline = outlines(kind)
        children = {child: outlines(child) for child in CHILDREN[kind]}
        if kind == "grid":  # a grid's buildings (its box holds some of its neighbours': left out)
            fc = layers.point_layer(c.url, scope, "buildings", 18, ext, crs)
            fc["features"] = [f for f in fc["features"] if f["properties"].get("grid_code") == code]
            children_points = layers.with_point_popups("buildings", fc)
        else:
            children_points = layers.empty()
        t0, t1 = framing.window(period, "week", 0, None, None)
        x, y, w = heat.heat_points(c.url, scope, "incidents", t0, t1, area=area)
        h = heat.render_heat(x, y, w, heat.reach(ext), crs)
        return {
            "outline": outline,
            "children": children,
            "buildings": children_points,
            "items": _items(c, area, period, crs),
            "heat": {
                "url": h.data_url() if len(x) else "",
                "bounds": h.bounds,
                "legend": f"{heat.HEAT_ZH['incidents']} · {period.label_zh()} · 共{h.total:,.0f}",
                "top": h.peak,
                "unit": heat.HEAT_UNIT["incidents"],
            },
            "base": staticbase.data(c, zoom, ext, VIEW_PX, HEIGHT_PX),
        }

    # "basemap-urls": an entry stored before the basemap was fetched by URL holds its shapes (the
    # shared cache outlives a restart), and is never read as this one
    d = c.cached(("area-map", scope, area, period, crs, "basemap-urls"), data)
    return _view(c, kind, ext, zoom, d)


def _items(c: AppContext, area: Area, period: Period, crs: str) -> dict[str, Any]:
    """The area's open items at the period's end as points coloured by their card."""
    rows = elements.open_items(c.url, c.scope(), area, period, limit=MAX_ITEMS)
    rows = [r for r in rows if r.get("lon") is not None]
    features = []
    for r in rows:
        lon, lat = r["lon"], r["lat"]
        if not is_wgs84(crs):
            sx, sy = from_wgs84([lon], [lat], crs)
            lon, lat = float(sx[0]), float(sy[0])
        r["status_zh"] = label(ITEM_STATUS[r["item_kind"]], r["status"]) or "—"
        card = label("card", r["card"]) if r["card"] else ""
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "code": r["item_no"],
                    "tooltip": " · ".join(w for w in (card, r["what"] or "", r["item_no"]) if w),
                    "colour": CARD_COLOURS.get(r["card"], CARD_COLOURS[None]),
                    **popups.values("open_items", r),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _style(level: str) -> dict[str, Any]:
    return govlayers.STYLES.get(level) or overlays.AREA_STYLES[level]


def _legend(level: str) -> dict[str, Any]:
    return govlayers.LEGENDS.get(level) or popups.legend(level)


def _view(c: AppContext, kind: str, ext: framing.Extent, zoom: int, d: dict[str, Any]) -> html.Div:
    """The map's components from its data."""
    base = staticbase.drawn(c, d["base"], "area-map")
    h = d["heat"]
    heat_image = (
        [dl.ImageOverlay(pane="heat", id="area-map-heat", url=h["url"], bounds=h["bounds"], opacity=0.75)]
        if h["url"]
        else []
    )
    children = [
        layers.geojson(
            data=fc,
            style=STYLE_FN,
            hideout={"base": _style(child), "popup": _legend(child)},
            pane=govlayers.PANES.get(child) or overlays.AREA_PANES[child],
            id=f"area-map-{child}s",
        )
        for child, fc in d["children"].items()
    ]
    outline = layers.geojson(
        data=d["outline"],
        style=STYLE_FN,
        # its inside takes no clicks when it holds areas of its own (theirs open their pages)
        hideout={"base": OUTLINE_STYLE, "popup": _legend(kind)},
        interactive=not children,
        id="area-map-outline",
    )
    points = [
        layers.geojson(
            data=d["buildings"],
            pointToLayer=POINT_FN,
            hideout={"colour": overlays.POINT_COLOURS["buildings"], "popup": popups.legend("buildings")},
            pane="points",
            id="area-map-buildings",
            bubblingMouseEvents=False,
        ),
        layers.geojson(
            data=d["items"],
            pointToLayer=POINT_FN,
            hideout={"colour": CARD_COLOURS[None], "radius": 7, "popup": popups.legend("open_items")},
            pane="points",
            id="area-map-items",
            bubblingMouseEvents=False,
        ),
    ]
    the_map = dl.Map(
        [*overlays.panes(), *base, *heat_image, outline, *children, *points],
        id="area-map",
        center=framing.centre(ext),
        zoom=zoom,
        bounds=framing.corners(ext),
        style={"height": f"{HEIGHT_PX}px", "width": "100%"},
        attributionControl=False,
        maxZoom=19,
    )
    n_items = len(d["items"]["features"])
    return html.Div(
        [
            the_map,
            html.Div(
                [
                    html.Div(legends.heat_legend(h), className="legend"),
                    html.Div(f"在办事项 {n_items} 件（红点红牌、黄点黄牌、灰点未督办）", className="legend"),
                ],
                className="map-legend area-map-legend",
                id="area-map-legend",
            ),
        ],
        className="area-map-box",
    )
