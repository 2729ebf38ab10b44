"""Loader speed against a raw COPY and a naive ``to_postgis`` of the same rows, as rows grow.

For gate-access events and buildings, at 1×, 4× and 16× the rows (each scale generated and loaded
into a fresh database): the loader's cost per row (read, check, convert, attribute, copy, upsert;
the daily rollup of events apart), and in the same run, of the very rows it loaded, a raw ``COPY``
into an empty copy of the same table (same indexes, partitions and foreign keys) and a naive
``GeoDataFrame.to_postgis`` (``DataFrame.to_sql`` for the events, which have no geometry) into
another. Prints the ratios (loader ÷ COPY: target ≥ 0.8; loader ÷ to_postgis: above 1 means
the loader is faster) and the 1-minute load average beside each figure: the machine is shared.
Beside each wall time, processor time (user + system, from /proc: the cluster must run on this
machine, else it prints nan): the loader's own (every thread of this process) and its server
processes', and the server's for the raw COPY, which stay comparable when the machine's load moves
the wall times (parallel workers of the server are not counted).
Then, unless skipped, the loader's peak memory for N and 2N days of events (flat is ~1).

    .venv/bin/python benchmarks/etl_load.py [--events 25000] [--buildings 2500] [--scales 1,4,16]
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import geopandas
import pandas as pd
import psycopg
import sqlalchemy

import etl.load
from etl.db import connect_raw, make_url, normalise_url
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
cpu_seconds: dict[str, tuple[float, float]] = {}  # kind: (this process, its server processes)
_TICK = os.sysconf("SC_CLK_TCK")


def server_cpu(pid: int) -> float:
    """Processor time (user + system) a server process has used so far; nan if not on this machine."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / _TICK


def own_cpu() -> float:
    """Processor time of this process, every thread."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


class _ServerTime:
    """The loader's connections, each one's server processor time added up as it closes; the
    processor time of the derived tables' phase (the daily rollup) kept apart, as its wall time is."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.derive = (0.0, 0.0)  # (this process, server) in the "derive" phase
        self.open: set[int] = set()
        self.connect = etl.load.connect_raw
        self.clock = etl.load.clock

    @contextlib.contextmanager
    def phase(self, report: etl.load.SourceReport, name: str) -> Iterator[None]:
        """``etl.load.clock``, and for the derive phase the processor time it took."""
        if name != "derive":  # the other phases run in two threads at once: only wall time
            with self.clock(report, name):
                yield
            return
        c0, s0 = own_cpu(), sum(map(server_cpu, self.open))
        with self.clock(report, name):
            yield
        own, srv = own_cpu() - c0, sum(map(server_cpu, self.open)) - s0
        self.derive = (self.derive[0] + own, self.derive[1] + srv)

    def __call__(self, url: str, autocommit: bool = False) -> psycopg.Connection:
        conn = self.connect(url, autocommit)
        pid, close = conn.info.backend_pid, conn.close
        self.open.add(pid)

        def counted_close() -> None:
            self.seconds += server_cpu(pid)
            self.open.discard(pid)
            close()

        conn.close = counted_close  # type: ignore[method-assign]
        return conn


def load_until(url: str, manifest_path: Path, stop_before: set[str]) -> dict[str, tuple[float, int]]:
    """Load sources in order; return {kind: (seconds, rows loaded)} for each."""
    manifest = read_manifest(manifest_path)
    loader = Loader(url, manifest)
    from etl.contract import load_order

    order = {k: i for i, k in enumerate(load_order())}
    timings = {}
    server = _ServerTime()
    etl.load.connect_raw = server  # type: ignore[assignment]
    etl.load.clock = server.phase  # type: ignore[assignment]
    try:
        for source in sorted(manifest.sources, key=lambda s: order[s.kind]):
            if source.kind in stop_before:
                continue
            t0, c0, s0 = time.perf_counter(), own_cpu(), server.seconds
            server.derive = (0.0, 0.0)
            report = loader.load_source(source)
            timings[source.kind] = (time.perf_counter() - t0, report.loaded)
            own, srv = own_cpu() - c0 - server.derive[0], server.seconds - s0 - server.derive[1]
            cpu_seconds[source.kind] = (own, srv)  # the derive phase's left out, as its wall time
            _report(source.kind, report)
    finally:
        etl.load.connect_raw, etl.load.clock = server.connect, server.clock  # type: ignore[assignment]
    return timings


