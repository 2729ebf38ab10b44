"""Zones or grids coloured by incidents in a time window: a count, a rate per 1,000 residents, or
the change on the window before (a diverging ramp: green fewer, red more)."""

from __future__ import annotations

from typing import Any

from dashboard import bounds
from dashboard.context import AppContext
from dashboard.map.framing import window
from dashboard.map.layers import AreaLayer, area_layer, empty
from dashboard.periods import Period, term
from dashboard.queries import indicators

SEQ_RAMP = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"]
DIV_RAMP = ["#1a9850", "#91cf60", "#f7f7f7", "#fc8d59", "#d73027"]
LEVELS: dict[str, AreaLayer] = {"zone": "zone", "grid": "grid"}  # the levels a choropleth colours
LEGENDS = {
    "count": "警情数（起）",
    "rate": "每千名实有人口警情数（‰）",
    "wow": "较上期变化：绿降 红升",
}


def choropleth(
    c: AppContext,
    period: Period,
    level: Any,
    metric: Any,
    mode: Any,
    offset: Any,
    start: Any,
    end: Any,
    zoom: Any,
) -> tuple[dict[str, Any], str]:
    """Zones or grids coloured by incidents (cached per scope, level, window and zoom).

    Parameters
    ----------
    c : AppContext
        The app, acting for the current viewer.
    period : Period
        The period the page shows.
    level : str
        ``"zone"`` or ``"grid"``; anything else draws nothing.
    metric : str
        ``"count"``, ``"rate"`` (per 1,000 residents) or ``"wow"`` (change on the window before).
    mode, offset, start, end
        The time window, see :func:`dashboard.map.framing.window`.
    zoom : float or None
        Map zoom the outlines are simplified for.

    Returns
    -------
    tuple
        The FeatureCollection (each feature's ``style`` holds its fill only) and the legend text.

    Raises
    ------
    dashboard.bounds.OutOfBounds
        For a value of the wrong type or out of bounds (all of them come from the browser).
    """
    layer = LEVELS.get(bounds.text(level))
    if layer is None:
        return empty(), ""
    metric = bounds.text(metric)
    scope = c.scope()
    t0, t1 = window(period, mode, offset, start, end)
    z = round(bounds.zoom(zoom or None))
    shapes = c.cached(
        ("choro-shapes", scope, layer, z, c.settings.basemap_crs),
        lambda: area_layer(c.url, scope, layer, z, c.settings.basemap_crs),
    )
    metrics = c.cached(
        ("choro", scope, layer, t0, t1), lambda: indicators.area_metrics(c.url, scope, layer, t0, t1)
    )
    by_code = {m["code"]: m for m in metrics}
    values: dict[str, float | None] = {}
    for code, m in by_code.items():
        if metric == "rate":
            values[code] = m["incidents"] * 1000 / m["residents"] if m["residents"] else None
        elif metric == "wow":
            values[code] = indicators.change(m["incidents"], m["incidents_prev"])
        else:
            values[code] = float(m["incidents"])
    present = [v for v in values.values() if v is not None]
    top = max(present, default=0.0)
    features = []
    for f in shapes["features"]:
        code = f["properties"]["code"]
        v = values.get(code)
        m = by_code.get(code, {})
        if v is None:
            colour, text = "#d0d7de", "无数据"
        elif metric == "wow":
            k = 0 if v <= -0.3 else 1 if v < -0.05 else 2 if v <= 0.05 else 3 if v <= 0.3 else 4
            colour, text = DIV_RAMP[k], f"{v * 100:+.0f}%"
        else:
            k = min(4, int(v / top * 5)) if top else 0
            colour, text = SEQ_RAMP[k], (f"{v:.1f}‰" if metric == "rate" else f"{v:.0f}起")
        props = {"code": code, "value": v, "style": {"fillColor": colour}}
        props["tooltip"] = (
            f"{f['properties']['label']}（{code}）：{text}；"
            f"{term('current')}{m.get('incidents', 0)}起，上期{m.get('incidents_prev', 0)}起"
        )
        features.append({**f, "properties": props})
    return {"type": "FeatureCollection", "features": features}, LEGENDS.get(metric, "")
