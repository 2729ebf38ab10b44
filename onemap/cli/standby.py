"""``onemap db standby …``: a streaming-replication standby of the embedded cluster for the
dashboard's page reads (see docs/scaling.md)."""

from __future__ import annotations

import json

import typer

from common.errors import OnemapError
from etl.db import libpq_url
from etl.standby import Standby
from etl.warehouse import Warehouse
from onemap.cli.console import console, out

app = typer.Typer(
    help="A streaming-replication standby of the embedded cluster (read replica).", no_args_is_help=True
)


def _standby() -> Standby:
    wh = Warehouse()
    if wh.external:
        raise OnemapError(
            "with DATABASE_URL the standbys are the server's own business: name them in "
            "ONEMAP_REPLICA_URLS (see docs/scaling.md)"
        )
    return Standby(wh.server)


@app.command("up")
def standby_up() -> None:
    """Copy the running cluster into ONEMAP_STANDBY_PGDATA (pg_basebackup) when not done yet, and
    start it on its own port. Idempotent."""
    sb = _standby()
    created, port = sb.up()
    made = "created and " if created else ""
    console.print(f"standby {made}running on 127.0.0.1:{port}, data in {sb.server.pgdata}")
    replicas = json.dumps([libpq_url(sb.url("app"))])
    console.print(f"serve page reads from it with ONEMAP_REPLICA_URLS='{replicas}'", highlight=False)


@app.command("down")
def standby_down() -> None:
    """Stop the standby cleanly (the dashboard reads from the primary meanwhile)."""
    console.print("stopped" if _standby().down() else "not running; nothing to stop")


@app.command("drop")
def standby_drop() -> None:
    """Stop the standby, delete its data directory and free its replication slot on the primary."""
    console.print("dropped" if _standby().drop() else "no standby; nothing to drop")


@app.command("status")
def standby_status() -> None:
    """Say whether the standby runs, on which port, from which directory, and how far behind."""
    sb = _standby()
    st = sb.status()
    if st.running:
        out.print(f"running on 127.0.0.1:{st.port}, data {st.pgdata}")
        wal, age = sb.behind()
        if wal is not None:
            out.print(f"{wal} bytes of the primary's WAL not yet replayed")
        if age is not None:
            out.print(f"last replayed commit {age:.1f} s ago (an idle primary commits nothing)")
        return
    out.print(f"stopped, data {st.pgdata}" if st.initialised else f"none in {st.pgdata}")
    raise typer.Exit(3)


@app.command("url")
def standby_url(
    app_role: bool = typer.Option(False, "--app", help="The application role's URL instead of the owner's."),
) -> None:
    """Print the standby's connection URL (owner's, or the application role's with --app)."""
    out.print(libpq_url(_standby().url("app" if app_role else "owner")), soft_wrap=True, highlight=False)
