"""``onemap secret …``: the secret key the dashboard signs sessions and scopes with."""

from __future__ import annotations

import typer

from common.secret import SecretSettings, init_secret
from etl.warehouse import Warehouse
from onemap.cli.console import console

app = typer.Typer(help="The secret key the dashboard signs sessions and scopes with.", no_args_is_help=True)


@app.command("init")
def secret_init() -> None:
    """Create the secret key file (0600, ONEMAP_SECRET_KEY_FILE, default data/secret_key) unless it exists."""
    path = SecretSettings().secret_key_file
    made = init_secret(path)
    console.print(f"{'created' if made else 'kept the existing'} secret key {path}", highlight=False)
    if made and not Warehouse().external:
        console.print("run `onemap db up` to register it with the database")
