"""Every read the pages (and the reports) make: the serve schema only, always within a scope.

Each function takes the database URL and the viewer's :class:`~dashboard.scope.Scope` first. An
area is named by a level (``all``, ``station``, ``zone``, ``grid``) and a code; elements belong to
an area by their own attribution (``station_code``, ``zone_code``, ``grid_code``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dashboard.db import fetch_all
from dashboard.periods import Week
from dashboard.scope import Scope

LEVELS = ("all", "station", "zone", "grid")
ELEMENT_COUNTS = "select element, name_zh, n from serve.element_counts order by element"


def element_counts(url: str) -> list[dict[str, object]]:
    """One row per kind of base element with its count."""
    return fetch_all(url, ELEMENT_COUNTS)


@dataclass(frozen=True)
class Area:
    """An area of the drill-down: the whole area, a station, a police zone or a grid."""

    level: str = "all"
    code: str | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")
        if (self.level == "all") != (self.code is None):
            raise ValueError("an area below 'all' needs a code")

    def where(self, alias: str = "") -> str:
        if self.level == "all":
            return "true"
        col = f"{alias}.{self.level}_code" if alias else f"{self.level}_code"
        return f"{col} = :area_code"

    def params(self) -> dict[str, Any]:
        return {"area_code": self.code}


def _filter(scope: Scope, area: Area, alias: str = "", grids: bool = True) -> tuple[str, dict[str, Any]]:
    return f"{scope.where(alias, grids)} and {area.where(alias)}", {**scope.params(), **area.params()}


# ------------------------------------------------------------------ names of areas
def area_name(url: str, scope: Scope, area: Area) -> dict[str, Any] | None:
    """Name, station and zone of an area (None when it does not exist or is out of scope)."""
    if area.level == "all":
        rows = fetch_all(url, "select name, city_name from serve.districts order by district_code")
        return {"name": "、".join(r["name"] for r in rows) or "全域", "station_code": None}
    table = {"station": "stations", "zone": "zones", "grid": "grids"}[area.level]
    extra = {
        "station": "null::text as zone_code",
        "zone": "zone_code",
        "grid": "zone_code",
    }[area.level]
    rows = fetch_all(
        url,
        f"select {area.level}_code as code, name, station_code, {extra} from serve.{table} "
        f"where {area.level}_code = :area_code and {scope.where(grids=area.level == 'grid')}",
        {**scope.params(), **area.params()},
    )
    return rows[0] if rows else None


def stations(url: str, scope: Scope) -> list[dict[str, Any]]:
    """Stations in scope: code, name, site and bounds."""
    return fetch_all(
        url,
        "select station_code, name, site_lon, site_lat, st_xmin(geom) as x0, st_ymin(geom) as y0, "
        f"st_xmax(geom) as x1, st_ymax(geom) as y1 from serve.stations where {scope.where(grids=False)} "
        "order by station_code",
        scope.params(),
    )


def bounds(url: str, scope: Scope, area: Area) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of an area in scope."""
    if area.level == "all":
        table, cond, params = "serve.stations", scope.where(grids=False), scope.params()
    else:
        table = {"station": "serve.stations", "zone": "serve.zones", "grid": "serve.grids"}[area.level]
        cond, params = (
            f"{area.level}_code = :area_code and {scope.where(grids=area.level == 'grid')}",
            {
                **scope.params(),
                **area.params(),
            },
        )
    rows = fetch_all(
        url,
        f"select st_xmin(e) as x0, st_ymin(e) as y0, st_xmax(e) as x1, st_ymax(e) as y1 "
        f"from (select st_extent(geom) as e from {table} where {cond}) s",
        params,
    )
    r = rows[0] if rows else None
    if not r or r["x0"] is None:
        return None
    return (r["x0"], r["y0"], r["x1"], r["y1"])


