"""Every page for the smallest and the biggest station, cold and warm; the biggest station's PDF.

Cold: the page built with no cache at all (every query runs; the database's own caches warmed by
a first call). Warm: served from the shared cache (dashboard/cache.py) after one call filled it.
Also the statements of the biggest station's page, each run alone with JIT on and off (the
dashboard's connections turn it off, dashboard/db.py). Each figure is printed with the 1-minute
load average beside it (the machine is shared).

Targets (issue 20): every page cold ≤ 1 s for the biggest station, warm ≤ 0.1 s; the biggest
station's PDF ≤ 3 s.

    .venv/bin/python benchmarks/pages.py --db onemap_county [--repeat 5] [--pdf-only]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

# run as a script, this file's folder comes first on the path and its name would hide the package
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import text

import dashboard.db
from benchmarks.support import LEADER, as_leadership, median_seconds, scoped_connection
from common.secret import derive
from dashboard import routes
from dashboard.context import AppContext
from dashboard.db import get_engine
from dashboard.reports import pdf
from dashboard.reports.weekly import build_station
from dashboard.settings import DashboardSettings
from dashboard.warm import station_paths as warmed_paths


def load() -> float:
    return os.getloadavg()[0]


def jit_seconds(c: AppContext, path: str, jit: str) -> float:
    """The statements a page issues, each run alone with ``jit`` on or off: their total seconds."""
    statements: list[tuple[str, Any]] = []
    dashboard.db.statement_hook = lambda s, p: statements.append((s, p))
    try:
        routes.render(c, path)
    finally:
        dashboard.db.statement_hook = None
    t0 = time.perf_counter()
    for statement, params in statements:
        with get_engine(c.url).connect() as conn:
            cur = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
            cur.execute(f"set jit = {'on' if jit == 'on' else 'off'}")
            cur.execute(dashboard.db.SET_SCOPE, (dashboard.db.SCOPE_TOKEN.get(),))
            cur.execute(statement, params)
            cur.fetchall()
            conn.rollback()
    return time.perf_counter() - t0


def station_paths(c: AppContext, station: str) -> dict[str, str]:
    """The pages of a station: itself, the police zone and grid its chief opens first (as the warm
    after a load and the users benchmark take them: :func:`dashboard.warm.station_paths`), and its
    building with the most rental units."""
    with c.acting_as(LEADER):
        own, zone, grid = warmed_paths(c, station, c.period(), zones=1, grids=1)
    with scoped_connection(c.url) as conn:
        building = conn.execute(
            text("select building_code from serve.rental_units where station_code = :s "
                 "group by 1 order by count(*) desc limit 1"), {"s": station}).scalar()  # fmt: skip
    return {"station": own, "zone": zone, "grid": grid, "building": f"/building/{building}"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="onemap_county", help="database of the embedded cluster")
    ap.add_argument("--app-url", default=None, help="application-role URL (instead of --db)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--as-of", default=None, help="the day treated as today (default: latest incident)")
    ap.add_argument("--pdf-only", action="store_true", help="only the biggest station's PDF")
    args = ap.parse_args()

    url, secret = as_leadership(args.db, args.app_url)
    with scoped_connection(url) as conn:
        latest = conn.execute(text("select max(reported_at) from serve.incidents")).scalar()
        sizes = conn.execute(
            text("select station_code, count(*) from serve.grids group by 1 order by 2, 1")
        ).all()
    as_of = date.fromisoformat(args.as_of) if args.as_of else latest.date()
    smallest, biggest = sizes[0], sizes[-1]
    print(f"as of {as_of}; smallest station {smallest[0]} ({smallest[1]} grids), "
          f"biggest {biggest[0]} ({biggest[1]} grids)")  # fmt: skip

    key = derive(secret, "scope")
    cold = AppContext(url, DashboardSettings(as_of=as_of, cache_seconds=0), key)
    if args.pdf_only:
        with cold.acting_as(LEADER):
            biggest_pdf(url, cold, biggest[0], args.repeat)
        return
    with tempfile.TemporaryDirectory(prefix="onemap-bench-cache-") as folder:
        warm = AppContext(url, DashboardSettings(as_of=as_of, cache_seconds=600, cache_dir=Path(folder)), key)
        worst_cold, worst_warm = 0.0, 0.0
        for label, (station, n) in (("smallest", smallest), ("biggest", biggest)):
            paths = {"map": "/", "quality": "/quality", **station_paths(cold, station)}
            for page, path in paths.items():
                with cold.acting_as(LEADER):
                    routes.render(cold, path)  # the database's caches and the pool warmed
                    cold_s = median_seconds(lambda p=path: routes.render(cold, p), args.repeat)
                la_cold = load()
                with warm.acting_as(LEADER):
                    routes.render(warm, path)  # fills the shared cache
                    warm_s = median_seconds(lambda p=path: routes.render(warm, p), args.repeat)
                la_warm = load()
                if label == "biggest":
                    worst_cold, worst_warm = max(worst_cold, cold_s), max(worst_warm, warm_s)
                print(f"{label:8s} {station} ({n:3d} grids) {page:9s} cold {cold_s * 1000:7.0f} ms "
                      f"(load {la_cold:4.1f})  warm {warm_s * 1000:6.1f} ms (load {la_warm:4.1f})  "
                      f"warm/cold {warm_s / max(cold_s, 1e-9):.3f}")  # fmt: skip
    print(f"biggest station, slowest page cold: {worst_cold:.2f} s (target ≤ 1 s), "
          f"warm: {worst_warm:.3f} s (target ≤ 0.1 s); load {load():.1f}")  # fmt: skip

    with cold.acting_as(LEADER):
        path = f"/station/{biggest[0]}"
        on, off = jit_seconds(cold, path, "on"), jit_seconds(cold, path, "off")
        print(f"biggest station page's statements: JIT on {on:.2f} s, off {off:.2f} s "
              f"(off/on {off / max(on, 1e-9):.2f}); load {load():.1f}")  # fmt: skip
        biggest_pdf(url, cold, biggest[0], args.repeat)


def biggest_pdf(url: str, c: AppContext, station: str, repeat: int) -> None:
    """The biggest station's PDF, ``repeat`` times after a first (the typesetter's fonts loaded):
    each run's gathering, typesetting (and its processor time: what the machine's load does not
    change) and the load average; then the median."""
    week = c.period()
    pdf.to_pdf(pdf.station_html(build_station(url, c.scope(), station, week)))
    totals = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        report = build_station(url, c.scope(), station, week)
        gathered = time.perf_counter() - t0
        t1, cpu = time.perf_counter(), time.process_time()
        size = len(pdf.to_pdf(pdf.station_html(report)))
        typeset, cpu = time.perf_counter() - t1, time.process_time() - cpu
        totals.append(gathered + typeset)
        print(f"biggest station's PDF: {gathered + typeset:.2f} s (gathering {gathered:.2f} s, "
              f"typesetting {typeset:.2f} s of which {cpu:.2f} s processor; {size / 1024:.0f} KB); "
              f"load {load():.1f}")  # fmt: skip
    print(f"biggest station's PDF, median of {repeat}: {statistics.median(totals):.2f} s "
          f"(target ≤ 3 s); load {load():.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
