"""The analysis (研判) as map layers: hot and cold spots coloured by emerging class, and next week's
risk by the share of the area it flags, each feature with its popup's facts (Gi* z, p, trend;
score, rank) and a link to its grid, and each layer's legend. Read from the tables only.

Features follow the map's pattern: ``properties`` hold ``code``, ``tooltip``, ``style`` (what
differs from the layer's base style), ``facts`` (values; their names are the layer's
``POPUP[...]["facts"]``) and ``links`` (codes; words and paths in ``POPUP[...]["links"]``).
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import shapely
import shapely.geometry
from dash import Dash, Input, Output, State, no_update

from common.codebook import label
from common.coords import from_wgs84
from dashboard.context import AppContext
from dashboard.hotspots import CLASS_COLOURS, RISK_BANDS, p_text
from dashboard.map.layers import is_wgs84
from dashboard.map.legends import choropleth_legend
from dashboard.queries import analysis

POPUP: dict[str, dict[str, Any]] = {
    "hotspots": {"facts": ["类别", "持续", "Gi* z", "p", "趋势"], "links": [["所在网格 ›", "/grid/"]]},
    "risk": {"facts": ["预测周", "风险分", "全域排名", "累计面积"], "links": [["所在网格 ›", "/grid/"]]},
}


def _geometry(text: str, crs: str) -> dict[str, Any]:
    """A GeoJSON geometry moved onto the basemap's datum (unchanged on WGS-84)."""
    geom: dict[str, Any] = json.loads(text)
    if is_wgs84(crs):
        return geom

    def move(xy: np.ndarray) -> np.ndarray:
        x, y = from_wgs84(xy[:, 0], xy[:, 1], crs)
        return np.column_stack([x, y])

    return shapely.geometry.mapping(shapely.transform(shapely.geometry.shape(geom), move))


def _tolerance(zoom: float) -> float:
    return 360.0 / (256 * 2 ** max(zoom, 0)) / 3  # a third of a pixel at this zoom


def hotspot_layer(c: AppContext, unit_kind: str, zoom: float) -> dict[str, Any]:
    """Every hot or cold spot of ``unit_kind`` in the viewer's scope, filled with its class's colour."""
    scope, crs = c.scope(), c.settings.basemap_crs

    def compute() -> dict[str, Any]:
        found = analysis.layer_classes(c.url, scope, unit_kind, _tolerance(zoom))
        features = []
        for r in found:
            colour = CLASS_COLOURS.get(r["hotspot_class"], "#ffffff")
            since = f"自{r['since_label']}起" if r["since_label"] else "—"
            features.append(
                {
                    "type": "Feature",
                    "geometry": _geometry(r["geometry"], crs),
                    "properties": {
                        "code": r["code"],
                        "tooltip": f"{label('hotspot_class', r['hotspot_class'])}（{r['code']}）",
                        "style": {"fillColor": colour, "color": colour},
                        "facts": [
                            label("hotspot_class", r["hotspot_class"]),
                            since,
                            f"{r['gi_z']:.2f}",
                            p_text(r["gi_p"]),
                            label("trend", r["trend"]),
                        ],
                        "links": [r["grid_code"]],
                        "class": r["hotspot_class"],
                    },
                }
            )
        return {"type": "FeatureCollection", "features": features}

    return c.cached(("analysis-layer", unit_kind, scope, zoom, crs), compute)


def risk_band(area_share: float) -> int | None:
    """The band of a unit flagged down to ``area_share`` of the area (0: the first 1 %), None past 10 %."""
    for i, (top, _colour) in enumerate(RISK_BANDS):
        if area_share <= top:
            return i
    return None


