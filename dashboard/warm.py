"""Warm the shared cache after a load: the pages asked for first and the most costly, for the
default period, as the leadership sees them and as each station's chief sees them (the cache keys
on the scope and role, so the leadership's pages are not theirs), computed once into the cache the
served dashboard reads (:mod:`dashboard.cache`; the same ``ONEMAP_CACHE_DIR``).

Warmed: the map and the quality page (leadership), and for each station its map (its chief) and
:func:`station_paths` for both: its page and the pages its chief opens from it first. Bounded per
station, so a county's warm grows with its stations, not its grids. What a chief opens first is
decided here alone (``benchmarks/users.py`` replays :func:`station_paths` too, and a test holds
the warm to the pages it opens).

Warmed again by the served dashboard itself (:class:`Keeper`): each process looks every
``ONEMAP_CACHE_WARM_CHECK_SECONDS`` whether the pages of the data, default period and day it
stands at have been warmed (a marker file in the cache directory, :func:`marker`) and, when not,
the first to take the warm's lock warms them. So a new week's pages (the default period changes at
its first midnight) and a new day's (a supervision turns overdue as its deadline's day ends) are
computed before a user asks, and so are a load's that did not warm (a derivation run alone).
The marker holds each station's judged stamp as it stood when warmed (:mod:`dashboard.queries.judged`:
its verdicts, supervision steps and overdue supervisions); when one has moved since (a verdict, a
step, a supervision turning overdue), the keeper warms again that station's pages and the map
(:func:`warm_pages` with ``only``): the others are still kept, and are only read.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path

from common.china import TZ
from common.secret import derive
from dashboard import routes
from dashboard.auth import User
from dashboard.cache import FileLock, key_digest
from dashboard.context import AppContext
from dashboard.periods import Period, default_period
from dashboard.queries import judged
from dashboard.queries.areas import child_areas, stations
from dashboard.queries.indicators import grid_ranking
from dashboard.settings import DashboardSettings

# Who the warm pages are computed for: the leadership's scope and role (what the cache keys on);
# the name is what the database's audit trail would show, were anything audited.
WARMER = User("cache-warmer", "", "leadership", frozenset(), frozenset())
ZONES = 1  # police zone pages per station: the first its page lists
# grid pages per station: the top of its grid ranking for the period shown (two: the warm takes
# 2-2.5 times as long as without zones and grids; one, 1.3-1.5 times, but a chief's second grid
# is then computed by whoever opens it first, with 50 users the tail: docs/scaling.md)
GRIDS = 2
# pages computed at once: while one waits for its SQL another runs its Python (two cores here)
WORKERS = 3
# after a warm that failed, a served process tries again this much later (not at every check)
RETRY_SECONDS = 600


def warm(url: str, secret: bytes, settings: DashboardSettings | None = None) -> tuple[int, float]:
    """Compute the pages the module names into the cache (default period), for the leadership and
    for each station's chief.

    Parameters
    ----------
    url : str
        The application role's URL (the served dashboard's).
    secret : bytes
        The deployment's secret key (the scope the pages are computed in is signed with it).
    settings : DashboardSettings, optional
        The served dashboard's (its cache directory and time); default from the environment.

    Returns
    -------
    tuple of (int, float)
        The pages computed and the seconds it took; (0, 0.0) when caching is off.
    """
    settings = settings or DashboardSettings()
    c = AppContext(url, settings, derive(secret, "scope"))
    if settings.cache_seconds <= 0:
        return 0, 0.0
    with FileLock(settings.cache_dir / "warm.lock"):  # after any warm under way, never beside it
        done, stamps = marker(c), judged_now(c)  # read first: a verdict during the warm is warmed after
        found = warm_pages(c)
        mark(c, done, stamps)
    return found


def warm_pages(c: AppContext, only: set[str] | None = None) -> tuple[int, float]:
    """Compute the pages the module names into ``c``'s cache (see :func:`warm`); with ``only``,
    the map and the pages of those stations alone (a page still kept is only read)."""
    t0 = time.perf_counter()
    jobs: list[tuple[User, str]] = [(WARMER, "/")] + ([(WARMER, "/quality")] if only is None else [])
    with c.acting_as(WARMER):
        codes = [s["station_code"] for s in stations(c.url, c.scope())]
        codes = [code for code in codes if only is None or code in only]
        areas = {code: station_paths(c, code, c.period()) for code in codes}
    jobs += [(WARMER, path) for code in codes for path in areas[code]]
    # where a station's chief lands, and goes on to, in the chief's scope
    jobs += [(chief_warmer(code), path) for code in codes for path in ("/", *areas[code])]

    def render(job: tuple[User, str]) -> None:
        user, path = job
        with c.acting_as(user):
            routes.render(c, path)

    with ThreadPoolExecutor(WORKERS) as pool:
        list(pool.map(render, jobs))  # list(): a failure of any is raised here
    return len(jobs), time.perf_counter() - t0


def station_paths(
    c: AppContext, code: str, period: Period, zones: int = ZONES, grids: int = GRIDS
) -> list[str]:
    """A station's page and the pages its chief opens from it first, for ``period``.

    Those are its first police zones in the order its page lists them, and the grids at the top of
    its grid ranking for the period (``ops.grid_ranking``: most incidents in the period, whose
    heat the station page's map shows; the wall's hot-grid list ranks the same way); a station
    without incidents in the period or the one before: its first grids as its page lists them.

    Parameters
    ----------
    c : AppContext
        Acting for a viewer who sees the station (its pages are read in that scope).
    code : str
        The station.
    period : Period
        The period the pages show (the default one: where a chief lands).
    zones, grids : int
        How many of each (default :data:`ZONES`, :data:`GRIDS`).

    Returns
    -------
    list of str
        Paths: the station's page, then its zones', then its grids'.
    """
    scope = c.scope()
    zone_codes = [z["code"] for z in child_areas(c.url, scope, "zone", code)[:zones]]
    grid_codes = [r["grid_code"] for r in grid_ranking(c.url, scope, period, station=code, limit=grids)]
    if not grid_codes:
        grid_codes = [g["code"] for g in child_areas(c.url, scope, "grid", code)[:grids]]
    return [f"/station/{code}", *(f"/zone/{z}" for z in zone_codes), *(f"/grid/{g}" for g in grid_codes)]


def chief_warmer(station: str) -> User:
    """Who a station's chief's pages are computed for: that station's scope, the chief's role."""
    return User("cache-warmer", "", "station_chief", frozenset({station}), frozenset())


def marker(c: AppContext) -> Path:
    """The file saying the pages of ``c``'s data, default period and day (Beijing, by the clock:
    what turns a supervision overdue) have been warmed."""
    with c.acting_as(WARMER):
        stamp = c.data_stamp()
    key = ("warmed", c.url, stamp, default_period(c.now()), datetime.now(TZ).date())
    return c.settings.cache_dir / "warmed" / key_digest(key)


def judged_now(c: AppContext) -> dict[str, judged.Stamp]:
    """Each station's judged stamp now (those with a verdict or a supervision; the code '' stands
    for alerts and items without a station)."""
    with c.acting_as(WARMER):
        return judged.by_area(c.url, "station")


def mark(c: AppContext, path: Path, stamps: dict[str, judged.Stamp]) -> None:
    """Write the marker ``path`` with the stations' judged ``stamps`` its pages were warmed at;
    forget markers older than anything the cache keeps."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.write_text(json.dumps(stamps))
    oldest = time.time() - max(c.settings.cache_seconds, 86400)
    for old in path.parent.iterdir():
        if old.stat().st_mtime < oldest:
            old.unlink(missing_ok=True)


