"""Files the dashboard serves besides pages: a station's weekly report as PDF or XLSX, and the
supervisions (督办) in the viewer's scope as CSV or XLSX (``/download/supervisions.csv|xlsx``).

``/download/weekly/<station>.pdf|xlsx?week=2026-W47`` (``&to=2026-12-02T00:00`` for a week so far,
as the station page's links carry it): only a station in the viewer's scope (any other is 404, as
if it did not exist), every download audited as an export. Path and query are parsed with
:mod:`dashboard.bounds` first: a malformed code or period is 400 before any work.
"""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

import dash
from flask import Response, abort, request, send_file

from dashboard import bounds
from dashboard.context import AppContext
from dashboard.queries import supervision
from dashboard.reports import pdf, supervisions, xlsx
from dashboard.reports.run import safe_name
from dashboard.reports.weekly import build_station

XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def install(app: dash.Dash, c: AppContext) -> None:
    """Add the download routes to the app's Flask server (behind the login guard like every path)."""

    @app.server.route("/download/weekly/<station>.<fmt>")
    def _weekly(station: str, fmt: str) -> Response:
        return weekly(c, station, fmt)

    @app.server.route("/download/supervisions.<fmt>")
    def _supervisions(fmt: str) -> Response:
        return supervision_export(c, fmt)


def supervision_export(c: AppContext, fmt: str) -> Response:
    """Every supervision the viewer may see, with its item's source key, as CSV or XLSX (404 for
    another format); audited as an export with the number of rows.

    Parameters
    ----------
    c : AppContext
        The app, acting for the signed-in viewer.
    fmt : str
        ``"csv"`` or ``"xlsx"``.

    Returns
    -------
    flask.Response
        The file as an attachment named for the day it was made.
    """
    if fmt not in ("csv", "xlsx"):
        abort(404)
    rows = supervision.export_rows(c.url, c.scope())
    c.audit("export", {"report": "supervisions", "format": fmt}, len(rows))
    if fmt == "csv":
        data, mime = supervisions.to_csv(rows), "text/csv; charset=utf-8"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "s.xlsx"
            supervisions.write_xlsx(rows, path)
            data, mime = path.read_bytes(), XLSX_MIME
    name = f"督办清单_{c.now():%Y%m%d}.{fmt}"
    return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=name)


def weekly(c: AppContext, station: str, fmt: str) -> Response:
    """A station's weekly report for the period of the ``week`` and ``to`` arguments (default: the
    last finished week, see :func:`dashboard.bounds.period`).

    Parameters
    ----------
    c : AppContext
        The app, acting for the signed-in viewer.
    station : str
        Station code from the path.
    fmt : str
        ``"pdf"`` or ``"xlsx"``.

    Returns
    -------
    flask.Response
        The file as an attachment named week, station code and station name; 404 for another
        format or a station out of scope, 400 for a malformed station code or a period that cannot
        be shown.
    """
    try:
        bounds.code(station)
    except bounds.OutOfBounds:
        abort(400)
    if fmt not in ("pdf", "xlsx") or not c.scope().allows(station):
        abort(404)
    try:
        week = bounds.period(request.args.get("week"), request.args.get("to"), c.now())
    except bounds.OutOfBounds:
        abort(400)
    try:
        report = build_station(c.url, c.scope(), station, week)
    except LookupError:
        abort(404)
    c.audit("export", {"report": "weekly", "station": station, "week": week.label(), "format": fmt})
    if fmt == "pdf":
        data = pdf.to_pdf(pdf.station_html(report, c.settings.public_url))
        mime = "application/pdf"
    else:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "r.xlsx"
            xlsx.write_station(report, path)
            data = path.read_bytes()
        mime = XLSX_MIME
    name = f"{safe_name(f'{week.label()}_{station}_{report.name}')}.{fmt}"
    return send_file(io.BytesIO(data), mimetype=mime, as_attachment=True, download_name=name)
