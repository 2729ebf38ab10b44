"""1, 10 and 50 signed-in users at once against the served dashboard: p50/p95/p99 and errors.

The app is served as `onemap serve` serves it (gunicorn, 2 workers × 4 threads) on the given
database, with a fresh shared cache for each round (``--warm``: warmed first, as after a load);
every user signs in through the login form (leaders and station chiefs), then all of them at once
replay what a browser posts: the page callback for the map, their station's page, its first
police zone and the grid at the top of its ranking for the period (:func:`opened`, from
``dashboard.warm.station_paths``: pages the warm computes). Each round's figures are printed with
the 1-minute load average beside them, and each page's p50 and p95 (which callback makes the tail).

Targets (issue 20): with 50 users p95 ≤ 1 s, p99 ≤ 1.5 s, 0 errors. ``--after`` waits between the
warm and the users, so the round shows the cache later in the day (the served app takes
``ONEMAP_CACHE_SECONDS`` and the other settings from the environment).

``--verdicts N`` gives, while the users replay, up to N verdicts (one after every
``--verdict-every`` calls of the users, default 12: 50 in a round of 600 calls, whatever its
length), each by a chief of the next station in turn on one of its open alerts, as the alert form
does (``ops.alert_verdict`` in that chief's signed scope): a working day's verdicts, which end the
cached pages that show them. They are removed after the round.

    .venv/bin/python benchmarks/users.py --db onemap_county [--users 1 10 50] [--rounds 3] [--warm]
        [--after SECONDS] [--verdicts N] [--verdict-every CALLS]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from typing import Any

# run as a script, this file's folder comes first on the path and its name would hide the package
# (imported, by the test holding the warm to the pages replayed here, the path is left alone)
if __name__ == "__main__":
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import requests
from sqlalchemy import text

from benchmarks.support import as_leadership, scoped_connection
from common.secret import derive
from dashboard import compress
from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.queries import verdicts
from dashboard.settings import DashboardSettings
from dashboard.warm import WARMER, station_paths, warm
from etl.db import libpq_url
from etl.users import add_user, list_users, set_password
from etl.warehouse import Warehouse

PREFIX = "bench-user-"
JUDGE = "bench-judge"  # who gives the round's verdicts (their rows are removed after it)


def opened(app_url: str, secret: bytes, as_of: date, stations: list[str]) -> dict[str, list[str]]:
    """Station → the pages a user of it opens after the map: the station's page, its first police
    zone and its first grid as the warm orders them (:func:`dashboard.warm.station_paths`, for the
    default period on ``as_of``: the one the served dashboard shows)."""
    settings = DashboardSettings(as_of=as_of, cache_seconds=0)
    c = AppContext(app_url, settings, derive(secret, "scope"))
    with c.acting_as(WARMER):
        return {code: station_paths(c, code, c.period(), zones=1, grids=1) for code in stations}


def gzip_ms(body: bytes, repeat: int = 5) -> float:
    """The median processor milliseconds of gzipping ``body`` as dashboard/compress.py does."""
    times = []
    for _ in range(repeat):
        t0 = time.process_time()
        gzip.compress(body, compresslevel=compress.LEVEL, mtime=0)
        times.append(time.process_time() - t0)
    return sorted(times)[repeat // 2] * 1000


def tree_cpu(pid: int) -> float:
    """Processor seconds so far of a process and its living descendants (the served workers)."""
    total, todo = 0.0, [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def accounts(owner: str, stations: list[str], n: int, password: str) -> list[tuple[str, str | None]]:
    """``n`` users (every fifth a leader, the others chiefs of the stations in turn), made or reset."""
    existing = {u.username for u in list_users(owner)}
    made = []
    for i in range(n):
        station = None if i % 5 == 0 else stations[i % len(stations)]
        name = f"{PREFIX}{i:02d}-{'leader' if station is None else station.lower()}"
        if name in existing:
            set_password(owner, name, password)
        else:
            role = "leadership" if station is None else "station_chief"
            add_user(owner, name, role, password, stations=[station] if station else None)
        made.append((name, station))
    return made


def sign_in(base: str, username: str, password: str) -> requests.Session:
    s = requests.Session()
    page = s.get(f"{base}/login", timeout=30)
    token = re.search(r'name="csrf" value="([^"]*)"', page.text)
    r = s.post(
        f"{base}/login",
        data={
            "username": username,
            "password": password,
            "next": "/",
            "csrf": token.group(1) if token else "",
        },
        timeout=30,
        allow_redirects=False,
    )
    if r.status_code not in (302, 303):
        raise RuntimeError(f"{username} could not sign in: {r.status_code}")
    return s


def page_call(path: str) -> dict[str, Any]:
    """What the browser posts when the URL changes: the router's callback (dashboard/app.py)."""
    return {
        "output": "page.children",
        "outputs": {"id": "page", "property": "children"},
        "inputs": [
            {"id": "url", "property": "pathname", "value": path},
            {"id": "url", "property": "search", "value": ""},
        ],
        "changedPropIds": ["url.pathname"],
        "state": [],
    }