# ------------------------------------------------------------------ headline figures
KPI_SQL = """
select
  (select count(*) from serve.persons where {f}) as population,
  (select count(*) from serve.persons where {f} and is_migrant) as migrants,
  (select count(*) from serve.persons where {f} and is_migrant and residence_status = 'registered')
      as migrants_registered,
  (select count(*) from serve.rental_units where {f}) as rental_units,
  (select count(*) from serve.buildings where {f}) as buildings,
  (select count(*) from serve.communities where {f}) as communities,
  (select count(*) from serve.communities c where {fc}
      and exists (select 1 from serve.smart_communities s where s.community_code = c.community_code))
      as smart_covered,
  (select count(*) from serve.smart_communities where {f}) as smart_communities,
  (select count(*) from serve.incidents where {f} and reported_at >= :w0 and reported_at < :w1)
      as incidents_week,
  (select count(*) from serve.incidents where {f} and reported_at >= :p0 and reported_at < :p1)
      as incidents_prev,
  (select count(*) from serve.incidents where {f} and reported_at >= :y0 and reported_at < :y1)
      as incidents_last_year,
  (select min(reported_at) <= :y0 from serve.incidents) as has_last_year,
  (select count(*) from serve.grid_events where {f} and status <> 'closed') as events_open,
  (select count(*) from serve.grid_events where {f} and status <> 'closed' and card = 'yellow')
      as yellow_cards,
  (select count(*) from serve.grid_events where {f} and status <> 'closed' and card = 'red') as red_cards,
  (select count(*) from serve.grid_events where {f} and closed_at >= :w0 and closed_at < :w1)
      as events_closed_week,
  (select count(*) from serve.grid_events where {f} and closed_at >= :w0 and closed_at < :w1
      and closed_on_time)
      as events_on_time_week,
  (select count(*) from serve.hazards where {f} and status <> 'cleared') as hazards_open,
  (select count(*) from serve.hazards where {f} and found_at >= :w0 and found_at < :w1) as hazards_found_week,
  (select count(*) from serve.hazards where {f} and cleared_at >= :w0 and cleared_at < :w1)
      as hazards_cleared_week,
  (select count(*) from serve.disputes where {f}) as disputes,
  (select count(*) from serve.disputes where {f} and status = 'resolved') as disputes_resolved,
  (select count(*) from serve.disputes where {f} and risk_level = 'high' and status <> 'resolved')
      as disputes_high_open,
  (select count(*) from serve.alerts where {f}) as alerts
"""


def kpis(url: str, scope: Scope, area: Area, week: Week) -> dict[str, Any]:
    """The headline figures of an area for a week, with the rates derived from them."""
    f, params = _filter(scope, area)
    fc, _ = _filter(scope, area, "c")
    prev, last_year = week.previous(), week.last_year()
    row = fetch_all(
        url,
        KPI_SQL.format(f=f, fc=fc),
        {
            **params,
            "w0": week.start,
            "w1": week.end,
            "p0": prev.start,
            "p1": prev.end,
            "y0": last_year.start,
            "y1": last_year.end,
        },
    )[0]
    row["migrant_registration_rate"] = _rate(row["migrants_registered"], row["migrants"])
    row["smart_coverage"] = _rate(row["smart_covered"], row["communities"])
    row["dispute_resolution_rate"] = _rate(row["disputes_resolved"], row["disputes"])
    row["events_on_time_rate"] = _rate(row["events_on_time_week"], row["events_closed_week"])
    row["incidents_wow"] = change(row["incidents_week"], row["incidents_prev"])
    row["incidents_yoy"] = (
        change(row["incidents_week"], row["incidents_last_year"]) if row["has_last_year"] else None
    )
    return row


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def change(now: int, before: int) -> float | None:
    """Relative change (环比/同比); None when there is nothing to compare with."""
    return (now - before) / before if before else None


# ------------------------------------------------------------------ trends and lists
def weekly_trend(url: str, scope: Scope, area: Area, last: Week, weeks: int = 12) -> list[dict[str, Any]]:
    """Per week: incidents, grid events registered, hazards found, disputes found."""
    f, params = _filter(scope, area)
    first = last.shift(-(weeks - 1))
    return fetch_all(
        url,
        f"""
        with w as (
            select generate_series(cast(:first as timestamptz), cast(:last as timestamptz), interval '7 days')
                as week_start
        )
        select w.week_start,
          (select count(*) from serve.incidents where {f} and reported_at >= w.week_start
              and reported_at < w.week_start + interval '7 days') as incidents,
          (select count(*) from serve.grid_events where {f} and registered_at >= w.week_start
              and registered_at < w.week_start + interval '7 days') as grid_events,
          (select count(*) from serve.hazards where {f} and found_at >= w.week_start
              and found_at < w.week_start + interval '7 days') as hazards,
          (select count(*) from serve.disputes where {f} and found_at >= w.week_start
              and found_at < w.week_start + interval '7 days') as disputes
        from w order by w.week_start
        """,
        {**params, "first": first.start, "last": last.start},
    )


