"""The names a person reads beside area codes, for the current viewer (one cached map per scope)."""

from __future__ import annotations

from dashboard.context import AppContext
from dashboard.queries import areas


def area_names(c: AppContext) -> dict[str, dict[str, str]]:
    """Level (``station``, ``zone``, ``grid``) → code → name of every area the viewer may see."""
    scope = c.scope()
    return c.cached(("area-names", scope), lambda: areas.names(c.url, scope))
