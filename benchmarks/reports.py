"""Weekly reports at county scale: the stations rendered in parallel against one after the other,
and XLSX memory.

1. Renders each station alone (PDF + XLSX), one after the other, then the whole batch (every
   station and the summary) as `onemap report weekly` does, in the same run: in
   ``dashboard.reports.run.default_workers()`` processes (or ``--workers``); within a process the
   next station is gathered while one is typeset. Prints the batch's time beside the stations'
   one after the other (the speed-up) and the batch's time per station over the mean single
   station's (target ≤ 1.2), each with the 1-minute load average.
2. Writes XLSX sheets of 10k, 100k and 400k rows in child processes and prints their peak memory
   (constant-memory writing: the ratio largest / smallest should stay near 1).

    .venv/bin/python benchmarks/reports.py --db onemap_county [--week 2026-W47] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# run as a script, this file's folder comes first on the path; the package must win
sys.path[0] = str(Path(__file__).resolve().parents[1])

from sqlalchemy import text

from benchmarks.support import as_leadership, scoped_connection
from dashboard.periods import Period, Week, default_period
from dashboard.reports.run import default_workers, station_files, weekly
from dashboard.scope import Scope
from dashboard.settings import DashboardSettings

CHILD = """
import resource, sys
from pathlib import Path
from dashboard.reports.sheets import Book
from dashboard.reports.xlsx import AREA_COLUMNS
n = int(sys.argv[1])
ints = [k for k, _, kind in AREA_COLUMNS if kind == "int"]
rows = ({"code": f"{i:015d}", "name": f"第{i}网格", **{k: i % 97 for k in ints}} for i in range(n))
book = Book(Path(sys.argv[2]))
book.sheet("分网格", AREA_COLUMNS, rows)
book.close()
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="onemap_county")
    ap.add_argument("--app-url", default=None)
    ap.add_argument("--week", default=None, help="default: the last full week of the data")
    ap.add_argument(
        "--workers", type=int, default=None, help="batch processes (default: one per two processors)"
    )
    ap.add_argument("--no-memory", action="store_true", help="skip the XLSX memory part")
    args = ap.parse_args()
    url, _ = as_leadership(args.db, args.app_url)
    with scoped_connection(url) as conn:
        latest = conn.execute(text("select max(reported_at) from serve.incidents")).scalar()
        stations = conn.execute(text("select count(*) from serve.stations")).scalar()
    week = Period(Week.parse(args.week)) if args.week else default_period(latest)
    scope = Scope.everything()
    weights = DashboardSettings().score_weights()
    print(f"{stations} stations, week {week.label()}")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        with scoped_connection(url) as conn:
            codes = list(conn.execute(text("select station_code from serve.stations order by 1")).scalars())
        station_files(url, scope, codes[0], week, out / "warm")  # warm the pool and the database
        # stations differ in size (24 to 567 grids at county scale, and the PDF grows with them):
        # "single" is each station rendered alone, on its own, averaged over every station
        singles = []
        for code in codes:
            t0 = time.perf_counter()
            station_files(url, scope, code, week, out / "single")
            singles.append(time.perf_counter() - t0)
        single, serial, la_serial = sum(singles) / len(singles), sum(singles), os.getloadavg()[0]
        workers = min(args.workers or default_workers(), len(codes))
        t0 = time.perf_counter()
        files = weekly(url, scope, week, out / "batch", weights, workers=workers)
        batch, la_batch = time.perf_counter() - t0, os.getloadavg()[0]
        per_station = batch / stations
        print(
            f"{stations} stations one after the other: {serial:.1f} s (load {la_serial:.1f}); "
            f"as a batch ({workers} processes, with the summary): {batch:.1f} s (load {la_batch:.1f}); "
            f"speed-up {serial / batch:.2f}"
        )
        print(
            f"single station: {single:.2f} s (mean over the stations, each alone); batch "
            f"{per_station:.2f} s per station; ratio {per_station / single:.2f} (target ≤ 1.2)"
        )
        mem: dict[int, float] = {}
        for n in () if args.no_memory else (10_000, 100_000, 400_000):
            res = subprocess.run(
                [sys.executable, "-c", CHILD, str(n), str(out / f"m{n}.xlsx")],
                capture_output=True,
                text=True,
                check=True,
                cwd=sys.path[0],
            )
            mem[n] = float(res.stdout.split()[-1])
            print(f"XLSX of {n:>7,} rows: peak {mem[n]:.0f} MB")
        if mem:
            print(f"memory 400k / 10k rows: {mem[400_000] / mem[10_000]:.2f} (flat is ~1)")
        print(
            json.dumps(
                {
                    "single_s": single,
                    "serial_s": serial,
                    "batch_s": batch,
                    "workers": workers,
                    "stations": stations,
                    "files": len(files),
                    "ratio": per_station / single,
                    "speed_up": serial / batch,
                    "xlsx_peak_mb": mem,
                },
                indent=1,
            )
        )


if __name__ == "__main__":
    main()