def open_items(url: str, scope: Scope, area: Area, limit: int = 50) -> list[dict[str, Any]]:
    """Open grid events (with deadline and card), open hazards and high-risk unresolved disputes."""
    f, params = _filter(scope, area)
    return fetch_all(
        url,
        f"""
        select * from (
          select '网格事件' as item_kind, event_no as item_no, coalesce(kind_zh, kind_code) as what,
                 registered_at as since, due_at, card, status, grid_code
          from serve.grid_events where {f} and status <> 'closed'
          union all
          select '风险隐患', hazard_no, category_zh, found_at, null, null, status, grid_code
          from serve.hazards where {f} and status <> 'cleared'
          union all
          select '高风险纠纷', dispute_no, dispute_type, found_at, null, null, status, grid_code
          from serve.disputes where {f} and risk_level = 'high' and status <> 'resolved'
        ) x
        order by case card when 'red' then 0 when 'yellow' then 1 else 2 end, since
        limit :limit
        """,
        {**params, "limit": limit},
    )


def buildings(url: str, scope: Scope, area: Area, limit: int = 100) -> list[dict[str, Any]]:
    """The area's buildings, those with the most rental units first."""
    f, params = _filter(scope, area, "b")
    return fetch_all(
        url,
        f"""
        select b.building_code, coalesce(b.full_address, b.name) as address, b.floors, b.grid_code,
               (select count(*) from serve.rental_units u where u.building_code = b.building_code) as units,
               (select count(*) from serve.persons p where p.building_code = b.building_code) as residents,
               (select count(*) from serve.persons p where p.building_code = b.building_code and p.is_migrant)
                   as migrants,
               (select count(*) from serve.alerts a where a.building_code = b.building_code) as alerts
        from serve.buildings b where {f}
        order by units desc, residents desc, b.building_code
        limit :limit
        """,
        {**params, "limit": limit},
    )


PERSON_ID = re.compile(r"^\d{17}[\dXx]$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")


def person_query_kind(q: str) -> str | None:
    """What a person search looks for: an ID number, a mobile number or a name (≥ 2 characters)."""
    q = q.strip()
    if PERSON_ID.match(q):
        return "id_number"
    if MOBILE.match(q):
        return "phone"
    if 2 <= len(q) <= 20 and not any(ch.isdigit() for ch in q):
        return "name"
    return None


def person_search(url: str, scope: Scope, q: str, limit: int = 50) -> list[dict[str, Any]]:
    """People matching an ID number, mobile number or name exactly (a name also by its start),
    inside the scope, masked; at most ``limit``."""
    kind = person_query_kind(q)
    if kind is None:
        return []
    q = q.strip().upper() if kind == "id_number" else q.strip()
    match = {
        "id_number": "c.id_number = :q",
        "phone": "c.phone = :q",
        "name": "(c.name = :q or c.name like :prefix)",
    }[kind]
    return fetch_all(
        url,
        "select p.name, p.id_number, p.phone, p.gender, p.age, p.is_migrant, p.residence_status, "
        "       p.building_code, p.unit_code, p.grid_code, p.station_code "
        "from serve.persons p "
        f"where {scope.where('p')} and p.person_id in (select c.person_id from core.persons c where {match}) "
        "order by p.station_code, p.building_code, p.person_id limit :limit",
        {**scope.params(), "q": q, "prefix": q.replace("%", "").replace("_", "") + "%", "limit": limit},
    )


def audit_rows(
    url: str, username: str | None = None, action: str | None = None, limit: int = 300
) -> list[dict[str, Any]]:
    """The newest audit rows (readable with a leadership scope only, by policy)."""
    return fetch_all(
        url,
        "select at, username, role, action, params::text as params, row_count, result, client "
        "from serve.audit where (cast(:u as text) is null or username = :u) "
        "and (cast(:a as text) is null or action = :a) order by audit_id desc limit :limit",
        {"u": username or None, "a": action or None, "limit": limit},
    )


