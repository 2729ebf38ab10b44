"""``onemap db …``: the warehouse database, embedded PostGIS or ``DATABASE_URL``."""

from __future__ import annotations

import sys

import typer

from common.errors import OnemapError
from common.secret import load_secret
from etl.db import libpq_url
from etl.migrate import MigrateResult
from etl.scope_key import register_scope_key
from etl.warehouse import Warehouse
from onemap.cli import standby
from onemap.cli.console import console, out

app = typer.Typer(help="The warehouse database: embedded PostGIS or DATABASE_URL.", no_args_is_help=True)
app.add_typer(standby.app, name="standby")


def _report_migration(result: MigrateResult) -> None:
    """Say what a migration run did."""
    if result.applied:
        console.print(f"migrated {result.before or 'empty'} → {result.after}: {', '.join(result.applied)}")
    else:
        console.print(f"schema up to date at revision {result.after}; nothing changed")


def _register_secret(wh: Warehouse) -> None:
    """Tell PostgreSQL the scope key of this deployment's secret (so row-level security can check
    the scopes the dashboard signs); without a secret yet, say how to make one."""
    try:
        secret = load_secret()
    except OnemapError as exc:
        console.print(
            f"[yellow]note:[/yellow] {exc}; the dashboard will not start until then", highlight=False
        )
        return
    if register_scope_key(wh.owner_url(), secret):
        console.print("scope key of the secret key registered in the database")


@app.command("up")
def db_up() -> None:
    """Start the embedded PostGIS (or use DATABASE_URL) and migrate. Idempotent."""
    wh = Warehouse()
    result = wh.up()
    if result.external:
        console.print(f"using DATABASE_URL ({wh.describe_external()}); nothing started")
    elif result.started:
        fresh = " (new cluster)" if result.initialised else ""
        console.print(f"PostGIS started on 127.0.0.1:{result.port}{fresh}, data in {wh.server.pgdata}")
    else:
        console.print(f"PostGIS already running on 127.0.0.1:{result.port}; reused")
    _report_migration(result.migration)
    _register_secret(wh)


@app.command("down")
def db_down() -> None:
    """Stop the embedded PostGIS cleanly."""
    wh = Warehouse()
    if wh.external:
        console.print(f"using DATABASE_URL ({wh.describe_external()}); nothing to stop")
        return
    console.print("stopped" if wh.down() else "not running; nothing to stop")


@app.command("status")
def db_status() -> None:
    """Say whether the embedded PostGIS runs, on which port, from which directory."""
    wh = Warehouse()
    if wh.external:
        out.print(f"external: DATABASE_URL ({wh.describe_external()})")
        return
    st = wh.status()
    if st.running:
        out.print(f"running on 127.0.0.1:{st.port}, data {st.pgdata}")
    elif st.initialised:
        out.print(f"stopped, data {st.pgdata}")
    else:
        out.print(f"stopped, not initialised ({st.pgdata}); run `onemap db up`")
        raise typer.Exit(3)
    if not st.running:
        raise typer.Exit(3)


@app.command("url")
def db_url(
    app_role: bool = typer.Option(False, "--app", help="The application role's URL instead of the owner's."),
    sqlalchemy: bool = typer.Option(False, "--sqlalchemy", help="With the +psycopg driver name."),
) -> None:
    """Print the owner's connection URL (for psql), or the application role's with --app."""
    wh = Warehouse()
    url = wh.app_url() if app_role else wh.owner_url()
    out.print(url if sqlalchemy else libpq_url(url), soft_wrap=True, highlight=False)


@app.command("migrate")
def db_migrate() -> None:
    """Bring the warehouse schema to the newest revision (a no-op when up to date)."""
    wh = Warehouse()
    _report_migration(wh.migrate())
    _register_secret(wh)


@app.command("reset")
def db_reset(yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask.")) -> None:
    """Drop all warehouse data and schemas, then migrate from nothing."""
    wh = Warehouse()
    where = wh.describe_external() if wh.external else str(wh.server.pgdata)
    if not yes:
        if not sys.stdin.isatty():
            raise OnemapError("reset drops all data: pass --yes to confirm when not at a terminal")
        typer.confirm(f"Drop every onemap table and all data in {where}?", abort=True)
    _report_migration(wh.reset())
    _register_secret(wh)