def _report(kind: str, report: etl.load.SourceReport) -> None:
    """Keep a source's phases; print them for the big ones."""
    reports_seconds[kind] = report.seconds
    assert report.status == "loaded", report
    if report.seconds and report.loaded > 20_000:
        phases = ", ".join(f"{k} {v:.1f}s" for k, v in report.seconds.items())
        print(f"  {kind}: {report.loaded:,} rows; {phases}")


def raw_copy_seconds(url: str, table: str) -> tuple[float, int, float]:
    """COPY the rows of ``table`` into an empty table of the same shape; time only the COPY in
    (wall, rows, the server's processor time)."""
    with connect_raw(url) as conn:
        buf = io.BytesIO()
        with conn.cursor() as cur, cur.copy(f"copy (select * from {table}) to stdout") as copy:
            for block in copy:
                buf.write(block)
        _table_like(conn, table, "public.bench_raw")
        conn.commit()
        data = buf.getvalue()
        pid = conn.info.backend_pid
        t0, c0 = time.perf_counter(), server_cpu(pid)
        with conn.cursor() as cur, cur.copy("copy public.bench_raw from stdin") as copy:
            copy.write(data)
        conn.commit()
        seconds, cpu = time.perf_counter() - t0, server_cpu(pid) - c0
        rows = conn.execute("select count(*) from public.bench_raw").fetchone()[0]  # type: ignore[index]
        conn.execute("drop table public.bench_raw cascade")
        conn.commit()
    return seconds, rows, cpu


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


def _table_like(conn: psycopg.Connection, table: str, copy: str) -> None:
    """An empty table ``copy`` shaped like ``table``: columns, indexes, partitions, foreign keys."""
    partitioned = conn.execute(
        "select relkind = 'p' from pg_class where oid = %s::regclass", (table,)
    ).fetchone()
    if partitioned and partitioned[0]:
        conn.execute(f"create table {copy} (like {table} including all) partition by range (event_time)")
        for i, (bound,) in enumerate(
            conn.execute(
                "select pg_get_expr(c.relpartbound, c.oid) from pg_inherits i "
                "join pg_class c on c.oid = i.inhrelid where i.inhparent = %s::regclass",
                (table,),
            ).fetchall()
        ):
            conn.execute(f"create table {copy}_{i} partition of {copy} {bound}")
    else:
        conn.execute(f"create table {copy} (like {table} including all)")
    # LIKE copies no foreign keys; the real table checks them on every row, so must the baselines
    for (definition,) in conn.execute(
        "select pg_get_constraintdef(oid) from pg_constraint where conrelid = %s::regclass and contype = 'f'",
        (table,),
    ).fetchall():
        conn.execute(f"alter table {copy} add {definition}")


def naive_seconds(url: str, table: str) -> tuple[float, int]:
    """The rows of ``table`` read into a (Geo)DataFrame, then written by ``to_postgis`` (``to_sql``
    without geometry) into an empty table of the same shape; only the writing is timed."""
    engine = sqlalchemy.create_engine(make_url(normalise_url(url)))
    with connect_raw(url) as conn:
        _table_like(conn, table, "public.bench_naive")
        has_geom = conn.execute(
            "select 1 from information_schema.columns where table_schema || '.' || table_name = %s "
            "and column_name = 'geom'",
            (table,),
        ).fetchone()
        conn.commit()
    try:
        with engine.connect() as sa:
            frame = (
                geopandas.read_postgis(f"select * from {table}", sa, geom_col="geom")
                if has_geom
                else pd.read_sql(f"select * from {table}", sa)
            )
        t0 = time.perf_counter()
        with engine.begin() as sa:
            if has_geom:
                frame.to_postgis("bench_naive", sa, schema="public", if_exists="append", index=False)
            else:
                frame.to_sql("bench_naive", sa, schema="public", if_exists="append", index=False)
        seconds = time.perf_counter() - t0
    finally:
        with connect_raw(url) as conn:
            conn.execute("drop table if exists public.bench_naive cascade")
            conn.commit()
        engine.dispose()
    return seconds, len(frame)


def load1() -> str:
    """The machine's 1-minute load average, as printed beside each figure."""
    return f"load {os.getloadavg()[0]:4.1f}"