def building(url: str, scope: Scope, code: str) -> dict[str, Any] | None:
    """A building with its rental units and occupants, masked; None outside the scope."""
    rows = fetch_all(
        url,
        "select building_code, coalesce(full_address, name) as address, floors, building_use, households, "
        "grid_code, zone_code, station_code from serve.buildings "
        f"where building_code = :code and {scope.where()}",
        {**scope.params(), "code": code},
    )
    if not rows:
        return None
    out = rows[0]
    out["units"] = fetch_all(
        url,
        "select unit_code, room_no, landlord_name, landlord_phone, registered_tenants, rent_kind "
        f"from serve.rental_units where building_code = :code and {scope.where()} "
        "order by room_no, unit_code",
        {**scope.params(), "code": code},
    )
    out["occupants"] = fetch_all(
        url,
        "select name, id_number, phone, gender, age, is_migrant, residence_status, unit_code "
        f"from serve.persons where building_code = :code and {scope.where()} order by unit_code, person_id",
        {**scope.params(), "code": code},
    )
    return out


def red_cards(url: str, scope: Scope, limit: int = 20) -> list[dict[str, Any]]:
    """Open grid events past the red-card deadline in the whole scope, oldest first."""
    return red_card_items(url, scope, Area(), limit)


# ------------------------------------------------------------------ rankings and scores
def grid_ranking(
    url: str, scope: Scope, week: Week, station: str | None = None, limit: int = 10
) -> list[dict]:
    """Grids by incidents this week (most first), with last week's figure."""
    prev = week.previous()
    cond = "and g.station_code = :station" if station else ""
    return fetch_all(
        url,
        f"""
        select g.grid_code, g.name, g.station_code,
               count(*) filter (where i.reported_at >= :w0 and i.reported_at < :w1) as incidents_week,
               count(*) filter (where i.reported_at >= :p0 and i.reported_at < :p1) as incidents_prev
        from serve.grids g join serve.incidents i on i.grid_code = g.grid_code
        where {scope.where("g")} {cond} and i.reported_at >= :p0 and i.reported_at < :w1
        group by g.grid_code, g.name, g.station_code
        order by incidents_week desc, g.grid_code
        limit :limit
        """,
        {
            **scope.params(),
            "w0": week.start,
            "w1": week.end,
            "p0": prev.start,
            "p1": prev.end,
            "station": station,
            "limit": limit,
        },
    )


def station_scores(url: str, scope: Scope, week: Week, weights: dict[str, float]) -> list[dict[str, Any]]:
    """The station assessment (派出所考核) score, 0–100, best first.

    base work: three-code completeness, migrant registration rate and smart-community coverage
    (mean); incident control: 1 − incidents this week / (this week + last week) … scaled so that a
    station with no change scores 50 and one that halved its incidents about 67; daily management:
    grid events closed on time and hazards cleared (mean). Weights from settings.
    """
    prev = week.previous()
    sw = scope.where()
    rows = fetch_all(
        url,
        f"""
        select s.station_code, s.name, b.three_codes, p.registration, m.smart,
               coalesce(i.week, 0) as incidents_week, coalesce(i.prev, 0) as incidents_prev,
               e.on_time, h.cleared
        from serve.stations s
        left join (select station_code, avg(case when three_codes then 1.0 else 0.0 end) as three_codes
                   from serve.buildings where {sw} group by 1) b using (station_code)
        left join (select station_code, avg(case when residence_status = 'registered' then 1.0 else 0.0 end)
                          as registration
                   from serve.persons where {sw} and is_migrant group by 1) p using (station_code)
        left join (select c.station_code, avg(case when sc.community_code is not null then 1.0 else 0.0 end)
                          as smart
                   from serve.communities c
                   left join (select distinct community_code from serve.smart_communities) sc
                        using (community_code)
                   where {scope.where("c")} group by 1) m using (station_code)
        left join (select station_code, count(*) filter (where reported_at >= :w0) as week,
                          count(*) filter (where reported_at < :w0) as prev
                   from serve.incidents where {sw} and reported_at >= :p0 and reported_at < :w1
                   group by 1) i using (station_code)
        left join (select station_code, avg(case when closed_on_time then 1.0 else 0.0 end) as on_time
                   from serve.grid_events where {sw} and closed_at is not null
                   group by 1) e using (station_code)
        left join (select station_code, avg(case when status = 'cleared' then 1.0 else 0.0 end) as cleared
                   from serve.hazards where {sw} group by 1) h using (station_code)
        where {scope.where("s", grids=False)}
        """,
        {**scope.params(), "w0": week.start, "w1": week.end, "p0": prev.start},
    )
    total = sum(weights.values()) or 1.0
    for r in rows:
        base = _mean(r["three_codes"], r["registration"], r["smart"])
        both = r["incidents_week"] + r["incidents_prev"]
        control = 1 - r["incidents_week"] / both if both else 1.0
        daily = _mean(r["on_time"], r["cleared"])
        r["base_work"], r["incident_control"], r["daily_management"] = base, control, daily
        r["score"] = round(
            100
            * (
                weights["base_work"] * base
                + weights["incident_control"] * control
                + weights["daily_management"] * daily
            )
            / total,
            1,
        )
    return sorted(rows, key=lambda r: (-r["score"], r["station_code"]))