def changed(path: Path, stamps: dict[str, judged.Stamp]) -> set[str] | None:
    """The stations whose judged stamp differs from the one marked in ``path`` (None: no marker)."""
    try:
        before = json.loads(path.read_text() or "{}")
    except FileNotFoundError:
        return None
    return {code for code in stamps.keys() | before.keys() if tuple(before.get(code, ())) != stamps.get(code)}


def warm_if_due(c: AppContext) -> bool:
    """Warm ``c``'s cache unless its marker (:func:`marker`) says it is warm, or another thread or
    process is warming it now: all of it for a new load, period or day, the map and the stations'
    pages where a station's judged stamp moved since (:func:`changed`); whether this call warmed."""
    if c.settings.cache_seconds <= 0:
        return False
    if changed(marker(c), judged_now(c)) == set():
        return False
    with FileLock(c.settings.cache_dir / "warm.lock", wait=False) as taken:
        if not taken:
            return False
        due, stamps = marker(c), judged_now(c)  # as a warm that ended since has marked it
        moved = changed(due, stamps)
        if moved == set():
            return False
        warm_pages(c, moved)
        mark(c, due, stamps)
    return True


class Keeper:
    """A thread in each served process that calls :func:`warm_if_due` every
    ``cache_warm_check_seconds`` (started by the first request a process serves: the server's
    workers are forked after the app is made, and a thread does not survive a fork)."""

    def __init__(self, c: AppContext) -> None:
        self.c = c
        self.pid = 0
        self.armed = False  # set once the app is made (its first request is made before a fork)
        self._stop = threading.Event()
        self._mutex = threading.Lock()

    def start(self) -> None:
        """Start this process's thread, once."""
        every = self.c.settings.cache_warm_check_seconds
        if not self.armed or every <= 0 or self.c.settings.cache_seconds <= 0 or self.pid == os.getpid():
            return
        with self._mutex:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()
        threading.Thread(target=self._run, args=(every,), name="onemap-warm", daemon=True).start()

    def stop(self) -> None:
        """End this process's thread (after the warm it may be doing)."""
        self._stop.set()

    def _run(self, every: int) -> None:
        while not self._stop.is_set():
            wait = every
            try:
                warm_if_due(self.c)
            except Exception:  # the database away, say: tried again later, not every turn
                logging.getLogger(__name__).warning("warming the cache failed", exc_info=True)
                wait = max(every, RETRY_SECONDS)
            self._stop.wait(wait)