class Round:
    """One round of users: each replays their pages ``rounds`` times once ``start`` is set."""

    def __init__(self, base: str, rounds: int, pages: dict[str, list[str]]) -> None:
        self.base, self.rounds, self.pages = base, rounds, pages
        self.seconds: list[float] = []
        self.by_page: dict[str, list[float]] = {}  # which page's callback dominates the tail
        self.errors: list[str] = []
        self.biggest = (0, 0, "")  # the largest answer: bytes sent, bytes of JSON, its page
        self.biggest_body = b""
        self.lock = threading.Lock()
        self.start = threading.Event()

    def replay(self, session: requests.Session, station: str) -> None:
        paths = ["/", *self.pages[station]]
        self.start.wait()
        for _ in range(self.rounds):
            for path in paths:
                t0 = time.perf_counter()
                try:
                    r = session.post(f"{self.base}/_dash-update-component", json=page_call(path), timeout=60)
                    ok, what = r.status_code == 200 and "page" in r.text[:200], f"{path}: {r.status_code}"
                    body = r.content
                    size = (int(r.headers.get("Content-Length") or len(body)), len(body), path)
                except requests.RequestException as exc:
                    ok, body, size = False, b"", (0, 0, path)
                    what = f"{path}: {type(exc).__name__} {str(exc)[:160]}"
                with self.lock:
                    if ok and size > self.biggest:
                        self.biggest, self.biggest_body = size, body
                    self.seconds.append(time.perf_counter() - t0)
                    self.by_page.setdefault(path.split("/")[1] or "map", []).append(self.seconds[-1])
                    if not ok:
                        self.errors.append(what)


class Verdicts(threading.Thread):
    """Verdicts given while ``round_`` runs: ``alerts`` (kind, subject, station) in turn, one after
    every ``every`` calls of its users, until ``stop`` is set."""

    def __init__(self, c: AppContext, alerts: list[tuple[str, str, str]], every: int, round_: Round) -> None:
        super().__init__(daemon=True)
        self.c, self.alerts, self.every, self.round = c, alerts, every, round_
        self.stop = threading.Event()
        self.given: list[str] = []

    def run(self) -> None:
        self.round.start.wait()
        for n, (kind, subject, station) in enumerate(self.alerts, 1):
            while len(self.round.seconds) < n * self.every:
                if self.stop.wait(0.02):
                    return
            with self.c.acting_as(User(JUDGE, "", "station_chief", frozenset({station}), frozenset())):
                self.given.append(verdicts.judge(self.c.url, kind, subject, "checking", "基准测试核查"))


def open_alerts(app_url: str, n: int) -> list[tuple[str, str, str]]:
    """``n`` open alerts, the stations in turn (each station's highest scored first)."""
    with scoped_connection(app_url) as conn:
        found = conn.execute(
            text(
                "select alert_kind, subject_code, station_code from (select a.*, row_number() over "
                "(partition by station_code order by score desc nulls last, alert_id) as k "
                "from serve.alerts as a where state = 'open' and station_code is not null) as a "
                "order by k, station_code limit :n"
            ),
            {"n": n},
        ).all()
    return [(r[0], r[1], r[2]) for r in found]


def unjudge(owner: str) -> None:
    """Remove the verdicts the benchmark gave (the counts of ops.judged_counts only grow)."""
    import psycopg

    with psycopg.connect(libpq_url(owner)) as conn:
        conn.execute("delete from ops.alert_verdicts where decided_by = %s", (JUDGE,))
        conn.execute("delete from ops.alert_verdict_log where decided_by = %s", (JUDGE,))


