"""Dash application factory; ``server`` is the WSGI object for gunicorn.

One page container routed by the URL (:mod:`dashboard.routes`), the pages' callbacks, the
downloads and the login guard. Every page and callback reads through an
:class:`~dashboard.context.AppContext`, whose scope comes from the server, never the request.
"""

from __future__ import annotations

import gc

import dash
from dash import Input, Output
from dash.exceptions import PreventUpdate
from flask import request

from common.errors import OnemapError, SetupError
from common.secret import MIN_LENGTH, derive
from dashboard import (
    alertpanel,
    bounds,
    compress,
    db,
    downloads,
    failures,
    headers,
    indexpage,
    layerfiles,
    login,
    pagejson,
    periodbar,
    routes,
    supervision,
    warm,
)
from dashboard.auth import Auth, User
from dashboard.context import AppContext
from dashboard.db import fetch_rows
from dashboard.pages import audit, mapview, mine, persons, wall
from dashboard.settings import DashboardSettings

MAX_REQUEST_BYTES = 8 * 1024 * 1024  # a callback posts a station's grid layer at most


def refuse_out_of_bounds(err: Exception) -> None:
    """Dash's handler for a failing callback: an input out of bounds changes nothing (no update,
    answered 204); any other failure stays the error it is."""
    if isinstance(err, bounds.OutOfBounds):
        raise PreventUpdate from err
    raise err


def check_scope_key(c: AppContext) -> None:
    """Fail at start when PostgreSQL would not accept the scopes this app signs."""
    probe = User("startup-check", "", "leadership", frozenset(), frozenset())
    with c.acting_as(probe):
        # on the primary, where `onemap db up` registers the key (a standby may not have it yet)
        _, rows = fetch_rows(c.url, "select ops.scope_role()", primary=True)
    if not rows or rows[0][0] != "leadership":
        raise SetupError(
            "the database does not accept this app's signed scopes: register the secret key with "
            "`onemap db up` (run as the owner, with the same ONEMAP_SECRET_KEY[_FILE])"
        )


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
        raise SetupError("the dashboard needs ONEMAP_APP_DATABASE_URL (or run it with `onemap serve`)")
    db.use_standbys(
        url, settings.replica_urls, settings.replica_max_lag_seconds, settings.replica_check_seconds
    )
    c = AppContext(url, settings, derive(secret, "scope"))
    check_scope_key(c)
    app = dash.Dash(
        __name__,
        title=settings.title,
        serve_locally=True,
        # every script in the page's head, fingerprinted (kept a year): none is fetched once the
        # callbacks begin, when the browser's few connections to the server may all be waiting on
        # them (Plotly, loaded late, gives up after 30 s and leaves the page redrawn unreadable)
        eager_loading=True,
        update_title="",
        on_error=refuse_out_of_bounds,
    )
    app.index_string = indexpage.INDEX  # the watchdog first in the head
    app.server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES
    # a route that meets a value out of bounds answers 400, never a traceback
    app.server.register_error_handler(bounds.OutOfBounds, lambda _e: ("", 400))
    # any other failure: a short answer in Chinese and a rate-limited log line, never a traceback
    failures.install(app.server)
    app.layout = routes.shell()
    # pages arrive through the router, so callbacks are checked against every page's skeleton
    # (Dash initialises the attribute to None, which is all its type says)
    app.validation_layout = routes.validation_layout(c)  # type: ignore[assignment]

    @app.callback(Output("page", "children"), Input("url", "pathname"), Input("url", "search"))
    def _route(pathname, search):
        return routes.render(c, pathname, search)

    periodbar.register(app, c)
    mapview.register(app, c)
    wall.register(app, c)
    persons.register(app, c)
    audit.register(app, c)
    mine.register(app, c)
    alertpanel.register(app, c)
    supervision.register(app, c)
    downloads.install(app, c)
    layerfiles.install(app, c)
    login.install(app, c, Auth(url, derive(secret, "session"), settings), derive(secret, "csrf"))

    keeper = warm.Keeper(c)  # warms the cache when a new period or day begins (dashboard/warm.py)

    @app.server.before_request
    def _keep_warm() -> None:
        keeper.start()

    @app.server.before_request
    def _callback_envelope() -> None:
        # after the login guard (registered first): only a signed-in browser gets this far
        if request.method == "POST" and request.path == "/_dash-update-component":
            bounds.dash_call(request.get_json(silent=True), app.callback_map)

    # the router's answer with the cached parts' JSON spliced in (what Dash would send, unencoded)
    pagejson.install(app, lambda pathname, search: routes.render(c, pathname, search))

    # gzip runs after the headers are set (Flask runs the last registered first)
    compress.install(app)
    # last: every callback (and so every inline script Dash will serve) is registered by now
    headers.install(app, settings.basemap_url)
    app.onemap = c  # type: ignore[attr-defined]
    app.onemap_keeper = keeper  # type: ignore[attr-defined]
    # Dash sets itself up on its first request and registers the script paths it may serve while it
    # renders the index page. Do both here, before gunicorn forks: a worker whose first request is a
    # script would refuse it (500). (Unsigned, the request is sent to /login after Dash's set-up.)
    first = app.server.test_client().get("/")
    if first.status_code != 302:
        raise RuntimeError(f"the dashboard's first request failed: {first.status_code}")
    with app.server.test_request_context("/"):
        app.index()
    keeper.armed = True  # from here on: in the served processes, not in the one that forks them
    # no connection (or standby watcher) started here may outlive the fork: two workers sharing one
    # socket garble it
    db.dispose(url)
    # Everything loaded so far (Dash, Plotly, pandas …) lives as long as the process: keep it out
    # of the collector's full passes, which otherwise stall a callback now and then (and, done
    # before gunicorn forks, it keeps those pages shared between the workers).
    gc.freeze()
    return app