def _mean(*values: Any) -> float:
    present = [float(v) for v in values if v is not None]
    return sum(present) / len(present) if present else 0.0


# ------------------------------------------------------------------ what the seed systems count
def cameras_by_ring(url: str, scope: Scope, area: Area) -> list[dict[str, Any]]:
    f, params = _filter(scope, area)
    return fetch_all(
        url,
        f"select ring, camera_kind, count(*) as n, count(*) filter (where online) as online "
        f"from serve.cameras where {f} group by ring, camera_kind order by ring, camera_kind",
        params,
    )


def workstations(url: str, scope: Scope, area: Area) -> list[dict[str, Any]]:
    f, params = _filter(scope, area)
    return fetch_all(
        url,
        "select workstation_code, name, theme, staff_police, staff_grid, staff_other "
        "from serve.workstations "
        f"where {f} order by workstation_code",
        params,
    )


def hazards_by(url: str, scope: Scope, area: Area, column: str) -> list[dict[str, Any]]:
    """Hazards found, open and cleared by category, batch or responsible department."""
    if column not in ("category_zh", "hint_batch", "responsible_dept"):
        raise ValueError(column)
    f, params = _filter(scope, area)
    return fetch_all(
        url,
        f"select {column} as label, count(*) as found, count(*) filter (where status <> 'cleared') as open, "
        f"count(*) filter (where status = 'cleared') as cleared from serve.hazards where {f} "
        f"group by 1 order by found desc, label",
        params,
    )


def events_by_class(url: str, scope: Scope, area: Area) -> list[dict[str, Any]]:
    """Grid events by class: count, on-time rate of the closed ones, open yellow and red cards."""
    f, params = _filter(scope, area)
    return fetch_all(
        url,
        f"""
        select event_class, count(*) as n,
               avg(case when closed_on_time then 1.0 else 0.0 end) filter (where closed_at is not null)
                   as on_time_rate,
               count(*) filter (where status <> 'closed' and card = 'yellow') as yellow,
               count(*) filter (where status <> 'closed' and card = 'red') as red
        from serve.grid_events where {f} group by event_class order by event_class
        """,
        params,
    )


def incidents_yoy_by_category(url: str, scope: Scope, area: Area, week: Week) -> list[dict[str, Any]]:
    """Incidents per category this week, last week and the same week last year."""
    f, params = _filter(scope, area)
    prev, ly = week.previous(), week.last_year()
    return fetch_all(
        url,
        f"""
        select category_zh,
               count(*) filter (where reported_at >= :w0 and reported_at < :w1) as week,
               count(*) filter (where reported_at >= :p0 and reported_at < :p1) as prev,
               count(*) filter (where reported_at >= :y0 and reported_at < :y1) as last_year
        from serve.incidents where {f}
          and ((reported_at >= :p0 and reported_at < :w1) or (reported_at >= :y0 and reported_at < :y1))
        group by category_zh order by week desc, category_zh
        """,
        {
            **params,
            "w0": week.start,
            "w1": week.end,
            "p0": prev.start,
            "p1": prev.end,
            "y0": ly.start,
            "y1": ly.end,
        },
    )


