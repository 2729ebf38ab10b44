"""Warm the shared cache after a load: the pages asked for first and the most costly, for the
default period, as the leadership sees them and as each station's chief sees them (the cache keys
on the scope and role, so the leadership's pages are not theirs), computed once into the cache the
served dashboard reads (:mod:`dashboard.cache`; the same ``ONEMAP_CACHE_DIR``).

Warmed: the map and the quality page (leadership), and for each station its map (its chief), its
page, its first police zones (:data:`ZONES`, in the order its page lists them) and its busiest
grids (:data:`GRIDS`, by incidents in the four weeks to the period's end), for both. Bounded per
station, so a county's warm grows with its stations, not its grids.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from common.secret import derive
from dashboard import routes
from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.queries.areas import busiest_grids, child_areas, stations
from dashboard.settings import DashboardSettings

# Who the warm pages are computed for: the leadership's scope and role (what the cache keys on);
# the name is what the database's audit trail would show, were anything audited.
WARMER = User("cache-warmer", "", "leadership", frozenset(), frozenset())
ZONES = 1  # police zone pages per station: the first its page lists
# grid pages per station: its busiest in the four weeks to the period's end (two: the warm takes
# 2-2.5 times as long as without zones and grids; one, 1.3-1.5 times, but a chief's other busy
# grid is then computed by whoever opens it first, with 50 users the tail: docs/scaling.md)
GRIDS = 2
BUSY_DAYS = 28
# pages computed at once: while one waits for its SQL another runs its Python (two cores here)
WORKERS = 3


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
    t0 = time.perf_counter()
    jobs: list[tuple[User, str]] = [(WARMER, "/"), (WARMER, "/quality")]
    with c.acting_as(WARMER):
        codes = [s["station_code"] for s in stations(url, c.scope())]
        end = c.period().end
        areas = {code: station_paths(c, code, end - timedelta(days=BUSY_DAYS), end) for code in codes}
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


def station_paths(c: AppContext, code: str, start: datetime, end: datetime) -> list[str]:
    """A station's page, its first :data:`ZONES` police zones and its :data:`GRIDS` busiest grids
    in [``start``, ``end``)."""
    zones = [z["code"] for z in child_areas(c.url, c.scope(), "zone", code)[:ZONES]]
    grids = busiest_grids(c.url, c.scope(), code, start, end, GRIDS)
    return [f"/station/{code}", *(f"/zone/{z}" for z in zones), *(f"/grid/{g}" for g in grids)]


def chief_warmer(station: str) -> User:
    """Who a station's chief's pages are computed for: that station's scope, the chief's role."""
    return User("cache-warmer", "", "station_chief", frozenset({station}), frozenset())
