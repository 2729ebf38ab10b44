"""``onemap report …``: the weekly reports for meetings, read through the dashboard's own queries.

The report writers (weasyprint, the dashboard's queries) are imported by the command that runs
them, so that the rest of the command line starts in half a second.
"""

from __future__ import annotations

from pathlib import Path

import typer

from common.errors import OnemapError
from common.secret import load_secret
from etl.audit import record_now
from etl.db import check_reachable
from etl.warehouse import Warehouse
from onemap.cli.console import console, progress_bar

app = typer.Typer(
    help="Reports for meetings: PDF and XLSX per station and for the area.", no_args_is_help=True
)


@app.command("weekly")
def report_weekly(
    week: str = typer.Option(
        "", help="ISO week, e.g. 2026-W47; default: the last finished week (Monday to Sunday, Beijing time)."
    ),
    to: str = typer.Option(
        "", help="Only the week so far: its cut-off, a midnight in Beijing time, e.g. 2026-12-02T00:00."
    ),
    station: list[str] = typer.Option(
        None, "--station", help="Only these stations (repeatable); default all."
    ),
    out: Path = typer.Option("data/reports", help="Folder; files go to OUT/<week>/."),
) -> None:
    """Write the weekly reports: a PDF and an XLSX per station, and the whole area's summary."""
    from dashboard import bounds
    from dashboard.operator import as_operator
    from dashboard.reports.run import weekly
    from dashboard.scope import Scope
    from dashboard.settings import DashboardSettings

    settings = DashboardSettings()
    try:
        the_week = bounds.period(week or None, to or None, settings.now())
    except bounds.OutOfBounds as exc:
        raise OnemapError(
            f"--week {week!r}: not an ISO week such as 2026-W47 that has ended (or, with --to, "
            f"a past midnight within it): {exc}"
        ) from exc
    wh = Warehouse()
    url = wh.app_url()
    check_reachable(url)
    secret = load_secret()
    record_now(
        wh.owner_url(), "export", {"report": "weekly", "week": the_week.label(), "stations": station or "all"}
    )
    # the command line acts for the whole area: the operator has the machine and its secret key
    with progress_bar() as bar, as_operator(secret):
        task = bar.add_task("", total=None)

        def step(name: str, done: int, total: int) -> None:
            bar.update(task, description=name, completed=done, total=total)

        try:
            files = weekly(
                url,
                Scope.everything(),
                the_week,
                out,
                settings.score_weights(),
                station or None,
                step,
                public_url=settings.public_url,
            )
        except LookupError as exc:
            raise OnemapError(str(exc)) from exc
    for f in files:
        console.print(str(f), highlight=False)
    console.print(f"{len(files)} files for {the_week.label()} in {out / the_week.label()}")