def zero_incident_communities(url: str, scope: Scope, area: Area, since: datetime) -> list[dict[str, Any]]:
    """Communities with no incident within 150 m since ``since`` (零发案小区)."""
    f, params = _filter(scope, area, "c")
    return fetch_all(
        url,
        f"""
        select c.community_code, c.name, c.kind from serve.communities c
        where {f} and not exists (
            select 1 from serve.incidents i
            where i.reported_at >= :since
              and st_dwithin(i.geom, c.geom, 0.002)  -- the index narrows, geography decides
              and st_dwithin(i.geom::geography, c.geom::geography, 150)
        )
        order by c.community_code
        """,
        {**params, "since": since},
    )


# ------------------------------------------------------------------ search
def search(url: str, scope: Scope, query: str, limit: int = 10) -> list[dict[str, Any]]:
    """Places matching ``query``: exact codes first, then names and addresses by shared pieces.

    Typo-tolerant: a Chinese query is cut into overlapping pairs of characters and candidates are
    ranked by how many pairs they contain, so one wrong or missing character still finds the place.
    """
    q = "".join(query.split())
    if not q:
        return []
    if q.isascii() and q.replace("-", "").replace("_", "").isalnum():
        # a code: exactly, or by its beginning; never by shared pieces (digits are everywhere)
        return fetch_all(
            url,
            "select kind, code, label, st_x(st_centroid(geom)) as lon, st_y(st_centroid(geom)) as lat, "
            "st_xmin(geom) as x0, st_ymin(geom) as y0, st_xmax(geom) as x1, st_ymax(geom) as y1, "
            "(upper(code) = :q)::int as hits "
            f"from serve.search_index where {scope.where(grids=False)} and upper(code) like :prefix "
            "order by hits desc, char_length(code), code limit :limit",
            {**scope.params(), "q": q.upper(), "prefix": f"{q.upper()}%", "limit": limit},
        )
    pairs = sorted({q[i : i + 2] for i in range(max(1, len(q) - 1))})
    return fetch_all(
        url,
        f"""
        select kind, code, label, st_x(st_centroid(geom)) as lon, st_y(st_centroid(geom)) as lat,
               st_xmin(geom) as x0, st_ymin(geom) as y0, st_xmax(geom) as x1, st_ymax(geom) as y1, hits
        from (
            select s.*, (code = :q)::int * 100 + (label = :q)::int * 50
                 + (select count(*) from unnest(cast(:pairs as text[])) p
                    where strpos(s.label || s.code, p) > 0)
                   as hits
            from serve.search_index s
            where {scope.where("s", grids=False)} and (code = :q or label like any(cast(:likes as text[])))
        ) x
        where hits >= greatest(1, ceil(cardinality(cast(:pairs as text[])) * 0.5))
        order by hits desc, char_length(label), code
        limit :limit
        """,
        {**scope.params(), "q": q, "pairs": pairs, "likes": [f"%{p}%" for p in pairs], "limit": limit},
    )


# ------------------------------------------------------------------ data quality
def load_history(url: str, limit: int = 60) -> list[dict[str, Any]]:
    """Recent loads of every source."""
    return fetch_all(
        url,
        "select source, kind, status, started_at, finished_at, rows_in, loaded, repaired, quarantined "
        "from serve.load_batches order by batch_id desc limit :limit",
        {"limit": limit},
    )


def quarantine_counts(url: str) -> list[dict[str, Any]]:
    """Quarantined rows per source and reason."""
    return fetch_all(
        url,
        "select source, kind, reason_code, field, n from serve.quarantine_counts order by n desc, source",
    )


