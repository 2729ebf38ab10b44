"""An area's headline cards and its weekly trend: pure builders (rows in, components out), the
figures' words and formats taken from the catalogue (:mod:`dashboard.headlines`)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import plotly.graph_objects as go
from dash import html

from common.china import TZ
from dashboard.headlines import FIGURES as F
from dashboard.queries import indicators
from dashboard.ui import changes, kpi


def kpi_cards(k: indicators.Kpis) -> html.Div:
    """The headline figures of an area (ids are stable: tests and the report read them)."""

    def card(key: str, ident: str, *sub: Any) -> html.Div:
        return kpi(F[key].label, F[key].show(k), ident, *sub)

    def line(*parts: Any) -> html.Div:
        return html.Div(list(parts) if len(parts) > 1 else parts[0], className="kpi-sub")

    return html.Div(
        [
            card("population", "drill-kpi-population"),
            card("migrants", "drill-kpi-migrants", line(F["migrant_registration_rate"].say(k))),
            card("rental_units", "drill-kpi-rental-units"),
            card(
                "smart_coverage",
                "drill-kpi-smart",
                line(f"{k['smart_covered']}/{k['communities']} 个小区"),
            ),
            card(
                "incidents_week",
                "drill-kpi-incidents",
                line(*changes(k)),
            ),
            card(
                "events_open",
                "drill-kpi-events-open",
                line(f"{F['yellow_cards'].say(k)} · {F['red_cards'].say(k)}"),
            ),
            card("events_on_time_rate", "drill-kpi-on-time", line(F["events_closed_week"].say(k))),
            card(
                "hazards_open",
                "drill-kpi-hazards",
                line(f"{F['hazards_found_week'].say(k)} · {F['hazards_cleared_week'].say(k)}"),
            ),
            card(
                "disputes",
                "drill-kpi-disputes",
                line(f"{F['dispute_resolution_rate'].say(k)} · {F['disputes_high_open'].say(k)}"),
            ),
            card("alerts", "drill-kpi-alerts"),
        ],
        className="kpis",
        id="drill-kpis",
    )


TREND_TRACES = (
    ("incidents", "警情"),
    ("grid_events", "网格事件"),
    ("hazards", "风险隐患"),
    ("disputes", "矛盾纠纷"),
)


def trend_figure(rows: list[dict[str, Any]], dark: bool = False) -> dict[str, Any]:
    """Weekly counts of the last 12 weeks (x: the Monday each week starts), as the JSON plotly
    makes of the figure (what the page sends): its layout, template included, made once per
    process (a plotly figure copies and checks its whole template each time it is made: 50-100 ms
    of a cold area page's processor time)."""
    x = [r["week_start"].astimezone(TZ).date() for r in rows]
    layout = _trend_layout(dark)
    if x:
        layout = {**layout, "xaxis": {**layout["xaxis"], "tick0": x[0]}}
    data = [
        {"mode": "lines+markers", "name": name, "x": x, "y": [r[key] for r in rows], "type": "scatter"}
        for key, name in TREND_TRACES
    ]
    return {"data": data, "layout": layout}


@lru_cache(maxsize=2)
def _trend_layout(dark: bool) -> dict[str, Any]:
    """The trend's layout without the first week (plotly's JSON of it; shared: never changed)."""
    fig = go.Figure()
    fig.update_layout(
        template="plotly_dark" if dark else "plotly_white",
        margin={"l": 40, "r": 10, "t": 36, "b": 60},
        height=300,
        legend={"orientation": "h", "y": -0.25},
        title={"text": "近12周趋势（按周）", "font": {"size": 14}, "x": 0.01},
        font={"family": "Onemap Sans, Noto Sans CJK SC, sans-serif"},
        xaxis={"type": "date", "tickformat": "%m-%d", "dtick": 7 * 86_400_000},
    )
    layout: dict[str, Any] = fig.to_plotly_json()["layout"]
    return layout
