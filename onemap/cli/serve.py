"""``onemap serve``: the dashboard under gunicorn, as the application role, with the secret key.

The dashboard (Dash, Plotly) is imported when it is served, so that the rest of the command line
starts in half a second.
"""

from __future__ import annotations

import logging
import sys

import typer

from common.secret import load_secret
from etl.db import check_reachable
from etl.warehouse import Warehouse


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8050, help="Port to listen on."),
    workers: int = typer.Option(2, help="gunicorn worker processes."),
) -> None:
    """Serve the dashboard (gunicorn) reading the serve schema as the application role."""
    secret = load_secret()  # no secret key, no dashboard: say so before anything starts
    url = Warehouse().app_url()
    check_reachable(url)  # a database that is down or refuses the role: one line, not a traceback
    from dashboard.failures import OneLine
    from dashboard.server import run

    # a server's log: one plain line per record, with its time (no wrapping, no boxed tracebacks)
    plain = logging.StreamHandler(sys.stderr)
    plain.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    plain.addFilter(OneLine())  # a library's logged exception too: one line, within the limit
    logging.getLogger().handlers[:] = [plain]
    run(database_url=url, secret=secret, host=host, port=port, workers=workers)
