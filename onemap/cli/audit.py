"""``onemap audit …``: the audit trail (``ops.audit``)."""

from __future__ import annotations

import typer

from etl.audit import prune
from etl.warehouse import Warehouse
from onemap.cli.console import console

app = typer.Typer(help="The audit trail (ops.audit).", no_args_is_help=True)


@app.command("prune")
def audit_prune(
    keep_days: int = typer.Option(365, min=180, help="Keep this many days (at least 180)."),
) -> None:
    """Delete audit rows older than KEEP_DAYS (the table refuses anything younger than 180 days)."""
    n = prune(Warehouse().owner_url(), keep_days)
    console.print(f"{n} audit rows older than {keep_days} days deleted")
