"""``onemap etl …``: load agency files (read, validate, attribute, upsert) and print the data contract.

The loader (pandas, pyarrow, shapely) is imported by the commands that run it, so that the rest of
the command line starts in half a second.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Column, Table

from common.codebook import label
from common.errors import OnemapError
from etl.db import check_reachable
from etl.manifest import Manifest, read_manifest
from etl.warehouse import Warehouse
from onemap.cli.console import console, progress_bar

if TYPE_CHECKING:
    from etl.load import SourceReport

app = typer.Typer(help="Load agency files: read, validate, attribute, upsert.", no_args_is_help=True)


@app.command("contract")
def etl_contract() -> None:
    """Print the data contract (docs/data-contract.md) as Markdown."""
    from etl.contract_doc import render  # it reads the validator's rules (pandas)

    sys.stdout.write(render() + "\n")


def manifest_paths(paths: list[Path]) -> list[Path]:
    """Manifests named directly, or listed one per line in a ``.txt`` file (the city's districts)."""
    found: list[Path] = []
    for path in paths:
        if path.suffix == ".txt":
            try:
                lines = path.read_text(encoding="utf-8").splitlines()
            except FileNotFoundError as exc:
                raise OnemapError(f"manifest list {path} does not exist") from exc
            found.extend(path.parent / line.strip() for line in lines if line.strip())
        else:
            found.append(path)
    return found


@app.command("load")
def etl_load(
    manifests: list[Path] = typer.Argument(
        ..., help="Manifests (YAML), or a .txt listing them one per line; loaded in this order."
    ),
    only: list[str] = typer.Option(None, "--only", help="Load only these kinds (repeatable)."),
    report: Path = typer.Option(None, "--report", help="Write the load report as JSON here."),
) -> None:
    """Load every source of each manifest; each row is loaded or quarantined with a reason."""
    paths = manifest_paths(manifests)
    parsed = [read_manifest(p) for p in paths]  # every manifest is checked before anything loads
    url = Warehouse().owner_url()
    check_reachable(url)
    reports = []
    for path, manifest in zip(paths, parsed, strict=True):
        reports.extend(_load_one(url, path, manifest, only))
    if len(paths) > 1:
        console.print(f"{len(paths)} manifests: " + _totals(reports))
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
    if any(r.status == "loaded" for r in reports):
        _warm(url)
    if failed:
        raise typer.Exit(1)


def _warm(owner_url: str) -> None:
    """Compute the map, the quality page and the station pages into the dashboard's shared cache
    (what the load made stale is never served: the cache is keyed by the data's stamp). Without a
    secret key there is no dashboard to warm for: say so and go on."""
    from common.secret import load_secret

    try:
        secret = load_secret()
    except OnemapError as exc:
        console.print(f"dashboard cache not warmed: {exc}", highlight=False)
        return
    from dashboard.warm import warm

    try:
        pages, seconds = warm(Warehouse().app_url_for(owner_url), secret)
    except Exception as exc:  # the load itself succeeded: a cold cache is no reason to fail it
        console.print(f"dashboard cache not warmed: {type(exc).__name__}: {exc}", highlight=False)
        return
    console.print(f"dashboard cache warmed: {pages} pages in {seconds:.1f} s")


@app.command("derive")
def etl_derive() -> None:
    """Rebuild every derived table (alerts, gate-access rollups, zone–grid links) from core."""
    from etl.derive import derive_all

    url = Warehouse().owner_url()
    check_reachable(url)
    derive_all(url)
    console.print("derived tables rebuilt: alerts, gate-access daily rollups, zone–grid links")


@app.command("alerts-check")
def etl_alerts_check(
    truth: Path = typer.Argument(
        ..., help="The demo's directory (or its alert_truth.json): the planted cases and decoys."
    ),
) -> None:
    """Print recall and false-alarm rate per alert rule on planted cases of known truth.

    Exits 1 when a rule misses 90 % recall or passes 10 % false alarms.
    """
    from etl.alerts_check import read_truth, score_rules

    url = Warehouse().owner_url()
    check_reachable(url)
    try:
        scores = score_rules(url, read_truth(truth))
    except (OSError, ValueError) as exc:
        raise OnemapError(f"cannot read the truth of the planted cases in {truth}: {exc}") from exc
    table = Table(Column("rule", no_wrap=True), "cases", "hit", "recall", "decoys", "hit", "false", "target")
    for r in scores:
        table.add_row(
            f"{label('alert_kind', r.rule)} {r.rule}",
            str(r.cases),
            str(r.found),
            f"{r.recall:.0%}",
            str(r.decoys),
            str(r.false_alarms),
            f"{r.false_alarm_rate:.0%}",
            "met" if r.meets_target else "MISSED",
        )
    console.print(table)
    for r in scores:
        if r.missed or r.fooled:
            console.print(
                f"{r.rule}: missed {', '.join(r.missed) or '-'}; fooled by {', '.join(r.fooled) or '-'}"
            )
    if not all(r.meets_target for r in scores):
        raise typer.Exit(1)


def _totals(reports: list[SourceReport]) -> str:
    """``n rows in, n loaded, n quarantined`` over some sources."""
    total_in = sum(r.rows_in for r in reports)
    total_q = sum(r.quarantined for r in reports)
    return f"{total_in:,} rows in, {total_in - total_q:,} loaded, {total_q:,} quarantined"


def _load_one(url: str, path: Path, manifest: Manifest, only: list[str] | None) -> list[SourceReport]:
    """Load one manifest with a progress bar; print its report table."""
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
    failed = [r for r in reports if r.status in ("failed", "skipped")]
    console.print(
        f"{len(reports)} sources: "
        + _totals(reports)
        + (f"; {len(failed)} failed or skipped" if failed else "")
    )
    return reports