def risk_layer(c: AppContext, unit_kind: str, zoom: float) -> dict[str, Any]:
    """Next week's riskiest units of ``unit_kind`` in scope (the first 10 % of the area), by band."""
    scope, crs = c.scope(), c.settings.basemap_crs

    def compute() -> dict[str, Any]:
        features = []
        for r in analysis.layer_risk(c.url, scope, unit_kind, _tolerance(zoom)):
            band = risk_band(r["area_share"])
            if band is None:
                continue
            colour = RISK_BANDS[band][1]
            features.append(
                {
                    "type": "Feature",
                    "geometry": _geometry(r["geometry"], crs),
                    "properties": {
                        "code": r["code"],
                        "tooltip": f"{risk_text(band)}（{r['code']}）",
                        "style": {"fillColor": colour, "color": colour},
                        "facts": [
                            r["for_label"],
                            f"{r['score'] * 1000:.2f}",
                            r["rank"],
                            f"{r['area_share'] * 100:.1f}%",
                        ],
                        "links": [r["grid_code"]],
                        "band": band,
                    },
                }
            )
        return {"type": "FeatureCollection", "features": features}

    return c.cached(("analysis-risk-layer", unit_kind, scope, zoom, crs), compute)


def risk_text(band: int) -> str:
    """A risk band in words: 风险最高的1%面积, …"""
    low = 0.0 if band == 0 else RISK_BANDS[band - 1][0]
    return f"风险前{low * 100:.0f}–{RISK_BANDS[band][0] * 100:.0f}%面积" if band else "风险最高的1%面积"


def hotspot_legend(fc: dict[str, Any]) -> dict[str, Any]:
    """The hot-spot layer's legend: one row per class drawn (colour, name, how many units)."""
    counts: dict[str, int] = {}
    for f in fc["features"]:
        counts[f["properties"]["class"]] = counts.get(f["properties"]["class"], 0) + 1
    classes = [
        {"colour": colour, "text": label("hotspot_class", code), "n": counts[code]}
        for code, colour in CLASS_COLOURS.items()
        if code in counts
    ]
    return {"title": "冷热点演变类别（Gi*，FDR 校正，近12周）", "classes": classes}


def risk_legend(fc: dict[str, Any]) -> dict[str, Any]:
    """The risk layer's legend: one row per band (colour, which share of the area, how many units)."""
    counts: dict[int, int] = {}
    for f in fc["features"]:
        counts[f["properties"]["band"]] = counts.get(f["properties"]["band"], 0) + 1
    classes = [
        {"colour": colour, "text": risk_text(i), "n": counts.get(i, 0)}
        for i, (_top, colour) in enumerate(RISK_BANDS)
    ]
    return {"title": "下周风险（加权叠加模型）", "classes": classes}


NAMES = {"hotspots": "研判：冷热点", "risk": "研判：下周风险"}
CELLS_FROM_ZOOM = 14  # below it the layers show grids; from it on, the 250 m cells


def overlays(base: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    """The map's analysis overlays: key, name in the layer list, hideout (base style and popup)."""
    return [(key, name, {"base": base, "popup": POPUP[key]}) for key, name in NAMES.items()]


def unit_for(zoom: Any) -> tuple[str, float]:
    """The unit kind a zoom shows and the zoom its outlines are simplified for (one per kind, so
    every zoom of a kind shares one cached layer)."""
    z = float(zoom) if isinstance(zoom, (int, float)) else 12.0
    return ("cell", 16.0) if z >= CELLS_FROM_ZOOM else ("grid", 13.0)


def register(app: Dash, c: AppContext) -> None:
    """Fill the analysis layers switched on for the zoom shown (grids, or cells when close in) and
    show the legend of each; a layer switched off is left as it is (nothing is sent for it)."""

    @app.callback(
        Output("map-hotspots", "data"),
        Output("map-risk", "data"),
        Output("map-analysis-legend", "children"),
        Input("map-view-settled", "data"),  # the zoom once the map stands still, not each on the way
        State("map-view", "zoom"),
        Input("map-layers", "overlays"),
    )
    def _analysis(_settled, zoom, shown):
        kind, z = unit_for(zoom)
        on = " ".join(s for s in (shown or []) if isinstance(s, str))
        # a layer switched off is neither computed nor sent (switched on, this runs again)
        out: list[Any] = [no_update, no_update]
        legend: list[Any] = []
        if " hotspots<" in on:
            out[0] = hotspot_layer(c, kind, z)
            legend += choropleth_legend(hotspot_legend(out[0]))
        if " risk<" in on:
            out[1] = risk_layer(c, kind, z)
            legend += choropleth_legend(risk_legend(out[1]))
        hot, risk = out
        return hot, risk, legend
