"""Counts of an area's elements broken down by a category: event classes, incident categories,
hazard categories, camera rings, alert kinds, and the buildings' three-code completeness.

The rows stay plain dicts: the pages and reports add their printed labels to them in place.
Grid events, hazards and alerts are counted as they stood at the end of the week asked for (now
while it runs); cameras and buildings have no history and are counted as they are.
"""

from __future__ import annotations

from typing import Any

from dashboard.periods import Period, as_of
from dashboard.queries.areas import Area, scope_filter
from dashboard.queries.sql import pick, rows
from dashboard.scope import Scope

# the hazard columns a breakdown may be by: category, hint letter batch, responsible department
HAZARD_COLUMNS = ("category_zh", "hint_batch", "responsible_dept")


def events_by_class(url: str, scope: Scope, area: Area, week: Period) -> list[dict[str, Any]]:
    """Grid events by class at the end of ``week``: count, on-time rate of the closed ones, open
    yellow and red cards."""
    where, params = scope_filter(scope, area, "e")
    return rows(url, "breakdowns_events_by_class", {**params, "at": as_of(week)}, where=where)


def incidents_yoy_by_category(url: str, scope: Scope, area: Area, week: Period) -> list[dict[str, Any]]:
    """Incidents per category this week, last week and the same week last year."""
    where, params = scope_filter(scope, area, "i")
    prev, ly = week.previous(), week.last_year()
    return rows(
        url,
        "breakdowns_incidents_by_category",
        {
            **params,
            "w0": week.start,
            "w1": week.end,
            "p0": prev.start,
            "p1": prev.end,
            "y0": ly.start,
            "y1": ly.end,
        },
        where=where,
    )


def hazards_by(url: str, scope: Scope, area: Area, week: Period, column: str) -> list[dict[str, Any]]:
    """Hazards found, open and cleared by the end of ``week``, by category, batch or responsible
    department (``column``); :func:`hazards_by_all` gives the three at once."""
    return hazards_by_all(url, scope, area, week)[pick(column, HAZARD_COLUMNS)]


def hazards_by_all(url: str, scope: Scope, area: Area, week: Period) -> dict[str, list[dict[str, Any]]]:
    """Column of :data:`HAZARD_COLUMNS` → hazards found, open and cleared by the end of ``week`` by
    that column (``label``, ``found``, ``open``, ``cleared``; most found first), read in one pass."""
    where, params = scope_filter(scope, area, "h")
    out: dict[str, list[dict[str, Any]]] = {column: [] for column in HAZARD_COLUMNS}
    for r in rows(url, "breakdowns_hazards_by", {**params, "at": as_of(week)}, where=where):
        out[r.pop("by_column")].append(r)
    return out


def cameras_by_ring(url: str, scope: Scope, area: Area) -> list[dict[str, Any]]:
    """Cameras by ring (圈层) and kind, with how many are online."""
    where, params = scope_filter(scope, area, "c")
    return rows(url, "breakdowns_cameras_by_ring", params, where=where)


def alerts_by_kind(url: str, scope: Scope, area: Area, week: Period) -> list[dict[str, Any]]:
    """Alerts detected before the end of ``week`` (and not since cleared) by kind, most first."""
    where, params = scope_filter(scope, area, "al")
    return rows(url, "breakdowns_alerts_by_kind", {**params, "at": as_of(week)}, where=where)


def three_code_completeness(url: str, scope: Scope, area: Area) -> float | None:
    """Share of buildings with standard address, grid and police zone (三码完整率)."""
    where, params = scope_filter(scope, area, "b")
    found = rows(url, "breakdowns_three_codes", params, where=where)
    return float(found[0]["r"]) if found and found[0]["r"] is not None else None


def categories(url: str) -> list[dict[str, Any]]:
    """Incident categories that occur, with their Chinese names."""
    return rows(url, "breakdowns_categories")
