"""Loader speed against a raw COPY of the same rows into the same table, and memory as rows grow.

Prints, for gate-access events and buildings: the loader's rows/s (read, validate, convert,
attribute, upsert), a raw ``COPY`` of the very rows it loaded into an empty copy of the same table
(same indexes) in the same run, and the ratio. Target: ratio ≥ 0.5. Then the loader's peak memory
for N and 2N days of events, whose ratio should stay near 1 (streamed in chunks).

    .venv/bin/python benchmarks/etl_load.py [--events 2000000] [--buildings 100000]
"""

from __future__ import annotations

import argparse
import dataclasses
import io
import json
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

from etl.db import connect_raw
from etl.demo.generate import generate
from etl.demo.scales import SCALES
from etl.load import Loader
from etl.manifest import read_manifest
from etl.migrate import migrate
from etl.warehouse import Warehouse

UNTIL = date(2026, 11, 22)


def fresh(wh: Warehouse, name: str) -> str:
    """An empty migrated database."""
    url = wh.recreate_database(name)
    migrate(url, wh.app_role())
    return url


reports_seconds: dict[str, dict[str, float]] = {}


def load_until(url: str, manifest_path: Path, stop_before: set[str]) -> dict[str, tuple[float, int]]:
    """Load sources in order; return {kind: (seconds, rows loaded)} for each."""
    manifest = read_manifest(manifest_path)
    loader = Loader(url, manifest)
    from etl.contract import load_order

    order = {k: i for i, k in enumerate(load_order())}
    timings = {}
    for source in sorted(manifest.sources, key=lambda s: order[s.kind]):
        if source.kind in stop_before:
            continue
        t0 = time.perf_counter()
        report = loader.load_source(source)
        timings[source.kind] = (time.perf_counter() - t0, report.loaded)
        reports_seconds[source.kind] = report.seconds
        assert report.status == "loaded", report
        if report.seconds and report.loaded > 50_000:
            phases = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
            print(f"  {source.kind}: {report.loaded:,} rows; {phases}")
    return timings


def raw_copy_seconds(url: str, table: str) -> tuple[float, int]:
    """COPY the rows of ``table`` into an empty copy of it with the same indexes; time only the COPY in."""
    with connect_raw(url) as conn:
        buf = io.BytesIO()
        with conn.cursor() as cur, cur.copy(f"copy (select * from {table}) to stdout") as copy:
            for block in copy:
                buf.write(block)
        partitioned = conn.execute(
            "select relkind = 'p' from pg_class where oid = %s::regclass", (table,)
        ).fetchone()
        if partitioned and partitioned[0]:
            # the same table: partitioned by month like the target, with the same indexes
            conn.execute(
                f"create table public.bench_raw (like {table} including all) partition by range (event_time)"
            )
            for (bound,) in conn.execute(
                "select pg_get_expr(c.relpartbound, c.oid) from pg_inherits i "
                "join pg_class c on c.oid = i.inhrelid where i.inhparent = %s::regclass",
                (table,),
            ).fetchall():
                conn.execute(
                    f"create table public.bench_raw_{abs(hash(bound))} partition of public.bench_raw {bound}"
                )
        else:
            conn.execute(f"create table public.bench_raw (like {table} including all)")
        # LIKE copies no foreign keys; the real table checks them on every row, so must the baseline
        for (definition,) in conn.execute(
            "select pg_get_constraintdef(oid) from pg_constraint "
            "where conrelid = %s::regclass and contype = 'f'",
            (table,),
        ).fetchall():
            conn.execute(f"alter table public.bench_raw add {definition}")
        conn.commit()
        data = buf.getvalue()
        t0 = time.perf_counter()
        with conn.cursor() as cur, cur.copy("copy public.bench_raw from stdin") as copy:
            copy.write(data)
        conn.commit()
        seconds = time.perf_counter() - t0
        rows = conn.execute("select count(*) from public.bench_raw").fetchone()[0]  # type: ignore[index]
        conn.execute("drop table public.bench_raw cascade")
        conn.commit()
    return seconds, rows


def peak_memory_mb(url: str, manifest: Path, days: int) -> float:
    """Peak RSS of a child process that loads only the first ``days`` daily event files."""
    subset = manifest.parent / "access" / f"first_{days}_days"
    subset.mkdir(exist_ok=True)
    for f in sorted((manifest.parent / "access" / "events").glob("*.csv"))[:days]:
        (subset / f.name).symlink_to(f)
    code = f"""
import resource
from pathlib import Path
from etl.load import Loader
from etl.manifest import read_manifest
m = read_manifest(Path({str(manifest)!r}))
src = next(s for s in m.sources if s.kind == 'access_event')
src = src.model_copy(update={{"path": "access/first_{days}_days/*.csv"}})
r = Loader({url!r}, m).load_source(src)
assert r.status == 'loaded', r
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, r.loaded)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    mb, _rows = out.stdout.split()
    return float(mb)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=2_000_000, help="gate-access events over 28 days")
    ap.add_argument("--buildings", type=int, default=100_000)
    ap.add_argument("--skip-memory", action="store_true", help="only the speed ratios")
    args = ap.parse_args()
    wh = Warehouse()
    wh.up()
    scale = dataclasses.replace(
        SCALES["small"],
        name="benchmark slice",
        access_events=args.events,
        buildings=args.buildings,
        persons=int(args.buildings * 25 / 6),
        size_km=20,
    )
    with tempfile.TemporaryDirectory(prefix="onemap-bench-") as tmp:
        out = Path(tmp) / "slice"
        t0 = time.perf_counter()
        manifest = generate(scale, 1, out, UNTIL)
        print(f"generated the slice in {time.perf_counter() - t0:.0f} s: {out}")
        url = fresh(wh, "onemap_bench")
        timings = load_until(url, manifest, stop_before=set())
        results = {}
        for kind, table in (("access_event", "core.access_events"), ("building", "core.buildings")):
            seconds, rows = timings[kind]
            raw_s, raw_rows = raw_copy_seconds(url, table)
            derive = reports_seconds.get(kind, {}).get("derive", 0.0)
            seconds -= derive  # derived tables (the daily rollup) are reported apart, not hidden
            if derive:
                print(f"  {kind}: derived tables refreshed in {derive:.1f} s (not in the rate below)")
            loader_rate, raw_rate = rows / seconds, raw_rows / raw_s
            results[kind] = {
                "rows": rows,
                "loader_rows_per_s": round(loader_rate),
                "raw_copy_rows_per_s": round(raw_rate),
                "ratio": round(loader_rate / raw_rate, 3),
            }
            print(
                f"{kind:13s} loader {loader_rate:10,.0f} rows/s   raw COPY {raw_rate:10,.0f} rows/s   "
                f"ratio {loader_rate / raw_rate:.2f}  ({rows:,} rows)"
            )
        mem: dict[int, float] = {}
        for days in () if args.skip_memory else (7, 14, 28):
            mem_url = fresh(wh, "onemap_bench_mem")
            load_until(mem_url, manifest, stop_before={"access_event"})
            mem[days] = peak_memory_mb(mem_url, manifest, days)
            print(f"peak memory loading {days:2d} days of events: {mem[days]:.0f} MB")
        if mem:
            print(f"memory ratio 28 days / 7 days: {mem[28] / mem[7]:.2f} (flat is ~1)")
        print(json.dumps({"results": results, "peak_mb": mem}, indent=1))


if __name__ == "__main__":
    main()