def grid_quality(url: str, scope: Scope, limit: int = 30) -> list[dict[str, Any]]:
    """Per grid: three-code completeness, migrant registration and sensor online rates; worst first.

    Grouped joins, not a subquery per grid: each element table is read (and its row-level security
    checked) once."""
    sw = scope.where()
    return fetch_all(
        url,
        f"""
        select g.grid_code, g.name, g.station_code, b.three_codes, p.registration, m.sensors_online
        from serve.grids g
        left join (select grid_code, avg(case when three_codes then 1.0 else 0.0 end) as three_codes
                   from serve.buildings where {sw} group by 1) b using (grid_code)
        left join (select grid_code,
                          avg(case when residence_status = 'registered' then 1.0 else 0.0 end) as registration
                   from serve.persons where {sw} and is_migrant group by 1) p using (grid_code)
        left join (select grid_code, sum(sensors_online)::float / nullif(sum(sensors), 0) as sensors_online
                   from serve.smart_communities where {sw} group by 1) m using (grid_code)
        where {scope.where("g")}
        order by least(coalesce(b.three_codes, 1), coalesce(p.registration, 1)) asc, g.grid_code
        limit :limit
        """,
        {**scope.params(), "limit": limit},
    )


def area_metrics(url: str, scope: Scope, level: str, t0: datetime, t1: datetime) -> list[dict[str, Any]]:
    """Per police zone or grid: incidents in [t0, t1), in the window before it, and residents
    (grouped joins: each element table is read, and its row-level security checked, once)."""
    if level not in ("zone", "grid"):
        raise ValueError(level)
    view = {"zone": "serve.zones", "grid": "serve.grids"}[level]
    col = f"{level}_code"
    sw = scope.where()
    return fetch_all(
        url,
        f"""
        select a.{col} as code, a.name, coalesce(i.incidents, 0) as incidents,
               coalesce(i.incidents_prev, 0) as incidents_prev, coalesce(p.residents, 0) as residents
        from {view} a
        left join (select {col}, count(*) filter (where reported_at >= :t0) as incidents,
                          count(*) filter (where reported_at < :t0) as incidents_prev
                   from serve.incidents
                   where {sw} and reported_at >= cast(:t0 as timestamptz)
                                                 - (cast(:t1 as timestamptz) - cast(:t0 as timestamptz))
                     and reported_at < :t1
                   group by 1) i using ({col})
        left join (select {col}, count(*) as residents from serve.persons where {sw} group by 1) p
             using ({col})
        where {scope.where("a", grids=view == "serve.grids")} order by 1
        """,
        {**scope.params(), "t0": t0, "t1": t1},
    )


def categories(url: str) -> list[dict[str, Any]]:
    """Incident categories that occur, with their Chinese names."""
    return fetch_all(
        url,
        "select category, min(category_zh) as name_zh, count(*) as n from serve.incidents "
        "group by 1 order by 3 desc",
    )


def child_areas(url: str, scope: Scope, level: str, station: str) -> list[dict[str, Any]]:
    """A station's police zones or grids."""
    view = {"zone": "serve.zones", "grid": "serve.grids"}[level]
    return fetch_all(
        url,
        f"select {level}_code as code, name from {view} "
        f"where station_code = :s and {scope.where(grids=level == 'grid')} order by 1",
        {**scope.params(), "s": station},
    )


def zone_grids(url: str, scope: Scope, zone: str) -> list[dict[str, Any]]:
    """The grids a police zone overlaps, by the share of each grid inside it."""
    return fetch_all(
        url,
        "select zg.grid_code, g.name, zg.share from serve.zone_grids zg join serve.grids g using (grid_code) "
        f"where zg.zone_code = :z and {scope.where('g')} order by zg.share desc, zg.grid_code",
        {**scope.params(), "z": zone},
    )


def building_alerts(url: str, scope: Scope, building: str) -> list[dict[str, Any]]:
    """Alerts about a building or its units, newest first."""
    return fetch_all(
        url,
        "select alert_kind, reason, detected_at from serve.alerts "
        f"where building_code = :b and {scope.where()} order by detected_at desc",
        {**scope.params(), "b": building},
    )


