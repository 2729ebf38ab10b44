"""Supervisions (督办) as the pages read and make them: an area's list for a period, the supervision
each listed item shows, one item with its history, the export, and the two writes, which only the
owner's ``ops.supervise`` and ``ops.supervise_close`` make (scoped, audited, refused to all but the
roles allowed). Everything is read from ``serve.supervisions``: a supervision is seen with its item."""

from __future__ import annotations

from datetime import date
from typing import Any

from dashboard.db import execute
from dashboard.periods import Period, as_of
from dashboard.queries.sql import rows
from dashboard.scope import Scope

# what a page may list supervisions of; the governance levels through their grids (core.grids)
AREA_KINDS = ("county", "town", "village", "station", "zone", "grid")
# the deadlines a leader chooses from, in days from today (Beijing); the database checks again
DEADLINE_DAYS = (3, 7, 15, 30)


def area_where(scope: Scope, area_kind: str, code: str | None) -> tuple[str, dict[str, Any]]:
    """The condition keeping supervisions (alias ``s``) within the scope and an area, and its
    parameters; a town's or village's by the grids it holds."""
    cond = scope.where("s")
    params: dict[str, Any] = {**scope.params(), "area_code": code}
    if area_kind == "county":
        return cond, params
    if area_kind in ("station", "zone", "grid"):
        return f"{cond} and s.{area_kind}_code = :area_code", params
    if area_kind in ("town", "village"):
        return (
            f"{cond} and s.grid_code in (select g.grid_code from core.grids as g "
            f"where g.{area_kind}_code = :area_code)",
            params,
        )
    raise ValueError(f"unknown area kind {area_kind!r}")


def area_list(
    url: str, scope: Scope, area_kind: str, code: str | None, period: Period
) -> list[dict[str, Any]]:
    """An area's supervisions for ``period``: opened or closed in it, overdue at its end, and every
    one open now; overdue first."""
    where, params = area_where(scope, area_kind, code)
    params.update(start=period.start, end=period.end, at=as_of(period), limit=200)
    return rows(url, "supervision_list", params, where=where)


def of_items(url: str, scope: Scope, items: list[str]) -> dict[str, dict[str, Any]]:
    """Item number → the supervision it shows (its open one, else its latest), for ``items``."""
    if not items:
        return {}
    found = rows(url, "supervision_of_items", {**scope.params(), "items": items}, scope=scope.where("s"))
    return {r["item_no"]: r for r in found}


def item(url: str, scope: Scope, item_no: str) -> dict[str, Any] | None:
    """A grid event in scope with its card now; None when the viewer may see no such item."""
    found = rows(url, "supervision_item", {**scope.params(), "item": item_no}, scope=scope.where("e"))
    return found[0] if found else None


def history(url: str, scope: Scope, item_no: str) -> list[dict[str, Any]]:
    """Every supervision of an item in scope with each of its steps, newest first."""
    return rows(url, "supervision_history", {**scope.params(), "item": item_no}, scope=scope.where("s"))


def export_rows(url: str, scope: Scope, limit: int = 20000) -> list[dict[str, Any]]:
    """Every supervision in scope with its item's source key, oldest first (for the export)."""
    return rows(url, "supervision_export", {**scope.params(), "limit": limit}, scope=scope.where("s"))


def supervise(url: str, item_no: str, note: str, unit: str, deadline: date) -> str:
    """Open a supervision through ``ops.supervise`` (who acts comes from the signed scope); its
    answer: ``ok`` or why not (``not_found``, ``refused_role``, ``not_carded``, ``already_open``,
    ``refused_reason``, ``refused_unit``, ``refused_deadline``). Every call is audited."""
    found = execute(
        url,
        "select ops.supervise('grid_event', :i, :n, :u, :d) as result",
        {"i": item_no[:40], "n": note[:500], "u": unit[:100], "d": deadline},
    )
    return str(found[0]["result"])


def close(url: str, item_no: str, result: str) -> str:
    """Close an item's open supervision by hand through ``ops.supervise_close``; its answer: ``ok``,
    ``not_found``, ``refused_role`` or ``refused_reason``. Every call is audited."""
    found = execute(
        url,
        "select ops.supervise_close('grid_event', :i, :r) as result",
        {"i": item_no[:40], "r": result[:500]},
    )
    return str(found[0]["result"])
