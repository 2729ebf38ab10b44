"""``onemap demo …``: the demo county, synthetic feeds as the agencies deliver them.

The generator (geopandas) is imported by the command that runs it, so that the rest of the command
line starts in half a second.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from common.china import today
from common.errors import OnemapError
from onemap.cli.console import console, progress_bar

app = typer.Typer(help="The demo county: synthetic feeds as agencies deliver them.", no_args_is_help=True)


@app.command("generate")
def demo_generate(
    scale: str = typer.Option("small", help="small (tests, make demo), county or city."),
    seed: int = typer.Option(1, help="Random seed: the same seed and date give identical files."),
    out: Path = typer.Option("data/demo", help="Directory to write the feeds into."),
    until: str = typer.Option("", help="Last day of data (YYYY-MM-DD); default today in Beijing."),
    ground: str = typer.Option(
        "",
        help="real (增城区's real outline, towns along roads; the default) or round (a ring cut by "
        "straight lines; the city scale's only ground).",
    ),
) -> None:
    """Write a synthetic county's feeds and its manifest."""
    from etl.demo.generate import GROUNDS, default_ground, generate
    from etl.demo.scales import SCALES

    if scale not in SCALES:
        raise OnemapError(f"unknown scale {scale!r}: expected one of {', '.join(SCALES)}")
    ground = ground or default_ground(scale)
    if ground not in GROUNDS:
        raise OnemapError(f"unknown ground {ground!r}: expected one of {', '.join(GROUNDS)}")
    if scale == "city" and ground != "round":
        raise OnemapError("--ground real draws 增城区: the city scale (Fuzhou's districts) is round only")
    try:
        last = date.fromisoformat(until) if until else today()
    except ValueError as exc:
        raise OnemapError(f"--until {until!r} is not a date (expected YYYY-MM-DD)") from exc

    with progress_bar("generating {task.description}") as bar:
        task = bar.add_task("", total=None)
        started: list[str] = []

        def step(name: str, total: int) -> None:
            bar.update(task, description=name, total=total, completed=len(started))
            started.append(name)

        manifest = generate(scale, seed, out, last, progress=step, ground=ground)
    what = "city, district by district," if scale == "city" else f"{scale} demo county"
    console.print(f"wrote the {what} (seed {seed}, until {last}, {ground} ground) to {manifest}")
