"""Areas of the police or the governance hierarchy (dashboard/map/hierarchy.py) coloured by
incidents in a time window: a count, a rate per 1,000 residents, or the change on the window before
(a diverging ramp: green fewer, red more)."""

from __future__ import annotations

from typing import Any

from dashboard import bounds
from dashboard.context import AppContext
from dashboard.map import hierarchy
from dashboard.map.framing import window
from dashboard.map.layers import empty
from dashboard.periods import Period, term
from dashboard.queries import indicators

SEQ_RAMP = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"]
DIV_RAMP = ["#1a9850", "#91cf60", "#f7f7f7", "#fc8d59", "#d73027"]
# the levels a choropleth colours, of either hierarchy (dashboard/map/hierarchy.py)
LEVELS = hierarchy.LEVELS
PAGES = {
    "station": "派出所页面 ›",
    "zone": "警务区页面 ›",
    "grid": "网格页面 ›",
    "town": "镇街页面 ›",
    "village": "村社区页面 ›",
}
LEGENDS = {
    "count": "警情数（起）",
    "rate": "每千名实有人口警情数（‰）",
    "wow": "较上期变化：绿降 红升",
}
NO_DATA = "#d0d7de"
# the change classes' upper bounds (the last is open): fewer by 30 % or more … more by over 30 %
WOW_BREAKS = (-0.3, -0.05, 0.05, 0.3)
WOW_CLASSES = ("≤ −30%", "−30% ~ −5%", "−5% ~ +5%", "+5% ~ +30%", "> +30%")


def popup(level: Any) -> dict[str, Any]:
    """The choropleth's part of its popups (see :mod:`dashboard.map.popups`) for ``level``."""
    page = PAGES.get(bounds.text(level))
    return {"facts": ["本图数值", "本期警情", "上期警情"], "links": [[page, f"/{level}/"]] if page else []}


def wow_class(v: float) -> int:
    """The change class of ``v`` (a fraction: −0.1 is 10 % fewer), 0 to 4."""
    return 0 if v <= -0.3 else 1 if v < -0.05 else 2 if v <= 0.05 else 3 if v <= 0.3 else 4


def seq_class(v: float, top: float) -> int:
    """The class of ``v`` among five equal intervals from 0 to ``top``, 0 to 4."""
    return min(4, int(v / top * 5)) if top else 0


def classes(metric: str, values: list[float | None]) -> list[dict[str, Any]]:
    """The legend's classes: each class's colour, its bounds in words and how many areas it has
    (the areas without data last, when there are any)."""
    present = [v for v in values if v is not None]
    if metric == "wow":
        counts = [sum(1 for v in present if wow_class(v) == k) for k in range(5)]
        out = [{"colour": DIV_RAMP[k], "text": WOW_CLASSES[k], "n": counts[k]} for k in range(5)]
    else:
        top = max(present, default=0.0)
        counts = [sum(1 for v in present if seq_class(v, top) == k) for k in range(5)]
        digits = 0 if metric == "count" and top >= 10 else 1 if metric == "count" or top >= 10 else 2
        edge = [f"{top * k / 5:,.{digits}f}" for k in range(6)]
        unit = "‰" if metric == "rate" else "起"
        texts = [f"{edge[k]} ~ {edge[k + 1]}{unit}" for k in range(4)] + [f"≥ {edge[4]}{unit}"]
        if not top:
            texts = [f"0{unit}"] + [""] * 4
        out = [{"colour": SEQ_RAMP[k], "text": texts[k], "n": counts[k]} for k in range(5) if texts[k]]
    missing = len(values) - len(present)
    if missing:
        out.append({"colour": NO_DATA, "text": "无数据", "n": missing})
    return out


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
) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Areas of one level coloured by incidents (cached per scope, level, window and zoom).

    Parameters
    ----------
    c : AppContext
        The app, acting for the current viewer.
    period : Period
        The period the page shows.
    level : str
        ``"station"``, ``"zone"``, ``"grid"``, ``"town"`` or ``"village"``; anything else draws nothing.
    metric : str
        ``"count"``, ``"rate"`` (per 1,000 residents) or ``"wow"`` (change on the window before).
    mode, offset, start, end
        The time window, see :func:`dashboard.map.framing.window`.
    zoom : float or None
        Map zoom the outlines are simplified for.

    Returns
    -------
    tuple
        The FeatureCollection (each feature's ``style`` holds its fill only) and the legend:
        ``title`` and ``classes`` (see :func:`classes`); None when nothing is drawn.

    Raises
    ------
    dashboard.bounds.OutOfBounds
        For a value of the wrong type or out of bounds (all of them come from the browser).
    """
    layer = bounds.text(level)
    if layer not in LEVELS:
        return empty(), None
    metric = bounds.text(metric)
    scope = c.scope()
    t0, t1 = window(period, mode, offset, start, end)
    z = round(bounds.zoom(zoom or None))
    shapes = c.cached(
        ("choro-shapes", scope, layer, z, c.settings.basemap_crs),
        lambda: hierarchy.shapes(c.url, scope, layer, z, c.settings.basemap_crs),
    )
    metrics = c.cached(
        ("choro", scope, layer, t0, t1), lambda: hierarchy.metrics(c.url, scope, layer, t0, t1)
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
    features, drawn = [], []
    for f in shapes["features"]:
        code = f["properties"]["code"]
        v = values.get(code)
        m = by_code.get(code, {})
        drawn.append(v)
        if v is None:
            colour, text = NO_DATA, "无数据"
        elif metric == "wow":
            colour, text = DIV_RAMP[wow_class(v)], f"{v * 100:+.0f}%"
        else:
            colour = SEQ_RAMP[seq_class(v, top)]
            text = f"{v:.1f}‰" if metric == "rate" else f"{v:.0f}起"
        props = {"code": code, "value": v, "style": {"fillColor": colour}}
        # the popup (see :func:`popup`): this window's and the last one's counts, and the area's page
        props["facts"] = [text, f"{m.get('incidents', 0)}起", f"{m.get('incidents_prev', 0)}起"]
        props["links"] = [code]
        props["tooltip"] = (
            f"{f['properties']['label']}（{code}）：{text}；"
            f"{term('current')}{m.get('incidents', 0)}起，上期{m.get('incidents_prev', 0)}起"
        )
        features.append({**f, "properties": props})
    legend = {"title": LEGENDS.get(metric, LEGENDS["count"]), "classes": classes(metric, drawn)}
    return {"type": "FeatureCollection", "features": features}, legend
