"""Headline figures of an area, their weekly trend, the station assessment, rankings and per-area tables.

Every figure counts the elements attributed to the area (see :mod:`dashboard.queries.areas`) and in
the viewer's scope; periods are :class:`~dashboard.periods.Period` (a whole ISO week or its first
days, Asia/Shanghai), compared with the same span of the week before and of the same ISO week a
year earlier. What stands at a moment (open items, cards, unresolved disputes, alerts) is counted
as it stood at the period's end (:func:`~dashboard.periods.as_of`) from the items' own timestamps,
so a past period's figures stay as they were. The station score and the grid ranking are counted
over the whole station or grid, whoever asks (``ops.station_scores``, ``ops.grid_ranking``).
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, TypedDict, cast

from dashboard.periods import Period, as_of
from dashboard.queries.areas import VIEWS, Area, scope_filter
from dashboard.queries.sql import pick, rows
from dashboard.scope import Scope

# the levels a per-area table or map can be broken down by
BREAKDOWN_LEVELS = ("zone", "grid")


class Kpis(TypedDict):
    """The headline figures of an area for a week (counts) and the rates derived from them."""

    population: int
    migrants: int
    migrants_registered: int
    rental_units: int
    buildings: int
    communities: int
    smart_covered: int
    smart_communities: int
    incidents_week: int
    incidents_prev: int
    incidents_last_year: int
    has_last_year: bool | None
    events_open: int
    yellow_cards: int
    red_cards: int
    events_closed_week: int
    events_on_time_week: int
    hazards_open: int
    hazards_found_week: int
    hazards_cleared_week: int
    disputes: int
    disputes_resolved: int
    disputes_high_open: int
    alerts: int
    disputes_undated: int
    migrant_registration_rate: float | None
    smart_coverage: float | None
    dispute_resolution_rate: float | None
    events_on_time_rate: float | None
    incidents_wow: float | None
    incidents_yoy: float | None


class StationScore(TypedDict):
    """A station's assessment: the parts read from the data, the three scored parts, the score, and
    its rank among all ``ranked`` stations (whether or not the viewer sees the others)."""

    station_code: str
    name: str
    three_codes: Decimal | None
    registration: Decimal | None
    smart: Decimal | None
    incidents_week: int
    incidents_prev: int
    on_time: Decimal | None
    cleared: Decimal | None
    base_work: float
    incident_control: float
    daily_management: float
    score: float
    rank: int
    ranked: int


class GridRank(TypedDict):
    """A grid's incidents this week and last, and its rank among all grids (of the station asked for)."""

    grid_code: str
    name: str
    station_code: str
    incidents_week: int
    incidents_prev: int
    rank: int


class AreaRow(TypedDict):
    """A police zone's or grid's figures this week within a larger area."""

    code: str
    name: str
    population: int
    incidents_week: int
    incidents_prev: int
    events_open: int
    red_cards: int
    events_closed_week: int
    events_on_time_week: int
    hazards_found_week: int
    hazards_cleared_week: int
    disputes_found_week: int
    disputes_resolved_week: int
    alerts: int


def kpis(url: str, scope: Scope, area: Area, week: Period) -> Kpis:
    """The headline figures of an area for a week, with the rates derived from them."""
    where, params = scope_filter(scope, area)
    where_c, _ = scope_filter(scope, area, "c")
    prev, last_year = week.previous(), week.last_year()
    row = rows(
        url,
        "indicators_kpis",
        {
            **params,
            "area_level": area.level,  # the people counts' area (its code is the area's own)
            "w0": week.start,
            "w1": week.end,
            "p0": prev.start,
            "p1": prev.end,
            "y0": last_year.start,
            "y1": last_year.end,
            "at": as_of(week),
        },
        where=where,
        where_c=where_c,
    )[0]
    row["migrant_registration_rate"] = _rate(row["migrants_registered"], row["migrants"])
    row["smart_coverage"] = _rate(row["smart_covered"], row["communities"])
    row["dispute_resolution_rate"] = _rate(row["disputes_resolved"], row["disputes"])
    row["events_on_time_rate"] = _rate(row["events_on_time_week"], row["events_closed_week"])
    row["incidents_wow"] = change(row["incidents_week"], row["incidents_prev"])
    row["incidents_yoy"] = (
        change(row["incidents_week"], row["incidents_last_year"]) if row["has_last_year"] else None
    )
    return cast(Kpis, row)


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def change(now: int, before: int) -> float | None:
    """Relative change (week on week, year on year); None when there is nothing to compare with."""
    return (now - before) / before if before else None


