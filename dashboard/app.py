"""Dash application factory; ``server`` is the WSGI object for gunicorn.

One page container routed by the URL: ``/`` map, ``/station|zone|grid/<code>`` drill-down,
``/building/<code>``, ``/wall`` and ``/quality``. Every page and callback reads through an
:class:`~dashboard.context.AppContext`, whose scope comes from the server, never the request.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable

import dash
from dash import Input, Output, dcc, html

from dashboard import queries
from dashboard.context import AppContext
from dashboard.pages import drill, mapview, quality, wall
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings

AREA_PATH = re.compile(r"^/(station|zone|grid|building)/([0-9A-Za-z_-]{1,40})/?$")


def overview_layout(counts: list[dict[str, object]], title: str) -> html.Div:
    """Element counts (pure: no I/O); shown on the quality page's head and in tests."""
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
    return html.Div([html.H2(title), html.Div(cards, className="kpis", id="overview-kpis")], className="page")


def render(c: AppContext, pathname: str | None) -> html.Div:
    """The page for a path (unknown paths get a page that says so)."""
    path = pathname or "/"
    if path in ("/", ""):
        return mapview.layout(c)
    if path.rstrip("/") == "/wall":
        return wall.layout(c)
    if path.rstrip("/") == "/quality":
        return html.Div([quality.layout(c), overview_layout(queries.element_counts(c.url), "基础要素")])
    m = AREA_PATH.match(path)
    if m:
        level, code = m.groups()
        return drill.building_page(c, code) if level == "building" else drill.area_page(c, level, code)
    return drill.not_found(f"页面 {path} ")


def register_downloads(app: dash.Dash, c: AppContext) -> None:
    """``/download/weekly/<station>.pdf|xlsx?week=2026-W47``: a station's weekly report, in scope only."""
    from flask import abort, request, send_file

    @app.server.route("/download/weekly/<station>.<fmt>")
    def _weekly(station: str, fmt: str):
        import io
        import tempfile
        from pathlib import Path

        from dashboard.periods import Week
        from dashboard.reports import pdf, xlsx
        from dashboard.reports.weekly import build_station

        if fmt not in ("pdf", "xlsx") or not c.scope().allows(station):
            abort(404)
        try:
            week = Week.parse(request.args["week"]) if "week" in request.args else c.week()
        except ValueError:
            abort(400)
        try:
            report = build_station(c.url, c.scope(), station, week)
        except LookupError:
            abort(404)
        if fmt == "pdf":
            data = pdf.to_pdf(pdf.station_html(report))
            mime = "application/pdf"
        else:
            with tempfile.TemporaryDirectory() as tmp:
                path = Path(tmp) / "r.xlsx"
                xlsx.write_station(report, path)
                data = path.read_bytes()
            mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = f"{week.label()}_{station}_{report.name}.{fmt}"
        return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=name)


def create_app(
    database_url: str | None = None,
    settings: DashboardSettings | None = None,
    scope_provider: Callable[[], Scope] = Scope.everything,
) -> dash.Dash:
    """Create the dashboard reading the serve schema at ``database_url`` (application role)."""
    settings = settings or DashboardSettings()
    url = database_url or settings.app_database_url
    if not url:
        raise RuntimeError("the dashboard needs ONEMAP_APP_DATABASE_URL (or run it with `onemap serve`)")
    c = AppContext(url, settings, scope_provider)
    app = dash.Dash(
        __name__,
        title=settings.title,
        serve_locally=True,
        update_title="",
        suppress_callback_exceptions=True,
    )
    app.layout = html.Div([dcc.Location(id="url"), html.Div(id="page")])

    @app.callback(Output("page", "children"), Input("url", "pathname"))
    def _route(pathname):
        return render(c, pathname)

    mapview.register(app, c)
    wall.register(app, c)
    register_downloads(app, c)
    app.onemap = c  # type: ignore[attr-defined]
    # Dash registers the script paths it may serve while it renders the index page. Render it once
    # here, before gunicorn forks: a worker whose first request is a script would refuse it (500).
    index = app.server.test_client().get("/")
    if index.status_code != 200:
        raise RuntimeError(f"the dashboard's index page failed: {index.status_code}")
    # Everything loaded so far (Dash, Plotly, pandas …) lives as long as the process: keep it out
    # of the collector's full passes, which otherwise stall a callback now and then (and, done
    # before gunicorn forks, it keeps those pages shared between the workers).
    gc.freeze()
    return app