def serve(app_url: str, as_of: date, cache_dir: str, port: int) -> subprocess.Popen[bytes]:
    env = {**os.environ, "ONEMAP_AS_OF": as_of.isoformat(), "ONEMAP_CACHE_DIR": cache_dir,
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}  # fmt: skip
    code = (
        "import sys; from common.secret import load_secret; from dashboard.server import run; "
        f"run({app_url!r}, load_secret(), port={port}, workers=2)"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], env=env, stdout=subprocess.DEVNULL)
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code == 200:
                return proc
        except requests.RequestException:
            time.sleep(0.5)
    proc.terminate()
    raise RuntimeError("the dashboard did not start")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", default="onemap_county", help="database of the embedded cluster")
    ap.add_argument("--users", type=int, nargs="+", default=[1, 10, 50])
    ap.add_argument("--rounds", type=int, default=3, help="times each user replays their pages")
    ap.add_argument(
        "--warm", action="store_true", help="warm the cache first, as a load does (default: from empty)"
    )
    ap.add_argument(
        "--after",
        type=float,
        default=0,
        help="seconds to wait after the warm before the users come (past ONEMAP_CACHE_SECONDS, say: "
        "the users of the day, not of the minutes after a load)",
    )
    ap.add_argument("--verdicts", type=int, default=0, help="verdicts given during each round")
    ap.add_argument("--verdict-every", type=int, default=12, help="users' calls between two verdicts")
    args = ap.parse_args()

    app_url, secret = as_leadership(args.db, None)
    owner = Warehouse().server.url("owner", database=args.db)
    with scoped_connection(app_url) as conn:
        latest = conn.execute(text("select max(reported_at) from serve.incidents")).scalar()
        stations = list(conn.execute(text("select station_code from serve.stations order by 1")).scalars())
    opens = opened(app_url, secret, latest.date(), stations)
    password = secrets.token_urlsafe(18)
    users = accounts(owner, stations, max(args.users), password)

    for n in args.users:
        port = free_port()
        with tempfile.TemporaryDirectory(prefix="onemap-bench-cache-") as cache_dir:
            proc = serve(app_url, latest.date(), cache_dir, port)
            try:
                if args.warm:  # what `onemap etl load` does after a load, into the served cache
                    settings = DashboardSettings(cache_dir=Path(cache_dir), as_of=latest.date())
                    pages, seconds = warm(app_url, secret, settings)
                    print(f"      warmed {pages} pages in {seconds:.1f} s (load {os.getloadavg()[0]:.1f})")
                if args.after:
                    print(f"      waiting {args.after:.0f} s")
                    time.sleep(args.after)
                base = f"http://127.0.0.1:{port}"
                t_in = time.perf_counter()
                sessions = [(sign_in(base, u, password), st or stations[0]) for u, st in users[:n]]
                # the first signed in waited for the others longer than the server keeps an idle
                # connection (keepalive, dashboard/server.py): the round's first call went out on a
                # connection being closed and was reset (a browser asks again; requests does not)
                for session, _ in sessions:
                    session.close()  # its cookies stay; its next call opens a new connection
                print(f"      {n} signed in in {time.perf_counter() - t_in:.1f} s")
                round_ = Round(base, args.rounds, opens)
                threads = [threading.Thread(target=round_.replay, args=s) for s in sessions]
                for t in threads:
                    t.start()
                judging = None
                if args.verdicts:
                    c = AppContext(
                        app_url,
                        DashboardSettings(as_of=latest.date(), cache_seconds=0),
                        derive(secret, "scope"),
                    )
                    judging = Verdicts(c, open_alerts(app_url, args.verdicts), args.verdict_every, round_)
                    judging.start()
                t0, cpu0 = time.perf_counter(), tree_cpu(proc.pid)
                round_.start.set()  # every user at once
                for t in threads:
                    t.join()
                if judging is not None:
                    judging.stop.set()
                    judging.join()
                    print(f"      verdicts given during the round: {judging.given.count('ok')}"
                          f" ({len(judging.given)} asked)")  # fmt: skip
                wall, cpu = time.perf_counter() - t0, tree_cpu(proc.pid) - cpu0
                seconds, errors = round_.seconds, round_.errors
                print(f"{n:3d} users: {len(seconds)} calls in {wall:5.1f} s"
                      f"  p50 {pct(seconds, 0.5) * 1000:6.0f} ms  p95 {pct(seconds, 0.95) * 1000:6.0f} ms"
                      f"  p99 {pct(seconds, 0.99) * 1000:6.0f} ms  errors {len(errors)}"
                      f"  (load {os.getloadavg()[0]:.1f}); dashboard processor time {cpu:.1f} s")  # fmt: skip
                for page, times in sorted(round_.by_page.items()):
                    p50, p95 = pct(times, 0.5) * 1000, pct(times, 0.95) * 1000
                    print(f"      {page:8s} p50 {p50:6.0f} ms  p95 {p95:6.0f} ms")
                sent, size, path = round_.biggest
                zipping = gzip_ms(round_.biggest_body)
                print(f"      biggest answer {path}: {sent / 1000:.0f} kB sent, {size / 1000:.0f} kB of JSON;"
                      f" gzip level {compress.LEVEL}: {zipping:.1f} ms of processor time")  # fmt: skip
                if errors:
                    print(f"      e.g. {errors[:3]}")
            finally:
                proc.terminate()
                proc.wait(timeout=30)
                if args.verdicts:
                    unjudge(owner)


if __name__ == "__main__":
    main()
