"""Serve the dashboard with gunicorn (the production WSGI server) from ``onemap serve``.

No request holds a worker longer than ``ONEMAP_REQUEST_TIMEOUT_SECONDS``: gunicorn restarts a
worker whose main loop stops for that long, and :class:`~dashboard.deadline.Deadline` one whose
request thread does.
"""

from __future__ import annotations

from typing import Any

from gunicorn.app.base import BaseApplication

from dashboard.app import create_app
from dashboard.deadline import Deadline


class _Gunicorn(BaseApplication):
    """gunicorn application wrapping one WSGI callable."""

    def __init__(self, wsgi: Any, options: dict[str, Any]) -> None:
        self.application = wsgi
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self.application


def run(
    database_url: str, secret: bytes, host: str = "127.0.0.1", port: int = 8050, workers: int = 2
) -> None:
    """Build the app once, then serve it until interrupted."""
    app = create_app(database_url, secret)
    limit = app.onemap.settings.request_timeout_seconds
    print(f"serving on http://{host}:{port}", flush=True)
    _Gunicorn(
        Deadline(app.server, limit),
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": 4,
            "timeout": limit,
            "graceful_timeout": 10,
            "accesslog": None,
            "loglevel": "warning",
        },
    ).run()
