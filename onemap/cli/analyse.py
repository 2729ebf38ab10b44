"""``onemap analyse …``: the analysis (研判) — hot spots, emerging classes, next week's risk — and
its back-test, the same job a load runs after it (etl/analysis/)."""

from __future__ import annotations

import time

import typer
from rich.table import Table

from common.codebook import label
from common.weeks import week_label
from etl.derive import ANALYSIS, load_lock
from etl.warehouse import Warehouse
from onemap.cli.console import console, out

app = typer.Typer(
    help="研判: hot spots, emerging hot spots, next week's risk, back-test.", no_args_is_help=True
)


@app.command("run")
def analyse_run() -> None:
    """Recompute the analysis from what the warehouse holds (a load does this after it)."""
    from etl.analysis.run import compute
    from etl.db import connect_raw
    from etl.derive import record_built

    url = Warehouse().owner_url()
    started = time.perf_counter()
    with load_lock(url), connect_raw(url) as conn:
        res = compute(conn)
        record_built(conn, ANALYSIS)
        conn.commit()
    if res.through is None:
        console.print("no incidents in a finished week: nothing to analyse")
        return
    steps = ", ".join(f"{k} {v:.1f} s" for k, v in res.seconds.items())
    console.print(
        f"analysed {res.weeks} weeks through {week_label(res.through)} in "
        f"{time.perf_counter() - started:.1f} s ({steps}); rows: {res.rows}"
    )
    weights = "，".join(f"{label('risk_input', n)} {w:.2f}" for n, w in res.weights.items())
    console.print(f"风险模型权重（按此前12周拟合）：{weights}")
    print_backtest(res.backtest)


@app.command("backtest")
def analyse_backtest(
    weeks: int = typer.Option(12, min=1, max=52, help="How many past weeks to forecast and score."),
    unit: str = typer.Option("cell", help="Units to score on: cell (250 m) or grid."),
) -> None:
    """Forecast each past week from the weeks before it; print PAI and PEI at 1, 3 and 5 % of the area."""
    from etl.analysis.backtest import run_backtest
    from etl.db import connect_raw

    url = Warehouse().owner_url()
    with load_lock(url), connect_raw(url) as conn:
        res = run_backtest(conn, weeks)
        conn.commit()
    if res.through is None:
        console.print("no incidents in a finished week: nothing to back-test")
        return
    out.print(f"back-test of {res.weeks} weeks through {week_label(res.through)}")
    print_backtest(res.backtest, unit)


def print_backtest(rows: list[dict[str, object]], unit: str = "cell") -> None:
    """The back-test as a table: per model, mean PAI and PEI over the weeks at 1, 3 and 5 %."""
    from etl.analysis.backtest import summary

    table = Table(title=f"PAI / PEI（{label('analysis_unit', unit)}，各周平均）")
    table.add_column("model")
    table.add_column("weeks", justify="right")
    for pct in ("1", "3", "5"):
        table.add_column(f"PAI {pct}%", justify="right")
    for pct in ("1", "3", "5"):
        table.add_column(f"PEI {pct}%", justify="right")
    for item in summary(rows, unit):
        cells = [f"{item.get(f'pai_{p}', float('nan')):.2f}" for p in ("1", "3", "5")]
        cells += [f"{item.get(f'pei_{p}', float('nan')):.2f}" for p in ("1", "3", "5")]
        table.add_row(label("forecast_model", str(item["model"])), str(item["weeks"]), *cells)
    out.print(table)
