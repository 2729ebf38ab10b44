"""The ``onemap`` command: the one composition root that may import both etl and dashboard."""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.logging import RichHandler

from etl.db import check_reachable, libpq_url
from etl.errors import OnemapError
from etl.migrate import MigrateResult
from etl.warehouse import Warehouse

if TYPE_CHECKING:
    from rich.progress import Progress

    from etl.load import SourceReport
    from etl.manifest import Manifest

LOGGER = logging.getLogger("onemap")

console = Console(stderr=True, soft_wrap=True)
out = Console()


def progress_bar(description: str = "{task.description}") -> Progress:
    """The one progress display of the command: label, bar, n of total, time; gone when done."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(description),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


app = typer.Typer(
    help="onemap: the one map of base-level elements for police-grid fusion (警网融合一张图).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The warehouse database: embedded PostGIS or DATABASE_URL.", no_args_is_help=True)
app.add_typer(db_app, name="db")
etl_app = typer.Typer(help="Load agency files: read, validate, attribute, upsert.", no_args_is_help=True)
app.add_typer(etl_app, name="etl")
demo_app = typer.Typer(
    help="The demo county: synthetic feeds as agencies deliver them.", no_args_is_help=True
)
app.add_typer(demo_app, name="demo")
report_app = typer.Typer(
    help="Reports for meetings: PDF and XLSX per station and for the area.", no_args_is_help=True
)
app.add_typer(report_app, name="report")
user_app = typer.Typer(help="Dashboard users: roles, scopes, passwords, lockout.", no_args_is_help=True)
app.add_typer(user_app, name="user")
secret_app = typer.Typer(
    help="The secret key the dashboard signs sessions and scopes with.", no_args_is_help=True
)
app.add_typer(secret_app, name="secret")
audit_app = typer.Typer(help="The audit trail (ops.audit).", no_args_is_help=True)
app.add_typer(audit_app, name="audit")


def _report_migration(result: MigrateResult) -> None:
    """Say what a migration run did."""
    if result.applied:
        console.print(f"migrated {result.before or 'empty'} → {result.after}: {', '.join(result.applied)}")
    else:
        console.print(f"schema up to date at revision {result.after}; nothing changed")


@db_app.command("up")
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


def _register_secret(wh: Warehouse) -> None:
    """Tell PostgreSQL the scope key of this deployment's secret (so row-level security can check
    the scopes the dashboard signs); without a secret yet, say how to make one."""
    from etl.secret import load_secret, register_scope_key

    try:
        secret = load_secret()
    except OnemapError as exc:
        console.print(
            f"[yellow]note:[/yellow] {exc}; the dashboard will not start until then", highlight=False
        )
        return
    if register_scope_key(wh.owner_url(), secret):
        console.print("scope key of the secret key registered in the database")


@db_app.command("down")
def db_down() -> None:
    """Stop the embedded PostGIS cleanly."""
    wh = Warehouse()
    if wh.external:
        console.print(f"using DATABASE_URL ({wh.describe_external()}); nothing to stop")
        return
    console.print("stopped" if wh.down() else "not running; nothing to stop")


@db_app.command("status")
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


@db_app.command("url")
def db_url(
    app_role: bool = typer.Option(False, "--app", help="The application role's URL instead of the owner's."),
    sqlalchemy: bool = typer.Option(False, "--sqlalchemy", help="With the +psycopg driver name."),
) -> None:
    """Print the owner's connection URL (for psql), or the application role's with --app."""
    wh = Warehouse()
    url = wh.app_url() if app_role else wh.owner_url()
    out.print(url if sqlalchemy else libpq_url(url), soft_wrap=True, highlight=False)


@db_app.command("migrate")
def db_migrate() -> None:
    """Bring the warehouse schema to the newest revision (a no-op when up to date)."""
    wh = Warehouse()
    _report_migration(wh.migrate())
    _register_secret(wh)


@db_app.command("reset")
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


@demo_app.command("generate")
def demo_generate(
    scale: str = typer.Option("small", help="small (tests, make demo), county or city."),
    seed: int = typer.Option(1, help="Random seed: the same seed and date give identical files."),
    out: Path = typer.Option("data/demo", help="Directory to write the feeds into."),
    until: str = typer.Option("", help="Last day of data (YYYY-MM-DD); default today."),
) -> None:
    """Write a synthetic county's feeds and its manifest."""
    from etl.demo.generate import SCALES, generate

    if scale not in SCALES:
        raise OnemapError(f"unknown scale {scale!r}: expected one of {', '.join(SCALES)}")
    try:
        last = date.fromisoformat(until) if until else date.today()
    except ValueError as exc:
        raise OnemapError(f"--until {until!r} is not a date (expected YYYY-MM-DD)") from exc

    with progress_bar("generating {task.description}") as bar:
        task = bar.add_task("", total=None)
        started: list[str] = []

        def step(name: str, total: int) -> None:
            bar.update(task, description=name, total=total, completed=len(started))
            started.append(name)

        manifest = generate(scale, seed, out, last, progress=step)
    what = "city, district by district," if scale == "city" else f"{scale} demo county"
    console.print(f"wrote the {what} (seed {seed}, until {last}) to {manifest}")


