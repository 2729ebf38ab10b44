"""Dash application factory; ``server`` is the WSGI object for gunicorn."""

from __future__ import annotations

import dash
from dash import dcc, html

from dashboard import queries
from dashboard.settings import DashboardSettings


def overview_layout(counts: list[dict[str, object]], title: str) -> html.Div:
    """Build the overview page from element counts (pure: no I/O)."""
    cards = [
        html.Div(
            [
                html.Div(str(row["name_zh"]), className="kpi-label"),
                html.Div(f"{row['n']:,}", className="kpi-value"),
            ],
            className="kpi",
            id=f"overview-{row['element']}",
        )
        for row in counts
    ]
    return html.Div(
        [
            html.H1(title),
            html.P("基础要素一张图：派出所、警务区、网格、楼栋、出租屋、实有人口与各类事件。"),
            html.Div(cards, className="kpis", id="overview-kpis"),
        ],
        className="page",
    )


def create_app(database_url: str | None = None, settings: DashboardSettings | None = None) -> dash.Dash:
    """Create the dashboard reading the serve schema at ``database_url`` (application role)."""
    settings = settings or DashboardSettings()
    url = database_url or settings.app_database_url
    if not url:
        raise RuntimeError("the dashboard needs ONEMAP_APP_DATABASE_URL (or run it with `onemap serve`)")
    app = dash.Dash(
        __name__,
        title=settings.title,
        serve_locally=True,
        update_title="",
    )

    def layout() -> html.Div:
        return html.Div(
            [dcc.Location(id="overview-url"), overview_layout(queries.element_counts(url), settings.title)]
        )

    app.layout = layout
    return app
