"""Areas of the drill-down and the condition that keeps a read within the viewer's scope and an area.

An area is named by a level (``all``, ``station``, ``zone``, ``grid`` of the police hierarchy;
``town``, ``village`` of the governance one) and a code; elements belong to a police area by their
own attribution (``station_code``, ``zone_code``, ``grid_code``) and to a town or village by their
grid's (each grid lies in one village of one town), so both hierarchies count every element of a
grid once and their totals over the same ground agree.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict, cast

from dashboard.queries.sql import rows
from dashboard.scope import Scope

LEVELS = ("all", "station", "zone", "grid", "town", "village")
# the governance levels: an element is theirs through its grid
GOVERNANCE = ("town", "village")
# the serve view of each level below the whole area: the only tables a level may name
VIEWS = {"station": "serve.stations", "zone": "serve.zones", "grid": "serve.grids"}


@dataclass(frozen=True)
class Area:
    """An area of the drill-down: the whole area, a station, a police zone, a grid, a town or a village."""

    level: str = "all"
    code: str | None = None
    # a town's or village's grids in the reader's scope, once read (:func:`with_grids`): bound as
    # one array, which the planner uses as it uses a code; None: looked up in each statement
    grids: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if self.level not in LEVELS:
            raise ValueError(f"unknown level {self.level!r}")
        if (self.level == "all") != (self.code is None):
            raise ValueError("an area below 'all' needs a code")

    def where(self, alias: str = "") -> str:
        """SQL condition keeping the area's elements (bind with :meth:`params`)."""
        if self.level == "all":
            return "true"
        prefix = f"{alias}." if alias else ""
        if self.level in GOVERNANCE and self.grids is not None:
            return f"{prefix}grid_code = any (cast(:area_grids as text[]))"
        if self.level in GOVERNANCE:
            # read in the reader's scope: a grid it may not see keeps nothing of its elements either
            return (
                f"{prefix}grid_code in (select gov.grid_code from serve.grids as gov "
                f"where gov.{self.level}_code = :area_code)"
            )
        return f"{prefix}{self.level}_code = :area_code"

    def params(self) -> dict[str, Any]:
        if self.grids is not None:
            return {"area_code": self.code, "area_grids": list(self.grids)}
        return {"area_code": self.code}


def scope_filter(scope: Scope, area: Area, alias: str = "", grids: bool = True) -> tuple[str, dict[str, Any]]:
    """The condition keeping a table's rows within ``scope`` and ``area``, and its parameters.

    Parameters
    ----------
    scope
        The viewer's scope.
    area
        The area the rows must belong to.
    alias
        The table's alias in the statement (empty: unqualified columns).
    grids
        ``False`` for tables without a grid code (stations, zones).
    """
    return f"{scope.where(alias, grids)} and {area.where(alias)}", {**scope.params(), **area.params()}


class Station(TypedDict):
    """A station in scope: its site and its bounds."""

    station_code: str
    name: str
    site_lon: float | None
    site_lat: float | None
    x0: float
    y0: float
    x1: float
    y1: float


def area_name(url: str, scope: Scope, area: Area) -> dict[str, Any] | None:
    """Name, station and zone of an area (a grid's, town's or village's: also its town and village);
    None when it does not exist or is out of scope (a town or village: when the viewer sees none of
    its grids)."""
    if area.level == "all":
        districts = rows(url, "areas_districts")
        return {"name": "、".join(r["name"] for r in districts) or "全域", "station_code": None}
    found = rows(
        url,
        f"areas_{area.level}_name",
        {**scope.params(), **area.params()},
        scope=scope.where("a", grids=area.level in ("grid", *GOVERNANCE)),
    )
    return found[0] if found else None


def stations(url: str, scope: Scope) -> list[Station]:
    """Stations in scope: code, name, site and bounds."""
    found = rows(url, "areas_stations", scope.params(), scope=scope.where("s", grids=False))
    return cast("list[Station]", found)


def bounds(url: str, scope: Scope, area: Area) -> tuple[float, float, float, float] | None:
    """(west, south, east, north) of an area in scope."""
    if area.level == "all" and scope.grids is not None:  # a grid worker's map frames their grids
        view, where = VIEWS["grid"], scope.where("a")
    elif area.level == "all":
        view, where = VIEWS["station"], scope.where("a", grids=False)
    elif area.level in GOVERNANCE:  # the outline of its grids the viewer sees
        view, where = VIEWS["grid"], f"{area.where('a')} and {scope.where('a')}"
    else:
        view = VIEWS[area.level]
        where = f"{area.where('a')} and {scope.where('a', grids=area.level == 'grid')}"
    found = rows(url, "areas_bounds", {**scope.params(), **area.params()}, view=view, where=where)
    r = found[0] if found else None
    if not r or r["x0"] is None:
        return None
    return (r["x0"], r["y0"], r["x1"], r["y1"])


def child_areas(url: str, scope: Scope, level: str, station: str) -> list[dict[str, Any]]:
    """A station's police zones or grids."""
    name = {"zone": "areas_station_zones", "grid": "areas_station_grids"}[level]
    return rows(url, name, {**scope.params(), "s": station}, scope=scope.where("a", grids=level == "grid"))


def names(url: str, scope: Scope) -> dict[str, dict[str, str]]:
    """Level (``station``, ``zone``, ``grid``) → code → name of every area in scope (a grid's name
    says its village)."""
    found = rows(
        url,
        "areas_names",
        scope.params(),
        stations=scope.where("a", grids=False),
        zones=scope.where("a", grids=False),
        grids=scope.where("a"),
    )
    out: dict[str, dict[str, str]] = {level: {} for level in VIEWS}
    for r in found:
        out[r["level"]][r["code"]] = r["name"]
    return out


def zone_grids(url: str, scope: Scope, zone: str) -> list[dict[str, Any]]:
    """The grids a police zone overlaps, by the share of each grid inside it."""
    return rows(url, "areas_zone_grids", {**scope.params(), "z": zone}, scope=scope.where("g"))


def governance_children(url: str, scope: Scope, area: Area) -> list[dict[str, Any]]:
    """The grids in scope of a town or village, each with its village (code and name)."""
    if area.level not in GOVERNANCE:
        raise ValueError(f"not a town or village: {area.level!r}")
    return rows(
        url,
        "areas_governance_grids",
        {**scope.params(), **area.params()},
        scope=scope.where("a"),
        area=area.where("a"),
    )


def towns(url: str, scope: Scope) -> list[dict[str, Any]]:
    """The towns of which ``scope`` sees a grid: code, name, and the villages and grids it sees."""
    return rows(url, "areas_towns", scope.params(), scope=scope.where("a"))


def with_grids(url: str, scope: Scope, area: Area) -> Area:
    """A town or village with its grids in ``scope`` read once (every read of it then binds them,
    which is many times faster in statements that count week by week); any other area as it is."""
    if area.level not in GOVERNANCE or area.grids is not None:
        return area
    found = rows(
        url,
        "areas_governance_grids",
        {**scope.params(), **area.params()},
        scope=scope.where("a"),
        area=area.where("a"),
    )
    return Area(area.level, area.code, tuple(r["code"] for r in found))
