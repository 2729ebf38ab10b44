"""Warm the shared cache after a load: the map, the quality page and every station's page for the
default period, as the leadership sees them (the pages asked for first and the most costly), and
each station's map and page as its chief sees them (the cache keys on the scope and role, so the
leadership's pages are not theirs), computed once into the cache the served dashboard reads
(:mod:`dashboard.cache`; the same ``ONEMAP_CACHE_DIR``)."""

from __future__ import annotations

import time

from common.secret import derive
from dashboard import routes
from dashboard.auth import User
from dashboard.context import AppContext
from dashboard.queries.areas import stations
from dashboard.settings import DashboardSettings

# Who the warm pages are computed for: the leadership's scope and role (what the cache keys on);
# the name is what the database's audit trail would show, were anything audited.
WARMER = User("cache-warmer", "", "leadership", frozenset(), frozenset())


def warm(url: str, secret: bytes, settings: DashboardSettings | None = None) -> tuple[int, float]:
    """Compute the map, the quality page and every station's page (default period) into the cache,
    and each station's map and page in its chief's scope.

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
    with c.acting_as(WARMER):
        codes = [s["station_code"] for s in stations(url, c.scope())]
        paths = ["/", "/quality", *(f"/station/{code}" for code in codes)]
        for path in paths:
            routes.render(c, path)
    for code in codes:  # where a station's chief lands, in the chief's scope
        with c.acting_as(chief_warmer(code)):
            for path in ("/", f"/station/{code}"):
                routes.render(c, path)
    return len(paths) + 2 * len(codes), time.perf_counter() - t0


def chief_warmer(station: str) -> User:
    """Who a station's chief's pages are computed for: that station's scope, the chief's role."""
    return User("cache-warmer", "", "station_chief", frozenset({station}), frozenset())