def weekly_trend(url: str, scope: Scope, area: Area, last: Period, weeks: int = 12) -> list[dict[str, Any]]:
    """Per week up to ``last``: incidents, grid events registered, hazards found, disputes found
    (the last week only up to ``last.end``)."""
    where, params = scope_filter(scope, area)
    first = last.shift(-(weeks - 1))
    return rows(
        url,
        "indicators_weekly_trend",
        {**params, "first": first.start, "last": last.start, "upto": last.end},
        where=where,
    )


def grid_ranking(
    url: str, scope: Scope, week: Period, station: str | None = None, limit: int = 10
) -> list[GridRank]:
    """Grids by incidents this week (most first), with last week's figure.

    Each grid is counted over all its incidents and ranked among all grids (of ``station`` when
    given); only the grids the signed scope may see and ``scope`` keeps come back.
    """
    prev = week.previous()
    found = rows(
        url,
        "indicators_grid_ranking",
        {
            **scope.params(),
            "w0": week.start,
            "w1": week.end,
            "p0": prev.start,
            "station": station,
            "limit": limit,
        },
        scope=scope.where("r"),
    )
    return cast("list[GridRank]", found)


def station_scores(url: str, scope: Scope, week: Period, weights: dict[str, float]) -> list[StationScore]:
    """The station assessment (派出所考核) score, 0–100, best first, of the stations in ``scope``.

    base work: three-code completeness, migrant registration rate and smart-community coverage
    (mean); incident control: 1 − incidents this week / (this week + last week) … scaled so that a
    station with no change scores 50 and one that halved its incidents about 67; daily management:
    grid events closed on time and hazards cleared (mean; both as they stood at the week's end).
    Weights from settings. Each part is counted over the whole station and the rank is among all
    stations, so every viewer of a station sees the same score and rank (``ops.station_scores``
    computes them and returns the stations the signed scope may see; ``scope`` narrows them).
    """
    prev = week.previous()
    found = rows(
        url,
        "indicators_station_scores",
        {
            **scope.params(),
            "w0": week.start,
            "w1": week.end,
            "p0": prev.start,
            "base": weights["base_work"],
            "control": weights["incident_control"],
            "daily": weights["daily_management"],
        },
        scope=scope.where("s", grids=False),
    )
    return cast("list[StationScore]", found)


def area_table(url: str, scope: Scope, level: str, within: Area, week: Period) -> list[AreaRow]:
    """One row per police zone or grid of ``within``: its figures this week, most incidents first.

    Only the elements of ``within`` count, so the rows add up to the area's own figures. A grid
    that straddles two stations appears in each station's table with that station's part; a grid
    of another station appears when some of this station's elements lie in it.
    """
    level = pick(level, BREAKDOWN_LEVELS)
    prev = week.previous()
    found = rows(
        url,
        "indicators_area_table",
        {
            **scope.params(),
            **within.params(),
            "w0": week.start,
            "w1": week.end,
            "p0": prev.start,
            "at": as_of(week),
            "p1": prev.end,
        },
        view=VIEWS[level],
        code_column=f"{level}_code",
        mine=within.where(),
        mine_a=within.where("a"),
        scope=scope.where(),
        scope_a=scope.where("a", grids=level == "grid"),
    )
    return cast("list[AreaRow]", found)


def area_metrics(url: str, scope: Scope, level: str, t0: datetime, t1: datetime) -> list[dict[str, Any]]:
    """Per police station, zone or grid: incidents in [t0, t1), in the window before it, and residents."""
    level = pick(level, ("station", *BREAKDOWN_LEVELS))
    return rows(
        url,
        "indicators_area_metrics",
        {**scope.params(), "t0": t0, "t1": t1},
        view=VIEWS[level],
        code_column=f"{level}_code",
        scope=scope.where(),
        scope_a=scope.where("a", grids=level == "grid"),
    )
