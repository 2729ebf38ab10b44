"""The analysis job: read the warehouse, compute hot spots, classes, next week's risk and the
back-test, and replace the results in one transaction (``onemap analyse run``, and after a load).

Weeks are ISO weeks in Beijing time (common/weeks.py). The last week analysed is the last one
finished at ``now`` that the data reaches; the emerging classes span the ``weeks`` weeks ending
with it (fewer when the data starts later). Scopes: the whole area (``all``) and each station,
whose Gi* is computed among its own units only.
"""

from __future__ import annotations

import json
import logging
import time
from datetime import datetime

import numpy as np
import psycopg
import shapely

from common.china import TZ
from common.weeks import week_label
from etl.analysis.backtest import COLUMNS, backtest
from etl.analysis.data import (
    WEEK,
    Data,
    Result,
    copy_rows,
    first_week,
    read_data,
    through_week,
)
from etl.analysis.fit import Forecaster
from etl.analysis.risk import FIT_WEEKS, HISTORY, INPUTS
from etl.analysis.stats import classify, fdr_levels, gi_star
from etl.analysis.units import Units
from etl.sql import read_sql

LOGGER = logging.getLogger(__name__)


def hotspots(data: Data, through_k: int, weeks: int) -> tuple[list[tuple], list[tuple]]:
    """Rows of core.hotspot_weeks and core.hotspot_trends for every scope and unit kind."""
    week_rows: list[tuple] = []
    trend_rows: list[tuple] = []
    ks = range(through_k - weeks + 1, through_k + 1)
    for kind, u in data.units.items():
        scopes = [("all", np.arange(u.n))] + [
            (s, np.flatnonzero(u.station == s)) for s in sorted(set(u.station) - {None})
        ]
        for scope, members in scopes:
            w = u.weights(None if scope == "all" else members, star=True)
            z = np.zeros((weeks, len(members)))
            lv = np.zeros((weeks, len(members)), dtype=np.int8)
            for t, k in enumerate(ks):
                y = data.weekly[kind][k, members]
                z[t], p, sign = gi_star(y, w, u.area_m2[members])
                lv[t] = fdr_levels(sign, p)
                monday_k = data.first + k * WEEK
                keep = np.flatnonzero((y > 0) | (lv[t] != 0))
                week_rows += [
                    (
                        scope,
                        kind,
                        u.codes[members[i]],
                        monday_k,
                        int(y[i]),
                        float(z[t, i]),
                        float(p[i]),
                        int(lv[t, i]),
                        u.station[members[i]],
                        u.grid[members[i]],
                    )
                    for i in keep
                ]
            last_p = p  # the final week's
            for i in range(len(members)):
                if kind == "cell" and not lv[:, i].any():
                    continue  # a cell never significant has no pattern: not stored
                e = classify(lv[:, i], z[:, i])
                if kind == "cell" and e.hotspot_class == "no_pattern":
                    continue
                since = None if e.since is None else data.first + (ks[0] + e.since) * WEEK
                trend_rows.append(
                    (
                        scope,
                        kind,
                        u.codes[members[i]],
                        data.first + through_k * WEEK,
                        weeks,
                        e.hotspot_class,
                        e.hot_weeks,
                        e.cold_weeks,
                        since,
                        float(z[-1, i]),
                        float(last_p[i]),
                        int(lv[-1, i]),
                        e.trend,
                        e.tau,
                        e.trend_z,
                        e.trend_p,
                        u.station[members[i]],
                        u.grid[members[i]],
                    )
                )
    return week_rows, trend_rows


def risk_rows(model: Forecaster, k: int) -> tuple[list[tuple], list[tuple]]:
    """Rows of core.risk_scores for week ``k`` (the week after the last analysed) and core.risk_inputs
    (the weights fitted for it, with each input's total over the grids)."""
    data = model.data
    inputs = model.inputs(k)
    scores, weights = model.forecasts(k)
    rows: list[tuple] = []
    for kind, u in data.units.items():
        s = scores[kind]["risk_overlay"]
        order = np.lexsort((u.codes.astype(str), -s / u.area_m2))
        rank = np.empty(u.n, dtype=np.int64)
        rank[order] = np.arange(1, u.n + 1)
        share = np.empty(u.n)
        share[order] = np.cumsum(u.area_m2[order]) / u.area_m2.sum()
        for i in range(u.n):
            if kind == "cell" and s[i] <= 0:
                continue
            values = {n: round(float(inputs[kind][n][i]), 3) for n in INPUTS}
            rows.append(
                (
                    kind,
                    u.codes[i],
                    data.first + k * WEEK,
                    float(s[i]),
                    int(rank[i]),
                    float(share[i]),
                    json.dumps(values),
                    u.station[i],
                    u.grid[i],
                )
            )
    totals = [
        (name, pos, weights[name], float(inputs["grid"][name].sum())) for pos, name in enumerate(INPUTS)
    ]
    return rows, totals