def area_table(url: str, scope: Scope, level: str, within: Area, week: Week) -> list[dict[str, Any]]:
    """One row per police zone or grid of ``within``: its figures this week, most incidents first.

    Only the elements of ``within`` count, so the rows add up to the area's own figures. A grid
    that straddles two stations appears in each station's table with that station's part; a grid
    of another station appears when some of this station's elements lie in it.
    """
    if level not in ("zone", "grid"):
        raise ValueError(level)
    view = {"zone": "serve.zones", "grid": "serve.grids"}[level]
    col = f"{level}_code"
    params = {**scope.params(), **within.params()}
    mine = within.where()  # on the element tables
    prev = week.previous()

    def per(table: str, expr: str, cond: str = "true") -> str:
        return (
            f"(select {col}, {expr} from {table} where {mine} and {scope.where()} and {cond} group by {col})"
        )

    return fetch_all(
        url,
        f"""
        select a.{col} as code, a.name,
               coalesce(p.n, 0) as population,
               coalesce(i.week, 0) as incidents_week, coalesce(i.prev, 0) as incidents_prev,
               coalesce(e.open, 0) as events_open, coalesce(e.red, 0) as red_cards,
               coalesce(e.closed, 0) as events_closed_week, coalesce(e.on_time, 0) as events_on_time_week,
               coalesce(h.found, 0) as hazards_found_week, coalesce(h.cleared, 0) as hazards_cleared_week,
               coalesce(d.found, 0) as disputes_found_week, coalesce(d.resolved, 0) as disputes_resolved_week,
               coalesce(al.n, 0) as alerts
        from {view} a
        left join {per("serve.persons", "count(*) as n")} p using ({col})
        left join {
            per(
                "serve.incidents",
                "count(*) filter (where reported_at >= :w0) as week, "
                "count(*) filter (where reported_at < :w0) as prev",
                "reported_at >= :p0 and reported_at < :w1",
            )
        } i using ({col})
        left join {
            per(
                "serve.grid_events",
                "count(*) filter (where status <> 'closed') as open, "
                "count(*) filter (where status <> 'closed' and card = 'red') as red, "
                "count(*) filter (where closed_at >= :w0 and closed_at < :w1) as closed, "
                "count(*) filter (where closed_at >= :w0 and closed_at < :w1 and closed_on_time) as on_time",
            )
        }
             e using ({col})
        left join {
            per(
                "serve.hazards",
                "count(*) filter (where found_at >= :w0 and found_at < :w1) as found, "
                "count(*) filter (where cleared_at >= :w0 and cleared_at < :w1) as cleared",
            )
        } h using ({col})
        left join {
            per(
                "serve.disputes",
                "count(*) filter (where found_at >= :w0 and found_at < :w1) as found, "
                "count(*) filter (where resolved_at >= :w0 and resolved_at < :w1) as resolved",
            )
        }
             d using ({col})
        left join {per("serve.alerts", "count(*) as n")} al using ({col})
        where {scope.where("a", grids=level == "grid")}
          and ({within.where("a")} or coalesce(p.n, 0) + coalesce(i.week, 0)
              + coalesce(i.prev, 0) + coalesce(e.open, 0) + coalesce(e.closed, 0) + coalesce(h.found, 0)
              + coalesce(h.cleared, 0) + coalesce(d.found, 0) + coalesce(d.resolved, 0)
              + coalesce(al.n, 0) > 0)
        order by incidents_week desc, a.{col}
        """,
        {**params, "w0": week.start, "w1": week.end, "p0": prev.start},
    )


def red_card_items(url: str, scope: Scope, area: Area, limit: int = 100) -> list[dict[str, Any]]:
    """Open grid events past the red-card deadline within an area, oldest first."""
    f, params = _filter(scope, area)
    return fetch_all(
        url,
        "select event_no, coalesce(kind_zh, kind_code) as what, event_class, registered_at, due_at, "
        "grid_code, zone_code, station_code, handling_dept "
        f"from serve.grid_events where {f} and status <> 'closed' and card = 'red' "
        "order by registered_at limit :limit",
        {**params, "limit": limit},
    )


def alerts_by_kind(url: str, scope: Scope, area: Area) -> list[dict[str, Any]]:
    f, params = _filter(scope, area)
    return fetch_all(
        url,
        f"select alert_kind, count(*) as n from serve.alerts where {f} group by 1 order by 2 desc, 1",
        params,
    )


def three_code_completeness(url: str, scope: Scope, area: Area) -> float | None:
    """Share of buildings with standard address, grid and police zone (三码完整率)."""
    f, params = _filter(scope, area)
    rows = fetch_all(
        url,
        f"select avg(case when three_codes then 1.0 else 0.0 end) as r from serve.buildings where {f}",
        params,
    )
    return float(rows[0]["r"]) if rows and rows[0]["r"] is not None else None
