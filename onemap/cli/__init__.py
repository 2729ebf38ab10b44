"""The ``onemap`` command line: one group per concern, each a thin layer over ``etl`` or ``dashboard``.

Expected failures (:class:`~common.errors.OnemapError`) end the command with one line and exit 1.
"""

from __future__ import annotations

import logging
import sys

import psycopg
import typer
from rich.logging import RichHandler
from sqlalchemy.exc import OperationalError

from common.errors import OnemapError
from etl.db import connection_failure
from onemap.cli import analyse, audit, db, demo, load, report, secret, serve, users
from onemap.cli.console import console

LOGGER = logging.getLogger("onemap")

app = typer.Typer(
    help="onemap: the one map of base-level elements for police-grid fusion (警网融合一张图).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(db.app, name="db")
app.add_typer(load.app, name="etl")
app.add_typer(demo.app, name="demo")
app.add_typer(report.app, name="report")
app.add_typer(users.app, name="user")
app.add_typer(secret.app, name="secret")
app.add_typer(audit.app, name="audit")
app.add_typer(analyse.app, name="analyse")
app.command("serve")(serve.serve)


def main() -> None:
    """Entry point: run the command, turning expected failures into one line and exit 1."""
    logging.basicConfig(
        level=logging.INFO,
        format="%(message)s",
        handlers=[RichHandler(console=console, show_time=False, show_path=False)],
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    try:
        app()  # standalone: usage errors, --help and Ctrl-C are handled by typer itself
    except OnemapError as exc:
        console.print(f"[red]onemap:[/red] {exc}", highlight=False)
        sys.exit(1)
    except (psycopg.OperationalError, OperationalError) as exc:
        # the database went away or refused us where no command checked first
        console.print(f"[red]onemap:[/red] {connection_failure(exc)}", highlight=False)
        sys.exit(1)
