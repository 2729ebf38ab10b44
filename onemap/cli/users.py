"""``onemap user …``: dashboard users, their roles, scopes, passwords and lockout (as the owner)."""

from __future__ import annotations

import secrets
import sys

import typer
from rich.table import Table

from etl.users import add_user, demo_users, list_users, set_disabled, set_password, sign_out
from etl.warehouse import Warehouse
from onemap.cli.console import console, out

app = typer.Typer(help="Dashboard users: roles, scopes, passwords, lockout.", no_args_is_help=True)


def _password(password: str | None, generate: bool) -> str:
    """The password given, made up (``--generate-password``), one line of stdin, or asked for."""
    if generate:
        return secrets.token_urlsafe(9) + "-" + secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + "7"
    if password:
        return password
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@app.command("add")
def user_add(
    username: str = typer.Argument(..., help="Login name: 2–40 of a–z, 0–9, _ . -"),
    role: str = typer.Option(
        ...,
        "--role",
        help="leadership, station_chief, grid_worker, wall (a screen: the wall only), town_leader or "
        "village_officer.",
    ),
    station: list[str] = typer.Option(
        None, "--station", help="A station chief's station, or a wall's (repeatable; a wall: optional)."
    ),
    grid: list[str] = typer.Option(None, "--grid", help="A grid worker's grid (repeatable)."),
    town: list[str] = typer.Option(None, "--town", help="A town leader's town (镇街; repeatable)."),
    village: list[str] = typer.Option(
        None, "--village", help="A village officer's village or community (村社区; repeatable)."
    ),
    name: str = typer.Option("", "--name", help="Display name."),
    password: str | None = typer.Option(
        None, "--password", help="Default: asked for (or one line of stdin). At least 8 of three kinds."
    ),
    generate: bool = typer.Option(False, "--generate-password", help="Make one up and print it."),
) -> None:
    """Add a dashboard user."""
    secret = _password(password, generate)
    user = add_user(Warehouse().owner_url(), username, role, secret, station, grid, name, town, village)
    console.print(f"added {user.username} ({user.role_zh})" + (f", password: {secret}" if generate else ""))


@app.command("set-password")
def user_set_password(
    username: str,
    password: str | None = typer.Option(None, "--password", help="Default: asked for (or stdin)."),
    generate: bool = typer.Option(False, "--generate-password", help="Make one up and print it."),
) -> None:
    """Set a user's password (their open sessions end; a lockout is lifted)."""
    secret = _password(password, generate)
    set_password(Warehouse().owner_url(), username, secret)
    console.print(f"password of {username} set" + (f": {secret}" if generate else ""))


@app.command("disable")
def user_disable(username: str) -> None:
    """Disable a user (their sessions end at their next request)."""
    set_disabled(Warehouse().owner_url(), username, True)
    console.print(f"{username} disabled")


@app.command("enable")
def user_enable(username: str) -> None:
    """Enable a disabled user again."""
    set_disabled(Warehouse().owner_url(), username, False)
    console.print(f"{username} enabled")


@app.command("sign-out")
def user_sign_out(username: str) -> None:
    """End a user's open sessions now (a wall's long-lived one, say), without disabling them."""
    ended = sign_out(Warehouse().owner_url(), username)
    console.print(f"{ended} session(s) of {username} ended")


@app.command("list")
def user_list() -> None:
    """The users, their roles and scopes, and whether they are disabled or locked."""
    table = Table("user", "name", "role", "scope", "state", "last login")
    for u in list_users(Warehouse().owner_url()):
        state = "disabled" if u.disabled else "locked" if u.locked else "active"
        last = u.last_login_at.strftime("%Y-%m-%d %H:%M") if u.last_login_at else "—"
        table.add_row(u.username, u.display_name, u.role_zh, u.scope_text, state, last)
    console.print(table)


@app.command("demo")
def user_demo() -> None:
    """One demo user per role, with new random passwords, printed (for `make demo` only)."""
    made = demo_users(Warehouse().owner_url())
    out.print("demo users (passwords are new on every `make demo`):")
    for user, password in made:
        out.print(f"  {user.username:<12} {password:<20} {user.role_zh}  {user.scope_text}", highlight=False)