def compute(
    conn: psycopg.Connection, now: datetime | None = None, weeks: int = 12, backtest_weeks: int = 12
) -> Result:
    """Compute everything and replace the analysis tables (the caller commits)."""
    res = Result()
    clock = time.perf_counter()
    now = now or datetime.now(TZ)
    through = through_week(conn, now)
    conn.execute(read_sql("analysis_clear.sql"))
    if through is None:
        return res
    span = max(weeks, backtest_weeks + FIT_WEEKS) + HISTORY  # the earliest week fitted on sees its history
    data = read_data(conn, through, span)
    if data is None:
        return res
    res.seconds["read"] = time.perf_counter() - clock
    through_k = span - 1
    held = through_k - first_week(data) + 1  # weeks from the first with data: never more than it holds
    res.through, res.weeks = through, min(weeks, held)
    clock = time.perf_counter()
    week_rows, trend_rows = hotspots(data, through_k, res.weeks)
    res.seconds["hotspots"] = time.perf_counter() - clock
    clock = time.perf_counter()
    model = Forecaster(data)
    risk, totals = risk_rows(model, through_k + 1)
    res.weights = {name: weight for name, _, weight, _ in totals}
    bt_weeks = min(backtest_weeks, held - 1)
    res.backtest = backtest(data, through_k, bt_weeks, model)
    res.seconds["risk"] = time.perf_counter() - clock
    clock = time.perf_counter()
    _write_units(conn, data.units)
    copy_rows(
        conn,
        "core.hotspot_weeks",
        (
            "scope_code",
            "unit_kind",
            "unit_code",
            "week_start",
            "events",
            "gi_z",
            "gi_p",
            "level",
            "station_code",
            "grid_code",
        ),
        week_rows,
    )
    copy_rows(
        conn,
        "core.hotspot_trends",
        (
            "scope_code",
            "unit_kind",
            "unit_code",
            "through_week",
            "weeks",
            "hotspot_class",
            "hot_weeks",
            "cold_weeks",
            "since_week",
            "gi_z",
            "gi_p",
            "level",
            "trend",
            "trend_tau",
            "trend_z",
            "trend_p",
            "station_code",
            "grid_code",
        ),
        trend_rows,
    )
    copy_rows(
        conn,
        "core.risk_scores",
        (
            "unit_kind",
            "unit_code",
            "for_week",
            "score",
            "rank",
            "area_share",
            "inputs",
            "station_code",
            "grid_code",
        ),
        risk,
    )
    copy_rows(conn, "core.risk_inputs", ("input_code", "position", "weight", "total"), totals)
    copy_rows(conn, "core.backtest_scores", COLUMNS, [tuple(r[c] for c in COLUMNS) for r in res.backtest])
    res.seconds["write"] = time.perf_counter() - clock
    res.rows = {"hotspot_weeks": len(week_rows), "hotspot_trends": len(trend_rows), "risk_scores": len(risk)}
    LOGGER.info("analysis through %s: %s", week_label(through), res.rows)
    return res


def _write_units(conn: psycopg.Connection, units: dict[str, Units]) -> None:
    """Stage the units' geometry as WKB and insert them (made valid and multi in SQL)."""
    rows = [
        (
            u.kind,
            u.codes[i],
            u.district[i],
            float(u.area_m2[i]),
            shapely.to_wkb(u.geoms[i], hex=True),
            u.station[i],
            u.grid[i],
        )
        for u in units.values()
        for i in range(u.n)
    ]
    conn.execute(
        "create temporary table analysis_units_in (unit_kind text, unit_code text, district_code text, "
        "area_m2 float8, wkb text, station_code text, grid_code text) on commit drop"
    )
    copy_rows(
        conn,
        "analysis_units_in",
        ("unit_kind", "unit_code", "district_code", "area_m2", "wkb", "station_code", "grid_code"),
        rows,
    )
    conn.execute(read_sql("analysis_units.sql"))
