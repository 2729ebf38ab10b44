"""Lists of an area's elements: open items, buildings (and one building), red cards, workstations,
communities without incidents, and the place search.

Everything is read from the serve views, so personal data arrives masked.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, TypedDict, cast

from dashboard.periods import Period, as_of
from dashboard.queries import people
from dashboard.queries.areas import Area, scope_filter
from dashboard.queries.sql import rows
from dashboard.scope import Scope


class Building(TypedDict):
    """A building with its rental units and occupants (masked; the pages print both as tables)."""

    building_code: str
    address: str | None
    floors: int | None
    building_use: str | None
    households: int | None
    grid_code: str | None
    zone_code: str | None
    station_code: str
    units: list[dict[str, Any]]
    occupants: list[dict[str, Any]]


class RedCard(TypedDict):
    """An open grid event past its red-card deadline."""

    event_no: str
    what: str
    event_class: str | None
    registered_at: datetime
    due_at: datetime | None
    grid_code: str | None
    zone_code: str | None
    station_code: str
    handling_dept: str | None


class SearchHit(TypedDict):
    """A place the search found: what it is, where it lies and how well it matched."""

    kind: str
    code: str
    label: str
    lon: float
    lat: float
    x0: float
    y0: float
    x1: float
    y1: float
    hits: int


def open_items(url: str, scope: Scope, area: Area, week: Period, limit: int = 50) -> list[dict[str, Any]]:
    """Grid events (with deadline and card), hazards and high-risk disputes open at the end of
    ``week`` (now while it runs), read from their own timestamps; the card is the one they had then."""
    where, params = scope_filter(scope, area)
    return rows(url, "elements_open_items", {**params, "at": as_of(week), "limit": limit}, where=where)


def buildings(url: str, scope: Scope, area: Area, limit: int = 100) -> list[dict[str, Any]]:
    """The area's buildings, those with the most rental units first (counted after each load)."""
    where, params = scope_filter(scope, area, "k")
    return rows(url, "elements_buildings", {**params, "limit": limit}, where=where)


def open_alerts_of(url: str, codes: list[str]) -> dict[str, int]:
    """The open alerts of each of the buildings ``codes`` now (those without any: none), as
    :func:`buildings` counts them; the viewer's only (row-level security)."""
    found = rows(url, "elements_open_alerts_of", {"codes": sorted(codes)})
    return {r["building_code"]: int(r["alerts"]) for r in found}


def building(url: str, scope: Scope, code: str) -> Building | None:
    """A building with its rental units and occupants, masked; None outside the scope."""
    params = {**scope.params(), "code": code}
    found = rows(url, "elements_building", params, scope=scope.where("b"))
    if not found:
        return None
    out = found[0]
    out["units"] = rows(url, "elements_rental_units", params, scope=scope.where("u"))
    out["occupants"] = people.occupants(url, scope, code)
    return cast(Building, out)


def building_access(url: str, scope: Scope, code: str, week: Period) -> list[dict[str, Any]]:
    """A building's gate access per day of ``week`` (passages, distinct cards, devices): counts only."""
    params = {**scope.params(), "code": code, "d0": week.start.date(), "d1": week.end.date()}
    return rows(url, "elements_building_access", params, scope=scope.where("a"))


def building_people(url: str, scope: Scope, code: str) -> dict[str, Any]:
    """How many people a building counts: residents, migrants and those living in rental units."""
    found = rows(url, "elements_building_people", {**scope.params(), "code": code}, scope=scope.where("p"))
    return found[0] if found else {"residents": 0, "migrants": 0, "in_units": 0}


def building_alerts(url: str, scope: Scope, building: str) -> list[dict[str, Any]]:
    """Alerts about a building or its units, newest first."""
    return rows(url, "elements_building_alerts", {**scope.params(), "b": building}, scope=scope.where("al"))


def area_alerts(url: str, scope: Scope, area: Area, limit: int = 100) -> list[dict[str, Any]]:
    """An area's alerts, newest first (kind, reason, time, building, grid)."""
    where, params = scope_filter(scope, area, "al")
    return rows(url, "elements_area_alerts", {**params, "limit": limit}, where=where)


def red_card_items(url: str, scope: Scope, area: Area, week: Period, limit: int = 100) -> list[RedCard]:
    """Grid events within an area open and past the red-card deadline at the end of ``week`` (now
    while it runs), oldest first."""
    where, params = scope_filter(scope, area, "e")
    found = rows(url, "elements_red_cards", {**params, "at": as_of(week), "limit": limit}, where=where)
    return cast("list[RedCard]", found)


def red_cards(url: str, scope: Scope, week: Period, limit: int = 20) -> list[RedCard]:
    """Red cards of the whole scope at the end of ``week`` (now while it runs), oldest first."""
    return red_card_items(url, scope, Area(), week, limit)


def workstations(url: str, scope: Scope, area: Area) -> list[dict[str, Any]]:
    """The police-grid workstations (警网融合工作站) of an area and their staff."""
    where, params = scope_filter(scope, area, "w")
    return rows(url, "elements_workstations", params, where=where)


def zero_incident_communities(
    url: str, scope: Scope, area: Area, since: datetime, until: datetime
) -> list[dict[str, Any]]:
    """Communities with no incident within 150 m in [``since``, ``until``) (零发案小区)."""
    where, params = scope_filter(scope, area, "c")
    return rows(
        url,
        "elements_zero_incident_communities",
        {**params, "area_level": area.level, "area_code": area.code, "since": since, "until": until},
        where=where,
    )


SEARCH_POOL = 5  # a text search masks this many candidates for each hit it returns
# and at most this many, when masking took pairs from the first pool's best (serve.search_places)
SEARCH_POOL_MOST = 40
# what a search reads of its text: a full standard address is about 25 characters; a longer text (a
# paste, a forged call) would make a pattern of every pair of its characters, each tried on every
# place (serve.search_places reads no more either)
SEARCH_CHARS = 40


def search(url: str, scope: Scope, query: str, limit: int = 10) -> list[SearchHit]:
    """Places matching ``query``: exact codes first, then names and addresses by shared pieces.

    Typo-tolerant: a Chinese query is cut into overlapping pairs of characters and candidates are
    ranked by how many pairs their masked label contains, so one wrong or missing character still
    finds the place. The search runs in the database (etl/sql/functions/46_serve_search.sql) under
    the signed scope, which it applies itself (``scope`` is that scope, signed by the caller): only
    masked labels, codes and shapes come back, never a plain name or address.
    """
    q = "".join(query.split())[:SEARCH_CHARS]
    if not q:
        return []
    if q.isascii() and q.replace("-", "").replace("_", "").isalnum():
        # a code: exactly, or by its beginning; never by shared pieces (digits are everywhere)
        found = rows(url, "elements_search_code", {"q": q.upper(), "limit": limit})
        return cast("list[SearchHit]", found)
    q = q.replace("*", "")
    if not q:
        return []
    found = rows(
        url,
        "elements_search_text",
        {"q": q, "limit": limit, "pool": SEARCH_POOL, "pool_most": SEARCH_POOL_MOST},
    )
    return cast("list[SearchHit]", found)
