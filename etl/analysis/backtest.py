"""The back-test: each past week forecast from the weeks before it by every model, scored against
what happened (PAI and PEI at 1, 3 and 5 % of the area), and its summary per model."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import psycopg

from common.china import TZ
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
from etl.analysis.risk import AREA_PCTS, FIT_WEEKS, HISTORY, pai_pei

COLUMNS = ("unit_kind", "model", "week_start", "area_pct", "events", "captured", "pai", "pei")


def backtest(
    data: Data, through_k: int, weeks: int, model: Forecaster | None = None
) -> list[dict[str, object]]:
    """Forecast each of the ``weeks`` weeks ending with ``through_k`` from the weeks before it and
    score every model against what happened (weeks with no week before them are skipped)."""
    out: list[dict[str, object]] = []
    model = model or Forecaster(data)
    rng = np.random.default_rng(0)
    tiebreak = {kind: rng.random(u.n) for kind, u in data.units.items()}
    for k in range(max(1, through_k - weeks + 1), through_k + 1):
        preds, _ = model.forecasts(k)
        for kind, u in data.units.items():
            actual = data.weekly[kind][k]
            for name, score in preds[kind].items():
                scored = pai_pei(score, actual, u.area_m2, AREA_PCTS, tiebreak[kind])
                for pct, (captured, pai, pei) in zip(AREA_PCTS, scored, strict=True):
                    out.append(
                        {
                            "unit_kind": kind,
                            "model": name,
                            "week_start": data.first + k * WEEK,
                            "area_pct": pct,
                            "events": int(actual.sum()),
                            "captured": captured,
                            "pai": pai,
                            "pei": pei,
                        }
                    )
    return out


def run_backtest(conn: psycopg.Connection, weeks: int = 12, now: datetime | None = None) -> Result:
    """Back-test alone: forecast each of the last ``weeks`` weeks from the weeks before it, score
    every model and replace core.backtest_scores (the caller commits)."""
    res = Result()
    through = through_week(conn, now or datetime.now(TZ))
    if through is None:
        return res
    span = weeks + FIT_WEEKS + HISTORY  # the earliest week fitted on sees its full history
    data = read_data(conn, through, span)
    if data is None:
        return res
    res.through = through
    res.weeks = min(weeks, span - 1 - first_week(data))
    res.backtest = backtest(data, span - 1, res.weeks)
    conn.execute("delete from core.backtest_scores")
    copy_rows(conn, "core.backtest_scores", COLUMNS, [tuple(r[c] for c in COLUMNS) for r in res.backtest])
    return res


def summary(rows: list[dict[str, object]], unit_kind: str = "cell") -> list[dict[str, object]]:
    """Per model, the mean over the back-tested weeks of PAI and PEI at each area share."""
    df = pd.DataFrame(rows)
    if df.empty:
        return []
    df = df[df["unit_kind"] == unit_kind]
    out = []
    for model, g in df.groupby("model", sort=False):
        item: dict[str, object] = {"model": model, "weeks": int(g["week_start"].nunique())}
        for pct, h in g.groupby("area_pct"):
            item[f"pai_{pct:g}"] = float(h["pai"].astype(float).mean())
            item[f"pei_{pct:g}"] = float(h["pei"].astype(float).mean())
        out.append(item)
    return out
