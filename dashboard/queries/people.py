"""Persons: the person lookup (exact full ID number, mobile number or name) and a building's occupants.

The lookup is decided, limited and audited in the database (``ops.person_lookup``): it matches on
the unmasked record in ``core.persons`` and returns person keys only; what the page shows is
always the masked row of ``serve.persons``, within the scope. A query is exact and whole: no
prefix, no pattern (``%``, ``_`` and ``\\`` are refused, as are letters that only look like others).
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, TypedDict, cast

from dashboard.db import execute
from dashboard.queries.sql import rows
from dashboard.scope import Scope

PERSON_ID = re.compile(r"^[0-9]{17}[0-9X]$", re.ASCII)
MOBILE = re.compile(r"^1[3-9][0-9]{9}$", re.ASCII)
# a name is letters (any script) and the middle dot of transcribed names, nothing else
NAME_MARKS = frozenset("·•")


class PersonHit(TypedDict):
    """A person the lookup found, masked, with where they live."""

    person_id: int
    name: str
    id_number: str | None
    phone: str | None
    gender: str | None
    is_migrant: bool
    residence_status: str | None
    building_code: str | None
    unit_code: str | None
    grid_code: str | None
    station_code: str


def normalise_query(q: str) -> str:
    """A query as looked up: trimmed; an ID number's check letter upper-case."""
    q = q.strip()
    return q.upper() if PERSON_ID.match(q.upper()) else q


def person_query_kind(q: str) -> str | None:
    """What a lookup looks for: a full ID number, a full mobile number or a full name (2–20 letters,
    in their canonical form); None for anything else (patterns, digits in a name, lookalikes)."""
    q = normalise_query(q)
    if PERSON_ID.match(q):
        return "id_number"
    if MOBILE.match(q):
        return "phone"
    if (
        2 <= len(q) <= 20
        and unicodedata.normalize("NFKC", q) == q
        and all(unicodedata.category(ch).startswith("L") or ch in NAME_MARKS for ch in q)
    ):
        return "name"
    return None


def person_search(url: str, scope: Scope, q: str, reason: str) -> tuple[str, list[PersonHit]]:
    """Look people up by an exact full key with a stated reason; the database's verdict
    (``ok``, ``refused_role``, ``refused_reason``, ``refused_query``, ``rate_limited``, ``locked``)
    and the masked people in scope it found (at most 50). Every call is audited, refused or not."""
    kind = person_query_kind(q) or "invalid"
    verdict = execute(
        url,
        "select result, person_ids from ops.person_lookup(:k, :q, :r)",
        {"k": kind, "q": normalise_query(q)[:100], "r": reason.strip()[:200]},
    )[0]
    if verdict["result"] != "ok" or not verdict["person_ids"]:
        return verdict["result"], []
    found = rows(
        url, "people_search", {**scope.params(), "ids": list(verdict["person_ids"])}, scope=scope.where("p")
    )
    return "ok", cast("list[PersonHit]", found)


def occupants(url: str, scope: Scope, building: str) -> list[dict[str, Any]]:
    """The people living in a building, masked, by unit, with their person keys (for the audit;
    the building page adds printed labels)."""
    return rows(url, "people_occupants", {**scope.params(), "code": building}, scope=scope.where("p"))
