"""What one analysis run reads from the warehouse: units, weekly incident counts, base elements,
and the week it runs through (ISO weeks in Beijing time, common/weeks.py)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd
import psycopg

from common.weeks import last_finished, monday, week_start
from etl.analysis.risk import INPUTS, Elements, kde_cells, recent, to_grids
from etl.analysis.units import Units, cell_units, grid_units, metric_transformer, read_grids
from etl.sql import read_sql

WEEK = timedelta(days=7)


@dataclass
class Result:
    """What a run computed: the weeks, row counts, the back-test and how long each step took."""

    through: date | None = None
    weeks: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    backtest: list[dict[str, object]] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)
    """The risk model's weights fitted for the week forecast."""
    seconds: dict[str, float] = field(default_factory=dict)


@dataclass
class Data:
    """Everything read from the warehouse for one run."""

    units: dict[str, Units]
    first: date
    """Monday of the first week held in ``weekly``."""
    weekly: dict[str, np.ndarray]
    """Unit kind → weeks × units incident counts."""
    elements: dict[str, Elements]


def read_data(conn: psycopg.Connection, through: date, span: int) -> Data | None:
    """Units, weekly incident counts of the ``span`` weeks ending with ``through``, and base elements."""
    grids = read_grids(conn)
    if not grids:
        return None
    to_metric = metric_transformer(grids)
    units = {"grid": grid_units(grids, to_metric), "cell": cell_units(grids, to_metric)}
    first = through - (span - 1) * WEEK
    inc = pd.DataFrame(
        conn.execute(
            read_sql("analysis_incidents.sql"),
            {"first": week_start(first), "last": week_start(through) + WEEK},
        ).fetchall(),
        columns=["week", "lon", "lat", "grid_code"],
    )
    el = pd.DataFrame(
        conn.execute(read_sql("analysis_elements.sql")).fetchall(),
        columns=["input", "lon", "lat", "grid_code", "since", "until"],
    )
    weekly, elements = {}, {}
    for kind, u in units.items():
        k = np.array([(w - first).days // 7 for w in inc["week"]], dtype=np.int64)
        pos = u.locate(inc["lon"].to_numpy(float), inc["lat"].to_numpy(float), inc["grid_code"].to_numpy())
        ok = pos >= 0
        counts = np.zeros((span, u.n))
        np.add.at(counts, (k[ok], pos[ok]), 1.0)
        weekly[kind] = counts
        epos = u.locate(el["lon"].to_numpy(float), el["lat"].to_numpy(float), el["grid_code"].to_numpy())
        elements[kind] = Elements(
            input=el["input"].to_numpy(),
            unit=epos,
            since=_utc(el["since"]),
            until=_utc(el["until"]),
        )
    return Data(units, first, weekly, elements)


def _utc(s: pd.Series) -> np.ndarray:
    """Aware times → naive UTC datetime64 (NaT for none)."""
    return pd.to_datetime(s, utc=True).dt.tz_convert(None).to_numpy(dtype="datetime64[s]")


def through_week(conn: psycopg.Connection, now: datetime) -> date | None:
    """The last week finished at ``now`` that holds incidents (None when there are none)."""
    row = conn.execute(
        "select max(reported_at) from core.incidents where reported_at < %s", (now,)
    ).fetchone()
    if not row or row[0] is None:
        return None
    return min(last_finished(now), monday(row[0]))


def first_week(data: Data) -> int:
    """Index of the first week of ``data`` holding an incident (the last when none does): weeks before
    it are before the data began (an older file, such as last year's, lies further back)."""
    held = np.flatnonzero(data.weekly["grid"].sum(axis=1) > 0)
    return int(held[0]) if len(held) else len(data.weekly["grid"]) - 1


def risk_inputs(data: Data, k: int) -> dict[str, dict[str, np.ndarray]]:
    """Each unit kind's overlay inputs for week ``k`` (index into ``weekly``), from before it only.

    The smoothed incidents are the recent incidents spread by the heat map's kernel on the cell
    lattice (so a cell next to a busy one counts some of it), summed into grids for grids; the
    background is the unit's area in km² (incidents anywhere, in proportion to area)."""
    at = week_start(data.first + k * WEEK)
    cells = data.units["cell"]
    smoothed = kde_cells(recent(data.weekly["cell"], k), cells)
    out = {}
    for kind, u in data.units.items():
        inputs = {
            "recent_incidents": recent(data.weekly[kind], k),
            "smoothed_incidents": smoothed if kind == "cell" else to_grids(smoothed, cells, u),
            "background": u.area_m2 / 1e6,  # km²
        }
        for name in INPUTS:
            if name not in inputs:
                inputs[name] = data.elements[kind].counts(name, u.n, at)
        out[kind] = inputs
    return out


def copy_rows(conn: psycopg.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    with conn.cursor().copy(f"copy {table} ({', '.join(columns)}) from stdin") as cp:
        for r in rows:
            cp.write_row(r)