def one_scale(wh: Warehouse, args: argparse.Namespace, k: int, tmp: Path, naive: bool) -> dict[str, dict]:
    """Generate ``k`` × the base rows, load them into a fresh database, and measure against the
    baselines; returns per kind the figures printed."""
    scale = dataclasses.replace(
        SCALES["small"],
        name=f"benchmark slice {k}x",
        access_events=args.events * k,
        buildings=args.buildings * k,
        persons=int(args.buildings * k * 25 / 6),
        size_km=20,
    )
    t0 = time.perf_counter()
    manifest = generate(scale, 1, tmp / f"slice_{k}", UNTIL)
    print(f"{k:2d}x: generated in {time.perf_counter() - t0:.0f} s", flush=True)
    url = fresh(wh, args.db)
    timings = load_until(url, manifest, stop_before=set())
    out: dict[str, dict] = {}
    for kind, table in (("access_event", "core.access_events"), ("building", "core.buildings")):
        seconds, rows = timings[kind]
        derive = reports_seconds.get(kind, {}).get("derive", 0.0)
        load_s = seconds - derive  # derived tables (the daily rollup) are reported apart, not hidden
        loader_us = load_s / rows * 1e6
        at_load = load1()
        raw_s, raw_rows, raw_cpu = raw_copy_seconds(url, table)
        raw_us = raw_s / raw_rows * 1e6
        at_raw = load1()
        own, srv = (c / rows * 1e6 for c in cpu_seconds[kind])
        raw_cpu_us = raw_cpu / raw_rows * 1e6
        row = {
            "rows": rows,
            "loader_us_per_row": round(loader_us, 2),
            "derive_us_per_row": round(derive / rows * 1e6, 2),
            "raw_copy_us_per_row": round(raw_us, 2),
            "loader_over_copy": round(raw_us / loader_us, 3),
            "loader_cpu_us_per_row": round(own, 2),
            "loader_server_cpu_us_per_row": round(srv, 2),
            "raw_copy_server_cpu_us_per_row": round(raw_cpu_us, 2),
        }
        line = (
            f"{k:2d}x {kind:12s} {rows:9,} rows  loader {loader_us:6.1f} µs/row ({at_load})"
            f" + rollup {derive / rows * 1e6:5.1f} µs/row   raw COPY {raw_us:6.1f} µs/row ({at_raw})"
            f"   loader÷COPY {raw_us / loader_us:4.2f}"
        )
        cpu_line = (
            f"    processor µs/row: loader {own:5.1f} + its server {srv:5.1f};"
            f" raw COPY's server {raw_cpu_us:5.1f}"
        )
        if naive:
            naive_s, naive_rows = naive_seconds(url, table)
            naive_us = naive_s / naive_rows * 1e6
            row |= {
                "naive_us_per_row": round(naive_us, 2),
                "loader_over_naive": round(naive_us / loader_us, 2),
            }
            line += (
                f"   to_postgis {naive_us:6.1f} µs/row ({load1()})"
                f"   loader÷to_postgis {naive_us / loader_us:4.2f}"
            )
        print(line, cpu_line, sep="\n", flush=True)
        out[kind] = row
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--events", type=int, default=25_000, help="gate-access events over 28 days at 1x")
    ap.add_argument("--buildings", type=int, default=2_500, help="buildings at 1x")
    ap.add_argument("--scales", default="1,4,16", help="multiples of the rows, comma-separated")
    ap.add_argument("--naive-up-to", type=int, default=4, help="largest multiple timed with to_postgis")
    ap.add_argument("--db", default="onemap_bench", help="scratch database (recreated): one per checkout")
    ap.add_argument("--skip-memory", action="store_true", help="only the speed figures")
    args = ap.parse_args()
    wh = Warehouse()
    wh.up()
    results: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="onemap-bench-") as tmp:
        scales = [int(x) for x in args.scales.split(",")]
        for k in scales:
            results[k] = one_scale(wh, args, k, Path(tmp), naive=k <= args.naive_up_to)
        for kind in ("access_event", "building"):
            costs = [results[k][kind]["loader_us_per_row"] for k in scales]
            print(
                f"{kind}: loader µs/row at {', '.join(f'{k}x' for k in scales)}: "
                f"{', '.join(f'{c:.1f}' for c in costs)}; largest ÷ smallest {costs[-1] / costs[0]:.2f} "
                f"(flat is ~1; {load1()})"
            )
        mem: dict[int, float] = {}
        manifest = Path(tmp) / f"slice_{scales[-1]}" / "manifest.yaml"
        for days in () if args.skip_memory else (7, 14, 28):
            mem_url = fresh(wh, f"{args.db}_mem")
            load_until(mem_url, manifest, stop_before={"access_event"})
            mem[days] = peak_memory_mb(mem_url, manifest, days)
            print(f"peak memory loading {days:2d} days of events: {mem[days]:.0f} MB ({load1()})")
        if mem:
            print(f"memory ratio 28 days / 7 days: {mem[28] / mem[7]:.2f} (flat is ~1)")
        print(json.dumps({"results": results, "peak_mb": mem}, indent=1))


if __name__ == "__main__":
    main()
