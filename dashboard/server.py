"""Serve the dashboard with gunicorn (the production WSGI server) from ``onemap serve``.

Static files are answered by threads of their own, never queued behind a slow callback
(:mod:`dashboard.lanes`). No request holds a worker longer than
``ONEMAP_REQUEST_TIMEOUT_SECONDS``: gunicorn restarts a
worker whose main loop stops for that long, and :class:`~dashboard.deadline.Deadline` one whose
request thread does.
"""

from __future__ import annotations

import socket
from typing import Any

from gunicorn.app.base import BaseApplication

from common.errors import OnemapError
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
    """Build the app once, then serve it until interrupted.

    Raises
    ------
    OnemapError
        When the address cannot be listened on (taken, or not this machine's), before anything starts.
    """
    check_bindable(host, port)
    app = create_app(database_url, secret)
    limit = app.onemap.settings.request_timeout_seconds
    print(f"serving on http://{host}:{port}", flush=True)
    _Gunicorn(
        Deadline(app.server, limit),
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            # 4 threads for pages and callbacks, and 2 more for static files (dashboard/lanes.py)
            "worker_class": "dashboard.lanes.LanedWorker",
            "threads": 4,
            # a connection opened ahead of its request waits in the poller, not in a thread, this long
            "keepalive": 5,
            "timeout": limit,
            "graceful_timeout": 10,
            "accesslog": None,
            "loglevel": "warning",
        },
    ).run()


def check_bindable(host: str, port: int) -> None:
    """Fail with one line when ``host:port`` cannot be listened on (gunicorn would retry, then exit)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise OnemapError(
            f"cannot listen on {host}:{port}: {exc.strerror or exc}: give another --host"
        ) from exc
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(address)
        except OSError as exc:
            what = "is taken by another program" if exc.errno == 98 else f"cannot be used ({exc.strerror})"
            raise OnemapError(
                f"port {port} on {host} {what}: stop that program or serve on another one with --port"
            ) from exc