@etl_app.command("contract")
def etl_contract() -> None:
    """Print the data contract (docs/data-contract.md) as Markdown."""
    from etl.contract_doc import render

    sys.stdout.write(render() + "\n")


def _manifest_paths(paths: list[Path]) -> list[Path]:
    """Manifests named directly, or listed one per line in a ``.txt`` file (the city's districts)."""
    out: list[Path] = []
    for path in paths:
        if path.suffix == ".txt":
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except FileNotFoundError as exc:
                raise OnemapError(f"manifest list {path} does not exist") from exc
            out.extend(path.parent / line.strip() for line in lines if line.strip())
        else:
            out.append(path)
    return out


@etl_app.command("load")
def etl_load(
    manifests: list[Path] = typer.Argument(
        ..., help="Manifests (YAML), or a .txt listing them one per line; loaded in this order."
    ),
    only: list[str] = typer.Option(None, "--only", help="Load only these kinds (repeatable)."),
    report: Path = typer.Option(None, "--report", help="Write the load report as JSON here."),
) -> None:
    """Load every source of each manifest; each row is loaded or quarantined with a reason."""
    import json

    from etl.manifest import read_manifest

    paths = _manifest_paths(manifests)
    parsed = [read_manifest(p) for p in paths]  # every manifest is checked before anything loads
    wh = Warehouse()
    url = wh.owner_url()
    check_reachable(url)
    reports = []
    for path, manifest in zip(paths, parsed, strict=True):
        reports.extend(_load_one(url, path, manifest, only))
    if len(paths) > 1:
        total_in = sum(r.rows_in for r in reports)
        total_q = sum(r.quarantined for r in reports)
        console.print(
            f"{len(paths)} manifests: {total_in:,} rows in, {total_in - total_q:,} loaded, "
            f"{total_q:,} quarantined"
        )
    failed = [r for r in reports if r.status in ("failed", "skipped")]
    if report:
        report.write_text(
            json.dumps(
                {"manifests": [str(p) for p in paths], "sources": [r.as_json() for r in reports]},
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
    for r in failed:
        console.print(f"[red]onemap:[/red] {r.source}: {r.message}", highlight=False)
    if failed:
        raise typer.Exit(1)


def _load_one(url: str, path: Path, manifest: Manifest, only: list[str] | None) -> list[SourceReport]:
    """Load one manifest with a progress bar; print its report table."""
    from rich.table import Table

    from etl.load import Loader

    with progress_bar() as progress:
        tasks: dict[str, object] = {}

        def advance(label: str, n: int) -> None:
            if label not in tasks:
                tasks[label] = progress.add_task(label, total=None)
            progress.advance(tasks[label], n)  # type: ignore[arg-type]

        reports = Loader(url, manifest, advance).run(only or None)
    table = Table(title=f"load report: {path}")
    table.add_column("source")
    table.add_column("status")
    for col in ("rows in", "loaded", "repaired", "quarantined", "changed"):
        table.add_column(col, justify="right")
    for r in reports:
        table.add_row(
            r.source,
            r.status,
            f"{r.rows_in:,}",
            f"{r.loaded:,}",
            f"{r.repaired:,}",
            f"{r.quarantined:,}",
            f"{r.changed:,}",
        )
    console.print(table)
    for r in reports:
        if r.reasons:
            console.print(
                f"  {r.source} quarantined: " + ", ".join(f"{k} {v}" for k, v in sorted(r.reasons.items()))
            )
    total_in = sum(r.rows_in for r in reports)
    total_q = sum(r.quarantined for r in reports)
    failed = [r for r in reports if r.status in ("failed", "skipped")]
    console.print(
        f"{len(reports)} sources: {total_in:,} rows in, {total_in - total_q:,} loaded, "
        f"{total_q:,} quarantined" + (f"; {len(failed)} failed or skipped" if failed else "")
    )
    return reports


@report_app.command("weekly")
def report_weekly(
    week: str = typer.Option("", help="ISO week, e.g. 2026-W47; default: last week (Monday to Sunday)."),
    station: list[str] = typer.Option(
        None, "--station", help="Only these stations (repeatable); default all."
    ),
    out: Path = typer.Option("data/reports", help="Folder; files go to OUT/<week>/."),
) -> None:
    """Write the weekly reports: a PDF and an XLSX per station, and the whole area's summary."""
    from datetime import datetime

    from dashboard.periods import TZ, Week
    from dashboard.reports.run import weekly
    from dashboard.scope import Scope
    from dashboard.settings import DashboardSettings

    try:
        the_week = Week.parse(week) if week else Week.containing(datetime.now(TZ)).previous()
    except ValueError as exc:
        raise OnemapError(f"--week {week!r} is not an ISO week such as 2026-W47") from exc
    from dashboard.auth import audit
    from dashboard.db import scoped
    from dashboard.users import operator
    from etl.secret import derive, load_secret

    url = Warehouse().app_url()
    check_reachable(url)
    # the command line acts for the whole area (the operator has the machine and its secret key)
    token = Scope.everything().token(derive(load_secret(), "scope"), "leadership", ttl_seconds=24 * 3600)
    audit(
        url,
        operator(),
        "export",
        {"report": "weekly", "week": the_week.label(), "stations": station or "all"},
    )
    with progress_bar() as bar, scoped(token):
        task = bar.add_task("", total=None)

        def step(name: str, done: int, total: int) -> None:
            bar.update(task, description=name, completed=done, total=total)

        try:
            files = weekly(
                url,
                Scope.everything(),
                the_week,
                out,
                DashboardSettings().score_weights(),
                station or None,
                step,
            )
        except LookupError as exc:
            raise OnemapError(str(exc)) from exc
    for f in files:
        console.print(str(f), highlight=False)
    console.print(f"{len(files)} files for {the_week.label()} in {out / the_week.label()}")


@app.command("serve")
def serve(
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    port: int = typer.Option(8050, help="Port to listen on."),
    workers: int = typer.Option(2, help="gunicorn worker processes."),
) -> None:
    """Serve the dashboard (gunicorn) reading the serve schema as the application role."""
    from dashboard.server import run
    from etl.secret import load_secret

    load_secret()  # no secret key, no dashboard: say so before anything starts
    wh = Warehouse()
    url = wh.app_url()
    run(database_url=url, host=host, port=port, workers=workers)


# ------------------------------------------------------------------ secret, users, audit
@secret_app.command("init")
def secret_init() -> None:
    """Create the secret key file (0600, ONEMAP_SECRET_KEY_FILE, default data/secret_key) unless it exists."""
    from etl.secret import SecretSettings, init_secret

    path = SecretSettings().secret_key_file
    made = init_secret(path)
    console.print(f"{'created' if made else 'kept the existing'} secret key {path}", highlight=False)
    if made and not Warehouse().external:
        console.print("run `onemap db up` to register it with the database")


def _password(password: str | None, generate: bool) -> str:
    import secrets

    if generate:
        return secrets.token_urlsafe(9) + "-" + secrets.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + "7"
    if password:
        return password
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


@user_app.command("add")
def user_add(
    username: str = typer.Argument(..., help="Login name: 2–40 of a–z, 0–9, _ . -"),
    role: str = typer.Option(..., "--role", help="leadership, station_chief or grid_worker."),
    station: list[str] = typer.Option(None, "--station", help="A station chief's station (repeatable)."),
    grid: list[str] = typer.Option(None, "--grid", help="A grid worker's grid (repeatable)."),
    name: str = typer.Option("", "--name", help="Display name."),
    password: str | None = typer.Option(
        None, "--password", help="Default: asked for (or one line of stdin). At least 8 of three kinds."
    ),
    generate: bool = typer.Option(False, "--generate-password", help="Make one up and print it."),
) -> None:
    """Add a dashboard user."""
    from dashboard.users import add_user

    secret = _password(password, generate)
    with _auth_errors():
        user = add_user(Warehouse().owner_url(), username, role, secret, station, grid, name)
    console.print(f"added {user.username} ({user.role_zh})" + (f", password: {secret}" if generate else ""))


@user_app.command("set-password")
def user_set_password(
    username: str,
    password: str | None = typer.Option(None, "--password", help="Default: asked for (or stdin)."),
    generate: bool = typer.Option(False, "--generate-password", help="Make one up and print it."),
) -> None:
    """Set a user's password (their open sessions end; a lockout is lifted)."""
    from dashboard.users import set_password

    secret = _password(password, generate)
    with _auth_errors():
        set_password(Warehouse().owner_url(), username, secret)
    console.print(f"password of {username} set" + (f": {secret}" if generate else ""))


@contextmanager
def _auth_errors() -> Iterator[None]:
    """A refused user change (weak password, unknown user or station …) as one line, exit 1."""
    from dashboard.auth import AuthError

    try:
        yield
    except AuthError as exc:
        raise OnemapError(str(exc)) from exc


def _set_disabled(username: str, disabled: bool) -> None:
    from dashboard.users import set_disabled

    with _auth_errors():
        set_disabled(Warehouse().owner_url(), username, disabled)
    console.print(f"{username} {'disabled' if disabled else 'enabled'}")


@user_app.command("disable")
def user_disable(username: str) -> None:
    """Disable a user (their sessions end at their next request)."""
    _set_disabled(username, True)


@user_app.command("enable")
def user_enable(username: str) -> None:
    """Enable a disabled user again."""
    _set_disabled(username, False)


@user_app.command("list")
def user_list() -> None:
    """The users, their roles and scopes, and whether they are disabled or locked."""
    from rich.table import Table

    from dashboard.auth import ROLE_ZH
    from dashboard.users import list_users

    table = Table("user", "name", "role", "scope", "state", "last login")
    for u in list_users(Warehouse().owner_url()):
        scope = ",".join(u["grids"] or u["stations"]) or "全域"
        state = "disabled" if u["disabled"] else "locked" if u["locked"] else "active"
        last = u["last_login_at"].strftime("%Y-%m-%d %H:%M") if u["last_login_at"] else "—"
        table.add_row(u["username"], u["display_name"], ROLE_ZH[u["role"]], scope, state, last)
    console.print(table)


@user_app.command("demo")
def user_demo() -> None:
    """One demo user per role, with new random passwords, printed (for `make demo` only)."""
    from dashboard.users import demo_users

    with _auth_errors():
        made = demo_users(Warehouse().owner_url())
    out.print("demo users (passwords are new on every `make demo`):")
    for user, password in made:
        scope = ",".join(sorted(user.grids or user.stations)) or "全域"
        out.print(f"  {user.username:<12} {password:<20} {user.role_zh}  {scope}", highlight=False)


@audit_app.command("prune")
def audit_prune(
    keep_days: int = typer.Option(365, min=180, help="Keep this many days (at least 180)."),
) -> None:
    """Delete audit rows older than KEEP_DAYS (the table refuses anything younger than 180 days)."""
    from sqlalchemy import text

    from etl.db import get_engine

    with get_engine(Warehouse().owner_url()).begin() as conn:
        n = conn.execute(
            text("delete from ops.audit where at < now() - make_interval(days => :d)"), {"d": keep_days}
        ).rowcount
    console.print(f"{n} audit rows older than {keep_days} days deleted")


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


if __name__ == "__main__":
    main()
