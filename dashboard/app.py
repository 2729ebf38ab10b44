"""Dash application factory; ``server`` is the WSGI object for gunicorn.

One page container routed by the URL: ``/`` map, ``/station|zone|grid/<code>`` drill-down,
``/building/<code>``, ``/wall`` and ``/quality``. Every page and callback reads through an
:class:`~dashboard.context.AppContext`, whose scope comes from the server, never the request.
"""

from __future__ import annotations

import gc
import re

import dash
from dash import Input, Output, dcc, html

from common.errors import OnemapError
from common.secret import MIN_LENGTH, derive
from dashboard import login
from dashboard.auth import Auth, User
from dashboard.context import AppContext
from dashboard.db import fetch_rows, get_engine
from dashboard.pages import audit, drill, mapview, persons, quality, wall
from dashboard.queries import operations
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
        return html.Div([quality.layout(c), overview_layout(operations.element_counts(c.url), "基础要素")])
    if path.rstrip("/") == "/persons":
        return persons.layout(c) if c.user().can_search_persons else drill.forbidden("人员查询")
    if path.rstrip("/") == "/audit":
        return audit.layout(c) if c.user().can_read_audit else drill.forbidden("审计日志")
    m = AREA_PATH.match(path)
    if m:
        level, code = m.groups()
        return drill.building_page(c, code) if level == "building" else drill.area_page(c, level, code)
    return drill.not_found(f"页面 {path} ")


def check_scope_key(c: AppContext) -> None:
    """Fail at start when PostgreSQL would not accept the scopes this app signs."""
    probe = User("startup-check", "", "leadership", frozenset(), frozenset())
    with c.acting_as(probe):
        _, rows = fetch_rows(c.url, "select ops.scope_role()")
    if not rows or rows[0][0] != "leadership":
        raise RuntimeError(
            "the database does not accept this app's signed scopes: register the secret key with "
            "`onemap db up` (run as the owner, with the same ONEMAP_SECRET_KEY[_FILE])"
        )


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
        c.audit("export", {"report": "weekly", "station": station, "week": week.label(), "format": fmt})
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
    database_url: str | None,
    secret: bytes,
    settings: DashboardSettings | None = None,
) -> dash.Dash:
    """Create the dashboard reading the serve schema at ``database_url`` (application role).

    ``secret`` is the deployment's secret key (the command line loads it; there is no default).
    Refuses to start with a key too short to be one, and when the database does not know that
    key's scope key (``onemap db up``).
    """
    if len(secret) < MIN_LENGTH:
        raise OnemapError(f"the secret key is shorter than {MIN_LENGTH} characters")
    settings = settings or DashboardSettings()
    url = database_url or settings.app_database_url
    if not url:
        raise RuntimeError("the dashboard needs ONEMAP_APP_DATABASE_URL (or run it with `onemap serve`)")
    c = AppContext(url, settings, derive(secret, "scope"))
    check_scope_key(c)
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
    persons.register(app, c)
    audit.register(app, c)
    register_downloads(app, c)
    login.install(app, c, Auth(url, derive(secret, "session"), settings))
    app.onemap = c  # type: ignore[attr-defined]
    # Dash sets itself up on its first request and registers the script paths it may serve while it
    # renders the index page. Do both here, before gunicorn forks: a worker whose first request is a
    # script would refuse it (500). (Unsigned, the request is sent to /login after Dash's set-up.)
    first = app.server.test_client().get("/")
    if first.status_code != 302:
        raise RuntimeError(f"the dashboard's first request failed: {first.status_code}")
    with app.server.test_request_context("/"):
        app.index()
    # no connection opened here may outlive the fork: two workers sharing one socket garble it
    get_engine(url).dispose()
    # Everything loaded so far (Dash, Plotly, pandas …) lives as long as the process: keep it out
    # of the collector's full passes, which otherwise stall a callback now and then (and, done
    # before gunicorn forks, it keeps those pages shared between the workers).
    gc.freeze()
    return app
