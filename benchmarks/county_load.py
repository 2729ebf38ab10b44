"""The county's whole load, as an operator runs it: time, peak memory, each source's share.

Generates the county demo once (or reuses ``--files``), loads it with ``onemap etl load`` into a
fresh database and prints, with the 1-minute load average sampled every 15 s: the wall time
(target ≤ 5 min on this 2-processor machine), the loader's peak memory, and per source its rows,
seconds and cost per row (``ops.load_batch``), then what came after the sources (alerts, the
analysis, the cache's warming). With ``--baseline`` the largest table, the gate events, is then
copied raw (``COPY`` of the very rows into an empty table of the same shape, indexes and
partitions included) and the ratio of the loader's time for that source to it is printed
(target ≥ 0.8).

    .venv/bin/python benchmarks/county_load.py [--files /tmp/county] [--db onemap_county_load]
        [--baseline] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from psycopg import sql

# run as a script, this file's folder comes first on the path and its name would hide the package
sys.path[0] = str(Path(__file__).resolve().parents[1])

from benchmarks.etl_load import fresh, raw_copy_seconds
from etl.db import connect_raw, libpq_url
from etl.warehouse import Warehouse

ONEMAP = str(Path(sys.executable).with_name("onemap"))


class LoadAverage(threading.Thread):
    """The 1-minute load average sampled every ``every`` seconds until stopped."""

    def __init__(self, every: float = 15.0) -> None:
        super().__init__(daemon=True)
        self.every, self.samples, self.done = every, [os.getloadavg()[0]], threading.Event()

    def run(self) -> None:
        while not self.done.wait(self.every):
            self.samples.append(os.getloadavg()[0])

    def span(self) -> str:
        mean = sum(self.samples) / len(self.samples)
        return f"load {min(self.samples):.1f}–{max(self.samples):.1f}, mean {mean:.1f}"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--files", type=Path, default=Path("/tmp/county"), help="the county demo's files")
    ap.add_argument("--db", default="onemap_county_load", help="scratch database (recreated)")
    ap.add_argument("--baseline", action="store_true", help="also copy the gate events raw")
    ap.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = ap.parse_args()
    manifest = args.files / "manifest.yaml"
    if not manifest.exists():
        t0 = time.perf_counter()
        subprocess.run(
            [ONEMAP, "demo", "generate", "--scale", "county", "--out", str(args.files)], check=True
        )
        print(f"county generated in {time.perf_counter() - t0:.0f} s", flush=True)
    wh = Warehouse()
    wh.up()
    url = fresh(wh, args.db)
    sampler = LoadAverage()
    sampler.start()
    t0 = time.perf_counter()
    report_path = Path(tempfile.mkdtemp(prefix="onemap-county-")) / "report.json"
    done = subprocess.run(
        [ONEMAP, "etl", "load", str(manifest), "--report", str(report_path)],
        env={**os.environ, "DATABASE_URL": libpq_url(url)},
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    sampler.done.set()
    if done.returncode != 0:
        sys.exit(f"the load failed:\n{done.stderr[-3000:]}")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    with connect_raw(url) as conn:
        sources = conn.execute(
            "select source, kind, loaded, extract(epoch from finished_at - started_at) from ops.load_batch "
            "where status = 'loaded' order by batch_id"
        ).fetchall()
    in_sources = sum(float(s) for *_, s in sources)
    print(f"{'source':<14} {'kind':<18} {'rows':>11} {'seconds':>8} {'µs/row':>8}")
    for name, kind, rows, seconds in sorted(sources, key=lambda r: -float(r[3]))[:12]:
        per_row = float(seconds) / rows * 1e6 if rows else 0.0
        print(f"{name:<14} {kind:<18} {rows:>11,} {float(seconds):>8.1f} {per_row:>8.1f}")
    phases = {r["source"]: r.get("seconds", {}) for r in json.loads(report_path.read_text())["sources"]}
    for name, _kind, loaded, _seconds in sources:
        if loaded >= 100_000 and phases.get(name):
            print(f"  {name}: " + ", ".join(f"{k} {v:.0f} s" for k, v in phases[name].items()))
    rows = sum(r for _, _, r, _ in sources)
    warmed = re.search(r"cache warmed: (\d+) pages in ([\d.]+) s", done.stdout)
    warming = float(warmed.group(2)) if warmed else 0.0
    for line in done.stdout.splitlines():
        if "cache not warmed" in line:
            print(line.strip())
    print(
        f"county load: {rows:,} rows in {wall:.0f} s ({wall / 60:.1f} min; target ≤ 300 s): sources "
        f"{in_sources:.0f} s, then alerts and analysis {wall - in_sources - warming:.0f} s, warming "
        f"the cache {warming:.0f} s ({warmed.group(1) if warmed else 0} pages); peak memory "
        f"{peak_mb:.0f} MB ({sampler.span()})",
        flush=True,
    )
    if args.baseline:
        events = next((r for r in sources if r[1] == "access_event"), None)
        raw_s, raw_rows, _cpu = raw_copy_seconds(url, "core.access_events")
        if events:
            whole = float(events[3])
            rollup = phases.get(events[0], {}).get("derive", 0.0)
            print(
                f"gate events: loader {whole:.0f} s ({whole - rollup:.0f} s without the daily rollup, "
                f"as etl_load.py counts it), raw COPY of the same {raw_rows:,} rows {raw_s:.0f} s: "
                f"loader ÷ COPY {raw_s / whole:.2f}, without the rollup {raw_s / (whole - rollup):.2f} "
                f"(load {os.getloadavg()[0]:.1f})"
            )
    if not args.keep:
        with connect_raw(wh.server.url("super", "postgres"), autocommit=True) as conn:
            conn.execute(sql.SQL("drop database {} with (force)").format(sql.Identifier(args.db)))


if __name__ == "__main__":
    main()
