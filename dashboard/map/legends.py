"""The map's legends as a person reads them: what is counted, with numbers on every scale.

Heat: its colour ramp with the densities (per km²) at five points, the top one the density drawn
full red. Choropleth: one swatch per class with its bounds and how many areas fall in it.
"""

from __future__ import annotations

from typing import Any

from dash import html

TICKS = 5  # numbers written under the heat ramp, both ends included


def heat_ticks(top: float | None) -> list[str]:
    """The numbers under the heat ramp: 0 to ``top`` in equal steps, the last ``≥ top``."""
    if not top:
        return []
    digits = 0 if top >= 100 else 1 if top >= 1 else 2
    steps = [top * k / (TICKS - 1) for k in range(TICKS)]
    return [f"{v:,.{digits}f}" for v in steps[:-1]] + [f"≥{steps[-1]:,.{digits}f}"]


def heat_legend(h: dict[str, Any], hidden: str | None = None) -> list[Any]:
    """The heat legend of a :func:`dashboard.map.heat.heat_layer` answer (its title first, so the
    legend's text starts with what is counted); ``hidden``: why heat is not drawn though on."""
    if hidden:
        return [html.Div(hidden, className="legend-title")]
    if not h["url"]:
        return [html.Div(h["legend"], className="legend-title")]
    ticks = heat_ticks(h.get("top"))
    return [
        html.Div(h["legend"], className="legend-title"),
        html.Div(className="ramp"),
        html.Div([html.Span(t) for t in ticks] or [html.Span("无事件")], className="ticks"),
        html.Div(h.get("unit", ""), className="legend-unit"),
    ]


def choropleth_legend(legend: dict[str, Any] | None) -> list[Any]:
    """The choropleth legend: its title, then one row per class (swatch, bounds, number of areas)."""
    if not legend:
        return []
    rows = [
        html.Div(
            [
                html.Span(className="swatch", style={"background": k["colour"]}),
                html.Span(k["text"], className="class-text"),
                html.Span(f"{k['n']}个", className="class-n"),
            ],
            className="class-row",
        )
        for k in legend["classes"]
    ]
    return [html.Div(legend["title"], className="legend-title"), *rows]
