"""Persons: the person search (by ID number, mobile number or name) and a building's occupants.

A search matches on the unmasked record in ``core.persons``; what comes back is always the masked
row of ``serve.persons``, within the scope.
"""

from __future__ import annotations

import re
from typing import Any, TypedDict, cast

from dashboard.queries.sql import rows
from dashboard.scope import Scope

PERSON_ID = re.compile(r"^\d{17}[\dXx]$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# the condition of each kind of search on core.persons (alias c)
MATCH = {
    "id_number": "c.id_number = :q",
    "phone": "c.phone = :q",
    "name": "(c.name = :q or c.name like :prefix)",
}


class PersonHit(TypedDict):
    """A person the search found, masked, with where they live."""

    name: str
    id_number: str | None
    phone: str | None
    gender: str | None
    age: int | None
    is_migrant: bool
    residence_status: str | None
    building_code: str | None
    unit_code: str | None
    grid_code: str | None
    station_code: str


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


def person_search(url: str, scope: Scope, q: str, limit: int = 50) -> list[PersonHit]:
    """People matching an ID number, mobile number or name exactly (a name also by its start),
    inside the scope, masked; at most ``limit``."""
    kind = person_query_kind(q)
    if kind is None:
        return []
    q = q.strip().upper() if kind == "id_number" else q.strip()
    found = rows(
        url,
        "people_search",
        {**scope.params(), "q": q, "prefix": q.replace("%", "").replace("_", "") + "%", "limit": limit},
        scope=scope.where("p"),
        match=MATCH[kind],
    )
    return cast("list[PersonHit]", found)


def occupants(url: str, scope: Scope, building: str) -> list[dict[str, Any]]:
    """The people living in a building, masked, by unit (the building page adds printed labels)."""
    return rows(url, "people_occupants", {**scope.params(), "code": building}, scope=scope.where("p"))
