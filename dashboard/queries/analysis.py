"""What the pages, the wall and the reports read of the analysis (研判): emerging hot-spot classes,
a week's Gi* levels, next week's risk and the back-test — the tables the job after each load wrote
(docs/analysis.md), read through ``serve``; nothing here computes a statistic.

The places are the area-wide analysis (scope ``all``: every unit judged against the whole area),
cut to the viewer's scope (here and again by row-level security): a station chief sees their
stations' part of the same picture the leadership sees, so a grid's class is the same for everyone.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboard.queries.areas import Area, scope_filter
from dashboard.queries.sql import pick, rows
from dashboard.scope import Scope

UNIT_KINDS = ("grid", "cell")
MODELS = ("risk_overlay", "last_week", "last_4_weeks", "kernel_density")
AREA_PCTS = (1.0, 3.0, 5.0)
# the hot classes in the order a reader acts on them: what is new or growing first
HOT_ORDER = (
    "new_hot",
    "intensifying_hot",
    "consecutive_hot",
    "persistent_hot",
    "sporadic_hot",
    "oscillating_hot",
    "diminishing_hot",
    "historical_hot",
)


def _area_filter(scope: Scope, area: Area, alias: str) -> tuple[dict[str, str], dict[str, Any]]:
    cond, params = scope_filter(scope, Area(), alias)
    return {"scope": cond, "area": area.where(alias)}, {**params, **area.params()}


def through_week(url: str) -> date | None:
    """The last week the analysis covers (its Monday); None before any run."""
    found = rows(url, "analysis_through")
    return found[0]["through_week"] if found else None


def trends(url: str, scope: Scope, area: Area, unit_kind: str = "grid") -> list[dict[str, Any]]:
    """Every unit of ``unit_kind`` in scope and ``area`` with its emerging class (hot, cold or none),
    its Gi* z and p in the last week, its trend and since when it has been hot or cold."""
    parts, params = _area_filter(scope, area, "t")
    found = rows(url, "analysis_trends", {**params, "unit_kind": pick(unit_kind, UNIT_KINDS)}, **parts)
    return found


def hot_spots(url: str, scope: Scope, area: Area, unit_kind: str = "grid") -> list[dict[str, Any]]:
    """The hot spots among :func:`trends`, new and intensifying first, then by Gi* z."""
    rank = {c: i for i, c in enumerate(HOT_ORDER)}
    hot = [r for r in trends(url, scope, area, unit_kind) if r["hotspot_class"] in rank]
    return sorted(hot, key=lambda r: (rank[r["hotspot_class"]], -r["gi_z"], r["unit_code"]))


def week_levels(
    url: str, scope: Scope, area: Area, week_start: date, unit_kind: str = "grid"
) -> list[dict[str, Any]]:
    """The units of ``unit_kind`` with a significant Gi* level (hot or cold) in the week starting
    ``week_start``, hottest first."""
    parts, params = _area_filter(scope, area, "w")
    return rows(
        url,
        "analysis_week_levels",
        {**params, "unit_kind": pick(unit_kind, UNIT_KINDS), "week_start": week_start},
        **parts,
    )


def risk_inputs(url: str) -> list[dict[str, Any]]:
    """The risk overlay's inputs in order, with their weights and totals over the area."""
    return rows(url, "analysis_risk_inputs")


def risk_top(
    url: str, scope: Scope, area: Area, unit_kind: str = "grid", limit: int = 15
) -> list[dict[str, Any]]:
    """Next week's riskiest units of ``unit_kind`` in scope and ``area`` (rank in the whole area)."""
    parts, params = _area_filter(scope, area, "r")
    return rows(
        url,
        "analysis_risk_top",
        {**params, "unit_kind": pick(unit_kind, UNIT_KINDS), "limit": limit},
        **parts,
    )


def backtest(url: str, unit_kind: str, until: date) -> list[dict[str, Any]]:
    """The back-test of every model on ``unit_kind`` for the weeks up to ``until``: one row per
    model, week and flagged area share (1, 3, 5 %), with the events, capture share, PAI and PEI."""
    return rows(url, "analysis_backtest", {"unit_kind": pick(unit_kind, UNIT_KINDS), "until": until})


def layer_classes(url: str, scope: Scope, unit_kind: str, tolerance: float) -> list[dict[str, Any]]:
    """The units of ``unit_kind`` in scope with a hot- or cold-spot class, each with its Gi*, trend
    and outline (GeoJSON text, simplified by ``tolerance`` degrees): the map's hot-spot layer."""
    parts, params = _area_filter(scope, Area(), "t")
    parts.pop("area")
    params = {**params, "unit_kind": pick(unit_kind, UNIT_KINDS), "tol": tolerance}
    return rows(url, "analysis_layer_classes", params, **parts)


def layer_risk(url: str, scope: Scope, unit_kind: str, tolerance: float) -> list[dict[str, Any]]:
    """Next week's risk of every unit of ``unit_kind`` in scope with its outline: the risk layer."""
    parts, params = _area_filter(scope, Area(), "r")
    parts.pop("area")
    params = {**params, "unit_kind": pick(unit_kind, UNIT_KINDS), "tol": tolerance}
    return rows(url, "analysis_layer_risk", params, **parts)
