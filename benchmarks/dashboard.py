"""Dashboard callbacks against the SQL they run, at county scale: p50/p95, bytes per view, cache.

For each map, heat and drill callback: its server time cold (no cache) over N calls, the time of
the very SQL statements it issued (captured as it ran, then re-run alone on the same pool) in the
same run, their ratio, the bytes Dash would send, and a warm (cached) call against a cold one.

Targets (issue 4): callback p95 ≤ 1.5 × its SQL p95; any map view ≤ 1 MB; warm ≤ 0.2 × cold.

    .venv/bin/python benchmarks/dashboard.py --db onemap_county [--repeat 15]

The database must hold a loaded county (`onemap demo generate --scale county` then
`onemap etl load`); ``--db`` names a database of the embedded cluster, ``--app-url`` any other.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

# run as a script, this file's folder comes first on the path and its name would hide the package
sys.path[0] = str(Path(__file__).resolve().parents[1])

import plotly.utils
from sqlalchemy import text

import dashboard.db
from benchmarks.support import LEADER, as_leadership, scoped_connection
from common.secret import derive
from dashboard.app import create_app
from dashboard.context import AppContext
from dashboard.db import get_engine
from dashboard.map import choropleth, heat, layers, playlist
from dashboard.pages import drill
from dashboard.queries.areas import stations
from dashboard.settings import DashboardSettings


class Recorder:
    """Captures the statements the dashboard runs (``dashboard.db.statement_hook``) while ``on``."""

    def __init__(self, url: str) -> None:
        self.on = False
        self.statements: list[tuple[str, Any]] = []
        self.engine = get_engine(url)
        dashboard.db.statement_hook = self._capture

    def _capture(self, statement: str, params: dict[str, Any]) -> None:
        if self.on:
            self.statements.append((statement, params))

    def run(self, fn: Callable[[], Any]) -> tuple[float, Any, list[tuple[str, Any]]]:
        self.statements, self.on = [], True
        t0 = time.perf_counter()
        try:
            out = fn()
        finally:
            self.on = False
        return time.perf_counter() - t0, out, list(self.statements)

    def sql_seconds(self, statements: list[tuple[str, Any]]) -> float:
        """Run the captured statements alone on the same pool, fetching every row, and time them."""
        t0 = time.perf_counter()
        for statement, params in statements:
            with self.engine.connect() as conn:
                cur = conn.connection.driver_connection.cursor()
                # as dashboard.db does: the signed scope first, in the same transaction
                cur.execute(dashboard.db.SET_SCOPE, (dashboard.db.SCOPE_TOKEN.get(),))
                cur.execute(statement, params)
                cur.fetchall()
                cur.close()
        return time.perf_counter() - t0


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def payload_bytes(out: Any) -> int:
    return len(json.dumps(out, cls=plotly.utils.PlotlyJSONEncoder))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="onemap_county", help="database of the embedded cluster")
    ap.add_argument("--app-url", default=None, help="application-role URL (instead of --db)")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--as-of", default=None, help="the day treated as today (default: latest incident)")
    args = ap.parse_args()

    url, secret = as_leadership(args.db, args.app_url)
    with scoped_connection(url) as conn:
        latest = conn.execute(text("select max(reported_at) from serve.incidents")).scalar()
        n_incidents = conn.execute(text("select count(*) from serve.incidents")).scalar()
        n_buildings = conn.execute(text("select count(*) from serve.buildings")).scalar()
        busy = conn.execute(
            text(
                "select st_x(geom), st_y(geom) from serve.incidents "
                "where reported_at > :t - interval '7 days' group by 1, 2 order by count(*) desc limit 1"
            ),
            {"t": latest},
        ).one()
    as_of = date.fromisoformat(args.as_of) if args.as_of else latest.date()
    print(f"database: {n_incidents:,} incidents, {n_buildings:,} buildings; as of {as_of}")

    # built as the server builds it (create_app), so it runs as it does in `onemap serve`
    uncached = create_app(url, secret, DashboardSettings(as_of=as_of, cache_seconds=0)).onemap
    uncached.bind(LEADER)
    station = stations(url, uncached.scope())[0]["station_code"]
    with scoped_connection(url) as conn:
        zone = conn.execute(text("select zone_code from serve.zones where station_code = :s limit 1"),
                            {"s": station}).scalar()  # fmt: skip
        grid = conn.execute(
            text("select grid_code from serve.incidents where station_code = :s group by 1 "
                 "order by count(*) desc limit 1"), {"s": station}).scalar()  # fmt: skip
    x, y = busy
    view = [[y - 0.006, x - 0.012], [y + 0.006, x + 0.012]]  # about a street-zoom screen (zoom 16)

    cases: dict[str, Callable[[AppContext], Any]] = {
        "map: stations (zoom 11)": lambda c: layers.area_layers(c, 11, None),
        "map: station click (zones, grids)": lambda c: layers.area_layers(c, 13, station),
        "map: points, whole area (zoom 11)": lambda c: layers.point_layers(c, 11, None),
        "map: points, street view (zoom 16)": lambda c: layers.point_layers(c, 16, view),
        "map: choropleth grids, count": lambda c: choropleth.choropleth(
            c, c.period(), "grid", "count", "week", 0, None, None, 11
        ),
        "heat: incidents, the week": lambda c: heat.heat_layer(
            c, c.period(), "incidents", None, "week", 0, None, None
        ),
        "heat: incidents, 4 weeks": lambda c: heat.heat_layer(
            c, c.period(), "incidents", None, "4w", 0, None, None
        ),
        "heat: risks, 4 weeks": lambda c: heat.heat_layer(c, c.period(), "risks", None, "4w", 0, None, None),
        "drill: station page": lambda c: drill.area_page(c, c.period(), "station", station).to_plotly_json(),
        "drill: zone page": lambda c: drill.area_page(c, c.period(), "zone", zone).to_plotly_json(),
        "drill: grid page": lambda c: drill.area_page(c, c.period(), "grid", grid).to_plotly_json(),
        "wall: rotation": lambda c: playlist.rotation(c, 1, c.period()),
    }
    rec = Recorder(url)
    rows = []
    for name, fn in cases.items():
        fn(uncached)  # warm up the pool and the database's own caches
        cold, sql = [], []
        size = 0
        _, out, statements = rec.run(lambda fn=fn: fn(uncached))  # the statements this view issues
        size = payload_bytes(out)
        for i in range(args.repeat):
            # alternate which goes first, so neither gains from the other's warm caches
            if i % 2:
                sql.append(rec.sql_seconds(statements))
            seconds, _, _ = rec.run(lambda fn=fn: fn(uncached))
            cold.append(seconds)
            if not i % 2:
                sql.append(rec.sql_seconds(statements))
        cached = AppContext(url, DashboardSettings(as_of=as_of, cache_seconds=600), derive(secret, "scope"))
        first, _, _ = rec.run(lambda fn=fn, cached=cached: fn(cached))
        warm = [rec.run(lambda fn=fn, cached=cached: fn(cached))[0] for _ in range(args.repeat)]
        row = {
            "callback": name,
            "p50_ms": round(pct(cold, 0.5) * 1000, 1),
            "p95_ms": round(pct(cold, 0.95) * 1000, 1),
            "sql_p50_ms": round(pct(sql, 0.5) * 1000, 1),
            "sql_p95_ms": round(pct(sql, 0.95) * 1000, 1),
            "ratio_p95": round(pct(cold, 0.95) / max(pct(sql, 0.95), 1e-9), 2),
            "bytes": size,
            "warm_over_cold": round(statistics.median(warm) / max(first, 1e-9), 4),
        }
        rows.append(row)
        print(
            f"{name:38s} p50 {row['p50_ms']:8.1f} ms  p95 {row['p95_ms']:8.1f} ms"
            f" | SQL p50 {row['sql_p50_ms']:8.1f} p95 {row['sql_p95_ms']:8.1f}"
            f" | ratio {row['ratio_p95']:5.2f} | {size / 1024:7.1f} KB"
            f" | warm/cold {row['warm_over_cold']:.3f}"
        )
    worst_ratio = max(r["ratio_p95"] for r in rows)
    worst_bytes = max(r["bytes"] for r in rows if r["callback"].startswith(("map", "heat")))
    worst_warm = max(r["warm_over_cold"] for r in rows)
    print(f"callback p95 / SQL p95, worst: {worst_ratio:.2f} (target ≤ 1.5)")
    print(f"bytes of a map view, largest: {worst_bytes / 1024:.0f} KB (target ≤ 1024 KB)")
    print(f"warm / cold, worst: {worst_warm:.4f} (target ≤ 0.2)")
    print(json.dumps({"results": rows}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
